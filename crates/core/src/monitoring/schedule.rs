//! When reports are due: the monthly indicator report by a day after the month ends (moved to
//! the next working day when that day is off), January exempt when the district says so (the
//! first report of the year then covers 1—2月); a 旬报 a number of working days after its 旬; a
//! project's monthly progress a number of working days after the month. All settings of the
//! office; the defaults are documented practice where the notes found one (docs/monitoring.md).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::indicators::Month;
use crate::calendar::Calendar;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ReportSchedule {
    /// The monthly indicator report is due on this day of the next month (default 8).
    pub monthly_due_day: u32,
    /// No January report: the first of the year covers 1—2月 (default true).
    pub january_exempt: bool,
    /// A 旬报 is due this many working days after its 旬 ends (default 2: our proposal).
    pub xun_due_working_days: u32,
    /// A project's monthly progress is due this many working days after the month (default 5).
    pub project_due_working_days: u32,
}

impl Default for ReportSchedule {
    fn default() -> Self {
        ReportSchedule {
            monthly_due_day: 8,
            january_exempt: true,
            xun_due_working_days: 2,
            project_due_working_days: 5,
        }
    }
}

/// The first working day on or after `d`.
fn on_or_after_working(cal: &Calendar, d: NaiveDate) -> NaiveDate {
    if cal.is_working_day(d) {
        d
    } else {
        cal.add_working_days(d, 1)
    }
}

impl ReportSchedule {
    /// Whether `month` has a monthly indicator report of its own.
    pub fn month_reported(&self, month: Month) -> bool {
        !(self.january_exempt && month.month == 1)
    }

    /// When the monthly indicator report of `month` is due (`None`: the month is exempt).
    pub fn monthly_due(&self, month: Month, cal: &Calendar) -> Option<NaiveDate> {
        if !self.month_reported(month) {
            return None;
        }
        let next = month.next();
        let day = self.monthly_due_day.clamp(1, 28);
        let d = NaiveDate::from_ymd_opt(next.year, next.month, day).expect("day 1..=28 exists");
        Some(on_or_after_working(cal, d))
    }

    /// When a 旬报 is due.
    pub fn xun_due(&self, month: Month, xun: Xun, cal: &Calendar) -> NaiveDate {
        cal.add_working_days(xun.last_day(month), self.xun_due_working_days)
    }

    /// When a project's monthly progress report is due.
    pub fn project_due(&self, month: Month, cal: &Calendar) -> NaiveDate {
        cal.add_working_days(month.last_day(), self.project_due_working_days)
    }
}

crate::model::labelled_enum!(
    /// 上旬 (1st–10th), 中旬 (11th–20th), 下旬 (21st to the month's end).
    Xun in "xun" { First = "first", Second = "second", Third = "third" }
);

impl Xun {
    pub fn first_day(self, month: Month) -> NaiveDate {
        let day = match self {
            Xun::First => 1,
            Xun::Second => 11,
            Xun::Third => 21,
        };
        NaiveDate::from_ymd_opt(month.year, month.month, day).expect("days 1, 11, 21 exist")
    }

    pub fn last_day(self, month: Month) -> NaiveDate {
        match self {
            Xun::First => NaiveDate::from_ymd_opt(month.year, month.month, 10).expect("day 10 exists"),
            Xun::Second => NaiveDate::from_ymd_opt(month.year, month.month, 20).expect("day 20 exists"),
            Xun::Third => month.last_day(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_monthly_report_is_due_on_the_8th_or_the_next_working_day() {
        let cal = Calendar::with_builtin_years();
        let s = ReportSchedule::default();
        // March 2026's report: 8 April 2026 is a Wednesday.
        assert_eq!(s.monthly_due(Month::new(2026, 3).unwrap(), &cal), Some(d(2026, 4, 8)));
        // February 2026's report: 8 March 2026 is a Sunday → Monday the 9th.
        assert_eq!(s.monthly_due(Month::new(2026, 2).unwrap(), &cal), Some(d(2026, 3, 9)));
        // September 2025's: 8 October 2025 is the last day of the National Day holiday → the 9th.
        assert_eq!(s.monthly_due(Month::new(2025, 9).unwrap(), &cal), Some(d(2025, 10, 9)));
        // September 2026's: that holiday ends on the 7th, and the 8th is a working Thursday.
        assert_eq!(s.monthly_due(Month::new(2026, 9).unwrap(), &cal), Some(d(2026, 10, 8)));
        // January is exempt by default, and reported when the district says so.
        assert_eq!(s.monthly_due(Month::new(2026, 1).unwrap(), &cal), None);
        let every = ReportSchedule { january_exempt: false, ..s };
        assert_eq!(
            every.monthly_due(Month::new(2026, 1).unwrap(), &cal),
            Some(d(2026, 2, 9)),
            "8 Feb 2026 is a Sunday"
        );
    }

    #[test]
    fn a_xun_and_a_project_report_count_working_days() {
        let cal = Calendar::with_builtin_years();
        let s = ReportSchedule::default();
        let feb = Month::new(2026, 2).unwrap();
        assert_eq!(Xun::Third.last_day(feb), d(2026, 2, 28));
        assert_eq!(Xun::Second.first_day(feb), d(2026, 2, 11));
        // 上旬 of April 2026 ends Friday the 10th; two working days on: Tuesday the 14th.
        assert_eq!(s.xun_due(Month::new(2026, 4).unwrap(), Xun::First, &cal), d(2026, 4, 14));
        // March 2026 ends Tuesday the 31st; five working days on: Wednesday 8 April, with the
        // Qingming holiday (4–6 April 2026) skipped.
        assert_eq!(s.project_due(Month::new(2026, 3).unwrap(), &cal), d(2026, 4, 8));
    }
}
