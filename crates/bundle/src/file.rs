//! A bundle as a SQLite file (`.tzb`). SQLite because the office's IT staff can open it with
//! any SQLite tool to see what is being carried, and because a file cut short on a USB stick is
//! detected by SQLite itself. The file is written beside its final name and renamed into place,
//! so a reader never sees half a bundle; reading opens it read-only and bounds every part.

use std::path::Path;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::bundle::{Bundle, Direction, Part, Signer, FORMAT};
use crate::error::{BundleError, Result};

/// `PRAGMA application_id` of a bundle: "TZB1".
pub const APPLICATION_ID: i32 = 0x545A_4231;
/// The largest part this program reads (a pulled page of 1000 events is a few MB).
pub const MAX_PART_BYTES: i64 = 64 * 1024 * 1024;

const SCHEMA: &str = "
CREATE TABLE bundle (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    format     TEXT NOT NULL,
    direction  TEXT NOT NULL,
    protocol   INTEGER NOT NULL,
    device_id  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    signer     TEXT NOT NULL,
    sig_alg    TEXT NOT NULL,
    sig        TEXT NOT NULL
) STRICT;
CREATE TABLE parts (
    n    INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
) STRICT;";

fn io(path: &Path, e: impl std::fmt::Display) -> BundleError {
    BundleError::Io { path: path.display().to_string(), reason: e.to_string() }
}

