//! §7 Forecast dates and reasons for one relevant patient series.

use crate::data::SkipContext;
use crate::date::Date;
use crate::organize::{in_age_range, in_effect, Context};
use crate::output::{ForecastReason, SeriesStatus};
use crate::series::{
    age_req, can_skip, interval_reference, SeriesForecast, SeriesRun, TargetStatus,
};
use crate::trace::{SkipWhen, TraceCode, TraceStep};

impl Default for SeriesForecast {
    fn default() -> Self {
        SeriesForecast {
            status: SeriesStatus::NotComplete,
            reason: None,
            target: None,
            dose_number: None,
            earliest: None,
            recommended: None,
            past_due: None,
            latest: None,
            unadjusted_recommended: None,
            unadjusted_past_due: None,
            priority: false,
            finish: None,
            completed_on: None,
            recommended_vaccines: Vec::new(),
            vaccine_choices: Vec::new(),
            following: None,
            trace: Vec::new(),
        }
    }
}

/// Pushes a trace step, building it only when tracing is on.
macro_rules! step {
    ($ctx:expr, $trace:expr, $code:expr) => {
        if $ctx.trace {
            $trace.push(TraceStep::new($code));
        }
    };
}

/// §7.2 evidence of immunity.
fn immune(ctx: &Context<'_, '_>, a: usize) -> Option<TraceCode> {
    let im = &ctx.antigens[a].immunity;
    if let Some((code, title)) = im
        .clinical_history
        .iter()
        .find(|(c, _)| ctx.has_observation(c))
    {
        return Some(TraceCode::ImmuneByObservation {
            code: code.clone(),
            title: title.clone(),
        });
    }
    if let Some(born) = im.birth_date {
        let excluded = im.exclusions.iter().any(|c| ctx.has_observation(c));
        // A required country of birth cannot be checked: we hold no country, so no immunity.
        if ctx.dob() < born && !excluded && im.birth_country.is_none() {
            return Some(TraceCode::ImmuneByBirthDate { born_before: born });
        }
    }
    None
}

/// §7.3 contraindications for the series' forecast target dose.
fn contraindicated(
    ctx: &Context<'_, '_>,
    a: usize,
    run: &SeriesRun<'_>,
    t: Option<usize>,
) -> Option<TraceCode> {
    let antigen = ctx.antigens[a];
    let at = ctx.assessment;
    for c in &antigen.antigen_contraindications {
        if ctx.has_observation(&c.code) && in_age_range(ctx.dob(), at, c.begin_age, c.end_age) {
            return Some(TraceCode::AntigenContraindication {
                code: c.code.clone(),
                title: c.title.clone(),
            });
        }
    }
    let t = t?;
    let sd = run.dose(&run.targets[t]);
    if sd.preferable_vaccines.is_empty() {
        return None;
    }
    let all = sd.preferable_vaccines.iter().all(|p| {
        antigen.vaccine_contraindications.iter().any(|c| {
            ctx.has_observation(&c.code)
                && c.vaccines.iter().any(|v| {
                    v.cvx == p.vaccine.cvx && in_age_range(ctx.dob(), at, v.begin_age, v.end_age)
                })
        })
    });
    all.then_some(TraceCode::AllPreferableVaccinesContraindicated)
}

