//! Assignment and deadlines, signing and returns, supporters' opinions and progress, resolving.

use crate::support::*;
use taizhang_core::command::ReturnRuling;
use taizhang_core::workflow::MAX_TEXT;
use taizhang_core::*;

use super::{INVALID, P};

// =============================================================================================
// Assignment and deadlines
// =============================================================================================

#[test]
fn deadlines_are_computed_from_the_calendar() {
    let mut dist = District::new();
    let t = at(2026, 2, 12); // Thursday; Sat 02-14 is a make-up workday; 02-15..02-23 is 春节
    dist.update_settings(|s| s.handling_days_urgent = 5, t);
    dist.register_as(T1, P, E1, Priority::Urgent, "融资", t);
    dist.ok(OFFICE, cmds::assign(P, U_D1, &[U_D2]), t);
    let a = dist.assignment(P);
    assert_eq!(a.lead_unit_id, U_D1);
    assert_eq!(a.assigned_at, t);
    assert_eq!(a.sign_deadline, d(2026, 2, 13), "sign: 1 WD");
    assert_eq!(a.objection_deadline, d(2026, 2, 13), "objection: 1 WD");
    assert_eq!(a.handling_deadline, d(2026, 2, 26), "urgent: 5 WD = 02-13, 02-14, 02-24, 02-25, 02-26");
    assert_eq!(a.original_deadline, d(2026, 2, 26));
    assert_eq!(a.supporters.len(), 1);
    assert_eq!(a.supporters[0].unit_id, U_D2);
    assert_eq!(a.supporters[0].sub_deadline, d(2026, 2, 24), "supporter: 3 WD");
    let p = dist.problem(P);
    assert_eq!(p.status, Status::Assigned);
    assert_eq!(p.round_started_at, Some(t));
    assert_eq!(p.assignments.len(), 1);
    assert!(!p.assignments[0].reassigned);

    // Other priorities and a category-specific limit, assigned the same day.
    let cases: [(&str, Priority, &str, chrono::NaiveDate); 4] = [
        ("p-normal", Priority::Normal, "融资", d(2026, 3, 11)), // 15 WD
        ("p-major", Priority::Major, "融资", d(2026, 4, 1)),    // 30 WD
        ("p-land", Priority::Normal, "用地", d(2026, 3, 18)),   // category 20 WD > 15
        ("p-land-urgent", Priority::Urgent, "用地", d(2026, 2, 26)), // urgent stays urgent
    ];
    dist.update_settings(
        |s| {
            s.category_handling_days.insert("用地".into(), 20);
        },
        t,
    );
    for (pid, priority, category, want) in cases {
        dist.register_as(T1, pid, E2, priority, category, t);
        dist.ok(OFFICE, cmds::assign(pid, U_D3, &[]), t);
        assert_eq!(dist.assignment(pid).handling_deadline, want, "{pid}");
    }

    // Across National Day: Wed 2026-09-30 + 5 WD = Tue 2026-10-13; signing is due Thu 10-08.
    let t = at(2026, 9, 30);
    dist.register_as(T2, "p-oct", E4, Priority::Urgent, "融资", t);
    dist.ok(OFFICE, cmds::assign("p-oct", U_D1, &[]), t);
    let a = dist.assignment("p-oct");
    assert_eq!(a.handling_deadline, d(2026, 10, 13));
    assert_eq!(a.sign_deadline, d(2026, 10, 8));
    assert_eq!(a.objection_deadline, d(2026, 10, 8));
}

#[test]
fn deadlines_may_be_overridden_but_not_into_the_past() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.registered(P, t);
    let mut req = cmds::request(U_D1, &[U_D2]);
    req.sign_deadline = Some(d(2026, 3, 1));
    assert_eq!(dist.code(OFFICE, cmds::assign_req(P, req.clone()), t), "assign.deadline_in_past");
    req.sign_deadline = None;
    req.handling_deadline = Some(d(2026, 2, 27));
    assert_eq!(dist.code(OFFICE, cmds::assign_req(P, req.clone()), t), "assign.deadline_in_past");
    req.handling_deadline = None;
    req.supporters[0].sub_deadline = Some(d(2026, 3, 1));
    assert_eq!(dist.code(OFFICE, cmds::assign_req(P, req.clone()), t), "assign.deadline_in_past");
    // Today itself, and later dates, are accepted as given.
    req.supporters[0].sub_deadline = Some(d(2026, 3, 4));
    req.sign_deadline = Some(d(2026, 3, 2));
    req.handling_deadline = Some(d(2026, 4, 30));
    req.handler = "  刘承办 ".into();
    dist.ok(OFFICE, cmds::assign_req(P, req), t);
    let a = dist.assignment(P);
    assert_eq!(a.sign_deadline, d(2026, 3, 2));
    assert_eq!(a.handling_deadline, d(2026, 4, 30));
    assert_eq!(a.original_deadline, d(2026, 4, 30));
    assert_eq!(a.supporters[0].sub_deadline, d(2026, 3, 4));
    assert_eq!(a.handler, "刘承办");
    // The objection window is not overridable.
    assert_eq!(a.objection_deadline, d(2026, 3, 3));
}

