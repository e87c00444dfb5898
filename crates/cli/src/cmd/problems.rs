//! Reading the problem ledger: `problems list` (with the view's filters and sort, which
//! `export ledger` shares), `problems show`, a unit's `inbox` and the acting user's `notices`.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use taizhang_core::{Escalation, KeyLevel, Priority, Status};
use taizhang_ledger::{PageRequest, ProblemFilter, Sort, SortKey};

use crate::args::Globals;
use crate::input::{now, opt_date, parse_enum};
use crate::messages::CliError;
use crate::render::{self, print};
use crate::session::Session;

#[allow(clippy::large_enum_variant)] // parsed once per run
#[derive(Subcommand)]
pub enum ProblemsCmd {
    /// The ledger list with filters, sort and paging.
    List(ListArgs),
    /// One problem: every field, the assignment, deadlines, timeline and allowed actions.
    Show { problem: String },
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    view: ViewArgs,
    #[arg(long, default_value_t = 1)]
    page: u64,
    #[arg(long, default_value_t = 50)]
    page_size: u64,
}

/// The filters and sort of a ledger view (the list, and the export of it).
#[derive(Args)]
pub struct ViewArgs {
    /// Status key or Chinese label; repeatable.
    #[arg(long)]
    status: Vec<String>,
    #[arg(long)]
    township: Option<String>,
    #[arg(long)]
    lead: Option<String>,
    #[arg(long)]
    supporter: Option<String>,
    /// Problems this unit leads or supports (a department's own items).
    #[arg(long)]
    involved: Option<String>,
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
    /// The responsible leader (负责领导), as registered: a leader's items.
    #[arg(long)]
    leader: Option<String>,
    /// The enterprise's 包联领导 (paired leader), as recorded.
    #[arg(long)]
    paired_leader: Option<String>,
    /// The enterprise's key level (district/town/general or 区级重点/镇级重点/一般); repeatable.
    #[arg(long)]
    key_level: Vec<String>,
    #[arg(long, value_enum, default_value = "registered")]
    sort: SortKey,
    #[arg(long)]
    asc: bool,
}

impl ViewArgs {
    /// The filter and sort, with units and labelled values looked up.
    pub fn resolve(&self, s: &Session) -> Result<(ProblemFilter, Sort), CliError> {
        let a = self;
        let mut f = ProblemFilter::default();
        for st in &a.status {
            f.statuses.push(parse_enum("status", st, Status::parse)?);
        }
        f.township_id = a.township.as_deref().map(|u| s.unit(u).map(|u| u.id)).transpose()?;
        f.lead_unit_id = a.lead.as_deref().map(|u| s.unit(u).map(|u| u.id)).transpose()?;
        f.supporter_unit_id = a.supporter.as_deref().map(|u| s.unit(u).map(|u| u.id)).transpose()?;
        f.involved_unit_id = a.involved.as_deref().map(|u| s.unit(u).map(|u| u.id)).transpose()?;
        f.category = a.category.clone();
        f.priority = a.priority.as_deref().map(|p| parse_enum("priority", p, Priority::parse)).transpose()?;
        f.overdue = a.overdue.then_some(true);
        f.escalation = a.escalation.as_deref().map(|e| parse_enum("escalation", e, Escalation::parse)).transpose()?;
        f.registered_from = opt_date(&a.from)?;
        f.registered_to = opt_date(&a.to)?;
        f.deadline_from = opt_date(&a.deadline_from)?;
        f.deadline_to = opt_date(&a.deadline_to)?;
        f.text = a.search.clone();
        f.responsible_leader = a.leader.clone();
        f.paired_leader = a.paired_leader.clone();
        for k in &a.key_level {
            f.key_levels.push(parse_enum("key_level", k, KeyLevel::parse)?);
        }
        Ok((f, Sort { key: a.sort, descending: !a.asc }))
    }
}

#[derive(Args)]
pub struct InboxArgs {
    /// Unit name, short name or id (default: the acting user's unit).
    #[arg(long)]
    unit: Option<String>,
}

pub fn run(g: &Globals, cmd: ProblemsCmd) -> Result<ExitCode, CliError> {
    let s = Session::open(g)?;
    match cmd {
        ProblemsCmd::List(a) => {
            let (f, sort) = a.view.resolve(&s)?;
            let size = a.page_size.clamp(1, 1000);
            let page = PageRequest { offset: (a.page.max(1) - 1) * size, limit: size };
            let result = s.ledger.list_problems(&f, sort, page, now()?)?;
            print(s.json, &result, || {
                format!(
                    "{}共 {} 件，第 {} 页（每页 {} 件）\n",
                    render::problem_rows(&result.rows),
                    result.total,
                    a.page.max(1),
                    size
                )
            });
        }
        ProblemsCmd::Show { problem } => {
            let detail = s.ledger.problem_detail(&problem, s.as_user.as_deref(), now()?)?;
            print(s.json, &detail, || render::detail(&detail));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn inbox(g: &Globals, a: InboxArgs) -> Result<ExitCode, CliError> {
    let s = Session::open(g)?;
    let unit = match a.unit {
        Some(u) => s.unit(&u)?,
        None => s.actor()?.unit,
    };
    let inbox = s.ledger.inbox(&unit.id, now()?)?;
    print(s.json, &inbox, || {
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
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct NoticesArgs {
    /// How many of the latest notices to list (at most 100).
    #[arg(long, default_value_t = 30)]
    limit: usize,
    /// Mark them seen afterwards, as opening the window's bell does.
    #[arg(long)]
    seen: bool,
}

/// The acting user's notices (the window's bell): what concerns them, newest first, with what
/// is new since they last looked.
pub fn notices(g: &Globals, a: NoticesArgs) -> Result<ExitCode, CliError> {
    let s = Session::open(g)?;
    let actor = s.actor()?;
    let list = s.ledger.notices(&actor.user.id, a.limit)?;
    print(s.json, &list, || {
        let more = if list.unread_more { "+" } else { "" };
        let mut out = format!("{} 的消息：新 {}{} 条\n", render::escape(&actor.user.name), list.unread, more);
        let rows: Vec<Vec<String>> = list
            .items
            .iter()
            .map(|n| {
                vec![
                    if n.unread { "新".into() } else { String::new() },
                    n.at.with_timezone(&taizhang_core::china_offset()).format("%Y-%m-%d %H:%M").to_string(),
                    // A leader's paired enterprises' items say so (they are not the leader's own).
                    match n.concern {
                        taizhang_core::notices::Concern::PairedLeader => {
                            format!("{}（{}）", n.kind.label_zh(), n.concern.label_zh())
                        }
                        _ => n.kind.label_zh().into(),
                    },
                    n.number.clone(),
                    n.enterprise.clone(),
                    format!("{}（{}）", n.actor_name, n.actor_unit),
                ]
            })
            .collect();
        out.push_str(&render::table(&["", "时间", "事项", "编号", "企业", "经办"], &rows));
        out
    });
    if a.seen {
        s.ledger.mark_notices_seen(&actor.user.id, list.latest_seq, now()?)?;
    }
    Ok(ExitCode::SUCCESS)
}
