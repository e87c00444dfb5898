//! The ledger file: identity checks, pragmas and migrations. A file is checked read-only
//! before it is opened for writing, so a foreign or newer file is left byte-for-byte untouched.

use std::io::Read;
use std::path::Path;
use std::sync::LazyLock;

use include_dir::{include_dir, Dir};
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::Migrations;

use crate::error::{LedgerError, Result};

/// `PRAGMA application_id` of every ledger: "TZLG".
pub const APPLICATION_ID: i32 = 0x545A_4C47;

static MIGRATIONS_DIR: Dir = include_dir!("$CARGO_MANIFEST_DIR/../../migrations");
static MIGRATIONS: LazyLock<Migrations<'static>> =
    LazyLock::new(|| Migrations::from_directory(&MIGRATIONS_DIR).expect("migrations directory is well formed"));

/// The schema version this program writes (= number of migrations, kept in `user_version`).
pub const SCHEMA_VERSION: i64 = 14;

/// `PRAGMA cache_size` of every ledger connection (negative: KiB). Public so the benchmark's
/// bare SQLite references run with the same pragmas.
pub const CACHE_SIZE_KIB: i64 = -65536;

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // NORMAL in WAL mode survives a crash of the program; only a power cut can lose the
    // last commits, never corrupt the file.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // 64 MB of page cache (SQLite's default is 2 MB): at city scale the rows a search or a
    // list touches are spread over tens of MB, and reading each page from the OS again cost
    // more than the query itself (docs/benchmarks.md). Filled only as pages are read.
    conn.pragma_update(None, "cache_size", CACHE_SIZE_KIB)?;
    // Statement journals (an upsert's undo pages inside a long transaction) in memory, not in
    // a temporary file: they held 9 % of a 100,000-row import in pwrite calls.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // The write path reuses about thirty statements (append, projections, the core's lookups).
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    // Migration 14 packs the aggregates with it.
    crate::state_codec::register_sql(conn)?;
    MIGRATIONS.to_latest(conn).map_err(|e| LedgerError::Migration(e.to_string()))?;
    // Projections a migration adds empty and the program fills (their rule is the core's).
    crate::figure_counts::fill_if_pending(conn)
}

/// The statements that create each of `tables` (the table, then its indexes and triggers), as
/// the migrations leave them: taken from a blank in-memory database migrated to the latest
/// version, never from the file, so a rebuild recreates tables whose schema or shadow tables
/// (the full-text index's) were tampered with.
pub(crate) fn creation_ddl(tables: &[&str]) -> Result<Vec<(String, Vec<String>)>> {
    let mut blank = Connection::open_in_memory()?;
    crate::state_codec::register_sql(&blank)?;
    MIGRATIONS.to_latest(&mut blank).map_err(|e| LedgerError::Migration(e.to_string()))?;
    let mut st = blank.prepare(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ?1 AND sql IS NOT NULL
         ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid",
    )?;
    tables
        .iter()
        .map(|t| {
            let sql = st.query_map([t], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            if sql.is_empty() {
                return Err(LedgerError::Migration(format!("the migrations create no table {t}")));
            }
            Ok((t.to_string(), sql))
        })
        .collect()
}

fn init_meta(conn: &Connection) -> Result<()> {
    let device_id = uuid::Uuid::now_v7().to_string();
    let ledger_id = uuid::Uuid::now_v7().to_string();
    conn.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID};"))?;
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('ledger_id', ?1), ('device_id', ?2), ('format', 'taizhang-ledger')",
        [&ledger_id, &device_id],
    )?;
    Ok(())
}

pub fn create(path: &Path) -> Result<Connection> {
    let p = path.display().to_string();
    if path.exists() && std::fs::metadata(path)?.len() > 0 {
        return Err(LedgerError::AlreadyExists { path: p });
    }
    let mut conn = Connection::open(path)?;
    configure(&conn)?;
    migrate(&mut conn)?;
    init_meta(&conn)?;
    Ok(conn)
}

pub fn create_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate(&mut conn)?;
    init_meta(&conn)?;
    Ok(conn)
}

pub fn open(path: &Path) -> Result<Connection> {
    if let Err(e) = check(path, false) {
        // A ledger in WAL mode cannot even be read where its side files cannot be made (a
        // read-only disk or folder): name that, rather than calling the file foreign.
        if matches!(e, LedgerError::NotALedger { .. }) && check(path, true).is_ok() {
            std::fs::OpenOptions::new().append(true).open(path)?;
            let probe = path.with_file_name(format!(".{}.probe", std::process::id()));
            std::fs::File::create(&probe)?;
            let _ = std::fs::remove_file(&probe);
        }
        return Err(e);
    }
    let mut conn = Connection::open(path)?;
    configure(&conn)?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// Opens a file strictly for reading and leaves no trace: `immutable` keeps SQLite from
/// creating the -wal and -shm files it otherwise makes beside a WAL database, even read-only.
/// Only for files nothing else is writing (a backup being restored).
pub fn open_immutable(path: &Path) -> rusqlite::Result<Connection> {
    let mut uri = String::from("file:");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => uri.push(b as char),
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri.push_str("?immutable=1");
    Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// What a failed read of the file's identity means: another program holding it is busy, not
/// damage; anything else is a file that is not (or no longer) a ledger.
fn probe_error(e: rusqlite::Error, otherwise: LedgerError) -> LedgerError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => LedgerError::Busy,
        _ => otherwise,
    }
}

/// The identity checks of `open`, read-only: a ledger, of a schema this program knows.
/// `immutable`: see `open_immutable`.
pub fn check(path: &Path, immutable: bool) -> Result<()> {
    let p = path.display().to_string();
    let not_ledger = |reason: &str| LedgerError::NotALedger { path: p.clone(), reason: reason.into() };
    if !path.exists() {
        return Err(LedgerError::NoSuchFile { path: p });
    }
    let mut header = [0u8; 100];
    let mut f = std::fs::File::open(path)?;
    let n = f.read(&mut header)?;
    if n == 0 {
        return Err(not_ledger("the file is empty"));
    }
    if n < 100 || &header[..16] != b"SQLite format 3\0" {
        return Err(not_ledger("not a SQLite database"));
    }
    {
        let ro = if immutable {
            open_immutable(path)
        } else {
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        }
        .map_err(|e| probe_error(e, not_ledger("cannot be read as SQLite")))?;
        let app: i32 = ro
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| probe_error(e, not_ledger("damaged header")))?;
        if app != APPLICATION_ID {
            return Err(not_ledger("a SQLite file of another program"));
        }
        let version: i64 = ro
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| probe_error(e, not_ledger("damaged header")))?;
        if version > SCHEMA_VERSION {
            return Err(LedgerError::NewerVersion { path: p, found: version, supported: SCHEMA_VERSION });
        }
        let has_meta: bool = ro
            .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n > 0)
            .map_err(|e| probe_error(e, not_ledger("damaged schema")))?;
        if !has_meta {
            return Err(not_ledger("missing the ledger tables"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        // `validate` runs them on a connection of its own, without the SQL function migration
        // 14 packs the aggregates with; `creation_ddl` migrates a blank database with it.
        let ddl = super::creation_ddl(&["event_log", "problem_states"]).unwrap();
        assert!(ddl[0].1[0].contains("hash           ANY"), "{:?}", ddl[0].1);
    }

    #[test]
    fn schema_version_matches_migration_count() {
        assert_eq!(super::MIGRATIONS_DIR.dirs().count() as i64, super::SCHEMA_VERSION);
    }
}
