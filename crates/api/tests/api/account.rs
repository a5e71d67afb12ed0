use shotbook_api::account::{
    change_password, forgot_password, reset_password, unlock_session, update_my_account,
};
use shotbook_api::auth::{
    accept_confidentiality, change_temporary_password, choose_organization, sign_in,
};
use shotbook_api::clients::search_clients;
use shotbook_api::dto::{
    CaptchaAnswer, ChangePasswordRequest, ChooseOrganizationRequest, ForgotPasswordRequest,
    NewPasswordRequest, ResetPasswordRequest, SearchClientsRequest, SignInRequest, SignInStep,
    UnlockRequest, UpdateMyAccountRequest,
};
use shotbook_api::mail::Mailer;
use shotbook_api::{AppContext, AppError};
use shotbook_core::clock::Clock;
use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::permission::Role;
use shotbook_store::users;
use time::Duration;

use crate::support::{
    audit_actions, complete_sign_in, credentials, fixture, signed_in_as, Fixture, START,
};

fn wrong(org: &str, user: &str) -> SignInRequest {
    SignInRequest {
        password: "definitely-wrong-password".into(),
        ..credentials(org, user)
    }
}

fn challenge_of(err: AppError) -> shotbook_api::dto::CaptchaChallenge {
    match err {
        AppError::CaptchaRequired { challenge } => challenge,
        other => panic!("expected a CAPTCHA, got {other:?}"),
    }
}

fn solved(
    ctx: &AppContext,
    challenge: &shotbook_api::dto::CaptchaChallenge,
) -> Option<CaptchaAnswer> {
    let (image_text, _) = ctx
        .captchas_for_tests()
        .answers_for_tests(&challenge.id)
        .unwrap();
    Some(CaptchaAnswer {
        challenge_id: challenge.id.clone(),
        answer: image_text,
    })
}

fn outbox_fixture(f: Fixture) -> (Fixture, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("shotbook-outbox-{}", uuid::Uuid::now_v7()));
    let Fixture { ctx, clock, ana } = f;
    (
        Fixture {
            ctx: ctx.with_mailer(Mailer::Outbox(dir.clone())),
            clock,
            ana,
        },
        dir,
    )
}

fn emailed_reset_code(outbox: &std::path::Path) -> String {
    let mut emails: Vec<_> = std::fs::read_dir(outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    emails.sort();
    let text = std::fs::read_to_string(emails.last().expect("an email in the outbox")).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("Reset code: "))
        .expect("the code line");
    line.trim_start_matches("Reset code: ").trim().to_string()
}

fn forgot(org: &str, user: &str, email: &str) -> ForgotPasswordRequest {
    ForgotPasswordRequest {
        organization_code: org.into(),
        username: user.into(),
        email: email.into(),
    }
}

fn reset(org: &str, user: &str, code: &str, new: &str) -> ResetPasswordRequest {
    ResetPasswordRequest {
        organization_code: org.into(),
        username: user.into(),
        code: code.into(),
        new_password: new.into(),
        confirm_password: new.into(),
    }
}

fn code_refused(err: AppError) -> bool {
    matches!(err, AppError::Validation { ref issues } if issues[0].field == "code")
}

#[tokio::test]
async fn three_failures_require_a_captcha_and_three_more_lock_the_account() {
    let f = fixture().await;
    for attempt in 1..=2 {
        assert_eq!(
            sign_in(&f.ctx, wrong("TX0001", "tx.provider"))
                .await
                .unwrap_err(),
            AppError::InvalidCredentials,
            "{attempt}"
        );
    }
    let challenge = challenge_of(
        sign_in(&f.ctx, wrong("TX0001", "tx.provider"))
            .await
            .unwrap_err(),
    );
    assert!(challenge.image_data_url.starts_with("data:image/"));
    assert!(challenge.text_question.contains("plus"));

    // Without an answer the password is not even tried, and nothing is counted.
    let again = challenge_of(
        sign_in(&f.ctx, credentials("TX0001", "tx.provider"))
            .await
            .unwrap_err(),
    );
    // Two more wrong passwords with solved CAPTCHAs, then a wrong CAPTCHA: six failures.
    let mut current = again;
    for _ in 0..2 {
        let request = SignInRequest {
            captcha: solved(&f.ctx, &current),
            ..wrong("TX0001", "tx.provider")
        };
        current = challenge_of(sign_in(&f.ctx, request).await.unwrap_err());
    }
    let bad_captcha = SignInRequest {
        captcha: Some(CaptchaAnswer {
            challenge_id: current.id.clone(),
            answer: "zzzzz".into(),
        }),
        ..credentials("TX0001", "tx.provider")
    };
    assert_eq!(
        sign_in(&f.ctx, bad_captcha).await.unwrap_err(),
        AppError::AccountLocked
    );

    // The right password does not open a locked account, also after a restart.
    let restarted = AppContext::new(f.ctx.store().clone(), std::sync::Arc::new(f.clock.clone()));
    assert_eq!(
        sign_in(&restarted, credentials("TX0001", "tx.provider"))
            .await
            .unwrap_err(),
        AppError::AccountLocked
    );
    let actions: Vec<_> = audit_actions(&f.ctx)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(actions.iter().filter(|a| *a == "account_locked").count(), 1);
    assert_eq!(actions.iter().filter(|a| *a == "sign_in_failed").count(), 7);
}

