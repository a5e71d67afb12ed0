//! The registry's API over HTTPS, end to end against real PostgreSQL: signing in (the ladder,
//! the CAPTCHA, the confidentiality statement, device enrolment), tokens (refresh once with the
//! device's proof, a replay revokes the sign-in, sign-out), the authorization rules, and a
//! client's history read and written through the same use cases as the desktop.

mod common;

use std::sync::Arc;

use serde_json::{json, Value};
use shotbook_core::consent::ConsentStatus;
use shotbook_core::ids::ClientId;
use shotbook_protocol::{ChangeSource, Origin};
use shotbook_server::tokens::TokenKeys;
use shotbook_server_store::setup::{self, NewClient};
use shotbook_server_store::test_database::TestDatabase;
use shotbook_server_store::{sqlx, PgRegistry};
use shotbook_synth::demo::DEMO_PASSWORD;
use shotbook_usecases::ports::{AccessReads, Registry};
use time::macros::date;
use time::OffsetDateTime;

use common::{sign_in_body, Device, Server};

/// A demo registry (organizations and users) with one Texas client of TX0001 who consented.
async fn demo_registry() -> (TestDatabase, ClientId) {
    let db = TestDatabase::create("api-test").await.unwrap();
    shotbook_server::demo::seed(db.registry(), OffsetDateTime::now_utc())
        .await
        .unwrap();
    let client = add_client(db.registry(), "TX0001", ConsentStatus::Granted).await;
    (db, client)
}

/// Registers a client at the organization with org code `home`.
async fn add_client(registry: &PgRegistry, home: &str, consent: ConsentStatus) -> ClientId {
    let clinic = registry.organization_by_code(home).await.unwrap().unwrap();
    let client = ClientId::new();
    let origin = Origin {
        source: ChangeSource::Local,
        node: "test".into(),
    };
    let mut work = registry
        .begin(origin, OffsetDateTime::now_utc())
        .await
        .unwrap();
    setup::insert_client(
        &mut work,
        &NewClient {
            id: client,
            registry_id: None,
            first_name: "Sofia".into(),
            last_name: "Garza".into(),
            date_of_birth: date!(2020 - 03 - 14),
            gender: "F".into(),
            consent,
            home_organization: Some(clinic.id),
        },
    )
    .await
    .unwrap();
    work.commit().await.unwrap();
    client
}

async fn signed_in(server: &Server, org: &str, username: &str, device: &Device) -> Value {
    let (status, body) = server
        .post(
            "/v1/sign-in",
            None,
            &sign_in_body(org, username, DEMO_PASSWORD, device),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Spends `refresh_token` with `device`'s proof.
async fn spend_refresh(server: &Server, refresh_token: &str, device: &Device) -> (u16, Value) {
    let body = json!({ "refreshToken": refresh_token, "deviceProof": device.proof(refresh_token) });
    server.post("/v1/tokens/refresh", None, &body).await
}

fn token(tokens: &Value, name: &str) -> String {
    tokens[name].as_str().expect("a token").to_string()
}

#[tokio::test]
async fn a_nurse_signs_in_records_a_shot_card_reads_the_history_and_signs_out() {
    let (db, client) = demo_registry().await;
    let server = Server::start(db.registry().clone()).await;
    let device = Device::new();
    let tokens = signed_in(&server, "tx0001", "TX.Provider", &device).await;
    assert_eq!(tokens["user"]["username"], "tx.provider");
    assert_eq!(tokens["user"]["organizationCode"], "TX0001");
    assert_eq!(tokens["user"]["role"], "full_access_provider");
    let access = token(&tokens, "accessToken");
    assert!(access.starts_with("v4.local."));

    let (status, me) = server.get("/v1/me", Some(&access)).await;
    assert_eq!(
        (status, me["username"].as_str()),
        (200, Some("tx.provider"))
    );

    let card = json!({ "doses": [
        { "cvx": "03", "administeredOn": "03/20/2021", "provider": "Valley Clinic" },
        { "cvx": "21", "administeredOn": "03/20/2021" }
    ]});
    let path = format!("/v1/clients/{client}/immunizations/historical");
    let (status, saved) = server.post(&path, Some(&access), &card).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["saved"], true, "{saved}");
    assert_eq!(saved["ids"].as_array().map(Vec::len), Some(2));

    let bad = json!({ "doses": [
        { "cvx": "03", "administeredOn": "02/30/2021" },
        { "cvx": "9999", "administeredOn": "03/20/2021" }
    ]});
    let (status, refused) = server.post(&path, Some(&access), &bad).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["code"], "invalid");
    let fields: Vec<&str> = refused["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["field"].as_str())
        .collect();
    assert_eq!(fields, ["doses[0].administeredOn", "doses[1].cvx"]);

    let history_path = format!("/v1/clients/{client}/immunizations");
    let (status, history) = server.get(&history_path, Some(&access)).await;
    assert_eq!(status, 200, "{history}");
    let doses = history.as_array().unwrap();
    assert_eq!(doses.len(), 2, "the refused card added nothing: {history}");
    assert!(doses
        .iter()
        .all(|d| d["administeredOn"] == "03/20/2021" && d["source"] == "historical"));

    let (viewed, written): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE action = 'view_client'),
                count(*) FILTER (WHERE action = 'update_immunization')
         FROM audit_log WHERE client_id = $1",
    )
    .bind(client.as_uuid())
    .fetch_one(db.registry().pool())
    .await
    .unwrap();
    assert!(viewed >= 1, "the read is audited");
    assert!(written >= 1, "the write is audited");

    let (status, _) = server.post("/v1/sign-out", Some(&access), &json!({})).await;
    assert_eq!(status, 200);
    let refresh = token(&tokens, "refreshToken");
    let (status, body) = spend_refresh(&server, &refresh, &device).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("refresh_token_invalid"))
    );
}

