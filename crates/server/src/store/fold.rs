//! Projections on the server: an applied event folded with the core into the PG tables, in the
//! appending transaction. Problems are the core's aggregate (`Problem::apply`) stored as JSONB;
//! the other tables hold the entity as the event states it. No rule is decided here.

use postgres::Transaction;
use taizhang_core::monitoring::{
    IndicatorReport, ProblemOrigin, ProductionReport, RaisedWarning, WarningHandling, WarningSubject,
};
use taizhang_core::*;

use crate::error::{Result, ServerError};

fn json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| ServerError::Internal(e.to_string()))
}

fn load<T: serde::de::DeserializeOwned>(tx: &mut Transaction<'_>, sql: &str, id: &str) -> Result<Option<T>> {
    tx.query_opt(sql, &[&id])?
        .map(|r| serde_json::from_value(r.get(0)).map_err(|e| ServerError::Internal(format!("stored aggregate: {e}"))))
        .transpose()
}

/// Folds one applied event; `server_seq` dates the visibility grants it makes.
pub fn apply(tx: &mut Transaction<'_>, body: &EventBody, meta: &EventMeta, server_seq: i64) -> Result<()> {
    use EventBody as E;
    match body {
        E::ProblemRegistered { .. } | E::ProblemImported { .. } => {
            let p = Problem::from_registration(body, meta).expect("a registration event");
            // A number kept from a sheet is the problem's identity but not a place in the
            // township's sequence (`Problem::number_place`): year 0, sequence 0.
            let (year, seq) = p.number_place().map_or((0, 0), |(y, s)| (y as i32, s as i32));
            tx.execute(
                "INSERT INTO problems (id, number, number_year, number_seq, township_id, enterprise_id, body)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[&p.id, &p.number, &year, &seq, &p.township_id, &p.enterprise_id, &json(&p)?],
            )?;
            if let Some(o) = &p.imported {
                tx.execute("INSERT INTO problem_imports (import_key, problem_id) VALUES ($1, $2)", &[&o.key, &p.id])?;
            }
            grant(tx, &p, server_seq)
        }
        _ => match body.problem_id() {
            Some(pid) => {
                let mut p: Problem = load(tx, "SELECT body FROM problems WHERE id = $1", pid)?
                    .ok_or_else(|| ServerError::Internal(format!("applied event for unknown problem {pid}")))?;
                p.apply(body, meta);
                tx.execute("UPDATE problems SET body = $2 WHERE id = $1", &[&p.id, &json(&p)?])?;
                grant(tx, &p, server_seq)
            }
            None => apply_other(tx, body),
        },
    }
}

/// Every unit the problem now involves may see it from here on; grants are never removed, so
/// a department keeps what it once held.
fn grant(tx: &mut Transaction<'_>, p: &Problem, server_seq: i64) -> Result<()> {
    let mut units = vec![p.township_id.clone()];
    if let Some(a) = &p.assignment {
        units.push(a.lead_unit_id.clone());
        units.extend(a.supporters.iter().map(|s| s.unit_id.clone()));
    }
    for u in units {
        tx.execute(
            "INSERT INTO visibility (unit_id, problem_id, since_seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&u, &p.id, &server_seq],
        )?;
    }
    Ok(())
}

fn apply_other(tx: &mut Transaction<'_>, body: &EventBody) -> Result<()> {
    use EventBody as E;
    match body {
        // Calendar and settings are read as a fold of their events (`world::context`).
        E::LedgerInitialized { .. }
        | E::CalendarYearSet { .. }
        | E::CalendarDaySet { .. }
        | E::SettingsChanged { .. } => {}
        E::UnitCreated { unit } | E::UnitUpdated { unit } => {
            tx.execute(
                "INSERT INTO units (id, name, body) VALUES ($1, $2, $3)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, body = excluded.body",
                &[&unit.id, &unit.name, &json(unit)?],
            )?;
        }
        E::UserCreated { user } => {
            tx.execute(
                "INSERT INTO users (id, login, body) VALUES ($1, $2, $3)",
                &[&user.id, &user.login, &json(user)?],
            )?;
        }
        E::UserUpdated { user_id, name, unit_id, role, active } => {
            let mut u = user(tx, user_id)?;
            (u.name, u.unit_id, u.role, u.active) = (name.clone(), unit_id.clone(), *role, *active);
            tx.execute("UPDATE users SET body = $2 WHERE id = $1", &[&u.id, &json(&u)?])?;
        }
        E::PasswordSet { user_id, password_hash } => {
            let mut u = user(tx, user_id)?;
            u.password_hash = password_hash.clone();
            tx.execute("UPDATE users SET body = $2 WHERE id = $1", &[&u.id, &json(&u)?])?;
        }
        E::EnterpriseCreated { enterprise: e } | E::EnterpriseUpdated { enterprise: e } => {
            tx.execute(
                "INSERT INTO enterprises (id, credit_code, township_id, body) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET credit_code = excluded.credit_code, township_id = excluded.township_id,
                    body = excluded.body",
                &[&e.id, &e.credit_code, &e.township_id, &json(e)?],
            )?;
        }
        E::VisitRecorded { visit: v } => {
            tx.execute(
                "INSERT INTO visits (id, township_id, enterprise_id, body) VALUES ($1, $2, $3, $4)",
                &[&v.id, &v.township_id, &v.enterprise_id, &json(v)?],
            )?;
        }
        E::IndicatorsReported { report: r } => {
            tx.execute(
                "INSERT INTO indicator_reports (enterprise_id, month, body) VALUES ($1, $2, $3)
                 ON CONFLICT (enterprise_id, month) DO UPDATE SET body = excluded.body",
                &[&r.enterprise_id, &r.month.to_string(), &json(r)?],
            )?;
        }
        // No rule reads a 旬报 back; the log holds it.
        E::ProductionReported { .. } => {}
        E::ProjectRegistered { project: p } | E::ProjectUpdated { project: p } => {
            tx.execute(
                "INSERT INTO projects (id, township_id, body) VALUES ($1, $2, $3)
                 ON CONFLICT (id) DO UPDATE SET township_id = excluded.township_id, body = excluded.body",
                &[&p.id, &p.township_id, &json(p)?],
            )?;
        }
        E::ProjectProgressReported { progress: p } => {
            tx.execute(
                "INSERT INTO project_progress (project_id, month, body) VALUES ($1, $2, $3)
                 ON CONFLICT (project_id, month) DO UPDATE SET body = excluded.body",
                &[&p.project_id, &p.month.to_string(), &json(p)?],
            )?;
        }
        E::WarningRaised { warning: w } => {
            let township = warning_township(tx, w)?;
            tx.execute(
                "INSERT INTO warnings (id, township_id, body, handled) VALUES ($1, $2, $3, false)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, handled = false",
                &[&w.id, &township, &json(w)?],
            )?;
        }
        E::WarningHandled { handling: WarningHandling { warning_id: id, .. } }
        | E::ProblemLinked { origin: ProblemOrigin::Warning { warning_id: id }, .. } => {
            tx.execute("UPDATE warnings SET handled = true WHERE id = $1", &[id])?;
        }
        E::ProblemLinked { .. } => {}
        _ => return Err(ServerError::Internal("a problem event outside the problem fold".into())),
    }
    Ok(())
}

