//! Spreadsheets in and out, and the periodic report: thin over `taizhang-exchange` and the
//! ledger's report (docs/import.md, docs/export.md).

use super::*;

/// Reads a spreadsheet and says what importing it would do; writes nothing.
#[tauri::command(async, rename_all = "snake_case")]
pub fn import_preview(
    state: State<'_, AppState>,
    kind: ImportKind,
    path: String,
    options: ImportOptions,
) -> ApiResult<ImportPreview> {
    state.with(|o| {
        session_user(o)?;
        let path = PathBuf::from(path);
        Ok(match kind {
            ImportKind::Ledger => preview_ledger(&o.ledger, &path, &options, Utc::now())?,
            ImportKind::Enterprises => preview_enterprises(&o.ledger, &path, &options, Utc::now())?,
        })
    })
}

/// Imports a spreadsheet as the signed-in user: every new row in one transaction, or nothing.
#[tauri::command(async, rename_all = "snake_case")]
pub fn import_commit(
    state: State<'_, AppState>,
    kind: ImportKind,
    path: String,
    options: ImportOptions,
    on_progress: Channel<Progress>,
) -> ApiResult<ImportOutcome> {
    state.with(|o| {
        let user = session_user(o)?;
        let path = PathBuf::from(path);
        let mut progress = |done: usize, total: usize| {
            // One message per row would flood the channel on a 100,000-row sheet.
            if done == total || done.is_multiple_of(200) {
                let _ = on_progress.send(Progress { stage: "import".into(), done: done as i64, total: total as i64 });
            }
        };
        let outcome = match kind {
            ImportKind::Ledger => commit_ledger(&mut o.ledger, &user, &path, &options, Utc::now(), &mut progress)?,
            ImportKind::Enterprises => {
                commit_enterprises(&mut o.ledger, &user, &path, &options, Utc::now(), &mut progress)?
            }
        };
        log::info!(
            "imported {} ({} new rows, {} events)",
            outcome.preview.file,
            outcome.preview.rows_new,
            outcome.events
        );
        state.auto_backup(o);
        Ok(outcome)
    })
}

/// Reads a township's visit sheet and says, row by row, what importing it as the signed-in
/// user would record; writes nothing.
#[tauri::command(async, rename_all = "snake_case")]
pub fn visit_import_preview(
    state: State<'_, AppState>,
    path: String,
    options: VisitImportOptions,
) -> ApiResult<VisitImportPreview> {
    state.with(|o| {
        let user = session_user(o)?;
        Ok(preview_visits(&o.ledger, &user, &PathBuf::from(path), &options, Utc::now())?)
    })
}

/// Records every new visit and problem of a visit sheet as the signed-in user, in one
/// transaction, or nothing.
#[tauri::command(async, rename_all = "snake_case")]
pub fn visit_import_commit(
    state: State<'_, AppState>,
    path: String,
    options: VisitImportOptions,
    on_progress: Channel<Progress>,
) -> ApiResult<VisitImportOutcome> {
    state.with(|o| {
        let user = session_user(o)?;
        let mut progress = |done: usize, total: usize| {
            let _ = on_progress.send(Progress { stage: "import".into(), done: done as i64, total: total as i64 });
        };
        let outcome = commit_visits(&mut o.ledger, &user, &PathBuf::from(path), &options, Utc::now(), &mut progress)?;
        log::info!(
            "imported visit sheet {} ({} visits, {} problems, {} events)",
            outcome.preview.file,
            outcome.preview.visits_new,
            outcome.preview.problems_new,
            outcome.events
        );
        state.auto_backup(o);
        Ok(outcome)
    })
}

/// 下载模板: the visit sheet template, with the district's categories, at `path`.
#[tauri::command(async, rename_all = "snake_case")]
pub fn visit_template(state: State<'_, AppState>, path: String, overwrite: Option<bool>) -> ApiResult<ExportSummary> {
    state.with(|o| {
        session_user(o)?;
        let path = PathBuf::from(path);
        let target = OutputTarget { path: &path, overwrite: overwrite.unwrap_or(false) };
        Ok(taizhang_exchange::export::export_visit_template(&o.ledger, target)?)
    })
}

#[derive(Debug, Clone, Copy, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

/// Writes the ledger view the user is looking at (its filter and sort) to a file.
#[tauri::command(async, rename_all = "snake_case")]
pub fn export_ledger(
    state: State<'_, AppState>,
    path: String,
    format: ExportFormat,
    filter: ProblemFilter,
    sort: Sort,
    overwrite: Option<bool>,
    on_progress: Channel<Progress>,
) -> ApiResult<ExportSummary> {
    state.with(|o| {
        session_user(o)?;
        let path = PathBuf::from(path);
        // The save dialog asked before replacing a file; a typed path is asked about by the UI.
        let target = OutputTarget { path: &path, overwrite: overwrite.unwrap_or(false) };
        let mut progress = |done: u64, total: u64| {
            let _ = on_progress.send(Progress { stage: "export".into(), done: done as i64, total: total as i64 });
        };
        let summary = match format {
            ExportFormat::Xlsx => export_ledger_xlsx(&o.ledger, &filter, sort, Utc::now(), target, &mut progress)?,
            ExportFormat::Csv => export_ledger_csv(&o.ledger, &filter, sort, Utc::now(), target, &mut progress)?,
        };
        log::info!("exported {} rows of the ledger", summary.rows);
        Ok(summary)
    })
}

/// The photos and scans of the ledger view on screen (its filter and sort), into a new folder
/// `台账附件-YYYYMMDD-HHMMSS` inside `parent`, with 附件清单.csv (docs/attachments.md).
#[tauri::command(async, rename_all = "snake_case")]
pub fn export_attachments(
    state: State<'_, AppState>,
    parent: String,
    filter: ProblemFilter,
    sort: Sort,
) -> ApiResult<taizhang_exchange::export::AttachmentExport> {
    state.with(|o| {
        session_user(o)?;
        let now = Utc::now();
        let stamp = now.with_timezone(&taizhang_core::china_offset()).format("%Y%m%d-%H%M%S");
        let dir = PathBuf::from(parent).join(format!("台账附件-{stamp}"));
        let summary = taizhang_exchange::export::export_attachments(&o.ledger, &filter, sort, now, &dir)?;
        log::info!("exported {} attachments of {} problems", summary.files, summary.problems);
        Ok(summary)
    })
}

/// The periodic report for a period, as one workbook.
#[tauri::command(async, rename_all = "snake_case")]
pub fn export_report(
    state: State<'_, AppState>,
    path: String,
    period: String,
    overwrite: Option<bool>,
    on_progress: Channel<Progress>,
) -> ApiResult<ExportSummary> {
    state.with(|o| {
        require_report(o)?;
        let p = crate::commands::period(&o.ledger, &period)?;
        let _ = on_progress.send(Progress { stage: "report".into(), done: 0, total: 1 });
        let path = PathBuf::from(path);
        let summary = export_report_xlsx(
            &o.ledger,
            &p,
            Utc::now(),
            OutputTarget { path: &path, overwrite: overwrite.unwrap_or(false) },
        )?;
        let _ = on_progress.send(Progress { stage: "report".into(), done: 1, total: 1 });
        Ok(summary)
    })
}

/// The same report, for the printable view.
#[tauri::command(async, rename_all = "snake_case")]
pub fn report(state: State<'_, AppState>, period: String) -> ApiResult<Report> {
    state.with(|o| {
        require_report(o)?;
        let p = crate::commands::period(&o.ledger, &period)?;
        Ok(o.ledger.report(&p, Utc::now())?)
    })
}
