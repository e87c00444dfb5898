//! Lateness, derived and never stored (docs/design.md §4): overdue to sign, overdue to handle, working
//! days overdue or left, and the escalation level 提醒 → 黄牌 → 红牌.
//!
//! The level of one deadline depends only on where it falls against three cut-off dates
//! computed from today, the calendar and the settings. The ledger filters with the same
//! cut-offs in SQL, so a list filtered by level and the level shown on each row always agree.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::model::{Escalation, Status};
use crate::problem::Problem;
use crate::settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationCutoffs {
    pub today: NaiveDate,
    /// A deadline before this date (and not before today) is within the reminder window.
    pub reminder_before: NaiveDate,
    /// A deadline on or before this date is at least `red_days` working days overdue.
    pub red_on_or_before: NaiveDate,
    /// This many urges make it red whatever the dates say.
    pub red_urges: u32,
}

pub fn escalation_cutoffs(today: NaiveDate, calendar: &Calendar, settings: &Settings) -> EscalationCutoffs {
    EscalationCutoffs {
        today,
        reminder_before: calendar.add_working_days(today, settings.reminder_days + 1),
        red_on_or_before: calendar.sub_working_days(today, settings.red_days),
        red_urges: settings.red_urges,
    }
}

impl EscalationCutoffs {
    /// The level one deadline earns by time alone.
    pub fn time_level(&self, deadline: NaiveDate) -> Escalation {
        if deadline <= self.red_on_or_before {
            Escalation::Red
        } else if deadline < self.today {
            Escalation::Yellow
        } else if deadline < self.reminder_before {
            Escalation::Reminder
        } else {
            Escalation::None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Lateness {
    /// Overdue to sign: still unsigned after the sign deadline.
    pub sign_overdue: bool,
    /// Overdue to handle: open after the approved handling deadline.
    pub handling_overdue: bool,
    /// Working days past the handling deadline (0 when not overdue).
    #[ts(type = "number")]
    pub days_overdue: i64,
    /// Working days left until the handling deadline (None when not running or overdue).
    #[ts(type = "number | null")]
    pub days_left: Option<i64>,
    pub level: Escalation,
}

impl Lateness {
    pub const NONE: Lateness = Lateness {
        sign_overdue: false,
        handling_overdue: false,
        days_overdue: 0,
        days_left: None,
        level: Escalation::None,
    };
}

/// How a resolved or closed item finished against its deadline: 按期办结, or 超期 N 个工作日办结.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Finished {
    pub on_time: bool,
    /// Working days after the deadline in force when it was resolved (0 when on time).
    #[ts(type = "number")]
    pub days_late: i64,
}

/// How the item finished, for a resolved or closed one that a lead unit resolved against a
/// deadline (`None` otherwise: open, withdrawn, resolved locally, or imported without one).
pub fn finished(p: &Problem, calendar: &Calendar) -> Option<Finished> {
    if !matches!(p.status, Status::Resolved | Status::Closed) {
        return None;
    }
    let r = p.resolutions.last()?;
    let deadline = r.deadline?;
    let resolved_on = crate::model::local_date(r.at);
    let days_late = if r.on_time { 0 } else { calendar.working_days_between(deadline, resolved_on).max(1) };
    Some(Finished { on_time: r.on_time, days_late })
}

/// 已等待 N 天: how many calendar days a registration has waited for the office to assign it
/// (`None` once it is no longer waiting: assigned, resolved locally, withdrawn). Plain days, as
/// the enterprise waiting counts them, not working days; never negative, so a registration
/// dated after `today` (a clock set back) has waited 0 days.
pub fn waiting_days(status: Status, registered_on: NaiveDate, today: NaiveDate) -> Option<u32> {
    (status == Status::Registered).then(|| today.signed_duration_since(registered_on).num_days().max(0) as u32)
}

pub fn lateness(p: &Problem, today: NaiveDate, calendar: &Calendar, settings: &Settings) -> Lateness {
    lateness_of(ClockFacts::of(p).as_ref(), calendar, &escalation_cutoffs(today, calendar, settings))
}

/// The few facts of a problem its lateness depends on. The ledger list reads them from its
/// columns, so a page of rows needs no aggregate parsed and gets the same answer as `lateness`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockFacts {
    pub status: Status,
    pub sign_deadline: NaiveDate,
    pub handling_deadline: NaiveDate,
    /// The highest level among the urges (`Escalation::None` when never urged).
    pub urged: Escalation,
    pub urge_count: u32,
}

impl ClockFacts {
    /// None while the clock does not run (not assigned yet, resolved, closed…).
    pub fn of(p: &Problem) -> Option<ClockFacts> {
        let a = p.assignment.as_ref()?;
        ClockFacts {
            status: p.status,
            sign_deadline: a.sign_deadline,
            handling_deadline: a.handling_deadline,
            urged: p.urges.iter().map(|u| u.level).max().unwrap_or(Escalation::None),
            urge_count: p.urges.len() as u32,
        }
        .running()
    }

    /// These facts if the clock runs in their status.
    pub fn running(self) -> Option<ClockFacts> {
        self.status.clock_runs().then_some(self)
    }
}

/// `lateness` from its facts and cut-offs computed once for a whole list.
pub fn lateness_of(facts: Option<&ClockFacts>, calendar: &Calendar, cut: &EscalationCutoffs) -> Lateness {
    let Some(f) = facts.filter(|f| f.status.clock_runs()) else {
        return Lateness::NONE;
    };
    let today = cut.today;
    let sign_overdue = f.status == Status::Assigned && today > f.sign_deadline;
    let handling_overdue = today > f.handling_deadline;
    let mut level = cut.time_level(f.handling_deadline);
    if f.status == Status::Assigned {
        level = level.max(cut.time_level(f.sign_deadline));
    }
    level = level.max(f.urged);
    if f.urge_count >= cut.red_urges {
        level = Escalation::Red;
    }
    Lateness {
        sign_overdue,
        handling_overdue,
        days_overdue: if handling_overdue { calendar.working_days_between(f.handling_deadline, today) } else { 0 },
        days_left: if handling_overdue {
            None
        } else {
            Some(calendar.working_days_between(today, f.handling_deadline))
        },
        level,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_registration_waits_in_calendar_days_until_it_leaves_the_queue() {
        let registered = d("2026-03-02");
        assert_eq!(waiting_days(Status::Registered, registered, d("2026-03-02")), Some(0));
        // Across a weekend and a month end: days as the enterprise counts them.
        assert_eq!(waiting_days(Status::Registered, registered, d("2026-03-09")), Some(7));
        assert_eq!(waiting_days(Status::Registered, registered, d("2026-04-01")), Some(30));
        // A clock behind the registration does not make a negative wait.
        assert_eq!(waiting_days(Status::Registered, registered, d("2026-03-01")), Some(0));
        for s in Status::ALL.iter().copied().filter(|s| *s != Status::Registered) {
            assert_eq!(waiting_days(s, registered, d("2026-03-09")), None, "{s:?}");
        }
    }
}
