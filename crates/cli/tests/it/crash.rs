//! Crash safety: a child process writes to a ledger and is killed with SIGKILL at a random
//! moment, over and over. After every kill, on a copy of what the dead process left on disk
//! (database and WAL, no shared-memory index, as after a reboot):
//!
//! - `PRAGMA integrity_check` is `ok` and `foreign_key_check` finds nothing;
//! - `Ledger::verify` passes and the history known before the cycle is still there, hash for
//!   hash;
//! - every command the child acknowledged (printed after `execute` returned) is there; the only
//!   events nobody acknowledged belong to the one command in flight at the kill, whole or not at
//!   all (a batch of registrations is all there or none of it);
//! - problem numbers are unique and gap-free per township and year;
//! - `Ledger::rebuild` comes out equal.
//!
//! Two children: this test binary itself in worker mode (`crash_child`, a loop of register /
//! batch register / assign / sign / resolve / evaluate / close printing `ack` lines), and the
//! `taizhang` CLI, one command per process. The next cycle goes on from the original file the
//! dead process left, with its stale `-shm`.
//!
//! `TAIZHANG_CRASH_CYCLES` (default 50; the CLI gets twice as many), `TAIZHANG_CRASH_SEED` (default fixed):
//! `TAIZHANG_CRASH_CYCLES=500 cargo test --release -p taizhang-cli --test it -- crash:: --nocapture`.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use taizhang_ledger::core::command::AssignRequest;
use taizhang_ledger::core::*;
use taizhang_ledger::Ledger;
use taizhang_testsupport::rng::{env_seed, env_u64, Rng};
use taizhang_testsupport::{enterprise, test_name};

// ---------------------------------------------------------------------------------------------
// Shared bits

fn cycles() -> u64 {
    env_u64("TAIZHANG_CRASH_CYCLES").unwrap_or(50)
}

fn seed() -> u64 {
    env_seed("TAIZHANG_CRASH_SEED", 0xC0_FFEE_2026)
}

/// The start of the ledger's clock: Monday 2026-03-02, 10:00 Beijing time.
fn base_time() -> DateTime<Utc> {
    china_offset().with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap().to_utc()
}

const ENTERPRISES: [(&str, &str, &str); 2] = [("e-cg", "u-cg", "cg"), ("e-xs", "u-xs", "xs")];

/// Office `admin`; townships 城关 (`cg`) and 西山 (`xs`), each with one enterprise; the
/// department 工信局 (`gx`).
fn create_district(path: &Path) -> Known {
    let now = base_time();
    let mut l = Ledger::create(path, now).unwrap();
    for (id, name, short, kind) in [
        ("u-cg", "城关街道", "城关", UnitKind::Township),
        ("u-xs", "西山镇", "西山", UnitKind::Township),
        ("u-gx", "工业和信息化局", "工信局", UnitKind::Department),
    ] {
        l.execute(
            "admin",
            &Command::CreateUnit { unit_id: id.into(), name: name.into(), short_name: short.into(), kind },
            now,
        )
        .unwrap();
    }
    for (login, unit, role) in
        [("cg", "u-cg", Role::Township), ("xs", "u-xs", Role::Township), ("gx", "u-gx", Role::Department)]
    {
        let cmd = Command::CreateUser {
            user_id: format!("user-{login}"),
            login: login.into(),
            name: format!("用户{login}"),
            unit_id: unit.into(),
            role,
        };
        l.execute("admin", &cmd, now).unwrap();
    }
    for (id, township, _) in ENTERPRISES {
        let enterprise = enterprise(id, &format!("{id}有限公司"), township);
        l.execute("admin", &Command::CreateEnterprise { enterprise }, now).unwrap();
    }
    let head = l.verify().unwrap().chains.remove(0);
    Known { events: head.events, head: head.head_hash }
}

fn township_login(township_id: &str) -> &'static str {
    ENTERPRISES.iter().find(|e| e.1 == township_id).map(|e| e.2).expect("a fixture township")
}

