-- `events.device_id` was a foreign key to `devices`. Its check ran for every event appended,
-- and locked the device's row FOR KEY SHARE in the very transaction that moves that device's
-- chain head on the same row, so every push paid a row lock on a row it had just updated
-- (docs/benchmarks.md, the push row). The key holds without the check: the appender only
-- appends events of the device it read under the append lock (or the server's own), and a
-- device is never deleted: the application role has no DELETE on `devices`, and these
-- triggers refuse DELETE and TRUNCATE from anyone, as for the log itself.

CREATE TRIGGER devices_no_delete BEFORE DELETE ON devices
    FOR EACH ROW EXECUTE FUNCTION taizhang_refuse_change();
CREATE TRIGGER devices_no_truncate BEFORE TRUNCATE ON devices
    FOR EACH STATEMENT EXECUTE FUNCTION taizhang_refuse_change();
ALTER TABLE events DROP CONSTRAINT events_device_id_fkey;
