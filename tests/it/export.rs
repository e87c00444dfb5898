//! Exports on real files, read back by calamine and by LibreOffice: the ledger as .xlsx and CSV
//! (all of it and filtered views), the periodic report workbook, and failures that leave no
//! file behind.

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::{Mutex, MutexGuard, OnceLock};

use calamine::{Data, DataType, Reader};
use taizhang_core::*;
use taizhang_exchange::export::{
    export_ledger_csv, export_ledger_xlsx, export_report_xlsx, LEDGER_HEADERS, LEDGER_SHEET, REPORT_SHEETS,
};
use taizhang_ledger::{Ledger, PageRequest, ProblemFilter, ProblemRow, Sort, SortKey};
use taizhang_testsupport::at;
use taizhang_testsupport::demo::{self, DemoOptions};

fn now() -> chrono::DateTime<chrono::Utc> {
    at(2026, 6, 15)
}

/// One demo district for the whole file (generating it is the slow part). Ledger reads take
/// `&self` but a connection is not `Sync`, hence the mutex; tests hold it only while they query
/// and write files, not while LibreOffice runs.
fn ledger() -> MutexGuard<'static, Ledger> {
    static LEDGER: OnceLock<Mutex<Ledger>> = OnceLock::new();
    LEDGER
        .get_or_init(|| {
            let opts = DemoOptions { problems: 520, seed: 7, end: now(), days: 150, monitoring: true };
            let mut ledger = Ledger::create_in_memory(opts.start()).unwrap();
            demo::generate(&mut ledger, &opts);
            Mutex::new(ledger)
        })
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn listed(ledger: &Ledger, filter: &ProblemFilter, sort: Sort) -> Vec<ProblemRow> {
    let page = ledger.list_problems(filter, sort, PageRequest { offset: 0, limit: 1000 }, now()).unwrap();
    assert!(page.total <= 1000, "the test reads one page");
    page.rows
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range.rows().map(|r| r.to_vec()).collect()
}

fn sheet_names(path: &Path) -> Vec<String> {
    calamine::open_workbook_auto(path).unwrap().sheet_names()
}

/// A cell as the CSV export writes it.
fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::DateTime(_) => d.as_date().unwrap().format("%Y-%m-%d").to_string(),
        other => panic!("unexpected cell {other:?}"),
    }
}

