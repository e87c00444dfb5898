//! Test fixture for the pure core: an in-memory `World` that folds the events it is given, a
//! standard district, `exec` (decide + fold), and drivers that bring a problem to each state.
//!
//! Every test module uses what it needs, so not every helper is used by every module.
#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use taizhang_core::calendar::Calendar;
use taizhang_core::command::{AssignRequest, SupporterRequest};
use taizhang_core::monitoring::{IndicatorReport, Month, Project, ProjectProgress, RaisedWarning};
use taizhang_core::monitoring_state::MonitoringMemory;
use taizhang_core::workflow::{self, Context, World};
use taizhang_core::*;

// ---------------------------------------------------------------------------------------------
// Dates and times
// ---------------------------------------------------------------------------------------------

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

/// 10:00 Beijing time (02:00 UTC) on that local date.
pub fn at(y: i32, m: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, 2, 0, 0).single().expect("valid instant")
}

/// An explicit UTC instant (Beijing = UTC+8).
pub fn utc(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, h, min, 0).single().expect("valid instant")
}

/// `at(..)` plus some minutes, to order several acts on one day.
pub fn at_min(y: i32, m: u32, day: u32, minutes: u32) -> DateTime<Utc> {
    utc(y, m, day, 2 + minutes / 60, minutes % 60)
}

// ---------------------------------------------------------------------------------------------
// The in-memory world
// ---------------------------------------------------------------------------------------------

/// Projections held in memory, folded from events exactly as the ledger would: problem events
/// through `Problem::from_registration` + `Problem::apply`, the rest as simple upserts.
#[derive(Debug, Clone)]
pub struct MemWorld {
    pub units: BTreeMap<String, Unit>,
    pub users: BTreeMap<String, User>,
    pub enterprises: BTreeMap<String, Enterprise>,
    pub visits: BTreeMap<String, Visit>,
    pub problems: BTreeMap<String, Problem>,
    pub calendar: Calendar,
    pub settings: Settings,
    pub monitoring: MonitoringMemory,
    /// Every document number given, and the 通报 of each period.
    pub documents: taizhang_core::document::DocumentNumbers,
    pub log: Vec<(EventMeta, EventBody)>,
}

impl Default for MemWorld {
    fn default() -> Self {
        MemWorld {
            units: BTreeMap::new(),
            users: BTreeMap::new(),
            enterprises: BTreeMap::new(),
            visits: BTreeMap::new(),
            problems: BTreeMap::new(),
            calendar: Calendar::with_builtin_years(),
            settings: Settings::default(),
            monitoring: MonitoringMemory::default(),
            documents: Default::default(),
            log: Vec::new(),
        }
    }
}

