//! The appender's statements, prepared once per connection. A push is about a dozen statements
//! whatever its size, and the same dozen every time; sent unprepared, PostgreSQL parsed and
//! planned each of them again for every batch, which was more of its time than executing
//! them (docs/benchmarks.md, the push row). `Db` is the appender's transaction together with
//! its connection's prepared statements; everything else a transaction does goes through it
//! unchanged (`Deref`).

use std::collections::HashMap;

use postgres::types::{ToSql, Type};
use postgres::{Client, Row, SimpleQueryMessage, Statement};

use crate::error::Result;

/// How many statements a connection keeps prepared. The appender's come to a few dozen (the
/// batch statement's text depends on which tables a batch writes); past this the cache starts
/// again rather than grow without bound.
const MOST: usize = 256;

/// Below this many events the log is too small for its plans to say anything about later.
const SMALL_LOG: i64 = 1_000;

/// A connection's prepared statements by their text.
#[derive(Default)]
pub struct Prepared {
    statements: HashMap<String, Statement>,
    /// The size of the log (its last `server_seq`) when the statements were prepared.
    prepared_at: i64,
    /// The size of the log when this connection last read its head.
    log_size: i64,
}

/// A transaction and the prepared statements of its connection. It is begun by hand rather
/// than through `Client::transaction`, so that the BEGIN travels with the first statements
/// of the transaction (`begin`'s `first`): one round trip fewer for every push. Dropped without
/// `commit`, it rolls back, as `postgres::Transaction` does.
pub struct Db<'c> {
    client: &'c mut Client,
    prepared: &'c mut Prepared,
    open: bool,
}

impl<'c> Db<'c> {
    /// Begins a transaction and runs `first` (statements separated by `;`, no parameters) in
    /// the same round trip; answers what they returned.
    pub fn begin(
        client: &'c mut Client,
        prepared: &'c mut Prepared,
        first: &str,
    ) -> Result<(Db<'c>, Vec<SimpleQueryMessage>)> {
        let db = Db { client, prepared, open: true };
        let messages = db.client.simple_query(&format!("BEGIN; {first}"))?;
        Ok((db, messages))
    }

    /// Runs `sql` (typed parameters) through its prepared statement, preparing it the first
    /// time this connection sees it: one round trip after that, and no parsing or planning
    /// beyond what PostgreSQL's plan cache decides.
    pub fn query_prepared(&mut self, sql: &str, params: &[(&(dyn ToSql + Sync), Type)]) -> Result<Vec<Row>> {
        let statement = match self.prepared.statements.get(sql) {
            Some(s) => s.clone(),
            None => {
                let types: Vec<Type> = params.iter().map(|(_, t)| t.clone()).collect();
                let s = self.client.prepare_typed(sql, &types)?;
                if self.prepared.statements.len() >= MOST {
                    self.prepared.statements.clear();
                }
                self.prepared.statements.insert(sql.to_string(), s.clone());
                s
            }
        };
        let values: Vec<&(dyn ToSql + Sync)> = params.iter().map(|(v, _)| *v).collect();
        Ok(self.client.query(&statement, &values)?)
    }

    /// Prepares the statements again once the log has doubled since they were prepared. After
    /// a few executions PostgreSQL keeps a statement's generic plan, made with the tables'
    /// sizes of that moment; a server starts from an empty log, and a plan made then (a
    /// sequential scan of `events` for the duplicate check) stayed cached while the log grew
    /// (docs/benchmarks.md, the push row; bench/notes.md, stops 29 and 30). Preparing again as
    /// the log doubles keeps the plans made for tables of about their present size, at the
    /// cost of a few dozen parses each time: about twenty times over a district's life.
    pub fn replan_if_grown(&mut self) {
        let (at, log_size) = (self.prepared.prepared_at, self.prepared.log_size);
        if outgrown(at, log_size) {
            // Dropping a `Statement` closes it on the server.
            self.prepared.statements.clear();
            self.prepared.prepared_at = log_size;
        }
    }

    /// Notes the size of the log as the appender read it, for `replan_if_grown`.
    pub fn log_size(&mut self, size: i64) {
        self.prepared.log_size = size;
    }

    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        Ok(self.client.batch_execute("COMMIT")?)
    }
}

/// Whether statements prepared when the log held `prepared_at` events are to be prepared again
/// now that it holds `log_size`: once it has doubled (from `SMALL_LOG` on), or if it is smaller
/// (another district's database behind the same pool, as in tests).
fn outgrown(prepared_at: i64, log_size: i64) -> bool {
    log_size >= SMALL_LOG.max(2 * prepared_at) || log_size < prepared_at
}

impl Drop for Db<'_> {
    fn drop(&mut self) {
        if self.open {
            // A broken connection leaves the pool anyway (`Conn`'s drop checks it).
            let _ = self.client.batch_execute("ROLLBACK");
        }
    }
}

impl std::ops::Deref for Db<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client
    }
}

impl std::ops::DerefMut for Db<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client
    }
}

#[cfg(test)]
mod tests {
    use super::{outgrown, SMALL_LOG};

    #[test]
    fn statements_are_prepared_again_as_the_log_doubles() {
        assert!(!outgrown(0, 0));
        assert!(!outgrown(0, SMALL_LOG - 1));
        assert!(outgrown(0, SMALL_LOG));
        assert!(!outgrown(SMALL_LOG, 2 * SMALL_LOG - 1));
        assert!(outgrown(SMALL_LOG, 2 * SMALL_LOG));
        assert!(!outgrown(300_000, 599_999));
        assert!(outgrown(300_000, 600_000));
        assert!(outgrown(300_000, 10), "a smaller log is another database");
        // Preparing at 1,000 and doubling from there: about twenty times up to a billion events.
        let (mut at, mut times) = (0, 0);
        for size in (0..=1_000_000_000i64).step_by(1_000) {
            if outgrown(at, size) {
                (at, times) = (size, times + 1);
            }
        }
        assert!((19..=21).contains(&times), "{times}");
    }
}
