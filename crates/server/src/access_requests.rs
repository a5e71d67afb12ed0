//! The electronic access-request workflow over the API, through the same use cases as the
//! desktop (`shotbook_usecases::access_requests`): a supervisor saves and submits a request,
//! the prospective user opens and signs the User Agreement with the request number and the
//! emailed code (no sign-in), registry staff review, approve, return or reject it, and the
//! credentials go out by mail after the commit ([`crate::mail`]). A supervisor also ends a
//! departed user's access. Every step is audited by the use case.

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use shotbook_core::access_request::{
    agreement_code, agreement_code_hash, agreement_statements, AgreementInput, AgreementRecord,
    RequestForm, SIGNATURE_STATEMENT,
};
use shotbook_core::date::UsDate;
use shotbook_core::ids::AccessRequestId;
use shotbook_core::jurisdiction::Jurisdiction;
use shotbook_usecases::access_requests::{self as usecases, AgreementProof, Decision};
use shotbook_usecases::ports::{AccessHost, StoredAccessRequest};
use shotbook_usecases::{need, Permit, PortError, PortResult, Via};
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::error::{ApiError, ApiJson, ApiResult, ErrorBody};
use crate::AppState;

/// What the registry server lends the workflow: registry profiles, randomness, the code hash
/// every registry shares, Argon2 on the blocking pool.
struct RegistryDesk;

impl AccessHost for RegistryDesk {
    fn jurisdiction(&self, state: &str) -> Option<Jurisdiction> {
        Jurisdiction::of_state(state)
    }

    fn agreement_code(&self) -> String {
        use rand::Rng;
        let mut rng = rand::rng();
        agreement_code(|n| rng.random_range(0..n))
    }

    fn temporary_password(&self) -> String {
        shotbook_core::password::temporary_password()
    }

    fn code_hash(&self, normalized_code: &str) -> String {
        agreement_code_hash(normalized_code)
    }

    async fn hash_password(&self, password: String) -> PortResult<String> {
        tokio::task::spawn_blocking(move || shotbook_core::password::hash_password(&password))
            .await
            .map_err(|e| PortError::Failed(Box::new(e)))
    }
}

fn request_id(text: &str) -> ApiResult<AccessRequestId> {
    text.parse().map_err(|_| {
        ApiError::BadRequest(
            "bad_request_id",
            "The access request id is not a registry id.".into(),
        )
    })
}

/// One access request, as lists show it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessRequestSummary {
    /// Id.
    pub id: Uuid,
    /// `REQ0100387`.
    pub number: String,
    /// `new_access`, `access_change` or `access_deletion`.
    pub request_type: &'static str,
    /// `draft`, `awaiting_agreement`, `awaiting_review`, `returned`, `approved`, `rejected`.
    pub status: &'static str,
    /// The organization the access is for.
    pub organization_id: Uuid,
    /// The person the request is for, as on the form.
    pub user_name: String,
    /// Submitted on, MM/DD/YYYY.
    pub submitted_on: Option<String>,
    /// The User Agreement is signed.
    pub agreement_signed: bool,
}

impl From<&StoredAccessRequest> for AccessRequestSummary {
    fn from(row: &StoredAccessRequest) -> Self {
        Self {
            id: row.id.as_uuid(),
            number: row.number.clone(),
            request_type: row.request_type.code(),
            status: row.status.code(),
            organization_id: row.organization.as_uuid(),
            user_name: row.form.user_name(),
            submitted_on: row
                .submitted_at
                .map(|at| UsDate::from_date(at.date()).to_string()),
            agreement_signed: row.agreement.is_some(),
        }
    }
}

/// One access request in full: the form and, once signed, the User Agreement.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessRequestDetail {
    /// As in lists.
    #[serde(flatten)]
    pub summary: AccessRequestSummary,
    /// The form (field names as on the desktop's form: `legalFirstName` …).
    #[schema(value_type = Object)]
    pub form: RequestForm,
    /// The signed agreement.
    #[schema(value_type = Option<Object>)]
    pub agreement: Option<AgreementRecord>,
}

