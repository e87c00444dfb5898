//! The monthly indicators of key enterprises (重点企业主要经济指标月报): the list the district
//! uses, fixed-point amounts, months, and the arithmetic offices do by hand: 同比, 1—本月累计,
//! 产品销售率. Facts behind the defaults: docs/monitoring.md.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// `x` rounded to two decimals (a percentage as reports print it).
pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A reported value in hundredths of its unit (12.34 万元 is `Amount(1234)`): integers in
/// events, exact sums, and a reading of at most two decimals as offices write them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, type = "number")]
pub struct Amount(pub i64);

impl Amount {
    pub const ZERO: Amount = Amount(0);

    /// Reads "1234.5", "-3", "1,234.56" or "１２３" (full-width digits, as pasted from forms).
    /// `field` names what is read, for the error.
    pub fn parse(field: &str, text: &str) -> Result<Amount, DomainError> {
        let bad = || DomainError::BadNumber { field: field.to_string(), text: text.to_string() };
        let cleaned: String = text
            .trim()
            .chars()
            .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                '．' => '.',
                '－' => '-',
                c => c,
            })
            .collect();
        let (negative, digits) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(frac) || frac.len() > 2 || whole.len() > 15 {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        let v = whole * 100 + frac;
        Ok(Amount(if negative { -v } else { v }))
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
}

impl fmt::Display for Amount {
    /// "1234.5", "-3", "0.05": no trailing zeros, no thousands separators.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let (whole, frac) = (self.0.unsigned_abs() / 100, self.0.unsigned_abs() % 100);
        match frac {
            0 => write!(f, "{sign}{whole}"),
            f2 if f2 % 10 == 0 => write!(f, "{sign}{whole}.{}", f2 / 10),
            f2 => write!(f, "{sign}{whole}.{f2:02}"),
        }
    }
}

impl std::ops::Add for Amount {
    type Output = Amount;
    fn add(self, o: Amount) -> Amount {
        Amount(self.0 + o.0)
    }
}

/// A calendar month: a report period (`2026-03`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Result<Month, DomainError> {
        if !(1..=12).contains(&month) || !(2000..=2099).contains(&year) {
            return Err(DomainError::NoSuchMonth { text: format!("{year}-{month:02}") });
        }
        Ok(Month { year, month })
    }

    /// "2026-03", "2026-3", "2026年3月".
    pub fn parse(text: &str) -> Result<Month, DomainError> {
        let bad = || DomainError::NoSuchMonth { text: text.to_string() };
        let t = text.trim().trim_end_matches('月');
        let (y, m) = t.split_once(['-', '年', '/', '.']).ok_or_else(bad)?;
        let (y, m) = (y.trim().parse::<i32>().map_err(|_| bad())?, m.trim().parse::<u32>().map_err(|_| bad())?);
        Month::new(y, m).map_err(|_| bad())
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a checked month")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("not the first day of time")
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month { year: self.year + 1, month: 1 }
        } else {
            Month { year: self.year, month: self.month + 1 }
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month { year: self.year - 1, month: 12 }
        } else {
            Month { year: self.year, month: self.month - 1 }
        }
    }

    /// The same month a year before (同期).
    pub fn a_year_before(self) -> Month {
        Month { year: self.year - 1, month: self.month }
    }

    pub fn of(date: NaiveDate) -> Month {
        Month { year: date.year(), month: date.month() }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

/// One indicator of the district's monthly report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct IndicatorDef {
    /// Stable key (`gross_output`): what events and sheets name.
    pub key: String,
    /// 工业总产值
    pub name: String,
    /// 万元, 万千瓦时, 人
    pub unit: String,
    /// Whether a 1—本月累计 is the sum of the months (a headcount is an average, not a sum).
    pub cumulative: bool,
    /// Whether a negative value is possible (利润总额 can be a loss; output cannot).
    pub may_be_negative: bool,
}

fn def(key: &str, name: &str, unit: &str, cumulative: bool, may_be_negative: bool) -> IndicatorDef {
    IndicatorDef { key: key.into(), name: name.into(), unit: unit.into(), cumulative, may_be_negative }
}

