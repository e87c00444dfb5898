//! Figures reproduced from the file: every query in `docs/figures.sql` reads only the event log
//! and must give the same numbers as the core's scorecard, on the demo district, for several
//! kinds of period.

use std::collections::BTreeMap;

use taizhang_core::figures::Scorecard;
use taizhang_ledger::Ledger;
use taizhang_testsupport::at;
use taizhang_testsupport::demo::{self, DemoOptions};

const SQL: &str = include_str!("../../docs/figures.sql");

/// `(name, sql)` for every `-- name:` block.
fn queries() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for block in SQL.split("-- name: ").skip(1) {
        let (name, rest) = block.split_once('\n').unwrap();
        out.push((name.trim().to_string(), rest.to_string()));
    }
    out
}

/// unit id → the query's columns after `unit`.
fn run(ledger: &Ledger, sql: &str, start: &str, end: &str) -> BTreeMap<String, Vec<i64>> {
    let conn = ledger.connection();
    let mut st = conn.prepare(sql).unwrap();
    let cols = st.column_count();
    let mut rows = st.query(rusqlite::named_params! { ":start": start, ":end": end }).unwrap();
    let mut out = BTreeMap::new();
    while let Some(r) = rows.next().unwrap() {
        let unit: String = r.get(0).unwrap();
        out.insert(unit, (1..cols).map(|i| r.get::<_, Option<i64>>(i).unwrap().unwrap_or(0)).collect());
    }
    out
}

fn figures_of(card: &Scorecard, name: &str) -> BTreeMap<String, Vec<i64>> {
    let mut out = BTreeMap::new();
    for d in &card.departments {
        let f = &d.lead;
        let v: Vec<i64> = match name {
            "lead_assigned" => vec![f.assigned.into()],
            "lead_signed" => vec![f.signed.into(), f.signed_on_time.into()],
            "lead_resolved" => vec![f.resolved.into(), f.solved.into(), f.resolved_on_time.into()],
            "lead_returns" => vec![f.returns_made.into()],
            "lead_returns_upheld" => vec![f.returns_upheld.into()],
            "lead_extensions" => vec![f.extensions_asked.into()],
            "lead_extensions_granted" => vec![f.extensions_granted.into()],
            "lead_evaluations" => vec![f.evaluated.into(), f.satisfied.into(), f.reopened.into()],
            _ => continue,
        };
        if v.iter().any(|x| *x != 0) {
            out.insert(d.unit_id.clone(), v);
        }
    }
    for t in &card.townships {
        let v: i64 = match name {
            "township_visits" => t.visits.into(),
            "township_registered" => t.problems_registered.into(),
            "township_resolved_locally" => t.resolved_locally.into(),
            "township_callbacks" => t.callbacks.into(),
            _ => continue,
        };
        if v != 0 {
            out.insert(t.unit_id.clone(), vec![v]);
        }
    }
    out
}

#[test]
fn every_documented_query_reproduces_the_scorecard() {
    let end = at(2026, 6, 15);
    let opts = DemoOptions { problems: 520, seed: 7, end, days: 150, monitoring: true };
    let mut ledger = Ledger::create_in_memory(opts.start()).unwrap();
    demo::generate(&mut ledger, &opts);
    let qs = queries();
    assert_eq!(qs.len(), 12, "every query in docs/figures.sql is checked");
    let mut compared = 0;
    for period in ["2026-05", "2026-04-中旬", "2026-Q2", "2026", "2026-03-10..2026-05-20"] {
        let p = ledger.period(period).unwrap();
        let card = ledger.scorecard(&p, end).unwrap();
        let (start, stop) = (p.start.to_string(), p.end.to_string());
        for (name, sql) in &qs {
            let from_events = run(&ledger, sql, &start, &stop);
            let from_core = figures_of(&card, name);
            assert_eq!(from_events, from_core, "{name} for {period}");
            compared += from_core.len();
        }
    }
    assert!(compared > 200, "the demo must exercise the queries ({compared} rows compared)");
}
