//! Fellegi–Sunter matching with weights estimated from the data itself.
//!
//! A pair of records is reduced to a *comparison vector*: for each field, the agreement level
//! it lands on (given name exact / nickname / nearly identical (Jaro-Winkler ≥ 0.94) / sounds
//! alike / similar (JW ≥ 0.88) / initial / … / different; date of birth exact / day and month
//! swapped / year off by one / one digit off …), or *null* when either side did not record the
//! field. For every level the model holds
//!
//! * `m` — how often a true match shows that level, and
//! * `u` — how often two unrelated records do,
//!
//! and the pair's evidence is the sum of `log₂(m/u)` over the fields (a null field adds
//! nothing). Together with `λ`, the share of candidate pairs that are matches, that gives a
//! calibrated **match probability**.
//!
//! [`train`] estimates the model from unlabelled records, as splink and recordlinkage do:
//! `u` from random pairs (which are almost all non-matches), then `m` and `λ` by
//! expectation–maximisation over the pairs the blocking keys bring together. Today's hand-set
//! weights are the prior (a Dirichlet with [`TrainOptions::prior_pairs`] pseudo-matches), so a
//! registry with too little data gets the hand-set behaviour and a large one its own.
//! Exact agreement on a given name or surname is adjusted for the name's frequency (agreeing
//! on "Smith" says less than on "Szczepański").
//!
//! Everything here is pure (no IO); a trained [`FsModel`] is plain data (serde) so it can be
//! stored with the registry.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use strsim::jaro_winkler;

use super::{
    compare_dob, compare_family, compare_given, compare_names, Dob, DobLevel, Frequencies,
    NameLevel, PersonRecord, Prepared,
};

/// Number of compared fields.
pub const FIELD_COUNT: usize = 8;

/// Marks a field that one side did not record.
pub const NULL: u8 = u8::MAX;

/// One pair's comparison vector: the level index of each field, or [`NULL`].
pub type Gamma = [u8; FIELD_COUNT];

/// Field indices in a [`Gamma`].
pub mod field {
    /// Given name.
    pub const GIVEN: usize = 0;
    /// Surname.
    pub const FAMILY: usize = 1;
    /// Date of birth.
    pub const DOB: usize = 2;
    /// Sex.
    pub const SEX: usize = 3;
    /// Middle name or initial.
    pub const MIDDLE: usize = 4;
    /// Mother's maiden name.
    pub const MAIDEN: usize = 5;
    /// ZIP or postcode.
    pub const ZIP: usize = 6;
    /// Street address.
    pub const STREET: usize = 7;
}

/// A level's name, the reason shown to the user, and today's hand-set weight (log₂ m/u), the
/// prior.
type LevelSpec = (&'static str, &'static str, f64);

struct FieldSpec {
    name: &'static str,
    levels: &'static [LevelSpec],
}

/// Given-name levels.
mod given_level {
    pub const EXACT: u8 = 0;
    pub const NICKNAME: u8 = 1;
    pub const CLOSE: u8 = 2;
    pub const SOUNDS_ALIKE: u8 = 3;
    pub const SIMILAR: u8 = 4;
    pub const INITIAL: u8 = 5;
    pub const MIDDLE: u8 = 6;
    pub const DIFFERENT: u8 = 7;
}

/// Surname levels.
mod family_level {
    pub const EXACT: u8 = 0;
    pub const CLOSE: u8 = 1;
    pub const SOUNDS_ALIKE: u8 = 2;
    pub const SIMILAR: u8 = 3;
    pub const CONTAINS: u8 = 4;
    pub const INITIAL: u8 = 5;
    pub const DIFFERENT: u8 = 6;
}

const SPECS: [FieldSpec; FIELD_COUNT] = [
    FieldSpec {
        name: "given name",
        levels: &[
            ("exact", "given name exact", 6.5),
            ("nickname", "given name is a nickname", 5.0),
            ("jw>=0.94", "given name nearly identical", 4.5),
            ("soundex", "given name sounds alike", 3.5),
            ("jw>=0.88", "given name similar", 2.0),
            ("initial", "given initial agrees", 1.0),
            ("middle", "given name is the other's middle name", 3.0),
            ("different", "given name differs", -8.0),
        ],
    },
    FieldSpec {
        name: "surname",
        levels: &[
            ("exact", "surname exact", 7.0),
            ("jw>=0.94", "surname nearly identical", 5.0),
            ("soundex", "surname sounds alike", 4.0),
            ("jw>=0.88", "surname similar", 2.0),
            ("contains", "surname hyphenated or changed", 3.5),
            ("initial", "surname initial agrees", 0.5),
            ("different", "surname differs", -4.0),
        ],
    },
    FieldSpec {
        name: "date of birth",
        levels: &[
            ("exact", "DOB exact", 10.0),
            ("day-month-swap", "DOB day and month swapped", 6.5),
            ("year-off-by-one", "DOB year off by one", 5.5),
            ("one-digit", "DOB one digit off", 5.5),
            ("transposed", "DOB digits transposed", 5.0),
            (
                "same-month-day",
                "DOB same month and day, another year",
                3.0,
            ),
            ("same-year-month", "DOB same year and month", 1.5),
            ("two-digits", "DOB two digits off", 2.0),
            ("different", "DOB differs", -6.0),
        ],
    },
    FieldSpec {
        name: "sex",
        levels: &[
            ("agree", "sex agrees", 0.5),
            ("differ", "sex differs", -2.5),
        ],
    },
    FieldSpec {
        name: "middle name",
        levels: &[
            ("exact", "middle name agrees", 2.0),
            ("initial", "middle initial agrees", 1.0),
            ("differ", "middle initial differs", -1.0),
        ],
    },
    FieldSpec {
        name: "mother's maiden name",
        levels: &[
            ("agree", "mother's maiden name agrees", 4.0),
            ("differ", "mother's maiden name differs", -2.0),
        ],
    },
    FieldSpec {
        name: "ZIP",
        levels: &[
            ("exact", "ZIP agrees", 2.0),
            ("one-off", "ZIP one digit off", 0.5),
            ("differ", "ZIP differs", -0.5),
        ],
    },
    FieldSpec {
        name: "street address",
        levels: &[
            ("exact", "street address agrees", 3.0),
            ("jw>=0.92", "street address nearly identical", 3.0),
            ("differ", "street address differs", -0.5),
        ],
    },
];

