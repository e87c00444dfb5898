//! The monitoring commands (docs/monitoring.md): monthly indicators, 旬报, key projects and
//! their progress, the warnings the figures raise as they arrive, what is done about them, and
//! the lock. Every event made here is replayed through `admit` at the end of each flow.

use crate::admit::{ledger_log, replay};
use crate::support::*;
use taizhang_core::monitoring::*;
use taizhang_core::workflow::World;
use taizhang_core::*;

fn a(v: f64) -> Amount {
    Amount((v * 100.0).round() as i64)
}

fn month(y: i32, m: u32) -> Month {
    Month::new(y, m).unwrap()
}

/// A report of output and electricity, each with last year's figure.
fn report(e: &str, m: Month, output: f64, last_output: f64, power: f64, last_power: f64) -> Command {
    let entry = |key: &str, v: f64, ly: f64| IndicatorEntry {
        key: key.into(),
        value: a(v),
        cumulative: None,
        last_year: Some(a(ly)),
    };
    Command::ReportIndicators {
        report: IndicatorReport {
            enterprise_id: e.into(),
            month: m,
            entries: vec![entry("gross_output", output, last_output), entry("electricity", power, last_power)],
            note: String::new(),
            late: false,
        },
    }
}

fn raised(events: &[EventBody]) -> Vec<(String, Level, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            EventBody::WarningRaised { warning } => {
                Some((warning.id.clone(), warning.warning.level, warning.warning.rule.clone()))
            }
            _ => None,
        })
        .collect()
}

#[track_caller]
fn all_admitted(d: &District) {
    let log = ledger_log(d);
    let (_, refused) = replay(&log);
    assert_eq!(refused, None, "not admitted: {:?}", refused.as_ref().map(|(i, _)| &log[*i]));
}

#[test]
fn a_monthly_report_is_recorded_and_falling_output_raises_yellow_orange_then_red() {
    let mut d = District::new();
    // February, March and April 2025 each below the year before: 黄, then 橙 (two running),
    // then 红 (three running).
    let feb = d.ok(T1, report(E1, month(2025, 2), 950.0, 1000.0, 100.0, 100.0), at(2025, 3, 10));
    assert_eq!(raised(&feb), vec![("indicator/e1/2025-02/gross_output".into(), Level::Yellow, "yoy_negative".into())]);
    let mar = d.ok(T1, report(E1, month(2025, 3), 990.0, 1000.0, 100.0, 100.0), at(2025, 4, 10));
    assert_eq!(
        raised(&mar),
        vec![("indicator/e1/2025-03/gross_output".into(), Level::Orange, "falling_months".into())]
    );
    let apr = d.ok(T1, report(E1, month(2025, 4), 999.0, 1000.0, 100.0, 100.0), at(2025, 5, 9));
    assert_eq!(raised(&apr), vec![("indicator/e1/2025-04/gross_output".into(), Level::Red, "falling_months".into())]);
    // Reported again with the same finding (a correction of another figure): not raised twice.
    let again = d.ok(T1, report(E1, month(2025, 4), 999.0, 1000.0, 101.0, 100.0), at(2025, 5, 12));
    assert_eq!(raised(&again), vec![]);
    // May grows: nothing raised. The report is in the world as given.
    let may = d.ok(T1, report(E1, month(2025, 5), 1000.0, 1000.0, 100.0, 100.0), at(2025, 6, 9));
    assert_eq!(raised(&may), vec![]);
    let r = d.w.indicator_report(E1, month(2025, 5)).unwrap();
    assert_eq!((r.entry("gross_output").unwrap().value, r.late), (a(1000.0), false));
    all_admitted(&d);
}

#[test]
fn electricity_under_thirty_percent_of_last_december_is_red() {
    let mut d = District::new();
    d.ok(T1, report(E1, month(2024, 12), 1000.0, 1000.0, 310.0, 300.0), at(2025, 1, 8));
    // February 2025: 28 days; 83.72 is 2.99 a day against December's 10: 29.9 %.
    let feb = d.ok(T1, report(E1, month(2025, 2), 1000.0, 1000.0, 83.72, 80.0), at(2025, 3, 10));
    assert_eq!(raised(&feb), vec![("electricity/e1/2025-02".into(), Level::Red, "electricity_stopped".into())]);
    let mut d2 = District::new();
    d2.ok(T1, report(E1, month(2024, 12), 1000.0, 1000.0, 310.0, 300.0), at(2025, 1, 8));
    let feb = d2.ok(T1, report(E1, month(2025, 2), 1000.0, 1000.0, 84.0, 80.0), at(2025, 3, 10));
    assert_eq!(raised(&feb), vec![], "30 % exactly is not under");
    all_admitted(&d);
}

