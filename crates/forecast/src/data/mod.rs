//! Typed model of the CDSi supporting data (logic spec §2.4 and Appendix A; XML schemas
//! `AntigenSupportingData.xsd` and `ScheduleSupportingData.xsd`) and its parser.
//!
//! The XML is read into a tiny element tree with `quick-xml` and then mapped field by field:
//! the files use empty elements (`<interval/>`) for "n/a", repeat elements for multi-valued
//! components, and mix date notations, which a hand-written mapping handles more plainly than
//! a serde derive would.

use std::collections::HashMap;

use anyhow::{anyhow, bail, Context as _, Result};
use serde::Serialize;

use crate::date::{Date, Offset};

mod xml;
pub use xml::{parse_antigen, parse_schedule};

/// A CVX code (vaccine type) as a number; the supporting data writes `03` and `3` alike.
pub type Cvx = u16;

/// Parses a CVX code such as `"03"` or `" 107"`.
pub fn parse_cvx(s: &str) -> Option<Cvx> {
    s.trim().parse().ok()
}

/// All supporting data: one entry per antigen plus the schedule-wide tables.
#[derive(Debug, Clone, Serialize)]
pub struct SupportingData {
    /// Antigens in a stable order (sorted by name).
    pub antigens: Vec<AntigenData>,
    /// Live virus conflicts, vaccine groups, CVX map and observations.
    pub schedule: Schedule,
    /// Which release this is and where it was read from.
    pub version: DataVersion,
}

/// The supporting-data release in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataVersion {
    /// CDC release number, e.g. `4.64`; `unknown` when a loaded directory does not say.
    pub release: String,
    /// Where the data came from.
    pub source: DataSource,
}

/// Where supporting data was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum DataSource {
    /// Compiled into the engine.
    Embedded,
    /// Read at run time from this directory.
    Directory(std::path::PathBuf),
}

/// The release embedded in the crate.
pub const EMBEDDED_RELEASE: &str = "4.64";

/// One antigen's supporting data (`antigenSupportingData`).
#[derive(Debug, Clone, Serialize)]
pub struct AntigenData {
    /// The antigen (target disease) name, e.g. `Measles`.
    pub name: String,
    /// Evidence of immunity.
    pub immunity: Immunity,
    /// Contraindications for the whole antigen.
    pub antigen_contraindications: Vec<AntigenContraindication>,
    /// Contraindications of specific vaccines.
    pub vaccine_contraindications: Vec<VaccineContraindication>,
    /// The antigen series (paths to immunity).
    pub series: Vec<AntigenSeries>,
}

/// Evidence of immunity (§7.2).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Immunity {
    /// Observation codes that are evidence of immunity, with titles.
    pub clinical_history: Vec<(String, String)>,
    /// Patients born before this date are presumed immune.
    pub birth_date: Option<Date>,
    /// Required country of birth for the birth-date rule (empty: any).
    pub birth_country: Option<String>,
    /// Observation codes that exclude the birth-date rule (e.g. health care personnel).
    pub exclusions: Vec<String>,
}

/// An antigen-level contraindication (Table 7-5).
#[derive(Debug, Clone, Serialize)]
pub struct AntigenContraindication {
    /// Observation code.
    pub code: String,
    /// Observation title.
    pub title: String,
    /// Contraindication text for the clinician.
    pub text: String,
    /// Age from which it applies.
    pub begin_age: Option<Offset>,
    /// Age until which it applies.
    pub end_age: Option<Offset>,
}

/// A vaccine-level contraindication (Table 7-6).
#[derive(Debug, Clone, Serialize)]
pub struct VaccineContraindication {
    /// Observation code.
    pub code: String,
    /// Observation title.
    pub title: String,
    /// Contraindication text for the clinician.
    pub text: String,
    /// The contraindicated vaccines, each with an age range.
    pub vaccines: Vec<AgedVaccine>,
}

/// A vaccine type with an optional age range.
#[derive(Debug, Clone, Serialize)]
pub struct AgedVaccine {
    /// Vaccine type description.
    pub vaccine_type: String,
    /// CVX code.
    pub cvx: Cvx,
    /// Begin age (inclusive).
    pub begin_age: Option<Offset>,
    /// End age (exclusive).
    pub end_age: Option<Offset>,
}

/// Kind of antigen series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SeriesType {
    /// Recommended for everyone by age.
    Standard,
    /// Recommended for people with an indication.
    Risk,
    /// Only used to recognise an already completed series.
    EvaluationOnly,
}

/// Patient gender as used by `requiredGender`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Gender {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Unknown or not recorded.
    Unknown,
}

