//! Extensions, urges, evaluation and reopening, close-out, withdrawal.

use crate::support::*;
use taizhang_core::*;

use super::matrix::{check_time, Fx};
use super::{INVALID, P};

// =============================================================================================
// Extensions
// =============================================================================================

/// Urgent item assigned and signed Mon 2026-03-02: handling deadline Mon 03-09.
fn urgent_in_progress() -> District {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.register_as(T1, P, E1, Priority::Urgent, "融资", t);
    dist.ok(OFFICE, cmds::assign(P, U_D1, &[]), t);
    dist.ok(D1, cmds::sign(P), t);
    assert_eq!(dist.assignment(P).handling_deadline, d(2026, 3, 9));
    dist
}

#[test]
fn an_extension_must_be_asked_at_least_one_working_day_before_the_deadline() {
    let dist = urgent_in_progress();
    // Fri 03-06 and Sat 03-07 are one working day (Mon 03-09) before the deadline.
    for t in [at(2026, 3, 5), at(2026, 3, 6), at(2026, 3, 7), at(2026, 3, 8)] {
        assert!(dist.gate(D1, Action::RequestExtension, P, t).is_ok(), "{t}");
    }
    // On the deadline day, and after it, it is too late.
    for t in [at(2026, 3, 9), at(2026, 3, 10), at(2026, 3, 20)] {
        let e = dist.gate(D1, Action::RequestExtension, P, t).unwrap_err();
        assert_eq!(e, DomainError::ExtensionTooLate { deadline: "2026-03-09".into(), notice_days: 1 }, "{t}");
    }
    let mut dist = dist;
    assert_eq!(dist.code(D1, cmds::extend(P, d(2026, 3, 20), "需要时间"), at(2026, 3, 9)), "extension.too_late");
    // A longer notice is a setting.
    dist.update_settings(|s| s.extension_notice_days = 3, at(2026, 3, 2));
    assert_eq!(dist.gate(D1, Action::RequestExtension, P, at(2026, 3, 5)).unwrap_err().code(), "extension.too_late");
    assert!(dist.gate(D1, Action::RequestExtension, P, at(2026, 3, 4)).is_ok());
}

#[test]
fn an_extension_must_move_the_deadline_later() {
    let mut dist = urgent_in_progress();
    let t = at(2026, 3, 5);
    for bad in [d(2026, 3, 9), d(2026, 3, 8), d(2026, 3, 1)] {
        let e = dist.exec(D1, cmds::extend(P, bad, "需要时间"), t).unwrap_err();
        assert_eq!(e, DomainError::ExtensionNotLater { deadline: "2026-03-09".into(), new_deadline: bad.to_string() });
    }
    assert_eq!(dist.code(D1, cmds::extend(P, d(2026, 3, 20), "  "), t), "input.required");
    assert!(dist.problem(P).extensions.is_empty());
}

#[test]
fn an_approved_extension_moves_the_deadline_and_keeps_the_original() {
    let mut dist = urgent_in_progress();
    let asked = at(2026, 3, 5);
    dist.ok(D1, cmds::extend(P, d(2026, 3, 20), "需要省厅批复"), asked);
    let p = dist.problem(P);
    let e = p.pending_extension().unwrap();
    assert_eq!((e.old_deadline, e.new_deadline, e.approved), (d(2026, 3, 9), d(2026, 3, 20), None));
    assert_eq!(p.assignment.as_ref().unwrap().handling_deadline, d(2026, 3, 9), "not moved until approved");
    // One request at a time.
    assert_eq!(dist.code(D1, cmds::extend(P, d(2026, 3, 27), "再延"), asked), "extension.pending");
    assert_eq!(dist.code(D1, cmds::rule_extension(P, true, ""), asked), "auth.forbidden");
    let ruled = at(2026, 3, 6);
    dist.ok(OFFICE, cmds::rule_extension(P, true, ""), ruled);
    let p = dist.problem(P);
    let a = p.assignment.clone().unwrap();
    assert_eq!(a.handling_deadline, d(2026, 3, 20));
    assert_eq!(a.original_deadline, d(2026, 3, 9), "kept for scoring");
    assert_eq!(p.extensions[0].approved, Some(true));
    assert_eq!(p.extensions[0].ruled_at, Some(ruled));
    assert!(p.pending_extension().is_none());
    assert_eq!(dist.code(OFFICE, cmds::rule_extension(P, true, ""), ruled), "extension.none_pending");
    // Past the original deadline but inside the approved one: not overdue, and on time.
    let late = dist.lateness(P, d(2026, 3, 12));
    assert!(!late.handling_overdue);
    assert_eq!(late.days_left, Some(6));
    dist.ok(D1, cmds::resolve(P, ResultType::Solved), at(2026, 3, 16));
    let r = dist.problem(P).resolutions[0].clone();
    assert_eq!(r.deadline, Some(d(2026, 3, 20)));
    assert!(r.on_time);
}

