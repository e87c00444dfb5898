-- The scorecard's dated facts (core `figure_facts`), summed per day, kind, unit, detail
-- (a registration's category, a visit's enterprise) and start day (resolutions by a
-- department). A projection like the others:
-- each event adds the difference of its problem's facts. A period's figures read the rows of
-- its days instead of parsing every problem aggregate. Keys use '' for "none" (a primary key
-- of a WITHOUT ROWID table cannot be NULL); rows whose count falls to 0 are deleted.
CREATE TABLE figure_counts (
    on_date    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    unit_id    TEXT NOT NULL,
    detail     TEXT NOT NULL,
    started_on TEXT NOT NULL,
    n          INTEGER NOT NULL,
    yes        INTEGER NOT NULL,
    solved     INTEGER NOT NULL,
    PRIMARY KEY (on_date, kind, unit_id, detail, started_on)
) WITHOUT ROWID;

-- The open problems as the figures read them (status, deadlines, urges, township, lead,
-- category), from the index alone; it keeps the (status, handling_deadline) prefix of the
-- index it replaces, which the list's escalation filters use.
DROP INDEX problems_status;
CREATE INDEX problems_status ON problems
    (status, handling_deadline, sign_deadline, urge_level, urge_count, township_id, lead_unit_id, category);

-- Supporter parts still to settle on a problem whose clock runs (the supporters' "overdue
-- now"): few, whatever the size of the ledger, and read from this index alone.
ALTER TABLE problem_supporters ADD COLUMN clock_runs INTEGER NOT NULL DEFAULT 0;
CREATE INDEX problem_supporters_open ON problem_supporters (unit_id, sub_deadline) WHERE clock_runs AND NOT settled;

-- Filled from the aggregates (and `clock_runs` from the status) by the program right after
-- this migration (the facts are a rule of the core, not of SQL); the key is removed in the
-- transaction that fills them.
INSERT INTO meta (key, value) VALUES ('figure_counts', 'to_fill');
