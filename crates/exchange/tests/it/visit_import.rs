//! A township's own visit sheet on a real ledger file (docs/import.md, "A township's visit
//! sheet"): a good sheet (a title row, one visit raising two problems written on two rows with
//! the visit's cells left blank on the second, a visit found by credit code with no problem,
//! the template's example row) records exactly one event per visit and per problem, linked as
//! the registration form links them; importing it again adds nothing. A sheet with bad rows
//! (an unknown enterprise, another township's, a bad and a future date, no visitors, a problem
//! without a category) names each row's error and writes nothing, not even its good row.

use chrono::{DateTime, Utc};
use rust_xlsxwriter::Workbook;
use taizhang_core::*;
use taizhang_exchange::export::write_visit_template;
use taizhang_exchange::import::{
    commit_visits, preview_visits, ImportError, Severity, VisitImportOptions, VisitRowResult, VISIT_IMPORT_CODES,
};
use taizhang_ledger::Ledger;
use taizhang_testsupport::ledger::district_file;
use taizhang_testsupport::{at, date};

const HEADER: [&str; 10] = [
    "企业名称",
    "统一社会信用代码",
    "走访日期",
    "走访人员",
    "走访方式",
    "走访情况",
    "存在问题",
    "企业诉求",
    "问题类别",
    "紧急程度",
];

fn now() -> DateTime<Utc> {
    at(2026, 3, 20)
}

