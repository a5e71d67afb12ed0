//! Damaged messages, one problem each (or the few one damage implies): each must get exactly
//! the errors listed (no other error), each listed ERR segment (ERR-2 location, ERR-3 table
//! 0357, ERR-4 severity, ERR-5 table 0533) and the MSA-1 code.

use shotbook_hl7::{aira_reading, AiraReading, Severity, MAX_MESSAGE_BYTES};

use crate::common::{ack_of, good_vxu, read_ack, receive, set_field, without};

/// (stable code, ERR-2, ERR-3, ERR-4, ERR-5)
type Expected = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

fn check(message: &str, control_id: &str, msa: &str, expected: &[Expected]) {
    let received = receive(message);
    let errors: Vec<&str> = {
        let mut e: Vec<_> = received
            .issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .map(|i| i.code())
            .collect();
        e.sort_unstable();
        e.dedup();
        e
    };
    let mut expected_errors: Vec<&str> = expected
        .iter()
        .filter(|e| e.3 == "E")
        .map(|e| e.0)
        .collect();
    expected_errors.sort_unstable();
    expected_errors.dedup();
    assert_eq!(
        errors, expected_errors,
        "errors; all issues: {:#?}",
        received.issues
    );
    let ack = ack_of(message);
    let (code, errs) = read_ack(&ack, control_id);
    assert_eq!(code, msa, "MSA-1 of {ack:?}");
    for (problem, location, condition, severity, application) in expected {
        assert!(
            received
                .issues
                .iter()
                .any(|i| i.code() == *problem && i.severity.code() == *severity),
            "{problem} ({severity}) not reported: {:#?}",
            received.issues
        );
        assert!(
            errs.iter().any(|e| e.location == *location
                && e.condition == *condition
                && e.severity == *severity
                && e.application == *application),
            "no ERR|{location}|{condition}|{severity}|{application} for {problem} in\n{}",
            ack.replace('\r', "\n")
        );
    }
    // How AIRA's tools read the answer follows from the severities alone.
    let reading = aira_reading(&ack);
    let has_error = expected.iter().any(|e| e.3 == "E");
    assert_eq!(
        reading,
        if has_error {
            AiraReading::NotAccepted
        } else {
            AiraReading::Accepted
        },
        "AIRA reading"
    );
}

macro_rules! negative {
    ($name:ident, $message:expr, $msa:literal, [$($e:expr),* $(,)?]) => {
        negative!($name, $message, "CTRL-1", $msa, [$($e),*]);
    };
    ($name:ident, $message:expr, $control:literal, $msa:literal, [$($e:expr),* $(,)?]) => {
        #[test]
        fn $name() {
            let message: &str = &$message;
            check(message, $control, $msa, &[$($e),*]);
        }
    };
}

fn rxa1(field: usize, value: &str) -> String {
    set_field(&good_vxu(), "RXA", 1, field, value)
}
fn rxa2(field: usize, value: &str) -> String {
    set_field(&good_vxu(), "RXA", 2, field, value)
}
fn pid(field: usize, value: &str) -> String {
    set_field(&good_vxu(), "PID", 1, field, value)
}
fn msh(field: usize, value: &str) -> String {
    set_field(&good_vxu(), "MSH", 1, field, value)
}

#[test]
fn the_base_message_is_clean() {
    let received = receive(&good_vxu());
    assert_eq!(received.issues, vec![]);
}

