//! The bell's rule (`notices`): which recorded acts concern which user, each kind, from the
//! event, the problem as it stood before it and its enterprise's 包联领导; nobody is told of
//! their own act.

use chrono::{DateTime, Utc};

use crate::support::*;
use taizhang_core::notices::{concern, concerns, notice_of, Concern, NoticeKind, Viewer};
use taizhang_core::*;

/// Runs `cmd` as `login` and returns, for each event it made that is a notice, its kind and
/// the logins it concerns.
fn told(d: &mut District, login: &str, cmd: Command, now: DateTime<Utc>) -> Vec<(NoticeKind, Vec<&'static str>)> {
    told_why(d, login, cmd, now).into_iter().map(|(k, who)| (k, who.into_iter().map(|(l, _)| l).collect())).collect()
}

/// The second district leader, paired (包联) with enterprises in some tests.
const PAIRED: &str = "leader2";

/// `told`, with why each user is concerned.
fn told_why(
    d: &mut District,
    login: &str,
    cmd: Command,
    now: DateTime<Utc>,
) -> Vec<(NoticeKind, Vec<(&'static str, Concern)>)> {
    let before = cmd_problem(&cmd).and_then(|pid| d.w.problems.get(&pid).cloned());
    let events = d.ok(login, cmd, now);
    let actor = d.user(login).id;
    let mut out = Vec::new();
    let mut state = before;
    let logins: Vec<&'static str> =
        ALL_LOGINS.iter().copied().chain(d.w.users.values().any(|u| u.login == PAIRED).then_some(PAIRED)).collect();
    for e in &events {
        // The 包联领导 of the problem's enterprise as the world holds it (a registration names it).
        let enterprise = state.as_ref().map(|p| p.enterprise_id.clone()).or_else(|| match e {
            EventBody::ProblemRegistered { enterprise_id, .. } => Some(enterprise_id.clone()),
            _ => None,
        });
        let pairing = enterprise.and_then(|id| d.w.enterprises.get(&id)).map(|x| x.paired_leader.clone());
        if let Some(n) = notice_of(e, state.as_ref(), pairing.as_deref().unwrap_or("")) {
            let who = logins
                .iter()
                .copied()
                .filter_map(|l| {
                    let u = d.user(l);
                    let viewer = Viewer { user_id: &u.id, unit_id: &u.unit_id, role: u.role, name: &u.name };
                    let why = concern(&n, &actor, &viewer);
                    assert_eq!(why.is_some(), concerns(&n, &actor, &viewer));
                    why.map(|w| (l, w))
                })
                .collect();
            out.push((n.kind, who));
        }
        let meta = EventMeta { actor: actor.clone(), occurred_at: now };
        match state.as_mut() {
            Some(p) => p.apply(e, &meta),
            None => state = problem::Problem::from_registration(e, &meta),
        }
    }
    out
}

fn cmd_problem(cmd: &Command) -> Option<String> {
    let v = serde_json::to_value(cmd).ok()?;
    let top = v.as_object()?;
    let pid = top.get("problem_id").or_else(|| top.values().find_map(|v| v.get("problem_id")))?;
    pid.as_str().map(String::from)
}

fn one(v: Vec<(NoticeKind, Vec<&'static str>)>) -> (NoticeKind, Vec<&'static str>) {
    assert_eq!(v.len(), 1, "{v:?}");
    v.into_iter().next().unwrap()
}

/// A problem whose responsible leader (负责领导) is the fixture's leader.
fn led(d: &mut District, pid: &str, t: DateTime<Utc>) {
    let mut c = cmds::register(pid, E1, Priority::Normal, "融资", local_date(t));
    if let Command::Register { responsible_leader, .. } = &mut c {
        *responsible_leader = d.user(LEADER).name;
    }
    let (kind, who) = one(told(d, T1, c, t));
    assert_eq!(kind, NoticeKind::Registered);
    assert!(who.contains(&OFFICE), "{who:?}");
}

#[test]
fn a_registration_tells_the_office_which_assigns_it() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    let c = cmds::register("p1", E1, Priority::Normal, "融资", local_date(t));
    assert_eq!(one(told(&mut d, T1, c, t)), (NoticeKind::Registered, vec![OFFICE]));
    // The office registering itself is told nothing of its own act.
    let c = cmds::register("p2", E1, Priority::Normal, "融资", local_date(t));
    assert_eq!(one(told(&mut d, OFFICE, c, t)), (NoticeKind::Registered, vec![]));
}

#[test]
fn an_assignment_tells_the_lead_the_supporters_and_the_responsible_leader() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    led(&mut d, "p1", t);
    let got = one(told(&mut d, OFFICE, cmds::assign("p1", U_D1, &[U_D2]), t));
    assert_eq!(got, (NoticeKind::Assigned, vec![LEADER, D1, D2]));
    // Without a responsible leader, only the units.
    d.registered("p2", t);
    assert_eq!(one(told(&mut d, OFFICE, cmds::assign("p2", U_D3, &[]), t)), (NoticeKind::Assigned, vec![D3]));
}

