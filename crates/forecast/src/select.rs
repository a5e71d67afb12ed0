//! §8 Select best patient series for one antigen.

use std::collections::BTreeMap;

use crate::data::SeriesType;
use crate::date::Date;
use crate::organize::Context;
use crate::output::{EvaluationStatus, SeriesStatus};
use crate::series::{age_req, SeriesRun, TargetStatus};
use crate::trace::{SeriesScore, TraceCode, TraceStep};

/// The evaluated series of an antigen and which of them are best.
pub(crate) struct AntigenOutcome<'d> {
    pub antigen: usize,
    pub runs: Vec<SeriesRun<'d>>,
    /// Indexes into `runs`, best first by series preference.
    pub best: Vec<usize>,
    /// (default run, startable run): for a series group with no valid doses whose prioritized
    /// series is its default series (Table 8-3, no scorable series) although the patient is
    /// past that series' maximum age to start, the series the patient can start now, chosen by
    /// Table 8-11 and SELECTBEST-2 among the group's other standard series (see
    /// [`startable_series`]). Not a best patient series: rows show it instead of the default.
    pub startable: Vec<(usize, usize)>,
    pub trace: Vec<TraceStep>,
}

fn is_complete(r: &SeriesRun<'_>) -> bool {
    r.forecast.status == SeriesStatus::Complete
}

fn is_in_process(r: &SeriesRun<'_>) -> bool {
    r.valid_count() > 0 && r.forecast.status == SeriesStatus::NotComplete
}

/// SELECTB-3: forecast finish date before the maximum age date of the last target dose, with
/// the age requirement in effect on the assessment date (RELEVANT-2: selecting the best patient
/// series), not the first one the data lists.
pub(crate) fn completable(ctx: &Context<'_, '_>, r: &SeriesRun<'_>) -> bool {
    let Some(finish) = r.forecast.finish else {
        return false;
    };
    let max = r
        .targets
        .last()
        .and_then(|t| age_req(r.dose(t), ctx.assessment))
        .and_then(|a| a.max);
    max.is_none_or(|m| finish < ctx.dob().plus(m))
}

/// Awards `+win` when only one series has the best value, 0 when tied, `-win` otherwise.
fn award<T: PartialOrd + Copy>(
    vals: &[Option<T>],
    better: impl Fn(T, T) -> bool,
    win: i32,
) -> Vec<i32> {
    let best = vals
        .iter()
        .flatten()
        .copied()
        .fold(None::<T>, |acc, v| match acc {
            Some(a) if !better(v, a) => Some(a),
            _ => Some(v),
        });
    let n_best = vals
        .iter()
        .filter(|v| v.is_some_and(|v| best.is_some_and(|b| !better(b, v))))
        .count();
    vals.iter()
        .map(|v| match (v, best) {
            (Some(v), Some(b)) if !better(b, *v) => {
                if n_best > 1 {
                    0
                } else {
                    win
                }
            }
            _ => -win,
        })
        .collect()
}