fn col(name: &str) -> usize {
    LEDGER_HEADERS.iter().position(|h| *h == name).unwrap()
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let body = bytes.strip_prefix("\u{FEFF}".as_bytes()).unwrap_or(&bytes);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// Converts `file` with LibreOffice to UTF-8 CSV in `outdir` (every sheet when `all_sheets`,
/// one `<stem>-<sheet>.csv` each). A private profile per call keeps parallel tests apart.
fn soffice_to_csv(file: &Path, outdir: &Path, all_sheets: bool) {
    let soffice = ["/usr/bin/soffice", "/usr/local/bin/soffice", "/usr/lib/libreoffice/program/soffice"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect(
            "LibreOffice (soffice) is required by this test: install libreoffice-calc-nogui (scripts/install-deps.sh)",
        );
    let profile = tempfile::tempdir().unwrap();
    // Tokens: comma, double quote, UTF-8, from line 1, -, -, -, -, cells as shown, -, -, sheet.
    let filter = format!(
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,{}",
        if all_sheets { -1 } else { 1 }
    );
    let out = Process::new(soffice)
        .arg(format!("-env:UserInstallation=file://{}", profile.path().display()))
        .args(["--headless", "--norestore", "--convert-to", &filter, "--outdir"])
        .arg(outdir)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "soffice failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn the_whole_ledger_exports_in_the_usual_layout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("台账.xlsx");
    let mut calls = vec![];
    let (summary, rows, heads) = {
        let l = ledger();
        let summary = export_ledger_xlsx(&l, &ProblemFilter::default(), Sort::default(), now(), &out, &mut |d, t| {
            calls.push((d, t))
        })
        .unwrap();
        (summary, listed(&l, &ProblemFilter::default(), Sort::default()), l.verify().unwrap().chains)
    };
    assert_eq!(summary.rows, 520);
    assert_eq!(summary.path, out.display().to_string());
    assert_eq!(summary.chain_heads, heads, "the export carries the chain heads verify reports");
    assert_eq!(calls.first(), Some(&(0, 520)));
    assert_eq!(calls.last(), Some(&(520, 520)));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "progress only moves forward");
    assert_eq!(files_in(dir.path()), vec!["台账.xlsx"], "no temporary file is left beside the export");

    assert_eq!(sheet_names(&out), vec![LEDGER_SHEET, "导出信息"]);
    let s = sheet(&out, LEDGER_SHEET);
    assert_eq!(text(&s[0][0]), "示范区企业问题台账");
    let info = text(&s[1][0]);
    assert!(info.starts_with("导出时间：2026-06-15 10:00（北京时间）"), "{info}");
    assert!(info.contains("筛选：全部") && info.ends_with("共 520 条"), "{info}");
    assert_eq!(s[2].iter().map(text).collect::<Vec<_>>(), LEDGER_HEADERS);
    let data = &s[3..];
    assert_eq!(data.len(), 520);

    let mut with_supporters = 0;
    let mut overdue = 0;
    for (i, (cells, row)) in data.iter().zip(&rows).enumerate() {
        assert_eq!(text(&cells[0]), (i + 1).to_string(), "序号");
        assert_eq!(text(&cells[col("问题编号")]), row.number, "rows come in the list's order");
        assert_eq!(text(&cells[col("企业名称")]), row.enterprise_name);
        assert_eq!(text(&cells[col("所属镇街")]), row.township_name);
        assert_eq!(text(&cells[col("问题类别")]), row.category);
        assert_eq!(text(&cells[col("问题描述")]), row.description);
        assert_eq!(text(&cells[col("办理状态")]), row.status.label_zh());
        assert_eq!(text(&cells[col("牵头单位")]), row.lead_unit_name.clone().unwrap_or_default());
        assert_eq!(text(&cells[col("配合单位")]), row.supporter_names.join("、"));
        with_supporters += (row.supporter_names.len() > 1) as u32;
        let raised = &cells[col("提出时间")];
        assert!(matches!(raised, Data::DateTime(_)), "提出时间 is a real date cell: {raised:?}");
        match row.handling_deadline {
            Some(d) => {
                assert!(matches!(cells[col("办理时限")], Data::DateTime(_)));
                assert_eq!(cells[col("办理时限")].as_date(), Some(d));
            }
            None => assert_eq!(cells[col("办理时限")], Data::Empty),
        }
        let level = text(&cells[col("督办等级")]);
        if row.status.clock_runs() {
            assert_eq!(level, row.lateness.level.label_zh());
        } else {
            assert_eq!(level, "");
        }
        overdue += (row.lateness.sign_overdue || row.lateness.handling_overdue) as u32;
    }
    assert!(with_supporters > 10, "the demo has items with several supporters ({with_supporters})");
    assert!(overdue > 5, "the demo has overdue items ({overdue})");

    // 企业评价 and 销号时间 are filled for closed items.
    let closed: Vec<&Vec<Data>> = data.iter().filter(|c| text(&c[col("办理状态")]) == "已销号").collect();
    assert!(!closed.is_empty());
    for c in closed {
        assert!(matches!(c[col("销号时间")], Data::DateTime(_)));
        assert!(matches!(text(&c[col("企业评价")]).as_str(), "满意" | "基本满意"));
        assert!(!text(&c[col("办理结果")]).is_empty());
    }

    let info = sheet(&out, "导出信息");
    let flat: Vec<String> = info.iter().flatten().map(text).collect();
    assert!(flat.contains(&heads[0].head_hash), "the info sheet lists the chain heads");
}

#[test]
fn csv_has_the_same_rows_with_a_bom() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("a.xlsx");
    let csv_path = dir.path().join("a.csv");
    {
        let l = ledger();
        let sort = Sort { key: SortKey::Deadline, descending: false };
        export_ledger_xlsx(&l, &ProblemFilter::default(), sort, now(), &xlsx, &mut |_, _| {}).unwrap();
        let s = export_ledger_csv(&l, &ProblemFilter::default(), sort, now(), &csv_path, &mut |_, _| {}).unwrap();
        assert_eq!(s.rows, 520);
    }
    let bytes = std::fs::read(&csv_path).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM");
    let records = read_csv(&csv_path);
    assert_eq!(records[0], LEDGER_HEADERS);
    assert_eq!(records.len(), 521);
    let from_xlsx: Vec<Vec<String>> =
        sheet(&xlsx, LEDGER_SHEET)[2..].iter().map(|r| r.iter().map(text).collect()).collect();
    assert_eq!(records, from_xlsx, "CSV and xlsx hold the same cells");
    let raised = &records[1][col("提出时间")];
    assert!(chrono::NaiveDate::parse_from_str(raised, "%Y-%m-%d").is_ok(), "dates as YYYY-MM-DD: {raised}");
}

