//! Consent enforcement, the demographics tabs, adding a client with the duplicate warning, and
//! the duplicates queue.

use shotbook_api::auth::sign_out;
use shotbook_api::clients::get_client;
use shotbook_api::consent::update_consent;
use shotbook_api::demographics::{add_client, change_demographics, get_demographics};
use shotbook_api::dto::*;
use shotbook_api::duplicates::{
    dismiss_duplicate, duplicate_queue, merge_clients, unmerge_clients,
};
use shotbook_api::forecast::get_forecast;
use shotbook_api::{AppContext, AppError};

use crate::support::{audit_actions, complete_sign_in, credentials, fixture, signed_in_as};

async fn switch_to(ctx: &AppContext, org: &str, user: &str) {
    sign_out(ctx).await.unwrap();
    complete_sign_in(ctx, credentials(org, user)).await;
}

fn child(first: &str, last: &str, dob: &str) -> AddClientRequest {
    AddClientRequest {
        personal: PersonalFields {
            first_name: first.into(),
            last_name: last.into(),
            date_of_birth: dob.into(),
            gender: "M".into(),
            race: "1002-5".into(),
            language: "eng".into(),
            phone: "406-444-4444".into(),
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
            last_name: last.into(),
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
        confirmed_new_person: false,
    }
}

async fn added(ctx: &AppContext, request: AddClientRequest) -> String {
    match add_client(ctx, request).await.unwrap() {
        AddClientOutcome::Added { client_id } => client_id,
        other => panic!("expected the client to be added, got {other:?}"),
    }
}

fn withdraw(client_id: &str) -> UpdateConsentRequest {
    UpdateConsentRequest {
        client_id: client_id.into(),
        status: "withdrawn".into(),
        effective_on: "11/22/2026".into(),
        method: "verbal".into(),
        given_by: "Marie Running Crane, mother".into(),
    }
}

fn open(id: &str) -> GetClientRequest {
    GetClientRequest {
        client_id: id.into(),
    }
}

#[tokio::test]
async fn after_withdrawal_another_organization_sees_identification_only_at_once() {
    let f = signed_in_as("MT0001", "mt.records").await;
    let id = added(&f.ctx, child("Liam", "Running Crane", "05/02/2026")).await;

    switch_to(&f.ctx, "TX0001", "tx.provider").await;
    let before = get_client(&f.ctx, open(&id)).await.unwrap();
    assert_eq!(before.access.view, "full", "consent granted: shared");
    assert_eq!(before.client.city.as_deref(), Some("Billings"));

    switch_to(&f.ctx, "MT0001", "mt.records").await;
    update_consent(&f.ctx, withdraw(&id)).await.unwrap();
    let own = get_client(&f.ctx, open(&id)).await.unwrap();
    assert_eq!(
        own.access.view, "full",
        "the client's own clinic keeps the record"
    );

    switch_to(&f.ctx, "TX0001", "tx.provider").await;
    let after = get_client(&f.ctx, open(&id)).await.unwrap();
    assert_eq!(after.access.view, "identification");
    assert_eq!(
        after.access.restriction.as_deref(),
        Some("consent_withdrawn")
    );
    assert!(!after.access.may_print && !after.access.may_edit_demographics);
    assert_eq!(
        (
            after.client.last_name.as_str(),
            after.client.date_of_birth.as_str()
        ),
        ("Running Crane", "05/02/2026")
    );
    assert_eq!(after.client.consent, "withdrawn");
    assert!(after.client.city.is_none() && after.client.guardian_name.is_none());
    assert!(after.client.phone.is_none() && after.client.organization_name.is_none());
    assert!(after.immunizations.is_empty());

    let listed = shotbook_api::clients::search_clients(
        &f.ctx,
        SearchClientsRequest {
            last_name: "Running Crane".into(),
            first_name: "Liam".into(),
            date_of_birth: "05/02/2026".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let line = listed.clients.iter().find(|c| c.id == id).unwrap();
    assert!(line.address.is_none() && line.guardian_name.is_none());
    assert_eq!(
        line.date_of_birth, "05/02/2026",
        "identification stays in the list"
    );

    let forecast = get_forecast(&f.ctx, open(&id)).await.unwrap_err();
    assert_eq!(
        forecast,
        AppError::ConsentRestricted {
            restriction: "consent_withdrawn".into()
        }
    );
    let demographics = get_demographics(&f.ctx, open(&id)).await.unwrap();
    assert_eq!(demographics.access.view, "identification");
    assert!(demographics.address.city.is_empty());
    assert!(demographics.responsible_persons.is_empty());
    assert_eq!(demographics.consent_history[0].status, "withdrawn");
    assert!(
        demographics
            .consent_history
            .iter()
            .all(|h| h.given_by.is_none()),
        "a guardian's name is beyond identification"
    );
    assert!(
        demographics
            .consent_history
            .iter()
            .all(|h| h.recorded_by.is_none() && h.organization_name.is_none()),
        "where and by whom the client was seen is beyond identification"
    );
    assert_eq!(demographics.personal.phone, "");
    let edit = change_demographics(
        &f.ctx,
        ChangeDemographicsRequest {
            client_id: id.clone(),
            change: DemographicsChange::Note {
                text: "seen today".into(),
            },
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(edit, AppError::ConsentRestricted { .. }),
        "{edit:?}"
    );

    let audited = audit_actions(&f.ctx).await;
    assert!(audited.contains(&("update_consent".to_string(), Some(id.clone()))));
    let restricted_reads = shotbook_store::audit::recent(f.ctx.store(), 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| {
            r.action == "view_client"
                && r.detail
                    .as_deref()
                    .is_some_and(|d| d.contains("identification only"))
        })
        .count();
    assert!(
        restricted_reads >= 2,
        "restricted reads are audited as such"
    );
}

#[tokio::test]
async fn read_only_with_consent_records_consent_but_edits_nothing_else() {
    let f = signed_in_as("MT0002", "mt.vaccines").await;
    let id = added(&f.ctx, child("Noah", "Old Elk", "01/15/2025")).await;
    update_consent(&f.ctx, withdraw(&id)).await.unwrap();

    switch_to(&f.ctx, "MT0001", "mt.readonly").await;
    let seen = get_client(&f.ctx, open(&id)).await.unwrap();
    assert_eq!(seen.access.view, "identification");
    assert!(seen.access.may_update_consent);
    let history = update_consent(
        &f.ctx,
        UpdateConsentRequest {
            status: "granted".into(),
            method: "written".into(),
            ..withdraw(&id)
        },
    )
    .await
    .unwrap();
    assert_eq!(
        history.len(),
        3,
        "granted at registration, withdrawn, granted"
    );
    assert_eq!(history[0].status, "granted");
    assert_eq!(
        history[0].recorded_by.as_deref(),
        Some("Tyler Running Crane")
    );
    let now = get_client(&f.ctx, open(&id)).await.unwrap();
    assert_eq!(now.access.view, "full", "granting opens the record at once");
    let edit = change_demographics(
        &f.ctx,
        ChangeDemographicsRequest {
            client_id: id.clone(),
            change: DemographicsChange::Note { text: "x".into() },
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(edit, AppError::Forbidden { .. }), "{edit:?}");
}

#[tokio::test]
async fn a_bad_consent_entry_names_each_field() {
    let f = signed_in_as("MT0001", "mt.records").await;
    let AppError::Validation { issues } = update_consent(
        &f.ctx,
        UpdateConsentRequest {
            client_id: f.ana.to_string(),
            status: "maybe".into(),
            effective_on: "12/01/2026".into(),
            method: "email".into(),
            given_by: String::new(),
        },
    )
    .await
    .unwrap_err() else {
        panic!("expected a validation error")
    };
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, vec!["status", "effectiveOn", "method"]);
}

#[tokio::test]
async fn adding_a_client_reports_every_bad_field_and_stores_nothing() {
    let f = signed_in_as("MT0001", "mt.records").await;
    let mut bad = child("L1am", "Running Crane", "05/02/2031");
    bad.address.county = "Travis".into();
    bad.guardian.relationship = "neighbour".into();
    bad.consent.method = String::new();
    let AppError::Validation { issues } = add_client(&f.ctx, bad).await.unwrap_err() else {
        panic!("expected a validation error")
    };
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "firstName",
            "dateOfBirth",
            "address.county",
            "guardian.relationship",
            "consent.method"
        ]
    );
    assert_eq!(
        shotbook_store::clients::count(f.ctx.store()).await.unwrap(),
        3
    );
}

#[tokio::test]
async fn every_tab_can_be_edited_and_each_change_is_audited() {
    let f = signed_in_as("MT0001", "mt.records").await;
    let id = added(&f.ctx, child("Liam", "Running Crane", "05/02/2026")).await;
    let change = |change| ChangeDemographicsRequest {
        client_id: id.clone(),
        change,
    };
    let mut personal = get_demographics(&f.ctx, open(&id)).await.unwrap().personal;
    assert_eq!(personal.race, "1002-5");
    personal.multiple_birth = "yes".into();
    personal.birth_order = "2".into();
    personal.middle_name = "Joseph".into();
    change_demographics(&f.ctx, change(DemographicsChange::Personal { personal }))
        .await
        .unwrap();
    change_demographics(
        &f.ctx,
        change(DemographicsChange::Aka {
            first_name: "Baby Boy".into(),
            middle_name: String::new(),
            last_name: "Running Crane".into(),
            name_kind: "birth".into(),
        }),
    )
    .await
    .unwrap();
    change_demographics(
        &f.ctx,
        change(DemographicsChange::Address {
            address: AddressFields {
                address_line1: "2550 Broadway St".into(),
                city: "Helena".into(),
                state: "MT".into(),
                county: "Lewis and Clark".into(),
                zip: "59601".into(),
                ..Default::default()
            },
            moved_on: "11/01/2026".into(),
        }),
    )
    .await
    .unwrap();
    change_demographics(
        &f.ctx,
        change(DemographicsChange::OrganizationStatus {
            organization_code: "MT0001".into(),
            status: "moved".into(),
            status_on: "11/01/2026".into(),
        }),
    )
    .await
    .unwrap();
    change_demographics(
        &f.ctx,
        change(DemographicsChange::Comment {
            code: "immunity_varicella".into(),
            applies_from: "10/01/2026".into(),
            applies_until: String::new(),
            text: "Chickenpox confirmed by the pediatrician".into(),
        }),
    )
    .await
    .unwrap();
    let d = change_demographics(
        &f.ctx,
        change(DemographicsChange::Note {
            text: "Mother prefers reminders by text.".into(),
        }),
    )
    .await
    .unwrap();

    assert_eq!(d.personal.birth_order, "2");
    assert_eq!(d.personal.middle_name, "Joseph");
    assert_eq!(d.akas[0].first_name, "Baby Boy");
    assert_eq!(d.address.county, "Lewis and Clark");
    assert_eq!(d.address_history[0].address.county, "Yellowstone");
    assert_eq!(d.address_history[0].ended_on, "11/01/2026");
    assert_eq!(d.organizations[0].status, "moved");
    assert_eq!(d.responsible_persons[0].person.first_name, "Marie");
    assert_eq!(d.comments[0].category, "immunity");
    assert_eq!(d.notes[0].author.as_deref(), Some("Karen Lindqvist"));
    assert_eq!(d.consent_history[0].status, "granted");

    let note_id = d.notes[0].id.clone();
    let d = change_demographics(
        &f.ctx,
        change(DemographicsChange::Void {
            entry_kind: "note".into(),
            entry_id: note_id,
            reason: "wrong client".into(),
        }),
    )
    .await
    .unwrap();
    assert!(d.notes[0].voided, "voided, still listed");

    let updates = audit_actions(&f.ctx)
        .await
        .into_iter()
        .filter(|(a, c)| a == "update_client" && c.as_deref() == Some(id.as_str()))
        .count();
    assert_eq!(updates, 7);

    let AppError::Validation { issues } = change_demographics(
        &f.ctx,
        change(DemographicsChange::Address {
            address: AddressFields {
                state: "TX".into(),
                county: "Yellowstone".into(),
                zip: "7870".into(),
                ..Default::default()
            },
            moved_on: "11/01/2026".into(),
        }),
    )
    .await
    .unwrap_err() else {
        panic!("expected a validation error")
    };
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, vec!["county", "zip"]);
}

#[tokio::test]
async fn adding_a_known_child_again_shows_the_existing_record_first() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let mut again = child("Ana", "Garcia", "03/14/2019");
    again.personal.gender = "F".into();
    let AddClientOutcome::LikelyMatches { matches } =
        add_client(&f.ctx, again.clone()).await.unwrap()
    else {
        panic!("expected likely matches")
    };
    assert_eq!(matches[0].client.id, f.ana.to_string());
    assert!(
        matches[0].reasons.iter().any(|r| r == "DOB exact"),
        "{:?}",
        matches[0].reasons
    );
    assert_eq!(
        shotbook_store::clients::count(f.ctx.store()).await.unwrap(),
        3
    );

    again.confirmed_new_person = true;
    let new_id = added(&f.ctx, again).await;
    switch_to(&f.ctx, "TX0001", "tx.supervisor").await;
    let queue = duplicate_queue(&f.ctx).await.unwrap();
    assert_eq!(
        queue.pairs.len(),
        1,
        "the confirmed duplicate waits in the queue"
    );
    let pair = &queue.pairs[0];
    let ids = [pair.first.client.id.clone(), pair.second.client.id.clone()];
    assert!(ids.contains(&new_id) && ids.contains(&f.ana.to_string()));

    let queue = merge_clients(
        &f.ctx,
        MergeClientsRequest {
            pair_id: pair.id.clone(),
            survivor_id: f.ana.to_string(),
        },
    )
    .await
    .unwrap();
    assert!(queue.pairs.is_empty());
    assert_eq!(queue.merges.len(), 1);
    let merged = get_demographics(&f.ctx, open(&f.ana.to_string()))
        .await
        .unwrap();
    assert!(merged
        .akas
        .iter()
        .any(|a| a.kind == "merged" && a.last_name == "Garcia"));

    let queue = unmerge_clients(
        &f.ctx,
        UnmergeClientsRequest {
            merge_id: queue.merges[0].id.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(queue.pairs.len(), 1, "undoing the merge reopens the pair");
    let queue = dismiss_duplicate(
        &f.ctx,
        DismissDuplicateRequest {
            pair_id: queue.pairs[0].id.clone(),
        },
    )
    .await
    .unwrap();
    assert!(queue.pairs.is_empty());
    let actions: Vec<String> = audit_actions(&f.ctx)
        .await
        .into_iter()
        .map(|a| a.0)
        .collect();
    for a in [
        "add_client",
        "merge_clients",
        "unmerge_clients",
        "dismiss_duplicate",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} audited");
    }

    switch_to(&f.ctx, "TX0001", "tx.provider").await;
    assert!(matches!(
        duplicate_queue(&f.ctx).await.unwrap_err(),
        AppError::Forbidden { .. }
    ));
}

#[tokio::test]
async fn a_merge_keeps_every_dose_on_the_kept_record() {
    let f = fixture().await;
    complete_sign_in(&f.ctx, credentials("TX0001", "tx.provider")).await;
    let mut again = child("Anna", "Garcia", "03/14/2019");
    again.personal.gender = "F".into();
    again.confirmed_new_person = true;
    let new_id = added(&f.ctx, again).await;
    switch_to(&f.ctx, "TX0001", "tx.supervisor").await;
    let queue = duplicate_queue(&f.ctx).await.unwrap();
    let pair = &queue.pairs[0];
    merge_clients(
        &f.ctx,
        MergeClientsRequest {
            pair_id: pair.id.clone(),
            survivor_id: new_id.clone(),
        },
    )
    .await
    .unwrap();
    let kept = get_client(&f.ctx, open(&new_id)).await.unwrap();
    assert_eq!(kept.immunizations.len(), 3, "Ana's three doses moved");
    let gone = get_client(&f.ctx, open(&f.ana.to_string())).await.unwrap();
    assert!(gone.immunizations.is_empty());
    assert_eq!(gone.client.merged_into.as_deref(), Some(new_id.as_str()));
}

/// Quality of the duplicate scan on generator output, whose near-duplicates (typos, nicknames,
/// swapped day/month, hyphenated surnames) carry the truth key in `synthetic_truth`.
#[tokio::test]
async fn the_duplicate_scan_finds_the_generators_near_duplicates() {
    use shotbook_store::sqlx;
    let store = shotbook_store::Store::open_in_memory().await.unwrap();
    shotbook_synth::demo::seed_demo_registry(&store, 3_000, crate::support::START)
        .await
        .unwrap();
    let ctx = AppContext::new(store, std::sync::Arc::new(crate::support::clock_at_start()));
    complete_sign_in(&ctx, credentials("TX0001", "tx.supervisor")).await;
    duplicate_queue(&ctx).await.unwrap();
    let started = std::time::Instant::now();
    let queue = shotbook_api::duplicates::scan_duplicates(&ctx)
        .await
        .unwrap();
    let elapsed = started.elapsed();
    // The job's pairs come with the model's probability, its verdict, and their cluster; a
    // cluster's pairs are listed together and no less probable cluster comes before it.
    assert!(!queue.pairs.is_empty());
    let mut clusters_seen: Vec<&str> = Vec::new();
    let mut best_before = f64::INFINITY;
    for (i, pair) in queue.pairs.iter().enumerate() {
        let p = pair
            .probability
            .expect("the job's pairs carry a probability");
        let verdict = pair.verdict.expect("and a verdict");
        assert_eq!(verdict == MatchVerdict::SamePerson, p >= 0.99);
        let cluster = pair.cluster_id.as_deref().expect("and a cluster");
        assert!(pair.cluster_size >= 2);
        if clusters_seen.last() != Some(&cluster) {
            assert!(
                !clusters_seen.contains(&cluster),
                "pair {i}: a cluster's pairs are listed together"
            );
            let best = queue.pairs[i..]
                .iter()
                .filter(|q| q.cluster_id.as_deref() == Some(cluster))
                .filter_map(|q| q.probability)
                .fold(0.0, f64::max);
            assert!(best <= best_before, "pair {i}: clusters by their best pair");
            best_before = best;
            clusters_seen.push(cluster);
        }
    }
    let count = |sql: &'static str| {
        let pool = ctx.store().pool().clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&pool).await.unwrap();
            n as f64
        }
    };
    let found = count("SELECT count(*) FROM duplicate_pairs").await;
    let right = count(
        "SELECT count(*) FROM duplicate_pairs p
         JOIN synthetic_truth a ON a.client_id = p.client_a
         JOIN synthetic_truth b ON b.client_id = p.client_b
         WHERE a.person_key = b.person_key",
    )
    .await;
    let truth = count(
        "SELECT count(*) FROM synthetic_truth a JOIN synthetic_truth b
         ON a.person_key = b.person_key AND a.client_id < b.client_id",
    )
    .await;
    let (precision, recall) = (right / found.max(1.0), right / truth.max(1.0));
    eprintln!(
        "duplicate scan, 3,000 generated clients: {truth} true pairs, {found} found, {right} right; \
         precision {precision:.3}, recall {recall:.3}, {} ms",
        elapsed.as_millis()
    );
    assert!(
        truth >= 50.0,
        "the generator made near-duplicates ({truth})"
    );
    assert!(precision >= 0.95, "precision {precision:.3}");
    assert!(recall >= 0.95, "recall {recall:.3}");
}