#[test]
fn a_return_tells_the_office_and_its_ruling_tells_the_unit_that_returned() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    d.assigned("p1", t);
    let got = one(told(&mut d, D1, cmds::ret("p1", "不属于本单位职责", U_D3), t));
    assert_eq!(got, (NoticeKind::Returned, vec![OFFICE]));
    assert_eq!(one(told(&mut d, OFFICE, cmds::uphold("p1"), t)), (NoticeKind::ReturnUpheld, vec![D1]));

    d.disputed("p2", t);
    let got = one(told(&mut d, OFFICE, cmds::reassign("p2", U_D3, &[U_D4]), t));
    assert_eq!(got, (NoticeKind::Reassigned, vec![D1, D3, D4]));
}

#[test]
fn an_extension_request_tells_the_office_and_its_ruling_tells_the_unit_that_asked() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    for (pid, approve, kind) in
        [("p1", true, NoticeKind::ExtensionApproved), ("p2", false, NoticeKind::ExtensionRefused)]
    {
        d.in_progress(pid, t);
        let later = d.assignment(pid).handling_deadline + chrono::Days::new(10);
        assert_eq!(
            one(told(&mut d, D1, cmds::extend(pid, later, "需要时间"), t)),
            (NoticeKind::ExtensionRequested, vec![OFFICE])
        );
        assert_eq!(one(told(&mut d, OFFICE, cmds::rule_extension(pid, approve, "意见"), t)), (kind, vec![D1]));
    }
}

#[test]
fn an_urge_tells_the_lead_and_the_responsible_leader() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    led(&mut d, "p1", t);
    d.ok(OFFICE, cmds::assign("p1", U_D1, &[U_D2]), t);
    let got = one(told(&mut d, OFFICE, cmds::urge("p1", Escalation::Yellow), t));
    assert_eq!(got, (NoticeKind::Urged, vec![LEADER, D1]));
}

#[test]
fn an_instruction_tells_the_lead_and_the_office_not_the_leader_who_gave_it() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    led(&mut d, "p1", t);
    d.ok(OFFICE, cmds::assign("p1", U_D1, &[]), t);
    assert_eq!(one(told(&mut d, LEADER, cmds::instruct("p1"), t)), (NoticeKind::Instructed, vec![OFFICE, D1]));
}

#[test]
fn a_resolution_tells_the_township_and_a_reopening_tells_the_lead() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    d.in_progress_settled("p1", t);
    let got = one(told(&mut d, D1, cmds::resolve("p1", ResultType::Solved), t));
    assert_eq!(got, (NoticeKind::Resolved, vec![T1]));
    let got = one(told(&mut d, T1, cmds::evaluate("p1", Satisfaction::Unsatisfied, "没解决"), t));
    assert_eq!(got, (NoticeKind::Reopened, vec![D1]));
    // A 满意 is no notice: the office's 待销号 queue holds it.
    d.resolved("p2", t);
    assert!(told(&mut d, T1, cmds::evaluate("p2", Satisfaction::Satisfied, ""), t).is_empty());
    // An item resolved on the spot and reopened goes back to the office to assign.
    d.resolved_locally("p3", t);
    let got = one(told(&mut d, T1, cmds::evaluate("p3", Satisfaction::Unsatisfied, "没解决"), t));
    assert_eq!(got, (NoticeKind::Reopened, vec![OFFICE]));
}

