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

/// A date typed as text, the one reader of every date field (time limits too): 2026-03-05,
/// 2026/3/5, 2026.3.5, 2026年3月5日, 20260305, 3/5/2026 (as a spreadsheet saves a CSV in an
/// English locale), full-width digits, each with or without a time after it ("2026-02-23
/// 00:00:00", "2026/2/23 0:00", "2026-02-23T00:00:00Z", "2026年2月23日14时"), or an Excel
/// serial written out as digits.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    // Full-width digits and separators as a Chinese input method types them.
    let t: String = text
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == '\u{feff}')
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '　' => ' ',
            '：' => ':',
            c => c,
        })
        .collect();
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(serial) = t.parse::<f64>() {
        if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
            // 20260305: a date without separators, never a serial (that would be year 57,000).
            let (y, m, d) = (t[..4].parse().ok()?, t[4..6].parse().ok()?, t[6..].parse().ok()?);
            return checked_ymd(y, m, d);
        }
        return date_from_serial(serial);
    }
    // Drop a time part: after a space, a 'T' between date and time, or the 日/号 that ends a
    // Chinese date ("2026年3月5日14:30").
    let mut date_part = t.split(char::is_whitespace).next().unwrap_or(t);
    if let Some(i) = date_part.find(['日', '号']) {
        date_part = &date_part[..i + '日'.len_utf8()];
    }
    if let Some(i) = date_part.find('T') {
        if date_part[i + 1..].starts_with(|c: char| c.is_ascii_digit()) {
            date_part = &date_part[..i];
        }
    }
    let normalized: String = date_part
        .chars()
        .map(|c| match c {
            '年' | '月' | '/' | '.' | '-' | '／' | '．' | '－' => '-',
            '日' | '号' => ' ',
            c => c,
        })
        .collect();
    let parts: Vec<&str> = normalized.trim().trim_end_matches('-').split('-').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.trim().is_empty() || p.trim().len() > 4) {
        return None;
    }
    let nums: Option<Vec<u32>> = parts.iter().map(|p| p.trim().parse::<u32>().ok()).collect();
    let nums = nums?;
    if parts[0].trim().len() == 4 {
        return checked_ymd(nums[0] as i32, nums[1], nums[2]);
    }
    // Month/day/year, only as a slash date with the year written in full.
    if parts[2].trim().len() == 4 && date_part.contains('/') {
        return checked_ymd(nums[2] as i32, nums[0], nums[1]);
    }
    None
}

fn checked_ymd(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    if !(1900..=2200).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
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
    // A deadline written as a date, with a time or not, and the "…前" offices put after one.
    let trimmed = text.trim();
    for ending in ["之前", "以前", "前", "止", ""] {
        if let Some(d) = trimmed.strip_suffix(ending).and_then(parse_date) {
            return Some(TimeLimit::Date(d));
        }
    }
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return None;
    }
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &t[digits.len()..];
    if let Ok(n) = digits.parse::<u32>() {
        let rest = rest.trim_start_matches('个').trim_end_matches("以内").trim_end_matches('内');
        if rest.starts_with("工作日") {
            return Some(TimeLimit::WorkingDays(n));
        }
        if rest == "天"
            || rest == "日"
            || rest == "自然日"
            || rest == "个自然日"
            || rest == "个日历日"
            || rest == "日历日"
        {
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
        for text in [
            "2026-03-05",
            "2026/3/5",
            "2026.3.5",
            "2026年3月5日",
            "2026年03月05日",
            "2026-3-5 10:30",
            "2026/03/05 10:30:00",
            " 2026.03.05 ",
        ] {
            assert_eq!(parse_date(text), Some(d(2026, 3, 5)), "{text}");
        }
        assert_eq!(parse_date("46086"), Some(d(2026, 3, 5)), "an Excel serial");
        assert_eq!(date_from_serial(46086.75), Some(d(2026, 3, 5)), "a serial with a time of day");
        assert_eq!(date_from_serial(61.0), Some(d(1900, 3, 1)));
    }

    #[test]
    fn dates_with_a_time_and_as_spreadsheets_save_csv() {
        for text in [
            "2026-02-23 00:00:00",
            "2026-02-23 0:00",
            "2026/2/23 0:00",
            "2026/02/23 00:00:00",
            "2026-02-23T00:00:00",
            "2026-02-23T08:30:00Z",
            "2026-02-23T08:30:00+08:00",
            "2026年2月23日 14:30",
            "2026年2月23日14:30",
            "2026年2月23日14时30分",
            "2026年2月23号",
            "2026.2.23.",
            "20260223",
            "2/23/2026",
            "2/23/2026 0:00",
            "02/23/2026 12:00:00 AM",
            "２０２６年２月２３日",
            "\"2026-02-23\"",
            "2026-02-23\u{3000}00:00:00",
            "46076",
            "46076.0",
            "46076.5",
        ] {
            assert_eq!(parse_date(text), Some(d(2026, 2, 23)), "{text}");
        }
        // A day/month reading of a slash date is not guessed; nor is a two-digit year.
        assert_eq!(parse_date("23/2/26"), None);
        assert_eq!(parse_date("26-2-23"), None);
        assert_eq!(parse_date("20261301"), None);
        assert_eq!(parse_date("2026-02-23abc"), None);
    }

    #[test]
    fn time_limits_written_as_a_date_with_a_time() {
        for text in [
            "2026-02-23 00:00:00",
            "2026/2/23 0:00",
            "2026年2月23日前",
            "2026-02-23之前",
            " 2026.2.23 ",
            "2026-02-23T00:00:00",
        ] {
            assert_eq!(parse_time_limit(text), Some(TimeLimit::Date(d(2026, 2, 23))), "{text}");
        }
        assert_eq!(parse_time_limit("30天内"), Some(TimeLimit::CalendarDays(30)));
        assert_eq!(parse_time_limit("20个工作日以内"), Some(TimeLimit::WorkingDays(20)));
    }

    #[test]
    fn bad_dates_are_refused() {
        for text in ["", "2026-02-30", "2026-13-01", "三月五日", "2026年3月", "abc", "12", "2026-03-05-01", "-5", "NaN"]
        {
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
        assert_eq!(
            split_units("区财政局、区工信局，区商务局;区税务局\n区人社局"),
            ["区财政局", "区工信局", "区商务局", "区税务局", "区人社局"]
        );
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
