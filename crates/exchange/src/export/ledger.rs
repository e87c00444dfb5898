//! The ledger (or any filtered view of it) as .xlsx in the usual 台账 layout, and as CSV.
//!
//! Sheet 问题台账: row 1 the merged title "{区}企业问题台账", row 2 the export time, the filter
//! and the row count, row 3 the Chinese header (frozen, with filters), then one row per
//! problem. Dates are real date cells; status and escalation cells are coloured; overdue rows
//! have a light red fill. A second sheet 导出信息 records the filter, the sort and the ledger's
//! chain heads. The importer reads the header names back, so `LEDGER_HEADERS` is a contract.
//!
//! The worksheet is written in constant-memory mode: each row goes to a temporary file as
//! soon as the next starts, and rows come one at a time from `Ledger::export_rows`, so memory
//! stays flat however long the ledger is. That mode only writes forwards, which is why every
//! piece of sheet setup (widths, panes, filter range) happens in `begin`, before the first row.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};
use taizhang_core::*;
use taizhang_ledger::{ChainHead, ExportRow, Ledger, LedgerError, ProblemFilter, RowSink, Sort, SortKey};

use super::file::PendingFile;
use super::style;
use super::{beijing_minute, write_date_cell, ExportError, ExportSummary, MAX_XLSX_ROWS};
use taizhang_ledger::OutputTarget;

pub const LEDGER_SHEET: &str = "问题台账";
pub const INFO_SHEET: &str = "导出信息";

/// The header of the ledger sheet and of the CSV, in column order.
pub const LEDGER_HEADERS: [&str; 23] = [
    "序号",
    "问题编号",
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "问题来源",
    "问题类别",
    "问题描述",
    "企业诉求",
    "提出时间",
    "交办时间",
    "牵头单位",
    "配合单位",
    "责任领导",
    "责任人",
    "办理时限",
    "签收时间",
    "办理状态",
    "督办等级",
    "办结时间",
    "办理结果",
    "企业评价",
    "销号时间",
];

/// Index of 办理时限, in red on rows past it.
const DEADLINE_COL: usize = 15;

/// Between supporter names in one cell, as offices write them.
pub const UNIT_SEPARATOR: &str = "、";

/// How rows are reported to the progress callback: often enough for a progress bar, rarely
/// enough to cost nothing.
const PROGRESS_EVERY: u64 = 500;

/// Rows written so far, reported to the caller's callback now and then.
struct Progress<'a> {
    callback: &'a mut dyn FnMut(u64, u64),
    total: u64,
    written: u64,
    reported: u64,
}

impl<'a> Progress<'a> {
    fn new(callback: &'a mut dyn FnMut(u64, u64)) -> Self {
        Progress { callback, total: 0, written: 0, reported: 0 }
    }

    fn begin(&mut self, total: u64) {
        self.total = total;
        (self.callback)(0, total);
    }

    /// Counts one more row and returns its 1-based serial number.
    fn row(&mut self) -> u64 {
        self.written += 1;
        if self.written >= self.reported + PROGRESS_EVERY {
            self.reported = self.written;
            (self.callback)(self.written, self.total);
        }
        self.written
    }

