-- Attachments (docs/attachments.md): the bytes of every photo and scan an event names, once
-- per SHA-256. Not a projection: the events name the files by hash (so the chain covers them)
-- and this table holds what those names stand for; a rebuild leaves it as it is. Written by
-- the write path in the transaction of the event that first names a file; never changed or
-- removed (`verify` reports a named file missing, or whose bytes no longer hash to its name).

CREATE TABLE attachments (
    sha256     TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    size       INTEGER NOT NULL,
    bytes      BLOB NOT NULL
) STRICT;

CREATE TRIGGER attachments_append_only_update BEFORE UPDATE ON attachments
BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END;
CREATE TRIGGER attachments_append_only_delete BEFORE DELETE ON attachments
BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END;
