//! Sync errors, each with a stable code; the parameters of the i18n message are its fields.

use taizhang_core::coded::{Coded, Params};
use taizhang_ledger::LedgerError;
use taizhang_tls::TlsError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the district server at {url} cannot be reached ({reason}); the ledger keeps working offline and nothing was changed")]
    Offline { url: String, reason: String },
    #[error("this program speaks sync protocol {client}, the server at {url} only {server}: nothing was changed")]
    ProtocolTooNew { url: String, client: u32, server: u32 },
    #[error("plain HTTP is for a server on this machine only; use https:// (with the office's fingerprint) for {url}")]
    PlainHttpOffLoopback { url: String },
    #[error("not a server address (http:// or https://): {url}")]
    BadUrl { url: String },
    #[error("the device key {path} is missing or unreadable: {reason}")]
    KeyUnreadable { path: String, reason: String },
    #[error("the device key {path} may be read by other users (mode {mode}); make it 0600")]
    KeyTooOpen { path: String, mode: String },
    #[error("the server stopped the push at device sequence {device_seq}: {reason_code}")]
    PushStopped { device_seq: i64, reason_code: String },
    #[error("the server's reply could not be read: {reason}")]
    BadReply { reason: String },
    /// An error the server answered with (`sync.bad_login`, `sync.device_pending`, …).
    #[error("{message}")]
    Server { code: String, message: String, fields: serde_json::Value },
    #[error(transparent)]
    Tls(TlsError),
    #[error(transparent)]
    Bundle(#[from] taizhang_bundle::BundleError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

pub type Result<T, E = SyncError> = std::result::Result<T, E>;

/// The codes of the errors this crate makes itself (a server's code is passed on as it is).
pub const CODES: &[&str] = &[
    "sync.offline",
    "sync.protocol_too_new",
    "sync.plain_http_off_loopback",
    "sync.bad_url",
    "sync.key_unreadable",
    "sync.key_too_open",
    "sync.push_stopped",
    "sync.bad_reply",
];

impl Coded for SyncError {
    fn code(&self) -> &'static str {
        use SyncError::*;
        match self {
            Offline { .. } => "sync.offline",
            ProtocolTooNew { .. } => "sync.protocol_too_new",
            PlainHttpOffLoopback { .. } => "sync.plain_http_off_loopback",
            BadUrl { .. } => "sync.bad_url",
            KeyUnreadable { .. } => "sync.key_unreadable",
            KeyTooOpen { .. } => "sync.key_too_open",
            PushStopped { .. } => "sync.push_stopped",
            BadReply { .. } => "sync.bad_reply",
            // The server's codes are the catalogue's (its tests check each has a message), so a
            // code the catalogue does not know is a reply this program cannot read.
            Server { code, .. } => catalogue_code(code).unwrap_or("sync.bad_reply"),
            Tls(t) => t.code(),
            Bundle(b) => b.code(),
            Ledger(l) => l.code(),
        }
    }

    fn params(&self) -> Params {
        use SyncError::*;
        let v = match self {
            Offline { url, reason } => serde_json::json!({ "url": url, "reason": reason }),
            ProtocolTooNew { url, client, server } => {
                serde_json::json!({ "url": url, "client": client, "server": server })
            }
            PlainHttpOffLoopback { url } | BadUrl { url } => serde_json::json!({ "url": url }),
            KeyUnreadable { path, reason } => serde_json::json!({ "path": path, "reason": reason }),
            KeyTooOpen { path, mode } => serde_json::json!({ "path": path, "mode": mode }),
            PushStopped { device_seq, reason_code } => {
                serde_json::json!({ "device_seq": device_seq, "reason_code": reason_code })
            }
            BadReply { reason } => serde_json::json!({ "reason": reason }),
            Server { code, fields, .. } => {
                let mut fields = fields.clone();
                if catalogue_code(code).is_none() {
                    fields = serde_json::json!({ "reason": format!("unknown error code {code}") });
                }
                fields
            }
            Tls(t) => return t.params(),
            Bundle(b) => return b.params(),
            Ledger(l) => return l.params(),
        };
        match v {
            serde_json::Value::Object(m) => m,
            _ => Params::new(),
        }
    }
}

/// `code` as the error catalogue spells it, if the catalogue has a message for it.
fn catalogue_code(code: &str) -> Option<&'static str> {
    taizhang_core::coded::catalogued_code(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_message_in_both_languages() {
        let ledger =
            ["sync.not_a_replica", "sync.replica_not_fresh", "sync.pulled_event_invalid", "sync.server_key_changed"];
        let codes = CODES.iter().chain(&ledger).copied();
        assert_eq!(taizhang_core::coded::uncatalogued(codes), Vec::<String>::new());
    }

    #[test]
    fn a_server_error_keeps_its_code_and_fields() {
        let e = SyncError::Server {
            code: "sync.device_pending".into(),
            message: "waiting".into(),
            fields: serde_json::json!({ "device": "d1" }),
        };
        assert_eq!(e.code(), "sync.device_pending");
        assert_eq!(e.to_json()["device"], "d1");
        assert_eq!(e.to_json()["code"], "sync.device_pending");
        let unknown =
            SyncError::Server { code: "sync.no_such_code".into(), message: "?".into(), fields: serde_json::json!({}) };
        assert_eq!(unknown.code(), "sync.bad_reply");
    }
}
