-- Printed documents' numbers (docs/documents.md): every number a DocumentIssued or BulletinIssued event gave,
-- so the rules can refuse a number given twice and continue each kind's sequence per year.
-- The documents themselves live in their problem's aggregate (`problems.body`).
CREATE TABLE documents (
    number     text NOT NULL,
    kind       text NOT NULL,
    year       integer NOT NULL,
    seq        integer NOT NULL,
    series     text,
    problem_id text,   -- NULL for a 通报
    period     text    -- a 通报's report period
);
CREATE INDEX documents_number ON documents (number);
CREATE INDEX documents_seq ON documents (kind, year, seq) WHERE series IS NULL;
CREATE INDEX documents_period ON documents (period) WHERE period IS NOT NULL;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'taizhang_app') THEN
        GRANT SELECT, INSERT ON documents TO taizhang_app;
    END IF;
END $$;
