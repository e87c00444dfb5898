//! The workflow acts on a problem, each a top-level subcommand (`register`, `assign`, `sign`,
//! … `instruct`): each becomes one core `Command`, decided and recorded by the ledger as the
//! acting user.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use taizhang_core::cli_value::one_of;
use taizhang_core::command::{AssignRequest, ReturnRuling, SupporterRequest};
use taizhang_core::monitoring::{Month, ProblemOrigin};
use taizhang_core::{
    local_date, Command, DomainError, Escalation, KeyLevel, Priority, ResultType, Satisfaction, Source,
};

use taizhang_core::attachment::Blob;
use taizhang_ledger::attachments::read_file;

use crate::args::Globals;
use crate::cmd::enterprises::{new_enterprise_of, warn_credit_code};
use crate::input::{new_id, now, opt_date, parse_date, parse_enum};
use crate::messages::CliError;
use crate::render::{self, print};
use crate::session::Session;

/// The levels an urge takes: never `none`.
const URGE_LEVELS: &[Escalation] = &[Escalation::Reminder, Escalation::Yellow, Escalation::Red];

#[allow(clippy::large_enum_variant)] // parsed once per run
#[derive(Subcommand)]
pub enum ActCmd {
    /// 登记: register a problem.
    Register(RegisterArgs),
    /// 就地解决 (township).
    ResolveLocally {
        problem: String,
        #[arg(long)]
        result: String,
        #[command(flatten)]
        files: Attach,
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
        #[command(flatten)]
        files: Attach,
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
        #[arg(long, value_parser = one_of(URGE_LEVELS))]
        level: Escalation,
        #[arg(long)]
        notice: String,
    },
    /// 办结 (lead).
    Resolve {
        problem: String,
        #[arg(long = "type", value_enum, default_value = "solved")]
        result_type: ResultType,
        #[arg(long)]
        result: String,
        #[arg(long, default_value = "")]
        explanation: String,
        #[command(flatten)]
        files: Attach,
    },
    /// 评价: the company's satisfaction (township or office).
    Evaluate {
        problem: String,
        /// 满意 / 基本满意 / 不满意 (or satisfied / basic / unsatisfied).
        #[arg(long)]
        satisfaction: String,
        #[arg(long, default_value = "")]
        comment: String,
        #[command(flatten)]
        files: Attach,
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
}

/// Where a problem being registered comes from (`--from-warning`, `--from-project`).
fn origin(s: &Session, a: &RegisterArgs) -> Result<Option<ProblemOrigin>, CliError> {
    Ok(match (&a.from_warning, &a.from_project, &a.from_month) {
        (Some(w), _, _) => Some(ProblemOrigin::Warning { warning_id: w.clone() }),
        (None, Some(p), Some(m)) => {
            let month = Month::parse(m)?;
            let project = s
                .ledger
                .projects(None, month)?
                .into_iter()
                .map(|r| r.project)
                .find(|x| x.id == *p || x.name == *p)
                .ok_or_else(|| DomainError::not_found("project", p))?;
            Some(ProblemOrigin::Project { project_id: project.id, month })
        }
        _ => None,
    })
}

#[derive(Args)]
pub struct RegisterArgs {
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
    key_level: KeyLevel,
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
    /// The warning it comes from (its id, as `warning list` shows): the warning is closed
    /// as turned into this problem.
    #[arg(long, conflicts_with = "from_project")]
    from_warning: Option<String>,
    /// The key project whose difficulties of --from-month it comes from (id or name).
    #[arg(long, requires = "from_month")]
    from_project: Option<String>,
    #[arg(long, requires = "from_project")]
    from_month: Option<String>,
    #[command(flatten)]
    files: Attach,
}

/// Photos and scans to attach (docs/attachments.md).
#[derive(Args)]
pub struct Attach {
    /// A photo (JPEG, PNG, WebP) or PDF scan to attach, at most 10 MB; repeatable, up to 9.
    #[arg(long = "attach", value_name = "FILE")]
    attach: Vec<std::path::PathBuf>,
}

impl Attach {
    fn read(&self) -> Result<Vec<Blob>, CliError> {
        Ok(self.attach.iter().map(|p| read_file(p)).collect::<Result<Vec<_>, _>>()?)
    }
}

#[derive(Args)]
pub struct AssignArgs {
    /// Lead unit (name, short name or id).
    #[arg(long)]
    lead: String,
    #[command(flatten)]
    rest: AssignExtras,
}

#[derive(Args)]
pub struct OptionalAssignArgs {
    /// New lead unit, to reassign.
    #[arg(long)]
    lead: Option<String>,
    #[command(flatten)]
    rest: AssignExtras,
}

#[derive(Args)]
pub struct AssignExtras {
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
pub struct Decision {
    #[arg(long)]
    approve: bool,
    #[arg(long)]
    refuse: bool,
}

pub fn run(g: &Globals, cmd: ActCmd) -> Result<ExitCode, CliError> {
    let mut s = Session::open(g)?;
    let cmd = match cmd {
        ActCmd::Register(a) => return register(&mut s, a),
        ActCmd::ResolveLocally { problem, result, files } => {
            let cmd = Command::ResolveLocally {
                problem_id: s.problem_id(&problem)?,
                result_text: result,
                attachments: Vec::new(),
            };
            return s.exec_attached(cmd, &files.read()?);
        }
        ActCmd::Assign { problem, terms } => {
            let request = assign_request(&s, &terms.lead, &terms.rest)?;
            Command::Assign { problem_id: s.problem_id(&problem)?, request }
        }
        ActCmd::Sign { problem, handler } => Command::Sign { problem_id: s.problem_id(&problem)?, handler },
        ActCmd::Acknowledge { problem } => Command::Acknowledge { problem_id: s.problem_id(&problem)? },
        ActCmd::Return { problem, reason, propose } => {
            Command::Return { problem_id: s.problem_id(&problem)?, reason, proposed_unit_id: s.unit(&propose)?.id }
        }
        ActCmd::RuleReturn { problem, uphold, terms, note } => {
            let ruling = match (uphold, &terms.lead) {
                (true, _) => ReturnRuling::Uphold,
                (false, Some(lead)) => ReturnRuling::Reassign(assign_request(&s, lead, &terms.rest)?),
                (false, None) => return Err(CliError::Usage("give --uphold, or --lead UNIT to reassign".into())),
            };
            Command::RuleReturn { problem_id: s.problem_id(&problem)?, ruling, note }
        }
        ActCmd::Progress { problem, text, stage, files } => {
            let cmd = Command::NoteProgress {
                problem_id: s.problem_id(&problem)?,
                text,
                stage_reply: stage,
                attachments: Vec::new(),
            };
            return s.exec_attached(cmd, &files.read()?);
        }
        ActCmd::Opinion { problem, text } => {
            Command::SubmitOpinion { problem_id: s.problem_id(&problem)?, opinion: text }
        }
        ActCmd::WaiveOpinion { problem, unit, reason } => {
            Command::WaiveOpinion { problem_id: s.problem_id(&problem)?, unit_id: s.unit(&unit)?.id, reason }
        }
        ActCmd::RequestExtension { problem, until, reason } => {
            Command::RequestExtension { problem_id: s.problem_id(&problem)?, new_deadline: parse_date(&until)?, reason }
        }
        ActCmd::RuleExtension { problem, decision, note } => {
            Command::RuleExtension { problem_id: s.problem_id(&problem)?, approve: decision.approve, note }
        }
        ActCmd::Urge { problem, level, notice } => Command::Urge { problem_id: s.problem_id(&problem)?, level, notice },
        ActCmd::Resolve { problem, result_type, result, explanation, files } => {
            let cmd = Command::Resolve {
                problem_id: s.problem_id(&problem)?,
                result_type,
                result_text: result,
                explanation,
                attachments: Vec::new(),
            };
            return s.exec_attached(cmd, &files.read()?);
        }
        ActCmd::Evaluate { problem, satisfaction, comment, files } => {
            let satisfaction = parse_enum("satisfaction", &satisfaction, Satisfaction::parse)?;
            let cmd = Command::Evaluate {
                problem_id: s.problem_id(&problem)?,
                satisfaction,
                comment,
                attachments: Vec::new(),
            };
            return s.exec_attached(cmd, &files.read()?);
        }
        ActCmd::Close { problem, note } => Command::Close { problem_id: s.problem_id(&problem)?, note },
        ActCmd::RequestWithdrawal { problem, reason } => {
            Command::RequestWithdrawal { problem_id: s.problem_id(&problem)?, reason }
        }
        ActCmd::RuleWithdrawal { problem, decision, note } => {
            Command::RuleWithdrawal { problem_id: s.problem_id(&problem)?, approve: decision.approve, note }
        }
        ActCmd::Instruct { problem, text } => Command::Instruct { problem_id: s.problem_id(&problem)?, text },
    };
    s.exec(cmd)
}

/// 登记 says the new problem's number rather than its events.
fn register(s: &mut Session, a: RegisterArgs) -> Result<ExitCode, CliError> {
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
        origin: origin(s, &a)?,
        attachments: Vec::new(),
    };
    let problem_id = cmd.problem_id().map(str::to_string).unwrap_or_default();
    s.ledger.execute_attached(&actor.user.id, &cmd, &a.files.read()?, now()?)?;
    let p = s.ledger.problem(&problem_id)?;
    print(s.json, &serde_json::json!({ "ok": true, "problem": p.number, "id": p.id }), || {
        format!("已登记问题：{}\n", render::escape(&p.number))
    });
    Ok(ExitCode::SUCCESS)
}

/// The terms of an assignment (or a reassignment by a ruling), with units looked up.
fn assign_request(s: &Session, lead: &str, rest: &AssignExtras) -> Result<AssignRequest, CliError> {
    let mut supporters = Vec::new();
    for supporter in &rest.supporters {
        let (unit, date) = match supporter.rsplit_once(':') {
            Some((u, d)) if parse_date(d).is_ok() => (u, Some(parse_date(d)?)),
            _ => (supporter.as_str(), None),
        };
        supporters.push(SupporterRequest { unit_id: s.unit(unit)?.id, sub_deadline: date });
    }
    Ok(AssignRequest {
        lead_unit_id: s.unit(lead)?.id,
        handler: rest.handler.clone(),
        supporters,
        sign_deadline: opt_date(&rest.sign_deadline)?,
        handling_deadline: opt_date(&rest.deadline)?,
    })
}
