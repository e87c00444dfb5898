//! Reporting periods: 旬 (ten-day), month, quarter, year and custom date ranges.
//!
//! Offices report on a 旬/月/季/年 rhythm ("周调度、月通报、季推进、年考评"), so a period has
//! a canonical machine `key` for storage and URLs and a Chinese `label` for tables.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error, Clone, PartialEq, Serialize)]
pub enum PeriodError {
    #[error(
        "not a recognised period: {input:?} (expected e.g. 2026, 2026-Q1, 2026-03, \
         2026-03-上旬 or 2026-03-01..2026-03-15)"
    )]
    BadFormat { input: String },
    #[error("period ends on {end}, before it starts on {start}")]
    BadRange { start: NaiveDate, end: NaiveDate },
}

impl PeriodError {
    pub fn code(&self) -> &'static str {
        match self {
            PeriodError::BadFormat { .. } => "period.bad_format",
            PeriodError::BadRange { .. } => "period.bad_range",
        }
    }
}

impl crate::coded::Coded for PeriodError {
    fn code(&self) -> &'static str {
        PeriodError::code(self)
    }
    fn params(&self) -> crate::coded::Params {
        crate::coded::serde_params(self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Xun,
    Month,
    Quarter,
    Year,
    Custom,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Period {
    pub kind: PeriodKind,
    /// Canonical machine form, accepted back by [`parse_period`]: "2026", "2026-Q1",
    /// "2026-03", "2026-03-上旬", "2026-03-01..2026-03-15".
    pub key: String,
    /// Chinese display form, also accepted by [`parse_period`]: "2026年", "2026年第一季度",
    /// "2026年3月", "2026年3月上旬", "2026-03-01至2026-03-15".
    pub label: String,
    pub start: NaiveDate,
    /// Inclusive.
    pub end: NaiveDate,
}

// Four-digit years only, so that keys sort and round-trip as plain text.
const MIN_YEAR: i32 = 1000;
const MAX_YEAR: i32 = 9999;

const XUN_NAMES: [&str; 3] = ["上旬", "中旬", "下旬"];
const QUARTER_NUMERALS: [&str; 4] = ["一", "二", "三", "四"];

fn bad(input: impl Into<String>) -> PeriodError {
    PeriodError::BadFormat { input: input.into() }
}

fn year_ok(y: i32) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&y)
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn last_day_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1)?.pred_opt()
}

impl Period {
    /// True when `d` falls inside the period, both ends included.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    /// A free date range; a single day (start == end) is allowed.
    pub fn custom(start: NaiveDate, end: NaiveDate) -> Result<Period, PeriodError> {
        if !year_ok(start.year()) || !year_ok(end.year()) {
            return Err(bad(format!("{start}..{end}")));
        }
        if end < start {
            return Err(PeriodError::BadRange { start, end });
        }
        Ok(Period {
            kind: PeriodKind::Custom,
            key: format!("{start}..{end}"),
            label: format!("{start}至{end}"),
            start,
            end,
        })
    }

    pub fn month(y: i32, m: u32) -> Result<Period, PeriodError> {
        let input = || bad(format!("{y}-{m:02}"));
        if !year_ok(y) {
            return Err(input());
        }
        let start = ymd(y, m, 1).ok_or_else(input)?;
        let end = last_day_of_month(y, m).ok_or_else(input)?;
        Ok(Period { kind: PeriodKind::Month, key: format!("{y}-{m:02}"), label: format!("{y}年{m}月"), start, end })
    }

    /// `part` 1, 2, 3 = 上旬 (days 1–10), 中旬 (11–20), 下旬 (21 to month end, so 8–11 days).
    pub fn xun(y: i32, m: u32, part: u8) -> Result<Period, PeriodError> {
        let input = || bad(format!("{y}-{m:02}-{part}"));
        if !year_ok(y) || !(1..=3).contains(&part) {
            return Err(input());
        }
        let month_end = last_day_of_month(y, m).ok_or_else(input)?;
        let first = 1 + 10 * (u32::from(part) - 1);
        let start = ymd(y, m, first).ok_or_else(input)?;
        let end = if part == 3 { month_end } else { ymd(y, m, first + 9).ok_or_else(input)? };
        let name = XUN_NAMES[usize::from(part - 1)];
        Ok(Period {
            kind: PeriodKind::Xun,
            key: format!("{y}-{m:02}-{name}"),
            label: format!("{y}年{m}月{name}"),
            start,
            end,
        })
    }

