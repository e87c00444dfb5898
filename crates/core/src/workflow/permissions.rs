//! Who may act at all, which tools a role has, and the role rules of the commands that are not
//! problem actions (those are `gate`'s).

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::model::*;

/// Whether this user may act at all: the user and their unit must both be active. Sign-in
/// (in the ledger) and `decide` ask the same question, so a deactivated unit's users are
/// refused everywhere alike.
pub fn actor_may_act(actor: &Actor) -> Result<(), DomainError> {
    if !actor.user.active {
        return Err(DomainError::Inactive { user: actor.user.login.clone() });
    }
    if !actor.unit.active {
        return Err(DomainError::UnitInactive { user: actor.user.login.clone(), unit: actor.unit.name.clone() });
    }
    Ok(())
}

/// Which screens and tools a role has. Per-problem actions come from `available_actions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Capabilities {
    /// Register problems (登记), enterprises and visits.
    pub register: bool,
    /// The office console: assign, rule, urge, close, approve withdrawals.
    pub supervise: bool,
    /// The department inbox: sign, handle, support.
    pub handle: bool,
    /// Units, users, calendar and settings.
    pub administer: bool,
    /// 批示.
    pub instruct: bool,
    /// Verify the chain, rebuild projections.
    pub audit: bool,
    /// Import an office's existing ledger and enterprise lists from spreadsheets.
    pub import: bool,
    /// Periodic reports (export and print). Any signed-in user may export the ledger view.
    pub report: bool,
}

pub fn capabilities(role: Role) -> Capabilities {
    let office = role == Role::Office;
    Capabilities {
        register: matches!(role, Role::Office | Role::Township),
        supervise: office,
        handle: role == Role::Department,
        administer: office,
        instruct: role == Role::Leader,
        audit: matches!(role, Role::Office | Role::Leader),
        import: office,
        report: matches!(role, Role::Office | Role::Leader),
    }
}

/// Approving and revoking the desktops that write into the district's ledger is the office's:
/// it vouches for every device (the district server asks this of the user a request comes from).
pub fn may_decide_devices(user: &User) -> Result<(), DomainError> {
    if user.role == Role::Office && user.active {
        Ok(())
    } else {
        Err(DomainError::forbidden(&user.login, "decide devices", ForbiddenReason::OfficeDecidesDevices))
    }
}

pub(crate) fn require_office(actor: &Actor, what: &str) -> Result<(), DomainError> {
    if actor.user.role == Role::Office {
        Ok(())
    } else {
        Err(DomainError::forbidden(&actor.user.login, what, ForbiddenReason::OfficeOnly))
    }
}

/// Townships act within their own area; the office acts anywhere.
pub(crate) fn require_township_or_office(actor: &Actor, township_id: &str, what: &str) -> Result<(), DomainError> {
    match actor.user.role {
        Role::Office => Ok(()),
        Role::Township if actor.unit.id == township_id => Ok(()),
        Role::Township => Err(DomainError::WrongTownship),
        _ => Err(DomainError::forbidden(&actor.user.login, what, ForbiddenReason::TownshipOrOffice)),
    }
}

pub(crate) fn role_fits_unit(role: Role, kind: UnitKind) -> bool {
    matches!(
        (role, kind),
        (Role::Office, UnitKind::Office)
            | (Role::Township, UnitKind::Township)
            | (Role::Department, UnitKind::Department)
            | (Role::Leader, UnitKind::Leadership)
            | (Role::Leader, UnitKind::Office)
    )
}

/// Who may change a unit: the office, and not so as to deactivate its own unit.
pub(crate) fn may_update_unit(actor: &Actor, unit_id: &str, active: bool) -> Result<(), DomainError> {
    require_office(actor, "update_unit")?;
    if unit_id == actor.unit.id && !active {
        return Err(DomainError::invalid("active", "the office cannot deactivate its own unit"));
    }
    Ok(())
}

/// Who may change a user: the office, and not so as to lock itself out of the office role.
pub(crate) fn may_update_user(actor: &Actor, user_id: &str, role: Role, active: bool) -> Result<(), DomainError> {
    require_office(actor, "update_user")?;
    if user_id == actor.user.id && (!active || role != Role::Office) {
        return Err(DomainError::invalid("active", "you cannot lock yourself out of the office role"));
    }
    Ok(())
}

/// A user sets their own password; only the office sets anyone else's.
pub(crate) fn may_set_password(actor: &Actor, user_id: &str) -> Result<(), DomainError> {
    if user_id != actor.user.id {
        require_office(actor, "set_password")?;
    }
    Ok(())
}

/// Whether `actor` may register problems and record visits for an enterprise of `township_id`:
/// the office anywhere, a township official in their own township (an import plans by it too).
pub fn may_register(actor: &Actor, township_id: &str) -> Result<(), DomainError> {
    if !matches!(actor.user.role, Role::Township | Role::Office) {
        return Err(DomainError::forbidden(&actor.user.login, "register", ForbiddenReason::TownshipOrOffice));
    }
    require_township_or_office(actor, township_id, "register")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_active_office_user_decides_devices() {
        let user = |role, active| User {
            id: "u".into(),
            login: "u".into(),
            name: "u".into(),
            unit_id: "x".into(),
            role,
            active,
            password_hash: None,
        };
        assert!(may_decide_devices(&user(Role::Office, true)).is_ok());
        for role in [Role::Leader, Role::Township, Role::Department] {
            assert_eq!(may_decide_devices(&user(role, true)).unwrap_err().code(), "auth.forbidden");
        }
        assert!(may_decide_devices(&user(Role::Office, false)).is_err(), "a deactivated office user may not");
    }
}
