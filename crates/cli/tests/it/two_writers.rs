//! Two writers on one file: two `taizhang` CLI loops and a writer thread of this process with
//! its own connection, all registering problems (two of them in the same township, so they
//! compete for its next number) while a reader thread checks what it sees. Afterwards the file
//! is whole (integrity check, verify, rebuild equal), nothing acknowledged is missing, nothing
//! unacknowledged is there, and numbers are unique and gap-free per township and year.
//!
//! And when waiting is not enough — another program holds a write transaction open past the
//! 5-second busy timeout — the CLI and the ledger say `ledger.busy` and leave the file as it
//! was.
//!
//! Rounds per writer: `TAIZHANG_WRITERS_ROUNDS` (default 100):
//! `TAIZHANG_WRITERS_ROUNDS=500 cargo test --release -p taizhang-cli --test it two_writers:: -- --nocapture`.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::Connection;
use taizhang_ledger::core::command::AssignRequest;
use taizhang_ledger::core::*;
use taizhang_ledger::Ledger;
use taizhang_testsupport::{enterprise, test_name};

const NOW: &str = "2026-03-02T10:00:00+08:00";

fn now() -> DateTime<Utc> {
    china_offset().with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap().to_utc()
}

fn rounds() -> usize {
    std::env::var("TAIZHANG_WRITERS_ROUNDS").ok().and_then(|s| s.trim().parse().ok()).unwrap_or(100)
}

/// Office `admin`; 城关 with two township users `cg` and `cg2`, 西山 with `xs`; the department
/// 工信局 (`gx`); one enterprise in each township.
fn create_district(path: &Path) {
    let t = now();
    let mut l = Ledger::create(path, t).unwrap();
    for (id, name, short, kind) in [
        ("u-cg", "城关街道", "城关", UnitKind::Township),
        ("u-xs", "西山镇", "西山", UnitKind::Township),
        ("u-gx", "工业和信息化局", "工信局", UnitKind::Department),
    ] {
        l.execute(
            "admin",
            &Command::CreateUnit { unit_id: id.into(), name: name.into(), short_name: short.into(), kind },
            t,
        )
        .unwrap();
    }
    for (login, unit, role) in [
        ("cg", "u-cg", Role::Township),
        ("cg2", "u-cg", Role::Township),
        ("xs", "u-xs", Role::Township),
        ("gx", "u-gx", Role::Department),
    ] {
        let cmd = Command::CreateUser {
            user_id: format!("user-{login}"),
            login: login.into(),
            name: format!("用户{login}"),
            unit_id: unit.into(),
            role,
        };
        l.execute("admin", &cmd, t).unwrap();
    }
    for (id, township) in [("e-cg", "u-cg"), ("e-xs", "u-xs")] {
        let enterprise = enterprise(id, &format!("{id}有限公司"), township);
        l.execute("admin", &Command::CreateEnterprise { enterprise }, t).unwrap();
    }
}

fn register_cmd(problem_id: &str, enterprise: &str) -> Command {
    Command::Register {
        problem_id: problem_id.into(),
        enterprise_id: Some(enterprise.into()),
        new_enterprise: None,
        visit_id: None,
        source: Source::Visit,
        category: "用地".into(),
        description: "扩建厂房用地指标未落实".into(),
        demand: "协调解决用地指标".into(),
        raised_on: local_date(now()),
        priority: Priority::Normal,
        responsible_leader: String::new(),
        origin: None,
        attachments: Vec::new(),
    }
}

fn cli(db: &Path, user: &str, args: &[&str]) -> Process {
    let mut c = Process::new(env!("CARGO_BIN_EXE_taizhang"));
    c.env("TAIZHANG_NOW", NOW).env_remove("TAIZHANG_AS").env_remove("TAIZHANG_DB").env_remove("TAIZHANG_LANG");
    c.arg("--db").arg(db);
    if !user.is_empty() {
        c.arg("--as").arg(user);
    }
    c.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    c
}

fn sidecar(path: &Path, ext: &str) -> PathBuf {
    PathBuf::from(format!("{}{ext}", path.display()))
}

/// The database and its WAL, byte for byte (the shared-memory index is not content).
fn file_bytes(path: &Path) -> (Vec<u8>, Vec<u8>) {
    (std::fs::read(path).unwrap(), std::fs::read(sidecar(path, "-wal")).unwrap_or_default())
}

fn events(path: &Path) -> i64 {
    Connection::open(path).unwrap().query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap()
}

