//! Commands: what a user asks the ledger to do. Each is decided by `workflow::decide` into
//! events or refused with a typed error. Ids of new entities are chosen by the caller.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::attachment::Attachment;
use crate::calendar::CalendarYear;
use crate::import::ImportedProblem;
use crate::model::*;
use crate::monitoring::records::*;
use crate::settings::Settings;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SupporterRequest {
    pub unit_id: Id,
    /// Overrides the sub-deadline computed from the calendar.
    #[serde(default)]
    pub sub_deadline: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AssignRequest {
    pub lead_unit_id: Id,
    #[serde(default)]
    pub handler: String,
    #[serde(default)]
    pub supporters: Vec<SupporterRequest>,
    /// Overrides for deadlines computed from the calendar and settings.
    #[serde(default)]
    pub sign_deadline: Option<NaiveDate>,
    #[serde(default)]
    pub handling_deadline: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "ruling", rename_all = "snake_case")]
pub enum ReturnRuling {
    /// Same lead; the handling deadline does not move; counted as an upheld return.
    Uphold,
    /// A new lead with new deadlines.
    Reassign(AssignRequest),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    CreateUnit {
        unit_id: Id,
        name: String,
        short_name: String,
        kind: UnitKind,
    },
    UpdateUnit {
        unit_id: Id,
        name: String,
        short_name: String,
        active: bool,
    },
    CreateUser {
        user_id: Id,
        login: String,
        name: String,
        unit_id: Id,
        role: Role,
    },
    UpdateUser {
        user_id: Id,
        name: String,
        unit_id: Id,
        role: Role,
        active: bool,
    },
    /// `password_hash` is an argon2 PHC string made by the ledger; `None` clears the password.
    SetPassword {
        user_id: Id,
        password_hash: Option<String>,
    },
    CreateEnterprise {
        enterprise: Enterprise,
    },
    UpdateEnterprise {
        enterprise: Enterprise,
    },
    RecordVisit {
        visit: Visit,
    },
    SetCalendarYear {
        year: CalendarYear,
    },
    SetCalendarDay {
        date: NaiveDate,
        off: Option<bool>,
        name: String,
    },
    UpdateSettings {
        settings: Settings,
    },

    /// 月报: a key enterprise's monthly indicators (again: a correction).
    ReportIndicators {
        report: IndicatorReport,
    },
    /// 旬报: a key enterprise's main products for one 旬.
    ReportProduction {
        report: ProductionReport,
    },
    RegisterProject {
        project: Project,
    },
    UpdateProject {
        project: Project,
    },
    /// 项目进度月报.
    ReportProjectProgress {
        progress: ProjectProgress,
    },
    /// What was done about a warning; with `visit`, the visit that answered it is recorded in
    /// the same step.
    HandleWarning {
        handling: WarningHandling,
        #[serde(default)]
        visit: Option<Visit>,
    },

