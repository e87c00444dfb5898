//! Lateness and escalation (docs/design.md §4): derived from deadlines, the calendar, the settings and
//! the urges, never stored. 提醒 within 2 WD of the deadline; 黄牌 once overdue; 红牌 at 5 WD
//! overdue or after a second urge.

use std::sync::OnceLock;

use crate::support::*;
use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use taizhang_core::calendar::Calendar;
use taizhang_core::escalation::{escalation_cutoffs, Lateness};
use taizhang_core::*;

const P: &str = "p-1";

/// Urgent item assigned and signed Mon 2026-03-02: handling deadline Mon 03-09 (5 WD).
fn urgent_signed() -> District {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.register_as(T1, P, E1, Priority::Urgent, "融资", t);
    dist.ok(OFFICE, cmds::assign(P, U_D1, &[]), t);
    dist.ok(D1, cmds::sign(P), t);
    assert_eq!(dist.assignment(P).handling_deadline, d(2026, 3, 9));
    dist
}

fn level(dist: &District, today: NaiveDate) -> Escalation {
    dist.lateness(P, today).level
}

#[test]
fn nothing_before_the_reminder_window() {
    let dist = urgent_signed();
    for (today, left) in [(d(2026, 3, 2), 5), (d(2026, 3, 3), 4), (d(2026, 3, 4), 3)] {
        let l = dist.lateness(P, today);
        assert_eq!(
            l,
            Lateness {
                sign_overdue: false,
                handling_overdue: false,
                days_overdue: 0,
                days_left: Some(left),
                level: Escalation::None
            },
            "{today}"
        );
    }
}

#[test]
fn reminder_within_two_working_days_of_the_deadline() {
    let dist = urgent_signed();
    // Thu 03-05: 2 WD left; Fri: 1; the weekend still has 1 (Monday) left; Monday is the deadline.
    for (today, left) in
        [(d(2026, 3, 5), 2), (d(2026, 3, 6), 1), (d(2026, 3, 7), 1), (d(2026, 3, 8), 1), (d(2026, 3, 9), 0)]
    {
        let l = dist.lateness(P, today);
        assert_eq!(l.level, Escalation::Reminder, "{today}");
        assert_eq!(l.days_left, Some(left), "{today}");
        assert!(!l.handling_overdue, "{today}: the deadline day itself is not overdue");
        assert_eq!(l.days_overdue, 0);
    }
}

#[test]
fn yellow_once_overdue_and_red_at_five_working_days() {
    let dist = urgent_signed();
    for (today, over, want) in [
        (d(2026, 3, 10), 1, Escalation::Yellow),
        (d(2026, 3, 13), 4, Escalation::Yellow),
        (d(2026, 3, 14), 4, Escalation::Yellow), // Saturday: still 4 WD
        (d(2026, 3, 15), 4, Escalation::Yellow),
        (d(2026, 3, 16), 5, Escalation::Red),
        (d(2026, 3, 31), 16, Escalation::Red),
    ] {
        let l = dist.lateness(P, today);
        assert_eq!(l.level, want, "{today}");
        assert!(l.handling_overdue, "{today}");
        assert_eq!(l.days_overdue, over, "{today}");
        assert_eq!(l.days_left, None);
        assert!(!l.sign_overdue, "signed");
    }
}

#[test]
fn thresholds_are_settings() {
    let mut dist = urgent_signed();
    dist.update_settings(
        |s| {
            s.reminder_days = 4;
            s.red_days = 2;
        },
        at(2026, 3, 2),
    );
    assert_eq!(level(&dist, d(2026, 3, 2)), Escalation::None, "5 WD left");
    assert_eq!(level(&dist, d(2026, 3, 3)), Escalation::Reminder, "4 WD left");
    assert_eq!(level(&dist, d(2026, 3, 10)), Escalation::Yellow);
    assert_eq!(level(&dist, d(2026, 3, 11)), Escalation::Red, "2 WD overdue");
}

