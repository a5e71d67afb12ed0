//! Runs CSV files in the CDC CDSi test-case layout and prints the conformance report.
//!
//! `cargo run --release -p shotbook-forecast --example cdsi_cases -- FILE.csv [FILE.csv…] [--json]`

use std::path::Path;

use shotbook_forecast::{cases, Engine};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    anyhow::ensure!(!files.is_empty(), "usage: cdsi_cases FILE.csv [FILE.csv…] [--json]");
    let engine = Engine::embedded();
    for f in files {
        let report = cases::run_cases(engine, Path::new(f))?;
        if json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            println!("== {f}");
            print!("{}", report.render_text());
        }
    }
    Ok(())
}
