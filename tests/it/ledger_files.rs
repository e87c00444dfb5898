//! The ledger on real files: the whole workflow, append-only events, tamper detection,
//! rebuild, refusals that leave the file untouched, and foreign or newer files.

use std::path::Path;

use rusqlite::Connection;
use taizhang_core::command::ReturnRuling;
use taizhang_core::*;
use taizhang_ledger::{Ledger, LedgerError, PageRequest, ProblemFilter, Sort};
use taizhang_testsupport::*;

fn new_ledger(dir: &Path) -> (Ledger, District) {
    taizhang_testsupport::ledger::district_ledger(&dir.join("t.db"))
}

fn file_bytes(path: &Path) -> Vec<u8> {
    let mut all = std::fs::read(path).unwrap_or_default();
    for ext in ["-wal", "-shm"] {
        all.extend(std::fs::read(format!("{}{ext}", path.display())).unwrap_or_default());
    }
    all
}

#[test]
fn a_problem_lives_its_whole_life_on_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let (mut l, d) = new_ledger(dir.path());
    let p = register(&mut l, &d, "p1", at(2026, 3, 2));
    assert_eq!(l.problem("p1").unwrap().number, "2026-城关-0001");
    l.execute(
        "admin",
        &Command::Assign { problem_id: p.clone(), request: assign(&d.dept_a, &[&d.dept_b]) },
        at(2026, 3, 2),
    )
    .unwrap();
    let a = l.problem(&p).unwrap().assignment.unwrap();
    assert_eq!(a.sign_deadline, date(2026, 3, 3));
    assert_eq!(a.handling_deadline, date(2026, 3, 23), "15 working days after Mon 2026-03-02");
    l.execute(
        "gx",
        &Command::Return {
            problem_id: p.clone(),
            reason: "属自然资源局职责".into(),
            proposed_unit_id: d.dept_b.clone(),
        },
        at(2026, 3, 3),
    )
    .unwrap();
    assert_eq!(l.problem(&p).unwrap().status, Status::Disputed);
    l.execute(
        "admin",
        &Command::RuleReturn { problem_id: p.clone(), ruling: ReturnRuling::Uphold, note: "维持交办".into() },
        at(2026, 3, 3),
    )
    .unwrap();
    let after = l.problem(&p).unwrap();
    assert_eq!(after.status, Status::Assigned);
    assert_eq!(
        after.assignment.as_ref().unwrap().handling_deadline,
        date(2026, 3, 23),
        "upholding does not move the deadline"
    );
    l.execute("gx", &Command::Sign { problem_id: p.clone(), handler: "王五".into() }, at(2026, 3, 4)).unwrap();
    l.execute("zr", &Command::SubmitOpinion { problem_id: p.clone(), opinion: "可调剂指标".into() }, at(2026, 3, 5))
        .unwrap();
    l.execute(
        "gx",
        &Command::RequestExtension {
            problem_id: p.clone(),
            new_deadline: date(2026, 4, 3),
            reason: "需市级审批".into(),
        },
        at(2026, 3, 10),
    )
    .unwrap();
    l.execute(
        "admin",
        &Command::RuleExtension { problem_id: p.clone(), approve: true, note: String::new() },
        at(2026, 3, 10),
    )
    .unwrap();
    let a = l.problem(&p).unwrap().assignment.unwrap();
    assert_eq!((a.original_deadline, a.handling_deadline), (date(2026, 3, 23), date(2026, 4, 3)));
    let resolve = Command::Resolve {
        problem_id: p.clone(),
        result_type: ResultType::Solved,
        result_text: "已落实用地指标".into(),
        explanation: String::new(),
        attachments: Vec::new(),
    };
    l.execute("gx", &resolve, at(2026, 3, 20)).unwrap();
    l.execute(
        "cg",
        &Command::Evaluate {
            problem_id: p.clone(),
            satisfaction: Satisfaction::Unsatisfied,
            comment: "指标面积不足".into(),
            attachments: Vec::new(),
        },
        at(2026, 3, 23),
    )
    .unwrap();
    let reopened = l.problem(&p).unwrap();
    assert_eq!((reopened.status, reopened.reopen_count), (Status::InProgress, 1));
    l.execute("gx", &resolve, at(2026, 3, 27)).unwrap();
    l.execute(
        "cg",
        &Command::Evaluate {
            problem_id: p.clone(),
            satisfaction: Satisfaction::Satisfied,
            comment: String::new(),
            attachments: Vec::new(),
        },
        at(2026, 3, 30),
    )
    .unwrap();
    l.execute("admin", &Command::Close { problem_id: p.clone(), note: String::new() }, at(2026, 3, 30)).unwrap();
    assert_eq!(l.problem(&p).unwrap().status, Status::Closed);

    let timeline = l.timeline(&p).unwrap();
    let kinds: Vec<String> = timeline.iter().map(|e| e.event.to_parts().0).collect();
    assert_eq!(
        kinds,
        [
            "problem_registered",
            "assigned",
            "returned",
            "return_upheld",
            "signed",
            "opinion_submitted",
            "extension_requested",
            "extension_ruled",
            "resolved",
            "evaluated",
            "resolved",
            "evaluated",
            "closed"
        ]
    );
    assert_eq!(timeline[2].actor_name, "王工信");
    assert!(l.verify().unwrap().ok);
    drop(l);
    // Reopen the file: everything is still there and still verifies.
    let mut l = Ledger::open(&dir.path().join("t.db")).unwrap();
    assert!(l.verify().unwrap().ok);
    let r = l.rebuild().unwrap();
    assert!(r.equal, "{:?}", r.differing_tables);
}

