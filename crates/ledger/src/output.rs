//! Where a command may write a file. Every command that writes one (ledger and report exports,
//! backups) vets its target here first, so none of them can destroy the ledger it reads, a
//! ledger's side files, another ledger or backup, a device, a FIFO or a folder, and none
//! replaces an existing file unless the user chose to (`--force`, or the save dialog's own
//! overwrite confirmation in the window).

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{LedgerError, Result};
use crate::file::APPLICATION_ID;

/// SQLite's side files of a database `x`: `x-wal`, `x-shm`, `x-journal`.
pub const SIDECARS: [&str; 3] = ["-wal", "-shm", "-journal"];

/// An output file and whether an existing regular file there may be replaced.
#[derive(Debug, Clone, Copy)]
pub struct OutputTarget<'a> {
    pub path: &'a Path,
    /// The user chose to replace an existing file (never a ledger, whatever this says).
    pub overwrite: bool,
}

impl<'a> OutputTarget<'a> {
    /// A target that must not exist yet.
    pub fn new(path: &'a Path) -> Self {
        OutputTarget { path, overwrite: false }
    }

    /// A target whose existing (regular, non-ledger) file the user chose to replace.
    pub fn replacing(path: &'a Path) -> Self {
        OutputTarget { path, overwrite: true }
    }
}

impl<'a> From<&'a Path> for OutputTarget<'a> {
    fn from(path: &'a Path) -> Self {
        OutputTarget::new(path)
    }
}

impl<'a> From<&'a PathBuf> for OutputTarget<'a> {
    fn from(path: &'a PathBuf) -> Self {
        OutputTarget::new(path)
    }
}

/// Which file a path names: device and inode on Unix, the file's size-independent creation
/// time elsewhere (where a swapped-in file is also a new file). `None` when it cannot be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileIdentity(u64, u64);

impl FileIdentity {
    pub fn of(path: &Path) -> Option<FileIdentity> {
        let m = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileIdentity(m.dev(), m.ino()))
        }
        #[cfg(not(unix))]
        {
            let t = m.created().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
            Some(FileIdentity(t.as_secs(), t.subsec_nanos() as u64))
        }
    }
}

/// `ledger.replaced` when `path` no longer names the file whose identity was `opened`.
pub(crate) fn check_same_file(path: Option<&Path>, opened: Option<&FileIdentity>) -> Result<()> {
    match (path, opened) {
        (Some(p), Some(id)) if FileIdentity::of(p).as_ref() != Some(id) => {
            Err(LedgerError::Replaced { path: p.display().to_string() })
        }
        _ => Ok(()),
    }
}

