//! Backups and restore on real files: online copies while the ledger is open, rotation, and a
//! restore that checks the backup before it replaces anything and keeps what it replaced.

use std::path::Path;

use taizhang_core::*;
use taizhang_ledger::backup::restore;
use taizhang_ledger::{Ledger, LedgerError};
use taizhang_testsupport::ledger::district_ledger;
use taizhang_testsupport::{assign, at, register};

/// The file and its WAL sidecars, as (name, length, a digest): compared, never printed whole.
fn bytes(path: &Path) -> Vec<(String, usize, u64)> {
    use std::hash::{Hash, Hasher};
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|e| {
            let b = std::fs::read(format!("{}{e}", path.display())).ok()?;
            let mut h = std::collections::hash_map::DefaultHasher::new();
            b.hash(&mut h);
            Some((e.to_string(), b.len(), h.finish()))
        })
        .collect()
}

fn events(ledger: &Ledger) -> i64 {
    ledger.connection().query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap()
}

/// A ledger with a district and two problems, one assigned.
fn ledger_at(path: &Path) -> Ledger {
    let (mut l, d) = district_ledger(path);
    let p = register(&mut l, &d, "p1", at(2026, 3, 2));
    l.execute("admin", &Command::Assign { problem_id: p, request: assign(&d.dept_a, &[&d.dept_b]) }, at(2026, 3, 2))
        .unwrap();
    register(&mut l, &d, "p2", at(2026, 3, 3));
    l
}

/// `dir/ledger.db` (closed again) and its backup `dir/backup.db`.
fn closed_ledger_and_backup(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let path = dir.join("ledger.db");
    let backup = dir.join("backup.db");
    ledger_at(&path).backup_to(&backup).unwrap();
    (path, backup)
}

#[test]
fn a_backup_is_a_verified_copy_made_while_the_ledger_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = ledger_at(&dir.path().join("ledger.db"));
    let out = dir.path().join("备份.db");
    let info = l.backup_to(&out).unwrap();
    assert_eq!(info.events, events(&l));
    assert_eq!(info.chain_heads, l.verify().unwrap().chains);
    let mut copy = Ledger::open(&out).unwrap();
    assert_eq!(events(&copy), events(&l));
    assert!(copy.rebuild().unwrap().equal);
    // The ledger goes on being written after the backup; the backup stays as it was.
    l.execute("admin", &Command::Close { problem_id: "p1".into(), note: String::new() }, at(2026, 3, 4)).unwrap_err();
    l.execute("gx", &Command::Sign { problem_id: "p1".into(), handler: String::new() }, at(2026, 3, 3)).unwrap();
    assert_eq!(events(&copy) + 1, events(&l));
    // No partial file is left beside it.
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn automatic_backups_rotate_and_keep_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let l = ledger_at(&dir.path().join("城关台账.db"));
    let backups = dir.path().join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    std::fs::write(backups.join("别的文件.db"), b"not ours").unwrap();
    // A plain copy an earlier version wrote counts among this ledger's backups.
    l.backup_to(&backups.join("城关台账-20260305-090000.db")).unwrap();
    let mut made = Vec::new();
    for minute in 0..5 {
        let t = at(2026, 3, 5) + chrono::Duration::minutes(minute * 30);
        made.push(l.backup_rotating(&backups, t, 3).unwrap().path);
    }
    let mut left: Vec<String> =
        std::fs::read_dir(&backups).unwrap().filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    left.sort();
    assert_eq!(
        left,
        vec![
            "别的文件.db",
            "城关台账-20260305-110000.db.gz",
            "城关台账-20260305-113000.db.gz",
            "城关台账-20260305-120000.db.gz"
        ]
    );
    assert!(made[4].ends_with("城关台账-20260305-120000.db.gz"));
}

