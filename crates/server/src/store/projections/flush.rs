//! The batch's writes: what it changed in each table, in one set-based statement a table
//! (`INSERT … SELECT * FROM unnest(…) ON CONFLICT …`), rows in key order.

use postgres::types::Type;
use postgres::Transaction;

use super::{execute, json, Projections};
use crate::error::Result;

impl Projections {
    /// Writes what the batch changed, one statement a table, and forgets that it changed it
    /// (the rows stay known for the rest of the transaction).
    pub fn flush(&mut self, tx: &mut Transaction<'_>) -> Result<()> {
        self.flush_problems(tx)?;
        self.flush_entities(tx)?;
        self.flush_monitoring(tx)?;
        if !self.deliveries.is_empty() {
            let (units, seqs): (Vec<String>, Vec<i64>) = self.deliveries.drain(..).unzip();
            execute(
                tx,
                "INSERT INTO deliveries (unit_id, server_seq) SELECT * FROM unnest($1::text[], $2::bigint[])",
                &[(&units, Type::TEXT_ARRAY), (&seqs, Type::INT8_ARRAY)],
            )?;
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
            execute(
                tx,
                "INSERT INTO visibility (unit_id, problem_id, since_seq)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING",
                &[(&units, Type::TEXT_ARRAY), (&problems, Type::TEXT_ARRAY), (&seqs, Type::INT8_ARRAY)],
            )?;
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

    fn flush_problems(&mut self, tx: &mut Transaction<'_>) -> Result<()> {
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
            execute(
                tx,
                "INSERT INTO problems (id, number, number_year, number_seq, township_id, enterprise_id, body)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::jsonb[])
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                &[
                    (&ids, Type::TEXT_ARRAY),
                    (&numbers, Type::TEXT_ARRAY),
                    (&years, Type::INT4_ARRAY),
                    (&seqs, Type::INT4_ARRAY),
                    (&townships, Type::TEXT_ARRAY),
                    (&enterprises, Type::TEXT_ARRAY),
                    (&bodies, Type::JSONB_ARRAY),
                ],
            )?;
        }
        if !self.new_import_keys.is_empty() {
            let (keys, ids): (Vec<String>, Vec<String>) = self.new_import_keys.drain(..).unzip();
            execute(
                tx,
                "INSERT INTO problem_imports (import_key, problem_id) SELECT * FROM unnest($1::text[], $2::text[])",
                &[(&keys, Type::TEXT_ARRAY), (&ids, Type::TEXT_ARRAY)],
            )?;
        }
        Ok(())
    }

    fn flush_entities(&mut self, tx: &mut Transaction<'_>) -> Result<()> {
        if !self.enterprises.changed.is_empty() {
            let (mut ids, mut codes, mut townships, mut bodies) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for e in self.enterprises.changed() {
                ids.push(e.id.as_str());
                codes.push(e.credit_code.as_deref());
                townships.push(e.township_id.as_str());
                bodies.push(json(e)?);
            }
            execute(
                tx,
                "INSERT INTO enterprises (id, credit_code, township_id, body)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])
                 ON CONFLICT (id) DO UPDATE SET credit_code = excluded.credit_code, township_id = excluded.township_id,
                    body = excluded.body",
                &[
                    (&ids, Type::TEXT_ARRAY),
                    (&codes, Type::TEXT_ARRAY),
                    (&townships, Type::TEXT_ARRAY),
                    (&bodies, Type::JSONB_ARRAY),
                ],
            )?;
        }
        if !self.visits.changed.is_empty() {
            let mut cols: (Vec<&str>, Vec<&str>, Vec<&str>, Vec<serde_json::Value>) = Default::default();
            for v in self.visits.changed() {
                cols.0.push(&v.id);
                cols.1.push(&v.township_id);
                cols.2.push(&v.enterprise_id);
                cols.3.push(json(v)?);
            }
            execute(
                tx,
                "INSERT INTO visits (id, township_id, enterprise_id, body)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                &[
                    (&cols.0, Type::TEXT_ARRAY),
                    (&cols.1, Type::TEXT_ARRAY),
                    (&cols.2, Type::TEXT_ARRAY),
                    (&cols.3, Type::JSONB_ARRAY),
                ],
            )?;
        }
        if !self.units.changed.is_empty() {
            let mut cols: (Vec<&str>, Vec<&str>, Vec<serde_json::Value>) = Default::default();
            for u in self.units.changed() {
                cols.0.push(&u.id);
                cols.1.push(&u.name);
                cols.2.push(json(u)?);
            }
            execute(
                tx,
                "INSERT INTO units (id, name, body) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, body = excluded.body",
                &[(&cols.0, Type::TEXT_ARRAY), (&cols.1, Type::TEXT_ARRAY), (&cols.2, Type::JSONB_ARRAY)],
            )?;
        }
        if !self.users.changed.is_empty() {
            let mut cols: (Vec<&str>, Vec<&str>, Vec<serde_json::Value>) = Default::default();
            for u in self.users.changed() {
                cols.0.push(&u.id);
                cols.1.push(&u.login);
                cols.2.push(json(u)?);
            }
            execute(
                tx,
                "INSERT INTO users (id, login, body) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
                 ON CONFLICT (id) DO UPDATE SET login = excluded.login, body = excluded.body",
                &[(&cols.0, Type::TEXT_ARRAY), (&cols.1, Type::TEXT_ARRAY), (&cols.2, Type::JSONB_ARRAY)],
            )?;
        }
        Ok(())
    }

