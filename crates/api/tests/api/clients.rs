use shotbook_api::clients::{get_client, search_clients};
use shotbook_api::dto::{GetClientRequest, SearchClientsRequest};
use shotbook_api::AppError;

use crate::support::{audit_actions, signed_in_as};

fn by_name(last: &str, first: &str, dob: &str) -> SearchClientsRequest {
    SearchClientsRequest {
        last_name: last.into(),
        first_name: first.into(),
        date_of_birth: dob.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn basic_search_by_last_name_and_dob_finds_one_child_and_audits_it() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let found = search_clients(&f.ctx, by_name("garcia", "", "03/14/2019"))
        .await
        .unwrap();
    assert_eq!(found.clients.len(), 1);
    let ana = &found.clients[0];
    assert_eq!(
        (ana.last_name.as_str(), ana.date_of_birth.as_str()),
        ("García", "03/14/2019")
    );
    assert_eq!(ana.address.as_deref(), Some("Billings, MT 59101"));
    assert!(!found.truncated);
    let audited = audit_actions(&f.ctx).await;
    assert!(
        audited.contains(&("search_clients".to_string(), Some(ana.id.clone()))),
        "{audited:?}"
    );
}

#[tokio::test]
async fn a_last_name_prefix_lists_every_match_in_name_order() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let found = search_clients(&f.ctx, by_name("GARC", "", ""))
        .await
        .unwrap();
    let names: Vec<_> = found.clients.iter().map(|c| c.last_name.as_str()).collect();
    assert_eq!(names, vec!["García", "Garcia-Lopez"]);
}

#[tokio::test]
async fn an_impossible_date_of_birth_is_an_error_on_that_field() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let AppError::Validation { issues } =
        search_clients(&f.ctx, by_name("garcia", "", "02/30/2019"))
            .await
            .unwrap_err()
    else {
        panic!("expected a validation error");
    };
    assert_eq!(issues[0].field, "dateOfBirth");
    assert!(
        issues[0].message.contains("02/30/2019"),
        "{}",
        issues[0].message
    );
}

#[tokio::test]
async fn the_client_record_has_demographics_and_doses_in_us_date_format() {
    let f = signed_in_as("MT0001", "mt.readonly").await;
    let record = get_client(
        &f.ctx,
        GetClientRequest {
            client_id: f.ana.to_string(),
        },
    )
    .await
    .unwrap();
    assert_eq!(record.client.first_name, "Ana");
    assert_eq!(record.client.date_of_birth, "03/14/2019");
    assert_eq!(record.client.age, "7 years");
    let doses: Vec<_> = record
        .immunizations
        .iter()
        .map(|d| {
            (
                d.administered_on.as_str(),
                d.cvx.as_str(),
                d.source.as_str(),
            )
        })
        .collect();
    assert_eq!(
        doses,
        vec![
            ("03/14/2019", "08", "administered"),
            ("05/20/2019", "110", "administered"),
            ("03/20/2020", "94", "historical")
        ]
    );
    assert_eq!(record.immunizations[0].age_at_dose, "0 days");
    assert_eq!(record.immunizations[1].age_at_dose, "2 months");
    assert_eq!(
        record.immunizations[1].trade_name.as_deref(),
        Some("PEDIARIX")
    );
    assert!(audit_actions(&f.ctx)
        .await
        .contains(&("view_client".to_string(), Some(f.ana.to_string()))));
}

#[tokio::test]
async fn registry_staff_cannot_search_or_open_client_records() {
    let f = signed_in_as("MTREG", "mt.registry").await;
    let err = search_clients(&f.ctx, by_name("garcia", "", ""))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AppError::Forbidden {
            permission: "search_clients".into()
        }
    );
    let err = get_client(
        &f.ctx,
        GetClientRequest {
            client_id: f.ana.to_string(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        err,
        AppError::Forbidden {
            permission: "view_client".into()
        }
    );
    assert!(
        audit_actions(&f.ctx)
            .await
            .iter()
            .all(|(_, client)| client.is_none()),
        "nothing was read"
    );
}

#[tokio::test]
async fn an_unknown_client_id_is_not_found_and_garbage_is_a_validation_error() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let unknown = shotbook_core::ids::ClientId::new().to_string();
    let err = get_client(&f.ctx, GetClientRequest { client_id: unknown })
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AppError::NotFound {
            entity: "client".into()
        }
    );
    let err = get_client(
        &f.ctx,
        GetClientRequest {
            client_id: "42".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::Validation { .. }));
}
