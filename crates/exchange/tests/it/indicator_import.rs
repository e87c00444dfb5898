//! Importing a monthly indicator sheet as enterprises fill it, on a real ledger file (the demo
//! district): a merged title naming the month, two header rows, full-width digits, thousands
//! separators, a 千元 column, a township heading line, a 合计 line, a non-key enterprise and a
//! negative output. The preview names each bad row and its code; the commit writes nothing
//! until the sheet is clean, then every row in one go.

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Format, Workbook};
use taizhang_core::monitoring::{Amount, Month};
use taizhang_exchange::import::{
    commit_indicators, preview_indicators, IndicatorImportOptions, Measure, Severity, INDICATOR_IMPORT_CODES,
};
use taizhang_ledger::Ledger;
use taizhang_testsupport::demo::{generate, DemoOptions};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-07T02:00:00Z").unwrap().to_utc()
}

struct Firms {
    /// Key, reported October with a cumulative: (name, October's cumulative output).
    a: (String, Amount),
    /// Key, with a credit code: (code, name).
    b: (String, String),
    /// Key.
    c: String,
    /// Not key.
    general: String,
}

fn firms(ledger: &Ledger) -> Firms {
    let oct = ledger.monthly_report(Month::new(2026, 10).unwrap(), None, now()).unwrap();
    let a = oct.rows.iter().find(|r| r.reported && r.figures[0].cumulative.is_some()).unwrap();
    let a = (a.enterprise.name.clone(), a.figures[0].cumulative.unwrap());
    let all = ledger.enterprises().unwrap();
    let keyed: Vec<_> = all.iter().filter(|e| e.key_level.is_key() && e.name != a.0).collect();
    let b = keyed.iter().find(|e| e.credit_code.is_some()).expect("a key enterprise with a credit code");
    let c = keyed.iter().find(|e| e.id != b.id).unwrap();
    let general = all.iter().find(|e| !e.key_level.is_key()).unwrap();
    Firms { a, b: (b.credit_code.clone().unwrap(), b.name.clone()), c: c.name.clone(), general: general.name.clone() }
}

/// The sheet; `bad` adds the non-key enterprise and the negative output.
fn write_sheet(path: &std::path::Path, f: &Firms, bad: bool) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let bold = Format::new().set_bold();
    ws.merge_range(0, 0, 0, 10, "示范区重点企业主要经济指标月报（2026年11月）", &bold).unwrap();
    ws.write(1, 0, "填报单位：城关街道").unwrap();
    ws.write(1, 6, "单位：万元").unwrap();
    for (c, h) in [(0, "序号"), (1, "企业名称"), (2, "统一社会信用代码")] {
        ws.merge_range(2, c, 3, c, h, &bold).unwrap();
    }
    ws.merge_range(2, 3, 2, 4, "工业总产值（当年价格）\n（千元）", &bold).unwrap();
    ws.merge_range(2, 5, 2, 6, "用电量（万千瓦时）", &bold).unwrap();
    ws.merge_range(2, 7, 2, 8, "营业收入", &bold).unwrap();
    ws.write(2, 9, "利润总额").unwrap();
    ws.merge_range(2, 10, 3, 10, "产品销售率%", &bold).unwrap();
    for (c, h) in [(3, "本月"), (4, "1－本月累计"), (5, "本期"), (6, "上年同期"), (7, "当月"), (8, "累计"), (9, "本月")]
    {
        ws.write(3, c, h).unwrap();
    }
    // A: 23,456.7 千元 in full-width digits is 2,345.67 万元; its cumulative in 千元 too.
    let cum_qian = Amount((f.a.1 .0 + 234_567) * 10);
    ws.write(4, 0, 1).unwrap();
    ws.write(4, 1, format!(" {} ", f.a.0)).unwrap();
    ws.write(4, 3, "２３，４５６．７").unwrap();
    ws.write(4, 4, cum_qian.to_string()).unwrap();
    ws.write(4, 5, "1,234.5").unwrap();
    ws.write(4, 6, 1100).unwrap();
    ws.write(4, 7, 2400.5).unwrap();
    ws.write(4, 9, "-12.5").unwrap();
    ws.write(4, 10, 97).unwrap();
    // B: by its credit code only.
    ws.write(5, 0, 2).unwrap();
    ws.write(5, 2, &f.b.0).unwrap();
    ws.write(5, 3, 12345).unwrap();
    ws.write(5, 5, "88").unwrap();
    // A township heading line with no figures.
    ws.write(6, 1, "城关街道").unwrap();
    let mut r = 7;
    if bad {
        ws.write(r, 0, 3).unwrap();
        ws.write(r, 1, &f.general).unwrap();
        ws.write(r, 3, 5000).unwrap();
        r += 1;
        ws.write(r, 0, 4).unwrap();
        ws.write(r, 1, &f.c).unwrap();
        ws.write(r, 3, "-500").unwrap();
        r += 1;
    }
    ws.write(r, 0, "合计").unwrap();
    ws.write(r, 3, 99999).unwrap();
    wb.save(path).unwrap();
}

