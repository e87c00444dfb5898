//! The periodic report as one workbook: 汇总, 部门考核, 镇街情况, 问题类别, 超期清单.
//!
//! Every sheet opens with its title and a line stating the period and when the report was
//! made. The data is `taizhang_ledger::report::Report`, the same struct the app's printable
//! view shows. These sheets are small (one row per unit, category or overdue item), so they
//! are ordinary worksheets.

use std::io::BufWriter;
use std::path::Path;

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use taizhang_core::period::{Period, PeriodKind};
use taizhang_core::Status;
use taizhang_ledger::report::{OverdueItem, Report};
use taizhang_ledger::Ledger;

use super::file::PendingFile;
use super::style;
use super::{beijing_minute, write_date_cell, ExportError, ExportSummary};
use taizhang_ledger::OutputTarget;

pub const REPORT_SHEETS: [&str; 5] = ["汇总", "部门考核", "镇街情况", "问题类别", "超期清单"];

/// Shown for a rate with no denominator (docs/design.md §6: "—", never 0%).
pub const NO_RATE: &str = "—";

/// "统计期间：2026年5月（2026-05-01至2026-05-31）" — the range is left out when the label
/// already is one.
pub fn period_line(p: &Period) -> String {
    if p.kind == PeriodKind::Custom && p.label.contains(&p.start.to_string()) {
        format!("统计期间：{}", p.label)
    } else {
        format!("统计期间：{}（{}至{}）", p.label, p.start, p.end)
    }
}

fn stamp_line(p: &Period, generated_at: DateTime<Utc>) -> String {
    format!("{}    生成时间：{}（北京时间）", period_line(p), beijing_minute(generated_at))
}

/// "超期未签收、超期未办结".
pub fn overdue_kind(item: &OverdueItem) -> String {
    let mut parts = vec![];
    if item.sign_overdue {
        parts.push("超期未签收");
    }
    if item.handling_overdue {
        parts.push("超期未办结");
    }
    parts.join("、")
}

/// The cell writers every sheet uses.
struct Cells {
    text: Format,
    center: Format,
    wrap: Format,
    number: Format,
    percent: Format,
    decimal: Format,
    date: Format,
    header: Format,
    total: Format,
    total_percent: Format,
}

impl Cells {
    fn new() -> Cells {
        Cells {
            text: style::cell(),
            center: style::centered(),
            wrap: style::wrapped(),
            number: style::centered().set_num_format("0"),
            percent: style::percent(),
            decimal: style::centered().set_num_format("0.0"),
            date: style::date(),
            header: style::header(),
            total: style::centered().set_bold(),
            total_percent: style::percent().set_bold(),
        }
    }
}

type X<T> = Result<T, XlsxError>;

/// A figure cell: a count, a rate (percent) or a decimal; rates and decimals may be undefined.
enum Fig {
    Count(u32),
    Rate(Option<f64>),
    Decimal(Option<f64>),
}

fn fig(ws: &mut Worksheet, r: u32, col: u16, v: &Fig, c: &Cells) -> X<()> {
    match v {
        Fig::Count(n) => ws.write_number_with_format(r, col, *n, &c.number)?,
        Fig::Rate(Some(x)) => ws.write_number_with_format(r, col, *x, &c.percent)?,
        Fig::Decimal(Some(x)) => ws.write_number_with_format(r, col, *x, &c.decimal)?,
        Fig::Rate(None) | Fig::Decimal(None) => ws.write_string_with_format(r, col, NO_RATE, &c.center)?,
    };
    Ok(())
}

fn num(ws: &mut Worksheet, r: u32, c: u16, v: impl Into<f64>, f: &Format) -> X<()> {
    ws.write_number_with_format(r, c, v.into(), f)?;
    Ok(())
}

fn rate(ws: &mut Worksheet, r: u32, c: u16, v: Option<f64>, pct: &Format, center: &Format) -> X<()> {
    match v {
        Some(v) => ws.write_number_with_format(r, c, v, pct)?,
        None => ws.write_string_with_format(r, c, NO_RATE, center)?,
    };
    Ok(())
}

fn ratio(num: u32, den: u32) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Title (row 1) and the period and time line (row 2), merged across `last_col`.
fn heading(ws: &mut Worksheet, name: &str, title: &str, line: &str, last_col: u16) -> X<()> {
    ws.set_name(name)?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(0, 0, 0, last_col, title, &style::title())?;
    ws.set_row_height(1, 20)?;
    ws.merge_range(1, 0, 1, last_col, line, &style::subtitle())?;
    ws.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    Ok(())
}

