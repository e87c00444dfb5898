//! A district ledger as townships keep it, not as the project writes its fixtures: title and
//! 填报 rows, its own column names (compound, qualified, with suffixes), short category names,
//! dates typed every which way with and without a time, a handler and a progress column, and
//! columns the ledger does not read. Imported from .xlsx and, saved as a GBK CSV, again into a
//! fresh ledger: both need no hand mapping and give the same problems.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use rust_xlsxwriter::{Format, Workbook};
use taizhang_core::*;
use taizhang_exchange::header::{Field, MatchKind};
use taizhang_exchange::import::{
    commit_ledger, preview_ledger, CategoryChoice, CategoryMatch, ImportError, ImportOptions, ImportPreview, Severity,
};
use taizhang_ledger::Ledger;
use taizhang_testsupport::{at, date, district};

fn now() -> DateTime<Utc> {
    at(2026, 3, 31)
}

const HEADER: &[&str] = &[
    "序号",
    "企业名称（全称）",
    "所属乡镇",
    "企业提出的困难问题和诉求",
    "问题归类",
    "反映日期",
    "区级牵头单位",
    "配合部门",
    "主要承办人",
    "完成期限",
    "目前推进情况",
    "最新进展",
    "企业规模",
    "联络员",
    "备注",
];

const ROWS: usize = 300;

/// Short and "…类" forms of the default list, as township clerks type them.
const CATEGORIES: &[(&str, &str)] = &[
    ("要素", "水电气等要素"),
    ("园区配套类", "基础设施/园区配套"),
    ("政务", "审批/政务服务"),
    ("融资难", "融资"),
    ("用工类问题", "用工"),
    ("税费方面", "税费"),
    ("用地", "用地"),
    ("市场监管", "市场监管/执法"),
];

const LEADS: &[&str] = &["工业和信息化局", "自然资源局", "人力资源和社会保障局"];

/// The raised-on date of row `i` and how the sheet writes it: (date, text in the CSV, whether
/// the workbook holds a real date cell).
fn raised(i: usize) -> (NaiveDate, String, bool) {
    let d = date(2026, 1, 5) + chrono::Duration::days((i % 70) as i64);
    let text = match i % 6 {
        0 => d.format("%Y-%m-%d").to_string(),
        1 => d.format("%Y/%-m/%-d").to_string(),
        2 => d.format("%Y年%-m月%-d日").to_string(),
        3 => d.format("%Y-%m-%d 00:00:00").to_string(),
        4 => d.format("%Y%m%d").to_string(),
        _ => d.format("%Y.%-m.%-d").to_string(),
    };
    (d, text, i.is_multiple_of(5))
}

/// The time limit of row `i`: a working-day count, or a date with a time part as spreadsheets
/// save them in CSV.
fn limit(i: usize) -> String {
    match i % 3 {
        0 => "15个工作日".into(),
        1 => format!("2026-04-{:02} 00:00:00", 10 + i % 18),
        _ => format!("2026/4/{} 0:00", 10 + i % 18),
    }
}

struct Row {
    enterprise: String,
    township: &'static str,
    description: String,
    category: &'static str,
    raised: (NaiveDate, String, bool),
    lead: &'static str,
    supporter: &'static str,
    handler: String,
    limit: String,
    progress: String,
    latest: String,
    scale: &'static str,
    liaison: String,
    remark: &'static str,
}

fn rows() -> Vec<Row> {
    (0..ROWS)
        .map(|i| Row {
            enterprise: format!("示范区第{}号精密制造有限公司", i % 120),
            township: if i % 2 == 0 { "城关街道" } else { "西山镇" },
            description: format!("第{i}号诉求：厂区配套道路与用电增容未落实；请求协调解决"),
            category: CATEGORIES[i % CATEGORIES.len()].0,
            raised: raised(i),
            lead: LEADS[i % LEADS.len()],
            supporter: if i % 4 == 0 { LEADS[(i + 1) % LEADS.len()] } else { "" },
            handler: if i % 7 == 0 { String::new() } else { format!("承办人{}", i % 9) },
            limit: limit(i),
            progress: if i % 2 == 0 { format!("已现场对接，第{i}号正在办理") } else { String::new() },
            latest: if i % 10 == 0 { "见推进情况".into() } else { String::new() },
            scale: if i % 3 == 0 { "规上" } else { "规下" },
            liaison: format!("联络员{}", i % 5),
            remark: if i % 11 == 0 { "重点跟踪" } else { "" },
        })
        .collect()
}

