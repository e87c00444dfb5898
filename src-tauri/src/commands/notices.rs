//! The bell: the signed-in user's notices (what is new since they last looked) and marking them
//! seen. Which acts concern whom is the core's rule (`core::notices`); the marks are the desk's
//! own (`Ledger::mark_notices_seen`), not events.

use chrono::Utc;
use taizhang_ledger::Notices;
use tauri::State;

use crate::error::ApiResult;
use crate::state::AppState;

/// The signed-in user's latest notices (at most `limit`), newest first, with the unread count;
/// nothing for nobody signed in.
#[tauri::command(async, rename_all = "snake_case")]
pub async fn notices(state: State<'_, AppState>, limit: u32) -> ApiResult<Notices> {
    // Read beside the list (`read_aside`): the bell scans the log back and folds problems,
    // which took seconds from a cold file at 100,000 problems.
    state
        .read_aside(move |l, user| match user {
            Some(user) => Ok(l.notices(user, limit as usize)?),
            None => Ok(Notices { items: vec![], unread: 0, unread_more: false, latest_seq: 0 }),
        })
        .await
}

/// Marks the signed-in user's notices seen up to `up_to` (the `latest_seq` they were shown; a
/// number in TS, so 32 bits here: four billion events).
#[tauri::command(async, rename_all = "snake_case")]
pub fn notices_seen(state: State<'_, AppState>, up_to: u32) -> ApiResult<()> {
    state.with(|o| match o.user.as_deref() {
        Some(user) => Ok(o.ledger.mark_notices_seen(user, i64::from(up_to), Utc::now())?),
        None => Ok(()),
    })
}
