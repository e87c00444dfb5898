//! The figures of the monthly indicator report, from the reports as recorded: for one
//! enterprise and month, each indicator's 本月, 1—本月累计 and the same for last year with
//! 同比; summed for a township and the district; 产品销售率. The ledger reads the reports, this
//! computes, every screen and sheet shows the result (docs/monitoring.md, "Arithmetic").

use serde::{Deserialize, Serialize};

use super::indicators::{round2, sales_rate, yoy, Amount, IndicatorDef, Month};
use super::records::IndicatorReport;

/// One indicator's figures for a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct IndicatorFigures {
    pub key: String,
    pub value: Option<Amount>,
    pub cumulative: Option<Amount>,
    pub last_year: Option<Amount>,
    pub last_year_cumulative: Option<Amount>,
    /// 同比 of the month, percent.
    pub yoy: Option<f64>,
    /// 同比 of 1—本月累计, percent.
    pub cumulative_yoy: Option<f64>,
}

/// What one enterprise's reports of two years say of `month`. `reports` holds any of its
/// reports (this year's and last year's are used). With January exempt, a missing January
/// does not make the cumulative unknown (February's report covers 1—2月).
pub fn enterprise_figures(
    defs: &[IndicatorDef],
    month: Month,
    reports: &[IndicatorReport],
    january_exempt: bool,
) -> Vec<IndicatorFigures> {
    let report = |m: Month| reports.iter().find(|r| r.month == m);
    let value = |m: Month, key: &str| report(m).and_then(|r| r.entry(key)).map(|e| e.value);
    // The sum of the year's months through `month` of `pick`, unknown when one is missing.
    let sum = |pick: &dyn Fn(Month) -> Option<Amount>, m: Month| -> Option<Amount> {
        let mut total = Amount::ZERO;
        for i in 1..=m.month {
            let mm = Month { year: m.year, month: i };
            match pick(mm) {
                Some(v) => total = total + v,
                None if i == 1 && january_exempt && m.month > 1 => {}
                None => return None,
            }
        }
        Some(total)
    };
    defs.iter()
        .map(|d| {
            let entry = report(month).and_then(|r| r.entry(&d.key));
            let this = entry.map(|e| e.value);
            let last_year = entry.and_then(|e| e.last_year).or_else(|| value(month.a_year_before(), &d.key));
            let (cumulative, last_year_cumulative) = if d.cumulative {
                let c = entry.and_then(|e| e.cumulative).or_else(|| sum(&|m| value(m, &d.key), month));
                let ly = sum(&|m| value(m, &d.key), month.a_year_before())
                    .or_else(|| sum(&|m| report(m).and_then(|r| r.entry(&d.key)).and_then(|e| e.last_year), month));
                (c, ly)
            } else {
                (None, None)
            };
            IndicatorFigures {
                key: d.key.clone(),
                value: this,
                cumulative,
                last_year,
                last_year_cumulative,
                yoy: yoy(this, last_year),
                cumulative_yoy: yoy(cumulative, last_year_cumulative),
            }
        })
        .collect()
}

/// The figures of several enterprises summed (a township, the district). A sum is over the
/// enterprises that have the figure; 同比 compares only those that have both years, so a firm
/// that did not report last year does not count as growth.
pub fn total_figures(defs: &[IndicatorDef], rows: &[&[IndicatorFigures]]) -> Vec<IndicatorFigures> {
    defs.iter()
        .enumerate()
        .map(|(i, d)| {
            let col: Vec<&IndicatorFigures> = rows.iter().filter_map(|r| r.get(i)).collect();
            let total = |f: &dyn Fn(&IndicatorFigures) -> Option<Amount>| -> Option<Amount> {
                col.iter()
                    .filter_map(|x| f(x))
                    .fold(None, |acc: Option<Amount>, v| Some(acc.unwrap_or(Amount::ZERO) + v))
            };
            let paired = |this: &dyn Fn(&IndicatorFigures) -> Option<Amount>,
                          last: &dyn Fn(&IndicatorFigures) -> Option<Amount>| {
                let both: Vec<_> = col.iter().filter_map(|x| Some((this(x)?, last(x)?))).collect();
                if both.is_empty() {
                    return None;
                }
                let (t, l) = both.iter().fold((Amount::ZERO, Amount::ZERO), |(a, b), (x, y)| (a + *x, b + *y));
                yoy(Some(t), Some(l))
            };
            let summable = d.cumulative;
            IndicatorFigures {
                key: d.key.clone(),
                value: total(&|x| x.value),
                cumulative: if summable { total(&|x| x.cumulative) } else { None },
                last_year: total(&|x| x.last_year),
                last_year_cumulative: if summable { total(&|x| x.last_year_cumulative) } else { None },
                yoy: paired(&|x| x.value, &|x| x.last_year),
                cumulative_yoy: if summable { paired(&|x| x.cumulative, &|x| x.last_year_cumulative) } else { None },
            }
        })
        .collect()
}

