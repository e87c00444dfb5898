//! Reading one year's schedule from CSV (English or Chinese headers, as Excel writes it).

use std::collections::BTreeSet;

use chrono::Datelike;

use super::schedule::{
    bad_format, check_day, check_year, parse_date, parse_flag, sorted, CalendarDay, CalendarError, CalendarYear,
};

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
    let mut reader =
        csv::ReaderBuilder::new().has_headers(true).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());

    let headers = reader.headers().map_err(|e| bad_format(format!("invalid CSV header: {e}")))?.clone();
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
    let (Some(date_col), Some(off_col)) = (columns[Column::Date as usize], columns[Column::Off as usize]) else {
        return Err(bad_format("the header must have date and off columns (or 日期 and 放假)"));
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
    fn parse_csv_english_headers() {
        let y = parse_year_csv("date,off,name\n2027-01-01,true,元旦\n2027-02-06,false,春节调休上班\n", "通知").unwrap();
        assert_eq!(y.year, 2027);
        assert_eq!(y.notice, "通知");
        assert_eq!(
            y.days,
            vec![
                CalendarDay { date: d(2027, 1, 1), off: true, name: "元旦".into() },
                CalendarDay { date: d(2027, 2, 6), off: false, name: "春节调休上班".into() },
            ]
        );
    }

    #[test]
    fn parse_csv_with_bom_and_chinese_headers() {
        let text = "\u{feff}日期,放假,名称\r\n2027/2/6,班,春节调休上班\r\n\r\n2027-01-01,休,元旦\r\n2027-01-02,放假,元旦\r\n2027-02-20,上班,春节调休上班\r\n";
        let y = parse_year_csv(text, "").unwrap();
        assert_eq!(y.year, 2027);
        assert_eq!(y.days.len(), 4);
        assert_eq!(y.days[0], CalendarDay { date: d(2027, 1, 1), off: true, name: "元旦".into() });
        assert!(y.days[1].off);
        assert!(!y.days[2].off);
        assert!(!y.days[3].off);
    }

    #[test]
    fn parse_csv_flexible_columns() {
        // Any column order, extra columns, optional name, padded cells, 1/0 flags.
        let y = parse_year_csv("Name , Remark, OFF, Date\n元旦,x, 1 , 2027-01-01\n,,0,2027-02-06\n", "").unwrap();
        assert_eq!(y.days[0], CalendarDay { date: d(2027, 1, 1), off: true, name: "元旦".into() });
        assert_eq!(y.days[1], CalendarDay { date: d(2027, 2, 6), off: false, name: String::new() });
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
        assert_eq!(e, CalendarError::BadDate { text: "2027-02-30".into(), row: 3 });
        let e = csv_err("date,off,name\n\n2027-01-01,true,元旦\nsoon,true,x\n");
        assert_eq!(e.code(), "calendar.bad_date");
        let e = csv_err("date,off,name\n2027-01-01\n");
        assert_eq!(e, CalendarError::BadFlag { text: String::new(), row: 2 });
        let e = csv_err("name,off,date\nx,true\n");
        assert_eq!(e, CalendarError::BadDate { text: String::new(), row: 2 });

        let e = csv_err("date,off,name\n2027-01-01,true,元旦\n2028-01-01,true,元旦\n");
        assert_eq!(e, CalendarError::MixedYears { year: 2027, date: d(2028, 1, 1), row: 3 });

        let e = csv_err("date,off,name\n2027-01-01,true,元旦\n2027-01-01,false,元旦\n");
        assert_eq!(e, CalendarError::DuplicateDate { date: d(2027, 1, 1), row: 3 });

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
        assert!(matches!(e.code(), "calendar.bad_date" | "calendar.bad_format"), "{e:?}");

        let e = csv_err("date,off,name\n2027-01-01,yes,元旦\n");
        assert_eq!(e, CalendarError::BadFlag { text: "yes".into(), row: 2 });
        assert_eq!(e.code(), "calendar.bad_flag");

        let e = csv_err("date,off,name\n1999-01-01,true,元旦\n");
        assert_eq!(e, CalendarError::BadYear { year: 1999 });
        assert_eq!(csv_err("date,off\n2101-01-01,1\n").code(), "calendar.bad_year");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = parse_year_csv(&s, "");
            let _ = parse_year_csv(&format!("date,off,name\n{s}"), "");
        }
    }
}
