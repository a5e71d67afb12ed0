//! Client search over HTTPS against real PostgreSQL: the answers are the search use cases'
//! (the desktop's), the consent rule holds (a client of another organization without consent
//! is listed by identification only, and never through a restricted field), every client shown
//! is audited, and the three endpoints refuse the signed-out and the roles without
//! `search_clients`.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use shotbook_core::clock::{Clock, SystemClock};
use shotbook_core::consent::ConsentStatus;
use shotbook_core::demographics::{
    Address, AddressInput, Personal, PersonalInput, ResponsiblePerson, ResponsiblePersonInput,
};
use shotbook_core::error::IssueCollector;
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_core::permission::Role;
use shotbook_core::search::{BasicSearch, BasicSearchInput, SmartSearch, SmartSearchInput};
use shotbook_protocol::{ChangeSource, Origin};
use shotbook_server::search::{basic_response, quick_response, smart_response};
use shotbook_server_store::test_database::TestDatabase;
use shotbook_server_store::{sqlx, PgRegistry};
use shotbook_synth::demo::DEMO_PASSWORD;
use shotbook_usecases::ports::{AccessReads, DemographicsWrites, NewClientRecord, Registry};
use shotbook_usecases::{need, search, Actor, Permit, Via};
use time::OffsetDateTime;

use common::Server;

const BASIC: &str = "/v1/clients/search/basic";
const SMART: &str = "/v1/clients/search/smart";
const QUICK: &str = "/v1/clients/search/quick";

struct Demo {
    db: TestDatabase,
    elena: ClientId,
    sofia: ClientId,
}

struct Client<'a> {
    first: &'a str,
    last: &'a str,
    dob: &'a str,
    gender: &'a str,
    zip: &'a str,
    consent: ConsentStatus,
    guardian: Option<(&'a str, &'a str)>,
}

/// Registers a client at TX0001 through the ports, with an address and a guardian.
async fn add(registry: &PgRegistry, c: Client<'_>) -> ClientId {
    let clinic = registry
        .organization_by_code("TX0001")
        .await
        .unwrap()
        .unwrap();
    let today = SystemClock.today();
    let mut issues = IssueCollector::new();
    let personal = Personal::parse(
        PersonalInput {
            first_name: c.first,
            last_name: c.last,
            date_of_birth: c.dob,
            gender: c.gender,
            ..PersonalInput::default()
        },
        today,
        &mut issues,
    );
    let address = Address::parse(
        "",
        AddressInput {
            line1: "1 Congress Avenue",
            city: "Austin",
            state: "TX",
            zip: c.zip,
            ..AddressInput::default()
        },
        &mut issues,
    );
    let guardian = c.guardian.map(|(first, last)| {
        ResponsiblePerson::parse(
            "",
            ResponsiblePersonInput {
                first_name: first,
                last_name: last,
                relationship: "mother",
                ..ResponsiblePersonInput::default()
            },
            &mut issues,
        )
    });
    issues.finish().unwrap();
    let id = ClientId::new();
    let origin = Origin {
        source: ChangeSource::Local,
        node: "test".into(),
    };
    let mut work = registry
        .begin(origin, OffsetDateTime::now_utc())
        .await
        .unwrap();
    work.insert_client(&NewClientRecord {
        id,
        personal: personal.unwrap(),
        address,
        consent: c.consent,
        home_organization: clinic.id,
    })
    .await
    .unwrap();
    if let Some(g) = guardian {
        work.add_responsible_person(id, &g.unwrap(), true)
            .await
            .unwrap();
    }
    shotbook_usecases::ports::UnitOfWork::commit(work)
        .await
        .unwrap();
    id
}

/// The demo organizations and users, and three clients of TX0001: Sofia Garza and Sofia
/// Garcia (consent granted) and Elena Ruiz (consent not granted).
async fn demo() -> Demo {
    let db = TestDatabase::create("search-api").await.unwrap();
    shotbook_server::demo::seed(db.registry(), OffsetDateTime::now_utc())
        .await
        .unwrap();
    let r = db.registry();
    let sofia = add(
        r,
        Client {
            first: "Sofia",
            last: "Garza",
            dob: "03/14/2020",
            gender: "F",
            zip: "78701",
            consent: ConsentStatus::Granted,
            guardian: Some(("Ana", "Garza")),
        },
    )
    .await;
    add(
        r,
        Client {
            first: "Sofia",
            last: "Garcia",
            dob: "03/15/2020",
            gender: "F",
            zip: "78703",
            consent: ConsentStatus::Granted,
            guardian: None,
        },
    )
    .await;
    let elena = add(
        r,
        Client {
            first: "Elena",
            last: "Ruiz",
            dob: "07/09/2018",
            gender: "F",
            zip: "78702",
            consent: ConsentStatus::NotGranted,
            guardian: Some(("Rosa", "Ruiz")),
        },
    )
    .await;
    Demo { db, elena, sofia }
}

