//! Probabilistic person matching (Smart search's core): one person's demographics compared
//! with another's, field by field, in the Fellegi–Sunter manner.
//!
//! Each field comparison lands on an agreement level (exact, nickname, sounds alike, typo,
//! day/month swap …); each level carries a log₂ likelihood-ratio weight `log₂(m/u)`, where `m`
//! is how often true matches show that level and `u` how often unrelated people do. The score
//! is the sum of the weights, and every level that contributed says so in words, so the user
//! sees *why* ("DOB exact, surname sounds alike"). The weights are set from typical m/u rates
//! for US registry data (a name agrees by chance about 1 in 200–1000 times, a full date of
//! birth about 1 in 20 000) and checked on the labelled files in `../shared/data/matching/`.
//!
//! [`MatchIndex`] holds the master records with blocking keys (date of birth; phonetic surname
//! with birth year; phonetic given name with birth year and month; plus the swapped variants),
//! so a query is scored only against plausible candidates.

pub mod dedup;
pub mod fs;
pub mod nicknames;
pub mod phonetic;
pub mod smart;

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use strsim::jaro_winkler;

use crate::normalize::fold_name;
use nicknames::{are_nicknames, formal_names};
use phonetic::soundex;

/// A date of birth as recorded: digits, not validated as a calendar date, because the errors
/// worth recognising (day/month swaps, a wrong digit) often make an invalid date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Dob {
    /// Year (four digits).
    pub year: u16,
    /// Month, normally 1–12.
    pub month: u8,
    /// Day, normally 1–31.
    pub day: u8,
}

impl Dob {
    /// A date from its parts.
    pub fn new(year: u16, month: u8, day: u8) -> Self {
        Self { year, month, day }
    }

    /// Parses 8 digits as `YYYYMMDD` (`mdy = false`) or `MMDDYYYY` (`mdy = true`); separators
    /// (`-`, `/`) are ignored. `None` when the text does not hold exactly 8 digits.
    pub fn parse_digits(text: &str, mdy: bool) -> Option<Self> {
        let digits: Vec<u8> = text
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        if digits.len() != 8 || text.bytes().any(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        let num =
            |r: std::ops::Range<usize>| digits[r].iter().fold(0u16, |a, d| a * 10 + *d as u16);
        if mdy {
            Some(Self::new(num(4..8), num(0..2) as u8, num(2..4) as u8))
        } else {
            Some(Self::new(num(0..4), num(4..6) as u8, num(6..8) as u8))
        }
    }

    fn digits(&self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }
}

/// Sex as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
}

impl Sex {
    /// Reads `F`/`Female`/`M`/`Male` (any case); anything else is unknown.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_uppercase().as_str() {
            "F" | "FEMALE" => Some(Self::Female),
            "M" | "MALE" => Some(Self::Male),
            _ => None,
        }
    }
}

/// The demographics one person is matched on. Empty strings mean "not recorded".
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PersonRecord {
    /// Given (first) name.
    pub given: String,
    /// Middle name or initial.
    pub middle: String,
    /// Family (last) name.
    pub family: String,
    /// Date of birth.
    pub dob: Option<Dob>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Mother's maiden name.
    pub mother_maiden: String,
    /// ZIP or postcode.
    pub zip: String,
    /// Street address line (number and street).
    pub street: String,
}

impl PersonRecord {
    /// Whether it carries a field a viewer without full access may not see (mother's maiden
    /// name, ZIP, street).
    pub fn has_restricted_fields(&self) -> bool {
        !(self.mother_maiden.trim().is_empty()
            && self.zip.trim().is_empty()
            && self.street.trim().is_empty())
    }

    /// The same person described by identification only (names, date of birth, sex): what a
    /// search may compare for a client whose record the viewer sees by identification.
    pub fn identification_only(&self) -> Self {
        Self {
            mother_maiden: String::new(),
            zip: String::new(),
            street: String::new(),
            ..self.clone()
        }
    }

