//! End-to-end: the `shotbook` binary generates a small registry into a file and benchmarks it.

use std::path::PathBuf;
use std::process::Command;

fn shotbook() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shotbook"))
}

fn temp_db(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("shotbook-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    (dir.join("registry.sqlite"), dir)
}

#[test]
fn generate_writes_a_file_refuses_to_overwrite_it_and_bench_reads_it() {
    let (db, dir) = temp_db("smoke");
    let db_arg = db.to_str().unwrap();
    let generate = |extra: &[&str]| {
        shotbook()
            .args([
                "generate",
                "--clients",
                "200",
                "--seed",
                "3",
                "--today",
                "2026-11-22",
                "--db",
                db_arg,
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = generate(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Generated 200 clients"), "{stdout}");

    let again = generate(&[]);
    assert!(
        !again.status.success(),
        "an existing file is refused without --append/--force"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));

    let appended = generate(&["--append"]);
    assert!(
        appended.status.success(),
        "{}",
        String::from_utf8_lossy(&appended.stderr)
    );
    assert!(String::from_utf8_lossy(&appended.stdout).contains("Appended after 200"));

    let forced = generate(&["--force"]);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );

    let bench = shotbook()
        .args([
            "bench",
            "search",
            "--db",
            db_arg,
            "--queries",
            "30",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        bench.status.success(),
        "{}",
        String::from_utf8_lossy(&bench.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&bench.stdout).unwrap();
    assert_eq!(report["clients"], 200, "--force replaced the appended file");
    assert_eq!(report["mixes"].as_array().unwrap().len(), 3);
    std::fs::remove_dir_all(dir).ok();
}

fn cdsi_cases_dir() -> PathBuf {
    std::env::var_os("SHOTBOOK_CDSI_CASES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/cdsi/test-cases")
        })
}

#[test]
fn forecast_runs_a_cdc_case_file_and_exits_non_zero_when_a_case_fails() {
    let healthy = std::fs::read_to_string(cdsi_cases_dir().join("healthy-v4.45.csv")).unwrap();
    let (_, dir) = temp_db("cdsi");
    // The header and the first lines, as they are: every case in them must pass.
    let sample: String = healthy.lines().take(21).map(|l| format!("{l}\n")).collect();
    let good = dir.join("sample.csv");
    std::fs::write(&good, &sample).unwrap();
    let out = shotbook()
        .args(["forecast", "--cdsi-cases", good.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last.ends_with(" passed, 0 failed") && !last.starts_with("0 "),
        "{text}"
    );

    // The same cases with the first case's expected series status altered: it must fail.
    let first_case = sample.lines().nth(1).unwrap();
    assert!(first_case.contains(",Not complete,"), "{first_case}");
    let altered = sample.replacen(",Not complete,", ",Complete,", 1);
    let bad = dir.join("altered.csv");
    std::fs::write(&bad, altered).unwrap();
    let out = shotbook()
        .args(["forecast", "--cdsi-cases", bad.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["failed"], 1, "{report}");
    std::fs::remove_dir_all(dir).ok();
}