// Vaccination dates (RXA-3).
negative!(
    a_dose_date_in_the_future_is_rejected,
    rxa1(3, "20991231"),
    "AE",
    [("rxa.date.future", "RXA^1^3^1", "102", "E", "1")]
);
negative!(
    a_missing_dose_date_is_rejected,
    rxa1(3, ""),
    "AE",
    [("rxa.date.missing", "RXA^1^3^1", "101", "E", "7")]
);
negative!(
    a_dose_date_that_is_no_day_is_rejected,
    rxa1(3, "20150231"),
    "AE",
    [("rxa.date.invalid", "RXA^1^3^1", "102", "E", "2")]
);
negative!(
    a_partial_dose_date_is_rejected,
    rxa2(3, "201410"),
    "AE",
    [("rxa.date.invalid", "RXA^2^3^1", "102", "E", "2")]
);
negative!(
    a_dose_before_birth_is_rejected,
    rxa2(3, "19800101"),
    "AE",
    [("rxa.date.before_birth", "RXA^2^3^1", "102", "E", "1")]
);
negative!(
    a_dose_after_death_is_rejected,
    set_field(&pid(29, "20141231"), "PID", 1, 30, "Y"),
    "AE",
    [("rxa.date.after_death", "RXA^1^3^1", "102", "E", "1")]
);
negative!(
    a_dose_after_the_message_date_warns,
    rxa2(3, "20150625"),
    "AE",
    [("rxa.date.after_message", "RXA^2^3^1", "102", "W", "1")]
);

// Vaccine codes (RXA-5).
negative!(
    a_missing_vaccine_is_rejected,
    rxa1(5, ""),
    "AE",
    [("rxa.vaccine.missing", "RXA^1^5^1", "101", "E", "7")]
);
negative!(
    an_unknown_cvx_is_rejected_as_nist_sample_05_is,
    rxa2(5, "777^Unknown^CVX"),
    "AE",
    [("rxa.vaccine.unrecognized", "RXA^2^5^1^1", "103", "E", "5")]
);
negative!(
    a_cvx_that_is_not_a_code_is_rejected,
    rxa2(5, "MMR^MMR^CVX"),
    "AE",
    [("rxa.vaccine.invalid", "RXA^2^5^1^1", "102", "E", "4")]
);
negative!(
    a_vaccine_without_code_system_is_rejected,
    rxa2(5, "88^influenza"),
    "AE",
    [(
        "rxa.vaccine.code_system.missing",
        "RXA^2^5^1^3",
        "101",
        "E",
        "7"
    )]
);
negative!(
    a_vaccine_in_another_code_system_is_rejected,
    rxa2(5, "88^influenza^XYZ"),
    "AE",
    [(
        "rxa.vaccine.code_system.invalid",
        "RXA^2^5^1^3",
        "103",
        "E",
        "5"
    )]
);
negative!(
    an_unknown_ndc_is_rejected,
    rxa1(5, "00000-0000-00^Nothing^NDC"),
    "AE",
    [("rxa.vaccine.unrecognized", "RXA^1^5^1^1", "103", "E", "5")]
);
negative!(
    a_malformed_ndc_is_rejected,
    rxa1(5, "49281-02^Td^NDC"),
    "AE",
    [("rxa.vaccine.invalid", "RXA^1^5^1^1", "102", "E", "4")]
);
negative!(
    no_vaccine_cvx_998_for_a_dose_given_here_is_rejected,
    rxa1(5, "998^No vaccine administered^CVX"),
    "AE",
    [("rxa.vaccine.not_usable", "RXA^1^5^1^1", "103", "E", "3")]
);
negative!(
    an_unspecified_formulation_given_here_warns,
    rxa1(5, "88^influenza, unspecified^CVX"),
    "AE",
    [(
        "rxa.vaccine.unspecified_formulation",
        "RXA^1^5^1^1",
        "103",
        "W",
        "3"
    )]
);

// Action code (RXA-21).
negative!(
    a_missing_action_code_is_rejected,
    rxa1(21, ""),
    "AE",
    [("rxa.action_code.missing", "RXA^1^21^1", "101", "E", "7")]
);
negative!(
    an_unknown_action_code_is_rejected,
    rxa1(21, "X"),
    "AE",
    [("rxa.action_code.invalid", "RXA^1^21^1", "103", "E", "5")]
);

