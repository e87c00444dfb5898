use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

#[allow(unused_imports)]
use super::{calendar::*, commands::*, regressions::*, sheet::*, text::*};
use crate::hostile::harness::*;
use crate::hostile::mutations::*;
use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;
use taizhang_exchange::export::LEDGER_HEADERS;
use taizhang_exchange::header::{field_of, Field};
use taizhang_exchange::import::{commit_ledger, preview_ledger, ImportOptions};
use taizhang_ledger::Ledger;
use taizhang_testsupport::{at, district};

// ------------------------------------------------------------------------------------------
// Target 2: the import planner, end to end.
// ------------------------------------------------------------------------------------------

pub(super) fn import_now() -> DateTime<Utc> {
    at(2026, 3, 31)
}

pub(super) fn fresh_district() -> Ledger {
    let mut ledger = Ledger::create_in_memory(at(2026, 3, 1)).unwrap();
    district(&mut ledger, at(2026, 3, 1));
    ledger
}

pub(super) fn event_count(ledger: &Ledger) -> i64 {
    ledger.connection().query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap()
}

/// Header names: the export's own, and synonyms offices use.
pub(super) fn header_names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = LEDGER_HEADERS.to_vec();
    v.extend([
        "主办单位",
        "协办单位",
        "存在问题",
        "反映时间",
        "是否办结",
        "企业满意度",
        "是否延期",
        "备注",
        "承办单位",
        "办理进展",
        "所属镇(街道)",
        "编号",
        "企业联系人",
        "联系电话",
    ]);
    v
}

#[derive(Debug, Clone)]
pub(super) enum HeaderGen {
    Known(usize),
    Hostile(Vec<Piece>),
}

#[derive(Debug, Clone)]
pub(super) enum DateGen {
    /// A real date cell in .xlsx (text in CSV).
    Cell(i32, u32, u32),
    Text(usize, i32, u32, u32),
    Serial(f64),
}

#[derive(Debug, Clone)]
pub(super) enum CellGen {
    /// A value that fits the column (an existing unit, a date form, a status word…).
    Plausible(u16),
    Hostile(Vec<Piece>),
    Date(DateGen),
    Number(f64),
    Empty,
}

#[derive(Debug, Clone)]
pub(super) struct SheetSpec {
    pub(super) csv: bool,
    pub(super) gbk: bool,
    pub(super) titles: Vec<Vec<Piece>>,
    pub(super) header: Vec<HeaderGen>,
    /// Append 企业名称, 问题描述 and 所属镇街 when missing, so most sheets pass header detection.
    pub(super) ensure_core: bool,
    pub(super) rows: Vec<Vec<CellGen>>,
}

pub(super) fn year() -> impl Strategy<Value = i32> {
    prop_oneof![8 => 2025..=2026i32, 1 => Just(2027), 1 => prop::sample::select(vec![1899, 1900, 1970, 2200, 2201, 9999, 0, -1])]
}

pub(super) fn date_gen() -> impl Strategy<Value = DateGen> {
    let md = (prop_oneof![9 => 1..=12u32, 1 => 0..=13u32], prop_oneof![9 => 1..=28u32, 1 => 0..=32u32]);
    prop_oneof![
        (year(), md.clone()).prop_map(|(y, (m, d))| DateGen::Cell(y, m, d)),
        (0..DATE_FORMS, year(), md).prop_map(|(f, y, (m, d))| DateGen::Text(f, y, m, d)),
        prop_oneof![
            Just(46086.0),
            Just(46086.75),
            Just(60.0),
            Just(61.0),
            Just(2_958_465.0),
            Just(2_958_466.0),
            Just(-1.0),
            0.0..3e6f64
        ]
        .prop_map(DateGen::Serial),
    ]
}

pub(super) const DATE_FORMS: usize = 6;

pub(super) fn date_text(form: usize, y: i32, m: u32, d: u32) -> String {
    match form {
        0 => format!("{y}-{m:02}-{d:02}"),
        1 => format!("{y}/{m}/{d}"),
        2 => format!("{y}.{m}.{d}"),
        3 => format!("{y}年{m}月{d}日"),
        4 => format!("{y}-{m:02}-{d:02} 10:30"),
        _ => format!("是（{y}-{m:02}-{d:02}）"),
    }
}

