//! Registry-wide deduplication: block every record, score the pairs each block brings
//! together with a Fellegi–Sunter model, and group the likely pairs into clusters.
//!
//! * **Blocking.** Each record is filed under [`Prepared::dedup_keys`]: Smart search's keys
//!   plus keys that ignore the birth year (given name with month and day, alone and with the
//!   surname), so a mistyped year is still compared. Keys are hashed to 64 bits and sorted in
//!   one array (no map of strings: a million records file about twelve million keys). A block
//!   larger than [`DedupOptions::block_cap`] ("Maria Garcia", all years) is skipped: it says too
//!   little, and the record's narrower keys still bring its duplicates in.
//! * **Scoring.** Every pair sharing at least one usable block is scored once (by the record
//!   with the lower index), with the model's probability and the registry's name frequencies.
//! * **Clustering.** Pairs at or above [`DedupOptions::link_at`] are linked and linked records
//!   grouped transitively (union–find). In a cluster of three or more every pair is scored, and
//!   each at or above [`DedupOptions::list_at`] is listed, so the person resolving it sees all
//!   sides (A–B and B–C likely, and A–C too), not isolated pairs.
//! * **Automatic merges** (only with [`DedupOptions::auto_merge_at`]): in a cluster holding no
//!   pair a person already said are two people, each record whose pair with the cluster's
//!   first record (the oldest) reaches the bar is proposed for merging into it.
//!
//! Work is split over threads in chunks of records; between chunks each thread checks the
//! cancel flag and reports progress (records done, of all). Pure: no IO.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use super::fs::{thresholds, FsModel, MatchProbability};
use super::{Frequencies, Prepared};

/// Settings of a deduplication run.
#[derive(Debug, Clone, PartialEq)]
pub struct DedupOptions {
    /// Blocks with more records than this are not used to form pairs.
    pub block_cap: usize,
    /// Probability from which a pair links two records into one cluster (and is queued).
    pub link_at: f64,
    /// Probability from which another pair inside a cluster is listed for review.
    pub list_at: f64,
    /// Clusters up to this size have every pair scored; larger ones (a chain through many
    /// records) list only the pairs that linked them, and are never merged automatically.
    pub max_full_cluster: usize,
    /// Probability from which a pair is merged automatically; `None` (the default): never.
    pub auto_merge_at: Option<f64>,
    /// Worker threads (at least one).
    pub workers: usize,
    /// Records per unit of work between two checks of the cancel flag.
    pub chunk: usize,
}

impl Default for DedupOptions {
    fn default() -> Self {
        Self {
            block_cap: 200,
            link_at: thresholds::LIKELY,
            list_at: thresholds::POSSIBLE,
            max_full_cluster: 12,
            auto_merge_at: None,
            workers: std::thread::available_parallelism().map_or(1, usize::from),
            chunk: 512,
        }
    }
}

/// One listed pair: record indices (`a < b`) and the model's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedPair {
    /// One record (index into the records given).
    pub a: u32,
    /// The other.
    pub b: u32,
    /// Probability, evidence and reasons.
    pub verdict: MatchProbability,
}

/// Records that are likely one person, and the pairs among them a person should see.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Record indices, ascending.
    pub members: Vec<u32>,
    /// Pairs to list, most likely first.
    pub pairs: Vec<ListedPair>,
    /// Proposed automatic merges: (survivor, merged, probability of their pair).
    pub merges: Vec<(u32, u32, f64)>,
}

/// What a run found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DedupOutcome {
    /// Records read.
    pub records: u64,
    /// Records whose pairs were scored (all of them unless cancelled).
    pub records_done: u64,
    /// Distinct pairs scored.
    pub pairs_scored: u64,
    /// Blocks skipped as larger than the cap (counted once per record that looked).
    pub oversized_lookups: u64,
    /// Clusters of two or more records, largest first.
    pub clusters: Vec<Cluster>,
    /// Whether the run stopped on the cancel flag (the clusters then cover part of the
    /// registry only).
    pub cancelled: bool,
}

fn key_hash(key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

struct UnionFind(Vec<u32>);

impl UnionFind {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let parent = self.0[x as usize];
            self.0[x as usize] = self.0[parent as usize];
            x = parent;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The smaller index roots the cluster.
            let (keep, join) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[join as usize] = keep;
        }
    }
}

