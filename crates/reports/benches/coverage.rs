//! Coverage of one organization of 50,000 synthetic clients: `cargo bench -p shotbook-reports`.
//!
//! Prints the time to assess every client (the engine) and to build the whole report (engine,
//! birth-cohort aggregation, missed-opportunity list, and writing it as CSV). The goal
//! is ≤ 10 s for the report.

use std::fmt::Write as _;
use std::time::Instant;

use shotbook_core::ids::ClientId;
use shotbook_reports::catalog::VaccineCatalog;
use shotbook_reports::coverage::{
    assess_client, coverage_report, BirthRange, CoverageClient, DoseRecord,
};
use shotbook_reports::status::{ProviderClientStatus, StatusAtOrganization};
use shotbook_reports::{Date, Offset};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CLIENTS: usize = 50_000;

/// A small deterministic generator (xorshift), so runs compare.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn months(n: i32) -> Offset {
    Offset {
        months: n,
        ..Offset::default()
    }
}

/// Birth and 2, 4, 6, 12, 15 months, 4 years and 11 years, with the vaccines usually given.
const VISITS: &[(i32, &[u16])] = &[
    (0, &[8]),
    (2, &[110, 48, 133, 116]),
    (4, &[110, 48, 133, 116]),
    (6, &[110, 48, 133, 116, 150]),
    (7, &[150]),
    (12, &[3, 21, 83, 133, 48]),
    (15, &[20]),
    (48, &[130, 94]),
    (132, &[115, 114, 165]),
    (138, &[165]),
];

fn synthetic_client(dice: &mut Dice, epoch: Date) -> CoverageClient {
    let dob = epoch.add_days(dice.below(365 * 14) as i32);
    let mut doses = Vec::new();
    for &(age, vaccines) in VISITS {
        // One visit in ten is skipped; the rest are up to 60 days late.
        if dice.below(10) == 0 {
            continue;
        }
        let date = dob.plus(months(age)).add_days(dice.below(60) as i32);
        for &cvx in vaccines {
            if dice.below(20) != 0 {
                doses.push(DoseRecord {
                    cvx,
                    date,
                    voided: dice.below(200) == 0,
                });
            }
        }
    }
    let status = match dice.below(20) {
        0 => StatusAtOrganization {
            status: ProviderClientStatus::Moved,
            since: Some(dob.add_days(dice.below(2000) as i32)),
        },
        1 => StatusAtOrganization {
            status: ProviderClientStatus::LostToFollowUp,
            since: None,
        },
        _ => StatusAtOrganization::ACTIVE,
    };
    CoverageClient {
        id: ClientId::new(),
        dob,
        status,
        doses,
        visits: Vec::new(),
    }
}

fn main() {
    let started = Instant::now();
    let catalog = VaccineCatalog::embedded();
    let catalog_built = started.elapsed();
    let epoch = Date::parse("2011-01-01").expect("date");
    let as_of = Date::parse("2025-12-31").expect("date");
    let mut dice = Dice(0x5eed_cafe);
    let clients: Vec<CoverageClient> = (0..CLIENTS)
        .map(|_| synthetic_client(&mut dice, epoch))
        .collect();
    let doses: usize = clients.iter().map(|c| c.doses.len()).sum();

    let started = Instant::now();
    let mut results = 0usize;
    for client in &clients {
        results += assess_client(catalog, client, as_of).len();
    }
    let engine = started.elapsed();

    let started = Instant::now();
    let report = coverage_report(
        catalog,
        &clients,
        BirthRange {
            born_from: epoch,
            born_to: as_of,
        },
        as_of,
    );
    let mut csv = String::from("birth_year,age_point,measure,numerator,denominator,percent\n");
    for row in &report.rows {
        let percent = row.percent().map(|p| format!("{p:.1}")).unwrap_or_default();
        let _ = writeln!(
            csv,
            "{},{},{},{},{},{percent}",
            row.birth_year,
            row.age_point.code(),
            row.measure.code(),
            row.numerator,
            row.denominator
        );
    }
    for missed in &report.missed_opportunities {
        for visit in &missed.visits {
            let _ = writeln!(
                csv,
                "{},{},{},{visit}",
                missed.client,
                missed.age_point.code(),
                missed.measure.code()
            );
        }
    }
    let whole = started.elapsed();

    println!("coverage of {CLIENTS} synthetic clients ({doses} doses)");
    println!(
        "  vaccine catalog from the CDSi supporting data (once per process): {:.3} s",
        catalog_built.as_secs_f64()
    );
    println!(
        "  engine (assess every client, {results} measure results): {:.3} s ({:.1} µs per client)",
        engine.as_secs_f64(),
        engine.as_secs_f64() * 1e6 / CLIENTS as f64
    );
    println!(
        "  whole report (engine + cohorts + {} missed-opportunity entries + CSV, {} KiB): {:.3} s (goal ≤ 10 s)",
        report.missed_opportunities.len(),
        csv.len() / 1024,
        whole.as_secs_f64()
    );
    assert!(
        whole.as_secs_f64() <= 10.0,
        "the report takes more than 10 s"
    );
}
