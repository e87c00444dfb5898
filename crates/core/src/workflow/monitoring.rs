//! The rules of the monitoring commands (docs/monitoring.md): who may report which key
//! enterprise's or project's figures, when a period may be reported and when it is locked, the
//! checks on the figures, and which warnings the figures raise as they arrive. `decide` and
//! `admit` both call these, so an event a desk made offline is judged by the same rules.

use super::permissions::{require_office, require_township_or_office};
use super::validation::{text, MAX_SHORT, MAX_TEXT};
use super::world::{Context, World};
use crate::error::DomainError;
use crate::model::*;
use crate::monitoring::evaluate;
use crate::monitoring::indicators::{check_cumulative, check_value, Month};
use crate::monitoring::records::*;

/// A month that exists (an event's `Month` is not checked when it is read).
fn real_month(m: Month) -> Result<Month, DomainError> {
    Month::new(m.year, m.month)
}

/// Refuses a period still running; decides whether it is locked (then only the office may
/// report it, as a late correction). `ends` is the period's last day.
fn period_open(
    period: String,
    month: Month,
    ends: chrono::NaiveDate,
    actor: &Actor,
    ctx: &Context,
) -> Result<bool, DomainError> {
    let today = ctx.today();
    if ends >= today {
        return Err(DomainError::PeriodNotOver { period });
    }
    let m = &ctx.settings.monitoring;
    if !m.locked(month, today) {
        return Ok(false);
    }
    if actor.user.role != Role::Office {
        let next = month.next();
        let locked_on =
            chrono::NaiveDate::from_ymd_opt(next.year, next.month, m.lock_day.clamp(1, 28)).expect("day 1..=28 exists");
        return Err(DomainError::PeriodLocked { period, locked_on: locked_on.to_string() });
    }
    Ok(true)
}

/// The key enterprise a report is about, if the actor may report for it.
fn key_enterprise(id: &str, actor: &Actor, world: &dyn World, what: &str) -> Result<Enterprise, DomainError> {
    let e = world.enterprise(id).ok_or_else(|| DomainError::not_found("enterprise", id))?;
    require_township_or_office(actor, &e.township_id, what)?;
    if !e.key_level.is_key() {
        return Err(DomainError::NotKeyEnterprise { enterprise: e.name });
    }
    Ok(e)
}

/// A monthly indicator report as it is recorded: checked, in the list's order, `late` decided.
pub(crate) fn indicator_report(
    r: &IndicatorReport,
    actor: &Actor,
    ctx: &Context,
    world: &dyn World,
) -> Result<IndicatorReport, DomainError> {
    key_enterprise(&r.enterprise_id, actor, world, "report_indicators")?;
    let month = real_month(r.month)?;
    let late = period_open(month.to_string(), month, month.last_day(), actor, ctx)?;
    let settings = &ctx.settings.monitoring;
    if r.entries.is_empty() {
        return Err(DomainError::required("entries"));
    }
    for (i, e) in r.entries.iter().enumerate() {
        if settings.indicator(&e.key).is_none() {
            return Err(DomainError::UnknownIndicator { indicator: e.key.clone() });
        }
        if r.entries[..i].iter().any(|o| o.key == e.key) {
            return Err(DomainError::invalid("entries", &format!("{} is given twice", e.key)));
        }
    }
    let previous = world.indicator_report(&r.enterprise_id, month.previous());
    let mut entries = Vec::new();
    for def in &settings.indicators {
        let Some(e) = r.entry(&def.key) else { continue };
        check_value(def, e.value, None)?;
        if let Some(ly) = e.last_year {
            check_value(def, ly, None)?;
        }
        if let Some(c) = e.cumulative {
            check_value(def, c, None)?;
            if !def.cumulative {
                return Err(DomainError::invalid("cumulative", &format!("{} has no 1—本月累计", def.name)));
            }
            let prev = previous.as_ref().and_then(|p| p.entry(&def.key)).and_then(|p| p.cumulative);
            check_cumulative(def, month, c, prev)?;
            // This month is part of the cumulative, so it cannot be smaller than the month.
            check_cumulative(def, month, c, (month.month > 1).then_some(e.value))?;
        }
        entries.push(e.clone());
    }
    Ok(IndicatorReport {
        enterprise_id: r.enterprise_id.clone(),
        month,
        entries,
        note: text("note", &r.note, false, MAX_TEXT)?,
        late,
    })
}

