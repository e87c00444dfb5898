//! The projections as one appending transaction sees them: each row read from PostgreSQL at
//! most once, changed in memory by the batch's folds, and written back by `flush` in one
//! set-based statement a table when the batch ends. The core's reads while it decides, the
//! fold's and the scope's all go through here, so a batch costs a handful of round trips
//! however many events it holds, and each event is decided against what the ones before it in
//! the batch did (docs/server.md, "One appender").

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use postgres::types::{ToSql, Type};
use serde::de::DeserializeOwned;
use serde::Serialize;
use taizhang_core::document::DocumentKind;
use taizhang_core::monitoring::{IndicatorReport, Month, Project, ProjectProgress, RaisedWarning};
use taizhang_core::{Enterprise, Id, Problem, Unit, User, Visit};

use super::prepared::Db;
use super::reads::{ReadRow, Reads};
use crate::error::{Result, ServerError};

mod flush;

/// One projection table: rows as read or as the batch left them (`None`: known not to exist),
/// and the keys the batch changed, in key order so a flush writes the same rows the same way.
struct Table<T> {
    /// Reads rows by id: `SELECT id, body::text FROM … WHERE id = ANY($1)`.
    load_sql: &'static str,
    what: &'static str,
    rows: HashMap<String, Option<T>>,
    changed: BTreeSet<String>,
}

impl<T: Clone> Table<T> {
    /// `load_sql` reads rows by id (`SELECT id, body::text FROM … WHERE id = ANY($1)`); empty for
    /// the tables read row by row with their own queries.
    fn new(load_sql: &'static str, what: &'static str) -> Self {
        Table { load_sql, what, rows: HashMap::new(), changed: BTreeSet::new() }
    }

    /// A row as stored, unless the batch already knows (and may have changed) it.
    fn known(&mut self, key: String, row: T) {
        self.rows.entry(key).or_insert(Some(row));
    }

    fn put(&mut self, key: String, row: T) {
        self.changed.insert(key.clone());
        self.rows.insert(key, Some(row));
    }

    fn changed(&self) -> impl Iterator<Item = &T> {
        self.changed.iter().filter_map(|k| self.rows.get(k).and_then(Option::as_ref))
    }
}

impl<T: Clone + DeserializeOwned> Table<T> {
    /// Reads in one statement the rows for `ids` not yet known.
    fn load(&mut self, tx: &mut Db<'_>, ids: impl IntoIterator<Item = String>) -> Result<()> {
        let mut wanted: Vec<String> = ids.into_iter().filter(|id| !self.rows.contains_key(id)).collect();
        wanted.sort();
        wanted.dedup();
        if wanted.is_empty() {
            return Ok(());
        }
        for row in query(tx, self.load_sql, &[(&wanted, Type::TEXT_ARRAY)])? {
            let id: String = row.get(0);
            self.rows.insert(id, Some(parse(row.get(1), self.what)?));
        }
        for id in wanted {
            self.rows.entry(id).or_insert(None);
        }
        Ok(())
    }

    /// The row with this id, read at most once.
    fn one(&mut self, tx: &mut Db<'_>, id: &str) -> Result<Option<T>> {
        if !self.rows.contains_key(id) {
            self.load(tx, [id.to_string()])?;
        }
        Ok(self.rows.get(id).cloned().flatten())
    }

    /// The row whose `column` is `value` as the batch left the rows (the lowest id if several):
    /// `ids_sql` finds the stored candidates, which the batch may have changed since.
    fn find(&mut self, tx: &mut Db<'_>, ids_sql: &str, value: &str, matches: impl Fn(&T) -> bool) -> Result<Option<T>> {
        let stored: Vec<String> = query(tx, ids_sql, &[(&value, Type::TEXT)])?.iter().map(|r| r.get(0)).collect();
        self.load(tx, stored.iter().cloned())?;
        let mut ids: BTreeSet<&String> = stored.iter().collect();
        ids.extend(self.changed.iter());
        let found = ids.into_iter().filter_map(|id| self.rows.get(id).cloned().flatten()).find(|row| matches(row));
        Ok(found)
    }