/// Runs §7 for `run`, starting at target dose index `t` (the first not satisfied one).
pub(crate) fn forecast_series(
    ctx: &Context<'_, '_>,
    a: usize,
    run: &mut SeriesRun<'_>,
    mut t: usize,
    done: &[SeriesRun<'_>],
) {
    let mut f = SeriesForecast::default();
    let doses = &ctx.antigen_doses[a];
    let at = ctx.assessment;
    let series = run.series;
    // §7.1 conditional skip at the assessment date.
    let skip_at =
        |run: &mut SeriesRun<'_>, t: &mut usize, reference: Date, f: &mut SeriesForecast| {
            while *t < run.targets.len() {
                let sd = &series.doses[run.targets[*t].series_dose];
                match can_skip(
                    ctx,
                    a,
                    run,
                    sd,
                    SkipContext::Forecast,
                    reference,
                    None,
                    done,
                ) {
                    Some(sets) => {
                        step!(
                            ctx,
                            f.trace,
                            TraceCode::TargetDoseSkipped {
                                target_dose: *t as u32 + 1,
                                when: SkipWhen::Forecast,
                                at: reference,
                                sets,
                            }
                        );
                        run.targets[*t].status = TargetStatus::Skipped;
                        *t += 1;
                    }
                    None => break,
                }
            }
        };
    skip_at(run, &mut t, at, &mut f);

    if let Some(why) = immune(ctx, a) {
        f.status = SeriesStatus::Immune;
        f.reason = Some(ForecastReason::EvidenceOfImmunity);
        step!(ctx, f.trace, why);
        run.forecast = f;
        return;
    }
    let satisfied = run
        .targets
        .iter()
        .any(|x| x.status == TargetStatus::Satisfied);
    if t >= run.targets.len() {
        if satisfied {
            f.status = SeriesStatus::Complete;
            f.reason = Some(ForecastReason::SeriesComplete);
        } else {
            f.status = SeriesStatus::NotRecommended;
            f.reason = Some(ForecastReason::NotRecommendedDueToHistory);
        }
        step!(
            ctx,
            f.trace,
            TraceCode::NoTargetDoseLeft { status: f.status }
        );
        run.forecast = f;
        set_completed_on(ctx, a, run);
        return;
    }
    if let Some(why) = contraindicated(ctx, a, run, Some(t)) {
        f.status = SeriesStatus::Contraindicated;
        f.reason = Some(ForecastReason::Contraindication);
        step!(ctx, f.trace, why);
        run.forecast = f;
        return;
    }
    loop {
        let sd = &series.doses[run.targets[t].series_dose];
        let age = age_req(sd, at).cloned().unwrap_or_default();
        let max_age = age.max.map(|o| ctx.dob().plus(o));
        if let Some(season) = &sd.seasonal {
            if season.end.is_some_and(|e| at > e) {
                f.status = SeriesStatus::NotRecommended;
                f.reason = Some(ForecastReason::PastSeasonalEndDate);
                step!(ctx, f.trace, TraceCode::PastSeasonalEndDate);
                break;
            }
        }
        if max_age.is_some_and(|m| at >= m) {
            f.status = SeriesStatus::AgedOut;
            f.reason = Some(ForecastReason::ExceededMaximumAge);
            step!(
                ctx,
                f.trace,
                TraceCode::MaximumAgeReached {
                    maximum_age_date: max_age.unwrap_or(Date::MAX),
                }
            );
            break;
        }
        // FORECASTDTCAN-1 candidate earliest date.
        let mut trace = Vec::new();
        let mut earliest = Date::MIN;
        // `what` is a closure so the description is only formatted when tracing.
        // `code` builds the step only when tracing.
        let mut bump = |d: Date, code: &dyn Fn() -> TraceCode, trace: &mut Vec<TraceStep>| {
            if ctx.trace {
                trace.push(TraceStep::new(code()));
            }
            if d > earliest {
                earliest = d;
            }
        };
        if let Some(min) = age.min {
            let date = ctx.dob().plus(min);
            bump(
                date,
                &|| TraceCode::EarliestFromMinimumAge { date },
                &mut trace,
            );
        }
        let mut earliest_rec_int: Option<Date> = None;
        let mut latest_rec_int: Option<Date> = None;
        let mut any_interval = false;
        let mut all_priority = true;
        for iv in sd
            .intervals
            .iter()
            .filter(|i| in_effect(at, i.effective, i.cessation))
        {
            any_interval = true;
            all_priority &= iv.priority;
            let Some(reference) = interval_reference(
                ctx,
                run,
                doses,
                doses.len(),
                iv.from_previous,
                iv.from_target_dose,
                &iv.from_most_recent,
                iv.from_relevant_obs.as_deref(),
            ) else {
                continue;
            };
            if let Some(min) = iv.min {
                let date = reference.plus(min);
                bump(
                    date,
                    &|| TraceCode::EarliestFromMinimumInterval {
                        date,
                        interval: min,
                        reference_date: reference,
                    },
                    &mut trace,
                );
            }
            if let Some(r) = iv.earliest_rec {
                let d = reference.plus(r);
                earliest_rec_int = Some(earliest_rec_int.map_or(d, |x| x.max(d)));
            }
            if let Some(r) = iv.latest_rec {
                let d = reference.plus(r);
                latest_rec_int = Some(latest_rec_int.map_or(d, |x| x.max(d)));
            }
        }
        f.priority = any_interval && all_priority;
        // CALCDTCONFLICT-3 forecast conflict end dates.
        for p in &sd.preferable_vaccines {
            for c in ctx.engine.conflicts_for(p.vaccine.cvx) {
                for prev in ctx
                    .patient
                    .doses
                    .iter()
                    .filter(|d| d.cvx == c.previous && d.date <= at)
                {
                    let date = prev.date.plus(c.end);
                    bump(
                        date,
                        &|| TraceCode::EarliestFromConflict {
                            date,
                            conflicting_cvx: prev.cvx,
                            conflicting_date: prev.date,
                        },
                        &mut trace,
                    );
                }
            }
        }
        if let Some(start) = sd.seasonal.as_ref().and_then(|s| s.start) {
            bump(
                start,
                &|| TraceCode::EarliestFromSeasonStart { date: start },
                &mut trace,
            );
        }
        // Latest inadvertent dose and the most recent dose evaluated in this series.
        if let Some(last) = (0..doses.len()).rev().find(|&k| run.evals[k].is_some()) {
            let date = doses[last].date;
            bump(
                date,
                &|| TraceCode::EarliestFromMostRecentDose { date },
                &mut trace,
            );
        }
        if earliest == Date::MIN {
            earliest = ctx.dob();
        }
        if max_age.is_some_and(|m| earliest >= m) {
            f.status = SeriesStatus::AgedOut;
            f.reason = Some(ForecastReason::CannotFinishBeforeMaximumAge);
            step!(
                ctx,
                f.trace,
                TraceCode::CannotFinishBeforeMaximumAge { earliest }
            );
            break;
        }
        // §7.6 validate the recommendation at the earliest date.
        let sd_skip = can_skip(ctx, a, run, sd, SkipContext::Forecast, earliest, None, done);
        if let Some(sets) = sd_skip {
            step!(
                ctx,
                f.trace,
                TraceCode::TargetDoseSkipped {
                    target_dose: t as u32 + 1,
                    when: SkipWhen::Validation,
                    at: earliest,
                    sets,
                }
            );
            run.targets[t].status = TargetStatus::Skipped;
            t += 1;
            if t >= run.targets.len() {
                // Table 7-10, as when no target dose is left at the assessment date.
                (f.status, f.reason) = if run
                    .targets
                    .iter()
                    .any(|x| x.status == TargetStatus::Satisfied)
                {
                    (SeriesStatus::Complete, Some(ForecastReason::SeriesComplete))
                } else {
                    (
                        SeriesStatus::NotRecommended,
                        Some(ForecastReason::NotRecommendedDueToHistory),
                    )
                };
                break;
            }
            continue;
        }
        f.trace.extend(trace);
        f.status = SeriesStatus::NotComplete;
        f.target = Some(t);
        f.earliest = Some(earliest);
        // FORECASTDT-2 … 6.
        let unadj_rec = age
            .earliest_rec
            .map(|o| ctx.dob().plus(o))
            .or(earliest_rec_int)
            .unwrap_or(earliest);
        let unadj_pd = age
            .latest_rec
            .map(|o| ctx.dob().plus(o))
            .or(latest_rec_int)
            .map(|d| d.add_days(-1));
        f.unadjusted_recommended = Some(unadj_rec);
        f.unadjusted_past_due = unadj_pd;
        f.recommended = Some(unadj_rec.max(earliest));
        f.past_due = unadj_pd.map(|d| d.max(earliest));
        f.latest = max_age.map(|d| d.add_days(-1));
        step!(
            ctx,
            f.trace,
            TraceCode::ForecastDates {
                target_dose: t as u32 + 1,
                series: series.name.clone(),
                earliest,
                recommended: unadj_rec.max(earliest),
                past_due: f.past_due,
            }
        );
        // FORECASTDN-1.
        let count = run
            .targets
            .iter()
            .filter(|x| x.status == TargetStatus::Satisfied)
            .filter(|x| {
                let s = &series.doses[x.series_dose];
                match s.seasonal.as_ref().and_then(|s| s.start) {
                    None => true,
                    Some(start) => x.satisfied_by.is_some_and(|k| doses[k].date >= start),
                }
            })
            .count();
        f.dose_number = Some(count as u32 + 1);
        // Only the best series, re-run with tracing on, reach the output: the vaccines and the
        // following dose are worked out for them alone (series selection uses neither).
        if ctx.trace {
            // FORECASTRECVAC-1: the preferable vaccines that may be given (no vaccine
            // contraindication involving the vaccine type, in its age range at the earliest or the
            // recommended date); those CDC flags as forecast vaccine types are the recommended ones.
            // A dose that can be given on the assessment date may also be given with a vaccine in
            // its age range on that date (a catch-up visit after both dates).
            let antigen = ctx.antigens[a];
            let rec_date = unadj_rec.max(earliest);
            let in_range_spec = |p: &crate::data::PreferableVaccine| {
                in_age_range(ctx.dob(), earliest, p.vaccine.begin_age, p.vaccine.end_age)
                    || in_age_range(ctx.dob(), rec_date, p.vaccine.begin_age, p.vaccine.end_age)
            };
            f.vaccine_choices = sd
                .preferable_vaccines
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    !antigen.vaccine_contraindications.iter().any(|c| {
                        ctx.has_observation(&c.code)
                            && c.vaccines.iter().any(|v| {
                                v.cvx == p.vaccine.cvx
                                    && in_age_range(ctx.dob(), at, v.begin_age, v.end_age)
                            })
                    })
                })
                .filter(|(_, p)| {
                    in_range_spec(p)
                        || (at >= earliest
                            && in_age_range(ctx.dob(), at, p.vaccine.begin_age, p.vaccine.end_age))
                })
                .map(|(i, _)| i)
                .collect();
            // The same vaccine type listed twice (e.g. for two manufacturers) is one choice.
            let mut seen: Vec<crate::data::Cvx> = Vec::with_capacity(f.vaccine_choices.len());
            f.vaccine_choices.retain(|&i| {
                let cvx = sd.preferable_vaccines[i].vaccine.cvx;
                let new = !seen.contains(&cvx);
                seen.push(cvx);
                new
            });
            f.recommended_vaccines = f
                .vaccine_choices
                .iter()
                .map(|&i| &sd.preferable_vaccines[i])
                .filter(|p| p.forecast && in_range_spec(p))
                .map(|p| p.vaccine.cvx)
                .collect();
        }
        // SELECTB-12 forecast finish date.
        let mut finish = earliest;
        for x in &run.targets[t + 1..] {
            let s = &series.doses[x.series_dose];
            let min_int = s
                .intervals
                .iter()
                .filter(|i| in_effect(at, i.effective, i.cessation))
                .filter_map(|i| i.min)
                .map(|o| finish.plus(o))
                .max();
            if let Some(m) = min_int {
                finish = m;
            }
        }
        f.finish = Some(finish);
        if ctx.trace {
            f.following = (t + 1..run.targets.len())
                .map_while(|k| {
                    // A following target dose the forecast context would skip then is passed over
                    // (e.g. a catch-up dose not needed once a conjugate vaccine was given).
                    let next = following(ctx, a, run, t, k, earliest.max(at))?;
                    let skipped = can_skip(
                        ctx,
                        a,
                        run,
                        run.dose(&run.targets[k]),
                        SkipContext::Forecast,
                        next.earliest,
                        None,
                        done,
                    )
                    .is_some();
                    Some((!skipped).then_some(next))
                })
                .flatten()
                .next();
        }
        break;
    }
    run.forecast = f;
    set_completed_on(ctx, a, run);
}

