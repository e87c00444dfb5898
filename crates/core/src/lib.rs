//! taizhang-core: the pure domain of the Taizhang ledger.
//!
//! Commands are decided into events (`workflow`), events are folded into state (`problem`),
//! and lateness (`escalation`) and figures (`figures`) are derived from state, the calendar and
//! the settings. Nothing here touches files, databases or the clock: time is passed in.

pub mod admit;
pub mod attachment;
pub mod calendar;
pub mod chain;
#[cfg(feature = "clap")]
pub mod cli_value;
pub mod coded;
pub mod command;
pub mod credit_code;
pub mod dates;
pub mod document;
pub mod document_text;
pub mod error;
pub mod escalation;
pub mod event;
pub mod figure_facts;
pub mod figures;
pub mod genesis;
pub mod import;
pub mod labels;
pub mod model;
pub mod monitoring;
pub mod monitoring_state;
pub mod notices;
pub mod password;
pub mod period;
pub mod problem;
pub mod replay;
pub mod settings;
pub mod text;
pub mod workflow;

pub use coded::Coded;
pub use command::{Action, Command};
pub use error::DomainError;
pub use event::{EventBody, EventMeta};
pub use model::*;
pub use problem::Problem;
pub use settings::Settings;
