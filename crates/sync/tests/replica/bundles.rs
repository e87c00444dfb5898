//! Bundles (docs/bundles.md): a desk that never meets the server after joining works through
//! files and ends equal to the server; the same bundle twice, replies out of order, a gap on
//! either side, and tampered or misdirected files change nothing wrong.

use std::path::{Path, PathBuf};

use taizhang_bundle::{Bundle, Direction, Part, Signer};
use taizhang_core::coded::Coded;
use taizhang_protocol::sign::sign_event;
use taizhang_protocol::PushRequest;
use taizhang_server::bundle::Imported;
use taizhang_server::Store;

use crate::desk::{at, server_events, server_problems, Desk};
use crate::fixture::District;

/// The desk exports, the server imports and replies: (the server's summary, the reply's path).
fn carry(d: &District, desk: &Desk, dir: &Path, name: &str, minutes: i64) -> (Imported, PathBuf) {
    let out = dir.join(format!("{name}.tzb"));
    taizhang_sync::bundle::export(&desk.ledger, &out, false, at(minutes)).unwrap();
    server_import(d, &out, minutes)
}

fn server_import(d: &District, bundle: &Path, minutes: i64) -> (Imported, PathBuf) {
    let reply = bundle.with_extension("reply.tzb");
    let done = taizhang_server::bundle::import(&d.store, bundle, &reply, at(minutes)).unwrap();
    (done, reply)
}

fn import(desk: &mut Desk, reply: &Path, minutes: i64) -> taizhang_sync::bundle::BundleImport {
    let s = taizhang_sync::bundle::import(&mut desk.ledger, reply, at(minutes)).unwrap();
    desk.assert_rebuild_equal();
    s
}

/// What a desk holds, to show that a refused import changed none of it.
fn fingerprint(desk: &Desk) -> (i64, i64, Vec<String>) {
    let c = desk.ledger.connection();
    let events: i64 = c.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap();
    let r = desk.ledger.replica().unwrap();
    (events, desk.ledger.pending_count().unwrap(), vec![r.cursor_after.to_string(), r.device_state])
}

#[test]
fn a_desk_working_only_by_bundles_ends_equal_to_the_server_and_repeats_change_nothing() {
    let d = District::new();
    let dir = tempfile::tempdir().unwrap();
    let mut a = Desk::join(&d, "t1");
    assert!(a.ledger.replica().unwrap().server_key.is_some(), "the server's key is learned at join");

    // The first bundle carries nothing up; its reply brings the district's history down.
    let (first, r1) = carry(&d, &a, dir.path(), "b1", 2);
    assert_eq!((first.events, first.device_state.as_str(), first.gap.clone()), (0, "approved", None));
    assert!(first.pulled > 0);
    let s1 = import(&mut a, &r1, 3);
    assert!(s1.received > 0 && !s1.parked, "{s1:?}");
    assert_eq!(a.problems(), server_problems(&d, &d.t1));

    // Two registrations offline go up in the next bundle and come back applied.
    let p1 = a.register(&d.e1, "内网登记一", 10);
    let p2 = a.register(&d.e1, "内网登记二", 11);
    let (second, r2) = carry(&d, &a, dir.path(), "b2", 12);
    assert_eq!((second.events, second.applied, second.refused, second.no_effect), (2, 2, 0, 0), "{second:?}");
    let stored = server_events(&d);
    let s2 = import(&mut a, &r2, 13);
    assert_eq!((s2.applied, s2.pending, s2.parked), (2, 0, false), "{s2:?}");
    let server = server_problems(&d, &d.t1);
    assert!(server.contains_key(&p1) && server.contains_key(&p2));
    assert_eq!(a.problems(), server);
    assert!(a.ledger.replica().unwrap().last_sync_at.is_some(), "a reply with pages counts as a sync");

    // The same bundle again on the server: nothing stored twice, the same outcomes.
    let b2 = dir.path().join("b2.tzb");
    let again = taizhang_server::bundle::import(&d.store, &b2, &dir.path().join("again.tzb"), at(14)).unwrap();
    assert_eq!((again.applied, again.events), (2, 2));
    assert_eq!(server_events(&d), stored, "nothing stored twice");
    // Every reply again, and the oldest last: the desk does not change.
    let before = (fingerprint(&a), a.problems());
    for reply in [dir.path().join("again.tzb"), r2.clone(), r1.clone()] {
        let s = import(&mut a, &reply, 15);
        assert_eq!((s.received, s.settled, s.parked), (0, 0, false), "{s:?}");
    }
    assert_eq!((fingerprint(&a), a.problems()), before);
    a.ledger.verify().unwrap();
}