// The patient.
negative!(
    a_message_without_pid_is_rejected,
    without(&good_vxu(), "PID"),
    "AE",
    [("pid.missing", "PID^1", "100", "E", "7")]
);
negative!(
    a_patient_without_identifier_is_rejected,
    pid(3, ""),
    "AE",
    [("pid.identifier.missing", "PID^1^3^1", "101", "E", "7")]
);
negative!(
    an_identifier_without_type_is_rejected,
    pid(3, "90012^^^NIST-MPI-1"),
    "AE",
    [
        (
            "pid.identifier.type.missing",
            "PID^1^3^1^5",
            "101",
            "E",
            "7"
        ),
        ("pid.identifier.mr.missing", "PID^1^3^1", "101", "W", "7")
    ]
);
negative!(
    a_missing_last_name_is_rejected,
    pid(5, "^Elise^^^^^L"),
    "AE",
    [("pid.name.last.missing", "PID^1^5^1^1", "101", "E", "7")]
);
negative!(
    a_missing_first_name_is_rejected,
    pid(5, "Wong^^^^^^L"),
    "AE",
    [("pid.name.first.missing", "PID^1^5^1^2", "101", "E", "7")]
);
negative!(
    a_last_name_with_digits_is_rejected,
    pid(5, "W0ng^Elise^^^^^L"),
    "AE",
    [("pid.name.last.invalid", "PID^1^5^1^1", "102", "E", "4")]
);
negative!(
    a_missing_birth_date_is_rejected,
    pid(7, ""),
    "AE",
    [("pid.birth_date.missing", "PID^1^7^1", "101", "E", "7")]
);
negative!(
    a_partial_birth_date_is_rejected,
    pid(7, "1983"),
    "AE",
    [("pid.birth_date.invalid", "PID^1^7^1", "102", "E", "2")]
);
negative!(
    a_birth_date_in_the_future_rejects_the_message_and_both_doses,
    pid(7, "20991231"),
    "AE",
    [
        ("pid.birth_date.future", "PID^1^7^1", "102", "E", "1"),
        ("rxa.date.before_birth", "RXA^1^3^1", "102", "E", "1"),
        ("rxa.date.before_birth", "RXA^2^3^1", "102", "E", "1")
    ]
);
negative!(
    a_birth_date_more_than_130_years_ago_is_rejected,
    pid(7, "18800101"),
    "AE",
    [("pid.birth_date.too_long_ago", "PID^1^7^1", "102", "E", "1")]
);
negative!(
    an_unknown_sex_code_warns,
    pid(8, "Q"),
    "AE",
    [("pid.sex.invalid", "PID^1^8^1^1", "103", "W", "5")]
);
negative!(
    a_missing_sex_warns,
    pid(8, ""),
    "AE",
    [("pid.sex.missing", "PID^1^8^1", "101", "W", "7")]
);
negative!(
    an_unknown_race_warns,
    pid(10, "9999-9^Unknown^CDCREC"),
    "AE",
    [("pid.race.invalid", "PID^1^10^1^1", "103", "W", "5")]
);
negative!(
    a_short_phone_number_warns,
    pid(13, "^PRN^PH^^^406^555"),
    "AE",
    [("pid.phone.invalid", "PID^1^13^1", "102", "W", "4")]
);
negative!(
    a_four_digit_zip_warns,
    pid(11, "9200 Wellington Trail^^Bozeman^MT^5971^USA^P"),
    "AE",
    [("pid.address.zip.invalid", "PID^1^11^1^5", "102", "W", "4")]
);
negative!(
    an_unknown_state_warns,
    pid(11, "9200 Wellington Trail^^Bozeman^ZZ^59715^USA^P"),
    "AE",
    [("pid.address.state.invalid", "PID^1^11^1^4", "103", "W", "5")]
);
negative!(
    an_unknown_registry_status_warns,
    set_field(&good_vxu(), "PD1", 1, 16, "Z"),
    "AE",
    [("pd1.registry_status.invalid", "PD1^1^16^1", "103", "W", "5")]
);
negative!(
    an_unknown_relationship_warns,
    set_field(&good_vxu(), "NK1", 1, 3, "XXX^Unknown^HL70063"),
    "AE",
    [("nk1.relationship.invalid", "NK1^1^3^1^1", "103", "W", "5")]
);