    /// A record with given name, family name and date of birth; set the other fields directly.
    pub fn new(given: &str, family: &str, dob: Option<Dob>) -> Self {
        Self {
            given: given.to_owned(),
            family: family.to_owned(),
            dob,
            ..Self::default()
        }
    }
}

/// A record folded and encoded once, for repeated comparison.
#[derive(Debug, Clone)]
pub struct Prepared {
    given: String,
    given_sx: String,
    given_formal: Vec<&'static str>,
    /// "Baby Girl", "Baby Boy", "Infant", "Son of" …: the given name is a placeholder.
    infant_placeholder: bool,
    middle: String,
    family: String,
    family_sx: String,
    /// Parts of a hyphenated or multi-word surname (and the whole).
    family_parts: Vec<String>,
    dob: Option<Dob>,
    sex: Option<Sex>,
    mother_maiden: String,
    zip: String,
    street: String,
    /// Other names the person is known by (AKA, earlier surnames), folded.
    other_names: Vec<OtherName>,
}

/// One other name of a person, folded and encoded.
#[derive(Debug, Clone, PartialEq)]
struct OtherName {
    given: String,
    given_sx: String,
    family: String,
    family_sx: String,
}

const PLACEHOLDERS: &[&str] = &[
    "BABY",
    "BABYGIRL",
    "BABYBOY",
    "BABY GIRL",
    "BABY BOY",
    "INFANT",
    "GIRL",
    "BOY",
    "BG",
    "BB",
    "NEWBORN",
    "UNKNOWN",
    "UNK",
    "CHILD",
    "FEMALE CHILD",
    "MALE CHILD",
    "FEMALE",
    "MALE",
    "DAUGHTER",
    "SON",
    "NO NAME",
    "NONAME",
    "NONE",
    "GRANDCHILD",
    "PERSON",
    "MOM",
    "DAD",
    "MINOR",
    "MR",
    "MRS",
    "MS",
    "RESIDENT",
    "OCCUPANT",
    "WIFE",
    "HUSBAND",
    "TWIN",
    "NFN",
];

/// Surnames that are not names ("Declined", "No Name" …): treated as not recorded.
const FAKE_SURNAMES: &[&str] = &[
    "NO NAME",
    "NONAME",
    "DECLINED",
    "OWNER",
    "UNKNOWN",
    "UNK",
    "NONE",
    "NA",
    "N A",
    "REFUSED",
    "BABY",
    "NOT GIVEN",
    "NOTGIVEN",
    "FEMALE",
    "MALE",
];

impl Prepared {
    /// Folds names (accents, case, punctuation) and computes the phonetic codes.
    pub fn new(r: &PersonRecord) -> Self {
        let given = fold_name(&r.given);
        let infant_placeholder = PLACEHOLDERS.contains(&given.as_str())
            || [
                "BABY ",
                "INFANT ",
                "MAN OF",
                "LADY OF",
                "CHILD OF",
                "SON OF",
                "DAUGHTER OF",
            ]
            .iter()
            .any(|p| given.starts_with(p));
        let given = if infant_placeholder {
            String::new()
        } else {
            given
        };
        let mut family = fold_name(&r.family);
        if FAKE_SURNAMES.contains(&family.as_str()) {
            family.clear();
        }
        let mut family_parts: Vec<String> = r
            .family
            .split(|c: char| c == '-' || c.is_whitespace() || c == '/')
            .map(fold_name)
            .filter(|p| p.len() >= 2)
            .collect();
        if family_parts.len() < 2 || family.is_empty() {
            family_parts.clear();
        }
        let family = family.replace(' ', "");
        Self {
            given_sx: soundex(&given),
            given_formal: formal_names(&given),
            given,
            infant_placeholder,
            middle: fold_name(&r.middle),
            family_sx: soundex(&family),
            family,
            family_parts,
            dob: r.dob,
            sex: r.sex,
            mother_maiden: fold_name(&r.mother_maiden).replace(' ', ""),
            zip: r.zip.chars().filter(char::is_ascii_alphanumeric).collect(),
            street: r
                .street
                .split_whitespace()
                .map(str::to_ascii_uppercase)
                .collect::<Vec<_>>()
                .join(" "),
            other_names: Vec::new(),
        }
    }

