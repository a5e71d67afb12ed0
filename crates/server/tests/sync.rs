//! The sync endpoints over HTTPS against real PostgreSQL: a workstation fills its replica from
//! a snapshot, records a dose, and pulls it back once; the replica holds its organization's
//! clients and no other's; every client sent is audited; roles without a replica, other
//! protocol versions and malformed pages are refused with their codes.

mod common;

use std::collections::BTreeSet;

use serde_json::{json, Value};
use shotbook_core::consent::ConsentStatus;
use shotbook_core::ids::{ClientId, ImmunizationId, OrganizationId, UserId};
use shotbook_protocol::{
    ChangeEnvelope, ChangeOp, ChangeSource, Entity, Handshake, ImmunizationColumns, Origin,
    PROTOCOL_VERSION,
};
use shotbook_server_store::setup::{self, NewClient};
use shotbook_server_store::test_database::{settle_sync_horizon, TestDatabase};
use shotbook_server_store::{sqlx, PgRegistry, SCHEMA_LINE};
use shotbook_usecases::ports::{AccessReads, Registry};
use shotbook_usecases::sync::{MAX_PUSH, REPLICATED};
use time::macros::date;
use time::OffsetDateTime;

use common::{access_token, Server};

async fn add_client(registry: &PgRegistry, home: &str, last: &str) -> ClientId {
    let clinic = registry.organization_by_code(home).await.unwrap().unwrap();
    let client = ClientId::new();
    let mut work = registry
        .begin(test_origin(), OffsetDateTime::now_utc())
        .await
        .unwrap();
    setup::insert_client(
        &mut work,
        &NewClient {
            id: client,
            registry_id: None,
            first_name: "Mateo".into(),
            last_name: last.into(),
            date_of_birth: date!(2022 - 08 - 19),
            gender: "M".into(),
            consent: ConsentStatus::Granted,
            home_organization: Some(clinic.id),
        },
    )
    .await
    .unwrap();
    work.commit().await.unwrap();
    client
}

fn test_origin() -> shotbook_protocol::Origin {
    shotbook_protocol::Origin {
        source: shotbook_protocol::ChangeSource::Local,
        node: "test".into(),
    }
}

fn workstation() -> Value {
    serde_json::to_value(Handshake {
        protocol: PROTOCOL_VERSION,
        schema_line: SCHEMA_LINE,
        node: "FRONT-DESK-1".into(),
    })
    .unwrap()
}

/// Every record of `entity` in the signed-in organization's scope, `limit` per page.
async fn snapshot_all(server: &Server, token: &str, entity: &str, limit: u32) -> Vec<Value> {
    let mut records = Vec::new();
    let mut after = Value::Null;
    loop {
        let body =
            json!({ "handshake": workstation(), "entity": entity, "after": after, "limit": limit });
        let (status, page) = server.post("/v1/sync/snapshot", Some(token), &body).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["entity"], entity);
        records.extend(page["records"].as_array().unwrap().iter().cloned());
        if page["more"] != true {
            return records;
        }
        after = page["nextAfter"].clone();
    }
}

/// Pulls from `cursor` until nothing more; the changes and the last cursor.
async fn pull_all(server: &Server, token: &str, mut cursor: Value) -> (Vec<Value>, Value) {
    let mut changes = Vec::new();
    loop {
        let body = json!({ "handshake": workstation(), "cursor": cursor, "limit": 2 });
        let (status, page) = server.post("/v1/sync/pull", Some(token), &body).await;
        assert_eq!(status, 200, "{page}");
        changes.extend(page["changes"].as_array().unwrap().iter().cloned());
        cursor = page["nextCursor"].clone();
        if page["more"] != true {
            return (changes, cursor);
        }
    }
}

async fn replicated_audits(registry: &PgRegistry, client: ClientId) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'replicate_client' AND client_id = $1",
    )
    .bind(client.as_uuid())
    .fetch_one(registry.pool())
    .await
    .unwrap()
}

