//! Read models for the UI and the CLI: the ledger list with filters, sort and paging, Chinese
//! search, a unit's inbox, a problem's detail and timeline, sign-in.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use taizhang_core::escalation::{escalation_cutoffs, lateness, lateness_of, waiting_days, EscalationCutoffs, Lateness};
use taizhang_core::problem::Problem;
use taizhang_core::workflow::{available_actions, ActionCheck, Context};
use taizhang_core::*;

use crate::error::{LedgerError, Result};
use crate::password::verify_password;
use crate::read;
use crate::Ledger;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct ProblemFilter {
    pub statuses: Vec<Status>,
    pub township_id: Option<Id>,
    pub lead_unit_id: Option<Id>,
    pub supporter_unit_id: Option<Id>,
    /// Problems this unit leads or supports (a department's own items, issue 19).
    pub involved_unit_id: Option<Id>,
    pub enterprise_id: Option<Id>,
    pub category: Option<String>,
    pub priority: Option<Priority>,
    /// Overdue to sign or to handle.
    pub overdue: Option<bool>,
    /// Exactly this escalation level.
    pub escalation: Option<Escalation>,
    pub registered_from: Option<NaiveDate>,
    pub registered_to: Option<NaiveDate>,
    pub deadline_from: Option<NaiveDate>,
    pub deadline_to: Option<NaiveDate>,
    /// Chinese full-text search over the number, enterprise name, description and demand.
    pub text: Option<String>,
    /// Supporter tasks still waiting for this unit's opinion.
    pub supporter_unsettled: bool,
    pub extension_pending: Option<bool>,
    pub withdrawal_pending: Option<bool>,
    /// Resolved items whose evaluation is recorded (ready to close) or not.
    pub evaluated: Option<bool>,
    /// The responsible leader (负责领导), as registered: a leader's "my items".
    pub responsible_leader: Option<String>,
    /// Problems this user gave a 批示 on (我的批示件).
    pub instructed_by: Option<Id>,
    /// The enterprise's 包联领导 (its paired leader), as recorded.
    pub paired_leader: Option<String>,
    /// The enterprise's key level (重点企业级别) is one of these (any, when empty).
    pub key_levels: Vec<KeyLevel>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum), value(rename_all = "snake_case"))]
