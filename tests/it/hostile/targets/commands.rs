use std::fmt::Debug;

#[allow(unused_imports)]
use super::{calendar::*, import::*, regressions::*, sheet::*, text::*};
use crate::hostile::harness::*;
use crate::hostile::mutations::*;
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use serde_json::{json, Value};
use taizhang_core::command::{AssignRequest, ReturnRuling, SupporterRequest};
use taizhang_core::import::{ImportOrigin, ImportedProblem};
use taizhang_core::*;
use taizhang_ledger::Ledger;
use taizhang_testsupport::{assign, at, date};

// ------------------------------------------------------------------------------------------
// Target 4: command payloads as the desktop shell receives them (JSON, tag "action").
// ------------------------------------------------------------------------------------------

/// The id the fixture district gives to `n`.
pub(super) fn fid(n: &str) -> String {
    taizhang_testsupport::district::id(n)
}

pub(super) fn command_time() -> DateTime<Utc> {
    at(2026, 3, 10)
}

pub(super) fn run(l: &mut Ledger, user: &str, cmd: Command, now: DateTime<Utc>) {
    l.execute(user, &cmd, now).unwrap_or_else(|e| panic!("fixture {cmd:?}: {e}"));
}

/// A district with problems in every state a command can meet.
pub(super) fn command_fixture() -> Ledger {
    let t0 = at(2026, 3, 2);
    let mut l = fresh_district();
    let d = district_ids();
    for id in ["p-reg", "p-asg", "p-prog", "p-ext", "p-disp", "p-res", "p-eval", "p-wd"] {
        taizhang_testsupport::register(&mut l, &d, id, t0);
    }
    let t1 = at(2026, 3, 3);
    let give = |l: &mut Ledger, p: &str, lead: &str, sup: &[&str]| {
        run(l, "admin", Command::Assign { problem_id: p.into(), request: assign(lead, sup) }, t1)
    };
    give(&mut l, "p-prog", &d.dept_a, &[&d.dept_c]);
    give(&mut l, "p-ext", &d.dept_a, &[]);
    give(&mut l, "p-res", &d.dept_a, &[]);
    give(&mut l, "p-eval", &d.dept_a, &[]);
    give(&mut l, "p-disp", &d.dept_b, &[]);
    let t2 = at(2026, 3, 4);
    for p in ["p-prog", "p-ext", "p-res", "p-eval"] {
        run(&mut l, "gx", Command::Sign { problem_id: p.into(), handler: "经办人".into() }, t2);
    }
    run(&mut l, "rs", Command::Acknowledge { problem_id: "p-prog".into() }, t2);
    run(
        &mut l,
        "gx",
        Command::NoteProgress {
            problem_id: "p-prog".into(),
            text: "正在协调".into(),
            stage_reply: false,
            attachments: Vec::new(),
        },
        t2,
    );
    run(
        &mut l,
        "zr",
        Command::Return {
            problem_id: "p-disp".into(),
            reason: "非本单位职责".into(),
            proposed_unit_id: d.dept_a.clone(),
        },
        t2,
    );
    let deadline = l.problem("p-ext").unwrap().assignment.unwrap().handling_deadline;
    run(
        &mut l,
        "gx",
        Command::RequestExtension {
            problem_id: "p-ext".into(),
            new_deadline: deadline + chrono::Duration::days(14),
            reason: "需上级审批".into(),
        },
        t2,
    );
    for p in ["p-res", "p-eval"] {
        run(
            &mut l,
            "gx",
            Command::Resolve {
                problem_id: p.into(),
                result_type: ResultType::Solved,
                result_text: "已办理".into(),
                explanation: String::new(),
                attachments: Vec::new(),
            },
            t2,
        );
    }
    run(
        &mut l,
        "cg",
        Command::Evaluate {
            problem_id: "p-eval".into(),
            satisfaction: Satisfaction::Satisfied,
            comment: String::new(),
            attachments: Vec::new(),
        },
        t2,
    );
    run(&mut l, "cg", Command::RequestWithdrawal { problem_id: "p-wd".into(), reason: "企业已自行解决".into() }, t2);
    let visit = Visit {
        id: "v-1".into(),
        enterprise_id: d.enterprise.clone(),
        township_id: d.township.clone(),
        date: date(2026, 3, 2),
        visitors: "张镇街".into(),
        form: VisitForm::OnSite,
        notes: "走访".into(),
    };
    run(&mut l, "cg", Command::RecordVisit { visit }, t2);
    // Monitoring: February's figures below last year (a 黄 warning), a key project and its month.
    run(&mut l, "cg", monitoring::indicators(&d.enterprise, 950), t2);
    run(&mut l, "admin", Command::RegisterProject { project: monitoring::project("pr-1", &d) }, t2);
    run(&mut l, "cg", monitoring::progress("pr-1"), t2);
    // Assigned the day before the commands run, so its objection window is still open.
    run(
        &mut l,
        "admin",
        Command::Assign { problem_id: "p-asg".into(), request: assign(&d.dept_a, &[&d.dept_b]) },
        at(2026, 3, 9),
    );
    l
}

