//! taizhang-demo: the demo district (示范区), a realistic ledger for trying the product,
//! training, tests and the benchmarks.
//!
//! `generate` fills a freshly created ledger through the ledger's one public write path
//! (`Ledger::write`) only, so every demo fact is a validated, hash-chained event with an actor
//! and a time.
//!
//! How it works: every problem gets a scripted fate (`fate`), chosen with a seeded RNG, which
//! is laid out as dated steps (working-day indices, `plan`) that respect every rule of the
//! workflow. The steps of all problems and visits are merged on one clock (`clock`) and
//! executed in time order; whatever would happen after `end` does not happen, so recent
//! problems are caught mid-flight. On top of the natural flow, the anchored fates
//! (`anchors::ANCHORS`) are timed backwards from `end` so that every state and situation is
//! guaranteed to be on screen at `end`. Every Chinese text comes from `data/district.json`.
//!
//! For a given seed and end time the events are always the same but for their ids (UUIDv7
//! with random bits).

pub mod anchors;
mod clock;
mod days;
mod district;
mod draw;
mod fate;
mod monitoring;
mod plan;
mod text;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use taizhang_core::local_date;
use taizhang_ledger::{Ledger, Result};

pub use anchors::{Anchor, ANCHORS};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoOptions {
    /// Number of problems (default 520). At least about 45 are needed to show every situation.
    /// The one or two the monitoring script registers (from a warning and from a project's
    /// difficulty) are among them.
    pub problems: usize,
    pub seed: u64,
    /// "Now": the demo's last day. Nothing is recorded after this instant.
    pub end: DateTime<Utc>,
    /// Length of the history in calendar days before `end` (default 150, at least 60).
    pub days: u32,
    /// Key enterprises' and key projects' monitoring (issue 18) and the leaders paired with
    /// key enterprises (default on). Off: a district as a ledger before monitoring had it.
    #[serde(default = "monitoring_on")]
    pub monitoring: bool,
}

fn monitoring_on() -> bool {
    true
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions { problems: 520, seed: 2026, end: Utc::now(), days: 150, monitoring: true }
    }
}

const MIN_DAYS: u32 = 60;

impl DemoOptions {
    /// The first instant of the demo history (07:00 Beijing time on its first day). Creating
    /// the ledger at this instant keeps the whole event log in time order.
    pub fn start(&self) -> DateTime<Utc> {
        days::instant(self.start_date(), 7 * 60)
    }

    fn start_date(&self) -> NaiveDate {
        local_date(self.end) - Duration::days(i64::from(self.days.max(MIN_DAYS)))
    }
}

/// What was generated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct DemoReport {
    pub townships: usize,
    pub departments: usize,
    pub users: usize,
    pub enterprises: usize,
    pub visits: usize,
    pub problems: usize,
    #[ts(type = "number")]
    pub events: i64,
}

/// Fills a freshly created ledger with the demo district. Every fact goes through the
/// ledger's write path; a refused step is a bug in the script and is returned as the error.
/// `progress(done, total)` counts the days of history generated.
pub fn generate(ledger: &mut Ledger, opts: &DemoOptions, progress: &mut dyn FnMut(usize, usize)) -> Result<DemoReport> {
    district::generate(ledger, opts, progress)
}

#[cfg(test)]
mod tests;
