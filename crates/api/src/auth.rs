//! Signing in, step by step, as ImmTrac2 and imMTrax define it:
//!
//! 1. organization code + username + password (Argon2id; unknown accounts take as long and get
//!    the same answer as wrong passwords);
//! 2. after 3 failures a CAPTCHA is required; 3 more failures lock the account until the
//!    password is reset through Forgot Password (the count survives restarts: it is stored);
//! 3. a temporary (emailed) password must be replaced at once;
//! 4. the confidentiality statement — the session starts only after "I Agree";
//! 5. a user with several organizations chooses one (and may switch later).
//!
//! Inactive accounts (6 months unused) and ended access are refused. Every sign-in, failure,
//! lockout, agreement and sign-out is audited — never the password.

use shotbook_core::account::{self, PASSWORD_RULES};
use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::date::UsDate;
use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::jurisdiction::Jurisdiction;
use shotbook_core::organization::OrganizationKind;
use shotbook_core::permission::{Permission, Role};
use shotbook_core::session::Session;
use shotbook_store::users::{self, MembershipRow};
use shotbook_store::{audit, sessions};
use shotbook_usecases::sign_in::{check_credentials, CaptchaAnswer, SignInAttempt, SignInRefusal};
use shotbook_usecases::{UseCaseError, Via};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::credentials::{audit_event, WorkstationSignIn};
use crate::dto::{
    ChooseOrganizationRequest, NewPasswordRequest, OrganizationChoice, RegistryHelpDesk,
    RememberedSignIn, SignInRequest, SignInStep, SignedInUser,
};
use crate::error::{AppError, AppResult, FieldIssue};
use crate::remember;
use crate::AppContext;

/// The statement every user accepts before each session (imMTrax user agreement, ImmTrac2
/// confidentiality notice).
pub const CONFIDENTIALITY_STATEMENT: &str = "This registry holds confidential health information protected by \
state law and HIPAA. By selecting I Agree you confirm that you will look up, use and disclose client information \
only to provide or coordinate immunization services for clients of your organization, that you will not share your \
username or password, and that you understand every search, view, print and change you make is recorded with your \
name, organization, workstation and time.";

