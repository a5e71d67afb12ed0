//! Signing in: the credentials step and its ladder, as ImmTrac2 and imMTrax define it, once for
//! every host (the desktop, the registry server's API).
//!
//! 1. org code + username + password (Argon2id); a name that matches no account takes as long
//!    and gets the same answers as a wrong password, so nothing tells whether it exists;
//! 2. after 3 failures the next attempt must carry a solved CAPTCHA (a wrong CAPTCHA is a
//!    failure like a wrong password); 3 more failures lock the account until a password reset;
//! 3. an expired temporary password (24 h), an inactivated account, 6 months without use (the
//!    account is inactivated then) and an ended access are refused.
//!
//! What follows accepted credentials (the forced password change, the confidentiality
//! statement, the choice of organization, the session or token) is the host's. Every answer is
//! audited with its reason, never the password, in the unit of work of the counters it moves.
//!
//! The host serializes attempts on one [`account_key`] ([`SignInHost::one_at_a_time`]), so
//! each attempt reads the failure count the one before it left.

use shotbook_core::account::{
    self, check_new_password, LockoutStage, FAILURES_BEFORE_LOCK, PASSWORD_HISTORY,
};
use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::error::{Issue, IssueCollector};
use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::password::DUMMY_HASH;
use time::OffsetDateTime;

use crate::ports::{AuditWrites, Registry, SignInAccount, SignInHost, SignInWrites, UnitOfWork};
use crate::{UseCaseError, UseCaseResult, Via};

/// The longest password a sign-in checks (new passwords are capped far lower): Argon2 over
/// megabytes would only tie up a core.
pub const MAX_TYPED_PASSWORD_BYTES: usize = 1024;

/// The key of an org code and username as typed (case and spaces do not make another account).
pub fn account_key(organization_code: &str, username: &str) -> String {
    format!(
        "{}\u{1f}{}",
        organization_code.trim().to_lowercase(),
        username.trim().to_lowercase()
    )
}

/// What the attempt says about the CAPTCHA the host offered (the host keeps its challenges).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptchaAnswer {
    /// No answer came with the attempt.
    None,
    /// The answer solves an outstanding challenge.
    Solved,
    /// An answer came and does not solve one.
    Wrong,
}

/// A sign-in attempt as typed.
#[derive(Debug, Clone)]
pub struct SignInAttempt {
    /// Org code.
    pub organization_code: String,
    /// Username.
    pub username: String,
    /// Password (never logged, never audited).
    pub password: String,
    /// The CAPTCHA answer, as the host judged it.
    pub captcha: CaptchaAnswer,
}

/// Why credentials were refused. The host shows each as the registries do; none tells whether
/// an account exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignInRefusal {
    /// Wrong org code, username or password.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Three failures: the next attempt must carry a solved CAPTCHA (the host issues one).
    #[error("captcha required")]
    CaptchaRequired,
    /// Six failures: locked until the password is reset.
    #[error("account locked")]
    AccountLocked,
    /// Inactivated (6 months unused, or by a supervisor).
    #[error("account inactive")]
    AccountInactive,
    /// Access to this organization has ended.
    #[error("access ended")]
    AccessEnded,
    /// The emailed temporary password is older than 24 hours.
    #[error("temporary password expired")]
    TemporaryPasswordExpired,
}

impl SignInRefusal {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            SignInRefusal::InvalidCredentials => "invalid_credentials",
            SignInRefusal::CaptchaRequired => "captcha_required",
            SignInRefusal::AccountLocked => "account_locked",
            SignInRefusal::AccountInactive => "account_inactive",
            SignInRefusal::AccessEnded => "access_ended",
            SignInRefusal::TemporaryPasswordExpired => "temporary_password_expired",
        }
    }
}

/// Credentials accepted: who signed in, for which organization, and whether the temporary
/// password must be replaced before anything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsAccepted {
    /// The user.
    pub user_id: UserId,
    /// The organization of the org code typed.
    pub organization_id: OrganizationId,
    /// Username as stored.
    pub username: String,
    /// First and last name.
    pub display_name: String,
    /// The password is temporary: the host asks for a new one before the session starts.
    pub must_change_password: bool,
}

