//! What a printed document says, assembled from its problem: the heading (district, kind,
//! number), whom it is sent and copied to, the rows of its body, the issuing office and the
//! date (docs/documents.md). Pure: the window lays it out for A4 and labels each row from
//! the i18n catalogue (`documents.field.*`), so no wording is fixed here.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::document::{DocumentKind, IssuedDocument};
use crate::model::*;
use crate::problem::Problem;
use crate::settings::Settings;

/// One row of a document's body: a field (its key names the label) and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct DocumentRow {
    pub field: String,
    pub value: String,
    /// The catalogue section (`labels.<section>`) `value` is a key of, when it is one
    /// (priority, escalation, result type); `None`: `value` is shown as it is.
    pub label_section: Option<String>,
}

/// A document as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct DocumentBody {
    pub kind: DocumentKind,
    pub number: String,
    pub district: String,
    /// 落款.
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub problem_id: Id,
    pub problem_number: String,
    /// 主送.
    pub addressee: String,
    /// 抄送.
    pub copy_to: Vec<String>,
    pub rows: Vec<DocumentRow>,
}

fn row(field: &str, value: impl Into<String>) -> DocumentRow {
    DocumentRow { field: field.into(), value: value.into(), label_section: None }
}

fn labelled(field: &str, key: &str, section: &str) -> DocumentRow {
    DocumentRow { field: field.into(), value: key.into(), label_section: Some(section.into()) }
}

/// The body of `doc`, a document issued about `p`. `unit_name` names a unit by id; the
/// enterprise is `p`'s (`None` if it is not known here). Empty values are left out.
pub fn document_body(
    p: &Problem,
    doc: &IssuedDocument,
    enterprise: Option<&Enterprise>,
    unit_name: &dyn Fn(&str) -> String,
    settings: &Settings,
) -> DocumentBody {
    let round = doc.round.max(1) as usize - 1;
    let township = unit_name(&p.township_id);
    let enterprise_name = enterprise.map(|e| e.name.clone()).unwrap_or_default();
    let mut rows = vec![row("problem_number", &p.number), row("enterprise", &enterprise_name)];
    if let Some(e) = enterprise {
        rows.push(row("credit_code", e.credit_code.clone().unwrap_or_default()));
        let contact: Vec<&str> = [e.contact.as_str(), e.phone.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
        rows.push(row("contact", contact.join(" ")));
    }
    rows.push(row("township", &township));
    rows.push(row("category", &p.category));
    // The lead and supporters of the assignment this document is about (a reassignment makes
    // a new one); its deadlines when it is the one in force.
    let record = p.assignments.get(round.min(p.assignments.len().saturating_sub(1)));
    let lead_id = match doc.kind {
        DocumentKind::AssignmentNotice => record.map(|r| r.lead_unit_id.clone()),
        _ => None,
    }
    .or_else(|| p.assignment.as_ref().map(|a| a.lead_unit_id.clone()));
    let lead = lead_id.as_deref().map(unit_name).unwrap_or_default();
    let current = p.assignment.as_ref().filter(|a| Some(&a.lead_unit_id) == lead_id.as_ref());
    let supporters: Vec<(String, NaiveDate)> = match (record, current) {
        (_, Some(a)) => a.supporters.iter().map(|s| (unit_name(&s.unit_id), s.sub_deadline)).collect(),
        (Some(r), None) => r.supporters.iter().map(|s| (unit_name(&s.unit_id), s.sub_deadline)).collect(),
        _ => Vec::new(),
    };
    let copy_to: Vec<String>;
    let addressee: String;
    match doc.kind {
        DocumentKind::AssignmentNotice => {
            rows.push(labelled("priority", p.priority.key(), Priority::LABELS));
            rows.push(row("raised_on", p.raised_on.to_string()));
            rows.push(row("description", &p.description));
            rows.push(row("demand", &p.demand));
            rows.push(row("responsible_leader", &p.responsible_leader));
            rows.push(row("lead", &lead));
            let with_dates = supporters.iter().map(|(n, d)| format!("{n} {d}"));
            rows.push(row("supporters", with_dates.collect::<Vec<_>>().join("；")));
            if let Some(a) = current {
                rows.push(row("sign_deadline", a.sign_deadline.to_string()));
                rows.push(row("objection_deadline", a.objection_deadline.to_string()));
                rows.push(row("handling_deadline", a.original_deadline.to_string()));
            }
            addressee = lead.clone();
            copy_to = supporters.into_iter().map(|(n, _)| n).collect();
        }
        DocumentKind::UrgeNotice => {
            rows.push(row("description", &p.description));
            rows.push(row("demand", &p.demand));
            rows.push(row("lead", &lead));
            if let Some(a) = &p.assignment {
                rows.push(row("assigned_on", local_date(a.assigned_at).to_string()));
                rows.push(row("handling_deadline", a.handling_deadline.to_string()));
            }
            if let Some(u) = p.urges.get(round) {
                rows.push(row("urged_on", local_date(u.at).to_string()));
                rows.push(labelled("urge_level", u.level.key(), Escalation::LABELS));
                rows.push(row("urge_notice", &u.notice));
            }
            addressee = lead.clone();
            copy_to = supporters.into_iter().map(|(n, _)| n).collect();
        }
        DocumentKind::ReplyForm | DocumentKind::Bulletin => {
            rows.push(row("description", &p.description));
            rows.push(row("demand", &p.demand));
            rows.push(row("lead", &lead));
            if let Some(r) = p.resolutions.get(round) {
                rows.push(row("resolved_on", local_date(r.at).to_string()));
                rows.push(labelled("result_type", r.result_type.key(), ResultType::LABELS));
                rows.push(row("result_text", &r.result_text));
                rows.push(row("explanation", &r.explanation));
            }
            // The answer goes to the enterprise, through its township (which calls it back).
            addressee = enterprise_name;
            copy_to = vec![township];
        }
    }
    rows.retain(|r| !r.value.trim().is_empty());
    DocumentBody {
        kind: doc.kind,
        number: doc.number.clone(),
        district: settings.district_name.clone(),
        issuer: settings.documents.issuer.clone(),
        issued_on: local_date(doc.issued_at),
        problem_id: p.id.clone(),
        problem_number: p.number.clone(),
        addressee,
        copy_to: copy_to.into_iter().filter(|c| !c.is_empty()).collect(),
        rows,
    }
}

/// The body of the document of `kind` issued for `p`'s current occasion, or the latest one
/// issued of that kind; `None` if none is.
pub fn document_body_for(
    p: &Problem,
    kind: DocumentKind,
    enterprise: Option<&Enterprise>,
    unit_name: &dyn Fn(&str) -> String,
    settings: &Settings,
) -> Option<DocumentBody> {
    let doc = p
        .document_round(kind)
        .and_then(|round| p.document(kind, round))
        .or_else(|| p.documents.iter().rev().find(|d| d.kind == kind))?;
    Some(document_body(p, doc, enterprise, unit_name, settings))
}