#[test]
fn restore_checks_the_backup_first_and_keeps_the_replaced_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let mut l = ledger_at(&path);
    let backup = dir.path().join("backup.db");
    l.backup_to(&backup).unwrap();
    let at_backup = events(&l);
    l.execute("gx", &Command::Sign { problem_id: "p1".into(), handler: String::new() }, at(2026, 3, 3)).unwrap();
    let after = events(&l);
    drop(l);
    let backup_bytes = bytes(&backup);

    // The backup lacks the sign made after it: said so, and nothing moves without --force.
    let err = restore(&backup, &path, at(2026, 3, 6), false).unwrap_err();
    assert_eq!(err.code(), "restore.older_backup", "{err}");
    assert_eq!(err.to_json()["missing"], after - at_backup);
    assert_eq!(events(&Ledger::open(&path).unwrap()), after, "a refused restore leaves the ledger as it was");
    let report = restore(&backup, &path, at(2026, 3, 6), true).unwrap();
    assert_eq!(report.events, at_backup);
    let kept = report.kept_as.clone().unwrap();
    assert!(kept.ends_with("ledger.replaced-20260306-100000.db"), "{kept}");
    assert_eq!(events(&Ledger::open(&path).unwrap()), at_backup);
    assert_eq!(events(&Ledger::open(Path::new(&kept)).unwrap()), after, "the replaced ledger is kept whole");
    assert_eq!(bytes(&backup), backup_bytes, "the backup itself is never written to");
}

#[test]
fn a_broken_or_foreign_backup_is_refused_and_nothing_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let (path, backup) = closed_ledger_and_backup(dir.path());
    // Someone edits the backup with sqlite3: drops the guards and rewrites a payload.
    {
        let c = rusqlite::Connection::open(&backup).unwrap();
        let triggers: Vec<String> = {
            let mut st = c
                .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%append_only%'")
                .unwrap();
            st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
        };
        for t in triggers {
            c.execute_batch(&format!("DROP TRIGGER \"{t}\"")).unwrap();
        }
        c.execute(
            "UPDATE events SET payload = replace(payload, '扩建厂房', '改建厂房') WHERE kind = 'problem_registered'",
            [],
        )
        .unwrap();
    }
    let before = bytes(&path);
    let tampered = bytes(&backup);
    let err = restore(&backup, &path, at(2026, 3, 6), true).unwrap_err();
    assert_eq!(err.code(), "backup.broken", "{err}");
    assert_eq!(bytes(&path), before);
    assert_eq!(bytes(&backup), tampered);

    let foreign = dir.path().join("other.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let err = restore(&foreign, &path, at(2026, 3, 6), true).unwrap_err();
    assert!(matches!(err, LedgerError::NotALedger { .. }), "{err}");
    let err = restore(&dir.path().join("missing.db"), &path, at(2026, 3, 6), true).unwrap_err();
    assert_eq!(err.code(), "ledger.no_such_file");
    assert_eq!(bytes(&path), before);
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains(".part") || n.contains("replaced"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    v.sort();
    v
}

#[test]
fn restore_refuses_while_another_connection_holds_the_ledger_and_moves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let l = ledger_at(&path);
    let backup = dir.path().join("backup.db");
    l.backup_to(&backup).unwrap();
    // Another program has the ledger open, idle between its writes.
    let names = names_in(dir.path());
    let err = restore(&backup, &path, at(2026, 3, 6), true).unwrap_err();
    assert_eq!(err.code(), "ledger.busy", "{err}");
    assert_eq!(names_in(dir.path()), names, "nothing moved aside, no copy left behind");
    // Its next write still lands in the ledger at the path.
    let mut l = l;
    l.execute("gx", &Command::Sign { problem_id: "p1".into(), handler: String::new() }, at(2026, 3, 3)).unwrap();
    let n = events(&l);
    drop(l);
    assert_eq!(events(&Ledger::open(&path).unwrap()), n);
    // Closed, the same restore goes through.
    restore(&backup, &path, at(2026, 3, 6), true).unwrap();
}

#[test]
fn a_connection_whose_file_was_swapped_refuses_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let mut l = ledger_at(&path);
    let before = events(&l);
    // Another program swaps a different file in under the same name (what a restore does).
    let other = dir.path().join("other.db");
    ledger_at(&other);
    let aside = dir.path().join("aside.db");
    l.connection().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::rename(format!("{}{ext}", path.display()), format!("{}{ext}", aside.display()));
    }
    std::fs::rename(&other, &path).unwrap();
    let err = l
        .execute("gx", &Command::Sign { problem_id: "p1".into(), handler: String::new() }, at(2026, 3, 3))
        .unwrap_err();
    assert_eq!(err.code(), "ledger.replaced", "{err}");
    assert!(l.check_not_replaced().is_err());
    drop(l);
    assert_eq!(events(&Ledger::open(&aside).unwrap()), before, "nothing landed in the moved-aside file");
}

