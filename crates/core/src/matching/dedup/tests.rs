use super::*;
use crate::matching::{Dob, PersonRecord, Sex};

const GIVEN: [&str; 12] = [
    "Ava", "Noah", "Mia", "Ethan", "Zoe", "Lucas", "Ivy", "Mason", "Nora", "Caleb", "Ruby", "Owen",
];
const FAMILY: [&str; 10] = [
    "Schultz",
    "Petrov",
    "Adeyemi",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Kowalczyk",
    "Haddad",
    "Oyelaran",
    "Fitzgerald",
];

/// 120 different people: distinct name pairs, birthdays spread over years and days.
fn strangers() -> Vec<PersonRecord> {
    let mut out = Vec::new();
    for (i, g) in GIVEN.iter().enumerate() {
        for (j, f) in FAMILY.iter().enumerate() {
            let k = i * FAMILY.len() + j;
            let mut r = PersonRecord::new(
                g,
                f,
                Some(Dob::new(
                    2000 + (k % 20) as u16,
                    (k % 12 + 1) as u8,
                    (k % 27 + 1) as u8,
                )),
            );
            r.sex = Some(if i % 2 == 0 { Sex::Female } else { Sex::Male });
            out.push(r);
        }
    }
    out
}

fn run(
    records: &[PersonRecord],
    dismissed: &HashSet<(u32, u32)>,
    options: &DedupOptions,
) -> DedupOutcome {
    let prepared: Vec<Prepared> = records.iter().map(Prepared::new).collect();
    deduplicate(
        &prepared,
        &FsModel::hand_set(),
        dismissed,
        options,
        &|_, _| {},
        &AtomicBool::new(false),
    )
}

fn with(extra: &[PersonRecord]) -> (Vec<PersonRecord>, u32) {
    let mut all = strangers();
    let first = all.len() as u32;
    all.extend_from_slice(extra);
    (all, first)
}

fn olivia(family: &str, year: u16) -> PersonRecord {
    let mut r = PersonRecord::new("Olivia", family, Some(Dob::new(year, 6, 21)));
    r.sex = Some(Sex::Female);
    r.middle = "Grace".into();
    r
}

#[test]
fn strangers_form_no_cluster() {
    let out = run(&strangers(), &HashSet::new(), &DedupOptions::default());
    assert_eq!(out.records, 120);
    assert!(
        out.pairs_scored > 0,
        "the blocks brought some pairs together"
    );
    assert!(out.clusters.is_empty(), "{:?}", out.clusters);
}

#[test]
fn a_mistyped_birth_year_and_a_changed_surname_are_still_found() {
    // Born 2019, entered again as 2016 under the father's surname; her mother's maiden name
    // is the first record's surname. No key of Smart search is shared: only the year-free ones.
    let first = olivia("Brennan", 2019);
    let mut again = olivia("Okafor", 2016);
    again.mother_maiden = "Brennan".into();
    let (p, q) = (Prepared::new(&first), Prepared::new(&again));
    let (mk, qk) = (p.master_keys(), q.master_keys());
    assert!(
        !mk.iter().any(|k| qk.contains(k)),
        "the pair shares no Smart-search key: {mk:?} / {qk:?}"
    );
    let (records, at) = with(&[first, again]);
    let out = run(&records, &HashSet::new(), &DedupOptions::default());
    assert_eq!(out.clusters.len(), 1, "{:?}", out.clusters);
    let cluster = &out.clusters[0];
    assert_eq!(cluster.members, vec![at, at + 1]);
    assert_eq!(cluster.pairs.len(), 1);
    assert!(
        cluster.pairs[0].verdict.probability >= thresholds::LIKELY,
        "{:?}",
        cluster.pairs[0]
    );
}

#[test]
fn three_records_of_one_child_form_one_cluster_listing_every_pair() {
    let dob = Some(Dob::new(2019, 3, 14));
    let mut william = PersonRecord::new("William", "Garcia", dob);
    william.sex = Some(Sex::Male);
    william.zip = "59101".into();
    let mut bill = william.clone();
    bill.given = "Bill".into();
    let mut typo = william.clone();
    typo.family = "Garsia".into();
    typo.dob = Some(Dob::new(2019, 14, 3));
    let (records, at) = with(&[william, bill, typo]);
    let out = run(&records, &HashSet::new(), &DedupOptions::default());
    assert_eq!(out.clusters.len(), 1, "{:?}", out.clusters);
    let c = &out.clusters[0];
    assert_eq!(c.members, vec![at, at + 1, at + 2]);
    let pairs: Vec<(u32, u32)> = c.pairs.iter().map(|p| (p.a, p.b)).collect();
    for pair in [(at, at + 1), (at, at + 2), (at + 1, at + 2)] {
        assert!(pairs.contains(&pair), "{pair:?} listed: {pairs:?}");
    }
    assert!(
        c.pairs
            .windows(2)
            .all(|w| w[0].verdict.probability >= w[1].verdict.probability),
        "most likely first"
    );
    assert!(c.merges.is_empty(), "automatic merging is off by default");
}

