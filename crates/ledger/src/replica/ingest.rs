//! Pulled events: each checked (its hash is its fields', its payload canonical and readable,
//! an event held here has the same hash) and stored with the server's outcome and
//! `server_seq`, a page in one transaction with the cursor, so a page is kept whole or not at
//! all and the cursor never passes an event not kept.
//!
//! Signatures of other devices' events are not checked here: a replica does not hold their
//! keys, and trusts the server it reaches over pinned TLS (or loopback) for them; the server
//! checked every signature on push (docs/sync.md).

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use taizhang_core::chain::{canonical_json, parse_instant};
use taizhang_core::{EventBody, EventMeta};
use taizhang_protocol::sign::recompute_hash;
use taizhang_protocol::{Cursor, PulledEvent};

use crate::error::{LedgerError, Result};
use crate::event_log::{self, LogRow};
use crate::Ledger;

/// What ingesting one page did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PullOutcome {
    /// Events new to this file.
    pub received: usize,
    /// This device's pending events the page settled (a push whose reply was lost).
    pub settled: usize,
    /// Events already held with the same outcome.
    pub known: usize,
    pub refolded: bool,
}

impl Ledger {
    /// Stores one pulled page and moves the cursor to `next`, then brings the projections to
    /// the fold of the new state (on top when it can, folded again from the start otherwise).
    pub fn ingest_pulled(&mut self, events: &[PulledEvent], next: Cursor, high_water: i64) -> Result<PullOutcome> {
        self.replica()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        crate::output::check_same_file(self.path.as_deref(), self.identity.as_ref())?;
        let top_applied: i64 =
            tx.query_row("SELECT coalesce(max(server_seq), 0) FROM replica_events WHERE state = 'applied'", [], |r| {
                r.get(0)
            })?;
        let pending_before: i64 =
            tx.query_row("SELECT count(*) FROM replica_events WHERE state = 'pending'", [], |r| r.get(0))?;
        let mut out = PullOutcome::default();
        let mut on_top = Vec::new();
        let mut refold = false;
        for p in events {
            let e = &p.event;
            let invalid =
                |reason: &str| LedgerError::PulledEventInvalid { event_id: e.id.clone(), reason: reason.into() };
            if !matches!(p.outcome.as_str(), "applied" | "no_effect" | "refused") || p.server_seq < 1 {
                return Err(invalid("an unknown outcome or server_seq"));
            }
            if recompute_hash(e) != e.hash {
                return Err(invalid("its hash is not its fields'"));
            }
            let value: serde_json::Value =
                serde_json::from_str(&e.payload).map_err(|_| invalid("its payload is not JSON"))?;
            let occurred_at = parse_instant(&e.occurred_at);
            let Some(occurred_at) = occurred_at.filter(|_| canonical_json(&value) == e.payload) else {
                return Err(invalid("its payload or time is not in canonical form"));
            };
            let body =
                EventBody::from_parts(&e.kind, value).map_err(|_| invalid("an event kind this program cannot read"))?;
            let held: Option<String> = tx
                .prepare_cached("SELECT hash FROM events WHERE id = ?1")?
                .query_row([&e.id], |r| r.get(0))
                .optional()?;
            match held {
                Some(hash) if hash != e.hash => return Err(invalid("another event with this id is held here")),
                Some(_) => {
                    let (state, seq): (String, Option<i64>) = tx
                        .prepare_cached("SELECT state, server_seq FROM replica_events WHERE event_id = ?1")?
                        .query_row([&e.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                    if state == "pending" {
                        tx.execute(
                            "UPDATE replica_events SET state = ?2, server_seq = ?3, reason = ?4, flag = ?5 WHERE event_id = ?1",
                            params![e.id, p.outcome, p.server_seq, p.reason.as_ref().map(|r| r.to_string()), p.flag],
                        )?;
                        out.settled += 1;
                        refold = true;
                    } else if state != p.outcome || seq != Some(p.server_seq) {
                        return Err(invalid("the server's outcome differs from the one recorded"));
                    } else {
                        out.known += 1;
                    }
                }
                None => {
                    let subject = body.subject_id();
                    let row = LogRow {
                        id: &e.id,
                        device_id: &e.device_id,
                        device_seq: e.device_seq,
                        prev_hash: &e.prev_hash,
                        hash: &e.hash,
                        actor: &e.actor,
                        occurred_at: &e.occurred_at,
                        kind: &e.kind,
                        payload: &e.payload,
                        schema_version: e.schema_version,
                        subject_id: subject.as_deref(),
                    };
                    event_log::append(&tx, &row)
                        .map_err(|_| invalid("it collides with an event held here (same device and sequence)"))?;
                    tx.prepare_cached(
                        "INSERT INTO replica_events (event_id, state, server_seq, reason, flag) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![e.id, p.outcome, p.server_seq, p.reason.as_ref().map(|r| r.to_string()), p.flag])
                    .map_err(|_| invalid("its server_seq is held here for another event"))?;
                    out.received += 1;
                    if p.outcome == "applied" {
                        on_top.push((p.server_seq, body, EventMeta { actor: e.actor.clone(), occurred_at }));
                    }
                }
            }
        }
        on_top.sort_unstable_by_key(|(seq, ..)| *seq);
        // On top only above everything folded and with nothing pending beneath which they
        // would have to go; otherwise the fold order changed and everything is folded again.
        refold |= !on_top.is_empty() && (pending_before > 0 || on_top[0].0 <= top_applied);
        if refold {
            super::fold::refold(&tx)?;
        } else if !on_top.is_empty() {
            super::fold::fold_on_top(&tx, &on_top)?;
        }
        tx.execute(
            "UPDATE replica SET cursor_after = ?1, cursor_after_event = ?2, high_water = ?3",
            params![next.after, next.after_event, high_water],
        )?;
        tx.commit()?;
        if refold || !on_top.is_empty() {
            self.cache.borrow_mut().clear();
        }
        out.refolded = refold;
        Ok(out)
    }

    /// The pull cursor this replica resumes from.
    pub fn pull_cursor(&self) -> Result<Cursor> {
        let r = self.replica()?;
        Ok(Cursor { after: r.cursor_after, after_event: r.cursor_after_event })
    }
}