/// The default list (docs/monitoring.md): the industrial form's output, sales and export
/// delivery, the statistical tables' revenue, profit and taxes, electricity, headcount.
pub fn default_indicators() -> Vec<IndicatorDef> {
    vec![
        def("gross_output", "工业总产值", "万元", true, false),
        def("sales_output", "工业销售产值", "万元", true, false),
        def("export_delivery", "出口交货值", "万元", true, false),
        def("revenue", "营业收入", "万元", true, false),
        def("profit", "利润总额", "万元", true, true),
        def("taxes", "税金总额", "万元", true, false),
        def("electricity", "用电量", "万千瓦时", true, false),
        def("employees", "平均用工人数", "人", false, false),
    ]
}

/// Checks one reported value against its indicator: the unit it is given in (when the sheet
/// says) and its sign.
pub fn check_value(def: &IndicatorDef, value: Amount, unit: Option<&str>) -> Result<(), DomainError> {
    if let Some(u) = unit.map(str::trim).filter(|u| !u.is_empty()) {
        if u != def.unit {
            return Err(DomainError::WrongUnit {
                indicator: def.name.clone(),
                unit: u.to_string(),
                expected: def.unit.clone(),
            });
        }
    }
    if value.is_negative() && !def.may_be_negative {
        return Err(DomainError::NegativeValue { indicator: def.name.clone(), value: value.to_string() });
    }
    Ok(())
}

/// A 1—本月累计 entered directly must not be smaller than the month before's (a loss can make
/// a profit's cumulative smaller, so it is checked only for indicators that cannot be negative).
pub fn check_cumulative(
    def: &IndicatorDef,
    month: Month,
    cumulative: Amount,
    previous: Option<Amount>,
) -> Result<(), DomainError> {
    match previous {
        Some(p) if month.month > 1 && !def.may_be_negative && cumulative < p => {
            Err(DomainError::CumulativeDecreasing {
                indicator: def.name.clone(),
                month: month.to_string(),
                cumulative: cumulative.to_string(),
                previous: p.to_string(),
            })
        }
        _ => Ok(()),
    }
}

/// 1—本月累计: the sum of the year's months up to `month`, each `Some` (a missing month makes
/// the cumulative unknown rather than quietly smaller).
pub fn cumulative(values_by_month: &[(Month, Option<Amount>)], month: Month) -> Option<Amount> {
    let mut sum = Amount::ZERO;
    for m in 1..=month.month {
        let v = values_by_month.iter().find(|(k, _)| k.year == month.year && k.month == m).and_then(|(_, v)| *v)?;
        sum = sum + v;
    }
    Some(sum)
}

/// 同比 in percent, two decimals: (this − the same period last year) ÷ last year × 100.
/// `None` when last year's value is missing or zero (shown "—", never infinity), or negative
/// (a loss turned profit has no meaningful growth rate).
pub fn yoy(this: Option<Amount>, last_year: Option<Amount>) -> Option<f64> {
    let (t, l) = (this?, last_year?);
    if l.0 <= 0 {
        return None;
    }
    Some(round2((t.0 - l.0) as f64 / l.0 as f64 * 100.0))
}

