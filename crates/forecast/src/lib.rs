//! # Shotbook forecasting engine
//!
//! An implementation of the CDC's *Clinical Decision Support for Immunization* (CDSi) logic
//! specification v4.6 driven by the CDSi supporting data 4.64 (embedded in the crate and parsed
//! once at start-up). Given a patient (date of birth, gender, administered doses as CVX/MVX/date,
//! coded observations) and an assessment date it evaluates every dose and forecasts the next dose
//! per vaccine group, with an explanation trace for each result.
//!
//! ## Architecture (module → spec chapter)
//!
//! | module | implements |
//! | --- | --- |
//! | [`date`] | §3.4 date calculations (CALCDT-1…6: years, then months, then days; invalid dates roll to the 1st) |
//! | [`data`] | §2.4 / Appendix A supporting data: typed model + XML parser |
//! | `organize` | §4.2 organize immunization history (doses → antigen doses via the CVX map), §5 select relevant patient series |
//! | `evaluate` | §4.4 and §6 evaluate each antigen dose against each relevant patient series (conditional skip, inadvertent vaccine, age, preferable/allowable interval, vaccine conflict, preferable/allowable vaccine, satisfy target dose, recurring doses, extraneous doses) |
//! | `forecast` | §7 forecast: conditional skip, evidence of immunity, contraindications, forecast need, dates, validate recommendation |
//! | `select` | §8 select best patient series (pre-filter, prioritized series per series group, scoring, best series across equivalent groups); beside a default series the patient is past the maximum age to start of, the series the patient can start now (for the rows) |
//! | `group` | §9 vaccine-group forecasts, including multiple-antigen groups (DTaP/Tdap/Td, MMR), the vaccines that may be given ([`ForecastVaccine`]) and combination vaccines covering several due groups |
//! | `summary` | one row per vaccine group ([`Assessment::rows`]; every group, with the not-applicable ones: [`Assessment::every_group`]) and the visit summary ([`Assessment::summary`]: due today, next visit) |
//! | `trace` | typed explanation steps ([`TraceStep`], [`TraceCode`]) with their rule ids, rendered in English or Spanish |
//! | [`cases`] | conformance harness for CSVs in the CDC test-case layout |
//!
//! The pipeline runs per antigen: organize → relevant series → evaluate + forecast every
//! relevant series → select best series; antigens with a live vaccine dose whose conflict window
//! depends on the status of another antigen's dose (CALCDTCONFLICT-2) are then evaluated again
//! with that status; the vaccine-group step then merges antigens.
//! Everything is computed from the supporting data: there are no hand-copied schedule tables.
//!
//! ```
//! use shotbook_forecast::{Engine, Patient, DoseInput, Gender, Date};
//! let engine = Engine::embedded();
//! let patient = Patient {
//!     dob: Date::parse("2025-01-10").unwrap(),
//!     gender: Gender::Female,
//!     doses: vec![DoseInput::new(8, Date::parse("2025-01-10").unwrap())],
//!     observations: vec![],
//! };
//! let a = engine.evaluate(&patient, Date::parse("2025-02-01").unwrap());
//! let hepb = a.group("HepB").unwrap();
//! assert_eq!(hepb.forecast_dose_number, Some(2));
//! ```

pub mod cases;
pub mod data;
pub mod date;
mod evaluate;
mod forecast;
mod group;
mod organize;
mod output;
mod season;
mod select;
mod series;
mod summary;
mod trace;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

pub use data::{Cvx, DataSource, DataVersion, Gender, SeriesType, SupportingData};
pub use date::{Date, Offset};
pub use output::*;
pub use season::AssumedSeason;
pub use summary::{DueGroup, GroupEntry, GroupRow, NotChosen, RowStatus, VisitSummary, Why};
pub use trace::{Language, SeriesScore, SkipWhen, TraceCode};

/// An administered dose as recorded for the patient.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DoseInput {
    /// CVX code of the vaccine.
    pub cvx: Cvx,
    /// MVX code of the manufacturer, when known.
    pub mvx: Option<String>,
    /// Date administered.
    pub date: Date,
}

impl DoseInput {
    /// A dose with unknown manufacturer.
    pub fn new(cvx: Cvx, date: Date) -> DoseInput {
        DoseInput {
            cvx,
            mvx: None,
            date,
        }
    }
}

/// A coded CDSi observation (underlying condition, evidence of immunity, contraindication…).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ObservationInput {
    /// CDSi observation code, e.g. `"055"`.
    pub code: String,
    /// Observation date (used by intervals "from relevant observation").
    pub date: Option<Date>,
}

