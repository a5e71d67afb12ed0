//! The user's own account: Forgot Password (emailed single-use reset code), changing the
//! password, editing name/email/phone, and unlocking an idle-locked session.

use shotbook_core::account::{
    check_new_password, LockoutStage, FAILURES_BEFORE_LOCK, MIN_PASSWORD_LENGTH, PASSWORD_RULES,
    RESET_CODE_ATTEMPTS, RESET_CODE_VALIDITY, RESET_REQUESTS_PER_WINDOW,
    RESET_REQUESTS_PER_WORKSTATION, RESET_REQUEST_WINDOW,
};
use shotbook_core::audit::AuditAction;
use shotbook_core::contact::{EmailAddress, UsPhone};
use shotbook_core::error::{Issue, IssueCollector};
use shotbook_core::ids::UserId;
use shotbook_core::password::hash_password;
use shotbook_core::permission::Permission;
use shotbook_core::person::PersonName;
use shotbook_store::{password_resets, users};
use shotbook_usecases::ports::Mail;

use crate::credentials::{
    account_event, audit_event, required, set_new_password, single, verify_off_thread,
};
use crate::dto::{
    CaptchaChallenge, ChangePasswordRequest, ForgotPasswordRequest, ForgotPasswordResponse,
    MyAccount, PasswordRules, ResetPasswordRequest, UnlockRequest, UpdateMyAccountRequest,
};
use crate::error::{AppError, AppResult};
use crate::guards::account_key;
use crate::AppContext;

/// What Forgot Password always answers, whether or not the account exists.
pub const FORGOT_PASSWORD_MESSAGE: &str = "If the organization code, username and email match an account, \
a reset code has been emailed to that address. It works once, for 60 minutes. Your current password keeps \
working until you use it.";

/// The password rules, shown before the user types.
pub async fn password_rules(_ctx: &AppContext) -> AppResult<PasswordRules> {
    Ok(PasswordRules {
        rules: PASSWORD_RULES.iter().map(|r| r.to_string()).collect(),
        min_length: i32::try_from(MIN_PASSWORD_LENGTH).unwrap_or(12),
    })
}

/// A fresh CAPTCHA (the "new image" button).
pub async fn new_captcha(ctx: &AppContext) -> AppResult<CaptchaChallenge> {
    Ok(ctx.captchas().issue(ctx.clock().now()))
}

/// Forgot Password, step 1: when org code, username and email on file match, emails a
/// single-use reset code. Nothing about the account changes — its current password keeps
/// working — so knowing a colleague's org code, username and email gains nothing but an email
/// in the colleague's own mailbox. The answer never says whether the account exists.
///
/// Refused with [`AppError::MailUnavailable`] where mail cannot leave the workstation (a real
/// install without SMTP: "ask your registry help desk"), and with
/// [`AppError::TooManyRequests`] past the workstation's cap; an account gets at most
/// [`RESET_REQUESTS_PER_WINDOW`] codes a day (silently: the answer is the same).
pub async fn forgot_password(
    ctx: &AppContext,
    request: ForgotPasswordRequest,
) -> AppResult<ForgotPasswordResponse> {
    ctx.mailer().require()?;
    required(&[
        ("organizationCode", &request.organization_code),
        ("username", &request.username),
        ("email", &request.email),
    ])?;
    let email = EmailAddress::parse_field("email", &request.email).map_err(single)?;
    let now = ctx.clock().now();
    if !ctx
        .guards()
        .allow_reset(now, RESET_REQUEST_WINDOW, RESET_REQUESTS_PER_WORKSTATION)
    {
        audit_event(
            ctx,
            now,
            None,
            None,
            AuditAction::PasswordResetRequested,
            "refused: workstation limit",
        )
        .await?;
        return Err(AppError::TooManyRequests);
    }
    let key = account_key(&request.organization_code, &request.username);
    let _one_at_a_time = ctx.guards().one_at_a_time(&key).await;
    let account =
        users::find_for_sign_in(ctx.store(), &request.organization_code, &request.username).await?;
    let code = reset_code();
    let code_hash = crate::remember::token_hash(&normalize_code(&code));
    let answer = ForgotPasswordResponse {
        message: FORGOT_PASSWORD_MESSAGE.to_string(),
    };
    let Some(account) = account.filter(|a| email.same_as(&a.email)) else {
        audit_event(
            ctx,
            now,
            None,
            None,
            AuditAction::PasswordResetRequested,
            "no matching account",
        )
        .await?;
        return Ok(answer);
    };
    let user_id: UserId = account.user_id.parse().map_err(AppError::internal)?;
    let org = account.organization_id.parse().ok();
    let recent =
        password_resets::requested_since(ctx.store(), user_id, now - RESET_REQUEST_WINDOW).await?;
    if recent >= RESET_REQUESTS_PER_WINDOW {
        audit_event(
            ctx,
            now,
            Some(user_id),
            org,
            AuditAction::PasswordResetRequested,
            "refused: daily limit for the account",
        )
        .await?;
        return Ok(answer);
    }
    let mail = Mail::PasswordResetCode {
        to: account.email.clone(),
        first_name: account.first_name.clone(),
        username: account.username.clone(),
        organization_code: account.organization_code.clone(),
        code,
        valid_minutes: RESET_CODE_VALIDITY.whole_minutes(),
    };
    // The reset, its mail and its audit row commit together.
    let audited = account_event(
        ctx,
        now,
        Some(user_id),
        org,
        AuditAction::PasswordResetRequested,
        "reset code emailed",
    );
    password_resets::issue(
        ctx.store(),
        user_id,
        &code_hash,
        now + RESET_CODE_VALIDITY,
        ctx.workstation(),
        &mail,
        &audited,
        now,
    )
    .await?;
    ctx.deliver_mail_after_commit().await;
    Ok(answer)
}

