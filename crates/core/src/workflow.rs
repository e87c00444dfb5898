//! Deciding commands: authorization, state rules and input checks (docs/design.md §2, §4). `decide`
//! turns a command into events or refuses it; `available_actions` answers "which actions may
//! this user take on this problem now" with the same gate, so the UI never re-implements a rule.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::command::{Action, AssignRequest, Command, ReturnRuling};
use crate::credit_code::{check_credit_code, normalize_credit_code, CreditCodeCheck};
use crate::error::DomainError;
use crate::event::{AssignmentTerms, EventBody, SupporterTerms};
use crate::model::*;
use crate::problem::Problem;
use crate::settings::Settings;
use crate::text::{first_look_alike, normalize_name};

/// Longest single-line field (names, reasons are long text).
pub const MAX_SHORT: usize = 200;
/// Longest free text (descriptions, results, opinions).
pub const MAX_TEXT: usize = 10_000;

/// Read access to the current projections, implemented by the ledger over its transaction.
pub trait World {
    fn unit(&self, id: &str) -> Option<Unit>;
    fn unit_by_name(&self, name: &str) -> Option<Unit>;
    fn user(&self, id: &str) -> Option<User>;
    fn user_by_login(&self, login: &str) -> Option<User>;
    /// Every unit, active or not (a district has dozens): a new name is checked against all.
    fn all_units(&self) -> Vec<Unit>;
    /// Every login in use (a district has hundreds).
    fn all_logins(&self) -> Vec<String>;
    fn enterprise(&self, id: &str) -> Option<Enterprise>;
    fn enterprise_by_credit_code(&self, code: &str) -> Option<Enterprise>;
    fn visit(&self, id: &str) -> Option<Visit>;
    fn problem(&self, id: &str) -> Option<Problem>;
    /// The problem with this number, if any.
    fn problem_id_by_number(&self, number: &str) -> Option<Id>;
    /// The problem imported under this key (`ImportOrigin::key`), if any.
    fn problem_id_by_import_key(&self, key: &str) -> Option<Id>;
    /// The next free sequence number for problem numbers of this year and township.
    fn next_problem_seq(&self, year: i32, township_id: &str) -> u32;
}

/// Time and rules in force. The core has no clock: `now` is passed in.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    pub calendar: &'a Calendar,
    pub settings: &'a Settings,
}

impl Context<'_> {
    pub fn today(&self) -> NaiveDate {
        local_date(self.now)
    }
}

/// One action and whether it may be taken now; `error` says why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ActionCheck {
    pub action: Action,
    pub allowed: bool,
    pub error: Option<DomainError>,
}

/// The actions this actor's role and unit could ever take on this problem, each with whether
/// the rules allow it now. Actions the role may never take are left out.
pub fn available_actions(p: &Problem, actor: &Actor, ctx: &Context) -> Vec<ActionCheck> {
    // A deactivated user, or a user of a deactivated unit, may do nothing: nothing is offered.
    if actor_may_act(actor).is_err() {
        return vec![];
    }
    Action::ALL
        .iter()
        .filter_map(|&action| match gate(action, p, actor, ctx) {
            Ok(()) => Some(ActionCheck { action, allowed: true, error: None }),
            Err(DomainError::Forbidden { .. }) => None,
            Err(e) => Some(ActionCheck { action, allowed: false, error: Some(e) }),
        })
        .collect()
}

/// The actions allowed right now.
pub fn allowed_actions(p: &Problem, actor: &Actor, ctx: &Context) -> Vec<Action> {
    available_actions(p, actor, ctx).into_iter().filter(|c| c.allowed).map(|c| c.action).collect()
}

/// Which screens and tools a role has. Per-problem actions come from `available_actions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Capabilities {
    /// Register problems (登记), enterprises and visits.
    pub register: bool,
    /// The office console: assign, rule, urge, close, approve withdrawals.
    pub supervise: bool,
    /// The department inbox: sign, handle, support.
    pub handle: bool,
    /// Units, users, calendar and settings.
    pub administer: bool,
    /// 批示.
    pub instruct: bool,
    /// Verify the chain, rebuild projections.
    pub audit: bool,
    /// Import an office's existing ledger and enterprise lists from spreadsheets.
    pub import: bool,
    /// Periodic reports (export and print). Any signed-in user may export the ledger view.
    pub report: bool,
}

pub fn capabilities(role: Role) -> Capabilities {
    let office = role == Role::Office;
    Capabilities {
        register: matches!(role, Role::Office | Role::Township),
        supervise: office,
        handle: role == Role::Department,
        administer: office,
        instruct: role == Role::Leader,
        audit: matches!(role, Role::Office | Role::Leader),
        import: office,
        report: matches!(role, Role::Office | Role::Leader),
    }
}

