//! Imports of workbooks and CSV files the tests make themselves, into real ledger files: a
//! title row and a 填报 line above the header, header synonyms, every date form, several units
//! in one cell, footer and blank rows, bad rows, GBK CSV, and a legacy .xls made by LibreOffice.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Format, Workbook};
use taizhang_core::*;
use taizhang_exchange::import::{
    commit_enterprises, commit_ledger, preview_enterprises, preview_ledger, ImportError, ImportOptions, Severity,
    UnitChoice,
};
use taizhang_ledger::Ledger;
use taizhang_testsupport::{at, date, district};

fn now() -> DateTime<Utc> {
    at(2026, 3, 31)
}

/// A cell of the fixture: text, a real date cell, or a number (an Excel serial typed in).
enum Cell {
    T(&'static str),
    D(i32, u32, u32),
    N(f64),
}
use Cell::{D, N, T};

const HEADER: &[&str] = &[
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所属镇(街道)",
    "存在问题",
    "企业诉求",
    "问题类别",
    "反映时间",
    "交办时间",
    "主办单位",
    "协办单位",
    "办理时限",
    "办理进展",
    "是否办结",
    "办结时间",
    "企业满意度",
    "销号时间",
];

/// Five problems in the states a real ledger holds, under a title and a 填报 line, with a
/// blank row and a 合计 row after them.
fn good_rows() -> Vec<Vec<Cell>> {
    vec![
        // Existing enterprise; real date cell; lead + two supporters; working-day limit → 待签收.
        vec![
            T("1"),
            T("示范区恒达精密机械有限公司"),
            T("91350100M000100Y43"),
            T("城关街道"),
            T("扩建厂房用地指标未落实"),
            T("协调用地指标"),
            T("用地"),
            D(2026, 3, 2),
            D(2026, 3, 3),
            T("工业和信息化局"),
            T("自然资源局、人社局"),
            T("15个工作日"),
            T(""),
            T("否"),
            T(""),
            T(""),
            T(""),
        ],
        // New enterprise with a code whose check character is off; 2026/3/5; district-prefixed
        // lead; supporters split on a line break; a date as limit; progress → 办理中.
        vec![
            T("2"),
            T("西山云帆物流有限公司"),
            T("91350100M000100Y44"),
            T("西山镇"),
            T("冷链仓库用电增容审批慢"),
            T(""),
            T("水电气等要素"),
            T("2026/3/5"),
            T("2026.3.6"),
            T("区自然资源局"),
            T("人力资源和社会保障局\n工信局"),
            T("2026年4月30日"),
            T("已现场对接"),
            T("否"),
            T(""),
            T(""),
            T(""),
        ],
        // A lead no unit matches (created); resolved on an Excel serial; satisfied → 已办结待评价.
        vec![
            T("3"),
            T("示范区恒达精密机械有限公司"),
            T(""),
            T("城关街道"),
            T("出口退税到账慢"),
            T(""),
            T("税费"),
            T("2026.3.6"),
            T(""),
            T("区税务局"),
            T(""),
            T("10个工作日"),
            T("已办理"),
            T("是"),
            N(46090.0),
            T("满意"),
            T(""),
        ],
        // Closed out, with a text date and a year-month-day date.
        vec![
            T("4"),
            T("西山新材料科技有限公司"),
            T("91330106673959654P"),
            T("西山镇"),
            T("招工难，缺熟练焊工"),
            T("组织专场招聘"),
            T("用工"),
            T("2026年3月7日"),
            T("2026-03-08"),
            T("人社局"),
            T(""),
            T("30天"),
            T("已组织招聘会"),
            T("已办结"),
            T("2026-03-18"),
            T("基本满意"),
            T("2026-03-20"),
        ],
        // Not assigned yet; a date with a time; no category stated → the list's 其他.
        vec![
            T("5"),
            T("西山云帆物流有限公司"),
            T(""),
            T("西山镇"),
            T("门前道路破损影响货车通行"),
            T(""),
            T(""),
            T("2026-03-08 10:30"),
            T(""),
            T(""),
            T(""),
            T(""),
            T(""),
            T(""),
            T(""),
            T(""),
            T(""),
        ],
        vec![T("6")],
        vec![T("合计"), T("5 个问题")],
    ]
}

fn write_xlsx(path: &Path, rows: &[Vec<Cell>]) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("问题台账").unwrap();
    let title = Format::new().set_bold();
    sheet.merge_range(0, 0, 0, HEADER.len() as u16 - 1, "2026年示范区企业服务年问题台账", &title).unwrap();
    sheet.write_string(1, 0, "填报单位：城关街道、西山镇").unwrap();
    sheet.write_string(1, 12, "填报时间：2026年3月31日").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 3;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                T("") => {}
                T(s) => {
                    sheet.write_string(r, c, *s).unwrap();
                }
                D(y, m, d) => {
                    sheet.write_date_with_format(r, c, date(*y, *m, *d), &date_format).unwrap();
                }
                N(n) => {
                    sheet.write_number(r, c, *n).unwrap();
                }
            }
        }
    }
    book.save(path).unwrap();
}