/// Signs in with a fresh device key; the access token.
async fn sign_in(server: &Server, org: &str, username: &str) -> String {
    let mut seed = [0u8; 32];
    rand::fill(&mut seed);
    let key = SigningKey::from_bytes(&seed);
    let body = json!({
        "organizationCode": org,
        "username": username,
        "password": DEMO_PASSWORD,
        "device": {
            "publicKey": URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
            "name": "FRONT-DESK-1",
        },
        "acceptConfidentiality": true,
    });
    let (status, tokens) = server.post("/v1/sign-in", None, &body).await;
    assert_eq!(status, 200, "{tokens}");
    tokens["accessToken"].as_str().unwrap().to_string()
}

/// The actor the server builds for `token` (from `/v1/me`), to run the use cases directly.
async fn actor_of(server: &Server, token: &str) -> Actor {
    let (status, me) = server.get("/v1/me", Some(token)).await;
    assert_eq!(status, 200, "{me}");
    Actor {
        user_id: me["userId"].as_str().unwrap().parse::<UserId>().unwrap(),
        organization_id: me["organizationId"]
            .as_str()
            .unwrap()
            .parse::<OrganizationId>()
            .unwrap(),
        role: Role::from_code(me["role"].as_str().unwrap()).unwrap(),
        state: "TX".into(),
        organization_kind: shotbook_core::organization::OrganizationKind::Provider,
        via: Via::Workstation {
            name: "test".into(),
        },
    }
}

async fn search_audits(registry: &PgRegistry, client: ClientId) -> i64 {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM audit_log WHERE action = 'search_clients' AND client_id = $1",
    )
    .bind(client.as_uuid())
    .fetch_one(registry.pool())
    .await
    .unwrap();
    n
}

