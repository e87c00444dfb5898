//! The attachments of a ledger export, when asked (docs/attachments.md): a new folder holding,
//! for each exported problem that has any, a folder named by its number with its files in the
//! order its history named them (`01-登记-现场.jpg`), and `附件清单.csv` listing every file with
//! its step, time, type, size and SHA-256 (so each copy can be checked against the ledger).
//! Written under a temporary name beside the target and renamed when whole.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use taizhang_core::attachment::extension_of;
use taizhang_ledger::{ChainHead, ExportRow, Ledger, LedgerError, ProblemFilter, RowSink, Sort};

use super::ExportError;

/// What an attachment export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AttachmentExport {
    pub path: String,
    /// Problems exported with at least one file.
    #[ts(type = "number")]
    pub problems: u64,
    #[ts(type = "number")]
    pub files: u64,
    /// Files the events name that the ledger does not hold (listed as 缺失 in the manifest).
    #[ts(type = "number")]
    pub missing: u64,
}

/// The name of the list of files inside the folder.
pub const MANIFEST: &str = "附件清单.csv";

struct Numbers(Vec<(String, String)>);

impl RowSink for Numbers {
    type Error = LedgerError;
    fn begin(&mut self, _: u64, _: &[ChainHead]) -> Result<(), LedgerError> {
        Ok(())
    }
    fn row(&mut self, row: ExportRow) -> Result<(), LedgerError> {
        self.0.push((row.id, row.number));
        Ok(())
    }
}

/// A name safe as one path component on every desktop system.
fn component(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') { '_' } else { c })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').to_string();
    if trimmed.is_empty() {
        "_".into()
    } else {
        trimmed
    }
}

/// The step of a problem's history an event is, in words.
fn step(kind: &str) -> &'static str {
    match kind {
        "problem_registered" => "登记",
        "progress_noted" => taizhang_core::Action::NoteProgress.label_zh(),
        "resolved" => taizhang_core::Action::Resolve.label_zh(),
        "resolved_locally" => taizhang_core::Action::ResolveLocally.label_zh(),
        "evaluated" => taizhang_core::Action::Evaluate.label_zh(),
        _ => "其他",
    }
}

/// Writes the files of the problems `filter` selects into the new folder `dir`.
pub fn export_attachments(
    ledger: &Ledger,
    filter: &ProblemFilter,
    sort: Sort,
    now: DateTime<Utc>,
    dir: &Path,
) -> Result<AttachmentExport, ExportError> {
    let shown = dir.display().to_string();
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(ExportError::NoDirectory { path: parent.display().to_string() });
    }
    if std::fs::symlink_metadata(dir).is_ok() {
        return Err(LedgerError::OutputExists { path: shown }.into());
    }
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "附件".into());
    let part = parent.join(format!(".{name}.{}.part", std::process::id()));
    let fail =
        |p: &Path, e: std::io::Error| ExportError::Write { path: p.display().to_string(), reason: e.to_string() };
    let result = write_folder(ledger, filter, sort, now, &part).and_then(|mut summary| {
        std::fs::rename(&part, dir).map_err(|e| fail(dir, e))?;
        summary.path = shown.clone();
        Ok(summary)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&part);
    }
    result
}

fn write_folder(
    ledger: &Ledger,
    filter: &ProblemFilter,
    sort: Sort,
    now: DateTime<Utc>,
    out: &Path,
) -> Result<AttachmentExport, ExportError> {
    let fail =
        |p: &Path, e: std::io::Error| ExportError::Write { path: p.display().to_string(), reason: e.to_string() };
    std::fs::create_dir(out).map_err(|e| fail(out, e))?;
    let mut numbers = Numbers(Vec::new());
    ledger.export_rows(filter, sort, now, &mut numbers)?;
    let mut manifest = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let header = ["问题编号", "环节", "时间", "文件", "原文件名", "类型", "字节数", "SHA-256", "状态"];
    let csv_fail = |e: csv::Error| ExportError::Write { path: MANIFEST.into(), reason: e.to_string() };
    manifest.write_record(header).map_err(csv_fail)?;
    let mut summary = AttachmentExport { path: String::new(), problems: 0, files: 0, missing: 0 };
    for (id, number) in &numbers.0 {
        let named = ledger.problem_attachments(id)?;
        if named.is_empty() {
            continue;
        }
        summary.problems += 1;
        let folder: PathBuf = out.join(component(number));
        std::fs::create_dir(&folder).map_err(|e| fail(&folder, e))?;
        for (i, f) in named.iter().enumerate() {
            let a = &f.attachment;
            let stem = Path::new(&a.name).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let file_name =
                component(&format!("{:02}-{}-{}.{}", i + 1, step(&f.kind), stem, extension_of(&a.media_type)));
            let when = taizhang_core::chain::parse_instant(&f.occurred_at)
                .map(super::beijing_minute)
                .unwrap_or_else(|| f.occurred_at.clone());
            let state = match ledger.attachment(&a.sha256)? {
                Some(file) => {
                    let path = folder.join(&file_name);
                    let mut w = std::fs::File::create_new(&path).map_err(|e| fail(&path, e))?;
                    w.write_all(&file.bytes).and_then(|()| w.sync_all()).map_err(|e| fail(&path, e))?;
                    summary.files += 1;
                    "已导出"
                }
                None => {
                    summary.missing += 1;
                    "缺失"
                }
            };
            let relative = format!("{}/{}", component(number), file_name);
            let size = a.size.to_string();
            let record = [
                number.as_str(),
                step(&f.kind),
                when.as_str(),
                relative.as_str(),
                a.name.as_str(),
                a.media_type.as_str(),
                size.as_str(),
                a.sha256.as_str(),
                state,
            ];
            manifest.write_record(record).map_err(csv_fail)?;
        }
    }
    let mut bytes = "\u{FEFF}".as_bytes().to_vec();
    bytes.extend(manifest.into_inner().map_err(|e| csv_fail(e.into_error().into()))?);
    let path = out.join(MANIFEST);
    std::fs::write(&path, bytes).map_err(|e| fail(&path, e))?;
    Ok(summary)
}
