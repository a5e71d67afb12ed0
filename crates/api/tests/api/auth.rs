use shotbook_api::auth::{current_user, sign_in, sign_out};
use shotbook_api::dto::SignInRequest;
use shotbook_api::AppError;
use time::Duration;

use crate::support::{audit_actions, complete_sign_in, credentials, fixture, signed_in_as};

#[tokio::test]
async fn a_demo_provider_signs_in_with_org_code_username_and_password() {
    let f = fixture().await;
    let user = complete_sign_in(&f.ctx, credentials("TX0001", "tx.provider")).await;
    assert_eq!(user.organization_name, "Lone Star Pediatrics");
    assert_eq!(user.role, "full_access_provider");
    assert!(user.permissions.contains(&"add_immunizations".to_string()));
    assert!(!user
        .permissions
        .contains(&"manage_organization_users".to_string()));
    assert_eq!(
        current_user(&f.ctx).await.unwrap().unwrap().username,
        "tx.provider"
    );
    // A Texas clinic is told to call ImmTrac2's help desk; a Montana one imMTrax's.
    let desk = user.help_desk.expect("Texas has a registry profile");
    assert_eq!(
        (desk.registry.as_str(), desk.phone.as_str()),
        ("ImmTrac2", "800-348-9158")
    );
    sign_out(&f.ctx).await.unwrap();
    let montana = complete_sign_in(&f.ctx, credentials("MT0001", "mt.records")).await;
    let desk = montana.help_desk.expect("Montana has a registry profile");
    assert_eq!(
        (desk.registry.as_str(), desk.phone.as_str()),
        ("imMTrax", "406-444-5580")
    );
}

#[tokio::test]
async fn org_code_and_username_are_case_insensitive() {
    let f = fixture().await;
    assert!(sign_in(&f.ctx, credentials("tx0001", "TX.Provider"))
        .await
        .is_ok());
}

#[tokio::test]
async fn a_wrong_password_an_unknown_user_and_a_wrong_org_get_the_same_answer() {
    let f = fixture().await;
    let wrong_password = SignInRequest {
        password: "not-the-password".into(),
        ..credentials("TX0001", "tx.provider")
    };
    for request in [
        wrong_password,
        credentials("TX0001", "nobody"),
        credentials("MT0001", "tx.provider"),
    ] {
        assert_eq!(
            sign_in(&f.ctx, request).await.unwrap_err(),
            AppError::InvalidCredentials
        );
    }
    assert!(current_user(&f.ctx).await.unwrap().is_none());
    let failures = audit_actions(&f.ctx)
        .await
        .into_iter()
        .filter(|(a, _)| a == "sign_in_failed")
        .count();
    assert_eq!(failures, 3, "every failed attempt is audited");
}

#[tokio::test]
async fn empty_fields_are_reported_by_name() {
    let f = fixture().await;
    let request = SignInRequest {
        organization_code: " ".into(),
        username: "".into(),
        password: "x".into(),
        captcha: None,
        remember: false,
    };
    let AppError::Validation { issues } = sign_in(&f.ctx, request).await.unwrap_err() else {
        panic!("expected a validation error");
    };
    let fields: Vec<_> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, vec!["organizationCode", "username"]);
}

#[tokio::test]
async fn signing_out_ends_the_session_and_is_audited() {
    let f = signed_in_as("MT0001", "mt.records").await;
    sign_out(&f.ctx).await.unwrap();
    assert!(current_user(&f.ctx).await.unwrap().is_none());
    let request = shotbook_api::dto::SearchClientsRequest {
        last_name: "garcia".into(),
        ..Default::default()
    };
    let err = shotbook_api::clients::search_clients(&f.ctx, request)
        .await
        .unwrap_err();
    assert_eq!(err, AppError::NotSignedIn);
    let actions: Vec<_> = audit_actions(&f.ctx)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(
        actions,
        vec![
            "credentials_accepted",
            "confidentiality_accepted",
            "sign_in",
            "sign_out"
        ]
    );
}

#[tokio::test]
async fn a_session_idle_past_the_limit_expires_but_activity_keeps_it_alive() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let search = || {
        shotbook_api::clients::search_clients(
            &f.ctx,
            shotbook_api::dto::SearchClientsRequest {
                last_name: "garcia".into(),
                ..Default::default()
            },
        )
    };
    f.clock.advance(Duration::minutes(14));
    search()
        .await
        .expect("14 idle minutes are within the limit");
    f.clock.advance(Duration::minutes(14));
    search()
        .await
        .expect("the previous search reset the idle timer");
    f.clock.advance(Duration::minutes(16));
    assert_eq!(
        search().await.unwrap_err(),
        AppError::SessionExpired { idle_seconds: 900 }
    );
}
