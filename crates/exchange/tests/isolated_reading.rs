//! Reading spreadsheets in a child process (`sheet::isolate_reading`): a reader that dies on a
//! file gives `import.damaged`, and its answer crosses the pipe intact. The reader here is a
//! small shell script standing in for the desktop binary; the real binary serves the same
//! protocol (`serve_read_request`) and the end-to-end test imports through it.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use taizhang_exchange::sheet::{isolate_reading, read_workbook_checked, READ_SHEET_ARG};

fn script(dir: &Path, body: &str) -> std::path::PathBuf {
    let p = dir.join("reader.sh");
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

#[test]
fn a_reader_that_dies_gives_damaged_and_an_answer_crosses_intact() {
    let dir = tempfile::tempdir().unwrap();
    // Dies by SIGABRT on files named *abort*, as calamine does on some hostile files; answers
    // with a fixed workbook otherwise, after checking it was asked the protocol's way.
    let answer = r#"{"Ok":{"format":"Csv","sheet_names":["台账"],"sheet":{"name":"台账","rows":[["企业名称","问题描述"],["甲","乙"]]}}}"#;
    let body = format!(
        "[ \"$1\" = \"{READ_SHEET_ARG}\" ] || exit 3\ncase \"$2\" in *abort*) kill -ABRT $$ ;; *oom*) echo 'memory allocation of 2400000000000 bytes failed' >&2; kill -ABRT $$ ;; esac\nprintf '%s' '{answer}'"
    );
    isolate_reading(script(dir.path(), &body));

    let bomb = dir.path().join("abort.xls");
    std::fs::write(&bomb, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1").unwrap();
    let err = read_workbook_checked(&bomb, &std::fs::read(&bomb).unwrap(), None).unwrap_err();
    assert_eq!(err.code(), "import.damaged", "{err}");

    // Stopped by its memory limit (Rust's allocator says so on stderr, then aborts): the
    // sheet is too large to hold, which the user is told as such.
    let oom = dir.path().join("oom.xlsx");
    std::fs::write(&oom, b"PK\x03\x04").unwrap();
    let err = read_workbook_checked(&oom, &std::fs::read(&oom).unwrap(), None).unwrap_err();
    assert_eq!(err.code(), "import.sheet_too_large", "{err}");

    let fine = dir.path().join("台账.csv");
    std::fs::write(&fine, "企业名称,问题描述\n甲,乙\n").unwrap();
    let wb = read_workbook_checked(&fine, &std::fs::read(&fine).unwrap(), None).unwrap();
    assert_eq!(wb.sheet.rows[1], vec!["甲".to_string(), "乙".to_string()]);
}
