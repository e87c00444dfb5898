//! `admit`: every event `decide` produces is admitted when replayed from the state before it;
//! forged ones — an unknown or deactivated actor, a role that may not, a state that does not
//! allow, a unit acting in another's name, a time before what precedes it — are not.

use crate::support::*;
use chrono::{DateTime, Duration, Utc};
use taizhang_core::admit::{check_not_ahead, check_time, clock_behind, Verdict};
use taizhang_core::replay::Replay;
use taizhang_core::*;

const GENESIS_ADMIN: &str = "user-office";

/// The district's log as a ledger would hold it: a genesis (initialization, the office unit,
/// its admin acting for itself), then every event the district's commands produced.
pub(crate) fn ledger_log(d: &District) -> Vec<(EventMeta, EventBody)> {
    let t0 = setup_time();
    let genesis = EventMeta { actor: GENESIS_ADMIN.into(), occurred_at: t0 };
    let mut log =
        vec![(genesis.clone(), EventBody::LedgerInitialized { ledger_id: "l".into(), district_name: "示范区".into() })];
    // The fixture's first two events (office unit and user) were folded as "system".
    for (i, (meta, body)) in d.w.log.iter().enumerate() {
        let meta = if i < 2 { genesis.clone() } else { meta.clone() };
        log.push((meta, body.clone()));
    }
    log
}

/// Replays a log through `admit`, returning the state and the first verdict not admitted.
pub(crate) fn replay(log: &[(EventMeta, EventBody)]) -> (Replay, Option<(usize, Verdict)>) {
    let mut r = Replay::new();
    // The fixture's calendar is the built-in one, set before anything happens.
    r.calendar = taizhang_core::calendar::Calendar::with_builtin_years();
    for (i, (meta, body)) in log.iter().enumerate() {
        let v = r.admit(body, meta);
        if !v.is_admitted() {
            return (r, Some((i, v)));
        }
        r.apply(body, meta);
    }
    (r, None)
}

/// A district with problems in every state, each step a day apart.
fn busy_district() -> District {
    let mut d = District::new();
    let mut day = 7;
    let mut next = || {
        day += 1;
        at(2025, 1, day)
    };
    d.registered("p-reg", next());
    d.assigned("p-asg", next());
    d.in_progress("p-run", next());
    d.disputed("p-dis", next());
    d.ok(OFFICE, cmds::uphold("p-dis"), next());
    d.closed("p-closed", next());
    d.withdrawn("p-wd", next());
    d.resolved_locally("p-local", next());
    d.in_progress("p-urged", next());
    d.ok(OFFICE, cmds::urge("p-urged", Escalation::Yellow), next());
    d.ok(LEADER, cmds::instruct("p-urged"), next());
    d.ok(D1, cmds::progress("p-urged"), next());
    d.ok(OFFICE, cmds::waive("p-urged", U_D2, "协办单位已口头同意"), next());
    d.disputed("p-reassigned", next());
    d.ok(OFFICE, cmds::reassign("p-reassigned", U_D3, &[U_D4]), next());
    d.ok(D4, cmds::acknowledge("p-reassigned"), next());
    d.ok(T1, cmds::visit("v1", E1, crate::support::d(2025, 1, 20)), at(2025, 1, 25));
    d.ok(
        OFFICE,
        Command::SetPassword { user_id: "user-t1".into(), password_hash: Some("$argon2id$x".into()) },
        at(2025, 1, 26),
    );
    d.ok(
        T1,
        Command::SetPassword { user_id: "user-t1".into(), password_hash: Some("$argon2id$y".into()) },
        at(2025, 1, 26),
    );
    d
}

#[test]
fn every_event_decide_produces_is_admitted() {
    let d = busy_district();
    let log = ledger_log(&d);
    let (r, refused) = replay(&log);
    assert_eq!(refused, None, "first event not admitted: {:?}", refused.as_ref().map(|(i, _)| &log[*i]));
    assert_eq!(r.problem_count(), d.w.problems.len());
    // The replayed state is the fixture's.
    for (id, p) in &d.w.problems {
        assert_eq!(taizhang_core::workflow::World::problem(&r, id).as_ref(), Some(p));
    }
}

/// Appends a forged event after the busy district's log and returns its verdict.
fn verdict_of(d: &District, actor: &str, at_: DateTime<Utc>, body: EventBody) -> Verdict {
    let mut log = ledger_log(d);
    let (r, refused) = replay(&log);
    assert_eq!(refused, None);
    log.push((EventMeta { actor: actor.into(), occurred_at: at_ }, body.clone()));
    r.admit(&body, &EventMeta { actor: actor.into(), occurred_at: at_ })
}