fn cells(r: &Row, i: usize) -> Vec<String> {
    vec![
        (i + 1).to_string(),
        r.enterprise.clone(),
        r.township.into(),
        r.description.clone(),
        r.category.into(),
        r.raised.1.clone(),
        r.lead.into(),
        r.supporter.into(),
        r.handler.clone(),
        r.limit.clone(),
        r.progress.clone(),
        r.latest.clone(),
        r.scale.into(),
        r.liaison.clone(),
        r.remark.into(),
    ]
}

fn write_xlsx(path: &Path, rows: &[Row]) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("2026年台账").unwrap();
    sheet
        .merge_range(
            0,
            0,
            0,
            HEADER.len() as u16 - 1,
            "示范区2026年一季度企业问题诉求办理台账",
            &Format::new().set_bold(),
        )
        .unwrap();
    sheet.write_string(1, 0, "填报单位（盖章）：区营商环境办").unwrap();
    sheet.write_string(1, 9, "截至2026年3月31日").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(3, c as u16, *h).unwrap();
    }
    let date_format = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 4;
        for (c, text) in cells(r, i).iter().enumerate() {
            if c == 5 && r.raised.2 {
                sheet.write_date_with_format(row, c as u16, r.raised.0, &date_format).unwrap();
            } else if !text.is_empty() {
                sheet.write_string(row, c as u16, text).unwrap();
            }
        }
    }
    sheet.write_string(ROWS as u32 + 4, 0, "合计").unwrap();
    book.save(path).unwrap();
}

fn write_gbk_csv(path: &Path, rows: &[Row]) {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    w.write_record(["示范区2026年一季度企业问题诉求办理台账"]).unwrap();
    w.write_record(["填报单位（盖章）：区营商环境办"]).unwrap();
    w.write_record(HEADER).unwrap();
    for (i, r) in rows.iter().enumerate() {
        w.write_record(cells(r, i)).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    std::fs::write(path, &gbk).unwrap();
}

fn fresh(dir: &Path, name: &str) -> Ledger {
    let mut ledger = Ledger::create(&dir.join(name), at(2026, 1, 1)).unwrap();
    district(&mut ledger, at(2026, 1, 1));
    ledger
}

fn no_progress() -> impl FnMut(usize, usize) {
    |_, _| {}
}

fn column<'a>(p: &'a ImportPreview, header: &str) -> &'a taizhang_exchange::import::ColumnMapping {
    p.columns.iter().find(|c| c.header == header).unwrap_or_else(|| panic!("no column {header}"))
}

/// What the preview must say about this sheet, whichever file it came from.
fn check_preview(p: &ImportPreview) {
    let errors: Vec<_> = p.issues.iter().filter(|i| i.severity == Severity::Error).collect();
    assert!(errors.is_empty() && p.can_commit, "{errors:?}");
    assert_eq!(p.rows_new as usize, ROWS);

    let desc = column(p, "企业提出的困难问题和诉求");
    assert_eq!(
        (desc.field, desc.matched, desc.also),
        (Some(Field::Description), Some(MatchKind::Compound), Some(Field::Demand))
    );
    assert_eq!(column(p, "企业名称（全称）").matched, Some(MatchKind::Exact));
    for (h, f) in [
        ("所属乡镇", Field::Township),
        ("区级牵头单位", Field::LeadUnit),
        ("主要承办人", Field::Handler),
        ("目前推进情况", Field::Progress),
        ("问题归类", Field::Category),
    ] {
        let c = column(p, h);
        assert_eq!(c.field, Some(f), "{h}");
        assert!(matches!(c.matched, Some(MatchKind::Meaning | MatchKind::Exact)), "{h}: {:?}", c.matched);
    }
    assert_eq!(column(p, "主要承办人").matched, Some(MatchKind::Meaning));

    // Every column with data that is not imported is listed, with why and what it could be.
    let un: Vec<(&str, &str, Option<Field>, Option<&str>)> = p
        .unimported
        .iter()
        .map(|u| (u.header.as_str(), u.reason.as_str(), u.suggestion, u.held_by.as_deref()))
        .collect();
    assert_eq!(
        un,
        vec![
            ("最新进展", "field_taken", Some(Field::Progress), Some("K")),
            ("企业规模", "not_read", None, None),
            ("联络员", "unrecognized", None, None),
            ("备注", "not_read", None, None),
        ]
    );
    assert_eq!(p.unimported.iter().find(|u| u.header == "最新进展").unwrap().rows, 30);
    assert_eq!(p.unimported.iter().find(|u| u.header == "备注").unwrap().rows, 28);

    // Every category value found its category by meaning; none went to 其他.
    assert!(p.issues.iter().all(|i| !i.code.contains("category")), "{:?}", p.issues);
    assert_eq!(p.categories.len(), CATEGORIES.len());
    for (value, want) in CATEGORIES {
        let m = p.categories.iter().find(|m| m.value == *value).unwrap();
        assert_eq!(m.category.as_deref(), Some(*want), "{value}");
        assert_eq!(
            m.rows as usize,
            ROWS / CATEGORIES.len()
                + usize::from(CATEGORIES.iter().position(|c| c.0 == *value).unwrap() < ROWS % CATEGORIES.len())
        );
        assert_eq!(m.matched, if value == want { CategoryMatch::Exact } else { CategoryMatch::Meaning });
    }
}

