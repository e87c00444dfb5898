//! Every time limit, threshold, weight and list an office may tune (domain-notes: limits differ
//! from place to place, so none is hard-coded in the rules).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::model::Priority;

/// No date before 1 January of this year enters the ledger (`core::dates`).
pub const FIRST_YEAR: i32 = 2000;
/// The default last year (`Settings::last_year`).
pub const DEFAULT_LAST_YEAR: i32 = 2099;
/// The latest `Settings::last_year` may be: the last year a date is written with four digits,
/// and the last a spreadsheet date cell holds.
pub const MAX_LAST_YEAR: i32 = 9999;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct Settings {
    /// Name of the district shown on reports.
    pub district_name: String,
    /// Working days to sign after assignment (签收).
    pub sign_days: u32,
    /// Working days after assignment during which the lead may return the item (退回).
    pub objection_days: u32,
    /// Working days for a supporting unit's opinion (协办意见).
    pub supporter_days: u32,
    /// Handling limits by priority, in working days.
    pub handling_days_normal: u32,
    pub handling_days_urgent: u32,
    pub handling_days_major: u32,
    /// Category-specific handling limits override the priority ones when longer work is usual.
    pub category_handling_days: BTreeMap<String, u32>,
    /// An extension must be asked at least this many working days before the deadline.
    pub extension_notice_days: u32,
    /// 提醒 when this many working days or fewer remain.
    pub reminder_days: u32,
    /// 红牌 once this many working days overdue.
    pub red_days: u32,
    /// 红牌 once urged this many times.
    pub red_urges: u32,
    pub weights: ScoreWeights,
    /// Units with fewer assigned items than this in a period are listed but not ranked.
    pub min_sample: u32,
    pub categories: Vec<String>,
    /// The campaign (服务年) period, for the "campaign" report period.
    pub campaign_start: Option<NaiveDate>,
    pub campaign_end: Option<NaiveDate>,
    /// The desktop app backs the ledger up when it opens it and after this many minutes of
    /// work (0: only when it opens it).
    pub backup_every_minutes: u32,
    /// Automatic backups kept per ledger (the oldest go first).
    pub backup_keep: u32,
    /// The last year a date may fall in (typed, imported, computed or the clock's); the first
    /// is `dates::FIRST_YEAR`. Commands carrying a date outside are refused (`core::dates`).
    pub last_year: i32,
    /// How far (in seconds) an act may be dated before the ledger's latest event and still be
    /// recorded: a computer's clock jitters and is corrected. Such an act is marked ("clock
    /// behind by N s") by `verify`; anything earlier is refused (`event.time_before_history`).
    pub clock_tolerance_seconds: u32,
    /// How often key enterprises must be visited, by key level (docs/monitoring.md, "Pairing").
    pub key_visits: crate::monitoring::VisitFrequency,
    /// Indicators, report schedule, warning thresholds and the lock day (docs/monitoring.md).
    pub monitoring: crate::monitoring::MonitoringSettings,
    /// The issuing office and the number patterns of printed documents (docs/documents.md).
    pub documents: crate::document::DocumentSettings,
}

/// Composite score = Σ weight × rate over the rates defined for the unit (weights renormalized
/// over those), minus penalties. Rates are 0..1; the score is 0..100 before penalties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct ScoreWeights {
    pub sign_rate: f64,
    pub on_time_rate: f64,
    pub resolution_rate: f64,
    pub satisfaction_rate: f64,
    pub upheld_return_penalty: f64,
    pub overdue_penalty: f64,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        ScoreWeights {
            sign_rate: 15.0,
            on_time_rate: 30.0,
            resolution_rate: 25.0,
            satisfaction_rate: 30.0,
            upheld_return_penalty: 2.0,
            overdue_penalty: 1.0,
        }
    }
}

pub const DEFAULT_CATEGORIES: &[&str] = &[
    "融资",
    "用地",
    "用工",
    "审批/政务服务",
    "水电气等要素",
    "基础设施/园区配套",
    "政策兑现",
    "市场开拓",
    "物流交通",
    "税费",
    "环保",
    "安全生产",
    "市场监管/执法",
    "其他",
];

