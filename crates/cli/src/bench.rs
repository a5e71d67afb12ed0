//! `shotbook bench search`: times Basic, Smart and Quick search on a generated database.
//!
//! Queries look for clients sampled from the database itself (deterministically, by rowid from a
//! seeded generator), in the mixes a registry clerk types:
//! - Basic: last + first name + date of birth, a 3-letter last-name prefix, date of birth + last
//!   name, a phone number — through `BasicSearch` and `clients::search_basic`, as the screen.
//! - Smart: the exact name and date, and a typo'd one (one surname letter changed, day and month
//!   swapped when both are ≤ 12) — through `match_index::smart_search` plus the result rows,
//!   as the api runs it.
//! - Quick: "last M/D/YYYY" typed in the box — parsed, Basic first, Smart when Basic finds
//!   nobody.
//!
//! Each mix also reports how often the sampled client was found (Basic: among the rows; Smart:
//! ranked first). Sampled names stay in memory: the report holds only timings and counts.

use std::time::{Duration, Instant};

use anyhow::Context;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use shotbook_core::matching::{Dob, PersonRecord};
use shotbook_core::quick_search::QuickSearch;
use shotbook_core::search::{BasicSearch, BasicSearchInput};
use shotbook_store::clients::SearchKeys;
use shotbook_store::{clients, match_index, Store};
use time::{Date, OffsetDateTime};

use crate::args::BenchSearchArgs;

/// The query mixes.
const MIXES: [&str; 7] = [
    "basic last+first+dob",
    "basic last prefix",
    "basic dob+last",
    "basic phone",
    "smart exact",
    "smart typo+swap",
    "quick last dob",
];

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
    /// Share of queries that found the sampled client (Smart: ranked first).
    pub found: f64,
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
    keys: SearchKeys,
    dob: Date,
}

/// One prepared query.
enum Query {
    Basic(BasicSearch),
    Smart(PersonRecord),
    Quick(QuickSearch),
}

/// Runs the benchmark and prints the report.
pub async fn search(args: BenchSearchArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.db.exists(), "{} does not exist", args.db.display());
    anyhow::ensure!(
        args.queries >= MIXES.len(),
        "--queries must be at least {}",
        MIXES.len()
    );
    let store = crate::database::open(&args.db).await?;
    let indexed = match_index::refresh(&store).await?;
    if indexed > 0 {
        eprintln!("Filed {indexed} clients in the Smart-search index first (untimed).");
    }
    let report = run(&store, args.queries, args.seed, args.limit).await?;
    store.pool().close().await;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", table(&report));
    }
    Ok(())
}

/// One letter of the surname replaced by the next letter of the alphabet (not the first: a
/// clerk rarely mistypes that one).
fn typo(name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    let at = chars.len() / 2;
    if at > 0 {
        if let Some(c) = chars.get_mut(at) {
            if c.is_ascii_lowercase() {
                *c = if *c == 'z' {
                    'a'
                } else {
                    (*c as u8 + 1) as char
                };
            }
        }
    }
    chars.into_iter().collect()
}

fn build(mix: usize, s: &Sample, today: Date) -> anyhow::Result<Option<Query>> {
    let us = |d: Date| {
        d.format(time::macros::format_description!("[month]/[day]/[year]"))
            .expect("formats")
    };
    let dob = us(s.dob);
    let k = &s.keys;
    let prefix: String = k.last_name.chars().take(3).collect();
    let basic = |input: BasicSearchInput<'_>| {
        BasicSearch::parse(input, today)
            .map(|c| Some(Query::Basic(c)))
            .context("a sampled client does not make a valid search")
    };
    let exact_dob = Some(Dob::new(
        s.dob.year() as u16,
        u8::from(s.dob.month()),
        s.dob.day(),
    ));
    match mix {
        0 => basic(BasicSearchInput {
            last_name: &k.last_name,
            first_name: &k.first_name,
            date_of_birth: &dob,
            ..Default::default()
        }),
        1 => basic(BasicSearchInput {
            last_name: &prefix,
            ..Default::default()
        }),
        2 => basic(BasicSearchInput {
            last_name: &k.last_name,
            date_of_birth: &dob,
            ..Default::default()
        }),
        3 => match &k.phone {
            Some(phone) => basic(BasicSearchInput {
                phone,
                ..Default::default()
            }),
            None => Ok(None),
        },
        4 => Ok(Some(Query::Smart(PersonRecord::new(
            &k.first_name,
            &k.last_name,
            exact_dob,
        )))),
        5 => {
            let (m, d) = (u8::from(s.dob.month()), s.dob.day());
            let dob = if d <= 12 {
                Dob::new(s.dob.year() as u16, d, m)
            } else {
                Dob::new(s.dob.year() as u16, m, d)
            };
            let mut q = PersonRecord::new(&k.first_name, &typo(&k.last_name), Some(dob));
            q.sex = shotbook_core::matching::Sex::parse(&k.gender);
            Ok(Some(Query::Smart(q)))
        }
        _ => QuickSearch::parse(&format!("{} {}", k.last_name, dob), today)
            .map(|q| Some(Query::Quick(q)))
            .map_err(|_| anyhow::anyhow!("a sampled client does not make a valid quick search")),
    }
}

