//! History that can be bent (docs/reliability.md): backdated acts, forged events that keep
//! the chain sound, read tables edited and put back, a damaged full-text index. The write path
//! refuses the first; `verify --full` names the event the rules would not have produced for the
//! next three; `rebuild` recreates every read table, the index included.

use std::path::{Path, PathBuf};

use chrono::Duration;
use rusqlite::Connection;
use taizhang_core::*;
use taizhang_ledger::{Ledger, LedgerError};
use taizhang_testsupport::forge::forge;
use taizhang_testsupport::{assign, at, district, register, District};

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    ledger: Ledger,
    d: District,
}

/// A district and problem `p1` in progress (assigned 02-03 to 工信局, signed), urged with a
/// yellow card on 02-28 and a red one on 03-05: the case.
fn urged_problem() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let t0 = at(2026, 2, 2);
    let mut ledger = Ledger::create(&path, t0).unwrap();
    let d = district(&mut ledger, t0);
    register(&mut ledger, &d, "p1", at(2026, 2, 3));
    ledger
        .execute("admin", &Command::Assign { problem_id: "p1".into(), request: assign(&d.dept_a, &[]) }, at(2026, 2, 3))
        .unwrap();
    ledger.execute("gx", &Command::Sign { problem_id: "p1".into(), handler: String::new() }, at(2026, 2, 4)).unwrap();
    for (level, day) in [(Escalation::Yellow, at(2026, 2, 28)), (Escalation::Red, at(2026, 3, 5))] {
        ledger
            .execute("admin", &Command::Urge { problem_id: "p1".into(), level, notice: "请加快办理".into() }, day)
            .unwrap();
    }
    Fixture { _dir: dir, path, ledger, d }
}

fn resolve(problem_id: &str) -> Command {
    Command::Resolve {
        problem_id: problem_id.into(),
        result_type: ResultType::Solved,
        result_text: "已协调解决".into(),
        explanation: String::new(),
        attachments: Vec::new(),
    }
}

fn events(ledger: &Ledger) -> i64 {
    ledger.connection().query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap()
}

fn code(e: LedgerError) -> &'static str {
    e.code()
}

#[test]
fn an_act_dated_before_the_ledgers_history_is_refused_and_writes_nothing() {
    let mut f = urged_problem();
    let before = events(&f.ledger);
    // The case: resolved "on 02-20", after the cards of 02-28 and 03-05.
    let e = f.ledger.execute("gx", &resolve("p1"), at(2026, 2, 20)).unwrap_err();
    assert_eq!(code(e), "event.time_before_history");
    // Any act, not only the problem's: a new registration backdated a day is refused too.
    let e = f
        .ledger
        .execute(
            "cg",
            &Command::Register {
                problem_id: "p2".into(),
                enterprise_id: Some(f.d.enterprise.clone()),
                new_enterprise: None,
                visit_id: None,
                source: Source::Visit,
                category: "用地".into(),
                description: "x".into(),
                demand: String::new(),
                raised_on: taizhang_core::local_date(at(2026, 3, 4)),
                priority: Priority::Normal,
                responsible_leader: String::new(),
                origin: None,
                attachments: Vec::new(),
            },
            at(2026, 3, 4),
        )
        .unwrap_err();
    assert_eq!(code(e), "event.time_before_history");
    assert_eq!(events(&f.ledger), before, "a refused act writes nothing");
    // After the last card, it is recorded.
    f.ledger.execute("gx", &resolve("p1"), at(2026, 3, 6)).unwrap();
}

#[test]
fn jitter_within_the_tolerance_is_recorded_and_shown_by_the_full_verify() {
    let mut f = urged_problem();
    let latest = at(2026, 3, 5);
    // Another problem's act a minute behind the latest event: within the default five.
    register(&mut f.ledger, &f.d, "p2", latest - Duration::seconds(60));
    // But not behind the problem's own latest event, with no tolerance.
    let e = f.ledger.execute("gx", &resolve("p1"), latest - Duration::seconds(30)).unwrap_err();
    assert_eq!(code(e), "event.time_before_problem");
    // Beyond the tolerance, refused.
    let e = f.ledger.execute(
        "admin",
        &Command::Instruct { problem_id: "p2".into(), text: "x".into() },
        latest - Duration::seconds(301),
    );
    assert_eq!(code(e.unwrap_err()), "event.time_before_history");
    let report = f.ledger.verify_full().unwrap();
    assert!(report.ok, "{:?}", report.first_not_admitted);
    assert_eq!(report.clock_behind_count, 1, "the registration: {:?}", report.clock_behind);
    assert_eq!(report.clock_behind[0].seconds, 60);
}

