//! What signing in and the user's own account share: required fields, password checks off
//! the async workers, the account audit event, and setting a new password. Its own module so
//! `auth` and `account` both depend on it and not on each other.

use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::error::{Issue, ValidationError};
use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::password::{hash_password, verify_password};
use shotbook_store::{audit, StoreError};
use shotbook_usecases::ports::SignInHost;
use shotbook_usecases::sign_in::{choose_password, NewPassword};
use shotbook_usecases::{PortError, PortResult, Via};
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

/// Checks the rules and stores the new password, through the use case every registry shares
/// ([`shotbook_usecases::sign_in::choose_password`]): the forced change of a temporary
/// password and the voluntary change alike. The session changing it stays; every other ends.
pub(crate) async fn set_new_password(
    ctx: &AppContext,
    user: UserId,
    username: &str,
    new_password: &str,
    confirm_password: &str,
) -> AppResult<()> {
    let keep = ctx.session_token().map(|(hash, _)| hash);
    let via = Via::Workstation {
        name: ctx.workstation().to_string(),
    };
    let new = NewPassword {
        user,
        username: username.to_string(),
        organization: ctx.current_session().map(|s| s.organization_id),
        password: new_password.to_string(),
        confirmation: confirm_password.to_string(),
    };
    choose_password(
        ctx.store(),
        &WorkstationSignIn(ctx),
        new,
        keep.as_deref(),
        &via,
        ctx.clock().now(),
    )
    .await?;
    Ok(())
}

/// What this workstation lends the ladder: Argon2 on the blocking pool, one attempt per
/// account at a time in this process, and the in-memory count of unknown names.
pub(crate) struct WorkstationSignIn<'a>(pub(crate) &'a AppContext);

impl SignInHost for WorkstationSignIn<'_> {
    type Turn = tokio::sync::OwnedMutexGuard<()>;

    async fn one_at_a_time(&self, key: &str) -> PortResult<Self::Turn> {
        Ok(self.0.guards().one_at_a_time(key).await)
    }

    async fn verify_password(&self, password: String, hash: String) -> PortResult<bool> {
        verify_off_thread(password, hash)
            .await
            .map_err(|e| PortError::Failed(format!("{e}").into()))
    }

    async fn hash_password(&self, password: String) -> PortResult<String> {
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| PortError::Failed(Box::new(e)))
    }

    async fn unknown_failures(&self, key: &str) -> PortResult<u32> {
        Ok(self.0.guards().unknown_failures(key))
    }

    async fn count_unknown_failure(&self, key: &str) -> PortResult<u32> {
        Ok(self.0.guards().count_unknown_failure(key))
    }
}

pub(crate) fn single(issue: Issue) -> AppError {
    ValidationError {
        issues: vec![issue],
    }
    .into()
}