// The header.
negative!(
    another_message_type_is_refused,
    msh(9, "ADT^A04^ADT_A01"),
    "AR",
    [(
        "msh.message_type.unsupported",
        "MSH^1^9^1^1",
        "200",
        "E",
        "4"
    )]
);
negative!(
    another_event_is_refused,
    msh(9, "VXU^V03^VXU_V04"),
    "AR",
    [(
        "msh.trigger_event.unsupported",
        "MSH^1^9^1^2",
        "201",
        "E",
        "4"
    )]
);
negative!(
    an_unknown_processing_id_is_refused,
    msh(11, "X"),
    "AR",
    [(
        "msh.processing_id.unsupported",
        "MSH^1^11^1^1",
        "202",
        "E",
        "4"
    )]
);
negative!(
    another_hl7_version_is_refused,
    msh(12, "2.3.1"),
    "AR",
    [("msh.version.unsupported", "MSH^1^12^1^1", "203", "E", "4")]
);
negative!(
    a_missing_control_id_is_rejected,
    msh(10, ""),
    "",
    "AE",
    [("msh.control_id.missing", "MSH^1^10^1", "101", "E", "7")]
);
negative!(
    a_missing_message_date_is_rejected,
    msh(7, ""),
    "AE",
    [("msh.date.missing", "MSH^1^7^1", "101", "E", "7")]
);
negative!(
    a_message_date_in_the_future_is_rejected,
    msh(7, "20991231120000"),
    "AE",
    [("msh.date.future", "MSH^1^7^1", "102", "E", "1")]
);
negative!(
    a_message_date_with_dashes_is_rejected,
    msh(7, "2015-06-24"),
    "AE",
    [("msh.date.invalid", "MSH^1^7^1", "102", "E", "2")]
);
negative!(
    a_missing_profile_warns,
    msh(21, ""),
    "AE",
    [("msh.profile.missing", "MSH^1^21^1", "101", "W", "7")]
);
negative!(
    another_profile_warns,
    msh(21, "Z23^CDCPHINVS"),
    "AE",
    [("msh.profile.unexpected", "MSH^1^21^1^1", "103", "W", "5")]
);
negative!(
    a_missing_sending_facility_warns,
    msh(4, ""),
    "AE",
    [("msh.sending_facility.missing", "MSH^1^4^1", "101", "W", "7")]
);