    /// Adds the other names the person is known by — AKA names, earlier or birth surnames —
    /// as `(given, family)`; an empty part stands for the record's own (an earlier surname
    /// alone keeps the given name). The record is then filed and compared under each of them
    /// too (see [`fs::gamma`]).
    pub fn with_other_names<'a>(
        mut self,
        names: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        for (given, family) in names {
            let given = Some(fold_name(given))
                .filter(|g| !g.is_empty() && !PLACEHOLDERS.contains(&g.as_str()))
                .unwrap_or_else(|| self.given.clone());
            let family = Some(fold_name(family).replace(' ', ""))
                .filter(|f| !f.is_empty() && !FAKE_SURNAMES.contains(&f.as_str()))
                .unwrap_or_else(|| self.family.clone());
            if (given == self.given && family == self.family)
                || (given.is_empty() && family.is_empty())
            {
                continue;
            }
            let other = OtherName {
                given_sx: soundex(&given),
                family_sx: soundex(&family),
                given,
                family,
            };
            if !self.other_names.contains(&other) {
                self.other_names.push(other);
            }
        }
        self
    }

    /// This record under one of its other names.
    fn as_named(&self, other: &OtherName) -> Self {
        let mut p = self.clone();
        p.given_formal = formal_names(&other.given);
        p.given.clone_from(&other.given);
        p.given_sx.clone_from(&other.given_sx);
        p.family.clone_from(&other.family);
        p.family_sx.clone_from(&other.family_sx);
        p.family_parts.clear();
        p.other_names.clear();
        p
    }

    /// The blocking keys a stored (master) record is filed under.
    pub fn master_keys(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.block_keys(false, &mut out);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The blocking keys a query looks up: the master keys plus the variants a clerk's error
    /// may have produced (day/month swapped, birth year ±1, first/last swapped), and the
    /// [guardian key](Self::guardian_key) of its names and date.
    pub fn query_keys(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.block_keys(true, &mut out);
        out.extend(self.guardian_key());
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The blocking keys the registry-wide deduplication files a record under: its
    /// [`master_keys`](Self::master_keys) plus keys that do not depend on the birth year —
    /// given name (each of its formal names too) with month and day, alone and with the surname
    /// — so a mistyped birth year still brings two records of one person together. They stay
    /// out of Smart search, whose hand-set scorer lets more namesakes through with them (see
    /// the matching decision notes); the deduplication job scores with probabilities and sends
    /// likely pairs to a person.
    pub fn dedup_keys(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.block_keys(false, &mut out);
        for other in &self.other_names {
            self.as_named(other).year_free_keys(&mut out);
        }
        self.year_free_keys(&mut out);
        out.sort_unstable();
        out.dedup();
        out
    }

    fn year_free_keys(&self, out: &mut Vec<String>) {
        let Some(d) = self.dob else {
            return;
        };
        let mut given_codes = vec![self.given_sx.clone()];
        given_codes.extend(self.given_formal.iter().map(|f| soundex(f)));
        for g in given_codes.iter().filter(|g| !g.is_empty()) {
            out.push(format!("Y{g}|{:02}{:02}", d.month, d.day));
            if !self.family_sx.is_empty() {
                out.push(format!(
                    "Y{g}|{}|{:02}{:02}",
                    self.family_sx, d.month, d.day
                ));
            }
        }
    }

    /// The key a child is filed under for its guardian — this record being the guardian's
    /// name with the *child's* date of birth — and that a query looks up with its own names
    /// and date: a child is found by the mother's (or another responsible person's) name and
    /// the child's date of birth. A search aid, not evidence of identity: Smart search scores
    /// such a find against the guardian's name and says so; the deduplication job never
    /// uses it.
    pub fn guardian_key(&self) -> Option<String> {
        let d = self.dob?;
        (!self.given_sx.is_empty() && !self.family_sx.is_empty())
            .then(|| format!("P{}|{}|{}", self.given_sx, self.family_sx, d.digits()))
    }

    /// The folded given name whose frequency weights an exact agreement (empty for a
    /// placeholder such as "Baby Girl").
    pub fn given_key(&self) -> &str {
        &self.given
    }

    /// The folded surname whose frequency weights an exact agreement.
    pub fn family_key(&self) -> &str {
        &self.family
    }

    fn block_keys(&self, query: bool, out: &mut Vec<String>) {
        for other in &self.other_names {
            self.as_named(other).block_keys(query, out);
        }
        let mut given_codes = vec![self.given_sx.clone()];
        given_codes.extend(self.given_formal.iter().map(|f| soundex(f)));
        if let Some(d) = self.dob {
            out.push(format!("D{}", d.digits()));
            if query && d.month != d.day {
                out.push(format!("D{}", Dob::new(d.year, d.day, d.month).digits()));
            }
            let years: &[i32] = if query { &[0, -1, 1] } else { &[0] };
            for dy in years {
                let y = d.year as i32 + dy;
                if !self.family_sx.is_empty() {
                    out.push(format!("S{}{y}", self.family_sx));
                }
                for p in &self.family_parts {
                    out.push(format!("S{}{y}", soundex(p)));
                }
                if query && !self.given_sx.is_empty() {
                    // First/last swapped: the given name may be the master's surname.
                    out.push(format!("S{}{y}", self.given_sx));
                }
            }
            for g in given_codes.iter().filter(|g| !g.is_empty()) {
                out.push(format!("G{g}{}{:02}", d.year, d.month));
                if query {
                    out.push(format!("G{g}{}{:02}", d.year, d.day));
                }
            }
            if query && !self.family_sx.is_empty() {
                out.push(format!("G{}{}{:02}", self.family_sx, d.year, d.month));
            }
            if !self.family_sx.is_empty() {
                out.push(format!("M{}{:02}{:02}", self.family_sx, d.month, d.day));
            }
        }
        // Same ZIP and surname, or same ZIP and street (a wrong date and a changed name).
        if !self.zip.is_empty() && !self.family_sx.is_empty() {
            out.push(format!("Z{}|{}", self.zip, self.family_sx));
        }
        if !self.zip.is_empty() && !self.street.is_empty() {
            out.push(format!("A{}|{}", self.zip, self.street));
        }
        // A record without a date of birth is filed under each name alone (few records lack
        // a date, so these blocks stay small); a query looks there by its names.
        if self.dob.is_none() || query {
            if !self.family_sx.is_empty() {
                out.push(format!("F{}", self.family_sx));
            }
            if !self.given_sx.is_empty() {
                out.push(format!("E{}", self.given_sx));
            }
        }
        // The full name, whatever the date says (a wrong or missing date of birth).
        if !self.given_sx.is_empty() && !self.family_sx.is_empty() {
            out.push(format!("N{}|{}", self.given_sx, self.family_sx));
            if query {
                out.push(format!("N{}|{}", self.family_sx, self.given_sx));
            }
        }
    }
}

/// A comparison's outcome: the total weight and the reasons behind it, strongest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchScore {
    /// Sum of log₂ likelihood-ratio weights; above about 12 is a likely match.
    pub score: f64,
    /// What agreed or disagreed, in words ("DOB exact", "surname sounds alike").
    pub reasons: Vec<String>,
}