/// What each writer got: problems acknowledged (id, number), refusals as `ledger.busy`, and
/// anything else that went wrong.
#[derive(Default)]
struct Outcome {
    acked: Vec<(String, String)>,
    other_commands: usize,
    busy: usize,
    failures: Vec<String>,
}

/// A CLI loop: `taizhang register` as `user`, one process per problem.
fn cli_writer(db: PathBuf, user: &'static str, enterprise: &'static str, rounds: usize) -> Outcome {
    let mut out = Outcome::default();
    for i in 0..rounds {
        let description = format!("{user} 第{i}次登记：用工紧张");
        let o: Output = cli(
            &db,
            user,
            &["register", "--enterprise", enterprise, "--category", "用工", "--description", &description, "--json"],
        )
        .output()
        .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        if o.status.success() {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            out.acked.push((v["id"].as_str().unwrap().into(), v["problem"].as_str().unwrap().into()));
        } else if stderr.contains("\"ledger.busy\"") {
            out.busy += 1;
        } else {
            out.failures.push(format!("{user} #{i}: {} {stderr}", o.status));
        }
    }
    out
}

/// The in-process writer: registrations in both townships, and every third one assigned and
/// signed, each in its own transaction; at least `rounds`, and on until the CLI loops are done.
fn ledger_writer(db: PathBuf, rounds: usize, clis_done: Arc<AtomicBool>) -> Outcome {
    let mut out = Outcome::default();
    let mut l = Ledger::open(&db).unwrap();
    let record = |r: taizhang_ledger::Result<()>, out: &mut Outcome, what: &str| match r {
        Ok(()) => true,
        Err(e) if e.code() == "ledger.busy" => {
            out.busy += 1;
            false
        }
        Err(e) => {
            out.failures.push(format!("ledger {what}: [{}] {e}", e.code()));
            false
        }
    };
    for i in 0.. {
        if i >= rounds && clis_done.load(Ordering::Relaxed) {
            break;
        }
        // About the pace of a CLI loop, so that neither side has the file to itself.
        std::thread::sleep(Duration::from_millis(4));
        let (user, enterprise) = if i % 2 == 0 { ("xs", "e-xs") } else { ("cg", "e-cg") };
        let id = taizhang_ledger::new_id(Utc::now());
        let r = l.execute(user, &register_cmd(&id, enterprise), now()).map(drop);
        if !record(r, &mut out, "register") {
            continue;
        }
        out.acked.push((id.clone(), l.problem(&id).unwrap().number));
        if i % 3 == 0 {
            let request = AssignRequest {
                lead_unit_id: "u-gx".into(),
                handler: String::new(),
                supporters: vec![],
                sign_deadline: None,
                handling_deadline: None,
            };
            let r = l.execute("admin", &Command::Assign { problem_id: id.clone(), request }, now()).map(drop);
            if record(r, &mut out, "assign") {
                out.other_commands += 1;
                let r =
                    l.execute("gx", &Command::Sign { problem_id: id.clone(), handler: "王工".into() }, now()).map(drop);
                out.other_commands += usize::from(record(r, &mut out, "sign"));
            }
        }
    }
    out
}

/// Reads while the others write: each snapshot has as many problems as registrations (a
/// command's events and its projection appear together), and the chain verifies.
fn reader(db: PathBuf, stop: Arc<AtomicBool>) -> (usize, Vec<String>) {
    let l = Ledger::open(&db).unwrap();
    let conn = l.connection();
    let mut reads = 0;
    let mut failures = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let snapshot = (|| -> rusqlite::Result<(i64, i64)> {
            conn.execute_batch("BEGIN")?;
            let p: i64 = conn.query_row("SELECT count(*) FROM problems", [], |r| r.get(0))?;
            let e: i64 =
                conn.query_row("SELECT count(*) FROM events WHERE kind = 'problem_registered'", [], |r| r.get(0))?;
            conn.execute_batch("COMMIT")?;
            Ok((p, e))
        })();
        match snapshot {
            Ok((p, e)) if p != e => failures.push(format!("a reader saw {p} problems and {e} registrations")),
            Ok(_) => {}
            Err(e) => failures.push(format!("a reader failed: {e}")),
        }
        match l.verify() {
            Ok(r) if r.ok => {}
            Ok(r) => failures.push(format!("a reader's verify failed: {:?}", r.first_break)),
            Err(e) => failures.push(format!("a reader's verify errored: [{}] {e}", e.code())),
        }
        reads += 1;
        std::thread::sleep(Duration::from_millis(5));
    }
    (reads, failures)
}

