//! HL7 v2.5.1 over HTTPS against real PostgreSQL: NIST's VXU samples filed through the use
//! cases (a new patient, then the same message again matched to her with no dose twice), the
//! ACK's MSA and ERR segments, refusals by role, and every message audited with its sender.

mod common;

use serde_json::Value;
use shotbook_server_store::test_database::TestDatabase;
use shotbook_server_store::{sqlx, PgRegistry};
use shotbook_synth::demo::DEMO_PASSWORD;
use time::OffsetDateTime;

use common::{access_token, hl7_sample, Server, IZ_001, IZ_AD_2_1};

async fn demo() -> TestDatabase {
    let db = TestDatabase::create("hl7-api").await.unwrap();
    shotbook_server::demo::seed(db.registry(), OffsetDateTime::now_utc())
        .await
        .unwrap();
    db
}

/// POSTs `message`; the status, content type and body.
async fn send(server: &Server, token: Option<&str>, message: &str) -> (u16, String, String) {
    let mut request = server
        .client
        .post(format!("{}/v1/hl7/vxu", server.base))
        .header("content-type", "application/hl7-v2")
        .body(message.to_string());
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
    (status, content_type, response.text().await.unwrap())
}

/// The ACK's segments, fields split.
fn segments(ack: &str) -> Vec<Vec<String>> {
    ack.split('\r')
        .filter(|s| !s.is_empty())
        .map(|s| s.split('|').map(str::to_string).collect())
        .collect()
}

fn msa(ack: &str) -> (String, String) {
    let msa = segments(ack)
        .into_iter()
        .find(|s| s[0] == "MSA")
        .expect("an MSA segment");
    (msa[1].clone(), msa.get(2).cloned().unwrap_or_default())
}

/// ERR-8 texts by ERR-4 severity … and the (ERR-2 segment, ERR-4) of each ERR.
fn errs(ack: &str) -> Vec<(String, String, String)> {
    segments(ack)
        .into_iter()
        .filter(|s| s[0] == "ERR")
        .map(|s| {
            (
                s.get(2).cloned().unwrap_or_default(),
                s.get(4).cloned().unwrap_or_default(),
                s.get(8).cloned().unwrap_or_default(),
            )
        })
        .collect()
}

async fn clients_named(registry: &PgRegistry, last: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT id::text, consent_status FROM clients WHERE last_name = $1 AND merged_into IS NULL",
    )
    .bind(last)
    .fetch_all(registry.pool())
    .await
    .unwrap()
}

async fn doses_of(registry: &PgRegistry, client: &str) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT cvx, administered_on::text, source FROM immunizations
         WHERE client_id = $1::uuid AND status = 'completed' ORDER BY administered_on",
    )
    .bind(client)
    .fetch_all(registry.pool())
    .await
    .unwrap()
}

