//! Writing the ledger and periodic reports as .xlsx and CSV.
//!
//! - `ledger`: the ledger (or any filtered view of it) in the usual 台账 layout as .xlsx, and
//!   the same columns as CSV (UTF-8 with BOM, so Excel and WPS open it as Chinese text);
//!   `ledger_sheet` writes the .xlsx: the rows stream from the ledger, read on the caller's
//!   thread, to a constant-memory worksheet written on another.
//! - `report`: the periodic report workbook (汇总, 部门考核, 镇街情况, 问题类别, 超期清单) from
//!   `Ledger::report`.
//! - `attachments`: the files the exported problems' events name, as a folder, when asked.
//! - `monitoring`: the monitoring reports (重点企业指标月报, 产销旬报, 项目进度月报, 预警清单).
//!
//! Every export writes a temporary file beside the target and renames it over the target only
//! once it is complete, so a failed export never leaves a half-written file behind (and never
//! destroys the previous export of the same name).

pub mod attachments;
mod file;
pub mod ledger;
mod ledger_sheet;
pub mod monitoring;
pub mod report;
mod style;

use serde::Serialize;
use taizhang_core::coded::{serde_params, Coded, Params};
use taizhang_ledger::{ChainHead, LedgerError};

pub use attachments::{export_attachments, AttachmentExport};
pub use ledger::{describe_filter, export_ledger_csv, LEDGER_HEADERS, LEDGER_SHEET};
pub use ledger_sheet::export_ledger_xlsx;
pub use report::{export_report_xlsx, REPORT_SHEETS};

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportSummary {
    /// Data rows written: problems for a ledger export, lines of the overdue list for a report.
    #[ts(type = "number")]
    pub rows: u64,
    pub path: String,
    /// The chain heads of the ledger at the moment of the export. Kept elsewhere, they let a
    /// later copy of the file be checked for deleted events (see `verify`).
    pub chain_heads: Vec<ChainHead>,
}

/// The most data rows one worksheet holds below the ledger layout's three top rows.
pub const MAX_XLSX_ROWS: u64 = 1_048_576 - 3;

/// Serialized only for its params (`Coded`); a ledger error keeps its own.
#[derive(Debug, thiserror::Error, Serialize)]
pub enum ExportError {
    #[error(transparent)]
    #[serde(skip)]
    Ledger(#[from] LedgerError),
    #[error("the folder to save in does not exist: {path}")]
    NoDirectory { path: String },
    #[error("{path} is open in another program; close it and try again")]
    FileInUse { path: String },
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
    #[error("{rows} rows do not fit in one worksheet (at most {max})")]
    TooManyRows { rows: u64, max: u64 },
    #[error("could not build the spreadsheet: {reason}")]
    Spreadsheet { reason: String },
}

impl ExportError {
    /// The stable code the UI and the CLI translate (i18n/*.json); a ledger error keeps its own.
    pub fn code(&self) -> &'static str {
        match self {
            ExportError::Ledger(e) => e.code(),
            ExportError::NoDirectory { .. } => "export.no_directory",
            ExportError::FileInUse { .. } => "export.file_in_use",
            ExportError::Write { .. } => "export.write_failed",
            ExportError::TooManyRows { .. } => "export.too_many_rows",
            ExportError::Spreadsheet { .. } => "export.spreadsheet",
        }
    }

    fn spreadsheet(e: rust_xlsxwriter::XlsxError, path: &std::path::Path) -> ExportError {
        match e {
            rust_xlsxwriter::XlsxError::IoError(io) => {
                ExportError::Write { path: path.display().to_string(), reason: io.to_string() }
            }
            rust_xlsxwriter::XlsxError::TempFileError(dir, io) => {
                ExportError::Write { path: dir.display().to_string(), reason: io.to_string() }
            }
            other => ExportError::Spreadsheet { reason: other.to_string() },
        }
    }
}

impl Coded for ExportError {
    fn code(&self) -> &'static str {
        ExportError::code(self)
    }
    fn params(&self) -> Params {
        match self {
            ExportError::Ledger(e) => e.params(),
            other => serde_params(other),
        }
    }
}

/// A date cell, or the date as text when a spreadsheet cannot hold it as a date (before 1900
/// or after 9999). The ledger refuses such dates now (`core::dates`), but a file may carry
/// older or forged ones, and one of them must not fail the whole export: it is shown as stored.
pub(crate) fn write_date_cell<'a>(
    ws: &'a mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    d: chrono::NaiveDate,
    fmt: &rust_xlsxwriter::Format,
) -> Result<&'a mut rust_xlsxwriter::Worksheet, rust_xlsxwriter::XlsxError> {
    use chrono::Datelike;
    if (1900..=9999).contains(&d.year()) {
        ws.write_date_with_format(row, col, d, fmt)
    } else {
        ws.write_string_with_format(row, col, d.to_string(), fmt)
    }
}

/// "2026-06-15 10:00", the Beijing wall-clock time of an instant.
pub(crate) fn beijing_minute(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&taizhang_core::china_offset()).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_time_is_eight_hours_ahead() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-06-14T18:30:00Z").unwrap().to_utc();
        assert_eq!(beijing_minute(t), "2026-06-15 02:30");
    }

    #[test]
    fn errors_have_codes_and_params() {
        let e = ExportError::Write { path: "/x/a.xlsx".into(), reason: "disk full".into() };
        assert_eq!(e.code(), "export.write_failed");
        let v = e.to_json();
        assert_eq!(v["code"], "export.write_failed");
        assert_eq!(v["path"], "/x/a.xlsx");
        assert_eq!(v["reason"], "disk full");
        assert_eq!(e.params().len(), 2);
        let e = ExportError::TooManyRows { rows: 2_000_000, max: MAX_XLSX_ROWS };
        assert_eq!(e.params()["rows"], 2_000_000);
        let e = ExportError::from(LedgerError::NoSuchFile { path: "/x/l.db".into() });
        assert_eq!(e.code(), "ledger.no_such_file");
        assert_eq!(e.to_json()["code"], "ledger.no_such_file");
        assert_eq!(e.params()["path"], "/x/l.db");
    }
}
