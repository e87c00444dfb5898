-- `events` is append-only: a trigger refuses UPDATE and DELETE row by row and TRUNCATE as a
-- statement, whoever asks; the application role is in addition granted no such privilege.

CREATE FUNCTION taizhang_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'taizhang: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION taizhang_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION taizhang_refuse_change();
CREATE TRIGGER alarms_append_only BEFORE UPDATE OR DELETE ON alarms
    FOR EACH ROW EXECUTE FUNCTION taizhang_refuse_change();
CREATE TRIGGER alarms_no_truncate BEFORE TRUNCATE ON alarms
    FOR EACH STATEMENT EXECUTE FUNCTION taizhang_refuse_change();

-- The role the server acts as (it `SET ROLE`s to it on every connection when it may). Made
-- when whoever runs `init` may make roles; otherwise the server runs as the connecting user
-- and the trigger alone guards the log.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'taizhang_app') THEN
        BEGIN
            CREATE ROLE taizhang_app NOLOGIN;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'taizhang: no privilege to create role taizhang_app; skipped';
            RETURN;
        END;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO taizhang_app', current_schema());
    GRANT SELECT, INSERT ON events, alarms TO taizhang_app;
    GRANT USAGE ON SEQUENCE alarms_id_seq TO taizhang_app;
    GRANT SELECT, INSERT, UPDATE ON devices TO taizhang_app;
    GRANT SELECT ON server_identity, schema_migrations TO taizhang_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON units, users, enterprises, visits, problems, problem_imports TO taizhang_app;
    GRANT SELECT, INSERT ON visibility TO taizhang_app;
END;
$$;
