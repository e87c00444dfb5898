//! What a batch writes, sent as one statement: each table's `INSERT … SELECT * FROM unnest(…)`
//! (or the devices' `UPDATE`) becomes a data-modifying `WITH` part of a single statement, so
//! the whole batch's rows go in one round trip. The parts touch different tables and none reads
//! another's rows, so running them in one snapshot is the same as running them in turn.

use postgres::types::{ToSql, Type};

use super::prepared::Db;

use crate::error::Result;

pub type Param = (Box<dyn ToSql + Sync>, Type);

#[derive(Default)]
pub struct Writes {
    parts: Vec<String>,
    params: Vec<Param>,
}

impl Writes {
    /// Adds a statement whose parameters are `$1…$n` of `params`.
    pub fn add(&mut self, sql: &str, params: Vec<Param>) {
        self.parts.push(renumber(sql, self.params.len()));
        self.params.extend(params);
    }

    /// Sends every part as one statement (nothing when there is nothing to write).
    pub fn send(self, tx: &mut Db<'_>) -> Result<()> {
        let sql = match self.parts.len() {
            0 => return Ok(()),
            1 => self.parts.into_iter().next().expect("one part"),
            _ => {
                let ctes: Vec<String> =
                    self.parts.iter().enumerate().map(|(i, part)| format!("w{i} AS ({part})")).collect();
                format!("WITH {} SELECT 1", ctes.join(", "))
            }
        };
        let params: Vec<(&(dyn ToSql + Sync), Type)> =
            self.params.iter().map(|(v, t)| (v.as_ref(), t.clone())).collect();
        tx.query_prepared(&sql, &params)?;
        Ok(())
    }
}

/// `sql` with each `$k` made `$(k + by)`.
pub fn renumber(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        match digits.parse::<usize>() {
            Ok(k) => out.push_str(&(k + by).to_string()),
            Err(_) => out.push_str(&digits),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::renumber;

    #[test]
    fn renumbers_every_placeholder_once() {
        assert_eq!(renumber("f($1, $2, $10, $1)", 12), "f($13, $14, $22, $13)");
        assert_eq!(renumber("SELECT $1::text[]", 0), "SELECT $1::text[]");
        assert_eq!(renumber("no placeholders, $ alone", 3), "no placeholders, $ alone");
    }
}