/// Role, relationship, state and time rules of one action on one problem; input checks aside.
pub fn gate(action: Action, p: &Problem, actor: &Actor, ctx: &Context) -> Result<(), DomainError> {
    use Action as A;
    let role = actor.user.role;
    let unit = actor.unit.id.as_str();
    let is_lead = p.lead_unit_id() == Some(unit);
    let supporter = p.supporter(unit);
    let own_township = role == Role::Township && p.township_id == unit;
    let forbid = |reason: &str| Err(DomainError::forbidden(&actor.user.login, action.key(), reason));
    let need = |ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(DomainError::InvalidState { action: action.key().into(), status: p.status })
        }
    };
    let s = p.status;
    let active = matches!(s, Status::Assigned | Status::InProgress | Status::Disputed);
    let today = ctx.today();
    match action {
        A::ResolveLocally => {
            if !own_township {
                return forbid("only the problem's own township may resolve it locally");
            }
            need(s == Status::Registered)
        }
        A::Assign | A::RuleReturn | A::Urge | A::Close | A::WaiveOpinion | A::RuleExtension | A::RuleWithdrawal
            if role != Role::Office =>
        {
            forbid("only the coordinating office may do this")
        }
        A::Assign => need(s == Status::Registered),
        A::RuleReturn => need(s == Status::Disputed),
        A::Urge => need(active),
        A::Close => {
            need(s == Status::Resolved)?;
            if p.evaluation.is_none() {
                return Err(DomainError::NotEvaluated);
            }
            // A withdrawal request is ruled on first, so it cannot outlive the item.
            if p.pending_withdrawal.is_some() {
                return Err(DomainError::WithdrawalPending);
            }
            Ok(())
        }
        A::WaiveOpinion => {
            need(active)?;
            let unsettled = p.assignment.as_ref().is_some_and(|a| a.supporters.iter().any(|s| !s.is_settled()));
            if !unsettled {
                return Err(DomainError::SupportAlreadyDone { what: "settled every supporting opinion".into() });
            }
            Ok(())
        }
        A::RuleExtension => {
            need(s == Status::InProgress)?;
            p.pending_extension().map(|_| ()).ok_or(DomainError::NoExtensionPending)
        }
        A::RuleWithdrawal => {
            // "any open → withdrawn": a request left pending when the item was closed is moot.
            need(s.is_open())?;
            p.pending_withdrawal.as_ref().map(|_| ()).ok_or(DomainError::NoWithdrawalPending)
        }
        A::Sign | A::Return | A::RequestExtension | A::Resolve if !(role == Role::Department && is_lead) => {
            forbid("only the lead unit may do this")
        }
        A::Sign => need(s == Status::Assigned),
        A::Return => {
            need(s == Status::Assigned)?;
            if p.return_ruled() {
                return Err(DomainError::ReturnAlreadyRuled);
            }
            let deadline = p.assignment.as_ref().map(|a| a.objection_deadline).unwrap_or(today);
            if today > deadline {
                return Err(DomainError::ReturnWindowClosed { deadline: deadline.to_string() });
            }
            Ok(())
        }
        A::RequestExtension => {
            need(s == Status::InProgress)?;
            if p.pending_extension().is_some() {
                return Err(DomainError::ExtensionPending);
            }
            let deadline = p.assignment.as_ref().map(|a| a.handling_deadline).unwrap_or(today);
            let notice = ctx.settings.extension_notice_days;
            if ctx.calendar.working_days_between(today, deadline) < notice as i64 {
                return Err(DomainError::ExtensionTooLate { deadline: deadline.to_string(), notice_days: notice });
            }
            Ok(())
        }
        A::Resolve => {
            need(s == Status::InProgress)?;
            let missing: Vec<&str> = p
                .assignment
                .as_ref()
                .map(|a| a.supporters.iter().filter(|s| !s.is_settled()).map(|s| s.unit_id.as_str()).collect())
                .unwrap_or_default();
            if !missing.is_empty() {
                return Err(DomainError::OpinionsMissing { units: missing.join(",") });
            }
            Ok(())
        }
        A::Acknowledge | A::SubmitOpinion if !(role == Role::Department && supporter.is_some()) => {
            forbid("only a supporting unit may do this")
        }
        A::Acknowledge => {
            need(active)?;
            if supporter.is_some_and(|s| s.acknowledged_at.is_some()) {
                return Err(DomainError::SupportAlreadyDone { what: "acknowledged".into() });
            }
            Ok(())
        }
        A::SubmitOpinion => {
            need(active)?;
            if supporter.is_some_and(|s| s.is_settled()) {
                return Err(DomainError::SupportAlreadyDone { what: "given its opinion or been waived".into() });
            }
            Ok(())
        }
        A::NoteProgress => {
            if role != Role::Department || !(is_lead || supporter.is_some()) {
                return forbid("only the lead or a supporting unit may report progress");
            }
            if is_lead {
                need(s == Status::InProgress)
            } else {
                need(active)
            }
        }
        A::Evaluate | A::RequestWithdrawal if !(own_township || role == Role::Office) => {
            forbid("only the problem's township or the office may do this")
        }
        A::Evaluate => {
            need(s == Status::Resolved)?;
            if p.evaluation.is_some() {
                return Err(DomainError::AlreadyEvaluated);
            }
            Ok(())
        }
        A::RequestWithdrawal => {
            need(s.is_open())?;
            if p.pending_withdrawal.is_some() {
                return Err(DomainError::WithdrawalPending);
            }
            Ok(())
        }
        A::Instruct => {
            if role != Role::Leader {
                return forbid("only a district leader may give instructions");
            }
            Ok(())
        }
    }
}

