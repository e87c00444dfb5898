//! A leader's own items (docs/monitoring.md, "The three levels"): the problems they answer for
//! as responsible leader, those they gave a 批示 on, and the key enterprises and projects paired
//! with them, each with what is happening on it (its state, open warnings, last visit, pace).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use taizhang_core::monitoring::{Level, Month};
use taizhang_core::DomainError;

use crate::error::Result;
use crate::monitoring_board::ProjectRow;
use crate::monitoring_views::KeyEnterprise;
use crate::queries::{PageRequest, ProblemFilter, ProblemRow, Sort};
use crate::Ledger;

/// A key enterprise paired with the leader, and how it stands.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PairedEnterprise {
    pub enterprise: KeyEnterprise,
    pub open_warnings: u32,
    /// The highest level among its open warnings.
    pub top_level: Option<Level>,
    pub last_visit: Option<NaiveDate>,
    /// Its problems still open.
    pub open_problems: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LeaderItems {
    /// The leader's name: what pairing and 负责领导 record.
    pub leader: String,
    /// Problems with this leader as 负责领导.
    pub responsible: Vec<ProblemRow>,
    /// Problems this leader gave a 批示 on (我的批示件).
    pub instructed: Vec<ProblemRow>,
    pub enterprises: Vec<PairedEnterprise>,
    pub projects: Vec<ProjectRow>,
}

/// As many problems as a leader's page lists of each kind.
const LISTED: u64 = 500;

impl Ledger {
    /// The items of the user `user_id` (by their name, as pairing records it), projects as of
    /// `month`.
    pub fn leader_items(&self, user_id: &str, month: Month, now: DateTime<Utc>) -> Result<LeaderItems> {
        let user = crate::read::user(&self.conn, user_id)?.ok_or_else(|| DomainError::not_found("user", user_id))?;
        let name = user.name.clone();
        let page = PageRequest { offset: 0, limit: LISTED };
        let responsible = ProblemFilter { responsible_leader: Some(name.clone()), ..Default::default() };
        let instructed = ProblemFilter { instructed_by: Some(user.id.clone()), ..Default::default() };
        let mut enterprises = Vec::new();
        for e in self.key_enterprises(None)?.into_iter().filter(|e| e.paired_leader == name) {
            let (open_warnings, top, open_problems): (u32, Option<String>, u32) = self.conn.query_row(
                "SELECT (SELECT count(*) FROM warnings w WHERE w.subject_id = ?1 AND w.open = 1),
                        (SELECT w.level FROM warnings w WHERE w.subject_id = ?1 AND w.open = 1
                          ORDER BY CASE w.level WHEN 'red' THEN 4 WHEN 'orange' THEN 3 WHEN 'yellow' THEN 2 ELSE 1 END DESC
                          LIMIT 1),
                        (SELECT count(*) FROM problems p WHERE p.enterprise_id = ?1
                          AND p.status NOT IN ('closed', 'withdrawn'))",
                [&e.enterprise_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            let last_visit: Option<String> = self.conn.query_row(
                "SELECT max(date) FROM visits WHERE enterprise_id = ?1",
                [&e.enterprise_id],
                |r| r.get(0),
            )?;
            enterprises.push(PairedEnterprise {
                open_warnings,
                top_level: top.as_deref().and_then(Level::parse),
                last_visit: last_visit.map(|d| crate::read::date(&d)).transpose()?,
                open_problems,
                enterprise: e,
            });
        }
        let projects = self.projects(None, month)?.into_iter().filter(|p| p.project.paired_leader == name).collect();
        Ok(LeaderItems {
            responsible: self.list_problems(&responsible, Sort::default(), page, now)?.rows,
            instructed: self.list_problems(&instructed, Sort::default(), page, now)?.rows,
            enterprises,
            projects,
            leader: name,
        })
    }
}
