//! The authorization matrix: every command the app exposes × every role of both registry
//! profiles (one demo user per role) × an organization in and out of the role's scope.
//!
//! Each command has one row saying what it needs. The test reads the command list from
//! `src-tauri/src/commands.rs`, so adding a command without a row here fails.
//!
//! "Allowed" means the command got past authorization: it answered, or refused the (probe)
//! input as invalid, missing or not applicable — anything but `forbidden` / `not_signed_in`.

use shotbook_api::dto::*;
use shotbook_api::{clients, forecast, records, search};
use shotbook_api::{AppContext, AppError, AppResult};
use shotbook_core::access_request::{RequestStatus, RequestType};
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_core::permission::{Permission, Role};
use shotbook_store::access_requests::{self, NewAccessRequest};
use shotbook_store::organizations;
use shotbook_synth::demo::DEMO_USERS;

use crate::access_requests::as_user;
use crate::support::{add_client_at, audit_actions, fixture, START};

/// What a command needs.
#[derive(Debug, Clone, Copy)]
enum Needs {
    /// Nothing: works signed out (sign-in steps, the User Agreement, app info).
    Nothing,
    /// Any signed-in user (own account, organization list).
    SignedIn,
    /// This permission.
    Permission(Permission),
    /// Either permission (supervisors and registry staff both open a request).
    Either(Permission, Permission),
}

/// Whether the command acts on an organization named in the request (then an organization out
/// of the role's scope is refused even when the permission is held).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The session's own organization, or none.
    Own,
    /// An organization named by the request.
    Named,
}

use Needs::*;
use Permission as P;
use Target::*;

const MATRIX: &[(&str, Needs, Target)] = &[
    ("app_info", Nothing, Own),
    ("sign_in", Nothing, Own),
    ("accept_confidentiality", Nothing, Own),
    ("change_temporary_password", Nothing, Own),
    ("choose_organization", SignedIn, Own),
    ("new_captcha", Nothing, Own),
    ("password_rules", Nothing, Own),
    ("forgot_password", Nothing, Own),
    ("reset_password", Nothing, Own),
    ("change_password", SignedIn, Own),
    ("my_account", SignedIn, Own),
    ("update_my_account", SignedIn, Own),
    ("unlock_session", SignedIn, Own),
    ("keep_alive", SignedIn, Own),
    ("sign_out", Nothing, Own),
    ("current_user", Nothing, Own),
    ("sync_status", Nothing, Own),
    ("sync_now", SignedIn, Own),
    ("sync_conflicts", Permission(P::SearchClients), Own),
    (
        "mark_sync_conflict_reviewed",
        Permission(P::SearchClients),
        Own,
    ),
    ("remembered_sign_in", Nothing, Own),
    ("resume_session", Nothing, Own),
    ("search_clients", Permission(P::SearchClients), Own),
    ("get_client", Permission(P::ViewClient), Own),
    ("get_forecast", Permission(P::ViewClient), Own),
    ("list_vaccines", Permission(P::ViewSupportTables), Own),
    ("list_trade_names", Permission(P::ViewSupportTables), Own),
    ("list_manufacturers", Permission(P::ViewSupportTables), Own),
    ("list_vaccine_groups", Permission(P::ViewSupportTables), Own),
    ("update_consent", Permission(P::UpdateConsent), Own),
    ("demographic_codes", Permission(P::ViewClient), Own),
    ("get_demographics", Permission(P::ViewClient), Own),
    ("change_demographics", Permission(P::EditDemographics), Own),
    ("add_client", Permission(P::EditDemographics), Own),
    ("duplicate_queue", Permission(P::MergeClients), Own),
    ("scan_duplicates", Permission(P::MergeClients), Own),
    ("merge_clients", Permission(P::MergeClients), Own),
    ("unmerge_clients", Permission(P::MergeClients), Own),
    ("dismiss_duplicate", Permission(P::MergeClients), Own),
    (
        "record_administered_dose",
        Permission(P::AddImmunizations),
        Own,
    ),
    (
        "record_historical_doses",
        Permission(P::AddImmunizations),
        Own,
    ),
    ("edit_immunization", Permission(P::EditImmunizations), Own),
    ("void_immunization", Permission(P::EditImmunizations), Own),
    ("dose_entry_options", Permission(P::AddImmunizations), Own),
    (
        "scan_vial_barcode",
        Either(P::AddImmunizations, P::ManageLots),
        Own,
    ),
    ("list_lots", Permission(P::ManageLots), Own),
    ("receive_lot", Permission(P::ManageLots), Own),
    ("adjust_lot", Permission(P::ManageLots), Own),
    ("list_vis_documents", Permission(P::ViewSupportTables), Own),
    ("smart_search", Permission(P::SearchClients), Own),
    ("quick_search", Permission(P::SearchClients), Own),
    ("print_record", Permission(P::PrintRecord), Own),
    ("save_record_pdf", Permission(P::PrintRecord), Own),
    ("send_record_to_printer", Permission(P::PrintRecord), Own),
    ("choose_batch_folder", Permission(P::PrintRecord), Own),
    (
        "print_record_to_batch_folder",
        Permission(P::PrintRecord),
        Own,
    ),
    ("verify_record", SignedIn, Own),
    ("verify_record_file", SignedIn, Own),
    (
        "access_request_options",
        Permission(P::ManageOrganizationUsers),
        Own,
    ),
    (
        "save_access_request_draft",
        Permission(P::ManageOrganizationUsers),
        Named,
    ),
    (
        "submit_access_request",
        Permission(P::ManageOrganizationUsers),
        Named,
    ),
    (
        "list_access_requests",
        Permission(P::ManageOrganizationUsers),
        Own,
    ),
    (
        "access_request_queue",
        Permission(P::ApproveAccessRequests),
        Own,
    ),
    (
        "get_access_request",
        Either(P::ApproveAccessRequests, P::ManageOrganizationUsers),
        Named,
    ),
    (
        "approve_access_request",
        Permission(P::ApproveAccessRequests),
        Named,
    ),
    (
        "return_access_request",
        Permission(P::ApproveAccessRequests),
        Named,
    ),
    (
        "reject_access_request",
        Permission(P::ApproveAccessRequests),
        Named,
    ),
    (
        "resend_user_agreement",
        Permission(P::ManageOrganizationUsers),
        Named,
    ),
    ("open_user_agreement", Nothing, Own),
    ("sign_user_agreement", Nothing, Own),
    (
        "list_organization_users",
        Permission(P::ManageOrganizationUsers),
        Named,
    ),
    (
        "end_user_access",
        Permission(P::ManageOrganizationUsers),
        Named,
    ),
    ("list_organizations", SignedIn, Own),
    ("student_lists", Permission(P::SchoolReports), Own),
    ("create_student_list", Permission(P::SchoolReports), Own),
    ("rename_student_list", Permission(P::SchoolReports), Own),
    ("put_student", Permission(P::SchoolReports), Own),
    ("remove_student", Permission(P::SchoolReports), Own),
    ("import_roster", Permission(P::SchoolReports), Own),
    ("school_report", Permission(P::SchoolReports), Own),
    ("save_school_report_csv", Permission(P::SchoolReports), Own),
    ("save_parent_letters", Permission(P::SchoolReports), Own),
    ("coverage_report", Permission(P::RunReports), Own),
    ("save_coverage_csv", Permission(P::RunReports), Own),
    ("reminder_options", Permission(P::RunReports), Own),
    ("reminder_preview", Permission(P::RunReports), Own),
    ("create_reminders", Permission(P::RunReports), Own),
    ("reminder_progress", Permission(P::RunReports), Own),
    ("cancel_reminders", Permission(P::RunReports), Own),
    ("doses_administered_report", Permission(P::RunReports), Own),
    (
        "save_doses_administered_csv",
        Permission(P::RunReports),
        Own,
    ),
    ("lot_usage_report", Permission(P::ManageLots), Own),
];

