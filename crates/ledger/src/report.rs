//! The periodic report (旬报、月报、季报、年报): one struct holding everything the report
//! workbook and the app's printable view show, so both say the same.
//!
//! Period figures come from the scorecard and `core::figures::category_breakdown`; the overdue
//! list (for a 督办通报) is the open problems overdue at the moment the report is made, with the
//! same lateness the ledger list shows. All of it is read from one snapshot of the file.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use taizhang_core::escalation::lateness;
use taizhang_core::figures::{category_breakdown, CategoryFigures, DepartmentFigures, Summary, TownshipFigures};
use taizhang_core::period::Period;
use taizhang_core::*;

use crate::error::{LedgerError, Result};
use crate::verify::ChainHead;
use crate::{read, Ledger};

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Report {
    pub period: Period,
    pub generated_at: DateTime<Utc>,
    pub district_name: String,
    /// Departments with fewer assignments than this in the period are listed, not ranked.
    pub min_sample: u32,
    pub weights: taizhang_core::settings::ScoreWeights,
    pub summary: Summary,
    /// Ranked departments first, by rank; then the unranked ones by name.
    pub departments: Vec<DepartmentFigures>,
    pub townships: Vec<TownshipFigures>,
    pub categories: Vec<CategoryFigures>,
    /// Open problems overdue now: worst level first, then most days overdue.
    pub overdue: Vec<OverdueItem>,
    /// The chain heads of the file the report was made from.
    pub chain_heads: Vec<ChainHead>,
}

/// One line of the overdue list.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct OverdueItem {
    pub problem_id: Id,
    pub number: String,
    pub enterprise_name: String,
    pub township_name: String,
    pub category: String,
    pub priority: Priority,
    pub lead_unit_name: Option<String>,
    pub status: Status,
    pub sign_deadline: Option<NaiveDate>,
    pub handling_deadline: Option<NaiveDate>,
    /// Still unsigned after the sign deadline.
    pub sign_overdue: bool,
    /// Open after the approved handling deadline.
    pub handling_overdue: bool,
    /// Working days past the handling deadline, or past the sign deadline when only signing
    /// is late.
    #[ts(type = "number")]
    pub days_overdue: i64,
    pub level: Escalation,
    pub urge_count: u32,
}

impl Ledger {
    /// The report for `period`, made at `now`.
    pub fn report(&self, period: &Period, now: DateTime<Utc>) -> Result<Report> {
        // One snapshot: the figures, the overdue list and the chain heads describe the same file.
        let _snapshot = self.conn.unchecked_transaction().map_err(LedgerError::from)?;
        let problems = read::all_problems(&self.conn)?;
        let card = self.scorecard_of(&problems, period, now)?;
        let (calendar, settings) = self.context_parts()?;
        let units = self.cached().unit_names()?;
        let name = |id: &str| units.get(id).cloned().unwrap_or_else(|| id.to_string());
        let enterprises: std::collections::HashMap<String, String> =
            read::all_enterprises(&self.conn)?.into_iter().map(|e| (e.id, e.name)).collect();
        let today = local_date(now);

        let mut overdue: Vec<OverdueItem> = problems
            .iter()
            .filter_map(|p| {
                let late = lateness(p, today, &calendar, &settings);
                if !(late.sign_overdue || late.handling_overdue) {
                    return None;
                }
                let a = p.assignment.as_ref()?;
                let days_overdue = if late.handling_overdue {
                    late.days_overdue
                } else {
                    calendar.working_days_between(a.sign_deadline, today)
                };
                Some(OverdueItem {
                    problem_id: p.id.clone(),
                    number: p.number.clone(),
                    enterprise_name: enterprises.get(&p.enterprise_id).cloned().unwrap_or_default(),
                    township_name: name(&p.township_id),
                    category: p.category.clone(),
                    priority: p.priority,
                    lead_unit_name: Some(name(&a.lead_unit_id)),
                    status: p.status,
                    sign_deadline: Some(a.sign_deadline),
                    handling_deadline: Some(a.handling_deadline),
                    sign_overdue: late.sign_overdue,
                    handling_overdue: late.handling_overdue,
                    days_overdue,
                    level: late.level,
                    urge_count: p.urges.len() as u32,
                })
            })
            .collect();
        overdue.sort_by(|a, b| {
            b.level
                .cmp(&a.level)
                .then(b.days_overdue.cmp(&a.days_overdue))
                .then(a.handling_deadline.cmp(&b.handling_deadline))
                .then(a.number.cmp(&b.number))
        });

        Ok(Report {
            categories: category_breakdown(&problems, period, now, &calendar, &settings),
            chain_heads: self.chain_heads()?,
            period: card.period,
            generated_at: card.generated_at,
            district_name: settings.district_name.clone(),
            min_sample: card.min_sample,
            weights: settings.weights.clone(),
            summary: card.summary,
            departments: card.departments,
            townships: card.townships,
            overdue,
        })
    }
}
