use super::*;
use time::macros::date;

const TODAY: Date = date!(2026 - 11 - 23);

fn nancy() -> AccessRequestInput<'static> {
    AccessRequestInput {
        request_type: "new_access",
        existing_username: "",
        legal_first_name: "Nancy",
        legal_middle_name: "",
        legal_last_name: "Nurse",
        date_of_birth: "03-20-1982",
        phone: "406-444-1234",
        email: "nancy.nurse@sphealth.org",
        prior_access: "No",
        employer: "St. Peters Health",
        job_title: "Clinic RN",
        location_name: "SPH Broadway",
        vfc_pin: "2102",
        address: "2550 Broadway Street",
        city: "Helena",
        state: "MT",
        county: "Lewis and Clark",
        zip: "59601",
        start_date: "11/23/2026",
        end_date: "",
        access_requested: "read_only_with_consent",
        justification: "Nancy needs to know what immunizations her patients are due for.",
        supervisor_name: "Stacy Supervisor",
        supervisor_title: "Clinic Manager",
        attestation: true,
    }
}

fn montana_provider() -> FormContext {
    FormContext {
        jurisdiction: Jurisdiction::Montana,
        organization_kind: OrganizationKind::Provider,
        today: TODAY,
    }
}

fn fields(e: ValidationError) -> Vec<String> {
    e.issues.into_iter().map(|i| i.field).collect()
}

#[test]
fn the_imm_trax_example_request_parses() {
    let form = AccessRequestForm::parse(&nancy(), &montana_provider()).unwrap();
    assert_eq!(form.role, Some(Role::ReadOnlyWithConsent));
    assert_eq!(form.date_of_birth.date().to_string(), "03/20/1982");
    assert_eq!(form.vfc_pin.as_ref().unwrap().as_str(), "2102");
    assert!(!form.prior_access);
    assert_eq!(form.display_name(), "Nancy Nurse");
}

#[test]
fn every_missing_field_is_reported_at_once_with_its_path() {
    let empty = AccessRequestInput {
        request_type: "new_access",
        existing_username: "",
        legal_first_name: "",
        legal_middle_name: "",
        legal_last_name: "",
        date_of_birth: "",
        phone: "",
        email: "",
        prior_access: "",
        employer: "",
        job_title: "",
        location_name: "",
        vfc_pin: "",
        address: "",
        city: "",
        state: "",
        county: "",
        zip: "",
        start_date: "",
        end_date: "",
        access_requested: "",
        justification: "",
        supervisor_name: "",
        supervisor_title: "",
        attestation: false,
    };
    let got = fields(AccessRequestForm::parse(&empty, &montana_provider()).unwrap_err());
    for f in [
        "legalFirstName",
        "legalLastName",
        "dateOfBirth",
        "phone",
        "email",
        "priorAccess",
        "employer",
        "jobTitle",
        "locationName",
        "address",
        "city",
        "state",
        "county",
        "zip",
        "startDate",
        "accessRequested",
        "justification",
        "supervisorName",
        "supervisorTitle",
        "attestation",
    ] {
        assert!(got.contains(&f.to_string()), "{f} missing from {got:?}");
    }
    assert!(
        !got.contains(&"legalMiddleName".to_string()),
        "middle name is optional"
    );
    assert!(!got.contains(&"vfcPin".to_string()), "VFC PIN is optional");
    assert!(
        !got.contains(&"endDate".to_string()),
        "end date is optional"
    );
}

#[test]
fn a_texas_role_is_not_offered_by_the_montana_profile() {
    let input = AccessRequestInput {
        access_requested: "full_access_provider",
        ..nancy()
    };
    assert_eq!(
        fields(AccessRequestForm::parse(&input, &montana_provider()).unwrap_err()),
        ["accessRequested"]
    );
}

#[test]
fn schools_get_view_only_and_state_access_stays_at_the_registry() {
    let school = FormContext {
        jurisdiction: Jurisdiction::Texas,
        organization_kind: OrganizationKind::School,
        today: TODAY,
    };
    let mut input = AccessRequestInput {
        access_requested: "full_access_provider",
        state: "TX",
        county: "Harris",
        ..nancy()
    };
    assert!(AccessRequestForm::parse(&input, &school).is_err());
    input.access_requested = "view_only_non_provider";
    assert!(AccessRequestForm::parse(&input, &school).is_ok());
    assert!(role_fits(Role::FullAccessState, OrganizationKind::Provider).is_err());
    assert!(role_fits(Role::FullAccessState, OrganizationKind::Registry).is_ok());
}

#[test]
fn the_end_date_follows_the_start_date_and_a_deletion_needs_one() {
    let input = AccessRequestInput {
        end_date: "11/01/2026",
        ..nancy()
    };
    assert_eq!(
        fields(AccessRequestForm::parse(&input, &montana_provider()).unwrap_err()),
        ["endDate"]
    );
    let deletion = AccessRequestInput {
        request_type: "access_deletion",
        existing_username: "nancy.nurse",
        start_date: "",
        access_requested: "",
        ..nancy()
    };
    assert_eq!(
        fields(AccessRequestForm::parse(&deletion, &montana_provider()).unwrap_err()),
        ["endDate"]
    );
    let deletion = AccessRequestInput {
        end_date: "11/30/2026",
        ..deletion
    };
    let form = AccessRequestForm::parse(&deletion, &montana_provider()).unwrap();
    assert_eq!(form.role, None);
    assert_eq!(form.existing_username.as_deref(), Some("nancy.nurse"));
}