fn name_level_given(l: NameLevel) -> Option<u8> {
    use given_level::*;
    Some(match l {
        NameLevel::Exact => EXACT,
        NameLevel::Nickname => NICKNAME,
        NameLevel::Close => CLOSE,
        NameLevel::SoundsAlike => SOUNDS_ALIKE,
        NameLevel::Similar | NameLevel::Contains => SIMILAR,
        NameLevel::Initial => INITIAL,
        NameLevel::Missing => return None,
        NameLevel::Different => DIFFERENT,
    })
}

fn name_level_family(l: NameLevel) -> Option<u8> {
    use family_level::*;
    Some(match l {
        NameLevel::Exact => EXACT,
        NameLevel::Nickname | NameLevel::Close => CLOSE,
        NameLevel::SoundsAlike => SOUNDS_ALIKE,
        NameLevel::Similar => SIMILAR,
        NameLevel::Contains => CONTAINS,
        NameLevel::Initial => INITIAL,
        NameLevel::Missing => return None,
        NameLevel::Different => DIFFERENT,
    })
}

/// Whether the pair's names are better explained as first and last swapped.
fn names_swapped(q: &Prepared, m: &Prepared, given: NameLevel, family: NameLevel) -> bool {
    let good = |l: NameLevel| {
        matches!(
            l,
            NameLevel::Exact | NameLevel::Nickname | NameLevel::Close | NameLevel::SoundsAlike
        )
    };
    if good(given) && good(family) {
        return false;
    }
    let sg = compare_names(&q.given, &q.given_sx, &m.family, &m.family_sx, &[], &[]);
    let sf = compare_names(&q.family, &q.family_sx, &m.given, &m.given_sx, &[], &[]);
    good(sg) && good(sf) && !(good(given) || good(family))
}

fn one_char_off(a: &str, b: &str) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = a
        .bytes()
        .zip(b.bytes())
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, _)| i)
        .collect();
    diff.len() == 1
        || (diff.len() == 2
            && diff[1] == diff[0] + 1
            && a.as_bytes()[diff[0]] == b.as_bytes()[diff[1]]
            && a.as_bytes()[diff[1]] == b.as_bytes()[diff[0]])
}

/// How many of the 8 digits of two dates differ.
fn digits_apart(a: Dob, b: Dob) -> usize {
    a.digits()
        .bytes()
        .zip(b.digits().bytes())
        .filter(|(x, y)| x != y)
        .count()
}

/// The comparison vector of a pair, and whether first and last names were compared crossed.
pub fn gamma(q: &Prepared, m: &Prepared) -> (Gamma, bool) {
    let (g, swapped, _) = gamma_named(q, m);
    (g, swapped)
}

/// [`gamma`], comparing names under each side's other names too (AKA, earlier surnames) and
/// keeping the best-agreeing pair of names (by the hand-set weights); the third value says
/// whether that was another name.
pub fn gamma_named(q: &Prepared, m: &Prepared) -> (Gamma, bool, bool) {
    let (g, swapped) = gamma_as_named(q, m);
    if q.other_names.is_empty() && m.other_names.is_empty() {
        return (g, swapped, false);
    }
    let name_weight = |g: &Gamma| {
        let w = |f: usize| match g[f] {
            NULL => 0.0,
            l => SPECS[f].levels[l as usize].2,
        };
        w(field::GIVEN) + w(field::FAMILY)
    };
    let qs: Vec<Prepared> = q.other_names.iter().map(|o| q.as_named(o)).collect();
    let ms: Vec<Prepared> = m.other_names.iter().map(|o| m.as_named(o)).collect();
    let mut best = (g, swapped, false);
    let mut best_weight = name_weight(&g);
    let q_names = std::iter::once(q).chain(qs.iter());
    for (i, qn) in q_names.enumerate() {
        let m_names = std::iter::once(m).chain(ms.iter());
        for (j, mn) in m_names.enumerate() {
            if i == 0 && j == 0 {
                continue;
            }
            let (g, swapped) = gamma_as_named(qn, mn);
            let w = name_weight(&g);
            if w > best_weight {
                best = (g, swapped, true);
                best_weight = w;
            }
        }
    }
    best
}

