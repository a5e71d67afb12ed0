//! The access-request workflow end to end over HTTPS, with the mail caught by a real SMTP
//! sink on loopback: a supervisor submits, the prospective user reads the agreement code from
//! the email, opens and signs the User Agreement without signing in, registry staff approve,
//! and the user signs in with the emailed temporary password. And the courier itself: nothing
//! is lost while the relay is down, and two server processes never send one message twice.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use serde_json::{json, Value};
use shotbook_core::date::UsDate;
use shotbook_protocol::{ChangeSource, Origin};
use shotbook_server_store::test_database::TestDatabase;
use shotbook_server_store::{mail_courier, sqlx, PgRegistry};
use shotbook_usecases::ports::{Mail, MailWrites, Registry};
use time::OffsetDateTime;

use common::smtp_sink::SmtpSink;
use common::{access_token, sign_in_body, start_courier, Device, Server};

async fn demo_registry() -> TestDatabase {
    let db = TestDatabase::create("mail-test").await.unwrap();
    shotbook_server::demo::seed(db.registry(), OffsetDateTime::now_utc())
        .await
        .unwrap();
    db
}

/// Nancy Nurse's New Access request at Big Sky Family Medicine (MT0001), as her supervisor
/// types it.
fn nancy_form(today: &str) -> Value {
    json!({
        "requestType": "new_access",
        "organizationCode": "MT0001",
        "legalFirstName": "Nancy",
        "legalLastName": "Nurse",
        "dateOfBirth": "03/20/1982",
        "phone": "406-444-1234",
        "email": "nancy.nurse@example.org",
        "priorAccess": "No",
        "employer": "Big Sky Family Medicine",
        "jobTitle": "Clinic RN",
        "locationName": "Big Sky Family Medicine",
        "address": "1 Main Street",
        "city": "Billings",
        "state": "MT",
        "county": "Yellowstone",
        "zip": "59101",
        "startDate": today,
        "accessRequested": "read_only_with_consent",
        "justification": "Nancy needs to see which immunizations her patients are due for.",
        "supervisorName": "Stacy Halvorsen",
        "supervisorTitle": "Clinic Manager",
        "attestation": true,
    })
}

