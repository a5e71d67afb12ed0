//! The typed requirement tables and their parser.

use serde::{Deserialize, Serialize};
use shotbook_forecast::{Date, Offset};

use crate::catalog::Component;

/// A vaccine group a requirement counts doses of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VaccineGroup {
    /// Diphtheria-tetanus containing: DTaP, DTP, DT, Td, Tdap.
    Dtap,
    /// A Td or Tdap booster.
    TdOrTdap,
    /// Tdap.
    Tdap,
    /// Polio.
    Polio,
    /// Measles-containing (MMR, MMRV).
    Mmr,
    /// Hepatitis B.
    Hepb,
    /// Hepatitis A.
    Hepa,
    /// Varicella.
    Varicella,
    /// MenACWY.
    Menacwy,
    /// Hib.
    Hib,
    /// Pneumococcal conjugate.
    Pcv,
}

impl VaccineGroup {
    /// Every group.
    pub const ALL: [VaccineGroup; 11] = [
        VaccineGroup::Dtap,
        VaccineGroup::TdOrTdap,
        VaccineGroup::Tdap,
        VaccineGroup::Polio,
        VaccineGroup::Mmr,
        VaccineGroup::Hepb,
        VaccineGroup::Hepa,
        VaccineGroup::Varicella,
        VaccineGroup::Menacwy,
        VaccineGroup::Hib,
        VaccineGroup::Pcv,
    ];

    /// Stable code (as written in the tables).
    pub fn code(self) -> &'static str {
        match self {
            VaccineGroup::Dtap => "dtap",
            VaccineGroup::TdOrTdap => "td_or_tdap",
            VaccineGroup::Tdap => "tdap",
            VaccineGroup::Polio => "polio",
            VaccineGroup::Mmr => "mmr",
            VaccineGroup::Hepb => "hepb",
            VaccineGroup::Hepa => "hepa",
            VaccineGroup::Varicella => "varicella",
            VaccineGroup::Menacwy => "menacwy",
            VaccineGroup::Hib => "hib",
            VaccineGroup::Pcv => "pcv",
        }
    }

    /// The group with this code.
    pub fn from_code(code: &str) -> Option<VaccineGroup> {
        VaccineGroup::ALL.into_iter().find(|g| g.code() == code)
    }

    /// The component a dose must hold to count for the group.
    pub fn component(self) -> Component {
        match self {
            VaccineGroup::Dtap => Component::Diphtheria,
            VaccineGroup::TdOrTdap => Component::TdOrTdap,
            VaccineGroup::Tdap => Component::Tdap,
            VaccineGroup::Polio => Component::Polio,
            VaccineGroup::Mmr => Component::Measles,
            VaccineGroup::Hepb => Component::HepB,
            VaccineGroup::Hepa => Component::HepA,
            VaccineGroup::Varicella => Component::Varicella,
            VaccineGroup::Menacwy => Component::MenAcwy,
            VaccineGroup::Hib => Component::Hib,
            VaccineGroup::Pcv => Component::PneumococcalConjugate,
        }
    }
}

/// Where the student is enrolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    /// A child-care facility (requirements by age).
    ChildCare,
    /// Pre-kindergarten or preschool (grade `PK`).
    PreK,
    /// Kindergarten to grade 12.
    School,
}

impl Setting {
    pub(super) fn from_code(code: &str) -> Option<Setting> {
        Setting::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A grade: `PK`, `K`, `1` … `12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Grade(i8);

impl Grade {
    /// Pre-kindergarten.
    pub const PRE_K: Grade = Grade(-1);
    /// Kindergarten.
    pub const K: Grade = Grade(0);

    /// Grade 1 to 12.
    pub fn numbered(n: u8) -> Option<Grade> {
        (1..=12).contains(&n).then_some(Grade(n as i8))
    }

    /// `PK`, `K` or `1` … `12`.
    pub fn code(self) -> String {
        match self.0 {
            -1 => "PK".to_owned(),
            0 => "K".to_owned(),
            n => n.to_string(),
        }
    }

    /// Parses `PK`, `K` or `1`…`12`.
    pub fn parse(s: &str) -> Option<Grade> {
        match s.trim() {
            "PK" | "pk" => Some(Grade::PRE_K),
            "K" | "k" => Some(Grade::K),
            n => n.parse().ok().and_then(Grade::numbered),
        }
    }
}

/// An inclusive range of grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GradeRange {
    /// First grade.
    pub first: Grade,
    /// Last grade.
    pub last: Grade,
}

/// An age band: from (inclusive) to (exclusive, open when `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AgeBand {
    /// Lower age.
    pub from: Offset,
    /// Upper age.
    pub to: Option<Offset>,
}

impl AgeBand {
    /// Whether a student born on `dob` is in the band on `on`.
    pub fn contains(&self, dob: Date, on: Date) -> bool {
        dob.plus(self.from) <= on && self.to.is_none_or(|to| on < dob.plus(to))
    }
}

/// Which students a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Applies {
    /// By grade.
    Grades(GradeRange),
    /// By age on the evaluation date.
    Ages(AgeBand),
}

/// "Dose `dose` given on or after age `age`".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DoseAge {
    /// 1-based dose number among the counted doses.
    pub dose: u8,
    /// Age (the grace period applies).
    pub age: Offset,
}

