//! A seeded simulation of the district (docs/reliability.md, "Many desks"): the server and ten
//! desktop replicas (the office, townships, departments), each its own ledger file, key and
//! clock, acting at random — registering, resolving on the spot, assigning, signing, noting
//! progress, and acts their role may not do — with offline stretches, and syncs of which some
//! go through a proxy that cuts the request, drops the server's reply after it committed,
//! truncates or delays it, and some run while the server's database connections are
//! terminated under them (`pg_terminate_backend`, every few milliseconds). Then quiescence: every desk syncs until nothing moves, and
//!
//! - every event a desk authored exists once on the server, with an outcome its author holds,
//!   and the server applied none twice;
//! - each desk's problems equal the server's within its unit's scope (the office: all);
//! - every desk's projections equal a rebuild, and every chain verifies, the server's too.
//!
//! `TAIZHANG_SIM_SEED` and `TAIZHANG_SIM_STEPS` replay or lengthen a run; a failure names its
//! seed.

use std::collections::BTreeMap;

use serde_json::Value;
use taizhang_core::*;
use taizhang_server::Store;
use taizhang_sync::client::Client;
use taizhang_testsupport::rng::{env_seed, env_u64, Rng};

use crate::desk::{assign_to, at, server_problems, Desk};
use crate::fixture::District;
use crate::proxy::{Fault, Proxy};

struct Member {
    desk: Desk,
    unit: String,
    role: Role,
    /// The enterprise a township registers for.
    enterprise: Option<String>,
    offline_until: usize,
}

fn status_of(p: &Value) -> &str {
    p["status"].as_str().unwrap_or("")
}

/// Problems in this desk's view with `status`, optionally of one township or led by one unit.
fn pick(
    rng: &mut Rng,
    problems: &BTreeMap<String, Value>,
    status: &str,
    filter: impl Fn(&Value) -> bool,
) -> Option<String> {
    let ids: Vec<&String> =
        problems.iter().filter(|(_, p)| status_of(p) == status && filter(p)).map(|(id, _)| id).collect();
    (!ids.is_empty()).then(|| ids[rng.below(ids.len() as u64) as usize].clone())
}

/// One act of `m` at `minutes`, chosen by its role. Acts the desk's own copy refuses write
/// nothing; acts it allows wait as pending, whatever the server will make of them.
fn act(rng: &mut Rng, d: &District, m: &mut Member, minutes: i64) {
    let login = m.desk.login.clone();
    let problems = m.desk.problems();
    let now = at(minutes);
    let cmd = match m.role {
        Role::Township => match rng.below(10) {
            0..=4 => {
                m.desk.register(m.enterprise.as_ref().unwrap(), &format!("{login} 第{minutes}分钟登记的问题"), minutes);
                return;
            }
            5..=6 => match pick(rng, &problems, "registered", |p| p["township_id"] == m.unit.as_str()) {
                Some(id) => Command::ResolveLocally {
                    problem_id: id,
                    result_text: "已就地解决".into(),
                    attachments: Vec::new(),
                },
                None => return,
            },
            // Not a township's act: its own copy refuses it, and nothing is written.
            7 => {
                let Some(id) = pick(rng, &problems, "registered", |_| true) else { return };
                let forbidden = Command::Assign { problem_id: id, request: assign_to(&d.d1) };
                let pending = m.desk.ledger.pending_count().unwrap();
                assert!(m.desk.ledger.execute(&login, &forbidden, now).is_err(), "a township may not assign");
                assert_eq!(m.desk.ledger.pending_count().unwrap(), pending);
                return;
            }
            _ => return,
        },
        Role::Office => match pick(rng, &problems, "registered", |_| true) {
            Some(id) => {
                Command::Assign { problem_id: id, request: assign_to(if rng.below(2) == 0 { &d.d1 } else { &d.d2 }) }
            }
            None => return,
        },
        Role::Department => {
            let mine = |p: &Value| p["assignment"]["lead_unit_id"] == m.unit.as_str();
            if let Some(id) = pick(rng, &problems, "assigned", mine) {
                Command::Sign { problem_id: id, handler: login.clone() }
            } else if let Some(id) = pick(rng, &problems, "in_progress", mine) {
                Command::NoteProgress {
                    problem_id: id,
                    text: format!("第{minutes}分钟的进展"),
                    stage_reply: false,
                    attachments: Vec::new(),
                }
            } else {
                return;
            }
        }
        Role::Leader => return,
    };
    // The desk's copy may already know better (another desk's act arrived): a refusal here
    // writes nothing, which is what the test checks of it.
    let pending = m.desk.ledger.pending_count().unwrap();
    if m.desk.ledger.execute(&login, &cmd, now).is_err() {
        assert_eq!(m.desk.ledger.pending_count().unwrap(), pending, "{login}: a refused act writes nothing");
    }
}

