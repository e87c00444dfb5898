-- Bundles: the sync protocol carried as files between networks that never meet (docs/bundles.md).

-- The server's own device and its Ed25519 public key, learned at join (or at the first sync of
-- a replica that joined before): what the server's signature on a reply bundle is checked with.
ALTER TABLE replica ADD COLUMN server_device TEXT;
ALTER TABLE replica ADD COLUMN server_key TEXT;

-- A reply bundle whose pulled pages continue from a position this replica has not reached (it
-- was restored from an older backup, or an earlier reply is still on its way): kept whole and
-- applied by the next import or sync that closes the gap. Outcomes it carried are recorded at once.
CREATE TABLE parked_bundles (
    id               INTEGER PRIMARY KEY,
    parked_at        TEXT NOT NULL,
    from_after       INTEGER NOT NULL,
    from_after_event INTEGER NOT NULL,
    body             BLOB NOT NULL
) STRICT;