/// 产品销售率 of a row of figures: 工业销售产值 ÷ 工业总产值, when the list has both.
pub fn product_sales_rate(figures: &[IndicatorFigures]) -> Option<f64> {
    let get = |k: &str| figures.iter().find(|f| f.key == k).and_then(|f| f.value);
    sales_rate(get("sales_output"), get("gross_output")).map(round2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::indicators::default_indicators;
    use crate::monitoring::records::IndicatorEntry;

    fn r(m: u32, year: i32, output: i64, cumulative: Option<i64>) -> IndicatorReport {
        IndicatorReport {
            enterprise_id: "e".into(),
            month: Month { year, month: m },
            entries: vec![IndicatorEntry {
                key: "gross_output".into(),
                value: Amount(output * 100),
                cumulative: cumulative.map(|c| Amount(c * 100)),
                last_year: None,
            }],
            note: String::new(),
            late: false,
        }
    }

    fn output(f: &[IndicatorFigures]) -> &IndicatorFigures {
        &f[0]
    }

    #[test]
    fn cumulative_and_yoy_by_hand() {
        // Last year 100, 110, 120; this year 150 (1—2月, January exempt), 130.
        let reports = vec![
            r(1, 2025, 100, None),
            r(2, 2025, 110, None),
            r(3, 2025, 120, None),
            r(2, 2026, 150, None),
            r(3, 2026, 130, None),
        ];
        let defs = default_indicators();
        let f = enterprise_figures(&defs, Month { year: 2026, month: 3 }, &reports, true);
        let o = output(&f);
        assert_eq!((o.value, o.last_year, o.yoy), (Some(Amount(13000)), Some(Amount(12000)), Some(8.33)));
        // 150 + 130 = 280 against 330: −15.15 %.
        assert_eq!(
            (o.cumulative, o.last_year_cumulative, o.cumulative_yoy),
            (Some(Amount(28000)), Some(Amount(33000)), Some(-15.15))
        );
        // Without the exemption, January's absence makes the cumulative unknown.
        let f = enterprise_figures(&defs, Month { year: 2026, month: 3 }, &reports, false);
        assert_eq!((output(&f).cumulative, output(&f).cumulative_yoy), (None, None));
        // An entered cumulative wins over the sum.
        let mut with = reports.clone();
        with[4] = r(3, 2026, 130, Some(300));
        let f = enterprise_figures(&defs, Month { year: 2026, month: 3 }, &with, true);
        assert_eq!(output(&f).cumulative, Some(Amount(30000)));
        // Headcount has no cumulative.
        assert_eq!(f.iter().find(|x| x.key == "employees").unwrap().cumulative, None);
    }

    #[test]
    fn totals_compare_only_firms_with_both_years() {
        let defs = default_indicators();
        let a = enterprise_figures(
            &defs,
            Month { year: 2026, month: 3 },
            &[r(3, 2026, 110, None), r(3, 2025, 100, None)],
            true,
        );
        let b = enterprise_figures(&defs, Month { year: 2026, month: 3 }, &[r(3, 2026, 500, None)], true);
        let t = total_figures(&defs, &[&a, &b]);
        assert_eq!((t[0].value, t[0].last_year, t[0].yoy), (Some(Amount(61000)), Some(Amount(10000)), Some(10.0)));
        assert_eq!(t.iter().find(|x| x.key == "electricity").unwrap().value, None, "nobody reported it");
    }
}