pub enum SortKey {
    #[default]
    Registered,
    Number,
    Deadline,
    Status,
    Escalation,
    Updated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort { key: SortKey::Registered, descending: true }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PageRequest {
    #[ts(type = "number")]
    pub offset: u64,
    #[ts(type = "number")]
    pub limit: u64,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest { offset: 0, limit: 50 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ProblemRow {
    pub id: Id,
    pub number: String,
    pub enterprise_name: String,
    pub township_name: String,
    pub category: String,
    pub priority: Priority,
    pub status: Status,
    pub description: String,
    /// What the enterprise asks for (诉求), as registered.
    #[serde(default)]
    pub demand: String,
    pub lead_unit_name: Option<String>,
    /// The other two of the three levels answering for it: the responsible leader and the
    /// lead unit's named handler (承办人), when known.
    #[serde(default)]
    pub responsible_leader: String,
    #[serde(default)]
    pub handler: Option<String>,
    /// A resolved item whose callback (回访) is recorded: 待销号, else 待回访.
    #[serde(default)]
    pub evaluated: bool,
    pub supporter_names: Vec<String>,
    pub registered_on: NaiveDate,
    /// 已等待 N 天: calendar days since registration while it waits for the office to assign
    /// it (`core::escalation::waiting_days`); `None` once it is no longer waiting.
    #[serde(default)]
    pub waiting_days: Option<u32>,
    pub sign_deadline: Option<NaiveDate>,
    pub handling_deadline: Option<NaiveDate>,
    pub extension_pending: bool,
    pub withdrawal_pending: bool,
    pub reopen_count: u32,
    pub lateness: Lateness,
    /// On a replica: events of this problem made here that wait to go up to the server (0 on a
    /// standalone ledger). The list marks the row 待上传 (docs/sync.md).
    #[serde(default)]
    pub sync_pending: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ProblemPage {
    #[ts(type = "number")]
    pub total: u64,
    #[ts(type = "number")]
    pub offset: u64,
    pub rows: Vec<ProblemRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Inbox {
    pub unit_id: Id,
    pub to_sign: Vec<ProblemRow>,
    pub to_handle: Vec<ProblemRow>,
    pub supporter_tasks: Vec<ProblemRow>,
    pub due_soon: Vec<ProblemRow>,
    pub overdue: Vec<ProblemRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct TimelineEntry {
    #[ts(type = "number")]
    pub seq: i64,
    pub event_id: String,
    pub occurred_at: String,
    pub actor_id: String,
    pub actor_name: String,
    pub actor_unit: String,
    /// The event itself, typed: `kind` and `payload` on the wire, as stored, so the UI reads
    /// the generated `EventBody` union instead of picking keys out of raw JSON.
    #[serde(flatten)]
    pub event: EventBody,
    pub hash: String,
    /// On a replica of a district server (docs/sync.md), the event's standing there: `pending`
    /// (made here, not yet sent or decided), `applied`, `no_effect` or `refused` (both undone
    /// here, and shown, never hidden). `None` on a standalone ledger.
    #[serde(default)]
    pub sync_state: Option<String>,
    /// Why the server did not apply it: `{code, ...fields}`, as every error.
    #[serde(default)]
    #[ts(type = "Record<string, unknown> | null")]
    pub sync_reason: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SupporterView {
    pub unit_id: Id,
    pub unit_name: String,
    pub sub_deadline: NaiveDate,
    pub acknowledged: bool,
    pub opinion: Option<String>,
    pub waived_reason: Option<String>,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ProblemDetail {
    pub problem: Problem,
    pub enterprise: Enterprise,
    pub township_name: String,
    pub lead_unit_name: Option<String>,
    pub supporters: Vec<SupporterView>,
    pub lateness: Lateness,
    /// For a resolved or closed item: 按期办结 or 超期 N 个工作日办结.
    pub finished: Option<taizhang_core::escalation::Finished>,
    pub timeline: Vec<TimelineEntry>,
    /// What the viewer may do now (empty when no viewer is given).
    pub actions: Vec<ActionCheck>,
    /// The documents there is something to print about (issued, or due for the office to
    /// issue): the problem page's 打印文书 menu (docs/documents.md).
    pub printable: Vec<taizhang_core::document::DocumentKind>,
}

/// A user as shown to people: never the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct UserView {
    pub id: Id,
    pub login: String,
    pub name: String,
    pub unit_id: Id,
    pub unit_name: String,
    pub role: Role,
    pub active: bool,
    pub has_password: bool,
}

/// Open and overdue items of one unit, for the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct UnitLoad {
    pub unit_id: Id,
    pub unit_name: String,
    pub open: u32,
    pub overdue: u32,
}

/// The dashboard (工作台): the period's scorecard and summary, the trend, the cards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Dashboard {
    pub scorecard: taizhang_core::figures::Scorecard,
    pub trend: Vec<taizhang_core::figures::MonthPoint>,
    pub due_soon: u32,
    pub red_cards: Vec<ProblemRow>,
    pub yellow_cards: Vec<ProblemRow>,
    pub by_township: Vec<UnitLoad>,
    pub by_department: Vec<UnitLoad>,
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn like_pattern(text: &str) -> String {
    let mut s = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

/// The escalation level of a row in SQL, mirroring `core::escalation::lateness` through the
/// same cut-off dates (parameters :today, :remind, :red, :red_urges).
const LEVEL_SQL: &str = "(CASE WHEN p.status NOT IN ('assigned', 'in_progress', 'disputed') OR p.handling_deadline IS NULL THEN 0
  ELSE max(
    CASE WHEN p.handling_deadline <= :red THEN 3 WHEN p.handling_deadline < :today THEN 2 WHEN p.handling_deadline < :remind THEN 1 ELSE 0 END,
    CASE WHEN p.status <> 'assigned' THEN 0 WHEN p.sign_deadline <= :red THEN 3 WHEN p.sign_deadline < :today THEN 2 WHEN p.sign_deadline < :remind THEN 1 ELSE 0 END,
    p.urge_level,
    CASE WHEN p.urge_count >= :red_urges THEN 3 ELSE 0 END)
  END)";

const OVERDUE_SQL: &str = "(p.status IN ('assigned', 'in_progress', 'disputed') AND (p.handling_deadline < :today
  OR (p.status = 'assigned' AND p.sign_deadline < :today)))";

pub(crate) struct Query {
    pub(crate) wheres: Vec<String>,
    params: Vec<(String, SqlValue)>,
    /// The text search alone (`SELECT rowid FROM problem_search …`), when there is one.
    search: Option<String>,
}

impl Query {
    fn new(cut: &EscalationCutoffs) -> Self {
        let params = vec![
            (":today".into(), SqlValue::Text(cut.today.to_string())),
            (":remind".into(), SqlValue::Text(cut.reminder_before.to_string())),
            (":red".into(), SqlValue::Text(cut.red_on_or_before.to_string())),
            (":red_urges".into(), SqlValue::Integer(cut.red_urges as i64)),
        ];
        Query { wheres: vec![], params, search: None }
    }

    fn bind(&mut self, value: SqlValue) -> String {
        let name = format!(":p{}", self.params.len());
        self.params.push((name.clone(), value));
        name
    }

    /// Adds a condition; every `?` in it stands for the one bound value.
    fn text(&mut self, sql: &str, v: &str) {
        let p = self.bind(SqlValue::Text(v.to_string()));
        self.wheres.push(sql.replace('?', &p));
    }

    pub(crate) fn used_params(&self, sql: &str) -> Vec<(&str, &dyn rusqlite::ToSql)> {
        self.params
            .iter()
            .filter(|(n, _)| sql.contains(n.as_str()))
            .map(|(n, v)| (n.as_str(), v as &dyn rusqlite::ToSql))
            .collect()
    }
}

/// The `WHERE` clause of a filter's conditions (empty when there are none).
pub(crate) fn where_clause(q: &Query) -> String {
    if q.wheres.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", q.wheres.join(" AND "))
    }
}

pub(crate) fn build_where(f: &ProblemFilter, cut: &EscalationCutoffs) -> Query {
    let mut q = Query::new(cut);
    if !f.statuses.is_empty() {
        let list: Vec<String> = f.statuses.iter().map(|s| format!("'{}'", s.key())).collect();
        q.wheres.push(format!("p.status IN ({})", list.join(",")));
    }
    if let Some(v) = &f.township_id {
        q.text("p.township_id = ?", v);
    }
    if let Some(v) = &f.lead_unit_id {
        q.text("p.lead_unit_id = ?", v);
    }
    if let Some(v) = &f.supporter_unit_id {
        let settled = if f.supporter_unsettled { " AND s.settled = 0" } else { "" };
        q.text(
            &format!(
                "EXISTS (SELECT 1 FROM problem_supporters s WHERE s.problem_id = p.id AND s.unit_id = ?{settled})"
            ),
            v,
        );
    }
    if let Some(v) = &f.involved_unit_id {
        // Two index probes (the lead's, the supporters') rather than an OR the planner would
        // answer by scanning every problem.
        q.text(
            "p.rowid IN (SELECT rowid FROM problems WHERE lead_unit_id = ?
               UNION SELECT x.rowid FROM problem_supporters s JOIN problems x ON x.id = s.problem_id WHERE s.unit_id = ?)",
            v,
        );
    }
    if let Some(v) = &f.enterprise_id {
        q.text("p.enterprise_id = ?", v);
    }
    if let Some(v) = &f.paired_leader {
        q.text("p.enterprise_id IN (SELECT id FROM enterprises WHERE paired_leader = ?)", v);
    }
    if !f.key_levels.is_empty() {
        let list: Vec<String> = f.key_levels.iter().map(|k| format!("'{}'", k.key())).collect();
        q.wheres
            .push(format!("p.enterprise_id IN (SELECT id FROM enterprises WHERE key_level IN ({}))", list.join(",")));
    }
    if let Some(v) = &f.responsible_leader {
        q.text("p.responsible_leader = ?", v);
    }
    if let Some(v) = &f.instructed_by {
        q.text(
            "EXISTS (SELECT 1 FROM events ev WHERE ev.subject_id = p.id AND ev.kind = 'instructed' AND ev.actor = ?)",
            v,
        );
    }
    if let Some(v) = &f.category {
        q.text("p.category = ?", v);
    }
    if let Some(v) = f.priority {
        q.text("p.priority = ?", v.key());
    }
    match f.overdue {
        Some(true) => q.wheres.push(OVERDUE_SQL.into()),
        Some(false) => q.wheres.push(format!("NOT {OVERDUE_SQL}")),
        None => {}
    }
    for (col, v) in [("p.extension_pending", f.extension_pending), ("p.withdrawal_pending", f.withdrawal_pending)] {
        if let Some(v) = v {
            q.wheres.push(format!("{col} = {}", v as i32));
        }
    }
    match f.evaluated {
        Some(true) => q.wheres.push("p.evaluation IS NOT NULL".into()),
        Some(false) => q.wheres.push("p.evaluation IS NULL".into()),
        None => {}
    }
    if let Some(level) = f.escalation {
        q.wheres.push(format!("{LEVEL_SQL} = {}", read::escalation_rank(level)));
    }
    for (sql, d) in [
        ("p.registered_on >= ?", f.registered_from),
        ("p.registered_on <= ?", f.registered_to),
        ("p.handling_deadline >= ?", f.deadline_from),
        ("p.handling_deadline <= ?", f.deadline_to),
    ] {
        if let Some(d) = d {
            q.text(sql, &d.to_string());
        }
    }
    if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let search = if t.chars().count() >= 3 {
            // A quoted FTS5 phrase on the trigram index is a substring match.
            let phrase = q.bind(SqlValue::Text(format!("\"{}\"", t.replace('"', "\"\""))));
            format!("SELECT rowid FROM problem_search WHERE problem_search MATCH {phrase}")
        } else {
            // The trigram index cannot serve 1–2 characters: scan the same columns.
            let p = q.bind(SqlValue::Text(like_pattern(t)));
            format!(
                "SELECT rowid FROM problem_search WHERE number LIKE {p} ESCAPE '\\'
                   OR enterprise_name LIKE {p} ESCAPE '\\' OR description LIKE {p} ESCAPE '\\' OR demand LIKE {p} ESCAPE '\\'"
            )
        };
        q.wheres.push(format!("p.rowid IN ({search})"));
        q.search = Some(search);
    }
    q
}

/// The ORDER BY of the ledger list (shared with the export so both list rows alike).
pub(crate) fn order_sql(sort: Sort) -> String {
    let dir = if sort.descending { "DESC" } else { "ASC" };
    match sort.key {
        SortKey::Registered => format!("p.registered_at {dir}, p.number {dir}"),
        SortKey::Number => format!("p.number {dir}"),
        SortKey::Deadline => format!("p.handling_deadline IS NULL, p.handling_deadline {dir}, p.number"),
        SortKey::Status => format!("p.status {dir}, p.number"),
        SortKey::Escalation => format!("{LEVEL_SQL} {dir}, p.handling_deadline, p.number"),
        SortKey::Updated => format!("p.updated_at {dir}"),
    }
}

impl Ledger {
    pub(crate) fn context_parts(&self) -> Result<(Arc<taizhang_core::calendar::Calendar>, Arc<Settings>)> {
        let c = self.cached();
        Ok((c.calendar()?, c.settings()?))
    }