fn gamma_as_named(q: &Prepared, m: &Prepared) -> (Gamma, bool) {
    let mut g = [NULL; FIELD_COUNT];
    let given = compare_given(q, m);
    let family = compare_family(q, m);
    let swapped = names_swapped(q, m, given, family);
    if swapped {
        let sg = compare_names(&q.given, &q.given_sx, &m.family, &m.family_sx, &[], &[]);
        let sf = compare_names(&q.family, &q.family_sx, &m.given, &m.given_sx, &[], &[]);
        g[field::GIVEN] = name_level_given(sf).unwrap_or(NULL);
        g[field::FAMILY] = name_level_family(sg).unwrap_or(NULL);
    } else {
        if !(q.infant_placeholder || m.infant_placeholder) {
            let mut level = name_level_given(given);
            if level == Some(given_level::DIFFERENT) && q.given.len() > 1 && m.given.len() > 1 {
                let via_middle = (!m.middle.is_empty() && q.given == m.middle)
                    || (!q.middle.is_empty() && q.middle == m.given);
                if via_middle {
                    level = Some(given_level::MIDDLE);
                }
            }
            g[field::GIVEN] = level.unwrap_or(NULL);
        }
        // A one-letter surname ("X", an initial) is an initial at most, never a different name.
        let initial_only = q.family.len() == 1 || m.family.len() == 1;
        g[field::FAMILY] = match name_level_family(family) {
            Some(family_level::DIFFERENT) if initial_only => NULL,
            level => level.unwrap_or(NULL),
        };
    }
    g[field::DOB] = match compare_dob(q.dob, m.dob) {
        DobLevel::Exact => 0,
        DobLevel::DayMonthSwap => 1,
        DobLevel::YearOffByOne => 2,
        DobLevel::OneDigit => 3,
        DobLevel::Transposed => 4,
        DobLevel::SameYearMonth => 6,
        DobLevel::Missing => NULL,
        DobLevel::Different => match (q.dob, m.dob) {
            (Some(a), Some(b)) if a.month == b.month && a.day == b.day => 5,
            (Some(a), Some(b)) if digits_apart(a, b) == 2 => 7,
            _ => 8,
        },
    };
    if let (Some(a), Some(b)) = (q.sex, m.sex) {
        g[field::SEX] = u8::from(a != b);
    }
    if !q.middle.is_empty() && !m.middle.is_empty() {
        g[field::MIDDLE] = if q.middle.len() > 1 && q.middle == m.middle {
            0
        } else if q.middle.as_bytes()[0] == m.middle.as_bytes()[0] {
            1
        } else {
            2
        };
    }
    if !q.mother_maiden.is_empty() && !m.mother_maiden.is_empty() {
        g[field::MAIDEN] = u8::from(
            !(q.mother_maiden == m.mother_maiden
                || jaro_winkler(&q.mother_maiden, &m.mother_maiden) >= 0.94),
        );
    }
    if !q.zip.is_empty() && !m.zip.is_empty() {
        g[field::ZIP] = if q.zip == m.zip {
            0
        } else if one_char_off(&q.zip, &m.zip) {
            1
        } else {
            2
        };
    }
    if !q.street.is_empty() && !m.street.is_empty() {
        g[field::STREET] = if q.street == m.street {
            0
        } else if jaro_winkler(&q.street, &m.street) >= 0.92 {
            1
        } else {
            2
        };
    }
    (g, swapped)
}

/// One comparison level's estimated probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelParams {
    /// Short name of the level ("exact", "jw>=0.94" …).
    pub level: String,
    /// The reason shown when a pair lands on this level.
    pub reason: String,
    /// P(level | same person).
    pub m: f64,
    /// P(level | different people).
    pub u: f64,
}

impl LevelParams {
    /// The level's weight, log₂(m/u).
    pub fn weight(&self) -> f64 {
        (self.m / self.u).log2()
    }
}

/// One field's levels, in [`Gamma`] order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldParams {
    /// The field ("given name", "date of birth" …).
    pub field: String,
    /// Its levels.
    pub levels: Vec<LevelParams>,
}

/// How a model was obtained.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    /// Candidate pairs the EM ran over.
    pub candidate_pairs: u64,
    /// Random pairs `u` was counted on.
    pub random_pairs: u64,
    /// EM iterations run.
    pub iterations: u32,
    /// Whether EM converged before the iteration limit.
    pub converged: bool,
    /// Expected matches among the candidate pairs (Σ posterior).
    pub expected_matches: f64,
    /// Weight of the hand-set prior, in pseudo-matches.
    pub prior_pairs: f64,
}

/// A Fellegi–Sunter model: m/u per level of each field, the prior match rate among candidate
/// pairs, and the term-frequency bound. Plain data, so it can be stored with the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FsModel {
    /// Format version of this structure.
    pub version: u32,
    /// λ: share of candidate pairs (as the blocking keys bring them) that are matches.
    pub lambda: f64,
    /// Per-field level parameters, in [`Gamma`] field order.
    pub fields: Vec<FieldParams>,
    /// Largest change (bits) the name-frequency adjustment may make to an exact name weight.
    pub tf_max_adjust: f64,
    /// How the model was trained (all zero for the hand-set model).
    pub training: TrainingSummary,
}

