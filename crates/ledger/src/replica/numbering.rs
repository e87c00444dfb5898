//! Problem numbers made on a replica. Two officials of one township registering offline on two
//! desktops would both take the township's next number (`2026-城关-0008`) from their own copy,
//! and the server would refuse the second as a duplicate. So a registration made on a replica
//! takes its number from a series of its own device instead: `2026-城关-7F3A/0001`, where
//! `7F3A` is the last four hex digits of the device id (random, UUIDv7) and `0001` counts the
//! registrations this device ever made (refused ones included, so a number is never reused).
//! The number is final: the server keeps it as the problem's identity, outside the
//! township's sequence (`Problem::number_place` reads no sequence from it), and two devices of
//! one district would clash only if their ids ended alike, which the server would refuse
//! visibly (`domain.duplicate`), never merge (docs/sync.md, "Problem numbers").

use rusqlite::Connection;
use taizhang_core::document::{format_number, seq_text, DocumentKind};
use taizhang_core::{EventBody, Settings};

use crate::error::Result;

/// The device's tag in its numbers: the last four hex digits of its id, upper case.
pub fn device_tag(device_id: &str) -> String {
    let hex: Vec<char> = device_id.chars().filter(char::is_ascii_hexdigit).collect();
    hex[hex.len().saturating_sub(4)..].iter().collect::<String>().to_uppercase()
}

/// `bodies` with every registration's number, and every document's number (文号), moved to
/// this device's series. A document's number keeps the office's pattern, with the device's
/// tag and its own count of that kind and year in the sequence's place: `企服办交〔2026〕7F3A-3号`
/// (docs/documents.md, "Many desks").
pub(crate) fn renumber(
    conn: &Connection,
    device_id: &str,
    settings: &Settings,
    mut bodies: Vec<EventBody>,
) -> Result<Vec<EventBody>> {
    let made: i64 = conn
        .prepare_cached("SELECT count(*) FROM events WHERE device_id = ?1 AND kind = 'problem_registered'")?
        .query_row([device_id], |r| r.get(0))?;
    let tag = device_tag(device_id);
    let mut next = made + 1;
    for body in &mut bodies {
        match body {
            EventBody::ProblemRegistered { number, .. } => {
                // `year-township-NNNN` from the core: the year and township stay.
                let head = number.rsplit_once('-').map_or(number.as_str(), |(h, _)| h).to_string();
                *number = format!("{head}-{tag}/{next:04}");
                next += 1;
            }
            EventBody::DocumentIssued { kind, year, seq, series, number, .. } => {
                let issued: u32 = conn
                    .prepare_cached(
                        "SELECT count(*) FROM events WHERE device_id = ?1 AND kind = 'document_issued'
                           AND json_extract(payload, '$.kind') = ?2 AND json_extract(payload, '$.year') = ?3",
                    )?
                    .query_row(rusqlite::params![device_id, kind.key(), *year], |r| r.get(0))?;
                *seq = issued + 1;
                *series = Some(tag.clone());
                *number = format_number(settings.documents.pattern(*kind), *year, &seq_text(Some(&tag), *seq));
            }
            EventBody::BulletinIssued { year, seq, series, number, .. } => {
                let issued: u32 = conn
                    .prepare_cached(
                        "SELECT count(*) FROM events WHERE device_id = ?1 AND kind = 'bulletin_issued'
                           AND json_extract(payload, '$.year') = ?2",
                    )?
                    .query_row(rusqlite::params![device_id, *year], |r| r.get(0))?;
                *seq = issued + 1;
                *series = Some(tag.clone());
                let pattern = settings.documents.pattern(DocumentKind::Bulletin);
                *number = format_number(pattern, *year, &seq_text(Some(&tag), *seq));
            }
            _ => {}
        }
    }
    Ok(bodies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_is_the_ids_last_four_hex_digits() {
        assert_eq!(device_tag("0190f3a2-7c4e-7b21-9d3e-5a1b2c3d7f3a"), "7F3A");
        assert_eq!(device_tag("ab"), "AB");
    }
}
