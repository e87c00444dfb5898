//! 重点项目进度月报 of a month as one sheet: each key project's investment (总投资, 年度计划,
//! 本月完成, 年度累计), 完成率 against 序时进度 and the pace (超前/正常/滞后), its 形象进度 and
//! difficulties, and the three levels answering for it (包联领导, 责任单位, 承办人). A project
//! without this month's report shows 未报. The 合计 is the ledger's (`ProjectTotals`, the one the
//! window prints): the figures shown summed, its 完成率 over the projects that have one.

use std::path::Path;

use chrono::{DateTime, Utc};
use rust_xlsxwriter::Workbook;
use taizhang_core::monitoring::projects::time_progress;
use taizhang_core::monitoring::{Month, Pace};
use taizhang_ledger::{ChainHead, Ledger, OutputTarget};
use taizhang_ledger::{ProjectRow, ProjectTotals};

use super::{amount, heading, made_at, month_label, rate, save, vet, Formats, X};
use crate::export::{style, ExportError, ExportSummary};

pub const PROJECTS_SHEET: &str = "项目进度";

pub const PROJECTS_HEADERS: [&str; 17] = [
    "序号",
    "项目名称",
    "所在镇街",
    "建设性质",
    "总投资",
    "年度计划投资",
    "本月完成投资",
    "年度累计完成投资",
    "完成率（%）",
    "序时进度（%）",
    "比序时进度（百分点）",
    "进度",
    "形象进度",
    "存在的困难和问题",
    "包联领导",
    "责任单位",
    "承办人",
];
const WIDTHS: [f64; 17] = [5.0, 24.0, 9.0, 6.0, 10.0, 10.0, 10.0, 10.0, 8.0, 8.0, 9.0, 6.0, 26.0, 26.0, 8.0, 16.0, 8.0];
const LAST: u16 = PROJECTS_HEADERS.len() as u16 - 1;

fn pace_colors(p: Pace) -> Option<(u32, u32)> {
    match p {
        Pace::Ahead => Some((0xE2EFDA, 0x38761D)),
        Pace::OnTrack => None,
        Pace::Behind => Some((style::OVERDUE_FILL, style::OVERDUE_FONT)),
    }
}

fn title(district: &str, month: Month) -> String {
    format!("{district}重点项目进度月报（{}）", month_label(month))
}

fn sheet(wb: &mut Workbook, rows: &[ProjectRow], month: Month, district: &str, now: DateTime<Utc>) -> X<u64> {
    let f = Formats::new();
    let ws = wb.add_worksheet();
    let line = format!(
        "统计月份：{}　　单位：万元　　序时进度 = 已过月数 ÷ 12 = {:.2}%　　完成率 = 年度累计完成投资 ÷ 年度计划投资　　{}",
        month_label(month),
        time_progress(month),
        made_at(now)
    );
    heading(ws, PROJECTS_SHEET, &title(district, month), &line, LAST)?;
    for (i, (h, w)) in PROJECTS_HEADERS.iter().zip(WIDTHS).enumerate() {
        ws.write_string_with_format(3, i as u16, *h, &f.header)?;
        ws.set_column_width(i as u16, w)?;
    }
    ws.set_row_height(3, 42)?;
    ws.set_freeze_panes(4, 2)?;
    ws.set_repeat_rows(0, 3)?;
    let mut r = 4u32;
    for (i, p) in rows.iter().enumerate() {
        let pr = &p.project;
        let of_year = pr.plan_year == month.year;
        ws.write_number_with_format(r, 0, (i + 1) as u32, &f.center)?;
        ws.write_string_with_format(r, 1, &pr.name, &f.wrap)?;
        ws.write_string_with_format(r, 2, &p.township_name, &f.center)?;
        ws.write_string_with_format(r, 3, pr.nature.label_zh(), &f.center)?;
        amount(ws, r, 4, Some(pr.total_investment), &f.amount, &f.center)?;
        amount(ws, r, 5, of_year.then_some(pr.annual_plan), &f.amount, &f.center)?;
        match &p.progress {
            Some(g) => amount(ws, r, 6, Some(g.invested), &f.amount, &f.center)?,
            None => {
                ws.write_string_with_format(r, 6, super::NOT_REPORTED, &f.not_reported)?;
            }
        }
        amount(ws, r, 7, p.year_to_date, &f.amount, &f.center)?;
        rate(ws, r, 8, p.completion_rate, &f.rate, &f.center)?;
        rate(ws, r, 9, Some(p.time_progress), &f.rate, &f.center)?;
        rate(ws, r, 10, p.points_ahead, &f.rate, &f.center)?;
        match p.pace {
            Some(pace) => {
                let fmt = match pace_colors(pace) {
                    Some((fill, font)) => style::filled(style::centered(), fill, font).set_bold(),
                    None => f.center.clone(),
                };
                ws.write_string_with_format(r, 11, pace.label_zh(), &fmt)?
            }
            None => ws.write_string_with_format(r, 11, super::NO_RATE, &f.center)?,
        };
        let (image, difficulties) =
            p.progress.as_ref().map(|g| (g.image_progress.as_str(), g.difficulties.as_str())).unwrap_or(("", ""));
        ws.write_string_with_format(r, 12, image, &f.wrap)?;
        ws.write_string_with_format(r, 13, difficulties, &f.wrap)?;
        ws.write_string_with_format(r, 14, &pr.paired_leader, &f.center)?;
        ws.write_string_with_format(r, 15, &p.responsible_unit_name, &f.wrap)?;
        ws.write_string_with_format(r, 16, &pr.handler, &f.center)?;
        ws.set_row_height(
            r,
            super::fit_height(&[
                (&pr.name, WIDTHS[1]),
                (image, WIDTHS[12]),
                (difficulties, WIDTHS[13]),
                (&p.responsible_unit_name, WIDTHS[15]),
            ]),
        )?;
        r += 1;
    }
    let t = ProjectTotals::of(rows, month);
    ws.merge_range(r, 0, r, 3, &format!("合计（{} 个项目）", t.projects), &f.total_text)?;
    for (c, v) in [(4, t.total_investment), (5, t.annual_plan), (6, t.invested), (7, t.year_to_date)] {
        amount(ws, r, c, Some(v), &f.total_amount, &f.total_text)?;
    }
    rate(ws, r, 8, t.completion_rate, &f.total_rate, &f.total_text)?;
    rate(ws, r, 9, Some(t.time_progress), &f.total_rate, &f.total_text)?;
    rate(ws, r, 10, t.points_ahead, &f.total_rate, &f.total_text)?;
    for c in 11..=LAST {
        ws.write_blank(r, c, &f.total_text)?;
    }
    Ok(rows.len() as u64)
}

