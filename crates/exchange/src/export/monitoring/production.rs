//! 主要产品产销旬报 of one 旬 as one sheet: each key enterprise's main products with the 旬's
//! 产量, 销量 (合计, 国内, 出口), 产销率 and 旬末库存, and the year's cumulative through the 旬;
//! then the key enterprises that did not report, by name, with who answers for them. Products
//! have different units, so nothing is summed across them.

use std::path::Path;

use chrono::{DateTime, Utc};
use rust_xlsxwriter::Workbook;
use taizhang_core::monitoring::{Month, Xun};
use taizhang_ledger::ProductionSummary;
use taizhang_ledger::{ChainHead, Ledger, OutputTarget};

use super::{amount, heading, made_at, month_label, rate, save, vet, Formats, X};
use crate::export::{ExportError, ExportSummary};

pub const PRODUCTION_SHEET: &str = "产销旬报";

const LAST: u16 = 13;

fn title(district: &str, s: &ProductionSummary) -> String {
    format!("{district}重点企业主要产品产销旬报（{}{}）", month_label(s.month), s.xun.label_zh())
}

fn sheet(wb: &mut Workbook, s: &ProductionSummary, district: &str, now: DateTime<Utc>) -> X<u64> {
    let f = Formats::new();
    let ws = wb.add_worksheet();
    let line = format!(
        "统计期间：{}至{}　　报送截止：{}　　已报 {} 家，未报 {} 家　　产销率 = 销量 ÷ 产量 × 100（%）　　{}",
        s.xun.first_day(s.month),
        s.xun.last_day(s.month),
        s.due,
        {
            let mut names: Vec<&str> = s.rows.iter().map(|r| r.enterprise.enterprise_id.as_str()).collect();
            names.dedup();
            names.len()
        },
        s.not_reported.len(),
        made_at(now)
    );
    heading(ws, PRODUCTION_SHEET, &title(district, s), &line, LAST)?;
    for (col, name, w) in [
        (0, "序号", 5.0),
        (1, "企业名称", 28.0),
        (2, "所属镇街", 10.0),
        (3, "产品名称", 14.0),
        (4, "计量单位", 7.0),
        (10, "旬末库存", 10.0),
    ] {
        ws.merge_range(3, col, 4, col, name, &f.header)?;
        ws.set_column_width(col, w)?;
    }
    ws.merge_range(3, 5, 3, 9, &format!("本旬（{}）", s.xun.label_zh()), &f.header)?;
    ws.merge_range(3, 11, 3, 13, "本年累计（1月1日至本旬末）", &f.header)?;
    for (col, name, w) in [
        (5, "产量", 10.0),
        (6, "销量合计", 10.0),
        (7, "其中：国内", 10.0),
        (8, "其中：出口", 10.0),
        (9, "产销率（%）", 8.0),
        (11, "产量", 11.0),
        (12, "销量", 11.0),
        (13, "产销率（%）", 8.0),
    ] {
        ws.write_string_with_format(4, col, name, &f.header)?;
        ws.set_column_width(col, w)?;
    }
    ws.set_row_height(3, 24)?;
    ws.set_row_height(4, 24)?;
    ws.set_freeze_panes(5, 2)?;
    ws.set_repeat_rows(0, 4)?;
    let mut r = 5u32;
    for (i, row) in s.rows.iter().enumerate() {
        let l = &row.line;
        ws.write_number_with_format(r, 0, (i + 1) as u32, &f.center)?;
        ws.write_string_with_format(r, 1, &row.enterprise.name, &f.text)?;
        ws.write_string_with_format(r, 2, &row.enterprise.township_name, &f.center)?;
        ws.write_string_with_format(r, 3, &l.product, &f.text)?;
        ws.write_string_with_format(r, 4, &l.unit, &f.center)?;
        amount(ws, r, 5, Some(l.output), &f.amount, &f.center)?;
        amount(ws, r, 6, Some(l.sales()), &f.amount, &f.center)?;
        amount(ws, r, 7, Some(l.sales_domestic), &f.amount, &f.center)?;
        amount(ws, r, 8, Some(l.sales_export), &f.amount, &f.center)?;
        rate(ws, r, 9, row.rate, &f.rate, &f.center)?;
        amount(ws, r, 10, l.stock, &f.amount, &f.center)?;
        amount(ws, r, 11, Some(row.cumulative_output), &f.amount, &f.center)?;
        amount(ws, r, 12, Some(row.cumulative_sales), &f.amount, &f.center)?;
        rate(ws, r, 13, row.cumulative_rate, &f.rate, &f.center)?;
        r += 1;
    }
    r += 1;
    ws.merge_range(r, 0, r, LAST, &format!("未报送企业（{} 家）", s.not_reported.len()), &f.total_text)?;
    r += 1;
    if s.not_reported.is_empty() {
        ws.merge_range(r, 0, r, LAST, "无", &f.center)?;
        return Ok(s.rows.len() as u64);
    }
    ws.write_string_with_format(r, 0, "序号", &f.header)?;
    ws.write_string_with_format(r, 1, "企业名称", &f.header)?;
    ws.write_string_with_format(r, 2, "所属镇街", &f.header)?;
    ws.merge_range(r, 3, r, 4, "包联领导", &f.header)?;
    ws.merge_range(r, 5, r, 6, "包联干部", &f.header)?;
    ws.merge_range(r, 7, r, LAST, "备注", &f.header)?;
    for (i, e) in s.not_reported.iter().enumerate() {
        r += 1;
        ws.write_number_with_format(r, 0, (i + 1) as u32, &f.center)?;
        ws.write_string_with_format(r, 1, &e.name, &f.text)?;
        ws.write_string_with_format(r, 2, &e.township_name, &f.center)?;
        ws.merge_range(r, 3, r, 4, &e.paired_leader, &f.center)?;
        ws.merge_range(r, 5, r, 6, &e.steward, &f.center)?;
        ws.merge_range(r, 7, r, LAST, super::NOT_REPORTED, &f.not_reported)?;
    }
    Ok(s.rows.len() as u64)
}

