use std::fmt::Debug;

#[allow(unused_imports)]
use super::{commands::*, import::*, regressions::*, sheet::*, text::*};
use crate::hostile::harness::*;
use crate::hostile::mutations::*;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Value};
use taizhang_core::calendar::{parse_year_csv, parse_year_json, validate_year, CalendarYear};

// ------------------------------------------------------------------------------------------
// Target 3: the calendar import.
// ------------------------------------------------------------------------------------------
pub(super) fn calendar_seeds_json() -> Vec<String> {
    let y2026 = taizhang_core::calendar::builtin_years().into_iter().find(|y| y.year == 2026).unwrap();
    let ours = serde_json::to_string(&y2026).unwrap();
    let holiday_cn = json!({
        "$schema": "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/schema.json",
        "year": 2027,
        "papers": ["https://www.gov.cn/zhengce/content/2026-11/01/content_0000000.htm"],
        "days": [
            {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
            {"name": "春节", "date": "2027-02-06", "isOffDay": false},
            {"name": "春节", "date": "2027-02-07", "isOffDay": true}
        ]
    });
    vec![
        ours,
        holiday_cn.to_string(),
        "\u{feff}{\"year\":2027,\"notice\":null,\"days\":[{\"date\":\"2027-10-01\",\"off\":\"休\",\"name\":null}]}"
            .into(),
    ]
}

pub(super) fn calendar_seeds_csv() -> Vec<String> {
    vec![
        "date,off,name\r\n2027-01-01,true,元旦\r\n2027-02-06,0,春节调休上班\r\n\r\n2027-02-07,休,春节\r\n".into(),
        "\u{feff}日期,放假,名称,备注\n2027-10-01,放假,国庆节,x\n2027-10-09,上班,\"调休,上班\",\n".into(),
        "name,off,date\n\"元旦\",1,2027-01-01\n".into(),
    ]
}

pub(super) fn calendar_atoms() -> Vec<Value> {
    vec![
        json!("休"),
        json!("班"),
        json!("放假"),
        json!("上班"),
        json!("true"),
        json!("1"),
        json!(0),
        json!(1),
        json!(2),
        json!("2026-01-01"),
        json!("2026-12-31"),
        json!("2027-01-01"),
        json!("2026-10-01"),
        json!(2026),
        json!(2027),
        json!({"date": "2026-10-02", "off": true, "name": "国庆"}),
        json!({"date": "2026-10-02", "isOffDay": "休"}),
        json!([]),
        json!({}),
    ]
}

pub(super) const CALENDAR_KEYS: &[&str] =
    &["year", "notice", "papers", "days", "date", "off", "isOffDay", "name", "$schema"];

/// A year the import accepted is a valid year, and survives our own JSON unchanged.
pub(super) fn check_year(year: &CalendarYear) -> Result<(), TestCaseError> {
    prop_assert!(validate_year(year).is_ok(), "an accepted year fails validate_year: {:?}", validate_year(year));
    prop_assert!(year.days.windows(2).all(|w| w[0].date < w[1].date), "days sorted and distinct");
    let again = parse_year_json(&serde_json::to_string(year).unwrap());
    prop_assert_eq!(again.as_ref().ok(), Some(year), "our own JSON of an accepted year reads back the same");
    Ok(())
}

#[derive(Debug, Clone)]
pub(super) enum CalendarCase {
    Random(String),
    Json { seed: usize, ops: Vec<JsonOp> },
    JsonBytes { seed: usize, ops: Vec<Mutation> },
    RandomJson(Value),
}

#[test]
pub(super) fn calendar_json_import() {
    let seeds = calendar_seeds_json();
    let strategy = prop_oneof![
        1 => any::<String>().prop_map(CalendarCase::Random),
        4 => (0..seeds.len(), prop::collection::vec(json_op(calendar_atoms(), CALENDAR_KEYS.to_vec()), 1..4))
            .prop_map(|(seed, ops)| CalendarCase::Json { seed, ops }),
        2 => (0..seeds.len(), mutations(5)).prop_map(|(seed, ops)| CalendarCase::JsonBytes { seed, ops }),
        1 => json_value(calendar_atoms()).prop_map(CalendarCase::RandomJson),
    ];
    run_target("calendar: json", cases(1500, 1.0), strategy, |case, rec| {
        let text = match &case {
            CalendarCase::Random(s) => s.clone(),
            CalendarCase::Json { seed, ops } => {
                let mut v: Value = serde_json::from_str(seeds[*seed].trim_start_matches('\u{feff}')).unwrap();
                apply_json(&mut v, ops);
                v.to_string()
            }
            CalendarCase::JsonBytes { seed, ops } => {
                let mut b = seeds[*seed].clone().into_bytes();
                mutate(&mut b, ops);
                String::from_utf8_lossy(&b).into_owned()
            }
            CalendarCase::RandomJson(v) => v.to_string(),
        };
        match parse_year_json(&text) {
            Ok(year) => {
                check_year(&year)?;
                rec.ok();
                Ok(())
            }
            Err(e) => rec.refused(e.code(), &e),
        }
    });
}

#[test]
pub(super) fn calendar_csv_import() {
    let seeds = calendar_seeds_csv();
    let strategy = prop_oneof![
        1 => (any::<String>(), any::<String>()).prop_map(|(t, n)| (None, t, n, vec![])),
        4 => (0..seeds.len(), mutations(6), hostile_text()).prop_map(|(s, ops, n)| (Some(s), String::new(), render(&n), ops)),
    ];
    run_target("calendar: csv", cases(1500, 1.0), strategy, |(seed, random, notice, ops), rec| {
        let text = match seed {
            Some(s) => {
                let mut b = seeds[s].clone().into_bytes();
                mutate(&mut b, &ops);
                String::from_utf8_lossy(&b).into_owned()
            }
            None => random,
        };
        match parse_year_csv(&text, &notice) {
            Ok(year) => {
                prop_assert_eq!(&year.notice, &notice, "the notice is kept as given");
                check_year(&year)?;
                rec.ok();
                Ok(())
            }
            Err(e) => rec.refused(e.code(), &e),
        }
    });
}