fn csv_text(rows: &[Vec<Cell>]) -> String {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    w.write_record(["2026年示范区企业服务年问题台账"]).unwrap();
    w.write_record(HEADER).unwrap();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                T(s) => s.to_string(),
                D(y, m, d) => format!("{y}-{m:02}-{d:02}"),
                N(n) => n.to_string(),
            })
            .collect();
        w.write_record(&cells).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

struct Fixture {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    db: PathBuf,
    ledger: Ledger,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let mut ledger = Ledger::create(&db, at(2026, 3, 1)).unwrap();
    district(&mut ledger, at(2026, 3, 1));
    Fixture { dir: dir.path().to_path_buf(), _dir: dir, db, ledger }
}

fn file_bytes(db: &Path) -> Vec<Vec<u8>> {
    ["", "-wal", "-shm"].iter().map(|ext| std::fs::read(format!("{}{ext}", db.display())).unwrap_or_default()).collect()
}

fn problem_by_description(ledger: &Ledger, text: &str) -> Problem {
    let id: String = ledger
        .connection()
        .query_row("SELECT id FROM problems WHERE description = ?1", [text], |r| r.get(0))
        .unwrap_or_else(|_| panic!("no problem {text}"));
    ledger.problem(&id).unwrap()
}

fn unit_name(ledger: &Ledger, id: &str) -> String {
    ledger.units().unwrap().into_iter().find(|u| u.id == id).unwrap().name
}

fn no_progress() -> impl FnMut(usize, usize) {
    |_, _| {}
}

