-- A smaller file (issue 20; docs/benchmarks.md, "File size"). Nothing is dropped from the
-- chain or the history: every event keeps every field, and each hash is still SHA-256 over
-- the canonical encoding (core::chain), which names hashes in hex; only the stored form
-- changes. A test converts a version-13 file and checks that its chain verifies and that a
-- rebuild gives the same tables before and after (tests/it/compact.rs).
--
-- The log moves to `event_log` (and `event_names`) and `events` becomes a view that spells
-- every field out as before, so every reader of `events` reads the same text; the program
-- appends through `event_log` (ledger `event_log.rs`). `problem_states` is copied into a
-- table of the new shape and renamed: SQLite cannot change a STRICT column's type in place.
-- The copies keep every row, the same `seq` and order, and any value as it was (a hash that
-- is not 64 lower-case hex digits, as in a damaged file, stays the text it was).
PRAGMA defer_foreign_keys = ON;

-- 1. The log: hashes as their 32 bytes instead of 64 hex characters (−64 B an event), and
-- the device, actor and subject ids (36 characters each, the same few thousand again and
-- again) as small integer references to `event_names`, which holds each id once
-- (−105 B an event, and −35 B in each of the two indexes on device and subject).
CREATE TABLE event_names (
    ref  INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE                -- a device, user, or subject id, as events name it
) STRICT;
INSERT INTO event_names (name)
SELECT device_id FROM events UNION SELECT actor FROM events UNION SELECT subject_id FROM events WHERE subject_id IS NOT NULL;

CREATE TABLE event_log (
    seq            INTEGER PRIMARY KEY,      -- local append order, the order of replay
    id             TEXT NOT NULL UNIQUE,     -- UUIDv7
    device         INTEGER NOT NULL REFERENCES event_names (ref),
    device_seq     INTEGER NOT NULL,         -- 1, 2, 3… per device, no gaps
    prev_hash      ANY NOT NULL,             -- 32 bytes (any other value: as it was found)
    hash           ANY NOT NULL,             -- SHA-256 over the canonical encoding (core::chain)
    actor          INTEGER NOT NULL REFERENCES event_names (ref),
    occurred_at    TEXT NOT NULL,            -- RFC 3339 UTC, microseconds
    kind           TEXT NOT NULL,
    payload        TEXT NOT NULL,            -- canonical JSON, hashed as stored
    schema_version INTEGER NOT NULL,
    subject        INTEGER REFERENCES event_names (ref),  -- problem, unit, user, enterprise or visit
    UNIQUE (device, device_seq)
) STRICT;
INSERT INTO event_log (seq, id, device, device_seq, prev_hash, hash, actor, occurred_at, kind, payload, schema_version, subject)
SELECT e.seq, e.id, d.ref, e.device_seq,
       CASE WHEN length(e.prev_hash) = 64 AND lower(hex(unhex(e.prev_hash))) = e.prev_hash THEN unhex(e.prev_hash) ELSE e.prev_hash END,
       CASE WHEN length(e.hash) = 64 AND lower(hex(unhex(e.hash))) = e.hash THEN unhex(e.hash) ELSE e.hash END,
       a.ref, e.occurred_at, e.kind, e.payload, e.schema_version, s.ref
  FROM events e
  JOIN event_names d ON d.name = e.device_id
  JOIN event_names a ON a.name = e.actor
  LEFT JOIN event_names s ON s.name = e.subject_id
 ORDER BY e.seq;

