//! The full check (`verify --full`): the chain check, then every event replayed in append
//! order through the core's rules (`core::admit`) from the state the events before it made
//! (`core::replay::Replay`, in memory: nothing is read from the projections). It names the
//! first event the rules would not have produced — a forged actor, a role or unit that may
//! not, a state that did not allow it, a time before what precedes it — and lists the events
//! admitted within the clock tolerance though dated before the latest one ("clock behind").
//!
//! A replica is replayed in its fold order instead (docs/sync.md): the server's applied events
//! in `server_seq` order, each of which must be admitted, then this device's pending ones. Two
//! kinds are counted rather than failed: a pending event that no longer fits the state beneath
//! it (the server's state moved on before it went up; the server will not apply it either), and
//! an own event the server applied beyond the position pulled to (the events before it that
//! the verdict rested on arrive with the next pull). Events the server did not apply are not
//! replayed; the chain check covers them.

use rusqlite::OptionalExtension;
use serde::Serialize;
use taizhang_core::admit::{clock_behind, Verdict};
use taizhang_core::replay::Replay;
use taizhang_core::{DomainError, EventBody, EventMeta};

use crate::error::{LedgerError, Result};
use crate::verify::VerifyReport;
use crate::Ledger;

/// The first event the rules would not have produced.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct NotAdmitted {
    #[ts(type = "number")]
    pub seq: i64,
    pub event_id: String,
    pub device_id: String,
    pub kind: String,
    pub actor: String,
    pub occurred_at: String,
    /// `refused` (never allowed) or `no_effect` (allowed to this actor, not in that state).
    pub verdict: String,
    /// Why, as the core's error (its `code` and fields).
    pub error: DomainError,
}

/// An event admitted within the clock tolerance though dated before the latest event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ClockBehind {
    #[ts(type = "number")]
    pub seq: i64,
    pub event_id: String,
    #[ts(type = "number")]
    pub seconds: i64,
}

/// At most this many clock-behind events are listed (all are counted).
const CLOCK_BEHIND_LISTED: usize = 100;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FullVerifyReport {
    /// Chain sound and every event admitted.
    pub ok: bool,
    pub chain: VerifyReport,
    /// Events replayed through the rules (all of them when `ok`).
    #[ts(type = "number")]
    pub replayed: i64,
    pub first_not_admitted: Option<NotAdmitted>,
    #[ts(type = "number")]
    pub clock_behind_count: i64,
    pub clock_behind: Vec<ClockBehind>,
    /// On a replica: events not yet settled here that the rules do not admit on the state this
    /// file holds: pending ones the server's state has overtaken (they will be refused or have
    /// no effect), and own events applied beyond the position pulled to (checked once the
    /// events before them arrive).
    #[ts(type = "number")]
    pub unsettled_not_admitted: i64,
    #[ts(type = "number")]
    pub millis: i64,
}

/// Every event in append order (a standalone ledger).
const APPEND_ORDER: &str = "SELECT seq, id, device_id, actor, occurred_at, kind, payload, 0 FROM events ORDER BY seq";
/// A replica's fold order, as `rebuild::fold_replica` folds it. The last column says the event
/// is not yet settled in the state this file holds: pending, or this device's own event whose
/// push the server answered applied beyond the position pulled to (the events the server
/// applied before it, which its verdict rested on, come with the next pull).
const FOLD_ORDER: &str = "SELECT e.seq, e.id, e.device_id, e.actor, e.occurred_at, e.kind, e.payload,
            r.state = 'pending' OR r.server_seq > (SELECT cursor_after FROM replica)
     FROM replica_events r JOIN events e ON e.id = r.event_id
     WHERE r.state IN ('applied', 'pending') ORDER BY r.state = 'pending', r.server_seq, e.seq";

impl Ledger {
    pub fn verify_full(&self) -> Result<FullVerifyReport> {
        self.verify_full_with_progress(&mut |_, _, _| {})
    }