impl MatchScore {
    /// The reasons as one line: "DOB exact, surname sounds alike".
    pub fn explain(&self) -> String {
        self.reasons.join(", ")
    }
}

/// Default score above which the best candidate counts as "found".
pub const DEFAULT_THRESHOLD: f64 = 12.0;

/// Score from which Smart search lists a candidate as possible (half the likely-match score:
/// e.g. an exact date of birth alone, or both names without a date).
pub const POSSIBLE_THRESHOLD: f64 = 6.0;

#[derive(Clone, Copy, PartialEq, Debug)]
enum NameLevel {
    Exact,
    Nickname,
    Close,
    SoundsAlike,
    Similar,
    Contains,
    Initial,
    Missing,
    Different,
}

fn compare_given(q: &Prepared, m: &Prepared) -> NameLevel {
    compare_names(
        &q.given,
        &q.given_sx,
        &m.given,
        &m.given_sx,
        &q.given_formal,
        &m.given_formal,
    )
}

fn compare_names(
    a: &str,
    a_sx: &str,
    b: &str,
    b_sx: &str,
    a_formal: &[&str],
    b_formal: &[&str],
) -> NameLevel {
    if a.is_empty() || b.is_empty() {
        return NameLevel::Missing;
    }
    if a == b {
        return NameLevel::Exact;
    }
    if are_nicknames(a, b) || a_formal.iter().any(|f| b_formal.contains(f)) {
        return NameLevel::Nickname;
    }
    let jw = jaro_winkler(a, b);
    if jw >= 0.94 {
        return NameLevel::Close;
    }
    if a_sx == b_sx {
        return NameLevel::SoundsAlike;
    }
    if jw >= 0.88 {
        return NameLevel::Similar;
    }
    if (a.len() == 1 || b.len() == 1) && a.as_bytes()[0] == b.as_bytes()[0] {
        return NameLevel::Initial;
    }
    NameLevel::Different
}

