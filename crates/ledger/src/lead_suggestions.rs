//! Which departments usually lead a category's problems (issue 19, "assigning suggests a
//! lead from the category"): learned from the ledger's own assignments, offered to the office
//! beside the lead field and never chosen for it.

use serde::Serialize;
use taizhang_core::Id;

use crate::error::Result;
use crate::Ledger;

/// A department that has led problems of the category, and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LeadSuggestion {
    pub unit_id: Id,
    pub unit_name: String,
    pub count: u32,
}

impl Ledger {
    /// The active departments that most often lead `category`'s problems (the lead as it stands
    /// now, after any reassignment), most first; at most three.
    pub fn lead_suggestions(&self, category: &str) -> Result<Vec<LeadSuggestion>> {
        let mut st = self.conn.prepare_cached(
            "SELECT p.lead_unit_id, u.name, count(*) AS n
             FROM problems p JOIN units u ON u.id = p.lead_unit_id
             WHERE p.category = ?1 AND u.active = 1 AND u.kind = 'department'
             GROUP BY p.lead_unit_id, u.name
             ORDER BY n DESC, u.name
             LIMIT 3",
        )?;
        let rows = st.query_map([category], |r| {
            Ok(LeadSuggestion { unit_id: r.get(0)?, unit_name: r.get(1)?, count: r.get(2)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
