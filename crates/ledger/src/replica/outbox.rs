//! The outbox: this device's pending events, oldest first, as the server will hash them, and
//! the server's outcomes for them.

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use taizhang_protocol::{EventOutcome, WireEvent};

use crate::error::{LedgerError, Result};
use crate::Ledger;

/// A pending event as it goes on the wire: every field exactly as hashed. The sync client
/// signs it with the device's key (`sig_alg` and `sig` are empty here).
pub type OutboxEvent = WireEvent;

/// What recording a push's outcomes did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PushRecord {
    pub applied: usize,
    pub no_effect: usize,
    pub refused: usize,
    /// Whether the projections were folded again (an event was undone or reordered).
    pub refolded: bool,
}

impl Ledger {
    /// This device's pending events in device order, at most `limit`.
    pub fn pending_events(&self, limit: usize) -> Result<Vec<OutboxEvent>> {
        self.replica()?;
        let mut st = self.conn.prepare(
            "SELECT e.id, e.device_id, e.device_seq, e.prev_hash, e.hash, e.actor, e.occurred_at, e.kind, e.schema_version, e.payload
             FROM replica_events r JOIN events e ON e.id = r.event_id
             WHERE r.state = 'pending' AND e.device_id = ?1 ORDER BY e.device_seq LIMIT ?2",
        )?;
        let rows = st.query_map(params![self.device_id, limit as i64], |r| {
            Ok(WireEvent {
                id: r.get(0)?,
                device_id: r.get(1)?,
                device_seq: r.get(2)?,
                prev_hash: r.get(3)?,
                hash: r.get(4)?,
                actor: r.get(5)?,
                occurred_at: r.get(6)?,
                kind: r.get(7)?,
                schema_version: r.get(8)?,
                payload: r.get(9)?,
                sig_alg: String::new(),
                sig: String::new(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn pending_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM replica_events WHERE state = 'pending'", [], |r| r.get(0))?)
    }

    /// Records the server's outcomes for pushed events, in one transaction. An event not
    /// applied is undone: the projections are folded again without it (it stays in the log,
    /// and in `replica_status`, with its reason). An outcome for an event already settled must
    /// be the one recorded (a push's reply is the same on every retry).
    pub fn record_push_outcomes(&mut self, outcomes: &[EventOutcome]) -> Result<PushRecord> {
        self.replica()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        crate::output::check_same_file(self.path.as_deref(), self.identity.as_ref())?;
        let top_applied: i64 =
            tx.query_row("SELECT coalesce(max(server_seq), 0) FROM replica_events WHERE state = 'applied'", [], |r| {
                r.get(0)
            })?;
        let mut record = PushRecord::default();
        let mut refold = false;
        for o in outcomes {
            let held: Option<(String, Option<i64>)> = tx
                .query_row("SELECT state, server_seq FROM replica_events WHERE event_id = ?1", [&o.id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            let invalid =
                |reason: &str| LedgerError::PulledEventInvalid { event_id: o.id.clone(), reason: reason.into() };
            let Some((state, server_seq)) = held else {
                return Err(invalid("an outcome for an event this file does not hold"));
            };
            if !matches!(o.outcome.as_str(), "applied" | "no_effect" | "refused") {
                return Err(invalid("an unknown outcome"));
            }
            match o.outcome.as_str() {
                "applied" => record.applied += 1,
                "no_effect" => record.no_effect += 1,
                _ => record.refused += 1,
            }
            if state != "pending" {
                if state != o.outcome || server_seq != Some(o.server_seq) {
                    return Err(invalid("the server's outcome differs from the one recorded"));
                }
                continue;
            }
            tx.execute(
                "UPDATE replica_events SET state = ?2, server_seq = ?3, reason = ?4, flag = ?5 WHERE event_id = ?1",
                params![o.id, o.outcome, o.server_seq, o.reason.as_ref().map(|r| r.to_string()), o.flag],
            )?;
            // Folded as pending on top; it stays in place only when applied above every
            // applied event folded so far.
            refold |= o.outcome != "applied" || o.server_seq <= top_applied;
        }
        if refold {
            super::fold::refold(&tx)?;
        }
        tx.commit()?;
        if refold {
            self.cache.borrow_mut().clear();
        }
        record.refolded = refold;
        Ok(record)
    }
}