#[test]
fn two_clis_and_the_ledger_write_at_once_and_nothing_is_lost() {
    let rounds = rounds();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    create_district(&db);
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let reading = {
        let (db, stop) = (db.clone(), stop.clone());
        std::thread::spawn(move || reader(db, stop))
    };
    let clis_done = Arc::new(AtomicBool::new(false));
    let in_process = {
        let (db, clis_done) = (db.clone(), clis_done.clone());
        std::thread::spawn(move || ledger_writer(db, rounds, clis_done))
    };
    let clis = vec![
        ("cli cg (城关)", {
            let db = db.clone();
            std::thread::spawn(move || cli_writer(db, "cg", "e-cg", rounds))
        }),
        ("cli cg2 (城关)", {
            let db = db.clone();
            std::thread::spawn(move || cli_writer(db, "cg2", "e-cg", rounds))
        }),
    ];
    let mut outcomes: Vec<(&str, Outcome)> = clis.into_iter().map(|(name, h)| (name, h.join().unwrap())).collect();
    clis_done.store(true, Ordering::Relaxed);
    outcomes.push(("ledger (城关, 西山)", in_process.join().unwrap()));
    stop.store(true, Ordering::Relaxed);
    let (reads, read_failures) = reading.join().unwrap();
    let elapsed = started.elapsed();

    println!("\nTwo writers: {rounds} rounds each, {:.1} s, {reads} reads in between", elapsed.as_secs_f64());
    for (name, o) in &outcomes {
        println!(
            "  {name:<20} {} problems acknowledged, {} other commands, {} × ledger.busy, {} other failures",
            o.acked.len(),
            o.other_commands,
            o.busy,
            o.failures.len()
        );
    }
    let failures: Vec<&String> = outcomes.iter().flat_map(|(_, o)| &o.failures).chain(&read_failures).collect();
    assert!(failures.is_empty(), "{failures:#?}");

    // The file is whole.
    let conn = Connection::open(&db).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    let mut ledger = Ledger::open(&db).unwrap();
    let report = ledger.verify().unwrap();
    assert!(report.ok, "{:?}", report.first_break);
    assert_eq!(report.chains.len(), 1, "one device: every writer appends to the file's one chain");
    let rebuilt = ledger.rebuild().unwrap();
    assert!(rebuilt.equal, "{:?}", rebuilt.differing_tables);

    // Every acknowledged problem is there with the number it was given; nothing else is.
    let acked: Vec<&(String, String)> = outcomes.iter().flat_map(|(_, o)| &o.acked).collect();
    let stored: BTreeMap<String, String> = conn
        .prepare("SELECT id, number FROM problems")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for (id, number) in &acked {
        assert_eq!(stored.get(id), Some(number), "acknowledged {number} ({id})");
    }
    assert_eq!(stored.len(), acked.len(), "no problem that nobody acknowledged");
    let numbers: HashSet<&String> = acked.iter().map(|(_, n)| n).collect();
    assert_eq!(numbers.len(), acked.len(), "no number given twice");
    let mut per_township: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for row in conn
        .prepare("SELECT township_id || ' ' || number_year, number_seq FROM problems")
        .unwrap()
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .unwrap()
    {
        let (key, seq) = row.unwrap();
        per_township.entry(key).or_default().push(seq);
    }
    for (key, mut seqs) in per_township {
        seqs.sort();
        assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>(), "numbers of {key} are 1..n");
    }
    let busy: usize = outcomes.iter().map(|(_, o)| o.busy).sum();
    let registered = outcomes.iter().map(|(_, o)| o.acked.len()).sum::<usize>();
    assert_eq!(
        outcomes[0].1.acked.len() + outcomes[0].1.busy,
        rounds,
        "every attempt is acknowledged or refused as busy"
    );
    assert_eq!(
        outcomes[1].1.acked.len() + outcomes[1].1.busy,
        rounds,
        "every attempt is acknowledged or refused as busy"
    );
    assert!(registered + busy >= 3 * rounds);
}

/// Another program holding a lock on `db` until dropped: this test binary run again as
/// `lock_holder_child`, which runs `sql` and waits for its stdin to close. (Not a connection of
/// this process: reading the file here, to compare its bytes, would release a POSIX lock that
/// connection holds on it.)
struct Holder(std::process::Child, std::io::BufReader<std::process::ChildStdout>);