#[tokio::test]
async fn a_solved_captcha_and_the_right_password_sign_in_and_reset_the_count() {
    let f = fixture().await;
    let mut last = None;
    for _ in 0..3 {
        last = sign_in(&f.ctx, wrong("MT0001", "mt.records")).await.err();
    }
    let challenge = challenge_of(last.unwrap());
    let (_, spoken) = f
        .ctx
        .captchas_for_tests()
        .answers_for_tests(&challenge.id)
        .unwrap();
    let request = SignInRequest {
        captcha: Some(CaptchaAnswer {
            challenge_id: challenge.id,
            answer: spoken,
        }),
        ..credentials("MT0001", "mt.records")
    };
    assert!(matches!(
        sign_in(&f.ctx, request).await.unwrap(),
        SignInStep::Confidentiality { .. }
    ));
    // Counter reset: two more failures do not bring the CAPTCHA back.
    for _ in 0..2 {
        assert_eq!(
            sign_in(&f.ctx, wrong("MT0001", "mt.records"))
                .await
                .unwrap_err(),
            AppError::InvalidCredentials
        );
    }
}

#[tokio::test]
async fn the_session_starts_only_after_i_agree_and_the_agreement_is_audited() {
    let f = fixture().await;
    let step = sign_in(&f.ctx, credentials("TX0001", "tx.provider"))
        .await
        .unwrap();
    let SignInStep::Confidentiality { statement } = step else {
        panic!("{step:?}")
    };
    assert!(statement.contains("confidential"));
    let search = SearchClientsRequest {
        last_name: "garcia".into(),
        ..Default::default()
    };
    assert_eq!(
        search_clients(&f.ctx, search.clone()).await.unwrap_err(),
        AppError::NotSignedIn
    );
    let SignInStep::SignedIn { user } = accept_confidentiality(&f.ctx).await.unwrap() else {
        panic!()
    };
    assert_eq!(user.organization_code, "TX0001");
    assert!(search_clients(&f.ctx, search).await.is_ok());
    assert!(audit_actions(&f.ctx)
        .await
        .iter()
        .any(|(a, _)| a == "confidentiality_accepted"));
}

