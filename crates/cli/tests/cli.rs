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
