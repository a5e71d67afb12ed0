use shotbook_api::dto::{QuickSearchRequest, SmartSearchRequest};
use shotbook_api::search::{quick_search, smart_search};
use shotbook_api::AppError;

use crate::support::{audit_actions, signed_in_as};

fn smart(last: &str, first: &str, dob: &str) -> SmartSearchRequest {
    SmartSearchRequest {
        last_name: last.into(),
        first_name: first.into(),
        date_of_birth: dob.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_typo_and_a_swapped_date_still_find_the_child_first_with_reasons_and_audit() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let found = smart_search(&f.ctx, smart("Garsia", "Anna", "14/03/2019"))
        .await
        .unwrap();
    let first = &found.clients[0];
    assert_eq!(first.client.id, f.ana.to_string(), "{found:?}");
    assert!(
        first.likely && first.score >= found.likely_score,
        "{first:?}"
    );
    assert!(
        first
            .reasons
            .contains(&"DOB day and month swapped".to_string()),
        "{:?}",
        first.reasons
    );
    assert_eq!(first.client.date_of_birth, "03/14/2019");
    assert!(found.clients.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(audit_actions(&f.ctx)
        .await
        .contains(&("search_clients".to_string(), Some(f.ana.to_string()))));
}

#[tokio::test]
async fn nobody_like_the_query_gives_an_empty_list() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let found = smart_search(&f.ctx, smart("Quux", "Zed", "01/01/1931"))
        .await
        .unwrap();
    assert!(found.clients.is_empty(), "{found:?}");
    assert!(!found.truncated);
}

#[tokio::test]
async fn smart_search_names_the_field_it_cannot_read() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let AppError::Validation { issues } = smart_search(&f.ctx, smart("Garcia", "", "someday"))
        .await
        .unwrap_err()
    else {
        panic!("expected a validation error");
    };
    assert_eq!(issues[0].field, "dateOfBirth");
}

#[tokio::test]
async fn registry_staff_cannot_run_a_smart_search() {
    let f = signed_in_as("MTREG", "mt.registry").await;
    assert_eq!(
        smart_search(&f.ctx, smart("Garcia", "Ana", "03/14/2019"))
            .await
            .unwrap_err(),
        AppError::Forbidden {
            permission: "search_clients".into()
        }
    );
}

fn quick(text: &str) -> QuickSearchRequest {
    QuickSearchRequest { query: text.into() }
}

#[tokio::test]
async fn quick_search_runs_basic_search_when_it_finds_the_client_exactly() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    for text in [
        "garcia 3/14/2019",
        "031419 García",
        "Garcia, Ana 2019-03-14",
    ] {
        let found = quick_search(&f.ctx, quick(text)).await.unwrap();
        let basic = found.basic.expect("exact search answered");
        assert!(found.smart.is_none());
        let ids: Vec<_> = basic.clients.iter().map(|c| c.id.clone()).collect();
        assert_eq!(ids, vec![f.ana.to_string()], "{text}");
    }
}

#[tokio::test]
async fn quick_search_falls_back_to_smart_search_for_a_typo() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let found = quick_search(&f.ctx, quick("Anna Garsia 03/14/2019"))
        .await
        .unwrap();
    assert!(found.basic.is_none(), "{found:?}");
    let smart = found.smart.unwrap();
    assert_eq!(smart.clients[0].client.id, f.ana.to_string());
    assert!(smart.clients[0].likely);
}

#[tokio::test]
async fn quick_search_reports_what_it_cannot_read_on_the_query_field() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let AppError::Validation { issues } = quick_search(&f.ctx, quick("garcia 12/34"))
        .await
        .unwrap_err()
    else {
        panic!("expected a validation error");
    };
    assert_eq!(issues[0].field, "query");
}

