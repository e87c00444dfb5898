//! A busy district (docs/reliability.md, "Many desks"): a replica's pull whose stream is an
//! exact multiple of the page, and desks pushing through their replicas at the same time as
//! others pull, ending equal to the server in their scope.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};

use chrono::NaiveDate;
use taizhang_core::*;
use taizhang_protocol::{Cursor, PulledEvent};
use taizhang_server::Store;
use taizhang_sync::client::{Client, Signer};
use taizhang_sync::SyncProgress;
use taizhang_sync::PULL_PAGE;

use crate::desk::{at, server_problems, Desk};
use crate::fixture::District;

/// `n` visits the office records about `enterprise` in one transaction: `n` events every
/// desk of the office and of that township sees.
fn pad(d: &District, enterprise: &str, township: &str, n: i64) {
    let cmds: Vec<Command> = (0..n)
        .map(|i| Command::RecordVisit {
            visit: Visit {
                id: taizhang_ledger::new_id(at(5)),
                enterprise_id: enterprise.into(),
                township_id: township.into(),
                date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
                visitors: "区办".into(),
                form: VisitForm::OnSite,
                notes: format!("补足第{i}条"),
            },
        })
        .collect();
    if n > 0 {
        let out = d.store.execute("admin", &cmds, at(5)).unwrap();
        assert!(out.iter().all(|o| o.outcome == "applied"));
    }
}

/// A sync of `desk`, counting the pages it pulled.
fn sync_counting_pages(desk: &mut Desk, minutes: i64) -> (taizhang_sync::SyncSummary, usize) {
    let mut pages = 0;
    let s = taizhang_sync::sync(&mut desk.ledger, at(minutes), &mut |p| {
        if matches!(p, SyncProgress::Pulling { .. }) {
            pages += 1;
        }
    })
    .unwrap();
    desk.assert_rebuild_equal();
    (s, pages)
}

/// The desk's whole stream, read with its key and the real client in pages of `limit`: the
/// events, and the `more` of each page.
fn raw_stream(desk: &Desk, limit: i64) -> (Vec<PulledEvent>, Vec<bool>) {
    let info = desk.ledger.replica().unwrap();
    let key = taizhang_sync::key::load(std::path::Path::new(&info.key_file)).unwrap();
    let client = Client::new(&info.server_url, None).unwrap();
    let who = Signer { device_id: &info.device_id, key: &key };
    let (mut cursor, mut all, mut mores) = (Cursor::default(), Vec::new(), Vec::new());
    loop {
        let page = client.pull(&who, cursor, limit).unwrap();
        assert!(page.events.len() as i64 <= limit);
        all.extend(page.events);
        mores.push(page.more);
        cursor = page.next;
        if !page.more {
            return (all, mores);
        }
        assert!(mores.len() < 10_000, "the pull does not end");
    }
}

fn ids(events: &[PulledEvent]) -> Vec<String> {
    events.iter().map(|p| p.event.id.clone()).collect()
}

/// The ids of every event the desk's file holds.
fn held(desk: &Desk) -> BTreeSet<String> {
    let mut st = desk.ledger.connection().prepare("SELECT id FROM events").unwrap();
    st.query_map([], |r| r.get::<_, String>(0)).unwrap().map(|r| r.unwrap()).collect()
}

/// `events`' ids, each once, as a set (a repeat fails).
fn once_each(events: &[PulledEvent], who: &str) -> BTreeSet<String> {
    let set: BTreeSet<String> = ids(events).into_iter().collect();
    assert_eq!(set.len(), events.len(), "{who}: an event came twice");
    set
}

