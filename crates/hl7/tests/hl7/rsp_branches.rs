//! The RSP decision table's 8 branches (interop note §A1): NF, TM, Z31 within min(20, RCP-2),
//! Z44 with several matches → NF, Z32, Z42, AE, consent-blocked; each built and read back.

use time::macros::date;

use shotbook_hl7::qbp::{receive_qbp, QueryProfile, ReceivedQuery};
use shotbook_hl7::rsp::{
    build_rsp, decide, Body, DoseEvaluation, Forecast, ForecastGroup, Found, Response, RspDose,
    RspGuardian, RspPatient,
};
use shotbook_hl7::vxu::{Name, PatientIdentifier};
use shotbook_hl7::Message;

use crate::common::{ctx, read_ack, sample, TODAY};

fn z34(limit: &str) -> ReceivedQuery {
    let text = sample("03-qbp-z44-cdc-ig-example.hl7")
        .replace(
            "Z44^Request Evaluated History and Forecast",
            "Z34^Request Immunization History",
        )
        .replace("RCP|I|1^RD", &format!("RCP|I|{limit}^RD"));
    receive_qbp(text.as_bytes(), TODAY)
}

fn z44() -> ReceivedQuery {
    receive_qbp(sample("03-qbp-z44-cdc-ig-example.hl7").as_bytes(), TODAY)
}

fn patient(n: usize) -> RspPatient {
    RspPatient {
        identifiers: vec![PatientIdentifier {
            id: format!("SB{n:06}"),
            assigning_authority: "MTREG".into(),
            type_code: "SR".into(),
        }],
        name: Name {
            family: "Child".into(),
            given: "Robert".into(),
            middle: "Quenton".into(),
            suffix: String::new(),
        },
        mother_maiden_name: Some("Que".into()),
        birth_date: date!(2005 - 05 - 12),
        sex: Some("M".into()),
        address: None,
        phone: Some("4065551234".into()),
        multiple_birth: None,
        birth_order: None,
    }
}

fn doses() -> Vec<RspDose> {
    vec![RspDose {
        id: "D1".into(),
        administered_on: date!(2005 - 07 - 12),
        cvx: "48".into(),
        vaccine: "Hib (PRP-T)".into(),
        amount_ml: Some(0.5),
        historical: false,
        lot_number: Some("33k2a".into()),
        mvx: Some("PMC".into()),
        evaluations: vec![DoseEvaluation {
            vaccine_group_cvx: "17".into(),
            vaccine_group: "Hib".into(),
            valid: true,
            dose_number: Some(1),
        }],
    }]
}

fn forecast() -> Forecast {
    Forecast {
        assessed_on: TODAY,
        schedule: ("VXC16".into(), "ACIP".into()),
        groups: vec![ForecastGroup {
            vaccine_group_cvx: "17".into(),
            vaccine_group: "Hib".into(),
            status: "Not complete".into(),
            dose_number: Some(2),
            earliest: Some(date!(2005 - 08 - 09)),
            recommended: Some(date!(2005 - 09 - 12)),
            overdue: Some(date!(2005 - 10 - 12)),
            latest: Some(date!(2010 - 05 - 11)),
        }],
    }
}