#[tokio::test]
async fn smart_and_quick_results_show_another_organizations_unconsented_client_by_identification_only(
) {
    use shotbook_api::auth::sign_out;
    use shotbook_api::consent::update_consent;
    use shotbook_api::demographics::add_client;
    use shotbook_api::dto::*;

    use crate::support::{complete_sign_in, credentials};

    let f = signed_in_as("MT0001", "mt.records").await;
    let request = AddClientRequest {
        personal: PersonalFields {
            first_name: "Liam".into(),
            last_name: "Running Crane".into(),
            date_of_birth: "05/02/2026".into(),
            gender: "M".into(),
            race: "1002-5".into(),
            language: "eng".into(),
            ..Default::default()
        },
        address: AddressFields {
            address_line1: "415 N 27th St".into(),
            city: "Billings".into(),
            state: "MT".into(),
            county: "Yellowstone".into(),
            zip: "59101".into(),
            ..Default::default()
        },
        guardian: ResponsiblePersonFields {
            first_name: "Marie".into(),
            last_name: "Running Crane".into(),
            relationship: "mother".into(),
            phone: "406-444-4445".into(),
            ..Default::default()
        },
        consent: ConsentFields {
            status: "granted".into(),
            effective_on: "11/20/2026".into(),
            method: "written".into(),
            given_by: "Marie, mother".into(),
        },
        confirmed_new_person: true,
    };
    let AddClientOutcome::Added { client_id: id } = add_client(&f.ctx, request).await.unwrap()
    else {
        panic!("expected the client to be added")
    };
    update_consent(
        &f.ctx,
        UpdateConsentRequest {
            client_id: id.clone(),
            status: "withdrawn".into(),
            effective_on: "11/22/2026".into(),
            method: "verbal".into(),
            given_by: "Marie Running Crane, mother".into(),
        },
    )
    .await
    .unwrap();
    let own = smart_search(&f.ctx, smart("Runing Crane", "Liam", "05/02/2026"))
        .await
        .unwrap();
    let line = &own
        .clients
        .iter()
        .find(|c| c.client.id == id)
        .unwrap()
        .client;
    assert!(
        line.address.is_some(),
        "the client's own clinic sees it all"
    );

    sign_out(&f.ctx).await.unwrap();
    complete_sign_in(&f.ctx, credentials("TX0001", "tx.provider")).await;
    let found = smart_search(&f.ctx, smart("Runing Crane", "Liam", "05/02/2026"))
        .await
        .unwrap();
    let hit = found.clients.iter().find(|c| c.client.id == id).unwrap();
    assert!(hit.likely, "{hit:?}");
    assert!(
        hit.client.address.is_none()
            && hit.client.guardian_name.is_none()
            && hit.client.organization_name.is_none(),
        "identification only: {hit:?}"
    );
    assert_eq!(hit.client.date_of_birth, "05/02/2026");
    let quick = quick_search(&f.ctx, quick("Runing Crane, Liam 05/02/2026"))
        .await
        .unwrap();
    let line = quick
        .smart
        .expect("the typo sends Quick search to Smart search")
        .clients
        .into_iter()
        .find(|c| c.client.id == id)
        .unwrap()
        .client;
    assert!(line.address.is_none() && line.guardian_name.is_none());
}

