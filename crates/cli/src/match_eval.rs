//! `shotbook match-eval`: measures the Smart-search matcher on labelled files (FEBRL,
//! pseudopeople) — precision, recall, F1, recall@1 and the false-"found" rate.
//!
//! The master records are loaded into a fresh in-memory registry through the bulk loader, and
//! every query record runs the real Smart search (`match_index::smart_search`: indexed
//! blocking keys, then the core matcher); the best-scoring candidate at or above the threshold
//! is the answer ("found"). A query whose person is in the master
//! (by the truth key or the links file) is correct when that answer is one of its records.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::{bail, Context};
use serde::Serialize;
use shotbook_core::ids::ClientId;
use shotbook_core::matching::fs::{self, FsModel, TrainOptions};
use shotbook_core::matching::{Dob, Frequencies, PersonRecord, Prepared, Sex};
use shotbook_store::bulk::{Batch, BulkWriter};
use shotbook_store::clients::NewClient;
use shotbook_store::{match_index, Store};
use time::OffsetDateTime;

use crate::args::MatchEvalArgs;

/// One file's records with their ids and truth keys.
struct Table {
    ids: Vec<String>,
    keys: Vec<String>,
    records: Vec<PersonRecord>,
}

fn column(headers: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(n))
    })
}

fn load(path: &Path, key: Option<&str>) -> anyhow::Result<Table> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let given = column(
        &headers,
        &["given_name", "first_name", "firstname", "given"],
    );
    let family = column(
        &headers,
        &["surname", "last_name", "lastname", "family_name"],
    );
    let (Some(given), Some(family)) = (given, family) else {
        bail!(
            "{}: no given/first name or surname/last name column",
            path.display()
        );
    };
    let middle = column(&headers, &["middle_name", "middle_initial", "middle"]);
    let dob = column(&headers, &["date_of_birth", "dob", "birth_date"]);
    let sex = column(&headers, &["sex", "gender"]);
    let zip = column(&headers, &["zipcode", "postcode", "zip"]);
    let street_number = column(&headers, &["street_number"]);
    let street = column(&headers, &["address_1", "street_name", "street", "address"]);
    let maiden = column(&headers, &["mother_maiden_name", "mothers_maiden_name"]);
    let id = column(&headers, &["rec_id", "id", "record_id"]).unwrap_or(0);
    let key = match key {
        Some(k) => Some(
            column(&headers, &[k]).with_context(|| format!("{}: no column {k}", path.display()))?,
        ),
        None => None,
    };
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    let field = |r: &csv::StringRecord, c: Option<usize>| -> String {
        c.and_then(|c| r.get(c)).unwrap_or("").trim().to_owned()
    };
    // Date order: whichever reading gives plausible dates for more rows.
    let plausible = |d: Option<Dob>| {
        d.is_some_and(|d| (1850..=2100).contains(&d.year) && (1..=12).contains(&d.month))
    };
    let (mut ymd, mut mdy) = (0usize, 0usize);
    for r in rows.iter().take(2000) {
        let t = field(r, dob);
        ymd += usize::from(plausible(Dob::parse_digits(&t, false)));
        mdy += usize::from(plausible(Dob::parse_digits(&t, true)));
    }
    let month_first = mdy > ymd;
    let mut table = Table {
        ids: Vec::with_capacity(rows.len()),
        keys: Vec::with_capacity(rows.len()),
        records: Vec::with_capacity(rows.len()),
    };
    for r in &rows {
        let dob_text = field(r, dob);
        // Slashed US dates are month first whatever the file's majority says.
        let mdy = month_first || dob_text.contains('/');
        let mut p = PersonRecord::new(&field(r, Some(given)), &field(r, Some(family)), None);
        p.dob = Dob::parse_digits(&dob_text, mdy);
        p.middle = field(r, middle);
        p.sex = Sex::parse(&field(r, sex));
        p.zip = field(r, zip);
        p.mother_maiden = field(r, maiden);
        p.street = format!("{} {}", field(r, street_number), field(r, street))
            .trim()
            .to_owned();
        table.ids.push(field(r, Some(id)));
        table.keys.push(field(r, key));
        table.records.push(p);
    }
    Ok(table)
}