#[tokio::test]
async fn a_refresh_token_is_spent_once_and_a_replay_revokes_the_sign_in() {
    let (db, _) = demo_registry().await;
    let server = Server::start(db.registry().clone()).await;
    let device = Device::new();
    let first = signed_in(&server, "TX0001", "tx.provider", &device).await;
    let refresh = token(&first, "refreshToken");

    let stranger = Device::new();
    let (status, body) = spend_refresh(&server, &refresh, &stranger).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("device_proof_invalid")),
        "a stolen refresh token without the device key gets nothing"
    );

    let second = signed_in(&server, "TX0001", "tx.provider", &device).await;
    assert_eq!(
        second["deviceId"], first["deviceId"],
        "the device is enrolled once"
    );
    let refresh = token(&second, "refreshToken");
    let (status, third) = spend_refresh(&server, &refresh, &device).await;
    assert_eq!(status, 200, "{third}");
    let (status, _) = server
        .get("/v1/me", Some(&token(&third, "accessToken")))
        .await;
    assert_eq!(status, 200);

    let (status, body) = spend_refresh(&server, &refresh, &device).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("refresh_token_replayed"))
    );
    let newest = token(&third, "refreshToken");
    let (status, body) = spend_refresh(&server, &newest, &device).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("refresh_token_invalid")),
        "the replay revoked the whole sign-in"
    );
}

/// Reads the arithmetic question of a CAPTCHA and answers it, as a person would.
fn answer(question: &str) -> String {
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    let numbers: Vec<usize> = question
        .split(|c: char| !c.is_alphabetic())
        .filter_map(|w| WORDS.iter().position(|n| *n == w))
        .collect();
    assert_eq!(numbers.len(), 2, "{question}");
    (numbers[0] + numbers[1]).to_string()
}

#[tokio::test]
async fn the_ladder_over_https_asks_for_a_captcha_that_another_server_process_accepts() {
    let (db, _) = demo_registry().await;
    let keys = Arc::new(TokenKeys::ephemeral());
    let a = Server::start_with(db.registry().clone(), keys.clone()).await;
    let b = Server::start_with(db.registry().clone(), keys).await;
    let device = Device::new();
    let wrong = sign_in_body("TX0001", "tx.supervisor", "not-the-password", &device);
    for server in [&a, &b] {
        let (status, body) = server.post("/v1/sign-in", None, &wrong).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("invalid_credentials"))
        );
    }
    let (status, body) = a.post("/v1/sign-in", None, &wrong).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("captcha_required"))
    );
    let question = body["captcha"]["textQuestion"].as_str().unwrap();
    let challenge = body["captcha"]["challengeId"].as_str().unwrap();

    let mut right = sign_in_body("TX0001", "tx.supervisor", DEMO_PASSWORD, &device);
    let (status, body) = b.post("/v1/sign-in", None, &right).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("captcha_required")),
        "the other process knows the count too"
    );
    right["captcha"] = json!({ "challengeId": challenge, "answer": answer(question) });
    let (status, tokens) = b.post("/v1/sign-in", None, &right).await;
    assert_eq!(
        status, 200,
        "a CAPTCHA issued by one process is solved at another: {tokens}"
    );
    let access = token(&tokens, "accessToken");
    let (status, _) = a.get("/v1/me", Some(&access)).await;
    assert_eq!(status, 200, "a token of one process works at the other");
    let (status, body) = a.post("/v1/sign-in", None, &right).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (200, None),
        "the success cleared the count (no CAPTCHA needed now): {body}"
    );
    let reused = right["captcha"].clone();
    let mut after = wrong.clone();
    after["captcha"] = reused;
    for _ in 0..2 {
        a.post("/v1/sign-in", None, &wrong).await;
    }
    let (status, body) = a.post("/v1/sign-in", None, &after).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("captcha_required")),
        "a solved challenge does not solve twice"
    );
}

