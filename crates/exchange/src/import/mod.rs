//! Importing an office's existing sheets: problem ledgers (问题台账), enterprise lists, the
//! monthly indicator sheets key enterprises fill (`indicators`), and a township's own visit
//! sheet (走访记录, `visits`).
//!
//! An import is planned from the file (`preview_*`: counts, the column mapping, the unit
//! mapping and every row-level problem) and committed by planning again with the same options
//! and running the commands through the ledger's one write path in one transaction
//! (`commit_*`): all rows or none. Rows already in the ledger (same 问题编号, or the same
//! enterprise and description) are counted as duplicates and skipped, so importing the same
//! file again, or a later version of it, adds only what is new.

mod categories;
mod enterprises;
mod indicator_sheet;
mod indicators;
mod ledger;
mod plan;
mod units;
mod visits;

use std::path::Path;

use serde::{Deserialize, Serialize};
use taizhang_core::coded::{Coded, Params};
use taizhang_core::model::{Id, Status, UnitKind};
use taizhang_ledger::LedgerError;

use crate::header::{Field, MatchKind};
use crate::sheet::ReadError;

pub use enterprises::{commit_enterprises, preview_enterprises};
pub use indicator_sheet::Measure;
pub use indicators::{
    commit_indicators, preview_indicators, IndicatorColumn, IndicatorImportOptions, IndicatorImportOutcome,
    IndicatorImportPreview, IndicatorIssue, IndicatorRow, INDICATOR_IMPORT_CODES,
};
pub use ledger::{commit_ledger, preview_ledger};
pub use visits::{
    commit_visits, preview_visits, VisitImportOptions, VisitImportOutcome, VisitImportPreview, VisitRowResult,
    VisitSheetRow, EXAMPLE_MARK, VISIT_IMPORT_CODES,
};

/// What the user chose in the wizard (or on the command line); empty means "as detected".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct ImportOptions {
    pub sheet: Option<String>,
    /// 1-based row number of the header row, when detection picked the wrong one.
    pub header_row: Option<u32>,
    /// Column corrections: which field a column holds (`None` ignores the column).
    pub columns: Vec<ColumnChoice>,
    /// Unit corrections: which existing unit a name in the sheet means (`None` creates it).
    pub units: Vec<UnitChoice>,
    /// Category corrections: which configured category a value of the sheet's 问题类别
    /// column means (`--category 原名=类别`).
    pub categories: Vec<CategoryChoice>,
    /// Categories the office adds to the list in the same step (one settings change in the
    /// import's transaction); a value of the sheet equal to one of them maps to it.
    pub add_categories: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CategoryChoice {
    /// The value as the sheet writes it.
    pub name: String,
    /// A configured category, or one of `add_categories`.
    pub category: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ColumnChoice {
    /// 0-based column index.
    pub column: u32,
    pub field: Option<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct UnitChoice {
    pub name: String,
    pub unit_id: Option<Id>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Ledger,
    Enterprises,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ColumnMapping {
    pub column: u32,
    /// The column's letter as a spreadsheet shows it (A, B, … AA).
    pub letter: String,
    pub header: String,
    pub field: Option<Field>,
    /// How the header was matched (`None` when the column is not imported).
    #[serde(default)]
    pub matched: Option<MatchKind>,
    /// The other field a compound header names, which this column does not fill.
    #[serde(default)]
    pub also: Option<Field>,
}

/// A column that holds data but will not be imported, and what it could be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct UnimportedColumn {
    pub column: u32,
    pub letter: String,
    pub header: String,
    /// Data rows with a value in it.
    pub rows: u32,
    /// Why: `field_taken` (another column holds the field it names), `resembles` (its header
    /// only resembles a field's name), `unrecognized`, `not_read` (mapped to a field this
    /// kind of import does not read), `ignored` (the user chose not to import it).
    pub reason: String,
    /// The field it could be mapped to.
    pub suggestion: Option<Field>,
    /// For `field_taken`: the letter of the column that holds the field.
    pub held_by: Option<String>,
}

/// How a value of the sheet's category column is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum CategoryMatch {
    /// The value is a configured category.
    Exact,
    /// A short form, a "…类" form, one part of a slash-joined category, or a longer name
    /// holding a category.
    Meaning,
    /// The user's choice (`categories` in the options).
    ByHand,
    /// Added to the list by this import.
    Added,
    /// Nothing fits: the rows holding it cannot be imported until it is mapped or added.
    Unmatched,
}

/// A distinct value of the category column, with the rows that hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CategoryMapping {
    pub value: String,
    pub rows: u32,
    pub matched: CategoryMatch,
    pub category: Option<String>,
    /// Configured categories it could mean (several short-form matches, or none).
    pub candidates: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row cannot be imported; the commit is refused until it is fixed.
    Error,
    /// Imported, with the adjustment the code names.
    Warning,
}

/// A problem with one cell (or row), with a stable code the UI and CLI translate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RowIssue {
    pub row: u32,
    /// The column's header text ("" for the whole row).
    pub column: String,
    pub value: String,
    pub code: String,
    pub severity: Severity,
}

/// A row not imported, and why: blank, a total/footer row, already in the ledger, or repeated
/// earlier in the same file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SkippedRow {
    pub row: u32,
    pub reason: String,
    /// The problem number already in the ledger, or the earlier row.
    pub detail: String,
}