/// The commands the app registers (the desktop's command list).
fn registered_commands() -> Vec<String> {
    shotbook_api::commands::COMMANDS
        .iter()
        .map(|c| c.to_string())
        .collect()
}

#[test]
fn every_registered_command_has_exactly_one_row() {
    let registered = registered_commands();
    assert!(
        registered.len() > 20,
        "read the builder list: {registered:?}"
    );
    for command in &registered {
        let rows = MATRIX.iter().filter(|(name, _, _)| name == command).count();
        assert_eq!(
            rows, 1,
            "command `{command}` needs exactly one row in the authorization matrix (tests/api/authorization.rs)"
        );
    }
    for (name, _, _) in MATRIX {
        assert!(
            registered.iter().any(|c| c == name),
            "row `{name}` names no registered command"
        );
    }
}

/// Ids the probes need: a client, and a request waiting for review at each organization.
struct Probes {
    client_id: String,
    /// A Texas second-grader: the client a Texas school's or child-care facility's probes
    /// open (the Montana probe client is beyond their reach; `a_school_reaches_…` covers that).
    student_id: String,
    request_at: Vec<(String, String)>,
}

impl Probes {
    /// The probe client for a user at `org_code`.
    fn client_at(&self, org_code: &str) -> String {
        let facility = shotbook_synth::demo::DEMO_ORGANIZATIONS
            .iter()
            .any(|o| o.code == org_code && matches!(o.kind, "school" | "child_care"));
        if facility {
            self.student_id.clone()
        } else {
            self.client_id.clone()
        }
    }

    fn request_at(&self, org_code: &str) -> String {
        self.request_at
            .iter()
            .find(|(code, _)| code == org_code)
            .map(|(_, id)| id.clone())
            .unwrap_or_else(|| panic!("a probe request at {org_code}"))
    }
}

