//! The stored form of a problem aggregate (`problem_states.state`, migration 14): its JSON
//! deflated, behind a one-byte format tag. The JSON of an aggregate repeats its keys, its unit
//! ids and its dates; deflated it takes about 45 % of the text (2.1 KB → 0.95 KB a problem in
//! the demo district), and a row that small is rewritten in place more often, so its pages
//! stay fuller. The aggregate is a projection: what is stored is exactly `serde_json` of the
//! `Problem`, so a rebuild writes the same bytes (deflate is deterministic for one level).

use std::io::{Read, Write};

use flate2::Compression;
use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;
use taizhang_core::problem::Problem;

use crate::error::{LedgerError, Result};

/// The tag of the one format so far: raw deflate (RFC 1951) of the aggregate's JSON. A later
/// format takes another tag; a reader refuses a tag it does not know rather than guess.
const DEFLATED_JSON: u8 = 1;

/// Level 6: within 5 % of level 9's size, and about 30 µs for a 2 KB aggregate.
const LEVEL: u32 = 6;

/// The stored form of an aggregate.
pub fn pack(p: &Problem) -> Result<Vec<u8>> {
    Ok(pack_json(&serde_json::to_vec(p)?))
}

/// The stored form of an aggregate's JSON text, as migration 14 converts the rows it finds.
pub fn pack_json(json: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(vec![DEFLATED_JSON], Compression::new(LEVEL));
    e.write_all(json).expect("deflating into memory does not fail");
    e.finish().expect("deflating into memory does not fail")
}

/// The aggregate's JSON back from its stored form.
pub fn unpack_json(bytes: &[u8]) -> Result<Vec<u8>> {
    match bytes.split_first() {
        Some((&DEFLATED_JSON, deflated)) => {
            let mut json = Vec::with_capacity(deflated.len() * 3);
            flate2::read::DeflateDecoder::new(deflated)
                .read_to_end(&mut json)
                .map_err(|e| LedgerError::Corrupt(format!("problem state: {e}")))?;
            Ok(json)
        }
        Some((tag, _)) => Err(LedgerError::Corrupt(format!("problem state of an unknown format {tag}"))),
        None => Err(LedgerError::Corrupt("an empty problem state".into())),
    }
}

/// The aggregate from its stored form.
pub fn unpack(bytes: &[u8]) -> Result<Problem> {
    serde_json::from_slice(&unpack_json(bytes)?).map_err(|e| LedgerError::Corrupt(format!("problem state: {e}")))
}

/// `tz_pack_state(json)`: `pack_json` as an SQL function, which migration 14 converts the
/// existing aggregates with, inside its own transaction. Registered on every connection that
/// runs the migrations (a file's, and the blank one `creation_ddl` migrates).
pub fn register_sql(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function("tz_pack_state", 1, FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC, |ctx| {
        let json: String = ctx.get(0)?;
        Ok(pack_json(json.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_state_unpacks_to_the_same_json() {
        let json = r#"{"id":"019c2103-7280-7039-8d8c-18cf7b9b1fb6","description":"企业希望得到安全生产标准化创建指导","signs":[]}"#;
        let json = json.as_bytes();
        let packed = pack_json(json);
        assert_eq!(packed[0], DEFLATED_JSON);
        assert_eq!(unpack_json(&packed).unwrap(), json);
        // Deterministic: a rebuild writes the same bytes.
        assert_eq!(pack_json(json), packed);
    }

    #[test]
    fn an_unknown_or_damaged_state_is_refused() {
        assert!(matches!(unpack_json(&[]), Err(LedgerError::Corrupt(_))));
        assert!(matches!(unpack_json(&[9, 1, 2]), Err(LedgerError::Corrupt(_))));
        let mut packed = pack_json(b"{\"a\":1}");
        packed.truncate(2);
        assert!(unpack(&packed).is_err());
    }
}
