//! Typed errors with stable codes. The code is the contract with the UI and scripts; the
//! English Display text is for logs. User-facing Chinese comes from `i18n/*.json`, keyed by code,
//! with this enum's fields as parameters.

use serde::{Deserialize, Serialize};

use crate::model::Status;

#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "code")]
pub enum DomainError {
    #[serde(rename = "not_found")]
    #[error("{entity} not found: {id}")]
    NotFound { entity: String, id: String },

    #[serde(rename = "auth.forbidden")]
    #[error("{user} may not {action}: {}", reason.label_en())]
    Forbidden { user: String, action: String, reason: crate::model::ForbiddenReason },

    #[serde(rename = "auth.inactive")]
    #[error("user {user} is deactivated")]
    Inactive { user: String },

    /// The user is active but their unit has been deactivated: a unit that no longer takes
    /// part (merged, abolished) acts through no one.
    #[serde(rename = "auth.unit_inactive")]
    #[error("user {user} belongs to the deactivated unit {unit}")]
    UnitInactive { user: String, unit: String },

    #[serde(rename = "workflow.invalid_state")]
    #[error("cannot {action} a problem that is {status}")]
    InvalidState { action: String, status: Status },

    #[serde(rename = "return.window_closed")]
    #[error("the objection window closed on {deadline}")]
    ReturnWindowClosed { deadline: String },

    #[serde(rename = "return.already_ruled")]
    #[error("the office has already ruled on a return of this problem; its ruling is final")]
    ReturnAlreadyRuled,

    #[serde(rename = "extension.too_late")]
    #[error("an extension must be asked at least {notice_days} working day(s) before the deadline {deadline}")]
    ExtensionTooLate { deadline: String, notice_days: u32 },

    #[serde(rename = "extension.pending")]
    #[error("an extension request is already waiting for the office")]
    ExtensionPending,

    #[serde(rename = "extension.none_pending")]
    #[error("no extension request is waiting")]
    NoExtensionPending,

    #[serde(rename = "extension.not_later")]
    #[error("the new deadline {new_deadline} is not after the current one {deadline}")]
    ExtensionNotLater { deadline: String, new_deadline: String },

    #[serde(rename = "assign.supporter_is_lead")]
    #[error("the lead unit cannot also be a supporting unit")]
    SupporterIsLead,

    #[serde(rename = "assign.duplicate_supporter")]
    #[error("supporting unit listed twice: {unit}")]
    DuplicateSupporter { unit: String },

    #[serde(rename = "assign.not_a_department")]
    #[error("{unit} is not an active department")]
    NotADepartment { unit: String },

    #[serde(rename = "assign.deadline_in_past")]
    #[error("the deadline {deadline} is before today {today}")]
    DeadlineInPast { deadline: String, today: String },

    #[serde(rename = "resolve.opinions_missing")]
    #[error("supporting units have not given their opinion: {units}")]
    OpinionsMissing { units: String },

    #[serde(rename = "support.already_done")]
    #[error("this supporting unit has already {what}")]
    SupportAlreadyDone { what: String },

    #[serde(rename = "evaluate.already_evaluated")]
    #[error("this resolution has already been evaluated")]
    AlreadyEvaluated,

    #[serde(rename = "close.not_evaluated")]
    #[error("the company's evaluation must be recorded before close-out")]
    NotEvaluated,

    #[serde(rename = "withdraw.pending")]
    #[error("a withdrawal request is already waiting for the office")]
    WithdrawalPending,

    #[serde(rename = "withdraw.none_pending")]
    #[error("no withdrawal request is waiting")]
    NoWithdrawalPending,

    #[serde(rename = "event.time_before_history")]
    #[error("the act is dated {at}, before the ledger's latest event at {latest} by more than the {tolerance_seconds} s clock tolerance")]
    TimeBeforeHistory { at: String, latest: String, tolerance_seconds: u32 },

    #[serde(rename = "event.time_before_problem")]
    #[error("the act is dated {at}, before the problem's latest event at {latest}")]
    TimeBeforeProblem { at: String, latest: String },

