//! The permission matrix: who may do what, in which state, and each refusal's stable code.

use crate::support::*;
use taizhang_core::*;

use super::{INVALID, P};

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
pub(super) enum Fx {
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

    pub(super) fn build(self) -> District {
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
pub(super) fn check_time() -> chrono::DateTime<chrono::Utc> {
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
