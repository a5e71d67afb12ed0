//! The engine's structured outputs as the screen's DTOs: trace steps as codes with typed
//! parameters, recommended vaccines one per CVX, and the visit summary. Dates become MM/DD/YYYY.

use std::collections::HashMap;

use shotbook_forecast::{
    Assessment, Cvx, Date, DueGroup, ForecastBasis, ForecastVaccine, GroupRow, NotApplicableReason,
    NotChosen, RowStatus, SeriesStatus, SeriesType, SharedDecision, SkipWhen, TraceCode, TraceStep,
    Why,
};

use crate::dto::{
    ForecastStep, NotApplicableGroup, OtherSeries, RecommendedVaccine, RowBasis, TraceFinding,
    TraceInterval, TraceSeriesScore, VaccineTradeName, VisitGroup, VisitSummary,
};

/// `MM/DD/YYYY`.
pub(crate) fn us(d: Date) -> String {
    let (y, m, day) = d.ymd();
    format!("{m:02}/{day:02}/{y:04}")
}

/// A CVX code as the registry writes it ("03", "110").
pub(crate) fn cvx(c: Cvx) -> String {
    format!("{c:02}")
}

fn n(x: u32) -> i32 {
    i32::try_from(x).unwrap_or(i32::MAX)
}

fn status(s: SeriesStatus) -> String {
    s.as_str().to_string()
}

/// One trace step of the engine as a DTO step.
pub(crate) fn step(t: &TraceStep, antigen: Option<&str>) -> ForecastStep {
    ForecastStep {
        rule: t.rule.to_string(),
        antigen: antigen.map(str::to_string),
        finding: finding(&t.code),
    }
}