    /// `verify --full`. `progress(stage, done, total)`: stage `chain` while the chain is
    /// checked, then `rules` while events are replayed. The replay runs only on a sound chain
    /// (a broken chain is already the answer), in one read transaction, so a writer beside it
    /// cannot make it see half a command.
    pub fn verify_full_with_progress(&self, progress: &mut dyn FnMut(&str, i64, i64)) -> Result<FullVerifyReport> {
        let started = std::time::Instant::now();
        self.conn.execute_batch("BEGIN")?;
        let result = self.verify_full_inner(progress);
        let _ = self.conn.execute_batch("COMMIT");
        let mut report = result?;
        report.millis = started.elapsed().as_millis() as i64;
        Ok(report)
    }

    fn verify_full_inner(&self, progress: &mut dyn FnMut(&str, i64, i64)) -> Result<FullVerifyReport> {
        let chain = self.verify_with_progress(&mut |d, t| progress("chain", d, t))?;
        let mut report = FullVerifyReport {
            ok: false,
            chain,
            replayed: 0,
            first_not_admitted: None,
            clock_behind_count: 0,
            clock_behind: Vec::new(),
            unsettled_not_admitted: 0,
            millis: 0,
        };
        if !report.chain.ok {
            return Ok(report);
        }
        let replica = crate::replica_log::is_replica(&self.conn)?;
        let total = if replica {
            self.conn.query_row(
                "SELECT count(*) FROM replica_events WHERE state IN ('applied', 'pending')",
                [],
                |r| r.get(0),
            )?
        } else {
            report.chain.events
        };
        let step = crate::rebuild::progress_step(total);
        progress("rules", 0, total);
        let mut st = self.conn.prepare(if replica { FOLD_ORDER } else { APPEND_ORDER })?;
        // On a replica the time rule reads the device's own previous event, as the server did.
        let mut previous = self.conn.prepare(
            "SELECT p.occurred_at FROM events e JOIN events p ON p.device_id = e.device_id AND p.device_seq = e.device_seq - 1
             WHERE e.id = ?1",
        )?;
        let mut rows = st.query([])?;
        let mut replay = Replay::new();
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let id: String = r.get(1)?;
            let actor: String = r.get(3)?;
            let occurred: String = r.get(4)?;
            let kind: String = r.get(5)?;
            let payload: String = r.get(6)?;
            // Any stored time, chrono's signed years included (`chain::parse_instant`, as
            // rebuild reads them): a forged one is named by the rules below, not fatal here.
            let occurred_at = taizhang_core::chain::parse_instant(&occurred)
                .ok_or_else(|| LedgerError::Corrupt(format!("event time {occurred:?} is not an instant")))?;
            let body = EventBody::from_parts(&kind, serde_json::from_str(&payload)?)?;
            let meta = EventMeta { actor: actor.clone(), occurred_at };
            let latest = if replica {
                let prev: Option<String> = previous.query_row([&id], |r| r.get(0)).optional()?;
                prev.and_then(|t| taizhang_core::chain::parse_instant(&t))
            } else {
                replay.latest
            };
            let (verdict, error) = match replay.admit_after(&body, &meta, latest) {
                Verdict::Admitted => ("admitted", None),
                Verdict::NoEffect(e) => ("no_effect", Some(e)),
                Verdict::Refused(e) => ("refused", Some(e)),
            };
            if error.is_some() && r.get::<_, bool>(7)? {
                // Not settled here yet: not a forgery (see FOLD_ORDER).
                report.unsettled_not_admitted += 1;
                report.replayed += 1;
                continue;
            }
            if let Some(error) = error {
                report.first_not_admitted = Some(NotAdmitted {
                    seq,
                    event_id: id,
                    device_id: r.get(2)?,
                    kind,
                    actor,
                    occurred_at: occurred,
                    verdict: verdict.into(),
                    error,
                });
                break;
            }
            if let Some(seconds) = clock_behind(occurred_at, replay.latest) {
                report.clock_behind_count += 1;
                if report.clock_behind.len() < CLOCK_BEHIND_LISTED {
                    report.clock_behind.push(ClockBehind { seq, event_id: id, seconds });
                }
            }
            replay.apply(&body, &meta);
            report.replayed += 1;
            if report.replayed % step == 0 && report.replayed < total {
                progress("rules", report.replayed, total);
            }
        }
        progress("rules", report.replayed, total);
        report.ok = report.first_not_admitted.is_none();
        Ok(report)
    }
}
