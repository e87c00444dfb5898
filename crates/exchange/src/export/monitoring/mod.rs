//! The monitoring reports (issue 18; docs/monitoring.md) as the workbooks offices send up:
//!
//! - `monthly`: 重点企业主要经济指标月报 of a month (`Ledger::monthly_report`): each key
//!   enterprise by township with 本月, 1—本月累计 and 同比 per indicator, a 小计 per township, the
//!   district's 合计, 未报 rows never left out, late corrections marked.
//! - `production`: 主要产品产销旬报 of a 旬 (`Ledger::production_summary`), with who did not
//!   report.
//! - `projects`: 重点项目进度月报 (`Ledger::projects`): 完成率 against 序时进度 and the pace.
//! - `warnings`: 预警清单 (`Ledger::warnings`): each warning in words, with the three levels
//!   answering for it and what was done.
//!
//! The figures are the ledger's and the core's; these only lay them out. Every workbook is
//! written as the other exports are: a temporary file beside the target, renamed over it when
//! complete (`file::PendingFile`). Numbers are numbers (two-decimal formats); an undefined rate
//! is "—", never 0 or infinity; each sheet prints on A4 landscape, one page wide, with its
//! title and header rows repeated on every page.

mod monthly;
mod production;
mod projects;
mod warnings;

use std::io::BufWriter;
use std::path::Path;

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet, XlsxError};
use taizhang_core::monitoring::{Amount, Month};
use taizhang_ledger::{ChainHead, OutputTarget};

use super::file::PendingFile;
use super::style;
use super::{beijing_minute, ExportError, ExportSummary};

pub use monthly::{export_monthly_report_xlsx, write_monthly_report, MONTHLY_SHEET, NOT_REPORTED};
pub use production::{export_production_xlsx, write_production_summary, PRODUCTION_SHEET};
pub use projects::{export_projects_xlsx, write_projects, PROJECTS_HEADERS, PROJECTS_SHEET};
pub use warnings::{export_warnings_xlsx, write_warnings, WARNINGS_HEADERS, WARNINGS_SHEET};

/// Shown for a rate that has no value (last year zero or missing, no plan): never 0 or ∞.
pub const NO_RATE: &str = "—";

/// The number format of amounts: thousands separators, two decimals.
pub(crate) const AMOUNT_FORMAT: &str = "#,##0.00";
/// Percentages are written as their number of percent (97.4 for 97.40 %) under a "%" header,
/// as the paper forms print them.
pub(crate) const RATE_FORMAT: &str = "0.00";

type X<T> = Result<T, XlsxError>;

/// The formats a monitoring sheet uses, created once per workbook.
pub(crate) struct Formats {
    pub text: Format,
    pub center: Format,
    pub wrap: Format,
    pub amount: Format,
    pub count: Format,
    pub rate: Format,
    pub header: Format,
    pub total_text: Format,
    pub total_amount: Format,
    pub total_count: Format,
    pub total_rate: Format,
    pub not_reported: Format,
    pub late: Format,
    pub note: Format,
}

