//! Backups and restore. A backup is a consistent copy of the whole file made with SQLite's
//! online backup API while the ledger stays open (and may be written to), packed when its name
//! ends in `.gz` (`backup_pack`; the automatic backups are); a restore unpacks and checks the
//! backup before anything is replaced, takes the ledger's exclusive lock (so no other program
//! holds it), and keeps the file it replaces under a name no other kept copy has.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, MAIN_DB};
use serde::Serialize;

use crate::error::{LedgerError, Result};
use crate::output::{
    check_output_target, clean_stale_parts, folder_of, is_sqlite_database, remove_sidecars, OutputTarget,
};
use crate::verify::ChainHead;
use crate::Ledger;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BackupInfo {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number")]
    pub events: i64,
    /// The chain heads in the backup: what a later restore will bring back.
    pub chain_heads: Vec<ChainHead>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RestoreReport {
    pub restored_from: String,
    /// Where the replaced ledger was kept (None when there was no file to replace).
    pub kept_as: Option<String>,
    #[ts(type = "number")]
    pub events: i64,
}

/// `dir/file.db` → `dir/.file.db.<tag>-<pid>.part`: beside the target, so the final rename
/// stays on one file system and is atomic; the pid tells a later run whether it is stale.
fn partial_path(target: &Path, tag: &str) -> PathBuf {
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("ledger.db");
    target.with_file_name(format!(".{name}.{tag}-{}.part", std::process::id()))
}

fn remove_with_sidecars(path: &Path) {
    let _ = std::fs::remove_file(path);
    remove_sidecars(path);
}

/// Creates `dir/<stem><suffix><ext>` (or `…-2<ext>`, `…-3<ext>`, …) empty and new, and returns
/// its path: a name no other file has, claimed atomically, so two copies made in the same
/// second never overwrite each other.
fn claim_unique(dir: &Path, stem: &str, suffix: &str, ext: &str) -> Result<PathBuf> {
    for n in 1..10_000u32 {
        let name = if n == 1 { format!("{stem}{suffix}{ext}") } else { format!("{stem}{suffix}-{n}{ext}") };
        let p = dir.join(name);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&p) {
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(LedgerError::Io(std::io::Error::other("no free name for the copy")))
}

/// Each device's last sequence number in a ledger: its chain heads, as far as order goes.
fn heads(conn: &Connection) -> rusqlite::Result<HashMap<String, i64>> {
    let mut st = conn.prepare("SELECT device_id, max(device_seq) FROM events GROUP BY device_id")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    rows.collect()
}

fn ledger_id(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = 'ledger_id'", [], |r| r.get(0)).optional()
}

impl Ledger {
    /// Writes a consistent copy of the ledger to `out` (replacing it only once the copy is
    /// whole and has been checked), packed when `out` ends in `.gz`. `out` is vetted first
    /// (`check_output_target`): never the ledger itself or another ledger or backup, and an
    /// existing file only when overwriting.
    pub fn backup_to<'a>(&self, out: impl Into<OutputTarget<'a>>) -> Result<BackupInfo> {
        let target = out.into();
        let out = target.path;
        check_output_target(target, self.path())?;
        clean_stale_parts(out, "backup");
        let tmp = partial_path(out, "backup");
        remove_with_sidecars(&tmp);
        let result = (|| {
            self.connection().backup(MAIN_DB, &tmp, None)?;
            // The copy must be a ledger whose chain verifies before it may be called a backup.
            let copy = Ledger::open(&tmp)?;
            let report = copy.verify()?;
            if !report.ok {
                return Err(LedgerError::BackupBroken {
                    path: out.display().to_string(),
                    reason: "the copy does not verify".into(),
                });
            }
            drop(copy);
            // Vetted again: the copy took a while, and something may have appeared there.
            check_output_target(target, self.path())?;
            Ok(report)
        })();
        let report = match result {
            Ok(r) => r,
            Err(e) => {
                remove_with_sidecars(&tmp);
                return Err(e);
            }
        };
        // Packed from the verified copy, into a second part file: `out` is only ever the
        // whole result.
        let finished = if crate::backup_pack::is_packed_name(out) {
            let packed = partial_path(out, "pack");
            let _ = std::fs::remove_file(&packed);
            if let Err(e) = crate::backup_pack::pack(&tmp, &packed) {
                let _ = std::fs::remove_file(&packed);
                remove_with_sidecars(&tmp);
                return Err(e);
            }
            remove_with_sidecars(&tmp);
            packed
        } else {
            tmp.clone()
        };
        remove_sidecars(out);
        if let Err(e) = std::fs::rename(&finished, out) {
            remove_with_sidecars(&finished);
            return Err(e.into());
        }
        remove_with_sidecars(&tmp);
        Ok(BackupInfo {
            path: out.display().to_string(),
            bytes: std::fs::metadata(out)?.len(),
            events: report.events,
            chain_heads: report.chains,
        })
    }

    /// The automatic backup: `dir/<stem>-YYYYMMDD-HHMMSS.db.gz` (`…-2.db.gz` and on when that
    /// second already has one), packed, keeping the newest `keep` of this ledger's backups in
    /// `dir` (the plain `.db` ones earlier versions wrote count among them).
    pub fn backup_rotating(&self, dir: &Path, now: DateTime<Utc>, keep: u32) -> Result<BackupInfo> {
        std::fs::create_dir_all(dir)?;
        let stem = self.path().and_then(|p| p.file_stem()).and_then(|s| s.to_str()).unwrap_or("ledger").to_string();
        let stamp = now.with_timezone(&taizhang_core::china_offset()).format("%Y%m%d-%H%M%S");
        let claimed = claim_unique(dir, &stem, &format!("-{stamp}"), crate::backup_pack::PACKED_EXTENSION)?;
        let info = match self.backup_to(OutputTarget::replacing(&claimed)) {
            Ok(info) => info,
            Err(e) => {
                let _ = std::fs::remove_file(&claimed);
                return Err(e);
            }
        };
        let mut ours: Vec<((String, u32), PathBuf)> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter_map(|p| {
                let n = p.file_name()?.to_str()?;
                let rest = n.strip_prefix(&format!("{stem}-"))?;
                let key = rotation_key(rest.strip_suffix(".db.gz").or_else(|| rest.strip_suffix(".db"))?)?;
                Some((key, p))
            })
            .collect();
        // By time, then by the counter of copies made in the same second.
        ours.sort();
        let excess = ours.len().saturating_sub(keep.max(1) as usize);
        for (_, old) in &ours[..excess] {
            remove_with_sidecars(old);
        }
        Ok(info)
    }
}

/// `20260305-110000` → (stamp, 1); `20260305-110000-2` → (stamp, 2); anything else is not an
/// automatic backup of this ledger.
fn rotation_key(rest: &str) -> Option<(String, u32)> {
    let (stamp, n) = match rest.get(15..) {
        Some("") => (rest, 1),
        Some(tail) => (&rest[..15], tail.strip_prefix('-')?.parse::<u32>().ok().filter(|n| *n >= 2)?),
        None => return None,
    };
    is_stamp(stamp).then(|| (stamp.to_string(), n))
}

fn is_stamp(s: &str) -> bool {
    s.len() == 15 && s.chars().enumerate().all(|(i, c)| if i == 8 { c == '-' } else { c.is_ascii_digit() })
}

/// The ledger at `target` held for a restore: a connection in SQLite's exclusive locking mode
/// inside `BEGIN EXCLUSIVE`, which no other connection can have open alongside (an idle one
/// included: in WAL mode every open connection holds a shared lock). `None` when there is no
/// file, or it is not a SQLite database at all (nothing can be using it as one).
fn hold_exclusively(target: &Path) -> Result<Option<Connection>> {
    if !is_sqlite_database(target) {
        return Ok(None);
    }
    let conn =
        Connection::open_with_flags(target, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
    // SQLite does not always wait on its busy handler for this lock (a connection that only
    // reads holds no lock it will give up for one), so a short-lived reader (the app's own
    // chain check right after opening) is waited out here, for as long as the busy timeout.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match conn.execute_batch("BEGIN EXCLUSIVE").map_err(LedgerError::from) {
            Ok(()) => return Ok(Some(conn)),
            Err(LedgerError::Busy) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            Err(LedgerError::Busy) => return Err(LedgerError::Busy),
            // A damaged file: restoring is the remedy, and nothing can be writing it.
            Err(_) => return Ok(None),
        }
    }
}

