//! One row per vaccine group: the forecast that applies to the client now, the others kept.

use shotbook_forecast::{
    Date, DoseInput, Engine, Gender, NotChosen, Patient, RowStatus, SeriesStatus, SharedDecision,
    Why,
};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// A child born 2019-03-14 vaccinated on the routine schedule (HepB, DTaP, Hib, PCV, IPV, MMR,
/// varicella, HepA, rotavirus), assessed on `on`.
fn routine_child(on: &str) -> (Patient, Date) {
    let dob = d("2019-03-14");
    let at = |days: i32| dob.add_days(days);
    let mut doses = Vec::new();
    for (cvx, ages) in [
        (8u16, vec![0, 61, 183]),
        (20, vec![61, 122, 183, 457, 1462]),
        (17, vec![61, 122, 183, 380]),
        (133, vec![61, 122, 183, 380]),
        (10, vec![61, 122, 183, 1462]),
        (3, vec![370, 1462]),
        (21, vec![370, 1462]),
        (83, vec![370, 560]),
        (116, vec![61, 122, 183]),
    ] {
        for a in ages {
            doses.push(DoseInput::new(cvx, at(a)));
        }
    }
    (
        Patient {
            dob,
            gender: Gender::Male,
            doses,
            observations: vec![],
        },
        d(on),
    )
}

#[test]
fn a_fully_vaccinated_seven_year_old_reads_pneumococcal_complete_with_the_adult_series_kept() {
    let (p, on) = routine_child("2026-12-06");
    let a = Engine::embedded().evaluate(&p, on);
    let pneumo = a.row_for("Pneumococcal").unwrap();
    assert_eq!(pneumo.status, RowStatus::Complete, "{pneumo:#?}");
    // The adult series is still there, for "Why?", as starting later.
    assert!(
        pneumo.why.iter().any(|w| matches!(
            w,
            Why::OtherSeries {
                status: SeriesStatus::NotComplete,
                because: NotChosen::StartsLater,
                ..
            }
        )),
        "{pneumo:#?}"
    );
    for group in [
        "DTaP/Tdap/Td",
        "Polio",
        "MMR",
        "Varicella",
        "HepA",
        "HepB",
        "Hib",
    ] {
        let row = a.row_for(group).unwrap();
        assert!(
            matches!(
                row.status,
                RowStatus::Complete | RowStatus::Upcoming | RowStatus::NotYetEligible
            ),
            "{group}: {row:#?}"
        );
    }
}

#[test]
fn adult_only_series_are_not_yet_eligible_for_a_child_with_the_date_they_start() {
    let (p, on) = routine_child("2026-12-06");
    let a = Engine::embedded().evaluate(&p, on);
    let zoster = a.row_for("Zoster").unwrap();
    assert_eq!(zoster.status, RowStatus::NotYetEligible, "{zoster:#?}");
    assert_eq!(zoster.eligible_from, Some(d("2069-03-14")));
    let rsv = a.row_for("RSV").unwrap();
    assert_ne!(rsv.status, RowStatus::Due);
    assert_ne!(rsv.status, RowStatus::Overdue);
    assert!(rsv.eligible_from.is_none_or(|f| f > on), "{rsv:#?}");
}

#[test]
fn rotavirus_has_its_latest_allowed_date_as_a_field() {
    let dob = d("2026-10-01");
    let p = Patient {
        dob,
        gender: Gender::Female,
        doses: vec![DoseInput::new(116, dob.add_days(61))],
        observations: vec![],
    };
    let a = Engine::embedded().evaluate(&p, d("2026-12-06"));
    let rota = a.row_for("Rotavirus").unwrap();
    assert_eq!(rota.dose_number, Some(2));
    // Rotavirus doses may not be given at or after 8 months 1 day.
    let latest = rota.latest_allowed.expect("a latest allowed date");
    assert!(
        latest > d("2027-05-01") && latest < d("2027-06-15"),
        "{latest}"
    );
    assert!(rota.why.iter().any(|w| matches!(
        w,
        Why::NextDose { latest_allowed: Some(l), .. } if *l == latest
    )));
}

#[test]
fn covid_is_marked_as_shared_clinical_decision_making() {
    let p = Patient {
        dob: d("1990-04-02"),
        gender: Gender::Female,
        doses: vec![],
        observations: vec![],
    };
    let a = Engine::embedded().evaluate(&p, d("2025-10-06"));
    let covid = a.row_for("COVID-19").unwrap();
    assert_eq!(covid.shared_decision, SharedDecision::Series, "{covid:#?}");
    let dtap = a.row_for("DTaP/Tdap/Td").unwrap();
    assert_eq!(dtap.shared_decision, SharedDecision::No);
}

#[test]
fn an_unvaccinated_older_adult_reads_due_and_overdue_rows_by_the_dates() {
    let p = Patient {
        dob: d("1958-06-01"),
        gender: Gender::Male,
        doses: vec![],
        observations: vec![],
    };
    let on = d("2026-12-06");
    let a = Engine::embedded().evaluate(&p, on);
    let rows = a.rows();
    // One row per group that has a forecast, each group once.
    let mut names: Vec<&str> = rows.iter().map(|r| r.vaccine_group.as_str()).collect();
    let n = names.len();
    names.dedup();
    assert_eq!(n, names.len());
    // Zoster has no past-due date in the data: due, not overdue.
    let zoster = a.row_for("Zoster").unwrap();
    assert_eq!(zoster.status, RowStatus::Due, "{zoster:#?}");
    assert_eq!(zoster.past_due, None);
    for r in &rows {
        if r.status == RowStatus::Overdue {
            assert!(r.past_due.unwrap() <= on, "{r:#?}");
        }
    }
    let pneumo = a.row_for("Pneumococcal").unwrap();
    assert!(
        matches!(pneumo.status, RowStatus::Due | RowStatus::Overdue),
        "{pneumo:#?}"
    );
}

#[test]
fn rows_serialize_as_codes_and_iso_dates() {
    let (p, on) = routine_child("2026-12-06");
    let a = Engine::embedded().evaluate(&p, on);
    let json = serde_json::to_value(a.row_for("Zoster").unwrap()).unwrap();
    assert_eq!(json["status"], "NotYetEligible");
    assert_eq!(json["eligible_from"], "2069-03-14");
}
