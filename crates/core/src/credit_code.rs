//! Unified social credit code (统一社会信用代码, GB 32100-2015).
//!
//! A failed check character is reported as a warning, not a refusal: some early pilot codes
//! are legal yet fail the check, and the ledger must still accept the company.

use serde::{Deserialize, Serialize};

/// The 31 characters a credit code may use; a character's value is its index here.
/// I, O, S, V and Z are left out because they are easily confused with digits.
const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights for positions 1–17: 3^(i−1) mod 31.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

const CODE_LEN: usize = 18;

/// The outcome of checking a credit code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CreditCodeCheck {
    Valid,
    /// Well formed, but the 18th character does not match the computed one.
    BadCheckChar {
        expected: char,
        found: char,
    },
    /// Not a credit code at all: wrong length or a character outside the alphabet.
    Malformed {
        reason: String,
    },
}

impl CreditCodeCheck {
    pub fn is_valid(&self) -> bool {
        matches!(self, CreditCodeCheck::Valid)
    }

    /// True for a code that should be accepted with a warning (see the module note).
    pub fn is_warning(&self) -> bool {
        matches!(self, CreditCodeCheck::BadCheckChar { .. })
    }
}

/// Brings a code as typed or pasted into canonical form: trimmed, without any whitespace
/// (codes are often pasted from documents with spaces or full-width spaces between groups),
/// full-width ASCII turned half-width (Chinese input methods produce Ｕ+FF10..), uppercase.
pub fn normalize_credit_code(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).map(to_half_width).map(|c| c.to_ascii_uppercase()).collect()
}

fn to_half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

fn value_of(c: char) -> Option<u32> {
    ALPHABET.chars().position(|a| a == c).map(|i| i as u32)
}

fn char_of(v: u32) -> Option<char> {
    ALPHABET.chars().nth(v as usize)
}

/// Computes the 18th (check) character from the first 17. The input is normalized first;
/// returns `None` when it is not 17 characters from the alphabet.
pub fn check_char(first17: &str) -> Option<char> {
    let normalized = normalize_credit_code(first17);
    let values: Vec<u32> = normalized.chars().map(value_of).collect::<Option<_>>()?;
    if values.len() != WEIGHTS.len() {
        return None;
    }
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    char_of((31 - sum % 31) % 31)
}

