//! The exchange crate's integration tests, one binary: the header corpus, the sheet limits and the indicator import.
//! `isolated_reading` stays a binary of its own because it switches the process-wide reader to a
//! child process, which would change how every other test here reads a sheet.

mod header_corpus;
mod indicator_import;
mod sheet_limits;