async fn demo() -> TestDatabase {
    let db = TestDatabase::create("sync-api").await.unwrap();
    shotbook_server::demo::seed(db.registry(), OffsetDateTime::now_utc())
        .await
        .unwrap();
    db
}

#[tokio::test]
async fn a_workstation_fills_its_replica_records_a_dose_and_pulls_it_back_once() {
    let db = demo().await;
    let registry = db.registry().clone();
    let ours = add_client(&registry, "TX0001", "Ours").await;
    let theirs = add_client(&registry, "TX0002", "Theirs").await;
    let server = Server::start(registry.clone()).await;
    let token = access_token(&server, "TX0001", "tx.provider").await;

    let (status, sync_status) = server.get("/v1/sync/status", Some(&token)).await;
    assert_eq!(status, 200, "{sync_status}");
    assert_eq!(sync_status["handshake"]["protocol"], PROTOCOL_VERSION);
    let tx0001 = registry
        .organization_by_code("TX0001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sync_status["organizationId"], tx0001.id.to_string());
    let entities: Vec<String> = sync_status["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        entities,
        REPLICATED.iter().map(|e| e.code()).collect::<Vec<_>>()
    );
    let horizon = sync_status["horizon"].clone();

    // The snapshot, two clients a page: ours, never theirs.
    let clients = snapshot_all(&server, &token, "client", 2).await;
    let ids: BTreeSet<&str> = clients.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), clients.len(), "no client twice across pages");
    assert!(ids.contains(ours.to_string().as_str()));
    assert!(!ids.contains(theirs.to_string().as_str()));
    for c in &clients {
        assert_eq!(c["payload"]["home_organization_id"], tx0001.id.to_string());
    }
    let organizations = snapshot_all(&server, &token, "organization", 100).await;
    assert!(
        organizations.len() >= 2,
        "the registry's organizations travel to every replica"
    );

    // A shot card recorded online after the snapshot …
    let card = json!({ "doses": [{ "cvx": "03", "administeredOn": "09/01/2023" }] });
    let (status, saved) = server
        .post(
            &format!("/v1/clients/{ours}/immunizations/historical"),
            Some(&token),
            &card,
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    let dose = saved["ids"][0].as_str().unwrap().to_string();

    // … arrives in the pull from the horizon, once, with its columns.
    settle_sync_horizon(&registry).await;
    let (changes, cursor) = pull_all(&server, &token, horizon).await;
    let doses: Vec<&Value> = changes
        .iter()
        .filter(|c| c["entity"] == "immunization")
        .collect();
    assert_eq!(doses.len(), 1, "{doses:?}");
    assert_eq!(doses[0]["entityId"], dose);
    assert_eq!(doses[0]["op"], "insert");
    assert_eq!(doses[0]["payload"]["client_id"], ours.to_string());
    assert_eq!(doses[0]["payload"]["cvx"], "03");
    assert!(changes
        .iter()
        .all(|c| c["entityId"] != theirs.to_string().as_str()));
    let (again, _) = pull_all(&server, &token, cursor).await;
    assert!(
        again.iter().all(|c| c["entity"] != "immunization"),
        "nothing is served twice"
    );

    // Every client sent is audited; theirs never was.
    assert!(replicated_audits(&registry, ours).await >= 2);
    assert_eq!(replicated_audits(&registry, theirs).await, 0);

    // The client asked for alone (a client who just joined the scope).
    let body = json!({ "handshake": workstation(), "entity": "immunization", "client": ours.to_string(), "limit": 10 });
    let (status, page) = server.post("/v1/sync/snapshot", Some(&token), &body).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["records"].as_array().unwrap().len(), 1);
    assert_eq!(page["records"][0]["id"], dose);
}

