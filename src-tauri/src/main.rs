// Hide the console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Spreadsheets are parsed in a child copy of this program, so a file that makes the parser
    // abort cannot take the window down with it.
    let args: Vec<String> = std::env::args().collect();
    if let Some(code) = taizhang_exchange::sheet::serve_read_request(&args) {
        std::process::exit(code);
    }
    if let Ok(exe) = std::env::current_exe() {
        taizhang_exchange::sheet::isolate_reading(exe);
    }
    taizhang_desktop::run();
}
