//! 预警清单 as one sheet: each warning (raised, or a report missing after its due day) with its
//! level in its colour, what it is about, the warning in words (the catalogue's
//! `warnings.<rule>`), the three levels answering for it (包联领导, 责任单位, 承办人), whether it
//! is still open and what was done about it.

use std::path::Path;

use chrono::{DateTime, Utc};
use rust_xlsxwriter::Workbook;
use taizhang_core::monitoring::warnings::warning_text;
use taizhang_core::monitoring::Level;
use taizhang_ledger::{ChainHead, Ledger, OutputTarget, WarningFilter, WarningRow};

use super::{heading, made_at, save, vet, Formats, X};
use crate::export::{style, ExportError, ExportSummary};

pub const WARNINGS_SHEET: &str = "预警清单";

pub const WARNINGS_HEADERS: [&str; 13] = [
    "序号",
    "预警等级",
    "对象",
    "企业/项目名称",
    "所属镇街",
    "期间",
    "预警内容",
    "包联领导",
    "责任单位",
    "承办人",
    "状态",
    "处置情况",
    "预警时间",
];
const WIDTHS: [f64; 13] = [5.0, 7.0, 5.0, 24.0, 9.0, 8.0, 40.0, 8.0, 14.0, 8.0, 12.0, 34.0, 11.0];
const LAST: u16 = WARNINGS_HEADERS.len() as u16 - 1;

/// (fill, font) of a level cell, the colours the levels are named after.
fn level_colors(l: Level) -> (u32, u32) {
    match l {
        Level::Blue => (0x9BC2E6, 0x1F3864),
        Level::Yellow => (0xFFFF00, 0x000000),
        Level::Orange => (0xFFC000, 0x000000),
        Level::Red => (0xFF0000, 0xFFFFFF),
    }
}

/// 未处置 / 已处置; a missing report closes itself when it comes in.
pub fn status_of(w: &WarningRow) -> &'static str {
    match (w.open, w.computed) {
        (true, true) => "未报送（报送后自动解除）",
        (true, false) => "未处置",
        (false, _) => "已处置",
    }
}

