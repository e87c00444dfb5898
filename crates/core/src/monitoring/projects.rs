//! Key projects' monthly progress: the completion rate of the year's planned investment, 序时进度
//! (the share of the year elapsed: months ÷ 12) and the pace that compares them. A report
//! "1—8月 completed 74% of the annual plan, 超序时进度 7.33 个百分点" is 74 − 8 ÷ 12 × 100.

use serde::{Deserialize, Serialize};

use super::indicators::{round2, Amount, Month};

crate::model::labelled_enum!(
    /// 超前 / 正常 / 滞后 against 序时进度.
    Pace in "pace" { Ahead = "ahead", OnTrack = "on_track", Behind = "behind" }
);

/// 序时进度 through `month`, in percent, two decimals (8 months: 66.67).
pub fn time_progress(month: Month) -> f64 {
    round2(month.month as f64 / 12.0 * 100.0)
}

/// 完成率: the year's cumulative completed investment over the year's plan, in percent.
/// `None` without a plan (a plan of zero has no rate).
pub fn completion_rate(completed_this_year: Amount, annual_plan: Amount) -> Option<f64> {
    if annual_plan.0 <= 0 {
        return None;
    }
    Some(round2(completed_this_year.0 as f64 / annual_plan.0 as f64 * 100.0))
}

/// How far ahead of 序时进度 the completion rate is, in percentage points (negative: behind).
pub fn points_ahead(rate: f64, month: Month) -> f64 {
    round2(rate - time_progress(month))
}

/// 超前 when the rate is more than `tolerance` points ahead of 序时进度, 滞后 when more than
/// `tolerance` behind, else 正常 (the tolerance is an office setting; our default is 5 points).
pub fn pace(rate: f64, month: Month, tolerance: f64) -> Pace {
    let ahead = points_ahead(rate, month);
    if ahead > tolerance {
        Pace::Ahead
    } else if ahead < -tolerance {
        Pace::Behind
    } else {
        Pace::OnTrack
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(n: u32) -> Month {
        Month::new(2026, n).unwrap()
    }

    #[test]
    fn time_progress_and_points_match_the_published_example() {
        assert_eq!(time_progress(m(8)), 66.67);
        assert_eq!(time_progress(m(12)), 100.0);
        assert_eq!(time_progress(m(1)), 8.33);
        // 1—8月 completed 74 % of the annual plan: 超序时进度 7.33 个百分点.
        assert_eq!(points_ahead(74.0, m(8)), 7.33);
        // 3,700 of a 5,000 万元 plan is 74 %.
        assert_eq!(completion_rate(Amount(370000), Amount(500000)), Some(74.0));
        assert_eq!(completion_rate(Amount(1), Amount::ZERO), None);
    }

    #[test]
    fn the_pace_turns_at_the_tolerance() {
        // 序时 at June is 50 %; tolerance 5 points.
        assert_eq!(pace(55.0, m(6), 5.0), Pace::OnTrack, "exactly 5 ahead is on track");
        assert_eq!(pace(55.01, m(6), 5.0), Pace::Ahead);
        assert_eq!(pace(45.0, m(6), 5.0), Pace::OnTrack, "exactly 5 behind is on track");
        assert_eq!(pace(44.99, m(6), 5.0), Pace::Behind);
        assert_eq!(pace(74.0, m(8), 5.0), Pace::Ahead);
    }
}