#[tokio::test]
async fn requests_without_a_valid_token_or_the_permission_are_refused() {
    let (db, client) = demo_registry().await;
    let server = Server::start(db.registry().clone()).await;
    let history = format!("/v1/clients/{client}/immunizations");
    let card_path = format!("/v1/clients/{client}/immunizations/historical");
    let card = json!({ "doses": [{ "cvx": "03", "administeredOn": "03/20/2021" }] });

    let (status, body) = server.get(&history, None).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("signed_out")));
    let (status, body) = server.get(&history, Some("v4.local.forged")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("access_token_invalid"))
    );
    let elsewhere = Server::start(db.registry().clone()).await;
    let device = Device::new();
    let foreign = signed_in(&elsewhere, "TX0001", "tx.provider", &device).await;
    let (status, body) = server
        .get(&history, Some(&token(&foreign, "accessToken")))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("access_token_invalid")),
        "a token sealed under another key"
    );

    let school = signed_in(&server, "TXSCH1", "tx.school", &Device::new()).await;
    let (status, body) = server
        .post(&card_path, Some(&token(&school, "accessToken")), &card)
        .await;
    assert_eq!(
        (status, body["code"].as_str(), body["permission"].as_str()),
        (403, Some("forbidden"), Some("add_immunizations"))
    );

    let mut unaccepted = sign_in_body("TX0001", "tx.provider", DEMO_PASSWORD, &device);
    unaccepted["acceptConfidentiality"] = json!(false);
    let (status, body) = server.post("/v1/sign-in", None, &unaccepted).await;
    assert_eq!(status, 422);
    assert_eq!(body["issues"][0]["field"], "acceptConfidentiality");

    let provider = signed_in(&server, "TX0001", "tx.provider", &device).await;
    let access = token(&provider, "accessToken");
    let (status, _) = server.get(&history, Some(&access)).await;
    assert_eq!(status, 200);
    sqlx::query("UPDATE user_roles SET access_end_date = DATE '2000-01-01' WHERE user_id = (SELECT id FROM users WHERE username = 'tx.provider')")
        .execute(db.registry().pool())
        .await
        .unwrap();
    let (status, body) = server.get(&history, Some(&access)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("access_ended")),
        "an ended access stops the next request, not the next sign-in"
    );
}

