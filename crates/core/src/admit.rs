//! Admission: would the rules have let this actor produce this event, at this time, from the
//! state the events before it made? `decide` answers that for a command before its events
//! exist; `admit` answers it for an event that already exists — one read back from a ledger
//! (`verify --full` replays every event through it) or, later, one a device sends the
//! district server. It checks what the events say, never the read tables, so a table edited
//! and put back cannot lend an actor a role the events never gave it.
//!
//! It reuses the rules of `workflow` (`gate`, `require_office`, `may_*`, `validate_enterprise`,
//! `active_department`) and of `Settings::validate`: there is one copy of each rule. It does
//! not recompute what `decide` computed from the calendar (deadlines, numbers): an event that
//! follows the rules but carries other values needs a signature to be told apart, which comes
//! with the district server.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::attachment::check_attachments;
use crate::calendar::Calendar;
use crate::chain::format_instant;
use crate::command::Action;
use crate::dates::{check_decided, DateRange};
use crate::error::DomainError;
use crate::event::{AssignmentTerms, EventBody, EventMeta};
use crate::model::*;
use crate::monitoring::records::{RaisedWarning, WarningSubject};
use crate::settings::Settings;
use crate::workflow::{self, Context, World, MAX_SHORT};

/// What the rules say of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "verdict", content = "error", rename_all = "snake_case")]
pub enum Verdict {
    /// The rules allow it.
    Admitted,
    /// The actor may take this action, but the problem's state no longer allows it (the state
    /// moved on: another act came first). Applying it would change nothing the rules allow.
    NoEffect(DomainError),
    /// The rules would never have produced it: the actor is unknown or deactivated, the role or
    /// unit may not do this, the input breaks a rule, or it is dated before what precedes it.
    Refused(DomainError),
}

impl Verdict {
    pub fn is_admitted(&self) -> bool {
        matches!(self, Verdict::Admitted)
    }

    /// The reason it is not admitted.
    pub fn error(&self) -> Option<&DomainError> {
        match self {
            Verdict::Admitted => None,
            Verdict::NoEffect(e) | Verdict::Refused(e) => Some(e),
        }
    }
}

/// What surrounds an event besides the state: the rules in force and its place in history.
#[derive(Debug, Clone, Copy)]
pub struct AdmitContext<'a> {
    pub calendar: &'a Calendar,
    pub settings: &'a Settings,
    /// How many events precede this one in the ledger (the genesis is the first three).
    pub position: u64,
    /// The latest time of any event before this one.
    pub latest: Option<DateTime<Utc>>,
    /// When the event reached its judge, if it is judged on arrival (the district server's
    /// clock); `None` for a replay of a stored log.
    pub received_at: Option<DateTime<Utc>>,
}

/// How far before the latest event an admitted time lies (within the tolerance), in seconds.
pub fn clock_behind(at: DateTime<Utc>, latest: Option<DateTime<Utc>>) -> Option<i64> {
    let latest = latest?;
    (at < latest).then(|| (latest - at).num_seconds().max(1))
}

/// The time rule of every act (item: backdating). An act may not be dated before the ledger's
/// latest event by more than `tolerance_seconds` (a clock that jitters), nor before any event
/// of the problem it concerns (`problem_latest`), with no tolerance: a problem's history is
/// read in order, and a resolution dated before its urges would rewrite its lateness.
pub fn check_time(
    at: DateTime<Utc>,
    latest: Option<DateTime<Utc>>,
    problem_latest: Option<DateTime<Utc>>,
    tolerance_seconds: u32,
) -> Result<(), DomainError> {
    if let Some(latest) = latest {
        if at < latest - chrono::Duration::seconds(tolerance_seconds as i64) {
            return Err(DomainError::TimeBeforeHistory {
                at: format_instant(at),
                latest: format_instant(latest),
                tolerance_seconds,
            });
        }
    }
    if let Some(p) = problem_latest {
        if at < p {
            return Err(DomainError::TimeBeforeProblem { at: format_instant(at), latest: format_instant(p) });
        }
    }
    Ok(())
}

