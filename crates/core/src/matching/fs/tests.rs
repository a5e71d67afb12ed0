use super::*;
use crate::matching::{Dob, Sex};
use proptest::prelude::*;

/// Draws a level from a distribution.
fn draw(rng: &mut SplitMix64, p: &[f64]) -> u8 {
    let x = rng.unit();
    let mut acc = 0.0;
    for (i, v) in p.iter().enumerate() {
        acc += v;
        if x < acc {
            return i as u8;
        }
    }
    (p.len() - 1) as u8
}

/// A distribution over `n` levels with most mass on `peak`, shaped by `seed`.
fn peaked(n: usize, peak: usize, mass: f64, rng: &mut SplitMix64) -> Vec<f64> {
    let rest: Vec<f64> = (0..n).map(|_| 0.2 + rng.unit()).collect();
    let rest_total: f64 = rest
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != peak)
        .map(|(_, v)| v)
        .sum();
    (0..n)
        .map(|i| {
            if i == peak {
                mass
            } else {
                (1.0 - mass) * rest[i] / rest_total
            }
        })
        .collect()
}

struct Synthetic {
    m: Vec<Vec<f64>>,
    u: Vec<Vec<f64>>,
    lambda: f64,
    candidates: Patterns,
    random: Patterns,
}

/// Comparison vectors drawn from known m, u and λ (10 % of fields missing).
fn synthetic(seed: u64, lambda: f64, pairs: usize) -> Synthetic {
    let mut rng = SplitMix64::new(seed);
    let counts = level_counts();
    let m: Vec<Vec<f64>> = counts
        .iter()
        .map(|&n| peaked(n, 0, 0.6 + 0.3 * rng.unit(), &mut rng))
        .collect();
    let u: Vec<Vec<f64>> = counts
        .iter()
        .map(|&n| peaked(n, n - 1, 0.7 + 0.25 * rng.unit(), &mut rng))
        .collect();
    let sample = |from_m: bool, rng: &mut SplitMix64| {
        let mut g = [NULL; FIELD_COUNT];
        for f in 0..FIELD_COUNT {
            if rng.unit() < 0.1 {
                continue;
            }
            g[f] = draw(rng, if from_m { &m[f] } else { &u[f] });
        }
        g
    };
    let mut candidates: Patterns = HashMap::new();
    for _ in 0..pairs {
        let is_match = rng.unit() < lambda;
        *candidates.entry(sample(is_match, &mut rng)).or_default() += 1.0;
    }
    let mut random: Patterns = HashMap::new();
    for _ in 0..pairs {
        *random.entry(sample(false, &mut rng)).or_default() += 1.0;
    }
    Synthetic {
        m,
        u,
        lambda,
        candidates,
        random,
    }
}

