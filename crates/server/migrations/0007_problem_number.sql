-- A registration asks whether its number is taken: `WHERE number = $1 ORDER BY id LIMIT 1`
-- (the earliest problem when an imported sheet repeated a number). With an index on `number`
-- alone the planner may walk the primary key in id order and filter, reading every problem
-- when the number is free, which is the usual case: 1.4 ms a registration at 10,000 problems
-- and growing with the district (docs/benchmarks.md). On (number, id) the answer is the first
-- entry of one index range.
CREATE INDEX problems_number_id ON problems (number, id);
DROP INDEX problems_number;
