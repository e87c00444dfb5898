//! The monitoring reads (docs/monitoring.md, issue 18): the monthly indicator report, an
//! indicator's months, the 旬报 summary, the warnings board, the key projects and where a
//! problem came from. Each is scoped as the 走访 page is (`visit_scope`): a township official
//! sees their own township whatever they ask; everyone else the district, or the township they
//! pick. No rule lives here: the ledger computes, the shell hands it over.

use chrono::Utc;
use taizhang_core::monitoring::{Month, ProblemOrigin, ProjectProgress, Xun};
use taizhang_ledger::{
    visit_scope, KeyEnterprise, LeaderItems, MonthlyReport, ProductionSummary, ProjectReport, ProjectRow, SeriesPoint,
    WarningFilter, WarningRow,
};
use tauri::State;

use super::session_user;
use crate::error::ApiResult;
use crate::state::{AppState, Open};

/// The township a list shows: the acting township official's own, else `asked` (`None`: the
/// district).
pub(super) fn scope(o: &Open, asked: Option<String>) -> ApiResult<Option<String>> {
    let actor = o.ledger.actor(&session_user(o)?)?;
    Ok(match visit_scope(&actor) {
        Some(own) => Some(own.to_string()),
        None => asked.filter(|t| !t.is_empty()),
    })
}

/// The key enterprises in the user's scope, by township then name.
#[tauri::command(async, rename_all = "snake_case")]
pub fn key_enterprises(state: State<'_, AppState>, township_id: Option<String>) -> ApiResult<Vec<KeyEnterprise>> {
    state.with(|o| {
        let township = scope(o, township_id)?;
        Ok(o.ledger.key_enterprises(township.as_deref())?)
    })
}

/// 重点企业主要经济指标月报 of `month`: each enterprise, each township, the district, and who did
/// not report.
#[tauri::command(async, rename_all = "snake_case")]
pub fn monthly_report(
    state: State<'_, AppState>,
    month: Month,
    township_id: Option<String>,
) -> ApiResult<MonthlyReport> {
    state.with(|o| {
        let township = scope(o, township_id)?;
        Ok(o.ledger.monthly_report(month, township.as_deref(), Utc::now())?)
    })
}

/// One enterprise's indicator over `months` months to `to`, beside last year's.
#[tauri::command(async, rename_all = "snake_case")]
pub fn indicator_series(
    state: State<'_, AppState>,
    enterprise_id: String,
    key: String,
    to: Month,
    months: u32,
) -> ApiResult<Vec<SeriesPoint>> {
    state.with(|o| {
        let township = scope(o, None)?;
        Ok(o.ledger.indicator_series(&enterprise_id, &key, to, months, township.as_deref())?)
    })
}

/// The 旬报 summary of one 旬.
#[tauri::command(async, rename_all = "snake_case")]
pub fn production_summary(
    state: State<'_, AppState>,
    month: Month,
    xun: Xun,
    township_id: Option<String>,
) -> ApiResult<ProductionSummary> {
    state.with(|o| {
        let township = scope(o, township_id)?;
        Ok(o.ledger.production_summary(month, xun, township.as_deref())?)
    })
}

/// The warnings board: raised warnings and missing reports, highest level first. `mine`: only
/// those whose responsible leader (包联领导) is the signed-in user (a leader's 我的).
#[tauri::command(async, rename_all = "snake_case")]
pub fn warnings_board(
    state: State<'_, AppState>,
    township_id: Option<String>,
    open_only: bool,
    mine: bool,
) -> ApiResult<Vec<WarningRow>> {
    state.with(|o| {
        let township = scope(o, township_id)?;
        let leader = if mine { Some(o.ledger.actor(&session_user(o)?)?.user.name) } else { None };
        let filter = WarningFilter { township_id: township, open_only, leader };
        Ok(o.ledger.warnings(&filter, Utc::now())?)
    })
}

/// The key projects with their figures as of `month`.
#[tauri::command(async, rename_all = "snake_case")]
pub fn key_projects(
    state: State<'_, AppState>,
    month: Month,
    township_id: Option<String>,
) -> ApiResult<Vec<ProjectRow>> {
    state.with(|o| {
        let township = scope(o, township_id)?;
        Ok(o.ledger.projects(township.as_deref(), month)?)
    })
}

/// 重点项目进度月报 of `month`: the key projects with their 合计, as the workbook has them (the
/// page the window prints).
#[tauri::command(async, rename_all = "snake_case")]
pub fn project_report(
    state: State<'_, AppState>,
    month: Month,
    township_id: Option<String>,
) -> ApiResult<ProjectReport> {
    state.with(|o| {
        let township = scope(o, township_id)?;
        Ok(o.ledger.project_report(township.as_deref(), month)?)
    })
}

/// A project's monthly reports, oldest first.
#[tauri::command(async, rename_all = "snake_case")]
pub fn project_history(state: State<'_, AppState>, project_id: String) -> ApiResult<Vec<ProjectProgress>> {
    state.with(|o| {
        session_user(o)?;
        Ok(o.ledger.project_history(&project_id)?)
    })
}

/// Where a problem came from, when from a warning or a project's difficulties.
#[tauri::command(async, rename_all = "snake_case")]
pub fn problem_origin(state: State<'_, AppState>, problem_id: String) -> ApiResult<Option<ProblemOrigin>> {
    state.with(|o| Ok(o.ledger.problem_origin(&problem_id)?))
}

/// The signed-in user's own items as a leader: the problems they answer for and gave a 批示
/// on, and the key enterprises and projects paired with them (projects as of `month`).
#[tauri::command(async, rename_all = "snake_case")]
pub fn leader_items(state: State<'_, AppState>, month: Month) -> ApiResult<LeaderItems> {
    state.with(|o| {
        let user = session_user(o)?;
        Ok(o.ledger.leader_items(&user, month, Utc::now())?)
    })
}