-- The three indexes of the log, each read on a path of every day:
-- - UNIQUE (id): a replica's pull (is this event held already?) and every join of
--   `replica_events` (the fold order, the outbox, the timeline's pending marks);
-- - UNIQUE (device, device_seq): the append's chain head (the last hash of this device)
--   and the chain's "no gaps, no forks" per device;
-- - event_log_subject: a problem's timeline, the bell's fold of a problem up to an event,
--   and the list's 批示 filter.
CREATE INDEX event_log_subject ON event_log (subject, seq);

-- A replica's record of its events points at the log itself (a foreign key cannot name a view).
CREATE TABLE replica_events_compact (
    event_id   TEXT PRIMARY KEY REFERENCES event_log (id),
    state      TEXT NOT NULL CHECK (state IN ('pending', 'applied', 'no_effect', 'refused')),
    server_seq INTEGER UNIQUE,
    reason     TEXT,                          -- `{code, ...fields}` of a no_effect or refused
    flag       TEXT,
    CHECK ((state = 'pending') = (server_seq IS NULL))
) STRICT;
INSERT INTO replica_events_compact SELECT event_id, state, server_seq, reason, flag FROM replica_events ORDER BY rowid;
DROP TABLE replica_events;
ALTER TABLE replica_events_compact RENAME TO replica_events;
CREATE INDEX replica_events_fold ON replica_events (state, server_seq);

DROP TABLE events;
-- The append-only guards, now on the log itself (same names, same message).
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON event_log
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON event_log
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE VIEW events AS
SELECT e.seq AS seq, e.id AS id, d.name AS device_id, e.device_seq AS device_seq,
       CASE typeof(e.prev_hash) WHEN 'blob' THEN lower(hex(e.prev_hash)) ELSE e.prev_hash END AS prev_hash,
       CASE typeof(e.hash) WHEN 'blob' THEN lower(hex(e.hash)) ELSE e.hash END AS hash,
       a.name AS actor, e.occurred_at AS occurred_at, e.kind AS kind, e.payload AS payload,
       e.schema_version AS schema_version, s.name AS subject_id
  FROM event_log e
  LEFT JOIN event_names d ON d.ref = e.device
  LEFT JOIN event_names a ON a.ref = e.actor
  LEFT JOIN event_names s ON s.ref = e.subject;

-- Any other write to `events` (a tool, a test that tampers) reaches `event_log` as it would
-- have reached the table: an update or a delete meets its append-only triggers.
CREATE TRIGGER events_insert INSTEAD OF INSERT ON events
BEGIN
    INSERT OR IGNORE INTO event_names (name) VALUES (NEW.device_id), (NEW.actor);
    INSERT OR IGNORE INTO event_names (name) SELECT NEW.subject_id WHERE NEW.subject_id IS NOT NULL;
    INSERT INTO event_log (seq, id, device, device_seq, prev_hash, hash, actor, occurred_at, kind, payload, schema_version, subject)
    VALUES (NEW.seq, NEW.id, (SELECT ref FROM event_names WHERE name = NEW.device_id), NEW.device_seq,
            CASE WHEN length(NEW.prev_hash) = 64 AND lower(hex(unhex(NEW.prev_hash))) = NEW.prev_hash THEN unhex(NEW.prev_hash) ELSE NEW.prev_hash END,
            CASE WHEN length(NEW.hash) = 64 AND lower(hex(unhex(NEW.hash))) = NEW.hash THEN unhex(NEW.hash) ELSE NEW.hash END,
            (SELECT ref FROM event_names WHERE name = NEW.actor), NEW.occurred_at, NEW.kind, NEW.payload,
            NEW.schema_version, (SELECT ref FROM event_names WHERE name = NEW.subject_id));
END;
CREATE TRIGGER events_update INSTEAD OF UPDATE ON events
BEGIN
    INSERT OR IGNORE INTO event_names (name) VALUES (NEW.device_id), (NEW.actor);
    INSERT OR IGNORE INTO event_names (name) SELECT NEW.subject_id WHERE NEW.subject_id IS NOT NULL;
    UPDATE event_log SET seq = NEW.seq, id = NEW.id, device = (SELECT ref FROM event_names WHERE name = NEW.device_id),
           device_seq = NEW.device_seq,
           prev_hash = CASE WHEN length(NEW.prev_hash) = 64 AND lower(hex(unhex(NEW.prev_hash))) = NEW.prev_hash THEN unhex(NEW.prev_hash) ELSE NEW.prev_hash END,
           hash = CASE WHEN length(NEW.hash) = 64 AND lower(hex(unhex(NEW.hash))) = NEW.hash THEN unhex(NEW.hash) ELSE NEW.hash END,
           actor = (SELECT ref FROM event_names WHERE name = NEW.actor), occurred_at = NEW.occurred_at, kind = NEW.kind,
           payload = NEW.payload, schema_version = NEW.schema_version,
           subject = (SELECT ref FROM event_names WHERE name = NEW.subject_id)
     WHERE seq = OLD.seq;
END;
CREATE TRIGGER events_delete INSTEAD OF DELETE ON events
BEGIN
    DELETE FROM event_log WHERE seq = OLD.seq;
END;

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
