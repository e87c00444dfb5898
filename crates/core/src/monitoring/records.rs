//! What the monitoring events carry: a key enterprise's monthly indicators, a 旬报 of its main
//! products, a key project and its monthly progress, what was done about a warning, and a
//! problem's link to the warning or project it came from. Shapes only; the checks on them are
//! `workflow::monitoring`'s, the arithmetic the sibling modules'.
//!
//! A report is the whole period of one subject: reporting the same enterprise and month again
//! replaces the figures (a correction), and the log keeps both.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::indicators::{default_indicators, Amount, IndicatorDef, Month};
use super::schedule::{ReportSchedule, Xun};
use super::warnings::WarningRules;
use crate::error::DomainError;
use crate::model::Id;

/// One indicator of a monthly report: 本月, and what the form may also give: 1—本月累计 and
/// the same month last year (上年同期), used for 同比 when last year's report is not in the
/// ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct IndicatorEntry {
    pub key: String,
    pub value: Amount,
    #[serde(default)]
    pub cumulative: Option<Amount>,
    #[serde(default)]
    pub last_year: Option<Amount>,
}

/// 重点企业主要经济指标月报: one key enterprise, one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct IndicatorReport {
    pub enterprise_id: Id,
    pub month: Month,
    /// In the order of the district's list; each key once.
    pub entries: Vec<IndicatorEntry>,
    #[serde(default)]
    pub note: String,
    /// Decided: entered after the period locked, by the office (a late correction).
    #[serde(default)]
    pub late: bool,
}

impl IndicatorReport {
    pub fn entry(&self, key: &str) -> Option<&IndicatorEntry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// One main product in a 旬报.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ProductLine {
    /// 产品名称
    pub product: String,
    /// 计量单位 (吨, 台, 万米…)
    pub unit: String,
    /// 产量
    pub output: Amount,
    /// 销量 (国内)
    pub sales_domestic: Amount,
    /// 销量 (出口)
    pub sales_export: Amount,
    /// 旬末库存
    #[serde(default)]
    pub stock: Option<Amount>,
}

impl ProductLine {
    pub fn sales(&self) -> Amount {
        self.sales_domestic + self.sales_export
    }
}

/// 重点企业主要产品产销旬报: one key enterprise, one 旬.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ProductionReport {
    pub enterprise_id: Id,
    pub month: Month,
    pub xun: Xun,
    pub lines: Vec<ProductLine>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub late: bool,
}

crate::model::labelled_enum!(
    /// 建设性质
    ProjectNature in "projectNature" { New = "new", Continued = "continued" }
);

crate::model::labelled_enum!(
    /// 建设阶段, in the order a project moves through them.
    ProjectStage in "projectStage" {
        Preparation = "preparation",
        Started = "started",
        Structure = "structure",
        Completed = "completed",
        InOperation = "in_operation",
    }
);

/// A key project (重点项目) and the three levels answering for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Project {
    pub id: Id,
    /// 项目名称
    pub name: String,
    /// 建设单位 (the investor)
    pub builder: String,
    pub nature: ProjectNature,
    /// 所在镇街: who reports its progress.
    pub township_id: Id,
    /// 总投资 (万元)
    pub total_investment: Amount,
    /// The year `annual_plan` is for.
    pub plan_year: i32,
    /// 年度计划投资 (万元)
    pub annual_plan: Amount,
    #[serde(default)]
    pub planned_start: Option<NaiveDate>,
    #[serde(default)]
    pub planned_finish: Option<NaiveDate>,
    #[serde(default)]
    pub actual_start: Option<NaiveDate>,
    #[serde(default)]
    pub actual_finish: Option<NaiveDate>,
    pub stage: ProjectStage,
    /// 包联领导 (the responsible leader)
    #[serde(default)]
    pub paired_leader: String,
    /// 责任单位 (the lead unit)
    #[serde(default)]
    pub responsible_unit_id: Option<Id>,
    /// 服务(代办)单位
    #[serde(default)]
    pub service_unit_id: Option<Id>,
    /// 具体承办人 (the named handler)
    #[serde(default)]
    pub handler: String,
    #[serde(default)]
    pub content: String,
}

/// 项目进度月报: one project, one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ProjectProgress {
    pub project_id: Id,
    pub month: Month,
    /// 本月完成投资 (万元)
    pub invested: Amount,
    /// 年度累计完成投资, when the form gives it (else the sum of the year's months).
    #[serde(default)]
    pub year_to_date: Option<Amount>,
    /// The stage reached, when it moved.
    #[serde(default)]
    pub stage: Option<ProjectStage>,
    /// 形象进度
    #[serde(default)]
    pub image_progress: String,
    /// 存在的困难和问题
    #[serde(default)]
    pub difficulties: String,
    /// 下一步工作
    #[serde(default)]
    pub next_steps: String,
    #[serde(default)]
    pub late: bool,
}