pub(crate) fn text(field: &str, value: &str, required: bool, max: usize) -> Result<String, DomainError> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(DomainError::required(field));
    }
    if v.chars().count() > max {
        return Err(DomainError::TooLong { field: field.into(), max });
    }
    Ok(v.to_string())
}

/// A unit's name and short name as stored (`text::normalize_name`), refused when either is
/// taken or looks like another unit's (`text::skeleton`); `this` is the unit being renamed.
fn unit_names(name: &str, short_name: &str, this: Option<&Unit>, world: &dyn World) -> Result<(String, String), DomainError> {
    let name = text("name", &normalize_name(name), true, MAX_SHORT)?;
    let short_name = text("short_name", &normalize_name(short_name), true, 20)?;
    let this_id = this.map(|u| u.id.as_str());
    if world.unit_by_name(&name).is_some_and(|u| Some(u.id.as_str()) != this_id) {
        return Err(DomainError::Duplicate { field: "name".into(), value: name });
    }
    let others: Vec<Unit> = world.all_units().into_iter().filter(|u| Some(u.id.as_str()) != this_id).collect();
    // A unit keeps a look-alike it already had (ledgers made before this check), so renaming
    // one of two such units for another reason is not refused for the part it did not change.
    let keeps_name = this.is_some_and(|u| u.name == name);
    let keeps_short_name = this.is_some_and(|u| u.short_name == short_name);
    if !keeps_name {
        if let Some(existing) = first_look_alike(&name, others.iter().map(|u| u.name.as_str())) {
            return Err(DomainError::UnitNameConfusable { value: name, existing: existing.to_string() });
        }
    }
    if !keeps_short_name {
        if let Some(existing) = first_look_alike(&short_name, others.iter().map(|u| u.short_name.as_str())) {
            return Err(DomainError::UnitShortNameConfusable { value: short_name, existing: existing.to_string() });
        }
    }
    Ok((name, short_name))
}

pub(crate) fn require_office(actor: &Actor, what: &str) -> Result<(), DomainError> {
    if actor.user.role == Role::Office {
        Ok(())
    } else {
        Err(DomainError::forbidden(&actor.user.login, what, "only the coordinating office may do this"))
    }
}

/// Townships act within their own area; the office acts anywhere.
pub(crate) fn require_township_or_office(actor: &Actor, township_id: &str, what: &str) -> Result<(), DomainError> {
    match actor.user.role {
        Role::Office => Ok(()),
        Role::Township if actor.unit.id == township_id => Ok(()),
        Role::Township => Err(DomainError::WrongTownship),
        _ => Err(DomainError::forbidden(&actor.user.login, what, "only a township or the office may do this")),
    }
}

pub(crate) fn role_fits_unit(role: Role, kind: UnitKind) -> bool {
    matches!(
        (role, kind),
        (Role::Office, UnitKind::Office)
            | (Role::Township, UnitKind::Township)
            | (Role::Department, UnitKind::Department)
            | (Role::Leader, UnitKind::Leadership)
            | (Role::Leader, UnitKind::Office)
    )
}

/// Who may change a unit: the office, and not so as to deactivate its own unit.
pub(crate) fn may_update_unit(actor: &Actor, unit_id: &str, active: bool) -> Result<(), DomainError> {
    require_office(actor, "update_unit")?;
    if unit_id == actor.unit.id && !active {
        return Err(DomainError::invalid("active", "the office cannot deactivate its own unit"));
    }
    Ok(())
}

