-- A smaller file (issue 20; docs/benchmarks.md, "File size"). Nothing is dropped from the
-- chain or the history: every event keeps every field, and each hash is still SHA-256 over
-- the canonical encoding (core::chain), which names hashes in hex; only the stored form
-- changes. A test converts a version-13 file and checks that its chain verifies and that a
-- rebuild gives the same tables before and after (crates/ledger/tests/it/compact.rs).
--
-- `events` and `problem_states` are copied into tables of the new shape and renamed: SQLite
-- cannot change a STRICT column's type in place, and `events` refuses UPDATE. The copies
-- keep every row (the same `seq`, the same order); the foreign keys of `replica_events` are
-- checked at the end of this transaction, against the copy.
PRAGMA defer_foreign_keys = ON;

-- 1. Hashes as their 32 bytes instead of 64 hex characters (−64 B an event). The program
-- writes them with unhex() and reads them with lower(hex()), so every reader still sees the
-- hex text the chain is defined over.
CREATE TABLE events_compact (
    seq            INTEGER PRIMARY KEY,      -- local append order, the order of replay
    id             TEXT NOT NULL UNIQUE,     -- UUIDv7
    device_id      TEXT NOT NULL,
    device_seq     INTEGER NOT NULL,         -- 1, 2, 3… per device, no gaps
    prev_hash      BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash           BLOB NOT NULL CHECK (length(hash) = 32),  -- SHA-256 over the canonical encoding (core::chain)
    actor          TEXT NOT NULL,            -- user id
    occurred_at    TEXT NOT NULL,            -- RFC 3339 UTC, microseconds
    kind           TEXT NOT NULL,
    payload        TEXT NOT NULL,            -- canonical JSON, hashed as stored
    schema_version INTEGER NOT NULL,
    subject_id     TEXT,                     -- problem, unit, user, enterprise or visit id
    UNIQUE (device_id, device_seq)
) STRICT;
INSERT INTO events_compact
SELECT seq, id, device_id, device_seq, unhex(prev_hash), unhex(hash), actor, occurred_at, kind, payload,
       schema_version, subject_id
  FROM events ORDER BY seq;
DROP TABLE events;
ALTER TABLE events_compact RENAME TO events;
-- The three indexes of the log, each read on a path of every day:
-- - UNIQUE (id): a replica's pull (is this event held already?) and every join of
--   `replica_events` (the fold order, the outbox, the timeline's pending marks);
-- - UNIQUE (device_id, device_seq): the append's chain head (the last hash of this device)
--   and the chain's "no gaps, no forks" per device;
-- - events_subject: a problem's timeline, the bell's fold of a problem up to an event, and
--   the list's 批示 filter.
CREATE INDEX events_subject ON events (subject_id, seq);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- 2. The aggregate deflated (ledger `state_codec`: its JSON repeats keys, unit ids and
-- dates; ≈ 45 % of the text), keyed by the problem's rowid instead of a second copy of its
-- 36-character id with an index of its own. `problems.rowid` already keys the search index.
CREATE TABLE problem_states_compact (
    problem_rowid INTEGER PRIMARY KEY,       -- problems.rowid
    state         BLOB NOT NULL              -- the whole aggregate (core::problem::Problem), ledger state_codec
) STRICT;
INSERT INTO problem_states_compact (problem_rowid, state)
SELECT p.rowid, tz_pack_state(s.state) FROM problems p JOIN problem_states s ON s.problem_id = p.id ORDER BY p.rowid;
DROP TABLE problem_states;
ALTER TABLE problem_states_compact RENAME TO problem_states;

-- 3. Indexes of `problems` that no query needs. Each one kept is read by a query:
-- - id (primary key), number (UNIQUE): a problem by id or number, and numbers never twice;
-- - problems_status: the figures' open problems, and the list's escalation filters;
-- - problems_township_status, problems_lead_status: the list for a township or a
--   department, by status and deadline (the ledger page row of the bench), and a township's
--   or a unit's filter alone (their first column);
-- - problems_registered_at: the list's default order, and the search results' order;
-- - problems_registered: the list's registration-date filter;
-- - problems_category: the category filter and the lead suggestions (`lead_suggestions`);
-- - problems_enterprise: an enterprise's problems (its renaming updates their search rows;
--   the leader's items; the enterprise filter);
-- - problems_number_seq: the next number of a township and year (`world`).
-- problems_township (township_id, registered_on) is dropped: a township filter reads
-- problems_township_status, whose first column is the same, and no query orders a
-- township's problems by registration date alone.
DROP INDEX problems_township;