pub(crate) fn select_best<'d>(
    ctx: &Context<'d, '_>,
    antigen: usize,
    runs: Vec<SeriesRun<'d>>,
) -> AntigenOutcome<'d> {
    let mut trace = Vec::new();
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in runs.iter().enumerate() {
        groups
            .entry(r.series.series_group.as_str())
            .or_default()
            .push(i);
    }
    let doses = &ctx.antigen_doses[antigen];
    let mut prioritized: Vec<usize> = Vec::new();
    let mut startable: Vec<(usize, usize)> = Vec::new();
    for (group, members) in &groups {
        // SELECTB-24 candidates.
        let all_ci = members
            .iter()
            .all(|&i| runs[i].forecast.status == SeriesStatus::Contraindicated);
        let candidate =
            |i: usize| all_ci || runs[i].forecast.status != SeriesStatus::Contraindicated;
        let top_priority = members
            .iter()
            .map(|&i| runs[i].series.priority.as_str())
            .min()
            .unwrap_or("A");
        let none_valid = members.iter().all(|&i| runs[i].valid_count() == 0);
        let default = members
            .iter()
            .copied()
            .find(|&i| runs[i].series.default_series);
        // SELECTSCORE-2 scorable series.
        let scorable: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| {
                let r = &runs[i];
                match r.series.series_type {
                    SeriesType::Risk => r.series.priority.as_str() <= top_priority && candidate(i),
                    SeriesType::Standard => {
                        let first_valid = r
                            .evals
                            .iter()
                            .enumerate()
                            .find(|(_, e)| {
                                e.as_ref()
                                    .is_some_and(|e| e.status == EvaluationStatus::Valid)
                            })
                            .map(|(k, _)| doses[k].date);
                        let by_valid = first_valid.is_some_and(|d| {
                            r.series
                                .max_age_to_start
                                .is_none_or(|m| d < ctx.dob().plus(m))
                        });
                        (by_valid || (none_valid && default.is_none())) && candidate(i)
                    }
                    SeriesType::EvaluationOnly => is_complete(r),
                }
            })
            .collect();
        let complete: Vec<usize> = scorable
            .iter()
            .copied()
            .filter(|&i| is_complete(&runs[i]))
            .collect();
        let in_process: Vec<usize> = scorable
            .iter()
            .copied()
            .filter(|&i| is_in_process(&runs[i]))
            .collect();
        // Table 8-3.
        let single = match scorable.len() {
            0 => default,
            1 => Some(scorable[0]),
            _ if complete.len() == 1 => Some(complete[0]),
            _ if complete.is_empty() && in_process.len() == 1 => Some(in_process[0]),
            _ if complete.is_empty() && in_process.is_empty() && default.is_some() => default,
            _ => None,
        };
        let chosen = match single {
            Some(i) => Some(i),
            None if scorable.is_empty() => None,
            None => {
                // Table 8-5 classification, then scoring.
                let (scored, kind): (Vec<usize>, u8) = if complete.len() >= 2 {
                    (complete.clone(), 0)
                } else if in_process.len() >= 2 {
                    (in_process.clone(), 1)
                } else if scorable.iter().all(|&i| runs[i].valid_count() == 0) {
                    (scorable.clone(), 2)
                } else {
                    (scorable.clone(), 1)
                };
                let mut score = vec![0i32; scored.len()];
                let add = |score: &mut Vec<i32>, pts: Vec<i32>| {
                    for (s, p) in score.iter_mut().zip(pts) {
                        *s += p;
                    }
                };
                let valid: Vec<Option<usize>> = scored
                    .iter()
                    .map(|&i| Some(runs[i].valid_count()))
                    .collect();
                let comp: Vec<bool> = scored.iter().map(|&i| completable(ctx, &runs[i])).collect();
                match kind {
                    0 => add(&mut score, award(&valid, |a, b| a > b, 1)),
                    1 => {
                        let pts = scored
                            .iter()
                            .map(|&i| {
                                let r = &runs[i];
                                let all_valid = r
                                    .evals
                                    .iter()
                                    .flatten()
                                    .all(|e| e.status == EvaluationStatus::Valid);
                                if r.series.product_path && all_valid {
                                    2
                                } else {
                                    -2
                                }
                            })
                            .collect();
                        add(&mut score, pts);
                        add(
                            &mut score,
                            comp.iter().map(|&c| if c { 3 } else { -3 }).collect(),
                        );
                        add(&mut score, award(&valid, |a, b| a > b, 2));
                        let remaining: Vec<Option<usize>> = scored
                            .iter()
                            .map(|&i| {
                                Some(
                                    runs[i]
                                        .targets
                                        .iter()
                                        .filter(|t| t.status == TargetStatus::NotSatisfied)
                                        .count(),
                                )
                            })
                            .collect();
                        add(&mut score, award(&remaining, |a, b| a < b, 2));
                        let finish: Vec<Option<Date>> = scored
                            .iter()
                            .zip(&comp)
                            .map(|(&i, &c)| if c { runs[i].forecast.finish } else { None })
                            .collect();
                        add(&mut score, award(&finish, |a, b| a < b, 1));
                    }
                    _ => add(&mut score, no_valid_doses_points(ctx, &runs, &scored)),
                }
                let best = highest_score(&runs, &scored, &score);
                trace.push(TraceStep::new(TraceCode::SeriesScores {
                    series_group: group.to_string(),
                    scores: scored
                        .iter()
                        .zip(&score)
                        .map(|(&i, &s)| SeriesScore {
                            series: runs[i].series.name.clone(),
                            score: s,
                        })
                        .collect(),
                }));
                best
            }
        };
        if let (Some(d), true) = (chosen, scorable.is_empty() && none_valid) {
            if default == Some(d) {
                if let Some(s) = startable_series(ctx, &runs, members, d, &candidate) {
                    startable.push((d, s));
                }
            }
        }
        if let Some(i) = chosen {
            trace.push(TraceStep::new(TraceCode::PrioritizedSeries {
                series_group: group.to_string(),
                series: runs[i].series.name.clone(),
                status: runs[i].forecast.status,
            }));
            prioritized.push(i);
        }
    }
    // Table 8-14 best patient series across equivalent series groups.
    // Equivalence is read from the prioritized series' own supporting data: e.g. the HepB
    // dialysis risk series lists no equivalent group, so a complete standard series does not
    // make it redundant, while the standard series lists the risk group.
    let equivalent = |p: usize, o: usize| {
        runs[p]
            .series
            .equivalent_series_groups
            .contains(&runs[o].series.series_group)
    };
    let best: Vec<usize> = prioritized
        .iter()
        .copied()
        .filter(|&p| {
            let r = &runs[p];
            if is_complete(r) {
                return true;
            }
            let others: Vec<usize> = prioritized
                .iter()
                .copied()
                .filter(|&o| o != p && equivalent(p, o))
                .collect();
            if others.iter().any(|&o| is_complete(&runs[o])) {
                return false;
            }
            match r.series.series_type {
                SeriesType::EvaluationOnly => false,
                SeriesType::Risk => true,
                SeriesType::Standard => !others
                    .iter()
                    .any(|&o| runs[o].series.series_type == SeriesType::Risk),
            }
        })
        .collect();
    for &b in &best {
        trace.push(TraceStep::new(TraceCode::BestSeries {
            series: runs[b].series.name.clone(),
        }));
    }
    // Only for a default series that is a best patient series.
    startable.retain(|(d, _)| best.contains(d));
    AntigenOutcome {
        antigen,
        runs,
        best,
        startable,
        trace,
    }
}