#[test]
fn assignment_units_are_checked() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.registered(P, t);
    assert_eq!(dist.code(OFFICE, cmds::assign(P, U_D1, &[U_D1]), t), "assign.supporter_is_lead");
    assert_eq!(dist.code(OFFICE, cmds::assign(P, U_D1, &[U_D2, U_D3, U_D2]), t), "assign.duplicate_supporter");
    assert_eq!(dist.code(OFFICE, cmds::assign(P, U_T1, &[]), t), "assign.not_a_department");
    assert_eq!(dist.code(OFFICE, cmds::assign(P, U_D1, &[U_OFFICE]), t), "assign.not_a_department");
    assert_eq!(dist.code(OFFICE, cmds::assign(P, "u-nowhere", &[]), t), "not_found");
    // A deactivated department can be neither lead nor supporter.
    dist.ok(
        OFFICE,
        Command::UpdateUnit {
            unit_id: U_D4.into(), name: "住建局".into(), short_name: "住建".into(), active: false
        },
        t,
    );
    assert_eq!(dist.code(OFFICE, cmds::assign(P, U_D4, &[]), t), "assign.not_a_department");
    assert_eq!(dist.code(OFFICE, cmds::assign(P, U_D1, &[U_D4]), t), "assign.not_a_department");
    // Several supporters, each with its own task.
    dist.ok(OFFICE, cmds::assign(P, U_D1, &[U_D2, U_D3]), t);
    let a = dist.assignment(P);
    let units: Vec<&str> = a.supporters.iter().map(|s| s.unit_id.as_str()).collect();
    assert_eq!(units, [U_D2, U_D3]);
    assert_eq!(dist.problem(P).assignments[0].supporters.len(), 2);
    // Assigning twice is a state error.
    assert_eq!(dist.code(OFFICE, cmds::assign(P, U_D3, &[]), t), INVALID);
}

// =============================================================================================
// Sign and return
// =============================================================================================

#[test]
fn sign_only_when_assigned() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.registered(P, t);
    // Before assignment department 1 is nobody's lead.
    assert_eq!(dist.code(D1, cmds::sign(P), t), "auth.forbidden");
    dist.ok(OFFICE, cmds::assign(P, U_D1, &[U_D2]), t);
    dist.ok(D1, cmds::sign(P), t);
    let p = dist.problem(P);
    assert_eq!(p.status, Status::InProgress);
    assert_eq!(p.signed_at, Some(t));
    assert_eq!(p.assignment.as_ref().unwrap().handler, "张承办");
    assert_eq!(p.signs.len(), 1);
    assert!(p.signs[0].on_time);
    let e = dist.exec(D1, cmds::sign(P), t).unwrap_err();
    assert_eq!(e, DomainError::InvalidState { action: "sign".into(), status: Status::InProgress });
    assert_eq!(e.code(), INVALID);
    // Also refused when disputed or resolved.
    let mut dist = District::new();
    dist.disputed(P, t);
    assert_eq!(dist.code(D1, cmds::sign(P), t), INVALID);
    let mut dist = District::new();
    dist.resolved(P, t);
    assert_eq!(dist.code(D1, cmds::sign(P), t), INVALID);
}