impl From<StoredAccessRequest> for AccessRequestDetail {
    fn from(row: StoredAccessRequest) -> Self {
        Self {
            summary: AccessRequestSummary::from(&row),
            form: row.form,
            agreement: row.agreement,
        }
    }
}

/// `POST /v1/access-requests` and `POST /v1/access-requests/drafts`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessRequestBody {
    /// The form; issues name its fields (`legalFirstName` …).
    #[schema(value_type = Object)]
    pub form: RequestForm,
    /// The draft or returned request this replaces, if any.
    #[serde(default)]
    pub request_id: Option<String>,
}

/// A request saved or submitted.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Saved {
    /// Its id.
    pub id: Uuid,
}

/// `POST …/return` and `…/reject`; also ending a user's access.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReasonBody {
    /// Why (field `reason`).
    #[serde(default)]
    pub reason: String,
}

fn optional_id(text: Option<&str>) -> ApiResult<Option<AccessRequestId>> {
    text.filter(|t| !t.trim().is_empty())
        .map(request_id)
        .transpose()
}

/// Saves a (possibly half-filled) request as a draft.
#[utoipa::path(post, path = "/v1/access-requests/drafts", tag = "access-requests",
    security(("bearer" = [])), request_body = AccessRequestBody,
    responses(
        (status = 400, description = "`bad_json`: the body is not the JSON described", body = ErrorBody),
        (status = 200, description = "Saved", body = Saved),
        (status = 403, description = "`forbidden`", body = ErrorBody),
        (status = 409, description = "`conflict`: no longer a draft", body = ErrorBody),
    ))]
pub async fn save_draft(
    State(state): State<AppState>,
    who: Authenticated,
    ApiJson(body): ApiJson<AccessRequestBody>,
) -> ApiResult<Json<Saved>> {
    let permit = Permit::<need::ManageOrganizationUsers>::check(who.actor)?;
    let id = usecases::save_draft(
        &state.registry,
        &permit,
        state.clock.as_ref(),
        optional_id(body.request_id.as_deref())?,
        body.form,
    )
    .await?;
    Ok(Json(Saved { id: id.as_uuid() }))
}

/// Submits a request: the form is checked field by field and the prospective user is emailed
/// the agreement code.
#[utoipa::path(post, path = "/v1/access-requests", tag = "access-requests",
    security(("bearer" = [])), request_body = AccessRequestBody,
    responses(
        (status = 400, description = "`bad_json`: the body is not the JSON described", body = ErrorBody),
        (status = 200, description = "Submitted: the agreement code is on its way", body = Saved),
        (status = 403, description = "`forbidden`", body = ErrorBody),
        (status = 409, description = "`conflict`", body = ErrorBody),
        (status = 422, description = "`invalid`, with the fields to correct", body = ErrorBody),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    who: Authenticated,
    ApiJson(body): ApiJson<AccessRequestBody>,
) -> ApiResult<Json<Saved>> {
    let permit = Permit::<need::ManageOrganizationUsers>::check(who.actor)?;
    let id = usecases::submit(
        &state.registry,
        &permit,
        state.clock.as_ref(),
        &RegistryDesk,
        optional_id(body.request_id.as_deref())?,
        body.form,
    )
    .await?;
    Ok(Json(Saved { id: id.as_uuid() }))
}

/// The requests of the supervisor's organization, most recently changed first.
#[utoipa::path(get, path = "/v1/access-requests", tag = "access-requests",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The organization's requests", body = Vec<AccessRequestSummary>),
        (status = 403, description = "`forbidden`", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    who: Authenticated,
) -> ApiResult<Json<Vec<AccessRequestSummary>>> {
    let permit = Permit::<need::ManageOrganizationUsers>::check(who.actor)?;
    let rows = usecases::organization_requests(&state.registry, &permit).await?;
    Ok(Json(rows.iter().map(AccessRequestSummary::from).collect()))
}

