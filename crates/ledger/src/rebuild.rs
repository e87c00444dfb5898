//! Rebuilding the projections from the event log, and telling whether the result equals what
//! was there (a digest per table over every row in rowid order).

use rusqlite::{Connection, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};
use taizhang_core::{EventBody, EventMeta};

use crate::error::{LedgerError, Result};
use crate::project::{Projector, PROJECTION_TABLES};
use crate::Ledger;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RebuildReport {
    #[ts(type = "number")]
    pub events: i64,
    /// True when every projection table is identical after the rebuild.
    pub equal: bool,
    /// Tables whose content changed.
    pub differing_tables: Vec<String>,
}

/// Problems the rebuild holds in memory while it folds the log (a few KB each).
const REBUILD_HELD: usize = 100_000;

/// A digest of every projection table, in a fixed order.
pub fn projection_digests(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for table in PROJECTION_TABLES {
        // A WITHOUT ROWID table is in its key's order whatever order its rows were written in.
        let sql = match *table {
            "figure_counts" => {
                "SELECT * FROM figure_counts ORDER BY on_date, kind, unit_id, detail, started_on".to_string()
            }
            // A problem's supporter rows are written anew each time its aggregate is written
            // back, which a transaction does once however many events it folds: their rowids
            // depend on how the history was cut into transactions, their order within a
            // problem (the aggregate's) does not.
            "problem_supporters" => "SELECT * FROM problem_supporters ORDER BY problem_id, rowid".to_string(),
            _ => format!("SELECT rowid, * FROM {table} ORDER BY rowid"),
        };
        // A table that cannot be read (a tampered full-text index reads as "database disk
        // image is malformed") has no digest: it differs from whatever the rebuild makes.
        let digest = table_digest(conn, &sql).unwrap_or_else(|e| format!("unreadable: {e}"));
        out.push((table.to_string(), digest));
    }
    Ok(out)
}

fn table_digest(conn: &Connection, sql: &str) -> rusqlite::Result<String> {
    let mut st = conn.prepare(sql)?;
    let cols = st.column_count();
    let mut rows = st.query([])?;
    let mut h = Sha256::new();
    while let Some(r) = rows.next()? {
        for i in 0..cols {
            let v: rusqlite::types::Value = r.get(i)?;
            h.update(format!("{v:?}\u{1f}").as_bytes());
        }
        h.update(b"\x1e");
    }
    Ok(hex::encode(h.finalize()))
}

/// How many events between two progress reports: about 200 reports in all, so a bar moves
/// smoothly on a small ledger and the callback costs nothing on a large one.
pub(crate) fn progress_step(total: i64) -> i64 {
    (total / 200).max(1)
}

impl Ledger {
    /// A digest of every projection table, in a fixed order: two ledgers whose digests are
    /// equal show the same thing on every screen (a replica and the log it was fed, in tests).
    pub fn projection_digests(&self) -> Result<Vec<(String, String)>> {
        projection_digests(&self.conn)
    }

    pub fn rebuild(&mut self) -> Result<RebuildReport> {
        self.rebuild_with_progress(&mut |_, _| {})
    }

    /// Drops every projection, creates it again and folds the whole log again, in one transaction.
    ///
    /// `progress(done, total)` counts events folded: `(0, total)` once the tables as they were
    /// are digested and emptied, then about every half per cent, and `(total, total)` when the
    /// fold is done and the new tables are being digested and compared.
    pub fn rebuild_with_progress(&mut self, progress: &mut dyn FnMut(i64, i64)) -> Result<RebuildReport> {
        self.rebuild_holding(REBUILD_HELD, progress)
    }

    /// The rebuild with at most `held` problems in memory at once (tests make it tiny, so
    /// problems are written back and read again many times).
    pub fn rebuild_holding(&mut self, held: usize, progress: &mut dyn FnMut(i64, i64)) -> Result<RebuildReport> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut before = projection_digests(&tx)?;
        // The search index's rows read the same through a damaged index (a scan reads its
        // content table); FTS5's own check reads the index itself.
        if let Err(e) = tx.execute("INSERT INTO problem_search(problem_search) VALUES ('integrity-check')", []) {
            if let Some(d) = before.iter_mut().find(|(t, _)| t == "problem_search") {
                d.1 = format!("damaged index: {e}");
            }
        }
        let (count, total) = reproject(&tx, held, progress)?;
        progress(count, total);
        let after = projection_digests(&tx)?;
        tx.commit()?;
        self.cache.borrow_mut().clear();
        let differing_tables =
            before.iter().zip(&after).filter(|(b, a)| b.1 != a.1).map(|(b, _)| b.0.clone()).collect::<Vec<_>>();
        Ok(RebuildReport { events: total, equal: differing_tables.is_empty(), differing_tables })
    }
}