#[tokio::test]
async fn only_roles_that_keep_a_replica_sync_and_only_on_the_same_protocol() {
    let db = demo().await;
    let registry = db.registry().clone();
    let theirs = add_client(&registry, "TX0002", "Theirs").await;
    let server = Server::start(registry.clone()).await;
    let pull = json!({ "handshake": workstation(), "cursor": { "transaction": 0, "seq": 0 }, "limit": 10 });
    let snapshot = json!({ "handshake": workstation(), "entity": "client", "limit": 10 });

    // Signed out.
    let (status, _) = server.get("/v1/sync/status", None).await;
    assert_eq!(status, 401);
    let (status, _) = server.post("/v1/sync/pull", None, &pull).await;
    assert_eq!(status, 401);

    // Roles that read online only.
    for (org, user) in [("TXSCH1", "tx.school"), ("MT0001", "mt.readonly")] {
        let token = access_token(&server, org, user).await;
        let (status, body) = server.get("/v1/sync/status", Some(&token)).await;
        assert_eq!(
            (status, &body["permission"]),
            (403, &json!("replicate_organization"))
        );
        let (status, _) = server.post("/v1/sync/pull", Some(&token), &pull).await;
        assert_eq!(status, 403);
        let (status, _) = server
            .post("/v1/sync/snapshot", Some(&token), &snapshot)
            .await;
        assert_eq!(status, 403);
    }

    let token = access_token(&server, "TX0001", "tx.provider").await;
    // Another protocol.
    let mut old = pull.clone();
    old["handshake"]["protocol"] = json!(PROTOCOL_VERSION + 1);
    let (status, body) = server.post("/v1/sync/pull", Some(&token), &old).await;
    assert_eq!((status, &body["code"]), (409, &json!("version_mismatch")));
    let mut other_line = snapshot.clone();
    other_line["handshake"]["schemaLine"] = json!(SCHEMA_LINE + 1);
    let (status, body) = server
        .post("/v1/sync/snapshot", Some(&token), &other_line)
        .await;
    assert_eq!((status, &body["code"]), (409, &json!("version_mismatch")));

    // What a replica does not hold, a position that is no record's, a client of another
    // organization, a client id that is no id.
    let mut users = snapshot.clone();
    users["entity"] = json!("user");
    let (status, body) = server.post("/v1/sync/snapshot", Some(&token), &users).await;
    assert_eq!(
        (status, &body["issues"][0]["field"]),
        (422, &json!("entity"))
    );
    let mut bad_after = snapshot.clone();
    bad_after["after"] = json!("'; DROP TABLE clients; --");
    let (status, body) = server
        .post("/v1/sync/snapshot", Some(&token), &bad_after)
        .await;
    assert_eq!(
        (status, &body["issues"][0]["field"]),
        (422, &json!("after"))
    );
    let mut outside = snapshot.clone();
    outside["client"] = json!(theirs.to_string());
    let (status, body) = server
        .post("/v1/sync/snapshot", Some(&token), &outside)
        .await;
    assert_eq!(
        (status, &body["permission"]),
        (403, &json!("replicate_outside_organization"))
    );
    assert_eq!(replicated_audits(&registry, theirs).await, 0);
    let mut no_id = snapshot.clone();
    no_id["client"] = json!("nobody");
    let (status, body) = server.post("/v1/sync/snapshot", Some(&token), &no_id).await;
    assert_eq!((status, &body["code"]), (400, &json!("bad_client_id")));
    let (status, body) = server
        .post("/v1/sync/pull", Some(&token), &json!({ "cursor": 7 }))
        .await;
    assert_eq!((status, &body["code"]), (400, &json!("bad_json")));
}

