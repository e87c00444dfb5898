//! The bell on a real file (issue 19, item 1): a user's notices newest first, read from the log
//! by the core's rule; where they last looked kept per user on the desk, surviving a rebuild.

use taizhang_core::notices::NoticeKind;
use taizhang_core::*;
use taizhang_ledger::Ledger;
use taizhang_testsupport::ledger::district_file;
use taizhang_testsupport::{assign, at, register, District};

fn kinds(l: &Ledger, user: &str) -> Vec<(NoticeKind, String, bool)> {
    l.notices(user, 50).unwrap().items.into_iter().map(|n| (n.kind, n.problem_id, n.unread)).collect()
}

/// p1 and p2 registered by 城关; p2 assigned to 工信局 with 自然资源局 supporting.
fn start(l: &mut Ledger, d: &District) -> chrono::DateTime<chrono::Utc> {
    let t = at(2026, 3, 3);
    register(l, d, "p1", t);
    register(l, d, "p2", t);
    l.execute("admin", &Command::Assign { problem_id: "p2".into(), request: assign(&d.dept_a, &[&d.dept_b]) }, t)
        .unwrap();
    t
}

#[test]
fn each_user_hears_what_concerns_them_newest_first() {
    let mut f = district_file();
    let (l, d) = (&mut f.ledger, f.district.clone());
    let t = start(l, &d);
    let p = |s: &str| s.to_string();
    assert_eq!(kinds(l, "gx"), [(NoticeKind::Assigned, p("p2"), true)]);
    assert_eq!(kinds(l, "zr"), [(NoticeKind::Assigned, p("p2"), true)], "the supporter too");
    assert!(kinds(l, "rs").is_empty(), "a unit with no part hears nothing");
    assert_eq!(
        kinds(l, "admin"),
        [(NoticeKind::Registered, p("p2"), true), (NoticeKind::Registered, p("p1"), true)],
        "the office, what it must assign; not its own assignment"
    );
    l.execute(
        "admin",
        &Command::Urge { problem_id: "p2".into(), level: Escalation::Yellow, notice: "请加快".into() },
        t,
    )
    .unwrap();
    let n = l.notices("gx", 50).unwrap();
    assert_eq!(n.unread, 2);
    assert!(!n.unread_more);
    let first = &n.items[0];
    assert_eq!((first.kind, first.actor_name.as_str()), (NoticeKind::Urged, "管理员"));
    assert!(first.number.starts_with("2026-"), "{}", first.number);
    assert!(!first.enterprise.is_empty(), "the enterprise is named");
    assert!(kinds(l, "zr").iter().all(|k| k.0 != NoticeKind::Urged), "an urge is the lead's");
    // The limit keeps the newest.
    assert_eq!(l.notices("gx", 1).unwrap().items.len(), 1);
    assert_eq!(l.notices("gx", 1).unwrap().unread, 2, "the count is not cut by the limit");
}

#[test]
fn looking_marks_everything_seen_up_to_where_the_list_was_read() {
    let mut f = district_file();
    let (l, d) = (&mut f.ledger, f.district.clone());
    let t = start(l, &d);
    let read = l.notices("gx", 50).unwrap();
    assert_eq!(read.unread, 1);
    // An urge arrives after the list was read, before it is marked seen: it stays new.
    l.execute(
        "admin",
        &Command::Urge { problem_id: "p2".into(), level: Escalation::Yellow, notice: "请加快".into() },
        t,
    )
    .unwrap();
    l.mark_notices_seen("gx", read.latest_seq, t).unwrap();
    let after = l.notices("gx", 50).unwrap();
    assert_eq!(after.unread, 1);
    assert_eq!(after.items.iter().map(|n| n.unread).collect::<Vec<_>>(), [true, false]);
    // Marked by login or id alike, per user: 自然资源局 has not looked.
    assert_eq!(l.notices("zr", 50).unwrap().unread, 1);
    l.mark_notices_seen("gx", after.latest_seq, t).unwrap();
    assert_eq!(l.notices("gx", 50).unwrap().unread, 0);
    // A mark never moves back, nor past the log's end.
    l.mark_notices_seen("gx", 1, t).unwrap();
    assert_eq!(l.notices("gx", 50).unwrap().unread, 0);
    l.mark_notices_seen("zr", i64::MAX, t).unwrap();
    l.execute("ld", &Command::Instruct { problem_id: "p2".into(), text: "抓紧办理".into() }, t).unwrap();
    assert_eq!(l.notices("gx", 50).unwrap().unread, 1, "the 批示 is new to the lead");
    assert_eq!(l.notices("zr", 50).unwrap().unread, 0, "a supporter is not told of a 批示");
    // The marks are the desk's own: a rebuild keeps them.
    let report = l.rebuild().unwrap();
    assert!(report.equal, "{report:?}");
    assert_eq!(l.notices("gx", 50).unwrap().unread, 1);
    assert!(l.mark_notices_seen("nobody", 1, t).is_err());
    assert!(l.notices("nobody", 50).is_err());
}

#[test]
fn a_leader_paired_with_an_enterprise_hears_its_problems_life_from_the_file() {
    use taizhang_core::notices::Concern;
    let mut f = district_file();
    let (l, d) = (&mut f.ledger, f.district.clone());
    let t = at(2026, 3, 3);
    // 孙区长 is paired (包联) with 城关's enterprise; nothing before it was paired is lost: the
    // pairing as it stands now decides.
    register(l, &d, "p1", t);
    let mut e = l.find_enterprise(&d.enterprise).unwrap().expect("the fixture's enterprise");
    e.paired_leader = "孙区长".into();
    l.execute("admin", &Command::UpdateEnterprise { enterprise: e }, t).unwrap();
    l.execute("admin", &Command::Assign { problem_id: "p1".into(), request: assign(&d.dept_a, &[]) }, t).unwrap();
    l.execute("admin", &Command::Urge { problem_id: "p1".into(), level: Escalation::Red, notice: "请加快".into() }, t)
        .unwrap();
    // 西山's enterprise is not paired with anyone: its problem is not the leader's.
    l.execute(
        "xs",
        &Command::Register {
            problem_id: "p2".into(),
            enterprise_id: Some(d.enterprise2.clone()),
            new_enterprise: None,
            visit_id: None,
            source: Source::Visit,
            category: "融资".into(),
            description: "融资难".into(),
            demand: String::new(),
            raised_on: taizhang_core::local_date(t),
            priority: Priority::Normal,
            responsible_leader: String::new(),
            origin: None,
            attachments: Vec::new(),
        },
        t,
    )
    .unwrap();
    let n = l.notices("ld", 50).unwrap();
    let got: Vec<_> = n.items.iter().map(|n| (n.kind, n.problem_id.as_str(), n.concern)).collect();
    assert_eq!(
        got,
        [
            (NoticeKind::Urged, "p1", Concern::PairedLeader),
            (NoticeKind::Assigned, "p1", Concern::PairedLeader),
            (NoticeKind::Registered, "p1", Concern::PairedLeader),
        ]
    );
    assert_eq!(n.unread, 3);
    // The lead hears it as its unit's.
    assert!(l.notices("gx", 50).unwrap().items.iter().all(|n| n.concern == Concern::Unit));
}
