//! The deterministic synthetic-registry generator behind `shotbook generate` and the app's
//! `--demo` start-up.
//!
//! Records are made in chunks of [`CHUNK_CLIENTS`]. Each chunk has its own RNG seeded from the
//! run's seed and the chunk's first record number, so a chunk's content depends on nothing
//! else: generator threads can work on chunks in any order while one writer stores them in
//! chunk order, and the same seed and options always give the same rows, ids included (see
//! [`ids`] for how UUIDs are derived). Organization ids come from the demo seed
//! ([`crate::demo::seed_organizations_and_users`]), which makes them once per database.
//!
//! Near-duplicates are taken from originals of the same chunk and written after them; every
//! record gets a `synthetic_truth` row whose `person_key` is the record number of the person's
//! original record.

mod duplicates;
pub mod history;
pub mod ids;
mod person;
pub mod tables;

use std::sync::Arc;

use anyhow::Context as _;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use shotbook_core::ids::OrganizationId;
use shotbook_store::bulk::{Batch, BulkWriter, SyntheticTruth};
use shotbook_store::organizations::OrganizationRow;
use shotbook_store::Store;
use time::{Date, OffsetDateTime, Time};

pub use duplicates::{swapped_day_month, typo};
pub use history::Profile;
pub use person::lot_number;

use ids::IdMaker;
use person::{AdminOrg, Context, Person};

/// Records per chunk (one chunk is one writer transaction).
pub const CHUNK_CLIENTS: u64 = 1_000;

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Client records to write, near-duplicates included.
    pub clients: u64,
    /// Seed of every random choice.
    pub seed: u64,
    /// Share of the records that are near-duplicates of another record (0.0–0.5).
    pub duplicate_share: f64,
    /// "Today": no birth or dose after it; ages are counted to it.
    pub today: Date,
    /// Stamped on every row's `created_at` and on the demo organizations; it also anchors the
    /// UUIDv7 timestamps. Defaults to noon UTC of `today`.
    pub recorded_at: OffsetDateTime,
    /// Generator threads (0: one fewer than the cores, at least one). Does not change the data.
    pub threads: usize,
}

impl GenerateOptions {
    /// `clients` records from `seed`, as of `today`, with 3% near-duplicates.
    pub fn new(clients: u64, seed: u64, today: Date) -> Self {
        Self {
            clients,
            seed,
            duplicate_share: 0.03,
            today,
            recorded_at: today
                .with_time(Time::from_hms(12, 0, 0).expect("noon"))
                .assume_utc(),
            threads: 0,
        }
    }
}

/// What [`generate_into`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateReport {
    /// Client records, near-duplicates included.
    pub clients: u64,
    /// Of which near-duplicates.
    pub duplicates: u64,
    /// Doses.
    pub immunizations: u64,
    /// Record number of the first record written (non-zero when appending to a generated
    /// database).
    pub first_record: u64,
}

/// One generated chunk.
#[derive(Debug, Clone)]
pub struct GeneratedChunk {
    /// The rows to write.
    pub batch: Batch,
    /// The schedule-following profile of each client of `batch.clients`, in the same order.
    pub profiles: Vec<Profile>,
}

/// Makes chunks. Cheap to share between threads.
#[derive(Debug)]
pub struct Generator {
    options: GenerateOptions,
    orgs: [Vec<AdminOrg>; 2],
    first_record: u64,
}

