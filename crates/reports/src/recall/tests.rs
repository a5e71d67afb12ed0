use shotbook_forecast::{DoseInput, Engine, Gender, Patient};
use time::macros::date;

use super::*;

const GROUPS: &[&str] = &["DTaP/Tdap/Td", "MMR", "Influenza", "COVID-19"];

fn input<'a>() -> CriteriaInput<'a> {
    CriteriaInput {
        born_from: "01/01/2024",
        born_to: "12/31/2025",
        window: "due_or_overdue",
        method: "mail",
        ..CriteriaInput::default()
    }
}

fn criteria(i: &CriteriaInput<'_>) -> RecallCriteria {
    RecallCriteria::parse(i, GROUPS, date!(2026 - 12 - 07)).unwrap()
}

fn fields(i: &CriteriaInput<'_>) -> Vec<String> {
    RecallCriteria::parse(i, GROUPS, date!(2026 - 12 - 07))
        .unwrap_err()
        .issues
        .into_iter()
        .map(|i| i.field)
        .collect()
}

#[test]
fn a_birth_range_parses_with_today_as_the_forecast_day() {
    let c = criteria(&input());
    assert_eq!(c.born_from, date!(2024 - 01 - 01));
    assert_eq!(c.born_to, date!(2025 - 12 - 31));
    assert_eq!(c.as_of, date!(2026 - 12 - 07));
    assert_eq!(c.window, Window::DueOrOverdue);
    assert_eq!(c.method, Method::Mail);
    assert!(c.vaccine_groups.is_empty() && c.county.is_none() && !c.force);
}

#[test]
fn an_age_range_in_months_becomes_the_birth_range_of_those_ages() {
    let c = criteria(&CriteriaInput {
        born_from: "",
        born_to: "",
        age_from_months: "19",
        age_to_months: "35",
        as_of: "12/07/2026",
        ..input()
    });
    // 19 months old on 12/07/2026: born on or before 05/07/2025. Still 35 months old: born
    // after 12/07/2023 (36 months before).
    assert_eq!(c.born_to, date!(2025 - 05 - 07));
    assert_eq!(c.born_from, date!(2023 - 12 - 08));
}

#[test]
fn months_before_keeps_the_day_or_the_months_last_day() {
    assert_eq!(
        months_before(date!(2026 - 03 - 31), 1),
        date!(2026 - 02 - 28)
    );
    assert_eq!(
        months_before(date!(2024 - 03 - 31), 1),
        date!(2024 - 02 - 29)
    );
    assert_eq!(
        months_before(date!(2026 - 01 - 15), 13),
        date!(2024 - 12 - 15)
    );
    assert_eq!(
        months_before(date!(2026 - 01 - 15), 0),
        date!(2026 - 01 - 15)
    );
}

#[test]
fn every_bad_field_is_named() {
    assert_eq!(
        fields(&CriteriaInput {
            born_from: "13/01/2024",
            window: "soon",
            method: "fax",
            vaccine_groups: &["Smallpox".into()],
            last_notice_before: "yesterday",
            ..input()
        }),
        vec![
            "window",
            "method",
            "bornFrom",
            "vaccineGroups[0]",
            "lastNoticeBefore"
        ]
    );
    assert_eq!(
        fields(&CriteriaInput {
            born_from: "12/31/2025",
            born_to: "01/01/2024",
            ..input()
        }),
        vec!["bornTo"]
    );
    assert_eq!(
        fields(&CriteriaInput {
            age_from_months: "2",
            ..input()
        }),
        vec!["ageFromMonths"]
    );
    assert_eq!(
        fields(&CriteriaInput {
            born_from: "",
            born_to: "",
            age_from_months: "36",
            age_to_months: "12",
            ..input()
        }),
        vec!["ageToMonths"]
    );
    assert_eq!(
        fields(&CriteriaInput {
            as_of: "12/09/2027",
            ..input()
        }),
        vec!["asOf"]
    );
    assert_eq!(
        fields(&CriteriaInput {
            born_from: "01/01/2027",
            born_to: "02/01/2027",
            ..input()
        }),
        vec!["bornFrom"]
    );
}

