//! The commands the UI calls. Each is a thin adapter: take the state, call the ledger, map
//! the error. No business rule lives here; `execute` is the only write path.

use std::path::PathBuf;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use taizhang_core::calendar::{parse_year_csv, parse_year_json, CalendarYear};
use taizhang_core::credit_code::{check_credit_code, CreditCodeCheck};
use taizhang_core::document::DocumentKind;
use taizhang_core::figures::Scorecard;
use taizhang_core::workflow::{capabilities, Capabilities, SuggestedDeadlines};
use taizhang_core::*;
use taizhang_demo::{generate, DemoOptions};
use taizhang_exchange::export::{export_ledger_csv, export_ledger_xlsx, export_report_xlsx, ExportSummary};
use taizhang_exchange::import::{
    commit_enterprises, commit_ledger, commit_visits, preview_enterprises, preview_ledger, preview_visits, ImportKind,
    ImportOptions, ImportOutcome, ImportPreview, VisitImportOptions, VisitImportOutcome, VisitImportPreview,
};
use taizhang_ledger::backup::{BackupInfo, RestoreReport};
use taizhang_ledger::password::hash_password;
use taizhang_ledger::report::Report;
use taizhang_ledger::*;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::error::{ApiError, ApiResult};
use crate::state::{lower_priority, AppState, ChainCheck, Open};

mod attachments;
mod backups;
mod exchange;
mod monitoring;
mod monitoring_sheets;
mod notices;
mod printing;
mod sync;
pub use attachments::*;
pub use backups::*;
pub use exchange::*;
pub use monitoring::*;
pub use monitoring_sheets::*;
pub use notices::*;
pub use printing::*;
pub use sync::*;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    /// Where automatic backups are kept.
    pub backups_dir: String,
    pub default_path: String,
    pub demo_path: String,
    pub recent: Vec<String>,
    pub current: Option<String>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LedgerInfo {
    pub path: String,
    pub district_name: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SessionInfo {
    pub user: UserView,
    pub unit: Unit,
    pub capabilities: Capabilities,
}

/// Progress of long work: `done` of `total` steps.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Progress {
    pub stage: String,
    #[ts(type = "number")]
    pub done: i64,
    #[ts(type = "number")]
    pub total: i64,
}

#[derive(Debug, Clone, Copy, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum CalendarFormat {
    Json,
    Csv,
}

fn session_user(open: &Open) -> ApiResult<String> {
    open.user.clone().ok_or_else(ApiError::not_signed_in)
}

fn period(ledger: &Ledger, text: &str) -> ApiResult<taizhang_core::period::Period> {
    Ok(ledger.period(text)?)
}

fn set_title<R: Runtime>(app: &AppHandle<R>, path: Option<&std::path::Path>) {
    if let Some(w) = app.get_webview_window("main") {
        let title = match path {
            Some(p) => format!("企业服务台账 — {}", p.display()),
            None => "企业服务台账".to_string(),
        };
        let _ = w.set_title(&title);
    }
}

pub(crate) fn opened<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    ledger: Ledger,
    path: PathBuf,
) -> ApiResult<LedgerInfo> {
    let district_name = ledger.settings()?.district_name;
    state.remember(&path);
    set_title(app, Some(&path));
    log::info!("opened ledger {}", path.display());
    let generation = state.next_generation();
    // The backup on open is made by the background check (below) once the chain verifies;
    // writes meanwhile do not start another.
    let reader = AppState::reader(&path);
    let open = Open {
        ledger,
        reader,
        path: path.clone(),
        user: None,
        last_backup: Some(std::time::Instant::now()),
        generation,
    };
    *state.lock() = Some(open);
    check_in_background(app, path.clone(), generation, true);
    Ok(LedgerInfo { path: path.display().to_string(), district_name })
}