#[test]
fn events_are_append_only() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = new_ledger(dir.path());
    let conn = l.connection();
    let upd = conn.execute("UPDATE events SET actor = 'x' WHERE seq = 1", []);
    assert!(upd.unwrap_err().to_string().contains("append-only"));
    let del = conn.execute("DELETE FROM events WHERE seq = 1", []);
    assert!(del.unwrap_err().to_string().contains("append-only"));
}

fn tamper(path: &Path, sql: &str) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch("DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete;").unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn verify_names_the_first_tampered_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let (mut l, d) = new_ledger(dir.path());
    let p = register(&mut l, &d, "p1", at(2026, 3, 2));
    l.execute("admin", &Command::Assign { problem_id: p.clone(), request: assign(&d.dept_a, &[]) }, at(2026, 3, 2))
        .unwrap();
    let target: i64 =
        l.connection().query_row("SELECT seq FROM events WHERE kind = 'problem_registered'", [], |r| r.get(0)).unwrap();
    let total: i64 = l.connection().query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap();
    assert!(l.verify().unwrap().ok);
    drop(l);

    // Rewrite the description of the registration, as someone with sqlite3 would.
    tamper(&path, &format!("UPDATE events SET payload = replace(payload, '二期', '三期') WHERE seq = {target}"));
    let report = Ledger::open(&path).unwrap().verify().unwrap();
    assert!(!report.ok);
    let b = report.first_break.unwrap();
    assert_eq!(b.seq, target);
    assert!(b.reason.contains("hash"), "{}", b.reason);

    // Recomputing that event's hash moves the break to the next link.
    let dir2 = tempfile::tempdir().unwrap();
    let path2 = dir2.path().join("t.db");
    let (mut l, d) = new_ledger(dir2.path());
    register(&mut l, &d, "p1", at(2026, 3, 2));
    drop(l);
    tamper(&path2, "UPDATE events SET hash = '00' || substr(hash, 3) WHERE seq = 3");
    let b = Ledger::open(&path2).unwrap().verify().unwrap().first_break.unwrap();
    assert_eq!(b.seq, 3, "the changed hash no longer matches the content");

    // Deleting an event in the middle breaks the sequence at the next one.
    let dir3 = tempfile::tempdir().unwrap();
    let path3 = dir3.path().join("t.db");
    let (mut l, d) = new_ledger(dir3.path());
    register(&mut l, &d, "p1", at(2026, 3, 2));
    drop(l);
    tamper(&path3, "DELETE FROM events WHERE seq = 5");
    let b = Ledger::open(&path3).unwrap().verify().unwrap().first_break.unwrap();
    assert_eq!(b.seq, 6);
    assert!(b.reason.contains("sequence"), "{}", b.reason);
    assert!(total > 6);
}

