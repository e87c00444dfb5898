-- Monitoring (docs/monitoring.md): key enterprises' monthly indicators and 旬报, key projects
-- and their monthly progress, the warnings the figures raised and what was done about them,
-- and where a problem came from. Projections of their events like every other table: a
-- report again for the same period replaces its row (the log keeps both). `body` is the
-- record as its event carries it (JSON); the columns beside it are what queries filter on.

CREATE TABLE indicator_reports (
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
    month         TEXT NOT NULL,             -- 2026-03
    body          TEXT NOT NULL,
    late          INTEGER NOT NULL,
    reported_by   TEXT NOT NULL,
    reported_at   TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, month)
) STRICT;
CREATE INDEX indicator_reports_month ON indicator_reports (month);

CREATE TABLE production_reports (
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
    month         TEXT NOT NULL,
    xun           TEXT NOT NULL CHECK (xun IN ('first', 'second', 'third')),
    body          TEXT NOT NULL,
    late          INTEGER NOT NULL,
    reported_by   TEXT NOT NULL,
    reported_at   TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, month, xun)
) STRICT;
CREATE INDEX production_reports_month ON production_reports (month, xun);

CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    township_id TEXT NOT NULL REFERENCES units (id),
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE project_progress (
    project_id  TEXT NOT NULL REFERENCES projects (id),
    month       TEXT NOT NULL,
    body        TEXT NOT NULL,
    late        INTEGER NOT NULL,
    reported_by TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    PRIMARY KEY (project_id, month)
) STRICT;
CREATE INDEX project_progress_month ON project_progress (month);

-- A warning as last raised; `open` until what was done about it is recorded (raising it
-- again on corrected figures opens it again).
CREATE TABLE warnings (
    id          TEXT PRIMARY KEY,
    subject     TEXT NOT NULL CHECK (subject IN ('enterprise', 'project')),
    subject_id  TEXT NOT NULL,
    township_id TEXT NOT NULL,
    period      TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('blue', 'yellow', 'orange', 'red')),
    rule        TEXT NOT NULL,
    body        TEXT NOT NULL,
    raised_at   TEXT NOT NULL,
    open        INTEGER NOT NULL
) STRICT;
CREATE INDEX warnings_open ON warnings (open, township_id);
CREATE INDEX warnings_subject ON warnings (subject_id);

-- What was done: a note (with the visit that answered it), or the problem it became.
CREATE TABLE warning_actions (
    warning_id TEXT NOT NULL REFERENCES warnings (id),
    note       TEXT NOT NULL,
    visit_id   TEXT,
    problem_id TEXT,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL
) STRICT;
CREATE INDEX warning_actions_warning ON warning_actions (warning_id);

-- Where a problem came from besides a visit: a warning or a project's month.
CREATE TABLE problem_origins (
    problem_id TEXT PRIMARY KEY REFERENCES problems (id),
    warning_id TEXT,
    project_id TEXT,
    month      TEXT
) STRICT;
CREATE INDEX problem_origins_project ON problem_origins (project_id);
