//! The range every date in the ledger must fall in.
//!
//! A date outside any sane range (year −1, 9999) is a typing slip, a sheet's garbage or a
//! clock gone wrong, never a fact about an enterprise's problem. Events are append-only, so a
//! date that gets into one stays forever: `decide` therefore refuses a command whose events
//! would carry a date outside the range, or that is made while the clock is outside it, before
//! any event exists. The first year is fixed; the last is a setting (`Settings::last_year`).
//!
//! The check is on the events a command decides, not on the command's fields: every date that
//! enters the chain is in an event, including the ones computed from the calendar (deadlines)
//! and the ones a sheet carries, and `event_dates` lists them with an exhaustive match, so a
//! new event kind with a date cannot be forgotten.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::error::DomainError;
use crate::event::{AssignmentTerms, EventBody};
use crate::model::local_date;
use crate::settings::Settings;

// The year bounds belong to the setting they bound (`Settings::last_year`), so `settings` needs
// nothing from this module; they stay reachable here, where the range is.
pub use crate::settings::{DEFAULT_LAST_YEAR, FIRST_YEAR, MAX_LAST_YEAR};

/// Why a `last_year` at or before the current year is refused (translated in the UI).
pub const LAST_YEAR_NOT_AHEAD: &str = "must be after the current year, or every later command is refused";

/// The dates a ledger accepts, first and last included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl DateRange {
    /// The range the settings allow. A `last_year` out of bounds (only a forged settings event
    /// can carry one: `Settings::validate` refuses it) is clamped, so the range always exists.
    pub fn of(settings: &Settings) -> DateRange {
        let last_year = settings.last_year.clamp(FIRST_YEAR, MAX_LAST_YEAR);
        DateRange {
            first: NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).expect("1 January exists"),
            last: NaiveDate::from_ymd_opt(last_year, 12, 31).expect("31 December exists"),
        }
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        (self.first..=self.last).contains(&d)
    }

    /// Refuses a date outside the range, naming the field it came in.
    pub fn check(&self, field: &str, d: NaiveDate) -> Result<(), DomainError> {
        if self.contains(d) {
            return Ok(());
        }
        Err(DomainError::DateOutOfRange {
            field: field.into(),
            date: d.to_string(),
            first: self.first.to_string(),
            last: self.last.to_string(),
        })
    }

    /// Refuses to act while the clock (its Beijing date) is outside the range: every event
    /// made now would carry that instant.
    pub fn check_clock(&self, now: DateTime<Utc>) -> Result<(), DomainError> {
        if self.contains(local_date(now)) {
            return Ok(());
        }
        Err(DomainError::ClockOutOfRange {
            now: crate::chain::format_instant(now),
            first: self.first.to_string(),
            last: self.last.to_string(),
        })
    }

    /// Refuses an event carrying a date outside the range.
    pub fn check_event(&self, body: &EventBody) -> Result<(), DomainError> {
        event_dates(body).into_iter().try_for_each(|(field, d)| self.check(field, d))
    }
}