    pub fn settings(&self) -> Result<Settings> {
        Ok((*self.cached().settings()?).clone())
    }

    pub fn calendar(&self) -> Result<taizhang_core::calendar::Calendar> {
        Ok((*self.cached().calendar()?).clone())
    }

    pub fn units(&self) -> Result<Vec<Unit>> {
        Ok((*self.cached().units()?).clone())
    }

    /// Users without their password hashes, with their unit's name.
    pub fn user_views(&self) -> Result<Vec<UserView>> {
        let units = self.cached().units()?;
        Ok(self
            .users()?
            .into_iter()
            .map(|u| UserView {
                unit_name: units.iter().find(|x| x.id == u.unit_id).map(|x| x.name.clone()).unwrap_or_default(),
                has_password: u.password_hash.is_some(),
                id: u.id,
                login: u.login,
                name: u.name,
                unit_id: u.unit_id,
                role: u.role,
                active: u.active,
            })
            .collect())
    }

    /// Enterprises whose name or credit code contains `text` (search as you type).
    pub fn search_enterprises(&self, text: &str, limit: usize) -> Result<Vec<Enterprise>> {
        let pattern = like_pattern(text.trim());
        let mut st = self.conn.prepare(&format!(
            "SELECT {} FROM enterprises WHERE name LIKE ?1 ESCAPE '\\' OR credit_code LIKE ?1 ESCAPE '\\'
             ORDER BY length(name), name LIMIT ?2",
            read::ENTERPRISE_COLS
        ))?;
        let rows = st
            .query_map(rusqlite::params![pattern, limit as i64], read::enterprise_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The deadlines an assignment made now would get.
    pub fn suggest_deadlines(
        &self,
        problem: &str,
        now: DateTime<Utc>,
    ) -> Result<taizhang_core::workflow::SuggestedDeadlines> {
        let p = self.problem(problem)?;
        let (cal, settings) = self.context_parts()?;
        Ok(taizhang_core::workflow::suggested_deadlines(&p, &Context { now, calendar: &cal, settings: &settings }))
    }

    /// The dashboard for a period.
    pub fn dashboard(&self, period: &taizhang_core::period::Period, now: DateTime<Utc>) -> Result<Dashboard> {
        let open = crate::figure_counts::now_facts(&self.conn)?;
        let scorecard = self.scorecard_with(&open, period, now)?;
        let (cal, settings) = self.context_parts()?;
        let cut = taizhang_core::escalation::escalation_cutoffs(local_date(now), &cal, &settings);
        let units = self.cached().units()?;
        let mut township: std::collections::BTreeMap<String, (u32, u32)> = Default::default();
        let mut department: std::collections::BTreeMap<String, (u32, u32)> = Default::default();
        let mut due_soon = 0;
        for p in &open.open {
            let late = taizhang_core::escalation::lateness_of(p.clock.as_ref(), &cal, &cut);
            let overdue = (late.handling_overdue || late.sign_overdue) as u32;
            due_soon += (late.level == Escalation::Reminder) as u32;
            let t = township.entry(p.township_id.clone()).or_default();
            t.0 += 1;
            t.1 += overdue;
            if let Some(lead) = p.lead_unit_id.clone() {
                let d = department.entry(lead).or_default();
                d.0 += 1;
                d.1 += overdue;
            }
        }
        let load = |kind: UnitKind, map: &std::collections::BTreeMap<String, (u32, u32)>| -> Vec<UnitLoad> {
            units
                .iter()
                .filter(|u| u.kind == kind)
                .map(|u| {
                    let (open, overdue) = map.get(u.id.as_str()).copied().unwrap_or_default();
                    UnitLoad { unit_id: u.id.clone(), unit_name: u.name.clone(), open, overdue }
                })
                .collect()
        };
        let cards = |level: Escalation| -> Result<Vec<ProblemRow>> {
            let f = ProblemFilter { escalation: Some(level), ..Default::default() };
            Ok(self
                .list_problems(
                    &f,
                    Sort { key: SortKey::Deadline, descending: false },
                    PageRequest { offset: 0, limit: 200 },
                    now,
                )?
                .rows)
        };
        Ok(Dashboard {
            trend: taizhang_core::figures::monthly_trend_of(
                crate::figure_counts::monthly_counts(&self.conn, taizhang_core::figures::trend_start(now, 12))?,
                now,
                12,
            ),
            due_soon,
            red_cards: cards(Escalation::Red)?,
            yellow_cards: cards(Escalation::Yellow)?,
            by_township: load(UnitKind::Township, &township),
            by_department: load(UnitKind::Department, &department),
            scorecard,
        })
    }

    pub fn users(&self) -> Result<Vec<User>> {
        let mut st = self.conn.prepare(&format!("SELECT {} FROM users ORDER BY login", read::USER_COLS))?;
        let rows = st.query_map([], read::user_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn enterprises(&self) -> Result<Vec<Enterprise>> {
        read::all_enterprises(&self.conn)
    }

    pub fn visits(&self) -> Result<Vec<Visit>> {
        read::all_visits(&self.conn)
    }

    /// A unit by id, exact name or short name.
    pub fn find_unit(&self, key: &str) -> Result<Option<Unit>> {
        // Names are stored normalised (`text::normalize_name`): a key typed with full-width
        // characters or invisible ones finds the unit it looks like.
        let units = self.cached().units()?;
        let normal = taizhang_core::text::normalize_name(key);
        let find = |k: &str| units.iter().find(|u| u.id == k || u.name == k || u.short_name == k).cloned();
        Ok(find(key).or_else(|| find(&normal)))
    }

    /// An enterprise by id, credit code or exact name.
    pub fn find_enterprise(&self, key: &str) -> Result<Option<Enterprise>> {
        let code = taizhang_core::credit_code::normalize_credit_code(key);
        // Cached: an import looks up the enterprise of every row.
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {} FROM enterprises WHERE id = ?1 OR credit_code = ?2 OR name = ?3 ORDER BY rowid LIMIT 1",
                read::ENTERPRISE_COLS
            ))?
            .query_row(rusqlite::params![key, code, key.trim()], read::enterprise_row)
            .optional()?)
    }

    /// The actor for a login or id (for the UI's header and the CLI's `--as`).
    pub fn actor(&self, user: &str) -> Result<Actor> {
        self.cached().actor(user)
    }

    /// Checks a sign-in. A user without a password signs in by choosing their name.
    pub fn sign_in(&self, login: &str, password: Option<&str>) -> Result<Actor> {
        let actor = read::actor(&self.conn, login)?;
        taizhang_core::workflow::actor_may_act(&actor)?;
        if let Some(hash) = &actor.user.password_hash {
            if !password.is_some_and(|p| verify_password(hash, p)) {
                return Err(LedgerError::BadPassword(actor.user.login));
            }
        }
        Ok(actor)
    }

    /// Every problem aggregate (parsed on every core): for reports and checks over the whole
    /// ledger, never for a screen that opens often.
    pub fn all_problems(&self) -> Result<Vec<Problem>> {
        read::all_problems(&self.conn)
    }

    pub fn problem(&self, number_or_id: &str) -> Result<Problem> {
        let id = read::problem_id_by_number(&self.conn, number_or_id)?
            .ok_or_else(|| DomainError::not_found("problem", number_or_id))?;
        read::problem(&self.conn, &id)?.ok_or_else(|| DomainError::not_found("problem", number_or_id).into())
    }

    /// How many problems the filter holds: the ledger list's total without its page.
    pub fn count_problems(&self, f: &ProblemFilter, now: DateTime<Utc>) -> Result<u64> {
        let (cal, settings) = self.context_parts()?;
        let q = build_where(f, &escalation_cutoffs(local_date(now), &cal, &settings));
        self.count_where(&q, &where_clause(&q))
    }

    fn count_where(&self, q: &Query, where_sql: &str) -> Result<u64> {
        let count_sql = match &q.search {
            // Search alone: every problem has exactly one `problem_search` row, so the search
            // index counts without visiting the matched problems.
            Some(search) if q.wheres.len() == 1 => format!("SELECT count(*) FROM ({search})"),
            _ => format!("SELECT count(*) FROM problems p {where_sql}"),
        };
        let total: i64 =
            self.conn.prepare_cached(&count_sql)?.query_row(q.used_params(&count_sql).as_slice(), |r| r.get(0))?;
        Ok(total as u64)
    }

    /// The ledger list: filters, sort and a page, with lateness computed by the core.
    pub fn list_problems(
        &self,
        f: &ProblemFilter,
        sort: Sort,
        page: PageRequest,
        now: DateTime<Utc>,
    ) -> Result<ProblemPage> {
        let (cal, settings) = self.context_parts()?;
        let today = local_date(now);
        let cut = escalation_cutoffs(today, &cal, &settings);
        let q = build_where(f, &cut);
        let where_sql = where_clause(&q);
        let total = self.count_where(&q, &where_sql)?;
        let order = order_sql(sort);
        let limit = page.limit.clamp(1, 1000);
        // A search matching many problems, newest first: walking the registration index until
        // the page is full reads far fewer rows than sorting every match (the planner cannot
        // know how many match; the count just taken does). ≈ 50·N/total index entries walked
        // against `total` rows looked up, a lookup costing several entries.
        let walk = q.search.is_some()
            && q.wheres.len() == 1
            && sort.key == SortKey::Registered
            && sort.descending
            && page.offset < 1000
            && {
                let n = read::last_problem_rowid(&self.conn)?;
                (total as i64).saturating_mul(total as i64) > 10 * n
            };
        let from = if walk { "problems p INDEXED BY problems_registered_at" } else { "problems p" };
        // The page is chosen and sorted on the bare `problems` columns first, so only its own
        // rows pay for the joins and the supporters; a row is made from the projection's
        // columns alone (no aggregate parsed), and lateness comes from the same core rule.
        let sql = format!(
            "SELECT p.id, p.number, e.name, t.name, p.category, p.priority, p.status, p.description, l.name,
                    {supporters}, p.registered_on, p.sign_deadline, p.handling_deadline, p.extension_pending, p.withdrawal_pending,
                    p.reopen_count, p.urge_level, p.urge_count, {sync_pending}, p.responsible_leader, p.handler, p.evaluation IS NOT NULL,
                    p.demand
               FROM problems p JOIN enterprises e ON e.id = p.enterprise_id JOIN units t ON t.id = p.township_id
               LEFT JOIN units l ON l.id = p.lead_unit_id
             WHERE p.rowid IN (SELECT p.rowid FROM {from} {where_sql} ORDER BY {order} LIMIT {limit} OFFSET {})
             ORDER BY {order}",
            page.offset,
            supporters = read::SUPPORTER_NAMES_SQL,
            // Only a replica has pending events; a standalone ledger's page pays nothing for it.
            sync_pending = if crate::replica_log::is_replica(&self.conn)? {
                "(SELECT count(*) FROM events ev JOIN replica_events re ON re.event_id = ev.id
                   WHERE ev.subject_id = p.id AND re.state = 'pending')"
            } else {
                "0"
            },
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let mut rows = st.query(q.used_params(&sql).as_slice())?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let status = read::parse_enum(r.get(6)?, Status::parse)?;
            let (sign_deadline, handling_deadline) = (read::opt_date(r, 11)?, read::opt_date(r, 12)?);
            let clock = read::clock_facts(status, sign_deadline, handling_deadline, r.get(16)?, r.get(17)?);
            let registered_on = read::date(&r.get::<_, String>(10)?)?;
            out.push(ProblemRow {
                id: r.get(0)?,
                number: r.get(1)?,
                enterprise_name: r.get(2)?,
                township_name: r.get(3)?,
                category: r.get(4)?,
                priority: read::parse_enum(r.get(5)?, Priority::parse)?,
                status,
                description: r.get(7)?,
                demand: r.get(22)?,
                lead_unit_name: r.get(8)?,
                supporter_names: read::name_list(r.get(9)?),
                registered_on,
                waiting_days: waiting_days(status, registered_on, today),
                sign_deadline,
                handling_deadline,
                extension_pending: r.get(13)?,
                withdrawal_pending: r.get(14)?,
                reopen_count: r.get(15)?,
                lateness: lateness_of(clock.as_ref(), &cal, &cut),
                sync_pending: r.get(18)?,
                responsible_leader: r.get(19)?,
                handler: r.get::<_, Option<String>>(20)?.filter(|h| !h.is_empty()),
                evaluated: r.get(21)?,
            });
        }
        Ok(ProblemPage { total, offset: page.offset, rows: out })
    }

