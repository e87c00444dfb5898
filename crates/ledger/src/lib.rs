//! taizhang-ledger: the local ledger on one SQLite file.
//!
//! One write path: `Ledger::write` (and `execute`, `execute_all`, `execute_batch` over it)
//! decides each command with the core, appends the resulting events to the hash chain and
//! folds them into the projections, all in one IMMEDIATE transaction. Everything else here
//! reads.

pub mod append;
pub mod attachments;
pub mod backup;
pub mod backup_pack;
mod clock;
mod context;
mod documents;
mod enterprise_file;
mod error;
mod event_log;
mod export_rows;
pub mod figure_counts;
pub mod figures;
pub(crate) mod file;
mod imports;
mod lead_suggestions;
mod leader_items;
mod monitoring_board;
mod monitoring_fold;
mod monitoring_views;
mod notices;
mod office_console;
pub mod output;
pub mod password;
mod project;
mod project_report;
pub mod queries;
mod read;
mod rebuild;
pub mod replica;
mod replica_log;
pub mod report;
mod row_actions;
mod state_codec;
mod verify;
mod verify_full;
mod visit_page;
mod visits_due;
mod world;
pub mod write;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::Connection;

pub use append::{new_id, redact_secrets, StoredEvent, REDACTED};
pub use attachments::{AttachmentFault, NamedFile, StoredFile};
pub use documents::ProblemDocument;
pub use enterprise_file::{
    EnterpriseFile, FileMonitoring, FileMonth, RaisedProblem, VisitOfFile, FILE_MONTHS, FILE_PROBLEMS, FILE_PRODUCTION,
};
pub use error::{LedgerError, Result};
pub use export_rows::{ExportRow, RowSink};
pub use file::{APPLICATION_ID, CACHE_SIZE_KIB, SCHEMA_VERSION};
pub use lead_suggestions::LeadSuggestion;
pub use leader_items::{LeaderItems, PairedEnterprise};
pub use monitoring_board::{LinkedProblem, ProjectRow, WarningAction, WarningFilter, WarningRow};
pub use monitoring_views::{
    KeyEnterprise, MonthlyReport, MonthlyRow, MonthlyTotal, ProductionRow, ProductionSummary, SeriesPoint,
};
pub use notices::{NoticeRow, Notices, MAX_NOTICES};
pub use office_console::{ConsoleCounts, ConsoleTab};
pub use output::{check_output_target, OutputTarget};
pub use project_report::{ProjectReport, ProjectTotals};
pub use queries::*;
pub use rebuild::RebuildReport;
pub use replica::{
    Joined, OutboxEvent, ParkedBundle, PullOutcome, PushRecord, ReplicaInfo, ReplicaStatus, SettledEvent,
};
pub use row_actions::{RowActions, MAX_ROW_ACTIONS};
pub use verify::{BrokenLink, ChainHead, VerifyReport};
pub use verify_full::{ClockBehind, FullVerifyReport, NotAdmitted};
pub use visit_page::VisitPage;
pub use visits_due::{visit_scope, UnvisitedEnterprise};
pub use write::{WriteError, WriteOptions, Writer};

pub use taizhang_core as core;

/// An open ledger file.
pub struct Ledger {
    conn: Connection,
    path: Option<PathBuf>,
    device_id: String,
    cache: std::cell::RefCell<context::ContextCache>,
    /// The latest event time, kept up to date incrementally (`clock`).
    high_water: std::cell::Cell<clock::HighWater>,
    /// Which file the connection opened (see `output::FileIdentity`): a write refuses when the
    /// path has come to name another file since (a restore swapped it in).
    identity: Option<output::FileIdentity>,
}

impl Ledger {
    /// Creates a new ledger holding the office unit and an office user `admin` without a
    /// password. Refuses to touch an existing non-empty file.
    pub fn create(path: &Path, now: DateTime<Utc>) -> Result<Ledger> {
        genesis_clock(now)?;
        let conn = file::create(path)?;
        let mut ledger = Ledger::from_conn(conn, Some(path.to_path_buf()))?;
        ledger.bootstrap(now)?;
        Ok(ledger)
    }

    /// Opens an existing ledger. A file that is not a ledger, or from a newer schema, is
    /// refused before anything is written to it.
    pub fn open(path: &Path) -> Result<Ledger> {
        let conn = file::open(path)?;
        Ledger::from_conn(conn, Some(path.to_path_buf()))
    }

