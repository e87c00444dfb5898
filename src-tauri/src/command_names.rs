// The app's commands, listed once. `app_commands!(m)` hands the list to the macro `m`: the
// permission manifest (build.rs), the invoke handler (lib.rs), the `COMMANDS` table the
// capability test checks, and ui/src/bindings/commands.ts (tests/it/bindings.rs) all come from it.
// Each name is a `#[tauri::command]` fn in commands/ (re-exported by commands/mod.rs); a name missing there fails the build.
// This file is `include!`d by build.rs, so it holds nothing but the list and the table.
#[allow(unused_macros)]
macro_rules! app_commands {
    ($then:ident) => {
        $then! {
            app_info,
            ledger_create,
            ledger_open,
            ledger_open_default,
            ledger_open_demo,
            ledger_close,
            chain_check,
            ledger_replaced,
            sign_in_options,
            sign_in,
            sign_out,
            session,
            execute,
            execute_all,
            execute_attached,
            attachment_inspect,
            attachment_data,
            attachment_save,
            save_pdf,
            set_password,
            new_id,
            list_problems,
            problem_detail,
            row_actions,
            notices,
            notices_seen,
            inbox,
            office_console_counts,
            office_console_page,
            suggest_deadlines,
            scorecard,
            dashboard,
            list_units,
            list_users,
            list_enterprises,
            search_enterprises,
            check_credit_code_cmd,
            visit,
            enterprise_visits,
            visit_page,
            enterprise_file,
            unvisited_key_enterprises,
            key_enterprises,
            monthly_report,
            indicator_series,
            production_summary,
            warnings_board,
            export_monitoring,
            lead_suggestions,
            documents,
            leader_items,
            indicator_import_preview,
            indicator_import_commit,
            key_projects,
            project_report,
            project_history,
            problem_origin,
            calendar_years,
            parse_calendar_year,
            get_settings,
            verify_chain,
            rebuild_projections,
            import_preview,
            import_commit,
            visit_import_preview,
            visit_import_commit,
            visit_template,
            export_ledger,
            export_attachments,
            export_report,
            report,
            backup_now,
            restore_ledger,
            sync_join,
            sync_status,
            sync_now,
            server_devices,
            server_device_decide,
            bundle_export,
            bundle_import,
        }
    };
}

macro_rules! command_name_table {
    ($($name:ident),* $(,)?) => {
        /// Every command's name, as the UI invokes it.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

app_commands!(command_name_table);
