//! Projections are a pure fold of the events: after any sequence of commands (accepted or
//! refused), rebuilding from the log gives identical tables and the chain verifies.

use chrono::Duration;
use proptest::prelude::*;
use taizhang_core::command::{AssignRequest, ReturnRuling, SupporterRequest};
use taizhang_core::*;
use taizhang_ledger::Ledger;
use taizhang_testsupport::*;

#[derive(Debug, Clone)]
enum Step {
    Register,
    Assign { lead: usize, supporter: Option<usize> },
    Sign,
    Acknowledge,
    Return,
    Uphold,
    Reassign { lead: usize },
    Progress,
    Opinion,
    Waive,
    AskExtension { days: i64 },
    RuleExtension(bool),
    Urge,
    Resolve,
    Evaluate(u8),
    Close,
    AskWithdrawal,
    RuleWithdrawal(bool),
    Instruct,
    Issue(u8),
    RenameEnterprise,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Register),
        3 => (0..3usize, proptest::option::of(0..3usize)).prop_map(|(lead, supporter)| Step::Assign { lead, supporter }),
        3 => Just(Step::Sign),
        1 => Just(Step::Acknowledge),
        1 => Just(Step::Return),
        1 => Just(Step::Uphold),
        1 => (0..3usize).prop_map(|lead| Step::Reassign { lead }),
        1 => Just(Step::Progress),
        2 => Just(Step::Opinion),
        1 => Just(Step::Waive),
        1 => (1..20i64).prop_map(|days| Step::AskExtension { days }),
        1 => any::<bool>().prop_map(Step::RuleExtension),
        1 => Just(Step::Urge),
        3 => Just(Step::Resolve),
        2 => (0..3u8).prop_map(Step::Evaluate),
        2 => Just(Step::Close),
        1 => Just(Step::AskWithdrawal),
        1 => any::<bool>().prop_map(Step::RuleWithdrawal),
        1 => Just(Step::Instruct),
        2 => (0..3u8).prop_map(Step::Issue),
        1 => Just(Step::RenameEnterprise),
    ]
}

