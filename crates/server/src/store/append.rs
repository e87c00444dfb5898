//! The one appender. `Appender::begin` opens the transaction and takes a transaction-scoped
//! advisory lock, so appends are serialized and `server_seq` (max + 1 under the lock, no gaps)
//! is commit order: a reader polling `server_seq > N` can never pass over a row that commits
//! later with a lower number. Every accepted event goes through `append`: re-decided with the
//! core against the projections as the batch has left them, folded when applied, chained. The
//! batch's rows are written by `commit`, a few set-based statements for the whole batch
//! (docs/server.md, "One appender").

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use postgres::types::{ToSql, Type};
use postgres::Client;

use taizhang_core::admit::{admit, AdmitContext};
use taizhang_core::calendar::Calendar;
use taizhang_core::chain::GENESIS_HASH;
use taizhang_core::event::EVENT_SCHEMA_VERSION;
use taizhang_core::workflow::{decide, Context};
use taizhang_core::{Actor, Command, DomainError, EventBody, EventMeta, Settings};

use super::prepared::{Db, Prepared};
use super::projections::{Ahead, Carried, Projections};
use super::reads::{ReadRow, Reads};
use super::writes::Writes;
use crate::error::{reason_json, Result, ServerError};
use crate::protocol::{EventOutcome, WireEvent};
use crate::sign::chain_link;
use crate::store::{fold, world};
use crate::verdict::{outcome as outcome_of, Verdict};

/// Key of the appender's advisory lock (the schema migration uses (7242, 1)).
const APPEND_LOCK: (i32, i32) = (7242, 2);

/// Why an event is stored without being decided or folded.
pub enum Precheck {
    /// Decide it with the core.
    Decide,
    /// Already decided by the core in this transaction (the office's own commands).
    Decided,
    /// Stored as refused, with this reason and flag, without asking the core.
    Refuse { code: &'static str, flag: &'static str },
}

/// A row of `events` waiting for the batch's one insert.
struct EventRow {
    ev: WireEvent,
    server_seq: i64,
    chain_hash: String,
    outcome: &'static str,
    reason: Option<serde_json::Value>,
    reason_code: String,
    flag: &'static str,
    scope: fold::Scope,
}

pub struct Appender<'c> {
    tx: Db<'c>,
    projections: Projections,
    /// Where the projections are carried over from batch to batch, and the position of the log
    /// the ones taken from there are true at.
    carried: Option<&'c Carried>,
    carried_at: Option<i64>,
    rows: Vec<EventRow>,
    /// The files each appended event names: (sha256, server_seq), for `attachment_refs`.
    refs: (Vec<String>, Vec<i64>),
    /// Each device's chain head as this batch leaves it: (device_seq, hash, occurred_at).
    heads: BTreeMap<String, (i64, String, String)>,
    /// The device's event before the batch, when the caller read it: (device, seq, occurred_at).
    previous: Option<(String, i64, String)>,
    /// Whether `read` has read the head of the log (`last_seq`, `last_chain`, `context_at`).
    head_read: bool,
    last_seq: i64,
    last_chain: String,
    /// Position of the context in force (`context_at`).
    context_at: i64,
    now: DateTime<Utc>,
    /// Shared with `ContextCache` until a calendar or settings event of the batch changes it
    /// (then copied): cloning a year's calendar for every batch was a measurable part of a push.
    context: Option<Arc<(Calendar, Settings)>>,
}

