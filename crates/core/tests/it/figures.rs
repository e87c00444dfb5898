//! Figures of docs/design.md §6 on a small hand-built ledger: every number below was worked out by
//! hand from the story, not from the code.
//!
//! The story (2026; March has no holidays; all times 10:00 Beijing unless noted; settings are
//! the defaults: sign 1 WD, objection 1 WD, supporter 3 WD, urgent 5 WD, normal 15 WD,
//! min_sample 3, weights sign 15 / on time 30 / resolution 25 / satisfaction 30, penalties
//! 2 per upheld return and 1 per item overdue now). Figures are made for "2026-03" at
//! 2026-03-31 10:00.
//!
//! | # | township/enterprise | story |
//! |---|---|---|
//! | P1 | t1/E1 urgent 融资 | reg 03-02; assigned 03-02 to D1 + supporter D2 (sub 03-05; sign 03-03; deadline 03-09); D1 signs 03-02 (on time); D2 opinion 03-04 (on time); D1 resolves 已解决 03-06 (on time, 4 WD); t1 满意 03-09; closed 03-10 |
//! | P2 | t1/E2 urgent 用地 | reg 03-02; assigned 03-03 to D1 (sign 03-04; deadline 03-10); D1 signs 03-05 (LATE); D1 asks extension 03-06 → 03-13, office approves 03-06; D1 resolves 已答复暂不能解决 03-12 (on time vs 03-13, 7 WD); t1 基本满意 03-13 |
//! | P3 | t1/E3 urgent 融资 | reg 03-03; assigned 03-04 to D1 + supporters D2, D3 (sub 03-09; sign 03-05; deadline 03-11); D1 signs 03-04 (on time); D2 opinion 03-10 (LATE); office waives D3 03-10; D1 resolves 已解决 03-16 (LATE, 8 WD); t1 不满意 03-17 → reopened, deadline 03-24; D1 resolves 已解决 03-20 (on time, 3 WD) |
//! | P4 | t1/E1 normal 用工 | reg 03-05; assigned 03-05 to D2 (sign 03-06; deadline 03-26); D2 returns 03-05 proposing D3; office UPHOLDS 03-06 (new sign deadline 03-09); D2 signs 03-09 (on time); still open 03-31 → OVERDUE now |
//! | P5 | t2/E4 urgent 税费 | reg 03-09; assigned 03-09 to D2; D2 returns 03-09 proposing D4; office REASSIGNS to D4 03-10 (sign 03-11; deadline 03-17); D4 signs 03-10; D4 resolves 已解决 03-13 (on time, 3 WD); t2 满意 03-16 |
//! | P6 | t2/E5 normal 其他 | reg 03-10; resolved locally 03-11; t2 满意 03-12; closed 03-13 |
//! | P7 | t1/E3 normal 融资 | reg 03-12; assigned 03-12 to D2 + supporter D1 (sub 03-17; sign 03-13; deadline 04-02); D2 signs 03-13 (on time); D2 asks extension 03-20 → 04-10, office REFUSES 03-23; D1 never gives its opinion → D1 supporter task overdue now |
//! | P8 | t1/E2 normal 用地 | reg 02-26 (February!); assigned 02-26 to D1 (deadline 03-18); D1 signs 02-27; D1 resolves 已解决 03-18 (on time, 15 WD: 02-27, 02-28 make-up Sat, 03-02 … 03-18) |
//! | P9 | t2/E4 normal 其他 | reg 03-20; t2 asks withdrawal 03-23; office approves 03-24 → withdrawn |
//! | P10 | t1/E1 normal 环保 | reg 03-25 by the office; still registered |
//!
//! Visits: t1 → E1 03-02, E3 03-03, E1 03-05, E2 2026-02-27 (outside March); t2 → E4 03-10, E5 03-11.
//! Key enterprises: t1 has E1 (区级) and E2 (镇级); t2 has E4 (区级).
//!
//! Expected department figures for 2026-03 (lead):
//!
//! | figure | D1 发改局 | D2 自然资源局 | D3 人社局 | D4 住建局 |
//! |---|---|---|---|---|
//! | assigned | 3 (P1 P2 P3) | 3 (P4 P5 P7) | 0 | 1 (P5 reassigned) |
//! | signed / on time | 3 / 2 (P2 late) | 2 / 2 (P4 P7) | 0 / 0 | 1 / 1 |
//! | 及时签收率 | 2/3 | 1 | — | 1 |
//! | resolved / on time | 5 / 4 (P1 P2 P3 P3' P8; P3 first late) | 0 / 0 | 0 | 1 / 1 |
//! | 按期办结率 | 0.8 | — | — | 1 |
//! | solved (已解决) | 4 (all but P2) | 0 | 0 | 1 |
//! | 解决率 | 0.8 | — | — | 1 |
//! | overdue now | 0 | 1 (P4) | 0 | 0 |
//! | returns made / upheld | 0 / 0 | 2 / 1 (P4 upheld, P5 reassigned) | 0 | 0 |
//! | extensions asked / granted | 1 / 1 (P2) | 1 / 0 (P7) | 0 | 0 |
//! | evaluated / satisfied / reopened | 3 / 2 / 1 (P1 满意, P2 基本满意, P3 不满意) | 0 | 0 | 1 / 1 / 0 |
//! | 满意率 | 2/3 | — | — | 1 |
//! | avg WD to resolve | (4+7+8+3+15)/5 = 7.4 | — | — | 3 |
//! | composite score | (15·2/3 + 30·0.8 + 25·0.8 + 30·2/3)/100·100 = 10+24+20+20 = 74 | sign only: 100 − 2·1 − 1·1 = 97 | — (no rate) | 100 |
//! | ranked (assigned ≥ 3) / rank | yes / 2 | yes / 1 | no / — | no / — |
//!
//! Supporter figures: D1 tasks 1 (P7), opinions 0, on-time rate —, overdue now 1 (P7 sub-deadline
//! 03-17 passed); D2 tasks 2 (P1 P3), opinions 2, on time 1 (P1; P3 late), rate 0.5, overdue 0;
//! D3 tasks 1 (P3), opinions 0 (waived), rate —, overdue 0; D4 nothing.
//!
//! Order: ranked first by score (D2 97, D1 74), then the unranked by name (人社局 before 住建局,
//! although 住建局 has the higher score: unranked units are not put in score order).
//!
//! Townships: t1 城关镇 — visits 3, key enterprises 2, visited 1 (E1), coverage 0.5, registered 6
//! (P1 P2 P3 P4 P7 P10; P8 was February), resolved locally 0, callbacks 3 (P1 P2 P3 evaluations).
//! t2 东湖街道 — visits 2, key 1, visited 1, coverage 1.0, registered 3 (P5 P6 P9), resolved
//! locally 1 (P6), callbacks 2 (P5 P6).
//!
//! Summary: registered 9 (all but P8); by category 融资 3 (P1 P3 P7), 用地 1 (P2), 用工 1 (P4),
//! 税费 1 (P5), 其他 2 (P6 P9), 环保 1 (P10); assigned 7 (P1 P2 P3 P4 P5×2 P7); resolved 7 (P1 P2
//! P3×2 P5 P6 P8); closed 2 (P1 P6); by status now: closed 2, resolved 4 (P2 P3 P5 P8),
//! in_progress 2 (P4 P7), withdrawn 1, registered 1; open now 7; overdue now 1 (P4).

