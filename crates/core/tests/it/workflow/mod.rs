//! The workflow of docs/design.md §2 and §4: who may do what, in which state, and what each refusal's
//! stable code is. The first tests are table-driven over Role × relationship × Action × state;
//! the rest pin down single rules with real 2026 dates.
//!
//! Implemented interpretation being tested (docs/design.md §2 read together with §4):
//! - the office does NOT sign, return, request extensions or resolve on behalf of departments;
//! - "evaluate" and "request withdrawal" belong to the problem's own township or the office;
//! - "resolve locally" belongs to the problem's own township only;
//! - "instruct" (批示) belongs to district leaders only, in any state.
//!
//! - `matrix`: Role × relationship × Action × state, against `gate`, `available_actions` and `decide`.
//! - `registration`: numbers, enterprises, townships, categories; users and units.
//! - `handling`: assignment and deadlines, signing and returns, supporters and progress.
//! - `closing`: extensions, urges, evaluation and reopening, close-out, withdrawal.

mod closing;
mod handling;
mod matrix;
mod registration;

/// The problem most tests act on.
const P: &str = "p-1";

/// The code of a refusal for the problem's state.
const INVALID: &str = "workflow.invalid_state";
