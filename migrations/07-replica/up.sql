-- The file as a replica of a district server (docs/sync.md). Neither table is a projection:
-- they record what the server said, which the event log alone cannot tell. A file with no
-- `replica` row is a standalone ledger and works exactly as before.

-- One row at most: where the server is and where this replica stands with it.
CREATE TABLE replica (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    server_url         TEXT NOT NULL,
    fingerprint        TEXT,                  -- the pinned TLS certificate's SHA-256, or NULL
    device_id          TEXT NOT NULL,         -- = meta.device_id: the chain this file writes
    user_id            TEXT NOT NULL,         -- the device's user on the server
    login              TEXT NOT NULL,
    key_file           TEXT NOT NULL,         -- where the device's signing key is (never the key)
    device_state       TEXT NOT NULL CHECK (device_state IN ('pending', 'approved', 'revoked')),
    cursor_after       INTEGER NOT NULL DEFAULT 0,   -- the pull cursor (docs/server.md, "Pull")
    cursor_after_event INTEGER NOT NULL DEFAULT 0,
    high_water         INTEGER NOT NULL DEFAULT 0,   -- the server's last server_seq at the last pull
    joined_at          TEXT NOT NULL,
    last_sync_at       TEXT                   -- when the last sync finished (push and pull)
) STRICT;

-- Every event of a replica, with where it stands: `pending` (made here, not yet decided by the
-- server; folded on top of the applied ones), or the server's outcome and its server_seq.
-- Only `applied` and `pending` events are folded into the projections.
CREATE TABLE replica_events (
    event_id   TEXT PRIMARY KEY REFERENCES events (id),
    state      TEXT NOT NULL CHECK (state IN ('pending', 'applied', 'no_effect', 'refused')),
    server_seq INTEGER UNIQUE,
    reason     TEXT,                          -- `{code, ...fields}` of a no_effect or refused
    flag       TEXT,
    CHECK ((state = 'pending') = (server_seq IS NULL))
) STRICT;
CREATE INDEX replica_events_fold ON replica_events (state, server_seq);
