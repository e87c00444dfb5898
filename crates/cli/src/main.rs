//! `taizhang`: the ledger from the command line. Every subcommand goes through the same
//! library the desktop app uses; writes go through `Ledger::execute` and record `--as`.
//!
//! `args` is the command line (global options, the list of subcommands); `cmd/` holds one
//! module per group of subcommands, each with its own arguments and `run`; `session` is the
//! open ledger and the acting user they share.

mod args;
mod cmd;
mod input;
mod messages;
mod progress;
mod render;
mod secrets;
mod session;

use std::process::ExitCode;

use args::{Cli, Cmd};
use clap::Parser;
use cmd::*;
use messages::CliError;
use taizhang_core::coded::Coded;

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, which makes a write to a closed pipe (`taizhang problems list |
    // head`) an error, and `println!` panics on it. A command-line tool ends quietly there, as
    // every other one does: the signal's default action.
    #[cfg(unix)]
    #[allow(unsafe_code)]
    // SAFETY: called first thing, before any thread exists; it only sets a signal disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // Spreadsheets are read in a child copy of this program with a memory limit
    // (`sheet::serve_read_request`), as in the desktop app: a file that makes the parser
    // allocate without bound or abort is refused with a code, and this process stays whole.
    let args: Vec<String> = std::env::args().collect();
    if let Some(code) = taizhang_exchange::sheet::serve_read_request(&args) {
        return ExitCode::from(code as u8);
    }
    if let Ok(exe) = std::env::current_exe() {
        taizhang_exchange::sheet::isolate_reading(exe);
    }
    let cli = Cli::parse();
    let json = cli.globals.json;
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if json {
                eprintln!("{}", e.to_json());
            } else {
                eprintln!("{}", render::terminal_safe(&format!("错误 [{}]：{}", e.code(), e.localized())));
            }
            ExitCode::FAILURE
        }
    }
}

/// Hands the subcommand to its group's module.
fn run(cli: Cli) -> Result<ExitCode, CliError> {
    let g = &cli.globals;
    match cli.cmd {
        Cmd::Init => ledger_file::init(g),
        Cmd::Sync(a) => sync::run(g, a),
        Cmd::Bundle(c) => bundle::run(g, c),
        Cmd::Demo(a) => demo::run(g, a),
        Cmd::Verify(a) => ledger_file::verify(g, a),
        Cmd::Backup(a) => ledger_file::backup(g, a),
        Cmd::Restore(a) => ledger_file::restore(g, a),
        Cmd::Import(c) => exchange::import(g, c),
        Cmd::Export(c) => exchange::export(g, c),
        Cmd::Template(c) => visit_sheet::template(g, c),
        Cmd::Rebuild => ledger_file::rebuild(g),
        Cmd::Deadline(a) => tools::deadline(g, a),
        Cmd::CreditCode(a) => tools::credit_code(g, a),
        Cmd::Problems(c) => problems::run(g, c),
        Cmd::Figures(a) => figures::run(g, a),
        Cmd::Inbox(a) => problems::inbox(g, a),
        Cmd::Notices(a) => problems::notices(g, a),
        Cmd::Act(c) => acts::run(g, c),
        Cmd::Unit(c) => units::run(g, c),
        Cmd::User(c) => users::run(g, c),
        Cmd::Enterprise(c) => enterprises::run(g, c),
        Cmd::Visit(c) => visits::run(g, c),
        Cmd::Indicator(c) => monitoring::run_indicator(g, c),
        Cmd::Product(c) => monitoring::run_product(g, c),
        Cmd::Project(c) => projects::run_project(g, c),
        Cmd::Warning(c) => projects::run_warning(g, c),
        Cmd::Calendar(c) => calendar::run(g, c),
        Cmd::Settings(c) => settings::run(g, c),
    }
}
