//! 重点企业主要经济指标月报 as one sheet, in the layout district offices send up: a title with
//! the district and the month, a line with the units and the due day; two header rows (each
//! indicator with its unit over 本月 / 1—本月累计 / 同比%); the key enterprises township by
//! township, each township closed by its 小计, the district's 合计 last. An enterprise that did
//! not report keeps its row, marked 未报 across its figures; a late correction is marked in
//! 备注. The 小计 and 合计 are the ledger's (`MonthlyTotal`): the sum of the figures shown above
//! them (未报 rows hold none), 同比 over the enterprises that have both years.

use std::path::Path;

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Workbook, Worksheet};
use taizhang_core::monitoring::monthly::IndicatorFigures;
use taizhang_core::monitoring::{IndicatorDef, Month};
use taizhang_ledger::{ChainHead, Ledger, OutputTarget};
use taizhang_ledger::{MonthlyReport, MonthlyTotal};

use super::{amount, heading, made_at, month_label, rate, save, vet, Formats, X};
use crate::export::{ExportError, ExportSummary};

pub const MONTHLY_SHEET: &str = "指标月报";
/// What an enterprise that did not report shows in place of its figures.
pub const NOT_REPORTED: &str = "未报";

/// Columns before the indicators: 序号, 企业名称, 所属镇街.
const LEAD: u16 = 3;
/// Columns per indicator with a 1—本月累计 (本月, 累计, 同比) and without one (本月, 同比).
fn width_of(d: &IndicatorDef) -> u16 {
    if d.cumulative {
        3
    } else {
        2
    }
}

/// The first column of each indicator, then the 产品销售率 column and the 备注 column.
fn layout(defs: &[IndicatorDef]) -> (Vec<u16>, u16, u16) {
    let mut starts = Vec::new();
    let mut c = LEAD;
    for d in defs {
        starts.push(c);
        c += width_of(d);
    }
    (starts, c, c + 1)
}

fn number_format<'f>(d: &IndicatorDef, f: &'f Formats, total: bool) -> &'f rust_xlsxwriter::Format {
    match (d.unit == "人", total) {
        (true, false) => &f.count,
        (true, true) => &f.total_count,
        (false, false) => &f.amount,
        (false, true) => &f.total_amount,
    }
}

/// "单位：万元（用电量：万千瓦时；平均用工人数：人）".
fn unit_line(defs: &[IndicatorDef]) -> String {
    let main = defs.iter().map(|d| d.unit.as_str()).find(|u| *u == "万元").unwrap_or("万元");
    let others: Vec<String> =
        defs.iter().filter(|d| d.unit != main).map(|d| format!("{}：{}", d.name, d.unit)).collect();
    if others.is_empty() {
        format!("单位：{main}")
    } else {
        format!("单位：{main}（{}）", others.join("；"))
    }
}

fn headers(ws: &mut Worksheet, rep: &MonthlyReport, f: &Formats) -> X<()> {
    let (starts, rate_col, note_col) = layout(&rep.indicators);
    for (col, name, width) in
        [(0, "序号", 5.0), (1, "企业名称", 28.0), (2, "所属镇街", 10.0), (rate_col, "产品销售率（%）", 9.0)]
    {
        ws.merge_range(3, col, 4, col, name, &f.header)?;
        ws.set_column_width(col, width)?;
    }
    ws.merge_range(3, note_col, 4, note_col, "备注", &f.header)?;
    ws.set_column_width(note_col, 16)?;
    for (d, start) in rep.indicators.iter().zip(&starts) {
        let w = width_of(d);
        let group = format!("{}（{}）", d.name, d.unit);
        if w > 1 {
            ws.merge_range(3, *start, 3, start + w - 1, &group, &f.header)?;
        } else {
            ws.write_string_with_format(3, *start, &group, &f.header)?;
        }
        let subs: &[&str] = if d.cumulative {
            &["本月", "1—本月累计", "累计同比\n（%）"]
        } else {
            &["本月", "同比\n（%）"]
        };
        for (i, s) in subs.iter().enumerate() {
            let c = start + i as u16;
            ws.write_string_with_format(4, c, *s, &f.header)?;
            ws.set_column_width(c, if i == 0 || (d.cumulative && i == 1) { 11.5 } else { 8.0 })?;
        }
    }
    ws.set_row_height(3, 30)?;
    ws.set_row_height(4, 30)?;
    Ok(())
}

