//! Figures of docs/design.md §6, per unit and period: sums of the dated facts of each problem
//! (`figure_facts`, a function of the aggregate, itself a fold of the events) plus the open
//! problems as they stand, so anyone with the file can reproduce them. `scorecard` and
//! `category_breakdown` take aggregates; `scorecard_from` and `category_breakdown_from` take
//! the same facts already summed for a period, as the ledger's `figure_counts` keeps them.
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

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::escalation::{escalation_cutoffs, lateness_of, ClockFacts};
use crate::figure_facts::{facts_of, visit_fact, FactKind, PeriodTallies};
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
    /// Open items it leads at 红牌 / 黄牌 now (`escalation::lateness_of`, as the list shows them).
    pub red_now: u32,
    pub yellow_now: u32,
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
    /// The township's open items at 红牌 / 黄牌 now.
    pub red_now: u32,
    pub yellow_now: u32,
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

/// The composite score of docs/design.md §6 with the configured weights.
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

/// The scorecard over problem aggregates: the facts of every problem (`figure_facts`) and
/// the open problems as they stand, handed to [`scorecard_from`].
pub fn scorecard(
    inputs: FigureInputs<'_>,
    period: &Period,
    now: DateTime<Utc>,
    calendar: &Calendar,
    settings: &Settings,
) -> Scorecard {
    let mut tallies = PeriodTallies::default();
    for p in inputs.problems {
        tallies.add_facts(&facts_of(p), period.start, period.end);
    }
    for v in inputs.visits {
        let (k, t) = visit_fact(v);
        tallies.add_facts([(&k, &t)], period.start, period.end);
    }
    scorecard_from(
        ScorecardParts {
            units: inputs.units,
            enterprises: inputs.enterprises,
            tallies: &tallies,
            now: &NowFacts::of(inputs.problems),
        },
        period,
        now,
        calendar,
        settings,
    )
}

/// An open problem as the "now" figures need it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenProblem {
    pub township_id: Id,
    pub lead_unit_id: Option<Id>,
    pub category: String,
    /// `None` while its clock does not run.
    pub clock: Option<ClockFacts>,
}

/// The figures' inputs that are not dated acts but the state at the moment they are made.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NowFacts {
    /// Every problem by status.
    pub by_status: BTreeMap<Status, u32>,
    /// The open problems (`Status::is_open`).
    pub open: Vec<OpenProblem>,
    /// (supporter unit, sub-deadline) of every supporter part not settled yet on a problem
    /// whose clock runs.
    pub unsettled_supports: Vec<(Id, NaiveDate)>,
}

impl NowFacts {
    pub fn of(problems: &[Problem]) -> NowFacts {
        let mut now = NowFacts::default();
        for p in problems {
            *now.by_status.entry(p.status).or_default() += 1;
            if p.status.is_open() {
                now.open.push(OpenProblem {
                    township_id: p.township_id.clone(),
                    lead_unit_id: p.lead_unit_id().map(str::to_string),
                    category: p.category.clone(),
                    clock: ClockFacts::of(p),
                });
            }
            if let Some(a) = p.assignment.as_ref().filter(|_| p.status.clock_runs()) {
                now.unsettled_supports.extend(
                    a.supporters.iter().filter(|s| !s.is_settled()).map(|s| (s.unit_id.clone(), s.sub_deadline)),
                );
            }
        }
        now
    }
}

/// A township's visiting figures over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct TownshipBase {
    visits: u32,
    key_enterprises: u32,
    key_enterprises_visited: u32,
}

/// Visits, key enterprises and key enterprises visited in the period, per township.
fn township_bases(units: &[Unit], enterprises: &[Enterprise], tallies: &PeriodTallies) -> BTreeMap<Id, TownshipBase> {
    let mut out: BTreeMap<Id, TownshipBase> = units
        .iter()
        .filter(|u| u.kind == UnitKind::Township)
        .map(|u| (u.id.clone(), TownshipBase::default()))
        .collect();
    let key: BTreeMap<&str, &str> =
        enterprises.iter().filter(|e| e.key_level.is_key()).map(|e| (e.id.as_str(), e.township_id.as_str())).collect();
    for township in key.values() {
        if let Some(b) = out.get_mut(*township) {
            b.key_enterprises += 1;
        }
    }
    let visits = tallies.by_kind.iter().filter(|((k, _, _), _)| *k == FactKind::Visit);
    for ((_, township, enterprise), t) in visits {
        let Some(b) = out.get_mut(township) else { continue };
        b.visits += t.n as u32;
        // One tally per (township, enterprise): a key enterprise visited counts once.
        if t.n > 0 && key.get(enterprise.as_str()) == Some(&township.as_str()) {
            b.key_enterprises_visited += 1;
        }
    }
    out
}

