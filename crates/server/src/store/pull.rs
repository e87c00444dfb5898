//! Pull: a page of what the caller's unit may see, after a cursor, in delivery order.
//!
//! An event's *delivery* is where it enters the caller's stream: its own `server_seq`, except
//! that a problem newly visible to a unit (a grant in `visibility`, made by the event that
//! assigned it) brings its whole older history at the grant's position, and an enterprise comes
//! with the first problem of it a department may see. The stream is ordered by (delivery,
//! server_seq); the cursor is a pair of those, so a history larger than a page spans pages.
//!
//! Scope: the office and leaders see everything. A township sees the district-wide events
//! (units, users, calendar, settings), its own enterprises, visits and problems. A department
//! sees the district-wide events and the problems it leads or supports or ever did, with their
//! enterprises. Everyone sees the events they authored, whatever their outcome.

use postgres::Client;
use taizhang_core::{Role, User};

use super::DeviceRow;
use crate::error::{Result, ServerError};
use crate::protocol::{Cursor, PullReply, PulledEvent, MAX_PAGE};

const ENTERPRISE_KINDS: &str = "('enterprise_created', 'enterprise_updated')";

/// Delivered after the cursor (delivery, server_seq) at its own position.
const AFTER: &str = "e.server_seq >= $3 AND (e.server_seq > $3 OR e.server_seq > $4)";

const EVENT_COLS: &str =
    "e.server_seq, e.id, e.device_id, e.device_seq, e.prev_hash, e.hash, e.actor, e.occurred_at, e.kind,
     e.schema_version, e.payload, e.sig_alg, e.sig, e.outcome, e.reason, e.flag";