#[test]
fn a_messy_workbook_is_read_as_an_office_means_it() {
    let mut f = fixture();
    let file = f.dir.join("城关西山台账.xlsx");
    write_xlsx(&file, &good_rows());
    let p = preview_ledger(&f.ledger, &file, &ImportOptions::default(), now()).unwrap();
    assert_eq!(p.header_row, 3);
    assert_eq!(p.rows_read, 7);
    assert_eq!(p.rows_new, 5);
    assert!(p.can_commit, "{:?}", p.issues);
    assert_eq!(p.enterprises_new, 1, "the logistics company is new, once");
    assert_eq!(p.enterprises_matched, 2);
    let skipped: Vec<(u32, &str)> = p.skipped.iter().map(|s| (s.row, s.reason.as_str())).collect();
    assert_eq!(skipped, vec![(9, "blank"), (10, "footer")]);
    let codes: Vec<(u32, &str, Severity)> = p.issues.iter().map(|i| (i.row, i.code.as_str(), i.severity)).collect();
    assert!(codes.contains(&(5, "import.row.credit_code_check", Severity::Warning)), "{codes:?}");
    assert!(!codes.iter().any(|c| c.1.contains("category")), "{codes:?}");
    let created: Vec<&str> = p.units.iter().filter(|u| u.create).map(|u| u.name.as_str()).collect();
    assert_eq!(created, vec!["区税务局"]);

    let outcome =
        commit_ledger(&mut f.ledger, "admin", &file, &ImportOptions::default(), now(), &mut no_progress()).unwrap();
    assert!(outcome.events > 5 + 1);

    let p1 = problem_by_description(&f.ledger, "扩建厂房用地指标未落实");
    assert_eq!(p1.status, Status::Assigned);
    assert_eq!(p1.raised_on, date(2026, 3, 2));
    let a = p1.assignment.as_ref().unwrap();
    assert_eq!(unit_name(&f.ledger, &a.lead_unit_id), "工业和信息化局");
    let supporters: Vec<String> = a.supporters.iter().map(|s| unit_name(&f.ledger, &s.unit_id)).collect();
    assert_eq!(supporters, vec!["自然资源局", "人力资源和社会保障局"]);
    // 15 working days from Tue 2026-03-03.
    assert_eq!(a.handling_deadline, date(2026, 3, 24));
    // The department signs in the app: its clock starts at the import.
    assert!(a.sign_deadline > date(2026, 3, 31));
    let origin = p1.imported.as_ref().unwrap();
    assert_eq!((origin.file.as_str(), origin.sheet.as_str(), origin.row), ("城关西山台账.xlsx", "问题台账", 4));

    let p2 = problem_by_description(&f.ledger, "冷链仓库用电增容审批慢");
    assert_eq!(p2.status, Status::InProgress);
    assert_eq!(p2.raised_on, date(2026, 3, 5));
    assert_eq!(unit_name(&f.ledger, p2.lead_unit_id().unwrap()), "自然资源局");
    assert_eq!(p2.assignment.as_ref().unwrap().handling_deadline, date(2026, 4, 30));
    assert_eq!(p2.assignment.as_ref().unwrap().supporters.len(), 2);
    let new_enterprise = f.ledger.find_enterprise("西山云帆物流有限公司").unwrap().unwrap();
    assert_eq!(new_enterprise.credit_code.as_deref(), Some("91350100M000100Y44"));

    let p3 = problem_by_description(&f.ledger, "出口退税到账慢");
    assert_eq!(p3.status, Status::Resolved);
    assert_eq!(p3.evaluation, Some(Satisfaction::Satisfied));
    assert_eq!(p3.resolved_at.map(local_date), Some(date(2026, 3, 9)), "Excel serial 46090");
    assert_eq!(unit_name(&f.ledger, p3.lead_unit_id().unwrap()), "区税务局");

    let p4 = problem_by_description(&f.ledger, "招工难，缺熟练焊工");
    assert_eq!(p4.status, Status::Closed);
    assert_eq!(p4.closed_at.map(local_date), Some(date(2026, 3, 20)));
    assert_eq!(p4.evaluation, Some(Satisfaction::Basic));
    // 30 calendar days from 2026-03-08.
    assert_eq!(p4.assignment.as_ref().unwrap().handling_deadline, date(2026, 4, 7));

    let p5 = problem_by_description(&f.ledger, "门前道路破损影响货车通行");
    assert_eq!(p5.status, Status::Registered);
    assert_eq!(p5.category, "其他");
    assert_eq!(p5.raised_on, date(2026, 3, 8));

    // The chain is whole, the projections rebuild to the same tables, and the imported
    // history gives no department a sign or a resolution it did not make here.
    assert!(f.ledger.verify().unwrap().ok);
    let full = f.ledger.verify_full().unwrap();
    assert!(full.ok, "an import is admitted by the rules: {:?}", full.first_not_admitted);
    assert!(f.ledger.rebuild().unwrap().equal);
    for p in [&p1, &p2, &p3, &p4, &p5] {
        assert!(p.signs.is_empty() && p.resolutions.is_empty() && p.evaluations.is_empty());
    }

    // An imported item carries on through the workflow here.
    let gx = "gx";
    f.ledger.execute(gx, &Command::Sign { problem_id: p1.id.clone(), handler: String::new() }, now()).unwrap();
    assert_eq!(f.ledger.problem(&p1.id).unwrap().status, Status::InProgress);
    f.ledger.execute("admin", &Command::Close { problem_id: p3.id.clone(), note: String::new() }, now()).unwrap();
}

