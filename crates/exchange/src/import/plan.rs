//! What every import shares: reading the sheet, finding and correcting the header, reading a
//! row's cells by field, and collecting row issues.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::{
    column_letter, file_name, ColumnMapping, ImportError, ImportOptions, RowIssue, Severity, SkippedRow,
    UnimportedColumn,
};
use crate::cells::{is_blank_row, is_footer_row};
use crate::header::{find_header, header_at, resemblance, Field, HeaderMatch};
use crate::sheet::{read_workbook_checked, Workbook};

/// How many rows from the top are searched for the header.
pub const HEADER_SCAN: usize = 30;

pub struct SheetPlan {
    pub file: String,
    pub file_sha256: String,
    pub workbook: Workbook,
    pub header: HeaderMatch,
    pub columns: Vec<ColumnMapping>,
    pub issues: Vec<RowIssue>,
    pub skipped: Vec<SkippedRow>,
}

impl SheetPlan {
    pub fn open(path: &Path, opts: &ImportOptions) -> Result<SheetPlan, ImportError> {
        let bytes = std::fs::read(path)
            .map_err(|e| crate::sheet::ReadError::Io { path: path.display().to_string(), reason: e.to_string() })?;
        let workbook = read_workbook_checked(path, &bytes, opts.sheet.as_deref())?;
        let rows = &workbook.sheet.rows;
        let mut header = match opts.header_row {
            Some(r) if r >= 1 && (r as usize) <= rows.len() => header_at(rows, r as usize - 1),
            _ => find_header(rows, HEADER_SCAN).ok_or(ImportError::NoHeader { scanned: HEADER_SCAN as u32 })?,
        };
        for choice in &opts.columns {
            header.choose(choice.column as usize, choice.field);
        }
        let header_cells = rows.get(header.row).cloned().unwrap_or_default();
        let width = header_cells.len().max(header.columns.iter().map(|(c, _)| c + 1).max().unwrap_or(0));
        let columns = (0..width)
            .map(|c| ColumnMapping {
                column: c as u32,
                letter: column_letter(c as u32),
                header: header_cells.get(c).cloned().unwrap_or_default(),
                field: header.columns.iter().find(|(col, _)| *col == c).map(|(_, f)| *f),
                matched: header.kind(c).map(|(k, _)| k),
                also: header.kind(c).and_then(|(_, a)| a),
            })
            .collect();
        Ok(SheetPlan {
            file: file_name(path),
            file_sha256: hex::encode(Sha256::digest(&bytes)),
            workbook,
            header,
            columns,
            issues: Vec::new(),
            skipped: Vec::new(),
        })
    }

    /// Records a blocking issue (on the header row) for each required field no column holds,
    /// so the user sees the columns and can map one; true when all are there.
    pub fn require(&mut self, fields: &[Field]) -> bool {
        let row = self.header.row as u32 + 1;
        let mut ok = true;
        for f in fields {
            if self.header.column(*f).is_none() {
                let key = serde_json::to_value(f).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
                self.issues.push(RowIssue {
                    row,
                    column: String::new(),
                    value: key,
                    code: "import.missing_column".into(),
                    severity: Severity::Error,
                });
                ok = false;
            }
        }
        ok
    }

    /// The data rows under the header with their 1-based row numbers; blank and footer rows
    /// are recorded as skipped and not returned.
    pub fn data_rows(&mut self) -> Vec<(u32, Vec<String>)> {
        let mut out = Vec::new();
        let serial_col = self.header.column(Field::SerialNo);
        for (i, cells) in self.workbook.sheet.rows.iter().enumerate().skip(self.header.row + 1) {
            let row = (i + 1) as u32;
            // A row holding only its 序号 is a blank line of a pre-numbered form.
            let content: Vec<String> =
                cells.iter().enumerate().filter(|(c, _)| Some(*c) != serial_col).map(|(_, v)| v.clone()).collect();
            if is_blank_row(&content) {
                self.skipped.push(SkippedRow { row, reason: "blank".into(), detail: String::new() });
            } else if is_footer_row(cells) {
                self.skipped.push(SkippedRow {
                    row,
                    reason: "footer".into(),
                    detail: cells.iter().find(|c| !c.is_empty()).cloned().unwrap_or_default(),
                });
            } else {
                out.push((row, cells.clone()));
            }
        }
        out
    }