fn max_abs_diff(a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
    a.iter()
        .flatten()
        .zip(b.iter().flatten())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

#[test]
fn random_pairs_recover_the_u_probabilities() {
    let s = synthetic(7, 0.1, 200_000);
    let u = estimate_u(&s.random);
    let d = max_abs_diff(&u, &s.u);
    assert!(d < 0.01, "u off by {d}");
}

#[test]
fn em_recovers_known_m_and_lambda_from_unlabelled_pairs() {
    for (seed, lambda) in [(1, 0.05), (2, 0.2), (3, 0.5)] {
        let s = synthetic(seed, lambda, 200_000);
        let u = estimate_u(&s.random);
        // Start far from the truth: the hand-set prior, with no weight on it.
        let start = prior_m(&u);
        let fit = em(&s.candidates, &u, &start, 0.0, 0.01, 500, 1e-8);
        let d = max_abs_diff(&fit.m, &s.m);
        assert!(d < 0.02, "seed {seed}: m off by {d}");
        assert!(
            (fit.lambda - s.lambda).abs() < 0.01,
            "seed {seed}: λ {} for {}",
            fit.lambda,
            s.lambda
        );
        assert!(fit.converged, "seed {seed} did not converge");
    }
}

#[test]
fn without_data_the_hand_set_prior_is_the_model() {
    let u = estimate_u(&HashMap::new());
    let prior = prior_m(&u);
    let fit = em(&HashMap::new(), &u, &prior, 20.0, 0.01, 50, 1e-9);
    assert!(max_abs_diff(&fit.m, &prior) < 1e-12);
    // And a handful of pairs barely moves it.
    let mut few: Patterns = HashMap::new();
    few.insert([7, 6, 8, 1, 2, 1, 2, 2], 3.0);
    let fit = em(&few, &u, &prior, 20.0, 0.01, 50, 1e-9);
    assert!(max_abs_diff(&fit.m, &prior) < 0.2);
    let model = FsModel::from_parts(&fit.m, &u, fit.lambda, TrainingSummary::default());
    assert!(model.weight(field::DOB, 0) > model.weight(field::DOB, 8));
}

#[test]
fn the_hand_set_model_keeps_todays_weights() {
    let model = FsModel::hand_set();
    for (f, spec) in SPECS.iter().enumerate() {
        for (l, (_, _, w)) in spec.levels.iter().enumerate() {
            let got = model.weight(f, l as u8);
            // Renormalising m shifts every level of a field by the same amount.
            let shift = got - w;
            let first = model.weight(f, 0) - spec.levels[0].2;
            assert!((shift - first).abs() < 1e-9, "{} {l}", spec.name);
        }
    }
}

fn person(given: &str, family: &str, dob: (u16, u8, u8)) -> PersonRecord {
    PersonRecord::new(given, family, Some(Dob::new(dob.0, dob.1, dob.2)))
}

#[test]
fn comparison_levels_name_the_error() {
    let p = |r: &PersonRecord| Prepared::new(r);
    let base = person("William", "Baker", (2010, 2, 11));
    let (g, swapped) = gamma(&p(&base), &p(&person("Bill", "Baker", (2010, 11, 2))));
    assert_eq!(g[field::GIVEN], given_level::NICKNAME);
    assert_eq!(g[field::FAMILY], family_level::EXACT);
    assert_eq!(g[field::DOB], 1, "day and month swapped");
    assert!(!swapped);
    let (g, swapped) = gamma(&p(&base), &p(&person("Baker", "William", (2010, 2, 11))));
    assert!(swapped);
    assert_eq!(g[field::GIVEN], given_level::EXACT);
    let (g, _) = gamma(&p(&base), &p(&person("William", "Baker", (2050, 2, 11))));
    assert_eq!(g[field::DOB], 3, "one digit of the year");
    let (g, _) = gamma(&p(&base), &p(&person("William", "Baker", (1987, 2, 11))));
    assert_eq!(g[field::DOB], 5, "another year, same month and day");
    let (g, _) = gamma(&p(&base), &p(&PersonRecord::new("", "Baker", None)));
    assert_eq!(g[field::GIVEN], NULL);
    assert_eq!(g[field::DOB], NULL);
    let mut a = base.clone();
    let mut b = base.clone();
    a.sex = Some(Sex::Male);
    b.sex = Some(Sex::Female);
    a.zip = "59601".into();
    b.zip = "59610".into();
    let (g, _) = gamma(&p(&a), &p(&b));
    assert_eq!(g[field::SEX], 1);
    assert_eq!(g[field::ZIP], 1, "transposed ZIP digits");
}

#[test]
fn a_common_name_weighs_less_than_a_rare_one() {
    let model = FsModel::hand_set();
    let mut given = HashMap::new();
    given.insert("MARIA".to_owned(), 5_000);
    given.insert("ZENOBIA".to_owned(), 2);
    let freq = Frequencies::from_counts(100_000, given, HashMap::new());
    let score = |name: &str| {
        let r = person(name, "Garcia", (2019, 3, 14));
        let p = Prepared::new(&r);
        model.score(&p, &p, Some(&freq))
    };
    let (common, rare) = (score("Maria"), score("Zenobia"));
    assert!(rare.bayes_factor_bits > common.bayes_factor_bits + 4.0);
    assert!(rare.probability >= common.probability);
    assert!(common.reasons.contains(&"given name exact".to_owned()));
    // Reasons come strongest first.
    let weights: Vec<f64> = common
        .reasons
        .iter()
        .map(|r| {
            let (f, l) = (0..FIELD_COUNT)
                .flat_map(|f| (0..SPECS[f].levels.len()).map(move |l| (f, l)))
                .find(|&(f, l)| SPECS[f].levels[l].1 == r)
                .expect("a level's reason");
            if l == 0 && (f == field::GIVEN || f == field::FAMILY) {
                f64::INFINITY // frequency-adjusted; checked above
            } else {
                model.weight(f, l as u8).abs()
            }
        })
        .filter(|w| w.is_finite())
        .collect();
    assert!(weights.windows(2).all(|w| w[0] >= w[1]), "{common:?}");
}

/// A small synthetic population: people, and for some of them a second record with the kind
/// of errors clerks make.
fn population(n: usize, seed: u64) -> (Vec<PersonRecord>, Vec<usize>) {
    const GIVEN: &[&str] = &[
        "James",
        "Mary",
        "Robert",
        "Patricia",
        "John",
        "Jennifer",
        "Michael",
        "Linda",
        "David",
        "Elizabeth",
        "William",
        "Barbara",
        "Richard",
        "Susan",
        "Joseph",
        "Jessica",
        "Thomas",
        "Sarah",
        "Charles",
        "Karen",
        "Daniel",
        "Nancy",
        "Matthew",
        "Lisa",
        "Anthony",
        "Betty",
        "Mark",
        "Sandra",
        "Donald",
        "Ashley",
        "Steven",
        "Kimberly",
        "Andrew",
        "Emily",
        "Paul",
        "Donna",
        "Joshua",
        "Michelle",
        "Kenneth",
        "Carol",
        "Kevin",
        "Amanda",
        "Brian",
        "Melissa",
    ];
    const FAMILY: &[&str] = &[
        "Smith",
        "Johnson",
        "Williams",
        "Brown",
        "Jones",
        "Garcia",
        "Miller",
        "Davis",
        "Rodriguez",
        "Martinez",
        "Hernandez",
        "Lopez",
        "Gonzalez",
        "Wilson",
        "Anderson",
        "Thomas",
        "Taylor",
        "Moore",
        "Jackson",
        "Martin",
        "Lee",
        "Perez",
        "Thompson",
        "White",
        "Harris",
        "Sanchez",
        "Clark",
        "Ramirez",
        "Lewis",
        "Robinson",
        "Walker",
        "Young",
        "Allen",
        "King",
        "Wright",
        "Scott",
        "Torres",
        "Nguyen",
        "Hill",
        "Flores",
        "Green",
        "Adams",
        "Nelson",
        "Baker",
        "Hall",
        "Rivera",
        "Campbell",
        "Mitchell",
        "Carter",
    ];
    let mut rng = SplitMix64::new(seed);
    let mut people = Vec::new();
    let mut truth = Vec::new();
    for i in 0..n {
        let mut r = person(
            GIVEN[rng.below(GIVEN.len())],
            FAMILY[rng.below(FAMILY.len())],
            (
                1940 + rng.below(80) as u16,
                1 + rng.below(12) as u8,
                1 + rng.below(28) as u8,
            ),
        );
        r.sex = Some(if rng.unit() < 0.5 {
            Sex::Female
        } else {
            Sex::Male
        });
        r.zip = format!("59{:03}", rng.below(200));
        people.push(r);
        truth.push(i);
    }
    for i in 0..n / 2 {
        let mut r = people[i].clone();
        match rng.below(5) {
            0 => {
                // A typo in the surname.
                let mut s: Vec<char> = r.family.chars().collect();
                let k = 1 + rng.below(s.len() - 1);
                s[k] = 'x';
                r.family = s.into_iter().collect();
            }
            1 => {
                let d = r.dob.unwrap();
                if d.day <= 12 && d.day != d.month {
                    r.dob = Some(Dob::new(d.year, d.day, d.month));
                } else {
                    r.dob = Some(Dob::new(d.year + 1, d.month, d.day));
                }
            }
            2 => r.zip = format!("59{:03}", rng.below(200)),
            3 => r.given = r.given[..1].to_owned(),
            _ => {}
        }
        people.push(r);
        truth.push(i);
    }
    (people, truth)
}

#[test]
fn trained_on_unlabelled_duplicates_the_model_separates_them() {
    let (people, truth) = population(1_500, 11);
    let options = TrainOptions {
        random_pairs: 200_000,
        ..TrainOptions::default()
    };
    let model = train(&people, &people, true, &options);
    assert!(model.training.candidate_pairs > 0);
    // The model learned that agreement is evidence for, disagreement against.
    for f in [field::GIVEN, field::FAMILY, field::DOB, field::ZIP] {
        let last = model.fields[f].levels.len() as u8 - 1;
        assert!(
            model.weight(f, 0) > 2.0 && model.weight(f, last) < 0.0,
            "{}: {:?}",
            field_name(f),
            model.fields[f]
        );
    }
    // Best candidate per record, found at the same-person threshold.
    let prepared: Vec<Prepared> = people.iter().map(Prepared::new).collect();
    let pairs = candidate_pairs(&prepared, &prepared, true, 1_000, 200);
    let mut best: Vec<Option<(usize, f64)>> = vec![None; people.len()];
    for (a, b) in pairs {
        let p = model
            .score(&prepared[a as usize], &prepared[b as usize], None)
            .probability;
        let slot = &mut best[a as usize];
        if slot.is_none_or(|(_, bp)| p > bp) {
            *slot = Some((b as usize, p));
        }
    }
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for (i, b) in best.iter().enumerate() {
        let has_twin = truth
            .iter()
            .enumerate()
            .any(|(j, t)| j != i && *t == truth[i]);
        let found = b.filter(|(_, p)| *p >= thresholds::LIKELY);
        match found {
            Some((j, _)) if truth[j] == truth[i] => tp += 1,
            Some(_) => {
                fp += 1;
                fn_ += usize::from(has_twin);
            }
            None => fn_ += usize::from(has_twin),
        }
    }
    let precision = tp as f64 / (tp + fp) as f64;
    let recall = tp as f64 / (tp + fn_) as f64;
    assert!(precision > 0.97 && recall > 0.9, "P {precision} R {recall}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn em_keeps_probabilities_valid(seed in 0u64..1_000, lambda in 0.01f64..0.6, prior in 0.0f64..50.0) {
        let s = synthetic(seed, lambda, 5_000);
        let u = estimate_u(&s.random);
        let fit = em(&s.candidates, &u, &prior_m(&u), prior, 0.1, 100, 1e-7);
        prop_assert!(fit.lambda > 0.0 && fit.lambda < 1.0);
        for levels in &fit.m {
            let total: f64 = levels.iter().sum();
            prop_assert!((total - 1.0).abs() < 1e-6, "sum {}", total);
            prop_assert!(levels.iter().all(|m| *m > 0.0 && *m <= 1.0));
        }
        let model = FsModel::from_parts(&fit.m, &u, fit.lambda, TrainingSummary::default());
        for g in s.candidates.keys().take(50) {
            let p = 1.0 / (1.0 + (-(model.bits(g) + (fit.lambda / (1.0 - fit.lambda)).log2())).exp2());
            prop_assert!((0.0..=1.0).contains(&p));
        }
    }
}

#[test]
fn two_wrong_digits_and_a_one_letter_surname_have_their_own_levels() {
    let p = |r: &PersonRecord| Prepared::new(r);
    let base = person("Kylie", "Bradshaw", (2013, 5, 12));
    let (g, _) = gamma(&p(&base), &p(&person("Kylie", "Bradshaw", (2023, 5, 62))));
    assert_eq!(g[field::DOB], 7, "two digits off");
    let (g, _) = gamma(&p(&base), &p(&person("Kylie", "Bradshaw", (1990, 8, 30))));
    assert_eq!(g[field::DOB], 8, "different");
    let (g, _) = gamma(&p(&base), &p(&person("Kylie", "X", (2013, 5, 12))));
    assert_eq!(
        g[field::FAMILY],
        NULL,
        "a one-letter surname is no evidence against"
    );
    let (g, _) = gamma(&p(&base), &p(&person("Kylie", "B", (2013, 5, 12))));
    assert_eq!(g[field::FAMILY], family_level::INITIAL);
}

#[test]
fn blocking_finds_a_record_without_a_date_by_its_surname() {
    let master = [
        person("Dax", "Stucker", (2018, 5, 6)),
        PersonRecord::new("Asher", "Underwood", None),
        person("Noah", "Quill", (1990, 1, 1)),
    ];
    let m: Vec<Prepared> = master.iter().map(Prepared::new).collect();
    let found = |q: &PersonRecord| {
        candidate_pairs(&[Prepared::new(q)], &m, false, 1_000, 200)
            .into_iter()
            .map(|(_, b)| b)
            .collect::<Vec<_>>()
    };
    // A year-free key (given name + month/day) would find "Dax, 2118" too, but it raised Smart
    // search's false "found" on WIC → SSA from 3 to 5 of 94: left to the registry-wide
    // deduplication job, which can afford a review step.
    assert!(found(&PersonRecord::new("Dax", "", Some(Dob::new(2118, 5, 6)))).is_empty());
    // A stored record without a date of birth is found by its surname alone.
    assert_eq!(found(&person("", "Underwood", (2026, 2, 16))), vec![1]);
    assert!(found(&person("Zed", "Quux", (1901, 1, 1))).is_empty());
}

#[test]
fn training_on_a_sample_of_the_queries_gives_nearly_the_same_model() {
    let (people, _) = population(1_500, 23);
    let full = TrainOptions {
        random_pairs: 200_000,
        ..TrainOptions::default()
    };
    let sampled = TrainOptions {
        max_queries: 700,
        ..full.clone()
    };
    let a = train(&people, &people, true, &full);
    let b = train(&people, &people, true, &sampled);
    assert!(b.training.candidate_pairs < a.training.candidate_pairs);
    for f in [field::GIVEN, field::FAMILY, field::DOB, field::ZIP] {
        for (la, lb) in a.fields[f].levels.iter().zip(&b.fields[f].levels) {
            assert!(
                (la.m - lb.m).abs() < 0.03,
                "{}: {la:?} vs {lb:?}",
                field_name(f)
            );
        }
        let (wa, wb) = (a.weight(f, 0), b.weight(f, 0));
        assert!((wa - wb).abs() < 1.0, "{}: {wa} vs {wb}", field_name(f));
    }
    let ratio = a.lambda / b.lambda;
    assert!(
        (0.5..2.0).contains(&ratio),
        "λ {} vs {}",
        a.lambda,
        b.lambda
    );
}

#[test]
fn a_person_is_found_and_matched_under_an_earlier_surname_or_aka() {
    let model = FsModel::hand_set();
    let stored = person("Maria", "Lopez", (1990, 4, 2));
    let query = person("Maria", "Garcia", (1990, 4, 2));
    let without = model.score(&Prepared::new(&query), &Prepared::new(&stored), None);
    assert!(without.reasons.contains(&"surname differs".to_owned()));
    let stored_aka = Prepared::new(&stored).with_other_names([("", "Garcia"), ("Mary", "")]);
    let with = model.score(&Prepared::new(&query), &stored_aka, None);
    assert!(
        with.reasons.contains(&"surname exact".to_owned())
            && with
                .reasons
                .contains(&"under another name (AKA or earlier surname)".to_owned()),
        "{with:?}"
    );
    assert!(with.probability > without.probability);
    // Filed under the earlier surname too: found without a date of birth.
    let master = [
        stored_aka,
        Prepared::new(&person("Ana", "Quill", (1970, 1, 1))),
    ];
    let q = Prepared::new(&PersonRecord::new("Maria", "Garcia", None));
    let found: Vec<u32> = candidate_pairs(std::slice::from_ref(&q), &master, false, 1_000, 200)
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    assert_eq!(found, vec![0]);
    // A record's own name is not repeated as another name.
    let same = Prepared::new(&stored).with_other_names([("Maria", "Lopez"), ("", "")]);
    assert_eq!(same.other_names.len(), 0);
}

#[test]
fn namesakes_with_gendered_names_are_not_taken_for_matches() {
    // Few names, so many namesakes; the sex follows the given name, as it mostly does.
    const GIVEN: &[(&str, Sex)] = &[
        ("Mary", Sex::Female),
        ("Linda", Sex::Female),
        ("Susan", Sex::Female),
        ("Karen", Sex::Female),
        ("James", Sex::Male),
        ("Robert", Sex::Male),
        ("David", Sex::Male),
        ("Mark", Sex::Male),
    ];
    const FAMILY: &[&str] = &["Smith", "Jones", "Brown", "Garcia", "Lee", "Nguyen"];
    let mut rng = SplitMix64::new(31);
    let mut people = Vec::new();
    for _ in 0..3_000 {
        let (given, sex) = GIVEN[rng.below(GIVEN.len())];
        let mut r = person(
            given,
            FAMILY[rng.below(FAMILY.len())],
            (
                1940 + rng.below(80) as u16,
                1 + rng.below(12) as u8,
                1 + rng.below(28) as u8,
            ),
        );
        r.sex = Some(sex);
        r.zip = format!("59{:03}", rng.below(500));
        r.street = format!("{} Oak St", rng.below(9_000));
        people.push(r);
    }
    // 150 duplicates, one in three with a typo in the date.
    for i in 0..150 {
        let mut r = people[i * 7].clone();
        if i % 3 == 0 {
            let d = r.dob.unwrap();
            r.dob = Some(Dob::new(d.year, d.month, d.day % 28 + 1));
        }
        people.push(r);
    }
    let options = TrainOptions {
        random_pairs: 200_000,
        ..TrainOptions::default()
    };
    let model = train(&people, &people, true, &options);
    let dob_exact = &model.fields[field::DOB].levels[0];
    assert!(
        dob_exact.m > 0.5,
        "matches agree on the date: {dob_exact:?}"
    );
    // A namesake born on another day is not the same person.
    let a = Prepared::new(&people[1]);
    let mut other = people[1].clone();
    other.dob = Some(Dob::new(1900, 6, 6));
    other.zip = "00001".into();
    other.street = "1 Elm St".into();
    let p = model.score(&a, &Prepared::new(&other), None).probability;
    assert!(p < thresholds::POSSIBLE, "namesake scored {p}");
}

#[test]
fn a_probability_falls_in_one_band_with_each_threshold_inclusive() {
    use thresholds::{Verdict, LIKELY, POSSIBLE, SAME_PERSON};
    assert_eq!(Verdict::of(1.0), Verdict::SamePerson);
    assert_eq!(Verdict::of(SAME_PERSON), Verdict::SamePerson);
    assert_eq!(Verdict::of(0.989), Verdict::Likely);
    assert_eq!(Verdict::of(LIKELY), Verdict::Likely);
    assert_eq!(Verdict::of(0.49), Verdict::Possible);
    assert_eq!(Verdict::of(POSSIBLE), Verdict::Possible);
    assert_eq!(Verdict::of(0.049), Verdict::NotSame);
}