/// One line of figures: an enterprise's or a total's.
fn figures_cells(
    ws: &mut Worksheet,
    r: u32,
    defs: &[IndicatorDef],
    figures: &[IndicatorFigures],
    sales_rate: Option<f64>,
    total: bool,
    f: &Formats,
) -> X<()> {
    let (starts, rate_col, _) = layout(defs);
    let (rate_f, blank) = if total { (&f.total_rate, &f.total_text) } else { (&f.rate, &f.center) };
    for ((d, start), fig) in defs.iter().zip(&starts).zip(figures) {
        let num = number_format(d, f, total);
        amount(ws, r, *start, fig.value, num, blank)?;
        if d.cumulative {
            amount(ws, r, start + 1, fig.cumulative, num, blank)?;
            rate(ws, r, start + 2, fig.cumulative_yoy, rate_f, blank)?;
        } else {
            rate(ws, r, start + 1, fig.yoy, rate_f, blank)?;
        }
    }
    rate(ws, r, rate_col, sales_rate, rate_f, blank)
}

fn total_row(ws: &mut Worksheet, r: u32, rep: &MonthlyReport, t: &MonthlyTotal, district: bool, f: &Formats) -> X<()> {
    let (_, _, note_col) = layout(&rep.indicators);
    let label = if district { format!("{}合计", t.name) } else { format!("{}小计", t.name) };
    ws.merge_range(r, 0, r, 1, &label, &f.total_text)?;
    ws.write_string_with_format(r, 2, format!("已报{}/{}家", t.reported, t.enterprises), &f.total_text)?;
    figures_cells(ws, r, &rep.indicators, &t.figures, t.sales_rate, true, f)?;
    // The names are listed under the table (`not_reported_lines`): a cell this narrow cannot hold them.
    let note = if t.not_reported.is_empty() { String::new() } else { format!("未报{}家", t.not_reported.len()) };
    ws.write_string_with_format(r, note_col, note, &f.total_text)?;
    Ok(())
}