fn compare_family(q: &Prepared, m: &Prepared) -> NameLevel {
    let level = compare_names(&q.family, &q.family_sx, &m.family, &m.family_sx, &[], &[]);
    if matches!(level, NameLevel::Different | NameLevel::Similar) {
        let contains = |parts: &[String], whole: &str| {
            parts
                .iter()
                .any(|p| p == whole || jaro_winkler(p, whole) >= 0.95)
        };
        if contains(&q.family_parts, &m.family)
            || contains(&m.family_parts, &q.family)
            || q.family_parts.iter().any(|p| m.family_parts.contains(p))
            || (q.family.len() >= 4
                && m.family.len() >= 4
                && (q.family.contains(&m.family) || m.family.contains(&q.family)))
        {
            return NameLevel::Contains;
        }
        if !m.mother_maiden.is_empty() && m.mother_maiden == q.family
            || !q.mother_maiden.is_empty() && q.mother_maiden == m.family
        {
            return NameLevel::Contains;
        }
    }
    level
}

fn given_weight(l: NameLevel) -> (f64, &'static str) {
    match l {
        NameLevel::Exact => (6.5, "given name exact"),
        NameLevel::Nickname => (5.0, "given name is a nickname"),
        NameLevel::Close => (4.5, "given name nearly identical"),
        NameLevel::SoundsAlike => (3.5, "given name sounds alike"),
        NameLevel::Similar => (2.0, "given name similar"),
        NameLevel::Contains => (2.0, "given name contains the other"),
        NameLevel::Initial => (1.0, "given initial agrees"),
        NameLevel::Missing => (0.0, "given name missing"),
        NameLevel::Different => (-8.0, "given name differs"),
    }
}

