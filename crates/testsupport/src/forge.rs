//! Forging history the way someone with the file and this program's source could: events
//! appended with `sqlite3`, bypassing `decide`, with the right previous hash and a valid hash.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use taizhang_core::chain::{canonical_json, event_hash, format_instant, ChainFields, GENESIS_HASH};
use taizhang_core::event::EVENT_SCHEMA_VERSION;
use taizhang_core::EventBody;

/// Appends `body` at the end of `device`'s chain, as `actor` at `at`, with a correct hash; at
/// ledger position `seq` when given (else the next). Returns the event's `seq`.
pub fn forge(
    conn: &Connection,
    seq: Option<i64>,
    device: &str,
    actor: &str,
    at: DateTime<Utc>,
    body: &EventBody,
) -> i64 {
    let (last, prev): (i64, String) = conn
        .query_row(
            "SELECT device_seq, hash FROM events WHERE device_id = ?1 ORDER BY device_seq DESC LIMIT 1",
            [device],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .unwrap()
        .unwrap_or((0, GENESIS_HASH.into()));
    let (kind, payload) = body.to_parts();
    let payload = canonical_json(&payload);
    let id = format!("forged-{}-{}", device, last + 1);
    let occurred = format_instant(at);
    let schema_version = EVENT_SCHEMA_VERSION as i64;
    let hash = event_hash(&ChainFields {
        id: &id,
        device_id: device,
        device_seq: last + 1,
        prev_hash: &prev,
        actor,
        occurred_at: &occurred,
        kind: &kind,
        schema_version,
        payload: &payload,
    });
    conn.execute(
        "INSERT INTO events (seq, id, device_id, device_seq, prev_hash, hash, actor, occurred_at, kind, payload, schema_version, subject_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![seq, id, device, last + 1, prev, hash, actor, occurred, kind, payload, schema_version, body.subject_id()],
    )
    .unwrap();
    // `events` is a view whose trigger appends to `event_log` (migration 14): the row's seq is
    // read back, since `last_insert_rowid` does not outlive the trigger.
    conn.query_row("SELECT seq FROM events WHERE id = ?1", [&id], |r| r.get(0)).unwrap()
}
