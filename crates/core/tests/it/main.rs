//! The core's integration tests, one binary: each module drives the pure core through the
//! shared fixture in `support` (an in-memory world and a standard district).
//! The tidy checks on the source tree are a binary of their own (`tests/tidy`).

mod admit;
mod dates;
mod documents;
mod escalation;
mod figures;
mod monitoring;
mod names;
mod notices;
mod support;
mod workflow;
