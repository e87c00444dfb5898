//! The command line: the global options and the list of subcommands. Each subcommand's own
//! arguments, and what it does, live in its group's module under `cmd/`; this is the table of
//! contents (the one-line help of each subcommand is written here, in the order `--help`
//! shows them).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::cmd::{
    acts, bundle, calendar, demo, enterprises, exchange, figures, ledger_file, monitoring, problems, projects,
    settings, sync, tools, units, users, visit_sheet, visits,
};

#[derive(Parser)]
#[command(name = "taizhang", version, about = "企业服务台账：企业问题台账命令行工具 (the enterprise problem ledger)")]
pub struct Cli {
    #[command(flatten)]
    pub globals: Globals,
    #[command(subcommand)]
    pub cmd: Cmd,
}

/// Options every subcommand takes.
#[derive(Args)]
pub struct Globals {
    /// Ledger file (default: ledger.db in the user's data directory).
    #[arg(long, global = true, env = "TAIZHANG_DB")]
    db: Option<PathBuf>,
    /// Who acts: a login. Every write records this user.
    #[arg(long = "as", global = true, env = "TAIZHANG_AS", value_name = "USER")]
    pub as_user: Option<String>,
    /// Machine-readable output.
    #[arg(long, global = true)]
    pub json: bool,
}

impl Globals {
    /// The ledger file: `--db`, else ledger.db in the user's data directory.
    pub fn db(&self) -> PathBuf {
        self.db.clone().unwrap_or_else(|| {
            directories::ProjectDirs::from("cn", "taizhang", "taizhang")
                .map(|d| d.data_dir().join("ledger.db"))
                .unwrap_or_else(|| PathBuf::from("ledger.db"))
        })
    }
}

