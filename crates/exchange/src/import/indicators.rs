//! Importing the monthly indicator sheets enterprises already fill (重点企业主要经济指标月报): one
//! row per enterprise, named or given by its 统一社会信用代码, columns per indicator (本月,
//! 1—本月累计, 上年同期) under header names that differ from form to form, values in 万元 or in
//! the national form's 千元 (converted), for a month the user gives or the title names.
//!
//! As the other imports: `preview_indicators` plans from the file and says, row by row, what
//! it understood and what is wrong (the core's own checks: not a key enterprise, a negative
//! output, a cumulative smaller than last month's, a unit that is not the indicator's);
//! `commit_indicators` plans again and runs one `ReportIndicators` per row through the
//! ledger's one write path in one transaction: all rows or none, a refusal naming its row.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use taizhang_core::coded::{Coded, Params};
use taizhang_core::credit_code::normalize_credit_code;
use taizhang_core::monitoring::indicators::{check_cumulative, check_value};
use taizhang_core::monitoring::{Amount, IndicatorEntry, IndicatorReport, Month};
use taizhang_core::{local_date, Command, DomainError};
use taizhang_ledger::Ledger;

use super::indicator_sheet::{
    conversion, is_code_header, is_measure_word, is_name_header, meaning, month_in, parse_figure, sheet_unit,
    ColumnMeaning, Measure,
};
use super::{column_letter, file_name, ImportError, Severity, SkippedRow};
use crate::cells::{is_blank_row, is_footer_row};
use crate::sheet::read_workbook_checked;

/// How many rows from the top are searched for the header.
const HEADER_SCAN: usize = 30;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct IndicatorImportOptions {
    pub sheet: Option<String>,
    /// The month reported; `None`: as the title names it.
    pub month: Option<Month>,
}

/// How a column of the sheet is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct IndicatorColumn {
    pub column: u32,
    pub letter: String,
    /// The header as the sheet writes it (both header rows).
    pub header: String,
    /// `enterprise`, `credit_code`, an indicator key, `computed` (同比, 产品销售率: not read),
    /// or `None` (not understood, not read).
    pub role: Option<String>,
    pub indicator_name: Option<String>,
    pub measure: Option<Measure>,
    /// The unit the column is in, when the header or the sheet's title names one.
    pub unit: Option<String>,
    /// "÷10" when its values are converted into the indicator's unit (千元 → 万元).
    pub conversion: Option<String>,
}

/// One row's problem: the code (translated by the catalogue, `params` filling its message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct IndicatorIssue {
    pub row: u32,
    pub column: String,
    pub value: String,
    pub code: String,
    #[ts(type = "Record<string, unknown>")]
    pub params: Params,
    pub severity: Severity,
}

