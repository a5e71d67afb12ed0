//! # shotbook (command line)
//!
//! Developer and operator tools that run without the desktop app: generating synthetic
//! registries (`shotbook generate`), benchmarking them (`shotbook bench search`, `bench print`),
//! searching them (`shotbook search`), measuring the matcher (`shotbook match-eval`),
//! training the matcher on a registry and deduplicating it (`shotbook train-matcher`,
//! `shotbook dedup`), running the
//! CDC CDSi forecaster on one client or the whole registry (`shotbook forecast`,
//! `shotbook forecast-registry`), and printing and verifying the Official
//! Immunization Record (`shotbook print-record`, `shotbook verify`). Each subcommand lives in its
//! own module; this file only parses arguments and dispatches. Only `shotbook search` (audited)
//! and `shotbook verify` (the facts the record's own code carries) print client names and dates
//! of birth; logs and errors never do.

mod args;
mod bench;
mod bench_at_rest;
mod bench_coverage;
mod bench_recall;
mod database;
mod dedup;
mod forecast;
mod forecast_registry;
mod generate;
mod interrupt;
mod match_eval;
mod print_record;
mod search;
mod train_matcher;

use clap::Parser;

use crate::args::{BenchCommand, Cli, Command};

// Bulk loading allocates and frees millions of short strings across threads (sqlx copies every
// bound value to its worker); mimalloc does that markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Generate(a) => generate::run(a).await,
        Command::Forecast(a) => forecast::run(a).await,
        Command::ForecastRegistry(a) => forecast_registry::run(a).await,
        Command::MatchEval(a) => match_eval::run(a).await,
        Command::Search(a) => search::run(a).await,
        Command::PrintRecord(a) => print_record::print(a).await,
        Command::Verify(a) => print_record::verify(a),
        Command::Backup(a) => backup(a).await,
        Command::Dedup(a) => dedup::run(a).await,
        Command::TrainMatcher(a) => train_matcher::run(a).await,
        Command::Bench {
            what: BenchCommand::Search(a),
        } => bench::search(a).await,
        Command::Bench {
            what: BenchCommand::Print(a),
        } => print_record::bench(a).await,
        Command::Bench {
            what: BenchCommand::AtRest(a),
        } => bench_at_rest::run(a).await,
        Command::Bench {
            what: BenchCommand::Coverage(a),
        } => bench_coverage::run(a).await,
        Command::Bench {
            what: BenchCommand::Recall(a),
        } => bench_recall::run(a).await,
    }
}

/// `shotbook backup`: opens the database (which checks it), copies it encrypted with the same
/// key, and opens the copy to prove it.
async fn backup(args: args::BackupArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.db.exists(), "no database at {}", args.db.display());
    let store = crate::database::open(&args.db).await?;
    let started = std::time::Instant::now();
    let bytes = store.backup_to(&args.out).await?;
    eprintln!(
        "backed up to {} ({:.1} MB, {:.2} s); the copy is encrypted with the same key and passes the integrity checks",
        args.out.display(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    // Closed before the process exits, as the other commands do: connection threads still
    // closing while the process tears down its libraries crashed the exit ("double free").
    store.pool().close().await;
    Ok(())
}