/// Forgot Password, step 2: the emailed code and a new password (twice). The code works once,
/// within [`RESET_CODE_VALIDITY`], for [`RESET_CODE_ATTEMPTS`] wrong tries; using it sets the
/// password, lifts a lock and ends every session of the user. Any mismatch (unknown account,
/// wrong, used or expired code) gets one answer on the `code` field.
pub async fn reset_password(ctx: &AppContext, request: ResetPasswordRequest) -> AppResult<()> {
    required(&[
        ("organizationCode", &request.organization_code),
        ("username", &request.username),
        ("code", &request.code),
        ("newPassword", &request.new_password),
    ])?;
    let key = account_key(&request.organization_code, &request.username);
    let _one_at_a_time = ctx.guards().one_at_a_time(&key).await;
    let now = ctx.clock().now();
    let not_valid = || {
        single(Issue::new(
            "code",
            "This reset code is not valid: it may be mistyped, used or expired. Ask for a new one with Forgot password.",
        ))
    };
    let Some(account) =
        users::find_for_sign_in(ctx.store(), &request.organization_code, &request.username).await?
    else {
        audit_event(
            ctx,
            now,
            None,
            None,
            AuditAction::PasswordReset,
            "refused: no matching account",
        )
        .await?;
        return Err(not_valid());
    };
    let user_id: UserId = account.user_id.parse().map_err(AppError::internal)?;
    let org = account.organization_id.parse().ok();
    let code_hash = crate::remember::token_hash(&normalize_code(&request.code));
    let open = password_resets::open_with_code(ctx.store(), user_id, &code_hash).await?;
    let Some(reset) = open.filter(|r| !r.expired(now) && r.failed_attempts < RESET_CODE_ATTEMPTS)
    else {
        password_resets::count_wrong_code(ctx.store(), user_id, RESET_CODE_ATTEMPTS, now).await?;
        audit_event(
            ctx,
            now,
            Some(user_id),
            org,
            AuditAction::PasswordReset,
            "refused: code not valid",
        )
        .await?;
        return Err(not_valid());
    };
    check_new_password("newPassword", &request.new_password, &account.username).map_err(single)?;
    if request.new_password != request.confirm_password {
        return Err(single(Issue::new(
            "confirmPassword",
            "The two passwords do not match.",
        )));
    }
    let hash = {
        let p = request.new_password.clone();
        tokio::task::spawn_blocking(move || hash_password(&p))
            .await
            .map_err(AppError::internal)?
    };
    let audited = account_event(
        ctx,
        now,
        Some(user_id),
        org,
        AuditAction::PasswordReset,
        "password reset with an emailed code",
    );
    if !password_resets::redeem(ctx.store(), &reset.id, user_id, &hash, &audited, now).await? {
        // Spent by a parallel request a moment ago.
        return Err(not_valid());
    }
    tracing::info!(user = %user_id, "password reset with an emailed code");
    Ok(())
}

