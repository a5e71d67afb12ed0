//! `shotbook forecast-registry`: the whole-registry forecast job
//! (`shotbook_store::registry_forecast`) from the command line, with a progress bar, Ctrl-C to
//! stop after the page in progress (pages done stay stored, the run is marked cancelled), and
//! counts and timings at the end — never a client's name, date of birth or id.
//!
//! Like `shotbook search` and `forecast --client`, it reads every client's record with no one
//! signed in (no role, consent rule or user stands behind the read), so it runs on synthetic
//! registries only (security review finding 11); a real registry's job belongs to a signed-in
//! host.

use std::sync::atomic::Ordering;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use shotbook_core::date::UsDate;
use shotbook_forecast::{Date, Engine};
use shotbook_store::registry_forecast::{self, JobOptions, RunReport};

use crate::args::ForecastRegistryArgs;
use crate::dedup::peak_memory_mb;

/// Runs the command.
pub async fn run(args: ForecastRegistryArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.db.exists(), "no database at {}", args.db.display());
    let opened = Instant::now();
    let store = crate::database::open(&args.db).await?;
    anyhow::ensure!(
        shotbook_store::bulk::is_synthetic(&store).await?,
        "this command reads client data without signing in, so it only works on synthetic \
         registries (made by `shotbook generate` or the demo); use the app for a real registry"
    );
    let open_time = opened.elapsed();
    let assessment_date = match &args.as_of {
        Some(s) => UsDate::parse(s).with_context(|| format!("--as-of {s} is not MM/DD/YYYY"))?,
        None => UsDate::from_date(time::OffsetDateTime::now_utc().date()),
    };
    let on = Date::parse(&assessment_date.iso()).context("the assessment date")?;
    let mut options = JobOptions::on(on);
    if let Some(n) = args.threads {
        anyhow::ensure!(n >= 1, "--threads takes 1 or more");
        options.threads = n;
    }
    anyhow::ensure!(args.page_size >= 1, "--page-size takes 1 or more");
    options.clients_per_page = args.page_size;

    let engine = Engine::current();
    println!(
        "forecasting as of {assessment_date} (CDSi supporting data {}), {} threads, {} clients per page",
        engine.version().release,
        options.threads,
        options.clients_per_page
    );
    let cancel = crate::interrupt::cancel_flag_on_ctrl_c(
        "stopping after the page in progress; pages done stay stored",
    );
    let bar = ProgressBar::new(0);
    bar.set_style(ProgressStyle::with_template(
        "{bar:40} {pos}/{len} clients forecast ({per_sec}, {eta} left)",
    )?);
    // Without a terminal (a log file, a scheduler) the bar is hidden: a plain line per 5 %.
    let next_line = std::sync::atomic::AtomicU64::new(0);
    let started = Instant::now();
    let report = registry_forecast::run(
        &store,
        &engine,
        &options,
        &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
            if bar.is_hidden() && done >= next_line.load(Ordering::Relaxed) {
                eprintln!(
                    "{done}/{total} clients forecast ({:.0} s)",
                    started.elapsed().as_secs_f64()
                );
                next_line.store(done + (total / 20).max(1), Ordering::Relaxed);
            }
        },
        &cancel,
        time::OffsetDateTime::now_utc(),
    )
    .await?;
    bar.finish_and_clear();
    print_report(&report, started.elapsed(), open_time);
    Ok(())
}