fn family_weight(l: NameLevel) -> (f64, &'static str) {
    match l {
        NameLevel::Exact => (7.0, "surname exact"),
        NameLevel::Nickname => (5.0, "surname exact"),
        NameLevel::Close => (5.0, "surname nearly identical"),
        NameLevel::SoundsAlike => (4.0, "surname sounds alike"),
        NameLevel::Similar => (2.0, "surname similar"),
        NameLevel::Contains => (3.5, "surname hyphenated or changed"),
        NameLevel::Initial => (0.5, "surname initial agrees"),
        NameLevel::Missing => (0.0, "surname missing"),
        NameLevel::Different => (-4.0, "surname differs"),
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum DobLevel {
    Exact,
    DayMonthSwap,
    YearOffByOne,
    OneDigit,
    Transposed,
    SameYearMonth,
    Missing,
    Different,
}

fn compare_dob(a: Option<Dob>, b: Option<Dob>) -> DobLevel {
    let (Some(a), Some(b)) = (a, b) else {
        return DobLevel::Missing;
    };
    if a == b {
        return DobLevel::Exact;
    }
    if a.year == b.year && a.month == b.day && a.day == b.month {
        return DobLevel::DayMonthSwap;
    }
    if a.month == b.month && a.day == b.day && a.year.abs_diff(b.year) == 1 {
        return DobLevel::YearOffByOne;
    }
    let (da, db) = (a.digits(), b.digits());
    let diff: Vec<usize> = da
        .bytes()
        .zip(db.bytes())
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, _)| i)
        .collect();
    if diff.len() == 1 {
        return DobLevel::OneDigit;
    }
    if diff.len() == 2
        && diff[1] == diff[0] + 1
        && da.as_bytes()[diff[0]] == db.as_bytes()[diff[1]]
        && da.as_bytes()[diff[1]] == db.as_bytes()[diff[0]]
    {
        return DobLevel::Transposed;
    }
    if a.year == b.year && a.month == b.month {
        return DobLevel::SameYearMonth;
    }
    DobLevel::Different
}

fn dob_weight(l: DobLevel) -> (f64, &'static str) {
    match l {
        DobLevel::Exact => (10.0, "DOB exact"),
        DobLevel::DayMonthSwap => (6.5, "DOB day and month swapped"),
        DobLevel::YearOffByOne => (5.5, "DOB year off by one"),
        DobLevel::OneDigit => (5.5, "DOB one digit off"),
        DobLevel::Transposed => (5.0, "DOB digits transposed"),
        DobLevel::SameYearMonth => (1.5, "DOB same year and month"),
        DobLevel::Missing => (0.0, "DOB missing"),
        DobLevel::Different => (-6.0, "DOB differs"),
    }
}

/// How often each folded given name and surname occurs among the master records, for
/// term-frequency-adjusted weights: agreeing on a rare name says more than on a common one.
#[derive(Debug, Default, Clone)]
pub struct Frequencies {
    total: u32,
    given: HashMap<String, u32>,
    family: HashMap<String, u32>,
}

impl Frequencies {
    /// Frequencies counted elsewhere (the store keeps them per name): `total` records, and
    /// how many carry each folded given name and surname ([`Prepared::given_key`],
    /// [`Prepared::family_key`]). Names missing from the maps count as seen once.
    pub fn from_counts(
        total: u32,
        given: HashMap<String, u32>,
        family: HashMap<String, u32>,
    ) -> Self {
        Self {
            total,
            given,
            family,
        }
    }

    /// Frequencies counted over `records` (every record counts once per name).
    pub fn count<'a>(records: impl IntoIterator<Item = &'a Prepared>) -> Self {
        let mut freq = Self::default();
        for p in records {
            freq.add(p);
        }
        freq
    }

    /// Number of records counted.
    pub fn total(&self) -> u32 {
        self.total
    }

    fn add(&mut self, p: &Prepared) {
        self.total += 1;
        if !p.given.is_empty() {
            *self.given.entry(p.given.clone()).or_default() += 1;
        }
        if !p.family.is_empty() {
            *self.family.entry(p.family.clone()).or_default() += 1;
        }
    }

    /// log₂(m/u) for exact agreement on a value seen `count` times, within `[lo, hi]`.
    fn weight(&self, count: Option<&u32>, lo: f64, hi: f64) -> f64 {
        let u = f64::from((*count.unwrap_or(&1)).max(1)) / f64::from(self.total.max(1));
        (0.9 / u).log2().clamp(lo, hi)
    }
}

/// Compares two prepared records.
pub fn compare_prepared(q: &Prepared, m: &Prepared) -> MatchScore {
    compare_with(q, m, None)
}