/// A dose as a workstation's outbox carries it: recorded at `organization` by `recorder`.
fn offline_dose(
    id: ImmunizationId,
    client: ClientId,
    organization: OrganizationId,
    recorder: UserId,
) -> ImmunizationColumns {
    let today = OffsetDateTime::now_utc().date();
    ImmunizationColumns {
        id: id.to_string(),
        client_id: client.to_string(),
        cvx: "03".into(),
        mvx: Some("MSD".into()),
        administered_on: today.to_string(),
        lot_number: Some("X7Q2K".into()),
        expiration_date: Some((today + time::Duration::days(200)).to_string()),
        dose_volume_ml: Some(0.5),
        route: Some("C28161".into()),
        site: Some("LA".into()),
        source: "administered".into(),
        organization_id: Some(organization.to_string()),
        clinician: Some("R. Alvarez, RN".into()),
        funding_source: None,
        vfc_eligibility: Some("V02".into()),
        status: "completed".into(),
        void_reason: None,
        lot_id: None,
        ndc: None,
        vis_document: None,
        vis_edition_date: None,
        vis_given_on: None,
        historical_provider: None,
        recorded_by: Some(recorder.to_string()),
        recorded_by_organization_id: Some(organization.to_string()),
        revision: 1,
    }
}

fn envelope(seq: i64, entity: Entity, op: ChangeOp, id: String, payload: Value) -> Value {
    serde_json::to_value(ChangeEnvelope {
        seq,
        entity,
        entity_id: id,
        op,
        revision: Some(1),
        origin: Origin {
            source: ChangeSource::Local,
            node: "FRONT-DESK-1".into(),
        },
        at: OffsetDateTime::now_utc(),
        payload: Some(payload),
    })
    .unwrap()
}

fn dose_envelope(seq: i64, op: ChangeOp, dose: &ImmunizationColumns) -> Value {
    envelope(
        seq,
        Entity::Immunization,
        op,
        dose.id.clone(),
        serde_json::to_value(dose).unwrap(),
    )
}

