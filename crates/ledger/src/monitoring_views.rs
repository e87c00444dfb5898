//! What the monitoring screens, sheets and the CLI show of the key enterprises: the monthly
//! indicator report of a month (each enterprise, each township, the district; who did not
//! report), an enterprise's indicator over 24 months beside last year's, and the 旬报 summary.
//! The arithmetic is the core's (`monitoring::monthly`); this reads the reports and arranges.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use taizhang_core::monitoring::indicators::sales_rate;
use taizhang_core::monitoring::monthly::{enterprise_figures, product_sales_rate, total_figures, IndicatorFigures};
use taizhang_core::monitoring::*;
use taizhang_core::{local_date, Id, KeyLevel};

use crate::error::Result;
use crate::read::parse_enum;
use crate::Ledger;

/// A key enterprise as the monitoring lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct KeyEnterprise {
    pub enterprise_id: Id,
    pub name: String,
    pub township_id: Id,
    pub township_name: String,
    pub key_level: KeyLevel,
    pub paired_leader: String,
    pub steward: String,
}

/// One enterprise's line of the monthly report.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MonthlyRow {
    pub enterprise: KeyEnterprise,
    pub reported: bool,
    pub late: bool,
    pub reported_at: Option<String>,
    pub note: String,
    /// The report as entered (empty when none is in): an entry grid shows these, never a
    /// cumulative the ledger summed, so saving the row again enters only what was entered.
    pub entries: Vec<IndicatorEntry>,
    /// In the order of `MonthlyReport::indicators`.
    pub figures: Vec<IndicatorFigures>,
    /// 产品销售率, percent.
    pub sales_rate: Option<f64>,
}

/// A township's (or the district's) sum, with who did not report, by name.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MonthlyTotal {
    /// `None`: the district.
    pub township_id: Option<Id>,
    pub name: String,
    pub enterprises: u32,
    pub reported: u32,
    pub not_reported: Vec<String>,
    pub figures: Vec<IndicatorFigures>,
    pub sales_rate: Option<f64>,
}

/// 重点企业主要经济指标月报 of one month.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MonthlyReport {
    pub month: Month,
    /// `None`: the month is exempt (January, when the district says so).
    pub due: Option<NaiveDate>,
    pub locks_after: NaiveDate,
    pub locked: bool,
    pub indicators: Vec<IndicatorDef>,
    pub rows: Vec<MonthlyRow>,
    /// Each township, in the order of the units, then the district.
    pub totals: Vec<MonthlyTotal>,
}

/// One month of an enterprise's indicator and the same month a year before.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SeriesPoint {
    pub month: Month,
    pub value: Option<Amount>,
    pub last_year: Option<Amount>,
    pub yoy: Option<f64>,
}

/// One product line of the 旬报 summary, with the year's cumulative through this 旬.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProductionRow {
    pub enterprise: KeyEnterprise,
    pub line: ProductLine,
    /// 产销率 of the 旬, percent.
    pub rate: Option<f64>,
    pub cumulative_output: Amount,
    pub cumulative_sales: Amount,
    pub cumulative_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProductionSummary {
    pub month: Month,
    pub xun: Xun,
    pub due: NaiveDate,
    pub rows: Vec<ProductionRow>,
    /// Key enterprises with no 旬报 for this 旬, by name.
    pub not_reported: Vec<KeyEnterprise>,
}

