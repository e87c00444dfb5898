//! Printed documents on a real ledger file (docs/documents.md): the office issues a 交办通知书
//! for each of two problems and a 督办通知书, numbers run per kind from the office's pattern,
//! a second issue is refused with the number it has, the numbers survive closing and opening
//! the file, and the file rebuilds to the same tables, verifies and replays.

use taizhang_core::document::DocumentKind;
use taizhang_core::*;
use taizhang_ledger::Ledger;
use taizhang_testsupport::at;
use taizhang_testsupport::district::{assign, register};
use taizhang_testsupport::ledger::district_file;

fn issue(problem: &str, kind: DocumentKind) -> Command {
    Command::IssueDocument { problem_id: problem.into(), kind }
}

#[test]
fn numbers_are_issued_once_and_stay_with_the_file() {
    let f = district_file();
    let d = f.district.clone();
    let mut l = f.ledger;
    let t = at(2026, 3, 3);
    let mut settings = l.settings().unwrap();
    settings.district_name = "示范区".into();
    settings.documents.issuer = "示范区企业服务年办公室".into();
    settings.documents.assignment_notice = "示政企办交〔{year}〕{seq}号".into();
    l.execute("admin", &Command::UpdateSettings { settings }, t).unwrap();
    for p in ["p1", "p2"] {
        register(&mut l, &d, p, t);
        l.execute(
            "admin",
            &Command::Assign { problem_id: p.into(), request: assign(&d.dept_a, &[d.dept_b.as_str()]) },
            t,
        )
        .unwrap();
    }
    // Before issuing: nothing to print, and only the office may issue.
    let none = l.documents(&["p1".into()], DocumentKind::AssignmentNotice).unwrap();
    assert!(none[0].document.is_none());
    let refused = l.execute("cg", &issue("p1", DocumentKind::AssignmentNotice), t).unwrap_err();
    assert_eq!(Coded::code(&refused), "auth.forbidden");

    l.execute("admin", &issue("p1", DocumentKind::AssignmentNotice), t).unwrap();
    l.execute("admin", &issue("p2", DocumentKind::AssignmentNotice), t).unwrap();
    l.execute(
        "admin",
        &Command::Urge { problem_id: "p2".into(), level: Escalation::Yellow, notice: "请加快".into() },
        t,
    )
    .unwrap();
    l.execute("admin", &issue("p2", DocumentKind::UrgeNotice), t).unwrap();
    let again = l.execute("admin", &issue("p1", DocumentKind::AssignmentNotice), t).unwrap_err();
    assert_eq!(Coded::code(&again), "document.already_issued");

    let printed = |l: &Ledger, kind| {
        l.documents(&["p1".into(), "p2".into()], kind)
            .unwrap()
            .into_iter()
            .map(|d| d.document.map(|b| b.number))
            .collect::<Vec<_>>()
    };
    let notices = vec![Some("示政企办交〔2026〕1号".to_string()), Some("示政企办交〔2026〕2号".to_string())];
    assert_eq!(printed(&l, DocumentKind::AssignmentNotice), notices);
    assert_eq!(printed(&l, DocumentKind::UrgeNotice), vec![None, Some("企服办督〔2026〕1号".to_string())]);
    let body = l.documents(&["p1".into()], DocumentKind::AssignmentNotice).unwrap().remove(0).document.unwrap();
    assert_eq!((body.district.as_str(), body.issuer.as_str()), ("示范区", "示范区企业服务年办公室"));
    assert_eq!(body.addressee, "工业和信息化局");
    assert_eq!(body.copy_to, vec!["自然资源局".to_string()]);

    // Closed and opened again: the same numbers, and the next one continues the sequence.
    drop(l);
    let mut l = Ledger::open(&f.path).unwrap();
    assert_eq!(printed(&l, DocumentKind::AssignmentNotice), notices);
    register(&mut l, &d, "p3", t);
    l.execute("admin", &Command::Assign { problem_id: "p3".into(), request: assign(&d.dept_a, &[]) }, t).unwrap();
    let events = l.execute("admin", &issue("p3", DocumentKind::AssignmentNotice), t).unwrap();
    assert_eq!((events[0].kind.as_str(), &events[0].payload["seq"]), ("document_issued", &serde_json::json!(3)));

    // The 通报 of a period takes its 期号 once; the report shows it.
    l.execute("admin", &Command::IssueBulletin { period: "2026-03".into() }, t).unwrap();
    assert_eq!(l.bulletin_number("2026-03").unwrap().as_deref(), Some("2026年第1期"));
    let report = l.report(&taizhang_core::period::parse_period("2026-03").unwrap(), t).unwrap();
    assert_eq!(report.bulletin_number.as_deref(), Some("2026年第1期"));
    assert_eq!(report.issuer, "示范区企业服务年办公室");
    let again = l.execute("admin", &Command::IssueBulletin { period: "2026-03".into() }, t).unwrap_err();
    assert_eq!(Coded::code(&again), "document.already_issued");

    // The file stands: the same tables from the log, chain sound, every event admitted.
    let rebuilt = l.rebuild().unwrap();
    assert!(rebuilt.equal, "differs in {:?}", rebuilt.differing_tables);
    assert_eq!(printed(&l, DocumentKind::AssignmentNotice), notices);
    assert!(l.verify().unwrap().ok);
    let full = l.verify_full().unwrap();
    assert!(full.ok, "not admitted: {:?}", full.first_not_admitted);
}
