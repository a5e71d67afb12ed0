//! One-line adapters from Tauri commands to `shotbook_api`. Logic belongs in the api crate.

use shotbook_api::dto::*;
use shotbook_api::{AppContext, AppResult};
use tauri::{AppHandle, State};

use crate::dialog;

type Ctx<'a> = State<'a, AppContext>;

/// Every command of [`shotbook_api::commands::COMMANDS`], for the invoke handler and the
/// TypeScript bindings.
pub fn builder() -> tauri_specta::Builder<tauri::Wry> {
    macro_rules! register {
        ($($name:ident),* $(,)?) => {
            tauri_specta::Builder::<tauri::Wry>::new()
                .commands(tauri_specta::collect_commands![$($name),*])
        };
    }
    shotbook_api::with_commands!(register)
}

#[tauri::command]
#[specta::specta]
pub async fn app_info(ctx: Ctx<'_>) -> AppResult<AppInfo> {
    shotbook_api::app_info(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn sign_in(ctx: Ctx<'_>, request: SignInRequest) -> AppResult<SignInStep> {
    shotbook_api::auth::sign_in(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn accept_confidentiality(ctx: Ctx<'_>) -> AppResult<SignInStep> {
    shotbook_api::auth::accept_confidentiality(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn change_temporary_password(
    ctx: Ctx<'_>,
    request: NewPasswordRequest,
) -> AppResult<SignInStep> {
    shotbook_api::auth::change_temporary_password(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn choose_organization(
    ctx: Ctx<'_>,
    request: ChooseOrganizationRequest,
) -> AppResult<SignedInUser> {
    shotbook_api::auth::choose_organization(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn new_captcha(ctx: Ctx<'_>) -> AppResult<CaptchaChallenge> {
    shotbook_api::account::new_captcha(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn password_rules(ctx: Ctx<'_>) -> AppResult<PasswordRules> {
    shotbook_api::account::password_rules(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn forgot_password(
    ctx: Ctx<'_>,
    request: ForgotPasswordRequest,
) -> AppResult<ForgotPasswordResponse> {
    shotbook_api::account::forgot_password(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn reset_password(ctx: Ctx<'_>, request: ResetPasswordRequest) -> AppResult<()> {
    shotbook_api::account::reset_password(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn change_password(ctx: Ctx<'_>, request: ChangePasswordRequest) -> AppResult<()> {
    shotbook_api::account::change_password(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn my_account(ctx: Ctx<'_>) -> AppResult<MyAccount> {
    shotbook_api::account::my_account(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_my_account(
    ctx: Ctx<'_>,
    request: UpdateMyAccountRequest,
) -> AppResult<MyAccount> {
    shotbook_api::account::update_my_account(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn unlock_session(ctx: Ctx<'_>, request: UnlockRequest) -> AppResult<()> {
    shotbook_api::account::unlock_session(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn remembered_sign_in(ctx: Ctx<'_>) -> AppResult<RememberedSignIn> {
    shotbook_api::auth::remembered_sign_in(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn resume_session(ctx: Ctx<'_>) -> AppResult<Option<SignedInUser>> {
    shotbook_api::auth::resume_session(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn keep_alive(ctx: Ctx<'_>) -> AppResult<()> {
    shotbook_api::auth::keep_alive(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn sign_out(ctx: Ctx<'_>) -> AppResult<()> {
    shotbook_api::auth::sign_out(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn sync_status(ctx: Ctx<'_>) -> AppResult<shotbook_api::sync::SyncStatusView> {
    shotbook_api::sync::status(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn sync_now(ctx: Ctx<'_>) -> AppResult<shotbook_api::sync::SyncStatusView> {
    shotbook_api::sync::sync_now(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn sync_conflicts(ctx: Ctx<'_>) -> AppResult<Vec<shotbook_api::sync::SyncConflictView>> {
    shotbook_api::sync::conflicts(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn mark_sync_conflict_reviewed(ctx: Ctx<'_>, seq: i32) -> AppResult<()> {
    shotbook_api::sync::mark_reviewed(&ctx, seq).await
}

#[tauri::command]
#[specta::specta]
pub async fn current_user(ctx: Ctx<'_>) -> AppResult<Option<SignedInUser>> {
    shotbook_api::auth::current_user(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn search_clients(
    ctx: Ctx<'_>,
    request: SearchClientsRequest,
) -> AppResult<SearchClientsResponse> {
    shotbook_api::clients::search_clients(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn smart_search(
    ctx: Ctx<'_>,
    request: SmartSearchRequest,
) -> AppResult<SmartSearchResponse> {
    shotbook_api::search::smart_search(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn quick_search(
    ctx: Ctx<'_>,
    request: QuickSearchRequest,
) -> AppResult<QuickSearchResponse> {
    shotbook_api::search::quick_search(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_client(ctx: Ctx<'_>, request: GetClientRequest) -> AppResult<ClientRecord> {
    shotbook_api::clients::get_client(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_forecast(ctx: Ctx<'_>, request: GetClientRequest) -> AppResult<ClientForecast> {
    shotbook_api::forecast::get_forecast(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_vaccines(ctx: Ctx<'_>) -> AppResult<Vec<VaccineCode>> {
    shotbook_api::codes::list_vaccines(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_trade_names(ctx: Ctx<'_>) -> AppResult<Vec<TradeName>> {
    shotbook_api::codes::list_trade_names(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_manufacturers(ctx: Ctx<'_>) -> AppResult<Vec<Manufacturer>> {
    shotbook_api::codes::list_manufacturers(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_vaccine_groups(ctx: Ctx<'_>) -> AppResult<Vec<VaccineGroup>> {
    shotbook_api::codes::list_vaccine_groups(&ctx).await
}

// Demographics, consent and duplicates.

#[tauri::command]
#[specta::specta]
pub async fn update_consent(
    ctx: Ctx<'_>,
    request: UpdateConsentRequest,
) -> AppResult<Vec<ConsentHistoryEntry>> {
    shotbook_api::consent::update_consent(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn demographic_codes(ctx: Ctx<'_>) -> AppResult<DemographicCodes> {
    shotbook_api::demographics::demographic_codes(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_demographics(
    ctx: Ctx<'_>,
    request: GetClientRequest,
) -> AppResult<ClientDemographics> {
    shotbook_api::demographics::get_demographics(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn change_demographics(
    ctx: Ctx<'_>,
    request: ChangeDemographicsRequest,
) -> AppResult<ClientDemographics> {
    shotbook_api::demographics::change_demographics(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn add_client(ctx: Ctx<'_>, request: AddClientRequest) -> AppResult<AddClientOutcome> {
    shotbook_api::demographics::add_client(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn duplicate_queue(ctx: Ctx<'_>) -> AppResult<DuplicateQueue> {
    shotbook_api::duplicates::duplicate_queue(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn scan_duplicates(ctx: Ctx<'_>) -> AppResult<DuplicateQueue> {
    shotbook_api::duplicates::scan_duplicates(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn merge_clients(
    ctx: Ctx<'_>,
    request: MergeClientsRequest,
) -> AppResult<DuplicateQueue> {
    shotbook_api::duplicates::merge_clients(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn unmerge_clients(
    ctx: Ctx<'_>,
    request: UnmergeClientsRequest,
) -> AppResult<DuplicateQueue> {
    shotbook_api::duplicates::unmerge_clients(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn dismiss_duplicate(
    ctx: Ctx<'_>,
    request: DismissDuplicateRequest,
) -> AppResult<DuplicateQueue> {
    shotbook_api::duplicates::dismiss_duplicate(&ctx, request).await
}

// Immunizations: dose entry, vial scans, lot inventory, VIS documents.

#[tauri::command]
#[specta::specta]
pub async fn record_administered_dose(
    ctx: Ctx<'_>,
    request: RecordAdministeredDoseRequest,
) -> AppResult<RecordDosesResponse> {
    shotbook_api::immunizations::record_administered_dose(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn record_historical_doses(
    ctx: Ctx<'_>,
    request: RecordHistoricalDosesRequest,
) -> AppResult<RecordDosesResponse> {
    shotbook_api::immunizations::record_historical_doses(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn edit_immunization(
    ctx: Ctx<'_>,
    request: EditImmunizationRequest,
) -> AppResult<RecordDosesResponse> {
    shotbook_api::immunizations::edit_immunization(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn void_immunization(ctx: Ctx<'_>, request: VoidImmunizationRequest) -> AppResult<()> {
    shotbook_api::immunizations::void_immunization(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn dose_entry_options(ctx: Ctx<'_>) -> AppResult<DoseEntryOptions> {
    shotbook_api::immunizations::dose_entry_options(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn scan_vial_barcode(
    ctx: Ctx<'_>,
    request: ScanVialRequest,
) -> AppResult<VialScanResult> {
    shotbook_api::immunizations::scan_vial_barcode(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_vis_documents(ctx: Ctx<'_>) -> AppResult<Vec<VisDocument>> {
    shotbook_api::immunizations::list_vis_documents(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_lots(ctx: Ctx<'_>) -> AppResult<LotInventory> {
    shotbook_api::vaccine_lots::list_lots(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn receive_lot(ctx: Ctx<'_>, request: ReceiveLotRequest) -> AppResult<VaccineLot> {
    shotbook_api::vaccine_lots::receive_lot(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn adjust_lot(ctx: Ctx<'_>, request: AdjustLotRequest) -> AppResult<VaccineLot> {
    shotbook_api::vaccine_lots::adjust_lot(&ctx, request).await
}

// The Official Immunization Record.

#[tauri::command]
#[specta::specta]
pub async fn print_record(ctx: Ctx<'_>, request: PrintRecordRequest) -> AppResult<PrintedRecord> {
    shotbook_api::records::print_record(&ctx, request).await
}

/// "Save as PDF…": `None` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_record_pdf(
    app: AppHandle,
    ctx: Ctx<'_>,
    request: PrintedRecordRequest,
) -> AppResult<Option<SavedRecord>> {
    let name = shotbook_api::records::kept_file_name(&ctx, &request.document_id)?;
    let Some(path) = dialog::save_pdf(&app, &name).await else {
        return Ok(None);
    };
    shotbook_api::records::save_record_pdf(&ctx, request, &path)
        .await
        .map(Some)
}

#[tauri::command]
#[specta::specta]
pub async fn send_record_to_printer(
    ctx: Ctx<'_>,
    request: PrintedRecordRequest,
) -> AppResult<PrintJob> {
    shotbook_api::records::send_record_to_printer(&ctx, request).await
}

/// The folder a batch prints into: `None` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_batch_folder(app: AppHandle, ctx: Ctx<'_>) -> AppResult<Option<BatchFolder>> {
    let Some(path) = dialog::pick_folder(&app).await else {
        return Ok(None);
    };
    shotbook_api::records::choose_batch_folder(&ctx, path)
        .await
        .map(Some)
}

#[tauri::command]
#[specta::specta]
pub async fn print_record_to_batch_folder(
    ctx: Ctx<'_>,
    request: BatchItemRequest,
) -> AppResult<BatchItemResult> {
    shotbook_api::records::print_record_to_batch_folder(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn verify_record(
    ctx: Ctx<'_>,
    request: VerifyRecordRequest,
) -> AppResult<RecordVerification> {
    shotbook_api::records::verify_record(&ctx, request).await
}

/// Verifies a saved PDF picked in the Open dialog: `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn verify_record_file(
    app: AppHandle,
    ctx: Ctx<'_>,
) -> AppResult<Option<RecordVerification>> {
    let Some(path) = dialog::open_pdf(&app).await else {
        return Ok(None);
    };
    shotbook_api::records::verify_record_file(&ctx, &path)
        .await
        .map(Some)
}

#[tauri::command]
#[specta::specta]
pub async fn access_request_options(ctx: Ctx<'_>) -> AppResult<AccessRequestOptions> {
    shotbook_api::access_requests::access_request_options(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_access_request_draft(
    ctx: Ctx<'_>,
    request: SaveAccessRequestRequest,
) -> AppResult<AccessRequestDetail> {
    shotbook_api::access_requests::save_access_request_draft(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn submit_access_request(
    ctx: Ctx<'_>,
    request: SaveAccessRequestRequest,
) -> AppResult<AccessRequestDetail> {
    shotbook_api::access_requests::submit_access_request(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_access_requests(ctx: Ctx<'_>) -> AppResult<Vec<AccessRequestSummary>> {
    shotbook_api::access_requests::list_access_requests(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn access_request_queue(ctx: Ctx<'_>) -> AppResult<Vec<AccessRequestSummary>> {
    shotbook_api::access_requests::access_request_queue(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_access_request(
    ctx: Ctx<'_>,
    request: AccessRequestIdRequest,
) -> AppResult<AccessRequestDetail> {
    shotbook_api::access_requests::get_access_request(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn approve_access_request(
    ctx: Ctx<'_>,
    request: AccessRequestIdRequest,
) -> AppResult<AccessRequestDetail> {
    shotbook_api::access_requests::approve_access_request(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn return_access_request(
    ctx: Ctx<'_>,
    request: DecideAccessRequestRequest,
) -> AppResult<AccessRequestDetail> {
    shotbook_api::access_requests::return_access_request(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn reject_access_request(
    ctx: Ctx<'_>,
    request: DecideAccessRequestRequest,
) -> AppResult<AccessRequestDetail> {
    shotbook_api::access_requests::reject_access_request(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn open_user_agreement(
    ctx: Ctx<'_>,
    request: OpenUserAgreementRequest,
) -> AppResult<UserAgreement> {
    shotbook_api::access_requests::open_user_agreement(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn sign_user_agreement(
    ctx: Ctx<'_>,
    request: SignUserAgreementRequest,
) -> AppResult<UserAgreementSigned> {
    shotbook_api::access_requests::sign_user_agreement(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn resend_user_agreement(
    ctx: Ctx<'_>,
    request: AccessRequestIdRequest,
) -> AppResult<AccessRequestDetail> {
    shotbook_api::access_requests::resend_user_agreement(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_organization_users(
    ctx: Ctx<'_>,
    request: OrganizationUsersRequest,
) -> AppResult<OrganizationUsers> {
    shotbook_api::organization_users::list_organization_users(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn end_user_access(
    ctx: Ctx<'_>,
    request: EndUserAccessRequest,
) -> AppResult<OrganizationUsers> {
    shotbook_api::organization_users::end_user_access(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_organizations(ctx: Ctx<'_>) -> AppResult<Vec<OrganizationInfo>> {
    shotbook_api::organization_users::list_organizations(&ctx).await
}

// The school module.

#[tauri::command]
#[specta::specta]
pub async fn student_lists(ctx: Ctx<'_>) -> AppResult<Vec<StudentList>> {
    shotbook_api::school::student_lists(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_student_list(
    ctx: Ctx<'_>,
    request: CreateStudentListRequest,
) -> AppResult<StudentList> {
    shotbook_api::school::create_student_list(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn rename_student_list(ctx: Ctx<'_>, request: RenameStudentListRequest) -> AppResult<()> {
    shotbook_api::school::rename_student_list(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn put_student(ctx: Ctx<'_>, request: PutStudentRequest) -> AppResult<bool> {
    shotbook_api::school::put_student(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_student(ctx: Ctx<'_>, request: StudentRequest) -> AppResult<()> {
    shotbook_api::school::remove_student(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn import_roster(
    ctx: Ctx<'_>,
    request: ImportRosterRequest,
) -> AppResult<RosterImportResult> {
    shotbook_api::school::import_roster(&ctx, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn school_report(ctx: Ctx<'_>, request: SchoolReportRequest) -> AppResult<SchoolReport> {
    shotbook_api::school::school_report(&ctx, request).await
}

/// "Export CSV…": `None` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_school_report_csv(
    app: AppHandle,
    ctx: Ctx<'_>,
    request: SchoolReportRequest,
) -> AppResult<Option<SavedExport>> {
    let name = shotbook_api::school::report_file_name(&ctx, &request).await?;
    let Some(path) = dialog::save_csv(&app, &name).await else {
        return Ok(None);
    };
    shotbook_api::school::save_report_csv(&ctx, request, &path)
        .await
        .map(Some)
}

/// "Parent letters…": `None` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_parent_letters(
    app: AppHandle,
    ctx: Ctx<'_>,
    request: ParentLettersRequest,
) -> AppResult<Option<SavedExport>> {
    let name = shotbook_api::school::letters_file_name(&ctx, &request).await?;
    let Some(path) = dialog::save_pdf(&app, &name).await else {
        return Ok(None);
    };
    shotbook_api::school::save_parent_letters(&ctx, request, &path)
        .await
        .map(Some)
}

// Reports.

#[tauri::command]
#[specta::specta]
pub async fn coverage_report(ctx: Ctx<'_>, request: CoverageRequest) -> AppResult<CoverageView> {
    shotbook_api::reports::coverage_report(&ctx, request).await
}

/// "Export CSV…" of the coverage report with its whole missed-opportunity list: `None` when
/// the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_coverage_csv(
    app: AppHandle,
    ctx: Ctx<'_>,
    request: CoverageRequest,
) -> AppResult<Option<SavedExport>> {
    let name = format!(
        "Coverage-{}-as-of-{}.csv",
        request.born_from.replace('/', "-"),
        request.as_of.replace('/', "-")
    );
    let Some(path) = dialog::save_csv(&app, &name).await else {
        return Ok(None);
    };
    shotbook_api::reports::save_coverage_csv(&ctx, request, &path)
        .await
        .map(Some)
}

#[tauri::command]
#[specta::specta]
pub async fn doses_administered_report(
    ctx: Ctx<'_>,
    request: DosesAdministeredRequest,
) -> AppResult<DosesAdministeredView> {
    shotbook_api::reports::doses_administered_report(&ctx, request).await
}

/// "Export CSV…" of the doses administered: `None` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_doses_administered_csv(
    app: AppHandle,
    ctx: Ctx<'_>,
    request: DosesAdministeredRequest,
) -> AppResult<Option<SavedExport>> {
    let name = format!(
        "Doses-Administered-{}-{}.csv",
        request.from.replace('/', "-"),
        request.to.replace('/', "-")
    );
    let Some(path) = dialog::save_csv(&app, &name).await else {
        return Ok(None);
    };
    shotbook_api::reports::save_doses_administered_csv(&ctx, request, &path)
        .await
        .map(Some)
}

#[tauri::command]
#[specta::specta]
pub async fn lot_usage_report(ctx: Ctx<'_>, request: LotUsageRequest) -> AppResult<LotUsageView> {
    shotbook_api::reports::lot_usage_report(&ctx, request).await
}

// Reminder/recall.

#[tauri::command]
#[specta::specta]
pub async fn reminder_options(ctx: Ctx<'_>) -> AppResult<RecallOptions> {
    shotbook_api::recall::reminder_options(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn reminder_preview(ctx: Ctx<'_>, request: RecallRequest) -> AppResult<RecallPreview> {
    shotbook_api::recall::reminder_preview(&ctx, request).await
}

/// "Create notices…": `None` when the folder dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn create_reminders(
    app: AppHandle,
    ctx: Ctx<'_>,
    request: CreateRemindersRequest,
) -> AppResult<Option<RecallRun>> {
    let Some(folder) = dialog::pick_folder(&app).await else {
        return Ok(None);
    };
    shotbook_api::recall::create_reminders(&ctx, request, &folder)
        .await
        .map(Some)
}

#[tauri::command]
#[specta::specta]
pub async fn reminder_progress(ctx: Ctx<'_>) -> AppResult<RecallProgress> {
    shotbook_api::recall::reminder_progress(&ctx).await
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_reminders(ctx: Ctx<'_>) -> AppResult<()> {
    shotbook_api::recall::cancel_reminders(&ctx).await
}