#[test]
fn late_signing_is_recorded() {
    let mut dist = District::new();
    dist.assigned(P, at(2026, 3, 2)); // sign deadline Tue 03-03
    dist.ok(D1, cmds::sign(P), utc(2026, 3, 3, 15, 59)); // 23:59 Beijing: still on time
    assert!(dist.problem(P).signs[0].on_time);
    let mut dist = District::new();
    dist.assigned(P, at(2026, 3, 2));
    dist.ok(D1, cmds::sign(P), utc(2026, 3, 3, 16, 0)); // 00:00 Beijing on 03-04: late
    let s = &dist.problem(P).signs[0];
    assert!(!s.on_time);
    assert_eq!(s.sign_deadline, d(2026, 3, 3));
    assert_eq!(s.unit_id, U_D1);
}

#[test]
fn return_is_possible_only_inside_the_objection_window() {
    let mut dist = District::new();
    // Assigned Thu 2026-02-12: the window is 1 WD counted from the next day, so it ends Fri 02-13.
    dist.assigned(P, at(2026, 2, 12));
    assert_eq!(dist.assignment(P).objection_deadline, d(2026, 2, 13));
    // 23:00 Beijing on the 13th is still inside; 04:00 Beijing on the 14th is not.
    assert!(dist.gate(D1, Action::Return, P, utc(2026, 2, 13, 15, 0)).is_ok());
    assert!(dist.allowed(D1, P, utc(2026, 2, 13, 15, 0)).contains(&Action::Return));
    let late = utc(2026, 2, 13, 20, 0);
    assert_eq!(
        dist.gate(D1, Action::Return, P, late),
        Err(DomainError::ReturnWindowClosed { deadline: "2026-02-13".into() })
    );
    // Sat 2026-02-14 is a make-up WORKING day, but it is already the second working day.
    let sat = at(2026, 2, 14);
    assert_eq!(dist.code(D1, cmds::ret(P, "不属于本单位职责", U_D3), sat), "return.window_closed");
    assert!(!dist.allowed(D1, P, sat).contains(&Action::Return));
    let check = dist.available(D1, P, sat).into_iter().find(|c| c.action == Action::Return).unwrap();
    assert!(!check.allowed);
    assert_eq!(check.error.unwrap().code(), "return.window_closed");
    // Signing late is still possible (and counted late).
    dist.ok(D1, cmds::sign(P), sat);
    assert!(!dist.problem(P).signs[0].on_time);

    // Assigned Fri 02-13: the window ends on the make-up Saturday 02-14.
    let mut dist = District::new();
    dist.assigned(P, at(2026, 2, 13));
    assert_eq!(dist.assignment(P).objection_deadline, d(2026, 2, 14));
    assert_eq!(dist.assignment(P).sign_deadline, d(2026, 2, 14));
    dist.ok(D1, cmds::ret(P, "不属于本单位职责", U_D3), at(2026, 2, 14));
    assert_eq!(dist.status(P), Status::Disputed);

    // Assigned on the make-up Saturday: the holiday does not count, the window ends Tue 02-24.
    let mut dist = District::new();
    dist.assigned(P, at(2026, 2, 14));
    assert_eq!(dist.assignment(P).objection_deadline, d(2026, 2, 24));
    assert!(dist.gate(D1, Action::Return, P, at(2026, 2, 20)).is_ok(), "holiday: still inside");
    assert!(dist.gate(D1, Action::Return, P, at(2026, 2, 24)).is_ok());
    assert_eq!(dist.code(D1, cmds::ret(P, "不属于", U_D3), at(2026, 2, 25)), "return.window_closed");
}

#[test]
fn a_return_records_reason_and_proposal() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.assigned(P, t);
    let events = dist.ok(D1, cmds::ret(P, "  属于人社职责  ", U_D3), t);
    assert_eq!(
        events,
        vec![EventBody::Returned {
            problem_id: P.into(),
            unit_id: U_D1.into(),
            reason: "属于人社职责".into(),
            proposed_unit_id: U_D3.into()
        }]
    );
    let p = dist.problem(P);
    assert_eq!(p.status, Status::Disputed);
    assert_eq!(p.returns.len(), 1);
    assert_eq!(p.returns[0].upheld, None);
    assert_eq!(p.pending_return().map(|r| r.proposed_unit_id.as_str()), Some(U_D3));
    // Still the lead's item while disputed: it never bounces into nowhere.
    assert_eq!(p.lead_unit_id(), Some(U_D1));
}