/// The figures `match-eval` prints.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Query records.
    pub queries: usize,
    /// Master records.
    pub master: usize,
    /// Queries whose person is in the master.
    pub queries_in_master: usize,
    /// Score threshold for "found" (with `--em`, a match probability).
    pub threshold: f64,
    /// "hand-set" (today's weights and score threshold) or "em" (weights estimated from the
    /// two files, probability threshold).
    pub mode: &'static str,
    /// With `--em`: the trained model (m/u per level, λ, how it was trained).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<FsModel>,
    /// With `--em`: training time, milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub training_ms: Option<u128>,
    /// Found and right.
    pub true_positives: usize,
    /// Found but wrong (another person, or a person not in the master).
    pub false_positives: usize,
    /// In the master but not found, or found as somebody else.
    pub false_negatives: usize,
    /// TP / (TP + FP).
    pub precision: f64,
    /// TP / queries in the master.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Share of queries in the master whose top-ranked candidate is right (any score).
    pub recall_at_1: f64,
    /// Queries whose person is not in the master.
    pub queries_not_in_master: usize,
    /// Share of those reported as found.
    pub false_found_rate: f64,
    /// Mean time of one Smart search, milliseconds.
    pub mean_query_ms: f64,
    /// Wall time of the searches, milliseconds.
    pub elapsed_ms: u128,
}

/// Loads the master records into `store` as clients; returns each client's record index.
async fn load_registry(
    store: &Store,
    records: &[PersonRecord],
) -> anyhow::Result<HashMap<String, usize>> {
    let mut by_client_id = HashMap::with_capacity(records.len());
    let mut writer = BulkWriter::begin(store, OffsetDateTime::now_utc()).await?;
    for (chunk_no, chunk) in records.chunks(5_000).enumerate() {
        let clients: Vec<NewClient> = chunk
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let client = NewClient {
                    id: ClientId::new(),
                    first_name: r.given.clone(),
                    middle_name: Some(r.middle.clone()).filter(|m| !m.is_empty()),
                    last_name: r.family.clone(),
                    // Kept digit for digit, impossible dates included: the matcher compares
                    // digits, and a typo'd date is what the evaluation is about.
                    date_of_birth: r
                        .dob
                        .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
                        .unwrap_or_default(),
                    gender: match r.sex {
                        Some(Sex::Female) => "F",
                        Some(Sex::Male) => "M",
                        None => "U",
                    }
                    .into(),
                    mother_maiden_name: Some(r.mother_maiden.clone()).filter(|m| !m.is_empty()),
                    address_line1: Some(r.street.clone()).filter(|s| !s.is_empty()),
                    zip: Some(r.zip.clone()).filter(|z| !z.is_empty()),
                    consent: "granted".into(),
                    ..NewClient::default()
                };
                by_client_id.insert(client.id.to_string(), chunk_no * 5_000 + i);
                client
            })
            .collect();
        writer
            .write(&Batch {
                clients,
                ..Batch::default()
            })
            .await?;
    }
    writer.finish().await?;
    Ok(by_client_id)
}

