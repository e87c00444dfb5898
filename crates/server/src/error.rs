//! Server errors. Each has a stable code (messages in i18n/*.json) and an HTTP status; the body
//! is `{code, message, ...fields}` like the ledger's errors.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use taizhang_core::coded::{serde_params, Coded, Params};
use taizhang_core::DomainError;

/// Serialized only for its params (`Coded`); TLS and domain errors keep their own.
#[derive(Debug, thiserror::Error, serde::Serialize)]
pub enum ServerError {
    #[error("malformed request: {reason}")]
    Malformed { reason: String },
    #[error("batch of {count} events is over the limit of {max}")]
    BatchTooLarge { count: usize, max: usize },
    #[error("request body over {max} bytes")]
    BodyTooLarge { max: usize },
    #[error("client speaks protocol {client}, this server {server}")]
    ProtocolNewer { client: u32, server: u32 },
    #[error("wrong login or password")]
    BadLogin,
    #[error("unknown device {device}")]
    UnknownDevice { device: String },
    #[error("device {device} is waiting for the office's approval")]
    DevicePending { device: String },
    #[error("device {device} is revoked")]
    DeviceRevoked { device: String },
    #[error("device {device} is already joined with another key or user")]
    DeviceConflict { device: String },
    #[error("bad request signature")]
    BadSignature,
    #[error("unsupported signature algorithm {alg}")]
    UnsupportedAlgorithm { alg: String },
    #[error("the server chain is broken at server_seq {server_seq}: {reason}")]
    ChainBroken { server_seq: i64, reason: String },
    #[error("the database is not a Taizhang district (schema missing or newer: {reason})")]
    NotADistrict { reason: String },
    #[error("already initialized")]
    AlreadyInitialized,
    #[error("plain HTTP is served on loopback addresses only; to listen on {listen} give a certificate (--tls-cert and --tls-key) or --tls-self-signed DIR")]
    PlainHttpOffLoopback { listen: String },
    #[error("no attachment {sha256} this device may read")]
    AttachmentNotFound { sha256: String },
    #[error("the file uploaded is not the one named {sha256}")]
    AttachmentMismatch { sha256: String },
    #[serde(skip)]
    #[error(transparent)]
    Tls(#[from] taizhang_tls::TlsError),
    #[serde(skip)]
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[serde(skip)]
    #[error(transparent)]
    Bundle(#[from] taizhang_bundle::BundleError),
    #[serde(skip)]
    #[error("database error: {}", db_message(.0))]
    Database(#[from] postgres::Error),
    #[serde(skip)]
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, ServerError>;

impl ServerError {
    pub fn malformed(reason: impl Into<String>) -> Self {
        ServerError::Malformed { reason: reason.into() }
    }

    pub fn code(&self) -> &'static str {
        use ServerError::*;
        match self {
            Malformed { .. } => "sync.malformed",
            BatchTooLarge { .. } => "sync.batch_too_large",
            BodyTooLarge { .. } => "sync.body_too_large",
            ProtocolNewer { .. } => "sync.protocol_newer",
            BadLogin => "sync.bad_login",
            UnknownDevice { .. } => "sync.device_unknown",
            DevicePending { .. } => "sync.device_pending",
            DeviceRevoked { .. } => "sync.device_revoked",
            DeviceConflict { .. } => "sync.device_conflict",
            BadSignature => "sync.bad_signature",
            UnsupportedAlgorithm { .. } => "sync.unsupported_algorithm",
            ChainBroken { .. } => "server.chain_broken",
            NotADistrict { .. } => "server.not_a_district",
            AlreadyInitialized => "server.already_initialized",
            PlainHttpOffLoopback { .. } => "server.plain_http_off_loopback",
            AttachmentNotFound { .. } => "attachment.not_on_server",
            AttachmentMismatch { .. } => "attachment.mismatch",
            Tls(t) => t.code(),
            Domain(d) => d.code(),
            Bundle(b) => b.code(),
            Database(_) => "server.database",
            Internal(_) => "server.internal",
        }
    }

    fn status(&self) -> StatusCode {
        use ServerError::*;
        match self {
            Malformed { .. } | UnsupportedAlgorithm { .. } => StatusCode::BAD_REQUEST,
            BatchTooLarge { .. } | BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ProtocolNewer { .. } => StatusCode::UPGRADE_REQUIRED,
            BadLogin | BadSignature | UnknownDevice { .. } => StatusCode::UNAUTHORIZED,
            DevicePending { .. } | DeviceRevoked { .. } => StatusCode::FORBIDDEN,
            DeviceConflict { .. } | AlreadyInitialized => StatusCode::CONFLICT,
            PlainHttpOffLoopback { .. } => StatusCode::BAD_REQUEST,
            AttachmentNotFound { .. } => StatusCode::NOT_FOUND,
            AttachmentMismatch { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Tls(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Domain(_) | Bundle(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ChainBroken { .. } | NotADistrict { .. } | Database(_) | Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl Coded for ServerError {
    fn code(&self) -> &'static str {
        ServerError::code(self)
    }
    fn params(&self) -> Params {
        match self {
            ServerError::Tls(t) => t.params(),
            ServerError::Domain(d) => d.params(),
            ServerError::Bundle(b) => b.params(),
            ServerError::Database(_) | ServerError::Internal(_) => Params::new(),
            other => serde_params(other),
        }
    }
}

/// The server's own words for a database error ("db error" alone says nothing).
pub fn db_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{}: {}", d.code().code(), d.message()),
        None => e.to_string(),
    }
}

/// A domain error as an event's recorded reason: its code and fields.
pub fn reason_json(e: &DomainError) -> serde_json::Value {
    let mut v = serde_json::to_value(e).unwrap_or_default();
    if let Some(m) = v.as_object_mut() {
        m.insert("code".into(), e.code().into());
    } else {
        v = serde_json::json!({ "code": e.code() });
    }
    v
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        if matches!(self, ServerError::Database(_) | ServerError::Internal(_)) {
            eprintln!("taizhang-server: {self}");
        }
        (self.status(), axum::Json(self.to_json())).into_response()
    }
}

/// Codes the server puts in replies that are not `ServerError`s: where a push stopped, and why
/// an event was refused before the core was asked.
pub const REPLY_CODES: &[&str] = &[
    "sync.wrong_device",
    "sync.id_conflict",
    "sync.chain_fork",
    "sync.chain_gap",
    "sync.prev_hash_mismatch",
    "sync.hash_mismatch",
    "sync.bad_event_signature",
    "sync.actor_not_device_user",
    "sync.device_revoked",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_message_in_both_languages() {
        let en: serde_json::Value = serde_json::from_str(include_str!("../../../i18n/en.json")).unwrap();
        let zh: serde_json::Value = serde_json::from_str(include_str!("../../../i18n/zh-CN.json")).unwrap();
        let errors = [
            ServerError::malformed("x"),
            ServerError::BatchTooLarge { count: 1, max: 1 },
            ServerError::BodyTooLarge { max: 1 },
            ServerError::ProtocolNewer { client: 2, server: 1 },
            ServerError::BadLogin,
            ServerError::UnknownDevice { device: "d".into() },
            ServerError::DevicePending { device: "d".into() },
            ServerError::DeviceRevoked { device: "d".into() },
            ServerError::DeviceConflict { device: "d".into() },
            ServerError::BadSignature,
            ServerError::UnsupportedAlgorithm { alg: "a".into() },
            ServerError::ChainBroken { server_seq: 1, reason: "r".into() },
            ServerError::NotADistrict { reason: "r".into() },
            ServerError::AlreadyInitialized,
            ServerError::PlainHttpOffLoopback { listen: "0.0.0.0:1".into() },
            ServerError::Internal("x".into()),
        ];
        // Each error's params are the placeholders of its message (serde names them).
        for e in &errors {
            for (lang, m) in [("en", &en), ("zh-CN", &zh)] {
                let text = m["errors"][e.code()].as_str().unwrap_or_default();
                for k in e.params().keys() {
                    assert!(text.contains(&format!("{{{k}}}")), "{lang} {} does not show {k}", e.code());
                }
            }
        }
        assert_eq!(ServerError::ChainBroken { server_seq: 7, reason: "r".into() }.params()["server_seq"], 7);
        let tls = taizhang_tls::TlsError::examples().into_iter().map(ServerError::Tls).collect::<Vec<_>>();
        let codes =
            errors.iter().chain(&tls).map(|e| e.code()).chain(REPLY_CODES.iter().copied()).chain(["server.database"]);
        for code in codes {
            for (lang, m) in [("en", &en), ("zh-CN", &zh)] {
                assert!(m["errors"][code].is_string(), "{code} has no {lang} message");
            }
        }
    }
}
