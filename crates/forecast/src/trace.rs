//! Explanation traces as typed steps: each step names the logic-specification rule it applied
//! ([`TraceStep::rule`]) and what it found as a [`TraceCode`] with typed parameters (dates, CVX
//! codes, dose numbers, series names), so a host renders it in the user's language. English and
//! Spanish renderings are provided ([`TraceStep::text`]); the CDC texts carried as parameters
//! (series names, skip set descriptions, observation titles) stay as CDC wrote them.

use std::fmt::Write as _;

use serde::Serialize;

use crate::data::Cvx;
use crate::date::{Date, Offset};
use crate::output::SeriesStatus;
use crate::season::AssumedSeason;

/// One step of an explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceStep {
    /// Rule id from the logic specification, e.g. `CALCDTAGE-4` or `§6.5` (the same as
    /// `code.rule()`).
    pub rule: &'static str,
    /// What the step found, with its parameters. Serialized flat beside `rule` as
    /// `"code": "AgeTooYoung", "params": {…}`.
    #[serde(flatten)]
    pub code: TraceCode,
}

impl TraceStep {
    /// A step for `code`, with its rule id.
    pub fn new(code: TraceCode) -> TraceStep {
        TraceStep {
            rule: code.rule(),
            code,
        }
    }

    /// The step as a sentence in `language`.
    pub fn text(&self, language: Language) -> String {
        self.code.text(language)
    }
}

impl std::fmt::Display for TraceStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Language::English))
    }
}

/// A language traces can be rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub enum Language {
    /// English.
    English,
    /// Spanish.
    Spanish,
}

/// When a target dose was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SkipWhen {
    /// While evaluating the dose given on `at` (§6.2).
    Evaluation,
    /// While forecasting, as of the assessment date `at` (§7.1).
    Forecast,
    /// While validating the forecast at its earliest date `at` (§7.6).
    Validation,
}

/// The score of one scored patient series (SELECTBEST-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeriesScore {
    /// Series name.
    pub series: String,
    /// Its score.
    pub score: i32,
}

/// What a trace step found. Each variant is one finding of one rule ([`TraceCode::rule`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", content = "params")]
pub enum TraceCode {
    // --- Evaluation (§4.4, §6) ---
    /// A target dose was skipped: its conditional skip sets were met (§6.2, §7.1, §7.6).
    TargetDoseSkipped {
        /// Target dose number (1-based).
        target_dose: u32,
        /// While evaluating, forecasting or validating the forecast.
        when: SkipWhen,
        /// The reference date: the date administered, the assessment date or the earliest date.
        at: Date,
        /// The met sets' descriptions (CDC text).
        sets: Vec<String>,
    },
    /// The series had no target dose left for the dose: extraneous (§4.4 step 6a).
    SeriesAlreadyComplete {
        /// Series name.
        series: String,
    },
    /// A dose was evaluated against a target dose (§6).
    DoseEvaluated {
        /// CVX of the dose.
        cvx: Cvx,
        /// Date administered.
        date: Date,
        /// Target dose number (1-based).
        target_dose: u32,
        /// Series name.
        series: String,
    },
    /// The vaccine is an inadvertent administration for the target dose (§6.3).
    InadvertentVaccine {
        /// CVX of the dose.
        cvx: Cvx,
    },
    /// Given before the absolute minimum age date: too young (CALCDTAGE-5).
    AgeTooYoung {
        /// Absolute minimum age date.
        absolute_minimum_age_date: Date,
    },
    /// Given on or after the maximum age date: too old, extraneous (CALCDTAGE-1).
    AgeTooOld {
        /// Maximum age date.
        maximum_age_date: Date,
    },
    /// Given within the 4-day grace period before the minimum age date (CALCDTAGE-4).
    AgeGracePeriod {
        /// Minimum age date.
        minimum_age_date: Date,
    },
    /// Given at a valid age (CALCDTAGE-4).
    AgeValid {
        /// Minimum age date.
        minimum_age_date: Date,
    },
    /// A preferable interval was not met: given before the absolute minimum interval date
    /// (CALCDTINT-3).
    PreferableIntervalTooSoon {
        /// The interval's reference date.
        reference_date: Date,
        /// Absolute minimum interval date.
        absolute_minimum_interval_date: Date,
    },
    /// A preferable interval was met (CALCDTINT-4).
    PreferableIntervalMet {
        /// The interval's reference date.
        reference_date: Date,
        /// Absolute minimum interval date.
        absolute_minimum_interval_date: Date,
    },
    /// An allowable interval was met (§6.6).
    AllowableIntervalMet {
        /// The interval's reference date.
        reference_date: Date,
        /// Absolute minimum interval date.
        absolute_minimum_interval_date: Date,
    },
    /// The dose was given within the conflict window of an earlier live vaccine (CONFLICT-3).
    LiveVirusConflict {
        /// CVX of the dose.
        cvx: Cvx,
        /// CVX of the conflicting earlier dose.
        conflicting_cvx: Cvx,
        /// Date of the conflicting dose.
        conflicting_date: Date,
        /// Conflict begin interval date (CALCDTCONFLICT-1).
        conflict_begin: Date,
        /// Conflict end interval date (CALCDTCONFLICT-2).
        conflict_end: Date,
    },
    /// The vaccine is a preferable vaccine for the target dose (§6.8).
    PreferableVaccine {
        /// CVX of the dose.
        cvx: Cvx,
    },
    /// The vaccine is an allowable vaccine for the target dose (§6.9).
    AllowableVaccine {
        /// CVX of the dose.
        cvx: Cvx,
    },
    /// The vaccine is neither preferable nor allowable for the target dose (§6.9).
    NotPreferableOrAllowable {
        /// CVX of the dose.
        cvx: Cvx,
    },

