//! What a clinic reads on 12/07/2026 for a few realistic clients (the rows a nurse acts on).
//!
//! Clients: a 7-year-old vaccinated on the ACIP childhood schedule, infants of 2 and 7 months
//! with their routine doses, a 68-year-old with no recorded history and a 70-year-old with a
//! typical adult history.

use shotbook_forecast::{Assessment, Date, DoseInput, Engine, Gender, Patient};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn on() -> Date {
    d("2026-12-07")
}

/// Doses as (CVX, age in days).
fn patient(dob: &str, gender: Gender, doses: &[(u16, i32)]) -> Patient {
    let dob = d(dob);
    Patient {
        dob,
        gender,
        doses: doses
            .iter()
            .map(|&(cvx, days)| DoseInput::new(cvx, dob.add_days(days)))
            .collect(),
        observations: vec![],
    }
}

/// Born 2019-12-07, vaccinated per the ACIP childhood schedule: HepB (08) at birth, 2 and 6
/// months; RotaTeq (116) at 2, 4, 6 months; DTaP (20) at 2, 4, 6, 15 months and 4 years; ActHIB
/// (48) at 2, 4, 6, 12 months; PCV13 (133) at 2, 4, 6, 12 months; IPV (10) at 2, 4, 6 months and
/// 4 years; MMR (03) and varicella (21) at 12 months and 4 years; HepA (83) at 12 and 18 months;
/// influenza (150) every autumn.
fn seven_year_old() -> Patient {
    let mut doses = vec![
        (8, 0),
        (8, 61),
        (8, 183),
        (116, 61),
        (116, 122),
        (116, 183),
        (20, 61),
        (20, 122),
        (20, 183),
        (20, 457),
        (20, 1462),
        (48, 61),
        (48, 122),
        (48, 183),
        (48, 366),
        (133, 61),
        (133, 122),
        (133, 183),
        (133, 366),
        (10, 61),
        (10, 122),
        (10, 183),
        (10, 1462),
        (3, 366),
        (3, 1462),
        (21, 366),
        (21, 1462),
        (83, 366),
        (83, 548),
    ];
    // Influenza: two doses in the first season (6 and 7 months), then one each October.
    doses.push((150, 183));
    doses.push((150, 214));
    for year in 1..=6 {
        doses.push((150, 300 + 365 * year));
    }
    patient("2019-12-07", Gender::Female, &doses)
}

/// Born 2026-10-07 (2 months old): HepB at birth.
fn infant_two_months() -> Patient {
    patient("2026-10-07", Gender::Male, &[(8, 0)])
}

/// Born 2026-05-07 (7 months old): HepB at birth, 2 and 6 months; 2-, 4- and 6-month doses of
/// DTaP, Hib, PCV, IPV and RotaTeq; nirsevimab was not recorded.
fn infant_seven_months() -> Patient {
    let mut doses = vec![(8, 0), (8, 61), (8, 183)];
    for cvx in [20, 48, 133, 10, 116] {
        for days in [61, 122, 183] {
            doses.push((cvx, days));
        }
    }
    patient("2026-05-07", Gender::Female, &doses)
}

/// Born 1958-12-01 (68 years old), no recorded vaccines.
fn sixty_eight_no_history() -> Patient {
    patient("1958-12-01", Gender::Male, &[])
}

/// Born 1956-11-20 (70 years old): Tdap at 60, Shingrix ×2 at 66, PCV20 at 66, influenza every
/// autumn since 65.
fn seventy_year_old() -> Patient {
    let age = |y: i32, days: i32| 365 * y + y / 4 + days;
    let mut doses = vec![
        (115, age(60, 30)),
        (187, age(66, 10)),
        (187, age(66, 80)),
        (216, age(66, 10)),
    ];
    for y in 65..70 {
        doses.push((197, age(y, 320)));
    }
    patient("1956-11-20", Gender::Female, &doses)
}

fn assess(p: &Patient) -> Assessment {
    Engine::embedded().evaluate(p, on())
}

#[test]
fn dump() {
    for (name, p) in [
        ("7y", seven_year_old()),
        ("2m", infant_two_months()),
        ("7m", infant_seven_months()),
        ("68y", sixty_eight_no_history()),
        ("70y", seventy_year_old()),
    ] {
        let a = assess(&p);
        println!("== {name}");
        for r in a.rows() {
            println!(
                "{:<14} {:?} {:?} {:?} {:?} dose {:?} e {:?} r {:?} pd {:?} l {:?} from {:?} sd {:?} {:?} vacc {:?}",
                r.vaccine_group,
                r.status,
                r.series_type,
                r.basis,
                r.series,
                r.dose_number,
                r.earliest.map(|d| d.to_string()),
                r.recommended.map(|d| d.to_string()),
                r.past_due.map(|d| d.to_string()),
                r.latest_allowed.map(|d| d.to_string()),
                r.eligible_from.map(|d| d.to_string()),
                r.shared_decision,
                r.reasons,
                r.recommended_vaccines,
            );
        }
        println!("not applicable: {:?}", a.not_applicable);
        for g in &a.groups {
            println!(
                "  forecast {} {:?} {:?} {:?} {:?}",
                g.vaccine_group,
                g.status,
                g.basis,
                g.antigens.iter().map(|x| &x.series).collect::<Vec<_>>(),
                g.earliest.map(|d| d.to_string())
            );
        }
    }
}