    /// A unit's work: to sign, to handle, supporter tasks, due soon, overdue.
    pub fn inbox(&self, unit_id: &str, now: DateTime<Utc>) -> Result<Inbox> {
        let all = PageRequest { offset: 0, limit: 1000 };
        let by_deadline = Sort { key: SortKey::Deadline, descending: false };
        let lead = |statuses: Vec<Status>, extra: fn(&mut ProblemFilter)| -> Result<Vec<ProblemRow>> {
            let mut f = ProblemFilter { lead_unit_id: Some(unit_id.into()), statuses, ..Default::default() };
            extra(&mut f);
            Ok(self.list_problems(&f, by_deadline, all, now)?.rows)
        };
        let open = vec![Status::Assigned, Status::InProgress, Status::Disputed];
        Ok(Inbox {
            unit_id: unit_id.into(),
            to_sign: lead(vec![Status::Assigned], |_| {})?,
            to_handle: lead(vec![Status::InProgress], |_| {})?,
            supporter_tasks: self
                .list_problems(
                    &ProblemFilter {
                        supporter_unit_id: Some(unit_id.into()),
                        supporter_unsettled: true,
                        statuses: open.clone(),
                        ..Default::default()
                    },
                    by_deadline,
                    all,
                    now,
                )?
                .rows,
            due_soon: lead(open.clone(), |f| f.escalation = Some(Escalation::Reminder))?,
            overdue: lead(open, |f| f.overdue = Some(true))?,
        })
    }

