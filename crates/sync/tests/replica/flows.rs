//! The replica's flows end to end: two officials of one township register offline and both
//! end equal to the server; a refusal is undone locally and stays visible; a push retried
//! after a lost reply changes nothing; a server that is down, or too old, changes nothing.

use taizhang_core::*;
use taizhang_protocol::sign::sign_event;
use taizhang_sync::client::{Client, Signer};

use crate::desk::{assign_to, at, server_events, server_problems, Desk};
use crate::fixture::District;

#[test]
fn two_officials_of_one_township_register_offline_and_end_equal_to_the_server() {
    let d = District::new();
    d.user("t1b", &d.t1, Role::Township);
    let mut a = Desk::join(&d, "t1");
    let mut b = Desk::join(&d, "t1b");
    let first = a.sync(2);
    assert!(first.received > 0 && first.pushed == 0, "{first:?}");
    b.sync(2);
    assert_eq!(a.problems(), server_problems(&d, &d.t1));

    // Offline: each registers, the events wait as pending and are folded on top.
    let pa = a.register(&d.e1, "A 的问题", 10);
    let pb = b.register(&d.e1, "B 的问题", 11);
    a.assert_rebuild_equal();
    assert_eq!(a.ledger.pending_count().unwrap(), 1);
    let (na, nb) = (a.number(&pa), b.number(&pb));
    assert_ne!(na, nb, "two devices never take the same number");
    assert!(na.starts_with("2026-一镇-") && na.ends_with("/0001"), "{na}");

    // The ledger list marks the row whose act waits to go up, and only it.
    let marks = |desk: &Desk| -> Vec<(String, u32)> {
        use taizhang_ledger::{PageRequest, ProblemFilter, Sort};
        let page =
            desk.ledger.list_problems(&ProblemFilter::default(), Sort::default(), PageRequest::default(), at(15));
        page.unwrap().rows.into_iter().map(|r| (r.id, r.sync_pending)).filter(|(_, n)| *n > 0).collect()
    };
    assert_eq!(marks(&a), vec![(pa.clone(), 1)]);

    let sa = a.sync(20);
    assert_eq!((sa.pushed, sa.applied, sa.pending), (1, 1, 0), "{sa:?}");
    assert_eq!(marks(&a), vec![], "nothing waits once the server applied it");
    let sb = b.sync(21);
    assert_eq!((sb.pushed, sb.applied, sb.pending), (1, 1, 0), "{sb:?}");
    a.sync(22);
    let server = server_problems(&d, &d.t1);
    assert!(server.contains_key(&pa) && server.contains_key(&pb));
    assert_eq!(a.problems(), server);
    assert_eq!(b.problems(), server);
    assert_eq!(a.number(&pa), na, "the number is final");

    // A department joined later sees the problem once it is assigned to it, with its history.
    let assign = Command::Assign { problem_id: pa.clone(), request: assign_to(&d.d1) };
    use taizhang_server::Store;
    let outcome = d.store.execute("admin", &[assign], at(25)).unwrap();
    assert!(outcome.iter().all(|o| o.outcome == "applied"), "{outcome:?}");
    let mut dep = Desk::join(&d, "d1");
    dep.sync(30);
    let dep_scope = server_problems(&d, &d.d1);
    assert_eq!(dep_scope.len(), 1);
    assert_eq!(dep.problems(), dep_scope);
    a.sync(31);
    assert_eq!(a.problems(), server_problems(&d, &d.t1));
}

#[test]
fn an_event_the_server_does_not_apply_is_undone_locally_and_stays_visible_with_its_reason() {
    let d = District::new();
    let mut b = Desk::join(&d, "t1");
    b.sync(2);
    let p = b.register(&d.e1, "就地解决前已交办", 5);
    b.sync(6);
    // The office assigns the problem on the server; the desk, not yet knowing, resolves it on
    // the spot, which its own copy allows.
    let assign = Command::Assign { problem_id: p.clone(), request: assign_to(&d.d1) };
    use taizhang_server::Store;
    d.store.execute("admin", &[assign], at(15)).unwrap();
    b.ledger
        .execute(
            "t1",
            &Command::ResolveLocally {
                problem_id: p.clone(),
                result_text: "已现场解决".into(),
                attachments: Vec::new(),
            },
            at(16),
        )
        .unwrap();
    assert_eq!(b.ledger.problem(&p).unwrap().status, Status::Resolved, "pending, folded on top");

    let s = b.sync(20);
    assert_eq!((s.pushed, s.applied, s.pending), (1, 0, 0), "{s:?}");
    assert_eq!(s.refused + s.no_effect, 1, "{s:?}");
    assert_ne!(b.ledger.problem(&p).unwrap().status, Status::Resolved, "undone locally");
    let status = taizhang_sync::status(&b.ledger).unwrap();
    assert_eq!(status.not_applied.len(), 1);
    let undone = &status.not_applied[0];
    assert!(matches!(undone.state.as_str(), "refused" | "no_effect"), "{undone:?}");
    assert_eq!(undone.subject_id.as_deref(), Some(p.as_str()));
    assert!(undone.reason.as_ref().unwrap()["code"].as_str().is_some_and(|c| !c.is_empty()), "{undone:?}");
    assert_eq!(b.problems(), server_problems(&d, &d.t1));
}