impl<'c> Appender<'c> {
    /// Opens the transaction and waits for the append lock, in one round trip. Nothing is
    /// appended before `read` has read the head of the log under the lock. `prepared` is the
    /// connection's: the appender's statements are prepared once for it (and again as the log
    /// doubles, `Db::replan_if_grown`), and run with their generic plans. `carried` keeps the
    /// projections from one batch to the next (`Carried`); they are taken under the lock.
    pub fn begin(
        client: &'c mut Client,
        prepared: &'c mut Prepared,
        carried: Option<&'c Carried>,
        now: DateTime<Utc>,
    ) -> Result<Appender<'c>> {
        // Generic plans: each statement is planned once for the tables' present sizes and the
        // plan reused; left to choose, PostgreSQL planned the combined read afresh for every
        // batch (its arrays' lengths make each custom plan look cheaper), a third of its time
        // (bench/notes.md, stop 30).
        let (mut tx, _) = Db::begin(
            client,
            prepared,
            &format!(
                "SET LOCAL plan_cache_mode = force_generic_plan; SELECT pg_advisory_xact_lock({}, {})",
                APPEND_LOCK.0, APPEND_LOCK.1
            ),
        )?;
        tx.replan_if_grown();
        let (carried_at, projections) = match carried.and_then(Carried::take) {
            Some((at, projections)) => (Some(at), projections),
            None => (None, Projections::new()),
        };
        Ok(Appender {
            tx,
            projections,
            carried,
            carried_at,
            rows: Vec::new(),
            refs: Default::default(),
            heads: BTreeMap::new(),
            previous: None,
            head_read: false,
            last_seq: 0,
            last_chain: GENESIS_HASH.to_string(),
            context_at: 0,
            now,
            context: None,
        })
    }

    /// Sends `reads` with the head of the server chain and the position of the context in
    /// force, as one statement under the lock, and answers the caller's rows. Called once,
    /// before anything is decided or appended.
    pub fn read(&mut self, mut reads: Reads) -> Result<Vec<ReadRow>> {
        reads.add(
            &format!(
                "SELECT 'head', coalesce(h.server_seq, 0)::text,
                        json_build_object('chain', h.chain_hash,
                            'context_at', (SELECT coalesce(max(server_seq), 0) FROM events WHERE {}))::text
                   FROM (SELECT 1) one
                   LEFT JOIN LATERAL (SELECT server_seq, chain_hash FROM events ORDER BY server_seq DESC LIMIT 1) h
                     ON true",
                world::CONTEXT_EVENTS
            ),
            Vec::new(),
        );
        let mut rows = reads.send(&mut self.tx)?;
        let at = rows
            .iter()
            .position(|r| r.part == "head")
            .ok_or_else(|| ServerError::Internal("the head of the log was not read".into()))?;
        let head = rows.swap_remove(at);
        #[derive(serde::Deserialize)]
        struct Head {
            chain: Option<String>,
            context_at: i64,
        }
        let parsed: Head = serde_json::from_str(&head.value)
            .map_err(|e| ServerError::Internal(format!("the head of the log: {e}")))?;
        self.last_seq = head.key.parse().map_err(|e| ServerError::Internal(format!("the head of the log: {e}")))?;
        self.last_chain = parsed.chain.unwrap_or_else(|| GENESIS_HASH.to_string());
        self.context_at = parsed.context_at;
        if self.carried_at.is_some_and(|at| at != self.last_seq) {
            // Another process appended since these projections were true: start from the
            // rows just read; the rest is read when asked for.
            self.projections.afresh();
        }
        self.tx.log_size(self.last_seq);
        self.head_read = true;
        Ok(rows)
    }

    fn head_was_read(&self) -> Result<()> {
        if self.head_read {
            Ok(())
        } else {
            Err(ServerError::Internal("the appender appended before reading the head of the log".into()))
        }
    }

    /// The position of the last calendar or settings event applied, read under the lock:
    /// what `ContextCache` keys the context in force by.
    pub fn context_at(&self) -> i64 {
        self.context_at
    }

    /// The time of the event before a batch's first, as the caller read it with the batch's
    /// duplicates (`Seen`): (device, device_seq, occurred_at).
    pub fn know_previous(&mut self, previous: Option<(String, i64, String)>) {
        self.previous = previous;
    }

    /// Starts the batch from the context in force (a push reads it through `ContextCache`);
    /// otherwise it is read when first needed.
    pub fn use_context(&mut self, context: Arc<(Calendar, Settings)>) {
        self.context = Some(context);
    }

    /// The transaction's connection, for what the caller reads and writes besides the log
    /// (devices, alarms).
    pub fn tx(&mut self) -> &mut Client {
        &mut self.tx
    }

    /// Asks ahead, as a part of the push's combined read, for the projections a batch of
    /// events will ask for (`take_ahead` takes the answer).
    pub fn ask_ahead(&mut self, reads: &mut Reads, events: &[WireEvent], parsed: &[Parsed]) {
        let mut ahead = Ahead::default();
        for (ev, parsed) in events.iter().zip(parsed) {
            ahead.users.push(ev.actor.clone());
            let Ok((body, _)) = parsed else { continue };
            if let Some(pid) = body.problem_id() {
                ahead.problems.push(pid.to_string());
            }
            match body {
                EventBody::ProblemRegistered { enterprise_id, visit_id, number, .. } => {
                    ahead.enterprises.push(enterprise_id.clone());
                    ahead.visits.extend(visit_id.clone());
                    ahead.numbers.push(number.clone());
                }
                EventBody::VisitRecorded { visit } => {
                    ahead.enterprises.push(visit.enterprise_id.clone());
                    ahead.visits.push(visit.id.clone());
                }
                EventBody::IndicatorsReported { report } => ahead.enterprises.push(report.enterprise_id.clone()),
                EventBody::ProductionReported { report } => ahead.enterprises.push(report.enterprise_id.clone()),
                _ => {}
            }
        }
        for keys in
            [&mut ahead.problems, &mut ahead.enterprises, &mut ahead.visits, &mut ahead.users, &mut ahead.numbers]
        {
            keys.sort();
            keys.dedup();
        }
        self.projections.ask_ahead(reads, ahead);
    }

    /// Takes the rows that answer `ask_ahead`.
    pub fn take_ahead(&mut self, rows: Vec<ReadRow>) -> Result<()> {
        self.projections.take_ahead(rows)
    }

    fn context(&mut self) -> Result<&(Calendar, Settings)> {
        if self.context.is_none() {
            self.context = Some(Arc::new(world::context(&mut *self.tx)?));
        }
        Ok(self.context.as_deref().expect("just read"))
    }

    /// The core's decision on an office command as `who`, against the district as this batch
    /// has left it; its events are then appended by the caller, signed by the server's device.
    pub fn decide(&mut self, cmd: &Command, who: &Actor) -> Result<Vec<EventBody>> {
        self.head_was_read()?;
        self.context()?;
        let (calendar, settings) = self.context.as_deref().expect("just read");
        let ctx = Context { now: self.now, calendar, settings };
        let world = world::PgWorld::new(&mut self.tx, &mut self.projections);
        let decided = decide(cmd, who, &ctx, &world);
        world.into_result()?;
        Ok(decided?)
    }

    /// The time of the device's previous event: the core's time rule reads "the latest event
    /// before this one" as the device's own history. Devices' clocks differ and an offline
    /// device's acts arrive late, so the district's latest time would refuse honest late
    /// arrivals; order across devices is `server_seq`, and the problem-level rule (no act
    /// before its problem's latest event) is the core's own.
    fn device_latest(&mut self, ev: &WireEvent) -> Result<Option<DateTime<Utc>>> {
        let text = match self.heads.get(&ev.device_id) {
            Some((seq, _, at)) if *seq == ev.device_seq - 1 => Some(at.clone()),
            _ => match &self.previous {
                Some((device, seq, at)) if *device == ev.device_id && *seq == ev.device_seq - 1 => Some(at.clone()),
                _ => self
                    .tx
                    .query_prepared(
                        "SELECT occurred_at FROM events WHERE device_id = $1 AND device_seq = $2",
                        &[(&ev.device_id, Type::TEXT), (&(ev.device_seq - 1), Type::INT8)],
                    )?
                    .first()
                    .map(|r| r.get(0)),
            },
        };
        Ok(text.and_then(|t| DateTime::parse_from_rfc3339(&t).ok()).map(|t| t.with_timezone(&Utc)))
    }

    /// Appends one verified event (signature and device chain already checked) with its
    /// outcome; `parsed` is `parse(ev)`, which the caller has made once for all its uses.
    pub fn append(&mut self, ev: &WireEvent, parsed: &Parsed, pre: Precheck) -> Result<EventOutcome> {
        self.head_was_read()?;
        let server_seq = self.last_seq + 1;
        let verdict = match (&pre, parsed) {
            (Precheck::Refuse { .. }, _) => None,
            (_, Err(e)) => Some(Verdict::Refused(e.clone())),
            (Precheck::Decided, Ok(_)) => Some(Verdict::Admitted),
            (Precheck::Decide, Ok((body, meta))) => {
                let latest = self.device_latest(ev)?;
                self.context()?;
                let (calendar, settings) = self.context.as_deref().expect("just read");
                let ctx = AdmitContext {
                    calendar,
                    settings,
                    position: (server_seq - 1) as u64,
                    latest,
                    received_at: Some(self.now),
                };
                let w = world::PgWorld::new(&mut self.tx, &mut self.projections);
                let v = admit(body, meta, &ctx, &w);
                w.into_result()?;
                Some(v)
            }
        };
        let (outcome, reason, flag) = match (&pre, &verdict) {
            (Precheck::Refuse { code, flag }, _) => ("refused", Some(serde_json::json!({ "code": code })), *flag),
            (_, Some(v)) => (outcome_of(v), v.error().map(reason_json), ""),
            (_, None) => unreachable!("a verdict unless refused up front"),
        };
        let reason_code = reason.as_ref().and_then(|r| r["code"].as_str()).unwrap_or("").to_string();
        let scope = match parsed {
            Ok((body, _)) => fold::scope(&mut self.tx, &mut self.projections, body)?,
            Err(_) => (None, None, None),
        };
        if let (Some(Verdict::Admitted), Ok((body, meta))) = (&verdict, parsed) {
            fold::apply(&mut self.tx, &mut self.projections, body, meta, server_seq)?;
            // Only a calendar or settings event copies the shared context (`make_mut`).
            if let Some(context) = self.context.as_mut().filter(|_| world::is_context_event(body)) {
                world::fold_context(Arc::make_mut(context), body);
            }
        }
        if let Ok((body, _)) = parsed {
            for unit in fold::grant_receivers(&mut self.tx, &mut self.projections, body, &scope)? {
                self.projections.deliver(unit, server_seq);
            }
        }
        let chain_hash = chain_link(&self.last_chain, server_seq, &ev.hash, outcome, &reason_code, flag);
        self.heads.insert(ev.device_id.clone(), (ev.device_seq, ev.hash.clone(), ev.occurred_at.clone()));
        self.last_seq = server_seq;
        self.last_chain = chain_hash.clone();
        let reply = EventOutcome {
            id: ev.id.clone(),
            device_seq: ev.device_seq,
            server_seq,
            outcome: outcome.to_string(),
            reason: reason.clone(),
            flag: (!flag.is_empty()).then(|| flag.to_string()),
        };
        self.rows.push(EventRow { ev: ev.clone(), server_seq, chain_hash, outcome, reason, reason_code, flag, scope });
        Ok(reply)
    }

    /// Records that the event appended at `server_seq` names these files (written with the
    /// batch's statement).
    pub fn refer(&mut self, server_seq: i64, sha256: &[String]) {
        for s in sha256 {
            self.refs.0.push(s.clone());
            self.refs.1.push(server_seq);
        }
    }

    /// Writes the batch (its events, the projections it changed, the devices' chain heads) in
    /// one statement, and commits.
    pub fn commit(mut self) -> Result<()> {
        let mut w = Writes::default();
        self.write_events(&mut w);
        self.projections.flush(&mut w)?;
        if !self.refs.0.is_empty() {
            let (files, seqs) = std::mem::take(&mut self.refs);
            w.add(
                "INSERT INTO attachment_refs (sha256, server_seq) SELECT * FROM unnest($1::text[], $2::bigint[])
                 ON CONFLICT DO NOTHING",
                vec![(Box::new(files), Type::TEXT_ARRAY), (Box::new(seqs), Type::INT8_ARRAY)],
            );
        }
        if !self.heads.is_empty() {
            let mut cols: (Vec<String>, Vec<i64>, Vec<String>) = Default::default();
            for (device, (seq, hash, _)) in &self.heads {
                cols.0.push(device.clone());
                cols.1.push(*seq);
                cols.2.push(hash.clone());
            }
            w.add(
                "UPDATE devices d SET last_seq = h.seq, last_hash = h.hash
                 FROM unnest($1::text[], $2::bigint[], $3::text[]) AS h (id, seq, hash) WHERE d.id = h.id",
                vec![
                    (Box::new(cols.0), Type::TEXT_ARRAY),
                    (Box::new(cols.1), Type::INT8_ARRAY),
                    (Box::new(cols.2), Type::TEXT_ARRAY),
                ],
            );
        }
        w.send(&mut self.tx)?;
        self.tx.commit()?;
        if let Some(carried) = self.carried {
            carried.keep(self.last_seq, self.projections);
        }
        Ok(())
    }

    /// The batch's events as one part of the batch's statement, in `server_seq` order.
    fn write_events(&mut self, w: &mut Writes) {
        if self.rows.is_empty() {
            return;
        }
        let rows = std::mem::take(&mut self.rows);
        let n = rows.len();
        let texts = || Vec::<String>::with_capacity(n);
        let (mut ids, mut devices, mut prevs, mut hashes, mut actors) = (texts(), texts(), texts(), texts(), texts());
        let (mut times, mut kinds, mut payloads, mut sig_algs, mut sigs) =
            (texts(), texts(), texts(), texts(), texts());
        let (mut chains, mut outcomes, mut codes, mut flags) = (texts(), texts(), texts(), texts());
        let (mut seqs, mut device_seqs, mut versions) =
            (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
        let mut reasons: Vec<Option<serde_json::Value>> = Vec::with_capacity(n);
        let scopes = || Vec::<Option<String>>::with_capacity(n);
        let (mut problems, mut enterprises, mut townships) = (scopes(), scopes(), scopes());
        for r in rows {
            seqs.push(r.server_seq);
            ids.push(r.ev.id);
            devices.push(r.ev.device_id);
            device_seqs.push(r.ev.device_seq);
            prevs.push(r.ev.prev_hash);
            hashes.push(r.ev.hash);
            actors.push(r.ev.actor);
            times.push(r.ev.occurred_at);
            kinds.push(r.ev.kind);
            versions.push(r.ev.schema_version);
            payloads.push(r.ev.payload);
            sig_algs.push(r.ev.sig_alg);
            sigs.push(r.ev.sig);
            chains.push(r.chain_hash);
            outcomes.push(r.outcome.to_string());
            reasons.push(r.reason);
            codes.push(r.reason_code);
            flags.push(r.flag.to_string());
            problems.push(r.scope.0);
            enterprises.push(r.scope.1);
            townships.push(r.scope.2);
        }
        let received = vec![self.now; n];
        let text = |v: Vec<String>| -> (Box<dyn ToSql + Sync>, Type) { (Box::new(v), Type::TEXT_ARRAY) };
        let maybe = |v: Vec<Option<String>>| -> (Box<dyn ToSql + Sync>, Type) { (Box::new(v), Type::TEXT_ARRAY) };
        w.add(
            "INSERT INTO events (server_seq, id, device_id, device_seq, prev_hash, hash, actor, occurred_at, kind,
                 schema_version, payload, sig_alg, sig, received_at, chain_hash, outcome, reason, reason_code, flag,
                 problem_id, enterprise_id, township_id)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[],
                 $7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[], $12::text[], $13::text[],
                 $14::timestamptz[], $15::text[], $16::text[], $17::jsonb[], $18::text[], $19::text[], $20::text[],
                 $21::text[], $22::text[])",
            vec![
                (Box::new(seqs), Type::INT8_ARRAY),
                text(ids),
                text(devices),
                (Box::new(device_seqs), Type::INT8_ARRAY),
                text(prevs),
                text(hashes),
                text(actors),
                text(times),
                text(kinds),
                (Box::new(versions), Type::INT8_ARRAY),
                text(payloads),
                text(sig_algs),
                text(sigs),
                (Box::new(received), Type::TIMESTAMPTZ_ARRAY),
                text(chains),
                text(outcomes),
                (Box::new(reasons), Type::JSONB_ARRAY),
                text(codes),
                text(flags),
                maybe(problems),
                maybe(enterprises),
                maybe(townships),
            ],
        );
    }
}

