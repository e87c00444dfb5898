//! The demo district shows every situation, for any seed and end, through the write path.
use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use taizhang_core::*;
use taizhang_ledger::{Ledger, PageRequest, ProblemFilter, Sort};

use crate::days::instant;
use crate::{generate, DemoOptions, DemoReport};

/// Monday 2026-06-15, 10:00 Beijing time.
fn end() -> DateTime<Utc> {
    instant(NaiveDate::from_ymd_opt(2026, 6, 15).unwrap(), 10 * 60)
}

fn run(opts: &DemoOptions) -> (Ledger, DemoReport) {
    let mut ledger = Ledger::create_in_memory(opts.start()).unwrap();
    let mut calls = 0;
    let mut last_done = 0;
    let report = generate(&mut ledger, opts, &mut |done, total| {
        assert!(done <= total && done >= last_done);
        last_done = done;
        calls += 1;
    })
    .unwrap();
    assert!(calls > 2, "progress is reported");
    (ledger, report)
}

fn count(ledger: &Ledger, f: ProblemFilter, now: DateTime<Utc>) -> u64 {
    ledger.list_problems(&f, Sort::default(), PageRequest { offset: 0, limit: 1 }, now).unwrap().total
}

fn distribution(ledger: &Ledger) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for p in ledger.all_problems().unwrap() {
        *m.entry(p.status.label_zh()).or_insert(0) += 1;
    }
    m
}