#[test]
fn the_tolerance_is_a_setting() {
    let mut f = urged_problem();
    let mut s = f.ledger.settings().unwrap();
    s.clock_tolerance_seconds = 0;
    f.ledger.execute("admin", &Command::UpdateSettings { settings: s }, at(2026, 3, 6)).unwrap();
    let e = f.ledger.execute(
        "ld",
        &Command::Instruct { problem_id: "p1".into(), text: "x".into() },
        at(2026, 3, 6) - Duration::seconds(1),
    );
    assert_eq!(code(e.unwrap_err()), "event.time_before_history");
}

// ---- forged events ----------------------------------------------------------------------

fn tamper(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    c.execute_batch(
        "DROP TRIGGER IF EXISTS events_append_only_update; DROP TRIGGER IF EXISTS events_append_only_delete;",
    )
    .unwrap();
    c
}

fn user_id(ledger: &Ledger, login: &str) -> String {
    ledger.connection().query_row("SELECT id FROM users WHERE login = ?1", [login], |r| r.get(0)).unwrap()
}

#[test]
fn a_close_by_a_user_who_does_not_exist_dated_25_years_back_is_named() {
    let f = urged_problem();
    let device = f.ledger.device_id().to_string();
    let seq = forge(
        &tamper(&f.path),
        None,
        &device,
        "nobody",
        at(2001, 3, 1),
        &EventBody::Closed { problem_id: "p1".into(), note: String::new() },
    );
    let ledger = Ledger::open(&f.path).unwrap();
    assert!(ledger.verify().unwrap().ok, "the chain alone cannot tell");
    let report = ledger.verify_full().unwrap();
    assert!(!report.ok);
    let n = report.first_not_admitted.expect("named");
    assert_eq!((n.seq, n.kind.as_str(), n.verdict.as_str()), (seq, "closed", "refused"));
    assert_eq!(n.error.code(), "not_found");
    // Dated 25 years back, by a user who exists: the time rule names it.
    drop(ledger);
    let f = urged_problem();
    let admin = user_id(&f.ledger, "admin");
    forge(
        &tamper(&f.path),
        None,
        &device_of(&f),
        &admin,
        at(2001, 3, 1),
        &EventBody::Closed { problem_id: "p1".into(), note: String::new() },
    );
    let report = Ledger::open(&f.path).unwrap().verify_full().unwrap();
    assert_eq!(report.first_not_admitted.unwrap().error.code(), "event.time_before_history");
    // Dated now, by the office, on an item still in progress: the state did not allow it.
    let f = urged_problem();
    forge(
        &tamper(&f.path),
        None,
        &device_of(&f),
        &admin_of(&f),
        at(2026, 3, 6),
        &EventBody::Closed { problem_id: "p1".into(), note: String::new() },
    );
    let n = Ledger::open(&f.path).unwrap().verify_full().unwrap().first_not_admitted.unwrap();
    assert_eq!((n.verdict.as_str(), n.error.code()), ("no_effect", "workflow.invalid_state"));
}

fn device_of(f: &Fixture) -> String {
    f.ledger.device_id().to_string()
}

fn admin_of(f: &Fixture) -> String {
    user_id(&f.ledger, "admin")
}

#[test]
fn a_township_user_making_itself_office_is_named() {
    let f = urged_problem();
    let cg = user_id(&f.ledger, "cg");
    let body = EventBody::UserUpdated {
        user_id: cg.clone(),
        name: "张镇街".into(),
        unit_id: f.d.township.clone(),
        role: Role::Office,
        active: true,
    };
    let seq = forge(&tamper(&f.path), None, &device_of(&f), &cg, at(2026, 3, 6), &body);
    let mut ledger = Ledger::open(&f.path).unwrap();
    assert!(ledger.verify().unwrap().ok);
    let n = ledger.verify_full().unwrap().first_not_admitted.unwrap();
    assert_eq!((n.seq, n.error.code()), (seq, "auth.forbidden"));
    // The rebuild applies it (the read tables follow the events), which is why the full
    // verify is the check that matters.
    ledger.rebuild().unwrap();
}

