//! The one write path: `Ledger::write` opens one IMMEDIATE transaction and hands a `Writer`
//! that takes commands, each with its actor and time, and for each decides it with the core
//! against the state so far (the aggregates earlier commands of the same transaction changed
//! are held in memory by the `Projector`, and `decide` reads them through `SqlWorld`), appends
//! the chained events and folds them into the projections. All are recorded or none: a refused
//! command, a failed read or a failed commit rolls the whole transaction back.
//!
//! `execute`, `execute_all`, `execute_batch` (the import) and the demo generator are all this.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{Transaction, TransactionBehavior};
use taizhang_core::admit::check_time;
use taizhang_core::calendar::Calendar;
use taizhang_core::workflow::{decide, Context, World};
use taizhang_core::*;

use crate::append::{append, StoredEvent};
use crate::context::{changes_context, Cached, ContextCache};
use crate::error::{LedgerError, Result};
use crate::project::{Projector, HELD_PROBLEMS};
use crate::world::SqlWorld;
use crate::Ledger;

/// How a write transaction runs.
pub struct WriteOptions<'p> {
    /// How many problem aggregates the transaction holds in memory before it writes the least
    /// recently used back (a few KB each). A long transaction that touches the same problems
    /// again and again (the demo's months of history) wants them all held.
    pub held_problems: usize,
    /// Called after each command is recorded with how many are done so far and its time.
    pub progress: Option<&'p mut dyn FnMut(usize, DateTime<Utc>)>,
}

impl Default for WriteOptions<'_> {
    fn default() -> Self {
        WriteOptions { held_problems: HELD_PROBLEMS, progress: None }
    }
}

/// A write that failed and was rolled back: the error, and how many commands had been
/// recorded before it (so the index of the refused command, or all of them when the commit
/// itself failed), which lets a batch name the row a refused command came from.
#[derive(Debug)]
pub struct WriteError {
    pub recorded: usize,
    pub error: LedgerError,
}

impl From<WriteError> for LedgerError {
    fn from(e: WriteError) -> Self {
        e.error
    }
}

/// The commands of one write transaction, fed one at a time (`Ledger::write`).
pub struct Writer<'t> {
    tx: &'t Transaction<'t>,
    device_id: &'t str,
    cache: &'t RefCell<ContextCache>,
    projector: RefCell<Projector>,
    calendar: Arc<Calendar>,
    settings: Arc<Settings>,
    /// The actors met so far, by the login or id they were named with; emptied when an event
    /// changes users or units.
    actors: HashMap<String, Actor>,
    /// The latest event time, for the time rule; advanced by each command recorded.
    latest: Option<DateTime<Utc>>,
    context_changed: bool,
    /// Whether this file is a replica of a district server, whose registrations are numbered
    /// in the device's own series (`replica::numbering`).
    replica: bool,
    recorded: usize,
    progress: Option<&'t mut dyn FnMut(usize, DateTime<Utc>)>,
}

impl Ledger {
    /// Runs `feed` in one IMMEDIATE transaction and commits what it recorded, or nothing when
    /// it or the commit fails. `feed` hands commands to the `Writer` as it makes them, so a
    /// long transaction holds none of its commands.
    pub fn write<T>(
        &mut self,
        options: WriteOptions<'_>,
        feed: impl FnOnce(&mut Writer<'_>) -> Result<T>,
    ) -> std::result::Result<T, WriteError> {
        let at_start = |error| WriteError { recorded: 0, error };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| at_start(e.into()))?;
        // Inside the lock: a restore that swapped the file while this one waited is seen here.
        crate::output::check_same_file(self.path.as_deref(), self.identity.as_ref()).map_err(at_start)?;
        let WriteOptions { held_problems, progress } = options;
        let progress = progress.map(|p| -> &mut dyn FnMut(usize, DateTime<Utc>) { p });
        let mut writer = Writer::begin(&tx, &self.device_id, &self.cache, &self.high_water, held_problems, progress)
            .map_err(at_start)?;
        let fed = feed(&mut writer);
        let Writer { projector, context_changed, recorded, .. } = writer;
        let result = fed
            .and_then(|t| {
                projector.into_inner().finish(&tx)?;
                tx.commit()?;
                Ok(t)
            })
            .map_err(|error| WriteError { recorded, error });
        if context_changed {
            // What was cached inside the transaction may be rolled back, and what was
            // committed changes what the cache holds.
            self.cache.borrow_mut().clear();
        }
        result
    }