#[test]
fn a_refused_extension_needs_a_note_and_moves_nothing() {
    let mut dist = urgent_in_progress();
    dist.ok(D1, cmds::extend(P, d(2026, 3, 20), "需要省厅批复"), at(2026, 3, 4));
    let e = dist.exec(OFFICE, cmds::rule_extension(P, false, " "), at(2026, 3, 5)).unwrap_err();
    assert_eq!(e, DomainError::Required { field: "note".into() });
    dist.ok(OFFICE, cmds::rule_extension(P, false, "理由不充分"), at(2026, 3, 5));
    let p = dist.problem(P);
    assert_eq!(p.extensions[0].approved, Some(false));
    assert_eq!(p.assignment.as_ref().unwrap().handling_deadline, d(2026, 3, 9));
    // A new request may follow a refusal.
    dist.ok(D1, cmds::extend(P, d(2026, 3, 13), "缩短申请"), at(2026, 3, 5));
    assert_eq!(dist.problem(P).extensions.len(), 2);
    // Resolved after the unmoved deadline: late.
    dist.ok(OFFICE, cmds::rule_extension(P, false, "不同意"), at(2026, 3, 6));
    dist.ok(D1, cmds::resolve(P, ResultType::Solved), at(2026, 3, 10));
    assert!(!dist.problem(P).resolutions[0].on_time);
}

// =============================================================================================
// Urge
// =============================================================================================

#[test]
fn urges_are_recorded_with_a_level() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.registered(P, t);
    assert_eq!(dist.code(OFFICE, cmds::urge(P, Escalation::Yellow), t), INVALID, "nothing to urge yet");
    dist.ok(OFFICE, cmds::assign(P, U_D1, &[]), t);
    assert_eq!(dist.code(OFFICE, cmds::urge(P, Escalation::None), t), "input.invalid");
    assert_eq!(
        dist.code(OFFICE, Command::Urge { problem_id: P.into(), level: Escalation::Red, notice: "".into() }, t),
        "input.required"
    );
    assert_eq!(dist.code(T1, cmds::urge(P, Escalation::Yellow), t), "auth.forbidden");
    dist.ok(OFFICE, cmds::urge(P, Escalation::Yellow), t);
    let p = dist.problem(P);
    assert_eq!(p.urges.len(), 1);
    assert_eq!(p.urges[0].level, Escalation::Yellow);
    assert_eq!(p.status, Status::Assigned);
}

// =============================================================================================
// Evaluation, reopening, close-out
// =============================================================================================

