//! What the tests share, so that each test file states only what it tests:
//!
//! - [`district`]: the fixture district (units, users, two enterprises) on a ledger, and the
//!   problem steps most tests start from;
//! - [`ledger`]: a ledger on a temporary file with a known genesis;
//! - [`enterprise`]: an enterprise with plausible defaults, for struct-update variations;
//! - [`forge`]: events appended behind the ledger's back with a valid chain;
//! - [`rng`]: a small seeded RNG (splitmix64) and seeds read from the environment;
//! - [`demo`]: the demo district, the one place tests reach the demo generator;
//! - [`webdriver`]: a blocking W3C WebDriver client for tauri-driver (the e2e test and the
//!   bench's desktop rows);
//! - [`pg`]: a throw-away PostgreSQL 15 cluster on a loopback port (the server and replica
//!   tests, and the bench's server rows).
//!
//! A dev-dependency only (the bench, never shipped, uses the WebDriver client and the cluster).

pub mod demo;
pub mod district;
pub mod enterprise;
pub mod forge;
pub mod ledger;
pub mod pg;
pub mod rng;
pub mod webdriver;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

pub use district::{assign, district, register, District};
pub use enterprise::enterprise;

/// 10:00 Beijing time on the given day.
pub fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    taizhang_core::china_offset().with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap().to_utc()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The name the test harness knows test `function` of module `module` by (pass
/// `module_path!()`): the module path without the crate's name. For a test that runs its own
/// binary again as a child with `--exact`.
pub fn test_name(module: &str, function: &str) -> String {
    match module.split_once("::") {
        Some((_, inner)) => format!("{inner}::{function}"),
        None => function.to_string(),
    }
}
