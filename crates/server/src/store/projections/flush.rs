//! The batch's writes: what it changed in each table, in one set-based statement a table
//! (`INSERT … SELECT * FROM unnest(…) ON CONFLICT …`), rows in key order, all sent together
//! with the batch's events (`Writes`).

use postgres::types::{ToSql, Type};
use serde::Serialize;

use super::{json, Projections};
use crate::error::Result;
use crate::store::writes::Writes;

/// A column's values as a statement parameter of `ty`, owned (the statement is sent after the
/// rows it was read from are gone).
fn param<V: Owned>(values: V, ty: Type) -> (Box<dyn ToSql + Sync>, Type) {
    (Box::new(values.owned()), ty)
}

trait Owned {
    type Out: ToSql + Sync + 'static;
    fn owned(self) -> Self::Out;
}
impl Owned for Vec<&str> {
    type Out = Vec<String>;
    fn owned(self) -> Vec<String> {
        self.into_iter().map(str::to_string).collect()
    }
}
impl Owned for Vec<Option<&str>> {
    type Out = Vec<Option<String>>;
    fn owned(self) -> Vec<Option<String>> {
        self.into_iter().map(|v| v.map(str::to_string)).collect()
    }
}
macro_rules! owned_as_is {
    ($($t:ty),*) => {$(
        impl Owned for Vec<$t> {
            type Out = Vec<$t>;
            fn owned(self) -> Vec<$t> {
                self
            }
        }
    )*};
}
owned_as_is!(String, i32, i64, bool);

/// Upserts rows that are two text columns and the row's JSON body (`$1::text[], $2::text[],
/// $3::text[]` in `sql`); nothing when there are none.
fn upsert_keyed<'a, T: Serialize + 'a>(
    w: &mut Writes,
    sql: &str,
    rows: impl Iterator<Item = &'a T>,
    keys: impl Fn(&T) -> (String, String),
) -> Result<()> {
    let (mut firsts, mut seconds, mut bodies) = (Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        let (first, second) = keys(row);
        firsts.push(first);
        seconds.push(second);
        bodies.push(json(row)?);
    }
    if !firsts.is_empty() {
        w.add(
            sql,
            vec![param(firsts, Type::TEXT_ARRAY), param(seconds, Type::TEXT_ARRAY), param(bodies, Type::TEXT_ARRAY)],
        );
    }
    Ok(())
}

