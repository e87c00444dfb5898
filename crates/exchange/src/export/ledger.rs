//! The ledger (or any filtered view of it) as .xlsx in the usual 台账 layout, and as CSV.
//!
//! Sheet 问题台账: row 1 the merged title "{区}企业问题台账", row 2 the export time, the filter
//! and the row count, row 3 the Chinese header (frozen, with filters), then one row per
//! problem. Dates are real date cells; status and escalation cells are coloured; overdue rows
//! have a light red fill. A second sheet 导出信息 records the filter, the sort and the ledger's
//! chain heads. The importer reads the header names back, so `LEDGER_HEADERS` is a contract.
//!
//! The .xlsx is written by `ledger_sheet`; this module holds what both formats share (the
//! columns, the cells of a row, the heading, progress) and the CSV.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use taizhang_core::*;
use taizhang_ledger::{ChainHead, ExportRow, Ledger, LedgerError, ProblemFilter, RowSink, Sort, SortKey};

use super::file::PendingFile;
use super::{beijing_minute, ExportError, ExportSummary};
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
pub(super) const DEADLINE_COL: usize = 15;

/// Between supporter names in one cell, as offices write them.
pub const UNIT_SEPARATOR: &str = "、";

/// How rows are reported to the progress callback: often enough for a progress bar, rarely
/// enough to cost nothing.
const PROGRESS_EVERY: u64 = 500;

/// Rows written so far, reported to the caller's callback now and then.
pub(super) struct Progress<'a> {
    callback: &'a mut dyn FnMut(u64, u64),
    total: u64,
    written: u64,
    reported: u64,
}

impl<'a> Progress<'a> {
    pub(super) fn new(callback: &'a mut dyn FnMut(u64, u64)) -> Self {
        Progress { callback, total: 0, written: 0, reported: 0 }
    }

    pub(super) fn begin(&mut self, total: u64) {
        self.total = total;
        (self.callback)(0, total);
    }

    /// Counts one more row and returns its 1-based serial number.
    pub(super) fn row(&mut self) -> u64 {
        self.written += 1;
        if self.written >= self.reported + PROGRESS_EVERY {
            self.reported = self.written;
            (self.callback)(self.written, self.total);
        }
        self.written
    }

    pub(super) fn finish(&mut self) {
        if self.reported != self.written || self.written == 0 {
            (self.callback)(self.written, self.total);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Serial,
    Text,
    Center,
    Wrap,
    Date,
    Status,
    Escalation,
}

/// (kind, width in Excel character units) of each column; CJK characters count about two.
pub(super) const COLUMNS: [(Kind, f64); 23] = [
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
pub(super) enum Value {
    Number(u64),
    Text(String),
    Date(Option<NaiveDate>),
    Status(Status),
    /// `None` when the item's clock is not running (no level applies).
    Escalation(Option<Escalation>),
}

impl Value {
    /// The CSV form: dates as YYYY-MM-DD, labels in Chinese.
    fn into_text(self) -> String {
        match self {
            Value::Number(n) => n.to_string(),
            Value::Text(s) => s,
            Value::Date(d) => d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            Value::Status(s) => s.label_zh().to_string(),
            Value::Escalation(e) => e.map(|e| e.label_zh().to_string()).unwrap_or_default(),
        }
    }
}

/// The 办理结果 cell: the result text, marked with its type unless it is plainly 已解决.
/// Excel holds at most 32,767 UTF-16 units in a cell and refuses the whole workbook otherwise;
/// a longer text is cut with a note (the ledger and the CSV keep it whole).
pub(super) fn excel_cell_text(s: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 32_767;
    const NOTE: &str = "…（超出 Excel 单元格长度上限，全文见台账）";
    // A character is never more UTF-16 units than UTF-8 bytes: most cells are decided by
    // their length alone, without walking their text.
    if s.len() <= MAX || s.encode_utf16().count() <= MAX {
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

fn result_cell(text: Option<String>, kind: Option<ResultType>, explanation: Option<String>) -> String {
    let Some(text) = text else { return String::new() };
    match kind {
        None | Some(ResultType::Solved) => text,
        Some(t) => {
            let mut s = format!("【{}】{text}", t.label_zh());
            if let Some(e) = explanation {
                s.push_str(&format!("（说明：{e}）"));
            }
            s
        }
    }
}

/// The row's cells in `LEDGER_HEADERS` order. The row is taken apart, so its texts move into
/// their cells instead of being copied (2.3M cells at 100,000 rows).
pub(super) fn values(serial: u64, r: ExportRow) -> [Value; 23] {
    let level = r.status.clock_runs().then_some(r.lateness.level);
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
        Value::Escalation(level),
        Value::Date(r.resolved_on),
        Value::Text(result_cell(r.result_text, r.result_type, r.result_explanation)),
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
pub(super) struct Heading {
    district_name: String,
    pub(super) filter: String,
    pub(super) sort: String,
    pub(super) now: DateTime<Utc>,
}

impl Heading {
    pub(super) fn read(
        ledger: &Ledger,
        filter: &ProblemFilter,
        sort: Sort,
        now: DateTime<Utc>,
    ) -> Result<Heading, LedgerError> {
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

    pub(super) fn title(&self) -> String {
        format!("{}企业问题台账", self.district_name)
    }

    pub(super) fn info_line(&self, total: u64) -> String {
        format!("导出时间：{}（北京时间）  筛选：{}  共 {total} 条", beijing_minute(self.now), self.filter)
    }
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
        let record = values(serial, r).map(Value::into_text);
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
        assert_eq!(Value::Date(NaiveDate::from_ymd_opt(2026, 3, 5)).into_text(), "2026-03-05");
        assert_eq!(Value::Date(None).into_text(), "");
        assert_eq!(Value::Status(Status::InProgress).into_text(), "办理中");
        assert_eq!(Value::Escalation(Some(Escalation::Yellow)).into_text(), "黄牌");
        assert_eq!(Value::Escalation(None).into_text(), "");
        assert_eq!(Value::Number(12).into_text(), "12");
    }
}
