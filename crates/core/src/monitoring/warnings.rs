//! Early warning (监测预警): rules the office can change (`WarningRules`, a setting), each raising
//! a `Warning` with a level (蓝/黄/橙/红), the rule's key and the figures behind it. The words are
//! the catalogue's (`warnings.<rule>` in i18n/*.json, filled with `params`), so a person reads
//! why, in either language.
//!
//! Which defaults are documented practice and which are ours: docs/monitoring.md. In short,
//! negative 同比 as the alarm line and electricity under 30 % of a baseline as "not working"
//! are documented; the 黄/橙/红 steps between them are our proposal.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::indicators::{round2, yoy, Amount, IndicatorDef, Month};
use super::projects::{completion_rate, pace, points_ahead, time_progress, Pace};

crate::model::labelled_enum!(
    /// The four levels, lowest first (they compare in this order).
    Level in "warningLevel" { Blue = "blue", Yellow = "yellow", Orange = "orange", Red = "red" }
);

/// The office's thresholds (defaults: docs/monitoring.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct WarningRules {
    /// 黄: 同比 of a watched indicator below this, in percent (default 0).
    pub yellow_yoy_below: f64,
    /// 橙: 同比 below this (default −20) …
    pub orange_yoy_below: f64,
    /// … or below the 黄 line this many months running (default 2).
    pub orange_falling_months: u32,
    /// 红: below the 黄 line this many months running (default 3) …
    pub red_falling_months: u32,
    /// … or a day's electricity under this share of the baseline month's, in percent (default
    /// 30: 停产/半停产).
    pub red_electricity_share: f64,
    /// A project is 滞后 this many points behind 序时进度 (default 5), and then 橙.
    pub pace_tolerance: f64,
    /// The indicators whose 同比 is watched (default output and electricity).
    pub watched: Vec<String>,
}

impl Default for WarningRules {
    fn default() -> Self {
        WarningRules {
            yellow_yoy_below: 0.0,
            orange_yoy_below: -20.0,
            orange_falling_months: 2,
            red_falling_months: 3,
            red_electricity_share: 30.0,
            pace_tolerance: 5.0,
            watched: vec!["gross_output".into(), "electricity".into()],
        }
    }
}

/// What a rule raised: its level, its key (the catalogue's `warnings.<rule>`), and the figures
/// the message shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Warning {
    pub level: Level,
    pub rule: String,
    #[ts(type = "Record<string, unknown>")]
    pub params: Map<String, Value>,
}

/// Every rule key, for the catalogue check.
pub const RULES: &[&str] = &[
    "yoy_negative",
    "yoy_below",
    "falling_months",
    "electricity_stopped",
    "report_missing",
    "progress_copied",
    "project_behind",
];

/// Both catalogues' `warnings` sections, read once.
static TEXTS: std::sync::LazyLock<[(&str, Map<String, Value>); 2]> = std::sync::LazyLock::new(|| {
    let section = |text: &str| match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(mut m)) => match m.remove("warnings") {
            Some(Value::Object(w)) => w,
            _ => Map::new(),
        },
        _ => Map::new(),
    };
    [
        ("zh-CN", section(include_str!("../../../../i18n/zh-CN.json"))),
        ("en", section(include_str!("../../../../i18n/en.json"))),
    ]
});

/// A warning in words (`lang`: `zh-CN` or `en`), its placeholders filled from `params`: what
/// the CLI and the sheets print; the window fills the same catalogue entry itself.
pub fn warning_text(lang: &str, rule: &str, params: &Map<String, Value>) -> String {
    let template = TEXTS.iter().find(|(l, _)| *l == lang).and_then(|(_, m)| m.get(rule)).and_then(Value::as_str);
    let Some(mut text) = template.map(str::to_string) else { return rule.to_string() };
    for (k, v) in params {
        let shown = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        text = text.replace(&format!("{{{k}}}"), &shown);
    }
    text
}

fn warning(level: Level, rule: &str, params: Value) -> Warning {
    let params = match params {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    Warning { level, rule: rule.into(), params }
}

/// One month of a watched indicator: this year's value and the same month a year before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthFigures {
    pub month: Month,
    pub value: Option<Amount>,
    pub last_year: Option<Amount>,
}

/// The warning a watched indicator's 同比 raises for the last month of `months` (oldest first),
/// if any: the highest that applies. Months running means consecutive calendar months, each
/// with its 同比 below the 黄 line; a month without figures ends the run.
pub fn indicator_warning(def: &IndicatorDef, months: &[MonthFigures], rules: &WarningRules) -> Option<Warning> {
    let last = months.last()?;
    let rate = yoy(last.value, last.last_year)?;
    let mut run = 0u32;
    let mut expected = last.month;
    for m in months.iter().rev() {
        if m.month != expected || !yoy(m.value, m.last_year).is_some_and(|r| r < rules.yellow_yoy_below) {
            break;
        }
        run += 1;
        expected = expected.previous();
    }
    let base = json!({ "indicator": def.name, "month": last.month.to_string(), "yoy": rate });
    let with = |extra: Value| {
        let mut v = base.clone();
        if let (Some(m), Value::Object(e)) = (v.as_object_mut(), extra) {
            m.extend(e);
        }
        v
    };
    if run >= rules.red_falling_months {
        Some(warning(Level::Red, "falling_months", with(json!({ "months": run }))))
    } else if rate < rules.orange_yoy_below {
        Some(warning(Level::Orange, "yoy_below", with(json!({ "threshold": rules.orange_yoy_below }))))
    } else if run >= rules.orange_falling_months {
        Some(warning(Level::Orange, "falling_months", with(json!({ "months": run }))))
    } else if rate < rules.yellow_yoy_below {
        Some(warning(Level::Yellow, "yoy_negative", base))
    } else {
        None
    }
}