#[test]
fn no_second_return_after_a_ruling() {
    // Upheld on the same day: the window is still open, but the ruling is final.
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.disputed(P, t);
    dist.ok(OFFICE, cmds::uphold(P), t);
    assert_eq!(dist.status(P), Status::Assigned);
    assert!(dist.problem(P).return_ruled());
    assert_eq!(dist.gate(D1, Action::Return, P, t), Err(DomainError::ReturnAlreadyRuled));
    assert_eq!(dist.code(D1, cmds::ret(P, "还是不属于", U_D3), t), "return.already_ruled");
    // Reassigned: the new lead cannot object either.
    let mut dist = District::new();
    dist.disputed(P, t);
    dist.ok(OFFICE, cmds::reassign(P, U_D3, &[]), t);
    assert_eq!(dist.code(D3, cmds::ret(P, "也不属于我们", U_D4), t), "return.already_ruled");
    // A pending return cannot be made twice either (it is disputed, not assigned).
    let mut dist = District::new();
    dist.disputed(P, t);
    assert_eq!(dist.code(D1, cmds::ret(P, "再退", U_D3), t), INVALID);
}

#[test]
fn an_upheld_return_keeps_the_handling_deadline_and_gives_a_new_sign_deadline() {
    let mut dist = District::new();
    dist.disputed(P, at(2026, 3, 2)); // Mon; sign 03-03; handling 15 WD = 03-23
    let before = dist.assignment(P);
    assert_eq!(before.sign_deadline, d(2026, 3, 3));
    assert_eq!(before.handling_deadline, d(2026, 3, 23));
    let ruling = at(2026, 3, 4); // Wed
    let events = dist.ok(OFFICE, cmds::uphold(P), ruling);
    assert!(matches!(&events[..], [EventBody::ReturnUpheld { sign_deadline, .. }] if *sign_deadline == d(2026, 3, 5)));
    let p = dist.problem(P);
    let a = p.assignment.clone().unwrap();
    assert_eq!(p.status, Status::Assigned);
    assert_eq!(a.lead_unit_id, U_D1);
    assert_eq!(a.sign_deadline, d(2026, 3, 5), "a fresh working day to sign");
    assert_eq!(a.handling_deadline, d(2026, 3, 23), "the handling deadline does NOT move");
    assert_eq!(a.original_deadline, d(2026, 3, 23));
    assert_eq!(a.objection_deadline, d(2026, 3, 3));
    assert_eq!(a.assigned_at, at(2026, 3, 2), "same assignment");
    assert_eq!(a.supporters, before.supporters);
    assert_eq!(p.assignments.len(), 1);
    assert_eq!(p.round_started_at, Some(at(2026, 3, 2)), "the clock started at assignment");
    assert_eq!(p.returns[0].upheld, Some(true), "counted as an upheld return");
    assert_eq!(p.returns[0].ruled_at, Some(ruling));
    assert!(p.pending_return().is_none());
    // Signing by the new sign deadline is on time.
    dist.ok(D1, cmds::sign(P), at(2026, 3, 5));
    assert!(dist.problem(P).signs[0].on_time);
}

#[test]
fn a_reassignment_gives_a_new_lead_and_new_deadlines() {
    let mut dist = District::new();
    dist.disputed(P, at(2026, 3, 2));
    let ruling = at(2026, 3, 4);
    // Reassigning to the same lead is not a reassignment.
    assert_eq!(dist.code(OFFICE, cmds::reassign(P, U_D1, &[]), ruling), "input.invalid");
    assert_eq!(dist.code(OFFICE, cmds::reassign(P, U_D3, &[U_D3]), ruling), "assign.supporter_is_lead");
    assert_eq!(dist.code(D3, cmds::reassign(P, U_D3, &[]), ruling), "auth.forbidden");
    dist.ok(OFFICE, cmds::reassign(P, U_D3, &[U_D4]), ruling);
    let p = dist.problem(P);
    let a = p.assignment.clone().unwrap();
    assert_eq!(p.status, Status::Assigned);
    assert_eq!(a.lead_unit_id, U_D3);
    assert_eq!(a.assigned_at, ruling);
    assert_eq!(a.sign_deadline, d(2026, 3, 5));
    assert_eq!(a.objection_deadline, d(2026, 3, 5));
    assert_eq!(a.handling_deadline, d(2026, 3, 25), "15 WD from the ruling");
    assert_eq!(a.original_deadline, d(2026, 3, 25));
    assert_eq!(a.supporters.len(), 1);
    assert_eq!(a.supporters[0].unit_id, U_D4);
    assert_eq!(a.supporters[0].sub_deadline, d(2026, 3, 9));
    assert_eq!(p.assignments.len(), 2);
    assert!(p.assignments[1].reassigned);
    assert_eq!(p.assignments[1].lead_unit_id, U_D3);
    assert_eq!(p.returns[0].upheld, Some(false), "not counted against department 1");
    assert_eq!(p.round_started_at, Some(ruling));
    // The old lead and the old supporter are out; the new lead signs.
    assert_eq!(dist.code(D1, cmds::sign(P), ruling), "auth.forbidden");
    assert_eq!(dist.code(D2, cmds::opinion(P, "意见"), ruling), "auth.forbidden");
    dist.ok(D3, cmds::sign(P), ruling);
    dist.ok(D4, cmds::opinion(P, "配合意见"), ruling);
    assert_eq!(dist.status(P), Status::InProgress);
}

