//! Behaviour of individual CDSi rules through the public API.

use shotbook_forecast::{
    Date, DoseInput, Engine, EvaluationStatus, Gender, ObservationInput, Patient, SeriesStatus,
};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn patient(dob: &str, doses: &[(u16, &str)]) -> Patient {
    Patient {
        dob: d(dob),
        gender: Gender::Female,
        doses: doses
            .iter()
            .map(|&(cvx, date)| DoseInput::new(cvx, d(date)))
            .collect(),
        observations: vec![],
    }
}

#[test]
fn a_dose_before_the_absolute_minimum_age_is_not_valid_as_too_young() {
    // DTaP (CVX 20) at 5 weeks: absolute minimum age is 6 weeks - 4 days.
    let p = patient("2024-01-01", &[(20, "2024-02-05")]);
    let a = Engine::embedded().evaluate(&p, d("2024-03-01"));
    let (status, reasons) = a.dose_status_for_group(0, "DTaP/Tdap/Td").unwrap();
    assert_eq!(status, EvaluationStatus::NotValid);
    assert!(reasons.iter().any(|r| r == "Age: Too Young"));
}

#[test]
fn a_dose_within_the_four_day_grace_period_is_valid() {
    // 6 weeks - 4 days after 2024-01-01 is 2024-02-08.
    let p = patient("2024-01-01", &[(20, "2024-02-08")]);
    let a = Engine::embedded().evaluate(&p, d("2024-03-01"));
    let (status, _) = a.dose_status_for_group(0, "DTaP/Tdap/Td").unwrap();
    assert_eq!(status, EvaluationStatus::Valid);
}

#[test]
fn a_second_dose_too_soon_after_the_first_is_not_valid_and_the_next_dose_is_forecast_from_it() {
    // HepB 2nd dose 3 weeks after the 1st (minimum interval 4 weeks).
    let p = patient("2024-01-01", &[(8, "2024-01-01"), (8, "2024-01-22")]);
    let a = Engine::embedded().evaluate(&p, d("2024-02-01"));
    let (status, reasons) = a.dose_status_for_group(1, "HepB").unwrap();
    assert_eq!(status, EvaluationStatus::NotValid);
    assert!(reasons.iter().any(|r| r == "Interval: Too Soon"));
    let hepb = a.group("HepB").unwrap();
    assert_eq!(hepb.status, SeriesStatus::NotComplete);
    assert_eq!(hepb.forecast_dose_number, Some(2));
    assert_eq!(
        hepb.earliest,
        Some(d("2024-02-19")),
        "4 weeks after the not valid dose"
    );
}

#[test]
fn a_live_vaccine_within_the_conflict_window_of_another_is_not_valid() {
    // Varicella 20 days after MMR (both at 13 months).
    let p = patient("2023-01-01", &[(3, "2024-02-01"), (21, "2024-02-21")]);
    let a = Engine::embedded().evaluate(&p, d("2024-03-01"));
    let (status, reasons) = a.dose_status_for_group(1, "Varicella").unwrap();
    assert_eq!(status, EvaluationStatus::NotValid);
    assert!(reasons.iter().any(|r| r == "Live Virus Conflict"));
}

#[test]
fn a_patient_born_before_1957_is_immune_to_measles() {
    let p = patient("1950-05-05", &[]);
    let a = Engine::embedded().evaluate(&p, d("2024-03-01"));
    assert_eq!(a.group("MMR").unwrap().status, SeriesStatus::Immune);
}

#[test]
fn a_contraindicating_observation_stops_the_forecast() {
    // 080: adverse reaction to a vaccine component contraindicates HepA.
    let mut p = patient("2020-01-01", &[]);
    p.observations.push(ObservationInput {
        code: "080".into(),
        date: None,
    });
    let a = Engine::embedded().evaluate(&p, d("2024-03-01"));
    assert_eq!(
        a.group("HepA").unwrap().status,
        SeriesStatus::Contraindicated
    );
}

#[test]
fn a_combination_vaccine_is_split_into_its_antigens() {
    // Pediarix (110) = DTaP + HepB + IPV.
    let p = patient("2024-01-01", &[(110, "2024-03-01")]);
    let a = Engine::embedded().evaluate(&p, d("2024-03-15"));
    let antigens: Vec<&str> = a.doses[0]
        .antigens
        .iter()
        .map(|x| x.antigen.as_str())
        .collect();
    for name in ["Diphtheria", "HepB", "Pertussis", "Polio", "Tetanus"] {
        assert!(antigens.contains(&name), "{name} missing from {antigens:?}");
    }
    assert_eq!(
        a.group("DTaP/Tdap/Td").unwrap().forecast_dose_number,
        Some(2)
    );
}

#[test]
fn every_forecast_carries_an_explanation_trace() {
    let p = patient("2024-01-01", &[(8, "2024-01-01")]);
    let a = Engine::embedded().evaluate(&p, d("2024-02-01"));
    let hepb = a.group("HepB").unwrap();
    assert!(!hepb.trace.is_empty());
    assert!(hepb.antigens[0].trace.iter().any(|t| t.rule == "§8.8"));
    assert!(!a.doses[0].antigens[0].trace.is_empty());
    assert!(serde_json::to_string(&a)
        .unwrap()
        .contains("\"recommended\""));
}

