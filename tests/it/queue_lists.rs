//! The lists people work from (issue 19): what each row offers its viewer (the 操作 column,
//! the core's rule asked per row), a department's own items (lead or supporter), and the
//! ledger's filters by the enterprise's 包联领导 and key level, the office's 督办中心 (counts and
//! pages), on a real file.

use taizhang_core::command::Action;
use taizhang_core::*;
use taizhang_ledger::{ConsoleCounts, ConsoleTab, Ledger, PageRequest, ProblemFilter, Sort};
use taizhang_testsupport::enterprise::enterprise;
use taizhang_testsupport::ledger::district_file;
use taizhang_testsupport::{assign, at, district::id, register, District};

/// p1 registered; p2 assigned to 工信局 with 自然资源局 supporting; p3 assigned to 自然资源局
/// and signed; p4 (on a town-level key enterprise paired with 赵书记) registered.
fn queues(l: &mut Ledger, d: &District) -> chrono::DateTime<chrono::Utc> {
    let t = at(2026, 3, 3);
    register(l, d, "p1", t);
    register(l, d, "p2", t);
    l.execute("admin", &Command::Assign { problem_id: "p2".into(), request: assign(&d.dept_a, &[&d.dept_b]) }, t)
        .unwrap();
    register(l, d, "p3", t);
    l.execute("admin", &Command::Assign { problem_id: "p3".into(), request: assign(&d.dept_b, &[]) }, t).unwrap();
    l.execute("zr", &Command::Sign { problem_id: "p3".into(), handler: "赵资源".into() }, t).unwrap();
    let paired = Enterprise {
        key_level: KeyLevel::Town,
        paired_leader: "赵书记".into(),
        ..enterprise(&id("e3"), "城关智能装备有限公司", &d.township)
    };
    l.execute("admin", &Command::CreateEnterprise { enterprise: paired }, t).unwrap();
    let register = Command::Register {
        problem_id: "p4".into(),
        enterprise_id: Some(id("e3")),
        new_enterprise: None,
        visit_id: None,
        source: Source::Visit,
        category: "融资".into(),
        description: "流动资金紧张".into(),
        demand: "协调授信".into(),
        raised_on: local_date(t),
        priority: Priority::Normal,
        responsible_leader: "孙区长".into(),
        origin: None,
        attachments: Vec::new(),
    };
    l.execute("cg", &register, t).unwrap();
    t
}

fn numbers(l: &Ledger, f: &ProblemFilter, now: chrono::DateTime<chrono::Utc>) -> Vec<String> {
    let page = l.list_problems(f, Sort::default(), PageRequest::default(), now).unwrap();
    let mut ids: Vec<String> = page.rows.into_iter().map(|r| r.id).collect();
    ids.sort();
    assert_eq!(page.total as usize, ids.len());
    ids
}

/// Every row offers its viewer exactly the actions the problem page allows them (the one rule,
/// `available_actions`, asked per row), in the order given; an unknown id is left out.
#[test]
fn each_row_offers_what_the_problem_page_allows() {
    let mut f = district_file();
    let (l, d) = (&mut f.ledger, f.district.clone());
    let t = queues(l, &d);
    let ids: Vec<String> = ["p4", "p3", "nope", "p2", "p1"].map(String::from).to_vec();
    for viewer in ["admin", "cg", "xs", "gx", "zr", "rs", "ld"] {
        let rows = l.row_actions(&ids, viewer, t).unwrap();
        let got: Vec<&str> = rows.iter().map(|r| r.problem_id.as_str()).collect();
        assert_eq!(got, ["p4", "p3", "p2", "p1"], "{viewer}: in the order given, the unknown id left out");
        for r in rows {
            let page = l.problem_detail(&r.problem_id, Some(viewer), t).unwrap();
            let allowed: Vec<Action> = page.actions.iter().filter(|c| c.allowed).map(|c| c.action).collect();
            assert_eq!(r.actions, allowed, "{viewer} on {}", r.problem_id);
        }
    }
    let of = |viewer: &str, pid: &str| -> Vec<Action> {
        l.row_actions(&[pid.to_string()], viewer, t).unwrap().remove(0).actions
    };
    assert!(of("admin", "p1").contains(&Action::Assign), "the office assigns what waits");
    assert!(of("admin", "p2").contains(&Action::Urge));
    assert_eq!(of("gx", "p2"), [Action::Sign, Action::Return], "the lead signs or returns");
    assert!(of("zr", "p2").contains(&Action::SubmitOpinion), "the supporter gives its opinion");
    assert!(of("gx", "p1").is_empty(), "nothing on what a department has no part in");
    assert!(of("cg", "p1").contains(&Action::ResolveLocally));
    assert!(!of("xs", "p1").contains(&Action::ResolveLocally), "another township may not");
}

