//! Names people tell apart by sight: logins, unit names and short names.
//!
//! A login or a unit is chosen from lists where only its text shows, so two that look the
//! same are two that cannot be told apart: `admin` and `admin` with a zero-width space in it,
//! `城关街道` and the same with a Cyrillic letter hidden in a Latin part, `工信局` written with a
//! compatibility ideograph. `normalize_name` is the form a name is stored and looked up in;
//! `skeleton` is what it looks like, and two names with one skeleton are refused as
//! look-alikes (`workflow::decide`).

use unicode_normalization::UnicodeNormalization;

/// Characters that show nothing, or reorder or join what is around them: format characters
/// (zero-width space and joiners, word joiner, BOM, soft hyphen, the bidi embeddings,
/// overrides, isolates and marks), invisible operators, the line and paragraph separators and
/// the tag characters. A name has no use for them; a terminal obeys some of them.
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF9..=0xFFFB | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

/// The stored form of a name: invisible and control characters removed (line breaks and tabs
/// count as white space), then NFKC (full-width letters and digits, compatibility
/// ideographs, Kangxi radicals and circled numbers become the ordinary characters), runs of
/// white space one space, trimmed.
pub fn normalize_name(s: &str) -> String {
    let visible: String = s.chars().filter(|c| !is_invisible(*c) && (!c.is_control() || c.is_whitespace())).collect();
    let nfkc: String = visible.nfkc().collect();
    let mut out = String::with_capacity(nfkc.len());
    for word in nfkc.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// What a name looks like: its normal form without whitespace, case-folded, with letters of
/// other scripts that look like Latin ones (Cyrillic а, е, о, р, с…, Greek ο, ρ, τ…), digits
/// that look like letters (0 as o; 1, I, i and l as one stroke), dashes and middle dots folded to one of each, and `rn`, `vv`
/// read as `m`, `w`. Two names with one skeleton look the same in a list.
pub fn skeleton(s: &str) -> String {
    let mut out = String::new();
    for c in normalize_name(s).chars().filter(|c| !c.is_whitespace()) {
        match look_alike(c) {
            Some(l) => out.push(l),
            None => out.extend(c.to_lowercase().map(|l| look_alike(l).unwrap_or(l))),
        }
    }
    out.replace("rn", "m").replace("vv", "w")
}

/// The Latin letter (or the one dash or dot) a character is mistaken for, if any. Capitals of
/// other scripts map here before case folding, since `В` looks like `B` but `в` does not
/// look like `b`.
fn look_alike(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic
        'А' | 'а' => 'a',
        'В' | 'Ь' => 'b',
        'С' | 'с' | 'ϲ' | 'Ϲ' => 'c',
        'ԁ' => 'd',
        'Е' | 'е' | 'Ѐ' | 'ѐ' => 'e',
        'Н' | 'һ' | 'Һ' => 'h',
        'Ј' | 'ј' | 'ϳ' => 'j',
        'К' | 'к' | 'Κ' | 'κ' => 'k',
        // I, l, 1 and | are one stroke in many fonts; i folds with them so that case folding
        // (I → i) and the stroke agree.
        'Ӏ' | 'ӏ' | 'І' | 'і' | 'Ι' | 'ι' | 'ı' | 'I' | 'i' | 'l' | '1' | '|' | 'ǀ' => 'l',
        'М' | 'Μ' => 'm',
        'Ν' => 'n',
        'О' | 'о' | 'Ο' | 'ο' | 'σ' | '0' => 'o',
        'Р' | 'р' | 'Ρ' | 'ρ' => 'p',
        'ԛ' | 'Ԛ' => 'q',
        'Ѕ' | 'ѕ' => 's',
        'Т' | 'Τ' | 'τ' => 't',
        'υ' => 'u',
        'ν' => 'v',
        'ԝ' | 'Ԝ' => 'w',
        'Х' | 'х' | 'Χ' | 'χ' => 'x',
        'У' | 'у' | 'Ү' | 'ү' | 'Υ' | 'γ' => 'y',
        // Greek capitals not covered above
        'Α' | 'α' => 'a',
        'Β' => 'b',
        'Ε' => 'e',
        'Ζ' => 'z',
        'Η' => 'h',
        // Latin letters of other forms
        'ɑ' => 'a',
        'ɡ' => 'g',
        // Dashes and middle dots
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '﹣' | '－' => '-',
        '·' | '・' | '‧' | '•' | '∙' | '⋅' | '･' => '·',
        _ => return None,
    })
}

/// The first of `existing` that looks like `candidate` (same skeleton), if any.
pub fn first_look_alike<'a>(candidate: &str, existing: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = skeleton(candidate);
    existing.into_iter().find(|e| skeleton(e) == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_go_and_compatibility_forms_become_ordinary() {
        assert_eq!(normalize_name("ad\u{200B}min"), "admin");
        assert_eq!(normalize_name("\u{FEFF}城关\u{202E}街道\u{2066}"), "城关街道");
        assert_eq!(normalize_name("ａｄｍｉｎ"), "admin");
        assert_eq!(normalize_name("  城关　 街道 \t"), "城关 街道");
        // Kangxi radical ⼯ (U+2F2F) is 工.
        assert_eq!(normalize_name("\u{2F2F}信局"), "工信局");
        // Control characters go; line breaks and tabs are white space.
        assert_eq!(normalize_name("a\u{1b}[2Jb\u{7}\r\nc"), "a[2Jb c");
    }

    #[test]
    fn look_alikes_share_a_skeleton_and_different_names_do_not() {
        for (a, b) in [
            ("admin", "аdmin"), // Cyrillic а
            ("admin", "ADMIN"),
            ("admin", "ad\u{200D}min"),
            ("office1", "officel"),
            ("modern", "modem"),
            ("城关街道", "城关 街道"),
            ("工信局(东)", "工信局（东）"),
            ("Ρeople", "people"), // Greek Ρ
            ("区-局", "区—局"),
        ] {
            assert_eq!(skeleton(a), skeleton(b), "{a} / {b}");
        }
        for (a, b) in [("cg", "gx"), ("城关街道", "城东街道"), ("zr_li", "zr_wang"), ("admin", "admins")] {
            assert_ne!(skeleton(a), skeleton(b), "{a} / {b}");
        }
        assert_eq!(first_look_alike("аdmin", ["cg", "admin"]), Some("admin"));
        assert_eq!(first_look_alike("new", ["cg", "admin"]), None);
    }
}
