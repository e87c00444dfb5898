//! Pairing (包联) and how often key enterprises must be visited: the district sets a frequency
//! per key level (e.g. at least once a month for 区级重点), and a key enterprise whose last
//! visit is further back than that is overdue. Never-visited enterprises count from the day
//! they entered the ledger, so a firm just added is not overdue at once.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::KeyLevel;

/// Days between visits by key level (a setting). Defaults: 30 for 区级重点 (documented: at least
/// one visit a month), 60 for 镇级重点 (ours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct VisitFrequency {
    pub district_days: u32,
    pub town_days: u32,
}

impl Default for VisitFrequency {
    fn default() -> Self {
        VisitFrequency { district_days: 30, town_days: 60 }
    }
}

impl VisitFrequency {
    /// The longest a key enterprise of `level` may go unvisited; `None` for one that is not key.
    pub fn limit(&self, level: KeyLevel) -> Option<u32> {
        match level {
            KeyLevel::District => Some(self.district_days),
            KeyLevel::Town => Some(self.town_days),
            KeyLevel::General => None,
        }
    }
}

/// A key enterprise overdue for a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct VisitOverdue {
    /// Days since the last visit (or since it entered the ledger, if never visited).
    #[ts(type = "number")]
    pub days_since: i64,
    /// The frequency for its key level.
    pub limit_days: u32,
}

/// Whether a key enterprise of `level`, last visited on `last_visit` (or never, since
/// `entered`), is overdue on `today`: more than its level's limit of days have passed.
pub fn visit_overdue(
    level: KeyLevel,
    last_visit: Option<NaiveDate>,
    entered: NaiveDate,
    today: NaiveDate,
    frequency: &VisitFrequency,
) -> Option<VisitOverdue> {
    let limit = frequency.limit(level)?;
    let since = last_visit.unwrap_or(entered);
    let days_since = (today - since).num_days();
    (days_since > i64::from(limit)).then_some(VisitOverdue { days_since, limit_days: limit })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn a_key_enterprise_is_overdue_the_day_after_its_limit() {
        let f = VisitFrequency::default();
        // Visited 1 March; 区级重点, 30 days: 31 March is day 30 (not overdue), 1 April day 31.
        assert_eq!(visit_overdue(KeyLevel::District, Some(d(3, 1)), d(1, 1), d(3, 31), &f), None);
        assert_eq!(
            visit_overdue(KeyLevel::District, Some(d(3, 1)), d(1, 1), d(4, 1), &f),
            Some(VisitOverdue { days_since: 31, limit_days: 30 })
        );
        // 镇级重点: 60 days.
        assert_eq!(visit_overdue(KeyLevel::Town, Some(d(3, 1)), d(1, 1), d(4, 1), &f), None);
        // Never visited: counted from the day it entered the ledger.
        assert_eq!(visit_overdue(KeyLevel::District, None, d(3, 20), d(4, 1), &f), None);
        assert_eq!(visit_overdue(KeyLevel::District, None, d(1, 1), d(4, 1), &f).map(|o| o.days_since), Some(90));
        // Not key: never overdue.
        assert_eq!(visit_overdue(KeyLevel::General, None, d(1, 1), d(12, 1), &f), None);
        // The district's own frequency.
        let weekly = VisitFrequency { district_days: 7, town_days: 14 };
        assert!(visit_overdue(KeyLevel::Town, Some(d(3, 1)), d(1, 1), d(3, 16), &weekly).is_some());
    }
}