fn register_cmd(problem_id: String, enterprise: &str, now: DateTime<Utc>) -> Command {
    Command::Register {
        problem_id,
        enterprise_id: Some(enterprise.into()),
        new_enterprise: None,
        visit_id: None,
        source: Source::Visit,
        category: "用地".into(),
        description: "扩建厂房用地指标未落实，影响二期投产".into(),
        demand: "协调解决用地指标".into(),
        raised_on: local_date(now),
        priority: Priority::Normal,
        responsible_leader: String::new(),
        origin: None,
        attachments: Vec::new(),
    }
}

/// A random problem in `status` (and with or without an evaluation), as (id, number, township).
fn pick_problem(
    conn: &Connection,
    rng: &mut Rng,
    status: &str,
    evaluated: Option<bool>,
) -> Option<(String, String, String)> {
    let cond = match evaluated {
        None => "",
        Some(true) => " AND evaluation IS NOT NULL",
        Some(false) => " AND evaluation IS NULL",
    };
    let n: i64 = conn
        .query_row(&format!("SELECT count(*) FROM problems WHERE status = ?1{cond}"), [status], |r| r.get(0))
        .unwrap();
    if n == 0 {
        return None;
    }
    conn.query_row(
        &format!(
            "SELECT id, number, township_id FROM problems WHERE status = ?1{cond} ORDER BY rowid LIMIT 1 OFFSET ?2"
        ),
        params![status, rng.below(n as u64) as i64],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
    .unwrap()
}

fn sidecar(path: &Path, ext: &str) -> PathBuf {
    PathBuf::from(format!("{}{ext}", path.display()))
}

/// What the dead process left, as a machine finds it after a reboot: the database and its
/// WAL; the shared-memory index is rebuilt from them.
fn crash_image(original: &Path, copy: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(sidecar(copy, ext));
    }
    std::fs::copy(original, copy).unwrap();
    if sidecar(original, "-wal").exists() {
        std::fs::copy(sidecar(original, "-wal"), sidecar(copy, "-wal")).unwrap();
    }
}

/// What a cycle's child acknowledged, and the command it had started but not acknowledged.
#[derive(Default, Debug)]
struct Acks {
    commands: u64,
    events: Vec<String>,
    /// Problems whose registration was acknowledged without event ids (the CLI's `register`).
    problems: Vec<String>,
    in_flight: Option<InFlight>,
}

#[derive(Debug, Clone)]
struct InFlight {
    op: String,
    /// Problems the command registers or acts on; empty when unknown (the CLI makes the id).
    problems: Vec<String>,
    /// The command's `now` as stored (`occurred_at` of all its events), when known.
    occurred_at: Option<String>,
}

/// The history known to be on the file: its length and newest hash.
#[derive(Clone, Default)]
struct Known {
    events: i64,
    head: String,
}

#[derive(Default)]
struct Stats {
    cycles: u64,
    acked: u64,
    in_flight_committed: u64,
    in_flight_lost: u64,
    no_command_started: u64,
    between_commands: u64,
    exited_by_itself: u64,
    events: i64,
    check_time: Duration,
}

