//! Smart search's ranking, shared by every registry (SQLite on a workstation, PostgreSQL on the
//! registry server, the in-memory registry of the tests): what a store retrieves by blocking
//! key is judged, cut and ordered here, so the same candidates give the same list everywhere.
//!
//! A store's part is retrieval: file each client under [`CandidateFields::index_keys`], count
//! the query's blocks ([`usable_blocks`] decides which to read), and read the clients sharing
//! the most keys with the query (at most [`MAX_SCORED`]). Then [`rank`] scores them — with the
//! registry's trained model when it has one, with the hand-set weights otherwise — tries the
//! guardian alternative, applies the [`Bar`], sorts and truncates.

use super::fs::{thresholds, FsModel};
use super::{
    score_candidate, Dob, Frequencies, MatchScore, PersonRecord, Prepared, Sex, DEFAULT_THRESHOLD,
    POSSIBLE_THRESHOLD,
};

/// Rows read per blocking key; a key with more clients than this is not used unless the query
/// has nothing better (a name-only search for a common name).
pub const BLOCK_CAP: usize = 1_000;

/// Candidates scored per query: those sharing the most keys with it.
pub const MAX_SCORED: usize = 200;

/// The reason given when a child is found by a guardian's name and the child's date of birth.
pub const GUARDIAN_REASON: &str = "found by a guardian's name and the child's date of birth";

/// Where Smart search cuts its list: a bar for each scorer, since a registry scores with its
/// trained model once one is stored and with the hand-set weights until then.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    /// The least hand-set score listed.
    pub score: f64,
    /// The least model probability listed.
    pub probability: f64,
}

impl Bar {
    /// Possible matches: what the search screen lists.
    pub const POSSIBLE: Bar = Bar {
        score: POSSIBLE_THRESHOLD,
        probability: thresholds::POSSIBLE,
    };
    /// Likely matches: more likely than not the same person.
    pub const LIKELY: Bar = Bar {
        score: DEFAULT_THRESHOLD,
        probability: thresholds::LIKELY,
    };
    /// Everything (tests and tools that rank all candidates).
    pub const ANY: Bar = Bar {
        score: f64::NEG_INFINITY,
        probability: 0.0,
    };
}

/// One ranked Smart-search candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct SmartMatch {
    /// The client's id.
    pub client_id: String,
    /// Score and reasons: with a trained model, the model's evidence (bits) and reasons;
    /// otherwise the hand-set score.
    pub score: MatchScore,
    /// The trained model's match probability (`None` with the hand-set weights).
    pub probability: Option<f64>,
    /// More likely than not the same person: probability ≥ [`thresholds::LIKELY`] with a
    /// model, the hand-set score ≥ [`DEFAULT_THRESHOLD`] without.
    pub likely: bool,
    /// Found by a guardian's name and the child's date of birth rather than the client's own
    /// demographics: the guardian is a restricted field, so a client seen by identification
    /// only is not listed through it.
    pub via_guardian: bool,
}

/// A client's matching fields as a registry stores them (the matcher folds them itself).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CandidateFields {
    /// The client's id, as text (also the tie-break between equal scores, so every registry
    /// orders ties alike).
    pub client_id: String,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// Date of birth as stored (ISO digits). A generated or imported record may hold an
    /// impossible date, which the matcher still compares digit by digit.
    pub date_of_birth: String,
    /// Gender code.
    pub gender: String,
    /// Mother's maiden name.
    pub mother_maiden_name: Option<String>,
    /// Street line.
    pub address_line1: Option<String>,
    /// ZIP.
    pub zip: Option<String>,
    /// The primary guardian's first name.
    pub guardian_first_name: Option<String>,
    /// The primary guardian's last name.
    pub guardian_last_name: Option<String>,
}