    #[serde(rename = "event.time_ahead")]
    #[error("the act is dated {at}, after it reached the district server at {received} by more than the {tolerance_seconds} s clock tolerance")]
    TimeAhead { at: String, received: String, tolerance_seconds: u32 },

    #[serde(rename = "input.required")]
    #[error("{field} is required")]
    Required { field: String },

    #[serde(rename = "input.too_long")]
    #[error("{field} is longer than {max} characters")]
    TooLong { field: String, max: usize },

    #[serde(rename = "input.invalid")]
    #[error("{field} is invalid: {reason}")]
    Invalid { field: String, reason: String },

    /// A date outside the range the ledger accepts (`dates::DateRange`).
    #[serde(rename = "input.date_out_of_range")]
    #[error("{field} {date} is outside the dates this ledger accepts ({first} to {last})")]
    DateOutOfRange { field: String, date: String, first: String, last: String },

    /// The clock of the machine acting is outside that range: nothing is recorded with it.
    #[serde(rename = "clock.out_of_range")]
    #[error("the clock says {now}, outside the dates this ledger accepts ({first} to {last})")]
    ClockOutOfRange { now: String, first: String, last: String },

    #[serde(rename = "input.duplicate")]
    #[error("{field} already in use: {value}")]
    Duplicate { field: String, value: String },

    #[serde(rename = "user.login_confusable")]
    #[error("login {value} looks the same as the existing login {existing}")]
    LoginConfusable { value: String, existing: String },

    #[serde(rename = "unit.name_confusable")]
    #[error("unit name {value} looks the same as the existing unit {existing}")]
    UnitNameConfusable { value: String, existing: String },

    #[serde(rename = "unit.short_name_confusable")]
    #[error("short name {value} looks the same as the short name {existing} of another unit")]
    UnitShortNameConfusable { value: String, existing: String },

    #[serde(rename = "enterprise.credit_code_malformed")]
    #[error("malformed credit code {value}: {reason}")]
    CreditCodeMalformed { value: String, reason: String },

    #[serde(rename = "enterprise.wrong_township")]
    #[error("the enterprise belongs to another township")]
    WrongTownship,

    /// Monitoring (docs/monitoring.md): a value that cannot be negative.
    #[serde(rename = "monitoring.negative_value")]
    #[error("{indicator} cannot be negative ({value})")]
    NegativeValue { indicator: String, value: String },

    /// A 1—本月 cumulative smaller than the one reported for the month before.
    #[serde(rename = "monitoring.cumulative_decreasing")]
    #[error("the cumulative {indicator} of {month} ({cumulative}) is smaller than the month before's ({previous})")]
    CumulativeDecreasing { indicator: String, month: String, cumulative: String, previous: String },

    #[serde(rename = "monitoring.no_such_month")]
    #[error("no such month: {text} (write 2026-03)")]
    NoSuchMonth { text: String },

    /// A value given in another unit than the indicator's (万元 for 万千瓦时, …).
    #[serde(rename = "monitoring.wrong_unit")]
    #[error("{indicator} is reported in {expected}, not {unit}")]
    WrongUnit { indicator: String, unit: String, expected: String },

    #[serde(rename = "monitoring.not_key_enterprise")]
    #[error("{enterprise} is not a key enterprise: only key enterprises report indicators")]
    NotKeyEnterprise { enterprise: String },

    #[serde(rename = "monitoring.unknown_indicator")]
    #[error("no indicator {indicator} in the district's list")]
    UnknownIndicator { indicator: String },

    #[serde(rename = "monitoring.bad_number")]
    #[error("{field}: {text} is not a number with at most two decimals")]
    BadNumber { field: String, text: String },

    /// A report for a period that has not ended yet (this month, a 旬 still running).
    #[serde(rename = "monitoring.period_not_over")]
    #[error("{period} has not ended yet: report it after it ends")]
    PeriodNotOver { period: String },