    /// Checks, without writing or leaving sidecar files, that `path` is a ledger this program
    /// can open (for a file nothing else is writing, such as a backup).
    pub fn check_file(path: &Path) -> Result<()> {
        file::check(path, true)
    }

    /// Opens a ledger for reading only, beside the connection that writes it: nothing is
    /// migrated or written (the desktop app verifies the chain and makes the backup on open on
    /// one of these, in the background). Reads see committed data, the WAL included; the file
    /// must already be at this program's schema (open it with `open` first).
    pub fn open_read_only(path: &Path) -> Result<Ledger> {
        file::check(path, false)?;
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version != file::SCHEMA_VERSION {
            return Err(LedgerError::Migration(format!(
                "{} is at schema {version}, not {}: open it for writing first",
                path.display(),
                file::SCHEMA_VERSION
            )));
        }
        Ledger::from_conn(conn, Some(path.to_path_buf()))
    }

    /// Opens a file nothing else is writing (a backup) for reading, leaving no trace on disk
    /// (see `file::open_immutable`): who may restore it is asked of it when the ledger it would
    /// replace cannot be opened.
    pub fn open_immutable(path: &Path) -> Result<Ledger> {
        file::check(path, true)?;
        let conn = file::open_immutable(path)?;
        Ledger::from_conn(conn, None)
    }

    /// A fresh ledger in memory, for tests.
    pub fn create_in_memory(now: DateTime<Utc>) -> Result<Ledger> {
        genesis_clock(now)?;
        let conn = file::create_in_memory()?;
        let mut ledger = Ledger::from_conn(conn, None)?;
        ledger.bootstrap(now)?;
        Ok(ledger)
    }

    fn from_conn(conn: Connection, path: Option<PathBuf>) -> Result<Ledger> {
        let device_id: String = conn.query_row("SELECT value FROM meta WHERE key = 'device_id'", [], |r| r.get(0))?;
        let identity = path.as_deref().and_then(output::FileIdentity::of);
        Ok(Ledger { conn, path, device_id, cache: Default::default(), high_water: Default::default(), identity })
    }

    /// The calendar, settings, units and actors, read once and kept while nothing changes them.
    pub(crate) fn cached(&self) -> context::Cached<'_> {
        context::Cached { conn: &self.conn, cache: &self.cache }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Refuses with `ledger.replaced` when the ledger's path no longer names the file this
    /// connection opened (a restore elsewhere moved it aside and put another in its place):
    /// its writes would land in the moved-aside copy. Cheap (one `stat`); the write path asks
    /// inside its lock, the desktop app also on a timer and when the window gets focus.
    pub fn check_not_replaced(&self) -> Result<()> {
        output::check_same_file(self.path.as_deref(), self.identity.as_ref())
    }

    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Sets this connection's SQLite page cache to `kib` KiB (filled only as pages are read),
    /// or back to the ledger's own (`CACHE_SIZE_KIB`) with `None`. A long writer that reads
    /// back pages it dirtied long before (the demo generator) runs faster with more.
    pub fn set_page_cache_kib(&self, kib: Option<i64>) -> Result<()> {
        let size = kib.map_or(file::CACHE_SIZE_KIB, |k| -k);
        Ok(self.conn.pragma_update(None, "cache_size", size)?)
    }

    /// Read access for queries outside this crate's helpers (tests, exports).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// A handle another thread can stop this connection's running statement with (a long
    /// read no longer wanted: the background chain check of a ledger closed meanwhile).
    pub fn interrupt_handle(&self) -> Interrupt {
        Interrupt(self.conn.get_interrupt_handle())
    }
}

/// Stops what a ledger's connection is running (`Ledger::interrupt_handle`): the statement
/// fails, and nothing it would have written is kept (every write is one transaction).
pub struct Interrupt(rusqlite::InterruptHandle);

impl Interrupt {
    pub fn interrupt(&self) {
        self.0.interrupt();
    }
}

/// The genesis is appended without `decide`, so it checks the clock itself, before the file
/// exists: a ledger begun at year 9999 would carry that date in its first events for good.
fn genesis_clock(now: DateTime<Utc>) -> Result<()> {
    let range = taizhang_core::dates::DateRange::of(&taizhang_core::Settings::default());
    Ok(range.check_clock(now)?)
}
