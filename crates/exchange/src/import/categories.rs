//! A sheet's 问题类别 values taken to the configured category list without loss: by meaning
//! (a short form, a "…类" form, one side of a slash-joined category), by the user's choice,
//! or to a category the office adds in the same import. What still fits nothing is grouped by
//! value for the preview and blocks the rows holding it; nothing becomes 其他 unless the sheet
//! or the user said so.

use std::collections::BTreeMap;

use super::{CategoryChoice, CategoryMapping, CategoryMatch};

/// Endings that make a longer form of a category name ("融资难问题", "园区配套类", "税费方面",
/// "要素保障", "用工需求").
const ENDINGS: &[&str] =
    &["类问题", "方面问题", "问题", "方面", "领域", "事项", "保障", "服务", "需求", "支持", "难题", "困难", "类", "难"];

/// Joins inside a category name or cell ("审批/政务服务", "用地、用工").
const JOINS: &[char] = &['/', '／', '、', '|', '，', ',', ';', '；'];

fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A category text without its endings: "园区配套类" → "园区配套", "融资难问题" → "融资".
fn stem(s: &str) -> String {
    let mut s = compact(s);
    loop {
        let before = s.clone();
        for e in ENDINGS {
            if let Some(rest) = s.strip_suffix(e) {
                if rest.chars().count() >= 2 {
                    s = rest.to_string();
                    break;
                }
            }
        }
        if s == before {
            return s;
        }
    }
}

/// The names a configured category answers to: itself and each side of a joined name.
fn names_of(category: &str) -> Vec<String> {
    let mut names = vec![stem(category)];
    if category.contains(JOINS) {
        names.extend(category.split(JOINS).map(stem).filter(|p| p.chars().count() >= 2));
    }
    names.dedup();
    names
}

/// How one text matches the list: `Ok(category)` or `Err(candidates)` (several or none).
fn match_part(text: &str, categories: &[String]) -> Result<String, Vec<String>> {
    let t = stem(text);
    if t.is_empty() {
        return Err(Vec::new());
    }
    let unique = |hits: Vec<&String>| -> Result<String, Vec<String>> {
        let mut hits: Vec<String> = hits.into_iter().cloned().collect();
        hits.dedup();
        match hits.len() {
            1 => Ok(hits.remove(0)),
            _ => Err(hits),
        }
    };
    // The same name once endings are set aside.
    let same: Vec<&String> = categories.iter().filter(|c| names_of(c).contains(&t)).collect();
    if !same.is_empty() {
        return unique(same);
    }
    // A longer text holding a category's name ("企业融资贷款" → 融资): the longest name wins.
    let mut holding: Vec<(usize, &String)> = categories
        .iter()
        .flat_map(|c| names_of(c).into_iter().map(move |n| (n, c)))
        .filter(|(n, _)| n.chars().count() >= 2 && t.contains(n.as_str()))
        .map(|(n, c)| (n.chars().count(), c))
        .collect();
    if let Some(longest) = holding.iter().map(|(l, _)| *l).max() {
        holding.retain(|(l, _)| *l == longest);
        return unique(holding.into_iter().map(|(_, c)| c).collect());
    }
    // A short form inside a category's name ("要素" → 水电气等要素, "政务" → 审批/政务服务).
    if t.chars().count() >= 2 {
        let inside: Vec<&String> =
            categories.iter().filter(|c| names_of(c).iter().any(|n| n.contains(t.as_str()))).collect();
        if !inside.is_empty() {
            return unique(inside);
        }
    }
    Err(Vec::new())
}

/// The configured category a cell means, or the candidates when none is certain. A cell
/// naming two categories ("用地/融资") takes the first that fits.
pub fn match_category(text: &str, categories: &[String]) -> Result<(CategoryMatch, String), Vec<String>> {
    let t = text.trim();
    if let Some(c) = categories.iter().find(|c| c.as_str() == t || compact(c) == compact(t)) {
        return Ok((CategoryMatch::Exact, c.clone()));
    }
    let whole = match_part(t, categories);
    if let Ok(c) = whole {
        return Ok((CategoryMatch::Meaning, c));
    }
    let mut candidates = whole.unwrap_err();
    if t.contains(JOINS) {
        for part in t.split(JOINS).filter(|p| !p.trim().is_empty()) {
            match match_part(part, categories) {
                Ok(c) => return Ok((CategoryMatch::Meaning, c)),
                Err(more) => candidates.extend(more),
            }
        }
    }
    candidates.dedup();
    Err(candidates)
}

struct Seen {
    rows: u32,
    matched: CategoryMatch,
    category: Option<String>,
    candidates: Vec<String>,
}

/// Resolves each row's category and remembers every distinct value for the preview.
pub(super) struct CategoryResolver<'a> {
    configured: &'a [String],
    added: Vec<String>,
    choices: &'a [CategoryChoice],
    seen: BTreeMap<String, Seen>,
    order: Vec<String>,
}

impl<'a> CategoryResolver<'a> {
    /// `added` are the categories this import adds (already checked and trimmed).
    pub fn new(configured: &'a [String], added: Vec<String>, choices: &'a [CategoryChoice]) -> Self {
        CategoryResolver { configured, added, choices, seen: BTreeMap::new(), order: Vec::new() }
    }

