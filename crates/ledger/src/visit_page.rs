//! Visits as the window reads them: the 走访 list, one page at a time, newest first, of one
//! township (what a township official is shown: `visit_scope`) or of the whole district, with
//! how many there are; one visit; an enterprise's. The window used to read every visit of the
//! district for each of these and pick in the page: at 100,000 problems, 90,000 rows through
//! IPC to show 50, or one; and a township official's 走访 list showed every township's.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use taizhang_core::Visit;

use crate::error::Result;
use crate::read::{visit_row, VISIT_COLS};
use crate::{Ledger, PageRequest};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct VisitPage {
    #[ts(type = "number")]
    pub total: u64,
    #[ts(type = "number")]
    pub offset: u64,
    pub rows: Vec<Visit>,
}

impl Ledger {
    /// The visits of `township_id` (all of them when `None`), by date, newest first; of one
    /// date, the one recorded last first.
    pub fn visit_page(&self, township_id: Option<&str>, page: PageRequest) -> Result<VisitPage> {
        let limit = page.limit.clamp(1, 1000) as i64;
        let offset = page.offset.min(i64::MAX as u64) as i64;
        // Two statements rather than `(?1 IS NULL OR township_id = ?1)`, so that a township's
        // page is read along its index (township_id, date) instead of sorting the district's.
        let filter = if township_id.is_some() { "WHERE township_id = ?1" } else { "WHERE ?1 IS NULL" };
        let total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM visits {filter}"))?
            .query_row([township_id], |r| r.get(0))?;
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {VISIT_COLS} FROM visits {filter} ORDER BY date DESC, rowid DESC LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = st
            .query_map(rusqlite::params![township_id, limit, offset], visit_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(VisitPage { total: total as u64, offset: offset as u64, rows })
    }

    /// One visit by id (the one a problem came from).
    pub fn visit(&self, id: &str) -> Result<Option<Visit>> {
        let mut st = self.conn.prepare_cached(&format!("SELECT {VISIT_COLS} FROM visits WHERE id = ?1"))?;
        Ok(st.query_row([id], visit_row).optional()?)
    }

    /// An enterprise's visits, newest first (what a registration may name as its source).
    pub fn visits_of_enterprise(&self, enterprise_id: &str) -> Result<Vec<Visit>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {VISIT_COLS} FROM visits WHERE enterprise_id = ?1 ORDER BY date DESC, rowid DESC"
        ))?;
        let rows = st.query_map([enterprise_id], visit_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