#[test]
fn events_after_a_gap_wait_on_the_server_until_the_bundle_before_them_arrives() {
    let d = District::new();
    let dir = tempfile::tempdir().unwrap();
    let mut a = Desk::join(&d, "t1");
    a.sync(2);
    a.register(&d.e1, "第一件", 10);
    a.register(&d.e1, "第二件", 11);
    // Carried by hand in two bundles, the second arriving first.
    let info = a.ledger.replica().unwrap();
    let key = taizhang_sync::key::load(Path::new(&info.key_file)).unwrap();
    let mut events = a.ledger.pending_events(10).unwrap();
    events.iter_mut().for_each(|e| sign_event(&key, e));
    let bundle_of = |name: &str, evs: &[taizhang_protocol::WireEvent]| {
        let parts =
            vec![Part::Cursor(a.ledger.pull_cursor().unwrap()), Part::Push(PushRequest { events: evs.to_vec() })];
        let mut b = Bundle::new(Direction::ToServer, &info.device_id, "2026-03-02T02:00:00.000000Z", parts);
        b.sign(Signer::Device(info.device_id.clone()), &key);
        let path = dir.path().join(name);
        taizhang_bundle::write(&b, &path).unwrap();
        path
    };
    let early = bundle_of("early.tzb", &events[..1]);
    let late = bundle_of("late.tzb", &events[1..]);
    let before = server_events(&d);

    let (parked, r_late) = server_import(&d, &late, 20);
    assert_eq!(parked.gap, Some(taizhang_bundle::Gap { held_to: 0, starts_at: 2 }), "{parked:?}");
    assert_eq!((parked.applied, parked.refused), (0, 0), "nothing decided out of order");
    assert_eq!(server_events(&d), before);
    let s = import(&mut a, &r_late, 21);
    assert_eq!(s.server_gap, parked.gap, "the desk is told");
    assert_eq!(s.pending, 2);

    let (closed, r_early) = server_import(&d, &early, 22);
    assert_eq!((closed.applied, closed.unparked, closed.gap.clone()), (2, 1, None), "{closed:?}");
    assert_eq!(server_events(&d), before + 2);
    let s = import(&mut a, &r_early, 23);
    assert_eq!((s.applied, s.pending), (2, 0), "{s:?}");
    assert_eq!(a.problems(), server_problems(&d, &d.t1));
    assert_eq!(d.store.verify().unwrap().broken, None);
}

#[test]
fn a_reply_beyond_where_the_desk_stands_is_parked_until_the_gap_closes() {
    let d = District::new();
    let dir = tempfile::tempdir().unwrap();
    let mut a = Desk::join(&d, "t1");
    // A copy of the desk as it was before its first sync (a restored backup).
    a.ledger.connection().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    let path = a.ledger.path().unwrap().to_path_buf();
    let old = dir.path().join("old.db");
    std::fs::copy(&path, &old).unwrap();
    a.sync(2);
    let (_, reply) = carry(&d, &a, dir.path(), "b", 3);

    let mut restored = Desk::open(&old, "t1");
    let s = import(&mut restored, &reply, 4);
    assert!(s.parked, "{s:?}");
    assert_eq!(restored.ledger.replica_status().unwrap().parked, 1);
    assert_eq!(restored.ledger.pull_cursor().unwrap().after, 0, "nothing past the gap was taken");
    // Syncing closes the gap; the parked reply is then pages already held, and goes.
    restored.sync(5);
    assert_eq!(restored.ledger.replica_status().unwrap().parked, 0);
    assert_eq!(restored.problems(), server_problems(&d, &d.t1));
}

