-- The bell's marks (docs/design.md §4, "Each role's day"): where each user last looked at their
-- notices on this desk, as a position in this file's log (`events.seq`). Local state of the
-- desk, like a replica's cursor: neither an event nor a projection, so a rebuild keeps it, the
-- chain does not carry it and no district server hears of it.

CREATE TABLE notice_marks (
    user_id  TEXT PRIMARY KEY,
    seen_seq INTEGER NOT NULL,
    seen_at  TEXT NOT NULL
) STRICT;