/// Checks an attempt's credentials against the ladder. `via` is the door (workstation, API
/// device) recorded as the place of every audit event; `now` the use case's time.
pub async fn check_credentials<R: Registry, H: SignInHost>(
    registry: &R,
    host: &H,
    attempt: SignInAttempt,
    via: &Via,
    now: OffsetDateTime,
) -> UseCaseResult<CredentialsAccepted> {
    let mut issues = IssueCollector::new();
    for (field, value) in [
        ("organizationCode", &attempt.organization_code),
        ("username", &attempt.username),
        ("password", &attempt.password),
    ] {
        if value.trim().is_empty() {
            issues.push(Issue::new(field, "This field is required."));
        }
    }
    issues.finish()?;
    if attempt.password.len() > MAX_TYPED_PASSWORD_BYTES {
        return Err(UseCaseError::SignInRefused(
            SignInRefusal::InvalidCredentials,
        ));
    }
    let key = account_key(&attempt.organization_code, &attempt.username);
    let _turn = host.one_at_a_time(&key).await?;
    let account = registry
        .sign_in_account(&attempt.organization_code, &attempt.username)
        .await?;
    let Some(account) = account else {
        return unknown_account(registry, host, &key, attempt, via, now).await;
    };
    let refuse = |why: &'static str, refusal: SignInRefusal| {
        refuse(registry, via, now, Some(&account), why, refusal)
    };

    if account.locked {
        // As long as a password check, like every other answer.
        host.verify_password(attempt.password, DUMMY_HASH.to_string())
            .await?;
        return refuse("account locked", SignInRefusal::AccountLocked).await;
    }
    if LockoutStage::after_failures(account.failed_attempts) == LockoutStage::CaptchaRequired {
        match attempt.captcha {
            CaptchaAnswer::Solved => {}
            CaptchaAnswer::Wrong => {
                return fail(registry, &account, via, now, "wrong captcha").await;
            }
            CaptchaAnswer::None => {
                host.verify_password(attempt.password, DUMMY_HASH.to_string())
                    .await?;
                return Err(UseCaseError::SignInRefused(SignInRefusal::CaptchaRequired));
            }
        }
    }
    if !host
        .verify_password(attempt.password, account.password_hash.clone())
        .await?
    {
        return fail(registry, &account, via, now, "wrong password").await;
    }

    let temporary_expired = account.must_change_password
        && account
            .temporary_password_issued_at
            .is_some_and(|issued| account::temporary_password_expired(issued, now));
    if temporary_expired {
        return refuse(
            "temporary password expired",
            SignInRefusal::TemporaryPasswordExpired,
        )
        .await;
    }
    if !account.active {
        return refuse("account inactive", SignInRefusal::AccountInactive).await;
    }
    if account::inactive_since(account.last_used_at.date(), now.date()) {
        let reason = "not used for 6 months";
        let mut work = registry.begin(via.origin(), now).await?;
        work.inactivate_account(account.user_id, reason).await?;
        work.audit(&event(
            via,
            now,
            Some(&account),
            AuditAction::AccountInactivated,
            reason,
        ))
        .await?;
        work.commit().await?;
        return Err(UseCaseError::SignInRefused(SignInRefusal::AccountInactive));
    }
    if account::access_ended(account.access_ends, now.date()) {
        return refuse("access end date reached", SignInRefusal::AccessEnded).await;
    }

    let mut work = registry.begin(via.origin(), now).await?;
    if !work.record_sign_in_unless_locked(account.user_id).await? {
        drop(work);
        // Locked by another attempt (another process) while this password was checked.
        return refuse("account locked", SignInRefusal::AccountLocked).await;
    }
    work.audit(&event(
        via,
        now,
        Some(&account),
        AuditAction::CredentialsAccepted,
        "",
    ))
    .await?;
    work.commit().await?;
    Ok(CredentialsAccepted {
        user_id: account.user_id,
        organization_id: account.organization_id,
        username: account.username,
        display_name: account.display_name,
        must_change_password: account.must_change_password,
    })
}

fn event(
    via: &Via,
    at: OffsetDateTime,
    account: Option<&SignInAccount>,
    action: AuditAction,
    detail: &str,
) -> AuditEvent {
    AuditEvent {
        at,
        user_id: account.map(|a| a.user_id),
        organization_id: account.map(|a| a.organization_id),
        workstation: via.audit_place(),
        action,
        client_id: None,
        detail: (!detail.is_empty()).then(|| detail.to_string()),
    }
}

/// Audits a refused sign-in with `why` (never the password) and refuses it.
async fn refuse<R: Registry, T>(
    registry: &R,
    via: &Via,
    now: OffsetDateTime,
    account: Option<&SignInAccount>,
    why: &str,
    refusal: SignInRefusal,
) -> UseCaseResult<T> {
    let mut work = registry.begin(via.origin(), now).await?;
    work.audit(&event(via, now, account, AuditAction::SignInFailed, why))
        .await?;
    work.commit().await?;
    Err(UseCaseError::SignInRefused(refusal))
}