/// The ids `district` gives (without building one).
pub(super) fn district_ids() -> taizhang_testsupport::District {
    taizhang_testsupport::district::ids()
}

/// A small enterprise (below the scale threshold).
pub(super) fn enterprise(id: &str, name: &str, township: &str) -> Enterprise {
    Enterprise { scale: Scale::Below, ..taizhang_testsupport::enterprise(id, name, township) }
}

/// One valid command of every kind against the fixture.
pub(super) fn command_seeds() -> Vec<Value> {
    let d = district_ids();
    let today = date(2026, 3, 10);
    let mut settings = Settings::default();
    settings.categories.push("新类别".into());
    let year = taizhang_core::calendar::builtin_years().into_iter().find(|y| y.year == 2026).unwrap();
    let imported = ImportedProblem {
        problem_id: "p-imp".into(),
        number: Some("2025-城关-0099".into()),
        enterprise_id: d.enterprise.clone(),
        source: Source::Visit,
        category: "用地".into(),
        description: "导入的问题".into(),
        demand: String::new(),
        raised_on: date(2025, 12, 1),
        priority: Priority::Normal,
        responsible_leader: String::new(),
        lead_unit_id: Some(d.dept_a.clone()),
        handler: String::new(),
        supporter_unit_ids: vec![d.dept_b.clone()],
        assigned_on: Some(date(2025, 12, 2)),
        handling_deadline: Some(date(2026, 1, 30)),
        signed_on: Some(date(2025, 12, 3)),
        progress: "进展".into(),
        resolved_on: None,
        result_type: None,
        result_text: String::new(),
        satisfaction: None,
        closed_on: None,
        status: Status::InProgress,
        origin: ImportOrigin {
            file: "台账.xlsx".into(),
            sheet: "问题台账".into(),
            row: 4,
            file_sha256: String::new(),
            key: "no:2025-城关-0099".into(),
        },
    };
    let cmds = vec![
        Command::CreateUnit {
            unit_id: "u-new".into(),
            name: "区商务局".into(),
            short_name: "商务局".into(),
            kind: UnitKind::Department,
        },
        Command::UpdateUnit {
            unit_id: d.dept_c.clone(),
            name: "人社局".into(),
            short_name: "人社".into(),
            active: false,
        },
        Command::CreateUser {
            user_id: "user-new".into(),
            login: "newuser".into(),
            name: "新用户".into(),
            unit_id: d.dept_a.clone(),
            role: Role::Department,
        },
        Command::UpdateUser {
            user_id: fid("gx"),
            name: "王工信".into(),
            unit_id: d.dept_a.clone(),
            role: Role::Department,
            active: true,
        },
        Command::SetPassword {
            user_id: fid("cg"),
            password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g".into()),
        },
        Command::CreateEnterprise { enterprise: enterprise("e-new", "新企业有限公司", &d.township) },
        Command::UpdateEnterprise {
            enterprise: enterprise(&d.enterprise2, "西山新材料科技有限公司", &d.township2)
        },
        Command::RecordVisit {
            visit: Visit {
                id: "v-new".into(),
                enterprise_id: d.enterprise2.clone(),
                township_id: d.township2.clone(),
                date: today,
                visitors: "李镇街".into(),
                form: VisitForm::Phone,
                notes: String::new(),
            },
        },
        Command::SetCalendarYear { year },
        Command::SetCalendarDay { date: date(2026, 3, 20), off: Some(true), name: "临时放假".into() },
        Command::UpdateSettings { settings },
        Command::Register {
            problem_id: "p-new".into(),
            enterprise_id: Some(d.enterprise.clone()),
            new_enterprise: None,
            visit_id: Some("v-1".into()),
            source: Source::Visit,
            category: "融资".into(),
            description: "流动资金紧张".into(),
            demand: "协调贷款".into(),
            raised_on: today,
            priority: Priority::Urgent,
            responsible_leader: "孙区长".into(),
            origin: None,
            attachments: Vec::new(),
        },
        Command::Register {
            problem_id: "p-new2".into(),
            enterprise_id: None,
            new_enterprise: Some(enterprise("e-new2", "城关新企业", &d.township)),
            visit_id: None,
            source: Source::Hotline,
            category: "用工".into(),
            description: "招工难".into(),
            demand: String::new(),
            raised_on: today,
            priority: Priority::Normal,
            responsible_leader: String::new(),
            origin: None,
            attachments: Vec::new(),
        },
        Command::ImportProblem { problem: imported },
        Command::ResolveLocally {
            problem_id: "p-reg".into(),
            result_text: "已就地解决".into(),
            attachments: Vec::new(),
        },
        Command::Assign {
            problem_id: "p-reg".into(),
            request: AssignRequest {
                lead_unit_id: d.dept_a.clone(),
                handler: "承办人".into(),
                supporters: vec![SupporterRequest { unit_id: d.dept_b.clone(), sub_deadline: Some(date(2026, 3, 20)) }],
                sign_deadline: Some(date(2026, 3, 12)),
                handling_deadline: Some(date(2026, 4, 30)),
            },
        },
        Command::Sign { problem_id: "p-asg".into(), handler: "经办人".into() },
        Command::Acknowledge { problem_id: "p-asg".into() },
        Command::Return {
            problem_id: "p-asg".into(),
            reason: "非本单位职责".into(),
            proposed_unit_id: d.dept_c.clone(),
        },
        Command::RuleReturn { problem_id: "p-disp".into(), ruling: ReturnRuling::Uphold, note: String::new() },
        Command::RuleReturn {
            problem_id: "p-disp".into(),
            ruling: ReturnRuling::Reassign(assign(&d.dept_c, &[])),
            note: "改派".into(),
        },
        Command::NoteProgress {
            problem_id: "p-prog".into(),
            text: "已协调".into(),
            stage_reply: true,
            attachments: Vec::new(),
        },
        Command::SubmitOpinion { problem_id: "p-prog".into(), opinion: "同意".into() },
        Command::WaiveOpinion { problem_id: "p-prog".into(), unit_id: d.dept_c.clone(), reason: "无需配合".into() },
        Command::RequestExtension {
            problem_id: "p-prog".into(),
            new_deadline: date(2026, 6, 30),
            reason: "需审批".into(),
        },
        Command::RuleExtension { problem_id: "p-ext".into(), approve: true, note: String::new() },
        Command::Urge { problem_id: "p-prog".into(), level: Escalation::Yellow, notice: "请加快".into() },
        Command::Resolve {
            problem_id: "p-ext".into(),
            result_type: ResultType::Explained,
            result_text: "已答复".into(),
            explanation: "政策不允许".into(),
            attachments: Vec::new(),
        },
        Command::Evaluate {
            problem_id: "p-res".into(),
            satisfaction: Satisfaction::Unsatisfied,
            comment: "未解决".into(),
            attachments: Vec::new(),
        },
        Command::Close { problem_id: "p-eval".into(), note: String::new() },
        Command::RequestWithdrawal { problem_id: "p-asg".into(), reason: "企业撤回".into() },
        Command::RuleWithdrawal { problem_id: "p-wd".into(), approve: false, note: "不同意".into() },
        Command::Instruct { problem_id: "p-prog".into(), text: "请抓紧".into() },
        Command::IssueDocument {
            problem_id: "p-prog".into(),
            kind: taizhang_core::document::DocumentKind::AssignmentNotice,
        },
        Command::IssueBulletin { period: "2026-03".into() },
        monitoring::indicators(&d.enterprise, 990),
        Command::ReportProduction {
            report: taizhang_core::monitoring::ProductionReport {
                enterprise_id: d.enterprise.clone(),
                month: taizhang_core::monitoring::Month::new(2026, 2).unwrap(),
                xun: taizhang_core::monitoring::Xun::Third,
                lines: vec![taizhang_core::monitoring::ProductLine {
                    product: "数控机床".into(),
                    unit: "台".into(),
                    output: taizhang_core::monitoring::Amount(10000),
                    sales_domestic: taizhang_core::monitoring::Amount(8000),
                    sales_export: taizhang_core::monitoring::Amount(1000),
                    stock: None,
                }],
                note: String::new(),
                late: false,
            },
        },
        Command::RegisterProject { project: monitoring::project("pr-2", &d) },
        Command::UpdateProject { project: monitoring::project("pr-1", &d) },
        monitoring::progress("pr-1"),
        Command::HandleWarning {
            handling: taizhang_core::monitoring::WarningHandling {
                warning_id: monitoring::WARNING.replace("{e}", &d.enterprise),
                note: "已走访".into(),
                visit_id: None,
            },
            visit: None,
        },
    ];
    cmds.iter().map(|c| serde_json::to_value(c).unwrap()).collect()
}

