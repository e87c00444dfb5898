//! Projections: the read tables as a pure fold of the events. `Projector::apply` is called
//! for every event appended and, in order, for every event on rebuild; nothing else writes
//! these tables.
//!
//! A problem's rows (`problems`, `problem_states`, `problem_supporters`) and its figure counts
//! are a function of its aggregate alone, so within one transaction the aggregates an event
//! changes are held in memory and written back once, when the transaction ends (or when too
//! many are held). A problem that gets ten events in one transaction is parsed once and
//! written once instead of ten times; the file at commit is the same. Likewise the figure
//! counts: the changes of a transaction are summed per key in memory and written once, in key
//! order, so a busy day's counts are one row update per key instead of one per event.

use std::collections::HashMap;
use std::sync::LazyLock;

use rusqlite::types::Value;
use rusqlite::{params, Connection};
use taizhang_core::chain::format_instant;
use taizhang_core::credit_code::check_credit_code;
use taizhang_core::figure_facts::{fact_changes, facts_of, visit_fact, Facts};
use taizhang_core::*;

use crate::error::{LedgerError, Result};
use crate::{figure_counts, monitoring_fold, read, state_codec};

/// Projection tables, children before parents (the order to empty them in).
pub const PROJECTION_TABLES: &[&str] = &[
    "documents",
    "problem_origins",
    "warning_actions",
    "warnings",
    "project_progress",
    "projects",
    "production_reports",
    "indicator_reports",
    "problem_search",
    "problem_imports",
    "problem_supporters",
    "problem_states",
    "figure_counts",
    "problems",
    "visits",
    "enterprises",
    "users",
    "units",
    "calendar_days",
    "calendar_years",
    "settings",
];

/// The projections' side of one write transaction: the problems changed and not yet written
/// back, and the first `problems` rowid this transaction's registrations get.
pub(crate) struct Projector {
    held: HashMap<Id, Held>,
    capacity: usize,
    clock: u64,
    search_mark: i64,
    /// Changes to `figure_counts` not yet written (written back problems' and visits').
    counts: Facts,
}

/// A problem as this transaction left it so far.
struct Held {
    problem: Problem,
    /// Its facts as `figure_counts` holds them now.
    counted: Facts,
    /// Whether its rows are older than `problem`.
    rows_stale: bool,
    /// Its `problems` columns and supporter rows as stored, so a write-back touches only what
    /// changed (an index whose columns did not change is not rewritten).
    stored: StoredRows,
    /// When it was last read or changed (the `clock`), to write back the least recent first.
    touched: u64,
}

/// How many aggregates a transaction holds before it writes the least recently used back. A
/// problem in memory is a few KB; a busy district's generator touches about this many in a
/// month of its history.
pub(crate) const HELD_PROBLEMS: usize = 20_000;

impl Projector {
    /// Called once the transaction has begun (IMMEDIATE), before any event is appended.
    pub(crate) fn begin(conn: &Connection) -> Result<Projector> {
        Self::with_capacity(conn, HELD_PROBLEMS)
    }

    pub(crate) fn with_capacity(conn: &Connection, capacity: usize) -> Result<Projector> {
        Ok(Projector {
            held: HashMap::new(),
            capacity: capacity.max(1),
            clock: 0,
            search_mark: read::last_problem_rowid(conn)?,
            counts: Facts::new(),
        })
    }

    /// The problem as this transaction has made it so far (what `decide` must see).
    pub(crate) fn problem(&mut self, conn: &Connection, id: &str) -> Result<Option<Problem>> {
        Ok(self.hold(conn, id)?.map(|h| h.problem.clone()))
    }

    /// The held problem, read from its stored state the first time.
    fn hold(&mut self, conn: &Connection, id: &str) -> Result<Option<&mut Held>> {
        if !self.held.contains_key(id) {
            let Some(problem) = read::problem(conn, id)? else { return Ok(None) };
            let (counted, stored) = (facts_of(&problem), StoredRows::of(&problem));
            self.keep(conn, problem, counted, stored)?;
        }
        self.clock += 1;
        let h = self.held.get_mut(id).expect("held above");
        h.touched = self.clock;
        Ok(Some(h))
    }

    /// Starts holding a problem whose rows hold `stored` and whose counted facts are `counted`.
    fn keep(&mut self, conn: &Connection, problem: Problem, counted: Facts, stored: StoredRows) -> Result<()> {
        self.make_room(conn)?;
        self.clock += 1;
        self.held.insert(problem.id.clone(), Held { problem, counted, rows_stale: false, stored, touched: self.clock });
        Ok(())
    }

