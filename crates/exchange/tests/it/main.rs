//! The exchange crate's integration tests, one binary: the header corpus, the sheet limits, the
//! indicator import, the visit sheet and the ledger sheet's formats.
//! `isolated_reading` stays a binary of its own because it switches the process-wide reader to a
//! child process, which would change how every other test here reads a sheet.

mod header_corpus;
mod indicator_import;
mod ledger_sheet;
mod sheet_limits;
mod visit_import;
