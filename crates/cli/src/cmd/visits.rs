//! `visit list|add`: visits to enterprises.

use std::process::ExitCode;

use clap::Subcommand;
use taizhang_core::{local_date, Command, DomainError, Visit, VisitForm};

use crate::args::Globals;
use crate::input::{new_id, now, parse_date, parse_enum};
use crate::messages::CliError;
use crate::render::{self, print};
use crate::session::Session;

#[derive(Subcommand)]
pub enum VisitCmd {
    List,
    Add {
        #[arg(long)]
        enterprise: String,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        visitors: String,
        /// 实地走访 / 座谈会 / 电话 / 线上.
        #[arg(long, default_value = "实地走访")]
        form: String,
        #[arg(long, default_value = "")]
        notes: String,
    },
}

pub fn run(g: &Globals, cmd: VisitCmd) -> Result<ExitCode, CliError> {
    let mut s = Session::open(g)?;
    match cmd {
        VisitCmd::List => {
            let visits = s.ledger.visits()?;
            print(s.json, &visits, || {
                let rows: Vec<Vec<String>> = visits
                    .iter()
                    .map(|v| {
                        vec![
                            v.date.to_string(),
                            v.enterprise_id.clone(),
                            v.form.label_zh().into(),
                            v.visitors.clone(),
                            render::clip(&v.notes, 40),
                        ]
                    })
                    .collect();
                render::table(&["日期", "企业", "形式", "走访人", "情况"], &rows)
            });
            Ok(ExitCode::SUCCESS)
        }
        VisitCmd::Add { enterprise, date, visitors, form, notes } => {
            let e = s
                .ledger
                .find_enterprise(&enterprise)?
                .ok_or_else(|| DomainError::not_found("enterprise", &enterprise))?;
            let date = match date {
                Some(d) => parse_date(&d)?,
                None => local_date(now()?),
            };
            let visit = Visit {
                id: new_id(),
                enterprise_id: e.id,
                township_id: e.township_id,
                date,
                visitors,
                form: parse_enum("form", &form, VisitForm::parse)?,
                notes,
            };
            s.exec(Command::RecordVisit { visit })
        }
    }
}