#[test]
fn a_withdrawal_request_tells_the_office_and_its_ruling_tells_the_township() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    d.in_progress("p1", t);
    let got = one(told(&mut d, T1, cmds::request_withdrawal("p1", "企业已自行解决"), t));
    assert_eq!(got, (NoticeKind::WithdrawalRequested, vec![OFFICE]));
    let got = one(told(&mut d, OFFICE, cmds::rule_withdrawal("p1", false, "继续办理"), t));
    assert_eq!(got, (NoticeKind::WithdrawalRuled, vec![T1]));
}

#[test]
fn acts_nobody_waits_on_are_no_notices() {
    let mut d = District::new();
    let t = at(2026, 3, 2);
    d.assigned("p1", t);
    assert!(told(&mut d, D1, cmds::sign("p1"), t).is_empty());
    assert!(told(&mut d, D1, cmds::progress("p1"), t).is_empty());
    assert!(told(&mut d, D2, cmds::opinion("p1", "同意"), t).is_empty());
}

// ---------------------------------------------------------------------------------------------
// 包联领导: a district leader paired with the problem's enterprise follows its life.
// ---------------------------------------------------------------------------------------------

/// The fixture's district with a second leader, 包联领导 of E1 (a 区级重点 enterprise).
fn paired_district() -> District {
    let mut d = District::new();
    let now = setup_time();
    d.ok(
        OFFICE,
        Command::CreateUser {
            user_id: "user-leader2".into(),
            login: PAIRED.into(),
            name: "钱副区长".into(),
            unit_id: U_LEAD.into(),
            role: Role::Leader,
        },
        now,
    );
    let mut e = d.w.enterprises[E1].clone();
    e.paired_leader = "钱副区长".into();
    d.ok(OFFICE, Command::UpdateEnterprise { enterprise: e }, now);
    d
}

#[test]
fn a_paired_leader_hears_of_a_new_problem_of_their_enterprise() {
    let mut d = paired_district();
    let t = at(2026, 3, 2);
    let c = cmds::register("p1", E1, Priority::Normal, "融资", local_date(t));
    assert_eq!(
        told_why(&mut d, T1, c, t),
        [(NoticeKind::Registered, vec![(OFFICE, Concern::Office), (PAIRED, Concern::PairedLeader)])]
    );
    // Another enterprise's problem is not theirs.
    let c = cmds::register("p2", E2, Priority::Normal, "融资", local_date(t));
    assert_eq!(one(told(&mut d, T1, c, t)), (NoticeKind::Registered, vec![OFFICE]));
}

#[test]
fn a_paired_leader_hears_of_the_assignment_and_a_reassignment() {
    let mut d = paired_district();
    let t = at(2026, 3, 2);
    d.registered("p1", t);
    let got = told_why(&mut d, OFFICE, cmds::assign("p1", U_D1, &[U_D2]), t);
    assert_eq!(
        got,
        [(NoticeKind::Assigned, vec![(D1, Concern::Unit), (D2, Concern::Unit), (PAIRED, Concern::PairedLeader)])]
    );
    d.ok(D1, cmds::ret("p1", "不属于本单位职责", U_D3), t);
    let got = one(told(&mut d, OFFICE, cmds::reassign("p1", U_D3, &[]), t));
    assert_eq!(got, (NoticeKind::Reassigned, vec![D1, D3, PAIRED]));
}

#[test]
fn a_paired_leader_hears_of_an_urge_where_lateness_escalates() {
    let mut d = paired_district();
    let t = at(2026, 3, 2);
    d.assigned("p1", t);
    assert_eq!(one(told(&mut d, OFFICE, cmds::urge("p1", Escalation::Red), t)), (NoticeKind::Urged, vec![D1, PAIRED]));
}

