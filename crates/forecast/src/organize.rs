//! §4.2 Organize immunization history and §5 Select relevant patient series.

use crate::data::{AntigenData, AntigenSeries, Cvx, SeriesType};
use crate::date::{Date, Offset};
use crate::season::AssumedSeason;
use crate::{Engine, Patient};

/// An antigen administered record (§4.2): one antigen of one administered dose.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AntigenDose<'p> {
    /// Index into `Patient::doses`.
    pub dose: usize,
    pub cvx: Cvx,
    pub mvx: Option<&'p str>,
    pub date: Date,
}

/// Per-assessment context shared by all steps.
pub(crate) struct Context<'e, 'p> {
    pub engine: &'e Engine,
    pub patient: &'p Patient,
    pub assessment: Date,
    /// Antigen administered records per antigen, sorted by date (then input order).
    pub antigen_doses: Vec<Vec<AntigenDose<'p>>>,
    /// Whether to build explanation traces.
    pub trace: bool,
    /// Each antigen's supporting data as it applies on the assessment date.
    pub antigens: Vec<&'e AntigenData>,
    /// Per antigen, the season assumed from an earlier season's data, if any.
    pub seasons: Vec<Option<AssumedSeason>>,
    /// Per patient dose: its evaluation in its own antigens' best patient series is known and
    /// not 'Valid' (CALCDTCONFLICT-2 for a conflicting dose of another antigen). All `false`
    /// until the first evaluation pass has given every dose a status.
    pub not_valid: Vec<bool>,
}

impl<'e, 'p> Context<'e, 'p> {
    pub fn new(engine: &'e Engine, patient: &'p Patient, assessment: Date) -> Self {
        let mut antigen_doses: Vec<Vec<AntigenDose<'p>>> =
            vec![Vec::new(); engine.data.antigens.len()];
        for (i, d) in patient.doses.iter().enumerate() {
            // Doses after the assessment date have not happened yet from its point of view.
            if d.date > assessment {
                continue;
            }
            let Some(assocs) = engine.cvx_antigens.get(&d.cvx) else {
                continue;
            };
            for &(antigen, begin, end) in assocs {
                // §4.2 2a: association by age at administration (e.g. zoster vs varicella).
                if !in_age_range(patient.dob, d.date, begin, end) {
                    continue;
                }
                antigen_doses[antigen].push(AntigenDose {
                    dose: i,
                    cvx: d.cvx,
                    mvx: d.mvx.as_deref(),
                    date: d.date,
                });
            }
        }
        for list in &mut antigen_doses {
            list.sort_by_key(|d| (d.date, d.dose));
        }
        let (antigens, seasons) = (0..engine.data.antigens.len())
            .map(|a| engine.antigen_on(a, assessment))
            .unzip();
        Context {
            engine,
            patient,
            assessment,
            antigen_doses,
            trace: false,
            antigens,
            seasons,
            not_valid: vec![false; patient.doses.len()],
        }
    }

    /// The same context with explanation traces switched on.
    pub fn traced(&self) -> Context<'e, 'p> {
        Context {
            engine: self.engine,
            patient: self.patient,
            assessment: self.assessment,
            antigen_doses: self.antigen_doses.clone(),
            trace: true,
            antigens: self.antigens.clone(),
            seasons: self.seasons.clone(),
            not_valid: self.not_valid.clone(),
        }
    }

    pub fn dob(&self) -> Date {
        self.patient.dob
    }

    /// DOB plus an optional age, or `default` when the age is empty.
    pub fn age_date(&self, age: Option<Offset>, default: Date) -> Date {
        age.map_or(default, |a| self.patient.dob.plus(a))
    }

    pub fn has_observation(&self, code: &str) -> bool {
        self.patient.observations.iter().any(|o| o.code == code)
    }

    /// Date of the most recent observation with this code (CALCDTINT-9).
    pub fn observation_date(&self, code: &str) -> Option<Date> {
        self.patient
            .observations
            .iter()
            .filter(|o| o.code == code)
            .filter_map(|o| o.date)
            .max()
    }

    /// Table 5-5: is the antigen series relevant for the patient?
    pub fn is_relevant(&self, series: &AntigenSeries) -> bool {
        let gender = self.patient.gender;
        if !series.required_gender.is_empty() && !series.required_gender.contains(&gender) {
            return false;
        }
        match series.series_type {
            SeriesType::Standard | SeriesType::EvaluationOnly => true,
            // Table 5-4: an indication applies when the patient has the observation and the
            // assessment date is within the indication's age range.
            SeriesType::Risk => series.indications.iter().any(|ind| {
                self.has_observation(&ind.code)
                    && in_age_range(self.dob(), self.assessment, ind.begin_age, ind.end_age)
            }),
        }
    }
}

/// `dob + begin <= date < dob + end`, empty ages being open-ended.
pub(crate) fn in_age_range(
    dob: Date,
    date: Date,
    begin: Option<Offset>,
    end: Option<Offset>,
) -> bool {
    begin.is_none_or(|b| date >= dob.plus(b)) && end.is_none_or(|e| date < dob.plus(e))
}

/// RELEVANT-1 / RELEVANT-2: the anchor date lies within effective..=cessation.
pub(crate) fn in_effect(anchor: Date, effective: Option<Date>, cessation: Option<Date>) -> bool {
    effective.is_none_or(|e| anchor >= e) && cessation.is_none_or(|c| anchor <= c)
}
