//! The authorization matrix through the shell: every workflow action, invoked through IPC by a
//! user of every relationship to the problem (office, leader, the problem's township, another
//! township, the lead, a supporter, another department), and the shell's own gated commands by
//! every role. Nothing docs/design.md §2/§4 does not allow gets through; what it allows is never
//! refused for authorization (it may still be refused for the state or the input).
//!
//! The core's own matrix (every state × relationship × action) is crates/core/tests/it/workflow.rs.

use crate::common::{data_dir_env, invoke};

use std::path::Path;

use chrono::{TimeZone, Utc};
use serde_json::{json, Value};
use taizhang_core::command::{AssignRequest, SupporterRequest};
use taizhang_core::*;
use taizhang_ledger::Ledger;
use tauri::test::{mock_builder, mock_context, noop_assets};
use tauri::WebviewWindowBuilder;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Rel {
    Office,
    Leader,
    OwnTownship,
    OtherTownship,
    Lead,
    Supporter,
    OtherDept,
}

/// (login, relationship to the problem)
const USERS: &[(&str, Rel)] = &[
    ("admin", Rel::Office),
    ("ld", Rel::Leader),
    ("cg", Rel::OwnTownship),
    ("xs", Rel::OtherTownship),
    ("gx", Rel::Lead),
    ("zr", Rel::Supporter),
    ("rs", Rel::OtherDept),
];

/// docs/design.md §4: who may take each action on a problem.
fn may(action: &str, rel: Rel) -> bool {
    use Rel::*;
    let who: &[Rel] = match action {
        "resolve_locally" => &[OwnTownship],
        "assign" | "rule_return" | "waive_opinion" | "rule_extension" | "urge" | "close" | "rule_withdrawal" => {
            &[Office]
        }
        "sign" | "return" | "request_extension" | "resolve" => &[Lead],
        "acknowledge" | "submit_opinion" => &[Supporter],
        "note_progress" => &[Lead, Supporter],
        "evaluate" | "request_withdrawal" => &[OwnTownship, Office],
        "instruct" => &[Leader],
        other => panic!("no rule for {other}"),
    };
    who.contains(&rel)
}

fn command(action: &str) -> Value {
    let p = "p1";
    match action {
        "resolve_locally" => json!({ "action": action, "problem_id": p, "result_text": "已协调解决" }),
        "assign" => {
            json!({ "action": action, "problem_id": p, "request": { "lead_unit_id": "d3", "handler": "", "supporters": [],
            "sign_deadline": null, "handling_deadline": null } })
        }
        "sign" => json!({ "action": action, "problem_id": p, "handler": "" }),
        "acknowledge" => json!({ "action": action, "problem_id": p }),
        "return" => json!({ "action": action, "problem_id": p, "reason": "不属本单位职责", "proposed_unit_id": "d3" }),
        "rule_return" => json!({ "action": action, "problem_id": p, "ruling": { "ruling": "uphold" }, "note": "" }),
        "note_progress" => json!({ "action": action, "problem_id": p, "text": "已对接", "stage_reply": false }),
        "submit_opinion" => json!({ "action": action, "problem_id": p, "opinion": "同意" }),
        "waive_opinion" => json!({ "action": action, "problem_id": p, "unit_id": "d2", "reason": "无需协办" }),
        "request_extension" => {
            json!({ "action": action, "problem_id": p, "new_deadline": "2026-06-30", "reason": "需上级审批" })
        }
        "rule_extension" => json!({ "action": action, "problem_id": p, "approve": true, "note": "" }),
        "urge" => json!({ "action": action, "problem_id": p, "level": "yellow", "notice": "请加快办理" }),
        "resolve" => {
            json!({ "action": action, "problem_id": p, "result_type": "solved", "result_text": "已解决", "explanation": "" })
        }
        "evaluate" => json!({ "action": action, "problem_id": p, "satisfaction": "satisfied", "comment": "" }),
        "close" => json!({ "action": action, "problem_id": p, "note": "" }),
        "request_withdrawal" => json!({ "action": action, "problem_id": p, "reason": "企业已自行解决" }),
        "rule_withdrawal" => json!({ "action": action, "problem_id": p, "approve": true, "note": "" }),
        "instruct" => json!({ "action": action, "problem_id": p, "text": "请抓紧办理" }),
        other => panic!("no payload for {other}"),
    }
}

