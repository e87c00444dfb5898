//! The workflow of docs/design.md §2 and §4: who may do what, in which state, and what each refusal's
//! stable code is. The first tests are table-driven over Role × relationship × Action × state;
//! the rest pin down single rules with real 2026 dates.
//!
//! Implemented interpretation being tested (docs/design.md §2 read together with §4):
//! - the office does NOT sign, return, request extensions or resolve on behalf of departments;
//! - "evaluate" and "request withdrawal" belong to the problem's own township or the office;
//! - "resolve locally" belongs to the problem's own township only;
//! - "instruct" (批示) belongs to district leaders only, in any state.

use crate::support::*;
use taizhang_core::command::ReturnRuling;
use taizhang_core::workflow::MAX_TEXT;
use taizhang_core::*;

const P: &str = "p-1";

// =============================================================================================
// The permission matrix
// =============================================================================================

/// How the acting user stands to the problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    Office,
    Leader,
    OwnTownship,
    OtherTownship,
    Lead,
    Supporter,
    OtherDept,
}

/// Who may ever take each action (role + relationship), from docs/design.md §2/§4.
const PERMITTED: &[(Action, &[Rel])] = &[
    (Action::ResolveLocally, &[Rel::OwnTownship]),
    (Action::Assign, &[Rel::Office]),
    (Action::Sign, &[Rel::Lead]),
    (Action::Acknowledge, &[Rel::Supporter]),
    (Action::Return, &[Rel::Lead]),
    (Action::RuleReturn, &[Rel::Office]),
    (Action::NoteProgress, &[Rel::Lead, Rel::Supporter]),
    (Action::SubmitOpinion, &[Rel::Supporter]),
    (Action::WaiveOpinion, &[Rel::Office]),
    (Action::RequestExtension, &[Rel::Lead]),
    (Action::RuleExtension, &[Rel::Office]),
    (Action::Urge, &[Rel::Office]),
    (Action::Resolve, &[Rel::Lead]),
    (Action::Evaluate, &[Rel::OwnTownship, Rel::Office]),
    (Action::Close, &[Rel::Office]),
    (Action::RequestWithdrawal, &[Rel::OwnTownship, Rel::Office]),
    (Action::RuleWithdrawal, &[Rel::Office]),
    (Action::Instruct, &[Rel::Leader]),
];

fn permitted(rel: Rel, action: Action) -> bool {
    PERMITTED.iter().find(|(a, _)| *a == action).expect("every action is in the table").1.contains(&rel)
}

/// The states the matrix is checked in. All built on Monday 2026-03-02 and checked the same
/// afternoon, so the objection window is open and no deadline is near.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fx {
    Registered,
    RegisteredWithdrawalPending,
    Assigned,
    /// Signed; supporter 2 has not given its opinion.
    InProgress,
    /// Signed; supporter 2 has given its opinion (so also acknowledged).
    InProgressSettled,
    /// Signed; an extension request waits for the office.
    InProgressExtensionPending,
    Disputed,
    Resolved,
    Evaluated,
    Closed,
    Withdrawn,
    ResolvedLocally,
}

const FIXTURES: [Fx; 12] = [
    Fx::Registered,
    Fx::RegisteredWithdrawalPending,
    Fx::Assigned,
    Fx::InProgress,
    Fx::InProgressSettled,
    Fx::InProgressExtensionPending,
    Fx::Disputed,
    Fx::Resolved,
    Fx::Evaluated,
    Fx::Closed,
    Fx::Withdrawn,
    Fx::ResolvedLocally,
];

impl Fx {
    fn status(self) -> Status {
        match self {
            Fx::Registered | Fx::RegisteredWithdrawalPending => Status::Registered,
            Fx::Assigned => Status::Assigned,
            Fx::InProgress | Fx::InProgressSettled | Fx::InProgressExtensionPending => Status::InProgress,
            Fx::Disputed => Status::Disputed,
            Fx::Resolved | Fx::Evaluated | Fx::ResolvedLocally => Status::Resolved,
            Fx::Closed => Status::Closed,
            Fx::Withdrawn => Status::Withdrawn,
        }
    }

