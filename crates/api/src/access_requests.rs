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
    agreement_statements, attestation_statement, business_days_between, username_base,
    AccessRequestForm as ParsedForm, AccessRequestInput, AgreementInput, FormContext,
    RequestStatus, RequestStep, RequestType, SignedAgreement, TransitionError,
    REVIEW_TARGET_BUSINESS_DAYS, SIGNATURE_STATEMENT,
};
use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::date::UsDate;
use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::jurisdiction::Jurisdiction;
use shotbook_core::organization::OrganizationKind;
use shotbook_core::password::hash_password;
use shotbook_core::permission::{Permission, Role};
use shotbook_core::session::Session;
use shotbook_core::ValidationError;
use shotbook_store::access_requests::{self, AccessRequestRow, NewAccessRequest};
use shotbook_store::organizations::{self, OrganizationRow};
use shotbook_store::users::{self, NewUser};
use shotbook_store::Work;
use shotbook_store::{audit, memberships};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::dto::{
    AccessRequestDetail, AccessRequestForm, AccessRequestIdRequest, AccessRequestOptions,
    AccessRequestSummary, AgreementStatementView, CodeTitle, DecideAccessRequestRequest,
    LocationInfo, OpenUserAgreementRequest, OrganizationChoice, OrganizationInfo, RoleOption,
    SaveAccessRequestRequest, SignUserAgreementRequest, SignedAgreementView, SubjectAccount,
    UserAgreement, UserAgreementSigned,
};
use crate::error::{AppError, AppResult, FieldIssue};
use crate::mail::Mailer;
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

/// Saves a (possibly half-filled) request as a draft, new or existing. Only drafts and
/// returned requests can be changed.
pub async fn save_access_request_draft(
    ctx: &AppContext,
    request: SaveAccessRequestRequest,
) -> AppResult<AccessRequestDetail> {
    let target = target_organization(ctx, &request.form.organization_code).await?;
    let (_, session, _) =
        require_in_scope(ctx, Permission::ManageOrganizationUsers, target).await?;
    let request_type = RequestType::from_code(&request.form.request_type).ok_or_else(|| {
        AppError::from(ValidationError::single(
            "requestType",
            "Choose the request type.",
        ))
    })?;
    let now = ctx.clock().now();
    let form = serde_json::to_string(&request.form).map_err(AppError::internal)?;
    let existing = editable_request(ctx, request.request_id.as_deref()).await?;
    let mut tx = ctx.store().begin().await?;
    let (id, number) = match existing {
        Some(row) => {
            let id = parse_request_id(&row.id)?;
            access_requests::update_form_in_tx(&mut tx, id, request_type, &form, now).await?;
            (id, row.request_number)
        }
        None => {
            let id = Uuid::now_v7();
            let new = NewAccessRequest {
                id,
                request_type,
                status: RequestStatus::Draft,
                organization_id: target,
                requested_by: session.user_id,
                form,
            };
            (id, access_requests::insert_in_tx(&mut tx, &new, now).await?)
        }
    };
    audit_in_tx(
        &mut tx,
        ctx,
        &session,
        target,
        AuditAction::AccessRequestSaved,
        &number,
        now,
    )
    .await?;
    tx.commit().await?;
    detail_of(ctx, access_requests::get(ctx.store(), id).await?).await
}

