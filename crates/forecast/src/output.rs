//! Serde-serializable results: per-dose evaluations and per-vaccine-group forecasts, each with
//! an explanation trace a UI can show as "why".

use serde::Serialize;

use crate::data::{Cvx, SeriesType};
use crate::date::Date;
pub use crate::trace::TraceStep;

/// Evaluation status of a dose (Table 3-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EvaluationStatus {
    /// Administered according to the recommendations.
    Valid,
    /// Must be repeated.
    NotValid,
    /// Not according to the recommendations but need not be repeated.
    Extraneous,
    /// Known dose condition (expired, recalled…); never produced without such input.
    SubStandard,
}

impl EvaluationStatus {
    /// The CDC spelling (`Valid`, `Not Valid`, `Extraneous`, `Sub-standard`).
    pub fn as_str(self) -> &'static str {
        match self {
            EvaluationStatus::Valid => "Valid",
            EvaluationStatus::NotValid => "Not Valid",
            EvaluationStatus::Extraneous => "Extraneous",
            EvaluationStatus::SubStandard => "Sub-standard",
        }
    }
}

/// Patient series / vaccine group status (Table 3-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SeriesStatus {
    /// More doses are needed.
    NotComplete,
    /// All recommendations met.
    Complete,
    /// Evidence of immunity.
    Immune,
    /// Exceeded the maximum age before completing.
    AgedOut,
    /// No further doses should be given.
    Contraindicated,
    /// No recommended action at this time.
    NotRecommended,
}

impl SeriesStatus {
    /// The CDC spelling (`Not Complete`, `Complete`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            SeriesStatus::NotComplete => "Not Complete",
            SeriesStatus::Complete => "Complete",
            SeriesStatus::Immune => "Immune",
            SeriesStatus::AgedOut => "Aged Out",
            SeriesStatus::Contraindicated => "Contraindicated",
            SeriesStatus::NotRecommended => "Not Recommended",
        }
    }
}

/// Why a patient series forecast has no next dose (Table 7-10 forecast reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ForecastReason {
    /// `Patient has evidence of immunity`.
    EvidenceOfImmunity,
    /// `Patient series is complete`.
    SeriesComplete,
    /// `Not recommended at this time due to past immunization history`.
    NotRecommendedDueToHistory,
    /// `Patient has a contraindication`.
    Contraindication,
    /// `Past seasonal recommendation end date`.
    PastSeasonalEndDate,
    /// `Patient has exceeded the maximum age`.
    ExceededMaximumAge,
    /// `Patient is unable to finish the series prior to the maximum age`.
    CannotFinishBeforeMaximumAge,
}

impl ForecastReason {
    /// The CDC wording.
    pub fn as_str(self) -> &'static str {
        match self {
            ForecastReason::EvidenceOfImmunity => "Patient has evidence of immunity",
            ForecastReason::SeriesComplete => "Patient series is complete",
            ForecastReason::NotRecommendedDueToHistory => {
                "Not recommended at this time due to past immunization history"
            }
            ForecastReason::Contraindication => "Patient has a contraindication",
            ForecastReason::PastSeasonalEndDate => "Past seasonal recommendation end date",
            ForecastReason::ExceededMaximumAge => "Patient has exceeded the maximum age",
            ForecastReason::CannotFinishBeforeMaximumAge => {
                "Patient is unable to finish the series prior to the maximum age"
            }
        }
    }
}

/// Whether a recommendation is made on the basis of shared clinical decision-making (the
/// clinician and patient decide together; not a routine "due" dose).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SharedDecision {
    /// A routine or risk-based recommendation.
    No,
    /// The whole series is a shared clinical decision-making recommendation (the supporting
    /// data names it so, e.g. COVID-19 2025–2026, MenB 16–23 years).
    Series,
    /// The series' administrative guidance makes some of its doses or ages a shared clinical
    /// decision (e.g. HPV 27–45 years, an extra pneumococcal dose): show the guidance.
    Guidance,
}

