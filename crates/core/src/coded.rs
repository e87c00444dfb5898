//! The one error contract: every error type of the workspace says what went wrong as a stable
//! `code` (the key of its message in `i18n/*.json`) and the `params` that fill that message's
//! `{placeholders}`. The CLI's messages, its `--json` errors, the desktop's
//! `{code, message, params}` and the district server's bodies are all made from this trait, so
//! an error reads the same everywhere. The English `Display` text is the `message`, for logs.

use serde::Serialize;
use serde_json::{Map, Value};

/// A message's parameters by placeholder name.
pub type Params = Map<String, Value>;

pub trait Coded: std::fmt::Display {
    /// The stable code: the contract with the UI, scripts and the i18n catalogue.
    fn code(&self) -> &'static str;

    /// The values of the message's placeholders (the error's fields).
    fn params(&self) -> Params;

    /// `{code, message, ...params}`: the form scripts (`--json`) and the server's replies carry.
    fn to_json(&self) -> Value {
        let mut m = self.params();
        m.insert("code".into(), self.code().into());
        m.insert("message".into(), self.to_string().into());
        Value::Object(m)
    }
}

/// The params of an error whose serde form is its fields: an externally tagged variant
/// (`{"Variant": {...}}`), an object tagged by its `code` (the tag is not a parameter), or a
/// plain object. A variant without fields serializes as a string and has none.
pub fn serde_params<T: Serialize + ?Sized>(error: &T) -> Params {
    match serde_json::to_value(error) {
        Ok(Value::Object(m)) if m.len() == 1 && m.values().all(Value::is_object) => match m.into_iter().next() {
            Some((_, Value::Object(fields))) => fields,
            _ => Params::new(),
        },
        Ok(Value::Object(mut m)) => {
            m.remove("code");
            m
        }
        _ => Params::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    enum External {
        Fields { path: String, rows: u32 },
        Bare,
    }

    #[derive(Serialize)]
    #[serde(tag = "code")]
    enum Tagged {
        #[serde(rename = "x.y")]
        Fields { field: String },
    }

    #[test]
    fn params_are_the_fields_whatever_the_tagging() {
        let p = serde_params(&External::Fields { path: "a.xlsx".into(), rows: 3 });
        assert_eq!(Value::Object(p), serde_json::json!({ "path": "a.xlsx", "rows": 3 }));
        assert!(serde_params(&External::Bare).is_empty());
        let p = serde_params(&Tagged::Fields { field: "name".into() });
        assert_eq!(Value::Object(p), serde_json::json!({ "field": "name" }));
    }
}