async fn audit_actions(registry: &PgRegistry) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log ORDER BY seq")
        .fetch_all(registry.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_request_goes_from_supervisor_to_signed_agreement_to_approval_and_a_first_sign_in() {
    let db = demo_registry().await;
    let sink = SmtpSink::start().await;
    let server = Server::start_with_mail(db.registry().clone(), &sink.url()).await;
    let today = UsDate::from_date(OffsetDateTime::now_utc().date()).to_string();

    // The supervisor submits; a half-filled form is refused field by field and nothing is sent.
    let supervisor = access_token(&server, "MT0001", "mt.supervisor").await;
    let mut incomplete = nancy_form(&today);
    incomplete["email"] = json!("nancy at example");
    incomplete["legalLastName"] = json!("");
    let (status, body) = server
        .post(
            "/v1/access-requests",
            Some(&supervisor),
            &json!({ "form": incomplete }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let fields: HashSet<&str> = body["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains("email") && fields.contains("legalLastName"),
        "{body}"
    );

    let (status, body) = server
        .post(
            "/v1/access-requests",
            Some(&supervisor),
            &json!({ "form": nancy_form(&today) }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let request_id = body["id"].as_str().unwrap().to_string();

    // Nancy's email carries the request number and the code.
    let invitation = sink
        .wait_for_mail("nancy.nurse@example.org", "User Agreement")
        .await;
    let number = invitation.line_after("Request number: ").unwrap();
    let code = invitation.line_after("Agreement code: ").unwrap();
    assert!(number.starts_with("REQ"), "{number}");
    assert_eq!(code.len(), "ABCD-EFGH-JKLM".len(), "{code}");

    // The supervisor's list shows it waiting for the agreement.
    let (status, list) = server.get("/v1/access-requests", Some(&supervisor)).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list[0]["number"], json!(number));
    assert_eq!(list[0]["status"], json!("awaiting_agreement"));

    // A wrong code opens nothing; the emailed one opens the agreement, without signing in.
    let (status, _) = server
        .post(
            "/v1/user-agreements/open",
            None,
            &json!({ "requestNumber": number, "code": "AAAA-AAAA-AAAA" }),
        )
        .await;
    assert_eq!(status, 422);
    let (status, agreement) = server
        .post(
            "/v1/user-agreements/open",
            None,
            &json!({ "requestNumber": number, "code": code }),
        )
        .await;
    assert_eq!(status, 200, "{agreement}");
    assert_eq!(agreement["registryName"], json!("imMTrax"));
    let statements: Vec<Value> = agreement["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].clone())
        .collect();
    assert!(statements.len() >= 5, "{agreement}");

    // Signing without every statement is refused, naming the statement; then she signs.
    let mut signature = json!({
        "requestNumber": number,
        "code": code,
        "accepted": statements[1..],
        "facilityName": "Big Sky Family Medicine",
        "jobTitle": "Clinic RN",
        "fullLegalName": "Nancy Nurse",
        "date": today,
        "signatureConfirmed": true,
    });
    let (status, body) = server
        .post("/v1/user-agreements/sign", None, &signature)
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["issues"][0]["field"],
        json!(format!("statements.{}", statements[0].as_str().unwrap()))
    );
    signature["accepted"] = json!(statements);
    let (status, body) = server
        .post("/v1/user-agreements/sign", None, &signature)
        .await;
    assert_eq!(status, 200, "{body}");

    // Registry staff find it in their queue, read it (audited) and approve it.
    let staff = access_token(&server, "MTREG", "mt.registry").await;
    let (status, queue) = server.get("/v1/access-requests/queue", Some(&staff)).await;
    assert_eq!(status, 200, "{queue}");
    assert!(
        queue
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["number"] == json!(number) && r["status"] == json!("awaiting_review")),
        "{queue}"
    );
    let (status, detail) = server
        .get(&format!("/v1/access-requests/{request_id}"), Some(&staff))
        .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["agreement"]["fullLegalName"], json!("Nancy Nurse"));
    // The supervisor is not registry staff: the queue and the approval are refused.
    let (status, _) = server
        .get("/v1/access-requests/queue", Some(&supervisor))
        .await;
    assert_eq!(status, 403);
    let approve = format!("/v1/access-requests/{request_id}/approve");
    let (status, _) = server.post(&approve, Some(&supervisor), &json!({})).await;
    assert_eq!(status, 403);
    let (status, body) = server.post(&approve, Some(&staff), &json!({})).await;
    assert_eq!(status, 200, "{body}");

    // Nancy's credentials arrive by mail; she signs in and chooses her own password.
    let credentials = sink
        .wait_for_mail("nancy.nurse@example.org", "access request")
        .await;
    let username = credentials.line_after("Username: ").unwrap();
    let temporary = credentials.line_after("Temporary password: ").unwrap();
    assert_eq!(
        credentials.line_after("Organization code: ").unwrap(),
        "MT0001"
    );
    let (status, body) = server
        .post(
            "/v1/sign-in",
            None,
            &sign_in_body("MT0001", &username, &temporary, &Device::new()),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], json!("password_change_required"));
    let mut first = sign_in_body("MT0001", &username, &temporary, &Device::new());
    first["newPassword"] = json!("Prairie-Meadowlark-58");
    first["confirmPassword"] = json!("Prairie-Meadowlark-58");
    let (status, body) = server.post("/v1/sign-in/new-password", None, &first).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["role"], json!("read_only_with_consent"));

    // Every step is in the audit trail; the sent mail keeps no content (codes, passwords).
    let actions = audit_actions(db.registry()).await;
    for action in [
        "access_request_submitted",
        "user_agreement_signed",
        "access_request_approved",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    let kept: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM mail_outbox WHERE sent_at IS NOT NULL AND payload IS NOT NULL",
    )
    .fetch_one(db.registry().pool())
    .await
    .unwrap();
    assert_eq!(kept, 0);
}