/// Every open checks the whole chain, so a file edited behind the app's back is flagged (the
/// UI's red banner, from `chain_check`) and is not backed up as if it were sound. At 100,000
/// problems that takes seconds, so it runs on a thread of its own, on its own read-only
/// connection, at low priority, while the ledger is already shown; then, if the chain is
/// sound and `backup` asks for it, the backup on open is made from the same connection.
/// The page cache of the background chain check's connection, KiB.
const CHAIN_CHECK_CACHE_KIB: i64 = 2048;

fn check_in_background<R: Runtime>(app: &AppHandle<R>, path: PathBuf, generation: u64, backup: bool) {
    let app = app.clone();
    let spawned = std::thread::Builder::new().name("chain-check".into()).spawn(move || {
        lower_priority();
        let state = app.state::<AppState>();
        let started = std::time::Instant::now();
        // The check reads the log once from end to end: a page cache does not help it, and
        // the connection's usual 64 MB would fill with pages read once while the user works.
        let shown = path.display().to_string();
        let opened =
            Ledger::open_read_only(&path).and_then(|l| l.set_page_cache_kib(Some(CHAIN_CHECK_CACHE_KIB)).map(|()| l));
        // Another ledger opened meanwhile interrupts the check (`AppState::next_generation`).
        if let Ok(l) = &opened {
            if !state.watch_chain_check(generation, l.interrupt_handle()) {
                log::info!("the chain check of {shown} was not started: another ledger was opened");
                return;
            }
        }
        let result = opened.and_then(|l| l.verify().map(|r| (l, r)));
        state.chain_check_done(generation);
        let (check, ledger) = match result {
            Ok((l, r)) => {
                if r.ok {
                    log::info!(
                        "the chain of {shown} verifies ({} events, {:.1} s)",
                        r.events,
                        started.elapsed().as_secs_f64()
                    );
                } else {
                    log::warn!("the chain of {shown} is broken: {:?}", r.first_break);
                }
                (ChainCheck { path: shown, ok: r.ok, first_break: r.first_break }, r.ok.then_some(l))
            }
            Err(_) if state.generation_moved(generation) => {
                log::info!("the chain check of {shown} stopped: another ledger was opened");
                return;
            }
            Err(e) => {
                log::warn!("could not check the chain of {shown}: {e}");
                (ChainCheck { path: shown, ok: false, first_break: None }, None)
            }
        };
        if state.set_chain(generation, check) && backup {
            if let Some(l) = ledger {
                state.backup_on_open(l, generation);
            }
        }
    });
    if let Err(e) = spawned {
        log::error!("cannot start the chain check: {e}");
    }
}

/// Whether the open ledger's file was replaced or moved under the app (another program restored
/// it): its path no longer names the file this connection has open. The UI asks on a timer and
/// when the window gets focus, and shows a banner offering to open the file again; meanwhile
/// every command refuses with `ledger.replaced` (`AppState::with`).
#[tauri::command(async, rename_all = "snake_case")]
pub fn ledger_replaced(state: State<'_, AppState>) -> bool {
    state.lock().as_ref().is_some_and(|o| o.ledger.check_not_replaced().is_err())
}

