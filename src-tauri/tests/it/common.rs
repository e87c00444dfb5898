//! What the shell's IPC tests share: invoking a command as the page would.

use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

/// Calls `cmd` with `body` through IPC: `Ok` with the result or `Err` with the error object.
pub fn invoke(w: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    get_ipc_response(
        w,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|r| r.deserialize::<Value>().unwrap())
}

/// The tests that set TAIZHANG_DATA_DIR and build an app take turns: the app reads the
/// variable when it is built, and another test's folder may be gone before this one ends.
static DATA_DIR_ENV: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn data_dir_env() -> std::sync::MutexGuard<'static, ()> {
    DATA_DIR_ENV.lock().unwrap_or_else(|p| p.into_inner())
}