/// Values a field of a command can meet: the fixture's ids, numbers, logins, every enum key.
pub(super) fn command_atoms() -> Vec<Value> {
    let mut v: Vec<Value> = [
        "admin",
        "cg",
        "xs",
        "gx",
        "zr",
        "rs",
        "ld",
        "p-reg",
        "p-asg",
        "p-prog",
        "p-ext",
        "p-disp",
        "p-res",
        "p-eval",
        "p-wd",
        "v-1",
        "2026-城关-0001",
        "2026-城关-0007",
        "fixture-t1",
        "fixture-t2",
        "fixture-d1",
        "fixture-d2",
        "fixture-d3",
        "fixture-l1",
        "fixture-e1",
        "fixture-e2",
        "fixture-admin",
        "fixture-cg",
        "fixture-gx",
        "uphold",
        "reassign",
        "$argon2id$v=19$x",
        "91350100M000100Y43",
        "91350100M000100Y44",
        "2026-03-10",
        "2026-03-11",
        "2026-12-31",
        "2025-01-01",
    ]
    .iter()
    .map(|s| json!(s))
    .collect();
    let keys = |all: Vec<&'static str>| all.into_iter().map(|k| json!(k)).collect::<Vec<_>>();
    v.extend(keys(UnitKind::ALL.iter().map(|k| k.key()).collect()));
    v.extend(keys(Role::ALL.iter().map(|k| k.key()).collect()));
    v.extend(keys(Status::ALL.iter().map(|k| k.key()).collect()));
    v.extend(keys(Priority::ALL.iter().map(|k| k.key()).collect()));
    v.extend(keys(Source::ALL.iter().map(|k| k.key()).collect()));
    v.extend(keys(VisitForm::ALL.iter().map(|k| k.key()).collect()));
    v.extend(keys(Satisfaction::ALL.iter().map(|k| k.key()).collect()));
    v.extend(keys(ResultType::ALL.iter().map(|k| k.key()).collect()));
    v.extend(keys(Escalation::ALL.iter().map(|k| k.key()).collect()));
    v.extend(keys(Action::ALL.iter().map(|a| a.key()).collect()));
    v.extend(keys(taizhang_core::document::DocumentKind::ALL.iter().map(|k| k.key()).collect()));
    {
        use taizhang_core::monitoring::{ProjectNature, ProjectStage, Xun};
        v.extend(keys(Xun::ALL.iter().map(|k| k.key()).collect()));
        v.extend(keys(ProjectNature::ALL.iter().map(|k| k.key()).collect()));
        v.extend(keys(ProjectStage::ALL.iter().map(|k| k.key()).collect()));
    }
    v.extend(
        command_seeds()
            .into_iter()
            .filter_map(|c| c.as_object().map(|o| o.values().cloned().collect::<Vec<_>>()))
            .flatten(),
    );
    v
}

