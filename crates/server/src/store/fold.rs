//! Projections on the server: an applied event folded with the core into the projections the
//! appending transaction holds (`Projections`, written back when the batch ends). Problems are
//! the core's aggregate (`Problem::apply`) stored as JSONB; the other tables hold the entity as
//! the event states it. No rule is decided here.

use std::collections::BTreeSet;

use super::prepared::Db;
use taizhang_core::monitoring::{
    IndicatorReport, ProblemOrigin, ProductionReport, RaisedWarning, WarningHandling, WarningSubject,
};
use taizhang_core::*;

use super::projections::{DocumentRow, Projections, WarningRow};
use crate::error::{Result, ServerError};

/// (problem, enterprise, township): what a pull filters an event by.
pub type Scope = (Option<String>, Option<String>, Option<String>);

/// The units that receive an event at its own position because of a grant (`deliveries`):
/// every unit that may see its problem, or (an enterprise's own event) one of the
/// enterprise's problems. The event's own township reads it through `township_id` instead.
/// Asked after the event's fold, so a grant the event itself makes counts.
pub fn grant_receivers(
    tx: &mut Db<'_>,
    p: &mut Projections,
    body: &EventBody,
    scope: &Scope,
) -> Result<BTreeSet<String>> {
    let units = match (scope, body) {
        ((Some(problem), _, _), _) => p.problem_units(tx, problem)?,
        ((None, Some(enterprise), _), EventBody::EnterpriseCreated { .. } | EventBody::EnterpriseUpdated { .. }) => {
            p.enterprise_units(tx, enterprise)?
        }
        _ => BTreeSet::new(),
    };
    Ok(units.into_iter().filter(|u| Some(u) != scope.2.as_ref()).collect())
}

/// Folds one applied event; `server_seq` dates the visibility grants it makes.
pub fn apply(tx: &mut Db<'_>, p: &mut Projections, body: &EventBody, meta: &EventMeta, server_seq: i64) -> Result<()> {
    use EventBody as E;
    match body {
        E::ProblemRegistered { .. } | E::ProblemImported { .. } => {
            let problem = Problem::from_registration(body, meta).expect("a registration event");
            grant(p, &problem, server_seq);
            p.put_problem(tx, problem, true)
        }
        _ => match body.problem_id() {
            Some(pid) => {
                let mut problem = p
                    .problem(tx, pid)?
                    .ok_or_else(|| ServerError::Internal(format!("applied event for unknown problem {pid}")))?;
                problem.apply(body, meta);
                if let E::DocumentIssued { kind, year, seq, series, number, .. } = body {
                    let row = DocumentRow {
                        number: number.clone(),
                        kind: *kind,
                        year: *year,
                        seq: *seq,
                        series: series.clone(),
                        problem_id: Some(pid.to_string()),
                        period: None,
                    };
                    p.put_document(tx, row)?;
                }
                grant(p, &problem, server_seq);
                p.put_problem(tx, problem, false)
            }
            None => apply_other(tx, p, body),
        },
    }
}

/// Every unit the problem now involves may see it from here on; grants are never removed, so
/// a department keeps what it once held.
fn grant(p: &mut Projections, problem: &Problem, server_seq: i64) {
    p.grant(&problem.township_id, &problem.id, server_seq);
    if let Some(a) = &problem.assignment {
        p.grant(&a.lead_unit_id, &problem.id, server_seq);
        for s in &a.supporters {
            p.grant(&s.unit_id, &problem.id, server_seq);
        }
    }
}

fn apply_other(tx: &mut Db<'_>, p: &mut Projections, body: &EventBody) -> Result<()> {
    use EventBody as E;
    match body {
        // Calendar and settings are read as a fold of their events (`world::context`).
        E::LedgerInitialized { .. }
        | E::CalendarYearSet { .. }
        | E::CalendarDaySet { .. }
        | E::SettingsChanged { .. } => {}
        E::UnitCreated { unit } | E::UnitUpdated { unit } => p.put_unit(unit.clone()),
        E::UserCreated { user } => p.put_user(user.clone()),
        E::UserUpdated { user_id, name, unit_id, role, active } => {
            let mut u = user(tx, p, user_id)?;
            (u.name, u.unit_id, u.role, u.active) = (name.clone(), unit_id.clone(), *role, *active);
            p.put_user(u);
        }
        E::PasswordSet { user_id, password_hash } => {
            let mut u = user(tx, p, user_id)?;
            u.password_hash = password_hash.clone();
            p.put_user(u);
        }
        E::EnterpriseCreated { enterprise: e } | E::EnterpriseUpdated { enterprise: e } => p.put_enterprise(e.clone()),
        E::VisitRecorded { visit: v } => p.put_visit(v.clone()),
        E::IndicatorsReported { report: r } => p.put_indicator_report(r.clone()),
        // No rule reads a 旬报 back; the log holds it.
        E::ProductionReported { .. } => {}
        E::ProjectRegistered { project } | E::ProjectUpdated { project } => p.put_project(project.clone()),
        E::ProjectProgressReported { progress } => p.put_project_progress(progress.clone()),
        E::WarningRaised { warning: w } => {
            let township_id = warning_township(tx, p, w)?;
            p.put_warning(WarningRow { warning: w.clone(), handled: false, township_id });
        }
        E::WarningHandled { handling: WarningHandling { warning_id: id, .. } }
        | E::ProblemLinked { origin: ProblemOrigin::Warning { warning_id: id }, .. } => {
            if let Some(mut w) = p.warning(tx, id)? {
                w.handled = true;
                p.put_warning(w);
            }
        }
        E::ProblemLinked { .. } => {}
        E::BulletinIssued { period, year, seq, series, number } => p.put_document(
            tx,
            DocumentRow {
                number: number.clone(),
                kind: taizhang_core::document::DocumentKind::Bulletin,
                year: *year,
                seq: *seq,
                series: series.clone(),
                problem_id: None,
                period: Some(period.clone()),
            },
        )?,
        _ => return Err(ServerError::Internal("a problem event outside the problem fold".into())),
    }
    Ok(())
}

