//! The one write path: decide → append to the chain → fold into projections, in one
//! IMMEDIATE transaction. A refused command rolls back and leaves the file as it was.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use taizhang_core::chain::{canonical_json, event_hash, format_instant, ChainFields, GENESIS_HASH};
use taizhang_core::event::EVENT_SCHEMA_VERSION;
use taizhang_core::admit::check_time;
use taizhang_core::workflow::{decide, Context, World};
use taizhang_core::*;

use crate::error::{LedgerError, Result};
use crate::read;
use crate::world::SqlWorld;
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
    let (last_seq, prev_hash): (i64, String) = tx
        .prepare_cached("SELECT device_seq, hash FROM events WHERE device_id = ?1 ORDER BY device_seq DESC LIMIT 1")?
        .query_row([device_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, GENESIS_HASH.to_string()));
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
    tx.prepare_cached(
        "INSERT INTO events (id, device_id, device_seq, prev_hash, hash, actor, occurred_at, kind, payload, schema_version, subject_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![id, device_id, device_seq, prev_hash, hash, actor, occurred, kind, payload_text, schema_version, body.subject_id()])?;
    // The event's own row id, read before the projector inserts rows of its own (a unit, a
    // visit, a calendar day…), after which `last_insert_rowid` names one of those instead.
    let seq = tx.last_insert_rowid();
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

    /// Runs a command as the user with this login (or id). The only write path.
    pub fn execute(&mut self, user: &str, cmd: &Command, now: DateTime<Utc>) -> Result<Vec<StoredEvent>> {
        self.execute_all(user, std::slice::from_ref(cmd), now)
    }

    /// Runs several commands in one transaction: all are recorded, or none (bulk assign, bulk
    /// urge). Each is decided against the state the previous ones left.
    pub fn execute_all(&mut self, user: &str, cmds: &[Command], now: DateTime<Utc>) -> Result<Vec<StoredEvent>> {
        let mut stored = Vec::new();
        self.run_batch(user, cmds, now, &mut |_, _| {}, &mut |e| stored.push(e)).map_err(|(_, e)| e)?;
        Ok(stored)
    }

    /// `execute_all` for long batches (imports): reports progress after each command, returns
    /// how many events were appended (not the events: a 100,000-row import would hold them all)
    /// and, when a command is refused, which one (its index) so the caller can name its row.
    pub fn execute_batch(
        &mut self,
        user: &str,
        cmds: &[Command],
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> std::result::Result<u64, (usize, LedgerError)> {
        let mut count = 0u64;
        self.run_batch(user, cmds, now, progress, &mut |_| count += 1)?;
        Ok(count)
    }

    fn run_batch(
        &mut self,
        user: &str,
        cmds: &[Command],
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(usize, usize),
        on_event: &mut dyn FnMut(StoredEvent),
    ) -> std::result::Result<(), (usize, LedgerError)> {
        let device = self.device_id.clone();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| (0, e.into()))?;
        // Inside the lock: a restore that swapped the file while this one waited is seen here.
        crate::output::check_same_file(self.path.as_deref(), self.identity.as_ref()).map_err(|e| (0, e))?;
        // Read inside the write lock, so what is cached is what this transaction sees.
        let cached = crate::context::Cached { conn: &tx, cache: &self.cache };
        let actor = cached.actor(user).map_err(|e| (0, e))?;
        let mut calendar = cached.calendar().map_err(|e| (0, e))?;
        let mut settings = cached.settings().map_err(|e| (0, e))?;
        let mut context_changed = false;
        // The time rule: read inside the write lock, so nothing can be appended in between.
        let latest = crate::clock::latest_event_time(&tx, &self.high_water, &taizhang_core::dates::DateRange::of(&settings)).map_err(|e| (0, e))?;
        let projector = std::cell::RefCell::new(Projector::begin(&tx).map_err(|e| (0, e))?);
        let result = (|| {
            for (i, cmd) in cmds.iter().enumerate() {
                let ctx = Context { now, calendar: &calendar, settings: &settings };
                let bodies = {
                    let world = SqlWorld::new(&tx, &projector);
                    // No act may be dated before the ledger's history (beyond the clock
                    // tolerance) or before the problem's own latest event, whatever clock
                    // `now` came from (`TAIZHANG_NOW` included).
                    let problem_latest = cmd.problem_id().and_then(|id| world.problem(id)).map(|p| p.updated_at);
                    let decided = check_time(now, latest, problem_latest, settings.clock_tolerance_seconds)
                        .and_then(|()| decide(cmd, &actor, &ctx, &world));
                    // A failed read comes first: what was decided on it is not to be trusted.
                    world.into_result().map_err(|e| (i, e))?;
                    decided.map_err(|e| (i, e.into()))?
                };
                for body in &bodies {
                    on_event(append(&tx, &mut projector.borrow_mut(), &device, &actor.user.id, now, body).map_err(|e| (i, e))?);
                }
                context_changed |= bodies.iter().any(crate::context::changes_context);
                // Calendar and settings commands change the context of the ones after them.
                if bodies.iter().any(|b| matches!(b, EventBody::CalendarYearSet { .. } | EventBody::CalendarDaySet { .. } | EventBody::SettingsChanged { .. })) {
                    calendar = std::sync::Arc::new(read::calendar(&tx).map_err(|e| (i, e))?);
                    settings = std::sync::Arc::new(read::settings(&tx).map_err(|e| (i, e))?);
                }
                progress(i + 1, cmds.len());
            }
            Ok(())
        })();
        let result = result
            .and_then(|()| projector.into_inner().finish(&tx).map_err(|e| (cmds.len(), e)))
            .and_then(|()| tx.commit().map_err(|e| (cmds.len(), e.into())));
        if context_changed {
            self.cache.borrow_mut().clear();
        }
        result
    }
}

/// A UUIDv7 whose time part is `now`, so ids sort by when the thing was made.
pub fn new_id(now: DateTime<Utc>) -> String {
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, now.timestamp().max(0) as u64, now.timestamp_subsec_nanos());
    uuid::Uuid::new_v7(ts).to_string()
}