    /// Writes back the least recently touched quarter when the transaction holds too many.
    fn make_room(&mut self, conn: &Connection) -> Result<()> {
        if self.held.len() < self.capacity {
            return Ok(());
        }
        let mut by_age: Vec<(u64, Id)> = self.held.iter().map(|(id, h)| (h.touched, id.clone())).collect();
        by_age.sort_unstable();
        let mut out: Vec<Held> = by_age
            .into_iter()
            .take((self.capacity / 4).max(1))
            .map(|(_, id)| self.held.remove(&id).expect("listed above"))
            .collect();
        self.write_back(conn, &mut out)
    }

    /// Writes back every problem held and the search rows of the problems registered in this
    /// transaction. Every writer calls it last, before COMMIT.
    pub(crate) fn finish(mut self, conn: &Connection) -> Result<()> {
        let mut held: Vec<Held> = self.held.drain().map(|(_, h)| h).collect();
        self.write_back(conn, &mut held)?;
        let counts = std::mem::take(&mut self.counts);
        figure_counts::add(conn, counts.into_iter().filter(|(_, t)| !t.is_zero()))?;
        write_search_since(conn, self.search_mark)
    }

    /// Writes held problems' rows, if stale, in id order: ids are UUIDv7, so that is the order
    /// of registration and of the rows on disk, and consecutive write-backs land on the same
    /// pages (and the same history always writes the same file). Their facts' changes join
    /// the pending counts.
    fn write_back(&mut self, conn: &Connection, held: &mut [Held]) -> Result<()> {
        held.sort_unstable_by(|a, b| a.problem.id.cmp(&b.problem.id));
        for h in held.iter() {
            if h.rows_stale {
                update_problem(conn, &h.problem, &h.stored)?;
            }
            for (k, t) in fact_changes(&h.counted, &facts_of(&h.problem)) {
                self.counts.entry(k).or_default().add(t);
            }
        }
        Ok(())
    }

    pub(crate) fn apply(&mut self, conn: &Connection, body: &EventBody, meta: &EventMeta) -> Result<()> {
        use EventBody as E;
        match body {
            E::ProblemRegistered { .. } | E::ProblemImported { .. } => {
                let p = Problem::from_registration(body, meta).expect("a registration event");
                // Its row now: the numbering of the next registration and the order of the
                // rowids (the search rows' keys) come from it. Its counts are written back.
                let stored = insert_problem(conn, &p)?;
                if let Some(o) = &p.imported {
                    exec(conn,
                        "INSERT INTO problem_imports (problem_id, import_key, file, sheet, row) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![p.id, o.key, o.file, o.sheet, o.row],
                    )?;
                }
                self.keep(conn, p, Facts::new(), stored)
            }
            _ => match body.problem_id() {
                Some(pid) => {
                    if let E::DocumentIssued { kind, round, year, seq, series, number, .. } = body {
                        exec(
                            conn,
                            "INSERT INTO documents (number, kind, year, seq, series, problem_id, round, issued_by, issued_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                            params![
                                number, kind.key(), year, seq, series, pid, round, meta.actor,
                                format_instant(meta.occurred_at)
                            ],
                        )?;
                    }
                    let h = self
                        .hold(conn, pid)?
                        .ok_or_else(|| LedgerError::Corrupt(format!("event for unknown problem {pid}")))?;
                    h.problem.apply(body, meta);
                    h.rows_stale = true;
                    Ok(())
                }
                None if monitoring_fold::is_monitoring(body) => monitoring_fold::apply(conn, body, meta),
                None => {
                    if let E::VisitRecorded { visit } = body {
                        let (k, t) = visit_fact(visit);
                        self.counts.entry(k).or_default().add(t);
                    }
                    apply_other(conn, body, meta)
                }
            },
        }
    }
}