fn compare_with(q: &Prepared, m: &Prepared, freq: Option<&Frequencies>) -> MatchScore {
    let mut parts: Vec<(f64, String)> = Vec::with_capacity(6);
    let given = compare_given(q, m);
    let family = compare_family(q, m);
    let given_weight = |l: NameLevel| match (l, freq) {
        (NameLevel::Exact, Some(f)) => (
            f.weight(f.given.get(&m.given), 4.0, 9.0),
            "given name exact",
        ),
        _ => given_weight(l),
    };
    let family_weight = |l: NameLevel| match (l, freq) {
        (NameLevel::Exact, Some(f)) => (
            f.weight(f.family.get(&m.family), 4.0, 10.0),
            "surname exact",
        ),
        _ => family_weight(l),
    };
    let (g, f) = (given_weight(given).0, family_weight(family).0);
    // First/last swap: score the crossed comparison and keep it when clearly better.
    let swap_given = compare_names(&q.given, &q.given_sx, &m.family, &m.family_sx, &[], &[]);
    let swap_family = compare_names(&q.family, &q.family_sx, &m.given, &m.given_sx, &[], &[]);
    let (sg, sf) = (
        self::family_weight(swap_given).0,
        self::given_weight(swap_family).0,
    );
    if sg > 0.0 && sf > 0.0 && sg + sf - 1.0 > g + f {
        parts.push((sg + sf - 1.0, "first and last names swapped".to_owned()));
    } else {
        if q.infant_placeholder || m.infant_placeholder {
            parts.push((0.0, "given name is a placeholder (Baby Girl …)".to_owned()));
        } else {
            let (w, why) = given_weight(given);
            // Given name against the other's middle name.
            let via_middle = compare_names(&q.given, &q.given_sx, &m.middle, "", &[], &[]);
            let via_middle2 = compare_names(&q.middle, "", &m.given, &m.given_sx, &[], &[]);
            if w < 0.0
                && (via_middle == NameLevel::Exact || via_middle2 == NameLevel::Exact)
                && q.given.len() > 1
                && m.given.len() > 1
            {
                parts.push((3.0, "given name is the other's middle name".to_owned()));
            } else if given != NameLevel::Missing {
                parts.push((w, why.to_owned()));
            }
        }
        let (w, why) = family_weight(family);
        if family != NameLevel::Missing {
            parts.push((w, why.to_owned()));
        }
    }
    let dob = compare_dob(q.dob, m.dob);
    let (w, why) = dob_weight(dob);
    if dob != DobLevel::Missing {
        parts.push((w, why.to_owned()));
    }
    if let (Some(a), Some(b)) = (q.sex, m.sex) {
        if a == b {
            parts.push((0.5, "sex agrees".to_owned()));
        } else {
            parts.push((-2.5, "sex differs".to_owned()));
        }
    }
    if !q.middle.is_empty() && !m.middle.is_empty() {
        if q.middle.as_bytes()[0] == m.middle.as_bytes()[0] {
            parts.push((1.0, "middle initial agrees".to_owned()));
        } else {
            parts.push((-1.0, "middle initial differs".to_owned()));
        }
    }
    if !q.mother_maiden.is_empty() && !m.mother_maiden.is_empty() {
        if q.mother_maiden == m.mother_maiden
            || jaro_winkler(&q.mother_maiden, &m.mother_maiden) >= 0.94
        {
            parts.push((4.0, "mother's maiden name agrees".to_owned()));
        } else {
            parts.push((-2.0, "mother's maiden name differs".to_owned()));
        }
    }
    if !q.zip.is_empty() && !m.zip.is_empty() {
        if q.zip == m.zip {
            parts.push((2.0, "ZIP agrees".to_owned()));
        } else {
            parts.push((-0.5, "ZIP differs".to_owned()));
        }
    }
    if !q.street.is_empty() && !m.street.is_empty() {
        if q.street == m.street || jaro_winkler(&q.street, &m.street) >= 0.92 {
            parts.push((3.0, "street address agrees".to_owned()));
        } else {
            parts.push((-0.5, "street address differs".to_owned()));
        }
    }
    let score = parts.iter().map(|(w, _)| w).sum();
    parts.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
    MatchScore {
        score,
        reasons: parts.into_iter().map(|(_, r)| r).collect(),
    }
}

