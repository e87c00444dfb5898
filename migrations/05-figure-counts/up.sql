-- The scorecard's dated facts (core `figure_facts`), summed per day, kind, unit, category
-- (registrations) and start day (resolutions by a department). A projection like the others:
-- each event adds the difference of its problem's facts. A period's figures read the rows of
-- its days instead of parsing every problem aggregate. Keys use '' for "none" (a primary key
-- of a WITHOUT ROWID table cannot be NULL); rows whose count falls to 0 are deleted.
CREATE TABLE figure_counts (
    on_date    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    unit_id    TEXT NOT NULL,
    category   TEXT NOT NULL,
    started_on TEXT NOT NULL,
    n          INTEGER NOT NULL,
    yes        INTEGER NOT NULL,
    solved     INTEGER NOT NULL,
    PRIMARY KEY (on_date, kind, unit_id, category, started_on)
) WITHOUT ROWID;

-- A period's visits, per township and enterprise, read from the index alone.
CREATE INDEX visits_date ON visits (date, township_id, enterprise_id);

-- Filled from the aggregates by the program right after this migration (the facts are a
-- rule of the core, not of SQL); the key is removed in the transaction that fills it.
INSERT INTO meta (key, value) VALUES ('figure_counts', 'to_fill');
