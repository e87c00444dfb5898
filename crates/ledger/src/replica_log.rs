//! The two facts about a replica that the lowest parts of the write path need: whether the
//! file is a replica at all, and marking an event appended here as pending. Everything else a
//! replica does is in `replica/`, above the write path; these sit below it so that appending,
//! rebuilding and verifying can ask without depending on it.

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;

/// Whether the file is a replica (has joined a server).
pub(crate) fn is_replica(conn: &Connection) -> Result<bool> {
    Ok(conn.prepare_cached("SELECT 1 FROM replica")?.query_row([], |_| Ok(())).optional()?.is_some())
}

/// Marks an event appended here as pending on a replica (the append path calls this).
pub(crate) fn mark_pending(conn: &Connection, event_id: &str) -> Result<()> {
    conn.prepare_cached("INSERT INTO replica_events (event_id, state) VALUES (?1, 'pending')")?.execute([event_id])?;
    Ok(())
}
