//! The official schedules built in (2025 and 2026), so a fresh install counts correctly before
//! anyone imports a year.

use chrono::NaiveDate;

use super::schedule::{sorted, CalendarDay, CalendarYear};

const NOTICE_2025: &str = "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）";
const NOTICE_2026: &str = "国务院办公厅关于2026年部分节假日安排的通知";

type MonthDay = (u32, u32);

/// Off ranges (first, last inclusive) and make-up workdays of one year.
struct Schedule {
    year: i32,
    notice: &'static str,
    off: &'static [(MonthDay, MonthDay, &'static str)],
    work: &'static [(MonthDay, &'static str)],
}

const SCHEDULES: [Schedule; 2] = [
    Schedule {
        year: 2025,
        notice: NOTICE_2025,
        off: &[
            ((1, 1), (1, 1), "元旦"),
            ((1, 28), (2, 4), "春节"),
            ((4, 4), (4, 6), "清明节"),
            ((5, 1), (5, 5), "劳动节"),
            ((5, 31), (6, 2), "端午节"),
            ((10, 1), (10, 8), "国庆节、中秋节"),
        ],
        work: &[
            ((1, 26), "春节调休上班"),
            ((2, 8), "春节调休上班"),
            ((4, 27), "劳动节调休上班"),
            ((9, 28), "国庆节、中秋节调休上班"),
            ((10, 11), "国庆节、中秋节调休上班"),
        ],
    },
    Schedule {
        year: 2026,
        notice: NOTICE_2026,
        off: &[
            ((1, 1), (1, 3), "元旦"),
            ((2, 15), (2, 23), "春节"),
            ((4, 4), (4, 6), "清明节"),
            ((5, 1), (5, 5), "劳动节"),
            ((6, 19), (6, 21), "端午节"),
            ((9, 25), (9, 27), "中秋节"),
            ((10, 1), (10, 7), "国庆节"),
        ],
        work: &[
            ((1, 4), "元旦调休上班"),
            ((2, 14), "春节调休上班"),
            ((2, 28), "春节调休上班"),
            ((5, 9), "劳动节调休上班"),
            ((9, 20), "国庆节调休上班"),
            ((10, 10), "国庆节调休上班"),
        ],
    },
];

/// The official 2025 and 2026 schedules, so a fresh install counts correctly before anyone
/// imports a year.
pub fn builtin_years() -> Vec<CalendarYear> {
    SCHEDULES
        .iter()
        .map(|s| {
            let date = |(m, d): (u32, u32)| NaiveDate::from_ymd_opt(s.year, m, d).expect("built-in dates are valid");
            let mut days = Vec::new();
            for &(first, last, name) in s.off {
                let (first, last) = (date(first), date(last));
                days.extend(first.iter_days().take_while(|d| *d <= last).map(|d| CalendarDay {
                    date: d,
                    off: true,
                    name: name.to_string(),
                }));
            }
            for &(md, name) in s.work {
                days.push(CalendarDay { date: date(md), off: false, name: name.to_string() });
            }
            sorted(s.year, s.notice.to_string(), days)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::{Datelike, Weekday};

    use super::*;
    use crate::calendar::working_days::default_working;
    use crate::calendar::{validate_year, Calendar};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> Calendar {
        Calendar::with_builtin_years()
    }

    #[test]
    fn make_up_days_and_holidays_2026() {
        let c = cal();
        assert!(c.is_working_day(d(2026, 2, 14)), "Saturday make-up day");
        assert_eq!(d(2026, 2, 14).weekday(), Weekday::Sat);
        assert!(!c.is_working_day(d(2026, 2, 16)), "Monday in 春节");
        for md in [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)] {
            let day = d(2026, md.0, md.1);
            assert!(!default_working(day), "{day} should be a weekend");
            assert!(c.is_working_day(day), "{day}");
        }
        for day in d(2026, 10, 1).iter_days().take(7) {
            assert!(!c.is_working_day(day), "{day}");
        }
        assert!(c.is_working_day(d(2026, 10, 8)));
        assert_eq!(c.day_info(d(2026, 9, 26)), Some((true, "中秋节".to_string())));
        assert_eq!(c.day_info(d(2026, 2, 14)), Some((false, "春节调休上班".to_string())));
        assert_eq!(c.day_info(d(2026, 3, 2)), None);
    }

    #[test]
    fn make_up_days_and_holidays_2025() {
        let c = cal();
        for (m, day, wd) in [
            (1, 26, Weekday::Sun),
            (2, 8, Weekday::Sat),
            (4, 27, Weekday::Sun),
            (9, 28, Weekday::Sun),
            (10, 11, Weekday::Sat),
        ] {
            let date = d(2025, m, day);
            assert_eq!(date.weekday(), wd, "{date}");
            assert!(c.is_working_day(date), "{date}");
        }
        assert!(!c.is_working_day(d(2025, 10, 8)));
        assert_eq!(c.day_info(d(2025, 10, 8)), Some((true, "国庆节、中秋节".to_string())));
        assert!(!c.is_working_day(d(2025, 1, 28)));
        assert!(!c.is_working_day(d(2025, 2, 4)));
        assert!(c.is_working_day(d(2025, 2, 5)));
        assert!(!c.is_working_day(d(2025, 6, 2)));
    }

    #[test]
    fn builtin_years_match_the_notes() {
        let years = builtin_years();
        assert_eq!(years.iter().map(|y| y.year).collect::<Vec<_>>(), vec![2025, 2026]);
        assert_eq!(years[0].notice, "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）");
        assert_eq!(years[1].notice, "国务院办公厅关于2026年部分节假日安排的通知");
        for y in &years {
            validate_year(y).unwrap();
            assert!(y.days.windows(2).all(|w| w[0].date < w[1].date), "sorted");
            for day in &y.days {
                // An override that agrees with the weekly rule would be noise in the table,
                // except inside a holiday run, where weekends carry the holiday's name.
                if !day.off {
                    assert!(!default_working(day.date), "{} make-up on a weekday", day.date);
                    assert!(day.name.ends_with("调休上班"), "{}", day.name);
                }
            }
        }
        let count = |y: &CalendarYear, off: bool| y.days.iter().filter(|x| x.off == off).count();
        // 2025: 1 + 8 + 3 + 5 + 3 + 8 days off; 5 make-up days.
        assert_eq!(count(&years[0], true), 28);
        assert_eq!(count(&years[0], false), 5);
        // 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7 days off; 6 make-up days.
        assert_eq!(count(&years[1], true), 33);
        assert_eq!(count(&years[1], false), 6);
        let names: BTreeSet<&str> = years.iter().flat_map(|y| &y.days).map(|x| x.name.as_str()).collect();
        for name in ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", "国庆节、中秋节"]
        {
            assert!(names.contains(name), "{name}");
        }
    }
}