    // --- Forecast (§7) ---
    /// Evidence of immunity from an observation (§7.2).
    ImmuneByObservation {
        /// Observation code.
        code: String,
        /// Observation title (CDC text).
        title: String,
    },
    /// Evidence of immunity by birth date (§7.2).
    ImmuneByBirthDate {
        /// The patient was born before this date.
        born_before: Date,
    },
    /// No target dose is left (Table 7-10): complete, or not recommended.
    NoTargetDoseLeft {
        /// The resulting patient series status.
        status: SeriesStatus,
    },
    /// An antigen contraindication applies (§7.3).
    AntigenContraindication {
        /// Observation code.
        code: String,
        /// Observation title (CDC text).
        title: String,
    },
    /// Every preferable vaccine of the target dose is contraindicated (§7.3).
    AllPreferableVaccinesContraindicated,
    /// The assessment date is after the seasonal recommendation end date (Table 7-10).
    PastSeasonalEndDate,
    /// The assessment date is on or after the maximum age date (CALCDTAGE-1).
    MaximumAgeReached {
        /// Maximum age date.
        maximum_age_date: Date,
    },
    /// A candidate earliest date: the minimum age date (CALCDTAGE-4).
    EarliestFromMinimumAge {
        /// Minimum age date.
        date: Date,
    },
    /// A candidate earliest date: a minimum interval date (CALCDTINT-4).
    EarliestFromMinimumInterval {
        /// Minimum interval date.
        date: Date,
        /// The minimum interval.
        interval: Offset,
        /// Its reference date.
        reference_date: Date,
    },
    /// A candidate earliest date: a forecast conflict end date (CALCDTCONFLICT-3).
    EarliestFromConflict {
        /// Conflict end date.
        date: Date,
        /// CVX of the conflicting dose.
        conflicting_cvx: Cvx,
        /// Date of the conflicting dose.
        conflicting_date: Date,
    },
    /// A candidate earliest date: the seasonal recommendation start date (FORECASTDTCAN-1).
    EarliestFromSeasonStart {
        /// Season start.
        date: Date,
    },
    /// A candidate earliest date: the most recent dose evaluated in the series
    /// (FORECASTDTCAN-1).
    EarliestFromMostRecentDose {
        /// Its date.
        date: Date,
    },
    /// The earliest date is not before the maximum age date (Table 7-10).
    CannotFinishBeforeMaximumAge {
        /// Earliest date.
        earliest: Date,
    },
    /// The forecast dates of the target dose (FORECASTDT-1 … 6).
    ForecastDates {
        /// Target dose number (1-based).
        target_dose: u32,
        /// Series name.
        series: String,
        /// Earliest date.
        earliest: Date,
        /// Recommended date.
        recommended: Date,
        /// Past-due date.
        past_due: Option<Date>,
    },