/// A 旬报 as recorded.
pub(crate) fn production_report(
    r: &ProductionReport,
    actor: &Actor,
    ctx: &Context,
    world: &dyn World,
) -> Result<ProductionReport, DomainError> {
    key_enterprise(&r.enterprise_id, actor, world, "report_production")?;
    let month = real_month(r.month)?;
    let period = format!("{month} {}", r.xun.label_zh());
    let late = period_open(period, month, r.xun.last_day(month), actor, ctx)?;
    if r.lines.is_empty() {
        return Err(DomainError::required("lines"));
    }
    let mut lines = Vec::new();
    for l in &r.lines {
        let product = text("product", &l.product, true, MAX_SHORT)?;
        if lines.iter().any(|o: &ProductLine| o.product == product) {
            return Err(DomainError::invalid("product", &format!("{product} is given twice")));
        }
        let amounts = [("产量", l.output), ("国内销量", l.sales_domestic), ("出口销量", l.sales_export)];
        for (name, v) in amounts.into_iter().chain(l.stock.map(|s| ("旬末库存", s))) {
            if v.is_negative() {
                return Err(DomainError::NegativeValue {
                    indicator: format!("{product} {name}"),
                    value: v.to_string(),
                });
            }
        }
        lines.push(ProductLine { product, unit: text("unit", &l.unit, true, 16)?, ..l.clone() });
    }
    Ok(ProductionReport {
        enterprise_id: r.enterprise_id.clone(),
        month,
        xun: r.xun,
        lines,
        note: text("note", &r.note, false, MAX_TEXT)?,
        late,
    })
}

/// A key project as registered or updated (the office keeps the register).
pub(crate) fn project(p: &Project, actor: &Actor, world: &dyn World) -> Result<Project, DomainError> {
    require_office(actor, "register_project")?;
    let township = world.unit(&p.township_id).ok_or_else(|| DomainError::not_found("unit", &p.township_id))?;
    if township.kind != UnitKind::Township {
        return Err(DomainError::invalid("township_id", "a project is in a township"));
    }
    for unit in [&p.responsible_unit_id, &p.service_unit_id].into_iter().flatten() {
        world.unit(unit).ok_or_else(|| DomainError::not_found("unit", unit))?;
    }
    for (field, v) in [("total_investment", p.total_investment), ("annual_plan", p.annual_plan)] {
        if v.is_negative() {
            return Err(DomainError::NegativeValue { indicator: field.into(), value: v.to_string() });
        }
    }
    if p.annual_plan > p.total_investment {
        return Err(DomainError::invalid("annual_plan", "the year's plan exceeds the total investment"));
    }
    if !(2000..=2099).contains(&p.plan_year) {
        return Err(DomainError::invalid("plan_year", "must be between 2000 and 2099"));
    }
    for (field, a, b) in
        [("planned_finish", p.planned_start, p.planned_finish), ("actual_finish", p.actual_start, p.actual_finish)]
    {
        if let (Some(a), Some(b)) = (a, b) {
            if b < a {
                return Err(DomainError::invalid(field, "finishes before it starts"));
            }
        }
    }
    Ok(Project {
        name: text("name", &p.name, true, MAX_SHORT)?,
        builder: text("builder", &p.builder, false, MAX_SHORT)?,
        paired_leader: text("paired_leader", &p.paired_leader, false, MAX_SHORT)?,
        handler: text("handler", &p.handler, false, MAX_SHORT)?,
        content: text("content", &p.content, false, MAX_TEXT)?,
        ..p.clone()
    })
}

/// Who may report a project's progress: its township, its responsible unit, the office.
fn may_report_project(p: &Project, actor: &Actor) -> Result<(), DomainError> {
    if actor.user.role == Role::Department && p.responsible_unit_id.as_deref() == Some(actor.unit.id.as_str()) {
        return Ok(());
    }
    require_township_or_office(actor, &p.township_id, "report_project")
}

/// A project's monthly progress as recorded.
pub(crate) fn project_progress(
    r: &ProjectProgress,
    actor: &Actor,
    ctx: &Context,
    world: &dyn World,
) -> Result<ProjectProgress, DomainError> {
    let p = world.project(&r.project_id).ok_or_else(|| DomainError::not_found("project", &r.project_id))?;
    may_report_project(&p, actor)?;
    let month = real_month(r.month)?;
    let late = period_open(month.to_string(), month, month.last_day(), actor, ctx)?;
    if r.invested.is_negative() {
        return Err(DomainError::NegativeValue {
            indicator: "本月完成投资".into(), value: r.invested.to_string()
        });
    }
    if let Some(y) = r.year_to_date {
        let ytd = "年度累计完成投资";
        if y < r.invested {
            return Err(DomainError::CumulativeDecreasing {
                indicator: ytd.into(),
                month: month.to_string(),
                cumulative: y.to_string(),
                previous: r.invested.to_string(),
            });
        }
        if month.month > 1 {
            if let Some(prev) = world.project_progress(&r.project_id, month.previous()) {
                if let Some(py) =
                    evaluate::year_to_date(&prev, &|m| world.project_progress(&r.project_id, m)).filter(|py| y < *py)
                {
                    return Err(DomainError::CumulativeDecreasing {
                        indicator: ytd.into(),
                        month: month.to_string(),
                        cumulative: y.to_string(),
                        previous: py.to_string(),
                    });
                }
            }
        }
    }
    Ok(ProjectProgress {
        project_id: p.id,
        month,
        invested: r.invested,
        year_to_date: r.year_to_date,
        stage: r.stage,
        image_progress: text("image_progress", &r.image_progress, true, MAX_TEXT)?,
        difficulties: text("difficulties", &r.difficulties, false, MAX_TEXT)?,
        next_steps: text("next_steps", &r.next_steps, false, MAX_TEXT)?,
        late,
    })
}

