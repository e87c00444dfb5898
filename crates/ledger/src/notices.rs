//! The bell (docs/design.md §4, "Each role's day"): the notices for one user, newest first, read
//! from the event log, and where on this desk that user last looked (`notice_marks`, migration
//! 13: local state of the desk, neither an event nor a projection, so a rebuild keeps it).
//!
//! Which event concerns whom is the core's rule (`core::notices`), asked of each event with its
//! problem as it stood just before it (the problem's events folded up to there). The log is read
//! backwards from its end, a page at a time, and no further than `SCAN_LIMIT` events that could
//! be notices, so a user who has never looked costs a bounded read.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;
use taizhang_core::notices::{concern, notice_of, Concern, NoticeKind, Viewer, NOTICE_EVENT_KINDS};
use taizhang_core::{EventBody, EventMeta, Id, Problem};

use crate::error::{LedgerError, Result};
use crate::Ledger;

/// One notice: what happened, on which problem, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct NoticeRow {
    /// The event's position in this file's log.
    #[ts(type = "number")]
    pub seq: i64,
    pub kind: NoticeKind,
    pub problem_id: Id,
    pub number: String,
    pub enterprise: String,
    pub actor_name: String,
    pub actor_unit: String,
    pub at: DateTime<Utc>,
    /// After the user last looked.
    pub unread: bool,
    /// Why it is for the user (a leader's own item, or one of an enterprise paired with them).
    pub concern: Concern,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Notices {
    /// The latest notices, newest first (at most the limit asked for).
    pub items: Vec<NoticeRow>,
    /// Notices after the user last looked (counted up to `UNREAD_CAP`).
    pub unread: u32,
    /// More unread notices than `unread` says (the count stopped at its cap or the scan's).
    pub unread_more: bool,
    /// The log's position when read: what "seen" marks up to.
    #[ts(type = "number")]
    pub latest_seq: i64,
}

/// Events that could be notices read at most per call.
pub const SCAN_LIMIT: usize = 5000;
/// Unread notices counted at most (the badge shows 99+).
pub const UNREAD_CAP: u32 = 99;
/// Notices listed at most.
pub const MAX_NOTICES: usize = 100;
/// Events read per page, backwards.
const PAGE: usize = 200;

struct Candidate {
    seq: i64,
    actor: String,
    problem_id: String,
    body: EventBody,
    at: DateTime<Utc>,
}

/// A candidate that concerns the viewer, and what it says.
struct Found {
    c: Candidate,
    kind: NoticeKind,
    concern: Concern,
}

impl Ledger {
    /// The notices for `user` (a login or id), newest first: up to `limit` of them (at most
    /// `MAX_NOTICES`), each marked unread when it came after the user last looked, and the
    /// count of those.
    pub fn notices(&self, user: &str, limit: usize) -> Result<Notices> {
        let u = crate::read::user(&self.conn, user)?.ok_or_else(|| LedgerError::UnknownUser(user.to_string()))?;
        let viewer = Viewer { user_id: &u.id, unit_id: &u.unit_id, role: u.role, name: &u.name };
        let limit = limit.min(MAX_NOTICES);
        let seen = self.notices_seen(&u.id)?;
        let latest_seq: i64 = self.conn.query_row("SELECT coalesce(max(seq), 0) FROM events", [], |r| r.get(0))?;
        let mut out = Notices { items: Vec::new(), unread: 0, unread_more: false, latest_seq };
        let mut found: Vec<Found> = Vec::new();
        let (mut before, mut scanned) = (latest_seq + 1, 0usize);
        loop {
            let page = self.candidates(before, PAGE.min(SCAN_LIMIT - scanned))?;
            let Some(last) = page.last() else { break };
            before = last.seq;
            scanned += page.len();
            for f in self.judge(page, &viewer)? {
                if f.c.seq > seen {
                    if out.unread < UNREAD_CAP {
                        out.unread += 1;
                    } else {
                        out.unread_more = true;
                    }
                }
                if found.len() < limit {
                    found.push(f);
                }
            }
            let counted = before <= seen + 1 || out.unread_more;
            if (found.len() >= limit && counted) || scanned >= SCAN_LIMIT {
                out.unread_more |= scanned >= SCAN_LIMIT && before > seen + 1;
                break;
            }
        }
        out.items = self.notice_rows(found, seen)?;
        Ok(out)
    }

    /// Marks `user`'s notices seen up to the log position `up_to` (what `notices` returned as
    /// `latest_seq`, so a notice that came in since is still new). Never moves the mark back.
    /// Local to this desk: no event, nothing sent to a district server.
    pub fn mark_notices_seen(&self, user: &str, up_to: i64, at: DateTime<Utc>) -> Result<()> {
        crate::output::check_same_file(self.path.as_deref(), self.identity.as_ref())?;
        let u = crate::read::user(&self.conn, user)?.ok_or_else(|| LedgerError::UnknownUser(user.to_string()))?;
        self.conn.execute(
            "INSERT INTO notice_marks (user_id, seen_seq, seen_at)
             VALUES (?1, min(?2, (SELECT coalesce(max(seq), 0) FROM events)), ?3)
             ON CONFLICT (user_id) DO UPDATE SET seen_seq = max(seen_seq, excluded.seen_seq), seen_at = excluded.seen_at",
            params![u.id, up_to, taizhang_core::chain::format_instant(at)],
        )?;
        Ok(())
    }