/// A sign-in whose credentials were accepted but whose session has not started yet.
#[derive(Debug, Clone)]
pub struct PendingSignIn {
    pub(crate) user_id: UserId,
    pub(crate) username: String,
    pub(crate) display_name: String,
    pub(crate) organization_id: OrganizationId,
    pub(crate) stage: PendingStage,
    pub(crate) remember: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PendingStage {
    MustChangePassword,
    Confidentiality,
    ChooseOrganization,
}

/// Step 1: credentials (and the CAPTCHA once required), through the ladder's use case.
pub async fn sign_in(ctx: &AppContext, request: SignInRequest) -> AppResult<SignInStep> {
    let now = ctx.clock().now();
    let captcha = match &request.captcha {
        None => CaptchaAnswer::None,
        Some(c) if ctx.captchas().solve(&c.challenge_id, &c.answer, now) => CaptchaAnswer::Solved,
        Some(_) => CaptchaAnswer::Wrong,
    };
    // With a registry configured it checks the credentials first; the local ladder then runs
    // against the verifier it just confirmed (or, offline, the one it confirmed recently).
    crate::sync::sign_in_at_registry(
        ctx,
        &request.organization_code,
        &request.username,
        &request.password,
    )
    .await?;
    let attempt = SignInAttempt {
        organization_code: request.organization_code,
        username: request.username,
        password: request.password,
        captcha,
    };
    let via = Via::Workstation {
        name: ctx.workstation().to_string(),
    };
    let accepted =
        match check_credentials(ctx.store(), &WorkstationSignIn(ctx), attempt, &via, now).await {
            Ok(accepted) => accepted,
            Err(UseCaseError::SignInRefused(SignInRefusal::CaptchaRequired)) => {
                return Err(AppError::CaptchaRequired {
                    challenge: ctx.captchas().issue(now),
                })
            }
            Err(e) => return Err(e.into()),
        };
    let stage = if accepted.must_change_password {
        PendingStage::MustChangePassword
    } else {
        PendingStage::Confidentiality
    };
    ctx.set_session(None);
    ctx.set_pending(Some(PendingSignIn {
        user_id: accepted.user_id,
        username: accepted.username,
        display_name: accepted.display_name,
        organization_id: accepted.organization_id,
        stage,
        remember: request.remember,
    }));
    Ok(step_for(stage))
}

fn step_for(stage: PendingStage) -> SignInStep {
    match stage {
        PendingStage::MustChangePassword => SignInStep::ChangePassword {
            rules: PASSWORD_RULES.iter().map(|r| r.to_string()).collect(),
        },
        _ => SignInStep::Confidentiality {
            statement: CONFIDENTIALITY_STATEMENT.to_string(),
        },
    }
}

/// Step 3: replace a temporary password (the new one entered twice).
pub async fn change_temporary_password(
    ctx: &AppContext,
    request: NewPasswordRequest,
) -> AppResult<SignInStep> {
    let pending = ctx
        .pending()
        .filter(|p| p.stage == PendingStage::MustChangePassword)
        .ok_or(AppError::NotSignedIn)?;
    crate::credentials::set_new_password(
        ctx,
        pending.user_id,
        &pending.username,
        &request.new_password,
        &request.confirm_password,
    )
    .await?;
    let next = PendingSignIn {
        stage: PendingStage::Confidentiality,
        ..pending
    };
    ctx.set_pending(Some(next));
    Ok(step_for(PendingStage::Confidentiality))
}

/// Step 4: "I Agree". Starts the session, or asks for the organization when there are several.
pub async fn accept_confidentiality(ctx: &AppContext) -> AppResult<SignInStep> {
    let pending = ctx
        .pending()
        .filter(|p| p.stage == PendingStage::Confidentiality)
        .ok_or(AppError::NotSignedIn)?;
    let now = ctx.clock().now();
    audit_event(
        ctx,
        now,
        Some(pending.user_id),
        Some(pending.organization_id),
        AuditAction::ConfidentialityAccepted,
        "",
    )
    .await?;
    let memberships = open_memberships(ctx, pending.user_id, now).await?;
    if memberships.len() > 1 {
        ctx.set_pending(Some(PendingSignIn {
            stage: PendingStage::ChooseOrganization,
            ..pending
        }));
        return Ok(SignInStep::ChooseOrganization {
            organizations: memberships.iter().map(choice).collect(),
        });
    }
    let membership = memberships
        .into_iter()
        .find(|m| m.organization_id == pending.organization_id.to_string())
        .ok_or(AppError::AccessEnded)?;
    let user = start_session(ctx, &pending, &membership, now).await?;
    Ok(SignInStep::SignedIn {
        user: Box::new(user),
    })
}

/// Step 5 (and "switch organization" from the menu bar): work for another organization.
pub async fn choose_organization(
    ctx: &AppContext,
    request: ChooseOrganizationRequest,
) -> AppResult<SignedInUser> {
    let now = ctx.clock().now();
    let pending = match (ctx.pending(), ctx.current_session()) {
        (Some(p), _) if p.stage == PendingStage::ChooseOrganization => p,
        (_, Some(s)) => {
            ctx.require(Permission::ManageOwnAccount).await?;
            PendingSignIn {
                user_id: s.user_id,
                username: s.username.clone(),
                display_name: s.display_name.clone(),
                organization_id: s.organization_id,
                stage: PendingStage::ChooseOrganization,
                remember: false,
            }
        }
        _ => return Err(AppError::NotSignedIn),
    };
    let memberships = open_memberships(ctx, pending.user_id, now).await?;
    let membership = memberships
        .into_iter()
        .find(|m| {
            m.code
                .eq_ignore_ascii_case(request.organization_code.trim())
        })
        .ok_or_else(|| AppError::Validation {
            issues: vec![FieldIssue {
                field: "organizationCode".into(),
                message: "You do not have access to that organization.".into(),
            }],
        })?;
    start_session(ctx, &pending, &membership, now).await
}

async fn start_session(
    ctx: &AppContext,
    pending: &PendingSignIn,
    membership: &MembershipRow,
    now: OffsetDateTime,
) -> AppResult<SignedInUser> {
    let role = Role::from_code(&membership.role)
        .ok_or_else(|| AppError::internal(format!("unknown role code {}", membership.role)))?;
    let organization_id: OrganizationId = membership
        .organization_id
        .parse()
        .map_err(AppError::internal)?;
    let session = Session {
        user_id: pending.user_id,
        username: pending.username.clone(),
        display_name: pending.display_name.clone(),
        organization_id,
        organization_code: membership.code.clone(),
        organization_name: membership.name.clone(),
        organization_state: membership.state.clone(),
        organization_kind: OrganizationKind::from_code(&membership.kind)
            .ok_or_else(|| AppError::internal("unknown organization kind"))?,
        role,
        started_at: now,
        last_active_at: now,
    };
    audit_event(
        ctx,
        now,
        Some(pending.user_id),
        Some(organization_id),
        AuditAction::SignIn,
        "",
    )
    .await?;
    tracing::info!(user = %pending.user_id, organization = %organization_id, "session started");
    end_persisted_session(ctx, now).await?;
    let token = remember::new_token();
    let hash = remember::token_hash(&token);
    sessions::start(ctx.store(), &hash, pending.user_id, organization_id, now).await?;
    ctx.set_session_token(Some((hash, now)));
    remember_or_forget(ctx, pending, &membership.code, &token);
    ctx.set_pending(None);
    ctx.set_session(Some(session.clone()));
    signed_in_user(ctx, &session).await
}

/// Writes (or clears) the remembered org code, username and session token. A workstation
/// without a credential store simply does not remember; that is reported by
/// [`remembered_sign_in`], never an error here.
fn remember_or_forget(ctx: &AppContext, pending: &PendingSignIn, org_code: &str, token: &str) {
    let secrets = ctx.secrets();
    let result = if pending.remember {
        secrets
            .set(
                remember::REMEMBERED_SIGN_IN,
                &format!("{org_code}\t{}", pending.username),
            )
            .and_then(|()| secrets.set(remember::SESSION_TOKEN, token))
    } else if pending.stage == PendingStage::ChooseOrganization && ctx.current_session().is_some() {
        // Switching organization keeps what the user chose at sign-in; only the token moves.
        match secrets.get(remember::SESSION_TOKEN) {
            Ok(Some(_)) => secrets.set(remember::SESSION_TOKEN, token),
            other => other.map(|_| ()),
        }
    } else {
        secrets
            .delete(remember::REMEMBERED_SIGN_IN)
            .and_then(|()| secrets.delete(remember::SESSION_TOKEN))
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "the credential store is not available; the sign-in is not remembered");
    }
}

