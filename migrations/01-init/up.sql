-- Taizhang ledger schema, version 1.
-- `events` is the source of truth; every other table is a projection rebuilt from it
-- (see ARCHITECTURE.md). `meta` holds the file's identity.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE events (
    seq            INTEGER PRIMARY KEY,      -- local append order, the order of replay
    id             TEXT NOT NULL UNIQUE,     -- UUIDv7
    device_id      TEXT NOT NULL,
    device_seq     INTEGER NOT NULL,         -- 1, 2, 3… per device, no gaps
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL,            -- SHA-256 over the canonical encoding (core::chain)
    actor          TEXT NOT NULL,            -- user id
    occurred_at    TEXT NOT NULL,            -- RFC 3339 UTC, microseconds
    kind           TEXT NOT NULL,
    payload        TEXT NOT NULL,            -- canonical JSON, hashed as stored
    schema_version INTEGER NOT NULL,
    subject_id     TEXT,                     -- problem, unit, user, enterprise or visit id
    UNIQUE (device_id, device_seq)
) STRICT;
CREATE INDEX events_subject ON events (subject_id, seq);

CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE units (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    short_name TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('office', 'township', 'department', 'leadership')),
    active     INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    unit_id       TEXT NOT NULL REFERENCES units (id),
    role          TEXT NOT NULL CHECK (role IN ('office', 'township', 'department', 'leader')),
    active        INTEGER NOT NULL,
    password_hash TEXT
) STRICT;

CREATE TABLE enterprises (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    credit_code    TEXT UNIQUE,
    credit_code_ok INTEGER,                  -- NULL: no code; 0: bad check character (a warning)
    township_id    TEXT NOT NULL REFERENCES units (id),
    industry       TEXT NOT NULL,
    scale          TEXT NOT NULL,
    key_level      TEXT NOT NULL,
    address        TEXT NOT NULL,
    contact        TEXT NOT NULL,
    phone          TEXT NOT NULL,
    steward        TEXT NOT NULL,
    created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX enterprises_township ON enterprises (township_id);
CREATE INDEX enterprises_name ON enterprises (name);

CREATE TABLE visits (
    id            TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
    township_id   TEXT NOT NULL REFERENCES units (id),
    date          TEXT NOT NULL,
    visitors      TEXT NOT NULL,
    form          TEXT NOT NULL,
    notes         TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
) STRICT;
CREATE INDEX visits_township_date ON visits (township_id, date);
CREATE INDEX visits_enterprise ON visits (enterprise_id);

CREATE TABLE calendar_years (
    year   INTEGER PRIMARY KEY,
    notice TEXT NOT NULL
) STRICT;

CREATE TABLE calendar_days (
    date TEXT PRIMARY KEY,
    off  INTEGER NOT NULL,                   -- 1 holiday, 0 make-up working day
    name TEXT NOT NULL
) STRICT;

CREATE TABLE settings (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    json TEXT NOT NULL
) STRICT;

CREATE TABLE problems (
    id                 TEXT PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    number_year        INTEGER NOT NULL,
    number_seq         INTEGER NOT NULL,
    enterprise_id      TEXT NOT NULL REFERENCES enterprises (id),
    township_id        TEXT NOT NULL REFERENCES units (id),
    visit_id           TEXT REFERENCES visits (id),
    source             TEXT NOT NULL,
    category           TEXT NOT NULL,
    description        TEXT NOT NULL,
    demand             TEXT NOT NULL,
    raised_on          TEXT NOT NULL,
    priority           TEXT NOT NULL,
    responsible_leader TEXT NOT NULL,
    status             TEXT NOT NULL,
    registered_at      TEXT NOT NULL,
    registered_on      TEXT NOT NULL,        -- Beijing date of registration
    lead_unit_id       TEXT REFERENCES units (id),
    handler            TEXT,
    assigned_on        TEXT,
    sign_deadline      TEXT,
    handling_deadline  TEXT,                 -- the approved deadline in force
    original_deadline  TEXT,
    signed_on          TEXT,
    resolved_on        TEXT,
    closed_on          TEXT,
    evaluation         TEXT,
    reopen_count       INTEGER NOT NULL,
    urge_count         INTEGER NOT NULL,
    urge_level         INTEGER NOT NULL,     -- highest urge level: 0 none, 1 提醒, 2 黄牌, 3 红牌
    extension_pending  INTEGER NOT NULL,
    withdrawal_pending INTEGER NOT NULL,
    updated_at         TEXT NOT NULL,
    state              TEXT NOT NULL         -- the whole aggregate (core::problem::Problem) as JSON
) STRICT;
CREATE INDEX problems_status ON problems (status, handling_deadline);
CREATE INDEX problems_township ON problems (township_id, registered_on);
CREATE INDEX problems_lead ON problems (lead_unit_id, status);
CREATE INDEX problems_category ON problems (category);
CREATE INDEX problems_registered ON problems (registered_on);
CREATE INDEX problems_enterprise ON problems (enterprise_id);
CREATE INDEX problems_number_seq ON problems (number_year, township_id, number_seq);

CREATE TABLE problem_supporters (
    problem_id   TEXT NOT NULL REFERENCES problems (id),
    unit_id      TEXT NOT NULL REFERENCES units (id),
    sub_deadline TEXT NOT NULL,
    acknowledged INTEGER NOT NULL,
    settled      INTEGER NOT NULL,           -- opinion given or waived
    PRIMARY KEY (problem_id, unit_id)
) STRICT;
CREATE INDEX problem_supporters_unit ON problem_supporters (unit_id, settled);

-- Chinese search: trigram index over the problem's text and its enterprise's name; rowid is
-- problems.rowid. Queries under 3 characters fall back to a substring scan.
CREATE VIRTUAL TABLE problem_search USING fts5 (
    number, enterprise_name, description, demand,
    tokenize = 'trigram'
);