fn sheet(wb: &mut Workbook, rep: &MonthlyReport, district: &str, now: DateTime<Utc>) -> X<u64> {
    let f = Formats::new();
    let ws = wb.add_worksheet();
    let (_, rate_col, note_col) = layout(&rep.indicators);
    let due = match rep.due {
        Some(d) => format!("报送截止：{d}"),
        None => "本月免报（1—2月合并报送）".to_string(),
    };
    let line = format!(
        "统计月份：{}　　{}　　同比为与上年同期相比的增减（%），“—”表示上年同期无数据或为零　　{}　　{}",
        month_label(rep.month),
        unit_line(&rep.indicators),
        due,
        made_at(now)
    );
    heading(
        ws,
        MONTHLY_SHEET,
        &format!("{district}重点企业主要经济指标月报（{}）", month_label(rep.month)),
        &line,
        note_col,
    )?;
    headers(ws, rep, &f)?;
    ws.set_freeze_panes(5, LEAD)?;
    ws.set_repeat_rows(0, 4)?;
    let mut r = 5u32;
    let mut serial = 0u32;
    let townships: Vec<&MonthlyTotal> = rep.totals.iter().filter(|t| t.township_id.is_some()).collect();
    for t in &townships {
        for row in rep.rows.iter().filter(|x| Some(&x.enterprise.township_id) == t.township_id.as_ref()) {
            serial += 1;
            ws.write_number_with_format(r, 0, serial, &f.center)?;
            let name_f = if row.late { &f.late } else { &f.text };
            ws.write_string_with_format(r, 1, &row.enterprise.name, name_f)?;
            ws.write_string_with_format(r, 2, &row.enterprise.township_name, &f.center)?;
            if row.reported {
                figures_cells(ws, r, &rep.indicators, &row.figures, row.sales_rate, false, &f)?;
            } else {
                ws.merge_range(r, LEAD, r, rate_col, NOT_REPORTED, &f.not_reported)?;
            }
            let mut note = Vec::new();
            if row.late {
                note.push(match &row.reported_at {
                    Some(at) => format!("逾期更正（{}）", at.get(..10).unwrap_or(at)),
                    None => "逾期更正".to_string(),
                });
            }
            if !row.note.trim().is_empty() {
                note.push(row.note.trim().to_string());
            }
            let note_f = if row.late { &f.late } else { &f.wrap };
            ws.write_string_with_format(r, note_col, note.join("；"), note_f)?;
            r += 1;
        }
        total_row(ws, r, rep, t, false, &f)?;
        r += 1;
    }
    if let Some(d) = rep.totals.iter().find(|t| t.township_id.is_none()) {
        total_row(ws, r, rep, d, true, &f)?;
        r += 1;
    }
    r += 1;
    let lines = not_reported_lines(rep);
    if !lines.is_empty() {
        let text = format!("未报企业：{}", lines.join("；"));
        // About 300 characters fit on a line across the sheet's width.
        ws.set_row_height(r, 15.0 * (2 + text.chars().count() / 110) as f64)?;
        ws.merge_range(r, 0, r, note_col, &text, &f.note)?;
        r += 1;
    }
    let legend = "说明：1. 未报：该企业本月未报送，不计入小计、合计；2. 逾期更正：锁定后由办公室更正的数据（企业名称底色为黄色）；\
                  3. 小计、合计为已报企业之和，同比只比较两年均有数据的企业；4. 产品销售率 = 工业销售产值 ÷ 工业总产值 × 100。";
    ws.set_row_height(r, 30)?;
    ws.merge_range(r, 0, r, note_col, legend, &f.note)?;
    Ok(rep.rows.len() as u64)
}

/// "城关街道（4家）：A、B、C、D", one per township with enterprises that did not report.
fn not_reported_lines(rep: &MonthlyReport) -> Vec<String> {
    rep.totals
        .iter()
        .filter(|t| t.township_id.is_some() && !t.not_reported.is_empty())
        .map(|t| format!("{}（{}家）：{}", t.name, t.not_reported.len(), t.not_reported.join("、")))
        .collect()
}

/// Lays out an already made monthly report (e.g. the one the window shows) and writes it.
pub fn write_monthly_report<'a>(
    rep: &MonthlyReport,
    district: &str,
    now: DateTime<Utc>,
    chain_heads: Vec<ChainHead>,
    out: impl Into<OutputTarget<'a>>,
    open_ledger: Option<&Path>,
) -> Result<ExportSummary, ExportError> {
    let target = out.into();
    let mut wb = Workbook::new();
    let rows = sheet(&mut wb, rep, district, now).map_err(|e| super::spreadsheet_error(e, target.path))?;
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(format!("{district}重点企业主要经济指标月报（{}）", month_label(rep.month))),
    );
    save(wb, target, open_ledger, rows, chain_heads)
}