#[test]
fn a_refused_command_leaves_the_file_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let (mut l, d) = new_ledger(dir.path());
    let p = register(&mut l, &d, "p1", at(2026, 3, 2));
    l.connection().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    let before = file_bytes(&path);
    let attempts = [
        ("gx", Command::Sign { problem_id: p.clone(), handler: String::new() }, "auth.forbidden"),
        ("admin", Command::Close { problem_id: p.clone(), note: String::new() }, "workflow.invalid_state"),
        ("cg", Command::Assign { problem_id: p.clone(), request: assign(&d.dept_a, &[]) }, "auth.forbidden"),
        (
            "admin",
            Command::Assign { problem_id: p.clone(), request: assign(&d.dept_a, &[&d.dept_a]) },
            "assign.supporter_is_lead",
        ),
        ("admin", Command::Assign { problem_id: "nope".into(), request: assign(&d.dept_a, &[]) }, "not_found"),
        ("xs", Command::RequestWithdrawal { problem_id: p.clone(), reason: "x".into() }, "auth.forbidden"),
        ("cg", Command::RequestWithdrawal { problem_id: p.clone(), reason: "  ".into() }, "input.required"),
    ];
    for (user, cmd, code) in attempts {
        let err = l.execute(user, &cmd, at(2026, 3, 2)).unwrap_err();
        assert_eq!(err.code(), code, "{user} {cmd:?}: {err}");
    }
    let err = l.execute("nobody", &Command::Close { problem_id: p, note: String::new() }, at(2026, 3, 2)).unwrap_err();
    assert!(matches!(err, LedgerError::UnknownUser(_)));
    assert_eq!(file_bytes(&path), before, "refused commands must not write");
}

#[test]
fn foreign_empty_and_newer_files_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let check = |path: &Path, code: &str| {
        let before = std::fs::read(path).unwrap();
        let err = Ledger::open(path).err().expect("must be refused");
        assert_eq!(err.code(), code, "{}: {err}", path.display());
        assert_eq!(std::fs::read(path).unwrap(), before, "{} was changed", path.display());
    };
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "企业问题台账\n".repeat(50)).unwrap();
    check(&text, "ledger.not_a_ledger");
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    check(&empty, "ledger.not_a_ledger");
    let other = dir.path().join("other.sqlite");
    Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    check(&other, "ledger.not_a_ledger");
    let truncated = dir.path().join("truncated.db");
    std::fs::write(&truncated, b"SQLite format 3\0abc").unwrap();
    check(&truncated, "ledger.not_a_ledger");

    let newer = dir.path().join("newer.db");
    {
        let l = Ledger::create(&newer, at(2026, 3, 2)).unwrap();
        l.connection()
            .execute_batch("PRAGMA user_version = 99; PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
            .unwrap();
    }
    check(&newer, "ledger.newer_version");
    assert_eq!(Ledger::open(&dir.path().join("missing.db")).err().unwrap().code(), "ledger.no_such_file");
    assert_eq!(Ledger::create(&text, at(2026, 3, 2)).err().unwrap().code(), "ledger.already_exists");
}

#[test]
fn search_finds_chinese_text_of_any_length() {
    let dir = tempfile::tempdir().unwrap();
    let (mut l, d) = new_ledger(dir.path());
    register(&mut l, &d, "p1", at(2026, 3, 2));
    let find = |l: &Ledger, text: &str| {
        let f = ProblemFilter { text: Some(text.into()), ..Default::default() };
        l.list_problems(&f, Sort::default(), PageRequest::default(), at(2026, 3, 2)).unwrap().total
    };
    for hit in ["用地指标", "恒达精密", "二期投产", "厂房", "地", "2026-城关", "恒达"] {
        assert_eq!(find(&l, hit), 1, "{hit}");
    }
    for miss in ["贷款", "融资难", "%", "_", "\"", "' OR 1=1 --"] {
        assert_eq!(find(&l, miss), 0, "{miss}");
    }
    // Renaming the enterprise updates what search sees.
    let mut e = l.find_enterprise(&d.enterprise).unwrap().unwrap();
    e.name = "示范区宏远机械有限公司".into();
    l.execute("admin", &Command::UpdateEnterprise { enterprise: e }, at(2026, 3, 2)).unwrap();
    assert_eq!(find(&l, "宏远机械"), 1);
    assert_eq!(find(&l, "恒达精密"), 0);
    assert!(l.rebuild().unwrap().equal);
    // Search rows are written when the transaction ends: a problem registered and its
    // enterprise renamed in one batch is found by the new name only.
    let mut e = l.find_enterprise(&d.enterprise).unwrap().unwrap();
    e.name = "示范区瑞丰食品有限公司".into();
    let register = Command::Register {
        problem_id: "p2".into(),
        enterprise_id: Some(d.enterprise.clone()),
        new_enterprise: None,
        visit_id: None,
        source: Source::Visit,
        category: "用工".into(),
        description: "旺季缺少熟练工人".into(),
        demand: "协助招工".into(),
        raised_on: taizhang_core::local_date(at(2026, 3, 3)),
        priority: Priority::Normal,
        responsible_leader: String::new(),
        origin: None,
        attachments: Vec::new(),
    };
    l.execute_all("admin", &[register, Command::UpdateEnterprise { enterprise: e }], at(2026, 3, 3)).unwrap();
    assert_eq!(find(&l, "瑞丰食品"), 2);
    assert_eq!(find(&l, "宏远机械"), 0);
    assert_eq!(find(&l, "熟练工人"), 1);
    assert!(l.rebuild().unwrap().equal);
}

