//! Types of the forecast screen that the CDSi engine's structured outputs map to: the visit
//! summary, the vaccines a forecast dose may be given with, and the "Why?" trace as typed steps
//! the UI renders in the user's language (a stable code and its parameters, dates MM/DD/YYYY).

use serde::Serialize;
use specta::Type;

use super::RecommendedVaccine;

/// What a nurse reads first: "Due today: DTaP, IPV, MMR, VAR · Next visit on or after
/// 03/01/2027".
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VisitSummary {
    /// Groups with a dose due or overdue today: overdue first.
    pub due_today: Vec<VisitGroup>,
    /// Groups whose next dose may be given today but is recommended later.
    pub allowed_today: Vec<VisitGroup>,
    /// Something may be given today (a dose due, overdue or allowed).
    pub may_give_today: bool,
    /// MM/DD/YYYY: the first later date on which a dose becomes due, if today's due doses are
    /// given today. `None` when no further dose is forecast.
    pub next_visit_on_or_after: Option<String>,
    /// The groups that may be given on that date.
    pub next_visit_groups: Vec<VisitGroup>,
}

/// One vaccine group in the visit summary.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VisitGroup {
    /// Vaccine group (CDSi name, e.g. "DTaP/Tdap/Td").
    pub vaccine_group: String,
    /// What the summary line calls the group: the abbreviation clinics use ("DTaP", "IPV",
    /// "MMR", "VAR", "PCV"), else the CDSi name ("HepB", "Hib", "COVID-19").
    pub label: String,
    /// overdue / due / allowed / upcoming, on the day the entry is for (today or the next
    /// visit).
    pub urgency: String,
    /// Dose number.
    pub dose_number: Option<i32>,
    /// MM/DD/YYYY.
    pub earliest: Option<String>,
    /// MM/DD/YYYY.
    pub recommended: Option<String>,
    /// A shared clinical decision-making recommendation.
    pub shared_decision: bool,
    /// The recommended vaccines (empty for a dose estimated for the next visit: the assessment
    /// made then lists them).
    pub vaccines: Vec<RecommendedVaccine>,
}

/// What a vaccine-group row is made from, for "Why?" ("Shown: the series the client can start
/// now; CDSi's default series is past its maximum age to start").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RowBasis {
    /// "best_series": CDSi's best patient series; "startable_now": the series the client can
    /// start now, shown instead of CDSi's default series, which the client is past the maximum
    /// age to start of.
    pub kind: String,
    /// The series shown (CDC names, one per antigen).
    pub series: Vec<String>,
    /// "standard", "risk" or "evaluation_only".
    pub series_type: String,
    /// For "startable_now": CDSi's default series it stands in for (CDC names, one per
    /// antigen); empty otherwise.
    pub instead_of: Vec<String>,
    /// The group's other forecasts, not shown as the row.
    pub other_series: Vec<OtherSeries>,
}

/// Another forecast of the same vaccine group, not shown as the row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OtherSeries {
    /// Series (CDC names, one per antigen).
    pub series: Vec<String>,
    /// "standard", "risk" or "evaluation_only".
    pub series_type: String,
    /// CDC series status ("Not Complete").
    pub status: String,
    /// MM/DD/YYYY: its earliest date, if open.
    pub earliest: Option<String>,
    /// Why it is not the row: "starts_later" (an age the client has not reached),
    /// "lower_rank" (the row's forecast ranks first) or "past_maximum_age_to_start" (CDSi's
    /// default series, which the client can no longer start).
    pub because: String,
}

/// A vaccine group no series of which applies to the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NotApplicableGroup {
    /// Vaccine group (CDSi name, e.g. "Yellow Fever").
    pub vaccine_group: String,
    /// "no_indication" (only risk series: travel, occupation, condition, and the client has
    /// none of their indications), "indication_not_at_this_age", "gender" or "no_series".
    pub reason: String,
}

/// A trade name of a recommended vaccine, with its manufacturer when the data names one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VaccineTradeName {
    /// Trade name, e.g. "Pediarix".
    pub name: String,
    /// MVX code, e.g. "SKB".
    pub mvx: Option<String>,
}

/// A series score in a [`TraceFinding::SeriesScores`] step.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TraceSeriesScore {
    /// Series name (CDC text).
    pub series: String,
    /// Its score.
    pub score: i32,
}