/// An indication that makes a risk series relevant (Table 5-4).
#[derive(Debug, Clone, Serialize)]
pub struct Indication {
    /// Observation code.
    pub code: String,
    /// Observation text.
    pub text: String,
    /// Description.
    pub description: String,
    /// Begin age (inclusive).
    pub begin_age: Option<Offset>,
    /// End age (exclusive).
    pub end_age: Option<Offset>,
}

/// One antigen series.
#[derive(Debug, Clone, Serialize)]
pub struct AntigenSeries {
    /// Series name, e.g. `HepA 2-dose series`.
    pub name: String,
    /// Target disease (antigen).
    pub target_disease: String,
    /// Vaccine group.
    pub vaccine_group: String,
    /// Administrative guidance.
    pub admin_guidance: Option<String>,
    /// Standard, risk or evaluation only.
    pub series_type: SeriesType,
    /// Series groups equivalent to this one (Table 8-14).
    pub equivalent_series_groups: Vec<String>,
    /// Genders the series applies to (empty: all).
    pub required_gender: Vec<Gender>,
    /// Default series of its series group (SELECTB-7).
    pub default_series: bool,
    /// Product path series (SELECTB-23).
    pub product_path: bool,
    /// Series group name.
    pub series_group_name: String,
    /// Series group identifier.
    pub series_group: String,
    /// Priority letter (`A` highest).
    pub priority: String,
    /// Tie-break preference (lower is preferred).
    pub preference: u32,
    /// Earliest age to start the series.
    pub min_age_to_start: Option<Offset>,
    /// Latest age to start the series.
    pub max_age_to_start: Option<Offset>,
    /// Indications (risk series).
    pub indications: Vec<Indication>,
    /// The series doses in order.
    pub doses: Vec<SeriesDose>,
}

/// A series dose: the requirements a target dose must meet.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesDose {
    /// 1-based dose number.
    pub number: u32,
    /// Age requirements, possibly several by effective date.
    pub ages: Vec<AgeReq>,
    /// Preferable intervals.
    pub intervals: Vec<Interval>,
    /// Allowable intervals.
    pub allowable_intervals: Vec<AllowableInterval>,
    /// Preferable vaccines.
    pub preferable_vaccines: Vec<PreferableVaccine>,
    /// Allowable vaccines.
    pub allowable_vaccines: Vec<AgedVaccine>,
    /// Vaccines that are an inadvertent administration for this dose.
    pub inadvertent_vaccines: Vec<Cvx>,
    /// Conditional skips.
    pub conditional_skips: Vec<ConditionalSkip>,
    /// Whether the dose recurs once satisfied.
    pub recurring: bool,
    /// Seasonal recommendation window.
    pub seasonal: Option<Seasonal>,
}

/// Age requirement of a series dose.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AgeReq {
    /// Absolute minimum age (with the 4-day grace period).
    pub abs_min: Option<Offset>,
    /// Minimum age.
    pub min: Option<Offset>,
    /// Earliest recommended age.
    pub earliest_rec: Option<Offset>,
    /// Latest recommended age (past due date = this - 1 day).
    pub latest_rec: Option<Offset>,
    /// Maximum age (exclusive).
    pub max: Option<Offset>,
    /// Effective date.
    pub effective: Option<Date>,
    /// Cessation date.
    pub cessation: Option<Date>,
}

/// Preferable interval.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Interval {
    /// Measured from the immediate previous dose.
    pub from_previous: bool,
    /// Measured from the dose that satisfied this target dose number.
    pub from_target_dose: Option<u32>,
    /// Measured from the most recent dose of one of these vaccine types.
    pub from_most_recent: Vec<Cvx>,
    /// Measured from the date of this observation.
    pub from_relevant_obs: Option<String>,
    /// Absolute minimum interval.
    pub abs_min: Option<Offset>,
    /// Minimum interval.
    pub min: Option<Offset>,
    /// Earliest recommended interval.
    pub earliest_rec: Option<Offset>,
    /// Latest recommended interval.
    pub latest_rec: Option<Offset>,
    /// Interval priority flag (FORECASTPRIORITY-1).
    pub priority: bool,
    /// Effective date.
    pub effective: Option<Date>,
    /// Cessation date.
    pub cessation: Option<Date>,
}

/// Allowable interval.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AllowableInterval {
    /// Measured from the immediate previous dose.
    pub from_previous: bool,
    /// Measured from the dose that satisfied this target dose number.
    pub from_target_dose: Option<u32>,
    /// Absolute minimum interval.
    pub abs_min: Option<Offset>,
    /// Effective date.
    pub effective: Option<Date>,
    /// Cessation date.
    pub cessation: Option<Date>,
}

