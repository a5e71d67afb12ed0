//! The user's own account: Forgot Password (emailed temporary password), changing the
//! password, editing name/email/phone, and unlocking an idle-locked session.

use rand::Rng;
use shotbook_core::account::{
    LockoutStage, FAILURES_BEFORE_LOCK, MIN_PASSWORD_LENGTH, PASSWORD_RULES,
};
use shotbook_core::audit::AuditAction;
use shotbook_core::contact::{EmailAddress, UsPhone};
use shotbook_core::error::{Issue, IssueCollector};
use shotbook_core::ids::UserId;
use shotbook_core::password::hash_password;
use shotbook_core::permission::Permission;
use shotbook_core::person::PersonName;
use shotbook_store::users;

use crate::credentials::{audit_event, required, set_new_password, single, verify_off_thread};
use crate::dto::{
    CaptchaChallenge, ChangePasswordRequest, ForgotPasswordRequest, ForgotPasswordResponse,
    MyAccount, PasswordRules, UnlockRequest, UpdateMyAccountRequest,
};
use crate::error::{AppError, AppResult};
use crate::mail::Mailer;
use crate::AppContext;

/// What Forgot Password always answers, whether or not the account exists.
pub const FORGOT_PASSWORD_MESSAGE: &str = "If the organization code, username and email match an account, \
a temporary password has been emailed to that address. It is valid for 24 hours; you will choose a new \
password when you sign in with it.";

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

/// Forgot Password: when org code, username and email on file match, emails a temporary
/// password valid for 24 hours (this also lifts a lockout). The answer never says whether the
/// account exists.
pub async fn forgot_password(
    ctx: &AppContext,
    request: ForgotPasswordRequest,
) -> AppResult<ForgotPasswordResponse> {
    required(&[
        ("organizationCode", &request.organization_code),
        ("username", &request.username),
        ("email", &request.email),
    ])?;
    let email = EmailAddress::parse_field("email", &request.email).map_err(single)?;
    let now = ctx.clock().now();
    let account =
        users::find_for_sign_in(ctx.store(), &request.organization_code, &request.username).await?;
    // Hash even when nothing matches, so both paths take as long.
    let temporary = temporary_password();
    let hash = {
        let t = temporary.clone();
        tokio::task::spawn_blocking(move || hash_password(&t))
            .await
            .map_err(AppError::internal)?
    };
    match account.filter(|a| email.same_as(&a.email)) {
        Some(account) => {
            let user_id: UserId = account.user_id.parse().map_err(AppError::internal)?;
            users::set_password(ctx.store(), user_id, &hash, true, now).await?;
            let body = format!(
                "Hello {first},\n\nA temporary password was requested for your Shotbook account {user} at organization {org}.\n\n\
                 Temporary password: {temporary}\n\nIt is valid for 24 hours. Sign in with it and you will be asked to choose a \
                 new password.\n\nIf you did not ask for this, call your registry help desk.\n",
                first = account.first_name,
                user = account.username,
                org = account.organization_code,
            );
            ctx.mailer()
                .send(&account.email, "Your temporary Shotbook password", &body)
                .map_err(|e| AppError::internal(format!("{e:#}")))?;
            let org = account.organization_id.parse().ok();
            audit_event(
                ctx,
                now,
                Some(user_id),
                org,
                AuditAction::PasswordResetRequested,
                "temporary password emailed",
            )
            .await?;
        }
        None => {
            audit_event(
                ctx,
                now,
                None,
                None,
                AuditAction::PasswordResetRequested,
                "no matching account",
            )
            .await?;
        }
    }
    Ok(ForgotPasswordResponse {
        message: FORGOT_PASSWORD_MESSAGE.to_string(),
        outbox_folder: match ctx.mailer() {
            Mailer::Outbox(dir) => Some(dir.display().to_string()),
            Mailer::Smtp { .. } => None,
        },
    })
}

pub(crate) fn temporary_password() -> String {
    // No look-alike characters (0/O, 1/l/I): it is read from an email and typed.
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let groups: Vec<String> = (0..4)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect()
        })
        .collect();
    groups.join("-")
}

/// Changes the signed-in user's password (current password, then the new one twice).
pub async fn change_password(ctx: &AppContext, request: ChangePasswordRequest) -> AppResult<()> {
    let (_, session) = ctx.require(Permission::ManageOwnAccount)?;
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
    let (_, session) = ctx.require(Permission::ManageOwnAccount)?;
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
    let (_, session) = ctx.require(Permission::ManageOwnAccount)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use shotbook_core::account::check_new_password;

    #[test]
    fn temporary_passwords_are_long_unambiguous_and_pass_the_rules() {
        for _ in 0..50 {
            let p = temporary_password();
            assert_eq!(p.len(), 19);
            assert!(!p.contains(['0', 'O', '1', 'l', 'I']), "{p}");
            assert!(check_new_password("p", &p, "nurse").is_ok(), "{p}");
        }
        assert_ne!(temporary_password(), temporary_password());
    }
}
