//! The working-day calendar: which days are worked (the Monday–Friday rule and the overrides
//! of loaded years and single days) and the schedules it holds. Counting working days is
//! `deadlines`'.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

use super::holidays::builtin_years;
use super::schedule::{CalendarDay, CalendarYear};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Days that depart from (or confirm) the Monday–Friday rule: (off, name). `deadlines`
    /// skips whole weeks between them.
    pub(super) overrides: BTreeMap<NaiveDate, (bool, String)>,
    notices: BTreeMap<i32, String>,
}

/// The Monday–Friday rule, before any override.
pub(super) fn default_working(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((NaiveDate::from_ymd_opt(year, 1, 1)?, NaiveDate::from_ymd_opt(year, 12, 31)?))
}

impl Calendar {
    pub fn new() -> Self {
        Self::default()
    }

    /// A calendar with [`builtin_years`](super::builtin_years) loaded.
    pub fn with_builtin_years() -> Self {
        let mut cal = Self::new();
        for y in builtin_years() {
            cal.set_year(&y);
        }
        cal
    }

    /// Replaces every override inside `year.year`, and its notice, with `year`. Days that fall
    /// outside that year are ignored, so that a year can always be replaced as a whole; use
    /// [`validate_year`](super::validate_year) first to reject such input instead.
    pub fn set_year(&mut self, year: &CalendarYear) {
        let Some((first, last)) = year_bounds(year.year) else {
            return;
        };
        let stale: Vec<NaiveDate> = self.overrides.range(first..=last).map(|(d, _)| *d).collect();
        for d in stale {
            self.overrides.remove(&d);
        }
        for day in &year.days {
            if day.date.year() == year.year {
                self.overrides.insert(day.date, (day.off, day.name.clone()));
            }
        }
        self.notices.insert(year.year, year.notice.clone());
    }

    /// Sets one day's override; `None` removes it, so the Monday–Friday rule applies again.
    pub fn set_day(&mut self, date: NaiveDate, off: Option<bool>, name: &str) {
        match off {
            Some(off) => {
                self.overrides.insert(date, (off, name.to_string()));
            }
            None => {
                self.overrides.remove(&date);
            }
        }
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.overrides.get(&d) {
            Some((off, _)) => !off,
            None => default_working(d),
        }
    }

    /// The override for `d` as (off, name), or `None` when the Monday–Friday rule applies.
    pub fn day_info(&self, d: NaiveDate) -> Option<(bool, String)> {
        self.overrides.get(&d).cloned()
    }

    pub fn notice(&self, year: i32) -> Option<&str> {
        self.notices.get(&year).map(String::as_str)
    }

    /// Years whose schedule has been loaded (those with a notice), ascending.
    pub fn years(&self) -> Vec<i32> {
        self.notices.keys().copied().collect()
    }

    /// The overrides of `year` as a schedule, days sorted; `None` when the year has neither a
    /// notice nor any override. A year with overrides but no notice gets an empty notice.
    pub fn year(&self, year: i32) -> Option<CalendarYear> {
        let (first, last) = year_bounds(year)?;
        let days: Vec<CalendarDay> = self
            .overrides
            .range(first..=last)
            .map(|(date, (off, name))| CalendarDay { date: *date, off: *off, name: name.clone() })
            .collect();
        let notice = self.notices.get(&year);
        if notice.is_none() && days.is_empty() {
            return None;
        }
        Some(CalendarYear { year, notice: notice.cloned().unwrap_or_default(), days })
    }

    /// True when a schedule was loaded for `year` (it has a notice); single days set with
    /// [`Calendar::set_day`] do not count, so the app can warn that a year is missing.
    pub fn has_year(&self, year: i32) -> bool {
        self.notices.contains_key(&year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> Calendar {
        Calendar::with_builtin_years()
    }

    #[test]
    fn year_round_trips_through_the_calendar() {
        let c = cal();
        for y in builtin_years() {
            assert_eq!(c.year(y.year), Some(y.clone()));
            assert!(c.has_year(y.year));
            assert_eq!(c.notice(y.year), Some(y.notice.as_str()));
        }
        assert_eq!(c.years(), vec![2025, 2026]);
        assert!(!c.has_year(2027));
        assert_eq!(c.year(2027), None);
        assert_eq!(c.notice(2027), None);
    }

    #[test]
    fn set_day_overrides_and_removes() {
        let mut c = cal();
        let monday = d(2027, 3, 1);
        assert!(c.is_working_day(monday));
        c.set_day(monday, Some(true), "临时放假");
        assert!(!c.is_working_day(monday));
        assert_eq!(c.day_info(monday), Some((true, "临时放假".to_string())));
        assert!(!c.has_year(2027), "a single day is not a loaded year");
        assert_eq!(c.year(2027).unwrap().notice, "");
        assert_eq!(c.year(2027).unwrap().days.len(), 1);
        c.set_day(monday, None, "");
        assert!(c.is_working_day(monday));
        assert_eq!(c.day_info(monday), None);
        assert_eq!(c.year(2027), None);

        // Removing a built-in make-up day restores the weekend.
        c.set_day(d(2026, 2, 14), None, "");
        assert!(!c.is_working_day(d(2026, 2, 14)));
        // A weekday can be declared working explicitly; it stays working.
        c.set_day(d(2027, 3, 2), Some(false), "加班");
        assert!(c.is_working_day(d(2027, 3, 2)));
        assert_eq!(c.working_days_between(d(2027, 3, 1), d(2027, 3, 2)), 1);
    }

    #[test]
    fn set_year_replaces_the_whole_year() {
        let mut c = cal();
        c.set_day(d(2026, 3, 2), Some(true), "临时");
        c.set_day(d(2027, 1, 1), Some(true), "元旦");
        let replacement = CalendarYear {
            year: 2026,
            notice: "修订".into(),
            days: vec![
                CalendarDay { date: d(2026, 5, 4), off: true, name: "劳动节".into() },
                // Out-of-year days are ignored rather than leaking into 2025.
                CalendarDay { date: d(2025, 12, 31), off: true, name: "x".into() },
            ],
        };
        c.set_year(&replacement);
        assert_eq!(c.notice(2026), Some("修订"));
        let y = c.year(2026).unwrap();
        assert_eq!(y.days, vec![replacement.days[0].clone()]);
        assert!(c.is_working_day(d(2026, 3, 2)));
        assert!(c.is_working_day(d(2026, 2, 16)), "the old 春节 override is gone");
        assert!(c.is_working_day(d(2025, 12, 31)));
        // Neighbouring years are untouched.
        assert_eq!(c.year(2025), Some(builtin_years()[0].clone()));
        assert_eq!(c.day_info(d(2027, 1, 1)), Some((true, "元旦".to_string())));
        // An unrepresentable year is ignored rather than panicking.
        c.set_year(&CalendarYear { year: i32::MAX, notice: String::new(), days: vec![] });
        assert!(!c.has_year(i32::MAX));
        assert_eq!(c.year(i32::MAX), None);
    }
}