fn mix(mut z: u64) -> u64 {
    // SplitMix64 finaliser: neighbouring chunk numbers get unrelated seeds.
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A registry client number: ten digits, unique per record number, not sequential on screen.
fn registry_number(record: u64) -> String {
    // 7,919 is coprime with 9,000,000,000, so this is a bijection on record numbers below it.
    format!(
        "{}",
        1_000_000_000 + (record.wrapping_mul(7_919).wrapping_add(104_729)) % 9_000_000_000
    )
}

impl Generator {
    /// A generator whose first record number is `first_record` (0 for a new database), giving
    /// doses to the provider and health-department organizations among `orgs`.
    pub fn new(
        options: GenerateOptions,
        orgs: &[OrganizationRow],
        first_record: u64,
    ) -> anyhow::Result<Self> {
        anyhow::ensure!(
            (0.0..=0.5).contains(&options.duplicate_share),
            "the duplicate share must be between 0 and 0.5"
        );
        let mut by_state: [Vec<AdminOrg>; 2] = [Vec::new(), Vec::new()];
        let mut clinician_rng = ChaCha8Rng::seed_from_u64(0x5107);
        let mut sorted: Vec<&OrganizationRow> = orgs.iter().collect();
        sorted.sort_by(|a, b| a.code.cmp(&b.code));
        for org in sorted {
            let slot = match org.state.as_str() {
                "MT" => 0,
                "TX" => 1,
                _ => continue,
            };
            if !matches!(org.kind.as_str(), "provider" | "health_department") {
                continue;
            }
            let state = if slot == 0 {
                tables::State::Mt
            } else {
                tables::State::Tx
            };
            let clinicians = (0..4)
                .map(|i| {
                    let sex = if i % 3 == 0 {
                        tables::Sex::M
                    } else {
                        tables::Sex::F
                    };
                    let first = tables::tables().first_name(&mut clinician_rng, sex, 1980);
                    let last = tables::tables().surname(&mut clinician_rng, state).name;
                    let credential = ["RN", "LPN", "MA", "NP"][i];
                    format!("{first} {last}, {credential}")
                })
                .collect();
            by_state[slot].push(AdminOrg {
                id: org
                    .id
                    .parse::<OrganizationId>()
                    .with_context(|| format!("organization {} has a bad id", org.code))?,
                code: org.code.clone(),
                vfc: org.vfc_pin.is_some(),
                clinicians,
            });
        }
        Ok(Self {
            options,
            orgs: by_state,
            first_record,
        })
    }

    /// Number of chunks of the run.
    pub fn chunks(&self) -> u64 {
        self.options.clients.div_ceil(CHUNK_CLIENTS)
    }

    fn duplicates_before(&self, local: u64) -> u64 {
        (local as f64 * self.options.duplicate_share).round() as u64
    }

    fn millis_of(&self, local: u64) -> u64 {
        let at = (self.options.recorded_at.unix_timestamp_nanos() / 1_000_000).max(0) as u64;
        at.saturating_sub(self.options.clients - local)
    }

    /// Generates chunk `index` (0-based). Pure: the same index gives the same chunk.
    pub fn chunk(&self, index: u64) -> GeneratedChunk {
        let start = index * CHUNK_CLIENTS;
        let end = (start + CHUNK_CLIENTS).min(self.options.clients);
        let size = end.saturating_sub(start);
        let mut duplicates = self.duplicates_before(end) - self.duplicates_before(start);
        if duplicates >= size {
            duplicates = size.saturating_sub(1);
        }
        let originals = size - duplicates;
        let mut rng =
            ChaCha8Rng::seed_from_u64(mix(self.options.seed ^ mix(self.first_record + start)));
        let ctx = Context {
            today: self.options.today,
            orgs: &self.orgs,
        };

        let mut people: Vec<(Person, i64)> = Vec::with_capacity(originals as usize);
        for local in start..start + originals {
            let record = self.first_record + local;
            let ids = IdMaker::new(self.millis_of(local));
            people.push((
                person::person(&mut rng, &ctx, &ids, registry_number(record)),
                record as i64,
            ));
        }

        let mut batch = Batch::default();
        let mut profiles = Vec::with_capacity(size as usize);
        let mut dups = Vec::with_capacity(duplicates as usize);
        for local in start + originals..end {
            let record = self.first_record + local;
            let (original, key) = &people[rand::Rng::random_range(&mut rng, 0..people.len())];
            let ids = IdMaker::new(self.millis_of(local));
            let d = duplicates::duplicate(
                &mut rng,
                original,
                self.options.today,
                &ids,
                registry_number(record),
            );
            dups.push((d, *key, original.profile));
        }
        for (p, key) in people {
            batch.truth.push(SyntheticTruth {
                client_id: p.client.id,
                person_key: key,
                variant: "original".into(),
            });
            batch.immunizations.extend(p.doses);
            batch.clients.push(p.client);
            profiles.push(p.profile);
        }
        for (d, key, profile) in dups {
            batch.truth.push(SyntheticTruth {
                client_id: d.client.id,
                person_key: key,
                variant: d.variant.into(),
            });
            batch.immunizations.extend(d.doses);
            batch.clients.push(d.client);
            profiles.push(profile);
        }
        GeneratedChunk { batch, profiles }
    }
}

/// Generates `options.clients` records into `store`, calling `progress` with the number of
/// records written so far after each chunk. Seeds the demo organizations and users first if the
/// database has none. When the database already holds generated records, the new ones continue
/// their numbering (so registry numbers and person keys stay unique).
pub async fn generate_into(
    store: &Store,
    options: &GenerateOptions,
    progress: impl Fn(u64) + Send + Sync,
) -> anyhow::Result<GenerateReport> {
    let orgs = crate::demo::seed_organizations_and_users(store, options.recorded_at).await?;
    let first_record = shotbook_store::bulk::next_synthetic_record(store).await?;
    let generator = Arc::new(Generator::new(options.clone(), &orgs, first_record)?);
    let chunks = generator.chunks();
    let threads = match options.threads {
        0 => std::thread::available_parallelism()
            .map_or(1, |n| n.get().saturating_sub(1))
            .max(1),
        n => n,
    }
    .min(chunks.max(1) as usize);

    // One bounded channel per thread; thread t makes chunks t, t + threads, … so the writer can
    // take them in order by cycling through the channels.
    let mut receivers = Vec::with_capacity(threads);
    let mut handles = Vec::with_capacity(threads);
    for t in 0..threads {
        let (tx, rx) = tokio::sync::mpsc::channel::<GeneratedChunk>(2);
        let generator = Arc::clone(&generator);
        let handle = std::thread::Builder::new()
            .name(format!("synth-{t}"))
            .spawn(move || {
                for index in (t as u64..generator.chunks()).step_by(threads) {
                    if tx.blocking_send(generator.chunk(index)).is_err() {
                        break;
                    }
                }
            })
            .context("starting a generator thread")?;
        receivers.push(rx);
        handles.push(handle);
    }

    let mut writer = BulkWriter::begin(store, options.recorded_at).await?;
    let mut report = GenerateReport {
        clients: 0,
        duplicates: 0,
        immunizations: 0,
        first_record,
    };
    let mut failure = None;
    for index in 0..chunks {
        let Some(chunk) = receivers[(index % threads as u64) as usize].recv().await else {
            failure = Some(anyhow::anyhow!(
                "generator thread stopped before chunk {index}"
            ));
            break;
        };
        if let Err(e) = writer.write(&chunk.batch).await {
            failure = Some(anyhow::Error::from(e).context(format!("writing chunk {index}")));
            break;
        }
        report.clients += chunk.batch.clients.len() as u64;
        report.duplicates += chunk
            .batch
            .truth
            .iter()
            .filter(|t| t.variant != "original")
            .count() as u64;
        report.immunizations += chunk.batch.immunizations.len() as u64;
        progress(report.clients);
    }
    drop(receivers);
    for handle in handles {
        if handle.join().is_err() && failure.is_none() {
            failure = Some(anyhow::anyhow!("a generator thread panicked"));
        }
    }
    writer.finish().await?;
    match failure {
        Some(e) => Err(e),
        None => Ok(report),
    }
}

#[cfg(test)]
mod tests;
