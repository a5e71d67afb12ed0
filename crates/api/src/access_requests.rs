//! The electronic access-request workflow (see [`shotbook_core::access_request`]):
//!
//! - supervisors (permission `ManageOrganizationUsers`, scoped to their organization) save
//!   drafts and submit requests, and follow their status;
//! - the prospective user opens the User Agreement **without signing in**, with the request
//!   number and the code emailed to them, and signs it; a signed-in user other than the one the
//!   request is for (the supervisor) is refused;
//! - registry staff (`ApproveAccessRequests`, scoped to their state) work the queue and approve
//!   (the account is created or changed and credentials emailed), return or reject it.
//!
//! Every step is audited with the request number; never names or dates of birth.

use rand::Rng;
use shotbook_core::access_request::{
    agreement_code, agreement_statements, attestation_statement, business_days_between,
    AgreementInput, RequestForm, RequestStatus, RequestType, REVIEW_TARGET_BUSINESS_DAYS,
    SIGNATURE_STATEMENT,
};
use shotbook_core::date::UsDate;
use shotbook_core::ids::{AccessRequestId, OrganizationId, UserId};
use shotbook_core::jurisdiction::Jurisdiction;
use shotbook_core::organization::OrganizationKind;
use shotbook_core::password::hash_password;
use shotbook_core::permission::{Permission, Role};
use shotbook_core::ValidationError;
use shotbook_store::access_requests::{self, AccessRequestRow};
use shotbook_store::organizations::{self, OrganizationRow};
use shotbook_store::users;
use shotbook_usecases::access_requests::{self as usecases, AgreementProof, Decision};
use shotbook_usecases::ports::AccessHost;
use shotbook_usecases::{need, PortError, PortResult, Via};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::dto::{
    AccessRequestDetail, AccessRequestForm, AccessRequestIdRequest, AccessRequestOptions,
    AccessRequestSummary, AgreementStatementView, CodeTitle, DecideAccessRequestRequest,
    LocationInfo, OpenUserAgreementRequest, OrganizationChoice, OrganizationInfo, RoleOption,
    SaveAccessRequestRequest, SignUserAgreementRequest, SubjectAccount, UserAgreement,
    UserAgreementSigned,
};
use crate::error::{AppError, AppResult};
use crate::scope::require_in_scope;
use crate::AppContext;

/// What the request form offers the signed-in supervisor: the registry's role templates and
/// a blank form pre-filled with the organization and the supervisor's name.
pub async fn access_request_options(ctx: &AppContext) -> AppResult<AccessRequestOptions> {
    let (_, session, org) =
        require_in_scope(ctx, Permission::ManageOrganizationUsers, current_org(ctx)?).await?;
    let jurisdiction = ctx.jurisdiction_for(&org.state)?;
    let info = organization_info(ctx, &org).await?;
    let site = info.locations.first();
    let blank_form = AccessRequestForm {
        request_type: RequestType::NewAccess.code().into(),
        organization_code: org.code.clone(),
        employer: org.name.clone(),
        location_name: site.map_or(org.name.clone(), |l| l.name.clone()),
        vfc_pin: site
            .and_then(|l| l.vfc_pin.clone())
            .or(org.vfc_pin.clone())
            .unwrap_or_default(),
        address: site.map(|l| l.address.clone()).unwrap_or_default(),
        city: site.map_or(org.city.clone(), |l| l.city.clone()),
        state: org.state.clone(),
        county: site.map_or(org.county.clone(), |l| l.county.clone()),
        zip: site.map(|l| l.zip.clone()).unwrap_or_default(),
        supervisor_name: session.display_name.clone(),
        ..AccessRequestForm::default()
    };
    Ok(AccessRequestOptions {
        jurisdiction: jurisdiction.code().into(),
        registry_name: jurisdiction.registry_name().into(),
        roles: jurisdiction
            .requestable_roles()
            .iter()
            .map(|r| RoleOption {
                code: r.code().into(),
                title: r.title().into(),
                description: Jurisdiction::role_description(*r).into(),
            })
            .collect(),
        request_types: RequestType::ALL
            .iter()
            .map(|t| CodeTitle {
                code: t.code().into(),
                title: t.title().into(),
            })
            .collect(),
        organization: info,
        attestation_statement: attestation_statement(jurisdiction),
        blank_form,
    })
}