#[tokio::test]
async fn forgot_password_emails_a_single_use_code_that_sets_a_new_password_and_lifts_a_lock() {
    let (f, outbox) = outbox_fixture(fixture().await);
    lock_by_wrong_passwords(&f.ctx, "TX0001", "tx.provider").await;

    let answer = forgot_password(
        &f.ctx,
        forgot("TX0001", "tx.provider", "TX.Provider@demo.shotbook.invalid"),
    )
    .await
    .unwrap();
    let code = emailed_reset_code(&outbox);
    let same = forgot_password(
        &f.ctx,
        forgot("TX0001", "nobody", "nobody@demo.shotbook.invalid"),
    )
    .await
    .unwrap();
    assert_eq!(answer.message, same.message, "no account enumeration");
    assert_eq!(
        std::fs::read_dir(&outbox).unwrap().count(),
        1,
        "no email for an unknown account"
    );

    let typo = reset(
        "TX0001",
        "tx.provider",
        "AAAA-BBBB-CCCC-DDDD",
        "Big Sky clinic 2027",
    );
    assert!(code_refused(
        reset_password(&f.ctx, typo).await.unwrap_err()
    ));
    let mismatch = ResetPasswordRequest {
        confirm_password: "Big Sky clinic 2028".into(),
        ..reset("TX0001", "tx.provider", &code, "Big Sky clinic 2027")
    };
    let AppError::Validation { issues } = reset_password(&f.ctx, mismatch).await.unwrap_err()
    else {
        panic!()
    };
    assert_eq!(issues[0].field, "confirmPassword");
    // Typed with spaces for dashes, the code still reads the same.
    let spaced = code.replace('-', " ");
    reset_password(
        &f.ctx,
        reset("TX0001", "tx.provider", &spaced, "Big Sky clinic 2027"),
    )
    .await
    .expect("the emailed code resets the password");
    assert!(
        code_refused(
            reset_password(
                &f.ctx,
                reset("TX0001", "tx.provider", &code, "Another clinic 2028")
            )
            .await
            .unwrap_err()
        ),
        "a code works once"
    );
    assert_eq!(
        sign_in(&f.ctx, credentials("TX0001", "tx.provider"))
            .await
            .unwrap_err(),
        AppError::InvalidCredentials,
        "the old password is gone and the lock lifted"
    );
    let with_new = SignInRequest {
        password: "Big Sky clinic 2027".into(),
        ..credentials("TX0001", "tx.provider")
    };
    assert!(matches!(
        sign_in(&f.ctx, with_new).await.unwrap(),
        SignInStep::Confidentiality { .. }
    ));
    let details: Vec<(String, Option<String>)> =
        shotbook_store::sqlx::query_as("SELECT action, detail FROM audit_log ORDER BY rowid")
            .fetch_all(f.ctx.store().pool())
            .await
            .unwrap();
    assert!(details.iter().any(|(a, d)| a == "password_reset"
        && d.as_deref() == Some("password reset with an emailed code")));
    assert!(
        details
            .iter()
            .all(|(_, d)| !d.as_deref().unwrap_or("").contains(&code)),
        "the code is never audited"
    );
    std::fs::remove_dir_all(outbox).ok();
}

/// Six wrong passwords (the last three with the CAPTCHA solved) lock the account.
async fn lock_by_wrong_passwords(ctx: &AppContext, org: &str, user: &str) {
    for _ in 0..3 {
        let _ = sign_in(ctx, wrong(org, user)).await;
    }
    let mut challenge = Some(challenge_of(
        sign_in(ctx, wrong(org, user)).await.unwrap_err(),
    ));
    let mut last = None;
    for _ in 0..3 {
        let attempt = SignInRequest {
            captcha: solved(ctx, challenge.as_ref().expect("a challenge")),
            ..wrong(org, user)
        };
        let e = sign_in(ctx, attempt).await.unwrap_err();
        challenge = match &e {
            AppError::CaptchaRequired { challenge } => Some(challenge.clone()),
            _ => None,
        };
        last = Some(e);
    }
    assert_eq!(last, Some(AppError::AccountLocked));
}

#[tokio::test]
async fn asking_for_a_reset_changes_nothing_until_the_code_is_used() {
    let (f, outbox) = outbox_fixture(fixture().await);
    forgot_password(
        &f.ctx,
        forgot("MT0001", "mt.readonly", "mt.readonly@demo.shotbook.invalid"),
    )
    .await
    .unwrap();
    assert!(!emailed_reset_code(&outbox).is_empty());
    // A stranger who knows the org code, username and email gains nothing: the owner's
    // password still works, and nothing was unlocked or replaced.
    assert!(matches!(
        sign_in(&f.ctx, credentials("MT0001", "mt.readonly"))
            .await
            .unwrap(),
        SignInStep::Confidentiality { .. }
    ));
    std::fs::remove_dir_all(outbox).ok();
}

