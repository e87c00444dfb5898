//! A small district on a fresh database: two townships, two departments, their users (each
//! with a password), an enterprise in each township, and a server running over it.

use chrono::NaiveDate;
use taizhang_core::command::AssignRequest;
use taizhang_core::*;
use taizhang_server::store::office::new_id;
use taizhang_server::{PgStore, Store};

use crate::client::{start, Device, Server};
use crate::cluster::{fresh_db, t0, ADMIN_PASSWORD};

pub const PASSWORD: &str = "pass-word";

pub struct District {
    pub url: String,
    pub store: PgStore,
    pub server: Server,
    pub t1: String,
    pub t2: String,
    pub d1: String,
    pub d2: String,
    pub e1: String,
    pub e2: String,
}

impl District {
    pub fn new() -> District {
        let url = fresh_db();
        let store = PgStore::open(&url).unwrap();
        let mut d = District {
            server: start(&url),
            url,
            store,
            t1: String::new(),
            t2: String::new(),
            d1: String::new(),
            d2: String::new(),
            e1: String::new(),
            e2: String::new(),
        };
        d.t1 = d.unit("一镇", "一镇", UnitKind::Township);
        d.t2 = d.unit("二镇", "二镇", UnitKind::Township);
        d.d1 = d.unit("区发改局", "发改局", UnitKind::Department);
        d.d2 = d.unit("区住建局", "住建局", UnitKind::Department);
        for (login, unit, role) in [
            ("t1", d.t1.clone(), Role::Township),
            ("t2", d.t2.clone(), Role::Township),
            ("d1", d.d1.clone(), Role::Department),
            ("d2", d.d2.clone(), Role::Department),
        ] {
            d.user(login, &unit, role);
        }
        d.e1 = d.enterprise("一镇甲公司", &d.t1.clone());
        d.e2 = d.enterprise("二镇乙公司", &d.t2.clone());
        d
    }

    pub fn exec(&self, login: &str, cmd: Command) -> Vec<taizhang_server::protocol::EventOutcome> {
        self.store.execute(login, &[cmd], t0()).unwrap_or_else(|e| panic!("{login}: {e}"))
    }

    fn unit(&self, name: &str, short: &str, kind: UnitKind) -> String {
        let id = new_id(t0());
        self.exec(
            "admin",
            Command::CreateUnit { unit_id: id.clone(), name: name.into(), short_name: short.into(), kind },
        );
        id
    }

    pub fn user(&self, login: &str, unit: &str, role: Role) -> String {
        let id = new_id(t0());
        self.exec(
            "admin",
            Command::CreateUser {
                user_id: id.clone(),
                login: login.into(),
                name: login.into(),
                unit_id: unit.into(),
                role,
            },
        );
        let hash = taizhang_server::store::office::password_hash(PASSWORD).unwrap();
        self.exec("admin", Command::SetPassword { user_id: id.clone(), password_hash: Some(hash) });
        id
    }

    fn enterprise(&self, name: &str, township: &str) -> String {
        let id = new_id(t0());
        let e = Enterprise {
            id: id.clone(),
            name: name.into(),
            credit_code: None,
            township_id: township.into(),
            industry: "制造业".into(),
            scale: Scale::Above,
            key_level: KeyLevel::General,
            address: String::new(),
            contact: String::new(),
            phone: String::new(),
            steward: String::new(),
            paired_leader: String::new(),
        };
        self.exec("admin", Command::CreateEnterprise { enterprise: e });
        id
    }

    pub fn user_id(&self, login: &str) -> String {
        self.store.user_id(login).unwrap().unwrap()
    }

    /// A problem registered by `t1` about `e1` (through the office CLI path), optionally assigned.
    pub fn problem(&self, by: &str, enterprise: &str, lead: Option<&str>) -> String {
        let id = new_id(t0());
        self.exec(
            by,
            Command::Register {
                problem_id: id.clone(),
                enterprise_id: Some(enterprise.into()),
                new_enterprise: None,
                visit_id: None,
                source: Source::Visit,
                category: Settings::default().categories[0].clone(),
                description: "用地手续办理慢".into(),
                demand: "加快审批".into(),
                raised_on: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
                priority: Priority::Normal,
                responsible_leader: String::new(),
                origin: None,
                attachments: Vec::new(),
            },
        );
        if let Some(lead) = lead {
            self.assign(&id, lead);
        }
        id
    }

    pub fn assign(&self, problem: &str, lead: &str) {
        self.exec(
            "admin",
            Command::Assign {
                problem_id: problem.into(),
                request: AssignRequest {
                    lead_unit_id: lead.into(),
                    handler: String::new(),
                    supporters: vec![],
                    sign_deadline: None,
                    handling_deadline: None,
                },
            },
        );
    }

    /// A device of `login`, joined and approved.
    pub fn device(&self, login: &str) -> Device {
        let dev = Device::new(login, &self.user_id(login));
        let password = if login == "admin" { ADMIN_PASSWORD } else { PASSWORD };
        let (status, v) = dev.join(&self.server.base, login, password);
        assert_eq!(status, 200, "{v}");
        self.store.decide_device(&dev.id, true, "admin", t0()).unwrap();
        dev
    }
}
