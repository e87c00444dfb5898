//! A desktop replica in a test: a ledger file joined to the district, and the checks every
//! test makes of it (its projections are a rebuild's; it equals the server in its scope).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use taizhang_core::*;
use taizhang_ledger::Ledger;
use taizhang_sync::{JoinOptions, SyncSummary};

use crate::cluster::{t0, ADMIN_PASSWORD};
use crate::fixture::{District, PASSWORD};

pub struct Desk {
    pub ledger: Ledger,
    pub login: String,
    _dir: tempfile::TempDir,
}

/// The test's clock: `minutes` after the fixture's office commands.
pub fn at(minutes: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(minutes)
}

impl Desk {
    /// A new replica file of `login`, joined and approved by the office.
    pub fn join(d: &District, login: &str) -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let opts = JoinOptions {
            url: d.server.base.clone(),
            fingerprint: None,
            login: login.into(),
            password: if login == "admin" { ADMIN_PASSWORD } else { PASSWORD }.into(),
            device_name: format!("{login}'s desk"),
        };
        let ledger = taizhang_sync::join(&path, &opts, at(1)).unwrap();
        assert_eq!(ledger.replica().unwrap().device_state, "pending");
        use taizhang_server::Store;
        d.store.decide_device(ledger.device_id(), true, "admin", t0()).unwrap();
        Desk { ledger, login: login.into(), _dir: dir }
    }

    /// A replica file already on disk (a copy, a restored backup) as `login`'s desk.
    pub fn open(path: &std::path::Path, login: &str) -> Desk {
        Desk { ledger: Ledger::open(path).unwrap(), login: login.into(), _dir: tempfile::tempdir().unwrap() }
    }

    pub fn sync(&mut self, minutes: i64) -> SyncSummary {
        let s = taizhang_sync::sync(&mut self.ledger, at(minutes), &mut |_| {}).unwrap();
        self.assert_rebuild_equal();
        s
    }

    /// The live projections are exactly what a fresh rebuild makes.
    pub fn assert_rebuild_equal(&mut self) {
        let r = self.ledger.rebuild().unwrap();
        assert!(r.equal, "{}: rebuild differs in {:?}", self.login, r.differing_tables);
        assert!(self.ledger.verify().unwrap().ok, "{}: chain", self.login);
        // Every applied event, replayed in fold order, is one the rules admit.
        let full = self.ledger.verify_full().unwrap();
        assert!(full.ok, "{}: verify --full: {:?}", self.login, full.first_not_admitted);
    }

    pub fn register(&mut self, enterprise: &str, text: &str, minutes: i64) -> String {
        let id = taizhang_ledger::new_id(at(minutes));
        self.ledger
            .execute(
                &self.login,
                &Command::Register {
                    problem_id: id.clone(),
                    enterprise_id: Some(enterprise.into()),
                    new_enterprise: None,
                    visit_id: None,
                    source: Source::Visit,
                    category: Settings::default().categories[0].clone(),
                    description: text.into(),
                    demand: "请协调".into(),
                    raised_on: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
                    priority: Priority::Normal,
                    responsible_leader: String::new(),
                    origin: None,
                    attachments: Vec::new(),
                },
                at(minutes),
            )
            .unwrap();
        id
    }

    /// Every problem aggregate this file holds, by id.
    pub fn problems(&self) -> BTreeMap<String, serde_json::Value> {
        self.ledger
            .all_problems()
            .unwrap()
            .into_iter()
            .map(|p| (p.id.clone(), serde_json::to_value(&p).unwrap()))
            .collect()
    }

    pub fn number(&self, problem: &str) -> String {
        self.ledger.problem(problem).unwrap().number
    }
}

/// Assigning to `unit` as its lead, with the deadlines the calendar gives.
pub fn assign_to(unit: &str) -> taizhang_core::command::AssignRequest {
    taizhang_core::command::AssignRequest {
        lead_unit_id: unit.to_string(),
        handler: String::new(),
        supporters: vec![],
        sign_deadline: None,
        handling_deadline: None,
    }
}

/// The server's problem aggregates, by id, of the problems `unit` may see (township: its own;
/// department: those it leads or supports or ever did).
pub fn server_problems(d: &District, unit: &str) -> BTreeMap<String, serde_json::Value> {
    let mut c = postgres::Client::connect(&d.url, postgres::NoTls).unwrap();
    c.query(
        "SELECT p.id, p.body::jsonb FROM problems p
         WHERE p.township_id = $1 OR EXISTS (SELECT 1 FROM visibility v WHERE v.problem_id = p.id AND v.unit_id = $1)",
        &[&unit],
    )
    .unwrap()
    .into_iter()
    .map(|r| (r.get::<_, String>(0), r.get::<_, serde_json::Value>(1)))
    .collect()
}

/// Every problem aggregate on the server, by id (the office's scope).
pub fn server_all_problems(d: &District) -> BTreeMap<String, serde_json::Value> {
    let mut c = postgres::Client::connect(&d.url, postgres::NoTls).unwrap();
    c.query("SELECT id, body::jsonb FROM problems", &[])
        .unwrap()
        .into_iter()
        .map(|r| (r.get::<_, String>(0), r.get::<_, serde_json::Value>(1)))
        .collect()
}

pub fn server_events(d: &District) -> i64 {
    crate::count(&d.url, "SELECT count(*) FROM events")
}
