//! The TypeScript side of the IPC boundary, generated and checked here.
//!
//! `ui/src/bindings/` holds the ts-rs types of every Rust type the UI sees and `commands.ts`,
//! the command map (each command's arguments and what it returns) made from the command list
//! (`COMMANDS`) and the signatures in `src/commands/`. This test makes all of them again in a
//! temporary folder and fails, naming the files, when the committed copy differs.
//! `TAIZHANG_UPDATE_BINDINGS=1 cargo test -p taizhang-desktop --test it bindings` writes them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

/// Every type exported to the UI, with what it needs (`export_all` follows the fields).
fn export_every_type(cfg: &Config) {
    macro_rules! export {
        ($($ty:ty),* $(,)?) => {
            $( <$ty as TS>::export_all(cfg).unwrap_or_else(|e| panic!("exporting {}: {e}", stringify!($ty))); )*
        };
    }
    use taizhang_core as domain;
    use taizhang_desktop::{commands, error, state};
    use taizhang_exchange as exchange;
    use taizhang_ledger as ledger;
    export!(
        // the desktop shell
        commands::AppInfo,
        commands::LedgerInfo,
        commands::SessionInfo,
        commands::Progress,
        commands::CalendarFormat,
        commands::ExportFormat,
        error::ApiError,
        state::ChainCheck,
        // the core (taizhang-core)
        domain::admit::Verdict,
        domain::calendar::CalendarDay,
        domain::calendar::CalendarYear,
        domain::command::SupporterRequest,
        domain::command::AssignRequest,
        domain::command::ReturnRuling,
        domain::command::Command,
        domain::command::Action,
        domain::credit_code::CreditCodeCheck,
        domain::document::DocumentKind,
        domain::notices::NoticeKind,
        domain::document::DocumentSettings,
        domain::document::IssuedDocument,
        domain::document_text::DocumentRow,
        domain::document_text::DocumentBody,
        domain::error::DomainError,
        domain::escalation::Lateness,
        domain::escalation::Finished,
        domain::event::SupporterTerms,
        domain::event::AssignmentTerms,
        domain::event::EventBody,
        domain::event::EventMeta,
        domain::figures::LeadFigures,
        domain::figures::SupportFigures,
        domain::figures::DepartmentFigures,
        domain::figures::TownshipFigures,
        domain::figures::Summary,
        domain::figures::Scorecard,
        domain::figures::MonthPoint,
        domain::figures::CategoryFigures,
        domain::import::ImportOrigin,
        domain::import::ImportedProblem,
        domain::model::Unit,
        domain::model::User,
        domain::model::Enterprise,
        domain::model::Visit,
        domain::model::Actor,
        domain::model::Status,
        domain::model::Role,
        domain::model::UnitKind,
        domain::model::Priority,
        domain::model::Source,
        domain::model::VisitForm,
        domain::model::KeyLevel,
        domain::model::Scale,
        domain::model::Satisfaction,
        domain::model::ResultType,
        domain::model::Escalation,
        domain::period::PeriodKind,
        domain::period::Period,
        domain::problem::Supporter,
        domain::problem::Assignment,
        domain::problem::AssignmentRecord,
        domain::problem::SignRecord,
        domain::problem::ReturnRecord,
        domain::problem::ExtensionRecord,
        domain::problem::UrgeRecord,
        domain::problem::ResolutionRecord,
        domain::problem::EvaluationRecord,
        domain::problem::PendingRequest,
        domain::problem::Problem,
        domain::settings::Settings,
        domain::settings::ScoreWeights,
        domain::workflow::ActionCheck,
        domain::workflow::Capabilities,
        domain::workflow::SuggestedDeadlines,
        // the ledger
        ledger::StoredEvent,
        ledger::backup::BackupInfo,
        ledger::backup::RestoreReport,
        taizhang_demo::DemoReport,
        ledger::ProblemFilter,
        ledger::SortKey,
        ledger::Sort,
        ledger::PageRequest,
        ledger::ProblemRow,
        ledger::ProblemPage,
        ledger::VisitPage,
        ledger::Inbox,
        ledger::TimelineEntry,
        ledger::SupporterView,
        ledger::ProblemDetail,
        ledger::UserView,
        ledger::ConsoleTab,
        ledger::ConsoleCounts,
        ledger::UnitLoad,
        ledger::Dashboard,
        ledger::RebuildReport,
        ledger::report::Report,
        ledger::report::OverdueItem,
        ledger::BrokenLink,
        ledger::ChainHead,
        ledger::VerifyReport,
        ledger::AttachmentFault,
        ledger::NotAdmitted,
        ledger::ClockBehind,
        ledger::FullVerifyReport,
        ledger::ReplicaStatus,
        ledger::ReplicaInfo,
        ledger::SettledEvent,
        taizhang_sync::SyncSummary,
        ledger::UnvisitedEnterprise,
        ledger::KeyEnterprise,
        ledger::MonthlyReport,
        ledger::MonthlyRow,
        ledger::MonthlyTotal,
        ledger::SeriesPoint,
        ledger::ProductionRow,
        ledger::ProductionSummary,
        ledger::WarningAction,
        ledger::WarningRow,
        ledger::ProjectRow,
        ledger::ProjectTotals,
        ledger::ProjectReport,
        ledger::LinkedProblem,
        ledger::LeaderItems,
        ledger::LeadSuggestion,
        ledger::ProblemDocument,
        ledger::RowActions,
        ledger::Notices,
        ledger::NoticeRow,
        ledger::PairedEnterprise,
        ledger::EnterpriseFile,
        ledger::VisitOfFile,
        ledger::RaisedProblem,
        ledger::FileMonth,
        ledger::FileMonitoring,
        taizhang_sync::bundle::BundleExport,
        taizhang_sync::bundle::BundleImport,
        taizhang_sync::DeviceListing,
        // spreadsheets
        exchange::export::ExportSummary,
        exchange::export::AttachmentExport,
        exchange::header::Field,
        exchange::header::MatchKind,
        exchange::import::ImportOptions,
        exchange::import::CategoryChoice,
        exchange::import::ColumnChoice,
        exchange::import::UnitChoice,
        exchange::import::ImportKind,
        exchange::import::ColumnMapping,
        exchange::import::UnimportedColumn,
        exchange::import::CategoryMatch,
        exchange::import::CategoryMapping,
        exchange::import::Severity,
        exchange::import::RowIssue,
        exchange::import::SkippedRow,
        exchange::import::UnitMapping,
        exchange::import::StatusCount,
        exchange::import::ImportPreview,
        exchange::import::ImportOutcome,
        exchange::import::IndicatorImportOptions,
        exchange::import::IndicatorColumn,
        exchange::import::IndicatorIssue,
        exchange::import::IndicatorRow,
        exchange::import::IndicatorImportPreview,
        exchange::import::IndicatorImportOutcome,
        exchange::import::Measure,
        exchange::import::VisitImportOptions,
        exchange::import::VisitRowResult,
        exchange::import::VisitSheetRow,
        exchange::import::VisitImportPreview,
        exchange::import::VisitImportOutcome,
        commands::MonitoringSheet,
        commands::AttachmentView,
        commands::Paper,
        domain::attachment::Attachment,
    );
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, by its path relative to `dir` ('/'-separated), with its text.
fn files_under(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The bindings as the Rust source makes them now.
fn generated_bindings() -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    export_every_type(&Config::from_env().with_out_dir(dir.path()));
    let mut files = files_under(dir.path());
    // Every file of the `commands` module, as one text: a command may live in any of them.
    let commands_rs = manifest_dir().join("src/commands");
    let source: String = files_under(&commands_rs).into_values().collect::<Vec<_>>().join("\n");
    let map = crate::command_map::command_map(&source, taizhang_desktop::COMMANDS, |ty| {
        files.contains_key(&format!("{ty}.ts"))
    })
    .unwrap_or_else(|e| panic!("{}: {e}", commands_rs.display()));
    files.insert("commands.ts".into(), map);
    files
}

/// What differs between `generated` and `committed`: (stale, missing, extra) file names.
fn differences(
    generated: &BTreeMap<String, String>,
    committed: &BTreeMap<String, String>,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let stale = generated
        .iter()
        .filter(|(f, text)| committed.get(*f).is_some_and(|c| c != *text))
        .map(|(f, _)| f.clone())
        .collect();
    let missing = generated.keys().filter(|f| !committed.contains_key(*f)).cloned().collect();
    let extra = committed.keys().filter(|f| !generated.contains_key(*f)).cloned().collect();
    (stale, missing, extra)
}

#[test]
fn committed_bindings_match_the_rust_types_and_commands() {
    let bindings_dir = manifest_dir().join("../ui/src/bindings");
    let generated = generated_bindings();
    let committed = files_under(&bindings_dir);
    let (stale, missing, extra) = differences(&generated, &committed);
    if std::env::var_os("TAIZHANG_UPDATE_BINDINGS").is_some() {
        for f in stale.iter().chain(&missing) {
            let path = bindings_dir.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated[f]).unwrap();
        }
        for f in &extra {
            std::fs::remove_file(bindings_dir.join(f)).unwrap();
        }
        return;
    }
    assert!(
        stale.is_empty() && missing.is_empty() && extra.is_empty(),
        "ui/src/bindings does not match the Rust side.\n  stale: {stale:?}\n  missing: {missing:?}\n  \
         not generated (delete, or export the type in tests/it/bindings.rs): {extra:?}\n\
         Run `TAIZHANG_UPDATE_BINDINGS=1 cargo test -p taizhang-desktop --test it bindings` and commit ui/src/bindings."
    );
}

#[test]
fn a_changed_binding_is_named() {
    let generated = generated_bindings();
    let mut committed = generated.clone();
    committed.get_mut("EventBody.ts").unwrap().push_str("// edited\n");
    committed.remove("commands.ts");
    committed.insert("Gone.ts".into(), String::new());
    let (stale, missing, extra) = differences(&generated, &committed);
    assert_eq!(
        (stale, missing, extra),
        (vec!["EventBody.ts".to_string()], vec!["commands.ts".to_string()], vec!["Gone.ts".to_string()])
    );
}
