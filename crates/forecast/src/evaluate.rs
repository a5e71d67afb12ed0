//! §4.4 and §6: evaluate every antigen administered record against every relevant patient
//! series of its antigen, then forecast each series (§7, in `forecast`).

use crate::data::{AntigenSeries, ConditionKind, SkipContext};
use crate::date::Date;
use crate::forecast;
use crate::organize::{in_age_range, in_effect, AntigenDose, Context};
use crate::output::EvaluationStatus;
use crate::series::{
    age_req, can_skip, interval_reference, DoseEval, SeriesForecast, SeriesRun, Target,
    TargetStatus,
};
use crate::trace::{SkipWhen, TraceCode, TraceStep};

/// Evaluates and forecasts all relevant series of antigen `a`.
pub(crate) fn evaluate_antigen<'d>(ctx: &Context<'d, '_>, a: usize) -> Vec<SeriesRun<'d>> {
    let antigen = ctx.antigens[a];
    let relevant: Vec<usize> = antigen
        .series
        .iter()
        .enumerate()
        .filter(|(_, s)| ctx.is_relevant(s))
        .map(|(i, _)| i)
        .collect();
    // Series whose skips depend on another series being complete (Table 6-7) run after the
    // others so that the statuses they look at exist.
    let depends = |s: &AntigenSeries| {
        s.doses.iter().any(|d| {
            d.conditional_skips.iter().any(|c| {
                c.sets.iter().any(|set| {
                    set.conditions
                        .iter()
                        .any(|c| c.kind == ConditionKind::CompletedSeries)
                })
            })
        })
    };
    let mut order: Vec<usize> = relevant
        .iter()
        .copied()
        .filter(|&i| !depends(&antigen.series[i]))
        .collect();
    order.extend(
        relevant
            .iter()
            .copied()
            .filter(|&i| depends(&antigen.series[i])),
    );
    let mut runs: Vec<SeriesRun<'d>> = Vec::with_capacity(order.len());
    for (pos, i) in order.into_iter().enumerate() {
        let mut run = run_series(ctx, a, i, &runs);
        run.order = pos;
        runs.push(run);
    }
    runs.sort_by_key(|r| r.series_index);
    runs
}

/// Re-runs the chosen series with tracing on (same inputs, so the same results) so that only
/// the series shown to the user pay for building explanation strings.
pub(crate) fn retrace<'d>(
    ctx: &Context<'d, '_>,
    a: usize,
    runs: &mut [SeriesRun<'d>],
    chosen: &[usize],
) {
    for &c in chosen {
        let order = runs[c].order;
        let mut done: Vec<SeriesRun<'d>> = Vec::new();
        for r in runs.iter().filter(|r| r.order < order) {
            done.push(SeriesRun {
                series_index: r.series_index,
                series: r.series,
                targets: Vec::new(),
                evals: Vec::new(),
                forecast: SeriesForecast {
                    status: r.forecast.status,
                    completed_on: r.forecast.completed_on,
                    ..SeriesForecast::default()
                },
                trace: Vec::new(),
                order: r.order,
            });
        }
        let mut run = run_series(ctx, a, runs[c].series_index, &done);
        run.order = order;
        runs[c] = run;
    }
}