/// Runs the evaluation.
pub async fn evaluate(args: &MatchEvalArgs) -> anyhow::Result<Report> {
    let key = args.key.as_deref();
    let query = load(&args.query, key)?;
    let same_file = args.query.canonicalize().ok() == args.master.canonicalize().ok();
    let master = if same_file {
        None
    } else {
        Some(load(&args.master, key)?)
    };
    let master = master.as_ref().unwrap_or(&query);
    // Truth: for each query row, the master rows that are the same person.
    let truth: Vec<HashSet<usize>> = if let Some(links) = &args.links {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(links)
            .with_context(|| format!("opening {}", links.display()))?;
        let mut by_master_id: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, id) in master.ids.iter().enumerate() {
            by_master_id.entry(id).or_default().push(i);
        }
        let mut linked: HashMap<String, HashSet<usize>> = HashMap::new();
        for r in reader.records() {
            let r = r?;
            let (Some(q), Some(m)) = (r.get(0), r.get(1)) else {
                continue;
            };
            for &i in by_master_id.get(m.trim()).into_iter().flatten() {
                linked.entry(q.trim().to_owned()).or_default().insert(i);
                if same_file {
                    // A dedup links file is symmetric.
                    linked.entry(m.trim().to_owned()).or_default();
                }
            }
        }
        if same_file {
            let pairs: Vec<(String, usize)> = linked
                .iter()
                .flat_map(|(q, ms)| ms.iter().map(move |&m| (q.clone(), m)))
                .collect();
            for (q, m) in pairs {
                for (i, id) in master.ids.iter().enumerate() {
                    if *id == q {
                        linked.entry(master.ids[m].clone()).or_default().insert(i);
                    }
                }
            }
        }
        query
            .ids
            .iter()
            .enumerate()
            .map(|(qi, id)| {
                let mut set = linked.get(id).cloned().unwrap_or_default();
                if same_file {
                    set.remove(&qi);
                }
                set
            })
            .collect()
    } else if key.is_some() {
        let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, k) in master.keys.iter().enumerate() {
            if !k.is_empty() {
                by_key.entry(k).or_default().push(i);
            }
        }
        query
            .keys
            .iter()
            .enumerate()
            .map(|(qi, k)| {
                by_key
                    .get(k.as_str())
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&m| !(same_file && m == qi))
                    .collect()
            })
            .collect()
    } else {
        bail!("give --key COLUMN or --links FILE");
    };

    // The master file becomes a registry: loaded through the bulk path (which files every
    // client in the Smart-search index), then each query runs the real Smart search.
    let store = Store::open_in_memory().await?;
    let by_client_id = load_registry(&store, &master.records).await?;
    // --em: the model is trained on the records alone (the truth above is not passed in).
    let trained = args.em.map(|_| {
        let start = std::time::Instant::now();
        let model = fs::train(
            &query.records,
            &master.records,
            same_file,
            &TrainOptions::default(),
        );
        (model, start.elapsed().as_millis())
    });
    let em = trained.as_ref().map(|(model, _)| {
        let prepared: Vec<Prepared> = master.records.iter().map(Prepared::new).collect();
        let freq = frequencies(&prepared);
        (model, prepared, freq)
    });
    let threshold = args.em.unwrap_or(args.threshold);
    let start = std::time::Instant::now();
    let (mut tp, mut fp, mut fn_, mut top1, mut in_master, mut false_found) = (0, 0, 0, 0, 0, 0);
    for (qi, q) in query.records.iter().enumerate() {
        // Deduplicating a file against itself: a record never answers for itself.
        let best = if let Some((model, prepared, freq)) = &em {
            // Smart search's candidates, ranked by the trained model's match probability.
            let ranked = match_index::smart_search(
                &store,
                q,
                match_index::Bar::ANY,
                match_index::MAX_SCORED,
            )
            .await?;
            let pq = Prepared::new(q);
            ranked
                .iter()
                .map(|c| by_client_id[&c.client_id])
                .filter(|&m| !(same_file && m == qi))
                .map(|m| (m, model.score(&pq, &prepared[m], Some(freq)).probability))
                .fold(None, |best: Option<(usize, f64)>, (m, p)| match best {
                    Some((_, bp)) if bp >= p => best,
                    _ => Some((m, p)),
                })
        } else {
            let ranked = match_index::smart_search(&store, q, match_index::Bar::ANY, 2).await?;
            ranked
                .iter()
                .map(|m| (by_client_id[&m.client_id], m.score.score))
                .find(|&(m, _)| !(same_file && m == qi))
        };
        let right = &truth[qi];
        let found = best.filter(|&(_, score)| score >= threshold);
        if right.is_empty() {
            if found.is_some() {
                fp += 1;
                false_found += 1;
            }
            continue;
        }
        in_master += 1;
        if best.is_some_and(|(m, _)| right.contains(&m)) {
            top1 += 1;
        }
        match found {
            Some((m, _)) if right.contains(&m) => tp += 1,
            Some(_) => {
                fp += 1;
                fn_ += 1;
            }
            None => fn_ += 1,
        }
    }
    let elapsed = start.elapsed();
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, in_master);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    let not_in = query.records.len() - in_master;
    Ok(Report {
        queries: query.records.len(),
        master: master.records.len(),
        queries_in_master: in_master,
        threshold,
        mode: if args.em.is_some() { "em" } else { "hand-set" },
        training_ms: trained.as_ref().map(|(_, ms)| *ms),
        model: trained.map(|(model, _)| model),
        true_positives: tp,
        false_positives: fp,
        false_negatives: fn_,
        precision,
        recall,
        f1,
        recall_at_1: ratio(top1, in_master),
        queries_not_in_master: not_in,
        false_found_rate: ratio(false_found, not_in),
        mean_query_ms: if query.records.is_empty() {
            0.0
        } else {
            elapsed.as_secs_f64() * 1000.0 / query.records.len() as f64
        },
        elapsed_ms: elapsed.as_millis(),
    })
}