#[test]
fn two_restores_in_one_second_keep_both_replaced_files() {
    let dir = tempfile::tempdir().unwrap();
    let (path, backup) = closed_ledger_and_backup(dir.path());
    let t = at(2026, 3, 6);
    let first = restore(&backup, &path, t, false).unwrap().kept_as.unwrap();
    let second = restore(&backup, &path, t, false).unwrap().kept_as.unwrap();
    assert_ne!(first, second);
    assert!(first.ends_with("ledger.replaced-20260306-100000.db"), "{first}");
    assert!(second.ends_with("ledger.replaced-20260306-100000-2.db"), "{second}");
    for kept in [&first, &second] {
        Ledger::open(Path::new(kept)).unwrap().verify().unwrap();
    }
}

#[test]
fn a_stale_part_of_a_killed_restore_is_cleaned_and_a_live_one_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let (path, backup) = closed_ledger_and_backup(dir.path());
    // A restore killed midway (its process is gone: no pid is that high) left its copy.
    let stale = dir.path().join(".ledger.db.restore-4999999.part");
    std::fs::copy(&backup, &stale).unwrap();
    std::fs::write(dir.path().join(".ledger.db.restore-4999999.part-wal"), b"x").unwrap();
    // Not ours: another file's name, or a name we never make.
    std::fs::write(dir.path().join(".notes.db.restore-4999999.part"), b"x").unwrap();
    std::fs::write(dir.path().join(".ledger.db.restore-x.part"), b"x").unwrap();
    restore(&backup, &path, at(2026, 3, 6), false).unwrap();
    let parts: Vec<String> = names_in(dir.path()).into_iter().filter(|n| n.contains(".part")).collect();
    if cfg!(target_os = "linux") {
        assert_eq!(parts, vec![".ledger.db.restore-x.part", ".notes.db.restore-4999999.part"]);
    }
}

#[test]
fn a_backup_of_another_ledger_needs_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    ledger_at(&path);
    let other_path = dir.path().join("西山台账.db");
    let other = Ledger::create(&other_path, at(2026, 3, 2)).unwrap();
    let backup = dir.path().join("other-backup.db");
    other.backup_to(&backup).unwrap();
    drop(other);
    let before = bytes(&path);
    let err = restore(&backup, &path, at(2026, 3, 6), false).unwrap_err();
    assert_eq!(err.code(), "restore.foreign_ledger", "{err}");
    assert_eq!(bytes(&path), before, "refused: the ledger is as it was");
    assert!(!names_in(dir.path()).iter().any(|n| n.contains("replaced") || n.contains(".part")));
    let report = restore(&backup, &path, at(2026, 3, 6), true).unwrap();
    assert!(report.kept_as.is_some());
    assert_eq!(events(&Ledger::open(&path).unwrap()), report.events);
}

#[test]
fn backups_are_never_written_onto_a_ledger_a_backup_or_a_non_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let l = ledger_at(&path);
    let first = dir.path().join("backup.db");
    l.backup_to(&first).unwrap();
    let n = events(&l);
    let first_bytes = bytes(&first);
    let wal = format!("{}-wal", path.display());
    let dot = dir.path().join(".").join("ledger.db");
    for (target, code) in [
        (path.clone(), "output.target_is_open_ledger"),
        (dot, "output.target_is_open_ledger"),
        (std::path::PathBuf::from(&wal), "output.target_is_open_ledger"),
        (first.clone(), "output.target_is_ledger"),
        (dir.path().to_path_buf(), "output.not_a_regular_file"),
    ] {
        let err = l.backup_to(taizhang_ledger::OutputTarget::replacing(&target)).unwrap_err();
        assert_eq!(err.code(), code, "{}", target.display());
    }
    let existing = dir.path().join("notes.txt");
    std::fs::write(&existing, "keep me").unwrap();
    assert_eq!(l.backup_to(&existing).unwrap_err().code(), "output.exists");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");
    l.backup_to(taizhang_ledger::OutputTarget::replacing(&existing)).unwrap();
    Ledger::open(&existing).unwrap();
    assert_eq!(bytes(&first), first_bytes);
    drop(l);
    let reopened = Ledger::open(&path).unwrap();
    assert_eq!(events(&reopened), n, "the ledger is whole");
    assert!(reopened.verify().unwrap().ok);
}