use std::collections::BTreeMap;

use crate::support::*;
use taizhang_core::figures::{self, DepartmentFigures, FigureInputs, Scorecard, TownshipFigures};
use taizhang_core::period::parse_period;
use taizhang_core::*;

fn close_to(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        _ => false,
    }
}

#[track_caller]
fn assert_rate(got: Option<f64>, want: Option<f64>, what: &str) {
    assert!(close_to(got, want), "{what}: got {got:?}, want {want:?}");
}

/// Runs the story of the module comment.
fn ledger() -> District {
    let mut x = District::new();
    let t = at;
    let n = Priority::Normal;
    let u = Priority::Urgent;

    // Visits.
    x.ok(T1, cmds::visit("v1", E1, d(2026, 3, 2)), t(2026, 3, 2));
    x.ok(T1, cmds::visit("v2", E3, d(2026, 3, 3)), t(2026, 3, 3));
    x.ok(T1, cmds::visit("v3", E1, d(2026, 3, 5)), t(2026, 3, 5));
    x.ok(T1, cmds::visit("v4", E2, d(2026, 2, 27)), t(2026, 2, 27));
    x.ok(T2, cmds::visit("v5", E4, d(2026, 3, 10)), t(2026, 3, 10));
    x.ok(T2, cmds::visit("v6", E5, d(2026, 3, 11)), t(2026, 3, 11));

    // P8 (February assignment, March resolution).
    x.register_as(T1, "P8", E2, n, "用地", t(2026, 2, 26));
    x.ok(OFFICE, cmds::assign("P8", U_D1, &[]), t(2026, 2, 26));
    assert_eq!(x.assignment("P8").handling_deadline, d(2026, 3, 18));
    x.ok(D1, cmds::sign("P8"), t(2026, 2, 27));
    x.ok(D1, cmds::resolve("P8", ResultType::Solved), t(2026, 3, 18));

    // P1.
    x.register_as(T1, "P1", E1, u, "融资", t(2026, 3, 2));
    x.ok(OFFICE, cmds::assign("P1", U_D1, &[U_D2]), at_min(2026, 3, 2, 30));
    let a = x.assignment("P1");
    assert_eq!(
        (a.sign_deadline, a.handling_deadline, a.supporters[0].sub_deadline),
        (d(2026, 3, 3), d(2026, 3, 9), d(2026, 3, 5))
    );
    x.ok(D1, cmds::sign("P1"), at_min(2026, 3, 2, 60));
    x.ok(D2, cmds::opinion("P1", "同意"), t(2026, 3, 4));
    x.ok(D1, cmds::resolve("P1", ResultType::Solved), t(2026, 3, 6));
    x.ok(T1, cmds::evaluate("P1", Satisfaction::Satisfied, ""), t(2026, 3, 9));
    x.ok(OFFICE, cmds::close("P1"), t(2026, 3, 10));

    // P2.
    x.register_as(T1, "P2", E2, u, "用地", at_min(2026, 3, 2, 10));
    x.ok(OFFICE, cmds::assign("P2", U_D1, &[]), t(2026, 3, 3));
    assert_eq!(x.assignment("P2").handling_deadline, d(2026, 3, 10));
    x.ok(D1, cmds::sign("P2"), t(2026, 3, 5));
    x.ok(D1, cmds::extend("P2", d(2026, 3, 13), "需要现场核查"), t(2026, 3, 6));
    x.ok(OFFICE, cmds::rule_extension("P2", true, ""), at_min(2026, 3, 6, 120));
    x.ok(D1, cmds::resolve("P2", ResultType::Explained), t(2026, 3, 12));
    x.ok(T1, cmds::evaluate("P2", Satisfaction::Basic, ""), t(2026, 3, 13));

    // P3.
    x.register_as(T1, "P3", E3, u, "融资", t(2026, 3, 3));
    x.ok(OFFICE, cmds::assign("P3", U_D1, &[U_D2, U_D3]), t(2026, 3, 4));
    let a = x.assignment("P3");
    assert_eq!((a.handling_deadline, a.supporters[1].sub_deadline), (d(2026, 3, 11), d(2026, 3, 9)));
    x.ok(D1, cmds::sign("P3"), at_min(2026, 3, 4, 30));
    x.ok(D2, cmds::opinion("P3", "同意"), t(2026, 3, 10));
    x.ok(OFFICE, cmds::waive("P3", U_D3, "无须人社意见"), at_min(2026, 3, 10, 30));
    x.ok(D1, cmds::resolve("P3", ResultType::Solved), t(2026, 3, 16));
    x.ok(T1, cmds::evaluate("P3", Satisfaction::Unsatisfied, "企业资金仍未到位"), t(2026, 3, 17));
    assert_eq!(x.assignment("P3").handling_deadline, d(2026, 3, 24));
    x.ok(D1, cmds::resolve("P3", ResultType::Solved), t(2026, 3, 20));

    // P4.
    x.register_as(T1, "P4", E1, n, "用工", t(2026, 3, 5));
    x.ok(OFFICE, cmds::assign("P4", U_D2, &[]), at_min(2026, 3, 5, 10));
    x.ok(D2, cmds::ret("P4", "属于人社职责", U_D3), at_min(2026, 3, 5, 20));
    x.ok(OFFICE, cmds::uphold("P4"), t(2026, 3, 6));
    let a = x.assignment("P4");
    assert_eq!((a.sign_deadline, a.handling_deadline), (d(2026, 3, 9), d(2026, 3, 26)));
    x.ok(D2, cmds::sign("P4"), t(2026, 3, 9));

    // P5.
    x.register_as(T2, "P5", E4, u, "税费", t(2026, 3, 9));
    x.ok(OFFICE, cmds::assign("P5", U_D2, &[]), at_min(2026, 3, 9, 10));
    x.ok(D2, cmds::ret("P5", "属于住建职责", U_D4), at_min(2026, 3, 9, 20));
    x.ok(OFFICE, cmds::reassign("P5", U_D4, &[]), t(2026, 3, 10));
    assert_eq!(x.assignment("P5").handling_deadline, d(2026, 3, 17));
    x.ok(D4, cmds::sign("P5"), at_min(2026, 3, 10, 30));
    x.ok(D4, cmds::resolve("P5", ResultType::Solved), t(2026, 3, 13));
    x.ok(T2, cmds::evaluate("P5", Satisfaction::Satisfied, ""), t(2026, 3, 16));

    // P6.
    x.register_as(T2, "P6", E5, n, "其他", t(2026, 3, 10));
    x.ok(T2, cmds::resolve_locally("P6", "街道当场协调"), t(2026, 3, 11));
    x.ok(T2, cmds::evaluate("P6", Satisfaction::Satisfied, ""), t(2026, 3, 12));
    x.ok(OFFICE, cmds::close("P6"), t(2026, 3, 13));

    // P7.
    x.register_as(T1, "P7", E3, n, "融资", t(2026, 3, 12));
    x.ok(OFFICE, cmds::assign("P7", U_D2, &[U_D1]), at_min(2026, 3, 12, 10));
    let a = x.assignment("P7");
    assert_eq!(
        (a.sign_deadline, a.handling_deadline, a.supporters[0].sub_deadline),
        (d(2026, 3, 13), d(2026, 4, 2), d(2026, 3, 17))
    );
    x.ok(D2, cmds::sign("P7"), t(2026, 3, 13));
    x.ok(D2, cmds::extend("P7", d(2026, 4, 10), "需要协调外地企业"), t(2026, 3, 20));
    x.ok(OFFICE, cmds::rule_extension("P7", false, "理由不充分"), t(2026, 3, 23));

    // P9.
    x.register_as(T2, "P9", E4, n, "其他", t(2026, 3, 20));
    x.ok(T2, cmds::request_withdrawal("P9", "企业已自行解决"), t(2026, 3, 23));
    x.ok(OFFICE, cmds::rule_withdrawal("P9", true, ""), t(2026, 3, 24));

    // P10.
    x.register_as(OFFICE, "P10", E1, n, "环保", t(2026, 3, 25));
    x
}

