//! Desks whose clocks are wrong (docs/reliability.md, "Many desks"). A desk three days behind
//! is only late, as offline work always is: its acts are admitted, except one dated before its
//! problem's latest event on the server, which the existing rule refuses
//! (`event.time_before_problem`) and the desk undoes with that reason. A desk a year ahead is
//! refused on arrival (`event.time_ahead`), as the forty-days-ahead flow is.

use taizhang_core::*;
use taizhang_server::Store;

use crate::desk::{assign_to, at, server_problems, Desk};
use crate::fixture::District;

const DAY: i64 = 24 * 60;
const BEHIND: i64 = 3 * DAY;

fn reason_of(desk: &Desk, subject: &str) -> Option<String> {
    let status = taizhang_sync::status(&desk.ledger).unwrap();
    status
        .not_applied
        .iter()
        .find(|e| e.subject_id.as_deref() == Some(subject))
        .and_then(|e| e.reason.as_ref()?["code"].as_str().map(str::to_string))
}

#[test]
fn a_desk_three_days_behind_is_late_but_admitted_and_one_a_year_ahead_is_refused() {
    let d = District::new();
    d.user("t1b", &d.t1, Role::Township);
    d.user("t1c", &d.t1, Role::Township);
    let mut right = Desk::join(&d, "t1");
    let mut slow = Desk::join(&d, "t1b");
    let mut fast = Desk::join(&d, "t1c");
    // The district's day 10; the slow desk's clock says day 7.
    let day = |n: i64| 10 * DAY + n * DAY;
    right.sync(day(0));
    slow.sync(day(0) - BEHIND);
    fast.sync(day(0));

    // Day 10: a problem registered with the right clock; the slow desk learns of it.
    let p = right.register(&d.e1, "时钟正常的登记", day(0) + 10);
    right.sync(day(0) + 11);
    let s = slow.sync(day(0) + 12 - BEHIND);
    assert!(s.received > 0, "{s:?}");
    assert!(slow.problems().contains_key(&p));

    // Day 15: the office assigns it on the server. Day 16 (the slow desk's day 13), not yet
    // knowing, the slow desk resolves it on the spot, which its copy allows (the problem's
    // latest event there is day 10), and registers a problem of its own.
    let assign = Command::Assign { problem_id: p.clone(), request: assign_to(&d.d1) };
    let outcome = d.store.execute("admin", &[assign], at(day(5))).unwrap();
    assert!(outcome.iter().all(|o| o.outcome == "applied"), "{outcome:?}");
    let now = day(6) - BEHIND;
    slow.ledger
        .execute(
            "t1b",
            &Command::ResolveLocally {
                problem_id: p.clone(),
                result_text: "已现场解决".into(),
                attachments: Vec::new(),
            },
            at(now),
        )
        .unwrap();
    let q = slow.register(&d.e1, "本机时间慢了三天", now + 1);
    slow.ledger
        .execute(
            "t1b",
            &Command::ResolveLocally {
                problem_id: q.clone(),
                result_text: "已当场解决".into(),
                attachments: Vec::new(),
            },
            at(now + 2),
        )
        .unwrap();
    assert_eq!(slow.ledger.pending_count().unwrap(), 3);

    let s = slow.sync(now + 3);
    assert_eq!((s.pushed, s.applied, s.refused, s.no_effect, s.pending), (3, 2, 1, 0, 0), "{s:?}");
    // Dated before the assignment the server already holds: refused, undone here, with why.
    assert_eq!(reason_of(&slow, &p).as_deref(), Some("event.time_before_problem"));
    assert_eq!(slow.ledger.problem(&p).unwrap().status, Status::Assigned, "undone locally");
    // Its own problem, dated three days before the district's latest event, is admitted: the
    // time rule reads the device's own previous event, and late is what offline is.
    let server = server_problems(&d, &d.t1);
    assert_eq!(server[&q]["status"], "resolved", "{}", server[&q]);
    let dated = at(now + 1).date_naive().to_string();
    assert!(server[&q]["registered_at"].as_str().is_some_and(|t| t.starts_with(&dated)), "{dated}: {}", server[&q]);
    assert_eq!(reason_of(&slow, &q), None);

    // A desk a year ahead (of the real clock, the server's): refused on arrival, undone.
    let ahead = (chrono::Utc::now() - at(0)).num_minutes() + 365 * DAY;
    let r = fast.register(&d.e1, "本机时间快了一年", ahead);
    let s = fast.sync(ahead + 1);
    assert_eq!((s.pushed, s.refused, s.pending), (1, 1, 0), "{s:?}");
    assert_eq!(reason_of(&fast, &r).as_deref(), Some("event.time_ahead"));
    assert!(fast.ledger.problem(&r).is_err(), "undone locally");

    // Everyone ends equal to the server in the township's scope, the refused acts nowhere.
    right.sync(day(7));
    slow.sync(day(7) - BEHIND);
    fast.sync(day(7));
    let server = server_problems(&d, &d.t1);
    assert!(!server.contains_key(&r));
    assert_eq!(server[&p]["status"], "assigned");
    for desk in [&right, &slow, &fast] {
        assert_eq!(desk.problems(), server, "{}", desk.login);
    }
    assert_eq!(d.store.verify().unwrap().broken, None);
}
