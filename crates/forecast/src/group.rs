//! §9 Identify and evaluate vaccine group: merge the best patient series forecasts of a vaccine
//! group's antigens into vaccine-group forecasts, and report dose evaluations.

use crate::data::SeriesType;
use crate::date::Date;
use crate::organize::{in_age_range, Context};
use crate::output::*;
use crate::select::AntigenOutcome;
use crate::series::{SeriesRun, TargetStatus};
use crate::trace::{TraceCode, TraceStep};

/// The antigen forecast of best run `b`; its traces move into the result (each best run is in
/// exactly one vaccine-group forecast), the selection trace is shared by the antigen's best runs.
fn antigen_forecast(
    ctx: &Context<'_, '_>,
    o: &mut AntigenOutcome<'_>,
    b: usize,
) -> AntigenForecast {
    let r = &mut o.runs[b];
    let mut trace = if o.best.len() == 1 && o.startable.is_empty() {
        std::mem::take(&mut o.trace)
    } else {
        o.trace.clone()
    };
    trace.append(&mut r.trace);
    trace.append(&mut r.forecast.trace);
    let r = &o.runs[b];
    let f = &r.forecast;
    let vaccines = match f.target {
        Some(t) if f.status == SeriesStatus::NotComplete => {
            let sd = r.dose(&r.targets[t]);
            // The vaccine's antigens as of the date the dose can be given.
            let on = f.earliest.map_or(ctx.assessment, |e| e.max(ctx.assessment));
            f.vaccine_choices
                .iter()
                .map(|&i| forecast_vaccine(ctx, &sd.preferable_vaccines[i], on))
                .collect()
        }
        _ => Vec::new(),
    };
    AntigenForecast {
        antigen: ctx.antigens[o.antigen].name.clone(),
        series: r.series.name.clone(),
        series_type: r.series.series_type,
        status: f.status,
        forecast_dose_number: f.dose_number,
        earliest: f.earliest,
        recommended: f.recommended,
        past_due: f.past_due,
        latest: f.latest,
        reason: f.reason.map(|r| r.as_str().to_string()),
        reason_code: f.reason,
        valid_doses: r.valid_count() as u32,
        minimum_age_date: f
            .target
            .and_then(|t| crate::series::age_req(r.dose(&r.targets[t]), ctx.assessment))
            .and_then(|a| a.min)
            .map(|m| ctx.dob().plus(m)),
        vaccines,
        following_dose: f.following.map(|x| FollowingDose {
            dose_number: f.dose_number.map(|n| n + 1),
            if_given_on: x.given_on,
            earliest: x.earliest,
            recommended: x.recommended,
        }),
        shared_decision: ctx.engine.shared_decision[o.antigen][r.series_index],
        admin_guidance: r.series.admin_guidance.clone(),
        season_assumed: ctx.seasons[o.antigen]
            .filter(|_| r.series.doses.iter().any(|d| d.seasonal.is_some())),
        target_doses: r
            .targets
            .iter()
            .map(|t| {
                match t.status {
                    TargetStatus::Satisfied => "Satisfied",
                    TargetStatus::Skipped => "Skipped",
                    TargetStatus::NotSatisfied => "Not Satisfied",
                }
                .to_string()
            })
            .collect(),
        trace,
    }
}

/// A preferable vaccine as a [`ForecastVaccine`], with the antigens it contains on `on`.
fn forecast_vaccine(
    ctx: &Context<'_, '_>,
    p: &crate::data::PreferableVaccine,
    on: Date,
) -> ForecastVaccine {
    let mut antigens: Vec<String> = Vec::new();
    for &(a, begin, end) in ctx
        .engine
        .cvx_antigens
        .get(&p.vaccine.cvx)
        .into_iter()
        .flatten()
    {
        let name = &ctx.antigens[a].name;
        if in_age_range(ctx.dob(), on, begin, end) && !antigens.contains(name) {
            antigens.push(name.clone());
        }
    }
    ForecastVaccine {
        cvx: p.vaccine.cvx,
        vaccine_type: p.vaccine.vaccine_type.clone(),
        trade_name: p.trade_name.clone(),
        mvx: p.mvx.clone(),
        forecast_flag: p.forecast,
        antigens,
        also_covers: Vec::new(),
    }
}

