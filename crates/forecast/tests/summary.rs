//! The visit summary: what is due today and when to come back.

use shotbook_forecast::{Date, DoseInput, Engine, Gender, Patient, RowStatus};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

#[test]
fn a_two_month_old_is_due_the_two_month_vaccines_and_comes_back_at_four_months() {
    let p = Patient {
        dob: d("2024-01-01"),
        gender: Gender::Female,
        doses: vec![DoseInput::new(8, d("2024-01-01"))],
        observations: vec![],
    };
    let on = d("2024-03-05");
    let s = Engine::embedded().evaluate(&p, on).summary();
    assert_eq!(s.assessment_date, on);
    let due: Vec<&str> = s
        .due_today
        .iter()
        .map(|g| g.vaccine_group.as_str())
        .collect();
    for group in [
        "DTaP/Tdap/Td",
        "HepB",
        "Hib",
        "Pneumococcal",
        "Polio",
        "Rotavirus",
    ] {
        assert!(due.contains(&group), "{group} not due in {due:?}");
    }
    assert!(!due.contains(&"MMR"));
    let dtap = s
        .due_today
        .iter()
        .find(|g| g.vaccine_group == "DTaP/Tdap/Td")
        .unwrap();
    assert_eq!(dtap.dose_number, Some(1));
    assert!(dtap.vaccines.iter().any(|v| v.cvx == 20));
    // Given today, dose 2 of DTaP is recommended at 4 months.
    assert_eq!(s.next_visit_on_or_after, Some(d("2024-05-01")));
    let next = s
        .next_visit_groups
        .iter()
        .find(|g| g.vaccine_group == "DTaP/Tdap/Td")
        .expect("DTaP at the next visit");
    assert_eq!(next.dose_number, Some(2));
    assert_eq!(next.status, RowStatus::Due);
    for g in &s.next_visit_groups {
        assert!(g.earliest.unwrap() <= d("2024-05-01"), "{g:?}");
    }
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["next_visit_on_or_after"], "2024-05-01");
    assert!(json["due_today"].as_array().unwrap().len() >= 6);
}

#[test]
fn overdue_groups_come_first_and_groups_not_yet_open_are_not_due_today() {
    // A 3-year-old with no vaccines: catch-up doses are overdue.
    let p = Patient {
        dob: d("2021-01-10"),
        gender: Gender::Male,
        doses: vec![],
        observations: vec![],
    };
    let on = d("2024-03-01");
    let a = Engine::embedded().evaluate(&p, on);
    let s = a.summary();
    assert!(!s.due_today.is_empty());
    let first_due = s
        .due_today
        .iter()
        .position(|g| g.status == RowStatus::Due)
        .unwrap_or(s.due_today.len());
    assert!(s.due_today[..first_due]
        .iter()
        .all(|g| g.status == RowStatus::Overdue));
    assert!(s.due_today[first_due..]
        .iter()
        .all(|g| g.status == RowStatus::Due));
    assert!(s.due_today.iter().any(|g| g.status == RowStatus::Overdue));
    // HPV starts at 9 years: not due, and the next visit is well before that.
    assert!(!s.due_today.iter().any(|g| g.vaccine_group == "HPV"));
    let next = s.next_visit_on_or_after.unwrap();
    assert!(next > on && next < d("2030-01-10"), "{next}");
    // Every group due today is a row due today.
    for g in &s.due_today {
        let row = a.row_for(&g.vaccine_group).unwrap();
        assert_eq!(row.status, g.status);
    }
}

#[test]
fn the_following_dose_passes_over_a_target_dose_the_forecast_would_skip() {
    // Three PCV13 doses in infancy, assessed at 12 months: dose 4 is due. The series' fifth
    // dose is skipped once any conjugate vaccine was given, so there is no following dose to
    // plan for pneumococcal.
    let p = Patient {
        dob: d("2023-01-01"),
        gender: Gender::Female,
        doses: vec![
            DoseInput::new(133, d("2023-03-01")),
            DoseInput::new(133, d("2023-05-01")),
            DoseInput::new(133, d("2023-07-01")),
        ],
        observations: vec![],
    };
    let a = Engine::embedded().evaluate(&p, d("2024-01-05"));
    let pcv = a.group("Pneumococcal").unwrap();
    assert_eq!(pcv.forecast_dose_number, Some(4));
    assert_eq!(pcv.following_dose, None, "{:?}", pcv.following_dose);
    let s = a.summary();
    assert!(s
        .due_today
        .iter()
        .any(|g| g.vaccine_group == "Pneumococcal"));
    assert!(!s
        .next_visit_groups
        .iter()
        .any(|g| g.vaccine_group == "Pneumococcal" && g.dose_number == Some(5)));
    // No DTaP dose yet: dose 1 is due today and dose 2 follows it.
    let dtap = a.group("DTaP/Tdap/Td").unwrap();
    assert!(dtap
        .following_dose
        .is_some_and(|f| f.dose_number == Some(2)));
}