pub(super) fn cell_gen() -> impl Strategy<Value = CellGen> {
    prop_oneof![
        8 => any::<u16>().prop_map(CellGen::Plausible),
        4 => hostile_text().prop_map(CellGen::Hostile),
        2 => date_gen().prop_map(CellGen::Date),
        1 => prop_oneof![Just(-1.0), Just(0.0), Just(1e15), Just(13800000000.0), -1e6..1e6f64].prop_map(CellGen::Number),
        2 => Just(CellGen::Empty),
    ]
}

pub(super) fn sheet_spec() -> impl Strategy<Value = SheetSpec> {
    let names = header_names().len();
    let header =
        prop_oneof![6 => (0..names).prop_map(HeaderGen::Known), 1 => hostile_text().prop_map(HeaderGen::Hostile)];
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(hostile_text(), 0..3),
        prop::collection::vec(header, 0..14),
        prop_oneof![5 => Just(true), 1 => Just(false)],
        prop::collection::vec(prop::collection::vec(cell_gen(), 0..16), 0..7),
    )
        .prop_map(|(csv, gbk, titles, header, ensure_core, rows)| SheetSpec {
            csv,
            gbk,
            titles,
            header,
            ensure_core,
            rows,
        })
}

/// What a column's plausible cells are, by the field its header names.
pub(super) fn plausible(field: Option<Field>, n: u16) -> String {
    let pick = |v: &[&str]| v[n as usize % v.len()].to_string();
    let d = |n: u16| date_text(n as usize % DATE_FORMS, 2026, 1 + (n as u32 / 7) % 3, 1 + n as u32 % 28);
    match field {
        Some(Field::Enterprise) => pick(&[
            "示范区恒达精密机械有限公司",
            "西山新材料科技有限公司",
            "新企业甲有限公司",
            "新企业乙",
            "西山新材料",
        ]),
        Some(Field::CreditCode) => pick(&[
            "91350100M000100Y43",
            "91330106673959654P",
            "91350100M000100Y44",
            "123",
            "91350100M000100Y4",
            "9135 0100 M000 100Y 43",
        ]),
        Some(Field::Township) => pick(&["城关街道", "西山镇", "城关", "东山乡", "新镇", "工业和信息化局"]),
        Some(Field::LeadUnit) => pick(&[
            "工业和信息化局",
            "区自然资源局",
            "人社局",
            "区税务局",
            "工信局、自然资源局",
            "城关街道",
            "区政府领导",
        ]),
        Some(Field::SupportUnits) => pick(&[
            "自然资源局、人社局",
            "人力资源和社会保障局\n工信局",
            "工信局",
            "区税务局;区商务局",
            "工业和信息化局",
        ]),
        Some(Field::Description) => pick(&["扩建厂房用地指标未落实", "融资难", "招工难，缺熟练焊工", "门前道路破损"]),
        Some(Field::Category) => pick(&["用地", "融资", "融资难问题", "路况", "其他", "审批/政务服务"]),
        Some(Field::TimeLimit) => pick(&[
            "15个工作日",
            "30天",
            "2026年4月30日",
            "4294967295个工作日",
            "4294967296个工作日",
            "99999999999天",
            "0个工作日",
            "尽快",
            "3000000天",
        ]),
        Some(Field::Done) => pick(&["是", "否", "已办结", "√", "×", "已办结（2026-03-05）"]),
        Some(Field::Satisfaction) => pick(&["满意", "基本满意", "不满意", "未回访"]),
        Some(Field::Status) => {
            pick(&["待交办", "待签收", "办理中", "退回待裁定", "已办结待评价", "已销号", "已撤回", "closed"])
        }
        Some(Field::Extension) => pick(&["是（2026-04-30）", "否", "延期至2026年4月30日", "是（2026-02-30）"]),
        Some(Field::Number) => pick(&["2026-城关-0001", "2026-城关-0042", "A-1", "2026-西山-0001"]),
        Some(Field::Source) => pick(&["走访", "12345", "座谈会", "企业来函", "热线"]),
        Some(Field::SerialNo) => (n % 50).to_string(),
        Some(Field::RaisedOn | Field::AssignedOn | Field::SignedOn | Field::ResolvedOn | Field::ClosedOn) => d(n),
        _ => {
            let listed = hostile_strings();
            listed[n as usize % listed.len()].clone()
        }
    }
}

