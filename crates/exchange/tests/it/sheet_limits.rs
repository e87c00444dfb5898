//! A sheet's text is bounded by what it really holds (docs/reliability.md, "Hostile input at
//! the command line"): a shared string shown by thousands of cells, a cell longer than Excel
//! allows, a shared-string table that lies about its count or unpacks past its limit are each
//! refused with a code before their text is held, in-process (the API) as in the CLI.
//! A CSV, which holds each text once, is bounded by its total only.

use std::io::{Cursor, Read, Write};
use std::path::Path;

use taizhang_core::coded::Coded;
use taizhang_exchange::sheet::{read_workbook, MAX_CELL_CHARS, MAX_SHARED_STRINGS_BYTES, MAX_SHEET_TEXT_BYTES};

/// A workbook of rust_xlsxwriter: `cells` cells of column B, each showing one shared text.
fn shared_text_workbook(path: &Path, text: &str, cells: u32) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "企业名称").unwrap();
    sheet.write_string(0, 1, "问题描述").unwrap();
    for r in 1..=cells {
        sheet.write_string(r, 1, text).unwrap();
    }
    book.save(path).unwrap();
}

/// A copy of the .xlsx at `path` whose shared-string table is `sst`, deflated.
fn with_shared_strings(path: &Path, sst: &str) {
    let bytes = std::fs::read(path).unwrap();
    let mut old = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..old.len() {
        let mut f = old.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut body = Vec::new();
        f.read_to_end(&mut body).unwrap();
        out.start_file(name.as_str(), opts).unwrap();
        if name.ends_with("sharedStrings.xml") {
            out.write_all(sst.as_bytes()).unwrap();
        } else {
            out.write_all(&body).unwrap();
        }
    }
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

fn sst(unique_count: &str, strings: &[&str]) -> String {
    let si: String = strings.iter().map(|s| format!("<si><t>{s}</t></si>")).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{}" uniqueCount="{unique_count}">{si}</sst>"#,
        strings.len()
    )
}

fn code(path: &Path) -> &'static str {
    match read_workbook(path, None) {
        Ok(wb) => panic!("read {} rows", wb.sheet.rows.len()),
        Err(e) => e.code(),
    }
}

#[test]
fn a_shared_text_shown_by_every_cell_is_refused_before_it_is_held() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.xlsx");
    // 3,000 cells × 90 KB of UTF-8: 270 MB of rows from a file of kilobytes.
    const { assert!(3_000 * 90_000 > MAX_SHEET_TEXT_BYTES) };
    shared_text_workbook(&bomb, &"很".repeat(30_000), 3_000);
    assert!(std::fs::metadata(&bomb).unwrap().len() < 300_000);
    let started = std::time::Instant::now();
    assert_eq!(code(&bomb), "import.sheet_too_large");
    assert!(started.elapsed().as_secs() < 30, "refused as it counts, not after reading it all");

    // The import preview, the exchange API a window and the CLI call, says the same.
    let ledger_path = dir.path().join("ledger.db");
    let ledger = taizhang_ledger::Ledger::create(&ledger_path, chrono::Utc::now()).unwrap();
    let opts = taizhang_exchange::import::ImportOptions::default();
    let err = taizhang_exchange::import::preview_ledger(&ledger, &bomb, &opts, chrono::Utc::now()).unwrap_err();
    assert_eq!(err.code(), "import.sheet_too_large");
    assert_eq!(err.params()["limit_mb"], MAX_SHEET_TEXT_BYTES >> 20);

    // Long texts in a sheet of real size still read.
    let fine = dir.path().join("fine.xlsx");
    shared_text_workbook(&fine, &"很".repeat(30_000), 100);
    let wb = read_workbook(&fine, None).unwrap();
    assert_eq!(wb.sheet.rows.len(), 101);
    assert_eq!(wb.sheet.rows[100][1].chars().count(), 30_000);
}

#[test]
fn a_cell_longer_than_excel_allows_is_refused_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.xlsx");
    shared_text_workbook(&path, "MARK", 1);
    let long = "a".repeat(MAX_CELL_CHARS + 1);
    with_shared_strings(&path, &sst("3", &["企业名称", "问题描述", &long]));
    // rust_xlsxwriter numbered the strings in the order written: B2 shows the third.
    let err = read_workbook(&path, None).unwrap_err();
    assert_eq!(err.code(), "import.cell_too_long", "{err}");
    assert!(err.to_string().contains("cell B2"), "{err}");

    // A CSV holds each cell's text once, in the file: only its total is bounded.
    let csv = dir.path().join("long.csv");
    std::fs::write(&csv, format!("企业名称,问题描述\n甲,{long}\n")).unwrap();
    assert_eq!(read_workbook(&csv, None).unwrap().sheet.rows[1][1].len(), MAX_CELL_CHARS + 1);
}

#[test]
fn a_shared_string_table_that_lies_or_unpacks_too_far_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lie.xlsx");
    shared_text_workbook(&path, "MARK", 1);
    // calamine reserves room for the declared count before reading a string: 10^11 strings
    // is 2.4 TB, an allocation that aborts the process.
    with_shared_strings(&path, &sst("100000000000", &["企业名称", "问题描述", "MARK"]));
    assert_eq!(code(&path), "import.damaged");
    // Hidden behind a comment that names a small count, it is still seen.
    let commented = sst("100000000000", &["企业名称", "问题描述", "MARK"])
        .replace("<sst ", "<!-- <sst uniqueCount=\"3\"> --><sst ");
    with_shared_strings(&path, &commented);
    assert_eq!(code(&path), "import.damaged");
    // A table that unpacks past its limit (that many of one letter deflate to a few hundred KB).
    let huge = "a".repeat(MAX_SHARED_STRINGS_BYTES as usize);
    with_shared_strings(&path, &sst("3", &["企业名称", "问题描述", &huge]));
    assert_eq!(code(&path), "import.sheet_too_large");
}