/// Rows of `client`'s doses: (id, status).
async fn stored_doses(registry: &PgRegistry, client: ClientId) -> Vec<(String, String)> {
    sqlx::query_as("SELECT id::text, status FROM immunizations WHERE client_id = $1 ORDER BY id")
        .bind(client.as_uuid())
        .fetch_all(registry.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn offline_doses_are_pushed_exactly_once_voids_win_and_refusals_come_back_with_reasons() {
    let db = demo().await;
    let registry = db.registry().clone();
    let ours = add_client(&registry, "TX0001", "Ours").await;
    let merged = add_client(&registry, "TX0001", "Merged").await;
    sqlx::query("UPDATE clients SET merged_into = $1 WHERE id = $2")
        .bind(ours.as_uuid())
        .bind(merged.as_uuid())
        .execute(registry.pool())
        .await
        .unwrap();
    let tx0001 = registry
        .organization_by_code("TX0001")
        .await
        .unwrap()
        .unwrap()
        .id;
    let tx0002 = registry
        .organization_by_code("TX0002")
        .await
        .unwrap()
        .unwrap()
        .id;
    let provider = registry
        .user_by_username("tx.provider")
        .await
        .unwrap()
        .unwrap();
    let outsider = registry
        .user_by_username("mt.records")
        .await
        .unwrap()
        .unwrap();
    let server = Server::start(registry.clone()).await;
    let token = access_token(&server, "TX0001", "tx.provider").await;
    let (_, sync_status) = server.get("/v1/sync/status", Some(&token)).await;
    let horizon = sync_status["horizon"].clone();

    // Recorded offline: a dose later voided there, a dose on a client merged meanwhile on the
    // registry, a dose claimed for another clinic, one naming a recorder from another state's
    // clinic, and a demographic edit (not pushable yet).
    let given = offline_dose(ImmunizationId::new(), ours, tx0001, provider);
    let on_merged = offline_dose(ImmunizationId::new(), merged, tx0001, provider);
    let theirs = offline_dose(ImmunizationId::new(), ours, tx0002, provider);
    let stranger = offline_dose(ImmunizationId::new(), ours, tx0001, outsider);
    let mut voided = given.clone();
    voided.status = "entered_in_error".into();
    voided.void_reason = Some("Wrong client".into());
    let batch = json!({
        "handshake": workstation(),
        "changes": [
            dose_envelope(3, ChangeOp::Insert, &given),
            dose_envelope(4, ChangeOp::Insert, &on_merged),
            dose_envelope(7, ChangeOp::Insert, &theirs),
            dose_envelope(8, ChangeOp::Insert, &stranger),
            envelope(9, Entity::Client, ChangeOp::Update, ours.to_string(), json!({ "id": ours.to_string() })),
            dose_envelope(12, ChangeOp::Void, &voided),
        ]
    });
    let expected_conflicts = |conflicts: &Value| {
        let seen: Vec<(i64, String, Option<String>)> = conflicts
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["seq"].as_i64().unwrap(),
                    c["kind"].as_str().unwrap().to_string(),
                    c["reason"].as_str().map(str::to_string),
                )
            })
            .collect();
        seen
    };
    let (status, outcome) = server.post("/v1/sync/push", Some(&token), &batch).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["acknowledgedThrough"], 12);
    let refused = |seq: i64, reason: &str| (seq, "refused".to_string(), Some(reason.to_string()));
    assert_eq!(
        expected_conflicts(&outcome["conflicts"]),
        vec![
            (4, "moved_to_survivor".to_string(), None),
            refused(7, "push_for_another_organization"),
            refused(8, "push_for_another_organization"),
            refused(9, "not_pushable"),
        ]
    );
    let mut on_ours = stored_doses(&registry, ours).await;
    on_ours.sort();
    let mut expected = vec![
        (given.id.clone(), "entered_in_error".to_string()),
        (on_merged.id.clone(), "completed".to_string()),
    ];
    expected.sort();
    assert_eq!(on_ours, expected, "one row per dose, on the kept record");
    assert!(stored_doses(&registry, merged).await.is_empty());

    // The answer was lost; the workstation sends the same batch again: nothing changes.
    let (status, again) = server.post("/v1/sync/push", Some(&token), &batch).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["acknowledgedThrough"], 12);
    assert_eq!(
        expected_conflicts(&again["conflicts"]),
        vec![
            refused(7, "push_for_another_organization"),
            refused(8, "push_for_another_organization"),
            refused(9, "not_pushable"),
        ]
    );
    let mut replayed = stored_doses(&registry, ours).await;
    replayed.sort();
    assert_eq!(replayed, expected, "a replay duplicates nothing");

    // Other workstations pull each dose as it now stands, once per change, the void last.
    settle_sync_horizon(&registry).await;
    let (changes, _) = pull_all(&server, &token, horizon).await;
    let given_changes: Vec<&str> = changes
        .iter()
        .filter(|c| c["entityId"] == given.id.as_str())
        .map(|c| c["op"].as_str().unwrap())
        .collect();
    assert_eq!(given_changes.first(), Some(&"insert"));
    assert_eq!(
        given_changes.iter().filter(|op| **op == "insert").count(),
        1
    );
    let last = changes
        .iter()
        .rfind(|c| c["entityId"] == given.id.as_str())
        .unwrap();
    assert_eq!(last["payload"]["status"], "entered_in_error");
    assert_eq!(last["payload"]["void_reason"], "Wrong client");
    let moved = changes
        .iter()
        .find(|c| c["entityId"] == on_merged.id.as_str())
        .unwrap();
    assert_eq!(moved["payload"]["client_id"], ours.to_string());
    assert_eq!(moved["payload"]["recorded_by"], provider.to_string());

    // Each dose recorded by push is audited as such.
    let pushed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE client_id = $1 AND detail LIKE '%pushed'",
    )
    .bind(ours.as_uuid())
    .fetch_one(registry.pool())
    .await
    .unwrap();
    assert_eq!(pushed, 2);
}

