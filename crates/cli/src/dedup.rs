//! `shotbook dedup`: the registry-wide deduplication job (`shotbook_store::dedup`) from the
//! command line, with a progress bar, Ctrl-C to stop scoring early (what was found so far is
//! still queued), and counts at the end — never a client's name or date of birth.
//!
//! Automatic merges (`--auto-merge-above P`, off unless given) go through the merge use case as
//! the signed-in user: the same checks and audit as a supervisor's merge, each undoable. On a
//! generated registry (`shotbook generate`) the counts include precision and recall against the
//! planted duplicates (`synthetic_truth`).

use std::collections::HashMap;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use shotbook_core::matching::dedup::DedupOptions;
use shotbook_core::matching::fs::{thresholds, FsModel};
use shotbook_store::dedup::{self, DedupReport};
use shotbook_store::match_models::{self, ModelSource};
use shotbook_store::Store;
use shotbook_usecases::need;

use crate::args::{DedupArgs, SignInArgs};
use crate::print_record::{explain, signed_in};

/// The model the registry's pairs are scored with: the stored one, else one trained for this
/// run (see [`match_models::for_deduplication`]).
pub async fn model_for(store: &Store) -> anyhow::Result<(FsModel, &'static str)> {
    let (model, source) = match_models::for_deduplication(store).await?;
    Ok(match source {
        ModelSource::Stored => (model, "the model stored with this registry"),
        ModelSource::TrainedForThisRun => (
            model,
            "a model trained on this registry for this run (not stored: shotbook train-matcher stores one)",
        ),
    })
}

/// Peak resident memory of this process (VmHWM), in MB, where /proc says.
pub fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Precision and recall of the pairs at or above `at` against `synthetic_truth`, when the
/// registry has one: (true pairs, found, right).
pub async fn against_truth(
    store: &Store,
    report: &DedupReport,
    at: f64,
) -> anyhow::Result<Option<(u64, u64, u64)>> {
    let rows: Vec<(String, i64)> =
        shotbook_store::sqlx::query_as("SELECT client_id, person_key FROM synthetic_truth")
            .fetch_all(store.pool())
            .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let person: HashMap<String, i64> = rows.into_iter().collect();
    let key = |i: u32| person.get(&report.ids[i as usize].to_string()).copied();
    let mut per_person: HashMap<i64, u64> = HashMap::new();
    for id in &report.ids {
        if let Some(k) = person.get(&id.to_string()) {
            *per_person.entry(*k).or_default() += 1;
        }
    }
    let truth: u64 = per_person.values().map(|n| n * (n - 1) / 2).sum();
    let (mut found, mut right) = (0u64, 0u64);
    for pair in report.outcome.clusters.iter().flat_map(|c| &c.pairs) {
        if pair.verdict.probability < at {
            continue;
        }
        found += 1;
        if key(pair.a).is_some() && key(pair.a) == key(pair.b) {
            right += 1;
        }
    }
    Ok(Some((truth, found, right)))
}

/// Of the proposed automatic merges, how many join two different people of
/// `synthetic_truth`: (proposed, wrong).
async fn wrong_merges(store: &Store, report: &DedupReport) -> anyhow::Result<(u64, u64)> {
    let rows: Vec<(String, i64)> =
        shotbook_store::sqlx::query_as("SELECT client_id, person_key FROM synthetic_truth")
            .fetch_all(store.pool())
            .await?;
    let person: HashMap<String, i64> = rows.into_iter().collect();
    let key = |id: &shotbook_core::ids::ClientId| person.get(&id.to_string()).copied();
    let wrong = report
        .proposed_merges
        .iter()
        .filter(|m| key(&m.survivor).is_none() || key(&m.survivor) != key(&m.merged))
        .count();
    Ok((report.proposed_merges.len() as u64, wrong as u64))
}