/// 产品销售率 (%) = 工业销售产值 ÷ 工业总产值 × 100; also 产销率 = 销量 ÷ 产量 × 100.
pub fn sales_rate(sold: Option<Amount>, produced: Option<Amount>) -> Option<f64> {
    let (s, p) = (sold?, produced?);
    if p.0 <= 0 {
        return None;
    }
    Some(round2(s.0 as f64 / p.0 as f64 * 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Amount {
        Amount::parse("v", s).unwrap()
    }

    #[test]
    fn amounts_read_as_offices_write_them_and_print_back() {
        assert_eq!(a("1234.5"), Amount(123450));
        assert_eq!(a("1,234.56"), Amount(123456));
        assert_eq!(a(" -3 "), Amount(-300));
        assert_eq!(a("１２３．４"), Amount(12340));
        assert_eq!(a("0.05"), Amount(5));
        for bad in ["", "1.234", "abc", "1e3", "--1", "1.2.3", ".5"] {
            let e = Amount::parse("工业总产值", bad).unwrap_err();
            assert_eq!(e.code(), "monitoring.bad_number", "{bad:?}");
        }
        for (v, shown) in [(123450, "1234.5"), (-300, "-3"), (5, "0.05"), (0, "0"), (-5, "-0.05")] {
            assert_eq!(Amount(v).to_string(), shown);
            assert_eq!(Amount::parse("v", shown).unwrap(), Amount(v));
        }
    }

    #[test]
    fn months_parse_and_step() {
        assert_eq!(Month::parse("2026-03").unwrap(), Month { year: 2026, month: 3 });
        assert_eq!(Month::parse("2026年3月").unwrap(), Month { year: 2026, month: 3 });
        for bad in ["2026-13", "2026-00", "2026", "三月", "1999-05"] {
            assert_eq!(Month::parse(bad).unwrap_err().code(), "monitoring.no_such_month", "{bad}");
        }
        let jan = Month::new(2026, 1).unwrap();
        assert_eq!(jan.previous(), Month { year: 2025, month: 12 });
        assert_eq!(Month::new(2025, 12).unwrap().next(), jan);
        assert_eq!(Month::new(2024, 2).unwrap().last_day(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(jan.a_year_before().to_string(), "2025-01");
    }

    #[test]
    fn yoy_and_sales_rate_match_hand_worked_examples() {
        // 本月 1,150 万元 against 1,000 the same month last year: +15.00 %.
        assert_eq!(yoy(Some(a("1150")), Some(a("1000"))), Some(15.0));
        // 812.4 against 903.7: (812.4 − 903.7) ÷ 903.7 = −10.10 %.
        assert_eq!(yoy(Some(a("812.4")), Some(a("903.7"))), Some(-10.1));
        // Last year zero or missing: no rate, never infinity.
        assert_eq!(yoy(Some(a("5")), Some(Amount::ZERO)), None);
        assert_eq!(yoy(Some(a("5")), None), None);
        assert_eq!(yoy(None, Some(a("5"))), None);
        // 工业销售产值 1,870 of 工业总产值 1,920: 97.40 %.
        assert_eq!(sales_rate(Some(a("1870")), Some(a("1920"))), Some(97.4));
        assert_eq!(sales_rate(Some(a("1")), Some(Amount::ZERO)), None);
    }

    #[test]
    fn the_cumulative_is_the_sum_of_the_months_and_unknown_with_a_gap() {
        let m = |n| Month::new(2026, n).unwrap();
        let values = vec![(m(1), Some(a("100"))), (m(2), Some(a("120.5"))), (m(3), Some(a("130")))];
        assert_eq!(cumulative(&values, m(3)), Some(a("350.5")));
        assert_eq!(cumulative(&values, m(1)), Some(a("100")));
        let gap = vec![(m(1), Some(a("100"))), (m(3), Some(a("130")))];
        assert_eq!(cumulative(&gap, m(3)), None);
    }

    #[test]
    fn entered_values_are_checked_against_their_indicator() {
        let defs = default_indicators();
        let output = defs.iter().find(|d| d.key == "gross_output").unwrap();
        let profit = defs.iter().find(|d| d.key == "profit").unwrap();
        assert_eq!(check_value(output, a("-1"), None).unwrap_err().code(), "monitoring.negative_value");
        assert!(check_value(profit, a("-1"), None).is_ok(), "a loss is a value");
        assert_eq!(check_value(output, a("1"), Some("万千瓦时")).unwrap_err().code(), "monitoring.wrong_unit");
        assert!(check_value(output, a("1"), Some(" 万元 ")).is_ok());
        let mar = Month::new(2026, 3).unwrap();
        let e = check_cumulative(output, mar, a("300"), Some(a("350"))).unwrap_err();
        assert_eq!(e.code(), "monitoring.cumulative_decreasing");
        assert!(check_cumulative(output, mar, a("350"), Some(a("350"))).is_ok());
        assert!(check_cumulative(profit, mar, a("300"), Some(a("350"))).is_ok(), "a loss lowers it");
        assert!(check_cumulative(output, Month::new(2026, 1).unwrap(), a("1"), Some(a("900"))).is_ok(), "a new year");
    }
}
