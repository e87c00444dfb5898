//! `decide`: a command turned into events, or refused. Every rule is checked here or in the
//! modules it calls; a refused command yields no events.

use chrono::Datelike;

use super::assignment::assignment_terms;
use super::documents::{issue_bulletin, issue_document};
use super::gate::gate;
use super::import::decide_import;
use super::monitoring::{
    indicator_report, indicator_warnings, problem_origin, production_report, project, project_progress,
    project_warnings, warning_handling,
};
use super::numbering::next_number;
use super::permissions::{
    actor_may_act, may_register, may_set_password, may_update_unit, may_update_user, require_office,
    require_township_or_office, role_fits_unit,
};
use super::validation::{active_department, text, unit_names, validate_enterprise, MAX_SHORT, MAX_TEXT};
use super::world::{Context, World};
use crate::attachment::check_attachments;
use crate::command::{Command, ReturnRuling};
use crate::dates::{check_decided, DateRange};
use crate::error::DomainError;
use crate::event::EventBody;
use crate::model::*;
use crate::monitoring::records::WarningHandling;
use crate::problem::Problem;
use crate::text::{first_look_alike, normalize_name};

/// Decides a command: every rule is checked here, and a refused command yields no events.
pub fn decide(cmd: &Command, actor: &Actor, ctx: &Context, world: &dyn World) -> Result<Vec<EventBody>, DomainError> {
    actor_may_act(actor)?;
    DateRange::of(ctx.settings).check_clock(ctx.now)?;
    let events = decide_unchecked(cmd, actor, ctx, world)?;
    check_decided(ctx.now, ctx.settings, &events)?;
    Ok(events)
}

/// `decide` without the date-range checks it makes around it.
fn decide_unchecked(
    cmd: &Command,
    actor: &Actor,
    ctx: &Context,
    world: &dyn World,
) -> Result<Vec<EventBody>, DomainError> {
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
            let old =
                world.enterprise(&enterprise.id).ok_or_else(|| DomainError::not_found("enterprise", &enterprise.id))?;
            require_township_or_office(actor, &old.township_id, "update_enterprise")?;
            vec![E::EnterpriseUpdated { enterprise: validate_enterprise(enterprise, Some(&old.id), actor, world)? }]
        }
        C::RecordVisit { visit } => {
            let e = world
                .enterprise(&visit.enterprise_id)
                .ok_or_else(|| DomainError::not_found("enterprise", &visit.enterprise_id))?;
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
            problem_id,
            enterprise_id,
            new_enterprise,
            visit_id,
            source,
            category,
            description,
            demand,
            raised_on,
            priority,
            responsible_leader,
            origin,
            attachments,
        } => {
            if !matches!(actor.user.role, Role::Township | Role::Office) {
                return Err(DomainError::forbidden(&actor.user.login, "register", ForbiddenReason::TownshipOrOffice));
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
                _ => {
                    return Err(DomainError::invalid(
                        "enterprise",
                        "name an existing enterprise or create one, not both",
                    ))
                }
            };
            may_register(actor, &enterprise.township_id)?;
            if let Some(o) = origin {
                problem_origin(o, &enterprise.id, actor, world)?;
            }
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
            let township = world
                .unit(&enterprise.township_id)
                .ok_or_else(|| DomainError::not_found("unit", &enterprise.township_id))?;
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
                attachments: check_attachments(attachments)?,
            });
            if let Some(o) = origin {
                events.push(E::ProblemLinked { problem: problem_id.clone(), origin: o.clone() });
            }
            events
        }
        C::ReportIndicators { report } => {
            let report = indicator_report(report, actor, ctx, world)?;
            let warnings = indicator_warnings(&report, ctx, world);
            std::iter::once(E::IndicatorsReported { report })
                .chain(warnings.into_iter().map(|warning| E::WarningRaised { warning }))
                .collect()
        }
        C::ReportProduction { report } => {
            vec![E::ProductionReported { report: production_report(report, actor, ctx, world)? }]
        }
        C::RegisterProject { project: p } => {
            if world.project(&p.id).is_some() {
                return Err(DomainError::Duplicate { field: "project_id".into(), value: p.id.clone() });
            }
            vec![E::ProjectRegistered { project: project(p, actor, world)? }]
        }
        C::UpdateProject { project: p } => {
            world.project(&p.id).ok_or_else(|| DomainError::not_found("project", &p.id))?;
            vec![E::ProjectUpdated { project: project(p, actor, world)? }]
        }
        C::ReportProjectProgress { progress } => {
            let progress = project_progress(progress, actor, ctx, world)?;
            let warnings = project_warnings(&progress, ctx, world);
            std::iter::once(E::ProjectProgressReported { progress })
                .chain(warnings.into_iter().map(|warning| E::WarningRaised { warning }))
                .collect()
        }
        C::HandleWarning { handling, visit } => {
            let mut events = Vec::new();
            let mut handling = handling.clone();
            if let Some(v) = visit {
                let (w, _) = world
                    .warning(&handling.warning_id)
                    .ok_or_else(|| DomainError::not_found("warning", &handling.warning_id))?;
                if v.enterprise_id != w.subject_id {
                    return Err(DomainError::invalid("visit", "the visit is of another enterprise"));
                }
                events = decide_unchecked(&C::RecordVisit { visit: v.clone() }, actor, ctx, world)?;
                handling.visit_id = Some(v.id.clone());
                // The visit is not in the world yet: check the rest against it by hand.
                let rest = WarningHandling { visit_id: None, ..handling.clone() };
                warning_handling(&rest, actor, world)?;
                handling.note = rest.note.trim().to_string();
            } else {
                handling = warning_handling(&handling, actor, world)?;
            }
            events.push(E::WarningHandled { handling });
            events
        }
        C::ImportProblem { problem } => decide_import(problem, actor, ctx, world)?,
        C::IssueDocument { problem_id, kind } => {
            vec![issue_document(&get_problem(world, problem_id)?, *kind, actor, ctx, world)?]
        }
        C::IssueBulletin { period } => vec![issue_bulletin(period, actor, ctx, world)?],
        _ => unreachable!("problem actions are decided above"),
    })
}