fn refused_code(v: &Verdict) -> &'static str {
    match v {
        Verdict::Refused(e) => e.code(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_close_by_a_user_who_does_not_exist_is_refused() {
    let d = busy_district();
    let v =
        verdict_of(&d, "ghost", at(2025, 2, 1), EventBody::Closed { problem_id: "p-run".into(), note: String::new() });
    assert_eq!(refused_code(&v), "not_found");
}

#[test]
fn a_close_of_an_item_in_progress_has_no_effect() {
    let d = busy_district();
    let v = verdict_of(
        &d,
        "user-office",
        at(2025, 2, 1),
        EventBody::Closed { problem_id: "p-run".into(), note: String::new() },
    );
    assert!(matches!(v, Verdict::NoEffect(ref e) if e.code() == "workflow.invalid_state"), "{v:?}");
}

#[test]
fn a_township_making_itself_office_or_setting_the_admins_password_is_refused() {
    let d = busy_district();
    let v = verdict_of(
        &d,
        "user-t1",
        at(2025, 2, 1),
        EventBody::UserUpdated {
            user_id: "user-t1".into(),
            name: "x".into(),
            unit_id: U_OFFICE.into(),
            role: Role::Office,
            active: true,
        },
    );
    assert_eq!(refused_code(&v), "auth.forbidden");
    let v = verdict_of(
        &d,
        "user-t1",
        at(2025, 2, 1),
        EventBody::PasswordSet { user_id: GENESIS_ADMIN.into(), password_hash: Some("$argon2id$forged".into()) },
    );
    assert_eq!(refused_code(&v), "auth.forbidden");
}

#[test]
fn a_department_acting_in_another_units_name_is_refused() {
    let d = busy_district();
    // d1 is p-run's lead: signing is its own act, but not in d3's name.
    let v = verdict_of(
        &d,
        "user-d2",
        at(2025, 2, 1),
        EventBody::OpinionSubmitted { problem_id: "p-run".into(), unit_id: U_D3.into(), opinion: "x".into() },
    );
    assert_eq!(refused_code(&v), "auth.forbidden");
    let v = verdict_of(
        &d,
        "user-d3",
        at(2025, 2, 1),
        EventBody::Resolved {
            problem_id: "p-run".into(),
            unit_id: U_D1.into(),
            result_type: ResultType::Solved,
            result_text: "x".into(),
            explanation: String::new(),
            attachments: Vec::new(),
        },
    );
    assert_eq!(refused_code(&v), "auth.forbidden");
}

#[test]
fn a_deactivated_user_may_do_nothing() {
    let mut d = busy_district();
    d.ok(
        OFFICE,
        Command::UpdateUser {
            user_id: "user-leader".into(),
            name: "郑副区长".into(),
            unit_id: U_LEAD.into(),
            role: Role::Leader,
            active: false,
        },
        at(2025, 2, 1),
    );
    let v = verdict_of(
        &d,
        "user-leader",
        at(2025, 2, 2),
        EventBody::Instructed { problem_id: "p-run".into(), text: "x".into() },
    );
    assert_eq!(refused_code(&v), "auth.inactive");
}

#[test]
fn a_deactivated_units_user_may_do_nothing() {
    // The same question `decide` asks (`actor_may_act`): user and unit both active.
    let mut d = busy_district();
    d.ok(
        OFFICE,
        Command::UpdateUnit {
            unit_id: U_LEAD.into(), name: "区领导".into(), short_name: "领导".into(), active: false
        },
        at(2025, 2, 1),
    );
    let v = verdict_of(
        &d,
        "user-leader",
        at(2025, 2, 2),
        EventBody::Instructed { problem_id: "p-run".into(), text: "x".into() },
    );
    assert_eq!(refused_code(&v), "auth.unit_inactive");
}

#[test]
fn an_act_dated_outside_the_date_range_is_refused() {
    // The clock's year, as `decide` checks it, whatever the history before it says.
    let d = busy_district();
    let far = DateTime::parse_from_rfc3339("9999-06-01T02:00:00Z").unwrap().to_utc();
    let v = verdict_of(&d, "user-leader", far, EventBody::Instructed { problem_id: "p-run".into(), text: "x".into() });
    assert_eq!(refused_code(&v), "clock.out_of_range");
}

#[test]
fn backdating_is_refused_and_jitter_within_the_tolerance_is_admitted() {
    let d = busy_district();
    let latest = d.w.log.last().unwrap().0.occurred_at;
    let office_urge = |t| {
        verdict_of(
            &d,
            "user-office",
            t,
            EventBody::Urged { problem_id: "p-reg".into(), level: Escalation::Reminder, notice: "x".into() },
        )
    };
    // p-reg is registered, so an urge has no effect; time comes first.
    let v = office_urge(latest - Duration::days(10));
    assert_eq!(refused_code(&v), "event.time_before_history");
    let v = verdict_of(
        &d,
        "user-leader",
        latest - Duration::seconds(60),
        EventBody::Instructed { problem_id: "p-local".into(), text: "x".into() },
    );
    assert_eq!(v, Verdict::Admitted, "a minute behind is within the default five");
    assert_eq!(clock_behind(latest - Duration::seconds(60), Some(latest)), Some(60));
    assert_eq!(clock_behind(latest, Some(latest)), None);
}

#[test]
fn an_act_dated_before_its_problems_latest_event_is_refused() {
    let at_ = at(2025, 3, 1);
    assert!(check_time(at_, Some(at_), Some(at_), 300).is_ok());
    let e = check_time(at_ - Duration::seconds(1), Some(at_), Some(at_), 300).unwrap_err();
    assert_eq!(e.code(), "event.time_before_problem");
    let e = check_time(at_ - Duration::seconds(301), Some(at_), None, 300).unwrap_err();
    assert_eq!(e.code(), "event.time_before_history");
    assert!(check_time(at_ - Duration::seconds(300), Some(at_), None, 300).is_ok());
    assert!(check_time(at_, None, None, 0).is_ok());
}

#[test]
fn an_act_dated_after_it_reached_the_server_beyond_the_tolerance_is_refused() {
    let received = at(2026, 3, 1);
    assert!(check_not_ahead(received, received, 300).is_ok());
    assert!(check_not_ahead(received + Duration::seconds(300), received, 300).is_ok(), "within the tolerance");
    assert!(check_not_ahead(received - Duration::days(3), received, 300).is_ok(), "late is fine: offline work");
    let e = check_not_ahead(received + Duration::seconds(301), received, 300).unwrap_err();
    assert_eq!(e.code(), "event.time_ahead");
    assert_eq!(e.params()["tolerance_seconds"], 300);
}

#[test]
fn the_resolution_dated_before_its_urges_is_refused() {
    // The case: yellow card 02-28, red 03-05, then a resolution "on 02-20".
    let mut d = District::new();
    d.in_progress_settled("p", at(2025, 2, 3));
    d.ok(OFFICE, cmds::urge("p", Escalation::Yellow), at(2025, 2, 28));
    d.ok(OFFICE, cmds::urge("p", Escalation::Red), at(2025, 3, 5));
    let body = EventBody::Resolved {
        problem_id: "p".into(),
        unit_id: U_D1.into(),
        result_type: ResultType::Solved,
        result_text: "已解决".into(),
        explanation: String::new(),
        attachments: Vec::new(),
    };
    let v = verdict_of(&d, "user-d1", at(2025, 2, 20), body.clone());
    assert_eq!(refused_code(&v), "event.time_before_history");
    assert_eq!(verdict_of(&d, "user-d1", at(2025, 3, 6), body), Verdict::Admitted);
}

#[test]
fn the_genesis_is_admitted_by_its_own_rule_only() {
    let d = District::new();
    let log = ledger_log(&d);
    // Without the initialization first, nothing is admitted.
    let (_, refused) = replay(&log[1..]);
    assert!(matches!(refused, Some((0, Verdict::Refused(_)))), "{refused:?}");
    // A second initialization later is refused.
    let mut twice = log.clone();
    twice.push((log[0].0.clone(), log[0].1.clone()));
    let (_, refused) = replay(&twice);
    assert_eq!(refused.map(|(i, _)| i), Some(log.len()));
    // The admin may not be created by someone else.
    let mut other = log.clone();
    other[2].0.actor = "user-someone".into();
    let (_, refused) = replay(&other);
    assert_eq!(refused.map(|(i, _)| i), Some(2));
}

#[test]
fn an_event_naming_files_outside_the_rule_is_refused() {
    use taizhang_core::attachment::{sha256_hex, Attachment, MAX_ATTACHMENTS};
    let mut d = District::new();
    d.in_progress_settled("p", at(2025, 2, 3));
    let file = |i: u8, media_type: &str| Attachment {
        sha256: sha256_hex(&[i]),
        size: 1000,
        media_type: media_type.into(),
        name: format!("回复函{i}.pdf"),
    };
    let body = |attachments: Vec<Attachment>| EventBody::Resolved {
        problem_id: "p".into(),
        unit_id: U_D1.into(),
        result_type: ResultType::Solved,
        result_text: "已解决".into(),
        explanation: String::new(),
        attachments,
    };
    let when = at(2025, 3, 6);
    assert_eq!(verdict_of(&d, "user-d1", when, body(vec![file(1, "application/pdf")])), Verdict::Admitted);
    let html = verdict_of(&d, "user-d1", when, body(vec![file(1, "text/html")]));
    assert_eq!(refused_code(&html), "attachment.type_not_allowed");
    let many = (0..=MAX_ATTACHMENTS as u8).map(|i| file(i, "application/pdf")).collect();
    assert_eq!(refused_code(&verdict_of(&d, "user-d1", when, body(many))), "attachment.too_many");
    // A name the rule would have cleaned (a path) was not recorded by it.
    let mut pathy = file(1, "application/pdf");
    pathy.name = "C:\\扫描\\回复函.pdf".into();
    assert_eq!(refused_code(&verdict_of(&d, "user-d1", when, body(vec![pathy]))), "input.invalid");
}