/// Every event that is not about one problem.
fn apply_other(conn: &Connection, body: &EventBody, meta: &EventMeta) -> Result<()> {
    use EventBody as E;
    match body {
        E::LedgerInitialized { .. } => {}
        E::UnitCreated { unit } | E::UnitUpdated { unit } => {
            exec(
                conn,
                "INSERT INTO units (id, name, short_name, kind, active) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, short_name = excluded.short_name, active = excluded.active",
                params![unit.id, unit.name, unit.short_name, unit.kind.key(), unit.active],
            )?;
        }
        E::UserCreated { user } => {
            exec(
                conn,
                "INSERT INTO users (id, login, name, unit_id, role, active, password_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![user.id, user.login, user.name, user.unit_id, user.role.key(), user.active, user.password_hash],
            )?;
        }
        E::UserUpdated { user_id, name, unit_id, role, active } => {
            exec(
                conn,
                "UPDATE users SET name = ?2, unit_id = ?3, role = ?4, active = ?5 WHERE id = ?1",
                params![user_id, name, unit_id, role.key(), active],
            )?;
        }
        E::PasswordSet { user_id, password_hash } => {
            exec(conn, "UPDATE users SET password_hash = ?2 WHERE id = ?1", params![user_id, password_hash])?;
        }
        E::EnterpriseCreated { enterprise: e } | E::EnterpriseUpdated { enterprise: e } => {
            let ok = e.credit_code.as_deref().map(|c| check_credit_code(c).is_valid());
            exec(
                conn,
                "INSERT INTO enterprises (id, name, credit_code, credit_code_ok, township_id, industry, scale, key_level,
                                          address, contact, phone, steward, paired_leader, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, credit_code = excluded.credit_code,
                    credit_code_ok = excluded.credit_code_ok, township_id = excluded.township_id,
                    industry = excluded.industry, scale = excluded.scale, key_level = excluded.key_level,
                    address = excluded.address, contact = excluded.contact, phone = excluded.phone,
                    steward = excluded.steward, paired_leader = excluded.paired_leader",
                params![
                    e.id, e.name, e.credit_code, ok, e.township_id, e.industry, e.scale.key(), e.key_level.key(),
                    e.address, e.contact, e.phone, e.steward, e.paired_leader, format_instant(meta.occurred_at)
                ],
            )?;
            if matches!(body, E::EnterpriseUpdated { .. }) {
                exec(
                    conn,
                    "UPDATE problem_search SET enterprise_name = ?2
                     WHERE rowid IN (SELECT rowid FROM problems WHERE enterprise_id = ?1)",
                    params![e.id, e.name],
                )?;
            }
        }
        E::VisitRecorded { visit: v } => {
            exec(
                conn,
                "INSERT INTO visits (id, enterprise_id, township_id, date, visitors, form, notes, recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    v.id, v.enterprise_id, v.township_id, v.date.to_string(), v.visitors, v.form.key(), v.notes,
                    meta.actor, format_instant(meta.occurred_at)
                ],
            )?;
        }
        E::CalendarYearSet { year } => {
            let (from, to) = (format!("{}-01-01", year.year), format!("{}-12-31", year.year));
            exec(conn, "DELETE FROM calendar_days WHERE date BETWEEN ?1 AND ?2", [&from, &to])?;
            for d in &year.days {
                exec(
                    conn,
                    "INSERT INTO calendar_days (date, off, name) VALUES (?1, ?2, ?3)",
                    params![d.date.to_string(), d.off, d.name],
                )?;
            }
            exec(
                conn,
                "INSERT INTO calendar_years (year, notice) VALUES (?1, ?2) ON CONFLICT (year) DO UPDATE SET notice = excluded.notice",
                params![year.year, year.notice],
            )?;
        }
        E::CalendarDaySet { date, off, name } => match off {
            None => {
                exec(conn, "DELETE FROM calendar_days WHERE date = ?1", [date.to_string()])?;
            }
            Some(off) => {
                exec(
                    conn,
                    "INSERT INTO calendar_days (date, off, name) VALUES (?1, ?2, ?3)
                     ON CONFLICT (date) DO UPDATE SET off = excluded.off, name = excluded.name",
                    params![date.to_string(), off, name],
                )?;
            }
        },
        E::SettingsChanged { settings } => {
            exec(
                conn,
                "INSERT INTO settings (id, json) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET json = excluded.json",
                [serde_json::to_string(settings)?],
            )?;
        }
        E::BulletinIssued { period, year, seq, series, number } => {
            exec(
                conn,
                "INSERT INTO documents (number, kind, year, seq, series, period, round, issued_by, issued_at)
                 VALUES (?1, 'bulletin', ?2, ?3, ?4, ?5, 0, ?6, ?7)",
                params![number, year, seq, series, period, meta.actor, format_instant(meta.occurred_at)],
            )?;
        }
        _ => {
            // `Projector::apply` hands every event about a problem to the held aggregate.
            return Err(LedgerError::Corrupt("an event about a problem outside the projector".into()));
        }
    }
    Ok(())
}

