use super::*;
use time::macros::date;

const TODAY: Date = date!(2026 - 11 - 22);

fn address(state: &str, county: &str, zip: &str) -> (Address, Vec<String>) {
    let mut issues = IssueCollector::new();
    let a = Address::parse(
        "",
        AddressInput {
            line1: "415 N 27th St",
            city: "Billings",
            state,
            county,
            zip,
            ..Default::default()
        },
        &mut issues,
    );
    let fields = issues
        .finish()
        .err()
        .map(|e| e.issues.into_iter().map(|i| i.field).collect())
        .unwrap_or_default();
    (a, fields)
}

#[test]
fn the_county_lists_hold_every_montana_and_texas_county() {
    assert_eq!(counties("MT").len(), 56);
    assert_eq!(counties("tx").len(), 254);
    assert!(counties("MT").contains(&"Lewis and Clark"));
    assert!(counties("TX").contains(&"Deaf Smith"));
}

#[test]
fn a_county_must_belong_to_the_state() {
    let (a, bad) = address("MT", "yellowstone county", "59101");
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(a.county.as_deref(), Some("Yellowstone"));
    assert_eq!(a.state, Some("MT"));
    let (_, bad) = address("MT", "Travis", "59101");
    assert_eq!(bad, vec!["county"]);
    let (_, bad) = address("", "Travis", "");
    assert_eq!(bad, vec!["county"]);
}

#[test]
fn states_without_a_county_list_take_the_county_as_typed() {
    let (a, bad) = address("Wyoming", "Park", "82414");
    assert!(bad.is_empty());
    assert_eq!((a.state, a.county.as_deref()), (Some("WY"), Some("Park")));
}

#[test]
fn zip_codes_have_five_or_nine_digits_and_bad_states_are_named() {
    let (a, bad) = address("TX", "Travis", "78702 1234");
    assert!(bad.is_empty());
    assert_eq!(a.zip.unwrap().as_str(), "78702-1234");
    let (_, bad) = address("XX", "", "787");
    assert_eq!(bad, vec!["state", "zip"]);
}