/// A row understood: whose report it is and its figures, in the indicators' unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct IndicatorRow {
    pub row: u32,
    pub enterprise_id: String,
    pub enterprise_name: String,
    pub entries: Vec<IndicatorEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct IndicatorImportPreview {
    pub file: String,
    pub sheet: String,
    pub sheets: Vec<String>,
    /// 1-based rows of the header (one or two).
    pub header_rows: Vec<u32>,
    pub month: Option<Month>,
    /// `option` (given by the user) or `title` (read from the sheet).
    pub month_source: String,
    pub columns: Vec<IndicatorColumn>,
    pub rows_read: u32,
    pub rows: Vec<IndicatorRow>,
    pub skipped: Vec<SkippedRow>,
    pub issues: Vec<IndicatorIssue>,
    /// No error: committing records every row.
    pub can_commit: bool,
    pub file_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct IndicatorImportOutcome {
    pub preview: IndicatorImportPreview,
    #[ts(type = "number")]
    pub events: u64,
}

/// Every code this import gives a row or the sheet (besides the core's `monitoring.*`).
pub const INDICATOR_IMPORT_CODES: &[&str] = &[
    "import.indicators.no_header",
    "import.indicators.no_month",
    "import.indicators.month_differs",
    "import.indicators.unknown_enterprise",
    "import.indicators.duplicate_enterprise",
    "import.indicators.missing_value",
    "import.indicators.no_cumulative",
    "import.indicators.rounded",
    "import.row.missing_enterprise",
];

/// A column of figures: (column, indicator index, measure, unit, factor into the indicator's unit).
type FigureColumn = (usize, usize, Measure, Option<String>, Option<(i128, i128)>);

struct Planned {
    preview: IndicatorImportPreview,
    commands: Vec<Command>,
}

fn params(v: serde_json::Value) -> Params {
    match v {
        serde_json::Value::Object(m) => m,
        _ => Params::new(),
    }
}

struct Issues(Vec<IndicatorIssue>);

impl Issues {
    fn push(&mut self, row: u32, column: &str, value: &str, code: &str, p: Params, severity: Severity) {
        self.0.push(IndicatorIssue {
            row,
            column: column.to_string(),
            value: value.to_string(),
            code: code.to_string(),
            params: p,
            severity,
        });
    }
    fn domain(&mut self, row: u32, column: &str, value: &str, e: &DomainError) {
        self.push(row, column, value, e.code(), e.params(), Severity::Error);
    }
}

/// Where the header is: its row, whether the row under it is a second header row, and the
/// enterprise name and credit code columns.
fn find_header(rows: &[Vec<String>], defs: &[taizhang_core::monitoring::IndicatorDef]) -> Option<(usize, bool)> {
    for (i, cells) in rows.iter().enumerate().take(HEADER_SCAN) {
        let Some(name_col) = cells.iter().position(|c| is_name_header(c) || is_code_header(c)) else { continue };
        let next = rows.get(i + 1);
        let sub = next.is_some_and(|n| {
            n.get(name_col).is_none_or(|c| c.trim().is_empty()) && n.iter().any(|c| is_measure_word(c))
        });
        let texts = combined(rows, i, sub);
        if texts.iter().any(|t| matches!(meaning(t, defs), ColumnMeaning::Figure { .. })) {
            return Some((i, sub));
        }
    }
    None
}

/// Each column's header text: the indicator row's (a merged cell carried over the columns
/// under it) followed by the sub-header's.
fn combined(rows: &[Vec<String>], h: usize, sub: bool) -> Vec<String> {
    let top = &rows[h];
    let below: &[String] = if sub { rows.get(h + 1).map(Vec::as_slice).unwrap_or(&[]) } else { &[] };
    let width = top.len().max(below.len());
    let mut carried = String::new();
    (0..width)
        .map(|c| {
            let t = top.get(c).map(|s| s.trim()).unwrap_or("");
            let b = below.get(c).map(|s| s.trim()).unwrap_or("");
            if !t.is_empty() {
                carried = t.to_string();
                format!("{t}{b}")
            } else if sub && !b.is_empty() {
                format!("{carried}{b}")
            } else {
                String::new()
            }
        })
        .collect()
}

fn plan(
    ledger: &Ledger,
    path: &Path,
    opts: &IndicatorImportOptions,
    now: DateTime<Utc>,
) -> Result<Planned, ImportError> {
    let bytes = std::fs::read(path)
        .map_err(|e| crate::sheet::ReadError::Io { path: path.display().to_string(), reason: e.to_string() })?;
    let workbook = read_workbook_checked(path, &bytes, opts.sheet.as_deref())?;
    let rows = &workbook.sheet.rows;
    let defs = ledger.settings()?.monitoring.indicators;
    let (h, sub) = find_header(rows, &defs).ok_or(ImportError::NoIndicatorHeader { scanned: HEADER_SCAN as u32 })?;
    let texts = combined(rows, h, sub);
    let title: Vec<String> = rows[..h].iter().flatten().filter(|c| !c.trim().is_empty()).cloned().collect();
    let mut issues = Issues(Vec::new());
    let first_row = 1u32;

    // The month: the user's, else the title's.
    let titled = title.iter().find_map(|t| month_in(t));
    let (month, month_source) = match (opts.month, titled) {
        (Some(m), t) => {
            if let Some(t) = t.filter(|t| *t != m) {
                let p = params(serde_json::json!({ "title": t.to_string(), "month": m.to_string() }));
                issues.push(first_row, "", &t.to_string(), "import.indicators.month_differs", p, Severity::Warning);
            }
            (Some(m), "option")
        }
        (None, Some(t)) => (Some(t), "title"),
        (None, None) => {
            issues.push(first_row, "", "", "import.indicators.no_month", Params::new(), Severity::Error);
            (None, "")
        }
    };
    if let Some(m) = month {
        if m.last_day() >= local_date(now) {
            let e = DomainError::PeriodNotOver { period: m.to_string() };
            issues.domain(first_row, "", &m.to_string(), &e);
        }
    }
    let money_unit = title.iter().find_map(|t| sheet_unit(t));

    // The columns.
    let mut columns = Vec::new();
    let (mut name_col, mut code_col) = (None, None);
    let mut figure_cols: Vec<FigureColumn> = Vec::new();
    for (c, text) in texts.iter().enumerate() {
        let mut col = IndicatorColumn {
            column: c as u32,
            letter: column_letter(c as u32),
            header: text.clone(),
            role: None,
            indicator_name: None,
            measure: None,
            unit: None,
            conversion: None,
        };
        if name_col.is_none() && is_name_header(text) {
            name_col = Some(c);
            col.role = Some("enterprise".into());
        } else if code_col.is_none() && is_code_header(text) {
            code_col = Some(c);
            col.role = Some("credit_code".into());
        } else {
            match meaning(text, &defs) {
                ColumnMeaning::Figure { indicator, measure, unit } => {
                    let def = &defs[indicator];
                    let taken = figure_cols.iter().any(|(_, i, m, _, _)| *i == indicator && *m == measure);
                    let unit = unit.or_else(|| money_unit.clone().filter(|_| def.unit == "万元"));
                    let factor = match &unit {
                        Some(u) => conversion(u, &def.unit),
                        None => Some((1, 1)),
                    };
                    col.indicator_name = Some(def.name.clone());
                    col.measure = Some(measure);
                    col.unit = unit.clone();
                    col.conversion = match factor {
                        Some((n, d)) if n < d => Some(format!("÷{}", d / n)),
                        Some((n, d)) if n > d => Some(format!("×{}", n / d)),
                        _ => None,
                    };
                    if !taken {
                        col.role = Some(def.key.clone());
                        figure_cols.push((c, indicator, measure, unit, factor));
                    }
                }
                ColumnMeaning::Computed => col.role = Some("computed".into()),
                ColumnMeaning::Unknown => {}
            }
        }
        columns.push(col);
    }

    // Last month's cumulative of each enterprise, for `cumulative_decreasing`.
    let previous: BTreeMap<String, Vec<Option<Amount>>> = match month {
        Some(m) if m.month > 1 => ledger
            .monthly_report(m.previous(), None, now)?
            .rows
            .into_iter()
            .map(|r| (r.enterprise.enterprise_id, r.figures.iter().map(|f| f.cumulative).collect()))
            .collect(),
        _ => BTreeMap::new(),
    };

    let data_from = h + if sub { 2 } else { 1 };
    let mut skipped = Vec::new();
    let mut planned_rows = Vec::new();
    let mut commands = Vec::new();
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for (i, cells) in rows.iter().enumerate().skip(data_from) {
        let row = (i + 1) as u32;
        let get = |c: Option<usize>| c.and_then(|c| cells.get(c)).map(|s| s.trim()).unwrap_or("");
        if is_blank_row(cells) {
            skipped.push(SkippedRow { row, reason: "blank".into(), detail: String::new() });
            continue;
        }
        if is_footer_row(cells) || is_footer_row(&cells[name_col.unwrap_or(0).min(cells.len())..]) {
            let detail = get(name_col).to_string();
            skipped.push(SkippedRow { row, reason: "footer".into(), detail });
            continue;
        }
        let errors_before = issues.0.iter().filter(|x| x.severity == Severity::Error).count();
        // The figures, converted into each indicator's unit.
        let mut figures: BTreeMap<usize, [Option<Amount>; 3]> = BTreeMap::new();
        for (c, indicator, measure, unit, factor) in &figure_cols {
            let text = get(Some(*c));
            if text.is_empty() {
                continue;
            }
            let def = &defs[*indicator];
            let header = &texts[*c];
            let Some(factor) = factor else {
                let e =
                    check_value(def, Amount::ZERO, unit.as_deref()).err().unwrap_or_else(|| DomainError::WrongUnit {
                        indicator: def.name.clone(),
                        unit: unit.clone().unwrap_or_default(),
                        expected: def.unit.clone(),
                    });
                issues.domain(row, header, text, &e);
                continue;
            };
            match parse_figure(text, *factor) {
                Err(()) => {
                    let e = DomainError::BadNumber { field: def.name.clone(), text: text.to_string() };
                    issues.domain(row, header, text, &e);
                }
                Ok(None) => {}
                Ok(Some((v, rounded))) => {
                    if rounded {
                        let p = params(serde_json::json!({ "indicator": def.name, "value": v.to_string() }));
                        issues.push(row, header, text, "import.indicators.rounded", p, Severity::Warning);
                    }
                    let slot = match measure {
                        Measure::Value => 0,
                        Measure::Cumulative => 1,
                        Measure::LastYear => 2,
                    };
                    figures.entry(*indicator).or_default()[slot] = Some(v);
                }
            }
        }
        let (name, code) = (get(name_col), normalize_credit_code(get(code_col)));
        let had_errors = issues.0.iter().filter(|x| x.severity == Severity::Error).count() > errors_before;
        if figures.is_empty() && !had_errors {
            // A township's heading line, or an enterprise that sent nothing.
            skipped.push(SkippedRow { row, reason: "no_figures".into(), detail: name.to_string() });
            continue;
        }
        if name.is_empty() && code.is_empty() {
            issues.push(row, "", "", "import.row.missing_enterprise", Params::new(), Severity::Error);
            continue;
        }
        let by_code = match code.is_empty() {
            true => None,
            false => ledger.find_enterprise(&code)?.filter(|e| e.credit_code.as_deref() == Some(code.as_str())),
        };
        let found = match by_code {
            Some(e) => Some(e),
            None if !name.is_empty() => ledger.find_enterprise(name)?.filter(|e| e.name == name),
            None => None,
        };
        let Some(e) = found else {
            let shown = if name.is_empty() { code.as_str() } else { name };
            let p = params(serde_json::json!({ "name": shown }));
            issues.push(row, "", shown, "import.indicators.unknown_enterprise", p, Severity::Error);
            continue;
        };
        if let Some(first) = seen.get(&e.id) {
            let p = params(serde_json::json!({ "name": e.name, "first": first }));
            issues.push(row, "", &e.name, "import.indicators.duplicate_enterprise", p, Severity::Error);
            continue;
        }
        seen.insert(e.id.clone(), row);
        if !e.key_level.is_key() {
            issues.domain(row, "", &e.name, &DomainError::NotKeyEnterprise { enterprise: e.name.clone() });
            continue;
        }
        let mut entries = Vec::new();
        for (i, def) in defs.iter().enumerate() {
            let Some([value, mut cumulative, last_year]) = figures.get(&i).copied() else { continue };
            let Some(value) = value else {
                let p = params(serde_json::json!({ "indicator": def.name }));
                issues.push(row, "", &def.name, "import.indicators.missing_value", p, Severity::Error);
                continue;
            };
            if cumulative.is_some() && !def.cumulative {
                let p = params(serde_json::json!({ "indicator": def.name }));
                issues.push(row, "", &def.name, "import.indicators.no_cumulative", p, Severity::Warning);
                cumulative = None;
            }
            let mut check = |r: Result<(), DomainError>, v: Amount| {
                if let Err(e) = r {
                    issues.domain(row, &def.name, &v.to_string(), &e);
                }
            };
            check(check_value(def, value, None), value);
            if let Some(ly) = last_year {
                check(check_value(def, ly, None), ly);
            }
            if let (Some(c), Some(m)) = (cumulative, month) {
                check(check_value(def, c, None), c);
                let prev = previous.get(&e.id).and_then(|p| p.get(i).copied().flatten());
                check(check_cumulative(def, m, c, prev), c);
                check(check_cumulative(def, m, c, (m.month > 1).then_some(value)), c);
            }
            entries.push(IndicatorEntry { key: def.key.clone(), value, cumulative, last_year });
        }
        if let Some(m) = month {
            let report = IndicatorReport {
                enterprise_id: e.id.clone(),
                month: m,
                entries: entries.clone(),
                note: String::new(),
                late: false,
            };
            commands.push(Command::ReportIndicators { report });
        }
        planned_rows.push(IndicatorRow { row, enterprise_id: e.id, enterprise_name: e.name, entries });
    }
    let errors = issues.0.iter().filter(|x| x.severity == Severity::Error).count();
    let mut header_rows = vec![h as u32 + 1];
    if sub {
        header_rows.push(h as u32 + 2);
    }
    let preview = IndicatorImportPreview {
        file: file_name(path),
        sheet: workbook.sheet.name.clone(),
        sheets: workbook.sheet_names.clone(),
        header_rows,
        month,
        month_source: month_source.to_string(),
        columns,
        rows_read: rows.len().saturating_sub(data_from) as u32,
        rows: planned_rows,
        skipped,
        issues: issues.0,
        can_commit: errors == 0 && month.is_some(),
        file_sha256: hex::encode(Sha256::digest(&bytes)),
    };
    Ok(Planned { preview, commands })
}

/// What importing `path` would record, row by row; writes nothing.
pub fn preview_indicators(
    ledger: &Ledger,
    path: &Path,
    opts: &IndicatorImportOptions,
    now: DateTime<Utc>,
) -> Result<IndicatorImportPreview, ImportError> {
    Ok(plan(ledger, path, opts, now)?.preview)
}

/// Records every row's report in one transaction, or nothing: refused while the preview has an
/// error, and a refusal by the ledger names the row it came from.
pub fn commit_indicators(
    ledger: &mut Ledger,
    user: &str,
    path: &Path,
    opts: &IndicatorImportOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<IndicatorImportOutcome, ImportError> {
    let actor = ledger.actor(user)?;
    // A township imports its own enterprises' forms (each row is still decided: another
    // township's enterprise is refused); the office any.
    if !matches!(actor.user.role, taizhang_core::Role::Office | taizhang_core::Role::Township) {
        return Err(ImportError::Ledger(
            DomainError::forbidden(&actor.user.login, "import", taizhang_core::ForbiddenReason::ImportTownshipOrOffice)
                .into(),
        ));
    }
    let planned = plan(ledger, path, opts, now)?;
    let errors = planned.preview.issues.iter().filter(|i| i.severity == Severity::Error).count() as u32;
    if errors > 0 || planned.preview.month.is_none() {
        return Err(ImportError::HasErrors { errors: errors.max(1) });
    }
    let rows: Vec<u32> = planned.preview.rows.iter().map(|r| r.row).collect();
    let events = ledger.execute_batch(user, &planned.commands, now, progress).map_err(|(i, e)| match rows.get(i) {
        Some(row) => ImportError::Refused { row: *row, source: e },
        None => ImportError::Ledger(e),
    })?;
    Ok(IndicatorImportOutcome { preview: planned.preview, events })
}
