//! The working-day calendar that every time limit is counted on.
//!
//! Chinese offices count limits in working days (工作日), "from the day after". Weekends are
//! not enough: the State Council moves days each year, turning weekdays into holidays and
//! some weekends into make-up workdays (调休上班). The schedule for next year is announced
//! every November and the app runs offline, so years are data the office enters or imports,
//! with 2025 and 2026 built in.
//!
//! The parts, lowest first (`tests/tidy.rs` holds the order): `schedule` (a year's schedule,
//! its checks and errors), `parse_json` and `parse_csv` (reading one from a file), `holidays`
//! (the years built in), `working_days` (the calendar: which days are worked), `deadlines`
//! (counting working days).

mod deadlines;
mod holidays;
mod parse_csv;
mod parse_json;
mod schedule;
mod working_days;

pub use holidays::builtin_years;
pub use parse_csv::parse_year_csv;
pub use parse_json::parse_year_json;
pub use schedule::{validate_year, CalendarDay, CalendarError, CalendarYear, MAX_CALENDAR_YEAR, MIN_CALENDAR_YEAR};
pub use working_days::Calendar;