    /// 登记. Either `enterprise_id` names an existing enterprise or `new_enterprise` creates it
    /// in the same step.
    Register {
        problem_id: Id,
        #[serde(default)]
        enterprise_id: Option<Id>,
        #[serde(default)]
        new_enterprise: Option<Enterprise>,
        #[serde(default)]
        visit_id: Option<Id>,
        source: Source,
        category: String,
        description: String,
        #[serde(default)]
        demand: String,
        raised_on: NaiveDate,
        priority: Priority,
        #[serde(default)]
        responsible_leader: String,
        /// The warning or project difficulty it comes from, linked both ways.
        #[serde(default)]
        origin: Option<ProblemOrigin>,
        /// Photos and scans (docs/attachments.md), each named by its hash; the bytes go to
        /// the ledger beside the command.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
    },
    /// One row of an office's existing ledger (office only). Refused as a duplicate when the
    /// row's number or import key is already in the ledger.
    ImportProblem {
        problem: ImportedProblem,
    },
    ResolveLocally {
        problem_id: Id,
        result_text: String,
        /// Photos and scans (docs/attachments.md), each named by its hash; the bytes go to
        /// the ledger beside the command.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
    },
    Assign {
        problem_id: Id,
        request: AssignRequest,
    },
    Sign {
        problem_id: Id,
        #[serde(default)]
        handler: String,
    },
    Acknowledge {
        problem_id: Id,
    },
    Return {
        problem_id: Id,
        reason: String,
        proposed_unit_id: Id,
    },
    RuleReturn {
        problem_id: Id,
        ruling: ReturnRuling,
        #[serde(default)]
        note: String,
    },
    NoteProgress {
        problem_id: Id,
        text: String,
        #[serde(default)]
        stage_reply: bool,
        /// Photos and scans (docs/attachments.md), each named by its hash; the bytes go to
        /// the ledger beside the command.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
    },
    SubmitOpinion {
        problem_id: Id,
        opinion: String,
    },
    WaiveOpinion {
        problem_id: Id,
        unit_id: Id,
        reason: String,
    },
    RequestExtension {
        problem_id: Id,
        new_deadline: NaiveDate,
        reason: String,
    },
    RuleExtension {
        problem_id: Id,
        approve: bool,
        #[serde(default)]
        note: String,
    },
    Urge {
        problem_id: Id,
        level: Escalation,
        notice: String,
    },
    Resolve {
        problem_id: Id,
        result_type: ResultType,
        result_text: String,
        #[serde(default)]
        explanation: String,
        /// Photos and scans (docs/attachments.md), each named by its hash; the bytes go to
        /// the ledger beside the command.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
    },
    Evaluate {
        problem_id: Id,
        satisfaction: Satisfaction,
        #[serde(default)]
        comment: String,
        /// Photos and scans (docs/attachments.md), each named by its hash; the bytes go to
        /// the ledger beside the command.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
    },
    Close {
        problem_id: Id,
        #[serde(default)]
        note: String,
    },
    RequestWithdrawal {
        problem_id: Id,
        reason: String,
    },
    RuleWithdrawal {
        problem_id: Id,
        approve: bool,
        #[serde(default)]
        note: String,
    },
    Instruct {
        problem_id: Id,
        text: String,
    },
    /// The office prints a document about a problem and gives it its number (文号); refused
    /// once that document is issued (printing it again reads the one issued).
    IssueDocument {
        problem_id: Id,
        kind: crate::document::DocumentKind,
    },
    /// The office gives the 通报 of a report period (`period::Period::key`) its issue number
    /// (期号); refused once it has one.
    IssueBulletin {
        period: String,
    },
}

/// The workflow actions of docs/design.md §4 that act on an existing problem: what
/// `workflow::allowed_actions` answers with, and what the UI shows as buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ResolveLocally,
    Assign,
    Sign,
    Acknowledge,
    Return,
    RuleReturn,
    NoteProgress,
    SubmitOpinion,
    WaiveOpinion,
    RequestExtension,
    RuleExtension,
    Urge,
    Resolve,
    Evaluate,
    Close,
    RequestWithdrawal,
    RuleWithdrawal,
    Instruct,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::ResolveLocally,
        Action::Assign,
        Action::Sign,
        Action::Acknowledge,
        Action::Return,
        Action::RuleReturn,
        Action::NoteProgress,
        Action::SubmitOpinion,
        Action::WaiveOpinion,
        Action::RequestExtension,
        Action::RuleExtension,
        Action::Urge,
        Action::Resolve,
        Action::Evaluate,
        Action::Close,
        Action::RequestWithdrawal,
        Action::RuleWithdrawal,
        Action::Instruct,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Action::ResolveLocally => "resolve_locally",
            Action::Assign => "assign",
            Action::Sign => "sign",
            Action::Acknowledge => "acknowledge",
            Action::Return => "return",
            Action::RuleReturn => "rule_return",
            Action::NoteProgress => "note_progress",
            Action::SubmitOpinion => "submit_opinion",
            Action::WaiveOpinion => "waive_opinion",
            Action::RequestExtension => "request_extension",
            Action::RuleExtension => "rule_extension",
            Action::Urge => "urge",
            Action::Resolve => "resolve",
            Action::Evaluate => "evaluate",
            Action::Close => "close",
            Action::RequestWithdrawal => "request_withdrawal",
            Action::RuleWithdrawal => "rule_withdrawal",
            Action::Instruct => "instruct",
        }
    }

    /// The section of the i18n catalogue's `labels` that names these keys.
    pub const LABELS: &'static str = "action";

    /// The Chinese label shown to users (i18n/zh-CN.json).
    pub fn label_zh(self) -> &'static str {
        crate::labels::zh(Self::LABELS, self.key())
    }

    /// The English label (i18n/en.json).
    pub fn label_en(self) -> &'static str {
        crate::labels::en(Self::LABELS, self.key())
    }
}