/// A pair's verdict: the probability that both records are the same person, the evidence in
/// bits, and the reasons, strongest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchProbability {
    /// P(same person | comparison), given the model's prior λ.
    pub probability: f64,
    /// log₂ of the Bayes factor (sum of the level weights, name frequency included).
    pub bayes_factor_bits: f64,
    /// Match weight: `bayes_factor_bits` + log₂ prior odds; the probability's logit, base 2.
    pub match_weight: f64,
    /// What agreed or disagreed, in words, strongest evidence first.
    pub reasons: Vec<String>,
}

impl MatchProbability {
    /// The reasons as one line.
    pub fn explain(&self) -> String {
        self.reasons.join(", ")
    }
}

/// Probability thresholds, explained in `docs/decisions/` (matching probabilities).
pub mod thresholds {
    /// At or above: the same person — safe to attach incoming data to the record without a
    /// person looking (automatic merging has its own, higher, configurable bar).
    pub const SAME_PERSON: f64 = 0.99;
    /// At or above: more likely than not the same person — the best candidate counts as
    /// found, and below [`SAME_PERSON`] a person reviews it.
    pub const LIKELY: f64 = 0.5;
    /// Below: not the same person (not even listed as possible).
    pub const POSSIBLE: f64 = 0.05;

    /// What a probability says, in the bands above: what the duplicates queue tells a person.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Verdict {
        /// At or above [`SAME_PERSON`].
        SamePerson,
        /// At or above [`LIKELY`]: a person decides.
        Likely,
        /// At or above [`POSSIBLE`].
        Possible,
        /// Below [`POSSIBLE`].
        NotSame,
    }

    impl Verdict {
        /// The band `probability` falls in.
        pub fn of(probability: f64) -> Self {
            if probability >= SAME_PERSON {
                Self::SamePerson
            } else if probability >= LIKELY {
                Self::Likely
            } else if probability >= POSSIBLE {
                Self::Possible
            } else {
                Self::NotSame
            }
        }
    }
}

/// Default u rates for the hand-set model, typical of US registry data (used only when no
/// random pairs are available).
const DEFAULT_U: [&[f64]; FIELD_COUNT] = [
    &[0.003, 0.0005, 0.002, 0.01, 0.01, 0.002, 0.0005, 0.972],
    &[0.002, 0.001, 0.005, 0.01, 0.002, 0.01, 0.97],
    &[
        0.00005, 0.00002, 0.0001, 0.0005, 0.0001, 0.003, 0.0008, 0.002, 0.99322,
    ],
    &[0.5, 0.5],
    &[0.01, 0.08, 0.91],
    &[0.003, 0.997],
    &[0.01, 0.02, 0.97],
    &[0.001, 0.001, 0.998],
];

impl FsModel {
    /// Today's hand-set weights as a model: `u` typical of US registry data, `m = u·2^w`
    /// renormalised, λ one match per 1,000 candidate pairs.
    pub fn hand_set() -> Self {
        let u: Vec<Vec<f64>> = DEFAULT_U.iter().map(|l| l.to_vec()).collect();
        let m = prior_m(&u);
        Self::from_parts(&m, &u, 1e-3, TrainingSummary::default())
    }

    fn from_parts(m: &[Vec<f64>], u: &[Vec<f64>], lambda: f64, training: TrainingSummary) -> Self {
        Self {
            version: 1,
            lambda,
            fields: SPECS
                .iter()
                .enumerate()
                .map(|(f, spec)| FieldParams {
                    field: spec.name.to_owned(),
                    levels: spec
                        .levels
                        .iter()
                        .enumerate()
                        .map(|(l, (level, reason, _))| LevelParams {
                            level: (*level).to_owned(),
                            reason: (*reason).to_owned(),
                            m: m[f][l],
                            u: u[f][l],
                        })
                        .collect(),
                })
                .collect(),
            tf_max_adjust: 5.0,
            training,
        }
    }

    fn weight(&self, f: usize, level: u8) -> f64 {
        self.fields
            .get(f)
            .and_then(|p| p.levels.get(level as usize))
            .map_or(0.0, LevelParams::weight)
    }

    /// The weight of an exact name agreement on a value with share `share` of the records:
    /// log₂(m_exact / share), within `tf_max_adjust` bits of the field's average exact weight.
    fn tf_weight(&self, f: usize, share: Option<f64>) -> f64 {
        let base = self.weight(f, 0);
        let Some(share) = share.filter(|s| *s > 0.0) else {
            return base;
        };
        let m = self.fields[f].levels[0].m;
        (m / share)
            .log2()
            .clamp(base - self.tf_max_adjust, base + self.tf_max_adjust)
    }

    /// Bits of evidence in a comparison vector (no name-frequency adjustment).
    pub fn bits(&self, g: &Gamma) -> f64 {
        g.iter()
            .enumerate()
            .filter(|(_, l)| **l != NULL)
            .map(|(f, l)| self.weight(f, *l))
            .sum()
    }

    /// Scores a pair of prepared records; with `freq`, an exact given name or surname is
    /// weighted by how common the candidate's name is.
    pub fn score(
        &self,
        q: &Prepared,
        m: &Prepared,
        freq: Option<&Frequencies>,
    ) -> MatchProbability {
        let mut parts = self.evidence(q, m, freq);
        let bits: f64 = parts.iter().map(|(w, _)| w).sum();
        let (match_weight, probability) = self.posterior(bits);
        parts.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
        MatchProbability {
            probability,
            bayes_factor_bits: bits,
            match_weight,
            reasons: parts.into_iter().map(|(_, r)| r.to_owned()).collect(),
        }
    }