pub fn pull(c: &mut Client, device: &DeviceRow, cursor: Cursor, limit: i64) -> Result<PullReply> {
    let limit = limit.clamp(1, MAX_PAGE);
    let user_id = device.user_id.clone().ok_or_else(|| ServerError::UnknownDevice { device: device.id.clone() })?;
    // One snapshot for the page and its high water.
    let mut tx =
        c.build_transaction().isolation_level(postgres::IsolationLevel::RepeatableRead).read_only(true).start()?;
    // The page's plan is estimated far above what it reads (correlated probes, cut at the page's
    // size), which made PostgreSQL compile it with JIT: ≈ 1.7 s a page for ≈ 0.05 s of work.
    tx.batch_execute("SET LOCAL jit = off")?;
    let user: User = tx
        .query_opt("SELECT body FROM users WHERE id = $1", &[&user_id])?
        .map(|r| super::body(&r, "user"))
        .transpose()?
        .ok_or_else(|| ServerError::UnknownDevice { device: device.id.clone() })?;
    let high_water: i64 = tx.query_one("SELECT coalesce(max(server_seq), 0) FROM events", &[])?.get(0);
    // One more than the page: `more` is true only when an event lies beyond it, so a stream of
    // exactly a page's multiple ends with `more = false` instead of an empty extra page.
    let fetch = limit + 1;
    // A deactivated user's devices read nothing more, nor do those of a deactivated unit's users
    // (the core's `actor_may_act`: who may not act reads nothing either).
    let user = super::devices::actor(&mut tx, user)?;
    taizhang_core::workflow::actor_may_act(&user)?;
    let user = user.user;
    let rows = if matches!(user.role, Role::Office | Role::Leader) {
        let sql = format!(
            "SELECT e.server_seq AS delivery, {EVENT_COLS} FROM events e
             WHERE e.server_seq > $1 ORDER BY e.server_seq LIMIT $2"
        );
        tx.query(&sql, &[&cursor.after, &fetch])?
    } else {
        // Three disjoint parts, each read in its own order and cut at the page's size, then
        // merged: the events delivered at their own position, and the older history a grant
        // brings at its position (the problem's earlier events; an enterprise's, for the first
        // problem of it the unit may see). Together they are every event with a delivery, each
        // with the same delivery as this rule, in one statement:
        //   the actor's own, and its township's: their server_seq;
        //   a problem's: greatest(server_seq, the unit's grant), none without a grant;
        //   an enterprise's: greatest(server_seq, the unit's first grant of one of its problems);
        //   a district-wide one (no township, no enterprise): its server_seq.
        // The first part is four ordered index reads merged (the township's events, the actor's,
        // those the appender recorded in `deliveries` for the unit's grants, the district-wide
        // ones), so a page reads about as many rows as it returns, whatever the unit's share of
        // the log (migration 0006).
        let sql = format!(
            "WITH own_seqs AS (
                     (SELECT e.server_seq FROM events e WHERE e.township_id = $1 AND {AFTER}
                      ORDER BY e.server_seq LIMIT $5)
                     UNION ALL
                     (SELECT e.server_seq FROM events e WHERE e.actor = $2 AND {AFTER}
                      ORDER BY e.server_seq LIMIT $5)
                     UNION ALL
                     (SELECT e.server_seq FROM deliveries e WHERE e.unit_id = $1 AND {AFTER}
                      ORDER BY e.server_seq LIMIT $5)
                     UNION ALL
                     (SELECT e.server_seq FROM events e
                      WHERE e.problem_id IS NULL AND e.township_id IS NULL AND e.enterprise_id IS NULL
                        AND e.kind NOT IN {ENTERPRISE_KINDS} AND {AFTER}
                      ORDER BY e.server_seq LIMIT $5)),
                  own AS (
                     SELECT e.server_seq AS delivery, {EVENT_COLS}
                     FROM (SELECT DISTINCT server_seq FROM own_seqs ORDER BY server_seq LIMIT $5) s
                     JOIN events e ON e.server_seq = s.server_seq
                     ORDER BY e.server_seq),
                  -- A full page of the first part ends the page at its last delivery at the
                  -- latest: grants beyond it cannot bring anything into this page.
                  bound AS (SELECT CASE WHEN count(*) = $5 THEN max(delivery) ELSE 9223372036854775807 END AS upto
                            FROM own),
                  grants AS (
                     SELECT v.problem_id, v.since_seq FROM visibility v, bound
                     WHERE v.unit_id = $1 AND v.since_seq >= $3 AND v.since_seq <= bound.upto),
                  history AS (
                     SELECT g.since_seq AS delivery, h.* FROM grants g CROSS JOIN LATERAL (
                         SELECT {EVENT_COLS} FROM events e
                         WHERE e.problem_id = g.problem_id AND e.server_seq < g.since_seq
                           AND (g.since_seq > $3 OR e.server_seq > $4)
                           AND e.actor <> $2 AND e.township_id IS DISTINCT FROM $1) h
                     ORDER BY g.since_seq, h.server_seq LIMIT $5),
                  -- An enterprise comes at the unit's first grant of one of its problems: only
                  -- enterprises with a grant in this page's range can have it there. Each
                  -- first grant is index probes: the enterprise's problems, each one's grant
                  -- (written as a scalar probe, which the planner cannot turn into a scan of
                  -- every grant).
                  ent AS (
                     SELECT x.enterprise_id,
                            (SELECT min((SELECT v2.since_seq FROM visibility v2
                                         WHERE v2.unit_id = $1 AND v2.problem_id = p2.id))
                             FROM problems p2 WHERE p2.enterprise_id = x.enterprise_id) AS since
                     -- Only enterprises with an event this unit would not otherwise hold (another
                     -- township's, not its own user's): a township's own enterprises have none,
                     -- and are left out before their first grant is looked for.
                     FROM (SELECT DISTINCT p.enterprise_id FROM grants g JOIN problems p ON p.id = g.problem_id
                           WHERE EXISTS (
                               SELECT 1 FROM events e
                               WHERE e.enterprise_id = p.enterprise_id AND e.problem_id IS NULL
                                 AND e.kind IN {ENTERPRISE_KINDS} AND e.actor <> $2
                                 AND e.township_id IS DISTINCT FROM $1)) x),
                  -- The LIMIT keeps each enterprise's events an index read of that enterprise
                  -- (a lateral subquery without one may be planned as a join over the log).
                  enterprise_history AS (
                     SELECT ent.since AS delivery, h.* FROM ent CROSS JOIN LATERAL (
                         SELECT {EVENT_COLS} FROM events e
                         WHERE e.enterprise_id = ent.enterprise_id AND e.server_seq < ent.since
                           AND (ent.since > $3 OR e.server_seq > $4)
                           AND e.problem_id IS NULL AND e.kind IN {ENTERPRISE_KINDS}
                           AND e.actor <> $2 AND e.township_id IS DISTINCT FROM $1
                         ORDER BY e.server_seq LIMIT $5) h
                     WHERE ent.since >= $3
                     ORDER BY ent.since, h.server_seq LIMIT $5)
             SELECT * FROM (SELECT * FROM own UNION ALL SELECT * FROM history UNION ALL SELECT * FROM enterprise_history) s
             ORDER BY delivery, server_seq LIMIT $5"
        );
        tx.query(&sql, &[&user.unit_id, &user.id, &cursor.after, &cursor.after_event, &fetch])?
    };
    tx.commit()?;
    let more = rows.len() as i64 > limit;
    let events: Vec<PulledEvent> = rows.iter().take(limit as usize).map(pulled).collect();
    let next = match (more, events.last()) {
        (true, Some(last)) => Cursor { after: last.delivery, after_event: last.server_seq },
        // The whole stream up to the high water was read: no delivery at or below it is left.
        _ => {
            let to = high_water.max(cursor.after);
            Cursor { after: to, after_event: to }
        }
    };
    Ok(PullReply { events, next, more, high_water })
}

fn pulled(r: &postgres::Row) -> PulledEvent {
    let flag: String = r.get("flag");
    PulledEvent {
        delivery: r.get("delivery"),
        server_seq: r.get("server_seq"),
        event: super::pg::wire_event(r),
        outcome: r.get("outcome"),
        reason: r.get("reason"),
        flag: (!flag.is_empty()).then_some(flag),
    }
}