impl World for MemWorld {
    fn unit(&self, id: &str) -> Option<Unit> {
        self.units.get(id).cloned()
    }
    fn unit_by_name(&self, name: &str) -> Option<Unit> {
        self.units.values().find(|u| u.name == name).cloned()
    }
    fn user(&self, id: &str) -> Option<User> {
        self.users.get(id).cloned()
    }
    fn user_by_login(&self, login: &str) -> Option<User> {
        self.users.values().find(|u| u.login == login).cloned()
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
        self.enterprises.values().find(|e| e.credit_code.as_deref() == Some(code)).cloned()
    }
    fn visit(&self, id: &str) -> Option<Visit> {
        self.visits.get(id).cloned()
    }
    fn problem(&self, id: &str) -> Option<Problem> {
        self.problems.get(id).cloned()
    }
    fn problem_id_by_number(&self, number: &str) -> Option<Id> {
        self.problems.values().find(|p| p.number == number).map(|p| p.id.clone())
    }
    fn problem_id_by_import_key(&self, key: &str) -> Option<Id> {
        self.problems.values().find(|p| p.imported.as_ref().is_some_and(|o| o.key == key)).map(|p| p.id.clone())
    }
    fn next_problem_seq(&self, year: i32, township_id: &str) -> u32 {
        // As the ledger's projection: only numbers the ledger gave have a place.
        self.problems
            .values()
            .filter(|p| p.township_id == township_id)
            .filter_map(|p| p.number_place())
            .filter(|(y, _)| *y == i64::from(year))
            .map(|(_, seq)| seq as u32)
            .max()
            .unwrap_or(0)
            + 1
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
    fn warning(&self, id: &str) -> Option<(RaisedWarning, bool)> {
        self.monitoring.warning(id)
    }
    fn document_number_taken(&self, number: &str) -> bool {
        self.documents.taken(number)
    }
    fn next_document_seq(&self, kind: taizhang_core::document::DocumentKind, year: i32) -> u32 {
        self.documents.next_seq(kind, year)
    }
    fn bulletin_number(&self, period: &str) -> Option<String> {
        self.documents.bulletin(period)
    }
}

impl MemWorld {
    /// Folds one event into the projections.
    pub fn apply(&mut self, body: &EventBody, meta: &EventMeta) {
        use EventBody as E;
        match body {
            E::LedgerInitialized { .. } => {}
            E::UnitCreated { unit } | E::UnitUpdated { unit } => {
                self.units.insert(unit.id.clone(), unit.clone());
            }
            E::UserCreated { user } => {
                self.users.insert(user.id.clone(), user.clone());
            }
            E::UserUpdated { user_id, name, unit_id, role, active } => {
                let u = self.users.get_mut(user_id).expect("user exists");
                u.name = name.clone();
                u.unit_id = unit_id.clone();
                u.role = *role;
                u.active = *active;
            }
            E::PasswordSet { user_id, password_hash } => {
                self.users.get_mut(user_id).expect("user exists").password_hash = password_hash.clone();
            }
            E::EnterpriseCreated { enterprise } | E::EnterpriseUpdated { enterprise } => {
                self.enterprises.insert(enterprise.id.clone(), enterprise.clone());
            }
            E::VisitRecorded { visit } => {
                self.visits.insert(visit.id.clone(), visit.clone());
            }
            E::CalendarYearSet { year } => self.calendar.set_year(year),
            E::CalendarDaySet { date, off, name } => self.calendar.set_day(*date, *off, name),
            E::SettingsChanged { settings } => self.settings = settings.clone(),
            E::ProblemRegistered { .. } | E::ProblemImported { .. } => {
                let p = Problem::from_registration(body, meta).expect("a registration");
                assert!(self.problems.insert(p.id.clone(), p).is_none(), "problem registered twice");
            }
            E::BulletinIssued { period, year, seq, series, number } => {
                let kind = taizhang_core::document::DocumentKind::Bulletin;
                self.documents.record(kind, *year, *seq, series.as_deref(), number);
                self.documents.record_bulletin(period, number);
            }
            other => match other.problem_id() {
                Some(pid) => {
                    if let E::DocumentIssued { kind, year, seq, series, number, .. } = other {
                        self.documents.record(*kind, *year, *seq, series.as_deref(), number);
                    }
                    self.problems.get_mut(pid).expect("problem exists").apply(other, meta)
                }
                None => self.monitoring.apply(other),
            },
        }
        self.log.push((meta.clone(), body.clone()));
    }

    pub fn units_vec(&self) -> Vec<Unit> {
        self.units.values().cloned().collect()
    }
    pub fn problems_vec(&self) -> Vec<Problem> {
        self.problems.values().cloned().collect()
    }
    pub fn enterprises_vec(&self) -> Vec<Enterprise> {
        self.enterprises.values().cloned().collect()
    }
    pub fn visits_vec(&self) -> Vec<Visit> {
        self.visits.values().cloned().collect()
    }
}

// ---------------------------------------------------------------------------------------------
// The standard district
// ---------------------------------------------------------------------------------------------

// Logins.
pub const OFFICE: &str = "office";
pub const LEADER: &str = "leader";
pub const T1: &str = "t1";
pub const T2: &str = "t2";
pub const D1: &str = "d1";
pub const D2: &str = "d2";
pub const D3: &str = "d3";
pub const D4: &str = "d4";
pub const ALL_LOGINS: [&str; 8] = [OFFICE, LEADER, T1, T2, D1, D2, D3, D4];

// Unit ids.
pub const U_OFFICE: &str = "u-office";
pub const U_LEAD: &str = "u-leadership";
pub const U_T1: &str = "u-t1";
pub const U_T2: &str = "u-t2";
pub const U_D1: &str = "u-d1";
pub const U_D2: &str = "u-d2";
pub const U_D3: &str = "u-d3";
pub const U_D4: &str = "u-d4";

// Enterprises: three in township 1, two in township 2.
pub const E1: &str = "e1"; // t1, 区级重点
pub const E2: &str = "e2"; // t1, 镇级重点
pub const E3: &str = "e3"; // t1, 一般
pub const E4: &str = "e4"; // t2, 区级重点
pub const E5: &str = "e5"; // t2, 一般

/// The day the district was set up (Monday 2025-01-06, before anything else happens).
pub fn setup_time() -> DateTime<Utc> {
    at(2025, 1, 6)
}

pub fn unit_of_login(login: &str) -> &'static str {
    match login {
        OFFICE => U_OFFICE,
        LEADER => U_LEAD,
        T1 => U_T1,
        T2 => U_T2,
        D1 => U_D1,
        D2 => U_D2,
        D3 => U_D3,
        D4 => U_D4,
        _ => panic!("unknown login {login}"),
    }
}