#[test]
fn libreoffice_reads_the_ledger_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("ledger.xlsx");
    let csv_path = dir.path().join("mine.csv");
    {
        let l = ledger();
        export_ledger_xlsx(&l, &ProblemFilter::default(), Sort::default(), now(), &xlsx, &mut |_, _| {}).unwrap();
        export_ledger_csv(&l, &ProblemFilter::default(), Sort::default(), now(), &csv_path, &mut |_, _| {}).unwrap();
    }
    let outdir = dir.path().join("lo");
    std::fs::create_dir(&outdir).unwrap();
    soffice_to_csv(&xlsx, &outdir, false);
    let converted = read_csv(&outdir.join("ledger-问题台账.csv"));
    assert_eq!(converted[0][0], "示范区企业问题台账");
    assert!(converted[1][0].contains("共 520 条"));
    let mine = read_csv(&csv_path);
    assert_eq!(converted[2..].len(), mine.len());
    for (i, (theirs, ours)) in converted[2..].iter().zip(&mine).enumerate() {
        assert_eq!(theirs, ours, "row {i} as LibreOffice shows it");
    }
}

#[test]
fn a_filtered_view_exports_exactly_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let l = ledger();
    let township = l.units().unwrap().into_iter().find(|u| u.name == "城关街道").unwrap();
    let views = [
        ProblemFilter { township_id: Some(township.id.clone()), ..Default::default() },
        ProblemFilter { overdue: Some(true), ..Default::default() },
        ProblemFilter {
            statuses: vec![Status::InProgress, Status::Assigned],
            escalation: Some(Escalation::Yellow),
            ..Default::default()
        },
        ProblemFilter { text: Some("用地".into()), ..Default::default() },
        ProblemFilter { category: Some("没有这一类".into()), ..Default::default() },
    ];
    let sort = Sort { key: SortKey::Escalation, descending: true };
    for (i, f) in views.iter().enumerate() {
        let expected: Vec<String> = listed(&l, f, sort).into_iter().map(|r| r.number).collect();
        let out = dir.path().join(format!("v{i}.xlsx"));
        let s = export_ledger_xlsx(&l, f, sort, now(), &out, &mut |_, _| {}).unwrap();
        assert_eq!(s.rows, expected.len() as u64, "view {i}");
        let rows = sheet(&out, LEDGER_SHEET);
        let got: Vec<String> = rows[3..].iter().map(|r| text(&r[1])).collect();
        assert_eq!(got, expected, "view {i} has exactly the list's rows, in its order");
        assert!(text(&rows[1][0]).ends_with(&format!("共 {} 条", expected.len())));
        let csv_out = dir.path().join(format!("v{i}.csv"));
        export_ledger_csv(&l, f, sort, now(), &csv_out, &mut |_, _| {}).unwrap();
        let got: Vec<String> = read_csv(&csv_out)[1..].iter().map(|r| r[1].clone()).collect();
        assert_eq!(got, expected, "CSV of view {i}");
    }
    let first = text(&sheet(&dir.path().join("v0.xlsx"), LEDGER_SHEET)[1][0]);
    assert!(first.contains("筛选：所属镇街：城关街道"), "{first}");
    assert!(!listed(&l, &views[0], sort).is_empty() && !listed(&l, &views[1], sort).is_empty());
}