async fn seed_probe_requests(ctx: &AppContext) -> Vec<(String, String)> {
    // Requested by the Montana supervisor, who never decides: nobody else's own request.
    let requester: UserId =
        shotbook_store::memberships::user_id_by_username(ctx.store(), "mt.supervisor")
            .await
            .unwrap()
            .unwrap();
    let form = serde_json::to_string(&AccessRequestForm::default()).unwrap();
    let mut out = Vec::new();
    for org in organizations::all(ctx.store()).await.unwrap() {
        let id = uuid::Uuid::now_v7();
        let organization: OrganizationId = org.id.parse().unwrap();
        let mut tx = ctx.store().begin().await.unwrap();
        let request = NewAccessRequest {
            id,
            request_type: RequestType::PermissionsChange,
            status: RequestStatus::Draft,
            organization_id: organization,
            requested_by: requester,
            form: form.clone(),
        };
        access_requests::insert_in_tx(&mut tx, &request, START)
            .await
            .unwrap();
        access_requests::submit_in_tx(
            &mut tx,
            id,
            RequestStatus::AwaitingReview,
            None,
            None,
            START,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        out.push((org.code, id.to_string()));
    }
    out
}

fn form_for(org_code: &str) -> AccessRequestForm {
    AccessRequestForm {
        request_type: "new_access".into(),
        organization_code: org_code.into(),
        ..AccessRequestForm::default()
    }
}

/// Runs `command` with a harmless input aimed at `org_code`; the answer without its data.
async fn probe(
    ctx: &AppContext,
    command: &str,
    org_code: &str,
    probes: &Probes,
) -> Option<AppResult<()>> {
    use shotbook_api::{
        access_requests as ar, account, auth, clients, codes, consent, demographics, duplicates,
        forecast, immunizations, organization_users as ou, recall, records, reports, school,
        search, vaccine_lots,
    };
    let request_id = || AccessRequestIdRequest {
        request_id: probes.request_at(org_code),
    };
    let decide = || DecideAccessRequestRequest {
        request_id: probes.request_at(org_code),
        reason: String::new(),
    };
    let done = |r: AppResult<()>| Some(r);
    match command {
        "choose_organization" => done(
            auth::choose_organization(
                ctx,
                ChooseOrganizationRequest {
                    organization_code: "NONE".into(),
                },
            )
            .await
            .map(drop),
        ),
        "change_password" => done(
            account::change_password(
                ctx,
                ChangePasswordRequest {
                    current_password: "not the password".into(),
                    new_password: String::new(),
                    confirm_password: String::new(),
                },
            )
            .await,
        ),
        "my_account" => done(account::my_account(ctx).await.map(drop)),
        "update_my_account" => done(
            account::update_my_account(
                ctx,
                UpdateMyAccountRequest {
                    first_name: String::new(),
                    last_name: String::new(),
                    email: String::new(),
                    phone: String::new(),
                },
            )
            .await
            .map(drop),
        ),
        "unlock_session" => done(
            account::unlock_session(
                ctx,
                UnlockRequest {
                    password: String::new(),
                },
            )
            .await,
        ),
        "keep_alive" => done(auth::keep_alive(ctx).await),
        "sync_status" => done(shotbook_api::sync::status(ctx).await.map(drop)),
        "sync_now" => done(shotbook_api::sync::sync_now(ctx).await.map(drop)),
        "sync_conflicts" => done(shotbook_api::sync::conflicts(ctx).await.map(drop)),
        // No such conflict: `not_found` once past authorization.
        "mark_sync_conflict_reviewed" => done(shotbook_api::sync::mark_reviewed(ctx, 1).await),
        "search_clients" => done(
            clients::search_clients(
                ctx,
                SearchClientsRequest {
                    last_name: "Garcia".into(),
                    ..Default::default()
                },
            )
            .await
            .map(drop),
        ),
        "get_client" => done(
            clients::get_client(
                ctx,
                GetClientRequest {
                    client_id: probes.client_at(org_code),
                },
            )
            .await
            .map(drop),
        ),
        "get_forecast" => done(
            forecast::get_forecast(
                ctx,
                GetClientRequest {
                    client_id: probes.client_at(org_code),
                },
            )
            .await
            .map(drop),
        ),
        "list_vaccines" => done(codes::list_vaccines(ctx).await.map(drop)),
        "list_trade_names" => done(codes::list_trade_names(ctx).await.map(drop)),
        "list_manufacturers" => done(codes::list_manufacturers(ctx).await.map(drop)),
        "list_vaccine_groups" => done(codes::list_vaccine_groups(ctx).await.map(drop)),
        "update_consent" => done(
            consent::update_consent(
                ctx,
                UpdateConsentRequest {
                    client_id: probes.client_at(org_code),
                    status: String::new(),
                    effective_on: String::new(),
                    method: String::new(),
                    given_by: String::new(),
                },
            )
            .await
            .map(drop),
        ),
        "demographic_codes" => done(demographics::demographic_codes(ctx).await.map(drop)),
        "get_demographics" => done(
            demographics::get_demographics(
                ctx,
                GetClientRequest {
                    client_id: probes.client_at(org_code),
                },
            )
            .await
            .map(drop),
        ),
        "change_demographics" => done(
            demographics::change_demographics(
                ctx,
                ChangeDemographicsRequest {
                    client_id: probes.client_at(org_code),
                    change: DemographicsChange::Aka {
                        first_name: String::new(),
                        middle_name: String::new(),
                        last_name: String::new(),
                        name_kind: String::new(),
                    },
                },
            )
            .await
            .map(drop),
        ),
        "add_client" => done(
            demographics::add_client(
                ctx,
                AddClientRequest {
                    personal: PersonalFields::default(),
                    address: AddressFields::default(),
                    guardian: ResponsiblePersonFields::default(),
                    consent: ConsentFields::default(),
                    confirmed_new_person: false,
                },
            )
            .await
            .map(drop),
        ),
        "duplicate_queue" => done(duplicates::duplicate_queue(ctx).await.map(drop)),
        "scan_duplicates" => done(duplicates::scan_duplicates(ctx).await.map(drop)),
        "merge_clients" => done(
            duplicates::merge_clients(
                ctx,
                MergeClientsRequest {
                    pair_id: "not-a-pair".into(),
                    survivor_id: "not-a-client".into(),
                },
            )
            .await
            .map(drop),
        ),
        "unmerge_clients" => done(
            duplicates::unmerge_clients(
                ctx,
                UnmergeClientsRequest {
                    merge_id: "not-a-merge".into(),
                },
            )
            .await
            .map(drop),
        ),
        "dismiss_duplicate" => done(
            duplicates::dismiss_duplicate(
                ctx,
                DismissDuplicateRequest {
                    pair_id: "not-a-pair".into(),
                },
            )
            .await
            .map(drop),
        ),
        "record_administered_dose" => done(
            immunizations::record_administered_dose(
                ctx,
                RecordAdministeredDoseRequest {
                    client_id: probes.client_at(org_code),
                    ..Default::default()
                },
            )
            .await
            .map(drop),
        ),
        "record_historical_doses" => done(
            immunizations::record_historical_doses(
                ctx,
                RecordHistoricalDosesRequest {
                    client_id: probes.client_at(org_code),
                    ..Default::default()
                },
            )
            .await
            .map(drop),
        ),
        "edit_immunization" => done(
            immunizations::edit_immunization(
                ctx,
                EditImmunizationRequest {
                    immunization_id: "not-a-dose".into(),
                    ..Default::default()
                },
            )
            .await
            .map(drop),
        ),
        "void_immunization" => done(
            immunizations::void_immunization(
                ctx,
                VoidImmunizationRequest {
                    immunization_id: "not-a-dose".into(),
                    reason: String::new(),
                },
            )
            .await
            .map(drop),
        ),
        "dose_entry_options" => done(immunizations::dose_entry_options(ctx).await.map(drop)),
        "scan_vial_barcode" => done(
            immunizations::scan_vial_barcode(
                ctx,
                ScanVialRequest {
                    data: "not a barcode".into(),
                },
            )
            .await
            .map(drop),
        ),
        "list_lots" => done(vaccine_lots::list_lots(ctx).await.map(drop)),
        "receive_lot" => done(
            vaccine_lots::receive_lot(ctx, ReceiveLotRequest::default())
                .await
                .map(drop),
        ),
        "adjust_lot" => done(
            vaccine_lots::adjust_lot(ctx, AdjustLotRequest::default())
                .await
                .map(drop),
        ),
        "list_vis_documents" => done(immunizations::list_vis_documents(ctx).await.map(drop)),
        "smart_search" => done(
            search::smart_search(
                ctx,
                SmartSearchRequest {
                    last_name: "Garcia".into(),
                    first_name: String::new(),
                    middle_name: String::new(),
                    date_of_birth: String::new(),
                    gender: String::new(),
                    mother_maiden_name: String::new(),
                    address: String::new(),
                    zip: String::new(),
                },
            )
            .await
            .map(drop),
        ),
        "quick_search" => done(
            search::quick_search(
                ctx,
                QuickSearchRequest {
                    query: "Garcia".into(),
                },
            )
            .await
            .map(drop),
        ),
        "print_record" => done(
            records::print_record(
                ctx,
                shotbook_api::dto::PrintRecordRequest {
                    client_id: probes.client_at(org_code),
                },
            )
            .await
            .map(drop),
        ),
        "save_record_pdf" => done(
            records::save_record_pdf(
                ctx,
                shotbook_api::dto::PrintedRecordRequest {
                    document_id: "not-a-document".into(),
                },
                &std::env::temp_dir().join("shotbook-matrix-probe.pdf"),
            )
            .await
            .map(drop),
        ),
        "send_record_to_printer" => done(
            records::send_record_to_printer(
                ctx,
                shotbook_api::dto::PrintedRecordRequest {
                    document_id: "not-a-document".into(),
                },
            )
            .await
            .map(drop),
        ),
        "choose_batch_folder" => done(
            records::choose_batch_folder(ctx, std::env::temp_dir())
                .await
                .map(drop),
        ),
        "print_record_to_batch_folder" => done(
            records::print_record_to_batch_folder(
                ctx,
                shotbook_api::dto::BatchItemRequest {
                    client: "not-a-client".into(),
                },
            )
            .await
            .map(drop),
        ),
        "verify_record" => done(
            records::verify_record(
                ctx,
                shotbook_api::dto::VerifyRecordRequest {
                    payload: "not a payload".into(),
                },
            )
            .await
            .map(drop),
        ),
        "verify_record_file" => done(
            records::verify_record_file(
                ctx,
                &std::env::temp_dir().join("shotbook-no-such-record.pdf"),
            )
            .await
            .map(drop),
        ),
        "access_request_options" => done(ar::access_request_options(ctx).await.map(drop)),
        "save_access_request_draft" => done(
            ar::save_access_request_draft(
                ctx,
                SaveAccessRequestRequest {
                    request_id: None,
                    form: form_for(org_code),
                },
            )
            .await
            .map(drop),
        ),
        "submit_access_request" => done(
            ar::submit_access_request(
                ctx,
                SaveAccessRequestRequest {
                    request_id: None,
                    form: form_for(org_code),
                },
            )
            .await
            .map(drop),
        ),
        "list_access_requests" => done(ar::list_access_requests(ctx).await.map(drop)),
        "access_request_queue" => done(ar::access_request_queue(ctx).await.map(drop)),
        "get_access_request" => done(ar::get_access_request(ctx, request_id()).await.map(drop)),
        "resend_user_agreement" => {
            done(ar::resend_user_agreement(ctx, request_id()).await.map(drop))
        }
        "approve_access_request" => done(
            ar::approve_access_request(ctx, request_id())
                .await
                .map(drop),
        ),
        "return_access_request" => done(ar::return_access_request(ctx, decide()).await.map(drop)),
        "reject_access_request" => done(ar::reject_access_request(ctx, decide()).await.map(drop)),
        "list_organization_users" => done(
            ou::list_organization_users(
                ctx,
                OrganizationUsersRequest {
                    organization_code: org_code.into(),
                },
            )
            .await
            .map(drop),
        ),
        "end_user_access" => done(
            ou::end_user_access(
                ctx,
                EndUserAccessRequest {
                    organization_code: org_code.into(),
                    username: "nobody.here".into(),
                    reason: "probe".into(),
                },
            )
            .await
            .map(drop),
        ),
        "list_organizations" => done(ou::list_organizations(ctx).await.map(drop)),
        // The school module: a list that is nobody's, so an allowed call answers "not found"
        // and changes nothing.
        "student_lists" => done(school::student_lists(ctx).await.map(drop)),
        "create_student_list" => done(
            school::create_student_list(ctx, CreateStudentListRequest::default())
                .await
                .map(drop),
        ),
        "rename_student_list" => done(
            school::rename_student_list(
                ctx,
                RenameStudentListRequest {
                    list_id: NO_LIST.into(),
                    name: "Probe".into(),
                },
            )
            .await,
        ),
        "put_student" => done(
            school::put_student(
                ctx,
                PutStudentRequest {
                    list_id: NO_LIST.into(),
                    client_id: probes.student_id.clone(),
                    grade: "2".into(),
                    ..PutStudentRequest::default()
                },
            )
            .await
            .map(drop),
        ),
        "remove_student" => done(
            school::remove_student(
                ctx,
                StudentRequest {
                    list_id: NO_LIST.into(),
                    client_id: probes.student_id.clone(),
                },
            )
            .await,
        ),
        "import_roster" => done(
            school::import_roster(
                ctx,
                ImportRosterRequest {
                    list_id: NO_LIST.into(),
                    roster: "Treviño,Sofia,09/04/2018,2".into(),
                },
            )
            .await
            .map(drop),
        ),
        "school_report" => done(
            school::school_report(
                ctx,
                SchoolReportRequest {
                    list_id: NO_LIST.into(),
                    as_of: String::new(),
                },
            )
            .await
            .map(drop),
        ),
        "save_school_report_csv" => done(
            school::save_report_csv(
                ctx,
                SchoolReportRequest {
                    list_id: NO_LIST.into(),
                    as_of: String::new(),
                },
                &std::env::temp_dir().join("shotbook-matrix-probe.csv"),
            )
            .await
            .map(drop),
        ),
        "save_parent_letters" => done(
            school::save_parent_letters(
                ctx,
                ParentLettersRequest {
                    list_id: NO_LIST.into(),
                    as_of: String::new(),
                    language: "en".into(),
                },
                &std::env::temp_dir().join("shotbook-matrix-probe-letters.pdf"),
            )
            .await
            .map(drop),
        ),
        "coverage_report" => done(
            reports::coverage_report(ctx, CoverageRequest::default())
                .await
                .map(drop),
        ),
        "save_coverage_csv" => done(
            reports::save_coverage_csv(
                ctx,
                CoverageRequest::default(),
                &std::env::temp_dir().join("shotbook-matrix-probe-coverage.csv"),
            )
            .await
            .map(drop),
        ),
        "reminder_options" => done(recall::reminder_options(ctx).await.map(drop)),
        "reminder_preview" => done(
            recall::reminder_preview(ctx, RecallRequest::default())
                .await
                .map(drop),
        ),
        "create_reminders" => done(
            recall::create_reminders(
                ctx,
                CreateRemindersRequest::default(),
                &std::env::temp_dir(),
            )
            .await
            .map(drop),
        ),
        "reminder_progress" => done(recall::reminder_progress(ctx).await.map(drop)),
        "cancel_reminders" => done(recall::cancel_reminders(ctx).await),
        "doses_administered_report" => done(
            reports::doses_administered_report(ctx, DosesAdministeredRequest::default())
                .await
                .map(drop),
        ),
        "lot_usage_report" => done(
            reports::lot_usage_report(ctx, LotUsageRequest::default())
                .await
                .map(drop),
        ),
        "save_doses_administered_csv" => done(
            reports::save_doses_administered_csv(
                ctx,
                DosesAdministeredRequest::default(),
                &std::env::temp_dir().join("shotbook-matrix-probe-doses.csv"),
            )
            .await
            .map(drop),
        ),
        // Sign-in steps, sign-out and the signed-out screens are not probed inside a session.
        _ => None,
    }
}

/// A student list id that no organization holds.
const NO_LIST: &str = "00000000-0000-7000-8000-000000000000";

fn refused(result: &AppResult<()>) -> bool {
    matches!(
        result,
        Err(AppError::Forbidden { .. } | AppError::NotSignedIn)
    )
}

/// An organization outside every role's scope: the other state's.
fn out_of_scope(org_code: &str) -> &'static str {
    if org_code.starts_with("MT") {
        "TX0002"
    } else {
        "MT0002"
    }
}