pub fn enterprise(id: &str, name: &str, township: &str, key_level: KeyLevel) -> Enterprise {
    Enterprise {
        id: id.into(),
        name: name.into(),
        credit_code: None,
        township_id: township.into(),
        industry: "制造业".into(),
        scale: Scale::Above,
        key_level,
        address: String::new(),
        contact: "联系人".into(),
        phone: "13800000000".into(),
        steward: String::new(),
        paired_leader: String::new(),
    }
}

#[derive(Debug, Clone)]
pub struct District {
    pub w: MemWorld,
}

impl District {
    /// Office unit + office user; 2 townships with a user each; 4 departments with a user each;
    /// a leadership unit with a leader; five enterprises. Everything after the office itself
    /// goes through `exec`, so set-up exercises the commands too.
    pub fn new() -> District {
        let mut w = MemWorld::default();
        let now = setup_time();
        let sys = EventMeta { actor: "system".into(), occurred_at: now };
        w.apply(
            &EventBody::UnitCreated {
                unit: Unit {
                    id: U_OFFICE.into(),
                    name: "区企业服务年办公室".into(),
                    short_name: "服务办".into(),
                    kind: UnitKind::Office,
                    active: true,
                },
            },
            &sys,
        );
        w.apply(
            &EventBody::UserCreated {
                user: User {
                    id: "user-office".into(),
                    login: OFFICE.into(),
                    name: "办公室王主任".into(),
                    unit_id: U_OFFICE.into(),
                    role: Role::Office,
                    active: true,
                    password_hash: None,
                },
            },
            &sys,
        );
        let mut district = District { w };
        let units: [(&str, &str, &str, UnitKind); 7] = [
            (U_T1, "城关镇", "城关", UnitKind::Township),
            (U_T2, "东湖街道", "东湖", UnitKind::Township),
            (U_D1, "发改局", "发改", UnitKind::Department),
            (U_D2, "自然资源局", "资规", UnitKind::Department),
            (U_D3, "人社局", "人社", UnitKind::Department),
            (U_D4, "住建局", "住建", UnitKind::Department),
            (U_LEAD, "区领导", "领导", UnitKind::Leadership),
        ];
        for (id, name, short, kind) in units {
            district.ok(
                OFFICE,
                Command::CreateUnit { unit_id: id.into(), name: name.into(), short_name: short.into(), kind },
                now,
            );
        }
        let users: [(&str, &str, Role); 7] = [
            (T1, "城关镇李干部", Role::Township),
            (T2, "东湖街道赵干部", Role::Township),
            (D1, "发改局钱科长", Role::Department),
            (D2, "资规局孙科长", Role::Department),
            (D3, "人社局周科长", Role::Department),
            (D4, "住建局吴科长", Role::Department),
            (LEADER, "郑副区长", Role::Leader),
        ];
        for (login, name, role) in users {
            district.ok(
                OFFICE,
                Command::CreateUser {
                    user_id: format!("user-{login}"),
                    login: login.into(),
                    name: name.into(),
                    unit_id: unit_of_login(login).into(),
                    role,
                },
                now,
            );
        }
        let enterprises = [
            (T1, enterprise(E1, "城关精密机械有限公司", U_T1, KeyLevel::District)),
            (T1, enterprise(E2, "城关食品有限公司", U_T1, KeyLevel::Town)),
            (T1, enterprise(E3, "城关五金店", U_T1, KeyLevel::General)),
            (T2, enterprise(E4, "东湖新材料股份有限公司", U_T2, KeyLevel::District)),
            (T2, enterprise(E5, "东湖物流有限公司", U_T2, KeyLevel::General)),
        ];
        for (login, e) in enterprises {
            district.ok(login, Command::CreateEnterprise { enterprise: e }, now);
        }
        district
    }

