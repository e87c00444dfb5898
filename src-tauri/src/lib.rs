//! The Taizhang desktop shell: Tauri wiring over `taizhang-ledger`. Commands are thin
//! adapters (see `commands`); rules live in the core, storage in the ledger.

pub mod commands;
pub mod error;
pub mod state;

include!("command_names.rs");

/// The invoke handler over the list in command_names.rs.
macro_rules! command_handler {
    ($($name:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$name),*]
    };
}

use tauri::{Builder, Context, Manager, Runtime};

/// Wires commands, state and plugins; shared by `run` and the tests.
pub fn build_app<R: Runtime>(builder: Builder<R>, context: Context<R>) -> tauri::App<R> {
    let app = builder
        .invoke_handler(app_commands!(command_handler))
        .build(context)
        .expect("error while building the Taizhang app");
    // Managed right after build (not in `setup`) so the state exists before any command runs.
    let data_dir = match std::env::var_os("TAIZHANG_DATA_DIR") {
        Some(d) => std::path::PathBuf::from(d),
        None => app.path().app_data_dir().expect("the platform has a data directory"),
    };
    if let Err(e) = std::fs::create_dir_all(&data_dir) {
        log::error!("cannot create {}: {e}", data_dir.display());
    }
    app.manage(state::AppState::new(data_dir));
    lighten_webview(&app);
    app
}

/// WebKitGTK's default cache model is a web browser's: it keeps decoded resources and whole
/// pages in memory for going back and forth between sites. The app is one page of its own
/// files, read once from the binary; the document viewer's model keeps no such caches
/// (docs/benchmarks.md: the window's memory with a ledger open).
fn lighten_webview<R: Runtime>(app: &tauri::App<R>) {
    #[cfg(target_os = "linux")]
    if let Some(window) = app.get_webview_window("main") {
        let done = window.with_webview(|webview| {
            use webkit2gtk::{WebContextExt, WebViewExt};
            if let Some(context) = webview.inner().context() {
                context.set_cache_model(webkit2gtk::CacheModel::DocumentViewer);
            }
        });
        if let Err(e) = done {
            log::warn!("could not set the webview's cache model: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

pub fn run() {
    let mut builder = tauri::Builder::default();
    // A second launch focuses the running window instead of opening the same files twice.
    // An explicit TAIZHANG_DATA_DIR is a separate set of files (tests, a second district), so
    // it gets its own instance.
    #[cfg(desktop)]
    if std::env::var_os("TAIZHANG_DATA_DIR").is_none() {
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.set_focus();
            }
        }));
    }
    use tauri_plugin_log::{Target, TargetKind};
    // Logs go beside the data an explicit TAIZHANG_DATA_DIR names (so a test can read them and
    // check that no password or hash ever reaches them), else to the system's log folder.
    let file_target = match std::env::var_os("TAIZHANG_DATA_DIR") {
        Some(d) => TargetKind::Folder { path: std::path::PathBuf::from(d).join("logs"), file_name: None },
        None => TargetKind::LogDir { file_name: None },
    };
    let builder = builder
        .plugin(
            tauri_plugin_log::Builder::new()
                .level(log::LevelFilter::Info)
                .max_file_size(1_000_000)
                .rotation_strategy(tauri_plugin_log::RotationStrategy::KeepSome(5))
                .clear_targets()
                .targets([Target::new(TargetKind::Stdout), Target::new(file_target)])
                .build(),
        )
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init());
    let app = build_app(builder, tauri::generate_context!());
    app.run(|_, _| {});
}
