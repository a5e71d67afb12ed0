//! The registry-wide deduplication job on the replica: every client not merged away is read
//! from the Smart-search index (with its AKA and earlier names), the core job
//! ([`shotbook_core::matching::dedup`]) blocks, scores and clusters them, and each cluster's
//! pairs go to the duplicates queue with their probability and cluster — except pairs a person
//! already resolved, which stay resolved.
//!
//! Automatic merging is not done here: the job returns the merges it proposes (above the
//! configured bar, off by default), and the caller carries them out through the merge use
//! case, which checks access and consent and audits (`shotbook_usecases::duplicates`).
//!
//! [`run`] is CPU-bound for seconds to minutes on a large registry (the scoring runs on its
//! own threads, but `run` waits for them): call it from a blocking-capable task.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use shotbook_core::ids::ClientId;
use shotbook_core::matching::dedup::{deduplicate, DedupOptions, DedupOutcome};
use shotbook_core::matching::fs::FsModel;
use shotbook_core::matching::{Dob, PersonRecord, Prepared, Sex};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::duplicates::{queue_pair_in_tx, QueueEntry, Queued};
use crate::{match_index, Store, StoreError, StoreResult};

/// Pairs queued per transaction.
const PAIRS_PER_TRANSACTION: usize = 1_000;

/// The registry as the job reads it: client ids and their prepared records, in index order
/// (oldest first).
pub struct Loaded {
    /// Client ids, by record index.
    pub ids: Vec<ClientId>,
    /// Records, prepared for matching (other names included).
    pub records: Vec<Prepared>,
    /// Pairs (lower index first) a person marked as two people.
    pub dismissed: HashSet<(u32, u32)>,
}

/// A merge the job proposes (the caller carries it out through the merge use case).
#[derive(Debug, Clone, PartialEq)]
pub struct ProposedMerge {
    /// The queued pair it resolves (`None` on a dry run, which queues nothing).
    pub pair_id: Option<String>,
    /// The record kept (the cluster's oldest).
    pub survivor: ClientId,
    /// The record merged into it.
    pub merged: ClientId,
    /// Their pair's probability.
    pub probability: f64,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct DedupReport {
    /// The core job's counts and clusters.
    pub outcome: DedupOutcome,
    /// Pairs listed in clusters (what the queue was told).
    pub pairs_listed: u64,
    /// Pairs newly queued.
    pub queued: u64,
    /// Pairs already open in the queue (brought up to date).
    pub already_open: u64,
    /// Pairs resolved before (merged or dismissed): not queued again.
    pub already_resolved: u64,
    /// Merges proposed above the automatic bar.
    pub proposed_merges: Vec<ProposedMerge>,
    /// The clients read, by record index (the clusters' `members`, `a` and `b` index it).
    pub ids: Vec<ClientId>,
    /// Reading the registry.
    pub load_time: Duration,
    /// Blocking, scoring and clustering.
    pub score_time: Duration,
    /// Writing the queue.
    pub queue_time: Duration,
}

#[derive(sqlx::FromRow)]
struct Row {
    client_id: String,
    first_name: String,
    middle_name: Option<String>,
    last_name: String,
    date_of_birth: String,
    gender: String,
    mother_maiden_name: Option<String>,
    address_line1: Option<String>,
    zip: Option<String>,
}

fn parse_client(text: &str) -> StoreResult<ClientId> {
    text.parse()
        .map_err(|e: uuid::Error| StoreError::Unexpected(e.into()))
}

/// Reads every client not merged away (indexing queued clients first), with its other names,
/// and the pairs a person dismissed.
pub async fn load(store: &Store) -> StoreResult<Loaded> {
    match_index::refresh(store).await?;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.client_id, r.first_name, r.middle_name, r.last_name, r.date_of_birth, r.gender,
                r.mother_maiden_name, r.address_line1, r.zip
         FROM client_match_records r JOIN clients c ON c.id = r.client_id
         WHERE c.merged_into IS NULL ORDER BY r.client_no",
    )
    .fetch_all(store.pool())
    .await?;
    let names: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT client_id, first_name, last_name FROM client_names WHERE voided_at IS NULL",
    )
    .fetch_all(store.pool())
    .await?;
    let mut other_names: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (client, first, last) in names {
        other_names.entry(client).or_default().push((first, last));
    }
    let mut ids = Vec::with_capacity(rows.len());
    let mut records = Vec::with_capacity(rows.len());
    let mut index: HashMap<String, u32> = HashMap::with_capacity(rows.len());
    for row in rows {
        let person = PersonRecord {
            given: row.first_name,
            middle: row.middle_name.unwrap_or_default(),
            family: row.last_name,
            dob: Dob::parse_digits(&row.date_of_birth, false),
            sex: Sex::parse(&row.gender),
            mother_maiden: row.mother_maiden_name.unwrap_or_default(),
            zip: row.zip.unwrap_or_default(),
            street: row.address_line1.unwrap_or_default(),
        };
        let mut prepared = Prepared::new(&person);
        if let Some(names) = other_names.get(&row.client_id) {
            prepared =
                prepared.with_other_names(names.iter().map(|(g, f)| (g.as_str(), f.as_str())));
        }
        index.insert(row.client_id.clone(), ids.len() as u32);
        ids.push(parse_client(&row.client_id)?);
        records.push(prepared);
    }
    let resolved: Vec<(String, String)> = sqlx::query_as(
        "SELECT client_a, client_b FROM duplicate_pairs WHERE status = 'not_duplicate'",
    )
    .fetch_all(store.pool())
    .await?;
    let dismissed = resolved
        .iter()
        .filter_map(|(a, b)| {
            let (a, b) = (*index.get(a)?, *index.get(b)?);
            Some((a.min(b), a.max(b)))
        })
        .collect();
    Ok(Loaded {
        ids,
        records,
        dismissed,
    })
}