/// The restricted-search rule, field by field: a Basic search that names a field beyond
/// identification (phone, address, ZIP, guardian, mother's maiden name) does not list a client
/// the searcher may not see in full — listing it would confirm that field by inference — while
/// the client's own clinic finds it by each of them, and a search by name and date of birth
/// lists it by identification only.
#[tokio::test]
async fn a_client_withheld_by_consent_is_never_found_through_a_field_beyond_identification() {
    use shotbook_api::auth::sign_out;
    use shotbook_api::clients::search_clients;
    use shotbook_api::consent::update_consent;
    use shotbook_api::demographics::add_client;
    use shotbook_api::dto::*;

    use crate::support::{complete_sign_in, credentials};

    let f = signed_in_as("MT0001", "mt.records").await;
    let request = AddClientRequest {
        personal: PersonalFields {
            first_name: "Wren".into(),
            last_name: "Quillfeather".into(),
            date_of_birth: "06/15/2025".into(),
            gender: "F".into(),
            mother_maiden_name: "Bearpaw".into(),
            phone: "406-555-0187".into(),
            ..Default::default()
        },
        address: AddressFields {
            address_line1: "2210 Grand Ave".into(),
            city: "Billings".into(),
            state: "MT".into(),
            county: "Yellowstone".into(),
            zip: "59102".into(),
            ..Default::default()
        },
        guardian: ResponsiblePersonFields {
            first_name: "Tessa".into(),
            last_name: "Quillfeather".into(),
            relationship: "mother".into(),
            phone: "406-555-0187".into(),
            ..Default::default()
        },
        consent: ConsentFields {
            status: "granted".into(),
            effective_on: "11/20/2026".into(),
            method: "written".into(),
            given_by: "Tessa, mother".into(),
        },
        confirmed_new_person: true,
    };
    let AddClientOutcome::Added { client_id: id } = add_client(&f.ctx, request).await.unwrap()
    else {
        panic!("expected the client to be added")
    };
    update_consent(
        &f.ctx,
        UpdateConsentRequest {
            client_id: id.clone(),
            status: "withdrawn".into(),
            effective_on: "11/22/2026".into(),
            method: "written".into(),
            given_by: "Tessa Quillfeather, mother".into(),
        },
    )
    .await
    .unwrap();

    let by_name = || SearchClientsRequest {
        last_name: "Quillfeather".into(),
        ..Default::default()
    };
    let restricted: [(&str, SearchClientsRequest); 6] = [
        (
            "phone alone",
            SearchClientsRequest {
                phone: "406-555-0187".into(),
                ..Default::default()
            },
        ),
        (
            "phone",
            SearchClientsRequest {
                phone: "406-555-0187".into(),
                ..by_name()
            },
        ),
        (
            "address",
            SearchClientsRequest {
                address: "2210 Grand".into(),
                ..by_name()
            },
        ),
        (
            "zip",
            SearchClientsRequest {
                zip: "59102".into(),
                ..by_name()
            },
        ),
        (
            "guardian",
            SearchClientsRequest {
                guardian_name: "Tessa".into(),
                ..by_name()
            },
        ),
        (
            "mother's maiden name",
            SearchClientsRequest {
                mother_maiden_name: "Bearpaw".into(),
                ..by_name()
            },
        ),
    ];
    let lists = |found: &SearchClientsResponse| found.clients.iter().any(|c| c.id == id);

    // The home clinic finds her through every one of them: the searches do match.
    for (field, request) in &restricted {
        let found = search_clients(&f.ctx, request.clone()).await.unwrap();
        assert!(lists(&found), "the home clinic finds her by {field}");
    }

    sign_out(&f.ctx).await.unwrap();
    complete_sign_in(&f.ctx, credentials("TX0001", "tx.provider")).await;
    for (field, request) in &restricted {
        let found = search_clients(&f.ctx, request.clone()).await.unwrap();
        assert!(
            !lists(&found),
            "another clinic must not find her by {field}"
        );
    }
    let identified = search_clients(
        &f.ctx,
        SearchClientsRequest {
            date_of_birth: "06/15/2025".into(),
            ..by_name()
        },
    )
    .await
    .unwrap();
    assert!(
        lists(&identified),
        "name and date of birth find her by identification"
    );
}