async fn end_persisted_session(ctx: &AppContext, now: OffsetDateTime) -> AppResult<()> {
    if let Some((hash, _)) = ctx.session_token() {
        sessions::end(ctx.store(), &hash, now).await?;
        ctx.set_session_token(None);
    }
    Ok(())
}

/// What the sign-in form can pre-fill, and whether "Remember me" works on this workstation.
pub async fn remembered_sign_in(ctx: &AppContext) -> AppResult<RememberedSignIn> {
    let secrets = ctx.secrets();
    let stored = secrets.get(remember::REMEMBERED_SIGN_IN).ok().flatten();
    let (organization_code, username) = match stored.as_deref().and_then(|s| s.split_once('\t')) {
        Some((org, user)) => (Some(org.to_string()), Some(user.to_string())),
        None => (None, None),
    };
    Ok(RememberedSignIn {
        organization_code,
        username,
        keyring_available: secrets.available(),
    })
}

/// Resumes the remembered session after a restart, if its token is in the credential store,
/// it was not ended, it has not been idle past the limit and the account may still sign in.
pub async fn resume_session(ctx: &AppContext) -> AppResult<Option<SignedInUser>> {
    if let Some(session) = ctx.current_session() {
        return Ok(Some(signed_in_user(ctx, &session).await?));
    }
    let Ok(Some(token)) = ctx.secrets().get(remember::SESSION_TOKEN) else {
        return Ok(None);
    };
    let hash = remember::token_hash(&token);
    let now = ctx.clock().now();
    let Some(row) = sessions::find(ctx.store(), &hash).await? else {
        return Ok(None);
    };
    let last_active =
        OffsetDateTime::parse(&row.last_active_at, &Rfc3339).map_err(AppError::internal)?;
    let started = OffsetDateTime::parse(&row.started_at, &Rfc3339).map_err(AppError::internal)?;
    if row.ended_at.is_some()
        || now - last_active > ctx.idle_limit()
        || now - started >= account::SESSION_LIFETIME
    {
        return Ok(None);
    }
    let user_id: UserId = row.user_id.parse().map_err(AppError::internal)?;
    let account = users::account(ctx.store(), user_id).await?;
    let Some(membership) = open_memberships(ctx, user_id, now)
        .await?
        .into_iter()
        .find(|m| m.organization_id == row.organization_id)
    else {
        return Ok(None);
    };
    // A locked or inactive account, or one that must change its password, signs in again.
    if !users::may_hold_session(ctx.store(), user_id).await? {
        return Ok(None);
    }
    let role =
        Role::from_code(&membership.role).ok_or_else(|| AppError::internal("unknown role code"))?;
    let organization_id: OrganizationId = membership
        .organization_id
        .parse()
        .map_err(AppError::internal)?;
    let session = Session {
        user_id,
        username: account.username.clone(),
        display_name: format!("{} {}", account.first_name, account.last_name),
        organization_id,
        organization_code: membership.code.clone(),
        organization_name: membership.name.clone(),
        organization_state: membership.state.clone(),
        organization_kind: OrganizationKind::from_code(&membership.kind)
            .ok_or_else(|| AppError::internal("unknown organization kind"))?,
        role,
        // The lifetime counts from the real start, not from the restart.
        started_at: started,
        last_active_at: now,
    };
    sessions::touch(ctx.store(), &hash, now).await?;
    ctx.set_session_token(Some((hash, now)));
    audit_event(
        ctx,
        now,
        Some(user_id),
        Some(organization_id),
        AuditAction::SignIn,
        "resumed remembered session",
    )
    .await?;
    ctx.set_session(Some(session.clone()));
    Ok(Some(signed_in_user(ctx, &session).await?))
}

