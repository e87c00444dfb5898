-- Monitoring (docs/monitoring.md): what the rules read when a desk's monitoring events are
-- judged. Folds of the events like the other projections: a key enterprise's monthly
-- reports (the month before's cumulative, last year's figures), the key projects and their
-- monthly progress, and each warning as last raised with whether it is dealt with. 旬报 and
-- the links of problems need no table here: no rule reads them back.
CREATE TABLE indicator_reports (
    enterprise_id text NOT NULL,
    month         text NOT NULL,
    body          jsonb NOT NULL,
    PRIMARY KEY (enterprise_id, month)
);
CREATE TABLE projects (id text PRIMARY KEY, township_id text NOT NULL, body jsonb NOT NULL);
CREATE TABLE project_progress (
    project_id text NOT NULL,
    month      text NOT NULL,
    body       jsonb NOT NULL,
    PRIMARY KEY (project_id, month)
);
CREATE TABLE warnings (
    id          text PRIMARY KEY,
    township_id text NOT NULL,
    body        jsonb NOT NULL,
    handled     boolean NOT NULL
);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'taizhang_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON indicator_reports, projects, project_progress, warnings TO taizhang_app;
    END IF;
END $$;
