-- The result of a resolved problem (its last resolution) as columns, so the ledger export
-- reads every column of its layout from `problems` without parsing aggregates. NULL while
-- the problem is not resolved; `result_explanation` is NULL when empty.
ALTER TABLE problems ADD COLUMN result_type TEXT;
ALTER TABLE problems ADD COLUMN result_text TEXT;
ALTER TABLE problems ADD COLUMN result_explanation TEXT;
UPDATE problems SET
    result_type = json_extract(s.state, '$.resolutions[#-1].result_type'),
    result_text = json_extract(s.state, '$.resolutions[#-1].result_text'),
    result_explanation = nullif(json_extract(s.state, '$.resolutions[#-1].explanation'), '')
  FROM problem_states s
 WHERE s.problem_id = problems.id AND problems.resolved_on IS NOT NULL;