#[test]
fn a_messy_indicator_sheet_is_previewed_refused_then_imported_whole() {
    let dir = tempfile::tempdir().unwrap();
    let opts = DemoOptions { problems: 45, seed: 2026, end: now(), days: 60, monitoring: true };
    let mut ledger = Ledger::create(&dir.path().join("ledger.db"), opts.start()).unwrap();
    generate(&mut ledger, &opts);
    let f = firms(&ledger);
    let nov = Month::new(2026, 11).unwrap();
    let sheet = dir.path().join("月报.xlsx");
    write_sheet(&sheet, &f, true);

    let p = preview_indicators(&ledger, &sheet, &IndicatorImportOptions::default(), now()).unwrap();
    assert_eq!(p.month, Some(nov));
    assert_eq!(p.month_source, "title");
    assert_eq!(p.header_rows, vec![3, 4]);
    let col = |letter: &str| p.columns.iter().find(|c| c.letter == letter).unwrap();
    assert_eq!(col("D").role.as_deref(), Some("gross_output"));
    assert_eq!(col("D").unit.as_deref(), Some("千元"));
    assert_eq!(col("D").conversion.as_deref(), Some("÷10"));
    assert_eq!(col("E").measure, Some(Measure::Cumulative));
    assert_eq!(col("G").measure, Some(Measure::LastYear));
    assert_eq!(col("H").role.as_deref(), Some("revenue"));
    assert_eq!(col("K").role.as_deref(), Some("computed"));
    let errors: Vec<(u32, &str)> =
        p.issues.iter().filter(|i| i.severity == Severity::Error).map(|i| (i.row, i.code.as_str())).collect();
    assert_eq!(errors, vec![(8, "monitoring.not_key_enterprise"), (9, "monitoring.negative_value")]);
    assert!(!p.can_commit);
    let skipped: Vec<(u32, &str)> = p.skipped.iter().map(|s| (s.row, s.reason.as_str())).collect();
    assert_eq!(skipped, vec![(7, "no_figures"), (10, "footer")]);
    let a = &p.rows[0];
    assert_eq!(a.enterprise_name, f.a.0);
    let output = a.entries.iter().find(|e| e.key == "gross_output").unwrap();
    assert_eq!(output.value, Amount(234_567));
    assert_eq!(output.cumulative, Some(Amount(f.a.1 .0 + 234_567)));
    let power = a.entries.iter().find(|e| e.key == "electricity").unwrap();
    assert_eq!((power.value, power.last_year), (Amount(123_450), Some(Amount(110_000))));
    let profit = a.entries.iter().find(|e| e.key == "profit").unwrap();
    assert_eq!(profit.value, Amount(-1_250), "a loss is a value");
    assert_eq!(p.rows[1].enterprise_name, f.b.1, "found by its credit code");
    assert_eq!(p.rows[1].entries[0].value, Amount(123_450));

    // Refused whole: nothing is written.
    let events_before = ledger.chain_heads().unwrap();
    let before = ledger.monthly_report(nov, None, now()).unwrap();
    let err =
        commit_indicators(&mut ledger, "admin", &sheet, &IndicatorImportOptions::default(), now(), &mut |_, _| {})
            .unwrap_err();
    assert_eq!(err.code(), "import.has_errors");
    assert_eq!(ledger.chain_heads().unwrap(), events_before);
    assert_eq!(ledger.monthly_report(nov, None, now()).unwrap(), before);

    // The clean sheet: both rows in one transaction.
    write_sheet(&sheet, &f, false);
    let done =
        commit_indicators(&mut ledger, "admin", &sheet, &IndicatorImportOptions::default(), now(), &mut |_, _| {})
            .unwrap();
    assert!(done.events >= 2);
    let after = ledger.monthly_report(nov, None, now()).unwrap();
    let row = after.rows.iter().find(|r| r.enterprise.name == f.a.0).unwrap();
    assert!(row.reported);
    assert_eq!(row.figures[0].value, Some(Amount(234_567)));
    let row = after.rows.iter().find(|r| r.enterprise.name == f.b.1).unwrap();
    assert_eq!(row.figures[0].value, Some(Amount(123_450)));

    // A month given by the user wins over the title, with a warning.
    let oct = IndicatorImportOptions { month: Some(Month::new(2026, 10).unwrap()), ..Default::default() };
    let p = preview_indicators(&ledger, &sheet, &oct, now()).unwrap();
    assert_eq!(p.month_source, "option");
    assert!(p.issues.iter().any(|i| i.code == "import.indicators.month_differs"));
}

#[test]
fn every_code_of_the_indicator_import_has_both_messages() {
    assert_eq!(taizhang_core::coded::uncatalogued(INDICATOR_IMPORT_CODES.iter().copied()), Vec::<String>::new());
}
