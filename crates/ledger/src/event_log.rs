//! How the log is stored (migration 14). `event_log` holds each event with its hashes as their
//! 32 bytes and its device, actor and subject as references into `event_names`, which holds
//! each such id once; the view `events` spells every field out as the chain names it (hex
//! hashes, the ids' text), so everything that reads the log reads `events` as before.
//! Appending goes through `append` here. The view's INSTEAD OF triggers route any other write
//! to `events` to `event_log`, whose append-only triggers refuse it.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// One event as the chain names its fields.
pub struct LogRow<'a> {
    pub id: &'a str,
    pub device_id: &'a str,
    pub device_seq: i64,
    pub prev_hash: &'a str,
    pub hash: &'a str,
    pub actor: &'a str,
    pub occurred_at: &'a str,
    pub kind: &'a str,
    pub payload: &'a str,
    pub schema_version: i64,
    pub subject_id: Option<&'a str>,
}

/// Appends an event; returns its `seq`. Fails (a constraint) on an id or a device position
/// the log holds already.
pub fn append(conn: &Connection, e: &LogRow<'_>) -> Result<i64> {
    let device = name_ref(conn, e.device_id)?;
    let actor = name_ref(conn, e.actor)?;
    let subject = e.subject_id.map(|s| name_ref(conn, s)).transpose()?;
    conn.prepare_cached(
        "INSERT INTO event_log (id, device, device_seq, prev_hash, hash, actor, occurred_at, kind, payload, schema_version, subject)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        e.id,
        device,
        e.device_seq,
        stored_hash(e.prev_hash),
        stored_hash(e.hash),
        actor,
        e.occurred_at,
        e.kind,
        e.payload,
        e.schema_version,
        subject
    ])?;
    Ok(conn.last_insert_rowid())
}

/// A hash as stored: its 32 bytes when it is 64 lower-case hex digits (every hash the core
/// computes), which the view turns back into the same text; anything else as the text it is,
/// so that nothing is changed on the way in (the chain check then names it).
fn stored_hash(hex_text: &str) -> rusqlite::types::Value {
    let canonical = hex_text.len() == 64 && hex_text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    match canonical.then(|| hex::decode(hex_text).ok()).flatten() {
        Some(bytes) => rusqlite::types::Value::Blob(bytes),
        None => rusqlite::types::Value::Text(hex_text.to_string()),
    }
}

/// The reference of a device, user or subject id, added the first time it is named.
fn name_ref(conn: &Connection, name: &str) -> Result<i64> {
    if let Some(r) = conn
        .prepare_cached("SELECT ref FROM event_names WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?
    {
        return Ok(r);
    }
    conn.prepare_cached("INSERT INTO event_names (name) VALUES (?1)")?.execute([name])?;
    Ok(conn.last_insert_rowid())
}

/// The last position and hash of a device's chain (`None` before its first event).
pub fn chain_head(conn: &Connection, device_id: &str) -> Result<Option<(i64, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT l.device_seq, CASE typeof(l.hash) WHEN 'blob' THEN lower(hex(l.hash)) ELSE l.hash END
               FROM event_names d JOIN event_log l ON l.device = d.ref
              WHERE d.name = ?1 ORDER BY l.device_seq DESC LIMIT 1",
        )?
        .query_row([device_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_canonical_hash_is_stored_as_bytes() {
        let h = "9c5d0734c9cca90b449ad737cbe27d32d1c78942347a4831177cc471d5c222bd";
        assert!(matches!(stored_hash(h), rusqlite::types::Value::Blob(b) if b.len() == 32));
        for odd in [&h.to_uppercase()[..], &h[..62], "zz", ""] {
            assert_eq!(stored_hash(odd), rusqlite::types::Value::Text(odd.to_string()));
        }
    }
}
