//! Issuing a document's number (文号): only the office issues, a document is issued once per
//! occasion (its problem's current assignment, latest urge or latest resolution by the lead,
//! `Problem::document_round`), and numbers run per kind and year from the office's pattern,
//! never given twice (docs/documents.md). `decide` and `admit` both ask these rules.

use chrono::Datelike;

use super::permissions::require_office;
use super::world::{Context, World};
use crate::document::{format_number, seq_text, DocumentKind, MAX_PATTERN};
use crate::error::DomainError;
use crate::event::EventBody;
use crate::model::*;
use crate::problem::Problem;

/// The round a document of `kind` about `p` would be issued for now, or why none may be.
fn due_round(p: &Problem, kind: DocumentKind) -> Result<u32, DomainError> {
    let round = p.document_round(kind).ok_or_else(|| DomainError::DocumentNotDue { kind: kind.key().into() })?;
    if let Some(d) = p.document(kind, round) {
        return Err(DomainError::DocumentAlreadyIssued { kind: kind.key().into(), number: d.number.clone() });
    }
    Ok(round)
}

/// The district's next number of `kind` this year: the sequence continuing from the highest
/// the district gave, a number already taken (the pattern changed back) passed over.
pub(crate) fn next_document_number(world: &dyn World, pattern: &str, kind: DocumentKind, year: i32) -> (u32, String) {
    let mut seq = world.next_document_seq(kind, year);
    loop {
        let number = format_number(pattern, year, &seq_text(None, seq));
        if !world.document_number_taken(&number) {
            return (seq, number);
        }
        seq += 1;
    }
}

/// `IssueDocument`: the office issues the document of `kind` about `p` now.
pub(crate) fn issue_document(
    p: &Problem,
    kind: DocumentKind,
    actor: &Actor,
    ctx: &Context,
    world: &dyn World,
) -> Result<EventBody, DomainError> {
    require_office(actor, "issue_document")?;
    let round = due_round(p, kind)?;
    let year = ctx.today().year();
    let (seq, number) = next_document_number(world, ctx.settings.documents.pattern(kind), kind, year);
    Ok(EventBody::DocumentIssued { problem_id: p.id.clone(), kind, round, year, seq, series: None, number })
}

/// `IssueBulletin`: the office gives the 通报 of `period` (a report period's key) its issue
/// number, once.
pub(crate) fn issue_bulletin(
    period: &str,
    actor: &Actor,
    ctx: &Context,
    world: &dyn World,
) -> Result<EventBody, DomainError> {
    require_office(actor, "issue_document")?;
    let period = bulletin_period(period)?;
    if let Some(number) = world.bulletin_number(&period) {
        return Err(DomainError::DocumentAlreadyIssued { kind: DocumentKind::Bulletin.key().into(), number });
    }
    let year = ctx.today().year();
    let kind = DocumentKind::Bulletin;
    let (seq, number) = next_document_number(world, ctx.settings.documents.pattern(kind), kind, year);
    Ok(EventBody::BulletinIssued { period, year, seq, series: None, number })
}

/// A report period's key as a 通报 names it: `2026-03`, `2026-Q1`, a range… (checked by
/// `period::Period::parse` where the report is made; here only its form).
fn bulletin_period(period: &str) -> Result<String, DomainError> {
    let period = period.trim();
    if period.is_empty() || period.chars().count() > 64 || period.chars().any(char::is_control) {
        return Err(DomainError::invalid("period", "not a report period"));
    }
    Ok(period.to_string())
}

/// A stored `BulletinIssued`: by the office, for a period without a 通报 number, with a
/// number nobody holds.
pub(crate) fn bulletin_fits(
    period: &str,
    seq: u32,
    number: &str,
    actor: &Actor,
    world: &dyn World,
) -> Result<(), DomainError> {
    require_office(actor, "issue_document")?;
    let period = bulletin_period(period)?;
    if let Some(held) = world.bulletin_number(&period) {
        return Err(DomainError::DocumentAlreadyIssued { kind: DocumentKind::Bulletin.key().into(), number: held });
    }
    if seq == 0 || number.trim().is_empty() || number.chars().count() > 2 * MAX_PATTERN {
        return Err(DomainError::invalid("number", "empty, zero or too long"));
    }
    if world.document_number_taken(number) {
        return Err(DomainError::Duplicate { field: "number".into(), value: number.to_string() });
    }
    Ok(())
}

/// A stored `DocumentIssued`: by the office, for the occasion due and not yet issued, with a
/// number nobody holds. The number's form is not re-derived: the pattern may have changed
/// since a desk issued it offline, and the number printed is the one that counts.
#[allow(clippy::too_many_arguments)]
pub(crate) fn document_fits(
    p: &Problem,
    kind: DocumentKind,
    round: u32,
    seq: u32,
    number: &str,
    actor: &Actor,
    world: &dyn World,
) -> Result<(), DomainError> {
    require_office(actor, "issue_document")?;
    if due_round(p, kind)? != round {
        return Err(DomainError::invalid("round", "not the occasion a document is due for"));
    }
    if seq == 0 || number.trim().is_empty() || number.chars().count() > 2 * MAX_PATTERN {
        return Err(DomainError::invalid("number", "empty, zero or too long"));
    }
    if world.document_number_taken(number) {
        return Err(DomainError::Duplicate { field: "number".into(), value: number.to_string() });
    }
    Ok(())
}
