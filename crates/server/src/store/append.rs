//! The one appender. `Appender::lock` takes a transaction-scoped advisory lock, so appends are
//! serialized and `server_seq` (max + 1 under the lock, no gaps) is commit order: a reader
//! polling `server_seq > N` can never pass over a row that commits later with a lower number.
//! Every accepted event goes through `append`: re-decided with the core, folded when applied,
//! chained, stored.

use chrono::{DateTime, Utc};
use postgres::Transaction;
use taizhang_core::admit::{admit, AdmitContext};
use taizhang_core::calendar::Calendar;
use taizhang_core::chain::GENESIS_HASH;
use taizhang_core::event::EVENT_SCHEMA_VERSION;
use taizhang_core::{DomainError, EventBody, EventMeta, Settings};

use crate::error::{reason_json, Result};
use crate::protocol::{EventOutcome, WireEvent};
use crate::sign::chain_link;
use crate::store::{fold, world};
use crate::verdict::{outcome as outcome_of, Verdict};

/// Key of the appender's advisory lock (the schema migration uses (7242, 1)).
const APPEND_LOCK: (i32, i32) = (7242, 2);

/// Why an event is stored without being decided or folded.
pub enum Precheck {
    /// Decide it with the core.
    Decide,
    /// Already decided by the core in this transaction (the office's own commands).
    Decided,
    /// Stored as refused, with this reason and flag, without asking the core.
    Refuse { code: &'static str, flag: &'static str },
}

pub struct Appender {
    last_seq: i64,
    last_chain: String,
    now: DateTime<Utc>,
    context: Option<(Calendar, Settings)>,
}

