//! FHIR R4 reads over HTTPS against real PostgreSQL: the CapabilityStatement, Patient search
//! and read, and Immunization search, through the same consent rule and audit as the screens.

mod common;

use serde_json::Value;
use shotbook_server_store::sqlx;
use shotbook_server_store::test_database::TestDatabase;
use time::OffsetDateTime;

use common::{access_token, hl7_sample, Server, IZ_001, IZ_AD_2_1};

async fn fhir(server: &Server, token: Option<&str>, path: &str) -> (u16, String, Value) {
    let mut request = server.client.get(format!("{}/fhir/r4/{path}", server.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = response.json().await.unwrap_or_default();
    (status, content_type, body)
}

#[tokio::test]
async fn an_ehr_reads_patients_and_immunizations_within_the_consent_rule() {
    let db = TestDatabase::create("fhir-api").await.unwrap();
    shotbook_server::demo::seed(db.registry(), OffsetDateTime::now_utc())
        .await
        .unwrap();
    let registry = db.registry().clone();
    let server = Server::start(registry.clone()).await;
    // Two patients filed by their clinic over HL7: Elise Wong (consent granted through PD1)
    // and Madelynn Snow (no consent).
    let clinic = access_token(&server, "MT0001", "mt.records").await;
    for path in [IZ_AD_2_1, IZ_001] {
        let response = server
            .client
            .post(format!("{}/v1/hl7/vxu", server.base))
            .bearer_auth(&clinic)
            .body(hl7_sample(path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
    }

    let (status, content_type, capability) = fhir(&server, None, "metadata").await;
    assert_eq!(status, 200);
    assert!(
        content_type.starts_with("application/fhir+json"),
        "{content_type}"
    );
    assert_eq!(capability["resourceType"], "CapabilityStatement");
    assert_eq!(capability["fhirVersion"], "4.0.1");

    // Another clinic finds Elise and reads her Patient and her immunizations.
    let other = access_token(&server, "MT0002", "mt.vaccines").await;
    let (status, _, found) = fhir(
        &server,
        Some(&other),
        "Patient?family=Wong&given=Elise&birthdate=1983-06-15",
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["resourceType"], "Bundle");
    assert_eq!(found["total"], 1, "{found}");
    let id = found["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _, patient) = fhir(&server, Some(&other), &format!("Patient/{id}")).await;
    assert_eq!(status, 200, "{patient}");
    assert_eq!(patient["name"][0]["family"], "Wong");
    assert_eq!(patient["birthDate"], "1983-06-15");
    assert_eq!(patient["gender"], "female");
    assert_eq!(patient["address"][0]["city"], "Bozeman");
    let (status, _, doses) = fhir(
        &server,
        Some(&other),
        &format!("Immunization?patient=Patient/{id}"),
    )
    .await;
    assert_eq!(status, 200, "{doses}");
    assert_eq!(doses["total"], 3, "{doses}");
    let td = doses["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["vaccineCode"]["coding"][0]["code"] == "113")
        .expect("the Td dose");
    assert_eq!(
        td["vaccineCode"]["coding"][0]["system"],
        "http://hl7.org/fhir/sid/cvx"
    );
    assert_eq!(td["status"], "completed");
    assert_eq!(td["occurrenceDateTime"], "2015-06-24");
    assert_eq!(td["primarySource"], true);
    assert_eq!(td["lotNumber"], "315841");

    // Her forecast, as of today: one recommendation per vaccine group, CVX-coded, with the
    // status from HL7's value set and the dates as LOINC-coded criteria.
    let (status, _, forecast) = fhir(
        &server,
        Some(&other),
        &format!("ImmunizationRecommendation?patient={id}"),
    )
    .await;
    assert_eq!(status, 200, "{forecast}");
    let recommendation = &forecast["entry"][0]["resource"];
    assert_eq!(recommendation["resourceType"], "ImmunizationRecommendation");
    let groups = recommendation["recommendation"].as_array().unwrap();
    assert!(groups.len() >= 8, "{recommendation}");
    let group = |cvx: &str| {
        groups
            .iter()
            .find(|g| g["vaccineCode"][0]["coding"][0]["code"] == cvx)
            .unwrap_or_else(|| panic!("group {cvx}: {recommendation}"))
    };
    // Influenza (88): her last dose was in 2014; due this season.
    let flu = group("88");
    let flu_status = flu["forecastStatus"]["coding"][0]["code"].as_str().unwrap();
    assert!(["due", "overdue"].contains(&flu_status), "{flu}");
    assert!(flu["dateCriterion"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["code"]["coding"][0]["code"] == "30980-7"));
    for g in groups {
        let code = g["forecastStatus"]["coding"][0]["code"].as_str().unwrap();
        assert!(
            ["due", "overdue", "immune", "contraindicated", "complete"].contains(&code),
            "{g}"
        );
    }

    // Madelynn, without consent, from another clinic: identification only, no history.
    let (_, _, found) = fhir(
        &server,
        Some(&other),
        "Patient?family=Snow&birthdate=2007-07-06",
    )
    .await;
    let snow = found["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _, patient) = fhir(&server, Some(&other), &format!("Patient/{snow}")).await;
    assert_eq!(status, 200);
    assert!(patient.get("address").is_none(), "{patient}");
    let (status, _, refused) = fhir(
        &server,
        Some(&other),
        &format!("Immunization?patient={snow}"),
    )
    .await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["resourceType"], "OperationOutcome");
    assert_eq!(refused["issue"][0]["code"], "suppressed");
    let (status, _, refused) = fhir(
        &server,
        Some(&other),
        &format!("ImmunizationRecommendation?patient={snow}"),
    )
    .await;
    assert_eq!(
        (status, &refused["issue"][0]["code"]),
        (403, &Value::from("suppressed"))
    );

    // A school searches by name and birth date only; no token, no answer.
    let school = access_token(&server, "TXSCH1", "tx.school").await;
    let (status, _, refused) = fhir(&server, Some(&school), "Patient?family=Wong").await;
    assert_eq!(
        (status, &refused["issue"][0]["code"]),
        (400, &Value::from("invalid"))
    );
    let (status, _, _) = fhir(&server, None, &format!("Patient/{id}")).await;
    assert_eq!(status, 401);

    // Each read audited for the reading clinic.
    let (reads,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM audit_log a JOIN organizations o ON o.id = a.organization_id
         WHERE o.code = 'MT0002' AND a.action IN ('view_client', 'search_clients')",
    )
    .fetch_one(registry.pool())
    .await
    .unwrap();
    assert!(reads >= 5, "{reads}");
}
