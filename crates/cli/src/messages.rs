//! Errors as users read them: a stable code plus the Chinese message from `i18n/zh-CN.json`
//! with the error's fields filled in (English with `TAIZHANG_LANG=en`).

use std::sync::LazyLock;

use serde_json::Value;
use taizhang_core::calendar::CalendarError;
use taizhang_core::coded::{Coded, Params};
use taizhang_core::period::PeriodError;
use taizhang_ledger::LedgerError;

static ZH: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(include_str!("../../../i18n/zh-CN.json")).expect("zh-CN.json"));
static EN: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(include_str!("../../../i18n/en.json")).expect("en.json"));

/// The shared catalogue in the user's language (`TAIZHANG_LANG=en…`, else Chinese).
fn catalog() -> &'static Value {
    if std::env::var("TAIZHANG_LANG").is_ok_and(|l| l.starts_with("en")) {
        &EN
    } else {
        &ZH
    }
}

/// A text of the shared catalogue (`section.key`) in the user's language.
pub fn catalog_text(section: &str, key: &str) -> Option<String> {
    catalog()[section][key].as_str().map(String::from)
}

/// The label of `key` in the catalogue's `labels.<section>` (as `catalog_text`, in the
/// language `TAIZHANG_LANG` names); the key itself when the catalogue has none.
pub fn catalog_label(section: &str, key: &str) -> String {
    catalog()["labels"][section][key].as_str().unwrap_or(key).to_string()
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

impl std::fmt::Display for CliError {
    /// The English text, for logs and `--json`'s `message`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Ledger(e) => std::fmt::Display::fmt(e, f),
            CliError::Import(e) => std::fmt::Display::fmt(e, f),
            CliError::Export(e) => std::fmt::Display::fmt(e, f),
            CliError::Period(e) => std::fmt::Display::fmt(e, f),
            CliError::Calendar(e) => std::fmt::Display::fmt(e, f),
            CliError::BadDate(v) => write!(f, "malformed date {v}"),
            CliError::Secret(code) => write!(f, "password: {code}"),
            CliError::Usage(reason) => f.write_str(reason),
        }
    }
}

impl Coded for CliError {
    fn code(&self) -> &'static str {
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

    fn params(&self) -> Params {
        let mut params = Params::new();
        match self {
            CliError::Ledger(e) => return e.params(),
            CliError::Import(e) => return e.params(),
            CliError::Export(e) => return e.params(),
            CliError::Period(e) => return e.params(),
            CliError::Calendar(e) => return e.params(),
            CliError::BadDate(v) => {
                params.insert("value".into(), v.as_str().into());
            }
            CliError::Secret(_) => {}
            CliError::Usage(reason) => {
                params.insert("field".into(), "arguments".into());
                params.insert("reason".into(), reason.as_str().into());
            }
        }
        params
    }
}

impl CliError {
    /// The message for people, in the user's language.
    pub fn localized(&self) -> String {
        // `{message}` (the English text) fills the templates of errors that carry only that.
        let mut params = self.params();
        params.insert("code".into(), self.code().into());
        params.insert("message".into(), self.to_string().into());
        catalog_message(self.code(), &params).unwrap_or_else(|| self.to_string())
    }
}

/// The catalogue's message for `code` in the user's language with `params` filled: labelled
/// values (a status, an action, why a user may not) in words, every value escaped like every
/// output. `None` when the catalogue has no message for `code`.
pub fn catalog_message(code: &str, params: &Params) -> Option<String> {
    let catalog = catalog();
    let mut out = catalog["errors"][code].as_str()?.to_string();
    for (k, v) in params {
        let text = match v {
            Value::String(s) if k == "status" && !english(catalog) => {
                taizhang_core::Status::parse(s).map(|st| st.label_zh().to_string()).unwrap_or_else(|| s.clone())
            }
            Value::String(s) if k == "action" && !english(catalog) => action_label(s)
                .map(str::to_string)
                .or_else(|| catalog["operations"][s.as_str()].as_str().map(str::to_string))
                .unwrap_or_else(|| s.clone()),
            // Why a user may not: a key with words in both catalogues.
            Value::String(s) if k == "reason" && code == "auth.forbidden" => {
                match taizhang_core::ForbiddenReason::parse(s) {
                    Some(r) if english(catalog) => r.label_en().to_string(),
                    Some(r) => r.label_zh().to_string(),
                    None => s.clone(),
                }
            }
            // A printed document's kind (交办通知书…).
            Value::String(s) if k == "kind" && code.starts_with("document.") => {
                match taizhang_core::document::DocumentKind::parse(s) {
                    Some(d) if english(catalog) => d.label_en().to_string(),
                    Some(d) => d.label_zh().to_string(),
                    None => s.clone(),
                }
            }
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        // Parameters carry stored and typed text: escaped like every output.
        let text = crate::render::escape(&text);
        out = out.replace(&format!("{{{k}}}"), &text);
    }
    Some(out)
}

fn english(catalog: &Value) -> bool {
    std::ptr::eq(catalog, &*EN)
}

fn action_label(key: &str) -> Option<&'static str> {
    taizhang_core::Action::ALL.iter().find(|a| a.key() == key).map(|a| a.label_zh())
}