fn headers(ws: &mut Worksheet, row: u32, from_col: u16, names: &[&str], f: &Format) -> X<()> {
    for (i, h) in names.iter().enumerate() {
        ws.write_string_with_format(row, from_col + i as u16, *h, f)?;
    }
    Ok(())
}

fn summary_sheet(wb: &mut Workbook, rep: &Report, c: &Cells) -> X<()> {
    let ws = wb.add_worksheet();
    heading(
        ws,
        REPORT_SHEETS[0],
        &format!("{}企业问题办理情况汇总", rep.district_name),
        &stamp_line(&rep.period, rep.generated_at),
        3,
    )?;
    for (col, w) in [(0, 22.0), (1, 12.0), (2, 14.0), (3, 56.0)] {
        ws.set_column_width(col, w)?;
    }
    let s = &rep.summary;
    let red = rep.overdue.iter().filter(|o| o.level == taizhang_core::Escalation::Red).count() as u32;
    let ranked = rep.departments.iter().filter(|d| d.ranked).count() as u32;
    let rows: [(&str, u32, &str); 9] = [
        ("期内登记问题", s.registered, "统计期间内镇街、办公室登记的问题"),
        ("期内交办", s.assigned, "统计期间内的交办，含裁定改派"),
        ("期内办结", s.resolved, "统计期间内的办结，含镇街就地解决"),
        ("期内销号", s.closed, "统计期间内销号的问题"),
        ("当前在办", s.open_now, "生成时尚未销号、未撤回的问题"),
        ("当前超期", s.overdue_now, "生成时超期未签收或超期未办结的问题（见超期清单）"),
        ("其中红牌", red, "超期问题中督办等级为红牌的"),
        ("参与排名部门", ranked, "期内交办达到最低样本数的部门"),
        ("样本不足部门", rep.departments.len() as u32 - ranked, ""),
    ];
    let min_note = format!("期内交办少于 {} 件，列出但不排名", rep.min_sample);
    headers(ws, 3, 0, &["指标", "数值", "", "说明"], &c.header)?;
    ws.merge_range(3, 1, 3, 2, "数值", &c.header)?;
    for (i, (k, v, note)) in rows.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_string_with_format(r, 0, *k, &c.text)?;
        ws.merge_range(r, 1, r, 2, "", &c.number)?;
        num(ws, r, 1, *v, &c.number)?;
        let note = if note.is_empty() { min_note.as_str() } else { note };
        ws.write_string_with_format(r, 3, note, &c.wrap)?;
    }
    let mut r = 4 + rows.len() as u32 + 1;
    ws.merge_range(r, 0, r, 3, "当前各状态问题数（生成时）", &style::subtitle().set_bold())?;
    r += 1;
    headers(ws, r, 0, &["办理状态", "件数"], &c.header)?;
    for st in Status::ALL {
        r += 1;
        let (fill, font) = style::status_colors(*st);
        ws.write_string_with_format(r, 0, st.label_zh(), &style::filled(style::centered(), fill, font))?;
        num(ws, r, 1, s.by_status.get(st).copied().unwrap_or(0), &c.number)?;
    }
    r += 2;
    ws.merge_range(
        r,
        0,
        r,
        3,
        "数据链（生成时各设备事件链的链头，可用于核对台账文件是否被删改）",
        &style::subtitle().set_bold(),
    )?;
    r += 1;
    headers(ws, r, 0, &["设备编号", "事件数", "", "链头哈希（SHA-256）"], &c.header)?;
    ws.merge_range(r, 1, r, 2, "事件数", &c.header)?;
    for h in &rep.chain_heads {
        r += 1;
        ws.write_string_with_format(r, 0, &h.device_id, &c.text)?;
        ws.merge_range(r, 1, r, 2, "", &c.number)?;
        num(ws, r, 1, h.events as f64, &c.number)?;
        ws.write_string_with_format(r, 3, &h.head_hash, &c.text)?;
    }
    Ok(())
}

const LEAD_HEADERS: [&str; 21] = [
    "交办件数",
    "签收件数",
    "按时签收",
    "及时签收率",
    "办结件数",
    "按期办结",
    "按期办结率",
    "已解决",
    "解决率",
    "当前超期",
    "当前红牌",
    "当前黄牌",
    "退回次数",
    "退回被维持",
    "申请延期",
    "获准延期",
    "重办",
    "评价件数",
    "满意件数",
    "满意率",
    "平均办理用时（工作日）",
];
const SUPPORT_HEADERS: [&str; 5] = ["协办任务", "反馈意见", "按时反馈", "按时反馈率", "当前超期"];

