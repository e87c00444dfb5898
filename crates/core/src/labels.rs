//! The words people read for enum keys — status, action, role, priority… — in Chinese and
//! English. They live once, in the shared catalogue's `labels` section (i18n/zh-CN.json,
//! i18n/en.json), which the UI reads as well; the catalogue is built into the binary (no file
//! is read at run time), and parsed the first time a label is asked for.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Section (`status`, `action`…) → key → label.
type Labels = HashMap<String, HashMap<String, String>>;

fn labels_of(catalogue: &str) -> Labels {
    let mut all: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(catalogue).expect("the i18n catalogue is JSON");
    serde_json::from_value(all.remove("labels").unwrap_or_default())
        .expect("the catalogue's labels are sections of strings")
}

static ZH: LazyLock<Labels> = LazyLock::new(|| labels_of(include_str!("../../../i18n/zh-CN.json")));
static EN: LazyLock<Labels> = LazyLock::new(|| labels_of(include_str!("../../../i18n/en.json")));

fn lookup(labels: &'static Labels, section: &str, key: &'static str) -> &'static str {
    labels.get(section).and_then(|s| s.get(key)).map(String::as_str).unwrap_or(key)
}

/// The Chinese label of `key` in `section`; the key itself if the catalogue lacks it (the
/// tests require every key).
pub fn zh(section: &str, key: &'static str) -> &'static str {
    lookup(&ZH, section, key)
}

/// The English label of `key` in `section`; the key itself if the catalogue lacks it.
pub fn en(section: &str, key: &'static str) -> &'static str {
    lookup(&EN, section, key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Action;
    use crate::model::*;

    /// Every key of every labelled enum, with its catalogue section.
    fn every_key() -> Vec<(&'static str, &'static str)> {
        let mut keys = Vec::new();
        macro_rules! keys_of {
            ($($ty:ty),*) => { $( keys.extend(<$ty>::ALL.iter().map(|v| (<$ty>::LABELS, v.key()))); )* };
        }
        keys_of!(
            UnitKind,
            Role,
            Status,
            Priority,
            Source,
            VisitForm,
            KeyLevel,
            Scale,
            Satisfaction,
            ResultType,
            Escalation,
            Action,
            crate::monitoring::Pace,
            crate::monitoring::Xun,
            crate::monitoring::Level,
            crate::monitoring::ProjectNature,
            crate::monitoring::ProjectStage,
            crate::monitoring::WarningSubject,
            crate::document::DocumentKind,
            crate::notices::NoticeKind,
            crate::notices::Concern,
            ForbiddenReason
        );
        // A replica's words: the device states the server gives and an event's standing with it
        // (migration 07's CHECK constraints). They travel as strings, not core enums.
        keys.extend([
            ("deviceState", "pending"),
            ("deviceState", "approved"),
            ("deviceState", "revoked"),
            ("eventOutcome", "pending"),
            ("eventOutcome", "applied"),
            ("eventOutcome", "no_effect"),
            ("eventOutcome", "refused"),
        ]);
        keys
    }

    #[test]
    fn every_key_has_a_label_in_both_languages() {
        for (section, key) in every_key() {
            assert_ne!(zh(section, key), key, "i18n/zh-CN.json labels.{section}.{key} is missing");
            assert_ne!(en(section, key), key, "i18n/en.json labels.{section}.{key} is missing");
        }
        assert_eq!(Status::Closed.label_zh(), "已销号");
        assert_eq!(Action::Assign.label_zh(), "交办");
        assert_eq!(Escalation::Red.label_en(), "Red card");
    }

    #[test]
    fn the_catalogue_labels_nothing_that_is_not_a_key() {
        let known: std::collections::HashSet<_> = every_key().into_iter().collect();
        for (labels, file) in [(&*ZH, "zh-CN.json"), (&*EN, "en.json")] {
            for (section, table) in labels {
                for key in table.keys() {
                    assert!(
                        known.contains(&(section.as_str(), key.as_str())),
                        "i18n/{file} labels.{section}.{key} names no enum key"
                    );
                }
            }
        }
    }

    #[test]
    fn an_unknown_key_is_shown_as_itself() {
        assert_eq!(zh("status", "no_such_status"), "no_such_status");
        assert_eq!(en("no_such_section", "x"), "x");
    }
}
