//! What a source file says about modules: its `use` declarations (grouped ones unfolded), the
//! other paths that begin with `crate`, `super` or `self`, the items it defines and its inline
//! modules, all read with the items under `#[cfg(test)]` left out.

use std::collections::BTreeSet;

use super::lex::{Tok, Token};

/// A `use` leaf: the path as written, and the name it binds (`None` for a glob).
#[derive(Debug, Clone)]
pub struct UseLeaf {
    pub segs: Vec<String>,
    pub binds: Option<String>,
    pub line: usize,
}

/// A path as written (`crate::a::B`, `super::x`), with its line.
#[derive(Debug, Clone)]
pub struct PathRef {
    pub segs: Vec<String>,
    pub line: usize,
}

fn is(tokens: &[Token], i: usize, punct: char) -> bool {
    tokens.get(i).is_some_and(|t| t.is_punct(punct))
}

/// The index just past the bracketed group opening at `i` (`(`, `[` or `{`).
fn past_group(tokens: &[Token], i: usize) -> usize {
    let mut depth = 0i32;
    let mut j = i;
    while let Some(t) = tokens.get(j) {
        match t.tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
        j += 1;
    }
    j
}

/// Whether `#[cfg(test)]` starts at `i`.
fn cfg_test_at(tokens: &[Token], i: usize) -> bool {
    let shape = ["#", "[", "cfg", "(", "test", ")", "]"];
    shape.iter().enumerate().all(|(k, s)| {
        tokens.get(i + k).is_some_and(|t| match &t.tok {
            Tok::Punct(c) => s.len() == 1 && s.starts_with(*c),
            Tok::Ident(id) => id == s,
        })
    })
}

/// The tokens with every item under `#[cfg(test)]` left out: after the attribute (and any
/// attributes following it), up to the item's `;` or through its `{ … }` body.
pub fn without_tests(tokens: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if !cfg_test_at(&tokens, i) {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        }
        i += 7;
        while is(&tokens, i, '#') && is(&tokens, i + 1, '[') {
            i = past_group(&tokens, i + 1);
        }
        while i < tokens.len() {
            if is(&tokens, i, ';') {
                i += 1;
                break;
            }
            if is(&tokens, i, '{') {
                i = past_group(&tokens, i);
                break;
            }
            if is(&tokens, i, '(') || is(&tokens, i, '[') {
                i = past_group(&tokens, i);
            } else {
                i += 1;
            }
        }
    }
    out
}

/// Parses the use tree starting at `i` with `prefix` already read; returns the leaves and the
/// index after the tree.
fn use_tree(tokens: &[Token], mut i: usize, prefix: Vec<String>, out: &mut Vec<UseLeaf>) -> usize {
    let mut segs = prefix;
    let line = tokens.get(i).map_or(0, |t| t.line);
    if is(tokens, i, ':') && is(tokens, i + 1, ':') {
        i += 2; // a leading `::`
    }
    loop {
        match tokens.get(i) {
            Some(t) if t.is_punct('{') => {
                i += 1;
                while i < tokens.len() && !is(tokens, i, '}') {
                    i = use_tree(tokens, i, segs.clone(), out);
                    if is(tokens, i, ',') {
                        i += 1;
                    }
                }
                return i + 1;
            }
            Some(t) if t.is_punct('*') => {
                out.push(UseLeaf { segs, binds: None, line });
                return i + 1;
            }
            Some(t) if t.ident().is_some() => {
                segs.push(t.ident().unwrap().to_string());
                i += 1;
                if is(tokens, i, ':') && is(tokens, i + 1, ':') {
                    i += 2;
                    continue;
                }
                let mut binds = segs.last().cloned();
                if tokens.get(i).is_some_and(|t| t.is_ident("as")) {
                    binds = tokens.get(i + 1).and_then(|t| t.ident()).map(str::to_string);
                    i += 2;
                }
                if segs.len() > 1 && segs.last().is_some_and(|s| s == "self") {
                    // `use a::b::{self}` binds `b`.
                    segs.pop();
                    if binds.as_deref() == Some("self") {
                        binds = segs.last().cloned();
                    }
                }
                out.push(UseLeaf { segs, binds, line });
                return i;
            }
            _ => return i,
        }
    }
}

/// Every `use` declaration's leaves, and the other paths that begin with `crate`, `super` or
/// `self`.
pub fn references(tokens: &[Token]) -> (Vec<UseLeaf>, Vec<PathRef>) {
    let mut uses = Vec::new();
    let mut paths = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if t.is_ident("use") {
            i = use_tree(tokens, i + 1, vec![], &mut uses);
            continue;
        }
        let starts_path = matches!(t.ident(), Some("crate" | "super" | "self"))
            && is(tokens, i + 1, ':')
            && is(tokens, i + 2, ':')
            && !(i > 0 && is(tokens, i - 1, '$'))
            && !(i > 1 && is(tokens, i - 1, ':') && is(tokens, i - 2, ':'))
            && !(i > 0 && tokens[i - 1].is_ident("in"));
        if !starts_path {
            i += 1;
            continue;
        }
        let line = t.line;
        let mut segs = vec![t.ident().unwrap().to_string()];
        i += 1;
        while is(tokens, i, ':') && is(tokens, i + 1, ':') {
            match tokens.get(i + 2).and_then(|t| t.ident()) {
                Some(id) => {
                    segs.push(id.to_string());
                    i += 3;
                }
                None => break,
            }
        }
        paths.push(PathRef { segs, line });
    }
    (uses, paths)
}

const ITEM_KEYWORDS: &[&str] = &["fn", "struct", "enum", "trait", "type", "const", "static", "union", "mod"];

/// The names of the items a file defines (at any depth: enough to tell its own items from
/// re-exports), and its inline modules.
pub fn definitions(tokens: &[Token]) -> (BTreeSet<String>, Vec<(String, usize)>) {
    let mut defines = BTreeSet::new();
    let mut inline_mods = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let Some(kw) = t.ident() else { continue };
        if !ITEM_KEYWORDS.contains(&kw) {
            continue;
        }
        let Some(name) = tokens.get(i + 1).and_then(|n| n.ident()) else { continue };
        defines.insert(name.to_string());
        if kw == "mod" && is(tokens, i + 2, '{') {
            inline_mods.push((name.to_string(), t.line));
        }
    }
    (defines, inline_mods)
}
