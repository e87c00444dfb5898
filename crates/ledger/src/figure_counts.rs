//! The `figure_counts` projection: the core's figure facts summed per day, and the readers
//! that turn a period of them (and the open problems as they stand) into a scorecard without
//! parsing any aggregate.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use taizhang_core::figure_facts::{facts_of, visit_fact, FactKey, FactKind, FactTally, Facts, PeriodTallies};
use taizhang_core::figures::{NowFacts, OpenProblem};
use taizhang_core::Status;

use crate::error::{LedgerError, Result};
use crate::read;

/// Adds tallies to the counts (the projector sums a transaction's changes per key and calls
/// it once, at the end), deleting the rows whose count falls to 0.
pub(crate) fn add(conn: &Connection, changes: impl IntoIterator<Item = (FactKey, FactTally)>) -> Result<()> {
    let mut upsert = conn.prepare_cached(
        "INSERT INTO figure_counts (on_date, kind, unit_id, detail, started_on, n, yes, solved)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT DO UPDATE SET n = n + excluded.n, yes = yes + excluded.yes, solved = solved + excluded.solved
         RETURNING n",
    )?;
    let mut delete = conn.prepare_cached(
        "DELETE FROM figure_counts WHERE on_date = ?1 AND kind = ?2 AND unit_id = ?3 AND detail = ?4 AND started_on = ?5",
    )?;
    for (k, t) in changes {
        let on = k.on.map(|d| d.to_string()).unwrap_or_default();
        let started = k.started_on.map(|d| d.to_string()).unwrap_or_default();
        let (kind, unit, detail) = (k.kind.key(), k.unit_id.as_str(), k.detail.as_str());
        let n: i64 = upsert.query_row(params![on, kind, unit, detail, started, t.n, t.yes, t.solved], |r| r.get(0))?;
        if n == 0 {
            delete.execute(params![on, kind, unit, detail, started])?;
        } else if n < 0 {
            return Err(LedgerError::Corrupt(format!("figure count below zero for {k:?}")));
        }
    }
    Ok(())
}

/// Fills the table from the aggregates and the visits, and `problem_supporters.clock_runs`
/// from the problems' status, when migration 05 has just made them (or a fill was cut short):
/// one transaction, reading the aggregates one by one.
pub(crate) fn fill_if_pending(conn: &mut Connection) -> Result<()> {
    let pending = |c: &Connection| -> Result<bool> {
        Ok(c.query_row("SELECT 1 FROM meta WHERE key = 'figure_counts'", [], |_| Ok(())).optional()?.is_some())
    };
    if !pending(conn)? {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if pending(&tx)? {
        let mut sums = Facts::new();
        {
            let mut st = tx.prepare("SELECT state FROM problem_states")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let p = read::problem_state(&r.get::<_, Vec<u8>>(0)?)?;
                for (k, t) in facts_of(&p) {
                    sums.entry(k).or_default().add(t);
                }
            }
        }
        for v in read::all_visits(&tx)? {
            let (k, t) = visit_fact(&v);
            sums.entry(k).or_default().add(t);
        }
        tx.execute("DELETE FROM figure_counts", [])?;
        add(&tx, sums)?;
        tx.execute(
            &format!(
                "UPDATE problem_supporters SET clock_runs = 1
                 WHERE problem_id IN (SELECT id FROM problems WHERE status IN ({}))",
                status_keys(Status::clock_runs)
            ),
            [],
        )?;
        tx.execute("DELETE FROM meta WHERE key = 'figure_counts'", [])?;
    }
    tx.commit()?;
    Ok(())
}

