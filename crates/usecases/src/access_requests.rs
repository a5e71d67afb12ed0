//! The electronic access-request workflow (see [`shotbook_core::access_request`]) and the
//! supervisors' management of their organization's users.
//!
//! - supervisors (`ManageOrganizationUsers`, scoped) save drafts, submit, resend the agreement
//!   code and end a departed user's access;
//! - the prospective user signs the User Agreement without signing in, proving the request
//!   number and the emailed code ([`AgreementProof`]);
//! - registry staff (`ApproveAccessRequests`, scoped) review, approve, return or reject, never
//!   a request they submitted.
//!
//! Every step is audited with the request number (never names or dates of birth), in the unit
//! of work of its change; mail is queued in the same unit of work and leaves after the commit.

use shotbook_core::access_request::{
    agreement_statements, free_username, normalize_agreement_code, username_base,
    AccessRequestForm, AgreementInput, AgreementRecord, FormContext, RequestForm, RequestStatus,
    RequestStep, RequestType, SignedAgreement, TransitionError, AGREEMENT_CODE_ATTEMPTS,
    AGREEMENT_CODE_VALIDITY, SIGNATURE_STATEMENT,
};
use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::clock::Clock;
use shotbook_core::error::{IssueCollector, ValidationError};
use shotbook_core::ids::{AccessRequestId, OrganizationId, UserId};
use shotbook_core::jurisdiction::Jurisdiction;
use shotbook_core::permission::Permission;
use time::{Date, OffsetDateTime};

use crate::ports::{
    AccessHost, AccessWrites, AuditWrites, Mail, MailWrites, NewAccessRequest, NewAccount,
    OrganizationFacts, Registry, StoredAccessRequest, UnitOfWork,
};
use crate::scope::{require_in_scope, target_organization};
use crate::{need, Actor, Permit, PortError, UseCaseError, UseCaseResult, Via};

/// A stored request that breaks the workflow's invariants (a New Access request without a
/// role): the database is damaged.
fn broken(what: &'static str) -> UseCaseError {
    UseCaseError::Storage(PortError::Failed(what.into()))
}

fn conflict(e: TransitionError) -> UseCaseError {
    UseCaseError::Conflict(e.message())
}

/// The registry profile of an organization in `state`.
pub fn jurisdiction_of<H: AccessHost>(host: &H, state: &str) -> UseCaseResult<Jurisdiction> {
    host.jurisdiction(state).ok_or_else(|| {
        UseCaseError::Conflict(format!(
            "Shotbook has no registry profile for the state {state}."
        ))
    })
}

fn event(
    at: OffsetDateTime,
    actor: &Actor,
    organization: OrganizationId,
    action: AuditAction,
    detail: String,
) -> AuditEvent {
    AuditEvent {
        organization_id: Some(organization),
        ..actor.audit_event(at, action, None, Some(detail))
    }
}

/// The form of a stored request parsed as of `on` (it was validated at submission).
fn parse_stored(
    form: &RequestForm,
    jurisdiction: Jurisdiction,
    organization: &OrganizationFacts,
    on: Date,
) -> UseCaseResult<AccessRequestForm> {
    Ok(AccessRequestForm::parse(
        &form.input(),
        &FormContext {
            jurisdiction,
            organization_kind: organization.kind,
            today: on,
        },
    )?)
}

/// A draft or returned request the supervisor may still change.
async fn editable<R: Registry>(
    registry: &R,
    actor: &Actor,
    id: Option<AccessRequestId>,
) -> UseCaseResult<Option<StoredAccessRequest>> {
    let Some(id) = id else { return Ok(None) };
    let row = registry.access_request(id).await?;
    require_in_scope(
        registry,
        actor,
        Permission::ManageOrganizationUsers,
        row.organization,
    )
    .await?;
    if !row.status.editable() {
        return Err(UseCaseError::Conflict(format!(
            "Request {} is no longer a draft or returned request; it cannot be changed.",
            row.number
        )));
    }
    Ok(Some(row))
}

