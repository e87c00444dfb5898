//! The layering check: every module of a crate is placed in a layer of its parent module, and
//! imports only modules in lower layers of the same parent (siblings in one layer are
//! independent). A reference is any `crate::…`, `super::…` or `self::…` path in code or in a `use`
//! (grouped uses included), or a `use` of a child module by name; a name taken through an
//! ancestor's re-export (`crate::Problem`, `super::gate`) counts as a reference to where the
//! re-export leads. Items under `#[cfg(test)]` are not checked: a module's tests may use
//! anything of the crate. Names defined in the crate root itself (the facade, `Ledger`) may be
//! used by every module.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::lex::tokens;
use super::refs::{definitions, references, without_tests, PathRef, UseLeaf};

/// A module's path below the crate root (`[]` is the root, `["workflow", "gate"]` a child).
type ModPath = Vec<String>;

/// One source file: its path below `src/` and its text.
pub struct Source {
    pub path: String,
    pub text: String,
}

/// The layers of one parent module's children, lowest first; `parent` is `""` for the crate
/// root, else its path joined with `::`.
#[derive(Clone, Copy)]
pub struct Layering {
    pub parent: &'static str,
    pub layers: &'static [&'static [&'static str]],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The file's path below `src/` (empty for a fault of the layering itself).
    pub file: String,
    pub line: usize,
    /// The source line of the reference, trimmed, or what the fault is in.
    pub code: String,
    pub why: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.file.is_empty() {
            write!(f, "crates/core/tests/tidy/main.rs, {}: {}", self.code, self.why)
        } else {
            write!(f, "src/{}:{}: `{}`\n    {}", self.file, self.line, self.code, self.why)
        }
    }
}

struct Module {
    file: String,
    lines: Vec<String>,
    uses: Vec<UseLeaf>,
    /// Paths outside `use` declarations.
    paths: Vec<PathRef>,
    /// Names of the items the file defines.
    defines: BTreeSet<String>,
    /// Names of the items the file defines, tests included.
    declared_in_tests: BTreeSet<String>,
    /// Inline modules outside tests (`mod x { … }`), with their lines.
    inline_mods: Vec<(String, usize)>,
}

fn module_path(file: &str) -> Option<ModPath> {
    let stem = file.strip_suffix(".rs")?;
    let mut segs: ModPath = stem.split('/').map(str::to_string).collect();
    if segs == ["lib"] {
        return Some(vec![]);
    }
    if segs.last().is_some_and(|s| s == "mod") {
        segs.pop();
    }
    Some(segs)
}

fn show(path: &[String]) -> String {
    if path.is_empty() {
        "the crate root".to_string()
    } else {
        format!("`{}`", path.join("::"))
    }
}

pub struct Checker {
    modules: BTreeMap<ModPath, Module>,
    /// Parent path → child name → layer index.
    ranks: BTreeMap<ModPath, BTreeMap<String, usize>>,
    violations: Vec<Violation>,
}

impl Checker {
    pub fn new(sources: &[Source], layering: &[Layering]) -> Checker {
        let mut modules = BTreeMap::new();
        for s in sources {
            let Some(path) = module_path(&s.path) else { continue };
            let all = tokens(&s.text);
            let (declared, _) = definitions(&all);
            let toks = without_tests(all);
            let (uses, paths) = references(&toks);
            let (defines, inline_mods) = definitions(&toks);
            let module = Module {
                file: s.path.clone(),
                lines: s.text.lines().map(str::to_string).collect(),
                uses,
                paths,
                defines,
                declared_in_tests: declared,
                inline_mods,
            };
            modules.insert(path, module);
        }
        // A file whose parent declares it only under `#[cfg(test)]` (`mod tests;`) is a test
        // module: like tests inside a module, it may use anything of the crate.
        let test_only: Vec<ModPath> = modules
            .keys()
            .filter(|path| {
                path.split_last().is_some_and(|(name, parent)| {
                    modules
                        .get(parent)
                        .is_some_and(|p: &Module| p.declared_in_tests.contains(name) && !p.defines.contains(name))
                })
            })
            .cloned()
            .collect();
        for path in test_only {
            modules.remove(&path);
        }
        let mut ranks: BTreeMap<ModPath, BTreeMap<String, usize>> = BTreeMap::new();
        for l in layering {
            let parent: ModPath =
                if l.parent.is_empty() { vec![] } else { l.parent.split("::").map(str::to_string).collect() };
            let entry = ranks.entry(parent).or_default();
            for (rank, layer) in l.layers.iter().enumerate() {
                for name in *layer {
                    entry.insert(name.to_string(), rank);
                }
            }
        }
        Checker { modules, ranks, violations: Vec::new() }
    }

