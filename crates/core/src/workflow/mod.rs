//! Deciding commands: authorization, state rules and input checks (docs/design.md §2, §4). `decide`
//! turns a command into events or refuses it; `available_actions` answers "which actions may
//! this user take on this problem now" with the same gate, so the UI never re-implements a rule.
//!
//! The parts, lowest first (each uses only those before it; `tests/tidy.rs` holds the order):
//! `world` (what decisions read), `permissions` (who may act, role rules), `validation` (input
//! checks), `numbering`, `documents` (document numbers), `gate` (problem actions), `assignment` (deadlines and terms), `import`
//! (a sheet's row), `monitoring` (the monitoring reports and their warnings), `decide`.

mod assignment;
mod decide;
mod documents;
mod gate;
mod import;
mod monitoring;
mod numbering;
mod permissions;
mod validation;
mod world;

pub use assignment::{suggested_deadlines, SuggestedDeadlines};
pub use decide::decide;
pub use gate::{allowed_actions, available_actions, gate, ActionCheck};
pub use permissions::{actor_may_act, capabilities, may_decide_devices, may_register, Capabilities};
pub use validation::{MAX_SHORT, MAX_TEXT};
pub use world::{Context, World};

// The rules `admit` asks again of a stored event, so there is no second copy of any.
pub(crate) use documents::{bulletin_fits, document_fits};
pub(crate) use monitoring::{
    indicator_report, indicator_warnings, may_handle_warning, problem_origin, production_report, project,
    project_progress, project_warnings, warning_handling,
};
pub(crate) use permissions::{
    may_set_password, may_update_unit, may_update_user, require_office, require_township_or_office, role_fits_unit,
};
pub(crate) use validation::{active_department, not_before_today, validate_enterprise};