/// Saves a (possibly half-filled) request as a draft, new (`request` `None`) or existing. Only
/// drafts and returned requests can be changed.
pub async fn save_draft<R: Registry>(
    registry: &R,
    permit: &Permit<need::ManageOrganizationUsers>,
    clock: &dyn Clock,
    request: Option<AccessRequestId>,
    form: RequestForm,
) -> UseCaseResult<AccessRequestId> {
    let actor = permit.actor();
    let target = target_organization(registry, actor, &form.organization_code).await?;
    require_in_scope(registry, actor, Permission::ManageOrganizationUsers, target).await?;
    let request_type = RequestType::from_code(&form.request_type)
        .ok_or_else(|| ValidationError::single("requestType", "Choose the request type."))?;
    let existing = editable(registry, actor, request).await?;
    let now = clock.now();
    let mut work = registry.begin(actor.origin(), now).await?;
    let (id, number) = match existing {
        Some(row) => {
            work.update_request_form(row.id, request_type, &form)
                .await?;
            (row.id, row.number)
        }
        None => {
            let id = AccessRequestId::new();
            let new = NewAccessRequest {
                id,
                request_type,
                organization: target,
                requested_by: actor.user_id,
                form,
            };
            (id, work.insert_access_request(&new).await?)
        }
    };
    work.audit(&event(
        now,
        actor,
        target,
        AuditAction::AccessRequestSaved,
        number,
    ))
    .await?;
    work.commit().await?;
    Ok(id)
}

/// Checks the account a request names: it exists; for a permissions change or deletion it
/// works for the organization; for a change of employer it does not already.
async fn check_named_account<R: Registry>(
    registry: &R,
    form: &AccessRequestForm,
    organization: &OrganizationFacts,
    today: Date,
) -> UseCaseResult<Option<UserId>> {
    let Some(username) = form.existing_username.as_deref() else {
        return Ok(None);
    };
    let field = "existingUsername";
    let Some(user) = registry.user_by_username(username).await? else {
        return Err(ValidationError::single(field, "No account has this username.").into());
    };
    let open = registry
        .membership(user, organization.id)
        .await?
        .is_some_and(|m| m.open_on(today));
    match form.request_type {
        RequestType::ChangeEmployer if open => Err(ValidationError::single(
            field,
            format!(
                "This user already has access at {}; request a permissions change instead.",
                organization.name
            ),
        )
        .into()),
        RequestType::PermissionsChange | RequestType::AccessDeletion if !open => {
            Err(ValidationError::single(
                field,
                format!("This user has no current access at {}.", organization.name),
            )
            .into())
        }
        _ => Ok(Some(user)),
    }
}

/// Submits (or resubmits after a return) a request: every field validated, the named account
/// checked, a request number assigned, and — for New Access and Change Employer — the
/// prospective user sent a code to sign the User Agreement.
pub async fn submit<R: Registry, H: AccessHost>(
    registry: &R,
    permit: &Permit<need::ManageOrganizationUsers>,
    clock: &dyn Clock,
    host: &H,
    request: Option<AccessRequestId>,
    form: RequestForm,
) -> UseCaseResult<AccessRequestId> {
    let actor = permit.actor();
    let target = target_organization(registry, actor, &form.organization_code).await?;
    let org =
        require_in_scope(registry, actor, Permission::ManageOrganizationUsers, target).await?;
    let jurisdiction = jurisdiction_of(host, &org.state)?;
    let today = clock.today();
    let parsed = parse_stored(&form, jurisdiction, &org, today)?;
    let subject = check_named_account(registry, &parsed, &org, today).await?;
    let existing = editable(registry, actor, request).await?;
    let signed = existing.as_ref().is_some_and(|r| r.agreement.is_some());
    let from = existing
        .as_ref()
        .map_or(RequestStatus::Draft, |row| row.status);
    let status = from
        .after(RequestStep::Submit, parsed.request_type, signed)
        .map_err(conflict)?;
    let stored = RequestForm::normalized(&parsed, &org.code);
    let code = (status == RequestStatus::AwaitingAgreement).then(|| host.agreement_code());
    let code_hash = code
        .as_deref()
        .map(|c| host.code_hash(&normalize_agreement_code(c)));
    let now = clock.now();
    let mut work = registry.begin(actor.origin(), now).await?;
    let (id, number) = match existing {
        Some(row) => {
            work.update_request_form(row.id, parsed.request_type, &stored)
                .await?;
            (row.id, row.number)
        }
        None => {
            let id = AccessRequestId::new();
            let new = NewAccessRequest {
                id,
                request_type: parsed.request_type,
                organization: target,
                requested_by: actor.user_id,
                form: stored,
            };
            (id, work.insert_access_request(&new).await?)
        }
    };
    work.submit_request(id, status, subject, code_hash.as_deref())
        .await?;
    work.audit(&event(
        now,
        actor,
        target,
        AuditAction::AccessRequestSubmitted,
        format!("{number} {}", parsed.request_type.code()),
    ))
    .await?;
    if let Some(code) = code {
        work.queue_mail(&agreement_mail(&parsed, &org, jurisdiction, number, code))
            .await?;
    }
    work.commit().await?;
    Ok(id)
}

