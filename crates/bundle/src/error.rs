//! Bundle errors, each with a stable code; the parameters of the i18n message are its fields.

use serde::Serialize;
use taizhang_core::coded::{serde_params, Coded, Params};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum BundleError {
    #[error("{path} cannot be read or written: {reason}")]
    Io { path: String, reason: String },
    #[error("{path} is not a Taizhang bundle ({reason})")]
    NotABundle { path: String, reason: String },
    #[error("{path} is a bundle of a newer format ({found}); update this program to read it")]
    FormatNewer { path: String, found: String },
    #[error("{path} speaks sync protocol {found}, this program only {supported}; update it to read the bundle")]
    ProtocolNewer { path: String, found: u32, supported: u32 },
    #[error("{path} is damaged: {reason}")]
    Malformed { path: String, reason: String },
    #[error("{path} is not signed by whom it says, or was changed after signing: nothing was imported")]
    BadSignature { path: String },
    #[error(
        "{path} travels {found}, not {expected}: a desk imports the server's replies, the server the desks' bundles"
    )]
    WrongDirection { path: String, expected: String, found: String },
    #[error("{path} is for device {found}, not this one ({expected})")]
    WrongDevice { path: String, expected: String, found: String },
    #[error(
        "{path} is signed by the server, whose key this desk has not learned yet: sync online once, or join again"
    )]
    ServerKeyUnknown { path: String },
}

pub type Result<T, E = BundleError> = std::result::Result<T, E>;

/// Every code this crate makes (each has a message in both catalogues: tested below).
pub const CODES: &[&str] = &[
    "bundle.io",
    "bundle.not_a_bundle",
    "bundle.format_newer",
    "bundle.protocol_newer",
    "bundle.malformed",
    "bundle.bad_signature",
    "bundle.wrong_direction",
    "bundle.wrong_device",
    "bundle.server_key_unknown",
];

impl Coded for BundleError {
    fn code(&self) -> &'static str {
        use BundleError::*;
        match self {
            Io { .. } => "bundle.io",
            NotABundle { .. } => "bundle.not_a_bundle",
            FormatNewer { .. } => "bundle.format_newer",
            ProtocolNewer { .. } => "bundle.protocol_newer",
            Malformed { .. } => "bundle.malformed",
            BadSignature { .. } => "bundle.bad_signature",
            WrongDirection { .. } => "bundle.wrong_direction",
            WrongDevice { .. } => "bundle.wrong_device",
            ServerKeyUnknown { .. } => "bundle.server_key_unknown",
        }
    }

    fn params(&self) -> Params {
        serde_params(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_message_in_both_languages() {
        assert_eq!(taizhang_core::coded::uncatalogued(CODES.iter().copied()), Vec::<String>::new());
    }

    #[test]
    fn params_are_the_fields() {
        let e = BundleError::WrongDevice { path: "a.tzb".into(), expected: "d1".into(), found: "d2".into() };
        assert_eq!(e.params()["found"], "d2");
        assert_eq!(e.code(), "bundle.wrong_device");
    }
}