fn terms_dates(t: &AssignmentTerms, out: &mut Vec<(&'static str, NaiveDate)>) {
    out.push(("sign_deadline", t.sign_deadline));
    out.push(("objection_deadline", t.objection_deadline));
    out.push(("handling_deadline", t.handling_deadline));
    out.extend(t.supporters.iter().map(|s| ("sub_deadline", s.sub_deadline)));
}

/// Every date an event carries, with the name of its field.
pub fn event_dates(body: &EventBody) -> Vec<(&'static str, NaiveDate)> {
    use EventBody as E;
    let mut out = Vec::new();
    match body {
        E::VisitRecorded { visit } => out.push(("date", visit.date)),
        E::IndicatorsReported { report } => out.push(("month", report.month.first_day())),
        E::ProductionReported { report } => out.push(("month", report.month.first_day())),
        E::ProjectProgressReported { progress } => out.push(("month", progress.month.first_day())),
        E::WarningRaised { warning } => out.push(("month", warning.period.first_day())),
        E::ProjectRegistered { project: p } | E::ProjectUpdated { project: p } => {
            for (field, d) in [
                ("planned_start", p.planned_start),
                ("planned_finish", p.planned_finish),
                ("actual_start", p.actual_start),
                ("actual_finish", p.actual_finish),
            ] {
                out.extend(d.map(|d| (field, d)));
            }
        }
        E::WarningHandled { .. } | E::ProblemLinked { .. } => {}
        E::CalendarYearSet { year } => {
            // The year itself: a schedule for a year outside the range is no use either.
            if let Some(jan1) = NaiveDate::from_ymd_opt(year.year, 1, 1) {
                out.push(("year", jan1));
            }
            out.extend(year.days.iter().map(|d| ("date", d.date)));
        }
        E::CalendarDaySet { date, .. } => out.push(("date", *date)),
        E::SettingsChanged { settings } => {
            out.extend(settings.campaign_start.map(|d| ("campaign_start", d)));
            out.extend(settings.campaign_end.map(|d| ("campaign_end", d)));
        }
        E::ProblemRegistered { raised_on, .. } => out.push(("raised_on", *raised_on)),
        E::ProblemImported { terms, row, .. } => {
            out.push(("raised_on", row.raised_on));
            for (field, d) in [
                ("assigned_on", row.assigned_on),
                ("handling_deadline", row.handling_deadline),
                ("signed_on", row.signed_on),
                ("resolved_on", row.resolved_on),
                ("closed_on", row.closed_on),
            ] {
                out.extend(d.map(|d| (field, d)));
            }
            if let Some(t) = terms {
                terms_dates(t, &mut out);
            }
        }
        E::Assigned { terms, .. } | E::Reassigned { terms, .. } => terms_dates(terms, &mut out),
        E::ReturnUpheld { sign_deadline, .. } => out.push(("sign_deadline", *sign_deadline)),
        E::ExtensionRequested { new_deadline, .. } => out.push(("new_deadline", *new_deadline)),
        E::Evaluated { reopen_deadline, .. } => out.extend(reopen_deadline.map(|d| ("reopen_deadline", d))),
        E::LedgerInitialized { .. }
        | E::UnitCreated { .. }
        | E::UnitUpdated { .. }
        | E::UserCreated { .. }
        | E::UserUpdated { .. }
        | E::PasswordSet { .. }
        | E::EnterpriseCreated { .. }
        | E::EnterpriseUpdated { .. }
        | E::ResolvedLocally { .. }
        | E::Signed { .. }
        | E::SupportAcknowledged { .. }
        | E::Returned { .. }
        | E::ProgressNoted { .. }
        | E::OpinionSubmitted { .. }
        | E::OpinionWaived { .. }
        | E::ExtensionRuled { .. }
        | E::Urged { .. }
        | E::Resolved { .. }
        | E::Closed { .. }
        | E::WithdrawalRequested { .. }
        | E::WithdrawalRuled { .. }
        | E::Instructed { .. }
        | E::DocumentIssued { .. }
        | E::BulletinIssued { .. } => {}
    }
    out
}

/// The checks `decide` makes on every command: the clock, then each event's dates. A settings
/// change is checked against the range it sets (it may widen the range for its own dates),
/// and may not move the last year to or before the current one, which would refuse every
/// later command, the one that could undo it included.
pub(crate) fn check_decided(now: DateTime<Utc>, settings: &Settings, events: &[EventBody]) -> Result<(), DomainError> {
    for body in events {
        match body {
            EventBody::SettingsChanged { settings: new } => {
                if new.last_year <= local_date(now).year() {
                    return Err(DomainError::invalid("last_year", LAST_YEAR_NOT_AHEAD));
                }
                DateRange::of(new).check_event(body)?;
            }
            _ => DateRange::of(settings).check_event(body)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_range_is_inclusive_and_follows_the_setting() {
        let mut s = Settings::default();
        let r = DateRange::of(&s);
        assert!(r.contains(d(2000, 1, 1)) && r.contains(d(2099, 12, 31)));
        assert!(!r.contains(d(1999, 12, 31)) && !r.contains(d(2100, 1, 1)));
        assert!(!r.contains(d(-1, 1, 1)) && !r.contains(d(9999, 1, 1)));
        s.last_year = 2200;
        assert!(DateRange::of(&s).contains(d(2200, 12, 31)));
        // A forged setting cannot make the range empty or unbounded.
        s.last_year = i32::MIN;
        assert_eq!(DateRange::of(&s).last, d(2000, 12, 31));
        s.last_year = i32::MAX;
        assert_eq!(DateRange::of(&s).last, d(9999, 12, 31));
    }

    #[test]
    fn a_clock_outside_the_range_is_named() {
        let r = DateRange::of(&Settings::default());
        let t = d(9999, 6, 1).and_hms_opt(2, 0, 0).unwrap().and_utc();
        let e = r.check_clock(t).unwrap_err();
        assert_eq!(e.code(), "clock.out_of_range");
        // The Beijing date counts: 2099-12-31T16:00Z is already 2100 in Beijing.
        assert!(r.check_clock(d(2099, 12, 31).and_hms_opt(15, 59, 0).unwrap().and_utc()).is_ok());
        assert!(r.check_clock(d(2099, 12, 31).and_hms_opt(16, 0, 0).unwrap().and_utc()).is_err());
    }
}
