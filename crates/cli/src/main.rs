//! `taizhang`: the ledger from the command line. Every subcommand goes through the same
//! library the desktop app uses; writes go through `Ledger::execute` and record `--as`.

mod exchange;
mod messages;
mod progress;
mod render;
mod secrets;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use messages::CliError;
use serde::Serialize;
use taizhang_core::calendar::{parse_year_csv, parse_year_json, Calendar};
use taizhang_core::command::{AssignRequest, ReturnRuling, SupporterRequest};
use taizhang_core::credit_code::{check_credit_code, CreditCodeCheck};
use taizhang_core::workflow::{capabilities, Capabilities};
use taizhang_core::*;
use taizhang_demo::{generate, DemoOptions};
use taizhang_ledger::figures::PeriodLookupError;
use taizhang_ledger::password::hash_password;
use taizhang_ledger::{Ledger, LedgerError, OutputTarget, PageRequest, ProblemFilter, Sort, SortKey};

#[derive(Parser)]
#[command(name = "taizhang", version, about = "企业服务台账：企业问题台账命令行工具 (the enterprise problem ledger)")]
struct Cli {
    /// Ledger file (default: ledger.db in the user's data directory).
    #[arg(long, global = true, env = "TAIZHANG_DB")]
    db: Option<PathBuf>,
    /// Who acts: a login. Every write records this user.
    #[arg(long = "as", global = true, env = "TAIZHANG_AS", value_name = "USER")]
    as_user: Option<String>,
    /// Machine-readable output.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Create an empty ledger with the office unit and the office user `admin`.
    Init,
    /// Create a realistic demo district (townships, departments, users, enterprises, problems).
    Demo {
        #[arg(long, default_value_t = 520)]
        problems: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Days of history before today.
        #[arg(long, default_value_t = 150)]
        days: u32,
    },
    /// Check every hash chain; exit 1 and name the first broken link if one fails.
    Verify {
        /// Also replay every event through the core's rules from the state the events before it
        /// made, and name the first event the rules would not have produced.
        #[arg(long)]
        full: bool,
    },
    /// Write a consistent copy of the ledger to OUT (SQLite's online backup; the copy is
    /// verified). The office only (--as). Never onto a ledger or backup.
    Backup {
        out: PathBuf,
        /// Replace OUT if it exists (never a ledger or backup, whatever this says).
        #[arg(long)]
        force: bool,
    },
    /// Replace the ledger with the backup FROM, after checking it; the replaced file is kept
    /// beside it as `<name>.replaced-<time>.db`. The office only (--as). Refused while another
    /// program has the ledger open.
    Restore {
        from: PathBuf,
        /// Restore even a backup of another ledger (another genesis) or one older than the
        /// ledger (its newer events leave the ledger; the replaced file is kept).
        #[arg(long, visible_alias = "yes")]
        force: bool,
    },
    /// Import an office's existing spreadsheet: a problem ledger or an enterprise list.
    #[command(subcommand)]
    Import(exchange::ImportCmd),
    /// Export the ledger (any filtered view) or a periodic report as .xlsx or CSV.
    #[command(subcommand)]
    Export(exchange::ExportCmd),
    /// Rebuild the read tables from the events and say whether they came out identical.
    Rebuild,
    /// The date N working days after DATE (counting from the day after).
    Deadline { date: String, days: u32 },
    /// Check a unified social credit code: exit 0 valid, 1 bad check character, 2 malformed.
    CreditCode { code: String },
    /// The problem ledger.
    #[command(subcommand)]
    Problems(ProblemsCmd),
    /// Scorecards of departments and townships for a period: 2026, 2026-Q1, 2026-03, 2026-03-上旬, A..B, campaign.
    Figures {
        #[arg(long)]
        period: String,
    },
    /// A unit's work: to sign, to handle, supporter tasks, due soon, overdue.
    Inbox {
        /// Unit name, short name or id (default: the acting user's unit).
        #[arg(long)]
        unit: Option<String>,
    },

