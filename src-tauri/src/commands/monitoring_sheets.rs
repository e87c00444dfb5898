//! The monitoring workbooks from the window (docs/monitoring.md, docs/export.md): the monthly
//! indicator report, the 旬报 summary, the key projects and the warnings as .xlsx, scoped as
//! the screens are; and the import of the indicator sheets enterprises fill (preview, then all
//! rows or none). Thin over `taizhang_exchange`: the figures are the ledger's, the rules the
//! core's.

use std::path::PathBuf;

use chrono::Utc;
use serde::Deserialize;
use taizhang_core::monitoring::{Month, Xun};
use taizhang_exchange::export::monitoring::{
    export_monthly_report_xlsx, export_production_xlsx, export_projects_xlsx, export_warnings_xlsx,
};
use taizhang_exchange::export::ExportSummary;
use taizhang_exchange::import::{
    commit_indicators, preview_indicators, IndicatorImportOptions, IndicatorImportOutcome, IndicatorImportPreview,
};
use taizhang_ledger::{OutputTarget, WarningFilter};
use tauri::ipc::Channel;
use tauri::State;

use super::monitoring::scope;
use super::session_user;
use super::Progress;
use crate::error::ApiResult;
use crate::state::AppState;

/// Which workbook, of what.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "sheet", rename_all = "snake_case")]
pub enum MonitoringSheet {
    /// 重点企业主要经济指标月报.
    Monthly { month: Month },
    /// 主要产品产销旬报.
    Production { month: Month, xun: Xun },
    /// 重点项目进度月报.
    Projects { month: Month },
    /// 预警清单.
    Warnings { open_only: bool },
}

/// Writes a monitoring workbook of the user's scope (a township official's own township).
#[tauri::command(async, rename_all = "snake_case")]
pub fn export_monitoring(
    state: State<'_, AppState>,
    path: String,
    sheet: MonitoringSheet,
    township_id: Option<String>,
    overwrite: Option<bool>,
    on_progress: Channel<Progress>,
) -> ApiResult<ExportSummary> {
    state.with(|o| {
        let township = scope(o, township_id)?;
        let _ = on_progress.send(Progress { stage: "report".into(), done: 0, total: 1 });
        let path = PathBuf::from(path);
        let target = OutputTarget { path: &path, overwrite: overwrite.unwrap_or(false) };
        let (now, t) = (Utc::now(), township.as_deref());
        let summary = match sheet {
            MonitoringSheet::Monthly { month } => export_monthly_report_xlsx(&o.ledger, month, t, now, target)?,
            MonitoringSheet::Production { month, xun } => {
                export_production_xlsx(&o.ledger, month, xun, t, now, target)?
            }
            MonitoringSheet::Projects { month } => export_projects_xlsx(&o.ledger, month, t, now, target)?,
            MonitoringSheet::Warnings { open_only } => {
                let filter = WarningFilter { township_id: township, open_only, leader: None };
                export_warnings_xlsx(&o.ledger, &filter, now, target)?
            }
        };
        let _ = on_progress.send(Progress { stage: "report".into(), done: 1, total: 1 });
        Ok(summary)
    })
}

/// Reads an indicator sheet and says what importing it would record, row by row.
#[tauri::command(async, rename_all = "snake_case")]
pub fn indicator_import_preview(
    state: State<'_, AppState>,
    path: String,
    options: IndicatorImportOptions,
) -> ApiResult<IndicatorImportPreview> {
    state.with(|o| {
        session_user(o)?;
        Ok(preview_indicators(&o.ledger, &PathBuf::from(path), &options, Utc::now())?)
    })
}

/// Records every row of an indicator sheet as the signed-in user, in one transaction, or none.
#[tauri::command(async, rename_all = "snake_case")]
pub fn indicator_import_commit(
    state: State<'_, AppState>,
    path: String,
    options: IndicatorImportOptions,
    on_progress: Channel<Progress>,
) -> ApiResult<IndicatorImportOutcome> {
    state.with(|o| {
        let user = session_user(o)?;
        let mut progress = |done: usize, total: usize| {
            let _ = on_progress.send(Progress { stage: "import".into(), done: done as i64, total: total as i64 });
        };
        let outcome =
            commit_indicators(&mut o.ledger, &user, &PathBuf::from(path), &options, Utc::now(), &mut progress)?;
        state.auto_backup(o);
        Ok(outcome)
    })
}