/// 红 when a day's electricity in `month` is under the share of a day's in the baseline month
/// (the notes: back at work above 30 % of the previous December's daily average).
pub fn electricity_warning(
    month: Month,
    value: Option<Amount>,
    baseline: (Month, Option<Amount>),
    rules: &WarningRules,
) -> Option<Warning> {
    let (value, base) = (value?, baseline.1?);
    if base.0 <= 0 {
        return None;
    }
    let days = |m: Month| m.last_day().signed_duration_since(m.first_day()).num_days() as f64 + 1.0;
    let share = round2((value.0 as f64 / days(month)) / (base.0 as f64 / days(baseline.0)) * 100.0);
    (share < rules.red_electricity_share).then(|| {
        warning(
            Level::Red,
            "electricity_stopped",
            json!({
                "month": month.to_string(),
                "share": share,
                "baseline": baseline.0.to_string(),
                "threshold": rules.red_electricity_share,
            }),
        )
    })
}

/// 红 for a report not in by its due day (`who`: the unit or enterprise that owes it).
pub fn missing_report_warning(
    who: &str,
    what: &str,
    due: NaiveDate,
    today: NaiveDate,
    reported: bool,
) -> Option<Warning> {
    (!reported && today > due)
        .then(|| warning(Level::Red, "report_missing", json!({ "who": who, "report": what, "due": due.to_string() })))
}

/// 黄 when this month's progress (or difficulties) text is last month's again: copied.
pub fn copied_text_warning(field: &str, this: &str, last: &str) -> Option<Warning> {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let this = norm(this);
    (!this.is_empty() && this == norm(last))
        .then(|| warning(Level::Yellow, "progress_copied", json!({ "field": field })))
}