    pub fn user(&self, login: &str) -> User {
        self.w.user_by_login(login).unwrap_or_else(|| panic!("no user {login}"))
    }

    pub fn actor(&self, login: &str) -> Actor {
        let user = self.user(login);
        let unit = self.w.unit(&user.unit_id).expect("the user's unit exists");
        Actor { user, unit }
    }

    pub fn ctx(&self, now: DateTime<Utc>) -> Context<'_> {
        Context { now, calendar: &self.w.calendar, settings: &self.w.settings }
    }

    /// Decides `cmd` as `login` at `now` and folds the resulting events; a refusal changes nothing.
    pub fn exec(&mut self, login: &str, cmd: Command, now: DateTime<Utc>) -> Result<Vec<EventBody>, DomainError> {
        let actor = self.actor(login);
        let events = {
            let ctx = self.ctx(now);
            workflow::decide(&cmd, &actor, &ctx, &self.w)?
        };
        let meta = EventMeta { actor: actor.user.id.clone(), occurred_at: now };
        for e in &events {
            self.w.apply(e, &meta);
        }
        Ok(events)
    }

    /// `exec` that must succeed.
    #[track_caller]
    pub fn ok(&mut self, login: &str, cmd: Command, now: DateTime<Utc>) -> Vec<EventBody> {
        let shown = format!("{cmd:?}");
        match self.exec(login, cmd, now) {
            Ok(events) => events,
            Err(e) => panic!("{login} was refused ({}: {e}) for {shown}", e.code()),
        }
    }

    /// `exec` that must be refused; returns the stable error code and checks nothing changed.
    #[track_caller]
    pub fn code(&mut self, login: &str, cmd: Command, now: DateTime<Utc>) -> &'static str {
        let before = self.w.log.len();
        let shown = format!("{cmd:?}");
        match self.exec(login, cmd, now) {
            Ok(events) => panic!("{login} was allowed {shown}: {events:?}"),
            Err(e) => {
                assert_eq!(self.w.log.len(), before, "a refused command appended events");
                e.code()
            }
        }
    }

    #[track_caller]
    pub fn problem(&self, id: &str) -> Problem {
        self.w.problem(id).unwrap_or_else(|| panic!("no problem {id}"))
    }

    pub fn status(&self, id: &str) -> Status {
        self.problem(id).status
    }

    pub fn assignment(&self, id: &str) -> problem::Assignment {
        self.problem(id).assignment.expect("assigned")
    }

    pub fn gate(&self, login: &str, action: Action, pid: &str, now: DateTime<Utc>) -> Result<(), DomainError> {
        workflow::gate(action, &self.problem(pid), &self.actor(login), &self.ctx(now))
    }

    pub fn allowed(&self, login: &str, pid: &str, now: DateTime<Utc>) -> Vec<Action> {
        workflow::allowed_actions(&self.problem(pid), &self.actor(login), &self.ctx(now))
    }

    pub fn available(&self, login: &str, pid: &str, now: DateTime<Utc>) -> Vec<workflow::ActionCheck> {
        workflow::available_actions(&self.problem(pid), &self.actor(login), &self.ctx(now))
    }

    pub fn lateness(&self, pid: &str, today: NaiveDate) -> escalation::Lateness {
        escalation::lateness(&self.problem(pid), today, &self.w.calendar, &self.w.settings)
    }

    /// Changes settings through the office's command.
    pub fn update_settings(&mut self, f: impl FnOnce(&mut Settings), now: DateTime<Utc>) {
        let mut s = self.w.settings.clone();
        f(&mut s);
        self.ok(OFFICE, Command::UpdateSettings { settings: s }, now);
    }

    // ---- drivers: each brings the problem `pid` one step on, as the right user ------------

    /// Registers a problem of `enterprise` as `login` (a township or the office).
    pub fn register_as(
        &mut self,
        login: &str,
        pid: &str,
        enterprise: &str,
        priority: Priority,
        category: &str,
        now: DateTime<Utc>,
    ) -> Problem {
        self.ok(login, cmds::register(pid, enterprise, priority, category, local_date(now)), now);
        self.problem(pid)
    }

    /// The standard problem: township 1's key enterprise E1, normal priority, 融资.
    pub fn registered(&mut self, pid: &str, now: DateTime<Utc>) -> Problem {
        self.register_as(T1, pid, E1, Priority::Normal, "融资", now)
    }

    /// Registered, then assigned to department 1 with department 2 supporting.
    pub fn assigned(&mut self, pid: &str, now: DateTime<Utc>) -> Problem {
        self.registered(pid, now);
        self.ok(OFFICE, cmds::assign(pid, U_D1, &[U_D2]), now);
        self.problem(pid)
    }

    /// Assigned and signed by department 1.
    pub fn in_progress(&mut self, pid: &str, now: DateTime<Utc>) -> Problem {
        self.assigned(pid, now);
        self.ok(D1, cmds::sign(pid), now);
        self.problem(pid)
    }

    /// In progress with department 2's opinion given: ready to resolve.
    pub fn in_progress_settled(&mut self, pid: &str, now: DateTime<Utc>) -> Problem {
        self.in_progress(pid, now);
        self.ok(D2, cmds::opinion(pid, "同意牵头单位意见"), now);
        self.problem(pid)
    }

    /// Assigned, then returned by department 1 proposing department 3.
    pub fn disputed(&mut self, pid: &str, now: DateTime<Utc>) -> Problem {
        self.assigned(pid, now);
        self.ok(D1, cmds::ret(pid, "不属于本单位职责", U_D3), now);
        self.problem(pid)
    }

    /// Resolved (已解决) by department 1, not yet evaluated.
    pub fn resolved(&mut self, pid: &str, now: DateTime<Utc>) -> Problem {
        self.in_progress_settled(pid, now);
        self.ok(D1, cmds::resolve(pid, ResultType::Solved), now);
        self.problem(pid)
    }

    /// Resolved and rated 满意 by township 1.
    pub fn evaluated(&mut self, pid: &str, now: DateTime<Utc>) -> Problem {
        self.resolved(pid, now);
        self.ok(T1, cmds::evaluate(pid, Satisfaction::Satisfied, ""), now);
        self.problem(pid)
    }

    /// Evaluated and closed out by the office.
    pub fn closed(&mut self, pid: &str, now: DateTime<Utc>) -> Problem {
        self.evaluated(pid, now);
        self.ok(OFFICE, cmds::close(pid), now);
        self.problem(pid)
    }

    /// In progress, then withdrawn at township 1's request with the office's approval.
    pub fn withdrawn(&mut self, pid: &str, now: DateTime<Utc>) -> Problem {
        self.in_progress(pid, now);
        self.ok(T1, cmds::request_withdrawal(pid, "企业已自行解决"), now);
        self.ok(OFFICE, cmds::rule_withdrawal(pid, true, ""), now);
        self.problem(pid)
    }

    /// Registered and resolved locally (就地解决) by township 1.
    pub fn resolved_locally(&mut self, pid: &str, now: DateTime<Utc>) -> Problem {
        self.registered(pid, now);
        self.ok(T1, cmds::resolve_locally(pid, "镇里当场协调解决"), now);
        self.problem(pid)
    }
}