    // --- Select best patient series (§8) ---
    /// Scores of the scored series of a series group (SELECTBEST-1).
    SeriesScores {
        /// Series group.
        series_group: String,
        /// Each scored series with its score.
        scores: Vec<SeriesScore>,
    },
    /// The prioritized patient series of a series group (§8.7).
    PrioritizedSeries {
        /// Series group.
        series_group: String,
        /// Series name.
        series: String,
        /// Its status.
        status: SeriesStatus,
    },
    /// A best patient series (§8.8).
    BestSeries {
        /// Series name.
        series: String,
    },

    // --- Vaccine group (§9) ---
    /// The season was assumed from the supporting data's last season.
    SeasonAssumed(AssumedSeason),
    /// Dates of a single-antigen vaccine group forecast (SINGLEANTVG-2).
    SingleAntigenGroupDates {
        /// Vaccine group.
        vaccine_group: String,
        /// Dose number.
        dose_number: Option<u32>,
        /// Earliest date.
        earliest: Option<Date>,
        /// Recommended date.
        recommended: Option<Date>,
        /// Past-due date.
        past_due: Option<Date>,
    },
    /// Dates of a multiple-antigen vaccine group forecast (MULTIANTVG-1).
    MultipleAntigenGroupDates {
        /// Vaccine group.
        vaccine_group: String,
        /// Dose number.
        dose_number: Option<u32>,
        /// Earliest date.
        earliest: Option<Date>,
        /// Recommended date.
        recommended: Option<Date>,
        /// Past-due date.
        past_due: Option<Date>,
    },
    /// Status of a single-antigen vaccine group forecast (SINGLEANTVG-1).
    SingleAntigenGroupStatus {
        /// Vaccine group.
        vaccine_group: String,
        /// Status.
        status: SeriesStatus,
    },
    /// Status of a multiple-antigen vaccine group forecast (Table 9-4).
    MultipleAntigenGroupStatus {
        /// Vaccine group.
        vaccine_group: String,
        /// Status.
        status: SeriesStatus,
    },
}