/// The result for the whole patient.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    /// The date the assessment was made for.
    pub assessment_date: Date,
    /// One entry per input dose, in input order.
    pub doses: Vec<DoseEvaluation>,
    /// Vaccine-group forecasts (one per vaccine group and series type).
    pub groups: Vec<GroupForecast>,
    /// The supporting-data release the assessment was made with (e.g. `4.64`).
    pub data_release: String,
    /// Every vaccine group of the supporting data, in its order.
    pub vaccine_groups: Vec<String>,
    /// The vaccine groups with no forecast because no series of theirs applies to the client,
    /// each with the reason (see [`Assessment::every_group`]).
    pub not_applicable: Vec<NotApplicable>,
}

/// A vaccine group no series of which applies to the client (§5: no relevant patient series).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotApplicable {
    /// Vaccine group (supporting-data name).
    pub vaccine_group: String,
    /// Why.
    pub reason: NotApplicableReason,
}

/// Why no series of a vaccine group applies to the client (Table 5-5 / Table 5-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum NotApplicableReason {
    /// Every series is a risk series (travel, occupation, condition) and the client has none
    /// of their indications.
    NoIndication,
    /// The client has an indication of a risk series, but not at this age (outside the
    /// indication's begin and end ages on the assessment date).
    IndicationNotAtThisAge,
    /// Every series is for another gender.
    Gender,
    /// The supporting data has no series for the group.
    NoSeries,
}

/// Evaluation of one administered dose for each antigen it contains.
#[derive(Debug, Clone, Serialize)]
pub struct DoseEvaluation {
    /// Index of the dose in [`crate::Patient::doses`].
    pub index: usize,
    /// CVX code.
    pub cvx: Cvx,
    /// Date administered.
    pub date: Date,
    /// Per antigen (as evaluated in the antigen's best patient series).
    pub antigens: Vec<AntigenDoseEvaluation>,
    /// The same dose as evaluated in the antigen's other best patient series, if any (e.g. the
    /// standard series beside a risk series the group forecast is made from).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_series: Vec<AntigenDoseEvaluation>,
}

/// Evaluation of one dose for one antigen in the antigen's best patient series.
#[derive(Debug, Clone, Serialize)]
pub struct AntigenDoseEvaluation {
    /// Antigen, e.g. `Pertussis`.
    pub antigen: String,
    /// Vaccine group of the antigen.
    pub vaccine_group: String,
    /// The patient series the dose was evaluated in.
    pub series: String,
    /// Type of that series.
    pub series_type: SeriesType,
    /// Evaluation status.
    pub status: EvaluationStatus,
    /// The first CDC evaluation reason (`Age: Too Young`, `Interval: Too Soon`, …), if any.
    pub reason: Option<String>,
    /// All evaluation reasons, in the order the checks run (age, interval, conflict, vaccine):
    /// a dose can be both too young and too soon.
    pub reasons: Vec<String>,
    /// The target dose number the dose was evaluated against.
    pub target_dose: Option<u32>,
    /// Why.
    pub trace: Vec<TraceStep>,
}

/// A vaccine that may be given for a forecast dose: a preferable vaccine of the forecast target
/// dose that is not contraindicated for the patient and whose age range includes the earliest or
/// the recommended date (FORECASTRECVAC-1 without the forecast-vaccine-type-flag condition).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForecastVaccine {
    /// CVX code.
    pub cvx: Cvx,
    /// Vaccine type as the supporting data names it (e.g. `DTaP`, `PCV20`).
    pub vaccine_type: String,
    /// Trade name, when the supporting data requires one for this dose.
    pub trade_name: Option<String>,
    /// Manufacturer (MVX), when the supporting data requires one for this dose.
    pub mvx: Option<String>,
    /// CDC's forecast vaccine type flag: the supporting data recommends this vaccine type in
    /// particular (FORECASTRECVAC-1), e.g. a PCV rather than PPSV23.
    pub forecast_flag: bool,
    /// Antigens the vaccine contains (CVX map, at the patient's age on the dose's date).
    pub antigens: Vec<String>,
    /// Other vaccine groups with an open forecast that this (combination) vaccine also gives
    /// their next dose of, on the same date (e.g. Pediarix for DTaP also covers HepB and
    /// Polio when both are due by then).
    pub also_covers: Vec<String>,
}