/// Builds the response and returns (MSH-21.1, QAK-2, segment IDs), checking MSA and QAK.
fn respond(
    received: &ReceivedQuery,
    found: Found,
    body: Body<'_>,
) -> (Response, String, String, Vec<String>) {
    let q = received.query.as_ref();
    let profile = q.map_or(QueryProfile::History, |q| q.profile);
    let max = q.map_or(20, |q| q.max_candidates);
    let response = decide(profile, found, max);
    let rsp = build_rsp(
        received.header.as_ref(),
        q,
        response,
        body,
        &received.issues,
        &ctx(),
    );
    let control = received
        .header
        .as_ref()
        .map_or("", |h| h.control_id.as_str());
    let _ = read_ack(&rsp, control);
    let m = Message::parse(&rsp).unwrap();
    assert_eq!(m.msh().field(9).raw(), "RSP^K11^RSP_K11");
    let qak = m.segment("QAK").expect("QAK");
    if let Some(q) = q {
        assert_eq!(qak.text(1, 0), q.tag, "QAK-1 = QPD-2");
        assert_eq!(qak.text(3, 1), q.profile.code(), "QAK-3 = QPD-1");
        assert_eq!(
            m.segment("QPD").unwrap().field(1).raw(),
            q.qpd_echo.split('|').next().unwrap(),
            "QPD echoed"
        );
    }
    let ids = m.segments().iter().map(|s| s.id().to_string()).collect();
    (
        response,
        m.msh().text(21, 1).into_owned(),
        qak.text(2, 0).into_owned(),
        ids,
    )
}

#[test]
fn no_match_is_a_z33_nf() {
    let (r, profile, status, ids) = respond(&z44(), Found::Matches(0), Body::Empty);
    assert_eq!(
        (r, profile.as_str(), status.as_str()),
        (Response::NotFound, "Z33", "NF")
    );
    assert!(!ids.contains(&"PID".to_string()));
}

#[test]
fn more_candidates_than_rcp_2_allows_is_a_z33_tm() {
    let q = z34("3");
    assert_eq!(q.query.as_ref().unwrap().max_candidates, 3);
    let (r, profile, status, _) = respond(&q, Found::Matches(4), Body::Empty);
    assert_eq!(
        (r, profile.as_str(), status.as_str()),
        (Response::TooMany, "Z33", "TM")
    );
    // RCP-2 above 20 is capped at 20.
    assert_eq!(z34("50").query.unwrap().max_candidates, 20);
    assert_eq!(
        decide(QueryProfile::History, Found::Matches(21), 20),
        Response::TooMany
    );
}

#[test]
fn a_few_candidates_for_a_z34_are_a_z31_list_of_pids_without_doses() {
    let q = z34("3");
    let list = [patient(1), patient(2), patient(3)];
    let (r, profile, status, ids) = respond(&q, Found::Matches(3), Body::Candidates(&list));
    assert_eq!(
        (r, profile.as_str(), status.as_str()),
        (Response::Candidates, "Z31", "OK")
    );
    assert_eq!(ids.iter().filter(|i| *i == "PID").count(), 3);
    assert!(!ids.contains(&"RXA".to_string()));
}

#[test]
fn several_matches_for_a_z44_are_a_z33_nf_never_a_list() {
    let (r, profile, status, _) = respond(&z44(), Found::Matches(2), Body::Empty);
    assert_eq!(
        (r, profile.as_str(), status.as_str()),
        (Response::NotFound, "Z33", "NF")
    );
}

#[test]
fn one_match_for_a_z34_is_a_z32_history_with_guardians() {
    let q = z34("1");
    let p = patient(1);
    let guardians = [RspGuardian {
        name: Name {
            family: "Que".into(),
            given: "Suzy".into(),
            ..Name::default()
        },
        relationship: "MTH".into(),
    }];
    let d = doses();
    let (r, profile, status, ids) = respond(
        &q,
        Found::Matches(1),
        Body::History {
            patient: &p,
            guardians: &guardians,
            doses: &d,
        },
    );
    assert_eq!(
        (r, profile.as_str(), status.as_str()),
        (Response::History, "Z32", "OK")
    );
    // ERR: the guide's example query leaves MSH-4 empty (a warning).
    assert_eq!(
        ids,
        ["MSH", "MSA", "ERR", "QAK", "QPD", "PID", "NK1", "ORC", "RXA"]
    );
}