    /// Every row (of a small table) as the batch left it.
    fn all(&mut self, tx: &mut Db<'_>, sql: &str) -> Result<Vec<T>> {
        let mut rows: BTreeMap<String, T> = BTreeMap::new();
        for r in query(tx, sql, &[])? {
            rows.insert(r.get(0), parse(r.get(1), self.what)?);
        }
        for id in &self.changed {
            if let Some(Some(row)) = self.rows.get(id) {
                rows.insert(id.clone(), row.clone());
            }
        }
        Ok(rows.into_values().collect())
    }
}

/// A warning as the server keeps it: the warning as last raised, whether someone has dealt
/// with it, and the township its subject is in (what a pull filters it by).
#[derive(Debug, Clone)]
pub struct WarningRow {
    pub warning: RaisedWarning,
    pub handled: bool,
    pub township_id: String,
}

/// A document number as the server keeps it (`documents`, migration 0008).
#[derive(Debug, Clone)]
pub struct DocumentRow {
    pub number: String,
    pub kind: DocumentKind,
    pub year: i32,
    pub seq: u32,
    pub series: Option<String>,
    /// The problem's (a problem's document) or `None` (a 通报).
    pub problem_id: Option<String>,
    /// The report period of a 通报.
    pub period: Option<String>,
}

pub struct Projections {
    problems: Table<Problem>,
    enterprises: Table<Enterprise>,
    visits: Table<Visit>,
    units: Table<Unit>,
    users: Table<User>,
    projects: Table<Project>,
    indicator_reports: Table<IndicatorReport>,
    project_progress: Table<ProjectProgress>,
    warnings: Table<WarningRow>,
    /// A number's problem (the earliest id when a sheet repeated one).
    numbers: HashMap<String, Option<Id>>,
    import_keys: HashMap<String, Option<Id>>,
    new_import_keys: Vec<(String, Id)>,
    /// The highest number sequence per (year, township), once read.
    number_seqs: HashMap<(i32, String), u32>,
    /// The highest number sequence per (year, township) among the problems this batch
    /// registered: with the stored one, what the next number follows. Kept apart so that
    /// registering needs no read; only asking for the next number does.
    batch_seqs: HashMap<(i32, String), u32>,
    /// Whether a document number is taken, once asked (or given by this batch).
    document_numbers: HashMap<String, bool>,
    /// The highest sequence of the district's documents per (kind, year), once read.
    document_seqs: HashMap<(DocumentKind, i32), u32>,
    /// The documents this batch issued, written at `flush`.
    new_documents: Vec<DocumentRow>,
    /// A 通报's number by its period, once asked (or given by this batch).
    bulletins: HashMap<String, Option<String>>,
    /// Grants made by this batch, in order: (unit, problem, since server_seq).
    grants: Vec<(String, String, i64)>,
    granted: HashSet<(String, String)>,
    /// The units that may see a problem, as stored (read once) and as this batch granted.
    stored_units: HashMap<String, BTreeSet<String>>,
    batch_units: HashMap<String, BTreeSet<String>>,
    /// Who receives which of the batch's events at its own position because of a grant
    /// (`deliveries`): (unit, server_seq).
    deliveries: Vec<(String, i64)>,
    /// What `ask_ahead` asked for, until `take_ahead` marks what was not found as absent.
    asked: Option<Ahead>,
    /// Whether every unit has been read (the read-ahead reads them all, a few dozen rows):
    /// carried over, they are not read again.
    all_units_known: bool,
}

/// The projections as the last committed batch left them, carried over to the next batch of
/// the one appender (`Appender::begin` takes them under the append lock, `commit` gives them
/// back): what that batch read and wrote need not be read again. Kept with the position of
/// the log they are true at; a batch that reads another head (an appender in another process
/// appended meanwhile) starts afresh (`Projections::afresh`).
#[derive(Default)]
pub struct Carried(std::sync::Mutex<Option<(i64, Projections)>>);

/// How many rows (of every table together) the carried projections may hold; past this they
/// are dropped and the next batch starts afresh. A problem's aggregate is a few KB in memory,
/// so this bounds the cache at some tens of MB.
const CARRIED_ROWS: usize = 20_000;

impl Carried {
    /// The projections carried over, with the position of the log they are true at.
    pub fn take(&self) -> Option<(i64, Projections)> {
        self.0.lock().ok().and_then(|mut held| held.take())
    }

