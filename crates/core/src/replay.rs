//! The state as the events made it, held in memory: a `World` folded from a log, event by
//! event, with the calendar, settings and time rules in force. `verify --full` replays a
//! ledger through `admit` on it, so the check reads nothing a read table could have lent it.
//! Problems fold through `Problem::from_registration` + `Problem::apply`, as in the projector.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::admit::{admit, AdmitContext, Verdict};
use crate::calendar::Calendar;
use crate::document::{DocumentKind, DocumentNumbers};
use crate::event::{EventBody, EventMeta};
use crate::model::*;
use crate::monitoring::records::{IndicatorReport, Project, ProjectProgress, RaisedWarning};
use crate::monitoring::Month;
use crate::monitoring_state::MonitoringMemory;
use crate::problem::Problem;
use crate::settings::Settings;
use crate::workflow::World;

#[derive(Debug, Clone, Default)]
pub struct Replay {
    units: HashMap<Id, Unit>,
    unit_by_name: HashMap<String, Id>,
    users: HashMap<Id, User>,
    user_by_login: HashMap<String, Id>,
    enterprises: HashMap<Id, Enterprise>,
    enterprise_by_code: HashMap<String, Id>,
    visits: HashMap<Id, Visit>,
    problems: HashMap<Id, Problem>,
    problem_by_number: HashMap<String, Id>,
    problem_by_import_key: HashMap<String, Id>,
    /// Highest number sequence per (year, township).
    number_seq: HashMap<(i32, Id), u32>,
    monitoring: MonitoringMemory,
    documents: DocumentNumbers,
    pub calendar: Calendar,
    pub settings: Settings,
    /// Events folded so far.
    pub position: u64,
    /// The latest time of any event folded so far.
    pub latest: Option<DateTime<Utc>>,
}

impl Replay {
    pub fn new() -> Self {
        Replay::default()
    }

    /// What the rules say of the next event, given everything folded so far.
    pub fn admit(&self, body: &EventBody, meta: &EventMeta) -> Verdict {
        self.admit_after(body, meta, self.latest)
    }

    /// `admit` with the time rule read against `latest`. The district server reads "the latest
    /// event before this one" as the device's own previous event (offline desks' acts arrive
    /// late), so a replica's log replays with that reading.
    pub fn admit_after(&self, body: &EventBody, meta: &EventMeta, latest: Option<DateTime<Utc>>) -> Verdict {
        let ctx = AdmitContext {
            calendar: &self.calendar,
            settings: &self.settings,
            position: self.position,
            latest,
            received_at: None,
        };
        admit(body, meta, &ctx, self)
    }

    /// Folds one event (admitted or not: the caller decides whether to go on).
    pub fn apply(&mut self, body: &EventBody, meta: &EventMeta) {
        use EventBody as E;
        match body {
            E::LedgerInitialized { .. } => {}
            E::UnitCreated { unit } | E::UnitUpdated { unit } => {
                if let Some(old) = self.units.get(&unit.id) {
                    self.unit_by_name.remove(&old.name);
                }
                self.unit_by_name.insert(unit.name.clone(), unit.id.clone());
                self.units.insert(unit.id.clone(), unit.clone());
            }
            E::UserCreated { user } => {
                self.user_by_login.insert(user.login.clone(), user.id.clone());
                self.users.insert(user.id.clone(), user.clone());
            }
            E::UserUpdated { user_id, name, unit_id, role, active } => {
                if let Some(u) = self.users.get_mut(user_id) {
                    u.name = name.clone();
                    u.unit_id = unit_id.clone();
                    u.role = *role;
                    u.active = *active;
                }
            }
            E::PasswordSet { user_id, password_hash } => {
                if let Some(u) = self.users.get_mut(user_id) {
                    u.password_hash = password_hash.clone();
                }
            }
            E::EnterpriseCreated { enterprise } | E::EnterpriseUpdated { enterprise } => {
                if let Some(code) = self.enterprises.get(&enterprise.id).and_then(|e| e.credit_code.clone()) {
                    self.enterprise_by_code.remove(&code);
                }
                if let Some(code) = &enterprise.credit_code {
                    self.enterprise_by_code.insert(code.clone(), enterprise.id.clone());
                }
                self.enterprises.insert(enterprise.id.clone(), enterprise.clone());
            }
            E::VisitRecorded { visit } => {
                self.visits.insert(visit.id.clone(), visit.clone());
            }
            E::CalendarYearSet { year } => self.calendar.set_year(year),
            E::CalendarDaySet { date, off, name } => self.calendar.set_day(*date, *off, name),
            E::SettingsChanged { settings } => self.settings = settings.clone(),
            E::ProblemRegistered { .. } | E::ProblemImported { .. } => {
                if let Some(p) = Problem::from_registration(body, meta) {
                    if let Some(key) = p.imported.as_ref().map(|o| o.key.clone()) {
                        self.problem_by_import_key.insert(key, p.id.clone());
                    }
                    // Only a number the ledger gave steers the sequence (`Problem::number_place`).
                    if let Some((year, seq)) = p.number_place() {
                        let e = self.number_seq.entry((year as i32, p.township_id.clone())).or_default();
                        *e = (*e).max(seq as u32);
                    }
                    self.problem_by_number.insert(p.number.clone(), p.id.clone());
                    self.problems.insert(p.id.clone(), p);
                }
            }
            other => {
                if let E::DocumentIssued { kind, year, seq, series, number, .. } = other {
                    self.documents.record(*kind, *year, *seq, series.as_deref(), number);
                }
                if let E::BulletinIssued { period, year, seq, series, number } = other {
                    self.documents.record(DocumentKind::Bulletin, *year, *seq, series.as_deref(), number);
                    self.documents.record_bulletin(period, number);
                }
                if let Some(p) = other.problem_id().and_then(|id| self.problems.get_mut(id)) {
                    p.apply(other, meta);
                }
                self.monitoring.apply(other);
            }
        }
        self.position += 1;
        self.latest = Some(self.latest.map_or(meta.occurred_at, |l| l.max(meta.occurred_at)));
    }