/// A sync of `m` straight to the server, or through the proxy with a fault armed. A faulted
/// sync may fail; whatever it did, the desk's file stays consistent and keeps its pending
/// events until the server has answered for them.
/// Terminates the district database's server connections (`pg_terminate_backend`) every few
/// milliseconds until dropped: a push or pull in flight loses its transaction, an idle pooled
/// connection dies under the server.
struct BackendKiller {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<usize>>,
}

impl BackendKiller {
    fn start(url: &str, seed: u64) -> BackendKiller {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (s, url) = (stop.clone(), url.to_string());
        let thread = std::thread::spawn(move || {
            let mut rng = Rng(seed);
            let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            let mut killed = 0;
            while !s.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(rng.between(1, 15) as u64));
                let rows = c
                    .query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                         WHERE datname = current_database() AND pid <> pg_backend_pid()",
                        &[],
                    )
                    .unwrap();
                killed += rows.len();
            }
            killed
        });
        BackendKiller { stop, thread: Some(thread) }
    }

    /// Stops, and says how many connections it terminated.
    fn finish(mut self) -> usize {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.take().unwrap().join().unwrap()
    }
}

/// Returns the connections terminated under it, and whether it failed.
fn sync(rng: &mut Rng, m: &mut Member, proxy: &Proxy, d: &District, minutes: i64, seed: u64) -> (usize, bool) {
    let pending = m.desk.ledger.pending_count().unwrap();
    let info = m.desk.ledger.replica().unwrap();
    let key = taizhang_sync::key::load(std::path::Path::new(&info.key_file)).unwrap();
    let (fault, path) = match rng.below(10) {
        0 => (Some(Fault::DropReply), "/v1/push"),
        1 => (Some(Fault::CutRequest), if rng.below(2) == 0 { "/v1/push" } else { "/v1/pull" }),
        2 => (Some(Fault::Truncate), "/v1/pull"),
        3 if rng.below(4) == 0 => (Some(Fault::Delay), "/v1/push"),
        _ => (None, ""),
    };
    let killer = (fault.is_none() && rng.below(8) == 0).then(|| BackendKiller::start(&d.url, rng.next_u64()));
    let client = match fault {
        Some(f) => {
            proxy.arm(f, path);
            Client::new(&proxy.base, None).unwrap()
        }
        None => Client::new(&info.server_url, None).unwrap(),
    };
    let result = taizhang_sync::sync_with(&mut m.desk.ledger, &client, &key, at(minutes), &mut |_| {});
    proxy.disarm();
    let killed = killer.map_or(0, BackendKiller::finish);
    let failed = result.is_err();
    match result {
        Ok(s) => assert!(s.pending <= pending, "seed {seed}: {s:?}"),
        Err(e) if fault.is_some() => assert!(
            ["sync.offline", "sync.bad_reply"].contains(&e.code()),
            "seed {seed}: a lost or broken reply is offline or a bad reply, not {}: {e}",
            e.code()
        ),
        // The server's database connection died under the request: the server says so.
        Err(e) if killed > 0 => assert!(
            ["server.database", "server.internal", "sync.offline", "sync.bad_reply"].contains(&e.code()),
            "seed {seed}: a terminated backend is a server error, not {}: {e}",
            e.code()
        ),
        Err(e) => panic!("seed {seed}: {} failed without a fault: {e}", m.desk.login),
    }
    m.desk.assert_rebuild_equal();
    (killed, failed)
}