/// Who may change a user: the office, and not so as to lock itself out of the office role.
pub(crate) fn may_update_user(actor: &Actor, user_id: &str, role: Role, active: bool) -> Result<(), DomainError> {
    require_office(actor, "update_user")?;
    if user_id == actor.user.id && (!active || role != Role::Office) {
        return Err(DomainError::invalid("active", "you cannot lock yourself out of the office role"));
    }
    Ok(())
}

/// A user sets their own password; only the office sets anyone else's.
pub(crate) fn may_set_password(actor: &Actor, user_id: &str) -> Result<(), DomainError> {
    if user_id != actor.user.id {
        require_office(actor, "set_password")?;
    }
    Ok(())
}

/// Townships register problems of their own enterprises; the office registers any.
pub(crate) fn may_register(actor: &Actor, township_id: &str) -> Result<(), DomainError> {
    if !matches!(actor.user.role, Role::Township | Role::Office) {
        return Err(DomainError::forbidden(&actor.user.login, "register", "only a township or the office may register problems"));
    }
    require_township_or_office(actor, township_id, "register")
}

pub(crate) fn active_department(world: &dyn World, id: &str) -> Result<Unit, DomainError> {
    let unit = world.unit(id).ok_or_else(|| DomainError::not_found("unit", id))?;
    if unit.kind != UnitKind::Department || !unit.active {
        return Err(DomainError::NotADepartment { unit: unit.name });
    }
    Ok(unit)
}

/// The number the ledger gives the next problem of this township raised in `year`:
/// `2026-城关-0001`, the sequence continuing from the highest number the ledger itself gave.
/// A number an import kept from its sheet takes no place in the sequence, so the one it would
/// reach may already be taken by such a problem: that one is passed over.
pub(crate) fn next_number(world: &dyn World, year: i32, township: &Unit) -> String {
    let mut seq = world.next_problem_seq(year, &township.id);
    loop {
        let number = format!("{}-{}-{:04}", year, township.short_name, seq);
        if world.problem_id_by_number(&number).is_none() {
            return number;
        }
        seq += 1;
    }
}

fn get_problem(world: &dyn World, id: &str) -> Result<Problem, DomainError> {
    world.problem(id).ok_or_else(|| DomainError::not_found("problem", id))
}

pub(crate) fn not_before_today(d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, DomainError> {
    if d < today {
        return Err(DomainError::DeadlineInPast { deadline: d.to_string(), today: today.to_string() });
    }
    Ok(d)
}

/// The deadlines an assignment made today would get from the calendar and settings, before
/// any override. The office console shows these as suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SuggestedDeadlines {
    pub sign_deadline: NaiveDate,
    pub objection_deadline: NaiveDate,
    pub supporter_deadline: NaiveDate,
    pub handling_deadline: NaiveDate,
    pub handling_days: u32,
}

pub fn suggested_deadlines(p: &Problem, ctx: &Context) -> SuggestedDeadlines {
    let today = ctx.today();
    let cal = ctx.calendar;
    let st = ctx.settings;
    let handling_days = st.handling_days(p.priority, &p.category);
    SuggestedDeadlines {
        sign_deadline: cal.add_working_days(today, st.sign_days),
        objection_deadline: cal.add_working_days(today, st.objection_days),
        supporter_deadline: cal.add_working_days(today, st.supporter_days),
        handling_deadline: cal.add_working_days(today, handling_days),
        handling_days,
    }
}

/// Deadlines come from the calendar and settings; any may be overridden, never into the past.
fn assignment_terms(
    req: &AssignRequest,
    p: &Problem,
    ctx: &Context,
    world: &dyn World,
) -> Result<AssignmentTerms, DomainError> {
    let today = ctx.today();
    let suggested = suggested_deadlines(p, ctx);
    active_department(world, &req.lead_unit_id)?;
    let mut supporters = Vec::new();
    for s in &req.supporters {
        if s.unit_id == req.lead_unit_id {
            return Err(DomainError::SupporterIsLead);
        }
        let unit = active_department(world, &s.unit_id)?;
        if supporters.iter().any(|x: &SupporterTerms| x.unit_id == s.unit_id) {
            return Err(DomainError::DuplicateSupporter { unit: unit.name });
        }
        let sub_deadline = match s.sub_deadline {
            Some(d) => not_before_today(d, today)?,
            None => suggested.supporter_deadline,
        };
        supporters.push(SupporterTerms { unit_id: s.unit_id.clone(), sub_deadline });
    }
    let sign_deadline = match req.sign_deadline {
        Some(d) => not_before_today(d, today)?,
        None => suggested.sign_deadline,
    };
    let handling_deadline = match req.handling_deadline {
        Some(d) => not_before_today(d, today)?,
        None => suggested.handling_deadline,
    };
    Ok(AssignmentTerms {
        lead_unit_id: req.lead_unit_id.clone(),
        handler: text("handler", &req.handler, false, MAX_SHORT)?,
        supporters,
        sign_deadline,
        objection_deadline: suggested.objection_deadline,
        handling_deadline,
    })
}

