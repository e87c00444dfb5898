//! Lookups an import needs to tell a new row from one already in the ledger.

use rusqlite::OptionalExtension;

use crate::error::Result;
use crate::Ledger;

impl Ledger {
    /// The number of the problem imported under this key, if any.
    pub fn problem_number_by_import_key(&self, key: &str) -> Result<Option<String>> {
        // A cached statement: an import's plan asks once per row.
        Ok(self
            .connection()
            .prepare_cached(
                "SELECT p.number FROM problem_imports i JOIN problems p ON p.id = i.problem_id WHERE i.import_key = ?1",
            )?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// Whether a problem has this number.
    pub fn problem_number_exists(&self, number: &str) -> Result<bool> {
        Ok(self
            .connection()
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM problems WHERE number = ?1)")?
            .query_row([number], |r| r.get(0))?)
    }
}