#[test]
fn a_push_retried_after_its_reply_was_lost_changes_nothing() {
    let d = District::new();
    let mut a = Desk::join(&d, "t1");
    a.sync(2);
    let p = a.register(&d.e1, "重发", 10);
    // The push reaches the server, but its reply is lost: the desk still holds it pending.
    let info = a.ledger.replica().unwrap();
    let key = taizhang_sync::key::load(std::path::Path::new(&info.key_file)).unwrap();
    let client = Client::new(&info.server_url, None).unwrap();
    let mut batch = a.ledger.pending_events(100).unwrap();
    batch.iter_mut().for_each(|e| sign_event(&key, e));
    let who = Signer { device_id: &info.device_id, key: &key };
    let first = client.push(&who, &batch).unwrap();
    let stored = server_events(&d);
    assert_eq!(a.ledger.pending_count().unwrap(), 1);

    let again = client.push(&who, &batch).unwrap();
    assert_eq!(again, first, "the same reply");
    let s = a.sync(20);
    assert_eq!((s.pushed, s.applied, s.pending), (1, 1, 0), "{s:?}");
    assert_eq!(server_events(&d), stored, "nothing stored twice");
    assert_eq!(a.problems(), server_problems(&d, &d.t1));
    assert!(a.problems().contains_key(&p));
}

#[test]
fn a_server_that_is_down_or_too_old_changes_nothing_and_the_desk_works_offline() {
    let d = District::new();
    let mut a = Desk::join(&d, "t1");
    a.sync(2);
    a.register(&d.e1, "离线", 10);
    let info = a.ledger.replica().unwrap();
    let key = taizhang_sync::key::load(std::path::Path::new(&info.key_file)).unwrap();
    let before = (a.problems(), a.ledger.replica().unwrap(), a.ledger.pending_count().unwrap());

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let down = Client::new(&format!("http://127.0.0.1:{port}"), None).unwrap();
    let e = taizhang_sync::sync_with(&mut a.ledger, &down, &key, at(20), &mut |_| {}).unwrap_err();
    assert_eq!(e.code(), "sync.offline");
    assert_eq!((a.problems(), a.ledger.replica().unwrap(), a.ledger.pending_count().unwrap()), before);

    let mut newer = Client::new(&info.server_url, None).unwrap();
    newer.protocol = taizhang_protocol::PROTOCOL_VERSION + 1;
    let e = taizhang_sync::sync_with(&mut a.ledger, &newer, &key, at(21), &mut |_| {}).unwrap_err();
    assert_eq!(e.code(), "sync.protocol_too_new");
    assert_eq!((a.problems(), a.ledger.replica().unwrap(), a.ledger.pending_count().unwrap()), before);

    // Offline the desk keeps working: another registration, then a sync that settles both.
    a.register(&d.e1, "仍可登记", 22);
    a.assert_rebuild_equal();
    let s = a.sync(30);
    assert_eq!((s.pushed, s.applied, s.pending), (2, 2, 0), "{s:?}");
}

#[test]
fn only_a_new_file_joins_and_a_standalone_file_is_no_replica() {
    let d = District::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("standalone.db");
    let mut standalone = taizhang_ledger::Ledger::create(&path, at(0)).unwrap();
    assert_eq!(taizhang_sync::sync(&mut standalone, at(1), &mut |_| {}).unwrap_err().code(), "sync.not_a_replica");
    drop(standalone);
    let opts = taizhang_sync::JoinOptions {
        url: d.server.base.clone(),
        login: "t1".into(),
        password: crate::fixture::PASSWORD.into(),
        ..Default::default()
    };
    assert_eq!(taizhang_sync::join(&path, &opts, at(1)).err().unwrap().code(), "sync.replica_not_fresh");
    assert!(!taizhang_sync::key::key_path(&path).exists(), "no key left behind");
    let wrong = taizhang_sync::JoinOptions { password: "wrong".into(), ..opts };
    let fresh = dir.path().join("fresh.db");
    assert_eq!(taizhang_sync::join(&fresh, &wrong, at(1)).err().unwrap().code(), "sync.bad_login");
    assert!(!fresh.exists() && !taizhang_sync::key::key_path(&fresh).exists(), "nothing left behind");
}