#[test]
fn a_pair_a_person_dismissed_neither_links_nor_merges() {
    let twin = |given: &str| {
        let mut r = PersonRecord::new(given, "Lindgren", Some(Dob::new(2020, 1, 9)));
        r.sex = Some(Sex::Female);
        r
    };
    // Two entries of Elin, and her twin Elina entered with a typo that makes her look alike.
    let (records, at) = with(&[twin("Elin"), twin("Elin"), twin("Elina")]);
    let options = DedupOptions {
        auto_merge_at: Some(0.5),
        ..DedupOptions::default()
    };
    let open = run(&records, &HashSet::new(), &options);
    assert_eq!(open.clusters.len(), 1);
    assert!(
        !open.clusters[0].merges.is_empty(),
        "merged when nobody said otherwise"
    );

    let dismissed: HashSet<(u32, u32)> = [(at, at + 1)].into();
    let out = run(&records, &dismissed, &options);
    for c in &out.clusters {
        assert!(
            c.merges.is_empty(),
            "a cluster with a dismissed pair is not merged: {c:?}"
        );
        if c.members == vec![at, at + 1] {
            panic!("the dismissed pair alone linked its records");
        }
    }
}

#[test]
fn only_pairs_above_the_automatic_bar_are_proposed_for_merging() {
    let dob = Some(Dob::new(2017, 8, 2));
    let mut exact = PersonRecord::new("Theodore", "Vukovic", dob);
    exact.sex = Some(Sex::Male);
    exact.middle = "James".into();
    exact.mother_maiden = "Ferreira".into();
    exact.zip = "73301".into();
    exact.street = "12 Oak St".into();
    let same = exact.clone();
    let mut nickname = exact.clone();
    nickname.given = "Teddy".into();
    nickname.street = String::new();
    nickname.mother_maiden = String::new();
    nickname.dob = Some(Dob::new(2017, 2, 8));
    let (records, at) = with(&[exact, same, nickname]);
    let options = DedupOptions {
        auto_merge_at: Some(0.999_999),
        ..DedupOptions::default()
    };
    let out = run(&records, &HashSet::new(), &options);
    assert_eq!(out.clusters.len(), 1);
    let c = &out.clusters[0];
    let proposed: Vec<(u32, u32)> = c.merges.iter().map(|m| (m.0, m.1)).collect();
    assert!(proposed.contains(&(at, at + 1)), "identical records: {c:?}");
    let weaker = c.pairs.iter().find(|p| (p.a, p.b) == (at, at + 2)).unwrap();
    assert_eq!(
        proposed.contains(&(at, at + 2)),
        weaker.verdict.probability >= 0.999_999,
        "{weaker:?}"
    );
    assert!(weaker.verdict.probability < 0.999_999, "{weaker:?}");
}

#[test]
fn cancelling_stops_after_the_chunk_in_progress() {
    let records: Vec<Prepared> = strangers().iter().map(Prepared::new).collect();
    let cancel = AtomicBool::new(false);
    let calls = Mutex::new(Vec::new());
    let out = deduplicate(
        &records,
        &FsModel::hand_set(),
        &HashSet::new(),
        &DedupOptions {
            workers: 1,
            chunk: 10,
            ..DedupOptions::default()
        },
        &|done, total| {
            calls.lock().unwrap().push((done, total));
            cancel.store(true, Ordering::Relaxed);
        },
        &cancel,
    );
    assert!(out.cancelled);
    assert_eq!(out.records_done, 10);
    assert_eq!(*calls.lock().unwrap(), vec![(10, 120)]);

    let whole = run(&strangers(), &HashSet::new(), &DedupOptions::default());
    assert!(!whole.cancelled);
    assert_eq!(whole.records_done, 120);
    assert!(whole.pairs_scored > out.pairs_scored);
}

#[test]
fn two_workers_score_the_same_pairs_as_one() {
    let dob = Some(Dob::new(2019, 3, 14));
    let (records, _) = with(&[
        PersonRecord::new("William", "Garcia", dob),
        PersonRecord::new("Bill", "Garcia", dob),
    ]);
    let one = run(
        &records,
        &HashSet::new(),
        &DedupOptions {
            workers: 1,
            chunk: 7,
            ..DedupOptions::default()
        },
    );
    let two = run(
        &records,
        &HashSet::new(),
        &DedupOptions {
            workers: 2,
            chunk: 7,
            ..DedupOptions::default()
        },
    );
    assert_eq!(one, two);
    assert_eq!(one.clusters.len(), 1);
}
