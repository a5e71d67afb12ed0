//! `shotbook bench search`: times Basic search on a generated database.
//!
//! Queries look for clients sampled from the database itself (deterministically, by rowid from a
//! seeded generator), in three mixes a registry clerk types: last + first name + date of birth,
//! a last-name prefix alone, and date of birth + last name. Each query runs through
//! `BasicSearch::parse` and `clients::search_basic`, exactly as the search screen does. Sampled
//! names stay in memory: the report holds only timings and counts.

use std::time::{Duration, Instant};

use anyhow::Context;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use shotbook_core::search::{BasicSearch, BasicSearchInput};
use shotbook_store::{clients, Store};
use time::{Date, OffsetDateTime};

use crate::args::BenchSearchArgs;

/// The query mixes.
const MIXES: [&str; 3] = ["last+first+dob", "last prefix", "dob+last"];

/// Timings of one mix.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MixReport {
    /// Mix name.
    pub mix: &'static str,
    /// Timed queries.
    pub count: usize,
    /// Median, ms.
    pub median_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Slowest, ms.
    pub max_ms: f64,
    /// Mean rows returned.
    pub mean_rows: f64,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct SearchReport {
    /// Clients in the database.
    pub clients: i64,
    /// Result limit used.
    pub limit: i64,
    /// Untimed warm-up queries run first.
    pub warmup: usize,
    /// One entry per mix.
    pub mixes: Vec<MixReport>,
}

struct Sample {
    last: String,
    first: String,
    dob: Date,
}

/// Runs the benchmark and prints the report.
pub async fn search(args: BenchSearchArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.db.exists(), "{} does not exist", args.db.display());
    anyhow::ensure!(
        args.queries >= MIXES.len(),
        "--queries must be at least {}",
        MIXES.len()
    );
    let store = Store::open(&args.db).await?;
    let report = run(&store, args.queries, args.seed, args.limit).await?;
    store.pool().close().await;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", table(&report));
    }
    Ok(())
}

/// Samples clients, warms up, then times `queries` searches.
pub async fn run(
    store: &Store,
    queries: usize,
    seed: u64,
    limit: i64,
) -> anyhow::Result<SearchReport> {
    let clients = clients::count(store).await?;
    anyhow::ensure!(
        clients > 0,
        "the database has no clients; run `shotbook generate` first"
    );
    let samples = sample(store, queries, seed).await?;
    // A date of birth in the sample may be after the real today when the data was generated with
    // a later --today; search validation must not refuse it.
    let today = samples
        .iter()
        .map(|s| s.dob)
        .max()
        .unwrap_or(Date::MIN)
        .max(OffsetDateTime::now_utc().date());
    let criteria: Vec<(usize, BasicSearch)> = samples
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mix = i % MIXES.len();
            let dob = s
                .dob
                .format(time::macros::format_description!("[month]/[day]/[year]"))
                .expect("formats");
            let prefix: String = s.last.chars().take(3).collect();
            let input = match mix {
                0 => BasicSearchInput {
                    last_name: &s.last,
                    first_name: &s.first,
                    date_of_birth: &dob,
                },
                1 => BasicSearchInput {
                    last_name: &prefix,
                    first_name: "",
                    date_of_birth: "",
                },
                _ => BasicSearchInput {
                    last_name: &s.last,
                    first_name: "",
                    date_of_birth: &dob,
                },
            };
            BasicSearch::parse(input, today)
                .map(|c| (mix, c))
                .context("a sampled client does not make a valid search")
        })
        .collect::<anyhow::Result<_>>()?;

    let warmup = criteria.len().min(300);
    for (_, c) in criteria.iter().take(warmup) {
        clients::search_basic(store, c, limit).await?;
    }
    let mut timings: Vec<Vec<(Duration, usize)>> = vec![Vec::new(); MIXES.len()];
    for (mix, c) in &criteria {
        let started = Instant::now();
        let rows = clients::search_basic(store, c, limit).await?;
        timings[*mix].push((started.elapsed(), rows.len()));
    }
    let mixes = timings
        .into_iter()
        .enumerate()
        .map(|(i, t)| summarize(MIXES[i], t))
        .collect();
    Ok(SearchReport {
        clients,
        limit,
        warmup,
        mixes,
    })
}

