//! Lookups an import needs to tell a new row from one already in the ledger.

use rusqlite::OptionalExtension;

use crate::error::Result;
use crate::Ledger;

impl Ledger {
    /// The number of the problem imported under this key, if any.
    pub fn problem_number_by_import_key(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .connection()
            .query_row(
                "SELECT p.number FROM problem_imports i JOIN problems p ON p.id = i.problem_id WHERE i.import_key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Whether a problem has this number.
    pub fn problem_number_exists(&self, number: &str) -> Result<bool> {
        Ok(self.connection().query_row("SELECT EXISTS (SELECT 1 FROM problems WHERE number = ?1)", [number], |r| r.get(0))?)
    }
}