/// Submits (or resubmits after a return) a request: every field is validated, the named
/// account checked, a request number assigned, and — for New Access and Change Employer — the
/// prospective user emailed the code to sign the User Agreement.
pub async fn submit_access_request(
    ctx: &AppContext,
    request: SaveAccessRequestRequest,
) -> AppResult<AccessRequestDetail> {
    let target = target_organization(ctx, &request.form.organization_code).await?;
    let (_, session, org) =
        require_in_scope(ctx, Permission::ManageOrganizationUsers, target).await?;
    let jurisdiction = ctx.jurisdiction_for(&org.state)?;
    let today = ctx.clock().today();
    let parsed = ParsedForm::parse(
        &input_of(&request.form),
        &FormContext {
            jurisdiction,
            organization_kind: kind_of(&org)?,
            today,
        },
    )?;
    let subject = check_named_account(ctx, &parsed, target, &org).await?;
    let existing = editable_request(ctx, request.request_id.as_deref()).await?;
    let signed = existing.as_ref().is_some_and(|r| r.agreement.is_some());
    let from = match &existing {
        Some(row) => row.status()?,
        None => RequestStatus::Draft,
    };
    let status = from
        .after(RequestStep::Submit, parsed.request_type, signed)
        .map_err(conflict)?;
    let now = ctx.clock().now();
    let form =
        serde_json::to_string(&normalized(&parsed, &org.code)).map_err(AppError::internal)?;
    let code = (status == RequestStatus::AwaitingAgreement).then(agreement_code);
    let code_hash = code
        .as_deref()
        .map(|c| crate::remember::token_hash(&normalize_code(c)));

    let mut tx = ctx.store().begin().await?;
    let (id, number) = match existing {
        Some(row) => {
            let id = parse_request_id(&row.id)?;
            access_requests::update_form_in_tx(&mut tx, id, parsed.request_type, &form, now)
                .await?;
            (id, row.request_number)
        }
        None => {
            let id = Uuid::now_v7();
            let new = NewAccessRequest {
                id,
                request_type: parsed.request_type,
                status: RequestStatus::Draft,
                organization_id: target,
                requested_by: session.user_id,
                form,
            };
            (id, access_requests::insert_in_tx(&mut tx, &new, now).await?)
        }
    };
    access_requests::submit_in_tx(&mut tx, id, status, subject, code_hash.as_deref(), now).await?;
    audit_in_tx(
        &mut tx,
        ctx,
        &session,
        target,
        AuditAction::AccessRequestSubmitted,
        &format!("{number} {}", parsed.request_type.code()),
        now,
    )
    .await?;
    if let Some(code) = &code {
        email_agreement_code(ctx, &parsed, &org, jurisdiction, &number, code)?;
    }
    tx.commit().await?;
    tracing::info!(request = %number, status = status.code(), "access request submitted");
    detail_of(ctx, access_requests::get(ctx.store(), id).await?).await
}

fn email_agreement_code(
    ctx: &AppContext,
    form: &ParsedForm,
    org: &OrganizationRow,
    jurisdiction: Jurisdiction,
    number: &str,
    code: &str,
) -> AppResult<()> {
    let body = format!(
        "Hello {first},\n\n{supervisor} ({org}) has requested {registry} access for you.\n\n\
         Before you can receive your login credentials you must complete the {registry} User Agreement yourself \
         (your supervisor cannot complete it for you).\n\n\
         Request number: {number}\nAgreement code: {code}\n\n\
         Open Shotbook and choose \"Sign a User Agreement\" on the sign-in screen, then enter the request number and \
         the code above.\n\nQuestions: call the {registry} help desk at {phone}.\n",
        first = form.first_name,
        supervisor = form.supervisor_name,
        org = org.name,
        registry = jurisdiction.registry_name(),
        phone = jurisdiction.help_desk_phone(),
    );
    send(
        ctx.mailer(),
        form.email.as_str(),
        &format!(
            "{} User Agreement for request {number}",
            jurisdiction.registry_name()
        ),
        &body,
    )
}