fn finding(code: &TraceCode) -> TraceFinding {
    use TraceFinding as F;
    match code {
        TraceCode::TargetDoseSkipped {
            target_dose,
            when,
            at,
            sets,
        } => F::TargetDoseSkipped {
            target_dose: n(*target_dose),
            when: match when {
                SkipWhen::Evaluation => "evaluation",
                SkipWhen::Forecast => "forecast",
                SkipWhen::Validation => "validation",
            }
            .to_string(),
            at: us(*at),
            sets: sets.clone(),
        },
        TraceCode::SeriesAlreadyComplete { series } => F::SeriesAlreadyComplete {
            series: series.clone(),
        },
        TraceCode::DoseEvaluated {
            cvx: c,
            date,
            target_dose,
            series,
        } => F::DoseEvaluated {
            cvx: cvx(*c),
            date: us(*date),
            target_dose: n(*target_dose),
            series: series.clone(),
        },
        TraceCode::InadvertentVaccine { cvx: c } => F::InadvertentVaccine { cvx: cvx(*c) },
        TraceCode::AgeTooYoung {
            absolute_minimum_age_date,
        } => F::AgeTooYoung {
            absolute_minimum_age_date: us(*absolute_minimum_age_date),
        },
        TraceCode::AgeTooOld { maximum_age_date } => F::AgeTooOld {
            maximum_age_date: us(*maximum_age_date),
        },
        TraceCode::AgeGracePeriod { minimum_age_date } => F::AgeGracePeriod {
            minimum_age_date: us(*minimum_age_date),
        },
        TraceCode::AgeValid { minimum_age_date } => F::AgeValid {
            minimum_age_date: us(*minimum_age_date),
        },
        TraceCode::PreferableIntervalTooSoon {
            reference_date,
            absolute_minimum_interval_date,
        } => F::PreferableIntervalTooSoon {
            reference_date: us(*reference_date),
            absolute_minimum_interval_date: us(*absolute_minimum_interval_date),
        },
        TraceCode::PreferableIntervalMet {
            reference_date,
            absolute_minimum_interval_date,
        } => F::PreferableIntervalMet {
            reference_date: us(*reference_date),
            absolute_minimum_interval_date: us(*absolute_minimum_interval_date),
        },
        TraceCode::AllowableIntervalMet {
            reference_date,
            absolute_minimum_interval_date,
        } => F::AllowableIntervalMet {
            reference_date: us(*reference_date),
            absolute_minimum_interval_date: us(*absolute_minimum_interval_date),
        },
        TraceCode::LiveVirusConflict {
            cvx: c,
            conflicting_cvx,
            conflicting_date,
            conflict_begin,
            conflict_end,
        } => F::LiveVirusConflict {
            cvx: cvx(*c),
            conflicting_cvx: cvx(*conflicting_cvx),
            conflicting_date: us(*conflicting_date),
            conflict_begin: us(*conflict_begin),
            conflict_end: us(*conflict_end),
        },
        TraceCode::PreferableVaccine { cvx: c } => F::PreferableVaccine { cvx: cvx(*c) },
        TraceCode::AllowableVaccine { cvx: c } => F::AllowableVaccine { cvx: cvx(*c) },
        TraceCode::NotPreferableOrAllowable { cvx: c } => {
            F::NotPreferableOrAllowable { cvx: cvx(*c) }
        }
        TraceCode::ImmuneByObservation { code, title } => F::ImmuneByObservation {
            observation: code.clone(),
            title: title.clone(),
        },
        TraceCode::ImmuneByBirthDate { born_before } => F::ImmuneByBirthDate {
            born_before: us(*born_before),
        },
        TraceCode::NoTargetDoseLeft { status: s } => F::NoTargetDoseLeft { status: status(*s) },
        TraceCode::AntigenContraindication { code, title } => F::AntigenContraindication {
            observation: code.clone(),
            title: title.clone(),
        },
        TraceCode::AllPreferableVaccinesContraindicated => F::AllPreferableVaccinesContraindicated,
        TraceCode::PastSeasonalEndDate => F::PastSeasonalEndDate,
        TraceCode::MaximumAgeReached { maximum_age_date } => F::MaximumAgeReached {
            maximum_age_date: us(*maximum_age_date),
        },
        TraceCode::EarliestFromMinimumAge { date } => F::EarliestFromMinimumAge { date: us(*date) },
        TraceCode::EarliestFromMinimumInterval {
            date,
            interval,
            reference_date,
        } => F::EarliestFromMinimumInterval {
            date: us(*date),
            interval: TraceInterval {
                years: interval.years,
                months: interval.months,
                days: interval.days,
            },
            reference_date: us(*reference_date),
        },
        TraceCode::EarliestFromConflict {
            date,
            conflicting_cvx,
            conflicting_date,
        } => F::EarliestFromConflict {
            date: us(*date),
            conflicting_cvx: cvx(*conflicting_cvx),
            conflicting_date: us(*conflicting_date),
        },
        TraceCode::EarliestFromSeasonStart { date } => {
            F::EarliestFromSeasonStart { date: us(*date) }
        }
        TraceCode::EarliestFromMostRecentDose { date } => {
            F::EarliestFromMostRecentDose { date: us(*date) }
        }
        TraceCode::CannotFinishBeforeMaximumAge { earliest } => F::CannotFinishBeforeMaximumAge {
            earliest: us(*earliest),
        },
        TraceCode::ForecastDates {
            target_dose,
            series,
            earliest,
            recommended,
            past_due,
        } => F::ForecastDates {
            target_dose: n(*target_dose),
            series: series.clone(),
            earliest: us(*earliest),
            recommended: us(*recommended),
            past_due: past_due.map(us),
        },
        TraceCode::SeriesScores {
            series_group,
            scores,
        } => F::SeriesScores {
            series_group: series_group.clone(),
            scores: scores
                .iter()
                .map(|s| TraceSeriesScore {
                    series: s.series.clone(),
                    score: s.score,
                })
                .collect(),
        },
        TraceCode::PrioritizedSeries {
            series_group,
            series,
            status: s,
        } => F::PrioritizedSeries {
            series_group: series_group.clone(),
            series: series.clone(),
            status: status(*s),
        },
        TraceCode::BestSeries { series } => F::BestSeries {
            series: series.clone(),
        },
        TraceCode::SeasonAssumed(s) => F::SeasonAssumed {
            data_end: us(s.data_end),
            start: us(s.start),
            end: us(s.end),
            years_moved: s.years_moved,
        },
        TraceCode::SingleAntigenGroupDates {
            vaccine_group,
            dose_number,
            earliest,
            recommended,
            past_due,
        }
        | TraceCode::MultipleAntigenGroupDates {
            vaccine_group,
            dose_number,
            earliest,
            recommended,
            past_due,
        } => F::GroupDates {
            vaccine_group: vaccine_group.clone(),
            dose_number: dose_number.map(n),
            earliest: earliest.map(us),
            recommended: recommended.map(us),
            past_due: past_due.map(us),
        },
        TraceCode::SingleAntigenGroupStatus {
            vaccine_group,
            status: s,
        }
        | TraceCode::MultipleAntigenGroupStatus {
            vaccine_group,
            status: s,
        } => F::GroupStatus {
            vaccine_group: vaccine_group.clone(),
            status: status(*s),
        },
    }
}

