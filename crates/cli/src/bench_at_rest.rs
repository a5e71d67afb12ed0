//! `shotbook bench at-rest`: what encryption at rest costs, measured once on one registry.
//!
//! The registry is copied twice into a temporary folder — in the clear and encrypted with a new
//! random key (SQLCipher) — and each copy runs the same work, in one process, one after the
//! other: the search mixes of `shotbook bench search` (same seed, same sampled clients), then
//! `--doses` historical-dose entries through the very use case the app runs
//! (`shotbook_usecases::immunizations::record_historical`: access rule, entry rules, audit,
//! change log, one commit with `synchronous=FULL`). The copies are deleted afterwards; the
//! report holds timings and counts only.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use shotbook_core::clock::{Clock, SystemClock};
use shotbook_core::codes::Cvx;
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_core::immunization::dose::HistoricalDose;
use shotbook_core::organization::OrganizationKind;
use shotbook_core::permission::Role;
use shotbook_store::{match_index, sqlx, DatabaseKey, Store};
use shotbook_usecases::{need, Actor, Permit, Via};

use crate::args::BenchAtRestArgs;
use crate::bench::{self, SearchReport};

/// The user the dose entries are made as (every generated registry has the demo users).
const ENTERED_BY: &str = "tx.provider";

/// Dose-entry timings of one copy.
#[derive(Debug, Clone, Serialize)]
pub struct DoseReport {
    /// Doses saved.
    pub saved: usize,
    /// Entries the use case refused (the sampled client is not wholly visible to the user).
    pub refused: usize,
    /// Median, ms.
    pub median_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// Slowest, ms.
    pub max_ms: f64,
}

/// One copy's results.
#[derive(Debug, Clone, Serialize)]
pub struct CopyReport {
    /// `plain` or `encrypted`.
    pub copy: &'static str,
    /// Opening the copy (key check, migrations, protective triggers, audit chain), ms.
    pub open_ms: f64,
    /// The page check the app runs behind the sign-in screen (`quick_check`: every page read,
    /// decrypted and authenticated), ms.
    pub page_check_ms: f64,
    /// The search mixes.
    pub search: SearchReport,
    /// Dose entry.
    pub doses: DoseReport,
}

/// Runs the benchmark and prints the report.
pub async fn run(args: BenchAtRestArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.db.exists(), "{} does not exist", args.db.display());
    anyhow::ensure!(args.doses > 0, "--doses must be at least 1");
    let source = crate::database::open(&args.db).await?;
    anyhow::ensure!(
        shotbook_store::bulk::is_synthetic(&source).await?,
        "{} holds clients that were not generated: the benchmark writes doses, so it runs on \
         synthetic registries only",
        args.db.display()
    );
    let indexed = match_index::refresh(&source).await?;
    if indexed > 0 {
        eprintln!("Filed {indexed} clients in the Smart-search index first (untimed).");
    }
    let dir = std::env::temp_dir().join(format!("shotbook-at-rest-{}", uuid::Uuid::now_v7()));
    shotbook_api::files::private_dir(&dir).context("creating the benchmark folder")?;
    let plain_path = dir.join("plain.sqlite");
    let encrypted_path = dir.join("encrypted.sqlite");
    let key = DatabaseKey::random();
    source.copy_for_benchmark(&plain_path, None).await?;
    source
        .copy_for_benchmark(&encrypted_path, Some(&key))
        .await?;
    source.pool().close().await;

    let result = async {
        let mut reports = Vec::new();
        for (name, path, key) in [
            ("plain", &plain_path, None),
            ("encrypted", &encrypted_path, Some(&key)),
        ] {
            reports.push(measure(name, path, key, &args).await?);
        }
        anyhow::Ok(reports)
    }
    .await;
    std::fs::remove_dir_all(&dir).ok();
    let reports = result?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else {
        print!("{}", table(&reports));
    }
    Ok(())
}

async fn measure(
    name: &'static str,
    path: &Path,
    key: Option<&DatabaseKey>,
    args: &BenchAtRestArgs,
) -> anyhow::Result<CopyReport> {
    let started = Instant::now();
    let store = match key {
        Some(key) => Store::open(path, key).await?,
        None => Store::open_unencrypted_for_benchmark(path).await?,
    };
    let open_ms = ms(started.elapsed());
    let started = Instant::now();
    store.check_pages().await?;
    let page_check_ms = ms(started.elapsed());
    let search = bench::run(&store, args.queries, args.seed, 50).await?;
    let doses = enter_doses(&store, args.doses, args.seed).await?;
    store.pool().close().await;
    Ok(CopyReport {
        copy: name,
        open_ms,
        page_check_ms,
        search,
        doses,
    })
}