impl Projections {
    /// Adds what the batch changed to its writes, one statement a table, and forgets that it
    /// changed it (the rows stay known for the rest of the transaction).
    pub fn flush(&mut self, w: &mut Writes) -> Result<()> {
        self.flush_problems(w)?;
        self.flush_entities(w)?;
        self.flush_monitoring(w)?;
        if !self.deliveries.is_empty() {
            let (units, seqs): (Vec<String>, Vec<i64>) = self.deliveries.drain(..).unzip();
            w.add(
                "INSERT INTO deliveries (unit_id, server_seq) SELECT * FROM unnest($1::text[], $2::bigint[])",
                vec![param(units, Type::TEXT_ARRAY), param(seqs, Type::INT8_ARRAY)],
            );
        }
        if !self.new_documents.is_empty() {
            let rows: Vec<_> = self.new_documents.drain(..).collect();
            let numbers: Vec<String> = rows.iter().map(|d| d.number.clone()).collect();
            let kinds: Vec<String> = rows.iter().map(|d| d.kind.key().to_string()).collect();
            let years: Vec<i32> = rows.iter().map(|d| d.year).collect();
            let seqs: Vec<i32> = rows.iter().map(|d| i32::try_from(d.seq).unwrap_or(i32::MAX)).collect();
            let series: Vec<Option<&str>> = rows.iter().map(|d| d.series.as_deref()).collect();
            let problems: Vec<Option<&str>> = rows.iter().map(|d| d.problem_id.as_deref()).collect();
            let periods: Vec<Option<&str>> = rows.iter().map(|d| d.period.as_deref()).collect();
            w.add(
                "INSERT INTO documents (number, kind, year, seq, series, problem_id, period)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[])",
                vec![
                    param(numbers, Type::TEXT_ARRAY),
                    param(kinds, Type::TEXT_ARRAY),
                    param(years, Type::INT4_ARRAY),
                    param(seqs, Type::INT4_ARRAY),
                    param(series, Type::TEXT_ARRAY),
                    param(problems, Type::TEXT_ARRAY),
                    param(periods, Type::TEXT_ARRAY),
                ],
            );
        }
        if !self.grants.is_empty() {
            // Written grants are stored ones for whatever this transaction still asks (a problem
            // whose stored grants were never read is read whole, these included, when asked).
            for (problem, units) in self.batch_units.drain() {
                if let Some(stored) = self.stored_units.get_mut(&problem) {
                    stored.extend(units);
                }
            }
            let (units, problems, seqs) = split3(self.grants.drain(..));
            w.add(
                "INSERT INTO visibility (unit_id, problem_id, since_seq)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING",
                vec![param(units, Type::TEXT_ARRAY), param(problems, Type::TEXT_ARRAY), param(seqs, Type::INT8_ARRAY)],
            );
        }
        for table in [
            &mut self.problems.changed,
            &mut self.enterprises.changed,
            &mut self.visits.changed,
            &mut self.units.changed,
            &mut self.users.changed,
            &mut self.projects.changed,
            &mut self.indicator_reports.changed,
            &mut self.project_progress.changed,
            &mut self.warnings.changed,
        ] {
            table.clear();
        }
        Ok(())
    }