    /// 登记: register a problem.
    Register(RegisterArgs),
    /// 就地解决 (township).
    ResolveLocally {
        problem: String,
        #[arg(long)]
        result: String,
    },
    /// 交办 (office): one lead, any supporters.
    Assign {
        problem: String,
        #[command(flatten)]
        terms: AssignArgs,
    },
    /// 签收 (lead).
    Sign {
        problem: String,
        #[arg(long, default_value = "")]
        handler: String,
    },
    /// 协办签收 (supporter).
    Acknowledge { problem: String },
    /// 退回 (lead, inside the objection window).
    Return {
        problem: String,
        #[arg(long, default_value = "")]
        reason: String,
        /// The unit that should own it instead.
        #[arg(long)]
        propose: String,
    },
    /// 裁定 a return (office): --uphold, or --reassign with a new lead.
    RuleReturn {
        problem: String,
        #[arg(long, conflicts_with = "lead")]
        uphold: bool,
        #[command(flatten)]
        terms: OptionalAssignArgs,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 进展 (lead or supporter).
    Progress {
        problem: String,
        #[arg(long)]
        text: String,
        /// A 阶段性答复 to the company.
        #[arg(long)]
        stage: bool,
    },
    /// 协办意见 (supporter).
    Opinion {
        problem: String,
        #[arg(long)]
        text: String,
    },
    /// Waive a supporter's opinion (office).
    WaiveOpinion {
        problem: String,
        #[arg(long)]
        unit: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// 延期申请 (lead, before the deadline).
    RequestExtension {
        problem: String,
        #[arg(long)]
        until: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Rule on an extension request (office).
    RuleExtension {
        problem: String,
        #[command(flatten)]
        decision: Decision,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 督办 (office).
    Urge {
        problem: String,
        #[arg(long, value_enum)]
        level: UrgeLevel,
        #[arg(long)]
        notice: String,
    },
    /// 办结 (lead).
    Resolve {
        problem: String,
        #[arg(long = "type", value_enum, default_value = "solved")]
        result_type: ResultKind,
        #[arg(long)]
        result: String,
        #[arg(long, default_value = "")]
        explanation: String,
    },
    /// 评价: the company's satisfaction (township or office).
    Evaluate {
        problem: String,
        /// 满意 / 基本满意 / 不满意 (or satisfied / basic / unsatisfied).
        #[arg(long)]
        satisfaction: String,
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// 销号 (office).
    Close {
        problem: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 撤回申请 (township or office).
    RequestWithdrawal {
        problem: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Rule on a withdrawal request (office).
    RuleWithdrawal {
        problem: String,
        #[command(flatten)]
        decision: Decision,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 批示 (leader).
    Instruct {
        problem: String,
        #[arg(long)]
        text: String,
    },

    /// Units: list, add, update.
    #[command(subcommand)]
    Unit(UnitCmd),
    /// Users: list, add, update, set or clear a password.
    #[command(subcommand)]
    User(UserCmd),
    /// Enterprises: list, add.
    #[command(subcommand)]
    Enterprise(EnterpriseCmd),
    /// Visits: list, add.
    #[command(subcommand)]
    Visit(VisitCmd),
    /// The working-day calendar: show, set a day, import a year.
    #[command(subcommand)]
    Calendar(CalendarCmd),
    /// Settings: show, or set from a JSON file.
    #[command(subcommand)]
    Settings(SettingsCmd),
}

#[derive(Args)]
struct RegisterArgs {
    /// Existing enterprise: id, credit code or exact name.
    #[arg(long, conflicts_with = "new_enterprise")]
    enterprise: Option<String>,
    /// Create the enterprise in the same step with this name.
    #[arg(long)]
    new_enterprise: Option<String>,
    #[arg(long, requires = "new_enterprise")]
    credit_code: Option<String>,
    /// Township of a new enterprise (default: the acting township).
    #[arg(long, requires = "new_enterprise")]
    township: Option<String>,
    #[arg(long, value_enum, default_value = "general", requires = "new_enterprise")]
    key_level: KeyLevelArg,
    #[arg(long, default_value = "走访")]
    source: String,
    #[arg(long)]
    category: String,
    #[arg(long)]
    description: String,
    #[arg(long, default_value = "")]
    demand: String,
    /// When the company raised it (default: today).
    #[arg(long)]
    raised_on: Option<String>,
    #[arg(long, default_value = "一般")]
    priority: String,
    #[arg(long, default_value = "")]
    leader: String,
    #[arg(long)]
    visit: Option<String>,
}

#[derive(Args)]
struct AssignArgs {
    /// Lead unit (name, short name or id).
    #[arg(long)]
    lead: String,
    #[command(flatten)]
    rest: AssignExtras,
}

#[derive(Args)]
struct OptionalAssignArgs {
    /// New lead unit, to reassign.
    #[arg(long)]
    lead: Option<String>,
    #[command(flatten)]
    rest: AssignExtras,
}

#[derive(Args)]
struct AssignExtras {
    /// Supporting unit, optionally with its own sub-deadline: UNIT or UNIT:2026-03-10. Repeatable.
    #[arg(long = "supporter")]
    supporters: Vec<String>,
    #[arg(long, default_value = "")]
    handler: String,
    /// Override the computed sign deadline.
    #[arg(long)]
    sign_deadline: Option<String>,
    /// Override the computed handling deadline.
    #[arg(long)]
    deadline: Option<String>,
}

#[derive(Args)]
#[group(required = true, multiple = false)]
struct Decision {
    #[arg(long)]
    approve: bool,
    #[arg(long)]
    refuse: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum UrgeLevel {
    Reminder,
    Yellow,
    Red,
}

#[derive(Clone, Copy, ValueEnum)]
enum ResultKind {
    Solved,
    Explained,
    LongTerm,
}

#[derive(Clone, Copy, ValueEnum)]
enum KeyLevelArg {
    District,
    Town,
    General,
}

#[derive(Clone, Copy, ValueEnum)]
enum SortArg {
    Registered,
    Number,
    Deadline,
    Status,
    Escalation,
    Updated,
}

// Clap's commands are parsed once per run: the size of their largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum ProblemsCmd {
    /// The ledger list with filters, sort and paging.
    List(ListArgs),
    /// One problem: every field, the assignment, deadlines, timeline and allowed actions.
    Show { problem: String },
}

#[derive(Args)]
struct ListArgs {
    #[command(flatten)]
    view: ViewArgs,
    #[arg(long, default_value_t = 1)]
    page: u64,
    #[arg(long, default_value_t = 50)]
    page_size: u64,
}

/// The filters and sort of a ledger view (the list, and the export of it).
#[derive(Args)]
pub(crate) struct ViewArgs {
    /// Status key or Chinese label; repeatable.
    #[arg(long)]
    status: Vec<String>,
    #[arg(long)]
    township: Option<String>,
    #[arg(long)]
    lead: Option<String>,
    #[arg(long)]
    supporter: Option<String>,
    #[arg(long)]
    category: Option<String>,
    #[arg(long)]
    priority: Option<String>,
    #[arg(long)]
    overdue: bool,
    /// 提醒/黄牌/红牌 or reminder/yellow/red/none.
    #[arg(long)]
    escalation: Option<String>,
    /// Registered on or after.
    #[arg(long)]
    from: Option<String>,
    /// Registered on or before.
    #[arg(long)]
    to: Option<String>,
    #[arg(long)]
    deadline_from: Option<String>,
    #[arg(long)]
    deadline_to: Option<String>,
    /// Chinese text search over enterprise names and problem text.
    #[arg(long)]
    search: Option<String>,
    #[arg(long, value_enum, default_value = "registered")]
    sort: SortArg,
    #[arg(long)]
    asc: bool,
}

impl Session {
    pub(crate) fn period(&self, text: &str) -> Result<taizhang_core::period::Period, CliError> {
        match self.ledger.period(text) {
            Ok(p) => Ok(p),
            Err(PeriodLookupError::Period(e)) => Err(e.into()),
            Err(PeriodLookupError::Ledger(e)) => Err(e.into()),
            Err(PeriodLookupError::NoCampaign) => {
                Err(CliError::Ledger(LedgerError::bad_input("period", "服务年期间未设置（settings 中的 campaign_start / campaign_end）")))
            }
        }
    }

    pub(crate) fn view(&self, a: &ViewArgs) -> Result<(ProblemFilter, Sort), CliError> {
        let s = self;
        let mut f = ProblemFilter::default();
        for st in &a.status {
            f.statuses.push(parse_enum("status", st, Status::parse)?);
        }
        f.township_id = a.township.as_deref().map(|u| s.unit(u).map(|u| u.id)).transpose()?;
        f.lead_unit_id = a.lead.as_deref().map(|u| s.unit(u).map(|u| u.id)).transpose()?;
        f.supporter_unit_id = a.supporter.as_deref().map(|u| s.unit(u).map(|u| u.id)).transpose()?;
        f.category = a.category.clone();
        f.priority = a.priority.as_deref().map(|p| parse_enum("priority", p, Priority::parse)).transpose()?;
        f.overdue = a.overdue.then_some(true);
        f.escalation = a.escalation.as_deref().map(|e| parse_enum("escalation", e, Escalation::parse)).transpose()?;
        f.registered_from = opt_date(&a.from)?;
        f.registered_to = opt_date(&a.to)?;
        f.deadline_from = opt_date(&a.deadline_from)?;
        f.deadline_to = opt_date(&a.deadline_to)?;
        f.text = a.search.clone();
        let key = match a.sort {
            SortArg::Registered => SortKey::Registered,
            SortArg::Number => SortKey::Number,
            SortArg::Deadline => SortKey::Deadline,
            SortArg::Status => SortKey::Status,
            SortArg::Escalation => SortKey::Escalation,
            SortArg::Updated => SortKey::Updated,
        };
        Ok((f, Sort { key, descending: !a.asc }))
    }
}

#[derive(Subcommand)]
enum UnitCmd {
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

#[derive(Subcommand)]
enum UserCmd {
    List,
    Add {
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        unit: String,
        /// office, township, department or leader.
        #[arg(long)]
        role: String,
    },
    Update {
        login: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        role: Option<String>,
        #[arg(long)]
        active: Option<bool>,
    },
    /// Set a user's password, or clear it with --clear. The new password is typed at a prompt
    /// (twice, not shown) or read as a line of standard input (after the acting user's own,
    /// when they have one), or taken from TAIZHANG_NEW_PASSWORD; never from an argument.
    Passwd {
        login: String,
        #[arg(long)]
        clear: bool,
    },
}

#[allow(clippy::large_enum_variant)] // parsed once per run
#[derive(Subcommand)]
enum EnterpriseCmd {
    List,
    Add {
        name: String,
        #[arg(long)]
        credit_code: Option<String>,
        #[arg(long)]
        township: Option<String>,
        #[arg(long, default_value = "")]
        industry: String,
        #[arg(long, default_value = "规下")]
        scale: String,
        #[arg(long, value_enum, default_value = "general")]
        key_level: KeyLevelArg,
        #[arg(long, default_value = "")]
        contact: String,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long, default_value = "")]
        address: String,
        #[arg(long, default_value = "")]
        steward: String,
    },
}

#[derive(Subcommand)]
enum VisitCmd {
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

#[derive(Subcommand)]
enum CalendarCmd {
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

#[derive(Subcommand)]
enum SettingsCmd {
    Show,
    /// Replace the settings with a JSON file (as printed by `settings show --json`).
    Set { file: PathBuf },
}

fn main() -> ExitCode {
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
    let json = cli.json;
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

/// The clock. `TAIZHANG_NOW` pins it, for tests and reproducible examples.
fn now() -> Result<DateTime<Utc>, CliError> {
    match std::env::var("TAIZHANG_NOW") {
        Ok(s) if !s.is_empty() => DateTime::parse_from_rfc3339(&s)
            .map(|t| t.to_utc())
            .or_else(|_| parse_date(&s).map(at_ten))
            .map_err(|_| CliError::BadDate(s)),
        _ => Ok(Utc::now()),
    }
}

/// 10:00 Beijing time on a date.
fn at_ten(d: NaiveDate) -> DateTime<Utc> {
    china_offset().from_local_datetime(&d.and_hms_opt(10, 0, 0).expect("valid time")).unwrap().to_utc()
}

fn parse_date(s: &str) -> Result<NaiveDate, CliError> {
    let t = s.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y/%m/%d"))
        .map_err(|_| CliError::BadDate(s.to_string()))
}

fn opt_date(s: &Option<String>) -> Result<Option<NaiveDate>, CliError> {
    s.as_deref().map(parse_date).transpose()
}

fn default_db() -> PathBuf {
    directories::ProjectDirs::from("cn", "taizhang", "taizhang")
        .map(|d| d.data_dir().join("ledger.db"))
        .unwrap_or_else(|| PathBuf::from("ledger.db"))
}

fn print<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) {
    if json {
        println!("{}", serde_json::to_string_pretty(value).expect("serializable"));
    } else {
        print!("{}", render::terminal_safe(&human()));
    }
}

fn parse_enum<T>(field: &str, s: &str, parse: fn(&str) -> Option<T>) -> Result<T, CliError> {
    parse(s).ok_or_else(|| CliError::Ledger(LedgerError::bad_input(field, format!("unknown value {s:?}"))))
}

pub(crate) struct Session {
    pub(crate) ledger: Ledger,
    pub(crate) json: bool,
    as_user: Option<String>,
    /// The acting user's password, once asked for (`secrets`).
    password: std::cell::OnceCell<String>,
}

impl Session {
    /// The acting user's login, checked against their password if they have one. The password
    /// is asked for only then (`secrets::acting_password`), and once.
    pub(crate) fn actor(&self) -> Result<Actor, CliError> {
        let login = self
            .as_user
            .as_deref()
            .ok_or_else(|| CliError::Usage("name the acting user with --as USER (or TAIZHANG_AS)".into()))?;
        if self.ledger.actor(login)?.user.password_hash.is_none() {
            return Ok(self.ledger.sign_in(login, None)?);
        }
        let password = match self.password.get() {
            Some(p) => p,
            None => {
                let p = secrets::acting_password(login)?;
                self.password.get_or_init(|| p)
            }
        };
        Ok(self.ledger.sign_in(login, Some(password))?)
    }

    /// The acting user, refused when their role lacks a capability. The core's
    /// `capabilities` says who has what (as in the desktop app); the CLI only asks.
    pub(crate) fn require(&self, what: &str, has: fn(&Capabilities) -> bool, reason: &str) -> Result<Actor, CliError> {
        let actor = self.actor()?;
        if !has(&capabilities(actor.user.role)) {
            return Err(DomainError::forbidden(&actor.user.login, what, reason).into());
        }
        Ok(actor)
    }

    pub(crate) fn unit(&self, key: &str) -> Result<Unit, CliError> {
        self.ledger.find_unit(key)?.ok_or_else(|| DomainError::not_found("unit", key).into())
    }

    fn problem_id(&self, key: &str) -> Result<String, CliError> {
        Ok(self.ledger.problem(key)?.id)
    }

    fn exec(&mut self, cmd: Command) -> Result<ExitCode, CliError> {
        let actor = self.actor()?;
        let events = self.ledger.execute(&actor.user.id, &cmd, now()?)?;
        let subject = cmd.problem_id().and_then(|id| self.ledger.problem(id).ok()).map(|p| p.number);
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        print(self.json, &serde_json::json!({ "ok": true, "problem": subject, "events": events }), || {
            format!(
                "已记录：{}{}（操作人 {}，事件 #{}）\n",
                render::escape(&kinds.join("、")),
                subject.as_deref().map(|n| format!(" {}", render::escape(n))).unwrap_or_default(),
                render::escape(&actor.user.login),
                events.last().map(|e| e.seq).unwrap_or_default()
            )
        });
        Ok(ExitCode::SUCCESS)
    }

    fn assign_request(&self, lead: &str, rest: &AssignExtras) -> Result<AssignRequest, CliError> {
        let mut supporters = Vec::new();
        for s in &rest.supporters {
            let (unit, date) = match s.rsplit_once(':') {
                Some((u, d)) if parse_date(d).is_ok() => (u, Some(parse_date(d)?)),
                _ => (s.as_str(), None),
            };
            supporters.push(SupporterRequest { unit_id: self.unit(unit)?.id, sub_deadline: date });
        }
        Ok(AssignRequest {
            lead_unit_id: self.unit(lead)?.id,
            handler: rest.handler.clone(),
            supporters,
            sign_deadline: opt_date(&rest.sign_deadline)?,
            handling_deadline: opt_date(&rest.deadline)?,
        })
    }
}

fn new_id() -> String {
    taizhang_ledger::new_id(Utc::now())
}

fn run(cli: Cli) -> Result<ExitCode, CliError> {
    let db = cli.db.clone().unwrap_or_else(default_db);
    let json = cli.json;
    match cli.cmd {
        Cmd::CreditCode { code } => {
            let check = check_credit_code(&code);
            let (exit, msg) = match &check {
                CreditCodeCheck::Valid => (0, "有效".to_string()),
                CreditCodeCheck::BadCheckChar { expected, found } => {
                    (1, format!("校验码不符：末位应为 {expected}，实为 {found}（仅提示，仍可登记）"))
                }
                CreditCodeCheck::Malformed { reason } => (2, format!("格式不正确：{reason}")),
            };
            print(json, &check, || format!("{code}：{msg}\n"));
            return Ok(ExitCode::from(exit));
        }
        Cmd::Init => {
            if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let ledger = Ledger::create(&db, now()?)?;
            print(json, &serde_json::json!({ "ok": true, "path": db, "device_id": ledger.device_id() }), || {
                format!("已新建台账：{}\n办公室用户 admin 已创建（尚未设置密码）。\n", db.display())
            });
            return Ok(ExitCode::SUCCESS);
        }
        Cmd::Demo { problems, seed, days } => {
            if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let opts = DemoOptions { problems, seed, end: now()?, days };
            let mut ledger = Ledger::create(&db, opts.start())?;
            // Planning the district has no count; then every command of its history is a step.
            let mut bar = progress::Progress::new(json, "生成演示数据", 0);
            bar.phase("规划演示区县");
            let report = generate(&mut ledger, &opts, &mut |done, total| bar.update("生成演示数据（按天）", done as u64, total as u64))?;
            drop(bar);
            print(json, &report, || {
                format!(
                    "已生成演示区县：{}\n镇街 {}，部门 {}，用户 {}，企业 {}，走访 {}，问题 {}，事件 {}\n用户示例：admin（办公室）、leader_zhao（领导）；`taizhang --db {} user list` 列出全部。\n",
                    db.display(),
                    report.townships,
                    report.departments,
                    report.users,
                    report.enterprises,
                    report.visits,
                    report.problems,
                    report.events,
                    db.display()
                )
            });
            return Ok(ExitCode::SUCCESS);
        }
        Cmd::Restore { from, force } => {
            // Who may restore is asked of the ledger being replaced; of the backup only when
            // that ledger is missing or cannot be opened (a damaged ledger is why one restores).
            // Closed again before the restore, which needs the file to itself.
            {
                let ledger = match Ledger::open(&db) {
                    Ok(l) => l,
                    Err(LedgerError::Busy) => return Err(LedgerError::Busy.into()),
                    Err(_) => Ledger::open_immutable(&from)?,
                };
                let s = Session { ledger, json, as_user: cli.as_user.clone(), password: std::cell::OnceCell::new() };
                s.require("restore", |c| c.administer, "backups are for the office")?;
            }
            let report = taizhang_ledger::backup::restore(&from, &db, now()?, force)?;
            print(json, &report, || {
                format!(
                    "已从 {} 恢复台账（{} 个事件，链校验通过）。{}\n",
                    report.restored_from,
                    report.events,
                    report.kept_as.as_deref().map(|k| format!("原台账已保留为 {k}。")).unwrap_or_default()
                )
            });
            return Ok(ExitCode::SUCCESS);
        }
        Cmd::Deadline { date, days } => {
            let start = parse_date(&date)?;
            let calendar = if db.exists() {
                Ledger::open(&db)?.calendar()?
            } else {
                Calendar::with_builtin_years()
            };
            let due = calendar.add_working_days(start, days);
            print(json, &serde_json::json!({ "start": start, "working_days": days, "deadline": due }), || format!("{due}\n"));
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }

    let ledger = Ledger::open(&db)?;
    let mut s = Session { ledger, json, as_user: cli.as_user, password: std::cell::OnceCell::new() };
    match cli.cmd {
        Cmd::Verify { full: true } => {
            let mut bar = progress::Progress::new(json, "校验中", 100_000);
            let report = s.ledger.verify_full_with_progress(&mut |stage, done, total| {
                let label = if stage == "chain" { "校验哈希链" } else { "按规则重放事件" };
                bar.update(label, done as u64, total as u64)
            })?;
            drop(bar);
            print(json, &report, || render::full_verify(&report));
            if !report.ok {
                return Ok(ExitCode::FAILURE);
            }
        }
        Cmd::Verify { full: false } => {
            let mut bar = progress::Progress::new(json, "校验中", 100_000);
            bar.phase("校验哈希链");
            let report = s.ledger.verify_with_progress(&mut |done, total| bar.update("校验哈希链", done as u64, total as u64))?;
            drop(bar);
            print(json, &report, || match &report.first_break {
                None => format!(
                    "链完整：{} 个事件，{} 条设备链。\n{}",
                    report.events,
                    report.chains.len(),
                    report.chains.iter().map(|c| format!("  设备 {}：{} 个事件，链头 {}\n", c.device_id, c.events, c.head_hash)).collect::<String>()
                ),
                Some(b) => format!(
                    "链已断开！第一个断点：事件 #{}（{}），设备 {} 序号 {}：{}\n",
                    b.seq, b.event_id, b.device_id, b.device_seq, b.reason
                ),
            });
            if !report.ok {
                return Ok(ExitCode::FAILURE);
            }
        }
        Cmd::Backup { out, force } => {
            s.require("backup", |c| c.administer, "backups are for the office")?;
            let info = s.ledger.backup_to(OutputTarget { path: &out, overwrite: force })?;
            print(json, &info, || format!("已备份到 {}（{} 个事件，{} 字节，链校验通过）\n", info.path, info.events, info.bytes));
        }
        Cmd::Rebuild => {
            s.require("rebuild", |c| c.audit, "the audit is for the office and leaders")?;
            // Digest the tables as they are, fold every event again, then digest and compare.
            let mut bar = progress::Progress::new(json, "重建中", 100_000);
            bar.phase("读取现有投影表");
            let report = s.ledger.rebuild_with_progress(&mut |done, total| {
                bar.update("重建投影表", done as u64, total as u64);
                if done >= total {
                    bar.phase("比对重建结果");
                }
            })?;
            drop(bar);
            print(json, &report, || {
                if report.equal {
                    format!("已由 {} 个事件重建投影表：与原有内容完全一致。\n", report.events)
                } else {
                    format!("已由 {} 个事件重建投影表：以下表与原有内容不同：{}\n", report.events, report.differing_tables.join("、"))
                }
            });
        }
        Cmd::Problems(ProblemsCmd::List(a)) => {
            let (f, sort) = s.view(&a.view)?;
            let size = a.page_size.clamp(1, 1000);
            let page = PageRequest { offset: (a.page.max(1) - 1) * size, limit: size };
            let result = s.ledger.list_problems(&f, sort, page, now()?)?;
            print(json, &result, || {
                format!(
                    "{}共 {} 件，第 {} 页（每页 {} 件）\n",
                    render::problem_rows(&result.rows),
                    result.total,
                    a.page.max(1),
                    size
                )
            });
        }
        Cmd::Problems(ProblemsCmd::Show { problem }) => {
            let viewer = s.as_user.clone();
            let detail = s.ledger.problem_detail(&problem, viewer.as_deref(), now()?)?;
            print(json, &detail, || render::detail(&detail));
        }
        Cmd::Figures { period } => {
            let period = s.period(&period)?;
            let card = s.ledger.scorecard(&period, now()?)?;
            print(json, &card, || render::scorecard(&card));
        }
        Cmd::Inbox { unit } => {
            let unit = match unit {
                Some(u) => s.unit(&u)?,
                None => s.actor()?.unit,
            };
            let inbox = s.ledger.inbox(&unit.id, now()?)?;
            print(json, &inbox, || {
                let mut out = format!("{} 待办\n", render::escape(&unit.name));
                for (title, rows) in [
                    ("待签收", &inbox.to_sign),
                    ("办理中", &inbox.to_handle),
                    ("配合任务", &inbox.supporter_tasks),
                    ("即将到期", &inbox.due_soon),
                    ("已超期", &inbox.overdue),
                ] {
                    out.push_str(&format!("\n{title}（{} 件）\n", rows.len()));
                    if !rows.is_empty() {
                        out.push_str(&render::problem_rows(rows));
                    }
                }
                out
            });
        }
        Cmd::Register(a) => {
            let actor = s.actor()?;
            let (enterprise_id, new_enterprise) = match (&a.enterprise, &a.new_enterprise) {
                (Some(key), _) => {
                    (Some(s.ledger.find_enterprise(key)?.ok_or_else(|| DomainError::not_found("enterprise", key))?.id), None)
                }
                (None, Some(name)) => {
                    let township = match &a.township {
                        Some(t) => s.unit(t)?.id,
                        None => actor.unit.id.clone(),
                    };
                    (None, Some(new_enterprise_of(name, a.credit_code.clone(), township, a.key_level)))
                }
                (None, None) => return Err(CliError::Usage("give --enterprise or --new-enterprise".into())),
            };
            if let Some(code) = a.credit_code.as_deref() {
                warn_credit_code(code);
            }
            let cmd = Command::Register {
                problem_id: new_id(),
                enterprise_id,
                new_enterprise,
                visit_id: a.visit.clone(),
                source: parse_enum("source", &a.source, Source::parse)?,
                category: a.category.clone(),
                description: a.description.clone(),
                demand: a.demand.clone(),
                raised_on: match &a.raised_on {
                    Some(d) => parse_date(d)?,
                    None => local_date(now()?),
                },
                priority: parse_enum("priority", &a.priority, Priority::parse)?,
                responsible_leader: a.leader.clone(),
            };
            let problem_id = cmd.problem_id().map(str::to_string).unwrap_or_default();
            s.ledger.execute(&actor.user.id, &cmd, now()?)?;
            let p = s.ledger.problem(&problem_id)?;
            print(json, &serde_json::json!({ "ok": true, "problem": p.number, "id": p.id }), || {
                format!("已登记问题：{}\n", render::escape(&p.number))
            });
        }
        Cmd::ResolveLocally { problem, result } => {
            let cmd = Command::ResolveLocally { problem_id: s.problem_id(&problem)?, result_text: result };
            return s.exec(cmd);
        }
        Cmd::Assign { problem, terms } => {
            let request = s.assign_request(&terms.lead, &terms.rest)?;
            return s.exec(Command::Assign { problem_id: s.problem_id(&problem)?, request });
        }
        Cmd::Sign { problem, handler } => return s.exec(Command::Sign { problem_id: s.problem_id(&problem)?, handler }),
        Cmd::Acknowledge { problem } => return s.exec(Command::Acknowledge { problem_id: s.problem_id(&problem)? }),
        Cmd::Return { problem, reason, propose } => {
            let cmd = Command::Return { problem_id: s.problem_id(&problem)?, reason, proposed_unit_id: s.unit(&propose)?.id };
            return s.exec(cmd);
        }
        Cmd::RuleReturn { problem, uphold, terms, note } => {
            let ruling = match (uphold, &terms.lead) {
                (true, _) => ReturnRuling::Uphold,
                (false, Some(lead)) => ReturnRuling::Reassign(s.assign_request(lead, &terms.rest)?),
                (false, None) => return Err(CliError::Usage("give --uphold, or --lead UNIT to reassign".into())),
            };
            return s.exec(Command::RuleReturn { problem_id: s.problem_id(&problem)?, ruling, note });
        }
        Cmd::Progress { problem, text, stage } => {
            return s.exec(Command::NoteProgress { problem_id: s.problem_id(&problem)?, text, stage_reply: stage })
        }
        Cmd::Opinion { problem, text } => return s.exec(Command::SubmitOpinion { problem_id: s.problem_id(&problem)?, opinion: text }),
        Cmd::WaiveOpinion { problem, unit, reason } => {
            let cmd = Command::WaiveOpinion { problem_id: s.problem_id(&problem)?, unit_id: s.unit(&unit)?.id, reason };
            return s.exec(cmd);
        }
        Cmd::RequestExtension { problem, until, reason } => {
            let cmd = Command::RequestExtension { problem_id: s.problem_id(&problem)?, new_deadline: parse_date(&until)?, reason };
            return s.exec(cmd);
        }
        Cmd::RuleExtension { problem, decision, note } => {
            return s.exec(Command::RuleExtension { problem_id: s.problem_id(&problem)?, approve: decision.approve, note })
        }
        Cmd::Urge { problem, level, notice } => {
            let level = match level {
                UrgeLevel::Reminder => Escalation::Reminder,
                UrgeLevel::Yellow => Escalation::Yellow,
                UrgeLevel::Red => Escalation::Red,
            };
            return s.exec(Command::Urge { problem_id: s.problem_id(&problem)?, level, notice });
        }
        Cmd::Resolve { problem, result_type, result, explanation } => {
            let result_type = match result_type {
                ResultKind::Solved => ResultType::Solved,
                ResultKind::Explained => ResultType::Explained,
                ResultKind::LongTerm => ResultType::LongTerm,
            };
            let cmd = Command::Resolve { problem_id: s.problem_id(&problem)?, result_type, result_text: result, explanation };
            return s.exec(cmd);
        }
        Cmd::Evaluate { problem, satisfaction, comment } => {
            let satisfaction = parse_enum("satisfaction", &satisfaction, Satisfaction::parse)?;
            return s.exec(Command::Evaluate { problem_id: s.problem_id(&problem)?, satisfaction, comment });
        }
        Cmd::Close { problem, note } => return s.exec(Command::Close { problem_id: s.problem_id(&problem)?, note }),
        Cmd::RequestWithdrawal { problem, reason } => {
            return s.exec(Command::RequestWithdrawal { problem_id: s.problem_id(&problem)?, reason })
        }
        Cmd::RuleWithdrawal { problem, decision, note } => {
            return s.exec(Command::RuleWithdrawal { problem_id: s.problem_id(&problem)?, approve: decision.approve, note })
        }
        Cmd::Instruct { problem, text } => return s.exec(Command::Instruct { problem_id: s.problem_id(&problem)?, text }),
        Cmd::Import(cmd) => return exchange::import(&mut s, cmd),
        Cmd::Export(cmd) => return exchange::export(&mut s, cmd),
        Cmd::Unit(cmd) => return unit_cmd(&mut s, cmd),
        Cmd::User(cmd) => return user_cmd(&mut s, cmd),
        Cmd::Enterprise(cmd) => return enterprise_cmd(&mut s, cmd),
        Cmd::Visit(cmd) => return visit_cmd(&mut s, cmd),
        Cmd::Calendar(cmd) => return calendar_cmd(&mut s, cmd),
        Cmd::Settings(SettingsCmd::Show) => {
            let settings = s.ledger.settings()?;
            print(true, &settings, String::new);
        }
        Cmd::Settings(SettingsCmd::Set { file }) => {
            let text = std::fs::read_to_string(&file)?;
            let settings: Settings = serde_json::from_str(&text)
                .map_err(|e| CliError::Ledger(LedgerError::bad_input("settings", e.to_string())))?;
            return s.exec(Command::UpdateSettings { settings });
        }
        Cmd::Init | Cmd::Demo { .. } | Cmd::Deadline { .. } | Cmd::CreditCode { .. } | Cmd::Restore { .. } => {
            unreachable!("handled above")
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn key_level(k: KeyLevelArg) -> KeyLevel {
    match k {
        KeyLevelArg::District => KeyLevel::District,
        KeyLevelArg::Town => KeyLevel::Town,
        KeyLevelArg::General => KeyLevel::General,
    }
}

fn new_enterprise_of(name: &str, credit_code: Option<String>, township_id: String, level: KeyLevelArg) -> Enterprise {
    Enterprise {
        id: new_id(),
        name: name.to_string(),
        credit_code,
        township_id,
        industry: String::new(),
        scale: Scale::Below,
        key_level: key_level(level),
        address: String::new(),
        contact: String::new(),
        phone: String::new(),
        steward: String::new(),
    }
}

/// A bad check character is worth a word, never a refusal.
fn warn_credit_code(code: &str) {
    if let CreditCodeCheck::BadCheckChar { expected, found } = check_credit_code(code) {
        eprintln!("提示：统一社会信用代码 {code} 校验码不符（末位应为 {expected}，实为 {found}），已照常登记，请核对。");
    }
}

fn unit_cmd(s: &mut Session, cmd: UnitCmd) -> Result<ExitCode, CliError> {
    match cmd {
        UnitCmd::List => {
            let units = s.ledger.units()?;
            print(s.json, &units, || {
                let rows: Vec<Vec<String>> = units
                    .iter()
                    .map(|u| vec![u.name.clone(), u.short_name.clone(), u.kind.label_zh().into(), if u.active { "在用" } else { "停用" }.into()])
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

fn user_cmd(s: &mut Session, cmd: UserCmd) -> Result<ExitCode, CliError> {
    let find = |s: &Session, login: &str| -> Result<User, CliError> {
        // Logins are stored normalised (`text::normalize_name`); one typed otherwise finds its user.
        let normal = taizhang_core::text::normalize_name(login);
        let users = s.ledger.users()?;
        let found = users.iter().find(|u| u.login == login).or_else(|| users.iter().find(|u| u.login == normal));
        found.cloned().ok_or_else(|| LedgerError::UnknownUser(login.into()).into())
    };
    match cmd {
        UserCmd::List => {
            let users = s.ledger.users()?;
            let units = s.ledger.units()?;
            let unit_name = |id: &str| units.iter().find(|u| u.id == id).map(|u| u.name.clone()).unwrap_or_default();
            let public: Vec<serde_json::Value> = users
                .iter()
                .map(|u| {
                    serde_json::json!({ "id": u.id, "login": u.login, "name": u.name, "unit_id": u.unit_id,
                        "unit": unit_name(&u.unit_id), "role": u.role, "active": u.active, "has_password": u.password_hash.is_some() })
                })
                .collect();
            print(s.json, &public, || {
                let rows: Vec<Vec<String>> = users
                    .iter()
                    .map(|u| {
                        vec![
                            u.login.clone(),
                            u.name.clone(),
                            unit_name(&u.unit_id),
                            u.role.label_zh().into(),
                            if u.active { "在用" } else { "停用" }.into(),
                            if u.password_hash.is_some() { "已设" } else { "未设" }.into(),
                        ]
                    })
                    .collect();
                render::table(&["登录名", "姓名", "单位", "角色", "状态", "密码"], &rows)
            });
            Ok(ExitCode::SUCCESS)
        }
        UserCmd::Add { login, name, unit, role } => {
            let role = parse_enum("role", &role, Role::parse)?;
            let unit_id = s.unit(&unit)?.id;
            s.exec(Command::CreateUser { user_id: new_id(), login, name, unit_id, role })
        }
        UserCmd::Update { login, name, unit, role, active } => {
            let u = find(s, &login)?;
            let unit_id = match unit {
                Some(x) => s.unit(&x)?.id,
                None => u.unit_id.clone(),
            };
            let role = match role {
                Some(r) => parse_enum("role", &r, Role::parse)?,
                None => u.role,
            };
            s.exec(Command::UpdateUser { user_id: u.id, name: name.unwrap_or(u.name), unit_id, role, active: active.unwrap_or(u.active) })
        }
        UserCmd::Passwd { login, clear } => {
            let u = find(s, &login)?;
            // The acting user's own password comes first (the first line of standard input).
            s.actor()?;
            let password_hash = if clear { None } else { Some(hash_password(&secrets::new_password(&u.login)?)?) };
            s.exec(Command::SetPassword { user_id: u.id, password_hash })
        }
    }
}

fn enterprise_cmd(s: &mut Session, cmd: EnterpriseCmd) -> Result<ExitCode, CliError> {
    match cmd {
        EnterpriseCmd::List => {
            let list = s.ledger.enterprises()?;
            let units = s.ledger.units()?;
            print(s.json, &list, || {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|e| {
                        vec![
                            e.name.clone(),
                            e.credit_code.clone().unwrap_or_default(),
                            units.iter().find(|u| u.id == e.township_id).map(|u| u.name.clone()).unwrap_or_default(),
                            e.key_level.label_zh().into(),
                            e.scale.label_zh().into(),
                        ]
                    })
                    .collect();
                render::table(&["企业名称", "统一社会信用代码", "镇街", "重点级别", "规模"], &rows)
            });
            Ok(ExitCode::SUCCESS)
        }
        EnterpriseCmd::Add { name, credit_code, township, industry, scale, key_level: level, contact, phone, address, steward } => {
            let township_id = match township {
                Some(t) => s.unit(&t)?.id,
                None => s.actor()?.unit.id,
            };
            if let Some(code) = credit_code.as_deref() {
                warn_credit_code(code);
            }
            let mut e = new_enterprise_of(&name, credit_code, township_id, level);
            e.industry = industry;
            e.scale = parse_enum("scale", &scale, Scale::parse)?;
            e.contact = contact;
            e.phone = phone;
            e.address = address;
            e.steward = steward;
            s.exec(Command::CreateEnterprise { enterprise: e })
        }
    }
}

fn visit_cmd(s: &mut Session, cmd: VisitCmd) -> Result<ExitCode, CliError> {
    match cmd {
        VisitCmd::List => {
            let visits = s.ledger.visits()?;
            print(s.json, &visits, || {
                let rows: Vec<Vec<String>> = visits
                    .iter()
                    .map(|v| vec![v.date.to_string(), v.enterprise_id.clone(), v.form.label_zh().into(), v.visitors.clone(), render::clip(&v.notes, 40)])
                    .collect();
                render::table(&["日期", "企业", "形式", "走访人", "情况"], &rows)
            });
            Ok(ExitCode::SUCCESS)
        }
        VisitCmd::Add { enterprise, date, visitors, form, notes } => {
            let e = s.ledger.find_enterprise(&enterprise)?.ok_or_else(|| DomainError::not_found("enterprise", &enterprise))?;
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

fn calendar_cmd(s: &mut Session, cmd: CalendarCmd) -> Result<ExitCode, CliError> {
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
                    let notice = if y.notice.is_empty() { "未注明通知".to_string() } else { render::escape(&y.notice) };
                    out.push_str(&format!("{} 年（{}）\n", y.year, notice));
                    let rows: Vec<Vec<String>> =
                        y.days.iter().map(|d| vec![d.date.to_string(), if d.off { "放假" } else { "上班" }.into(), d.name.clone()]).collect();
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