fn department_sheet(wb: &mut Workbook, rep: &Report, c: &Cells) -> X<()> {
    let ws = wb.add_worksheet();
    let lead0: u16 = 2;
    let sup0 = lead0 + LEAD_HEADERS.len() as u16;
    let score_col = sup0 + SUPPORT_HEADERS.len() as u16;
    let note_col = score_col + 1;
    heading(
        ws,
        REPORT_SHEETS[1],
        &format!("{}职能部门问题办理情况考核表", rep.district_name),
        &stamp_line(&rep.period, rep.generated_at),
        note_col,
    )?;
    let w = &rep.weights;
    let note = format!(
        "说明：牵头、配合数据分列。综合得分 = 及时签收率×{} + 按期办结率×{} + 解决率×{} + 满意率×{}（无数据的比率不计，权重按其余比率折算为百分制），\
         再减被维持退回每次 {} 分、当前超期每件 {} 分。期内交办少于 {} 件的单位列出但不排名（样本不足）。“—”表示无可计算的数据。",
        w.sign_rate, w.on_time_rate, w.resolution_rate, w.satisfaction_rate, w.upheld_return_penalty, w.overdue_penalty, rep.min_sample
    );
    ws.set_row_height(2, 32)?;
    ws.merge_range(2, 0, 2, note_col, &note, &style::subtitle().set_text_wrap())?;
    ws.set_column_width(0, 6)?;
    ws.set_column_width(1, 26)?;
    for col in lead0..score_col {
        ws.set_column_width(col, 8)?;
    }
    // 30 columns: A3 keeps them legible on one page width.
    ws.set_paper_size(8);
    ws.set_column_width(score_col, 9)?;
    ws.set_column_width(note_col, 10)?;
    // Two header rows: the lead and supporter groups over their columns.
    for (col, name) in [(0, "排名"), (1, "单位名称"), (score_col, "综合得分"), (note_col, "备注")] {
        ws.merge_range(3, col, 4, col, name, &c.header)?;
    }
    ws.merge_range(3, lead0, 3, sup0 - 1, "牵头办理", &c.header)?;
    ws.merge_range(3, sup0, 3, score_col - 1, "配合办理", &c.header)?;
    ws.set_row_height(4, 42)?;
    headers(ws, 4, lead0, &LEAD_HEADERS, &c.header)?;
    headers(ws, 4, sup0, &SUPPORT_HEADERS, &c.header)?;
    ws.set_freeze_panes(5, 2)?;
    for (i, d) in rep.departments.iter().enumerate() {
        let r = 5 + i as u32;
        match d.rank {
            Some(rank) => num(ws, r, 0, rank, &c.number)?,
            None => {
                ws.write_blank(r, 0, &c.center)?;
            }
        }
        ws.write_string_with_format(r, 1, &d.unit_name, &c.text)?;
        let f = &d.lead;
        let s = &d.support;
        let lead = [
            Fig::Count(f.assigned),
            Fig::Count(f.signed),
            Fig::Count(f.signed_on_time),
            Fig::Rate(f.sign_rate),
            Fig::Count(f.resolved),
            Fig::Count(f.resolved_on_time),
            Fig::Rate(f.on_time_rate),
            Fig::Count(f.solved),
            Fig::Rate(f.resolution_rate),
            Fig::Count(f.overdue_now),
            Fig::Count(f.red_now),
            Fig::Count(f.yellow_now),
            Fig::Count(f.returns_made),
            Fig::Count(f.returns_upheld),
            Fig::Count(f.extensions_asked),
            Fig::Count(f.extensions_granted),
            Fig::Count(f.reopened),
            Fig::Count(f.evaluated),
            Fig::Count(f.satisfied),
            Fig::Rate(f.satisfaction_rate),
            Fig::Decimal(f.avg_days_to_resolve),
        ];
        let support = [
            Fig::Count(s.tasks),
            Fig::Count(s.opinions),
            Fig::Count(s.opinions_on_time),
            Fig::Rate(s.on_time_rate),
            Fig::Count(s.overdue_now),
        ];
        debug_assert_eq!((lead.len(), support.len()), (LEAD_HEADERS.len(), SUPPORT_HEADERS.len()));
        for (i, v) in lead.iter().chain(support.iter()).enumerate() {
            fig(ws, r, lead0 + i as u16, v, c)?;
        }
        match d.score {
            Some(v) => ws.write_number_with_format(r, score_col, v, &style::centered().set_num_format("0.00"))?,
            None => ws.write_string_with_format(r, score_col, NO_RATE, &c.center)?,
        };
        if d.ranked {
            ws.write_blank(r, note_col, &c.center)?;
        } else {
            ws.write_string_with_format(r, note_col, "样本不足", &c.center)?;
        }
    }
    Ok(())
}

