-- A problem number an import kept from its sheet no longer takes a place in its township's
-- numbering (core `Problem::number_place`): before, `2026-城关-9999` from a sheet made the
-- next registration `2026-城关-10000`. Such a problem's import key is `no:` and its number;
-- its place becomes year 0, sequence 0, as a rebuild now writes it.
UPDATE problems SET number_year = 0, number_seq = 0
 WHERE EXISTS (SELECT 1 FROM problem_imports i WHERE i.problem_id = problems.id AND i.import_key = 'no:' || problems.number);
