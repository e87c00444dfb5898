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
use taizhang_core::{EventBody, EventMeta};

use crate::error::Result;
use crate::project::Projector;

/// Folds the projections again from the start in fold order, inside `tx`.
pub(crate) fn refold(tx: &Connection) -> Result<()> {
    crate::rebuild::reproject(tx, crate::project::HELD_PROBLEMS, &mut |_, _| {})?;
    Ok(())
}

/// Folds `events` (applied, in `server_seq` order, each above every event folded so far,
/// nothing pending) on top. They come as the ingest parsed and checked them, so a pulled page
/// is read once.
pub(crate) fn fold_on_top(tx: &Connection, events: &[(i64, EventBody, EventMeta)]) -> Result<()> {
    let mut projector = Projector::begin(tx)?;
    for (_, body, meta) in events {
        projector.apply(tx, body, meta)?;
    }
    projector.finish(tx)
}