fn township_sheet(wb: &mut Workbook, rep: &Report, c: &Cells) -> X<()> {
    let ws = wb.add_worksheet();
    let names = [
        "序号",
        "镇街",
        "走访次数",
        "重点企业数",
        "已走访重点企业",
        "走访覆盖率",
        "登记问题",
        "就地解决",
        "回访次数",
        "当前红牌",
        "当前黄牌",
    ];
    heading(
        ws,
        REPORT_SHEETS[2],
        &format!("{}镇街走访及问题办理情况表", rep.district_name),
        &stamp_line(&rep.period, rep.generated_at),
        names.len() as u16 - 1,
    )?;
    ws.set_column_width(0, 6)?;
    ws.set_column_width(1, 16)?;
    for col in 2..names.len() as u16 {
        ws.set_column_width(col, 12)?;
    }
    ws.set_row_height(3, 28)?;
    headers(ws, 3, 0, &names, &c.header)?;
    ws.set_freeze_panes(4, 2)?;
    let mut sum = [0u32; 8];
    let mut r = 3;
    for (i, t) in rep.townships.iter().enumerate() {
        r = 4 + i as u32;
        num(ws, r, 0, (i + 1) as u32, &c.number)?;
        ws.write_string_with_format(r, 1, &t.unit_name, &c.text)?;
        let v = [
            t.visits,
            t.key_enterprises,
            t.key_enterprises_visited,
            t.problems_registered,
            t.resolved_locally,
            t.callbacks,
            t.red_now,
            t.yellow_now,
        ];
        for (k, x) in v.iter().enumerate() {
            sum[k] += x;
        }
        num(ws, r, 2, t.visits, &c.number)?;
        num(ws, r, 3, t.key_enterprises, &c.number)?;
        num(ws, r, 4, t.key_enterprises_visited, &c.number)?;
        rate(ws, r, 5, t.coverage_rate, &c.percent, &c.center)?;
        num(ws, r, 6, t.problems_registered, &c.number)?;
        num(ws, r, 7, t.resolved_locally, &c.number)?;
        num(ws, r, 8, t.callbacks, &c.number)?;
        num(ws, r, 9, t.red_now, &c.number)?;
        num(ws, r, 10, t.yellow_now, &c.number)?;
    }
    r += 1;
    ws.merge_range(r, 0, r, 1, "合计", &c.total)?;
    num(ws, r, 2, sum[0], &c.total)?;
    num(ws, r, 3, sum[1], &c.total)?;
    num(ws, r, 4, sum[2], &c.total)?;
    rate(ws, r, 5, ratio(sum[2], sum[1]), &c.total_percent, &c.total)?;
    for (k, col) in [(3, 6), (4, 7), (5, 8), (6, 9), (7, 10)] {
        num(ws, r, col, sum[k], &c.total)?;
    }
    Ok(())
}