pub(crate) fn validate_enterprise(
    e: &Enterprise,
    existing_id: Option<&str>,
    actor: &Actor,
    world: &dyn World,
) -> Result<Enterprise, DomainError> {
    let township = world.unit(&e.township_id).ok_or_else(|| DomainError::not_found("unit", &e.township_id))?;
    if township.kind != UnitKind::Township {
        return Err(DomainError::invalid("township_id", "an enterprise must belong to a township"));
    }
    require_township_or_office(actor, &e.township_id, "register_enterprise")?;
    let mut e = e.clone();
    e.name = text("name", &e.name, true, MAX_SHORT)?;
    for (field, v) in [
        ("industry", &mut e.industry),
        ("address", &mut e.address),
        ("contact", &mut e.contact),
        ("phone", &mut e.phone),
        ("steward", &mut e.steward),
    ] {
        *v = text(field, v, false, MAX_SHORT)?;
    }
    e.credit_code = match e.credit_code.as_deref().map(normalize_credit_code).filter(|c| !c.is_empty()) {
        None => None,
        Some(code) => {
            // A bad check character is only a warning (early pilot codes are legal yet fail it).
            if let CreditCodeCheck::Malformed { reason } = check_credit_code(&code) {
                return Err(DomainError::CreditCodeMalformed { value: code, reason });
            }
            if let Some(other) = world.enterprise_by_credit_code(&code) {
                if Some(other.id.as_str()) != existing_id {
                    return Err(DomainError::Duplicate { field: "credit_code".into(), value: code });
                }
            }
            Some(code)
        }
    };
    Ok(e)
}

/// Whether this user may act at all: the user and their unit must both be active. Sign-in
/// (in the ledger) and `decide` ask the same question, so a deactivated unit's users are
/// refused everywhere alike.
pub fn actor_may_act(actor: &Actor) -> Result<(), DomainError> {
    if !actor.user.active {
        return Err(DomainError::Inactive { user: actor.user.login.clone() });
    }
    if !actor.unit.active {
        return Err(DomainError::UnitInactive { user: actor.user.login.clone(), unit: actor.unit.name.clone() });
    }
    Ok(())
}

/// Decides a command: every rule is checked here, and a refused command yields no events.
pub fn decide(cmd: &Command, actor: &Actor, ctx: &Context, world: &dyn World) -> Result<Vec<EventBody>, DomainError> {
    actor_may_act(actor)?;
    crate::dates::DateRange::of(ctx.settings).check_clock(ctx.now)?;
    let events = decide_unchecked(cmd, actor, ctx, world)?;
    crate::dates::check_decided(ctx.now, ctx.settings, &events)?;
    Ok(events)
}