impl Command {
    /// The problem-level action this command performs, if it is one.
    pub fn action(&self) -> Option<Action> {
        use Command::*;
        Some(match self {
            ResolveLocally { .. } => Action::ResolveLocally,
            Assign { .. } => Action::Assign,
            Sign { .. } => Action::Sign,
            Acknowledge { .. } => Action::Acknowledge,
            Return { .. } => Action::Return,
            RuleReturn { .. } => Action::RuleReturn,
            NoteProgress { .. } => Action::NoteProgress,
            SubmitOpinion { .. } => Action::SubmitOpinion,
            WaiveOpinion { .. } => Action::WaiveOpinion,
            RequestExtension { .. } => Action::RequestExtension,
            RuleExtension { .. } => Action::RuleExtension,
            Urge { .. } => Action::Urge,
            Resolve { .. } => Action::Resolve,
            Evaluate { .. } => Action::Evaluate,
            Close { .. } => Action::Close,
            RequestWithdrawal { .. } => Action::RequestWithdrawal,
            RuleWithdrawal { .. } => Action::RuleWithdrawal,
            Instruct { .. } => Action::Instruct,
            _ => return None,
        })
    }

    /// The files this command carries, when it is one that may carry them (registration,
    /// progress, resolution, resolution on the spot, evaluation).
    pub fn attachments_mut(&mut self) -> Option<&mut Vec<Attachment>> {
        use Command::*;
        match self {
            Register { attachments, .. }
            | ResolveLocally { attachments, .. }
            | NoteProgress { attachments, .. }
            | Resolve { attachments, .. }
            | Evaluate { attachments, .. } => Some(attachments),
            _ => None,
        }
    }

    /// The files this command carries.
    pub fn attachments(&self) -> &[Attachment] {
        use Command::*;
        match self {
            Register { attachments, .. }
            | ResolveLocally { attachments, .. }
            | NoteProgress { attachments, .. }
            | Resolve { attachments, .. }
            | Evaluate { attachments, .. } => attachments,
            _ => &[],
        }
    }

    pub fn problem_id(&self) -> Option<&str> {
        use Command::*;
        match self {
            Register { problem_id, .. }
            | ResolveLocally { problem_id, .. }
            | Assign { problem_id, .. }
            | Sign { problem_id, .. }
            | Acknowledge { problem_id, .. }
            | Return { problem_id, .. }
            | RuleReturn { problem_id, .. }
            | NoteProgress { problem_id, .. }
            | SubmitOpinion { problem_id, .. }
            | WaiveOpinion { problem_id, .. }
            | RequestExtension { problem_id, .. }
            | RuleExtension { problem_id, .. }
            | Urge { problem_id, .. }
            | Resolve { problem_id, .. }
            | Evaluate { problem_id, .. }
            | Close { problem_id, .. }
            | RequestWithdrawal { problem_id, .. }
            | RuleWithdrawal { problem_id, .. }
            | Instruct { problem_id, .. }
            | IssueDocument { problem_id, .. } => Some(problem_id),
            ImportProblem { problem } => Some(&problem.problem_id),
            _ => None,
        }
    }
}