    /// The category for a non-empty cell, or `None` when nothing fits (the row cannot be
    /// imported until the value is mapped or added).
    pub fn resolve(&mut self, value: &str) -> Option<String> {
        let value = value.trim().to_string();
        if let Some(seen) = self.seen.get_mut(&value) {
            seen.rows += 1;
            return seen.category.clone();
        }
        let chosen = self.choices.iter().find(|c| c.name.trim() == value).map(|c| c.category.trim().to_string());
        let (matched, category, candidates) = if let Some(c) = chosen {
            (CategoryMatch::ByHand, Some(c), Vec::new())
        } else if let Some(a) = self.added.iter().find(|a| compact(a) == compact(&value)) {
            (CategoryMatch::Added, Some(a.clone()), Vec::new())
        } else {
            match match_category(&value, self.configured) {
                Ok((m, c)) => (m, Some(c), Vec::new()),
                Err(candidates) => (CategoryMatch::Unmatched, None, candidates),
            }
        };
        self.order.push(value.clone());
        self.seen.insert(value, Seen { rows: 1, matched, category: category.clone(), candidates });
        category
    }

    /// Every distinct value met, in the order first met, unmatched ones first.
    pub fn finish(mut self) -> Vec<CategoryMapping> {
        let mut out: Vec<CategoryMapping> = self
            .order
            .iter()
            .filter_map(|v| {
                self.seen.remove(v).map(|s| CategoryMapping {
                    value: v.clone(),
                    rows: s.rows,
                    matched: s.matched,
                    category: s.category,
                    candidates: s.candidates,
                })
            })
            .collect();
        out.sort_by_key(|m| m.matched != CategoryMatch::Unmatched);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> Vec<String> {
        taizhang_core::settings::DEFAULT_CATEGORIES.iter().map(|s| s.to_string()).collect()
    }

    fn meant(text: &str) -> Option<String> {
        match_category(text, &list()).ok().map(|(_, c)| c)
    }

    #[test]
    fn short_class_and_slash_forms_find_their_category() {
        for (cell, want) in [
            ("融资", "融资"),
            ("融资类", "融资"),
            ("融资难", "融资"),
            ("融资难问题", "融资"),
            ("用工类问题", "用工"),
            ("要素", "水电气等要素"),
            ("要素保障类", "水电气等要素"),
            ("水电气", "水电气等要素"),
            ("园区配套类", "基础设施/园区配套"),
            ("基础设施", "基础设施/园区配套"),
            ("政务", "审批/政务服务"),
            ("政务服务类", "审批/政务服务"),
            ("审批", "审批/政务服务"),
            ("行政审批", "审批/政务服务"),
            ("市场监管", "市场监管/执法"),
            ("执法类", "市场监管/执法"),
            ("税费方面", "税费"),
            ("安全生产类", "安全生产"),
            ("物流", "物流交通"),
            ("交通", "物流交通"),
            ("用工需求", "用工"),
            ("政策支持类", "政策兑现"),
            ("用地/融资", "用地"),
            ("环保、用地", "环保"),
            ("政策", "政策兑现"),
            (" 其他 ", "其他"),
            ("其他类", "其他"),
        ] {
            assert_eq!(meant(cell).as_deref(), Some(want), "{cell}");
        }
    }

    #[test]
    fn exact_values_say_so_and_unknown_ones_do_not_fall_into_other() {
        assert_eq!(match_category("用地", &list()), Ok((CategoryMatch::Exact, "用地".to_string())));
        assert_eq!(match_category("园区配套类", &list()).unwrap().0, CategoryMatch::Meaning);
        for cell in ["科技创新", "人才", "数字化转型", "天气", "类", "问题"] {
            assert!(match_category(cell, &list()).is_err(), "{cell}");
        }
    }

    #[test]
    fn a_short_form_inside_two_categories_is_not_guessed() {
        let cats: Vec<String> = ["市场开拓", "市场监管/执法", "其他"].iter().map(|s| s.to_string()).collect();
        let err = match_category("市场", &cats).unwrap_err();
        assert_eq!(err, vec!["市场开拓".to_string(), "市场监管/执法".to_string()]);
    }

    #[test]
    fn values_are_grouped_with_their_rows_and_choices_apply() {
        let cats = list();
        let choices = vec![CategoryChoice { name: "人才".into(), category: "用工".into() }];
        let mut r = CategoryResolver::new(&cats, vec!["科技创新".into()], &choices);
        assert_eq!(r.resolve("要素").as_deref(), Some("水电气等要素"));
        assert_eq!(r.resolve("天气"), None);
        assert_eq!(r.resolve("天气 "), None);
        assert_eq!(r.resolve("人才").as_deref(), Some("用工"));
        assert_eq!(r.resolve("科技创新").as_deref(), Some("科技创新"));
        assert_eq!(r.resolve("要素").as_deref(), Some("水电气等要素"));
        let m = r.finish();
        assert_eq!(m[0].value, "天气");
        assert_eq!((m[0].rows, m[0].matched), (2, CategoryMatch::Unmatched));
        let find = |v: &str| m.iter().find(|x| x.value == v).unwrap();
        assert_eq!((find("要素").rows, find("要素").matched), (2, CategoryMatch::Meaning));
        assert_eq!(find("人才").matched, CategoryMatch::ByHand);
        assert_eq!(find("科技创新").matched, CategoryMatch::Added);
    }
}