// Separators, size, truncation, escapes, structure.
negative!(
    duplicate_separators_make_the_message_unreadable,
    good_vxu().replacen("MSH|^~\\&|", "MSH|^^\\&|", 1),
    "",
    "AE",
    [("message.unreadable", "MSH^1^2^1", "102", "E", "4")]
);
negative!(
    a_letter_as_field_separator_makes_the_message_unreadable,
    good_vxu().replacen("MSH|", "MSHA", 1),
    "",
    "AE",
    [("message.unreadable", "MSH^1^2^1", "102", "E", "4")]
);
negative!(
    a_message_not_starting_with_msh_is_unreadable,
    without(&good_vxu(), "MSH"),
    "",
    "AE",
    [("message.unreadable", "", "102", "E", "4")]
);
negative!(
    two_messages_in_one_are_unreadable,
    format!("{}\r{}", good_vxu(), good_vxu()),
    "",
    "AE",
    [("message.unreadable", "", "102", "E", "4")]
);
negative!(
    a_lower_case_segment_id_is_unreadable,
    good_vxu().replacen("\rPD1|", "\rpd1|", 1),
    "",
    "AE",
    [("message.unreadable", "", "102", "E", "4")]
);
negative!(
    an_oversized_message_is_refused,
    format!("{}\rNTE|1||{}", good_vxu(), "x".repeat(MAX_MESSAGE_BYTES)),
    "",
    "AR",
    [("message.too_large", "", "207", "E", "")]
);
negative!(
    a_message_truncated_inside_rxa_rejects_that_vaccination,
    good_vxu()[..good_vxu().find("RXA|0|1|2015").unwrap() + 12],
    "AE",
    [
        ("rxa.date.invalid", "RXA^1^3^1", "102", "E", "2"),
        ("rxa.vaccine.missing", "RXA^1^5^1", "101", "E", "7"),
        ("rxa.action_code.missing", "RXA^1^21^1", "101", "E", "7"),
        (
            "rxa.information_source.missing",
            "RXA^1^9^1",
            "101",
            "W",
            "7"
        )
    ]
);
negative!(
    a_message_truncated_inside_msh_is_refused,
    "MSH|^~\\&|NISTEHRAPP|NISTEHRFAC",
    "",
    "AR",
    [
        (
            "msh.message_type.unsupported",
            "MSH^1^9^1^1",
            "200",
            "E",
            "4"
        ),
        (
            "msh.processing_id.unsupported",
            "MSH^1^11^1^1",
            "202",
            "E",
            "4"
        ),
        ("msh.version.unsupported", "MSH^1^12^1^1", "203", "E", "4"),
        ("msh.control_id.missing", "MSH^1^10^1", "101", "E", "7"),
        ("msh.date.missing", "MSH^1^7^1", "101", "E", "7"),
        ("pid.missing", "PID^1", "100", "E", "7")
    ]
);
negative!(
    an_unclosed_escape_in_the_last_name_rejects_the_message,
    pid(5, "Wong\\T^Elise^^^^^L"),
    "AE",
    [
        ("value.escape.invalid", "PID^1^5^1^1", "102", "W", "4"),
        ("pid.name.last.missing", "PID^1^5^1^1", "101", "E", "7")
    ]
);
negative!(
    an_unsupported_escape_in_the_lot_number_ignores_it,
    rxa1(15, "31\\Zx\\5841"),
    "AE",
    [
        ("value.escape.invalid", "RXA^1^15^1", "102", "W", "4"),
        ("rxa.lot.missing", "RXA^1^15^1", "101", "W", "7")
    ]
);
negative!(
    a_bad_hex_escape_in_the_city_ignores_it,
    pid(11, "9200 Wellington Trail^^Boz\\XZZ\\eman^MT^59715^USA^P"),
    "AE",
    [("value.escape.invalid", "PID^1^11^1^3", "102", "W", "4")]
);
negative!(
    a_pid_after_the_vaccinations_is_ignored,
    format!("{}\rPID|1||1^^^A^MR||Other^Person||20000101|M", good_vxu()),
    "AE",
    [("segment.unexpected", "PID^2", "100", "W", "8")]
);
negative!(
    an_rxa_without_its_orc_warns,
    good_vxu().replacen("ORC|RE|4422^NIST-AA-IZ-2|13696^NIST-AA-IZ-2\r", "", 1),
    "AE",
    [("orc.missing", "RXA^1", "100", "W", "7")]
);

// Product facts of a dose given here.
negative!(
    a_lot_expired_when_given_warns,
    rxa1(16, "20150101"),
    "AE",
    [("rxa.lot.expired", "RXA^1^16^1", "102", "W", "1")]
);
negative!(
    a_lot_expiry_that_is_no_day_warns,
    rxa1(16, "20151332"),
    "AE",
    [("rxa.lot.expiry.invalid", "RXA^1^16^1", "102", "W", "2")]
);
negative!(
    an_unknown_manufacturer_warns,
    rxa1(17, "ZZZ^Nobody^MVX"),
    "AE",
    [(
        "rxa.manufacturer.unrecognized",
        "RXA^1^17^1^1",
        "103",
        "W",
        "5"
    )]
);
negative!(
    a_dose_given_here_without_lot_warns,
    rxa1(15, ""),
    "AE",
    [("rxa.lot.missing", "RXA^1^15^1", "101", "W", "7")]
);
negative!(
    a_dose_given_here_without_route_warns,
    without(&good_vxu(), "RXR"),
    "AE",
    [("rxr.missing", "RXA^1", "101", "W", "7")]
);
negative!(
    a_dose_given_here_without_vfc_eligibility_warns,
    without(&good_vxu(), "OBX|2|CE|64994-7"),
    "AE",
    [("obx.eligibility.missing", "RXA^1", "101", "W", "6")]
);
negative!(
    an_unknown_vfc_eligibility_warns,
    good_vxu().replace("V01^Not VFC Eligible", "V99^Nothing"),
    "AE",
    [("obx.eligibility.invalid", "OBX^2^5^1^1", "103", "W", "5")]
);
negative!(
    an_unknown_vis_document_warns,
    good_vxu().replace("253088698300028811170411", "253088698300099999999999"),
    "AE",
    [("obx.vis.invalid", "OBX^3^5^1^1", "102", "W", "4")]
);
negative!(
    an_unknown_route_warns,
    good_vxu().replace("C28161^Intramuscular^NCIT", "C99999^Nowhere^NCIT"),
    "AE",
    [("rxr.route.invalid", "RXR^1^1^1^1", "103", "W", "5")]
);
negative!(
    an_unknown_information_source_reads_as_historical,
    rxa2(9, "42^Unknown^NIP001"),
    "AE",
    [(
        "rxa.information_source.invalid",
        "RXA^2^9^1^1",
        "103",
        "W",
        "5"
    )]
);