#[tokio::test]
async fn another_organization_reopens_a_withdrawn_record_only_from_a_written_form_naming_its_giver()
{
    let f = signed_in_as("MT0001", "mt.records").await;
    let id = added(&f.ctx, child("Liam", "Running Crane", "05/02/2026")).await;
    update_consent(&f.ctx, withdraw(&id)).await.unwrap();

    switch_to(&f.ctx, "TX0001", "tx.provider").await;
    let at_the_desk = UpdateConsentRequest {
        status: "granted".into(),
        method: "verbal".into(),
        given_by: String::new(),
        ..withdraw(&id)
    };
    let AppError::Validation { issues } = update_consent(&f.ctx, at_the_desk).await.unwrap_err()
    else {
        panic!("a verbal grant from another organization is refused")
    };
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["method", "givenBy"]);
    let still = get_client(&f.ctx, open(&id)).await.unwrap();
    assert_eq!(still.access.view, "identification", "nothing changed");

    let signed_form = UpdateConsentRequest {
        status: "granted".into(),
        method: "written".into(),
        given_by: "Marie Running Crane, mother".into(),
        ..withdraw(&id)
    };
    update_consent(&f.ctx, signed_form).await.unwrap();
    assert_eq!(
        get_client(&f.ctx, open(&id)).await.unwrap().access.view,
        "full"
    );

    // The home organization is told, in its own audit trail.
    let (told,): (i64,) = shotbook_store::sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log a JOIN organizations o ON o.id = a.organization_id
         WHERE a.action = 'consent_granted_elsewhere' AND o.code = 'MT0001' AND a.client_id = ?",
    )
    .bind(&id)
    .fetch_one(f.ctx.store().pool())
    .await
    .unwrap();
    assert_eq!(told, 1);
}