/// The dose after the forecast one, estimated as if the forecast dose were given on `if_given_on`
/// (its earliest date or the assessment date, whichever is later): for planning the next visit.
/// Conditional skips and vaccine conflicts are left to the assessment made at that visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FollowingDose {
    /// Its dose number.
    pub dose_number: Option<u32>,
    /// The date the forecast dose is assumed to be given on.
    pub if_given_on: Date,
    /// Earliest date of the following dose (minimum age and minimum intervals).
    pub earliest: Date,
    /// Recommended date of the following dose (never before its earliest date).
    pub recommended: Date,
}

/// What a vaccine-group forecast is made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ForecastBasis {
    /// CDSi's best patient series (§8): the forecast the specification gives (and CDC's test
    /// cases check).
    BestSeries,
    /// The series the client can start now. With no valid dose in a series group, Table 8-3
    /// prioritizes the group's default series even when the client is past its maximum age to
    /// start (the HepB infant series for an unvaccinated adult, with a past-due date in the
    /// adult's infancy; the COVID-19 6–23 month series for a 7-year-old). This forecast is
    /// made from the group's standard series whose ages to start include the assessment date,
    /// scored by Table 8-11 and SELECTBEST-2; rows show it instead of the default series'
    /// forecast, which stays in [`Assessment::groups`] (listed before this one).
    StartableNow {
        /// The default series (one per antigen) this forecast stands in for.
        instead_of: Vec<String>,
    },
}

/// Forecast for a vaccine group (§9).
#[derive(Debug, Clone, Serialize)]
pub struct GroupForecast {
    /// Vaccine group name, e.g. `DTaP/Tdap/Td`.
    pub vaccine_group: String,
    /// Series type the forecast was blended from (standard and risk are never mixed).
    pub series_type: SeriesType,
    /// Status.
    pub status: SeriesStatus,
    /// Next dose number (FORECASTDN-2), when another dose is due.
    pub forecast_dose_number: Option<u32>,
    /// Earliest date.
    pub earliest: Option<Date>,
    /// Recommended date.
    pub recommended: Option<Date>,
    /// Past-due date.
    pub past_due: Option<Date>,
    /// Latest date.
    pub latest: Option<Date>,
    /// Forecast reasons (CDC wording).
    pub reasons: Vec<String>,
    /// The same reasons as codes.
    pub reason_codes: Vec<ForecastReason>,
    /// Recommended vaccines (CVX): those CDC flags as forecast vaccine types (FORECASTRECVAC-1,
    /// FORECASTVG-9) when there are any, else every vaccine in [`GroupForecast::vaccines`].
    pub recommended_vaccines: Vec<Cvx>,
    /// The dose after the next one, if the next one is given as soon as it may (from today).
    pub following_dose: Option<FollowingDose>,
    /// The vaccines that may be given for the next dose (empty without one): for a vaccine
    /// group of several antigens, those that give every antigen due a dose (e.g. DTaP rather
    /// than DT), or all of the antigens' vaccines when no single vaccine does.
    pub vaccines: Vec<ForecastVaccine>,
    /// Set when the supporting data's last season had ended on the assessment date and the
    /// season was assumed from it (moved forward by whole years): say so beside the dates.
    pub season_assumed: Option<crate::AssumedSeason>,
    /// What the forecast is made from: CDSi's best patient series, or the series the client
    /// can start now beside a default series the client is past the maximum age to start of.
    pub basis: ForecastBasis,
    /// The per-antigen patient series forecasts this was built from.
    pub antigens: Vec<AntigenForecast>,
    /// Why.
    pub trace: Vec<TraceStep>,
}