/// What the background check of the open ledger's chain found; `None` while it runs. The UI
/// asks after opening a ledger until it has an answer.
#[tauri::command(async, rename_all = "snake_case")]
pub fn chain_check(state: State<'_, AppState>) -> Option<ChainCheck> {
    state.chain()
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn app_info(state: State<'_, AppState>) -> ApiResult<AppInfo> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        backups_dir: state.backups_dir().display().to_string(),
        default_path: state.default_path().display().to_string(),
        demo_path: state.demo_path().display().to_string(),
        recent: state.recent(),
        current: state.lock().as_ref().map(|o| o.path.display().to_string()),
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn ledger_create<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, path: String) -> ApiResult<LedgerInfo> {
    let path = PathBuf::from(path);
    let ledger = Ledger::create(&path, Utc::now())?;
    opened(&app, &state, ledger, path)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn ledger_open<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, path: String) -> ApiResult<LedgerInfo> {
    let path = PathBuf::from(path);
    let ledger = Ledger::open(&path)?;
    opened(&app, &state, ledger, path)
}

/// Opens the ledger in the user's data directory, creating it the first time.
#[tauri::command(async, rename_all = "snake_case")]
pub fn ledger_open_default<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> ApiResult<LedgerInfo> {
    let path = state.default_path();
    std::fs::create_dir_all(&state.data_dir).map_err(taizhang_ledger::LedgerError::from)?;
    let ledger = if path.exists() { Ledger::open(&path)? } else { Ledger::create(&path, Utc::now())? };
    opened(&app, &state, ledger, path)
}

/// Opens the demo district, generating it the first time (with progress).
#[tauri::command(async, rename_all = "snake_case")]
pub fn ledger_open_demo<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    on_progress: Channel<Progress>,
) -> ApiResult<LedgerInfo> {
    let path = state.demo_path();
    std::fs::create_dir_all(&state.data_dir).map_err(taizhang_ledger::LedgerError::from)?;
    let ledger = if path.exists() {
        Ledger::open(&path)?
    } else {
        let opts = DemoOptions { end: Utc::now(), ..DemoOptions::default() };
        let tmp = path.with_extension("db.partial");
        let _ = std::fs::remove_file(&tmp);
        let mut ledger = Ledger::create(&tmp, opts.start())?;
        generate(&mut ledger, &opts, &mut |done, total| {
            let _ = on_progress.send(Progress { stage: "demo".into(), done: done as i64, total: total as i64 });
        })?;
        drop(ledger);
        // Only a complete demo takes the demo's name.
        for ext in ["", "-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{ext}", tmp.display()));
            if from.exists() {
                std::fs::rename(&from, format!("{}{ext}", path.display()))
                    .map_err(taizhang_ledger::LedgerError::from)?;
            }
        }
        Ledger::open(&path)?
    };
    opened(&app, &state, ledger, path)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn ledger_close<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> ApiResult<()> {
    *state.lock() = None;
    state.next_generation();
    set_title(&app, None);
    Ok(())
}

/// The users one may sign in as (the sign-in picker): active users of active units, the
/// ones `sign_in` accepts.
#[tauri::command(async, rename_all = "snake_case")]
pub fn sign_in_options(state: State<'_, AppState>) -> ApiResult<Vec<UserView>> {
    state.with(|o| {
        let active_units: std::collections::HashSet<String> =
            o.ledger.units()?.into_iter().filter(|u| u.active).map(|u| u.id).collect();
        Ok(o.ledger.user_views()?.into_iter().filter(|u| u.active && active_units.contains(&u.unit_id)).collect())
    })
}