/// Every state and situation the product has to show is in the demo at its end.
fn check(ledger: &mut Ledger, opts: &DemoOptions, report: &DemoReport) {
    let now = opts.end;
    assert_eq!(report.problems, opts.problems);
    assert_eq!(report.townships, 6);
    assert!(report.departments >= 15);
    assert!(report.enterprises >= 100, "{report:?}");
    assert!(report.visits >= 100, "{report:?}");
    for &s in Status::ALL {
        let n = count(ledger, ProblemFilter { statuses: vec![s], ..Default::default() }, now);
        assert!(n > 0, "no problem is {}", s.label_zh());
    }
    for level in [Escalation::Reminder, Escalation::Yellow, Escalation::Red] {
        let n = count(ledger, ProblemFilter { escalation: Some(level), ..Default::default() }, now);
        assert!(n > 0, "no problem at level {}", level.label_zh());
    }
    assert!(count(ledger, ProblemFilter { overdue: Some(true), ..Default::default() }, now) >= 5);
    let rows = ledger
        .list_problems(&ProblemFilter::default(), Sort::default(), PageRequest { offset: 0, limit: 1000 }, now)
        .unwrap()
        .rows;
    assert!(rows.iter().any(|r| r.lateness.sign_overdue), "overdue to sign");
    assert!(rows.iter().any(|r| r.lateness.days_overdue >= 5), "5+ working days overdue");
    assert!(rows.iter().any(|r| r.extension_pending), "extension pending");
    assert!(rows.iter().any(|r| r.withdrawal_pending), "withdrawal pending");

    let all = ledger.all_problems().unwrap();
    let any = |what: &str, f: &dyn Fn(&Problem) -> bool| assert!(all.iter().any(f), "no problem with {what}");
    any("an upheld return", &|p| p.returns.iter().any(|r| r.upheld == Some(true)));
    any("a reassignment", &|p| p.assignments.iter().any(|a| a.reassigned));
    any("an approved extension", &|p| p.extensions.iter().any(|e| e.approved == Some(true)));
    any("a refused extension", &|p| p.extensions.iter().any(|e| e.approved == Some(false)));
    any("a reopening", &|p| p.reopen_count > 0);
    any("a reopened item in progress", &|p| p.reopen_count > 0 && p.status == Status::InProgress);
    any("a reopened item closed", &|p| p.reopen_count > 0 && p.status == Status::Closed);
    any("a local resolution", &|p| p.resolutions.iter().any(|r| r.unit_id.is_none()));
    any("a local resolution sent back", &|p| p.reopen_count > 0 && p.status == Status::Registered);
    any("a late signature", &|p| p.signs.iter().any(|s| !s.on_time));
    any("a late resolution", &|p| p.resolutions.iter().any(|r| !r.on_time));
    any("two urges", &|p| p.urges.len() >= 2);
    any("one urge", &|p| p.urges.len() == 1 && p.status == Status::InProgress);
    any("awaiting evaluation", &|p| p.status == Status::Resolved && p.evaluation.is_none());
    any("awaiting close-out", &|p| p.status == Status::Resolved && p.evaluation.is_some());
    any("a 基本满意", &|p| p.evaluation == Some(Satisfaction::Basic));
    any("a waived opinion", &|p| {
        p.assignment.as_ref().is_some_and(|a| a.supporters.iter().any(|s| s.waived_reason.is_some()))
    });
    any("a supporter opinion", &|p| {
        p.assignment.as_ref().is_some_and(|a| a.supporters.iter().any(|s| s.opinion.is_some()))
    });
    any("an unsettled supporter", &|p| {
        p.status == Status::InProgress
            && p.assignment.as_ref().is_some_and(|a| a.supporters.iter().any(|s| !s.is_settled()))
    });
    any("a 重大 item", &|p| p.priority == Priority::Major);
    any("an explained result", &|p| p.resolutions.iter().any(|r| r.result_type == ResultType::Explained));
    any("a long-term result", &|p| p.resolutions.iter().any(|r| r.result_type == ResultType::LongTerm));

    let conn = ledger.connection();
    let kinds = |kind: &str| -> i64 {
        conn.query_row("SELECT count(*) FROM events WHERE kind = ?1", [kind], |r| r.get(0)).unwrap()
    };
    for kind in ["instructed", "progress_noted", "withdrawal_ruled", "support_acknowledged", "visit_recorded"] {
        assert!(kinds(kind) > 0, "no {kind} event");
    }
    let stage: i64 = conn
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'progress_noted' AND payload LIKE '%\"stage_reply\":true%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(stage > 0, "no stage reply");
    // Two credit codes with a wrong check character (accepted with a warning).
    let bad: i64 =
        conn.query_row("SELECT count(*) FROM enterprises WHERE credit_code_ok = 0", [], |r| r.get(0)).unwrap();
    assert_eq!(bad, 2);
    // Coverage of key enterprises is high but not complete.
    let ents = ledger.enterprises().unwrap();
    let visited: HashSet<String> = ledger.visits().unwrap().into_iter().map(|v| v.enterprise_id).collect();
    let key: Vec<&Enterprise> = ents.iter().filter(|e| e.key_level.is_key()).collect();
    let covered = key.iter().filter(|e| visited.contains(&e.id)).count();
    assert!(covered < key.len() && covered * 2 > key.len(), "coverage {covered}/{}", key.len());

    // One clock: times never go backwards, and nothing is after the end.
    let times: Vec<String> = conn
        .prepare("SELECT occurred_at FROM events ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|t| t.unwrap())
        .collect();
    let times: Vec<DateTime<Utc>> = times.iter().map(|t| DateTime::parse_from_rfc3339(t).unwrap().to_utc()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "event times go backwards");
    assert!(*times.last().unwrap() <= opts.end);

    if opts.monitoring {
        monitoring(ledger, now);
    }

    assert!(ledger.verify().unwrap().ok);
    assert!(ledger.rebuild().unwrap().equal);
}

/// The key enterprises and projects show what the monitoring screens have to: every warning
/// level that the rules raise by default, open and dealt-with items, a missing report named,
/// a late entry, 24 months of one firm's figures, projects ahead and behind.
fn monitoring(ledger: &Ledger, now: DateTime<Utc>) {
    use taizhang_core::monitoring::{Level, Month, Pace};
    let board = ledger.warnings(&taizhang_ledger::WarningFilter::default(), now).unwrap();
    for level in [Level::Yellow, Level::Orange, Level::Red] {
        assert!(board.iter().any(|w| w.open && w.level == level && !w.computed), "no open {level:?} warning");
    }
    assert!(board.iter().any(|w| !w.open && !w.actions.is_empty()), "nothing dealt with");
    assert!(board.iter().any(|w| w.computed && w.rule == "report_missing"), "no missing report");
    assert!(board.iter().any(|w| w.rule == "electricity_stopped"), "nobody stopped");
    let last = Month::of(local_date(now)).previous();
    let firm = &ledger.key_enterprises(None).unwrap()[0];
    let series = ledger.indicator_series(&firm.enterprise_id, "gross_output", last.previous(), 24, None).unwrap();
    assert!(series.iter().filter(|p| p.value.is_some()).count() >= 20, "{series:?}");
    assert!(series.iter().rev().take(10).filter(|p| p.yoy.is_some()).count() >= 8, "{series:?}");
    let projects = ledger.projects(None, last.previous()).unwrap();
    for pace in [Pace::Ahead, Pace::Behind] {
        assert!(projects.iter().any(|p| p.pace == Some(pace)), "no project {pace:?}: {projects:?}");
    }
}

#[test]
fn demo_shows_every_situation() {
    let opts = DemoOptions { problems: 200, end: end(), ..Default::default() };
    let (mut ledger, report) = run(&opts);
    check(&mut ledger, &opts, &report);
}

#[test]
fn demo_ending_on_a_weekend_evening() {
    // Saturday 2026-05-30, 21:00: the last working day is Friday.
    let end = instant(NaiveDate::from_ymd_opt(2026, 5, 30).unwrap(), 21 * 60);
    let opts = DemoOptions { problems: 200, seed: 7, end, ..Default::default() };
    let (mut ledger, report) = run(&opts);
    check(&mut ledger, &opts, &report);
}

#[test]
fn demo_ending_early_on_a_working_morning() {
    // Wednesday 2026-03-04, 07:30: nothing happens on the last day itself.
    let end = instant(NaiveDate::from_ymd_opt(2026, 3, 4).unwrap(), 7 * 60 + 30);
    let opts = DemoOptions { problems: 150, seed: 99, end, days: 120, monitoring: true };
    let (mut ledger, report) = run(&opts);
    check(&mut ledger, &opts, &report);
}

#[test]
fn same_seed_same_distribution() {
    let opts = DemoOptions { problems: 120, seed: 11, end: end(), ..Default::default() };
    let (a, ra) = run(&opts);
    let (b, rb) = run(&opts);
    assert_eq!(ra, rb);
    assert_eq!(distribution(&a), distribution(&b));
}

#[test]
fn refuses_a_used_ledger() {
    let opts = DemoOptions { problems: 60, end: end(), ..Default::default() };
    let (mut ledger, _) = run(&opts);
    assert!(generate(&mut ledger, &opts, &mut |_, _| {}).is_err());
}

#[test]
fn full_size_demo() {
    let opts = DemoOptions { end: end(), ..Default::default() };
    let t = std::time::Instant::now();
    let (mut ledger, report) = run(&opts);
    let took = t.elapsed();
    eprintln!("demo: {report:?} in {took:?}");
    eprintln!("final states: {:?}", distribution(&ledger));
    check(&mut ledger, &opts, &report);
}

/// However few problems the rebuild may hold, each written back and read again as it goes,
/// the tables come out identical.
#[test]
fn a_rebuild_holding_few_problems_gives_the_same_tables() {
    let opts = DemoOptions { problems: 120, end: end(), ..Default::default() };
    let (mut ledger, _) = run(&opts);
    for held in [1, 3, 50] {
        let report = ledger.rebuild_holding(held, &mut |_, _| {}).unwrap();
        assert!(report.equal, "holding {held}: {:?}", report.differing_tables);
    }
}

/// The events of a ledger with every id (events, actors, units, problems…) replaced by the
/// order it first appears in: ids are UUIDv7 with random bits, all else comes from the seed.
fn event_dump(ledger: &Ledger) -> Vec<String> {
    let mut ids: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut st =
        ledger.connection().prepare("SELECT id, actor, occurred_at, kind, payload FROM events ORDER BY seq").unwrap();
    let rows = st
        .query_map([], |r| Ok([r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]))
        .unwrap()
        .map(|r| r.unwrap());
    rows.map(|fields| {
        let line = fields.join(" ");
        numbered_ids(&line, &mut ids)
    })
    .collect()
}

/// `text` with every UUID replaced by `#n`, n the order it was first met in.
fn numbered_ids(text: &str, ids: &mut std::collections::HashMap<String, usize>) -> String {
    let is_uuid = |s: &str| {
        s.len() == 36
            && s.char_indices()
                .all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
    };
    let mut out = String::new();
    let mut i = 0;
    while i < text.len() {
        if text.is_char_boundary(i)
            && i + 36 <= text.len()
            && text.is_char_boundary(i + 36)
            && is_uuid(&text[i..i + 36])
        {
            let n = ids.len();
            let n = *ids.entry(text[i..i + 36].to_string()).or_insert(n);
            out.push_str(&format!("#{n}"));
            i += 36;
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[test]
fn same_seed_same_events() {
    let opts = DemoOptions { problems: 90, seed: 5, end: end(), days: 90, monitoring: true };
    let (a, _) = run(&opts);
    let (b, _) = run(&opts);
    assert_eq!(event_dump(&a), event_dump(&b));
    let other = DemoOptions { seed: 6, ..opts };
    assert_ne!(event_dump(&a), event_dump(&run(&other).0));
}

#[test]
fn every_anchor_has_its_own_name() {
    let names: HashSet<&str> = crate::ANCHORS.iter().map(|a| a.name).collect();
    assert_eq!(names.len(), crate::ANCHORS.len());
    assert_eq!(crate::ANCHORS.len(), 44);
}
