//! A relevant patient series while it is evaluated (§4.4, §6) and forecast (§7): its target
//! doses, each dose's evaluation, its forecast, and the rules both steps share (the age
//! requirement in effect, interval references, skipping). Shared by `evaluate` and `forecast`,
//! which therefore depend on this module and not on each other's internals.

use crate::data::{AgeReq, AntigenSeries, ConditionKind, CountLogic, Cvx, SeriesDose, SkipContext};
use crate::date::Date;
use crate::organize::{in_age_range, in_effect, AntigenDose, Context};
use crate::output::{EvaluationStatus, ForecastReason, SeriesStatus};
use crate::trace::TraceStep;

/// Target dose status (Table 3-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TargetStatus {
    NotSatisfied,
    Satisfied,
    Skipped,
}

/// A patient-specific target dose tracking a series dose.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// Index into the series' doses.
    pub series_dose: usize,
    pub status: TargetStatus,
    /// Antigen dose index that satisfied it.
    pub satisfied_by: Option<usize>,
}

/// Evaluation of one antigen dose in one patient series.
#[derive(Debug, Clone)]
pub(crate) struct DoseEval {
    pub status: EvaluationStatus,
    /// Every failed check's CDC reason, in check order.
    pub reasons: Vec<&'static str>,
    /// 1-based target dose number evaluated against.
    pub target: Option<u32>,
    pub inadvertent: bool,
    pub trace: Vec<TraceStep>,
}

/// A relevant patient series with its evaluation and forecast.
pub(crate) struct SeriesRun<'d> {
    pub series_index: usize,
    pub series: &'d AntigenSeries,
    pub targets: Vec<Target>,
    /// Parallel to the antigen's dose list.
    pub evals: Vec<Option<DoseEval>>,
    pub forecast: SeriesForecast,
    /// Skip trace entries (evaluation and forecast).
    pub trace: Vec<TraceStep>,
    /// Position in the evaluation order (series that depend on others run later).
    pub order: usize,
}

impl SeriesRun<'_> {
    pub fn dose(&self, t: &Target) -> &SeriesDose {
        &self.series.doses[t.series_dose]
    }
    pub fn valid_count(&self) -> usize {
        self.targets
            .iter()
            .filter(|t| t.status == TargetStatus::Satisfied)
            .count()
    }
}

/// The patient series forecast.
#[derive(Debug, Clone)]
pub(crate) struct SeriesForecast {
    pub status: SeriesStatus,
    pub reason: Option<ForecastReason>,
    /// Index of the forecast target dose.
    pub target: Option<usize>,
    pub dose_number: Option<u32>,
    pub earliest: Option<Date>,
    pub recommended: Option<Date>,
    pub past_due: Option<Date>,
    pub latest: Option<Date>,
    pub unadjusted_recommended: Option<Date>,
    pub unadjusted_past_due: Option<Date>,
    /// FORECASTPRIORITY-1.
    pub priority: bool,
    /// SELECTB-12 forecast finish date.
    pub finish: Option<Date>,
    /// For a complete series, the date of the last dose that satisfied a target dose: the
    /// series counts as complete from then on (Table 6-7 at a conditional skip reference date).
    pub completed_on: Option<Date>,
    pub recommended_vaccines: Vec<Cvx>,
    /// Indexes into the forecast target dose's preferable vaccines that may be given for it:
    /// FORECASTRECVAC-1 without its forecast-vaccine-type-flag condition (not contraindicated,
    /// in the vaccine's age range at the earliest or the recommended date).
    pub vaccine_choices: Vec<usize>,
    /// The target dose after the forecast one, estimated as if the forecast dose were given
    /// on `given_on` (its earliest date or the assessment date, whichever is later).
    pub following: Option<Following>,
    pub trace: Vec<TraceStep>,
}

/// See [`SeriesForecast::following`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Following {
    pub given_on: Date,
    pub earliest: Date,
    pub recommended: Date,
}

/// Previous antigen dose usable as interval reference (CALCDTINT-1): valid or not valid,
/// and not an inadvertent administration.
pub(crate) fn previous_reference(run: &SeriesRun<'_>, before: usize) -> Option<usize> {
    (0..before).rev().find(|&k| {
        run.evals[k].as_ref().is_some_and(|e| {
            !e.inadvertent
                && matches!(
                    e.status,
                    EvaluationStatus::Valid | EvaluationStatus::NotValid
                )
        })
    })
}

/// Chooses the age requirement in effect at `anchor` (RELEVANT-1/2).
pub(crate) fn age_req(sd: &SeriesDose, anchor: Date) -> Option<&AgeReq> {
    sd.ages
        .iter()
        .find(|a| in_effect(anchor, a.effective, a.cessation))
}