    fn finish(&mut self) {
        if self.reported != self.written || self.written == 0 {
            (self.callback)(self.written, self.total);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Serial,
    Text,
    Center,
    Wrap,
    Date,
    Status,
    Escalation,
}

/// (kind, width in Excel character units) of each column; CJK characters count about two.
const COLUMNS: [(Kind, f64); 23] = [
    (Kind::Serial, 6.0),
    (Kind::Text, 15.0),
    (Kind::Wrap, 28.0),
    (Kind::Text, 21.0),
    (Kind::Center, 11.0),
    (Kind::Center, 9.0),
    (Kind::Center, 13.0),
    (Kind::Wrap, 46.0),
    (Kind::Wrap, 32.0),
    (Kind::Date, 11.5),
    (Kind::Date, 11.5),
    (Kind::Wrap, 20.0),
    (Kind::Wrap, 24.0),
    (Kind::Center, 9.0),
    (Kind::Center, 9.0),
    (Kind::Date, 11.5),
    (Kind::Date, 11.5),
    (Kind::Center, 12.0),
    (Kind::Center, 9.0),
    (Kind::Date, 11.5),
    (Kind::Wrap, 40.0),
    (Kind::Center, 9.0),
    (Kind::Date, 11.5),
];

/// One cell of a ledger row, typed so the xlsx gets real dates and numbers.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Number(u64),
    Text(String),
    Date(Option<NaiveDate>),
    Status(Status),
    /// `None` when the item's clock is not running (no level applies).
    Escalation(Option<Escalation>),
}

impl Value {
    /// The CSV form: dates as YYYY-MM-DD, labels in Chinese.
    fn text(&self) -> String {
        match self {
            Value::Number(n) => n.to_string(),
            Value::Text(s) => s.clone(),
            Value::Date(d) => d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            Value::Status(s) => s.label_zh().to_string(),
            Value::Escalation(e) => e.map(|e| e.label_zh().to_string()).unwrap_or_default(),
        }
    }
}

/// The 办理结果 cell: the result text, marked with its type unless it is plainly 已解决.
/// Excel holds at most 32,767 UTF-16 units in a cell and refuses the whole workbook otherwise;
/// a longer text is cut with a note (the ledger and the CSV keep it whole).
fn excel_cell_text(s: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 32_767;
    const NOTE: &str = "…（超出 Excel 单元格长度上限，全文见台账）";
    if s.encode_utf16().count() <= MAX {
        return std::borrow::Cow::Borrowed(s);
    }
    let room = MAX - NOTE.encode_utf16().count();
    let mut used = 0;
    let mut cut = String::new();
    for c in s.chars() {
        used += c.len_utf16();
        if used > room {
            break;
        }
        cut.push(c);
    }
    cut.push_str(NOTE);
    std::borrow::Cow::Owned(cut)
}

fn result_cell(r: &ExportRow) -> String {
    let Some(text) = &r.result_text else { return String::new() };
    match r.result_type {
        None | Some(ResultType::Solved) => text.clone(),
        Some(t) => {
            let mut s = format!("【{}】{text}", t.label_zh());
            if let Some(e) = &r.result_explanation {
                s.push_str(&format!("（说明：{e}）"));
            }
            s
        }
    }
}

/// The row's cells, its texts moved rather than copied (an export makes 2.3 million cells).
fn values(serial: u64, r: ExportRow) -> [Value; 23] {
    let result = result_cell(&r);
    let escalation = r.status.clock_runs().then_some(r.lateness.level);
    [
        Value::Number(serial),
        Value::Text(r.number),
        Value::Text(r.enterprise_name),
        Value::Text(r.credit_code.unwrap_or_default()),
        Value::Text(r.township_name),
        Value::Text(r.source.label_zh().to_string()),
        Value::Text(r.category),
        Value::Text(r.description),
        Value::Text(r.demand),
        Value::Date(Some(r.raised_on)),
        Value::Date(r.assigned_on),
        Value::Text(r.lead_unit_name.unwrap_or_default()),
        Value::Text(r.supporter_names.join(UNIT_SEPARATOR)),
        Value::Text(r.responsible_leader),
        Value::Text(r.handler.unwrap_or_default()),
        Value::Date(r.handling_deadline),
        Value::Date(r.signed_on),
        Value::Status(r.status),
        Value::Escalation(escalation),
        Value::Date(r.resolved_on),
        Value::Text(result),
        Value::Text(r.satisfaction.map(|s| s.label_zh().to_string()).unwrap_or_default()),
        Value::Date(r.closed_on),
    ]
}

fn sort_label(sort: Sort) -> String {
    let key = match sort.key {
        SortKey::Registered => "登记时间",
        SortKey::Number => "问题编号",
        SortKey::Deadline => "办理时限",
        SortKey::Status => "办理状态",
        SortKey::Escalation => "督办等级",
        SortKey::Updated => "最近更新",
    };
    format!("{key}（{}）", if sort.descending { "降序" } else { "升序" })
}

fn yes_no(v: Option<bool>, yes: &str, no: &str) -> Option<String> {
    v.map(|v| if v { yes } else { no }.to_string())
}

fn range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Option<String> {
    match (from, to) {
        (Some(a), Some(b)) => Some(format!("{a}至{b}")),
        (Some(a), None) => Some(format!("{a}起")),
        (None, Some(b)) => Some(format!("至{b}")),
        (None, None) => None,
    }
}

/// The filter in words for the sheet's second row ("全部" when nothing is filtered). Unit ids
/// are shown by name; `enterprise_name` is the filtered enterprise's name, if any.
pub fn describe_filter(f: &ProblemFilter, units: &[Unit], enterprise_name: Option<&str>) -> String {
    let unit = |id: &str| units.iter().find(|u| u.id == id).map(|u| u.name.clone()).unwrap_or_else(|| id.to_string());
    let mut parts: Vec<String> = Vec::new();
    if !f.statuses.is_empty() {
        let labels: Vec<&str> = f.statuses.iter().map(|s| s.label_zh()).collect();
        parts.push(format!("办理状态：{}", labels.join("、")));
    }
    if let Some(id) = &f.township_id {
        parts.push(format!("所属镇街：{}", unit(id)));
    }
    if let Some(id) = &f.lead_unit_id {
        parts.push(format!("牵头单位：{}", unit(id)));
    }
    if let Some(id) = &f.supporter_unit_id {
        let open = if f.supporter_unsettled { "（未反馈意见）" } else { "" };
        parts.push(format!("配合单位：{}{open}", unit(id)));
    }
    if let Some(id) = &f.involved_unit_id {
        parts.push(format!("牵头或配合单位：{}", unit(id)));
    }
    if let Some(id) = &f.enterprise_id {
        parts.push(format!("企业：{}", enterprise_name.unwrap_or(id)));
    }
    if let Some(l) = &f.responsible_leader {
        parts.push(format!("负责领导：{l}"));
    }
    if let Some(l) = &f.paired_leader {
        parts.push(format!("包联领导：{l}"));
    }
    if !f.key_levels.is_empty() {
        let labels: Vec<&str> = f.key_levels.iter().map(|k| k.label_zh()).collect();
        parts.push(format!("重点企业级别：{}", labels.join("、")));
    }
    if let Some(c) = &f.category {
        parts.push(format!("问题类别：{c}"));
    }
    if let Some(p) = f.priority {
        parts.push(format!("紧急程度：{}", p.label_zh()));
    }
    parts.extend(yes_no(f.overdue, "仅超期", "不含超期"));
    if let Some(e) = f.escalation {
        parts.push(format!("督办等级：{}", e.label_zh()));
    }
    parts.extend(range(f.registered_from, f.registered_to).map(|r| format!("登记时间：{r}")));
    parts.extend(range(f.deadline_from, f.deadline_to).map(|r| format!("办理时限：{r}")));
    if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        parts.push(format!("关键词：“{t}”"));
    }
    parts.extend(yes_no(f.extension_pending, "有待审批的延期申请", "无待审批的延期申请"));
    parts.extend(yes_no(f.withdrawal_pending, "有待审批的撤回申请", "无待审批的撤回申请"));
    parts.extend(yes_no(f.evaluated, "已评价", "未评价"));
    if parts.is_empty() {
        "全部".into()
    } else {
        parts.join("；")
    }
}

