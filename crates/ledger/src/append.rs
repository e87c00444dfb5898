//! Appending to the chain: the stored event, the append of one event and its fold into the
//! projections (called only by the write path, `write.rs`, and the genesis `bootstrap`).

use chrono::{DateTime, SubsecRound, Utc};
use rusqlite::{Transaction, TransactionBehavior};
use serde::Serialize;
use taizhang_core::chain::{canonical_json, event_hash, format_instant, ChainFields, GENESIS_HASH};
use taizhang_core::event::EVENT_SCHEMA_VERSION;
use taizhang_core::*;

use crate::error::{LedgerError, Result};
use crate::event_log::{self, LogRow};
use crate::project::Projector;
use crate::Ledger;

/// An event as stored. What it serializes to (the CLI's `--json`, the app's answer to a
/// command) carries no password hash: see `redact_secrets`.
#[derive(Debug, Clone, PartialEq, ts_rs::TS)]
#[ts(export)]
pub struct StoredEvent {
    #[ts(type = "number")]
    pub seq: i64,
    pub id: String,
    pub device_id: String,
    #[ts(type = "number")]
    pub device_seq: i64,
    pub prev_hash: String,
    pub hash: String,
    pub actor: String,
    pub occurred_at: DateTime<Utc>,
    pub kind: String,
    pub payload: serde_json::Value,
    #[ts(type = "number")]
    pub schema_version: i64,
}

/// What stands for a password hash in anything shown or handed out.
pub const REDACTED: &str = "[redacted]";

/// A payload with every `password_hash` that holds a hash replaced by `REDACTED` (a cleared
/// password stays `null`). A hash lets anyone who reads it test guesses offline, and no
/// reader of an event needs it: only sign-in does, from the users table.
pub fn redact_secrets(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| match v {
                    Value::String(_) if k == "password_hash" => (k.clone(), Value::String(REDACTED.into())),
                    _ => (k.clone(), redact_secrets(v)),
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(redact_secrets).collect()),
        other => other.clone(),
    }
}

impl Serialize for StoredEvent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("StoredEvent", 11)?;
        st.serialize_field("seq", &self.seq)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("device_id", &self.device_id)?;
        st.serialize_field("device_seq", &self.device_seq)?;
        st.serialize_field("prev_hash", &self.prev_hash)?;
        st.serialize_field("hash", &self.hash)?;
        st.serialize_field("actor", &self.actor)?;
        st.serialize_field("occurred_at", &self.occurred_at)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("payload", &redact_secrets(&self.payload))?;
        st.serialize_field("schema_version", &self.schema_version)?;
        st.end()
    }
}

impl StoredEvent {
    pub fn body(&self) -> Result<EventBody> {
        Ok(EventBody::from_parts(&self.kind, self.payload.clone())?)
    }
    pub fn meta(&self) -> EventMeta {
        EventMeta { actor: self.actor.clone(), occurred_at: self.occurred_at }
    }
}

/// Appends one event to this device's chain and folds it into the projections.
pub(crate) fn append(
    tx: &Transaction<'_>,
    projector: &mut Projector,
    device_id: &str,
    actor: &str,
    now: DateTime<Utc>,
    body: &EventBody,
) -> Result<StoredEvent> {
    // The log keeps instants to the microsecond (`format_instant`); the fold must see the
    // instant the log holds, or the projections keep nanoseconds a rebuild cannot know.
    let now = now.trunc_subsecs(6);
    let (last_seq, prev_hash) = event_log::chain_head(tx, device_id)?.unwrap_or((0, GENESIS_HASH.to_string()));
    let (kind, payload) = body.to_parts();
    let payload_text = canonical_json(&payload);
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, now.timestamp() as u64, now.timestamp_subsec_nanos());
    let id = uuid::Uuid::new_v7(ts).to_string();
    let occurred = format_instant(now);
    let device_seq = last_seq + 1;
    let schema_version = EVENT_SCHEMA_VERSION as i64;
    let hash = event_hash(&ChainFields {
        id: &id,
        device_id,
        device_seq,
        prev_hash: &prev_hash,
        actor,
        occurred_at: &occurred,
        kind: &kind,
        schema_version,
        payload: &payload_text,
    });
    let subject = body.subject_id();
    // The event's own row id, read before the projector inserts rows of its own (a unit, a
    // visit, a calendar day…).
    let seq = event_log::append(
        tx,
        &LogRow {
            id: &id,
            device_id,
            device_seq,
            prev_hash: &prev_hash,
            hash: &hash,
            actor,
            occurred_at: &occurred,
            kind: &kind,
            payload: &payload_text,
            schema_version,
            subject_id: subject.as_deref(),
        },
    )?;
    // On a replica it waits in the outbox, folded on top of the server's applied events.
    if crate::replica_log::is_replica(tx)? {
        crate::replica_log::mark_pending(tx, &id)?;
    }
    let meta = EventMeta { actor: actor.to_string(), occurred_at: now };
    projector.apply(tx, body, &meta)?;
    Ok(StoredEvent {
        seq,
        id,
        device_id: device_id.to_string(),
        device_seq,
        prev_hash,
        hash,
        actor: actor.to_string(),
        occurred_at: now,
        kind,
        payload,
        schema_version,
    })
}

impl Ledger {
    /// The genesis of a ledger: the office, its `admin`, the built-in calendar years and the
    /// default settings. No user exists yet to decide these, so they are appended directly,
    /// with `admin` as the actor.
    pub(crate) fn bootstrap(&mut self, now: DateTime<Utc>) -> Result<()> {
        let device = self.device_id.clone();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing: i64 = tx.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
        if existing > 0 {
            return Err(LedgerError::AlreadyExists { path: "ledger already initialized".into() });
        }
        let ledger_id: String = tx.query_row("SELECT value FROM meta WHERE key = 'ledger_id'", [], |r| r.get(0))?;
        let office_id = new_id(now);
        let admin_id = new_id(now);
        let bodies = taizhang_core::genesis::genesis_events(&ledger_id, &office_id, &admin_id);
        let mut projector = Projector::begin(&tx)?;
        for body in &bodies {
            append(&tx, &mut projector, &device, &admin_id, now, body)?;
        }
        projector.finish(&tx)?;
        tx.commit()?;
        self.cache.borrow_mut().clear();
        Ok(())
    }
}

/// A UUIDv7 whose time part is `now`, so ids sort by when the thing was made.
pub fn new_id(now: DateTime<Utc>) -> String {
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, now.timestamp().max(0) as u64, now.timestamp_subsec_nanos());
    uuid::Uuid::new_v7(ts).to_string()
}