#[test]
fn change_employer_names_the_account_and_means_prior_access() {
    let input = AccessRequestInput {
        request_type: "change_employer",
        ..nancy()
    };
    let got = fields(AccessRequestForm::parse(&input, &montana_provider()).unwrap_err());
    assert_eq!(got, ["existingUsername", "priorAccess"]);
}

#[test]
fn the_phone_must_be_a_us_number_and_the_user_an_adult_worker() {
    let input = AccessRequestInput {
        phone: "444-4444",
        date_of_birth: "01/01/2015",
        ..nancy()
    };
    assert_eq!(
        fields(AccessRequestForm::parse(&input, &montana_provider()).unwrap_err()),
        ["dateOfBirth", "phone"]
    );
}

#[test]
fn the_state_machine_follows_the_imm_trax_workflow() {
    use RequestStatus as S;
    use RequestStep as E;
    let new = RequestType::NewAccess;
    assert_eq!(
        S::Draft.after(E::Submit, new, false),
        Ok(S::AwaitingAgreement)
    );
    assert_eq!(
        S::AwaitingAgreement.after(E::SignAgreement, new, false),
        Ok(S::AwaitingReview)
    );
    assert_eq!(
        S::AwaitingReview.after(E::Approve, new, true),
        Ok(S::Approved)
    );
    assert_eq!(
        S::Draft.after(E::Submit, RequestType::PermissionsChange, false),
        Ok(S::AwaitingReview),
        "a permissions change needs no new agreement"
    );
    assert_eq!(
        S::Returned.after(E::Submit, new, true),
        Ok(S::AwaitingReview)
    );
    assert_eq!(
        S::Returned.after(E::Submit, new, false),
        Ok(S::AwaitingAgreement)
    );
    assert!(
        S::AwaitingAgreement.after(E::Approve, new, false).is_err(),
        "no approval before the agreement"
    );
    assert!(S::Approved.after(E::Reject, new, true).is_err());
    assert!(
        S::Rejected.after(E::Submit, new, true).is_err(),
        "a rejection is final"
    );
    assert!(
        S::AwaitingReview
            .after(E::SignAgreement, new, true)
            .is_err(),
        "signed once"
    );
}

#[test]
fn transition_errors_say_why_in_a_sentence() {
    let e = RequestStatus::Approved
        .after(RequestStep::Approve, RequestType::NewAccess, true)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "This request was already approved, so it cannot be approved now."
    );
}

#[test]
fn request_numbers_look_like_imm_trax_ones() {
    assert_eq!(request_number(387), "REQ0100387");
    assert_eq!(request_number(1), "REQ0100001");
}

#[test]
fn business_days_skip_weekends() {
    // Friday 2026-11-20 → Monday 2026-11-23: one business day.
    assert_eq!(
        business_days_between(date!(2026 - 11 - 20), date!(2026 - 11 - 23)),
        1
    );
    assert_eq!(
        business_days_between(date!(2026 - 11 - 23), date!(2026 - 11 - 23)),
        0
    );
    // Monday → next Monday: five.
    assert_eq!(
        business_days_between(date!(2026 - 11 - 16), date!(2026 - 11 - 23)),
        5
    );
    // Saturday → Sunday: none.
    assert_eq!(
        business_days_between(date!(2026 - 11 - 21), date!(2026 - 11 - 22)),
        0
    );
    // Three weeks and two days from a Wednesday.
    assert_eq!(
        business_days_between(date!(2026 - 11 - 04), date!(2026 - 11 - 27)),
        17
    );
}

fn all_statements() -> Vec<String> {
    AGREEMENT_STATEMENT_IDS
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn the_agreement_is_signed_with_the_legal_name_on_todays_date() {
    let accepted = all_statements();
    let input = AgreementInput {
        accepted: &accepted,
        facility_name: "SPH Broadway Clinic",
        job_title: "Clinic RN",
        full_legal_name: "Nancy N. Nurse, RN",
        date: "11-23-2026",
        signature_confirmed: true,
    };
    let signed = SignedAgreement::parse(&input, "Nancy", "Nurse", TODAY).unwrap();
    assert_eq!(signed.signed_on.to_string(), "11/23/2026");
}

#[test]
fn each_unchecked_statement_is_reported_on_its_own() {
    let mut accepted = all_statements();
    accepted.retain(|s| s != "sixMonthInactivation" && s != "consentCollected");
    let input = AgreementInput {
        accepted: &accepted,
        facility_name: "SPH",
        job_title: "RN",
        full_legal_name: "Stacy Supervisor",
        date: "11/22/2026",
        signature_confirmed: false,
    };
    let got = fields(SignedAgreement::parse(&input, "Nancy", "Nurse", TODAY).unwrap_err());
    assert_eq!(
        got,
        [
            "statements.sixMonthInactivation",
            "statements.consentCollected",
            "fullLegalName",
            "date",
            "signatureConfirmed"
        ]
    );
}

#[test]
fn the_agreement_names_the_configured_registry() {
    let mt = agreement_statements(Jurisdiction::Montana);
    assert_eq!(mt.len(), 8);
    assert!(mt[0].text.contains("imMTrax"));
    assert!(mt[5].text.contains("MCA 50-16"));
    let tx = agreement_statements(Jurisdiction::Texas);
    assert!(tx[0].text.contains("ImmTrac2") && !tx[5].text.contains("MCA"));
}

#[test]
fn usernames_are_folded_first_dot_last() {
    let first = PersonName::parse_field("f", "José").unwrap();
    let last = PersonName::parse_field("l", "Running Crane").unwrap();
    assert_eq!(username_base(&first, &last), "jose.runningcrane");
}
