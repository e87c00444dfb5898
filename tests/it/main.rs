//! The integration tests: the ledger on real files, imports and exports, tampering and
//! hostile input, one module a concern, compiled into one binary (`--test it`). The end to end
//! test through the real window is its own binary (`--test e2e`, run under Xvfb by `make e2e`);
//! the CLI's tests live with the CLI (`crates/cli/tests`). Shared fixtures come from
//! `taizhang-testsupport`.

mod attachments;
mod backup;
mod compact;
mod documents;
mod enterprise_file;
mod export;
mod figures_sql;
mod forged_dates;
mod history;
mod hostile;
mod hostile_files;
mod import;
mod import_messy;
mod lead_suggestions;
mod ledger_files;
mod monitoring;
mod notices;
mod output_targets;
mod queue_lists;
mod rebuild_equivalence;
mod replica_fold;
mod scorecard_cards;
mod tamper;
mod visits_due;
