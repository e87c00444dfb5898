//! Errors as the UI receives them: `{code, message, params}`. `code` is the stable key the UI
//! translates (i18n/*.json); `params` fill the message's placeholders; `message` is English,
//! for logs.

use serde::Serialize;
use taizhang_ledger::LedgerError;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    #[ts(type = "Record<string, unknown>")]
    pub params: serde_json::Value,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError { code: code.into(), message: message.into(), params: serde_json::json!({}) }
    }

    pub fn not_signed_in() -> Self {
        ApiError::new("auth.not_signed_in", "sign in first")
    }

    pub fn no_ledger() -> Self {
        ApiError::new("ledger.not_open", "open a ledger first")
    }
}

impl From<LedgerError> for ApiError {
    fn from(e: LedgerError) -> Self {
        let mut params = e.to_json();
        if let Some(m) = params.as_object_mut() {
            m.remove("code");
            m.remove("message");
        }
        ApiError { code: e.code().into(), message: e.to_string(), params }
    }
}

impl From<taizhang_exchange::import::ImportError> for ApiError {
    fn from(e: taizhang_exchange::import::ImportError) -> Self {
        if let taizhang_exchange::import::ImportError::Ledger(l) = e {
            return l.into();
        }
        ApiError { code: e.code().into(), message: e.to_string(), params: e.params() }
    }
}

impl From<taizhang_exchange::export::ExportError> for ApiError {
    fn from(e: taizhang_exchange::export::ExportError) -> Self {
        let mut params = e.to_json();
        if let Some(m) = params.as_object_mut() {
            m.remove("code");
            m.remove("message");
        }
        ApiError { code: e.code().into(), message: e.to_string(), params }
    }
}

impl From<taizhang_core::DomainError> for ApiError {
    fn from(e: taizhang_core::DomainError) -> Self {
        LedgerError::from(e).into()
    }
}

/// Serializes an error enum's fields (`{"Variant": {...}}` or a flat object) as params.
pub fn with_params<E: Serialize + std::fmt::Display>(code: &str, e: &E) -> ApiError {
    let v = serde_json::to_value(e).unwrap_or_default();
    let params = match v {
        serde_json::Value::Object(m) if m.len() == 1 && m.values().all(|x| x.is_object()) => {
            m.into_iter().next().map(|(_, x)| x).unwrap_or_default()
        }
        other => other,
    };
    ApiError { code: code.into(), message: e.to_string(), params }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_errors_keep_code_and_fields() {
        let e: ApiError = taizhang_core::DomainError::ReturnWindowClosed { deadline: "2026-03-03".into() }.into();
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["code"], "return.window_closed");
        assert_eq!(v["params"]["deadline"], "2026-03-03");
        assert!(v["message"].as_str().unwrap().contains("2026-03-03"));
    }
}