#[tokio::test]
async fn every_command_allows_exactly_the_roles_and_organizations_it_should() {
    let f = fixture().await;
    // Mail can leave (the demo outbox), so commands that email are refused for their role or
    // scope, never for the want of a mail relay.
    let outbox = std::env::temp_dir().join(format!("shotbook-authz-{}", uuid::Uuid::now_v7()));
    let ctx = &f
        .ctx
        .with_mailer(shotbook_api::mail::Mailer::Outbox(outbox.clone()));
    let student = add_client_at(
        ctx.store(),
        "Sofia",
        "Treviño",
        "2018-09-04",
        ("Houston", "TX", "77002"),
    )
    .await;
    let probes = Probes {
        client_id: f.ana.to_string(),
        student_id: student.to_string(),
        request_at: seed_probe_requests(ctx).await,
    };
    let mut checked = 0;
    let roles: Vec<Role> = DEMO_USERS.iter().map(|u| u.role).collect();
    for role in Role::ALL {
        assert!(roles.contains(&role), "a demo user for {role:?}");
    }
    for user in DEMO_USERS {
        as_user(ctx, user.organization_code, user.username).await;
        for (command, needs, target) in MATRIX {
            let allowed = match needs {
                Nothing => continue,
                SignedIn => true,
                Permission(p) => user.role.grants(*p),
                Either(a, b) => user.role.grants(*a) || user.role.grants(*b),
            };
            let Some(result) = probe(ctx, command, user.organization_code, &probes).await else {
                panic!("no probe for `{command}`");
            };
            assert_eq!(
                !refused(&result),
                allowed,
                "{command} as {} ({:?}) at its own organization: {result:?}",
                user.username,
                user.role
            );
            checked += 1;
            if *target == Named && allowed {
                let elsewhere = out_of_scope(user.organization_code);
                let result = probe(ctx, command, elsewhere, &probes).await.unwrap();
                assert!(
                    matches!(result, Err(AppError::Forbidden { .. })),
                    "{command} as {} ({:?}) at {elsewhere}, out of scope: {result:?}",
                    user.username,
                    user.role
                );
                checked += 1;
            }
            // A probe may sign the user out (a wrong password on unlock counts on the ladder
            // but never locks at one try); stay signed in for the next row.
            if ctx.current_session().is_none() {
                as_user(ctx, user.organization_code, user.username).await;
            }
        }
    }
    // Signed out, everything but the signed-out commands is refused.
    shotbook_api::auth::sign_out(ctx).await.unwrap();
    for (command, needs, _) in MATRIX {
        if matches!(needs, Nothing) {
            continue;
        }
        let result = probe(ctx, command, "MT0001", &probes).await.unwrap();
        assert!(
            matches!(result, Err(AppError::NotSignedIn)),
            "{command} signed out: {result:?}"
        );
        checked += 1;
    }
    assert!(checked > 300, "{checked} cells checked");
}

