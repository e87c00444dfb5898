//! What the shell holds between calls: the open ledger, who is signed in, recent files, and
//! the chain check that runs in the background after a ledger is opened.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use taizhang_ledger::{BrokenLink, Interrupt, Ledger};

use crate::error::{ApiError, ApiResult};

/// What the background check of an opened ledger's chain found.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ChainCheck {
    /// The ledger checked (the UI ignores a result for another file).
    pub path: String,
    pub ok: bool,
    /// The first broken link; `None` with `ok: false` when the check itself failed (logged).
    pub first_break: Option<BrokenLink>,
}

pub struct Open {
    pub ledger: Ledger,
    /// A read-only connection to the same file for the reads that fold the whole ledger
    /// (dashboard, scorecards): seconds at 100,000 problems, during which the list, a problem
    /// and every write stay free on `ledger`. `None` if it could not be opened.
    pub reader: Option<Arc<Mutex<Ledger>>>,
    pub path: PathBuf,
    /// The signed-in user's id.
    pub user: Option<String>,
    /// When the last automatic backup was made (on open, then after writes).
    pub last_backup: Option<std::time::Instant>,
    /// Which opening of a file this is: a background check's result counts only for the
    /// opening it was started for.
    pub generation: u64,
}

pub struct AppState {
    open: Mutex<Option<Open>>,
    /// The chain check of the current opening: (generation, result once known). Apart from
    /// `open` so that asking for it never waits behind a long command.
    chain: Mutex<(u64, Option<ChainCheck>)>,
    /// The running check's connection, to interrupt it when another opening begins: on a
    /// two-core PC a check of a ledger no longer open took a core from the one being opened
    /// for the seconds it had left.
    chain_stop: Mutex<Option<(u64, Interrupt)>>,
    generations: AtomicU64,
    /// Held while a backup is written: the one on open runs on its own thread and must not
    /// write the same file as one asked for meanwhile.
    backing_up: Mutex<()>,
    pub data_dir: PathBuf,
}

impl AppState {
    pub fn new(data_dir: PathBuf) -> Self {
        AppState {
            open: Mutex::new(None),
            chain: Mutex::new((0, None)),
            chain_stop: Mutex::new(None),
            generations: AtomicU64::new(0),
            backing_up: Mutex::new(()),
            data_dir,
        }
    }

    /// A new opening (or closing): results of checks started for earlier ones are dropped, and
    /// a check still running for one of them is interrupted.
    pub fn next_generation(&self) -> u64 {
        let g = self.generations.fetch_add(1, Ordering::SeqCst) + 1;
        *self.chain.lock().unwrap_or_else(|p| p.into_inner()) = (g, None);
        if let Some((_, stop)) = self.chain_stop.lock().unwrap_or_else(|p| p.into_inner()).take() {
            stop.interrupt();
        }
        g
    }

    /// Registers the connection of the check for `generation`, to be interrupted when another
    /// opening begins; false when one already has (then the check need not start).
    pub fn watch_chain_check(&self, generation: u64, stop: Interrupt) -> bool {
        let mut held = self.chain_stop.lock().unwrap_or_else(|p| p.into_inner());
        // Under the same lock `next_generation` takes the handle with: an opening that began
        // before this line is seen here, one that begins after it finds the handle.
        if self.generation_moved(generation) {
            return false;
        }
        *held = Some((generation, stop));
        true
    }

    /// Whether another opening (or a closing) has begun since `generation`'s.
    pub fn generation_moved(&self, generation: u64) -> bool {
        self.generations.load(Ordering::SeqCst) != generation
    }

    /// The check for `generation` is over: its connection is no longer to be interrupted.
    pub fn chain_check_done(&self, generation: u64) {
        let mut held = self.chain_stop.lock().unwrap_or_else(|p| p.into_inner());
        if held.as_ref().is_some_and(|(g, _)| *g == generation) {
            *held = None;
        }
    }

    /// Records a check's result; false when the ledger it was for is no longer the open one.
    pub fn set_chain(&self, generation: u64, check: ChainCheck) -> bool {
        let mut c = self.chain.lock().unwrap_or_else(|p| p.into_inner());
        if c.0 != generation {
            return false;
        }
        c.1 = Some(check);
        true
    }

    /// The current opening's check: `None` while it runs (or when no ledger is open).
    pub fn chain(&self) -> Option<ChainCheck> {
        self.chain.lock().unwrap_or_else(|p| p.into_inner()).1.clone()
    }

