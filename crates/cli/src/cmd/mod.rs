//! One module per group of subcommands: each owns its arguments (clap `Args` / `Subcommand`
//! types) and its `run`, and `main` only dispatches to it. `args::Cmd` lists them.

pub mod acts;
pub mod bundle;
pub mod calendar;
pub mod demo;
pub mod enterprises;
pub mod exchange;
pub mod figures;
pub mod ledger_file;
pub mod monitoring;
pub mod monitoring_sheets;
pub mod problems;
pub mod projects;
pub mod settings;
pub mod sync;
pub mod tools;
pub mod units;
pub mod users;
pub mod visit_sheet;
pub mod visits;
