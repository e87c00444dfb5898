//! The files events name (docs/attachments.md): the `attachments` table (migration 12), one
//! row per SHA-256, written by the write path in the transaction of the event that first names
//! a file; reading one back; and the check `verify` makes of every file the events name.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use taizhang_core::attachment::{sha256_hex, Attachment, Blob};

use crate::error::{LedgerError, Result};

/// A stored file, as the window and the export read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub sha256: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// A file the events name that the ledger does not hold as named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AttachmentFault {
    /// `attachment.missing` (no bytes under this hash) or `attachment.altered` (bytes that no
    /// longer hash to it, or of another size).
    pub code: String,
    pub sha256: String,
    /// The original name and the first event that names it.
    pub name: String,
    pub event_id: String,
}

/// Makes sure the file `a` names is in the table: already there (same size and type), or
/// written now from the bytes given beside the command (checked against the name first).
pub(crate) fn store(conn: &Connection, a: &Attachment, given: &[Blob]) -> Result<()> {
    let stored: Option<(i64, String)> = conn
        .prepare_cached("SELECT size, media_type FROM attachments WHERE sha256 = ?1")?
        .query_row([&a.sha256], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((size, media_type)) = stored {
        if size as u64 != a.size || media_type != a.media_type {
            return Err(LedgerError::AttachmentMismatch { sha256: a.sha256.clone(), name: a.name.clone() });
        }
        return Ok(());
    }
    let Some(blob) = given.iter().find(|b| b.attachment.sha256 == a.sha256) else {
        return Err(LedgerError::AttachmentMissing { sha256: a.sha256.clone(), name: a.name.clone() });
    };
    // The bytes are hashed here, whoever described them: the name is what the chain covers.
    if sha256_hex(&blob.bytes) != a.sha256
        || blob.bytes.len() as u64 != a.size
        || blob.attachment.media_type != a.media_type
    {
        return Err(LedgerError::AttachmentMismatch { sha256: a.sha256.clone(), name: a.name.clone() });
    }
    conn.prepare_cached("INSERT INTO attachments (sha256, media_type, size, bytes) VALUES (?1, ?2, ?3, ?4)")?
        .execute(rusqlite::params![a.sha256, a.media_type, a.size as i64, blob.bytes])?;
    Ok(())
}

/// The file stored under `sha256`, if any.
pub(crate) fn read(conn: &Connection, sha256: &str) -> Result<Option<StoredFile>> {
    Ok(conn
        .prepare_cached("SELECT media_type, bytes FROM attachments WHERE sha256 = ?1")?
        .query_row([sha256], |r| Ok(StoredFile { sha256: sha256.to_string(), media_type: r.get(0)?, bytes: r.get(1)? }))
        .optional()?)
}

/// Every file the events name, each checked once: present, and its bytes hashing to its name
/// with the size the events say. `named` maps a hash to (size, name, first event naming it).
pub(crate) fn check(
    conn: &Connection,
    named: &BTreeMap<String, (u64, String, String)>,
) -> Result<Vec<AttachmentFault>> {
    let mut faults = Vec::new();
    let mut st = conn.prepare("SELECT bytes FROM attachments WHERE sha256 = ?1")?;
    for (sha256, (size, name, event_id)) in named {
        let bytes: Option<Vec<u8>> = st
            .query_row([sha256], |r| {
                // An edited value may not even be a blob any more: that is an altered file.
                Ok(match r.get_ref(0)? {
                    rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => b.to_vec(),
                    _ => Vec::new(),
                })
            })
            .optional()?;
        let code = match bytes {
            None => "attachment.missing",
            Some(b) if b.len() as u64 != *size || sha256_hex(&b) != *sha256 => "attachment.altered",
            Some(_) => continue,
        };
        faults.push(AttachmentFault {
            code: code.to_string(),
            sha256: sha256.clone(),
            name: name.clone(),
            event_id: event_id.clone(),
        });
    }
    Ok(faults)
}

/// Reads a file the user chose to attach, and describes it by the core's rule (kind from its
/// bytes, size bounded): what the CLI's `--attach` and the window's file picker hand the
/// write path. A file larger than the limit is refused before it is read whole.
pub fn read_file(path: &std::path::Path) -> Result<Blob> {
    use std::io::Read;
    use taizhang_core::attachment::{clean_name, describe, MAX_ATTACHMENT_BYTES};
    let unreadable = |e: std::io::Error| LedgerError::AttachmentUnreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if !meta.is_file() {
        let reason = "not a regular file".to_string();
        return Err(LedgerError::AttachmentUnreadable { path: path.display().to_string(), reason });
    }
    if meta.len() > MAX_ATTACHMENT_BYTES {
        let e = taizhang_core::DomainError::AttachmentTooLarge {
            name: clean_name(&name),
            size: meta.len(),
            max: MAX_ATTACHMENT_BYTES,
        };
        return Err(e.into());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_ATTACHMENT_BYTES + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    Ok(describe(&name, bytes)?)
}

/// A file as a problem's history names it: by which event, when, in which step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedFile {
    pub event_id: String,
    /// The event's kind (`problem_registered`, `progress_noted`, …).
    pub kind: String,
    pub occurred_at: String,
    pub attachment: Attachment,
}

/// The kinds of event that carry attachments.
const CARRIERS: &str = "'problem_registered', 'resolved_locally', 'progress_noted', 'resolved', 'evaluated'";

impl crate::Ledger {
    /// Every file a problem's events name, in the order they were named.
    pub fn problem_attachments(&self, problem_id: &str) -> Result<Vec<NamedFile>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT id, kind, occurred_at, payload FROM events
             WHERE subject_id = ?1 AND kind IN ({CARRIERS}) AND payload LIKE '%\"attachments\"%' ORDER BY seq"
        ))?;
        let rows = st.query_map([problem_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (event_id, kind, occurred_at, payload) = row?;
            let body = taizhang_core::EventBody::from_parts(&kind, serde_json::from_str(&payload)?)?;
            for a in body.attachments() {
                let (event_id, kind, occurred_at) = (event_id.clone(), kind.clone(), occurred_at.clone());
                out.push(NamedFile { event_id, kind, occurred_at, attachment: a.clone() });
            }
        }
        Ok(out)
    }

    /// Every file the events name that the ledger does not hold: on a replica, what a pull
    /// brought the events of and the file is still to be fetched (docs/attachments.md).
    pub fn unheld_attachments(&self) -> Result<Vec<String>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT kind, payload FROM events WHERE kind IN ({CARRIERS}) AND payload LIKE '%\"attachments\"%'"
        ))?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut held = self.conn.prepare_cached("SELECT 1 FROM attachments WHERE sha256 = ?1")?;
        let mut out = std::collections::BTreeSet::new();
        for row in rows {
            let (kind, payload) = row?;
            let body = taizhang_core::EventBody::from_parts(&kind, serde_json::from_str(&payload)?)?;
            for a in body.attachments() {
                if !out.contains(&a.sha256) && !held.exists([&a.sha256])? {
                    out.insert(a.sha256.clone());
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    /// Keeps a file fetched from the district server, named by an event a pull brought: kept
    /// only when its bytes hash to that name and are of an allowed kind. Not an event (the
    /// event naming it came through the pull); the one write outside `Ledger::write`, and it
    /// can only add the bytes a name already in the chain stands for.
    pub fn store_fetched_attachment(&self, sha256: &str, bytes: Vec<u8>) -> Result<()> {
        let blob = taizhang_core::attachment::describe("", bytes)?;
        if blob.attachment.sha256 != sha256 {
            return Err(LedgerError::AttachmentMismatch { sha256: sha256.to_string(), name: String::new() });
        }
        self.conn.execute(
            "INSERT OR IGNORE INTO attachments (sha256, media_type, size, bytes) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![sha256, blob.attachment.media_type, blob.attachment.size as i64, blob.bytes],
        )?;
        Ok(())
    }

    /// The file stored under `sha256`, if the ledger holds it.
    pub fn attachment(&self, sha256: &str) -> Result<Option<StoredFile>> {
        read(&self.conn, sha256)
    }
}