/// 橙 for a project 滞后 against 序时进度.
pub fn project_warning(completed: Amount, plan: Amount, month: Month, rules: &WarningRules) -> Option<Warning> {
    let rate = completion_rate(completed, plan)?;
    (pace(rate, month, rules.pace_tolerance) == Pace::Behind).then(|| {
        warning(
            Level::Orange,
            "project_behind",
            json!({
                "month": month.to_string(),
                "rate": rate,
                "time_progress": time_progress(month),
                "points": -points_ahead(rate, month),
            }),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::indicators::default_indicators;

    fn output() -> IndicatorDef {
        default_indicators().into_iter().find(|d| d.key == "gross_output").unwrap()
    }

    /// Months of 2026 from January with these 同比 (last year 1000 each month).
    fn series(rates: &[f64]) -> Vec<MonthFigures> {
        rates
            .iter()
            .enumerate()
            .map(|(i, r)| MonthFigures {
                month: Month::new(2026, i as u32 + 1).unwrap(),
                value: Some(Amount((100_000.0 * (1.0 + r / 100.0)).round() as i64)),
                last_year: Some(Amount(100_000)),
            })
            .collect()
    }

    fn level(rates: &[f64]) -> Option<(Level, String)> {
        indicator_warning(&output(), &series(rates), &WarningRules::default()).map(|w| (w.level, w.rule))
    }

    #[test]
    fn yoy_rules_fire_at_their_boundaries_and_not_before() {
        assert_eq!(level(&[5.0, 0.0]), None, "0 % is not below 0");
        assert_eq!(level(&[5.0, -0.01]), Some((Level::Yellow, "yoy_negative".into())));
        assert_eq!(level(&[5.0, -20.0]), Some((Level::Yellow, "yoy_negative".into())), "−20 % is not below −20");
        assert_eq!(level(&[5.0, -20.01]), Some((Level::Orange, "yoy_below".into())));
        assert_eq!(level(&[-1.0, -1.0]), Some((Level::Orange, "falling_months".into())));
        assert_eq!(level(&[-1.0, -1.0, -1.0]), Some((Level::Red, "falling_months".into())));
        assert_eq!(level(&[-1.0, 3.0, -1.0, -1.0]), Some((Level::Orange, "falling_months".into())), "the run restarts");
        assert_eq!(level(&[-30.0, -30.0, -30.0]), Some((Level::Red, "falling_months".into())), "red over orange");
    }

    #[test]
    fn a_missing_month_ends_the_run_and_no_last_year_means_no_rate() {
        let mut s = series(&[-1.0, -1.0, -1.0]);
        s.remove(1);
        let w = indicator_warning(&output(), &s, &WarningRules::default()).unwrap();
        assert_eq!((w.level, w.params.get("months")), (Level::Yellow, None), "{w:?}");
        let none = [MonthFigures { month: Month::new(2026, 3).unwrap(), value: Some(Amount(1)), last_year: None }];
        assert_eq!(indicator_warning(&output(), &none, &WarningRules::default()), None);
    }

    #[test]
    fn electricity_under_the_baseline_share_is_red() {
        let rules = WarningRules::default();
        let dec = Month::new(2025, 12).unwrap();
        let feb = Month::new(2026, 2).unwrap();
        // December 310 (10 a day); February 84 is 3 a day: 30 %, not under.
        assert_eq!(electricity_warning(feb, Some(Amount(8400)), (dec, Some(Amount(31000))), &rules), None);
        // 83.72 in February is 2.99 a day: 29.9 %, under.
        let w = electricity_warning(feb, Some(Amount(8372)), (dec, Some(Amount(31000))), &rules).unwrap();
        assert_eq!(
            (w.level, w.rule.as_str(), w.params["share"].as_f64()),
            (Level::Red, "electricity_stopped", Some(29.9))
        );
        assert_eq!(electricity_warning(feb, Some(Amount(1)), (dec, None), &rules), None);
    }

    #[test]
    fn late_reports_copied_text_and_slow_projects() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 4, day).unwrap();
        assert_eq!(missing_report_warning("一镇", "2026-03 月报", d(8), d(8), false), None, "due today is not late");
        let w = missing_report_warning("一镇", "2026-03 月报", d(8), d(9), false).unwrap();
        assert_eq!((w.level, w.params["who"].as_str()), (Level::Red, Some("一镇")));
        assert_eq!(missing_report_warning("一镇", "2026-03 月报", d(8), d(20), true), None);

        assert!(copied_text_warning("形象进度", "主体封顶，  正在砌筑", "主体封顶， 正在砌筑").is_some());
        assert!(copied_text_warning("形象进度", "主体封顶", "基础完工").is_none());
        assert!(copied_text_warning("形象进度", "  ", "  ").is_none(), "nothing written is not a copy");

        let rules = WarningRules::default();
        let jun = Month::new(2026, 6).unwrap();
        // June: 序时 50 %; 44.99 % is 5.01 points behind → 滞后 → 橙; 45 % is not.
        assert_eq!(project_warning(Amount(4499), Amount(10000), jun, &rules).map(|w| w.level), Some(Level::Orange));
        assert_eq!(project_warning(Amount(4500), Amount(10000), jun, &rules), None);
    }

    #[test]
    fn every_rule_has_words_in_both_languages_that_show_its_figures() {
        let en: Value = serde_json::from_str(include_str!("../../../../i18n/en.json")).unwrap();
        let zh: Value = serde_json::from_str(include_str!("../../../../i18n/zh-CN.json")).unwrap();
        for rule in RULES {
            for (lang, m) in [("en", &en), ("zh-CN", &zh)] {
                assert!(m["warnings"][rule].is_string(), "warnings.{rule} has no {lang} text");
            }
        }
        // The placeholders each rule's text uses are among the params it is raised with.
        let raised = [
            level_params(indicator_warning(&output(), &series(&[-1.0]), &WarningRules::default())),
            level_params(indicator_warning(&output(), &series(&[-30.0]), &WarningRules::default())),
            level_params(indicator_warning(&output(), &series(&[-1.0, -1.0, -1.0]), &WarningRules::default())),
            level_params(electricity_warning(
                Month::new(2026, 2).unwrap(),
                Some(Amount(1)),
                (Month::new(2025, 12).unwrap(), Some(Amount(31000))),
                &WarningRules::default(),
            )),
            level_params(missing_report_warning(
                "一镇",
                "月报",
                NaiveDate::from_ymd_opt(2026, 4, 8).unwrap(),
                NaiveDate::from_ymd_opt(2026, 4, 9).unwrap(),
                false,
            )),
            level_params(copied_text_warning("形象进度", "x", "x")),
            level_params(project_warning(
                Amount(1),
                Amount(10000),
                Month::new(2026, 6).unwrap(),
                &WarningRules::default(),
            )),
        ];
        for (rule, params) in raised {
            for (lang, m) in [("en", &en), ("zh-CN", &zh)] {
                let text = m["warnings"][&rule].as_str().unwrap();
                for piece in text.split('{').skip(1) {
                    let name = piece.split('}').next().unwrap();
                    assert!(params.contains_key(name), "{lang} warnings.{rule} shows {{{name}}}, not raised with it");
                }
            }
        }
    }

    #[test]
    fn a_warning_reads_in_words_with_its_figures() {
        let w = indicator_warning(&output(), &series(&[5.0, -1.0]), &WarningRules::default()).unwrap();
        assert_eq!(warning_text("zh-CN", &w.rule, &w.params), "工业总产值 2026-02 同比 -1.0%，低于上年同期");
        assert_eq!(warning_text("zh-CN", "no_such_rule", &w.params), "no_such_rule");
    }

    fn level_params(w: Option<Warning>) -> (String, Map<String, Value>) {
        let w = w.expect("the example raises a warning");
        (w.rule, w.params)
    }
}