fn scorecard_of(x: &District, period: &str, settings: &Settings) -> Scorecard {
    let units = x.w.units_vec();
    let problems = x.w.problems_vec();
    let enterprises = x.w.enterprises_vec();
    let visits = x.w.visits_vec();
    let inputs = FigureInputs { units: &units, problems: &problems, enterprises: &enterprises, visits: &visits };
    figures::scorecard(inputs, &parse_period(period).unwrap(), at(2026, 3, 31), &x.w.calendar, settings)
}

fn dept<'a>(sc: &'a Scorecard, unit: &str) -> &'a DepartmentFigures {
    sc.departments.iter().find(|d| d.unit_id == unit).unwrap_or_else(|| panic!("{unit} not listed"))
}

fn town<'a>(sc: &'a Scorecard, unit: &str) -> &'a TownshipFigures {
    sc.townships.iter().find(|d| d.unit_id == unit).unwrap_or_else(|| panic!("{unit} not listed"))
}

#[test]
fn the_story_folds_into_the_expected_states() {
    let x = ledger();
    let status: BTreeMap<&str, Status> =
        ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10"].into_iter().map(|p| (p, x.status(p))).collect();
    use Status::*;
    let want: BTreeMap<&str, Status> = [
        ("P1", Closed),
        ("P2", Resolved),
        ("P3", Resolved),
        ("P4", InProgress),
        ("P5", Resolved),
        ("P6", Closed),
        ("P7", InProgress),
        ("P8", Resolved),
        ("P9", Withdrawn),
        ("P10", Registered),
    ]
    .into_iter()
    .collect();
    assert_eq!(status, want);
    assert_eq!(x.problem("P3").reopen_count, 1);
    assert_eq!(x.problem("P10").number, "2026-城关-0007");
}