fn agreement_mail(
    form: &AccessRequestForm,
    org: &OrganizationFacts,
    jurisdiction: Jurisdiction,
    number: String,
    code: String,
) -> Mail {
    Mail::AgreementCode {
        to: form.email.as_str().to_string(),
        first_name: form.first_name.to_string(),
        supervisor_name: form.supervisor_name.clone(),
        organization_name: org.name.clone(),
        jurisdiction,
        number,
        code,
    }
}

/// Sends the prospective user a new agreement code (the first email was lost, or went to a
/// mistyped address since corrected); the old code stops working.
pub async fn resend_agreement<R: Registry, H: AccessHost>(
    registry: &R,
    permit: &Permit<need::ManageOrganizationUsers>,
    clock: &dyn Clock,
    host: &H,
    id: AccessRequestId,
) -> UseCaseResult<()> {
    let actor = permit.actor();
    let row = registry.access_request(id).await?;
    let org = require_in_scope(
        registry,
        actor,
        Permission::ManageOrganizationUsers,
        row.organization,
    )
    .await?;
    if row.status != RequestStatus::AwaitingAgreement {
        return Err(UseCaseError::Conflict(format!(
            "Request {} is not waiting for the User Agreement.",
            row.number
        )));
    }
    let jurisdiction = jurisdiction_of(host, &org.state)?;
    let submitted_on = row.submitted_at.map_or(clock.today(), |t| t.date());
    let parsed = parse_stored(&row.form, jurisdiction, &org, submitted_on)?;
    let code = host.agreement_code();
    let hash = host.code_hash(&normalize_agreement_code(&code));
    let now = clock.now();
    let mut work = registry.begin(actor.origin(), now).await?;
    work.submit_request(
        id,
        RequestStatus::AwaitingAgreement,
        row.subject,
        Some(&hash),
    )
    .await?;
    work.audit(&event(
        now,
        actor,
        row.organization,
        AuditAction::AccessRequestSubmitted,
        format!("{}: agreement code sent again", row.number),
    ))
    .await?;
    work.queue_mail(&agreement_mail(
        &parsed,
        &org,
        jurisdiction,
        row.number,
        code,
    ))
    .await?;
    work.commit().await?;
    Ok(())
}

/// One request, for a supervisor whose reach covers its organization.
pub async fn request_for_supervisor<R: Registry>(
    registry: &R,
    permit: &Permit<need::ManageOrganizationUsers>,
    id: AccessRequestId,
) -> UseCaseResult<StoredAccessRequest> {
    let row = registry.access_request(id).await?;
    require_in_scope(
        registry,
        permit.actor(),
        Permission::ManageOrganizationUsers,
        row.organization,
    )
    .await?;
    Ok(row)
}

/// One request, for registry staff whose reach covers its organization; the review is
/// audited.
pub async fn request_for_review<R: Registry>(
    registry: &R,
    permit: &Permit<need::ApproveAccessRequests>,
    clock: &dyn Clock,
    id: AccessRequestId,
) -> UseCaseResult<StoredAccessRequest> {
    let actor = permit.actor();
    let row = registry.access_request(id).await?;
    require_in_scope(
        registry,
        actor,
        Permission::ApproveAccessRequests,
        row.organization,
    )
    .await?;
    let now = clock.now();
    let mut work = registry.begin(actor.origin(), now).await?;
    work.audit(&event(
        now,
        actor,
        row.organization,
        AuditAction::AccessRequestViewed,
        row.number.clone(),
    ))
    .await?;
    work.commit().await?;
    Ok(row)
}