#[test]
fn an_unsigned_item_escalates_on_its_sign_deadline() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.assigned(P, t); // sign deadline Tue 03-03; handling deadline 03-23
                         // Signing is due tomorrow: already a reminder.
    let l = dist.lateness(P, d(2026, 3, 2));
    assert_eq!((l.sign_overdue, l.handling_overdue, l.level), (false, false, Escalation::Reminder));
    assert_eq!(l.days_left, Some(15));
    let l = dist.lateness(P, d(2026, 3, 4));
    assert_eq!((l.sign_overdue, l.handling_overdue, l.level), (true, false, Escalation::Yellow));
    assert_eq!(l.days_overdue, 0, "days overdue are counted against the handling deadline");
    // 5 WD after the sign deadline (03-04, 05, 06, 09, 10): red.
    assert_eq!(level(&dist, d(2026, 3, 9)), Escalation::Yellow);
    assert_eq!(level(&dist, d(2026, 3, 10)), Escalation::Red);
    // Once signed, only the handling deadline counts.
    dist.ok(D1, cmds::sign(P), at(2026, 3, 10));
    let l = dist.lateness(P, d(2026, 3, 10));
    assert_eq!((l.sign_overdue, l.level), (false, Escalation::None));
}

#[test]
fn an_upheld_return_restarts_only_the_sign_clock() {
    let mut dist = District::new();
    dist.disputed(P, at(2026, 3, 2));
    // Disputed: the clock runs on the handling deadline (the lead still owns the item).
    let l = dist.lateness(P, d(2026, 3, 4));
    assert_eq!((l.sign_overdue, l.days_left, l.level), (false, Some(13), Escalation::None));
    dist.ok(OFFICE, cmds::uphold(P), at(2026, 3, 4)); // new sign deadline 03-05
    assert_eq!(level(&dist, d(2026, 3, 4)), Escalation::Reminder);
    assert!(!dist.lateness(P, d(2026, 3, 5)).sign_overdue);
    assert!(dist.lateness(P, d(2026, 3, 6)).sign_overdue);
    // The handling deadline did not move: overdue from 03-24.
    assert!(!dist.lateness(P, d(2026, 3, 23)).handling_overdue);
    assert!(dist.lateness(P, d(2026, 3, 24)).handling_overdue);
}

#[test]
fn an_urge_with_a_level_raises_the_level() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.in_progress(P, t); // deadline 03-23, far away
    assert_eq!(level(&dist, d(2026, 3, 3)), Escalation::None);
    dist.ok(OFFICE, cmds::urge(P, Escalation::Yellow), at(2026, 3, 3));
    let l = dist.lateness(P, d(2026, 3, 3));
    assert_eq!(l.level, Escalation::Yellow);
    assert!(!l.handling_overdue, "an urge is not lateness");
    assert_eq!(l.days_left, Some(14));
    // A lower time level never lowers it; a higher one wins.
    assert_eq!(level(&dist, d(2026, 3, 20)), Escalation::Yellow);
    assert_eq!(level(&dist, d(2026, 3, 30)), Escalation::Red);
    // A red urge is red at once.
    let mut dist = District::new();
    dist.in_progress(P, t);
    dist.ok(OFFICE, cmds::urge(P, Escalation::Red), t);
    assert_eq!(level(&dist, d(2026, 3, 2)), Escalation::Red);
}

#[test]
fn a_second_urge_is_red() {
    let mut dist = District::new();
    dist.in_progress(P, at(2026, 3, 2));
    dist.ok(OFFICE, cmds::urge(P, Escalation::Reminder), at(2026, 3, 3));
    assert_eq!(level(&dist, d(2026, 3, 3)), Escalation::Reminder);
    dist.ok(OFFICE, cmds::urge(P, Escalation::Reminder), at(2026, 3, 4));
    let l = dist.lateness(P, d(2026, 3, 4));
    assert_eq!(l.level, Escalation::Red);
    assert!(!l.handling_overdue);
    // The count is a setting.
    dist.update_settings(|s| s.red_urges = 3, at(2026, 3, 4));
    assert_eq!(level(&dist, d(2026, 3, 4)), Escalation::Reminder);
    dist.ok(OFFICE, cmds::urge(P, Escalation::Reminder), at(2026, 3, 5));
    assert_eq!(level(&dist, d(2026, 3, 5)), Escalation::Red);
}

