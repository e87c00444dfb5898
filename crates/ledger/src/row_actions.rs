//! What the viewer may do to each row of a list (issue 19, the 操作 column): the core's
//! `allowed_actions` asked for every problem on the page, so a queue offers exactly what the
//! problem page would, and the window decides nothing itself.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use taizhang_core::command::Action;
use taizhang_core::workflow::{allowed_actions, Context};
use taizhang_core::Id;

use crate::error::Result;
use crate::Ledger;

/// The actions the viewer may take now on one problem of a list, in the core's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RowActions {
    pub problem_id: Id,
    pub actions: Vec<Action>,
}

/// As many rows as one call answers for: the longest list a screen shows (a queue's 1,000).
pub const MAX_ROW_ACTIONS: usize = 1000;

impl Ledger {
    /// For each of `problem_ids` (the first `MAX_ROW_ACTIONS`, in the order given), what
    /// `viewer` (a login or id) may do with it now; an id that names no problem is left out.
    /// A viewer who may not act (deactivated, or of a deactivated unit) gets empty lists.
    pub fn row_actions(&self, problem_ids: &[Id], viewer: &str, now: DateTime<Utc>) -> Result<Vec<RowActions>> {
        let cache = self.cached();
        let actor = cache.actor(viewer)?;
        let (calendar, settings) = (cache.calendar()?, cache.settings()?);
        let ctx = Context { now, calendar: &calendar, settings: &settings };
        let mut out = Vec::with_capacity(problem_ids.len().min(MAX_ROW_ACTIONS));
        for id in problem_ids.iter().take(MAX_ROW_ACTIONS) {
            if let Some(p) = crate::read::problem(&self.conn, id)? {
                out.push(RowActions { problem_id: id.clone(), actions: allowed_actions(&p, &actor, &ctx) });
            }
        }
        Ok(out)
    }
}