/// The role × permission table, pinned as a literal: the matrix above asks `grants()` what
/// each role may do, so a wrong `grants()` would pass it; this table is the independent oracle
/// (reviewed against the imMTrax and ImmTrac2 role descriptions). A change to a role's rights
/// must change this table in the same commit, where a reviewer sees it.
const PINNED_ROLE_PERMISSIONS: &[(&str, &str)] = &[
        ("view_only_non_provider", "search_clients view_client print_record school_reports view_support_tables manage_own_account"),
        ("full_access_provider", "search_clients view_client print_record update_consent edit_demographics add_immunizations edit_immunizations run_reports replicate_organization view_support_tables manage_own_account"),
        ("provider_supervisor", "search_clients view_client print_record update_consent edit_demographics merge_clients add_immunizations edit_immunizations run_reports replicate_organization manage_organization_users view_support_tables manage_own_account"),
        ("modified_access_sub_state", "search_clients view_client print_record update_consent edit_demographics merge_clients add_immunizations edit_immunizations run_reports replicate_organization manage_organization_users manage_organizations view_support_tables manage_own_account"),
        ("full_access_state", "search_clients view_client print_record update_consent edit_demographics merge_clients add_immunizations edit_immunizations manage_lots run_reports school_reports replicate_organization manage_organization_users approve_access_requests manage_organizations view_support_tables manage_own_account"),
        ("read_only_with_consent", "search_clients view_client print_record update_consent view_support_tables manage_own_account"),
        ("record_maintenance", "search_clients view_client print_record update_consent edit_demographics add_immunizations replicate_organization view_support_tables manage_own_account"),
        ("vaccine_management", "search_clients view_client print_record update_consent edit_demographics add_immunizations manage_lots replicate_organization view_support_tables manage_own_account"),
        ("authorizing_official", "search_clients view_client print_record update_consent manage_organization_users view_support_tables manage_own_account"),
        ("registry_staff", "approve_access_requests manage_organizations view_support_tables manage_own_account"),
];

