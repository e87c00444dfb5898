//! 一企一档: what the enterprise page shows of one enterprise in one read. Its profile, its
//! visits (newest first) each with the problems raised at it, its problems as the ledger list
//! shows them (status, lead department, deadline and lateness from the same core rules), and
//! for a key enterprise its monitoring: the recent months' indicator figures, the latest 旬报
//! and its warnings. Nothing is computed here that the list, the monitoring reports or the
//! warnings board do not compute the same way; this arranges their readers around one
//! enterprise and applies the viewer's scope (a township official sees only their own).

use chrono::{DateTime, Utc};
use serde::Serialize;
use taizhang_core::monitoring::monthly::{enterprise_figures, product_sales_rate, IndicatorFigures};
use taizhang_core::monitoring::{IndicatorDef, Month, ProductionReport};
use taizhang_core::*;

use crate::error::Result;
use crate::monitoring_board::{WarningFilter, WarningRow};
use crate::queries::{PageRequest, ProblemFilter, ProblemRow, Sort, SortKey};
use crate::read;
use crate::Ledger;

/// How many months of indicator figures a key enterprise's page shows, newest first.
pub const FILE_MONTHS: u32 = 6;
/// How many 旬报 a key enterprise's page shows, newest first.
pub const FILE_PRODUCTION: usize = 6;
/// The most problems one page lists (newest first); `problems_total` says how many there are.
pub const FILE_PROBLEMS: u64 = 500;

/// A problem raised at a visit, as the visit's line names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RaisedProblem {
    pub problem_id: Id,
    pub number: String,
    pub description: String,
    pub status: Status,
}

/// A visit with the problems registered from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct VisitOfFile {
    pub visit: Visit,
    pub problems: Vec<RaisedProblem>,
}

/// One month of a key enterprise's indicator report.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FileMonth {
    pub month: Month,
    pub reported: bool,
    pub late: bool,
    /// In the order of `FileMonitoring::indicators` (同比 and 1—本月累计 by the core).
    pub figures: Vec<IndicatorFigures>,
    /// 产品销售率, percent.
    pub sales_rate: Option<f64>,
}

/// A key enterprise's monitoring, as the monitoring pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FileMonitoring {
    pub indicators: Vec<IndicatorDef>,
    /// The `FILE_MONTHS` months before the current one, newest first.
    pub months: Vec<FileMonth>,
    /// Its latest 旬报, newest first.
    pub production: Vec<ProductionReport>,
    /// Its warnings, raised and missing reports, open and highest first (the warnings board's
    /// order).
    pub warnings: Vec<WarningRow>,
}

/// Everything the enterprise page shows.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct EnterpriseFile {
    pub enterprise: Enterprise,
    pub township_name: String,
    pub visits: Vec<VisitOfFile>,
    /// Newest first, at most `FILE_PROBLEMS`.
    pub problems: Vec<ProblemRow>,
    #[ts(type = "number")]
    pub problems_total: u64,
    /// For a key enterprise (区级 or 镇级重点) only.
    pub monitoring: Option<FileMonitoring>,
}

impl Ledger {
    /// The visits of an enterprise, newest first, each with the problems registered from it
    /// (in number order). The visit import asks it too, to know a visit already recorded.
    pub fn visits_of(&self, enterprise_id: &str) -> Result<Vec<VisitOfFile>> {
        let visits = self.visits_of_enterprise(enterprise_id)?;
        let mut st = self.conn.prepare_cached(
            "SELECT visit_id, id, number, description, status FROM problems
             WHERE enterprise_id = ?1 AND visit_id IS NOT NULL ORDER BY number_year, number_seq, number",
        )?;
        let mut rows = st.query([enterprise_id])?;
        let mut raised: Vec<(Id, RaisedProblem)> = Vec::new();
        while let Some(r) = rows.next()? {
            raised.push((
                r.get(0)?,
                RaisedProblem {
                    problem_id: r.get(1)?,
                    number: r.get(2)?,
                    description: r.get(3)?,
                    status: read::parse_enum(r.get(4)?, Status::parse)?,
                },
            ));
        }
        Ok(visits
            .into_iter()
            .map(|visit| {
                let problems = raised.iter().filter(|(v, _)| *v == visit.id).map(|(_, p)| p.clone()).collect();
                VisitOfFile { visit, problems }
            })
            .collect())
    }