/// Checks a code after normalizing it.
///
/// Positions 1–17 must come from the alphabet, or the code is `Malformed`. Position 18 only
/// has to be an ASCII letter or digit: any mismatch there, even I/O/S/V/Z, is `BadCheckChar`.
pub fn check_credit_code(code: &str) -> CreditCodeCheck {
    let normalized = normalize_credit_code(code);
    let chars: Vec<char> = normalized.chars().collect();
    if chars.len() != CODE_LEN {
        let reason = if chars.is_empty() {
            "the code is empty".to_string()
        } else {
            format!("expected {CODE_LEN} characters, found {}", chars.len())
        };
        return CreditCodeCheck::Malformed { reason };
    }
    // The check position is judged separately: a letter there that the alphabet leaves out
    // (e.g. the documented `91350100M000100Y4Z`) is a wrong check character, not a broken code.
    let body = &chars[..CODE_LEN - 1];
    if let Some((i, c)) = body.iter().enumerate().find(|(_, c)| value_of(**c).is_none()) {
        return CreditCodeCheck::Malformed {
            reason: format!("character {c:?} at position {} is not allowed (allowed: {ALPHABET})", i + 1),
        };
    }
    let found = chars[CODE_LEN - 1];
    if !found.is_ascii_alphanumeric() {
        return CreditCodeCheck::Malformed {
            reason: format!("character {found:?} at position {CODE_LEN} is not allowed (allowed: {ALPHABET})"),
        };
    }
    let first17: String = body.iter().collect();
    match check_char(&first17) {
        Some(expected) if expected == found => CreditCodeCheck::Valid,
        Some(expected) => CreditCodeCheck::BadCheckChar { expected, found },
        // Unreachable in practice: every character was validated above.
        None => CreditCodeCheck::Malformed { reason: "cannot compute the check character".to_string() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1u32;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn alphabet_has_31_distinct_characters_without_confusables() {
        let mut chars: Vec<char> = ALPHABET.chars().collect();
        assert_eq!(chars.len(), 31);
        chars.dedup();
        assert_eq!(chars.len(), 31);
        for c in ['I', 'O', 'S', 'V', 'Z'] {
            assert!(!ALPHABET.contains(c));
        }
    }

    #[test]
    fn known_valid_codes() {
        assert_eq!(check_credit_code("91350100M000100Y43"), CreditCodeCheck::Valid);
        assert_eq!(check_credit_code("91330106673959654P"), CreditCodeCheck::Valid);
        assert_eq!(check_char("91350100M000100Y4"), Some('3'));
        assert_eq!(check_char("91330106673959654"), Some('P'));
    }

    #[test]
    fn documented_invalid_code_is_a_bad_check_char() {
        let r = check_credit_code("91350100M000100Y4Z");
        assert_eq!(r, CreditCodeCheck::BadCheckChar { expected: '3', found: 'Z' });
        assert!(r.is_warning());
        assert!(!r.is_valid());
        for found in ['A', 'I', 'O', 'S', 'V'] {
            let r = check_credit_code(&format!("91350100M000100Y4{found}"));
            assert_eq!(r, CreditCodeCheck::BadCheckChar { expected: '3', found });
        }
        // Lowercase is uppercased before the comparison.
        let r = check_credit_code("91350100M000100Y4z");
        assert_eq!(r, CreditCodeCheck::BadCheckChar { expected: '3', found: 'Z' });
    }

    #[test]
    fn non_alphanumeric_check_position_is_malformed() {
        for s in ["91350100M000100Y4-", "91350100M000100Y4中", "91350100M000100Y4*"] {
            match check_credit_code(s) {
                CreditCodeCheck::Malformed { reason } => {
                    assert!(reason.contains("position 18"), "{reason}")
                }
                other => panic!("{s}: unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn normalization_of_case_spaces_and_full_width() {
        assert_eq!(normalize_credit_code("  91350100m000100y43 "), "91350100M000100Y43");
        assert_eq!(normalize_credit_code("9135 0100 M000 100Y 43"), "91350100M000100Y43");
        assert_eq!(normalize_credit_code("９１３５０１００Ｍ０００１００Ｙ４３"), "91350100M000100Y43");
        assert_eq!(normalize_credit_code("９１３３０１０６６７３９５９６５４ｐ"), "91330106673959654P");
        assert_eq!(normalize_credit_code("9135\u{3000}0100M000100Y43\t"), "91350100M000100Y43");
        assert_eq!(check_credit_code("91350100m000100y43"), CreditCodeCheck::Valid);
        assert_eq!(check_credit_code("９１３５０１００Ｍ０００１００Ｙ４３"), CreditCodeCheck::Valid);
        assert_eq!(check_credit_code(" 9133 0106 6739 5965 4p "), CreditCodeCheck::Valid);
        assert_eq!(check_char("91350100m000100y4"), Some('3'));
    }

    #[test]
    fn malformed_lengths() {
        for s in ["", "   ", "9135010", "91350100M000100Y4", "91350100M000100Y433"] {
            let r = check_credit_code(s);
            assert!(matches!(r, CreditCodeCheck::Malformed { .. }), "{s:?}: {r:?}");
            assert!(!r.is_valid() && !r.is_warning());
        }
        match check_credit_code("91350100M000100Y4") {
            CreditCodeCheck::Malformed { reason } => {
                assert!(reason.contains("found 17"), "{reason}")
            }
            other => panic!("unexpected {other:?}"),
        }
        match check_credit_code("") {
            CreditCodeCheck::Malformed { reason } => assert!(reason.contains("empty"), "{reason}"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn malformed_letters_i_o_s_v_z() {
        for bad in ['I', 'O', 'S', 'V', 'Z'] {
            let mut code: Vec<char> = "91350100M000100Y43".chars().collect();
            code[8] = bad;
            let code: String = code.into_iter().collect();
            match check_credit_code(&code) {
                CreditCodeCheck::Malformed { reason } => {
                    assert!(reason.contains("position 9"), "{reason}");
                    assert!(reason.contains(&format!("'{bad}'")), "{reason}");
                }
                other => panic!("{code}: unexpected {other:?}"),
            }
            // Lowercase forms are rejected too, after uppercasing.
            let lower = code.to_lowercase();
            assert!(matches!(check_credit_code(&lower), CreditCodeCheck::Malformed { .. }));
        }
        assert!(matches!(check_credit_code("91350100-000100Y43"), CreditCodeCheck::Malformed { .. }));
        assert!(matches!(check_credit_code("91350100中000100Y43"), CreditCodeCheck::Malformed { .. }));
    }

    #[test]
    fn check_char_rejects_bad_input() {
        assert_eq!(check_char(""), None);
        assert_eq!(check_char("91350100M000100Y"), None);
        assert_eq!(check_char("91350100M000100Y43"), None);
        assert_eq!(check_char("91350100I000100Y4"), None);
    }

    #[test]
    fn serde_shape_is_tagged() {
        let v = serde_json::to_value(CreditCodeCheck::Valid).unwrap();
        assert_eq!(v, serde_json::json!({"status": "valid"}));
        let v = serde_json::to_value(CreditCodeCheck::BadCheckChar { expected: '3', found: 'A' }).unwrap();
        assert_eq!(v, serde_json::json!({"status": "bad_check_char", "expected": "3", "found": "A"}));
        let m = CreditCodeCheck::Malformed { reason: "x".into() };
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(v, serde_json::json!({"status": "malformed", "reason": "x"}));
        let back: CreditCodeCheck = serde_json::from_value(v).unwrap();
        assert_eq!(back, m);
    }

    fn prefix_strategy() -> impl Strategy<Value = String> {
        let alphabet: Vec<char> = ALPHABET.chars().collect();
        proptest::collection::vec(proptest::sample::select(alphabet), 17).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn computed_check_char_validates_and_others_warn(prefix in prefix_strategy()) {
            let expected = check_char(&prefix).expect("prefix is well formed");
            prop_assert!(ALPHABET.contains(expected));
            let full = format!("{prefix}{expected}");
            prop_assert_eq!(check_credit_code(&full), CreditCodeCheck::Valid);
            for other in ALPHABET.chars().filter(|c| *c != expected) {
                let code = format!("{prefix}{other}");
                prop_assert_eq!(
                    check_credit_code(&code),
                    CreditCodeCheck::BadCheckChar { expected, found: other }
                );
            }
        }

        #[test]
        fn normalization_is_idempotent(s in "\\PC{0,30}") {
            let once = normalize_credit_code(&s);
            prop_assert_eq!(normalize_credit_code(&once), once.clone());
        }

        #[test]
        fn check_never_panics(s in "\\PC{0,30}") {
            let _ = check_credit_code(&s);
            let _ = check_char(&s);
        }
    }
}