/// Reference date for an interval (CALCDTINT-1, -2, -8, -9); `None` when not applicable.
#[allow(clippy::too_many_arguments)]
pub(crate) fn interval_reference(
    ctx: &Context<'_, '_>,
    run: &SeriesRun<'_>,
    doses: &[AntigenDose<'_>],
    before: usize,
    from_previous: bool,
    from_target: Option<u32>,
    from_most_recent: &[crate::data::Cvx],
    from_obs: Option<&str>,
) -> Option<Date> {
    if from_previous {
        return previous_reference(run, before).map(|k| doses[k].date);
    }
    if let Some(n) = from_target {
        let target = run.targets.get(n as usize - 1)?;
        return target.satisfied_by.map(|k| doses[k].date);
    }
    if !from_most_recent.is_empty() {
        return (0..before).rev().find_map(|k| {
            let inadvertent = run.evals[k].as_ref().is_some_and(|e| e.inadvertent);
            (!inadvertent && from_most_recent.contains(&doses[k].cvx)).then_some(doses[k].date)
        });
    }
    if let Some(code) = from_obs {
        return ctx.observation_date(code);
    }
    None
}

/// §6.2 / §7.1 / §7.6: can the target dose be skipped at `reference`? Returns the met sets'
/// descriptions (only when tracing; empty otherwise). `before` limits counted doses to those
/// evaluated before the current one.
#[allow(clippy::too_many_arguments)]
pub(crate) fn can_skip(
    ctx: &Context<'_, '_>,
    a: usize,
    run: &SeriesRun<'_>,
    sd: &SeriesDose,
    context: SkipContext,
    reference: Date,
    before: Option<usize>,
    done: &[SeriesRun<'_>],
) -> Option<Vec<String>> {
    let doses = &ctx.antigen_doses[a];
    let limit = before.unwrap_or(doses.len());
    // RELEVANT-1 / RELEVANT-2: a set is selected by the date administered when evaluating a
    // dose, by the assessment date when forecasting, including when the forecast is validated
    // at its earliest date (§7.6), whose reference date is that earliest date.
    let anchor = match context {
        SkipContext::Evaluation => reference,
        SkipContext::Forecast | SkipContext::Both => ctx.assessment,
    };
    // CALCDTSKIP-5: interval conditions count from the immediate previous vaccine dose
    // administered, whatever its evaluation status (not the CALCDTINT-1 interval reference,
    // which passes over extraneous doses and inadvertent administrations).
    let previous = limit.checked_sub(1).map(|k| doses[k].date);
    for skip in sd
        .conditional_skips
        .iter()
        .filter(|s| s.context == context || s.context == SkipContext::Both)
    {
        let mut met_sets: Vec<String> = Vec::new();
        let mut met_count = 0;
        let mut relevant_sets = 0;
        for set in skip
            .sets
            .iter()
            .filter(|s| in_effect(anchor, s.effective, s.cessation))
        {
            relevant_sets += 1;
            let mut met = 0;
            for c in &set.conditions {
                let ok = match c.kind {
                    ConditionKind::Age => {
                        in_age_range(ctx.dob(), reference, c.begin_age, c.end_age)
                    }
                    ConditionKind::CompletedSeries => done.iter().any(|r| {
                        c.series_groups.contains(&r.series.series_group)
                            && r.forecast.status == crate::output::SeriesStatus::Complete
                            && r.forecast.completed_on.is_none_or(|d| d <= reference)
                    }),
                    // Table 6-8: not met without a previous dose.
                    ConditionKind::Interval => previous
                        .is_some_and(|p| c.interval.is_some_and(|iv| reference >= p.plus(iv))),
                    ConditionKind::VaccineCountByAge
                    | ConditionKind::VaccineCountByDate
                    | ConditionKind::VaccineCountByDateAndAge => {
                        let begin = ctx.age_date(c.begin_age, Date::MIN);
                        let end = ctx.age_date(c.end_age, Date::MAX);
                        let start = c.start_date.unwrap_or(Date::MIN);
                        let stop = c.end_date.unwrap_or(Date::MAX);
                        let count = (0..limit)
                            .filter(|&k| {
                                let d = &doses[k];
                                // An empty vaccine type list counts doses of any vaccine type.
                                (c.vaccine_types.is_empty() || c.vaccine_types.contains(&d.cvx))
                                    && d.date >= begin
                                    && d.date < end
                                    && d.date >= start
                                    && d.date < stop
                                    && (!c.valid_only
                                        || run.evals[k]
                                            .as_ref()
                                            .is_some_and(|e| e.status == EvaluationStatus::Valid))
                            })
                            .count() as u32;
                        match c.count_logic {
                            CountLogic::GreaterThan => count > c.dose_count,
                            CountLogic::Equal => count == c.dose_count,
                            CountLogic::LessThan => count < c.dose_count,
                        }
                    }
                };
                if ok {
                    met += 1;
                }
            }
            let set_met = if set.condition_logic_and {
                met == set.conditions.len() && met > 0
            } else {
                met > 0
            };
            if set_met {
                met_count += 1;
                // The description only matters for the trace.
                if ctx.trace {
                    met_sets.push(set.description.clone());
                }
            }
        }
        let skipped = if skip.set_logic_and {
            relevant_sets > 0 && met_count == relevant_sets
        } else {
            met_count > 0
        };
        if skipped {
            return Some(met_sets);
        }
    }
    None
}
