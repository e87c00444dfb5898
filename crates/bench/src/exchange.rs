//! The spreadsheet rows: a 100,000-row ledger sheet imported (against pandas + sqlite3, and a
//! floor of calamine + bare INSERTs) and the ledger exported (against openpyxl, and a floor of
//! rust_xlsxwriter writing the same cells as text, unformatted).

use std::path::PathBuf;
use std::process::Command as Proc;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use taizhang_exchange::export::{export_ledger_csv, export_ledger_xlsx};
use taizhang_exchange::import::{commit_ledger, ImportOptions};
use taizhang_ledger::{Ledger, OutputTarget, ProblemFilter, Sort};

use crate::{bare_conn, cache_experiment, file_len, python, remove_db, row, secs, thousands, Args, Res, Row};

pub fn import_bench(a: &Args, end: DateTime<Utc>, rows: &mut Vec<Row>, facts: &mut Vec<String>) -> Res<PathBuf> {
    let n = a.import_rows;
    let sheet = a.dir.join(format!("sheet-{n}.xlsx"));
    if !sheet.exists() {
        let st = Proc::new(&a.sheet_bin).arg(n.to_string()).arg(&sheet).status()?;
        if !st.success() {
            return Err("ledger_sheet failed".into());
        }
    }
    let db = a.dir.join(format!("imported-{n}.db"));
    remove_db(&db);
    let mut l = Ledger::create(&db, end - Duration::days(400))?;
    cache_experiment(&l)?;
    let t = Instant::now();
    let out = commit_ledger(&mut l, "admin", &sheet, &ImportOptions::default(), end, &mut |_, _| {})
        .map_err(|e| format!("import: {e:?}"))?;
    let ours = t.elapsed().as_secs_f64();
    drop(l);
    // The floor: calamine parse + bare inserts of the same cells in one transaction.
    let floor_db = a.dir.join("floor-import.db");
    let t = Instant::now();
    let mut c = bare_conn(&floor_db)?;
    let cols = 12;
    c.execute_batch(&format!(
        "CREATE TABLE sheet ({});",
        (0..cols).map(|i| format!("c{i} TEXT")).collect::<Vec<_>>().join(", ")
    ))?;
    {
        use calamine::{open_workbook_auto, Reader};
        let mut wb = open_workbook_auto(&sheet)?;
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name)?;
        let tx = c.transaction()?;
        {
            let sql = format!(
                "INSERT INTO sheet VALUES ({})",
                (1..=cols).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
            );
            let mut st = tx.prepare(&sql)?;
            for r in range.rows().skip(2) {
                let cells: Vec<String> =
                    (0..cols).map(|i| r.get(i).map(|d| d.to_string()).unwrap_or_default()).collect();
                st.execute(rusqlite::params_from_iter(cells.iter()))?;
            }
        }
        tx.commit()?;
    }
    let floor = t.elapsed().as_secs_f64();
    drop(c);
    remove_db(&floor_db);
    let pandas_db = a.dir.join("pandas-import.db");
    remove_db(&pandas_db);
    let pandas = python(a, "import_ref.py", &[&sheet, &pandas_db])?;
    remove_db(&pandas_db);
    facts.push(format!(
        "Import: {} rows ({} new problems, {} events) from `{}` (written by `crates/exchange/examples/ledger_sheet.rs`: title row, synonyms, three date forms, supporters), committed as one transaction into a fresh ledger.",
        thousands(n as f64),
        thousands(out.preview.rows_new as f64),
        thousands(out.events as f64),
        sheet.file_name().unwrap().to_string_lossy()
    ));
    rows.push(row(
        &format!("Import a {}-row .xlsx ledger (plan + checks + one command per row)", thousands(n as f64)),
        secs(ours),
        format!("pandas.read_excel + sqlite3.executemany: {}; floor (calamine + bare INSERTs): {}", secs(pandas), secs(floor)),
        format!("{:.1}× faster than pandas; {:.2}× the floor", pandas / ours, ours / floor),
        "≥ 2× faster than pandas, ≤ 5× the floor",
        Some(pandas / ours >= 2.0 && ours / floor <= 5.0),
    )
    .limited_by("the ledger's append path, per row: the problem's row in its indexes, its aggregate deflated, the event's row and indexes, its canonical JSON and hash, the decision (in a profile: ≈ 60 % appending, ≈ 9 % deciding, ≈ 8 % the plan, half of that reading the sheet); pandas and the floor only store cells (bench/notes.md, stop 31)"));
    Ok(db)
}

pub fn export_bench(a: &Args, l: &Ledger, end: DateTime<Utc>, rows: &mut Vec<Row>) -> Res<()> {
    let out = a.dir.join("export.xlsx");
    let t = Instant::now();
    // The bench's own output files, replaced on every run.
    let summary = export_ledger_xlsx(
        l,
        &ProblemFilter::default(),
        Sort::default(),
        end,
        OutputTarget::replacing(&out),
        &mut |_, _| {},
    )?;
    let ours = t.elapsed().as_secs_f64();
    // The same rows and columns as CSV (untimed), for the references to write as cells.
    let csv_path = a.dir.join("export.csv");
    export_ledger_csv(
        l,
        &ProblemFilter::default(),
        Sort::default(),
        end,
        OutputTarget::replacing(&csv_path),
        &mut |_, _| {},
    )?;
    let mut reader = csv::Reader::from_path(&csv_path)?;
    let header: Vec<String> = reader.headers()?.iter().map(|s| s.trim_start_matches('\u{feff}').to_string()).collect();
    let data: Vec<Vec<String>> =
        reader.records().map(|r| r.map(|r| r.iter().map(str::to_string).collect())).collect::<Result<_, _>>()?;
    let floor_path = a.dir.join("floor-export.xlsx");
    let t = Instant::now();
    {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.set_tempdir(&a.dir)?;
        let ws = wb.add_worksheet_with_constant_memory()?;
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, h)?;
        }
        for (r, rec) in data.iter().enumerate() {
            for (c, v) in rec.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32 + 1, c as u16, v)?;
                }
            }
        }
        wb.save(&floor_path)?;
    }
    let floor = t.elapsed().as_secs_f64();
    let py_out = a.dir.join("openpyxl-export.xlsx");
    let openpyxl = python(a, "export_ref.py", &[&csv_path, &py_out])?;
    let sizes = (file_len(&out), file_len(&floor_path), file_len(&py_out));
    for p in [&floor_path, &py_out, &csv_path] {
        let _ = std::fs::remove_file(p);
    }
    rows.push(row(
        &format!("Export {} rows × {} columns to .xlsx", thousands(summary.rows as f64), header.len()),
        format!("{} ({:.1} MB)", secs(ours), sizes.0 as f64 / 1e6),
        format!(
            "openpyxl write-only: {} ({:.1} MB); floor (rust_xlsxwriter, same cells as text): {} ({:.1} MB)",
            secs(openpyxl),
            sizes.2 as f64 / 1e6,
            secs(floor),
            sizes.1 as f64 / 1e6
        ),
        format!("{:.1}× faster than openpyxl; {:.2}× the floor", openpyxl / ours, ours / floor),
        "≥ 5× faster than openpyxl, ≤ 1.5× the floor",
        Some(openpyxl / ours >= 5.0 && ours / floor <= 1.5),
    )
    .limited_by("reading the rows from the ledger (a query a row, in the order asked for), which the floor does not do, and a format looked up per cell (rust_xlsxwriter hashes the whole `Format`), which the unformatted floor never does (bench/notes.md, stop 31)"));
    Ok(())
}
