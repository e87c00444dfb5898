//! The hash chain over events (docs/design.md §5). The encoding is length-prefixed so no field can
//! bleed into its neighbour, and the payload is hashed as the exact stored text, so any byte
//! changed in the file changes the hash.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// `prev_hash` of the first event of every device chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an event that the hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainFields<'a> {
    pub id: &'a str,
    pub device_id: &'a str,
    pub device_seq: i64,
    pub prev_hash: &'a str,
    pub actor: &'a str,
    pub occurred_at: &'a str,
    pub kind: &'a str,
    pub schema_version: i64,
    pub payload: &'a str,
}

/// The stored form of a timestamp: RFC 3339, UTC, microseconds, `Z`.
pub fn format_instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Reads an instant as `format_instant` writes it, for every instant it can write: RFC 3339
/// for years 0 to 9999, and chrono's signed form (`-0001-…`, `+10000-…`) outside them, which
/// RFC 3339 cannot express. Events made before the clock was checked (`core::dates`) may
/// carry such a time, and folding them must not fail.
pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().or_else(|| s.parse::<DateTime<chrono::FixedOffset>>().ok()).map(|t| t.to_utc())
}

pub fn canonical_encoding(f: &ChainFields<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + f.payload.len());
    out.extend_from_slice(b"taizhang/event/v1\n");
    let seq = f.device_seq.to_string();
    let sv = f.schema_version.to_string();
    for field in [f.id, f.device_id, &seq, f.prev_hash, f.actor, f.occurred_at, f.kind, &sv, f.payload] {
        out.extend_from_slice(field.len().to_string().as_bytes());
        out.push(b':');
        out.extend_from_slice(field.as_bytes());
        out.push(b'\n');
    }
    out
}

pub fn event_hash(f: &ChainFields<'_>) -> String {
    hex::encode(Sha256::digest(canonical_encoding(f)))
}

/// JSON with object keys sorted and no insignificant whitespace. Written by hand so the result
/// does not depend on serde_json's `preserve_order` feature being switched on by some crate.
pub fn canonical_json(v: &Value) -> String {
    let mut out = Vec::with_capacity(256);
    write_canonical(v, &mut out);
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Keys and scalars are written by serde_json itself, straight into `out` (the same bytes as
/// their `to_string`, without a String for each: this ran for every event appended, and the
/// allocations were most of its cost in a profile of the import, bench/notes.md stop 31).
fn write_canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                // The key as a JSON string: the same escaping as a string value.
                serde_json::to_writer(&mut *out, k.as_str()).expect("a string serializes");
                out.push(b':');
                write_canonical(v, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        other => serde_json::to_writer(&mut *out, other).expect("a JSON value serializes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(payload: &str) -> ChainFields<'_> {
        ChainFields {
            id: "0190-a",
            device_id: "dev",
            device_seq: 1,
            prev_hash: GENESIS_HASH,
            actor: "u1",
            occurred_at: "2026-03-01T02:00:00.000000Z",
            kind: "signed",
            schema_version: 1,
            payload,
        }
    }

    /// The text `canonical_json` wrote before it wrote into one buffer (keys and scalars
    /// through `to_string`): every hash in every ledger depends on these bytes staying the same.
    fn canonical_by_strings(v: &Value) -> String {
        match v {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                let parts: Vec<String> = keys
                    .into_iter()
                    .map(|k| format!("{}:{}", serde_json::to_string(k).unwrap(), canonical_by_strings(&map[k])))
                    .collect();
                format!("{{{}}}", parts.join(","))
            }
            Value::Array(items) => {
                format!("[{}]", items.iter().map(canonical_by_strings).collect::<Vec<_>>().join(","))
            }
            other => other.to_string(),
        }
    }

    #[test]
    fn canonical_json_writes_the_same_bytes_as_before() {
        let v = serde_json::json!({
            "z\u{1}\"\\/\n\t": ["中文", "\u{7f}\u{2028}😀", 1.5, -0.0, 1e300, 12345678901234567890u64, -7, true, null],
            "": {"b": {"d": [], "c": {}}, "a": "\r"},
            "Z": 0.1,
            "a": [{"y": 2, "x": "中"}],
        });
        assert_eq!(canonical_json(&v), canonical_by_strings(&v));
        assert!(canonical_json(&v).starts_with(r#"{"":{"a":"\r","b":{"c":{},"d":[]}},"Z":0.1,"a":"#));
    }

    #[test]
    fn canonical_json_sorts_keys_recursively() {
        let v: Value = serde_json::from_str(r#"{"b":1,"a":{"z":[1,{"y":2,"x":"中"}],"c":null}}"#).unwrap();
        assert_eq!(canonical_json(&v), r#"{"a":{"c":null,"z":[1,{"x":"中","y":2}]},"b":1}"#);
    }

    #[test]
    fn any_field_change_changes_the_hash() {
        let base = event_hash(&fields("{}"));
        assert_eq!(base.len(), 64);
        assert_ne!(base, event_hash(&fields("{ }")));
        let mut f = fields("{}");
        f.device_seq = 2;
        assert_ne!(base, event_hash(&f));
        let mut f = fields("{}");
        f.actor = "u2";
        assert_ne!(base, event_hash(&f));
    }

    #[test]
    fn length_prefix_prevents_field_shifting() {
        let mut a = fields("{}");
        a.actor = "ab";
        a.kind = "c";
        let mut b = fields("{}");
        b.actor = "a";
        b.kind = "bc";
        assert_ne!(event_hash(&a), event_hash(&b));
    }
}
