//! `shotbook bench coverage`: an organization's coverage report, run as a signed-in user through
//! the same api function as the app (permission, scope, audit). Prints counts and seconds, never
//! client data.

use std::time::Instant;

use serde::Serialize;
use shotbook_api::dto::CoverageRequest;
use shotbook_api::reports;

use crate::args::BenchCoverageArgs;
use crate::print_record::{explain, signed_in};

#[derive(Debug, Serialize)]
struct ReportsBench {
    clients_in_range: i32,
    coverage_rows: usize,
    missed_listed: usize,
    missed_total: i32,
    coverage_seconds: Vec<f64>,
}

/// Runs the coverage report `--runs` times over the birth range and prints each run's time.
pub async fn run(args: BenchCoverageArgs) -> anyhow::Result<()> {
    let ctx = signed_in(&args.db, &args.sign_in).await?;
    let request = || CoverageRequest {
        born_from: args.born_from.clone(),
        born_to: args.born_to.clone(),
        as_of: args.as_of.clone(),
    };
    let mut seconds = Vec::with_capacity(args.runs);
    let mut last = None;
    for _ in 0..args.runs.max(1) {
        let started = Instant::now();
        let view = reports::coverage_report(&ctx, request())
            .await
            .map_err(explain)?;
        seconds.push(started.elapsed().as_secs_f64());
        last = Some(view);
    }
    let view = last.expect("at least one run");
    ctx.store().pool().close().await;
    let report = ReportsBench {
        clients_in_range: view.clients,
        coverage_rows: view.rows.len(),
        missed_listed: view.missed.len(),
        missed_total: view.missed_total,
        coverage_seconds: seconds,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "coverage report of {} client(s) born {} to {}: {} rows, {} missed opportunities ({} listed)",
            report.clients_in_range,
            view.born_from,
            view.born_to,
            report.coverage_rows,
            report.missed_total,
            report.missed_listed
        );
        for (i, s) in report.coverage_seconds.iter().enumerate() {
            println!("  run {}: {:.2} s", i + 1, s);
        }
    }
    Ok(())
}