fn category_sheet(wb: &mut Workbook, rep: &Report, c: &Cells) -> X<()> {
    let ws = wb.add_worksheet();
    let names = [
        "序号",
        "问题类别",
        "期内登记",
        "占比",
        "期内办结",
        "已解决",
        "解决率",
        "期内销号",
        "当前在办",
        "当前超期",
        "评价件数",
        "满意件数",
        "满意率",
    ];
    heading(
        ws,
        REPORT_SHEETS[3],
        &format!("{}企业问题分类统计表", rep.district_name),
        &stamp_line(&rep.period, rep.generated_at),
        names.len() as u16 - 1,
    )?;
    ws.set_column_width(0, 6)?;
    ws.set_column_width(1, 20)?;
    for col in 2..names.len() as u16 {
        ws.set_column_width(col, 10)?;
    }
    ws.set_row_height(3, 28)?;
    headers(ws, 3, 0, &names, &c.header)?;
    ws.set_freeze_panes(4, 2)?;
    let mut sum = [0u32; 8];
    let mut r = 3;
    for (i, g) in rep.categories.iter().enumerate() {
        r = 4 + i as u32;
        num(ws, r, 0, (i + 1) as u32, &c.number)?;
        ws.write_string_with_format(r, 1, &g.category, &c.text)?;
        let v = [g.registered, g.resolved, g.solved, g.closed, g.open_now, g.overdue_now, g.evaluated, g.satisfied];
        for (k, x) in v.iter().enumerate() {
            sum[k] += x;
        }
        num(ws, r, 2, g.registered, &c.number)?;
        rate(ws, r, 3, g.share, &c.percent, &c.center)?;
        num(ws, r, 4, g.resolved, &c.number)?;
        num(ws, r, 5, g.solved, &c.number)?;
        rate(ws, r, 6, g.resolution_rate, &c.percent, &c.center)?;
        for (col, x) in [(7, g.closed), (8, g.open_now), (9, g.overdue_now), (10, g.evaluated), (11, g.satisfied)] {
            num(ws, r, col, x, &c.number)?;
        }
        rate(ws, r, 12, g.satisfaction_rate, &c.percent, &c.center)?;
    }
    r += 1;
    ws.merge_range(r, 0, r, 1, "合计", &c.total)?;
    num(ws, r, 2, sum[0], &c.total)?;
    rate(ws, r, 3, ratio(sum[0], sum[0]), &c.total_percent, &c.total)?;
    num(ws, r, 4, sum[1], &c.total)?;
    num(ws, r, 5, sum[2], &c.total)?;
    rate(ws, r, 6, ratio(sum[2], sum[1]), &c.total_percent, &c.total)?;
    for (k, col) in [(3, 7), (4, 8), (5, 9), (6, 10), (7, 11)] {
        num(ws, r, col, sum[k], &c.total)?;
    }
    rate(ws, r, 12, ratio(sum[7], sum[6]), &c.total_percent, &c.total)?;
    Ok(())
}

pub const OVERDUE_HEADERS: [&str; 13] = [
    "序号",
    "问题编号",
    "企业名称",
    "所属镇街",
    "问题类别",
    "牵头单位",
    "办理状态",
    "超期情形",
    "签收时限",
    "办理时限",
    "超期工作日",
    "督办等级",
    "督办次数",
];

fn overdue_sheet(wb: &mut Workbook, rep: &Report, c: &Cells) -> X<()> {
    let ws = wb.add_worksheet();
    let last = OVERDUE_HEADERS.len() as u16 - 1;
    heading(
        ws,
        REPORT_SHEETS[4],
        &format!("{}超期问题清单", rep.district_name),
        &stamp_line(&rep.period, rep.generated_at),
        last,
    )?;
    let line = format!(
        "截至 {}（北京时间），超期未签收或超期未办结的问题共 {} 件；超期按工作日计，按督办等级、超期天数排列。",
        beijing_minute(rep.generated_at),
        rep.overdue.len()
    );
    ws.merge_range(2, 0, 2, last, &line, &style::subtitle())?;
    for (col, w) in [6.0, 15.0, 28.0, 11.0, 13.0, 22.0, 11.0, 14.0, 11.5, 11.5, 9.0, 9.0, 9.0].iter().enumerate() {
        ws.set_column_width(col as u16, *w)?;
    }
    ws.set_row_height(3, 28)?;
    headers(ws, 3, 0, &OVERDUE_HEADERS, &c.header)?;
    ws.set_freeze_panes(4, 0)?;
    if !rep.overdue.is_empty() {
        ws.autofilter(3, 0, 3 + rep.overdue.len() as u32, last)?;
    }
    let late_date = style::filled(style::date(), style::OVERDUE_FILL, style::OVERDUE_FONT).set_bold();
    for (i, o) in rep.overdue.iter().enumerate() {
        let r = 4 + i as u32;
        num(ws, r, 0, (i + 1) as u32, &c.number)?;
        ws.write_string_with_format(r, 1, &o.number, &c.text)?;
        ws.write_string_with_format(r, 2, &o.enterprise_name, &c.wrap)?;
        ws.write_string_with_format(r, 3, &o.township_name, &c.center)?;
        ws.write_string_with_format(r, 4, &o.category, &c.center)?;
        ws.write_string_with_format(r, 5, o.lead_unit_name.as_deref().unwrap_or(""), &c.wrap)?;
        let (fill, font) = style::status_colors(o.status);
        ws.write_string_with_format(r, 6, o.status.label_zh(), &style::filled(style::centered(), fill, font))?;
        ws.write_string_with_format(r, 7, overdue_kind(o), &c.center)?;
        for (col, d, late) in [(8, o.sign_deadline, o.sign_overdue), (9, o.handling_deadline, o.handling_overdue)] {
            match d {
                Some(d) => write_date_cell(ws, r, col, d, if late { &late_date } else { &c.date })?,
                None => ws.write_blank(r, col, &c.date)?,
            };
        }
        num(ws, r, 10, o.days_overdue as f64, &c.number)?;
        match style::escalation_colors(o.level) {
            Some((fill, font)) => ws.write_string_with_format(
                r,
                11,
                o.level.label_zh(),
                &style::filled(style::centered(), fill, font).set_bold(),
            )?,
            None => ws.write_string_with_format(r, 11, o.level.label_zh(), &c.center)?,
        };
        num(ws, r, 12, o.urge_count, &c.number)?;
    }
    Ok(())
}

