-- Printed documents' numbers (docs/documents.md): every number a DocumentIssued event gave,
-- so a number is never given twice and each kind's sequence continues per year. A projection
-- like every other table; the documents themselves live in their problem's aggregate
-- (`problem_states`), and printing reads them there.

CREATE TABLE documents (
    number     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    year       INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    series     TEXT,                 -- a replica's device series; NULL: the district's own
    problem_id TEXT NOT NULL REFERENCES problems (id),
    round      INTEGER NOT NULL,
    issued_by  TEXT NOT NULL,
    issued_at  TEXT NOT NULL
) STRICT;
CREATE INDEX documents_number ON documents (number);
CREATE INDEX documents_seq ON documents (kind, year, seq) WHERE series IS NULL;