/// What both formats need before the first row.
struct Heading {
    district_name: String,
    filter: String,
    sort: String,
    now: DateTime<Utc>,
}

impl Heading {
    fn read(ledger: &Ledger, filter: &ProblemFilter, sort: Sort, now: DateTime<Utc>) -> Result<Heading, LedgerError> {
        let units = ledger.units()?;
        let enterprise = match &filter.enterprise_id {
            Some(id) => ledger.find_enterprise(id)?.map(|e| e.name),
            None => None,
        };
        Ok(Heading {
            district_name: ledger.settings()?.district_name,
            filter: describe_filter(filter, &units, enterprise.as_deref()),
            sort: sort_label(sort),
            now,
        })
    }

    fn title(&self) -> String {
        format!("{}企业问题台账", self.district_name)
    }

    fn info_line(&self, total: u64) -> String {
        format!("导出时间：{}（北京时间）  筛选：{}  共 {total} 条", beijing_minute(self.now), self.filter)
    }
}

/// The formats of a ledger row: one per column kind, plain and overdue.
struct RowFormats {
    plain: Vec<Format>,
    overdue: Vec<Format>,
    status: Vec<(Status, Format)>,
    escalation: Vec<(Escalation, Format)>,
    overdue_deadline: Format,
}

impl RowFormats {
    fn new() -> RowFormats {
        let base = |k: Kind| match k {
            Kind::Serial | Kind::Center | Kind::Status | Kind::Escalation => style::centered(),
            Kind::Text => style::cell(),
            Kind::Wrap => style::wrapped(),
            Kind::Date => style::date(),
        };
        let kinds = [Kind::Serial, Kind::Text, Kind::Center, Kind::Wrap, Kind::Date, Kind::Status, Kind::Escalation];
        RowFormats {
            plain: kinds.iter().map(|k| base(*k)).collect(),
            overdue: kinds
                .iter()
                .map(|k| base(*k).set_background_color(rust_xlsxwriter::Color::RGB(style::OVERDUE_FILL)))
                .collect(),
            status: Status::ALL
                .iter()
                .map(|s| {
                    let (fill, font) = style::status_colors(*s);
                    (*s, style::filled(style::centered(), fill, font))
                })
                .collect(),
            escalation: Escalation::ALL
                .iter()
                .filter_map(|e| {
                    style::escalation_colors(*e)
                        .map(|(fill, font)| (*e, style::filled(style::centered(), fill, font).set_bold()))
                })
                .collect(),
            overdue_deadline: style::filled(style::date(), style::OVERDUE_FILL, style::OVERDUE_FONT).set_bold(),
        }
    }