#[test]
fn events_inserted_in_the_middle_under_a_new_device_are_named() {
    let f = urged_problem();
    let heads = f.ledger.verify().unwrap().chains;
    // Before the yellow card (02-28), someone inserts a close by the office, under a device
    // of their own, and moves the later events on.
    let card: i64 =
        f.ledger.connection().query_row("SELECT min(seq) FROM events WHERE kind = 'urged'", [], |r| r.get(0)).unwrap();
    let admin = admin_of(&f);
    let c = tamper(&f.path);
    c.execute("UPDATE events SET seq = seq + 1000000 WHERE seq >= ?1", [card]).unwrap();
    let forged = forge(
        &c,
        Some(card),
        "device-of-the-forger",
        &admin,
        at(2026, 2, 27),
        &EventBody::Closed { problem_id: "p1".into(), note: "已办结".into() },
    );
    drop(c);
    let ledger = Ledger::open(&f.path).unwrap();
    let plain = ledger.verify().unwrap();
    assert!(plain.ok, "each device chain is sound");
    assert!(heads.iter().all(|h| plain.chains.contains(h)), "the original head is unchanged");
    let n = ledger.verify_full().unwrap().first_not_admitted.unwrap();
    assert_eq!((n.seq, n.device_id.as_str()), (forged, "device-of-the-forger"));
    assert_eq!(n.error.code(), "workflow.invalid_state");
}

#[test]
fn a_read_table_edited_and_put_back_does_not_launder_an_act() {
    let mut f = urged_problem();
    let admin = admin_of(&f);
    // A township user is made office in the read table, acts, and the table is put back.
    let c = Connection::open(&f.path).unwrap();
    c.execute("UPDATE users SET role = 'office' WHERE login = 'cg'", []).unwrap();
    let hash = taizhang_ledger::password::hash_password("taken-over").unwrap();
    f.ledger
        .execute("cg", &Command::SetPassword { user_id: admin.clone(), password_hash: Some(hash) }, at(2026, 3, 6))
        .unwrap();
    c.execute("UPDATE users SET role = 'township' WHERE login = 'cg'", []).unwrap();
    drop(c);
    assert!(f.ledger.verify().unwrap().ok);
    assert!(f.ledger.rebuild().unwrap().equal, "the tables as the events make them are the tables as they are");
    let n = f.ledger.verify_full().unwrap().first_not_admitted.expect("the full verify names the act");
    assert_eq!((n.kind.as_str(), n.actor.as_str()), ("password_set", user_id(&f.ledger, "cg").as_str()));
    assert_eq!((n.verdict.as_str(), n.error.code()), ("refused", "auth.forbidden"));
}

#[test]
fn a_damaged_search_index_is_rebuilt() {
    let mut f = urged_problem();
    register(&mut f.ledger, &f.d, "p2", at(2026, 3, 6));
    let c = Connection::open(&f.path).unwrap();
    // The index's structure record: reading or emptying the index then fails as malformed.
    c.execute("UPDATE problem_search_data SET block = x'deadbeef' WHERE id = 1", []).unwrap();
    drop(c);
    let report = f.ledger.rebuild().unwrap();
    assert!(!report.equal);
    assert!(report.differing_tables.contains(&"problem_search".to_string()), "{:?}", report.differing_tables);
    // The index works again and equals a fresh fold.
    let hits = f.ledger.connection().query_row(
        "SELECT count(*) FROM problem_search WHERE problem_search MATCH '用地指标'",
        [],
        |r| r.get::<_, i64>(0),
    );
    assert_eq!(hits.unwrap(), 2);
    assert!(f.ledger.rebuild().unwrap().equal);
    f.ledger.connection().execute("INSERT INTO problem_search(problem_search) VALUES ('integrity-check')", []).unwrap();
}

#[test]
fn the_demo_district_passes_the_full_verify() {
    use taizhang_testsupport::demo::{self, DemoOptions};
    let opts = DemoOptions { problems: 120, seed: 7, end: at(2026, 6, 15), days: 90, monitoring: true };
    let mut ledger = Ledger::create_in_memory(opts.start()).unwrap();
    demo::generate(&mut ledger, &opts);
    let report = ledger.verify_full().unwrap();
    assert!(report.ok, "{:?}", report.first_not_admitted);
    assert_eq!(report.replayed, report.chain.events);
}