/// The problems as imported, row by row: what each must hold.
fn check_ledger(ledger: &Ledger, rows: &[Row]) -> Vec<(String, String, NaiveDate, NaiveDate, String, Status)> {
    let mut seen = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let id: String = ledger
            .connection()
            .query_row("SELECT id FROM problems WHERE description = ?1", [&r.description], |x| x.get(0))
            .unwrap_or_else(|_| panic!("row {i} not imported"));
        let p = ledger.problem(&id).unwrap();
        let want_category = CATEGORIES.iter().find(|c| c.0 == r.category).unwrap().1;
        assert_eq!(p.category, want_category, "row {i}");
        assert_eq!(p.raised_on, r.raised.0, "row {i}: {}", r.raised.1);
        let a = p.assignment.as_ref().unwrap();
        assert_eq!(a.handler, r.handler, "row {i}: the handler goes into the assignment");
        let deadline = a.handling_deadline;
        if i % 3 != 0 {
            assert_eq!(deadline, date(2026, 4, 10 + (i % 18) as u32), "row {i}: {}", r.limit);
        }
        // The progress text is on the timeline, in the imported event, with its row.
        let timeline = ledger.timeline(&id).unwrap();
        let (_, imported) =
            timeline.iter().map(|e| e.event.to_parts()).find(|(kind, _)| kind == "problem_imported").unwrap();
        assert_eq!(imported["row"]["progress"], serde_json::json!(r.progress), "row {i}");
        assert!(imported["row"]["origin"]["row"].as_u64().is_some());
        if !r.progress.is_empty() {
            assert_eq!(p.status, Status::InProgress, "row {i}: a progress note means the work is under way");
        }
        seen.push((p.number.clone(), p.category.clone(), p.raised_on, deadline, a.handler.clone(), p.status));
    }
    seen
}

#[test]
fn a_township_ledger_with_its_own_headers_and_short_categories_needs_no_hand_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let data = rows();
    let xlsx = dir.path().join("城关西山一季度台账.xlsx");
    write_xlsx(&xlsx, &data);
    let mut ledger = fresh(dir.path(), "a.db");
    let p = preview_ledger(&ledger, &xlsx, &ImportOptions::default(), now()).unwrap();
    assert_eq!(p.header_row, 4);
    check_preview(&p);
    commit_ledger(&mut ledger, "admin", &xlsx, &ImportOptions::default(), now(), &mut no_progress()).unwrap();
    let from_xlsx = check_ledger(&ledger, &data);
    // The imported row's place in the sheet is kept (row 5 is the first under the header).
    let first = ledger
        .connection()
        .query_row("SELECT id FROM problems WHERE description = ?1", [&data[0].description], |x| x.get::<_, String>(0))
        .unwrap();
    assert_eq!(ledger.problem(&first).unwrap().imported.unwrap().row, 5);
    assert!(ledger.verify().unwrap().ok);
    assert!(ledger.rebuild().unwrap().equal, "the imported progress and handler survive a rebuild");

    // Saved as a GBK CSV, every date typed as text (time limits with a time part), into a
    // fresh ledger: the same problems.
    let csv = dir.path().join("城关西山一季度台账.csv");
    write_gbk_csv(&csv, &data);
    let mut again = fresh(dir.path(), "b.db");
    let p = preview_ledger(&again, &csv, &ImportOptions::default(), now()).unwrap();
    check_preview(&p);
    commit_ledger(&mut again, "admin", &csv, &ImportOptions::default(), now(), &mut no_progress()).unwrap();
    let from_csv = check_ledger(&again, &data);
    let strip = |v: Vec<(String, String, NaiveDate, NaiveDate, String, Status)>| {
        v.into_iter().map(|(_, c, r, d, h, s)| (c, r, d, h, s)).collect::<Vec<_>>()
    };
    assert_eq!(strip(from_xlsx), strip(from_csv));
}

