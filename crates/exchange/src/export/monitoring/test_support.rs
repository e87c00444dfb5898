//! The demo district on a real ledger file, with two years of key enterprise figures, for the
//! tests of the monitoring sheets; and reading a written sheet back.

use std::path::Path;

use calamine::{Data, Reader};
use chrono::{DateTime, Utc};
use taizhang_ledger::Ledger;
use taizhang_testsupport::demo::{generate, DemoOptions};

/// The demo's "now": Monday 2026-12-07, 10:00 Beijing time.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-07T02:00:00Z").unwrap().to_utc()
}

pub fn demo_ledger(dir: &Path) -> Ledger {
    let opts = DemoOptions { problems: 45, seed: 2026, end: now(), days: 60, monitoring: true };
    let mut ledger = Ledger::create(&dir.join("ledger.db"), opts.start()).unwrap();
    generate(&mut ledger, &opts);
    ledger
}

/// The first sheet's cells (row, column) as calamine reads them.
pub fn read_back(path: &Path) -> calamine::Range<Data> {
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let name = wb.sheet_names()[0].clone();
    wb.worksheet_range(&name).unwrap()
}

pub fn text(r: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match r.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

pub fn number(r: &calamine::Range<Data>, row: u32, col: u32) -> Option<f64> {
    match r.get_value((row, col)) {
        Some(Data::Float(f)) => Some(*f),
        Some(Data::Int(i)) => Some(*i as f64),
        _ => None,
    }
}

/// Keeps a copy of a written sheet in `$TAIZHANG_KEEP_SHEETS` (to render and look at it).
pub fn keep(path: &Path) {
    if let Some(dir) = std::env::var_os("TAIZHANG_KEEP_SHEETS") {
        std::fs::copy(path, Path::new(&dir).join(path.file_name().unwrap())).unwrap();
    }
}