/// A wire event read: its body and meta, or why it cannot be read.
pub type Parsed = std::result::Result<(EventBody, EventMeta), DomainError>;

/// The event's body and meta, or why it cannot be read: a payload that is not JSON of a known
/// kind, a schema newer than this server's core, or a time that is not an instant.
pub fn parse(ev: &WireEvent) -> Parsed {
    let unreadable = |why: &str| DomainError::invalid("event", why);
    if ev.schema_version > EVENT_SCHEMA_VERSION as i64 || ev.schema_version < 1 {
        return Err(unreadable("schema_version this server does not know"));
    }
    let payload: serde_json::Value =
        serde_json::from_str(&ev.payload).map_err(|_| unreadable("payload is not JSON"))?;
    let body = EventBody::from_parts(&ev.kind, payload).map_err(|_| unreadable("unknown kind or payload shape"))?;
    let occurred_at = DateTime::parse_from_rfc3339(&ev.occurred_at)
        .map_err(|_| unreadable("occurred_at is not an RFC 3339 instant"))?
        .with_timezone(&Utc);
    Ok((body, EventMeta { actor: ev.actor.clone(), occurred_at }))
}

/// An event as stored, as far as a retry's reply and the duplicate checks need it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: String,
    pub device_id: String,
    pub device_seq: i64,
    pub hash: String,
    pub outcome: EventOutcome,
}

