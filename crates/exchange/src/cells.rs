//! Cell values: dates in every form seen in real sheets, time limits, unit lists.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

/// Excel's day 0 in the 1900 date system, counting its phantom 1900-02-29.
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date")
}

/// A date from an Excel serial number (the 1900 date system, as Excel and WPS save in China).
/// Serials below 61 fall before Excel's phantom leap day and are not dates anyone typed in a
/// ledger, so they are refused.
pub fn date_from_serial(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(61.0..2_958_466.0).contains(&serial) {
        return None;
    }
    excel_epoch().checked_add_signed(Duration::days(serial.trunc() as i64))
}

/// A date typed as text: 2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日 (with optional time
/// after it), or an Excel serial written out as digits.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(serial) = t.parse::<f64>() {
        return date_from_serial(serial);
    }
    // Drop a time part: "2026-03-05 10:30", "2026/3/5 10:30:00".
    let date_part = t.split([' ', 'T']).next().unwrap_or(t);
    let normalized: String = date_part
        .chars()
        .map(|c| match c {
            '年' | '月' | '/' | '.' | '-' | '／' | '．' | '－' => '-',
            '日' | '号' => ' ',
            c => c,
        })
        .collect();
    let parts: Vec<&str> = normalized.trim().trim_end_matches('-').split('-').collect();
    if parts.len() != 3 {
        return None;
    }
    let nums: Option<Vec<u32>> = parts.iter().map(|p| p.trim().parse::<u32>().ok()).collect();
    let nums = nums?;
    let year = nums[0] as i32;
    if !(1900..=2200).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, nums[1], nums[2])
}

/// How long an office gave for handling, as written in the 办理时限 column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum TimeLimit {
    /// "15个工作日", "15工作日", "15 个工作日"
    WorkingDays(u32),
    /// "30天", "30日" (calendar days)
    CalendarDays(u32),
    /// A deadline written as a date.
    Date(NaiveDate),
}

pub fn parse_time_limit(text: &str) -> Option<TimeLimit> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return None;
    }
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &t[digits.len()..];
    if let Ok(n) = digits.parse::<u32>() {
        let rest = rest.trim_start_matches('个');
        if rest.starts_with("工作日") {
            return Some(TimeLimit::WorkingDays(n));
        }
        if rest == "天" || rest == "日" || rest == "自然日" || rest == "个自然日" {
            return Some(TimeLimit::CalendarDays(n));
        }
    }
    parse_date(&t).map(TimeLimit::Date)
}

/// Several units in one cell: split on 、，, ；; and line breaks, trimmed, empty parts dropped,
/// duplicates removed (first one kept).
pub fn split_units(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split(['、', '，', ',', '；', ';', '\n', '\r', '/', '／']) {
        let p = part.trim().trim_matches(|c: char| c == '。' || c.is_whitespace()).to_string();
        if !p.is_empty() && !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// Total and footer rows (合计, 小计, 总计, 填表人…) that are not problems.
pub fn is_footer_row(cells: &[String]) -> bool {
    let first = cells.iter().map(|c| c.trim()).find(|c| !c.is_empty()).unwrap_or("");
    let compact: String = first.chars().filter(|c| !c.is_whitespace()).collect();
    ["合计", "小计", "总计", "填表人", "审核人", "制表人", "备注：", "说明："].iter().any(|k| compact.starts_with(k))
}

pub fn is_blank_row(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_date_form_in_the_issue() {
        for text in ["2026-03-05", "2026/3/5", "2026.3.5", "2026年3月5日", "2026年03月05日", "2026-3-5 10:30", "2026/03/05 10:30:00", " 2026.03.05 "] {
            assert_eq!(parse_date(text), Some(d(2026, 3, 5)), "{text}");
        }
        assert_eq!(parse_date("46086"), Some(d(2026, 3, 5)), "an Excel serial");
        assert_eq!(date_from_serial(46086.75), Some(d(2026, 3, 5)), "a serial with a time of day");
        assert_eq!(date_from_serial(61.0), Some(d(1900, 3, 1)));
    }

    #[test]
    fn bad_dates_are_refused() {
        for text in ["", "2026-02-30", "2026-13-01", "三月五日", "2026年3月", "abc", "12", "2026-03-05-01", "-5", "NaN"] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[test]
    fn time_limits() {
        assert_eq!(parse_time_limit("15个工作日"), Some(TimeLimit::WorkingDays(15)));
        assert_eq!(parse_time_limit(" 5 个工作日 "), Some(TimeLimit::WorkingDays(5)));
        assert_eq!(parse_time_limit("10工作日内"), Some(TimeLimit::WorkingDays(10)));
        assert_eq!(parse_time_limit("30天"), Some(TimeLimit::CalendarDays(30)));
        assert_eq!(parse_time_limit("2026年4月30日"), Some(TimeLimit::Date(d(2026, 4, 30))));
        assert_eq!(parse_time_limit("2026/4/30"), Some(TimeLimit::Date(d(2026, 4, 30))));
        assert_eq!(parse_time_limit("尽快"), None);
        assert_eq!(parse_time_limit(""), None);
    }

    #[test]
    fn units_in_one_cell() {
        assert_eq!(split_units("区财政局、区工信局，区商务局;区税务局\n区人社局"), ["区财政局", "区工信局", "区商务局", "区税务局", "区人社局"]);
        assert_eq!(split_units(" 区财政局 ； 区财政局 "), ["区财政局"]);
        assert!(split_units(" 、 ，").is_empty());
    }

    #[test]
    fn footer_and_blank_rows() {
        let row = |cells: &[&str]| cells.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(is_footer_row(&row(&["", "合 计", "35"])));
        assert!(is_footer_row(&row(&["小计"])));
        assert!(is_footer_row(&row(&["填表人：张三", "", "审核人：李四"])));
        assert!(!is_footer_row(&row(&["1", "示范区恒达精密机械有限公司"])));
        assert!(is_blank_row(&row(&["", "  ", ""])));
        assert!(!is_blank_row(&row(&["", "x"])));
    }
}
