//! End to end through the real window: tauri-driver + WebKitWebDriver drive the built desktop
//! app (`taizhang-desktop`, built with `custom-protocol`) under Xvfb. `make test` builds the app,
//! installs the driver and runs this with `--ignored` inside `xvfb-run`.
//!
//! One module a concern: `harness` (the app started and `Ui`, the window as a person drives
//! it), `one_problem` (a problem's whole life across users), `roles` (each role's day on the
//! demo district), `excel` (sheets in and out, the 通报), `printing` (the monitoring reports
//! printed), `tampered` (the red banner), `district` (a desk against a live district server).

// The district server's test cluster, fixture and in-process server (as crates/sync/tests).
#[path = "../../crates/server/tests/server/client.rs"]
#[allow(dead_code)]
mod client;
#[path = "../../crates/server/tests/server/cluster.rs"]
#[allow(dead_code)]
mod cluster;
#[path = "../../crates/server/tests/server/fixture.rs"]
#[allow(dead_code)]
mod fixture;

mod district;
mod excel;
mod harness;
mod one_problem;
mod printing;
mod roles;
mod tampered;
mod visit_sheet;