/// An interval of the supporting data (years, then months, then days; weeks are days).
#[derive(Debug, Clone, Copy, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TraceInterval {
    /// Years.
    pub years: i32,
    /// Months.
    pub months: i32,
    /// Days.
    pub days: i32,
}

/// What one step of the explanation found: a stable code and its parameters, for the UI to
/// render as a sentence in the user's language. Dates are MM/DD/YYYY; CVX codes as the registry
/// writes them ("03"); series names, skip-set descriptions and observation titles are CDC text;
/// statuses are CDC's spelling ("Not Complete").
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "code", content = "params")]
pub enum TraceFinding {
    /// A target dose was skipped: its conditional skip sets were met.
    #[serde(rename_all = "camelCase")]
    TargetDoseSkipped {
        /// Target dose number.
        target_dose: i32,
        /// "evaluation" (the dose given on `at`), "forecast" (as of `at`) or "validation" (at
        /// the earliest date `at`).
        when: String,
        /// Reference date.
        at: String,
        /// The met sets' descriptions (CDC text).
        sets: Vec<String>,
    },
    /// No target dose was left for the dose: extraneous.
    #[serde(rename_all = "camelCase")]
    SeriesAlreadyComplete {
        /// Series name.
        series: String,
    },
    /// A dose was evaluated against a target dose.
    #[serde(rename_all = "camelCase")]
    DoseEvaluated {
        /// CVX.
        cvx: String,
        /// Date administered.
        date: String,
        /// Target dose number.
        target_dose: i32,
        /// Series name.
        series: String,
    },
    /// An inadvertent administration.
    #[serde(rename_all = "camelCase")]
    InadvertentVaccine {
        /// CVX.
        cvx: String,
    },
    /// Given before the absolute minimum age date.
    #[serde(rename_all = "camelCase")]
    AgeTooYoung {
        /// Absolute minimum age date.
        absolute_minimum_age_date: String,
    },
    /// Given on or after the maximum age date.
    #[serde(rename_all = "camelCase")]
    AgeTooOld {
        /// Maximum age date.
        maximum_age_date: String,
    },
    /// Given within the 4-day grace period before the minimum age date.
    #[serde(rename_all = "camelCase")]
    AgeGracePeriod {
        /// Minimum age date.
        minimum_age_date: String,
    },
    /// Given at a valid age.
    #[serde(rename_all = "camelCase")]
    AgeValid {
        /// Minimum age date.
        minimum_age_date: String,
    },
    /// Given before the absolute minimum interval date.
    #[serde(rename_all = "camelCase")]
    PreferableIntervalTooSoon {
        /// The interval's reference date.
        reference_date: String,
        /// Absolute minimum interval date.
        absolute_minimum_interval_date: String,
    },
    /// A preferable interval was met.
    #[serde(rename_all = "camelCase")]
    PreferableIntervalMet {
        /// The interval's reference date.
        reference_date: String,
        /// Absolute minimum interval date.
        absolute_minimum_interval_date: String,
    },
    /// An allowable interval was met.
    #[serde(rename_all = "camelCase")]
    AllowableIntervalMet {
        /// The interval's reference date.
        reference_date: String,
        /// Absolute minimum interval date.
        absolute_minimum_interval_date: String,
    },
    /// Given within the conflict window of an earlier live vaccine.
    #[serde(rename_all = "camelCase")]
    LiveVirusConflict {
        /// CVX of the dose.
        cvx: String,
        /// CVX of the earlier dose.
        conflicting_cvx: String,
        /// Date of the earlier dose.
        conflicting_date: String,
        /// Conflict window start.
        conflict_begin: String,
        /// Conflict window end.
        conflict_end: String,
    },
    /// A preferable vaccine for the target dose.
    #[serde(rename_all = "camelCase")]
    PreferableVaccine {
        /// CVX.
        cvx: String,
    },
    /// An allowable vaccine for the target dose.
    #[serde(rename_all = "camelCase")]
    AllowableVaccine {
        /// CVX.
        cvx: String,
    },
    /// Neither preferable nor allowable for the target dose.
    #[serde(rename_all = "camelCase")]
    NotPreferableOrAllowable {
        /// CVX.
        cvx: String,
    },
    /// Evidence of immunity from an observation.
    #[serde(rename_all = "camelCase")]
    ImmuneByObservation {
        /// Observation code.
        observation: String,
        /// Observation title (CDC text).
        title: String,
    },
    /// Evidence of immunity by birth date.
    #[serde(rename_all = "camelCase")]
    ImmuneByBirthDate {
        /// Born before this date.
        born_before: String,
    },
    /// No target dose is left.
    #[serde(rename_all = "camelCase")]
    NoTargetDoseLeft {
        /// Resulting series status (CDC spelling).
        status: String,
    },
    /// An antigen contraindication applies.
    #[serde(rename_all = "camelCase")]
    AntigenContraindication {
        /// Observation code.
        observation: String,
        /// Observation title (CDC text).
        title: String,
    },
    /// Every preferable vaccine of the target dose is contraindicated.
    AllPreferableVaccinesContraindicated,
    /// Past the seasonal recommendation end date.
    PastSeasonalEndDate,
    /// The assessment date is on or after the maximum age date.
    #[serde(rename_all = "camelCase")]
    MaximumAgeReached {
        /// Maximum age date.
        maximum_age_date: String,
    },
    /// Candidate earliest date: the minimum age date.
    #[serde(rename_all = "camelCase")]
    EarliestFromMinimumAge {
        /// Minimum age date.
        date: String,
    },
    /// Candidate earliest date: a minimum interval date.
    #[serde(rename_all = "camelCase")]
    EarliestFromMinimumInterval {
        /// Minimum interval date.
        date: String,
        /// The interval.
        interval: TraceInterval,
        /// Its reference date.
        reference_date: String,
    },
    /// Candidate earliest date: the end of a live vaccine conflict.
    #[serde(rename_all = "camelCase")]
    EarliestFromConflict {
        /// Conflict end date.
        date: String,
        /// CVX of the conflicting dose.
        conflicting_cvx: String,
        /// Date of the conflicting dose.
        conflicting_date: String,
    },
    /// Candidate earliest date: the seasonal recommendation start date.
    #[serde(rename_all = "camelCase")]
    EarliestFromSeasonStart {
        /// Season start.
        date: String,
    },
    /// Candidate earliest date: the most recent dose.
    #[serde(rename_all = "camelCase")]
    EarliestFromMostRecentDose {
        /// Its date.
        date: String,
    },
    /// The earliest date is not before the maximum age date.
    #[serde(rename_all = "camelCase")]
    CannotFinishBeforeMaximumAge {
        /// Earliest date.
        earliest: String,
    },
    /// The forecast dates of a target dose.
    #[serde(rename_all = "camelCase")]
    ForecastDates {
        /// Target dose number.
        target_dose: i32,
        /// Series name.
        series: String,
        /// Earliest date.
        earliest: String,
        /// Recommended date.
        recommended: String,
        /// Past-due date.
        past_due: Option<String>,
    },
    /// Scores of the scored series of a series group.
    #[serde(rename_all = "camelCase")]
    SeriesScores {
        /// Series group.
        series_group: String,
        /// Each series with its score.
        scores: Vec<TraceSeriesScore>,
    },
    /// The prioritized patient series of a series group.
    #[serde(rename_all = "camelCase")]
    PrioritizedSeries {
        /// Series group.
        series_group: String,
        /// Series name.
        series: String,
        /// Its status (CDC spelling).
        status: String,
    },
    /// A best patient series.
    #[serde(rename_all = "camelCase")]
    BestSeries {
        /// Series name.
        series: String,
    },
    /// The season was assumed from the supporting data's last season.
    #[serde(rename_all = "camelCase")]
    SeasonAssumed {
        /// The last day of the data's last season.
        data_end: String,
        /// Start of the assumed season.
        start: String,
        /// End of the assumed season.
        end: String,
        /// Whole years the data's season was moved forward.
        years_moved: i32,
    },
    /// Dates of a vaccine group forecast (single- or multiple-antigen group; the rule says
    /// which).
    #[serde(rename_all = "camelCase")]
    GroupDates {
        /// Vaccine group.
        vaccine_group: String,
        /// Dose number.
        dose_number: Option<i32>,
        /// Earliest date.
        earliest: Option<String>,
        /// Recommended date.
        recommended: Option<String>,
        /// Past-due date.
        past_due: Option<String>,
    },
    /// Status of a vaccine group forecast.
    #[serde(rename_all = "camelCase")]
    GroupStatus {
        /// Vaccine group.
        vaccine_group: String,
        /// Status (CDC spelling).
        status: String,
    },
}