    fn kind(&self, kind: Kind, overdue: bool) -> &Format {
        let i = kind as usize;
        if overdue {
            &self.overdue[i]
        } else {
            &self.plain[i]
        }
    }
}

struct XlsxSink<'a> {
    sheet: &'a mut Worksheet,
    heading: &'a Heading,
    formats: RowFormats,
    progress: Progress<'a>,
    chain_heads: Vec<ChainHead>,
}

const TOP_ROWS: u32 = 3;

/// The deflate level of the ledger workbook (see `export_ledger_xlsx`).
const ZIP_LEVEL: u8 = 4;

impl RowSink for XlsxSink<'_> {
    type Error = ExportError;

    fn begin(&mut self, total: u64, chain_heads: &[ChainHead]) -> Result<(), ExportError> {
        if total > MAX_XLSX_ROWS {
            return Err(ExportError::TooManyRows { rows: total, max: MAX_XLSX_ROWS });
        }
        self.chain_heads = chain_heads.to_vec();
        let last_col = (LEDGER_HEADERS.len() - 1) as u16;
        let ws = &mut *self.sheet;
        let x = |e: rust_xlsxwriter::XlsxError| ExportError::Spreadsheet { reason: e.to_string() };
        ws.set_name(LEDGER_SHEET).map_err(x)?;
        for (i, (_, width)) in COLUMNS.iter().enumerate() {
            ws.set_column_width(i as u16, *width).map_err(x)?;
        }
        ws.set_freeze_panes(TOP_ROWS, 0).map_err(x)?;
        ws.autofilter(TOP_ROWS - 1, 0, TOP_ROWS - 1 + total as u32, last_col).map_err(x)?;
        ws.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(TOP_ROWS - 1, TOP_ROWS - 1).map_err(x)?;
        ws.set_row_height(0, 30).map_err(x)?;
        ws.merge_range(0, 0, 0, last_col, &self.heading.title(), &style::title()).map_err(x)?;
        ws.set_row_height(1, 20).map_err(x)?;
        ws.merge_range(1, 0, 1, last_col, &self.heading.info_line(total), &style::subtitle()).map_err(x)?;
        ws.set_row_height(2, 28).map_err(x)?;
        let header = style::header();
        for (i, h) in LEDGER_HEADERS.iter().enumerate() {
            ws.write_string_with_format(2, i as u16, *h, &header).map_err(x)?;
        }
        self.progress.begin(total);
        Ok(())
    }

    fn row(&mut self, r: ExportRow) -> Result<(), ExportError> {
        let serial = self.progress.row();
        let row = TOP_ROWS - 1 + serial as u32;
        let overdue = r.overdue();
        let deadline_past = r.lateness.handling_overdue;
        let f = &self.formats;
        let ws = &mut *self.sheet;
        let x = |e: rust_xlsxwriter::XlsxError| ExportError::Spreadsheet { reason: e.to_string() };
        for (i, v) in values(serial, r).into_iter().enumerate() {
            let col = i as u16;
            let kind = COLUMNS[i].0;
            let fmt = f.kind(kind, overdue);
            match v {
                Value::Number(n) => ws.write_number_with_format(row, col, n as f64, fmt),
                Value::Text(s) if s.is_empty() => ws.write_blank(row, col, fmt),
                // The String itself, so the writer keeps it without another copy.
                Value::Text(s) => {
                    let cut = match excel_cell_text(&s) {
                        std::borrow::Cow::Owned(cut) => Some(cut),
                        std::borrow::Cow::Borrowed(_) => None,
                    };
                    ws.write_string_with_format(row, col, cut.unwrap_or(s), fmt)
                }
                Value::Date(None) => ws.write_blank(row, col, fmt),
                Value::Date(Some(d)) if i == DEADLINE_COL && deadline_past => {
                    write_date_cell(ws, row, col, d, &f.overdue_deadline)
                }
                Value::Date(Some(d)) => write_date_cell(ws, row, col, d, fmt),
                Value::Status(s) => {
                    let sf = f.status.iter().find(|(k, _)| *k == s).map(|(_, f)| f).unwrap_or(fmt);
                    ws.write_string_with_format(row, col, s.label_zh(), sf)
                }
                Value::Escalation(None) => ws.write_blank(row, col, fmt),
                Value::Escalation(Some(e)) => {
                    let ef = f.escalation.iter().find(|(k, _)| *k == e).map(|(_, f)| f).unwrap_or(fmt);
                    ws.write_string_with_format(row, col, e.label_zh(), ef)
                }
            }
            .map_err(x)?;
        }
        Ok(())
    }
}

