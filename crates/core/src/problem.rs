//! The problem aggregate and its fold. `Problem::apply` is the only place that turns events
//! into problem state; the ledger stores what it returns, so rebuilding from the log gives the
//! same rows by construction.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::document::{DocumentKind, IssuedDocument};
use crate::event::{AssignmentTerms, EventBody, EventMeta, SupporterTerms};
use crate::import::{start_of_day, ImportOrigin, ImportedProblem};
use crate::model::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Supporter {
    pub unit_id: Id,
    pub sub_deadline: NaiveDate,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub opinion: Option<String>,
    pub opinion_at: Option<DateTime<Utc>>,
    pub waived_reason: Option<String>,
}

impl Supporter {
    /// Has this supporter's part been settled (opinion given or waived by the office)?
    pub fn is_settled(&self) -> bool {
        self.opinion.is_some() || self.waived_reason.is_some()
    }
}

/// The assignment in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Assignment {
    pub lead_unit_id: Id,
    pub handler: String,
    pub assigned_at: DateTime<Utc>,
    pub sign_deadline: NaiveDate,
    pub objection_deadline: NaiveDate,
    /// The first handling deadline of this assignment, kept when extensions move the current one.
    pub original_deadline: NaiveDate,
    /// The approved handling deadline now in force.
    pub handling_deadline: NaiveDate,
    pub supporters: Vec<Supporter>,
}

impl Assignment {
    /// The assignment the terms give, from `at`, with no supporter's part done yet.
    fn new(terms: &AssignmentTerms, at: DateTime<Utc>) -> Assignment {
        Assignment {
            lead_unit_id: terms.lead_unit_id.clone(),
            handler: terms.handler.clone(),
            assigned_at: at,
            sign_deadline: terms.sign_deadline,
            objection_deadline: terms.objection_deadline,
            original_deadline: terms.handling_deadline,
            handling_deadline: terms.handling_deadline,
            supporters: terms
                .supporters
                .iter()
                .map(|s| Supporter {
                    unit_id: s.unit_id.clone(),
                    sub_deadline: s.sub_deadline,
                    acknowledged_at: None,
                    opinion: None,
                    opinion_at: None,
                    waived_reason: None,
                })
                .collect(),
        }
    }
}

