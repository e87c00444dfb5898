//! The slow-changing context every command and list needs: the working-day calendar, the
//! settings, the units and the acting users. Reading and parsing them from SQL for every
//! command cost a quarter of a workflow command (docs/benchmarks.md), yet they change only
//! through a handful of event kinds.
//!
//! The cache is valid while `PRAGMA data_version` is unchanged (another connection — the CLI
//! beside the desktop — has committed nothing) and this connection has appended no event that
//! changes the context (`changes_context`). Either empties it; the next read fills it again.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::Connection;
use taizhang_core::calendar::Calendar;
use taizhang_core::{Actor, EventBody, Settings, Unit};

use crate::error::Result;
use crate::read;

#[derive(Default)]
pub(crate) struct ContextCache {
    data_version: Option<i64>,
    calendar: Option<Arc<Calendar>>,
    settings: Option<Arc<Settings>>,
    units: Option<Arc<Vec<Unit>>>,
    actors: HashMap<String, Actor>,
}

/// Whether an event changes what the cache holds.
pub(crate) fn changes_context(body: &EventBody) -> bool {
    use EventBody as E;
    matches!(
        body,
        E::LedgerInitialized { .. }
            | E::UnitCreated { .. }
            | E::UnitUpdated { .. }
            | E::UserCreated { .. }
            | E::UserUpdated { .. }
            | E::PasswordSet { .. }
            | E::CalendarYearSet { .. }
            | E::CalendarDaySet { .. }
            | E::SettingsChanged { .. }
    )
}

impl ContextCache {
    pub(crate) fn clear(&mut self) {
        *self = ContextCache::default();
    }

    /// Empties the cache when another connection has committed since it was filled.
    fn check(&mut self, conn: &Connection) -> Result<()> {
        let v: i64 = conn.prepare_cached("PRAGMA data_version")?.query_row([], |r| r.get(0))?;
        if self.data_version != Some(v) {
            self.clear();
            self.data_version = Some(v);
        }
        Ok(())
    }
}

/// Typed access to a connection's cache; every getter first checks it is still current.
pub(crate) struct Cached<'a> {
    pub conn: &'a Connection,
    pub cache: &'a RefCell<ContextCache>,
}

impl Cached<'_> {
    /// The value in `slot`, read with `read` when the cache does not hold it.
    fn get<T>(
        &self,
        slot: fn(&mut ContextCache) -> &mut Option<Arc<T>>,
        read: fn(&Connection) -> Result<T>,
    ) -> Result<Arc<T>> {
        let mut c = self.cache.borrow_mut();
        c.check(self.conn)?;
        if let Some(v) = slot(&mut c) {
            return Ok(v.clone());
        }
        let v = Arc::new(read(self.conn)?);
        *slot(&mut c) = Some(v.clone());
        Ok(v)
    }

    pub fn calendar(&self) -> Result<Arc<Calendar>> {
        self.get(|c| &mut c.calendar, read::calendar)
    }

    pub fn settings(&self) -> Result<Arc<Settings>> {
        self.get(|c| &mut c.settings, read::settings)
    }

    pub fn units(&self) -> Result<Arc<Vec<Unit>>> {
        self.get(|c| &mut c.units, read::units)
    }

    /// The unit names by id (list rows name supporters by unit).
    pub fn unit_names(&self) -> Result<HashMap<String, String>> {
        Ok(self.units()?.iter().map(|u| (u.id.clone(), u.name.clone())).collect())
    }

    pub fn actor(&self, login_or_id: &str) -> Result<Actor> {
        let mut c = self.cache.borrow_mut();
        c.check(self.conn)?;
        if let Some(a) = c.actors.get(login_or_id) {
            return Ok(a.clone());
        }
        let a = read::actor(self.conn, login_or_id)?;
        c.actors.insert(login_or_id.to_string(), a.clone());
        Ok(a)
    }
}