    /// [`score`](Self::score)'s probability alone, without the reasons' text (what a batch
    /// over millions of pairs needs first).
    pub fn probability(&self, q: &Prepared, m: &Prepared, freq: Option<&Frequencies>) -> f64 {
        let bits: f64 = self.evidence(q, m, freq).iter().map(|(w, _)| w).sum();
        self.posterior(bits).1
    }

    /// The match weight and probability of `bits` of evidence under the prior λ.
    fn posterior(&self, bits: f64) -> (f64, f64) {
        let lambda = self.lambda.clamp(1e-12, 1.0 - 1e-12);
        let match_weight = bits + (lambda / (1.0 - lambda)).log2();
        (match_weight, 1.0 / (1.0 + (-match_weight).exp2()))
    }

    /// Each piece of evidence of a pair: its weight in bits and its reason.
    fn evidence<'a>(
        &'a self,
        q: &Prepared,
        m: &Prepared,
        freq: Option<&Frequencies>,
    ) -> Vec<(f64, &'a str)> {
        let (g, swapped, other_name) = gamma_named(q, m);
        let mut parts: Vec<(f64, &str)> = Vec::with_capacity(FIELD_COUNT + 1);
        for (f, &level) in g.iter().enumerate() {
            if level == NULL {
                continue;
            }
            let mut w = self.weight(f, level);
            if level == 0 && !swapped && !other_name {
                if let Some(freq) = freq {
                    let share = match f {
                        field::GIVEN => freq.share(&freq.given, &m.given),
                        field::FAMILY => freq.share(&freq.family, &m.family),
                        _ => None,
                    };
                    if f == field::GIVEN || f == field::FAMILY {
                        w = self.tf_weight(f, share);
                    }
                }
            }
            parts.push((w, self.fields[f].levels[level as usize].reason.as_str()));
        }
        if swapped {
            parts.push((0.0, "first and last names swapped"));
        }
        if other_name {
            parts.push((0.0, "under another name (AKA or earlier surname)"));
        }
        if g[field::GIVEN] == NULL && (q.infant_placeholder || m.infant_placeholder) {
            parts.push((0.0, "given name is a placeholder (Baby Girl …)"));
        }
        parts
    }

    /// The model for looking one person up among `records` records (Smart search): the prior
    /// that a given record is the person sought is 1/`records`, not the share of matches among
    /// all pairs of a registry that training estimates (λ), which is far smaller — a
    /// registry-wide prior would ask several more bits of every search.
    pub fn for_lookup_among(&self, records: u64) -> Self {
        Self {
            lambda: 1.0 / (records.max(2) as f64),
            ..self.clone()
        }
    }

    /// Scores two records.
    pub fn compare(&self, q: &PersonRecord, m: &PersonRecord) -> MatchProbability {
        self.score(&Prepared::new(q), &Prepared::new(m), None)
    }
}

impl Frequencies {
    fn share(&self, map: &HashMap<String, u32>, name: &str) -> Option<f64> {
        if self.total == 0 || name.is_empty() {
            return None;
        }
        let n = map.get(name).copied().unwrap_or(1).max(1);
        Some(f64::from(n) / f64::from(self.total))
    }
}

/// `m` from the hand-set weights: `u·2^w`, renormalised per field.
fn prior_m(u: &[Vec<f64>]) -> Vec<Vec<f64>> {
    SPECS
        .iter()
        .zip(u)
        .map(|(spec, u)| {
            let raw: Vec<f64> = spec
                .levels
                .iter()
                .zip(u)
                .map(|((_, _, w), u)| u * w.exp2())
                .collect();
            let total: f64 = raw.iter().sum();
            raw.iter().map(|r| r / total).collect()
        })
        .collect()
}

/// Training settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    /// Random pairs sampled for `u`.
    pub random_pairs: u64,
    /// Weight of the hand-set prior on `m`, in pseudo-matches.
    pub prior_pairs: f64,
    /// Blocks larger than this are not used to form candidate pairs (as in Smart search).
    pub block_cap: usize,
    /// Candidate pairs kept per query record: those sharing the most keys (as in Smart search).
    pub pairs_per_query: usize,
    /// At most this many records are used as queries (an even sample) when training, each
    /// against all master records: bounds the training time on a large registry.
    pub max_queries: usize,
    /// EM iteration limit.
    pub max_iterations: u32,
    /// EM stops when no parameter moves more than this.
    pub tolerance: f64,
    /// Seed of the random-pair sampler.
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            random_pairs: 1_000_000,
            prior_pairs: 20.0,
            block_cap: 1_000,
            pairs_per_query: 200,
            max_queries: 50_000,
            max_iterations: 200,
            tolerance: 1e-6,
            seed: 0x5eed_2026,
        }
    }
}

/// SplitMix64: a small deterministic generator for sampling pairs.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Comparison vectors with their counts.
pub type Patterns = HashMap<Gamma, f64>;