    fn flag(&mut self, from: &[String], line: usize, why: String) {
        let m = &self.modules[from];
        let code = m.lines.get(line.wrapping_sub(1)).map_or(String::new(), |l| l.trim().to_string());
        self.violations.push(Violation { file: m.file.clone(), line, code, why });
    }

    /// Every module placed exactly where the layering says, and every name in the layering a
    /// module.
    fn check_placement(&mut self, layering: &[Layering]) {
        let paths: Vec<ModPath> = self.modules.keys().cloned().collect();
        for path in &paths {
            let Some((name, parent)) = path.split_last() else { continue };
            let placed = self.ranks.get(parent).is_some_and(|r| r.contains_key(name));
            if !placed {
                let file = self.modules[path].file.clone();
                self.violations.push(Violation {
                    file,
                    line: 1,
                    code: format!("mod {name}"),
                    why: format!(
                        "module {} is in no layer: place it in the layers of {} in crates/core/tests/tidy/main.rs",
                        show(path),
                        show(parent)
                    ),
                });
            }
        }
        for l in layering {
            let mut seen = BTreeSet::new();
            for name in l.layers.iter().flat_map(|layer| layer.iter()) {
                let parent: ModPath =
                    if l.parent.is_empty() { vec![] } else { l.parent.split("::").map(str::to_string).collect() };
                let mut path = parent.clone();
                path.push(name.to_string());
                let problem = if !seen.insert(*name) {
                    Some("is named twice")
                } else if !self.modules.contains_key(&path) {
                    Some("has no file")
                } else {
                    None
                };
                if let Some(problem) = problem {
                    self.violations.push(Violation {
                        file: String::new(),
                        line: 0,
                        code: format!("layers of {}", show(&parent)),
                        why: format!("module {} {problem}", show(&path)),
                    });
                }
            }
        }
    }

    /// What a path as written in module `from` names: an absolute path, or `None` for a path
    /// outside the crate (another crate, the standard library, a local name).
    fn absolute(&self, from: &[String], segs: &[String], in_use: bool) -> Option<Vec<String>> {
        let first = segs.first()?;
        match first.as_str() {
            "crate" => Some(segs[1..].to_vec()),
            "self" => Some(from.iter().chain(&segs[1..]).cloned().collect()),
            "super" => {
                let ups = segs.iter().take_while(|s| *s == "super").count();
                let base = from.get(..from.len().checked_sub(ups)?)?;
                Some(base.iter().chain(&segs[ups..]).cloned().collect())
            }
            // `use child::x` names a child module in the 2018 edition.
            name if in_use => {
                let mut child = from.to_vec();
                child.push(name.to_string());
                self.modules.contains_key(&child).then(|| from.iter().chain(segs).cloned().collect())
            }
            _ => None,
        }
    }

    /// The longest prefix of `abs` that is a module.
    fn module_prefix(&self, abs: &[String]) -> ModPath {
        (0..=abs.len()).rev().map(|n| abs[..n].to_vec()).find(|p| self.modules.contains_key(p)).unwrap_or_default()
    }

