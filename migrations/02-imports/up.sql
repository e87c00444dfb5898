-- Problems imported from an office's spreadsheet ledger: where each came from, and the key
-- that makes a later import of the same row a duplicate rather than a second problem.
CREATE TABLE problem_imports (
    problem_id TEXT PRIMARY KEY REFERENCES problems (id),
    import_key TEXT NOT NULL UNIQUE,
    file       TEXT NOT NULL,
    sheet      TEXT NOT NULL,
    row        INTEGER NOT NULL
) STRICT;
