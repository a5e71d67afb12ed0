//! The desktop's command list, as data: the Tauri shell registers exactly these (one-line
//! adapters in `src-tauri/src/commands.rs`, which must exist for each name or the shell does
//! not compile), and the authorization matrix test checks a row for each.

/// Calls `$callback!` with every command name: `with_commands!(register)` expands to
/// `register! { app_info, sign_in, … }`. The shell's registration and [`COMMANDS`] both come
/// from this one list.
#[macro_export]
macro_rules! with_commands {
    ($callback:ident) => {
        $callback! {
            app_info,
            sign_in,
            accept_confidentiality,
            change_temporary_password,
            choose_organization,
            new_captcha,
            password_rules,
            forgot_password,
            reset_password,
            change_password,
            my_account,
            update_my_account,
            unlock_session,
            keep_alive,
            sign_out,
            current_user,
            sync_status,
            sync_now,
            sync_conflicts,
            mark_sync_conflict_reviewed,
            remembered_sign_in,
            resume_session,
            search_clients,
            smart_search,
            quick_search,
            get_client,
            get_forecast,
            record_administered_dose,
            record_historical_doses,
            edit_immunization,
            void_immunization,
            dose_entry_options,
            scan_vial_barcode,
            list_lots,
            receive_lot,
            adjust_lot,
            list_vis_documents,
            list_vaccines,
            list_trade_names,
            list_manufacturers,
            list_vaccine_groups,
            update_consent,
            demographic_codes,
            get_demographics,
            change_demographics,
            add_client,
            duplicate_queue,
            scan_duplicates,
            merge_clients,
            unmerge_clients,
            dismiss_duplicate,
            print_record,
            save_record_pdf,
            send_record_to_printer,
            choose_batch_folder,
            print_record_to_batch_folder,
            verify_record,
            verify_record_file,
            access_request_options,
            save_access_request_draft,
            submit_access_request,
            list_access_requests,
            access_request_queue,
            get_access_request,
            approve_access_request,
            return_access_request,
            reject_access_request,
            open_user_agreement,
            sign_user_agreement,
            resend_user_agreement,
            list_organization_users,
            end_user_access,
            list_organizations,
            student_lists,
            create_student_list,
            rename_student_list,
            put_student,
            remove_student,
            import_roster,
            school_report,
            save_school_report_csv,
            save_parent_letters,
            coverage_report,
            save_coverage_csv,
            reminder_options,
            reminder_preview,
            create_reminders,
            reminder_progress,
            cancel_reminders,
            doses_administered_report,
            save_doses_administered_csv,
            lot_usage_report,
        }
    };
}

macro_rules! command_names {
    ($($name:ident),* $(,)?) => {
        /// Every command the desktop registers, by name.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

with_commands!(command_names);
