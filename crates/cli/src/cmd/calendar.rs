//! `calendar show|set-day|import`: the working-day calendar.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use taizhang_core::calendar::{parse_year_csv, parse_year_json};
use taizhang_core::Command;

use crate::args::Globals;
use crate::input::parse_date;
use crate::messages::CliError;
use crate::render::{self, print};
use crate::session::Session;

#[derive(Subcommand)]
pub enum CalendarCmd {
    /// Holidays and make-up working days of a year, with the notice they come from.
    Show {
        #[arg(long)]
        year: Option<i32>,
    },
    /// Mark a day off (--off), a working day (--work), or back to the weekday rule (--clear).
    SetDay {
        date: String,
        #[arg(long, group = "mark")]
        off: bool,
        #[arg(long, group = "mark")]
        work: bool,
        #[arg(long, group = "mark")]
        clear: bool,
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Import a year from JSON ({year, notice, days:[{date, off, name}]} or holiday-cn) or CSV (date,off,name).
    Import {
        file: PathBuf,
        /// The notice the year comes from (CSV files carry none).
        #[arg(long, default_value = "")]
        notice: String,
    },
}

pub fn run(g: &Globals, cmd: CalendarCmd) -> Result<ExitCode, CliError> {
    let mut s = Session::open(g)?;
    match cmd {
        CalendarCmd::Show { year } => {
            let cal = s.ledger.calendar()?;
            let years: Vec<i32> = match year {
                Some(y) => vec![y],
                None => cal.years(),
            };
            let shown: Vec<_> = years.iter().filter_map(|y| cal.year(*y)).collect();
            print(s.json, &shown, || {
                let mut out = String::new();
                for y in &shown {
                    let notice =
                        if y.notice.is_empty() { "未注明通知".to_string() } else { render::escape(&y.notice) };
                    out.push_str(&format!("{} 年（{}）\n", y.year, notice));
                    let rows: Vec<Vec<String>> = y
                        .days
                        .iter()
                        .map(|d| vec![d.date.to_string(), if d.off { "放假" } else { "上班" }.into(), d.name.clone()])
                        .collect();
                    out.push_str(&render::table(&["日期", "安排", "名称"], &rows));
                    out.push('\n');
                }
                out
            });
            Ok(ExitCode::SUCCESS)
        }
        CalendarCmd::SetDay { date, off, work, clear, name } => {
            let off = match (off, work, clear) {
                (true, _, _) => Some(true),
                (_, true, _) => Some(false),
                _ => None,
            };
            s.exec(Command::SetCalendarDay { date: parse_date(&date)?, off, name })
        }
        CalendarCmd::Import { file, notice } => {
            let text = std::fs::read_to_string(&file)?;
            let year = if file.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
                parse_year_csv(&text, &notice)?
            } else {
                let mut y = parse_year_json(&text)?;
                if !notice.is_empty() {
                    y.notice = notice;
                }
                y
            };
            s.exec(Command::SetCalendarYear { year })
        }
    }
}
