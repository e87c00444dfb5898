//! The ledger rows an export writes: every column of the usual 台账 layout, streamed one row at
//! a time so that a 100,000-row ledger never sits in memory whole.
//!
//! The rows are the ones `list_problems` would list for the same filter and sort (the same
//! WHERE and ORDER BY), with lateness computed by the core for the same `now`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use taizhang_core::escalation::{escalation_cutoffs, lateness_of, Lateness};
use taizhang_core::*;

use crate::error::{LedgerError, Result};
use crate::queries::{build_where, order_sql, where_clause};
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
            // From the log's own table and its (device, device_seq) index: the view `events`
            // would join every event to its device's name before grouping.
            "SELECT d.name, l.device_seq, CASE typeof(l.hash) WHEN 'blob' THEN lower(hex(l.hash)) ELSE l.hash END
               FROM event_log l JOIN event_names d ON d.ref = l.device
              WHERE (l.device, l.device_seq) IN (SELECT device, max(device_seq) FROM event_log GROUP BY device)
              ORDER BY d.name",
        )?;
        let heads = st
            .query_map([], |r| Ok(ChainHead { device_id: r.get(0)?, events: r.get(1)?, head_hash: r.get(2)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(heads)
    }

    /// Every enterprise's (name, credit code), by id.
    fn export_enterprise_names(&self) -> rusqlite::Result<HashMap<String, (String, Option<String>)>> {
        let mut st = self.conn.prepare("SELECT id, name, credit_code FROM enterprises")?;
        let names = st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?.collect();
        names
    }

    /// Every unit's name, by id.
    fn export_unit_names(&self) -> rusqlite::Result<HashMap<String, String>> {
        let mut st = self.conn.prepare("SELECT id, name FROM units")?;
        let names = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect();
        names
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
        let today = local_date(now);
        let cut = escalation_cutoffs(today, &cal, &settings);
        let q = build_where(filter, &cut);
        let where_sql = where_clause(&q);

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

        // Every column comes from the projection's own columns: parsing each aggregate was
        // the largest part of an export (docs/benchmarks.md). The names of enterprises and
        // units are read once, in this snapshot, rather than joined for every row: a district
        // has a few thousand of them at most, and the joins were a third of an export's reads
        // (bench/notes.md, stop 31).
        let enterprises = self.export_enterprise_names().map_err(LedgerError::from)?;
        let units = self.export_unit_names().map_err(LedgerError::from)?;
        let missing = |what: &str, id: &str| {
            rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                format!("no {what} {id} in the ledger").into(),
            )
        };
        let mut st = self
            .conn
            .prepare(
                "SELECT p.id, p.number, p.enterprise_id, p.township_id, p.source, p.category, p.priority, p.description,
                        p.demand, p.raised_on, p.assigned_on, p.lead_unit_id,
                        (SELECT group_concat(s.unit_id, char(31) ORDER BY s.rowid) FROM problem_supporters s
                          WHERE s.problem_id = p.id),
                        p.responsible_leader, p.handler, p.sign_deadline, p.handling_deadline, p.signed_on, p.status,
                        p.resolved_on, p.evaluation, p.closed_on, p.urge_count, p.urge_level,
                        p.result_type, p.result_text, p.result_explanation
                   FROM problems p
                  WHERE p.rowid = ?1",
            )
            .map_err(LedgerError::from)?;
        for rowid in &rowids {
            let row = st.query_row([rowid], |r| {
                let day = |i: usize| read::opt_date(r, i);
                let status = read::parse_enum(r.get(18)?, Status::parse)?;
                let (sign_deadline, handling_deadline) = (day(15)?, day(16)?);
                let urge_count: u32 = r.get(22)?;
                let clock = read::clock_facts(status, sign_deadline, handling_deadline, r.get(23)?, urge_count);
                let enterprise_id: String = r.get(2)?;
                let (enterprise_name, credit_code) =
                    enterprises.get(&enterprise_id).cloned().ok_or_else(|| missing("enterprise", &enterprise_id))?;
                let township_id: String = r.get(3)?;
                let township_name = units.get(&township_id).cloned().ok_or_else(|| missing("unit", &township_id))?;
                let lead_unit_id: Option<String> = r.get(11)?;
                // A supporter whose unit is gone is left out, as the join it replaces did.
                let supporter_names =
                    read::name_list(r.get(12)?).into_iter().filter_map(|id| units.get(&id).cloned()).collect();
                let resolved_on = day(19)?;
                Ok(ExportRow {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    enterprise_name,
                    credit_code,
                    township_name,
                    source: read::parse_enum(r.get(4)?, Source::parse)?,
                    category: r.get(5)?,
                    priority: read::parse_enum(r.get(6)?, Priority::parse)?,
                    description: r.get(7)?,
                    demand: r.get(8)?,
                    raised_on: read::date(&r.get::<_, String>(9)?)?,
                    assigned_on: day(10)?,
                    lead_unit_name: lead_unit_id.map(|id| units.get(&id).cloned().unwrap_or(id)),
                    supporter_names,
                    responsible_leader: r.get(13)?,
                    handler: r.get::<_, Option<String>>(14)?.filter(|h| !h.is_empty()),
                    sign_deadline,
                    handling_deadline,
                    signed_on: day(17)?,
                    status,
                    lateness: lateness_of(clock.as_ref(), &cal, &cut),
                    resolved_on,
                    result_type: r
                        .get::<_, Option<String>>(24)?
                        .map(|k| read::parse_enum(k, ResultType::parse))
                        .transpose()?,
                    result_text: r.get(25)?,
                    result_explanation: r.get(26)?,
                    satisfaction: r
                        .get::<_, Option<String>>(20)?
                        .map(|k| read::parse_enum(k, Satisfaction::parse))
                        .transpose()?,
                    closed_on: day(21)?,
                    urge_count,
                })
            });
            sink.row(row.map_err(LedgerError::from)?)?;
        }
        drop(st);
        // Read only: ending the snapshot has nothing to commit.
        drop(snapshot);
        Ok(rowids.len() as u64)
    }
}
