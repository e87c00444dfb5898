//! Hostile input at the command line (docs/reliability.md): stored text cannot drive the
//! terminal, passwords never pass through arguments or come back as hashes, look-alike names
//! are refused, the event number printed is the event's, and a spreadsheet that would unpack
//! into gigabytes is refused before it is held.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

struct Cli {
    db: String,
}

impl Cli {
    fn new(dir: &Path) -> Cli {
        let cli = Cli { db: dir.join("ledger.db").display().to_string() };
        cli.ok("", &["init"]);
        cli
    }

    fn cmd(&self, user: &str, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_taizhang"));
        c.env("TAIZHANG_NOW", "2026-03-02T10:00:00+08:00");
        for var in ["TAIZHANG_AS", "TAIZHANG_DB", "TAIZHANG_LANG", "TAIZHANG_PASSWORD", "TAIZHANG_NEW_PASSWORD"] {
            c.env_remove(var);
        }
        c.arg("--db").arg(&self.db);
        if !user.is_empty() {
            c.arg("--as").arg(user);
        }
        c.args(args).write_stdin("");
        c
    }

    fn ok(&self, user: &str, args: &[&str]) -> String {
        let out = self.cmd(user, args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }

    fn fails(&self, user: &str, args: &[&str], code: &str) {
        self.cmd(user, args).assert().failure().stderr(predicate::str::contains(format!("[{code}]")));
    }

    fn sql_i64(&self, sql: &str) -> i64 {
        rusqlite::Connection::open(&self.db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

/// Clear screen, a window title ending in BEL, a carriage return, a line feed starting a fake
/// status line, a right-to-left override, a zero-width space.
const HOSTILE: &str = "甲\u{1b}[2J\u{1b}]0;pwned\u{7}\r\n状态：已销号\u{202E}乙\u{200B}丙";

fn assert_inert(out: &str, what: &str) {
    for c in ['\u{1b}', '\u{7}', '\r', '\u{202E}', '\u{200B}'] {
        assert!(!out.contains(c), "{what}: {c:?} printed raw in\n{out}");
    }
    assert!(
        !out.lines().any(|l| l.trim_start().starts_with("状态：已销号")),
        "{what}: a stored line break made a line of its own:\n{out}"
    );
    assert!(
        out.contains("\\u{1b}[2J") && out.contains("\\n状态：已销号"),
        "{what}: the text is shown, escaped:\n{out}"
    );
}

#[test]
fn stored_control_characters_are_escaped_in_every_human_output() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok("admin", &["unit", "add", "城关街道", "--short", "城关", "--kind", "township"]);
    cli.ok("admin", &["unit", "add", "工业和信息化局", "--short", "工信局", "--kind", "department"]);
    cli.ok("admin", &["user", "add", "cg", "--name", HOSTILE, "--unit", "城关", "--role", "township"]);
    cli.ok("cg", &["enterprise", "add", HOSTILE]);
    cli.ok(
        "cg",
        &["register", "--enterprise", HOSTILE, "--category", "用地", "--description", HOSTILE, "--demand", HOSTILE],
    );
    cli.ok("cg", &["visit", "add", "--enterprise", HOSTILE, "--visitors", HOSTILE, "--notes", HOSTILE]);
    cli.ok("cg", &["resolve-locally", "2026-城关-0001", "--result", HOSTILE]);
    // Unit names are now refused with control characters and stored without invisible ones
    // (`unit.rs` tests); a ledger written before keeps what it had, so put it there.
    rusqlite::Connection::open(&cli.db)
        .unwrap()
        .execute("UPDATE units SET name = ?1 WHERE short_name = '工信局'", [HOSTILE])
        .unwrap();

    for (what, args) in [
        ("problems show", vec!["problems", "show", "2026-城关-0001"]),
        ("problems list", vec!["problems", "list"]),
        ("enterprise list", vec!["enterprise", "list"]),
        ("unit list", vec!["unit", "list"]),
        ("user list", vec!["user", "list"]),
        ("visit list", vec!["visit", "list"]),
        ("inbox", vec!["inbox"]),
    ] {
        let out = cli.ok("cg", &args);
        for c in ['\u{1b}', '\u{7}', '\r', '\u{202E}', '\u{200B}'] {
            assert!(!out.contains(c), "{what}: {c:?} printed raw in\n{out}");
        }
        assert!(!out.lines().any(|l| l.trim_start().starts_with("状态：已销号")), "{what}: fake line in\n{out}");
    }
    // The detail view shows every field and the timeline, escaped rather than dropped.
    assert_inert(&cli.ok("cg", &["problems", "show", "2026-城关-0001"]), "problems show");
    assert_inert(&cli.ok("cg", &["enterprise", "list"]), "enterprise list");
    assert_inert(&cli.ok("cg", &["unit", "list"]), "unit list");
    assert_inert(&cli.ok("cg", &["user", "list"]), "user list");
    // The timeline line of the local resolution carries the override escaped.
    let show = cli.ok("cg", &["problems", "show", "2026-城关-0001"]);
    assert!(show.lines().any(|l| l.contains("resolved_locally") && l.contains("\\u{202e}")), "{show}");
    // An error naming stored text is escaped too.
    let out = cli.cmd("cg", &["visit", "add", "--enterprise", "不存在\u{1b}[2J", "--visitors", "x"]).assert().failure();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(!err.contains('\u{1b}') && err.contains("\\u{1b}[2J"), "{err}");
}

#[test]
fn the_event_number_printed_is_the_events_own() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    let number = |out: &str| -> i64 {
        let tail = out.rsplit("事件 #").next().unwrap();
        tail.trim_end().trim_end_matches('）').parse().unwrap_or_else(|_| panic!("no event number in {out}"))
    };
    let steps: Vec<(&str, Vec<&str>)> = vec![
        ("admin", vec!["unit", "add", "城关街道", "--short", "城关", "--kind", "township"]),
        ("admin", vec!["user", "add", "cg", "--name", "张三", "--unit", "城关", "--role", "township"]),
        ("cg", vec!["enterprise", "add", "示范区恒达精密机械有限公司"]),
        ("cg", vec!["visit", "add", "--enterprise", "示范区恒达精密机械有限公司", "--visitors", "张三"]),
        ("admin", vec!["calendar", "set-day", "2026-03-09", "--off", "--name", "调休"]),
    ];
    for (user, args) in steps {
        let out = cli.ok(user, &args);
        let last = cli.sql_i64("SELECT max(seq) FROM events");
        assert_eq!(number(&out), last, "{args:?} printed {out}");
        // The read table the command also wrote has rowids of its own, far below the events'.
        assert!(last > 5, "events of the genesis come first");
    }
    // --json gives each event's seq, the key of its row in `events`.
    let out = cli.ok("admin", &["unit", "add", "西山镇", "--short", "西山", "--kind", "township", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let e = &v["events"][0];
    let seq = cli.sql_i64(&format!("SELECT seq FROM events WHERE id = '{}'", e["id"].as_str().unwrap()));
    assert_eq!(e["seq"].as_i64(), Some(seq));
}

#[test]
fn passwords_come_from_a_prompt_or_stdin_and_hashes_are_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok("admin", &["unit", "add", "城关街道", "--short", "城关", "--kind", "township"]);
    cli.ok("admin", &["user", "add", "cg", "--name", "张三", "--unit", "城关", "--role", "township"]);
    // No argument carries a password: they would be in every user's process list.
    cli.cmd("admin", &["--password", "x", "unit", "list"]).assert().code(2);
    cli.cmd("admin", &["user", "passwd", "cg", "--new", "x"]).assert().code(2);

    // The new password is a line of standard input; the answer carries no hash.
    let out = cli.cmd("admin", &["user", "passwd", "cg", "--json"]).write_stdin("s3cret pass\n").assert().success();
    let out = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(!out.contains("$argon2") && !out.contains("s3cret"), "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["events"][0]["payload"]["password_hash"], "[redacted]");
    let human = cli.cmd("admin", &["user", "passwd", "cg"]).write_stdin("s3cret pass\n").assert().success();
    assert!(!String::from_utf8_lossy(&human.get_output().stdout).contains("$argon2"));
    assert!(cli.sql_i64("SELECT count(*) FROM users WHERE login = 'cg' AND password_hash LIKE '$argon2%'") == 1);

    // Signing in reads the acting user's password the same way.
    cli.cmd("cg", &["inbox"]).write_stdin("s3cret pass\n").assert().success();
    cli.cmd("cg", &["inbox"])
        .write_stdin("wrong\n")
        .assert()
        .failure()
        .stderr(predicate::str::contains("[auth.bad_password]"));
    cli.fails("cg", &["inbox"], "auth.no_password_input");
    cli.cmd("cg", &["inbox"]).env("TAIZHANG_PASSWORD", "s3cret pass").assert().success();
    // A user without a password reads nothing: stdin stays for whatever else it carries.
    cli.ok("admin", &["unit", "list"]);

    // With a password of their own, the acting user's comes first, then the new one.
    cli.cmd("admin", &["user", "passwd", "admin"]).write_stdin("admin pw\n").assert().success();
    cli.cmd("admin", &["user", "passwd", "cg"]).write_stdin("admin pw\nnew cg pw\n").assert().success();
    cli.cmd("cg", &["inbox"]).write_stdin("new cg pw\n").assert().success();
    cli.cmd("admin", &["user", "passwd", "cg"])
        .write_stdin("admin pw\n\n")
        .assert()
        .failure()
        .stderr(predicate::str::contains("[auth.empty_password]"));
    cli.cmd("admin", &["user", "passwd", "cg", "--clear"]).write_stdin("admin pw\n").assert().success();
    cli.ok("cg", &["inbox"]);
    // No output anywhere holds a hash.
    for args in [vec!["user", "list", "--json"], vec!["user", "list"]] {
        let out = cli.cmd("admin", &args).write_stdin("admin pw\n").assert().success();
        assert!(!String::from_utf8_lossy(&out.get_output().stdout).contains("$argon2"));
    }
}

#[test]
fn look_alike_logins_and_unit_names_are_refused_and_typed_forms_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok("admin", &["unit", "add", "城关街道", "--short", "城关", "--kind", "township"]);
    cli.fails("admin", &["unit", "add", "城关\u{200B}街道", "--short", "城", "--kind", "township"], "input.duplicate");
    cli.fails("admin", &["unit", "add", "城关 街道", "--short", "城", "--kind", "township"], "unit.name_confusable");
    cli.fails(
        "admin",
        &["unit", "add", "西山镇", "--short", "城关\u{2060}", "--kind", "township"],
        "unit.short_name_confusable",
    );
    cli.ok("admin", &["user", "add", "cg", "--name", "张三", "--unit", "城关", "--role", "township"]);
    cli.fails(
        "admin",
        &["user", "add", "сg", "--name", "假张三", "--unit", "城关", "--role", "township"],
        "user.login_confusable",
    );
    cli.fails(
        "admin",
        &["user", "add", "c\u{200B}g", "--name", "假张三", "--unit", "城关", "--role", "township"],
        "input.duplicate",
    );
    // A login or unit typed in full-width letters or with a stray invisible character is the
    // one it looks like.
    assert!(cli.ok("ａｄｍｉｎ", &["inbox"]).contains("办公室"));
    assert!(cli.ok("c\u{200B}g", &["inbox"]).contains("城关街道"));
    assert!(cli.ok("admin", &["inbox", "--unit", "城关\u{FEFF}"]).contains("城关街道"));
    let users = cli.ok("admin", &["user", "list", "--json"]);
    assert_eq!(serde_json::from_str::<Value>(&users).unwrap().as_array().unwrap().len(), 2, "{users}");
}

/// A 30,000-character text stored once and shown by thousands of cells: a file of a few
/// hundred kilobytes that reads as gigabytes of rows.
fn shared_string_bomb(path: &Path, cells: u32) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["企业名称", "问题描述", "所属镇街", "问题类别"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let long = "很".repeat(30_000);
    for r in 1..=cells {
        sheet.write_string(r, 1, &long).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn a_shared_string_bomb_is_refused_by_import_preview() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    let bomb = dir.path().join("台账.xlsx");
    // 2,000 cells of 90 KB: 180 MB of rows from a file of kilobytes.
    shared_string_bomb(&bomb, 2_000);
    assert!(std::fs::metadata(&bomb).unwrap().len() < 200_000);
    let path = bomb.display().to_string();
    cli.fails("admin", &["import", "ledger", "--dry-run", &path], "import.sheet_too_large");
    let before = cli.sql_i64("SELECT count(*) FROM events");
    cli.fails("admin", &["import", "ledger", &path], "import.sheet_too_large");
    assert_eq!(cli.sql_i64("SELECT count(*) FROM events"), before, "nothing written");
}