/// An act cannot be dated after it reached the district server, beyond the clock tolerance: a
/// desk whose clock runs ahead would otherwise date a problem's events into the future, and
/// every honest act on that problem after it would be "before the problem's latest event"
/// until the future arrived. Offline work arrives late, never early.
pub fn check_not_ahead(at: DateTime<Utc>, received: DateTime<Utc>, tolerance_seconds: u32) -> Result<(), DomainError> {
    if at > received + chrono::Duration::seconds(tolerance_seconds as i64) {
        return Err(DomainError::TimeAhead {
            at: format_instant(at),
            received: format_instant(received),
            tolerance_seconds,
        });
    }
    Ok(())
}

/// The problem-level action that produces this event, if it is one.
pub fn action_of(body: &EventBody) -> Option<Action> {
    use EventBody as E;
    Some(match body {
        E::ResolvedLocally { .. } => Action::ResolveLocally,
        E::Assigned { .. } => Action::Assign,
        E::Signed { .. } => Action::Sign,
        E::SupportAcknowledged { .. } => Action::Acknowledge,
        E::Returned { .. } => Action::Return,
        E::ReturnUpheld { .. } | E::Reassigned { .. } => Action::RuleReturn,
        E::ProgressNoted { .. } => Action::NoteProgress,
        E::OpinionSubmitted { .. } => Action::SubmitOpinion,
        E::OpinionWaived { .. } => Action::WaiveOpinion,
        E::ExtensionRequested { .. } => Action::RequestExtension,
        E::ExtensionRuled { .. } => Action::RuleExtension,
        E::Urged { .. } => Action::Urge,
        E::Resolved { .. } => Action::Resolve,
        E::Evaluated { .. } => Action::Evaluate,
        E::Closed { .. } => Action::Close,
        E::WithdrawalRequested { .. } => Action::RequestWithdrawal,
        E::WithdrawalRuled { .. } => Action::RuleWithdrawal,
        E::Instructed { .. } => Action::Instruct,
        _ => return None,
    })
}

/// Whether the rules would have produced `body`, by `meta.actor` at `meta.occurred_at`, from
/// the state `world` holds (the fold of the events before it). Pure.
pub fn admit(body: &EventBody, meta: &EventMeta, ctx: &AdmitContext, world: &dyn World) -> Verdict {
    if let Some(verdict) = genesis(body, meta, ctx, world) {
        return verdict;
    }
    let actor = match actor_of(meta, world) {
        Ok(a) => a,
        Err(e) => return Verdict::Refused(e),
    };
    let problem = body.problem_id().and_then(|id| world.problem(id));
    let problem_latest = match body {
        // A registration starts its problem; an existing one makes it a duplicate (below).
        EventBody::ProblemRegistered { .. } | EventBody::ProblemImported { .. } => None,
        _ => problem.as_ref().map(|p| p.updated_at),
    };
    if let Err(e) = check_time(meta.occurred_at, ctx.latest, problem_latest, ctx.settings.clock_tolerance_seconds) {
        return Verdict::Refused(e);
    }
    if let Some(received) = ctx.received_at {
        if let Err(e) = check_not_ahead(meta.occurred_at, received, ctx.settings.clock_tolerance_seconds) {
            return Verdict::Refused(e);
        }
    }
    // The date range, as `decide` checks it: the clock, and every date the event carries.
    let range = DateRange::of(ctx.settings).check_clock(meta.occurred_at);
    if let Err(e) = range.and_then(|()| check_decided(meta.occurred_at, ctx.settings, std::slice::from_ref(body))) {
        return Verdict::Refused(e);
    }
    // The attachments' rule, as `decide` keeps it: the files named as `decide` would name them.
    match check_attachments(body.attachments()) {
        Err(e) => return Verdict::Refused(e),
        Ok(kept) if kept != body.attachments() => {
            return Verdict::Refused(DomainError::invalid("attachments", "not as the rules record them"))
        }
        Ok(_) => {}
    }
    let wctx = Context { now: meta.occurred_at, calendar: ctx.calendar, settings: ctx.settings };
    if let Some(action) = action_of(body) {
        let pid = body.problem_id().unwrap_or_default();
        let Some(p) = problem else {
            return Verdict::Refused(DomainError::not_found("problem", pid));
        };
        return match workflow::gate(action, &p, &actor, &wctx) {
            Err(e @ DomainError::Forbidden { .. }) => Verdict::Refused(e),
            Err(e) => Verdict::NoEffect(e),
            Ok(()) => match problem_input(body, &p, &actor, &wctx, world) {
                Ok(()) => Verdict::Admitted,
                Err(e) => Verdict::Refused(e),
            },
        };
    }
    if let EventBody::DocumentIssued { problem_id, kind, round, seq, number, .. } = body {
        let Some(p) = problem else {
            return Verdict::Refused(DomainError::not_found("problem", problem_id));
        };
        // Another desk issued this occasion's document first: the state moved on.
        return match workflow::document_fits(&p, *kind, *round, *seq, number, &actor, world) {
            Ok(()) => Verdict::Admitted,
            Err(e @ (DomainError::DocumentAlreadyIssued { .. } | DomainError::DocumentNotDue { .. })) => {
                Verdict::NoEffect(e)
            }
            Err(e) => Verdict::Refused(e),
        };
    }
    if let EventBody::BulletinIssued { period, seq, number, .. } = body {
        return match workflow::bulletin_fits(period, *seq, number, &actor, world) {
            Ok(()) => Verdict::Admitted,
            Err(e @ DomainError::DocumentAlreadyIssued { .. }) => Verdict::NoEffect(e),
            Err(e) => Verdict::Refused(e),
        };
    }
    match other_event(body, &actor, &wctx, world) {
        Ok(()) => Verdict::Admitted,
        Err(e) => Verdict::Refused(e),
    }
}

