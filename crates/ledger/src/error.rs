//! Ledger errors: the core's domain errors plus what can go wrong with the file. Every variant
//! has a stable code (see `code`), which the CLI prints and the UI translates.

use taizhang_core::coded::{Coded, Params};
use taizhang_core::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("no ledger at {path}")]
    NoSuchFile { path: String },
    #[error("{path} already exists and is not empty")]
    AlreadyExists { path: String },
    #[error("{path} is not a Taizhang ledger: {reason}")]
    NotALedger { path: String, reason: String },
    #[error(
        "{path} was written by a newer version of Taizhang (schema {found}, this program knows up to {supported})"
    )]
    NewerVersion { path: String, found: i64, supported: i64 },
    #[error("the ledger is busy: another program is writing to it; try again")]
    Busy,
    #[error("{path} is not a usable backup: {reason}")]
    BackupBroken { path: String, reason: String },
    #[error("{path} is the open ledger or one of its side files: nothing was written")]
    OutputIsOpenLedger { path: String },
    #[error("{path} is a ledger, a backup or a ledger's side file: it is never overwritten")]
    OutputIsLedger { path: String },
    #[error("{path} is not a regular file (a folder, device, FIFO or broken link): nothing was written")]
    OutputNotRegular { path: String },
    #[error("{path} already exists: choose to replace it (--force) or another name")]
    OutputExists { path: String },
    #[error(
        "{path} is a backup of another ledger (another district's genesis): confirm to replace this ledger with it"
    )]
    RestoreForeign { path: String },
    #[error("{path} is older than the ledger: {missing} events of the ledger are not in it; confirm to go back")]
    RestoreOlder { path: String, missing: i64 },
    #[error("the file {path} was replaced or moved since it was opened: nothing was written; open it again")]
    Replaced { path: String },
    #[error("unknown user: {0}")]
    UnknownUser(String),
    #[error("wrong password for {0}")]
    BadPassword(String),
    #[error("{field}: {reason}")]
    BadInput { field: String, reason: String },
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("the disk is full: nothing was written")]
    DiskFull,
    #[error("the ledger file or its folder is read-only: nothing was written")]
    ReadOnly,
    #[error("file error: {0}")]
    Io(std::io::Error),
    #[error("{path} is not a replica of a district server: join one first (taizhang sync join)")]
    NotAReplica { path: String },
    #[error("{path} cannot become a replica: only a new, empty file joins a district server")]
    ReplicaNotFresh { path: String },
    #[error("the server sent event {event_id} that does not check: {reason}; nothing of that page was kept")]
    PulledEventInvalid { event_id: String, reason: String },
    #[error("the attachment {name} ({sha256}) is not in the ledger and its file was not given")]
    AttachmentMissing { sha256: String, name: String },
    #[error("the file given for the attachment {name} is not the one named {sha256}")]
    AttachmentMismatch { sha256: String, name: String },
    #[error("cannot read the file {path} to attach: {reason}")]
    AttachmentUnreadable { path: String, reason: String },
    #[error("the server {server_device} now signs with another key than the one this replica learned: nothing was changed; ask the office")]
    ServerKeyChanged { server_device: String },
}

impl From<std::io::Error> for LedgerError {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::StorageFull => LedgerError::DiskFull,
            std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => LedgerError::ReadOnly,
            _ => LedgerError::Io(e),
        }
    }
}

impl From<rusqlite::Error> for LedgerError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => LedgerError::Busy,
            Some(rusqlite::ErrorCode::DiskFull) => LedgerError::DiskFull,
            Some(rusqlite::ErrorCode::ReadOnly) => LedgerError::ReadOnly,
            Some(rusqlite::ErrorCode::NotADatabase) => {
                LedgerError::NotALedger { path: String::new(), reason: "not a SQLite database".into() }
            }
            _ => LedgerError::Sqlite(e),
        }
    }
}

impl From<serde_json::Error> for LedgerError {
    fn from(e: serde_json::Error) -> Self {
        LedgerError::Corrupt(e.to_string())
    }
}

