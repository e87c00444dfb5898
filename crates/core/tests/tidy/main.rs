//! Tidy: the module layering of `taizhang-core` and `taizhang-ledger` (ARCHITECTURE.md, "Layers"),
//! checked on their sources as rust-analyzer's tidy tests check its rules.
//!
//! Each crate's modules are placed in layers, lowest first; a module imports only modules in
//! lower layers of the same parent, and the modules of one layer are independent of each other.
//! A directory module (`calendar/`, `workflow/`) has layers of its own for its children. A new
//! module fails the test until it is placed here; an import upwards or sideways fails it with the
//! file, the line and the import. Tests inside a module (`#[cfg(test)]`) are not checked.

mod check;
mod lex;
mod refs;

use std::fs;
use std::path::Path;

use check::{check, Layering, Source};

/// `taizhang-core`: vocabulary first, then what carries it, then the rules over it.
const CORE: &[Layering] = &[
    Layering {
        parent: "",
        layers: &[
            // The one error contract; clap's reading of labelled enums (feature `clap`); the
            // labels catalogue.
            &["coded", "cli_value", "labels"],
            // The vocabulary: units, users, labelled enums; names; codes;
            // the chain's encoding; periods; password hashes.
            &["model", "text", "credit_code", "chain", "period", "password"],
            // Errors; the working-day calendar; printed documents' kinds, patterns and numbers.
            &["error", "calendar", "document"],
            // Monitoring's arithmetic, due dates and warning rules (pure, over the calendar).
            &["monitoring"],
            // The settings in force; what an imported sheet row is; what an attached file is.
            &["settings", "import", "attachment"],
            // What users ask (commands) and what happened (events).
            &["command", "event"],
            // The date range of events; the problem aggregate folded from events; the genesis.
            &["dates", "problem", "genesis", "monitoring_state"],
            // Derived from a problem: lateness, countable facts.
            // What a printed document says.
            // Who an act concerns (the bell).
            &["escalation", "figure_facts", "document_text", "notices"],
            // Deciding commands; scorecards.
            &["workflow", "figures"],
            // Re-deciding stored events, and replaying a log through that.
            &["admit"],
            &["replay"],
        ],
    },
    Layering {
        parent: "monitoring",
        // Amounts, months and the arithmetic; due dates and project pace; the warning rules.
        layers: &[
            &["indicators", "pairing"],
            &["schedule", "projects"],
            &["warnings"],
            &["records"],
            &["monthly", "evaluate"],
        ],
    },
    Layering {
        parent: "calendar",
        layers: &[&["schedule"], &["parse_json", "parse_csv", "holidays"], &["working_days"], &["deadlines"]],
    },
    Layering {
        parent: "workflow",
        layers: &[
            &["world", "permissions"],
            &["validation", "numbering", "documents", "gate"],
            &["assignment", "import", "monitoring"],
            &["decide"],
        ],
    },
];

/// `taizhang-ledger`: rows and files first, then the projections, the write path, the checks
/// over the chain, and the readers the screens use. `lib.rs` (the `Ledger` type) is the root.
const LEDGER: &[Layering] = &[
    Layering {
        parent: "",
        layers: &[
            &["error"],
            // The stored form of a problem aggregate (deflated JSON).
            &["state_codec"],
            // Row readers and column encodings; password hashes; the high-water mark; import lookups;
            // whether the file is a replica; packing a backup;
            // the files events name; how the log is stored.
            &[
                "event_log",
                "read",
                "password",
                "clock",
                "imports",
                "replica_log",
                "monitoring_fold",
                "backup_pack",
                "attachments",
            ],
            // The figure counts projection; the per-connection context cache.
            &["figure_counts", "context"],
            // Opening and migrating files; the projector.
            &["file", "project"],
            // Output targets; the core's `World` over a transaction; rebuilding projections.
            &["output", "world", "rebuild"],
            // Appending chained events; chain verification; the replica's outbox, pulls and re-folds.
            &["append", "verify", "replica"],
            // The one write path (decide, append, project in one transaction); the full verify; backups.
            &["write", "verify_full", "backup"],
            // Queries, scorecards and reports for the screens.
            &[
                "queries",
                "figures",
                "report",
                "documents",
                "visits_due",
                "monitoring_views",
                "lead_suggestions",
                "row_actions",
                "notices",
            ],
            // The office's 督办中心 (queues as ledger filters); the warnings board; the 走访 list.
            &["monitoring_board", "office_console", "visit_page"],
            // Readers gathered around one subject: a leader's items, a project's history, an
            // enterprise's file (一企一档).
            &["leader_items", "project_report", "enterprise_file"],
            &["export_rows"],
        ],
    },
    Layering {
        parent: "replica",
        // The device's number series and the re-fold; then joining, the outbox and pulls.
        layers: &[&["numbering", "fold"], &["state", "outbox", "ingest", "parked"]],
    },
];

/// Every `.rs` file under `dir`, with its path below it.
fn sources(dir: &Path) -> Vec<Source> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<Source>) {
        let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.push(Source { path: rel, text: fs::read_to_string(&path).unwrap() });
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    assert!(out.iter().any(|s| s.path == "lib.rs"), "no lib.rs under {}", dir.display());
    out
}

fn crate_src(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name).join("src")
}

fn assert_layered(name: &str, layering: &[Layering]) {
    let violations = check(&sources(&crate_src(name)), layering);
    let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
    assert!(
        violations.is_empty(),
        "crates/{name}: {} fault(s) in the module layering (declared in crates/core/tests/tidy/main.rs):\n{}",
        violations.len(),
        list.join("\n")
    );
}

#[test]
fn core_modules_import_only_lower_layers() {
    assert_layered("core", CORE);
}

#[test]
fn ledger_modules_import_only_lower_layers() {
    assert_layered("ledger", LEDGER);
}

/// The check reads the real trees: an upward import added to a real file is caught, so the two
/// tests above are not passing on a tree the checker cannot see.
#[test]
fn an_upward_import_in_the_real_tree_is_caught() {
    for (name, layering, low, high) in [("core", CORE, "model.rs", "replay"), ("ledger", LEDGER, "read.rs", "append")] {
        let mut srcs = sources(&crate_src(name));
        let file = srcs.iter_mut().find(|s| s.path == low).unwrap();
        file.text.push_str(&format!("\nuse crate::{high}::*;\n"));
        let line = file.text.lines().count();
        let violations = check(&srcs, layering);
        assert_eq!(violations.len(), 1, "{name}: {violations:#?}");
        assert_eq!((violations[0].file.as_str(), violations[0].line), (low, line));
        assert!(violations[0].why.contains("above it"), "{}", violations[0]);
    }
}