/// Replaces the ledger at `target` with the backup `from`. The backup is copied and checked
/// first (a ledger, not from a newer version, every chain verifies). Then the ledger is taken
/// exclusively: another program holding it makes the restore refuse with `ledger.busy`, and
/// nothing is moved. Unless `force`, a backup of another ledger (another genesis,
/// `restore.foreign_ledger`) or one that lacks events the ledger has (`restore.older_backup`)
/// is refused. Only then is the file at `target` moved aside to
/// `<target>.replaced-<time>.db` (a fresh name: kept copies never overwrite each other) and the
/// checked copy put in its place. The backup file itself is never written to.
pub fn restore(from: &Path, target: &Path, now: DateTime<Utc>, force: bool) -> Result<RestoreReport> {
    if !crate::backup_pack::is_packed_file(from) {
        return restore_plain(from, target, now, force, &from.display().to_string());
    }
    // A packed backup: unpacked beside the target (the same file system as the copy that
    // follows), then restored as a plain one; the unpacked file goes in every case.
    clean_stale_parts(target, "unpack");
    let unpacked = partial_path(target, "unpack");
    remove_with_sidecars(&unpacked);
    let result = crate::backup_pack::unpack(from, &unpacked)
        .and_then(|()| restore_plain(&unpacked, target, now, force, &from.display().to_string()));
    remove_with_sidecars(&unpacked);
    result
}

