//! The ledger as .xlsx: the sheet 问题台账 in the usual 台账 layout and the sheet 导出信息
//! (see `ledger` for the columns and what both formats share).
//!
//! Reading and writing overlap. The rows are read from the ledger on the caller's thread (its
//! connection stays there) and handed in batches, through a bounded channel, to a thread that
//! writes the sheet; at 100,000 rows each side takes seconds, and on two cores they take them
//! side by side. The worksheet is written in constant-memory mode: each row goes to a
//! temporary file as soon as the next starts, and at most `IN_FLIGHT` batches wait between the
//! two threads, so memory stays flat however long the ledger is. That mode only writes
//! forwards, which is why every piece of sheet setup (widths, panes, filter range) happens
//! when the row count is known, before the first row.

use std::io::BufWriter;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet, XlsxError};
use taizhang_core::{Escalation, Status};
use taizhang_ledger::{ChainHead, ExportRow, Ledger, OutputTarget, ProblemFilter, RowSink, Sort};

use super::file::PendingFile;
use super::ledger::{
    excel_cell_text, values, Heading, Kind, Progress, Value, COLUMNS, DEADLINE_COL, INFO_SHEET, LEDGER_HEADERS,
    LEDGER_SHEET,
};
use super::style;
use super::{beijing_minute, write_date_cell, ExportError, ExportSummary, MAX_XLSX_ROWS};

/// Rows a channel message carries: one message per row would cost more in thread wake-ups
/// than writing the row's cells.
const BATCH: usize = 256;
/// Batches waiting for the writer at most: enough to keep it busy while the reader waits on the
/// disk, few enough that memory stays flat.
const IN_FLIGHT: usize = 4;

/// The formats of a ledger row, made once per export: one per column kind, plain and overdue,
/// one per status and escalation level (indexed by the enum's position), and the deadline
/// past due. A cell picks its format by index; nothing is built or looked up by value per cell.
struct RowFormats {
    plain: Vec<Format>,
    overdue: Vec<Format>,
    status: Vec<Format>,
    escalation: Vec<Option<Format>>,
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
            overdue: kinds.iter().map(|k| base(*k).set_background_color(Color::RGB(style::OVERDUE_FILL))).collect(),
            status: Status::ALL
                .iter()
                .map(|s| {
                    let (fill, font) = style::status_colors(*s);
                    style::filled(style::centered(), fill, font)
                })
                .collect(),
            escalation: Escalation::ALL
                .iter()
                .map(|e| {
                    style::escalation_colors(*e)
                        .map(|(fill, font)| style::filled(style::centered(), fill, font).set_bold())
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

    fn status(&self, s: Status) -> &Format {
        &self.status[s as usize]
    }

    /// `None` for 正常, which keeps the column's format.
    fn escalation(&self, e: Escalation) -> Option<&Format> {
        self.escalation[e as usize].as_ref()
    }
}

const TOP_ROWS: u32 = 3;

/// The sheet's title rows, widths, panes and filter, once the number of rows is known.
fn begin_sheet(ws: &mut Worksheet, heading: &Heading, total: u64) -> Result<(), XlsxError> {
    let last_col = (LEDGER_HEADERS.len() - 1) as u16;
    ws.set_name(LEDGER_SHEET)?;
    for (i, (_, width)) in COLUMNS.iter().enumerate() {
        ws.set_column_width(i as u16, *width)?;
    }
    ws.set_freeze_panes(TOP_ROWS, 0)?;
    ws.autofilter(TOP_ROWS - 1, 0, TOP_ROWS - 1 + total as u32, last_col)?;
    ws.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(TOP_ROWS - 1, TOP_ROWS - 1)?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(0, 0, 0, last_col, &heading.title(), &style::title())?;
    ws.set_row_height(1, 20)?;
    ws.merge_range(1, 0, 1, last_col, &heading.info_line(total), &style::subtitle())?;
    ws.set_row_height(2, 28)?;
    let header = style::header();
    for (i, h) in LEDGER_HEADERS.iter().enumerate() {
        ws.write_string_with_format(2, i as u16, *h, &header)?;
    }
    Ok(())
}

/// One ledger row's cells, `serial` being its 1-based number in the sheet.
fn write_row(ws: &mut Worksheet, f: &RowFormats, serial: u64, r: ExportRow) -> Result<(), XlsxError> {
    let row = TOP_ROWS - 1 + serial as u32;
    let overdue = r.overdue();
    let deadline_overdue = r.lateness.handling_overdue;
    for (i, v) in values(serial, r).into_iter().enumerate() {
        let col = i as u16;
        let fmt = f.kind(COLUMNS[i].0, overdue);
        match v {
            Value::Number(n) => ws.write_number_with_format(row, col, n as f64, fmt),
            Value::Text(s) if s.is_empty() => ws.write_blank(row, col, fmt),
            Value::Text(s) => match excel_cell_text(&s) {
                // The common case: the cell's own text moves into the sheet, not a copy.
                std::borrow::Cow::Borrowed(_) => ws.write_string_with_format(row, col, s, fmt),
                std::borrow::Cow::Owned(cut) => ws.write_string_with_format(row, col, cut, fmt),
            },
            Value::Date(None) => ws.write_blank(row, col, fmt),
            Value::Date(Some(d)) if i == DEADLINE_COL && deadline_overdue => {
                write_date_cell(ws, row, col, d, &f.overdue_deadline)
            }
            Value::Date(Some(d)) => write_date_cell(ws, row, col, d, fmt),
            Value::Status(s) => ws.write_string_with_format(row, col, s.label_zh(), f.status(s)),
            Value::Escalation(None) => ws.write_blank(row, col, fmt),
            Value::Escalation(Some(e)) => {
                ws.write_string_with_format(row, col, e.label_zh(), f.escalation(e).unwrap_or(fmt))
            }
        }?;
    }
    Ok(())
}

/// What the reading thread hands the writing thread.
enum Batch {
    /// Before any row: how many follow.
    Begin(u64),
    Rows(Vec<ExportRow>),
}

/// The writing thread: the sheet's top, then the rows as they come, until the reader hangs up.
/// Returns the rows written.
fn write_rows(ws: &mut Worksheet, heading: &Heading, rows: Receiver<Batch>) -> Result<u64, XlsxError> {
    let formats = RowFormats::new();
    let mut serial = 0u64;
    for batch in rows {
        match batch {
            Batch::Begin(total) => begin_sheet(ws, heading, total)?,
            Batch::Rows(rows) => {
                for r in rows {
                    serial += 1;
                    write_row(ws, &formats, serial, r)?;
                }
            }
        }
    }
    Ok(serial)
}

/// The reading side: rows from `Ledger::export_rows` into batches for the writer.
struct ChannelSink<'a> {
    to_writer: SyncSender<Batch>,
    batch: Vec<ExportRow>,
    progress: Progress<'a>,
    chain_heads: Vec<ChainHead>,
}

/// The writer stopped taking rows: it failed, and its own error is the one reported.
fn writer_gone<T>(_: T) -> ExportError {
    ExportError::Spreadsheet { reason: "the sheet's writer stopped".into() }
}

impl ChannelSink<'_> {
    fn flush(&mut self) -> Result<(), ExportError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.to_writer.send(Batch::Rows(full)).map_err(writer_gone)
    }
}