#[test]
fn importing_the_same_file_again_or_a_later_version_adds_only_what_is_new() {
    let mut f = fixture();
    let file = f.dir.join("台账.xlsx");
    write_xlsx(&file, &good_rows());
    commit_ledger(&mut f.ledger, "admin", &file, &ImportOptions::default(), now(), &mut no_progress()).unwrap();
    let count =
        |l: &Ledger| l.connection().query_row("SELECT count(*) FROM problems", [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count(&f.ledger), 5);

    let again =
        commit_ledger(&mut f.ledger, "admin", &file, &ImportOptions::default(), now(), &mut no_progress()).unwrap();
    assert_eq!((again.preview.rows_new, again.preview.rows_duplicate, again.events), (0, 5, 0));
    assert!(again.preview.skipped.iter().filter(|s| s.reason == "duplicate").all(|s| !s.detail.is_empty()));
    assert_eq!(count(&f.ledger), 5);

    // A later version: the same rows (one re-spaced, one now marked done) and one new row.
    let mut rows = good_rows();
    rows[0][4] = T("扩建厂房 用地指标未落实");
    rows[1][13] = T("是");
    rows.insert(
        5,
        vec![
            T("6"),
            T("西山新材料科技有限公司"),
            T(""),
            T("西山镇"),
            T("环评批复等待时间长"),
            T(""),
            T("环保"),
            T("2026-03-25"),
            T(""),
            T("区生态环境局"),
            T(""),
            T("10个工作日"),
            T(""),
            T(""),
            T(""),
            T(""),
            T(""),
        ],
    );
    let later = f.dir.join("台账（3月31日更新）.xlsx");
    write_xlsx(&later, &rows);
    let out =
        commit_ledger(&mut f.ledger, "admin", &later, &ImportOptions::default(), now(), &mut no_progress()).unwrap();
    assert_eq!((out.preview.rows_new, out.preview.rows_duplicate), (1, 5));
    assert_eq!(count(&f.ledger), 6);

    // The same rows twice in one file count once.
    let mut twice = good_rows();
    twice.truncate(1);
    twice.push(vec![
        T("2"),
        T("示范区恒达精密机械有限公司"),
        T(""),
        T("城关街道"),
        T("新的问题：蒸汽供应不稳定"),
        T(""),
        T("水电气等要素"),
    ]);
    twice.push(vec![
        T("3"),
        T("示范区恒达精密机械有限公司"),
        T(""),
        T("城关街道"),
        T("新的问题：蒸汽供应不稳定"),
        T(""),
        T("水电气等要素"),
    ]);
    let twice_file = f.dir.join("重复.xlsx");
    write_xlsx(&twice_file, &twice);
    let p = preview_ledger(&f.ledger, &twice_file, &ImportOptions::default(), now()).unwrap();
    assert_eq!(p.rows_new, 1);
    assert!(p.skipped.iter().any(|s| s.row == 6 && s.reason == "duplicate_in_file" && s.detail == "5"));
}

#[test]
fn bad_rows_are_named_and_nothing_is_written() {
    let f = fixture();
    let mut rows = good_rows();
    rows.insert(
        5,
        vec![
            T("6"),
            T("示范区恒达精密机械有限公司"),
            T(""),
            T("城关街道"),
            T("用工登记系统无法登录"),
            T(""),
            T("用工"),
            T("三月初"),
            T(""),
            T("人社局"),
            T(""),
            T("尽快"),
        ],
    );
    rows.insert(
        6,
        vec![
            T("7"),
            T("示范区恒达精密机械有限公司"),
            T(""),
            T("城关街道"),
            T(""),
            T("只有诉求没有问题"),
            T("其他"),
            T("2026-03-09"),
        ],
    );
    rows.insert(
        7,
        vec![T("8"), T("东湖未登记企业"), T(""), T(""), T("新企业没有镇街"), T(""), T("其他"), T("2026-04-09")],
    );
    let file = f.dir.join("有错误的台账.xlsx");
    write_xlsx(&file, &rows);
    let p = preview_ledger(&f.ledger, &file, &ImportOptions::default(), now()).unwrap();
    assert!(!p.can_commit);
    let errors: Vec<(u32, &str, &str, &str)> = p
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| (i.row, i.column.as_str(), i.value.as_str(), i.code.as_str()))
        .collect();
    assert_eq!(
        errors,
        vec![
            (9, "反映时间", "三月初", "import.row.bad_date"),
            (9, "办理时限", "尽快", "import.row.bad_time_limit"),
            (10, "存在问题", "", "import.row.missing_description"),
            (11, "反映时间", "2026-04-09", "import.row.future_date"),
        ]
    );

    drop(f.ledger);
    let before = file_bytes(&f.db);
    let mut ledger = Ledger::open(&f.db).unwrap();
    let err =
        commit_ledger(&mut ledger, "admin", &file, &ImportOptions::default(), now(), &mut no_progress()).unwrap_err();
    assert_eq!(err.code(), "import.has_errors");
    drop(ledger);
    assert_eq!(file_bytes(&f.db), before, "a refused import leaves the file byte for byte");
}