/// `decide` without the date-range checks it makes around it.
fn decide_unchecked(cmd: &Command, actor: &Actor, ctx: &Context, world: &dyn World) -> Result<Vec<EventBody>, DomainError> {
    use Command as C;
    use EventBody as E;
    let today = ctx.today();

    if let (Some(action), Some(pid)) = (cmd.action(), cmd.problem_id()) {
        let p = get_problem(world, pid)?;
        gate(action, &p, actor, ctx)?;
        return decide_problem_action(cmd, &p, actor, ctx, world);
    }

    Ok(match cmd {
        C::CreateUnit { unit_id, name, short_name, kind } => {
            require_office(actor, "create_unit")?;
            if world.unit(unit_id).is_some() {
                return Err(DomainError::Duplicate { field: "unit_id".into(), value: unit_id.clone() });
            }
            let (name, short_name) = unit_names(name, short_name, None, world)?;
            vec![E::UnitCreated { unit: Unit { id: unit_id.clone(), name, short_name, kind: *kind, active: true } }]
        }
        C::UpdateUnit { unit_id, name, short_name, active } => {
            require_office(actor, "update_unit")?;
            let unit = world.unit(unit_id).ok_or_else(|| DomainError::not_found("unit", unit_id))?;
            let (name, short_name) = unit_names(name, short_name, Some(&unit), world)?;
            may_update_unit(actor, &unit.id, *active)?;
            vec![E::UnitUpdated { unit: Unit { id: unit.id, name, short_name, kind: unit.kind, active: *active } }]
        }
        C::CreateUser { user_id, login, name, unit_id, role } => {
            require_office(actor, "create_user")?;
            if world.user(user_id).is_some() {
                return Err(DomainError::Duplicate { field: "user_id".into(), value: user_id.clone() });
            }
            let login = text("login", &normalize_name(login), true, 64)?;
            if login.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(DomainError::invalid("login", "no spaces or control characters"));
            }
            if world.user_by_login(&login).is_some() {
                return Err(DomainError::Duplicate { field: "login".into(), value: login });
            }
            let logins = world.all_logins();
            if let Some(existing) = first_look_alike(&login, logins.iter().map(String::as_str)) {
                return Err(DomainError::LoginConfusable { value: login, existing: existing.to_string() });
            }
            let unit = world.unit(unit_id).ok_or_else(|| DomainError::not_found("unit", unit_id))?;
            if !role_fits_unit(*role, unit.kind) {
                return Err(DomainError::invalid("role", "the role does not fit the kind of unit"));
            }
            let name = text("name", name, true, MAX_SHORT)?;
            vec![E::UserCreated {
                user: User {
                    id: user_id.clone(),
                    login,
                    name,
                    unit_id: unit.id,
                    role: *role,
                    active: true,
                    password_hash: None,
                },
            }]
        }
        C::UpdateUser { user_id, name, unit_id, role, active } => {
            require_office(actor, "update_user")?;
            world.user(user_id).ok_or_else(|| DomainError::not_found("user", user_id))?;
            let unit = world.unit(unit_id).ok_or_else(|| DomainError::not_found("unit", unit_id))?;
            if !role_fits_unit(*role, unit.kind) {
                return Err(DomainError::invalid("role", "the role does not fit the kind of unit"));
            }
            may_update_user(actor, user_id, *role, *active)?;
            let name = text("name", name, true, MAX_SHORT)?;
            vec![E::UserUpdated { user_id: user_id.clone(), name, unit_id: unit.id, role: *role, active: *active }]
        }
        C::SetPassword { user_id, password_hash } => {
            may_set_password(actor, user_id)?;
            world.user(user_id).ok_or_else(|| DomainError::not_found("user", user_id))?;
            if password_hash.as_deref().is_some_and(|h| !h.starts_with("$argon2")) {
                return Err(DomainError::invalid("password_hash", "not an argon2 hash"));
            }
            vec![E::PasswordSet { user_id: user_id.clone(), password_hash: password_hash.clone() }]
        }
        C::CreateEnterprise { enterprise } => {
            if world.enterprise(&enterprise.id).is_some() {
                return Err(DomainError::Duplicate { field: "enterprise_id".into(), value: enterprise.id.clone() });
            }
            vec![E::EnterpriseCreated { enterprise: validate_enterprise(enterprise, None, actor, world)? }]
        }
        C::UpdateEnterprise { enterprise } => {
            let old = world.enterprise(&enterprise.id).ok_or_else(|| DomainError::not_found("enterprise", &enterprise.id))?;
            require_township_or_office(actor, &old.township_id, "update_enterprise")?;
            vec![E::EnterpriseUpdated { enterprise: validate_enterprise(enterprise, Some(&old.id), actor, world)? }]
        }
        C::RecordVisit { visit } => {
            let e = world.enterprise(&visit.enterprise_id).ok_or_else(|| DomainError::not_found("enterprise", &visit.enterprise_id))?;
            require_township_or_office(actor, &e.township_id, "record_visit")?;
            if world.visit(&visit.id).is_some() {
                return Err(DomainError::Duplicate { field: "visit_id".into(), value: visit.id.clone() });
            }
            if visit.date > today {
                return Err(DomainError::invalid("date", "a visit cannot be in the future"));
            }
            let mut v = visit.clone();
            v.township_id = e.township_id;
            v.visitors = text("visitors", &v.visitors, true, MAX_SHORT)?;
            v.notes = text("notes", &v.notes, false, MAX_TEXT)?;
            vec![E::VisitRecorded { visit: v }]
        }
        C::SetCalendarYear { year } => {
            require_office(actor, "set_calendar")?;
            if !(2000..=2100).contains(&year.year) {
                return Err(DomainError::invalid("year", "must be between 2000 and 2100"));
            }
            if let Some(d) = year.days.iter().find(|d| d.date.year() != year.year) {
                return Err(DomainError::invalid("days", &format!("{} is not in {}", d.date, year.year)));
            }
            let mut dates: Vec<_> = year.days.iter().map(|d| d.date).collect();
            dates.sort();
            dates.dedup();
            if dates.len() != year.days.len() {
                return Err(DomainError::invalid("days", "a date is listed twice"));
            }
            vec![E::CalendarYearSet { year: year.clone() }]
        }
        C::SetCalendarDay { date, off, name } => {
            require_office(actor, "set_calendar")?;
            vec![E::CalendarDaySet { date: *date, off: *off, name: text("name", name, false, MAX_SHORT)? }]
        }
        C::UpdateSettings { settings } => {
            require_office(actor, "update_settings")?;
            settings.validate()?;
            vec![E::SettingsChanged { settings: settings.clone() }]
        }
        C::Register {
            problem_id, enterprise_id, new_enterprise, visit_id, source, category, description, demand, raised_on,
            priority, responsible_leader,
        } => {
            if !matches!(actor.user.role, Role::Township | Role::Office) {
                return Err(DomainError::forbidden(&actor.user.login, "register", "only a township or the office may register problems"));
            }
            if world.problem(problem_id).is_some() {
                return Err(DomainError::Duplicate { field: "problem_id".into(), value: problem_id.clone() });
            }
            let mut events = Vec::new();
            let enterprise = match (enterprise_id, new_enterprise) {
                (Some(id), None) => world.enterprise(id).ok_or_else(|| DomainError::not_found("enterprise", id))?,
                (None, Some(e)) => {
                    if world.enterprise(&e.id).is_some() {
                        return Err(DomainError::Duplicate { field: "enterprise_id".into(), value: e.id.clone() });
                    }
                    let e = validate_enterprise(e, None, actor, world)?;
                    events.push(E::EnterpriseCreated { enterprise: e.clone() });
                    e
                }
                _ => return Err(DomainError::invalid("enterprise", "name an existing enterprise or create one, not both")),
            };
            may_register(actor, &enterprise.township_id)?;
            if let Some(vid) = visit_id {
                let v = world.visit(vid).ok_or_else(|| DomainError::not_found("visit", vid))?;
                if v.enterprise_id != enterprise.id {
                    return Err(DomainError::invalid("visit_id", "the visit is of another enterprise"));
                }
            }
            let category = text("category", category, true, MAX_SHORT)?;
            if !ctx.settings.categories.contains(&category) {
                return Err(DomainError::invalid("category", &format!("not in the category list: {category}")));
            }
            if *raised_on > today {
                return Err(DomainError::invalid("raised_on", "cannot be in the future"));
            }
            let township = world.unit(&enterprise.township_id).ok_or_else(|| DomainError::not_found("unit", &enterprise.township_id))?;
            events.push(E::ProblemRegistered {
                problem_id: problem_id.clone(),
                number: next_number(world, today.year(), &township),
                enterprise_id: enterprise.id.clone(),
                township_id: township.id.clone(),
                visit_id: visit_id.clone(),
                source: *source,
                category,
                description: text("description", description, true, MAX_TEXT)?,
                demand: text("demand", demand, false, MAX_TEXT)?,
                raised_on: *raised_on,
                priority: *priority,
                responsible_leader: text("responsible_leader", responsible_leader, false, MAX_SHORT)?,
            });
            events
        }
        C::ImportProblem { problem } => crate::import::decide_import(problem, actor, ctx, world)?,
        _ => unreachable!("problem actions are decided above"),
    })
}