/// Forecast of one best patient series of an antigen (§7).
#[derive(Debug, Clone, Serialize)]
pub struct AntigenForecast {
    /// Antigen.
    pub antigen: String,
    /// Best patient series name.
    pub series: String,
    /// Series type.
    pub series_type: SeriesType,
    /// Status.
    pub status: SeriesStatus,
    /// Next target dose number.
    pub forecast_dose_number: Option<u32>,
    /// Earliest date.
    pub earliest: Option<Date>,
    /// Recommended date (adjusted).
    pub recommended: Option<Date>,
    /// Past-due date (adjusted).
    pub past_due: Option<Date>,
    /// Latest date.
    pub latest: Option<Date>,
    /// Forecast reason (CDC wording).
    pub reason: Option<String>,
    /// The same reason as a code.
    pub reason_code: Option<ForecastReason>,
    /// Target doses satisfied by valid doses in this series.
    pub valid_doses: u32,
    /// Minimum age date of the forecast target dose, when it has a minimum age.
    pub minimum_age_date: Option<Date>,
    /// The vaccines that may be given for the forecast target dose (empty without one).
    pub vaccines: Vec<ForecastVaccine>,
    /// The target dose after the forecast one, if that one is given as soon as it may.
    pub following_dose: Option<FollowingDose>,
    /// The series is a shared clinical decision-making recommendation, or its guidance says
    /// part of it is.
    pub shared_decision: SharedDecision,
    /// The series' administrative guidance (CDC text), if any.
    pub admin_guidance: Option<String>,
    /// Set when the series is seasonal and its season was assumed from an earlier season's data.
    pub season_assumed: Option<crate::AssumedSeason>,
    /// Target dose statuses in order (`Satisfied`, `Skipped`, `Not Satisfied`).
    pub target_doses: Vec<String>,
    /// Why (series selection, skips, date derivation).
    pub trace: Vec<TraceStep>,
}

impl Assessment {
    /// The first (primary) forecast of a vaccine group, by exact supporting-data name.
    pub fn group(&self, name: &str) -> Option<&GroupForecast> {
        self.groups.iter().find(|g| g.vaccine_group == name)
    }

    /// Status and reasons of dose `index` for a vaccine group: a combination vaccine is judged
    /// by the group's antigens it contains (not valid if any is not valid, then extraneous).
    pub fn dose_status_for_group(
        &self,
        index: usize,
        group: &str,
    ) -> Option<(EvaluationStatus, Vec<String>)> {
        self.dose_status_in(index, group, None)
    }

    /// Like [`Assessment::dose_status_for_group`], but as evaluated in a best patient series of
    /// the given series type when the antigen has one (CDC test cases name the series type each
    /// expected evaluation was determined in); otherwise as reported.
    pub fn dose_status_in(
        &self,
        index: usize,
        group: &str,
        series_type: Option<SeriesType>,
    ) -> Option<(EvaluationStatus, Vec<String>)> {
        let dose = self.doses.get(index)?;
        let mut best: Option<(EvaluationStatus, Vec<String>)> = None;
        let rank = |s: EvaluationStatus| match s {
            EvaluationStatus::Valid => 0,
            EvaluationStatus::Extraneous => 1,
            EvaluationStatus::SubStandard => 2,
            EvaluationStatus::NotValid => 3,
        };
        let chosen = dose
            .antigens
            .iter()
            .filter(|a| a.vaccine_group == group)
            .map(|a| {
                // The evaluation in another best series of the wanted type, when there is one.
                series_type
                    .filter(|&t| blend(a.series_type) != blend(t))
                    .and_then(|t| {
                        dose.other_series
                            .iter()
                            .find(|o| o.antigen == a.antigen && blend(o.series_type) == blend(t))
                    })
                    .unwrap_or(a)
            });
        for a in chosen {
            if best.as_ref().is_none_or(|(s, _)| rank(a.status) > rank(*s)) {
                best = Some((a.status, a.reasons.clone()));
            }
        }
        best
    }
}

/// Standard and evaluation-only series report together; risk series apart.
fn blend(t: SeriesType) -> bool {
    t == SeriesType::Risk
}