    pub fn problem_count(&self) -> usize {
        self.problems.len()
    }
}

impl World for Replay {
    fn unit(&self, id: &str) -> Option<Unit> {
        self.units.get(id).cloned()
    }
    fn unit_by_name(&self, name: &str) -> Option<Unit> {
        self.unit_by_name.get(name).and_then(|id| self.units.get(id)).cloned()
    }
    fn user(&self, id: &str) -> Option<User> {
        self.users.get(id).cloned()
    }
    fn user_by_login(&self, login: &str) -> Option<User> {
        self.user_by_login.get(login).and_then(|id| self.users.get(id)).cloned()
    }
    fn all_units(&self) -> Vec<Unit> {
        self.units.values().cloned().collect()
    }
    fn all_logins(&self) -> Vec<String> {
        self.users.values().map(|u| u.login.clone()).collect()
    }
    fn enterprise(&self, id: &str) -> Option<Enterprise> {
        self.enterprises.get(id).cloned()
    }
    fn enterprise_by_credit_code(&self, code: &str) -> Option<Enterprise> {
        self.enterprise_by_code.get(code).and_then(|id| self.enterprises.get(id)).cloned()
    }
    fn visit(&self, id: &str) -> Option<Visit> {
        self.visits.get(id).cloned()
    }
    fn problem(&self, id: &str) -> Option<Problem> {
        self.problems.get(id).cloned()
    }
    fn problem_id_by_number(&self, number: &str) -> Option<Id> {
        self.problem_by_number.get(number).cloned()
    }
    fn problem_id_by_import_key(&self, key: &str) -> Option<Id> {
        self.problem_by_import_key.get(key).cloned()
    }
    fn next_problem_seq(&self, year: i32, township_id: &str) -> u32 {
        self.number_seq.get(&(year, township_id.to_string())).copied().unwrap_or(0) + 1
    }
    fn indicator_report(&self, enterprise_id: &str, month: Month) -> Option<IndicatorReport> {
        self.monitoring.indicator_report(enterprise_id, month)
    }
    fn project(&self, id: &str) -> Option<Project> {
        self.monitoring.project(id)
    }
    fn project_progress(&self, project_id: &str, month: Month) -> Option<ProjectProgress> {
        self.monitoring.project_progress(project_id, month)
    }
    fn document_number_taken(&self, number: &str) -> bool {
        self.documents.taken(number)
    }
    fn next_document_seq(&self, kind: DocumentKind, year: i32) -> u32 {
        self.documents.next_seq(kind, year)
    }
    fn bulletin_number(&self, period: &str) -> Option<String> {
        self.documents.bulletin(period)
    }
    fn warning(&self, id: &str) -> Option<(RaisedWarning, bool)> {
        self.monitoring.warning(id)
    }
}