/// Registry staff's queue: open requests within their reach, oldest submission first.
#[utoipa::path(get, path = "/v1/access-requests/queue", tag = "access-requests",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Requests to review", body = Vec<AccessRequestSummary>),
        (status = 403, description = "`forbidden`", body = ErrorBody),
    ))]
pub async fn queue(
    State(state): State<AppState>,
    who: Authenticated,
) -> ApiResult<Json<Vec<AccessRequestSummary>>> {
    let permit = Permit::<need::ApproveAccessRequests>::check(who.actor)?;
    let rows = usecases::review_queue(&state.registry, &permit).await?;
    Ok(Json(rows.iter().map(AccessRequestSummary::from).collect()))
}

/// One request: registry staff review it (audited), its organization's supervisors read it.
#[utoipa::path(get, path = "/v1/access-requests/{id}", tag = "access-requests",
    security(("bearer" = [])), params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request", body = AccessRequestDetail),
        (status = 403, description = "`forbidden`", body = ErrorBody),
        (status = 404, description = "No such request", body = ErrorBody),
    ))]
pub async fn get_one(
    State(state): State<AppState>,
    who: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<AccessRequestDetail>> {
    let id = request_id(&id)?;
    let row = match Permit::<need::ApproveAccessRequests>::check(who.actor.clone()) {
        Ok(permit) => {
            usecases::request_for_review(&state.registry, &permit, state.clock.as_ref(), id).await?
        }
        Err(_) => {
            let permit = Permit::<need::ManageOrganizationUsers>::check(who.actor)?;
            usecases::request_for_supervisor(&state.registry, &permit, id).await?
        }
    };
    Ok(Json(row.into()))
}

/// Sends the prospective user a new agreement code (the old one stops working).
#[utoipa::path(post, path = "/v1/access-requests/{id}/resend-agreement", tag = "access-requests",
    security(("bearer" = [])), params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "A new code is on its way", body = Saved),
        (status = 403, description = "`forbidden`", body = ErrorBody),
        (status = 409, description = "`conflict`: the agreement is not awaited", body = ErrorBody),
    ))]
pub async fn resend_agreement(
    State(state): State<AppState>,
    who: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<Saved>> {
    let id = request_id(&id)?;
    let permit = Permit::<need::ManageOrganizationUsers>::check(who.actor)?;
    usecases::resend_agreement(
        &state.registry,
        &permit,
        state.clock.as_ref(),
        &RegistryDesk,
        id,
    )
    .await?;
    Ok(Json(Saved { id: id.as_uuid() }))
}

/// The account an approval created or changed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Approved {
    /// The user.
    pub user_id: Uuid,
}

/// Approves a signed request: the account is created or changed and the user is emailed.
#[utoipa::path(post, path = "/v1/access-requests/{id}/approve", tag = "access-requests",
    security(("bearer" = [])), params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "Approved", body = Approved),
        (status = 403, description = "`forbidden` (also for a request one submitted oneself)", body = ErrorBody),
        (status = 409, description = "`conflict`: not awaiting review", body = ErrorBody),
    ))]