#[test]
fn bad_reports_are_refused_and_change_nothing() {
    let mut d = District::new();
    let when = at(2025, 3, 10);
    let feb = month(2025, 2);
    // Not key, another township's, a department, a month still running, a month that is not.
    assert_eq!(d.code(T1, report(E3, feb, 1.0, 1.0, 1.0, 1.0), when), "monitoring.not_key_enterprise");
    assert_eq!(d.code(T2, report(E1, feb, 1.0, 1.0, 1.0, 1.0), when), "enterprise.wrong_township");
    assert_eq!(d.code(D1, report(E1, feb, 1.0, 1.0, 1.0, 1.0), when), "auth.forbidden");
    assert_eq!(d.code(T1, report(E1, month(2025, 3), 1.0, 1.0, 1.0, 1.0), when), "monitoring.period_not_over");
    assert_eq!(
        d.code(T1, report(E1, Month { year: 2025, month: 13 }, 1.0, 1.0, 1.0, 1.0), when),
        "monitoring.no_such_month"
    );
    assert_eq!(d.code(T1, report(E1, feb, -1.0, 1.0, 1.0, 1.0), when), "monitoring.negative_value");
    let mut unknown = report(E1, feb, 1.0, 1.0, 1.0, 1.0);
    if let Command::ReportIndicators { report } = &mut unknown {
        report.entries[0].key = "happiness".into();
    }
    assert_eq!(d.code(T1, unknown, when), "monitoring.unknown_indicator");
    // A cumulative smaller than the month before's, or than the month itself.
    let with_cumulative = |m: Month, v: f64, c: f64| {
        let mut cmd = report(E1, m, v, 1.0, 1.0, 1.0);
        if let Command::ReportIndicators { report } = &mut cmd {
            report.entries[0].cumulative = Some(a(c));
        }
        cmd
    };
    d.ok(T1, with_cumulative(feb, 100.0, 250.0), when);
    assert_eq!(
        d.code(T1, with_cumulative(month(2025, 3), 100.0, 240.0), at(2025, 4, 9)),
        "monitoring.cumulative_decreasing"
    );
    assert_eq!(
        d.code(T1, with_cumulative(month(2025, 3), 300.0, 299.0), at(2025, 4, 9)),
        "monitoring.cumulative_decreasing"
    );
    d.ok(T1, with_cumulative(month(2025, 3), 100.0, 350.0), at(2025, 4, 9));
    all_admitted(&d);
}

#[test]
fn a_locked_month_is_the_offices_and_marked_late() {
    let mut d = District::new();
    let feb = month(2025, 2);
    // Locks on 20 March (the default lock day): the 20th is still open, the 21st is not.
    d.ok(T1, report(E1, feb, 1.0, 1.0, 1.0, 1.0), at(2025, 3, 20));
    assert_eq!(d.code(T1, report(E1, feb, 2.0, 1.0, 1.0, 1.0), at(2025, 3, 21)), "monitoring.period_locked");
    d.ok(OFFICE, report(E1, feb, 2.0, 1.0, 1.0, 1.0), at(2025, 3, 21));
    let r = d.w.indicator_report(E1, feb).unwrap();
    assert_eq!((r.entry("gross_output").unwrap().value, r.late), (a(2.0), true));
    all_admitted(&d);
}

#[test]
fn a_forged_late_flag_or_warning_is_refused_on_replay() {
    let mut d = District::new();
    d.ok(T1, report(E1, month(2025, 2), 950.0, 1000.0, 100.0, 100.0), at(2025, 3, 10));
    let mut log = ledger_log(&d);
    let meta = log.last().unwrap().0.clone();
    // The same report claiming to be a late correction.
    let (_, first) = log.iter().rev().find(|(_, b)| matches!(b, EventBody::IndicatorsReported { .. })).unwrap().clone();
    let EventBody::IndicatorsReported { mut report } = first else { unreachable!() };
    report.late = true;
    log.push((meta.clone(), EventBody::IndicatorsReported { report }));
    let (_, refused) = replay(&log);
    assert!(matches!(refused, Some((_, admit::Verdict::Refused(_)))), "{refused:?}");
    // A red warning the figures do not raise.
    let mut log = ledger_log(&d);
    let EventBody::WarningRaised { mut warning } = log.last().unwrap().1.clone() else { panic!("a warning last") };
    warning.warning.level = Level::Red;
    log.pop();
    log.push((meta, EventBody::WarningRaised { warning }));
    let (_, refused) = replay(&log);
    assert!(matches!(refused, Some((_, admit::Verdict::Refused(_)))), "{refused:?}");
}

