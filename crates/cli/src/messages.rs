//! Errors as users read them: a stable code plus the Chinese message from `i18n/zh-CN.json`
//! with the error's fields filled in (English with `TAIZHANG_LANG=en`).

use std::sync::LazyLock;

use serde_json::Value;
use taizhang_core::calendar::CalendarError;
use taizhang_core::period::PeriodError;
use taizhang_ledger::LedgerError;

static ZH: LazyLock<Value> = LazyLock::new(|| serde_json::from_str(include_str!("../../../i18n/zh-CN.json")).expect("zh-CN.json"));
static EN: LazyLock<Value> = LazyLock::new(|| serde_json::from_str(include_str!("../../../i18n/en.json")).expect("en.json"));

/// A text of the shared catalogue (`section.key`) in the user's language.
pub fn catalog_text(section: &str, key: &str) -> Option<String> {
    let catalog = if std::env::var("TAIZHANG_LANG").is_ok_and(|l| l.starts_with("en")) { &*EN } else { &*ZH };
    catalog[section][key].as_str().map(String::from)
}

/// Everything the CLI can fail with.
#[derive(Debug)]
pub enum CliError {
    Ledger(LedgerError),
    Import(taizhang_exchange::import::ImportError),
    Export(taizhang_exchange::export::ExportError),
    Period(PeriodError),
    Calendar(CalendarError),
    BadDate(String),
    Usage(String),
    /// A password could not be had (`secrets`): the code says why.
    Secret(&'static str),
}

impl From<LedgerError> for CliError {
    fn from(e: LedgerError) -> Self {
        CliError::Ledger(e)
    }
}
impl From<taizhang_core::DomainError> for CliError {
    fn from(e: taizhang_core::DomainError) -> Self {
        CliError::Ledger(e.into())
    }
}
impl From<taizhang_exchange::import::ImportError> for CliError {
    fn from(e: taizhang_exchange::import::ImportError) -> Self {
        match e {
            taizhang_exchange::import::ImportError::Ledger(l) => CliError::Ledger(l),
            e => CliError::Import(e),
        }
    }
}
impl From<taizhang_exchange::export::ExportError> for CliError {
    fn from(e: taizhang_exchange::export::ExportError) -> Self {
        match e {
            taizhang_exchange::export::ExportError::Ledger(l) => CliError::Ledger(l),
            e => CliError::Export(e),
        }
    }
}
impl From<PeriodError> for CliError {
    fn from(e: PeriodError) -> Self {
        CliError::Period(e)
    }
}
impl From<CalendarError> for CliError {
    fn from(e: CalendarError) -> Self {
        CliError::Calendar(e)
    }
}
impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Ledger(e.into())
    }
}

/// Fields of an externally tagged enum value (`{"Variant": {...}}`), or the object itself.
fn fields(v: Value) -> serde_json::Map<String, Value> {
    match v {
        Value::Object(m) if m.len() == 1 && m.values().all(Value::is_object) => {
            m.into_iter().next().and_then(|(_, v)| v.as_object().cloned()).unwrap_or_default()
        }
        Value::Object(m) => m,
        _ => Default::default(),
    }
}

impl CliError {
    pub fn code(&self) -> &'static str {
        match self {
            CliError::Ledger(e) => e.code(),
            CliError::Import(e) => e.code(),
            CliError::Export(e) => e.code(),
            CliError::Period(e) => e.code(),
            CliError::Calendar(e) => e.code(),
            CliError::BadDate(_) => "input.bad_date",
            CliError::Usage(_) => "input.invalid",
            CliError::Secret(code) => code,
        }
    }

    /// `{code, message, ...fields}` where `message` is the English text for logs.
    pub fn to_json(&self) -> Value {
        let (mut m, message) = match self {
            CliError::Ledger(e) => (fields(e.to_json()), e.to_string()),
            CliError::Import(e) => (fields(e.params()), e.to_string()),
            CliError::Export(e) => (fields(e.to_json()), e.to_string()),
            CliError::Period(e) => (fields(serde_json::to_value(e).unwrap_or_default()), e.to_string()),
            CliError::Calendar(e) => (fields(serde_json::to_value(e).unwrap_or_default()), e.to_string()),
            CliError::BadDate(v) => (serde_json::json!({ "value": v }).as_object().cloned().unwrap_or_default(), format!("malformed date {v}")),
            CliError::Secret(code) => (Default::default(), format!("password: {code}")),
            CliError::Usage(r) => {
                (serde_json::json!({ "field": "arguments", "reason": r }).as_object().cloned().unwrap_or_default(), r.clone())
            }
        };
        m.insert("code".into(), self.code().into());
        m.insert("message".into(), message.into());
        Value::Object(m)
    }

    /// The message for people, in the user's language.
    pub fn localized(&self) -> String {
        let json = self.to_json();
        let catalog = if std::env::var("TAIZHANG_LANG").is_ok_and(|l| l.starts_with("en")) { &*EN } else { &*ZH };
        let Some(template) = catalog["errors"][self.code()].as_str() else {
            return json["message"].as_str().unwrap_or_default().to_string();
        };
        let mut out = template.to_string();
        if let Value::Object(m) = &json {
            for (k, v) in m {
                let text = match v {
                    Value::String(s) if k == "status" && !english(catalog) => {
                        taizhang_core::Status::parse(s).map(|st| st.label_zh().to_string()).unwrap_or_else(|| s.clone())
                    }
                    Value::String(s) if k == "action" && !english(catalog) => action_label(s).unwrap_or(s).to_string(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                // Parameters carry stored and typed text: escaped like every output.
                let text = crate::render::escape(&text);
                out = out.replace(&format!("{{{k}}}"), &text);
            }
        }
        out
    }
}

fn english(catalog: &Value) -> bool {
    std::ptr::eq(catalog, &*EN)
}

fn action_label(key: &str) -> Option<&'static str> {
    taizhang_core::Action::ALL.iter().find(|a| a.key() == key).map(|a| a.label_zh())
}