/// A request registry staff may decide: in their reach, and not one they submitted
/// (separation of duties).
async fn decidable<R: Registry>(
    registry: &R,
    actor: &Actor,
    id: AccessRequestId,
) -> UseCaseResult<(StoredAccessRequest, OrganizationFacts)> {
    let row = registry.access_request(id).await?;
    let org = require_in_scope(
        registry,
        actor,
        Permission::ApproveAccessRequests,
        row.organization,
    )
    .await?;
    if row.requested_by == actor.user_id {
        return Err(UseCaseError::Forbidden {
            permission: Permission::ApproveAccessRequests.code(),
        });
    }
    Ok((row, org))
}

/// Approves a request: New Access creates the account (temporary password, to be changed at
/// the first sign-in); Change Employer moves the account (access elsewhere ends; an inactive
/// or locked account gets a temporary password); Permissions Change sets the new role; Access
/// Deletion ends access at the organization. The user is mailed. Returns the account.
pub async fn approve<R: Registry, H: AccessHost>(
    registry: &R,
    permit: &Permit<need::ApproveAccessRequests>,
    clock: &dyn Clock,
    host: &H,
    id: AccessRequestId,
) -> UseCaseResult<UserId> {
    let actor = permit.actor();
    let (row, org) = decidable(registry, actor, id).await?;
    let request_type = row.request_type;
    let next = row
        .status
        .after(RequestStep::Approve, request_type, row.agreement.is_some())
        .map_err(conflict)?;
    let jurisdiction = jurisdiction_of(host, &org.state)?;
    let now = clock.now();
    let today = now.date();
    let submitted_on = row.submitted_at.map_or(clock.today(), |t| t.date());
    let parsed = parse_stored(&row.form, jurisdiction, &org, submitted_on)?;

    // Reads first, outside the unit of work.
    let new_username = match request_type {
        RequestType::NewAccess => {
            let base = username_base(&parsed.first_name, &parsed.last_name);
            Some(free_username(&base, &registry.usernames_like(&base).await?))
        }
        _ => None,
    };
    let subject_account = match row.subject {
        Some(user) => Some(registry.account(user).await?),
        None => None,
    };
    let needs_temporary = match request_type {
        RequestType::NewAccess => true,
        RequestType::ChangeEmployer => subject_account
            .as_ref()
            .is_some_and(|a| !a.active || a.locked),
        _ => false,
    };
    let temporary = needs_temporary.then(|| host.temporary_password());
    let temporary_hash = match &temporary {
        Some(t) => Some(host.hash_password(t.clone()).await?),
        None => None,
    };
    let role = parsed.role;
    let ends = parsed.end_date.map(|d| d.date());
    let organization = row.organization;

    let mut work = registry.begin(actor.origin(), now).await?;
    let (user, what) = match request_type {
        RequestType::NewAccess => {
            let role = role.ok_or_else(|| broken("a New Access request without a role"))?;
            let user = UserId::new();
            work.create_account(&NewAccount {
                id: user,
                username: new_username.clone().unwrap_or_default(),
                password_hash: temporary_hash.clone().unwrap_or_default(),
                first_name: parsed.first_name.to_string(),
                last_name: parsed.last_name.to_string(),
                email: parsed.email.as_str().to_string(),
                phone: Some(parsed.phone.as_str().to_string()),
            })
            .await?;
            work.set_role(user, organization, role, ends).await?;
            work.audit(&event(
                now,
                actor,
                organization,
                AuditAction::AccountCreated,
                format!("{} user {user}", row.number),
            ))
            .await?;
            (user, format!("account created with role {}", role.code()))
        }
        RequestType::ChangeEmployer => {
            let user = row
                .subject
                .ok_or_else(|| broken("a Change Employer request without its account"))?;
            let role = role.ok_or_else(|| broken("a Change Employer request without a role"))?;
            let ends_elsewhere = parsed
                .start_date
                .map(|d| d.date())
                .filter(|d| *d > today)
                .unwrap_or(today);
            for other in work.open_organizations(user, organization, today).await? {
                work.end_access(user, other, ends_elsewhere).await?;
            }
            work.set_role(user, organization, role, ends).await?;
            if let Some(hash) = &temporary_hash {
                work.reactivate_with_temporary_password(user, hash).await?;
            }
            (user, format!("access moved here with role {}", role.code()))
        }
        RequestType::PermissionsChange => {
            let user = row
                .subject
                .ok_or_else(|| broken("a Permissions Change request without its account"))?;
            let role = role.ok_or_else(|| broken("a Permissions Change request without a role"))?;
            work.set_role(user, organization, role, ends).await?;
            (user, format!("role changed to {}", role.code()))
        }
        RequestType::AccessDeletion => {
            let user = row
                .subject
                .ok_or_else(|| broken("an Access Deletion request without its account"))?;
            work.end_access(user, organization, ends.unwrap_or(today))
                .await?;
            (user, "access ends".to_string())
        }
    };
    work.audit(&event(
        now,
        actor,
        organization,
        AuditAction::AccessChanged,
        format!("{} user {user}: {what}", row.number),
    ))
    .await?;
    work.decide_request(id, next, actor.user_id, None, Some(user))
        .await?;
    work.audit(&event(
        now,
        actor,
        organization,
        AuditAction::AccessRequestApproved,
        row.number.clone(),
    ))
    .await?;
    work.queue_mail(&Mail::Approved {
        to: parsed.email.as_str().to_string(),
        first_name: parsed.first_name.to_string(),
        jurisdiction,
        number: row.number.clone(),
        request_type,
        organization_code: org.code.clone(),
        organization_name: org.name.clone(),
        username: new_username
            .or(subject_account.map(|a| a.username))
            .unwrap_or_default(),
        temporary_password: temporary,
    })
    .await?;
    work.commit().await?;
    Ok(user)
}

