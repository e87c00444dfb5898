//! The periodic report (旬报、月报、季报、年报): one struct holding everything the report
//! workbook and the app's printable view show, so both say the same.
//!
//! Period figures come from the scorecard and `core::figures::category_breakdown_from`, both
//! over the `figure_counts` projection; the overdue list (for a 督办通报) is the open problems
//! overdue at the moment the report is made, with the same lateness the ledger list shows
//! (`lateness_of` over their columns). All of it is read from one snapshot of the file.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use taizhang_core::escalation::{escalation_cutoffs, lateness_of};
use taizhang_core::figures::{category_breakdown_from, CategoryFigures, DepartmentFigures, Summary, TownshipFigures};
use taizhang_core::period::Period;
use taizhang_core::*;

use crate::error::{LedgerError, Result};
use crate::verify::ChainHead;
use crate::{figure_counts, read, Ledger};

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Report {
    pub period: Period,
    pub generated_at: DateTime<Utc>,
    pub district_name: String,
    /// The issuing office, as documents are signed (`Settings::documents.issuer`): the 通报's
    /// heading and 落款.
    pub issuer: String,
    /// The 通报's issue number (期号), once the office has issued one for this period
    /// (`IssueBulletin`); printing again shows the same.
    pub bulletin_number: Option<String>,
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
    /// The issue number (期号) of the 通报 of a report period, if the office issued one.
    pub fn bulletin_number(&self, period: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached("SELECT number FROM documents WHERE period = ?1 LIMIT 1")?
            .query_row([period], |r| r.get(0))
            .optional()?)
    }

    /// The report for `period`, made at `now`: the period's figure counts, the open problems'
    /// columns and the overdue ones' rows; no aggregate is read.
    pub fn report(&self, period: &Period, now: DateTime<Utc>) -> Result<Report> {
        // One snapshot: the figures, the overdue list and the chain heads describe the same file.
        let _snapshot = self.conn.unchecked_transaction().map_err(LedgerError::from)?;
        let tallies = figure_counts::period_tallies(&self.conn, period.start, period.end)?;
        let open = figure_counts::now_facts(&self.conn)?;
        let card = self.scorecard_from_parts(&tallies, &open, period, now)?;
        let (calendar, settings) = self.context_parts()?;
        let units = self.cached().unit_names()?;
        let name = |id: &str| units.get(id).cloned().unwrap_or_else(|| id.to_string());
        let cut = escalation_cutoffs(local_date(now), &calendar, &settings);
        let today = cut.today;

        let mut overdue: Vec<OverdueItem> = Vec::new();
        let mut st = self.conn.prepare(&format!(
            "SELECT p.id, p.number, e.name, p.township_id, p.category, p.priority, p.lead_unit_id, p.status,
                    p.sign_deadline, p.handling_deadline, p.urge_level, p.urge_count
               FROM problems p JOIN enterprises e ON e.id = p.enterprise_id
              WHERE p.status IN ({})",
            figure_counts::status_keys(Status::clock_runs)
        ))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let status = read::parse_enum(r.get(7)?, Status::parse)?;
            let (sign_deadline, handling_deadline) = (read::opt_date(r, 8)?, read::opt_date(r, 9)?);
            let urge_count: u32 = r.get(11)?;
            let clock = read::clock_facts(status, sign_deadline, handling_deadline, r.get(10)?, urge_count);
            let late = lateness_of(clock.as_ref(), &calendar, &cut);
            let (Some(clock), true) = (clock, late.sign_overdue || late.handling_overdue) else { continue };
            let days_overdue = if late.handling_overdue {
                late.days_overdue
            } else {
                calendar.working_days_between(clock.sign_deadline, today)
            };
            let lead: Option<String> = r.get(6)?;
            overdue.push(OverdueItem {
                problem_id: r.get(0)?,
                number: r.get(1)?,
                enterprise_name: r.get(2)?,
                township_name: name(&r.get::<_, String>(3)?),
                category: r.get(4)?,
                priority: read::parse_enum(r.get(5)?, Priority::parse)?,
                lead_unit_name: lead.as_deref().map(name),
                status,
                sign_deadline: Some(clock.sign_deadline),
                handling_deadline: Some(clock.handling_deadline),
                sign_overdue: late.sign_overdue,
                handling_overdue: late.handling_overdue,
                days_overdue,
                level: late.level,
                urge_count,
            });
        }
        overdue.sort_by(|a, b| {
            b.level
                .cmp(&a.level)
                .then(b.days_overdue.cmp(&a.days_overdue))
                .then(a.handling_deadline.cmp(&b.handling_deadline))
                .then(a.number.cmp(&b.number))
        });

        let bulletin_number = self.bulletin_number(&card.period.key)?;
        Ok(Report {
            categories: category_breakdown_from(&tallies, &open, now, &calendar, &settings),
            chain_heads: self.chain_heads()?,
            period: card.period,
            generated_at: card.generated_at,
            district_name: settings.district_name.clone(),
            issuer: settings.documents.issuer.clone(),
            bulletin_number,
            min_sample: card.min_sample,
            weights: settings.weights.clone(),
            summary: card.summary,
            departments: card.departments,
            townships: card.townships,
            overdue,
        })
    }
}
