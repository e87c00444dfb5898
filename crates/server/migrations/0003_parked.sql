-- Events of a device that arrived in a bundle after a gap in its chain (a later bundle carried
-- by hand before an earlier one): kept here, never decided, and pushed again in device order
-- by the import that closes the gap (docs/bundles.md). Not the log: a row goes once its events
-- are stored in `events`.
CREATE TABLE parked_events (
    id          bigserial PRIMARY KEY,
    device_id   text NOT NULL REFERENCES devices (id),
    starts_at   bigint NOT NULL,
    received_at timestamptz NOT NULL,
    -- The wire events as the bundle carried them, each signed by the device.
    events      jsonb NOT NULL
);
CREATE INDEX parked_events_device ON parked_events (device_id, starts_at);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'taizhang_app') THEN
        GRANT SELECT, INSERT, DELETE ON parked_events TO taizhang_app;
        GRANT USAGE ON SEQUENCE parked_events_id_seq TO taizhang_app;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'taizhang: no privilege to grant on parked_events; skipped';
END;
$$;