/// How registry staff send a request back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Returned to the supervisor for correction.
    Return,
    /// Refused; final.
    Reject,
}

/// Returns or rejects a request with a reason (field `reason`, at most 1,000 characters); the
/// supervisor is mailed.
pub async fn decide<R: Registry, H: AccessHost>(
    registry: &R,
    permit: &Permit<need::ApproveAccessRequests>,
    clock: &dyn Clock,
    host: &H,
    id: AccessRequestId,
    decision: Decision,
    reason: &str,
) -> UseCaseResult<()> {
    let actor = permit.actor();
    let (row, org) = decidable(registry, actor, id).await?;
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(ValidationError::single(
            "reason",
            "Give the supervisor a reason (at most 1,000 characters).",
        )
        .into());
    }
    let (step, action) = match decision {
        Decision::Return => (RequestStep::Return, AuditAction::AccessRequestReturned),
        Decision::Reject => (RequestStep::Reject, AuditAction::AccessRequestRejected),
    };
    let next = row
        .status
        .after(step, row.request_type, row.agreement.is_some())
        .map_err(conflict)?;
    let supervisor_email = registry.account(row.requested_by).await?.email;
    let jurisdiction = jurisdiction_of(host, &org.state)?;
    let now = clock.now();
    let mut work = registry.begin(actor.origin(), now).await?;
    work.decide_request(id, next, actor.user_id, Some(&reason), None)
        .await?;
    work.audit(&event(
        now,
        actor,
        row.organization,
        action,
        row.number.clone(),
    ))
    .await?;
    work.queue_mail(&Mail::Decided {
        to: supervisor_email,
        jurisdiction,
        number: row.number,
        returned: decision == Decision::Return,
        reason,
    })
    .await?;
    work.commit().await?;
    Ok(())
}

/// Who opens a User Agreement: no permit (the prospective user has no account yet), but the
/// request number and the emailed code, and whoever is signed in at the workstation.
#[derive(Debug, Clone)]
pub struct AgreementProof<'a> {
    /// The request number from the email (`REQ…`), field `requestNumber`.
    pub number: &'a str,
    /// The code from the email, field `code`.
    pub code: &'a str,
    /// The door: the audit place and the origin of the change.
    pub via: Via,
    /// The user signed in at the workstation, if any, and their organization: refused unless
    /// the request is theirs.
    pub signed_in: Option<(UserId, OrganizationId)>,
}

async fn refuse_agreement<R: Registry>(
    registry: &R,
    at: OffsetDateTime,
    proof: &AgreementProof<'_>,
    organization: Option<OrganizationId>,
    detail: String,
) -> UseCaseResult<()> {
    let mut work = registry.begin(proof.via.origin(), at).await?;
    work.audit(&AuditEvent {
        at,
        user_id: proof.signed_in.map(|(u, _)| u),
        organization_id: organization,
        workstation: proof.via.audit_place(),
        action: AuditAction::UserAgreementRefused,
        client_id: None,
        detail: Some(detail),
    })
    .await?;
    work.commit().await?;
    Ok(())
}

