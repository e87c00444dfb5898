//! The real `taizhang-server serve` process killed with SIGKILL while devices push batches of
//! 1000 events through the desktop's client (`taizhang-sync`), then started again on the same
//! database, cycle after cycle (docs/reliability.md, "Many desks").
//!
//! After every kill, once PostgreSQL has ended the dead server's sessions:
//! - each batch in flight is stored whole or not at all (a push is one transaction);
//! - `taizhang-server verify` passes, `server_seq` runs 1..=n with no gap or duplicate, and no
//!   event id is stored twice;
//! - a push that was answered got one outcome per event, each the stored row's.
//!
//! After a restart every unanswered batch is pushed again: one stored before the kill is
//! answered with the stored outcomes (nothing stored twice), one lost is stored now. At the end
//! every event made is on the server exactly once. `TAIZHANG_KILL_SEED` replays a run,
//! `TAIZHANG_KILL_CYCLES` lengthens it; a failure names its seed and cycle.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use taizhang_core::coded::Coded;
use taizhang_core::{EventBody, Visit, VisitForm};
use taizhang_server::protocol::{EventOutcome, PushReply, WireEvent, MAX_BATCH};
use taizhang_sync::client::{Client, Signer};
use taizhang_testsupport::rng::{env_seed, env_u64, Rng};

use crate::client::Device;
use crate::cluster::t0;
use crate::count;
use crate::fixture::District;

/// The binary, serving `url` on a free loopback port.
struct Served {
    child: Child,
    base: String,
}

impl Served {
    fn start(url: &str) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_taizhang-server"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("TAIZHANG_DATABASE_URL", url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run taizhang-server serve");
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        // Reads the address it serves on, then drains its log until it dies.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("serving on ").nth(1) {
                    let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_string());
                }
            }
        });
        let base = rx.recv_timeout(Duration::from_secs(60)).expect("taizhang-server serve says where it listens");
        Served { child, base }
    }

    /// SIGKILL: no handler runs, no transaction is finished by the server.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// Waits until no session of the database is working or inside a transaction: the dead
/// server's sessions have ended (one whose client died mid-transaction rolls it back; one whose
/// COMMIT had arrived finishes it). The fixture's own idle connections do not count.
fn wait_for_sessions_to_end(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let q = "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
               AND state IS DISTINCT FROM 'idle'";
    while count(url, q) > 0 {
        assert!(Instant::now() < deadline, "the dead server's sessions did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn verify_with_the_binary(url: &str) -> i64 {
    let out = Command::new(env!("CARGO_BIN_EXE_taizhang-server"))
        .args(["--json", "verify"])
        .env("TAIZHANG_DATABASE_URL", url)
        .output()
        .expect("run taizhang-server verify");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "verify failed: {text} {}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    assert!(v["broken"].is_null(), "{v}");
    v["events"].as_i64().unwrap()
}

/// A device pushing batches; `batch` is the one not yet answered (resent until it is).
struct Pusher {
    dev: Device,
    enterprise: String,
    township: String,
    batch: Vec<WireEvent>,
    /// Whether `batch` was sent (and may be on the server).
    sent: bool,
    /// The answered batches' events and outcomes, kept to compare a late resend with.
    answered: Vec<(Vec<WireEvent>, PushReply)>,
}

impl Pusher {
    fn next_batch(&mut self) {
        self.sent = false;
        let start = self.dev.seq;
        self.batch = (0..MAX_BATCH as i64)
            .map(|i| {
                let body = EventBody::VisitRecorded {
                    visit: Visit {
                        id: uuid::Uuid::now_v7().to_string(),
                        enterprise_id: self.enterprise.clone(),
                        township_id: self.township.clone(),
                        date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
                        visitors: "张三".into(),
                        form: VisitForm::OnSite,
                        notes: format!("第{}次走访", start + i + 1),
                    },
                };
                self.dev.event(&body, t0() + chrono::Duration::seconds(start + i))
            })
            .collect();
    }
}

/// How many of `events` the database holds.
fn stored(url: &str, events: &[WireEvent]) -> i64 {
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.query_one("SELECT count(*) FROM events WHERE id = ANY($1)", &[&ids]).unwrap().get(0)
}

/// The stored rows' outcomes of `events`, in their order.
fn stored_outcomes(url: &str, events: &[WireEvent]) -> Vec<(String, i64, String)> {
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let rows: BTreeMap<String, (i64, String)> = c
        .query("SELECT id, server_seq, outcome FROM events WHERE id = ANY($1)", &[&ids])
        .unwrap()
        .into_iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2))))
        .collect();
    events.iter().filter_map(|e| rows.get(&e.id).map(|(s, o)| (e.id.clone(), *s, o.clone()))).collect()
}

