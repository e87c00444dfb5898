//! `project add|update|progress|list|show` and `warning list|handle`: the key projects with
//! their monthly progress, and the warnings board with what was done (docs/monitoring.md).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use taizhang_core::monitoring::warnings::warning_text;
use taizhang_core::monitoring::{
    Amount, Month, Project, ProjectNature, ProjectProgress, ProjectStage, WarningHandling,
};
use taizhang_core::{local_date, Command, DomainError, Visit, VisitForm};
use taizhang_ledger::WarningFilter;

use super::monitoring::{month_or_last, scope};
use crate::args::Globals;
use crate::input::{new_id, now, opt_date, parse_date, parse_enum};
use crate::messages::CliError;
use crate::render::{self, print};
use crate::session::Session;

#[derive(Args)]
pub struct ProjectFields {
    /// 项目名称
    #[arg(long)]
    name: String,
    /// 所在镇街 (name, short name or id).
    #[arg(long)]
    township: String,
    /// 建设单位
    #[arg(long, default_value = "")]
    builder: String,
    /// 新建 / 续建
    #[arg(long, default_value = "新建")]
    nature: String,
    /// 总投资 (万元)
    #[arg(long)]
    total: String,
    /// 年度计划投资 (万元)
    #[arg(long)]
    plan: String,
    /// The year of the plan (default: this year).
    #[arg(long)]
    year: Option<i32>,
    #[arg(long, default_value = "前期准备")]
    stage: String,
    #[arg(long)]
    planned_start: Option<String>,
    #[arg(long)]
    planned_finish: Option<String>,
    #[arg(long)]
    actual_start: Option<String>,
    #[arg(long)]
    actual_finish: Option<String>,
    /// 包联领导
    #[arg(long, default_value = "")]
    paired_leader: String,
    /// 责任单位 (a unit).
    #[arg(long)]
    responsible: Option<String>,
    /// 服务(代办)单位 (a unit).
    #[arg(long)]
    service: Option<String>,
    /// 具体承办人
    #[arg(long, default_value = "")]
    handler: String,
    /// 建设内容
    #[arg(long, default_value = "")]
    content: String,
}

#[allow(clippy::large_enum_variant)] // parsed once per run
#[derive(Subcommand)]
pub enum ProjectCmd {
    /// Register a key project (the office).
    Add(ProjectFields),
    /// Change a key project's register entry (the office): all fields again.
    Update {
        /// The project's id.
        id: String,
        #[command(flatten)]
        fields: ProjectFields,
    },
    /// Record a project's monthly progress: 本月完成投资, 形象进度, difficulties, next steps.
    Progress {
        /// The project's id or exact name.
        project: String,
        #[arg(long)]
        month: String,
        /// 本月完成投资 (万元)
        #[arg(long)]
        invested: String,
        /// 年度累计完成投资, when the form gives it.
        #[arg(long)]
        year_to_date: Option<String>,
        /// The stage reached, when it moved.
        #[arg(long)]
        stage: Option<String>,
        /// 形象进度
        #[arg(long)]
        image_progress: String,
        #[arg(long, default_value = "")]
        difficulties: String,
        #[arg(long, default_value = "")]
        next_steps: String,
    },
    /// The key projects with 完成率, 序时进度 and pace as of a month (default: last month).
    List {
        #[arg(long)]
        month: Option<String>,
        #[arg(long)]
        township: Option<String>,
    },
    /// One project's register entry and every monthly report.
    Show { project: String },
}

#[derive(Subcommand)]
pub enum WarningCmd {
    /// The warnings board: raised warnings and missing reports, highest level first, with who
    /// answers for each (responsible leader, lead unit, handler).
    List {
        /// Only those still open.
        #[arg(long)]
        open: bool,
        #[arg(long)]
        township: Option<String>,
        /// Only those whose responsible leader is this name.
        #[arg(long)]
        leader: Option<String>,
    },
    /// Record what was done about a warning; with --visitors, the visit that answered it is
    /// recorded in the same step. (To turn it into a problem: `register --from-warning ID`.)
    Handle {
        /// The warning's id (as `warning list` shows).
        id: String,
        #[arg(long)]
        note: String,
        /// Who visited (records a visit today, or on --date).
        #[arg(long)]
        visitors: Option<String>,
        #[arg(long, requires = "visitors")]
        date: Option<String>,
        #[arg(long, default_value = "实地走访", requires = "visitors")]
        form: String,
    },
}

fn project_of(s: &Session, id: String, f: ProjectFields) -> Result<Project, CliError> {
    let unit = |k: Option<String>| k.map(|k| s.unit(&k).map(|u| u.id)).transpose();
    Ok(Project {
        id,
        name: f.name,
        builder: f.builder,
        nature: parse_enum("nature", &f.nature, ProjectNature::parse)?,
        township_id: s.unit(&f.township)?.id,
        total_investment: Amount::parse("总投资", &f.total)?,
        plan_year: match f.year {
            Some(y) => y,
            None => Month::of(local_date(now()?)).year,
        },
        annual_plan: Amount::parse("年度计划投资", &f.plan)?,
        planned_start: opt_date(&f.planned_start)?,
        planned_finish: opt_date(&f.planned_finish)?,
        actual_start: opt_date(&f.actual_start)?,
        actual_finish: opt_date(&f.actual_finish)?,
        stage: parse_enum("stage", &f.stage, ProjectStage::parse)?,
        paired_leader: f.paired_leader,
        responsible_unit_id: unit(f.responsible)?,
        service_unit_id: unit(f.service)?,
        handler: f.handler,
        content: f.content,
    })
}