#[tokio::test]
async fn a_returned_request_mails_the_supervisor_the_reason() {
    let db = demo_registry().await;
    let sink = SmtpSink::start().await;
    let server = Server::start_with_mail(db.registry().clone(), &sink.url()).await;
    let today = UsDate::from_date(OffsetDateTime::now_utc().date()).to_string();
    let supervisor = access_token(&server, "MT0001", "mt.supervisor").await;
    let (status, body) = server
        .post(
            "/v1/access-requests",
            Some(&supervisor),
            &json!({ "form": nancy_form(&today) }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let id = body["id"].as_str().unwrap().to_string();

    let staff = access_token(&server, "MTREG", "mt.registry").await;
    let path = format!("/v1/access-requests/{id}/return");
    let (status, body) = server
        .post(&path, Some(&staff), &json!({ "reason": "  " }))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["issues"][0]["field"], json!("reason"));
    let (status, body) = server
        .post(
            &path,
            Some(&staff),
            &json!({ "reason": "Give Nancy's work phone, not her cell." }),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let returned = sink
        .wait_for_mail("mt.supervisor@demo.shotbook.invalid", "returned")
        .await;
    assert!(returned
        .body()
        .contains("Give Nancy's work phone, not her cell."));
    let (_, list) = server.get("/v1/access-requests", Some(&supervisor)).await;
    assert_eq!(list[0]["status"], json!("returned"));
}

async fn queue_mail(registry: &PgRegistry, n: usize) {
    let origin = Origin {
        source: ChangeSource::Local,
        node: "test".into(),
    };
    let mut work = registry
        .begin(origin, OffsetDateTime::now_utc())
        .await
        .unwrap();
    for i in 0..n {
        work.queue_mail(&Mail::Decided {
            to: format!("supervisor{i}@example.org"),
            jurisdiction: shotbook_core::jurisdiction::Jurisdiction::Montana,
            number: format!("REQ{i:07}"),
            returned: true,
            reason: "A test.".into(),
        })
        .await
        .unwrap();
    }
    work.commit().await.unwrap();
}

#[tokio::test]
async fn mail_waits_while_the_relay_is_down_and_leaves_once_it_answers() {
    let db = TestDatabase::create("mail-test").await.unwrap();
    // A port with nobody listening yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let courier = start_courier(db.registry(), &format!("smtp://127.0.0.1:{port}"));
    queue_mail(db.registry(), 1).await;

    // The failure is counted with the relay's error; the message stays queued, content kept.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (attempts, error, kept): (i64, Option<String>, bool) =
            sqlx::query_as("SELECT attempts, last_error, payload IS NOT NULL FROM mail_outbox")
                .fetch_one(db.registry().pool())
                .await
                .unwrap();
        if attempts >= 1 {
            assert!(error.is_some_and(|e| !e.is_empty()));
            assert!(kept);
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "no attempt in 20 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let depth = mail_courier::depth(db.registry()).await.unwrap();
    assert_eq!((depth.waiting, depth.given_up), (1, 0));

    // The relay comes up: the retry delivers it, once.
    let sink = SmtpSink::start_on(port).await;
    let received = sink.wait_for(1).await;
    assert_eq!(received[0].recipients, ["supervisor0@example.org"]);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(sink.received().len(), 1);
    assert_eq!(mail_courier::depth(db.registry()).await.unwrap().waiting, 0);
    courier.abort();
}

#[tokio::test]
async fn two_server_processes_drain_one_queue_without_sending_a_message_twice() {
    let db = TestDatabase::create("mail-test").await.unwrap();
    let sink = SmtpSink::start().await;
    // Two registries (two pools), as two processes behind one PostgreSQL.
    let other = PgRegistry::connect(&db.url(), "registry-2").await.unwrap();
    let first = start_courier(db.registry(), &sink.url());
    let second = start_courier(&other, &sink.url());
    queue_mail(db.registry(), 40).await;

    let received = sink.wait_for(40).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let received_later = sink.received();
    assert_eq!(received_later.len(), 40, "a message was sent twice");
    let distinct: HashSet<String> = received.iter().flat_map(|m| m.recipients.clone()).collect();
    assert_eq!(distinct.len(), 40);
    first.abort();
    second.abort();
}

#[tokio::test]
async fn an_operator_enrols_an_organization_and_its_first_user_who_gets_the_password_by_mail() {
    use shotbook_server::admin::{create_organization, create_user, OrganizationInput, UserInput};
    let db = TestDatabase::create("mail-test").await.unwrap();
    let sink = SmtpSink::start().await;
    let server = Server::start_with_mail(db.registry().clone(), &sink.url()).await;
    let now = OffsetDateTime::now_utc();
    let clinic = OrganizationInput {
        code: "mt0420".into(),
        name: "Gallatin Valley Pediatrics".into(),
        kind: "provider".into(),
        state: "MT".into(),
        county: "Travis".into(),
        city: "Bozeman".into(),
        vfc_pin: None,
    };
    let refused = create_organization(db.registry(), clinic.clone(), now)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("--county"), "{refused}");
    create_organization(
        db.registry(),
        OrganizationInput {
            county: "gallatin".into(),
            ..clinic.clone()
        },
        now,
    )
    .await
    .unwrap();
    let taken = create_organization(
        db.registry(),
        OrganizationInput {
            county: "Gallatin".into(),
            ..clinic
        },
        now,
    )
    .await
    .unwrap_err();
    assert!(taken.to_string().contains("taken"), "{taken}");

    let user = UserInput {
        organization_code: "MT0420".into(),
        username: "dana.lee".into(),
        first_name: "Dana".into(),
        last_name: "Lee".into(),
        email: "dana.lee@example.org".into(),
        role: "no_such_role".into(),
    };
    assert!(create_user(db.registry(), user.clone(), now).await.is_err());
    create_user(
        db.registry(),
        UserInput {
            role: "provider_supervisor".into(),
            ..user
        },
        now,
    )
    .await
    .unwrap();

    let mail = sink
        .wait_for_mail("dana.lee@example.org", "access request")
        .await;
    let temporary = mail.line_after("Temporary password: ").unwrap();
    let mut first = sign_in_body("MT0420", "dana.lee", &temporary, &Device::new());
    first["newPassword"] = json!("Bridger-Canyon-Trail-7");
    first["confirmPassword"] = json!("Bridger-Canyon-Trail-7");
    let (status, body) = server.post("/v1/sign-in/new-password", None, &first).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["organizationCode"], json!("MT0420"));
    assert_eq!(body["user"]["role"], json!("provider_supervisor"));
}
