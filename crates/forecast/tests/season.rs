//! Seasonal recommendations after the supporting data's last season has ended, and supporting
//! data loaded from a directory at run time.

use std::path::PathBuf;

use shotbook_forecast::{DataSource, Date, DoseInput, Engine, Gender, Patient, SeriesStatus};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn child(dob: &str, doses: Vec<DoseInput>) -> Patient {
    Patient {
        dob: d(dob),
        gender: Gender::Female,
        doses,
        observations: vec![],
    }
}

#[test]
fn influenza_is_due_in_a_season_the_data_does_not_define_and_says_the_season_is_assumed() {
    // A 7-year-old with two earlier flu doses, assessed in December 2026 (data 4.64 defines the
    // season only through 06/30/2026).
    let p = child(
        "2019-05-10",
        vec![
            DoseInput::new(150, d("2023-10-01")),
            DoseInput::new(150, d("2024-10-01")),
        ],
    );
    let a = Engine::embedded().evaluate(&p, d("2026-12-06"));
    let flu = a.group("Influenza").unwrap();
    assert_eq!(flu.status, SeriesStatus::NotComplete, "{flu:#?}");
    let season = flu.season_assumed.expect("season marked as assumed");
    assert_eq!(season.data_end, d("2026-06-30"));
    assert_eq!(season.start, d("2026-07-01"));
    assert_eq!(season.end, d("2027-06-30"));
    assert_eq!(season.years_moved, 1);
    // Earliest is the assumed season's start at the earliest, never the data's old season.
    assert!(flu.earliest.unwrap() >= d("2026-07-01"));
    assert!(flu.earliest.unwrap() <= d("2026-12-06"));
    assert!(flu.trace.iter().any(|t| t.rule == "SEASON-ASSUMED"));
}

#[test]
fn a_seven_month_old_in_december_is_due_for_influenza() {
    let p = child("2026-05-01", vec![]);
    let a = Engine::embedded().evaluate(&p, d("2026-12-06"));
    let flu = a.group("Influenza").unwrap();
    assert_eq!(flu.status, SeriesStatus::NotComplete, "{flu:#?}");
    assert_eq!(flu.forecast_dose_number, Some(1));
    assert_eq!(flu.earliest, Some(d("2026-11-01")));
    assert!(flu.season_assumed.is_some());
}

#[test]
fn a_dose_in_the_assumed_season_completes_it_and_one_from_the_last_season_does_not() {
    let engine = Engine::embedded();
    let old = child("2015-05-10", vec![DoseInput::new(150, d("2025-10-01"))]);
    let flu = |p: &Patient| {
        engine
            .evaluate(p, d("2026-12-06"))
            .group("Influenza")
            .unwrap()
            .clone()
    };
    assert_eq!(flu(&old).status, SeriesStatus::NotComplete);
    let mut this_season = old.clone();
    this_season.doses.push(DoseInput::new(150, d("2026-10-01")));
    let f = flu(&this_season);
    assert_eq!(f.status, SeriesStatus::Complete, "{f:#?}");
    assert!(f.season_assumed.is_some());
}

#[test]
fn within_the_data_season_nothing_is_assumed() {
    let p = child("2015-05-10", vec![]);
    let a = Engine::embedded().evaluate(&p, d("2025-12-06"));
    let flu = a.group("Influenza").unwrap();
    assert_eq!(flu.status, SeriesStatus::NotComplete);
    assert!(flu.season_assumed.is_none());
    assert_eq!(flu.earliest, Some(d("2025-07-01")));
}

#[test]
fn rsv_for_an_infant_is_forecast_for_the_next_assumed_season() {
    // Born in the summer after the data's RSV season (10/01/2025-03/31/2026).
    let p = child("2026-07-15", vec![]);
    let a = Engine::embedded().evaluate(&p, d("2026-08-01"));
    let rsv = a
        .groups
        .iter()
        .find(|g| g.vaccine_group == "RSV" && g.status == SeriesStatus::NotComplete)
        .expect("an open RSV forecast");
    assert!(rsv.season_assumed.is_some(), "{rsv:#?}");
    assert_eq!(rsv.earliest, Some(d("2026-10-01")));
}

fn shared_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/cdsi/supporting-data-v4.64/xml")
}

#[test]
fn supporting_data_loads_from_a_directory_with_its_release_and_gives_the_same_results() {
    let dir = shared_data();
    assert!(dir.exists(), "no supporting data at {}", dir.display());
    let loaded = Engine::from_dir(&dir).unwrap();
    assert_eq!(loaded.version().release, "4.64");
    assert_eq!(loaded.version().source, DataSource::Directory(dir.clone()));
    assert_eq!(Engine::embedded().version().source, DataSource::Embedded);
    let p = child(
        "2024-01-10",
        vec![
            DoseInput::new(8, d("2024-01-10")),
            DoseInput::new(20, d("2024-03-12")),
            DoseInput::new(10, d("2024-03-12")),
        ],
    );
    let on = d("2024-06-01");
    let a = serde_json::to_value(loaded.evaluate(&p, on)).unwrap();
    let b = serde_json::to_value(Engine::embedded().evaluate(&p, on)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn an_installed_engine_becomes_current_until_uninstalled() {
    let loaded = Engine::from_dir(&shared_data()).unwrap();
    let v = Engine::install(loaded);
    assert_eq!(Engine::current().version(), &v);
    Engine::uninstall();
    assert_eq!(Engine::current().version().source, DataSource::Embedded);
}

#[test]
fn a_directory_without_supporting_data_is_an_error() {
    let err = Engine::from_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).err();
    assert!(err.is_some());
}
