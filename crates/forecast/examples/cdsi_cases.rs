//! Runs CSV files in the CDC CDSi test-case layout and prints the conformance report.
//!
//! `cargo run --release -p shotbook-forecast --example cdsi_cases -- FILE.csv [FILE.csv…] [--json]`

use std::path::Path;

use shotbook_forecast::{cases, Engine};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with("--") && a.ends_with(".csv"))
        .collect();
    anyhow::ensure!(
        !files.is_empty(),
        "usage: cdsi_cases FILE.csv [FILE.csv…] [--json]"
    );
    let engine = Engine::embedded();
    // `--case ID` prints one case's full assessment for the case's vaccine group (debugging aid).
    if let Some(pos) = args.iter().position(|a| a == "--case") {
        let id = args.get(pos + 1).map(String::as_str).unwrap_or_default();
        for f in files.iter().filter(|f| f.ends_with(".csv")) {
            for case in cases::read_cases(Path::new(f))?
                .iter()
                .filter(|c| c.id == id)
            {
                let group =
                    cases::vaccine_group_name(engine, &case.vaccine_group).unwrap_or_default();
                let a = engine.evaluate(&case.patient, case.assessment_date);
                println!("{}", serde_json::to_string_pretty(&case)?);
                for g in a.groups.iter().filter(|g| g.vaccine_group == group) {
                    println!("{}", serde_json::to_string_pretty(g)?);
                }
                for d in &a.doses {
                    println!("{}", serde_json::to_string_pretty(d)?);
                }
                println!("{:?}", cases::run_case(engine, case).differences);
            }
        }
        return Ok(());
    }
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
