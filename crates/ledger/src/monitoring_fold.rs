//! The monitoring tables (migration 10) as a fold of the monitoring events, and the reads
//! `World` answers the monitoring rules from. Called by the projector for every monitoring
//! event, on append and on rebuild; nothing else writes these tables.

use rusqlite::{params, Connection, OptionalExtension};
use taizhang_core::chain::format_instant;
use taizhang_core::monitoring::*;
use taizhang_core::*;

use crate::error::Result;

fn exec(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
    Ok(conn.prepare_cached(sql)?.execute(params)?)
}

/// Whether the event is one of the monitoring events this module folds.
pub(crate) fn is_monitoring(body: &EventBody) -> bool {
    use EventBody as E;
    matches!(
        body,
        E::IndicatorsReported { .. }
            | E::ProductionReported { .. }
            | E::ProjectRegistered { .. }
            | E::ProjectUpdated { .. }
            | E::ProjectProgressReported { .. }
            | E::WarningRaised { .. }
            | E::WarningHandled { .. }
            | E::ProblemLinked { .. }
    )
}

/// Folds one monitoring event.
pub(crate) fn apply(conn: &Connection, body: &EventBody, meta: &EventMeta) -> Result<()> {
    use EventBody as E;
    let at = format_instant(meta.occurred_at);
    match body {
        E::IndicatorsReported { report: r } => {
            exec(
                conn,
                "INSERT OR REPLACE INTO indicator_reports (enterprise_id, month, body, late, reported_by, reported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![r.enterprise_id, r.month.to_string(), serde_json::to_string(r)?, r.late, meta.actor, at],
            )?;
        }
        E::ProductionReported { report: r } => {
            exec(
                conn,
                "INSERT OR REPLACE INTO production_reports (enterprise_id, month, xun, body, late, reported_by, reported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![r.enterprise_id, r.month.to_string(), r.xun.key(), serde_json::to_string(r)?, r.late, meta.actor, at],
            )?;
        }
        E::ProjectRegistered { project: p } | E::ProjectUpdated { project: p } => {
            exec(
                conn,
                "INSERT INTO projects (id, name, township_id, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, township_id = excluded.township_id,
                    body = excluded.body",
                params![p.id, p.name, p.township_id, serde_json::to_string(p)?, at],
            )?;
        }
        E::ProjectProgressReported { progress: p } => {
            exec(
                conn,
                "INSERT OR REPLACE INTO project_progress (project_id, month, body, late, reported_by, reported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![p.project_id, p.month.to_string(), serde_json::to_string(p)?, p.late, meta.actor, at],
            )?;
        }
        E::WarningRaised { warning: w } => {
            let township: String = match w.subject {
                WarningSubject::Enterprise => {
                    conn.query_row("SELECT township_id FROM enterprises WHERE id = ?1", [&w.subject_id], |r| r.get(0))?
                }
                WarningSubject::Project => {
                    conn.query_row("SELECT township_id FROM projects WHERE id = ?1", [&w.subject_id], |r| r.get(0))?
                }
            };
            exec(
                conn,
                "INSERT OR REPLACE INTO warnings (id, subject, subject_id, township_id, period, level, rule, body, raised_at, open)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)",
                params![
                    w.id,
                    w.subject.key(),
                    w.subject_id,
                    township,
                    w.period.to_string(),
                    w.warning.level.key(),
                    w.warning.rule,
                    serde_json::to_string(w)?,
                    at
                ],
            )?;
        }
        E::WarningHandled { handling: h } => {
            exec(
                conn,
                "INSERT INTO warning_actions (warning_id, note, visit_id, problem_id, actor, at)
                 VALUES (?1, ?2, ?3, NULL, ?4, ?5)",
                params![h.warning_id, h.note, h.visit_id, meta.actor, at],
            )?;
            exec(conn, "UPDATE warnings SET open = 0 WHERE id = ?1", [&h.warning_id])?;
        }
        E::ProblemLinked { problem, origin } => {
            let (warning_id, project_id, month) = match origin {
                ProblemOrigin::Warning { warning_id } => (Some(warning_id.clone()), None, None),
                ProblemOrigin::Project { project_id, month } => {
                    (None, Some(project_id.clone()), Some(month.to_string()))
                }
            };
            exec(
                conn,
                "INSERT INTO problem_origins (problem_id, warning_id, project_id, month) VALUES (?1, ?2, ?3, ?4)",
                params![problem, warning_id, project_id, month],
            )?;
            if let Some(w) = warning_id {
                let number: String =
                    conn.query_row("SELECT number FROM problems WHERE id = ?1", [problem], |r| r.get(0))?;
                exec(
                    conn,
                    "INSERT INTO warning_actions (warning_id, note, visit_id, problem_id, actor, at)
                     VALUES (?1, ?2, NULL, ?3, ?4, ?5)",
                    params![w, format!("转为问题 {number}"), problem, meta.actor, at],
                )?;
                exec(conn, "UPDATE warnings SET open = 0 WHERE id = ?1", [&w])?;
            }
        }
        _ => unreachable!("not a monitoring event: {body:?}"),
    }
    Ok(())
}

fn body<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Option<T>> {
    let text: Option<String> = conn.prepare_cached(sql)?.query_row(args, |r| r.get(0)).optional()?;
    Ok(text.map(|t| serde_json::from_str(&t)).transpose()?)
}

pub(crate) fn indicator_report(
    conn: &Connection,
    enterprise_id: &str,
    month: Month,
) -> Result<Option<IndicatorReport>> {
    body(
        conn,
        "SELECT body FROM indicator_reports WHERE enterprise_id = ?1 AND month = ?2",
        params![enterprise_id, month.to_string()],
    )
}

pub(crate) fn project(conn: &Connection, id: &str) -> Result<Option<Project>> {
    body(conn, "SELECT body FROM projects WHERE id = ?1", [id])
}

pub(crate) fn project_progress(conn: &Connection, project_id: &str, month: Month) -> Result<Option<ProjectProgress>> {
    body(
        conn,
        "SELECT body FROM project_progress WHERE project_id = ?1 AND month = ?2",
        params![project_id, month.to_string()],
    )
}

pub(crate) fn warning(conn: &Connection, id: &str) -> Result<Option<(RaisedWarning, bool)>> {
    let row: Option<(String, bool)> = conn
        .prepare_cached("SELECT body, open FROM warnings WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(b, open)| Ok((serde_json::from_str(&b)?, !open))).transpose()
}
