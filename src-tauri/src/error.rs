//! Errors as the UI receives them: `{code, message, params}`. `code` is the stable key the UI
//! translates (i18n/*.json); `params` fill the message's placeholders; `message` is English,
//! for logs. Every error of the libraries becomes one through the `Coded` contract.

use serde::Serialize;
use taizhang_core::coded::Coded;

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

impl<E: Coded> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError { code: e.code().into(), message: e.to_string(), params: serde_json::Value::Object(e.params()) }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;
    use taizhang_ledger::LedgerError;

    #[test]
    fn domain_errors_keep_code_and_fields() {
        let e: ApiError = taizhang_core::DomainError::ReturnWindowClosed { deadline: "2026-03-03".into() }.into();
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["code"], "return.window_closed");
        assert_eq!(v["params"], serde_json::json!({ "deadline": "2026-03-03" }));
        assert!(v["message"].as_str().unwrap().contains("2026-03-03"));
    }

    #[test]
    fn wrapped_errors_keep_the_inner_code_and_params() {
        let inner = LedgerError::NoSuchFile { path: "/x/l.db".into() };
        let e: ApiError = taizhang_exchange::import::ImportError::Ledger(inner).into();
        assert_eq!(e.code, "ledger.no_such_file");
        assert_eq!(e.params, serde_json::json!({ "path": "/x/l.db" }));
        let e: ApiError = taizhang_core::period::PeriodError::BadFormat { input: "2026-13".into() }.into();
        assert_eq!(e.code, "period.bad_format");
        assert_eq!(e.params, serde_json::json!({ "input": "2026-13" }));
    }
}