/// One assignment of the item to a lead unit (the first, or after a reassigning ruling).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AssignmentRecord {
    pub at: DateTime<Utc>,
    pub lead_unit_id: Id,
    pub reassigned: bool,
    /// Supporter tasks as first given, kept for supporter figures.
    pub supporters: Vec<SupporterTerms>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SignRecord {
    pub at: DateTime<Utc>,
    pub unit_id: Id,
    pub sign_deadline: NaiveDate,
    pub on_time: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ReturnRecord {
    pub at: DateTime<Utc>,
    pub unit_id: Id,
    pub reason: String,
    pub proposed_unit_id: Id,
    /// `Some(true)` upheld (counted against the unit), `Some(false)` reassigned, `None` pending.
    pub upheld: Option<bool>,
    pub ruled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ExtensionRecord {
    pub at: DateTime<Utc>,
    pub unit_id: Id,
    pub old_deadline: NaiveDate,
    pub new_deadline: NaiveDate,
    pub reason: String,
    pub approved: Option<bool>,
    pub ruled_at: Option<DateTime<Utc>>,
    /// Resolved before the office ruled: the request lapsed (counted as asked, not granted).
    #[serde(default)]
    pub lapsed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct UrgeRecord {
    pub at: DateTime<Utc>,
    pub level: Escalation,
    pub notice: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ResolutionRecord {
    pub at: DateTime<Utc>,
    /// The lead unit, or `None` for 就地解决 by the township.
    pub unit_id: Option<Id>,
    pub result_type: ResultType,
    pub result_text: String,
    pub explanation: String,
    /// The approved deadline in force when it was resolved.
    pub deadline: Option<NaiveDate>,
    /// When the clock of this round started (assignment or reopening).
    pub started_at: DateTime<Utc>,
    pub on_time: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct EvaluationRecord {
    pub at: DateTime<Utc>,
    pub by_user: Id,
    /// The unit that resolved the item being evaluated (None for a local resolution).
    pub lead_unit_id: Option<Id>,
    pub satisfaction: Satisfaction,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PendingRequest {
    pub at: DateTime<Utc>,
    pub by_user: Id,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Problem {
    pub id: Id,
    pub number: String,
    pub enterprise_id: Id,
    pub township_id: Id,
    pub visit_id: Option<Id>,
    pub source: Source,
    pub category: String,
    pub description: String,
    pub demand: String,
    pub raised_on: NaiveDate,
    pub priority: Priority,
    pub responsible_leader: String,
    pub status: Status,
    pub registered_at: DateTime<Utc>,
    pub registered_by: Id,
    pub assignment: Option<Assignment>,
    /// Start of the current handling round: assignment, or the reopening after 不满意.
    pub round_started_at: Option<DateTime<Utc>>,
    pub signed_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub pending_withdrawal: Option<PendingRequest>,
    /// The evaluation of the latest resolution, if given.
    pub evaluation: Option<Satisfaction>,
    pub reopen_count: u32,
    pub assignments: Vec<AssignmentRecord>,
    pub signs: Vec<SignRecord>,
    pub returns: Vec<ReturnRecord>,
    pub extensions: Vec<ExtensionRecord>,
    pub urges: Vec<UrgeRecord>,
    pub resolutions: Vec<ResolutionRecord>,
    pub evaluations: Vec<EvaluationRecord>,
    pub updated_at: DateTime<Utc>,
    /// Where the problem came from when it was imported from a sheet.
    #[serde(default)]
    pub imported: Option<ImportOrigin>,
    /// The documents issued about it, with their numbers (docs/documents.md). Left out when
    /// none, so an aggregate without documents is stored exactly as before they existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<IssuedDocument>,
}

impl Problem {
    /// The problem's place in its township's numbering, (year, sequence), parsed from
    /// `2026-城关-0007`. Only a number the ledger gave has one: a number an import kept from
    /// its sheet is its identity but must not steer the sequence (`2026-城关-9999` would make
    /// the next registration `…-10000`), so it has none.
    pub fn number_place(&self) -> Option<(i64, i64)> {
        if self.imported.as_ref().is_some_and(|o| o.key == crate::import::sheet_number_key(&self.number)) {
            return None;
        }
        let year = self.number.split('-').next().and_then(|y| y.parse().ok()).unwrap_or(0);
        let seq = self.number.rsplit('-').next().and_then(|s| s.parse().ok()).unwrap_or(0);
        Some((year, seq))
    }

    /// Starts the aggregate from its registration or import event.
    pub fn from_registration(body: &EventBody, meta: &EventMeta) -> Option<Problem> {
        if let EventBody::ProblemImported { number, township_id, terms, row } = body {
            return Some(Problem::from_import(number, township_id, terms.as_ref(), row, meta));
        }
        let EventBody::ProblemRegistered {
            problem_id,
            number,
            enterprise_id,
            township_id,
            visit_id,
            source,
            category,
            description,
            demand,
            raised_on,
            priority,
            responsible_leader,
            ..
        } = body
        else {
            return None;
        };
        Some(Problem {
            id: problem_id.clone(),
            number: number.clone(),
            enterprise_id: enterprise_id.clone(),
            township_id: township_id.clone(),
            visit_id: visit_id.clone(),
            source: *source,
            category: category.clone(),
            description: description.clone(),
            demand: demand.clone(),
            raised_on: *raised_on,
            priority: *priority,
            responsible_leader: responsible_leader.clone(),
            status: Status::Registered,
            registered_at: meta.occurred_at,
            registered_by: meta.actor.clone(),
            assignment: None,
            round_started_at: None,
            signed_at: None,
            resolved_at: None,
            closed_at: None,
            withdrawn_at: None,
            pending_withdrawal: None,
            evaluation: None,
            reopen_count: 0,
            assignments: vec![],
            signs: vec![],
            returns: vec![],
            extensions: vec![],
            urges: vec![],
            resolutions: vec![],
            evaluations: vec![],
            updated_at: meta.occurred_at,
            imported: None,
            documents: Vec::new(),
        })
    }

    /// A problem as an imported sheet row states it (see `crate::import` for what counts).
    /// The sheet's dates place it in time; no sign, resolution or evaluation record is made,
    /// so department figures count only what is done in this ledger.
    fn from_import(
        number: &str,
        township_id: &str,
        terms: Option<&AssignmentTerms>,
        row: &ImportedProblem,
        meta: &EventMeta,
    ) -> Problem {
        let assigned_at = start_of_day(row.assigned_on.unwrap_or(row.raised_on));
        let assignment = terms.map(|t| Assignment::new(t, assigned_at));
        let status = row.status;
        let past_signing = !matches!(status, Status::Registered | Status::Assigned);
        let resolved = matches!(status, Status::Resolved | Status::Closed);
        Problem {
            id: row.problem_id.clone(),
            number: number.to_string(),
            enterprise_id: row.enterprise_id.clone(),
            township_id: township_id.to_string(),
            visit_id: None,
            source: row.source,
            category: row.category.clone(),
            description: row.description.clone(),
            demand: row.demand.clone(),
            raised_on: row.raised_on,
            priority: row.priority,
            responsible_leader: row.responsible_leader.clone(),
            status,
            registered_at: start_of_day(row.raised_on),
            registered_by: meta.actor.clone(),
            round_started_at: assignment.as_ref().map(|_| assigned_at),
            signed_at: if past_signing && assignment.is_some() {
                Some(start_of_day(row.signed_on.unwrap_or(row.assigned_on.unwrap_or(row.raised_on))))
            } else {
                None
            },
            assignment,
            resolved_at: if resolved { row.resolved_on.or(row.closed_on).map(start_of_day) } else { None },
            closed_at: if status == Status::Closed {
                Some(start_of_day(row.closed_on.unwrap_or(meta.local_date())))
            } else {
                None
            },
            withdrawn_at: (status == Status::Withdrawn).then_some(meta.occurred_at),
            pending_withdrawal: None,
            evaluation: row.satisfaction.filter(|s| resolved && s.is_positive()),
            reopen_count: 0,
            assignments: vec![],
            signs: vec![],
            returns: vec![],
            extensions: vec![],
            urges: vec![],
            resolutions: vec![],
            evaluations: vec![],
            updated_at: meta.occurred_at,
            imported: Some(row.origin.clone()),
            documents: Vec::new(),
        }
    }

    pub fn lead_unit_id(&self) -> Option<&str> {
        self.assignment.as_ref().map(|a| a.lead_unit_id.as_str())
    }

    pub fn supporter(&self, unit_id: &str) -> Option<&Supporter> {
        self.assignment.as_ref()?.supporters.iter().find(|s| s.unit_id == unit_id)
    }

    pub fn pending_extension(&self) -> Option<&ExtensionRecord> {
        self.extensions.last().filter(|e| e.approved.is_none() && !e.lapsed)
    }

    pub fn pending_return(&self) -> Option<&ReturnRecord> {
        self.returns.last().filter(|r| r.upheld.is_none())
    }

    /// Once the office has ruled on a return, no unit may object again (domain-notes).
    pub fn return_ruled(&self) -> bool {
        self.returns.iter().any(|r| r.upheld.is_some())
    }

    fn set_assignment(&mut self, terms: &AssignmentTerms, at: DateTime<Utc>, reassigned: bool) {
        self.assignment = Some(Assignment::new(terms, at));
        self.assignments.push(AssignmentRecord {
            at,
            lead_unit_id: terms.lead_unit_id.clone(),
            reassigned,
            supporters: terms.supporters.clone(),
        });
        self.round_started_at = Some(at);
        self.signed_at = None;
        self.status = Status::Assigned;
    }

    /// Folds one event into the aggregate. Events were validated when decided, so this never
    /// refuses; an event for another problem or of another kind leaves the state as it is.
    pub fn apply(&mut self, body: &EventBody, meta: &EventMeta) {
        use EventBody::*;
        if body.problem_id() != Some(self.id.as_str()) {
            return;
        }
        let at = meta.occurred_at;
        let today = meta.local_date();
        match body {
            ProblemRegistered { .. } | ProblemImported { .. } => {}
            ResolvedLocally { result_text, .. } => {
                self.status = Status::Resolved;
                self.resolved_at = Some(at);
                self.evaluation = None;
                self.resolutions.push(ResolutionRecord {
                    at,
                    unit_id: None,
                    result_type: ResultType::Solved,
                    result_text: result_text.clone(),
                    explanation: String::new(),
                    deadline: None,
                    started_at: self.round_started_at.unwrap_or(self.registered_at),
                    on_time: true,
                });
            }
            Assigned { terms, .. } => self.set_assignment(terms, at, false),
            Reassigned { terms, .. } => {
                if let Some(r) = self.returns.last_mut().filter(|r| r.upheld.is_none()) {
                    r.upheld = Some(false);
                    r.ruled_at = Some(at);
                }
                self.set_assignment(terms, at, true);
            }
            Signed { unit_id, handler, .. } => {
                if let Some(a) = self.assignment.as_mut() {
                    if !handler.is_empty() {
                        a.handler = handler.clone();
                    }
                    self.signs.push(SignRecord {
                        at,
                        unit_id: unit_id.clone(),
                        sign_deadline: a.sign_deadline,
                        on_time: today <= a.sign_deadline,
                    });
                }
                self.signed_at = Some(at);
                self.status = Status::InProgress;
            }
            SupportAcknowledged { unit_id, .. } => {
                if let Some(s) = self.supporter_mut(unit_id) {
                    s.acknowledged_at = Some(at);
                }
            }
            Returned { unit_id, reason, proposed_unit_id, .. } => {
                self.returns.push(ReturnRecord {
                    at,
                    unit_id: unit_id.clone(),
                    reason: reason.clone(),
                    proposed_unit_id: proposed_unit_id.clone(),
                    upheld: None,
                    ruled_at: None,
                });
                self.status = Status::Disputed;
            }
            ReturnUpheld { sign_deadline, .. } => {
                if let Some(r) = self.returns.last_mut().filter(|r| r.upheld.is_none()) {
                    r.upheld = Some(true);
                    r.ruled_at = Some(at);
                }
                // The handling deadline does NOT move (docs/design.md §4); only signing gets a fresh day.
                if let Some(a) = self.assignment.as_mut() {
                    a.sign_deadline = *sign_deadline;
                }
                self.status = Status::Assigned;
            }
            ProgressNoted { .. } | Instructed { .. } => {}
            DocumentIssued { kind, round, year, seq, series, number, .. } => self.documents.push(IssuedDocument {
                kind: *kind,
                round: *round,
                number: number.clone(),
                year: *year,
                seq: *seq,
                series: series.clone(),
                issued_at: at,
                issued_by: meta.actor.clone(),
            }),
            OpinionSubmitted { unit_id, opinion, .. } => {
                if let Some(s) = self.supporter_mut(unit_id) {
                    s.opinion = Some(opinion.clone());
                    s.opinion_at = Some(at);
                    s.acknowledged_at.get_or_insert(at);
                }
            }
            OpinionWaived { unit_id, reason, .. } => {
                if let Some(s) = self.supporter_mut(unit_id) {
                    s.waived_reason = Some(reason.clone());
                }
            }
            ExtensionRequested { unit_id, new_deadline, reason, .. } => {
                let old = self.assignment.as_ref().map(|a| a.handling_deadline).unwrap_or(*new_deadline);
                self.extensions.push(ExtensionRecord {
                    at,
                    unit_id: unit_id.clone(),
                    old_deadline: old,
                    new_deadline: *new_deadline,
                    reason: reason.clone(),
                    approved: None,
                    ruled_at: None,
                    lapsed: false,
                });
            }
            ExtensionRuled { approved, .. } => {
                if let Some(e) = self.extensions.last_mut().filter(|e| e.approved.is_none() && !e.lapsed) {
                    e.approved = Some(*approved);
                    e.ruled_at = Some(at);
                    if *approved {
                        if let Some(a) = self.assignment.as_mut() {
                            a.handling_deadline = e.new_deadline;
                        }
                    }
                }
            }
            Urged { level, notice, .. } => self.urges.push(UrgeRecord { at, level: *level, notice: notice.clone() }),
            Resolved { unit_id, result_type, result_text, explanation, .. } => {
                if let Some(e) = self.extensions.last_mut().filter(|e| e.approved.is_none()) {
                    e.lapsed = true;
                }
                let deadline = self.assignment.as_ref().map(|a| a.handling_deadline);
                self.resolutions.push(ResolutionRecord {
                    at,
                    unit_id: Some(unit_id.clone()),
                    result_type: *result_type,
                    result_text: result_text.clone(),
                    explanation: explanation.clone(),
                    deadline,
                    started_at: self.round_started_at.unwrap_or(at),
                    on_time: deadline.is_none_or(|d| today <= d),
                });
                self.resolved_at = Some(at);
                self.evaluation = None;
                self.status = Status::Resolved;
            }
            Evaluated { satisfaction, comment, reopen_deadline, .. } => {
                let lead = self.resolutions.last().and_then(|r| r.unit_id.clone());
                self.evaluations.push(EvaluationRecord {
                    at,
                    by_user: meta.actor.clone(),
                    lead_unit_id: lead.clone(),
                    satisfaction: *satisfaction,
                    comment: comment.clone(),
                });
                if satisfaction.is_positive() {
                    self.evaluation = Some(*satisfaction);
                } else {
                    // 不满意 reopens (重办): to the same lead with a fresh deadline, or back to the
                    // office for assignment when the township had resolved it itself.
                    self.reopen_count += 1;
                    self.evaluation = None;
                    self.resolved_at = None;
                    self.round_started_at = Some(at);
                    match (self.assignment.as_mut(), reopen_deadline) {
                        (Some(a), Some(d)) if lead.is_some() => {
                            a.handling_deadline = *d;
                            a.original_deadline = *d;
                            self.status = Status::InProgress;
                        }
                        _ => self.status = Status::Registered,
                    }
                }
            }
            Closed { .. } => {
                self.status = Status::Closed;
                self.closed_at = Some(at);
            }
            WithdrawalRequested { reason, .. } => {
                self.pending_withdrawal =
                    Some(PendingRequest { at, by_user: meta.actor.clone(), reason: reason.clone() })
            }
            WithdrawalRuled { approved, .. } => {
                self.pending_withdrawal = None;
                if *approved {
                    self.status = Status::Withdrawn;
                    self.withdrawn_at = Some(at);
                }
            }
            _ => {}
        }
        self.updated_at = at;
    }

    /// Which occasion a document of `kind` would be for now, counted from 1: the current
    /// assignment (交办通知书), the latest urge (督办通知书), the latest resolution by the lead
    /// (办结答复单). `None` while there is nothing to write it about.
    pub fn document_round(&self, kind: DocumentKind) -> Option<u32> {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        match kind {
            // An imported item may hold an assignment without its record.
            DocumentKind::AssignmentNotice => self.assignment.as_ref().map(|_| count(self.assignments.len().max(1))),
            DocumentKind::UrgeNotice => (!self.urges.is_empty()).then(|| count(self.urges.len())),
            DocumentKind::ReplyForm => {
                self.resolutions.last().filter(|r| r.unit_id.is_some()).map(|_| count(self.resolutions.len()))
            }
            // About a period, not a problem.
            DocumentKind::Bulletin => None,
        }
    }

    /// The document of `kind` issued for occasion `round`, if any.
    pub fn document(&self, kind: DocumentKind, round: u32) -> Option<&IssuedDocument> {
        self.documents.iter().find(|d| d.kind == kind && d.round == round)
    }

    fn supporter_mut(&mut self, unit_id: &str) -> Option<&mut Supporter> {
        self.assignment.as_mut()?.supporters.iter_mut().find(|s| s.unit_id == unit_id)
    }
}