/// The monthly report of `month` for `township_id` (or the district) at `out`.
pub fn export_monthly_report_xlsx<'a>(
    ledger: &Ledger,
    month: Month,
    township_id: Option<&str>,
    now: DateTime<Utc>,
    out: impl Into<OutputTarget<'a>>,
) -> Result<ExportSummary, ExportError> {
    let target = out.into();
    vet(target, ledger.path())?;
    let rep = ledger.monthly_report(month, township_id, now)?;
    let district = ledger.settings()?.district_name;
    write_monthly_report(&rep, &district, now, ledger.chain_heads()?, target, ledger.path())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn the_monthly_report_reads_back_with_its_totals_and_every_enterprise() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = demo_ledger(dir.path());
        let month = Month::new(2026, 11).unwrap();
        let out = dir.path().join("月报.xlsx");
        let s = export_monthly_report_xlsx(&ledger, month, None, now(), out.as_path()).unwrap();
        let rep = ledger.monthly_report(month, None, now()).unwrap();
        assert_eq!(s.rows, rep.rows.len() as u64);
        keep(&out);
        let r = read_back(&out);
        assert!(text(&r, 0, 0).contains("重点企业主要经济指标月报（2026年11月）"), "{}", text(&r, 0, 0));
        assert!(text(&r, 1, 0).contains("单位：万元"));
        assert_eq!(text(&r, 3, 3), "工业总产值（万元）");
        assert_eq!(text(&r, 4, 3), "本月");
        assert_eq!(text(&r, 4, 4), "1—本月累计");
        let (starts, _, note_col) = layout(&rep.indicators);
        // Walk the rows: every enterprise is there; each 小计 is the sum of the rows above it.
        let mut row = 5u32;
        let mut seen = 0;
        let mut not_reported = 0;
        let mut sums = vec![0.0f64; starts.len()];
        let mut district = vec![0.0f64; starts.len()];
        let mut subtotals = 0;
        loop {
            let name = text(&r, row, 0);
            let label = text(&r, row, 1);
            if name.is_empty() && label.is_empty() {
                break;
            }
            if name.ends_with("小计") || name.ends_with("合计") {
                let is_district = name.ends_with("合计");
                for (i, c) in starts.iter().enumerate() {
                    let expected = if is_district { district[i] } else { sums[i] };
                    let shown = number(&r, row, *c as u32);
                    match shown {
                        Some(v) => assert!((v - expected).abs() < 0.005, "{name} col {c}: {v} vs {expected}"),
                        None => assert_eq!(expected, 0.0, "{name} col {c} has no total"),
                    }
                }
                if is_district {
                    assert_eq!(name, "示范区合计");
                } else {
                    subtotals += 1;
                    sums.iter_mut().for_each(|s| *s = 0.0);
                }
            } else {
                seen += 1;
                let e = rep.rows.iter().find(|x| x.enterprise.name == label).expect("an enterprise of the report");
                if e.reported {
                    for (i, c) in starts.iter().enumerate() {
                        let v = number(&r, row, *c as u32).unwrap_or(0.0);
                        sums[i] += v;
                        district[i] += v;
                    }
                    let fig = &e.figures[0];
                    match fig.cumulative_yoy {
                        Some(y) => assert_eq!(number(&r, row, starts[0] as u32 + 2), Some(y)),
                        None => assert_eq!(text(&r, row, starts[0] as u32 + 2), "—"),
                    }
                } else {
                    not_reported += 1;
                    assert_eq!(text(&r, row, LEAD as u32), NOT_REPORTED);
                }
                if e.late {
                    assert!(text(&r, row, note_col as u32).contains("逾期更正"));
                }
            }
            row += 1;
        }
        assert_eq!(seen, rep.rows.len(), "no enterprise is left out");
        assert_eq!(not_reported, rep.rows.iter().filter(|x| !x.reported).count());
        assert!(not_reported > 0, "the demo has enterprises that did not report");
        assert_eq!(subtotals, rep.totals.len() - 1);
        // 同比 undefined: 出口交货值 of a firm that exports nothing is "—".
        let export = rep.indicators.iter().position(|d| d.key == "export_delivery").unwrap();
        let none = rep.rows.iter().position(|x| x.reported && x.figures[export].cumulative_yoy.is_none());
        assert!(none.is_some());
    }
}