/// Name frequencies of the master records, for the model's term-frequency adjustment.
fn frequencies(records: &[Prepared]) -> Frequencies {
    let mut given: HashMap<String, u32> = HashMap::new();
    let mut family: HashMap<String, u32> = HashMap::new();
    for p in records {
        if !p.given_key().is_empty() {
            *given.entry(p.given_key().to_owned()).or_default() += 1;
        }
        if !p.family_key().is_empty() {
            *family.entry(p.family_key().to_owned()).or_default() += 1;
        }
    }
    Frequencies::from_counts(records.len() as u32, given, family)
}

/// Runs the subcommand.
pub async fn run(args: MatchEvalArgs) -> anyhow::Result<()> {
    let r = evaluate(&args).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!(
            "{} queries ({} in the master of {}), {} threshold {}",
            r.queries,
            r.queries_in_master,
            r.master,
            if r.model.is_some() {
                "match probability"
            } else {
                "score"
            },
            r.threshold
        );
        if let (Some(m), Some(ms)) = (&r.model, r.training_ms) {
            println!(
                "EM model trained in {ms} ms on {} candidate pairs and {} random pairs: \
                 λ {:.5}, {} iterations{}",
                m.training.candidate_pairs,
                m.training.random_pairs,
                m.lambda,
                m.training.iterations,
                if m.training.converged {
                    ""
                } else {
                    " (not converged)"
                }
            );
        }
        println!(
            "precision {:.4}  recall {:.4}  F1 {:.4}  recall@1 {:.4}",
            r.precision, r.recall, r.f1, r.recall_at_1
        );
        println!(
            "false \"found\" rate {:.4} of {} queries not in the master",
            r.false_found_rate, r.queries_not_in_master
        );
        println!(
            "TP {} FP {} FN {}; {:.2} ms per Smart search, {} ms in all",
            r.true_positives, r.false_positives, r.false_negatives, r.mean_query_ms, r.elapsed_ms
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(given: &str, family: &str, dob: (u16, u8, u8), zip: &str) -> PersonRecord {
        let mut p = PersonRecord::new(given, family, Some(Dob::new(dob.0, dob.1, dob.2)));
        p.zip = zip.to_owned();
        p
    }

    #[test]
    fn a_trained_model_is_stored_as_json_and_scores_the_same_when_read_back() {
        let mut records = Vec::new();
        let names = [
            ("Ana", "Lopez"),
            ("Liam", "Walker"),
            ("Maria", "Garcia"),
            ("John", "Smith"),
        ];
        for (i, (g, f)) in names.iter().cycle().take(40).enumerate() {
            let year = 1950 + (i as u16 * 7) % 70;
            records.push(person(
                g,
                f,
                (year, 1 + (i % 12) as u8, 1 + (i % 28) as u8),
                "59601",
            ));
            if i % 3 == 0 {
                records.push(person(
                    g,
                    &format!("{f}e"),
                    (year, 1 + (i % 12) as u8, 1 + (i % 28) as u8),
                    "59601",
                ));
            }
        }
        let options = TrainOptions {
            random_pairs: 20_000,
            ..TrainOptions::default()
        };
        let model = fs::train(&records, &records, true, &options);
        let json = serde_json::to_string(&model).unwrap();
        let back: FsModel = serde_json::from_str(&json).unwrap();
        assert_eq!(back.fields.len(), model.fields.len());
        assert_eq!(
            back.training.candidate_pairs,
            model.training.candidate_pairs
        );
        let prepared: Vec<Prepared> = records.iter().map(Prepared::new).collect();
        let freq = frequencies(&prepared);
        for a in prepared.iter().take(10) {
            for b in prepared.iter().take(10) {
                let (x, y) = (
                    model.score(a, b, Some(&freq)),
                    back.score(a, b, Some(&freq)),
                );
                assert!((x.match_weight - y.match_weight).abs() < 1e-9);
                assert_eq!(x.reasons, y.reasons);
            }
        }
    }
}