fn run_series<'d>(
    ctx: &Context<'d, '_>,
    a: usize,
    series_index: usize,
    done: &[SeriesRun<'d>],
) -> SeriesRun<'d> {
    let series = &ctx.antigens[a].series[series_index];
    let doses = &ctx.antigen_doses[a];
    let mut run = SeriesRun {
        series_index,
        series,
        targets: (0..series.doses.len())
            .map(|i| Target {
                series_dose: i,
                status: TargetStatus::NotSatisfied,
                satisfied_by: None,
            })
            .collect(),
        evals: vec![None; doses.len()],
        forecast: SeriesForecast::default(),
        trace: Vec::new(),
        order: 0,
    };
    let mut t = 0usize;
    for j in 0..doses.len() {
        // §6.2: skip target doses whose conditions are met at the date administered.
        while t < run.targets.len() {
            let sd = &series.doses[run.targets[t].series_dose];
            match can_skip(
                ctx,
                a,
                &run,
                sd,
                SkipContext::Evaluation,
                doses[j].date,
                Some(j),
                done,
            ) {
                Some(sets) => {
                    if ctx.trace {
                        run.trace.push(TraceStep::new(TraceCode::TargetDoseSkipped {
                            target_dose: t as u32 + 1,
                            when: SkipWhen::Evaluation,
                            at: doses[j].date,
                            sets,
                        }));
                    }
                    run.targets[t].status = TargetStatus::Skipped;
                    t += 1;
                }
                None => break,
            }
        }
        if t >= run.targets.len() {
            run.evals[j] = Some(DoseEval {
                status: EvaluationStatus::Extraneous,
                reasons: vec!["Series Already Complete"],
                target: None,
                inadvertent: false,
                trace: if ctx.trace {
                    vec![TraceStep::new(TraceCode::SeriesAlreadyComplete {
                        series: series.name.clone(),
                    })]
                } else {
                    Vec::new()
                },
            });
            continue;
        }
        let eval = evaluate_dose(ctx, &run, doses, j, t);
        let valid = eval.status == EvaluationStatus::Valid;
        run.evals[j] = Some(eval);
        if valid {
            run.targets[t].status = TargetStatus::Satisfied;
            run.targets[t].satisfied_by = Some(j);
            if series.doses[run.targets[t].series_dose].recurring {
                // §4.4 step 5a: a recurring dose is followed by an identical target dose.
                let copy = Target {
                    series_dose: run.targets[t].series_dose,
                    status: TargetStatus::NotSatisfied,
                    satisfied_by: None,
                };
                run.targets.insert(t + 1, copy);
            }
            t += 1;
        }
    }
    forecast::forecast_series(ctx, a, &mut run, t, done);
    run
}