#[test]
fn no_escalation_once_resolved_closed_or_not_yet_assigned() {
    let mut dist = urgent_signed();
    dist.ok(OFFICE, cmds::urge(P, Escalation::Yellow), at(2026, 3, 10));
    dist.ok(OFFICE, cmds::urge(P, Escalation::Red), at(2026, 3, 11));
    assert_eq!(level(&dist, d(2026, 3, 11)), Escalation::Red);
    // Resolved late: lateness no longer shows (it was counted in the resolution).
    dist.ok(D1, cmds::resolve(P, ResultType::Solved), at(2026, 3, 12));
    assert!(!dist.problem(P).resolutions[0].on_time);
    for today in [d(2026, 3, 12), d(2026, 3, 31), d(2026, 12, 31)] {
        assert_eq!(dist.lateness(P, today), Lateness::NONE, "{today}");
    }
    dist.ok(T1, cmds::evaluate(P, Satisfaction::Basic, ""), at(2026, 3, 13));
    dist.ok(OFFICE, cmds::close(P), at(2026, 3, 13));
    assert_eq!(dist.status(P), Status::Closed);
    assert_eq!(dist.lateness(P, d(2026, 4, 30)), Lateness::NONE);
    // Registered (no assignment) and locally resolved items have no lateness either.
    let mut dist = District::new();
    dist.registered(P, at(2026, 3, 2));
    assert_eq!(dist.lateness(P, d(2026, 12, 31)), Lateness::NONE);
    let mut dist = District::new();
    dist.resolved_locally(P, at(2026, 3, 2));
    assert_eq!(dist.lateness(P, d(2026, 12, 31)), Lateness::NONE);
}

#[test]
fn a_reopened_item_escalates_against_its_new_deadline() {
    let mut dist = urgent_signed();
    dist.ok(D1, cmds::resolve(P, ResultType::Solved), at(2026, 3, 12));
    dist.ok(T1, cmds::evaluate(P, Satisfaction::Unsatisfied, "没解决"), at(2026, 3, 13));
    // Urgent: 5 WD from Fri 03-13 = Fri 03-20.
    assert_eq!(dist.assignment(P).handling_deadline, d(2026, 3, 20));
    assert_eq!(level(&dist, d(2026, 3, 13)), Escalation::None);
    assert_eq!(level(&dist, d(2026, 3, 18)), Escalation::Reminder);
    assert_eq!(level(&dist, d(2026, 3, 23)), Escalation::Yellow);
    assert_eq!(level(&dist, d(2026, 3, 27)), Escalation::Red);
}

#[test]
fn cutoffs_follow_the_2026_holidays() {
    let cal = Calendar::with_builtin_years();
    let s = Settings::default();
    // Thu 02-12: 3 WD on = 02-13, 02-14 (make-up Sat), 02-24; 5 WD back = (02-05, 02-12].
    let cut = escalation_cutoffs(d(2026, 2, 12), &cal, &s);
    assert_eq!(cut.today, d(2026, 2, 12));
    assert_eq!(cut.reminder_before, d(2026, 2, 24));
    assert_eq!(cut.red_on_or_before, d(2026, 2, 5));
    assert_eq!(cut.red_urges, 2);
    assert_eq!(cut.time_level(d(2026, 2, 14)), Escalation::Reminder);
    assert_eq!(cut.time_level(d(2026, 2, 23)), Escalation::Reminder, "a holiday before the 3rd WD");
    assert_eq!(cut.time_level(d(2026, 2, 24)), Escalation::None);
    assert_eq!(cut.time_level(d(2026, 2, 11)), Escalation::Yellow);
    assert_eq!(cut.time_level(d(2026, 2, 6)), Escalation::Yellow);
    assert_eq!(cut.time_level(d(2026, 2, 5)), Escalation::Red);
    // A deadline of Fri 02-13 seen after 春节: 02-14 and 02-24 are the only WDs in between.
    let level = |today: NaiveDate| escalation_cutoffs(today, &cal, &s).time_level(d(2026, 2, 13));
    assert_eq!(level(d(2026, 2, 20)), Escalation::Yellow);
    assert_eq!(level(d(2026, 2, 24)), Escalation::Yellow);
    assert_eq!(level(d(2026, 2, 26)), Escalation::Yellow, "4 WD");
    assert_eq!(level(d(2026, 2, 27)), Escalation::Red, "5 WD");
    assert_eq!(cal.working_days_between(d(2026, 2, 13), d(2026, 2, 27)), 5);
    // Urgent item assigned 02-12 (deadline 02-26): no reminder during the holiday week.
    let mut dist = District::new();
    let t = at(2026, 2, 12);
    dist.register_as(T1, P, E1, Priority::Urgent, "融资", t);
    dist.ok(OFFICE, cmds::assign(P, U_D1, &[]), t);
    dist.ok(D1, cmds::sign(P), t);
    assert_eq!(level_of(&dist, d(2026, 2, 20)), Escalation::None, "3 WD left");
    assert_eq!(level_of(&dist, d(2026, 2, 23)), Escalation::None, "still 3 WD left");
    assert_eq!(level_of(&dist, d(2026, 2, 24)), Escalation::Reminder);
}