fn category_sheet(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("类别.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let header = ["企业名称", "所属镇街", "存在问题", "问题类别", "提出时间"];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let values = ["科技创新", "人才引进", "要素", "科技创新", "人才引进", "科技创新", "", "其他"];
    for (i, v) in values.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, "示范区恒达精密机械有限公司").unwrap();
        sheet.write_string(r, 1, "城关街道").unwrap();
        sheet.write_string(r, 2, format!("类别测试问题{i}")).unwrap();
        if !v.is_empty() {
            sheet.write_string(r, 3, *v).unwrap();
        }
        sheet.write_string(r, 4, "2026-03-02").unwrap();
    }
    book.save(&path).unwrap();
    path
}

#[test]
fn categories_that_fit_nothing_are_grouped_and_mapped_or_added_by_the_office_in_the_same_step() {
    let dir = tempfile::tempdir().unwrap();
    let file = category_sheet(dir.path());
    let mut ledger = fresh(dir.path(), "c.db");

    // As detected: nothing falls into 其他; the two unknown values are listed with their rows
    // and hold their rows back.
    let p = preview_ledger(&ledger, &file, &ImportOptions::default(), now()).unwrap();
    assert!(!p.can_commit);
    let groups: Vec<(&str, u32, CategoryMatch)> =
        p.categories.iter().map(|c| (c.value.as_str(), c.rows, c.matched)).collect();
    assert_eq!(
        groups,
        vec![
            ("科技创新", 3, CategoryMatch::Unmatched),
            ("人才引进", 2, CategoryMatch::Unmatched),
            ("要素", 1, CategoryMatch::Meaning),
            ("其他", 1, CategoryMatch::Exact),
        ]
    );
    let unmapped =
        p.issues.iter().filter(|i| i.code == "import.row.unmapped_category" && i.severity == Severity::Error).count();
    assert_eq!(unmapped, 5);
    let before = ledger.settings().unwrap().categories;
    let err =
        commit_ledger(&mut ledger, "admin", &file, &ImportOptions::default(), now(), &mut no_progress()).unwrap_err();
    assert!(matches!(err, ImportError::HasErrors { errors: 5 }), "{err:?}");

    // A mapping to a category that is not in the list and not added is named, not guessed.
    let bad = ImportOptions {
        categories: vec![CategoryChoice { name: "人才引进".into(), category: "人才".into() }],
        ..Default::default()
    };
    let p = preview_ledger(&ledger, &file, &bad, now()).unwrap();
    assert!(p.issues.iter().any(|i| i.code == "import.category_not_listed" && i.value == "人才引进=人才"));

    // Mapped by hand and added to the list by the office: one transaction does both.
    let opts = ImportOptions {
        categories: vec![CategoryChoice { name: "人才引进".into(), category: "用工".into() }],
        add_categories: vec!["科技创新".into()],
        ..Default::default()
    };
    let p = preview_ledger(&ledger, &file, &opts, now()).unwrap();
    assert!(p.can_commit, "{:?}", p.issues);
    let how: Vec<(&str, CategoryMatch, Option<&str>)> =
        p.categories.iter().map(|c| (c.value.as_str(), c.matched, c.category.as_deref())).collect();
    assert!(how.contains(&("科技创新", CategoryMatch::Added, Some("科技创新"))));
    assert!(how.contains(&("人才引进", CategoryMatch::ByHand, Some("用工"))));
    commit_ledger(&mut ledger, "admin", &file, &opts, now(), &mut no_progress()).unwrap();
    let after = ledger.settings().unwrap().categories;
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after.last().map(String::as_str), Some("科技创新"));
    let category_of = |d: &str| -> String {
        ledger
            .connection()
            .query_row("SELECT category FROM problems WHERE description = ?1", [d], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(category_of("类别测试问题0"), "科技创新");
    assert_eq!(category_of("类别测试问题1"), "用工");
    assert_eq!(category_of("类别测试问题2"), "水电气等要素");
    assert_eq!(category_of("类别测试问题6"), "其他", "a row stating no category goes to the catch-all");
    assert!(ledger.rebuild().unwrap().equal);

    // Importing the same file again without the mapping: every row is already there, so no
    // category of a skipped row holds the import back.
    let again = preview_ledger(&ledger, &file, &ImportOptions::default(), now()).unwrap();
    assert_eq!((again.rows_new, again.rows_duplicate), (0, 8));
    assert!(again.can_commit && again.categories.is_empty(), "{:?}", again.issues);

    // A township user cannot add categories through an import: refused, nothing written.
    let mut other = fresh(dir.path(), "d.db");
    let size = other.connection().query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0)).unwrap();
    assert!(commit_ledger(&mut other, "cg", &file, &opts, now(), &mut no_progress()).is_err());
    assert_eq!(other.connection().query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0)).unwrap(), size);
}