    /// Every column that holds data under the header but will not be imported (its field is not in
    /// `read`, or it has none), with a suggestion: the field its header names when another
    /// column holds that field, or a field its header resembles.
    pub fn unimported(&self, read: &[Field], chosen: &ImportOptions) -> Vec<UnimportedColumn> {
        let rows: Vec<&Vec<String>> = self.workbook.sheet.rows
            [(self.header.row + 1).min(self.workbook.sheet.rows.len())..]
            .iter()
            .filter(|r| !is_blank_row(r) && !is_footer_row(r))
            .collect();
        let width = rows.iter().map(|r| r.len()).max().unwrap_or(0).max(self.columns.len());
        let mut out = Vec::new();
        for c in 0..width {
            let field = self.header.columns.iter().find(|(col, _)| *col == c).map(|(_, f)| *f);
            if field.is_some_and(|f| f == Field::SerialNo || read.contains(&f)) {
                continue;
            }
            let filled = rows.iter().filter(|r| r.get(c).is_some_and(|v| !v.trim().is_empty())).count() as u32;
            if filled == 0 {
                continue;
            }
            let header = self.columns.get(c).map(|m| m.header.clone()).unwrap_or_default();
            let by_hand = chosen.columns.iter().any(|k| k.column as usize == c && k.field.is_none());
            let taken = self.header.passed_over.iter().find(|(col, _)| *col == c).map(|(_, f)| *f);
            let (reason, suggestion, held_by) = if field.is_some() {
                ("not_read", None, None)
            } else if let Some(f) = taken {
                let holder = self.header.column(f).map(|h| column_letter(h as u32));
                (if by_hand { "ignored" } else { "field_taken" }, Some(f), holder)
            } else if by_hand {
                (
                    "ignored",
                    crate::header::field_of(&header).or_else(|| resemblance(&header)).filter(|f| read.contains(f)),
                    None,
                )
            } else {
                match resemblance(&header).filter(|f| read.contains(f)) {
                    Some(f) => ("resembles", Some(f), self.header.column(f).map(|h| column_letter(h as u32))),
                    None => ("unrecognized", None, None),
                }
            };
            out.push(UnimportedColumn {
                column: c as u32,
                letter: column_letter(c as u32),
                header,
                rows: filled,
                reason: reason.to_string(),
                suggestion,
                held_by,
            });
        }
        out
    }

    pub fn rows_read(&self) -> u32 {
        self.workbook.sheet.rows.len().saturating_sub(self.header.row + 1) as u32
    }

    pub fn header_text(&self, field: Field) -> String {
        self.header.column(field).and_then(|c| self.columns.get(c)).map(|m| m.header.clone()).unwrap_or_default()
    }

    pub fn issue(&mut self, row: u32, field: Field, value: &str, code: &str, severity: Severity) {
        let column = self.header_text(field);
        self.issues.push(RowIssue { row, column, value: value.to_string(), code: code.to_string(), severity });
    }

    /// A unit name the sheet uses as one kind while it is another's is an error on the first
    /// row that names it (see `UnitResolver::clashes`).
    pub fn flag_unit_clashes(&mut self, clashes: Vec<super::units::KindClash>) {
        for clash in clashes {
            self.issues.push(RowIssue {
                row: clash.row,
                column: String::new(),
                value: clash.name,
                code: "import.row.unit_kind_mismatch".into(),
                severity: Severity::Error,
            });
        }
    }

    pub fn errors(&self) -> u32 {
        self.issues.iter().filter(|i| i.severity == Severity::Error).count() as u32
    }
}

/// A row's cell for a field ("" when the sheet has no such column).
pub fn cell<'a>(header: &HeaderMatch, cells: &'a [String], field: Field) -> &'a str {
    header.column(field).and_then(|c| cells.get(c)).map(|s| s.as_str()).unwrap_or("")
}