/// The township a warning's subject is in (an enterprise's, or a project's).
fn warning_township(tx: &mut Transaction<'_>, w: &RaisedWarning) -> Result<String> {
    let sql = match w.subject {
        WarningSubject::Enterprise => "SELECT township_id FROM enterprises WHERE id = $1",
        WarningSubject::Project => "SELECT township_id FROM projects WHERE id = $1",
    };
    tx.query_opt(sql, &[&w.subject_id])?
        .map(|r| r.get(0))
        .ok_or_else(|| ServerError::Internal(format!("a warning about unknown {}", w.subject_id)))
}

fn user(tx: &mut Transaction<'_>, id: &str) -> Result<User> {
    load(tx, "SELECT body FROM users WHERE id = $1", id)?
        .ok_or_else(|| ServerError::Internal(format!("applied event for unknown user {id}")))
}

fn enterprise_township(tx: &mut Transaction<'_>, id: &str) -> Result<Option<String>> {
    Ok(tx.query_opt("SELECT township_id FROM enterprises WHERE id = $1", &[&id])?.map(|r| r.get(0)))
}

/// What a pull filters an event by: (problem, enterprise, township). A problem event names its
/// problem and, through it, its enterprise and township; an enterprise or visit event its own.
pub fn scope(tx: &mut Transaction<'_>, body: &EventBody) -> Result<(Option<String>, Option<String>, Option<String>)> {
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
            (None, Some(e.clone()), enterprise_township(tx, e)?)
        }
        E::WarningRaised { warning: w } if w.subject == WarningSubject::Enterprise => {
            (None, Some(w.subject_id.clone()), enterprise_township(tx, &w.subject_id)?)
        }
        E::WarningHandled { handling: h } => {
            let row = tx.query_opt("SELECT body FROM warnings WHERE id = $1", &[&h.warning_id])?;
            let w: Option<RaisedWarning> = row
                .map(|r| serde_json::from_value(r.get(0)))
                .transpose()
                .map_err(|e| ServerError::Internal(format!("stored warning: {e}")))?;
            match w {
                Some(w) if w.subject == WarningSubject::Enterprise => {
                    (None, Some(w.subject_id.clone()), enterprise_township(tx, &w.subject_id)?)
                }
                // A project's: district-wide, as the register is.
                _ => (None, None, None),
            }
        }
        // The register of key projects, their progress and warnings are district-wide: every
        // unit may answer for a project (its township, its responsible department).
        E::ProjectRegistered { .. }
        | E::ProjectUpdated { .. }
        | E::ProjectProgressReported { .. }
        | E::WarningRaised { .. } => (None, None, None),
        // A problem's link travels with the problem.
        E::ProblemLinked { problem, .. } => {
            let row = tx.query_opt("SELECT enterprise_id, township_id FROM problems WHERE id = $1", &[problem])?;
            (Some(problem.clone()), row.as_ref().map(|r| r.get(0)), row.as_ref().map(|r| r.get(1)))
        }
        _ => match body.problem_id() {
            Some(pid) => {
                let row = tx.query_opt("SELECT enterprise_id, township_id FROM problems WHERE id = $1", &[&pid])?;
                (Some(pid.to_string()), row.as_ref().map(|r| r.get(0)), row.as_ref().map(|r| r.get(1)))
            }
            None => (None, None, None),
        },
    })
}