#[test]
fn a_failed_export_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/folder");
    let l = ledger();
    let f = ProblemFilter::default();
    let xlsx = missing.join("a.xlsx");
    let e = export_ledger_xlsx(&l, &f, Sort::default(), now(), &xlsx, &mut |_, _| {}).unwrap_err();
    assert_eq!(e.code(), "export.no_directory");
    let e = export_ledger_csv(&l, &f, Sort::default(), now(), &missing.join("a.csv"), &mut |_, _| {}).unwrap_err();
    assert_eq!(e.code(), "export.no_directory");
    let period = l.period("2026-05").unwrap();
    let e = export_report_xlsx(&l, &period, now(), &missing.join("r.xlsx")).unwrap_err();
    assert_eq!(e.code(), "export.no_directory");
    assert_eq!(e.to_json()["path"], missing.display().to_string());
    assert!(!missing.exists());

    // A folder where the file should go: refused, and the folder is left as it was.
    let taken = dir.path().join("taken.xlsx");
    std::fs::create_dir(&taken).unwrap();
    let e = export_ledger_xlsx(&l, &f, Sort::default(), now(), &taken, &mut |_, _| {}).unwrap_err();
    assert_eq!(e.code(), "output.not_a_regular_file");
    assert!(taken.is_dir());
    assert_eq!(files_in(dir.path()), vec!["taken.xlsx"], "no temporary file is left behind");
}

