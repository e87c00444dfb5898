//! The working-day calendar that every time limit is counted on.
//!
//! Chinese offices count limits in working days (工作日), "from the day after". Weekends are
//! not enough: the State Council moves days each year, turning weekdays into holidays and
//! some weekends into make-up workdays (调休上班). The schedule for next year is announced
//! every November and the app runs offline, so years are data the office enters or imports,
//! with 2025 and 2026 built in.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound::{Excluded, Included, Unbounded};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::period::parse_ymd;

/// Errors from importing or validating a year. `row` is 1-based: the line number in a CSV
/// file (the header is line 1), or the position in a JSON `days` list.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Serialize)]
pub enum CalendarError {
    #[error("row {row}: {text:?} is not a date (expected YYYY-MM-DD)")]
    BadDate { text: String, row: usize },
    #[error("row {row}: {date} is not in {year}; a schedule covers exactly one year")]
    MixedYears {
        year: i32,
        date: NaiveDate,
        row: usize,
    },
    #[error("row {row}: {date} appears more than once")]
    DuplicateDate { date: NaiveDate, row: usize },
    #[error("the schedule lists no days")]
    Empty,
    #[error("unreadable schedule: {reason}")]
    BadFormat { reason: String },
    #[error(
        "row {row}: {text:?} is not a day-off flag (expected true/false, 1/0, 休/班, 放假/上班)"
    )]
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

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    overrides: BTreeMap<NaiveDate, (bool, String)>,
    notices: BTreeMap<i32, String>,
}

fn default_working(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Number of Monday–Friday days up to and including `d`, from a fixed origin. Only
/// differences are meaningful; they give weekday counts in O(1) for any span.
fn weekdays_through(d: NaiveDate) -> i64 {
    let day = i64::from(d.num_days_from_ce());
    let from_monday = i64::from(d.weekday().num_days_from_monday());
    // Every Monday is congruent mod 7, so div_euclid numbers the weeks consecutively.
    let week = (day - from_monday).div_euclid(7);
    5 * week + (from_monday + 1).min(5)
}

fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

fn days_between(a: NaiveDate, b: NaiveDate) -> u64 {
    u64::try_from((b - a).num_days()).unwrap_or(0)
}

impl Calendar {
    pub fn new() -> Self {
        Self::default()
    }

    /// A calendar with [`builtin_years`] loaded.
    pub fn with_builtin_years() -> Self {
        let mut cal = Self::new();
        for y in builtin_years() {
            cal.set_year(&y);
        }
        cal
    }

    /// Replaces every override inside `year.year`, and its notice, with `year`. Days that fall
    /// outside that year are ignored, so that a year can always be replaced as a whole; use
    /// [`validate_year`] first to reject such input instead.
    pub fn set_year(&mut self, year: &CalendarYear) {
        let Some((first, last)) = year_bounds(year.year) else {
            return;
        };
        let stale: Vec<NaiveDate> = self
            .overrides
            .range(first..=last)
            .map(|(d, _)| *d)
            .collect();
        for d in stale {
            self.overrides.remove(&d);
        }
        for day in &year.days {
            if day.date.year() == year.year {
                self.overrides.insert(day.date, (day.off, day.name.clone()));
            }
        }
        self.notices.insert(year.year, year.notice.clone());
    }

    /// Sets one day's override; `None` removes it, so the Monday–Friday rule applies again.
    pub fn set_day(&mut self, date: NaiveDate, off: Option<bool>, name: &str) {
        match off {
            Some(off) => {
                self.overrides.insert(date, (off, name.to_string()));
            }
            None => {
                self.overrides.remove(&date);
            }
        }
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.overrides.get(&d) {
            Some((off, _)) => !off,
            None => default_working(d),
        }
    }

    /// The override for `d` as (off, name), or `None` when the Monday–Friday rule applies.
    pub fn day_info(&self, d: NaiveDate) -> Option<(bool, String)> {
        self.overrides.get(&d).cloned()
    }

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

    pub fn notice(&self, year: i32) -> Option<&str> {
        self.notices.get(&year).map(String::as_str)
    }

    /// Years whose schedule has been loaded (those with a notice), ascending.
    pub fn years(&self) -> Vec<i32> {
        self.notices.keys().copied().collect()
    }

    /// The overrides of `year` as a schedule, days sorted; `None` when the year has neither a
    /// notice nor any override. A year with overrides but no notice gets an empty notice.
    pub fn year(&self, year: i32) -> Option<CalendarYear> {
        let (first, last) = year_bounds(year)?;
        let days: Vec<CalendarDay> = self
            .overrides
            .range(first..=last)
            .map(|(date, (off, name))| CalendarDay {
                date: *date,
                off: *off,
                name: name.clone(),
            })
            .collect();
        let notice = self.notices.get(&year);
        if notice.is_none() && days.is_empty() {
            return None;
        }
        Some(CalendarYear {
            year,
            notice: notice.cloned().unwrap_or_default(),
            days,
        })
    }

    /// True when a schedule was loaded for `year` (it has a notice); single days set with
    /// [`Calendar::set_day`] do not count, so the app can warn that a year is missing.
    pub fn has_year(&self, year: i32) -> bool {
        self.notices.contains_key(&year)
    }
}

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

fn check_year(year: i64) -> Result<i32, CalendarError> {
    match i32::try_from(year) {
        Ok(y) if (MIN_CALENDAR_YEAR..=MAX_CALENDAR_YEAR).contains(&y) => Ok(y),
        _ => Err(CalendarError::BadYear { year }),
    }
}

fn check_day(
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

fn parse_date(text: &str, row: usize) -> Result<NaiveDate, CalendarError> {
    parse_ymd(text).ok_or_else(|| CalendarError::BadDate {
        text: text.to_string(),
        row,
    })
}

fn parse_flag(text: &str, row: usize) -> Result<bool, CalendarError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "休" | "放假" => Ok(true),
        "false" | "0" | "班" | "上班" => Ok(false),
        _ => Err(CalendarError::BadFlag {
            text: text.to_string(),
            row,
        }),
    }
}

