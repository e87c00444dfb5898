-- Printed documents' numbers (docs/documents.md): every number a DocumentIssued or
-- BulletinIssued event gave, so a number is never given twice and each kind's sequence
-- continues per year. A projection like every other table; a problem's documents themselves
-- live in its aggregate (`problem_states`), and printing reads them there; a 通报's number
-- is found here by its period.

CREATE TABLE documents (
    number     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    year       INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    series     TEXT,                 -- a replica's device series; NULL: the district's own
    problem_id TEXT REFERENCES problems (id),   -- NULL for a 通报
    period     TEXT,                            -- a 通报's report period; NULL for a problem's
    round      INTEGER NOT NULL,
    issued_by  TEXT NOT NULL,
    issued_at  TEXT NOT NULL
) STRICT;
CREATE INDEX documents_number ON documents (number);
CREATE INDEX documents_seq ON documents (kind, year, seq) WHERE series IS NULL;
CREATE INDEX documents_period ON documents (period) WHERE period IS NOT NULL;