/// What was done, one line per action: "2026-12-01 张伟：已走访，企业订单恢复（转为问题 2026-城关-0012）".
pub fn actions_of(w: &WarningRow) -> String {
    w.actions
        .iter()
        .map(|a| {
            let mut s = format!("{} {}：{}", a.at.get(..10).unwrap_or(&a.at), a.actor_name, a.note);
            if let Some(n) = &a.problem_number {
                s.push_str(&format!("（转为问题 {n}）"));
            } else if a.visit_id.is_some() {
                s.push_str("（已走访）");
            }
            s
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn sheet(wb: &mut Workbook, rows: &[WarningRow], open_only: bool, district: &str, now: DateTime<Utc>) -> X<u64> {
    let f = Formats::new();
    let ws = wb.add_worksheet();
    let count = |l: Level| rows.iter().filter(|w| w.level == l).count();
    let line = format!(
        "{}共 {} 条：红色 {}，橙色 {}，黄色 {}，蓝色 {}；未处置 {} 条　　{}",
        if open_only { "未处置的预警" } else { "全部预警" },
        rows.len(),
        count(Level::Red),
        count(Level::Orange),
        count(Level::Yellow),
        count(Level::Blue),
        rows.iter().filter(|w| w.open).count(),
        made_at(now)
    );
    heading(ws, WARNINGS_SHEET, &format!("{district}重点企业和重点项目监测预警清单"), &line, LAST)?;
    for (i, (h, w)) in WARNINGS_HEADERS.iter().zip(WIDTHS).enumerate() {
        ws.write_string_with_format(3, i as u16, *h, &f.header)?;
        ws.set_column_width(i as u16, w)?;
    }
    ws.set_row_height(3, 24)?;
    ws.set_freeze_panes(4, 0)?;
    ws.set_repeat_rows(0, 3)?;
    if !rows.is_empty() {
        ws.autofilter(3, 0, 3 + rows.len() as u32, LAST)?;
    }
    let levels: Vec<_> = Level::ALL
        .iter()
        .map(|l| {
            let (fill, font) = level_colors(*l);
            (*l, style::filled(style::centered(), fill, font).set_bold())
        })
        .collect();
    for (i, w) in rows.iter().enumerate() {
        let r = 4 + i as u32;
        let level_f = &levels.iter().find(|(l, _)| *l == w.level).expect("every level").1;
        ws.write_number_with_format(r, 0, (i + 1) as u32, &f.center)?;
        ws.write_string_with_format(r, 1, w.level.label_zh(), level_f)?;
        ws.write_string_with_format(r, 2, w.subject.label_zh(), &f.center)?;
        ws.write_string_with_format(r, 3, &w.subject_name, &f.wrap)?;
        ws.write_string_with_format(r, 4, &w.township_name, &f.center)?;
        ws.write_string_with_format(r, 5, w.period.to_string(), &f.center)?;
        ws.write_string_with_format(r, 6, warning_text("zh-CN", &w.rule, &w.params), &f.wrap)?;
        ws.write_string_with_format(r, 7, &w.responsible_leader, &f.center)?;
        ws.write_string_with_format(r, 8, &w.lead_unit, &f.wrap)?;
        ws.write_string_with_format(r, 9, &w.handler, &f.center)?;
        let status_f = if w.open { &f.not_reported } else { &f.center };
        ws.write_string_with_format(r, 10, status_of(w), &status_f.clone().set_text_wrap())?;
        ws.write_string_with_format(r, 11, actions_of(w), &f.wrap)?;
        let words = warning_text("zh-CN", &w.rule, &w.params);
        let done = actions_of(w);
        ws.set_row_height(
            r,
            super::fit_height(&[
                (&w.subject_name, WIDTHS[3]),
                (&words, WIDTHS[6]),
                (&w.lead_unit, WIDTHS[8]),
                (status_of(w), WIDTHS[10]),
                (&done, WIDTHS[11]),
            ]),
        )?;
        let raised = w.raised_at.as_deref().and_then(|t| t.get(..10)).unwrap_or("");
        ws.write_string_with_format(r, 12, raised, &f.center)?;
    }
    Ok(rows.len() as u64)
}

/// Lays out already read warnings and writes them.
pub fn write_warnings<'a>(
    rows: &[WarningRow],
    open_only: bool,
    district: &str,
    now: DateTime<Utc>,
    chain_heads: Vec<ChainHead>,
    out: impl Into<OutputTarget<'a>>,
    open_ledger: Option<&Path>,
) -> Result<ExportSummary, ExportError> {
    let target = out.into();
    let mut wb = Workbook::new();
    let n = sheet(&mut wb, rows, open_only, district, now).map_err(|e| super::spreadsheet_error(e, target.path))?;
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new().set_title(format!("{district}重点企业和重点项目监测预警清单")),
    );
    save(wb, target, open_ledger, n, chain_heads)
}

/// The warnings board as of `now` (`filter`: a township, open ones only, a leader's) at `out`.
pub fn export_warnings_xlsx<'a>(
    ledger: &Ledger,
    filter: &WarningFilter,
    now: DateTime<Utc>,
    out: impl Into<OutputTarget<'a>>,
) -> Result<ExportSummary, ExportError> {
    let target = out.into();
    vet(target, ledger.path())?;
    let rows = ledger.warnings(filter, now)?;
    let district = ledger.settings()?.district_name;
    write_warnings(&rows, filter.open_only, &district, now, ledger.chain_heads()?, target, ledger.path())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn the_warnings_list_reads_back_in_words_with_who_answers() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = demo_ledger(dir.path());
        let out = dir.path().join("预警.xlsx");
        let filter = WarningFilter::default();
        export_warnings_xlsx(&ledger, &filter, now(), out.as_path()).unwrap();
        let rows = ledger.warnings(&filter, now()).unwrap();
        assert!(rows.iter().any(|w| !w.open) && rows.iter().any(|w| w.computed));
        keep(&out);
        let r = read_back(&out);
        for (i, w) in rows.iter().enumerate() {
            let at = 4 + i as u32;
            assert_eq!(text(&r, at, 1), w.level.label_zh());
            assert_eq!(text(&r, at, 3), w.subject_name);
            let words = text(&r, at, 6);
            assert!(!words.is_empty() && words != w.rule, "{words}");
            assert_eq!(text(&r, at, 7), w.responsible_leader);
            assert_eq!(text(&r, at, 10), status_of(w));
            if !w.actions.is_empty() {
                assert!(text(&r, at, 11).contains(&w.actions[0].note));
            }
        }
        let open = dir.path().join("未处置.xlsx");
        let filter = WarningFilter { open_only: true, ..WarningFilter::default() };
        let s = export_warnings_xlsx(&ledger, &filter, now(), open.as_path()).unwrap();
        assert_eq!(s.rows, rows.iter().filter(|w| w.open).count() as u64);
    }
}