/// Writes the search rows of the problems registered since `mark`, at the end of the
/// transaction that registered them (`Projector::finish` calls it). FTS5 writes
/// its pending rows out at every statement savepoint, so a row written per registration cost
/// about 15% of a 100,000-row import in small segments and their merges. Late is the same as
/// early: a problem's number and texts never change after registration, and its enterprise's
/// name is read as it stands (a rename in the same transaction updates only rows written).
pub fn write_search_since(conn: &Connection, mark: i64) -> Result<()> {
    exec(
        conn,
        "INSERT INTO problem_search (rowid, number, enterprise_name, description, demand)
         SELECT p.rowid, p.number, e.name, p.description, p.demand
           FROM problems p JOIN enterprises e ON e.id = p.enterprise_id
          WHERE p.rowid > ?1 ORDER BY p.rowid",
        [mark],
    )?;
    Ok(())
}

/// The `problems` columns fixed at registration, then the ones later events change.
const FIXED_COLS: [&str; 16] = [
    "id",
    "number",
    "number_year",
    "number_seq",
    "enterprise_id",
    "township_id",
    "visit_id",
    "source",
    "category",
    "description",
    "demand",
    "raised_on",
    "priority",
    "responsible_leader",
    "registered_at",
    "registered_on",
];
const CHANGING_COLS: [&str; 20] = [
    "status",
    "lead_unit_id",
    "handler",
    "assigned_on",
    "sign_deadline",
    "handling_deadline",
    "original_deadline",
    "signed_on",
    "resolved_on",
    "closed_on",
    "evaluation",
    "reopen_count",
    "urge_count",
    "urge_level",
    "extension_pending",
    "withdrawal_pending",
    "updated_at",
    "result_type",
    "result_text",
    "result_explanation",
];

fn fixed_values(p: &Problem) -> [Value; 16] {
    // A number with no place in the sequence (kept from a sheet) is year 0, sequence 0: in no
    // township's year, so `next_problem_seq` never counts it.
    let (year, seq) = p.number_place().unwrap_or((0, 0));
    [
        p.id.clone().into(),
        p.number.clone().into(),
        year.into(),
        seq.into(),
        p.enterprise_id.clone().into(),
        p.township_id.clone().into(),
        p.visit_id.clone().into(),
        p.source.key().to_string().into(),
        p.category.clone().into(),
        p.description.clone().into(),
        p.demand.clone().into(),
        p.raised_on.to_string().into(),
        p.priority.key().to_string().into(),
        p.responsible_leader.clone().into(),
        format_instant(p.registered_at).into(),
        local_date(p.registered_at).to_string().into(),
    ]
}

fn changing_values(p: &Problem) -> [Value; 20] {
    let a = p.assignment.as_ref();
    let urge_level = p.urges.iter().map(|u| read::escalation_rank(u.level)).max().unwrap_or(0);
    // The result shown beside a resolved problem: its last resolution.
    let result = p.resolved_at.and(p.resolutions.last());
    let text = |s: Option<&str>| Value::from(s.map(str::to_string));
    let date = |d: Option<chrono::NaiveDate>| Value::from(d.map(|d| d.to_string()));
    let local = |t: Option<chrono::DateTime<chrono::Utc>>| Value::from(t.map(|t| local_date(t).to_string()));
    [
        p.status.key().to_string().into(),
        text(a.map(|a| a.lead_unit_id.as_str())),
        text(a.map(|a| a.handler.as_str())),
        local(a.map(|a| a.assigned_at)),
        date(a.map(|a| a.sign_deadline)),
        date(a.map(|a| a.handling_deadline)),
        date(a.map(|a| a.original_deadline)),
        local(p.signed_at),
        local(p.resolved_at),
        local(p.closed_at),
        text(p.evaluation.map(|e| e.key())),
        i64::from(p.reopen_count).into(),
        (p.urges.len() as i64).into(),
        urge_level.into(),
        p.pending_extension().is_some().into(),
        p.pending_withdrawal.is_some().into(),
        format_instant(p.updated_at).into(),
        text(result.map(|r| r.result_type.key())),
        text(result.map(|r| r.result_text.as_str())),
        text(result.map(|r| r.explanation.as_str()).filter(|e| !e.is_empty())),
    ]
}

