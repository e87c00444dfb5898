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

const EVENT_COLS: &str =
    "e.server_seq, e.id, e.device_id, e.device_seq, e.prev_hash, e.hash, e.actor, e.occurred_at, e.kind,
     e.schema_version, e.payload, e.sig_alg, e.sig, e.outcome, e.reason, e.flag";

pub fn pull(c: &mut Client, device: &DeviceRow, cursor: Cursor, limit: i64) -> Result<PullReply> {
    let limit = limit.clamp(1, MAX_PAGE);
    let user_id = device.user_id.clone().ok_or_else(|| ServerError::UnknownDevice { device: device.id.clone() })?;
    // One snapshot for the page and its high water.
    let mut tx =
        c.build_transaction().isolation_level(postgres::IsolationLevel::RepeatableRead).read_only(true).start()?;
    let user: User = tx
        .query_opt("SELECT body FROM users WHERE id = $1", &[&user_id])?
        .map(|r| serde_json::from_value(r.get(0)))
        .transpose()
        .map_err(|e| ServerError::Internal(format!("stored user: {e}")))?
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
        let sql = format!(
            "WITH vis AS (SELECT problem_id, since_seq FROM visibility WHERE unit_id = $1),
                  ent AS (SELECT p.enterprise_id, min(v.since_seq) AS since
                          FROM vis v JOIN problems p ON p.id = v.problem_id GROUP BY p.enterprise_id),
                  scoped AS (
                     SELECT CASE
                         WHEN e.actor = $2 THEN e.server_seq
                         WHEN e.township_id = $1 THEN e.server_seq
                         -- No grant, no row, NULL: not visible (greatest() alone would skip the NULL).
                         WHEN e.problem_id IS NOT NULL THEN
                             (SELECT greatest(e.server_seq, since_seq) FROM vis WHERE vis.problem_id = e.problem_id)
                         WHEN e.kind IN ('enterprise_created', 'enterprise_updated') THEN
                             (SELECT greatest(e.server_seq, since) FROM ent WHERE ent.enterprise_id = e.enterprise_id)
                         WHEN e.township_id IS NULL AND e.enterprise_id IS NULL THEN e.server_seq
                         ELSE NULL END AS delivery, {EVENT_COLS}
                     FROM events e)
             SELECT * FROM scoped e
             WHERE e.delivery IS NOT NULL AND (e.delivery > $3 OR (e.delivery = $3 AND e.server_seq > $4))
             ORDER BY e.delivery, e.server_seq LIMIT $5"
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
