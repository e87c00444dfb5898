//! Backups and restore from the window (the office only): thin over `taizhang_ledger::backup`.

use super::*;

/// Backs the ledger up now: to `path`, or (without one) as the next automatic backup.
/// `overwrite`: the user confirmed replacing an existing file at `path` (the save dialog asks);
/// a ledger or backup there is refused all the same.
#[tauri::command(async, rename_all = "snake_case")]
pub fn backup_now(state: State<'_, AppState>, path: Option<String>, overwrite: Option<bool>) -> ApiResult<BackupInfo> {
    state.with(|o| {
        require_administer(o, "backup")?;
        let _one = state.backup_guard();
        let info = match path {
            Some(p) => {
                o.ledger.backup_to(OutputTarget { path: &PathBuf::from(p), overwrite: overwrite.unwrap_or(false) })?
            }
            None => {
                let keep = o.ledger.settings()?.backup_keep;
                o.ledger.backup_rotating(&state.backups_dir(), Utc::now(), keep)?
            }
        };
        o.last_backup = Some(std::time::Instant::now());
        log::info!("backed up to {}", info.path);
        Ok(info)
    })
}

/// Replaces the open ledger with a backup after checking it; the replaced file is kept beside
/// it. Everyone is signed out: the restored ledger may not know the same users. A backup of
/// another ledger or an older one is refused (`restore.foreign_ledger`, `restore.older_backup`)
/// unless `force`: the window asks the user and calls again with it. Another program holding
/// the ledger makes it refuse with `ledger.busy`.
#[tauri::command(async, rename_all = "snake_case")]
pub fn restore_ledger<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    from: String,
    force: Option<bool>,
) -> ApiResult<RestoreReport> {
    let mut guard = state.lock();
    let open = guard.as_mut().ok_or_else(ApiError::no_ledger)?;
    require_administer(open, "restore")?;
    let path = open.path.clone();
    // The ledger must be closed for its file to be replaced (the restore takes it exclusively,
    // and refuses while any connection has it open: this app's reader too); it is reopened
    // either way.
    let current = guard.take().expect("checked above");
    let last_backup = current.last_backup;
    drop(current);
    let result = taizhang_ledger::backup::restore(&PathBuf::from(&from), &path, Utc::now(), force.unwrap_or(false));
    let ledger = Ledger::open(&path)?;
    let generation = state.next_generation();
    let reader = AppState::reader(&path);
    *guard = Some(Open { ledger, reader, path: path.clone(), user: None, last_backup, generation });
    drop(guard);
    // The file now open is checked again like any other that is opened (no backup of it: the
    // replaced file was kept).
    check_in_background(&app, path.clone(), generation, false);
    let report = result?;
    log::info!(
        "restored {} from {} (kept the replaced file as {:?})",
        path.display(),
        report.restored_from,
        report.kept_as
    );
    Ok(report)
}
