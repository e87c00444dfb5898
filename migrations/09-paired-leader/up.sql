-- 包联领导: the leader paired with an enterprise (docs/monitoring.md, "Pairing"). A projection
-- column like the others of `enterprises`: events without it fold to ''.
ALTER TABLE enterprises ADD COLUMN paired_leader TEXT NOT NULL DEFAULT '';
