//! The fixture district: a small district on a ledger, and the problem steps tests start from.

use chrono::{DateTime, Utc};
use taizhang_core::command::{AssignRequest, SupporterRequest};
use taizhang_core::*;
use taizhang_ledger::Ledger;

use crate::enterprise::enterprise;

/// Ids of the fixture district.
#[derive(Clone, Debug)]
pub struct District {
    pub township: String,
    pub township2: String,
    pub dept_a: String,
    pub dept_b: String,
    pub dept_c: String,
    pub enterprise: String,
    pub enterprise2: String,
}

/// The id the fixture gives to its unit, user or enterprise `n` (`t1`, `cg`, `e1`…).
pub fn id(n: &str) -> String {
    format!("fixture-{n}")
}

/// Office `admin`; townships 城关 (`cg`) and 西山 (`xs`); departments 工信局 (`gx`),
/// 自然资源局 (`zr`), 人社局 (`rs`); leader `ld`; one enterprise in each township.
pub fn district(ledger: &mut Ledger, now: DateTime<Utc>) -> District {
    let units = [
        ("t1", "城关街道", "城关", UnitKind::Township),
        ("t2", "西山镇", "西山", UnitKind::Township),
        ("d1", "工业和信息化局", "工信局", UnitKind::Department),
        ("d2", "自然资源局", "自然资源局", UnitKind::Department),
        ("d3", "人力资源和社会保障局", "人社局", UnitKind::Department),
        ("l1", "区政府领导", "区领导", UnitKind::Leadership),
    ];
    for (key, name, short, kind) in units {
        ledger
            .execute(
                "admin",
                &Command::CreateUnit { unit_id: id(key), name: name.into(), short_name: short.into(), kind },
                now,
            )
            .unwrap();
    }
    let users = [
        ("cg", "张镇街", "t1", Role::Township),
        ("xs", "李镇街", "t2", Role::Township),
        ("gx", "王工信", "d1", Role::Department),
        ("zr", "赵资源", "d2", Role::Department),
        ("rs", "钱人社", "d3", Role::Department),
        ("ld", "孙区长", "l1", Role::Leader),
    ];
    for (login, name, unit, role) in users {
        ledger
            .execute(
                "admin",
                &Command::CreateUser {
                    user_id: id(login),
                    login: login.into(),
                    name: name.into(),
                    unit_id: id(unit),
                    role,
                },
                now,
            )
            .unwrap();
    }
    for (key, name, code, township) in [
        ("e1", "示范区恒达精密机械有限公司", "91350100M000100Y43", "t1"),
        ("e2", "西山新材料科技有限公司", "91330106673959654P", "t2"),
    ] {
        let enterprise = Enterprise {
            credit_code: Some(code.into()),
            key_level: KeyLevel::District,
            contact: "陈经理".into(),
            phone: "13800000000".into(),
            ..enterprise(&id(key), name, &id(township))
        };
        ledger.execute("admin", &Command::CreateEnterprise { enterprise }, now).unwrap();
    }
    ids()
}

/// The ids of the fixture district, without writing it (for a ledger `district` filled earlier).
pub fn ids() -> District {
    District {
        township: id("t1"),
        township2: id("t2"),
        dept_a: id("d1"),
        dept_b: id("d2"),
        dept_c: id("d3"),
        enterprise: id("e1"),
        enterprise2: id("e2"),
    }
}

pub fn register(ledger: &mut Ledger, d: &District, problem_id: &str, now: DateTime<Utc>) -> String {
    ledger
        .execute(
            "cg",
            &Command::Register {
                problem_id: problem_id.into(),
                enterprise_id: Some(d.enterprise.clone()),
                new_enterprise: None,
                visit_id: None,
                source: Source::Visit,
                category: "用地".into(),
                description: "扩建厂房用地指标未落实，影响二期投产".into(),
                demand: "协调解决用地指标".into(),
                raised_on: taizhang_core::local_date(now),
                priority: Priority::Normal,
                responsible_leader: String::new(),
                origin: None,
                attachments: Vec::new(),
            },
            now,
        )
        .unwrap();
    problem_id.to_string()
}

pub fn assign(lead: &str, supporters: &[&str]) -> AssignRequest {
    AssignRequest {
        lead_unit_id: lead.into(),
        handler: String::new(),
        supporters: supporters
            .iter()
            .map(|s| SupporterRequest { unit_id: s.to_string(), sub_deadline: None })
            .collect(),
        sign_deadline: None,
        handling_deadline: None,
    }
}
