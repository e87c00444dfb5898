//! The district server from the window (docs/sync.md): join it, sync now, see where this
//! desktop stands, and (the office) approve or revoke desktops. Thin, like every command:
//! `taizhang-sync` does the work. Joining and syncing need no session: syncing is the desktop's
//! act, signed with its device key, and a new replica has no users to sign in as until its
//! first sync brings the district. The device list needs the office's session here, and the
//! server asks the core again about the device's own user.

use std::path::PathBuf;

use chrono::Utc;
use taizhang_ledger::ReplicaStatus;
use taizhang_sync::bundle::{BundleExport, BundleImport};
use taizhang_sync::{DeviceListing, JoinOptions, SyncProgress, SyncSummary};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use super::{opened, require, LedgerInfo, Progress};
use crate::error::ApiResult;
use crate::state::AppState;

/// Registers this desktop with the district server and opens `path`, a new replica ledger (the
/// file must not exist, or be empty). The device waits for the office's approval; the first
/// sync after it brings the district's ledger.
#[tauri::command(async, rename_all = "snake_case")]
#[allow(clippy::too_many_arguments)]
pub fn sync_join<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: String,
    url: String,
    fingerprint: Option<String>,
    login: String,
    password: String,
    device_name: String,
) -> ApiResult<LedgerInfo> {
    let path = PathBuf::from(path);
    let fingerprint = fingerprint.filter(|f| !f.trim().is_empty());
    let opts = JoinOptions { url, fingerprint, login, password, device_name };
    let ledger = taizhang_sync::join(&path, &opts, Utc::now())?;
    opened(&app, &state, ledger, path)
}

/// Where the open ledger stands with its server; `None` for a ledger that never joined one.
#[tauri::command(async, rename_all = "snake_case")]
pub fn sync_status(state: State<'_, AppState>) -> ApiResult<Option<ReplicaStatus>> {
    state.with(|o| if o.ledger.is_replica()? { Ok(Some(taizhang_sync::status(&o.ledger)?)) } else { Ok(None) })
}

/// Pushes this desktop's pending events, then pulls to the end, with progress. The open ledger
/// is held while it runs (seconds for a township's day; the first pull of a district longer),
/// so what the window shows next is what the server said.
#[tauri::command(async, rename_all = "snake_case")]
pub fn sync_now(state: State<'_, AppState>, on_progress: Channel<Progress>) -> ApiResult<SyncSummary> {
    state.with(|o| {
        let summary = taizhang_sync::sync(&mut o.ledger, Utc::now(), &mut |p| {
            let (stage, done, total) = match p {
                SyncProgress::Pushing { done, total } => ("sync_push", done as i64, total as i64),
                SyncProgress::Pulling { position, high_water, .. } => ("sync_pull", position, high_water.max(position)),
            };
            let _ = on_progress.send(Progress { stage: stage.into(), done, total });
        })?;
        log::info!(
            "synced: pushed {} (refused {}, no effect {}), received {}, pending {}",
            summary.pushed,
            summary.refused,
            summary.no_effect,
            summary.received,
            summary.pending
        );
        Ok(summary)
    })
}

/// The district's desktops, as the server lists them to the office (from this replica, signed
/// with its device key; the server answers only an approved office device).
#[tauri::command(async, rename_all = "snake_case")]
pub fn server_devices(state: State<'_, AppState>) -> ApiResult<Vec<DeviceListing>> {
    state.with(|o| {
        require(o, "devices", |c| c.administer, taizhang_core::ForbiddenReason::OfficeDecidesDevices)?;
        Ok(taizhang_sync::server_devices(&o.ledger)?)
    })
}

/// Approves (`approve`) or revokes a desktop on the server. Revoking is final: that desktop
/// joins again with a new key.
#[tauri::command(async, rename_all = "snake_case")]
pub fn server_device_decide(state: State<'_, AppState>, device_id: String, approve: bool) -> ApiResult<DeviceListing> {
    state.with(|o| {
        require(o, "devices", |c| c.administer, taizhang_core::ForbiddenReason::OfficeDecidesDevices)?;
        let decided = taizhang_sync::decide_device(&o.ledger, &device_id, approve)?;
        log::info!("device {} {}", decided.device_id, decided.state);
        Ok(decided)
    })
}

/// Writes this desktop's pending events, signed, to `out` for a server its network never
/// meets (a bundle, docs/bundles.md); `replace`: the user chose to replace a file there (never
/// a ledger). The ledger is not changed.
#[tauri::command(async, rename_all = "snake_case")]
pub fn bundle_export(state: State<'_, AppState>, out: String, replace: bool) -> ApiResult<BundleExport> {
    state.with(|o| Ok(taizhang_sync::bundle::export(&o.ledger, &PathBuf::from(out), replace, Utc::now())?))
}

/// Applies the server's reply bundle: outcomes, device state and what this unit may see.
#[tauri::command(async, rename_all = "snake_case")]
pub fn bundle_import(state: State<'_, AppState>, file: String) -> ApiResult<BundleImport> {
    state.with(|o| {
        let done = taizhang_sync::bundle::import(&mut o.ledger, &PathBuf::from(file), Utc::now())?;
        log::info!(
            "bundle imported: applied {}, refused {}, no effect {}, received {}, parked {}",
            done.applied,
            done.refused,
            done.no_effect,
            done.received,
            done.parked
        );
        Ok(done)
    })
}