    /// Where `user_id` last looked: a log position (0: never).
    fn notices_seen(&self, user_id: &str) -> Result<i64> {
        let seen: Option<i64> = self
            .conn
            .query_row("SELECT seen_seq FROM notice_marks WHERE user_id = ?1", [user_id], |r| r.get(0))
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
        Ok(seen.unwrap_or(0))
    }

    /// Up to `n` events before `before` (newest first) whose kind may be a notice, about a
    /// problem, and not refused or without effect on a replica.
    fn candidates(&self, before: i64, n: usize) -> Result<Vec<Candidate>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let kinds = NOTICE_EVENT_KINDS.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ");
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT e.actor, e.occurred_at, e.kind, e.payload, e.seq, e.subject_id FROM events e
             LEFT JOIN replica_events r ON r.event_id = e.id
             WHERE e.seq < ?1 AND e.kind IN ({kinds}) AND e.subject_id IS NOT NULL
               AND (r.state IS NULL OR r.state IN ('applied', 'pending'))
             ORDER BY e.seq DESC LIMIT ?2"
        ))?;
        let mut rows = st.query(params![before, n as i64])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let (body, meta) = crate::rebuild::event_row(r)?;
            out.push(Candidate {
                seq: r.get(4)?,
                actor: meta.actor,
                problem_id: r.get(5)?,
                body,
                at: meta.occurred_at,
            });
        }
        Ok(out)
    }

    /// The candidates that concern `viewer`, by the core's rule over each event, its problem as
    /// it stood before it (the problem's events folded up to there) and the 包联领导 of the
    /// problem's enterprise as it stands now (a pairing is who follows the enterprise today).
    fn judge(&self, page: Vec<Candidate>, viewer: &Viewer<'_>) -> Result<Vec<Found>> {
        let mut wanted: BTreeMap<&str, BTreeSet<i64>> = BTreeMap::new();
        for c in &page {
            wanted.entry(c.problem_id.as_str()).or_default().insert(c.seq);
        }
        // (problem, seq) → the problem as it stood before that event.
        let mut states: BTreeMap<(String, i64), Option<Problem>> = BTreeMap::new();
        let mut paired: BTreeMap<String, String> = BTreeMap::new();
        let mut paired_of = self.conn.prepare_cached(
            "SELECT coalesce(e.paired_leader, '') FROM problems p JOIN enterprises e ON e.id = p.enterprise_id
             WHERE p.id = ?1",
        )?;
        let mut st = self.conn.prepare_cached(
            "SELECT actor, occurred_at, kind, payload, seq FROM events WHERE subject_id = ?1 AND seq <= ?2 ORDER BY seq",
        )?;
        for (pid, seqs) in &wanted {
            let leader: Option<String> = paired_of.query_row([pid], |r| r.get(0)).map(Some).or_else(|e| {
                if e == rusqlite::Error::QueryReturnedNoRows {
                    Ok(None)
                } else {
                    Err(e)
                }
            })?;
            paired.insert(pid.to_string(), leader.unwrap_or_default());
            let upto = *seqs.last().expect("a problem is wanted for at least one event");
            let mut rows = st.query(params![pid, upto])?;
            let mut state: Option<Problem> = None;
            while let Some(r) = rows.next()? {
                let seq: i64 = r.get(4)?;
                let (body, meta): (EventBody, EventMeta) = crate::rebuild::event_row(r)?;
                if seqs.contains(&seq) {
                    states.insert((pid.to_string(), seq), state.clone());
                }
                match state.as_mut() {
                    Some(p) => p.apply(&body, &meta),
                    None => state = Problem::from_registration(&body, &meta),
                }
            }
        }
        Ok(page
            .into_iter()
            .filter_map(|c| {
                let before = states.get(&(c.problem_id.clone(), c.seq)).and_then(Option::as_ref);
                let pairing = paired.get(&c.problem_id).map_or("", String::as_str);
                let n = notice_of(&c.body, before, pairing)?;
                let concern = concern(&n, &c.actor, viewer)?;
                Some(Found { kind: n.kind, concern, c })
            })
            .collect())
    }

    /// The rows the bell lists: the problem's number and enterprise, the actor's name and unit.
    fn notice_rows(&self, found: Vec<Found>, seen: i64) -> Result<Vec<NoticeRow>> {
        let mut st = self.conn.prepare_cached(
            "SELECT p.number, coalesce(e.name, '') FROM problems p LEFT JOIN enterprises e ON e.id = p.enterprise_id
             WHERE p.id = ?1",
        )?;
        let mut who = self.conn.prepare_cached(
            "SELECT u.name, coalesce(n.name, '') FROM users u LEFT JOIN units n ON n.id = u.unit_id WHERE u.id = ?1",
        )?;
        let mut out = Vec::with_capacity(found.len());
        for Found { c, kind, concern } in found {
            let (number, enterprise) = st
                .query_row([&c.problem_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap_or_else(|_| (String::new(), String::new()));
            let (actor_name, actor_unit) = who
                .query_row([&c.actor], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap_or_else(|_| (c.actor.clone(), String::new()));
            out.push(NoticeRow {
                seq: c.seq,
                kind,
                problem_id: c.problem_id,
                number,
                enterprise,
                actor_name,
                actor_unit,
                at: c.at,
                unread: c.seq > seen,
                concern,
            });
        }
        Ok(out)
    }
}