#[test]
fn a_not_valid_live_dose_of_another_antigen_conflicts_until_its_conflict_end_interval() {
    // CALCDTCONFLICT-2: MMR (03) then yellow fever (37): minimum conflict end 28 days when the
    // MMR dose is valid, conflict end 30 days when it is not. Yellow fever 29 days after MMR.
    // Yellow fever is a risk series: travel to a country requiring it (observation 045).
    let engine = Engine::embedded();
    let traveller = |doses: &[(u16, &str)]| {
        let mut p = patient("2023-01-01", doses);
        p.observations.push(ObservationInput {
            code: "045".into(),
            date: None,
        });
        p
    };
    // MMR at 12 months + 1 day: valid, so yellow fever 29 days later is not in conflict.
    let valid = traveller(&[(3, "2024-01-02"), (37, "2024-01-31")]);
    let a = engine.evaluate(&valid, d("2024-03-01"));
    assert_eq!(
        a.dose_status_for_group(0, "MMR").unwrap().0,
        EvaluationStatus::Valid
    );
    let (status, reasons) = a.dose_status_for_group(1, "Yellow Fever").unwrap();
    assert_eq!(status, EvaluationStatus::Valid, "{reasons:?}");
    // MMR at 11 months: too young, not valid, so the conflict lasts 30 days.
    let invalid = traveller(&[(3, "2023-12-01"), (37, "2023-12-30")]);
    let a = engine.evaluate(&invalid, d("2024-03-01"));
    assert_eq!(
        a.dose_status_for_group(0, "MMR").unwrap().0,
        EvaluationStatus::NotValid
    );
    let (status, reasons) = a.dose_status_for_group(1, "Yellow Fever").unwrap();
    assert_eq!(status, EvaluationStatus::NotValid);
    assert!(
        reasons.iter().any(|r| r == "Live Virus Conflict"),
        "{reasons:?}"
    );
}

#[test]
fn an_interval_skip_condition_counts_from_the_immediate_previous_dose_even_an_inadvertent_one() {
    // Polio 4-dose series, dose 3 (evaluation): skipped when the current dose is given on or
    // after 4 years - 4 days AND at least 6 months - 4 days after the previous dose
    // (CALCDTSKIP-5: the immediate previous dose administered). Here the previous dose is an
    // inadvertent OPV (178) two months before, so dose 3 is not skipped and the IPV at
    // 4 years - 2 days satisfies it.
    let p = patient(
        "2018-01-10",
        &[
            (10, "2018-03-10"),
            (10, "2018-05-10"),
            (178, "2021-11-08"),
            (10, "2022-01-08"),
        ],
    );
    let a = Engine::embedded().evaluate(&p, d("2022-02-01"));
    let polio = a.group("Polio").unwrap();
    let standard = polio
        .antigens
        .iter()
        .find(|f| f.series == "Polio 4-dose series")
        .unwrap_or(&polio.antigens[0]);
    assert_eq!(standard.target_doses[2], "Satisfied", "{standard:#?}");
    assert_eq!(polio.status, SeriesStatus::NotComplete);
    assert_eq!(polio.forecast_dose_number, Some(4));
}

#[test]
fn trace_steps_are_typed_with_their_rule_ids_and_render_in_english_and_spanish() {
    use shotbook_forecast::{Language, TraceCode};
    // DTaP at 5 weeks: too young; the step carries the absolute minimum age date as a date.
    let p = patient("2024-01-01", &[(20, "2024-02-05")]);
    let a = Engine::embedded().evaluate(&p, d("2024-03-01"));
    let dose = &a.doses[0].antigens[0];
    let step = dose
        .trace
        .iter()
        .find(|s| matches!(s.code, TraceCode::AgeTooYoung { .. }))
        .expect("an age step");
    assert_eq!(step.rule, "CALCDTAGE-5");
    assert_eq!(
        step.code,
        TraceCode::AgeTooYoung {
            absolute_minimum_age_date: d("2024-02-08")
        }
    );
    assert!(step.text(Language::English).contains("too young"));
    assert!(step.text(Language::Spanish).contains("demasiado joven"));
    // Forecast steps: the earliest date's sources and the dates, typed.
    let dtap = a.group("DTaP/Tdap/Td").unwrap();
    assert!(dtap.antigens.iter().any(|f| f
        .trace
        .iter()
        .any(|s| matches!(s.code, TraceCode::ForecastDates { target_dose: 1, .. }))));
    assert!(dtap.trace.iter().any(|s| s.rule == "MULTIANTVG-1"
        && matches!(s.code, TraceCode::MultipleAntigenGroupDates { .. })));
    let json = serde_json::to_value(&dtap.trace).unwrap();
    assert_eq!(json[0]["code"], "MultipleAntigenGroupDates");
    assert_eq!(json[0]["params"]["vaccine_group"], "DTaP/Tdap/Td");
}