/// A reset code: four groups of four from an alphabet without look-alikes (about 93 bits).
fn reset_code() -> String {
    shotbook_core::password::temporary_password()
}

/// A typed code as its hash was made: no spaces, no dashes, case kept (codes are case-sensitive).
fn normalize_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// Changes the signed-in user's password (current password, then the new one twice).
pub async fn change_password(ctx: &AppContext, request: ChangePasswordRequest) -> AppResult<()> {
    let (_, session) = ctx.require(Permission::ManageOwnAccount).await?;
    required(&[("currentPassword", &request.current_password)])?;
    let account = users::account(ctx.store(), session.user_id).await?;
    if !verify_off_thread(
        request.current_password.clone(),
        account.password_hash.clone(),
    )
    .await?
    {
        return Err(single(Issue::new(
            "currentPassword",
            "The current password is not correct.",
        )));
    }
    set_new_password(
        ctx,
        session.user_id,
        &session.username,
        &request.new_password,
        &request.confirm_password,
    )
    .await
}

/// The signed-in user's account details.
pub async fn my_account(ctx: &AppContext) -> AppResult<MyAccount> {
    let (_, session) = ctx.require(Permission::ManageOwnAccount).await?;
    let a = users::account(ctx.store(), session.user_id).await?;
    Ok(MyAccount {
        username: a.username,
        first_name: a.first_name,
        last_name: a.last_name,
        email: a.email,
        phone: a.phone,
    })
}

/// Edits the signed-in user's name, email and phone (validated; every field reported).
pub async fn update_my_account(
    ctx: &AppContext,
    request: UpdateMyAccountRequest,
) -> AppResult<MyAccount> {
    let (_, session) = ctx.require(Permission::ManageOwnAccount).await?;
    let mut issues = IssueCollector::new();
    let first = issues.take(PersonName::parse_field("firstName", &request.first_name));
    let last = issues.take(PersonName::parse_field("lastName", &request.last_name));
    let email = issues.take(EmailAddress::parse_field("email", &request.email));
    let phone = if request.phone.trim().is_empty() {
        Some(None)
    } else {
        issues
            .take(UsPhone::parse_field("phone", &request.phone))
            .map(Some)
    };
    issues.finish()?;
    let (Some(first), Some(last), Some(email), Some(phone)) = (first, last, email, phone) else {
        return Err(AppError::internal("validated fields missing"));
    };
    let now = ctx.clock().now();
    users::update_profile(
        ctx.store(),
        session.user_id,
        first.as_str(),
        last.as_str(),
        email.as_str(),
        phone.as_ref().map(UsPhone::as_str),
        now,
    )
    .await?;
    audit_event(
        ctx,
        now,
        Some(session.user_id),
        Some(session.organization_id),
        AuditAction::AccountUpdated,
        "",
    )
    .await?;
    my_account(ctx).await
}

/// Unlocks a session the idle timeout locked, keeping the screen (and its unsaved input) as it
/// was. A wrong password counts on the sign-in ladder; a lock ends the session.
pub async fn unlock_session(ctx: &AppContext, request: UnlockRequest) -> AppResult<()> {
    let session = ctx.current_session().ok_or(AppError::NotSignedIn)?;
    required(&[("password", &request.password)])?;
    let account = users::account(ctx.store(), session.user_id).await?;
    let now = ctx.clock().now();
    if verify_off_thread(request.password, account.password_hash).await? {
        ctx.touch_session()?;
        users::record_sign_in(ctx.store(), session.user_id, now).await?;
        return audit_event(
            ctx,
            now,
            Some(session.user_id),
            Some(session.organization_id),
            AuditAction::SessionUnlocked,
            "",
        )
        .await;
    }
    let failures =
        users::record_failed_sign_in(ctx.store(), session.user_id, FAILURES_BEFORE_LOCK, now)
            .await?;
    audit_event(
        ctx,
        now,
        Some(session.user_id),
        Some(session.organization_id),
        AuditAction::SignInFailed,
        "unlock: wrong password",
    )
    .await?;
    if LockoutStage::after_failures(failures) == LockoutStage::Locked {
        crate::auth::sign_out(ctx).await?;
        return Err(AppError::AccountLocked);
    }
    Err(single(Issue::new(
        "password",
        "The password is not correct.",
    )))
}