/// Drops every projection, creates it again from the migrations' DDL and folds the log into it
/// inside `tx`: a standalone ledger in append order, a replica in its fold order
/// (`fold_replica`). Returns the events folded, and how many there were to fold.
pub(crate) fn reproject(tx: &Connection, held: usize, progress: &mut dyn FnMut(i64, i64)) -> Result<(i64, i64)> {
    // Dropped and created again from the migrations' DDL, not emptied: DELETE reads what
    // it deletes, and a damaged table (the full-text index's shadow tables) cannot be read.
    // Children first, so no foreign key points at a dropped table's rows.
    let ddl = crate::file::creation_ddl(PROJECTION_TABLES)?;
    for table in PROJECTION_TABLES {
        tx.execute_batch(&format!("DROP TABLE IF EXISTS \"{table}\""))?;
    }
    for (_, statements) in ddl.iter().rev() {
        for sql in statements {
            tx.execute_batch(sql)?;
        }
    }
    if crate::replica_log::is_replica(tx)? {
        let mut projector = Projector::with_capacity(tx, held)?;
        let folded = fold_replica(tx, &mut projector, progress)?;
        projector.finish(tx)?;
        return Ok(folded);
    }
    let total: i64 = tx.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    let step = progress_step(total);
    let mut count = 0;
    progress(0, total);
    {
        let mut st = tx.prepare("SELECT actor, occurred_at, kind, payload FROM events ORDER BY seq")?;
        let mut rows = st.query([])?;
        let mut projector = Projector::with_capacity(tx, held)?;
        while let Some(r) = rows.next()? {
            let (body, meta) = event_row(r)?;
            projector.apply(tx, &body, &meta)?;
            count += 1;
            if count % step == 0 && count < total {
                progress(count, total);
            }
        }
        projector.finish(tx)?;
    }
    Ok((count, total))
}

/// Folds every event of a replica in fold order (the server's applied events in `server_seq`
/// order, then this device's pending events in the order they were made) into empty projections. A pending event that
/// no longer fits (its problem was registered by a pending event the server refused) is
/// folded into nothing, as it will be once the server refuses it too; an applied event that
/// does not fold is an error. Returns (folded, total).
fn fold_replica(tx: &Connection, projector: &mut Projector, progress: &mut dyn FnMut(i64, i64)) -> Result<(i64, i64)> {
    let total: i64 =
        tx.query_row("SELECT count(*) FROM replica_events WHERE state IN ('applied', 'pending')", [], |r| r.get(0))?;
    let step = progress_step(total);
    progress(0, total);
    let mut st = tx.prepare(
        "SELECT e.actor, e.occurred_at, e.kind, e.payload, r.state FROM replica_events r JOIN events e ON e.id = r.event_id
         WHERE r.state IN ('applied', 'pending')
         ORDER BY r.state = 'pending', r.server_seq, e.seq",
    )?;
    let mut rows = st.query([])?;
    let mut count = 0;
    while let Some(r) = rows.next()? {
        let (body, meta) = event_row(r)?;
        let pending = r.get::<_, String>(4)? == "pending";
        match projector.apply(tx, &body, &meta) {
            Err(_) if pending => {}
            other => other?,
        }
        count += 1;
        if count % step == 0 && count < total {
            progress(count, total);
        }
    }
    Ok((count, total))
}

/// The body and meta of a row whose first columns are `actor, occurred_at, kind, payload`.
pub(crate) fn event_row(r: &rusqlite::Row<'_>) -> Result<(EventBody, EventMeta)> {
    let actor: String = r.get(0)?;
    let occurred: String = r.get(1)?;
    let kind: String = r.get(2)?;
    let payload: String = r.get(3)?;
    let occurred_at = taizhang_core::chain::parse_instant(&occurred)
        .ok_or_else(|| LedgerError::Corrupt(format!("event time {occurred:?} is not an instant")))?;
    let body = EventBody::from_parts(&kind, serde_json::from_str(&payload)?)?;
    Ok((body, EventMeta { actor, occurred_at }))
}
