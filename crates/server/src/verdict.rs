//! The re-decision of a pushed event against the district's state: `Admitted` (fold it),
//! `NoEffect` (the state moved on; stored, shown, not folded) or `Refused` (not allowed for
//! that user; stored, shown, not folded). The rules belong to the core: this module only
//! adapts the core's answer to the server's three outcomes.

use taizhang_core::workflow::{Context, World};
use taizhang_core::{DomainError, EventBody, EventMeta};

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Admitted,
    NoEffect(DomainError),
    Refused(DomainError),
}

impl Verdict {
    pub fn outcome(&self) -> &'static str {
        match self {
            Verdict::Admitted => "applied",
            Verdict::NoEffect(_) => "no_effect",
            Verdict::Refused(_) => "refused",
        }
    }
    pub fn reason(&self) -> Option<&DomainError> {
        match self {
            Verdict::Admitted => None,
            Verdict::NoEffect(e) | Verdict::Refused(e) => Some(e),
        }
    }
}

/// Decides one event. Until the core's event-level `admit` lands, the server checks what the
/// fold itself needs and no more: the actor is a known, active user, and a problem event finds
/// its problem (a registration, that the id is free).
pub fn judge(body: &EventBody, meta: &EventMeta, _ctx: &Context, world: &dyn World) -> Verdict {
    let Some(user) = world.user(&meta.actor) else {
        return Verdict::Refused(DomainError::not_found("user", &meta.actor));
    };
    if !user.active {
        return Verdict::Refused(DomainError::Inactive { user: user.login });
    }
    match body {
        EventBody::ProblemRegistered { problem_id, .. } if world.problem(problem_id).is_some() => {
            Verdict::NoEffect(DomainError::Duplicate { field: "problem_id".into(), value: problem_id.clone() })
        }
        EventBody::ProblemImported { row, .. } if world.problem(&row.problem_id).is_some() => {
            Verdict::NoEffect(DomainError::Duplicate { field: "problem_id".into(), value: row.problem_id.clone() })
        }
        EventBody::ProblemRegistered { .. } | EventBody::ProblemImported { .. } => Verdict::Admitted,
        _ => match body.problem_id() {
            Some(pid) if world.problem(pid).is_none() => Verdict::NoEffect(DomainError::not_found("problem", pid)),
            _ => Verdict::Admitted,
        },
    }
}