/// One way to satisfy a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleOption {
    /// Counted doses needed (0: nothing needed for the students the option applies to).
    pub doses: u8,
    /// At least one counted dose on or after this age.
    pub one_on_or_after: Option<Offset>,
    /// Only doses on or after this age count.
    pub all_on_or_after: Option<Offset>,
    /// A given dose on or after an age.
    pub dose_on_or_after: Option<DoseAge>,
    /// Minimum interval between counted doses, replacing the group's.
    pub min_interval: Option<Offset>,
    /// The last counted dose no older than this on the evaluation date.
    pub last_dose_within: Option<Offset>,
    /// The option applies only to students at least this old.
    pub student_min_age: Option<Offset>,
    /// The option applies only to students younger than this.
    pub student_max_age: Option<Offset>,
    /// The first two counted doses must hold this component (PRP-OMP Hib).
    pub first_two_product: Option<Component>,
}

/// A requirement row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable id, e.g. `tx-k6-dtap` (the UI and tests name rows by it).
    pub id: String,
    /// Setting.
    pub setting: Setting,
    /// Students it applies to.
    pub applies: Applies,
    /// Vaccine group counted.
    pub vaccine: VaccineGroup,
    /// Documented immunity (disease history or serology) satisfies the rule.
    pub accepts_immunity: bool,
    /// Alternatives; any satisfies.
    pub options: Vec<RuleOption>,
}

/// Counting defaults of a vaccine group in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VaccineDefaults {
    /// Group.
    pub group: VaccineGroup,
    /// Minimum age of any counted dose.
    pub min_age: Offset,
    /// Minimum interval between counted doses.
    pub min_interval: Offset,
}

/// An exemption kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExemptionKind {
    /// Medical (physician's statement).
    Medical,
    /// Reasons of conscience, including religious belief (Texas affidavit).
    Conscience,
    /// Religious (Montana affidavit).
    Religious,
    /// Active duty with the armed forces (Texas).
    MilitaryDuty,
}

impl ExemptionKind {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ExemptionKind::Medical => "medical",
            ExemptionKind::Conscience => "conscience",
            ExemptionKind::Religious => "religious",
            ExemptionKind::MilitaryDuty => "military_duty",
        }
    }

    pub(super) fn from_code(code: &str) -> Option<ExemptionKind> {
        ExemptionKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// How long an exemption is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ExemptionValidity {
    /// For this long after it was signed.
    For(Offset),
    /// Until the end of the school year of the table.
    SchoolYear,
    /// No expiry.
    Indefinite,
}

/// An exemption a state accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExemptionPolicy {
    /// Kind.
    pub kind: ExemptionKind,
    /// Settings it is accepted in (all when empty).
    pub settings: Vec<Setting>,
    /// Vaccine groups it may cover (all when empty).
    pub vaccines: Vec<VaccineGroup>,
    /// Validity.
    pub validity: ExemptionValidity,
    /// A statement that the condition is lifelong makes it indefinite.
    pub lifelong_allowed: bool,
}

/// How a provisional enrolment's deadline is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DeadlineRule {
    /// The first periodic review (every `review_days` from enrolment) on or after the earliest
    /// date the next missing dose can be given (Texas §97.66).
    NextDoseReview,
    /// The next date on the signed schedule (Montana conditional attendance form).
    ScheduledDates,
}

