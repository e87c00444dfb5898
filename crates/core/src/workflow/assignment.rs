//! The terms of an assignment: the deadlines the calendar and settings suggest, and the terms
//! an assignment request makes of them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::validation::{active_department, not_before_today, text, MAX_SHORT};
use super::world::{Context, World};
use crate::command::AssignRequest;
use crate::error::DomainError;
use crate::event::{AssignmentTerms, SupporterTerms};
use crate::problem::Problem;

/// The deadlines an assignment made today would get from the calendar and settings, before
/// any override. The office console shows these as suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SuggestedDeadlines {
    pub sign_deadline: NaiveDate,
    pub objection_deadline: NaiveDate,
    pub supporter_deadline: NaiveDate,
    pub handling_deadline: NaiveDate,
    pub handling_days: u32,
}

pub fn suggested_deadlines(p: &Problem, ctx: &Context) -> SuggestedDeadlines {
    let today = ctx.today();
    let cal = ctx.calendar;
    let st = ctx.settings;
    let handling_days = st.handling_days(p.priority, &p.category);
    SuggestedDeadlines {
        sign_deadline: cal.add_working_days(today, st.sign_days),
        objection_deadline: cal.add_working_days(today, st.objection_days),
        supporter_deadline: cal.add_working_days(today, st.supporter_days),
        handling_deadline: cal.add_working_days(today, handling_days),
        handling_days,
    }
}

/// Deadlines come from the calendar and settings; any may be overridden, never into the past.
pub(crate) fn assignment_terms(
    req: &AssignRequest,
    p: &Problem,
    ctx: &Context,
    world: &dyn World,
) -> Result<AssignmentTerms, DomainError> {
    let today = ctx.today();
    let suggested = suggested_deadlines(p, ctx);
    active_department(world, &req.lead_unit_id)?;
    let mut supporters = Vec::new();
    for s in &req.supporters {
        if s.unit_id == req.lead_unit_id {
            return Err(DomainError::SupporterIsLead);
        }
        let unit = active_department(world, &s.unit_id)?;
        if supporters.iter().any(|x: &SupporterTerms| x.unit_id == s.unit_id) {
            return Err(DomainError::DuplicateSupporter { unit: unit.name });
        }
        let sub_deadline = match s.sub_deadline {
            Some(d) => not_before_today(d, today)?,
            None => suggested.supporter_deadline,
        };
        supporters.push(SupporterTerms { unit_id: s.unit_id.clone(), sub_deadline });
    }
    let sign_deadline = match req.sign_deadline {
        Some(d) => not_before_today(d, today)?,
        None => suggested.sign_deadline,
    };
    let handling_deadline = match req.handling_deadline {
        Some(d) => not_before_today(d, today)?,
        None => suggested.handling_deadline,
    };
    Ok(AssignmentTerms {
        lead_unit_id: req.lead_unit_id.clone(),
        handler: text("handler", &req.handler, false, MAX_SHORT)?,
        supporters,
        sign_deadline,
        objection_deadline: suggested.objection_deadline,
        handling_deadline,
    })
}
