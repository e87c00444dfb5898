//! Lateness, derived and never stored (DESIGN §4): overdue to sign, overdue to handle, working
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
    pub const NONE: Lateness =
        Lateness { sign_overdue: false, handling_overdue: false, days_overdue: 0, days_left: None, level: Escalation::None };
}

pub fn lateness(p: &Problem, today: NaiveDate, calendar: &Calendar, settings: &Settings) -> Lateness {
    let Some(a) = p.assignment.as_ref().filter(|_| p.status.clock_runs()) else {
        return Lateness::NONE;
    };
    let cut = escalation_cutoffs(today, calendar, settings);
    let sign_overdue = p.status == Status::Assigned && today > a.sign_deadline;
    let handling_overdue = today > a.handling_deadline;
    let mut level = cut.time_level(a.handling_deadline);
    if p.status == Status::Assigned {
        level = level.max(cut.time_level(a.sign_deadline));
    }
    if let Some(urged) = p.urges.iter().map(|u| u.level).max() {
        level = level.max(urged);
    }
    if p.urges.len() as u32 >= cut.red_urges {
        level = Escalation::Red;
    }
    Lateness {
        sign_overdue,
        handling_overdue,
        days_overdue: if handling_overdue { calendar.working_days_between(a.handling_deadline, today) } else { 0 },
        days_left: if handling_overdue { None } else { Some(calendar.working_days_between(today, a.handling_deadline)) },
        level,
    }
}