async fn sample(store: &Store, n: usize, seed: u64) -> anyhow::Result<Vec<Sample>> {
    let max_rowid = shotbook_store::clients::max_rowid(store).await?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n);
    let mut attempts = 0;
    while out.len() < n {
        attempts += 1;
        anyhow::ensure!(attempts < n * 20 + 1000, "could not sample {n} clients");
        let rowid = rng.random_range(1..=max_rowid.max(1));
        let row = shotbook_store::clients::search_keys_at(store, rowid).await?;
        if let Some((last, first, dob)) = row {
            // The stored value is a date of birth: never quote it.
            let dob = crate::args::parse_iso_date(&dob)
                .map_err(|_| anyhow::anyhow!("a stored date of birth is not YYYY-MM-DD"))?;
            out.push(Sample { last, first, dob });
        }
    }
    Ok(out)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    // Nearest-rank percentile.
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn summarize(mix: &'static str, timings: Vec<(Duration, usize)>) -> MixReport {
    let mut ms: Vec<f64> = timings
        .iter()
        .map(|(d, _)| d.as_secs_f64() * 1000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    let rows: usize = timings.iter().map(|(_, r)| r).sum();
    MixReport {
        mix,
        count: ms.len(),
        median_ms: percentile(&ms, 50.0),
        p95_ms: percentile(&ms, 95.0),
        p99_ms: percentile(&ms, 99.0),
        max_ms: ms.last().copied().unwrap_or(0.0),
        mean_rows: if ms.is_empty() {
            0.0
        } else {
            rows as f64 / ms.len() as f64
        },
    }
}

/// The report as a text table.
pub fn table(r: &SearchReport) -> String {
    let mut out = format!(
        "Basic search on {} clients (limit {}, {} warm-up queries)\n",
        r.clients, r.limit, r.warmup
    );
    out.push_str(&format!(
        "{:<16} {:>6} {:>10} {:>10} {:>10} {:>10} {:>9}\n",
        "mix", "count", "median ms", "p95 ms", "p99 ms", "max ms", "rows avg"
    ));
    for m in &r.mixes {
        out.push_str(&format!(
            "{:<16} {:>6} {:>10.3} {:>10.3} {:>10.3} {:>10.3} {:>9.1}\n",
            m.mix, m.count, m.median_ms, m.p95_ms, m.p99_ms, m.max_ms, m.mean_rows
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use shotbook_synth::generate::{generate_into, GenerateOptions};
    use time::macros::date;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(
            (
                percentile(&v, 50.0),
                percentile(&v, 95.0),
                percentile(&v, 99.0)
            ),
            (50.0, 95.0, 99.0)
        );
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
    }

    #[tokio::test]
    async fn the_benchmark_finds_every_sampled_client_and_reports_each_mix() {
        let store = Store::open_in_memory().await.unwrap();
        generate_into(
            &store,
            &GenerateOptions::new(300, 1, date!(2026 - 11 - 22)),
            |_| {},
        )
        .await
        .unwrap();
        let report = run(&store, 90, 3, 50).await.unwrap();
        assert_eq!(report.clients, 300);
        assert_eq!(
            report
                .mixes
                .iter()
                .map(|m| (m.mix, m.count))
                .collect::<Vec<_>>(),
            MIXES.iter().map(|m| (*m, 30)).collect::<Vec<_>>()
        );
        for m in &report.mixes {
            assert!(
                m.mean_rows >= 1.0,
                "{} finds the sampled client: {}",
                m.mix,
                m.mean_rows
            );
            assert!(m.median_ms <= m.p95_ms && m.p95_ms <= m.p99_ms && m.p99_ms <= m.max_ms);
        }
        assert!(table(&report).contains("last prefix"));
    }
}