/// Preferable vaccine.
#[derive(Debug, Clone, Serialize)]
pub struct PreferableVaccine {
    /// Vaccine type, age range and CVX.
    pub vaccine: AgedVaccine,
    /// Required trade name, if any.
    pub trade_name: Option<String>,
    /// Required manufacturer, if any.
    pub mvx: Option<String>,
    /// Volume in ml (informational; not used for validity, §6.8).
    pub volume: Option<String>,
    /// Whether this vaccine type is recommended in a forecast.
    pub forecast: bool,
}

/// When a conditional skip applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SkipContext {
    /// Only while evaluating a dose.
    Evaluation,
    /// Only while forecasting.
    Forecast,
    /// In both.
    Both,
}

/// A conditional skip (§6.2).
#[derive(Debug, Clone, Serialize)]
pub struct ConditionalSkip {
    /// Context.
    pub context: SkipContext,
    /// `true` for AND set logic, `false` for OR / n/a.
    pub set_logic_and: bool,
    /// Sets of conditions.
    pub sets: Vec<SkipSet>,
}

/// One set of skip conditions.
#[derive(Debug, Clone, Serialize)]
pub struct SkipSet {
    /// Set id.
    pub id: String,
    /// Human description.
    pub description: String,
    /// Effective date.
    pub effective: Option<Date>,
    /// Cessation date.
    pub cessation: Option<Date>,
    /// `true` for AND condition logic, `false` for OR / n/a.
    pub condition_logic_and: bool,
    /// Conditions.
    pub conditions: Vec<SkipCondition>,
}

/// Type of a skip condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ConditionKind {
    /// Age at the reference date.
    Age,
    /// Another series group is complete.
    CompletedSeries,
    /// Interval since the previous dose.
    Interval,
    /// Count of doses by age.
    VaccineCountByAge,
    /// Count of doses by date.
    VaccineCountByDate,
    /// Count of doses by date and age.
    VaccineCountByDateAndAge,
}

/// How a dose count is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CountLogic {
    /// More than the dose count.
    GreaterThan,
    /// Exactly the dose count.
    Equal,
    /// Fewer than the dose count.
    LessThan,
}

/// A skip condition.
#[derive(Debug, Clone, Serialize)]
pub struct SkipCondition {
    /// Condition type.
    pub kind: ConditionKind,
    /// Start date for counting.
    pub start_date: Option<Date>,
    /// End date for counting.
    pub end_date: Option<Date>,
    /// Begin age.
    pub begin_age: Option<Offset>,
    /// End age.
    pub end_age: Option<Offset>,
    /// Interval.
    pub interval: Option<Offset>,
    /// Dose count.
    pub dose_count: u32,
    /// Count only valid doses (`Valid`) rather than all (`Total`).
    pub valid_only: bool,
    /// Count comparison.
    pub count_logic: CountLogic,
    /// Vaccine types counted.
    pub vaccine_types: Vec<Cvx>,
    /// Series groups for `Completed Series`.
    pub series_groups: Vec<String>,
}

/// Seasonal recommendation window.
#[derive(Debug, Clone, Serialize)]
pub struct Seasonal {
    /// Season start.
    pub start: Option<Date>,
    /// Season end.
    pub end: Option<Date>,
}

/// Schedule-wide supporting data.
#[derive(Debug, Clone, Serialize)]
pub struct Schedule {
    /// Live virus (and other) vaccine conflicts.
    pub conflicts: Vec<VaccineConflict>,
    /// Vaccine groups with their antigens.
    pub vaccine_groups: Vec<VaccineGroup>,
    /// CVX → antigen associations.
    pub cvx_map: HashMap<Cvx, CvxEntry>,
    /// Coded observations.
    pub observations: Vec<Observation>,
}

/// A vaccine conflict (§6.7): `current` given after `previous` within the window is invalid.
#[derive(Debug, Clone, Serialize)]
pub struct VaccineConflict {
    /// Conflicting (earlier) vaccine type.
    pub previous: Cvx,
    /// Impacted (later) vaccine type.
    pub current: Cvx,
    /// Begin of the conflict window.
    pub begin: Offset,
    /// End of the window if the previous dose was valid.
    pub min_end: Offset,
    /// End of the window otherwise.
    pub end: Offset,
}

/// A vaccine group.
#[derive(Debug, Clone, Serialize)]
pub struct VaccineGroup {
    /// Name, e.g. `DTaP/Tdap/Td`.
    pub name: String,
    /// Administer full vaccine group flag (FORECASTDN-2).
    pub administer_full: bool,
    /// Antigens in the group.
    pub antigens: Vec<String>,
}