#[test]
fn return_inputs_are_checked() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.assigned(P, t);
    let e = dist.exec(D1, cmds::ret(P, "   ", U_D3), t).unwrap_err();
    assert_eq!(e, DomainError::Required { field: "reason".into() });
    assert_eq!(dist.code(D1, cmds::ret(P, "理由", " "), t), "input.required");
    assert_eq!(dist.code(D1, cmds::ret(P, "理由", U_D1), t), "input.invalid", "proposing itself");
    assert_eq!(dist.code(D1, cmds::ret(P, "理由", U_T1), t), "assign.not_a_department");
    assert_eq!(dist.code(D1, cmds::ret(P, &"长".repeat(MAX_TEXT + 1), U_D3), t), "input.too_long");
    assert_eq!(
        dist.code(
            OFFICE,
            Command::RuleReturn { problem_id: P.into(), ruling: ReturnRuling::Uphold, note: String::new() },
            t
        ),
        INVALID
    );
}

// =============================================================================================
// Supporters, opinions, progress
// =============================================================================================

#[test]
fn supporters_acknowledge_and_give_opinions_once() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.assigned(P, t);
    // A supporter may act before the lead signs.
    dist.ok(D2, cmds::acknowledge(P), t);
    assert_eq!(dist.problem(P).supporter(U_D2).unwrap().acknowledged_at, Some(t));
    assert_eq!(dist.code(D2, cmds::acknowledge(P), t), "support.already_done");
    dist.ok(D2, cmds::progress(P), t);
    assert_eq!(dist.code(D1, cmds::progress(P), t), INVALID, "the lead reports progress once signed");
    let t2 = at(2026, 3, 3);
    dist.ok(D2, cmds::opinion(P, "同意"), t2);
    let s = dist.problem(P).supporter(U_D2).unwrap().clone();
    assert_eq!(s.opinion.as_deref(), Some("同意"));
    assert_eq!(s.opinion_at, Some(t2));
    assert_eq!(s.acknowledged_at, Some(t), "the first acknowledgement is kept");
    assert!(s.is_settled());
    assert_eq!(dist.code(D2, cmds::opinion(P, "再补充"), t2), "support.already_done");
    assert_eq!(dist.code(D2, cmds::opinion(P, " "), t2), "support.already_done");
    // Opinion without acknowledging first acknowledges too.
    let mut dist = District::new();
    dist.assigned(P, t);
    assert_eq!(dist.code(D2, cmds::opinion(P, ""), t), "input.required");
    dist.ok(D2, cmds::opinion(P, "同意"), t2);
    assert_eq!(dist.problem(P).supporter(U_D2).unwrap().acknowledged_at, Some(t2));
    assert_eq!(dist.code(D2, cmds::acknowledge(P), t2), "support.already_done");
}

#[test]
fn progress_notes_change_nothing_but_are_recorded() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.in_progress(P, t);
    let before = dist.problem(P);
    let events = dist.ok(
        D1,
        Command::NoteProgress {
            problem_id: P.into(),
            text: "阶段性答复：已报市里".into(),
            stage_reply: true,
            attachments: Vec::new(),
        },
        at(2026, 3, 3),
    );
    assert!(matches!(&events[..], [EventBody::ProgressNoted { stage_reply: true, unit_id, .. }] if unit_id == U_D1));
    let after = dist.problem(P);
    assert_eq!(after.status, before.status);
    assert_eq!(after.assignment, before.assignment);
    assert_eq!(after.updated_at, at(2026, 3, 3));
    assert_eq!(
        dist.code(
            D1,
            Command::NoteProgress {
                problem_id: P.into(),
                text: "".into(),
                stage_reply: false,
                attachments: Vec::new(),
            },
            t
        ),
        "input.required"
    );
}