/// The genesis (`Ledger::bootstrap`): the ledger's initialization, the office unit and its
/// `admin`, who acts before any user exists. From the fourth event on, `admin` is an office
/// user like any other and the ordinary rules apply. `None`: not a genesis matter.
fn genesis(body: &EventBody, meta: &EventMeta, ctx: &AdmitContext, world: &dyn World) -> Option<Verdict> {
    use EventBody as E;
    let refuse = |reason: &str| Some(Verdict::Refused(DomainError::invalid("genesis", reason)));
    match (ctx.position, body) {
        (0, E::LedgerInitialized { .. }) => Some(Verdict::Admitted),
        (0, _) => refuse("a ledger begins with its initialization"),
        (_, E::LedgerInitialized { .. }) => refuse("a ledger is initialized once, first"),
        (1, E::UnitCreated { unit }) if unit.kind == UnitKind::Office && unit.active => {
            if ctx.latest.is_some_and(|l| l != meta.occurred_at) {
                return refuse("the genesis is one act");
            }
            Some(Verdict::Admitted)
        }
        (1, _) => refuse("the office unit comes second"),
        (2, E::UserCreated { user }) => {
            let unit = world.unit(&user.unit_id);
            let fits = user.id == meta.actor
                && user.role == Role::Office
                && user.active
                && unit.is_some_and(|u| u.kind == UnitKind::Office)
                && ctx.latest == Some(meta.occurred_at);
            if fits {
                Some(Verdict::Admitted)
            } else {
                refuse("the third event creates the office's admin, by itself, at the same time")
            }
        }
        (2, _) => refuse("the office's admin comes third"),
        _ => None,
    }
}

/// The acting user as the events made them: known, in a known unit, and allowed to act at all
/// (`workflow::actor_may_act`, the same question `decide` asks: user and unit both active).
fn actor_of(meta: &EventMeta, world: &dyn World) -> Result<Actor, DomainError> {
    let user = world.user(&meta.actor).ok_or_else(|| DomainError::not_found("user", &meta.actor))?;
    let unit = world.unit(&user.unit_id).ok_or_else(|| DomainError::not_found("unit", &user.unit_id))?;
    let actor = Actor { user, unit };
    workflow::actor_may_act(&actor)?;
    Ok(actor)
}

fn own_unit(actor: &Actor, unit_id: &str, what: &str) -> Result<(), DomainError> {
    if unit_id == actor.unit.id {
        Ok(())
    } else {
        Err(DomainError::forbidden(&actor.user.login, what, ForbiddenReason::OwnUnit))
    }
}