/// How a unit name in the sheet is taken: an existing unit, or one to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct UnitMapping {
    pub name: String,
    pub kind: UnitKind,
    pub unit_id: Option<Id>,
    pub unit_name: Option<String>,
    pub create: bool,
    /// Rows that name it.
    pub rows: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StatusCount {
    pub status: Status,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportPreview {
    pub kind: ImportKind,
    pub file: String,
    pub sheet: String,
    pub sheets: Vec<String>,
    pub header_row: u32,
    pub columns: Vec<ColumnMapping>,
    /// Data rows under the header, blank and footer rows included.
    pub rows_read: u32,
    /// Rows that will become new problems (or new enterprises).
    pub rows_new: u32,
    /// Enterprise lists: rows that update an enterprise already in the ledger.
    pub rows_updated: u32,
    pub rows_duplicate: u32,
    pub skipped: Vec<SkippedRow>,
    pub issues: Vec<RowIssue>,
    pub units: Vec<UnitMapping>,
    /// Columns holding data that will not be imported, each with a suggestion.
    #[serde(default)]
    pub unimported: Vec<UnimportedColumn>,
    /// The category column's values, grouped (problem ledgers only).
    #[serde(default)]
    pub categories: Vec<CategoryMapping>,
    pub enterprises_new: u32,
    pub enterprises_matched: u32,
    pub statuses: Vec<StatusCount>,
    /// No row has an error.
    pub can_commit: bool,
    /// SHA-256 of the file, recorded with the import.
    pub file_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportOutcome {
    pub preview: ImportPreview,
    #[ts(type = "number")]
    pub events: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("no header row was found in the first {scanned} rows (a ledger header names the enterprise or the problem and at least three ledger columns)")]
    NoHeader { scanned: u32 },
    #[error("no header of a monthly indicator sheet was found in the first {scanned} rows (it names the enterprise or its credit code, and at least one indicator)")]
    NoIndicatorHeader { scanned: u32 },
    #[error("{errors} row(s) have errors; fix them or the mapping and preview again")]
    HasErrors { errors: u32 },
    #[error("row {row}: {source}")]
    Refused { row: u32, source: LedgerError },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl ImportError {
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Read(e) => e.code(),
            ImportError::NoHeader { .. } => "import.no_header",
            ImportError::NoIndicatorHeader { .. } => "import.indicators.no_header",
            ImportError::HasErrors { .. } => "import.has_errors",
            ImportError::Refused { .. } => "import.refused",
            ImportError::Ledger(e) => e.code(),
        }
    }
}

impl Coded for ImportError {
    fn code(&self) -> &'static str {
        ImportError::code(self)
    }

    /// A refused row names the ledger's reason (its code and English text) beside the row.
    fn params(&self) -> Params {
        let v = match self {
            ImportError::Read(e) => return e.params(),
            ImportError::Ledger(e) => return e.params(),
            ImportError::NoHeader { scanned } | ImportError::NoIndicatorHeader { scanned } => {
                serde_json::json!({ "scanned": scanned })
            }
            ImportError::HasErrors { errors } => serde_json::json!({ "errors": errors }),
            ImportError::Refused { row, source } => {
                serde_json::json!({ "row": row, "reason_code": source.code(), "reason": source.to_string() })
            }
        };
        match v {
            serde_json::Value::Object(m) => m,
            _ => Params::new(),
        }
    }
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII letters")
}

fn file_name(path: &Path) -> String {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string()
}

/// Runs a planned import: refused while any row has an error; otherwise every command in one
/// transaction, with progress, and a refusal pointed at the row it came from.
fn commit(
    ledger: &mut taizhang_ledger::Ledger,
    user: &str,
    planned: ledger::Planned,
    now: chrono::DateTime<chrono::Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportOutcome, ImportError> {
    // Every command is decided by the core, but an import with nothing new has no command to
    // refuse: who may import at all is asked first.
    let actor = ledger.actor(user)?;
    if !taizhang_core::workflow::capabilities(actor.user.role).import {
        return Err(ImportError::Ledger(
            taizhang_core::DomainError::forbidden(
                &actor.user.login,
                "import",
                taizhang_core::ForbiddenReason::ImportOffice,
            )
            .into(),
        ));
    }
    let events = run_planned(ledger, user, &planned.preview.issues, &planned.commands, &planned.rows, now, progress)?;
    Ok(ImportOutcome { preview: planned.preview, events })
}

/// Runs a plan's commands, refused while any row has an error: all of them in one
/// transaction, with progress, and a refusal pointed at the row (`rows[i]`) it came from.
fn run_planned(
    ledger: &mut taizhang_ledger::Ledger,
    user: &str,
    issues: &[RowIssue],
    commands: &[taizhang_core::Command],
    rows: &[Option<u32>],
    now: chrono::DateTime<chrono::Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<u64, ImportError> {
    let errors = issues.iter().filter(|i| i.severity == Severity::Error).count() as u32;
    if errors > 0 {
        return Err(ImportError::HasErrors { errors });
    }
    ledger.execute_batch(user, commands, now, progress).map_err(|(i, e)| match rows.get(i).copied().flatten() {
        Some(row) => ImportError::Refused { row, source: e },
        None => ImportError::Ledger(e),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_letters() {
        assert_eq!(super::column_letter(0), "A");
        assert_eq!(super::column_letter(25), "Z");
        assert_eq!(super::column_letter(26), "AA");
        assert_eq!(super::column_letter(27), "AB");
        assert_eq!(super::column_letter(701), "ZZ");
        assert_eq!(super::column_letter(702), "AAA");
    }
}