fn bad_format(reason: impl Into<String>) -> CalendarError {
    CalendarError::BadFormat {
        reason: reason.into(),
    }
}

fn sorted(year: i32, notice: String, mut days: Vec<CalendarDay>) -> CalendarYear {
    days.sort_by_key(|d| d.date);
    CalendarYear { year, notice, days }
}

/// Reads one year from JSON, in either of two shapes:
/// - ours (what [`CalendarYear`] serializes to):
///   `{"year":2027,"notice":"...","days":[{"date":"2027-01-01","off":true,"name":"元旦"}]}`
/// - NateScarlet/holiday-cn's:
///   `{"year":2027,"papers":["https://..."],"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}`;
///   the notice becomes the papers joined by "; ".
///
/// Unknown fields (such as holiday-cn's `$schema`) are ignored. Days come back sorted.
pub fn parse_year_json(text: &str) -> Result<CalendarYear, CalendarError> {
    use serde_json::Value;

    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root: Value =
        serde_json::from_str(text).map_err(|e| bad_format(format!("invalid JSON: {e}")))?;
    let obj = root
        .as_object()
        .ok_or_else(|| bad_format("expected a JSON object"))?;

    let year = match obj.get("year") {
        Some(Value::Number(n)) => match n.as_i64() {
            Some(y) => check_year(y)?,
            None => {
                return Err(bad_format(format!(
                    "\"year\" must be a whole number, found {n}"
                )))
            }
        },
        Some(other) => {
            return Err(bad_format(format!(
                "\"year\" must be a number, found {other}"
            )))
        }
        None => return Err(bad_format("missing \"year\"")),
    };

    let notice = match (obj.get("notice"), obj.get("papers")) {
        (Some(Value::String(s)), _) => s.clone(),
        (Some(Value::Null) | None, Some(Value::Array(papers))) => {
            let papers: Option<Vec<&str>> = papers.iter().map(Value::as_str).collect();
            papers
                .ok_or_else(|| bad_format("\"papers\" must be a list of strings"))?
                .join("; ")
        }
        (Some(Value::Null) | None, Some(Value::Null) | None) => String::new(),
        (Some(_), _) => return Err(bad_format("\"notice\" must be a string")),
        (_, Some(_)) => return Err(bad_format("\"papers\" must be a list of strings")),
    };

    let days = match obj.get("days") {
        Some(Value::Array(days)) => days,
        Some(_) => return Err(bad_format("\"days\" must be a list")),
        None => return Err(bad_format("missing \"days\"")),
    };
    if days.is_empty() {
        return Err(CalendarError::Empty);
    }

    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(days.len());
    for (i, day) in days.iter().enumerate() {
        let row = i + 1;
        let day = day
            .as_object()
            .ok_or_else(|| bad_format(format!("day {row} must be an object")))?;
        let date = match day.get("date") {
            Some(Value::String(s)) => parse_date(s, row)?,
            Some(other) => {
                return Err(CalendarError::BadDate {
                    text: other.to_string(),
                    row,
                })
            }
            None => return Err(bad_format(format!("day {row} has no \"date\""))),
        };
        check_day(year, date, row, &mut seen)?;
        let off = match day.get("off").or_else(|| day.get("isOffDay")) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => parse_flag(s, row)?,
            Some(Value::Number(n)) => parse_flag(&n.to_string(), row)?,
            Some(other) => {
                return Err(CalendarError::BadFlag {
                    text: other.to_string(),
                    row,
                })
            }
            None => {
                return Err(bad_format(format!(
                    "day {row} has no \"off\" or \"isOffDay\""
                )))
            }
        };
        let name = match day.get("name") {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Null) | None => String::new(),
            Some(_) => return Err(bad_format(format!("day {row}: \"name\" must be a string"))),
        };
        out.push(CalendarDay { date, off, name });
    }
    Ok(sorted(year, notice, out))
}

