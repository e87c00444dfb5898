//! Writing files never destroys one it must not (docs/reliability.md, "Writing files and
//! restoring"): an export or a report aimed at the open ledger, its side files, another ledger
//! or a backup, a FIFO, a device or a folder is refused with its own code and leaves the target
//! as it was; an existing file is replaced only when the caller says so.

use std::path::{Path, PathBuf};

use taizhang_core::period::Period;
use taizhang_exchange::export::{export_ledger_csv, export_ledger_xlsx, export_report_xlsx};
use taizhang_ledger::{Ledger, OutputTarget, ProblemFilter, Sort};
use taizhang_testsupport::ledger::district_ledger;
use taizhang_testsupport::{at, district, register};

fn ledger_at(path: &Path) -> Ledger {
    let (mut l, d) = district_ledger(path);
    register(&mut l, &d, "p1", at(2026, 3, 2));
    l
}

/// What a path is now: its kind and, for a file, its bytes.
fn state(p: &Path) -> String {
    match std::fs::symlink_metadata(p) {
        Err(_) => "absent".into(),
        Ok(m) if m.file_type().is_symlink() => format!("link to {}", std::fs::read_link(p).unwrap().display()),
        Ok(m) if m.is_dir() => "folder".into(),
        Ok(m) if m.is_file() => format!("file {:?}", std::fs::read(p).unwrap()),
        Ok(_) => "special".into(),
    }
}

fn csv(l: &Ledger, target: OutputTarget<'_>) -> Result<(), String> {
    export_ledger_csv(l, &ProblemFilter::default(), Sort::default(), at(2026, 3, 3), target, &mut |_, _| {})
        .map(|_| ())
        .map_err(|e| e.code().to_string())
}

fn xlsx(l: &Ledger, target: OutputTarget<'_>) -> Result<(), String> {
    export_ledger_xlsx(l, &ProblemFilter::default(), Sort::default(), at(2026, 3, 3), target, &mut |_, _| {})
        .map(|_| ())
        .map_err(|e| e.code().to_string())
}

fn report(l: &Ledger, target: OutputTarget<'_>) -> Result<(), String> {
    let period = Period::month(2026, 3).unwrap();
    export_report_xlsx(l, &period, at(2026, 3, 3), target).map(|_| ()).map_err(|e| e.code().to_string())
}

#[test]
fn exports_refuse_the_ledger_its_side_files_other_ledgers_and_non_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = d.join("p.db");
    let l = ledger_at(&path);
    let other = d.join("other.db");
    ledger_at(&other);
    let backup = d.join("backup.db");
    l.backup_to(&backup).unwrap();
    let hard = d.join("hard-link.xlsx");
    std::fs::hard_link(&path, &hard).unwrap();
    let mut cases: Vec<(PathBuf, &str)> = vec![
        (path.clone(), "output.target_is_open_ledger"),
        (d.join(".").join("p.db"), "output.target_is_open_ledger"),
        (hard.clone(), "output.target_is_open_ledger"),
        (PathBuf::from(format!("{}-wal", path.display())), "output.target_is_open_ledger"),
        (PathBuf::from(format!("{}-shm", path.display())), "output.target_is_open_ledger"),
        (PathBuf::from(format!("{}-journal", path.display())), "output.target_is_open_ledger"),
        (other.clone(), "output.target_is_ledger"),
        (backup.clone(), "output.target_is_ledger"),
        (d.to_path_buf(), "output.not_a_regular_file"),
    ];
    #[cfg(unix)]
    {
        let link = d.join("link.xlsx");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        cases.push((link, "output.target_is_open_ledger"));
        let fifo = d.join("pipe.csv");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        cases.push((fifo, "output.not_a_regular_file"));
        let device = d.join("device.xlsx");
        std::os::unix::fs::symlink("/dev/null", &device).unwrap();
        cases.push((device, "output.not_a_regular_file"));
        let dangling = d.join("dangling.xlsx");
        std::os::unix::fs::symlink(d.join("nowhere"), &dangling).unwrap();
        cases.push((dangling, "output.not_a_regular_file"));
    }
    let ledger_events = l.verify().unwrap().events;
    for (target, code) in &cases {
        let before = state(target);
        for (what, result) in [
            ("csv", csv(&l, OutputTarget::replacing(target))),
            ("xlsx", xlsx(&l, OutputTarget::replacing(target))),
            ("report", report(&l, OutputTarget::replacing(target))),
        ] {
            assert_eq!(result, Err(code.to_string()), "{what} onto {}", target.display());
        }
        if !target.ends_with("p.db-wal") && !target.ends_with("p.db-shm") {
            assert_eq!(state(target), before, "{} is as it was", target.display());
        }
    }
    let leftovers: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(l.verify().unwrap().events, ledger_events);
    drop(l);
    let reopened = Ledger::open(&path).unwrap();
    assert!(reopened.verify().unwrap().ok, "the ledger is whole");
    Ledger::open(&other).unwrap();
    Ledger::open(&backup).unwrap();
}

#[test]
fn an_existing_file_is_replaced_only_when_the_caller_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let l = ledger_at(&dir.path().join("p.db"));
    for (name, run) in
        [("a.csv", csv as fn(&Ledger, OutputTarget<'_>) -> Result<(), String>), ("a.xlsx", xlsx), ("r.xlsx", report)]
    {
        let out = dir.path().join(name);
        std::fs::write(&out, "the user's own file").unwrap();
        assert_eq!(run(&l, OutputTarget::new(&out)), Err("output.exists".to_string()), "{name}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "the user's own file");
        run(&l, OutputTarget::replacing(&out)).unwrap();
        assert_ne!(std::fs::read(&out).unwrap(), b"the user's own file");
        // A new name needs no permission.
        let fresh = dir.path().join(format!("new-{name}"));
        run(&l, OutputTarget::new(&fresh)).unwrap();
    }
}

#[test]
fn a_ledger_in_memory_vets_its_targets_too() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.db");
    ledger_at(&other);
    let mut l = Ledger::create_in_memory(at(2026, 3, 2)).unwrap();
    district(&mut l, at(2026, 3, 2));
    assert_eq!(csv(&l, OutputTarget::replacing(&other)), Err("output.target_is_ledger".to_string()));
}