/// Emails the prospective user a new agreement code (the first email was lost, or went to a
/// mistyped address that was since corrected); the old code stops working.
pub async fn resend_user_agreement(
    ctx: &AppContext,
    request: AccessRequestIdRequest,
) -> AppResult<AccessRequestDetail> {
    let row = load(ctx, &request.request_id).await?;
    let organization = parse_org(&row.organization_id)?;
    let (_, session, org) =
        require_in_scope(ctx, Permission::ManageOrganizationUsers, organization).await?;
    if row.status()? != RequestStatus::AwaitingAgreement {
        return Err(AppError::Conflict {
            reason: format!(
                "Request {} is not waiting for the User Agreement.",
                row.request_number
            ),
        });
    }
    let jurisdiction = ctx.jurisdiction_for(&org.state)?;
    let form: AccessRequestForm = serde_json::from_str(&row.form).map_err(AppError::internal)?;
    let parsed = ParsedForm::parse(
        &input_of(&form),
        &FormContext {
            jurisdiction,
            organization_kind: kind_of(&org)?,
            today: us_date_of_timestamp(row.submitted_at.as_deref()).unwrap_or(ctx.clock().today()),
        },
    )?;
    let code = agreement_code();
    let hash = crate::remember::token_hash(&normalize_code(&code));
    let now = ctx.clock().now();
    let id = parse_request_id(&row.id)?;
    let subject = row.subject_user_id.as_deref().map(parse_user).transpose()?;
    let mut tx = ctx.store().begin().await?;
    access_requests::submit_in_tx(
        &mut tx,
        id,
        RequestStatus::AwaitingAgreement,
        subject,
        Some(&hash),
        now,
    )
    .await?;
    audit_in_tx(
        &mut tx,
        ctx,
        &session,
        organization,
        AuditAction::AccessRequestSubmitted,
        &format!("{}: agreement code sent again", row.request_number),
        now,
    )
    .await?;
    email_agreement_code(ctx, &parsed, &org, jurisdiction, &row.request_number, &code)?;
    tx.commit().await?;
    detail_of(ctx, access_requests::get(ctx.store(), id).await?).await
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
    let row = load(ctx, &request.request_id).await?;
    let organization = parse_org(&row.organization_id)?;
    let reviewer = ctx
        .current_session()
        .is_some_and(|s| s.role.grants(Permission::ApproveAccessRequests));
    let permission = if reviewer {
        Permission::ApproveAccessRequests
    } else {
        Permission::ManageOrganizationUsers
    };
    let (_, session, _) = require_in_scope(ctx, permission, organization).await?;
    if reviewer {
        let mut tx = ctx.store().begin().await?;
        audit_in_tx(
            &mut tx,
            ctx,
            &session,
            organization,
            AuditAction::AccessRequestViewed,
            &row.request_number,
            ctx.clock().now(),
        )
        .await?;
        tx.commit().await?;
    }
    detail_of(ctx, row).await
}

