//! Backups and restore. A backup is a consistent copy of the whole file made with SQLite's
//! online backup API while the ledger stays open (and may be written to); a restore checks the
//! backup before anything is replaced and keeps the file it replaces.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::MAIN_DB;
use serde::Serialize;

use crate::error::{LedgerError, Result};
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

/// `dir/file.db` → `dir/.file.db.<tag>.part`: beside the target, so the final rename stays on
/// one file system and is atomic.
fn partial_path(target: &Path, tag: &str) -> PathBuf {
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("ledger.db");
    target.with_file_name(format!(".{name}.{tag}.part"))
}

fn remove_with_sidecars(path: &Path) {
    for ext in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
}

impl Ledger {
    /// Writes a consistent copy of the ledger to `out` (replacing it only once the copy is
    /// whole and has been checked).
    pub fn backup_to(&self, out: &Path) -> Result<BackupInfo> {
        let tmp = partial_path(out, &format!("backup-{}", std::process::id()));
        remove_with_sidecars(&tmp);
        let result = (|| {
            self.connection().backup(MAIN_DB, &tmp, None)?;
            // The copy must be a ledger whose chain verifies before it may be called a backup.
            let copy = Ledger::open(&tmp)?;
            let report = copy.verify()?;
            if !report.ok {
                return Err(LedgerError::BackupBroken { path: out.display().to_string(), reason: "the copy does not verify".into() });
            }
            drop(copy);
            Ok(report)
        })();
        let report = match result {
            Ok(r) => r,
            Err(e) => {
                remove_with_sidecars(&tmp);
                return Err(e);
            }
        };
        remove_with_sidecars(out);
        std::fs::rename(&tmp, out)?;
        remove_with_sidecars(&tmp);
        Ok(BackupInfo {
            path: out.display().to_string(),
            bytes: std::fs::metadata(out)?.len(),
            events: report.events,
            chain_heads: report.chains,
        })
    }

    /// The automatic backup: `dir/<stem>-YYYYMMDD-HHMMSS.db`, keeping the newest `keep` of
    /// this ledger's backups in `dir`.
    pub fn backup_rotating(&self, dir: &Path, now: DateTime<Utc>, keep: u32) -> Result<BackupInfo> {
        std::fs::create_dir_all(dir)?;
        let stem = self.path().and_then(|p| p.file_stem()).and_then(|s| s.to_str()).unwrap_or("ledger").to_string();
        let stamp = now.with_timezone(&taizhang_core::china_offset()).format("%Y%m%d-%H%M%S");
        let info = self.backup_to(&dir.join(format!("{stem}-{stamp}.db")))?;
        let mut ours: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.strip_prefix(&format!("{stem}-")).is_some_and(|rest| is_stamp(rest.trim_end_matches(".db"))) && n.ends_with(".db")
                })
            })
            .collect();
        // The stamp sorts by time.
        ours.sort();
        let excess = ours.len().saturating_sub(keep.max(1) as usize);
        for old in &ours[..excess] {
            remove_with_sidecars(old);
        }
        Ok(info)
    }
}

fn is_stamp(s: &str) -> bool {
    s.len() == 15 && s.chars().enumerate().all(|(i, c)| if i == 8 { c == '-' } else { c.is_ascii_digit() })
}

/// Replaces the ledger at `target` with the backup `from`. The backup is copied and checked
/// first (a ledger, not from a newer version, every chain verifies); only then is the file at
/// `target` moved aside to `<target>.replaced-<time>.db` and the checked copy put in its place.
/// `target` must not be open. The backup file itself is never written to.
pub fn restore(from: &Path, target: &Path, now: DateTime<Utc>) -> Result<RestoreReport> {
    let shown = from.display().to_string();
    // Checks the backup read-only (identity and version) before copying anything.
    Ledger::check_file(from)?;
    let tmp = partial_path(target, &format!("restore-{}", std::process::id()));
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
        Ok(report.events)
    })();
    let events = match checked {
        Ok(n) => n,
        Err(e) => {
            remove_with_sidecars(&tmp);
            return Err(e);
        }
    };
    let kept_as = if target.exists() {
        let stamp = now.with_timezone(&taizhang_core::china_offset()).format("%Y%m%d-%H%M%S");
        let kept = target.with_file_name(format!(
            "{}.replaced-{stamp}.db",
            target.file_stem().and_then(|s| s.to_str()).unwrap_or("ledger")
        ));
        for ext in ["", "-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{ext}", target.display()));
            if from.exists() {
                std::fs::rename(&from, format!("{}{ext}", kept.display()))?;
            }
        }
        Some(kept.display().to_string())
    } else {
        None
    };
    std::fs::rename(&tmp, target)?;
    remove_with_sidecars(&tmp);
    Ok(RestoreReport { restored_from: shown, kept_as, events })
}