#[test]
fn unsatisfied_needs_a_comment_and_reopens_to_the_same_lead() {
    let mut dist = District::new();
    dist.resolved(P, at(2026, 3, 2));
    let t = at(2026, 3, 6); // Fri
    let e = dist.exec(T1, cmds::evaluate(P, Satisfaction::Unsatisfied, "  "), t).unwrap_err();
    assert_eq!(e, DomainError::Required { field: "comment".into() });
    let events = dist.ok(T1, cmds::evaluate(P, Satisfaction::Unsatisfied, "问题没有解决"), t);
    // Normal priority: 15 WD from Fri 03-06 = Fri 03-27.
    assert!(matches!(&events[..], [EventBody::Evaluated { reopen_deadline: Some(dl), .. }] if *dl == d(2026, 3, 27)));
    let p = dist.problem(P);
    assert_eq!(p.status, Status::InProgress, "重办: straight back to handling, no new sign");
    assert_eq!(p.lead_unit_id(), Some(U_D1), "the same lead");
    assert_eq!(p.reopen_count, 1);
    assert_eq!(p.evaluation, None);
    assert_eq!(p.resolved_at, None);
    assert_eq!(p.round_started_at, Some(t));
    let a = p.assignment.clone().unwrap();
    assert_eq!(a.handling_deadline, d(2026, 3, 27));
    assert_eq!(a.original_deadline, d(2026, 3, 27));
    assert_eq!(p.evaluations.len(), 1);
    assert_eq!(p.evaluations[0].satisfaction, Satisfaction::Unsatisfied);
    assert_eq!(p.evaluations[0].lead_unit_id.as_deref(), Some(U_D1));
    assert_eq!(p.evaluations[0].by_user, "user-t1");
    assert_eq!(p.evaluations[0].comment, "问题没有解决");
    // The office cannot close it now, and the township cannot evaluate it again yet.
    assert_eq!(dist.code(OFFICE, cmds::close(P), t), INVALID);
    assert_eq!(dist.code(T1, cmds::evaluate(P, Satisfaction::Satisfied, ""), t), INVALID);
    // Resolved again; the new round counts from the reopening; the office may evaluate.
    dist.ok(D1, cmds::resolve(P, ResultType::Solved), at(2026, 3, 10));
    let r = dist.problem(P).resolutions[1].clone();
    assert_eq!(r.started_at, t);
    assert_eq!(r.deadline, Some(d(2026, 3, 27)));
    assert!(r.on_time);
    dist.ok(OFFICE, cmds::evaluate(P, Satisfaction::Basic, ""), at(2026, 3, 11));
    assert_eq!(dist.problem(P).evaluation, Some(Satisfaction::Basic));
    dist.ok(OFFICE, cmds::close(P), at(2026, 3, 12));
    assert_eq!(dist.status(P), Status::Closed);
    assert_eq!(dist.problem(P).reopen_count, 1);
}

#[test]
fn unsatisfied_after_a_local_resolution_goes_back_to_registered() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    assert_eq!(dist.code(T1, cmds::resolve_locally("none", "x"), t), "not_found");
    dist.registered(P, t);
    assert_eq!(dist.code(T1, cmds::resolve_locally(P, " "), t), "input.required");
    dist.ok(T1, cmds::resolve_locally(P, "镇里当场协调解决"), t);
    let p = dist.problem(P);
    assert_eq!(p.status, Status::Resolved);
    assert!(p.assignment.is_none());
    let r = &p.resolutions[0];
    assert_eq!((r.unit_id.clone(), r.result_type, r.on_time, r.deadline), (None, ResultType::Solved, true, None));
    dist.ok(T1, cmds::evaluate(P, Satisfaction::Unsatisfied, "企业不认可"), at(2026, 3, 3));
    let p = dist.problem(P);
    assert_eq!(p.status, Status::Registered, "back to the office for assignment");
    assert_eq!(p.reopen_count, 1);
    assert!(p.assignment.is_none());
    assert_eq!(p.evaluations[0].lead_unit_id, None);
    // Now the office assigns it (or the township tries again).
    assert!(dist.allowed(T1, P, at(2026, 3, 3)).contains(&Action::ResolveLocally));
    dist.ok(OFFICE, cmds::assign(P, U_D1, &[]), at(2026, 3, 3));
    assert_eq!(dist.status(P), Status::Assigned);
    assert_eq!(dist.problem(P).round_started_at, Some(at(2026, 3, 3)));
}

#[test]
fn close_out_only_after_an_evaluation() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.resolved(P, t);
    assert_eq!(dist.gate(OFFICE, Action::Close, P, t), Err(DomainError::NotEvaluated));
    assert_eq!(dist.code(OFFICE, cmds::close(P), t), "close.not_evaluated");
    dist.ok(T1, cmds::evaluate(P, Satisfaction::Satisfied, "很满意"), t);
    assert_eq!(dist.code(T1, cmds::evaluate(P, Satisfaction::Basic, ""), t), "evaluate.already_evaluated");
    assert_eq!(dist.code(OFFICE, cmds::evaluate(P, Satisfaction::Basic, ""), t), "evaluate.already_evaluated");
    assert_eq!(dist.code(T1, cmds::close(P), t), "auth.forbidden");
    dist.ok(OFFICE, cmds::close(P), at(2026, 3, 3));
    let p = dist.problem(P);
    assert_eq!(p.status, Status::Closed);
    assert_eq!(p.closed_at, Some(at(2026, 3, 3)));
    assert_eq!(dist.code(OFFICE, cmds::close(P), t), INVALID);
    assert_eq!(dist.code(T1, cmds::request_withdrawal(P, "撤回"), t), INVALID);
    // A locally resolved item needs its evaluation too.
    let mut dist = District::new();
    dist.resolved_locally(P, t);
    assert_eq!(dist.code(OFFICE, cmds::close(P), t), "close.not_evaluated");
    dist.ok(T1, cmds::evaluate(P, Satisfaction::Basic, ""), t);
    dist.ok(OFFICE, cmds::close(P), t);
    assert_eq!(dist.status(P), Status::Closed);
}