#[test]
fn inbox_and_filters_follow_the_core() {
    let dir = tempfile::tempdir().unwrap();
    let (mut l, d) = new_ledger(dir.path());
    // Acts are recorded in time order (an act dated before the ledger's history is refused).
    for i in 0..4 {
        let p = register(&mut l, &d, &format!("p{i}"), at(2026, 3, 2));
        l.execute(
            "admin",
            &Command::Assign { problem_id: p.clone(), request: assign(&d.dept_a, &[&d.dept_c]) },
            at(2026, 3, 2),
        )
        .unwrap();
    }
    for i in 1..4 {
        l.execute("gx", &Command::Sign { problem_id: format!("p{i}"), handler: String::new() }, at(2026, 3, 3))
            .unwrap();
    }
    let now = at(2026, 3, 25); // after the 2026-03-23 deadline
    let inbox = l.inbox(&d.dept_a, now).unwrap();
    assert_eq!((inbox.to_sign.len(), inbox.to_handle.len(), inbox.overdue.len()), (1, 3, 4));
    assert!(inbox.to_sign[0].lateness.sign_overdue);
    assert_eq!(l.inbox(&d.dept_c, now).unwrap().supporter_tasks.len(), 4);
    // The SQL level filter agrees with the core's level on every row.
    for level in Escalation::ALL {
        let f = ProblemFilter { escalation: Some(*level), ..Default::default() };
        let page = l.list_problems(&f, Sort::default(), PageRequest::default(), now).unwrap();
        assert!(page.rows.iter().all(|r| r.lateness.level == *level));
    }
    let yellow = ProblemFilter { escalation: Some(Escalation::Yellow), ..Default::default() };
    assert_eq!(l.list_problems(&yellow, Sort::default(), PageRequest::default(), now).unwrap().total, 3);
    let red = ProblemFilter { escalation: Some(Escalation::Red), ..Default::default() };
    assert_eq!(
        l.list_problems(&red, Sort::default(), PageRequest::default(), now).unwrap().total,
        1,
        "unsigned for 16 WD"
    );
}

#[test]
fn allowed_actions_are_asked_of_the_core() {
    let dir = tempfile::tempdir().unwrap();
    let (mut l, d) = new_ledger(dir.path());
    let p = register(&mut l, &d, "p1", at(2026, 3, 2));
    l.execute(
        "admin",
        &Command::Assign { problem_id: p.clone(), request: assign(&d.dept_a, &[&d.dept_b]) },
        at(2026, 3, 2),
    )
    .unwrap();
    let allowed = |who: &str| -> Vec<Action> {
        l.problem_detail(&p, Some(who), at(2026, 3, 2))
            .unwrap()
            .actions
            .into_iter()
            .filter(|a| a.allowed)
            .map(|a| a.action)
            .collect()
    };
    assert_eq!(allowed("gx"), [Action::Sign, Action::Return]);
    assert_eq!(allowed("zr"), [Action::Acknowledge, Action::NoteProgress, Action::SubmitOpinion]);
    assert_eq!(allowed("rs"), []);
    assert_eq!(allowed("ld"), [Action::Instruct]);
    assert!(allowed("admin").contains(&Action::Urge));
    assert!(!allowed("admin").contains(&Action::Sign));
}

#[test]
fn passwords_are_argon2_and_checked_at_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let (mut l, _) = new_ledger(dir.path());
    assert!(l.sign_in("cg", None).is_ok(), "no password set yet");
    let hash = taizhang_ledger::password::hash_password("镇街密码123").unwrap();
    let uid = l.actor("cg").unwrap().user.id;
    l.execute("cg", &Command::SetPassword { user_id: uid, password_hash: Some(hash) }, at(2026, 3, 2)).unwrap();
    assert_eq!(l.sign_in("cg", None).unwrap_err().code(), "auth.bad_password");
    assert_eq!(l.sign_in("cg", Some("wrong")).unwrap_err().code(), "auth.bad_password");
    assert!(l.sign_in("cg", Some("镇街密码123")).is_ok());
    let stored: String =
        l.connection().query_row("SELECT password_hash FROM users WHERE login = 'cg'", [], |r| r.get(0)).unwrap();
    assert!(stored.starts_with("$argon2id$"));
}

