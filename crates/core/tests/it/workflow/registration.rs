//! Registration (numbers, enterprises, townships, categories) and the office's users and units.

use crate::support::*;
use taizhang_core::workflow::MAX_TEXT;
use taizhang_core::*;

use super::P;

// =============================================================================================
// Registration: numbers, enterprises, townships, categories
// =============================================================================================

#[test]
fn problem_numbers_count_per_township_and_year() {
    let mut dist = District::new();
    // A 2025 problem does not use up 2026 numbers.
    let p0 = dist.register_as(T1, "p0", E1, Priority::Normal, "融资", at(2025, 12, 31));
    assert_eq!(p0.number, "2025-城关-0001");
    let p1 = dist.register_as(T1, "p1", E1, Priority::Normal, "融资", at(2026, 1, 5));
    let p2 = dist.register_as(T1, "p2", E2, Priority::Normal, "用地", at(2026, 1, 5));
    let p3 = dist.register_as(T2, "p3", E4, Priority::Normal, "用工", at(2026, 1, 6));
    // The office registering for a township's enterprise uses that township's sequence.
    let p4 = dist.register_as(OFFICE, "p4", E3, Priority::Urgent, "税费", at(2026, 1, 7));
    let p5 = dist.register_as(T2, "p5", E5, Priority::Major, "环保", at(2026, 1, 7));
    assert_eq!(p1.number, "2026-城关-0001");
    assert_eq!(p2.number, "2026-城关-0002");
    assert_eq!(p3.number, "2026-东湖-0001");
    assert_eq!(p4.number, "2026-城关-0003");
    assert_eq!(p4.township_id, U_T1);
    assert_eq!(p5.number, "2026-东湖-0002");
    // The year is the Beijing date of registration: 2025-12-31 17:00 UTC is 2026-01-01 01:00.
    let p6 = dist.register_as(T2, "p6", E4, Priority::Normal, "融资", utc(2025, 12, 31, 17, 0));
    assert_eq!(p6.number, "2026-东湖-0003");
    assert_eq!(p1.status, Status::Registered);
    assert!(p1.assignment.is_none());
    // The same id twice is refused.
    assert_eq!(
        dist.code(T1, cmds::register("p1", E1, Priority::Normal, "融资", d(2026, 1, 5)), at(2026, 1, 8)),
        "input.duplicate"
    );
}

#[test]
fn registration_can_create_the_enterprise_in_the_same_step() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    let e = enterprise("e-new", "新办科技有限公司", U_T1, KeyLevel::General);
    let cmd = Command::Register {
        problem_id: P.into(),
        enterprise_id: None,
        new_enterprise: Some(e.clone()),
        visit_id: None,
        source: Source::Letter,
        category: "审批/政务服务".into(),
        description: "办证慢".into(),
        demand: String::new(),
        raised_on: d(2026, 3, 1),
        priority: Priority::Normal,
        responsible_leader: "郑副区长".into(),
        origin: None,
        attachments: Vec::new(),
    };
    let events = dist.ok(T1, cmd.clone(), t);
    assert!(matches!(&events[..], [EventBody::EnterpriseCreated { .. }, EventBody::ProblemRegistered { .. }]));
    assert_eq!(dist.w.enterprises["e-new"].name, e.name);
    assert_eq!(dist.problem(P).enterprise_id, "e-new");
    assert_eq!(dist.problem(P).source, Source::Letter);
    // Naming both an existing enterprise and a new one is refused.
    let mut both = cmd;
    if let Command::Register { problem_id, enterprise_id, .. } = &mut both {
        *problem_id = "p-2".into();
        *enterprise_id = Some(E1.into());
    }
    assert_eq!(dist.code(T1, both, t), "input.invalid");
}

