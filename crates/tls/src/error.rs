//! TLS errors, each with a stable code (messages in i18n/*.json, the error's fields as their
//! parameters). `tls.*` are the server's (its certificate and key); `sync.tls_*` are what a
//! client meets when it connects.

use taizhang_core::coded::Coded;

use crate::fingerprint::Fingerprint;

/// Serialized only for its params (`Coded`): the fields, a fingerprint as its `AB:CD:…` text.
#[derive(Debug, Clone, thiserror::Error, serde::Serialize)]
pub enum TlsError {
    #[error("not a SHA-256 fingerprint (64 hex digits, e.g. AB:CD:…): {input}")]
    BadFingerprint { input: String },
    #[error("cannot read the certificate {path}: {reason}")]
    CertificateUnreadable { path: String, reason: String },
    #[error("cannot read the private key {path}: {reason}")]
    KeyUnreadable { path: String, reason: String },
    #[error("the private key {path} may be read by other users (mode {mode}); make it 0600")]
    KeyTooOpen { path: String, mode: String },
    #[error("{dir} holds a certificate but not its key; restore key.pem, or remove cert.pem to make a new certificate (and hand out its fingerprint again)")]
    SelfSignedIncomplete { dir: String },
    #[error("not a DNS name or IP address for the certificate: {name}")]
    BadName { name: String },
    #[error("cannot write {path}: {reason}")]
    WriteFailed { path: String, reason: String },
    #[error("the certificate and key cannot be used together: {reason}")]
    BadIdentity { reason: String },
    #[error("the server's certificate is not the one pinned: expected {expected}, the server presented {presented}")]
    FingerprintMismatch { expected: Fingerprint, presented: Fingerprint },
    #[error("the server's certificate is not trusted: {reason}")]
    Untrusted { reason: String },
    #[error("the secure connection (TLS) to the server failed: {reason}")]
    HandshakeFailed { reason: String },
    #[error("a pinned certificate needs an https:// address: {url}")]
    PinNeedsHttps { url: String },
}

impl TlsError {
    pub fn code(&self) -> &'static str {
        use TlsError::*;
        match self {
            BadFingerprint { .. } => "tls.bad_fingerprint",
            CertificateUnreadable { .. } => "tls.certificate_unreadable",
            KeyUnreadable { .. } => "tls.key_unreadable",
            KeyTooOpen { .. } => "tls.key_too_open",
            SelfSignedIncomplete { .. } => "tls.self_signed_incomplete",
            BadName { .. } => "tls.bad_name",
            WriteFailed { .. } => "tls.write_failed",
            BadIdentity { .. } => "tls.bad_identity",
            FingerprintMismatch { .. } => "sync.tls_fingerprint_mismatch",
            Untrusted { .. } => "sync.tls_untrusted",
            HandshakeFailed { .. } => "sync.tls_handshake_failed",
            PinNeedsHttps { .. } => "sync.tls_pin_needs_https",
        }
    }

    /// One of each, for checking that every code has its messages.
    pub fn examples() -> Vec<TlsError> {
        use TlsError::*;
        let f = Fingerprint::of_der(b"");
        let s = || "x".to_string();
        vec![
            BadFingerprint { input: s() },
            CertificateUnreadable { path: s(), reason: s() },
            KeyUnreadable { path: s(), reason: s() },
            KeyTooOpen { path: s(), mode: s() },
            SelfSignedIncomplete { dir: s() },
            BadName { name: s() },
            WriteFailed { path: s(), reason: s() },
            BadIdentity { reason: s() },
            FingerprintMismatch { expected: f, presented: f },
            Untrusted { reason: s() },
            HandshakeFailed { reason: s() },
            PinNeedsHttps { url: s() },
        ]
    }
}

impl Coded for TlsError {
    fn code(&self) -> &'static str {
        TlsError::code(self)
    }
    fn params(&self) -> taizhang_core::coded::Params {
        taizhang_core::coded::serde_params(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_message_in_both_languages_with_its_parameters() {
        let en: serde_json::Value = serde_json::from_str(include_str!("../../../i18n/en.json")).unwrap();
        let zh: serde_json::Value = serde_json::from_str(include_str!("../../../i18n/zh-CN.json")).unwrap();
        for e in TlsError::examples() {
            let params = e.params();
            assert!(!params.is_empty(), "{} has no params", e.code());
            for (lang, m) in [("en", &en), ("zh-CN", &zh)] {
                let text =
                    m["errors"][e.code()].as_str().unwrap_or_else(|| panic!("{} has no {lang} message", e.code()));
                for k in params.keys() {
                    assert!(text.contains(&format!("{{{k}}}")), "{lang} {} does not show {k}", e.code());
                }
            }
        }
    }
}