/// Table 8-11 points of scorable series with no valid doses: starts earliest (SELECTB-14, the
/// earliest date of its forecast), completable (SELECTB-3), product series (SELECTB-23).
fn no_valid_doses_points(
    ctx: &Context<'_, '_>,
    runs: &[SeriesRun<'_>],
    scored: &[usize],
) -> Vec<i32> {
    let start: Vec<Option<Date>> = scored.iter().map(|&i| runs[i].forecast.earliest).collect();
    let mut score = award(&start, |a, b| a < b, 1);
    for (s, &i) in score.iter_mut().zip(scored) {
        *s += if completable(ctx, &runs[i]) { 1 } else { -1 };
        *s += if runs[i].series.product_path { -1 } else { 1 };
    }
    score
}

/// SELECTBEST-2: highest score, then best series preference.
fn highest_score(runs: &[SeriesRun<'_>], scored: &[usize], score: &[i32]) -> Option<usize> {
    scored
        .iter()
        .zip(score)
        .max_by(|(&i, &si), (&j, &sj)| {
            si.cmp(&sj)
                .then(runs[j].series.preference.cmp(&runs[i].series.preference))
                .then(j.cmp(&i))
        })
        .map(|(&i, _)| i)
}

/// The series of a series group the patient can start now, when the group has no valid doses
/// and its default series `default` was prioritized only for being the default (Table 8-3, no
/// scorable series) while the patient is on or past its maximum age to start date ("the latest
/// age an antigen series may be started", Appendix glossary; SELECTSCORE-2 already refuses a
/// standard series started after it). E.g. the HepB 19+ series for an unvaccinated adult
/// rather than the infant series with a past-due date in the adult's infancy, the COVID-19
/// 2 years+ series rather than the 6–23 month one.
///
/// The candidates are the group's other standard series whose minimum and maximum ages to
/// start include the assessment date and whose forecast is still open (not aged out, not
/// recommended, or contraindicated unless every series is); they are scored as SELECTSCORE-2
/// would score standard series with no valid doses and no default (Table 8-11, then
/// SELECTBEST-2), a series starting now having as its start date (SELECTB-14) its earliest date
/// or the assessment date, whichever is later. CDSi's best patient series is unchanged: this
/// only feeds the rows.
fn startable_series(
    ctx: &Context<'_, '_>,
    runs: &[SeriesRun<'_>],
    members: &[usize],
    default: usize,
    candidate: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    let dob = ctx.dob();
    let now = ctx.assessment;
    let past = runs[default]
        .series
        .max_age_to_start
        .is_some_and(|m| now >= dob.plus(m));
    if !past {
        return None;
    }
    let startable: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| {
            let s = runs[i].series;
            i != default
                && s.series_type == SeriesType::Standard
                && candidate(i)
                && !matches!(
                    runs[i].forecast.status,
                    SeriesStatus::AgedOut | SeriesStatus::NotRecommended
                )
                && s.min_age_to_start.is_none_or(|m| now >= dob.plus(m))
                && s.max_age_to_start.is_none_or(|m| now < dob.plus(m))
        })
        .collect();
    match startable.len() {
        0 => None,
        1 => Some(startable[0]),
        _ => {
            // SELECTB-14's start date of a series started now: its earliest date, or the
            // assessment date when that is past (every candidate can start today, none before).
            let start: Vec<Option<Date>> = startable
                .iter()
                .map(|&i| runs[i].forecast.earliest.map(|e| e.max(now)))
                .collect();
            let mut score = award(&start, |a, b| a < b, 1);
            for (s, &i) in score.iter_mut().zip(&startable) {
                *s += if completable(ctx, &runs[i]) { 1 } else { -1 };
                *s += if runs[i].series.product_path { -1 } else { 1 };
            }
            highest_score(runs, &startable, &score)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::AgeReq;
    use crate::date::Offset;
    use crate::series::{SeriesForecast, Target};
    use crate::{Engine, Gender, Patient};

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn completable_uses_the_maximum_age_in_effect_on_the_assessment_date() {
        // A last series dose whose maximum age changed on 2010-01-01 from 5 to 19 years: a
        // series finishing at age 10 is completable under the age requirement in effect now,
        // not under the first one listed.
        let engine = Engine::embedded();
        let hepa = engine
            .data()
            .antigens
            .iter()
            .find(|a| a.name == "HepA")
            .unwrap();
        let mut series = hepa.series[0].clone();
        let last = series.doses.last_mut().unwrap();
        last.ages = vec![
            AgeReq {
                max: Offset::parse("5 years"),
                cessation: Some(d("2009-12-31")),
                ..AgeReq::default()
            },
            AgeReq {
                max: Offset::parse("19 years"),
                effective: Some(d("2010-01-01")),
                ..AgeReq::default()
            },
        ];
        let patient = Patient {
            dob: d("2015-01-01"),
            gender: Gender::Female,
            doses: vec![],
            observations: vec![],
        };
        let ctx = Context::new(engine, &patient, d("2024-06-01"));
        let run = |finish: &str| SeriesRun {
            series_index: 0,
            series: &series,
            targets: (0..series.doses.len())
                .map(|i| Target {
                    series_dose: i,
                    status: TargetStatus::NotSatisfied,
                    satisfied_by: None,
                })
                .collect(),
            evals: Vec::new(),
            forecast: SeriesForecast {
                finish: Some(d(finish)),
                ..SeriesForecast::default()
            },
            trace: Vec::new(),
            order: 0,
        };
        assert!(completable(&ctx, &run("2025-01-01")));
        assert!(!completable(&ctx, &run("2034-01-01")));
    }
}
