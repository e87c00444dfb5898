//! The server rows' load: real decided events, and the devices that push them.
//!
//! The events are the demo district's (`taizhang_demo::generate`: registrations, visits,
//! assignments, signs, returns and rulings, progress, extensions, opinions, urging,
//! resolutions, evaluations, closings, withdrawals), each decided by the core as the desktop
//! decides a command. A desktop device acts for one user, so each actor gets a device of its
//! own: the actor's events, in the ledger's order, are that device's chain, hashed and signed
//! with its key as `taizhang_sync` signs an outbox. The genesis is the server's own (made by
//! `PgStore::init`); the demo ledger's three genesis ids (ledger, office, `admin`) are replaced
//! by the server's in every later event, which is all that differs between the two districts.
//!
//! Batches: desktops sync in turn, each pushing what it has that the server can already
//! decide — the longest prefix of its chain (at most `MAX_BATCH`) whose events' earlier
//! events on the same problem, enterprise or visit are already on the server. District-wide
//! events (units, users, calendar, settings) are pushed in the ledger's order, after
//! everything before them. The server decides every event on arrival; the bench requires
//! every one to be applied.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Utc};
use taizhang_core::chain::GENESIS_HASH;
use taizhang_core::EventBody;
use taizhang_demo::{generate, DemoOptions};
use taizhang_ledger::Ledger;
use taizhang_protocol::sign::{public_key_hex, sign_event, signing_key, SigningKey};
use taizhang_protocol::{WireEvent, MAX_BATCH};

use crate::{remove_db, secs, thousands, Res};

/// One event of the demo ledger, as its device will push it.
pub struct SrcEvent {
    pub actor: usize,
    pub id: String,
    pub occurred_at: String,
    pub kind: String,
    pub schema_version: i64,
    pub payload: String,
    /// The previous event on each of its problem, enterprise and visit.
    deps: Vec<u32>,
    /// A district-wide event (units, users, calendar, settings): pushed after everything before it.
    global: bool,
    /// The problem's township, for a registration.
    pub township: Option<String>,
}

pub struct Source {
    /// After the genesis, in the ledger's order.
    pub events: Vec<SrcEvent>,
    /// The actors' user ids in the demo ledger.
    pub actors: Vec<String>,
    /// The demo ledger's genesis ids: ledger, office unit, `admin`.
    pub genesis: [String; 3],
}

/// The genesis ids of a log: the ledger id, the office unit and `admin`, from its first three events.
pub fn genesis_ids(first: &[(String, String)]) -> Res<[String; 3]> {
    let body = |i: usize| -> Res<EventBody> {
        let (kind, payload) = first.get(i).ok_or("a log shorter than its genesis")?;
        Ok(EventBody::from_parts(kind, serde_json::from_str(payload)?)?)
    };
    match (body(0)?, body(1)?, body(2)?) {
        (
            EventBody::LedgerInitialized { ledger_id, .. },
            EventBody::UnitCreated { unit },
            EventBody::UserCreated { user },
        ) => Ok([ledger_id, unit.id, user.id]),
        _ => Err("the log does not start with a genesis".into()),
    }
}