/// How many events of `device` the server holds.
fn device_events(url: &str, device: &str) -> i64 {
    count(url, &format!("SELECT count(*) FROM events WHERE device_id = '{device}'"))
}

/// An answer to `p`'s batch: one outcome per event, each the stored row's; and when the batch
/// had been stored before (`before`), exactly those outcomes, with nothing of the device added.
fn check_resend(url: &str, p: &Pusher, reply: &PushReply, before: &(Vec<(String, i64, String)>, i64), at: &str) {
    assert_eq!(reply.stopped, None, "{at}");
    assert_eq!(reply.outcomes.len(), MAX_BATCH, "{at}");
    assert_eq!(as_rows(&reply.outcomes), stored_outcomes(url, &p.batch), "{at}: the reply is what was stored");
    if !before.0.is_empty() {
        assert_eq!(as_rows(&reply.outcomes), before.0, "{at}: a resend is answered with the stored outcomes");
        assert_eq!(device_events(url, &p.dev.id), before.1, "{at}: nothing stored twice");
    }
}

fn as_rows(outcomes: &[EventOutcome]) -> Vec<(String, i64, String)> {
    outcomes.iter().map(|o| (o.id.clone(), o.server_seq, o.outcome.clone())).collect()
}

/// `server_seq` is 1..=n with no gap or duplicate, and no id is stored twice.
fn assert_log_dense(url: &str, at: &str) {
    let n = count(url, "SELECT count(*) FROM events");
    assert_eq!(count(url, "SELECT coalesce(max(server_seq), 0) FROM events"), n, "{at}: a gap in server_seq");
    assert_eq!(count(url, "SELECT count(DISTINCT server_seq) FROM events"), n, "{at}: server_seq repeated");
    assert_eq!(count(url, "SELECT count(DISTINCT id) FROM events"), n, "{at}: an event stored twice");
}

#[derive(Default, Debug)]
struct Tally {
    kills: usize,
    /// Kills the moment a batch was seen committed.
    kills_at_commit: usize,
    /// Kills that cut at least one push in flight.
    kills_mid_push: usize,
    /// Pushes cut before their batch committed: stored nothing, resent whole.
    lost: usize,
    /// Pushes whose batch committed but whose reply died with the server.
    committed_unanswered: usize,
    /// Batches committed before a kill and answered on a later resend from the stored rows.
    resent_after_commit: usize,
    answered: usize,
}

