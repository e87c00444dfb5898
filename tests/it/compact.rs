//! Migration 14 (the smaller file): a version-13 file — hashes as hex text, aggregates as JSON
//! text keyed by problem id, the `problems_township` index — is converted in place with nothing
//! lost: every event's every field reads back the same, the chain verifies, the projections
//! are the same tables, and a rebuild after the migration gives them again.

use std::path::Path;

use rusqlite::Connection;
use taizhang_core::problem::Problem;
use taizhang_ledger::{Ledger, PageRequest, ProblemFilter, Sort};
use taizhang_testsupport::*;

/// Every field of every event as `events` reads (the table of version 13, the view of 14):
/// hashes as the hex text the chain is defined over.
pub fn event_rows(conn: &Connection) -> Vec<Vec<String>> {
    let mut st = conn
        .prepare(
            "SELECT seq, id, device_id, device_seq, prev_hash, hash, actor, occurred_at, kind,
                    payload, schema_version, ifnull(subject_id, '-') FROM events ORDER BY seq",
        )
        .unwrap();
    st.query_map([], |r| (0..12).map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}"))).collect())
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Turns a file written by this program back into what version 13 wrote, by the reverse of
/// migration 14's steps: `problems` are its aggregates in registration order (their JSON as
/// version 13 stored it).
pub fn back_to_version_13(path: &Path, problems: &[Problem]) {
    let c = Connection::open(path).unwrap();
    c.execute_batch(
        "BEGIN;
         DROP VIEW events;
         CREATE TABLE events (
             seq            INTEGER PRIMARY KEY,
             id             TEXT NOT NULL UNIQUE,
             device_id      TEXT NOT NULL,
             device_seq     INTEGER NOT NULL,
             prev_hash      TEXT NOT NULL,
             hash           TEXT NOT NULL,
             actor          TEXT NOT NULL,
             occurred_at    TEXT NOT NULL,
             kind           TEXT NOT NULL,
             payload        TEXT NOT NULL,
             schema_version INTEGER NOT NULL,
             subject_id     TEXT,
             UNIQUE (device_id, device_seq)
         ) STRICT;
         INSERT INTO events SELECT l.seq, l.id, d.name, l.device_seq, lower(hex(l.prev_hash)), lower(hex(l.hash)), a.name,
                l.occurred_at, l.kind, l.payload, l.schema_version, s.name
           FROM event_log l JOIN event_names d ON d.ref = l.device JOIN event_names a ON a.ref = l.actor
           LEFT JOIN event_names s ON s.ref = l.subject ORDER BY l.seq;
         CREATE TABLE replica_events_v13 (
             event_id   TEXT PRIMARY KEY REFERENCES events (id),
             state      TEXT NOT NULL CHECK (state IN ('pending', 'applied', 'no_effect', 'refused')),
             server_seq INTEGER UNIQUE,
             reason     TEXT,
             flag       TEXT,
             CHECK ((state = 'pending') = (server_seq IS NULL))
         ) STRICT;
         INSERT INTO replica_events_v13 SELECT * FROM replica_events;
         DROP TABLE replica_events;
         ALTER TABLE replica_events_v13 RENAME TO replica_events;
         CREATE INDEX replica_events_fold ON replica_events (state, server_seq);
         DROP TABLE event_log;
         DROP TABLE event_names;
         CREATE INDEX events_subject ON events (subject_id, seq);
         CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
         BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
         CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
         BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
         DROP TABLE problem_states;
         CREATE TABLE problem_states (
             problem_id TEXT PRIMARY KEY REFERENCES problems (id),
             state      TEXT NOT NULL
         ) STRICT;
         CREATE INDEX problems_township ON problems (township_id, registered_on);",
    )
    .unwrap();
    for p in problems {
        c.execute(
            "INSERT INTO problem_states (problem_id, state) VALUES (?1, ?2)",
            [&p.id, &serde_json::to_string(p).unwrap()],
        )
        .unwrap();
    }
    c.execute_batch("PRAGMA user_version = 13; COMMIT;").unwrap();
}

#[test]
fn a_version_13_file_is_compacted_with_nothing_lost() {
    use taizhang_testsupport::demo::{self, DemoOptions};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v13.db");
    let end = at(2026, 11, 30);
    let opts = DemoOptions { problems: 150, seed: 7, end, days: 150, monitoring: true };
    let all = PageRequest { offset: 0, limit: 1000 };
    let (events, digests, problems, page) = {
        let mut l = Ledger::create(&path, opts.start()).unwrap();
        demo::generate(&mut l, &opts);
        assert!(l.verify().unwrap().ok);
        let page = l.list_problems(&ProblemFilter::default(), Sort::default(), all, end).unwrap();
        (event_rows(l.connection()), l.projection_digests().unwrap(), l.all_problems().unwrap(), page)
    };
    assert!(problems.len() > 100 && events.len() > 1000, "{} problems, {} events", problems.len(), events.len());
    back_to_version_13(&path, &problems);
    {
        let c = Connection::open(&path).unwrap();
        let (hash, state): (String, String) = c
            .query_row(
                "SELECT (SELECT typeof(hash) FROM events LIMIT 1), (SELECT typeof(state) FROM problem_states LIMIT 1)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((hash.as_str(), state.as_str()), ("text", "text"), "a version-13 file to migrate");
        assert_eq!(event_rows(&c), events, "the reverse steps keep every event");
        // A replica's record of an event points at `events` by id; the migration copies
        // `events` under it and the foreign key must hold against the copy.
        c.execute_batch(
            "INSERT INTO replica_events (event_id, state, server_seq) SELECT id, 'applied', seq FROM events WHERE seq = 2",
        )
        .unwrap();
    }

    let mut l = Ledger::open(&path).unwrap();
    let c = l.connection();
    let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, taizhang_ledger::SCHEMA_VERSION);
    let (hash, state, township): (String, String, i64) = c
        .query_row(
            "SELECT (SELECT typeof(hash) FROM event_log LIMIT 1), (SELECT typeof(state) FROM problem_states LIMIT 1),
                    (SELECT count(*) FROM sqlite_master WHERE name = 'problems_township')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((hash.as_str(), state.as_str(), township), ("blob", "blob", 0));
    assert_eq!(event_rows(c), events, "every field of every event reads back as it was");
    let kept: i64 = c
        .query_row("SELECT count(*) FROM replica_events r JOIN events e ON e.id = r.event_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 1);
    c.execute("DELETE FROM replica_events", []).unwrap();
    assert_eq!(l.projection_digests().unwrap(), digests, "the projections are the tables the program writes");
    assert_eq!(l.all_problems().unwrap(), problems);
    assert_eq!(l.list_problems(&ProblemFilter::default(), Sort::default(), all, end).unwrap(), page);
    let report = l.verify().unwrap();
    assert!(report.ok, "{:?}", report.first_break);
    assert_eq!(report.events, events.len() as i64);
    let rebuilt = l.rebuild().unwrap();
    assert!(rebuilt.equal, "a rebuild gives the migrated tables again: {:?}", rebuilt.differing_tables);
    assert_eq!(l.projection_digests().unwrap(), digests);
}

/// The log is read through the view `events`; the lookups of every day must still go through
/// `event_log`'s indexes, not a scan of the log.
#[test]
fn the_log_view_reads_through_its_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _d) = taizhang_testsupport::ledger::district_ledger(&dir.path().join("v.db"));
    let plan = |sql: &str| -> String {
        let mut st = l.connection().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows: Vec<String> = st.query_map([], |r| r.get::<_, String>(3)).unwrap().map(Result::unwrap).collect();
        rows.join(" / ")
    };
    for (sql, index) in [
        ("SELECT seq, payload FROM events WHERE subject_id = 'x' AND seq <= 10 ORDER BY seq", "event_log_subject"),
        ("SELECT hash FROM events WHERE id = 'x'", "sqlite_autoindex_event_log_1"),
        (
            "SELECT device_seq, hash FROM events WHERE device_id = 'x' ORDER BY device_seq DESC LIMIT 1",
            "sqlite_autoindex_event_log_2",
        ),
        (
            "SELECT count(*) FROM events WHERE device_id = 'x' AND kind = 'problem_registered'",
            "sqlite_autoindex_event_log_2",
        ),
        (
            "SELECT e.kind FROM replica_events r JOIN events e ON e.id = r.event_id WHERE r.state = 'pending'",
            "sqlite_autoindex_event_log_1",
        ),
    ] {
        let p = plan(sql);
        assert!(p.contains(index), "{sql}: {p}");
        assert!(!p.contains("SCAN e"), "{sql}: {p}");
    }
}

/// A damaged version-13 file (a hash that is not hex) is converted with the damage as it was,
/// so the chain check still names the event, rather than refusing to open or mending it.
#[test]
fn a_damaged_version_13_file_keeps_its_damage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.db");
    let problems = {
        let (l, _d) = taizhang_testsupport::ledger::district_ledger(&path);
        assert!(l.verify().unwrap().ok);
        l.all_problems().unwrap()
    };
    back_to_version_13(&path, &problems);
    let c = Connection::open(&path).unwrap();
    c.execute_batch(
        "DROP TRIGGER events_append_only_update;
         UPDATE events SET hash = 'NOT-HEX' WHERE seq = 3;
         UPDATE events SET prev_hash = upper(prev_hash) WHERE seq = 5;",
    )
    .unwrap();
    drop(c);
    let l = Ledger::open(&path).unwrap();
    let read = |seq: i64, col: &str| -> String {
        l.connection().query_row(&format!("SELECT {col} FROM events WHERE seq = ?1"), [seq], |r| r.get(0)).unwrap()
    };
    assert_eq!(read(3, "hash"), "NOT-HEX");
    assert_eq!(read(5, "prev_hash"), read(4, "hash").to_uppercase());
    assert_eq!(l.verify().unwrap().first_break.unwrap().seq, 3);
}