fn personal(edit: impl FnOnce(&mut PersonalInput<'static>)) -> Result<Personal, Vec<String>> {
    let mut input = PersonalInput {
        first_name: "Liam",
        last_name: "Running Crane",
        date_of_birth: "05/02/2026",
        gender: "M",
        ..Default::default()
    };
    edit(&mut input);
    let mut issues = IssueCollector::new();
    let p = Personal::parse(input, TODAY, &mut issues);
    match issues.finish() {
        Ok(()) => Ok(p.expect("no issues means a value")),
        Err(e) => Err(e.issues.into_iter().map(|i| i.field).collect()),
    }
}

#[test]
fn the_minimum_is_legal_name_date_of_birth_and_gender() {
    let p = personal(|_| {}).unwrap();
    assert_eq!(p.last_name.as_str(), "Running Crane");
    assert_eq!(p.date_of_birth.date().iso(), "2026-05-02");
    assert_eq!(personal(|i| i.gender = "").unwrap_err(), vec!["gender"]);
    assert_eq!(
        personal(|i| i.date_of_birth = "").unwrap_err(),
        vec!["dateOfBirth"]
    );
}

#[test]
fn every_bad_field_of_the_personal_form_is_reported_at_once() {
    let fields = personal(|i| {
        i.first_name = "L1am";
        i.date_of_birth = "02/30/2026";
        i.race = "purple";
        i.phone = "444-4444";
        i.suffix = "Esq";
    })
    .unwrap_err();
    assert_eq!(
        fields,
        vec!["firstName", "suffix", "dateOfBirth", "race", "phone"]
    );
}

#[test]
fn codes_and_names_from_the_lists_are_both_accepted() {
    let p = personal(|i| {
        i.race = "American Indian or Alaska Native";
        i.ethnicity = "2186-5";
        i.language = "eng";
        i.birth_state = "Montana";
        i.birth_country = "usa";
        i.multiple_birth = "yes";
        i.birth_order = "2";
        i.suffix = "jr.";
        i.phone = "(406) 444 4444";
    })
    .unwrap();
    assert_eq!(p.race, Some("1002-5"));
    assert_eq!(p.birth_state, Some("MT"));
    assert_eq!(p.birth_country, Some("USA"));
    assert_eq!(p.birth_order, Some(2));
    assert_eq!(p.suffix.as_deref(), Some("Jr"));
    assert_eq!(p.phone.unwrap().as_str(), "406-444-4444");
}

#[test]
fn a_birth_order_needs_a_multiple_birth() {
    assert_eq!(
        personal(|i| i.birth_order = "2").unwrap_err(),
        vec!["birthOrder"]
    );
    assert_eq!(
        personal(|i| {
            i.multiple_birth = "yes";
            i.birth_order = "12";
        })
        .unwrap_err(),
        vec!["birthOrder"]
    );
}

#[test]
fn consent_needs_status_method_and_a_date_not_in_the_future() {
    let mut issues = IssueCollector::new();
    let c = ConsentEntry::parse(
        "",
        ConsentInput {
            status: "withdrawn",
            effective_on: "11/22/2026",
            method: "written",
            given_by: "Marie Running Crane, mother",
        },
        TODAY,
        &mut issues,
    )
    .unwrap();
    assert!(issues.finish().is_ok());
    assert_eq!(c.status, ConsentStatus::Withdrawn);
    let mut issues = IssueCollector::new();
    let none = ConsentEntry::parse(
        "consent.",
        ConsentInput {
            status: "maybe",
            effective_on: "11/23/2026",
            method: "",
            given_by: "",
        },
        TODAY,
        &mut issues,
    );
    assert!(none.is_none());
    let fields: Vec<String> = issues
        .finish()
        .unwrap_err()
        .issues
        .into_iter()
        .map(|i| i.field)
        .collect();
    assert_eq!(
        fields,
        vec!["consent.status", "consent.effectiveOn", "consent.method"]
    );
}

#[test]
fn a_responsible_person_needs_a_relationship() {
    let mut issues = IssueCollector::new();
    let p = ResponsiblePerson::parse(
        "guardian.",
        ResponsiblePersonInput {
            first_name: "Marie",
            last_name: "Running Crane",
            relationship: "Mother",
            phone: "406-444-4444",
            ..Default::default()
        },
        &mut issues,
    )
    .unwrap();
    assert_eq!(p.relationship, "mother");
    let mut issues = IssueCollector::new();
    ResponsiblePerson::parse(
        "guardian.",
        ResponsiblePersonInput {
            first_name: "Marie",
            last_name: "Running Crane",
            relationship: "neighbour",
            ..Default::default()
        },
        &mut issues,
    );
    assert_eq!(
        issues.finish().unwrap_err().issues[0].field,
        "guardian.relationship"
    );
}

#[test]
fn comments_are_coded_and_dated_in_order() {
    let c = Comment::parse(CommentInput {
        code: "immunity_varicella",
        applies_from: "06/01/2022",
        ..Default::default()
    })
    .unwrap();
    assert_eq!(c.code.category, "immunity");
    let e = Comment::parse(CommentInput {
        code: "exemption_medical",
        applies_from: "06/01/2022",
        applies_until: "01/01/2022",
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(e.issues[0].field, "appliesUntil");
    let e = Comment::parse(CommentInput {
        code: "other",
        applies_from: "06/01/2022",
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(e.issues[0].field, "text");
}

#[test]
fn notes_and_akas_are_checked() {
    assert!(parse_note("   ").is_err());
    assert_eq!(
        parse_note(" Mom asks for reminders by text. ").unwrap(),
        "Mom asks for reminders by text."
    );
    let a = Aka::parse(AkaInput {
        first_name: "Baby Boy",
        last_name: "Running Crane",
        kind: "birth",
        ..Default::default()
    })
    .unwrap();
    assert_eq!(a.kind, "birth");
    assert!(Aka::parse(AkaInput {
        first_name: "X",
        last_name: "Y",
        kind: "nickname",
        ..Default::default()
    })
    .is_err());
}