fn session_info(open: &Open, user_id: &str) -> ApiResult<SessionInfo> {
    let actor = open.ledger.actor(user_id)?;
    let user =
        open.ledger.user_views()?.into_iter().find(|u| u.id == actor.user.id).ok_or_else(ApiError::not_signed_in)?;
    Ok(SessionInfo { capabilities: capabilities(actor.user.role), user, unit: actor.unit })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn sign_in(state: State<'_, AppState>, login: String, password: Option<String>) -> ApiResult<SessionInfo> {
    state.with(|o| {
        let actor = o.ledger.sign_in(&login, password.as_deref())?;
        o.user = Some(actor.user.id.clone());
        log::info!("signed in: {}", actor.user.login);
        session_info(o, &actor.user.id)
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn sign_out(state: State<'_, AppState>) -> ApiResult<()> {
    state.with(|o| {
        o.user = None;
        Ok(())
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn session(state: State<'_, AppState>) -> ApiResult<Option<SessionInfo>> {
    let guard = state.lock();
    match guard.as_ref() {
        Some(o) => o.user.as_deref().map(|u| session_info(o, u)).transpose(),
        None => Ok(None),
    }
}

/// The one write path: runs a command as the signed-in user.
#[tauri::command(async, rename_all = "snake_case")]
pub fn execute(state: State<'_, AppState>, command: Command) -> ApiResult<Vec<StoredEvent>> {
    state.with(|o| {
        let user = session_user(o)?;
        let events = o.ledger.execute(&user, &command, Utc::now())?;
        state.auto_backup(o);
        Ok(events)
    })
}

/// Several commands in one transaction (bulk assign, bulk urge): all or nothing.
#[tauri::command(async, rename_all = "snake_case")]
pub fn execute_all(state: State<'_, AppState>, commands: Vec<Command>) -> ApiResult<Vec<StoredEvent>> {
    state.with(|o| {
        let user = session_user(o)?;
        let events = o.ledger.execute_all(&user, &commands, Utc::now())?;
        state.auto_backup(o);
        Ok(events)
    })
}

/// Sets (or with `None` clears) a password; the hash is made here, never in the UI.
#[tauri::command(async, rename_all = "snake_case")]
pub fn set_password(state: State<'_, AppState>, user_id: String, password: Option<String>) -> ApiResult<()> {
    state.with(|o| {
        let actor = session_user(o)?;
        let password_hash = password.as_deref().map(hash_password).transpose()?;
        o.ledger.execute(&actor, &Command::SetPassword { user_id, password_hash }, Utc::now())?;
        Ok(())
    })
}

/// A new UUIDv7 for an entity the UI is about to create.
#[tauri::command(async, rename_all = "snake_case")]
pub fn new_id() -> String {
    taizhang_ledger::new_id(Utc::now())
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_problems(
    state: State<'_, AppState>,
    filter: ProblemFilter,
    sort: Sort,
    page: PageRequest,
) -> ApiResult<ProblemPage> {
    state.with(|o| Ok(o.ledger.list_problems(&filter, sort, page, Utc::now())?))
}

/// One problem with what the signed-in user may do with it now (asked of the core).
#[tauri::command(async, rename_all = "snake_case")]
pub fn problem_detail(state: State<'_, AppState>, problem: String) -> ApiResult<ProblemDetail> {
    state.with(|o| Ok(o.ledger.problem_detail(&problem, o.user.as_deref(), Utc::now())?))
}

/// What the signed-in user may do now with each problem of a list (the 操作 column), asked of
/// the core for every row; nothing for nobody signed in.
#[tauri::command(async, rename_all = "snake_case")]
pub fn row_actions(state: State<'_, AppState>, problem_ids: Vec<String>) -> ApiResult<Vec<RowActions>> {
    state.with(|o| match o.user.as_deref() {
        Some(user) => Ok(o.ledger.row_actions(&problem_ids, user, Utc::now())?),
        None => Ok(vec![]),
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn inbox(state: State<'_, AppState>, unit_id: Option<String>) -> ApiResult<Inbox> {
    state.with(|o| {
        let unit = match unit_id {
            Some(u) => u,
            None => o.ledger.actor(&session_user(o)?)?.unit.id,
        };
        Ok(o.ledger.inbox(&unit, Utc::now())?)
    })
}

#[tauri::command(async, rename_all = "snake_case")]
/// The office's 督办中心 tab counts (and its menu counts): six counts, read after sign-in
/// beside the first page of the ledger, so on the reader connection (`read_aside`).
pub async fn office_console_counts(state: State<'_, AppState>) -> ApiResult<ConsoleCounts> {
    state.read_aside(|l, _| Ok(l.office_console_counts(Utc::now())?)).await
}

#[tauri::command(async, rename_all = "snake_case")]
/// One page of a 督办中心 tab, in its order.
pub async fn office_console_page(
    state: State<'_, AppState>,
    tab: ConsoleTab,
    page: PageRequest,
) -> ApiResult<ProblemPage> {
    state.read_aside(move |l, _| Ok(l.office_console_page(tab, page, Utc::now())?)).await
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn suggest_deadlines(state: State<'_, AppState>, problem: String) -> ApiResult<SuggestedDeadlines> {
    state.with(|o| Ok(o.ledger.suggest_deadlines(&problem, Utc::now())?))
}

#[tauri::command(async, rename_all = "snake_case")]
pub async fn scorecard(state: State<'_, AppState>, period: String) -> ApiResult<Scorecard> {
    state
        .read_whole(move |l| {
            let p = crate::commands::period(l, &period)?;
            Ok(l.scorecard(&p, Utc::now())?)
        })
        .await
}

/// The landing page after sign-in; it folds every problem, so it runs beside the list
/// (`read_whole`) rather than in front of it.
#[tauri::command(async, rename_all = "snake_case")]
pub async fn dashboard(state: State<'_, AppState>, period: String) -> ApiResult<Dashboard> {
    state
        .read_whole(move |l| {
            let p = crate::commands::period(l, &period)?;
            Ok(l.dashboard(&p, Utc::now())?)
        })
        .await
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_units(state: State<'_, AppState>) -> ApiResult<Vec<Unit>> {
    state.with(|o| Ok(o.ledger.units()?))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_users(state: State<'_, AppState>) -> ApiResult<Vec<UserView>> {
    state.with(|o| Ok(o.ledger.user_views()?))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_enterprises(state: State<'_, AppState>) -> ApiResult<Vec<Enterprise>> {
    state.with(|o| Ok(o.ledger.enterprises()?))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn search_enterprises(state: State<'_, AppState>, text: String) -> ApiResult<Vec<Enterprise>> {
    state.with(|o| Ok(o.ledger.search_enterprises(&text, 20)?))
}

/// The credit-code check, for the warning shown while typing (never a refusal).
#[tauri::command(async, rename_all = "snake_case")]
pub fn check_credit_code_cmd(code: String) -> CreditCodeCheck {
    check_credit_code(&code)
}

/// 一企一档: one enterprise's page (profile, visits, problems, a key enterprise's monitoring);
/// a township official gets only their own township's enterprises.
#[tauri::command(async, rename_all = "snake_case")]
pub fn enterprise_file(state: State<'_, AppState>, id: String) -> ApiResult<EnterpriseFile> {
    state.with(|o| {
        let actor = o.ledger.actor(&session_user(o)?)?;
        Ok(o.ledger.enterprise_file(&id, visit_scope(&actor), Utc::now())?)
    })
}

/// One visit by id (the one a problem came from).
#[tauri::command(async, rename_all = "snake_case")]
pub fn visit(state: State<'_, AppState>, id: String) -> ApiResult<Option<Visit>> {
    state.with(|o| Ok(o.ledger.visit(&id)?))
}

/// An enterprise's visits, newest first: what a registration may name as its source.
#[tauri::command(async, rename_all = "snake_case")]
pub fn enterprise_visits(state: State<'_, AppState>, enterprise_id: String) -> ApiResult<Vec<Visit>> {
    state.with(|o| Ok(o.ledger.visits_of_enterprise(&enterprise_id)?))
}

/// The 走访 list, a page at a time, newest first: a township official's own township's visits,
/// everyone else's the whole district's (`visit_scope`, as the overdue list beside it).
#[tauri::command(async, rename_all = "snake_case")]
pub fn visit_page(state: State<'_, AppState>, page: PageRequest) -> ApiResult<VisitPage> {
    state.with(|o| {
        let actor = o.ledger.actor(&session_user(o)?)?;
        Ok(o.ledger.visit_page(visit_scope(&actor), page)?)
    })
}

/// Key enterprises overdue for a visit (docs/monitoring.md, "Pairing"): a township official's
/// own township's, everyone else's the whole district's.
#[tauri::command(async, rename_all = "snake_case")]
pub fn unvisited_key_enterprises(state: State<'_, AppState>) -> ApiResult<Vec<UnvisitedEnterprise>> {
    state.with(|o| {
        let actor = o.ledger.actor(&session_user(o)?)?;
        Ok(o.ledger.unvisited_key_enterprises(visit_scope(&actor), Utc::now())?)
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn calendar_years(state: State<'_, AppState>) -> ApiResult<Vec<CalendarYear>> {
    state.with(|o| {
        let cal = o.ledger.calendar()?;
        Ok(cal.years().into_iter().filter_map(|y| cal.year(y)).collect())
    })
}

/// Reads a year's holiday notice (JSON or CSV text) for preview; importing it is a
/// `set_calendar_year` command.
#[tauri::command(async, rename_all = "snake_case")]
pub fn parse_calendar_year(text: String, format: CalendarFormat, notice: String) -> ApiResult<CalendarYear> {
    let parsed = match format {
        CalendarFormat::Json => parse_year_json(&text).map(|mut y| {
            if !notice.trim().is_empty() {
                y.notice = notice.trim().to_string();
            }
            y
        }),
        CalendarFormat::Csv => parse_year_csv(&text, notice.trim()),
    };
    Ok(parsed?)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn get_settings(state: State<'_, AppState>) -> ApiResult<Settings> {
    state.with(|o| Ok(o.ledger.settings()?))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn verify_chain(state: State<'_, AppState>, on_progress: Channel<Progress>) -> ApiResult<VerifyReport> {
    state.with(|o| {
        require(o, "verify", |c| c.audit, ForbiddenReason::AuditOfficeAndLeaders)?;
        let report = o.ledger.verify_with_progress(&mut |done, total| {
            let _ = on_progress.send(Progress { stage: "verify".into(), done, total });
        })?;
        if !report.ok {
            log::warn!("chain verification failed: {:?}", report.first_break);
        }
        Ok(report)
    })
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn rebuild_projections(state: State<'_, AppState>, on_progress: Channel<Progress>) -> ApiResult<RebuildReport> {
    state.with(|o| {
        require(o, "rebuild", |c| c.audit, ForbiddenReason::AuditOfficeAndLeaders)?;
        Ok(o.ledger.rebuild_with_progress(&mut |done, total| {
            let _ = on_progress.send(Progress { stage: "rebuild".into(), done, total });
        })?)
    })
}

/// Refuses a signed-in user whose role lacks a capability. The core's `capabilities` says who
/// has what; the shell only asks.
fn require(o: &Open, what: &str, has: fn(&Capabilities) -> bool, reason: ForbiddenReason) -> ApiResult<()> {
    let user = session_user(o)?;
    let actor = o.ledger.actor(&user)?;
    if !has(&capabilities(actor.user.role)) {
        return Err(DomainError::forbidden(&actor.user.login, what, reason).into());
    }
    Ok(())
}

fn require_report(o: &Open) -> ApiResult<()> {
    require(o, "report", |c| c.report, ForbiddenReason::ReportsOfficeAndLeaders)
}

fn require_administer(o: &Open, what: &str) -> ApiResult<()> {
    require(o, what, |c| c.administer, ForbiddenReason::BackupsOffice)
}

/// The printed document of `kind` of each problem asked for (numbers or ids), as issued:
/// `document: null` for one not issued yet. Issuing is `execute(IssueDocument)`, the office's.
#[tauri::command(async, rename_all = "snake_case")]
pub fn documents(
    state: State<'_, AppState>,
    problems: Vec<String>,
    kind: DocumentKind,
) -> ApiResult<Vec<ProblemDocument>> {
    state.with(|o| {
        session_user(o)?;
        Ok(o.ledger.documents(&problems, kind)?)
    })
}

/// The departments that most often lead a category's problems, offered beside the lead field
/// when the office assigns (never chosen for it).
#[tauri::command(async, rename_all = "snake_case")]
pub fn lead_suggestions(state: State<'_, AppState>, category: String) -> ApiResult<Vec<LeadSuggestion>> {
    state.with(|o| {
        session_user(o)?;
        Ok(o.ledger.lead_suggestions(&category)?)
    })
}
