//! Tamper evidence: someone with `sqlite3` and the file drops the append-only triggers and
//! changes one thing. `verify` must name a broken link for every change to the events, and
//! `rebuild` must notice every change to the read tables. Deleting the newest events, or
//! rewriting the log and recomputing every later hash, leaves a chain that verifies: those are
//! caught only against a chain head recorded elsewhere, which is what every export carries.
//!
//! Rounds per kind: `TAIZHANG_TAMPER_ROUNDS` (default 12); the seed: `TAIZHANG_TAMPER_SEED`.
//! `cargo test -p taizhang-tests --test it tamper:: -- --nocapture` prints the table.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use rusqlite::{params, Connection, OptionalExtension};
use taizhang_core::chain::{event_hash, ChainFields};
use taizhang_exchange::export::export_ledger_xlsx;
use taizhang_ledger::{ChainHead, Ledger, ProblemFilter, Sort};
use taizhang_testsupport::at;
use taizhang_testsupport::demo::{self, DemoOptions};
use taizhang_testsupport::rng::{env_seed, env_u64, Rng};

/// The untouched ledger every mutation starts from, and what an export recorded about it.
struct Base {
    _dir: tempfile::TempDir,
    path: PathBuf,
    /// Chain heads as the 导出信息 sheet of a ledger export carries them.
    exported_heads: Vec<ChainHead>,
    events: i64,
}

fn base() -> Base {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("base.db");
    let opts = DemoOptions { problems: 45, seed: 5, end: at(2026, 6, 15), days: 60, monitoring: true };
    let mut ledger = Ledger::create(&path, opts.start()).unwrap();
    demo::generate(&mut ledger, &opts);
    let report = ledger.verify().unwrap();
    assert!(report.ok);

    let xlsx = dir.path().join("台账.xlsx");
    let summary =
        export_ledger_xlsx(&ledger, &ProblemFilter::default(), Sort::default(), opts.end, &xlsx, &mut |_, _| {})
            .unwrap();
    assert_eq!(summary.chain_heads, report.chains, "an export carries the verified heads");
    // And they are in the file itself, not only in the summary.
    let mut wb = calamine::open_workbook_auto(&xlsx).unwrap();
    let info = wb.worksheet_range("导出信息").unwrap();
    let cells: Vec<String> =
        info.rows().flatten().filter_map(|c| if let Data::String(s) = c { Some(s.clone()) } else { None }).collect();
    for head in &summary.chain_heads {
        assert!(cells.contains(&head.head_hash), "导出信息 lists head {}", head.head_hash);
        assert!(cells.contains(&head.device_id));
    }
    ledger.connection().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(ledger);
    assert!(!Path::new(&format!("{}-wal", path.display())).exists(), "a closed ledger is one file");
    Base { _dir: dir, path, exported_heads: summary.chain_heads, events: report.events }
}