    /// Department 1 leads and department 2 supports once the problem has been assigned.
    fn has_assignment(self) -> bool {
        !matches!(self, Fx::Registered | Fx::RegisteredWithdrawalPending | Fx::ResolvedLocally)
    }

    fn build(self) -> District {
        let mut dist = District::new();
        let t = at(2026, 3, 2);
        match self {
            Fx::Registered => {
                dist.registered(P, t);
            }
            Fx::RegisteredWithdrawalPending => {
                dist.registered(P, t);
                dist.ok(T1, cmds::request_withdrawal(P, "企业称问题已不存在"), t);
            }
            Fx::Assigned => {
                dist.assigned(P, t);
            }
            Fx::InProgress => {
                dist.in_progress(P, t);
            }
            Fx::InProgressSettled => {
                dist.in_progress_settled(P, t);
            }
            Fx::InProgressExtensionPending => {
                dist.in_progress(P, t);
                dist.ok(D1, cmds::extend(P, d(2026, 5, 29), "需要上级批复"), t);
            }
            Fx::Disputed => {
                dist.disputed(P, t);
            }
            Fx::Resolved => {
                dist.resolved(P, t);
            }
            Fx::Evaluated => {
                dist.evaluated(P, t);
            }
            Fx::Closed => {
                dist.closed(P, t);
            }
            Fx::Withdrawn => {
                dist.withdrawn(P, t);
            }
            Fx::ResolvedLocally => {
                dist.resolved_locally(P, t);
            }
        }
        assert_eq!(dist.status(P), self.status(), "fixture {self:?}");
        dist
    }
}

/// 14:00 Beijing on the fixture day.
fn check_time() -> chrono::DateTime<chrono::Utc> {
    utc(2026, 3, 2, 6, 0)
}

fn rel_of(fx: Fx, login: &str) -> Rel {
    match login {
        OFFICE => Rel::Office,
        LEADER => Rel::Leader,
        T1 => Rel::OwnTownship, // every fixture is a problem of township 1
        T2 => Rel::OtherTownship,
        D1 if fx.has_assignment() => Rel::Lead,
        D2 if fx.has_assignment() => Rel::Supporter,
        D1 | D2 | D3 | D4 => Rel::OtherDept,
        _ => unreachable!(),
    }
}

const INVALID: &str = "workflow.invalid_state";

/// The state, time and sequence rules of one permitted action in one fixture.
fn expected_state(action: Action, fx: Fx, rel: Rel) -> Result<(), &'static str> {
    use Action as A;
    use Fx::*;
    let active = matches!(fx, Assigned | InProgress | InProgressSettled | InProgressExtensionPending | Disputed);
    let in_progress = matches!(fx, InProgress | InProgressSettled | InProgressExtensionPending);
    let ok_if = |c: bool| if c { Ok(()) } else { Err(INVALID) };
    match action {
        A::ResolveLocally | A::Assign => ok_if(matches!(fx, Registered | RegisteredWithdrawalPending)),
        A::Sign | A::Return => ok_if(fx == Assigned),
        A::RuleReturn => ok_if(fx == Disputed),
        A::Acknowledge | A::SubmitOpinion | A::WaiveOpinion => {
            if fx == InProgressSettled {
                Err("support.already_done")
            } else {
                ok_if(active)
            }
        }
        // The lead reports progress once it has signed; a supporter from assignment on.
        A::NoteProgress if rel == Rel::Lead => ok_if(in_progress),
        A::NoteProgress => ok_if(active),
        A::RequestExtension => match fx {
            InProgress | InProgressSettled => Ok(()),
            InProgressExtensionPending => Err("extension.pending"),
            _ => Err(INVALID),
        },
        A::RuleExtension => match fx {
            InProgressExtensionPending => Ok(()),
            InProgress | InProgressSettled => Err("extension.none_pending"),
            _ => Err(INVALID),
        },
        A::Urge => ok_if(active),
        A::Resolve => match fx {
            InProgressSettled => Ok(()),
            InProgress | InProgressExtensionPending => Err("resolve.opinions_missing"),
            _ => Err(INVALID),
        },
        A::Evaluate => match fx {
            Resolved | ResolvedLocally => Ok(()),
            Evaluated => Err("evaluate.already_evaluated"),
            _ => Err(INVALID),
        },
        A::Close => match fx {
            Evaluated => Ok(()),
            Resolved | ResolvedLocally => Err("close.not_evaluated"),
            _ => Err(INVALID),
        },
        A::RequestWithdrawal => match fx {
            RegisteredWithdrawalPending => Err("withdraw.pending"),
            Closed | Withdrawn => Err(INVALID),
            _ => Ok(()),
        },
        A::RuleWithdrawal => match fx {
            RegisteredWithdrawalPending => Ok(()),
            Closed | Withdrawn => Err(INVALID),
            _ => Err("withdraw.none_pending"),
        },
        A::Instruct => Ok(()),
    }
}

