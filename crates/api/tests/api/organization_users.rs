//! Supervisors manage their organization's users; regional staff their area's; nobody beyond.

use shotbook_api::auth::sign_in;
use shotbook_api::dto::{EndUserAccessRequest, OrganizationUsersRequest};
use shotbook_api::organization_users::{
    end_user_access, list_organization_users, list_organizations,
};
use shotbook_api::AppError;

use crate::access_requests::as_user;
use crate::support::{credentials, fixture};

fn of(code: &str) -> OrganizationUsersRequest {
    OrganizationUsersRequest {
        organization_code: code.into(),
    }
}

fn end(username: &str, reason: &str) -> EndUserAccessRequest {
    EndUserAccessRequest {
        organization_code: String::new(),
        username: username.into(),
        reason: reason.into(),
    }
}

#[tokio::test]
async fn a_supervisor_lists_the_organizations_users_with_role_and_status() {
    let f = fixture().await;
    as_user(&f.ctx, "TX0001", "tx.supervisor").await;
    let list = list_organization_users(&f.ctx, of("")).await.unwrap();
    assert_eq!(list.organization_code, "TX0001");
    let seen: Vec<(&str, &str, &str, bool)> = list
        .users
        .iter()
        .map(|u| {
            (
                u.username.as_str(),
                u.role_title.as_str(),
                u.status.as_str(),
                u.is_me,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("tx.provider", "Full Access Providers", "active", false),
            ("tx.float", "Full Access Providers", "active", false),
            ("tx.supervisor", "Provider Supervisor", "active", true),
        ]
    );
    let me = list.users.iter().find(|u| u.is_me).unwrap();
    assert!(
        me.last_sign_in.as_deref() == Some("11/22/2026"),
        "{:?}",
        me.last_sign_in
    );
}

#[tokio::test]
async fn ending_a_departed_employees_access_takes_effect_at_once_and_is_audited() {
    let f = fixture().await;
    as_user(&f.ctx, "TX0001", "tx.supervisor").await;
    let err = end_user_access(&f.ctx, end("tx.provider", " "))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Validation { .. }), "{err:?}");
    let err = end_user_access(&f.ctx, end("tx.supervisor", "leaving"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Validation { .. }),
        "not one's own: {err:?}"
    );
    let err = end_user_access(&f.ctx, end("tx.school", "not ours"))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");

    let list = end_user_access(&f.ctx, end("tx.provider", "Left employment"))
        .await
        .unwrap();
    let provider = list
        .users
        .iter()
        .find(|u| u.username == "tx.provider")
        .unwrap();
    assert_eq!(provider.status, "ended");
    assert_eq!(provider.access_end_date.as_deref(), Some("11/22/2026"));
    shotbook_api::auth::sign_out(&f.ctx).await.unwrap();
    assert_eq!(
        sign_in(&f.ctx, credentials("TX0001", "tx.provider"))
            .await
            .unwrap_err(),
        AppError::AccessEnded
    );
    let audited = crate::support::audit_actions(&f.ctx).await;
    assert!(audited.iter().any(|(a, _)| a == "access_changed"));
}

#[tokio::test]
async fn scope_stops_at_the_organization_the_area_and_the_state() {
    let f = fixture().await;
    // A provider supervisor: own organization only.
    as_user(&f.ctx, "TX0001", "tx.supervisor").await;
    let err = list_organization_users(&f.ctx, of("TX0002"))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
    let err = end_user_access(
        &f.ctx,
        EndUserAccessRequest {
            organization_code: "TX0002".into(),
            ..end("tx.float", "moved")
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
    let orgs: Vec<String> = list_organizations(&f.ctx)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.code)
        .collect();
    assert_eq!(orgs, ["TX0001"]);

    // Health Service Region 7: Travis County (TX0001) is in its area, Harris (TXSCH1) is not.
    as_user(&f.ctx, "TXHSR7", "tx.region").await;
    assert_eq!(
        list_organization_users(&f.ctx, of("TX0001"))
            .await
            .unwrap()
            .users
            .len(),
        3
    );
    let err = list_organization_users(&f.ctx, of("TXSCH1"))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
    let mut orgs: Vec<String> = list_organizations(&f.ctx)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.code)
        .collect();
    orgs.sort();
    assert_eq!(orgs, ["TX0001", "TXHSR7"]);

    // State staff: all of Texas, none of Montana.
    as_user(&f.ctx, "TXDSHS", "tx.state").await;
    assert!(list_organization_users(&f.ctx, of("TXSCH1")).await.is_ok());
    let err = list_organization_users(&f.ctx, of("MT0001"))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");

    // Roles without user management see nothing.
    as_user(&f.ctx, "TX0001", "tx.provider").await;
    let err = list_organization_users(&f.ctx, of("")).await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
}
