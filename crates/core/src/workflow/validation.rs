//! Input checks shared by the commands: text fields trimmed and bounded, unit names unique and
//! not look-alikes, enterprises well formed, departments active, deadlines not in the past.

use chrono::NaiveDate;

use super::permissions::require_township_or_office;
use super::world::World;
use crate::credit_code::{check_credit_code, normalize_credit_code, CreditCodeCheck};
use crate::error::DomainError;
use crate::model::*;
use crate::text::{first_look_alike, normalize_name};

/// Longest single-line field (names, reasons are long text).
pub const MAX_SHORT: usize = 200;
/// Longest free text (descriptions, results, opinions).
pub const MAX_TEXT: usize = 10_000;

pub(crate) fn text(field: &str, value: &str, required: bool, max: usize) -> Result<String, DomainError> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(DomainError::required(field));
    }
    if v.chars().count() > max {
        return Err(DomainError::TooLong { field: field.into(), max });
    }
    Ok(v.to_string())
}

/// A unit's name and short name as stored (`text::normalize_name`), refused when either is
/// taken or looks like another unit's (`text::skeleton`); `this` is the unit being renamed.
pub(crate) fn unit_names(
    name: &str,
    short_name: &str,
    this: Option<&Unit>,
    world: &dyn World,
) -> Result<(String, String), DomainError> {
    let name = text("name", &normalize_name(name), true, MAX_SHORT)?;
    let short_name = text("short_name", &normalize_name(short_name), true, 20)?;
    let this_id = this.map(|u| u.id.as_str());
    if world.unit_by_name(&name).is_some_and(|u| Some(u.id.as_str()) != this_id) {
        return Err(DomainError::Duplicate { field: "name".into(), value: name });
    }
    let others: Vec<Unit> = world.all_units().into_iter().filter(|u| Some(u.id.as_str()) != this_id).collect();
    // A unit keeps a look-alike it already had (ledgers made before this check), so renaming
    // one of two such units for another reason is not refused for the part it did not change.
    let keeps_name = this.is_some_and(|u| u.name == name);
    let keeps_short_name = this.is_some_and(|u| u.short_name == short_name);
    if !keeps_name {
        if let Some(existing) = first_look_alike(&name, others.iter().map(|u| u.name.as_str())) {
            return Err(DomainError::UnitNameConfusable { value: name, existing: existing.to_string() });
        }
    }
    if !keeps_short_name {
        if let Some(existing) = first_look_alike(&short_name, others.iter().map(|u| u.short_name.as_str())) {
            return Err(DomainError::UnitShortNameConfusable { value: short_name, existing: existing.to_string() });
        }
    }
    Ok((name, short_name))
}

pub(crate) fn active_department(world: &dyn World, id: &str) -> Result<Unit, DomainError> {
    let unit = world.unit(id).ok_or_else(|| DomainError::not_found("unit", id))?;
    if unit.kind != UnitKind::Department || !unit.active {
        return Err(DomainError::NotADepartment { unit: unit.name });
    }
    Ok(unit)
}

pub(crate) fn not_before_today(d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, DomainError> {
    if d < today {
        return Err(DomainError::DeadlineInPast { deadline: d.to_string(), today: today.to_string() });
    }
    Ok(d)
}

pub(crate) fn validate_enterprise(
    e: &Enterprise,
    existing_id: Option<&str>,
    actor: &Actor,
    world: &dyn World,
) -> Result<Enterprise, DomainError> {
    let township = world.unit(&e.township_id).ok_or_else(|| DomainError::not_found("unit", &e.township_id))?;
    if township.kind != UnitKind::Township {
        return Err(DomainError::invalid("township_id", "an enterprise must belong to a township"));
    }
    require_township_or_office(actor, &e.township_id, "register_enterprise")?;
    let mut e = e.clone();
    e.name = text("name", &e.name, true, MAX_SHORT)?;
    for (field, v) in [
        ("industry", &mut e.industry),
        ("address", &mut e.address),
        ("contact", &mut e.contact),
        ("phone", &mut e.phone),
        ("steward", &mut e.steward),
        ("paired_leader", &mut e.paired_leader),
    ] {
        *v = text(field, v, false, MAX_SHORT)?;
    }
    e.credit_code = match e.credit_code.as_deref().map(normalize_credit_code).filter(|c| !c.is_empty()) {
        None => None,
        Some(code) => {
            // A bad check character is only a warning (early pilot codes are legal yet fail it).
            if let CreditCodeCheck::Malformed { reason } = check_credit_code(&code) {
                return Err(DomainError::CreditCodeMalformed { value: code, reason });
            }
            if let Some(other) = world.enterprise_by_credit_code(&code) {
                if Some(other.id.as_str()) != existing_id {
                    return Err(DomainError::Duplicate { field: "credit_code".into(), value: code });
                }
            }
            Some(code)
        }
    };
    Ok(e)
}
