-- Reproducing the scorecards straight from the event log.
--
-- These queries read only the `events` table of a ledger file (not the projections the app
-- computes its figures from), with :start and :end the first and last day of the period
-- (YYYY-MM-DD, Beijing dates). `tests/it/figures_sql.rs` runs every query below against the
-- demo district and requires the results to equal `taizhang figures` for several periods,
-- so the app's figures can be checked by anyone with sqlite3 and the file:
--
--   sqlite3 ledger.db -cmd ".param set :start 2026-03-01" -cmd ".param set :end 2026-03-31" < docs/figures.sql
--
-- Event times are UTC; `date(occurred_at, '+8 hours')` is the Beijing date.

-- name: lead_assigned
-- Assignments received as lead (first assignment or reassignment after a return).
SELECT json_extract(payload, '$.terms.lead_unit_id') AS unit, count(*) AS n
FROM events
WHERE kind IN ('assigned', 'reassigned') AND date(occurred_at, '+8 hours') BETWEEN :start AND :end
GROUP BY unit;

-- name: lead_signed
-- Signs, and signs on or before the sign deadline in force (from the assignment, or the
-- fresh one given when a return was upheld).
SELECT json_extract(s.payload, '$.unit_id') AS unit, count(*) AS signed,
       sum(date(s.occurred_at, '+8 hours') <= (
           SELECT coalesce(json_extract(a.payload, '$.terms.sign_deadline'), json_extract(a.payload, '$.sign_deadline'))
           FROM events a
           WHERE a.subject_id = s.subject_id AND a.seq < s.seq AND a.kind IN ('assigned', 'reassigned', 'return_upheld')
           ORDER BY a.seq DESC LIMIT 1)) AS on_time
FROM events s
WHERE s.kind = 'signed' AND date(s.occurred_at, '+8 hours') BETWEEN :start AND :end
GROUP BY unit;

-- name: lead_resolved
-- Resolutions, those of type 已解决, and those on or before the approved deadline in force:
-- the latest of the assignment's deadline, an approved extension's new date, or the fresh
-- deadline of a reopening after 不满意.
SELECT json_extract(s.payload, '$.unit_id') AS unit, count(*) AS resolved,
       sum(json_extract(s.payload, '$.result_type') = 'solved') AS solved,
       sum(date(s.occurred_at, '+8 hours') <= (
           SELECT CASE x.kind
                    WHEN 'extension_ruled' THEN (
                        SELECT json_extract(r.payload, '$.new_deadline') FROM events r
                        WHERE r.subject_id = x.subject_id AND r.kind = 'extension_requested' AND r.seq < x.seq
                        ORDER BY r.seq DESC LIMIT 1)
                    WHEN 'evaluated' THEN json_extract(x.payload, '$.reopen_deadline')
                    ELSE json_extract(x.payload, '$.terms.handling_deadline')
                  END
           FROM events x
           WHERE x.subject_id = s.subject_id AND x.seq < s.seq
             AND (x.kind IN ('assigned', 'reassigned')
                  OR (x.kind = 'extension_ruled' AND json_extract(x.payload, '$.approved') = 1)
                  OR (x.kind = 'evaluated' AND json_extract(x.payload, '$.reopen_deadline') IS NOT NULL))
           ORDER BY x.seq DESC LIMIT 1)) AS on_time
FROM events s
WHERE s.kind = 'resolved' AND date(s.occurred_at, '+8 hours') BETWEEN :start AND :end
GROUP BY unit;

-- name: lead_returns
-- Returns made in the period, by the returning unit.
SELECT json_extract(payload, '$.unit_id') AS unit, count(*) AS n
FROM events
WHERE kind = 'returned' AND date(occurred_at, '+8 hours') BETWEEN :start AND :end
GROUP BY unit;

-- name: lead_returns_upheld
-- Returns the office upheld in the period (counted against the unit that returned).
SELECT (SELECT json_extract(r.payload, '$.unit_id') FROM events r
        WHERE r.subject_id = u.subject_id AND r.kind = 'returned' AND r.seq < u.seq
        ORDER BY r.seq DESC LIMIT 1) AS unit, count(*) AS n
FROM events u
WHERE u.kind = 'return_upheld' AND date(u.occurred_at, '+8 hours') BETWEEN :start AND :end
GROUP BY unit;

-- name: lead_extensions
-- Extension requests made in the period.
SELECT json_extract(payload, '$.unit_id') AS unit, count(*) AS n
FROM events
WHERE kind = 'extension_requested' AND date(occurred_at, '+8 hours') BETWEEN :start AND :end
GROUP BY unit;

-- name: lead_extensions_granted
-- Extensions the office approved in the period, by the unit that asked.
SELECT (SELECT json_extract(r.payload, '$.unit_id') FROM events r
        WHERE r.subject_id = g.subject_id AND r.kind = 'extension_requested' AND r.seq < g.seq
        ORDER BY r.seq DESC LIMIT 1) AS unit, count(*) AS n
FROM events g
WHERE g.kind = 'extension_ruled' AND json_extract(g.payload, '$.approved') = 1
  AND date(g.occurred_at, '+8 hours') BETWEEN :start AND :end
GROUP BY unit;

-- name: lead_evaluations
-- Evaluations in the period of items a department resolved (the latest resolution before
-- the evaluation; 就地解决 items are the township's), satisfied = 满意 or 基本满意,
-- reopened = 不满意.
SELECT unit, count(*) AS evaluated, sum(sat IN ('satisfied', 'basic')) AS satisfied, sum(sat = 'unsatisfied') AS reopened
FROM (
    SELECT json_extract(v.payload, '$.satisfaction') AS sat,
           (SELECT CASE r.kind WHEN 'resolved' THEN json_extract(r.payload, '$.unit_id') END
            FROM events r
            WHERE r.subject_id = v.subject_id AND r.kind IN ('resolved', 'resolved_locally') AND r.seq < v.seq
            ORDER BY r.seq DESC LIMIT 1) AS unit
    FROM events v
    WHERE v.kind = 'evaluated' AND date(v.occurred_at, '+8 hours') BETWEEN :start AND :end)
WHERE unit IS NOT NULL
GROUP BY unit;

-- name: township_visits
SELECT json_extract(payload, '$.visit.township_id') AS unit, count(*) AS n
FROM events
WHERE kind = 'visit_recorded' AND json_extract(payload, '$.visit.date') BETWEEN :start AND :end
GROUP BY unit;

-- name: township_registered
SELECT json_extract(payload, '$.township_id') AS unit, count(*) AS n
FROM events
WHERE kind = 'problem_registered' AND date(occurred_at, '+8 hours') BETWEEN :start AND :end
GROUP BY unit;

-- name: township_resolved_locally
SELECT (SELECT json_extract(g.payload, '$.township_id') FROM events g
        WHERE g.subject_id = l.subject_id AND g.kind = 'problem_registered') AS unit, count(*) AS n
FROM events l
WHERE l.kind = 'resolved_locally' AND date(l.occurred_at, '+8 hours') BETWEEN :start AND :end
GROUP BY unit;

-- name: township_callbacks
-- 回访: evaluations recorded in the period for the township's problems.
SELECT (SELECT json_extract(g.payload, '$.township_id') FROM events g
        WHERE g.subject_id = v.subject_id AND g.kind = 'problem_registered') AS unit, count(*) AS n
FROM events v
WHERE v.kind = 'evaluated' AND date(v.occurred_at, '+8 hours') BETWEEN :start AND :end
GROUP BY unit;