pub async fn approve(
    State(state): State<AppState>,
    who: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<Approved>> {
    let id = request_id(&id)?;
    let permit = Permit::<need::ApproveAccessRequests>::check(who.actor)?;
    let user = usecases::approve(
        &state.registry,
        &permit,
        state.clock.as_ref(),
        &RegistryDesk,
        id,
    )
    .await?;
    Ok(Json(Approved {
        user_id: user.as_uuid(),
    }))
}

async fn decide(
    state: &AppState,
    who: Authenticated,
    id: &str,
    decision: Decision,
    reason: &str,
) -> ApiResult<Json<Saved>> {
    let id = request_id(id)?;
    let permit = Permit::<need::ApproveAccessRequests>::check(who.actor)?;
    usecases::decide(
        &state.registry,
        &permit,
        state.clock.as_ref(),
        &RegistryDesk,
        id,
        decision,
        reason,
    )
    .await?;
    Ok(Json(Saved { id: id.as_uuid() }))
}

/// Returns a request to its supervisor for correction, with the reason (emailed).
#[utoipa::path(post, path = "/v1/access-requests/{id}/return", tag = "access-requests",
    security(("bearer" = [])), params(("id" = String, Path, description = "Request id")),
    request_body = ReasonBody,
    responses(
        (status = 400, description = "`bad_json`: the body is not the JSON described", body = ErrorBody),
        (status = 200, description = "Returned", body = Saved),
        (status = 403, description = "`forbidden`", body = ErrorBody),
        (status = 409, description = "`conflict`", body = ErrorBody),
        (status = 422, description = "`invalid`: `reason`", body = ErrorBody),
    ))]
pub async fn return_request(
    State(state): State<AppState>,
    who: Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonBody>,
) -> ApiResult<Json<Saved>> {
    decide(&state, who, &id, Decision::Return, &body.reason).await
}

/// Rejects a request (final), with the reason (emailed).
#[utoipa::path(post, path = "/v1/access-requests/{id}/reject", tag = "access-requests",
    security(("bearer" = [])), params(("id" = String, Path, description = "Request id")),
    request_body = ReasonBody,
    responses(
        (status = 400, description = "`bad_json`: the body is not the JSON described", body = ErrorBody),
        (status = 200, description = "Rejected", body = Saved),
        (status = 403, description = "`forbidden`", body = ErrorBody),
        (status = 409, description = "`conflict`", body = ErrorBody),
        (status = 422, description = "`invalid`: `reason`", body = ErrorBody),
    ))]
pub async fn reject(
    State(state): State<AppState>,
    who: Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonBody>,
) -> ApiResult<Json<Saved>> {
    decide(&state, who, &id, Decision::Reject, &body.reason).await
}

/// The request number and code from the email.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgreementProofBody {
    /// `REQ…` (field `requestNumber`).
    pub request_number: String,
    /// `ABCD-EFGH-JKLM` (field `code`).
    pub code: String,
}

/// One statement to check.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgreementStatement {
    /// Stable id, sent back when checked.
    pub id: String,
    /// The text.
    pub text: String,
}

/// The User Agreement to sign.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserAgreement {
    /// Request number.
    pub request_number: String,
    /// The registry's name (imMTrax, ImmTrac2).
    pub registry_name: String,
    /// The person the request is for.
    pub user_name: String,
    /// Every statement; each must be checked.
    pub statements: Vec<AgreementStatement>,
    /// What signing by typing one's name means.
    pub signature_statement: String,
}

fn proof<'a>(body: &'a AgreementProofBody) -> AgreementProof<'a> {
    AgreementProof {
        number: &body.request_number,
        code: &body.code,
        via: Via::Workstation {
            name: "api:user-agreement".into(),
        },
        signed_in: None,
    }
}

/// Opens the User Agreement with the emailed request number and code (no sign-in; wrong codes
/// count against the request, and stop it after 10).
#[utoipa::path(post, path = "/v1/user-agreements/open", tag = "access-requests",
    request_body = AgreementProofBody,
    responses(
        (status = 400, description = "`bad_json`: the body is not the JSON described", body = ErrorBody),
        (status = 200, description = "The agreement to sign", body = UserAgreement),
        (status = 409, description = "`conflict`: not awaiting the agreement", body = ErrorBody),
        (status = 422, description = "`invalid`: `requestNumber` or `code` (also expired or too many tries)", body = ErrorBody),
    ))]