pub(super) const COMMAND_KEYS: &[&str] = &[
    "action",
    "problem_id",
    "unit_id",
    "user_id",
    "name",
    "short_name",
    "kind",
    "active",
    "login",
    "role",
    "password_hash",
    "enterprise",
    "visit",
    "year",
    "date",
    "off",
    "settings",
    "enterprise_id",
    "new_enterprise",
    "visit_id",
    "source",
    "category",
    "description",
    "demand",
    "raised_on",
    "priority",
    "responsible_leader",
    "problem",
    "result_text",
    "request",
    "lead_unit_id",
    "handler",
    "supporters",
    "sign_deadline",
    "handling_deadline",
    "sub_deadline",
    "reason",
    "proposed_unit_id",
    "ruling",
    "note",
    "text",
    "stage_reply",
    "opinion",
    "new_deadline",
    "approve",
    "level",
    "notice",
    "result_type",
    "explanation",
    "satisfaction",
    "comment",
    "days",
    "categories",
    "credit_code",
    "township_id",
];

#[derive(Debug, Clone)]
pub(super) enum Payload {
    Mutated { seed: usize, ops: Vec<JsonOp> },
    Text { seed: usize, ops: Vec<Mutation> },
    Random(Value),
}

pub(super) const ACTORS: &[&str] = &["admin", "cg", "xs", "gx", "zr", "rs", "ld"];