#[tokio::test]
async fn a_withdrawn_client_is_never_found_through_a_field_it_restricts() {
    let f = signed_in_as("MT0001", "mt.records").await;
    let id = added(&f.ctx, child("Liam", "Running Crane", "05/02/2026")).await;
    update_consent(&f.ctx, withdraw(&id)).await.unwrap();
    switch_to(&f.ctx, "TX0001", "tx.provider").await;
    let basic = |request: SearchClientsRequest| {
        let ctx = &f.ctx;
        async move {
            shotbook_api::clients::search_clients(ctx, request)
                .await
                .unwrap()
                .clients
                .into_iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
        }
    };
    let by_name = SearchClientsRequest {
        last_name: "Running Crane".into(),
        date_of_birth: "05/02/2026".into(),
        ..Default::default()
    };
    assert!(
        basic(by_name.clone()).await.contains(&id),
        "found by identification"
    );
    // Basic search by each restricted field (with the home clinic's finding her by each as
    // the control): `search::a_client_withheld_by_consent_is_never_found_through_a_field_beyond_identification`.
    // Smart search with the street: shown as a search by name and date of birth shows it,
    // its reasons about those only.
    let smart = shotbook_api::clients::smart_search(
        &f.ctx,
        SmartSearchRequest {
            last_name: "Running Crane".into(),
            first_name: "Liam".into(),
            date_of_birth: "05/02/2026".into(),
            address: "415 N 27th St".into(),
            zip: "59101".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let hit = smart.clients.iter().find(|c| c.client.id == id).unwrap();
    assert!(
        hit.reasons
            .iter()
            .all(|r| !r.contains("address") && !r.contains("ZIP")),
        "{:?}",
        hit.reasons
    );
    assert!(hit.client.address.is_none());
}

#[tokio::test]
async fn a_refused_forecast_or_print_is_audited_as_a_denial() {
    let f = signed_in_as("MT0001", "mt.records").await;
    let id = added(&f.ctx, child("Liam", "Running Crane", "05/02/2026")).await;
    update_consent(&f.ctx, withdraw(&id)).await.unwrap();
    switch_to(&f.ctx, "TX0001", "tx.provider").await;
    let refused = get_forecast(&f.ctx, open(&id)).await.unwrap_err();
    assert!(
        matches!(refused, AppError::ConsentRestricted { .. }),
        "{refused:?}"
    );
    let denials: Vec<(String,)> = shotbook_store::sqlx::query_as(
        "SELECT detail FROM audit_log WHERE action = 'access_denied' AND client_id = ?",
    )
    .bind(&id)
    .fetch_all(f.ctx.store().pool())
    .await
    .unwrap();
    assert_eq!(denials, vec![("consent_withdrawn".to_string(),)]);
}

/// The client dimension of authorization: each client-taking command (open, forecast, print,
/// a demographics note, a historical dose, a consent grant) as the client's own clinic, another state's clinic, and state staff of each state, on a client who consented, a
/// Montanan who withdrew, and a Texan who withdrew. Expected outcomes are literal.
#[tokio::test]
async fn every_client_taking_command_follows_the_client_not_just_the_role() {
    let f = signed_in_as("MT0001", "mt.records").await;
    f.ctx.sign_records_with_demo_key();
    let granted = added(&f.ctx, child("Ada", "Granted", "01/02/2020")).await;
    let montanan = added(&f.ctx, child("Ben", "Withdrawn", "02/03/2021")).await;
    let mut texan_form = child("Cal", "Texan", "03/04/2022");
    texan_form.address = AddressFields {
        address_line1: "1100 Congress Ave".into(),
        city: "Austin".into(),
        state: "TX".into(),
        county: "Travis".into(),
        zip: "78701".into(),
        ..Default::default()
    };
    let texan = added(&f.ctx, texan_form).await;
    // The home clinic's doses, one per client for each viewer below to try to correct and
    // void (a void cannot be undone, so no two viewers share a dose).
    let mut doses = std::collections::HashMap::new();
    for (row, user) in ["tx.provider", "tx.state", "mt.records"].iter().enumerate() {
        for id in [&granted, &montanan, &texan] {
            let saved = shotbook_api::immunizations::record_historical_doses(
                &f.ctx,
                RecordHistoricalDosesRequest {
                    client_id: id.clone(),
                    doses: vec![HistoricalDoseInput {
                        cvx: "88".into(),
                        administered_on: format!("10/0{}/2024", row + 1),
                        provider: String::new(),
                    }],
                    confirm_warnings: true,
                },
            )
            .await
            .unwrap();
            doses.insert((*user, id.clone()), saved.immunization_ids[0].clone());
        }
    }
    update_consent(&f.ctx, withdraw(&montanan)).await.unwrap();
    update_consent(&f.ctx, withdraw(&texan)).await.unwrap();

    /// What each command answered, in a word (`dose`: the home clinic's dose this viewer may
    /// try to correct and void).
    async fn outcomes(ctx: &AppContext, id: &str, dose: &str) -> [String; 8] {
        let word = |r: Result<(), AppError>| match r {
            Ok(()) => "ok".to_string(),
            Err(AppError::ConsentRestricted { .. }) => "restricted".into(),
            Err(AppError::Forbidden { .. }) => "forbidden".into(),
            Err(AppError::Validation { .. }) => "invalid".into(),
            Err(other) => format!("{other:?}"),
        };
        let view = get_client(ctx, open(id))
            .await
            .map(|r| r.access.view)
            .unwrap_or_else(|e| format!("{e:?}"));
        let forecast = word(get_forecast(ctx, open(id)).await.map(drop));
        let print = word(
            shotbook_api::records::print_record(
                ctx,
                PrintRecordRequest {
                    client_id: id.into(),
                },
            )
            .await
            .map(drop),
        );
        let note = word(
            change_demographics(
                ctx,
                ChangeDemographicsRequest {
                    client_id: id.into(),
                    change: DemographicsChange::Note {
                        text: "seen today".into(),
                    },
                },
            )
            .await
            .map(drop),
        );
        // A verbal grant: the home clinic may record it; elsewhere it needs a written form.
        let consent = word(
            update_consent(
                ctx,
                UpdateConsentRequest {
                    status: "granted".into(),
                    method: "verbal".into(),
                    given_by: String::new(),
                    ..withdraw(id)
                },
            )
            .await
            .map(drop),
        );
        // A dose from a shot card: a write to the record, under the same rule as reading it.
        let dose_added = word(
            shotbook_api::immunizations::record_historical_doses(
                ctx,
                RecordHistoricalDosesRequest {
                    client_id: id.into(),
                    doses: vec![HistoricalDoseInput {
                        cvx: "03".into(),
                        administered_on: "06/01/2024".into(),
                        provider: String::new(),
                    }],
                    confirm_warnings: true,
                },
            )
            .await
            .map(drop),
        );
        // Correcting and voiding a recorded dose: writes to the record too, by its owner
        // (state staff: any organization's) under the same rule as reading it.
        let correct = word(
            shotbook_api::immunizations::edit_immunization(
                ctx,
                EditImmunizationRequest {
                    immunization_id: dose.into(),
                    revision: 1,
                    administered_on: "10/15/2024".into(),
                    cvx: "88".into(),
                    reason: "date from the shot card".into(),
                    confirm_warnings: true,
                    ..Default::default()
                },
            )
            .await
            .map(drop),
        );
        let void = word(
            shotbook_api::immunizations::void_immunization(
                ctx,
                VoidImmunizationRequest {
                    immunization_id: dose.into(),
                    reason: "entered on the wrong client".into(),
                },
            )
            .await
            .map(drop),
        );
        [
            view, forecast, print, note, dose_added, consent, correct, void,
        ]
    }

    let full = ["full", "ok", "ok", "ok", "ok", "ok", "ok", "ok"];
    let identification = [
        "identification",
        "restricted",
        "restricted",
        "restricted",
        "restricted",
        "invalid",
        "restricted",
        "restricted",
    ];
    // Another clinic's provider sees a consented client in full but changes only its own
    // organization's doses; the home clinic's records clerk (Record Maintenance) adds doses
    // but corrects none.
    let full_but_not_their_doses = [
        "full",
        "ok",
        "ok",
        "ok",
        "ok",
        "ok",
        "forbidden",
        "forbidden",
    ];
    let identification_not_their_doses = [
        "identification",
        "restricted",
        "restricted",
        "restricted",
        "restricted",
        "invalid",
        "forbidden",
        "forbidden",
    ];
    // The grants at the end of each row would reopen the record: every row starts from the
    // consent the setup left, so each viewer runs on a fresh look at the same three clients,
    // the home clinic last.
    for (org, user, expected) in [
        (
            "TX0001",
            "tx.provider",
            [
                full_but_not_their_doses,
                identification_not_their_doses,
                identification_not_their_doses,
            ],
        ),
        ("TXDSHS", "tx.state", [full, identification, full]),
        (
            "MT0001",
            "mt.records",
            [
                full_but_not_their_doses,
                full_but_not_their_doses,
                full_but_not_their_doses,
            ],
        ),
    ] {
        switch_to(&f.ctx, org, user).await;
        for (id, want) in [&granted, &montanan, &texan].into_iter().zip(expected) {
            let got = outcomes(&f.ctx, id, &doses[&(user, id.clone())]).await;
            assert_eq!(got, want.map(String::from), "{user} on client {id}");
        }
    }
}
