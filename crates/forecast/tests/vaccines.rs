//! The vaccines a forecast dose may be given with, and combination vaccines that cover several
//! due vaccine groups.

use shotbook_forecast::{Date, DoseInput, Engine, Gender, Patient, SeriesStatus};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// A 9-week-old with the birth dose of HepB only.
fn infant() -> (Patient, Date) {
    (
        Patient {
            dob: d("2024-01-01"),
            gender: Gender::Female,
            doses: vec![DoseInput::new(8, d("2024-01-01"))],
            observations: vec![],
        },
        d("2024-03-05"),
    )
}

#[test]
fn a_due_group_lists_its_vaccines_and_fills_the_recommended_cvx_list() {
    let (p, on) = infant();
    let a = Engine::embedded().evaluate(&p, on);
    let dtap = a.group("DTaP/Tdap/Td").unwrap();
    assert_eq!(dtap.status, SeriesStatus::NotComplete);
    let cvx: Vec<u16> = dtap.vaccines.iter().map(|v| v.cvx).collect();
    assert!(cvx.contains(&20), "{cvx:?}");
    // No DTaP series dose vaccine carries CDC's forecast flag: all may be given.
    assert_eq!(dtap.recommended_vaccines, cvx);
    let v20 = dtap.vaccines.iter().find(|v| v.cvx == 20).unwrap();
    assert_eq!(v20.vaccine_type, "DTaP");
    assert!(!v20.forecast_flag);
    for antigen in ["Diphtheria", "Tetanus", "Pertussis"] {
        assert!(v20.antigens.iter().any(|a| a == antigen), "{v20:?}");
    }
    assert!(v20.also_covers.is_empty());
    // Each antigen forecast lists its own choices too.
    assert!(dtap.antigens.iter().all(|f| !f.vaccines.is_empty()));
    // The row carries the same list.
    let row = a.row_for("DTaP/Tdap/Td").unwrap();
    assert_eq!(row.vaccines, dtap.vaccines);
}

#[test]
fn a_combination_vaccine_says_which_other_due_groups_it_covers() {
    let (p, on) = infant();
    let a = Engine::embedded().evaluate(&p, on);
    let dtap = a.group("DTaP/Tdap/Td").unwrap();
    // Pediarix (110) = DTaP-HepB-IPV: HepB dose 2 and Polio dose 1 are due too.
    let pediarix = dtap.vaccines.iter().find(|v| v.cvx == 110).unwrap();
    let mut covers = pediarix.also_covers.clone();
    covers.sort();
    assert_eq!(covers, vec!["HepB".to_string(), "Polio".to_string()]);
    // Seen from Polio, the same vaccine covers DTaP and HepB.
    let polio = a.group("Polio").unwrap();
    let from_polio = polio.vaccines.iter().find(|v| v.cvx == 110).unwrap();
    assert!(from_polio.also_covers.iter().any(|g| g == "DTaP/Tdap/Td"));
    assert!(from_polio.also_covers.iter().any(|g| g == "HepB"));
}

#[test]
fn flagged_forecast_vaccine_types_are_the_recommended_ones() {
    let (p, on) = infant();
    let a = Engine::embedded().evaluate(&p, on);
    let pcv = a.group("Pneumococcal").unwrap();
    assert!(!pcv.recommended_vaccines.is_empty());
    for cvx in &pcv.recommended_vaccines {
        let v = pcv.vaccines.iter().find(|v| v.cvx == *cvx).unwrap();
        assert!(v.forecast_flag, "{v:?}");
    }
}

#[test]
fn a_complete_group_lists_no_vaccines() {
    let dob = d("2010-01-01");
    let p = Patient {
        dob,
        gender: Gender::Male,
        doses: vec![
            DoseInput::new(83, d("2011-01-05")),
            DoseInput::new(83, d("2011-08-05")),
        ],
        observations: vec![],
    };
    let a = Engine::embedded().evaluate(&p, d("2024-01-01"));
    let hepa = a.group("HepA").unwrap();
    assert_eq!(hepa.status, SeriesStatus::Complete);
    assert!(hepa.vaccines.is_empty());
    assert!(hepa.recommended_vaccines.is_empty());
}
