//! `settings show|set`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use taizhang_core::{Command, Settings};
use taizhang_ledger::LedgerError;

use crate::args::Globals;
use crate::messages::CliError;
use crate::render::print;
use crate::session::Session;

#[derive(Subcommand)]
pub enum SettingsCmd {
    Show,
    /// Replace the settings with a JSON file (as printed by `settings show --json`).
    Set {
        file: PathBuf,
    },
}

pub fn run(g: &Globals, cmd: SettingsCmd) -> Result<ExitCode, CliError> {
    let mut s = Session::open(g)?;
    match cmd {
        SettingsCmd::Show => {
            // Always JSON: the form `settings set` reads back.
            let settings = s.ledger.settings()?;
            print(true, &settings, String::new);
            Ok(ExitCode::SUCCESS)
        }
        SettingsCmd::Set { file } => {
            let text = std::fs::read_to_string(&file)?;
            let settings: Settings = serde_json::from_str(&text)
                .map_err(|e| CliError::Ledger(LedgerError::bad_input("settings", e.to_string())))?;
            s.exec(Command::UpdateSettings { settings })
        }
    }
}