fn is_authorization_refusal(code: &str) -> bool {
    code.starts_with("auth.") || code == "enterprise.wrong_township"
}

/// A district with one problem of township t1, assigned to d1 with d2 supporting, signed.
fn base_ledger(path: &Path) {
    let t = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
    let mut l = Ledger::create(path, t).unwrap();
    for (id, name, short, kind) in [
        ("t1", "城关街道", "城关", UnitKind::Township),
        ("t2", "西山镇", "西山", UnitKind::Township),
        ("d1", "工业和信息化局", "工信局", UnitKind::Department),
        ("d2", "自然资源局", "自然资源局", UnitKind::Department),
        ("d3", "人力资源和社会保障局", "人社局", UnitKind::Department),
        ("l1", "区政府领导", "区领导", UnitKind::Leadership),
    ] {
        l.execute(
            "admin",
            &Command::CreateUnit { unit_id: id.into(), name: name.into(), short_name: short.into(), kind },
            t,
        )
        .unwrap();
    }
    for (login, unit, role) in [
        ("cg", "t1", Role::Township),
        ("xs", "t2", Role::Township),
        ("gx", "d1", Role::Department),
        ("zr", "d2", Role::Department),
        ("rs", "d3", Role::Department),
        ("ld", "l1", Role::Leader),
    ] {
        l.execute(
            "admin",
            &Command::CreateUser {
                user_id: login.into(),
                login: login.into(),
                name: login.into(),
                unit_id: unit.into(),
                role,
            },
            t,
        )
        .unwrap();
    }
    let enterprise = Enterprise {
        id: "e1".into(),
        name: "示范区恒达精密机械有限公司".into(),
        credit_code: None,
        township_id: "t1".into(),
        industry: String::new(),
        scale: Scale::Above,
        key_level: KeyLevel::District,
        address: String::new(),
        contact: String::new(),
        phone: String::new(),
        steward: String::new(),
        paired_leader: String::new(),
    };
    l.execute(
        "cg",
        &Command::Register {
            problem_id: "p1".into(),
            enterprise_id: None,
            new_enterprise: Some(enterprise),
            visit_id: None,
            source: Source::Visit,
            category: "用地".into(),
            description: "扩建用地指标未落实".into(),
            demand: String::new(),
            raised_on: local_date(t),
            priority: Priority::Normal,
            responsible_leader: String::new(),
            origin: None,
            attachments: Vec::new(),
        },
        t,
    )
    .unwrap();
    let request = AssignRequest {
        lead_unit_id: "d1".into(),
        handler: String::new(),
        supporters: vec![SupporterRequest { unit_id: "d2".into(), sub_deadline: None }],
        sign_deadline: None,
        handling_deadline: None,
    };
    l.execute("admin", &Command::Assign { problem_id: "p1".into(), request }, t).unwrap();
    l.execute("gx", &Command::Sign { problem_id: "p1".into(), handler: String::new() }, t).unwrap();
}

#[test]
fn every_workflow_action_through_the_shell_obeys_the_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let _env = data_dir_env();
    std::env::set_var("TAIZHANG_DATA_DIR", dir.path());
    let base = dir.path().join("base.db");
    base_ledger(&base);
    let app = taizhang_desktop::build_app(mock_builder(), mock_context(noop_assets()));
    let w = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    let actions: Vec<&str> = Action::ALL.iter().map(|a| a.key()).collect();
    let mut allowed = 0;
    let mut refused = 0;
    for (login, rel) in USERS {
        for action in &actions {
            // Each attempt on a fresh copy, so one user's success does not change another's case.
            let copy = dir.path().join(format!("{login}-{action}.db"));
            std::fs::copy(&base, &copy).unwrap();
            invoke(&w, "ledger_open", json!({ "path": copy.display().to_string() })).unwrap();
            invoke(&w, "sign_in", json!({ "login": login, "password": null })).unwrap();
            let result = invoke(&w, "execute", json!({ "command": command(action) }));
            let offered = invoke(&w, "problem_detail", json!({ "problem": "p1" })).unwrap()["actions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["action"] == *action);
            if may(action, *rel) {
                allowed += 1;
                if let Err(e) = &result {
                    let code = e["code"].as_str().unwrap();
                    assert!(!is_authorization_refusal(code), "{login} ({rel:?}) may {action} but was refused: {e}");
                }
            } else {
                refused += 1;
                match &result {
                    Ok(v) => panic!("{login} ({rel:?}) must not {action}, but it was recorded: {v}"),
                    Err(e) => assert!(e["code"].is_string(), "{e}"),
                }
                assert!(!offered || result.is_err(), "{login} ({rel:?}) is never offered {action}");
            }
            invoke(&w, "ledger_close", json!({})).unwrap();
        }
    }
    assert_eq!(allowed + refused, USERS.len() * actions.len());
    eprintln!("matrix through the shell: {allowed} allowed cases, {refused} refused cases");
}