// Clap's commands are parsed once per run: the size of their largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum Cmd {
    /// Create an empty ledger with the office unit and the office user `admin`.
    Init,
    /// This ledger as a replica of the district server: join, sync (push then pull), status.
    Sync(sync::SyncArgs),
    /// The sync carried as files, for a desk whose network never meets the server's: export the
    /// pending events for the server, import the server's reply.
    #[command(subcommand)]
    Bundle(bundle::BundleCmd),
    /// Create a realistic demo district (townships, departments, users, enterprises, problems).
    Demo(demo::DemoArgs),
    /// Check every hash chain; exit 1 and name the first broken link if one fails.
    Verify(ledger_file::VerifyArgs),
    /// Write a consistent copy of the ledger to OUT (SQLite's online backup; the copy is
    /// verified). The office only (--as). Never onto a ledger or backup.
    Backup(ledger_file::BackupArgs),
    /// Replace the ledger with the backup FROM, after checking it; the replaced file is kept
    /// beside it as `<name>.replaced-<time>.db`. The office only (--as). Refused while another
    /// program has the ledger open.
    Restore(ledger_file::RestoreArgs),
    /// Import an office's existing spreadsheet: a problem ledger, an enterprise list or a
    /// monthly indicator sheet.
    #[command(subcommand)]
    Import(exchange::ImportCmd),
    /// Export the ledger (any filtered view), a periodic report or a monitoring report as .xlsx
    /// or CSV.
    #[command(subcommand)]
    Export(exchange::ExportCmd),
    /// Write a blank sheet to fill and import: `visits` (走访记录导入模板, with the district's
    /// categories).
    #[command(subcommand)]
    Template(visit_sheet::TemplateCmd),
    /// Rebuild the read tables from the events and say whether they came out identical.
    Rebuild,
    /// The date N working days after DATE (counting from the day after).
    Deadline(tools::DeadlineArgs),
    /// Check a unified social credit code: exit 0 valid, 1 bad check character, 2 malformed.
    CreditCode(tools::CreditCodeArgs),
    /// The problem ledger.
    #[command(subcommand)]
    Problems(problems::ProblemsCmd),
    /// Scorecards of departments and townships for a period: 2026, 2026-Q1, 2026-03, 2026-03-上旬, A..B, campaign.
    Figures(figures::FiguresArgs),
    /// A unit's work: to sign, to handle, supporter tasks, due soon, overdue.
    Inbox(problems::InboxArgs),
    /// What is new for the acting user (the window's bell): a new assignment, a ruling on their
    /// return or extension, an urge, a 批示, a reopening; --seen marks them seen.
    Notices(problems::NoticesArgs),
    // The workflow acts on a problem (register, assign, sign, … instruct), each a subcommand
    // of its own at the top level.
    #[command(flatten)]
    Act(acts::ActCmd),
    /// Units: list, add, update.
    #[command(subcommand)]
    Unit(units::UnitCmd),
    /// Users: list, add, update, set or clear a password.
    #[command(subcommand)]
    User(users::UserCmd),
    /// Enterprises: list, add.
    #[command(subcommand)]
    Enterprise(enterprises::EnterpriseCmd),
    /// Visits: list, add.
    #[command(subcommand)]
    Visit(visits::VisitCmd),
    /// Key enterprises' monthly indicators (月报): report, the month's report, one indicator's months.
    #[command(subcommand)]
    Indicator(monitoring::IndicatorCmd),
    /// Key enterprises' main products (产销旬报): report a 旬, the 旬's summary.
    #[command(subcommand)]
    Product(monitoring::ProductCmd),
    /// Key projects: register, monthly progress, list with 序时进度 and pace, show.
    #[command(subcommand)]
    Project(projects::ProjectCmd),
    /// Early warnings (监测预警): the board, and what was done about one.
    #[command(subcommand)]
    Warning(projects::WarningCmd),
    /// The working-day calendar: show, set a day, import a year.
    #[command(subcommand)]
    Calendar(calendar::CalendarCmd),
    /// Settings: show, or set from a JSON file.
    #[command(subcommand)]
    Settings(settings::SettingsCmd),
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// Every command with its arguments: how each is written, whether it is required, its
    /// default and the values it accepts (hidden aliases in parentheses).
    fn tree(cmd: &clap::Command, path: &str, out: &mut String) {
        out.push_str(path);
        out.push('\n');
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            let name = match (arg.get_long(), arg.get_short()) {
                (Some(l), _) => format!("--{l}"),
                (None, Some(s)) => format!("-{s}"),
                (None, None) => String::new(),
            };
            let values = arg.get_value_names().unwrap_or_default().iter().map(|v| format!("<{v}>"));
            let written: Vec<String> = std::iter::once(name).chain(values).filter(|w| !w.is_empty()).collect();
            out.push_str(&format!("  {}", written.join(" ")));
            if arg.is_required_set() {
                out.push_str(" required");
            }
            if arg.is_global_set() {
                out.push_str(" global");
            }
            let aliases = arg.get_visible_aliases().unwrap_or_default();
            if !aliases.is_empty() {
                out.push_str(&format!(" alias {}", aliases.join(",")));
            }
            let defaults: Vec<_> = arg.get_default_values().iter().map(|d| d.to_string_lossy()).collect();
            if !defaults.is_empty() {
                out.push_str(&format!(" default {:?}", defaults.join(",")));
            }
            let possible: Vec<String> = arg
                .get_possible_values()
                .iter()
                .map(|p| {
                    let hidden: Vec<&str> = p.get_name_and_aliases().skip(1).filter(|a| *a != p.get_name()).collect();
                    if hidden.is_empty() {
                        p.get_name().to_string()
                    } else {
                        format!("{} ({})", p.get_name(), hidden.join(", "))
                    }
                })
                .collect();
            if !possible.is_empty() {
                out.push_str(&format!(" [{}]", possible.join(" | ")));
            }
            out.push('\n');
        }
        for sub in cmd.get_subcommands() {
            tree(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    /// The command line scripts rely on does not change by accident: every command, argument,
    /// default and accepted value is in `tests/command_tree.txt`. After an intended change,
    /// `TAIZHANG_UPDATE_COMMAND_TREE=1 cargo test -p taizhang-cli command_tree` writes it anew
    /// (review the diff).
    #[test]
    fn command_tree_is_as_recorded() {
        let mut out = String::new();
        tree(&Cli::command(), "taizhang", &mut out);
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/command_tree.txt");
        if std::env::var_os("TAIZHANG_UPDATE_COMMAND_TREE").is_some() {
            std::fs::write(&path, &out).unwrap();
        }
        let recorded = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(recorded == out, "the command line changed; if intended, record it (see this test's doc):\n{out}");
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