/// What the desktop lends the access workflow: its registry profile, randomness, Argon2 off
/// the async threads (mail is queued by the use cases and delivered after the commit).
struct Desk<'a>(&'a AppContext);

impl AccessHost for Desk<'_> {
    fn jurisdiction(&self, state: &str) -> Option<Jurisdiction> {
        self.0.jurisdiction_for(state).ok()
    }

    fn agreement_code(&self) -> String {
        let mut rng = rand::rng();
        agreement_code(|n| rng.random_range(0..n))
    }

    fn temporary_password(&self) -> String {
        shotbook_core::password::temporary_password()
    }

    fn code_hash(&self, normalized_code: &str) -> String {
        shotbook_core::access_request::agreement_code_hash(normalized_code)
    }

    async fn hash_password(&self, password: String) -> PortResult<String> {
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| PortError::Failed(Box::new(e)))
    }
}

/// The form as the use cases keep it (the same fields, the same JSON).
fn form_of(form: AccessRequestForm) -> RequestForm {
    let AccessRequestForm {
        request_type,
        organization_code,
        existing_username,
        legal_first_name,
        legal_middle_name,
        legal_last_name,
        date_of_birth,
        phone,
        email,
        prior_access,
        employer,
        job_title,
        location_name,
        vfc_pin,
        address,
        city,
        state,
        county,
        zip,
        start_date,
        end_date,
        access_requested,
        justification,
        supervisor_name,
        supervisor_title,
        attestation,
    } = form;
    RequestForm {
        request_type,
        organization_code,
        existing_username,
        legal_first_name,
        legal_middle_name,
        legal_last_name,
        date_of_birth,
        phone,
        email,
        prior_access,
        employer,
        job_title,
        location_name,
        vfc_pin,
        address,
        city,
        state,
        county,
        zip,
        start_date,
        end_date,
        access_requested,
        justification,
        supervisor_name,
        supervisor_title,
        attestation,
    }
}

/// A request id typed by the UI (field `requestId`).
fn request_id(id: &str) -> AppResult<AccessRequestId> {
    id.trim()
        .parse()
        .map_err(|_| ValidationError::single("requestId", "Not a request id.").into())
}

fn optional_request_id(id: Option<&str>) -> AppResult<Option<AccessRequestId>> {
    id.map(request_id).transpose()
}

async fn detail_by_id(ctx: &AppContext, id: AccessRequestId) -> AppResult<AccessRequestDetail> {
    detail_of(ctx, access_requests::get(ctx.store(), id.as_uuid()).await?).await
}

/// Saves a (possibly half-filled) request as a draft, new or existing. Only drafts and
/// returned requests can be changed.
pub async fn save_access_request_draft(
    ctx: &AppContext,
    request: SaveAccessRequestRequest,
) -> AppResult<AccessRequestDetail> {
    let (permit, _) = ctx.permit::<need::ManageOrganizationUsers>().await?;
    let existing = optional_request_id(request.request_id.as_deref())?;
    let id = usecases::save_draft(
        ctx.store(),
        &permit,
        ctx.clock(),
        existing,
        form_of(request.form),
    )
    .await?;
    detail_by_id(ctx, id).await
}

/// Submits (or resubmits after a return) a request: every field is validated, the named
/// account checked, a request number assigned, and — for New Access and Change Employer — the
/// prospective user emailed the code to sign the User Agreement.
pub async fn submit_access_request(
    ctx: &AppContext,
    request: SaveAccessRequestRequest,
) -> AppResult<AccessRequestDetail> {
    let (permit, _) = ctx.permit::<need::ManageOrganizationUsers>().await?;
    // The agreement code must reach the prospective user: no mail, no submission.
    ctx.mailer().require()?;
    let existing = optional_request_id(request.request_id.as_deref())?;
    let id = usecases::submit(
        ctx.store(),
        &permit,
        ctx.clock(),
        &Desk(ctx),
        existing,
        form_of(request.form),
    )
    .await?;
    tracing::info!(request = %id, "access request submitted");
    ctx.deliver_mail_after_commit().await;
    detail_by_id(ctx, id).await
}