impl TraceCode {
    /// The logic-specification rule id of the finding.
    pub fn rule(&self) -> &'static str {
        use TraceCode::*;
        match self {
            TargetDoseSkipped { when, .. } => match when {
                SkipWhen::Evaluation => "§6.2",
                SkipWhen::Forecast => "§7.1",
                SkipWhen::Validation => "§7.6",
            },
            SeriesAlreadyComplete { .. } => "§4.4 step 6a",
            DoseEvaluated { .. } => "§6",
            InadvertentVaccine { .. } => "§6.3",
            AgeTooYoung { .. } => "CALCDTAGE-5",
            AgeTooOld { .. } => "CALCDTAGE-1",
            AgeGracePeriod { .. } | AgeValid { .. } => "CALCDTAGE-4",
            PreferableIntervalTooSoon { .. } => "CALCDTINT-3",
            PreferableIntervalMet { .. } => "CALCDTINT-4",
            AllowableIntervalMet { .. } => "§6.6",
            LiveVirusConflict { .. } => "CONFLICT-3",
            PreferableVaccine { .. } => "§6.8",
            AllowableVaccine { .. } | NotPreferableOrAllowable { .. } => "§6.9",
            ImmuneByObservation { .. } | ImmuneByBirthDate { .. } => "§7.2",
            NoTargetDoseLeft { .. } => "Table 7-10",
            AntigenContraindication { .. } | AllPreferableVaccinesContraindicated => "§7.3",
            PastSeasonalEndDate => "Table 7-10",
            MaximumAgeReached { .. } => "CALCDTAGE-1",
            EarliestFromMinimumAge { .. } => "CALCDTAGE-4",
            EarliestFromMinimumInterval { .. } => "CALCDTINT-4",
            EarliestFromConflict { .. } => "CALCDTCONFLICT-3",
            EarliestFromSeasonStart { .. } | EarliestFromMostRecentDose { .. } => "FORECASTDTCAN-1",
            CannotFinishBeforeMaximumAge { .. } => "Table 7-10",
            ForecastDates { .. } => "FORECASTDT-1",
            SeriesScores { .. } => "SELECTBEST-1",
            PrioritizedSeries { .. } => "§8.7",
            BestSeries { .. } => "§8.8",
            SeasonAssumed(_) => "SEASON-ASSUMED",
            SingleAntigenGroupDates { .. } => "SINGLEANTVG-2",
            MultipleAntigenGroupDates { .. } => "MULTIANTVG-1",
            SingleAntigenGroupStatus { .. } => "SINGLEANTVG-1",
            MultipleAntigenGroupStatus { .. } => "Table 9-4",
        }
    }

    /// The finding as a sentence in `language` (dates as ISO `YYYY-MM-DD`).
    pub fn text(&self, language: Language) -> String {
        let mut s = String::with_capacity(96);
        match language {
            Language::English => self.english(&mut s),
            Language::Spanish => self.spanish(&mut s),
        }
        .expect("writing to a String does not fail");
        s
    }

    fn english(&self, s: &mut String) -> std::fmt::Result {
        use TraceCode::*;
        match self {
            TargetDoseSkipped {
                target_dose,
                when,
                at,
                sets,
            } => {
                let when = match when {
                    SkipWhen::Evaluation => "when evaluating the dose of",
                    SkipWhen::Forecast => "as of",
                    SkipWhen::Validation => "at the earliest date",
                };
                write!(
                    s,
                    "target dose {target_dose} skipped {when} {at}: {}",
                    sets.join("; ")
                )
            }
            SeriesAlreadyComplete { series } => {
                write!(s, "{series} has no target dose left: series already complete")
            }
            DoseEvaluated {
                cvx,
                date,
                target_dose,
                series,
            } => write!(
                s,
                "CVX {cvx} on {date} evaluated against target dose {target_dose} of {series}"
            ),
            InadvertentVaccine { cvx } => {
                write!(s, "CVX {cvx} is an inadvertent vaccine for this dose")
            }
            AgeTooYoung {
                absolute_minimum_age_date,
            } => write!(
                s,
                "given before the absolute minimum age date {absolute_minimum_age_date}: too young"
            ),
            AgeTooOld { maximum_age_date } => write!(
                s,
                "given on or after the maximum age date {maximum_age_date}: too old"
            ),
            AgeGracePeriod { minimum_age_date } => write!(
                s,
                "within the 4-day grace period before the minimum age date {minimum_age_date}"
            ),
            AgeValid { minimum_age_date } => {
                write!(s, "age valid (minimum age date {minimum_age_date})")
            }
            PreferableIntervalTooSoon {
                reference_date,
                absolute_minimum_interval_date,
            } => write!(
                s,
                "preferable interval from {reference_date}: given before the absolute minimum interval date {absolute_minimum_interval_date}"
            ),
            PreferableIntervalMet {
                reference_date,
                absolute_minimum_interval_date,
            } => write!(
                s,
                "preferable interval from {reference_date} met (absolute minimum {absolute_minimum_interval_date})"
            ),
            AllowableIntervalMet {
                reference_date,
                absolute_minimum_interval_date,
            } => write!(
                s,
                "allowable interval from {reference_date} met ({absolute_minimum_interval_date})"
            ),
            LiveVirusConflict {
                cvx,
                conflicting_cvx,
                conflicting_date,
                conflict_begin,
                conflict_end,
            } => write!(
                s,
                "CVX {cvx} conflicts with CVX {conflicting_cvx} on {conflicting_date} (conflict window {conflict_begin} to {conflict_end})"
            ),
            PreferableVaccine { cvx } => write!(s, "CVX {cvx} is a preferable vaccine"),
            AllowableVaccine { cvx } => write!(s, "CVX {cvx} is an allowable vaccine"),
            NotPreferableOrAllowable { cvx } => {
                write!(s, "CVX {cvx} is neither preferable nor allowable here")
            }
            ImmuneByObservation { code, title } => {
                write!(s, "evidence of immunity: observation {code} ({title})")
            }
            ImmuneByBirthDate { born_before } => {
                write!(s, "evidence of immunity: born before {born_before}")
            }
            NoTargetDoseLeft { status } => {
                write!(s, "{}: no target dose left", status.as_str())
            }
            AntigenContraindication { code, title } => {
                write!(s, "antigen contraindication {code} ({title})")
            }
            AllPreferableVaccinesContraindicated => {
                s.write_str("every preferable vaccine is contraindicated")
            }
            PastSeasonalEndDate => s.write_str("past the seasonal recommendation end date"),
            MaximumAgeReached { maximum_age_date } => write!(
                s,
                "assessment date is on or after the maximum age date {maximum_age_date}"
            ),
            EarliestFromMinimumAge { date } => write!(s, "minimum age date: {date}"),
            EarliestFromMinimumInterval {
                date,
                interval,
                reference_date,
            } => write!(
                s,
                "minimum interval date ({interval} from {reference_date}): {date}"
            ),
            EarliestFromConflict {
                date,
                conflicting_cvx,
                conflicting_date,
            } => write!(
                s,
                "conflict with CVX {conflicting_cvx} on {conflicting_date}: {date}"
            ),
            EarliestFromSeasonStart { date } => {
                write!(s, "seasonal recommendation start date: {date}")
            }
            EarliestFromMostRecentDose { date } => write!(s, "most recent dose: {date}"),
            CannotFinishBeforeMaximumAge { earliest } => write!(
                s,
                "earliest date {earliest} is not before the maximum age date"
            ),
            ForecastDates {
                target_dose,
                series,
                earliest,
                recommended,
                past_due,
            } => write!(
                s,
                "target dose {target_dose} of {series}: earliest {earliest}, recommended {recommended}, past due {}",
                opt(*past_due)
            ),
            SeriesScores {
                series_group,
                scores,
            } => {
                write!(s, "series group {series_group}: scores ")?;
                for (i, x) in scores.iter().enumerate() {
                    if i > 0 {
                        s.write_str(", ")?;
                    }
                    write!(s, "{} = {}", x.series, x.score)?;
                }
                Ok(())
            }
            PrioritizedSeries {
                series_group,
                series,
                status,
            } => write!(
                s,
                "series group {series_group}: prioritized patient series is {series} ({})",
                status.as_str()
            ),
            BestSeries { series } => write!(s, "best patient series: {series}"),
            SeasonAssumed(x) => write!(
                s,
                "the supporting data defines the season only through {}: season {} to {} assumed from it ({} year(s) later)",
                x.data_end, x.start, x.end, x.years_moved
            ),
            SingleAntigenGroupDates {
                vaccine_group,
                dose_number,
                earliest,
                recommended,
                past_due,
            }
            | MultipleAntigenGroupDates {
                vaccine_group,
                dose_number,
                earliest,
                recommended,
                past_due,
            } => write!(
                s,
                "{vaccine_group}: dose {} earliest {}, recommended {}, past due {}",
                dose_number.map_or("-".to_string(), |n| n.to_string()),
                opt(*earliest),
                opt(*recommended),
                opt(*past_due)
            ),
            SingleAntigenGroupStatus {
                vaccine_group,
                status,
            }
            | MultipleAntigenGroupStatus {
                vaccine_group,
                status,
            } => write!(s, "{vaccine_group}: {}", status.as_str()),
        }
    }

    fn spanish(&self, s: &mut String) -> std::fmt::Result {
        use TraceCode::*;
        match self {
            TargetDoseSkipped {
                target_dose,
                when,
                at,
                sets,
            } => {
                let when = match when {
                    SkipWhen::Evaluation => "al evaluar la dosis del",
                    SkipWhen::Forecast => "a fecha de",
                    SkipWhen::Validation => "en la fecha más temprana",
                };
                write!(
                    s,
                    "dosis objetivo {target_dose} omitida {when} {at}: {}",
                    sets.join("; ")
                )
            }
            SeriesAlreadyComplete { series } => write!(
                s,
                "{series} no tiene más dosis objetivo: serie ya completa"
            ),
            DoseEvaluated {
                cvx,
                date,
                target_dose,
                series,
            } => write!(
                s,
                "CVX {cvx} del {date} evaluada contra la dosis objetivo {target_dose} de {series}"
            ),
            InadvertentVaccine { cvx } => {
                write!(s, "CVX {cvx} es una vacuna inadvertida para esta dosis")
            }
            AgeTooYoung {
                absolute_minimum_age_date,
            } => write!(
                s,
                "administrada antes de la fecha de edad mínima absoluta {absolute_minimum_age_date}: demasiado joven"
            ),
            AgeTooOld { maximum_age_date } => write!(
                s,
                "administrada en o después de la fecha de edad máxima {maximum_age_date}: demasiado mayor"
            ),
            AgeGracePeriod { minimum_age_date } => write!(
                s,
                "dentro del período de gracia de 4 días antes de la fecha de edad mínima {minimum_age_date}"
            ),
            AgeValid { minimum_age_date } => {
                write!(s, "edad válida (fecha de edad mínima {minimum_age_date})")
            }
            PreferableIntervalTooSoon {
                reference_date,
                absolute_minimum_interval_date,
            } => write!(
                s,
                "intervalo preferible desde el {reference_date}: administrada antes de la fecha de intervalo mínimo absoluto {absolute_minimum_interval_date}"
            ),
            PreferableIntervalMet {
                reference_date,
                absolute_minimum_interval_date,
            } => write!(
                s,
                "intervalo preferible desde el {reference_date} cumplido (mínimo absoluto {absolute_minimum_interval_date})"
            ),
            AllowableIntervalMet {
                reference_date,
                absolute_minimum_interval_date,
            } => write!(
                s,
                "intervalo permitido desde el {reference_date} cumplido ({absolute_minimum_interval_date})"
            ),
            LiveVirusConflict {
                cvx,
                conflicting_cvx,
                conflicting_date,
                conflict_begin,
                conflict_end,
            } => write!(
                s,
                "CVX {cvx} entra en conflicto con CVX {conflicting_cvx} del {conflicting_date} (período de conflicto del {conflict_begin} al {conflict_end})"
            ),
            PreferableVaccine { cvx } => write!(s, "CVX {cvx} es una vacuna preferible"),
            AllowableVaccine { cvx } => write!(s, "CVX {cvx} es una vacuna permitida"),
            NotPreferableOrAllowable { cvx } => {
                write!(s, "CVX {cvx} no es preferible ni permitida aquí")
            }
            ImmuneByObservation { code, title } => {
                write!(s, "evidencia de inmunidad: observación {code} ({title})")
            }
            ImmuneByBirthDate { born_before } => {
                write!(s, "evidencia de inmunidad: nacido antes del {born_before}")
            }
            NoTargetDoseLeft { status } => {
                write!(s, "{}: no quedan dosis objetivo", status_es(*status))
            }
            AntigenContraindication { code, title } => {
                write!(s, "contraindicación del antígeno {code} ({title})")
            }
            AllPreferableVaccinesContraindicated => {
                s.write_str("todas las vacunas preferibles están contraindicadas")
            }
            PastSeasonalEndDate => {
                s.write_str("después de la fecha de fin de la recomendación de temporada")
            }
            MaximumAgeReached { maximum_age_date } => write!(
                s,
                "la fecha de evaluación es igual o posterior a la fecha de edad máxima {maximum_age_date}"
            ),
            EarliestFromMinimumAge { date } => write!(s, "fecha de edad mínima: {date}"),
            EarliestFromMinimumInterval {
                date,
                interval,
                reference_date,
            } => write!(
                s,
                "fecha de intervalo mínimo ({} desde el {reference_date}): {date}",
                offset_es(interval)
            ),
            EarliestFromConflict {
                date,
                conflicting_cvx,
                conflicting_date,
            } => write!(
                s,
                "conflicto con CVX {conflicting_cvx} del {conflicting_date}: {date}"
            ),
            EarliestFromSeasonStart { date } => {
                write!(s, "fecha de inicio de la recomendación de temporada: {date}")
            }
            EarliestFromMostRecentDose { date } => write!(s, "dosis más reciente: {date}"),
            CannotFinishBeforeMaximumAge { earliest } => write!(
                s,
                "la fecha más temprana {earliest} no es anterior a la fecha de edad máxima"
            ),
            ForecastDates {
                target_dose,
                series,
                earliest,
                recommended,
                past_due,
            } => write!(
                s,
                "dosis objetivo {target_dose} de {series}: más temprana {earliest}, recomendada {recommended}, vencida {}",
                opt(*past_due)
            ),
            SeriesScores {
                series_group,
                scores,
            } => {
                write!(s, "grupo de series {series_group}: puntuaciones ")?;
                for (i, x) in scores.iter().enumerate() {
                    if i > 0 {
                        s.write_str(", ")?;
                    }
                    write!(s, "{} = {}", x.series, x.score)?;
                }
                Ok(())
            }
            PrioritizedSeries {
                series_group,
                series,
                status,
            } => write!(
                s,
                "grupo de series {series_group}: la serie priorizada del paciente es {series} ({})",
                status_es(*status)
            ),
            BestSeries { series } => write!(s, "mejor serie del paciente: {series}"),
            SeasonAssumed(x) => write!(
                s,
                "los datos de apoyo definen la temporada solo hasta el {}: temporada del {} al {} supuesta a partir de ellos ({} año(s) después)",
                x.data_end, x.start, x.end, x.years_moved
            ),
            SingleAntigenGroupDates {
                vaccine_group,
                dose_number,
                earliest,
                recommended,
                past_due,
            }
            | MultipleAntigenGroupDates {
                vaccine_group,
                dose_number,
                earliest,
                recommended,
                past_due,
            } => write!(
                s,
                "{vaccine_group}: dosis {} más temprana {}, recomendada {}, vencida {}",
                dose_number.map_or("-".to_string(), |n| n.to_string()),
                opt(*earliest),
                opt(*recommended),
                opt(*past_due)
            ),
            SingleAntigenGroupStatus {
                vaccine_group,
                status,
            }
            | MultipleAntigenGroupStatus {
                vaccine_group,
                status,
            } => write!(s, "{vaccine_group}: {}", status_es(*status)),
        }
    }
}