/// A cell as written: its text (what a CSV holds), and the date or number an .xlsx writes.
pub(super) type BuiltCell = (String, Option<NaiveDate>, Option<f64>);

/// The sheet's header and rows.
pub(super) fn build_sheet(spec: &SheetSpec) -> (Vec<String>, Vec<Vec<BuiltCell>>) {
    let names = header_names();
    let mut header: Vec<String> = spec
        .header
        .iter()
        .map(|h| match h {
            HeaderGen::Known(i) => names[*i].to_string(),
            HeaderGen::Hostile(p) => render(p),
        })
        .collect();
    if spec.ensure_core {
        for (name, field) in
            [("企业名称", Field::Enterprise), ("问题描述", Field::Description), ("所属镇街", Field::Township)]
        {
            if !header.iter().any(|h| field_of(h) == Some(field)) {
                header.push(name.to_string());
            }
        }
    }
    let fields: Vec<Option<Field>> = header.iter().map(|h| field_of(h)).collect();
    let rows = spec
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(c, cell)| {
                    let field = fields.get(c).copied().flatten();
                    match cell {
                        CellGen::Plausible(n) => (plausible(field, *n), None, None),
                        CellGen::Hostile(p) => (render(p), None, None),
                        CellGen::Date(DateGen::Cell(y, m, d)) => match NaiveDate::from_ymd_opt(*y, *m, *d) {
                            Some(date) if *y >= 1900 => (date.to_string(), Some(date), None),
                            _ => (date_text(0, *y, *m, *d), None, None),
                        },
                        CellGen::Date(DateGen::Text(f, y, m, d)) => (date_text(*f, *y, *m, *d), None, None),
                        CellGen::Date(DateGen::Serial(x)) | CellGen::Number(x) => (x.to_string(), None, Some(*x)),
                        CellGen::Empty => (String::new(), None, None),
                    }
                })
                .collect()
        })
        .collect();
    (header, rows)
}

/// Writes the sheet as the file it describes and returns its path.
pub(super) fn write_sheet(spec: &SheetSpec, dir: &Path, case: u64) -> PathBuf {
    let (header, rows) = build_sheet(spec);
    let titles: Vec<String> = spec.titles.iter().map(|t| render(t)).collect();
    if spec.csv {
        let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        for t in &titles {
            w.write_record([t]).unwrap();
        }
        w.write_record(&header).unwrap();
        for row in &rows {
            let cells: Vec<&str> = row.iter().map(|(t, _, _)| t.as_str()).collect();
            if cells.is_empty() {
                w.write_record([""]).unwrap();
            } else {
                w.write_record(&cells).unwrap();
            }
        }
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let bytes = match encoding_rs::GBK.encode(&text) {
            (gbk, _, false) if spec.gbk => gbk.into_owned(),
            _ => text.into_bytes(),
        };
        let path = dir.join(format!("case-{case}.csv"));
        std::fs::write(&path, bytes).unwrap();
        path
    } else {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let df = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        let cut = |s: &str| utf16_prefix(s, 32_767);
        let mut r = 0u32;
        for t in &titles {
            sheet.write_string(r, 0, cut(t)).unwrap();
            r += 1;
        }
        for (c, h) in header.iter().enumerate() {
            sheet.write_string(r, c as u16, cut(h)).unwrap();
        }
        for row in &rows {
            r += 1;
            for (c, (text, date, number)) in row.iter().enumerate() {
                let c = c as u16;
                match (date, number) {
                    (Some(d), _) => {
                        sheet.write_date_with_format(r, c, *d, &df).unwrap();
                    }
                    (None, Some(x)) => {
                        sheet.write_number(r, c, *x).unwrap();
                    }
                    _ if text.is_empty() => {}
                    _ => {
                        sheet.write_string(r, c, cut(text)).unwrap();
                    }
                }
            }
        }
        let path = dir.join(format!("case-{case}.xlsx"));
        book.save(&path).unwrap();
        path
    }
}

