-- Problem aggregates move out of `problems` into their own table. A `problems` row carried
-- its whole aggregate as ~2 KB of JSON, so a row filled half a page and every filter, count
-- and sort of the ledger list read megabytes it did not need (docs/benchmarks.md). The list
-- now filters and sorts small rows and joins the 50 states of the page afterwards.
CREATE TABLE problem_states (
    problem_id TEXT PRIMARY KEY REFERENCES problems (id),
    state      TEXT NOT NULL                 -- the whole aggregate (core::problem::Problem) as JSON
) STRICT;
INSERT INTO problem_states (problem_id, state) SELECT id, state FROM problems ORDER BY rowid;
ALTER TABLE problems DROP COLUMN state;

-- The ledger list's common shapes: a township's or a department's problems in one status,
-- by deadline; the whole ledger by registration (the default sort, and search results).
CREATE INDEX problems_township_status ON problems (township_id, status, handling_deadline, number);
CREATE INDEX problems_lead_status ON problems (lead_unit_id, status, handling_deadline, number);
DROP INDEX problems_lead;
CREATE INDEX problems_registered_at ON problems (registered_at, number);
