//! Files and disks that fail under the ledger: a full disk (a size-limited tmpfs, and SQLite's
//! page limit where mounting is not allowed) and a read-only file system. Each gives a clear,
//! stable error, loses nothing already committed, and leaves the file usable.
//!
//! Not SQLite, truncated, zero bytes, another program's SQLite file and a newer schema are in
//! tests/it/ledger_files.rs; a file locked by another writer is in crates/cli/tests/it/two_writers.rs.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use taizhang_core::*;
use taizhang_ledger::Ledger;
use taizhang_testsupport::at;
use taizhang_testsupport::ledger::district_ledger;

/// A size-limited tmpfs, unmounted when dropped. `None` when this process may not mount
/// (not root): the tests then say so and use SQLite's page limit instead.
struct Tmpfs {
    dir: PathBuf,
    _parent: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let parent = tempfile::tempdir().ok()?;
        let dir = parent.path().join("disk");
        std::fs::create_dir_all(&dir).ok()?;
        let ok = Process::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("note: cannot mount a tmpfs here (not root?); the page-limit variant still runs");
            return None;
        }
        Some(Tmpfs { dir, _parent: parent })
    }

    fn remount_read_only(&self) {
        assert!(Process::new("mount").args(["-o", "remount,ro"]).arg(&self.dir).status().unwrap().success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Process::new("umount").arg("-l").arg(&self.dir).status();
    }
}

fn events(l: &Ledger) -> i64 {
    l.connection().query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap()
}

fn integrity_ok(path: &Path) {
    let c = rusqlite::Connection::open(path).unwrap();
    let r: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(r, "ok");
}

fn register(l: &mut Ledger, i: usize, text: &str) -> Result<(), taizhang_ledger::LedgerError> {
    l.execute(
        "cg",
        &Command::Register {
            problem_id: format!("p{i}"),
            enterprise_id: Some("fixture-e1".into()),
            new_enterprise: None,
            visit_id: None,
            source: Source::Visit,
            category: "用地".into(),
            description: text.into(),
            demand: String::new(),
            raised_on: date_of(),
            priority: Priority::Normal,
            responsible_leader: String::new(),
            origin: None,
            attachments: Vec::new(),
        },
        at(2026, 3, 3),
    )
    .map(|_| ())
}

fn date_of() -> chrono::NaiveDate {
    taizhang_testsupport::date(2026, 3, 2)
}

/// Registers problems with large texts until the disk gives out; returns how many made it.
fn fill_until_full(l: &mut Ledger) -> (usize, taizhang_ledger::LedgerError) {
    let big = "扩建厂房用地指标未落实，影响二期投产。".repeat(450);
    for i in 0..100_000 {
        if let Err(e) = register(l, i, &format!("{i} {big}")) {
            return (i, e);
        }
    }
    panic!("the disk never filled up");
}

fn after_full(path: &Path, committed: usize) {
    integrity_ok(path);
    let l = Ledger::open(path).unwrap();
    assert!(l.verify().unwrap().ok);
    let problems: i64 = l.connection().query_row("SELECT count(*) FROM problems", [], |r| r.get(0)).unwrap();
    assert_eq!(problems, committed as i64, "every acknowledged write is there, the refused one is not");
}

#[test]
fn a_full_disk_refuses_the_write_clearly_and_loses_nothing() {
    let Some(disk) = Tmpfs::mount("2m") else { return };
    let path = disk.dir.join("ledger.db");
    let (mut l, _) = district_ledger(&path);
    let (committed, err) = fill_until_full(&mut l);
    assert!(committed > 0);
    assert_eq!(err.code(), "ledger.disk_full", "{err}");
    // The app stays usable: reads work on the same connection.
    assert!(events(&l) > 0);
    drop(l);
    after_full(&path, committed);
}

#[test]
fn a_full_database_by_page_limit_refuses_the_write_clearly_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let (mut l, _) = district_ledger(&path);
    let pages: i64 = l.connection().query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    l.connection().execute_batch(&format!("PRAGMA max_page_count = {}", pages + 40)).unwrap();
    let (committed, err) = fill_until_full(&mut l);
    assert_eq!(err.code(), "ledger.disk_full", "{err}");
    drop(l);
    after_full(&path, committed);
}

#[test]
fn exports_and_backups_to_a_full_disk_fail_whole_and_leave_no_partial_file() {
    let Some(disk) = Tmpfs::mount("300k") else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let (mut l, _) = district_ledger(&path);
    let big = "企业反映的问题描述较长。".repeat(300);
    for i in 0..60 {
        register(&mut l, i, &format!("{i} {big}")).unwrap();
    }
    let err = l.backup_to(&disk.dir.join("backup.db")).unwrap_err();
    assert_eq!(err.code(), "ledger.disk_full", "{err}");
    let out = disk.dir.join("台账.csv");
    let err = taizhang_exchange::export::export_ledger_csv(
        &l,
        &Default::default(),
        Default::default(),
        at(2026, 3, 3),
        &out,
        &mut |_, _| {},
    )
    .unwrap_err();
    assert!(err.code().starts_with("export."), "{err}");
    let left: Vec<String> =
        std::fs::read_dir(&disk.dir).unwrap().filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    assert!(left.is_empty(), "nothing half-written is left: {left:?}");
    assert!(l.verify().unwrap().ok);
}

#[test]
fn a_read_only_disk_is_named_and_the_file_is_untouched() {
    let Some(disk) = Tmpfs::mount("4m") else { return };
    let path = disk.dir.join("ledger.db");
    {
        let (mut l, _) = district_ledger(&path);
        register(&mut l, 1, "扩建厂房用地指标未落实").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    disk.remount_read_only();
    let err = Ledger::open(&path).err().map(|e| e.code().to_string());
    match err {
        // Opening fails before any write (WAL needs its side files)…
        Some(code) => assert!(code == "ledger.read_only" || code == "ledger.io", "{code}"),
        // …or it opens for reading and refuses the first write.
        None => {
            let mut l = Ledger::open(&path).unwrap();
            assert_eq!(register(&mut l, 2, "新问题").unwrap_err().code(), "ledger.read_only");
        }
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