#[test]
fn ten_desks_with_faults_and_offline_stretches_end_equal_to_the_server() {
    let seed = env_seed("TAIZHANG_SIM_SEED", 20261206);
    let steps = env_u64("TAIZHANG_SIM_STEPS").unwrap_or(160) as usize;
    let mut rng = Rng(seed);
    let d = District::new();
    for (login, unit, role) in [
        ("t1b", d.t1.clone(), Role::Township),
        ("t1c", d.t1.clone(), Role::Township),
        ("t2b", d.t2.clone(), Role::Township),
        ("d1b", d.d1.clone(), Role::Department),
        ("d2b", d.d2.clone(), Role::Department),
    ] {
        d.user(login, &unit, role);
    }
    let office_unit = d.store.user(&d.user_id("admin")).unwrap().unwrap().unit_id;
    let plan: Vec<(&str, String, Role, Option<String>)> = vec![
        ("admin", office_unit, Role::Office, None),
        ("t1", d.t1.clone(), Role::Township, Some(d.e1.clone())),
        ("t1b", d.t1.clone(), Role::Township, Some(d.e1.clone())),
        ("t1c", d.t1.clone(), Role::Township, Some(d.e1.clone())),
        ("t2", d.t2.clone(), Role::Township, Some(d.e2.clone())),
        ("t2b", d.t2.clone(), Role::Township, Some(d.e2.clone())),
        ("d1", d.d1.clone(), Role::Department, None),
        ("d1b", d.d1.clone(), Role::Department, None),
        ("d2", d.d2.clone(), Role::Department, None),
        ("d2b", d.d2.clone(), Role::Department, None),
    ];
    let mut members: Vec<Member> = plan
        .into_iter()
        .map(|(login, unit, role, enterprise)| {
            let mut desk = Desk::join(&d, login);
            desk.sync(2);
            Member { desk, unit, role, enterprise, offline_until: 0 }
        })
        .collect();
    let proxy = Proxy::start(&d.server.base);
    let (mut terminated, mut failed_syncs) = (0, 0);

    for step in 0..steps {
        let minutes = 10 + step as i64;
        let i = rng.below(members.len() as u64) as usize;
        let m = &mut members[i];
        act(&mut rng, &d, m, minutes);
        if step >= m.offline_until {
            match rng.below(10) {
                0..=3 => {
                    let (killed, failed) = sync(&mut rng, m, &proxy, &d, minutes, seed);
                    terminated += killed;
                    failed_syncs += usize::from(failed);
                }
                4 => m.offline_until = step + rng.between(10, 40) as usize,
                _ => {}
            }
        }
    }
    assert!(!proxy.faults_fired.lock().unwrap().is_empty(), "seed {seed}: the run met no fault");

    // Quiescence: everyone online, syncing until nothing moves.
    let end = 10 + steps as i64;
    for round in 0..3 {
        for m in members.iter_mut() {
            m.desk.sync(end + round);
        }
    }

    let events_on_server = |device: &str, outcome: Option<&str>| -> i64 {
        let mut c = postgres::Client::connect(&d.url, postgres::NoTls).unwrap();
        let q = match outcome {
            Some(o) => c.query_one("SELECT count(*) FROM events WHERE device_id = $1 AND outcome = $2", &[&device, &o]),
            None => c.query_one("SELECT count(*) FROM events WHERE device_id = $1", &[&device]),
        };
        q.unwrap().get(0)
    };
    let mut authored_total = 0;
    let mut not_applied_total = 0;
    for m in &members {
        let who = &m.desk.login;
        let device = m.desk.ledger.device_id().to_string();
        assert_eq!(m.desk.ledger.pending_count().unwrap(), 0, "seed {seed}: {who} still has pending events");
        let authored: i64 = m
            .desk
            .ledger
            .connection()
            .query_row("SELECT count(*) FROM events WHERE device_id = ?1", [&device], |r| r.get(0))
            .unwrap();
        authored_total += authored;
        assert_eq!(events_on_server(&device, None), authored, "seed {seed}: {who}'s events, once each, on the server");
        let status = taizhang_sync::status(&m.desk.ledger).unwrap();
        let not_applied = events_on_server(&device, Some("no_effect")) + events_on_server(&device, Some("refused"));
        assert_eq!(status.not_applied.len() as i64, not_applied, "seed {seed}: {who} holds every outcome it was given");
        not_applied_total += not_applied;
        let scope =
            if m.role == Role::Office { crate::desk::server_all_problems(&d) } else { server_problems(&d, &m.unit) };
        assert_eq!(m.desk.problems(), scope, "seed {seed}: {who} equals the server in its scope");
    }
    assert!(authored_total > steps as i64 / 4, "seed {seed}: the desks did little ({authored_total} events)");
    let fired = proxy.faults_fired.lock().unwrap().len();
    eprintln!(
        "simulation seed {seed}: {steps} steps, {} desks, {authored_total} events authored, {not_applied_total} not applied, {fired} faults, {terminated} backends terminated, {failed_syncs} syncs failed",
        members.len()
    );
    assert_eq!(d.store.verify().unwrap().broken, None, "seed {seed}: the server's chain");
}