#[test]
fn a_township_cannot_act_on_another_townships_enterprise() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    // Register a problem of township 1's enterprise.
    assert_eq!(
        dist.code(T2, cmds::register(P, E1, Priority::Normal, "融资", d(2026, 3, 2)), t),
        "enterprise.wrong_township"
    );
    // Create an enterprise in township 1 (also inside a registration).
    let foreign = enterprise("e-x", "外镇企业", U_T1, KeyLevel::General);
    assert_eq!(
        dist.code(T2, Command::CreateEnterprise { enterprise: foreign.clone() }, t),
        "enterprise.wrong_township"
    );
    let cmd = Command::Register {
        problem_id: P.into(),
        enterprise_id: None,
        new_enterprise: Some(foreign),
        visit_id: None,
        source: Source::Visit,
        category: "融资".into(),
        description: "x".into(),
        demand: String::new(),
        raised_on: d(2026, 3, 2),
        priority: Priority::Normal,
        responsible_leader: String::new(),
        origin: None,
        attachments: Vec::new(),
    };
    assert_eq!(dist.code(T2, cmd, t), "enterprise.wrong_township");
    // Record a visit, or edit the enterprise.
    assert_eq!(dist.code(T2, cmds::visit("v1", E1, d(2026, 3, 2)), t), "enterprise.wrong_township");
    let mut e1 = dist.w.enterprises[E1].clone();
    e1.phone = "13900000000".into();
    assert_eq!(dist.code(T2, Command::UpdateEnterprise { enterprise: e1.clone() }, t), "enterprise.wrong_township");
    // The own township and the office may.
    dist.ok(T1, Command::UpdateEnterprise { enterprise: e1 }, t);
    dist.ok(T1, cmds::visit("v1", E1, d(2026, 3, 2)), t);
    assert_eq!(dist.w.visits["v1"].township_id, U_T1);
    dist.ok(OFFICE, cmds::visit("v2", E4, d(2026, 3, 1)), t);
    assert_eq!(dist.w.visits["v2"].township_id, U_T2);
    // A department may not record visits at all.
    assert_eq!(dist.code(D1, cmds::visit("v3", E1, d(2026, 3, 2)), t), "auth.forbidden");
    // And a township may not act on another township's problem.
    dist.registered(P, t);
    assert_eq!(dist.code(T2, cmds::request_withdrawal(P, "撤回"), t), "auth.forbidden");
    assert_eq!(dist.code(T2, cmds::resolve_locally(P, "解决"), t), "auth.forbidden");
}

#[test]
fn visits_are_checked() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    assert_eq!(dist.code(T1, cmds::visit("v1", E1, d(2026, 3, 3)), t), "input.invalid", "future visit");
    dist.ok(T1, cmds::visit("v1", E1, d(2026, 3, 2)), t);
    assert_eq!(dist.code(T1, cmds::visit("v1", E1, d(2026, 3, 2)), t), "input.duplicate");
    // A problem may name its visit, but only a visit of the same enterprise.
    let mut cmd = cmds::register(P, E2, Priority::Normal, "融资", d(2026, 3, 2));
    if let Command::Register { visit_id, .. } = &mut cmd {
        *visit_id = Some("v1".into());
    }
    assert_eq!(dist.code(T1, cmd, t), "input.invalid");
    let mut cmd = cmds::register(P, E1, Priority::Normal, "融资", d(2026, 3, 2));
    if let Command::Register { visit_id, .. } = &mut cmd {
        *visit_id = Some("v1".into());
    }
    dist.ok(T1, cmd, t);
    assert_eq!(dist.problem(P).visit_id.as_deref(), Some("v1"));
}

#[test]
fn the_category_must_be_in_the_configured_list() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    let e = dist.exec(T1, cmds::register(P, E1, Priority::Normal, "招商引资", d(2026, 3, 2)), t).unwrap_err();
    assert_eq!(e.code(), "input.invalid");
    assert!(matches!(&e, DomainError::Invalid { field, .. } if field == "category"), "{e:?}");
    assert_eq!(dist.code(T1, cmds::register(P, E1, Priority::Normal, "  ", d(2026, 3, 2)), t), "input.required");
    // The office adds the category; now it is accepted.
    dist.update_settings(|s| s.categories.push("招商引资".into()), t);
    dist.register_as(T1, P, E1, Priority::Normal, "招商引资", t);
    assert_eq!(dist.problem(P).category, "招商引资");
}

