//! Every sample in `shared/data/hl7/` (LF-separated there; real traffic uses CR, so each is
//! also read with CR and CRLF endings).

use shotbook_hl7::ack::AiraReading;
use shotbook_hl7::aira_reading;
use shotbook_hl7::qbp::{receive_qbp, QueryProfile};
use shotbook_hl7::vxu::{Action, Completion, InformationSource};
use shotbook_hl7::Message;

use crate::common::{ack_of, read_ack, receive, sample, samples_dir, TODAY};

#[test]
fn every_sample_splits_with_lf_cr_and_crlf_endings() {
    let mut names: Vec<_> = std::fs::read_dir(samples_dir())
        .expect("samples directory")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".hl7"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 5, "{names:?}");
    for name in names {
        let text = sample(&name);
        let lf = Message::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        for ending in ["\r", "\r\n"] {
            let other = text.replace('\n', ending);
            let m = Message::parse(&other).unwrap();
            assert_eq!(m.segments().len(), lf.segments().len(), "{name} {ending:?}");
        }
        let expected = text.lines().filter(|l| !l.trim().is_empty()).count();
        assert_eq!(lf.segments().len(), expected, "{name}: no segment lost");
    }
}

#[test]
fn the_nist_z22_sample_is_read_field_by_field_and_accepted() {
    let received = receive(&sample("01-vxu-z22-nist-iz-ad-2.1.hl7"));
    assert_eq!(received.issues, vec![], "no issue in NIST IZ-AD-2.1");
    let vxu = received.vxu.as_ref().unwrap();
    assert_eq!(vxu.header.control_id, "NIST-IZ-AD-2.1_Send_V04_Z22");
    assert_eq!(vxu.header.profiles, ["Z22"]);
    let p = vxu.patient.as_ref().unwrap();
    assert_eq!(
        (p.name.family.as_str(), p.name.given.as_str()),
        ("Wong", "Elise")
    );
    assert_eq!(p.identifiers[0].type_code, "MR");
    assert_eq!(p.birth_date, Some(time::macros::date!(1983 - 06 - 15)));
    assert_eq!(p.sex, Some("F"));
    assert_eq!(p.races, ["2028-9"]);
    assert_eq!(p.ethnicity, Some("2186-5"));
    assert_eq!(p.phones, ["4065557896"]);
    assert_eq!(p.emails, ["Elise.Wong@isp.com"]);
    assert_eq!(p.address.as_ref().unwrap().zip, "59715");
    let pd1 = vxu.preferences.as_ref().unwrap();
    assert_eq!(pd1.publicity, Some("02"));
    assert_eq!(pd1.protection, Some(false));
    assert_eq!(pd1.registry_status, Some("active"));
    assert_eq!(vxu.vaccinations.len(), 3);
    let given = &vxu.vaccinations[0];
    assert_eq!(
        given.cvx.as_ref().unwrap().as_str(),
        "113",
        "NDC 49281-0215-88 is Td (113)"
    );
    assert_eq!(given.ndc.as_deref(), Some("49281021588"));
    assert_eq!(given.source, InformationSource::Administered);
    assert_eq!(given.lot_number.as_deref(), Some("315841"));
    assert_eq!(given.mvx.as_ref().unwrap().as_str(), "PMC");
    assert_eq!((given.route, given.site), (Some("IM"), Some("RD")));
    assert_eq!(given.vfc_eligibility.as_deref(), Some("V01"));
    assert_eq!(given.funding_source.as_deref(), Some("PHC70"));
    assert_eq!(
        given.vis[0].document.as_deref(),
        Some("253088698300028811170411")
    );
    assert_eq!(
        (given.completion, given.action),
        (Completion::Complete, Some(Action::Add))
    );
    for historical in &vxu.vaccinations[1..] {
        assert_eq!(historical.source, InformationSource::Historical);
        assert_eq!(historical.cvx.as_ref().unwrap().as_str(), "88");
        assert_eq!(historical.amount_ml, None, "999 means unknown");
    }
    assert_eq!(received.accepted_vaccinations().count(), 3);
    let ack = ack_of(&sample("01-vxu-z22-nist-iz-ad-2.1.hl7"));
    let (msa, errs) = read_ack(&ack, "NIST-IZ-AD-2.1_Send_V04_Z22");
    assert_eq!((msa.as_str(), errs.len()), ("AA", 0));
    assert_eq!(aira_reading(&ack), AiraReading::Accepted);
    insta::assert_snapshot!("ack_nist_iz_ad_2_1", ack.replace('\r', "\n"));
}