/// CVX map entry.
#[derive(Debug, Clone, Serialize)]
pub struct CvxEntry {
    /// Short description.
    pub description: String,
    /// Antigen associations.
    pub associations: Vec<CvxAssociation>,
}

/// Association of a CVX with an antigen, by age at administration.
#[derive(Debug, Clone, Serialize)]
pub struct CvxAssociation {
    /// Antigen name.
    pub antigen: String,
    /// Begin age.
    pub begin_age: Option<Offset>,
    /// End age.
    pub end_age: Option<Offset>,
}

/// A coded observation.
#[derive(Debug, Clone, Serialize)]
pub struct Observation {
    /// Code, e.g. `055`.
    pub code: String,
    /// Title.
    pub title: String,
}

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../data/cdsi-4.64/", $name, ".xml")))),*]
    };
}

/// The embedded antigen documents (name, XML).
pub const EMBEDDED_ANTIGENS: &[(&str, &str)] = embedded!(
    "Chikungunya",
    "Cholera",
    "COVID-19",
    "Dengue",
    "Diphtheria",
    "Ebola",
    "HepA",
    "HepB",
    "Hib",
    "HPV",
    "Influenza",
    "JE",
    "Measles",
    "Meningococcal",
    "Meningococcal_B",
    "Mumps",
    "Orthopoxvirus",
    "Pertussis",
    "Pneumococcal",
    "Polio",
    "Rabies",
    "Rotavirus",
    "RSV",
    "Rubella",
    "TBE",
    "Tetanus",
    "Typhoid",
    "Varicella",
    "YF",
    "Zoster",
);

/// The embedded schedule document.
pub const EMBEDDED_SCHEDULE: &str = include_str!("../../data/cdsi-4.64/ScheduleSupportingData.xml");

impl SupportingData {
    /// Parses the supporting data embedded in the crate (CDSi 4.64).
    pub fn embedded() -> Result<SupportingData> {
        let mut antigens = EMBEDDED_ANTIGENS
            .iter()
            .map(|(name, xml)| parse_antigen(xml).with_context(|| format!("antigen file {name}")))
            .collect::<Result<Vec<_>>>()?;
        antigens.sort_by(|a, b| a.name.cmp(&b.name));
        let schedule = parse_schedule(EMBEDDED_SCHEDULE).context("schedule file")?;
        Ok(SupportingData {
            antigens,
            schedule,
            version: DataVersion {
                release: EMBEDDED_RELEASE.to_string(),
                source: DataSource::Embedded,
            },
        })
    }

    /// Reads a CDC supporting-data release from a directory at run time (no rebuild): every
    /// `*.xml` file in it is read, `<antigenSupportingData>` documents as antigens and the one
    /// `<scheduleSupportingData>` document as the schedule, whatever the files are called (CDC's
    /// `AntigenSupportingData- HepA-508.xml` names work as they are). The release number comes
    /// from a `RELEASE-NOTES-<release>.txt` file in the directory or its parent, else from a
    /// `<digits>.<digits>` at the end of the directory's (or its parent's) name, else `unknown`.
    pub fn from_dir(dir: &std::path::Path) -> Result<SupportingData> {
        let mut antigens = Vec::new();
        let mut schedule = None;
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")))
            .collect();
        files.sort();
        for path in &files {
            let xml = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let head = xml.trim_start_matches('\u{feff}').trim_start();
            let head = if head.starts_with("<?xml") {
                head.split_once("?>")
                    .map_or(head, |(_, rest)| rest.trim_start())
            } else {
                head
            };
            if head.starts_with("<antigenSupportingData") {
                antigens.push(
                    parse_antigen(&xml)
                        .with_context(|| format!("antigen file {}", path.display()))?,
                );
            } else if head.starts_with("<scheduleSupportingData") {
                anyhow::ensure!(
                    schedule.is_none(),
                    "two schedule files in {}",
                    dir.display()
                );
                schedule = Some(
                    parse_schedule(&xml)
                        .with_context(|| format!("schedule file {}", path.display()))?,
                );
            }
        }
        let schedule = schedule
            .ok_or_else(|| anyhow!("no ScheduleSupportingData XML in {}", dir.display()))?;
        anyhow::ensure!(
            !antigens.is_empty(),
            "no AntigenSupportingData XML in {}",
            dir.display()
        );
        antigens.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(SupportingData {
            antigens,
            schedule,
            version: DataVersion {
                release: release_of(dir).unwrap_or_else(|| "unknown".to_string()),
                source: DataSource::Directory(dir.to_path_buf()),
            },
        })
    }
}

