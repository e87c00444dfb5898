//! The ledger's high-water mark: the latest time of any event, which the time rule of every
//! act (`core::admit::check_time`) compares against. Events have no index on their time, and a
//! scan of a million of them costs a third of a second, so each connection keeps the mark with
//! the last `seq` it has seen and reads only the events appended since (by any connection).

use std::cell::Cell;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use taizhang_core::dates::DateRange;

use crate::error::{LedgerError, Result};

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HighWater {
    seen_seq: i64,
    latest: Option<DateTime<Utc>>,
}

/// The latest event time in `conn` (inside the write transaction, so no append slips between
/// this read and the check), bringing `mark` up to date.
///
/// Only times inside the settings' date range count (`core::dates::DateRange`): the write path
/// never makes an event outside it, so such an event was put there by hand, and letting it set
/// the mark would let one forged row (dated 9999, or in signed-year form) refuse every later
/// act. `verify --full` names it instead.
pub(crate) fn latest_event_time(
    conn: &Connection,
    mark: &Cell<HighWater>,
    range: &DateRange,
) -> Result<Option<DateTime<Utc>>> {
    let mut hw = mark.get();
    // Stored instants are one fixed RFC 3339 form (`YYYY-MM-DDT…Z`), so text order is time
    // order within four-digit years; signed forms (`-0001-…`, `+10000-…`) fall outside the
    // bounds. The bounds are a day wider than the range on each side (Beijing vs UTC).
    let low = (range.first - chrono::Days::new(1)).to_string();
    let high = (range.last + chrono::Days::new(2)).to_string();
    let (max_seq, max_time): (Option<i64>, Option<String>) = conn
        .prepare_cached(
            "SELECT max(seq), max(CASE WHEN occurred_at >= ?2 AND occurred_at < ?3 THEN occurred_at END)
             FROM events WHERE seq > ?1",
        )?
        .query_row(rusqlite::params![hw.seen_seq, low, high], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if let Some(seq) = max_seq {
        hw.seen_seq = seq;
        mark.set(hw);
    }
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