#[test]
fn the_nist_child_sample_is_accepted_with_warnings() {
    let text = sample("02-vxu-nist-iz-001-child.hl7");
    let received = receive(&text);
    let codes: Vec<_> = received.issues.iter().map(|i| i.code()).collect();
    // It predates MSH-21 (no profile) and dates its dose six weeks after the message.
    assert_eq!(codes, ["msh.profile.missing", "rxa.date.after_message"]);
    let vxu = received.vxu.as_ref().unwrap();
    let p = vxu.patient.as_ref().unwrap();
    assert_eq!(p.mother_maiden_name.as_deref(), Some("Lam"));
    assert_eq!(vxu.guardians[0].relationship, Some("mother"));
    let dose = &vxu.vaccinations[0];
    assert_eq!(dose.cvx.as_ref().unwrap().as_str(), "140");
    assert_eq!(dose.vfc_eligibility.as_deref(), Some("V05"));
    assert_eq!(dose.vis[0].vaccine_type.as_ref().unwrap().as_str(), "88");
    assert_eq!(
        dose.vis[0].published_on,
        Some(time::macros::date!(2012 - 07 - 02))
    );
    assert_eq!(
        dose.vis[0].presented_on,
        Some(time::macros::date!(2012 - 08 - 14))
    );
    assert_eq!(received.accepted_vaccinations().count(), 1);
    let ack = ack_of(&text);
    let (msa, errs) = read_ack(&ack, "NIST-IZ-001.00");
    assert_eq!(msa, "AE");
    assert_eq!(errs[0].location, "MSH^1^21^1");
    assert_eq!(
        (errs[0].condition.as_str(), errs[0].severity.as_str()),
        ("101", "W")
    );
    assert_eq!(errs[1].location, "RXA^1^3^1");
    assert_eq!(
        aira_reading(&ack),
        AiraReading::Accepted,
        "AE with W only is accepted"
    );
}

#[test]
fn the_cdc_z44_query_is_read() {
    let received = receive_qbp(sample("03-qbp-z44-cdc-ig-example.hl7").as_bytes(), TODAY);
    let codes: Vec<_> = received.issues.iter().map(|i| i.code()).collect();
    // The guide's example leaves MSH-3/4 empty.
    assert_eq!(codes, ["msh.sending_facility.missing"]);
    let q = received.query.unwrap();
    assert_eq!(q.profile, QueryProfile::EvaluatedHistory);
    assert_eq!(q.tag, "37374859");
    assert_eq!(q.identifiers[0].id, "123456");
    assert_eq!(
        (q.name.family.as_str(), q.name.given.as_str()),
        ("Child", "Bobbie")
    );
    assert_eq!(q.mother_maiden_name.as_deref(), Some("Que"));
    assert_eq!(q.birth_date, Some(time::macros::date!(2005 - 05 - 12)));
    assert_eq!(q.sex, Some("M"));
    assert_eq!(q.max_candidates, 1, "RCP-2 asks for one record");
    assert!(q
        .qpd_echo
        .starts_with("Z44^Request Evaluated History and Forecast^CDCPHINVS|37374859|"));
}

#[test]
fn the_cdc_z42_response_and_the_nist_ack_split_and_read() {
    let rsp_text = sample("04-rsp-z42-cdc-ig-example.hl7");
    let rsp = Message::parse(&rsp_text).unwrap();
    assert_eq!(rsp.segment("QAK").unwrap().text(2, 0), "OK");
    assert_eq!(rsp.segment("RXA").unwrap().text(5, 1), "48");
    let ack = sample("05-ack-z23-nist-ae-error.hl7");
    let m = Message::parse(&ack).unwrap();
    let err = m.segment("ERR").unwrap();
    assert_eq!(err.field(2).raw(), "RXA^1^5^1^1");
    assert_eq!(err.text(5, 1), "5");
    // The ACK is LF-separated in the file; AIRA's reading does not depend on the endings.
    assert_eq!(aira_reading(&ack), AiraReading::NotAccepted, "AE with an E");
}