fn series_type(t: SeriesType) -> String {
    match t {
        SeriesType::Standard => "standard",
        SeriesType::Risk => "risk",
        SeriesType::EvaluationOnly => "evaluation_only",
    }
    .to_string()
}

/// What a row is made from (see [`RowBasis`]): the engine's `GroupRow::basis` and its
/// `Why::OtherSeries` steps.
pub(crate) fn basis(row: &GroupRow) -> RowBasis {
    let (kind, instead_of) = match &row.basis {
        ForecastBasis::BestSeries => ("best_series", Vec::new()),
        ForecastBasis::StartableNow { instead_of } => ("startable_now", instead_of.clone()),
    };
    let other_series = row
        .why
        .iter()
        .filter_map(|w| match w {
            Why::OtherSeries {
                series,
                series_type: t,
                status: s,
                earliest,
                because,
                ..
            } => Some(OtherSeries {
                series: series.clone(),
                series_type: series_type(*t),
                status: status(*s),
                earliest: earliest.map(us),
                because: match because {
                    NotChosen::StartsLater => "starts_later",
                    NotChosen::LowerRank => "lower_rank",
                    NotChosen::PastMaximumAgeToStart => "past_maximum_age_to_start",
                }
                .to_string(),
            }),
            _ => None,
        })
        .collect();
    RowBasis {
        kind: kind.to_string(),
        series: row.series.clone(),
        series_type: series_type(row.series_type),
        instead_of,
        other_series,
    }
}

/// The vaccine groups with no applicable series, in supporting-data order, with the reason as
/// a code the screen words.
pub(crate) fn not_applicable(assessment: &Assessment) -> Vec<NotApplicableGroup> {
    assessment
        .vaccine_groups
        .iter()
        .filter_map(|name| {
            assessment
                .not_applicable
                .iter()
                .find(|n| n.vaccine_group == *name)
        })
        .map(|n| NotApplicableGroup {
            vaccine_group: n.vaccine_group.clone(),
            reason: match n.reason {
                NotApplicableReason::NoIndication => "no_indication",
                NotApplicableReason::IndicationNotAtThisAge => "indication_not_at_this_age",
                NotApplicableReason::Gender => "gender",
                NotApplicableReason::NoSeries => "no_series",
            }
            .to_string(),
        })
        .collect()
}

/// The "Why?" of a row: the vaccine group's own steps, then each antigen's: why each dose that
/// does not count was not valid or extraneous (its evaluation in the antigen's best series; valid
/// doses are left out, they would only repeat that they were valid), then the series selection
/// and the derivation of the forecast dates.
pub(crate) fn trace(assessment: &Assessment, row: &GroupRow) -> Vec<ForecastStep> {
    let g = &assessment.groups[row.forecast];
    let mut steps: Vec<ForecastStep> = g.trace.iter().map(|t| step(t, None)).collect();
    for a in &g.antigens {
        let antigen = Some(a.antigen.as_str());
        for d in &assessment.doses {
            for e in d.antigens.iter().chain(&d.other_series).filter(|e| {
                e.antigen == a.antigen
                    && e.series == a.series
                    && e.status != shotbook_forecast::EvaluationStatus::Valid
            }) {
                steps.extend(e.trace.iter().map(|t| step(t, antigen)));
            }
        }
        steps.extend(a.trace.iter().map(|t| step(t, antigen)));
    }
    steps
}