impl CandidateFields {
    /// The client as the matcher compares it.
    pub fn person(&self) -> PersonRecord {
        PersonRecord {
            given: self.first_name.clone(),
            middle: self.middle_name.clone().unwrap_or_default(),
            family: self.last_name.clone(),
            dob: Dob::parse_digits(&self.date_of_birth, false),
            sex: Sex::parse(&self.gender),
            mother_maiden: self.mother_maiden_name.clone().unwrap_or_default(),
            zip: self.zip.clone().unwrap_or_default(),
            street: self.address_line1.clone().unwrap_or_default(),
        }
    }

    /// The primary guardian's name with the child's date of birth (see
    /// [`Prepared::guardian_key`]), when a guardian is recorded.
    pub fn guardian(&self) -> Option<PersonRecord> {
        let family = self.guardian_last_name.as_deref()?;
        Some(PersonRecord::new(
            self.guardian_first_name.as_deref().unwrap_or_default(),
            family,
            Dob::parse_digits(&self.date_of_birth, false),
        ))
    }

    /// Every blocking key the client is filed under: its own master keys and its guardian's
    /// key.
    pub fn index_keys(&self) -> Vec<String> {
        let mut keys = Prepared::new(&self.person()).master_keys();
        keys.extend(
            self.guardian()
                .and_then(|g| Prepared::new(&g).guardian_key()),
        );
        keys
    }

    /// The folded given name and surname counted for name-frequency weights (empty ones are
    /// not counted).
    pub fn name_keys(&self) -> [(NameKind, String); 2] {
        let p = Prepared::new(&self.person());
        [
            (NameKind::Given, p.given_key().to_owned()),
            (NameKind::Family, p.family_key().to_owned()),
        ]
    }
}

/// Which name a frequency counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameKind {
    /// Given (first) name.
    Given,
    /// Surname.
    Family,
}

impl NameKind {
    /// The stored code (`given`, `family`).
    pub fn code(self) -> &'static str {
        match self {
            NameKind::Given => "given",
            NameKind::Family => "family",
        }
    }
}

/// Which of the query's key blocks to read, given each block's size counted up to
/// [`BLOCK_CAP`] + 1 (in the order of the keys): the blocks of at most [`BLOCK_CAP`] clients,
/// and `capped` false; or, when every non-empty block is oversized (a name-only search for a
/// common name), all of them, each read only up to [`BLOCK_CAP`] rows, and `capped` true.
pub fn usable_blocks(sizes: &[usize]) -> (Vec<usize>, bool) {
    let usable: Vec<usize> = (0..sizes.len())
        .filter(|&i| (1..=BLOCK_CAP).contains(&sizes[i]))
        .collect();
    if !usable.is_empty() {
        return (usable, false);
    }
    ((0..sizes.len()).filter(|&i| sizes[i] > 0).collect(), true)
}

/// The candidates that share the most keys with the query, at most [`MAX_SCORED`], with ties
/// broken by id: what a store without SQL of its own (the in-memory registry) does where the
/// SQL stores rank inside their database. `shared` holds each candidate and how many of the
/// query's usable keys it shares.
pub fn most_shared<T>(mut shared: Vec<(usize, String, T)>) -> Vec<T> {
    shared.sort_by(|(a, a_id, _), (b, b_id, _)| b.cmp(a).then_with(|| a_id.cmp(b_id)));
    shared.truncate(MAX_SCORED);
    shared.into_iter().map(|(_, _, t)| t).collect()
}