    fn flush_problems(&mut self, w: &mut Writes) -> Result<()> {
        if !self.problems.changed.is_empty() {
            let n = self.problems.changed.len();
            let (mut ids, mut numbers, mut townships, mut enterprises) =
                (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
            let (mut years, mut seqs, mut bodies) =
                (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
            for p in self.problems.changed() {
                // A number kept from a sheet is the problem's identity but not a place in the
                // township's sequence (`Problem::number_place`): year 0, sequence 0.
                let (year, seq) = p.number_place().map_or((0, 0), |(y, s)| (y as i32, s as i32));
                ids.push(p.id.as_str());
                numbers.push(p.number.as_str());
                years.push(year);
                seqs.push(seq);
                townships.push(p.township_id.as_str());
                enterprises.push(p.enterprise_id.as_str());
                bodies.push(json(p)?);
            }
            w.add(
                "INSERT INTO problems (id, number, number_year, number_seq, township_id, enterprise_id, body)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[])
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                vec![
                    param(ids, Type::TEXT_ARRAY),
                    param(numbers, Type::TEXT_ARRAY),
                    param(years, Type::INT4_ARRAY),
                    param(seqs, Type::INT4_ARRAY),
                    param(townships, Type::TEXT_ARRAY),
                    param(enterprises, Type::TEXT_ARRAY),
                    param(bodies, Type::TEXT_ARRAY),
                ],
            );
        }
        if !self.new_import_keys.is_empty() {
            let (keys, ids): (Vec<String>, Vec<String>) = self.new_import_keys.drain(..).unzip();
            w.add(
                "INSERT INTO problem_imports (import_key, problem_id) SELECT * FROM unnest($1::text[], $2::text[])",
                vec![param(keys, Type::TEXT_ARRAY), param(ids, Type::TEXT_ARRAY)],
            );
        }
        Ok(())
    }

    fn flush_entities(&mut self, w: &mut Writes) -> Result<()> {
        if !self.enterprises.changed.is_empty() {
            let (mut ids, mut codes, mut townships, mut bodies) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for e in self.enterprises.changed() {
                ids.push(e.id.as_str());
                codes.push(e.credit_code.as_deref());
                townships.push(e.township_id.as_str());
                bodies.push(json(e)?);
            }
            w.add(
                "INSERT INTO enterprises (id, credit_code, township_id, body)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
                 ON CONFLICT (id) DO UPDATE SET credit_code = excluded.credit_code, township_id = excluded.township_id,
                    body = excluded.body",
                vec![
                    param(ids, Type::TEXT_ARRAY),
                    param(codes, Type::TEXT_ARRAY),
                    param(townships, Type::TEXT_ARRAY),
                    param(bodies, Type::TEXT_ARRAY),
                ],
            );
        }
        if !self.visits.changed.is_empty() {
            let mut cols: (Vec<&str>, Vec<&str>, Vec<&str>, Vec<String>) = Default::default();
            for v in self.visits.changed() {
                cols.0.push(&v.id);
                cols.1.push(&v.township_id);
                cols.2.push(&v.enterprise_id);
                cols.3.push(json(v)?);
            }
            w.add(
                "INSERT INTO visits (id, township_id, enterprise_id, body)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                vec![
                    param(cols.0, Type::TEXT_ARRAY),
                    param(cols.1, Type::TEXT_ARRAY),
                    param(cols.2, Type::TEXT_ARRAY),
                    param(cols.3, Type::TEXT_ARRAY),
                ],
            );
        }
        upsert_keyed(
            w,
            "INSERT INTO units (id, name, body) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, body = excluded.body",
            self.units.changed(),
            |u| (u.id.clone(), u.name.clone()),
        )?;
        upsert_keyed(
            w,
            "INSERT INTO users (id, login, body) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
                 ON CONFLICT (id) DO UPDATE SET login = excluded.login, body = excluded.body",
            self.users.changed(),
            |u| (u.id.clone(), u.login.clone()),
        )?;
        Ok(())
    }

    fn flush_monitoring(&mut self, w: &mut Writes) -> Result<()> {
        upsert_keyed(
            w,
            "INSERT INTO projects (id, township_id, body) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
                 ON CONFLICT (id) DO UPDATE SET township_id = excluded.township_id, body = excluded.body",
            self.projects.changed(),
            |p| (p.id.clone(), p.township_id.clone()),
        )?;
        upsert_keyed(
            w,
            "INSERT INTO indicator_reports (enterprise_id, month, body)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
                 ON CONFLICT (enterprise_id, month) DO UPDATE SET body = excluded.body",
            self.indicator_reports.changed(),
            |r| (r.enterprise_id.clone(), r.month.to_string()),
        )?;
        upsert_keyed(
            w,
            "INSERT INTO project_progress (project_id, month, body)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
                 ON CONFLICT (project_id, month) DO UPDATE SET body = excluded.body",
            self.project_progress.changed(),
            |p| (p.project_id.clone(), p.month.to_string()),
        )?;
        if !self.warnings.changed.is_empty() {
            let mut cols: (Vec<&str>, Vec<&str>, Vec<String>, Vec<bool>) = Default::default();
            for w in self.warnings.changed() {
                cols.0.push(&w.warning.id);
                cols.1.push(&w.township_id);
                cols.2.push(json(&w.warning)?);
                cols.3.push(w.handled);
            }
            w.add(
                "INSERT INTO warnings (id, township_id, body, handled)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[])
                 ON CONFLICT (id) DO UPDATE SET township_id = excluded.township_id, body = excluded.body,
                    handled = excluded.handled",
                vec![
                    param(cols.0, Type::TEXT_ARRAY),
                    param(cols.1, Type::TEXT_ARRAY),
                    param(cols.2, Type::TEXT_ARRAY),
                    param(cols.3, Type::BOOL_ARRAY),
                ],
            );
        }
        Ok(())
    }
}

fn split3(rows: impl Iterator<Item = (String, String, i64)>) -> (Vec<String>, Vec<String>, Vec<i64>) {
    let mut out: (Vec<String>, Vec<String>, Vec<i64>) = Default::default();
    for (a, b, c) in rows {
        out.0.push(a);
        out.1.push(b);
        out.2.push(c);
    }
    out
}