#[test]
fn summary_figures() {
    let x = ledger();
    let sc = scorecard_of(&x, "2026-03", &Settings::default());
    assert_eq!(sc.period.key, "2026-03");
    assert_eq!(sc.generated_at, at(2026, 3, 31));
    assert_eq!(sc.min_sample, 3);
    let s = &sc.summary;
    assert_eq!(s.registered, 9);
    assert_eq!(s.assigned, 7);
    assert_eq!(s.resolved, 7);
    assert_eq!(s.closed, 2);
    assert_eq!(s.open_now, 7);
    assert_eq!(s.overdue_now, 1);
    let by_status: BTreeMap<Status, u32> = [
        (Status::Closed, 2),
        (Status::Resolved, 4),
        (Status::InProgress, 2),
        (Status::Withdrawn, 1),
        (Status::Registered, 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(s.by_status, by_status);
    let by_category: BTreeMap<String, u32> =
        [("融资", 3), ("用地", 1), ("用工", 1), ("税费", 1), ("其他", 2), ("环保", 1)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
    assert_eq!(s.by_category, by_category);
}

#[test]
fn lead_figures_of_department_1() {
    let x = ledger();
    let sc = scorecard_of(&x, "2026-03", &Settings::default());
    let f = &dept(&sc, U_D1).lead;
    assert_eq!(f.assigned, 3);
    assert_eq!((f.signed, f.signed_on_time), (3, 2));
    assert_rate(f.sign_rate, Some(2.0 / 3.0), "sign rate");
    assert_eq!((f.resolved, f.resolved_on_time), (5, 4));
    assert_rate(f.on_time_rate, Some(0.8), "on-time rate");
    assert_eq!(f.solved, 4);
    assert_rate(f.resolution_rate, Some(0.8), "解决率");
    assert_eq!(f.overdue_now, 0);
    assert_eq!((f.returns_made, f.returns_upheld), (0, 0));
    assert_eq!((f.extensions_asked, f.extensions_granted), (1, 1));
    assert_eq!((f.evaluated, f.satisfied, f.reopened), (3, 2, 1));
    assert_rate(f.satisfaction_rate, Some(2.0 / 3.0), "满意率");
    assert_rate(f.avg_days_to_resolve, Some(7.4), "avg days");
    let d1 = dept(&sc, U_D1);
    assert_rate(d1.score, Some(74.0), "score");
    assert!(d1.ranked);
    assert_eq!(d1.rank, Some(2));
    assert_eq!(d1.unit_name, "发改局");
}

#[test]
fn lead_figures_of_department_2() {
    let x = ledger();
    let sc = scorecard_of(&x, "2026-03", &Settings::default());
    let f = &dept(&sc, U_D2).lead;
    assert_eq!(f.assigned, 3);
    assert_eq!((f.signed, f.signed_on_time), (2, 2));
    assert_rate(f.sign_rate, Some(1.0), "sign rate");
    assert_eq!((f.resolved, f.resolved_on_time, f.solved), (0, 0, 0));
    assert_rate(f.on_time_rate, None, "on-time rate");
    assert_rate(f.resolution_rate, None, "解决率");
    assert_eq!(f.overdue_now, 1);
    assert_eq!((f.returns_made, f.returns_upheld), (2, 1));
    assert_eq!((f.extensions_asked, f.extensions_granted), (1, 0));
    assert_eq!((f.evaluated, f.satisfied, f.reopened), (0, 0, 0));
    assert_rate(f.satisfaction_rate, None, "满意率");
    assert_rate(f.avg_days_to_resolve, None, "avg days");
    let d2 = dept(&sc, U_D2);
    // Only the sign rate is defined: 100 − 2 (one upheld return) − 1 (one item overdue now).
    assert_rate(d2.score, Some(97.0), "score");
    assert!(d2.ranked);
    assert_eq!(d2.rank, Some(1));
}

#[test]
fn lead_figures_of_the_unranked_departments() {
    let x = ledger();
    let sc = scorecard_of(&x, "2026-03", &Settings::default());
    let d3 = dept(&sc, U_D3);
    assert_eq!(d3.lead.assigned, 0);
    assert_eq!(d3.lead.returns_made, 0);
    assert_eq!(d3.score, None, "no rate at all");
    assert!(!d3.ranked);
    assert_eq!(d3.rank, None);
    let d4 = dept(&sc, U_D4);
    let f = &d4.lead;
    assert_eq!(f.assigned, 1);
    assert_eq!((f.signed, f.signed_on_time, f.resolved, f.resolved_on_time, f.solved), (1, 1, 1, 1, 1));
    assert_eq!((f.evaluated, f.satisfied, f.reopened), (1, 1, 0));
    assert_rate(f.sign_rate, Some(1.0), "sign");
    assert_rate(f.on_time_rate, Some(1.0), "on time");
    assert_rate(f.resolution_rate, Some(1.0), "解决率");
    assert_rate(f.satisfaction_rate, Some(1.0), "满意率");
    assert_rate(f.avg_days_to_resolve, Some(3.0), "avg days");
    assert_rate(d4.score, Some(100.0), "score");
    assert!(!d4.ranked, "1 assignment < min_sample 3");
    assert_eq!(d4.rank, None, "listed, not ranked");
}

#[test]
fn supporter_figures_are_kept_apart() {
    let x = ledger();
    let sc = scorecard_of(&x, "2026-03", &Settings::default());
    let s1 = &dept(&sc, U_D1).support;
    assert_eq!((s1.tasks, s1.opinions, s1.opinions_on_time, s1.overdue_now), (1, 0, 0, 1));
    assert_rate(s1.on_time_rate, None, "D1 support");
    let s2 = &dept(&sc, U_D2).support;
    assert_eq!((s2.tasks, s2.opinions, s2.opinions_on_time, s2.overdue_now), (2, 2, 1, 0));
    assert_rate(s2.on_time_rate, Some(0.5), "D2 support");
    let s3 = &dept(&sc, U_D3).support;
    assert_eq!((s3.tasks, s3.opinions, s3.opinions_on_time, s3.overdue_now), (1, 0, 0, 0));
    assert_rate(s3.on_time_rate, None, "D3 support");
    let s4 = &dept(&sc, U_D4).support;
    assert_eq!((s4.tasks, s4.opinions, s4.overdue_now), (0, 0, 0));
}

#[test]
fn ranking_lists_ranked_units_by_score_then_the_rest_by_name() {
    let x = ledger();
    let sc = scorecard_of(&x, "2026-03", &Settings::default());
    let order: Vec<(&str, Option<u32>)> = sc.departments.iter().map(|d| (d.unit_name.as_str(), d.rank)).collect();
    assert_eq!(
        order,
        vec![("自然资源局", Some(1)), ("发改局", Some(2)), ("人社局", None), ("住建局", None)],
        "every active department is listed; those under the minimum sample are not ranked"
    );
    // Only departments are listed.
    assert_eq!(sc.departments.len(), 4);

    // With a minimum sample of 1, department 4 (100) is ranked too; department 3 (nothing
    // assigned) still is not.
    let s = Settings { min_sample: 1, ..Settings::default() };
    let sc = scorecard_of(&x, "2026-03", &s);
    let order: Vec<(&str, Option<u32>)> = sc.departments.iter().map(|d| (d.unit_name.as_str(), d.rank)).collect();
    assert_eq!(order, vec![("住建局", Some(1)), ("自然资源局", Some(2)), ("发改局", Some(3)), ("人社局", None)]);
}

#[test]
fn composite_score_by_hand() {
    let x = ledger();
    let sc = scorecard_of(&x, "2026-03", &Settings::default());
    let f = &dept(&sc, U_D1).lead;
    // Default weights: 15·(2/3) + 30·0.8 + 25·0.8 + 30·(2/3) = 10 + 24 + 20 + 20 = 74.
    assert_rate(figures::composite_score(f, &Settings::default()), Some(74.0), "default weights");
    // Other weights (sign 10, on time 40, resolution 20, satisfaction 30; penalty 5 per upheld
    // return): 10·(2/3) + 40·0.8 + 20·0.8 + 30·(2/3) = 6.67 + 32 + 16 + 20 = 74.67.
    let mut s = Settings::default();
    s.weights.sign_rate = 10.0;
    s.weights.on_time_rate = 40.0;
    s.weights.resolution_rate = 20.0;
    s.weights.upheld_return_penalty = 5.0;
    assert_rate(figures::composite_score(f, &s), Some(74.67), "custom weights, rounded to 2 places");
    // Department 2 with those weights: only the sign rate (1.0) → 100 − 5·1 − 1·1 = 94.
    assert_rate(figures::composite_score(&dept(&sc, U_D2).lead, &s), Some(94.0), "D2 custom");
    // Renormalized when a rate is missing: no satisfaction rate → (10 + 24 + 20) / 70 · 100.
    let mut g = f.clone();
    g.satisfaction_rate = None;
    assert_rate(figures::composite_score(&g, &Settings::default()), Some(77.14), "54/70");
    // Nothing to score.
    assert_eq!(figures::composite_score(&figures::LeadFigures::default(), &Settings::default()), None);
}

#[test]
fn township_figures() {
    let x = ledger();
    let sc = scorecard_of(&x, "2026-03", &Settings::default());
    assert_eq!(sc.townships.len(), 2);
    let t1 = town(&sc, U_T1);
    assert_eq!(t1.unit_name, "城关镇");
    assert_eq!((t1.visits, t1.key_enterprises, t1.key_enterprises_visited), (3, 2, 1));
    assert_rate(t1.coverage_rate, Some(0.5), "t1 coverage");
    assert_eq!((t1.problems_registered, t1.resolved_locally, t1.callbacks), (6, 0, 3));
    let t2 = town(&sc, U_T2);
    assert_eq!((t2.visits, t2.key_enterprises, t2.key_enterprises_visited), (2, 1, 1));
    assert_rate(t2.coverage_rate, Some(1.0), "t2 coverage");
    assert_eq!((t2.problems_registered, t2.resolved_locally, t2.callbacks), (3, 1, 2));
}

/// The same ledger seen through 2026-03-上旬 (03-01 … 03-10), by hand:
/// D1 assigned 3 (P1 03-02, P2 03-03, P3 03-04), signed 3 / on time 2, resolved 1 (P1 03-06,
/// 4 WD), extensions 1/1, evaluated 1 (P1 03-09) satisfied 1; D2 assigned 2 (P4, P5), signed 1
/// (P4 03-09), returns made 2, upheld 1 (P4 ruled 03-06), opinions 2 (P1 on time, P3 03-10 late);
/// D4 assigned 1 (reassigned 03-10). Townships: t1 visits 3 (E1 twice, E3), registered 4 (P1 P2
/// P3 P4), callbacks 1; t2 visits 1 (E4 03-10), registered 2 (P5 P6), resolved locally 0 (P6
/// was resolved on 03-11, in the second 旬), callbacks 0.
#[test]
fn the_first_xun_of_march() {
    let x = ledger();
    let sc = scorecard_of(&x, "2026-03-上旬", &Settings::default());
    let f = &dept(&sc, U_D1).lead;
    assert_eq!((f.assigned, f.signed, f.signed_on_time, f.resolved, f.resolved_on_time), (3, 3, 2, 1, 1));
    assert_eq!((f.extensions_asked, f.extensions_granted, f.evaluated, f.satisfied, f.reopened), (1, 1, 1, 1, 0));
    assert_rate(f.avg_days_to_resolve, Some(4.0), "avg");
    let f = &dept(&sc, U_D2).lead;
    assert_eq!((f.assigned, f.signed, f.returns_made, f.returns_upheld), (2, 1, 2, 1));
    let s = &dept(&sc, U_D2).support;
    assert_eq!((s.tasks, s.opinions, s.opinions_on_time), (2, 2, 1));
    assert_eq!(dept(&sc, U_D4).lead.assigned, 1);
    assert_eq!(sc.summary.registered, 6);
    assert_eq!(sc.summary.assigned, 6, "P1 P2 P3 P4 P5 P5'");
    let t1 = town(&sc, U_T1);
    assert_eq!((t1.visits, t1.problems_registered, t1.callbacks), (3, 4, 1));
    let t2 = town(&sc, U_T2);
    assert_eq!((t2.visits, t2.problems_registered, t2.resolved_locally, t2.callbacks), (1, 2, 0, 0));
    // D1 ranked with 3 assignments, D2 not (2 < 3).
    assert!(dept(&sc, U_D1).ranked);
    assert!(!dept(&sc, U_D2).ranked);
}

/// February only: P8 and a visit.
#[test]
fn february_sees_only_february() {
    let x = ledger();
    let sc = scorecard_of(&x, "2026-02", &Settings::default());
    let f = &dept(&sc, U_D1).lead;
    assert_eq!((f.assigned, f.signed, f.signed_on_time, f.resolved), (1, 1, 1, 0));
    assert_eq!(sc.summary.registered, 1);
    let t1 = town(&sc, U_T1);
    assert_eq!((t1.visits, t1.key_enterprises_visited, t1.problems_registered), (1, 1, 1));
    assert_rate(t1.coverage_rate, Some(0.5), "E2 of E1, E2");
}

/// 红牌 / 黄牌 per unit (issue 19, item 7): the open items each department leads, and each
/// township's open items, at that level now, by the same rule as the level on each row.
#[test]
fn red_and_yellow_cards_per_unit_are_its_open_items_at_that_level() {
    let mut x = ledger();
    let settings = x.w.settings.clone();
    // On 03-31, P4 (D2, deadline 03-26) is 3 working days late: 黄牌 (red from 5).
    let sc = scorecard_of(&x, "2026-03", &settings);
    let cards = |sc: &Scorecard, u: &str| (dept(sc, u).lead.red_now, dept(sc, u).lead.yellow_now);
    assert_eq!(cards(&sc, U_D2), (0, 1));
    assert_eq!(cards(&sc, U_D1), (0, 0));
    assert_eq!((town(&sc, U_T1).red_now, town(&sc, U_T1).yellow_now), (0, 1));
    // Urged twice, P7 (D2, not yet due) is 红牌 whatever its dates say.
    x.ok(OFFICE, cmds::urge("P7", Escalation::Yellow), at(2026, 3, 30));
    x.ok(OFFICE, cmds::urge("P7", Escalation::Yellow), at(2026, 3, 30));
    let sc = scorecard_of(&x, "2026-03", &settings);
    assert_eq!(cards(&sc, U_D2), (1, 1));
    assert_eq!((town(&sc, U_T1).red_now, town(&sc, U_T1).yellow_now), (1, 1));
    assert_eq!((town(&sc, U_T2).red_now, town(&sc, U_T2).yellow_now), (0, 0));
    // Every unit's counts are the open problems at that level, as each row shows it.
    let today = d(2026, 3, 31);
    for f in &sc.departments {
        let level_count = |level: Escalation| {
            x.w.problems
                .values()
                .filter(|p| p.lead_unit_id() == Some(f.unit_id.as_str()) && x.lateness(&p.id, today).level == level)
                .count() as u32
        };
        assert_eq!(
            (f.lead.red_now, f.lead.yellow_now),
            (level_count(Escalation::Red), level_count(Escalation::Yellow))
        );
    }
}