/// Ranks retrieved candidates for `query`: each judged with `model` (made for a lookup among
/// `freq.total()` clients) or, without one, the hand-set score with name frequencies; a
/// guardian's name with the child's date of birth is tried too and kept when it scores
/// better (and said so). Those at or above `bar` are listed, best first (ties by client id),
/// at most `limit`.
pub fn rank(
    query: &PersonRecord,
    candidates: impl IntoIterator<Item = CandidateFields>,
    model: Option<&FsModel>,
    freq: &Frequencies,
    bar: Bar,
    limit: usize,
) -> Vec<SmartMatch> {
    let query = Prepared::new(query);
    let model = model.map(|m| m.for_lookup_among(u64::from(freq.total())));
    // (rank, score and reasons, probability, likely, listed)
    let judge = |candidate: &Prepared| match &model {
        Some(model) => {
            let v = model.score(&query, candidate, Some(freq));
            let score = MatchScore {
                score: v.bayes_factor_bits,
                reasons: v.reasons,
            };
            let p = v.probability;
            (
                p,
                score,
                Some(p),
                p >= thresholds::LIKELY,
                p >= bar.probability,
            )
        }
        None => {
            let score = score_candidate(&query, candidate, freq);
            let s = score.score;
            (s, score, None, s >= DEFAULT_THRESHOLD, s >= bar.score)
        }
    };
    let mut scored: Vec<(f64, SmartMatch)> = candidates
        .into_iter()
        .filter_map(|fields| {
            let own = judge(&Prepared::new(&fields.person()));
            // Found by a guardian's name and the child's date of birth: scored against the
            // guardian's name, and said so.
            let via = fields
                .guardian()
                .map(|g| judge(&Prepared::new(&g)))
                .filter(|v| v.0 > own.0);
            let via_guardian = via.is_some();
            let (rank, mut score, probability, likely, listed) = via.unwrap_or(own);
            if !listed {
                return None;
            }
            if via_guardian {
                score.reasons.insert(0, GUARDIAN_REASON.to_owned());
            }
            Some((
                rank,
                SmartMatch {
                    client_id: fields.client_id,
                    score,
                    probability,
                    likely,
                    via_guardian,
                },
            ))
        })
        .collect();
    scored.sort_by(|(a, a_m), (b, b_m)| {
        b.total_cmp(a)
            .then_with(|| a_m.client_id.cmp(&b_m.client_id))
    });
    scored.truncate(limit);
    scored.into_iter().map(|(_, m)| m).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(id: &str, first: &str, last: &str, dob: &str) -> CandidateFields {
        CandidateFields {
            client_id: id.into(),
            first_name: first.into(),
            last_name: last.into(),
            date_of_birth: dob.into(),
            gender: "F".into(),
            ..Default::default()
        }
    }

    #[test]
    fn oversized_blocks_are_read_only_when_nothing_better_exists() {
        assert_eq!(
            usable_blocks(&[0, 3, BLOCK_CAP + 1, 7]),
            (vec![1, 3], false)
        );
        assert_eq!(
            usable_blocks(&[0, BLOCK_CAP + 1, BLOCK_CAP + 1]),
            (vec![1, 2], true)
        );
        assert_eq!(usable_blocks(&[0, 0]), (vec![], true));
    }

    #[test]
    fn equal_scores_are_ordered_by_id_and_the_bar_and_limit_cut() {
        let q = PersonRecord::new("Ana", "Lopez", Some(Dob::new(2018, 4, 11)));
        let twins = [
            fields("b", "Ana", "Lopez", "2018-04-11"),
            fields("a", "Ana", "Lopez", "2018-04-11"),
            fields("c", "Zed", "Quux", "1901-01-01"),
        ];
        let freq = Frequencies::default();
        let ranked = rank(&q, twins.clone(), None, &freq, Bar::POSSIBLE, 10);
        let ids: Vec<&str> = ranked.iter().map(|m| m.client_id.as_str()).collect();
        assert_eq!(ids, ["a", "b"], "{ranked:?}");
        assert_eq!(rank(&q, twins, None, &freq, Bar::POSSIBLE, 1).len(), 1);
    }

    #[test]
    fn a_child_found_through_a_guardian_says_so() {
        let mut child = fields("k", "Mateo", "Lopez", "2019-03-14");
        child.guardian_first_name = Some("Maria".into());
        child.guardian_last_name = Some("Lopez".into());
        assert!(child.index_keys().iter().any(|k| k.starts_with('P')));
        let q = PersonRecord::new("Maria", "Lopez", Some(Dob::new(2019, 3, 14)));
        let ranked = rank(&q, [child], None, &Frequencies::default(), Bar::POSSIBLE, 5);
        assert!(ranked[0].via_guardian, "{ranked:?}");
        assert_eq!(ranked[0].score.reasons[0], GUARDIAN_REASON);
    }
}