#[test]
fn one_match_for_a_z44_is_a_z42_with_evaluations_and_the_forecast_loinc_codes() {
    let q = z44();
    let p = patient(1);
    let d = doses();
    let f = forecast();
    let response = decide(QueryProfile::EvaluatedHistory, Found::Matches(1), 1);
    assert_eq!(response, Response::EvaluatedHistory);
    let rsp = build_rsp(
        q.header.as_ref(),
        q.query.as_ref(),
        response,
        Body::EvaluatedHistory {
            patient: &p,
            doses: &d,
            forecast: &f,
        },
        &q.issues,
        &ctx(),
    );
    let m = Message::parse(&rsp).unwrap();
    let obx: Vec<(String, String)> = m
        .segments()
        .iter()
        .filter(|s| s.id() == "OBX")
        .map(|s| (s.text(3, 1).into_owned(), s.text(5, 1).into_owned()))
        .collect();
    let value = |loinc: &str| {
        obx.iter()
            .filter(|(l, _)| l == loinc)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(value("59781-5"), ["Y"], "dose validity");
    assert_eq!(
        value("30956-7"),
        ["17", "17"],
        "vaccine group of the dose, then of the forecast"
    );
    assert_eq!(value("59779-9"), ["VXC16"]);
    assert_eq!(value("59783-1"), ["Not complete"]);
    assert_eq!(value("30981-5"), ["20050809"], "earliest");
    assert_eq!(value("30980-7"), ["20050912"], "due");
    assert_eq!(value("59778-1"), ["20051012"], "overdue, not latest");
    assert_eq!(value("59777-3"), ["20100511"], "latest");
    let forecast_rxa = m
        .segments()
        .iter()
        .filter(|s| s.id() == "RXA")
        .nth(1)
        .unwrap();
    assert_eq!(forecast_rxa.text(5, 1), "998");
    // The query's MSH-10 is 793543, its MSH-3/4 are empty (the guide's example), and the
    // guide's own response (sample 04) answers MSA|AA|793543 as this does, with an W ERR for
    // the missing sending facility: AE.
    let (msa, errs) = read_ack(&rsp, "793543");
    assert_eq!((msa.as_str(), errs.len()), ("AE", 1));
    insta::assert_snapshot!("rsp_z42", rsp.replace('\r', "\n"));
}

#[test]
fn a_query_in_error_is_a_z33_ae_and_a_refused_one_a_z33_ar() {
    let text = sample("03-qbp-z44-cdc-ig-example.hl7")
        .replace("|Child^Bobbie^Q^^^^L|", "||")
        .replace("123456^^^MYEHR^MR", "");
    let q = receive_qbp(text.as_bytes(), TODAY);
    assert!(q.query.is_none());
    assert!(q.issues.iter().any(|i| i.code() == "qpd.patient.missing"));
    let (r, profile, status, _) = respond(&q, Found::QueryError, Body::Empty);
    assert_eq!(
        (r, profile.as_str(), status.as_str()),
        (Response::QueryError, "Z33", "AE")
    );
    let refused = receive_qbp(
        sample("03-qbp-z44-cdc-ig-example.hl7")
            .replace("|2.5.1|", "|2.3|")
            .as_bytes(),
        TODAY,
    );
    let rsp = build_rsp(
        refused.header.as_ref(),
        refused.query.as_ref(),
        Response::QueryError,
        Body::Empty,
        &refused.issues,
        &ctx(),
    );
    let m = Message::parse(&rsp).unwrap();
    assert_eq!(m.segment("MSA").unwrap().text(1, 0), "AR");
    assert_eq!(m.segment("QAK").unwrap().text(2, 0), "AR");
}

#[test]
fn a_match_whose_consent_blocks_sharing_is_a_z33_pd_with_no_patient() {
    let (r, profile, status, ids) = respond(&z44(), Found::ConsentBlocked, Body::Empty);
    assert_eq!(
        (r, profile.as_str(), status.as_str()),
        (Response::Protected, "Z33", "PD")
    );
    assert!(!ids.contains(&"PID".to_string()));
}