/// Runs one query as the api does; returns the client ids shown, in order.
async fn execute(store: &Store, query: &Query, limit: i64) -> anyhow::Result<Vec<String>> {
    let basic = |c: &BasicSearch| {
        let c = c.clone();
        async move {
            let rows = clients::search_basic(store, &c, limit).await?;
            anyhow::Ok(rows.into_iter().map(|r| r.id).collect::<Vec<_>>())
        }
    };
    let smart = |p: &PersonRecord| {
        let p = p.clone();
        async move {
            let matches =
                match_index::smart_search(store, &p, match_index::Bar::POSSIBLE, limit as usize)
                    .await?;
            let ids: Vec<String> = matches.into_iter().map(|m| m.client_id).collect();
            let rows = clients::summaries_by_id(store, &ids).await?;
            anyhow::Ok(rows.into_iter().map(|r| r.id).collect::<Vec<_>>())
        }
    };
    match query {
        Query::Basic(c) => basic(c).await,
        Query::Smart(p) => smart(p).await,
        Query::Quick(QuickSearch::Person {
            basic: exact,
            person,
            smart: worth_it,
        }) => {
            if let Some(c) = exact {
                let found = basic(c).await?;
                if !found.is_empty() || !worth_it {
                    return Ok(found);
                }
            }
            smart(person).await
        }
        Query::Quick(_) => Ok(Vec::new()),
    }
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
    let mut prepared: Vec<(usize, &Sample, Query)> = Vec::with_capacity(samples.len());
    for (i, s) in samples.iter().enumerate() {
        let mix = i % MIXES.len();
        if let Some(q) = build(mix, s, today)? {
            prepared.push((mix, s, q));
        }
    }

    let warmup = prepared.len().min(300);
    for (_, _, q) in prepared.iter().take(warmup) {
        execute(store, q, limit).await?;
    }
    let mut timings: Vec<Vec<(Duration, usize, bool)>> = vec![Vec::new(); MIXES.len()];
    for (mix, s, q) in &prepared {
        let started = Instant::now();
        let ids = execute(store, q, limit).await?;
        let elapsed = started.elapsed();
        let found = match q {
            Query::Smart(_) => ids.first() == Some(&s.keys.id),
            _ => ids.contains(&s.keys.id),
        };
        timings[*mix].push((elapsed, ids.len(), found));
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
        if let Some(keys) = row {
            // The stored value is a date of birth: never quote it.
            let dob = crate::args::parse_iso_date(&keys.date_of_birth)
                .map_err(|_| anyhow::anyhow!("a stored date of birth is not YYYY-MM-DD"))?;
            out.push(Sample { keys, dob });
        }
    }
    Ok(out)
}

pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    // Nearest-rank percentile.
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn summarize(mix: &'static str, timings: Vec<(Duration, usize, bool)>) -> MixReport {
    let mut ms: Vec<f64> = timings
        .iter()
        .map(|(d, _, _)| d.as_secs_f64() * 1000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    let rows: usize = timings.iter().map(|(_, r, _)| r).sum();
    let found = timings.iter().filter(|(_, _, f)| *f).count();
    let share = |n: usize| {
        if ms.is_empty() {
            0.0
        } else {
            n as f64 / ms.len() as f64
        }
    };
    MixReport {
        mix,
        count: ms.len(),
        median_ms: percentile(&ms, 50.0),
        p95_ms: percentile(&ms, 95.0),
        p99_ms: percentile(&ms, 99.0),
        max_ms: ms.last().copied().unwrap_or(0.0),
        mean_rows: share(rows),
        found: share(found),
    }
}

/// The report as a text table.
pub fn table(r: &SearchReport) -> String {
    let mut out = format!(
        "Client search on {} clients (limit {}, {} warm-up queries)\n",
        r.clients, r.limit, r.warmup
    );
    out.push_str(&format!(
        "{:<22} {:>6} {:>10} {:>10} {:>10} {:>10} {:>9} {:>7}\n",
        "mix", "count", "median ms", "p95 ms", "p99 ms", "max ms", "rows avg", "found"
    ));
    for m in &r.mixes {
        out.push_str(&format!(
            "{:<22} {:>6} {:>10.3} {:>10.3} {:>10.3} {:>10.3} {:>9.1} {:>6.1}%\n",
            m.mix,
            m.count,
            m.median_ms,
            m.p95_ms,
            m.p99_ms,
            m.max_ms,
            m.mean_rows,
            m.found * 100.0
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
    async fn the_benchmark_finds_the_sampled_clients_and_reports_each_mix() {
        let store = Store::open_in_memory().await.unwrap();
        generate_into(
            &store,
            &GenerateOptions::new(300, 1, date!(2026 - 11 - 22)),
            |_| {},
        )
        .await
        .unwrap();
        let report = run(&store, 140, 3, 50).await.unwrap();
        assert_eq!(report.clients, 300);
        let names: Vec<_> = report.mixes.iter().map(|m| m.mix).collect();
        assert_eq!(names, MIXES.to_vec());
        for m in &report.mixes {
            assert!(m.count > 0, "{} ran", m.mix);
            assert!(m.median_ms <= m.p95_ms && m.p95_ms <= m.p99_ms && m.p99_ms <= m.max_ms);
            let floor = if m.mix == "smart typo+swap" {
                0.8
            } else {
                0.95
            };
            assert!(
                m.found >= floor,
                "{} finds the sampled client: {}",
                m.mix,
                m.found
            );
        }
        assert!(table(&report).contains("smart typo+swap"));
    }

    #[test]
    fn a_typo_changes_one_inner_letter() {
        assert_eq!(typo("Garcia"), "Gardia");
        assert_eq!(typo("Zzz"), "Zaz");
        assert_eq!(typo("O"), "O");
    }
}