/// The township a warning's subject is in (an enterprise's, or a project's).
fn warning_township(tx: &mut Db<'_>, p: &mut Projections, w: &RaisedWarning) -> Result<String> {
    let township = match w.subject {
        WarningSubject::Enterprise => p.enterprise(tx, &w.subject_id)?.map(|e| e.township_id),
        WarningSubject::Project => p.project(tx, &w.subject_id)?.map(|pr| pr.township_id),
    };
    township.ok_or_else(|| ServerError::Internal(format!("a warning about unknown {}", w.subject_id)))
}

fn user(tx: &mut Db<'_>, p: &mut Projections, id: &str) -> Result<User> {
    p.user(tx, id)?.ok_or_else(|| ServerError::Internal(format!("applied event for unknown user {id}")))
}

fn enterprise_township(tx: &mut Db<'_>, p: &mut Projections, id: &str) -> Result<Option<String>> {
    Ok(p.enterprise(tx, id)?.map(|e| e.township_id))
}

/// A problem's own scope: itself, its enterprise and township.
fn problem_scope(tx: &mut Db<'_>, p: &mut Projections, id: &str) -> Result<Scope> {
    let problem = p.problem(tx, id)?;
    Ok((Some(id.to_string()), problem.as_ref().map(|pr| pr.enterprise_id.clone()), problem.map(|pr| pr.township_id)))
}

/// What a pull filters an event by: (problem, enterprise, township). A problem event names its
/// problem and, through it, its enterprise and township; an enterprise or visit event its own.
pub fn scope(tx: &mut Db<'_>, p: &mut Projections, body: &EventBody) -> Result<Scope> {
    use EventBody as E;
    Ok(match body {
        E::ProblemRegistered { problem_id, enterprise_id, township_id, .. } => {
            (Some(problem_id.clone()), Some(enterprise_id.clone()), Some(township_id.clone()))
        }
        E::ProblemImported { township_id, row, .. } => {
            (Some(row.problem_id.clone()), Some(row.enterprise_id.clone()), Some(township_id.clone()))
        }
        E::EnterpriseCreated { enterprise: e } | E::EnterpriseUpdated { enterprise: e } => {
            (None, Some(e.id.clone()), Some(e.township_id.clone()))
        }
        E::VisitRecorded { visit: v } => (None, Some(v.enterprise_id.clone()), Some(v.township_id.clone())),
        // A key enterprise's reports and warnings go to its township (and the office).
        E::IndicatorsReported { report: IndicatorReport { enterprise_id: e, .. } }
        | E::ProductionReported { report: ProductionReport { enterprise_id: e, .. } } => {
            (None, Some(e.clone()), enterprise_township(tx, p, e)?)
        }
        E::WarningRaised { warning: w } if w.subject == WarningSubject::Enterprise => {
            (None, Some(w.subject_id.clone()), enterprise_township(tx, p, &w.subject_id)?)
        }
        E::WarningHandled { handling: h } => match p.warning(tx, &h.warning_id)? {
            Some(w) if w.warning.subject == WarningSubject::Enterprise => {
                let e = w.warning.subject_id;
                (None, Some(e.clone()), enterprise_township(tx, p, &e)?)
            }
            // A project's: district-wide, as the register is.
            _ => (None, None, None),
        },
        // The register of key projects, their progress and warnings are district-wide: every
        // unit may answer for a project (its township, its responsible department).
        E::ProjectRegistered { .. }
        | E::ProjectUpdated { .. }
        | E::ProjectProgressReported { .. }
        | E::WarningRaised { .. } => (None, None, None),
        // A problem's link travels with the problem.
        E::ProblemLinked { problem, .. } => problem_scope(tx, p, problem)?,
        _ => match body.problem_id() {
            Some(pid) => problem_scope(tx, p, pid)?,
            None => (None, None, None),
        },
    })
}
