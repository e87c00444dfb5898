//! Events: the source of truth (docs/design.md §5). A command is decided into event bodies; the ledger
//! wraps each in an envelope (id, device, sequence, chain hash) and folds it into projections.
//! Changing a payload shape means a new `schema_version` and an upcaster, never an edit.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::attachment::Attachment;
use crate::calendar::CalendarYear;
use crate::document::DocumentKind;
use crate::import::ImportedProblem;
use crate::model::*;
use crate::monitoring::records::*;
use crate::settings::Settings;

/// Version of the payload shapes below, stored with every event.
pub const EVENT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SupporterTerms {
    pub unit_id: Id,
    pub sub_deadline: NaiveDate,
}

/// The deadlines and units of one assignment, as decided (computed or overridden).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AssignmentTerms {
    pub lead_unit_id: Id,
    pub handler: String,
    pub supporters: Vec<SupporterTerms>,
    pub sign_deadline: NaiveDate,
    pub objection_deadline: NaiveDate,
    pub handling_deadline: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum EventBody {
    LedgerInitialized {
        ledger_id: Id,
        district_name: String,
    },
    UnitCreated {
        unit: Unit,
    },
    UnitUpdated {
        unit: Unit,
    },
    UserCreated {
        user: User,
    },
    UserUpdated {
        user_id: Id,
        name: String,
        unit_id: Id,
        role: Role,
        active: bool,
    },
    PasswordSet {
        user_id: Id,
        password_hash: Option<String>,
    },
    EnterpriseCreated {
        enterprise: Enterprise,
    },
    EnterpriseUpdated {
        enterprise: Enterprise,
    },
    VisitRecorded {
        visit: Visit,
    },
    CalendarYearSet {
        year: CalendarYear,
    },
    CalendarDaySet {
        date: NaiveDate,
        off: Option<bool>,
        name: String,
    },
    SettingsChanged {
        settings: Settings,
    },

    IndicatorsReported {
        report: IndicatorReport,
    },
    ProductionReported {
        report: ProductionReport,
    },
    ProjectRegistered {
        project: Project,
    },
    ProjectUpdated {
        project: Project,
    },
    ProjectProgressReported {
        progress: ProjectProgress,
    },
    /// Raised by the rules as a report arrived, in the same transaction.
    WarningRaised {
        warning: RaisedWarning,
    },
    WarningHandled {
        handling: WarningHandling,
    },
    /// A problem registered from a warning (which this closes) or a project's difficulties.
    ProblemLinked {
        problem: Id,
        origin: ProblemOrigin,
    },

    ProblemRegistered {
        problem_id: Id,
        number: String,
        enterprise_id: Id,
        township_id: Id,
        visit_id: Option<Id>,
        source: Source,
        category: String,
        description: String,
        demand: String,
        raised_on: NaiveDate,
        priority: Priority,
        responsible_leader: String,
        /// Photos and scans (docs/attachments.md); left out when none, so an event without
        /// any is stored exactly as before attachments existed.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
    },
    /// A row of an office's existing ledger, with the number and assignment terms decided here.
    // Boxed: an imported row is four times the size of any other event.
    ProblemImported {
        number: String,
        township_id: Id,
        terms: Option<AssignmentTerms>,
        row: Box<ImportedProblem>,
    },
    ResolvedLocally {
        problem_id: Id,
        result_text: String,
        /// Photos and scans (docs/attachments.md); left out when none, so an event without
        /// any is stored exactly as before attachments existed.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
    },
    Assigned {
        problem_id: Id,
        terms: AssignmentTerms,
    },
    Signed {
        problem_id: Id,
        unit_id: Id,
        handler: String,
    },
    SupportAcknowledged {
        problem_id: Id,
        unit_id: Id,
    },
    Returned {
        problem_id: Id,
        unit_id: Id,
        reason: String,
        proposed_unit_id: Id,
    },
    ReturnUpheld {
        problem_id: Id,
        note: String,
        sign_deadline: NaiveDate,
    },
    Reassigned {
        problem_id: Id,
        note: String,
        terms: AssignmentTerms,
    },
    ProgressNoted {
        problem_id: Id,
        unit_id: Id,
        text: String,
        stage_reply: bool,
        /// Photos and scans (docs/attachments.md); left out when none, so an event without
        /// any is stored exactly as before attachments existed.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
    },
    OpinionSubmitted {
        problem_id: Id,
        unit_id: Id,
        opinion: String,
    },
    OpinionWaived {
        problem_id: Id,
        unit_id: Id,
        reason: String,
    },
    ExtensionRequested {
        problem_id: Id,
        unit_id: Id,
        new_deadline: NaiveDate,
        reason: String,
    },
    ExtensionRuled {
        problem_id: Id,
        approved: bool,
        note: String,
    },
    Urged {
        problem_id: Id,
        level: Escalation,
        notice: String,
    },
    Resolved {
        problem_id: Id,
        unit_id: Id,
        result_type: ResultType,
        result_text: String,
        explanation: String,
        /// Photos and scans (docs/attachments.md); left out when none, so an event without
        /// any is stored exactly as before attachments existed.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
    },
    Evaluated {
        problem_id: Id,
        satisfaction: Satisfaction,
        comment: String,
        reopen_deadline: Option<NaiveDate>,
        /// Photos and scans (docs/attachments.md); left out when none, so an event without
        /// any is stored exactly as before attachments existed.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
    },
    Closed {
        problem_id: Id,
        note: String,
    },
    WithdrawalRequested {
        problem_id: Id,
        reason: String,
    },
    WithdrawalRuled {
        problem_id: Id,
        approved: bool,
        note: String,
    },
    Instructed {
        problem_id: Id,
        text: String,
    },
    /// A document printed from the problem took its number (文号): the `seq`th of its kind in
    /// `year` (in the device's `series` on a replica). Printed again, it shows this number.
    DocumentIssued {
        problem_id: Id,
        kind: DocumentKind,
        round: u32,
        year: i32,
        seq: u32,
        series: Option<String>,
        number: String,
    },
    /// A 通报 of a report period (its key: `2026-03`, `2026-Q1`…) took its issue number (期号),
    /// the `seq`th in `year`. Printed again, the report shows this number.
    BulletinIssued {
        period: String,
        year: i32,
        seq: u32,
        series: Option<String>,
        number: String,
    },
}