/// What a scorecard is made of, however it was gathered: from aggregates ([`scorecard`]) or
/// from the ledger's projections.
#[derive(Debug, Clone, Copy)]
pub struct ScorecardParts<'a> {
    pub units: &'a [Unit],
    pub enterprises: &'a [Enterprise],
    /// The facts dated in the period.
    pub tallies: &'a PeriodTallies,
    pub now: &'a NowFacts,
}

pub fn scorecard_from(
    parts: ScorecardParts<'_>,
    period: &Period,
    now: DateTime<Utc>,
    calendar: &Calendar,
    settings: &Settings,
) -> Scorecard {
    let today = local_date(now);
    let t = parts.tallies;
    let mut lead: BTreeMap<&str, LeadFigures> = BTreeMap::new();
    let mut support: BTreeMap<&str, SupportFigures> = BTreeMap::new();
    let mut summary = Summary {
        registered: t.total(FactKind::Registered).n as u32,
        assigned: t.total(FactKind::Assigned).n as u32,
        resolved: (t.total(FactKind::Resolved).n + t.total(FactKind::ResolvedLocally).n) as u32,
        closed: t.total(FactKind::Closed).n as u32,
        by_status: parts.now.by_status.clone(),
        ..Summary::default()
    };
    summary.open_now = parts.now.by_status.iter().filter(|(s, _)| s.is_open()).map(|(_, n)| n).sum();
    for ((kind, unit, category), v) in &t.by_kind {
        let (n, yes, solved) = (v.n as u32, v.yes as u32, v.solved as u32);
        let unit = unit.as_str();
        match kind {
            FactKind::Registered => *summary.by_category.entry(category.clone()).or_default() += n,
            FactKind::Assigned => lead.entry(unit).or_default().assigned += n,
            FactKind::Signed => {
                let f = lead.entry(unit).or_default();
                f.signed += n;
                f.signed_on_time += yes;
            }
            FactKind::Resolved => {
                let f = lead.entry(unit).or_default();
                f.resolved += n;
                f.resolved_on_time += yes;
                f.solved += solved;
            }
            FactKind::ReturnMade => lead.entry(unit).or_default().returns_made += n,
            FactKind::ReturnUpheld => lead.entry(unit).or_default().returns_upheld += n,
            FactKind::ExtensionAsked => lead.entry(unit).or_default().extensions_asked += n,
            FactKind::ExtensionGranted => lead.entry(unit).or_default().extensions_granted += n,
            FactKind::Evaluated => {
                let f = lead.entry(unit).or_default();
                f.evaluated += n;
                f.satisfied += yes;
                f.reopened += n - yes;
            }
            FactKind::SupportTask => support.entry(unit).or_default().tasks += n,
            FactKind::Opinion => {
                let f = support.entry(unit).or_default();
                f.opinions += n;
                f.opinions_on_time += yes;
            }
            FactKind::Closed
            | FactKind::ResolvedLocally
            | FactKind::Callback
            | FactKind::Visit
            | FactKind::Status
            | FactKind::CategoryResolved
            | FactKind::CategoryClosed
            | FactKind::CategoryEvaluated => {}
        }
    }
    // Working days are additive, so the days of every resolution sum to the days from a fixed
    // day to each end minus the days from it to each start.
    let running = |d: NaiveDate| calendar.working_days_between(period.start, d);
    let mut days_to_resolve: BTreeMap<&str, i64> = BTreeMap::new();
    for ((unit, day), n) in &t.resolution_ends {
        *days_to_resolve.entry(unit).or_default() += n * running(*day);
    }
    for ((unit, day), n) in &t.resolution_starts {
        *days_to_resolve.entry(unit).or_default() -= n * running(*day);
    }
    for &(ref unit, sub_deadline) in &parts.now.unsettled_supports {
        if today > sub_deadline {
            support.entry(unit).or_default().overdue_now += 1;
        }
    }
    let cut = escalation_cutoffs(today, calendar, settings);
    // (red, yellow) open items per township.
    let mut township_cards: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    for p in &parts.now.open {
        let late = lateness_of(p.clock.as_ref(), calendar, &cut);
        let card = match late.level {
            Escalation::Red => Some(true),
            Escalation::Yellow => Some(false),
            _ => None,
        };
        if let Some(red) = card {
            let town = township_cards.entry(p.township_id.as_str()).or_default();
            *(if red { &mut town.0 } else { &mut town.1 }) += 1;
            if let Some(unit) = &p.lead_unit_id {
                let f = lead.entry(unit).or_default();
                *(if red { &mut f.red_now } else { &mut f.yellow_now }) += 1;
            }
        }
        if late.handling_overdue || late.sign_overdue {
            summary.overdue_now += 1;
            if let Some(unit) = &p.lead_unit_id {
                lead.entry(unit).or_default().overdue_now += 1;
            }
        }
    }

    let mut departments: Vec<DepartmentFigures> = parts
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
                .filter(|_| f.resolved > 0)
                .map(|days| round2(*days as f64 / f.resolved as f64));
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

    let of_township = |kind: FactKind, unit: &str| -> u32 {
        t.by_kind
            .range((kind, unit.to_string(), String::new())..)
            .take_while(|((k, u, _), _)| *k == kind && u == unit)
            .map(|(_, v)| v.n as u32)
            .sum()
    };
    let bases = township_bases(parts.units, parts.enterprises, t);
    let townships = parts
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Township)
        .map(|u| {
            let base = bases.get(&u.id).copied().unwrap_or_default();
            let (red_now, yellow_now) = township_cards.get(u.id.as_str()).copied().unwrap_or_default();
            TownshipFigures {
                unit_id: u.id.clone(),
                unit_name: u.name.clone(),
                visits: base.visits,
                key_enterprises: base.key_enterprises,
                key_enterprises_visited: base.key_enterprises_visited,
                coverage_rate: rate(base.key_enterprises_visited, base.key_enterprises),
                problems_registered: of_township(FactKind::Registered, &u.id),
                resolved_locally: of_township(FactKind::ResolvedLocally, &u.id),
                callbacks: of_township(FactKind::Callback, &u.id),
                red_now,
                yellow_now,
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
    let facts = problems.iter().map(facts_of).collect::<Vec<_>>();
    monthly_trend_of(facts.iter().flatten().filter_map(|(k, t)| Some((k.kind, k.on?, t.n))), now, months)
}

/// `monthly_trend` from dated fact counts (kind, a day of the month, count); kinds other than
/// registrations, resolutions and close-outs are ignored.
pub fn monthly_trend_of(
    counts: impl IntoIterator<Item = (FactKind, NaiveDate, i64)>,
    now: DateTime<Utc>,
    months: u32,
) -> Vec<MonthPoint> {
    use chrono::Datelike;
    let today = local_date(now);
    let index = |y: i32, m: u32| y * 12 + m as i32 - 1;
    let last = index(today.year(), today.month());
    let first = last - months.max(1) as i32 + 1;
    let mut points: Vec<MonthPoint> = (first..=last)
        .map(|i| MonthPoint {
            month: format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1),
            registered: 0,
            resolved: 0,
            closed: 0,
        })
        .collect();
    for (kind, day, n) in counts {
        let i = index(day.year(), day.month());
        if !(first..=last).contains(&i) {
            continue;
        }
        let m = &mut points[(i - first) as usize];
        match kind {
            FactKind::Registered => m.registered += n as u32,
            FactKind::Resolved | FactKind::ResolvedLocally => m.resolved += n as u32,
            FactKind::Closed => m.closed += n as u32,
            _ => {}
        }
    }
    points
}

/// The first day of the oldest month `monthly_trend_of` shows.
pub fn trend_start(now: DateTime<Utc>, months: u32) -> NaiveDate {
    use chrono::{Datelike, Months};
    let today = local_date(now);
    let first = today.with_day(1).unwrap_or(today);
    // Total: a clock near chrono's first day starts the trend there instead of panicking.
    first.checked_sub_months(Months::new(months.max(1) - 1)).unwrap_or(NaiveDate::MIN)
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
    let mut tallies = PeriodTallies::default();
    for p in problems {
        tallies.add_facts(&facts_of(p), period.start, period.end);
    }
    category_breakdown_from(&tallies, &NowFacts::of(problems), now, calendar, settings)
}

/// `category_breakdown` from a period's fact tallies and the open problems.
pub fn category_breakdown_from(
    tallies: &PeriodTallies,
    open: &NowFacts,
    now: DateTime<Utc>,
    calendar: &Calendar,
    settings: &Settings,
) -> Vec<CategoryFigures> {
    let mut by: BTreeMap<&str, CategoryFigures> = BTreeMap::new();
    let mut registered_total = 0;
    for ((kind, _, category), t) in &tallies.by_kind {
        let (n, yes, solved) = (t.n as u32, t.yes as u32, t.solved as u32);
        match kind {
            FactKind::Registered => {
                by.entry(category).or_default().registered += n;
                registered_total += n;
            }
            FactKind::CategoryResolved => {
                let f = by.entry(category).or_default();
                f.resolved += n;
                f.solved += solved;
            }
            FactKind::CategoryClosed => by.entry(category).or_default().closed += n,
            FactKind::CategoryEvaluated => {
                let f = by.entry(category).or_default();
                f.evaluated += n;
                f.satisfied += yes;
            }
            _ => {}
        }
    }
    let cut = escalation_cutoffs(local_date(now), calendar, settings);
    for p in &open.open {
        let f = by.entry(&p.category).or_default();
        f.open_now += 1;
        let late = lateness_of(p.clock.as_ref(), calendar, &cut);
        f.overdue_now += (late.handling_overdue || late.sign_overdue) as u32;
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
