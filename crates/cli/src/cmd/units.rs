//! `unit list|add|update`.

use std::process::ExitCode;

use clap::Subcommand;
use taizhang_core::{Command, UnitKind};

use crate::args::Globals;
use crate::input::{new_id, parse_enum};
use crate::messages::CliError;
use crate::render::{self, print};
use crate::session::Session;

#[derive(Subcommand)]
pub enum UnitCmd {
    List,
    Add {
        name: String,
        #[arg(long)]
        short: String,
        /// office, township, department or leadership.
        #[arg(long)]
        kind: String,
    },
    Update {
        unit: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        short: Option<String>,
        #[arg(long)]
        active: Option<bool>,
    },
}

pub fn run(g: &Globals, cmd: UnitCmd) -> Result<ExitCode, CliError> {
    let mut s = Session::open(g)?;
    match cmd {
        UnitCmd::List => {
            let units = s.ledger.units()?;
            print(s.json, &units, || {
                let rows: Vec<Vec<String>> = units
                    .iter()
                    .map(|u| {
                        vec![
                            u.name.clone(),
                            u.short_name.clone(),
                            u.kind.label_zh().into(),
                            if u.active { "在用" } else { "停用" }.into(),
                        ]
                    })
                    .collect();
                render::table(&["单位", "简称", "类型", "状态"], &rows)
            });
            Ok(ExitCode::SUCCESS)
        }
        UnitCmd::Add { name, short, kind } => {
            let kind = parse_enum("kind", &kind, UnitKind::parse)?;
            s.exec(Command::CreateUnit { unit_id: new_id(), name, short_name: short, kind })
        }
        UnitCmd::Update { unit, name, short, active } => {
            let u = s.unit(&unit)?;
            s.exec(Command::UpdateUnit {
                unit_id: u.id,
                name: name.unwrap_or(u.name),
                short_name: short.unwrap_or(u.short_name),
                active: active.unwrap_or(u.active),
            })
        }
    }
}