async fn interface_audits(registry: &PgRegistry) -> Vec<(String, Option<String>, String)> {
    sqlx::query_as(
        "SELECT workstation, client_id::text, detail FROM audit_log
         WHERE action = 'interface_message' ORDER BY seq",
    )
    .fetch_all(registry.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn a_vxu_files_a_new_patient_and_the_same_message_again_records_no_dose_twice() {
    let db = demo().await;
    let registry = db.registry().clone();
    let server = Server::start(registry.clone()).await;
    let token = access_token(&server, "MT0001", "mt.records").await;
    let message = hl7_sample(IZ_AD_2_1);

    let (status, content_type, ack) = send(&server, Some(&token), &message).await;
    assert_eq!(status, 200, "{ack}");
    assert!(
        content_type.starts_with("application/hl7-v2"),
        "{content_type}"
    );
    assert!(ack.starts_with("MSH|^~\\&|"), "{ack}");
    let (code, control) = msa(&ack);
    assert_eq!(control, "NIST-IZ-AD-2.1_Send_V04_Z22");
    assert!(
        errs(&ack).iter().all(|(_, severity, _)| severity != "E"),
        "nothing refused: {:?}",
        errs(&ack)
    );
    assert!(code == "AA" || code == "AE", "{code}: {ack}");
    let msh = &segments(&ack)[0];
    assert_eq!(msh[8], "ACK^V04^ACK");
    assert_eq!(msh[20], "Z23^CDCPHINVS");

    // One new client, consent from PD1-12 "N" (do not protect), three doses: the Td given
    // (NDC 49281-0215-88 → CVX 113) and two historical influenza doses.
    let wong = clients_named(&registry, "Wong").await;
    assert_eq!(wong.len(), 1, "{wong:?}");
    let (client, consent) = &wong[0];
    assert_eq!(consent, "granted");
    let doses = doses_of(&registry, client).await;
    assert_eq!(
        doses,
        vec![
            ("88".into(), "2013-11-12".into(), "historical".into()),
            ("88".into(), "2014-10-12".into(), "historical".into()),
            ("113".into(), "2015-06-24".into(), "administered".into()),
        ]
    );

    // The EHR did not see the ACK and sends the message again: the same patient, found by
    // Smart search; every dose already held, reported as information.
    let (status, _, again) = send(&server, Some(&token), &message).await;
    assert_eq!(status, 200);
    assert_eq!(msa(&again).0, "AA", "{again}");
    let duplicates: Vec<_> = errs(&again)
        .into_iter()
        .filter(|(segment, _, _)| segment.starts_with("RXA"))
        .collect();
    assert_eq!(duplicates.len(), 3, "{again}");
    assert!(duplicates.iter().all(|(_, severity, _)| severity == "I"));
    assert_eq!(clients_named(&registry, "Wong").await.len(), 1);
    assert_eq!(doses_of(&registry, client).await.len(), 3);

    // Both messages audited with their sender; the patient's name never in the detail.
    let audits = interface_audits(&registry).await;
    assert_eq!(audits.len(), 2, "{audits:?}");
    for (place, filed, detail) in &audits {
        assert_eq!(place, "interface:NISTEHRFAC");
        assert_eq!(filed.as_deref(), Some(client.as_str()));
        assert!(detail.contains("NIST-IZ-AD-2.1_Send_V04_Z22"), "{detail}");
        assert!(
            !detail.contains("Wong") && !detail.contains("Elise"),
            "{detail}"
        );
    }
    assert!(
        audits[0].2.contains("new patient; 3 recorded"),
        "{}",
        audits[0].2
    );
    assert!(
        audits[1].2.contains("0 recorded, 3 already held"),
        "{}",
        audits[1].2
    );

    // Another Elise Wong, born a week later: likely by the matcher, but not the same person by
    // name and birth date. A new record, its doses its own, the pair queued for a person.
    let cousin = message
        .replace("|19830615|F|", "|19830622|F|")
        .replace("NIST-IZ-AD-2.1_Send_V04_Z22", "COUSIN-1");
    let (_, _, ack) = send(&server, Some(&token), &cousin).await;
    assert_eq!(msa(&ack).0, "AA", "{ack}");
    assert!(ack.contains("wait for review"), "{ack}");
    let both = clients_named(&registry, "Wong").await;
    assert_eq!(both.len(), 2, "{both:?}");
    assert_eq!(doses_of(&registry, client).await.len(), 3, "hers untouched");
    let (queued,): (i64,) = sqlx::query_as("SELECT count(*) FROM duplicate_pairs")
        .fetch_one(registry.pool())
        .await
        .unwrap();
    assert_eq!(queued, 1);
}

#[tokio::test]
async fn content_problems_are_answered_in_the_ack_and_roles_that_record_no_dose_are_refused() {
    let db = demo().await;
    let registry = db.registry().clone();
    let server = Server::start(registry.clone()).await;
    let token = access_token(&server, "TX0001", "tx.provider").await;

    // Not HL7 at all: an ACK saying so, audited.
    let (status, _, ack) = send(&server, Some(&token), "hello").await;
    assert_eq!(status, 200);
    assert_eq!(msa(&ack).0, "AE", "{ack}");
    assert!(!errs(&ack).is_empty());

    // Another message type: AR (unsupported), nothing stored.
    let query = hl7_sample("03-qbp-z44-cdc-ig-example.hl7");
    let (status, _, ack) = send(&server, Some(&token), &query).await;
    assert_eq!(status, 200);
    assert_eq!(msa(&ack).0, "AR", "{ack}");

    // A patient without a last name: the message is rejected, no client, no dose.
    let nameless = hl7_sample(IZ_001).replace("Snow^Madelynn^Ainsley", "^Madelynn^Ainsley");
    let (_, _, ack) = send(&server, Some(&token), &nameless).await;
    assert_eq!(msa(&ack).0, "AE", "{ack}");
    assert!(errs(&ack).iter().any(|(_, severity, _)| severity == "E"));
    let (count,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM clients WHERE first_name = 'Madelynn'")
            .fetch_one(registry.pool())
            .await
            .unwrap();
    assert_eq!(count, 0);

    // The child's message with its vaccination sent twice (an EHR's repeated ORC group): filed,
    // consent not granted (no PD1-12), the influenza dose recorded once and the repeat
    // acknowledged as already held.
    let message = hl7_sample(IZ_001);
    let group = &message[message.find("ORC|").unwrap()..];
    let twice = format!("{message}{}", group);
    let (_, _, ack) = send(&server, Some(&token), &twice).await;
    assert!(
        errs(&ack).iter().all(|(_, severity, _)| severity != "E"),
        "{ack}"
    );
    assert!(
        errs(&ack)
            .iter()
            .any(|(segment, severity, _)| segment.starts_with("RXA^2") && severity == "I"),
        "{ack}"
    );
    let snow = clients_named(&registry, "Snow").await;
    assert_eq!(snow.len(), 1);
    assert_eq!(snow[0].1, "not_granted");
    assert_eq!(
        doses_of(&registry, &snow[0].0).await,
        vec![("140".into(), "2012-08-14".into(), "administered".into())]
    );
    assert_eq!(interface_audits(&registry).await.len(), 4);

    // Roles that record no dose, and no token at all.
    for (org, user) in [("TXSCH1", "tx.school"), ("MT0001", "mt.readonly")] {
        let other = access_token(&server, org, user).await;
        let (status, _, body) = send(&server, Some(&other), &hl7_sample(IZ_001)).await;
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (status, &body["permission"]),
            (403, &serde_json::json!("add_immunizations"))
        );
    }
    let (status, _, _) = send(&server, None, &hl7_sample(IZ_001)).await;
    assert_eq!(status, 401);
    assert_eq!(interface_audits(&registry).await.len(), 4);
}

/// A SOAP 1.2 request to CDC's IIS service: `operation` with `fields`, in `namespace`.
fn soap_request(namespace: &str, operation: &str, fields: &[(&str, &str)]) -> String {
    let escape = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\r', "&#13;")
    };
    let fields: String = fields
        .iter()
        .map(|(name, value)| format!("<c:{name}>{}</c:{name}>", escape(value)))
        .collect();
    format!(
        "<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:c=\"{namespace}\">\
         <soap:Header/><soap:Body><c:{operation}>{fields}</c:{operation}></soap:Body></soap:Envelope>"
    )
}

async fn soap(server: &Server, request: &str) -> (u16, String) {
    let response = server
        .client
        .post(format!("{}/v1/soap/iis", server.base))
        .header("content-type", "application/soap+xml; charset=utf-8")
        .body(request.to_string())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The text of the first `<name>` element, entities resolved.
fn element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{name}>"))?;
    Some(
        xml[start..end]
            .replace("&#13;", "\r")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

#[tokio::test]
async fn cdc_soap_files_messages_for_credentials_that_may_report_doses_and_faults_otherwise() {
    const V2011: &str = "urn:cdc:iisb:2011";
    const V2014: &str = "urn:cdc:iisb:2014";
    let db = demo().await;
    let registry = db.registry().clone();
    let server = Server::start(registry.clone()).await;

    // The service descriptions, with this server's address.
    for (query, operation) in [
        ("?wsdl", "submitSingleMessage"),
        ("?wsdl&generation=2014", "SubmitSingleMessage"),
    ] {
        let response = server
            .client
            .get(format!("{}/v1/soap/iis{query}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let wsdl = response.text().await.unwrap();
        assert!(
            wsdl.contains(&format!("<wsdl:operation name=\"{operation}\">")),
            "{wsdl}"
        );
        assert!(
            wsdl.contains("<soap12:address location=\"https://127.0.0.1:"),
            "{wsdl}"
        );
    }

    // Connectivity, both generations, no credentials needed.
    let (status, xml) = soap(
        &server,
        &soap_request(V2011, "connectivityTest", &[("echoBack", "ping <1>")]),
    )
    .await;
    assert_eq!(status, 200, "{xml}");
    assert!(
        xml.contains("<connectivityTestResponse xmlns=\"urn:cdc:iisb:2011\">"),
        "{xml}"
    );
    assert_eq!(element(&xml, "return").as_deref(), Some("ping <1>"));
    let (status, xml) = soap(
        &server,
        &soap_request(V2014, "ConnectivityTest", &[("EchoBack", "pong")]),
    )
    .await;
    assert_eq!(status, 200, "{xml}");
    assert_eq!(element(&xml, "EchoBack").as_deref(), Some("pong"));

    // Two messages in one submitSingleMessage (2011): two ACKs, both patients filed.
    let both = format!("{}{}", hl7_sample(IZ_AD_2_1), hl7_sample(IZ_001));
    let request = soap_request(
        V2011,
        "submitSingleMessage",
        &[
            ("username", "mt.records"),
            ("password", DEMO_PASSWORD),
            ("facilityID", "MT0001"),
            ("hl7Message", &both),
        ],
    );
    let (status, xml) = soap(&server, &request).await;
    assert_eq!(status, 200, "{xml}");
    let acks = element(&xml, "return").expect("a return element");
    let msas: Vec<&str> = acks.split('\r').filter(|s| s.starts_with("MSA|")).collect();
    assert_eq!(msas.len(), 2, "{acks}");
    assert!(msas[0].contains("NIST-IZ-AD-2.1_Send_V04_Z22"));
    assert!(msas[1].contains("NIST-IZ-001.00"));
    assert_eq!(clients_named(&registry, "Wong").await.len(), 1);
    assert_eq!(clients_named(&registry, "Snow").await.len(), 1);
    let audits = interface_audits(&registry).await;
    assert_eq!(audits.len(), 2, "{audits:?}");

    // The 2014 generation answers in its own element, and the resend holds no new dose.
    let request = soap_request(
        V2014,
        "SubmitSingleMessage",
        &[
            ("Username", "mt.records"),
            ("Password", DEMO_PASSWORD),
            ("FacilityID", "MT0001"),
            ("Hl7Message", &hl7_sample(IZ_AD_2_1)),
        ],
    );
    let (status, xml) = soap(&server, &request).await;
    assert_eq!(status, 200, "{xml}");
    assert!(xml.contains("<SubmitSingleMessageResponse xmlns=\"urn:cdc:iisb:2014\">"));
    let ack = element(&xml, "Hl7Message").unwrap();
    assert!(ack.contains("registry already holds"), "{ack}");
    let wong = &clients_named(&registry, "Wong").await[0].0;
    assert_eq!(doses_of(&registry, wong).await.len(), 3);

    // Faults: wrong password, a role that reports no dose, missing credentials, too large,
    // an unknown operation, not SOAP at all.
    let submit_as = |user: &str, password: &str, facility: &str, message: &str| {
        soap_request(
            V2011,
            "submitSingleMessage",
            &[
                ("username", user),
                ("password", password),
                ("facilityID", facility),
                ("hl7Message", message),
            ],
        )
    };
    let message = hl7_sample(IZ_001);
    for (request, kind) in [
        (
            submit_as("tx.provider", "not the password", "TX0001", &message),
            "SecurityFault",
        ),
        (
            submit_as("tx.school", DEMO_PASSWORD, "TXSCH1", &message),
            "SecurityFault",
        ),
        (submit_as("", "", "", &message), "SecurityFault"),
        (
            submit_as(
                "mt.records",
                DEMO_PASSWORD,
                "MT0001",
                &"x".repeat(4 * 1024 * 1024 + 1),
            ),
            "MessageTooLargeFault",
        ),
        (
            soap_request(V2011, "submitBatch", &[]),
            "UnsupportedOperationFault",
        ),
        ("MSH|^~\\&|".to_string(), "fault"),
    ] {
        let (status, xml) = soap(&server, &request).await;
        assert_eq!(status, 400, "{kind}: {xml}");
        assert!(xml.contains("<soap:Fault>"), "{xml}");
        assert!(xml.contains(&format!("<{kind} xmlns=")), "{kind}: {xml}");
        if kind == "MessageTooLargeFault" {
            assert_eq!(element(&xml, "Size").as_deref(), Some("4194305"));
            assert_eq!(element(&xml, "MaxSize").as_deref(), Some("4194304"));
        }
    }
    assert_eq!(
        interface_audits(&registry).await.len(),
        3,
        "faults file nothing"
    );
    let (refused,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed' AND workstation = 'interface:TX0001'",
    )
    .fetch_one(registry.pool())
    .await
    .unwrap();
    assert_eq!(
        refused, 1,
        "the wrong password counts on the sign-in ladder, audited"
    );
}

/// A QBP^Q11 `profile` (Z34, Z44) for a name and birth date (YYYYMMDD).
fn qbp(profile: &str, family: &str, given: &str, born: &str) -> String {
    format!(
        "MSH|^~\\&|NISTEHRAPP|NISTEHRFAC|||20261201120000-0600||QBP^Q11^QBP_Q11|Q-{family}-{profile}|P|2.5.1|||ER|AL|||||{profile}^CDCPHINVS\r\
         QPD|{profile}^Request Immunization History^CDCPHINVS|TAG-{family}||{family}^{given}^^^^^L||{born}\r\
         RCP|I|20^RD&Records&HL70126\r"
    )
}

async fn query(server: &Server, token: &str, message: &str) -> String {
    let response = server
        .client
        .post(format!("{}/v1/hl7/qbp", server.base))
        .bearer_auth(token)
        .body(message.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.text().await.unwrap()
}

/// QAK-2 and MSH-21.1 of an RSP.
fn qak(rsp: &str) -> (String, String) {
    let segs = segments(rsp);
    let qak = segs.iter().find(|s| s[0] == "QAK").expect("QAK");
    (
        qak[2].clone(),
        segs[0][20].split('^').next().unwrap().to_string(),
    )
}

#[tokio::test]
async fn an_ehr_queries_a_patients_history_within_the_consent_rule() {
    let db = demo().await;
    let registry = db.registry().clone();
    let server = Server::start(registry.clone()).await;
    let clinic = access_token(&server, "MT0001", "mt.records").await;
    for message in [hl7_sample(IZ_AD_2_1), hl7_sample(IZ_001)] {
        let (status, _, _) = send(&server, Some(&clinic), &message).await;
        assert_eq!(status, 200);
    }

    // Elise Wong (consent granted through PD1-12) from another clinic: Z32 with her three doses.
    let other = access_token(&server, "MT0002", "mt.vaccines").await;
    let rsp = query(&server, &other, &qbp("Z34", "Wong", "Elise", "19830615")).await;
    assert_eq!(qak(&rsp), ("OK".into(), "Z32".into()), "{rsp}");
    let segs = segments(&rsp);
    let rxas: Vec<&Vec<String>> = segs.iter().filter(|s| s[0] == "RXA").collect();
    assert_eq!(rxas.len(), 3, "{rsp}");
    assert!(rxas.iter().any(|r| r[5].starts_with("113^")), "{rsp}");
    let pid = segs.iter().find(|s| s[0] == "PID").unwrap();
    assert!(pid[5].starts_with("Wong^Elise"), "{rsp}");
    assert!(pid[7].starts_with("19830615"), "{rsp}");

    // Madelynn Snow's record (no consent) is her clinic's: another clinic learns only that it
    // exists (PD), her own clinic gets it.
    let rsp = query(&server, &other, &qbp("Z34", "Snow", "Madelynn", "20070706")).await;
    assert_eq!(qak(&rsp).0, "PD", "{rsp}");
    assert!(!rsp.contains("\rPID|"), "{rsp}");
    assert!(!rsp.contains("RXA|"), "{rsp}");
    let rsp = query(
        &server,
        &clinic,
        &qbp("Z34", "Snow", "Madelynn", "20070706"),
    )
    .await;
    assert_eq!(qak(&rsp).0, "OK", "{rsp}");
    assert_eq!(rsp.matches("\rRXA|").count(), 1, "{rsp}");

    // Nobody by that name; a school's broad query is refused.
    let rsp = query(&server, &clinic, &qbp("Z34", "Nobody", "Here", "20100101")).await;
    assert_eq!(qak(&rsp), ("NF".into(), "Z33".into()), "{rsp}");
    // Z44: her doses evaluated per vaccine group, then the forecast per group.
    let rsp = query(&server, &other, &qbp("Z44", "Wong", "Elise", "19830615")).await;
    assert_eq!(qak(&rsp), ("OK".into(), "Z42".into()), "{rsp}");
    let segs = segments(&rsp);
    let obx = |loinc: &str| -> Vec<&Vec<String>> {
        segs.iter()
            .filter(|s| s[0] == "OBX" && s[3].starts_with(loinc))
            .collect()
    };
    // Td (113) given at 32 is a valid DTaP/Tdap/Td dose; the two influenza doses valid.
    let validity: Vec<&str> = obx("59781-5").iter().map(|s| s[5].as_str()).collect();
    assert_eq!(validity.len(), 3, "{rsp}");
    assert!(validity.iter().all(|v| v.starts_with('Y')), "{rsp}");
    let groups: Vec<&str> = obx("30956-7").iter().map(|s| s[5].as_str()).collect();
    assert!(groups.iter().any(|g| g.starts_with("107^")), "{rsp}");
    assert!(groups.iter().any(|g| g.starts_with("88^")), "{rsp}");
    // The forecast: a schedule, a status per group, and due dates in HL7 form.
    assert_eq!(obx("59779-9").len(), 1, "{rsp}");
    assert!(obx("59783-1").len() >= 10, "{rsp}");
    assert!(obx("30980-7").iter().all(|s| s[5].len() == 8), "{rsp}");
    let rsp = query(&server, &other, &qbp("Z44", "Snow", "Madelynn", "20070706")).await;
    assert_eq!(qak(&rsp).0, "PD", "{rsp}");
    let school = access_token(&server, "TXSCH1", "tx.school").await;
    let rsp = query(&server, &school, &qbp("Z34", "Snow", "", "")).await;
    assert_eq!(qak(&rsp).0, "AE", "{rsp}");

    // The answered record and the listed patients are audited for the querying clinic.
    let (views,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM audit_log a JOIN organizations o ON o.id = a.organization_id
         WHERE a.action = 'view_client' AND o.code = 'MT0002'",
    )
    .fetch_one(registry.pool())
    .await
    .unwrap();
    assert_eq!(views, 2, "Z34 and Z44 each read her record once");
}