/// The list builds its rows from the projection's columns, not from the aggregates: on the
/// demo district, at several "now"s, every row must equal what the aggregate itself says
/// (supporters in assignment order, deadlines, pending requests, and the core's lateness).
#[test]
fn list_rows_equal_their_aggregates() {
    use taizhang_core::escalation::lateness;
    use taizhang_testsupport::demo::{self, DemoOptions};
    let dir = tempfile::tempdir().unwrap();
    let end = at(2026, 11, 30);
    let opts = DemoOptions { problems: 300, seed: 7, end, days: 200, monitoring: true };
    let mut l = Ledger::create(&dir.path().join("demo.db"), opts.start()).unwrap();
    demo::generate(&mut l, &opts);
    let (cal, settings) = (l.calendar().unwrap(), l.settings().unwrap());
    let names: std::collections::HashMap<String, String> =
        l.units().unwrap().into_iter().map(|u| (u.id, u.name)).collect();
    let all = PageRequest { offset: 0, limit: 1000 };
    let mut late_seen = 0;
    for now in [at(2026, 6, 1), at(2026, 9, 15), end, at(2027, 2, 1)] {
        let page = l.list_problems(&ProblemFilter::default(), Sort::default(), all, now).unwrap();
        assert_eq!(page.rows.len(), 300);
        for row in &page.rows {
            let p = l.problem(&row.id).unwrap();
            let a = p.assignment.as_ref();
            assert_eq!(row.lateness, lateness(&p, local_date(now), &cal, &settings), "{}", p.number);
            late_seen += row.lateness.handling_overdue as u32;
            let supporters: Vec<String> =
                a.map(|a| a.supporters.iter().map(|s| names[&s.unit_id].clone()).collect()).unwrap_or_default();
            assert_eq!(row.supporter_names, supporters, "{}", p.number);
            assert_eq!(
                (row.sign_deadline, row.handling_deadline),
                (a.map(|a| a.sign_deadline), a.map(|a| a.handling_deadline))
            );
            assert_eq!(row.lead_unit_name.as_deref(), a.map(|a| names[&a.lead_unit_id].as_str()));
            assert_eq!(row.registered_on, local_date(p.registered_at));
            assert_eq!(
                (row.status, row.priority, &row.category, &row.description),
                (p.status, p.priority, &p.category, &p.description)
            );
            assert_eq!(
                (row.extension_pending, row.withdrawal_pending),
                (p.pending_extension().is_some(), p.pending_withdrawal.is_some())
            );
            assert_eq!(row.reopen_count, p.reopen_count);
            // The three levels and the callback, as the aggregate holds them.
            assert_eq!(row.responsible_leader, p.responsible_leader);
            assert_eq!(row.handler.as_deref(), a.map(|a| a.handler.as_str()).filter(|h| !h.is_empty()));
            assert_eq!(row.evaluated, p.evaluation.is_some(), "{}", p.number);
        }
    }
    assert!(late_seen > 0, "the demo has overdue problems to compare");

    // The export reads the same columns, and the result from its own.
    struct Rows(Vec<taizhang_ledger::ExportRow>);
    impl taizhang_ledger::RowSink for Rows {
        type Error = LedgerError;
        fn begin(&mut self, _: u64, _: &[taizhang_ledger::ChainHead]) -> Result<(), LedgerError> {
            Ok(())
        }
        fn row(&mut self, row: taizhang_ledger::ExportRow) -> Result<(), LedgerError> {
            self.0.push(row);
            Ok(())
        }
    }
    let mut rows = Rows(vec![]);
    l.export_rows(&ProblemFilter::default(), Sort::default(), end, &mut rows).unwrap();
    assert_eq!(rows.0.len(), 300);
    let mut results_seen = 0;
    for row in &rows.0 {
        let p = l.problem(&row.id).unwrap();
        let a = p.assignment.as_ref();
        let result = p.resolved_at.and(p.resolutions.last());
        results_seen += result.is_some() as u32;
        assert_eq!(row.lateness, lateness(&p, local_date(end), &cal, &settings), "{}", p.number);
        assert_eq!(row.result_type, result.map(|r| r.result_type));
        assert_eq!(row.result_text, result.map(|r| r.result_text.clone()));
        assert_eq!(row.result_explanation, result.map(|r| r.explanation.clone()).filter(|e| !e.is_empty()));
        assert_eq!(row.satisfaction, p.evaluation);
        assert_eq!(row.assigned_on, a.map(|a| local_date(a.assigned_at)));
        assert_eq!(row.handler, a.map(|a| a.handler.clone()).filter(|h| !h.is_empty()));
        assert_eq!(
            (row.signed_on, row.resolved_on, row.closed_on),
            (p.signed_at.map(local_date), p.resolved_at.map(local_date), p.closed_at.map(local_date))
        );
        assert_eq!(
            (row.source, row.priority, row.raised_on, row.urge_count),
            (p.source, p.priority, p.raised_on, p.urges.len() as u32)
        );
        assert_eq!((&row.demand, &row.responsible_leader), (&p.demand, &p.responsible_leader));
        let supporters: Vec<String> =
            a.map(|a| a.supporters.iter().map(|s| names[&s.unit_id].clone()).collect()).unwrap_or_default();
        assert_eq!(row.supporter_names, supporters);
        assert_eq!(row.lead_unit_name.as_deref(), a.map(|a| names[&a.lead_unit_id].as_str()));
    }
    assert!(results_seen > 50, "the demo has resolved problems to compare");
}