    /// A report for a locked period, by someone other than the office.
    #[serde(rename = "monitoring.period_locked")]
    #[error("the reports of {period} locked on {locked_on}: a late correction is the office's")]
    PeriodLocked { period: String, locked_on: String },

    /// What was done about a warning is recorded once.
    #[serde(rename = "monitoring.warning_handled")]
    #[error("warning {warning} has already been dealt with")]
    WarningHandled { warning: String },

    /// Nothing to write the document about yet: no assignment, urge or resolution by the lead.
    #[serde(rename = "document.not_due")]
    #[error("no {kind} can be issued for this problem now")]
    DocumentNotDue { kind: String },

    /// The document is issued: printing it again shows its number; a second is not given.
    #[serde(rename = "document.already_issued")]
    #[error("the {kind} of this problem is already issued as {number}")]
    DocumentAlreadyIssued { kind: String, number: String },

    /// An attachment whose content is not one of the kinds allowed (docs/attachments.md).
    #[serde(rename = "attachment.type_not_allowed")]
    #[error("{name} is not a JPEG, PNG or WebP photo or a PDF scan ({media_type})")]
    AttachmentTypeNotAllowed { name: String, media_type: String },

    #[serde(rename = "attachment.too_large")]
    #[error("{name} is {size} bytes, over the {max} bytes an attachment may be")]
    AttachmentTooLarge { name: String, size: u64, max: u64 },

    #[serde(rename = "attachment.empty")]
    #[error("{name} is empty")]
    AttachmentEmpty { name: String },

    #[serde(rename = "attachment.too_many")]
    #[error("{count} attachments on one act; at most {max}")]
    AttachmentTooMany { count: usize, max: usize },

    /// The act cannot carry attachments (only registration, progress, resolution and evaluation do).
    #[serde(rename = "attachment.not_here")]
    #[error("{action} carries no attachments")]
    AttachmentNotHere { action: String },

    /// A reference that is not a SHA-256 in lowercase hex, or names one file twice.
    #[serde(rename = "attachment.bad_reference")]
    #[error("attachment {name}: {reason}")]
    AttachmentBadReference { name: String, reason: String },
}