/// Runs the command.
pub async fn run(args: DedupArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.db.exists(), "no database at {}", args.db.display());
    if let Some(p) = args.auto_merge_above {
        anyhow::ensure!(
            (thresholds::SAME_PERSON..=1.0).contains(&p),
            "--auto-merge-above takes a probability from {} to 1 (a very high bar: 0.9999 is typical)",
            thresholds::SAME_PERSON
        );
    }
    // Sign in first, so a wrong password stops the job before it scores anything.
    let merger = match (&args.auto_merge_above, &args.org, &args.user) {
        (Some(_), Some(org), Some(user)) => Some(
            signed_in(
                &args.db,
                &SignInArgs {
                    org: org.clone(),
                    user: user.clone(),
                    demo_key: false,
                },
            )
            .await?,
        ),
        _ => None,
    };
    let store = crate::database::open(&args.db).await?;
    let started = Instant::now();
    let (model, which) = model_for(&store).await?;
    let model_time = started.elapsed();
    println!("model: {which} ({:.1} s)", model_time.as_secs_f64());
    let options = DedupOptions {
        block_cap: args.block_cap,
        auto_merge_at: args.auto_merge_above,
        ..DedupOptions::default()
    };
    let cancel = crate::interrupt::cancel_flag_on_ctrl_c(
        "stopping after the records in progress; what was found is still queued",
    );
    let bar = ProgressBar::new(0);
    bar.set_style(ProgressStyle::with_template(
        "{bar:40} {pos}/{len} records scored ({per_sec}, {eta} left)",
    )?);
    let report = dedup::run(
        &store,
        &model,
        &options,
        args.dry_run,
        &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
        &cancel,
        time::OffsetDateTime::now_utc(),
    )
    .await?;
    bar.finish_and_clear();

    let mut merged = 0u64;
    let mut merge_refused = 0u64;
    if let (Some(ctx), Some(bar_p)) = (&merger, args.auto_merge_above) {
        let (permit, _) = ctx.permit::<need::MergeClients>().await.map_err(explain)?;
        for m in &report.proposed_merges {
            let Some(pair) = &m.pair_id else { continue };
            match shotbook_usecases::duplicates::auto_merge(
                ctx.store(),
                &permit,
                ctx.clock(),
                pair,
                m.survivor,
                m.probability,
                bar_p,
            )
            .await
            {
                Ok(_) => merged += 1,
                // Left in the queue for a person (consent differs, no full access …).
                Err(_) => merge_refused += 1,
            }
        }
    }
    let elapsed = started.elapsed();
    print_report(
        &report,
        args.dry_run,
        (merged, merge_refused),
        elapsed,
        model_time,
    );
    if let Some((truth, found, right)) = against_truth(&store, &report, thresholds::LIKELY).await? {
        let precision = right as f64 / (found.max(1)) as f64;
        let recall = right as f64 / (truth.max(1)) as f64;
        println!(
            "against synthetic_truth (pairs at probability ≥ {}): {truth} true pairs, {found} found, {right} right; precision {precision:.4}, recall {recall:.4}",
            thresholds::LIKELY
        );
        if !report.proposed_merges.is_empty() {
            let (proposed, wrong) = wrong_merges(&store, &report).await?;
            println!("automatic merges proposed: {proposed}, of two different people: {wrong}");
        }
    }
    Ok(())
}

fn print_report(
    report: &DedupReport,
    dry_run: bool,
    (merged, merge_refused): (u64, u64),
    elapsed: std::time::Duration,
    model_time: std::time::Duration,
) {
    let o = &report.outcome;
    let in_three_or_more = o.clusters.iter().filter(|c| c.members.len() >= 3).count();
    println!(
        "records: {} (scored {}{})",
        o.records,
        o.records_done,
        if o.cancelled { ", stopped early" } else { "" }
    );
    println!("pairs scored: {}", o.pairs_scored);
    println!(
        "oversized blocks skipped (per record): {}",
        o.oversized_lookups
    );
    println!(
        "clusters: {} ({} of three or more records)",
        o.clusters.len(),
        in_three_or_more
    );
    println!("pairs listed: {}", report.pairs_listed);
    if dry_run {
        println!("queued: none (dry run)");
    } else {
        println!(
            "queued: {} new, {} already open, {} resolved before (not queued again)",
            report.queued, report.already_open, report.already_resolved
        );
    }
    println!(
        "automatic merges: {} proposed, {} merged, {} left for review",
        report.proposed_merges.len(),
        merged,
        merge_refused
    );
    println!(
        "elapsed: {:.1} s (model {:.1} s, reading {:.1} s, scoring {:.1} s, queueing {:.1} s, merging the rest)",
        elapsed.as_secs_f64(),
        model_time.as_secs_f64(),
        report.load_time.as_secs_f64(),
        report.score_time.as_secs_f64(),
        report.queue_time.as_secs_f64()
    );
    match peak_memory_mb() {
        Some(mb) => println!("peak memory (VmHWM): {mb:.0} MB"),
        None => println!("peak memory: not available on this system"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    /// The job on the demo generator's registry (as the duplicate scan's quality test,
    /// d7a4a68): its planted near-duplicates (typos, nicknames, swapped day and month,
    /// hyphenated surnames) are found, and few others.
    #[tokio::test]
    async fn the_job_finds_the_generators_planted_duplicates() {
        let store = Store::open_in_memory().await.unwrap();
        shotbook_synth::demo::seed_demo_registry(
            &store,
            3_000,
            time::macros::datetime!(2026-11-22 9:00 UTC),
        )
        .await
        .unwrap();
        let (model, _) = model_for(&store).await.unwrap();
        let report = dedup::run(
            &store,
            &model,
            &DedupOptions::default(),
            false,
            &|_, _| {},
            &AtomicBool::new(false),
            time::macros::datetime!(2026-11-22 9:00 UTC),
        )
        .await
        .unwrap();
        let (truth, found, right) = against_truth(&store, &report, thresholds::LIKELY)
            .await
            .unwrap()
            .expect("a generated registry has its truth");
        let (precision, recall) = (right as f64 / found as f64, right as f64 / truth as f64);
        eprintln!("dedup job, 3,000 generated clients: {truth} true pairs, {found} found, {right} right; precision {precision:.3}, recall {recall:.3}");
        assert!(truth >= 50, "the generator planted duplicates ({truth})");
        assert!(precision >= 0.95, "precision {precision:.3}");
        assert!(recall >= 0.95, "recall {recall:.3}");
        assert_eq!(
            report.queued, report.pairs_listed,
            "a fresh queue takes every listed pair"
        );
    }
}