    /// Keeps `projections`, true at position `at` of the log, for the next batch, unless they
    /// have grown too large.
    pub fn keep(&self, at: i64, projections: Projections) {
        if projections.rows() > CARRIED_ROWS {
            return;
        }
        if let Ok(mut held) = self.0.lock() {
            *held = Some((at, projections));
        }
    }
}

/// The keys a read-ahead asked for: those not found are known not to exist.
#[derive(Default)]
pub struct Ahead {
    pub problems: Vec<String>,
    pub enterprises: Vec<String>,
    pub visits: Vec<String>,
    pub users: Vec<String>,
    pub numbers: Vec<String>,
    /// Whether every unit was asked for (they are read once, then known).
    pub all_units: bool,
}

/// A stored JSONB body, read as text: parsed straight into its type, not through a `Value`.
fn parse<T: DeserializeOwned>(v: &str, what: &str) -> Result<T> {
    serde_json::from_str(v).map_err(|e| ServerError::Internal(format!("stored {what}: {e}")))
}

/// A body to store, as JSON text (the statements cast it to `jsonb`).
fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| ServerError::Internal(e.to_string()))
}

/// Runs `sql` with typed parameters through the connection's prepared statement.
fn query(tx: &mut Db<'_>, sql: &str, params: &[(&(dyn ToSql + Sync), Type)]) -> Result<Vec<postgres::Row>> {
    tx.query_prepared(sql, params)
}

/// The key of a monthly row.
fn monthly(id: &str, month: Month) -> String {
    format!("{id}|{month}")
}

impl Projections {
    pub fn new() -> Self {
        Projections {
            problems: Table::new("SELECT id, body::text FROM problems WHERE id = ANY($1)", "problem"),
            enterprises: Table::new("SELECT id, body::text FROM enterprises WHERE id = ANY($1)", "enterprise"),
            visits: Table::new("SELECT id, body::text FROM visits WHERE id = ANY($1)", "visit"),
            units: Table::new("SELECT id, body::text FROM units WHERE id = ANY($1)", "unit"),
            users: Table::new("SELECT id, body::text FROM users WHERE id = ANY($1)", "user"),
            projects: Table::new("SELECT id, body::text FROM projects WHERE id = ANY($1)", "project"),
            indicator_reports: Table::new("", "indicator report"),
            project_progress: Table::new("", "project progress"),
            warnings: Table::new("", "warning"),
            numbers: HashMap::new(),
            import_keys: HashMap::new(),
            new_import_keys: Vec::new(),
            number_seqs: HashMap::new(),
            batch_seqs: HashMap::new(),
            document_numbers: HashMap::new(),
            document_seqs: HashMap::new(),
            new_documents: Vec::new(),
            bulletins: HashMap::new(),
            grants: Vec::new(),
            granted: HashSet::new(),
            stored_units: HashMap::new(),
            batch_units: HashMap::new(),
            deliveries: Vec::new(),
            asked: None,
            all_units_known: false,
        }
    }

    /// Projections that know nothing, keeping only what a read-ahead in flight asked for:
    /// for a batch that finds the carried ones were not true at the head it read.
    pub fn afresh(&mut self) {
        let asked = self.asked.take();
        *self = Projections::new();
        self.asked = asked;
    }

    /// How many rows this holds, of every table and lookup together.
    fn rows(&self) -> usize {
        self.problems.rows.len()
            + self.enterprises.rows.len()
            + self.visits.rows.len()
            + self.units.rows.len()
            + self.users.rows.len()
            + self.projects.rows.len()
            + self.indicator_reports.rows.len()
            + self.project_progress.rows.len()
            + self.warnings.rows.len()
            + self.numbers.len()
            + self.import_keys.len()
            + self.stored_units.len()
            + self.granted.len()
            + self.document_numbers.len()
    }