    /// Runs a command as the user with this login (or id).
    pub fn execute(&mut self, user: &str, cmd: &Command, now: DateTime<Utc>) -> Result<Vec<StoredEvent>> {
        self.execute_all(user, std::slice::from_ref(cmd), now)
    }

    /// Runs a command carrying files (docs/attachments.md): each file given is added to the
    /// command's attachments, and its bytes are stored in the same transaction as the event
    /// that names it (once per hash). A command that carries no attachments is refused with
    /// `attachment.not_here` when files are given.
    pub fn execute_attached(
        &mut self,
        user: &str,
        cmd: &Command,
        files: &[taizhang_core::attachment::Blob],
        now: DateTime<Utc>,
    ) -> Result<Vec<StoredEvent>> {
        let cmd = with_files(cmd, files)?;
        Ok(self.write(WriteOptions::default(), |w| w.execute_with(user, &cmd, now, files))?)
    }

    /// Runs several commands in one transaction: all are recorded, or none (bulk assign, bulk
    /// urge). Each is decided against the state the previous ones left.
    pub fn execute_all(&mut self, user: &str, cmds: &[Command], now: DateTime<Utc>) -> Result<Vec<StoredEvent>> {
        Ok(self.write(WriteOptions::default(), |w| {
            let mut stored = Vec::new();
            for cmd in cmds {
                stored.extend(w.execute(user, cmd, now)?);
            }
            Ok(stored)
        })?)
    }

    /// `execute_all` for long batches (imports): reports progress after each command, returns
    /// how many events were appended (not the events: a 100,000-row import would hold them all)
    /// and, when a command is refused, which one (its index) so the caller can name its row.
    pub fn execute_batch(
        &mut self,
        user: &str,
        cmds: &[Command],
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> std::result::Result<u64, (usize, LedgerError)> {
        let total = cmds.len();
        let mut each = |done: usize, _: DateTime<Utc>| progress(done, total);
        let options = WriteOptions { progress: Some(&mut each), ..WriteOptions::default() };
        self.write(options, |w| {
            let mut count = 0u64;
            for cmd in cmds {
                count += w.execute(user, cmd, now)?.len() as u64;
            }
            Ok(count)
        })
        .map_err(|e| (e.recorded, e.error))
    }
}

/// `cmd` with the files added to its attachments.
pub fn with_files(cmd: &Command, files: &[taizhang_core::attachment::Blob]) -> Result<Command> {
    let mut cmd = cmd.clone();
    if files.is_empty() {
        return Ok(cmd);
    }
    let Some(list) = cmd.attachments_mut() else {
        let action = cmd.action().map_or("command", |a| a.key()).to_string();
        return Err(DomainError::AttachmentNotHere { action }.into());
    };
    list.extend(files.iter().map(|f| f.attachment.clone()));
    Ok(cmd)
}

impl<'t> Writer<'t> {
    fn begin(
        tx: &'t Transaction<'t>,
        device_id: &'t str,
        cache: &'t RefCell<ContextCache>,
        high_water: &std::cell::Cell<crate::clock::HighWater>,
        held_problems: usize,
        progress: Option<&'t mut dyn FnMut(usize, DateTime<Utc>)>,
    ) -> Result<Writer<'t>> {
        // Read inside the write lock, so what is cached is what this transaction sees.
        let cached = Cached { conn: tx, cache };
        let calendar = cached.calendar()?;
        let settings = cached.settings()?;
        // The time rule: read inside the write lock, so nothing can be appended in between.
        let latest = crate::clock::latest_event_time(tx, high_water, &taizhang_core::dates::DateRange::of(&settings))?;
        Ok(Writer {
            tx,
            device_id,
            cache,
            projector: RefCell::new(Projector::with_capacity(tx, held_problems)?),
            calendar,
            settings,
            actors: HashMap::new(),
            latest,
            context_changed: false,
            replica: crate::replica_log::is_replica(tx)?,
            recorded: 0,
            progress,
        })
    }