/// A deactivated user is offered nothing on any row.
#[test]
fn a_deactivated_user_is_offered_nothing() {
    let mut f = district_file();
    let (l, d) = (&mut f.ledger, f.district.clone());
    let t = queues(l, &d);
    l.execute(
        "admin",
        &Command::UpdateUser {
            user_id: id("gx"),
            name: "王工信".into(),
            unit_id: d.dept_a.clone(),
            role: Role::Department,
            active: false,
        },
        t,
    )
    .unwrap();
    let rows = l.row_actions(&["p2".to_string()], "gx", t).unwrap();
    assert!(rows[0].actions.is_empty());
}

/// A department's own items are those it leads and those it supports; nothing else.
#[test]
fn a_units_own_items_are_what_it_leads_or_supports() {
    let mut f = district_file();
    let (l, d) = (&mut f.ledger, f.district.clone());
    let t = queues(l, &d);
    let mine = |unit: &str| numbers(l, &ProblemFilter { involved_unit_id: Some(unit.into()), ..Default::default() }, t);
    assert_eq!(mine(&d.dept_a), ["p2"], "工信局 leads p2");
    assert_eq!(mine(&d.dept_b), ["p2", "p3"], "自然资源局 supports p2 and leads p3");
    assert!(mine(&d.dept_c).is_empty());
    // With other filters: 自然资源局's items still to be signed by their lead.
    let f = ProblemFilter {
        involved_unit_id: Some(d.dept_b.clone()),
        statuses: vec![Status::Assigned],
        ..Default::default()
    };
    assert_eq!(numbers(l, &f, t), ["p2"]);
}

/// The ledger filters by the enterprise's 包联领导 and by its key level.
#[test]
fn the_ledger_filters_by_paired_leader_and_key_level() {
    let mut f = district_file();
    let (l, d) = (&mut f.ledger, f.district.clone());
    let t = queues(l, &d);
    let by = |f: ProblemFilter| numbers(l, &f, t);
    assert_eq!(by(ProblemFilter { paired_leader: Some("赵书记".into()), ..Default::default() }), ["p4"]);
    assert!(by(ProblemFilter { paired_leader: Some("钱书记".into()), ..Default::default() }).is_empty());
    assert_eq!(by(ProblemFilter { key_levels: vec![KeyLevel::Town], ..Default::default() }), ["p4"]);
    assert_eq!(
        by(ProblemFilter { key_levels: vec![KeyLevel::District], ..Default::default() }),
        ["p1", "p2", "p3"],
        "the fixture's enterprise is a district-level key enterprise"
    );
    assert_eq!(
        by(ProblemFilter { key_levels: vec![KeyLevel::District, KeyLevel::Town], ..Default::default() }).len(),
        4
    );
    assert!(by(ProblemFilter { key_levels: vec![KeyLevel::General], ..Default::default() }).is_empty());
    assert_eq!(by(ProblemFilter { responsible_leader: Some("孙区长".into()), ..Default::default() }), ["p4"]);
}

/// The 督办中心 counts each tab as its queue's size, and reads a tab a page at a time: the
/// pages, one after another, are the whole queue in its order (longest waiting first).
#[test]
fn the_office_console_counts_each_tab_and_pages_through_it() {
    let mut f = district_file();
    let d = f.district.clone();
    let l = &mut f.ledger;
    let t = queues(l, &d);
    for (i, day) in (4..9).enumerate() {
        register(l, &d, &format!("q{i}"), at(2026, 3, day));
    }
    let now = at(2026, 3, 10);
    let counts = l.office_console_counts(now).unwrap();
    assert_eq!(
        counts,
        ConsoleCounts { to_assign: 7, overdue: 1, ..Default::default() },
        "p1, p4 and q0–q4 wait; p2, assigned on 3 March, is late to sign"
    );
    for tab in ConsoleTab::ALL {
        let (filter, _) = tab.query();
        assert_eq!(counts.of(tab) as usize, numbers(l, &filter, now).len(), "{tab:?}");
    }
    let whole = l.office_console_page(ConsoleTab::ToAssign, PageRequest { offset: 0, limit: 50 }, now).unwrap();
    let order: Vec<String> = whole.rows.iter().map(|r| r.id.clone()).collect();
    assert_eq!(order[..2], ["p1".to_string(), "p4".to_string()], "registered on {t}, the longest waiting");
    let mut paged = Vec::new();
    for offset in (0..7).step_by(3) {
        let page = l.office_console_page(ConsoleTab::ToAssign, PageRequest { offset, limit: 3 }, now).unwrap();
        assert_eq!((page.total, page.offset), (7, offset));
        paged.extend(page.rows.into_iter().map(|r| r.id));
    }
    assert_eq!(paged, order);
    // Assigned, an item leaves the count and the queue.
    l.execute("admin", &Command::Assign { problem_id: "q0".into(), request: assign(&d.dept_a, &[]) }, now).unwrap();
    assert_eq!(l.office_console_counts(now).unwrap().to_assign, 6);
}