/// What the log already holds of a batch: by id, and by the device's place in its chain.
#[derive(Default)]
pub struct Seen {
    by_id: HashMap<String, Stored>,
    by_seq: HashMap<(String, i64), Stored>,
    /// The device's place just before the batch, the ids of the batch, and the event found
    /// at that place.
    before: Option<(String, i64)>,
    batch_ids: Vec<String>,
    previous: Option<(String, i64, String)>,
}

/// A stored event as `Seen::ask` reads it.
#[derive(serde::Deserialize)]
struct SeenRow {
    id: String,
    device_id: String,
    device_seq: i64,
    hash: String,
    server_seq: i64,
    outcome: String,
    reason: Option<serde_json::Value>,
    flag: String,
    occurred_at: String,
}

impl Seen {
    /// Asks, as a part of the push's combined read, for the stored events with these ids or
    /// at these places of `device`'s chain, and the device's event just before the batch's
    /// first: its time is what the core's time rule compares the first event with
    /// (`previous`). `take` takes the rows.
    pub fn ask(reads: &mut Reads, device: &str, events: &[WireEvent]) -> Seen {
        let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
        let mut seqs: Vec<i64> = events.iter().map(|e| e.device_seq).collect();
        let before = events.first().map(|e| e.device_seq - 1);
        seqs.extend(before);
        reads.add(
            "SELECT 'seen', id, json_build_object('id', id, 'device_id', device_id, 'device_seq', device_seq,
                 'hash', hash, 'server_seq', server_seq, 'outcome', outcome, 'reason', reason, 'flag', flag,
                 'occurred_at', occurred_at)::text
             FROM events WHERE id = ANY($1) OR (device_id = $2 AND device_seq = ANY($3))",
            vec![
                (Box::new(ids.clone()), Type::TEXT_ARRAY),
                (Box::new(device.to_string()), Type::TEXT),
                (Box::new(seqs), Type::INT8_ARRAY),
            ],
        );
        Seen { before: before.map(|seq| (device.to_string(), seq)), batch_ids: ids, ..Seen::default() }
    }

    /// Takes one row of `ask`'s part.
    pub fn take(&mut self, value: &str) -> Result<()> {
        let row: SeenRow =
            serde_json::from_str(value).map_err(|e| ServerError::Internal(format!("stored event: {e}")))?;
        let stored = Stored {
            id: row.id.clone(),
            device_id: row.device_id.clone(),
            device_seq: row.device_seq,
            hash: row.hash,
            outcome: EventOutcome {
                id: row.id,
                device_seq: row.device_seq,
                server_seq: row.server_seq,
                outcome: row.outcome,
                reason: row.reason,
                flag: (!row.flag.is_empty()).then_some(row.flag),
            },
        };
        let is_before = self.before.as_ref() == Some(&(stored.device_id.clone(), stored.device_seq));
        if is_before && !self.batch_ids.contains(&stored.id) {
            self.previous = Some((stored.device_id.clone(), stored.device_seq, row.occurred_at));
        }
        self.add(stored);
        Ok(())
    }

    /// The device's event just before the batch, if stored: (device, device_seq, occurred_at).
    pub fn previous(&self) -> Option<(String, i64, String)> {
        self.previous.clone()
    }

    /// Remembers an event this batch stored.
    pub fn add(&mut self, s: Stored) {
        self.by_seq.insert((s.device_id.clone(), s.device_seq), s.clone());
        self.by_id.insert(s.id.clone(), s);
    }

    /// The stored events that share the event's id or its place in the device's chain.
    pub fn matching(&self, ev: &WireEvent) -> Vec<&Stored> {
        let mut found: Vec<&Stored> = Vec::new();
        for s in [self.by_id.get(&ev.id), self.by_seq.get(&(ev.device_id.clone(), ev.device_seq))].into_iter().flatten()
        {
            if !found.iter().any(|f| f.outcome.server_seq == s.outcome.server_seq) {
                found.push(s);
            }
        }
        found
    }
}
