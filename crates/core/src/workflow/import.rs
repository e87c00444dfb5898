//! Deciding one row of an imported sheet (`ImportProblem`); the row's types and the sheet's
//! status rules are `crate::import`'s.

use chrono::Datelike;

use super::numbering::next_number;
use super::permissions::require_office;
use super::validation::{active_department, text, MAX_SHORT, MAX_TEXT};
use super::world::{Context, World};
use crate::error::DomainError;
use crate::event::{AssignmentTerms, EventBody, SupporterTerms};
use crate::import::{sheet_number_key, ImportedProblem};
use crate::model::*;

/// Decides one imported row: the office only; every id must name what it claims; the row must
/// not already be in the ledger; dates may not lie in the future; the status must fit the facts.
pub(crate) fn decide_import(
    row: &ImportedProblem,
    actor: &Actor,
    ctx: &Context,
    world: &dyn World,
) -> Result<Vec<EventBody>, DomainError> {
    require_office(actor, "import")?;
    let today = ctx.today();
    if world.problem(&row.problem_id).is_some() {
        return Err(DomainError::Duplicate { field: "problem_id".into(), value: row.problem_id.clone() });
    }
    let sheet_number = match row.number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Some(text("number", n, true, 60)?),
        None => None,
    };
    // A numbered row is known by its number on a later import; the key says so in a form
    // the projection can read back (`Problem::number_place`).
    let key = match &sheet_number {
        Some(n) => sheet_number_key(n),
        None => text("import_key", &row.origin.key, true, MAX_SHORT)?,
    };
    if world.problem_id_by_import_key(&key).is_some() {
        return Err(DomainError::Duplicate { field: "import_key".into(), value: key });
    }
    let enterprise =
        world.enterprise(&row.enterprise_id).ok_or_else(|| DomainError::not_found("enterprise", &row.enterprise_id))?;
    let township =
        world.unit(&enterprise.township_id).ok_or_else(|| DomainError::not_found("unit", &enterprise.township_id))?;
    let category = text("category", &row.category, true, MAX_SHORT)?;
    if !ctx.settings.categories.contains(&category) {
        return Err(DomainError::invalid("category", &format!("not in the category list: {category}")));
    }
    for (field, d) in [
        ("raised_on", Some(row.raised_on)),
        ("assigned_on", row.assigned_on),
        ("signed_on", row.signed_on),
        ("resolved_on", row.resolved_on),
        ("closed_on", row.closed_on),
    ] {
        if d.is_some_and(|d| d > today) {
            return Err(DomainError::invalid(field, "cannot be in the future"));
        }
    }
    // The sheet's own number is kept as the problem's identity but takes no place in the
    // ledger's sequence (docs/import.md); a row without one is numbered like a registration,
    // in the year it was raised.
    let number = match sheet_number {
        Some(n) => {
            if world.problem_id_by_number(&n).is_some() {
                return Err(DomainError::Duplicate { field: "number".into(), value: n });
            }
            n
        }
        None => next_number(world, row.raised_on.year(), &township),
    };
    let open = row.status.is_open() && row.status != Status::Resolved;
    let terms = match &row.lead_unit_id {
        None => {
            if matches!(row.status, Status::Assigned | Status::InProgress | Status::Disputed) {
                return Err(DomainError::invalid("lead_unit_id", "an assigned item needs a lead unit"));
            }
            if !row.supporter_unit_ids.is_empty() {
                return Err(DomainError::invalid("supporter_unit_ids", "supporting units need a lead unit"));
            }
            None
        }
        Some(lead) => {
            active_department(world, lead)?;
            let cal = ctx.calendar;
            let st = ctx.settings;
            let assigned_on = row.assigned_on.unwrap_or(row.raised_on);
            // The sheet cannot say when a department would have had to sign or give its part;
            // for items still open here, those clocks start at the import.
            let clock_from = if open { today } else { assigned_on };
            let mut supporters: Vec<SupporterTerms> = Vec::new();
            for s in &row.supporter_unit_ids {
                if s == lead {
                    return Err(DomainError::SupporterIsLead);
                }
                let unit = active_department(world, s)?;
                if supporters.iter().any(|x| &x.unit_id == s) {
                    return Err(DomainError::DuplicateSupporter { unit: unit.name });
                }
                supporters.push(SupporterTerms {
                    unit_id: s.clone(),
                    sub_deadline: cal.add_working_days(clock_from, st.supporter_days),
                });
            }
            let handling_deadline = row
                .handling_deadline
                .unwrap_or_else(|| cal.add_working_days(assigned_on, st.handling_days(row.priority, &category)));
            Some(AssignmentTerms {
                lead_unit_id: lead.clone(),
                handler: text("handler", &row.handler, false, MAX_SHORT)?,
                supporters,
                sign_deadline: cal.add_working_days(clock_from, st.sign_days),
                objection_deadline: cal.add_working_days(clock_from, st.objection_days),
                handling_deadline,
            })
        }
    };
    if row.status == Status::Disputed {
        return Err(DomainError::invalid(
            "status",
            "an import cannot state a pending return; the office rules on returns here",
        ));
    }
    let mut row = row.clone();
    row.number = Some(number.clone());
    row.origin.key = key;
    row.category = category;
    row.description = text("description", &row.description, true, MAX_TEXT)?;
    row.demand = text("demand", &row.demand, false, MAX_TEXT)?;
    row.responsible_leader = text("responsible_leader", &row.responsible_leader, false, MAX_SHORT)?;
    row.progress = text("progress", &row.progress, false, MAX_TEXT)?;
    row.result_text = text("result_text", &row.result_text, false, MAX_TEXT)?;
    row.origin.file = text("file", &row.origin.file, false, MAX_SHORT)?;
    row.origin.sheet = text("sheet", &row.origin.sheet, false, MAX_SHORT)?;
    Ok(vec![EventBody::ProblemImported { number, township_id: township.id, terms, row: Box::new(row) }])
}