/// Migration 03 moves every aggregate out of `problems` into `problem_states`. A version-2
/// file is made from a demo ledger by the reverse steps; opening it must migrate it with
/// every problem, list row and the chain as they were, and a rebuild must agree.
#[test]
fn a_version_2_file_is_migrated_with_nothing_lost() {
    use taizhang_testsupport::demo::{self, DemoOptions};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    let end = at(2026, 11, 30);
    // A version-2 file held no monitoring events and no paired leaders: the district as it was.
    let opts = DemoOptions { problems: 120, seed: 11, end, days: 120, monitoring: false };
    let (problems, page) = {
        let mut l = Ledger::create(&path, opts.start()).unwrap();
        demo::generate(&mut l, &opts);
        let page = l
            .list_problems(&ProblemFilter::default(), Sort::default(), PageRequest { offset: 0, limit: 1000 }, end)
            .unwrap();
        let problems: Vec<Problem> = page.rows.iter().map(|r| l.problem(&r.id).unwrap()).collect();
        crate::compact::back_to_version_13(&path, &l.all_problems().unwrap());
        (problems, page)
    };
    let c = Connection::open(&path).unwrap();
    c.execute_batch(
        "ALTER TABLE problems ADD COLUMN state TEXT NOT NULL DEFAULT '';
         UPDATE problems SET state = (SELECT state FROM problem_states s WHERE s.problem_id = problems.id);
         DROP TABLE problem_states;
         DROP INDEX problems_township_status; DROP INDEX problems_lead_status; DROP INDEX problems_registered_at;
         CREATE INDEX problems_lead ON problems (lead_unit_id, status);
         ALTER TABLE problems DROP COLUMN result_type; ALTER TABLE problems DROP COLUMN result_text;
         ALTER TABLE problems DROP COLUMN result_explanation;
         DROP TABLE figure_counts; DROP INDEX problem_supporters_open;
         ALTER TABLE problem_supporters DROP COLUMN clock_runs;
         DROP INDEX problems_status; CREATE INDEX problems_status ON problems (status, handling_deadline);
         DROP TABLE replica_events; DROP TABLE replica;
         DROP TABLE problem_origins; DROP TABLE warning_actions; DROP TABLE warnings;
         DROP TABLE project_progress; DROP TABLE projects; DROP TABLE production_reports;
         DROP TABLE indicator_reports;
         DROP TABLE parked_bundles; ALTER TABLE enterprises DROP COLUMN paired_leader;
         DROP TABLE documents; DROP TABLE attachments; DROP TABLE notice_marks;
         PRAGMA user_version = 2;",
    )
    .unwrap();
    drop(c);

    let mut l = Ledger::open(&path).unwrap();
    let version: i64 = l.connection().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, taizhang_ledger::SCHEMA_VERSION);
    let again = l
        .list_problems(&ProblemFilter::default(), Sort::default(), PageRequest { offset: 0, limit: 1000 }, end)
        .unwrap();
    assert_eq!(again, page);
    let migrated: Vec<Problem> = again.rows.iter().map(|r| l.problem(&r.id).unwrap()).collect();
    assert_eq!(migrated, problems);
    assert!(l.verify().unwrap().ok);
    assert!(l.rebuild().unwrap().equal, "the migrated projections are what the events give");
}

