//! Figures of DESIGN §6, per unit and period, computed from problem aggregates (which are a
//! fold of the events), so anyone with the file can reproduce them.
//!
//! Counting rules (every date is the Beijing date of the event):
//! - a department's *lead* figures count its own acts in the period: assignments it received,
//!   signs (on time = signed on or before the sign deadline), resolutions (on time = on or before
//!   the approved deadline in force), returns made (and upheld when the ruling fell in the
//!   period), extensions asked (and granted when approved in the period), evaluations of items it
//!   resolved (满意率 = (满意+基本满意) ÷ evaluated; every 不满意 is a reopening);
//! - *supporter* figures count supporter tasks given in the period and opinions submitted in the
//!   period (on time = on or before the sub-deadline), apart from lead figures;
//! - "overdue now" counts open items at the moment the figures are made;
//! - a rate with no denominator is `None`, shown as "—", and left out of the composite score
//!   (the remaining weights are renormalized); penalties are subtracted after.
//! - units with fewer than `min_sample` assignments in the period are listed, not ranked.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::escalation::lateness;
use crate::model::*;
use crate::period::Period;
use crate::problem::Problem;
use crate::settings::Settings;

#[derive(Debug, Clone, Copy)]
pub struct FigureInputs<'a> {
    pub units: &'a [Unit],
    pub problems: &'a [Problem],
    pub enterprises: &'a [Enterprise],
    pub visits: &'a [Visit],
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct LeadFigures {
    pub assigned: u32,
    pub signed: u32,
    pub signed_on_time: u32,
    /// 及时签收率
    pub sign_rate: Option<f64>,
    pub resolved: u32,
    pub resolved_on_time: u32,
    /// 按期办结率
    pub on_time_rate: Option<f64>,
    /// Resolutions of type 已解决.
    pub solved: u32,
    /// 解决率 = solved ÷ resolved
    pub resolution_rate: Option<f64>,
    pub overdue_now: u32,
    pub returns_made: u32,
    pub returns_upheld: u32,
    pub extensions_asked: u32,
    pub extensions_granted: u32,
    pub reopened: u32,
    pub evaluated: u32,
    pub satisfied: u32,
    /// 满意率
    pub satisfaction_rate: Option<f64>,
    /// Average working days from the start of the round to resolution.
    pub avg_days_to_resolve: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SupportFigures {
    pub tasks: u32,
    pub opinions: u32,
    pub opinions_on_time: u32,
    pub on_time_rate: Option<f64>,
    pub overdue_now: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct DepartmentFigures {
    pub unit_id: Id,
    pub unit_name: String,
    pub lead: LeadFigures,
    pub support: SupportFigures,
    pub score: Option<f64>,
    /// `None` when under the minimum sample.
    pub rank: Option<u32>,
    pub ranked: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct TownshipFigures {
    pub unit_id: Id,
    pub unit_name: String,
    pub visits: u32,
    pub key_enterprises: u32,
    pub key_enterprises_visited: u32,
    /// 走访覆盖率
    pub coverage_rate: Option<f64>,
    pub problems_registered: u32,
    pub resolved_locally: u32,
    /// 回访: evaluations recorded for the township's problems.
    pub callbacks: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Summary {
    pub registered: u32,
    pub assigned: u32,
    pub resolved: u32,
    pub closed: u32,
    pub open_now: u32,
    pub overdue_now: u32,
    pub by_status: BTreeMap<Status, u32>,
    pub by_category: BTreeMap<String, u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Scorecard {
    pub period: Period,
    pub generated_at: DateTime<Utc>,
    pub min_sample: u32,
    pub summary: Summary,
    /// Ranked departments first, by rank; then the unranked ones by name.
    pub departments: Vec<DepartmentFigures>,
    pub townships: Vec<TownshipFigures>,
}

fn rate(num: u32, den: u32) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The composite score of DESIGN §6 with the configured weights.
pub fn composite_score(f: &LeadFigures, settings: &Settings) -> Option<f64> {
    let w = &settings.weights;
    let parts = [
        (w.sign_rate, f.sign_rate),
        (w.on_time_rate, f.on_time_rate),
        (w.resolution_rate, f.resolution_rate),
        (w.satisfaction_rate, f.satisfaction_rate),
    ];
    let weight: f64 = parts.iter().filter(|(_, r)| r.is_some()).map(|(w, _)| w).sum();
    if weight <= 0.0 {
        return None;
    }
    let base: f64 = parts.iter().filter_map(|(w, r)| r.map(|r| w * r)).sum::<f64>() / weight * 100.0;
    let penalty = w.upheld_return_penalty * f.returns_upheld as f64 + w.overdue_penalty * f.overdue_now as f64;
    Some(round2(base - penalty))
}

pub fn scorecard(
    inputs: FigureInputs<'_>,
    period: &Period,
    now: DateTime<Utc>,
    calendar: &Calendar,
    settings: &Settings,
) -> Scorecard {
    let today = local_date(now);
    let inp = |t: DateTime<Utc>| period.contains(local_date(t));
    let mut lead: BTreeMap<&str, LeadFigures> = BTreeMap::new();
    let mut support: BTreeMap<&str, SupportFigures> = BTreeMap::new();
    let mut days_to_resolve: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    let mut summary = Summary::default();

    for p in inputs.problems {
        if inp(p.registered_at) {
            summary.registered += 1;
            *summary.by_category.entry(p.category.clone()).or_default() += 1;
        }
        *summary.by_status.entry(p.status).or_default() += 1;
        if p.status.is_open() {
            summary.open_now += 1;
        }
        if p.closed_at.is_some_and(inp) {
            summary.closed += 1;
        }
        for a in &p.assignments {
            if inp(a.at) {
                summary.assigned += 1;
                lead.entry(&a.lead_unit_id).or_default().assigned += 1;
                for s in &a.supporters {
                    support.entry(&s.unit_id).or_default().tasks += 1;
                }
            }
        }
        for s in p.signs.iter().filter(|s| inp(s.at)) {
            let f = lead.entry(&s.unit_id).or_default();
            f.signed += 1;
            f.signed_on_time += s.on_time as u32;
        }
        for r in p.resolutions.iter().filter(|r| inp(r.at)) {
            summary.resolved += 1;
            let Some(unit) = r.unit_id.as_deref() else { continue };
            let f = lead.entry(unit).or_default();
            f.resolved += 1;
            f.resolved_on_time += r.on_time as u32;
            f.solved += (r.result_type == ResultType::Solved) as u32;
            days_to_resolve
                .entry(unit)
                .or_default()
                .push(calendar.working_days_between(local_date(r.started_at), local_date(r.at)));
        }
        for r in &p.returns {
            if inp(r.at) {
                lead.entry(&r.unit_id).or_default().returns_made += 1;
            }
            if r.upheld == Some(true) && r.ruled_at.is_some_and(inp) {
                lead.entry(&r.unit_id).or_default().returns_upheld += 1;
            }
        }
        for e in &p.extensions {
            if inp(e.at) {
                lead.entry(&e.unit_id).or_default().extensions_asked += 1;
            }
            if e.approved == Some(true) && e.ruled_at.is_some_and(inp) {
                lead.entry(&e.unit_id).or_default().extensions_granted += 1;
            }
        }
        for ev in p.evaluations.iter().filter(|e| inp(e.at)) {
            let Some(unit) = ev.lead_unit_id.as_deref() else { continue };
            let f = lead.entry(unit).or_default();
            f.evaluated += 1;
            if ev.satisfaction.is_positive() {
                f.satisfied += 1;
            } else {
                f.reopened += 1;
            }
        }
        if let Some(a) = &p.assignment {
            for s in &a.supporters {
                if let Some(at) = s.opinion_at.filter(|t| inp(*t)) {
                    let f = support.entry(&s.unit_id).or_default();
                    f.opinions += 1;
                    f.opinions_on_time += (local_date(at) <= s.sub_deadline) as u32;
                }
                if p.status.clock_runs() && !s.is_settled() && today > s.sub_deadline {
                    support.entry(&s.unit_id).or_default().overdue_now += 1;
                }
            }
            let late = lateness(p, today, calendar, settings);
            if late.handling_overdue || late.sign_overdue {
                summary.overdue_now += 1;
                lead.entry(&a.lead_unit_id).or_default().overdue_now += 1;
            }
        }
    }

    let mut departments: Vec<DepartmentFigures> = inputs
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Department)
        .filter(|u| u.active || lead.contains_key(u.id.as_str()) || support.contains_key(u.id.as_str()))
        .map(|u| {
            let mut f = lead.get(u.id.as_str()).cloned().unwrap_or_default();
            f.sign_rate = rate(f.signed_on_time, f.signed);
            f.on_time_rate = rate(f.resolved_on_time, f.resolved);
            f.resolution_rate = rate(f.solved, f.resolved);
            f.satisfaction_rate = rate(f.satisfied, f.evaluated);
            f.avg_days_to_resolve = days_to_resolve
                .get(u.id.as_str())
                .map(|d| round2(d.iter().sum::<i64>() as f64 / d.len() as f64));
            let mut s = support.get(u.id.as_str()).cloned().unwrap_or_default();
            s.on_time_rate = rate(s.opinions_on_time, s.opinions);
            let ranked = f.assigned >= settings.min_sample;
            DepartmentFigures {
                unit_id: u.id.clone(),
                unit_name: u.name.clone(),
                score: composite_score(&f, settings),
                lead: f,
                support: s,
                rank: None,
                ranked,
            }
        })
        .collect();
    departments.sort_by(|a, b| {
        b.ranked
            .cmp(&a.ranked)
            // Unranked units are listed by name only, as documented on `Scorecard::departments`.
            .then(if a.ranked {
                b.score.unwrap_or(f64::MIN).total_cmp(&a.score.unwrap_or(f64::MIN))
            } else {
                std::cmp::Ordering::Equal
            })
            .then(a.unit_name.cmp(&b.unit_name))
    });
    // Competition ranking: equal scores share a rank (1, 2, 2, 4).
    let mut prev: Option<(f64, u32)> = None;
    for (i, d) in departments.iter_mut().filter(|d| d.ranked).enumerate() {
        let score = d.score.unwrap_or(f64::MIN);
        let rank = match prev {
            Some((s, r)) if s == score => r,
            _ => i as u32 + 1,
        };
        d.rank = Some(rank);
        prev = Some((score, rank));
    }

    let townships = inputs
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Township)
        .map(|u| {
            let key: BTreeSet<&str> = inputs
                .enterprises
                .iter()
                .filter(|e| e.township_id == u.id && e.key_level.is_key())
                .map(|e| e.id.as_str())
                .collect();
            let visits: Vec<&Visit> =
                inputs.visits.iter().filter(|v| v.township_id == u.id && period.contains(v.date)).collect();
            let visited: BTreeSet<&str> =
                visits.iter().map(|v| v.enterprise_id.as_str()).filter(|id| key.contains(id)).collect();
            let own: Vec<&Problem> = inputs.problems.iter().filter(|p| p.township_id == u.id).collect();
            TownshipFigures {
                unit_id: u.id.clone(),
                unit_name: u.name.clone(),
                visits: visits.len() as u32,
                key_enterprises: key.len() as u32,
                key_enterprises_visited: visited.len() as u32,
                coverage_rate: rate(visited.len() as u32, key.len() as u32),
                problems_registered: own.iter().filter(|p| inp(p.registered_at)).count() as u32,
                resolved_locally: own
                    .iter()
                    .flat_map(|p| &p.resolutions)
                    .filter(|r| r.unit_id.is_none() && inp(r.at))
                    .count() as u32,
                callbacks: own.iter().flat_map(|p| &p.evaluations).filter(|e| inp(e.at)).count() as u32,
            }
        })
        .collect();

    Scorecard {
        period: period.clone(),
        generated_at: now,
        min_sample: settings.min_sample,
        summary,
        departments,
        townships,
    }
}

/// One month of the trend chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct MonthPoint {
    /// `YYYY-MM`
    pub month: String,
    pub registered: u32,
    pub resolved: u32,
    pub closed: u32,
}

/// Problems registered, resolved and closed per month, for the `months` months ending with the
/// month of `now` (oldest first).
pub fn monthly_trend(problems: &[Problem], now: DateTime<Utc>, months: u32) -> Vec<MonthPoint> {
    use chrono::Datelike;
    let today = local_date(now);
    let index = |y: i32, m: u32| y * 12 + m as i32 - 1;
    let last = index(today.year(), today.month());
    let first = last - months.max(1) as i32 + 1;
    let mut points: Vec<MonthPoint> = (first..=last)
        .map(|i| MonthPoint { month: format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1), registered: 0, resolved: 0, closed: 0 })
        .collect();
    let mut bump = |t: DateTime<Utc>, f: fn(&mut MonthPoint)| {
        let d = local_date(t);
        let i = index(d.year(), d.month());
        if (first..=last).contains(&i) {
            f(&mut points[(i - first) as usize]);
        }
    };
    for p in problems {
        bump(p.registered_at, |m| m.registered += 1);
        for r in &p.resolutions {
            bump(r.at, |m| m.resolved += 1);
        }
        if let Some(t) = p.closed_at {
            bump(t, |m| m.closed += 1);
        }
    }
    points
}

/// One problem category over a period (the report's 问题类别 sheet). Period counts follow the
/// scorecard's rules: `registered` matches `Summary::by_category`, `resolved` counts
/// resolutions (local ones included) dated in the period, `closed` close-outs in the period;
/// `open_now` and `overdue_now` are at the moment the figures are made.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CategoryFigures {
    pub category: String,
    pub registered: u32,
    /// This category's part of all problems registered in the period.
    pub share: Option<f64>,
    pub resolved: u32,
    pub solved: u32,
    /// 解决率 = solved ÷ resolved
    pub resolution_rate: Option<f64>,
    pub closed: u32,
    pub open_now: u32,
    pub overdue_now: u32,
    pub evaluated: u32,
    pub satisfied: u32,
    /// 满意率
    pub satisfaction_rate: Option<f64>,
}