fn build(rep: &Report) -> X<Workbook> {
    let mut wb = Workbook::new();
    let c = Cells::new();
    summary_sheet(&mut wb, rep, &c)?;
    department_sheet(&mut wb, rep, &c)?;
    township_sheet(&mut wb, rep, &c)?;
    category_sheet(&mut wb, rep, &c)?;
    overdue_sheet(&mut wb, rep, &c)?;
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(format!("{}企业问题办理情况报告（{}）", rep.district_name, rep.period.label)),
    );
    Ok(wb)
}

/// Writes an already made report (e.g. the one the app is showing) as a workbook at `out`,
/// vetted against the ledger `open_ledger` the report was made from (`check_output_target`).
pub fn write_report_xlsx<'a>(
    report: &Report,
    out: impl Into<OutputTarget<'a>>,
    open_ledger: Option<&Path>,
) -> Result<ExportSummary, ExportError> {
    let target = out.into();
    let out = target.path;
    let (pending, file) = PendingFile::create(target, open_ledger)?;
    let x = |e: XlsxError| ExportError::spreadsheet(e, pending.target());
    let mut wb = build(report).map_err(x)?;
    let mut writer = BufWriter::new(file);
    wb.save_to_writer(&mut writer).map_err(x)?;
    let file = writer
        .into_inner()
        .map_err(|e| ExportError::Write { path: out.display().to_string(), reason: e.error().to_string() })?;
    pending.commit(file)?;
    Ok(ExportSummary {
        rows: report.overdue.len() as u64,
        path: out.display().to_string(),
        chain_heads: report.chain_heads.clone(),
    })
}

/// Makes the report for `period` at `now` and writes it at `out`.
pub fn export_report_xlsx<'a>(
    ledger: &Ledger,
    period: &Period,
    now: DateTime<Utc>,
    out: impl Into<OutputTarget<'a>>,
) -> Result<ExportSummary, ExportError> {
    let target = out.into();
    // Refuse a bad target before the figures are computed.
    drop(PendingFile::create(target, ledger.path())?);
    let report = ledger.report(period, now)?;
    write_report_xlsx(&report, target, ledger.path())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use taizhang_core::{Escalation, Priority};

    #[test]
    fn the_period_line_names_the_range_once() {
        let may = Period::month(2026, 5).unwrap();
        assert_eq!(period_line(&may), "统计期间：2026年5月（2026-05-01至2026-05-31）");
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let custom = Period::custom(d(3, 10), d(5, 20)).unwrap();
        assert_eq!(period_line(&custom), "统计期间：2026-03-10至2026-05-20");
    }

    #[test]
    fn overdue_kinds_are_named() {
        let mut o = OverdueItem {
            problem_id: "p".into(),
            number: "2026-城关-0001".into(),
            enterprise_name: String::new(),
            township_name: String::new(),
            category: String::new(),
            priority: Priority::Normal,
            lead_unit_name: None,
            status: Status::Assigned,
            sign_deadline: None,
            handling_deadline: None,
            sign_overdue: true,
            handling_overdue: false,
            days_overdue: 1,
            level: Escalation::Yellow,
            urge_count: 0,
        };
        assert_eq!(overdue_kind(&o), "超期未签收");
        o.handling_overdue = true;
        assert_eq!(overdue_kind(&o), "超期未签收、超期未办结");
    }
}