    /// Asks ahead, as parts of the push's combined read (`Reads`), for what a batch's events
    /// will ask for and is not known already: the problems they name with those problems'
    /// enterprises and grants, the enterprises and visits they name, the problems holding the
    /// numbers they register, the acting users, and every unit (a few dozen rows, once).
    /// `take_ahead` takes the answer; what was asked for and not found is then known not to
    /// exist, so nothing asked ahead costs a round trip of its own later.
    pub fn ask_ahead(&mut self, reads: &mut Reads, mut ahead: Ahead) {
        // A problem is known with its grants; its enterprise is asked for with it unless known.
        let known = |p: &Projections, id: &String| p.problems.rows.contains_key(id) && p.stored_units.contains_key(id);
        let of_known: Vec<String> = ahead
            .problems
            .iter()
            .filter(|id| known(self, id))
            .filter_map(|id| self.problems.rows.get(id).and_then(Option::as_ref))
            .map(|p| p.enterprise_id.clone())
            .collect();
        ahead.problems.retain(|id| !known(self, id));
        ahead.enterprises.extend(of_known);
        ahead.enterprises.retain(|id| !self.enterprises.rows.contains_key(id));
        ahead.visits.retain(|id| !self.visits.rows.contains_key(id));
        ahead.users.retain(|id| !self.users.rows.contains_key(id));
        ahead.numbers.retain(|n| !self.numbers.contains_key(n));
        ahead.all_units = !self.all_units_known;
        let units = if ahead.all_units { " UNION ALL SELECT 'unit', id, body::text FROM units" } else { "" };
        reads.add(
            &format!(
                "SELECT 'problem', id, body::text FROM problems WHERE id = ANY($1)
                 UNION ALL SELECT 'enterprise', id, body::text FROM enterprises
                     WHERE id = ANY($2) OR id IN (SELECT enterprise_id FROM problems WHERE id = ANY($1))
                 UNION ALL SELECT 'visit', id, body::text FROM visits WHERE id = ANY($3)
                 UNION ALL SELECT 'user', id, body::text FROM users WHERE id = ANY($4){units}
                 UNION ALL SELECT 'grant', problem_id, to_jsonb(unit_id)::text FROM visibility WHERE problem_id = ANY($1)"
            ),
            vec![
                (Box::new(ahead.problems.clone()), Type::TEXT_ARRAY),
                (Box::new(ahead.enterprises.clone()), Type::TEXT_ARRAY),
                (Box::new(ahead.visits.clone()), Type::TEXT_ARRAY),
                (Box::new(ahead.users.clone()), Type::TEXT_ARRAY),
            ],
        );
        if !ahead.numbers.is_empty() {
            // The earliest problem holding each number, as `problem_id_by_number` reads it.
            reads.add(
                "SELECT DISTINCT ON (number) 'number', number, to_jsonb(id)::text FROM problems
                  WHERE number = ANY($1) ORDER BY number, id",
                vec![(Box::new(ahead.numbers.clone()), Type::TEXT_ARRAY)],
            );
        }
        self.asked = Some(ahead);
    }

    /// Takes the rows of `ask_ahead`'s parts; what was asked for and not found is known not
    /// to exist.
    pub fn take_ahead(&mut self, rows: Vec<ReadRow>) -> Result<()> {
        for ReadRow { part, key: id, value } in rows {
            match part.as_str() {
                "problem" => self.problems.known(id, parse(&value, "problem")?),
                "enterprise" => self.enterprises.known(id, parse(&value, "enterprise")?),
                "visit" => self.visits.known(id, parse(&value, "visit")?),
                "user" => self.users.known(id, parse(&value, "user")?),
                "grant" => {
                    let unit: String = parse(&value, "grant")?;
                    self.stored_units.entry(id).or_default().insert(unit);
                }
                "unit" => self.units.known(id, parse(&value, "unit")?),
                "number" => {
                    let problem: Id = parse(&value, "problem number")?;
                    self.numbers.entry(id).or_insert(Some(problem));
                }
                other => return Err(ServerError::Internal(format!("a read-ahead row of part {other}"))),
            }
        }
        let ahead = self.asked.take().unwrap_or_default();
        self.all_units_known |= ahead.all_units;
        for id in ahead.problems {
            self.stored_units.entry(id.clone()).or_default();
            self.problems.rows.entry(id).or_insert(None);
        }
        for id in ahead.enterprises {
            self.enterprises.rows.entry(id).or_insert(None);
        }
        for id in ahead.visits {
            self.visits.rows.entry(id).or_insert(None);
        }
        for id in ahead.users {
            self.users.rows.entry(id).or_insert(None);
        }
        for number in ahead.numbers {
            self.numbers.entry(number).or_insert(None);
        }
        Ok(())
    }