fn handle(id: &str, note: &str, visit: Option<Visit>) -> Command {
    Command::HandleWarning {
        handling: WarningHandling { warning_id: id.into(), note: note.into(), visit_id: None },
        visit,
    }
}

#[test]
fn a_warning_stays_open_until_what_was_done_is_recorded_once() {
    let mut d = District::new();
    d.ok(T1, report(E1, month(2025, 2), 950.0, 1000.0, 100.0, 100.0), at(2025, 3, 10));
    let id = "indicator/e1/2025-02/gross_output";
    assert_eq!(d.w.warning(id).map(|(_, done)| done), Some(false));
    assert_eq!(d.code(T2, handle(id, "看过了", None), at(2025, 3, 11)), "enterprise.wrong_township");
    assert_eq!(d.code(T1, handle(id, "  ", None), at(2025, 3, 11)), "input.required");
    assert_eq!(d.code(T1, handle("indicator/e1/2030-01/x", "x", None), at(2025, 3, 11)), "not_found");
    // Handled by a visit recorded in the same step.
    let visit = match cmds::visit("v-w", E1, crate::support::d(2025, 3, 11)) {
        Command::RecordVisit { visit } => visit,
        _ => unreachable!(),
    };
    let events = d.ok(T1, handle(id, "走访了解：订单下降，已对接市场开拓政策", Some(visit)), at(2025, 3, 11));
    assert!(matches!(&events[..], [EventBody::VisitRecorded { .. }, EventBody::WarningHandled { handling }]
        if handling.visit_id.as_deref() == Some("v-w")));
    assert_eq!(d.w.warning(id).map(|(_, done)| done), Some(true));
    assert_eq!(d.code(T1, handle(id, "再看", None), at(2025, 3, 12)), "monitoring.warning_handled");
    all_admitted(&d);
}

#[test]
fn a_warning_becomes_a_ledger_problem_in_one_step_linked_both_ways() {
    let mut d = District::new();
    d.ok(T1, report(E1, month(2025, 2), 700.0, 1000.0, 100.0, 100.0), at(2025, 3, 10));
    let id = "indicator/e1/2025-02/gross_output";
    assert_eq!(d.w.warning(id).map(|(w, _)| w.warning.level), Some(Level::Orange));
    let mut cmd = cmds::register("p-w", E1, Priority::Normal, "市场开拓", crate::support::d(2025, 3, 11));
    if let Command::Register { origin, .. } = &mut cmd {
        *origin = Some(ProblemOrigin::Warning { warning_id: id.into() });
    }
    let events = d.ok(T1, cmd.clone(), at(2025, 3, 11));
    assert!(
        matches!(&events[..], [EventBody::ProblemRegistered { .. }, EventBody::ProblemLinked { problem, .. }] if problem == "p-w")
    );
    assert_eq!(d.w.warning(id).map(|(_, done)| done), Some(true));
    // Not twice, and not for another enterprise.
    if let Command::Register { problem_id, .. } = &mut cmd {
        *problem_id = "p-w2".into();
    }
    assert_eq!(d.code(T1, cmd, at(2025, 3, 12)), "monitoring.warning_handled");
    all_admitted(&d);
}

fn project(id: &str, plan: f64) -> Project {
    Project {
        id: id.into(),
        name: "城关智能装备产业园".into(),
        builder: "城关精密机械有限公司".into(),
        nature: ProjectNature::New,
        township_id: U_T1.into(),
        total_investment: a(50000.0),
        plan_year: 2025,
        annual_plan: a(plan),
        planned_start: Some(crate::support::d(2025, 3, 1)),
        planned_finish: Some(crate::support::d(2026, 12, 31)),
        actual_start: None,
        actual_finish: None,
        stage: ProjectStage::Preparation,
        paired_leader: "郑副区长".into(),
        responsible_unit_id: Some(U_D1.into()),
        service_unit_id: None,
        handler: "钱科长".into(),
        content: String::new(),
    }
}

