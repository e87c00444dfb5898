//! A ledger on a real file holding the fixture district, with a known genesis.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use taizhang_ledger::Ledger;
use tempfile::TempDir;

use crate::{at, district, District};

/// The genesis of the fixture ledgers: Monday 2026-03-02, 10:00 Beijing time (the district is
/// written at the same instant).
pub fn genesis() -> DateTime<Utc> {
    at(2026, 3, 2)
}

/// A new ledger file at `path`, created at [`genesis`], holding the fixture district.
pub fn district_ledger(path: &Path) -> (Ledger, District) {
    let mut ledger = Ledger::create(path, genesis()).unwrap();
    let d = district(&mut ledger, genesis());
    (ledger, d)
}

/// A ledger file in a temporary folder (removed when this is dropped).
pub struct LedgerFile {
    pub dir: TempDir,
    pub path: PathBuf,
    pub ledger: Ledger,
    pub district: District,
}

/// [`district_ledger`] as `ledger.db` in a new temporary folder.
pub fn district_file() -> LedgerFile {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let (ledger, district) = district_ledger(&path);
    LedgerFile { dir, path, ledger, district }
}