#[test]
fn the_shells_own_commands_ask_the_core_who_may_use_them() {
    let dir = tempfile::tempdir().unwrap();
    let _env = data_dir_env();
    std::env::set_var("TAIZHANG_DATA_DIR", dir.path());
    let base = dir.path().join("base.db");
    base_ledger(&base);
    let sheet = dir.path().join("台账.csv");
    std::fs::write(&sheet, "企业名称,所属镇街,问题描述\n示范区恒达精密机械有限公司,城关街道,扩建用地指标未落实\n")
        .unwrap();
    let sheet = sheet.display().to_string();
    let app = taizhang_desktop::build_app(mock_builder(), mock_context(noop_assets()));
    let w = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    let channel = "__CHANNEL__:9";
    // (command, arguments, who may: office, leader, township, department)
    let table: Vec<(&str, Value, [bool; 4])> = vec![
        (
            "import_commit",
            json!({ "kind": "ledger", "path": sheet, "options": {}, "on_progress": channel }),
            [true, false, false, false],
        ),
        ("backup_now", json!({ "path": null }), [true, false, false, false]),
        ("report", json!({ "period": "2026" }), [true, true, false, false]),
        (
            "export_report",
            json!({ "path": dir.path().join("r.xlsx").display().to_string(), "period": "2026", "overwrite": true, "on_progress": channel }),
            [true, true, false, false],
        ),
        ("verify_chain", json!({ "on_progress": channel }), [true, true, false, false]),
        ("rebuild_projections", json!({ "on_progress": channel }), [true, true, false, false]),
        (
            "export_ledger",
            json!({ "path": dir.path().join("l.xlsx").display().to_string(), "format": "xlsx", "filter": {}, "sort": {}, "overwrite": true, "on_progress": channel }),
            [true, true, true, true],
        ),
    ];
    for (i, (login, _)) in [("admin", 0), ("ld", 1), ("cg", 2), ("gx", 3)].iter().enumerate() {
        for (cmd, args, who) in &table {
            let copy = dir.path().join(format!("{login}-{cmd}.db"));
            std::fs::copy(&base, &copy).unwrap();
            invoke(&w, "ledger_open", json!({ "path": copy.display().to_string() })).unwrap();
            let before_sign_in = invoke(&w, cmd, args.clone());
            assert!(before_sign_in.is_err(), "{cmd} needs a signed-in user");
            invoke(&w, "sign_in", json!({ "login": login, "password": null })).unwrap();
            let r = invoke(&w, cmd, args.clone());
            if who[i] {
                assert!(r.is_ok(), "{login} may {cmd}: {r:?}");
            } else {
                assert_eq!(r.unwrap_err()["code"], "auth.forbidden", "{login} must not {cmd}");
            }
            invoke(&w, "ledger_close", json!({})).unwrap();
        }
    }
    // restore_ledger: the office only (checked last: it replaces the file).
    for (login, ok) in [("ld", false), ("cg", false), ("gx", false), ("admin", true)] {
        let copy = dir.path().join(format!("{login}-restore.db"));
        std::fs::copy(&base, &copy).unwrap();
        invoke(&w, "ledger_open", json!({ "path": copy.display().to_string() })).unwrap();
        invoke(&w, "sign_in", json!({ "login": login, "password": null })).unwrap();
        let r = invoke(&w, "restore_ledger", json!({ "from": base.display().to_string() }));
        assert_eq!(r.is_ok(), ok, "{login} restore: {r:?}");
        invoke(&w, "ledger_close", json!({})).unwrap();
    }
}