#[tokio::test]
async fn search_over_https_answers_as_the_use_cases_do() {
    let demo = demo().await;
    let r = demo.db.registry();
    let server = Server::start(r.clone()).await;
    // Another clinic of hers: the consenting clients whole, Elena by identification.
    let token = sign_in(&server, "TX0002", "tx.float").await;
    let permit = Permit::<need::SearchClients>::check(actor_of(&server, &token).await).unwrap();
    let clock = SystemClock;
    let today = clock.today();

    let request =
        json!({ "lastName": "Garsa", "firstName": "Sophia", "dateOfBirth": "03/14/2020" });
    let (status, body) = server.post(SMART, Some(&token), &request).await;
    assert_eq!(status, 200, "{body}");
    let person = SmartSearch::parse(
        SmartSearchInput {
            last_name: "Garsa",
            first_name: "Sophia",
            date_of_birth: "03/14/2020",
            ..SmartSearchInput::default()
        },
        today,
    )
    .unwrap()
    .person;
    let direct = search::smart(r, &permit, &clock, &person).await.unwrap();
    assert_eq!(body, serde_json::to_value(smart_response(direct)).unwrap());
    assert_eq!(
        body["clients"][0]["client"]["id"],
        json!(demo.sofia.to_string()),
        "the typo'd name finds Sofia first: {body}"
    );
    assert_eq!(body["clients"][0]["client"]["dateOfBirth"], "03/14/2020");

    let (status, body) = server
        .post(BASIC, Some(&token), &json!({ "lastName": "ruiz" }))
        .await;
    assert_eq!(status, 200, "{body}");
    let criteria = BasicSearch::parse(
        BasicSearchInput {
            last_name: "ruiz",
            ..BasicSearchInput::default()
        },
        today,
    )
    .unwrap();
    let direct = search::basic(r, &permit, &clock, &criteria).await.unwrap();
    assert_eq!(body, serde_json::to_value(basic_response(direct)).unwrap());

    let (status, body) = server
        .post(
            QUICK,
            Some(&token),
            &json!({ "query": "Sophia Garsa 3/14/2020" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let direct = search::quick(r, &permit, &clock, "Sophia Garsa 3/14/2020")
        .await
        .unwrap();
    assert_eq!(body, serde_json::to_value(quick_response(direct)).unwrap());
    assert!(
        body["basic"].is_null() && body["smart"]["clients"][0].is_object(),
        "{body}"
    );
}

#[tokio::test]
async fn a_restricted_client_is_listed_by_identification_only_and_never_through_a_restricted_field()
{
    let demo = demo().await;
    let r = demo.db.registry();
    let server = Server::start(r.clone()).await;
    let other = sign_in(&server, "TX0002", "tx.float").await;
    let elena = json!(demo.elena.to_string());

    let (status, body) = server
        .post(BASIC, Some(&other), &json!({ "lastName": "Ruiz" }))
        .await;
    assert_eq!(status, 200, "{body}");
    let line = &body["clients"][0];
    assert_eq!(line["id"], elena, "{body}");
    assert!(
        line["address"].is_null()
            && line["guardianName"].is_null()
            && line["organizationName"].is_null(),
        "identification only: {line}"
    );
    assert_eq!(search_audits(r, demo.elena).await, 1, "listed, so audited");

    // Narrowed by her ZIP or found by her guardian's name: not listed, not audited.
    let (_, body) = server
        .post(
            BASIC,
            Some(&other),
            &json!({ "lastName": "Ruiz", "zip": "78702" }),
        )
        .await;
    assert_eq!(body["clients"], json!([]), "{body}");
    let (_, body) = server
        .post(
            SMART,
            Some(&other),
            &json!({ "firstName": "Rosa", "lastName": "Ruiz", "dateOfBirth": "07/09/2018" }),
        )
        .await;
    assert!(
        body["clients"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["client"]["id"] != elena),
        "{body}"
    );
    assert_eq!(search_audits(r, demo.elena).await, 1);

    // Described with her ZIP: shown as the search by identification shows her.
    let (_, by_id) = server
        .post(
            SMART,
            Some(&other),
            &json!({ "firstName": "Elena", "lastName": "Ruiz", "dateOfBirth": "07/09/2018" }),
        )
        .await;
    let (_, with_zip) = server
        .post(
            SMART,
            Some(&other),
            &json!({ "firstName": "Elena", "lastName": "Ruiz", "dateOfBirth": "07/09/2018", "zip": "78702" }),
        )
        .await;
    assert_eq!(with_zip["clients"][0]["client"]["id"], elena, "{with_zip}");
    assert_eq!(
        with_zip["clients"][0], by_id["clients"][0],
        "no ZIP reason, same score"
    );

    // Her own clinic sees her whole, ZIP included.
    let own = sign_in(&server, "TX0001", "tx.provider").await;
    let (_, body) = server
        .post(
            BASIC,
            Some(&own),
            &json!({ "lastName": "Ruiz", "zip": "78702" }),
        )
        .await;
    assert_eq!(body["clients"][0]["id"], elena, "{body}");
    assert_eq!(body["clients"][0]["address"], "Austin, TX 78702");
    assert_eq!(body["clients"][0]["guardianName"], "Rosa Ruiz");
}

#[tokio::test]
async fn the_authorization_matrix_for_search() {
    let demo = demo().await;
    let server = Server::start(demo.db.registry().clone()).await;
    let endpoints = [
        (BASIC, json!({ "lastName": "Garza" })),
        (
            SMART,
            json!({ "lastName": "Garza", "dateOfBirth": "03/14/2020" }),
        ),
        (QUICK, json!({ "query": "garza" })),
    ];
    let provider = sign_in(&server, "TX0001", "tx.provider").await;
    let school = sign_in(&server, "TXSCH1", "tx.school").await;
    let registry_staff = sign_in(&server, "MTREG", "mt.registry").await;
    for (path, body) in &endpoints {
        let (status, answer) = server.post(path, None, body).await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (401, Some("signed_out")),
            "{path}"
        );
        let (status, answer) = server.post(path, Some("v4.local.forged"), body).await;
        assert_eq!(status, 401, "{path}: {answer}");
        let (status, answer) = server.post(path, Some(&registry_staff), body).await;
        assert_eq!(
            (
                status,
                answer["code"].as_str(),
                answer["permission"].as_str()
            ),
            (403, Some("forbidden"), Some("search_clients")),
            "{path}: registry staff hold no client records"
        );
        let (status, answer) = server.post(path, Some(&provider), body).await;
        assert_eq!(status, 200, "{path}: {answer}");
        // A school finds a student by both names and the date of birth, not by a surname.
        let (status, answer) = server.post(path, Some(&school), body).await;
        assert_eq!(status, 422, "{path}: {answer}");
    }
    for (path, body) in [
        (
            BASIC,
            json!({ "lastName": "Garza", "firstName": "Ana", "dateOfBirth": "03/14/2020" }),
        ),
        (
            SMART,
            json!({ "lastName": "Garza", "firstName": "Ana", "dateOfBirth": "03/14/2020" }),
        ),
        (QUICK, json!({ "query": "garza ana 3/14/2020" })),
    ] {
        let (status, answer) = server.post(path, Some(&school), &body).await;
        assert_eq!(status, 200, "{path}: {answer}");
    }
}

#[tokio::test]
async fn bad_criteria_are_refused_by_field() {
    let demo = demo().await;
    let server = Server::start(demo.db.registry().clone()).await;
    let token = sign_in(&server, "TX0001", "tx.provider").await;
    for (path, body, field) in [
        (BASIC, json!({ "firstName": "Ana" }), "lastName"),
        (
            BASIC,
            json!({ "lastName": "Garza", "dateOfBirth": "02/30/2020" }),
            "dateOfBirth",
        ),
        (
            SMART,
            json!({ "lastName": "Garza", "dateOfBirth": "soon" }),
            "dateOfBirth",
        ),
        (QUICK, json!({ "query": "  " }), "query"),
    ] {
        let (status, answer): (u16, Value) = server.post(path, Some(&token), &body).await;
        assert_eq!(status, 422, "{path} {body}: {answer}");
        assert_eq!(answer["code"], "invalid");
        assert_eq!(
            answer["issues"][0]["field"], field,
            "{path} {body}: {answer}"
        );
    }
}