/// Writes a signed bundle to `path` (replacing a file there): whole, or not at all.
pub fn write(bundle: &Bundle, path: &Path) -> Result<()> {
    let signer = bundle.signer.as_ref().ok_or_else(|| BundleError::Malformed {
        path: path.display().to_string(),
        reason: "an unsigned bundle is never written".into(),
    })?;
    let name = path.file_name().ok_or_else(|| io(path, "not a file name"))?.to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let result = (|| -> Result<()> {
        let mut conn = Connection::open(&tmp).map_err(|e| io(path, e))?;
        conn.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}; PRAGMA journal_mode = DELETE;"))
            .map_err(|e| io(path, e))?;
        let tx = conn.transaction().map_err(|e| io(path, e))?;
        tx.execute_batch(SCHEMA).map_err(|e| io(path, e))?;
        tx.execute(
            "INSERT INTO bundle (id, format, direction, protocol, device_id, created_at, signer, sig_alg, sig)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                FORMAT,
                bundle.direction.as_str(),
                bundle.protocol,
                bundle.device_id,
                bundle.created_at,
                signer.text(),
                bundle.sig_alg,
                bundle.sig
            ],
        )
        .map_err(|e| io(path, e))?;
        {
            let mut st =
                tx.prepare("INSERT INTO parts (n, kind, body) VALUES (?1, ?2, ?3)").map_err(|e| io(path, e))?;
            for (n, p) in bundle.parts.iter().enumerate() {
                st.execute(params![n as i64, p.kind(), p.body()]).map_err(|e| io(path, e))?;
            }
        }
        tx.commit().map_err(|e| io(path, e))?;
        conn.close().map_err(|(_, e)| io(path, e))?;
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| io(path, e))?;
        std::fs::rename(&tmp, path).map_err(|e| io(path, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Reads a bundle. Not yet checked: its signature (the caller knows whose key) and direction.
pub fn read(path: &Path) -> Result<Bundle> {
    let shown = path.display().to_string();
    let not_a_bundle = |reason: String| BundleError::NotABundle { path: shown.clone(), reason };
    let malformed = |reason: String| BundleError::Malformed { path: shown.clone(), reason };
    if !path.is_file() {
        return Err(io(path, "no such file"));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| not_a_bundle(e.to_string()))?;
    let app: i32 =
        conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(|e| not_a_bundle(e.to_string()))?;
    if app != APPLICATION_ID {
        return Err(not_a_bundle(format!("application_id {app:#x}")));
    }
    type Header = (String, String, i64, String, String, String, String, String);
    let header: Option<Header> = conn
        .query_row(
            "SELECT format, direction, protocol, device_id, created_at, signer, sig_alg, sig FROM bundle WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
        )
        .optional()
        .map_err(|e| malformed(e.to_string()))?;
    let (format, direction, protocol, device_id, created_at, signer, sig_alg, sig) =
        header.ok_or_else(|| malformed("no header row".into()))?;
    if format != FORMAT {
        return Err(BundleError::FormatNewer { path: shown, found: format });
    }
    let protocol = u32::try_from(protocol).map_err(|_| malformed(format!("protocol {protocol}")))?;
    if protocol > taizhang_protocol::PROTOCOL_VERSION {
        return Err(BundleError::ProtocolNewer {
            path: shown,
            found: protocol,
            supported: taizhang_protocol::PROTOCOL_VERSION,
        });
    }
    let direction = Direction::parse(&direction).ok_or_else(|| malformed(format!("direction {direction}")))?;
    let signer = Signer::parse(&signer).ok_or_else(|| malformed(format!("signer {signer}")))?;
    let mut st = conn
        .prepare("SELECT n, kind, length(CAST(body AS BLOB)), body FROM parts ORDER BY n")
        .map_err(|e| malformed(e.to_string()))?;
    let mut rows = st.query([]).map_err(|e| malformed(e.to_string()))?;
    let mut parts = Vec::new();
    while let Some(r) = rows.next().map_err(|e| malformed(e.to_string()))? {
        let n: i64 = r.get(0).map_err(|e| malformed(e.to_string()))?;
        if n != parts.len() as i64 {
            return Err(malformed(format!("part {} is missing", parts.len())));
        }
        let kind: String = r.get(1).map_err(|e| malformed(e.to_string()))?;
        let len: i64 = r.get(2).map_err(|e| malformed(e.to_string()))?;
        if len > MAX_PART_BYTES {
            return Err(malformed(format!("part {n} is {len} bytes, more than {MAX_PART_BYTES}")));
        }
        let body: String = r.get(3).map_err(|e| malformed(e.to_string()))?;
        parts.push(Part::parse(&kind, &body).map_err(|e| malformed(format!("part {n}: {e}")))?);
    }
    Ok(Bundle { direction, protocol, device_id, created_at, parts, signer: Some(signer), sig_alg, sig })
}

#[cfg(test)]
mod tests {
    use super::*;
    use taizhang_protocol::sign::signing_key;
    use taizhang_protocol::{Cursor, PushRequest};

    fn signed() -> (Bundle, taizhang_protocol::sign::SigningKey) {
        let key = signing_key(&[9; 32]);
        let mut b = Bundle::new(
            Direction::ToServer,
            "dev-1",
            "2026-03-02T02:00:00.000000Z",
            vec![Part::Cursor(Cursor { after: 3, after_event: 1 }), Part::Push(PushRequest { events: vec![] })],
        );
        b.sign(Signer::Device("dev-1".into()), &key);
        (b, key)
    }

    #[test]
    fn a_written_bundle_reads_back_and_still_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.tzb");
        let (b, key) = signed();
        write(&b, &path).unwrap();
        let back = read(&path).unwrap();
        assert_eq!(back.direction, Direction::ToServer);
        assert_eq!(back.parts.len(), 2);
        back.check_signature(&Signer::Device("dev-1".into()), &key.verifying_key(), "out.tzb").unwrap();
        // Nothing but the bundle is left in the directory.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_file_edited_after_signing_fails_its_check() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.tzb");
        let (b, key) = signed();
        write(&b, &path).unwrap();
        let c = Connection::open(&path).unwrap();
        c.execute("UPDATE parts SET body = '{\"after\":9,\"after_event\":0}' WHERE n = 0", []).unwrap();
        drop(c);
        let back = read(&path).unwrap();
        let e = back.check_signature(&Signer::Device("dev-1".into()), &key.verifying_key(), "out.tzb").unwrap_err();
        assert_eq!(taizhang_core::coded::Coded::code(&e), "bundle.bad_signature");
    }

    #[test]
    fn what_is_not_a_bundle_is_named() {
        use taizhang_core::coded::Coded;
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("notes.tzb");
        std::fs::write(&text, "hello").unwrap();
        assert_eq!(read(&text).unwrap_err().code(), "bundle.not_a_bundle");
        let other = dir.path().join("other.db");
        Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
        assert_eq!(read(&other).unwrap_err().code(), "bundle.not_a_bundle");
        assert_eq!(read(&dir.path().join("missing.tzb")).unwrap_err().code(), "bundle.io");
        // A newer format and a dropped part.
        let (b, _) = signed();
        let path = dir.path().join("b.tzb");
        write(&b, &path).unwrap();
        let c = Connection::open(&path).unwrap();
        c.execute("DELETE FROM parts WHERE n = 0", []).unwrap();
        drop(c);
        assert_eq!(read(&path).unwrap_err().code(), "bundle.malformed");
        write(&b, &path).unwrap();
        Connection::open(&path).unwrap().execute("UPDATE bundle SET format = 'taizhang-bundle/2'", []).unwrap();
        assert_eq!(read(&path).unwrap_err().code(), "bundle.format_newer");
        write(&b, &path).unwrap();
        Connection::open(&path).unwrap().execute("UPDATE bundle SET protocol = 99", []).unwrap();
        assert_eq!(read(&path).unwrap_err().code(), "bundle.protocol_newer");
    }

    #[test]
    fn an_unsigned_bundle_is_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let b = Bundle::new(Direction::ToDesk, "d", "t", vec![]);
        assert!(write(&b, &dir.path().join("x.tzb")).is_err());
        assert!(!dir.path().join("x.tzb").exists());
    }
}