/// The scorecard and the dashboard read the `figure_counts` projection and the open
/// problems' columns. They must equal the core's figures over every aggregate for any period
/// and any moment, on the file as the workflow left it, after a rebuild, and after the table
/// is filled again from the aggregates (what migration 05 does).
#[test]
fn figures_from_the_counts_equal_the_figures_over_aggregates() {
    use taizhang_testsupport::demo::{self, DemoOptions};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.db");
    let end = at(2026, 11, 30);
    let opts = DemoOptions { problems: 400, seed: 3, end, days: 240, monitoring: true };
    let mut l = Ledger::create(&path, opts.start()).unwrap();
    demo::generate(&mut l, &opts);
    let compare = |l: &Ledger, stage: &str| {
        let mut resolved = 0;
        for period in ["2026", "2026-Q2", "2026-07", "2026-09-中旬", "2026-04-03..2026-10-17", "2025"] {
            let p = l.period(period).unwrap();
            for now in [end, at(2026, 8, 1), at(2027, 2, 1)] {
                let counted = l.scorecard(&p, now).unwrap();
                assert_eq!(counted, l.scorecard_of_aggregates(&p, now).unwrap(), "{stage}: {period} at {now}");
                resolved += counted.summary.resolved;
            }
        }
        assert!(resolved > 300, "{stage}: the demo resolves problems ({resolved})");
        let p = l.period("2026").unwrap();
        let problems: Vec<Problem> = l.all_problems().unwrap();
        assert_eq!(
            l.dashboard(&p, end).unwrap().trend,
            taizhang_core::figures::monthly_trend(&problems, end, 12),
            "{stage}"
        );
        // The report: its category sheet and overdue list, against the same over aggregates.
        let (cal, settings) = (l.calendar().unwrap(), l.settings().unwrap());
        let mut overdue_seen = 0;
        for (period, now) in [("2026-Q3", end), ("2026-10", at(2026, 8, 1)), ("2026", at(2027, 2, 1))] {
            let p = l.period(period).unwrap();
            let report = l.report(&p, now).unwrap();
            let expected = taizhang_core::figures::category_breakdown(&problems, &p, now, &cal, &settings);
            assert_eq!(report.categories, expected, "{stage}: categories of {period} at {now}");
            let today = local_date(now);
            let mut late: Vec<(String, bool, bool, taizhang_core::Escalation)> = problems
                .iter()
                .map(|q| (q, taizhang_core::escalation::lateness(q, today, &cal, &settings)))
                .filter(|(_, z)| z.sign_overdue || z.handling_overdue)
                .map(|(q, z)| (q.id.clone(), z.sign_overdue, z.handling_overdue, z.level))
                .collect();
            let mut listed: Vec<_> = report
                .overdue
                .iter()
                .map(|o| (o.problem_id.clone(), o.sign_overdue, o.handling_overdue, o.level))
                .collect();
            late.sort();
            listed.sort();
            assert_eq!(listed, late, "{stage}: overdue list at {now}");
            overdue_seen += listed.len();
        }
        assert!(overdue_seen > 20, "{stage}: the demo has overdue problems ({overdue_seen})");
    };
    compare(&l, "as written");
    let counts = taizhang_ledger::figure_counts::all_counts(l.connection()).unwrap();
    assert!(counts.len() > 500, "the projection has rows ({})", counts.len());
    assert!(l.rebuild().unwrap().equal, "a rebuild gives the same counts");
    drop(l);
    let c = Connection::open(&path).unwrap();
    c.execute_batch("DELETE FROM figure_counts; INSERT INTO meta (key, value) VALUES ('figure_counts', 'to_fill');")
        .unwrap();
    drop(c);
    let l = Ledger::open(&path).unwrap();
    assert_eq!(
        taizhang_ledger::figure_counts::all_counts(l.connection()).unwrap(),
        counts,
        "filled from the aggregates"
    );
    compare(&l, "filled");
}

/// A search matching many problems, newest first, walks the registration index instead of
/// sorting every match. Whichever way the page is found, it must be the same page: compared
/// here with the same search plus a filter that keeps every row (so the other plan is used).
#[test]
fn search_pages_are_the_same_whichever_way_they_are_found() {
    use taizhang_ledger::SortKey;
    use taizhang_testsupport::demo::{self, DemoOptions};
    let end = at(2026, 11, 30);
    let opts = DemoOptions { problems: 300, seed: 5, end, days: 200, monitoring: true };
    let mut l = Ledger::create_in_memory(opts.start()).unwrap();
    demo::generate(&mut l, &opts);
    let sort = Sort { key: SortKey::Registered, descending: true };
    let mut walked = 0;
    for term in ["有限公司", "公司", "授信审批", "用地", "不存在的词语"] {
        for offset in [0, 50, 280] {
            let page = PageRequest { offset, limit: 50 };
            let f = ProblemFilter { text: Some(term.into()), ..Default::default() };
            let all_kept = ProblemFilter {
                registered_from: Some(chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()),
                ..f.clone()
            };
            let a = l.list_problems(&f, sort, page, end).unwrap();
            let b = l.list_problems(&all_kept, sort, page, end).unwrap();
            assert_eq!(a, b, "{term} at {offset}");
            walked += (a.total * a.total > 3000) as u32;
        }
    }
    assert!(walked >= 3, "a term matches enough problems to walk the index");
}