fn level_of(dist: &District, today: NaiveDate) -> Escalation {
    dist.lateness(P, today).level
}

// ---------------------------------------------------------------------------------------------
// Property: the cut-off dates agree with counting working days directly
// ---------------------------------------------------------------------------------------------

fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(Calendar::with_builtin_years)
}

fn date_2025_2026() -> impl Strategy<Value = NaiveDate> {
    (0u64..730).prop_map(|n| d(2025, 1, 1) + chrono::Days::new(n))
}

/// Red iff working_days_between(deadline, today) >= red_days; Yellow iff today > deadline
/// otherwise; Reminder iff 0 <= working_days_between(today, deadline) <= reminder_days.
fn direct_level(cal: &Calendar, s: &Settings, deadline: NaiveDate, today: NaiveDate) -> Escalation {
    let overdue = cal.working_days_between(deadline, today);
    let left = cal.working_days_between(today, deadline);
    if overdue >= i64::from(s.red_days) {
        Escalation::Red
    } else if today > deadline {
        Escalation::Yellow
    } else if (0..=i64::from(s.reminder_days)).contains(&left) {
        Escalation::Reminder
    } else {
        Escalation::None
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn time_level_agrees_with_working_day_counts(deadline in date_2025_2026(), today in date_2025_2026()) {
        let cal = calendar();
        let s = Settings::default();
        let cut = escalation_cutoffs(today, cal, &s);
        prop_assert_eq!(cut.time_level(deadline), direct_level(cal, &s, deadline, today));
    }

    #[test]
    fn time_level_agrees_for_any_thresholds(
        deadline in date_2025_2026(),
        today in date_2025_2026(),
        reminder_days in 0u32..8,
        red_days in 1u32..15,
    ) {
        let cal = calendar();
        let s = Settings { reminder_days, red_days, ..Settings::default() };
        let cut = escalation_cutoffs(today, cal, &s);
        prop_assert_eq!(cut.time_level(deadline), direct_level(cal, &s, deadline, today));
    }

    #[test]
    fn near_deadlines_agree_too(today in date_2025_2026(), offset in -40i64..40) {
        // Dense around today, where the cut-offs are.
        let deadline = today + chrono::Duration::days(offset);
        let cal = calendar();
        let s = Settings::default();
        prop_assert_eq!(escalation_cutoffs(today, cal, &s).time_level(deadline), direct_level(cal, &s, deadline, today));
    }
}

/// `lateness` of a running item agrees with the direct counts for every day of 2026.
#[test]
fn lateness_agrees_with_direct_counts_all_year() {
    let dist = urgent_signed();
    let cal = calendar();
    let s = Settings::default();
    let deadline = d(2026, 3, 9);
    for today in d(2026, 1, 1).iter_days().take_while(|t| *t <= d(2026, 12, 31)) {
        let l = dist.lateness(P, today);
        assert_eq!(l.level, direct_level(cal, &s, deadline, today), "{today}");
        assert_eq!(l.handling_overdue, today > deadline, "{today}");
        if today > deadline {
            assert_eq!(l.days_overdue, cal.working_days_between(deadline, today));
            assert_eq!(l.days_left, None);
        } else {
            assert_eq!(l.days_overdue, 0);
            assert_eq!(l.days_left, Some(cal.working_days_between(today, deadline)));
        }
    }
}

#[test]
fn a_resolved_item_says_whether_it_finished_on_time_or_how_many_working_days_late() {
    use taizhang_core::escalation::{finished, Finished};
    let mut d = District::new();
    let on_time = d.closed("p-on-time", at(2026, 3, 2));
    assert_eq!(finished(&on_time, &d.w.calendar), Some(Finished { on_time: true, days_late: 0 }));
    // Resolved three working days after its deadline.
    let p = d.in_progress_settled("p-late", at(2026, 3, 2));
    let deadline = p.assignment.unwrap().handling_deadline;
    let late_day = d.w.calendar.add_working_days(deadline, 3);
    d.ok(D1, cmds::resolve("p-late", ResultType::Solved), at(late_day.year(), late_day.month(), late_day.day()));
    let late = d.problem("p-late");
    assert_eq!(finished(&late, &d.w.calendar), Some(Finished { on_time: false, days_late: 3 }));
    // An open item has not finished.
    let open = d.in_progress("p-open", at(2026, 3, 2));
    assert_eq!(finished(&open, &d.w.calendar), None);
}
