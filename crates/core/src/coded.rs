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

/// Both catalogues' `errors` sections, read once.
static ERRORS: std::sync::LazyLock<[(&str, Map<String, Value>); 2]> = std::sync::LazyLock::new(|| {
    let errors = |text: &str| match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(mut m)) => match m.remove("errors") {
            Some(Value::Object(e)) => e,
            _ => Map::new(),
        },
        _ => Map::new(),
    };
    [("zh-CN", errors(include_str!("../../../i18n/zh-CN.json"))), ("en", errors(include_str!("../../../i18n/en.json")))]
});

/// The catalogue's message for `code` in `lang` (`zh-CN` or `en`), if it has one.
pub fn catalogue_message(lang: &str, code: &str) -> Option<&'static str> {
    ERRORS.iter().find(|(l, _)| *l == lang)?.1.get(code)?.as_str()
}

/// `code` as the catalogue spells it (a `'static` key), if the English catalogue has it: how a
/// code that came over the wire is told apart from one this program cannot word.
pub fn catalogued_code(code: &str) -> Option<&'static str> {
    ERRORS.iter().find(|(l, _)| *l == "en")?.1.get_key_value(code).map(|(k, _)| k.as_str())
}

/// The codes among `codes` that lack a message in a language, as `lang code`: what each crate's
/// test of its own codes expects to be empty.
pub fn uncatalogued<'a>(codes: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut missing = Vec::new();
    for code in codes {
        for (lang, _) in ERRORS.iter() {
            if catalogue_message(lang, code).is_none() {
                missing.push(format!("{lang} {code}"));
            }
        }
    }
    missing
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

    #[test]
    fn the_catalogue_names_what_it_cannot_word() {
        assert_eq!(uncatalogued(["sync.offline", "no.such_code"]), vec!["zh-CN no.such_code", "en no.such_code"]);
        assert_eq!(catalogued_code("sync.offline"), Some("sync.offline"));
        assert_eq!(catalogued_code("no.such_code"), None);
        assert!(catalogue_message("zh-CN", "sync.offline").is_some_and(|m| m.contains("{url}")));
    }
}
