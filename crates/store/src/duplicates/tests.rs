use super::*;
use crate::clients::{self, NewClient};
use crate::immunizations::{self, NewImmunization};
use crate::organizations::{self, NewOrganization};
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-22 9:00 UTC);

struct World {
    store: Store,
    survivor: ClientId,
    merged: ClientId,
    user: UserId,
    clinic_a: OrganizationId,
    clinic_b: OrganizationId,
}

async fn world() -> World {
    let store = Store::open_in_memory().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let mut orgs = Vec::new();
    for code in ["MT0001", "MT0002"] {
        let id = OrganizationId::new();
        organizations::insert_in_tx(
            &mut tx,
            &NewOrganization {
                id,
                code: code.into(),
                name: format!("Clinic {code}"),
                kind: "provider".into(),
                state: "MT".into(),
                county: "Yellowstone".into(),
                city: "Billings".into(),
                vfc_pin: None,
            },
            NOW,
        )
        .await
        .unwrap();
        orgs.push(id);
    }
    let user = UserId::new();
    crate::users::insert_in_tx(
        &mut tx,
        &crate::users::NewUser {
            id: user,
            username: "sup".into(),
            password_hash: "x".into(),
            first_name: "Sue".into(),
            last_name: "Pervisor".into(),
            email: "sup@example.org".into(),
            phone: None,
        },
        NOW,
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for (first, dob, org) in [
        ("William", "2019-03-14", orgs[0]),
        ("Bill", "2019-03-15", orgs[1]),
    ] {
        let c = NewClient {
            first_name: first.into(),
            last_name: "Garcia".into(),
            date_of_birth: dob.into(),
            gender: "M".into(),
            consent: "granted".into(),
            home_organization_id: Some(org),
            ..Default::default()
        };
        clients::insert_in_tx(&mut tx, &c, NOW).await.unwrap();
        for (cvx, on) in [("08", "2019-03-15"), ("110", "2019-05-16")] {
            immunizations::insert_in_tx(
                &mut tx,
                &NewImmunization {
                    client_id: c.id,
                    cvx: cvx.into(),
                    administered_on: on.into(),
                    source: "administered".into(),
                    ..Default::default()
                },
                NOW,
            )
            .await
            .unwrap();
        }
        ids.push(c.id);
    }
    tx.commit().await.unwrap();
    World {
        store,
        survivor: ids[0],
        merged: ids[1],
        user,
        clinic_a: orgs[0],
        clinic_b: orgs[1],
    }
}

async fn doses_of(store: &Store, client: ClientId) -> usize {
    immunizations::for_client(store, client)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_merge_keeps_every_dose_and_name_and_unmerge_puts_them_back() {
    let w = world().await;
    let mut tx = w.store.begin().await.unwrap();
    let pair = record_pair_in_tx(&mut tx, w.merged, w.survivor, 21.5, "surname exact", NOW)
        .await
        .unwrap();
    let again = record_pair_in_tx(&mut tx, w.survivor, w.merged, 25.0, "better", NOW)
        .await
        .unwrap();
    assert_eq!(pair, again, "a pair is one row whatever the order");
    let merge_id = merge_in_tx(&mut tx, w.survivor, w.merged, Some(&pair), w.user, NOW)
        .await
        .unwrap();
    set_pair_status_in_tx(&mut tx, &pair, "merged", w.user, NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    assert_eq!(doses_of(&w.store, w.survivor).await, 4);
    assert_eq!(doses_of(&w.store, w.merged).await, 0);
    let akas = demographics::names(&w.store, w.survivor).await.unwrap();
    assert_eq!(akas.len(), 1);
    assert_eq!(
        (akas[0].first_name.as_str(), akas[0].kind.as_str()),
        ("Bill", "merged")
    );
    assert!(demographics::is_member(&w.store, w.survivor, w.clinic_b)
        .await
        .unwrap());
    assert_eq!(
        merged_into(&w.store, w.merged).await.unwrap(),
        Some(w.survivor.to_string())
    );
    assert!(open_pairs(&w.store, 10).await.unwrap().is_empty());

    let m = merge(&w.store, &merge_id).await.unwrap();
    let moves = merge_moves(&w.store, &merge_id).await.unwrap();
    assert_eq!(
        (
            moves.immunizations.len(),
            moves.names.len(),
            moves.organizations.len()
        ),
        (2, 1, 1)
    );
    let mut tx = w.store.begin().await.unwrap();
    unmerge_in_tx(&mut tx, &m, &moves, w.user, NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    assert_eq!(doses_of(&w.store, w.survivor).await, 2);
    assert_eq!(doses_of(&w.store, w.merged).await, 2);
    assert!(!demographics::is_member(&w.store, w.survivor, w.clinic_b)
        .await
        .unwrap());
    assert!(demographics::is_member(&w.store, w.survivor, w.clinic_a)
        .await
        .unwrap());
    let akas = demographics::names(&w.store, w.survivor).await.unwrap();
    assert!(
        akas[0].voided_at.is_some(),
        "the AKA is voided, not deleted"
    );
    assert_eq!(merged_into(&w.store, w.merged).await.unwrap(), None);
    assert_eq!(open_pairs(&w.store, 10).await.unwrap().len(), 1);
    let mut tx = w.store.begin().await.unwrap();
    let twice = unmerge_in_tx(&mut tx, &m, &moves, w.user, NOW).await;
    assert!(matches!(twice, Err(StoreError::NotFound("merge"))));
}

#[tokio::test]
async fn a_merged_away_record_is_still_shown_with_its_survivor() {
    let w = world().await;
    let mut tx = w.store.begin().await.unwrap();
    merge_in_tx(&mut tx, w.survivor, w.merged, None, w.user, NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let shown = match_rows(&w.store, &[w.merged.to_string()]).await.unwrap();
    assert_eq!(shown[0].merged_into, Some(w.survivor.to_string()));
}

#[tokio::test]
async fn the_queue_keeps_a_clusters_pairs_together_most_probable_cluster_first() {
    let w = world().await;
    let mut tx = w.store.begin().await.unwrap();
    let mut more = Vec::new();
    for first in ["Will", "Willy", "Liam", "Memo"] {
        let c = NewClient {
            first_name: first.into(),
            last_name: "Garcia".into(),
            date_of_birth: "2019-03-14".into(),
            gender: "M".into(),
            consent: "granted".into(),
            home_organization_id: Some(w.clinic_a),
            ..Default::default()
        };
        clients::insert_in_tx(&mut tx, &c, NOW).await.unwrap();
        more.push(c.id);
    }
    let entry = |probability, cluster| QueueEntry {
        score: 20.0,
        reasons: "same date of birth",
        probability,
        cluster,
    };
    // A hand-set scan's pair (no probability) with the highest score, a cluster of three
    // records whose best pair is 0.97, and a lone pair at 0.995 from another cluster.
    let (hand_set, _) = queue_pair_in_tx(
        &mut tx,
        w.survivor,
        more[3],
        &QueueEntry {
            score: 40.0,
            ..entry(None, None)
        },
        NOW,
    )
    .await
    .unwrap();
    let mut cluster = Vec::new();
    for (a, b, p) in [
        (w.survivor, w.merged, 0.62),
        (w.merged, more[0], 0.97),
        (w.survivor, more[0], 0.80),
    ] {
        let (id, _) = queue_pair_in_tx(&mut tx, a, b, &entry(Some(p), Some("c-three")), NOW)
            .await
            .unwrap();
        cluster.push(id);
    }
    let (lone, _) = queue_pair_in_tx(
        &mut tx,
        more[1],
        more[2],
        &entry(Some(0.995), Some("c-two")),
        NOW,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let queue = open_pairs(&w.store, 10).await.unwrap();
    let order: Vec<&str> = queue.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        order,
        [
            lone.as_str(),
            cluster[1].as_str(),
            cluster[2].as_str(),
            cluster[0].as_str(),
            hand_set.as_str()
        ]
    );
    assert_eq!(queue[1].cluster_id.as_deref(), Some("c-three"));
    assert_eq!(queue[1].probability, Some(0.97));
    assert_eq!(queue[4].probability, None);
}