#[test]
fn the_report_workbook_states_its_period_and_figures() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("月报.xlsx");
    let (report, listed_overdue) = {
        let l = ledger();
        let period = l.period("2026-05").unwrap();
        let s = export_report_xlsx(&l, &period, now(), &out).unwrap();
        let report = l.report(&period, now()).unwrap();
        assert_eq!(s.rows, report.overdue.len() as u64);
        assert_eq!(s.chain_heads, report.chain_heads);
        let card = l.scorecard(&period, now()).unwrap();
        assert_eq!(report.departments, card.departments);
        assert_eq!(report.summary, card.summary);
        let overdue = ProblemFilter { overdue: Some(true), ..Default::default() };
        (report, listed(&l, &overdue, Sort::default()))
    };

    // The overdue list is the ledger list's overdue filter, nothing more or less.
    let mut a: Vec<&str> = report.overdue.iter().map(|o| o.number.as_str()).collect();
    let mut b: Vec<&str> = listed_overdue.iter().map(|r| r.number.as_str()).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert!(report.overdue.windows(2).all(|w| w[0].level >= w[1].level), "worst first");
    assert!(report.overdue.iter().all(|o| o.days_overdue >= 1));

    // Categories agree with the summary.
    let s = &report.summary;
    for c in &report.categories {
        assert_eq!(c.registered, s.by_category.get(&c.category).copied().unwrap_or(0), "{}", c.category);
    }
    assert_eq!(report.categories.iter().map(|c| c.resolved).sum::<u32>(), s.resolved);
    assert_eq!(report.categories.iter().map(|c| c.overdue_now).sum::<u32>(), s.overdue_now);
    assert_eq!(report.categories.iter().map(|c| c.open_now).sum::<u32>(), s.open_now);

    assert_eq!(sheet_names(&out), REPORT_SHEETS);
    for name in REPORT_SHEETS {
        let rows = sheet(&out, name);
        let line = text(&rows[1][0]);
        assert!(line.starts_with("统计期间：2026年5月（2026-05-01至2026-05-31）"), "{name}: {line}");
        assert!(line.contains("生成时间：2026-06-15 10:00（北京时间）"), "{name}: {line}");
        assert!(text(&rows[0][0]).starts_with("示范区"), "{name} has a title");
    }

    let dept = sheet(&out, "部门考核");
    assert_eq!(text(&dept[3][2]), "牵头办理");
    assert_eq!(text(&dept[3][23]), "配合办理");
    assert_eq!(text(&dept[4][2]), "交办件数");
    assert_eq!(text(&dept[4][14]), "退回次数");
    assert_eq!((text(&dept[4][12]), text(&dept[4][13])), ("当前红牌".to_string(), "当前黄牌".to_string()));
    assert_eq!(text(&dept[4][23]), "协办任务");
    let body = &dept[5..];
    assert_eq!(body.len(), report.departments.len());
    let mut unranked = 0;
    for (cells, d) in body.iter().zip(&report.departments) {
        assert_eq!(text(&cells[1]), d.unit_name);
        assert_eq!(text(&cells[2]), d.lead.assigned.to_string());
        if d.ranked {
            assert_eq!(text(&cells[0]), d.rank.unwrap().to_string());
            assert_eq!(text(&cells[29]), "");
        } else {
            unranked += 1;
            assert_eq!(text(&cells[0]), "", "no rank under the minimum sample");
            assert_eq!(text(&cells[29]), "样本不足");
        }
        match d.lead.on_time_rate {
            Some(r) => assert_eq!(cells[8], Data::Float(r), "rates are numbers (shown as percentages)"),
            None => assert_eq!(text(&cells[8]), "—"),
        }
        assert_eq!(text(&cells[23]), d.support.tasks.to_string());
        assert_eq!((text(&cells[12]), text(&cells[13])), (d.lead.red_now.to_string(), d.lead.yellow_now.to_string()));
    }
    assert!(body.iter().any(|c| !text(&c[0]).is_empty()), "someone is ranked");
    let _ = unranked;

    let towns = sheet(&out, "镇街情况");
    assert_eq!(towns.len(), 4 + report.townships.len() + 1);
    let total = towns.last().unwrap();
    assert_eq!(text(&total[0]), "合计");
    assert_eq!(text(&total[2]), report.townships.iter().map(|t| t.visits).sum::<u32>().to_string());
    assert_eq!(text(&towns[3][9]), "当前红牌");
    assert_eq!(text(&total[9]), report.townships.iter().map(|t| t.red_now).sum::<u32>().to_string());

    let cats = sheet(&out, "问题类别");
    assert_eq!(text(&cats.last().unwrap()[2]), s.registered.to_string());

    let overdue = sheet(&out, "超期清单");
    let body = &overdue[4..];
    assert_eq!(body.len(), report.overdue.len());
    for (cells, o) in body.iter().zip(&report.overdue) {
        assert_eq!(text(&cells[1]), o.number);
        assert_eq!(text(&cells[10]), o.days_overdue.to_string());
        assert_eq!(text(&cells[11]), o.level.label_zh());
        assert_eq!(cells[9].as_date(), o.handling_deadline);
    }

    // LibreOffice opens every sheet.
    let lo = dir.path().join("lo");
    std::fs::create_dir(&lo).unwrap();
    soffice_to_csv(&out, &lo, true);
    for name in REPORT_SHEETS {
        let path = lo.join(format!("月报-{name}.csv"));
        assert!(path.exists(), "LibreOffice wrote {}: {:?}", path.display(), files_in(&lo));
        let rows = read_csv(&path);
        assert!(rows[1][0].starts_with("统计期间：2026年5月"), "{name}");
    }
    let lo_overdue = read_csv(&lo.join("月报-超期清单.csv"));
    assert_eq!(lo_overdue.len(), 4 + report.overdue.len());
}

/// Peak resident memory of this process since the last reset, in MiB (Linux).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn reset_peak_rss() {
    // Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A 100,000-row ledger exports with flat memory. Slow in debug builds; run with