#[test]
fn tampered_misdirected_or_foreign_bundles_change_nothing() {
    let d = District::new();
    let dir = tempfile::tempdir().unwrap();
    let mut a = Desk::join(&d, "t1");
    let b = Desk::join(&d, "t2");
    a.sync(2);
    a.register(&d.e1, "改动", 10);
    let out = dir.path().join("a.tzb");
    taizhang_sync::bundle::export(&a.ledger, &out, false, at(11)).unwrap();
    let before = server_events(&d);

    // Edited after signing: the server refuses it whole.
    let mut edited = taizhang_bundle::read(&out).unwrap();
    if let Part::Push(p) = &mut edited.parts[1] {
        p.events[0].occurred_at = "2026-03-01T00:00:00.000000Z".into();
    }
    let forged = dir.path().join("forged.tzb");
    taizhang_bundle::write(&edited, &forged).unwrap();
    let e = taizhang_server::bundle::import(&d.store, &forged, &dir.path().join("r.tzb"), at(12)).unwrap_err();
    assert_eq!(e.code(), "bundle.bad_signature");
    assert_eq!(server_events(&d), before);
    assert!(!dir.path().join("r.tzb").exists(), "no reply for a refused bundle");

    // Exporting again onto an existing file needs --force; the ledger is never a target.
    let e = taizhang_sync::bundle::export(&a.ledger, &out, false, at(11)).unwrap_err();
    assert_eq!(e.code(), "output.exists");
    let own = a.ledger.path().unwrap().to_path_buf();
    let e = taizhang_sync::bundle::export(&a.ledger, &own, true, at(11)).unwrap_err();
    assert_eq!(e.code(), "output.target_is_open_ledger");

    let (_, reply) = server_import(&d, &out, 13);
    let before = server_events(&d);
    let mut b = b;
    let held = (fingerprint(&a), fingerprint(&b));
    // A desk bundle imported on a desk; another desk's reply; a reply edited after signing.
    assert_eq!(
        taizhang_sync::bundle::import(&mut a.ledger, &out, at(14)).unwrap_err().code(),
        "bundle.wrong_direction"
    );
    assert_eq!(taizhang_sync::bundle::import(&mut b.ledger, &reply, at(14)).unwrap_err().code(), "bundle.wrong_device");
    let mut bent = taizhang_bundle::read(&reply).unwrap();
    if let Some(Part::Device(dev)) = bent.parts.first_mut() {
        dev.state = "revoked".into();
    }
    let bent_path = dir.path().join("bent.tzb");
    taizhang_bundle::write(&bent, &bent_path).unwrap();
    let e = taizhang_sync::bundle::import(&mut a.ledger, &bent_path, at(14)).unwrap_err();
    assert_eq!(e.code(), "bundle.bad_signature");
    assert_eq!((fingerprint(&a), fingerprint(&b)), held);

    // A bundle of a device the server does not know.
    let stranger = dir.path().join("stranger.tzb");
    let key = taizhang_protocol::sign::signing_key(&[4; 32]);
    let mut s = Bundle::new(Direction::ToServer, "dev-unknown", "2026-03-02T02:00:00.000000Z", vec![]);
    s.sign(Signer::Device("dev-unknown".into()), &key);
    taizhang_bundle::write(&s, &stranger).unwrap();
    let e = taizhang_server::bundle::import(&d.store, &stranger, &dir.path().join("r2.tzb"), at(15)).unwrap_err();
    assert_eq!(e.code(), "sync.device_unknown");
    assert_eq!(server_events(&d), before);
}