fn expected(action: Action, fx: Fx, rel: Rel) -> Result<(), &'static str> {
    if !permitted(rel, action) {
        return Err("auth.forbidden");
    }
    expected_state(action, fx, rel)
}

/// A command for `action` with valid inputs, so that only the gate decides.
fn command_for(action: Action) -> Command {
    use Action as A;
    match action {
        A::ResolveLocally => cmds::resolve_locally(P, "当场协调解决"),
        A::Assign => cmds::assign(P, U_D3, &[U_D4]),
        A::Sign => cmds::sign(P),
        A::Acknowledge => cmds::acknowledge(P),
        A::Return => cmds::ret(P, "不属于本单位职责", U_D3),
        A::RuleReturn => cmds::uphold(P),
        A::NoteProgress => cmds::progress(P),
        A::SubmitOpinion => cmds::opinion(P, "我局配合意见"),
        A::WaiveOpinion => cmds::waive(P, U_D2, "该单位无须出具意见"),
        A::RequestExtension => cmds::extend(P, d(2026, 6, 30), "需要上级批复"),
        A::RuleExtension => cmds::rule_extension(P, true, ""),
        A::Urge => cmds::urge(P, Escalation::Yellow),
        A::Resolve => cmds::resolve(P, ResultType::Solved),
        A::Evaluate => cmds::evaluate(P, Satisfaction::Satisfied, ""),
        A::Close => cmds::close(P),
        A::RequestWithdrawal => cmds::request_withdrawal(P, "企业要求撤回"),
        A::RuleWithdrawal => cmds::rule_withdrawal(P, true, ""),
        A::Instruct => cmds::instruct(P),
    }
}

/// docs/design.md §4 "from → to" of each action when it is accepted.
fn status_after(action: Action, before: Status) -> Status {
    use Action as A;
    match action {
        A::ResolveLocally => Status::Resolved,
        A::Assign => Status::Assigned,
        A::Sign => Status::InProgress,
        A::Return => Status::Disputed,
        A::RuleReturn => Status::Assigned,
        A::Resolve => Status::Resolved,
        A::Close => Status::Closed,
        A::RuleWithdrawal => Status::Withdrawn, // approved
        // Satisfied keeps it resolved; every other action changes no state.
        _ => before,
    }
}

#[test]
fn the_permission_table_covers_every_action_once() {
    assert_eq!(PERMITTED.len(), Action::ALL.len());
    for a in Action::ALL {
        assert_eq!(PERMITTED.iter().filter(|(x, _)| x == a).count(), 1, "{a:?}");
    }
}

#[test]
fn every_relationship_appears_in_the_matrix() {
    let rels: Vec<Rel> = FIXTURES.iter().flat_map(|&fx| ALL_LOGINS.iter().map(move |l| rel_of(fx, l))).collect();
    for r in [Rel::Office, Rel::Leader, Rel::OwnTownship, Rel::OtherTownship, Rel::Lead, Rel::Supporter, Rel::OtherDept]
    {
        assert!(rels.contains(&r), "{r:?} never checked");
    }
    // The fixture relationships are real: department 1 leads, department 2 supports.
    let dist = Fx::Assigned.build();
    let p = dist.problem(P);
    assert_eq!(p.lead_unit_id(), Some(U_D1));
    assert!(p.supporter(U_D2).is_some());
    assert!(p.supporter(U_D3).is_none() && p.supporter(U_D4).is_none());
    assert_eq!(p.township_id, U_T1);
}

