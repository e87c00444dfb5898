//! Which warnings a report raises when it arrives: the rules of `warnings` applied to the
//! report and the reports before it (read through a function, so `decide`, `admit` and the
//! demo's script ask the same question of their own state). A warning's id is its rule family,
//! subject and period, so the same finding on corrected figures is the same item.

use super::indicators::{Amount, Month};
use super::records::*;
use super::warnings::{
    copied_text_warning, electricity_warning, indicator_warning, project_warning, MonthFigures, Warning, WarningRules,
};

fn raised(
    family: &str,
    subject: WarningSubject,
    subject_id: &str,
    period: Month,
    detail: &str,
    w: Warning,
) -> RaisedWarning {
    let id = match detail {
        "" => format!("{family}/{subject_id}/{period}"),
        d => format!("{family}/{subject_id}/{period}/{d}"),
    };
    RaisedWarning { id, subject, subject_id: subject_id.to_string(), period, warning: w }
}

/// The warnings `report` raises; `earlier` gives the enterprise's report of another month.
pub fn indicator_warnings(
    report: &IndicatorReport,
    m: &MonitoringSettings,
    earlier: &dyn Fn(Month) -> Option<IndicatorReport>,
) -> Vec<RaisedWarning> {
    let rules = &m.warnings;
    let eid = &report.enterprise_id;
    let report_of = |month: Month| if month == report.month { Some(report.clone()) } else { earlier(month) };
    let value_of = |month: Month, key: &str| report_of(month).and_then(|r| r.entry(key).map(|e| e.value));
    let mut found = Vec::new();
    let back = rules.red_falling_months.max(rules.orange_falling_months).max(1);
    for key in &rules.watched {
        let Some(def) = m.indicator(key) else { continue };
        let mut series = Vec::new();
        let mut month = report.month;
        for _ in 0..back {
            let this = report_of(month).and_then(|r| r.entry(key).cloned());
            let last_year = this.as_ref().and_then(|e| e.last_year).or_else(|| value_of(month.a_year_before(), key));
            series.push(MonthFigures { month, value: this.map(|e| e.value), last_year });
            month = month.previous();
        }
        series.reverse();
        if let Some(w) = indicator_warning(def, &series, rules) {
            found.push(raised("indicator", WarningSubject::Enterprise, eid, report.month, key, w));
        }
    }
    if m.indicator("electricity").is_some() {
        let baseline = Month { year: report.month.year - 1, month: 12 };
        let w = electricity_warning(
            report.month,
            value_of(report.month, "electricity"),
            (baseline, value_of(baseline, "electricity")),
            rules,
        );
        if let Some(w) = w {
            found.push(raised("electricity", WarningSubject::Enterprise, eid, report.month, "", w));
        }
    }
    found
}

/// The year's completed investment through the report's month: entered, or the sum of the
/// year's months (unknown when one is missing). `earlier` gives another month's report.
pub fn year_to_date(this: &ProjectProgress, earlier: &dyn Fn(Month) -> Option<ProjectProgress>) -> Option<Amount> {
    if let Some(y) = this.year_to_date {
        return Some(y);
    }
    let mut sum = this.invested;
    for m in 1..this.month.month {
        sum = sum + earlier(Month { year: this.month.year, month: m })?.invested;
    }
    Some(sum)
}

/// The warnings a project's monthly progress raises: 滞后 against 序时进度 (in its plan's
/// year), and text copied from the month before.
pub fn project_warnings(
    progress: &ProjectProgress,
    project: &Project,
    rules: &WarningRules,
    earlier: &dyn Fn(Month) -> Option<ProjectProgress>,
) -> Vec<RaisedWarning> {
    let mut found = Vec::new();
    let (pid, month) = (&project.id, progress.month);
    if project.plan_year == month.year {
        if let Some(w) =
            year_to_date(progress, earlier).and_then(|y| project_warning(y, project.annual_plan, month, rules))
        {
            found.push(raised("behind", WarningSubject::Project, pid, month, "", w));
        }
    }
    if let Some(last) = earlier(month.previous()) {
        let copied = copied_text_warning("形象进度", &progress.image_progress, &last.image_progress)
            .or_else(|| copied_text_warning("存在的困难和问题", &progress.difficulties, &last.difficulties));
        if let Some(w) = copied {
            found.push(raised("copied", WarningSubject::Project, pid, month, "", w));
        }
    }
    found
}
