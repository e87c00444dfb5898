//! The header corpus (`data/header_corpus.tsv`): header variants as offices write them, each
//! with the field it must map to and how, and headers that must map to nothing. Every line is
//! checked, and each important field must have at least 30 variants.

use std::collections::BTreeMap;

use taizhang_exchange::header::{match_header, Field, MatchKind};

fn field(key: &str) -> Field {
    serde_json::from_value(serde_json::Value::String(key.to_string()))
        .unwrap_or_else(|_| panic!("unknown field key {key:?}"))
}

#[test]
fn every_header_in_the_corpus_maps_as_it_should() {
    let text = include_str!("../data/header_corpus.tsv");
    let mut per_field: BTreeMap<String, usize> = BTreeMap::new();
    let mut negatives = 0;
    let mut failures = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "line {}: {line:?}", n + 1);
        let header = cols[2].replace("\\n", "\n");
        let got = match_header(&header);
        if cols[0] == "-" {
            negatives += 1;
            if let Some(g) = got {
                failures.push(format!(
                    "line {}: {header:?} must map to nothing, got {:?} ({:?})",
                    n + 1,
                    g.field,
                    g.kind
                ));
            }
            continue;
        }
        *per_field.entry(cols[0].to_string()).or_default() += 1;
        let want = field(cols[0]);
        let (kind, also) = match cols[1].split_once(':') {
            Some((k, a)) => (k, Some(field(a))),
            None => (cols[1], None),
        };
        let want_kind = match kind {
            "exact" => MatchKind::Exact,
            "meaning" => MatchKind::Meaning,
            "compound" => MatchKind::Compound,
            k => panic!("line {}: unknown kind {k:?}", n + 1),
        };
        match got {
            Some(g) if g.field == want && g.kind == want_kind && (also.is_none() || g.also == also) => {}
            other => failures.push(format!(
                "line {}: {header:?} should be {want:?} ({want_kind:?}{}), got {other:?}",
                n + 1,
                also.map(|a| format!(", also {a:?}")).unwrap_or_default()
            )),
        }
    }
    assert!(failures.is_empty(), "{} header(s) mapped wrongly:\n{}", failures.len(), failures.join("\n"));
    for f in [
        "enterprise",
        "description",
        "demand",
        "category",
        "township",
        "lead_unit",
        "support_units",
        "handler",
        "time_limit",
        "progress",
        "raised_on",
    ] {
        assert!(per_field.get(f).copied().unwrap_or(0) >= 30, "{f}: only {:?} variants", per_field.get(f));
    }
    assert!(negatives >= 30, "only {negatives} negatives");
}