impl Default for District {
    fn default() -> Self {
        District::new()
    }
}

// ---------------------------------------------------------------------------------------------
// Command builders with valid, non-empty inputs
// ---------------------------------------------------------------------------------------------

pub mod cmds {
    use super::*;
    use taizhang_core::command::ReturnRuling;

    pub fn register(pid: &str, enterprise: &str, priority: Priority, category: &str, raised_on: NaiveDate) -> Command {
        Command::Register {
            problem_id: pid.into(),
            enterprise_id: Some(enterprise.into()),
            new_enterprise: None,
            visit_id: None,
            source: Source::Visit,
            category: category.into(),
            description: "企业反映的问题".into(),
            demand: "希望尽快协调".into(),
            raised_on,
            priority,
            responsible_leader: String::new(),
            origin: None,
            attachments: Vec::new(),
        }
    }

    pub fn request(lead: &str, supporters: &[&str]) -> AssignRequest {
        AssignRequest {
            lead_unit_id: lead.into(),
            handler: String::new(),
            supporters: supporters
                .iter()
                .map(|s| SupporterRequest { unit_id: (*s).into(), sub_deadline: None })
                .collect(),
            sign_deadline: None,
            handling_deadline: None,
        }
    }

    pub fn assign(pid: &str, lead: &str, supporters: &[&str]) -> Command {
        Command::Assign { problem_id: pid.into(), request: request(lead, supporters) }
    }

