//! The ledger rows an export writes: every column of the usual 台账 layout, streamed one row at
//! a time so that a 100,000-row ledger never sits in memory whole.
//!
//! The rows are the ones `list_problems` would list for the same filter and sort (the same
//! WHERE and ORDER BY), with lateness computed by the core for the same `now`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use taizhang_core::escalation::{escalation_cutoffs, lateness, Lateness};
use taizhang_core::*;

use crate::error::{LedgerError, Result};
use crate::queries::{build_where, order_sql};
use crate::verify::ChainHead;
use crate::{read, Ledger, ProblemFilter, Sort};

/// One problem as a ledger export shows it. Dates are Beijing dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportRow {
    pub id: Id,
    pub number: String,
    pub enterprise_name: String,
    pub credit_code: Option<String>,
    pub township_name: String,
    pub source: Source,
    pub category: String,
    pub priority: Priority,
    pub description: String,
    pub demand: String,
    pub raised_on: NaiveDate,
    /// When the assignment in force was made (a reassignment restarts it).
    pub assigned_on: Option<NaiveDate>,
    pub lead_unit_name: Option<String>,
    /// Full names of the supporting units of the assignment in force.
    pub supporter_names: Vec<String>,
    pub responsible_leader: String,
    pub handler: Option<String>,
    pub sign_deadline: Option<NaiveDate>,
    /// The approved handling deadline in force.
    pub handling_deadline: Option<NaiveDate>,
    pub signed_on: Option<NaiveDate>,
    pub status: Status,
    pub lateness: Lateness,
    pub resolved_on: Option<NaiveDate>,
    /// The latest resolution, while the item stands resolved (a reopened item has none).
    pub result_type: Option<ResultType>,
    pub result_text: Option<String>,
    pub result_explanation: Option<String>,
    pub satisfaction: Option<Satisfaction>,
    pub closed_on: Option<NaiveDate>,
    pub urge_count: u32,
}

impl ExportRow {
    /// Overdue to sign or to handle, as the list's `overdue` filter means it.
    pub fn overdue(&self) -> bool {
        self.lateness.sign_overdue || self.lateness.handling_overdue
    }
}

/// Where exported rows go. `begin` is called once, before any row, with the number of rows
/// that follow and the chain heads of the same snapshot.
pub trait RowSink {
    type Error: From<LedgerError>;
    fn begin(&mut self, total: u64, chain_heads: &[ChainHead]) -> std::result::Result<(), Self::Error>;
    fn row(&mut self, row: ExportRow) -> std::result::Result<(), Self::Error>;
}

impl Ledger {
    /// The heads of every device chain as stored (not re-verified): the figure an export carries
    /// so that a later copy of the file can be checked against it.
    pub fn chain_heads(&self) -> Result<Vec<ChainHead>> {
        let mut st = self.conn.prepare(
            "SELECT device_id, device_seq, hash FROM events
             WHERE (device_id, device_seq) IN (SELECT device_id, max(device_seq) FROM events GROUP BY device_id)
             ORDER BY device_id",
        )?;
        let heads = st
            .query_map([], |r| Ok(ChainHead { device_id: r.get(0)?, events: r.get(1)?, head_hash: r.get(2)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(heads)
    }

    /// Streams the rows `list_problems` would list for `filter` and `sort`, all of them, into
    /// `sink`. Count, chain heads and rows come from one read snapshot, so a write by another
    /// program during a long export cannot make them disagree. Returns the number of rows.
    pub fn export_rows<S: RowSink>(
        &self,
        filter: &ProblemFilter,
        sort: Sort,
        now: DateTime<Utc>,
        sink: &mut S,
    ) -> std::result::Result<u64, S::Error> {
        let snapshot = self.conn.unchecked_transaction().map_err(LedgerError::from)?;
        let (cal, settings) = self.context_parts()?;
        let unit_names = self.cached().unit_names()?;
        let today = local_date(now);
        let cut = escalation_cutoffs(today, &cal, &settings);
        let q = build_where(filter, &cut);
        let where_sql = if q.wheres.is_empty() { String::new() } else { format!("WHERE {}", q.wheres.join(" AND ")) };

        // Sorting only rowids keeps SQLite's sorter small: sorting whole rows would drag every
        // problem's JSON state through it. 100,000 rowids are under a megabyte.
        let ids_sql = format!("SELECT p.rowid FROM problems p {where_sql} ORDER BY {}", order_sql(sort));
        let rowids: Vec<i64> = {
            let mut st = self.conn.prepare(&ids_sql).map_err(LedgerError::from)?;
            let ids = st
                .query_map(q.used_params(&ids_sql).as_slice(), |r| r.get(0))
                .map_err(LedgerError::from)?
                .collect::<rusqlite::Result<Vec<i64>>>()
                .map_err(LedgerError::from)?;
            ids
        };
        sink.begin(rowids.len() as u64, &self.chain_heads()?)?;

        let mut st = self
            .conn
            .prepare(
                "SELECT s.state, e.name, e.credit_code, t.name FROM problems p
                 JOIN problem_states s ON s.problem_id = p.id JOIN enterprises e ON e.id = p.enterprise_id JOIN units t ON t.id = p.township_id
                 WHERE p.rowid = ?1",
            )
            .map_err(LedgerError::from)?;
        let name = |id: &str| unit_names.get(id).cloned().unwrap_or_else(|| id.to_string());
        for rowid in &rowids {
            let (state, enterprise_name, credit_code, township_name): (String, String, Option<String>, String) = st
                .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .map_err(LedgerError::from)?;
            let p = read::problem_state(&state)?;
            let a = p.assignment.as_ref();
            let result = p.resolved_at.and(p.resolutions.last());
            sink.row(ExportRow {
                lateness: lateness(&p, today, &cal, &settings),
                enterprise_name,
                credit_code,
                township_name,
                source: p.source,
                priority: p.priority,
                raised_on: p.raised_on,
                assigned_on: a.map(|a| local_date(a.assigned_at)),
                lead_unit_name: a.map(|a| name(&a.lead_unit_id)),
                supporter_names: a.map(|a| a.supporters.iter().map(|s| name(&s.unit_id)).collect()).unwrap_or_default(),
                handler: a.map(|a| a.handler.clone()).filter(|h| !h.is_empty()),
                sign_deadline: a.map(|a| a.sign_deadline),
                handling_deadline: a.map(|a| a.handling_deadline),
                signed_on: p.signed_at.map(local_date),
                status: p.status,
                resolved_on: p.resolved_at.map(local_date),
                result_type: result.map(|r| r.result_type),
                result_text: result.map(|r| r.result_text.clone()),
                result_explanation: result.map(|r| r.explanation.clone()).filter(|e| !e.is_empty()),
                satisfaction: p.evaluation,
                closed_on: p.closed_at.map(local_date),
                urge_count: p.urges.len() as u32,
                id: p.id,
                number: p.number,
                category: p.category,
                description: p.description,
                demand: p.demand,
                responsible_leader: p.responsible_leader,
            })?;
        }
        drop(st);
        // Read only: ending the snapshot has nothing to commit.
        drop(snapshot);
        Ok(rowids.len() as u64)
    }
}