#[test]
fn each_role_grants_exactly_the_pinned_permissions() {
    assert_eq!(
        PINNED_ROLE_PERMISSIONS.len(),
        Role::ALL.len(),
        "a row per role"
    );
    for (code, pinned) in PINNED_ROLE_PERMISSIONS {
        let role = Role::from_code(code).unwrap_or_else(|| panic!("unknown role {code}"));
        let pinned: std::collections::BTreeSet<&str> = pinned.split(' ').collect();
        let granted: std::collections::BTreeSet<&str> = shotbook_core::permission::Permission::ALL
            .iter()
            .filter(|p| role.grants(**p))
            .map(|p| p.code())
            .collect();
        assert_eq!(granted, pinned, "{code}");
    }
}

/// A school or child-care facility reaches the children of its state in the ages it serves,
/// found by last name, first name and date of birth — never a Montana infant from a Texas
/// school (`docs/decisions/20261207T1300-school-and-child-care-reach.md`). The refusals are
/// audited with their reason; providers are not limited by it.
#[tokio::test]
async fn a_school_reaches_only_the_children_of_its_state_in_the_ages_it_serves() {
    let f = fixture().await;
    let ctx = &f.ctx;
    let houston = ("Houston", "TX", "77002");
    let student = add_client_at(ctx.store(), "Sofia", "Treviño", "2018-09-04", houston).await;
    // Seven months old on the fixture's date (11/22/2026), in Texas and in Montana.
    let infant = add_client_at(ctx.store(), "Mia", "Treviño", "2026-04-20", houston).await;
    let montana_infant = add_client_at(
        ctx.store(),
        "Mia",
        "Treviño",
        "2026-04-20",
        ("Billings", "MT", "59101"),
    )
    .await;
    let open = |client: ClientId| async move {
        clients::get_client(
            ctx,
            GetClientRequest {
                client_id: client.to_string(),
            },
        )
        .await
        .map(drop)
    };
    let print = |client: ClientId| async move {
        records::print_record(
            ctx,
            PrintRecordRequest {
                client_id: client.to_string(),
            },
        )
        .await
        .map(drop)
    };
    let forbidden = |why: &str| {
        Err(AppError::Forbidden {
            permission: why.to_string(),
        })
    };

    as_user(ctx, "TXSCH1", "tx.school").await;
    assert_eq!(open(student).await, Ok(()));
    // The record and its immunizations, not how to reach the family.
    let record = clients::get_client(
        ctx,
        GetClientRequest {
            client_id: student.to_string(),
        },
    )
    .await
    .unwrap();
    assert_eq!(record.access.view, "full");
    assert_eq!(
        (
            &record.client.city,
            &record.client.zip,
            &record.client.phone
        ),
        (&None, &None, &None)
    );
    assert_eq!(record.client.guardian_name, None);
    let demographics = shotbook_api::demographics::get_demographics(
        ctx,
        GetClientRequest {
            client_id: student.to_string(),
        },
    )
    .await
    .unwrap();
    assert_eq!(demographics.personal.first_name, "Sofia");
    assert_eq!(demographics.address.city, "");
    assert_eq!(demographics.address.zip, "");
    assert!(demographics.responsible_persons.is_empty());
    // Past authorization (this fixture has no record-signing key, so the print stops there).
    let printed = print(student).await;
    assert!(!refused(&printed), "{printed:?}");
    assert_eq!(
        open(infant).await,
        forbidden("facility_outside_served_ages")
    );
    assert_eq!(
        print(infant).await,
        forbidden("facility_outside_served_ages")
    );
    assert_eq!(
        open(montana_infant).await,
        forbidden("facility_other_state")
    );
    assert_eq!(open(f.ana).await, forbidden("facility_other_state"));
    assert_eq!(
        forecast::get_forecast(
            ctx,
            GetClientRequest {
                client_id: montana_infant.to_string()
            }
        )
        .await
        .map(drop),
        forbidden("facility_other_state")
    );
    let denied: Vec<(String, Option<String>)> = audit_actions(ctx)
        .await
        .into_iter()
        .filter(|(action, _)| action == "access_denied")
        .collect();
    assert!(denied.contains(&("access_denied".into(), Some(montana_infant.to_string()))));
    assert!(denied.contains(&("access_denied".into(), Some(infant.to_string()))));

    // Find student: both names and the date of birth, nothing else.
    let search = |last: &str, first: &str, dob: &str, phone: &str| SearchClientsRequest {
        last_name: last.into(),
        first_name: first.into(),
        date_of_birth: dob.into(),
        phone: phone.into(),
        ..Default::default()
    };
    let found = clients::search_clients(ctx, search("Treviño", "Sofia", "09/04/2018", ""))
        .await
        .unwrap();
    let ids: Vec<&str> = found.clients.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [student.to_string().as_str()]);
    assert_eq!(
        found.clients[0].address, None,
        "no address on a school's result line"
    );
    let infants = clients::search_clients(ctx, search("Treviño", "Mia", "04/20/2026", ""))
        .await
        .unwrap();
    assert!(
        infants.clients.is_empty(),
        "neither infant is there for a school: {:?}",
        infants.clients
    );
    for (request, fields) in [
        (
            search("Treviño", "", "", ""),
            vec!["firstName", "dateOfBirth"],
        ),
        (
            search("", "", "", "713-555-0100"),
            vec!["lastName", "firstName", "dateOfBirth"],
        ),
        (
            search("Treviño", "Sofia", "09/04/2018", "713-555-0100"),
            vec!["query"],
        ),
    ] {
        match clients::search_clients(ctx, request).await {
            Err(AppError::Validation { issues }) => assert_eq!(
                issues.iter().map(|i| i.field.as_str()).collect::<Vec<_>>(),
                fields
            ),
            other => panic!("a school's broad search is refused by field: {other:?}"),
        }
    }
    let quick = search::quick_search(
        ctx,
        QuickSearchRequest {
            query: "treviño".into(),
        },
    )
    .await;
    assert!(
        matches!(&quick, Err(AppError::Validation { issues }) if issues[0].field == "query"),
        "{quick:?}"
    );
    let quick = search::quick_search(
        ctx,
        QuickSearchRequest {
            query: "treviño sofia 9/4/2018".into(),
        },
    )
    .await
    .unwrap();
    let listed: Vec<String> = quick
        .basic
        .iter()
        .flat_map(|b| b.clients.iter().map(|c| c.id.clone()))
        .chain(
            quick
                .smart
                .iter()
                .flat_map(|s| s.clients.iter().map(|c| c.client.id.clone())),
        )
        .collect();
    assert_eq!(listed, [student.to_string()]);

    // A Texas provider is not limited by age (the consent rule still applies across states).
    as_user(ctx, "TX0001", "tx.provider").await;
    assert_eq!(open(infant).await, Ok(()));
    let record = clients::get_client(
        ctx,
        GetClientRequest {
            client_id: student.to_string(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        record.client.city.as_deref(),
        Some("Houston"),
        "a clinic sees the address"
    );
    let providers = clients::search_clients(ctx, search("Treviño", "", "", ""))
        .await
        .unwrap();
    assert!(providers.clients.len() >= 2, "{:?}", providers.clients);
}