/// Approves a request: New Access creates the account (temporary password, to be changed at
/// the first sign-in, emailed with the org code and username); Change Employer moves the
/// account (access elsewhere ends); Permissions Change sets the new role; Access Deletion ends
/// access at the organization. Nobody approves a request they submitted.
pub async fn approve_access_request(
    ctx: &AppContext,
    request: AccessRequestIdRequest,
) -> AppResult<AccessRequestDetail> {
    let row = load(ctx, &request.request_id).await?;
    let organization = parse_org(&row.organization_id)?;
    let (_, session, org) =
        require_in_scope(ctx, Permission::ApproveAccessRequests, organization).await?;
    refuse_own_request(&row, &session, Permission::ApproveAccessRequests)?;
    let request_type = row.request_type()?;
    let next = row
        .status()?
        .after(RequestStep::Approve, request_type, row.agreement.is_some())
        .map_err(conflict)?;
    let jurisdiction = ctx.jurisdiction_for(&org.state)?;
    let form: AccessRequestForm = serde_json::from_str(&row.form).map_err(AppError::internal)?;
    let submitted_on = row
        .submitted_at
        .as_deref()
        .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
        .map_or(ctx.clock().today(), |t| t.date());
    // The stored form was validated at submission; parse it as of that day to get its types.
    let parsed = ParsedForm::parse(
        &input_of(&form),
        &FormContext {
            jurisdiction,
            organization_kind: kind_of(&org)?,
            today: submitted_on,
        },
    )?;
    let now = ctx.clock().now();
    let today = now.date();
    let id = parse_request_id(&row.id)?;
    let number = row.request_number.clone();
    let registry = jurisdiction.registry_name();

    // Reads first: an in-memory test database has a single connection, held by the transaction.
    let subject = match row.subject_user_id.as_deref() {
        Some(s) => Some(s.parse::<UserId>().map_err(AppError::internal)?),
        None => None,
    };
    let new_username = match request_type {
        RequestType::NewAccess => Some(free_username(ctx, &parsed).await?),
        _ => None,
    };
    let (subject_state, subject_username) = match subject {
        Some(user) => (
            Some(memberships::account_state(ctx.store(), user).await?),
            Some(users::account(ctx.store(), user).await?.username),
        ),
        None => (None, None),
    };
    let needs_temporary = match request_type {
        RequestType::NewAccess => true,
        RequestType::ChangeEmployer => {
            subject_state.is_some_and(|(active, locked)| !active || locked)
        }
        _ => false,
    };
    let temporary = needs_temporary.then(crate::account::temporary_password);
    let temporary_hash = match &temporary {
        Some(t) => {
            let t = t.clone();
            Some(
                tokio::task::spawn_blocking(move || hash_password(&t))
                    .await
                    .map_err(AppError::internal)?,
            )
        }
        None => None,
    };
    let role = parsed.role;
    let end_date = parsed.end_date.map(|d| d.iso());

    let mut tx = ctx.store().begin().await?;
    let (user, what) = match request_type {
        RequestType::NewAccess => {
            let user = UserId::new();
            let new = NewUser {
                id: user,
                username: new_username.clone().unwrap_or_default(),
                password_hash: temporary_hash.clone().unwrap_or_default(),
                first_name: parsed.first_name.to_string(),
                last_name: parsed.last_name.to_string(),
                email: parsed.email.as_str().to_string(),
                phone: Some(parsed.phone.as_str().to_string()),
            };
            users::insert_in_tx(&mut tx, &new, now).await?;
            memberships::require_password_change_in_tx(&mut tx, user, now).await?;
            let role =
                role.ok_or_else(|| AppError::internal("a New Access request without a role"))?;
            memberships::set_role_in_tx(
                &mut tx,
                user,
                organization,
                role,
                end_date.as_deref(),
                now,
            )
            .await?;
            audit_in_tx(
                &mut tx,
                ctx,
                &session,
                organization,
                AuditAction::AccountCreated,
                &format!("{number} user {user}"),
                now,
            )
            .await?;
            (user, format!("account created with role {}", role.code()))
        }
        RequestType::ChangeEmployer => {
            let user = subject.ok_or_else(|| {
                AppError::internal("a Change Employer request without its account")
            })?;
            let ends_on = parsed
                .start_date
                .map(|d| d.date())
                .filter(|d| *d > today)
                .unwrap_or(today);
            let ends_iso = UsDate::from_date(ends_on).iso();
            for other in memberships::open_organizations_in_tx(
                &mut tx,
                user,
                organization,
                &UsDate::from_date(today).iso(),
            )
            .await?
            {
                memberships::end_access_in_tx(&mut tx, user, other, &ends_iso, now).await?;
            }
            let role =
                role.ok_or_else(|| AppError::internal("a Change Employer request without a role"))?;
            memberships::set_role_in_tx(
                &mut tx,
                user,
                organization,
                role,
                end_date.as_deref(),
                now,
            )
            .await?;
            if let Some(hash) = &temporary_hash {
                memberships::reactivate_with_temporary_password_in_tx(&mut tx, user, hash, now)
                    .await?;
            }
            (user, format!("access moved here with role {}", role.code()))
        }
        RequestType::PermissionsChange => {
            let user = subject.ok_or_else(|| {
                AppError::internal("a Permissions Change request without its account")
            })?;
            let role = role
                .ok_or_else(|| AppError::internal("a Permissions Change request without a role"))?;
            memberships::set_role_in_tx(
                &mut tx,
                user,
                organization,
                role,
                end_date.as_deref(),
                now,
            )
            .await?;
            (user, format!("role changed to {}", role.code()))
        }
        RequestType::AccessDeletion => {
            let user = subject.ok_or_else(|| {
                AppError::internal("an Access Deletion request without its account")
            })?;
            let ends = end_date
                .clone()
                .unwrap_or_else(|| UsDate::from_date(today).iso());
            memberships::end_access_in_tx(&mut tx, user, organization, &ends, now).await?;
            (user, "access ends".to_string())
        }
    };
    audit_in_tx(
        &mut tx,
        ctx,
        &session,
        organization,
        AuditAction::AccessChanged,
        &format!("{number} user {user}: {what}"),
        now,
    )
    .await?;
    access_requests::decide_in_tx(&mut tx, id, next, session.user_id, None, Some(user), now)
        .await?;
    audit_in_tx(
        &mut tx,
        ctx,
        &session,
        organization,
        AuditAction::AccessRequestApproved,
        &number,
        now,
    )
    .await?;

    let username = new_username.or(subject_username).unwrap_or_default();
    let greeting = format!("Hello {},\n\n", parsed.first_name);
    let body = match (&temporary, request_type) {
        (Some(temporary), _) => format!(
            "{greeting}Your {registry} access request {number} has been approved.\n\n\
             Organization code: {code}\nUsername: {username}\nTemporary password: {temporary}\n\n\
             The temporary password is valid for 24 hours. Sign in with it in Shotbook and you will be asked to choose \
             a new password.\n\nQuestions: call the {registry} help desk at {phone}.\n",
            code = org.code,
            phone = jurisdiction.help_desk_phone(),
        ),
        (None, RequestType::AccessDeletion) => format!(
            "{greeting}Your {registry} access at {name} ({code}) ends as requested by your organization (request {number}).\n",
            name = org.name,
            code = org.code,
        ),
        (None, _) => format!(
            "{greeting}Your {registry} access request {number} has been approved. Sign in with organization code {code}, \
             your username {username} and your current password.\n",
            code = org.code,
        ),
    };
    send(
        ctx.mailer(),
        parsed.email.as_str(),
        &format!("Your {registry} access request {number}"),
        &body,
    )?;
    tx.commit().await?;
    tracing::info!(request = %number, "access request approved");
    detail_of(ctx, access_requests::get(ctx.store(), id).await?).await
}