/// Calendar, settings, units and actors are cached per connection. A change made through the
/// same connection, or committed by another one (the CLI beside the desktop), must be seen by
/// the next read and the next command.
#[test]
fn cached_context_follows_changes_from_any_connection() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _d) = new_ledger(dir.path());
    let mut b = Ledger::open(&dir.path().join("t.db")).unwrap();
    assert_eq!(a.settings().unwrap().red_urges, 2);
    assert_eq!(b.settings().unwrap().red_urges, 2);

    let mut s = a.settings().unwrap();
    s.red_urges = 5;
    a.execute("admin", &Command::UpdateSettings { settings: s }, at(2026, 3, 3)).unwrap();
    assert_eq!(a.settings().unwrap().red_urges, 5, "this connection's own change");
    assert_eq!(b.settings().unwrap().red_urges, 5, "another connection's change");

    let mut s = b.settings().unwrap();
    s.red_urges = 7;
    b.execute("admin", &Command::UpdateSettings { settings: s }, at(2026, 3, 4)).unwrap();
    assert_eq!(a.settings().unwrap().red_urges, 7);
    let units_before = a.units().unwrap().len();
    b.execute(
        "admin",
        &Command::CreateUnit {
            unit_id: taizhang_ledger::new_id(at(2026, 3, 4)),
            name: "区新设局".into(),
            short_name: "新设局".into(),
            kind: UnitKind::Department,
        },
        at(2026, 3, 4),
    )
    .unwrap();
    assert_eq!(a.units().unwrap().len(), units_before + 1);
    assert!(a.find_unit("新设局").unwrap().is_some());

    // An actor deactivated by the other connection may no longer act through this one.
    let gx = a.actor("gx").unwrap();
    assert!(gx.user.active);
    b.execute(
        "admin",
        &Command::UpdateUser {
            user_id: gx.user.id.clone(),
            name: gx.user.name.clone(),
            unit_id: gx.user.unit_id.clone(),
            role: gx.user.role,
            active: false,
        },
        at(2026, 3, 5),
    )
    .unwrap();
    assert!(!a.actor("gx").unwrap().user.active);
    let p = register(&mut a, &_d, "after deactivation", at(2026, 3, 5));
    let refused =
        a.execute("gx", &Command::Sign { problem_id: p, handler: String::new() }, at(2026, 3, 5)).unwrap_err();
    assert_eq!(refused.code(), "auth.inactive");
}

/// Within one transaction the problems an event changed are held in memory and written back
/// when it ends: each command of a batch is decided against the state the ones before it
/// left, a refused batch leaves nothing behind, and the file equals its rebuild.
#[test]
fn a_batch_decides_each_command_on_the_state_the_previous_ones_left() {
    let dir = tempfile::tempdir().unwrap();
    let (mut l, d) = new_ledger(dir.path());
    let p = register(&mut l, &d, "p1", at(2026, 3, 2));
    let assign_p = Command::Assign { problem_id: p.clone(), request: assign(&d.dept_a, &[&d.dept_c]) };
    let urge_p = Command::Urge { problem_id: p.clone(), level: Escalation::Yellow, notice: "请加快办理".into() };
    // Urging needs an assigned problem: only the first command of the batch assigned it.
    l.execute_all("admin", &[assign_p.clone(), urge_p.clone(), urge_p], at(2026, 3, 3)).unwrap();
    let q = l.problem(&p).unwrap();
    assert_eq!((q.status, q.urges.len()), (Status::Assigned, 2));
    let row =
        l.list_problems(&ProblemFilter::default(), Sort::default(), PageRequest::default(), at(2026, 3, 3)).unwrap();
    let r = &row.rows[0];
    assert_eq!(
        (r.status, r.lead_unit_name.as_deref(), r.supporter_names.len()),
        (Status::Assigned, Some("工业和信息化局"), 1)
    );
    // The second assignment sees the first one's assignment, so the whole batch is refused.
    let p2 = register(&mut l, &d, "p2", at(2026, 3, 3));
    let events_before = l.verify().unwrap().events;
    let assign_p2 = Command::Assign { problem_id: p2.clone(), request: assign(&d.dept_a, &[]) };
    assert!(l.execute_all("admin", &[assign_p2.clone(), assign_p2], at(2026, 3, 4)).is_err());
    assert_eq!(l.problem(&p2).unwrap().status, Status::Registered);
    assert_eq!(l.verify().unwrap().events, events_before);
    assert!(l.rebuild().unwrap().equal);
}
