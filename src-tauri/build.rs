include!("src/command_names.rs");

fn main() {
    // Generates allow-/deny- permissions for each app command; capabilities/ grants them.
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build");
}