/// The vaccines the screen lists for a row: those the engine recommends, one entry per CVX with
/// the trade names the data names for it.
pub(crate) fn vaccines(
    vaccines: &[ForecastVaccine],
    recommended: &[Cvx],
    names: &HashMap<String, String>,
) -> Vec<RecommendedVaccine> {
    let mut out: Vec<RecommendedVaccine> = Vec::new();
    let mut listed: Vec<Cvx> = Vec::new();
    for v in vaccines
        .iter()
        .filter(|v| recommended.is_empty() || recommended.contains(&v.cvx))
    {
        let trade = v.trade_name.as_ref().map(|name| VaccineTradeName {
            name: name.clone(),
            mvx: v.mvx.clone(),
        });
        if let Some(i) = listed.iter().position(|&c| c == v.cvx) {
            let entry = &mut out[i];
            if let Some(t) = trade {
                if !entry.trade_names.contains(&t) {
                    entry.trade_names.push(t);
                }
            }
            for g in &v.also_covers {
                if !entry.also_covers.contains(g) {
                    entry.also_covers.push(g.clone());
                }
            }
            entry.preferred |= v.forecast_flag;
            continue;
        }
        let code = cvx(v.cvx);
        listed.push(v.cvx);
        out.push(RecommendedVaccine {
            short_description: names.get(&code).cloned().unwrap_or_default(),
            cvx: code,
            vaccine_type: v.vaccine_type.clone(),
            trade_names: trade.into_iter().collect(),
            preferred: v.forecast_flag,
            also_covers: v.also_covers.clone(),
        });
    }
    // A CVX the engine recommends without listing it (not expected): still shown.
    for &c in recommended {
        if listed.contains(&c) {
            continue;
        }
        let code = cvx(c);
        listed.push(c);
        out.push(RecommendedVaccine {
            short_description: names.get(&code).cloned().unwrap_or_default(),
            cvx: code,
            vaccine_type: String::new(),
            trade_names: Vec::new(),
            preferred: false,
            also_covers: Vec::new(),
        });
    }
    out
}

/// The row status as the screen's urgency word for the visit summary.
fn urgency(s: RowStatus) -> &'static str {
    match s {
        RowStatus::Overdue => "overdue",
        RowStatus::Due => "due",
        RowStatus::Allowed => "allowed",
        _ => "upcoming",
    }
}

/// What the summary line calls a vaccine group: the abbreviation clinics use (CDC's vaccine
/// abbreviations: "DTaP", "IPV", "MMR", "VAR"), the same in every language. For the groups whose
/// product depends on age (DTaP, Tdap or Td; PCV or PPSV23) the first recommended vaccine that
/// gives the group alone decides; groups without a usual abbreviation keep their CDSi name
/// ("HepB", "Hib", "COVID-19").
fn label(group: &str, vaccines: &[RecommendedVaccine]) -> String {
    let first_type = vaccines
        .iter()
        .find(|v| v.also_covers.is_empty())
        .or(vaccines.first())
        .and_then(|v| v.vaccine_type.split([',', ' ']).next())
        .unwrap_or("");
    let short = match group {
        "DTaP/Tdap/Td" if matches!(first_type, "DTaP" | "Tdap" | "Td" | "DT") => first_type,
        "Pneumococcal" if first_type.starts_with("PCV") => "PCV",
        "Pneumococcal" if first_type == "PPSV23" => "PPSV23",
        "Polio" => "IPV",
        "Varicella" => "VAR",
        "Rotavirus" => "RV",
        "Meningococcal" => "MenACWY",
        "Meningococcal B" => "MenB",
        "Zoster" => "RZV",
        "Japanese Encephalitis" => "JE",
        "Yellow Fever" => "YF",
        _ => group,
    };
    short.to_string()
}