/// The description cell of each data row, by sheet row number, when it was written as text.
pub(super) fn description_cells(spec: &SheetSpec) -> BTreeMap<u32, String> {
    let (header, rows) = build_sheet(spec);
    let mut out = BTreeMap::new();
    let Some(col) = header.iter().position(|h| field_of(h) == Some(Field::Description)) else { return out };
    for (i, row) in rows.iter().enumerate() {
        if let Some((text, None, None)) = row.get(col) {
            let text = if spec.csv { text.clone() } else { utf16_prefix(text, 32_767) };
            out.insert((spec.titles.len() + 2 + i) as u32, text);
        }
    }
    out
}

#[test]
pub(super) fn import_planner_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let case = AtomicU64::new(0);
    run_target("import: preview+commit", cases(150, 0.05), sheet_spec(), |spec, rec| {
        let n = case.fetch_add(1, Ordering::Relaxed);
        let path = write_sheet(&spec, dir.path(), n);
        let mut ledger = fresh_district();
        let before = event_count(&ledger);
        let now = import_now();
        let preview = match preview_ledger(&ledger, &path, &ImportOptions::default(), now) {
            Ok(p) => p,
            Err(e) => {
                let _ = std::fs::remove_file(&path);
                return rec.refused(e.code(), &e);
            }
        };
        prop_assert_eq!(event_count(&ledger), before, "a preview writes nothing");
        for issue in &preview.issues {
            prop_assert!(known_codes().contains(&issue.code), "row issue code {:?} is not translated", issue.code);
        }
        if !preview.can_commit {
            rec.note("preview has row errors");
            let e =
                commit_ledger(&mut ledger, "admin", &path, &ImportOptions::default(), now, &mut |_, _| {}).unwrap_err();
            prop_assert_eq!(e.code(), "import.has_errors");
            prop_assert_eq!(event_count(&ledger), before);
            let _ = std::fs::remove_file(&path);
            return rec.refused(e.code(), &e);
        }
        let result = commit_ledger(&mut ledger, "admin", &path, &ImportOptions::default(), now, &mut |_, _| {});
        match result {
            Err(e) => {
                // The preview said it could commit and the core refused a row: typed, and nothing
                // written. (The preview does not check lengths the core checks: 问题编号 ≤ 60,
                // names ≤ 200, texts ≤ 10,000.)
                prop_assert_eq!(event_count(&ledger), before, "a refused import writes nothing");
                rec.note(format!("preview could commit, commit refused: {}", shape(&e.to_string())));
                rec.refused(e.code(), &e)?;
            }
            Ok(outcome) => {
                rec.ok();
                prop_assert!(ledger.verify().unwrap().ok);
                let rebuilt = ledger.rebuild().unwrap();
                prop_assert!(rebuilt.equal, "rebuild differs: {:?}", rebuilt.differing_tables);
                // Each imported description is the cell as typed (trimmed), unaltered.
                let cells = description_cells(&spec);
                let ids: Vec<String> = {
                    let mut st = ledger.connection().prepare("SELECT id FROM problems").unwrap();
                    st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
                };
                for id in ids {
                    let p = ledger.problem(&id).unwrap();
                    let Some(origin) = &p.imported else { continue };
                    if let Some(cell) = cells.get(&origin.row) {
                        prop_assert_eq!(&p.description, &stored(cell), "row {}: description altered", origin.row);
                    }
                }
                // Importing the same file again adds nothing.
                let again = preview_ledger(&ledger, &path, &ImportOptions::default(), now).unwrap();
                prop_assert_eq!(
                    again.rows_new,
                    0,
                    "re-import of {} new rows would add {}",
                    outcome.preview.rows_new,
                    again.rows_new
                );
            }
        }
        let _ = std::fs::remove_file(&path);
        Ok(())
    });
}