/// Emails the prospective user a new agreement code (the first email was lost, or went to a
/// mistyped address that was since corrected); the old code stops working.
pub async fn resend_user_agreement(
    ctx: &AppContext,
    request: AccessRequestIdRequest,
) -> AppResult<AccessRequestDetail> {
    let (permit, _) = ctx.permit::<need::ManageOrganizationUsers>().await?;
    ctx.mailer().require()?;
    let id = request_id(&request.request_id)?;
    usecases::resend_agreement(ctx.store(), &permit, ctx.clock(), &Desk(ctx), id).await?;
    ctx.deliver_mail_after_commit().await;
    detail_by_id(ctx, id).await
}

/// The requests of the supervisor's organization, newest first, with status and any reason
/// given by the registry.
pub async fn list_access_requests(ctx: &AppContext) -> AppResult<Vec<AccessRequestSummary>> {
    let (_, session, _) =
        require_in_scope(ctx, Permission::ManageOrganizationUsers, current_org(ctx)?).await?;
    let today = ctx.clock().today();
    access_requests::for_organization(ctx.store(), session.organization_id)
        .await?
        .iter()
        .map(|row| summary_of(row, today))
        .collect()
}

/// The registry staff's queue: submitted requests of the staff's state still open, oldest
/// first, with their age in business days (flagged beyond 3).
pub async fn access_request_queue(ctx: &AppContext) -> AppResult<Vec<AccessRequestSummary>> {
    let (_, _, home) =
        require_in_scope(ctx, Permission::ApproveAccessRequests, current_org(ctx)?).await?;
    let today = ctx.clock().today();
    access_requests::queue(ctx.store(), &home.state)
        .await?
        .iter()
        .map(|row| summary_of(row, today))
        .collect()
}

/// One request in full, with the signed agreement beside it: for the supervisors of its
/// organization and for registry staff of its state (the review is audited).
pub async fn get_access_request(
    ctx: &AppContext,
    request: AccessRequestIdRequest,
) -> AppResult<AccessRequestDetail> {
    let reviewer = ctx
        .current_session()
        .is_some_and(|s| s.role.grants(Permission::ApproveAccessRequests));
    if reviewer {
        let (permit, _) = ctx.permit::<need::ApproveAccessRequests>().await?;
        let id = request_id(&request.request_id)?;
        usecases::request_for_review(ctx.store(), &permit, ctx.clock(), id).await?;
        detail_by_id(ctx, id).await
    } else {
        let (permit, _) = ctx.permit::<need::ManageOrganizationUsers>().await?;
        let id = request_id(&request.request_id)?;
        usecases::request_for_supervisor(ctx.store(), &permit, id).await?;
        detail_by_id(ctx, id).await
    }
}

/// Approves a request: New Access creates the account (temporary password, to be changed at
/// the first sign-in, emailed with the org code and username); Change Employer moves the
/// account (access elsewhere ends); Permissions Change sets the new role; Access Deletion ends
/// access at the organization. Nobody approves a request they submitted.
pub async fn approve_access_request(
    ctx: &AppContext,
    request: AccessRequestIdRequest,
) -> AppResult<AccessRequestDetail> {
    let (permit, _) = ctx.permit::<need::ApproveAccessRequests>().await?;
    // New credentials must reach the user: no mail, no approval.
    ctx.mailer().require()?;
    let id = request_id(&request.request_id)?;
    usecases::approve(ctx.store(), &permit, ctx.clock(), &Desk(ctx), id).await?;
    tracing::info!(request = %id, "access request approved");
    ctx.deliver_mail_after_commit().await;
    detail_by_id(ctx, id).await
}

/// Sends a request back to the supervisor with a reason; it can be corrected and resubmitted.
pub async fn return_access_request(
    ctx: &AppContext,
    request: DecideAccessRequestRequest,
) -> AppResult<AccessRequestDetail> {
    decide(ctx, request, Decision::Return).await
}

/// Refuses a request with a reason; final.
pub async fn reject_access_request(
    ctx: &AppContext,
    request: DecideAccessRequestRequest,
) -> AppResult<AccessRequestDetail> {
    decide(ctx, request, Decision::Reject).await
}