    pub fn problem(&mut self, tx: &mut Db<'_>, id: &str) -> Result<Option<Problem>> {
        self.problems.one(tx, id)
    }
    pub fn enterprise(&mut self, tx: &mut Db<'_>, id: &str) -> Result<Option<Enterprise>> {
        self.enterprises.one(tx, id)
    }
    pub fn visit(&mut self, tx: &mut Db<'_>, id: &str) -> Result<Option<Visit>> {
        self.visits.one(tx, id)
    }
    pub fn unit(&mut self, tx: &mut Db<'_>, id: &str) -> Result<Option<Unit>> {
        self.units.one(tx, id)
    }
    pub fn user(&mut self, tx: &mut Db<'_>, id: &str) -> Result<Option<User>> {
        self.users.one(tx, id)
    }
    pub fn project(&mut self, tx: &mut Db<'_>, id: &str) -> Result<Option<Project>> {
        self.projects.one(tx, id)
    }
    pub fn warning(&mut self, tx: &mut Db<'_>, id: &str) -> Result<Option<WarningRow>> {
        if let Some(row) = self.warnings.rows.get(id) {
            return Ok(row.clone());
        }
        let found =
            query(tx, "SELECT body::text, handled, township_id FROM warnings WHERE id = $1", &[(&id, Type::TEXT)])?;
        let row = match found.first() {
            Some(r) => {
                Some(WarningRow { warning: parse(r.get(0), "warning")?, handled: r.get(1), township_id: r.get(2) })
            }
            None => None,
        };
        self.warnings.rows.insert(id.to_string(), row.clone());
        Ok(row)
    }
    pub fn indicator_report(
        &mut self,
        tx: &mut Db<'_>,
        enterprise_id: &str,
        month: Month,
    ) -> Result<Option<IndicatorReport>> {
        let key = monthly(enterprise_id, month);
        if let Some(row) = self.indicator_reports.rows.get(&key) {
            return Ok(row.clone());
        }
        let found = query(
            tx,
            "SELECT body::text FROM indicator_reports WHERE enterprise_id = $1 AND month = $2",
            &[(&enterprise_id, Type::TEXT), (&month.to_string(), Type::TEXT)],
        )?;
        let row = found.first().map(|r| parse(r.get(0), "indicator report")).transpose()?;
        self.indicator_reports.rows.insert(key, row.clone());
        Ok(row)
    }
    pub fn project_progress(
        &mut self,
        tx: &mut Db<'_>,
        project_id: &str,
        month: Month,
    ) -> Result<Option<ProjectProgress>> {
        let key = monthly(project_id, month);
        if let Some(row) = self.project_progress.rows.get(&key) {
            return Ok(row.clone());
        }
        let found = query(
            tx,
            "SELECT body::text FROM project_progress WHERE project_id = $1 AND month = $2",
            &[(&project_id, Type::TEXT), (&month.to_string(), Type::TEXT)],
        )?;
        let row = found.first().map(|r| parse(r.get(0), "project progress")).transpose()?;
        self.project_progress.rows.insert(key, row.clone());
        Ok(row)
    }

    pub fn unit_by_name(&mut self, tx: &mut Db<'_>, name: &str) -> Result<Option<Unit>> {
        self.units.find(tx, "SELECT id FROM units WHERE name = $1", name, |u| u.name == name)
    }
    pub fn user_by_login(&mut self, tx: &mut Db<'_>, login: &str) -> Result<Option<User>> {
        self.users.find(tx, "SELECT id FROM users WHERE login = $1", login, |u| u.login == login)
    }
    pub fn enterprise_by_credit_code(&mut self, tx: &mut Db<'_>, code: &str) -> Result<Option<Enterprise>> {
        self.enterprises.find(tx, "SELECT id FROM enterprises WHERE credit_code = $1", code, |e| {
            e.credit_code.as_deref() == Some(code)
        })
    }

    pub fn all_units(&mut self, tx: &mut Db<'_>) -> Result<Vec<Unit>> {
        self.units.all(tx, "SELECT id, body::text FROM units")
    }
    pub fn all_users(&mut self, tx: &mut Db<'_>) -> Result<Vec<User>> {
        self.users.all(tx, "SELECT id, body::text FROM users")
    }

    pub fn problem_id_by_number(&mut self, tx: &mut Db<'_>, number: &str) -> Result<Option<Id>> {
        if let Some(id) = self.numbers.get(number) {
            return Ok(id.clone());
        }
        let found =
            query(tx, "SELECT id FROM problems WHERE number = $1 ORDER BY id LIMIT 1", &[(&number, Type::TEXT)])?;
        let id: Option<Id> = found.first().map(|r| r.get(0));
        self.numbers.insert(number.to_string(), id.clone());
        Ok(id)
    }