/// Lays out already read project rows of `month` and writes them.
pub fn write_projects<'a>(
    rows: &[ProjectRow],
    month: Month,
    district: &str,
    now: DateTime<Utc>,
    chain_heads: Vec<ChainHead>,
    out: impl Into<OutputTarget<'a>>,
    open_ledger: Option<&Path>,
) -> Result<ExportSummary, ExportError> {
    let target = out.into();
    let mut wb = Workbook::new();
    let n = sheet(&mut wb, rows, month, district, now).map_err(|e| super::spreadsheet_error(e, target.path))?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_title(title(district, month)));
    save(wb, target, open_ledger, n, chain_heads)
}

/// The key projects' progress of `month` for `township_id` (or the district) at `out`.
pub fn export_projects_xlsx<'a>(
    ledger: &Ledger,
    month: Month,
    township_id: Option<&str>,
    now: DateTime<Utc>,
    out: impl Into<OutputTarget<'a>>,
) -> Result<ExportSummary, ExportError> {
    let target = out.into();
    vet(target, ledger.path())?;
    let rows = ledger.projects(township_id, month)?;
    let district = ledger.settings()?.district_name;
    write_projects(&rows, month, &district, now, ledger.chain_heads()?, target, ledger.path())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn the_project_report_reads_back_with_pace_and_totals() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = demo_ledger(dir.path());
        let month = Month::new(2026, 11).unwrap();
        let out = dir.path().join("项目.xlsx");
        export_projects_xlsx(&ledger, month, None, now(), out.as_path()).unwrap();
        let rows = ledger.projects(None, month).unwrap();
        keep(&out);
        let r = read_back(&out);
        assert_eq!(text(&r, 3, 1), "项目名称");
        let mut ytd = 0.0;
        for (i, p) in rows.iter().enumerate() {
            let at = 4 + i as u32;
            assert_eq!(text(&r, at, 1), p.project.name);
            match p.progress {
                Some(_) => assert!(number(&r, at, 6).is_some()),
                None => assert_eq!(text(&r, at, 6), "未报"),
            }
            match p.pace {
                Some(pace) => assert_eq!(text(&r, at, 11), pace.label_zh()),
                None => assert_eq!(text(&r, at, 11), "—"),
            }
            assert_eq!(number(&r, at, 9), Some(91.67));
            match p.year_to_date {
                Some(y) => ytd += y.as_f64(),
                None => assert_eq!(text(&r, at, 7), "—"),
            }
        }
        let total = 4 + rows.len() as u32;
        assert!(text(&r, total, 0).starts_with("合计"));
        assert!((number(&r, total, 7).unwrap() - ytd).abs() < 0.005);
        assert!(rows.iter().any(|p| p.pace == Some(Pace::Behind)));
        assert!(rows.iter().any(|p| p.year_to_date.is_none()), "the demo has a project missing a month");
    }
}