/// Smart search finds a child by a guardian's name and the child's date of birth (a mother
/// calls about her son), says so, and never lists a client withheld by consent through it: a
/// guardian is a field beyond identification.
#[tokio::test]
async fn a_child_is_found_by_the_guardians_name_and_date_of_birth_but_not_through_a_withheld_record(
) {
    use shotbook_api::auth::sign_out;
    use shotbook_api::consent::update_consent;
    use shotbook_api::demographics::add_client;
    use shotbook_api::dto::*;
    use shotbook_store::match_index::GUARDIAN_REASON;

    use crate::support::{complete_sign_in, credentials};

    let f = signed_in_as("MT0001", "mt.records").await;
    let child = |first: &str, last: &str, dob: &str, guardian: (&str, &str)| AddClientRequest {
        personal: PersonalFields {
            first_name: first.into(),
            last_name: last.into(),
            date_of_birth: dob.into(),
            gender: "M".into(),
            ..Default::default()
        },
        address: AddressFields {
            city: "Billings".into(),
            state: "MT".into(),
            county: "Yellowstone".into(),
            ..Default::default()
        },
        guardian: ResponsiblePersonFields {
            first_name: guardian.0.into(),
            last_name: guardian.1.into(),
            relationship: "mother".into(),
            ..Default::default()
        },
        consent: ConsentFields {
            status: "granted".into(),
            effective_on: "11/20/2026".into(),
            method: "written".into(),
            given_by: format!("{} {}, mother", guardian.0, guardian.1),
        },
        confirmed_new_person: true,
    };
    let add = |r: AddClientRequest| {
        let ctx = &f.ctx;
        async move {
            match add_client(ctx, r).await.unwrap() {
                AddClientOutcome::Added { client_id } => client_id,
                other => panic!("expected the client to be added: {other:?}"),
            }
        }
    };
    let juniper = add(child(
        "Juniper",
        "Ashgrove",
        "04/02/2024",
        ("Delphine", "Marchetti"),
    ))
    .await;
    let rowan = add(child(
        "Rowan",
        "Ashgrove",
        "09/17/2021",
        ("Delphine", "Marchetti"),
    ))
    .await;

    let mother = smart_search(&f.ctx, smart("Marchetti", "Delphine", "04/02/2024"))
        .await
        .unwrap();
    let hit = mother
        .clients
        .iter()
        .find(|c| c.client.id == juniper)
        .unwrap_or_else(|| panic!("found by the mother's name and his DOB: {mother:?}"));
    assert_eq!(hit.reasons[0], GUARDIAN_REASON, "{hit:?}");
    assert!(
        mother.clients.iter().all(|c| c.client.id != rowan),
        "her other child, born another day, is not listed: {mother:?}"
    );
    let wrong_day = smart_search(&f.ctx, smart("Marchetti", "Delphine", "04/03/2024"))
        .await
        .unwrap();
    assert!(
        wrong_day.clients.iter().all(|c| c.client.id != juniper),
        "the guardian key holds the child's exact date: {wrong_day:?}"
    );

    update_consent(
        &f.ctx,
        UpdateConsentRequest {
            client_id: juniper.clone(),
            status: "withdrawn".into(),
            effective_on: "11/22/2026".into(),
            method: "written".into(),
            given_by: "Delphine Marchetti, mother".into(),
        },
    )
    .await
    .unwrap();
    let still = smart_search(&f.ctx, smart("Marchetti", "Delphine", "04/02/2024"))
        .await
        .unwrap();
    assert!(
        still.clients.iter().any(|c| c.client.id == juniper),
        "his own clinic still finds him through his mother"
    );
    sign_out(&f.ctx).await.unwrap();
    complete_sign_in(&f.ctx, credentials("TX0001", "tx.provider")).await;
    let elsewhere = smart_search(&f.ctx, smart("Marchetti", "Delphine", "04/02/2024"))
        .await
        .unwrap();
    assert!(
        elsewhere.clients.iter().all(|c| c.client.id != juniper),
        "another clinic must not find him through his guardian: {elsewhere:?}"
    );
    let identified = smart_search(&f.ctx, smart("Ashgrove", "Juniper", "04/02/2024"))
        .await
        .unwrap();
    assert!(
        identified.clients.iter().any(|c| c.client.id == juniper),
        "his own name and date of birth list him by identification"
    );
}
