//! What the shell holds between calls: the open ledger, who is signed in, recent files.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use taizhang_ledger::Ledger;

use crate::error::{ApiError, ApiResult};

pub struct Open {
    pub ledger: Ledger,
    pub path: PathBuf,
    /// The signed-in user's id.
    pub user: Option<String>,
    /// When the last automatic backup was made (on open, then after writes).
    pub last_backup: Option<std::time::Instant>,
}

pub struct AppState {
    open: Mutex<Option<Open>>,
    pub data_dir: PathBuf,
}

impl AppState {
    pub fn new(data_dir: PathBuf) -> Self {
        AppState { open: Mutex::new(None), data_dir }
    }

    pub fn lock(&self) -> MutexGuard<'_, Option<Open>> {
        // A panic while holding the lock leaves the ledger consistent (every write is one
        // transaction), so a poisoned lock is safe to take over.
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` with the open ledger.
    pub fn with<T>(&self, f: impl FnOnce(&mut Open) -> ApiResult<T>) -> ApiResult<T> {
        let mut guard = self.lock();
        let open = guard.as_mut().ok_or_else(ApiError::no_ledger)?;
        f(open)
    }

    pub fn default_path(&self) -> PathBuf {
        self.data_dir.join("ledger.db")
    }

    /// Where automatic backups go, per user data directory.
    pub fn backups_dir(&self) -> PathBuf {
        self.data_dir.join("backups")
    }

    /// The automatic backup: made when a ledger is opened and after writes once the settings'
    /// interval has passed. A failed backup is logged, never allowed to fail the user's work.
    pub fn auto_backup(&self, open: &mut Open, on_open: bool) {
        let Ok(settings) = open.ledger.settings() else { return };
        let due = match open.last_backup {
            None => true,
            Some(_) if on_open => true,
            Some(t) => settings.backup_every_minutes > 0 && t.elapsed().as_secs() >= settings.backup_every_minutes as u64 * 60,
        };
        if !due {
            return;
        }
        match open.ledger.backup_rotating(&self.backups_dir(), chrono::Utc::now(), settings.backup_keep) {
            Ok(info) => log::info!("backed up {} to {} ({} events)", open.path.display(), info.path, info.events),
            Err(e) => log::warn!("automatic backup of {} failed: {e}", open.path.display()),
        }
        open.last_backup = Some(std::time::Instant::now());
    }

    pub fn demo_path(&self) -> PathBuf {
        self.data_dir.join("demo.db")
    }

    fn recent_file(&self) -> PathBuf {
        self.data_dir.join("recent.json")
    }

    pub fn recent(&self) -> Vec<String> {
        std::fs::read_to_string(self.recent_file())
            .ok()
            .and_then(|t| serde_json::from_str::<Vec<String>>(&t).ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|p| Path::new(p).exists())
            .collect()
    }

    pub fn remember(&self, path: &Path) {
        let p = path.display().to_string();
        let mut list = self.recent();
        list.retain(|x| x != &p);
        list.insert(0, p);
        list.truncate(10);
        let _ = std::fs::create_dir_all(&self.data_dir);
        if let Err(e) = std::fs::write(self.recent_file(), serde_json::to_string_pretty(&list).unwrap_or_default()) {
            log::warn!("could not save the recent ledgers list: {e}");
        }
    }
}