/// The request waiting for this agreement, if the number and code match; refuses a signed-in
/// user who is not the request's user. Refusals are audited.
async fn agreement_request<R: Registry, H: AccessHost>(
    registry: &R,
    clock: &dyn Clock,
    host: &H,
    proof: &AgreementProof<'_>,
) -> UseCaseResult<(StoredAccessRequest, Jurisdiction)> {
    let mut issues = IssueCollector::new();
    if proof.number.trim().is_empty() {
        issues.push(shotbook_core::Issue::new(
            "requestNumber",
            "Enter the request number from the email (REQ…).",
        ));
    }
    if proof.code.trim().is_empty() {
        issues.push(shotbook_core::Issue::new(
            "code",
            "Enter the agreement code from the email.",
        ));
    }
    issues.finish()?;
    let hash = host.code_hash(&normalize_agreement_code(proof.code));
    let now = clock.now();
    let found = registry.access_request_by_number(proof.number).await?;
    let matches = |r: &StoredAccessRequest| r.agreement_code_hash.as_deref() == Some(hash.as_str());
    let row = match found {
        Some(row) if matches(&row) => row,
        found => {
            let mut work = registry.begin(proof.via.origin(), now).await?;
            let mut detail = "request number and code do not match".to_string();
            if let Some(row) = found.filter(|r| r.agreement_code_hash.is_some()) {
                // Counted on the request, so guessing one request's code is bounded however
                // many workstations or addresses the guesses come from.
                let failures = work.count_agreement_failure(row.id).await?;
                detail = format!("{}: wrong code ({failures})", row.number);
            }
            work.audit(&AuditEvent {
                at: now,
                user_id: proof.signed_in.map(|(u, _)| u),
                organization_id: None,
                workstation: proof.via.audit_place(),
                action: AuditAction::UserAgreementRefused,
                client_id: None,
                detail: Some(detail),
            })
            .await?;
            work.commit().await?;
            return Err(ValidationError::single(
                "code",
                "The request number and code do not match a User Agreement. Check the email, or ask your supervisor.",
            )
            .into());
        }
    };
    let refusal = if row.agreement_failures >= AGREEMENT_CODE_ATTEMPTS {
        Some((
            "too many wrong codes",
            "Too many wrong codes were tried for this request. Ask your supervisor to resend the User Agreement.",
        ))
    } else if row
        .agreement_code_issued_at
        .is_some_and(|issued| now - issued > AGREEMENT_CODE_VALIDITY)
    {
        Some((
            "code expired",
            "This agreement code has expired (codes work for 14 days). Ask your supervisor to resend the User Agreement.",
        ))
    } else {
        None
    };
    if let Some((why, message)) = refusal {
        refuse_agreement(
            registry,
            now,
            proof,
            Some(row.organization),
            format!("{}: {why}", row.number),
        )
        .await?;
        return Err(ValidationError::single("code", message).into());
    }
    if let Some((user, organization)) = proof.signed_in {
        if row.subject != Some(user) {
            refuse_agreement(
                registry,
                clock.now(),
                proof,
                Some(organization),
                format!("{}: signed in as someone else", row.number),
            )
            .await?;
            return Err(UseCaseError::Forbidden {
                permission: "sign_user_agreement",
            });
        }
    }
    if row.status != RequestStatus::AwaitingAgreement {
        return Err(UseCaseError::Conflict(
            "This User Agreement was already signed, or the request is no longer waiting for it."
                .into(),
        ));
    }
    let jurisdiction = jurisdiction_of(host, &row.organization_state)?;
    Ok((row, jurisdiction))
}

/// The requests of the supervisor's own organization, most recently changed first.
pub async fn organization_requests<R: Registry>(
    registry: &R,
    permit: &Permit<need::ManageOrganizationUsers>,
) -> UseCaseResult<Vec<StoredAccessRequest>> {
    let actor = permit.actor();
    require_in_scope(
        registry,
        actor,
        Permission::ManageOrganizationUsers,
        actor.organization_id,
    )
    .await?;
    Ok(registry.access_requests_of(actor.organization_id).await?)
}

