//! The demo's key enterprises and key projects (issue 18; docs/monitoring.md): two years of
//! monthly indicators, the last two months' 旬报, the year's key projects with their monthly
//! progress, and what the townships did about the warnings. The months before the demo's
//! history are the office's backfill on the first morning (late entries, as the rules mark
//! them); the rest is on the clock, reported by the townships between the 3rd and the due day.
//!
//! Fates, by a key enterprise's place in the list: most grow, some are flat; one in ten falls
//! for half a year (黄 → 橙 → 红, the last turned into a ledger problem), one dips (黄), one stops (electricity
//! under 30 % of December's), one misses the latest month due, one reports late. Projects run
//! ahead, on time or behind as the data file says; one copies last month's text, one misses a
//! month, one's difficulty becomes a problem. The warnings come from the core's own evaluation
//! (`monitoring::evaluate`) of the figures as the script writes them, so every handling the
//! script plans is of a warning the ledger raises.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use taizhang_core::calendar::Calendar;
use taizhang_core::monitoring::evaluate;
use taizhang_core::monitoring::*;
use taizhang_core::*;
use taizhang_ledger::new_id;

use crate::clock::Scheduled;
use crate::days::instant;
use crate::draw::{Dept, Town};
use crate::text::{fill, MonitoringText};

/// A key enterprise as the script needs it.
pub(crate) struct KeyEnt {
    pub id: Id,
    pub town: usize,
    pub industry: String,
}

/// What the script records: the backfill on the first morning (after the enterprises), and
/// the steps on the clock.
pub(crate) struct Script {
    pub backfill: Vec<(String, Command)>,
    pub steps: Vec<Scheduled>,
}

pub(crate) struct Inputs<'a> {
    pub ents: &'a [KeyEnt],
    pub towns: &'a [Town],
    pub depts: &'a [Dept],
    pub leaders: Vec<String>,
    pub admin: &'a str,
    pub start: NaiveDate,
    pub end: DateTime<Utc>,
    pub calendar: &'a Calendar,
    pub settings: &'a Settings,
    pub text: &'a MonitoringText,
    pub seed: u64,
    /// The clock's group numbers from here on are the script's.
    pub first_group: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Fate {
    Growing(f64),
    Flat,
    Falling,
    /// Below last year in the latest month due only: a 黄 left open.
    Dipping,
    Stopping,
    Missing,
    Late,
}

fn fate(i: usize, rng: &mut StdRng) -> Fate {
    match i % 10 {
        0 => Fate::Falling,
        3 => Fate::Stopping,
        4 => Fate::Dipping,
        5 if i % 20 == 5 => Fate::Missing,
        7 => Fate::Late,
        2 | 8 => Fate::Flat,
        _ => Fate::Growing(rng.random_range(3.0..12.0)),
    }
}

fn amount(x: f64) -> Amount {
    Amount((x * 100.0).round() as i64)
}

fn days_in(m: Month) -> f64 {
    (m.last_day() - m.first_day()).num_days() as f64 + 1.0
}

struct Writer<'a, 'b> {
    i: &'a Inputs<'b>,
    rng: StdRng,
    end_date: NaiveDate,
    script: Script,
    group: usize,
    /// Whether a warning has been turned into a problem (the demo shows one).
    turned: bool,
}

impl Writer<'_, '_> {
    /// A working day `n` working days after `d` (0: `d` itself if working).
    fn working(&self, d: NaiveDate, n: u32) -> NaiveDate {
        let d0 = if self.i.calendar.is_working_day(d) { d } else { self.i.calendar.add_working_days(d, 1) };
        if n == 0 {
            d0
        } else {
            self.i.calendar.add_working_days(d0, n)
        }
    }

    /// Records `cmd` on `day` by `login`: backfill when the day is before the history, on the
    /// clock when within it, nothing after the end. Returns when it happens, if it does.
    fn record(&mut self, day: NaiveDate, login: &str, cmd: Command) -> Option<DateTime<Utc>> {
        if day < self.i.start {
            self.script.backfill.push((self.i.admin.to_string(), cmd));
            return Some(DateTime::<Utc>::MIN_UTC);
        }
        let at = instant(day, self.rng.random_range(9 * 60..=16 * 60));
        if at > self.i.end {
            return None;
        }
        self.group += 1;
        self.script.steps.push(Scheduled { at, group: self.group, seq: 0, login: login.to_string(), cmd });
        Some(at)
    }

