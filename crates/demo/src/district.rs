//! Generating the district: the units, users and enterprises on the morning of the first day,
//! the visits without a problem, then the anchored and natural problems on one clock, written
//! through the ledger's one write path (`Ledger::write`) one window of history at a time.

use std::collections::{BinaryHeap, HashSet};

use chrono::{DateTime, Datelike, Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use taizhang_core::*;
use taizhang_ledger::{new_id, Ledger, LedgerError, Result, WriteOptions, Writer};

use crate::anchors::ANCHORS;
use crate::clock::{Clock, Scheduled};
use crate::days::{instant, Days};
use crate::draw::{credit_code, pick_weighted, Dept, Ent, Gen, Town};
use crate::monitoring::{self, KeyEnt};
use crate::text::DISTRICT;
use crate::{DemoOptions, DemoReport};

/// Days of history per transaction. Each command is still decided, appended to the chain and
/// folded exactly as `Ledger::execute` does; only the commit is shared, which takes a
/// 1M-problem ledger from hours to minutes (one WAL commit per command dominated). A
/// transaction as long as a problem's life also lets its events fold into one aggregate held
/// in memory and written back about once (the ledger's projector). Measured in days, not
/// commands, so that holds at every scale: transactions of 100,000 commands were a month of a
/// 100k district's history but three days of a 1M one, whose problems were then written back
/// ten times each (300k problems: 261 s in 100,000-command transactions, 187 s in
/// 1,000,000-command ones). The price is the WAL, which grows to the pages a window dirties.
const WINDOW_DAYS: i64 = 60;

/// Problems a generating transaction holds in memory (a few KB each): a 60-day window of a
/// 1M-problem district registers about 200,000, and with room for only 100,000 a fifth of the
/// generator went into writing problems back early and reading them again.
const HELD: usize = 250_000;

/// The generating connection's page cache (KiB), instead of the ledger's 64 MB: a window's
/// transaction reads pages it dirtied long before, and each one not in the cache is looked up
/// in a WAL of gigabytes (300k problems: 187 s with 64 MB, 178 s with 1 GB). Filled only as
/// pages are read, so a small district never uses it. Set once for the whole run: shrinking it
/// between windows would drop the pages the next window reads.
const GENERATOR_CACHE_KIB: i64 = 1024 * 1024;

pub(crate) fn generate(
    ledger: &mut Ledger,
    opts: &DemoOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DemoReport> {
    ledger.set_page_cache_kib(Some(GENERATOR_CACHE_KIB))?;
    let report = generate_district(ledger, opts, progress);
    ledger.set_page_cache_kib(None)?;
    report
}

/// Runs one step of the script; a refusal is a bug in the script.
fn run(w: &mut Writer<'_>, step: &Scheduled) -> Result<()> {
    w.execute(&step.login, &step.cmd, step.at).map(drop).inspect_err(|e| {
        if cfg!(test) {
            eprintln!("demo step refused at {} by {}: {:?}\n  -> {e}", step.at, step.login, step.cmd);
        }
    })
}

fn generate_district(
    ledger: &mut Ledger,
    opts: &DemoOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DemoReport> {
    let existing: i64 = ledger.connection().query_row("SELECT count(*) FROM problems", [], |r| r.get(0))?;
    if existing > 0 || ledger.units()?.len() > 1 {
        return Err(LedgerError::bad_input("ledger", "the demo district needs a freshly created ledger"));
    }
    let office_user = ledger
        .users()?
        .into_iter()
        .find(|u| u.role == Role::Office && u.active)
        .ok_or_else(|| LedgerError::bad_input("ledger", "no office user"))?;
    let office_unit = office_user.unit_id.clone();
    let admin = office_user.login.clone();
    let calendar = ledger.calendar()?;
    let settings = ledger.settings()?;
    let end_date = local_date(opts.end);
    let start_date = opts.start_date();
    let days = Days::new(&calendar, start_date, end_date + Duration::days(730));
    let after_end = days.index_from(end_date);
    if after_end < 30 {
        return Err(LedgerError::bad_input("days", "the history is too short"));
    }
    let last = after_end - 1;
    let text = &*DISTRICT;
    let cats: Vec<usize> = (0..text.categories.len())
        .filter(|c| settings.categories.iter().any(|x| *x == text.categories[*c].name))
        .collect();
    if cats.is_empty() {
        return Err(LedgerError::bad_input("categories", "none of the demo categories is in the settings"));
    }
    let rng = StdRng::seed_from_u64(opts.seed);

    // --- Units, users, enterprises: on the morning of the first day ------------------------
    let setup_at = instant(days.date(0), 8 * 60);
    let mut setup: Vec<(String, Command)> = Vec::new();
    let create_unit = |id: &str, name: &str, short_name: &str, kind: UnitKind| Command::CreateUnit {
        unit_id: id.to_string(),
        name: name.to_string(),
        short_name: short_name.to_string(),
        kind,
    };
    let mut towns = Vec::new();
    for t in &text.townships {
        let id = new_id(setup_at);
        setup.push((admin.clone(), create_unit(&id, &t.name, &t.short_name, UnitKind::Township)));
        towns.push(Town {
            id,
            name: t.name.clone(),
            short: t.short_name.clone(),
            users: t.officials.iter().map(|p| (p.login.clone(), p.name.clone())).collect(),
        });
    }
    let mut depts = Vec::new();
    for d in &text.departments {
        let id = new_id(setup_at);
        setup.push((admin.clone(), create_unit(&id, &d.name, &d.short_name, UnitKind::Department)));
        depts.push(Dept { id, short: d.short_name.clone(), login: d.login.clone(), person: d.handler.clone() });
    }
    let leadership = new_id(setup_at);
    let lu = &text.leadership_unit;
    setup.push((admin.clone(), create_unit(&leadership, &lu.name, &lu.short_name, UnitKind::Leadership)));
    let user = |login: &str, name: &str, unit: &str, role: Role| Command::CreateUser {
        user_id: new_id(setup_at),
        login: login.to_string(),
        name: name.to_string(),
        unit_id: unit.to_string(),
        role,
    };
    for p in &text.office_users {
        setup.push((admin.clone(), user(&p.login, &p.name, &office_unit, Role::Office)));
    }
    for p in &text.leaders {
        setup.push((admin.clone(), user(&p.login, &p.name, &leadership, Role::Leader)));
    }
    for t in &towns {
        for (login, name) in &t.users {
            setup.push((admin.clone(), user(login, name, &t.id, Role::Township)));
        }
    }
    for d in &depts {
        setup.push((admin.clone(), user(&d.login, &d.person, &d.id, Role::Department)));
    }

    let mut gen = Gen {
        rng,
        text,
        days,
        last,
        settings: &settings,
        towns,
        depts,
        ents: Vec::new(),
        cats,
        year: end_date.year(),
        pairing: opts.monitoring,
    };
    let n_new = (opts.problems / 90).min(6);
    let n_ents = (120usize.saturating_sub(n_new)).max(20);
    let bad_codes = [7usize, 43];
    let town_weights: Vec<u32> = text.townships.iter().map(|t| t.weight).collect();
    let mut names = HashSet::new();
    let mut codes = HashSet::new();
    for i in 0..n_ents {
        let town = pick_weighted(&mut gen.rng, &town_weights);
        let code = loop {
            let c = credit_code(&mut gen.rng, bad_codes.contains(&i));
            if codes.insert(c.clone()) {
                break c;
            }
        };
        let mut e = gen.new_enterprise(town, &mut names, Some(code));
        e.id = new_id(setup_at);
        let unvisited = e.key_level.is_key() && gen.rng.random_bool(0.14);
        gen.ents.push(Ent { id: e.id.clone(), town, key: e.key_level, unvisited });
        let by = gen.towns[town].users[0].0.clone();
        setup.push((by, Command::CreateEnterprise { enterprise: e }));
    }

    // --- Key enterprises and key projects: the office's backfill of the months before the
    // history on the first morning; the rest on the clock below ------------------------------
    let key_ents: Vec<KeyEnt> = setup
        .iter()
        .filter_map(|(_, c)| match c {
            Command::CreateEnterprise { enterprise: e } if e.key_level.is_key() => Some(KeyEnt {
                id: e.id.clone(),
                town: gen.towns.iter().position(|t| t.id == e.township_id).expect("a demo township"),
                industry: e.industry.clone(),
            }),
            _ => None,
        })
        .collect();
    let monitoring = if !opts.monitoring {
        monitoring::Script { backfill: Vec::new(), steps: Vec::new() }
    } else {
        monitoring::script(&monitoring::Inputs {
            ents: &key_ents,
            towns: &gen.towns,
            depts: &gen.depts,
            leaders: text.leaders.iter().map(|p| p.name.clone()).collect(),
            admin: &admin,
            start: start_date,
            end: opts.end,
            calendar: &calendar,
            settings: &settings,
            text: &text.monitoring,
            seed: opts.seed,
            first_group: usize::MAX / 2,
        })
    };
    setup.extend(monitoring.backfill);
    // The problems the monitoring script registers count among the district's.
    let from_monitoring = monitoring.steps.iter().filter(|s| matches!(s.cmd, Command::Register { .. })).count();

    // --- Visits without a problem, for the coverage figures ---------------------------------
    let mut visits: Vec<(usize, String, Visit)> = Vec::new();
    let n_visits = 150 * opts.problems.max(100) / 520;
    let weights: Vec<u32> = gen
        .ents
        .iter()
        .map(|e| {
            if e.unvisited {
                0
            } else {
                match e.key {
                    KeyLevel::District => 5,
                    KeyLevel::Town => 4,
                    KeyLevel::General => 1,
                }
            }
        })
        .collect();
    for _ in 0..n_visits {
        let day = gen.rng.random_range(0..=last);
        let ent = pick_weighted(&mut gen.rng, &weights);
        let town = gen.ents[ent].town;
        let login = gen.town_user(town);
        let form = [VisitForm::OnSite, VisitForm::Forum, VisitForm::Phone, VisitForm::Online]
            [pick_weighted(&mut gen.rng, &[60, 15, 15, 10])];
        let visit = Visit {
            id: new_id(instant(gen.date(day), 9 * 60)),
            enterprise_id: gen.ents[ent].id.clone(),
            township_id: gen.towns[town].id.clone(),
            date: gen.date(day),
            visitors: gen.visitors(town, &login),
            form,
            notes: text.visit_notes.choose(&mut gen.rng).expect("notes").clone(),
        };
        visits.push((day, login, visit));
    }

    // --- One clock ------------------------------------------------------------------------
    // A problem's steps are planned on the day it is registered, not all at the start: only
    // the steps of the problems under way are held (a 1M-problem district planned whole held
    // about 11 GB of commands). Every step of a problem is on or after its registration day,
    // so the steps before the next registration day are final and run in time order.
    let mut clock = Clock { heap: BinaryHeap::new(), end: opts.end, groups: 0 };
    for anchor in ANCHORS.iter().take(opts.problems) {
        if let Some((b, k)) = gen.anchor(anchor) {
            let steps = gen.plan(&b, &k);
            clock.add(&mut gen, steps);
        }
    }
    let anchors = clock.groups;
    let first_visit_group = opts.problems + ANCHORS.len();
    for (i, (day, login, visit)) in visits.into_iter().enumerate() {
        let minute = gen.rng.random_range(9 * 60..=17 * 60);
        clock.push(Scheduled {
            at: instant(gen.date(day), minute),
            group: first_visit_group + i,
            seq: 0,
            login,
            cmd: Command::RecordVisit { visit },
        });
    }
    for step in monitoring.steps {
        clock.push(step);
    }
    // The natural problems by registration day (and their draw, so a seed gives one district).
    let mut natural: Vec<(usize, usize)> = (0..opts.problems.saturating_sub(anchors + from_monitoring))
        .map(|i| (gen.rng.random_range(0..=last), i))
        .collect();
    natural.sort_unstable();
    let mut natural = natural.into_iter().peekable();

    // Progress counts days of history: the number of steps is known only once all are planned.
    let total = (end_date - start_date).num_days().max(1) as usize;
    let day_of = |at: DateTime<Utc>| ((local_date(at) - start_date).num_days().max(0) as usize).min(total);
    progress(0, total);
    let setup_steps: Vec<Scheduled> = setup
        .into_iter()
        .enumerate()
        .map(|(i, (login, cmd))| Scheduled { at: setup_at + Duration::seconds(i as i64), group: 0, seq: i, login, cmd })
        .collect();
    ledger.write(WriteOptions { held_problems: HELD, progress: None }, |w| {
        setup_steps.iter().try_for_each(|s| run(w, s))
    })?;
    // The next step in time order, once every problem registered on or before its day is
    // planned.
    let mut next_step = || -> Option<Scheduled> {
        loop {
            let next_reg = natural.peek().map(|(reg, _)| *reg);
            let next_at = clock.heap.peek().map(|s| s.0.at);
            match (next_reg, next_at) {
                (Some(reg), Some(at)) if local_date(at) < gen.date(reg) => break,
                (Some(_), _) => {
                    let (reg, i) = natural.next().expect("peeked");
                    let steps = gen.natural_plan(reg, i, n_new, &mut names, &mut codes);
                    clock.add(&mut gen, steps);
                }
                (None, _) => break,
            }
        }
        clock.heap.pop().map(|d| d.0)
    };
    // Progress is reported once a day of history.
    let mut reported = None;
    let mut on_command = |_: usize, at: DateTime<Utc>| {
        let day = local_date(at);
        if reported != Some(day) {
            reported = Some(day);
            progress(day_of(at), total);
        }
    };
    // One transaction per WINDOW_DAYS of history, fed step by step.
    let mut first = next_step();
    while let Some(mut step) = first.take() {
        let window_end = local_date(step.at) + Duration::days(WINDOW_DAYS);
        let options = WriteOptions { held_problems: HELD, progress: Some(&mut on_command) };
        ledger.write(options, |w| loop {
            run(w, &step)?;
            match next_step() {
                Some(s) if local_date(s.at) < window_end => step = s,
                after => {
                    first = after;
                    return Ok(());
                }
            }
        })?;
    }
    progress(total, total);

    let units = ledger.units()?;
    let events: i64 = ledger.connection().query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    let problems: i64 = ledger.connection().query_row("SELECT count(*) FROM problems", [], |r| r.get(0))?;
    Ok(DemoReport {
        townships: units.iter().filter(|u| u.kind == UnitKind::Township).count(),
        departments: units.iter().filter(|u| u.kind == UnitKind::Department).count(),
        users: ledger.users()?.len(),
        enterprises: ledger.enterprises()?.len(),
        visits: ledger.visits()?.len(),
        problems: problems as usize,
        events,
    })
}