fn get_problem(world: &dyn World, id: &str) -> Result<Problem, DomainError> {
    world.problem(id).ok_or_else(|| DomainError::not_found("problem", id))
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
        C::ResolveLocally { result_text, attachments, .. } => E::ResolvedLocally {
            problem_id: pid,
            result_text: text("result_text", result_text, true, MAX_TEXT)?,
            attachments: check_attachments(attachments)?,
        },
        C::Assign { request, .. } => E::Assigned { problem_id: pid, terms: assignment_terms(request, p, ctx, world)? },
        C::Sign { handler, .. } => {
            E::Signed { problem_id: pid, unit_id, handler: text("handler", handler, false, MAX_SHORT)? }
        }
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
                        return Err(DomainError::invalid(
                            "lead_unit_id",
                            "reassigning to the same lead is upholding the assignment",
                        ));
                    }
                    E::Reassigned { problem_id: pid, note, terms: assignment_terms(req, p, ctx, world)? }
                }
            }
        }
        C::NoteProgress { text: t, stage_reply, attachments, .. } => E::ProgressNoted {
            problem_id: pid,
            unit_id,
            text: text("text", t, true, MAX_TEXT)?,
            stage_reply: *stage_reply,
            attachments: check_attachments(attachments)?,
        },
        C::SubmitOpinion { opinion, .. } => {
            E::OpinionSubmitted { problem_id: pid, unit_id, opinion: text("opinion", opinion, true, MAX_TEXT)? }
        }
        C::WaiveOpinion { unit_id: target, reason, .. } => {
            let s = p
                .supporter(target)
                .ok_or_else(|| DomainError::invalid("unit_id", "not a supporting unit of this problem"))?;
            if s.is_settled() {
                return Err(DomainError::SupportAlreadyDone { what: "given its opinion or been waived".into() });
            }
            E::OpinionWaived {
                problem_id: pid,
                unit_id: target.clone(),
                reason: text("reason", reason, true, MAX_TEXT)?,
            }
        }
        C::RequestExtension { new_deadline, reason, .. } => {
            let reason = text("reason", reason, true, MAX_TEXT)?;
            let current = p.assignment.as_ref().map(|a| a.handling_deadline).unwrap_or(today);
            if *new_deadline <= current {
                return Err(DomainError::ExtensionNotLater {
                    deadline: current.to_string(),
                    new_deadline: new_deadline.to_string(),
                });
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
        C::Resolve { result_type, result_text, explanation, attachments, .. } => {
            let explanation = text("explanation", explanation, *result_type == ResultType::Explained, MAX_TEXT)?;
            E::Resolved {
                problem_id: pid,
                unit_id,
                result_type: *result_type,
                result_text: text("result_text", result_text, true, MAX_TEXT)?,
                explanation,
                attachments: check_attachments(attachments)?,
            }
        }
        C::Evaluate { satisfaction, comment, attachments, .. } => {
            let unsatisfied = !satisfaction.is_positive();
            let comment = text("comment", comment, unsatisfied, MAX_TEXT)?;
            let led = p.resolutions.last().is_some_and(|r| r.unit_id.is_some());
            let reopen_deadline =
                (unsatisfied && led).then(|| cal.add_working_days(today, st.handling_days(p.priority, &p.category)));
            E::Evaluated {
                problem_id: pid,
                satisfaction: *satisfaction,
                comment,
                reopen_deadline,
                attachments: check_attachments(attachments)?,
            }
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