/// Whether the signed-in session still stands: its row not ended (a password change or reset
/// ends every other session of the user), the account active and unlocked, and the membership
/// it was started for still open with the same role. Otherwise the session ends here, audited,
/// and the answer says why.
pub(crate) async fn check_session_stands(
    ctx: &AppContext,
    session: &Session,
    now: OffsetDateTime,
) -> AppResult<()> {
    let ended_row = match ctx.session_token() {
        Some((hash, _)) => match sessions::find(ctx.store(), &hash).await? {
            Some(row) if row.ended_at.is_some() => Some(match row.ended_reason.as_deref() {
                Some("password changed") => "password_changed",
                Some("lifetime reached") => "lifetime_reached",
                Some("account locked") => "account_locked",
                _ => "access_ended",
            }),
            Some(_) => None,
            None => Some("access_ended"),
        },
        None => None,
    };
    let reason = match ended_row {
        Some(reason) => Some(reason),
        None if !users::may_hold_session(ctx.store(), session.user_id).await? => {
            Some("account_inactive")
        }
        None => {
            let membership = open_memberships(ctx, session.user_id, now)
                .await?
                .into_iter()
                .find(|m| m.organization_id == session.organization_id.to_string());
            match membership {
                Some(m) if m.role == session.role.code() => None,
                _ => Some("access_ended"),
            }
        }
    };
    match reason {
        None => Ok(()),
        Some(reason) => Err(end_session(ctx, session, reason, now).await),
    }
}

/// Ends the signed-in session for `reason` (not the user's choice): forgets it, ends its row,
/// audits it, and returns the error that tells the UI.
pub(crate) async fn end_session(
    ctx: &AppContext,
    session: &Session,
    reason: &str,
    now: OffsetDateTime,
) -> AppError {
    ctx.set_session(None);
    ctx.set_pending(None);
    if let Some((hash, _)) = ctx.session_token() {
        if let Err(e) =
            sessions::end_with_reason(ctx.store(), &hash, &reason.replace('_', " "), now).await
        {
            tracing::warn!(error = %e, "could not end the session row");
        }
        ctx.set_session_token(None);
    }
    if let Err(e) = ctx.secrets().delete(remember::SESSION_TOKEN) {
        tracing::debug!(error = %e, "no credential store to clear");
    }
    if let Err(e) = audit_event(
        ctx,
        now,
        Some(session.user_id),
        Some(session.organization_id),
        AuditAction::SignOut,
        &format!("session ended: {reason}"),
    )
    .await
    {
        return e;
    }
    tracing::info!(user = %session.user_id, reason, "session ended");
    AppError::SessionEnded {
        reason: reason.to_string(),
    }
}

/// Audits a command the role does not allow (someone tried; the review of denials is how a
/// probing account is noticed).
pub(crate) async fn audit_denial(
    ctx: &AppContext,
    session: &Session,
    permission: &str,
    now: OffsetDateTime,
) -> AppResult<()> {
    audit_event(
        ctx,
        now,
        Some(session.user_id),
        Some(session.organization_id),
        AuditAction::AccessDenied,
        &format!("permission {permission}"),
    )
    .await
}

