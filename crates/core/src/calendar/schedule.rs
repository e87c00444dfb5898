//! One year's official schedule (`CalendarYear`, its days), how it is checked however it was
//! built, and the errors of reading or checking one; the parts of a day both file readers share.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::period::parse_ymd;

/// Errors from importing or validating a year. `row` is 1-based: the line number in a CSV
/// file (the header is line 1), or the position in a JSON `days` list.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Serialize)]
pub enum CalendarError {
    #[error("row {row}: {text:?} is not a date (expected YYYY-MM-DD)")]
    BadDate { text: String, row: usize },
    #[error("row {row}: {date} is not in {year}; a schedule covers exactly one year")]
    MixedYears { year: i32, date: NaiveDate, row: usize },
    #[error("row {row}: {date} appears more than once")]
    DuplicateDate { date: NaiveDate, row: usize },
    #[error("the schedule lists no days")]
    Empty,
    #[error("unreadable schedule: {reason}")]
    BadFormat { reason: String },
    #[error("row {row}: {text:?} is not a day-off flag (expected true/false, 1/0, 休/班, 放假/上班)")]
    BadFlag { text: String, row: usize },
    #[error("year {year} is outside 2000–2100")]
    BadYear { year: i64 },
}

impl CalendarError {
    pub fn code(&self) -> &'static str {
        match self {
            CalendarError::BadDate { .. } => "calendar.bad_date",
            CalendarError::MixedYears { .. } => "calendar.mixed_years",
            CalendarError::DuplicateDate { .. } => "calendar.duplicate_date",
            CalendarError::Empty => "calendar.empty",
            CalendarError::BadFormat { .. } => "calendar.bad_format",
            CalendarError::BadFlag { .. } => "calendar.bad_flag",
            CalendarError::BadYear { .. } => "calendar.bad_year",
        }
    }
}

impl crate::coded::Coded for CalendarError {
    fn code(&self) -> &'static str {
        CalendarError::code(self)
    }
    fn params(&self) -> crate::coded::Params {
        crate::coded::serde_params(self)
    }
}

/// One day that departs from, or confirms, the Monday–Friday rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CalendarDay {
    pub date: NaiveDate,
    /// True for a day off (holiday), false for a working day (e.g. a make-up Saturday).
    pub off: bool,
    pub name: String,
}

/// One year's official schedule. Serializes to the JSON shape [`parse_year_json`] reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CalendarYear {
    pub year: i32,
    /// The notice the schedule comes from, shown so users can check the source.
    pub notice: String,
    pub days: Vec<CalendarDay>,
}

pub const MIN_CALENDAR_YEAR: i32 = 2000;
pub const MAX_CALENDAR_YEAR: i32 = 2100;

/// Checks a schedule however it was built (imported, typed in, deserialized): year in range,
/// at least one day, every day inside the year, no date twice.
pub fn validate_year(year: &CalendarYear) -> Result<(), CalendarError> {
    check_year(i64::from(year.year))?;
    if year.days.is_empty() {
        return Err(CalendarError::Empty);
    }
    let mut seen = BTreeSet::new();
    for (i, day) in year.days.iter().enumerate() {
        check_day(year.year, day.date, i + 1, &mut seen)?;
    }
    Ok(())
}

pub(super) fn check_year(year: i64) -> Result<i32, CalendarError> {
    match i32::try_from(year) {
        Ok(y) if (MIN_CALENDAR_YEAR..=MAX_CALENDAR_YEAR).contains(&y) => Ok(y),
        _ => Err(CalendarError::BadYear { year }),
    }
}

pub(super) fn check_day(
    year: i32,
    date: NaiveDate,
    row: usize,
    seen: &mut BTreeSet<NaiveDate>,
) -> Result<(), CalendarError> {
    if date.year() != year {
        return Err(CalendarError::MixedYears { year, date, row });
    }
    if !seen.insert(date) {
        return Err(CalendarError::DuplicateDate { date, row });
    }
    Ok(())
}

pub(super) fn parse_date(text: &str, row: usize) -> Result<NaiveDate, CalendarError> {
    parse_ymd(text).ok_or_else(|| CalendarError::BadDate { text: text.to_string(), row })
}

pub(super) fn parse_flag(text: &str, row: usize) -> Result<bool, CalendarError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "休" | "放假" => Ok(true),
        "false" | "0" | "班" | "上班" => Ok(false),
        _ => Err(CalendarError::BadFlag { text: text.to_string(), row }),
    }
}

pub(super) fn bad_format(reason: impl Into<String>) -> CalendarError {
    CalendarError::BadFormat { reason: reason.into() }
}

pub(super) fn sorted(year: i32, notice: String, mut days: Vec<CalendarDay>) -> CalendarYear {
    days.sort_by_key(|d| d.date);
    CalendarYear { year, notice, days }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn validate_year_catches_hand_built_schedules() {
        let day = |date, off| CalendarDay { date, off, name: String::new() };
        let ok = CalendarYear { year: 2027, notice: String::new(), days: vec![day(d(2027, 1, 1), true)] };
        assert_eq!(validate_year(&ok), Ok(()));
        let mut y = ok.clone();
        y.days.clear();
        assert_eq!(validate_year(&y), Err(CalendarError::Empty));
        let mut y = ok.clone();
        y.year = 1999;
        assert_eq!(validate_year(&y).unwrap_err().code(), "calendar.bad_year");
        let mut y = ok.clone();
        y.days.push(day(d(2028, 1, 1), true));
        assert_eq!(validate_year(&y).unwrap_err().code(), "calendar.mixed_years");
        let mut y = ok.clone();
        y.days.push(day(d(2027, 1, 1), false));
        assert_eq!(validate_year(&y), Err(CalendarError::DuplicateDate { date: d(2027, 1, 1), row: 2 }));
    }

    #[test]
    fn error_codes_are_distinct_and_serializable() {
        let all = [
            CalendarError::BadDate { text: "x".into(), row: 1 },
            CalendarError::MixedYears { year: 2027, date: d(2028, 1, 1), row: 1 },
            CalendarError::DuplicateDate { date: d(2027, 1, 1), row: 1 },
            CalendarError::Empty,
            CalendarError::BadFormat { reason: "x".into() },
            CalendarError::BadFlag { text: "x".into(), row: 1 },
            CalendarError::BadYear { year: 1 },
        ];
        let codes: BTreeSet<&str> = all.iter().map(CalendarError::code).collect();
        assert_eq!(codes.len(), all.len());
        for e in &all {
            assert!(e.code().starts_with("calendar."));
            assert!(!e.to_string().is_empty());
            serde_json::to_string(e).unwrap();
        }
    }
}