const USERS: [&str; 7] = ["admin", "cg", "xs", "gx", "zr", "rs", "ld"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn rebuild_equals_projections(steps in proptest::collection::vec((step(), 0..7usize, 0..6usize, 0..3i64), 1..60)) {
        let mut now = at(2026, 2, 9);
        let mut l = Ledger::create_in_memory(now).unwrap();
        let d = district(&mut l, now);
        let depts = [d.dept_a.clone(), d.dept_b.clone(), d.dept_c.clone()];
        let mut problems: Vec<String> = Vec::new();
        let mut accepted = 0;
        for (i, (step, user, target, days)) in steps.into_iter().enumerate() {
            now += Duration::days(days) + Duration::minutes(7);
            let pid = problems.get(target % problems.len().max(1)).cloned().unwrap_or_default();
            let today = local_date(now);
            let cmd = match step {
                Step::Register => {
                    let pid = format!("p{i}");
                    problems.push(pid.clone());
                    Command::Register {
                        problem_id: pid,
                        enterprise_id: Some(if user % 2 == 0 { d.enterprise.clone() } else { d.enterprise2.clone() }),
                        new_enterprise: None,
                        visit_id: None,
                        source: Source::Visit,
                        category: "融资".into(),
                        description: format!("问题{i}：流动资金紧张"),
                        demand: "协调贷款".into(),
                        raised_on: today,
                        priority: Priority::ALL[i % 3],
                        responsible_leader: String::new(),
                        origin: None,
                        attachments: Vec::new(),
                    }
                }
                Step::Assign { lead, supporter } => Command::Assign {
                    problem_id: pid,
                    request: AssignRequest {
                        lead_unit_id: depts[lead].clone(),
                        handler: String::new(),
                        supporters: supporter.map(|s| SupporterRequest { unit_id: depts[s].clone(), sub_deadline: None }).into_iter().collect(),
                        sign_deadline: None,
                        handling_deadline: None,
                    },
                },
                Step::Sign => Command::Sign { problem_id: pid, handler: "经办人".into() },
                Step::Acknowledge => Command::Acknowledge { problem_id: pid },
                Step::Return => Command::Return { problem_id: pid, reason: "非本单位职责".into(), proposed_unit_id: depts[(user + 1) % 3].clone() },
                Step::Uphold => Command::RuleReturn { problem_id: pid, ruling: ReturnRuling::Uphold, note: String::new() },
                Step::Reassign { lead } => Command::RuleReturn { problem_id: pid, ruling: ReturnRuling::Reassign(assign(&depts[lead], &[])), note: "改派".into() },
                Step::Progress => Command::NoteProgress { problem_id: pid, text: "正在协调".into(), stage_reply: user % 2 == 0, attachments: Vec::new(),  },
                Step::Opinion => Command::SubmitOpinion { problem_id: pid, opinion: "同意".into() },
                Step::Waive => {
                    let unit = depts[user % 3].clone();
                    Command::WaiveOpinion { problem_id: pid, unit_id: unit, reason: "无需配合".into() }
                }
                Step::AskExtension { days } => Command::RequestExtension { problem_id: pid, new_deadline: today + Duration::days(days + 20), reason: "需上级审批".into() },
                Step::RuleExtension(approve) => Command::RuleExtension { problem_id: pid, approve, note: "审核意见".into() },
                Step::Urge => Command::Urge { problem_id: pid, level: Escalation::Yellow, notice: "请加快办理".into() },
                Step::Resolve => Command::Resolve { problem_id: pid, result_type: ResultType::ALL[user % 3], result_text: "已办理".into(), explanation: "说明".into(), attachments: Vec::new(),  },
                Step::Evaluate(s) => Command::Evaluate { problem_id: pid, satisfaction: Satisfaction::ALL[s as usize], comment: "企业意见".into(), attachments: Vec::new(),  },
                Step::Close => Command::Close { problem_id: pid, note: String::new() },
                Step::AskWithdrawal => Command::RequestWithdrawal { problem_id: pid, reason: "企业已自行解决".into() },
                Step::RuleWithdrawal(approve) => Command::RuleWithdrawal { problem_id: pid, approve, note: "核实".into() },
                Step::Instruct => Command::Instruct { problem_id: pid, text: "请抓紧办理".into() },
                Step::Issue(k) => Command::IssueDocument {
                    problem_id: pid,
                    kind: taizhang_core::document::DocumentKind::ALL[k as usize],
                },
                Step::RenameEnterprise => {
                    let mut e = l.find_enterprise(&d.enterprise).unwrap().unwrap();
                    e.name = format!("示范区恒达精密机械有限公司{i}");
                    Command::UpdateEnterprise { enterprise: e }
                }
            };
            if l.execute(USERS[user], &cmd, now).is_ok() {
                accepted += 1;
            }
        }
        let report = l.rebuild().unwrap();
        prop_assert!(report.equal, "differing: {:?} after {} accepted commands", report.differing_tables, accepted);
        prop_assert!(l.verify().unwrap().ok);
        // Every event the write path accepted is one the rules admit when replayed.
        let full = l.verify_full().unwrap();
        prop_assert!(full.ok, "not admitted: {:?}", full.first_not_admitted);
    }
}

/// A clock's instant has nanoseconds; the log keeps microseconds. What a command folds at the
/// moment it is recorded must be what a rebuild folds from the log: before the append folded
/// the log's instant, every act made with a real clock (the window, the CLI without
/// `TAIZHANG_NOW`) left the aggregates a few hundred nanoseconds from their rebuild.
#[test]
fn an_act_at_an_instant_with_nanoseconds_folds_as_its_rebuild() {
    let mut f = taizhang_testsupport::ledger::district_file();
    let now = at(2026, 3, 3) + Duration::nanoseconds(123_456_789);
    register(&mut f.ledger, &f.district, "p-ns", now);
    f.ledger
        .execute(
            "cg",
            &Command::ResolveLocally {
                problem_id: "p-ns".into(),
                result_text: "已解决".into(),
                attachments: Vec::new(),
            },
            now,
        )
        .unwrap();
    let r = f.ledger.rebuild().unwrap();
    assert!(r.equal, "differs in {:?}", r.differing_tables);
}
