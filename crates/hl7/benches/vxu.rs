//! Throughput of parse + read + MQE checks of VXU messages, and with the ACK built, on one
//! thread (one core). The issue's goal: ≥ 2,000 VXU/s per core.
//!
//! `cargo bench -p shotbook-hl7 --bench vxu` (release profile). Messages: the two NIST VXUs
//! from `shared/data/hl7/` (CR-separated, as real traffic is) and a 20-dose history built from
//! the first, so per-dose cost shows.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use time::macros::{date, datetime};

use shotbook_hl7::header::Hd;
use shotbook_hl7::{acknowledge, receive_vxu, CodeSets, ResponseContext};

fn sample(name: &str) -> String {
    let dir = std::env::var_os("SHOTBOOK_HL7_SAMPLES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/hl7")
        });
    std::fs::read_to_string(dir.join(name))
        .expect("HL7 samples (shared/data/hl7)")
        .replace('\n', "\r")
}

/// Runs `f` for about `budget` after a warm-up; returns calls per second and the median of
/// 10 batches' per-call time.
fn measure(budget: Duration, mut f: impl FnMut()) -> (f64, Duration) {
    for _ in 0..200 {
        f();
    }
    let mut batches = Vec::new();
    let mut calls = 0u64;
    let start = Instant::now();
    while start.elapsed() < budget {
        let t = Instant::now();
        for _ in 0..500 {
            f();
        }
        calls += 500;
        batches.push(t.elapsed() / 500);
    }
    let total = start.elapsed();
    batches.sort();
    (
        calls as f64 / total.as_secs_f64(),
        batches[batches.len() / 2],
    )
}

fn main() {
    let today = date!(2026 - 12 - 07);
    let codes = CodeSets::embedded();
    let ctx = ResponseContext {
        now: datetime!(2026-12-07 14:05:02 -7),
        control_id: "BENCH".into(),
        registry_application: Hd::named("SHOTBOOK"),
        registry_facility: Hd::named("MTREG"),
    };
    let z22 = sample("01-vxu-z22-nist-iz-ad-2.1.hl7");
    let child = sample("02-vxu-nist-iz-001-child.hl7");
    let history = {
        let start = z22.find("\rORC|RE||38760").expect("historical dose");
        let dose = &z22[start
            ..z22[start + 1..]
                .find("\rORC")
                .map_or(z22.len(), |e| start + 1 + e)];
        let mut m = z22.clone();
        for _ in 0..17 {
            m.push_str(dose);
        }
        m
    };
    let budget = Duration::from_secs(3);
    println!(
        "VXU parse + read + MQE checks, one thread ({} s per line)",
        budget.as_secs()
    );
    for (name, message) in [
        ("NIST IZ-AD-2.1 (3 doses)", &z22),
        ("NIST IZ-001 (1 dose)", &child),
        ("20-dose history", &history),
    ] {
        let (rate, median) = measure(budget, || {
            black_box(receive_vxu(black_box(message.as_bytes()), today, codes));
        });
        let (ack_rate, ack_median) = measure(budget, || {
            let received = receive_vxu(black_box(message.as_bytes()), today, codes);
            black_box(acknowledge(&received, &ctx));
        });
        println!(
            "  {name:<26} {:>6} bytes  {rate:>9.0} VXU/s (median {median:>6.1?})  with ACK {ack_rate:>9.0} VXU/s (median {ack_median:>6.1?})",
            message.len()
        );
    }
}