    /// What was done about `w`, raised by a report recorded at `at` (backfill: `MIN_UTC`).
    fn handle(&mut self, w: &RaisedWarning, at: DateTime<Utc>, ent: Option<&KeyEnt>, login: &str) {
        let text = self.i.text;
        if at == DateTime::<Utc>::MIN_UTC {
            let handling =
                WarningHandling { warning_id: w.id.clone(), note: text.backfill_note.clone(), visit_id: None };
            self.script.backfill.push((self.i.admin.to_string(), Command::HandleWarning { handling, visit: None }));
            return;
        }
        let after = self.rng.random_range(2..=8);
        let day = self.working(local_date(at), after);
        let note = text.warning_notes[self.rng.random_range(0..text.warning_notes.len())].clone();
        let visit = match ent {
            Some(e) if w.warning.level >= Level::Orange => Some(Visit {
                id: new_id(instant(day, 9 * 60)),
                enterprise_id: e.id.clone(),
                township_id: self.i.towns[e.town].id.clone(),
                date: day,
                visitors: self.i.towns[e.town].users[0].1.clone(),
                form: VisitForm::OnSite,
                notes: String::new(),
            }),
            _ => None,
        };
        let handling = WarningHandling { warning_id: w.id.clone(), note, visit_id: None };
        self.record(day, login, Command::HandleWarning { handling, visit });
    }
}

/// The script of the demo's monitoring.
pub(crate) fn script(i: &Inputs<'_>) -> Script {
    let mut w = Writer {
        i,
        rng: StdRng::seed_from_u64(i.seed ^ 0x6d6f_6e69),
        end_date: local_date(i.end),
        script: Script { backfill: Vec::new(), steps: Vec::new() },
        group: i.first_group,
        turned: false,
    };
    indicators(&mut w);
    production(&mut w);
    projects(&mut w);
    w.script
}

fn indicators(w: &mut Writer<'_, '_>) {
    let i = w.i;
    let m = &i.settings.monitoring;
    let last = Month::of(w.end_date).previous();
    let mut first = last;
    for _ in 0..23 {
        first = first.previous();
    }
    // The latest month whose report was due before today: the one the missing firm skips.
    let mut due_passed = last;
    while m.schedule.monthly_due(due_passed, i.calendar).is_none_or(|d| d >= w.end_date) {
        due_passed = due_passed.previous();
    }
    for (n, e) in i.ents.iter().enumerate() {
        let fate = fate(n, &mut w.rng);
        let base = w.rng.random_range(800.0..15000.0);
        let export_share = if w.rng.random_bool(0.4) { w.rng.random_range(0.1..0.3) } else { 0.0 };
        let staff = w.rng.random_range(60.0..900.0_f64).round();
        let login = i.towns[e.town].users[0].0.clone();
        let mut output: BTreeMap<Month, f64> = BTreeMap::new();
        let mut power: BTreeMap<Month, f64> = BTreeMap::new();
        let mut reports: BTreeMap<Month, IndicatorReport> = BTreeMap::new();
        let mut month = first;
        loop {
            let months_to_last = (last.year * 12 + last.month as i32) - (month.year * 12 + month.month as i32);
            let season = 1.0 + 0.08 * ((month.month as f64 - 3.0) / 12.0 * std::f64::consts::TAU).sin();
            // January is exempt: February's report covers 1—2月.
            let span = if month.month == 2 && m.schedule.january_exempt { 2.0 } else { 1.0 };
            let noise = w.rng.random_range(-0.03..0.03);
            let value = match output.get(&month.a_year_before()) {
                None => base * season * span * (1.0 + noise),
                Some(ly) => {
                    let growth = match fate {
                        Fate::Growing(g) => g + noise * 100.0,
                        Fate::Flat | Fate::Missing | Fate::Late => w.rng.random_range(-1.5..5.0),
                        Fate::Falling if months_to_last < 6 => {
                            [-28.0, -22.0, -15.0, -10.0, -6.0, -3.0][months_to_last as usize]
                        }
                        Fate::Stopping if months_to_last == 0 => -65.0,
                        Fate::Dipping if month == due_passed => -2.0,
                        Fate::Dipping => 3.0 + noise * 10.0,
                        Fate::Falling | Fate::Stopping => 4.0 + noise * 100.0,
                    };
                    ly * (1.0 + growth / 100.0)
                }
            };
            output.insert(month, value);
            // Electricity follows output (a firm's power use is its activity).
            let mut kwh = value * 0.08;
            if fate == Fate::Stopping && months_to_last == 0 {
                let december = Month { year: month.year - 1, month: 12 };
                let daily = power.get(&december).copied().unwrap_or(kwh) / 31.0;
                kwh = daily * 0.2 * days_in(month);
            }
            power.insert(month, kwh);
            let skip =
                (month.month == 1 && m.schedule.january_exempt) || (fate == Fate::Missing && month == due_passed);
            if !skip {
                let sales = value * w.rng.random_range(0.94..0.995);
                let revenue = sales * 1.02;
                let profit = revenue * if fate == Fate::Falling && months_to_last < 4 { -0.02 } else { 0.06 };
                let entry = |key: &str, v: f64| IndicatorEntry {
                    key: key.into(),
                    value: amount(v),
                    cumulative: None,
                    last_year: None,
                };
                let mut entries = vec![
                    entry("gross_output", value),
                    entry("sales_output", sales),
                    entry("export_delivery", sales * export_share),
                    entry("revenue", revenue),
                    entry("profit", profit),
                    entry("taxes", revenue * 0.03),
                    entry("electricity", kwh),
                    entry("employees", staff),
                ];
                entries.retain(|x| m.indicator(&x.key).is_some());
                let report =
                    IndicatorReport { enterprise_id: e.id.clone(), month, entries, note: String::new(), late: false };
                let due = m.schedule.monthly_due(month, i.calendar).unwrap_or(month.next().first_day());
                let first_day = w.working(month.next().first_day() + Duration::days(2), 0);
                let day = if fate == Fate::Late && month == due_passed {
                    w.working(due, 2)
                } else {
                    let span = (due - first_day).num_days().max(0);
                    let offset = w.rng.random_range(0..=span);
                    w.working(first_day + Duration::days(offset), 0).min(due)
                };
                let raised = evaluate::indicator_warnings(&report, m, &|x| reports.get(&x).cloned());
                reports.insert(month, report.clone());
                if let Some(at) = w.record(day, &login, Command::ReportIndicators { report }) {
                    for warning in &raised {
                        // Those of months before the latest one due are dealt with by now.
                        let older = month < due_passed;
                        if older || at == DateTime::<Utc>::MIN_UTC {
                            w.handle(warning, at, Some(e), &login);
                        } else if fate == Fate::Falling && warning.warning.level == Level::Red && !w.turned {
                            w.turned = turn_into_problem(w, warning, at, e, &login);
                        }
                    }
                }
            }
            if month == last {
                break;
            }
            month = month.next();
        }
    }
}