/// A failure on a real account: counted (locking at six) and audited in one unit of work.
async fn fail<R: Registry, T>(
    registry: &R,
    account: &SignInAccount,
    via: &Via,
    now: OffsetDateTime,
    why: &str,
) -> UseCaseResult<T> {
    let mut work = registry.begin(via.origin(), now).await?;
    let failures = work
        .record_failed_sign_in(account.user_id, FAILURES_BEFORE_LOCK)
        .await?;
    work.audit(&event(
        via,
        now,
        Some(account),
        AuditAction::SignInFailed,
        why,
    ))
    .await?;
    let refusal = match LockoutStage::after_failures(failures) {
        LockoutStage::Locked => {
            if account.failed_attempts < FAILURES_BEFORE_LOCK {
                work.audit(&event(
                    via,
                    now,
                    Some(account),
                    AuditAction::AccountLocked,
                    "",
                ))
                .await?;
            }
            SignInRefusal::AccountLocked
        }
        LockoutStage::CaptchaRequired => SignInRefusal::CaptchaRequired,
        LockoutStage::Open => SignInRefusal::InvalidCredentials,
    };
    work.commit().await?;
    Err(UseCaseError::SignInRefused(refusal))
}

/// A name that matches no account climbs the same ladder as a real one (CAPTCHA after 3
/// failures, "locked" after 6), counted by the host, and every answer costs a password check.
async fn unknown_account<R: Registry, H: SignInHost, T>(
    registry: &R,
    host: &H,
    key: &str,
    attempt: SignInAttempt,
    via: &Via,
    now: OffsetDateTime,
) -> UseCaseResult<T> {
    let stage = LockoutStage::after_failures(host.unknown_failures(key).await?);
    host.verify_password(attempt.password, DUMMY_HASH.to_string())
        .await?;
    let refusal = match stage {
        LockoutStage::Locked => SignInRefusal::AccountLocked,
        LockoutStage::CaptchaRequired if attempt.captcha == CaptchaAnswer::None => {
            SignInRefusal::CaptchaRequired
        }
        _ => match LockoutStage::after_failures(host.count_unknown_failure(key).await?) {
            LockoutStage::Locked => SignInRefusal::AccountLocked,
            LockoutStage::CaptchaRequired => SignInRefusal::CaptchaRequired,
            LockoutStage::Open => SignInRefusal::InvalidCredentials,
        },
    };
    refuse(registry, via, now, None, "unknown account", refusal).await
}

/// A password the user chose, typed twice.
#[derive(Debug, Clone)]
pub struct NewPassword {
    /// The user.
    pub user: UserId,
    /// Their username (the password may not be it).
    pub username: String,
    /// The organization they act for, if known (for the audit row).
    pub organization: Option<OrganizationId>,
    /// The new password.
    pub password: String,
    /// The same, typed again.
    pub confirmation: String,
}

/// Sets a password the user chose, replacing a temporary one or their current one: at least 12
/// characters, not the username, not a common or breached password, typed the same twice, not
/// one of the last 5. Stored with the history, audited (`password_changed`) in the same unit of
/// work; every other session of the user on this registry ends (`keep_session` is the host's
/// own, if any). Issues name `newPassword` and `confirmPassword`.
pub async fn choose_password<R: Registry, H: SignInHost>(
    registry: &R,
    host: &H,
    new: NewPassword,
    keep_session: Option<&str>,
    via: &Via,
    now: OffsetDateTime,
) -> UseCaseResult<()> {
    check_new_password("newPassword", &new.password, &new.username).map_err(|issue| {
        shotbook_core::error::ValidationError {
            issues: vec![issue],
        }
    })?;
    if new.password != new.confirmation {
        return Err(shotbook_core::error::ValidationError::single(
            "confirmPassword",
            "The two passwords do not match.",
        )
        .into());
    }
    for previous in registry
        .recent_password_hashes(new.user, PASSWORD_HISTORY)
        .await?
    {
        if host.verify_password(new.password.clone(), previous).await? {
            return Err(shotbook_core::error::ValidationError::single(
                "newPassword",
                "Choose a password you have not used for your last 5 passwords.",
            )
            .into());
        }
    }
    let hash = host.hash_password(new.password).await?;
    let mut work = registry.begin(via.origin(), now).await?;
    work.set_chosen_password(new.user, &hash, keep_session)
        .await?;
    work.audit(&AuditEvent {
        at: now,
        user_id: Some(new.user),
        organization_id: new.organization,
        workstation: via.audit_place(),
        action: AuditAction::PasswordChanged,
        client_id: None,
        detail: None,
    })
    .await?;
    work.commit().await?;
    Ok(())
}