    fn flush_monitoring(&mut self, tx: &mut Transaction<'_>) -> Result<()> {
        if !self.projects.changed.is_empty() {
            let mut cols: (Vec<&str>, Vec<&str>, Vec<serde_json::Value>) = Default::default();
            for p in self.projects.changed() {
                cols.0.push(&p.id);
                cols.1.push(&p.township_id);
                cols.2.push(json(p)?);
            }
            execute(
                tx,
                "INSERT INTO projects (id, township_id, body) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
                 ON CONFLICT (id) DO UPDATE SET township_id = excluded.township_id, body = excluded.body",
                &[(&cols.0, Type::TEXT_ARRAY), (&cols.1, Type::TEXT_ARRAY), (&cols.2, Type::JSONB_ARRAY)],
            )?;
        }
        if !self.indicator_reports.changed.is_empty() {
            let mut cols: (Vec<&str>, Vec<String>, Vec<serde_json::Value>) = Default::default();
            for r in self.indicator_reports.changed() {
                cols.0.push(&r.enterprise_id);
                cols.1.push(r.month.to_string());
                cols.2.push(json(r)?);
            }
            execute(
                tx,
                "INSERT INTO indicator_reports (enterprise_id, month, body)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
                 ON CONFLICT (enterprise_id, month) DO UPDATE SET body = excluded.body",
                &[(&cols.0, Type::TEXT_ARRAY), (&cols.1, Type::TEXT_ARRAY), (&cols.2, Type::JSONB_ARRAY)],
            )?;
        }
        if !self.project_progress.changed.is_empty() {
            let mut cols: (Vec<&str>, Vec<String>, Vec<serde_json::Value>) = Default::default();
            for p in self.project_progress.changed() {
                cols.0.push(&p.project_id);
                cols.1.push(p.month.to_string());
                cols.2.push(json(p)?);
            }
            execute(
                tx,
                "INSERT INTO project_progress (project_id, month, body)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
                 ON CONFLICT (project_id, month) DO UPDATE SET body = excluded.body",
                &[(&cols.0, Type::TEXT_ARRAY), (&cols.1, Type::TEXT_ARRAY), (&cols.2, Type::JSONB_ARRAY)],
            )?;
        }
        if !self.warnings.changed.is_empty() {
            let mut cols: (Vec<&str>, Vec<&str>, Vec<serde_json::Value>, Vec<bool>) = Default::default();
            for w in self.warnings.changed() {
                cols.0.push(&w.warning.id);
                cols.1.push(&w.township_id);
                cols.2.push(json(&w.warning)?);
                cols.3.push(w.handled);
            }
            execute(
                tx,
                "INSERT INTO warnings (id, township_id, body, handled)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::bool[])
                 ON CONFLICT (id) DO UPDATE SET township_id = excluded.township_id, body = excluded.body,
                    handled = excluded.handled",
                &[
                    (&cols.0, Type::TEXT_ARRAY),
                    (&cols.1, Type::TEXT_ARRAY),
                    (&cols.2, Type::JSONB_ARRAY),
                    (&cols.3, Type::BOOL_ARRAY),
                ],
            )?;
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