#[test]
fn a_server_killed_mid_batch_keeps_every_batch_whole_and_stores_each_event_once() {
    let seed = env_seed("TAIZHANG_KILL_SEED", 20261207);
    let cycles = env_u64("TAIZHANG_KILL_CYCLES").unwrap_or(2) as usize;
    let mut rng = Rng(seed);
    let d = District::new();
    let mut pushers: Vec<Pusher> = [("t1", &d.e1, &d.t1), ("t2", &d.e2, &d.t2)]
        .into_iter()
        .map(|(login, e, t)| Pusher {
            dev: d.device(login),
            enterprise: e.clone(),
            township: t.clone(),
            batch: Vec::new(),
            sent: false,
            answered: Vec::new(),
        })
        .collect();
    for p in &mut pushers {
        p.next_batch();
    }
    let push = |base: &str, dev: &Device, batch: &[WireEvent]| {
        let client = Client::new(base, None).unwrap();
        client.push(&Signer { device_id: &dev.id, key: &dev.key }, batch)
    };

    // How long a batch takes to commit here, measured by the kills at commit: the other kills
    // fall within about that span.
    let mut span = 0i64;
    let mut tally = Tally::default();
    for cycle in 0..cycles {
        let at = format!("seed {seed} cycle {cycle}");
        let server = Served::start(&d.url);
        let base = server.base.clone();
        // What each batch about to be sent has on the server already (after a kill that came
        // between its commit and its reply): a resend must be answered from those rows.
        let before: Vec<_> =
            pushers.iter().map(|p| (stored_outcomes(&d.url, &p.batch), device_events(&d.url, &p.dev.id))).collect();
        // Which devices push, and when the kill comes (seeded). Every third kill, the first among
        // them, comes the moment one device's new batch is committed: between its commit and its
        // reply, a window too narrow for a random moment to find. The others come at a random
        // moment within about the time a batch takes to commit, so that some land before a push
        // reaches the server, some during its transaction, some after it.
        let fresh: Vec<usize> = (0..pushers.len()).filter(|&i| before[i].0.is_empty()).collect();
        let at_commit = cycle % 3 == 0 && !fresh.is_empty();
        let mut chosen: Vec<usize> = (0..pushers.len()).filter(|_| rng.below(3) > 0).collect();
        if at_commit {
            chosen = vec![*rng.pick(&fresh)];
        } else if chosen.is_empty() {
            chosen = vec![rng.below(pushers.len() as u64) as usize];
        }
        let delay = rng.between(0, span * 6 / 5) as u64;
        let watched = pushers[chosen[0]].batch.last().unwrap().id.clone();
        let results: Vec<(usize, Result<PushReply, taizhang_sync::SyncError>)> = std::thread::scope(|s| {
            let handles: Vec<_> = chosen
                .iter()
                .map(|&i| {
                    let (dev, batch, base) = (&pushers[i].dev, &pushers[i].batch, base.as_str());
                    s.spawn(move || (i, push(base, dev, batch)))
                })
                .collect();
            if at_commit {
                let mut c = postgres::Client::connect(&d.url, postgres::NoTls).unwrap();
                let (started, q) = (Instant::now(), "SELECT count(*) FROM events WHERE id = $1");
                while c.query_one(q, &[&watched]).unwrap().get::<_, i64>(0) == 0 {
                    assert!(started.elapsed() < Duration::from_secs(300), "{at}: the batch never committed");
                    std::thread::sleep(Duration::from_millis(1));
                }
                span = started.elapsed().as_millis() as i64;
            } else {
                std::thread::sleep(Duration::from_millis(delay));
            }
            server.kill();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        tally.kills_at_commit += usize::from(at_commit);
        tally.kills += 1;
        wait_for_sessions_to_end(&d.url);

        let mut cut = false;
        for (i, result) in results {
            let p = &mut pushers[i];
            p.sent = true;
            let held = stored(&d.url, &p.batch);
            assert!(held == 0 || held == MAX_BATCH as i64, "{at}: {} holds {held} of a batch of {MAX_BATCH}", p.dev.id);
            match result {
                Ok(reply) => {
                    assert_eq!(held, MAX_BATCH as i64, "{at}: answered but not stored");
                    check_resend(&d.url, p, &reply, &before[i], &at);
                    tally.resent_after_commit += usize::from(!before[i].0.is_empty());
                    tally.answered += 1;
                    p.answered.push((std::mem::take(&mut p.batch), reply));
                    p.next_batch();
                }
                Err(e) => {
                    cut = true;
                    assert!(["sync.offline", "sync.bad_reply"].contains(&e.code()), "{at}: {e}");
                    if held == 0 {
                        tally.lost += 1;
                    } else {
                        tally.committed_unanswered += 1;
                    }
                }
            }
        }
        tally.kills_mid_push += usize::from(cut);
        assert_log_dense(&d.url, &at);
        let events = verify_with_the_binary(&d.url);
        assert_eq!(events, count(&d.url, "SELECT count(*) FROM events"), "{at}: verify read every event");
    }

    // Started once more, unkilled: every batch sent and not answered again, then an answered one.
    let server = Served::start(&d.url);
    for p in pushers.iter_mut().filter(|p| p.sent) {
        let before = (stored_outcomes(&d.url, &p.batch), device_events(&d.url, &p.dev.id));
        let reply = push(&server.base, &p.dev, &p.batch).unwrap_or_else(|e| panic!("seed {seed}: resend: {e}"));
        check_resend(&d.url, p, &reply, &before, &format!("seed {seed} at the end"));
        tally.answered += 1;
        p.answered.push((std::mem::take(&mut p.batch), reply));
    }
    // An answered batch sent again long after: the identical reply, nothing new.
    let with_answers: Vec<&Pusher> = pushers.iter().filter(|p| !p.answered.is_empty()).collect();
    let p = rng.pick(&with_answers);
    let (batch, first) = rng.pick(&p.answered);
    let total = count(&d.url, "SELECT count(*) FROM events");
    assert_eq!(&push(&server.base, &p.dev, batch).unwrap(), first, "seed {seed}: an old batch again");
    assert_eq!(count(&d.url, "SELECT count(*) FROM events"), total, "seed {seed}");
    server.kill();
    wait_for_sessions_to_end(&d.url);

    // Every event made is there exactly once, in its device's order.
    assert_log_dense(&d.url, &format!("seed {seed} at the end"));
    for p in &pushers {
        let mut c = postgres::Client::connect(&d.url, postgres::NoTls).unwrap();
        let seqs: Vec<i64> = c
            .query("SELECT device_seq FROM events WHERE device_id = $1 ORDER BY server_seq", &[&p.dev.id])
            .unwrap()
            .into_iter()
            .map(|r| r.get(0))
            .collect();
        let made = p.answered.iter().map(|(b, _)| b.len()).sum::<usize>() as i64;
        assert_eq!(seqs, (1..=made).collect::<Vec<_>>(), "seed {seed}: {}'s chain on the server", p.dev.id);
    }
    let events = verify_with_the_binary(&d.url);
    assert!(tally.kills_mid_push > 0, "seed {seed}: no kill met a push in flight: {tally:?}");
    eprintln!("server kills, seed {seed}: {cycles} cycles, one batch {span} ms, {events} events stored, {tally:?}");
}