    pub fn quarter(y: i32, q: u8) -> Result<Period, PeriodError> {
        let input = || bad(format!("{y}-Q{q}"));
        if !year_ok(y) || !(1..=4).contains(&q) {
            return Err(input());
        }
        let first_month = 3 * u32::from(q) - 2;
        let start = ymd(y, first_month, 1).ok_or_else(input)?;
        let end = last_day_of_month(y, first_month + 2).ok_or_else(input)?;
        Ok(Period {
            kind: PeriodKind::Quarter,
            key: format!("{y}-Q{q}"),
            label: format!("{y}年第{}季度", QUARTER_NUMERALS[usize::from(q - 1)]),
            start,
            end,
        })
    }

    pub fn year(y: i32) -> Result<Period, PeriodError> {
        let input = || bad(y.to_string());
        if !year_ok(y) {
            return Err(input());
        }
        Ok(Period {
            kind: PeriodKind::Year,
            key: y.to_string(),
            label: format!("{y}年"),
            start: ymd(y, 1, 1).ok_or_else(input)?,
            end: ymd(y, 12, 31).ok_or_else(input)?,
        })
    }
}

fn parse_digits(s: &str, min_len: usize, max_len: usize) -> Option<u32> {
    let s = s.trim();
    if s.len() < min_len || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_year_part(s: &str) -> Option<i32> {
    parse_digits(s, 4, 4).and_then(|y| i32::try_from(y).ok())
}

fn parse_month_part(s: &str) -> Option<u32> {
    parse_digits(s, 1, 2).filter(|m| (1..=12).contains(m))
}

/// Parses `YYYY-M-D` with one- or two-digit month and day; `/` is accepted as separator too,
/// since spreadsheets in Chinese locales export dates as `2026/3/1`.
pub(crate) fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let sep = if s.contains('/') { '/' } else { '-' };
    let mut parts = s.split(sep);
    let y = parse_year_part(parts.next()?)?;
    let m = parse_digits(parts.next()?, 1, 2)?;
    let d = parse_digits(parts.next()?, 1, 2)?;
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

fn xun_part(s: &str) -> Option<u8> {
    match s.trim().to_ascii_lowercase().as_str() {
        "上旬" | "上" | "early" => Some(1),
        "中旬" | "中" | "mid" => Some(2),
        "下旬" | "下" | "late" => Some(3),
        _ => None,
    }
}

fn quarter_part(s: &str) -> Option<u8> {
    let digits = s.trim().strip_prefix(['Q', 'q'])?;
    parse_digits(digits, 1, 1).and_then(|q| u8::try_from(q).ok()).filter(|q| (1..=4).contains(q))
}

const RANGE_SEPARATORS: [&str; 4] = ["..", "~", "～", "至"];

/// Parses a period as typed by a user or stored as a key. Accepted forms:
/// - year: `2026`, `2026年`
/// - quarter: `2026-Q1`, `2026-q1`, `2026年第一季度`, `2026年第1季度`
/// - month: `2026-03`, `2026-3`, `2026年3月`
/// - 旬: `2026-03-上旬` (also `上`/`中`/`下`, `early`/`mid`/`late`), `2026年3月上旬`
/// - custom: `2026-03-01..2026-03-15`, with `~`, `～` or `至` as separator
///
/// A numeric 旬 suffix (`2026-03-1`) is refused because it reads as a date.
pub fn parse_period(s: &str) -> Result<Period, PeriodError> {
    let input = s.trim();
    let fail = || bad(s);
    if input.is_empty() {
        return Err(fail());
    }

    for sep in RANGE_SEPARATORS {
        if let Some((a, b)) = input.split_once(sep) {
            let start = parse_ymd(a).ok_or_else(fail)?;
            let end = parse_ymd(b).ok_or_else(fail)?;
            return Period::custom(start, end).map_err(|e| match e {
                PeriodError::BadFormat { .. } => fail(),
                other => other,
            });
        }
    }

    let parsed = if input.contains('年') { parse_chinese(input) } else { parse_hyphenated(input) };
    // Constructor errors name a synthesized input; the caller wants to see what was typed.
    parsed.ok_or_else(fail)?.map_err(|_| fail())
}

fn parse_hyphenated(input: &str) -> Option<Result<Period, PeriodError>> {
    let parts: Vec<&str> = input.split('-').collect();
    let y = parse_year_part(parts[0])?;
    Some(match parts[1..] {
        [] => Period::year(y),
        [second] => match quarter_part(second) {
            Some(q) => Period::quarter(y, q),
            None => Period::month(y, parse_month_part(second)?),
        },
        [m, x] => Period::xun(y, parse_month_part(m)?, xun_part(x)?),
        _ => return None,
    })
}

fn parse_chinese(input: &str) -> Option<Result<Period, PeriodError>> {
    let (y, rest) = input.split_once('年')?;
    let y = parse_year_part(y)?;
    let rest = rest.trim();
    if rest.is_empty() {
        return Some(Period::year(y));
    }
    if let Some(q) = rest.strip_prefix('第').and_then(|r| r.strip_suffix("季度")) {
        let q = match q.trim() {
            "一" | "1" => 1,
            "二" | "2" => 2,
            "三" | "3" => 3,
            "四" | "4" => 4,
            _ => return None,
        };
        return Some(Period::quarter(y, q));
    }
    let (m, rest) = rest.split_once('月')?;
    let m = parse_month_part(m)?;
    let rest = rest.trim();
    if rest.is_empty() {
        return Some(Period::month(y, m));
    }
    Some(Period::xun(y, m, xun_part(rest)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn p(s: &str) -> Period {
        parse_period(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn year() {
        let y = p("2026");
        assert_eq!(y.kind, PeriodKind::Year);
        assert_eq!(y.key, "2026");
        assert_eq!(y.label, "2026年");
        assert_eq!((y.start, y.end), (d(2026, 1, 1), d(2026, 12, 31)));
        assert_eq!(p(" 2026 "), y);
        assert_eq!(p("2026年"), y);
        assert_eq!(Period::year(2026).unwrap(), y);
    }

    #[test]
    fn quarters() {
        let expected = [
            ("2026-Q1", "2026年第一季度", d(2026, 1, 1), d(2026, 3, 31)),
            ("2026-Q2", "2026年第二季度", d(2026, 4, 1), d(2026, 6, 30)),
            ("2026-Q3", "2026年第三季度", d(2026, 7, 1), d(2026, 9, 30)),
            ("2026-Q4", "2026年第四季度", d(2026, 10, 1), d(2026, 12, 31)),
        ];
        for (i, (key, label, start, end)) in expected.into_iter().enumerate() {
            let q = p(key);
            assert_eq!(q.kind, PeriodKind::Quarter);
            assert_eq!((q.key.as_str(), q.label.as_str(), q.start, q.end), (key, label, start, end));
            assert_eq!(p(&key.to_lowercase()), q);
            assert_eq!(p(label), q);
            assert_eq!(p(&format!("2026年第{}季度", i + 1)), q);
            assert_eq!(Period::quarter(2026, i as u8 + 1).unwrap(), q);
        }
    }

    #[test]
    fn leap_year_first_quarter() {
        assert_eq!(p("2024-Q1").end, d(2024, 3, 31));
        assert_eq!(p("2024-Q1").start, d(2024, 1, 1));
    }

    #[test]
    fn months() {
        let m = p("2026-03");
        assert_eq!(m.kind, PeriodKind::Month);
        assert_eq!(m.key, "2026-03");
        assert_eq!(m.label, "2026年3月");
        assert_eq!((m.start, m.end), (d(2026, 3, 1), d(2026, 3, 31)));
        assert_eq!(p("2026-3"), m);
        assert_eq!(p("2026年3月"), m);
        assert_eq!(p("2026年03月"), m);
        assert_eq!(p("2026-12").end, d(2026, 12, 31));
        assert_eq!(p("2026-12").label, "2026年12月");
        assert_eq!(p("2026-04").end, d(2026, 4, 30));
        assert_eq!(p("2026-02").end, d(2026, 2, 28));
        assert_eq!(p("2024-02").end, d(2024, 2, 29));
        assert_eq!(p("2000-02").end, d(2000, 2, 29));
        assert_eq!(p("2100-02").end, d(2100, 2, 28));
    }

    #[test]
    fn xun_forms() {
        let early = p("2026-03-上旬");
        assert_eq!(early.kind, PeriodKind::Xun);
        assert_eq!(early.key, "2026-03-上旬");
        assert_eq!(early.label, "2026年3月上旬");
        assert_eq!((early.start, early.end), (d(2026, 3, 1), d(2026, 3, 10)));
        let mid = p("2026-03-中旬");
        assert_eq!((mid.start, mid.end), (d(2026, 3, 11), d(2026, 3, 20)));
        assert_eq!(mid.label, "2026年3月中旬");
        let late = p("2026-03-下旬");
        assert_eq!((late.start, late.end), (d(2026, 3, 21), d(2026, 3, 31)));
        assert_eq!(late.key, "2026-03-下旬");

        for (alias, expected) in [
            ("2026-3-上", &early),
            ("2026-03-early", &early),
            ("2026-03-EARLY", &early),
            ("2026-03-中", &mid),
            ("2026-03-mid", &mid),
            ("2026-03-下", &late),
            ("2026-03-Late", &late),
            ("2026年3月上旬", &early),
            ("2026年3月中旬", &mid),
            ("2026年03月下旬", &late),
        ] {
            assert_eq!(&p(alias), expected, "{alias}");
        }
        assert_eq!(Period::xun(2026, 3, 2).unwrap(), mid);
    }

    #[test]
    fn late_xun_follows_month_length() {
        assert_eq!(p("2026-02-下旬").end, d(2026, 2, 28));
        assert_eq!(p("2024-02-下旬").end, d(2024, 2, 29));
        assert_eq!(p("2024-02-下旬").start, d(2024, 2, 21));
        assert_eq!(p("2026-04-下旬").end, d(2026, 4, 30));
        assert_eq!(p("2026-12-下旬").end, d(2026, 12, 31));
    }

    #[test]
    fn custom_ranges() {
        let c = p("2026-03-01..2026-03-15");
        assert_eq!(c.kind, PeriodKind::Custom);
        assert_eq!(c.key, "2026-03-01..2026-03-15");
        assert_eq!(c.label, "2026-03-01至2026-03-15");
        assert_eq!((c.start, c.end), (d(2026, 3, 1), d(2026, 3, 15)));
        for alias in [
            "2026-03-01~2026-03-15",
            "2026-03-01～2026-03-15",
            "2026-03-01至2026-03-15",
            "2026-3-1..2026-3-15",
            " 2026-03-01 .. 2026-03-15 ",
            "2026/03/01至2026/3/15",
        ] {
            assert_eq!(p(alias), c, "{alias}");
        }
        let one_day = p("2026-03-01..2026-03-01");
        assert_eq!((one_day.start, one_day.end), (d(2026, 3, 1), d(2026, 3, 1)));
        assert_eq!(p("2025-12-20..2026-01-10").end, d(2026, 1, 10));
        assert_eq!(p("2024-02-29..2024-03-01").start, d(2024, 2, 29));
    }

    #[test]
    fn custom_end_before_start_is_bad_range() {
        let e = parse_period("2026-03-15..2026-03-01").unwrap_err();
        assert_eq!(e, PeriodError::BadRange { start: d(2026, 3, 15), end: d(2026, 3, 1) });
        assert_eq!(e.code(), "period.bad_range");
        assert!(e.to_string().contains("2026-03-01"));
        assert_eq!(Period::custom(d(2026, 3, 2), d(2026, 3, 1)).unwrap_err().code(), "period.bad_range");
    }

    #[test]
    fn bad_formats_carry_the_input() {
        for s in [
            "",
            "   ",
            "26",
            "02026",
            "2026-",
            "-2026",
            "2026-Q0",
            "2026-Q5",
            "2026-Q",
            "2026-Q12",
            "2026-00",
            "2026-13",
            "2026-003",
            "2026-03-1",
            "2026-03-2",
            "2026-03-3",
            "2026-03-01",
            "2026-03-early-1",
            "2026-03-其他",
            "2026-Q1-上旬",
            "2026年第五季度",
            "2026年13月",
            "2026年3月末旬",
            "2026年3",
            "年",
            "2026-02-30..2026-03-01",
            "2026-03-01..",
            "..2026-03-01",
            "2026-03-01..2026-03-15..2026-03-20",
            "2026-03..2026-04",
            "abcd",
            "２０２６",
            "0999",
        ] {
            let e = parse_period(s).unwrap_err();
            assert_eq!(e, PeriodError::BadFormat { input: s.to_string() }, "{s:?}");
            assert_eq!(e.code(), "period.bad_format");
        }
        assert!(parse_period("2026-13").unwrap_err().to_string().contains("2026-13"));
    }

    #[test]
    fn constructors_reject_out_of_range_values() {
        assert_eq!(Period::month(2026, 0).unwrap_err().code(), "period.bad_format");
        assert_eq!(Period::month(2026, 13).unwrap_err().code(), "period.bad_format");
        assert_eq!(Period::xun(2026, 3, 0).unwrap_err().code(), "period.bad_format");
        assert_eq!(Period::xun(2026, 3, 4).unwrap_err().code(), "period.bad_format");
        assert_eq!(Period::xun(2026, 13, 1).unwrap_err().code(), "period.bad_format");
        assert_eq!(Period::quarter(2026, 0).unwrap_err().code(), "period.bad_format");
        assert_eq!(Period::quarter(2026, 5).unwrap_err().code(), "period.bad_format");
        assert_eq!(Period::year(999).unwrap_err().code(), "period.bad_format");
        assert_eq!(Period::year(10000).unwrap_err().code(), "period.bad_format");
        assert_eq!(Period::year(i32::MAX).unwrap_err().code(), "period.bad_format");
        assert_eq!(Period::month(i32::MIN, 1).unwrap_err().code(), "period.bad_format");
        assert_eq!(Period::month(2026, 13).unwrap_err(), PeriodError::BadFormat { input: "2026-13".into() });
        let far = NaiveDate::from_ymd_opt(12000, 1, 1).unwrap();
        assert_eq!(Period::custom(d(2026, 1, 1), far).unwrap_err().code(), "period.bad_format");
        assert!(Period::year(9999).is_ok());
        assert!(Period::month(9999, 12).is_ok());
        assert!(Period::year(1000).is_ok());
    }

    #[test]
    fn contains_is_inclusive() {
        let m = p("2026-02");
        assert!(!m.contains(d(2026, 1, 31)));
        assert!(m.contains(d(2026, 2, 1)));
        assert!(m.contains(d(2026, 2, 28)));
        assert!(!m.contains(d(2026, 3, 1)));
        let one = Period::custom(d(2026, 5, 5), d(2026, 5, 5)).unwrap();
        assert!(one.contains(d(2026, 5, 5)));
        assert!(!one.contains(d(2026, 5, 6)));
    }

    #[test]
    fn serde_shape() {
        let v = serde_json::to_value(p("2026-03-上旬")).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "kind": "xun", "key": "2026-03-上旬", "label": "2026年3月上旬",
                "start": "2026-03-01", "end": "2026-03-10"
            })
        );
        let back: Period = serde_json::from_value(v).unwrap();
        assert_eq!(back, p("2026-03-上旬"));
        assert_eq!(serde_json::to_value(PeriodKind::Custom).unwrap(), "custom");
        let e = serde_json::to_value(PeriodError::BadFormat { input: "x".into() }).unwrap();
        assert_eq!(e, serde_json::json!({"BadFormat": {"input": "x"}}));
    }

    #[test]
    fn parse_ymd_forms() {
        assert_eq!(parse_ymd("2026-03-01"), Some(d(2026, 3, 1)));
        assert_eq!(parse_ymd("2026-3-1"), Some(d(2026, 3, 1)));
        assert_eq!(parse_ymd("2026/3/1"), Some(d(2026, 3, 1)));
        assert_eq!(parse_ymd(" 2026-03-01 "), Some(d(2026, 3, 1)));
        for bad in [
            "",
            "2026-03",
            "2026-03-01-01",
            "2026/03-01",
            "26-03-01",
            "2026-003-01",
            "2026-02-30",
            "+2026-03-01",
            "2026-03-+1",
        ] {
            assert_eq!(parse_ymd(bad), None, "{bad:?}");
        }
    }

    fn any_period() -> impl Strategy<Value = Period> {
        prop_oneof![
            (1000i32..=9999).prop_map(|y| Period::year(y).unwrap()),
            (1000i32..=9999, 1u8..=4).prop_map(|(y, q)| Period::quarter(y, q).unwrap()),
            (1000i32..=9999, 1u32..=12).prop_map(|(y, m)| Period::month(y, m).unwrap()),
            (1000i32..=9999, 1u32..=12, 1u8..=3).prop_map(|(y, m, x)| Period::xun(y, m, x).unwrap()),
            (0i64..3_000_000, 0u64..400).prop_map(|(a, len)| {
                let start = d(1000, 1, 1) + chrono::Duration::days(a);
                Period::custom(start, start + chrono::Days::new(len)).unwrap()
            }),
        ]
    }

    proptest! {
        #[test]
        fn key_and_label_round_trip(period in any_period()) {
            prop_assert_eq!(&parse_period(&period.key).unwrap(), &period);
            prop_assert_eq!(&parse_period(&period.label).unwrap(), &period);
            prop_assert!(period.start <= period.end);
            prop_assert!(period.contains(period.start) && period.contains(period.end));
        }

        #[test]
        fn xuns_tile_their_month(y in 1000i32..=9999, m in 1u32..=12) {
            let month = Period::month(y, m).unwrap();
            let parts: Vec<Period> = (1..=3).map(|x| Period::xun(y, m, x).unwrap()).collect();
            prop_assert_eq!(parts[0].start, month.start);
            prop_assert_eq!(parts[2].end, month.end);
            prop_assert_eq!(parts[0].end.succ_opt().unwrap(), parts[1].start);
            prop_assert_eq!(parts[1].end.succ_opt().unwrap(), parts[2].start);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = parse_period(&s);
        }
    }
}