impl Holder {
    fn begin(db: &Path, sql: &str) -> Holder {
        let mut child = Process::new(std::env::current_exe().unwrap())
            .args([
                &test_name(module_path!(), "lock_holder_child"),
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(HOLD_DB, db)
            .env(HOLD_SQL, sql)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while line.trim_end() != "held" {
            line.clear();
            assert!(std::io::BufRead::read_line(&mut out, &mut line).unwrap() > 0, "the lock holder did not start");
        }
        Holder(child, out)
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = std::io::Read::read_to_end(&mut self.1, &mut Vec::new());
        let _ = self.0.wait();
    }
}

const HOLD_DB: &str = "TAIZHANG_HOLD_DB";
const HOLD_SQL: &str = "TAIZHANG_HOLD_SQL";

/// The lock holder: does nothing unless `Holder` started it.
#[test]
#[ignore = "the lock-holding child of the two-writer tests; runs only when started by them"]
fn lock_holder_child() {
    let Ok(db) = std::env::var(HOLD_DB) else { return };
    let conn = Connection::open(db).unwrap();
    conn.execute_batch(&std::env::var(HOLD_SQL).unwrap()).unwrap();
    println!("\nheld");
    let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
    conn.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn a_write_lock_held_past_the_timeout_is_ledger_busy_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    create_district(&db);
    {
        let mut l = Ledger::open(&db).unwrap();
        l.execute("cg", &register_cmd("p-first", "e-cg"), now()).unwrap();
        l.connection().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    }
    let before_events = events(&db);

    let holder = Holder::begin(&db, "BEGIN IMMEDIATE");
    let before = file_bytes(&db);

    // The CLI waits its 5 seconds, then says so, in words and in JSON.
    let started = Instant::now();
    let o = cli(&db, "cg", &["register", "--enterprise", "e-cg", "--category", "用地", "--description", "排队中"])
        .output()
        .unwrap();
    let waited = started.elapsed();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(stderr.contains("[ledger.busy]"), "{stderr}");
    assert!(stderr.contains("稍后重试"), "{stderr}");
    let o = cli(&db, "admin", &["assign", "2026-城关-0001", "--lead", "工信局", "--json"]).output().unwrap();
    assert!(!o.status.success());
    let err: serde_json::Value = serde_json::from_slice(&o.stderr).unwrap();
    assert_eq!(err["code"], "ledger.busy");

    // Reading goes on meanwhile.
    let o = cli(&db, "", &["problems", "list", "--json"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(list["total"], 1);
    let o = cli(&db, "", &["verify"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // The ledger itself, opened while the other program holds the lock.
    let mut l = Ledger::open(&db).unwrap();
    let err = l.execute("cg", &register_cmd("p-second", "e-cg"), now()).unwrap_err();
    assert_eq!(err.code(), "ledger.busy", "{err}");
    assert_eq!(file_bytes(&db), before, "a refused writer writes nothing");
    drop(holder);
    assert_eq!(file_bytes(&db), before);
    assert_eq!(events(&db), before_events);

    // Once the other program lets go, the same command goes through on the same connection.
    l.execute("cg", &register_cmd("p-second", "e-cg"), now()).unwrap();
    assert_eq!(l.problem("p-second").unwrap().number, "2026-城关-0002");
    drop(l);
    let o = cli(&db, "cg", &["register", "--enterprise", "e-cg", "--category", "用地", "--description", "重试"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(Ledger::open(&db).unwrap().verify().unwrap().ok);
    println!("the CLI waited {:.1} s before saying ledger.busy", waited.as_secs_f64());
}

/// Another program holding the file in exclusive locking mode (`PRAGMA locking_mode =
/// EXCLUSIVE`, as some tools do) blocks readers too. Opening the ledger then waits and says
/// `ledger.busy` (it used to say `ledger.not_a_ledger`, "damaged header"); the file is left
/// alone.
#[test]
fn an_exclusively_locked_file_is_busy_not_foreign() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    create_district(&db);
    let holder = Holder::begin(
        &db,
        "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; INSERT INTO meta VALUES ('held', 'by another program');",
    );
    let before = file_bytes(&db);
    let o = cli(&db, "", &["problems", "list"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert_eq!(file_bytes(&db), before);
    let opened = Ledger::open(&db).err().map(|e| e.code());
    drop(holder);
    assert!(stderr.contains("[ledger.busy]"), "{stderr}");
    assert_eq!(opened, Some("ledger.busy"));
}