/// The 导出信息 sheet: what was exported, how, and the ledger's chain heads.
fn write_info_sheet(
    wb: &mut Workbook,
    heading: &Heading,
    rows: u64,
    heads: &[ChainHead],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(INFO_SHEET)?;
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, 40)?;
    ws.set_column_width(2, 12)?;
    ws.set_column_width(3, 70)?;
    let label = style::cell().set_bold();
    let value = style::wrapped().set_align(FormatAlign::Left);
    ws.merge_range(0, 0, 0, 3, &heading.title(), &style::title())?;
    let facts = [
        ("导出时间", format!("{}（北京时间）", beijing_minute(heading.now))),
        ("筛选条件", heading.filter.clone()),
        ("排序", heading.sort.clone()),
        ("导出条数", rows.to_string()),
    ];
    for (i, (k, v)) in facts.iter().enumerate() {
        let r = 2 + i as u32;
        ws.write_string_with_format(r, 0, *k, &label)?;
        ws.merge_range(r, 1, r, 3, v, &value)?;
    }
    let r0 = 3 + facts.len() as u32;
    ws.merge_range(
        r0,
        0,
        r0,
        3,
        "数据链（导出时各设备事件链的链头，可用于日后核对台账文件是否被删改）",
        &style::subtitle(),
    )?;
    let header = style::header();
    for (c, h) in ["序号", "设备编号", "事件数", "链头哈希（SHA-256）"].iter().enumerate() {
        ws.write_string_with_format(r0 + 1, c as u16, *h, &header)?;
    }
    for (i, h) in heads.iter().enumerate() {
        let r = r0 + 2 + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &style::centered())?;
        ws.write_string_with_format(r, 1, &h.device_id, &style::cell())?;
        ws.write_number_with_format(r, 2, h.events as f64, &style::centered())?;
        ws.write_string_with_format(r, 3, &h.head_hash, &style::cell())?;
    }
    Ok(())
}