async fn decide(
    ctx: &AppContext,
    request: DecideAccessRequestRequest,
    decision: Decision,
) -> AppResult<AccessRequestDetail> {
    let (permit, _) = ctx.permit::<need::ApproveAccessRequests>().await?;
    let id = request_id(&request.request_id)?;
    usecases::decide(
        ctx.store(),
        &permit,
        ctx.clock(),
        &Desk(ctx),
        id,
        decision,
        &request.reason,
    )
    .await?;
    ctx.deliver_mail_after_commit().await;
    detail_by_id(ctx, id).await
}

/// Who opens an agreement here: the request number and code typed, this workstation, and
/// whoever is signed in.
fn proof<'a>(ctx: &AppContext, number: &'a str, code: &'a str) -> AgreementProof<'a> {
    AgreementProof {
        number,
        code,
        via: Via::Workstation {
            name: ctx.workstation().to_string(),
        },
        signed_in: ctx
            .current_session()
            .map(|s| (s.user_id, s.organization_id)),
    }
}

/// Opens the User Agreement of a request with the emailed request number and code. Needs no
/// session; refused while someone else (a supervisor) is signed in.
pub async fn open_user_agreement(
    ctx: &AppContext,
    request: OpenUserAgreementRequest,
) -> AppResult<UserAgreement> {
    let proof = proof(ctx, &request.request_number, &request.code);
    let (row, jurisdiction) =
        usecases::open_agreement(ctx.store(), ctx.clock(), &Desk(ctx), &proof).await?;
    Ok(UserAgreement {
        user_name: row.form.user_name(),
        request_number: row.number,
        registry_name: jurisdiction.registry_name().into(),
        employer: row.form.employer,
        job_title: row.form.job_title,
        statements: agreement_statements(jurisdiction)
            .into_iter()
            .map(|s| AgreementStatementView {
                id: s.id.into(),
                text: s.text,
            })
            .collect(),
        signature_statement: SIGNATURE_STATEMENT.into(),
        today: UsDate::from_date(ctx.clock().today()).to_string(),
    })
}

/// Signs the User Agreement: every statement checked, the signature block complete, the typed
/// name matching the request. The request then waits for registry review.
pub async fn sign_user_agreement(
    ctx: &AppContext,
    request: SignUserAgreementRequest,
) -> AppResult<UserAgreementSigned> {
    let proof = proof(ctx, &request.request_number, &request.code);
    let input = AgreementInput {
        accepted: &request.accepted,
        facility_name: &request.facility_name,
        job_title: &request.job_title,
        full_legal_name: &request.full_legal_name,
        date: &request.date,
        signature_confirmed: request.signature_confirmed,
    };
    let (row, jurisdiction) =
        usecases::sign_agreement(ctx.store(), ctx.clock(), &Desk(ctx), &proof, &input).await?;
    Ok(UserAgreementSigned {
        request_number: row.number,
        message: format!(
            "Thank you. Your {} User Agreement is signed. Registry staff will review the request; your login credentials \
             will be emailed to you when it is approved.",
            jurisdiction.registry_name()
        ),
    })
}

pub(crate) fn current_org(ctx: &AppContext) -> AppResult<OrganizationId> {
    ctx.current_session()
        .map(|s| s.organization_id)
        .ok_or(AppError::NotSignedIn)
}

/// The organization named by `code`, or the session's when empty.
pub(crate) async fn target_organization(ctx: &AppContext, code: &str) -> AppResult<OrganizationId> {
    let home = current_org(ctx)?;
    if code.trim().is_empty() {
        return Ok(home);
    }
    match organizations::find_by_code(ctx.store(), code).await? {
        Some(row) => row.id.parse().map_err(AppError::internal),
        None => Err(
            ValidationError::single("organizationCode", "No organization has this code.").into(),
        ),
    }
}

fn parse_user(id: &str) -> AppResult<UserId> {
    id.parse().map_err(AppError::internal)
}

pub(crate) fn kind_of(org: &OrganizationRow) -> AppResult<OrganizationKind> {
    OrganizationKind::from_code(&org.kind)
        .ok_or_else(|| AppError::internal(format!("unknown organization kind {}", org.kind)))
}

fn user_name_of(form: &AccessRequestForm) -> String {
    format!(
        "{} {}",
        form.legal_first_name.trim(),
        form.legal_last_name.trim()
    )
    .trim()
    .to_string()
}

fn us_date_of_timestamp(at: Option<&str>) -> Option<Date> {
    at.and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
        .map(|t| t.date())
}