    pub fn problem_id_by_import_key(&mut self, tx: &mut Db<'_>, key: &str) -> Result<Option<Id>> {
        if let Some(id) = self.import_keys.get(key) {
            return Ok(id.clone());
        }
        let found = query(tx, "SELECT problem_id FROM problem_imports WHERE import_key = $1", &[(&key, Type::TEXT)])?;
        let id: Option<Id> = found.first().map(|r| r.get(0));
        self.import_keys.insert(key.to_string(), id.clone());
        Ok(id)
    }

    /// The highest sequence number of a township's problems in `year`.
    fn number_seq(&mut self, tx: &mut Db<'_>, year: i32, township_id: &str) -> Result<u32> {
        let key = (year, township_id.to_string());
        let batch = self.batch_seqs.get(&key).copied().unwrap_or(0);
        if let Some(seq) = self.number_seqs.get(&key) {
            return Ok((*seq).max(batch));
        }
        let r = query(
            tx,
            "SELECT coalesce(max(number_seq), 0) FROM problems WHERE number_year = $1 AND township_id = $2",
            &[(&year, Type::INT4), (&township_id, Type::TEXT)],
        )?;
        let seq = r.first().map_or(0, |r| r.get::<_, i32>(0).max(0) as u32);
        self.number_seqs.insert(key, seq);
        Ok(seq.max(batch))
    }

    pub fn next_problem_seq(&mut self, tx: &mut Db<'_>, year: i32, township_id: &str) -> Result<u32> {
        Ok(self.number_seq(tx, year, township_id)? + 1)
    }

    pub fn document_number_taken(&mut self, tx: &mut Db<'_>, number: &str) -> Result<bool> {
        if let Some(taken) = self.document_numbers.get(number) {
            return Ok(*taken);
        }
        let taken =
            !query(tx, "SELECT 1 FROM documents WHERE number = $1 LIMIT 1", &[(&number, Type::TEXT)])?.is_empty();
        self.document_numbers.insert(number.to_string(), taken);
        Ok(taken)
    }

    pub fn bulletin_number(&mut self, tx: &mut Db<'_>, period: &str) -> Result<Option<String>> {
        if let Some(n) = self.bulletins.get(period) {
            return Ok(n.clone());
        }
        let found = query(tx, "SELECT number FROM documents WHERE period = $1 LIMIT 1", &[(&period, Type::TEXT)])?;
        let number: Option<String> = found.first().map(|r| r.get(0));
        self.bulletins.insert(period.to_string(), number.clone());
        Ok(number)
    }

    /// The highest sequence of the district's own documents of `kind` in `year`.
    fn document_seq(&mut self, tx: &mut Db<'_>, kind: DocumentKind, year: i32) -> Result<u32> {
        if let Some(seq) = self.document_seqs.get(&(kind, year)) {
            return Ok(*seq);
        }
        let r = query(
            tx,
            "SELECT coalesce(max(seq), 0) FROM documents WHERE kind = $1 AND year = $2 AND series IS NULL",
            &[(&kind.key(), Type::TEXT), (&year, Type::INT4)],
        )?;
        let seq = r.first().map_or(0, |r| r.get::<_, i32>(0).max(0) as u32);
        self.document_seqs.insert((kind, year), seq);
        Ok(seq)
    }

    pub fn next_document_seq(&mut self, tx: &mut Db<'_>, kind: DocumentKind, year: i32) -> Result<u32> {
        Ok(self.document_seq(tx, kind, year)? + 1)
    }

    // Writes: the fold's, in memory until `flush`.

    /// A document number given by an applied `DocumentIssued`.
    pub fn put_document(&mut self, tx: &mut Db<'_>, d: DocumentRow) -> Result<()> {
        if d.series.is_none() {
            let highest = self.document_seq(tx, d.kind, d.year)?;
            self.document_seqs.insert((d.kind, d.year), highest.max(d.seq));
        }
        self.document_numbers.insert(d.number.clone(), true);
        if let Some(period) = &d.period {
            self.bulletins.insert(period.clone(), Some(d.number.clone()));
        }
        self.new_documents.push(d);
        Ok(())
    }