#[test]
fn resolve_needs_every_supporters_opinion_or_a_waiver() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.registered(P, t);
    dist.ok(OFFICE, cmds::assign(P, U_D1, &[U_D2, U_D3]), t);
    dist.ok(D1, cmds::sign(P), t);
    let e = dist.exec(D1, cmds::resolve(P, ResultType::Solved), t).unwrap_err();
    assert_eq!(e, DomainError::OpinionsMissing { units: format!("{U_D2},{U_D3}") });
    assert_eq!(e.code(), "resolve.opinions_missing");
    dist.ok(D2, cmds::opinion(P, "同意"), t);
    let e = dist.exec(D1, cmds::resolve(P, ResultType::Solved), t).unwrap_err();
    assert_eq!(e, DomainError::OpinionsMissing { units: U_D3.into() });
    // The office waives department 3's opinion, with a reason.
    assert_eq!(dist.code(OFFICE, cmds::waive(P, U_D3, " "), t), "input.required");
    assert_eq!(dist.code(OFFICE, cmds::waive(P, U_D4, "非协办单位"), t), "input.invalid", "not a supporter");
    assert_eq!(dist.code(OFFICE, cmds::waive(P, U_D2, "已给意见"), t), "support.already_done");
    assert_eq!(dist.code(D1, cmds::waive(P, U_D3, "我们自己免了"), t), "auth.forbidden");
    dist.ok(OFFICE, cmds::waive(P, U_D3, "该事项无须人社意见"), t);
    assert_eq!(dist.problem(P).supporter(U_D3).unwrap().waived_reason.as_deref(), Some("该事项无须人社意见"));
    assert_eq!(dist.code(D3, cmds::opinion(P, "迟到的意见"), t), "support.already_done");
    assert_eq!(dist.code(OFFICE, cmds::waive(P, U_D3, "再免"), t), "support.already_done", "nothing left to waive");
    dist.ok(D1, cmds::resolve(P, ResultType::Solved), at(2026, 3, 3));
    let p = dist.problem(P);
    assert_eq!(p.status, Status::Resolved);
    assert_eq!(p.resolved_at, Some(at(2026, 3, 3)));
    let r = p.resolutions.last().unwrap();
    assert_eq!(r.unit_id.as_deref(), Some(U_D1));
    assert_eq!(r.deadline, Some(d(2026, 3, 23)));
    assert!(r.on_time);
    assert_eq!(r.started_at, t);
    // No supporters: nothing to wait for.
    let mut dist = District::new();
    dist.registered(P, t);
    dist.ok(OFFICE, cmds::assign(P, U_D1, &[]), t);
    dist.ok(D1, cmds::sign(P), t);
    assert_eq!(dist.code(OFFICE, cmds::waive(P, U_D2, "x"), t), "support.already_done");
    dist.ok(D1, cmds::resolve(P, ResultType::LongTerm), t);
    assert_eq!(dist.problem(P).resolutions[0].result_type, ResultType::LongTerm);
}

#[test]
fn resolve_inputs_are_checked() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.in_progress_settled(P, t);
    let cmd = |rt: ResultType, text: &str, expl: &str| Command::Resolve {
        problem_id: P.into(),
        result_type: rt,
        result_text: text.into(),
        explanation: expl.into(),
        attachments: Vec::new(),
    };
    assert_eq!(dist.code(D1, cmd(ResultType::Solved, " ", ""), t), "input.required");
    let e = dist.exec(D1, cmd(ResultType::Explained, "已答复", " "), t).unwrap_err();
    assert_eq!(e, DomainError::Required { field: "explanation".into() }, "暂不能解决 must be explained");
    dist.ok(D1, cmd(ResultType::Explained, "已答复", "需省级审批，已报送"), t);
    let r = &dist.problem(P).resolutions[0];
    assert_eq!(r.result_type, ResultType::Explained);
    assert_eq!(r.explanation, "需省级审批，已报送");
}