#[test]
fn a_row_the_core_refuses_rolls_back_the_whole_import_and_names_its_row() {
    let f = fixture();
    let file = f.dir.join("台账.xlsx");
    write_xlsx(&file, &good_rows());
    // The user maps 区税务局 (row 6's lead) to a township: the core refuses that lead.
    let opts = ImportOptions {
        units: vec![UnitChoice { name: "区税务局".into(), unit_id: Some("fixture-t1".into()) }],
        ..ImportOptions::default()
    };
    drop(f.ledger);
    let before = file_bytes(&f.db);
    let mut ledger = Ledger::open(&f.db).unwrap();
    let err = commit_ledger(&mut ledger, "admin", &file, &opts, now(), &mut no_progress()).unwrap_err();
    match &err {
        ImportError::Refused { row, source } => {
            assert_eq!(*row, 6);
            assert_eq!(source.code(), "assign.not_a_department");
        }
        other => panic!("{other:?}"),
    }
    // Only the office imports.
    let err =
        commit_ledger(&mut ledger, "cg", &file, &ImportOptions::default(), now(), &mut no_progress()).unwrap_err();
    assert_eq!(err.code(), "auth.forbidden", "{err}");
    drop(ledger);
    assert_eq!(file_bytes(&f.db), before);
}

#[test]
fn csv_in_gbk_with_a_title_line_imports_like_the_workbook() {
    let mut f = fixture();
    let text = csv_text(&good_rows());
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let file = f.dir.join("台账.csv");
    std::fs::write(&file, &gbk).unwrap();
    let p = preview_ledger(&f.ledger, &file, &ImportOptions::default(), now()).unwrap();
    assert_eq!((p.header_row, p.rows_new), (2, 5));
    assert!(p.can_commit, "{:?}", p.issues);
    commit_ledger(&mut f.ledger, "admin", &file, &ImportOptions::default(), now(), &mut no_progress()).unwrap();
    assert_eq!(problem_by_description(&f.ledger, "出口退税到账慢").resolved_at.map(local_date), Some(date(2026, 3, 9)));

    // The same rows as UTF-8 with a BOM are the same rows: all duplicates now.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    let utf8 = f.dir.join("台账-utf8.csv");
    std::fs::write(&utf8, bom).unwrap();
    let p = preview_ledger(&f.ledger, &utf8, &ImportOptions::default(), now()).unwrap();
    assert_eq!((p.rows_new, p.rows_duplicate), (0, 5));
}

/// LibreOffice converts `file` to `ext` in `out_dir`, with a private profile.
pub fn soffice_convert(file: &Path, ext: &str, out_dir: &Path) -> PathBuf {
    let profile = tempfile::tempdir().unwrap();
    let status = Process::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.path().display()))
        .args(["--headless", "--convert-to", ext, "--outdir"])
        .arg(out_dir)
        .arg(file)
        .output()
        .expect("LibreOffice (soffice) is installed by scripts/install-deps.sh");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let out = out_dir.join(file.with_extension(ext).file_name().unwrap());
    assert!(out.exists(), "LibreOffice made no {}", out.display());
    out
}