impl LedgerError {
    pub fn code(&self) -> &'static str {
        match self {
            LedgerError::Domain(d) => d.code(),
            LedgerError::NoSuchFile { .. } => "ledger.no_such_file",
            LedgerError::AlreadyExists { .. } => "ledger.already_exists",
            LedgerError::NotALedger { .. } => "ledger.not_a_ledger",
            LedgerError::NewerVersion { .. } => "ledger.newer_version",
            LedgerError::Busy => "ledger.busy",
            LedgerError::BackupBroken { .. } => "backup.broken",
            LedgerError::OutputIsOpenLedger { .. } => "output.target_is_open_ledger",
            LedgerError::OutputIsLedger { .. } => "output.target_is_ledger",
            LedgerError::OutputNotRegular { .. } => "output.not_a_regular_file",
            LedgerError::OutputExists { .. } => "output.exists",
            LedgerError::RestoreForeign { .. } => "restore.foreign_ledger",
            LedgerError::RestoreOlder { .. } => "restore.older_backup",
            LedgerError::Replaced { .. } => "ledger.replaced",
            LedgerError::UnknownUser(_) => "auth.unknown_user",
            LedgerError::BadPassword(_) => "auth.bad_password",
            LedgerError::BadInput { .. } => "input.invalid",
            LedgerError::Corrupt(_) => "ledger.corrupt",
            LedgerError::Sqlite(_) => "ledger.database",
            LedgerError::Migration(_) => "ledger.migration",
            LedgerError::Io(_) => "ledger.io",
            LedgerError::DiskFull => "ledger.disk_full",
            LedgerError::ReadOnly => "ledger.read_only",
            LedgerError::NotAReplica { .. } => "sync.not_a_replica",
            LedgerError::ReplicaNotFresh { .. } => "sync.replica_not_fresh",
            LedgerError::PulledEventInvalid { .. } => "sync.pulled_event_invalid",
            LedgerError::ServerKeyChanged { .. } => "sync.server_key_changed",
            LedgerError::AttachmentMissing { .. } => "attachment.missing",
            LedgerError::AttachmentMismatch { .. } => "attachment.mismatch",
            LedgerError::AttachmentUnreadable { .. } => "attachment.unreadable",
        }
    }

    pub fn bad_input(field: &str, reason: impl Into<String>) -> Self {
        LedgerError::BadInput { field: field.into(), reason: reason.into() }
    }
}

/// Not `Serialize` (it holds SQLite's and the OS's errors), so its params are named here; a
/// domain error keeps its own.
impl Coded for LedgerError {
    fn code(&self) -> &'static str {
        LedgerError::code(self)
    }

    fn params(&self) -> Params {
        let v = match self {
            LedgerError::Domain(d) => return d.params(),
            LedgerError::NewerVersion { path, found, supported } => {
                serde_json::json!({ "path": path, "found": found, "supported": supported })
            }
            LedgerError::NotALedger { path, reason }
            | LedgerError::BackupBroken { path, reason }
            | LedgerError::AttachmentUnreadable { path, reason } => {
                serde_json::json!({ "path": path, "reason": reason })
            }
            LedgerError::NoSuchFile { path }
            | LedgerError::AlreadyExists { path }
            | LedgerError::OutputIsOpenLedger { path }
            | LedgerError::OutputIsLedger { path }
            | LedgerError::OutputNotRegular { path }
            | LedgerError::OutputExists { path }
            | LedgerError::RestoreForeign { path }
            | LedgerError::Replaced { path }
            | LedgerError::NotAReplica { path }
            | LedgerError::ReplicaNotFresh { path } => serde_json::json!({ "path": path }),
            LedgerError::PulledEventInvalid { event_id, reason } => {
                serde_json::json!({ "event_id": event_id, "reason": reason })
            }
            LedgerError::AttachmentMissing { sha256, name } | LedgerError::AttachmentMismatch { sha256, name } => {
                serde_json::json!({ "sha256": sha256, "name": name })
            }
            LedgerError::ServerKeyChanged { server_device } => serde_json::json!({ "server_device": server_device }),
            LedgerError::RestoreOlder { path, missing } => serde_json::json!({ "path": path, "missing": missing }),
            LedgerError::UnknownUser(u) | LedgerError::BadPassword(u) => serde_json::json!({ "user": u }),
            LedgerError::BadInput { field, reason } => serde_json::json!({ "field": field, "reason": reason }),
            LedgerError::Busy
            | LedgerError::Corrupt(_)
            | LedgerError::Sqlite(_)
            | LedgerError::Migration(_)
            | LedgerError::DiskFull
            | LedgerError::ReadOnly
            | LedgerError::Io(_) => return Params::new(),
        };
        match v {
            serde_json::Value::Object(m) => m,
            _ => Params::new(),
        }
    }
}

pub type Result<T, E = LedgerError> = std::result::Result<T, E>;
