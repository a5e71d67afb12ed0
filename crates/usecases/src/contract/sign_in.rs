//! The sign-in ladder through the ports, starting from an account the access-request workflow
//! just created (so its temporary password was hashed and stored as every registry stores it).

use time::Duration;

use super::access::{
    submit_sign_approve_creates_the_account_with_a_temporary_password, AccessSetup,
};
use super::clock;
use crate::memory::MemoryHost;
use crate::ports::Registry;
use crate::sign_in::{
    check_credentials, choose_password, CaptchaAnswer, NewPassword, SignInAttempt, SignInRefusal,
};
use crate::{UseCaseError, Via};

fn desk() -> Via {
    Via::Workstation {
        name: "contract-pc".into(),
    }
}

fn attempt(
    organization_code: &str,
    username: &str,
    password: &str,
    captcha: CaptchaAnswer,
) -> SignInAttempt {
    SignInAttempt {
        organization_code: organization_code.into(),
        username: username.into(),
        password: password.into(),
        captcha,
    }
}

fn refusal(result: Result<impl std::fmt::Debug, UseCaseError>) -> SignInRefusal {
    match result {
        Err(UseCaseError::SignInRefused(refusal)) => refusal,
        other => panic!("a sign-in refusal, not {other:?}"),
    }
}

/// Nancy signs in with her mailed temporary password (org code and username in any case) and
/// must change it; a day later it has expired. Then the ladder: two wrong passwords are
/// "invalid", the third asks for a CAPTCHA; without one nothing is counted; a wrong CAPTCHA
/// counts; with solved CAPTCHAs two more wrong passwords lock the account, and then even the
/// right password is refused.
pub async fn the_ladder_asks_for_a_captcha_after_three_failures_and_locks_after_six<R: Registry>(
    registry: &R,
    setup: &AccessSetup,
) {
    let (nancy, temporary) =
        submit_sign_approve_creates_the_account_with_a_temporary_password(registry, setup).await;
    let host = MemoryHost::default();
    let via = desk();
    let approved_at = clock().0;
    let at = |hours: i64| approved_at + Duration::hours(hours);
    let sign_in = |password: &str, captcha: CaptchaAnswer, hours: i64| {
        check_credentials(
            registry,
            &host,
            attempt(" mt9001 ", "Nancy.Nurse", password, captcha),
            &via,
            at(hours),
        )
    };

    let accepted = sign_in(&temporary, CaptchaAnswer::None, 1)
        .await
        .expect("the mailed temporary password signs in");
    assert_eq!(accepted.user_id, nancy);
    assert_eq!(accepted.organization_id, setup.clinic);
    assert_eq!(accepted.username, "nancy.nurse");
    assert!(accepted.must_change_password);
    assert_eq!(
        refusal(sign_in(&temporary, CaptchaAnswer::None, 25).await),
        SignInRefusal::TemporaryPasswordExpired
    );

    for expected in [
        SignInRefusal::InvalidCredentials,
        SignInRefusal::InvalidCredentials,
    ] {
        assert_eq!(
            refusal(sign_in("wrong", CaptchaAnswer::None, 2).await),
            expected
        );
    }
    assert_eq!(
        refusal(sign_in("wrong", CaptchaAnswer::None, 2).await),
        SignInRefusal::CaptchaRequired,
        "the third failure asks for a CAPTCHA"
    );
    assert_eq!(
        refusal(sign_in(&temporary, CaptchaAnswer::None, 2).await),
        SignInRefusal::CaptchaRequired,
        "even the right password needs the CAPTCHA now"
    );
    assert_eq!(
        refusal(sign_in(&temporary, CaptchaAnswer::Wrong, 2).await),
        SignInRefusal::CaptchaRequired,
        "a wrong CAPTCHA is the fourth failure"
    );
    assert_eq!(
        refusal(sign_in("wrong", CaptchaAnswer::Solved, 2).await),
        SignInRefusal::CaptchaRequired,
        "fifth"
    );
    assert!(!registry.account(nancy).await.unwrap().locked);
    assert_eq!(
        refusal(sign_in("wrong", CaptchaAnswer::Solved, 2).await),
        SignInRefusal::AccountLocked,
        "the sixth failure locks"
    );
    assert!(registry.account(nancy).await.unwrap().locked);
    assert_eq!(
        refusal(sign_in(&temporary, CaptchaAnswer::Solved, 2).await),
        SignInRefusal::AccountLocked,
        "a locked account refuses the right password"
    );
}

/// A failure count is of consecutive failures: a successful sign-in starts it again.
pub async fn a_successful_sign_in_clears_the_failures<R: Registry>(
    registry: &R,
    setup: &AccessSetup,
) {
    let (_, temporary) =
        submit_sign_approve_creates_the_account_with_a_temporary_password(registry, setup).await;
    let host = MemoryHost::default();
    let via = desk();
    let now = clock().0 + Duration::hours(1);
    let sign_in = |password: &str| {
        check_credentials(
            registry,
            &host,
            attempt("MT9001", "nancy.nurse", password, CaptchaAnswer::None),
            &via,
            now,
        )
    };
    for _ in 0..2 {
        assert_eq!(
            refusal(sign_in("wrong").await),
            SignInRefusal::InvalidCredentials
        );
    }
    sign_in(&temporary).await.expect("the right password");
    for _ in 0..2 {
        assert_eq!(
            refusal(sign_in("wrong").await),
            SignInRefusal::InvalidCredentials,
            "counted from zero again"
        );
    }
}

