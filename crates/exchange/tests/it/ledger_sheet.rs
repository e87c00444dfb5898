//! The ledger sheet's formats, read back from the file's own XML: every cell carries the format
//! its row calls for — the same wherever the rules say the same (the column, an overdue row,
//! the status, the escalation level, a deadline past), a different one wherever a rule makes a
//! difference. Whichever way the writer picks a format, and on whichever thread it writes, the
//! file is what is checked, against the rows the ledger exports, in order.

use std::collections::BTreeMap;
use std::io::Read;

use taizhang_core::{Escalation, Status};
use taizhang_exchange::export::{export_ledger_xlsx, LEDGER_HEADERS};
use taizhang_ledger::{ChainHead, ExportRow, Ledger, LedgerError, ProblemFilter, RowSink, Sort};
use taizhang_testsupport::at;
use taizhang_testsupport::demo::{self, DemoOptions};

struct Collect(Vec<ExportRow>);

impl RowSink for Collect {
    type Error = LedgerError;
    fn begin(&mut self, _: u64, _: &[ChainHead]) -> Result<(), LedgerError> {
        Ok(())
    }
    fn row(&mut self, row: ExportRow) -> Result<(), LedgerError> {
        self.0.push(row);
        Ok(())
    }
}

/// What decides a cell's format, by the export's rules.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    /// An ordinary cell of column `col`, in an overdue row or not.
    Column {
        col: usize,
        overdue: bool,
    },
    Status(Status),
    Level(Escalation),
    DeadlinePast,
}

fn class(col: usize, r: &ExportRow) -> Class {
    let overdue = r.lateness.sign_overdue || r.lateness.handling_overdue;
    match LEDGER_HEADERS[col] {
        "办理状态" => Class::Status(r.status),
        "督办等级" if r.status.clock_runs() && r.lateness.level != Escalation::None => {
            Class::Level(r.lateness.level)
        }
        "办理时限" if r.handling_deadline.is_some() && r.lateness.handling_overdue => Class::DeadlinePast,
        _ => Class::Column { col, overdue },
    }
}

/// (row, column) → style index of every cell of the first sheet.
fn cell_styles(xlsx: &std::path::Path) -> BTreeMap<(u32, usize), u32> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut xml).unwrap();
    let mut out = BTreeMap::new();
    for cell in xml.split("<c r=\"").skip(1) {
        let tag = &cell[..cell.find('>').unwrap()];
        let reference = &tag[..tag.find('"').unwrap()];
        let letters: String = reference.chars().take_while(|c| c.is_ascii_uppercase()).collect();
        let col = letters.bytes().fold(0usize, |n, b| n * 26 + (b - b'A' + 1) as usize) - 1;
        let row: u32 = reference[letters.len()..].parse().unwrap();
        let style = tag.split(" s=\"").nth(1).map_or(0, |s| s[..s.find('"').unwrap()].parse().unwrap());
        out.insert((row, col), style);
    }
    out
}

#[test]
fn every_cell_has_the_format_its_row_calls_for() {
    let now = at(2026, 6, 15);
    let opts = DemoOptions { problems: 700, seed: 11, end: now, days: 180, monitoring: false };
    let mut ledger = Ledger::create_in_memory(opts.start()).unwrap();
    demo::generate(&mut ledger, &opts);
    let mut rows = Collect(vec![]);
    ledger.export_rows(&ProblemFilter::default(), Sort::default(), now, &mut rows).unwrap();
    let rows = rows.0;
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("台账.xlsx");
    let summary =
        export_ledger_xlsx(&ledger, &ProblemFilter::default(), Sort::default(), now, &xlsx, &mut |_, _| {}).unwrap();
    assert_eq!(summary.rows as usize, rows.len());
    // More rows than one batch between the reading and the writing thread, and more than one
    // progress step.
    assert!(rows.len() > 600, "{}", rows.len());

    let styles = cell_styles(&xlsx);
    let mut by_class: BTreeMap<Class, u32> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        let row = 4 + i as u32;
        for (col, header) in LEDGER_HEADERS.iter().enumerate() {
            let style = *styles.get(&(row, col)).unwrap_or_else(|| panic!("row {row} column {col} is written"));
            assert_ne!(style, 0, "row {row} column {col} has a format");
            let c = class(col, r);
            let known = *by_class.entry(c.clone()).or_insert(style);
            assert_eq!(known, style, "row {row} ({}), {header}: {c:?}", r.number);
        }
    }
    assert!(styles.keys().all(|(row, _)| *row < 4 + rows.len() as u32), "no row beyond the ledger's");

    // Each rule makes a difference: an overdue row is filled, each status and level has its
    // colours, a past deadline stands out from both kinds of date cell.
    let style = |c: Class| by_class.get(&c).copied();
    let mut statuses: Vec<u32> = Status::ALL.iter().filter_map(|s| style(Class::Status(*s))).collect();
    assert!(statuses.len() >= 5, "the demo has most statuses: {statuses:?}");
    statuses.sort();
    statuses.dedup();
    assert_eq!(statuses.len(), Status::ALL.iter().filter(|s| style(Class::Status(**s)).is_some()).count());
    let levels: Vec<u32> = [Escalation::Reminder, Escalation::Yellow, Escalation::Red]
        .iter()
        .map(|e| style(Class::Level(*e)).unwrap_or_else(|| panic!("the demo has {e:?} items")))
        .collect();
    let plain_level = style(Class::Column { col: 18, overdue: false }).unwrap();
    assert!(levels.iter().all(|l| *l != plain_level) && levels[0] != levels[1] && levels[1] != levels[2]);
    for (col, header) in LEDGER_HEADERS.iter().enumerate() {
        if let (Some(a), Some(b)) =
            (style(Class::Column { col, overdue: false }), style(Class::Column { col, overdue: true }))
        {
            assert_ne!(a, b, "{header}: an overdue row looks different");
        }
    }
    let past = style(Class::DeadlinePast).expect("the demo has items past their deadline");
    let dates = [false, true].map(|overdue| style(Class::Column { col: 15, overdue }));
    assert!(dates[0].is_some(), "the demo has deadlines not past");
    assert!(dates.iter().flatten().all(|d| *d != past));
}