/// The vaccines of a vaccine-group forecast from its open antigen forecasts: those every open
/// antigen lists (a vaccine giving each antigen due a dose), else all of them.
fn group_vaccines(open: &[&AntigenForecast]) -> Vec<ForecastVaccine> {
    let Some((first, rest)) = open.split_first() else {
        return Vec::new();
    };
    let mut out: Vec<ForecastVaccine> = first
        .vaccines
        .iter()
        .filter(|v| {
            rest.iter()
                .all(|f| f.vaccines.iter().any(|w| w.cvx == v.cvx))
        })
        .map(|v| ForecastVaccine {
            forecast_flag: v.forecast_flag
                || rest
                    .iter()
                    .flat_map(|f| &f.vaccines)
                    .any(|w| w.cvx == v.cvx && w.forecast_flag),
            ..v.clone()
        })
        .collect();
    if out.is_empty() {
        for v in open.iter().flat_map(|f| &f.vaccines) {
            match out.iter_mut().find(|w| w.cvx == v.cvx) {
                Some(w) => w.forecast_flag |= v.forecast_flag,
                None => out.push(v.clone()),
            }
        }
    }
    out
}

/// Fills [`ForecastVaccine::also_covers`]: a vaccine of an open forecast also covers another
/// vaccine group when it contains one of that group's antigens, that group has an open forecast
/// listing the same vaccine, and that forecast's earliest date is on or before the date this
/// dose can be given.
fn fill_also_covers(ctx: &Context<'_, '_>, groups: &mut [GroupForecast]) {
    let engine = ctx.engine;
    let mut found: Vec<(usize, usize, Vec<String>)> = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        if g.status != SeriesStatus::NotComplete {
            continue;
        }
        let on = g.earliest.map_or(ctx.assessment, |e| e.max(ctx.assessment));
        for (vi, v) in g.vaccines.iter().enumerate() {
            let mut covers: Vec<String> = Vec::new();
            for &(a, _, _) in engine.cvx_antigens.get(&v.cvx).into_iter().flatten() {
                let other = &engine.groups[engine.antigen_group[a]].name;
                if *other == g.vaccine_group || covers.contains(other) {
                    continue;
                }
                let due = groups.iter().any(|h| {
                    h.vaccine_group == *other
                        && h.status == SeriesStatus::NotComplete
                        && h.earliest.is_some_and(|e| e <= on)
                        && h.vaccines.iter().any(|w| w.cvx == v.cvx)
                });
                if due {
                    covers.push(other.clone());
                }
            }
            if !covers.is_empty() {
                found.push((gi, vi, covers));
            }
        }
    }
    for (gi, vi, covers) in found {
        let g = &mut groups[gi];
        let cvx = g.vaccines[vi].cvx;
        for a in &mut g.antigens {
            for v in a.vaccines.iter_mut().filter(|v| v.cvx == cvx) {
                v.also_covers.clone_from(&covers);
            }
        }
        g.vaccines[vi].also_covers = covers;
    }
}

/// Shared clinical decision-making as the supporting data says it: in the series name (the
/// whole series) or in its administrative guidance (part of it).
pub(crate) fn shared_decision(series: &crate::data::AntigenSeries) -> SharedDecision {
    let says = |t: &str| {
        let t = t.to_ascii_lowercase();
        t.contains("shared clinical decision") || t.contains("(scdm)")
    };
    if says(&series.name) {
        SharedDecision::Series
    } else if series.admin_guidance.as_deref().is_some_and(says) {
        SharedDecision::Guidance
    } else {
        SharedDecision::No
    }
}

/// (antigen index, index of a best run) pairs blended into one vaccine-group forecast.
type Members = Vec<(usize, usize)>;
/// Series type and series group a vaccine-group forecast is made for.
type GroupKey<'a> = (SeriesType, &'a str);

/// Standard and evaluation-only series blend together; risk series blend separately (§4.6).
fn blend_type(t: SeriesType) -> SeriesType {
    match t {
        SeriesType::Risk => SeriesType::Risk,
        _ => SeriesType::Standard,
    }
}

