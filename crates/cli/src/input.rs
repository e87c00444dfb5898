//! What the command line reads besides its arguments' shapes: dates, the core's labelled
//! values typed as text, the clock, and fresh ids.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use taizhang_core::china_offset;
use taizhang_ledger::LedgerError;

use crate::messages::CliError;

/// The clock. `TAIZHANG_NOW` pins it, for tests and reproducible examples.
pub fn now() -> Result<DateTime<Utc>, CliError> {
    match std::env::var("TAIZHANG_NOW") {
        Ok(s) if !s.is_empty() => DateTime::parse_from_rfc3339(&s)
            .map(|t| t.to_utc())
            .or_else(|_| parse_date(&s).map(at_ten))
            .map_err(|_| CliError::BadDate(s)),
        _ => Ok(Utc::now()),
    }
}

/// 10:00 Beijing time on a date.
fn at_ten(d: NaiveDate) -> DateTime<Utc> {
    china_offset().from_local_datetime(&d.and_hms_opt(10, 0, 0).expect("valid time")).unwrap().to_utc()
}

pub fn parse_date(s: &str) -> Result<NaiveDate, CliError> {
    let t = s.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y/%m/%d"))
        .map_err(|_| CliError::BadDate(s.to_string()))
}

pub fn opt_date(s: &Option<String>) -> Result<Option<NaiveDate>, CliError> {
    s.as_deref().map(parse_date).transpose()
}

/// A labelled value typed as text (`--status`, `--priority`…), by the core's own `parse`
/// (key or Chinese label).
pub fn parse_enum<T>(field: &str, s: &str, parse: fn(&str) -> Option<T>) -> Result<T, CliError> {
    parse(s).ok_or_else(|| CliError::Ledger(LedgerError::bad_input(field, format!("unknown value {s:?}"))))
}

pub fn new_id() -> String {
    taizhang_ledger::new_id(Utc::now())
}