fn progress(id: &str, m: Month, invested: f64, text: &str) -> Command {
    Command::ReportProjectProgress {
        progress: ProjectProgress {
            project_id: id.into(),
            month: m,
            invested: a(invested),
            year_to_date: None,
            stage: None,
            image_progress: text.into(),
            difficulties: String::new(),
            next_steps: String::new(),
            late: false,
        },
    }
}

#[test]
fn a_project_behind_its_time_progress_or_with_copied_text_raises_warnings() {
    let mut d = District::new();
    assert_eq!(
        d.code(T1, Command::RegisterProject { project: project("pr1", 12000.0) }, at(2025, 1, 7)),
        "auth.forbidden"
    );
    d.ok(OFFICE, Command::RegisterProject { project: project("pr1", 12000.0) }, at(2025, 1, 7));
    let mut bad = project("pr2", 60000.0);
    assert_eq!(d.code(OFFICE, Command::RegisterProject { project: bad.clone() }, at(2025, 1, 7)), "input.invalid");
    bad.annual_plan = a(-1.0);
    assert_eq!(d.code(OFFICE, Command::RegisterProject { project: bad }, at(2025, 1, 7)), "monitoring.negative_value");
    // January 1,000 of 12,000: 8.33 % against 序时 8.33 %: on track. February adds 500:
    // 12.5 % against 16.67 %, 4.17 behind: on track. March adds 500: 16.67 % against 25 %:
    // 8.33 behind → 滞后, 橙.
    assert_eq!(raised(&d.ok(T1, progress("pr1", month(2025, 1), 1000.0, "场地平整"), at(2025, 2, 5))), vec![]);
    assert_eq!(raised(&d.ok(D1, progress("pr1", month(2025, 2), 500.0, "基础施工"), at(2025, 3, 5))), vec![]);
    assert_eq!(d.code(D2, progress("pr1", month(2025, 3), 500.0, "x"), at(2025, 4, 5)), "auth.forbidden");
    let mar = d.ok(T1, progress("pr1", month(2025, 3), 500.0, "基础施工"), at(2025, 4, 5));
    assert_eq!(
        raised(&mar),
        vec![
            ("behind/pr1/2025-03".into(), Level::Orange, "project_behind".into()),
            ("copied/pr1/2025-03".into(), Level::Yellow, "progress_copied".into()),
        ]
    );
    // A difficulty becomes a problem of the builder, linked to the project's month.
    let mut cmd = cmds::register("p-pr", E1, Priority::Normal, "用地", crate::support::d(2025, 4, 6));
    if let Command::Register { origin, .. } = &mut cmd {
        *origin = Some(ProblemOrigin::Project { project_id: "pr1".into(), month: month(2025, 3) });
    }
    d.ok(T1, cmd, at(2025, 4, 6));
    all_admitted(&d);
}

#[test]
fn a_production_report_checks_its_lines() {
    let mut d = District::new();
    let line = |p: &str, out: f64| ProductLine {
        product: p.into(),
        unit: "吨".into(),
        output: a(out),
        sales_domestic: a(80.0),
        sales_export: a(10.0),
        stock: Some(a(5.0)),
    };
    let cmd = |xun, lines| Command::ReportProduction {
        report: ProductionReport {
            enterprise_id: E1.into(),
            month: month(2025, 3),
            xun,
            lines,
            note: String::new(),
            late: false,
        },
    };
    // 中旬 ends on the 20th: not before the 21st.
    assert_eq!(d.code(T1, cmd(Xun::Second, vec![line("钢材", 100.0)]), at(2025, 3, 20)), "monitoring.period_not_over");
    d.ok(T1, cmd(Xun::Second, vec![line("钢材", 100.0)]), at(2025, 3, 21));
    assert_eq!(d.code(T1, cmd(Xun::First, vec![line("钢材", -1.0)]), at(2025, 3, 21)), "monitoring.negative_value");
    assert_eq!(
        d.code(T1, cmd(Xun::First, vec![line("钢材", 1.0), line("钢材", 2.0)]), at(2025, 3, 21)),
        "input.invalid"
    );
    all_admitted(&d);
}
