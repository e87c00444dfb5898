//! Printed documents' numbers (文号): only the office issues them, one sequence per kind and
//! year from the office's pattern, a document issued once per occasion (printing it again
//! shows the number it has), and every issued number admitted on replay.

use crate::admit::{ledger_log, replay};
use crate::support::*;
use taizhang_core::admit::Verdict;
use taizhang_core::document::DocumentKind::{self, *};
use taizhang_core::workflow::World;
use taizhang_core::*;

fn issue(pid: &str, kind: DocumentKind) -> Command {
    Command::IssueDocument { problem_id: pid.into(), kind }
}

fn number_of(events: &[EventBody]) -> (u32, String) {
    match events {
        [EventBody::DocumentIssued { seq, number, .. }] => (*seq, number.clone()),
        other => panic!("expected one DocumentIssued, got {other:?}"),
    }
}

#[test]
fn only_the_office_issues_a_number() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    d.assigned("p1", t);
    for login in [T1, D1, D2, LEADER] {
        assert_eq!(d.code(login, issue("p1", AssignmentNotice), t), "auth.forbidden", "{login}");
    }
    assert!(d.problem("p1").documents.is_empty());
    let (seq, number) = number_of(&d.ok(OFFICE, issue("p1", AssignmentNotice), t));
    assert_eq!((seq, number.as_str()), (1, "企服办交〔2026〕1号"));
}

#[test]
fn numbers_run_per_kind_and_year_from_the_offices_pattern() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    d.update_settings(|s| s.documents.assignment_notice = "X政企办交〔{year}〕{seq}号".into(), t);
    for pid in ["p1", "p2", "p3"] {
        d.in_progress(pid, t);
    }
    assert_eq!(number_of(&d.ok(OFFICE, issue("p1", AssignmentNotice), t)).1, "X政企办交〔2026〕1号");
    assert_eq!(number_of(&d.ok(OFFICE, issue("p2", AssignmentNotice), t)).1, "X政企办交〔2026〕2号");
    // Another kind has its own sequence.
    d.ok(OFFICE, cmds::urge("p1", Escalation::Yellow), t);
    assert_eq!(number_of(&d.ok(OFFICE, issue("p1", UrgeNotice), t)).1, "企服办督〔2026〕1号");
    // A new year starts again at 1.
    let next_year = at(2027, 1, 5);
    assert_eq!(number_of(&d.ok(OFFICE, issue("p3", AssignmentNotice), next_year)).1, "X政企办交〔2027〕1号");
    // A pattern changed back to one whose numbers are taken passes over them.
    d.update_settings(|s| s.documents.urge_notice = "X政企办交〔{year}〕{seq}号".into(), next_year);
    d.ok(OFFICE, cmds::urge("p2", Escalation::Yellow), next_year);
    let (seq, number) = number_of(&d.ok(OFFICE, issue("p2", UrgeNotice), next_year));
    assert_eq!((seq, number.as_str()), (2, "X政企办交〔2027〕2号"));
}

#[test]
fn a_document_is_issued_once_and_reprinting_keeps_its_number() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    d.assigned("p1", t);
    let (_, number) = number_of(&d.ok(OFFICE, issue("p1", AssignmentNotice), t));
    let e = d.exec(OFFICE, issue("p1", AssignmentNotice), t).unwrap_err();
    assert_eq!(e, DomainError::DocumentAlreadyIssued { kind: "assignment_notice".into(), number: number.clone() });
    let p = d.problem("p1");
    assert_eq!(p.document(AssignmentNotice, p.document_round(AssignmentNotice).unwrap()).unwrap().number, number);
    // A reassignment is a new occasion: a new notice, a new number.
    d.ok(D1, cmds::ret("p1", "不属于本单位职责", U_D3), t);
    d.ok(OFFICE, cmds::reassign("p1", U_D3, &[]), t);
    assert_eq!(number_of(&d.ok(OFFICE, issue("p1", AssignmentNotice), t)).1, "企服办交〔2026〕2号");
    assert_eq!(d.problem("p1").documents.len(), 2);
}

#[test]
fn nothing_to_write_about_is_refused() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    d.registered("p0", t);
    assert_eq!(d.code(OFFICE, issue("p0", AssignmentNotice), t), "document.not_due");
    d.in_progress_settled("p1", t);
    assert_eq!(d.code(OFFICE, issue("p1", UrgeNotice), t), "document.not_due");
    assert_eq!(d.code(OFFICE, issue("p1", ReplyForm), t), "document.not_due");
    d.ok(D1, cmds::resolve("p1", ResultType::Solved), t);
    assert_eq!(number_of(&d.ok(OFFICE, issue("p1", ReplyForm), t)).1, "企服办复〔2026〕1号");
    // A township's own resolution is not the lead's answer.
    d.resolved_locally("p2", t);
    assert_eq!(d.code(OFFICE, issue("p2", ReplyForm), t), "document.not_due");
    assert_eq!(d.code(OFFICE, issue("nope", ReplyForm), t), "not_found");
}