fn decide_problem_action(
    cmd: &Command,
    p: &Problem,
    actor: &Actor,
    ctx: &Context,
    world: &dyn World,
) -> Result<Vec<EventBody>, DomainError> {
    use Command as C;
    use EventBody as E;
    let pid = p.id.clone();
    let unit_id = actor.unit.id.clone();
    let today = ctx.today();
    let cal = ctx.calendar;
    let st = ctx.settings;
    Ok(vec![match cmd {
        C::ResolveLocally { result_text, .. } => {
            E::ResolvedLocally { problem_id: pid, result_text: text("result_text", result_text, true, MAX_TEXT)? }
        }
        C::Assign { request, .. } => E::Assigned { problem_id: pid, terms: assignment_terms(request, p, ctx, world)? },
        C::Sign { handler, .. } => E::Signed { problem_id: pid, unit_id, handler: text("handler", handler, false, MAX_SHORT)? },
        C::Acknowledge { .. } => E::SupportAcknowledged { problem_id: pid, unit_id },
        C::Return { reason, proposed_unit_id, .. } => {
            let reason = text("reason", reason, true, MAX_TEXT)?;
            if proposed_unit_id.trim().is_empty() {
                return Err(DomainError::required("proposed_unit_id"));
            }
            if *proposed_unit_id == unit_id {
                return Err(DomainError::invalid("proposed_unit_id", "propose another unit, not your own"));
            }
            active_department(world, proposed_unit_id)?;
            E::Returned { problem_id: pid, unit_id, reason, proposed_unit_id: proposed_unit_id.clone() }
        }
        C::RuleReturn { ruling, note, .. } => {
            let note = text("note", note, false, MAX_TEXT)?;
            match ruling {
                ReturnRuling::Uphold => {
                    E::ReturnUpheld { problem_id: pid, note, sign_deadline: cal.add_working_days(today, st.sign_days) }
                }
                ReturnRuling::Reassign(req) => {
                    if p.lead_unit_id() == Some(req.lead_unit_id.as_str()) {
                        return Err(DomainError::invalid("lead_unit_id", "reassigning to the same lead is upholding the assignment"));
                    }
                    E::Reassigned { problem_id: pid, note, terms: assignment_terms(req, p, ctx, world)? }
                }
            }
        }
        C::NoteProgress { text: t, stage_reply, .. } => E::ProgressNoted {
            problem_id: pid,
            unit_id,
            text: text("text", t, true, MAX_TEXT)?,
            stage_reply: *stage_reply,
        },
        C::SubmitOpinion { opinion, .. } => {
            E::OpinionSubmitted { problem_id: pid, unit_id, opinion: text("opinion", opinion, true, MAX_TEXT)? }
        }
        C::WaiveOpinion { unit_id: target, reason, .. } => {
            let s = p.supporter(target).ok_or_else(|| DomainError::invalid("unit_id", "not a supporting unit of this problem"))?;
            if s.is_settled() {
                return Err(DomainError::SupportAlreadyDone { what: "given its opinion or been waived".into() });
            }
            E::OpinionWaived { problem_id: pid, unit_id: target.clone(), reason: text("reason", reason, true, MAX_TEXT)? }
        }
        C::RequestExtension { new_deadline, reason, .. } => {
            let reason = text("reason", reason, true, MAX_TEXT)?;
            let current = p.assignment.as_ref().map(|a| a.handling_deadline).unwrap_or(today);
            if *new_deadline <= current {
                return Err(DomainError::ExtensionNotLater { deadline: current.to_string(), new_deadline: new_deadline.to_string() });
            }
            E::ExtensionRequested { problem_id: pid, unit_id, new_deadline: *new_deadline, reason }
        }
        C::RuleExtension { approve, note, .. } => {
            let note = text("note", note, !approve, MAX_TEXT)?;
            // A request left over from before a reopening (重办) may name a date earlier than the
            // new deadline: approving it would move the deadline back. It can only be refused.
            if let (true, Some(e), Some(a)) = (*approve, p.pending_extension(), p.assignment.as_ref()) {
                if e.new_deadline <= a.handling_deadline {
                    return Err(DomainError::ExtensionNotLater {
                        deadline: a.handling_deadline.to_string(),
                        new_deadline: e.new_deadline.to_string(),
                    });
                }
            }
            E::ExtensionRuled { problem_id: pid, approved: *approve, note }
        }
        C::Urge { level, notice, .. } => {
            if *level == Escalation::None {
                return Err(DomainError::invalid("level", "an urge has a level: reminder, yellow or red"));
            }
            E::Urged { problem_id: pid, level: *level, notice: text("notice", notice, true, MAX_TEXT)? }
        }
        C::Resolve { result_type, result_text, explanation, .. } => {
            let explanation = text("explanation", explanation, *result_type == ResultType::Explained, MAX_TEXT)?;
            E::Resolved {
                problem_id: pid,
                unit_id,
                result_type: *result_type,
                result_text: text("result_text", result_text, true, MAX_TEXT)?,
                explanation,
            }
        }
        C::Evaluate { satisfaction, comment, .. } => {
            let unsatisfied = !satisfaction.is_positive();
            let comment = text("comment", comment, unsatisfied, MAX_TEXT)?;
            let led = p.resolutions.last().is_some_and(|r| r.unit_id.is_some());
            let reopen_deadline = (unsatisfied && led)
                .then(|| cal.add_working_days(today, st.handling_days(p.priority, &p.category)));
            E::Evaluated { problem_id: pid, satisfaction: *satisfaction, comment, reopen_deadline }
        }
        C::Close { note, .. } => E::Closed { problem_id: pid, note: text("note", note, false, MAX_TEXT)? },
        C::RequestWithdrawal { reason, .. } => {
            E::WithdrawalRequested { problem_id: pid, reason: text("reason", reason, true, MAX_TEXT)? }
        }
        C::RuleWithdrawal { approve, note, .. } => {
            E::WithdrawalRuled { problem_id: pid, approved: *approve, note: text("note", note, !approve, MAX_TEXT)? }
        }
        C::Instruct { text: t, .. } => E::Instructed { problem_id: pid, text: text("text", t, true, MAX_TEXT)? },
        _ => unreachable!("non-problem commands are decided in `decide`"),
    }])
}