// =============================================================================================
// Withdrawal
// =============================================================================================

#[test]
fn withdrawal_is_requested_by_the_township_and_approved_by_the_office() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.in_progress(P, t);
    assert_eq!(dist.code(T1, cmds::request_withdrawal(P, ""), t), "input.required");
    assert_eq!(dist.code(D1, cmds::request_withdrawal(P, "我们不想办"), t), "auth.forbidden");
    assert_eq!(dist.code(OFFICE, cmds::rule_withdrawal(P, true, ""), t), "withdraw.none_pending");
    dist.ok(T1, cmds::request_withdrawal(P, "企业称已自行解决"), t);
    let p = dist.problem(P);
    assert_eq!(p.status, Status::InProgress, "nothing changes until the office approves");
    let req = p.pending_withdrawal.clone().unwrap();
    assert_eq!((req.by_user.as_str(), req.reason.as_str(), req.at), ("user-t1", "企业称已自行解决", t));
    assert_eq!(dist.code(T1, cmds::request_withdrawal(P, "再次申请"), t), "withdraw.pending");
    assert_eq!(dist.code(T1, cmds::rule_withdrawal(P, true, ""), t), "auth.forbidden");
    // Refusal needs a note and leaves the item where it was.
    assert_eq!(dist.code(OFFICE, cmds::rule_withdrawal(P, false, ""), t), "input.required");
    dist.ok(OFFICE, cmds::rule_withdrawal(P, false, "经核实企业系被动撤回，不予同意"), at(2026, 3, 3));
    let p = dist.problem(P);
    assert_eq!(p.status, Status::InProgress);
    assert!(p.pending_withdrawal.is_none());
    assert!(p.withdrawn_at.is_none());
    // Asked again, approved.
    dist.ok(T1, cmds::request_withdrawal(P, "企业书面申请撤回"), at(2026, 3, 4));
    dist.ok(OFFICE, cmds::rule_withdrawal(P, true, ""), at(2026, 3, 5));
    let p = dist.problem(P);
    assert_eq!(p.status, Status::Withdrawn);
    assert_eq!(p.withdrawn_at, Some(at(2026, 3, 5)));
    assert!(p.pending_withdrawal.is_none());
    assert_eq!(dist.code(D1, cmds::resolve(P, ResultType::Solved), at(2026, 3, 5)), INVALID);
    assert_eq!(dist.code(T1, cmds::request_withdrawal(P, "x"), at(2026, 3, 5)), INVALID);
    assert_eq!(dist.lateness(P, d(2026, 6, 1)), escalation::Lateness::NONE);
}

#[test]
fn a_registered_or_resolved_item_can_be_withdrawn_too() {
    type Build = fn(&mut District, &str, chrono::DateTime<chrono::Utc>) -> Problem;
    for build in [District::registered as Build, District::resolved, District::disputed] {
        let mut dist = District::new();
        let t = at(2026, 3, 2);
        build(&mut dist, P, t);
        dist.ok(OFFICE, cmds::request_withdrawal(P, "企业注销"), t);
        dist.ok(OFFICE, cmds::rule_withdrawal(P, true, ""), t);
        assert_eq!(dist.status(P), Status::Withdrawn);
    }
}

