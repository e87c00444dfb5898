//! Becoming a replica and what the file knows of its server: address, pinned certificate,
//! device, cursor, last sync, and the events the server did not apply.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use taizhang_core::chain::format_instant;

use crate::error::{LedgerError, Result};
use crate::Ledger;

/// What a replica records when it joins (the device is registered on the server first).
#[derive(Debug, Clone)]
pub struct Joined {
    /// The device id the server registered: becomes this file's device (`meta.device_id`).
    pub device_id: String,
    pub server_url: String,
    pub fingerprint: Option<String>,
    pub user_id: String,
    pub login: String,
    pub key_file: String,
    pub device_state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReplicaInfo {
    pub server_url: String,
    pub fingerprint: Option<String>,
    pub device_id: String,
    pub user_id: String,
    pub login: String,
    pub key_file: String,
    pub device_state: String,
    #[ts(type = "number")]
    pub cursor_after: i64,
    #[ts(type = "number")]
    pub cursor_after_event: i64,
    #[ts(type = "number")]
    pub high_water: i64,
    pub joined_at: String,
    pub last_sync_at: Option<String>,
    /// The server's own device and the hex of its Ed25519 public key: what a reply bundle's
    /// signature is checked with (learned at join or at the first sync).
    pub server_device: Option<String>,
    pub server_key: Option<String>,
}

/// An event the server decided not to apply, with its reason (`{code, ...fields}`).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SettledEvent {
    pub event_id: String,
    pub kind: String,
    pub subject_id: Option<String>,
    pub occurred_at: String,
    pub state: String,
    #[ts(type = "number")]
    pub server_seq: i64,
    #[ts(type = "Record<string, unknown> | null")]
    pub reason: Option<serde_json::Value>,
}

/// `taizhang sync status`: the replica, how many events wait, and this device's events the
/// server did not apply.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReplicaStatus {
    pub replica: ReplicaInfo,
    #[ts(type = "number")]
    pub pending: i64,
    #[ts(type = "number")]
    pub applied: i64,
    /// Reply bundles kept until the pages before them arrive (docs/bundles.md).
    #[ts(type = "number")]
    pub parked: i64,
    pub not_applied: Vec<SettledEvent>,
}

impl Ledger {
    /// Makes a new ledger file that is a replica of a district server: no genesis of its own
    /// (the district's comes with the first pull). A file that exists and is not empty is
    /// refused, so no history of another ledger is ever mixed into the district's.
    pub fn create_replica(path: &std::path::Path, joined: &Joined, now: DateTime<Utc>) -> Result<Ledger> {
        let conn = crate::file::create(path).map_err(|e| match e {
            LedgerError::AlreadyExists { path } => LedgerError::ReplicaNotFresh { path },
            e => e,
        })?;
        let mut ledger = Ledger::from_conn(conn, Some(path.to_path_buf()))?;
        ledger.become_replica(joined, now)?;
        Ok(ledger)
    }