/// Keeps the warnings that are new, or whose finding changed since they were raised.
fn changed(found: Vec<RaisedWarning>, world: &dyn World) -> Vec<RaisedWarning> {
    found
        .into_iter()
        .filter(|w| {
            world
                .warning(&w.id)
                .is_none_or(|(old, _)| (old.warning.level, &old.warning.rule) != (w.warning.level, &w.warning.rule))
        })
        .collect()
}

/// The warnings a monthly report raises as it arrives (`report` as it will be recorded; the
/// months before it are read from the world).
pub(crate) fn indicator_warnings(report: &IndicatorReport, ctx: &Context, world: &dyn World) -> Vec<RaisedWarning> {
    let found = evaluate::indicator_warnings(report, &ctx.settings.monitoring, &|m| {
        world.indicator_report(&report.enterprise_id, m)
    });
    changed(found, world)
}

/// The warnings a project's monthly progress raises as it arrives.
pub(crate) fn project_warnings(progress: &ProjectProgress, ctx: &Context, world: &dyn World) -> Vec<RaisedWarning> {
    let Some(p) = world.project(&progress.project_id) else { return Vec::new() };
    let found = evaluate::project_warnings(progress, &p, &ctx.settings.monitoring.warnings, &|m| {
        world.project_progress(&p.id, m)
    });
    changed(found, world)
}

/// Who may record what was done about a warning: its enterprise's township or the office; for
/// a project, also its responsible unit.
pub(crate) fn may_handle_warning(w: &RaisedWarning, actor: &Actor, world: &dyn World) -> Result<(), DomainError> {
    match w.subject {
        WarningSubject::Enterprise => {
            let e =
                world.enterprise(&w.subject_id).ok_or_else(|| DomainError::not_found("enterprise", &w.subject_id))?;
            require_township_or_office(actor, &e.township_id, "handle_warning")
        }
        WarningSubject::Project => {
            let p = world.project(&w.subject_id).ok_or_else(|| DomainError::not_found("project", &w.subject_id))?;
            may_report_project(&p, actor)
        }
    }
}

/// What was done about a warning, as recorded: the warning is open, the actor answers for it,
/// and a visit named is of its enterprise.
pub(crate) fn warning_handling(
    h: &WarningHandling,
    actor: &Actor,
    world: &dyn World,
) -> Result<WarningHandling, DomainError> {
    let (w, handled) = world.warning(&h.warning_id).ok_or_else(|| DomainError::not_found("warning", &h.warning_id))?;
    may_handle_warning(&w, actor, world)?;
    if handled {
        return Err(DomainError::WarningHandled { warning: h.warning_id.clone() });
    }
    if let Some(vid) = &h.visit_id {
        let v = world.visit(vid).ok_or_else(|| DomainError::not_found("visit", vid))?;
        if w.subject != WarningSubject::Enterprise || v.enterprise_id != w.subject_id {
            return Err(DomainError::invalid("visit_id", "the visit is of another enterprise"));
        }
    }
    Ok(WarningHandling {
        warning_id: h.warning_id.clone(),
        note: text("note", &h.note, true, MAX_TEXT)?,
        visit_id: h.visit_id.clone(),
    })
}

/// Where a problem being registered comes from: an open warning about its enterprise, or a
/// project's difficulties of a reported month.
pub(crate) fn problem_origin(
    origin: &ProblemOrigin,
    enterprise_id: &str,
    actor: &Actor,
    world: &dyn World,
) -> Result<(), DomainError> {
    match origin {
        ProblemOrigin::Warning { warning_id } => {
            let (w, handled) =
                world.warning(warning_id).ok_or_else(|| DomainError::not_found("warning", warning_id))?;
            may_handle_warning(&w, actor, world)?;
            if handled {
                return Err(DomainError::WarningHandled { warning: warning_id.clone() });
            }
            if w.subject == WarningSubject::Enterprise && w.subject_id != enterprise_id {
                return Err(DomainError::invalid("origin", "the warning is about another enterprise"));
            }
            Ok(())
        }
        ProblemOrigin::Project { project_id, month } => {
            let p = world.project(project_id).ok_or_else(|| DomainError::not_found("project", project_id))?;
            may_report_project(&p, actor)?;
            world
                .project_progress(project_id, *month)
                .ok_or_else(|| DomainError::not_found("project_progress", &format!("{project_id} {month}")))?;
            Ok(())
        }
    }
}