    pub fn lock(&self) -> MutexGuard<'_, Option<Open>> {
        // A panic while holding the lock leaves the ledger consistent (every write is one
        // transaction), so a poisoned lock is safe to take over.
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs a read of the whole ledger on the open ledger's read-only connection (see
    /// `Open::reader`), without holding the open ledger meanwhile, on a thread of low priority:
    /// the list, a problem and the window come first on a two-core office PC.
    #[track_caller]
    pub fn read_whole<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Ledger) -> ApiResult<T> + Send + 'static,
    ) -> impl std::future::Future<Output = ApiResult<T>> + '_ {
        self.read_aside(|l, _| f(l))
    }

    /// `read_whole` for the heavy reads of the signed-in user's screens (the office's 督办中心,
    /// the bell), `f` given the user's id (`None` when nobody is signed in). They run after
    /// sign-in beside the first page of the ledger: on the open ledger's connection they held
    /// it for seconds at 100,000 problems from a cold file, and the list waited behind them.
    ///
    /// Awaited, not waited on: Tauri runs a command on one of its runtime's workers, one per
    /// core, and a command that blocks keeps its worker; two such reads on a two-core PC held
    /// both, and the list's command could not even start until one ended.
    #[track_caller]
    pub fn read_aside<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Ledger, Option<&str>) -> ApiResult<T> + Send + 'static,
    ) -> impl std::future::Future<Output = ApiResult<T>> + '_ {
        let caller = std::panic::Location::caller();
        self.read_aside_from(caller, f)
    }

    async fn read_aside_from<T: Send + 'static>(
        &self,
        caller: &'static std::panic::Location<'static>,
        f: impl FnOnce(&Ledger, Option<&str>) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        let timing = SlowCall::start(caller);
        let (reader, user) = {
            let guard = self.lock();
            let open = guard.as_ref().ok_or_else(ApiError::no_ledger)?;
            match &open.reader {
                Some(r) => (r.clone(), open.user.clone()),
                None => return f(&open.ledger, open.user.as_deref()),
            }
        };
        let read = tauri::async_runtime::spawn_blocking(move || read_on(&reader, user.as_deref(), f));
        let out = read.await.unwrap_or_else(|_| Err(ApiError::new("internal", "the read of the whole ledger failed")));
        timing.finish();
        out
    }

    /// Runs `f` with the open ledger; refuses with `ledger.replaced` when its file was swapped
    /// under the app (see `Ledger::check_not_replaced`): what it would read or write is the
    /// moved-aside copy, not the ledger at its path.
    #[track_caller]
    pub fn with<T>(&self, f: impl FnOnce(&mut Open) -> ApiResult<T>) -> ApiResult<T> {
        let timing = SlowCall::start(std::panic::Location::caller());
        let mut guard = self.lock();
        let timing = timing.locked();
        let open = guard.as_mut().ok_or_else(ApiError::no_ledger)?;
        open.ledger.check_not_replaced()?;
        let out = f(open);
        drop(guard);
        timing.finish();
        out
    }

    pub fn default_path(&self) -> PathBuf {
        self.data_dir.join("ledger.db")
    }

    /// One backup at a time (see `backing_up`).
    pub fn backup_guard(&self) -> MutexGuard<'_, ()> {
        self.backing_up.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Where automatic backups go, per user data directory.
    pub fn backups_dir(&self) -> PathBuf {
        self.data_dir.join("backups")
    }

    /// The automatic backup after writes, once the settings' interval has passed since the
    /// last one (the one on open is `backup_on_open`). A failed backup is logged, never allowed
    /// to fail the user's work.
    pub fn auto_backup(&self, open: &mut Open) {
        let Ok(settings) = open.ledger.settings() else { return };
        let due = match open.last_backup {
            None => true,
            Some(t) => {
                settings.backup_every_minutes > 0 && t.elapsed().as_secs() >= settings.backup_every_minutes as u64 * 60
            }
        };
        if !due {
            return;
        }
        let _one = self.backup_guard();
        match open.ledger.backup_rotating(&self.backups_dir(), chrono::Utc::now(), settings.backup_keep) {
            Ok(info) => log::info!("backed up {} to {} ({} events)", open.path.display(), info.path, info.events),
            Err(e) => log::warn!("automatic backup of {} failed: {e}", open.path.display()),
        }
        open.last_backup = Some(std::time::Instant::now());
    }

    /// The backup made when a ledger is opened, once its chain has verified: made from the
    /// background check's own read-only connection, so the open ledger stays free for the user.
    /// The connection is closed before the open ledger's lock is taken: a restore holds that
    /// lock while it waits for every connection to the file to close.
    pub fn backup_on_open(&self, ledger: Ledger, generation: u64) {
        let Ok(settings) = ledger.settings() else { return };
        let path = ledger.path().map(|p| p.display().to_string()).unwrap_or_default();
        let one = self.backup_guard();
        match ledger.backup_rotating(&self.backups_dir(), chrono::Utc::now(), settings.backup_keep) {
            Ok(info) => log::info!("backed up {path} to {} ({} events)", info.path, info.events),
            Err(e) => log::warn!("automatic backup of {path} failed: {e}"),
        }
        drop(one);
        drop(ledger);
        if let Some(open) = self.lock().as_mut().filter(|o| o.generation == generation) {
            open.last_backup = Some(std::time::Instant::now());
        }
    }

    /// The read-only companion of a ledger just opened (see `Open::reader`).
    pub fn reader(path: &Path) -> Option<Arc<Mutex<Ledger>>> {
        match Ledger::open_read_only(path) {
            Ok(l) => Some(Arc::new(Mutex::new(l))),
            Err(e) => {
                log::warn!("no read-only connection to {}: {e}", path.display());
                None
            }
        }
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

/// `f` on the reader connection, on a thread of its own at low priority (not the blocking
/// pool's thread, which would keep the priority), then the connection's cache and the
/// allocator's free memory given back.
/// A command's time, logged when it is long enough for a user to notice: where it was called
/// from, how long it waited for the ledger and how long it ran. The log is how a slow office
/// PC is diagnosed (which command, waiting behind what), without a profiler there.
struct SlowCall {
    caller: &'static std::panic::Location<'static>,
    started: std::time::Instant,
    locked: Option<std::time::Instant>,
}

/// Calls shorter than this are not logged.
const SLOW_CALL_MS: u128 = 100;

impl SlowCall {
    fn start(caller: &'static std::panic::Location<'static>) -> SlowCall {
        SlowCall { caller, started: std::time::Instant::now(), locked: None }
    }

    /// The ledger is held from here on (`with`; a read beside it never marks this).
    fn locked(mut self) -> SlowCall {
        self.locked = Some(std::time::Instant::now());
        self
    }

    fn finish(self) {
        let total = self.started.elapsed();
        if total.as_millis() < SLOW_CALL_MS {
            return;
        }
        let (file, line, ms) = (self.caller.file(), self.caller.line(), total.as_millis());
        match self.locked {
            Some(l) => {
                let waited = (l - self.started).as_millis();
                log::info!("slow call from {file}:{line}: {ms} ms ({waited} ms waiting for the ledger)");
            }
            None => log::info!("slow call from {file}:{line}: {ms} ms (beside the ledger, on its reader)"),
        }
    }
}

fn read_on<T: Send>(
    reader: &Mutex<Ledger>,
    user: Option<&str>,
    f: impl FnOnce(&Ledger, Option<&str>) -> ApiResult<T> + Send,
) -> ApiResult<T> {
    let out = std::thread::scope(|scope| {
        let worker = std::thread::Builder::new().name("whole-ledger-read".into()).spawn_scoped(scope, || {
            lower_priority();
            let ledger = reader.lock().unwrap_or_else(|p| p.into_inner());
            let out = f(&ledger, user);
            // The pages this read brought into the connection's cache are rarely read again
            // soon (the next such read is minutes away): give them back rather than hold up to
            // the cache's 64 MB for the rest of the session.
            let _ = ledger.connection().execute_batch("PRAGMA shrink_memory;");
            out
        });
        match worker {
            Ok(w) => w.join().unwrap_or_else(|_| Err(ApiError::new("internal", "the read of the whole ledger failed"))),
            Err(e) => Err(ApiError::new("internal", format!("cannot start a thread: {e}"))),
        }
    });
    // The fold parsed every problem into many small allocations, freed again by now;
    // hand the memory back to the system instead of keeping it in the allocator's arenas.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator.
    #[allow(unsafe_code)]
    unsafe {
        libc::malloc_trim(0);
    }
    out
}

/// Background work (the chain check and backup on open, whole-ledger reads) runs at nice 10 on
/// its own thread: on a two-core office PC it must not take the processor from the window and
/// the user's queries.
pub(crate) fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on the calling thread's own id; no memory is passed.
    #[allow(unsafe_code)]
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 10);
    }
}

