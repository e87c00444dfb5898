//! "May this user do this to this problem now": `gate` is the single answer (role,
//! relationship, state and time rules of each action); `available_actions` offers what it
//! allows, so the UI and the CLI never re-implement a rule.

use serde::{Deserialize, Serialize};

use super::permissions::actor_may_act;
use super::world::Context;
use crate::command::Action;
use crate::error::DomainError;
use crate::model::*;
use crate::problem::Problem;

/// One action and whether it may be taken now; `error` says why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ActionCheck {
    pub action: Action,
    pub allowed: bool,
    pub error: Option<DomainError>,
}

/// The actions this actor's role and unit could ever take on this problem, each with whether
/// the rules allow it now. Actions the role may never take are left out.
pub fn available_actions(p: &Problem, actor: &Actor, ctx: &Context) -> Vec<ActionCheck> {
    // A deactivated user, or a user of a deactivated unit, may do nothing: nothing is offered.
    if actor_may_act(actor).is_err() {
        return vec![];
    }
    Action::ALL
        .iter()
        .filter_map(|&action| match gate(action, p, actor, ctx) {
            Ok(()) => Some(ActionCheck { action, allowed: true, error: None }),
            Err(DomainError::Forbidden { .. }) => None,
            Err(e) => Some(ActionCheck { action, allowed: false, error: Some(e) }),
        })
        .collect()
}

/// The actions allowed right now.
pub fn allowed_actions(p: &Problem, actor: &Actor, ctx: &Context) -> Vec<Action> {
    available_actions(p, actor, ctx).into_iter().filter(|c| c.allowed).map(|c| c.action).collect()
}

/// Role, relationship, state and time rules of one action on one problem; input checks aside.
pub fn gate(action: Action, p: &Problem, actor: &Actor, ctx: &Context) -> Result<(), DomainError> {
    use Action as A;
    let role = actor.user.role;
    let unit = actor.unit.id.as_str();
    let is_lead = p.lead_unit_id() == Some(unit);
    let supporter = p.supporter(unit);
    let own_township = role == Role::Township && p.township_id == unit;
    let forbid = |reason: ForbiddenReason| Err(DomainError::forbidden(&actor.user.login, action.key(), reason));
    let need = |ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(DomainError::InvalidState { action: action.key().into(), status: p.status })
        }
    };
    let s = p.status;
    let active = matches!(s, Status::Assigned | Status::InProgress | Status::Disputed);
    let today = ctx.today();
    match action {
        A::ResolveLocally => {
            if !own_township {
                return forbid(ForbiddenReason::OwnTownship);
            }
            need(s == Status::Registered)
        }
        A::Assign | A::RuleReturn | A::Urge | A::Close | A::WaiveOpinion | A::RuleExtension | A::RuleWithdrawal
            if role != Role::Office =>
        {
            forbid(ForbiddenReason::OfficeOnly)
        }
        A::Assign => need(s == Status::Registered),
        A::RuleReturn => need(s == Status::Disputed),
        A::Urge => need(active),
        A::Close => {
            need(s == Status::Resolved)?;
            if p.evaluation.is_none() {
                return Err(DomainError::NotEvaluated);
            }
            // A withdrawal request is ruled on first, so it cannot outlive the item.
            if p.pending_withdrawal.is_some() {
                return Err(DomainError::WithdrawalPending);
            }
            Ok(())
        }
        A::WaiveOpinion => {
            need(active)?;
            let unsettled = p.assignment.as_ref().is_some_and(|a| a.supporters.iter().any(|s| !s.is_settled()));
            if !unsettled {
                return Err(DomainError::SupportAlreadyDone { what: "settled every supporting opinion".into() });
            }
            Ok(())
        }
        A::RuleExtension => {
            need(s == Status::InProgress)?;
            p.pending_extension().map(|_| ()).ok_or(DomainError::NoExtensionPending)
        }
        A::RuleWithdrawal => {
            // "any open → withdrawn": a request left pending when the item was closed is moot.
            need(s.is_open())?;
            p.pending_withdrawal.as_ref().map(|_| ()).ok_or(DomainError::NoWithdrawalPending)
        }
        A::Sign | A::Return | A::RequestExtension | A::Resolve if !(role == Role::Department && is_lead) => {
            forbid(ForbiddenReason::LeadOnly)
        }
        A::Sign => need(s == Status::Assigned),
        A::Return => {
            need(s == Status::Assigned)?;
            if p.return_ruled() {
                return Err(DomainError::ReturnAlreadyRuled);
            }
            let deadline = p.assignment.as_ref().map(|a| a.objection_deadline).unwrap_or(today);
            if today > deadline {
                return Err(DomainError::ReturnWindowClosed { deadline: deadline.to_string() });
            }
            Ok(())
        }
        A::RequestExtension => {
            need(s == Status::InProgress)?;
            if p.pending_extension().is_some() {
                return Err(DomainError::ExtensionPending);
            }
            let deadline = p.assignment.as_ref().map(|a| a.handling_deadline).unwrap_or(today);
            let notice = ctx.settings.extension_notice_days;
            if ctx.calendar.working_days_between(today, deadline) < notice as i64 {
                return Err(DomainError::ExtensionTooLate { deadline: deadline.to_string(), notice_days: notice });
            }
            Ok(())
        }
        A::Resolve => {
            need(s == Status::InProgress)?;
            let missing: Vec<&str> = p
                .assignment
                .as_ref()
                .map(|a| a.supporters.iter().filter(|s| !s.is_settled()).map(|s| s.unit_id.as_str()).collect())
                .unwrap_or_default();
            if !missing.is_empty() {
                return Err(DomainError::OpinionsMissing { units: missing.join(",") });
            }
            Ok(())
        }
        A::Acknowledge | A::SubmitOpinion if !(role == Role::Department && supporter.is_some()) => {
            forbid(ForbiddenReason::SupporterOnly)
        }
        A::Acknowledge => {
            need(active)?;
            if supporter.is_some_and(|s| s.acknowledged_at.is_some()) {
                return Err(DomainError::SupportAlreadyDone { what: "acknowledged".into() });
            }
            Ok(())
        }
        A::SubmitOpinion => {
            need(active)?;
            if supporter.is_some_and(|s| s.is_settled()) {
                return Err(DomainError::SupportAlreadyDone { what: "given its opinion or been waived".into() });
            }
            Ok(())
        }
        A::NoteProgress => {
            if role != Role::Department || !(is_lead || supporter.is_some()) {
                return forbid(ForbiddenReason::LeadOrSupporter);
            }
            if is_lead {
                need(s == Status::InProgress)
            } else {
                need(active)
            }
        }
        A::Evaluate | A::RequestWithdrawal if !(own_township || role == Role::Office) => {
            forbid(ForbiddenReason::OwnTownshipOrOffice)
        }
        A::Evaluate => {
            need(s == Status::Resolved)?;
            if p.evaluation.is_some() {
                return Err(DomainError::AlreadyEvaluated);
            }
            Ok(())
        }
        A::RequestWithdrawal => {
            need(s.is_open())?;
            if p.pending_withdrawal.is_some() {
                return Err(DomainError::WithdrawalPending);
            }
            Ok(())
        }
        A::Instruct => {
            if role != Role::Leader {
                return forbid(ForbiddenReason::LeaderOnly);
            }
            Ok(())
        }
    }
}