/// A falling firm's 红 warning becomes a ledger problem two working days after it is raised
/// (if that is before the end).
fn turn_into_problem(
    w: &mut Writer<'_, '_>,
    warning: &RaisedWarning,
    at: DateTime<Utc>,
    e: &KeyEnt,
    login: &str,
) -> bool {
    let day = w.working(local_date(at), 2);
    let t = &w.i.text.warning_problem;
    let cmd = Command::Register {
        problem_id: new_id(instant(day, 9 * 60)),
        enterprise_id: Some(e.id.clone()),
        new_enterprise: None,
        visit_id: None,
        source: Source::Visit,
        category: t.category.clone(),
        description: t.description.clone(),
        demand: t.demand.clone(),
        raised_on: day,
        priority: Priority::Urgent,
        responsible_leader: String::new(),
        origin: Some(ProblemOrigin::Warning { warning_id: warning.id.clone() }),
        attachments: Vec::new(),
    };
    w.record(day, login, cmd).is_some()
}

/// 旬报 of the district's key enterprises for the last two months.
fn production(w: &mut Writer<'_, '_>) {
    let i = w.i;
    let this = Month::of(w.end_date);
    for (n, e) in i.ents.iter().enumerate() {
        let Some(products) = i.text.products.get(&e.industry) else { continue };
        let products: Vec<_> = products.iter().take(1 + n % 2).collect();
        let scale = w.rng.random_range(50.0..2000.0);
        let login = i.towns[e.town].users[0].0.clone();
        for month in [this.previous().previous(), this.previous(), this] {
            for xun in Xun::ALL {
                let after = w.rng.random_range(1..=2);
                let day = w.working(xun.last_day(month), after);
                if day > w.end_date {
                    continue;
                }
                let lines = products
                    .iter()
                    .map(|(name, unit)| {
                        let out = scale * w.rng.random_range(0.85..1.15);
                        let sold = out * w.rng.random_range(0.82..1.03);
                        let export = if n % 3 == 0 { sold * 0.2 } else { 0.0 };
                        ProductLine {
                            product: name.clone(),
                            unit: unit.clone(),
                            output: amount(out),
                            sales_domestic: amount(sold - export),
                            sales_export: amount(export),
                            stock: Some(amount(scale * w.rng.random_range(0.1..0.6))),
                        }
                    })
                    .collect();
                let report = ProductionReport {
                    enterprise_id: e.id.clone(),
                    month,
                    xun: *xun,
                    lines,
                    note: String::new(),
                    late: false,
                };
                w.record(day, &login, Command::ReportProduction { report });
            }
        }
    }
}