    /// Decides `cmd` as `actor` (a login or user id) at `at` against the state so far, appends
    /// its events and folds them in. A refusal is returned and, by `Ledger::write`, rolls the
    /// whole transaction back.
    pub fn execute(&mut self, actor: &str, cmd: &Command, at: DateTime<Utc>) -> Result<Vec<StoredEvent>> {
        self.execute_with(actor, cmd, at, &[])
    }

    /// `execute` with the bytes of files the command names (`Ledger::execute_attached`): every
    /// file its events name is stored now from `files`, or must be stored already.
    pub fn execute_with(
        &mut self,
        actor: &str,
        cmd: &Command,
        at: DateTime<Utc>,
        files: &[taizhang_core::attachment::Blob],
    ) -> Result<Vec<StoredEvent>> {
        if !self.actors.contains_key(actor) {
            let found = Cached { conn: self.tx, cache: self.cache }.actor(actor)?;
            self.actors.insert(actor.to_string(), found);
        }
        let actor = &self.actors[actor];
        let ctx = Context { now: at, calendar: &self.calendar, settings: &self.settings };
        let bodies = {
            let world = SqlWorld::new(self.tx, &self.projector);
            // No act may be dated before the ledger's history (beyond the clock tolerance) or
            // before the problem's own latest event, whatever clock `at` came from
            // (`TAIZHANG_NOW` included).
            let problem_latest = cmd.problem_id().and_then(|id| world.problem(id)).map(|p| p.updated_at);
            let decided = check_time(at, self.latest, problem_latest, self.settings.clock_tolerance_seconds)
                .and_then(|()| decide(cmd, actor, &ctx, &world));
            // A failed read comes first: what was decided on it is not to be trusted.
            world.into_result()?;
            decided?
        };
        // Registrations and documents on a replica are numbered in the device's own series, so
        // two desktops offline never take the same number.
        let bodies = if self.replica {
            crate::replica::numbering::renumber(self.tx, self.device_id, &self.settings, bodies)?
        } else {
            bodies
        };
        for a in bodies.iter().flat_map(EventBody::attachments) {
            crate::attachments::store(self.tx, a, files)?;
        }
        let mut stored = Vec::with_capacity(bodies.len());
        for body in &bodies {
            stored.push(append(self.tx, &mut self.projector.borrow_mut(), self.device_id, &actor.user.id, at, body)?);
        }
        if !bodies.is_empty() {
            self.latest = Some(self.latest.map_or(at, |l| l.max(at)));
        }
        if bodies.iter().any(changes_context) {
            self.context_changed = true;
            // The commands after this one see the units, users, calendar and settings as it
            // left them: the cache is read again, inside this transaction.
            self.cache.borrow_mut().clear();
            self.actors.clear();
            if bodies.iter().any(|b| {
                matches!(
                    b,
                    EventBody::CalendarYearSet { .. }
                        | EventBody::CalendarDaySet { .. }
                        | EventBody::SettingsChanged { .. }
                )
            }) {
                let cached = Cached { conn: self.tx, cache: self.cache };
                self.calendar = cached.calendar()?;
                self.settings = cached.settings()?;
            }
        }
        self.recorded += 1;
        if let Some(progress) = self.progress.as_mut() {
            progress(self.recorded, at);
        }
        Ok(stored)
    }
}
