//! Attachments from the window (docs/attachments.md): the UI picks files with the native dialog
//! and hands their paths here; the bytes are read, described and checked on this side (by the
//! core's rule, through `taizhang_ledger::attachments::read_file`), never in JavaScript. Thin:
//! what a file may be and who may act are the core's.

use base64::Engine;
use taizhang_core::attachment::Attachment;
use taizhang_ledger::attachments::read_file;

use super::*;

/// A file as the window shows it: its description and, for a picture, its bytes as a
/// `data:` URL (the CSP allows `img-src data:`).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AttachmentView {
    pub attachment: Attachment,
    pub data_url: Option<String>,
}

fn data_url(media_type: &str, bytes: &[u8]) -> String {
    format!("data:{media_type};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Reads a chosen file and says what it is (refused with the core's codes when it may not be
/// attached), with a preview for a picture, before the act is recorded.
#[tauri::command(async, rename_all = "snake_case")]
pub fn attachment_inspect(state: State<'_, AppState>, path: String) -> ApiResult<AttachmentView> {
    state.with(|o| session_user(o).map(|_| ()))?;
    // Read outside the ledger's lock: a large file on a slow disk holds up no other command.
    let blob = read_file(std::path::Path::new(&path))?;
    let data_url = blob.attachment.is_image().then(|| data_url(&blob.attachment.media_type, &blob.bytes));
    Ok(AttachmentView { attachment: blob.attachment, data_url })
}

/// Runs a command as the signed-in user with the files at `files` attached: read here, added
/// to the command's attachments and stored with the event that names them, all or nothing.
#[tauri::command(async, rename_all = "snake_case")]
pub fn execute_attached(
    state: State<'_, AppState>,
    command: Command,
    files: Vec<String>,
) -> ApiResult<Vec<StoredEvent>> {
    let blobs = files.iter().map(|p| read_file(std::path::Path::new(p))).collect::<Result<Vec<_>, LedgerError>>()?;
    state.with(|o| {
        let user = session_user(o)?;
        let events = o.ledger.execute_attached(&user, &command, &blobs, Utc::now())?;
        state.auto_backup(o);
        Ok(events)
    })
}

/// A stored file for the timeline's thumbnails and the larger view: `None` when the ledger
/// does not hold it (a replica that has not pulled it, or a file lost: `verify` says which).
#[tauri::command(async, rename_all = "snake_case")]
pub fn attachment_data(state: State<'_, AppState>, sha256: String) -> ApiResult<Option<AttachmentView>> {
    state.with(|o| {
        session_user(o)?;
        let Some(file) = o.ledger.attachment(&sha256)? else {
            return Ok(None);
        };
        let attachment = Attachment {
            sha256: file.sha256.clone(),
            size: file.bytes.len() as u64,
            media_type: file.media_type.clone(),
            name: String::new(),
        };
        Ok(Some(AttachmentView { data_url: Some(data_url(&file.media_type, &file.bytes)), attachment }))
    })
}

/// Saves a stored file where the user chose (a PDF scan to open in a reader); the target is
/// vetted as every file the app writes. `overwrite`: the save dialog asked about replacing it.
#[tauri::command(async, rename_all = "snake_case")]
pub fn attachment_save(
    state: State<'_, AppState>,
    sha256: String,
    path: String,
    overwrite: Option<bool>,
) -> ApiResult<()> {
    state.with(|o| {
        session_user(o)?;
        let file = o
            .ledger
            .attachment(&sha256)?
            .ok_or_else(|| LedgerError::AttachmentMissing { sha256: sha256.clone(), name: String::new() })?;
        let path = PathBuf::from(path);
        let target = OutputTarget { path: &path, overwrite: overwrite.unwrap_or(false) };
        check_output_target(target, o.ledger.path())?;
        std::fs::write(&path, &file.bytes).map_err(LedgerError::from)?;
        Ok(())
    })
}