/// The registry staff's queue: submitted requests still open, oldest submission first, of
/// the organizations within the staff member's reach (a regional office sees its counties'
/// requests, the state office the whole state's): exactly those they may decide.
pub async fn review_queue<R: Registry>(
    registry: &R,
    permit: &Permit<need::ApproveAccessRequests>,
) -> UseCaseResult<Vec<StoredAccessRequest>> {
    let actor = permit.actor();
    let reach = crate::scope::reach_of(registry, actor).await?;
    let mut places = std::collections::HashMap::new();
    let mut queue = Vec::new();
    for request in registry.open_access_requests(&reach.home.state).await? {
        let covered = match places.get(&request.organization) {
            Some(covered) => *covered,
            None => {
                let place = registry.organization(request.organization).await?.place();
                let covered = reach.covers(&place);
                places.insert(request.organization, covered);
                covered
            }
        };
        if covered && request.requested_by != actor.user_id {
            queue.push(request);
        }
    }
    Ok(queue)
}

/// Opens the User Agreement of a request with the emailed number and code.
pub async fn open_agreement<R: Registry, H: AccessHost>(
    registry: &R,
    clock: &dyn Clock,
    host: &H,
    proof: &AgreementProof<'_>,
) -> UseCaseResult<(StoredAccessRequest, Jurisdiction)> {
    agreement_request(registry, clock, host, proof).await
}

/// Signs the User Agreement: every statement checked, the signature block complete, the typed
/// name matching the request. The request then waits for registry review.
pub async fn sign_agreement<R: Registry, H: AccessHost>(
    registry: &R,
    clock: &dyn Clock,
    host: &H,
    proof: &AgreementProof<'_>,
    input: &AgreementInput<'_>,
) -> UseCaseResult<(StoredAccessRequest, Jurisdiction)> {
    let (row, jurisdiction) = agreement_request(registry, clock, host, proof).await?;
    let signed = SignedAgreement::parse(
        input,
        &row.form.legal_first_name,
        &row.form.legal_last_name,
        clock.today(),
    )?;
    let next = row
        .status
        .after(RequestStep::SignAgreement, row.request_type, false)
        .map_err(conflict)?;
    let record = AgreementRecord {
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
    let now = clock.now();
    let mut work = registry.begin(proof.via.origin(), now).await?;
    work.record_agreement(row.id, &record, next).await?;
    work.audit(&AuditEvent {
        at: now,
        user_id: row.subject,
        organization_id: Some(row.organization),
        workstation: proof.via.audit_place(),
        action: AuditAction::UserAgreementSigned,
        client_id: None,
        detail: Some(row.number.clone()),
    })
    .await?;
    work.commit().await?;
    Ok((row, jurisdiction))
}

/// Ends a user's access at an organization today (a departed employee), with a reason for the
/// audit log (field `reason`). The account and its history stay; other organizations are not
/// touched. A supervisor cannot end their own access. Returns the organization.
pub async fn end_user_access<R: Registry>(
    registry: &R,
    permit: &Permit<need::ManageOrganizationUsers>,
    clock: &dyn Clock,
    organization_code: &str,
    username: &str,
    reason: &str,
) -> UseCaseResult<OrganizationFacts> {
    let actor = permit.actor();
    let target = target_organization(registry, actor, organization_code).await?;
    let org =
        require_in_scope(registry, actor, Permission::ManageOrganizationUsers, target).await?;
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ValidationError::single(
            "reason",
            "Say why access ends (for example: left employment), in at most 500 characters.",
        )
        .into());
    }
    let user = registry
        .user_by_username(username)
        .await?
        .ok_or(UseCaseError::NotFound("user"))?;
    if registry.membership(user, target).await?.is_none() {
        return Err(UseCaseError::NotFound("user"));
    }
    if user == actor.user_id {
        return Err(ValidationError::single(
            "username",
            "You cannot end your own access; ask another supervisor or the registry.",
        )
        .into());
    }
    let now = clock.now();
    let mut work = registry.begin(actor.origin(), now).await?;
    work.end_access(user, target, now.date()).await?;
    work.audit(&event(
        now,
        actor,
        target,
        AuditAction::AccessChanged,
        format!("user {user}: access ended by supervisor: {reason}"),
    ))
    .await?;
    work.commit().await?;
    Ok(org)
}