fn write(path: &std::path::Path, rows: &[[&str; 10]]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write(0, 0, "城关街道2026年3月企业走访记录").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write(1, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write(r as u32 + 2, c as u16, *v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

fn kinds(l: &Ledger) -> Vec<String> {
    let mut st = l.connection().prepare("SELECT kind FROM events ORDER BY seq").unwrap();
    st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

const HENGDA: &str = "示范区恒达精密机械有限公司";
const HENGDA_CODE: &str = "91350100M000100Y43";

fn good_rows() -> Vec<[&'static str; 10]> {
    vec![
        ["示例：某某公司（导入时跳过此行）", "", "2026-03-05", "张三", "", "", "示例问题", "", "融资", ""],
        [
            HENGDA,
            "",
            "2026-03-02",
            "张镇街、王干部",
            "上门走访",
            "了解二期进展",
            "流动资金紧张",
            "协调银行授信",
            "融资",
            "紧急",
        ],
        ["", "", "", "", "", "", "扩建厂房用地指标未落实", "协调用地指标", "用地类", ""],
        ["", HENGDA_CODE, "2026/3/16", "张镇街", "电话", "生产正常", "", "", "", ""],
    ]
}

#[test]
fn a_good_sheet_records_each_visit_and_problem_once_as_the_form_would() {
    let mut f = district_file();
    let d = f.district.clone();
    let path = f.dir.path().join("走访记录.xlsx");
    write(&path, &good_rows());
    let opts = VisitImportOptions::default();
    let l = &mut f.ledger;

    let p = preview_visits(l, "cg", &path, &opts, now()).unwrap();
    assert!(p.can_commit, "{:?}", p.issues);
    assert_eq!(p.header_row, 2);
    assert_eq!((p.visits_new, p.visits_known, p.problems_new, p.problems_known), (2, 0, 2, 0));
    let results: Vec<(u32, VisitRowResult, Option<u32>)> = p.rows.iter().map(|r| (r.row, r.result, r.visit)).collect();
    assert_eq!(
        results,
        [
            (4, VisitRowResult::VisitAndProblem, Some(1)),
            (5, VisitRowResult::Problem, Some(1)),
            (6, VisitRowResult::Visit, Some(2)),
        ]
    );
    assert_eq!(p.rows[2].enterprise_name, HENGDA, "found by its credit code");
    assert_eq!(p.rows[1].category.as_deref(), Some("用地"), "用地类 taken by meaning");
    assert_eq!(p.skipped.iter().map(|s| (s.row, s.reason.as_str())).collect::<Vec<_>>(), [(3, "example")]);
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    let before = kinds(l);
    assert_eq!(kinds(l), before, "a preview writes nothing");

    let mut seen = Vec::new();
    let out = commit_visits(l, "cg", &path, &opts, now(), &mut |done, total| seen.push((done, total))).unwrap();
    assert_eq!(out.events, 4);
    assert_eq!(seen.last(), Some(&(4, 4)));
    let after = kinds(l);
    assert_eq!(after[..before.len()], before[..]);
    assert_eq!(after[before.len()..], ["visit_recorded", "problem_registered", "problem_registered", "visit_recorded"]);

    // As the registration form links them: each problem to its visit, raised on its date.
    let visits = l.visits_of(&d.enterprise).unwrap();
    assert_eq!(visits.len(), 2);
    let (v2, v1) = (&visits[0], &visits[1]);
    assert_eq!(
        (v2.visit.date, v2.visit.form, v2.visit.notes.as_str()),
        (date(2026, 3, 16), VisitForm::Phone, "生产正常")
    );
    assert!(v2.problems.is_empty());
    assert_eq!((v1.visit.visitors.as_str(), v1.visit.form), ("张镇街、王干部", VisitForm::OnSite));
    assert_eq!(v1.visit.township_id, d.township);
    let raised: Vec<&str> = v1.problems.iter().map(|p| p.description.as_str()).collect();
    assert_eq!(raised, ["流动资金紧张", "扩建厂房用地指标未落实"]);
    let first = l.problem(&v1.problems[0].problem_id).unwrap();
    assert_eq!(first.visit_id.as_deref(), Some(v1.visit.id.as_str()));
    assert_eq!((first.source, first.priority, first.raised_on), (Source::Visit, Priority::Urgent, date(2026, 3, 2)));
    assert_eq!((first.category.as_str(), first.demand.as_str()), ("融资", "协调银行授信"));
    assert_eq!(first.status, Status::Registered);
    assert!(l.verify().unwrap().ok);

    // Again: nothing new, nothing written.
    let again = preview_visits(l, "cg", &path, &opts, now()).unwrap();
    assert_eq!((again.visits_new, again.visits_known, again.problems_new, again.problems_known), (0, 2, 0, 2));
    assert!(again.rows.iter().all(|r| r.result == VisitRowResult::AlreadyThere));
    let out = commit_visits(l, "cg", &path, &opts, now(), &mut |_, _| {}).unwrap();
    assert_eq!(out.events, 0);
    assert_eq!(kinds(l), after);
}

#[test]
fn a_bad_row_is_named_and_nothing_is_written() {
    let mut f = district_file();
    let path = f.dir.path().join("走访记录.xlsx");
    let mut rows = good_rows();
    rows.extend([
        ["示范区不存在的公司", "", "2026-03-03", "张镇街", "", "", "", "", "", ""],
        ["西山新材料科技有限公司", "", "2026-03-03", "张镇街", "", "", "", "", "", ""],
        [HENGDA, "", "2026-13-45", "张镇街", "", "", "", "", "", ""],
        [HENGDA, "", "2026-04-01", "张镇街", "", "", "", "", "", ""],
        [HENGDA, "", "2026-03-04", "", "", "", "", "", "", ""],
        [HENGDA, "", "2026-03-04", "张镇街", "", "", "供电不稳", "", "", "特别急"],
        ["", "", "2026-03-04", "张镇街", "书面", "", "", "", "", ""],
    ]);
    write(&path, &rows);
    let l = &mut f.ledger;
    let before = kinds(l);

    let p = preview_visits(l, "cg", &path, &VisitImportOptions::default(), now()).unwrap();
    assert!(!p.can_commit);
    let issues: Vec<(u32, &str, Severity)> = p.issues.iter().map(|i| (i.row, i.code.as_str(), i.severity)).collect();
    assert_eq!(
        issues,
        [
            (7, "import.visits.unknown_enterprise", Severity::Error),
            (8, "import.visits.other_township", Severity::Error),
            (9, "import.row.bad_date", Severity::Error),
            (10, "import.row.future_date", Severity::Error),
            (11, "import.visits.missing_visitors", Severity::Error),
            (12, "import.visits.missing_category", Severity::Error),
            (12, "import.visits.bad_priority", Severity::Warning),
            (13, "import.row.missing_enterprise", Severity::Error),
            (13, "import.visits.bad_form", Severity::Warning),
        ]
    );
    for i in &p.issues {
        assert!(VISIT_IMPORT_CODES.contains(&i.code.as_str()) || i.code.starts_with("import.row."), "{}", i.code);
    }
    assert_eq!(p.issues[1].value, "西山新材料科技有限公司");
    let errors: Vec<u32> = p.rows.iter().filter(|r| r.result == VisitRowResult::Error).map(|r| r.row).collect();
    assert_eq!(errors, [7, 8, 9, 10, 11, 12, 13]);

    let err = commit_visits(l, "cg", &path, &VisitImportOptions::default(), now(), &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, ImportError::HasErrors { errors: 7 }), "{err:?}");
    assert_eq!(kinds(l), before, "not one event, not even the good row's visit");
    assert!(l.visits().unwrap().is_empty());
}

#[test]
fn only_those_who_register_import_and_the_office_may_name_any_township() {
    let mut f = district_file();
    let path = f.dir.path().join("走访记录.xlsx");
    write(&path, &[["西山新材料科技有限公司", "", "2026-03-03", "李镇街", "", "", "缺少技工", "", "用工", ""]]);
    let l = &mut f.ledger;
    let opts = VisitImportOptions::default();
    let err = preview_visits(l, "gx", &path, &opts, now()).unwrap_err();
    assert_eq!(err.code(), "auth.forbidden");
    assert!(preview_visits(l, "xs", &path, &opts, now()).unwrap().can_commit);
    let out = commit_visits(l, "admin", &path, &opts, now(), &mut |_, _| {}).unwrap();
    assert_eq!(out.events, 2);
}

#[test]
fn the_downloaded_template_filled_in_imports() {
    let mut f = district_file();
    let d = f.district.clone();
    let path = f.dir.path().join("模板.xlsx");
    let categories = f.ledger.settings().unwrap().categories;
    write_visit_template(&categories, Vec::new(), path.as_path(), None).unwrap();
    // Fill two rows under the examples, as a township would (the examples left in place).
    let wb = taizhang_exchange::sheet::read_workbook(&path, None).unwrap();
    let mut filled = Workbook::new();
    let ws = filled.add_worksheet();
    for (r, row) in wb.sheet.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write(r as u32, c as u16, v.as_str()).unwrap();
        }
    }
    let next = wb.sheet.rows.len() as u32;
    for (c, v) in [
        HENGDA,
        "",
        "2026-03-06",
        "张镇街",
        "实地走访",
        "",
        "污水管网未接通",
        "",
        categories[0].as_str(),
        "重大",
        "孙区长",
    ]
    .iter()
    .enumerate()
    {
        ws.write(next, c as u16, *v).unwrap();
    }
    let filled_path = f.dir.path().join("填好的模板.xlsx");
    filled.save(&filled_path).unwrap();
    let l = &mut f.ledger;
    let p = preview_visits(l, "cg", &filled_path, &VisitImportOptions::default(), now()).unwrap();
    assert!(p.can_commit, "{:?}", p.issues);
    assert!(p.unimported.is_empty(), "{:?}", p.unimported);
    assert_eq!(p.skipped.iter().filter(|s| s.reason == "example").count(), 3);
    assert_eq!((p.visits_new, p.problems_new), (1, 1));
    commit_visits(l, "cg", &filled_path, &VisitImportOptions::default(), now(), &mut |_, _| {}).unwrap();
    let v = &l.visits_of(&d.enterprise).unwrap()[0];
    let p = l.problem(&v.problems[0].problem_id).unwrap();
    assert_eq!((p.priority, p.responsible_leader.as_str()), (Priority::Major, "孙区长"));
}

#[test]
fn every_code_of_the_visit_import_has_both_messages() {
    assert_eq!(taizhang_core::coded::uncatalogued(VISIT_IMPORT_CODES.iter().copied()), Vec::<String>::new());
}