fn projects(w: &mut Writer<'_, '_>) {
    let i = w.i;
    let year = w.end_date.year();
    let last = Month::of(w.end_date).previous();
    let rules = &i.settings.monitoring.warnings;
    for (n, t) in i.text.projects.iter().enumerate() {
        let town = n % i.towns.len();
        let dept = &i.depts[n % i.depts.len()];
        let project = Project {
            id: new_id(instant(i.start, 8 * 60)),
            name: t.name.clone(),
            builder: t.builder.clone(),
            nature: ProjectNature::parse(&t.nature).unwrap_or(ProjectNature::New),
            township_id: i.towns[town].id.clone(),
            total_investment: Amount(t.total * 100),
            plan_year: year,
            annual_plan: Amount(t.plan * 100),
            planned_start: NaiveDate::from_ymd_opt(year, 2, 1),
            planned_finish: NaiveDate::from_ymd_opt(year + 1, 12, 31),
            actual_start: NaiveDate::from_ymd_opt(year, 2, 20),
            actual_finish: None,
            stage: ProjectStage::Started,
            paired_leader: i.leaders[n % i.leaders.len()].clone(),
            responsible_unit_id: Some(dept.id.clone()),
            service_unit_id: Some(i.depts[(n + 3) % i.depts.len()].id.clone()),
            handler: dept.person.clone(),
            content: t.content.clone(),
        };
        w.script.backfill.push((i.admin.to_string(), Command::RegisterProject { project: project.clone() }));
        let login = i.towns[town].users[0].0.clone();
        let mut done = 0.0;
        let mut reports: BTreeMap<Month, ProjectProgress> = BTreeMap::new();
        let mut text = String::new();
        for mm in 1..=last.month {
            let month = Month { year, month: mm };
            let progress = month.month as f64 / 12.0 * 100.0;
            let target = match t.pace.as_str() {
                "ahead" => progress + 9.0,
                "behind" => progress - 7.0 - 2.0 * (mm.min(3) as f64),
                _ => progress + w.rng.random_range(-2.0..2.0),
            }
            .clamp(0.0, 100.0);
            let invested = (t.plan as f64 * target / 100.0 - done).max(0.0);
            done += invested;
            let copied = n == 2 && month == last;
            if !copied {
                let k = ((mm as usize) * i.text.progress_texts.len() / 13).min(i.text.progress_texts.len() - 1);
                text = fill(&mut w.rng, &i.text.progress_texts[k], year);
            }
            let behind = t.pace == "behind";
            let progress = ProjectProgress {
                project_id: project.id.clone(),
                month,
                invested: amount(invested),
                year_to_date: None,
                stage: None,
                image_progress: text.clone(),
                difficulties: if behind {
                    i.text.difficulties[n % i.text.difficulties.len()].clone()
                } else {
                    String::new()
                },
                next_steps: i.text.next_steps[mm as usize % i.text.next_steps.len()].clone(),
                late: false,
            };
            let missing = n == 3 && month == last.previous();
            if missing {
                continue;
            }
            let raised = evaluate::project_warnings(&progress, &project, rules, &|x| reports.get(&x).cloned());
            reports.insert(month, progress.clone());
            let after = w.rng.random_range(1..=4);
            let day = w.working(month.next().first_day(), after);
            let months_to_last = last.month - mm;
            if let Some(at) = w.record(day, &login, Command::ReportProjectProgress { progress }) {
                for warning in &raised {
                    if months_to_last >= 2 || at == DateTime::<Utc>::MIN_UTC {
                        w.handle(warning, at, None, &login);
                    }
                }
                // The behind 技改 project's latest difficulty becomes a ledger problem of the
                // township's first key enterprise.
                if behind && n == 4 && month == last {
                    if let Some(e) = i.ents.iter().find(|e| e.town == town) {
                        let day = w.working(local_date(at), 1);
                        let pt = &i.text.project_problem;
                        let cmd = Command::Register {
                            problem_id: new_id(instant(day, 9 * 60)),
                            enterprise_id: Some(e.id.clone()),
                            new_enterprise: None,
                            visit_id: None,
                            source: Source::Visit,
                            category: pt.category.clone(),
                            description: pt.description.clone(),
                            demand: pt.demand.clone(),
                            raised_on: day,
                            priority: Priority::Normal,
                            responsible_leader: project.paired_leader.clone(),
                            origin: Some(ProblemOrigin::Project { project_id: project.id.clone(), month }),
                            attachments: Vec::new(),
                        };
                        w.record(day, &login, cmd);
                    }
                }
            }
        }
    }
}