#[test]
fn registration_inputs_are_checked() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    assert_eq!(
        dist.code(T1, cmds::register(P, E1, Priority::Normal, "融资", d(2026, 3, 3)), t),
        "input.invalid",
        "raised tomorrow"
    );
    let mut cmd = cmds::register(P, E1, Priority::Normal, "融资", d(2026, 3, 2));
    if let Command::Register { description, .. } = &mut cmd {
        *description = "\n \t".into();
    }
    assert_eq!(dist.code(T1, cmd.clone(), t), "input.required");
    if let Command::Register { description, .. } = &mut cmd {
        *description = "长".repeat(MAX_TEXT + 1);
    }
    assert_eq!(dist.code(T1, cmd.clone(), t), "input.too_long");
    assert_eq!(dist.code(T1, cmds::register(P, "e-none", Priority::Normal, "融资", d(2026, 3, 2)), t), "not_found");
}

// =============================================================================================
// Users
// =============================================================================================

fn set_active(dist: &mut District, login: &str, role: Role, active: bool, t: chrono::DateTime<chrono::Utc>) {
    let u = dist.user(login);
    dist.ok(OFFICE, Command::UpdateUser { user_id: u.id, name: u.name, unit_id: u.unit_id, role, active }, t);
}

#[test]
fn an_inactive_user_is_refused_everything() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.assigned(P, t);
    set_active(&mut dist, D1, Role::Department, false, t);
    assert_eq!(dist.code(D1, cmds::sign(P), t), "auth.inactive");
    // Nothing is offered to a deactivated user either.
    let actor = dist.actor(D1);
    let p = dist.problem(P);
    assert!(taizhang_core::workflow::available_actions(&p, &actor, &dist.ctx(t)).is_empty());
    // Checked before anything else, even for actions the role could never take.
    assert_eq!(dist.code(D1, cmds::assign(P, U_D2, &[]), t), "auth.inactive");
    assert_eq!(dist.code(D1, cmds::register("p-2", E1, Priority::Normal, "融资", d(2026, 3, 2)), t), "auth.inactive");
    set_active(&mut dist, T1, Role::Township, false, t);
    assert_eq!(dist.code(T1, cmds::request_withdrawal(P, "撤回"), t), "auth.inactive");
    // Reactivated, the same user may sign again.
    set_active(&mut dist, D1, Role::Department, true, t);
    dist.ok(D1, cmds::sign(P), t);
    assert_eq!(dist.status(P), Status::InProgress);
}

#[test]
fn user_and_unit_administration_is_the_offices() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    let cmd = Command::CreateUnit {
        unit_id: "u-x".into(),
        name: "商务局".into(),
        short_name: "商务".into(),
        kind: UnitKind::Department,
    };
    for login in [T1, D1, LEADER] {
        assert_eq!(dist.code(login, cmd.clone(), t), "auth.forbidden");
    }
    dist.ok(OFFICE, cmd, t);
    // A role must fit its unit.
    let bad = Command::CreateUser {
        user_id: "user-x".into(),
        login: "x".into(),
        name: "某人".into(),
        unit_id: "u-x".into(),
        role: Role::Township,
    };
    assert_eq!(dist.code(OFFICE, bad, t), "input.invalid");
    // The office cannot lock itself out.
    let me = dist.user(OFFICE);
    assert_eq!(
        dist.code(
            OFFICE,
            Command::UpdateUser {
                user_id: me.id,
                name: me.name,
                unit_id: me.unit_id,
                role: Role::Office,
                active: false
            },
            t
        ),
        "input.invalid"
    );
}
