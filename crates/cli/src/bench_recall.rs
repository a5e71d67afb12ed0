//! `shotbook bench recall`: reminder/recall run as a signed-in provider through the same api
//! functions as the app (permission, exclusions, audit, stamp): the preview, then "Create
//! notices" for the same cohort (forced, so a second run on the same database notifies the
//! same clients). Prints counts, seconds and file sizes, never client data.

use std::time::Instant;

use shotbook_api::dto::{CreateRemindersRequest, RecallRequest};
use shotbook_api::recall;

use crate::args::BenchRecallArgs;
use crate::print_record::{explain, signed_in};

/// Times the preview and the run, and prints what was made.
pub async fn run(args: BenchRecallArgs) -> anyhow::Result<()> {
    let ctx = signed_in(&args.db, &args.sign_in).await?;
    std::fs::create_dir_all(&args.out_dir)?;
    let criteria = RecallRequest {
        born_from: args.born_from.clone(),
        born_to: args.born_to.clone(),
        as_of: args.as_of.clone(),
        window: "due_or_overdue".into(),
        method: "mail".into(),
        force: true,
        ..Default::default()
    };
    let started = Instant::now();
    let preview = recall::reminder_preview(&ctx, criteria.clone())
        .await
        .map_err(explain)?;
    let preview_seconds = started.elapsed().as_secs_f64();
    println!(
        "cohort born {} to {}: {} client(s), {} not due, {} excluded, {} to notify",
        preview.born_from,
        preview.born_to,
        preview.candidates,
        preview.not_due,
        preview.excluded.iter().map(|e| e.count).sum::<i32>(),
        preview.to_notify
    );
    println!("  preview (forecast every client, exclusions, audit): {preview_seconds:.2} s");
    let started = Instant::now();
    let run = recall::create_reminders(
        &ctx,
        CreateRemindersRequest {
            criteria,
            outputs: args
                .outputs
                .split(',')
                .map(|o| o.trim().to_string())
                .collect(),
        },
        &args.out_dir,
    )
    .await
    .map_err(explain)?;
    let run_seconds = started.elapsed().as_secs_f64();
    ctx.store().pool().close().await;
    println!(
        "  create notices (select again, draw, write, stamp {} notice(s)): {run_seconds:.2} s",
        run.notices
    );
    for file in &run.files {
        let bytes = std::fs::metadata(args.out_dir.join(file))?.len();
        println!("    {file}: {:.1} MB", bytes as f64 / 1_000_000.0);
    }
    Ok(())
}