    pub fn assign_req(pid: &str, request: AssignRequest) -> Command {
        Command::Assign { problem_id: pid.into(), request }
    }

    pub fn sign(pid: &str) -> Command {
        Command::Sign { problem_id: pid.into(), handler: "张承办".into() }
    }

    pub fn acknowledge(pid: &str) -> Command {
        Command::Acknowledge { problem_id: pid.into() }
    }

    pub fn ret(pid: &str, reason: &str, proposed: &str) -> Command {
        Command::Return { problem_id: pid.into(), reason: reason.into(), proposed_unit_id: proposed.into() }
    }

    pub fn uphold(pid: &str) -> Command {
        Command::RuleReturn { problem_id: pid.into(), ruling: ReturnRuling::Uphold, note: "维持原交办".into() }
    }

    pub fn reassign(pid: &str, lead: &str, supporters: &[&str]) -> Command {
        Command::RuleReturn {
            problem_id: pid.into(),
            ruling: ReturnRuling::Reassign(request(lead, supporters)),
            note: "改由建议单位牵头".into(),
        }
    }

    pub fn progress(pid: &str) -> Command {
        Command::NoteProgress {
            problem_id: pid.into(),
            text: "已与企业对接".into(),
            stage_reply: false,
            attachments: Vec::new(),
        }
    }

    pub fn opinion(pid: &str, text: &str) -> Command {
        Command::SubmitOpinion { problem_id: pid.into(), opinion: text.into() }
    }

    pub fn waive(pid: &str, unit: &str, reason: &str) -> Command {
        Command::WaiveOpinion { problem_id: pid.into(), unit_id: unit.into(), reason: reason.into() }
    }

    pub fn extend(pid: &str, new_deadline: NaiveDate, reason: &str) -> Command {
        Command::RequestExtension { problem_id: pid.into(), new_deadline, reason: reason.into() }
    }

    pub fn rule_extension(pid: &str, approve: bool, note: &str) -> Command {
        Command::RuleExtension { problem_id: pid.into(), approve, note: note.into() }
    }

    pub fn urge(pid: &str, level: Escalation) -> Command {
        Command::Urge { problem_id: pid.into(), level, notice: "请加快办理".into() }
    }

    pub fn resolve(pid: &str, result_type: ResultType) -> Command {
        Command::Resolve {
            problem_id: pid.into(),
            result_type,
            result_text: "已办理完毕".into(),
            explanation: if result_type == ResultType::Explained { "政策暂不支持".into() } else { String::new() },
            attachments: Vec::new(),
        }
    }

    pub fn evaluate(pid: &str, satisfaction: Satisfaction, comment: &str) -> Command {
        Command::Evaluate { problem_id: pid.into(), satisfaction, comment: comment.into(), attachments: Vec::new() }
    }

    pub fn close(pid: &str) -> Command {
        Command::Close { problem_id: pid.into(), note: String::new() }
    }

    pub fn request_withdrawal(pid: &str, reason: &str) -> Command {
        Command::RequestWithdrawal { problem_id: pid.into(), reason: reason.into() }
    }

    pub fn rule_withdrawal(pid: &str, approve: bool, note: &str) -> Command {
        Command::RuleWithdrawal { problem_id: pid.into(), approve, note: note.into() }
    }

    pub fn resolve_locally(pid: &str, text: &str) -> Command {
        Command::ResolveLocally { problem_id: pid.into(), result_text: text.into(), attachments: Vec::new() }
    }

    pub fn instruct(pid: &str) -> Command {
        Command::Instruct { problem_id: pid.into(), text: "请相关部门全力支持".into() }
    }

    pub fn visit(id: &str, enterprise: &str, date: NaiveDate) -> Command {
        Command::RecordVisit {
            visit: Visit {
                id: id.into(),
                enterprise_id: enterprise.into(),
                // Filled in from the enterprise by `decide`.
                township_id: String::new(),
                date,
                visitors: "李干部".into(),
                form: VisitForm::OnSite,
                notes: String::new(),
            },
        }
    }
}