/// The facts dated from `start` to `end`, summed as the scorecard needs them: one pass over
/// the period's rows (a year is about one row per problem), summed here rather than by a
/// GROUP BY, which would sort them all; unit ids and categories are few, so they are
/// interned and no row allocates.
pub fn period_tallies(conn: &Connection, start: NaiveDate, end: NaiveDate) -> Result<PeriodTallies> {
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut intern = |s: &str| -> usize {
        if let Some(i) = names.get(s) {
            return *i;
        }
        let i = names.len();
        names.insert(s.to_string(), i);
        i
    };
    let mut by_kind: HashMap<(FactKind, usize, usize), FactTally> = HashMap::new();
    let mut starts: HashMap<(usize, NaiveDate), i64> = HashMap::new();
    let mut ends: HashMap<(usize, NaiveDate), i64> = HashMap::new();
    let mut st = conn.prepare_cached(
        "SELECT kind, unit_id, detail, on_date, started_on, n, yes, solved FROM figure_counts
         WHERE on_date BETWEEN ?1 AND ?2",
    )?;
    let mut rows = st.query([start.to_string(), end.to_string()])?;
    while let Some(r) = rows.next()? {
        let text = |i: usize| text_at(r, i);
        let kind = FactKind::from_key(text(0)?)
            .ok_or_else(|| LedgerError::Corrupt(format!("figure_counts kind {:?}", text(0))))?;
        let (unit, detail) = (intern(text(1)?), intern(text(2)?));
        let tally = FactTally { n: r.get(5)?, yes: r.get(6)?, solved: r.get(7)? };
        by_kind.entry((kind, unit, detail)).or_default().add(tally);
        if kind == FactKind::Resolved {
            *starts.entry((unit, read::date(text(4)?)?)).or_default() += tally.n;
            *ends.entry((unit, read::date(text(3)?)?)).or_default() += tally.n;
        }
    }
    let mut name = vec![String::new(); names.len()];
    for (s, i) in names {
        name[i] = s;
    }
    Ok(PeriodTallies {
        by_kind: by_kind.into_iter().map(|((k, u, c), t)| ((k, name[u].clone(), name[c].clone()), t)).collect(),
        resolution_starts: starts.into_iter().map(|((u, d), n)| ((name[u].clone(), d), n)).collect(),
        resolution_ends: ends.into_iter().map(|((u, d), n)| ((name[u].clone(), d), n)).collect(),
    })
}

/// (kind, a day of the month, count) of registrations, resolutions and close-outs per month
/// from `start` on, for `figures::monthly_trend_of`.
pub fn monthly_counts(conn: &Connection, start: NaiveDate) -> Result<Vec<(FactKind, NaiveDate, i64)>> {
    let mut st = conn.prepare_cached(
        "SELECT kind, min(on_date), sum(n) FROM figure_counts
         WHERE on_date >= ?1 AND kind IN ('registered', 'resolved', 'resolved_locally', 'closed')
         GROUP BY kind, substr(on_date, 1, 7)",
    )?;
    let rows = st.query_map([start.to_string()], |r| {
        Ok((read::parse_enum(r.get(0)?, FactKind::from_key)?, read::date(&r.get::<_, String>(1)?)?, r.get(2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `NowFacts` from the problem columns and the supporters table.
pub fn now_facts(conn: &Connection) -> Result<NowFacts> {
    let mut now = NowFacts::default();
    // Undated status facts: one row per status, kept by every event.
    let mut st = conn.prepare_cached("SELECT detail, n FROM figure_counts WHERE on_date = '' AND kind = 'status'")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        now.by_status.insert(read::parse_enum(r.get(0)?, Status::parse)?, r.get(1)?);
    }
    let mut st = conn.prepare_cached(&format!(
        "SELECT township_id, lead_unit_id, status, sign_deadline, handling_deadline, urge_level, urge_count, category
         FROM problems WHERE status IN ({})",
        status_keys(Status::is_open)
    ))?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let status = read::parse_enum(r.get(2)?, Status::parse)?;
        now.open.push(OpenProblem {
            township_id: r.get(0)?,
            lead_unit_id: r.get(1)?,
            category: r.get(7)?,
            clock: read::clock_facts(status, read::opt_date(r, 3)?, read::opt_date(r, 4)?, r.get(5)?, r.get(6)?),
        });
    }
    let mut st = conn.prepare_cached(
        "SELECT unit_id, sub_deadline FROM problem_supporters INDEXED BY problem_supporters_open WHERE clock_runs AND NOT settled",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        now.unsettled_supports.push((r.get(0)?, read::date(&r.get::<_, String>(1)?)?));
    }
    Ok(now)
}

/// The SQL list of the keys of the statuses `f` holds for: `'assigned', 'in_progress'`.
pub(crate) fn status_keys(f: fn(Status) -> bool) -> String {
    Status::ALL.iter().filter(|s| f(**s)).map(|s| format!("'{}'", s.key())).collect::<Vec<_>>().join(", ")
}

/// A text column borrowed from its row (no copy).
fn text_at<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> Result<&'r str> {
    Ok(r.get_ref(i)?
        .as_str()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))?)
}

/// A row's key (day, kind, unit, detail, start day) and its (n, yes, solved).
pub type CountRows = BTreeMap<(String, String, String, String, String), (i64, i64, i64)>;

/// Every row of the table, for tests and checks: what the projection holds.
pub fn all_counts(conn: &Connection) -> Result<CountRows> {
    let mut st =
        conn.prepare("SELECT on_date, kind, unit_id, detail, started_on, n, yes, solved FROM figure_counts")?;
    let rows = st.query_map([], |r| {
        Ok(((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?), (r.get(5)?, r.get(6)?, r.get(7)?)))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