#[cfg(test)]
mod tests {
    use super::AppState;

    /// A check still running when another ledger opens is interrupted: a statement that would
    /// run for minutes returns at once; a check registered for an opening already past is not
    /// started.
    #[test]
    fn a_new_opening_interrupts_the_check_of_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = taizhang_ledger::Ledger::create(&dir.path().join("a.db"), chrono::Utc::now()).unwrap();
        let state = AppState::new(dir.path().to_path_buf());
        let first = state.next_generation();
        assert!(state.watch_chain_check(first, ledger.interrupt_handle()));
        let started = std::time::Instant::now();
        let long = std::thread::spawn(move || {
            ledger.connection().query_row(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT count(*) FROM n",
                [],
                |r| r.get::<_, i64>(0),
            )
        });
        std::thread::sleep(std::time::Duration::from_millis(200));
        let second = state.next_generation();
        let err = long.join().unwrap().unwrap_err();
        assert!(err.to_string().contains("interrupt"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
        assert!(state.generation_moved(first) && !state.generation_moved(second));
        let other = taizhang_ledger::Ledger::create(&dir.path().join("b.db"), chrono::Utc::now()).unwrap();
        assert!(!state.watch_chain_check(first, other.interrupt_handle()), "the first opening is over");
        assert!(state.watch_chain_check(second, other.interrupt_handle()));
        state.chain_check_done(second);
    }
}