#[test]
fn a_pull_of_exactly_whole_pages_loses_and_repeats_nothing() {
    let d = District::new();
    let mut office = Desk::join(&d, "admin");
    let mut town = Desk::join(&d, "t1");
    let page = PULL_PAGE;

    // The office sees every event: the log padded to exactly two pages, then one more.
    pad(&d, &d.e1, &d.t1, 2 * page - crate::desk::server_events(&d));
    let (s, pages) = sync_counting_pages(&mut office, 10);
    assert_eq!((s.received as i64, pages), (2 * page, 2), "{s:?}");
    let (stream, mores) = raw_stream(&office, page);
    assert_eq!(mores, [true, false], "`more` is false on the last full page, no empty page after it");
    assert_eq!(held(&office), once_each(&stream, "office"));
    pad(&d, &d.e1, &d.t1, page);
    let (s, pages) = sync_counting_pages(&mut office, 11);
    assert_eq!((s.received as i64, pages), (page, 1), "{s:?}");
    let (stream, mores) = raw_stream(&office, page);
    assert_eq!(mores, [true, true, false]);
    assert_eq!(held(&office), once_each(&stream, "office"));
    let (s, pages) = sync_counting_pages(&mut office, 12);
    assert_eq!((s.received, pages), (0, 1), "nothing new: one empty page");

    // A township sees the district-wide events and its own: padded to the next whole number
    // of pages of its stream (another township's events, which it does not see, among them).
    pad(&d, &d.e2, &d.t2, 7);
    let visible = raw_stream(&town, page).0.len() as i64;
    let k = (visible + page - 1) / page;
    assert!(k >= 2, "{visible} events: the stream should span pages");
    pad(&d, &d.e1, &d.t1, k * page - visible);
    let (s, pages) = sync_counting_pages(&mut town, 13);
    assert_eq!((s.received as i64, pages as i64), (k * page, k), "{s:?}");
    let (stream, mores) = raw_stream(&town, page);
    assert_eq!(mores.len() as i64, k);
    assert!(mores[..mores.len() - 1].iter().all(|m| *m) && !mores[mores.len() - 1], "{mores:?}");
    assert_eq!(held(&town), once_each(&stream, "township"));
    assert!(stream.iter().all(|p| !p.event.payload.contains(&d.e2)), "another township's enterprise leaked");
    eprintln!(
        "pagination: the office's {} events in 2 pages, then {page} more in 1; a township's {} in {k}",
        2 * page,
        k * page
    );
    // The same stream in pages of half a page and of page - 1: the same events, in order.
    for limit in [page / 2, page - 1] {
        let (other, mores) = raw_stream(&town, limit);
        assert_eq!(ids(&other), ids(&stream), "pages of {limit}");
        assert_eq!(mores.len() as i64, (k * page + limit - 1) / limit, "pages of {limit}");
    }
}

/// The minute (on the test's clock, `at`) of the latest event `desk` holds.
fn latest_minute(desk: &Desk) -> i64 {
    let latest: String =
        desk.ledger.connection().query_row("SELECT max(occurred_at) FROM events", [], |r| r.get(0)).unwrap();
    let latest = chrono::DateTime::parse_from_rfc3339(&latest).unwrap().to_utc();
    (latest - at(0)).num_minutes()
}

/// Sets the flag when dropped, panicking included.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// One desk's part in the busy district: pushing (registering between syncs) or pulling.
struct Part {
    desk: Desk,
    enterprise: Option<String>,
    syncs: usize,
}