#[test]
fn a_legacy_xls_made_by_libreoffice_imports_like_the_xlsx() {
    let mut f = fixture();
    let xlsx = f.dir.join("旧版台账.xlsx");
    write_xlsx(&xlsx, &good_rows());
    let xls_dir = f.dir.join("xls");
    std::fs::create_dir_all(&xls_dir).unwrap();
    let xls = soffice_convert(&xlsx, "xls", &xls_dir);
    assert_eq!(&std::fs::read(&xls).unwrap()[..4], &[0xD0, 0xCF, 0x11, 0xE0]);
    let from_xlsx = preview_ledger(&f.ledger, &xlsx, &ImportOptions::default(), now()).unwrap();
    let from_xls = preview_ledger(&f.ledger, &xls, &ImportOptions::default(), now()).unwrap();
    assert_eq!(from_xls.rows_new, 5);
    assert_eq!(from_xls.issues, from_xlsx.issues);
    assert_eq!(from_xls.statuses, from_xlsx.statuses);
    commit_ledger(&mut f.ledger, "admin", &xls, &ImportOptions::default(), now(), &mut no_progress()).unwrap();
    assert_eq!(problem_by_description(&f.ledger, "出口退税到账慢").resolved_at.map(local_date), Some(date(2026, 3, 9)));
    assert_eq!(problem_by_description(&f.ledger, "扩建厂房用地指标未落实").raised_on, date(2026, 3, 2));
}

#[test]
fn an_enterprise_list_creates_new_ones_and_updates_known_ones() {
    let mut f = fixture();
    let text = "企业名录\n企业名称,统一社会信用代码,所属镇街,所属行业,企业规模,重点企业,联系人,联系电话,包联干部,包联领导\n\
                示范区恒达精密机械有限公司,91350100M000100Y43,城关街道,装备制造,规上,区级重点,陈经理,13900000000,刘干部,王副区长\n\
                西山新材料科技有限公司,91330106673959654P,西山镇,制造业,规上,区级重点,陈经理,13800000000,,\n\
                东湖食品有限公司,,城关街道,食品加工,规下,镇级重点,吴厂长,13700000000,周干部,\n\
                ,,,,,,,,,\n";
    let file = f.dir.join("企业名录.csv");
    std::fs::write(&file, text).unwrap();
    let p = preview_enterprises(&f.ledger, &file, &ImportOptions::default(), now()).unwrap();
    assert_eq!((p.rows_new, p.rows_updated, p.rows_duplicate), (1, 1, 1), "{p:?}");
    commit_enterprises(&mut f.ledger, "admin", &file, &ImportOptions::default(), now(), &mut no_progress()).unwrap();
    let hengda = f.ledger.find_enterprise("91350100M000100Y43").unwrap().unwrap();
    assert_eq!(
        (hengda.industry.as_str(), hengda.phone.as_str(), hengda.steward.as_str(), hengda.paired_leader.as_str()),
        ("装备制造", "13900000000", "刘干部", "王副区长")
    );
    let donghu = f.ledger.find_enterprise("东湖食品有限公司").unwrap().unwrap();
    assert_eq!((donghu.key_level, donghu.scale), (KeyLevel::Town, Scale::Below));
    assert_eq!(unit_name(&f.ledger, &donghu.township_id), "城关街道");
    let again = commit_enterprises(&mut f.ledger, "admin", &file, &ImportOptions::default(), now(), &mut no_progress())
        .unwrap();
    assert_eq!((again.preview.rows_new, again.preview.rows_updated, again.events), (0, 0, 0));
}

