//! `shotbook train-matcher`: trains the Fellegi–Sunter matcher on the registry's own clients
//! (unsupervised: the records alone, never a label) and stores it with the registry, where
//! Smart search and the deduplication job find it. Prints the training summary and each
//! field's level weights — no client data.

use std::time::Instant;

use shotbook_core::matching::fs::TrainOptions;
use shotbook_store::match_models;

use crate::args::TrainMatcherArgs;

/// Runs the command.
pub async fn run(args: TrainMatcherArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.db.exists(), "no database at {}", args.db.display());
    let store = crate::database::open(&args.db).await?;
    let options = TrainOptions {
        max_queries: args.max_queries,
        ..TrainOptions::default()
    };
    let started = Instant::now();
    let (model, clients) = match_models::train(&store, &options).await?;
    let elapsed = started.elapsed();
    let t = &model.training;
    println!(
        "trained on {clients} clients in {:.1} s: {} candidate pairs, {} random pairs, {} EM iterations ({}), λ {:.3e}, {:.0} expected duplicate pairs",
        elapsed.as_secs_f64(),
        t.candidate_pairs,
        t.random_pairs,
        t.iterations,
        if t.converged { "converged" } else { "not converged" },
        model.lambda,
        t.expected_matches
    );
    for field in &model.fields {
        let levels: Vec<String> = field
            .levels
            .iter()
            .map(|l| format!("{} {:+.1}", l.level, l.weight()))
            .collect();
        println!("  {}: {}", field.field, levels.join(", "));
    }
    if args.dry_run {
        println!("not stored (dry run)");
        return Ok(());
    }
    let id = match_models::save(&store, &model, clients, time::OffsetDateTime::now_utc()).await?;
    println!("stored as model {id}: Smart search and shotbook dedup now score with it");
    Ok(())
}
