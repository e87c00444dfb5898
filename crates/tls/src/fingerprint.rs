//! The SHA-256 fingerprint of a certificate (of its DER bytes): what the office reads out or
//! hands over on paper and what a client pins.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::error::TlsError;

/// SHA-256 over a certificate's DER encoding.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a DER-encoded certificate.
    pub fn of_der(der: &[u8]) -> Fingerprint {
        Fingerprint(Sha256::digest(der).into())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The fingerprint in lines of eight bytes, for reading aloud or printing on paper:
    /// four lines of `AB:CD:EF:01:23:45:67:89`.
    pub fn to_lines(&self) -> Vec<String> {
        self.0.chunks(8).map(colon_hex).collect()
    }
}

fn colon_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

/// Upper-case hex, a colon between bytes (`AB:CD:…`, 95 characters): the form OpenSSL and
/// browsers show, so an office can compare it with theirs.
impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&colon_hex(&self.0))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// Reads what people type: 64 hex digits in either case, separated or not by colons, spaces or
/// dashes, optionally after `sha256:` or OpenSSL's `SHA256 Fingerprint=`.
impl FromStr for Fingerprint {
    type Err = TlsError;

    fn from_str(s: &str) -> Result<Fingerprint, TlsError> {
        let bad = || TlsError::BadFingerprint { input: s.chars().take(200).collect() };
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        let t = ["sha256 fingerprint=", "sha256:", "sha-256:"]
            .iter()
            .find_map(|p| lower.starts_with(p).then(|| &t[p.len()..]))
            .unwrap_or(t);
        let digits: String = t.chars().filter(|c| !matches!(c, ':' | ' ' | '-' | '\t' | '\n' | '\r')).collect();
        if digits.len() != 64 {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(&digits, &mut out).map_err(|_| bad())?;
        Ok(Fingerprint(out))
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_and_reads_back_in_every_form_people_type() {
        let f = Fingerprint::of_der(b"a certificate");
        let shown = f.to_string();
        assert_eq!(shown.len(), 95);
        assert_eq!(shown.split(':').count(), 32);
        assert_eq!(shown, shown.to_uppercase());
        assert_eq!(shown.parse::<Fingerprint>().unwrap(), f);
        let plain = hex::encode(f.as_bytes());
        assert_eq!(plain.parse::<Fingerprint>().unwrap(), f);
        assert_eq!(format!("sha256:{}", plain.to_uppercase()).parse::<Fingerprint>().unwrap(), f);
        assert_eq!(format!("SHA256 Fingerprint={shown}").parse::<Fingerprint>().unwrap(), f);
        assert_eq!(f.to_lines().join("\n").parse::<Fingerprint>().unwrap(), f);
        assert_eq!(f.to_lines().join(" ").replace(':', "-").parse::<Fingerprint>().unwrap(), f);
        assert_eq!(f.to_lines().len(), 4);
    }

    #[test]
    fn refuses_what_is_not_a_whole_sha256() {
        let f = Fingerprint::of_der(b"x").to_string();
        for bad in ["", "AB:CD", &f[..f.len() - 3], &format!("{f}:00"), &format!("G{}", &f[1..]), "sha1:AB"] {
            let e = bad.parse::<Fingerprint>().unwrap_err();
            assert_eq!(e.code(), "tls.bad_fingerprint", "{bad}");
        }
    }

    #[test]
    fn serde_is_the_printed_form() {
        let f = Fingerprint::of_der(b"y");
        let j = serde_json::to_string(&f).unwrap();
        assert_eq!(j, format!("\"{f}\""));
        assert_eq!(serde_json::from_str::<Fingerprint>(&j).unwrap(), f);
        assert!(serde_json::from_str::<Fingerprint>("\"nope\"").is_err());
    }
}