impl Appender {
    /// Waits for the append lock, then reads the head of the server chain.
    pub fn lock(tx: &mut Transaction<'_>, now: DateTime<Utc>) -> Result<Appender> {
        tx.execute("SELECT pg_advisory_xact_lock($1, $2)", &[&APPEND_LOCK.0, &APPEND_LOCK.1])?;
        let head = tx.query_opt("SELECT server_seq, chain_hash FROM events ORDER BY server_seq DESC LIMIT 1", &[])?;
        let (last_seq, last_chain) = head.map_or((0, GENESIS_HASH.to_string()), |r| (r.get(0), r.get(1)));
        Ok(Appender { last_seq, last_chain, now, context: None })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Stores one verified event (signature and device chain already checked) with its outcome.
    pub fn append(&mut self, tx: &mut Transaction<'_>, ev: &WireEvent, pre: Precheck) -> Result<EventOutcome> {
        let server_seq = self.last_seq + 1;
        let parsed = parse(ev);
        let verdict = match (&pre, &parsed) {
            (Precheck::Refuse { .. }, _) => None,
            (_, Err(e)) => Some(Verdict::Refused(e.clone())),
            (Precheck::Decided, Ok(_)) => Some(Verdict::Admitted),
            (Precheck::Decide, Ok((body, meta))) => {
                if self.context.is_none() {
                    self.context = Some(world::context(tx)?);
                }
                let latest = device_latest(tx, ev)?;
                let (calendar, settings) = self.context.as_ref().expect("just read");
                let ctx = AdmitContext {
                    calendar,
                    settings,
                    position: (server_seq - 1) as u64,
                    latest,
                    received_at: Some(self.now),
                };
                let w = world::PgWorld::new(tx);
                let v = admit(body, meta, &ctx, &w);
                w.into_result()?;
                Some(v)
            }
        };
        let (outcome, reason, flag) = match (&pre, &verdict) {
            (Precheck::Refuse { code, flag }, _) => ("refused", Some(serde_json::json!({ "code": code })), *flag),
            (_, Some(v)) => (outcome_of(v), v.error().map(reason_json), ""),
            (_, None) => unreachable!("a verdict unless refused up front"),
        };
        let reason_code = reason.as_ref().and_then(|r| r["code"].as_str()).unwrap_or("").to_string();
        let (problem_id, enterprise_id, township_id) = match &parsed {
            Ok((body, _)) => fold::scope(tx, body)?,
            Err(_) => (None, None, None),
        };
        if let (Some(Verdict::Admitted), Ok((body, meta))) = (&verdict, &parsed) {
            fold::apply(tx, body, meta, server_seq)?;
            if matches!(
                body,
                EventBody::CalendarYearSet { .. }
                    | EventBody::CalendarDaySet { .. }
                    | EventBody::SettingsChanged { .. }
            ) {
                self.context = None;
            }
        }
        let chain = chain_link(&self.last_chain, server_seq, &ev.hash, outcome, &reason_code, flag);
        tx.execute(
            "INSERT INTO events (server_seq, id, device_id, device_seq, prev_hash, hash, actor, occurred_at, kind,
                 schema_version, payload, sig_alg, sig, received_at, chain_hash, outcome, reason, reason_code, flag,
                 problem_id, enterprise_id, township_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
            &[
                &server_seq, &ev.id, &ev.device_id, &ev.device_seq, &ev.prev_hash, &ev.hash, &ev.actor, &ev.occurred_at,
                &ev.kind, &ev.schema_version, &ev.payload, &ev.sig_alg, &ev.sig, &self.now, &chain, &outcome, &reason,
                &reason_code, &flag, &problem_id, &enterprise_id, &township_id,
            ],
        )?;
        tx.execute(
            "UPDATE devices SET last_seq = $2, last_hash = $3 WHERE id = $1",
            &[&ev.device_id, &ev.device_seq, &ev.hash],
        )?;
        self.last_seq = server_seq;
        self.last_chain = chain;
        Ok(EventOutcome {
            id: ev.id.clone(),
            device_seq: ev.device_seq,
            server_seq,
            outcome: outcome.to_string(),
            reason,
            flag: (!flag.is_empty()).then(|| flag.to_string()),
        })
    }
}

/// The event's body and meta, or why it cannot be read: a payload that is not JSON of a known
/// kind, a schema newer than this server's core, or a time that is not an instant.
fn parse(ev: &WireEvent) -> std::result::Result<(EventBody, EventMeta), DomainError> {
    let unreadable = |why: &str| DomainError::invalid("event", why);
    if ev.schema_version > EVENT_SCHEMA_VERSION as i64 || ev.schema_version < 1 {
        return Err(unreadable("schema_version this server does not know"));
    }
    let payload: serde_json::Value =
        serde_json::from_str(&ev.payload).map_err(|_| unreadable("payload is not JSON"))?;
    let body = EventBody::from_parts(&ev.kind, payload).map_err(|_| unreadable("unknown kind or payload shape"))?;
    let occurred_at = DateTime::parse_from_rfc3339(&ev.occurred_at)
        .map_err(|_| unreadable("occurred_at is not an RFC 3339 instant"))?
        .with_timezone(&Utc);
    Ok((body, EventMeta { actor: ev.actor.clone(), occurred_at }))
}

/// The time of the device's previous event: the core's time rule reads "the latest event
/// before this one" as the device's own history. Devices' clocks differ and an offline device's
/// acts arrive late, so the district's latest time would refuse honest late arrivals; order
/// across devices is `server_seq`, and the problem-level rule (no act before its problem's
/// latest event) is the core's own.
fn device_latest(tx: &mut Transaction<'_>, ev: &WireEvent) -> Result<Option<DateTime<Utc>>> {
    let row = tx.query_opt(
        "SELECT occurred_at FROM events WHERE device_id = $1 AND device_seq = $2",
        &[&ev.device_id, &(ev.device_seq - 1)],
    )?;
    Ok(row.and_then(|r| DateTime::parse_from_rfc3339(r.get::<_, &str>(0)).ok()).map(|t| t.with_timezone(&Utc)))
}

/// An outcome as stored, for the reply to a retried event.
pub fn stored_outcome(row: &postgres::Row) -> EventOutcome {
    let flag: String = row.get("flag");
    EventOutcome {
        id: row.get("id"),
        device_seq: row.get("device_seq"),
        server_seq: row.get("server_seq"),
        outcome: row.get("outcome"),
        reason: row.get("reason"),
        flag: (!flag.is_empty()).then_some(flag),
    }
}