/// `u` per level from comparison vectors of random pairs, with add-half smoothing so that a
/// level never seen among them keeps a small, non-zero rate.
pub fn estimate_u(random: &Patterns) -> Vec<Vec<f64>> {
    SPECS
        .iter()
        .enumerate()
        .map(|(f, spec)| {
            let mut counts = vec![0.5; spec.levels.len()];
            for (g, c) in random {
                if g[f] != NULL {
                    counts[g[f] as usize] += c;
                }
            }
            let total: f64 = counts.iter().sum();
            counts.iter().map(|c| c / total).collect()
        })
        .collect()
}

/// The outcome of [`em`].
#[derive(Debug, Clone, PartialEq)]
pub struct EmResult {
    /// `m` per field and level.
    pub m: Vec<Vec<f64>>,
    /// Share of the pairs that are matches.
    pub lambda: f64,
    /// Iterations run.
    pub iterations: u32,
    /// Whether the parameters settled within the tolerance.
    pub converged: bool,
    /// Σ posterior match probability over the pairs.
    pub expected_matches: f64,
    /// Expected matches per field and level (Σ posterior over the pairs at that level), the
    /// data part of `m`: pooled across training sessions by [`pool_m`].
    pub expected: Vec<Vec<f64>>,
}

/// Expectation–maximisation of `m` and λ over candidate-pair comparison vectors, with `u`
/// fixed. `prior` (per field and level, each summing to 1) is a Dirichlet prior on `m` worth
/// `prior_pairs` matches, and the starting point.
pub fn em(
    patterns: &Patterns,
    u: &[Vec<f64>],
    prior: &[Vec<f64>],
    prior_pairs: f64,
    lambda0: f64,
    max_iterations: u32,
    tolerance: f64,
) -> EmResult {
    let rows: Vec<(&Gamma, f64)> = patterns.iter().map(|(g, c)| (g, *c)).collect();
    let total: f64 = rows.iter().map(|(_, c)| c).sum();
    let mut m: Vec<Vec<f64>> = prior.to_vec();
    let mut lambda = lambda0.clamp(1e-9, 1.0 - 1e-9);
    let ln_u: Vec<Vec<f64>> = u
        .iter()
        .map(|l| l.iter().map(|x| x.max(1e-300).ln()).collect())
        .collect();
    let mut iterations = 0;
    let mut converged = false;
    let mut expected = 0.0;
    let mut last_acc: Vec<Vec<f64>> = m.iter().map(|l| vec![0.0; l.len()]).collect();
    while iterations < max_iterations {
        iterations += 1;
        let ln_m: Vec<Vec<f64>> = m
            .iter()
            .map(|l| l.iter().map(|x| x.max(1e-300).ln()).collect())
            .collect();
        let mut acc: Vec<Vec<f64>> = m.iter().map(|l| vec![0.0; l.len()]).collect();
        expected = 0.0;
        for (g, c) in &rows {
            let mut lm = lambda.ln();
            let mut lu = (1.0 - lambda).ln();
            for (f, &l) in g.iter().enumerate() {
                if l != NULL {
                    lm += ln_m[f][l as usize];
                    lu += ln_u[f][l as usize];
                }
            }
            let post = 1.0 / (1.0 + (lu - lm).exp());
            let w = c * post;
            expected += w;
            for (f, &l) in g.iter().enumerate() {
                if l != NULL {
                    acc[f][l as usize] += w;
                }
            }
        }
        let new_lambda = if total > 0.0 {
            (expected / total).clamp(1e-9, 1.0 - 1e-9)
        } else {
            lambda
        };
        let mut delta = (new_lambda - lambda).abs();
        for (f, a) in acc.iter().enumerate() {
            let n: f64 = a.iter().sum::<f64>() + prior_pairs;
            if n <= 0.0 {
                continue;
            }
            for (l, x) in a.iter().enumerate() {
                let v = ((x + prior_pairs * prior[f][l]) / n).max(1e-9);
                delta = delta.max((v - m[f][l]).abs());
                m[f][l] = v;
            }
        }
        lambda = new_lambda;
        last_acc = acc;
        if delta < tolerance {
            converged = true;
            break;
        }
    }
    EmResult {
        m,
        lambda,
        iterations,
        converged,
        expected_matches: expected,
        expected: last_acc,
    }
}

/// `m` from the expected match counts of several EM sessions and the prior (worth
/// `prior_pairs` matches).
pub fn pool_m(sessions: &[&EmResult], prior: &[Vec<f64>], prior_pairs: f64) -> Vec<Vec<f64>> {
    prior
        .iter()
        .enumerate()
        .map(|(f, levels)| {
            let counts: Vec<f64> = (0..levels.len())
                .map(|l| sessions.iter().map(|s| s.expected[f][l]).sum::<f64>())
                .collect();
            let n: f64 = counts.iter().sum::<f64>() + prior_pairs;
            if n <= 0.0 {
                return levels.clone();
            }
            counts
                .iter()
                .zip(levels)
                .map(|(c, p)| ((c + prior_pairs * p) / n).max(1e-9))
                .collect()
        })
        .collect()
}

