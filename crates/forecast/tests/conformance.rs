//! Runs both CDC CDSi test-case files and guards the pass rates reached so far: the floors are
//! the measured figures, so any regression fails the test.
//!
//! The CSVs are read from `shared/data/cdsi/test-cases/` next to the repository, or from the
//! directory named by `SHOTBOOK_CDSI_CASES_DIR`.

use std::path::PathBuf;

use shotbook_forecast::{cases, Engine};

fn cases_dir() -> PathBuf {
    std::env::var_os("SHOTBOOK_CDSI_CASES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/cdsi/test-cases")
        })
}

fn run(file: &str) -> cases::CaseReport {
    let path = cases_dir().join(file);
    assert!(
        path.exists(),
        "CDC test cases not found at {}",
        path.display()
    );
    cases::run_cases(Engine::embedded(), &path).expect("test cases run")
}

#[test]
fn every_healthy_childhood_and_adult_case_passes() {
    let report = run("healthy-v4.45.csv");
    // Shown with `--nocapture`: the figures to report.
    println!(
        "healthy v4.45: {} passed, {} failed",
        report.passed, report.failed
    );
    assert_eq!(report.passed + report.failed, 706);
    assert!(
        report.pass_rate() >= 1.0,
        "healthy pass rate fell to {:.4}:\n{}",
        report.pass_rate(),
        report.render_text()
    );
}

/// Case ids listed in `KNOWN-DISAGREEMENTS.md` (first column of its tables).
fn known_disagreements() -> Vec<String> {
    let text = include_str!("../KNOWN-DISAGREEMENTS.md");
    text.lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" |").next())
        .filter(|id| id.contains("-UC-") || id.contains("-HC-") || id.starts_with("20"))
        .map(|id| id.trim().to_string())
        .collect()
}

#[test]
fn every_failing_case_is_a_listed_known_disagreement_and_listed_cases_still_fail() {
    let known = known_disagreements();
    assert!(!known.is_empty());
    for file in ["healthy-v4.45.csv", "underlying-conditions-v4.6.csv"] {
        let report = run(file);
        let failing: Vec<&str> = report
            .cases
            .iter()
            .filter(|c| !c.passed())
            .map(|c| c.id.as_str())
            .collect();
        let unlisted: Vec<&&str> = failing
            .iter()
            .filter(|id| !known.iter().any(|k| k == *id))
            .collect();
        assert!(
            unlisted.is_empty(),
            "{file}: failing cases not in KNOWN-DISAGREEMENTS.md: {unlisted:?}\n{}",
            report.render_text()
        );
        // A listed case of this file that passes now should leave the list.
        let fixed: Vec<&String> = known
            .iter()
            .filter(|k| report.cases.iter().any(|c| &c.id == *k && c.passed()))
            .collect();
        assert!(
            fixed.is_empty(),
            "{file}: listed as known disagreements but passing now: {fixed:?}"
        );
    }
}

#[test]
fn underlying_condition_cases_stay_at_or_above_the_reached_rate() {
    let report = run("underlying-conditions-v4.6.csv");
    println!(
        "underlying conditions v4.6: {} passed, {} failed",
        report.passed, report.failed
    );
    assert_eq!(report.passed + report.failed, 228);
    const FLOOR: f64 = 0.921; // 210 of 228 reached
    assert!(
        report.pass_rate() >= FLOOR,
        "underlying-conditions pass rate fell to {:.4} (floor {FLOOR}):\n{}",
        report.pass_rate(),
        report.render_text()
    );
}

#[test]
fn the_text_report_ends_with_the_pass_fail_line_and_json_round_trips() {
    let report = run("healthy-v4.45.csv");
    let text = report.render_text();
    let last = text.lines().last().unwrap();
    assert_eq!(
        last,
        format!("{} passed, {} failed", report.passed, report.failed)
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["passed"], report.passed);
    assert!(json["groups"]["DTAP"]["passed"].as_u64().unwrap() > 0);
}
