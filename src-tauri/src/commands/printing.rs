//! 存为 PDF (docs/documents.md, "PDF"): the page on screen printed to a PDF file through the
//! webview's own print operation, without the system's print dialog, on the paper the page is
//! laid out for. The dialog's "Print to File" does the same by hand, but WebKitGTK takes the
//! orientation from the dialog, not from `@page`, so a landscape report needed 横向 chosen
//! there; here the page setup says it. What prints is what `window.print()` prints: the page's
//! own print stylesheet, nothing recomputed. The file is written beside the target and renamed
//! when whole, and the target is vetted as every file the app writes.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use taizhang_exchange::export::ExportSummary;
use taizhang_ledger::{check_output_target, OutputTarget};
use tauri::{Runtime, State, WebviewWindow};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The sheet a printed page is laid out for (`logic/pageStyle.ts`'s `Paper`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[ts(export)]
pub enum Paper {
    #[serde(rename = "a4-portrait")]
    A4Portrait,
    #[serde(rename = "a4-landscape")]
    A4Landscape,
}

/// How long a print to a file may take before the window gives up on it.
const PRINT_TIMEOUT_SECS: u64 = 120;

/// Prints the window's page to a PDF at `path` on `paper`; `rows` of the answer is the number
/// of pages written. `overwrite`: the save dialog asked about replacing the file.
#[tauri::command(async, rename_all = "snake_case")]
pub fn save_pdf<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
    path: String,
    paper: Paper,
    overwrite: Option<bool>,
) -> ApiResult<ExportSummary> {
    let path = PathBuf::from(path);
    state.with(|o| {
        super::session_user(o)?;
        check_output_target(OutputTarget { path: &path, overwrite: overwrite.unwrap_or(false) }, o.ledger.path())?;
        Ok(())
    })?;
    let failed = |reason: String| write_failed(&path, reason);
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(ApiError {
            code: "export.no_directory".into(),
            message: format!("no such folder: {}", dir.display()),
            params: serde_json::json!({ "path": dir.display().to_string() }),
        });
    }
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let part = dir.join(format!(".{name}.part.pdf"));
    let _ = std::fs::remove_file(&part);
    let printed = print_to_file(&window, &part, paper);
    let pages = printed.and_then(|()| {
        let bytes = std::fs::read(&part).map_err(|e| e.to_string())?;
        let pages = count_pages(&bytes);
        if pages == 0 {
            return Err("the print wrote no page".into());
        }
        std::fs::rename(&part, &path).map_err(|e| e.to_string())?;
        Ok(pages)
    });
    let pages = pages.map_err(|e| {
        let _ = std::fs::remove_file(&part);
        failed(e)
    })?;
    log::info!("saved a PDF of {pages} pages");
    Ok(ExportSummary { rows: pages, path: path.display().to_string(), chain_heads: Vec::new() })
}

fn write_failed(path: &Path, reason: String) -> ApiError {
    let shown = path.display().to_string();
    ApiError {
        code: "export.write_failed".into(),
        message: format!("cannot write {shown}: {reason}"),
        params: serde_json::json!({ "path": shown, "reason": reason }),
    }
}

/// The pages of a PDF: its page objects (`/Type /Page`, not `/Pages`). Cairo, which writes
/// WebKitGTK's PDFs, writes each page object uncompressed.
fn count_pages(pdf: &[u8]) -> u64 {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1).filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's').count() as u64
}

#[cfg(target_os = "linux")]
fn print_to_file<R: Runtime>(window: &WebviewWindow<R>, file: &Path, paper: Paper) -> Result<(), String> {
    use std::sync::mpsc;
    use webkit2gtk::PrintOperationExt;

    let uri = gtk::glib::filename_to_uri(file, None).map_err(|e| e.to_string())?.to_string();
    let (tx, rx) = mpsc::channel::<Result<(), String>>();
    window
        .with_webview(move |webview| {
            let op = webkit2gtk::PrintOperation::new(&webview.inner());
            let settings = gtk::PrintSettings::new();
            settings.set_printer(&file_printer());
            settings.set(gtk::PRINT_SETTINGS_OUTPUT_FILE_FORMAT, Some("pdf"));
            settings.set(gtk::PRINT_SETTINGS_OUTPUT_URI, Some(&uri));
            let setup = gtk::PageSetup::new();
            setup.set_paper_size(&gtk::PaperSize::new(Some(gtk::PAPER_NAME_A4)));
            let orientation = match paper {
                Paper::A4Portrait => gtk::PageOrientation::Portrait,
                Paper::A4Landscape => gtk::PageOrientation::Landscape,
            };
            setup.set_orientation(orientation);
            settings.set_orientation(orientation);
            // The margins of the page's own `@page` (public/print/*.css); its stylesheet makes up
            // the official margins inside them. The 通报's sheets (277 x 188 mm, ui/src/styles.css)
            // are the landscape page inside these margins: change them together. WebKit fits
            // the document's width to the page, and a sheet is wider than the width it lays a
            // page out at, so a sheet prints at its own size, one page a sheet.
            let (vertical, horizontal) = match paper {
                Paper::A4Portrait => (10.0, 12.0),
                Paper::A4Landscape => (10.0, 10.0),
            };
            setup.set_top_margin(vertical, gtk::Unit::Mm);
            setup.set_bottom_margin(vertical, gtk::Unit::Mm);
            setup.set_left_margin(horizontal, gtk::Unit::Mm);
            setup.set_right_margin(horizontal, gtk::Unit::Mm);
            op.set_print_settings(&settings);
            op.set_page_setup(&setup);
            let done = tx.clone();
            op.connect_finished(move |_| {
                let _ = done.send(Ok(()));
            });
            op.connect_failed(move |_, e| {
                let _ = tx.send(Err(e.to_string()));
            });
            op.print();
        })
        .map_err(|e| e.to_string())?;
    match rx.recv_timeout(std::time::Duration::from_secs(PRINT_TIMEOUT_SECS)) {
        Ok(r) => r,
        Err(_) => Err("the print did not finish".into()),
    }
}

/// GTK's "Print to File" printer, by the name GTK gives it in the user's language (打印到文件):
/// the print operation finds its printer by that name.
#[cfg(target_os = "linux")]
fn file_printer() -> String {
    gtk::glib::dgettext(Some("gtk30"), "Print to File").to_string()
}

#[cfg(not(target_os = "linux"))]
fn print_to_file<R: Runtime>(_window: &WebviewWindow<R>, _file: &Path, _paper: Paper) -> Result<(), String> {
    Err("saving a PDF without the print dialog is not available on this system: use 打印 and the dialog's PDF printer"
        .into())
}

#[cfg(test)]
mod tests {
    use super::count_pages;

    #[test]
    fn counts_page_objects_not_the_page_tree() {
        let pdf =
            b"1 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] >> 2 0 obj << /Type /Page >> 3 0 obj << /Type /Page\n>>";
        assert_eq!(count_pages(pdf), 2);
        assert_eq!(count_pages(b"%PDF-1.5 nothing"), 0);
    }
}