/// `restore` of a plain copy; `shown` is the backup as the user named it.
fn restore_plain(from: &Path, target: &Path, now: DateTime<Utc>, force: bool, shown: &str) -> Result<RestoreReport> {
    let shown = shown.to_string();
    // Checks the backup read-only (identity and version) before copying anything.
    Ledger::check_file(from)?;
    if target.exists() && crate::output::FileIdentity::of(from) == crate::output::FileIdentity::of(target) {
        return Err(LedgerError::BackupBroken { path: shown, reason: "it is the ledger itself".into() });
    }
    // A restore killed midway left its copy behind: remove it, if its process is gone.
    clean_stale_parts(target, "restore");
    let tmp = partial_path(target, "restore");
    remove_with_sidecars(&tmp);
    let checked = (|| {
        let src = crate::file::open_immutable(from)?;
        src.backup(MAIN_DB, &tmp, None)?;
        drop(src);
        let copy = Ledger::open(&tmp)?;
        let report = copy.verify()?;
        if !report.ok {
            let reason = report.first_break.map(|b| format!("event #{}: {}", b.seq, b.reason)).unwrap_or_default();
            return Err(LedgerError::BackupBroken { path: shown.clone(), reason });
        }
        let id = ledger_id(copy.connection())?;
        let backup_heads = heads(copy.connection())?;
        drop(copy);
        let lock = hold_exclusively(target)?;
        if let (Some(live), false) = (&lock, force) {
            // A live file whose identity cannot be read is damaged: nothing to compare.
            if let (Ok(Some(live_id)), Some(id)) = (ledger_id(live), &id) {
                if &live_id != id {
                    return Err(LedgerError::RestoreForeign { path: shown.clone() });
                }
            }
            if let Ok(live_heads) = heads(live) {
                let missing: i64 =
                    live_heads.iter().map(|(d, n)| (n - backup_heads.get(d).copied().unwrap_or(0)).max(0)).sum();
                if missing > 0 {
                    return Err(LedgerError::RestoreOlder { path: shown.clone(), missing });
                }
            }
        }
        Ok((report.events, lock))
    })();
    let (events, lock) = match checked {
        Ok(x) => x,
        Err(e) => {
            remove_with_sidecars(&tmp);
            return Err(e);
        }
    };
    let swapped = swap_in(&tmp, target, now, lock);
    remove_with_sidecars(&tmp);
    let kept_as = swapped?;
    Ok(RestoreReport { restored_from: shown, kept_as, events })
}

/// Moves the ledger at `target` aside (while `lock` holds it) and the checked copy `tmp` into
/// its place. Returns where the replaced file was kept.
fn swap_in(tmp: &Path, target: &Path, now: DateTime<Utc>, lock: Option<Connection>) -> Result<Option<String>> {
    if let Some(conn) = &lock {
        // Out of WAL mode, so the file alone holds every commit (the WAL is checkpointed and
        // removed); the exclusive locking mode keeps the lock across the change.
        conn.execute_batch("ROLLBACK")?;
        conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0))?;
        conn.execute_batch("BEGIN EXCLUSIVE")?;
    }
    // Windows cannot rename a file that is open; there the lock is let go just before (and any
    // other program that opened it since makes the rename fail, which is reported as busy).
    #[cfg(windows)]
    drop(lock);
    let kept_as = if target.exists() {
        let stamp = now.with_timezone(&taizhang_core::china_offset()).format("%Y%m%d-%H%M%S");
        let stem = target.file_stem().and_then(|s| s.to_str()).unwrap_or("ledger");
        let dir = folder_of(target);
        let kept = claim_unique(dir, stem, &format!(".replaced-{stamp}"), ".db")?;
        let moved = (|| {
            std::fs::rename(target, &kept)?;
            for ext in ["-wal", "-shm"] {
                let side = PathBuf::from(format!("{}{ext}", target.display()));
                if side.exists() {
                    std::fs::rename(&side, format!("{}{ext}", kept.display()))?;
                }
            }
            Ok::<_, std::io::Error>(())
        })();
        if let Err(e) = moved {
            let _ = std::fs::remove_file(&kept);
            return Err(if e.kind() == std::io::ErrorKind::PermissionDenied && cfg!(windows) {
                LedgerError::Busy
            } else {
                e.into()
            });
        }
        Some(kept.display().to_string())
    } else {
        None
    };
    std::fs::rename(tmp, target)?;
    #[cfg(not(windows))]
    drop(lock);
    Ok(kept_as)
}