/// Everything the engine needs to know about a patient.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Patient {
    /// Date of birth.
    pub dob: Date,
    /// Gender.
    pub gender: Gender,
    /// Administered doses in any order.
    pub doses: Vec<DoseInput>,
    /// Active patient observations.
    pub observations: Vec<ObservationInput>,
}

/// The engine: supporting data plus indexes derived from it. Build once, share freely.
pub struct Engine {
    data: SupportingData,
    /// CVX → (antigen index, association begin age, end age).
    cvx_antigens: HashMap<Cvx, Vec<CvxAntigen>>,
    /// Vaccine groups with antigen indexes.
    groups: Vec<GroupInfo>,
    /// Antigen index → vaccine group index.
    antigen_group: Vec<usize>,
    /// Impacted (current) CVX → indexes into the schedule's conflicts; avoids scanning all
    /// 600-odd conflicts for every dose.
    conflicts_by_current: HashMap<Cvx, Vec<usize>>,
    /// Per antigen, its season when it has seasonal doses (see `season`).
    seasonal: Vec<Option<season::SeasonalAntigen>>,
    /// Per antigen and series, shared clinical decision-making as the data says it.
    shared_decision: Vec<Vec<SharedDecision>>,
}

/// The engine installed at run time, if any (see [`Engine::install`]).
static INSTALLED: RwLock<Option<Arc<Engine>>> = RwLock::new(None);

/// (antigen index, association begin age, association end age).
type CvxAntigen = (usize, Option<Offset>, Option<Offset>);

struct GroupInfo {
    name: String,
    administer_full: bool,
    antigens: Vec<usize>,
}