/// The demo district of `problems` problems (generated into `path`, or read from it with
/// `reuse`), its events after the genesis with their dependencies.
pub fn source(path: &Path, problems: usize, end: DateTime<Utc>, reuse: bool, facts: &mut Vec<String>) -> Res<Source> {
    let opts = DemoOptions { problems, seed: 2026, end, days: 300, monitoring: true };
    let ledger = if reuse && path.exists() {
        eprintln!("server: reusing {}", path.display());
        Ledger::open(path)?
    } else {
        remove_db(path);
        eprintln!("server: generating the demo district of {problems} problems into {}", path.display());
        let t = Instant::now();
        let mut l = Ledger::create(path, opts.start())?;
        let r = generate(&mut l, &opts, &mut |_, _| {})?;
        eprintln!("server: {} events generated in {}", thousands(r.events as f64), secs(t.elapsed().as_secs_f64()));
        l
    };
    let conn = ledger.connection();
    let problems: i64 = conn.query_row("SELECT count(*) FROM problems", [], |r| r.get(0))?;
    let mut st =
        conn.prepare("SELECT actor, id, occurred_at, kind, schema_version, payload FROM events ORDER BY seq")?;
    let mut rows = st.query([])?;
    let genesis_len = taizhang_core::genesis::genesis_events("", "", "").len();
    let mut head = Vec::new();
    let mut actors: Vec<String> = Vec::new();
    let mut actor_index: HashMap<String, usize> = HashMap::new();
    let mut keys: HashMap<String, u32> = HashMap::new();
    let mut events = Vec::new();
    while let Some(r) = rows.next()? {
        let (actor, id, occurred_at, kind, schema_version, payload): (String, String, String, String, i64, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
        if head.len() < genesis_len {
            head.push((kind, payload));
            continue;
        }
        let body = EventBody::from_parts(&kind, serde_json::from_str(&payload)?)?;
        let (subjects, township) = subjects(&body);
        let index = events.len() as u32;
        let deps = subjects.iter().filter_map(|s| keys.insert(s.clone(), index)).collect();
        let next = actors.len();
        let a = *actor_index.entry(actor.clone()).or_insert(next);
        if a == next {
            actors.push(actor);
        }
        events.push(SrcEvent {
            actor: a,
            id,
            occurred_at,
            kind,
            schema_version,
            payload,
            deps,
            global: subjects.is_empty(),
            township,
        });
    }
    let genesis = genesis_ids(&head)?;
    facts.push(format!(
        "Server load: the demo district (`taizhang_demo::generate`, seed 2026, 300 days) of {} problems: {} events after the genesis by {} users, each user's events pushed by a device of its own ({} devices).",
        thousands(problems as f64),
        thousands(events.len() as f64),
        actors.len(),
        actors.len()
    ));
    Ok(Source { events, actors, genesis })
}

/// What an event must follow: its problem, enterprise and visit (none: district-wide); and,
/// for a registration, the township.
fn subjects(body: &EventBody) -> (Vec<String>, Option<String>) {
    use EventBody as E;
    let mut s = Vec::new();
    let mut township = None;
    if let Some(p) = body.problem_id() {
        s.push(format!("p{p}"));
    }
    match body {
        E::ProblemRegistered { enterprise_id, visit_id, township_id, .. } => {
            s.push(format!("e{enterprise_id}"));
            if let Some(v) = visit_id {
                s.push(format!("v{v}"));
            }
            township = Some(township_id.clone());
        }
        E::ProblemImported { row, .. } => s.push(format!("e{}", row.enterprise_id)),
        E::EnterpriseCreated { enterprise } | E::EnterpriseUpdated { enterprise } => {
            s.push(format!("e{}", enterprise.id))
        }
        E::VisitRecorded { visit } => {
            s.push(format!("v{}", visit.id));
            s.push(format!("e{}", visit.enterprise_id));
        }
        _ => {}
    }
    (s, township)
}

/// One push: a device and its events (indexes into `Source::events`).
pub struct Batch {
    pub device: usize,
    pub events: Vec<u32>,
}

/// The batches, in the order they are pushed (see the module's comment).
pub fn schedule(src: &Source) -> Vec<Batch> {
    let n = src.events.len();
    let mut pushed = vec![false; n];
    let mut out: Vec<Batch> = Vec::new();
    let mut i = 0;
    while i < n {
        if src.events[i].global {
            // District-wide events, in order: runs of one actor are one batch.
            let mut first = true;
            while i < n && src.events[i].global {
                let a = src.events[i].actor;
                match out.last_mut() {
                    Some(b) if !first && b.device == a && b.events.len() < MAX_BATCH => b.events.push(i as u32),
                    _ => out.push(Batch { device: a, events: vec![i as u32] }),
                }
                first = false;
                pushed[i] = true;
                i += 1;
            }
            continue;
        }
        // A stretch between district-wide events: devices push in turn.
        let end = (i..n).find(|&j| src.events[j].global).unwrap_or(n);
        let mut queues: Vec<VecDeque<u32>> = (0..src.actors.len()).map(|_| VecDeque::new()).collect();
        for j in i..end {
            queues[src.events[j].actor].push_back(j as u32);
        }
        let mut left = end - i;
        while left > 0 {
            let before = left;
            for (d, q) in queues.iter_mut().enumerate() {
                let mut batch = Vec::new();
                while let Some(&j) = q.front() {
                    if batch.len() == MAX_BATCH || !src.events[j as usize].deps.iter().all(|&k| pushed[k as usize]) {
                        break;
                    }
                    pushed[j as usize] = true;
                    batch.push(j);
                    q.pop_front();
                }
                if !batch.is_empty() {
                    left -= batch.len();
                    out.push(Batch { device: d, events: batch });
                }
            }
            // The earliest event not pushed always can be: every event it follows is earlier.
            assert!(left < before, "the schedule is stuck");
        }
        i = end;
    }
    out
}

/// A desktop device of one user: its id, key and chain.
pub struct Device {
    pub id: String,
    pub key: SigningKey,
    /// The user it acts for, as the server knows them.
    pub user_id: String,
    seq: i64,
    last_hash: String,
}

impl Device {
    pub fn new(n: usize, user_id: &str) -> Device {
        let mut secret = [7u8; 32];
        secret[..8].copy_from_slice(&(n as u64).to_le_bytes());
        Device {
            id: format!("bench-device-{n}"),
            key: signing_key(&secret),
            user_id: user_id.to_string(),
            seq: 0,
            last_hash: GENESIS_HASH.to_string(),
        }
    }

    pub fn public_key(&self) -> String {
        public_key_hex(&self.key)
    }

    /// The next link of this device's chain: the event with the server's genesis ids, hashed
    /// and signed.
    pub fn next(&mut self, e: &SrcEvent, ids: &[(String, String)]) -> WireEvent {
        let mut payload = e.payload.clone();
        for (old, new) in ids {
            if payload.contains(old.as_str()) {
                payload = payload.replace(old.as_str(), new);
            }
        }
        let mut w = WireEvent {
            id: e.id.clone(),
            device_id: self.id.clone(),
            device_seq: self.seq + 1,
            prev_hash: self.last_hash.clone(),
            hash: String::new(),
            actor: self.user_id.clone(),
            occurred_at: e.occurred_at.clone(),
            kind: e.kind.clone(),
            schema_version: e.schema_version,
            payload,
            sig_alg: String::new(),
            sig: String::new(),
        };
        sign_event(&self.key, &mut w);
        self.seq = w.device_seq;
        self.last_hash = w.hash.clone();
        w
    }
}
