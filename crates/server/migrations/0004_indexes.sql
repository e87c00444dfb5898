-- Every push reads the calendar and settings in force (`world::context`): a fold of their few
-- applied events, found through this index instead of a scan of the whole log.
CREATE INDEX events_context ON events (server_seq)
    WHERE outcome = 'applied' AND kind IN ('calendar_year_set', 'calendar_day_set', 'settings_changed');
-- A unit's pull reads the grants that fall within a page's range of deliveries.
CREATE INDEX visibility_unit_since ON visibility (unit_id, since_seq);
