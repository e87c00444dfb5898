//! Key enterprises overdue for a visit (docs/monitoring.md, "Pairing"): each key enterprise's
//! last visit, judged by the core's rule (`monitoring::pairing::visit_overdue`) with the
//! district's frequency from the settings. A township sees its own; the office all of them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use taizhang_core::chain::parse_instant;
use taizhang_core::monitoring::pairing::{visit_overdue, VisitOverdue};
use taizhang_core::{local_date, Actor, KeyLevel, Role};

use crate::error::Result;
use crate::Ledger;

/// A key enterprise not visited within its level's frequency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct UnvisitedEnterprise {
    pub enterprise_id: String,
    pub name: String,
    pub township_id: String,
    pub township_name: String,
    pub key_level: KeyLevel,
    /// 包联干部 and 包联领导, as recorded on the enterprise.
    pub steward: String,
    pub paired_leader: String,
    pub last_visit: Option<NaiveDate>,
    pub overdue: VisitOverdue,
}

/// The township whose key enterprises `actor` is shown: a township official's own, everyone
/// else's the whole district (`None`). The CLI and the window both ask here.
pub fn visit_scope(actor: &Actor) -> Option<&str> {
    (actor.user.role == Role::Township).then_some(actor.unit.id.as_str())
}

impl Ledger {
    /// The key enterprises (of `township_id`, or all) overdue for a visit on `now`'s date, the
    /// longest unvisited first.
    pub fn unvisited_key_enterprises(
        &self,
        township_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vec<UnvisitedEnterprise>> {
        let settings = self.cached().settings()?;
        let today = local_date(now);
        let mut st = self.conn.prepare_cached(
            "SELECT e.id, e.name, e.township_id, t.name, e.key_level, e.steward, e.created_at,
                    (SELECT max(v.date) FROM visits v WHERE v.enterprise_id = e.id AND v.date <= ?2), e.paired_leader
             FROM enterprises e JOIN units t ON t.id = e.township_id
             WHERE e.key_level IN ('district', 'town') AND (?1 IS NULL OR e.township_id = ?1)",
        )?;
        let mut rows = st.query(rusqlite::params![township_id, today.to_string()])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let key_level = crate::read::parse_enum(r.get(4)?, KeyLevel::parse)?;
            let created: String = r.get(6)?;
            let entered = parse_instant(&created).map_or(today, local_date);
            let last_visit = r.get::<_, Option<String>>(7)?.map(|d| crate::read::date(&d)).transpose()?;
            if let Some(overdue) = visit_overdue(key_level, last_visit, entered, today, &settings.key_visits) {
                out.push(UnvisitedEnterprise {
                    enterprise_id: r.get(0)?,
                    name: r.get(1)?,
                    township_id: r.get(2)?,
                    township_name: r.get(3)?,
                    key_level,
                    steward: r.get(5)?,
                    paired_leader: r.get(8)?,
                    last_visit,
                    overdue,
                });
            }
        }
        out.sort_by(|a, b| b.overdue.days_since.cmp(&a.overdue.days_since).then_with(|| a.name.cmp(&b.name)));
        Ok(out)
    }
}