/// The visit summary of the assessment (see `Assessment::summary`).
pub(crate) fn summary(assessment: &Assessment, names: &HashMap<String, String>) -> VisitSummary {
    let s = assessment.summary();
    // The label of a group comes from today's vaccines (the next visit's doses list none).
    let mut labels: HashMap<String, String> = HashMap::new();
    for row in assessment.rows() {
        let g = &assessment.groups[row.forecast];
        let listed = vaccines(&row.vaccines, &g.recommended_vaccines, names);
        labels.insert(
            row.vaccine_group.clone(),
            label(&row.vaccine_group, &listed),
        );
    }
    let entry = |d: &DueGroup| {
        let g = &assessment.groups[d.forecast];
        let listed = vaccines(&d.vaccines, &g.recommended_vaccines, names);
        let listed = if d.vaccines.is_empty() {
            Vec::new()
        } else {
            listed
        };
        VisitGroup {
            label: labels
                .get(&d.vaccine_group)
                .cloned()
                .unwrap_or_else(|| label(&d.vaccine_group, &listed)),
            vaccine_group: d.vaccine_group.clone(),
            urgency: urgency(d.status).to_string(),
            dose_number: d.dose_number.map(n),
            earliest: d.earliest.map(us),
            recommended: d.recommended.map(us),
            shared_decision: d.shared_decision == SharedDecision::Series,
            vaccines: listed,
        }
    };
    let due_today: Vec<VisitGroup> = s.due_today.iter().map(entry).collect();
    let allowed_today: Vec<VisitGroup> = s.allowed_today.iter().map(entry).collect();
    VisitSummary {
        may_give_today: !due_today.is_empty() || !allowed_today.is_empty(),
        due_today,
        allowed_today,
        next_visit_on_or_after: s.next_visit_on_or_after.map(us),
        next_visit_groups: s.next_visit_groups.iter().map(entry).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vaccine(cvx: Cvx, trade: Option<(&str, &str)>, also: &[&str]) -> ForecastVaccine {
        ForecastVaccine {
            cvx,
            vaccine_type: format!("type {cvx}"),
            trade_name: trade.map(|t| t.0.to_string()),
            mvx: trade.map(|t| t.1.to_string()),
            forecast_flag: false,
            antigens: Vec::new(),
            also_covers: also.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn dates_are_mm_dd_yyyy_and_cvx_codes_two_digits() {
        assert_eq!(us(Date::parse("2026-07-03").unwrap()), "07/03/2026");
        assert_eq!(cvx(3), "03");
        assert_eq!(cvx(110), "110");
    }

    #[test]
    fn one_entry_per_cvx_with_its_trade_names_and_what_a_combination_also_covers() {
        let names = HashMap::from([("110".to_string(), "DTaP-Hep B-IPV".to_string())]);
        let listed = vaccines(
            &[
                vaccine(20, None, &[]),
                vaccine(110, Some(("Pediarix", "SKB")), &["HepB"]),
                vaccine(110, Some(("Pediarix", "SKB")), &["Polio"]),
                vaccine(106, None, &[]),
            ],
            &[20, 110],
            &names,
        );
        assert_eq!(
            listed.iter().map(|v| v.cvx.as_str()).collect::<Vec<_>>(),
            ["20", "110"],
            "only the recommended ones, once each"
        );
        let pediarix = &listed[1];
        assert_eq!(pediarix.short_description, "DTaP-Hep B-IPV");
        assert_eq!(pediarix.vaccine_type, "type 110");
        assert_eq!(
            pediarix.trade_names,
            [VaccineTradeName {
                name: "Pediarix".into(),
                mvx: Some("SKB".into())
            }]
        );
        assert_eq!(pediarix.also_covers, ["HepB", "Polio"]);
        assert_eq!(label("Cholera", &[]), "Cholera");
        assert_eq!(label("Polio", &listed), "IPV");
        assert_eq!(label("DTaP/Tdap/Td", &[]), "DTaP/Tdap/Td");
        let of_type = |cvx: &str, vaccine_type: &str| RecommendedVaccine {
            cvx: cvx.into(),
            short_description: String::new(),
            vaccine_type: vaccine_type.into(),
            trade_names: Vec::new(),
            preferred: false,
            also_covers: Vec::new(),
        };
        let dtap = [
            of_type("20", "DTaP"),
            of_type("106", "DTaP, 5 pertussis antigens"),
        ];
        assert_eq!(label("DTaP/Tdap/Td", &dtap), "DTaP");
        assert_eq!(label("DTaP/Tdap/Td", &[of_type("115", "Tdap")]), "Tdap");
        assert_eq!(label("Pneumococcal", &[of_type("215", "PCV15")]), "PCV");
        assert_eq!(label("HepB", &[of_type("08", "Hep B, Adol/peds")]), "HepB");
    }

    #[test]
    fn a_trace_step_keeps_its_rule_and_sends_typed_parameters() {
        let step = step(
            &TraceStep::new(TraceCode::EarliestFromMinimumInterval {
                date: Date::parse("2024-03-01").unwrap(),
                interval: shotbook_forecast::Offset::parse("4 weeks").unwrap(),
                reference_date: Date::parse("2024-02-02").unwrap(),
            }),
            Some("Measles"),
        );
        let json = serde_json::to_value(&step).unwrap();
        assert_eq!(json["rule"], "CALCDTINT-4");
        assert_eq!(json["antigen"], "Measles");
        assert_eq!(json["code"], "EarliestFromMinimumInterval");
        assert_eq!(json["params"]["date"], "03/01/2024");
        assert_eq!(json["params"]["referenceDate"], "02/02/2024");
        assert_eq!(json["params"]["interval"]["days"], 28);
        let unit = serde_json::to_value(super::step(
            &TraceStep::new(TraceCode::PastSeasonalEndDate),
            None,
        ))
        .unwrap();
        assert_eq!(unit["code"], "PastSeasonalEndDate");
        assert!(unit["antigen"].is_null());
    }
}