    /// Where the name `item`, used through module `m`, leads when `m` brings it in from
    /// elsewhere (`pub use x::Y`, `pub use x::*`), as an absolute path; `None` when `m` defines
    /// it (or it is not there at all).
    fn reexport(&self, m: &[String], item: &str) -> Option<Vec<String>> {
        let module = &self.modules[m];
        for leaf in &module.uses {
            if leaf.binds.as_deref() == Some(item) {
                if let Some(abs) = self.absolute(m, &leaf.segs, true) {
                    return Some(abs);
                }
            }
        }
        if module.defines.contains(item) {
            return None;
        }
        for leaf in module.uses.iter().filter(|l| l.binds.is_none()) {
            let Some(abs) = self.absolute(m, &leaf.segs, true) else { continue };
            if self.modules.get(&abs).is_some_and(|g| g.defines.contains(item)) {
                let mut target = abs;
                target.push(item.to_string());
                return Some(target);
            }
        }
        None
    }

    /// Whether module `from` may refer to `abs`; `Err` says why not.
    fn judge(&self, from: &[String], abs: &[String], depth: usize) -> Result<(), String> {
        if depth > 8 {
            return Err("a chain of re-exports too long to follow".into());
        }
        let target = self.module_prefix(abs);
        if target.starts_with(from) {
            return Ok(()); // itself or one of its own children
        }
        if from.starts_with(&target) {
            // An ancestor: follow its re-export, or it is the ancestor's own item.
            let rest = &abs[target.len()..];
            let Some(item) = rest.first() else {
                return Err(format!(
                    "imports its ancestor {} whole: import from the sibling module below it",
                    show(&target)
                ));
            };
            if let Some(mut lead) = self.reexport(&target, item) {
                lead.extend(rest[1..].iter().cloned());
                return self.judge(from, &lead, depth + 1);
            }
            if target.is_empty() {
                return Ok(()); // the crate root's own items (the facade, `Ledger`)
            }
            return Err(format!(
                "uses `{item}`, which its parent module {} defines: a module imports only siblings below it, so move `{item}` into one",
                show(&target)
            ));
        }
        let k = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
        let parent = &from[..k];
        let (a, b) = (&from[k], &target[k]);
        let ranks = self.ranks.get(parent);
        let (Some(ra), Some(rb)) = (ranks.and_then(|r| r.get(a)), ranks.and_then(|r| r.get(b))) else {
            return Ok(()); // an unplaced module is reported by the placement check
        };
        let (sa, sb) = (show(&from[..=k]), show(&target[..=k]));
        match rb.cmp(ra) {
            std::cmp::Ordering::Less => Ok(()),
            std::cmp::Ordering::Equal => Err(format!(
                "{sa} imports {sb}, a module of its own layer ({}): modules of one layer are independent",
                ra + 1
            )),
            std::cmp::Ordering::Greater => Err(format!(
                "{sa} (layer {}) imports {sb} (layer {}, above it): a module imports only modules in lower layers",
                ra + 1,
                rb + 1
            )),
        }
    }

    fn check_references(&mut self) {
        let mut found = Vec::new();
        for (from, m) in &self.modules {
            for (name, line) in &m.inline_mods {
                found.push((from.clone(), *line, format!("inline module `{name}` outside tests: give it a file of its own, so it has a place in the layers")));
            }
            let refs = m
                .uses
                .iter()
                .map(|u| (&u.segs, u.line, true, u.binds.is_none()))
                .chain(m.paths.iter().map(|p| (&p.segs, p.line, false, false)));
            for (segs, line, in_use, glob) in refs {
                let Some(abs) = self.absolute(from, segs, in_use) else { continue };
                let target = self.module_prefix(&abs);
                let result = if glob && from.starts_with(&target) && target != *from {
                    Err(format!(
                        "a glob import from its ancestor {} hides which modules it uses: name them",
                        show(&target)
                    ))
                } else {
                    self.judge(from, &abs, 0)
                };
                if let Err(why) = result {
                    found.push((from.clone(), line, why));
                }
            }
        }
        for (from, line, why) in found {
            self.flag(&from, line, why);
        }
    }