/// λ, the probability that two records drawn at random are the same person, by EM with `m`
/// and `u` fixed, over all `total_pairs` pairs: the candidate pairs are given, every other
/// pair is taken to be a non-match (the blocking keys are built to bring matches together).
pub fn estimate_lambda(
    candidates: &Patterns,
    m: &[Vec<f64>],
    u: &[Vec<f64>],
    total_pairs: f64,
    max_iterations: u32,
) -> f64 {
    let bits: Vec<(f64, f64)> = candidates
        .iter()
        .map(|(g, c)| {
            let b: f64 = g
                .iter()
                .enumerate()
                .filter(|(_, l)| **l != NULL)
                .map(|(f, l)| (m[f][*l as usize] / u[f][*l as usize]).log2())
                .sum();
            (b, *c)
        })
        .collect();
    let mut lambda = 1.0 / total_pairs.max(2.0);
    for _ in 0..max_iterations {
        let odds = (lambda / (1.0 - lambda)).log2();
        let expected: f64 = bits
            .iter()
            .map(|(b, c)| c / (1.0 + (-(b + odds)).exp2()))
            .sum();
        let next = (expected / total_pairs).clamp(1e-15, 0.5);
        if (next - lambda).abs() <= lambda * 1e-9 {
            return next;
        }
        lambda = next;
    }
    lambda
}

/// Candidate pairs (query index, master index) the blocking keys bring together: per query,
/// the master records sharing the most keys, over blocks no larger than the cap. With
/// `dedup`, query and master are the same records and a record is never paired with itself.
pub fn candidate_pairs(
    query: &[Prepared],
    master: &[Prepared],
    dedup: bool,
    block_cap: usize,
    per_query: usize,
) -> Vec<(u32, u32)> {
    let all: Vec<usize> = if dedup {
        (0..query.len()).collect()
    } else {
        Vec::new()
    };
    candidate_pairs_of(
        query,
        master,
        dedup.then_some(all.as_slice()),
        block_cap,
        per_query,
    )
}

/// [`candidate_pairs`] where `self_index`, when deduplicating, gives each query's position
/// among the master records (a query is never paired with itself).
fn candidate_pairs_of(
    query: &[Prepared],
    master: &[Prepared],
    self_index: Option<&[usize]>,
    block_cap: usize,
    per_query: usize,
) -> Vec<(u32, u32)> {
    let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
    let mut keys = Vec::new();
    for (i, p) in master.iter().enumerate() {
        keys.clear();
        p.block_keys(false, &mut keys);
        keys.sort_unstable();
        keys.dedup();
        for k in keys.drain(..) {
            blocks.entry(k).or_default().push(i as u32);
        }
    }
    let mut out = Vec::new();
    let mut shared: HashMap<u32, u32> = HashMap::new();
    for (qi, q) in query.iter().enumerate() {
        shared.clear();
        keys.clear();
        q.block_keys(true, &mut keys);
        keys.sort_unstable();
        keys.dedup();
        for k in &keys {
            if let Some(ids) = blocks.get(k).filter(|ids| ids.len() <= block_cap) {
                for &i in ids {
                    if self_index.is_none_or(|ix| ix[qi] != i as usize) {
                        *shared.entry(i).or_default() += 1;
                    }
                }
            }
        }
        let mut ranked: Vec<(u32, u32)> = shared.iter().map(|(&i, &n)| (i, n)).collect();
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(per_query);
        out.extend(ranked.into_iter().map(|(i, _)| (qi as u32, i)));
    }
    out
}

/// Trains a model on unlabelled records: `query` to be looked up in `master` (the same slice
/// with `dedup` when deduplicating one file). `u` from random pairs, then `m` and λ by EM over
/// the candidate pairs, the hand-set weights as prior.
pub fn train(
    query: &[PersonRecord],
    master: &[PersonRecord],
    dedup: bool,
    options: &TrainOptions,
) -> FsModel {
    let q: Vec<Prepared> = query.iter().map(Prepared::new).collect();
    let m: Vec<Prepared> = if dedup {
        Vec::new()
    } else {
        master.iter().map(Prepared::new).collect()
    };
    let m = if dedup { &q } else { &m };
    train_prepared(&q, m, dedup, options)
}

/// Pairs (query, master) whose `key` agrees (and is present), over blocks of at most `cap`
/// master records, at most `per_query` per query.
fn pairs_by(
    q: &[Prepared],
    m: &[Prepared],
    self_index: Option<&[usize]>,
    cap: usize,
    per_query: usize,
    key: impl Fn(&Prepared) -> Option<String>,
) -> Vec<(u32, u32)> {
    let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, p) in m.iter().enumerate() {
        if let Some(k) = key(p) {
            blocks.entry(k).or_default().push(i as u32);
        }
    }
    let mut out = Vec::new();
    for (a, p) in q.iter().enumerate() {
        let Some(ids) = key(p).and_then(|k| blocks.get(&k)) else {
            continue;
        };
        if ids.len() > cap {
            continue;
        }
        out.extend(
            ids.iter()
                .filter(|&&b| self_index.is_none_or(|ix| ix[a] != b as usize))
                .take(per_query)
                .map(|&b| (a as u32, b)),
        );
    }
    out
}

/// Comparison-vector counts of `pairs`, with the `blocked` fields set to null (the blocking
/// rule forces them to agree, so they say nothing about m there).
fn patterns_of(
    q: &[Prepared],
    m: &[Prepared],
    pairs: &[(u32, u32)],
    blocked: &[usize],
) -> Patterns {
    let mut out: Patterns = HashMap::new();
    for &(a, b) in pairs {
        let mut g = gamma(&q[a as usize], &m[b as usize]).0;
        for &f in blocked {
            g[f] = NULL;
        }
        *out.entry(g).or_default() += 1.0;
    }
    out
}

