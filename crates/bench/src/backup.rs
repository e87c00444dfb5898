//! The backup row: the app's automatic backup (packed) of the district ledger, beside a plain
//! verified copy and a bare file copy, and the restore of the packed one.

use std::path::Path;
use std::time::Instant;

use chrono::Utc;
use taizhang_ledger::Ledger;

use crate::{file_len, row, secs, thousands, Args, Res, Row};

/// The automatic backup (packed, `Ledger::backup_rotating`) of the district ledger beside a plain
/// verified copy (`backup_to`) and a bare file copy, each timed, with the sizes.
pub fn bench(a: &Args, ledger: &Ledger, scale: usize, rows: &mut Vec<Row>, facts: &mut Vec<String>) -> Res<()> {
    ledger.connection().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    let source = ledger.path().ok_or("the bench ledger has a path")?.to_path_buf();
    let dir = a.dir.join("backups");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let file = file_len(&source);
    let t = Instant::now();
    let packed = ledger.backup_rotating(&dir, Utc::now(), 10)?;
    let packed_s = t.elapsed().as_secs_f64();
    let plain_path = dir.join("plain.db");
    let t = Instant::now();
    let plain = ledger.backup_to(&plain_path)?;
    let plain_s = t.elapsed().as_secs_f64();
    let bare_path = dir.join("bare-copy.db");
    let t = Instant::now();
    std::fs::copy(&source, &bare_path)?;
    let bare_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let restored = dir.join("restored.db");
    let report = taizhang_ledger::backup::restore(Path::new(&packed.path), &restored, Utc::now(), false)?;
    let restore_s = t.elapsed().as_secs_f64();
    let share = packed.bytes as f64 / file as f64;
    let mb = |b: u64| format!("{:.0} MB", b as f64 / 1e6);
    rows.push(row(
        &format!(
            "Automatic backup of the {}-problem ledger, packed (verified copy, gzip; ten are kept)",
            thousands(scale as f64)
        ),
        format!("{} of the {} file ({:.0}%) in {}", mb(packed.bytes), mb(file), 100.0 * share, secs(packed_s)),
        format!("plain verified copy: {} ({}); bare file copy: {}", mb(plain.bytes), secs(plain_s), secs(bare_s)),
        format!(
            "{:.1}× smaller, {:.1}× the plain copy's time",
            plain.bytes as f64 / packed.bytes as f64,
            packed_s / plain_s
        ),
        "≤ 1/3 of the file",
        Some(share <= 1.0 / 3.0),
    ));
    facts.push(format!(
        "Backup: `backup_rotating` (the app's automatic backup: SQLite's online backup API into a part file, the copy's chain verified, gzip level 3) of {} with {} events; the restore of that packed backup into a new file (unpack, copy, verify) took {}; ten kept packed copies hold {} where ten plain ones held {}.",
        a.dir.join(source.file_name().unwrap_or_default()).display(),
        thousands(report.events as f64),
        secs(restore_s),
        mb(packed.bytes * 10),
        mb(plain.bytes * 10)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