pub(crate) fn assemble(ctx: &Context<'_, '_>, mut outcomes: Vec<AntigenOutcome<'_>>) -> Assessment {
    let engine = ctx.engine;
    let mut groups = Vec::new();
    let mut primary_run: Vec<Option<usize>> = vec![None; outcomes.len()];
    let mut not_applicable = Vec::new();
    for g in &engine.groups {
        // FORECASTVG-1: one forecast per series group (standard and risk never blend, §4.6).
        let mut by_group: Vec<(GroupKey<'_>, Members)> = Vec::new();
        for &a in &g.antigens {
            let o = &outcomes[a];
            for &b in &o.best {
                let s = o.runs[b].series;
                let key = (blend_type(s.series_type), s.series_group.as_str());
                match by_group.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, v)) => v.push((a, b)),
                    None => by_group.push((key, vec![(a, b)])),
                }
            }
        }
        // Forecasts from the series the patient can start now, in place of a default series
        // past its maximum age to start (select::startable_series); an antigen of the group
        // without one keeps its best series of the same series group.
        let mut startable: Vec<(GroupKey<'_>, Members, Vec<String>)> = Vec::new();
        for &a in &g.antigens {
            for &(d, s) in &outcomes[a].startable {
                let series = outcomes[a].runs[d].series;
                let key = (blend_type(series.series_type), series.series_group.as_str());
                match startable.iter_mut().find(|(k, _, _)| *k == key) {
                    Some((_, v, names)) => {
                        v.push((a, s));
                        names.push(series.name.clone());
                    }
                    None => startable.push((key, vec![(a, s)], vec![series.name.clone()])),
                }
            }
        }
        for (key, members, _) in &mut startable {
            for (k, best) in &by_group {
                if k != key {
                    continue;
                }
                for &(a, b) in best {
                    if !members.iter().any(|&(m, _)| m == a)
                        && !outcomes[a].startable.iter().any(|&(d, _)| d == b)
                    {
                        members.push((a, b));
                    }
                }
            }
            members.sort_by_key(|&(a, _)| g.antigens.iter().position(|&x| x == a));
        }
        let mut forecasts: Vec<(u8, GroupForecast, Members)> = by_group
            .into_iter()
            .map(|((ty, _), members)| {
                // Series groups the patient has not reached the start age of (e.g. the 50+
                // pneumococcal series for a child) are listed after the others.
                let started = members.iter().all(|&(a, b)| {
                    let run = &outcomes[a].runs[b];
                    run.valid_count() > 0
                        || run
                            .series
                            .min_age_to_start
                            .is_none_or(|m| ctx.assessment >= ctx.dob().plus(m))
                });
                let f = group_forecast(ctx, g, ty, &members, &mut outcomes);
                let status_rank = match f.status {
                    SeriesStatus::Contraindicated => 0,
                    SeriesStatus::NotComplete => 1,
                    SeriesStatus::Complete => 2,
                    SeriesStatus::Immune => 3,
                    SeriesStatus::NotRecommended => 4,
                    SeriesStatus::AgedOut => 5,
                };
                let rank = (!started as u8) * 16 + status_rank * 2 + (ty != SeriesType::Risk) as u8;
                (rank, f, members)
            })
            .collect();
        for ((ty, _), members, instead_of) in startable {
            let mut f = group_forecast(ctx, g, ty, &members, &mut outcomes);
            f.basis = ForecastBasis::StartableNow { instead_of };
            // After every best-series forecast: never the group's primary forecast.
            forecasts.push((u8::MAX, f, members));
        }
        // The primary forecast comes first; its series are the ones doses are reported from.
        forecasts.sort_by_key(|(rank, f, _)| (*rank, f.earliest));
        if let Some((_, _, members)) = forecasts.first() {
            for &(a, b) in members {
                primary_run[a] = Some(b);
            }
        }
        if forecasts.is_empty() {
            not_applicable.push(NotApplicable {
                vaccine_group: g.name.clone(),
                reason: not_applicable_reason(ctx, g),
            });
        }
        let forecasts = forecasts.into_iter().map(|(_, f, _)| f);
        groups.extend(forecasts);
    }
    fill_also_covers(ctx, &mut groups);
    let mut doses: Vec<DoseEvaluation> = ctx
        .patient
        .doses
        .iter()
        .enumerate()
        .map(|(i, d)| DoseEvaluation {
            index: i,
            cvx: d.cvx,
            date: d.date,
            antigens: Vec::new(),
            other_series: Vec::new(),
        })
        .collect();
    for o in &mut outcomes {
        let list = &ctx.antigen_doses[o.antigen];
        // Report each dose from the series behind the group's primary forecast, else from the
        // antigen's first best series, else from any relevant one; the antigen's other best
        // series are reported beside it.
        let primary = primary_run[o.antigen]
            .or_else(|| o.best.first().copied())
            .or(if o.runs.is_empty() { None } else { Some(0) });
        let Some(primary) = primary else {
            continue;
        };
        let antigen = ctx.antigens[o.antigen];
        let group = &engine.groups[engine.antigen_group[o.antigen]].name;
        let others = o.best.iter().copied().filter(|&b| b != primary);
        for b in std::iter::once(primary).chain(others) {
            let run = &mut o.runs[b];
            for (k, d) in list.iter().enumerate() {
                let Some(e) = &mut run.evals[k] else {
                    continue;
                };
                let eval = AntigenDoseEvaluation {
                    antigen: antigen.name.clone(),
                    vaccine_group: group.clone(),
                    series: run.series.name.clone(),
                    series_type: run.series.series_type,
                    status: e.status,
                    reason: e.reasons.first().map(|r| r.to_string()),
                    reasons: e.reasons.iter().map(|r| r.to_string()).collect(),
                    target_dose: e.target,
                    trace: std::mem::take(&mut e.trace),
                };
                let out = &mut doses[d.dose];
                if b == primary {
                    out.antigens.push(eval);
                } else {
                    out.other_series.push(eval);
                }
            }
        }
    }
    Assessment {
        assessment_date: ctx.assessment,
        doses,
        groups,
        data_release: engine.data.version.release.clone(),
        vaccine_groups: engine.groups.iter().map(|g| g.name.clone()).collect(),
        not_applicable,
    }
}

