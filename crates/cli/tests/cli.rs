//! End-to-end: the `shotbook` binary generates a small registry into a file, benchmarks and
//! searches it, measures the matcher and runs the CDC cases.

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
    assert_eq!(report["mixes"].as_array().unwrap().len(), 7);

    // `shotbook search`: the first generated record by its client ID, then by a Smart search
    // with its surname mistyped.
    let search = |args: &[&str]| -> Vec<serde_json::Value> {
        let out = shotbook()
            .args(["search", "--db", db_arg])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let by_id = search(&["1000104729"]);
    assert_eq!(by_id.len(), 1, "{by_id:?}");
    let (last, first) = by_id[0]["name"].as_str().unwrap().split_once(", ").unwrap();
    let first = first.split(' ').next().unwrap();
    let mut typo: Vec<char> = last.chars().collect();
    let at = typo.len() - 1;
    typo[at] = if typo[at] == 'q' { 'x' } else { 'q' };
    let typo: String = typo.into_iter().collect();
    let dob = by_id[0]["dob"].as_str().unwrap();
    let smart = search(&["--smart", &format!("{typo}, {first}"), dob]);
    assert_eq!(smart[0]["id"], by_id[0]["id"], "{smart:?}");
    assert!(smart[0]["score"].as_f64().unwrap() >= 12.0, "{smart:?}");
    assert!(
        smart[0]["reasons"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("DOB exact")),
        "{smart:?}"
    );
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

fn matching_data(file: &str) -> String {
    format!(
        "{}/../../../shared/data/matching/{file}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn match_eval(args: &[&str]) -> serde_json::Value {
    let out = shotbook()
        .arg("match-eval")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn match_eval_finds_wic_clients_in_the_ssa_birth_file() {
    let r = match_eval(&[
        "--query",
        &matching_data("pp_wic.csv"),
        "--master",
        &matching_data("pp_ssa_births.csv"),
        "--key",
        "simulant_id",
    ]);
    let f = |k: &str| r[k].as_f64().unwrap();
    assert_eq!(r["queries"], 3092, "{r}");
    assert_eq!(r["queries_not_in_master"], 94, "{r}");
    // Measured: precision 0.9976, recall 0.9860, F1 0.9918, recall@1 0.9923, false "found"
    // 3 of 94 (splink on the same task: F1 0.994, recall@1 0.992).
    assert!(f("f1") >= 0.990, "{r}");
    assert!(f("recall_at_1") >= 0.991, "{r}");
    assert!(f("precision") >= 0.996, "{r}");
    assert!(f("false_found_rate") <= 0.04, "{r}");
}

#[test]
fn match_eval_deduplicates_a_febrl_file_against_itself_with_a_links_file_too() {
    let febrl = matching_data("febrl1.csv");
    let by_key = match_eval(&["--query", &febrl, "--master", &febrl, "--key", "entity_id"]);
    // A record never matches itself, so the right answer is its duplicate.
    // Measured: recall@1 0.992, precision 1.0.
    assert!(by_key["recall_at_1"].as_f64().unwrap() >= 0.98, "{by_key}");
    assert!(by_key["precision"].as_f64().unwrap() >= 0.99, "{by_key}");

    let dir = std::env::temp_dir().join(format!("shotbook-cli-links-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let links = dir.join("links.csv");
    let text = std::fs::read_to_string(&febrl).unwrap();
    let mut out = String::from("query_id,master_id\n");
    for line in text.lines().skip(1) {
        let id = line.split(',').next().unwrap();
        if let Some((n, _)) = id.strip_prefix("rec-").and_then(|r| r.split_once("-dup-")) {
            out.push_str(&format!("{id},rec-{n}-org\n"));
        }
    }
    std::fs::write(&links, out).unwrap();
    let by_links = match_eval(&[
        "--query",
        &febrl,
        "--master",
        &febrl,
        "--links",
        links.to_str().unwrap(),
    ]);
    assert_eq!(
        by_links["queries_in_master"], by_key["queries_in_master"],
        "{by_links}"
    );
    assert_eq!(
        by_links["true_positives"], by_key["true_positives"],
        "{by_links}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn unsigned_reads_refuse_a_real_registry_and_backup_copies_it() {
    let (db, dir) = temp_db("real");
    let db_arg = db.to_str().unwrap();
    // A real registry: no synthetic clients. `backup` creates nothing but a copy, and opening
    // the original through it creates the schema.
    let copy = dir.join("copy.sqlite");
    let out = shotbook()
        .args(["backup", "--db", db_arg, "--out", copy.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success(), "no database yet: refused");
    std::fs::File::create(&db).unwrap();
    let out = shotbook()
        .args(["backup", "--db", db_arg, "--out", copy.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(copy.exists());
    for args in [
        vec!["search", "--db", db_arg, "garcia"],
        vec!["forecast", "--client", "1000000001", "--db", db_arg],
        vec!["forecast-registry", "--db", db_arg],
    ] {
        let out = shotbook().args(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?} must be refused");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("synthetic"), "{args:?}: {err}");
    }
    std::fs::remove_dir_all(dir).ok();
}