/// `gate`, `allowed_actions` and `available_actions` against the expected table, for every
/// state fixture × user × action.
#[test]
fn gate_and_allowed_actions_match_the_permission_matrix() {
    let now = check_time();
    let mut failures = Vec::new();
    let mut checked = 0;
    for fx in FIXTURES {
        let dist = fx.build();
        for login in ALL_LOGINS {
            let rel = rel_of(fx, login);
            let mut want_allowed = Vec::new();
            let mut want_available = Vec::new();
            for &action in Action::ALL {
                let want = expected(action, fx, rel);
                let got = dist.gate(login, action, P, now).map_err(|e| e.code());
                checked += 1;
                if got != want {
                    failures.push(format!("{fx:?} {login} ({rel:?}) {action:?}: want {want:?}, got {got:?}"));
                }
                if want.is_ok() {
                    want_allowed.push(action);
                }
                if permitted(rel, action) {
                    want_available.push((action, want.err()));
                }
            }
            let allowed = dist.allowed(login, P, now);
            if allowed != want_allowed {
                failures.push(format!("{fx:?} {login}: allowed_actions {allowed:?}, want {want_allowed:?}"));
            }
            let available: Vec<(Action, Option<&str>)> = dist
                .available(login, P, now)
                .into_iter()
                .map(|c| {
                    assert_eq!(c.allowed, c.error.is_none(), "{c:?}");
                    (c.action, c.error.map(|e| e.code()))
                })
                .collect();
            if available != want_available {
                failures.push(format!("{fx:?} {login}: available_actions {available:?}, want {want_available:?}"));
            }
        }
    }
    assert_eq!(checked, FIXTURES.len() * ALL_LOGINS.len() * Action::ALL.len());
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

/// `decide` refuses with the same code as the gate, appends nothing when refused, and moves
/// the state as docs/design.md §4 says when accepted.
#[test]
fn decide_matches_the_permission_matrix_and_the_transitions() {
    let now = check_time();
    let mut failures = Vec::new();
    for fx in FIXTURES {
        let base = fx.build();
        for login in ALL_LOGINS {
            let rel = rel_of(fx, login);
            for &action in Action::ALL {
                let want = expected(action, fx, rel);
                let mut dist = base.clone();
                let before = dist.w.log.len();
                let got = dist.exec(login, command_for(action), now);
                match (&want, got) {
                    (Ok(()), Ok(events)) => {
                        assert!(!events.is_empty());
                        let status = dist.status(P);
                        let want_status = status_after(action, fx.status());
                        if status != want_status {
                            failures
                                .push(format!("{fx:?} {login} {action:?}: status {status:?}, want {want_status:?}"));
                        }
                        // Every event carries the acting user.
                        let actor = format!("user-{login}");
                        assert!(dist.w.log[before..].iter().all(|(m, _)| m.actor == actor));
                    }
                    (Err(code), Err(e)) => {
                        if *code != e.code() {
                            failures.push(format!("{fx:?} {login} {action:?}: want {code}, got {} ({e})", e.code()));
                        }
                        assert_eq!(dist.w.log.len(), before, "refused but appended");
                        assert_eq!(dist.problem(P), base.problem(P));
                    }
                    (want, got) => failures.push(format!("{fx:?} {login} {action:?}: want {want:?}, got {got:?}")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn forbidden_refusals_name_the_user_and_action() {
    let dist = Fx::Assigned.build();
    let e = dist.gate(OFFICE, Action::Sign, P, check_time()).unwrap_err();
    match &e {
        DomainError::Forbidden { user, action, .. } => {
            assert_eq!(user, OFFICE);
            assert_eq!(action, "sign");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.code(), "auth.forbidden");
}

#[test]
fn the_office_does_not_act_for_departments() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    dist.assigned(P, t);
    assert_eq!(dist.code(OFFICE, cmds::sign(P), t), "auth.forbidden");
    assert_eq!(dist.code(OFFICE, cmds::ret(P, "不属于", U_D3), t), "auth.forbidden");
    assert_eq!(dist.code(OFFICE, cmds::acknowledge(P), t), "auth.forbidden");
    assert_eq!(dist.code(OFFICE, cmds::opinion(P, "代填"), t), "auth.forbidden");
    dist.ok(D1, cmds::sign(P), t);
    assert_eq!(dist.code(OFFICE, cmds::extend(P, d(2026, 6, 1), "代申请"), t), "auth.forbidden");
    assert_eq!(dist.code(OFFICE, cmds::resolve(P, ResultType::Solved), t), "auth.forbidden");
    assert_eq!(dist.code(OFFICE, cmds::progress(P), t), "auth.forbidden");
    assert_eq!(dist.code(OFFICE, cmds::resolve_locally(P, "代办"), t), "auth.forbidden");
}

#[test]
fn a_leader_may_instruct_in_any_state_and_do_nothing_else() {
    for fx in FIXTURES {
        let mut dist = fx.build();
        assert_eq!(dist.allowed(LEADER, P, check_time()), vec![Action::Instruct], "{fx:?}");
        let events = dist.ok(LEADER, cmds::instruct(P), check_time());
        assert!(matches!(&events[..], [EventBody::Instructed { .. }]));
        assert_eq!(dist.status(P), fx.status());
    }
    let mut dist = District::new();
    dist.registered(P, at(2026, 3, 2));
    assert_eq!(dist.code(OFFICE, cmds::instruct(P), at(2026, 3, 2)), "auth.forbidden");
    assert_eq!(
        dist.code(LEADER, Command::Instruct { problem_id: P.into(), text: " ".into() }, at(2026, 3, 2)),
        "input.required"
    );
}

#[test]
fn only_townships_and_the_office_register_problems() {
    let mut dist = District::new();
    let t = at(2026, 3, 2);
    for login in [D1, LEADER] {
        assert_eq!(
            dist.code(login, cmds::register(P, E1, Priority::Normal, "融资", d(2026, 3, 2)), t),
            "auth.forbidden"
        );
    }
    dist.register_as(OFFICE, P, E1, Priority::Normal, "融资", t);
    assert_eq!(dist.problem(P).registered_by, "user-office");
    assert_eq!(dist.problem(P).township_id, U_T1);
}

#[test]
fn an_unknown_problem_is_not_found() {
    let mut dist = District::new();
    assert_eq!(dist.code(D1, cmds::sign("nope"), at(2026, 3, 2)), "not_found");
}

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
            problem_id: P.into(), text: "阶段性答复：已报市里".into(), stage_reply: true
        },
        at(2026, 3, 3),
    );
    assert!(matches!(&events[..], [EventBody::ProgressNoted { stage_reply: true, unit_id, .. }] if unit_id == U_D1));
    let after = dist.problem(P);
    assert_eq!(after.status, before.status);
    assert_eq!(after.assignment, before.assignment);
    assert_eq!(after.updated_at, at(2026, 3, 3));
    assert_eq!(
        dist.code(D1, Command::NoteProgress { problem_id: P.into(), text: "".into(), stage_reply: false }, t),
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
    };
    assert_eq!(dist.code(D1, cmd(ResultType::Solved, " ", ""), t), "input.required");
    let e = dist.exec(D1, cmd(ResultType::Explained, "已答复", " "), t).unwrap_err();
    assert_eq!(e, DomainError::Required { field: "explanation".into() }, "暂不能解决 must be explained");
    dist.ok(D1, cmd(ResultType::Explained, "已答复", "需省级审批，已报送"), t);
    let r = &dist.problem(P).resolutions[0];
    assert_eq!(r.result_type, ResultType::Explained);
    assert_eq!(r.explanation, "需省级审批，已报送");
}

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
            Command::NoteProgress { problem_id: P.into(), text: blank.into(), stage_reply: false },
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