#[tokio::test]
async fn a_push_out_of_order_or_too_large_is_refused_whole_and_roles_without_a_replica_cannot_push()
{
    let db = demo().await;
    let registry = db.registry().clone();
    let ours = add_client(&registry, "TX0001", "Ours").await;
    let tx0001 = registry
        .organization_by_code("TX0001")
        .await
        .unwrap()
        .unwrap()
        .id;
    let provider = registry
        .user_by_username("tx.provider")
        .await
        .unwrap()
        .unwrap();
    let server = Server::start(registry.clone()).await;
    let token = access_token(&server, "TX0001", "tx.provider").await;
    let first = offline_dose(ImmunizationId::new(), ours, tx0001, provider);
    let second = offline_dose(ImmunizationId::new(), ours, tx0001, provider);

    let backwards = json!({
        "handshake": workstation(),
        "changes": [dose_envelope(5, ChangeOp::Insert, &first), dose_envelope(5, ChangeOp::Insert, &second)]
    });
    let (status, body) = server.post("/v1/sync/push", Some(&token), &backwards).await;
    assert_eq!(
        (status, &body["issues"][0]["field"]),
        (422, &json!("changes[1].seq"))
    );
    let too_many: Vec<Value> = (1..=(MAX_PUSH as i64 + 1))
        .map(|seq| dose_envelope(seq, ChangeOp::Insert, &first))
        .collect();
    let (status, body) = server
        .post(
            "/v1/sync/push",
            Some(&token),
            &json!({ "handshake": workstation(), "changes": too_many }),
        )
        .await;
    assert_eq!(
        (status, &body["issues"][0]["field"]),
        (422, &json!("changes")),
        "{body}"
    );
    assert!(
        stored_doses(&registry, ours).await.is_empty(),
        "nothing of a refused push is kept"
    );
    let mut huge = dose_envelope(1, ChangeOp::Insert, &first);
    huge["payload"]["clinician"] = json!("x".repeat(3 * 1024 * 1024));
    let (status, body) = server
        .post(
            "/v1/sync/push",
            Some(&token),
            &json!({ "handshake": workstation(), "changes": [huge] }),
        )
        .await;
    assert_eq!((status, &body["code"]), (413, &json!("body_too_large")));
    // Other addresses keep their small limit.
    let (status, body) = server
        .post(
            "/v1/clients/search/basic",
            Some(&token),
            &json!({ "lastName": "x".repeat(300 * 1024) }),
        )
        .await;
    assert_eq!((status, &body["code"]), (413, &json!("body_too_large")));

    // A payload that is not a dose's columns is refused with its reason, not dropped.
    let garbled = json!({
        "handshake": workstation(),
        "changes": [envelope(1, Entity::Immunization, ChangeOp::Insert, first.id.clone(), json!({ "id": first.id }))]
    });
    let (status, outcome) = server.post("/v1/sync/push", Some(&token), &garbled).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["conflicts"][0]["reason"], "invalid");
    assert_eq!(outcome["acknowledgedThrough"], 1);

    let school = access_token(&server, "TXSCH1", "tx.school").await;
    let one = json!({ "handshake": workstation(), "changes": [dose_envelope(1, ChangeOp::Insert, &first)] });
    let (status, body) = server.post("/v1/sync/push", Some(&school), &one).await;
    assert_eq!(
        (status, &body["permission"]),
        (403, &json!("replicate_organization"))
    );
    let (status, _) = server.post("/v1/sync/push", None, &one).await;
    assert_eq!(status, 401);
    let mut old = one.clone();
    old["handshake"]["protocol"] = json!(PROTOCOL_VERSION + 1);
    let (status, body) = server.post("/v1/sync/push", Some(&token), &old).await;
    assert_eq!((status, &body["code"]), (409, &json!("version_mismatch")));
    assert!(stored_doses(&registry, ours).await.is_empty());
}
