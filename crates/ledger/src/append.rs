//! The one write path: decide → append to the chain → fold into projections, in one
//! IMMEDIATE transaction. A refused command rolls back and leaves the file as it was.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use taizhang_core::calendar::builtin_years;
use taizhang_core::chain::{canonical_json, event_hash, format_instant, ChainFields, GENESIS_HASH};
use taizhang_core::event::EVENT_SCHEMA_VERSION;
use taizhang_core::workflow::{decide, Context};
use taizhang_core::*;

use crate::error::{LedgerError, Result};
use crate::read;
use crate::world::SqlWorld;
use crate::project::Projector;
use crate::Ledger;

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
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
    let meta = EventMeta { actor: actor.to_string(), occurred_at: now };
    projector.apply(tx, body, &meta)?;
    Ok(StoredEvent {
        seq: tx.last_insert_rowid(),
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
        let office = Unit {
            id: new_id(now),
            name: "区企业服务年办公室".into(),
            short_name: "办公室".into(),
            kind: UnitKind::Office,
            active: true,
        };
        let admin = User {
            id: new_id(now),
            login: "admin".into(),
            name: "管理员".into(),
            unit_id: office.id.clone(),
            role: Role::Office,
            active: true,
            password_hash: None,
        };
        let settings = Settings::default();
        let mut bodies = vec![
            EventBody::LedgerInitialized { ledger_id, district_name: settings.district_name.clone() },
            EventBody::UnitCreated { unit: office },
            EventBody::UserCreated { user: admin.clone() },
        ];
        bodies.extend(builtin_years().into_iter().map(|year| EventBody::CalendarYearSet { year }));
        bodies.push(EventBody::SettingsChanged { settings });
        let mut projector = Projector::begin(&tx)?;
        for body in &bodies {
            append(&tx, &mut projector, &device, &admin.id, now, body)?;
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
        let projector = std::cell::RefCell::new(Projector::begin(&tx).map_err(|e| (0, e))?);
        let result = (|| {
            for (i, cmd) in cmds.iter().enumerate() {
                let ctx = Context { now, calendar: &calendar, settings: &settings };
                let bodies = {
                    let world = SqlWorld::new(&tx, &projector);
                    let decided = decide(cmd, &actor, &ctx, &world);
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