/// Provisional (conditional) enrolment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvisionalPolicy {
    /// At least one dose of each required vaccine is needed.
    pub one_dose_of_each: bool,
    /// Deadline rule.
    pub deadline: DeadlineRule,
    /// Review period in days.
    pub review_days: i32,
    /// Admission without doses for these bases (homeless, foster care) …
    pub without_doses_bases: Vec<super::ProvisionalBasis>,
    /// … for this many days.
    pub without_doses_days: i32,
}

/// Ages of a setting whose requirements the table does not encode (evaluation says so rather
/// than calling the child complete).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Unassessed {
    /// Setting.
    pub setting: Setting,
    /// Ages.
    pub ages: AgeBand,
}

/// One state's requirements for one school year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateTable {
    /// Two-letter state code.
    pub state: String,
    /// School year, e.g. `2025-2026`.
    pub school_year: String,
    /// First day the table is in force.
    pub effective_from: Date,
    /// Last day the table is in force.
    pub effective_to: Date,
    /// Grace days on ages and intervals.
    pub grace_days: i32,
    /// Sources.
    pub sources: Vec<String>,
    /// Counting defaults per vaccine group.
    pub vaccines: Vec<VaccineDefaults>,
    /// Exemptions accepted.
    pub exemptions: Vec<ExemptionPolicy>,
    /// Provisional enrolment.
    pub provisional: ProvisionalPolicy,
    /// Requirement rows.
    pub rules: Vec<Rule>,
    /// Ages not encoded.
    pub unassessed: Vec<Unassessed>,
}

impl StateTable {
    /// Parses a table.
    pub fn parse(text: &str) -> Result<StateTable, TableError> {
        let raw: raw::Table =
            toml::from_str(text).map_err(|e| TableError::Syntax(e.to_string()))?;
        raw.into_table()
    }

    /// The counting defaults of a group (6 weeks and 4 weeks when the table has none).
    pub fn defaults(&self, group: VaccineGroup) -> VaccineDefaults {
        self.vaccines
            .iter()
            .find(|v| v.group == group)
            .copied()
            .unwrap_or(VaccineDefaults {
                group,
                min_age: Offset {
                    days: 42,
                    ..Offset::default()
                },
                min_interval: Offset {
                    days: 28,
                    ..Offset::default()
                },
            })
    }

    /// A rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// A table that does not parse. Configuration errors for the people who write tables; never
/// shown to clinic users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// Not valid TOML or a field of the wrong type.
    #[error("table syntax: {0}")]
    Syntax(String),
    /// A date that is not `YYYY-MM-DD`.
    #[error("bad date {0:?}")]
    BadDate(String),
    /// An age or interval that is not an offset like `4 years` or `6 months - 4 days`.
    #[error("bad age or interval {0:?}")]
    BadOffset(String),
    /// Grades not like `K-6`, `7` or `PK`.
    #[error("bad grades {0:?}")]
    BadGrades(String),
    /// Ages not like `3 months..5 months` or `19 months..`.
    #[error("bad ages {0:?}")]
    BadAges(String),
    /// Unknown code in a field.
    #[error("unknown {field} {value:?}")]
    UnknownCode {
        /// Field.
        field: &'static str,
        /// Value.
        value: String,
    },
    /// A rule with neither grades nor ages, or both.
    #[error("rule {0} needs exactly one of grades and ages")]
    RuleScope(String),
    /// A rule without options.
    #[error("rule {0} has no option")]
    RuleWithoutOptions(String),
    /// Two rules with one id.
    #[error("duplicate rule id {0}")]
    DuplicateRule(String),
    /// Two tables for one state whose years overlap.
    #[error("overlapping tables for {0}")]
    Overlap(String),
}

/// The table a report assesses with (see [`RequirementBook::table_or_latest`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarriedTable {
    /// The table, its dates those of the school year assessed.
    pub table: StateTable,
    /// The school year whose rules are applied, when the book holds none for the year
    /// assessed.
    pub carried_from: Option<String>,
}

/// Every state table in force: the embedded Texas and Montana tables, plus any a host adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementBook {
    tables: Vec<StateTable>,
}

/// Every `data/school/*.toml`, in file-name order (listed by `build.rs`).
const EMBEDDED: &[&str] = include!(concat!(env!("OUT_DIR"), "/school_tables.rs"));

impl RequirementBook {
    /// The tables shipped with Shotbook.
    pub fn embedded() -> Result<RequirementBook, TableError> {
        RequirementBook::with_tables(&[])
    }