#[test]
fn vaccine_groups_are_kept_once_and_counties_compare_without_case() {
    let c = criteria(&CriteriaInput {
        vaccine_groups: &["MMR".into(), " MMR".into(), "Influenza".into()],
        county: " Travis ",
        ..input()
    });
    assert_eq!(c.vaccine_groups, vec!["MMR", "Influenza"]);
    assert!(c.covers_county(Some("TRAVIS")));
    assert!(!c.covers_county(Some("Hays")));
    assert!(!c.covers_county(None));
    assert!(criteria(&input()).covers_county(None));
}

fn address() -> MailingAddress {
    MailingAddress {
        line1: Some("1100 Congress Ave".into()),
        line2: None,
        city: Some("Austin".into()),
        state: Some("TX".into()),
        county: Some("Travis".into()),
        zip: Some("78701".into()),
    }
}

fn facts<'a>(address: &'a MailingAddress, comments: &'a [&'a str]) -> ContactFacts<'a> {
    ContactFacts {
        status: ProviderClientStatus::Active,
        comments_in_force: comments,
        shared: true,
        address,
        has_phone: true,
        last_notice: None,
    }
}

#[test]
fn every_status_but_active_excludes_with_its_own_code() {
    let c = criteria(&input());
    let a = address();
    let mut codes = Vec::new();
    for status in ProviderClientStatus::ALL {
        let f = ContactFacts {
            status,
            ..facts(&a, &[])
        };
        let got = exclusion(&c, &f, date!(2026 - 12 - 07));
        if status == ProviderClientStatus::Active {
            assert_eq!(got, None);
        } else {
            codes.push(got.unwrap().code());
        }
    }
    assert_eq!(
        codes,
        vec![
            "inactive_inactive",
            "inactive_lost_to_follow_up",
            "inactive_moved",
            "inactive_permanently_inactive",
            "inactive_deceased",
            "inactive_unknown"
        ]
    );
}

#[test]
fn declined_no_consent_and_the_address_or_phone_the_method_needs() {
    let mail = criteria(&input());
    let phone = criteria(&CriteriaInput {
        method: "phone",
        ..input()
    });
    let today = date!(2026 - 12 - 07);
    let a = address();
    let declined = [DECLINED_COMMENT];
    assert_eq!(
        exclusion(&mail, &facts(&a, &declined), today),
        Some(Exclusion::Declined)
    );
    let private = ContactFacts {
        shared: false,
        ..facts(&a, &[])
    };
    assert_eq!(
        exclusion(&mail, &private, today),
        Some(Exclusion::NoConsent)
    );
    // A returned letter's comment, or a missing part, makes the address not viable for mail,
    // but a phone list still reaches the family.
    let returned = [MAIL_RETURNED_COMMENT];
    assert_eq!(
        exclusion(&mail, &facts(&a, &returned), today),
        Some(Exclusion::NoViableAddress)
    );
    assert_eq!(exclusion(&phone, &facts(&a, &returned), today), None);
    for strip in 0..4 {
        let mut partial = address();
        match strip {
            0 => partial.line1 = Some("  ".into()),
            1 => partial.city = None,
            2 => partial.state = None,
            _ => partial.zip = None,
        }
        assert_eq!(
            exclusion(&mail, &facts(&partial, &[]), today),
            Some(Exclusion::NoViableAddress),
            "{strip}"
        );
    }
    let silent = ContactFacts {
        has_phone: false,
        ..facts(&a, &[])
    };
    assert_eq!(exclusion(&phone, &silent, today), Some(Exclusion::NoPhone));
    assert_eq!(exclusion(&mail, &silent, today), None);
}

#[test]
fn a_notice_less_than_thirty_days_old_excludes_unless_forced() {
    let c = criteria(&input());
    let forced = criteria(&CriteriaInput {
        force: true,
        ..input()
    });
    let a = address();
    let today = date!(2026 - 12 - 07);
    let notified = |days: i64| ContactFacts {
        last_notice: Some(today - Duration::days(days)),
        ..facts(&a, &[])
    };
    assert_eq!(
        exclusion(&c, &notified(0), today),
        Some(Exclusion::NotifiedRecently)
    );
    assert_eq!(
        exclusion(&c, &notified(29), today),
        Some(Exclusion::NotifiedRecently)
    );
    assert_eq!(exclusion(&c, &notified(30), today), None);
    assert_eq!(exclusion(&forced, &notified(1), today), None);
    // "Last notice before 10/01/2026": a notice on that day or later excludes.
    let before = criteria(&CriteriaInput {
        last_notice_before: "10/01/2026",
        ..input()
    });
    let on = |d: Date| ContactFacts {
        last_notice: Some(d),
        ..facts(&a, &[])
    };
    assert_eq!(
        exclusion(&before, &on(date!(2026 - 10 - 01)), today),
        Some(Exclusion::NotifiedSince)
    );
    assert_eq!(exclusion(&before, &on(date!(2026 - 09 - 30)), today), None);
}

