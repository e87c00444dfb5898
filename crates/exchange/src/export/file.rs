//! All-or-nothing output: vet the target (`taizhang_ledger::check_output_target`: never the
//! open ledger, another ledger, a device, FIFO or folder; an existing file only when the user
//! chose to replace it), write a temporary file in the target's directory (same file system,
//! so the final rename is atomic), vet the target again and rename the file over it when
//! complete, delete it on any failure.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use taizhang_ledger::{check_output_target, OutputTarget};

use super::ExportError;

pub(crate) struct PendingFile {
    tmp: PathBuf,
    target: PathBuf,
    overwrite: bool,
    open_ledger: Option<PathBuf>,
    done: bool,
}

fn write_error(path: &Path, e: io::Error) -> ExportError {
    ExportError::Write { path: path.display().to_string(), reason: e.to_string() }
}

impl PendingFile {
    /// Creates the temporary file beside `target`. Fails before anything is written when the
    /// directory is missing or `target` is a directory.
    pub(crate) fn create(
        out: OutputTarget<'_>,
        open_ledger: Option<&Path>,
    ) -> Result<(PendingFile, File), ExportError> {
        let target = out.path;
        let dir = taizhang_ledger::output::folder_of(target).to_path_buf();
        if !dir.is_dir() {
            return Err(ExportError::NoDirectory { path: dir.display().to_string() });
        }
        check_output_target(out, open_ledger)?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "export".into());
        let pid = std::process::id();
        for n in 0..1000u32 {
            let tmp = dir.join(format!(".{name}.{pid}-{n}.part"));
            match OpenOptions::new().write(true).create_new(true).open(&tmp) {
                Ok(file) => {
                    let pending = PendingFile {
                        tmp,
                        target: target.to_path_buf(),
                        overwrite: out.overwrite,
                        open_ledger: open_ledger.map(Path::to_path_buf),
                        done: false,
                    };
                    return Ok((pending, file));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(write_error(target, e)),
            }
        }
        Err(write_error(target, io::Error::other("no free temporary file name")))
    }

    pub(crate) fn target(&self) -> &Path {
        &self.target
    }

    /// The folder the file is written in (known to exist and to be writable).
    pub(crate) fn dir(&self) -> &Path {
        self.tmp.parent().unwrap_or(Path::new("."))
    }

    /// Flushes the finished file to disk and puts it in place of the target.
    pub(crate) fn commit(mut self, file: File) -> Result<(), ExportError> {
        file.sync_all().map_err(|e| write_error(&self.target, e))?;
        drop(file);
        // Vetted again: the export took a while, and something may have appeared there.
        let again = OutputTarget { path: &self.target, overwrite: self.overwrite };
        check_output_target(again, self.open_ledger.as_deref())?;
        std::fs::rename(&self.tmp, &self.target).map_err(|e| {
            // Windows refuses to replace a file another program (Excel, WPS) holds open.
            if e.kind() == io::ErrorKind::PermissionDenied && self.target.exists() {
                ExportError::FileInUse { path: self.target.display().to_string() }
            } else {
                write_error(&self.target, e)
            }
        })?;
        self.done = true;
        Ok(())
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn commit_replaces_the_target_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("台账.csv");
        std::fs::write(&target, "old").unwrap();
        let (pending, mut file) = PendingFile::create(OutputTarget::replacing(&target), None).unwrap();
        file.write_all(b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old", "the target is untouched until commit");
        pending.commit(file).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(entries(dir.path()), vec!["台账.csv".to_string()]);
    }

    #[test]
    fn a_dropped_export_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.xlsx");
        std::fs::write(&target, "old").unwrap();
        {
            let (_pending, mut file) = PendingFile::create(OutputTarget::replacing(&target), None).unwrap();
            file.write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(entries(dir.path()), vec!["a.xlsx".to_string()]);
    }

    #[test]
    fn a_missing_directory_is_refused_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let err = PendingFile::create(dir.path().join("nope/a.xlsx").as_path().into(), None).err().unwrap();
        assert_eq!(err.code(), "export.no_directory");
        let err = PendingFile::create(OutputTarget::replacing(dir.path()), None).err().unwrap();
        assert_eq!(err.code(), "output.not_a_regular_file");
    }
}