/// Target dose `k` (after `t`) if the dose forecast for `t` is given on `given_on`: its minimum
/// age and minimum intervals (FORECASTDTCAN-1) and its earliest recommended age or intervals
/// (FORECASTDT-2), with the given dose as the immediate previous one; `None` when the patient
/// is past its maximum age by then. An estimate for planning the next visit: vaccine conflicts
/// and the given dose's own effect on skips are left to the assessment made then.
fn following(
    ctx: &Context<'_, '_>,
    a: usize,
    run: &SeriesRun<'_>,
    t: usize,
    k: usize,
    given_on: Date,
) -> Option<crate::series::Following> {
    let next = run.targets.get(k)?;
    let sd = run.dose(next);
    let doses = &ctx.antigen_doses[a];
    let at = ctx.assessment;
    let age = age_req(sd, at);
    let mut earliest = given_on;
    if let Some(min) = age.and_then(|a| a.min) {
        earliest = earliest.max(ctx.dob().plus(min));
    }
    let mut rec_interval: Option<Date> = None;
    for iv in sd
        .intervals
        .iter()
        .filter(|i| in_effect(at, i.effective, i.cessation))
    {
        let reference = if iv.from_previous {
            Some(given_on)
        } else if let Some(n) = iv.from_target_dose {
            if n as usize == t + 1 {
                Some(given_on)
            } else {
                interval_reference(ctx, run, doses, doses.len(), false, Some(n), &[], None)
            }
        } else {
            interval_reference(
                ctx,
                run,
                doses,
                doses.len(),
                false,
                None,
                &iv.from_most_recent,
                iv.from_relevant_obs.as_deref(),
            )
        };
        let Some(reference) = reference else {
            continue;
        };
        if let Some(min) = iv.min {
            earliest = earliest.max(reference.plus(min));
        }
        if let Some(r) = iv.earliest_rec {
            let d = reference.plus(r);
            rec_interval = Some(rec_interval.map_or(d, |x| x.max(d)));
        }
    }
    let recommended = age
        .and_then(|a| a.earliest_rec)
        .map(|o| ctx.dob().plus(o))
        .or(rec_interval)
        .unwrap_or(earliest)
        .max(earliest);
    // Not a dose the patient can have: past the next dose's maximum age by then.
    if age
        .and_then(|a| a.max)
        .is_some_and(|m| earliest >= ctx.dob().plus(m))
    {
        return None;
    }
    Some(crate::series::Following {
        given_on,
        earliest,
        recommended,
    })
}

fn set_completed_on(ctx: &Context<'_, '_>, a: usize, run: &mut SeriesRun<'_>) {
    if run.forecast.status == SeriesStatus::Complete {
        let doses = &ctx.antigen_doses[a];
        run.forecast.completed_on = run
            .targets
            .iter()
            .filter_map(|t| t.satisfied_by)
            .map(|k| doses[k].date)
            .max();
    }
}
