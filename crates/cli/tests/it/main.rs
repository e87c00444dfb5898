//! The CLI's tests, run against the `taizhang` binary Cargo builds for them
//! (`CARGO_BIN_EXE_taizhang`), compiled into one binary (`--test it`).

mod cli;
mod cli_attachments;
mod cli_input;
mod cli_monitoring;
mod cli_monitoring_sheets;
mod cli_sync;
mod cli_visit_sheet;
mod crash;
mod two_writers;
