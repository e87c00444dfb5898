-- The projections' bodies as text, compressed with lz4 where the server has it.
--
-- They were JSONB, but nothing in PostgreSQL reads inside them: the appender writes a body as
-- serde's JSON of the core's aggregate and reads it back whole (`body::text`) to resume its
-- fold; every filter a pull or a lookup needs is a column of its own. As JSONB each write was
-- parsed, its keys sorted and, past 2 KB, compressed with pglz, and each read rendered back
-- to text: at 300,000 events on the server that was about a sixth of PostgreSQL's time in a
-- push (bench/notes.md, stop 32). Text is stored as sent; lz4 compresses the larger bodies at
-- a fraction of pglz's cost.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['units', 'users', 'enterprises', 'visits', 'problems', 'projects',
                             'indicator_reports', 'project_progress', 'warnings'] LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN body TYPE text USING body::text', t);
        BEGIN
            EXECUTE format('ALTER TABLE %I ALTER COLUMN body SET COMPRESSION lz4', t);
        EXCEPTION WHEN feature_not_supported THEN
            -- A PostgreSQL built without lz4 keeps pglz: slower, the same rows.
            RAISE NOTICE 'taizhang: no lz4 in this PostgreSQL; % keeps pglz', t;
        END;
    END LOOP;
END $$;
