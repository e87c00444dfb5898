-- The district's tables. Events are the truth; everything below `events` is a projection
-- folded from applied events in server_seq order (docs/server.md).

CREATE TABLE devices (
    id          text PRIMARY KEY,
    -- NULL for the server's own device, which appends genesis and the office's CLI commands.
    user_id     text,
    kind        text NOT NULL CHECK (kind IN ('server', 'desktop')),
    name        text NOT NULL DEFAULT '',
    key_alg     text NOT NULL,
    public_key  text NOT NULL,
    state       text NOT NULL CHECK (state IN ('pending', 'approved', 'revoked')),
    joined_at   timestamptz NOT NULL,
    decided_at  timestamptz,
    decided_by  text,
    -- The last link of this device's chain held here.
    last_seq    bigint NOT NULL DEFAULT 0,
    last_hash   text NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000'
);

CREATE TABLE server_identity (
    id          integer PRIMARY KEY CHECK (id = 1),
    ledger_id   text NOT NULL,
    device_id   text NOT NULL REFERENCES devices (id),
    -- Hex of the server device's Ed25519 secret; readable by the server's roles only.
    secret_key  text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE events (
    server_seq     bigint PRIMARY KEY CHECK (server_seq > 0),
    id             text NOT NULL UNIQUE,
    device_id      text NOT NULL REFERENCES devices (id),
    device_seq     bigint NOT NULL CHECK (device_seq > 0),
    prev_hash      text NOT NULL,
    hash           text NOT NULL,
    actor          text NOT NULL,
    occurred_at    text NOT NULL,
    kind           text NOT NULL,
    schema_version bigint NOT NULL,
    payload        text NOT NULL,
    sig_alg        text NOT NULL,
    sig            text NOT NULL,
    received_at    timestamptz NOT NULL,
    chain_hash     text NOT NULL,
    outcome        text NOT NULL CHECK (outcome IN ('applied', 'no_effect', 'refused')),
    reason         jsonb,
    reason_code    text NOT NULL DEFAULT '',
    flag           text NOT NULL DEFAULT '',
    -- Scope columns, from the payload: what a pull filters on.
    problem_id     text,
    enterprise_id  text,
    township_id    text,
    UNIQUE (device_id, device_seq)
);
CREATE INDEX events_problem ON events (problem_id, server_seq) WHERE problem_id IS NOT NULL;
CREATE INDEX events_enterprise ON events (enterprise_id, server_seq) WHERE enterprise_id IS NOT NULL;
CREATE INDEX events_township ON events (township_id, server_seq) WHERE township_id IS NOT NULL;
CREATE INDEX events_actor ON events (actor, server_seq);

-- The same id offered with another hash, or another event at a held device_seq: never an
-- overwrite, always a row here.
CREATE TABLE alarms (
    id            bigserial PRIMARY KEY,
    raised_at     timestamptz NOT NULL,
    code          text NOT NULL,
    device_id     text NOT NULL,
    device_seq    bigint NOT NULL,
    event_id      text NOT NULL,
    stored_hash   text NOT NULL,
    offered_hash  text NOT NULL
);

-- Projections (JSONB aggregates with the columns lookups need).
CREATE TABLE units (id text PRIMARY KEY, name text NOT NULL, body jsonb NOT NULL);
CREATE INDEX units_name ON units (name);
CREATE TABLE users (id text PRIMARY KEY, login text NOT NULL UNIQUE, body jsonb NOT NULL);
CREATE TABLE enterprises (id text PRIMARY KEY, credit_code text, township_id text NOT NULL, body jsonb NOT NULL);
CREATE INDEX enterprises_credit_code ON enterprises (credit_code);
CREATE TABLE visits (id text PRIMARY KEY, township_id text NOT NULL, enterprise_id text NOT NULL, body jsonb NOT NULL);
CREATE TABLE problems (
    id            text PRIMARY KEY,
    number        text NOT NULL,
    number_year   integer NOT NULL,
    number_seq    integer NOT NULL,
    township_id   text NOT NULL,
    enterprise_id text NOT NULL,
    body          jsonb NOT NULL
);
CREATE INDEX problems_number ON problems (number);
CREATE INDEX problems_numbering ON problems (number_year, township_id, number_seq);
CREATE INDEX problems_enterprise ON problems (enterprise_id);
CREATE TABLE problem_imports (import_key text PRIMARY KEY, problem_id text NOT NULL);

-- Which unit may see which problem since which server_seq. Rows are only ever added: a
-- department keeps seeing an item it once led or supported.
CREATE TABLE visibility (
    unit_id     text NOT NULL,
    problem_id  text NOT NULL,
    since_seq   bigint NOT NULL,
    PRIMARY KEY (unit_id, problem_id)
);
CREATE INDEX visibility_problem ON visibility (problem_id);