    /// The shipped tables plus `extra` (TOML text: another state, another school year).
    pub fn with_tables(extra: &[&str]) -> Result<RequirementBook, TableError> {
        let mut tables: Vec<StateTable> = Vec::new();
        for text in EMBEDDED.iter().chain(extra) {
            let table = StateTable::parse(text)?;
            let overlaps = tables.iter().any(|t| {
                t.state == table.state
                    && t.effective_from <= table.effective_to
                    && table.effective_from <= t.effective_to
            });
            if overlaps {
                return Err(TableError::Overlap(table.state));
            }
            tables.push(table);
        }
        Ok(RequirementBook { tables })
    }

    /// The table of `state` in force on `on`.
    pub fn table(&self, state: &str, on: Date) -> Option<&StateTable> {
        self.tables.iter().find(|t| {
            t.state.eq_ignore_ascii_case(state) && t.effective_from <= on && on <= t.effective_to
        })
    }

    /// The table to assess `state`'s students with on `on`: the one in force, or — when `on`
    /// is past the last school year the book holds for the state — that state's latest table
    /// carried forward whole years to the school year containing `on`, with
    /// [`CarriedTable::carried_from`] naming the year whose rules it applies. A new school year
    /// starts before a state's new chart is loaded; the report runs on last year's rules and
    /// says so, rather than stopping every school on the first day. `None` when the book holds
    /// no table of the state from before `on`.
    pub fn table_or_latest(&self, state: &str, on: Date) -> Option<CarriedTable> {
        if let Some(table) = self.table(state, on) {
            return Some(CarriedTable {
                table: table.clone(),
                carried_from: None,
            });
        }
        let latest = self
            .tables
            .iter()
            .filter(|t| t.state.eq_ignore_ascii_case(state) && t.effective_to < on)
            .max_by_key(|t| t.effective_to)?;
        let years_of = |n: i32| Offset {
            years: n,
            months: 0,
            days: 0,
        };
        let mut years = 1;
        while latest.effective_to.plus(years_of(years)) < on {
            years += 1;
        }
        let shift = years_of(years);
        let relabel = |year: &str| {
            year.split('-')
                .map(|y| y.parse::<i32>().map(|y| (y + years).to_string()))
                .collect::<Result<Vec<_>, _>>()
                .map_or_else(|_| year.to_owned(), |parts| parts.join("-"))
        };
        Some(CarriedTable {
            table: StateTable {
                school_year: relabel(&latest.school_year),
                effective_from: latest.effective_from.plus(shift),
                effective_to: latest.effective_to.plus(shift),
                ..latest.clone()
            },
            carried_from: Some(latest.school_year.clone()),
        })
    }

    /// Every table.
    pub fn tables(&self) -> &[StateTable] {
        &self.tables
    }
}