fn rows_for(dob: &str, doses: &[(u16, &str)], on: &str) -> Vec<GroupRow> {
    let day = |s: &str| shotbook_forecast::Date::parse(s).unwrap();
    let patient = Patient {
        dob: day(dob),
        gender: Gender::Female,
        doses: doses
            .iter()
            .map(|(cvx, d)| DoseInput::new(*cvx, day(d)))
            .collect(),
        observations: vec![],
    };
    Engine::embedded().evaluate(&patient, day(on)).rows()
}

#[test]
fn the_window_picks_due_or_overdue_rows_of_the_chosen_groups() {
    // A 13-month-old with only the 2- and 4-month doses: several groups overdue, MMR due.
    let rows = rows_for(
        "2025-11-01",
        &[
            (20, "2026-01-01"),
            (10, "2026-01-01"),
            (20, "2026-03-01"),
            (10, "2026-03-01"),
        ],
        "2026-12-07",
    );
    let all = due_groups(&rows, &criteria(&input()));
    let names: Vec<&str> = all.iter().map(|g| g.vaccine_group.as_str()).collect();
    assert!(names.contains(&"MMR"), "{names:?}");
    assert!(names.contains(&"DTaP/Tdap/Td"), "{names:?}");
    let dtap = all
        .iter()
        .find(|g| g.vaccine_group == "DTaP/Tdap/Td")
        .unwrap();
    assert!(dtap.overdue);
    assert_eq!(dtap.dose_number, Some(3));
    assert!(!dtap.recommended_cvx.is_empty());
    let overdue = due_groups(
        &rows,
        &criteria(&CriteriaInput {
            window: "overdue",
            ..input()
        }),
    );
    assert!(overdue.iter().all(|g| g.overdue));
    assert!(overdue.len() < all.len());
    let mmr_only = due_groups(
        &rows,
        &criteria(&CriteriaInput {
            vaccine_groups: &["MMR".into()],
            ..input()
        }),
    );
    assert_eq!(mmr_only.len(), 1);
    // Shared clinical decisions are never recalled.
    assert!(all.iter().all(|g| g.vaccine_group != "COVID-19"));
}

#[test]
fn a_child_up_to_date_is_due_for_nothing_overdue() {
    let rows = rows_for(
        "2026-06-01",
        &[
            (8, "2026-06-01"),
            (20, "2026-08-01"),
            (10, "2026-08-01"),
            (133, "2026-08-01"),
            (49, "2026-08-01"),
            (116, "2026-08-01"),
            (8, "2026-08-01"),
            (20, "2026-10-01"),
            (10, "2026-10-01"),
            (133, "2026-10-01"),
            (49, "2026-10-01"),
            (116, "2026-10-01"),
        ],
        "2026-12-07",
    );
    let overdue = due_groups(
        &rows,
        &criteria(&CriteriaInput {
            window: "overdue",
            ..input()
        }),
    );
    assert_eq!(
        overdue,
        vec![],
        "a 6-month-old with the 2 and 4 months doses"
    );
}

#[test]
fn the_contact_comment_codes_are_the_cores() {
    for code in [DECLINED_COMMENT, MAIL_RETURNED_COMMENT] {
        let known = shotbook_core::demographics::comment_code(code).expect(code);
        assert_eq!(known.category, "contact");
    }
}

#[test]
fn every_routine_group_is_one_the_forecaster_knows() {
    let known: Vec<&str> = Engine::embedded().vaccine_groups().collect();
    for group in ROUTINE_GROUPS {
        assert!(known.contains(&group), "{group}");
    }
}
