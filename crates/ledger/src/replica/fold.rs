//! Folding a replica again. Its fold order (`rebuild::fold_replica`): the server's applied events in `server_seq` order, then this
//! device's pending events in the order they were made. Events the server did not apply
//! (`no_effect`, `refused`) are kept in the log and folded into nothing.
//!
//! After an outcome that undoes a pending event, or a pull that puts applied events beneath
//! ones already folded, the projections are folded again from the start in this order
//! (`refold`): simple and correct, at the cost of a full rebuild (about as long as
//! `taizhang rebuild`: seconds for a township's file, see docs/sync.md). A pull that only adds
//! applied events above everything folded, with nothing pending, folds them on top instead.

use rusqlite::Connection;

use crate::error::Result;
use crate::project::Projector;
use crate::rebuild::event_row;

/// Folds the projections again from the start in fold order, inside `tx`.
pub(crate) fn refold(tx: &Connection) -> Result<()> {
    crate::rebuild::reproject(tx, crate::project::HELD_PROBLEMS, &mut |_, _| {})?;
    Ok(())
}

/// Folds `events` (applied, each above every event folded so far, nothing pending) on top.
pub(crate) fn fold_on_top(tx: &Connection, server_seqs: &[i64]) -> Result<()> {
    let mut projector = Projector::begin(tx)?;
    let mut st = tx.prepare_cached(
        "SELECT e.actor, e.occurred_at, e.kind, e.payload FROM replica_events r JOIN events e ON e.id = r.event_id
         WHERE r.server_seq = ?1",
    )?;
    for seq in server_seqs {
        let mut rows = st.query([seq])?;
        if let Some(r) = rows.next()? {
            let (body, meta) = event_row(r)?;
            projector.apply(tx, &body, &meta)?;
        }
    }
    projector.finish(tx)
}
