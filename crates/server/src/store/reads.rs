//! What a push reads before it decides, sent as one statement: the device, the events of the
//! batch already stored (`Seen`) and the projections the batch will ask for (`Projections`'
//! read-ahead). Each part is a `SELECT` of three text columns (part, key, value), where value
//! is the row as JSON; the parts are joined with `UNION ALL`, so the whole read is one round
//! trip. The twin of `writes.rs`, which sends what a batch writes as one statement.

use postgres::types::{ToSql, Type};

use super::prepared::Db;
use super::writes::{renumber, Param};
use crate::error::Result;

/// One row of a combined read: which part it answers, its key and its value (JSON text).
pub struct ReadRow {
    pub part: String,
    pub key: String,
    pub value: String,
}

#[derive(Default)]
pub struct Reads {
    parts: Vec<String>,
    params: Vec<Param>,
}

impl Reads {
    /// Adds a `SELECT part, key, value` whose parameters are `$1…$n` of `params`.
    pub fn add(&mut self, sql: &str, params: Vec<Param>) {
        self.parts.push(format!("({})", renumber(sql, self.params.len())));
        self.params.extend(params);
    }

    /// Runs every part as one statement.
    pub fn send(self, tx: &mut Db<'_>) -> Result<Vec<ReadRow>> {
        if self.parts.is_empty() {
            return Ok(Vec::new());
        }
        let sql = self.parts.join(" UNION ALL ");
        let params: Vec<(&(dyn ToSql + Sync), Type)> =
            self.params.iter().map(|(v, t)| (v.as_ref(), t.clone())).collect();
        Ok(tx
            .query_prepared(&sql, &params)?
            .iter()
            .map(|r| ReadRow { part: r.get(0), key: r.get(1), value: r.get(2) })
            .collect())
    }
}