#[test]
fn a_message_that_is_not_utf8_is_unreadable_and_says_so() {
    let mut bytes = good_vxu().into_bytes();
    let at = bytes.windows(4).position(|w| w == b"Wong").unwrap();
    bytes[at + 1] = 0xf6; // Latin-1 "ö"
    let received = shotbook_hl7::receive_vxu(
        &bytes,
        crate::common::TODAY,
        shotbook_hl7::CodeSets::embedded(),
    );
    assert_eq!(received.issues.len(), 1);
    assert_eq!(received.issues[0].code(), "message.unreadable");
    assert!(received.issues[0].message.contains("not UTF-8"));
    let ack = shotbook_hl7::acknowledge(&received, &crate::common::ctx());
    let (code, errs) = read_ack(&ack, "");
    assert_eq!((code.as_str(), errs[0].condition.as_str()), ("AE", "102"));
    // Without a readable MSH, the registry answers as itself to nobody in particular.
    assert!(ack.starts_with("MSH|^~\\&|SHOTBOOK|MTREG|||"));
}

#[test]
fn an_error_in_one_vaccination_rejects_only_that_vaccination() {
    let received = receive(&rxa2(5, "777^Unknown^CVX"));
    assert!(!received.message_rejected());
    assert!(received.vaccination_accepted(0));
    assert!(!received.vaccination_accepted(1));
    assert_eq!(received.accepted_vaccinations().count(), 1);
    let patient_error = receive(&pid(7, ""));
    assert!(patient_error.message_rejected());
    assert_eq!(patient_error.accepted_vaccinations().count(), 0);
}

#[test]
fn utf8_names_with_escapes_are_read_whole() {
    let message = pid(5, "N\u{fa}\u{f1}ez\\T\\Garc\u{ed}a^Jos\u{e9}^^^^^L");
    let received = receive(&message);
    assert_eq!(
        received
            .issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .count(),
        1,
        "'&' is not a name character: {:?}",
        received.issues
    );
    let p = received.vxu.unwrap().patient.unwrap();
    assert_eq!(p.name.family, "N\u{fa}\u{f1}ez&Garc\u{ed}a");
    assert_eq!(p.name.given, "Jos\u{e9}");
    let ok = receive(&pid(5, "Nguy\u{1ec5}n\\X20\\Th\u{1ecb}^\u{c1}nh^^^^^L"));
    assert_eq!(ok.issues, vec![]);
    assert_eq!(
        ok.vxu.unwrap().patient.unwrap().name.family,
        "Nguy\u{1ec5}n Th\u{1ecb}"
    );
}

#[test]
fn an_ack_lists_at_most_100_err_segments_and_says_how_many_more() {
    let many = format!(
        "{}{}",
        good_vxu(),
        "\rOBX|9|CE|31044-1^Reaction^LN|1|X".repeat(150)
    );
    let ack = ack_of(&many);
    let (code, errs) = read_ack(&ack, "CTRL-1");
    assert_eq!(code, "AA", "information only");
    assert_eq!(errs.len(), 100);
    assert!(
        errs[99].message.ends_with("(50 more issues not listed.)"),
        "{}",
        errs[99].message
    );
    let long_type = set_field(&good_vxu(), "MSH", 1, 9, &"X".repeat(10_000));
    let (_, errs) = read_ack(&ack_of(&long_type), "CTRL-1");
    assert!(errs[0].message.chars().count() <= 201);
}