pub async fn open_agreement(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<AgreementProofBody>,
) -> ApiResult<Json<UserAgreement>> {
    let (row, jurisdiction) = usecases::open_agreement(
        &state.registry,
        state.clock.as_ref(),
        &RegistryDesk,
        &proof(&body),
    )
    .await?;
    Ok(Json(UserAgreement {
        request_number: row.number,
        registry_name: jurisdiction.registry_name().into(),
        user_name: row.form.user_name(),
        statements: agreement_statements(jurisdiction)
            .into_iter()
            .map(|s| AgreementStatement {
                id: s.id.into(),
                text: s.text,
            })
            .collect(),
        signature_statement: SIGNATURE_STATEMENT.into(),
    }))
}

/// `POST /v1/user-agreements/sign`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignAgreementBody {
    /// The proof.
    #[serde(flatten)]
    pub proof: AgreementProofBody,
    /// Ids of the statements checked (all of them).
    #[serde(default)]
    pub accepted: Vec<String>,
    /// Facility or employer.
    #[serde(default)]
    pub facility_name: String,
    /// Job title.
    #[serde(default)]
    pub job_title: String,
    /// Full legal name, typed as the signature (must match the request).
    #[serde(default)]
    pub full_legal_name: String,
    /// Today, MM/DD/YYYY.
    #[serde(default)]
    pub date: String,
    /// The signature statement is confirmed.
    #[serde(default)]
    pub signature_confirmed: bool,
}

/// The agreement is signed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgreementSigned {
    /// Request number.
    pub request_number: String,
}

/// Signs the User Agreement: every statement checked, the signature block complete, the typed
/// name matching the request. The request then waits for registry review.
#[utoipa::path(post, path = "/v1/user-agreements/sign", tag = "access-requests",
    request_body = SignAgreementBody,
    responses(
        (status = 400, description = "`bad_json`: the body is not the JSON described", body = ErrorBody),
        (status = 200, description = "Signed; registry staff review it next", body = AgreementSigned),
        (status = 409, description = "`conflict`", body = ErrorBody),
        (status = 422, description = "`invalid`, with the fields to correct", body = ErrorBody),
    ))]
pub async fn sign_agreement(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SignAgreementBody>,
) -> ApiResult<Json<AgreementSigned>> {
    let input = AgreementInput {
        accepted: &body.accepted,
        facility_name: &body.facility_name,
        job_title: &body.job_title,
        full_legal_name: &body.full_legal_name,
        date: &body.date,
        signature_confirmed: body.signature_confirmed,
    };
    let (row, _) = usecases::sign_agreement(
        &state.registry,
        state.clock.as_ref(),
        &RegistryDesk,
        &proof(&body.proof),
        &input,
    )
    .await?;
    Ok(Json(AgreementSigned {
        request_number: row.number,
    }))
}

/// Ends a departed user's access to an organization today; the account and its history stay.
#[utoipa::path(post, path = "/v1/organizations/{code}/users/{username}/end-access",
    tag = "access-requests", security(("bearer" = [])),
    params(("code" = String, Path, description = "Org code"),
           ("username" = String, Path, description = "Username")),
    request_body = ReasonBody,
    responses(
        (status = 400, description = "`bad_json`: the body is not the JSON described", body = ErrorBody),
        (status = 200, description = "Access ended", body = serde_json::Value),
        (status = 403, description = "`forbidden` (also for one's own access)", body = ErrorBody),
        (status = 404, description = "No such user there", body = ErrorBody),
        (status = 422, description = "`invalid`: `reason`", body = ErrorBody),
    ))]
pub async fn end_access(
    State(state): State<AppState>,
    who: Authenticated,
    Path((code, username)): Path<(String, String)>,
    ApiJson(body): ApiJson<ReasonBody>,
) -> ApiResult<Json<serde_json::Value>> {
    let permit = Permit::<need::ManageOrganizationUsers>::check(who.actor)?;
    usecases::end_user_access(
        &state.registry,
        &permit,
        state.clock.as_ref(),
        &code,
        &username,
        &body.reason,
    )
    .await?;
    Ok(Json(serde_json::json!({ "accessEnded": true })))
}