#[tokio::test]
async fn a_reset_code_expires_after_an_hour_and_five_wrong_codes_spend_it() {
    let (f, outbox) = outbox_fixture(fixture().await);
    let ask = || forgot("MT0001", "mt.readonly", "mt.readonly@demo.shotbook.invalid");
    forgot_password(&f.ctx, ask()).await.unwrap();
    let code = emailed_reset_code(&outbox);
    f.clock.advance(Duration::minutes(60));
    assert!(code_refused(
        reset_password(
            &f.ctx,
            reset("MT0001", "mt.readonly", &code, "Big Sky clinic 2027")
        )
        .await
        .unwrap_err()
    ));

    forgot_password(&f.ctx, ask()).await.unwrap();
    let code = emailed_reset_code(&outbox);
    for _ in 0..5 {
        let guess = reset(
            "MT0001",
            "mt.readonly",
            "ZZZZ-ZZZZ-ZZZZ-ZZZZ",
            "Big Sky clinic 2027",
        );
        assert!(code_refused(
            reset_password(&f.ctx, guess).await.unwrap_err()
        ));
    }
    assert!(
        code_refused(
            reset_password(
                &f.ctx,
                reset("MT0001", "mt.readonly", &code, "Big Sky clinic 2027")
            )
            .await
            .unwrap_err()
        ),
        "after five wrong codes the right one no longer works"
    );
    std::fs::remove_dir_all(outbox).ok();
}

#[tokio::test]
async fn an_account_gets_at_most_three_reset_emails_a_day() {
    let (f, outbox) = outbox_fixture(fixture().await);
    let ask = || forgot("MT0001", "mt.readonly", "mt.readonly@demo.shotbook.invalid");
    for _ in 0..5 {
        forgot_password(&f.ctx, ask())
            .await
            .expect("the answer does not change");
    }
    assert_eq!(std::fs::read_dir(&outbox).unwrap().count(), 3);
    f.clock.advance(Duration::hours(24));
    forgot_password(&f.ctx, ask()).await.unwrap();
    assert_eq!(
        std::fs::read_dir(&outbox).unwrap().count(),
        4,
        "a day later, one more"
    );
    std::fs::remove_dir_all(outbox).ok();
}

#[tokio::test]
async fn without_mail_forgot_password_is_refused_and_nothing_is_written_anywhere() {
    // A real install without SMTP: the context's default mailer.
    let f = fixture().await;
    let e = forgot_password(
        &f.ctx,
        forgot("TX0001", "tx.provider", "tx.provider@demo.shotbook.invalid"),
    )
    .await
    .unwrap_err();
    assert_eq!(e, AppError::MailUnavailable);
    let (resets, mail): (i64, i64) = shotbook_store::sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM password_resets), (SELECT COUNT(*) FROM mail_outbox)",
    )
    .fetch_one(f.ctx.store().pool())
    .await
    .unwrap();
    assert_eq!((resets, mail), (0, 0));
    assert!(matches!(
        sign_in(&f.ctx, credentials("TX0001", "tx.provider"))
            .await
            .unwrap(),
        SignInStep::Confidentiality { .. }
    ));
}

#[tokio::test]
async fn a_reset_elsewhere_ends_the_users_live_session_here() {
    let (f, outbox) = outbox_fixture(fixture().await);
    complete_sign_in(&f.ctx, credentials("TX0001", "tx.provider")).await;
    // Another workstation on the same registry.
    let other = AppContext::new(f.ctx.store().clone(), std::sync::Arc::new(f.clock.clone()))
        .with_mailer(Mailer::Outbox(outbox.clone()));
    forgot_password(
        &other,
        forgot("TX0001", "tx.provider", "tx.provider@demo.shotbook.invalid"),
    )
    .await
    .unwrap();
    let code = emailed_reset_code(&outbox);
    reset_password(
        &other,
        reset("TX0001", "tx.provider", &code, "Big Sky clinic 2027"),
    )
    .await
    .unwrap();
    f.clock.advance(Duration::seconds(61));
    let search = SearchClientsRequest {
        last_name: "garcia".into(),
        ..Default::default()
    };
    assert_eq!(
        search_clients(&f.ctx, search).await.unwrap_err(),
        AppError::SessionEnded {
            reason: "password_changed".into()
        }
    );
    assert!(f.ctx.current_session().is_none());
    std::fs::remove_dir_all(outbox).ok();
}