/// The same file on disk: same device and inode (Unix), so hard links, symlinks and `./x` all
/// compare equal; elsewhere the canonical paths.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    match (canonical(a), canonical(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// The folder a file of `path` is in: its parent, or `.` for a bare name (whose parent is empty).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// The canonical form of a path that may not exist yet: its folder resolved, its name kept.
fn canonical(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = std::fs::canonicalize(p) {
        return Some(c);
    }
    let name = p.file_name()?;
    let dir = folder_of(p);
    Some(std::fs::canonicalize(dir).ok()?.join(name))
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// What the first bytes of a file say it is.
enum Header {
    /// A SQLite database with the ledger's application_id: a ledger or a backup of one.
    Ledger,
    /// A SQLite write-ahead log (the `-wal` of some database).
    Wal,
    /// Another SQLite database.
    Sqlite,
    Other,
}

fn header(path: &Path) -> Header {
    let mut buf = [0u8; 100];
    let n = match std::fs::File::open(path).and_then(|mut f| f.read(&mut buf)) {
        Ok(n) => n,
        Err(_) => return Header::Other,
    };
    // The WAL header's magic number (big-endian 0x377f0682 or 0x377f0683).
    if n >= 4 && buf[..3] == [0x37, 0x7f, 0x06] && (buf[3] == 0x82 || buf[3] == 0x83) {
        return Header::Wal;
    }
    if n < 16 || &buf[..16] != b"SQLite format 3\0" {
        return Header::Other;
    }
    // application_id is the big-endian integer at offset 68 of the database header.
    if n == 100 && i32::from_be_bytes([buf[68], buf[69], buf[70], buf[71]]) == APPLICATION_ID {
        return Header::Ledger;
    }
    Header::Sqlite
}

/// Whether `path` is a SQLite database (a ledger or any other), by its first bytes.
pub(crate) fn is_sqlite_database(path: &Path) -> bool {
    matches!(header(path), Header::Ledger | Header::Sqlite)
}

/// Removes SQLite's side files of `path` (`SIDECARS`), where there are any.
pub(crate) fn remove_sidecars(path: &Path) {
    for s in SIDECARS {
        let _ = std::fs::remove_file(with_suffix(path, s));
    }
}

/// Vets `target` before anything is written. Refuses, with its own code each:
/// - the open ledger `open_ledger` or one of its side files (`output.target_is_open_ledger`),
///   whatever path names it (hard link, symlink, `./x`);
/// - any other ledger or backup (a SQLite file with the ledger's application_id), a WAL file,
///   or the side file of a ledger (`output.target_is_ledger`), even when overwriting;
/// - anything that is not a regular file or absent: a folder, FIFO, device, socket, or a link
///   to one or to nothing (`output.not_a_regular_file`);
/// - an existing regular file unless `target.overwrite` (`output.exists`).
pub fn check_output_target(target: OutputTarget<'_>, open_ledger: Option<&Path>) -> Result<()> {
    let path = target.path;
    let shown = path.display().to_string();
    if let Some(ledger) = open_ledger {
        let own = std::iter::once(ledger.to_path_buf()).chain(SIDECARS.iter().map(|s| with_suffix(ledger, s)));
        for f in own {
            if same_file(path, &f) {
                return Err(LedgerError::OutputIsOpenLedger { path: shown });
            }
        }
    }
    let link = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    // Follows a link: what matters is what would be read, and what the name stands for.
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(_) if link.file_type().is_symlink() => return Err(LedgerError::OutputNotRegular { path: shown }),
        Err(e) => return Err(e.into()),
    };
    if !meta.is_file() {
        return Err(LedgerError::OutputNotRegular { path: shown });
    }
    match header(path) {
        Header::Ledger | Header::Wal => return Err(LedgerError::OutputIsLedger { path: shown }),
        Header::Sqlite | Header::Other => {}
    }
    // The side file of some ledger (its -shm has no header of its own to tell).
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    for s in SIDECARS {
        if let Some(base) = name.strip_suffix(s) {
            if !base.is_empty() && matches!(header(&path.with_file_name(base)), Header::Ledger) {
                return Err(LedgerError::OutputIsLedger { path: shown });
            }
        }
    }
    if !target.overwrite {
        return Err(LedgerError::OutputExists { path: shown });
    }
    Ok(())
}

/// Removes the temporary files an earlier run left beside `target` when it was killed midway:
/// only names this program makes (`.<target name>.<tag>-<pid>.part` and their SQLite side
/// files) whose process is gone, or which nothing has touched for an hour.
pub(crate) fn clean_stale_parts(target: &Path, tag: &str) {
    let Some(name) = target.file_name().and_then(|n| n.to_str()) else { return };
    let dir = folder_of(target);
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let prefix = format!(".{name}.{tag}-");
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        let Some(rest) = file.strip_prefix(&prefix) else { continue };
        let rest = SIDECARS.iter().find_map(|s| rest.strip_suffix(s)).unwrap_or(rest);
        let Some(pid) = rest.strip_suffix(".part").and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid == std::process::id() {
            continue;
        }
        let idle = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|d| d.as_secs() > 3600);
        if idle || !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process of that id runs (Linux: /proc; elsewhere unknown, so assumed running and
/// the file is left to the idle rule).
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absent_file_is_fine_and_an_existing_one_needs_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.xlsx");
        check_output_target(OutputTarget::new(&p), None).unwrap();
        std::fs::write(&p, "old").unwrap();
        assert_eq!(check_output_target(OutputTarget::new(&p), None).unwrap_err().code(), "output.exists");
        check_output_target(OutputTarget::replacing(&p), None).unwrap();
        let d = dir.path().join("folder");
        std::fs::create_dir(&d).unwrap();
        assert_eq!(
            check_output_target(OutputTarget::replacing(&d), None).unwrap_err().code(),
            "output.not_a_regular_file"
        );
    }

    #[test]
    fn stale_parts_of_dead_processes_go_and_others_stay() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("ledger.db");
        // A pid above Linux's pid_max cannot run.
        let dead = dir.path().join(".ledger.db.restore-4999999.part");
        let dead_wal = dir.path().join(".ledger.db.restore-4999999.part-wal");
        let mine = dir.path().join(format!(".ledger.db.restore-{}.part", std::process::id()));
        let other = dir.path().join(".notes.db.restore-4999999.part");
        for f in [&dead, &dead_wal, &mine, &other] {
            std::fs::write(f, "x").unwrap();
        }
        clean_stale_parts(&target, "restore");
        if cfg!(target_os = "linux") {
            assert!(!dead.exists() && !dead_wal.exists());
        }
        assert!(mine.exists() && other.exists());
    }
}