    /// Every event about one problem, oldest first, with who did it.
    pub fn timeline(&self, problem_id: &str) -> Result<Vec<TimelineEntry>> {
        let mut st = self.conn.prepare(
            "SELECT ev.seq, ev.id, ev.kind, ev.occurred_at, ev.actor, coalesce(u.name, ev.actor), coalesce(n.name, ''),
                    ev.payload, ev.hash, re.state, re.reason
             FROM events ev LEFT JOIN users u ON u.id = ev.actor LEFT JOIN units n ON n.id = u.unit_id
                  LEFT JOIN replica_events re ON re.event_id = ev.id
             WHERE ev.subject_id = ?1 ORDER BY ev.seq",
        )?;
        let mut rows = st.query(rusqlite::params![problem_id])?;
        let mut entries = Vec::new();
        while let Some(r) = rows.next()? {
            let kind: String = r.get(2)?;
            let payload: serde_json::Value = serde_json::from_str(&r.get::<_, String>(7)?)?;
            entries.push(TimelineEntry {
                seq: r.get(0)?,
                event_id: r.get(1)?,
                occurred_at: r.get(3)?,
                actor_id: r.get(4)?,
                actor_name: r.get(5)?,
                actor_unit: r.get(6)?,
                // A payload the schema cannot read is an error, as it is to a rebuild.
                event: EventBody::from_parts(&kind, payload)?,
                hash: r.get(8)?,
                sync_state: r.get(9)?,
                sync_reason: r.get::<_, Option<String>>(10)?.map(|t| serde_json::from_str(&t)).transpose()?,
            });
        }
        Ok(entries)
    }