/// Writes the problems `filter` selects, in `sort` order, as an .xlsx ledger at `out`.
/// `progress(done, total)` is called as rows are written. Nothing is left at `out` unless the
/// whole file was written; a previous file there is replaced only then, and only when `out`
/// says so (`OutputTarget::replacing`; see `check_output_target` for what is never replaced).
pub fn export_ledger_xlsx<'a>(
    ledger: &Ledger,
    filter: &ProblemFilter,
    sort: Sort,
    now: DateTime<Utc>,
    out: impl Into<OutputTarget<'a>>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ExportSummary, ExportError> {
    let target = out.into();
    let out = target.path;
    let (pending, file) = PendingFile::create(target, ledger.path())?;
    let heading = Heading::read(ledger, filter, sort, now)?;
    let mut wb = Workbook::new();
    let x = |e: rust_xlsxwriter::XlsxError| ExportError::spreadsheet(e, pending.target());
    // The rows spill to a temporary file; beside the target rather than in the system temp
    // folder, which is often a RAM disk on Linux and would defeat the purpose.
    wb.set_tempdir(pending.dir()).map_err(x)?;
    // Deflate level 4 instead of the default 6: the sheet's XML (137 MB for 100,000 rows) was
    // compressed in 3.6 s at level 6 and 2.5 s at level 4, for a file 6 % larger (17.7 → 18.8
    // MB); the compression was a third of an export (bench/notes.md, stop 31).
    wb.set_zip_compression_level(ZIP_LEVEL);
    let sheet = wb.add_worksheet_with_constant_memory().map_err(x)?;
    let mut sink = XlsxSink {
        sheet,
        heading: &heading,
        formats: RowFormats::new(),
        progress: Progress::new(progress),
        chain_heads: vec![],
    };
    let rows = ledger.export_rows(filter, sort, now, &mut sink)?;
    sink.progress.finish();
    let chain_heads = std::mem::take(&mut sink.chain_heads);
    write_info_sheet(&mut wb, &heading, rows, &chain_heads).map_err(x)?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_title(heading.title()));
    let mut writer = BufWriter::new(file);
    wb.save_to_writer(&mut writer).map_err(x)?;
    let file = writer
        .into_inner()
        .map_err(|e| ExportError::Write { path: out.display().to_string(), reason: e.error().to_string() })?;
    pending.commit(file)?;
    Ok(ExportSummary { rows, path: out.display().to_string(), chain_heads })
}

struct CsvSink<'a> {
    writer: csv::Writer<BufWriter<File>>,
    progress: Progress<'a>,
    chain_heads: Vec<ChainHead>,
    path: &'a Path,
}

impl CsvSink<'_> {
    fn fail(&self, e: csv::Error) -> ExportError {
        ExportError::Write { path: self.path.display().to_string(), reason: e.to_string() }
    }
}

impl RowSink for CsvSink<'_> {
    type Error = ExportError;

    fn begin(&mut self, total: u64, chain_heads: &[ChainHead]) -> Result<(), ExportError> {
        self.chain_heads = chain_heads.to_vec();
        self.writer.write_record(LEDGER_HEADERS).map_err(|e| self.fail(e))?;
        self.progress.begin(total);
        Ok(())
    }

    fn row(&mut self, r: ExportRow) -> Result<(), ExportError> {
        let serial = self.progress.row();
        let record = values(serial, r).map(|v| v.text());
        self.writer.write_record(&record).map_err(|e| self.fail(e))?;
        Ok(())
    }
}