/// What was done about a warning: it closes the warning. (Turning it into a ledger problem
/// closes it too: `EventBody::ProblemLinked`.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct WarningHandling {
    /// The warning's stable id (`monitoring::evaluate`): rule family, subject and period.
    pub warning_id: String,
    /// 处置情况: what was done, in words.
    pub note: String,
    /// The visit that answered it, if it was a visit.
    #[serde(default)]
    pub visit_id: Option<Id>,
}

crate::model::labelled_enum!(
    /// What a warning is about.
    WarningSubject in "warningSubject" { Enterprise = "enterprise", Project = "project" }
);

/// A warning raised when data arrived, as the rules then in force read them: a first-class
/// item, open until someone records what was done (`WarningHandling`) or turns it into a
/// ledger problem. Its id is its rule family, subject and period, so the same finding on
/// corrected figures raises it again (at its new level) rather than a second item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RaisedWarning {
    pub id: String,
    pub subject: WarningSubject,
    pub subject_id: Id,
    /// The report period it is about: `2026-03`.
    pub period: Month,
    pub warning: super::warnings::Warning,
}

/// Where a problem came from, besides a visit: a warning, or a project's difficulties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum ProblemOrigin {
    Warning { warning_id: String },
    Project { project_id: Id, month: Month },
}

/// The monitoring settings of the office (defaults: docs/monitoring.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct MonitoringSettings {
    pub indicators: Vec<IndicatorDef>,
    pub schedule: ReportSchedule,
    pub warnings: WarningRules,
    /// A month's reports lock on this day of the next month (default 20): later changes
    /// need the office and are marked late corrections.
    pub lock_day: u32,
}

impl Default for MonitoringSettings {
    fn default() -> Self {
        MonitoringSettings {
            indicators: default_indicators(),
            schedule: ReportSchedule::default(),
            warnings: WarningRules::default(),
            lock_day: 20,
        }
    }
}

impl MonitoringSettings {
    pub fn indicator(&self, key: &str) -> Option<&IndicatorDef> {
        self.indicators.iter().find(|d| d.key == key)
    }

    pub fn validate(&self) -> Result<(), DomainError> {
        let invalid = |field: &str, reason: &str| Err(DomainError::invalid(&format!("monitoring.{field}"), reason));
        if self.indicators.is_empty() {
            return invalid("indicators", "the indicator list is empty");
        }
        let mut keys = std::collections::BTreeSet::new();
        for d in &self.indicators {
            let key_ok =
                !d.key.is_empty() && d.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !key_ok || !keys.insert(d.key.as_str()) {
                return invalid("indicators", &format!("empty, malformed or duplicate key: {:?}", d.key));
            }
            if d.name.trim().is_empty() || d.unit.trim().is_empty() {
                return invalid("indicators", &format!("{}: a name and a unit are needed", d.key));
            }
        }
        let s = &self.schedule;
        if !(1..=28).contains(&s.monthly_due_day) || !(1..=28).contains(&self.lock_day) {
            return invalid("lock_day", "the due day and the lock day are days 1 to 28 of the next month");
        }
        if self.lock_day < s.monthly_due_day {
            return invalid("lock_day", "a month locks on or after its report is due");
        }
        if s.xun_due_working_days > 10 || s.project_due_working_days > 20 {
            return invalid(
                "schedule",
                "a report is due at most 10 (旬报) or 20 (project) working days after its period",
            );
        }
        let w = &self.warnings;
        let rates = [w.yellow_yoy_below, w.orange_yoy_below, w.red_electricity_share, w.pace_tolerance];
        if rates.iter().any(|x| !x.is_finite()) || w.orange_yoy_below > w.yellow_yoy_below {
            return invalid("warnings", "the 橙 line is at or below the 黄 line, and every threshold a number");
        }
        if w.orange_falling_months == 0 || w.red_falling_months < w.orange_falling_months || w.red_falling_months > 12 {
            return invalid("warnings", "months running: 1 ≤ 橙 ≤ 红 ≤ 12");
        }
        if let Some(k) = w.watched.iter().find(|k| self.indicator(k).is_none()) {
            return invalid("warnings", &format!("a watched indicator is not in the list: {k}"));
        }
        Ok(())
    }

    /// Whether a report for `month` (monthly, a 旬 of it, or a project's) is locked on `today`.
    pub fn locked(&self, month: Month, today: NaiveDate) -> bool {
        let next = month.next();
        let day = self.lock_day.clamp(1, 28);
        today > NaiveDate::from_ymd_opt(next.year, next.month, day).expect("day 1..=28 exists")
    }
}