fn print_report(report: &RunReport, elapsed: std::time::Duration, open_time: std::time::Duration) {
    println!(
        "run {}: {}",
        report.run_id,
        if report.cancelled {
            "cancelled (pages done are stored)"
        } else {
            "finished"
        }
    );
    println!(
        "clients: {} forecast of {}{}",
        report.clients_done,
        report.clients_total,
        if report.clients_unreadable > 0 {
            format!(
                ", {} skipped (a stored date does not parse)",
                report.clients_unreadable
            )
        } else {
            String::new()
        }
    );
    println!(
        "rows stored (client × vaccine group): {}",
        report.rows_written
    );
    for (status, n) in &report.rows_by_status {
        println!("  {status:<17} {n}");
    }
    let secs = elapsed.as_secs_f64();
    println!(
        "elapsed: {secs:.1} s ({:.0} clients/s; reading {:.1} s, forecasting {:.1} s, writing {:.1} s); opening and the page check before it {:.1} s",
        (report.clients_done + report.clients_unreadable) as f64 / secs.max(1e-9),
        report.read_time.as_secs_f64(),
        report.forecast_time.as_secs_f64(),
        report.write_time.as_secs_f64(),
        open_time.as_secs_f64(),
    );
    match peak_memory_mb() {
        Some(mb) => println!("peak memory (VmHWM): {mb:.0} MB"),
        None => println!("peak memory: not available on this system"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicBool, Ordering};

    use shotbook_core::ids::{ClientId, ImmunizationId, UserId};
    use shotbook_store::registry_forecast::{forecast_row, ForecastRow};
    use shotbook_store::sqlx;
    use shotbook_store::Store;
    use time::macros::datetime;
    use time::OffsetDateTime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-12-07 9:00 UTC);

    fn on() -> Date {
        Date::parse("2026-12-07").unwrap()
    }

    /// Small pages and two threads, so page boundaries and the split across workers are
    /// exercised on a small registry.
    fn options(clients_per_page: usize) -> JobOptions {
        JobOptions {
            assessment_date: on(),
            threads: 2,
            clients_per_page,
        }
    }

    async fn registry(clients: usize) -> Store {
        let store = Store::open_in_memory().await.unwrap();
        shotbook_synth::demo::seed_demo_registry(&store, clients, NOW)
            .await
            .unwrap();
        store
    }

    async fn run_job(store: &Store, opts: &JobOptions) -> RunReport {
        registry_forecast::run(
            store,
            &Engine::current(),
            opts,
            &|_, _| {},
            &AtomicBool::new(false),
            NOW,
        )
        .await
        .unwrap()
    }

    async fn client_ids(store: &Store) -> Vec<String> {
        sqlx::query_scalar("SELECT id FROM clients ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap()
    }

    async fn row_count(store: &Store) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM client_forecasts")
            .fetch_one(store.pool())
            .await
            .unwrap()
    }

    /// What `shotbook forecast --client` and the app compute for the client, as stored rows.
    async fn one_client_forecast(store: &Store, id: &str, run_id: i64) -> Vec<ForecastRow> {
        let client_id: ClientId = id.parse().unwrap();
        let record = shotbook_store::clients::get(store, client_id)
            .await
            .unwrap();
        let doses = shotbook_store::immunizations::for_client(store, client_id)
            .await
            .unwrap();
        let comments = shotbook_store::demographics::comments(store, client_id)
            .await
            .unwrap();
        let (patient, _) =
            shotbook_store::forecast_input::patient_of(&record, &doses, &comments, on()).unwrap();
        let assessment = Engine::current().evaluate(&patient, on());
        let mut rows: Vec<ForecastRow> = assessment
            .rows()
            .iter()
            .map(|r| {
                forecast_row(
                    id,
                    r,
                    on(),
                    &assessment.data_release,
                    &shotbook_store::timestamp(NOW),
                    Some(run_id),
                )
            })
            .collect();
        rows.sort_by(|a, b| a.vaccine_group.cmp(&b.vaccine_group));
        rows
    }

    #[tokio::test]
    async fn the_stored_forecast_equals_the_one_client_forecast() {
        let store = registry(60).await;
        let report = run_job(&store, &options(7)).await;
        let ids = client_ids(&store).await;
        assert_eq!(report.clients_total, ids.len() as u64);
        assert_eq!(
            report.clients_done,
            ids.len() as u64,
            "every client forecast"
        );
        assert!(!report.cancelled);
        let mut with_doses = 0;
        for id in &ids {
            let expected = one_client_forecast(&store, id, report.run_id).await;
            let stored = registry_forecast::for_client(&store, id).await.unwrap();
            assert!(!stored.is_empty(), "every client has rows");
            assert_eq!(
                stored, expected,
                "the stored rows are the one-client forecast"
            );
            if stored.iter().any(|r| r.status == "complete") {
                with_doses += 1;
            }
        }
        assert!(
            with_doses > ids.len() / 2,
            "the comparison covers clients with histories ({with_doses} of {})",
            ids.len()
        );
        let run = registry_forecast::latest_run(&store)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(run.status, "finished");
        assert_eq!(run.clients_done, ids.len() as i64);
        assert_eq!(run.assessment_date, "2026-12-07");
        assert!(run.finished_at.is_some());
    }

    #[tokio::test]
    async fn a_rerun_replaces_each_clients_rows_and_drops_clients_merged_away() {
        let store = registry(40).await;
        let first = run_job(&store, &options(6)).await;
        let rows = row_count(&store).await;
        assert_eq!(rows as u64, first.rows_written);

        // Merged away since the first run: its rows are no longer the registry's forecast.
        let ids = client_ids(&store).await;
        let (merged, survivor) = (&ids[ids.len() - 1], &ids[0]);
        sqlx::query("UPDATE clients SET merged_into = ?1 WHERE id = ?2")
            .bind(survivor)
            .bind(merged)
            .execute(store.pool())
            .await
            .unwrap();
        let merged_rows = registry_forecast::for_client(&store, merged)
            .await
            .unwrap()
            .len() as i64;
        assert!(merged_rows > 0);

        // A different page size moves the page boundaries: rows must still be replaced.
        let second = run_job(&store, &options(9)).await;
        assert_eq!(second.clients_done, first.clients_done - 1);
        assert_eq!(
            row_count(&store).await,
            rows - merged_rows,
            "no duplicates, and the merged record's rows are gone"
        );
        let runs: HashSet<Option<i64>> =
            sqlx::query_scalar("SELECT DISTINCT run_id FROM client_forecasts")
                .fetch_all(store.pool())
                .await
                .unwrap()
                .into_iter()
                .collect();
        assert_eq!(
            runs,
            HashSet::from([Some(second.run_id)]),
            "every row is the rerun's"
        );
    }

    #[tokio::test]
    async fn cancelling_keeps_the_pages_done_and_marks_the_run_cancelled() {
        let store = registry(40).await;
        let cancel = AtomicBool::new(false);
        // Cancelled as the first page is committed. The second page is already being forecast
        // by then: it is finished and committed, and no third page is read.
        let report = registry_forecast::run(
            &store,
            &Engine::current(),
            &options(10),
            &|_, _| cancel.store(true, Ordering::Relaxed),
            &cancel,
            NOW,
        )
        .await
        .unwrap();
        assert!(report.cancelled);
        assert_eq!(report.clients_done, 20, "two pages of ten");
        let forecast_clients: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT client_id FROM client_forecasts ORDER BY 1")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert_eq!(
            forecast_clients,
            client_ids(&store).await[..20].to_vec(),
            "the committed pages stay stored, and nothing after them"
        );
        let run = registry_forecast::latest_run(&store)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(run.status, "cancelled");
        assert_eq!(run.clients_done, 20);
        assert!(run.clients_total > 20);
        assert!(run.finished_at.is_some());
    }

    /// The job reads coded comments as the one-client forecast does: in force (CDSi
    /// observations), ended and not yet in force (left out). The comparison must cover a
    /// comment that changes a forecast, or it would pass with comments dropped.
    #[tokio::test]
    async fn coded_comments_count_as_in_the_one_client_forecast() {
        use shotbook_core::demographics::{comment_code, Comment};
        use shotbook_core::ids::OrganizationId;

        let store = registry(12).await;
        let first = run_job(&store, &options(5)).await;
        let ids = client_ids(&store).await;
        let mut without_comments = Vec::new();
        for id in &ids {
            without_comments.push(registry_forecast::for_client(&store, id).await.unwrap());
        }
        let user: String = sqlx::query_scalar("SELECT id FROM users LIMIT 1")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let org: String = sqlx::query_scalar("SELECT id FROM organizations LIMIT 1")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let comment = |code: &str, from: &str, until: Option<&str>| Comment {
            code: *comment_code(code).expect("a comment code"),
            applies_from: UsDate::parse(from).unwrap(),
            applies_until: until.map(|u| UsDate::parse(u).unwrap()),
            text: None,
        };
        let comments = [
            comment("immunity_varicella", "01/01/2026", None),
            comment("condition_asplenia", "01/01/2020", Some("06/30/2026")),
            comment("immunity_measles", "01/01/2027", None),
        ];
        let mut work = store.begin().await.unwrap();
        for id in &ids {
            for c in &comments {
                shotbook_store::demographics::add_comment_in_tx(
                    &mut work,
                    id.parse::<ClientId>().unwrap(),
                    c,
                    user.parse::<UserId>().unwrap(),
                    org.parse::<OrganizationId>().unwrap(),
                    NOW,
                )
                .await
                .unwrap();
            }
        }
        work.commit().await.unwrap();

        let second = run_job(&store, &options(5)).await;
        assert_ne!(first.run_id, second.run_id);
        let mut changed = 0;
        for (id, before) in ids.iter().zip(without_comments) {
            let expected = one_client_forecast(&store, id, second.run_id).await;
            let stored = registry_forecast::for_client(&store, id).await.unwrap();
            assert_eq!(
                stored, expected,
                "the stored rows are the one-client forecast"
            );
            let outcome = |rows: &[ForecastRow]| {
                rows.iter()
                    .map(|r| {
                        (
                            r.vaccine_group.clone(),
                            r.status.clone(),
                            r.recommended.clone(),
                        )
                    })
                    .collect::<Vec<_>>()
            };
            if outcome(&stored) != outcome(&before) {
                changed += 1;
            }
        }
        assert!(
            changed > 0,
            "the comment in force changes some client's forecast"
        );
    }

    /// Finds a dose whose removal changes its client's forecast, voids it, and checks the job
    /// forecasts the client without it.
    #[tokio::test]
    async fn a_voided_dose_is_not_counted() {
        let store = registry(30).await;
        let engine = Engine::current();
        let mut chosen = None;
        'search: for id in client_ids(&store).await {
            let client_id: ClientId = id.parse().unwrap();
            let record = shotbook_store::clients::get(&store, client_id)
                .await
                .unwrap();
            let doses = shotbook_store::immunizations::for_client(&store, client_id)
                .await
                .unwrap();
            let comments = shotbook_store::demographics::comments(&store, client_id)
                .await
                .unwrap();
            let forecast = |doses: &[shotbook_store::immunizations::ImmunizationRow]| {
                let (patient, _) =
                    shotbook_store::forecast_input::patient_of(&record, doses, &comments, on())
                        .unwrap();
                engine.evaluate(&patient, on()).rows()
            };
            let with_all = format!("{:?}", forecast(&doses));
            for (i, dose) in doses.iter().enumerate() {
                let mut without = doses.clone();
                without.remove(i);
                let without_it = forecast(&without);
                if format!("{without_it:?}") != with_all {
                    chosen = Some((id.clone(), dose.id.clone(), without_it));
                    break 'search;
                }
            }
        }
        let (client, dose, expected) = chosen.expect("some dose changes some client's forecast");
        let user: String = sqlx::query_scalar("SELECT id FROM users LIMIT 1")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let mut work = store.begin().await.unwrap();
        shotbook_store::immunizations::void_in_tx(
            &mut work,
            dose.parse::<ImmunizationId>().unwrap(),
            "entered in error (test)",
            user.parse::<UserId>().unwrap(),
            NOW,
        )
        .await
        .unwrap();
        work.commit().await.unwrap();

        let report = run_job(&store, &options(8)).await;
        let stored = registry_forecast::for_client(&store, &client)
            .await
            .unwrap();
        let mut expected: Vec<ForecastRow> = expected
            .iter()
            .map(|r| {
                forecast_row(
                    &client,
                    r,
                    on(),
                    &engine.version().release,
                    &shotbook_store::timestamp(NOW),
                    Some(report.run_id),
                )
            })
            .collect();
        expected.sort_by(|a, b| a.vaccine_group.cmp(&b.vaccine_group));
        assert_eq!(
            stored, expected,
            "forecast as if the voided dose was never given"
        );
    }
}