/// Runs the job: [`load`], block, score and cluster with `model`, and [`queue`] (nothing is
/// written on a `dry_run`). `progress` gets (records done, of all); `cancel` stops the scoring
/// between chunks — what was found so far is still queued. The scoring runs on this thread and
/// its own workers: an async caller that must stay responsive runs [`load`], the core
/// [`deduplicate`] on a blocking task, and [`queue`] instead.
pub async fn run(
    store: &Store,
    model: &FsModel,
    options: &DedupOptions,
    dry_run: bool,
    progress: &(dyn Fn(u64, u64) + Sync),
    cancel: &AtomicBool,
    now: OffsetDateTime,
) -> StoreResult<DedupReport> {
    let started = Instant::now();
    let loaded = load(store).await?;
    let load_time = started.elapsed();
    let started = Instant::now();
    let outcome = deduplicate(
        &loaded.records,
        model,
        &loaded.dismissed,
        options,
        progress,
        cancel,
    );
    let score_time = started.elapsed();
    let mut report = queue(store, loaded.ids, outcome, dry_run, now).await?;
    report.load_time = load_time;
    report.score_time = score_time;
    Ok(report)
}

/// Queues every pair of `outcome`'s clusters (records indexed by `ids`, as [`load`] read them)
/// with its probability and cluster, unless `dry_run`; pairs resolved before stay resolved.
/// Returns the counts and the automatic merges proposed.
pub async fn queue(
    store: &Store,
    ids: Vec<ClientId>,
    outcome: DedupOutcome,
    dry_run: bool,
    now: OffsetDateTime,
) -> StoreResult<DedupReport> {
    let started = Instant::now();
    let mut report = DedupReport {
        pairs_listed: outcome.clusters.iter().map(|c| c.pairs.len() as u64).sum(),
        ..DedupReport::default()
    };
    let id = |i: u32| ids[i as usize];
    let mut pair_ids: HashMap<(u32, u32), String> = HashMap::new();
    if !dry_run {
        let listed: Vec<(String, &_)> = outcome
            .clusters
            .iter()
            .flat_map(|c| {
                let cluster = Uuid::now_v7().to_string();
                c.pairs.iter().map(move |p| (cluster.clone(), p))
            })
            .collect();
        for batch in listed.chunks(PAIRS_PER_TRANSACTION) {
            let mut tx = store.begin().await?;
            for (cluster, pair) in batch {
                let reasons = pair.verdict.explain();
                let entry = QueueEntry {
                    score: pair.verdict.bayes_factor_bits,
                    reasons: &reasons,
                    probability: Some(pair.verdict.probability),
                    cluster: Some(cluster),
                };
                let (pair_id, queued) =
                    queue_pair_in_tx(&mut tx, id(pair.a), id(pair.b), &entry, now).await?;
                match queued {
                    Queued::New => report.queued += 1,
                    Queued::StillOpen => report.already_open += 1,
                    Queued::Resolved => report.already_resolved += 1,
                }
                if queued != Queued::Resolved {
                    pair_ids.insert((pair.a, pair.b), pair_id);
                }
            }
            tx.commit().await?;
        }
    }
    for cluster in &outcome.clusters {
        for &(survivor, merged, probability) in &cluster.merges {
            let pair_id = pair_ids.get(&(survivor, merged)).cloned();
            if !dry_run && pair_id.is_none() {
                continue;
            }
            report.proposed_merges.push(ProposedMerge {
                pair_id,
                survivor: id(survivor),
                merged: id(merged),
                probability,
            });
        }
    }
    report.queue_time = started.elapsed();
    report.outcome = outcome;
    report.ids = ids;
    Ok(report)
}

#[cfg(test)]
mod tests;