    /// A problem as registered or as an event left it. A new one takes its number (unless an
    /// earlier problem holds it), its place in the township's sequence and its import key.
    pub fn put_problem(&mut self, tx: &mut Db<'_>, p: Problem, is_new: bool) -> Result<()> {
        if is_new {
            if self.problem_id_by_number(tx, &p.number)?.is_none_or(|held| p.id < held) {
                self.numbers.insert(p.number.clone(), Some(p.id.clone()));
            }
            if let Some((year, seq)) = p.number_place() {
                let held = self.batch_seqs.entry((year as i32, p.township_id.clone())).or_default();
                *held = (*held).max(seq.max(0) as u32);
            }
            if let Some(o) = &p.imported {
                self.import_keys.insert(o.key.clone(), Some(p.id.clone()));
                self.new_import_keys.push((o.key.clone(), p.id.clone()));
            }
        }
        self.problems.put(p.id.clone(), p);
        Ok(())
    }
    pub fn put_enterprise(&mut self, e: Enterprise) {
        self.enterprises.put(e.id.clone(), e);
    }
    pub fn put_visit(&mut self, v: Visit) {
        self.visits.put(v.id.clone(), v);
    }
    pub fn put_unit(&mut self, u: Unit) {
        self.units.put(u.id.clone(), u);
    }
    pub fn put_user(&mut self, u: User) {
        self.users.put(u.id.clone(), u);
    }
    pub fn put_project(&mut self, p: Project) {
        self.projects.put(p.id.clone(), p);
    }
    pub fn put_indicator_report(&mut self, r: IndicatorReport) {
        self.indicator_reports.put(monthly(&r.enterprise_id, r.month), r);
    }
    pub fn put_project_progress(&mut self, p: ProjectProgress) {
        self.project_progress.put(monthly(&p.project_id, p.month), p);
    }
    pub fn put_warning(&mut self, w: WarningRow) {
        self.warnings.put(w.warning.id.clone(), w);
    }

    /// `unit` may see `problem` from `server_seq` on (grants are never removed; the first
    /// stands). A grant already stored is not written again: every event of a problem grants
    /// its units again, and each such row cost the batch's statement a conflicting insert.
    pub fn grant(&mut self, unit: &str, problem: &str, server_seq: i64) {
        if self.stored_units.get(problem).is_some_and(|units| units.contains(unit)) {
            return;
        }
        if self.granted.insert((unit.to_string(), problem.to_string())) {
            self.grants.push((unit.to_string(), problem.to_string(), server_seq));
            self.batch_units.entry(problem.to_string()).or_default().insert(unit.to_string());
        }
    }

    /// Every unit that may see the problem now: its stored grants and this batch's.
    pub fn problem_units(&mut self, tx: &mut Db<'_>, problem: &str) -> Result<BTreeSet<String>> {
        if !self.stored_units.contains_key(problem) {
            let rows = query(tx, "SELECT unit_id FROM visibility WHERE problem_id = $1", &[(&problem, Type::TEXT)])?;
            self.stored_units.insert(problem.to_string(), rows.iter().map(|r| r.get(0)).collect());
        }
        let mut units = self.stored_units[problem].clone();
        units.extend(self.batch_units.get(problem).into_iter().flatten().cloned());
        Ok(units)
    }

    /// Every unit that may see one of the enterprise's problems now.
    pub fn enterprise_units(&mut self, tx: &mut Db<'_>, enterprise: &str) -> Result<BTreeSet<String>> {
        let rows = query(
            tx,
            "SELECT DISTINCT v.unit_id FROM visibility v JOIN problems p ON p.id = v.problem_id WHERE p.enterprise_id = $1",
            &[(&enterprise, Type::TEXT)],
        )?;
        let mut units: BTreeSet<String> = rows.iter().map(|r| r.get(0)).collect();
        for (problem, granted) in &self.batch_units {
            let of_it =
                self.problems.rows.get(problem).and_then(Option::as_ref).is_some_and(|p| p.enterprise_id == enterprise);
            if of_it {
                units.extend(granted.iter().cloned());
            }
        }
        Ok(units)
    }

    /// `unit` receives the event at `server_seq` at its own position.
    pub fn deliver(&mut self, unit: String, server_seq: i64) {
        self.deliveries.push((unit, server_seq));
    }
}
