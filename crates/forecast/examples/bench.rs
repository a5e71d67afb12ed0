//! Benchmark report: start-up parse time, median latency of a full evaluation + forecast (all
//! antigens) for a client with a 20-dose history, and throughput over 10,000 synthetic clients.
//!
//! `cargo run --release -p shotbook-forecast --example bench`

use std::time::{Duration, Instant};

use shotbook_forecast::{Date, DoseInput, Engine, Gender, Patient, SupportingData};

// The `shotbook` CLI (which runs `forecast`) uses mimalloc; measure on the same allocator.
// Remove these two lines to measure on the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A typical childhood history of 20 doses, shifted by `seed` days and with some variation.
fn patient(seed: u32) -> Patient {
    let dob = Date::parse("2018-01-15")
        .unwrap()
        .add_days((seed % 2000) as i32);
    let jitter = |k: u32| ((seed.wrapping_mul(2654435761).wrapping_add(k * 97)) % 9) as i32;
    // (CVX, age in days): HepB, DTaP, Hib, PCV, IPV, MMR, varicella, HepA.
    let plan: [(u16, i32); 20] = [
        (8, 0),
        (8, 35),
        (20, 61),
        (48, 61),
        (133, 61),
        (10, 61),
        (20, 122),
        (48, 122),
        (133, 122),
        (10, 122),
        (20, 183),
        (8, 183),
        (133, 183),
        (10, 183),
        (48, 380),
        (133, 380),
        (3, 370),
        (21, 370),
        (83, 400),
        (20, 480),
    ];
    Patient {
        dob,
        gender: if seed.is_multiple_of(2) {
            Gender::Female
        } else {
            Gender::Male
        },
        doses: plan
            .iter()
            .enumerate()
            .map(|(k, &(cvx, age))| DoseInput::new(cvx, dob.add_days(age + jitter(k as u32))))
            .collect(),
        observations: vec![],
    }
}

fn main() {
    let t = Instant::now();
    let data = SupportingData::embedded().expect("supporting data");
    let parse = t.elapsed();
    let t = Instant::now();
    let engine = Engine::new(data).expect("engine");
    let index = t.elapsed();
    println!("start-up: parse supporting data {parse:?}, build indexes {index:?}");

    let assess = Date::parse("2025-06-01").unwrap();
    let p = patient(7);
    assert_eq!(p.doses.len(), 20);
    for _ in 0..200 {
        std::hint::black_box(engine.evaluate(&p, assess));
    }
    let mut samples: Vec<Duration> = (0..2000)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(engine.evaluate(&p, assess));
            t.elapsed()
        })
        .collect();
    samples.sort();
    println!(
        "20-dose client, all antigens: median {:?}, p90 {:?}, p99 {:?} (2000 runs)",
        samples[samples.len() / 2],
        samples[samples.len() * 9 / 10],
        samples[samples.len() * 99 / 100]
    );

    let patients: Vec<Patient> = (0..10_000).map(patient).collect();
    let t = Instant::now();
    let mut not_complete = 0usize;
    for p in &patients {
        let a = engine.evaluate(p, assess);
        not_complete += a
            .groups
            .iter()
            .filter(|g| g.status == shotbook_forecast::SeriesStatus::NotComplete)
            .count();
    }
    let total = t.elapsed();
    println!(
        "10,000 synthetic 20-dose clients: {total:?} total, {:.0} clients/s on one thread ({not_complete} open group forecasts)",
        10_000.0 / total.as_secs_f64()
    );
}