#[test]
fn a_file_that_is_not_a_spreadsheet_or_has_no_ledger_header_is_refused() {
    let f = fixture();
    let pdf = f.dir.join("通知.pdf");
    std::fs::write(&pdf, b"%PDF-1.7 not a sheet").unwrap();
    let e = preview_ledger(&f.ledger, &pdf, &ImportOptions::default(), now()).unwrap_err();
    assert_eq!(e.code(), "import.not_a_spreadsheet");
    let renamed = f.dir.join("假的.xlsx");
    std::fs::write(&renamed, b"PK\x03\x04 but no zip after it").unwrap();
    assert_eq!(
        preview_ledger(&f.ledger, &renamed, &ImportOptions::default(), now()).unwrap_err().code(),
        "import.damaged"
    );
    let contacts = f.dir.join("通讯录.csv");
    std::fs::write(&contacts, "姓名,电话,地址\n张三,138,城关\n").unwrap();
    assert_eq!(
        preview_ledger(&f.ledger, &contacts, &ImportOptions::default(), now()).unwrap_err().code(),
        "import.no_header"
    );
    let missing = f.dir.join("缺少问题列.csv");
    std::fs::write(&missing, "企业名称,所属镇街,牵头单位,办理时限\n甲,城关街道,工信局,5个工作日\n").unwrap();
    // A missing required column blocks the import but still shows the columns, so the user
    // can say which one holds it.
    let p = preview_ledger(&f.ledger, &missing, &ImportOptions::default(), now()).unwrap();
    assert!(!p.can_commit);
    assert_eq!(p.columns.len(), 4);
    let codes: Vec<(&str, &str)> = p.issues.iter().map(|i| (i.code.as_str(), i.value.as_str())).collect();
    assert_eq!(codes, vec![("import.missing_column", "description")]);
    let opts = ImportOptions { sheet: Some("没有这张表".into()), ..ImportOptions::default() };
    let xlsx = f.dir.join("台账.xlsx");
    write_xlsx(&xlsx, &good_rows());
    assert_eq!(preview_ledger(&f.ledger, &xlsx, &opts, now()).unwrap_err().code(), "import.no_such_sheet");
}

#[test]
fn the_user_can_correct_the_column_mapping_and_the_header_row() {
    let f = fixture();
    // Headers no field's name means: 事由 and 对口科室.
    let text = "企业名称,事由,对口科室,所属镇街\n示范区恒达精密机械有限公司,厂区路灯不亮,区住建局,城关街道\n";
    let file = f.dir.join("自定义列.csv");
    std::fs::write(&file, text).unwrap();
    // Detection finds no header (two fields only); the user names the row and the columns.
    assert_eq!(
        preview_ledger(&f.ledger, &file, &ImportOptions::default(), now()).unwrap_err().code(),
        "import.no_header"
    );
    use taizhang_exchange::header::Field;
    use taizhang_exchange::import::ColumnChoice;
    let opts = ImportOptions {
        header_row: Some(1),
        columns: vec![
            ColumnChoice { column: 1, field: Some(Field::Description) },
            ColumnChoice { column: 2, field: Some(Field::LeadUnit) },
        ],
        ..ImportOptions::default()
    };
    let p = preview_ledger(&f.ledger, &file, &opts, now()).unwrap();
    assert_eq!(p.rows_new, 1);
    assert_eq!(p.columns[2].field, Some(Field::LeadUnit));
    assert_eq!(p.columns[2].matched, Some(taizhang_exchange::header::MatchKind::ByHand));
    assert_eq!(p.columns[0].matched, Some(taizhang_exchange::header::MatchKind::Exact));
    assert!(p.units.iter().any(|u| u.name == "区住建局" && u.create));
}

/// What a ledger sheet can carry of a problem, by number, with unit and enterprise names.
fn sheet_view(ledger: &Ledger) -> std::collections::BTreeMap<String, String> {
    let units: std::collections::BTreeMap<String, String> =
        ledger.units().unwrap().into_iter().map(|u| (u.id, u.name)).collect();
    let ids: Vec<String> = {
        let mut st = ledger.connection().prepare("SELECT id FROM problems").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    };
    ids.iter()
        .map(|id| {
            let p = ledger.problem(id).unwrap();
            let e = ledger.find_enterprise(&p.enterprise_id).unwrap().unwrap();
            let a = p.assignment.as_ref();
            let mut supporters: Vec<&str> =
                a.map(|a| a.supporters.iter().map(|s| units[&s.unit_id].as_str()).collect()).unwrap_or_default();
            supporters.sort();
            // A return awaiting a ruling comes in as waiting for the lead to sign (the office
            // rules here); everything else keeps its state.
            let status = if p.status == Status::Disputed { Status::Assigned } else { p.status };
            let view = format!(
                "{}|{}|{:?}|{}|{}|{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
                e.name,
                units[&p.township_id],
                p.source,
                p.category,
                p.description,
                p.demand,
                p.raised_on,
                p.responsible_leader,
                a.map(|a| units[&a.lead_unit_id].clone()),
                supporters,
                a.map(|a| a.handling_deadline),
                status,
                p.evaluation,
                p.resolved_at.map(local_date),
                p.closed_at.map(local_date),
            );
            (p.number.clone(), view)
        })
        .collect()
}