/// Every reason, result and comment docs/design.md §4 requires, refused when blank (whitespace only).
#[test]
fn every_required_text_is_required() {
    let blank = " \n\t ";
    let cases: Vec<(Fx, &str, Command, &str)> = vec![
        (Fx::Assigned, D1, cmds::ret(P, blank, U_D3), "reason"),
        (Fx::Assigned, D1, cmds::ret(P, "理由", blank), "proposed_unit_id"),
        (Fx::InProgress, D1, cmds::extend(P, d(2026, 6, 30), blank), "reason"),
        (Fx::InProgressExtensionPending, OFFICE, cmds::rule_extension(P, false, blank), "note"),
        (Fx::InProgress, T1, cmds::request_withdrawal(P, blank), "reason"),
        (Fx::RegisteredWithdrawalPending, OFFICE, cmds::rule_withdrawal(P, false, blank), "note"),
        (Fx::InProgress, OFFICE, cmds::waive(P, U_D2, blank), "reason"),
        (
            Fx::InProgressSettled,
            D1,
            Command::Resolve {
                problem_id: P.into(),
                result_type: ResultType::Solved,
                result_text: blank.into(),
                explanation: String::new(),
                attachments: Vec::new(),
            },
            "result_text",
        ),
        (
            Fx::InProgressSettled,
            D1,
            Command::Resolve {
                problem_id: P.into(),
                result_type: ResultType::Explained,
                result_text: "已答复".into(),
                explanation: blank.into(),
                attachments: Vec::new(),
            },
            "explanation",
        ),
        (Fx::Registered, T1, cmds::resolve_locally(P, blank), "result_text"),
        (
            Fx::InProgress,
            OFFICE,
            Command::Urge { problem_id: P.into(), level: Escalation::Yellow, notice: blank.into() },
            "notice",
        ),
        (Fx::Resolved, T1, cmds::evaluate(P, Satisfaction::Unsatisfied, blank), "comment"),
        (Fx::ResolvedLocally, OFFICE, cmds::evaluate(P, Satisfaction::Unsatisfied, blank), "comment"),
        (
            Fx::InProgress,
            D1,
            Command::NoteProgress {
                problem_id: P.into(),
                text: blank.into(),
                stage_reply: false,
                attachments: Vec::new(),
            },
            "text",
        ),
        (Fx::InProgress, D2, cmds::opinion(P, blank), "opinion"),
        (Fx::Registered, LEADER, Command::Instruct { problem_id: P.into(), text: blank.into() }, "text"),
    ];
    for (fx, login, cmd, field) in cases {
        let mut dist = fx.build();
        let shown = format!("{cmd:?}");
        let before = dist.w.log.len();
        let e = dist.exec(login, cmd, check_time()).expect_err(&shown);
        assert_eq!(e, DomainError::Required { field: field.into() }, "{fx:?} {login} {shown}");
        assert_eq!(e.code(), "input.required");
        assert_eq!(dist.w.log.len(), before);
    }
}

#[test]
fn close_waits_for_a_pending_withdrawal_ruling() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.evaluated(P, t);
    dist.ok(T1, cmds::request_withdrawal(P, "企业称已自行解决"), t);
    assert_eq!(dist.code(OFFICE, cmds::close(P), t), "withdraw.pending");
    dist.ok(OFFICE, cmds::rule_withdrawal(P, false, "核实后不同意撤回"), t);
    dist.ok(OFFICE, cmds::close(P), t);
    assert_eq!(dist.status(P), Status::Closed);
    assert_eq!(dist.code(OFFICE, cmds::rule_withdrawal(P, true, "x"), t), "workflow.invalid_state");
}

#[test]
fn resolving_lapses_a_pending_extension_request() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.in_progress_settled(P, t);
    let deadline = dist.assignment(P).handling_deadline;
    dist.ok(
        D1,
        Command::RequestExtension {
            problem_id: P.into(),
            new_deadline: deadline + chrono::Duration::days(10),
            reason: "待审批".into(),
        },
        t,
    );
    assert!(dist.problem(P).pending_extension().is_some());
    dist.ok(D1, cmds::resolve(P, ResultType::Solved), t);
    let p = dist.problem(P);
    assert!(p.pending_extension().is_none(), "the request lapses with the resolution");
    assert!(p.extensions[0].lapsed && p.extensions[0].approved.is_none());
    assert_eq!(dist.code(OFFICE, cmds::rule_extension(P, true, ""), t), "workflow.invalid_state");
    // Reopened, the lead may ask again.
    dist.ok(T1, cmds::evaluate(P, Satisfaction::Unsatisfied, "未解决"), t);
    let deadline = dist.assignment(P).handling_deadline;
    dist.ok(
        D1,
        Command::RequestExtension {
            problem_id: P.into(),
            new_deadline: deadline + chrono::Duration::days(5),
            reason: "再次申请".into(),
        },
        t,
    );
}