/// A registered problem's rows; returns what they hold of the changing ones.
fn insert_problem(conn: &Connection, p: &Problem) -> Result<StoredRows> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        let cols: Vec<&str> = FIXED_COLS.iter().chain(&CHANGING_COLS).copied().collect();
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        format!("INSERT INTO problems ({}) VALUES ({})", cols.join(", "), marks.join(", "))
    });
    let stored = StoredRows::of(p);
    let values = fixed_values(p).into_iter().chain(stored.columns.iter().cloned());
    exec(conn, &SQL, rusqlite::params_from_iter(values))?;
    // Keyed by the problem's rowid (migration 14): no second index of 36-character ids.
    exec(
        conn,
        "INSERT INTO problem_states (problem_rowid, state) VALUES (?1, ?2)",
        params![conn.last_insert_rowid(), state_codec::pack(p)?],
    )?;
    insert_supporters(conn, &p.id, &stored.supporters)?;
    Ok(stored)
}

/// A problem's rows after events changed it: an UPDATE of the columns that differ from
/// `stored` (SQLite rewrites the entry of every index that has a column in the SET list, so
/// setting all twenty would move a problem in all nine indexes at every write-back), and its
/// supporter rows only if they changed.
fn update_problem(conn: &Connection, p: &Problem, stored: &StoredRows) -> Result<()> {
    let values = changing_values(p);
    let changed: Vec<usize> = (0..CHANGING_COLS.len()).filter(|&i| values[i] != stored.columns[i]).collect();
    if !changed.is_empty() {
        let sets: Vec<String> =
            changed.iter().enumerate().map(|(n, &i)| format!("{} = ?{}", CHANGING_COLS[i], n + 2)).collect();
        let sql = format!("UPDATE problems SET {} WHERE id = ?1", sets.join(", "));
        let args = std::iter::once(Value::from(p.id.clone())).chain(changed.iter().map(|&i| values[i].clone()));
        if exec(conn, &sql, rusqlite::params_from_iter(args))? != 1 {
            return Err(LedgerError::Corrupt(format!("no row for problem {}", p.id)));
        }
    }
    exec(
        conn,
        "UPDATE problem_states SET state = ?2 WHERE problem_rowid = (SELECT rowid FROM problems WHERE id = ?1)",
        params![p.id, state_codec::pack(p)?],
    )?;
    let supporters = supporter_rows(p);
    if supporters != stored.supporters {
        exec(conn, "DELETE FROM problem_supporters WHERE problem_id = ?1", [&p.id])?;
        insert_supporters(conn, &p.id, &supporters)?;
    }
    Ok(())
}

/// What a problem's rows hold of the columns and tables a write-back may change.
struct StoredRows {
    columns: [Value; 20],
    supporters: Vec<SupporterRow>,
}

impl StoredRows {
    fn of(p: &Problem) -> StoredRows {
        StoredRows { columns: changing_values(p), supporters: supporter_rows(p) }
    }
}

/// One `problem_supporters` row after its problem id: unit, sub-deadline, acknowledged,
/// settled, clock runs.
type SupporterRow = (Id, String, bool, bool, bool);

fn supporter_rows(p: &Problem) -> Vec<SupporterRow> {
    let Some(a) = &p.assignment else { return Vec::new() };
    a.supporters
        .iter()
        .map(|s| {
            (
                s.unit_id.clone(),
                s.sub_deadline.to_string(),
                s.acknowledged_at.is_some(),
                s.is_settled(),
                p.status.clock_runs(),
            )
        })
        .collect()
}

fn insert_supporters(conn: &Connection, problem_id: &str, rows: &[SupporterRow]) -> Result<()> {
    for (unit, sub_deadline, acknowledged, settled, clock_runs) in rows {
        exec(
            conn,
            "INSERT INTO problem_supporters (problem_id, unit_id, sub_deadline, acknowledged, settled, clock_runs)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![problem_id, unit, sub_deadline, acknowledged, settled, clock_runs],
        )?;
    }
    Ok(())
}

/// A statement from the connection's cache: an import folds 100,000 events through the same
/// dozen statements, and parsing each anew costs more than running it.
fn exec(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
    Ok(conn.prepare_cached(sql)?.execute(params)?)
}