/// Everything a crash must leave true, checked on `image` (a copy, which this rewrites).
fn check_image(image: &Path, known: &Known, acks: &Acks, stats: &mut Stats) -> Result<Known, String> {
    let started = Instant::now();
    {
        let conn = Connection::open(image).map_err(|e| format!("open: {e}"))?;
        let integrity: Vec<String> = conn
            .prepare("PRAGMA integrity_check")
            .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
            .map_err(|e| format!("integrity_check: {e}"))?;
        if integrity != ["ok"] {
            return Err(format!("integrity_check: {integrity:?}"));
        }
        let fk: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        if fk != 0 {
            return Err(format!("foreign_key_check: {fk} rows"));
        }
    }
    let mut ledger = Ledger::open(image).map_err(|e| format!("Ledger::open: [{}] {e}", e.code()))?;
    let report = ledger.verify().map_err(|e| format!("verify: {e}"))?;
    if !report.ok || report.chains.len() != 1 {
        return Err(format!("verify: {report:?}"));
    }
    let conn = ledger.connection();
    if known.events > 0 {
        let hash: Option<String> = conn
            .query_row("SELECT hash FROM events WHERE device_seq = ?1", [known.events], |r| r.get(0))
            .optional()
            .map_err(|e| e.to_string())?;
        if hash.as_deref() != Some(known.head.as_str()) {
            return Err(format!("event {} was {} before this cycle, now {hash:?}", known.events, known.head));
        }
    }
    // The events this cycle added, in order.
    let new: Vec<(String, String, Option<String>)> = conn
        .prepare("SELECT id, occurred_at, subject_id FROM events WHERE device_seq > ?1 ORDER BY seq")
        .and_then(|mut st| st.query_map([known.events], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
        .map_err(|e| e.to_string())?;
    let new_ids: HashSet<&str> = new.iter().map(|e| e.0.as_str()).collect();
    for id in &acks.events {
        if !new_ids.contains(id.as_str()) {
            return Err(format!("acknowledged event {id} is missing"));
        }
    }
    for p in &acks.problems {
        let n: i64 = conn
            .query_row("SELECT count(*) FROM problems WHERE id = ?1", [p], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        if n != 1 || !new.iter().any(|e| e.2.as_deref() == Some(p)) {
            return Err(format!("acknowledged registration of {p} is missing"));
        }
    }
    let acked: HashSet<&str> = acks.events.iter().map(String::as_str).collect();
    let is_acked = |e: &(String, String, Option<String>)| {
        acked.contains(e.0.as_str()) || e.2.as_ref().is_some_and(|s| acks.problems.contains(s))
    };
    let last_acked = new.iter().rposition(is_acked);
    let unacked: Vec<&(String, String, Option<String>)> = new.iter().filter(|e| !is_acked(e)).collect();
    if !unacked.is_empty() {
        let Some(flight) = &acks.in_flight else {
            return Err(format!(
                "{} events nobody acknowledged, and no command was in flight: {unacked:?}",
                unacked.len()
            ));
        };
        let first_unacked = new.iter().position(|e| !is_acked(e)).unwrap();
        if last_acked.is_some_and(|l| l > first_unacked) {
            return Err("an unacknowledged event comes before an acknowledged one".into());
        }
        let times: HashSet<&str> = unacked.iter().map(|e| e.1.as_str()).collect();
        if times.len() != 1 || flight.occurred_at.as_deref().is_some_and(|t| !times.contains(t)) {
            return Err(format!("unacknowledged events are not one command ({:?}): {unacked:?}", flight.occurred_at));
        }
        if !flight.problems.is_empty()
            && unacked.iter().any(|e| !e.2.as_ref().is_some_and(|s| flight.problems.contains(s)))
        {
            return Err(format!(
                "unacknowledged events of other subjects than the {} in flight: {unacked:?}",
                flight.op
            ));
        }
        stats.in_flight_committed += 1;
    } else if acks.in_flight.is_some() {
        stats.in_flight_lost += 1;
    }
    if let Some(flight) = acks.in_flight.as_ref().filter(|f| f.op == "batch") {
        let present: i64 = flight
            .problems
            .iter()
            .map(|p| {
                conn.query_row("SELECT count(*) FROM problems WHERE id = ?1", [p], |r| r.get::<_, i64>(0)).unwrap()
            })
            .sum();
        if present != 0 && present != flight.problems.len() as i64 {
            return Err(format!("a batch of {} registrations is there in part: {present}", flight.problems.len()));
        }
    }
    let numbering: Vec<(String, i64, i64, i64, i64)> = conn
        .prepare("SELECT township_id, number_year, count(*), max(number_seq), count(DISTINCT number_seq) FROM problems GROUP BY 1, 2")
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?.collect())
        .map_err(|e| e.to_string())?;
    for (t, y, n, max, distinct) in numbering {
        if n != max || n != distinct {
            return Err(format!("numbers of {t} in {y}: {n} problems, highest {max}, {distinct} distinct"));
        }
    }
    let head = report.chains[0].clone();
    let rebuilt = ledger.rebuild().map_err(|e| format!("rebuild: {e}"))?;
    if !rebuilt.equal {
        return Err(format!("rebuild differs in {:?}", rebuilt.differing_tables));
    }
    stats.check_time += started.elapsed();
    stats.events = head.events;
    Ok(Known { events: head.events, head: head.head_hash })
}

/// Panics with what is needed to look again: seed, cycle, the command to rerun, and where the
/// files were kept.
fn fail(test: &str, seed: u64, cycle: u64, dir: tempfile::TempDir, msg: String) -> ! {
    let kept = dir.keep();
    panic!(
        "{test}: seed {seed:#x}, cycle {cycle}: {msg}\nfiles kept in {}\nrerun: TAIZHANG_CRASH_SEED={seed:#x} TAIZHANG_CRASH_CYCLES={} cargo test -p taizhang-cli --test it crash::{test} -- --nocapture",
        kept.display(),
        cycle + 1
    );
}

fn print_stats(name: &str, seed: u64, stats: &Stats, started: Instant) {
    let killed = stats.cycles - stats.exited_by_itself;
    println!(
        "{name}: seed {seed:#x}, {} cycles: {} acknowledged commands; {killed} kills: the command in flight was committed {} times, \
         not committed {} times; no command begun yet {} times; between two commands {} times; {} runs finished before the kill; {} events at the end; {:.1} s ({:.1} s checking)",
        stats.cycles,
        stats.acked,
        stats.in_flight_committed,
        stats.in_flight_lost,
        stats.no_command_started,
        stats.between_commands,
        stats.exited_by_itself,
        stats.events,
        started.elapsed().as_secs_f64(),
        stats.check_time.as_secs_f64()
    );
}

// ---------------------------------------------------------------------------------------------
// The worker child: this test binary, run again with `crash_child`.

const CHILD_DB: &str = "TAIZHANG_CRASH_CHILD_DB";
const CHILD_SEED: &str = "TAIZHANG_CRASH_CHILD_SEED";
const CHILD_CHECKPOINT: &str = "TAIZHANG_CRASH_CHILD_CHECKPOINT";

/// The worker: does nothing unless the crash test started it. Loops over workflow commands,
/// printing `try <op> <now> <problem ids>` before each and `ack <op> <event ids>` after it
/// returned; it never stops by itself before 20,000 commands.
#[test]
#[ignore = "the child process of the crash test; runs only when started by it"]
fn crash_child() {
    let Ok(db) = std::env::var(CHILD_DB) else { return };
    let mut rng = Rng(env_u64(CHILD_SEED).unwrap_or(1));
    let mut ledger = Ledger::open(Path::new(&db)).unwrap();
    // A small auto-checkpoint makes kills during a checkpoint likely.
    let checkpoint = env_u64(CHILD_CHECKPOINT).unwrap_or(1000);
    ledger.connection().pragma_update(None, "wal_autocheckpoint", checkpoint as i64).unwrap();
    let mut out = std::io::stdout().lock();
    // The test harness may have begun a line ("test crash_child ... "): start a fresh one.
    writeln!(out, "\nready").unwrap();
    for _ in 0..20_000 {
        let last: i64 = ledger.connection().query_row("SELECT max(seq) FROM events", [], |r| r.get(0)).unwrap();
        let now = base_time() + chrono::Duration::seconds(last);
        let conn = ledger.connection();
        let roll = rng.below(100);
        let township = ENTERPRISES[rng.below(2) as usize];
        let one = |p: Option<(String, String, String)>, user: &str, cmd: &dyn Fn(String) -> Command| {
            p.map(|(id, _, township)| {
                let user = if user.is_empty() { township_login(&township).to_string() } else { user.to_string() };
                (user, vec![id.clone()], vec![cmd(id)])
            })
        };
        let chosen = match roll {
            0..35 => None,
            35..50 => one(pick_problem(conn, &mut rng, "registered", None), "admin", &|id| Command::Assign {
                problem_id: id,
                request: AssignRequest {
                    lead_unit_id: "u-gx".into(),
                    handler: String::new(),
                    supporters: vec![],
                    sign_deadline: None,
                    handling_deadline: None,
                },
            }),
            50..65 => one(pick_problem(conn, &mut rng, "assigned", None), "gx", &|id| Command::Sign {
                problem_id: id,
                handler: "王工".into(),
            }),
            65..78 => one(pick_problem(conn, &mut rng, "in_progress", None), "gx", &|id| Command::Resolve {
                problem_id: id,
                result_type: ResultType::Solved,
                result_text: "已落实用地指标".into(),
                explanation: String::new(),
                attachments: Vec::new(),
            }),
            78..90 => {
                let unhappy = rng.below(6) == 0;
                one(pick_problem(conn, &mut rng, "resolved", Some(false)), "", &|id| Command::Evaluate {
                    problem_id: id,
                    satisfaction: if unhappy { Satisfaction::Unsatisfied } else { Satisfaction::Satisfied },
                    comment: if unhappy { "面积不足".into() } else { String::new() },
                    attachments: Vec::new(),
                })
            }
            _ => one(pick_problem(conn, &mut rng, "resolved", Some(true)), "admin", &|id| Command::Close {
                problem_id: id,
                note: String::new(),
            }),
        };
        let (op, user, ids, cmds) = match chosen {
            Some((user, ids, cmds)) => {
                (format!("{:?}", cmds[0]).split([' ', '{']).next().unwrap().to_lowercase(), user, ids, cmds)
            }
            None => {
                // A registration, or a batch of 2–4 in one transaction.
                let n = if roll < 10 { 2 + rng.below(3) } else { 1 };
                let ids: Vec<String> = (0..n).map(|_| taizhang_ledger::new_id(now)).collect();
                let cmds = ids.iter().map(|id| register_cmd(id.clone(), township.0, now)).collect();
                ((if n > 1 { "batch" } else { "register" }).to_string(), township.2.to_string(), ids, cmds)
            }
        };
        writeln!(out, "try {op} {} {}", taizhang_ledger::core::chain::format_instant(now), ids.join(",")).unwrap();
        match ledger.execute_all(&user, &cmds, now) {
            Ok(events) => {
                writeln!(out, "ack {op} {}", events.iter().map(|e| e.id.as_str()).collect::<Vec<_>>().join(","))
                    .unwrap()
            }
            Err(e) => {
                writeln!(out, "err {op} [{}] {e}", e.code()).unwrap();
                std::process::exit(3);
            }
        }
    }
}

fn spawn_worker(db: &Path, seed: u64, checkpoint: u64, stderr: &Path) -> Child {
    Process::new(std::env::current_exe().unwrap())
        .args([&test_name(module_path!(), "crash_child"), "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, db)
        .env(CHILD_SEED, seed.to_string())
        .env(CHILD_CHECKPOINT, checkpoint.to_string())
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(std::fs::File::create(stderr).unwrap()))
        .spawn()
        .unwrap()
}

fn parse_worker_lines(lines: &[String]) -> Result<Acks, String> {
    let mut acks = Acks::default();
    for line in lines {
        let mut parts = line.split(' ');
        match parts.next() {
            Some("try") => {
                let op = parts.next().unwrap_or_default().to_string();
                let at = parts.next().unwrap_or_default().to_string();
                let problems =
                    parts.next().unwrap_or_default().split(',').filter(|s| !s.is_empty()).map(str::to_string).collect();
                acks.in_flight = Some(InFlight { op, problems, occurred_at: Some(at) });
            }
            Some("ack") => {
                parts.next();
                acks.events
                    .extend(parts.next().unwrap_or_default().split(',').filter(|s| !s.is_empty()).map(str::to_string));
                acks.commands += 1;
                acks.in_flight = None;
            }
            Some("err") => return Err(format!("the worker was refused: {line}")),
            _ => {} // the test harness's own lines
        }
    }
    Ok(acks)
}

#[test]
fn a_worker_killed_at_random_moments_loses_nothing_acknowledged() {
    let seed = seed();
    let cycles = cycles();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let image = dir.path().join("image.db");
    let mut known = create_district(&db);
    let mut rng = Rng(seed);
    let mut stats = Stats::default();
    let started = Instant::now();
    let name = "a_worker_killed_at_random_moments_loses_nothing_acknowledged";
    for cycle in 0..cycles {
        // Kill after this many acknowledgements (0: during start-up), then after a random pause
        // of up to 4 ms, which lands inside a transaction most of the time.
        let after_acks = if rng.below(10) == 0 { 0 } else { 1 + rng.below(25) };
        let pause = Duration::from_micros(if after_acks == 0 { rng.below(10_000) } else { rng.below(4_000) });
        let checkpoint = if rng.below(2) == 0 { 8 + rng.below(40) } else { 1000 };
        let stderr = dir.path().join("child.stderr");
        let mut child = spawn_worker(&db, seed ^ (cycle + 1).wrapping_mul(0x1000_0001), checkpoint, &stderr);
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut lines = Vec::new();
        let mut seen = 0;
        while seen < after_acks {
            match rx.recv_timeout(Duration::from_secs(120)) {
                Ok(line) => {
                    seen += u64::from(line.starts_with("ack "));
                    lines.push(line);
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break, // it ended by itself: see below
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    fail(
                        name,
                        seed,
                        cycle,
                        dir,
                        format!("the worker made no progress for 120 s: {}", lines.join("\n")),
                    );
                }
            }
        }
        std::thread::sleep(pause);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        reader.join().unwrap();
        lines.extend(rx.try_iter());
        stats.cycles += 1;
        if status.signal() != Some(9) {
            let err = std::fs::read_to_string(&stderr).unwrap_or_default();
            fail(name, seed, cycle, dir, format!("the worker ended by itself ({status}): {}\n{err}", lines.join("\n")));
        }
        let acks = match parse_worker_lines(&lines) {
            Ok(a) => a,
            Err(e) => fail(name, seed, cycle, dir, e),
        };
        stats.acked += acks.commands;
        if acks.in_flight.is_none() {
            if acks.commands == 0 {
                stats.no_command_started += 1;
            } else {
                stats.between_commands += 1;
            }
        }
        crash_image(&db, &image);
        match check_image(&image, &known, &acks, &mut stats) {
            Ok(k) => known = k,
            Err(e) => fail(name, seed, cycle, dir, e),
        }
    }
    print_stats("worker", seed, &stats, started);
    assert!(stats.acked > cycles, "the worker did some work");
}

// ---------------------------------------------------------------------------------------------
// The CLI: one command per process, killed at a random moment of its short life.

fn cli(db: &Path, user: &str, now: &str, args: &[String]) -> Process {
    let mut c = Process::new(env!("CARGO_BIN_EXE_taizhang"));
    c.env("TAIZHANG_NOW", now).env_remove("TAIZHANG_AS").env_remove("TAIZHANG_DB").env_remove("TAIZHANG_LANG");
    c.arg("--db").arg(db).arg("--as").arg(user).args(args).arg("--json");
    c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    c
}

/// The next CLI command for the state on `conn`: (op, user, args, problem it acts on).
fn next_cli_command(conn: &Connection, rng: &mut Rng) -> (String, String, Vec<String>, Option<String>) {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let roll = rng.below(100);
    let pick = |rng: &mut Rng, status: &str, evaluated: Option<bool>| pick_problem(conn, rng, status, evaluated);
    let chosen = match roll {
        0..35 => None,
        35..50 => pick(rng, "registered", None)
            .map(|(id, n, _)| ("assign", "admin".into(), s(&["assign", &n, "--lead", "工信局"]), id)),
        50..65 => pick(rng, "assigned", None)
            .map(|(id, n, _)| ("sign", "gx".into(), s(&["sign", &n, "--handler", "王工"]), id)),
        65..78 => pick(rng, "in_progress", None)
            .map(|(id, n, _)| ("resolve", "gx".into(), s(&["resolve", &n, "--result", "已落实"]), id)),
        78..90 => pick(rng, "resolved", Some(false)).map(|(id, n, t)| {
            ("evaluate", township_login(&t).into(), s(&["evaluate", &n, "--satisfaction", "满意"]), id)
        }),
        _ => pick(rng, "resolved", Some(true)).map(|(id, n, _)| ("close", "admin".into(), s(&["close", &n]), id)),
    };
    match chosen {
        Some((op, user, args, id)) => (op.to_string(), user, args, Some(id)),
        None => {
            let (enterprise, _, login) = ENTERPRISES[rng.below(2) as usize];
            let args = s(&[
                "register",
                "--enterprise",
                enterprise,
                "--category",
                "用工",
                "--description",
                "招工难，缺少熟练技工",
            ]);
            ("register".into(), login.into(), args, None)
        }
    }
}

#[test]
fn the_cli_killed_at_random_moments_loses_nothing_acknowledged() {
    let seed = seed() ^ 0xC11;
    // A CLI command is short and cheap to check: twice as many.
    let cycles = 2 * cycles();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let image = dir.path().join("image.db");
    let mut known = create_district(&db);
    let mut rng = Rng(seed);
    let mut stats = Stats::default();
    // A CLI command's typical life, from those that finished: the kill lands anywhere in it.
    let mut durations: Vec<Duration> = vec![Duration::from_millis(20)];
    let started = Instant::now();
    let name = "the_cli_killed_at_random_moments_loses_nothing_acknowledged";
    for cycle in 0..cycles {
        crash_image(&db, &image);
        let (op, user, args, subject) = {
            let conn = Connection::open(&image).unwrap();
            next_cli_command(&conn, &mut rng)
        };
        let now = base_time() + chrono::Duration::minutes(cycle as i64 + 1);
        let now_text = taizhang_ledger::core::chain::format_instant(now);
        durations.sort();
        let typical = durations[durations.len() / 2];
        // Every fourth command runs to its end: the measure of a command's life, unbiased by
        // the kills (a killed one says only that it was longer than its delay).
        let delay = if cycle % 4 == 0 {
            Duration::MAX
        } else {
            Duration::from_micros(rng.below(typical.as_micros() as u64 * 13 / 10))
        };
        let spawned = Instant::now();
        let mut child = cli(&db, &user, &now_text, &args).spawn().unwrap();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                if delay == Duration::MAX {
                    durations.push(spawned.elapsed());
                }
                break status;
            }
            if spawned.elapsed() >= delay {
                let _ = child.kill();
                break child.wait().unwrap();
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        let out = child.wait_with_output().unwrap();
        stats.cycles += 1;
        let mut acks = Acks::default();
        if status.success() {
            stats.exited_by_itself += 1;
            acks.commands = 1;
            let v: serde_json::Value = match serde_json::from_slice(&out.stdout) {
                Ok(v) => v,
                Err(e) => fail(
                    name,
                    seed,
                    cycle,
                    dir,
                    format!("{op}: output is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)),
                ),
            };
            if op == "register" {
                acks.problems.push(v["id"].as_str().unwrap().to_string());
            } else {
                acks.events =
                    v["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
            }
        } else if status.signal() == Some(9) {
            acks.in_flight = Some(InFlight {
                op: op.clone(),
                problems: subject.into_iter().collect(),
                occurred_at: Some(now_text.clone()),
            });
        } else {
            fail(
                name,
                seed,
                cycle,
                dir,
                format!("{user} {args:?} failed ({status}): {}", String::from_utf8_lossy(&out.stderr)),
            );
        }
        stats.acked += acks.commands;
        crash_image(&db, &image);
        match check_image(&image, &known, &acks, &mut stats) {
            Ok(k) => known = k,
            Err(e) => fail(name, seed, cycle, dir, format!("{op} as {user}: {e}")),
        }
    }
    durations.sort();
    println!(
        "cli: a command that is not killed takes {:?} (median of {})",
        durations[durations.len() / 2],
        durations.len() - 1
    );
    print_stats("cli", seed, &stats, started);
    // The original, opened where it lies after the last kill, is whole too.
    let l = Ledger::open(&db).unwrap();
    assert!(l.verify().unwrap().ok);
}