    /// 一企一档 of the enterprise `id` (its id, credit code or exact name) as of `now`. With
    /// `township_id` (a township official's scope, `visit_scope`), an enterprise of another
    /// township is refused as the core refuses acting on it (`enterprise.wrong_township`).
    pub fn enterprise_file(&self, id: &str, township_id: Option<&str>, now: DateTime<Utc>) -> Result<EnterpriseFile> {
        let enterprise = self.find_enterprise(id)?.ok_or_else(|| DomainError::not_found("enterprise", id))?;
        if township_id.is_some_and(|t| t != enterprise.township_id) {
            return Err(DomainError::WrongTownship.into());
        }
        let township_name = self
            .cached()
            .units()?
            .iter()
            .find(|u| u.id == enterprise.township_id)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        let filter = ProblemFilter { enterprise_id: Some(enterprise.id.clone()), ..Default::default() };
        let page = self.list_problems(
            &filter,
            Sort { key: SortKey::Registered, descending: true },
            PageRequest { offset: 0, limit: FILE_PROBLEMS },
            now,
        )?;
        let monitoring =
            if enterprise.key_level.is_key() { Some(self.file_monitoring(&enterprise, now)?) } else { None };
        Ok(EnterpriseFile {
            visits: self.visits_of(&enterprise.id)?,
            problems: page.rows,
            problems_total: page.total,
            monitoring,
            township_name,
            enterprise,
        })
    }

    fn file_monitoring(&self, enterprise: &Enterprise, now: DateTime<Utc>) -> Result<FileMonitoring> {
        let settings = self.cached().settings()?;
        let m = &settings.monitoring;
        let last = Month::of(local_date(now)).previous();
        let mut first = last;
        for _ in 1..FILE_MONTHS {
            first = first.previous();
        }
        // A year before the first month too: 同比 and the cumulative need last year's reports.
        let reports = self.indicator_reports_between(Month { year: first.year - 1, month: 1 }, last)?;
        let reports = reports.get(&enterprise.id).cloned().unwrap_or_default();
        let mut months = Vec::new();
        let mut month = last;
        for _ in 0..FILE_MONTHS {
            let this = reports.iter().find(|r| r.month == month);
            let figures = enterprise_figures(&m.indicators, month, &reports, m.schedule.january_exempt);
            months.push(FileMonth {
                month,
                reported: this.is_some(),
                late: this.is_some_and(|r| r.late),
                sales_rate: product_sales_rate(&figures),
                figures,
            });
            month = month.previous();
        }
        let mut st = self.conn.prepare_cached(
            "SELECT body FROM production_reports WHERE enterprise_id = ?1
             ORDER BY month DESC, CASE xun WHEN 'first' THEN 1 WHEN 'second' THEN 2 ELSE 3 END DESC LIMIT ?2",
        )?;
        let production = st
            .query_map(rusqlite::params![enterprise.id, FILE_PRODUCTION as i64], |r| r.get::<_, String>(0))?
            .map(|body| Ok(serde_json::from_str::<ProductionReport>(&body?)?))
            .collect::<Result<Vec<_>>>()?;
        let filter = WarningFilter { township_id: Some(enterprise.township_id.clone()), ..Default::default() };
        let mut warnings = self.warnings(&filter, now)?;
        warnings.retain(|w| w.subject_id == enterprise.id);
        Ok(FileMonitoring { indicators: m.indicators.clone(), months, production, warnings })
    }
}