#[test]
fn a_pattern_without_seq_is_refused() {
    let mut d = District::new();
    let mut s = d.w.settings.clone();
    s.documents.urge_notice = "督〔{year}〕号".into();
    assert_eq!(d.code(OFFICE, Command::UpdateSettings { settings: s }, at(2026, 3, 2)), "input.invalid");
}

#[test]
fn issued_numbers_replay_and_forged_ones_do_not() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    d.assigned("p1", t);
    d.assigned("p2", t);
    d.ok(OFFICE, issue("p1", AssignmentNotice), t);
    let log = ledger_log(&d);
    let (r, refused) = replay(&log);
    assert_eq!(refused, None);
    let later = at(2026, 3, 3);
    let meta = |actor: &str| EventMeta { actor: actor.into(), occurred_at: later };
    let forged = |pid: &str, round, number: &str| EventBody::DocumentIssued {
        problem_id: pid.into(),
        kind: AssignmentNotice,
        round,
        year: 2026,
        seq: 9,
        series: None,
        number: number.into(),
    };
    // Not the office.
    assert!(matches!(r.admit(&forged("p2", 1, "新号"), &meta("user-t1")), Verdict::Refused(_)));
    // A number already given.
    let v = r.admit(&forged("p2", 1, "企服办交〔2026〕1号"), &meta("user-office"));
    assert_eq!(v.error().map(|e| e.code()), Some("input.duplicate"));
    // Issued already (another desk came first): no effect.
    assert!(matches!(r.admit(&forged("p1", 1, "新号"), &meta("user-office")), Verdict::NoEffect(_)));
    // Not the occasion due.
    assert!(matches!(r.admit(&forged("p2", 2, "新号"), &meta("user-office")), Verdict::Refused(_)));
    assert_eq!(r.admit(&forged("p2", 1, "新号"), &meta("user-office")), Verdict::Admitted);
}

#[test]
fn a_notice_is_sent_to_the_lead_and_copied_to_the_supporters() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    d.assigned("p1", t);
    d.ok(OFFICE, issue("p1", AssignmentNotice), t);
    let p = d.problem("p1");
    let names = |id: &str| d.w.unit(id).map(|u| u.name).unwrap_or_default();
    let e = d.w.enterprise(&p.enterprise_id);
    let body = document_text::document_body_for(&p, AssignmentNotice, e.as_ref(), &names, &d.w.settings).unwrap();
    assert_eq!(body.number, "企服办交〔2026〕1号");
    assert_eq!(body.addressee, "发改局");
    assert_eq!(body.copy_to, vec!["自然资源局".to_string()]);
    assert_eq!(body.issuer, d.w.settings.documents.issuer);
    let value = |f: &str| body.rows.iter().find(|r| r.field == f).map(|r| r.value.clone());
    assert_eq!(value("enterprise").as_deref(), Some("城关精密机械有限公司"));
    assert_eq!(value("township").as_deref(), Some("城关镇"));
    assert_eq!(value("handling_deadline"), Some(p.assignment.as_ref().unwrap().handling_deadline.to_string()));
    assert_eq!(body.rows.iter().find(|r| r.field == "priority").unwrap().label_section.as_deref(), Some("priority"));
    // Nothing issued: nothing to print.
    assert!(document_text::document_body_for(&p, UrgeNotice, e.as_ref(), &names, &d.w.settings).is_none());
}

#[test]
fn a_bulletin_takes_its_issue_number_once_per_period() {
    let mut d = District::new();
    let t = at(2026, 4, 1);
    let bulletin = |period: &str| Command::IssueBulletin { period: period.into() };
    assert_eq!(d.code(LEADER, bulletin("2026-03"), t), "auth.forbidden");
    assert_eq!(number_of_bulletin(&d.ok(OFFICE, bulletin("2026-03"), t)), "2026年第1期");
    assert_eq!(number_of_bulletin(&d.ok(OFFICE, bulletin("2026-Q1"), t)), "2026年第2期");
    let e = d.exec(OFFICE, bulletin("2026-03"), t).unwrap_err();
    assert_eq!(e, DomainError::DocumentAlreadyIssued { kind: "bulletin".into(), number: "2026年第1期".into() });
    assert_eq!(d.code(OFFICE, bulletin("  "), t), "input.invalid");
    assert_eq!(d.w.bulletin_number("2026-Q1").as_deref(), Some("2026年第2期"));
    // Not a problem's document.
    d.assigned("p1", t);
    assert_eq!(d.code(OFFICE, issue("p1", Bulletin), t), "document.not_due");
    // Replayed, admitted; the same period again has no effect.
    let (r, refused) = replay(&ledger_log(&d));
    assert_eq!(refused, None);
    let meta = EventMeta { actor: "user-office".into(), occurred_at: at(2026, 4, 2) };
    let again = EventBody::BulletinIssued {
        period: "2026-03".into(),
        year: 2026,
        seq: 3,
        series: None,
        number: "2026年第3期".into(),
    };
    assert!(matches!(r.admit(&again, &meta), Verdict::NoEffect(_)));
}

fn number_of_bulletin(events: &[EventBody]) -> String {
    match events {
        [EventBody::BulletinIssued { number, .. }] => number.clone(),
        other => panic!("expected one BulletinIssued, got {other:?}"),
    }
}