/// The release number of a supporting-data directory (see [`SupportingData::from_dir`]).
fn release_of(dir: &std::path::Path) -> Option<String> {
    let version_in = |s: &str| -> Option<String> {
        // The trailing `<digits>.<digits>` of a name, e.g. `supporting-data-v4.64` -> `4.64`.
        let tail: String = s
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let tail = tail.trim_matches('.');
        let (a, b) = tail.split_once('.')?;
        (!a.is_empty() && !b.is_empty() && b.chars().all(|c| c.is_ascii_digit()))
            .then(|| tail.to_string())
    };
    let dirs = [Some(dir), dir.parent()];
    for d in dirs.iter().flatten() {
        let Ok(entries) = std::fs::read_dir(d) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let upper = name.to_ascii_uppercase();
            if let Some(rest) = upper.strip_prefix("RELEASE-NOTES-") {
                if let Some(v) = version_in(rest.trim_end_matches(".TXT")) {
                    return Some(v);
                }
            }
        }
    }
    dirs.iter()
        .flatten()
        .filter_map(|d| d.file_name())
        .find_map(|n| version_in(&n.to_string_lossy()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_embedded_supporting_data_parses() {
        let data = SupportingData::embedded().unwrap();
        assert_eq!(data.antigens.len(), 30);
        assert!(data.antigens.iter().all(|a| !a.series.is_empty()));
        assert_eq!(data.schedule.vaccine_groups.len(), 26);
        assert!(data.schedule.cvx_map.len() > 100);
        assert!(!data.schedule.conflicts.is_empty());
    }

    #[test]
    fn the_hepa_standard_series_has_the_documented_dose_1_ages_and_vaccines() {
        let data = SupportingData::embedded().unwrap();
        let hepa = data.antigens.iter().find(|a| a.name == "HepA").unwrap();
        let s = &hepa.series[0];
        assert_eq!(s.name, "HepA 2-dose series");
        assert_eq!(s.series_type, SeriesType::Standard);
        assert!(s.default_series);
        assert_eq!(s.equivalent_series_groups, vec!["2".to_string()]);
        let d1 = &s.doses[0];
        assert_eq!(d1.ages[0].abs_min, Offset::parse("12 months - 4 days"));
        assert_eq!(d1.ages[0].max, Offset::parse("19 years"));
        assert!(d1.intervals.is_empty());
        assert_eq!(d1.preferable_vaccines.len(), 2);
        assert_eq!(d1.allowable_vaccines.len(), 5);
        let d2 = &s.doses[1];
        assert!(d2.intervals[0].from_previous);
        assert_eq!(d2.allowable_intervals[0].from_target_dose, Some(1));
        assert_eq!(hepa.immunity.clinical_history[0].0, "018");
    }

    #[test]
    fn measles_immunity_by_birth_date_and_the_mmr_group_are_read() {
        let data = SupportingData::embedded().unwrap();
        let measles = data.antigens.iter().find(|a| a.name == "Measles").unwrap();
        assert_eq!(measles.immunity.birth_date, Date::parse("1957-01-01"));
        assert_eq!(measles.immunity.exclusions, vec!["055".to_string()]);
        let mmr = data
            .schedule
            .vaccine_groups
            .iter()
            .find(|g| g.name == "MMR")
            .unwrap();
        assert!(mmr.administer_full);
        assert_eq!(mmr.antigens, vec!["Measles", "Mumps", "Rubella"]);
        let c03 = &data.schedule.cvx_map[&3];
        assert_eq!(c03.associations.len(), 3);
    }

    #[test]
    fn conditional_skips_keep_their_context_logic_and_conditions() {
        let data = SupportingData::embedded().unwrap();
        let hib = data.antigens.iter().find(|a| a.name == "Hib").unwrap();
        let skips: Vec<_> = hib
            .series
            .iter()
            .flat_map(|s| &s.doses)
            .flat_map(|d| &d.conditional_skips)
            .collect();
        assert!(skips.iter().any(|s| s.context == SkipContext::Evaluation));
        assert!(skips.iter().any(|s| s.context == SkipContext::Forecast));
        let dip = data
            .antigens
            .iter()
            .find(|a| a.name == "Diphtheria")
            .unwrap();
        assert!(dip
            .series
            .iter()
            .flat_map(|s| &s.doses)
            .flat_map(|d| &d.conditional_skips)
            .flat_map(|s| &s.sets)
            .flat_map(|s| &s.conditions)
            .any(|c| c.kind == ConditionKind::VaccineCountByAge
                && c.vaccine_types.contains(&115)
                && c.valid_only));
    }
}