mod raw {
    //! The TOML as written, before it is checked and typed.
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Table {
        state: String,
        school_year: String,
        effective_from: String,
        effective_to: String,
        grace_days: i32,
        #[serde(default)]
        sources: Vec<String>,
        #[serde(default)]
        vaccine: Vec<Vaccine>,
        #[serde(default)]
        exemption: Vec<Exemption>,
        provisional: Provisional,
        #[serde(default)]
        rule: Vec<RawRule>,
        #[serde(default)]
        unassessed: Vec<RawUnassessed>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Vaccine {
        group: String,
        min_age: String,
        min_interval: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Exemption {
        kind: String,
        #[serde(default)]
        settings: Vec<String>,
        #[serde(default)]
        vaccines: Vec<String>,
        valid_for: String,
        #[serde(default)]
        lifelong_allowed: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Provisional {
        one_dose_of_each: bool,
        deadline: String,
        #[serde(default)]
        review_days: i32,
        #[serde(default)]
        without_doses_bases: Vec<String>,
        #[serde(default)]
        without_doses_days: i32,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawRule {
        id: String,
        setting: String,
        grades: Option<String>,
        ages: Option<String>,
        vaccine: String,
        #[serde(default)]
        accepts_immunity: bool,
        #[serde(default)]
        option: Vec<RawOption>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawOption {
        doses: u8,
        one_on_or_after: Option<String>,
        all_on_or_after: Option<String>,
        dose_on_or_after: Option<RawDoseAge>,
        min_interval: Option<String>,
        last_dose_within: Option<String>,
        student_min_age: Option<String>,
        student_max_age: Option<String>,
        first_two_product: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawDoseAge {
        dose: u8,
        age: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawUnassessed {
        setting: String,
        ages: String,
    }

    fn date(s: &str) -> Result<Date, TableError> {
        Date::parse(s).ok_or_else(|| TableError::BadDate(s.to_owned()))
    }

    fn offset(s: &str) -> Result<Offset, TableError> {
        Offset::parse(s).ok_or_else(|| TableError::BadOffset(s.to_owned()))
    }

    fn optional_offset(s: &Option<String>) -> Result<Option<Offset>, TableError> {
        s.as_deref().map(offset).transpose()
    }

    fn group(s: &str) -> Result<VaccineGroup, TableError> {
        VaccineGroup::from_code(s).ok_or_else(|| TableError::UnknownCode {
            field: "vaccine group",
            value: s.to_owned(),
        })
    }

    fn setting(s: &str) -> Result<Setting, TableError> {
        Setting::from_code(s).ok_or_else(|| TableError::UnknownCode {
            field: "setting",
            value: s.to_owned(),
        })
    }

    fn grades(s: &str) -> Result<GradeRange, TableError> {
        let bad = || TableError::BadGrades(s.to_owned());
        let (first, last) = s.split_once('-').unwrap_or((s, s));
        let range = GradeRange {
            first: Grade::parse(first).ok_or_else(bad)?,
            last: Grade::parse(last).ok_or_else(bad)?,
        };
        if range.first > range.last {
            return Err(bad());
        }
        Ok(range)
    }

    fn ages(s: &str) -> Result<AgeBand, TableError> {
        let bad = || TableError::BadAges(s.to_owned());
        let (from, to) = s.split_once("..").ok_or_else(bad)?;
        Ok(AgeBand {
            from: Offset::parse(from).ok_or_else(bad)?,
            to: if to.trim().is_empty() {
                None
            } else {
                Some(Offset::parse(to).ok_or_else(bad)?)
            },
        })
    }

    fn component(s: &str) -> Result<Component, TableError> {
        match s {
            "hib_prp_omp" => Ok(Component::HibPrpOmp),
            _ => Err(TableError::UnknownCode {
                field: "product",
                value: s.to_owned(),
            }),
        }
    }

    fn basis(s: &str) -> Result<super::super::ProvisionalBasis, TableError> {
        super::super::ProvisionalBasis::from_code(s).ok_or_else(|| TableError::UnknownCode {
            field: "provisional basis",
            value: s.to_owned(),
        })
    }

    impl Table {
        pub(super) fn into_table(self) -> Result<StateTable, TableError> {
            let mut rules: Vec<Rule> = Vec::new();
            for r in self.rule {
                if rules.iter().any(|existing| existing.id == r.id) {
                    return Err(TableError::DuplicateRule(r.id));
                }
                let applies = match (&r.grades, &r.ages) {
                    (Some(g), None) => Applies::Grades(grades(g)?),
                    (None, Some(a)) => Applies::Ages(ages(a)?),
                    _ => return Err(TableError::RuleScope(r.id)),
                };
                if r.option.is_empty() {
                    return Err(TableError::RuleWithoutOptions(r.id));
                }
                let options = r
                    .option
                    .iter()
                    .map(|o| {
                        Ok(RuleOption {
                            doses: o.doses,
                            one_on_or_after: optional_offset(&o.one_on_or_after)?,
                            all_on_or_after: optional_offset(&o.all_on_or_after)?,
                            dose_on_or_after: o
                                .dose_on_or_after
                                .as_ref()
                                .map(|d| {
                                    Ok::<_, TableError>(DoseAge {
                                        dose: d.dose,
                                        age: offset(&d.age)?,
                                    })
                                })
                                .transpose()?,
                            min_interval: optional_offset(&o.min_interval)?,
                            last_dose_within: optional_offset(&o.last_dose_within)?,
                            student_min_age: optional_offset(&o.student_min_age)?,
                            student_max_age: optional_offset(&o.student_max_age)?,
                            first_two_product: o
                                .first_two_product
                                .as_deref()
                                .map(component)
                                .transpose()?,
                        })
                    })
                    .collect::<Result<Vec<_>, TableError>>()?;
                rules.push(Rule {
                    setting: setting(&r.setting)?,
                    applies,
                    vaccine: group(&r.vaccine)?,
                    accepts_immunity: r.accepts_immunity,
                    options,
                    id: r.id,
                });
            }
            Ok(StateTable {
                state: self.state,
                school_year: self.school_year,
                effective_from: date(&self.effective_from)?,
                effective_to: date(&self.effective_to)?,
                grace_days: self.grace_days,
                sources: self.sources,
                vaccines: self
                    .vaccine
                    .iter()
                    .map(|v| {
                        Ok(VaccineDefaults {
                            group: group(&v.group)?,
                            min_age: offset(&v.min_age)?,
                            min_interval: offset(&v.min_interval)?,
                        })
                    })
                    .collect::<Result<_, TableError>>()?,
                exemptions: self
                    .exemption
                    .iter()
                    .map(|e| {
                        Ok(ExemptionPolicy {
                            kind: ExemptionKind::from_code(&e.kind).ok_or_else(|| {
                                TableError::UnknownCode {
                                    field: "exemption kind",
                                    value: e.kind.clone(),
                                }
                            })?,
                            settings: e
                                .settings
                                .iter()
                                .map(|s| setting(s))
                                .collect::<Result<_, _>>()?,
                            vaccines: e
                                .vaccines
                                .iter()
                                .map(|v| group(v))
                                .collect::<Result<_, _>>()?,
                            validity: match e.valid_for.as_str() {
                                "school_year" => ExemptionValidity::SchoolYear,
                                "indefinite" => ExemptionValidity::Indefinite,
                                other => ExemptionValidity::For(offset(other)?),
                            },
                            lifelong_allowed: e.lifelong_allowed,
                        })
                    })
                    .collect::<Result<_, TableError>>()?,
                provisional: ProvisionalPolicy {
                    one_dose_of_each: self.provisional.one_dose_of_each,
                    deadline: match self.provisional.deadline.as_str() {
                        "next_dose_review" => DeadlineRule::NextDoseReview,
                        "scheduled_dates" => DeadlineRule::ScheduledDates,
                        other => {
                            return Err(TableError::UnknownCode {
                                field: "provisional deadline",
                                value: other.to_owned(),
                            })
                        }
                    },
                    review_days: self.provisional.review_days,
                    without_doses_bases: self
                        .provisional
                        .without_doses_bases
                        .iter()
                        .map(|b| basis(b))
                        .collect::<Result<_, _>>()?,
                    without_doses_days: self.provisional.without_doses_days,
                },
                rules,
                unassessed: self
                    .unassessed
                    .iter()
                    .map(|u| {
                        Ok(Unassessed {
                            setting: setting(&u.setting)?,
                            ages: ages(&u.ages)?,
                        })
                    })
                    .collect::<Result<_, TableError>>()?,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_texas_and_montana_tables_parse() {
        let book = RequirementBook::embedded().expect("embedded tables parse");
        let on = Date::parse("2025-09-01").unwrap();
        assert_eq!(book.table("TX", on).unwrap().school_year, "2025-2026");
        assert_eq!(book.table("mt", on).unwrap().state, "MT");
        assert!(book
            .table("TX", Date::parse("2026-08-01").unwrap())
            .is_none());
    }

    #[test]
    fn a_table_with_an_unknown_vaccine_group_is_refused_by_name() {
        let text = r#"
            state = "ZZ"
            school_year = "2025-2026"
            effective_from = "2025-08-01"
            effective_to = "2026-07-31"
            grace_days = 4
            [provisional]
            one_dose_of_each = true
            deadline = "scheduled_dates"
            [[rule]]
            id = "zz-k12-smallpox"
            setting = "school"
            grades = "K-12"
            vaccine = "smallpox"
              [[rule.option]]
              doses = 1
        "#;
        assert_eq!(
            StateTable::parse(text),
            Err(TableError::UnknownCode {
                field: "vaccine group",
                value: "smallpox".into()
            })
        );
    }

    #[test]
    fn a_second_table_for_the_same_state_and_year_is_refused() {
        let texas_again = EMBEDDED
            .iter()
            .find(|text| text.contains("state = \"TX\""))
            .expect("a Texas table");
        assert_eq!(
            RequirementBook::with_tables(&[texas_again]),
            Err(TableError::Overlap("TX".into()))
        );
    }

    #[test]
    fn grades_and_ages_parse_and_bad_ones_are_refused() {
        assert_eq!(Grade::parse("PK"), Some(Grade::PRE_K));
        assert_eq!(Grade::parse("13"), None);
        assert!(Grade::parse("K") < Grade::parse("1"));
    }
}