/// [`train`] on records already prepared.
///
/// As splink does, `m` is estimated in sessions whose pairs are chosen by a blocking rule, and
/// each session estimates only the fields its rule does not force: pairs born on the same day
/// teach the name and address levels, pairs whose given name and surname sound alike teach the
/// date-of-birth levels. (Running EM directly over the candidate pairs would let the "match"
/// class absorb everything the blocking keys made alike — relatives, namesakes.) `u` comes
/// from random pairs; λ then from all pairs, with `m` and `u` fixed.
pub fn train_prepared(
    q: &[Prepared],
    m: &[Prepared],
    dedup: bool,
    options: &TrainOptions,
) -> FsModel {
    if q.is_empty() || m.is_empty() || (dedup && m.len() < 2) {
        return FsModel::hand_set();
    }
    // A large registry trains on an even sample of its records as queries (against all).
    let chosen: Vec<usize> = if q.len() > options.max_queries.max(1) {
        let n = options.max_queries.max(1);
        (0..n).map(|i| i * q.len() / n).collect()
    } else {
        (0..q.len()).collect()
    };
    let sampled: Vec<Prepared>;
    let q: &[Prepared] = if chosen.len() < q.len() {
        sampled = chosen.iter().map(|&i| q[i].clone()).collect();
        &sampled
    } else {
        q
    };
    let self_index = dedup.then_some(chosen.as_slice());
    // u: comparison vectors of random pairs.
    let mut rng = SplitMix64::new(options.seed);
    let mut random: Patterns = HashMap::new();
    for _ in 0..options.random_pairs {
        let a = rng.below(q.len());
        let mut b = rng.below(m.len());
        if dedup && chosen[a] == b {
            b = (b + 1) % m.len();
        }
        *random.entry(gamma(&q[a], &m[b]).0).or_default() += 1.0;
    }
    let u = estimate_u(&random);
    let prior = prior_m(&u);
    let (cap, per_query) = (options.block_cap, options.pairs_per_query);
    // Session 1: same date of birth → names, sex, middle, maiden name, address.
    let same_dob = pairs_by(q, m, self_index, cap, per_query, |p| {
        p.dob
            .map(|d| format!("{:04}{:02}{:02}", d.year, d.month, d.day))
    });
    // Session 2: given name and surname sound alike → date of birth and the rest.
    let same_name = pairs_by(q, m, self_index, cap, per_query, |p| {
        (!p.given_sx.is_empty() && !p.family_sx.is_empty())
            .then(|| format!("{}|{}", p.given_sx, p.family_sx))
    });
    let session = |pairs: &[(u32, u32)], blocked: &[usize]| {
        em(
            &patterns_of(q, m, pairs, blocked),
            &u,
            &prior,
            options.prior_pairs,
            0.3,
            options.max_iterations,
            options.tolerance,
        )
    };
    // Session 3: same given name sound and date of birth → surname.
    let same_given_dob = pairs_by(q, m, self_index, cap, per_query, |p| {
        let d = p.dob?;
        (!p.given_sx.is_empty())
            .then(|| format!("{}|{:04}{:02}{:02}", p.given_sx, d.year, d.month, d.day))
    });
    // The surname is left out of session 1 and the given name out of session 3: twins share a
    // birthday and a surname, and would pass for matches whose given name "differs".
    let s1 = session(&same_dob, &[field::DOB, field::FAMILY]);
    // Sex is left out wherever the given name is blocked on: given names are mostly gendered,
    // so namesakes agree on sex and would pass for matches.
    let s2 = session(&same_name, &[field::GIVEN, field::FAMILY, field::SEX]);
    let s3 = session(&same_given_dob, &[field::GIVEN, field::DOB, field::SEX]);
    let m_est = pool_m(&[&s1, &s2, &s3], &prior, options.prior_pairs);
    // λ over all pairs: the candidate pairs of the blocking keys, the rest non-matches.
    let pairs = candidate_pairs_of(q, m, self_index, cap, per_query);
    let candidates = patterns_of(q, m, &pairs, &[]);
    let total = q.len() as f64 * (m.len() - usize::from(dedup)) as f64;
    let lambda = estimate_lambda(&candidates, &m_est, &u, total, options.max_iterations);
    FsModel::from_parts(
        &m_est,
        &u,
        lambda,
        TrainingSummary {
            candidate_pairs: pairs.len() as u64,
            random_pairs: options.random_pairs,
            iterations: s1.iterations.max(s2.iterations).max(s3.iterations),
            converged: s1.converged && s2.converged && s3.converged,
            expected_matches: lambda * total,
            prior_pairs: options.prior_pairs,
        },
    )
}

/// Number of levels of each field, in [`Gamma`] order.
pub fn level_counts() -> [usize; FIELD_COUNT] {
    std::array::from_fn(|f| SPECS[f].levels.len())
}

/// Name of a field (`f` < [`FIELD_COUNT`]).
pub fn field_name(f: usize) -> &'static str {
    SPECS[f].name
}

#[cfg(test)]
mod tests;
