//! What signing in and the user's own account share: required fields, password checks off
//! the async workers, the account audit event, and setting a new password. Its own module so
//! `auth` and `account` both depend on it and not on each other.

use shotbook_core::account::{check_new_password, PASSWORD_HISTORY};
use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::error::{Issue, ValidationError};
use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::password::{hash_password, verify_password};
use shotbook_store::{audit, users, StoreError};
use time::OffsetDateTime;

use crate::error::{AppError, AppResult, FieldIssue};
use crate::AppContext;

pub(crate) fn required(fields: &[(&str, &String)]) -> AppResult<()> {
    let issues: Vec<FieldIssue> = fields
        .iter()
        .filter(|(_, value)| value.trim().is_empty())
        .map(|(field, _)| FieldIssue {
            field: (*field).into(),
            message: "This field is required.".into(),
        })
        .collect();
    if issues.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation { issues })
    }
}

pub(crate) async fn verify_off_thread(password: String, hash: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(AppError::internal)
}

/// An account event of this workstation (no client), for a caller that appends it inside its
/// own transaction.
pub(crate) fn account_event(
    ctx: &AppContext,
    at: OffsetDateTime,
    user_id: Option<UserId>,
    organization_id: Option<OrganizationId>,
    action: AuditAction,
    detail: &str,
) -> AuditEvent {
    AuditEvent {
        at,
        user_id,
        organization_id,
        workstation: ctx.workstation().to_string(),
        action,
        client_id: None,
        detail: (!detail.is_empty()).then(|| detail.to_string()),
    }
}

/// Appends an [`account_event`] on its own.
pub(crate) async fn audit_event(
    ctx: &AppContext,
    at: OffsetDateTime,
    user_id: Option<UserId>,
    organization_id: Option<OrganizationId>,
    action: AuditAction,
    detail: &str,
) -> AppResult<()> {
    let event = account_event(ctx, at, user_id, organization_id, action, detail);
    audit::append_alone(ctx.store(), &event)
        .await
        .map_err(|e: StoreError| AppError::from(e))?;
    Ok(())
}

/// Checks the rules (length, username, common passwords, the two entries match, not one of
/// the last five) and stores the new password. Shared by the forced and voluntary changes.
pub(crate) async fn set_new_password(
    ctx: &AppContext,
    user: UserId,
    username: &str,
    new_password: &str,
    confirm_password: &str,
) -> AppResult<()> {
    check_new_password("newPassword", new_password, username).map_err(single)?;
    if new_password != confirm_password {
        return Err(single(Issue::new(
            "confirmPassword",
            "The two passwords do not match.",
        )));
    }
    let previous = users::recent_password_hashes(ctx.store(), user, PASSWORD_HISTORY).await?;
    let candidate = new_password.to_string();
    let reused = tokio::task::spawn_blocking(move || {
        previous.iter().any(|h| verify_password(&candidate, h))
    })
    .await
    .map_err(AppError::internal)?;
    if reused {
        return Err(single(Issue::new(
            "newPassword",
            "Choose a password you have not used for your last 5 passwords.",
        )));
    }
    let candidate = new_password.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&candidate))
        .await
        .map_err(AppError::internal)?;
    let now = ctx.clock().now();
    // Every other session of the user ends with the old password; the one changing it stays.
    let keep = ctx.session_token().map(|(hash, _)| hash);
    users::set_password(ctx.store(), user, &hash, false, keep.as_deref(), now).await?;
    let org = ctx.current_session().map(|s| s.organization_id);
    audit_event(ctx, now, Some(user), org, AuditAction::PasswordChanged, "").await
}

pub(crate) fn single(issue: Issue) -> AppError {
    ValidationError {
        issues: vec![issue],
    }
    .into()
}