/// `cargo test --release -p taizhang-tests --test it export:: -- --ignored --nocapture`.
#[test]
#[ignore]
fn a_hundred_thousand_rows_stream() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.db");
    let opts = DemoOptions { problems: 520, seed: 7, end: now(), days: 150, monitoring: true };
    let mut l = Ledger::create(&path, opts.start()).unwrap();
    demo::generate(&mut l, &opts);
    drop(l);
    // Copies of the demo's problems under new ids and numbers, straight into the projection:
    // the export reads only the projection, and 100,000 problems through the workflow would
    // take far longer than the export being measured.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let copies = 100_000 / 520 + 1;
    conn.execute_batch(&format!(
        "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {copies})
         INSERT INTO problems
         SELECT p.id || '-' || k.n, p.number || '-' || k.n, number_year, number_seq, enterprise_id, township_id, visit_id, source,
                category, description, demand, raised_on, priority, responsible_leader, status, registered_at, registered_on,
                lead_unit_id, handler, assigned_on, sign_deadline, handling_deadline, original_deadline, signed_on, resolved_on,
                closed_on, evaluation, reopen_count, urge_count, urge_level, extension_pending, withdrawal_pending, updated_at,
                json_set(state, '$.id', p.id || '-' || k.n, '$.number', p.number || '-' || k.n)
         FROM problems p, k;"
    ))
    .unwrap();
    drop(conn);
    let l = Ledger::open(&path).unwrap();
    let total = l
        .list_problems(&ProblemFilter::default(), Sort::default(), PageRequest { offset: 0, limit: 1 }, now())
        .unwrap()
        .total;
    assert!(total >= 100_000, "{total}");

    for (name, csv) in [("big.xlsx", false), ("big.csv", true)] {
        let out = dir.path().join(name);
        reset_peak_rss();
        let before = peak_rss_mib();
        let started = std::time::Instant::now();
        let s = if csv {
            export_ledger_csv(&l, &ProblemFilter::default(), Sort::default(), now(), &out, &mut |_, _| {}).unwrap()
        } else {
            export_ledger_xlsx(&l, &ProblemFilter::default(), Sort::default(), now(), &out, &mut |_, _| {}).unwrap()
        };
        let took = started.elapsed();
        let peak = peak_rss_mib();
        assert_eq!(s.rows, total);
        let size = std::fs::metadata(&out).unwrap().len() as f64 / 1024.0 / 1024.0;
        let mib = |v: Option<f64>| v.map(|v| format!("{v:.0} MiB")).unwrap_or_else(|| "?".into());
        println!(
            "{name}: {total} rows in {took:.1?}, {size:.1} MiB on disk; peak RSS {} (at start {})",
            mib(peak),
            mib(before)
        );
        if let (Some(b), Some(p)) = (before, peak) {
            assert!(p - b < 200.0, "memory grew by {:.0} MiB", p - b);
        }
    }
}

/// Round trip: the importer finds the header under the title rows and maps every column.
#[test]
fn the_importer_reads_an_export_back() {
    use taizhang_exchange::import::{preview_ledger, ImportOptions};
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("台账.xlsx");
    let csv_path = dir.path().join("台账.csv");
    {
        let l = ledger();
        export_ledger_xlsx(&l, &ProblemFilter::default(), Sort::default(), now(), &xlsx, &mut |_, _| {}).unwrap();
        export_ledger_csv(&l, &ProblemFilter::default(), Sort::default(), now(), &csv_path, &mut |_, _| {}).unwrap();
    }
    let fresh = Ledger::create_in_memory(now()).unwrap();
    for (path, header_row) in [(&xlsx, 3), (&csv_path, 1)] {
        let p = preview_ledger(&fresh, path, &ImportOptions::default(), now()).unwrap();
        if header_row == 3 {
            assert_eq!(p.sheet, LEDGER_SHEET, "the ledger sheet comes first");
        }
        assert_eq!(p.header_row, header_row);
        let headers: Vec<&str> = p.columns.iter().map(|c| c.header.as_str()).collect();
        assert_eq!(headers, LEDGER_HEADERS);
        let unmapped: Vec<&str> = p.columns.iter().filter(|c| c.field.is_none()).map(|c| c.header.as_str()).collect();
        assert!(unmapped.is_empty(), "every exported column is understood: {unmapped:?}");
        assert_eq!(p.rows_read, 520);
        assert_eq!(p.rows_new + p.skipped.len() as u32, 520);
        assert!(p.can_commit, "{:?}", p.issues.iter().find(|i| format!("{:?}", i.severity) == "Error"));
    }
}