#[test]
pub(super) fn command_payloads() {
    let seeds = command_seeds();
    let action_names: Vec<Value> = seeds.iter().map(|s| s["action"].clone()).collect();
    let mut atoms = command_atoms();
    atoms.extend(action_names);
    let payload = prop_oneof![
        6 => (0..seeds.len(), prop::collection::vec(json_op(atoms.clone(), COMMAND_KEYS.to_vec()), 0..4))
            .prop_map(|(seed, ops)| Payload::Mutated { seed, ops }),
        2 => (0..seeds.len(), mutations(4)).prop_map(|(seed, ops)| Payload::Text { seed, ops }),
        1 => json_value(atoms).prop_map(Payload::Random),
    ];
    let strategy = prop::collection::vec((payload, 0..ACTORS.len()), 1..5);
    run_target("commands: json payloads", cases(160, 0.05), strategy, |payloads, rec| {
        let mut ledger = command_fixture();
        let now = command_time();
        for (payload, third) in &payloads {
            let text = match payload {
                Payload::Mutated { seed, ops } => {
                    let mut v = seeds[*seed].clone();
                    apply_json(&mut v, ops);
                    v.to_string()
                }
                Payload::Text { seed, ops } => {
                    let mut b = seeds[*seed].to_string().into_bytes();
                    mutate(&mut b, ops);
                    String::from_utf8_lossy(&b).into_owned()
                }
                Payload::Random(v) => v.to_string(),
            };
            let cmd: Command = match serde_json::from_str(&text) {
                Ok(c) => c,
                Err(_) => {
                    // The shell refuses a payload that is not a command before the ledger sees it.
                    rec.note("payload is not a command");
                    continue;
                }
            };
            for user in ["admin", "cg", ACTORS[*third]] {
                let before = event_count(&ledger);
                match ledger.execute(user, &cmd, now) {
                    Ok(events) => {
                        prop_assert_eq!(event_count(&ledger), before + events.len() as i64);
                        rec.ok();
                    }
                    Err(e) => {
                        prop_assert_eq!(event_count(&ledger), before, "a refused command appends nothing");
                        rec.refused(e.code(), &e)?;
                    }
                }
            }
        }
        let verified = ledger.verify().unwrap();
        prop_assert!(verified.ok, "chain broken: {:?}", verified.first_break);
        let rebuilt = ledger.rebuild().unwrap();
        prop_assert!(rebuilt.equal, "rebuild differs: {:?}", rebuilt.differing_tables);
        Ok(())
    });
}

#[test]
pub(super) fn every_command_seed_is_accepted_by_someone() {
    // The seeds are real commands: each is accepted by the fixture for at least one user, so
    // the mutations start from the paths that write.
    let now = command_time();
    for seed in command_seeds() {
        let cmd: Command = serde_json::from_value(seed.clone()).unwrap();
        let accepted = ACTORS.iter().any(|u| command_fixture().execute(u, &cmd, now).is_ok());
        assert!(accepted, "no user may run the seed {seed}");
    }
}

/// The monitoring commands of the fixture and the seeds.
mod monitoring {
    use taizhang_core::monitoring::*;
    use taizhang_core::Command;

    /// The warning the fixture's February report raises.
    pub(super) const WARNING: &str = "indicator/{e}/2026-02/gross_output";

    pub(super) fn indicators(enterprise: &str, output: i64) -> Command {
        Command::ReportIndicators {
            report: IndicatorReport {
                enterprise_id: enterprise.into(),
                month: Month::new(2026, 2).unwrap(),
                entries: vec![IndicatorEntry {
                    key: "gross_output".into(),
                    value: Amount(output * 100),
                    cumulative: None,
                    last_year: Some(Amount(100_000)),
                }],
                note: String::new(),
                late: false,
            },
        }
    }

    pub(super) fn project(id: &str, d: &taizhang_testsupport::District) -> Project {
        Project {
            id: id.into(),
            name: format!("重点项目{id}"),
            builder: "建设单位".into(),
            nature: ProjectNature::New,
            township_id: d.township.clone(),
            total_investment: Amount(5_000_000),
            plan_year: 2026,
            annual_plan: Amount(1_200_000),
            planned_start: None,
            planned_finish: None,
            actual_start: None,
            actual_finish: None,
            stage: ProjectStage::Started,
            paired_leader: "赵区长".into(),
            responsible_unit_id: Some(d.dept_a.clone()),
            service_unit_id: None,
            handler: "王工信".into(),
            content: String::new(),
        }
    }

    pub(super) fn progress(project: &str) -> Command {
        Command::ReportProjectProgress {
            progress: ProjectProgress {
                project_id: project.into(),
                month: Month::new(2026, 2).unwrap(),
                invested: Amount(100_000),
                year_to_date: None,
                stage: None,
                image_progress: "场地平整".into(),
                difficulties: String::new(),
                next_steps: String::new(),
                late: false,
            },
        }
    }
}