/// Is every recorded head still in the chain, with the same hash at the same position? This is
/// the check a later copy of the file must pass against the heads an earlier export printed.
fn heads_still_present(ledger: &Ledger, recorded: &[ChainHead]) -> bool {
    recorded.iter().all(|h| {
        let hash: Option<String> = ledger
            .connection()
            .query_row(
                "SELECT hash FROM events WHERE device_id = ?1 AND device_seq = ?2",
                params![h.device_id, h.events],
                |r| r.get(0),
            )
            .optional()
            .unwrap();
        hash.as_deref() == Some(h.head_hash.as_str())
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    // Changes to one event: verify must name a broken link.
    PayloadChar,
    PayloadByte,
    Actor,
    OccurredAt,
    EventType,
    PrevHash,
    Hash,
    DeviceSeq,
    SchemaVersion,
    EventId,
    DeviceId,
    DeleteMiddle,
    DeleteRun,
    SwapPayloads,
    SwapOrder,
    InsertCopy,
    // Verifies; caught against the recorded chain head.
    TruncateTail,
    RewriteAndRechain,
    // The read tables: caught by rebuild (and repaired by it).
    Projection,
    // Not covered by the hash: recorded, not required.
    SubjectId,
}

/// What is required of each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    VerifyFails,
    HeadDiffers,
    RebuildDiffers,
    Informational,
}

impl Kind {
    const ALL: [Kind; 20] = [
        Kind::PayloadChar,
        Kind::PayloadByte,
        Kind::Actor,
        Kind::OccurredAt,
        Kind::EventType,
        Kind::PrevHash,
        Kind::Hash,
        Kind::DeviceSeq,
        Kind::SchemaVersion,
        Kind::EventId,
        Kind::DeviceId,
        Kind::DeleteMiddle,
        Kind::DeleteRun,
        Kind::SwapPayloads,
        Kind::SwapOrder,
        Kind::InsertCopy,
        Kind::TruncateTail,
        Kind::RewriteAndRechain,
        Kind::Projection,
        Kind::SubjectId,
    ];

    fn expect(self) -> Expect {
        match self {
            Kind::TruncateTail | Kind::RewriteAndRechain => Expect::HeadDiffers,
            Kind::Projection => Expect::RebuildDiffers,
            Kind::SubjectId => Expect::VerifyFails,
            _ => Expect::VerifyFails,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Kind::PayloadChar => "one character of a payload",
            Kind::PayloadByte => "one byte of a payload (may be invalid UTF-8)",
            Kind::Actor => "actor (another user, or one character)",
            Kind::OccurredAt => "occurred_at (another valid instant)",
            Kind::EventType => "kind (another event kind)",
            Kind::PrevHash => "prev_hash (one hex digit)",
            Kind::Hash => "hash (one hex digit)",
            Kind::DeviceSeq => "device_seq (moved, or two swapped)",
            Kind::SchemaVersion => "schema_version (±1)",
            Kind::EventId => "id (one hex digit)",
            Kind::DeviceId => "device_id (another device)",
            Kind::DeleteMiddle => "delete one event (not the newest)",
            Kind::DeleteRun => "delete a run of 2–5 events (not the newest)",
            Kind::SwapPayloads => "swap two events' payloads",
            Kind::SwapOrder => "swap two events' places in the log (seq)",
            Kind::InsertCopy => "insert a copy of an event with a new id",
            Kind::TruncateTail => "delete the newest 1–10 events",
            Kind::RewriteAndRechain => "change a payload and recompute every later hash",
            Kind::Projection => "change a read table (problems, units, users)",
            Kind::SubjectId => "subject_id of an event (not hashed; checked against the payload)",
        }
    }
}

#[derive(Clone)]
struct Row {
    seq: i64,
    id: String,
    device_id: String,
    device_seq: i64,
    prev_hash: String,
    hash: String,
    actor: String,
    occurred_at: String,
    kind: String,
    payload: String,
    schema_version: i64,
}

fn rows(conn: &Connection) -> Vec<Row> {
    let mut st = conn
        .prepare("SELECT seq, id, device_id, device_seq, prev_hash, hash, actor, occurred_at, kind, payload, schema_version FROM events ORDER BY seq")
        .unwrap();
    st.query_map([], |r| {
        Ok(Row {
            seq: r.get(0)?,
            id: r.get(1)?,
            device_id: r.get(2)?,
            device_seq: r.get(3)?,
            prev_hash: r.get(4)?,
            hash: r.get(5)?,
            actor: r.get(6)?,
            occurred_at: r.get(7)?,
            kind: r.get(8)?,
            payload: r.get(9)?,
            schema_version: r.get(10)?,
        })
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// One character of `s` replaced by a different one.
fn change_char(rng: &mut Rng, s: &str, alphabet: &[char]) -> String {
    let chars: Vec<char> = s.chars().collect();
    let i = rng.below(chars.len() as u64) as usize;
    let mut out = chars.clone();
    loop {
        let c = *rng.pick(alphabet);
        if c != chars[i] {
            out[i] = c;
            break;
        }
    }
    out.into_iter().collect()
}

const HEX: &[char] = &['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'];
const TEXT: &[char] = &['0', '1', '9', 'a', 'z', 'A', ' ', '"', ',', ':', '{', '}', '中', '区', '满', '\\', '-'];

/// A middle event: not the first (genesis) and not among the newest two.
fn middle(rng: &mut Rng, all: &[Row]) -> Row {
    all[rng.between(1, all.len() as i64 - 3) as usize].clone()
}

/// Applies one mutation of `kind` to the file at `path`, as an attacker with sqlite3 would.
/// Returns a line saying what was done.
fn mutate(kind: Kind, rng: &mut Rng, path: &Path) -> String {
    let conn = Connection::open(path).unwrap();
    // The sqlite3 shell enforces no foreign keys unless asked; this build of SQLite does.
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    conn.execute_batch("DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete;").unwrap();
    let all = rows(&conn);
    let set = |col: &str, value: &dyn rusqlite::ToSql, seq: i64| {
        // `events` is a view whose trigger writes `event_log` (migration 14): the row changed is
        // counted among the connection's total changes, not as the statement's own.
        let before = conn.total_changes();
        conn.execute(&format!("UPDATE events SET {col} = ?1 WHERE seq = ?2"), params![value, seq]).unwrap();
        assert!(conn.total_changes() > before, "seq {seq} is there to change");
    };
    match kind {
        Kind::PayloadChar => {
            let e = middle(rng, &all);
            set("payload", &change_char(rng, &e.payload, TEXT), e.seq);
            format!("payload of seq {}", e.seq)
        }
        Kind::PayloadByte => {
            let e = middle(rng, &all);
            let mut bytes = e.payload.clone().into_bytes();
            let i = rng.below(bytes.len() as u64) as usize;
            bytes[i] ^= 1 + rng.below(255) as u8;
            // Stored as TEXT whatever the bytes, as `UPDATE … SET payload = CAST(x'…' AS TEXT)` does.
            conn.execute("UPDATE events SET payload = CAST(?1 AS TEXT) WHERE seq = ?2", params![bytes, e.seq]).unwrap();
            format!("byte {i} of seq {}", e.seq)
        }
        Kind::Actor => {
            let e = middle(rng, &all);
            let others: Vec<&String> = all.iter().map(|r| &r.actor).filter(|a| **a != e.actor).collect();
            let actor = if rng.below(2) == 0 && !others.is_empty() {
                rng.pick(&others).to_string()
            } else {
                change_char(rng, &e.actor, HEX)
            };
            set("actor", &actor, e.seq);
            format!("actor of seq {}", e.seq)
        }
        Kind::OccurredAt => {
            let e = middle(rng, &all);
            let t = chrono::DateTime::parse_from_rfc3339(&e.occurred_at).unwrap().to_utc();
            let shift = *rng.pick(&[
                -86_400_000_000i64,
                -3_600_000_000,
                -1_000_000,
                -1,
                1,
                1_000_000,
                60_000_000,
                86_400_000_000,
            ]);
            let moved = taizhang_core::chain::format_instant(t + chrono::Duration::microseconds(shift));
            assert_ne!(moved, e.occurred_at);
            set("occurred_at", &moved, e.seq);
            format!("occurred_at of seq {} by {shift} µs", e.seq)
        }
        Kind::EventType => {
            let e = middle(rng, &all);
            let mut kinds: Vec<&String> = all.iter().map(|r| &r.kind).filter(|k| **k != e.kind).collect();
            kinds.sort();
            kinds.dedup();
            set("kind", &rng.pick(&kinds).to_string(), e.seq);
            format!("kind of seq {}", e.seq)
        }
        Kind::PrevHash => {
            let e = middle(rng, &all);
            set("prev_hash", &change_char(rng, &e.prev_hash, HEX), e.seq);
            format!("prev_hash of seq {}", e.seq)
        }
        Kind::Hash => {
            // Any event, the newest included: its hash no longer matches its content.
            let e = all[rng.below(all.len() as u64) as usize].clone();
            set("hash", &change_char(rng, &e.hash, HEX), e.seq);
            format!("hash of seq {}", e.seq)
        }
        Kind::DeviceSeq => {
            let e = middle(rng, &all);
            if rng.below(2) == 0 {
                let to = *rng.pick(&[e.device_seq + 1_000_000, -e.device_seq, 0]);
                set("device_seq", &to, e.seq);
                format!("device_seq of seq {} to {to}", e.seq)
            } else {
                let f = middle(rng, &all);
                let f = if f.seq == e.seq { all[e.seq as usize].clone() } else { f };
                set("device_seq", &-1_i64, e.seq);
                set("device_seq", &e.device_seq, f.seq);
                set("device_seq", &f.device_seq, e.seq);
                format!("device_seq of seq {} and {} swapped", e.seq, f.seq)
            }
        }
        Kind::SchemaVersion => {
            let e = middle(rng, &all);
            let v = e.schema_version + *rng.pick(&[-1, 1]);
            set("schema_version", &v, e.seq);
            format!("schema_version of seq {} to {v}", e.seq)
        }
        Kind::EventId => {
            let e = middle(rng, &all);
            // Keep the dashes: a well-formed id.
            let mut id = change_char(rng, &e.id, HEX);
            while id.chars().filter(|c| *c == '-').count() != 4 {
                id = change_char(rng, &e.id, HEX);
            }
            set("id", &id, e.seq);
            format!("id of seq {}", e.seq)
        }
        Kind::DeviceId => {
            let e = middle(rng, &all);
            set("device_id", &change_char(rng, &e.device_id, HEX), e.seq);
            format!("device_id of seq {}", e.seq)
        }
        Kind::DeleteMiddle => {
            let e = middle(rng, &all);
            conn.execute("DELETE FROM events WHERE seq = ?1", [e.seq]).unwrap();
            format!("deleted seq {}", e.seq)
        }
        Kind::DeleteRun => {
            let n = rng.between(2, 5);
            let first = rng.between(2, all.len() as i64 - n - 1);
            conn.execute("DELETE FROM events WHERE seq BETWEEN ?1 AND ?2", [first, first + n - 1]).unwrap();
            format!("deleted seq {first}..{}", first + n - 1)
        }
        Kind::SwapPayloads => {
            let e = middle(rng, &all);
            // Prefer a twin of the same kind: the payload still fits the event.
            let twins: Vec<&Row> =
                all.iter().filter(|r| r.kind == e.kind && r.payload != e.payload && r.seq > 1).collect();
            let f = if twins.is_empty() {
                all.iter().find(|r| r.payload != e.payload && r.seq > 1).unwrap().clone()
            } else {
                (*rng.pick(&twins)).clone()
            };
            set("payload", &f.payload, e.seq);
            set("payload", &e.payload, f.seq);
            format!("payloads of seq {} and {} ({}, {})", e.seq, f.seq, e.kind, f.kind)
        }
        Kind::SwapOrder => {
            let e = middle(rng, &all);
            let f = middle(rng, &all);
            let f = if f.seq == e.seq { all[e.seq as usize].clone() } else { f };
            set("seq", &-1_i64, e.seq);
            set("seq", &e.seq, f.seq);
            set("seq", &f.seq, -1);
            format!("seq {} and {} swapped", e.seq, f.seq)
        }
        Kind::InsertCopy => {
            // A copy of an event with a fresh id, slipped in at the end or between two events.
            let e = middle(rng, &all);
            let head = all.last().unwrap();
            let id = taizhang_ledger::new_id(chrono::Utc::now());
            if rng.below(2) == 0 {
                conn.execute(
                    "INSERT INTO events (id, device_id, device_seq, prev_hash, hash, actor, occurred_at, kind, payload, schema_version, subject_id)
                     SELECT ?1, device_id, ?2, ?3, hash, actor, occurred_at, kind, payload, schema_version, subject_id FROM events WHERE seq = ?4",
                    params![id, head.device_seq + 1, head.hash, e.seq],
                )
                .unwrap();
                format!("copy of seq {} appended", e.seq)
            } else {
                // Right after the original: the later events move up by one in seq and in
                // device_seq to make room, and the copy links to the original's hash.
                let at = e.seq;
                conn.execute("UPDATE events SET seq = -seq, device_seq = -device_seq WHERE seq > ?1", [at]).unwrap();
                conn.execute("UPDATE events SET seq = 1 - seq, device_seq = 1 - device_seq WHERE seq < 0", []).unwrap();
                conn.execute(
                    "INSERT INTO events (seq, id, device_id, device_seq, prev_hash, hash, actor, occurred_at, kind, payload, schema_version, subject_id)
                     SELECT ?1, ?2, device_id, device_seq + 1, hash, hash, actor, occurred_at, kind, payload, schema_version, subject_id FROM events WHERE seq = ?3",
                    params![at + 1, id, at],
                )
                .unwrap();
                format!("copy of seq {at} inserted after it")
            }
        }
        Kind::TruncateTail => {
            let n = rng.between(1, 10);
            conn.execute("DELETE FROM events WHERE seq > ?1", [all.last().unwrap().seq - n]).unwrap();
            format!("deleted the newest {n}")
        }
        Kind::RewriteAndRechain => {
            // Someone who knows the hash (it is documented) rewrites one payload and every hash
            // after it. Only a head recorded elsewhere tells.
            let e = middle(rng, &all);
            let kinds = ["problem_registered", "resolved", "evaluated", "assigned"];
            let target = all
                .iter()
                .filter(|r| r.seq > 1 && kinds.contains(&r.kind.as_str()))
                .nth(rng.below(20) as usize)
                .unwrap_or(&e)
                .clone();
            let mut payload: serde_json::Value = serde_json::from_str(&target.payload).unwrap();
            let mut changed = false;
            if let serde_json::Value::Object(m) = &mut payload {
                for v in m.values_mut() {
                    if let serde_json::Value::String(s) = v {
                        if !s.is_empty() && !changed {
                            s.push('！');
                            changed = true;
                        }
                    }
                }
            }
            assert!(changed, "{}", target.payload);
            let payload = taizhang_core::chain::canonical_json(&payload);
            let mut prev = target.prev_hash.clone();
            for r in all.iter().filter(|r| r.seq >= target.seq) {
                let p = if r.seq == target.seq { payload.as_str() } else { r.payload.as_str() };
                let hash = event_hash(&ChainFields {
                    id: &r.id,
                    device_id: &r.device_id,
                    device_seq: r.device_seq,
                    prev_hash: &prev,
                    actor: &r.actor,
                    occurred_at: &r.occurred_at,
                    kind: &r.kind,
                    schema_version: r.schema_version,
                    payload: p,
                });
                conn.execute(
                    "UPDATE events SET payload = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
                    params![p, prev, hash, r.seq],
                )
                .unwrap();
                prev = hash;
            }
            format!("payload of seq {} rewritten, {} hashes recomputed", target.seq, all.len() as i64 - target.seq + 1)
        }
        Kind::Projection => {
            let which = rng.below(4);
            let (sql, what) = match which {
                0 => ("UPDATE problems SET status = 'closed' WHERE rowid = (SELECT rowid FROM problems WHERE status != 'closed' ORDER BY rowid LIMIT 1 OFFSET ?1)", "a problem marked closed"),
                1 => ("UPDATE problems SET handling_deadline = '2099-12-31' WHERE rowid = (SELECT rowid FROM problems WHERE handling_deadline IS NOT NULL ORDER BY rowid LIMIT 1 OFFSET ?1)", "a deadline moved"),
                2 => ("UPDATE users SET role = 'office' WHERE rowid = (SELECT rowid FROM users WHERE role != 'office' ORDER BY rowid LIMIT 1 OFFSET ?1)", "a user made office"),
                _ => ("DELETE FROM problems WHERE rowid = (SELECT rowid FROM problems ORDER BY rowid LIMIT 1 OFFSET ?1)", "a problem deleted"),
            };
            // Deleting a problem leaves its state and supporters behind: foreign keys are off
            // in the sqlite3 shell, as here.
            let n = conn.execute(sql, [rng.below(10) as i64]).unwrap();
            assert_eq!(n, 1, "{what}");
            what.to_string()
        }
        Kind::SubjectId => {
            let e =
                all.iter().filter(|r| r.kind == "resolved").nth(rng.below(5) as usize).or(all.get(10)).unwrap().clone();
            conn.execute("UPDATE events SET subject_id = 'elsewhere' WHERE seq = ?1", [e.seq]).unwrap();
            format!("subject_id of seq {} ({})", e.seq, e.kind)
        }
    }
}

#[derive(Default)]
struct Tally {
    tried: u64,
    caught: u64,
    /// verify returned an error instead of a report.
    errors: u64,
    reasons: BTreeMap<String, u64>,
}

#[test]
fn every_single_change_to_the_file_is_caught() {
    let rounds = env_u64("TAIZHANG_TAMPER_ROUNDS").unwrap_or(12);
    let seed = env_seed("TAIZHANG_TAMPER_SEED", 0x7A1_2026);
    let base = base();
    let work = tempfile::tempdir().unwrap();
    let mut rng = Rng(seed);
    let mut tally: BTreeMap<Kind, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    let started = std::time::Instant::now();

    for round in 0..rounds {
        for kind in Kind::ALL {
            let copy = work.path().join(format!("r{round}-{kind:?}.db"));
            std::fs::copy(&base.path, &copy).unwrap();
            let what = mutate(kind, &mut rng, &copy);
            let t = tally.entry(kind).or_default();
            t.tried += 1;
            let mut ledger = Ledger::open(&copy).unwrap();
            let verified = ledger.verify();
            let (caught, reason) = match (kind.expect(), &verified) {
                (Expect::VerifyFails | Expect::Informational, Ok(r)) => (
                    !r.ok && r.first_break.is_some(),
                    r.first_break.as_ref().map(|b| b.reason.clone()).unwrap_or_else(|| "verifies".into()),
                ),
                (Expect::VerifyFails | Expect::Informational, Err(e)) => {
                    t.errors += 1;
                    (true, format!("verify error [{}]", e.code()))
                }
                // A rewrite that also breaks a check verify makes (the subject of a rewritten id,
                // say) is caught earlier; otherwise only the recorded head tells.
                (Expect::HeadDiffers, Ok(r)) if !r.ok => {
                    (true, r.first_break.as_ref().map(|b| b.reason.clone()).unwrap_or_default())
                }
                (Expect::HeadDiffers, Ok(r)) => {
                    let differs =
                        r.chains != base.exported_heads && !heads_still_present(&ledger, &base.exported_heads);
                    (
                        differs,
                        format!(
                            "verifies ({} events); recorded head {}",
                            r.events,
                            if differs { "gone" } else { "still there" }
                        ),
                    )
                }
                (Expect::RebuildDiffers, Ok(r)) => {
                    assert!(r.ok, "the events were not touched");
                    let rebuilt = ledger.rebuild().unwrap();
                    let again = ledger.rebuild().unwrap();
                    assert!(again.equal, "a rebuild repairs the read tables");
                    (!rebuilt.equal, format!("rebuild differs in {}", rebuilt.differing_tables.join(", ")))
                }
                (_, Err(e)) => (false, format!("verify error [{}]: {e}", e.code())),
            };
            // Reasons without their numbers, so the table groups them.
            let mut short = String::new();
            for c in reason.split(':').next().unwrap_or_default().chars() {
                if !c.is_ascii_digit() {
                    short.push(c);
                } else if !short.ends_with('N') {
                    short.push('N');
                }
            }
            *t.reasons.entry(short).or_default() += 1;
            if caught {
                t.caught += 1;
            } else if kind.expect() != Expect::Informational {
                failures.push(format!("round {round} {kind:?}: {what} → {reason}"));
            }
            drop(ledger);
            std::fs::remove_file(&copy).unwrap();
            for ext in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", copy.display()));
            }
        }
    }

    println!(
        "\nTamper evidence: {} events in the base ledger, {rounds} rounds, seed {seed:#x}, {:.1} s",
        base.events,
        started.elapsed().as_secs_f64()
    );
    println!("{:<20} {:<48} {:>5} {:>6}  {:<16} how", "kind", "mutation", "tried", "caught", "required");
    for (kind, t) in &tally {
        let required = match kind.expect() {
            Expect::VerifyFails => "verify fails",
            Expect::HeadDiffers => "head differs",
            Expect::RebuildDiffers => "rebuild differs",
            Expect::Informational => "(not required)",
        };
        let how: Vec<String> = t.reasons.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
        println!(
            "{:<20} {:<48} {:>5} {:>6}  {:<16} {}",
            format!("{kind:?}"),
            kind.describe(),
            t.tried,
            t.caught,
            required,
            how.join("; ")
        );
        if t.errors > 0 {
            println!("{:<20} ({} of these made verify fail with an error instead of a report)", "", t.errors);
        }
    }
    let total: u64 = tally.values().map(|t| t.tried).sum();
    println!("{total} mutations");
    assert!(failures.is_empty(), "seed {seed:#x}: {} mutations not caught:\n{}", failures.len(), failures.join("\n"));
}
