//! The appender's statements, prepared once per connection. A push is about a dozen statements
//! whatever its size, and the same dozen every time; sent unprepared, PostgreSQL parsed and
//! planned each of them again for every batch, which was more of its time than executing
//! them (docs/benchmarks.md, the push row). `Db` is the appender's transaction together with
//! its connection's prepared statements; everything else a transaction does goes through it
//! unchanged (`Deref`).

use std::collections::HashMap;

use postgres::types::{ToSql, Type};
use postgres::{Client, Row, Statement, Transaction};

use crate::error::Result;

/// How many statements a connection keeps prepared. The appender's come to a few dozen (the
/// batch statement's text depends on which tables a batch writes); past this the cache starts
/// again rather than grow without bound.
const MOST: usize = 256;

/// A connection's prepared statements by their text.
#[derive(Default)]
pub struct Prepared {
    statements: HashMap<String, Statement>,
}

/// A transaction and the prepared statements of its connection.
pub struct Db<'c> {
    tx: Transaction<'c>,
    prepared: &'c mut Prepared,
}

impl<'c> Db<'c> {
    pub fn begin(client: &'c mut Client, prepared: &'c mut Prepared) -> Result<Db<'c>> {
        Ok(Db { tx: client.transaction()?, prepared })
    }

    /// Runs `sql` (typed parameters) through its prepared statement, preparing it the first
    /// time this connection sees it: one round trip after that, and no parsing or planning
    /// beyond what PostgreSQL's plan cache decides.
    pub fn query_prepared(&mut self, sql: &str, params: &[(&(dyn ToSql + Sync), Type)]) -> Result<Vec<Row>> {
        let statement = match self.prepared.statements.get(sql) {
            Some(s) => s.clone(),
            None => {
                let types: Vec<Type> = params.iter().map(|(_, t)| t.clone()).collect();
                let s = self.tx.prepare_typed(sql, &types)?;
                if self.prepared.statements.len() >= MOST {
                    self.prepared.statements.clear();
                }
                self.prepared.statements.insert(sql.to_string(), s.clone());
                s
            }
        };
        let values: Vec<&(dyn ToSql + Sync)> = params.iter().map(|(v, _)| *v).collect();
        Ok(self.tx.query(&statement, &values)?)
    }

    pub fn commit(self) -> Result<()> {
        Ok(self.tx.commit()?)
    }
}

impl<'c> std::ops::Deref for Db<'c> {
    type Target = Transaction<'c>;
    fn deref(&self) -> &Transaction<'c> {
        &self.tx
    }
}

impl<'c> std::ops::DerefMut for Db<'c> {
    fn deref_mut(&mut self) -> &mut Transaction<'c> {
        &mut self.tx
    }
}