impl EventBody {
    /// Splits into (kind, payload) for storage.
    pub fn to_parts(&self) -> (String, serde_json::Value) {
        // Taken apart, not cloned: a registration's payload is most of an import's bytes.
        let serde_json::Value::Object(mut v) = serde_json::to_value(self).expect("event bodies always serialize")
        else {
            unreachable!("an adjacently tagged enum serializes to an object")
        };
        let kind = match v.remove("kind") {
            Some(serde_json::Value::String(k)) => k,
            _ => String::new(),
        };
        (kind, v.remove("payload").unwrap_or(serde_json::Value::Null))
    }

    /// Reassembles a stored event.
    pub fn from_parts(kind: &str, payload: serde_json::Value) -> Result<EventBody, serde_json::Error> {
        serde_json::from_value(serde_json::json!({ "kind": kind, "payload": payload }))
    }

    /// The files this event names (docs/attachments.md).
    pub fn attachments(&self) -> &[Attachment] {
        use EventBody::*;
        match self {
            ProblemRegistered { attachments, .. }
            | ResolvedLocally { attachments, .. }
            | ProgressNoted { attachments, .. }
            | Resolved { attachments, .. }
            | Evaluated { attachments, .. } => attachments,
            _ => &[],
        }
    }

    /// The problem this event belongs to, if any.
    pub fn problem_id(&self) -> Option<&str> {
        use EventBody::*;
        match self {
            ProblemRegistered { problem_id, .. }
            | ResolvedLocally { problem_id, .. }
            | Assigned { problem_id, .. }
            | Signed { problem_id, .. }
            | SupportAcknowledged { problem_id, .. }
            | Returned { problem_id, .. }
            | ReturnUpheld { problem_id, .. }
            | Reassigned { problem_id, .. }
            | ProgressNoted { problem_id, .. }
            | OpinionSubmitted { problem_id, .. }
            | OpinionWaived { problem_id, .. }
            | ExtensionRequested { problem_id, .. }
            | ExtensionRuled { problem_id, .. }
            | Urged { problem_id, .. }
            | Resolved { problem_id, .. }
            | Evaluated { problem_id, .. }
            | Closed { problem_id, .. }
            | WithdrawalRequested { problem_id, .. }
            | WithdrawalRuled { problem_id, .. }
            | Instructed { problem_id, .. }
            | DocumentIssued { problem_id, .. } => Some(problem_id),
            ProblemImported { row, .. } => Some(&row.problem_id),
            _ => None,
        }
    }

    /// The entity an event is about: a problem, unit, user, enterprise or visit id.
    pub fn subject_id(&self) -> Option<String> {
        use EventBody::*;
        if let Some(p) = self.problem_id() {
            return Some(p.to_string());
        }
        match self {
            UnitCreated { unit } | UnitUpdated { unit } => Some(unit.id.clone()),
            UserCreated { user } => Some(user.id.clone()),
            UserUpdated { user_id, .. } | PasswordSet { user_id, .. } => Some(user_id.clone()),
            EnterpriseCreated { enterprise } | EnterpriseUpdated { enterprise } => Some(enterprise.id.clone()),
            VisitRecorded { visit } => Some(visit.id.clone()),
            IndicatorsReported { report } => Some(report.enterprise_id.clone()),
            ProductionReported { report } => Some(report.enterprise_id.clone()),
            ProjectRegistered { project } | ProjectUpdated { project } => Some(project.id.clone()),
            ProjectProgressReported { progress } => Some(progress.project_id.clone()),
            WarningRaised { warning } => Some(warning.id.clone()),
            WarningHandled { handling } => Some(handling.warning_id.clone()),
            ProblemLinked { problem, .. } => Some(problem.clone()),
            _ => None,
        }
    }
}

/// Who did it and when: the parts of the envelope the fold needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct EventMeta {
    pub actor: Id,
    pub occurred_at: DateTime<Utc>,
}

impl EventMeta {
    pub fn local_date(&self) -> NaiveDate {
        local_date(self.occurred_at)
    }
}