fn opt(d: Option<Date>) -> String {
    d.map_or_else(|| "-".to_string(), |d| d.to_string())
}

/// Spanish names of the patient series statuses.
fn status_es(s: SeriesStatus) -> &'static str {
    match s {
        SeriesStatus::NotComplete => "No completa",
        SeriesStatus::Complete => "Completa",
        SeriesStatus::Immune => "Inmune",
        SeriesStatus::AgedOut => "Fuera de edad",
        SeriesStatus::Contraindicated => "Contraindicada",
        SeriesStatus::NotRecommended => "No recomendada",
    }
}

/// An offset in Spanish (`6 meses 4 días`).
fn offset_es(o: &Offset) -> String {
    let mut parts: Vec<String> = Vec::new();
    let unit =
        |n: i32, one: &str, many: &str| format!("{n} {}", if n.abs() == 1 { one } else { many });
    if o.years != 0 {
        parts.push(unit(o.years, "año", "años"));
    }
    if o.months != 0 {
        parts.push(unit(o.months, "mes", "meses"));
    }
    if o.days != 0 || parts.is_empty() {
        parts.push(unit(o.days, "día", "días"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn every_step_keeps_its_rule_id_and_renders_in_english_and_spanish() {
        let step = TraceStep::new(TraceCode::AgeTooYoung {
            absolute_minimum_age_date: d("2024-02-08"),
        });
        assert_eq!(step.rule, "CALCDTAGE-5");
        assert_eq!(
            step.text(Language::English),
            "given before the absolute minimum age date 2024-02-08: too young"
        );
        assert!(step.text(Language::Spanish).contains("demasiado joven"));
        assert_eq!(step.to_string(), step.text(Language::English));
    }

    #[test]
    fn a_step_serializes_its_rule_code_and_typed_parameters_flat() {
        let step = TraceStep::new(TraceCode::EarliestFromMinimumInterval {
            date: d("2024-03-01"),
            interval: Offset::parse("4 weeks").unwrap(),
            reference_date: d("2024-02-02"),
        });
        let json = serde_json::to_value(&step).unwrap();
        assert_eq!(json["rule"], "CALCDTINT-4");
        assert_eq!(json["code"], "EarliestFromMinimumInterval");
        assert_eq!(json["params"]["date"], "2024-03-01");
        assert_eq!(json["params"]["reference_date"], "2024-02-02");
        assert_eq!(json["params"]["interval"]["days"], 28);
        let unit = serde_json::to_value(TraceStep::new(TraceCode::PastSeasonalEndDate)).unwrap();
        assert_eq!(unit["code"], "PastSeasonalEndDate");
        assert_eq!(unit["rule"], "Table 7-10");
    }

    #[test]
    fn the_skip_context_decides_the_rule_id() {
        let skip = |when| TraceCode::TargetDoseSkipped {
            target_dose: 2,
            when,
            at: d("2024-01-01"),
            sets: vec!["set".into()],
        };
        assert_eq!(skip(SkipWhen::Evaluation).rule(), "§6.2");
        assert_eq!(skip(SkipWhen::Forecast).rule(), "§7.1");
        assert_eq!(skip(SkipWhen::Validation).rule(), "§7.6");
        assert_eq!(
            offset_es(&Offset::parse("6 months - 4 days").unwrap()),
            "6 meses -4 días"
        );
    }
}