/// Figures per category: the configured categories in their configured order (listed even
/// when empty, so reports of different periods line up), then any other category met in the
/// problems (renamed or removed from the list since) that has something to show, by name.
pub fn category_breakdown(
    problems: &[Problem],
    period: &Period,
    now: DateTime<Utc>,
    calendar: &Calendar,
    settings: &Settings,
) -> Vec<CategoryFigures> {
    let today = local_date(now);
    let inp = |t: DateTime<Utc>| period.contains(local_date(t));
    let mut by: BTreeMap<&str, CategoryFigures> = BTreeMap::new();
    let mut registered_total = 0;
    for p in problems {
        let f = by.entry(p.category.as_str()).or_default();
        if inp(p.registered_at) {
            f.registered += 1;
            registered_total += 1;
        }
        for r in p.resolutions.iter().filter(|r| inp(r.at)) {
            f.resolved += 1;
            f.solved += (r.result_type == ResultType::Solved) as u32;
        }
        f.closed += p.closed_at.is_some_and(inp) as u32;
        f.open_now += p.status.is_open() as u32;
        let late = lateness(p, today, calendar, settings);
        f.overdue_now += (late.handling_overdue || late.sign_overdue) as u32;
        for ev in p.evaluations.iter().filter(|e| inp(e.at)) {
            f.evaluated += 1;
            f.satisfied += ev.satisfaction.is_positive() as u32;
        }
    }
    let finish = |name: &str, f: Option<&CategoryFigures>| {
        let mut f = f.cloned().unwrap_or_default();
        f.category = name.to_string();
        f.share = rate(f.registered, registered_total);
        f.resolution_rate = rate(f.solved, f.resolved);
        f.satisfaction_rate = rate(f.satisfied, f.evaluated);
        f
    };
    let configured: BTreeSet<&str> = settings.categories.iter().map(String::as_str).collect();
    let mut out: Vec<CategoryFigures> = settings.categories.iter().map(|c| finish(c, by.get(c.as_str()))).collect();
    out.extend(
        by.iter()
            .filter(|(c, f)| {
                !configured.contains(*c)
                    && (f.registered + f.resolved + f.closed + f.open_now + f.overdue_now + f.evaluated) > 0
            })
            .map(|(c, f)| finish(c, Some(f))),
    );
    out
}