#[derive(Clone, Copy, PartialEq)]
enum Column {
    Date,
    Off,
    Name,
}

fn column_of(header: &str) -> Option<Column> {
    match header.trim().to_lowercase().as_str() {
        "date" | "日期" => Some(Column::Date),
        "off" | "isoffday" | "放假" => Some(Column::Off),
        "name" | "名称" => Some(Column::Name),
        _ => None,
    }
}

/// Reads one year from CSV with a header row `date,off,name` (or `日期,放假,名称`; columns in
/// any order, extra columns ignored, `name` optional). `off` accepts true/false, 1/0, 休/班,
/// 放假/上班. The year is taken from the dates. A UTF-8 BOM (as Excel writes) is skipped,
/// and so are blank lines. Days come back sorted.
pub fn parse_year_csv(text: &str, notice: &str) -> Result<CalendarYear, CalendarError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());

    let headers = reader
        .headers()
        .map_err(|e| bad_format(format!("invalid CSV header: {e}")))?
        .clone();
    let mut columns: [Option<usize>; 3] = [None; 3];
    for (i, h) in headers.iter().enumerate() {
        if let Some(col) = column_of(h) {
            let slot = &mut columns[col as usize];
            if slot.is_some() {
                return Err(bad_format(format!("column {h:?} appears twice")));
            }
            *slot = Some(i);
        }
    }
    let (Some(date_col), Some(off_col)) = (
        columns[Column::Date as usize],
        columns[Column::Off as usize],
    ) else {
        return Err(bad_format(
            "the header must have date and off columns (or 日期 and 放假)",
        ));
    };
    let name_col = columns[Column::Name as usize];

    let mut year = None;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad_format(format!("invalid CSV: {e}")))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let row = record.position().map_or(0, |p| p.line() as usize);
        let field = |i: usize| record.get(i).unwrap_or("");
        let date = parse_date(field(date_col), row)?;
        let y = match year {
            Some(y) => y,
            None => {
                let y = check_year(i64::from(date.year()))?;
                year = Some(y);
                y
            }
        };
        check_day(y, date, row, &mut seen)?;
        let off = parse_flag(field(off_col), row)?;
        let name = name_col.map(field).unwrap_or("").to_string();
        out.push(CalendarDay { date, off, name });
    }
    let year = year.ok_or(CalendarError::Empty)?;
    Ok(sorted(year, notice.to_string(), out))
}

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
            let date = |(m, d): (u32, u32)| {
                NaiveDate::from_ymd_opt(s.year, m, d).expect("built-in dates are valid")
            };
            let mut days = Vec::new();
            for &(first, last, name) in s.off {
                let (first, last) = (date(first), date(last));
                days.extend(
                    first
                        .iter_days()
                        .take_while(|d| *d <= last)
                        .map(|d| CalendarDay {
                            date: d,
                            off: true,
                            name: name.to_string(),
                        }),
                );
            }
            for &(md, name) in s.work {
                days.push(CalendarDay {
                    date: date(md),
                    off: false,
                    name: name.to_string(),
                });
            }
            sorted(s.year, s.notice.to_string(), days)
        })
        .collect()
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
        from.iter_days()
            .skip(1)
            .take_while(|x| *x <= to)
            .filter(|x| c.is_working_day(*x))
            .count() as i64
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
        assert_eq!(
            c.day_info(d(2026, 9, 26)),
            Some((true, "中秋节".to_string()))
        );
        assert_eq!(
            c.day_info(d(2026, 2, 14)),
            Some((false, "春节调休上班".to_string()))
        );
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
        assert_eq!(
            c.day_info(d(2025, 10, 8)),
            Some((true, "国庆节、中秋节".to_string()))
        );
        assert!(!c.is_working_day(d(2025, 1, 28)));
        assert!(!c.is_working_day(d(2025, 2, 4)));
        assert!(c.is_working_day(d(2025, 2, 5)));
        assert!(!c.is_working_day(d(2025, 6, 2)));
    }

    #[test]
    fn builtin_years_match_the_notes() {
        let years = builtin_years();
        assert_eq!(
            years.iter().map(|y| y.year).collect::<Vec<_>>(),
            vec![2025, 2026]
        );
        assert_eq!(
            years[0].notice,
            "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）"
        );
        assert_eq!(
            years[1].notice,
            "国务院办公厅关于2026年部分节假日安排的通知"
        );
        for y in &years {
            validate_year(y).unwrap();
            assert!(y.days.windows(2).all(|w| w[0].date < w[1].date), "sorted");
            for day in &y.days {
                // An override that agrees with the weekly rule would be noise in the table,
                // except inside a holiday run, where weekends carry the holiday's name.
                if !day.off {
                    assert!(
                        !default_working(day.date),
                        "{} make-up on a weekday",
                        day.date
                    );
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
        let names: BTreeSet<&str> = years
            .iter()
            .flat_map(|y| &y.days)
            .map(|x| x.name.as_str())
            .collect();
        for name in [
            "元旦",
            "春节",
            "清明节",
            "劳动节",
            "端午节",
            "中秋节",
            "国庆节",
            "国庆节、中秋节",
        ] {
            assert!(names.contains(name), "{name}");
        }
    }

    #[test]
    fn year_round_trips_through_the_calendar() {
        let c = cal();
        for y in builtin_years() {
            assert_eq!(c.year(y.year), Some(y.clone()));
            assert!(c.has_year(y.year));
            assert_eq!(c.notice(y.year), Some(y.notice.as_str()));
        }
        assert_eq!(c.years(), vec![2025, 2026]);
        assert!(!c.has_year(2027));
        assert_eq!(c.year(2027), None);
        assert_eq!(c.notice(2027), None);
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
    fn set_day_overrides_and_removes() {
        let mut c = cal();
        let monday = d(2027, 3, 1);
        assert!(c.is_working_day(monday));
        c.set_day(monday, Some(true), "临时放假");
        assert!(!c.is_working_day(monday));
        assert_eq!(c.day_info(monday), Some((true, "临时放假".to_string())));
        assert!(!c.has_year(2027), "a single day is not a loaded year");
        assert_eq!(c.year(2027).unwrap().notice, "");
        assert_eq!(c.year(2027).unwrap().days.len(), 1);
        c.set_day(monday, None, "");
        assert!(c.is_working_day(monday));
        assert_eq!(c.day_info(monday), None);
        assert_eq!(c.year(2027), None);

        // Removing a built-in make-up day restores the weekend.
        c.set_day(d(2026, 2, 14), None, "");
        assert!(!c.is_working_day(d(2026, 2, 14)));
        // A weekday can be declared working explicitly; it stays working.
        c.set_day(d(2027, 3, 2), Some(false), "加班");
        assert!(c.is_working_day(d(2027, 3, 2)));
        assert_eq!(c.working_days_between(d(2027, 3, 1), d(2027, 3, 2)), 1);
    }

    #[test]
    fn set_year_replaces_the_whole_year() {
        let mut c = cal();
        c.set_day(d(2026, 3, 2), Some(true), "临时");
        c.set_day(d(2027, 1, 1), Some(true), "元旦");
        let replacement = CalendarYear {
            year: 2026,
            notice: "修订".into(),
            days: vec![
                CalendarDay {
                    date: d(2026, 5, 4),
                    off: true,
                    name: "劳动节".into(),
                },
                // Out-of-year days are ignored rather than leaking into 2025.
                CalendarDay {
                    date: d(2025, 12, 31),
                    off: true,
                    name: "x".into(),
                },
            ],
        };
        c.set_year(&replacement);
        assert_eq!(c.notice(2026), Some("修订"));
        let y = c.year(2026).unwrap();
        assert_eq!(y.days, vec![replacement.days[0].clone()]);
        assert!(c.is_working_day(d(2026, 3, 2)));
        assert!(
            c.is_working_day(d(2026, 2, 16)),
            "the old 春节 override is gone"
        );
        assert!(c.is_working_day(d(2025, 12, 31)));
        // Neighbouring years are untouched.
        assert_eq!(c.year(2025), Some(builtin_years()[0].clone()));
        assert_eq!(c.day_info(d(2027, 1, 1)), Some((true, "元旦".to_string())));
        // An unrepresentable year is ignored rather than panicking.
        c.set_year(&CalendarYear {
            year: i32::MAX,
            notice: String::new(),
            days: vec![],
        });
        assert!(!c.has_year(i32::MAX));
        assert_eq!(c.year(i32::MAX), None);
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
        for start in [
            d(2024, 12, 31),
            d(2025, 6, 15),
            d(2026, 12, 30),
            d(2030, 1, 1),
        ] {
            for n in [1, 5, 6, 11, 100, 251, 500, 1000] {
                let end = c.add_working_days(start, n);
                assert_eq!(end, naive_add(&c, start, n), "{start} + {n}");
                assert_eq!(c.working_days_between(start, end), i64::from(n));
                assert_eq!(naive_between(&c, start, end), i64::from(n));
                let back = c.sub_working_days(end, n);
                assert_eq!(c.working_days_between(back, end), i64::from(n));
                assert_eq!(c.add_working_days(back, n), end);
                assert_eq!(
                    c.working_days_between(back.succ_opt().unwrap(), end),
                    i64::from(n) - 1
                );
            }
        }
    }

    // ---- JSON import ----

    #[test]
    fn parse_our_json_shape() {
        let y = parse_year_json(
            r#"{"year":2027,"notice":"国务院办公厅关于2027年部分节假日安排的通知",
                "days":[{"date":"2027-02-06","off":false,"name":"春节调休上班"},
                        {"date":"2027-01-01","off":true,"name":"元旦"}]}"#,
        )
        .unwrap();
        assert_eq!(y.year, 2027);
        assert_eq!(y.notice, "国务院办公厅关于2027年部分节假日安排的通知");
        assert_eq!(
            y.days,
            vec![
                CalendarDay {
                    date: d(2027, 1, 1),
                    off: true,
                    name: "元旦".into()
                },
                CalendarDay {
                    date: d(2027, 2, 6),
                    off: false,
                    name: "春节调休上班".into()
                },
            ]
        );
    }

    #[test]
    fn parse_holiday_cn_shape() {
        let y = parse_year_json(
            r#"{
                "$schema": "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/schema.json",
                "$id": "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/2027.json",
                "year": 2027,
                "papers": ["https://www.gov.cn/a.htm", "https://www.gov.cn/b.htm"],
                "days": [
                    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
                    {"name": "春节", "date": "2027-02-06", "isOffDay": false}
                ]
            }"#,
        )
        .unwrap();
        assert_eq!(
            y.notice,
            "https://www.gov.cn/a.htm; https://www.gov.cn/b.htm"
        );
        assert_eq!(y.days.len(), 2);
        assert!(y.days[0].off);
        assert!(!y.days[1].off);
        assert_eq!(y.days[1].name, "春节");

        let no_papers = parse_year_json(
            r#"{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}"#,
        )
        .unwrap();
        assert_eq!(no_papers.notice, "");
        let empty_papers = parse_year_json(
            r#"{"year":2027,"papers":[],"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}"#,
        )
        .unwrap();
        assert_eq!(empty_papers.notice, "");
    }

    #[test]
    fn json_round_trips_our_serialization() {
        for y in builtin_years() {
            let text = serde_json::to_string(&y).unwrap();
            assert_eq!(parse_year_json(&text).unwrap(), y);
            let pretty = format!("\u{feff}{}", serde_json::to_string_pretty(&y).unwrap());
            assert_eq!(parse_year_json(&pretty).unwrap(), y);
        }
    }

    #[test]
    fn json_lenient_flags_and_names() {
        let y = parse_year_json(
            r#"{"year":2027,"days":[
                {"date":"2027-01-01","off":"休"},
                {"date":"2027-02-06","off":0,"name":null},
                {"date":"2027/1/2","off":1,"name":" 元旦 "}]}"#,
        )
        .unwrap();
        assert_eq!(
            y.days[0],
            CalendarDay {
                date: d(2027, 1, 1),
                off: true,
                name: String::new()
            }
        );
        assert_eq!(
            y.days[1],
            CalendarDay {
                date: d(2027, 1, 2),
                off: true,
                name: "元旦".into()
            }
        );
        assert!(!y.days[2].off);
    }

    fn json_err(text: &str) -> CalendarError {
        parse_year_json(text).expect_err(text)
    }

    #[test]
    fn json_errors() {
        let e = json_err(
            r#"{"year":2027,"days":[{"date":"2027-01-01","off":true},{"date":"2027-13-01","off":true}]}"#,
        );
        assert_eq!(
            e,
            CalendarError::BadDate {
                text: "2027-13-01".into(),
                row: 2
            }
        );
        assert_eq!(e.code(), "calendar.bad_date");
        assert!(e.to_string().contains("2027-13-01"));

        let e = json_err(r#"{"year":2027,"days":[{"date":20270101,"off":true}]}"#);
        assert_eq!(
            e,
            CalendarError::BadDate {
                text: "20270101".into(),
                row: 1
            }
        );

        let e = json_err(
            r#"{"year":2027,"days":[{"date":"2027-01-01","off":true},{"date":"2028-01-01","off":true}]}"#,
        );
        assert_eq!(
            e,
            CalendarError::MixedYears {
                year: 2027,
                date: d(2028, 1, 1),
                row: 2
            }
        );
        assert_eq!(e.code(), "calendar.mixed_years");
        let e = json_err(r#"{"year":2027,"days":[{"date":"2026-12-31","off":true}]}"#);
        assert_eq!(e.code(), "calendar.mixed_years");

        let e = json_err(
            r#"{"year":2027,"days":[{"date":"2027-01-01","off":true},{"date":"2027-1-1","off":false}]}"#,
        );
        assert_eq!(
            e,
            CalendarError::DuplicateDate {
                date: d(2027, 1, 1),
                row: 2
            }
        );
        assert_eq!(e.code(), "calendar.duplicate_date");

        let e = json_err(r#"{"year":2027,"notice":"x","days":[]}"#);
        assert_eq!(e, CalendarError::Empty);
        assert_eq!(e.code(), "calendar.empty");

        for bad in [
            "",
            "not json",
            "[]",
            r#"{"days":[{"date":"2027-01-01","off":true}]}"#,
            r#"{"year":"2027","days":[{"date":"2027-01-01","off":true}]}"#,
            r#"{"year":2027.5,"days":[{"date":"2027-01-01","off":true}]}"#,
            r#"{"year":2027}"#,
            r#"{"year":2027,"days":{}}"#,
            r#"{"year":2027,"days":["2027-01-01"]}"#,
            r#"{"year":2027,"days":[{"off":true}]}"#,
            r#"{"year":2027,"days":[{"date":"2027-01-01"}]}"#,
            r#"{"year":2027,"days":[{"date":"2027-01-01","off":true,"name":5}]}"#,
            r#"{"year":2027,"notice":5,"days":[{"date":"2027-01-01","off":true}]}"#,
            r#"{"year":2027,"papers":"x","days":[{"date":"2027-01-01","off":true}]}"#,
            r#"{"year":2027,"papers":[1],"days":[{"date":"2027-01-01","off":true}]}"#,
        ] {
            let e = json_err(bad);
            assert_eq!(e.code(), "calendar.bad_format", "{bad}: {e:?}");
        }

        let e = json_err(r#"{"year":2027,"days":[{"date":"2027-01-01","isOffDay":"maybe"}]}"#);
        assert_eq!(
            e,
            CalendarError::BadFlag {
                text: "maybe".into(),
                row: 1
            }
        );
        assert_eq!(e.code(), "calendar.bad_flag");
        let e = json_err(r#"{"year":2027,"days":[{"date":"2027-01-01","off":null}]}"#);
        assert_eq!(
            e,
            CalendarError::BadFlag {
                text: "null".into(),
                row: 1
            }
        );
        let e = json_err(r#"{"year":2027,"days":[{"date":"2027-01-01","off":2}]}"#);
        assert_eq!(e.code(), "calendar.bad_flag");

        for year in ["1999", "2101", "-5", "99999999999"] {
            let e = json_err(&format!(
                r#"{{"year":{year},"days":[{{"date":"2027-01-01","off":true}}]}}"#
            ));
            assert_eq!(
                e,
                CalendarError::BadYear {
                    year: year.parse().unwrap()
                }
            );
            assert_eq!(e.code(), "calendar.bad_year");
        }
        assert!(
            parse_year_json(r#"{"year":2000,"days":[{"date":"2000-01-01","off":true}]}"#).is_ok()
        );
        assert!(
            parse_year_json(r#"{"year":2100,"days":[{"date":"2100-01-01","off":true}]}"#).is_ok()
        );
    }

    // ---- CSV import ----

    #[test]
    fn parse_csv_english_headers() {
        let y = parse_year_csv(
            "date,off,name\n2027-01-01,true,元旦\n2027-02-06,false,春节调休上班\n",
            "通知",
        )
        .unwrap();
        assert_eq!(y.year, 2027);
        assert_eq!(y.notice, "通知");
        assert_eq!(
            y.days,
            vec![
                CalendarDay {
                    date: d(2027, 1, 1),
                    off: true,
                    name: "元旦".into()
                },
                CalendarDay {
                    date: d(2027, 2, 6),
                    off: false,
                    name: "春节调休上班".into()
                },
            ]
        );
    }

    #[test]
    fn parse_csv_with_bom_and_chinese_headers() {
        let text = "\u{feff}日期,放假,名称\r\n2027/2/6,班,春节调休上班\r\n\r\n2027-01-01,休,元旦\r\n2027-01-02,放假,元旦\r\n2027-02-20,上班,春节调休上班\r\n";
        let y = parse_year_csv(text, "").unwrap();
        assert_eq!(y.year, 2027);
        assert_eq!(y.days.len(), 4);
        assert_eq!(
            y.days[0],
            CalendarDay {
                date: d(2027, 1, 1),
                off: true,
                name: "元旦".into()
            }
        );
        assert!(y.days[1].off);
        assert!(!y.days[2].off);
        assert!(!y.days[3].off);
    }

    #[test]
    fn parse_csv_flexible_columns() {
        // Any column order, extra columns, optional name, padded cells, 1/0 flags.
        let y = parse_year_csv(
            "Name , Remark, OFF, Date\n元旦,x, 1 , 2027-01-01\n,,0,2027-02-06\n",
            "",
        )
        .unwrap();
        assert_eq!(
            y.days[0],
            CalendarDay {
                date: d(2027, 1, 1),
                off: true,
                name: "元旦".into()
            }
        );
        assert_eq!(
            y.days[1],
            CalendarDay {
                date: d(2027, 2, 6),
                off: false,
                name: String::new()
            }
        );
        let y = parse_year_csv("date,off\n2027-01-01,TRUE\n", "").unwrap();
        assert_eq!(y.days[0].name, "");
        assert!(y.days[0].off);
    }

    #[test]
    fn csv_round_trips_builtin_years() {
        for y in builtin_years() {
            let mut text = String::from("date,off,name\n");
            for day in &y.days {
                text.push_str(&format!("{},{},{}\n", day.date, day.off, day.name));
            }
            assert_eq!(parse_year_csv(&text, &y.notice).unwrap(), y);
        }
    }

    fn csv_err(text: &str) -> CalendarError {
        parse_year_csv(text, "").expect_err(text)
    }

    #[test]
    fn csv_errors() {
        let e = csv_err("date,off,name\n2027-01-01,true,元旦\n2027-02-30,true,x\n");
        assert_eq!(
            e,
            CalendarError::BadDate {
                text: "2027-02-30".into(),
                row: 3
            }
        );
        let e = csv_err("date,off,name\n\n2027-01-01,true,元旦\nsoon,true,x\n");
        assert_eq!(e.code(), "calendar.bad_date");
        let e = csv_err("date,off,name\n2027-01-01\n");
        assert_eq!(
            e,
            CalendarError::BadFlag {
                text: String::new(),
                row: 2
            }
        );
        let e = csv_err("name,off,date\nx,true\n");
        assert_eq!(
            e,
            CalendarError::BadDate {
                text: String::new(),
                row: 2
            }
        );

        let e = csv_err("date,off,name\n2027-01-01,true,元旦\n2028-01-01,true,元旦\n");
        assert_eq!(
            e,
            CalendarError::MixedYears {
                year: 2027,
                date: d(2028, 1, 1),
                row: 3
            }
        );

        let e = csv_err("date,off,name\n2027-01-01,true,元旦\n2027-01-01,false,元旦\n");
        assert_eq!(
            e,
            CalendarError::DuplicateDate {
                date: d(2027, 1, 1),
                row: 3
            }
        );

        assert_eq!(csv_err("date,off,name\n"), CalendarError::Empty);
        assert_eq!(csv_err("date,off,name\n\n,,\n"), CalendarError::Empty);
        assert_eq!(csv_err("\u{feff}日期,放假,名称\r\n"), CalendarError::Empty);

        for bad in [
            "",
            "\u{feff}",
            "2027-01-01,true,元旦\n",
            "date,name\n2027-01-01,x\n",
            "date,off,off\n2027-01-01,1,0\n",
            "日期,date,off\n",
        ] {
            let e = csv_err(bad);
            assert_eq!(e.code(), "calendar.bad_format", "{bad:?}: {e:?}");
        }
        let e = parse_year_csv("date,off\n2027-01-01,1\n", "").map(|_| ());
        assert!(e.is_ok());
        let invalid_utf8_free_but_broken_quotes = "date,off,name\n\"2027-01-01,true,x\n";
        let e = csv_err(invalid_utf8_free_but_broken_quotes);
        assert!(
            matches!(e.code(), "calendar.bad_date" | "calendar.bad_format"),
            "{e:?}"
        );

        let e = csv_err("date,off,name\n2027-01-01,yes,元旦\n");
        assert_eq!(
            e,
            CalendarError::BadFlag {
                text: "yes".into(),
                row: 2
            }
        );
        assert_eq!(e.code(), "calendar.bad_flag");

        let e = csv_err("date,off,name\n1999-01-01,true,元旦\n");
        assert_eq!(e, CalendarError::BadYear { year: 1999 });
        assert_eq!(
            csv_err("date,off\n2101-01-01,1\n").code(),
            "calendar.bad_year"
        );
    }

    #[test]
    fn validate_year_catches_hand_built_schedules() {
        let day = |date, off| CalendarDay {
            date,
            off,
            name: String::new(),
        };
        let ok = CalendarYear {
            year: 2027,
            notice: String::new(),
            days: vec![day(d(2027, 1, 1), true)],
        };
        assert_eq!(validate_year(&ok), Ok(()));
        let mut y = ok.clone();
        y.days.clear();
        assert_eq!(validate_year(&y), Err(CalendarError::Empty));
        let mut y = ok.clone();
        y.year = 1999;
        assert_eq!(validate_year(&y).unwrap_err().code(), "calendar.bad_year");
        let mut y = ok.clone();
        y.days.push(day(d(2028, 1, 1), true));
        assert_eq!(
            validate_year(&y).unwrap_err().code(),
            "calendar.mixed_years"
        );
        let mut y = ok.clone();
        y.days.push(day(d(2027, 1, 1), false));
        assert_eq!(
            validate_year(&y),
            Err(CalendarError::DuplicateDate {
                date: d(2027, 1, 1),
                row: 2
            })
        );
    }

    #[test]
    fn error_codes_are_distinct_and_serializable() {
        let all = [
            CalendarError::BadDate {
                text: "x".into(),
                row: 1,
            },
            CalendarError::MixedYears {
                year: 2027,
                date: d(2028, 1, 1),
                row: 1,
            },
            CalendarError::DuplicateDate {
                date: d(2027, 1, 1),
                row: 1,
            },
            CalendarError::Empty,
            CalendarError::BadFormat { reason: "x".into() },
            CalendarError::BadFlag {
                text: "x".into(),
                row: 1,
            },
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

        #[test]
        fn parsers_never_panic(s in "\\PC{0,80}") {
            let _ = parse_year_json(&s);
            let _ = parse_year_csv(&s, "");
            let _ = parse_year_csv(&format!("date,off,name\n{s}"), "");
        }
    }
}
