//! The stored form of a problem aggregate (`problem_states.state`, migration 14): its JSON
//! deflated, behind a one-byte format tag. The JSON of an aggregate repeats its keys, its unit
//! ids and its dates; deflated it takes about 45 % of the text (2.1 KB → 0.95 KB a problem in
//! the demo district), and a row that small is rewritten in place more often, so its pages
//! stay fuller. The aggregate is a projection: what is stored is exactly `serde_json` of the
//! `Problem`, so a rebuild writes the same bytes (deflate is deterministic for one level).

use std::cell::RefCell;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;
use taizhang_core::problem::Problem;

use crate::error::{LedgerError, Result};

/// The tag of the one format so far: raw deflate (RFC 1951) of the aggregate's JSON. A later
/// format takes another tag; a reader refuses a tag it does not know rather than guess.
const DEFLATED_JSON: u8 = 1;

/// Level 6: within 5 % of level 9's size, and about 30 µs for a 2 KB aggregate.
const LEVEL: u32 = 6;

thread_local! {
    // One compressor and one decompressor a thread, reset for each aggregate: a new one
    // allocates and zeroes a few hundred KB of tables, which cost a command more than the
    // compression itself (page faults on fresh memory, in a profile of the workflow row).
    static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::new(LEVEL), false));
    static INFLATE: RefCell<Decompress> = RefCell::new(Decompress::new(false));
}

/// The stored form of an aggregate.
pub fn pack(p: &Problem) -> Result<Vec<u8>> {
    Ok(pack_json(&serde_json::to_vec(p)?))
}

/// The stored form of an aggregate's JSON text, as migration 14 converts the rows it finds.
/// The same bytes for the same text, whatever was packed before (the compressor is reset).
pub fn pack_json(json: &[u8]) -> Vec<u8> {
    DEFLATE.with(|c| {
        let mut c = c.borrow_mut();
        c.reset();
        let mut out = Vec::with_capacity(json.len() / 2 + 64);
        out.push(DEFLATED_JSON);
        loop {
            let consumed = c.total_in() as usize;
            let status = c
                .compress_vec(&json[consumed..], &mut out, FlushCompress::Finish)
                .expect("deflating into memory does not fail");
            if status == Status::StreamEnd {
                return out;
            }
            out.reserve(out.capacity());
        }
    })
}

/// The aggregate's JSON back from its stored form.
pub fn unpack_json(bytes: &[u8]) -> Result<Vec<u8>> {
    let corrupt = |why: &str| LedgerError::Corrupt(format!("problem state: {why}"));
    let deflated = match bytes.split_first() {
        Some((&DEFLATED_JSON, deflated)) => deflated,
        Some((tag, _)) => return Err(LedgerError::Corrupt(format!("problem state of an unknown format {tag}"))),
        None => return Err(corrupt("empty")),
    };
    INFLATE.with(|d| {
        let mut d = d.borrow_mut();
        d.reset(false);
        let mut json = Vec::with_capacity(deflated.len() * 3 + 64);
        loop {
            let (was_in, was_out) = (d.total_in(), d.total_out());
            let status = d
                // `None`, not `Finish`: with Finish an output buffer too small is an error.
                .decompress_vec(&deflated[was_in as usize..], &mut json, FlushDecompress::None)
                .map_err(|e| corrupt(&e.to_string()))?;
            if status == Status::StreamEnd {
                return Ok(json);
            }
            if json.len() == json.capacity() {
                json.reserve(json.capacity());
            } else if (d.total_in(), d.total_out()) == (was_in, was_out) {
                return Err(corrupt("cut short"));
            }
        }
    })
}

/// The aggregate from its stored form.
pub fn unpack(bytes: &[u8]) -> Result<Problem> {
    serde_json::from_slice(&unpack_json(bytes)?).map_err(|e| LedgerError::Corrupt(format!("problem state: {e}")))
}

/// `tz_pack_state(json)`: `pack_json` as an SQL function, which migration 14 converts the
/// existing aggregates with, inside its own transaction. Registered on every connection that
/// runs the migrations (a file's, and the blank one `creation_ddl` migrates).
pub fn register_sql(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "tz_pack_state",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let json: String = ctx.get(0)?;
            Ok(pack_json(json.as_bytes()))
        },
    )
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
    fn a_large_state_and_many_in_a_row_pack_alike() {
        // Larger than the first output buffer, and packed after others on the same thread.
        let big: String = (0..3000).map(|i| format!("{{\"n\":{i},\"t\":\"企业{}\"}},", i * 7919 % 1000)).collect();
        let first = pack_json(big.as_bytes());
        assert_eq!(unpack_json(&first).unwrap(), big.as_bytes());
        pack_json(b"{}");
        assert_eq!(pack_json(big.as_bytes()), first);
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