/// Lays out an already made 旬报 summary and writes it.
pub fn write_production_summary<'a>(
    s: &ProductionSummary,
    district: &str,
    now: DateTime<Utc>,
    chain_heads: Vec<ChainHead>,
    out: impl Into<OutputTarget<'a>>,
    open_ledger: Option<&Path>,
) -> Result<ExportSummary, ExportError> {
    let target = out.into();
    let mut wb = Workbook::new();
    let rows = sheet(&mut wb, s, district, now).map_err(|e| super::spreadsheet_error(e, target.path))?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_title(title(district, s)));
    save(wb, target, open_ledger, rows, chain_heads)
}

/// The 旬报 summary of `month`'s `xun` for `township_id` (or the district) at `out`.
pub fn export_production_xlsx<'a>(
    ledger: &Ledger,
    month: Month,
    xun: Xun,
    township_id: Option<&str>,
    now: DateTime<Utc>,
    out: impl Into<OutputTarget<'a>>,
) -> Result<ExportSummary, ExportError> {
    let target = out.into();
    vet(target, ledger.path())?;
    let s = ledger.production_summary(month, xun, township_id)?;
    let district = ledger.settings()?.district_name;
    write_production_summary(&s, &district, now, ledger.chain_heads()?, target, ledger.path())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn the_xun_summary_reads_back_with_who_did_not_report() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = demo_ledger(dir.path());
        let month = Month::new(2026, 11).unwrap();
        let out = dir.path().join("旬报.xlsx");
        export_production_xlsx(&ledger, month, Xun::Third, None, now(), out.as_path()).unwrap();
        let s = ledger.production_summary(month, Xun::Third, None).unwrap();
        keep(&out);
        let r = read_back(&out);
        assert!(text(&r, 0, 0).contains("2026年11月下旬"));
        assert_eq!(text(&r, 4, 5), "产量");
        for (i, row) in s.rows.iter().enumerate() {
            let at = 5 + i as u32;
            assert_eq!(text(&r, at, 1), row.enterprise.name);
            assert_eq!(text(&r, at, 3), row.line.product);
            assert_eq!(number(&r, at, 5), Some(row.line.output.as_f64()));
            assert_eq!(number(&r, at, 6), Some(row.line.sales().as_f64()));
            match row.rate {
                Some(x) => assert_eq!(number(&r, at, 9), Some(x)),
                None => assert_eq!(text(&r, at, 9), "—"),
            }
            assert_eq!(number(&r, at, 11), Some(row.cumulative_output.as_f64()));
        }
        let list = 5 + s.rows.len() as u32 + 1;
        assert_eq!(text(&r, list, 0), format!("未报送企业（{} 家）", s.not_reported.len()));
        // September's 旬报 were not kept by the demo: every key enterprise is listed as 未报.
        let sept = Month::new(2026, 9).unwrap();
        let out = dir.path().join("九月上旬.xlsx");
        export_production_xlsx(&ledger, sept, Xun::First, None, now(), out.as_path()).unwrap();
        let s = ledger.production_summary(sept, Xun::First, None).unwrap();
        assert!(s.rows.is_empty() && !s.not_reported.is_empty());
        let r = read_back(&out);
        let list = 5 + 1;
        assert_eq!(text(&r, list, 0), format!("未报送企业（{} 家）", s.not_reported.len()));
        for (i, e) in s.not_reported.iter().enumerate() {
            assert_eq!(text(&r, list + 2 + i as u32, 1), e.name);
            assert_eq!(text(&r, list + 2 + i as u32, 7), "未报");
        }
    }
}