#[test]
fn the_samples_map_into_the_core_inputs_the_desktop_forms_use() {
    use shotbook_core::consent::ConsentStatus;
    use shotbook_core::demographics::{Address, Personal, ResponsiblePerson};
    use shotbook_core::error::IssueCollector;
    use shotbook_core::ids::ClientId;
    use shotbook_core::immunization::dose::DoseProduct;
    use shotbook_hl7::mapping::{CoreDose, GuardianForm, PatientForm};

    let received = receive(&sample("01-vxu-z22-nist-iz-ad-2.1.hl7"));
    let vxu = received.vxu.unwrap();
    let form = PatientForm::of(vxu.patient.as_ref().unwrap());
    let mut issues = IssueCollector::new();
    let personal = Personal::parse(form.personal_input(), TODAY, &mut issues);
    let personal = personal.unwrap_or_else(|| panic!("PID parses as the form does: {issues:?}"));
    let address = Address::parse("", form.address_input(), &mut issues);
    issues.finish().unwrap();
    assert_eq!(personal.last_name.as_str(), "Wong");
    assert_eq!(personal.date_of_birth.date().iso(), "1983-06-15");
    assert_eq!(personal.phone.unwrap().as_str(), "406-555-7896");
    assert_eq!(
        (address.state, address.zip.unwrap().as_str().to_string()),
        (Some("MT"), "59715".to_string())
    );
    let signal = vxu.preferences.as_ref().unwrap().consent_signal().unwrap();
    assert_eq!(
        signal.status,
        ConsentStatus::Granted,
        "PD1-12 N: do not protect"
    );

    let client = ClientId::new();
    let doses: Vec<_> = vxu
        .vaccinations
        .iter()
        .map(|v| v.to_core(client).unwrap())
        .collect();
    let CoreDose::Administered(given) = &doses[0] else {
        panic!("RXA-9 00 is given here")
    };
    let DoseProduct::Typed {
        cvx,
        mvx,
        lot_number,
        expires_on,
        ndc,
    } = &given.product
    else {
        panic!()
    };
    assert_eq!(
        (cvx.as_str(), mvx.as_ref().unwrap().as_str()),
        ("113", "PMC")
    );
    assert_eq!(lot_number.as_ref().unwrap().as_str(), "315841");
    assert_eq!(*expires_on, Some(time::macros::date!(2015 - 12 - 16)));
    assert_eq!(ndc.as_deref(), Some("49281021588"));
    assert_eq!(given.details.route.as_deref(), Some("IM"));
    assert_eq!(given.details.vfc_eligibility.as_deref(), Some("V01"));
    assert_eq!(
        given.vis.as_ref().unwrap().given_on,
        Some(time::macros::date!(2015 - 06 - 24))
    );
    assert!(matches!(&doses[1], CoreDose::Historical(h) if h.cvx.as_str() == "88"));

    let child = receive(&sample("02-vxu-nist-iz-001-child.hl7"))
        .vxu
        .unwrap();
    let guardian = GuardianForm::of(&child.guardians[0]);
    let mut issues = IssueCollector::new();
    let person = ResponsiblePerson::parse("guardian.", guardian.input(), &mut issues).unwrap();
    assert_eq!(
        (person.last_name.as_str(), person.relationship),
        ("Lam", "mother")
    );
    // The VIS named by vaccine type 88 (no VIS in CDC's table) and edition 07/02/2012 is the
    // inactivated influenza VIS of that edition, through the dose's own CVX (140).
    let vis = &child.vaccinations[0].vis[0];
    assert_eq!(vis.document.as_deref(), Some("253088698300010311120702"));
}