#[test]
fn a_paired_leader_hears_of_the_resolution_a_reopening_and_the_closing() {
    let mut d = paired_district();
    let t = at(2026, 3, 2);
    d.in_progress_settled("p1", t);
    let got = one(told(&mut d, D1, cmds::resolve("p1", ResultType::Solved), t));
    assert_eq!(got, (NoticeKind::Resolved, vec![T1, PAIRED]));
    let got = one(told(&mut d, T1, cmds::evaluate("p1", Satisfaction::Unsatisfied, "没解决"), t));
    assert_eq!(got, (NoticeKind::Reopened, vec![D1, PAIRED]));
    d.ok(D1, cmds::resolve("p1", ResultType::Solved), t);
    d.ok(T1, cmds::evaluate("p1", Satisfaction::Satisfied, ""), t);
    assert_eq!(
        told_why(&mut d, OFFICE, cmds::close("p1"), t),
        [(NoticeKind::Closed, vec![(PAIRED, Concern::PairedLeader)])]
    );
}

#[test]
fn a_closing_tells_the_responsible_leader_as_such_even_when_paired_too() {
    let mut d = paired_district();
    let t = at(2026, 3, 2);
    // The fixture's leader answers for p1; the paired leader is told as 包联领导.
    led(&mut d, "p1", t);
    d.ok(OFFICE, cmds::assign("p1", U_D1, &[]), t);
    d.ok(D1, cmds::sign("p1"), t);
    d.ok(D1, cmds::resolve("p1", ResultType::Solved), t);
    d.ok(T1, cmds::evaluate("p1", Satisfaction::Satisfied, ""), t);
    let got = told_why(&mut d, OFFICE, cmds::close("p1"), t);
    assert_eq!(
        got,
        [(NoticeKind::Closed, vec![(LEADER, Concern::ResponsibleLeader), (PAIRED, Concern::PairedLeader)])]
    );
    // One leader both answering for an item and paired with its enterprise is told once, as
    // its 负责领导.
    let mut e = d.w.enterprises[E1].clone();
    e.paired_leader = d.user(LEADER).name;
    d.ok(OFFICE, Command::UpdateEnterprise { enterprise: e }, t);
    led(&mut d, "p2", t);
    let got = told_why(&mut d, OFFICE, cmds::assign("p2", U_D1, &[]), t);
    assert_eq!(got, [(NoticeKind::Assigned, vec![(LEADER, Concern::ResponsibleLeader), (D1, Concern::Unit)])]);
}

#[test]
fn a_paired_leader_is_not_told_of_the_back_and_forth_nor_of_their_own_act() {
    let mut d = paired_district();
    let t = at(2026, 3, 2);
    d.assigned("p1", t);
    // A return, its ruling, an extension asked and ruled: between the office and the department.
    assert_eq!(one(told(&mut d, D1, cmds::ret("p1", "不属于本单位职责", U_D3), t)).1, vec![OFFICE]);
    assert_eq!(one(told(&mut d, OFFICE, cmds::uphold("p1"), t)).1, vec![D1]);
    d.ok(D1, cmds::sign("p1"), t);
    let later = d.assignment("p1").handling_deadline + chrono::Days::new(10);
    assert_eq!(one(told(&mut d, D1, cmds::extend("p1", later, "需要时间"), t)).1, vec![OFFICE]);
    assert_eq!(one(told(&mut d, OFFICE, cmds::rule_extension("p1", true, "同意"), t)).1, vec![D1]);
    // Their own 批示 on it is no notice to them.
    assert_eq!(one(told(&mut d, PAIRED, cmds::instruct("p1"), t)), (NoticeKind::Instructed, vec![OFFICE, D1]));
    // A township official named as an enterprise's 包联领导 (a 镇级 pairing) is not told as one:
    // the bell's pairing is a district leader's.
    let mut e = d.w.enterprises[E1].clone();
    e.paired_leader = d.user(T1).name;
    d.ok(OFFICE, Command::UpdateEnterprise { enterprise: e }, t);
    d.registered("p2", t);
    assert_eq!(one(told(&mut d, OFFICE, cmds::assign("p2", U_D2, &[]), t)), (NoticeKind::Assigned, vec![D2]));
}