async fn enter_doses(store: &Store, count: usize, seed: u64) -> anyhow::Result<DoseReport> {
    let (user, organization, role, state, kind): (String, String, String, String, String) =
        sqlx::query_as(
            "SELECT u.id, o.id, r.role, o.state, o.kind FROM users u \
         JOIN user_roles r ON r.user_id = u.id JOIN organizations o ON o.id = r.organization_id \
         WHERE u.username = ? LIMIT 1",
        )
        .bind(ENTERED_BY)
        .fetch_one(store.pool())
        .await
        .with_context(|| format!("the registry has no user {ENTERED_BY}"))?;
    let actor = Actor {
        user_id: user.parse::<UserId>().context("user id")?,
        organization_id: organization
            .parse::<OrganizationId>()
            .context("organization id")?,
        role: Role::from_code(&role).context("role")?,
        state,
        organization_kind: OrganizationKind::from_code(&kind).context("organization kind")?,
        via: Via::Workstation {
            name: "bench-at-rest".into(),
        },
    };
    let permit = Permit::<need::AddImmunizations>::check(actor)?;
    let candidates: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, date_of_birth FROM clients WHERE consent = 'granted' AND merged_into IS NULL \
         ORDER BY rowid LIMIT 20000",
    )
    .fetch_all(store.pool())
    .await?;
    anyhow::ensure!(
        !candidates.is_empty(),
        "no client with consent to enter doses for"
    );
    let clock = SystemClock;
    let today = clock.today();
    let influenza = Cvx::parse("88").map_err(anyhow::Error::msg)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut times = Vec::with_capacity(count);
    let mut refused = 0;
    for _ in 0..count {
        let (id, born) = &candidates[rng.random_range(0..candidates.len())];
        let client = id.parse::<ClientId>().context("client id")?;
        let born = time::Date::parse(born, &time::format_description::well_known::Iso8601::DATE)
            .context("date of birth")?;
        let back = rng.random_range(1..=60);
        let given = (today - time::Duration::days(back)).max(born);
        let dose = HistoricalDose {
            cvx: influenza.clone(),
            administered_on: given,
            provider: None,
        };
        let started = Instant::now();
        let outcome = shotbook_usecases::immunizations::record_historical(
            store,
            &permit,
            &clock,
            client,
            vec![dose],
            true,
        )
        .await;
        let took = started.elapsed();
        match outcome {
            Ok(_) => times.push(took),
            Err(_) => refused += 1,
        }
    }
    // The same nearest-rank percentiles as the search mixes.
    let mut millis: Vec<f64> = times.into_iter().map(ms).collect();
    millis.sort_by(f64::total_cmp);
    Ok(DoseReport {
        saved: millis.len(),
        refused,
        median_ms: bench::percentile(&millis, 50.0),
        p95_ms: bench::percentile(&millis, 95.0),
        max_ms: millis.last().copied().unwrap_or(0.0),
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn change(plain: f64, encrypted: f64) -> String {
    if plain <= 0.0 {
        return "—".into();
    }
    format!("{:+.0} %", (encrypted / plain - 1.0) * 100.0)
}

fn table(reports: &[CopyReport]) -> String {
    use std::fmt::Write;
    let [plain, encrypted] = reports else {
        return String::new();
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Encryption at rest: {} clients, the same work on a plain and an encrypted copy\n",
        plain.search.clients
    );
    let _ = writeln!(
        out,
        "{:<24} {:>12} {:>12} {:>8}   {:>12} {:>12} {:>8}",
        "", "plain p50", "encr. p50", "change", "plain p95", "encr. p95", "change"
    );
    let row = |out: &mut String, label: &str, p: (f64, f64), e: (f64, f64)| {
        let _ = writeln!(
            out,
            "{:<24} {:>9.2} ms {:>9.2} ms {:>8}   {:>9.2} ms {:>9.2} ms {:>8}",
            label,
            p.0,
            e.0,
            change(p.0, e.0),
            p.1,
            e.1,
            change(p.1, e.1)
        );
    };
    for (p, e) in plain.search.mixes.iter().zip(&encrypted.search.mixes) {
        row(
            &mut out,
            p.mix,
            (p.median_ms, p.p95_ms),
            (e.median_ms, e.p95_ms),
        );
    }
    row(
        &mut out,
        "dose entry (use case)",
        (plain.doses.median_ms, plain.doses.p95_ms),
        (encrypted.doses.median_ms, encrypted.doses.p95_ms),
    );
    let _ = writeln!(
        out,
        "\nopen: plain {:.0} ms, encrypted {:.0} ms; page check (behind the sign-in screen): \
         plain {:.0} ms, encrypted {:.0} ms; doses saved {} / {} (refused {} / {})",
        plain.open_ms,
        encrypted.open_ms,
        plain.page_check_ms,
        encrypted.page_check_ms,
        plain.doses.saved,
        encrypted.doses.saved,
        plain.doses.refused,
        encrypted.doses.refused
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use shotbook_synth::generate::{generate_into, GenerateOptions};

    #[tokio::test]
    async fn dose_entries_go_through_the_use_case_and_land_once_each() {
        let store = Store::open_in_memory().await.unwrap();
        generate_into(
            &store,
            &GenerateOptions::new(200, 2, SystemClock.today()),
            |_| {},
        )
        .await
        .unwrap();
        let count = |store: &Store| {
            let pool = store.pool().clone();
            async move {
                let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM immunizations")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                n
            }
        };
        let before = count(&store).await;
        let report = enter_doses(&store, 12, 3).await.unwrap();
        assert_eq!(report.saved + report.refused, 12);
        assert!(
            report.saved >= 10,
            "most sampled clients take a dose: {report:?}"
        );
        assert_eq!(count(&store).await - before, report.saved as i64);
        assert!(report.median_ms <= report.p95_ms && report.p95_ms <= report.max_ms);
    }

    #[test]
    fn the_change_column_is_relative_to_plain() {
        assert_eq!(change(2.0, 3.0), "+50 %");
        assert_eq!(change(2.0, 1.0), "-50 %");
        assert_eq!(change(0.0, 1.0), "—");
    }
}