/// A name that matches no account, a member signing in to an organization she does not
/// belong to, and an org code that does not exist climb the same ladder as a wrong password,
/// with the same answers; and empty fields are named.
pub async fn unknown_accounts_get_the_answers_of_a_wrong_password<R: Registry>(
    registry: &R,
    setup: &AccessSetup,
) {
    let (_, temporary) =
        submit_sign_approve_creates_the_account_with_a_temporary_password(registry, setup).await;
    let host = MemoryHost::default();
    let via = desk();
    let now = clock().0 + Duration::hours(1);
    let sign_in = |org: &'static str, user: &'static str, password: String, captcha| {
        check_credentials(
            registry,
            &host,
            attempt(org, user, &password, captcha),
            &via,
            now,
        )
    };
    assert_eq!(
        refusal(
            sign_in(
                "MT9002",
                "nancy.nurse",
                temporary.clone(),
                CaptchaAnswer::None
            )
            .await
        ),
        SignInRefusal::InvalidCredentials,
        "not a member of the other clinic, even with her own password"
    );
    assert_eq!(
        refusal(
            sign_in(
                "MT7777",
                "nancy.nurse",
                temporary.clone(),
                CaptchaAnswer::None
            )
            .await
        ),
        SignInRefusal::InvalidCredentials
    );
    for expected in [
        SignInRefusal::InvalidCredentials,
        SignInRefusal::InvalidCredentials,
        SignInRefusal::CaptchaRequired,
        SignInRefusal::CaptchaRequired,
    ] {
        let answer = sign_in("MT9001", "nobody.here", "guess".into(), CaptchaAnswer::None).await;
        assert_eq!(refusal(answer), expected);
    }
    for expected in [
        SignInRefusal::CaptchaRequired,
        SignInRefusal::CaptchaRequired,
        SignInRefusal::AccountLocked,
    ] {
        let answer = sign_in(
            "MT9001",
            "nobody.here",
            "guess".into(),
            CaptchaAnswer::Solved,
        )
        .await;
        assert_eq!(refusal(answer), expected);
    }
    match sign_in("", " ", String::new(), CaptchaAnswer::None).await {
        Err(UseCaseError::Invalid(invalid)) => {
            let fields: Vec<&str> = invalid.issues.iter().map(|i| i.field.as_str()).collect();
            assert_eq!(fields, ["organizationCode", "username", "password"]);
        }
        other => panic!("empty fields are named: {other:?}"),
    }
}

/// Nancy replaces her temporary password: a short one, a mismatch and the temporary one itself
/// are refused by field; a good one is kept, signs her in without a forced change, and the
/// temporary one no longer works.
pub async fn a_chosen_password_replaces_the_temporary_one<R: Registry>(
    registry: &R,
    setup: &AccessSetup,
) {
    let (nancy, temporary) =
        submit_sign_approve_creates_the_account_with_a_temporary_password(registry, setup).await;
    let host = MemoryHost::default();
    let via = desk();
    let now = clock().0 + Duration::hours(1);
    let choose = |password: &str, confirmation: &str| {
        choose_password(
            registry,
            &host,
            NewPassword {
                user: nancy,
                username: "nancy.nurse".into(),
                organization: Some(setup.clinic),
                password: password.into(),
                confirmation: confirmation.into(),
            },
            None,
            &via,
            now,
        )
    };
    let issue = |result: Result<(), UseCaseError>| match result {
        Err(UseCaseError::Invalid(v)) => v.issues[0].clone(),
        other => panic!("a field issue, not {other:?}"),
    };
    let field = |result| issue(result).field;
    let reused = |result| issue(result).message.contains("last 5");
    assert_eq!(field(choose("short", "short").await), "newPassword");
    assert_eq!(
        field(choose("Bitterroot-Valley-1889", "Bitterroot-Valley-1899").await),
        "confirmPassword"
    );
    assert!(
        reused(choose(&temporary, &temporary).await),
        "the temporary password is not a new one"
    );
    choose("Bitterroot-Valley-1889", "Bitterroot-Valley-1889")
        .await
        .expect("a good password is kept");

    let sign_in = |password: &str| {
        check_credentials(
            registry,
            &host,
            attempt("MT9001", "nancy.nurse", password, CaptchaAnswer::None),
            &via,
            now,
        )
    };
    let accepted = sign_in("Bitterroot-Valley-1889")
        .await
        .expect("the new password");
    assert!(!accepted.must_change_password);
    assert_eq!(
        refusal(sign_in(&temporary).await),
        SignInRefusal::InvalidCredentials
    );
    assert!(
        reused(choose(&temporary, &temporary).await),
        "nor is any of the last five"
    );
    assert!(reused(
        choose("Bitterroot-Valley-1889", "Bitterroot-Valley-1889").await
    ));
}