fn terms_fit(terms: &AssignmentTerms, ctx: &Context, world: &dyn World) -> Result<(), DomainError> {
    let today = ctx.today();
    workflow::active_department(world, &terms.lead_unit_id)?;
    workflow::not_before_today(terms.sign_deadline, today)?;
    workflow::not_before_today(terms.handling_deadline, today)?;
    let mut seen: Vec<&str> = Vec::new();
    for s in &terms.supporters {
        if s.unit_id == terms.lead_unit_id {
            return Err(DomainError::SupporterIsLead);
        }
        let unit = workflow::active_department(world, &s.unit_id)?;
        if seen.contains(&s.unit_id.as_str()) {
            return Err(DomainError::DuplicateSupporter { unit: unit.name });
        }
        seen.push(&s.unit_id);
        workflow::not_before_today(s.sub_deadline, today)?;
    }
    Ok(())
}

/// The parts of a problem event the gate does not see: in whose name it acts and whom it names.
fn problem_input(
    body: &EventBody,
    p: &crate::Problem,
    actor: &Actor,
    ctx: &Context,
    world: &dyn World,
) -> Result<(), DomainError> {
    use EventBody as E;
    match body {
        E::Signed { unit_id, .. } => own_unit(actor, unit_id, "sign"),
        E::SupportAcknowledged { unit_id, .. } => own_unit(actor, unit_id, "acknowledge"),
        E::OpinionSubmitted { unit_id, .. } => own_unit(actor, unit_id, "submit_opinion"),
        E::ExtensionRequested { unit_id, .. } => own_unit(actor, unit_id, "request_extension"),
        E::Resolved { unit_id, .. } => own_unit(actor, unit_id, "resolve"),
        E::ProgressNoted { unit_id, .. } => own_unit(actor, unit_id, "note_progress"),
        E::Returned { unit_id, proposed_unit_id, .. } => {
            own_unit(actor, unit_id, "return")?;
            workflow::active_department(world, proposed_unit_id).map(|_| ())
        }
        E::OpinionWaived { unit_id, .. } => match p.supporter(unit_id) {
            None => Err(DomainError::invalid("unit_id", "not a supporting unit of this problem")),
            Some(_) => Ok(()),
        },
        E::Assigned { terms, .. } => terms_fit(terms, ctx, world),
        E::Reassigned { terms, .. } => {
            if p.lead_unit_id() == Some(terms.lead_unit_id.as_str()) {
                return Err(DomainError::invalid(
                    "lead_unit_id",
                    "reassigning to the same lead is upholding the assignment",
                ));
            }
            terms_fit(terms, ctx, world)
        }
        E::Urged { level, .. } if *level == Escalation::None => {
            Err(DomainError::invalid("level", "an urge has a level: reminder, yellow or red"))
        }
        _ => Ok(()),
    }
}

