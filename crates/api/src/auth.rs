//! Signing in and out.

use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::password::{verify_password, DUMMY_HASH};
use shotbook_core::permission::{Permission, Role};
use shotbook_core::session::Session;
use shotbook_store::{audit, users};

use crate::dto::{SignInRequest, SignedInUser};
use crate::error::{AppError, AppResult, FieldIssue};
use crate::AppContext;

/// Signs in with organization code, username and password (Argon2id). Unknown accounts take as
/// long as wrong passwords and get the same answer, so sign-in does not reveal which accounts
/// exist. Success and failure are audited.
pub async fn sign_in(ctx: &AppContext, request: SignInRequest) -> AppResult<SignedInUser> {
    let mut issues = Vec::new();
    for (field, value) in [
        ("organizationCode", &request.organization_code),
        ("username", &request.username),
        ("password", &request.password),
    ] {
        if value.trim().is_empty() {
            issues.push(FieldIssue {
                field: field.into(),
                message: "This field is required.".into(),
            });
        }
    }
    if !issues.is_empty() {
        return Err(AppError::Validation { issues });
    }

    let candidate =
        users::find_for_sign_in(ctx.store(), &request.organization_code, &request.username).await?;
    let hash = candidate
        .as_ref()
        .map_or(DUMMY_HASH.to_string(), |c| c.password_hash.clone());
    let password = request.password;
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(AppError::internal)?;

    let now = ctx.clock().now();
    let accepted = candidate.filter(|c| matches && c.active);
    let Some(account) = accepted else {
        audit::append(
            ctx.store().pool(),
            &AuditEvent {
                at: now,
                user_id: None,
                organization_id: None,
                workstation: ctx.workstation().to_string(),
                action: AuditAction::SignInFailed,
                client_id: None,
                detail: Some("credentials rejected".into()),
            },
        )
        .await?;
        return Err(AppError::InvalidCredentials);
    };

    let role = Role::from_code(&account.role)
        .ok_or_else(|| AppError::internal(format!("unknown role code {}", account.role)))?;
    let user_id: UserId = account.user_id.parse().map_err(AppError::internal)?;
    let organization_id: OrganizationId = account
        .organization_id
        .parse()
        .map_err(AppError::internal)?;
    let session = Session {
        user_id,
        username: account.username.clone(),
        display_name: format!("{} {}", account.first_name, account.last_name),
        organization_id,
        organization_code: account.organization_code.clone(),
        organization_name: account.organization_name.clone(),
        role,
        started_at: now,
        last_active_at: now,
    };
    audit::append(
        ctx.store().pool(),
        &AuditEvent {
            at: now,
            user_id: Some(user_id),
            organization_id: Some(organization_id),
            workstation: ctx.workstation().to_string(),
            action: AuditAction::SignIn,
            client_id: None,
            detail: None,
        },
    )
    .await?;
    tracing::info!(user = %user_id, organization = %organization_id, "signed in");
    let user = signed_in_user(&session);
    ctx.set_session(Some(session));
    Ok(user)
}

/// Ends the session. Signing out when no one is signed in is not an error.
pub async fn sign_out(ctx: &AppContext) -> AppResult<()> {
    if let Some(session) = ctx.current_session() {
        ctx.set_session(None);
        audit::append(
            ctx.store().pool(),
            &AuditEvent {
                at: ctx.clock().now(),
                user_id: Some(session.user_id),
                organization_id: Some(session.organization_id),
                workstation: ctx.workstation().to_string(),
                action: AuditAction::SignOut,
                client_id: None,
                detail: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// The signed-in user, or `None` (the UI asks on start-up and after a reload).
pub async fn current_user(ctx: &AppContext) -> AppResult<Option<SignedInUser>> {
    Ok(ctx.current_session().as_ref().map(signed_in_user))
}

fn signed_in_user(session: &Session) -> SignedInUser {
    SignedInUser {
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
    }
}