/// A project by id or exact name.
fn find_project(s: &Session, key: &str) -> Result<Project, CliError> {
    let all = s.ledger.projects(None, Month::of(local_date(now()?)))?;
    all.into_iter()
        .map(|r| r.project)
        .find(|p| p.id == key || p.name == key)
        .ok_or_else(|| DomainError::not_found("project", key).into())
}

fn pct(x: Option<f64>) -> String {
    x.map_or("—".into(), |v| format!("{v:.2}%"))
}

pub fn run_project(g: &Globals, cmd: ProjectCmd) -> Result<ExitCode, CliError> {
    let mut s = Session::open(g)?;
    match cmd {
        ProjectCmd::Add(f) => {
            let project = project_of(&s, new_id(), f)?;
            s.exec(Command::RegisterProject { project })
        }
        ProjectCmd::Update { id, fields } => {
            let id = find_project(&s, &id)?.id;
            let project = project_of(&s, id, fields)?;
            s.exec(Command::UpdateProject { project })
        }
        ProjectCmd::Progress {
            project,
            month,
            invested,
            year_to_date,
            stage,
            image_progress,
            difficulties,
            next_steps,
        } => {
            let p = find_project(&s, &project)?;
            let progress = ProjectProgress {
                project_id: p.id,
                month: Month::parse(&month)?,
                invested: Amount::parse("本月完成投资", &invested)?,
                year_to_date: year_to_date.map(|y| Amount::parse("年度累计完成投资", &y)).transpose()?,
                stage: stage.map(|x| parse_enum("stage", &x, ProjectStage::parse)).transpose()?,
                image_progress,
                difficulties,
                next_steps,
                late: false,
            };
            s.exec(Command::ReportProjectProgress { progress })
        }
        ProjectCmd::List { month, township } => {
            let scope = scope(&s, &township)?;
            let list = s.ledger.projects(scope.as_deref(), month_or_last(&month)?)?;
            print(s.json, &list, || {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|r| {
                        vec![
                            r.project.name.clone(),
                            r.township_name.clone(),
                            r.project.stage.label_zh().into(),
                            r.project.annual_plan.to_string(),
                            r.year_to_date.map_or("—".into(), |a| a.to_string()),
                            pct(r.completion_rate),
                            format!("{:.2}%", r.time_progress),
                            r.pace.map_or("—".into(), |p| p.label_zh().into()),
                            r.project.paired_leader.clone(),
                            r.responsible_unit_name.clone(),
                            r.open_warnings.to_string(),
                        ]
                    })
                    .collect();
                let headers = [
                    "项目",
                    "镇街",
                    "阶段",
                    "年度计划",
                    "年度累计",
                    "完成率",
                    "序时进度",
                    "进度",
                    "包联领导",
                    "责任单位",
                    "预警",
                ];
                let month = list.first().map(|r| r.month.to_string()).unwrap_or_default();
                format!("{month} 重点项目进度\n{}", render::table(&headers, &rows))
            });
            Ok(ExitCode::SUCCESS)
        }
        ProjectCmd::Show { project } => {
            let p = find_project(&s, &project)?;
            let history = s.ledger.project_history(&p.id)?;
            print(s.json, &serde_json::json!({ "project": p, "progress": history }), || {
                let rows: Vec<Vec<String>> = history
                    .iter()
                    .map(|h| {
                        vec![
                            h.month.to_string(),
                            h.invested.to_string(),
                            h.year_to_date.map_or("—".into(), |a| a.to_string()),
                            render::clip(&h.image_progress, 30),
                            render::clip(&h.difficulties, 30),
                        ]
                    })
                    .collect();
                format!(
                    "{}（{}，总投资 {} 万元，{} 年计划 {} 万元）\n{}",
                    p.name,
                    p.nature.label_zh(),
                    p.total_investment,
                    p.plan_year,
                    p.annual_plan,
                    render::table(&["月份", "本月完成", "年度累计", "形象进度", "困难问题"], &rows)
                )
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn run_warning(g: &Globals, cmd: WarningCmd) -> Result<ExitCode, CliError> {
    let mut s = Session::open(g)?;
    match cmd {
        WarningCmd::List { open, township, leader } => {
            let filter = WarningFilter { township_id: scope(&s, &township)?, open_only: open, leader };
            let list = s.ledger.warnings(&filter, now()?)?;
            print(s.json, &list, || {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|w| {
                        vec![
                            w.level.label_zh().into(),
                            w.subject_name.clone(),
                            w.period.to_string(),
                            render::clip(&warning_text("zh-CN", &w.rule, &w.params), 48),
                            w.responsible_leader.clone(),
                            w.lead_unit.clone(),
                            w.handler.clone(),
                            if w.open { "未处置".into() } else { "已处置".into() },
                            w.id.clone(),
                        ]
                    })
                    .collect();
                render::table(
                    &["级别", "对象", "期间", "预警", "包联领导", "责任单位", "承办人", "状态", "编号"],
                    &rows,
                )
            });
            Ok(ExitCode::SUCCESS)
        }
        WarningCmd::Handle { id, note, visitors, date, form } => {
            let handling = WarningHandling { warning_id: id.clone(), note, visit_id: None };
            let visit = match visitors {
                Some(visitors) => {
                    let board = s.ledger.warnings(&WarningFilter::default(), now()?)?;
                    let w = board.iter().find(|w| w.id == id).ok_or_else(|| DomainError::not_found("warning", &id))?;
                    Some(Visit {
                        id: new_id(),
                        enterprise_id: w.subject_id.clone(),
                        township_id: w.township_id.clone(),
                        date: match date {
                            Some(d) => parse_date(&d)?,
                            None => local_date(now()?),
                        },
                        visitors,
                        form: parse_enum("form", &form, VisitForm::parse)?,
                        notes: String::new(),
                    })
                }
                None => None,
            };
            s.exec(Command::HandleWarning { handling, visit })
        }
    }
}