/// Sends a request back to the supervisor with a reason; it can be corrected and resubmitted.
pub async fn return_access_request(
    ctx: &AppContext,
    request: DecideAccessRequestRequest,
) -> AppResult<AccessRequestDetail> {
    decide(
        ctx,
        request,
        RequestStep::Return,
        AuditAction::AccessRequestReturned,
    )
    .await
}

/// Refuses a request with a reason; final.
pub async fn reject_access_request(
    ctx: &AppContext,
    request: DecideAccessRequestRequest,
) -> AppResult<AccessRequestDetail> {
    decide(
        ctx,
        request,
        RequestStep::Reject,
        AuditAction::AccessRequestRejected,
    )
    .await
}

async fn decide(
    ctx: &AppContext,
    request: DecideAccessRequestRequest,
    step: RequestStep,
    action: AuditAction,
) -> AppResult<AccessRequestDetail> {
    let row = load(ctx, &request.request_id).await?;
    let organization = parse_org(&row.organization_id)?;
    let (_, session, org) =
        require_in_scope(ctx, Permission::ApproveAccessRequests, organization).await?;
    refuse_own_request(&row, &session, Permission::ApproveAccessRequests)?;
    let reason = request
        .reason
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(ValidationError::single(
            "reason",
            "Give the supervisor a reason (at most 1,000 characters).",
        )
        .into());
    }
    let next = row
        .status()?
        .after(step, row.request_type()?, row.agreement.is_some())
        .map_err(conflict)?;
    let now = ctx.clock().now();
    let id = parse_request_id(&row.id)?;
    let supervisor = parse_user(&row.requested_by)?;
    let supervisor_email = shotbook_store::users::account(ctx.store(), supervisor)
        .await?
        .email;
    let jurisdiction = ctx.jurisdiction_for(&org.state)?;
    let mut tx = ctx.store().begin().await?;
    access_requests::decide_in_tx(&mut tx, id, next, session.user_id, Some(&reason), None, now)
        .await?;
    audit_in_tx(
        &mut tx,
        ctx,
        &session,
        organization,
        action,
        &row.request_number,
        now,
    )
    .await?;
    let verb = if step == RequestStep::Return {
        "returned to you for correction"
    } else {
        "rejected"
    };
    send(
        ctx.mailer(),
        &supervisor_email,
        &format!("{} access request {} {verb}", jurisdiction.registry_name(), row.request_number),
        &format!(
            "{} access request {} was {verb}.\n\nReason: {reason}\n\nSee \"My access requests\" in Shotbook.\n",
            jurisdiction.registry_name(),
            row.request_number
        ),
    )?;
    tx.commit().await?;
    detail_of(ctx, access_requests::get(ctx.store(), id).await?).await
}