impl RowSink for ChannelSink<'_> {
    type Error = ExportError;

    fn begin(&mut self, total: u64, chain_heads: &[ChainHead]) -> Result<(), ExportError> {
        if total > MAX_XLSX_ROWS {
            return Err(ExportError::TooManyRows { rows: total, max: MAX_XLSX_ROWS });
        }
        self.chain_heads = chain_heads.to_vec();
        self.to_writer.send(Batch::Begin(total)).map_err(writer_gone)?;
        self.progress.begin(total);
        Ok(())
    }

    fn row(&mut self, r: ExportRow) -> Result<(), ExportError> {
        self.batch.push(r);
        if self.batch.len() == BATCH {
            self.flush()?;
        }
        // Counted as handed over: the writer is at most `IN_FLIGHT` batches behind.
        self.progress.row();
        Ok(())
    }
}

/// The 导出信息 sheet: what was exported, how, and the ledger's chain heads.
fn write_info_sheet(wb: &mut Workbook, heading: &Heading, rows: u64, heads: &[ChainHead]) -> Result<(), XlsxError> {
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
/// `progress(done, total)` is called as rows are handed to the sheet. Nothing is left at `out`
/// unless the whole file was written; a previous file there is replaced only then, and only
/// when `out` says so (`OutputTarget::replacing`; see `check_output_target` for what is never
/// replaced).
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
    let x = |e: XlsxError| ExportError::spreadsheet(e, pending.target());
    // The rows spill to a temporary file; beside the target rather than in the system temp
    // folder, which is often a RAM disk on Linux and would defeat the purpose.
    wb.set_tempdir(pending.dir()).map_err(x)?;
    let sheet = wb.add_worksheet_with_constant_memory().map_err(x)?;
    let (to_writer, from_reader) = sync_channel(IN_FLIGHT);
    let sink = ChannelSink {
        to_writer,
        batch: Vec::with_capacity(BATCH),
        progress: Progress::new(progress),
        chain_heads: vec![],
    };
    let (read, written, mut progress, chain_heads) = std::thread::scope(|scope| {
        let heading = &heading;
        let writer = std::thread::Builder::new()
            .name("ledger-sheet".into())
            .spawn_scoped(scope, move || write_rows(sheet, heading, from_reader))
            .map_err(|e| ExportError::Write { path: out.display().to_string(), reason: format!("no thread: {e}") })?;
        let mut sink = sink;
        let read = ledger.export_rows(filter, sort, now, &mut sink).and_then(|rows| sink.flush().map(|()| rows));
        // Hanging up ends the writer's loop, also when the read failed.
        let ChannelSink { to_writer, progress, chain_heads, .. } = sink;
        drop(to_writer);
        let written = writer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok::<_, ExportError>((read, written, progress, chain_heads))
    })?;
    // The writer's failure is the cause when both failed: the reader only saw it hang up.
    let written = written.map_err(x)?;
    let rows = read?;
    debug_assert_eq!(rows, written, "every row read was written");
    progress.finish();
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
