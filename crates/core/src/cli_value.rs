//! The labelled enums on the command line (feature `clap`): each implements `clap::ValueEnum`
//! (in `model`'s `labelled_enum!`) with the values `parse` accepts, so the CLI takes them as
//! they are instead of mirroring them in enums of its own.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::ValueEnum;

/// One value per variant: shown in clap's usual spelling of its key (`long-term` for
/// `long_term`, so the help reads as it always has), and accepted as that, as the key itself
/// and as the Chinese label, like `parse`.
pub(crate) fn possible_values(
    keys_and_labels: impl Iterator<Item = (&'static str, &'static str)>,
) -> Vec<PossibleValue> {
    keys_and_labels
        .map(|(key, label)| {
            // Built once per variant per run (`to_possible_value` keeps them), so leaking is bounded.
            let shown: &'static str =
                if key.contains('_') { Box::leak(key.replace('_', "-").into_boxed_str()) } else { key };
            PossibleValue::new(shown).aliases([key, label])
        })
        .collect()
}

/// A parser that takes only some variants of an enum, offering only those in the help and in
/// its refusal (`urge --level` is reminder, yellow or red: an urge is never `none`).
pub fn one_of<E: ValueEnum + Clone + Send + Sync + 'static>(allowed: &'static [E]) -> impl TypedValueParser<Value = E> {
    PossibleValuesParser::new(allowed.iter().filter_map(ValueEnum::to_possible_value))
        .map(|typed: String| E::from_str(&typed, true).expect("accepted as one of the enum's own values"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Escalation, ResultType};

    fn names<E: ValueEnum>() -> Vec<String> {
        E::value_variants().iter().filter_map(|v| v.to_possible_value()).map(|p| p.get_name().to_string()).collect()
    }

    #[test]
    fn values_are_the_keys_in_clap_spelling_and_accept_keys_and_labels() {
        assert_eq!(names::<ResultType>(), ["solved", "explained", "long-term"]);
        for typed in ["long-term", "long_term", "纳入长期推进"] {
            assert_eq!(ResultType::from_str(typed, false), Ok(ResultType::LongTerm), "{typed}");
        }
        assert!(ResultType::from_str("long term", false).is_err());
    }

    #[test]
    fn one_of_takes_only_the_variants_given() {
        const LEVELS: &[Escalation] = &[Escalation::Reminder, Escalation::Yellow, Escalation::Red];
        let cmd = clap::Command::new("t").arg(clap::Arg::new("level").long("level").value_parser(one_of(LEVELS)));
        let m = cmd.clone().try_get_matches_from(["t", "--level", "黄牌"]).unwrap();
        assert_eq!(m.get_one::<Escalation>("level"), Some(&Escalation::Yellow));
        assert!(cmd.try_get_matches_from(["t", "--level", "none"]).is_err());
    }
}