impl Formats {
    pub fn new() -> Formats {
        let total_fill = |f: Format| f.set_bold().set_background_color(Color::RGB(0xF2F2F2));
        Formats {
            text: style::cell(),
            center: style::centered(),
            wrap: style::wrapped(),
            amount: style::cell().set_align(FormatAlign::Right).set_num_format(AMOUNT_FORMAT),
            count: style::cell().set_align(FormatAlign::Right).set_num_format("#,##0"),
            rate: style::cell().set_align(FormatAlign::Right).set_num_format(RATE_FORMAT),
            header: style::header(),
            total_text: total_fill(style::centered()),
            total_amount: total_fill(style::cell().set_align(FormatAlign::Right).set_num_format(AMOUNT_FORMAT)),
            total_count: total_fill(style::cell().set_align(FormatAlign::Right).set_num_format("#,##0")),
            total_rate: total_fill(style::cell().set_align(FormatAlign::Right).set_num_format(RATE_FORMAT)),
            not_reported: style::filled(style::centered(), style::OVERDUE_FILL, style::OVERDUE_FONT),
            late: style::filled(style::cell(), 0xFFF2CC, 0x7F6000),
            note: style::subtitle().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// An amount cell, or "—" when the figure is unknown.
pub(crate) fn amount(ws: &mut Worksheet, r: u32, c: u16, v: Option<Amount>, f: &Format, blank: &Format) -> X<()> {
    match v {
        Some(v) => ws.write_number_with_format(r, c, v.as_f64(), f)?,
        None => ws.write_string_with_format(r, c, NO_RATE, blank)?,
    };
    Ok(())
}

/// A percentage cell (the number of percent), or "—" when undefined.
pub(crate) fn rate(ws: &mut Worksheet, r: u32, c: u16, v: Option<f64>, f: &Format, blank: &Format) -> X<()> {
    match v.filter(|x| x.is_finite()) {
        Some(v) => ws.write_number_with_format(r, c, v, f)?,
        None => ws.write_string_with_format(r, c, NO_RATE, blank)?,
    };
    Ok(())
}

/// A row height that shows every line of the wrapped `cells` (text, column width): Excel and
/// WPS do not grow a row for wrapped text written by a program, so a long warning or
/// difficulty would be cut off in print. A CJK character is two width units.
pub(crate) fn fit_height(cells: &[(&str, f64)]) -> f64 {
    let lines = cells
        .iter()
        .map(|(text, width)| {
            text.split('\n')
                .map(|line| {
                    let units: f64 = line.chars().map(|c| if c.is_ascii() { 0.9 } else { 1.8 }).sum();
                    (units / (width * 1.1 - 1.0).max(1.0)).ceil().max(1.0)
                })
                .sum::<f64>()
        })
        .fold(1.0, f64::max);
    (lines * 13.5 + 3.0).max(16.0)
}

/// "2026年3月".
pub fn month_label(m: Month) -> String {
    format!("{}年{}月", m.year, m.month)
}

/// The title (row 1, merged over `last_col`) and the line under it (row 2); A4 landscape, one
/// page wide, rows `0..=repeat_to` repeated on every printed page, page numbers in the footer.
pub(crate) fn heading(ws: &mut Worksheet, name: &str, title: &str, line: &str, last_col: u16) -> X<()> {
    ws.set_name(name)?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(0, 0, 0, last_col, title, &style::title())?;
    ws.set_row_height(1, 30)?;
    ws.merge_range(1, 0, 1, last_col, line, &style::subtitle().set_text_wrap())?;
    ws.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3);
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// "生成时间：2026-12-07 10:00（北京时间）".
pub(crate) fn made_at(now: DateTime<Utc>) -> String {
    format!("生成时间：{}（北京时间）", beijing_minute(now))
}

/// Saves `wb` at the target through a temporary file (see the module's doc).
pub(crate) fn save(
    mut wb: Workbook,
    target: OutputTarget<'_>,
    open_ledger: Option<&Path>,
    rows: u64,
    chain_heads: Vec<ChainHead>,
) -> Result<ExportSummary, ExportError> {
    let out = target.path;
    let (pending, file) = PendingFile::create(target, open_ledger)?;
    let x = |e: XlsxError| ExportError::spreadsheet(e, pending.target());
    let mut writer = BufWriter::new(file);
    wb.save_to_writer(&mut writer).map_err(x)?;
    let file = writer
        .into_inner()
        .map_err(|e| ExportError::Write { path: out.display().to_string(), reason: e.error().to_string() })?;
    pending.commit(file)?;
    Ok(ExportSummary { rows, path: out.display().to_string(), chain_heads })
}

/// Refuses a bad target before anything is read from the ledger.
pub(crate) fn vet(target: OutputTarget<'_>, open_ledger: Option<&Path>) -> Result<(), ExportError> {
    drop(PendingFile::create(target, open_ledger)?);
    Ok(())
}

pub(crate) fn spreadsheet_error(e: XlsxError, out: &Path) -> ExportError {
    ExportError::spreadsheet(e, out)
}

#[cfg(test)]
pub(crate) mod test_support;
