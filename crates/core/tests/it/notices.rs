//! The bell's rule (`notices`): which recorded acts concern which user, each kind, from the
//! event and the problem as it stood before it; nobody is told of their own act.

use chrono::{DateTime, Utc};

use crate::support::*;
use taizhang_core::notices::{concerns, notice_of, NoticeKind, Viewer};
use taizhang_core::*;

/// Runs `cmd` as `login` and returns, for each event it made that is a notice, its kind and
/// the logins it concerns.
fn told(d: &mut District, login: &str, cmd: Command, now: DateTime<Utc>) -> Vec<(NoticeKind, Vec<&'static str>)> {
    let before = cmd_problem(&cmd).and_then(|pid| d.w.problems.get(&pid).cloned());
    let events = d.ok(login, cmd, now);
    let actor = d.user(login).id;
    let mut out = Vec::new();
    let mut state = before;
    for e in &events {
        if let Some(n) = notice_of(e, state.as_ref()) {
            let who = ALL_LOGINS
                .iter()
                .copied()
                .filter(|l| {
                    let u = d.user(l);
                    concerns(&n, &actor, &Viewer { user_id: &u.id, unit_id: &u.unit_id, role: u.role, name: &u.name })
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
    assert_eq!(one(told(d, T1, c, t)), (NoticeKind::Registered, vec![OFFICE]));
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
