//! Monitoring key enterprises and key projects (issue 18; docs/monitoring.md): the arithmetic
//! and the rules, pure. What the offices report, and when; 同比, 1—本月累计, 产品销售率, 产销率;
//! 序时进度 and whether a project is 超前, 正常 or 滞后; and the early-warning rules with their
//! levels and reasons. Everything a person could recompute by hand from the reported figures
//! lives here once, so the ledger, the window, the CLI and the reports show the same numbers.
//!
//! - `indicators`: the indicator list, `Amount` (fixed point, hundredths), `Month`, the
//!   arithmetic and the checks on what is entered.
//! - `pairing`: how often key enterprises must be visited, and which are overdue.
//! - `schedule`: when a monthly report, a 旬报 and a project report are due.
//! - `projects`: 序时进度, completion and pace.
//! - `warnings`: the rules (an office setting) and what they raise.
//! - `records`: what the monitoring events carry, and the monitoring settings.
//! - `monthly`: the figures of the monthly report (本月, 累计, 同比, totals).
//! - `evaluate`: which warnings a report raises as it arrives.
//!
//! The monitoring state as an in-memory fold of the events is `crate::monitoring_state` (it
//! reads events, which sit above this module).
//!
//! Values are fixed point so that events carry integers (canonical JSON has no float to
//! argue about) and every figure reproduces exactly; percentages are derived, rounded to two
//! decimals.

pub mod evaluate;
pub mod indicators;
pub mod monthly;
pub mod pairing;
pub mod projects;
pub mod records;
pub mod schedule;
pub mod warnings;

pub use indicators::{Amount, IndicatorDef, Month};
pub use pairing::{VisitFrequency, VisitOverdue};
pub use projects::Pace;
pub use records::*;
pub use schedule::{ReportSchedule, Xun};
pub use warnings::{Level, Warning, WarningRules};
