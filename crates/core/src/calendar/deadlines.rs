//! Deadline arithmetic on the working-day calendar: a limit of n working days "from the day
//! after", its inverse, and the working days between two dates, in O(overrides) whatever the
//! span (whole weeks are skipped between overrides).

use std::ops::Bound::{Excluded, Included, Unbounded};

use chrono::{Datelike, Days, NaiveDate};

use super::working_days::{default_working, Calendar};

/// Number of Monday–Friday days up to and including `d`, from a fixed origin. Only
/// differences are meaningful; they give weekday counts in O(1) for any span.
fn weekdays_through(d: NaiveDate) -> i64 {
    let day = i64::from(d.num_days_from_ce());
    let from_monday = i64::from(d.weekday().num_days_from_monday());
    // Every Monday is congruent mod 7, so div_euclid numbers the weeks consecutively.
    let week = (day - from_monday).div_euclid(7);
    5 * week + (from_monday + 1).min(5)
}

fn days_between(a: NaiveDate, b: NaiveDate) -> u64 {
    u64::try_from((b - a).num_days()).unwrap_or(0)
}

impl Calendar {
    /// The date `n` working days after `start`, counted from the day after (so `start` itself
    /// never counts); `n == 0` returns `start`. The result is always a working day for n > 0.
    /// Saturates at the last representable date instead of panicking.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut cur = start;
        let mut rem = u64::from(n);
        while rem > 0 {
            // Between overrides only the weekly rule applies, and 7 days hold exactly 5
            // working days: skip whole weeks, keeping at least one working day to step onto.
            let full_weeks = (rem - 1) / 5;
            if full_weeks > 0 {
                let room = match self.overrides.range((Excluded(cur), Unbounded)).next() {
                    Some((next, _)) => days_between(cur, *next).saturating_sub(1) / 7,
                    None => u64::MAX,
                };
                let to_max = days_between(cur, NaiveDate::MAX) / 7;
                let weeks = full_weeks.min(room).min(to_max);
                if weeks > 0 {
                    if let Some(next) = cur.checked_add_days(Days::new(7 * weeks)) {
                        cur = next;
                        rem -= 5 * weeks;
                        continue;
                    }
                }
            }
            let Some(next) = cur.succ_opt() else {
                return cur;
            };
            cur = next;
            if self.is_working_day(cur) {
                rem -= 1;
            }
        }
        cur
    }

    /// The latest date `d` with `working_days_between(d, end) == n`; `n == 0` returns `end`.
    /// This is the inverse of [`Calendar::add_working_days`]: e.g. the last day to ask for an
    /// extension "at least 1 working day before the deadline". Saturates at the first
    /// representable date instead of panicking.
    pub fn sub_working_days(&self, end: NaiveDate, n: u32) -> NaiveDate {
        if n == 0 {
            return end;
        }
        // Walk back over the days in (d, end], starting with `end` itself.
        let mut cur = end;
        let mut rem = u64::from(n);
        loop {
            let full_weeks = (rem - 1) / 5;
            if full_weeks > 0 {
                let room = match self.overrides.range((Unbounded, Included(cur))).next_back() {
                    Some((prev, _)) => days_between(*prev, cur) / 7,
                    None => u64::MAX,
                };
                let to_min = days_between(NaiveDate::MIN, cur) / 7;
                let weeks = full_weeks.min(room).min(to_min);
                if weeks > 0 {
                    if let Some(prev) = cur.checked_sub_days(Days::new(7 * weeks)) {
                        cur = prev;
                        rem -= 5 * weeks;
                        continue;
                    }
                }
            }
            if self.is_working_day(cur) {
                rem -= 1;
                if rem == 0 {
                    return cur.pred_opt().unwrap_or(cur);
                }
            }
            match cur.pred_opt() {
                Some(prev) => cur = prev,
                None => return cur,
            }
        }
    }

    /// Working days in (from, to]; when `to < from`, minus the working days in (to, from].
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let mut count = weekdays_through(to) - weekdays_through(from);
        for (d, (off, _)) in self.overrides.range((Excluded(from), Included(to))) {
            count += i64::from(!off) - i64::from(default_working(*d));
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> Calendar {
        Calendar::with_builtin_years()
    }

    /// Day-by-day reference implementations, to check the week-skipping fast paths.
    fn naive_add(c: &Calendar, start: NaiveDate, n: u32) -> NaiveDate {
        let mut cur = start;
        let mut rem = n;
        while rem > 0 {
            cur = cur.succ_opt().unwrap();
            if c.is_working_day(cur) {
                rem -= 1;
            }
        }
        cur
    }

    fn naive_between(c: &Calendar, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -naive_between(c, to, from);
        }
        from.iter_days().skip(1).take_while(|x| *x <= to).filter(|x| c.is_working_day(*x)).count() as i64
    }

    #[test]
    fn worked_examples_from_the_notes() {
        let c = cal();
        assert_eq!(c.add_working_days(d(2026, 2, 12), 5), d(2026, 2, 26));
        assert_eq!(c.add_working_days(d(2026, 9, 30), 5), d(2026, 10, 13));
        assert_eq!(c.working_days_between(d(2026, 2, 12), d(2026, 2, 26)), 5);
        assert_eq!(c.working_days_between(d(2026, 9, 30), d(2026, 10, 13)), 5);
        // (Feb 12, Feb 26] holds Feb 13, the make-up Saturday 14th, and Feb 24–26.
        assert_eq!(c.sub_working_days(d(2026, 2, 26), 5), d(2026, 2, 12));
        // The latest such date: (Oct 7, Oct 13] already holds five working days.
        assert_eq!(c.sub_working_days(d(2026, 10, 13), 5), d(2026, 10, 7));
        assert_eq!(c.working_days_between(d(2026, 10, 7), d(2026, 10, 13)), 5);
    }

    #[test]
    fn plain_weekly_rule_without_overrides() {
        let c = Calendar::new();
        // 2027-01-01 is a Friday.
        assert!(c.is_working_day(d(2027, 1, 1)));
        assert!(!c.is_working_day(d(2027, 1, 2)));
        assert!(!c.is_working_day(d(2027, 1, 3)));
        assert_eq!(c.add_working_days(d(2027, 1, 1), 1), d(2027, 1, 4));
        assert_eq!(c.add_working_days(d(2027, 1, 2), 1), d(2027, 1, 4));
        assert_eq!(c.add_working_days(d(2027, 1, 1), 5), d(2027, 1, 8));
        assert_eq!(c.add_working_days(d(2027, 1, 1), 10), d(2027, 1, 15));
        assert_eq!(c.add_working_days(d(2027, 1, 1), 0), d(2027, 1, 1));
        assert_eq!(c.add_working_days(d(2027, 1, 2), 0), d(2027, 1, 2));
        assert_eq!(c.working_days_between(d(2027, 1, 1), d(2027, 1, 1)), 0);
        assert_eq!(c.working_days_between(d(2027, 1, 1), d(2027, 1, 4)), 1);
        assert_eq!(c.working_days_between(d(2027, 1, 4), d(2027, 1, 1)), -1);
        assert_eq!(c.working_days_between(d(2027, 1, 1), d(2028, 1, 1)), 260);
        assert_eq!(c.sub_working_days(d(2027, 1, 4), 1), d(2027, 1, 3));
        assert_eq!(c.sub_working_days(d(2027, 1, 4), 0), d(2027, 1, 4));
        assert_eq!(c.sub_working_days(d(2027, 1, 3), 1), d(2026, 12, 31));
        assert_eq!(c.years(), Vec::<i32>::new());
    }

    #[test]
    fn working_days_between_is_signed() {
        let c = cal();
        let a = d(2026, 2, 12);
        let b = d(2026, 2, 26);
        assert_eq!(c.working_days_between(a, b), 5);
        assert_eq!(c.working_days_between(b, a), -5);
        // (Feb 13, Feb 14] holds only the make-up Saturday.
        assert_eq!(c.working_days_between(d(2026, 2, 13), d(2026, 2, 14)), 1);
        assert_eq!(c.working_days_between(d(2026, 2, 14), d(2026, 2, 23)), 0);
        assert_eq!(c.working_days_between(d(2026, 2, 23), d(2026, 2, 14)), 0);
    }

    #[test]
    fn extremes_saturate_instead_of_panicking() {
        let c = cal();
        let late = NaiveDate::MAX;
        assert_eq!(c.add_working_days(late, 1), late);
        assert_eq!(c.add_working_days(late, u32::MAX), late);
        assert!(c.add_working_days(d(2026, 1, 1), u32::MAX) <= late);
        let early = NaiveDate::MIN;
        assert_eq!(c.sub_working_days(early, 1), early);
        assert_eq!(c.sub_working_days(early, u32::MAX), early);
        assert!(c.sub_working_days(d(2026, 1, 1), u32::MAX) >= early);
        let span = c.working_days_between(early, late);
        assert!(span > 0);
        assert_eq!(c.working_days_between(late, early), -span);
    }

    #[test]
    fn large_counts_match_the_day_by_day_reference() {
        let c = cal();
        for start in [d(2024, 12, 31), d(2025, 6, 15), d(2026, 12, 30), d(2030, 1, 1)] {
            for n in [1, 5, 6, 11, 100, 251, 500, 1000] {
                let end = c.add_working_days(start, n);
                assert_eq!(end, naive_add(&c, start, n), "{start} + {n}");
                assert_eq!(c.working_days_between(start, end), i64::from(n));
                assert_eq!(naive_between(&c, start, end), i64::from(n));
                let back = c.sub_working_days(end, n);
                assert_eq!(c.working_days_between(back, end), i64::from(n));
                assert_eq!(c.add_working_days(back, n), end);
                assert_eq!(c.working_days_between(back.succ_opt().unwrap(), end), i64::from(n) - 1);
            }
        }
    }

    fn date_2025_2026() -> impl Strategy<Value = NaiveDate> {
        (0u64..730).prop_map(|i| d(2025, 1, 1) + Days::new(i))
    }

    fn any_override_set() -> impl Strategy<Value = Vec<(u64, Option<bool>)>> {
        proptest::collection::vec((0u64..1200, proptest::option::of(any::<bool>())), 0..60)
    }

    proptest! {
        #[test]
        fn sub_inverts_add(start in date_2025_2026(), n in 0u32..40) {
            let c = cal();
            let end = c.add_working_days(start, n);
            prop_assert_eq!(c.working_days_between(start, end), i64::from(n));
            let back = c.sub_working_days(end, n);
            prop_assert_eq!(c.working_days_between(back, end), i64::from(n));
            prop_assert_eq!(c.add_working_days(back, n), end);
            prop_assert!(back >= start);
            if n > 0 {
                prop_assert!(c.is_working_day(end));
                // `back` is the latest such date: one day later loses a working day.
                prop_assert_eq!(c.working_days_between(back.succ_opt().unwrap(), end), i64::from(n) - 1);
            }
        }

        #[test]
        fn between_is_antisymmetric_and_additive(a in date_2025_2026(), b in date_2025_2026(), m in date_2025_2026()) {
            let c = cal();
            prop_assert_eq!(c.working_days_between(a, b), -c.working_days_between(b, a));
            prop_assert_eq!(
                c.working_days_between(a, b),
                c.working_days_between(a, m) + c.working_days_between(m, b)
            );
            prop_assert_eq!(c.working_days_between(a, b), naive_between(&c, a, b));
        }

        #[test]
        fn fast_paths_match_reference_on_random_calendars(
            overrides in any_override_set(),
            offset in 0u64..1400,
            n in 0u32..700,
        ) {
            let origin = d(2025, 1, 1);
            let mut c = Calendar::new();
            for (i, off) in overrides {
                c.set_day(origin + Days::new(i), off, "x");
            }
            let start = origin + Days::new(offset);
            let end = c.add_working_days(start, n);
            prop_assert_eq!(end, naive_add(&c, start, n));
            prop_assert_eq!(naive_between(&c, start, end), i64::from(n));
            prop_assert_eq!(c.working_days_between(start, end), i64::from(n));
            let back = c.sub_working_days(end, n);
            prop_assert_eq!(naive_between(&c, back, end), i64::from(n));
            prop_assert_eq!(c.add_working_days(back, n), end);
            if n > 0 {
                prop_assert_eq!(naive_between(&c, back.succ_opt().unwrap(), end), i64::from(n) - 1);
            }
        }
    }
}
