//! The ledger's high-water mark: the latest time of any event, which the time rule of every
//! act (`core::admit::check_time`) compares against. Events have no index on their time, and a
//! scan of a million of them costs a third of a second, so each connection keeps the mark with
//! the last `seq` it has seen and reads only the events appended since (by any connection).

use std::cell::Cell;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::error::{LedgerError, Result};

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HighWater {
    seen_seq: i64,
    latest: Option<DateTime<Utc>>,
}

/// The latest event time in `conn` (inside the write transaction, so no append slips between
/// this read and the check), bringing `mark` up to date.
pub(crate) fn latest_event_time(conn: &Connection, mark: &Cell<HighWater>) -> Result<Option<DateTime<Utc>>> {
    let mut hw = mark.get();
    let (max_seq, max_time): (Option<i64>, Option<String>) = conn
        .prepare_cached("SELECT max(seq), max(occurred_at) FROM events WHERE seq > ?1")?
        .query_row([hw.seen_seq], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if let (Some(seq), Some(t)) = (max_seq, max_time) {
        // Stored instants are one fixed RFC 3339 form, so the greatest text is the latest time.
        let t = DateTime::parse_from_rfc3339(&t)
            .map_err(|e| LedgerError::Corrupt(format!("event time {t:?}: {e}")))?
            .to_utc();
        hw = HighWater { seen_seq: seq, latest: Some(hw.latest.map_or(t, |l| l.max(t))) };
        mark.set(hw);
    }
    Ok(hw.latest)
}