    /// Everything about one problem, and what `viewer` (a login or id) may do with it now.
    pub fn problem_detail(
        &self,
        number_or_id: &str,
        viewer: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ProblemDetail> {
        let p = self.problem(number_or_id)?;
        let (cal, settings) = self.context_parts()?;
        let today = local_date(now);
        let units = self.cached().unit_names()?;
        let name = |id: &str| units.get(id).cloned().unwrap_or_else(|| id.to_string());
        let enterprise = self
            .find_enterprise(&p.enterprise_id)?
            .ok_or_else(|| DomainError::not_found("enterprise", &p.enterprise_id))?;
        let actions = match viewer {
            Some(v) => {
                let actor = self.cached().actor(v)?;
                available_actions(&p, &actor, &Context { now, calendar: &cal, settings: &settings })
            }
            None => vec![],
        };
        let supporters = p
            .assignment
            .as_ref()
            .map(|a| {
                a.supporters
                    .iter()
                    .map(|s| SupporterView {
                        unit_id: s.unit_id.clone(),
                        unit_name: name(&s.unit_id),
                        sub_deadline: s.sub_deadline,
                        acknowledged: s.acknowledged_at.is_some(),
                        opinion: s.opinion.clone(),
                        waived_reason: s.waived_reason.clone(),
                        overdue: p.status.clock_runs() && !s.is_settled() && today > s.sub_deadline,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let printable = taizhang_core::document::DocumentKind::OF_PROBLEMS
            .iter()
            .copied()
            .filter(|k| p.document_round(*k).is_some() || p.documents.iter().any(|d| d.kind == *k))
            .collect();
        Ok(ProblemDetail {
            printable,
            lateness: lateness(&p, today, &cal, &settings),
            finished: taizhang_core::escalation::finished(&p, &cal),
            timeline: self.timeline(&p.id)?,
            township_name: name(&p.township_id),
            lead_unit_name: p.lead_unit_id().map(name),
            supporters,
            enterprise,
            actions,
            problem: p,
        })
    }
}