/// Scores a candidate for a query with term-frequency-adjusted name weights: what Smart search
/// ranks by.
pub fn score_candidate(query: &Prepared, candidate: &Prepared, freq: &Frequencies) -> MatchScore {
    compare_with(query, candidate, Some(freq))
}

/// Compares a query with one candidate record.
///
/// ```
/// use shotbook_core::matching::{compare, Dob, PersonRecord};
/// let dob = Some(Dob::new(2019, 3, 14));
/// let s = compare(&PersonRecord::new("Bill", "Garcia", dob), &PersonRecord::new("William", "Garcia", dob));
/// assert!(s.score > 15.0);
/// assert_eq!(s.explain(), "DOB exact, surname exact, given name is a nickname");
/// ```
pub fn compare(query: &PersonRecord, candidate: &PersonRecord) -> MatchScore {
    compare_prepared(&Prepared::new(query), &Prepared::new(candidate))
}

/// One ranked candidate from [`MatchIndex::search`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Position of the record in the order it was given to [`MatchIndex::new`].
    pub index: usize,
    /// Score and reasons.
    #[serde(flatten)]
    pub score: MatchScore,
}

/// Master records with blocking keys, for ranking candidates for a query.
#[derive(Debug, Default)]
pub struct MatchIndex {
    records: Vec<Prepared>,
    freq: Frequencies,
    blocks: HashMap<String, Vec<u32>>,
}

impl MatchIndex {
    /// Prepares and indexes the records.
    pub fn new<'a>(records: impl IntoIterator<Item = &'a PersonRecord>) -> Self {
        let mut index = Self::default();
        let mut keys = Vec::new();
        for r in records {
            let p = Prepared::new(r);
            keys.clear();
            p.block_keys(false, &mut keys);
            let i = index.records.len() as u32;
            for k in keys.drain(..) {
                index.blocks.entry(k).or_default().push(i);
            }
            index.freq.add(&p);
            index.records.push(p);
        }
        index
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the index holds no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Records sharing a blocking key with the query, in index order.
    pub fn candidates(&self, query: &PersonRecord) -> Vec<usize> {
        self.candidates_prepared(&Prepared::new(query))
    }

    fn candidates_prepared(&self, q: &Prepared) -> Vec<usize> {
        let mut keys = Vec::new();
        q.block_keys(true, &mut keys);
        let mut seen = HashSet::new();
        for k in &keys {
            if let Some(ids) = self.blocks.get(k) {
                seen.extend(ids.iter().map(|&i| i as usize));
            }
        }
        let mut out: Vec<usize> = seen.into_iter().collect();
        out.sort_unstable();
        out
    }

    /// The best `limit` candidates for the query, highest score first (ties in index order),
    /// skipping those `exclude` rejects (e.g. the query's own record when deduplicating).
    pub fn search(
        &self,
        query: &PersonRecord,
        limit: usize,
        exclude: impl Fn(usize) -> bool,
    ) -> Vec<Candidate> {
        let q = Prepared::new(query);
        let mut out: Vec<Candidate> = self
            .candidates_prepared(&q)
            .into_iter()
            .filter(|&i| !exclude(i))
            .map(|i| Candidate {
                index: i,
                score: compare_with(&q, &self.records[i], Some(&self.freq)),
            })
            .collect();
        out.sort_by(|a, b| {
            b.score
                .score
                .total_cmp(&a.score.score)
                .then(a.index.cmp(&b.index))
        });
        out.truncate(limit);
        out
    }
}

#[cfg(test)]
mod tests;