/// Gives `user` the temporary password `temporary`, as an approved access request does.
async fn with_temporary_password(f: &Fixture, org: &str, user: &str, temporary: &str) {
    let account = users::find_for_sign_in(f.ctx.store(), org, user)
        .await
        .unwrap()
        .unwrap();
    let id: UserId = account.user_id.parse().unwrap();
    let hash = shotbook_core::password::hash_password(temporary);
    users::set_password(f.ctx.store(), id, &hash, true, None, f.clock.now())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_temporary_password_forces_a_new_one_and_expires_after_24_hours() {
    let f = fixture().await;
    let temporary = "Tmp4-Kx9Q-Zr2M-Wd7P";
    with_temporary_password(&f, "TX0001", "tx.provider", temporary).await;
    let with_temporary = SignInRequest {
        password: temporary.into(),
        ..credentials("TX0001", "tx.provider")
    };
    let step = sign_in(&f.ctx, with_temporary).await.unwrap();
    assert!(
        matches!(step, SignInStep::ChangePassword { .. }),
        "{step:?}"
    );
    let mismatch = NewPasswordRequest {
        new_password: "Big Sky clinic 2027".into(),
        confirm_password: "Big Sky clinic 2028".into(),
    };
    let AppError::Validation { issues } = change_temporary_password(&f.ctx, mismatch)
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(issues[0].field, "confirmPassword");
    let reuse = NewPasswordRequest {
        new_password: temporary.into(),
        confirm_password: temporary.into(),
    };
    let AppError::Validation { issues } =
        change_temporary_password(&f.ctx, reuse).await.unwrap_err()
    else {
        panic!()
    };
    assert!(
        issues[0].message.contains("last 5"),
        "{}",
        issues[0].message
    );
    let good = NewPasswordRequest {
        new_password: "Big Sky clinic 2027".into(),
        confirm_password: "Big Sky clinic 2027".into(),
    };
    assert!(matches!(
        change_temporary_password(&f.ctx, good).await.unwrap(),
        SignInStep::Confidentiality { .. }
    ));

    with_temporary_password(&f, "MT0001", "mt.readonly", temporary).await;
    f.clock.advance(Duration::hours(24));
    let late = SignInRequest {
        password: temporary.into(),
        ..credentials("MT0001", "mt.readonly")
    };
    assert_eq!(
        sign_in(&f.ctx, late).await.unwrap_err(),
        AppError::TemporaryPasswordExpired
    );
}

#[tokio::test]
async fn changing_the_password_checks_the_current_one_and_refuses_the_last_five() {
    let f = signed_in_as("TX0001", "tx.supervisor").await;
    let change = |current: &str, new: &str| ChangePasswordRequest {
        current_password: current.into(),
        new_password: new.into(),
        confirm_password: new.into(),
    };
    let AppError::Validation { issues } = change_password(
        &f.ctx,
        change("wrong current password", "Fresh passphrase one"),
    )
    .await
    .unwrap_err() else {
        panic!()
    };
    assert_eq!(issues[0].field, "currentPassword");
    let demo = shotbook_synth::demo::DEMO_PASSWORD;
    change_password(&f.ctx, change(demo, "Fresh passphrase one"))
        .await
        .unwrap();
    change_password(
        &f.ctx,
        change("Fresh passphrase one", "Fresh passphrase two"),
    )
    .await
    .unwrap();
    let AppError::Validation { issues } =
        change_password(&f.ctx, change("Fresh passphrase two", demo))
            .await
            .unwrap_err()
    else {
        panic!()
    };
    assert!(issues[0].message.contains("last 5"));
    let AppError::Validation { issues } =
        change_password(&f.ctx, change("Fresh passphrase two", "password"))
            .await
            .unwrap_err()
    else {
        panic!()
    };
    assert!(issues[0].message.contains("12"), "{}", issues[0].message);
    assert_eq!(
        audit_actions(&f.ctx)
            .await
            .iter()
            .filter(|(a, _)| a == "password_changed")
            .count(),
        2
    );
}

#[tokio::test]
async fn an_account_unused_for_six_months_is_inactivated_and_stays_so() {
    let f = fixture().await;
    f.clock.advance(Duration::days(200));
    assert_eq!(
        sign_in(&f.ctx, credentials("TXSCH1", "tx.school"))
            .await
            .unwrap_err(),
        AppError::AccountInactive
    );
    assert!(audit_actions(&f.ctx)
        .await
        .iter()
        .any(|(a, _)| a == "account_inactivated"));
    assert_eq!(
        sign_in(&f.ctx, credentials("TXSCH1", "tx.school"))
            .await
            .unwrap_err(),
        AppError::AccountInactive
    );
}

#[tokio::test]
async fn access_ends_on_its_end_date() {
    let f = fixture().await;
    let account = users::find_for_sign_in(f.ctx.store(), "MT0002", "mt.vaccines")
        .await
        .unwrap()
        .unwrap();
    let user: UserId = account.user_id.parse().unwrap();
    let org: OrganizationId = account.organization_id.parse().unwrap();
    users::set_access_end_date(f.ctx.store(), user, org, Some("2026-11-23"), START)
        .await
        .unwrap();
    complete_sign_in(&f.ctx, credentials("MT0002", "mt.vaccines")).await;
    shotbook_api::auth::sign_out(&f.ctx).await.unwrap();
    f.clock.advance(Duration::days(1));
    assert_eq!(
        sign_in(&f.ctx, credentials("MT0002", "mt.vaccines"))
            .await
            .unwrap_err(),
        AppError::AccessEnded
    );
}

#[tokio::test]
async fn a_user_of_two_organizations_chooses_one_and_can_switch() {
    let f = fixture().await;
    let account = users::find_for_sign_in(f.ctx.store(), "TX0001", "tx.provider")
        .await
        .unwrap()
        .unwrap();
    let user: UserId = account.user_id.parse().unwrap();
    let rgv = shotbook_store::organizations::all(f.ctx.store())
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.code == "TX0002")
        .unwrap();
    let mut tx = f.ctx.store().begin().await.unwrap();
    users::grant_role_in_tx(
        &mut tx,
        user,
        rgv.id.parse().unwrap(),
        Role::FullAccessProvider,
        START,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    sign_in(&f.ctx, credentials("TX0001", "tx.provider"))
        .await
        .unwrap();
    let SignInStep::ChooseOrganization { organizations } =
        accept_confidentiality(&f.ctx).await.unwrap()
    else {
        panic!("expected the organization portal")
    };
    let codes: Vec<_> = organizations.iter().map(|o| o.code.as_str()).collect();
    assert_eq!(codes, vec!["TX0001", "TX0002"]);
    let user = choose_organization(
        &f.ctx,
        ChooseOrganizationRequest {
            organization_code: "tx0002".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(user.organization_name, "Rio Grande Valley Family Clinic");
    assert_eq!(user.other_organizations.len(), 1);
    let switched = choose_organization(
        &f.ctx,
        ChooseOrganizationRequest {
            organization_code: "TX0001".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(switched.organization_code, "TX0001");
    let refused = choose_organization(
        &f.ctx,
        ChooseOrganizationRequest {
            organization_code: "MT0001".into(),
        },
    )
    .await;
    assert!(matches!(refused.unwrap_err(), AppError::Validation { .. }));
}

#[tokio::test]
async fn an_idle_locked_session_unlocks_with_the_password_only() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    f.clock.advance(Duration::minutes(16));
    let search = SearchClientsRequest {
        last_name: "garcia".into(),
        ..Default::default()
    };
    assert_eq!(
        search_clients(&f.ctx, search.clone()).await.unwrap_err(),
        AppError::SessionExpired { idle_seconds: 900 }
    );
    let wrong = unlock_session(
        &f.ctx,
        UnlockRequest {
            password: "nope-not-it-at-all".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(wrong, AppError::Validation { .. }));
    unlock_session(
        &f.ctx,
        UnlockRequest {
            password: shotbook_synth::demo::DEMO_PASSWORD.into(),
        },
    )
    .await
    .unwrap();
    assert!(search_clients(&f.ctx, search).await.is_ok());
}

#[tokio::test]
async fn own_account_edits_are_validated_field_by_field_and_phones_normalised() {
    let f = signed_in_as("MT0001", "mt.records").await;
    let bad = UpdateMyAccountRequest {
        first_name: "Karen".into(),
        last_name: "".into(),
        email: "karen@".into(),
        phone: "406-444-44".into(),
    };
    let AppError::Validation { issues } = update_my_account(&f.ctx, bad).await.unwrap_err() else {
        panic!()
    };
    let fields: Vec<_> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, vec!["lastName", "email", "phone"]);
    let good = UpdateMyAccountRequest {
        first_name: "Karen".into(),
        last_name: "Lindqvist-Moe".into(),
        email: "karen@bigsky.example.org".into(),
        phone: "(406) 444-5580".into(),
    };
    let saved = update_my_account(&f.ctx, good).await.unwrap();
    assert_eq!(saved.phone.as_deref(), Some("406-444-5580"));
    assert_eq!(saved.last_name, "Lindqvist-Moe");
}

fn remembering(org: &str, user: &str) -> SignInRequest {
    SignInRequest {
        remember: true,
        ..credentials(org, user)
    }
}

#[tokio::test]
async fn remember_me_keeps_org_code_username_and_token_but_never_the_password() {
    let secrets = std::sync::Arc::new(shotbook_api::remember::MemoryStore::default());
    let f = fixture().await;
    let ctx = AppContext::new(f.ctx.store().clone(), std::sync::Arc::new(f.clock.clone()))
        .with_secrets(secrets.clone());
    complete_sign_in(&ctx, remembering("MT0001", "mt.records")).await;
    let remembered = shotbook_api::auth::remembered_sign_in(&ctx).await.unwrap();
    assert_eq!(remembered.organization_code.as_deref(), Some("MT0001"));
    assert_eq!(remembered.username.as_deref(), Some("mt.records"));
    assert!(remembered.keyring_available);
    use shotbook_api::remember::{SecretStore, REMEMBERED_SIGN_IN, SESSION_TOKEN};
    for key in [REMEMBERED_SIGN_IN, SESSION_TOKEN] {
        let value = secrets.get(key).unwrap().unwrap();
        assert!(
            !value.contains(shotbook_synth::demo::DEMO_PASSWORD),
            "{key} holds no password"
        );
    }

    // A restart within the idle limit resumes the session from the keyring token.
    f.clock.advance(Duration::minutes(5));
    let restarted = AppContext::new(f.ctx.store().clone(), std::sync::Arc::new(f.clock.clone()))
        .with_secrets(secrets.clone());
    let resumed = shotbook_api::auth::resume_session(&restarted)
        .await
        .unwrap()
        .expect("resumed");
    assert_eq!(resumed.username, "mt.records");
    assert!(search_clients(
        &restarted,
        SearchClientsRequest {
            last_name: "garcia".into(),
            ..Default::default()
        }
    )
    .await
    .is_ok());

    // Signing out ends the session for good but keeps the remembered org code and username.
    shotbook_api::auth::sign_out(&restarted).await.unwrap();
    let again = AppContext::new(f.ctx.store().clone(), std::sync::Arc::new(f.clock.clone()))
        .with_secrets(secrets.clone());
    assert!(shotbook_api::auth::resume_session(&again)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        shotbook_api::auth::remembered_sign_in(&again)
            .await
            .unwrap()
            .username
            .as_deref(),
        Some("mt.records")
    );
}

#[tokio::test]
async fn a_remembered_session_idle_past_the_limit_is_not_resumed() {
    let secrets = std::sync::Arc::new(shotbook_api::remember::MemoryStore::default());
    let f = fixture().await;
    let ctx = AppContext::new(f.ctx.store().clone(), std::sync::Arc::new(f.clock.clone()))
        .with_secrets(secrets.clone());
    complete_sign_in(&ctx, remembering("TX0001", "tx.provider")).await;
    f.clock.advance(Duration::minutes(16));
    let restarted = AppContext::new(f.ctx.store().clone(), std::sync::Arc::new(f.clock.clone()))
        .with_secrets(secrets);
    assert!(shotbook_api::auth::resume_session(&restarted)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn without_a_credential_store_sign_in_works_and_says_nothing_is_remembered() {
    let f = fixture().await;
    let ctx = AppContext::new(f.ctx.store().clone(), std::sync::Arc::new(f.clock.clone()))
        .with_secrets(std::sync::Arc::new(
            shotbook_api::remember::MemoryStore::unavailable(),
        ));
    complete_sign_in(&ctx, remembering("TX0001", "tx.provider")).await;
    let remembered = shotbook_api::auth::remembered_sign_in(&ctx).await.unwrap();
    assert!(!remembered.keyring_available);
    assert_eq!(remembered.username, None);
}

#[tokio::test]
async fn the_start_up_sweep_inactivates_dormant_accounts_and_audits_it() {
    let f = fixture().await;
    let swept =
        shotbook_api::auth::inactivate_dormant_accounts(f.ctx.store(), START + Duration::days(30))
            .await
            .unwrap();
    assert_eq!(swept, 0, "fresh accounts stay active");
    let swept =
        shotbook_api::auth::inactivate_dormant_accounts(f.ctx.store(), START + Duration::days(190))
            .await
            .unwrap();
    assert_eq!(swept, shotbook_synth::demo::DEMO_USERS.len() + 1);
    assert!(audit_actions(&f.ctx)
        .await
        .iter()
        .any(|(a, _)| a == "account_inactivated"));
}

#[tokio::test]
async fn keep_alive_resets_the_idle_clock_but_cannot_revive_an_idle_session() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let search = SearchClientsRequest {
        last_name: "garcia".into(),
        ..Default::default()
    };
    f.clock.advance(Duration::minutes(10));
    shotbook_api::auth::keep_alive(&f.ctx).await.unwrap();
    f.clock.advance(Duration::minutes(10));
    assert!(
        search_clients(&f.ctx, search).await.is_ok(),
        "20 minutes in, but active 10 minutes ago"
    );
    f.clock.advance(Duration::minutes(16));
    assert_eq!(
        shotbook_api::auth::keep_alive(&f.ctx).await.unwrap_err(),
        AppError::SessionExpired { idle_seconds: 900 }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_wrong_sign_ins_get_no_more_password_checks_than_the_ladder_allows() {
    let f = fixture().await;
    let ctx = std::sync::Arc::new(f.ctx);
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let ctx = ctx.clone();
        attempts.spawn(async move { sign_in(&ctx, wrong("TX0001", "tx.provider")).await });
    }
    let mut answers = Vec::new();
    while let Some(answer) = attempts.join_next().await {
        answers.push(answer.unwrap().unwrap_err());
    }
    let (checked,): (i64,) = shotbook_store::sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed' AND detail = 'wrong password'",
    )
    .fetch_one(ctx.store().pool())
    .await
    .unwrap();
    // Three wrong passwords, then every other attempt needs a CAPTCHA it does not have.
    assert_eq!(checked, 3, "password checks against the real hash");
    assert_eq!(
        answers
            .iter()
            .filter(|e| matches!(e, AppError::CaptchaRequired { .. }))
            .count(),
        48,
        "the third failure and every later attempt ask for the CAPTCHA"
    );
    let account = users::find_for_sign_in(ctx.store(), "TX0001", "tx.provider")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.failed_attempts, 3);
}

#[tokio::test]
async fn an_unknown_account_climbs_the_same_ladder_as_a_real_one() {
    let f = fixture().await;
    let mut real = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..4 {
        real.push(
            sign_in(&f.ctx, wrong("TX0001", "tx.provider"))
                .await
                .unwrap_err(),
        );
        unknown.push(
            sign_in(&f.ctx, wrong("TX0001", "no.such.user"))
                .await
                .unwrap_err(),
        );
    }
    let shape = |e: &AppError| match e {
        AppError::CaptchaRequired { .. } => "captcha".to_string(),
        other => format!("{other:?}"),
    };
    assert_eq!(
        real.iter().map(shape).collect::<Vec<_>>(),
        unknown.iter().map(shape).collect::<Vec<_>>(),
        "nothing tells a real account from an unknown one"
    );
    // Three more failures with the CAPTCHA solved: both are "locked".
    for (org, user) in [("TX0001", "tx.provider"), ("TX0001", "no.such.user")] {
        let mut challenge = challenge_of(sign_in(&f.ctx, wrong(org, user)).await.unwrap_err());
        let mut last = None;
        for _ in 0..3 {
            let attempt = SignInRequest {
                captcha: solved(&f.ctx, &challenge),
                ..wrong(org, user)
            };
            let e = sign_in(&f.ctx, attempt).await.unwrap_err();
            if let AppError::CaptchaRequired { challenge: next } = &e {
                challenge = next.clone();
            }
            last = Some(e);
        }
        assert_eq!(last, Some(AppError::AccountLocked), "{user}");
    }
}

#[tokio::test]
async fn a_session_ends_twelve_hours_after_sign_in_however_busy() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let search = || SearchClientsRequest {
        last_name: "garcia".into(),
        ..Default::default()
    };
    for _ in 0..(12 * 6 - 1) {
        f.clock.advance(Duration::minutes(10));
        search_clients(&f.ctx, search())
            .await
            .expect("an active session works through the day");
    }
    f.clock.advance(Duration::minutes(10));
    assert_eq!(
        search_clients(&f.ctx, search()).await.unwrap_err(),
        AppError::SessionEnded {
            reason: "lifetime_reached".into()
        }
    );
    assert!(f.ctx.current_session().is_none());
}