impl Ledger {
    /// The key enterprises of `township_id` (or all), by township then name.
    pub fn key_enterprises(&self, township_id: Option<&str>) -> Result<Vec<KeyEnterprise>> {
        let mut st = self.conn.prepare_cached(
            "SELECT e.id, e.name, e.township_id, t.name, e.key_level, e.paired_leader, e.steward
             FROM enterprises e JOIN units t ON t.id = e.township_id
             WHERE e.key_level IN ('district', 'town') AND (?1 IS NULL OR e.township_id = ?1)
             ORDER BY t.rowid, e.name",
        )?;
        let rows = st.query_map([township_id], |r| {
            Ok(KeyEnterprise {
                enterprise_id: r.get(0)?,
                name: r.get(1)?,
                township_id: r.get(2)?,
                township_name: r.get(3)?,
                key_level: parse_enum(r.get(4)?, KeyLevel::parse)?,
                paired_leader: r.get(5)?,
                steward: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every indicator report of the months `from..=to`, by enterprise.
    pub(crate) fn indicator_reports_between(
        &self,
        from: Month,
        to: Month,
    ) -> Result<BTreeMap<Id, Vec<IndicatorReport>>> {
        let mut st = self.conn.prepare_cached(
            "SELECT enterprise_id, body FROM indicator_reports WHERE month BETWEEN ?1 AND ?2 ORDER BY month",
        )?;
        let mut rows = st.query([from.to_string(), to.to_string()])?;
        let mut out: BTreeMap<Id, Vec<IndicatorReport>> = BTreeMap::new();
        while let Some(r) = rows.next()? {
            let body: String = r.get(1)?;
            out.entry(r.get(0)?).or_default().push(serde_json::from_str(&body)?);
        }
        Ok(out)
    }

    /// The monthly indicator report of `month` for `township_id` (or the district), as of `now`.
    pub fn monthly_report(&self, month: Month, township_id: Option<&str>, now: DateTime<Utc>) -> Result<MonthlyReport> {
        let settings = self.cached().settings()?;
        let calendar = self.cached().calendar()?;
        let m = &settings.monitoring;
        let enterprises = self.key_enterprises(township_id)?;
        let reports = self.indicator_reports_between(Month { year: month.year - 1, month: 1 }, month)?;
        let meta = self.report_meta("indicator_reports", month)?;
        let empty = Vec::new();
        let rows: Vec<MonthlyRow> = enterprises
            .into_iter()
            .map(|e| {
                let rs = reports.get(&e.enterprise_id).unwrap_or(&empty);
                let this = rs.iter().find(|r| r.month == month);
                let figures = enterprise_figures(&m.indicators, month, rs, m.schedule.january_exempt);
                let at = meta.get(&e.enterprise_id).cloned();
                MonthlyRow {
                    reported: this.is_some(),
                    late: this.is_some_and(|r| r.late),
                    reported_at: at,
                    note: this.map(|r| r.note.clone()).unwrap_or_default(),
                    entries: this.map(|r| r.entries.clone()).unwrap_or_default(),
                    sales_rate: product_sales_rate(&figures),
                    figures,
                    enterprise: e,
                }
            })
            .collect();
        let mut totals = Vec::new();
        let mut townships: Vec<(Id, String)> = Vec::new();
        for r in &rows {
            if !townships.iter().any(|(id, _)| *id == r.enterprise.township_id) {
                townships.push((r.enterprise.township_id.clone(), r.enterprise.township_name.clone()));
            }
        }
        let total_of = |id: Option<Id>, name: String, of: Vec<&MonthlyRow>| {
            let figs: Vec<&[IndicatorFigures]> =
                of.iter().filter(|r| r.reported).map(|r| r.figures.as_slice()).collect();
            let figures = total_figures(&m.indicators, &figs);
            MonthlyTotal {
                township_id: id,
                name,
                enterprises: of.len() as u32,
                reported: of.iter().filter(|r| r.reported).count() as u32,
                not_reported: of.iter().filter(|r| !r.reported).map(|r| r.enterprise.name.clone()).collect(),
                sales_rate: product_sales_rate(&figures),
                figures,
            }
        };
        for (id, name) in townships {
            let of = rows.iter().filter(|r| r.enterprise.township_id == id).collect();
            totals.push(total_of(Some(id), name, of));
        }
        if township_id.is_none() {
            totals.push(total_of(None, settings.district_name.clone(), rows.iter().collect()));
        }
        let next = month.next();
        let locks_after = NaiveDate::from_ymd_opt(next.year, next.month, m.lock_day.clamp(1, 28)).expect("day 1..=28");
        Ok(MonthlyReport {
            month,
            due: m.schedule.monthly_due(month, &calendar),
            locks_after,
            locked: m.locked(month, local_date(now)),
            indicators: m.indicators.clone(),
            rows,
            totals,
        })
    }

    /// When each subject's report of a month was recorded (`reported_at` by subject id), of
    /// `indicator_reports` or `project_progress`.
    pub(crate) fn report_meta(&self, table: &str, month: Month) -> Result<BTreeMap<Id, String>> {
        let key = if table == "project_progress" { "project_id" } else { "enterprise_id" };
        let mut st = self.conn.prepare_cached(&format!("SELECT {key}, reported_at FROM {table} WHERE month = ?1"))?;
        let rows = st.query_map([month.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One enterprise's indicator over the `months` months to `to`, beside last year's. With
    /// `township_id`, an enterprise of another township is not found (a township official's
    /// scope, as every monitoring list has it).
    pub fn indicator_series(
        &self,
        enterprise_id: &str,
        key: &str,
        to: Month,
        months: u32,
        township_id: Option<&str>,
    ) -> Result<Vec<SeriesPoint>> {
        if !self.key_enterprises(township_id)?.iter().any(|e| e.enterprise_id == enterprise_id) {
            return Err(taizhang_core::DomainError::not_found("enterprise", enterprise_id).into());
        }
        let mut from = to;
        for _ in 1..months.max(1) {
            from = from.previous();
        }
        let reports = self.indicator_reports_between(from.a_year_before(), to)?;
        let rs = reports.get(enterprise_id).cloned().unwrap_or_default();
        let value = |m: Month| rs.iter().find(|r| r.month == m).and_then(|r| r.entry(key)).map(|e| e.value);
        let mut out = Vec::new();
        let mut m = from;
        loop {
            let entry = rs.iter().find(|r| r.month == m).and_then(|r| r.entry(key));
            let last_year = entry.and_then(|e| e.last_year).or_else(|| value(m.a_year_before()));
            let v = entry.map(|e| e.value);
            out.push(SeriesPoint { month: m, value: v, last_year, yoy: indicators::yoy(v, last_year) });
            if m == to {
                break;
            }
            m = m.next();
        }
        Ok(out)
    }

    /// The 旬报 summary of one 旬 for `township_id` (or the district).
    pub fn production_summary(&self, month: Month, xun: Xun, township_id: Option<&str>) -> Result<ProductionSummary> {
        let settings = self.cached().settings()?;
        let calendar = self.cached().calendar()?;
        let enterprises = self.key_enterprises(township_id)?;
        let mut st = self.conn.prepare_cached(
            "SELECT enterprise_id, body FROM production_reports WHERE month BETWEEN ?1 AND ?2 ORDER BY month, xun",
        )?;
        let first = Month { year: month.year, month: 1 };
        let mut reports: BTreeMap<Id, Vec<ProductionReport>> = BTreeMap::new();
        let mut q = st.query([first.to_string(), month.to_string()])?;
        while let Some(r) = q.next()? {
            let body: String = r.get(1)?;
            let report: ProductionReport = serde_json::from_str(&body)?;
            // Only 旬 up to this one count towards the cumulative.
            if report.month < month || report.xun <= xun {
                reports.entry(r.get(0)?).or_default().push(report);
            }
        }
        let (mut rows, mut not_reported) = (Vec::new(), Vec::new());
        for e in enterprises {
            let rs = reports.get(&e.enterprise_id).map(Vec::as_slice).unwrap_or(&[]);
            let Some(this) = rs.iter().find(|r| r.month == month && r.xun == xun) else {
                not_reported.push(e);
                continue;
            };
            for line in &this.lines {
                let same = rs.iter().flat_map(|r| &r.lines).filter(|l| l.product == line.product);
                let (out, sold) = same.fold((Amount::ZERO, Amount::ZERO), |(o, s), l| (o + l.output, s + l.sales()));
                rows.push(ProductionRow {
                    enterprise: e.clone(),
                    rate: sales_rate(Some(line.sales()), Some(line.output)),
                    cumulative_output: out,
                    cumulative_sales: sold,
                    cumulative_rate: sales_rate(Some(sold), Some(out)),
                    line: line.clone(),
                });
            }
        }
        Ok(ProductionSummary {
            month,
            xun,
            due: settings.monitoring.schedule.xun_due(month, xun, &calendar),
            rows,
            not_reported,
        })
    }
}