/// Events that are not problem actions: administration, enterprises, visits, registrations.
fn other_event(body: &EventBody, actor: &Actor, ctx: &Context, world: &dyn World) -> Result<(), DomainError> {
    use EventBody as E;
    let today = ctx.today();
    match body {
        E::LedgerInitialized { .. } => unreachable!("the genesis rule answers for it"),
        E::UnitCreated { unit } => {
            workflow::require_office(actor, "create_unit")?;
            if world.unit(&unit.id).is_some() {
                return Err(DomainError::Duplicate { field: "unit_id".into(), value: unit.id.clone() });
            }
            if world.unit_by_name(&unit.name).is_some() {
                return Err(DomainError::Duplicate { field: "name".into(), value: unit.name.clone() });
            }
            Ok(())
        }
        E::UnitUpdated { unit } => {
            let old = world.unit(&unit.id).ok_or_else(|| DomainError::not_found("unit", &unit.id))?;
            workflow::may_update_unit(actor, &unit.id, unit.active)?;
            if old.kind != unit.kind {
                return Err(DomainError::invalid("kind", "a unit's kind does not change"));
            }
            if world.unit_by_name(&unit.name).is_some_and(|u| u.id != unit.id) {
                return Err(DomainError::Duplicate { field: "name".into(), value: unit.name.clone() });
            }
            Ok(())
        }
        E::UserCreated { user } => {
            workflow::require_office(actor, "create_user")?;
            if world.user(&user.id).is_some() {
                return Err(DomainError::Duplicate { field: "user_id".into(), value: user.id.clone() });
            }
            if world.user_by_login(&user.login).is_some() {
                return Err(DomainError::Duplicate { field: "login".into(), value: user.login.clone() });
            }
            // A new user starts active and without a password (set by its own event).
            if !user.active || user.password_hash.is_some() {
                return Err(DomainError::invalid("user", "a new user is active and has no password yet"));
            }
            role_fits(user.role, &user.unit_id, world)
        }
        E::UserUpdated { user_id, unit_id, role, active, .. } => {
            workflow::may_update_user(actor, user_id, *role, *active)?;
            world.user(user_id).ok_or_else(|| DomainError::not_found("user", user_id))?;
            role_fits(*role, unit_id, world)
        }
        E::PasswordSet { user_id, password_hash } => {
            workflow::may_set_password(actor, user_id)?;
            world.user(user_id).ok_or_else(|| DomainError::not_found("user", user_id))?;
            if password_hash.as_deref().is_some_and(|h| !h.starts_with("$argon2")) {
                return Err(DomainError::invalid("password_hash", "not an argon2 hash"));
            }
            Ok(())
        }
        E::EnterpriseCreated { enterprise } => {
            if world.enterprise(&enterprise.id).is_some() {
                return Err(DomainError::Duplicate { field: "enterprise_id".into(), value: enterprise.id.clone() });
            }
            workflow::validate_enterprise(enterprise, None, actor, world).map(|_| ())
        }
        E::EnterpriseUpdated { enterprise } => {
            let old =
                world.enterprise(&enterprise.id).ok_or_else(|| DomainError::not_found("enterprise", &enterprise.id))?;
            workflow::require_township_or_office(actor, &old.township_id, "update_enterprise")?;
            workflow::validate_enterprise(enterprise, Some(&old.id), actor, world).map(|_| ())
        }
        E::VisitRecorded { visit } => {
            let e = world
                .enterprise(&visit.enterprise_id)
                .ok_or_else(|| DomainError::not_found("enterprise", &visit.enterprise_id))?;
            workflow::require_township_or_office(actor, &e.township_id, "record_visit")?;
            if world.visit(&visit.id).is_some() {
                return Err(DomainError::Duplicate { field: "visit_id".into(), value: visit.id.clone() });
            }
            if visit.date > today {
                return Err(DomainError::invalid("date", "a visit cannot be in the future"));
            }
            if visit.township_id != e.township_id {
                return Err(DomainError::invalid("township_id", "a visit is in its enterprise's township"));
            }
            Ok(())
        }
        E::CalendarYearSet { .. } | E::CalendarDaySet { .. } => workflow::require_office(actor, "set_calendar"),
        E::SettingsChanged { settings } => {
            workflow::require_office(actor, "update_settings")?;
            settings.validate()
        }
        E::ProblemRegistered {
            problem_id, number, enterprise_id, township_id, visit_id, category, raised_on, ..
        } => {
            if world.problem(problem_id).is_some() {
                return Err(DomainError::Duplicate { field: "problem_id".into(), value: problem_id.clone() });
            }
            let e =
                world.enterprise(enterprise_id).ok_or_else(|| DomainError::not_found("enterprise", enterprise_id))?;
            workflow::may_register(actor, &e.township_id)?;
            if *township_id != e.township_id {
                return Err(DomainError::invalid("township_id", "a problem is in its enterprise's township"));
            }
            if let Some(vid) = visit_id {
                let v = world.visit(vid).ok_or_else(|| DomainError::not_found("visit", vid))?;
                if v.enterprise_id != e.id {
                    return Err(DomainError::invalid("visit_id", "the visit is of another enterprise"));
                }
            }
            registration_fits(number, category, *raised_on, ctx, world)
        }
        E::ProblemImported { number, row, .. } => {
            workflow::require_office(actor, "import")?;
            if world.problem(&row.problem_id).is_some() {
                return Err(DomainError::Duplicate { field: "problem_id".into(), value: row.problem_id.clone() });
            }
            if world.problem_id_by_import_key(&row.origin.key).is_some() {
                return Err(DomainError::Duplicate { field: "import_key".into(), value: row.origin.key.clone() });
            }
            world
                .enterprise(&row.enterprise_id)
                .ok_or_else(|| DomainError::not_found("enterprise", &row.enterprise_id))?;
            registration_fits(number, &row.category, row.raised_on, ctx, world)
        }
        E::IndicatorsReported { report } => {
            as_recorded(report, &workflow::indicator_report(report, actor, ctx, world)?)
        }
        E::ProductionReported { report } => {
            as_recorded(report, &workflow::production_report(report, actor, ctx, world)?)
        }
        E::ProjectRegistered { project } => {
            if world.project(&project.id).is_some() {
                return Err(DomainError::Duplicate { field: "project_id".into(), value: project.id.clone() });
            }
            as_recorded(project, &workflow::project(project, actor, world)?)
        }
        E::ProjectUpdated { project } => {
            world.project(&project.id).ok_or_else(|| DomainError::not_found("project", &project.id))?;
            as_recorded(project, &workflow::project(project, actor, world)?)
        }
        E::ProjectProgressReported { progress } => {
            as_recorded(progress, &workflow::project_progress(progress, actor, ctx, world)?)
        }
        E::WarningRaised { warning } => warning_fits(warning, actor, ctx, world),
        E::WarningHandled { handling } => as_recorded(handling, &workflow::warning_handling(handling, actor, world)?),
        E::ProblemLinked { problem, origin } => {
            let p = world.problem(problem).ok_or_else(|| DomainError::not_found("problem", problem))?;
            workflow::problem_origin(origin, &p.enterprise_id, actor, world)
        }
        _ => unreachable!("problem actions are admitted by their gate"),
    }
}