    /// Every violation, in file order.
    pub fn run(mut self, layering: &[Layering]) -> Vec<Violation> {
        self.check_placement(layering);
        self.check_references();
        let mut v = self.violations;
        v.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        v.dedup();
        v
    }
}

pub fn check(sources: &[Source], layering: &[Layering]) -> Vec<Violation> {
    Checker::new(sources, layering).run(layering)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYERS: &[Layering] = &[
        Layering { parent: "", layers: &[&["low"], &["mid_a", "mid_b"], &["high"]] },
        Layering { parent: "high", layers: &[&["base"], &["top"]] },
    ];

    /// A small crate laid out as `LAYERS` says, with `changes` replacing or adding files.
    fn tree(changes: &[(&str, &str)]) -> Vec<Source> {
        let mut files: BTreeMap<&str, String> = [
            (
                "lib.rs",
                "pub mod low; pub mod mid_a; pub mod mid_b; pub mod high;\npub use mid_a::Thing;\npub struct Root;\n",
            ),
            ("low.rs", "pub struct Low;\n"),
            ("mid_a.rs", "pub struct Thing;\n"),
            ("mid_b.rs", "use crate::low::Low;\n"),
            ("high/mod.rs", "mod base;\nmod top;\npub use base::Base;\n"),
            ("high/base.rs", "pub struct Base;\n"),
            ("high/top.rs", "use super::base::Base;\n"),
        ]
        .into_iter()
        .map(|(p, t)| (p, t.to_string()))
        .collect();
        for (p, t) in changes {
            files.insert(p, t.to_string());
        }
        files.into_iter().map(|(path, text)| Source { path: path.to_string(), text }).collect()
    }

    /// (file, line, why) of each violation.
    fn faults(changes: &[(&str, &str)]) -> Vec<(String, usize, String)> {
        check(&tree(changes), LAYERS).into_iter().map(|v| (v.file, v.line, v.why)).collect()
    }

    #[test]
    fn a_tree_that_imports_downwards_passes() {
        let high = "use crate::{low::Low, mid_a::{self, Thing}};\nuse crate::Root;\nfn f() { crate::mid_b::g(); }\n";
        assert_eq!(faults(&[("high/top.rs", high)]), []);
    }

    #[test]
    fn an_upward_import_is_named_with_its_file_and_line() {
        let f = faults(&[("low.rs", "pub struct Low;\n\nuse crate::high::Base;\n")]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].0.as_str(), f[0].1), ("low.rs", 3));
        assert!(f[0].2.contains("`low` (layer 1) imports `high` (layer 3, above it)"), "{}", f[0].2);
        let shown = check(&tree(&[("low.rs", "pub struct Low;\n\nuse crate::high::Base;\n")]), LAYERS)[0].to_string();
        assert!(shown.starts_with("src/low.rs:3: `use crate::high::Base;`"), "{shown}");
    }

    #[test]
    fn modules_of_one_layer_are_independent() {
        let f = faults(&[("mid_a.rs", "pub struct Thing;\nfn f() { let _ = crate::mid_b::X; }\n")]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].2.contains("a module of its own layer (2)"), "{}", f[0].2);
    }

    #[test]
    fn grouped_uses_and_paths_in_code_count() {
        let f = faults(&[(
            "low.rs",
            "use crate::{\n    mid_a::Thing,\n    high::{base, Base},\n};\nfn f() -> crate::mid_b::X { todo!() }\n",
        )]);
        let lines: Vec<usize> = f.iter().map(|x| x.1).collect();
        // The two references of line 3 say the same and are reported once.
        assert_eq!(lines, [2, 3, 5], "{f:?}");
    }

    #[test]
    fn tests_comments_and_strings_do_not_count() {
        let low = "// use crate::high::Base;\n/* crate::high::Base */\nconst S: &str = \"crate::high::Base\";\n\
                   #[cfg(test)]\nmod tests {\n    use crate::high::Base;\n    fn f() { let _ = '}'; }\n}\n\
                   #[cfg(test)]\nuse crate::mid_a::Thing;\npub struct Low;\n";
        assert_eq!(faults(&[("low.rs", low)]), []);
        // What follows a test item is checked again.
        let f = faults(&[("low.rs", &format!("{low}use crate::mid_a::Thing;\n"))]);
        assert_eq!(f.iter().map(|x| x.1).collect::<Vec<_>>(), [12], "{f:?}");
    }

    #[test]
    fn a_child_imports_siblings_below_it_never_its_parent() {
        let f = faults(&[("high/base.rs", "use super::top::Top;\n")]);
        assert!(f.len() == 1 && f[0].2.contains("`high::base` (layer 1) imports `high::top` (layer 2"), "{f:?}");
        // Through the parent's re-export, the sibling it leads to is judged.
        let f = faults(&[
            ("high/mod.rs", "mod base;\nmod top;\npub use top::Top;\n"),
            ("high/base.rs", "use super::Top;\n"),
        ]);
        assert!(f.len() == 1 && f[0].2.contains("imports `high::top`"), "{f:?}");
        // An item the parent itself defines is above every child.
        let f =
            faults(&[("high/mod.rs", "mod base;\nmod top;\npub struct Own;\n"), ("high/top.rs", "use super::Own;\n")]);
        assert!(f.len() == 1 && f[0].2.contains("which its parent module `high` defines"), "{f:?}");
        // The crate root's own items are everyone's.
        assert_eq!(faults(&[("low.rs", "use crate::Root;\n")]), []);
    }

    #[test]
    fn a_name_from_the_root_is_judged_where_it_lives() {
        let f = faults(&[("low.rs", "fn f(_: crate::Thing) {}\n")]);
        assert!(f.len() == 1 && f[0].2.contains("imports `mid_a`"), "{f:?}");
        let f = faults(&[
            ("lib.rs", "pub mod low; pub mod mid_a; pub mod mid_b; pub mod high;\npub use mid_a::*;\n"),
            ("low.rs", "use crate::Thing;\n"),
        ]);
        assert!(f.len() == 1 && f[0].2.contains("imports `mid_a`"), "{f:?}");
    }

    #[test]
    fn every_module_has_a_place_and_every_place_a_module() {
        let f = faults(&[("extra.rs", ""), ("high/side.rs", "")]);
        let whys: Vec<&str> = f.iter().map(|x| x.2.as_str()).collect();
        assert_eq!(whys.len(), 2, "{f:?}");
        assert!(whys[0].contains("`extra` is in no layer: place it in the layers of the crate root"), "{whys:?}");
        assert!(whys[1].contains("`high::side` is in no layer: place it in the layers of `high`"), "{whys:?}");
        // A file its parent declares only under `#[cfg(test)]` is a test module, placed nowhere.
        let f = faults(&[
            ("high/mod.rs", "mod base;\nmod top;\n#[cfg(test)]\nmod tests;\n"),
            ("high/tests.rs", "use crate::mid_a::Thing;\n"),
        ]);
        assert_eq!(f, []);
        let layers =
            [Layering { parent: "", layers: &[&["low", "gone"], &["mid_a", "mid_b", "low"], &["high"]] }, LAYERS[1]];
        let v = check(&tree(&[]), &layers);
        let whys: Vec<String> = v.iter().map(|v| v.to_string()).collect();
        assert!(whys.iter().any(|w| w.contains("`gone` has no file")), "{whys:?}");
        assert!(whys.iter().any(|w| w.contains("`low` is named twice")), "{whys:?}");
    }

    #[test]
    fn globs_from_ancestors_and_inline_modules_are_refused() {
        let f = faults(&[("high/top.rs", "use super::*;\n")]);
        assert!(f.len() == 1 && f[0].2.contains("glob import from its ancestor `high`"), "{f:?}");
        let f = faults(&[("low.rs", "pub struct Low;\nmod inner {\n    use super::Low;\n}\n")]);
        assert!(f.len() == 1 && f[0].1 == 2 && f[0].2.contains("inline module `inner`"), "{f:?}");
    }
}