#[test]
fn replicas_push_at_once_while_others_pull_and_all_end_equal_to_the_server() {
    const ROUNDS: i64 = 4;
    const PER_ROUND: i64 = 3;
    let d = District::new();
    d.user("t1b", &d.t1, Role::Township);
    d.user("t2b", &d.t2, Role::Township);
    let join = |login: &str, enterprise: Option<&String>| {
        let mut desk = Desk::join(&d, login);
        desk.sync(2);
        Part { desk, enterprise: enterprise.cloned(), syncs: 0 }
    };
    let pushers = vec![join("t1", Some(&d.e1)), join("t1b", Some(&d.e1)), join("t2", Some(&d.e2))];
    let pullers = vec![join("admin", None), join("t2b", None), join("d1", None)];
    // A poller on the protocol itself: the office's stream in small pages, while it grows.
    let poller = d.device("admin");
    let base = d.server.base.clone();

    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(pushers.len() + pullers.len() + 1));
    let (pushers, pullers, polled) = std::thread::scope(|s| {
        let pushing: Vec<_> = pushers
            .into_iter()
            .enumerate()
            .map(|(i, mut part)| {
                let start = start.clone();
                s.spawn(move || {
                    start.wait();
                    for round in 0..ROUNDS {
                        for k in 0..PER_ROUND {
                            // Never before what the desk already holds: a pusher a round
                            // behind another of its township has pulled that one's later acts,
                            // and a real desk's clock would be past them too.
                            let minutes = (100 + round * 20 + k * 3 + i as i64).max(latest_minute(&part.desk));
                            let text = format!("{} 第{round}轮第{k}件", part.desk.login);
                            part.desk.register(part.enterprise.as_ref().unwrap(), &text, minutes);
                        }
                        let s = taizhang_sync::sync(&mut part.desk.ledger, at(100 + round * 20 + 10), &mut |_| {});
                        let s = s.unwrap_or_else(|e| panic!("{}: {e}", part.desk.login));
                        assert_eq!((s.pushed as i64, s.applied as i64, s.pending), (PER_ROUND, PER_ROUND, 0), "{s:?}");
                        part.syncs += 1;
                    }
                    part
                })
            })
            .collect();
        let pulling: Vec<_> = pullers
            .into_iter()
            .map(|mut part| {
                let (start, done) = (start.clone(), done.clone());
                s.spawn(move || {
                    start.wait();
                    let mut minutes = 100;
                    while !done.load(Ordering::SeqCst) {
                        minutes += 1;
                        let s = taizhang_sync::sync(&mut part.desk.ledger, at(minutes), &mut |_| {});
                        s.unwrap_or_else(|e| panic!("{}: {e}", part.desk.login));
                        part.syncs += 1;
                    }
                    part
                })
            })
            .collect();
        // The pullers stop once `done` is set, also when this thread panics (a failed pusher's
        // join, a poll's assertion): otherwise the scope would wait for them for ever and a
        // failure would read as a hang.
        let _stop_pullers = StopOnDrop(done.clone());
        // The protocol poller runs here, until every pusher is done, then drains the rest.
        start.wait();
        let (mut cursor, mut seen, mut polls) = (Cursor::default(), Vec::<PulledEvent>::new(), 0);
        let poll = |cursor: &mut Cursor, seen: &mut Vec<PulledEvent>| loop {
            let (status, v) = poller.pull(&base, cursor.after, cursor.after_event, 7);
            assert_eq!(status, 200, "{v}");
            let page: taizhang_protocol::PullReply = serde_json::from_value(v).unwrap();
            seen.extend(page.events);
            *cursor = page.next;
            if !page.more {
                return;
            }
        };
        while pushing.iter().any(|h| !h.is_finished()) {
            poll(&mut cursor, &mut seen);
            polls += 1;
        }
        let pushers: Vec<Part> = pushing.into_iter().map(|h| h.join().unwrap()).collect();
        done.store(true, Ordering::SeqCst);
        let pullers: Vec<Part> = pulling.into_iter().map(|h| h.join().unwrap()).collect();
        poll(&mut cursor, &mut seen);
        (pushers, pullers, (seen, polls))
    });

    // The poller saw every event of the log once, in server_seq order.
    let (seen, polls) = polled;
    let seqs: Vec<i64> = seen.iter().map(|p| p.server_seq).collect();
    let total = crate::desk::server_events(&d);
    assert_eq!(seqs, (1..=total).collect::<Vec<_>>(), "the poller's stream: every event once, in order");

    // Quiet again: everyone syncs once more and equals the server in its scope.
    let mut all: Vec<Part> = pushers.into_iter().chain(pullers).collect();
    let everything = crate::desk::server_all_problems(&d);
    assert_eq!(everything.len() as i64, 3 * ROUNDS * PER_ROUND, "every registration applied once");
    for part in &mut all {
        part.desk.sync(1000);
        let who = part.desk.login.clone();
        let device = part.desk.ledger.device_id().to_string();
        let authored: i64 = part
            .desk
            .ledger
            .connection()
            .query_row("SELECT count(*) FROM events WHERE device_id = ?1", [&device], |r| r.get(0))
            .unwrap();
        let on_server = crate::count(&d.url, &format!("SELECT count(*) FROM events WHERE device_id = '{device}'"));
        assert_eq!(on_server, authored, "{who}'s events, once each");
        let scope = match who.as_str() {
            "admin" => everything.clone(),
            "t1" | "t1b" => server_problems(&d, &d.t1),
            "t2" | "t2b" => server_problems(&d, &d.t2),
            _ => server_problems(&d, &d.d1),
        };
        assert_eq!(part.desk.problems(), scope, "{who} equals the server in its scope");
    }
    assert_eq!(d.store.verify().unwrap().broken, None);
    let syncs: Vec<String> = all.iter().map(|p| format!("{} {}", p.desk.login, p.syncs)).collect();
    eprintln!("busy district: {total} events, {polls} polls of the protocol poller, syncs: {}", syncs.join(", "));
    assert!(all[3..].iter().all(|p| p.syncs > 0), "every puller pulled while the pushers pushed: {syncs:?}");
}
