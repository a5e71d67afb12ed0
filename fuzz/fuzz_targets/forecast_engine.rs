//! The CDSi engine on any patient: a date of birth, a sex, up to 300 doses of vaccines from the
//! supporting data's CVX map (now and then a CVX it does not know), dates before birth or
//! after the assessment included, and observations. The engine never panics and is
//! deterministic: the same patient evaluated twice gives the same assessment and rows.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use shotbook_forecast::{Cvx, Date, DoseInput, Engine, Gender, ObservationInput, Patient};

const MAX_DOSES: usize = 300;
const MVX: [&str; 6] = ["MSD", "PMC", "SKB", "PFR", "MOD", "WAL"];

#[derive(Debug, Arbitrary)]
struct Dose {
    /// Index into the supported CVX codes; from 240 up, `raw` is the CVX as is.
    pick: u8,
    raw: u16,
    /// Days after birth (negative: before).
    age_days: i16,
    mvx: Option<u8>,
}

#[derive(Debug, Arbitrary)]
struct Input {
    /// Days after 01/01/1900.
    born: u16,
    sex: u8,
    /// Assessment: days after birth (negative: before).
    assessed_at: i16,
    doses: Vec<Dose>,
    observations: Vec<(u8, Option<i16>)>,
}

struct Codes {
    cvx: Vec<Cvx>,
    observations: Vec<String>,
}

fn codes() -> &'static Codes {
    static CODES: OnceLock<Codes> = OnceLock::new();
    CODES.get_or_init(|| {
        let data = Engine::embedded().data();
        let mut cvx: Vec<Cvx> = data.schedule.cvx_map.keys().copied().collect();
        cvx.sort_unstable();
        let mut observations: Vec<String> = data
            .schedule
            .observations
            .iter()
            .map(|o| o.code.clone())
            .collect();
        observations.sort();
        Codes { cvx, observations }
    })
}

fuzz_target!(|input: Input| {
    let codes = codes();
    let dob = Date::MIN.add_days(i32::from(input.born));
    let patient = Patient {
        dob,
        gender: match input.sex % 3 {
            0 => Gender::Female,
            1 => Gender::Male,
            _ => Gender::Unknown,
        },
        doses: input
            .doses
            .iter()
            .take(MAX_DOSES)
            .map(|d| DoseInput {
                cvx: if d.pick < 240 {
                    codes.cvx[usize::from(d.pick) % codes.cvx.len()]
                } else {
                    d.raw
                },
                mvx: d.mvx.map(|m| MVX[usize::from(m) % MVX.len()].to_string()),
                date: dob.add_days(i32::from(d.age_days)),
            })
            .collect(),
        observations: input
            .observations
            .iter()
            .take(20)
            .map(|(code, at)| ObservationInput {
                code: codes.observations[usize::from(*code) % codes.observations.len()].clone(),
                date: at.map(|days| dob.add_days(i32::from(days))),
            })
            .collect(),
    };
    let on = dob.add_days(i32::from(input.assessed_at));
    let engine = Engine::embedded();
    let first = engine.evaluate(&patient, on);
    let second = engine.evaluate(&patient, on);
    assert_eq!(first.doses.len(), patient.doses.len());
    let json = |a: &shotbook_forecast::Assessment| {
        serde_json::to_string(&(a, a.rows())).expect("an assessment serializes")
    };
    assert!(
        json(&first) == json(&second),
        "two evaluations of one patient differ"
    );
});