/// Five minutes: more than a clock corrected by the network drifts, far less than a working day.
pub const DEFAULT_CLOCK_TOLERANCE_SECONDS: u32 = 300;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            district_name: "示范区".into(),
            sign_days: 1,
            objection_days: 1,
            supporter_days: 3,
            handling_days_normal: 15,
            handling_days_urgent: 5,
            handling_days_major: 30,
            category_handling_days: BTreeMap::new(),
            extension_notice_days: 1,
            reminder_days: 2,
            red_days: 5,
            red_urges: 2,
            weights: ScoreWeights::default(),
            min_sample: 3,
            categories: DEFAULT_CATEGORIES.iter().map(|s| s.to_string()).collect(),
            campaign_start: None,
            campaign_end: None,
            backup_every_minutes: 30,
            backup_keep: 10,
            last_year: DEFAULT_LAST_YEAR,
            clock_tolerance_seconds: DEFAULT_CLOCK_TOLERANCE_SECONDS,
            key_visits: crate::monitoring::VisitFrequency::default(),
            monitoring: crate::monitoring::MonitoringSettings::default(),
            documents: crate::document::DocumentSettings::default(),
        }
    }
}

impl Settings {
    /// The handling limit for a new assignment.
    pub fn handling_days(&self, priority: Priority, category: &str) -> u32 {
        let by_priority = match priority {
            Priority::Normal => self.handling_days_normal,
            Priority::Urgent => self.handling_days_urgent,
            Priority::Major => self.handling_days_major,
        };
        // An urgent item stays urgent even in a slow category.
        match (priority, self.category_handling_days.get(category)) {
            (Priority::Urgent, _) | (_, None) => by_priority,
            (_, Some(&d)) => d.max(by_priority),
        }
    }

    pub fn validate(&self) -> Result<(), DomainError> {
        let positive = [
            ("sign_days", self.sign_days),
            ("objection_days", self.objection_days),
            ("supporter_days", self.supporter_days),
            ("handling_days_normal", self.handling_days_normal),
            ("handling_days_urgent", self.handling_days_urgent),
            ("handling_days_major", self.handling_days_major),
            ("red_days", self.red_days),
            ("red_urges", self.red_urges),
            ("min_sample", self.min_sample),
            ("key_visits.district_days", self.key_visits.district_days),
            ("key_visits.town_days", self.key_visits.town_days),
        ];
        for (field, v) in positive {
            if v == 0 || v > 365 {
                return Err(DomainError::invalid(field, "must be between 1 and 365"));
            }
        }
        if self.backup_keep == 0 || self.backup_keep > 1000 {
            return Err(DomainError::invalid("backup_keep", "must be between 1 and 1000"));
        }
        if self.backup_every_minutes > 24 * 60 {
            return Err(DomainError::invalid("backup_every_minutes", "must be at most a day (1440)"));
        }
        if self.clock_tolerance_seconds > 24 * 3600 {
            return Err(DomainError::invalid("clock_tolerance_seconds", "must be at most a day (86400)"));
        }
        if let Some((field, reason)) = self.documents.problem() {
            return Err(DomainError::invalid(field, reason));
        }
        for (cat, d) in &self.category_handling_days {
            if *d == 0 || *d > 365 {
                return Err(DomainError::invalid(
                    "category_handling_days",
                    &format!("{cat}: must be between 1 and 365"),
                ));
            }
        }
        let w = &self.weights;
        let all = [
            w.sign_rate,
            w.on_time_rate,
            w.resolution_rate,
            w.satisfaction_rate,
            w.upheld_return_penalty,
            w.overdue_penalty,
        ];
        if all.iter().any(|x| !x.is_finite() || *x < 0.0) {
            return Err(DomainError::invalid("weights", "weights must be finite and not negative"));
        }
        if w.sign_rate + w.on_time_rate + w.resolution_rate + w.satisfaction_rate <= 0.0 {
            return Err(DomainError::invalid("weights", "at least one rate weight must be positive"));
        }
        if self.categories.is_empty() {
            return Err(DomainError::invalid("categories", "the category list is empty"));
        }
        let mut seen = std::collections::BTreeSet::new();
        for c in &self.categories {
            if c.trim().is_empty() || !seen.insert(c.trim()) {
                return Err(DomainError::invalid("categories", &format!("empty or duplicate category: {c:?}")));
            }
        }
        if !(FIRST_YEAR..=MAX_LAST_YEAR).contains(&self.last_year) {
            return Err(DomainError::invalid("last_year", "must be between 2000 and 9999"));
        }
        if let (Some(a), Some(b)) = (self.campaign_start, self.campaign_end) {
            if b < a {
                return Err(DomainError::invalid("campaign_end", "the campaign ends before it starts"));
            }
        }
        self.monitoring.validate()
    }
}
