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
    /// The visits, newest first: a township's (--township, else the acting township official's
    /// own), else the whole district's.
    List {
        #[arg(long)]
        township: Option<String>,
        /// Skip this many of the newest.
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// At most this many (1 to 1000).
        #[arg(long, default_value_t = 1000)]
        limit: u64,
    },
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
        VisitCmd::List { township, offset, limit } => {
            let scope = crate::cmd::monitoring::scope(&s, &township)?;
            let page = s.ledger.visit_page(scope.as_deref(), taizhang_ledger::PageRequest { offset, limit })?;
            let visits = page.rows;
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
                let shown = match rows.len() as u64 {
                    0 => format!("共 {} 条\n", page.total),
                    n => format!("共 {} 条，第 {}–{} 条\n", page.total, offset + 1, offset + n),
                };
                render::table(&["日期", "企业", "形式", "走访人", "情况"], &rows) + &shown
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
