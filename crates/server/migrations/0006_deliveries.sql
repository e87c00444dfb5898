-- A unit's pull read the log along server_seq from its cursor and probed every other unit's
-- problem event against its grants: a township with a sixth of the log read six rows for each
-- one it received (docs/benchmarks.md). `deliveries` holds, for each event, the units that
-- receive it at its own position because of a grant (a problem's events for every unit that
-- may see the problem; an enterprise's events for every unit that may see one of its
-- problems), written by the appender with the event. A township's own events (township_id),
-- an actor's own and the district-wide ones are read through their own indexes, so the rows
-- here leave out the event's own township. A pull merges the four, each read in order.
CREATE TABLE deliveries (
    unit_id    text NOT NULL,
    server_seq bigint NOT NULL,
    PRIMARY KEY (unit_id, server_seq)
);

-- What the appender would have written for the log so far: a grant delivers a problem's
-- events from its own position on; an enterprise's, from the unit's first grant of one of its
-- problems on.
INSERT INTO deliveries (unit_id, server_seq)
SELECT v.unit_id, e.server_seq
FROM events e JOIN visibility v ON v.problem_id = e.problem_id AND v.since_seq <= e.server_seq
WHERE e.problem_id IS NOT NULL AND v.unit_id IS DISTINCT FROM e.township_id
UNION
SELECT v.unit_id, e.server_seq
FROM events e
JOIN problems p ON p.enterprise_id = e.enterprise_id
JOIN visibility v ON v.problem_id = p.id AND v.since_seq <= e.server_seq
WHERE e.problem_id IS NULL AND e.kind IN ('enterprise_created', 'enterprise_updated')
  AND v.unit_id IS DISTINCT FROM e.township_id;

-- The district-wide events (units, users, calendar, settings, projects), read in order.
CREATE INDEX events_district_wide ON events (server_seq)
    WHERE problem_id IS NULL AND township_id IS NULL AND enterprise_id IS NULL;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'taizhang_app') THEN
        GRANT SELECT, INSERT ON deliveries TO taizhang_app;
    END IF;
END $$;