/// Opens the User Agreement of a request with the emailed request number and code. Needs no
/// session; refused while someone else (a supervisor) is signed in.
pub async fn open_user_agreement(
    ctx: &AppContext,
    request: OpenUserAgreementRequest,
) -> AppResult<UserAgreement> {
    let row = agreement_request(ctx, &request.request_number, &request.code).await?;
    let form: AccessRequestForm = serde_json::from_str(&row.form).map_err(AppError::internal)?;
    let jurisdiction = ctx.jurisdiction_for(&row.organization_state)?;
    Ok(UserAgreement {
        request_number: row.request_number,
        registry_name: jurisdiction.registry_name().into(),
        user_name: user_name_of(&form),
        employer: form.employer,
        job_title: form.job_title,
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
    let row = agreement_request(ctx, &request.request_number, &request.code).await?;
    let form: AccessRequestForm = serde_json::from_str(&row.form).map_err(AppError::internal)?;
    let jurisdiction = ctx.jurisdiction_for(&row.organization_state)?;
    let today = ctx.clock().today();
    let signed = SignedAgreement::parse(
        &AgreementInput {
            accepted: &request.accepted,
            facility_name: &request.facility_name,
            job_title: &request.job_title,
            full_legal_name: &request.full_legal_name,
            date: &request.date,
            signature_confirmed: request.signature_confirmed,
        },
        &form.legal_first_name,
        &form.legal_last_name,
        today,
    )?;
    let next = row
        .status()?
        .after(RequestStep::SignAgreement, row.request_type()?, false)
        .map_err(conflict)?;
    let view = SignedAgreementView {
        statements: agreement_statements(jurisdiction)
            .into_iter()
            .map(|s| s.text)
            .collect(),
        facility_name: signed.facility_name,
        job_title: signed.job_title,
        full_legal_name: signed.full_legal_name,
        signed_on: signed.signed_on.to_string(),
        signature_statement: SIGNATURE_STATEMENT.into(),
    };
    let now = ctx.clock().now();
    let id = parse_request_id(&row.id)?;
    access_requests::record_agreement(
        ctx.store(),
        id,
        &serde_json::to_string(&view).map_err(AppError::internal)?,
        next,
        now,
    )
    .await?;
    let event = AuditEvent {
        at: now,
        user_id: row.subject_user_id.as_deref().and_then(|u| u.parse().ok()),
        organization_id: row.organization_id.parse().ok(),
        workstation: ctx.workstation().to_string(),
        action: AuditAction::UserAgreementSigned,
        client_id: None,
        detail: Some(row.request_number.clone()),
    };
    audit::append(ctx.store().pool(), &event).await?;
    Ok(UserAgreementSigned {
        request_number: row.request_number,
        message: format!(
            "Thank you. Your {} User Agreement is signed. Registry staff will review the request; your login credentials \
             will be emailed to you when it is approved.",
            jurisdiction.registry_name()
        ),
    })
}

/// The request waiting for this agreement, if the number and code match; refuses a signed-in
/// user who is not the request's user.
async fn agreement_request(
    ctx: &AppContext,
    number: &str,
    code: &str,
) -> AppResult<AccessRequestRow> {
    let mut missing = Vec::new();
    if number.trim().is_empty() {
        missing.push((
            "requestNumber",
            "Enter the request number from the email (REQ…).",
        ));
    }
    if code.trim().is_empty() {
        missing.push(("code", "Enter the agreement code from the email."));
    }
    if !missing.is_empty() {
        return Err(AppError::Validation {
            issues: missing
                .into_iter()
                .map(|(f, m)| FieldIssue {
                    field: f.into(),
                    message: m.into(),
                })
                .collect(),
        });
    }
    let row = access_requests::find_by_number(ctx.store(), number).await?;
    let hash = crate::remember::token_hash(&normalize_code(code));
    let Some(row) = row.filter(|r| r.agreement_code_hash.as_deref() == Some(hash.as_str())) else {
        let event = AuditEvent {
            at: ctx.clock().now(),
            user_id: ctx.current_session().map(|s| s.user_id),
            organization_id: None,
            workstation: ctx.workstation().to_string(),
            action: AuditAction::UserAgreementRefused,
            client_id: None,
            detail: Some("request number and code do not match".into()),
        };
        audit::append(ctx.store().pool(), &event).await?;
        return Err(ValidationError::single(
            "code",
            "The request number and code do not match a User Agreement. Check the email, or ask your supervisor.",
        )
        .into());
    };
    if let Some(session) = ctx.current_session() {
        if row.subject_user_id.as_deref() != Some(session.user_id.to_string().as_str()) {
            let event = AuditEvent {
                at: ctx.clock().now(),
                user_id: Some(session.user_id),
                organization_id: Some(session.organization_id),
                workstation: ctx.workstation().to_string(),
                action: AuditAction::UserAgreementRefused,
                client_id: None,
                detail: Some(format!("{}: signed in as someone else", row.request_number)),
            };
            audit::append(ctx.store().pool(), &event).await?;
            return Err(AppError::Forbidden {
                permission: "sign_user_agreement".into(),
            });
        }
    }
    if row.status()? != RequestStatus::AwaitingAgreement {
        return Err(AppError::Conflict {
            reason: "This User Agreement was already signed, or the request is no longer waiting for it.".into(),
        });
    }
    Ok(row)
}

fn refuse_own_request(
    row: &AccessRequestRow,
    session: &Session,
    permission: Permission,
) -> AppResult<()> {
    if row.requested_by == session.user_id.to_string() {
        // Separation of duties: whoever submitted a request does not decide it.
        return Err(AppError::Forbidden {
            permission: permission.code().into(),
        });
    }
    Ok(())
}

/// Checks the account a request names: it exists; for a permissions change or deletion it
/// works for the organization; for a change of employer it does not already.
async fn check_named_account(
    ctx: &AppContext,
    form: &ParsedForm,
    organization: OrganizationId,
    org: &OrganizationRow,
) -> AppResult<Option<UserId>> {
    let Some(username) = form.existing_username.as_deref() else {
        return Ok(None);
    };
    let field = "existingUsername";
    let Some(user) = memberships::user_id_by_username(ctx.store(), username).await? else {
        return Err(ValidationError::single(field, "No account has this username.").into());
    };
    let membership = memberships::membership(ctx.store(), user, organization).await?;
    let today = ctx.clock().today();
    let open = membership.as_ref().is_some_and(|(_, end)| {
        end.as_deref()
            .and_then(|e| UsDate::parse(e).ok())
            .is_none_or(|e| e.date() > today)
    });
    match form.request_type {
        RequestType::ChangeEmployer if open => Err(ValidationError::single(
            field,
            format!(
                "This user already has access at {}; request a permissions change instead.",
                org.name
            ),
        )
        .into()),
        RequestType::PermissionsChange | RequestType::AccessDeletion if !open => {
            Err(ValidationError::single(
                field,
                format!("This user has no current access at {}.", org.name),
            )
            .into())
        }
        _ => Ok(Some(user)),
    }
}

/// A username not taken yet: `first.last`, then `first.last2`, `first.last3` …
async fn free_username(ctx: &AppContext, form: &ParsedForm) -> AppResult<String> {
    let base = username_base(&form.first_name, &form.last_name);
    let taken: Vec<String> = memberships::usernames_like(ctx.store(), &base)
        .await?
        .into_iter()
        .map(|u| u.to_lowercase())
        .collect();
    Ok((1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            }
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(base))
}

/// Eight characters from an alphabet without look-alikes, shown as `ABCD-EFGH`.
fn agreement_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let chars: String = (0..8)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn conflict(e: TransitionError) -> AppError {
    AppError::Conflict {
        reason: e.message(),
    }
}

fn send(mailer: &Mailer, to: &str, subject: &str, body: &str) -> AppResult<()> {
    mailer
        .send(to, subject, body)
        .map_err(|e| AppError::internal(format!("{e:#}")))
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

async fn editable_request(
    ctx: &AppContext,
    id: Option<&str>,
) -> AppResult<Option<AccessRequestRow>> {
    let Some(id) = id else { return Ok(None) };
    let row = load(ctx, id).await?;
    let organization = parse_org(&row.organization_id)?;
    require_in_scope(ctx, Permission::ManageOrganizationUsers, organization).await?;
    let status = row.status()?;
    if !status.editable() {
        return Err(AppError::Conflict {
            reason: format!(
                "Request {} is no longer a draft or returned request; it cannot be changed.",
                row.request_number
            ),
        });
    }
    Ok(Some(row))
}

async fn load(ctx: &AppContext, id: &str) -> AppResult<AccessRequestRow> {
    if ctx.current_session().is_none() {
        return Err(AppError::NotSignedIn);
    }
    let id = Uuid::parse_str(id.trim())
        .map_err(|_| AppError::from(ValidationError::single("requestId", "Not a request id.")))?;
    Ok(access_requests::get(ctx.store(), id).await?)
}

fn parse_request_id(id: &str) -> AppResult<Uuid> {
    Uuid::parse_str(id).map_err(AppError::internal)
}

fn parse_org(id: &str) -> AppResult<OrganizationId> {
    id.parse().map_err(AppError::internal)
}

fn parse_user(id: &str) -> AppResult<UserId> {
    id.parse().map_err(AppError::internal)
}

pub(crate) fn kind_of(org: &OrganizationRow) -> AppResult<OrganizationKind> {
    OrganizationKind::from_code(&org.kind)
        .ok_or_else(|| AppError::internal(format!("unknown organization kind {}", org.kind)))
}

async fn audit_in_tx(
    tx: &mut Work,
    ctx: &AppContext,
    session: &Session,
    organization: OrganizationId,
    action: AuditAction,
    detail: &str,
    at: OffsetDateTime,
) -> AppResult<()> {
    let event = AuditEvent {
        at,
        user_id: Some(session.user_id),
        organization_id: Some(organization),
        workstation: ctx.workstation().to_string(),
        action,
        client_id: None,
        detail: Some(detail.to_string()),
    };
    audit::append(&mut **tx, &event).await?;
    Ok(())
}

fn input_of(form: &AccessRequestForm) -> AccessRequestInput<'_> {
    AccessRequestInput {
        request_type: &form.request_type,
        existing_username: &form.existing_username,
        legal_first_name: &form.legal_first_name,
        legal_middle_name: &form.legal_middle_name,
        legal_last_name: &form.legal_last_name,
        date_of_birth: &form.date_of_birth,
        phone: &form.phone,
        email: &form.email,
        prior_access: &form.prior_access,
        employer: &form.employer,
        job_title: &form.job_title,
        location_name: &form.location_name,
        vfc_pin: &form.vfc_pin,
        address: &form.address,
        city: &form.city,
        state: &form.state,
        county: &form.county,
        zip: &form.zip,
        start_date: &form.start_date,
        end_date: &form.end_date,
        access_requested: &form.access_requested,
        justification: &form.justification,
        supervisor_name: &form.supervisor_name,
        supervisor_title: &form.supervisor_title,
        attestation: form.attestation,
    }
}

/// The form as validated: phones, dates, names and codes in their shown forms.
fn normalized(form: &ParsedForm, organization_code: &str) -> AccessRequestForm {
    AccessRequestForm {
        request_type: form.request_type.code().into(),
        organization_code: organization_code.into(),
        existing_username: form.existing_username.clone().unwrap_or_default(),
        legal_first_name: form.first_name.to_string(),
        legal_middle_name: form
            .middle_name
            .as_ref()
            .map(|m| m.to_string())
            .unwrap_or_default(),
        legal_last_name: form.last_name.to_string(),
        date_of_birth: form.date_of_birth.date().to_string(),
        phone: form.phone.as_str().into(),
        email: form.email.as_str().into(),
        prior_access: if form.prior_access { "yes" } else { "no" }.into(),
        employer: form.employer.clone(),
        job_title: form.job_title.clone(),
        location_name: form.location_name.clone(),
        vfc_pin: form
            .vfc_pin
            .as_ref()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        address: form.address.clone(),
        city: form.city.clone(),
        state: form.state.code().into(),
        county: form.county.as_str().into(),
        zip: form.zip.as_str().into(),
        start_date: form.start_date.map(|d| d.to_string()).unwrap_or_default(),
        end_date: form.end_date.map(|d| d.to_string()).unwrap_or_default(),
        access_requested: form.role.map(|r| r.code().to_string()).unwrap_or_default(),
        justification: form.justification.clone(),
        supervisor_name: form.supervisor_name.clone(),
        supervisor_title: form.supervisor_title.clone(),
        attestation: true,
    }
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
        outbox_folder: match ctx.mailer() {
            Mailer::Outbox(dir) => Some(dir.display().to_string()),
            Mailer::Smtp { .. } => None,
        },
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