impl Engine {
    /// Builds an engine from parsed supporting data.
    pub fn new(data: SupportingData) -> anyhow::Result<Engine> {
        let index: HashMap<&str, usize> = data
            .antigens
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.as_str(), i))
            .collect();
        let mut cvx_antigens: HashMap<Cvx, Vec<_>> = HashMap::new();
        for (cvx, entry) in &data.schedule.cvx_map {
            for a in &entry.associations {
                // Associations with antigens that have no supporting data are irrelevant here.
                if let Some(&i) = index.get(a.antigen.as_str()) {
                    cvx_antigens
                        .entry(*cvx)
                        .or_default()
                        .push((i, a.begin_age, a.end_age));
                }
            }
        }
        let mut antigen_group = vec![usize::MAX; data.antigens.len()];
        let mut groups = Vec::new();
        for g in &data.schedule.vaccine_groups {
            let mut antigens = Vec::new();
            for a in &g.antigens {
                let i = *index
                    .get(a.as_str())
                    .ok_or_else(|| anyhow::anyhow!("group {} names unknown antigen {a}", g.name))?;
                antigen_group[i] = groups.len();
                antigens.push(i);
            }
            groups.push(GroupInfo {
                name: g.name.clone(),
                administer_full: g.administer_full,
                antigens,
            });
        }
        if let Some(i) = antigen_group.iter().position(|&g| g == usize::MAX) {
            anyhow::bail!("antigen {} is in no vaccine group", data.antigens[i].name);
        }
        let mut conflicts_by_current: HashMap<Cvx, Vec<usize>> = HashMap::new();
        for (i, c) in data.schedule.conflicts.iter().enumerate() {
            conflicts_by_current.entry(c.current).or_default().push(i);
        }
        let seasonal = data
            .antigens
            .iter()
            .map(season::SeasonalAntigen::of)
            .collect();
        let shared_decision = data
            .antigens
            .iter()
            .map(|a| a.series.iter().map(group::shared_decision).collect())
            .collect();
        Ok(Engine {
            shared_decision,
            seasonal,
            conflicts_by_current,
            data,
            cvx_antigens,
            groups,
            antigen_group,
        })
    }

    /// The shared engine built from the embedded CDSi 4.64 supporting data, parsed on first use.
    pub fn embedded() -> &'static Engine {
        static ENGINE: OnceLock<Engine> = OnceLock::new();
        ENGINE.get_or_init(|| {
            let data = SupportingData::embedded().expect("embedded supporting data parses");
            Engine::new(data).expect("embedded supporting data is consistent")
        })
    }

    /// Builds an engine from a CDC supporting-data directory read at run time (see
    /// [`SupportingData::from_dir`]), e.g. a release newer than the embedded one.
    pub fn from_dir(dir: &std::path::Path) -> anyhow::Result<Engine> {
        Engine::new(SupportingData::from_dir(dir)?)
    }

    /// The engine hosts should use: the one installed with [`Engine::install`] (e.g. a newer
    /// CDC release loaded at run time), else the embedded one.
    pub fn current() -> Arc<Engine> {
        let installed = INSTALLED.read().unwrap_or_else(|e| e.into_inner());
        match &*installed {
            Some(e) => Arc::clone(e),
            None => {
                static EMBEDDED: OnceLock<Arc<Engine>> = OnceLock::new();
                Arc::clone(EMBEDDED.get_or_init(|| {
                    let data = SupportingData::embedded().expect("embedded supporting data parses");
                    Arc::new(Engine::new(data).expect("embedded supporting data is consistent"))
                }))
            }
        }
    }

    /// Makes `engine` the one [`Engine::current`] returns from now on (assessments already
    /// running finish on the engine they started with); returns its data version.
    pub fn install(engine: Engine) -> DataVersion {
        let version = engine.version().clone();
        *INSTALLED.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(engine));
        version
    }

    /// Goes back to the embedded data for [`Engine::current`].
    pub fn uninstall() {
        *INSTALLED.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// The supporting-data release this engine runs on and where it was read from.
    pub fn version(&self) -> &DataVersion {
        &self.data.version
    }

    /// The antigen's supporting data as it applies on `at`: for a seasonal antigen whose data's
    /// season has ended, a copy with the season moved forward (see `season`), with the move.
    pub(crate) fn antigen_on(
        &self,
        a: usize,
        at: Date,
    ) -> (&data::AntigenData, Option<AssumedSeason>) {
        let original = &self.data.antigens[a];
        match &self.seasonal[a] {
            Some(s) => s.for_date(original, at),
            None => (original, None),
        }
    }

    /// Vaccine conflicts whose impacted (current) vaccine is `cvx`.
    pub(crate) fn conflicts_for(&self, cvx: Cvx) -> impl Iterator<Item = &data::VaccineConflict> {
        self.conflicts_by_current
            .get(&cvx)
            .into_iter()
            .flatten()
            .map(|&i| &self.data.schedule.conflicts[i])
    }

    /// The supporting data the engine runs on.
    pub fn data(&self) -> &SupportingData {
        &self.data
    }

    /// Names of all vaccine groups, in supporting-data order.
    pub fn vaccine_groups(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().map(|g| g.name.as_str())
    }

    /// Whether a vaccine (CVX) contains any antigen of the named vaccine group.
    pub fn cvx_in_group(&self, cvx: Cvx, group: &str) -> bool {
        let Some(g) = self.groups.iter().find(|g| g.name == group) else {
            return false;
        };
        self.cvx_antigens
            .get(&cvx)
            .is_some_and(|list| list.iter().any(|(a, _, _)| g.antigens.contains(a)))
    }

    /// Evaluates the patient's history and forecasts every vaccine group as of `assessment_date`.
    pub fn evaluate(&self, patient: &Patient, assessment_date: Date) -> Assessment {
        let mut ctx = organize::Context::new(self, patient, assessment_date);
        // Evaluate every relevant series without building explanation traces, then re-run only
        // the best series with tracing on: tracing every candidate series was most of the cost.
        let mut outcomes: Vec<select::AntigenOutcome> = (0..self.data.antigens.len())
            .map(|a| {
                let runs = evaluate::evaluate_antigen(&ctx, a);
                select::select_best(&ctx, a, runs)
            })
            .collect();
        // CALCDTCONFLICT-2 across antigens: a live vaccine given within the conflict window of a
        // dose of another antigen depends on that dose's evaluation status, known only once its
        // own antigens are evaluated. Re-evaluate the antigens with a dose between the minimum
        // conflict end date and the conflict end date of a dose whose known status changed;
        // statuses only flow forward in time, so this settles (the bound is a safeguard).
        for _ in 0..patient.doses.len() {
            let not_valid = evaluate::dose_not_valid(&ctx, &outcomes);
            let rerun = evaluate::antigens_to_reevaluate(&ctx, &not_valid);
            ctx.not_valid = not_valid;
            if rerun.is_empty() {
                break;
            }
            for a in rerun {
                let runs = evaluate::evaluate_antigen(&ctx, a);
                outcomes[a] = select::select_best(&ctx, a, runs);
            }
        }
        let traced = ctx.traced();
        for outcome in &mut outcomes {
            // The best series, and the series the rows show in place of a default series the
            // patient is past the maximum age to start of (see `select::startable_series`).
            let mut chosen = outcome.best.clone();
            chosen.extend(outcome.startable.iter().map(|&(_, s)| s));
            evaluate::retrace(&traced, outcome.antigen, &mut outcome.runs, &chosen);
        }
        group::assemble(&ctx, outcomes)
    }
}
