//! Reading one year's schedule from JSON: ours, or NateScarlet/holiday-cn's.

use std::collections::BTreeSet;

use super::schedule::{
    bad_format, check_day, check_year, parse_date, parse_flag, sorted, CalendarDay, CalendarError, CalendarYear,
};

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
    let root: Value = serde_json::from_str(text).map_err(|e| bad_format(format!("invalid JSON: {e}")))?;
    let obj = root.as_object().ok_or_else(|| bad_format("expected a JSON object"))?;

    let year = match obj.get("year") {
        Some(Value::Number(n)) => match n.as_i64() {
            Some(y) => check_year(y)?,
            None => return Err(bad_format(format!("\"year\" must be a whole number, found {n}"))),
        },
        Some(other) => return Err(bad_format(format!("\"year\" must be a number, found {other}"))),
        None => return Err(bad_format("missing \"year\"")),
    };

    let notice = match (obj.get("notice"), obj.get("papers")) {
        (Some(Value::String(s)), _) => s.clone(),
        (Some(Value::Null) | None, Some(Value::Array(papers))) => {
            let papers: Option<Vec<&str>> = papers.iter().map(Value::as_str).collect();
            papers.ok_or_else(|| bad_format("\"papers\" must be a list of strings"))?.join("; ")
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
        let day = day.as_object().ok_or_else(|| bad_format(format!("day {row} must be an object")))?;
        let date = match day.get("date") {
            Some(Value::String(s)) => parse_date(s, row)?,
            Some(other) => return Err(CalendarError::BadDate { text: other.to_string(), row }),
            None => return Err(bad_format(format!("day {row} has no \"date\""))),
        };
        check_day(year, date, row, &mut seen)?;
        let off = match day.get("off").or_else(|| day.get("isOffDay")) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => parse_flag(s, row)?,
            Some(Value::Number(n)) => parse_flag(&n.to_string(), row)?,
            Some(other) => return Err(CalendarError::BadFlag { text: other.to_string(), row }),
            None => return Err(bad_format(format!("day {row} has no \"off\" or \"isOffDay\""))),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::builtin_years;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

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
                CalendarDay { date: d(2027, 1, 1), off: true, name: "元旦".into() },
                CalendarDay { date: d(2027, 2, 6), off: false, name: "春节调休上班".into() },
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
        assert_eq!(y.notice, "https://www.gov.cn/a.htm; https://www.gov.cn/b.htm");
        assert_eq!(y.days.len(), 2);
        assert!(y.days[0].off);
        assert!(!y.days[1].off);
        assert_eq!(y.days[1].name, "春节");

        let no_papers =
            parse_year_json(r#"{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}"#).unwrap();
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
        assert_eq!(y.days[0], CalendarDay { date: d(2027, 1, 1), off: true, name: String::new() });
        assert_eq!(y.days[1], CalendarDay { date: d(2027, 1, 2), off: true, name: "元旦".into() });
        assert!(!y.days[2].off);
    }

    fn json_err(text: &str) -> CalendarError {
        parse_year_json(text).expect_err(text)
    }

    #[test]
    fn json_errors() {
        let e = json_err(r#"{"year":2027,"days":[{"date":"2027-01-01","off":true},{"date":"2027-13-01","off":true}]}"#);
        assert_eq!(e, CalendarError::BadDate { text: "2027-13-01".into(), row: 2 });
        assert_eq!(e.code(), "calendar.bad_date");
        assert!(e.to_string().contains("2027-13-01"));

        let e = json_err(r#"{"year":2027,"days":[{"date":20270101,"off":true}]}"#);
        assert_eq!(e, CalendarError::BadDate { text: "20270101".into(), row: 1 });

        let e = json_err(r#"{"year":2027,"days":[{"date":"2027-01-01","off":true},{"date":"2028-01-01","off":true}]}"#);
        assert_eq!(e, CalendarError::MixedYears { year: 2027, date: d(2028, 1, 1), row: 2 });
        assert_eq!(e.code(), "calendar.mixed_years");
        let e = json_err(r#"{"year":2027,"days":[{"date":"2026-12-31","off":true}]}"#);
        assert_eq!(e.code(), "calendar.mixed_years");

        let e = json_err(r#"{"year":2027,"days":[{"date":"2027-01-01","off":true},{"date":"2027-1-1","off":false}]}"#);
        assert_eq!(e, CalendarError::DuplicateDate { date: d(2027, 1, 1), row: 2 });
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
        assert_eq!(e, CalendarError::BadFlag { text: "maybe".into(), row: 1 });
        assert_eq!(e.code(), "calendar.bad_flag");
        let e = json_err(r#"{"year":2027,"days":[{"date":"2027-01-01","off":null}]}"#);
        assert_eq!(e, CalendarError::BadFlag { text: "null".into(), row: 1 });
        let e = json_err(r#"{"year":2027,"days":[{"date":"2027-01-01","off":2}]}"#);
        assert_eq!(e.code(), "calendar.bad_flag");

        for year in ["1999", "2101", "-5", "99999999999"] {
            let e = json_err(&format!(r#"{{"year":{year},"days":[{{"date":"2027-01-01","off":true}}]}}"#));
            assert_eq!(e, CalendarError::BadYear { year: year.parse().unwrap() });
            assert_eq!(e.code(), "calendar.bad_year");
        }
        assert!(parse_year_json(r#"{"year":2000,"days":[{"date":"2000-01-01","off":true}]}"#).is_ok());
        assert!(parse_year_json(r#"{"year":2100,"days":[{"date":"2100-01-01","off":true}]}"#).is_ok());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = parse_year_json(&s);
        }
    }
}