#[test]
fn an_exported_ledger_imports_into_a_new_file_as_the_same_ledger() {
    use taizhang_exchange::export::{export_ledger_csv, export_ledger_xlsx};
    use taizhang_ledger::{ProblemFilter, Sort};
    use taizhang_testsupport::demo::{self, DemoOptions};
    let dir = tempfile::tempdir().unwrap();
    let t = at(2026, 6, 15);
    let opts = DemoOptions { problems: 160, seed: 11, end: t, days: 120, monitoring: true };
    let mut source = Ledger::create(&dir.path().join("source.db"), opts.start()).unwrap();
    demo::generate(&mut source, &opts);
    let expected = sheet_view(&source);
    assert_eq!(expected.len(), 160);

    for (name, csv) in [("台账导出.xlsx", false), ("台账导出.csv", true)] {
        let file = dir.path().join(name);
        if csv {
            export_ledger_csv(&source, &ProblemFilter::default(), Sort::default(), t, &file, &mut |_, _| {}).unwrap();
        } else {
            export_ledger_xlsx(&source, &ProblemFilter::default(), Sort::default(), t, &file, &mut |_, _| {}).unwrap();
        }
        let mut fresh = Ledger::create(&dir.path().join(format!("{name}.db")), t).unwrap();
        let out = commit_ledger(&mut fresh, "admin", &file, &ImportOptions::default(), t, &mut no_progress()).unwrap();
        assert_eq!((out.preview.rows_new, out.preview.rows_duplicate), (160, 0), "{name}");
        let got = sheet_view(&fresh);
        for (number, view) in &expected {
            assert_eq!(got.get(number), Some(view), "{name}: problem {number}");
        }
        assert_eq!(got.len(), expected.len());
        assert!(fresh.verify().unwrap().ok);
        // And back into the ledger it came from: every row is already there.
        let again = preview_ledger(&source, &file, &ImportOptions::default(), t).unwrap();
        assert_eq!((again.rows_new, again.rows_duplicate), (0, 160), "{name}");
    }
}

#[test]
fn what_the_core_would_refuse_is_named_in_the_preview() {
    let f = fixture();
    let long = "很长的问题描述".repeat(1500);
    let text = format!(
        "企业名称,所属镇街,问题描述,问题类别,牵头单位,配合单位,办理结果\n\
         示范区恒达精密机械有限公司,城关街道,{long},用地,工业和信息化局,,\n\
         示范区恒达精密机械有限公司,城关街道,只有配合单位,用地,,自然资源局,\n\
         西山新材料科技有限公司,西山镇,牵头单位填成了镇街,用地,城关街道,,\n\
         东湖新企业有限公司,工业和信息化局,镇街填成了部门,用地,,,\n\
         西山新材料科技有限公司,西山镇,办理结果很长,用地,人社局,,{}\n",
        "已办理".repeat(4000)
    );
    let file = f.dir.join("会被拒绝的行.csv");
    std::fs::write(&file, text).unwrap();
    let p = preview_ledger(&f.ledger, &file, &ImportOptions::default(), now()).unwrap();
    let issues: Vec<(u32, &str, Severity)> = p.issues.iter().map(|i| (i.row, i.code.as_str(), i.severity)).collect();
    assert!(issues.contains(&(2, "import.row.too_long", Severity::Error)), "{issues:?}");
    assert!(issues.contains(&(3, "import.row.supporters_without_lead", Severity::Error)), "{issues:?}");
    assert!(issues.contains(&(4, "import.row.unit_kind_mismatch", Severity::Error)), "{issues:?}");
    assert!(issues.contains(&(5, "import.row.unit_kind_mismatch", Severity::Error)), "{issues:?}");
    assert!(issues.contains(&(6, "import.row.truncated", Severity::Warning)), "{issues:?}");
    assert!(!p.can_commit);
}
