//! Reply bundles parked on a replica: pulled pages that continue from a position this file has
//! not reached (docs/bundles.md). Kept whole, in the file, until an import or a sync closes the
//! gap; the sync crate decides when to apply them, this module only keeps them.

use chrono::{DateTime, Utc};
use rusqlite::params;
use taizhang_core::chain::format_instant;
use taizhang_protocol::Cursor;

use crate::error::Result;
use crate::Ledger;

/// A parked reply bundle: the file's bytes and the position its pages continue from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParkedBundle {
    pub id: i64,
    pub parked_at: String,
    pub from: Cursor,
    pub body: Vec<u8>,
}

impl Ledger {
    /// Keeps a reply bundle whose pages start beyond this replica's cursor.
    pub fn park_bundle(&mut self, from: Cursor, body: &[u8], now: DateTime<Utc>) -> Result<i64> {
        self.replica()?;
        self.conn.execute(
            "INSERT INTO parked_bundles (parked_at, from_after, from_after_event, body) VALUES (?1, ?2, ?3, ?4)",
            params![format_instant(now), from.after, from.after_event, body],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The parked bundles, the earliest position first.
    pub fn parked_bundles(&self) -> Result<Vec<ParkedBundle>> {
        let mut st = self.conn.prepare(
            "SELECT id, parked_at, from_after, from_after_event, body FROM parked_bundles
             ORDER BY from_after, from_after_event, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(ParkedBundle {
                id: r.get(0)?,
                parked_at: r.get(1)?,
                from: Cursor { after: r.get(2)?, after_event: r.get(3)? },
                body: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn parked_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM parked_bundles", [], |r| r.get(0))?)
    }

    /// Forgets a parked bundle once its pages are applied (or were overtaken by a sync).
    pub fn unpark_bundle(&mut self, id: i64) -> Result<()> {
        self.conn.execute("DELETE FROM parked_bundles WHERE id = ?1", [id])?;
        Ok(())
    }
}