    /// The replica row on a ledger with no events yet.
    fn become_replica(&mut self, joined: &Joined, now: DateTime<Utc>) -> Result<()> {
        let path = self.path_text();
        let device_id = joined.device_id.clone();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let events: i64 = tx.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
        if events > 0 || crate::replica_log::is_replica(&tx)? {
            return Err(LedgerError::ReplicaNotFresh { path });
        }
        // The device id the server knows this file's chain by.
        tx.execute("UPDATE meta SET value = ?1 WHERE key = 'device_id'", [&joined.device_id])?;
        tx.execute(
            "INSERT INTO replica (id, server_url, fingerprint, device_id, user_id, login, key_file, device_state, joined_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                joined.server_url,
                joined.fingerprint,
                device_id,
                joined.user_id,
                joined.login,
                joined.key_file,
                joined.device_state,
                format_instant(now)
            ],
        )?;
        tx.commit()?;
        self.device_id = device_id;
        Ok(())
    }

    pub(crate) fn path_text(&self) -> String {
        self.path.as_deref().map(|p| p.display().to_string()).unwrap_or_else(|| ":memory:".into())
    }

    /// The replica's state, or `sync.not_a_replica`.
    pub fn replica(&self) -> Result<ReplicaInfo> {
        self.conn
            .query_row(
                "SELECT server_url, fingerprint, device_id, user_id, login, key_file, device_state, cursor_after,
                        cursor_after_event, high_water, joined_at, last_sync_at, server_device, server_key FROM replica",
                [],
                |r| {
                    Ok(ReplicaInfo {
                        server_url: r.get(0)?,
                        fingerprint: r.get(1)?,
                        device_id: r.get(2)?,
                        user_id: r.get(3)?,
                        login: r.get(4)?,
                        key_file: r.get(5)?,
                        device_state: r.get(6)?,
                        cursor_after: r.get(7)?,
                        cursor_after_event: r.get(8)?,
                        high_water: r.get(9)?,
                        joined_at: r.get(10)?,
                        last_sync_at: r.get(11)?,
                        server_device: r.get(12)?,
                        server_key: r.get(13)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| LedgerError::NotAReplica { path: self.path_text() })
    }

    pub fn is_replica(&self) -> Result<bool> {
        crate::replica_log::is_replica(&self.conn)
    }

    /// The device's state as the server last said it.
    pub fn set_device_state(&mut self, state: &str) -> Result<()> {
        self.replica()?;
        self.conn.execute("UPDATE replica SET device_state = ?1", [state])?;
        Ok(())
    }

    /// Records the server's own device and public key as the server gives them. The first one
    /// is kept (trust on first use, over the pinned TLS of join or sync); a different one later
    /// is refused (`sync.server_key_changed`): replies signed by another key are not the
    /// district's.
    pub fn learn_server_key(&mut self, server_device: &str, server_key: &str) -> Result<()> {
        let r = self.replica()?;
        match (r.server_device.as_deref(), r.server_key.as_deref()) {
            (Some(d), Some(k)) if d == server_device && k == server_key => Ok(()),
            (Some(_), Some(_)) => Err(LedgerError::ServerKeyChanged { server_device: server_device.to_string() }),
            _ => {
                self.conn.execute(
                    "UPDATE replica SET server_device = ?1, server_key = ?2",
                    params![server_device, server_key],
                )?;
                Ok(())
            }
        }
    }

    /// Records a sync that pushed and pulled to the end. A failed one writes nothing: the file
    /// stays as it was (the CLI says why at once).
    pub fn record_sync(&mut self, now: DateTime<Utc>) -> Result<()> {
        self.replica()?;
        self.conn.execute("UPDATE replica SET last_sync_at = ?1", [format_instant(now)])?;
        Ok(())
    }

    pub fn replica_status(&self) -> Result<ReplicaStatus> {
        let replica = self.replica()?;
        let count = |state: &str| -> Result<i64> {
            Ok(self.conn.query_row("SELECT count(*) FROM replica_events WHERE state = ?1", [state], |r| r.get(0))?)
        };
        let mut st = self.conn.prepare(
            "SELECT e.id, e.kind, e.subject_id, e.occurred_at, r.state, r.server_seq, r.reason
             FROM replica_events r JOIN events e ON e.id = r.event_id
             WHERE r.state IN ('no_effect', 'refused') AND e.device_id = ?1 ORDER BY r.server_seq",
        )?;
        let not_applied = st
            .query_map([&replica.device_id], |r| {
                let reason: Option<String> = r.get(6)?;
                Ok(SettledEvent {
                    event_id: r.get(0)?,
                    kind: r.get(1)?,
                    subject_id: r.get(2)?,
                    occurred_at: r.get(3)?,
                    state: r.get(4)?,
                    server_seq: r.get(5)?,
                    reason: reason.and_then(|t| serde_json::from_str(&t).ok()),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ReplicaStatus {
            pending: count("pending")?,
            applied: count("applied")?,
            parked: self.parked_count()?,
            replica,
            not_applied,
        })
    }

    /// Where an event stands on a replica: `pending`, `applied`, `no_effect` or `refused`, with
    /// its reason; `None` for an event of a standalone ledger.
    pub fn replica_state_of(&self, event_id: &str) -> Result<Option<(String, Option<serde_json::Value>)>> {
        Ok(self
            .conn
            .query_row("SELECT state, reason FROM replica_events WHERE event_id = ?1", [event_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })
            .optional()?
            .map(|(s, reason)| (s, reason.and_then(|t| serde_json::from_str(&t).ok()))))
    }
}