fn summary_of(row: &AccessRequestRow, today: Date) -> AppResult<AccessRequestSummary> {
    let form: AccessRequestForm = serde_json::from_str(&row.form).map_err(AppError::internal)?;
    let status = row.status()?;
    let request_type = row.request_type()?;
    let submitted = us_date_of_timestamp(row.submitted_at.as_deref());
    let age = submitted.map_or(0, |d| business_days_between(d, today));
    Ok(AccessRequestSummary {
        id: row.id.clone(),
        request_number: row.request_number.clone(),
        request_type: request_type.code().into(),
        request_type_title: request_type.title().into(),
        status: status.code().into(),
        user_name: user_name_of(&form),
        organization_code: row.organization_code.clone(),
        organization_name: row.organization_name.clone(),
        access_requested: Role::from_code(&form.access_requested)
            .map(|r| r.title().to_string())
            .unwrap_or_default(),
        submitted_on: submitted.map(|d| UsDate::from_date(d).to_string()),
        age_business_days: i32::try_from(age).unwrap_or(i32::MAX),
        overdue: status.pending() && age > REVIEW_TARGET_BUSINESS_DAYS,
        decision_reason: row.decision_reason.clone(),
    })
}

async fn detail_of(ctx: &AppContext, row: AccessRequestRow) -> AppResult<AccessRequestDetail> {
    let today = ctx.clock().today();
    let summary = summary_of(&row, today)?;
    let form: AccessRequestForm = serde_json::from_str(&row.form).map_err(AppError::internal)?;
    let agreement = match row.agreement.as_deref() {
        Some(json) => Some(serde_json::from_str(json).map_err(AppError::internal)?),
        None => None,
    };
    let subject_account = match row.subject_user_id.as_deref() {
        Some(id) => {
            let user = parse_user(id)?;
            let account = users::account(ctx.store(), user).await?;
            let organizations = users::memberships(ctx.store(), user)
                .await?
                .into_iter()
                .map(|m| OrganizationChoice {
                    role_title: Role::from_code(&m.role)
                        .map_or(m.role.clone(), |r| r.title().to_string())
                        + &m.access_end_date
                            .as_deref()
                            .and_then(|d| UsDate::parse(d).ok())
                            .map(|d| format!(" (ends {d})"))
                            .unwrap_or_default(),
                    code: m.code,
                    name: m.name,
                })
                .collect();
            Some(SubjectAccount {
                name: format!("{} {}", account.first_name, account.last_name),
                email: account.email,
                active: users::is_active(ctx.store(), user).await?,
                username: account.username,
                organizations,
            })
        }
        None => None,
    };
    let status = row.status()?;
    let reviewer = ctx.current_session().is_some_and(|s| {
        s.role.grants(Permission::ApproveAccessRequests)
            && s.user_id.to_string() != row.requested_by
    });
    Ok(AccessRequestDetail {
        summary,
        form,
        requested_by_name: row.requested_by_name.clone(),
        agreement,
        subject_account,
        decided_on: us_date_of_timestamp(row.decided_at.as_deref())
            .map(|d| UsDate::from_date(d).to_string()),
        editable: status.editable(),
        approvable: reviewer && status == RequestStatus::AwaitingReview,
    })
}

/// An organization with its locations and service counties, for forms and screens.
pub(crate) async fn organization_info(
    ctx: &AppContext,
    org: &OrganizationRow,
) -> AppResult<OrganizationInfo> {
    let id: OrganizationId = org.id.parse().map_err(AppError::internal)?;
    let locations = organizations::locations(ctx.store(), id)
        .await?
        .into_iter()
        .map(|l| LocationInfo {
            name: l.name,
            address: l.address_line1,
            city: l.city,
            state: l.state,
            county: l.county,
            zip: l.zip,
            vfc_pin: l.vfc_pin,
        })
        .collect();
    Ok(OrganizationInfo {
        code: org.code.clone(),
        name: org.name.clone(),
        kind: org.kind.clone(),
        kind_title: kind_of(org)?.title().into(),
        state: org.state.clone(),
        county: org.county.clone(),
        city: org.city.clone(),
        vfc_pin: org.vfc_pin.clone(),
        locations,
        service_counties: organizations::service_counties(ctx.store(), id).await?,
    })
}