/// Why a vaccine group has no relevant patient series (Table 5-5): no series for the client's
/// gender, else (standard series being always relevant) only risk series, whose indications the
/// client either lacks or has outside their ages (Table 5-4).
fn not_applicable_reason(ctx: &Context<'_, '_>, g: &crate::GroupInfo) -> NotApplicableReason {
    let series: Vec<&crate::data::AntigenSeries> = g
        .antigens
        .iter()
        .flat_map(|&a| ctx.antigens[a].series.iter())
        .collect();
    if series.is_empty() {
        return NotApplicableReason::NoSeries;
    }
    let gender = ctx.patient.gender;
    let for_gender: Vec<_> = series
        .into_iter()
        .filter(|s| s.required_gender.is_empty() || s.required_gender.contains(&gender))
        .collect();
    if for_gender.is_empty() {
        return NotApplicableReason::Gender;
    }
    let has_indication = for_gender
        .iter()
        .flat_map(|s| &s.indications)
        .any(|i| ctx.has_observation(&i.code));
    if has_indication {
        NotApplicableReason::IndicationNotAtThisAge
    } else {
        NotApplicableReason::NoIndication
    }
}

fn group_forecast(
    ctx: &Context<'_, '_>,
    g: &crate::GroupInfo,
    ty: SeriesType,
    members: &[(usize, usize)],
    outcomes: &mut [AntigenOutcome<'_>],
) -> GroupForecast {
    let antigens: Vec<AntigenForecast> = members
        .iter()
        .map(|&(a, b)| antigen_forecast(ctx, &mut outcomes[a], b))
        .collect();
    let runs: Vec<&SeriesRun<'_>> = members.iter().map(|&(a, b)| &outcomes[a].runs[b]).collect();
    let mut trace = Vec::new();
    let statuses: Vec<SeriesStatus> = antigens.iter().map(|f| f.status).collect();
    let status = if antigens.len() == 1 {
        statuses[0]
    } else {
        // Table 9-4.
        let any = |s: SeriesStatus| statuses.contains(&s);
        if any(SeriesStatus::Contraindicated) {
            SeriesStatus::Contraindicated
        } else if any(SeriesStatus::AgedOut) {
            SeriesStatus::AgedOut
        } else if any(SeriesStatus::NotRecommended) {
            SeriesStatus::NotRecommended
        } else if any(SeriesStatus::NotComplete) {
            SeriesStatus::NotComplete
        } else if statuses.iter().all(|&s| s == SeriesStatus::Immune) {
            SeriesStatus::Immune
        } else {
            SeriesStatus::Complete
        }
    };
    let open: Vec<(&AntigenForecast, &SeriesRun<'_>)> = antigens
        .iter()
        .zip(runs.iter().copied())
        .filter(|(f, _)| f.status == SeriesStatus::NotComplete)
        .collect();
    let mut out = GroupForecast {
        vaccine_group: g.name.clone(),
        series_type: ty,
        status,
        forecast_dose_number: None,
        earliest: None,
        recommended: None,
        past_due: None,
        latest: None,
        reasons: antigens.iter().filter_map(|f| f.reason.clone()).collect(),
        reason_codes: antigens.iter().filter_map(|f| f.reason_code).collect(),
        recommended_vaccines: Vec::new(),
        vaccines: Vec::new(),
        following_dose: None,
        season_assumed: antigens.iter().find_map(|f| f.season_assumed),
        basis: ForecastBasis::BestSeries,
        antigens: Vec::new(),
        trace: Vec::new(),
    };
    if let Some(s) = out.season_assumed {
        trace.push(TraceStep::new(TraceCode::SeasonAssumed(s)));
    }
    if status == SeriesStatus::NotComplete && !open.is_empty() {
        let earliest = if antigens.len() == 1 {
            open.iter().filter_map(|(f, _)| f.earliest).min()
        } else if open.iter().any(|(_, r)| r.forecast.priority) {
            // MULTIANTVG-1 with a priority patient series forecast.
            let min = open.iter().filter_map(|(f, _)| f.earliest).min();
            let last_dose = g
                .antigens
                .iter()
                .flat_map(|&a| ctx.antigen_doses[a].iter().map(|d| d.date))
                .max();
            match (min, last_dose) {
                (Some(m), Some(l)) => Some(m.max(l)),
                (m, _) => m,
            }
        } else {
            open.iter().filter_map(|(f, _)| f.earliest).max()
        };
        let min_of = |sel: fn(&AntigenForecast) -> Option<Date>| {
            open.iter().filter_map(|(f, _)| sel(f)).min()
        };
        let rec = min_of(|f| f.recommended);
        let pd = min_of(|f| f.past_due);
        out.earliest = earliest;
        out.recommended = match (rec, earliest) {
            (Some(r), Some(e)) => Some(r.max(e)),
            (r, _) => r,
        };
        out.past_due = match (pd, earliest) {
            (Some(p), Some(e)) => Some(p.max(e)),
            (p, _) => p,
        };
        out.latest = min_of(|f| f.latest);
        let numbers = open.iter().filter_map(|(f, _)| f.forecast_dose_number);
        out.forecast_dose_number = if g.administer_full {
            numbers.min()
        } else {
            numbers.max()
        };
        // FORECASTVG-9: the vaccines the patient series forecasts recommend (CDC's forecast
        // vaccine type flag); most series dose vaccines carry no flag, so without any the
        // recommended vaccines are the group's vaccines that may be given.
        let mut flagged: Vec<_> = open
            .iter()
            .flat_map(|(_, r)| r.forecast.recommended_vaccines.iter().copied())
            .collect();
        flagged.sort_unstable();
        flagged.dedup();
        let open_forecasts: Vec<&AntigenForecast> = open.iter().map(|(f, _)| *f).collect();
        // The group's following dose: every open antigen's, like the group's own dates
        // (latest earliest date, earliest recommended date not before it).
        let following: Vec<FollowingDose> = open_forecasts
            .iter()
            .filter_map(|f| f.following_dose)
            .collect();
        out.following_dose = following.iter().map(|x| x.earliest).max().map(|earliest| {
            let recommended = following
                .iter()
                .map(|x| x.recommended)
                .min()
                .unwrap_or(earliest)
                .max(earliest);
            FollowingDose {
                dose_number: out.forecast_dose_number.map(|n| n + 1),
                if_given_on: following
                    .iter()
                    .map(|x| x.if_given_on)
                    .max()
                    .unwrap_or(earliest),
                earliest,
                recommended,
            }
        });
        out.vaccines = group_vaccines(&open_forecasts);
        out.recommended_vaccines = if flagged.is_empty() {
            out.vaccines.iter().map(|v| v.cvx).collect()
        } else {
            flagged
        };
        let (vaccine_group, dose_number) = (g.name.clone(), out.forecast_dose_number);
        let (earliest, recommended, past_due) = (out.earliest, out.recommended, out.past_due);
        trace.push(TraceStep::new(if antigens.len() == 1 {
            TraceCode::SingleAntigenGroupDates {
                vaccine_group,
                dose_number,
                earliest,
                recommended,
                past_due,
            }
        } else {
            TraceCode::MultipleAntigenGroupDates {
                vaccine_group,
                dose_number,
                earliest,
                recommended,
                past_due,
            }
        }));
    } else {
        let vaccine_group = g.name.clone();
        trace.push(TraceStep::new(if antigens.len() == 1 {
            TraceCode::SingleAntigenGroupStatus {
                vaccine_group,
                status,
            }
        } else {
            TraceCode::MultipleAntigenGroupStatus {
                vaccine_group,
                status,
            }
        }));
    }
    out.trace = trace;
    out.antigens = antigens;
    out
}
