-- `events_enterprise` (every event with an enterprise, by enterprise and server_seq) is read by
-- no statement: a pull reads an enterprise's own events through `events_enterprise_own`
-- (migration 0006), and nothing else looks events up by enterprise. pg_stat_user_indexes
-- counted no scan of it over a whole bench run of pushes and pulls, while every push paid for
-- it in every event it appended (bench/notes.md, stop 32).
DROP INDEX events_enterprise;