/// Deduplicates `records`. `dismissed` holds pairs (either order) a person marked as two
/// people: they never link two records, and a cluster holding one is never merged
/// automatically. `progress` is called with (records done, records) after each chunk;
/// `cancel` is checked before each chunk.
pub fn deduplicate(
    records: &[Prepared],
    model: &FsModel,
    dismissed: &HashSet<(u32, u32)>,
    options: &DedupOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
    cancel: &AtomicBool,
) -> DedupOutcome {
    let n = records.len();
    let freq = Frequencies::count(records);
    let is_dismissed = |a: u32, b: u32| dismissed.contains(&(a.min(b), a.max(b)));

    // Blocking: (key hash, record) sorted, so a block is a run and its members ascend.
    let mut filed: Vec<(u64, u32)> = Vec::with_capacity(n * 12);
    for (i, p) in records.iter().enumerate() {
        filed.extend(p.dedup_keys().iter().map(|k| (key_hash(k), i as u32)));
    }
    filed.sort_unstable();
    filed.dedup();

    let next = AtomicUsize::new(0);
    let done = AtomicU64::new(0);
    let scored = AtomicU64::new(0);
    let oversized = AtomicU64::new(0);
    let links: Mutex<Vec<(u32, u32)>> = Mutex::new(Vec::new());
    let chunk = options.chunk.max(1);
    let worker = || {
        let mut mine: Vec<(u32, u32)> = Vec::new();
        let mut others: Vec<u32> = Vec::new();
        let (mut my_scored, mut my_oversized) = (0u64, 0u64);
        loop {
            if cancel.load(Ordering::Relaxed) {
                break;
            }
            let start = next.fetch_add(chunk, Ordering::Relaxed);
            if start >= n {
                break;
            }
            let end = (start + chunk).min(n);
            for i in start..end {
                let i = i as u32;
                others.clear();
                for key in records[i as usize].dedup_keys() {
                    let h = key_hash(&key);
                    let lo = filed.partition_point(|e| e.0 < h);
                    let hi = filed.partition_point(|e| e.0 <= h);
                    if hi - lo > options.block_cap {
                        my_oversized += 1;
                        continue;
                    }
                    let block = &filed[lo..hi];
                    let after = block.partition_point(|e| e.1 <= i);
                    others.extend(block[after..].iter().map(|e| e.1));
                }
                others.sort_unstable();
                others.dedup();
                for &j in &others {
                    my_scored += 1;
                    let p =
                        model.probability(&records[i as usize], &records[j as usize], Some(&freq));
                    if p >= options.link_at && !is_dismissed(i, j) {
                        mine.push((i, j));
                    }
                }
            }
            let total_done =
                done.fetch_add((end - start) as u64, Ordering::Relaxed) + (end - start) as u64;
            progress(total_done, n as u64);
        }
        scored.fetch_add(my_scored, Ordering::Relaxed);
        oversized.fetch_add(my_oversized, Ordering::Relaxed);
        links
            .lock()
            .expect("no worker panics holding it")
            .extend(mine);
    };
    std::thread::scope(|s| {
        for _ in 1..options.workers.max(1) {
            s.spawn(worker);
        }
        worker();
    });
    let links = links.into_inner().expect("no worker panicked");
    let cancelled = cancel.load(Ordering::Relaxed) && done.load(Ordering::Relaxed) < n as u64;

    // Clustering.
    let mut uf = UnionFind((0..n as u32).collect());
    for &(a, b) in &links {
        uf.union(a, b);
    }
    let mut by_root: HashMap<u32, Vec<u32>> = HashMap::new();
    for &(a, b) in &links {
        for x in [a, b] {
            let root = uf.find(x);
            by_root.entry(root).or_default().push(x);
        }
    }
    let mut linked_by_root: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
    for &(a, b) in &links {
        linked_by_root.entry(uf.find(a)).or_default().push((a, b));
    }
    let verdict =
        |a: u32, b: u32| model.score(&records[a as usize], &records[b as usize], Some(&freq));
    let mut clusters: Vec<Cluster> = by_root
        .into_iter()
        .map(|(root, mut members)| {
            members.sort_unstable();
            members.dedup();
            let full = members.len() <= options.max_full_cluster;
            let mut pairs: Vec<ListedPair> = if full {
                let mut out = Vec::new();
                for (x, &a) in members.iter().enumerate() {
                    for &b in &members[x + 1..] {
                        let v = verdict(a, b);
                        if v.probability >= options.list_at {
                            out.push(ListedPair { a, b, verdict: v });
                        }
                    }
                }
                out
            } else {
                linked_by_root[&root]
                    .iter()
                    .map(|&(a, b)| ListedPair {
                        a,
                        b,
                        verdict: verdict(a, b),
                    })
                    .collect()
            };
            pairs.sort_by(|x, y| {
                y.verdict
                    .probability
                    .total_cmp(&x.verdict.probability)
                    .then((x.a, x.b).cmp(&(y.a, y.b)))
            });
            let mut merges = Vec::new();
            if let Some(bar) = options.auto_merge_at {
                let any_dismissed = members
                    .iter()
                    .enumerate()
                    .any(|(x, &a)| members[x + 1..].iter().any(|&b| is_dismissed(a, b)));
                if full && !any_dismissed {
                    let survivor = members[0];
                    merges = pairs
                        .iter()
                        .filter(|p| p.a == survivor && p.verdict.probability >= bar)
                        .map(|p| (survivor, p.b, p.verdict.probability))
                        .collect();
                }
            }
            Cluster {
                members,
                pairs,
                merges,
            }
        })
        .collect();
    clusters.sort_by(|x, y| {
        y.members
            .len()
            .cmp(&x.members.len())
            .then(x.members[0].cmp(&y.members[0]))
    });
    DedupOutcome {
        records: n as u64,
        records_done: done.load(Ordering::Relaxed).min(n as u64),
        pairs_scored: scored.load(Ordering::Relaxed),
        oversized_lookups: oversized.load(Ordering::Relaxed),
        clusters,
        cancelled,
    }
}

#[cfg(test)]
mod tests;