fn evaluate_dose(
    ctx: &Context<'_, '_>,
    run: &SeriesRun<'_>,
    doses: &[AntigenDose<'_>],
    j: usize,
    t: usize,
) -> DoseEval {
    let dose = &doses[j];
    let date = dose.date;
    let sd = run.dose(&run.targets[t]);
    let mut trace = Vec::new();
    let target = Some(t as u32 + 1);
    if ctx.trace {
        trace.push(TraceStep::new(TraceCode::DoseEvaluated {
            cvx: dose.cvx,
            date,
            target_dose: t as u32 + 1,
            series: run.series.name.clone(),
        }));
    }
    // §6.3 inadvertent vaccine.
    if sd.inadvertent_vaccines.contains(&dose.cvx) {
        if ctx.trace {
            trace.push(TraceStep::new(TraceCode::InadvertentVaccine {
                cvx: dose.cvx,
            }));
        }
        return DoseEval {
            status: EvaluationStatus::NotValid,
            reasons: vec!["Inadvertent Vaccine"],
            target,
            inadvertent: true,
            trace,
        };
    }
    let mut age_reason: Option<&'static str> = None;
    // §6.4 age.
    if let Some(age) = age_req(sd, date) {
        let abs_min = ctx.age_date(age.abs_min, Date::MIN);
        let min = ctx.age_date(age.min, Date::MIN);
        let max = ctx.age_date(age.max, Date::MAX);
        if date < abs_min {
            if ctx.trace {
                trace.push(TraceStep::new(TraceCode::AgeTooYoung {
                    absolute_minimum_age_date: abs_min,
                }));
            }
            age_reason = Some("Age: Too Young");
        } else if date >= max {
            if ctx.trace {
                trace.push(TraceStep::new(TraceCode::AgeTooOld {
                    maximum_age_date: max,
                }));
            }
            return DoseEval {
                status: EvaluationStatus::Extraneous,
                reasons: vec!["Age: Too Old"],
                target,
                inadvertent: false,
                trace,
            };
        } else if date < min {
            if ctx.trace {
                trace.push(TraceStep::new(TraceCode::AgeGracePeriod {
                    minimum_age_date: min,
                }));
            }
        } else {
            if ctx.trace {
                trace.push(TraceStep::new(TraceCode::AgeValid {
                    minimum_age_date: min,
                }));
            }
        }
    }
    // §6.5 preferable intervals: all relevant ones must be met.
    let mut preferable_ok = true;
    let mut interval_reason = None;
    for iv in sd
        .intervals
        .iter()
        .filter(|i| in_effect(date, i.effective, i.cessation))
    {
        let Some(reference) = interval_reference(
            ctx,
            run,
            doses,
            j,
            iv.from_previous,
            iv.from_target_dose,
            &iv.from_most_recent,
            iv.from_relevant_obs.as_deref(),
        ) else {
            continue;
        };
        let abs_min = iv.abs_min.map_or(Date::MIN, |o| reference.plus(o));
        if date < abs_min {
            preferable_ok = false;
            if ctx.trace {
                trace.push(TraceStep::new(TraceCode::PreferableIntervalTooSoon {
                    reference_date: reference,
                    absolute_minimum_interval_date: abs_min,
                }));
            }
        } else {
            if ctx.trace {
                trace.push(TraceStep::new(TraceCode::PreferableIntervalMet {
                    reference_date: reference,
                    absolute_minimum_interval_date: abs_min,
                }));
            }
        }
    }
    if !preferable_ok {
        // §6.6 allowable intervals; without any, the interval stays not valid.
        let relevant: Vec<_> = sd
            .allowable_intervals
            .iter()
            .filter(|i| in_effect(date, i.effective, i.cessation))
            .collect();
        let mut allowable_ok = !relevant.is_empty();
        for iv in relevant {
            let reference = interval_reference(
                ctx,
                run,
                doses,
                j,
                iv.from_previous,
                iv.from_target_dose,
                &[],
                None,
            );
            if let Some(reference) = reference {
                let abs_min = iv.abs_min.map_or(Date::MIN, |o| reference.plus(o));
                if date < abs_min {
                    allowable_ok = false;
                } else {
                    if ctx.trace {
                        trace.push(TraceStep::new(TraceCode::AllowableIntervalMet {
                            reference_date: reference,
                            absolute_minimum_interval_date: abs_min,
                        }));
                    }
                }
            }
        }
        if !allowable_ok {
            interval_reason = Some("Interval: Too Soon");
        }
    }
    // §6.7 vaccine conflicts.
    let mut conflict_reason = None;
    if let Some(code) = conflict(ctx, run, doses, j) {
        if ctx.trace {
            trace.push(TraceStep::new(code));
        }
        conflict_reason = Some("Live Virus Conflict");
    }
    // Every failed check is a reason (Table 6-31 "with evaluation reasons").
    let mut reasons: Vec<&'static str> = [age_reason, interval_reason, conflict_reason]
        .into_iter()
        .flatten()
        .collect();
    // §6.8 / §6.9 preferable or allowable vaccine.
    {
        let preferable = sd.preferable_vaccines.iter().any(|p| {
            p.vaccine.cvx == dose.cvx
                && in_age_range(ctx.dob(), date, p.vaccine.begin_age, p.vaccine.end_age)
                && p.mvx
                    .as_deref()
                    .is_none_or(|m| dose.mvx.is_none_or(|dm| dm.eq_ignore_ascii_case(m)))
        });
        let allowable = !preferable
            && sd.allowable_vaccines.iter().any(|v| {
                v.cvx == dose.cvx && in_age_range(ctx.dob(), date, v.begin_age, v.end_age)
            });
        if preferable {
            if ctx.trace {
                trace.push(TraceStep::new(TraceCode::PreferableVaccine {
                    cvx: dose.cvx,
                }));
            }
        } else if allowable {
            if ctx.trace {
                trace.push(TraceStep::new(TraceCode::AllowableVaccine {
                    cvx: dose.cvx,
                }));
            }
        } else {
            if ctx.trace {
                trace.push(TraceStep::new(TraceCode::NotPreferableOrAllowable {
                    cvx: dose.cvx,
                }));
            }
            reasons.push("Not a preferable or allowable vaccine");
        }
    }
    let status = if !reasons.is_empty() {
        EvaluationStatus::NotValid
    } else {
        EvaluationStatus::Valid
    };
    DoseEval {
        status,
        reasons,
        target,
        inadvertent: false,
        trace,
    }
}

/// §6.7: is dose `j` impacted by an earlier conflicting dose (any antigen)?
fn conflict(
    ctx: &Context<'_, '_>,
    run: &SeriesRun<'_>,
    doses: &[AntigenDose<'_>],
    j: usize,
) -> Option<TraceCode> {
    let cur = &doses[j];
    for c in ctx.engine.conflicts_for(cur.cvx) {
        for (pi, prev) in ctx.patient.doses.iter().enumerate() {
            if prev.cvx != c.previous || prev.date >= cur.date || pi == cur.dose {
                continue;
            }
            // CALCDTCONFLICT-2: the shorter (minimum) end applies when the conflicting dose is
            // 'Valid' or has no evaluation status, the conflict end interval when it has another
            // status: its status in this patient series when it is a dose of this antigen,
            // else its status in its own antigens' best series (`Context::not_valid`).
            let not_valid = match doses[..j].iter().position(|d| d.dose == pi) {
                Some(k) => run.evals[k]
                    .as_ref()
                    .is_some_and(|e| e.status != EvaluationStatus::Valid),
                None => ctx.not_valid[pi],
            };
            let begin = prev.date.plus(c.begin);
            let end = prev.date.plus(if not_valid { c.end } else { c.min_end });
            if cur.date >= begin && cur.date < end {
                return Some(TraceCode::LiveVirusConflict {
                    cvx: cur.cvx,
                    conflicting_cvx: prev.cvx,
                    conflicting_date: prev.date,
                    conflict_begin: begin,
                    conflict_end: end,
                });
            }
        }
    }
    None
}

/// Per patient dose: whether its evaluation in the best patient series of its antigens is known
/// and not 'Valid' (a combination dose is 'Valid' only when it is valid for each antigen).
pub(crate) fn dose_not_valid(
    ctx: &Context<'_, '_>,
    outcomes: &[crate::select::AntigenOutcome<'_>],
) -> Vec<bool> {
    let mut not_valid = vec![false; ctx.patient.doses.len()];
    for o in outcomes {
        let Some(&b) = o.best.first() else {
            continue;
        };
        let run = &o.runs[b];
        for (k, d) in ctx.antigen_doses[o.antigen].iter().enumerate() {
            if run.evals[k]
                .as_ref()
                .is_some_and(|e| e.status != EvaluationStatus::Valid)
            {
                not_valid[d.dose] = true;
            }
        }
    }
    not_valid
}

/// Antigens with a dose whose conflict with a dose of another antigen changes with the statuses
/// in `not_valid` (the dose lies between the minimum conflict end date and the conflict end date
/// of a conflicting dose whose status differs from the one the last pass used).
pub(crate) fn antigens_to_reevaluate(ctx: &Context<'_, '_>, not_valid: &[bool]) -> Vec<usize> {
    if not_valid == ctx.not_valid.as_slice() {
        return Vec::new();
    }
    let doses = &ctx.patient.doses;
    let mut impacted = vec![false; doses.len()];
    for (ci, cur) in doses.iter().enumerate() {
        if cur.date > ctx.assessment {
            continue;
        }
        impacted[ci] = ctx.engine.conflicts_for(cur.cvx).any(|c| {
            doses.iter().enumerate().any(|(pi, prev)| {
                pi != ci
                    && prev.cvx == c.previous
                    && prev.date < cur.date
                    && not_valid[pi] != ctx.not_valid[pi]
                    && cur.date >= prev.date.plus(c.begin)
                    && cur.date >= prev.date.plus(c.min_end)
                    && cur.date < prev.date.plus(c.end)
            })
        });
    }
    (0..ctx.antigen_doses.len())
        .filter(|&a| ctx.antigen_doses[a].iter().any(|d| impacted[d.dose]))
        .collect()
}