/// The imMTrax rule, applied at start-up: accounts not used for 6 months are inactivated
/// (audited), before anyone tries to sign in with them.
pub async fn inactivate_dormant_accounts(
    store: &shotbook_store::Store,
    now: OffsetDateTime,
) -> AppResult<usize> {
    let mut count = 0;
    for (id, last_used) in users::last_used(store).await? {
        let Ok(last_used) = OffsetDateTime::parse(&last_used, &Rfc3339) else {
            continue;
        };
        if account::inactive_since(last_used.date(), now.date()) {
            let user: UserId = id.parse().map_err(AppError::internal)?;
            users::inactivate(store, user, "not used for 6 months", now).await?;
            let event = AuditEvent {
                at: now,
                user_id: Some(user),
                organization_id: None,
                workstation: "start-up".into(),
                action: AuditAction::AccountInactivated,
                client_id: None,
                detail: Some("not used for 6 months".into()),
            };
            audit::append_alone(store, &event).await?;
            count += 1;
        }
    }
    Ok(count)
}

/// Tells Rust the user is active (typing or pointing) without running a command, so a long
/// form being filled in does not lock at the next save. Refused once the session is idle past
/// the limit, like any command.
pub async fn keep_alive(ctx: &AppContext) -> AppResult<()> {
    ctx.require(Permission::ManageOwnAccount).await?;
    Ok(())
}

/// Ends the session (or abandons a half-finished sign-in). Not an error when signed out.
pub async fn sign_out(ctx: &AppContext) -> AppResult<()> {
    ctx.set_pending(None);
    crate::sync::sign_out(ctx).await;
    end_persisted_session(ctx, ctx.clock().now()).await?;
    if let Err(e) = ctx.secrets().delete(remember::SESSION_TOKEN) {
        tracing::debug!(error = %e, "no credential store to clear");
    }
    if let Some(session) = ctx.current_session() {
        ctx.set_session(None);
        audit_event(
            ctx,
            ctx.clock().now(),
            Some(session.user_id),
            Some(session.organization_id),
            AuditAction::SignOut,
            "",
        )
        .await?;
    }
    Ok(())
}

/// The signed-in user, or `None` (the UI asks on start-up and after a reload).
pub async fn current_user(ctx: &AppContext) -> AppResult<Option<SignedInUser>> {
    match ctx.current_session() {
        Some(session) => Ok(Some(signed_in_user(ctx, &session).await?)),
        None => Ok(None),
    }
}

async fn signed_in_user(ctx: &AppContext, session: &Session) -> AppResult<SignedInUser> {
    let others = open_memberships(ctx, session.user_id, ctx.clock().now())
        .await?
        .iter()
        .filter(|m| m.organization_id != session.organization_id.to_string())
        .map(choice)
        .collect();
    Ok(SignedInUser {
        username: session.username.clone(),
        display_name: session.display_name.clone(),
        organization_code: session.organization_code.clone(),
        organization_name: session.organization_name.clone(),
        role: session.role.code().to_string(),
        role_title: session.role.title().to_string(),
        permissions: Permission::ALL
            .into_iter()
            .filter(|p| session.role.grants(*p))
            .map(|p| p.code().to_string())
            .collect(),
        other_organizations: others,
        help_desk: Jurisdiction::of_state(&session.organization_state).map(|j| RegistryHelpDesk {
            registry: j.registry_name().to_owned(),
            phone: j.help_desk_phone().to_owned(),
        }),
    })
}

async fn open_memberships(
    ctx: &AppContext,
    user: UserId,
    now: OffsetDateTime,
) -> AppResult<Vec<MembershipRow>> {
    Ok(users::memberships(ctx.store(), user)
        .await?
        .into_iter()
        .filter(|m| !access_ended(m.access_end_date.as_deref(), now))
        .collect())
}

fn choice(m: &MembershipRow) -> OrganizationChoice {
    OrganizationChoice {
        code: m.code.clone(),
        name: m.name.clone(),
        role_title: Role::from_code(&m.role).map_or(m.role.clone(), |r| r.title().to_string()),
    }
}

fn access_ended(end_date: Option<&str>, now: OffsetDateTime) -> bool {
    let end = end_date
        .and_then(|d| UsDate::parse(d).ok())
        .map(|d| d.date());
    account::access_ended(end, now.date())
}