/// A record carried as the rules record it (what `decide` would have made of it).
fn as_recorded<T: PartialEq>(carried: &T, recorded: &T) -> Result<(), DomainError> {
    if carried == recorded {
        Ok(())
    } else {
        Err(DomainError::invalid("report", "not as the rules record it (a decided part differs)"))
    }
}

/// A warning is one the rules raise from the report it follows, by someone answering for
/// its subject.
fn warning_fits(w: &RaisedWarning, actor: &Actor, ctx: &Context, world: &dyn World) -> Result<(), DomainError> {
    workflow::may_handle_warning(w, actor, world)?;
    let raised = match w.subject {
        WarningSubject::Enterprise => {
            world.indicator_report(&w.subject_id, w.period).map(|r| workflow::indicator_warnings(&r, ctx, world))
        }
        WarningSubject::Project => {
            world.project_progress(&w.subject_id, w.period).map(|p| workflow::project_warnings(&p, ctx, world))
        }
    };
    if raised.is_some_and(|all| all.contains(w)) {
        Ok(())
    } else {
        Err(DomainError::invalid("warning", "the rules do not raise this warning from the reported figures"))
    }
}

fn role_fits(role: Role, unit_id: &str, world: &dyn World) -> Result<(), DomainError> {
    let unit = world.unit(unit_id).ok_or_else(|| DomainError::not_found("unit", unit_id))?;
    if !workflow::role_fits_unit(role, unit.kind) {
        return Err(DomainError::invalid("role", "the role does not fit the kind of unit"));
    }
    Ok(())
}

fn registration_fits(
    number: &str,
    category: &str,
    raised_on: chrono::NaiveDate,
    ctx: &Context,
    world: &dyn World,
) -> Result<(), DomainError> {
    if number.trim().is_empty() || number.chars().count() > MAX_SHORT {
        return Err(DomainError::invalid("number", "empty or too long"));
    }
    if world.problem_id_by_number(number).is_some() {
        return Err(DomainError::Duplicate { field: "number".into(), value: number.to_string() });
    }
    if !ctx.settings.categories.iter().any(|c| c == category) {
        return Err(DomainError::invalid("category", &format!("not in the category list: {category}")));
    }
    if raised_on > ctx.today() {
        return Err(DomainError::invalid("raised_on", "cannot be in the future"));
    }
    Ok(())
}
