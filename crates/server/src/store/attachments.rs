//! Attachments on the server (docs/attachments.md): files kept once per SHA-256 as the desks
//! upload them (the hash is computed here, the kind and size checked by the core's rule),
//! which stored event names which file, and a download allowed to a device whose user may see
//! one of the events naming it (the scope of a pull: the office and leaders everything, a
//! township its own, a department the problems it was ever given, everyone what they did).

use base64::Engine;
use chrono::{DateTime, Utc};
use postgres::types::Type;
use postgres::{Client, GenericClient};
use taizhang_core::attachment::describe;
use taizhang_core::{EventBody, Role};

use super::reads::Reads;
use super::DeviceRow;
use crate::error::{Result, ServerError};
use crate::protocol::{AttachmentFile, WireEvent};

/// The files a pushed event names (none when its payload does not read: the appender refuses it).
pub fn named(ev: &WireEvent) -> Vec<taizhang_core::attachment::Attachment> {
    serde_json::from_str(&ev.payload)
        .ok()
        .and_then(|v| EventBody::from_parts(&ev.kind, v).ok())
        .map(|b| b.attachments().to_vec())
        .unwrap_or_default()
}

/// Of `sha256`, those the server does not hold.
pub fn missing<C: GenericClient>(c: &mut C, sha256: &[String]) -> Result<Vec<String>> {
    let held: Vec<String> = c
        .query("SELECT sha256 FROM attachments WHERE sha256 = ANY($1)", &[&sha256])?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out: Vec<String> = sha256.iter().filter(|s| !held.contains(s)).cloned().collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// Asks, as a part of the push's combined read, which of these files the server holds: a row
/// of part `held` for each, keyed by its SHA-256.
pub fn ask_held(reads: &mut Reads, sha256: Vec<String>) {
    reads.add(
        "SELECT 'held', sha256, '' FROM attachments WHERE sha256 = ANY($1)",
        vec![(Box::new(sha256), Type::TEXT_ARRAY)],
    );
}

/// Keeps an uploaded file under the hash of its bytes, which must be the hash it was sent as.
pub fn upload(c: &mut Client, device: &DeviceRow, file: &AttachmentFile, now: DateTime<Utc>) -> Result<()> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&file.data)
        .map_err(|e| ServerError::malformed(format!("attachment data: {e}")))?;
    let blob = describe("", bytes)?;
    if blob.attachment.sha256 != file.sha256 || blob.attachment.media_type != file.media_type {
        return Err(ServerError::AttachmentMismatch { sha256: file.sha256.clone() });
    }
    c.execute(
        "INSERT INTO attachments (sha256, media_type, size, bytes, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING",
        &[&file.sha256, &file.media_type, &(blob.attachment.size as i64), &blob.bytes, &device.id, &now],
    )?;
    Ok(())
}

/// A file for a device whose user may see an event naming it; the same answer whether the
/// server lacks it or the device may not read it.
pub fn download(c: &mut Client, device: &DeviceRow, sha256: &str) -> Result<AttachmentFile> {
    let not_found = || ServerError::AttachmentNotFound { sha256: sha256.to_string() };
    let user_id = device.user_id.clone().ok_or_else(not_found)?;
    let user: taizhang_core::User = c
        .query_opt("SELECT body FROM users WHERE id = $1", &[&user_id])?
        .map(|r| super::body(&r, "user"))
        .transpose()?
        .ok_or_else(not_found)?;
    let actor = super::devices::actor(c, user)?;
    taizhang_core::workflow::actor_may_act(&actor)?;
    let everything = matches!(actor.user.role, Role::Office | Role::Leader);
    let visible: bool = c
        .query_one(
            "SELECT EXISTS (
                 SELECT 1 FROM attachment_refs r JOIN events e ON e.server_seq = r.server_seq
                 WHERE r.sha256 = $1 AND (
                     $2 OR e.actor = $3 OR e.township_id = $4
                     OR EXISTS (SELECT 1 FROM visibility v WHERE v.unit_id = $4 AND v.problem_id = e.problem_id)))",
            &[&sha256, &everything, &actor.user.id, &actor.unit.id],
        )?
        .get(0);
    if !visible {
        return Err(not_found());
    }
    let row = c
        .query_opt("SELECT media_type, bytes FROM attachments WHERE sha256 = $1", &[&sha256])?
        .ok_or_else(not_found)?;
    let bytes: Vec<u8> = row.get(1);
    Ok(AttachmentFile {
        sha256: sha256.to_string(),
        media_type: row.get(0),
        data: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}