/// Every demo role against a Texas client of TX0001 who has **not** consented: who reads her
/// history and who records a shot card, over HTTPS. Other organizations see identification
/// only (the consent rule), roles without the permission are refused before the rule, and the
/// registry's staff see no client at all. Each row says why.
#[tokio::test]
async fn the_authorization_matrix_over_https() {
    let (db, consented) = demo_registry().await;
    let withheld = add_client(db.registry(), "TX0001", ConsentStatus::NotGranted).await;
    let server = Server::start(db.registry().clone()).await;
    const OK: &str = "ok";
    const CONSENT: &str = "consent_restricted";
    // (org code, username, read history, record a shot card, why)
    let matrix = [
        (
            "TX0001",
            "tx.provider",
            OK,
            OK,
            "her own clinic, full access",
        ),
        (
            "TX0001",
            "tx.supervisor",
            OK,
            OK,
            "her own clinic; supervisors record doses",
        ),
        (
            "TX0002",
            "tx.float",
            CONSENT,
            CONSENT,
            "signed in at the other clinic of hers",
        ),
        (
            "TXSCH1",
            "tx.school",
            "facility_other_state",
            "add_immunizations",
            "a school reaches only its own state's children, and this client's state is not on record",
        ),
        (
            "TXHSR7",
            "tx.region",
            CONSENT,
            CONSENT,
            "a region is not her clinic",
        ),
        (
            "TXDSHS",
            "tx.state",
            CONSENT,
            CONSENT,
            "her state is not on record, so not assumed Texas",
        ),
        (
            "MT0001",
            "mt.readonly",
            CONSENT,
            "add_immunizations",
            "Read Only with Consent",
        ),
        ("MT0001", "mt.records", CONSENT, CONSENT, "another clinic"),
        ("MT0002", "mt.vaccines", CONSENT, CONSENT, "another clinic"),
        (
            "MT0001",
            "mt.supervisor",
            CONSENT,
            "add_immunizations",
            "Authorizing Officials manage users",
        ),
        (
            "MTREG",
            "mt.registry",
            "view_client",
            "add_immunizations",
            "registry staff open no records",
        ),
    ];
    let outcome = |status: u16, body: &Value| -> String {
        match status {
            200 if body.is_array() || body["saved"] == true => OK.to_string(),
            403 => body["permission"]
                .as_str()
                .or(body["code"].as_str())
                .unwrap_or_default()
                .to_string(),
            other => format!("{other} {body}"),
        }
    };
    for (row, (org, username, read, write, why)) in matrix.into_iter().enumerate() {
        // A vaccine of its own per row, so no card is a duplicate of another.
        let cvx = [
            "03", "21", "08", "20", "10", "83", "133", "116", "62", "114", "88",
        ][row];
        let card = json!({ "doses": [{ "cvx": cvx, "administeredOn": "03/20/2021" }] });
        let tokens = signed_in(&server, org, username, &Device::new()).await;
        let access = token(&tokens, "accessToken");
        let (status, body) = server
            .get(
                &format!("/v1/clients/{withheld}/immunizations"),
                Some(&access),
            )
            .await;
        assert_eq!(outcome(status, &body), read, "{username} reads: {why}");
        let (status, body) = server
            .post(
                &format!("/v1/clients/{withheld}/immunizations/historical"),
                Some(&access),
                &card,
            )
            .await;
        assert_eq!(outcome(status, &body), write, "{username} records: {why}");
        if read == CONSENT {
            let (status, _) = server
                .get(
                    &format!("/v1/clients/{consented}/immunizations"),
                    Some(&access),
                )
                .await;
            assert_eq!(status, 200, "{username} reads a client who consented");
        }
    }
    for path in ["/v1/me", &format!("/v1/clients/{withheld}/immunizations")] {
        assert_eq!(server.get(path, None).await.0, 401, "signed out: {path}");
    }
    let doses: i64 = sqlx::query_scalar("SELECT count(*) FROM immunizations WHERE client_id = $1")
        .bind(withheld.as_uuid())
        .fetch_one(db.registry().pool())
        .await
        .unwrap();
    assert_eq!(
        doses, 2,
        "the two clinic users' cards, and nothing from anyone else"
    );
}

/// A user approved with an emailed temporary password signs in over the API by choosing her
/// own: the rules refuse a short one by field, the plain sign-in points to the right endpoint,
/// and afterwards the chosen password signs in and the temporary one does not.
#[tokio::test]
async fn a_temporary_password_is_replaced_at_sign_in() {
    let (db, _) = demo_registry().await;
    let server = Server::start(db.registry().clone()).await;
    let temporary = "Temp-Lariat-4417";
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = true,
                temporary_password_issued_at = now()
         WHERE username = 'mt.records'",
    )
    .bind(shotbook_core::password::hash_password(temporary))
    .execute(db.registry().pool())
    .await
    .unwrap();
    let device = Device::new();
    let (status, body) = server
        .post(
            "/v1/sign-in",
            None,
            &sign_in_body("MT0001", "mt.records", temporary, &device),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("password_change_required"))
    );

    let mut request = sign_in_body("MT0001", "mt.records", temporary, &device);
    request["newPassword"] = json!("short");
    request["confirmPassword"] = json!("short");
    let (status, body) = server
        .post("/v1/sign-in/new-password", None, &request)
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["issues"][0]["field"], "newPassword");

    request["newPassword"] = json!("Flathead-Lake-Cherries-7");
    request["confirmPassword"] = json!("Flathead-Lake-Cherries-7");
    let (status, tokens) = server
        .post("/v1/sign-in/new-password", None, &request)
        .await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["user"]["role"], "record_maintenance");

    let (status, _) = server
        .post(
            "/v1/sign-in",
            None,
            &sign_in_body("MT0001", "mt.records", "Flathead-Lake-Cherries-7", &device),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = server
        .post(
            "/v1/sign-in",
            None,
            &sign_in_body("MT0001", "mt.records", temporary, &device),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("invalid_credentials"))
    );
    let (status, body) = server
        .post("/v1/sign-in/new-password", None, &request)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("invalid_credentials")),
        "the temporary password is gone"
    );
    let changed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'password_changed'")
            .fetch_one(db.registry().pool())
            .await
            .unwrap();
    assert_eq!(changed, 1);
}