/// A desk whose clock runs ahead dates its acts into the future. The server refuses them on
/// arrival (`event.time_ahead`, the core's `check_not_ahead`), so no problem is dated ahead of
/// the district and held hostage by its "latest event"; the desk sees why. A desk whose clock
/// is behind is only late, which offline work always is.
#[test]
fn a_desk_whose_clock_runs_ahead_is_refused_on_arrival_and_holds_nothing_hostage() {
    let d = District::new();
    d.user("t1b", &d.t1, Role::Township);
    let mut fast = Desk::join(&d, "t1");
    let mut right = Desk::join(&d, "t1b");
    fast.sync(2);
    right.sync(2);
    // Forty days ahead of the real clock (the server's), whatever day the test runs.
    let ahead = (chrono::Utc::now() - at(0)).num_minutes() + 40 * 24 * 60;
    let p = fast.register(&d.e1, "本机时间快了四十天", ahead);
    let s = fast.sync(ahead + 1);
    assert_eq!((s.pushed, s.refused, s.pending), (1, 1, 0), "{s:?}");
    assert!(fast.ledger.problem(&p).is_err(), "undone locally");
    let status = taizhang_sync::status(&fast.ledger).unwrap();
    assert_eq!(status.not_applied[0].reason.as_ref().unwrap()["code"], "event.time_ahead", "{status:?}");

    // The desk with the right clock works on, and the office acts on its problem.
    let q = right.register(&d.e1, "时间正常", 20);
    let s = right.sync(21);
    assert_eq!((s.pushed, s.applied), (1, 1), "{s:?}");
    use taizhang_server::Store;
    let assign = Command::Assign { problem_id: q.clone(), request: assign_to(&d.d1) };
    let outcome = d.store.execute("admin", &[assign], at(30)).unwrap();
    assert!(outcome.iter().all(|o| o.outcome == "applied"), "{outcome:?}");
    right.sync(31);
    assert_eq!(right.problems(), server_problems(&d, &d.t1));
    assert!(!server_problems(&d, &d.t1).contains_key(&p));
}

#[test]
fn an_own_act_applied_ahead_of_the_pull_is_counted_by_verify_full_not_called_a_forgery() {
    // Two handlers of one department: the second signs first on the server; the first, not
    // yet knowing, signs (no effect on the server) and notes progress (applied, because the
    // problem is signed). The push replies arrive, the pull that brings the other's sign does not.
    let d = District::new();
    d.user("d1b", &d.d1, Role::Department);
    let mut t = Desk::join(&d, "t1");
    t.sync(2);
    let p = t.register(&d.e1, "两个承办人", 5);
    t.sync(6);
    use taizhang_server::Store;
    d.store.execute("admin", &[Command::Assign { problem_id: p.clone(), request: assign_to(&d.d1) }], at(8)).unwrap();
    let mut a = Desk::join(&d, "d1");
    let mut b = Desk::join(&d, "d1b");
    a.sync(10);
    b.sync(10);
    b.ledger.execute("d1b", &Command::Sign { problem_id: p.clone(), handler: "d1b".into() }, at(12)).unwrap();
    b.sync(13);
    a.ledger.execute("d1", &Command::Sign { problem_id: p.clone(), handler: "d1".into() }, at(14)).unwrap();
    let note = Command::NoteProgress {
        problem_id: p.clone(),
        text: "已对接".into(),
        stage_reply: false,
        attachments: Vec::new(),
    };
    assert!(a.ledger.execute("d1", &note, at(15)).is_ok(), "its own copy allows it after its own sign");

    // Push only, as a sync whose pull was cut.
    let info = a.ledger.replica().unwrap();
    let key = taizhang_sync::key::load(std::path::Path::new(&info.key_file)).unwrap();
    let client = Client::new(&info.server_url, None).unwrap();
    let mut batch = a.ledger.pending_events(100).unwrap();
    batch.iter_mut().for_each(|e| sign_event(&key, e));
    let reply = client.push(&Signer { device_id: &info.device_id, key: &key }, &batch).unwrap();
    let outcomes: Vec<&str> = reply.outcomes.iter().map(|o| o.outcome.as_str()).collect();
    assert_eq!(outcomes, ["no_effect", "applied"], "{reply:?}");
    a.ledger.record_push_outcomes(&reply.outcomes).unwrap();

    let full = a.ledger.verify_full().unwrap();
    assert!(full.ok, "{:?}", full.first_not_admitted);
    assert_eq!(full.unsettled_not_admitted, 1, "the note waits for the other's sign to arrive");
    a.sync(20);
    let full = a.ledger.verify_full().unwrap();
    assert_eq!((full.ok, full.unsettled_not_admitted), (true, 0), "{full:?}");
    assert_eq!(a.problems(), server_problems(&d, &d.d1));
}
