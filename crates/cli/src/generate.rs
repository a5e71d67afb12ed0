//! `shotbook generate`: a synthetic registry in a database file, with a progress bar.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use shotbook_synth::generate::{generate_into, GenerateOptions};
use time::OffsetDateTime;

use crate::args::GenerateArgs;

/// Runs the command.
pub async fn run(args: GenerateArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.clients > 0, "--clients must be at least 1");
    anyhow::ensure!(
        (0.0..=0.5).contains(&args.duplicates),
        "--duplicates must be between 0 and 0.5"
    );
    prepare_file(&args.db, args.append, args.force).await?;
    let today = args
        .today
        .unwrap_or_else(|| OffsetDateTime::now_utc().date());
    let options = GenerateOptions {
        duplicate_share: args.duplicates,
        threads: args.threads,
        ..GenerateOptions::new(args.clients, args.seed, today)
    };

    let store = crate::database::open(&args.db).await?;
    let bar = ProgressBar::new(args.clients);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} clients ({per_sec}, {eta} left)")
            .context("progress bar template")?
            .progress_chars("=> "),
    );
    let started = Instant::now();
    let report = generate_into(&store, &options, |n| bar.set_position(n)).await;
    bar.finish_and_clear();
    let report = report?;
    let elapsed = started.elapsed();
    let size = store.size_bytes().await?;
    store.pool().close().await;
    println!(
        "Generated {} clients ({} near-duplicates) with {} immunizations in {:.1} s into {} ({:.1} MiB).",
        report.clients,
        report.duplicates,
        report.immunizations,
        elapsed.as_secs_f64(),
        args.db.display(),
        size as f64 / (1024.0 * 1024.0)
    );
    if report.first_record > 0 {
        println!(
            "Appended after {} earlier generated records.",
            report.first_record
        );
    }
    Ok(())
}

/// Refuses to touch an existing file unless asked; with `force`, removes it (and its WAL files)
/// only if every client in it was generated.
async fn prepare_file(db: &Path, append: bool, force: bool) -> anyhow::Result<()> {
    if !db.exists() || append {
        return Ok(());
    }
    if !force {
        bail!(
            "{} already exists; pass --append to add to it or --force to replace it",
            db.display()
        );
    }
    let store = crate::database::open(db)
        .await
        .with_context(|| format!("{} is not a Shotbook database", db.display()))?;
    let real = shotbook_store::bulk::non_synthetic_clients(&store).await?;
    store.pool().close().await;
    if real > 0 {
        bail!(
            "{} holds {real} clients that were not generated; refusing to replace it",
            db.display()
        );
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| format!("removing {}", Path::new(&name).display()))
            }
        }
    }
    Ok(())
}