#[test]
fn two_automatic_backups_in_one_second_keep_both() {
    let dir = tempfile::tempdir().unwrap();
    let l = ledger_at(&dir.path().join("城关台账.db"));
    let backups = dir.path().join("backups");
    let t = at(2026, 3, 5);
    let a = l.backup_rotating(&backups, t, 5).unwrap().path;
    let b = l.backup_rotating(&backups, t, 5).unwrap().path;
    assert_ne!(a, b);
    assert!(b.ends_with("城关台账-20260305-100000-2.db.gz"), "{b}");
    // Rotation counts the second one as the newer of the two.
    let c = l.backup_rotating(&backups, t + chrono::Duration::seconds(1), 2).unwrap().path;
    assert_eq!(
        names_in(&backups),
        vec!["城关台账-20260305-100000-2.db.gz".to_string(), "城关台账-20260305-100001.db.gz".to_string()]
    );
    assert!(c.ends_with("城关台账-20260305-100001.db.gz"));
}

#[test]
fn a_packed_backup_is_a_fraction_of_the_file_and_restores_to_the_same_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let l = ledger_at(&path);
    let (n, heads) = (events(&l), l.verify().unwrap().chains);
    let info = l.backup_rotating(&dir.path().join("backups"), at(2026, 3, 5), 10).unwrap();
    let plain = l.backup_to(&dir.path().join("plain.db")).unwrap();
    assert_eq!((info.events, &info.chain_heads), (n, &heads));
    assert!(info.bytes * 4 < plain.bytes, "packed {} bytes, plain {}", info.bytes, plain.bytes);
    assert_eq!(info.bytes, std::fs::metadata(&info.path).unwrap().len());
    drop(l);

    // Into a new place, and over the ledger itself: the same events, chains and projections.
    let fresh = dir.path().join("restored.db");
    let report = restore(Path::new(&info.path), &fresh, at(2026, 3, 6), false).unwrap();
    assert_eq!(
        (report.events, report.kept_as.as_deref(), report.restored_from.as_str()),
        (n, None, info.path.as_str())
    );
    let back = restore(Path::new(&info.path), &path, at(2026, 3, 6), false).unwrap();
    assert!(back.kept_as.is_some());
    for p in [&fresh, &path] {
        let mut r = Ledger::open(p).unwrap();
        let v = r.verify().unwrap();
        assert!(v.ok);
        assert_eq!((events(&r), v.chains), (n, heads.clone()));
        assert!(r.rebuild().unwrap().equal);
    }
    assert_eq!(part_files(dir.path()), Vec::<String>::new());
}

#[test]
fn a_cut_or_damaged_packed_backup_is_refused_and_nothing_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let l = ledger_at(&path);
    let info = l.backup_rotating(&dir.path().join("backups"), at(2026, 3, 5), 10).unwrap();
    drop(l);
    let whole = std::fs::read(&info.path).unwrap();
    let before = bytes(&path);
    let cut = dir.path().join("cut.db.gz");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let mut flipped = whole.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x55;
    let damaged = dir.path().join("damaged.db.gz");
    std::fs::write(&damaged, &flipped).unwrap();
    for bad in [&cut, &damaged] {
        let err = restore(bad, &path, at(2026, 3, 6), false).unwrap_err();
        assert!(matches!(err, LedgerError::BackupBroken { .. }), "{bad:?}: {err:?}");
        assert_eq!(err.code(), "backup.broken");
        assert_eq!(bytes(&path), before, "the ledger is untouched");
    }
    assert_eq!(part_files(dir.path()), Vec::<String>::new());
}

/// Partial files left in `dir` (a failed or finished step must leave none).
fn part_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".part"))
        .collect()
}