impl DomainError {
    /// The stable code, identical to the `code` field of the serialized form.
    pub fn code(&self) -> &'static str {
        use DomainError::*;
        match self {
            NotFound { .. } => "not_found",
            Forbidden { .. } => "auth.forbidden",
            Inactive { .. } => "auth.inactive",
            UnitInactive { .. } => "auth.unit_inactive",
            InvalidState { .. } => "workflow.invalid_state",
            ReturnWindowClosed { .. } => "return.window_closed",
            ReturnAlreadyRuled => "return.already_ruled",
            ExtensionTooLate { .. } => "extension.too_late",
            ExtensionPending => "extension.pending",
            NoExtensionPending => "extension.none_pending",
            ExtensionNotLater { .. } => "extension.not_later",
            SupporterIsLead => "assign.supporter_is_lead",
            DuplicateSupporter { .. } => "assign.duplicate_supporter",
            NotADepartment { .. } => "assign.not_a_department",
            DeadlineInPast { .. } => "assign.deadline_in_past",
            OpinionsMissing { .. } => "resolve.opinions_missing",
            SupportAlreadyDone { .. } => "support.already_done",
            AlreadyEvaluated => "evaluate.already_evaluated",
            NotEvaluated => "close.not_evaluated",
            WithdrawalPending => "withdraw.pending",
            NoWithdrawalPending => "withdraw.none_pending",
            TimeBeforeHistory { .. } => "event.time_before_history",
            TimeBeforeProblem { .. } => "event.time_before_problem",
            TimeAhead { .. } => "event.time_ahead",
            Required { .. } => "input.required",
            TooLong { .. } => "input.too_long",
            Invalid { .. } => "input.invalid",
            DateOutOfRange { .. } => "input.date_out_of_range",
            ClockOutOfRange { .. } => "clock.out_of_range",
            Duplicate { .. } => "input.duplicate",
            LoginConfusable { .. } => "user.login_confusable",
            UnitNameConfusable { .. } => "unit.name_confusable",
            UnitShortNameConfusable { .. } => "unit.short_name_confusable",
            CreditCodeMalformed { .. } => "enterprise.credit_code_malformed",
            WrongTownship => "enterprise.wrong_township",
            NegativeValue { .. } => "monitoring.negative_value",
            CumulativeDecreasing { .. } => "monitoring.cumulative_decreasing",
            NoSuchMonth { .. } => "monitoring.no_such_month",
            WrongUnit { .. } => "monitoring.wrong_unit",
            NotKeyEnterprise { .. } => "monitoring.not_key_enterprise",
            UnknownIndicator { .. } => "monitoring.unknown_indicator",
            BadNumber { .. } => "monitoring.bad_number",
            PeriodNotOver { .. } => "monitoring.period_not_over",
            PeriodLocked { .. } => "monitoring.period_locked",
            WarningHandled { .. } => "monitoring.warning_handled",
            DocumentNotDue { .. } => "document.not_due",
            DocumentAlreadyIssued { .. } => "document.already_issued",
            AttachmentTypeNotAllowed { .. } => "attachment.type_not_allowed",
            AttachmentTooLarge { .. } => "attachment.too_large",
            AttachmentEmpty { .. } => "attachment.empty",
            AttachmentTooMany { .. } => "attachment.too_many",
            AttachmentNotHere { .. } => "attachment.not_here",
            AttachmentBadReference { .. } => "attachment.bad_reference",
        }
    }

    pub fn not_found(entity: &str, id: &str) -> Self {
        DomainError::NotFound { entity: entity.into(), id: id.into() }
    }
    pub fn invalid(field: &str, reason: &str) -> Self {
        DomainError::Invalid { field: field.into(), reason: reason.into() }
    }
    pub fn required(field: &str) -> Self {
        DomainError::Required { field: field.into() }
    }
    pub fn forbidden(user: &str, action: &str, reason: crate::model::ForbiddenReason) -> Self {
        DomainError::Forbidden { user: user.into(), action: action.into(), reason }
    }
}

/// The params are the serialized fields; the `code` tag is not one of them.
impl crate::coded::Coded for DomainError {
    fn code(&self) -> &'static str {
        DomainError::code(self)
    }
    fn params(&self) -> crate::coded::Params {
        crate::coded::serde_params(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_code_matches_code_fn() {
        let samples = vec![
            DomainError::not_found("problem", "x"),
            DomainError::forbidden("u", "sign", crate::model::ForbiddenReason::LeadOnly),
            DomainError::ReturnAlreadyRuled,
            DomainError::UnitInactive { user: "u".into(), unit: "x".into() },
            DomainError::InvalidState { action: "sign".into(), status: Status::Closed },
            DomainError::required("reason"),
            DomainError::SupporterIsLead,
            DomainError::DateOutOfRange {
                field: "raised_on".into(),
                date: "-0001-01-01".into(),
                first: "2000-01-01".into(),
                last: "2099-12-31".into(),
            },
            DomainError::ClockOutOfRange {
                now: "9999-01-01T00:00:00Z".into(),
                first: "2000-01-01".into(),
                last: "2099-12-31".into(),
            },
            DomainError::LoginConfusable { value: "аdmin".into(), existing: "admin".into() },
            DomainError::UnitNameConfusable { value: "a".into(), existing: "b".into() },
            DomainError::UnitShortNameConfusable { value: "a".into(), existing: "b".into() },
        ];
        for e in samples {
            let v = serde_json::to_value(&e).unwrap();
            assert_eq!(v["code"], e.code(), "{e:?}");
            let params = crate::coded::Coded::params(&e);
            assert!(!params.contains_key("code"), "{e:?}");
            let fields = v.as_object().unwrap().len() - 1;
            assert_eq!(params.len(), fields, "{e:?}");
        }
    }
}