/// The same rows and columns as `export_ledger_xlsx`, as CSV: UTF-8 with a BOM (Excel and WPS
/// take BOM-less files for the local code page), the header row only, dates as YYYY-MM-DD,
/// CRLF line ends.
pub fn export_ledger_csv<'a>(
    ledger: &Ledger,
    filter: &ProblemFilter,
    sort: Sort,
    now: DateTime<Utc>,
    out: impl Into<OutputTarget<'a>>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ExportSummary, ExportError> {
    let target = out.into();
    let out = target.path;
    let (pending, file) = PendingFile::create(target, ledger.path())?;
    let io_fail = |e: std::io::Error| ExportError::Write { path: out.display().to_string(), reason: e.to_string() };
    let mut buf = BufWriter::new(file);
    buf.write_all("\u{FEFF}".as_bytes()).map_err(io_fail)?;
    let writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(buf);
    let mut sink = CsvSink { writer, progress: Progress::new(progress), chain_heads: vec![], path: out };
    let rows = ledger.export_rows(filter, sort, now, &mut sink)?;
    sink.progress.finish();
    let buf = sink.writer.into_inner().map_err(|e| io_fail(std::io::Error::other(e.error().to_string())))?;
    let file = buf.into_inner().map_err(|e| io_fail(std::io::Error::other(e.error().to_string())))?;
    pending.commit(file)?;
    Ok(ExportSummary { rows, path: out.display().to_string(), chain_heads: sink.chain_heads })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cell_too_long_for_excel_is_cut_with_a_note() {
        let short = "办理结果";
        assert_eq!(super::excel_cell_text(short), short);
        let long = "😀".repeat(20_000);
        let cut = super::excel_cell_text(&long);
        assert!(cut.encode_utf16().count() <= 32_767);
        assert!(cut.ends_with("全文见台账）"));
    }

    use super::*;

    fn unit(id: &str, name: &str, kind: UnitKind) -> Unit {
        Unit { id: id.into(), name: name.into(), short_name: name.into(), kind, active: true }
    }

    #[test]
    fn every_column_has_a_kind_and_width() {
        assert_eq!(LEDGER_HEADERS.len(), COLUMNS.len());
        assert_eq!(LEDGER_HEADERS[DEADLINE_COL], "办理时限");
        for (i, h) in LEDGER_HEADERS.iter().enumerate() {
            let is_date = h.ends_with("时间") || *h == "办理时限";
            assert_eq!(COLUMNS[i].0 == Kind::Date, is_date, "{h}");
        }
        assert_eq!(COLUMNS[17].0, Kind::Center, "办理状态 is written as a status");
    }

    #[test]
    fn an_empty_filter_reads_all() {
        assert_eq!(describe_filter(&ProblemFilter::default(), &[], None), "全部");
    }

    #[test]
    fn a_filter_is_described_with_names_and_labels() {
        let units = [unit("t1", "城关街道", UnitKind::Township), unit("d1", "区工业和信息化局", UnitKind::Department)];
        let f = ProblemFilter {
            statuses: vec![Status::Assigned, Status::InProgress],
            township_id: Some("t1".into()),
            supporter_unit_id: Some("d1".into()),
            supporter_unsettled: true,
            enterprise_id: Some("e1".into()),
            overdue: Some(true),
            escalation: Some(Escalation::Red),
            registered_from: NaiveDate::from_ymd_opt(2026, 3, 1),
            deadline_to: NaiveDate::from_ymd_opt(2026, 6, 30),
            text: Some("  用地 ".into()),
            evaluated: Some(false),
            ..Default::default()
        };
        assert_eq!(
            describe_filter(&f, &units, Some("恒达机械")),
            "办理状态：待签收、办理中；所属镇街：城关街道；配合单位：区工业和信息化局（未反馈意见）；企业：恒达机械；\
             仅超期；督办等级：红牌；登记时间：2026-03-01起；办理时限：至2026-06-30；关键词：“用地”；未评价"
        );
    }

    #[test]
    fn the_units_own_items_leaders_and_key_levels_are_described() {
        let units = [unit("d1", "区工业和信息化局", UnitKind::Department)];
        let f = ProblemFilter {
            involved_unit_id: Some("d1".into()),
            responsible_leader: Some("李副区长".into()),
            paired_leader: Some("赵书记".into()),
            key_levels: vec![KeyLevel::District, KeyLevel::Town],
            ..Default::default()
        };
        assert_eq!(
            describe_filter(&f, &units, None),
            "牵头或配合单位：区工业和信息化局；负责领导：李副区长；包联领导：赵书记；重点企业级别：区级重点、镇级重点"
        );
    }

    #[test]
    fn unknown_unit_ids_are_shown_as_they_are() {
        let f = ProblemFilter { lead_unit_id: Some("gone".into()), ..Default::default() };
        assert_eq!(describe_filter(&f, &[], None), "牵头单位：gone");
    }

    #[test]
    fn sort_is_described() {
        assert_eq!(sort_label(Sort::default()), "登记时间（降序）");
        assert_eq!(sort_label(Sort { key: SortKey::Deadline, descending: false }), "办理时限（升序）");
    }

    #[test]
    fn progress_starts_at_zero_and_ends_at_the_total() {
        let mut calls = vec![];
        let mut cb = |d, t| calls.push((d, t));
        let mut p = Progress::new(&mut cb);
        p.begin(1200);
        for i in 1..=1200 {
            assert_eq!(p.row(), i);
        }
        p.finish();
        assert_eq!(calls, vec![(0, 1200), (500, 1200), (1000, 1200), (1200, 1200)]);
        let mut calls = vec![];
        let mut cb = |d, t| calls.push((d, t));
        let mut p = Progress::new(&mut cb);
        p.begin(0);
        p.finish();
        assert_eq!(calls, vec![(0, 0), (0, 0)]);
    }

    #[test]
    fn csv_cells_use_labels_and_plain_dates() {
        assert_eq!(Value::Date(NaiveDate::from_ymd_opt(2026, 3, 5)).text(), "2026-03-05");
        assert_eq!(Value::Date(None).text(), "");
        assert_eq!(Value::Status(Status::InProgress).text(), "办理中");
        assert_eq!(Value::Escalation(Some(Escalation::Yellow)).text(), "黄牌");
        assert_eq!(Value::Escalation(None).text(), "");
        assert_eq!(Value::Number(12).text(), "12");
    }
}
