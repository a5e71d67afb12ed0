use shotbook_api::dto::{ClientForecast, GetClientRequest, VaccineGroupForecast};
use shotbook_api::forecast::get_forecast;
use shotbook_api::AppError;
use shotbook_core::ids::ClientId;

use crate::support::{audit_actions, signed_in_as};

#[tokio::test]
async fn the_forecast_evaluates_each_dose_and_says_what_is_due_with_its_reasons() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let forecast = get_forecast(
        &f.ctx,
        GetClientRequest {
            client_id: f.ana.to_string(),
        },
    )
    .await
    .unwrap();
    assert_eq!(forecast.assessed_on, "11/22/2026");
    // Ana (03/14/2019) has one MMRV dose at 12 months: MMR dose 2 is the next one.
    let mmr = forecast
        .groups
        .iter()
        .find(|g| g.vaccine_group == "MMR")
        .expect("an MMR forecast");
    assert_eq!(mmr.status, "Not Complete");
    assert_eq!(mmr.dose_number, Some(2));
    assert!(
        matches!(mmr.urgency.as_str(), "due" | "overdue"),
        "{}",
        mmr.urgency
    );
    assert!(
        mmr.recommended
            .as_deref()
            .is_some_and(|d| d.len() == 10 && &d[2..3] == "/"),
        "{:?}",
        mmr.recommended
    );
    assert!(!mmr.trace.is_empty(), "the forecast explains itself");
    let measles = forecast
        .doses
        .iter()
        .find(|d| d.cvx == "94" && d.antigen == "Measles")
        .expect("MMRV evaluated");
    assert_eq!(measles.status, "Valid");
    // One row per vaccine group, most urgent first.
    let mut names: Vec<_> = forecast
        .groups
        .iter()
        .map(|g| g.vaccine_group.as_str())
        .collect();
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), count, "a vaccine group appears once");
    let order = ["overdue", "due", "upcoming", "complete"];
    let ranks: Vec<usize> = forecast
        .groups
        .iter()
        .filter_map(|g| order.iter().position(|u| *u == g.urgency))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    assert!(audit_actions(&f.ctx)
        .await
        .contains(&("view_client".to_string(), Some(f.ana.to_string()))));
}

#[tokio::test]
async fn registry_staff_get_no_forecast() {
    let f = signed_in_as("MTREG", "mt.registry").await;
    let err = get_forecast(
        &f.ctx,
        GetClientRequest {
            client_id: f.ana.to_string(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        err,
        AppError::Forbidden {
            permission: "view_client".into()
        }
    );
}

#[tokio::test]
async fn dose_evaluations_point_at_their_own_immunization_when_an_earlier_dose_is_voided() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let doses = shotbook_store::immunizations::for_client(f.ctx.store(), f.ana)
        .await
        .unwrap();
    let hep_b = doses.iter().find(|d| d.cvx == "08").unwrap();
    let mmrv = doses.iter().find(|d| d.cvx == "94").unwrap();
    // Looked up before the transaction: the in-memory database has one connection.
    let by: shotbook_core::ids::UserId =
        shotbook_store::users::find_for_sign_in(f.ctx.store(), "TX0001", "tx.provider")
            .await
            .unwrap()
            .unwrap()
            .user_id
            .parse()
            .unwrap();
    let mut tx = f.ctx.store().begin().await.unwrap();
    shotbook_store::immunizations::void_in_tx(
        &mut tx,
        hep_b.id.parse().unwrap(),
        "wrong client",
        by,
        crate::support::START,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let forecast = get_forecast(
        &f.ctx,
        GetClientRequest {
            client_id: f.ana.to_string(),
        },
    )
    .await
    .unwrap();
    assert!(
        forecast.doses.iter().all(|d| d.immunization_id != hep_b.id),
        "a voided dose is not evaluated"
    );
    let measles = forecast
        .doses
        .iter()
        .find(|d| d.antigen == "Measles")
        .unwrap();
    assert_eq!(measles.immunization_id, mmrv.id);
    assert_eq!(measles.cvx, "94");
}

#[tokio::test]
async fn a_coded_underlying_condition_changes_the_forecast() {
    use shotbook_api::demographics::change_demographics;
    use shotbook_api::dto::{ChangeDemographicsRequest, DemographicsChange};

    let f = signed_in_as("TX0001", "tx.provider").await;
    let meningococcal = |forecast: &shotbook_api::dto::ClientForecast| {
        forecast
            .groups
            .iter()
            .find(|g| g.vaccine_group == "Meningococcal")
            .cloned()
            .expect("a meningococcal forecast")
    };
    let open = || GetClientRequest {
        client_id: f.ana.to_string(),
    };
    // Ana is 7: without a risk condition MenACWY waits for the 11-year dose, more than a year
    // away, so the screen folds it under "Later".
    let before = meningococcal(&get_forecast(&f.ctx, open()).await.unwrap());
    assert_eq!(before.urgency, "later", "{before:?}");

    change_demographics(
        &f.ctx,
        ChangeDemographicsRequest {
            client_id: f.ana.to_string(),
            change: DemographicsChange::Comment {
                code: "condition_asplenia".into(),
                applies_from: "09/01/2026".into(),
                applies_until: String::new(),
                text: String::new(),
            },
        },
    )
    .await
    .unwrap();
    // Asplenia (CDSi observation 160) starts the MenACWY risk series now.
    let after = meningococcal(&get_forecast(&f.ctx, open()).await.unwrap());
    assert_eq!(after.status, "Not Complete");
    assert!(
        matches!(after.urgency.as_str(), "due" | "overdue"),
        "{after:?}"
    );
    assert_eq!(after.dose_number, Some(1));
}

#[tokio::test]
async fn influenza_is_due_in_november_though_the_bundled_season_ended() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let forecast = get_forecast(
        &f.ctx,
        GetClientRequest {
            client_id: f.ana.to_string(),
        },
    )
    .await
    .unwrap();
    let row = |group: &str| {
        forecast
            .groups
            .iter()
            .find(|g| g.vaccine_group == group)
            .unwrap_or_else(|| panic!("a {group} row"))
    };
    // Supporting data 4.64 defines influenza seasons only up to 06/30/2026; 11/22/2026 is in
    // the next season, assumed from the last one.
    let flu = row("Influenza");
    assert!(
        matches!(flu.urgency.as_str(), "due" | "overdue"),
        "a 7-year-old's annual flu dose is due in November: {flu:?}"
    );
    assert!(forecast.schedule.contains("4.64"), "{}", forecast.schedule);
}

/// A date as the screen shows it.
fn is_us_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[2] == b'/'
        && b[5] == b'/'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || i == 5 || c.is_ascii_digit())
}

#[tokio::test]
async fn an_infant_gets_a_visit_summary_recommended_vaccines_and_a_typed_trace() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    // Six months old on 11/22/2026, no doses yet: the 2-, 4- and 6-month doses are overdue.
    let baby = crate::support::add_client(f.ctx.store(), "Mia", "Infant", "2026-05-22").await;
    let forecast = get_forecast(
        &f.ctx,
        GetClientRequest {
            client_id: baby.to_string(),
        },
    )
    .await
    .unwrap();

    // The summary: what to give today (the screen's words: DTaP, IPV …) and when to come back.
    let summary = &forecast.summary;
    assert!(summary.may_give_today);
    let today: Vec<&str> = summary.due_today.iter().map(|g| g.label.as_str()).collect();
    for label in ["DTaP", "IPV"] {
        assert!(today.contains(&label), "{today:?}");
    }
    let groups: Vec<&str> = summary
        .due_today
        .iter()
        .map(|g| g.vaccine_group.as_str())
        .collect();
    for group in ["DTaP/Tdap/Td", "Polio", "HepB"] {
        assert!(groups.contains(&group), "{groups:?}");
    }
    assert!(
        summary
            .due_today
            .iter()
            .all(|g| matches!(g.urgency.as_str(), "due" | "overdue") && !g.vaccines.is_empty()),
        "{:?}",
        summary.due_today
    );
    // Overdue first.
    let overdue_first: Vec<bool> = summary
        .due_today
        .iter()
        .map(|g| g.urgency == "overdue")
        .collect();
    assert!(
        overdue_first.windows(2).all(|w| w[0] >= w[1]),
        "{overdue_first:?}"
    );
    let next = summary
        .next_visit_on_or_after
        .as_deref()
        .expect("a next visit");
    assert!(is_us_date(next), "{next}");
    let ymd = |d: &str| (d[6..].to_string(), d[..2].to_string(), d[3..5].to_string());
    assert!(
        ymd(next) > ymd("11/22/2026"),
        "the next visit is after today: {next}"
    );
    assert!(!summary.next_visit_groups.is_empty());

    // The DTaP row lists DTaP (CVX 20) by its vaccine type, one entry per CVX; a combination
    // vaccine names the other due groups it also covers.
    let dtap = forecast
        .groups
        .iter()
        .find(|g| g.vaccine_group == "DTaP/Tdap/Td")
        .unwrap();
    assert_eq!(dtap.urgency, "overdue");
    let cvx20 = dtap
        .vaccines
        .iter()
        .find(|v| v.cvx == "20")
        .unwrap_or_else(|| panic!("DTaP listed: {:?}", dtap.vaccines));
    assert_eq!(cvx20.vaccine_type, "DTaP");
    assert!(!cvx20.short_description.is_empty());
    assert!(cvx20.also_covers.is_empty(), "{cvx20:?}");
    let mut cvxs: Vec<&str> = dtap.vaccines.iter().map(|v| v.cvx.as_str()).collect();
    let count = cvxs.len();
    cvxs.sort_unstable();
    cvxs.dedup();
    assert_eq!(cvxs.len(), count, "one entry per CVX: {cvxs:?}");
    let combination = dtap
        .vaccines
        .iter()
        .find(|v| !v.also_covers.is_empty())
        .unwrap_or_else(|| panic!("a combination vaccine: {:?}", dtap.vaccines));
    assert!(
        combination
            .also_covers
            .iter()
            .all(|g| groups.contains(&g.as_str())),
        "{combination:?}"
    );
    for v in &dtap.vaccines {
        for t in &v.trade_names {
            assert!(!t.name.is_empty(), "{v:?}");
        }
    }

    // "Why?": typed steps with their rule ids; dates as MM/DD/YYYY, no English sentences.
    let json = serde_json::to_value(&dtap.trace).unwrap();
    let steps = json.as_array().unwrap();
    assert!(!steps.is_empty());
    for step in steps {
        assert!(
            step["rule"].as_str().is_some_and(|r| !r.is_empty()),
            "{step}"
        );
        assert!(step["code"].as_str().is_some(), "{step}");
        assert!(step.get("detail").is_none(), "{step}");
    }
    let forecast_dates = steps
        .iter()
        .find(|s| s["code"] == "ForecastDates")
        .unwrap_or_else(|| panic!("forecast dates step: {json}"));
    assert_eq!(forecast_dates["rule"], "FORECASTDT-1");
    assert!(forecast_dates["antigen"].is_string(), "{forecast_dates}");
    let earliest = forecast_dates["params"]["earliest"].as_str().unwrap();
    assert!(is_us_date(earliest), "{earliest}");
    assert_eq!(forecast_dates["params"]["targetDose"], 1);
    let min_age = steps
        .iter()
        .find(|s| s["code"] == "EarliestFromMinimumAge")
        .unwrap_or_else(|| panic!("minimum age step: {json}"));
    assert_eq!(min_age["rule"], "CALCDTAGE-4");
    // DTaP dose 1 at 6 weeks: 07/03/2026.
    assert_eq!(min_age["params"]["date"], "07/03/2026");
    // The vaccine group's own steps come first, without an antigen.
    assert!(steps[0]["antigen"].is_null(), "{}", steps[0]);
    assert_eq!(steps[0]["code"], "GroupDates");
    assert_eq!(steps[0]["params"]["vaccineGroup"], "DTaP/Tdap/Td");
    // Then each antigen's best series and dates.
    let antigens: Vec<&str> = steps.iter().filter_map(|s| s["antigen"].as_str()).collect();
    for antigen in ["Diphtheria", "Tetanus", "Pertussis"] {
        assert!(antigens.contains(&antigen), "{antigens:?}");
    }
}

#[tokio::test]
async fn the_trace_names_the_dose_an_interval_counts_from_by_cvx_and_date() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let forecast = get_forecast(
        &f.ctx,
        GetClientRequest {
            client_id: f.ana.to_string(),
        },
    )
    .await
    .unwrap();
    // Ana's MMRV (CVX 94) of 03/20/2020 is MMR dose 1: dose 2 waits 4 weeks and the live-virus
    // conflict window after it.
    let mmr = forecast
        .groups
        .iter()
        .find(|g| g.vaccine_group == "MMR")
        .unwrap();
    let json = serde_json::to_value(&mmr.trace).unwrap();
    let step = |code: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == code && s["antigen"] == "Measles")
            .unwrap_or_else(|| panic!("{code} in the trace: {json}"))
            .clone()
    };
    let interval = step("EarliestFromMinimumInterval");
    assert_eq!(interval["rule"], "CALCDTINT-4");
    assert_eq!(interval["params"]["referenceDate"], "03/20/2020");
    assert_eq!(interval["params"]["date"], "04/17/2020");
    assert_eq!(interval["params"]["interval"]["days"], 28);
    let conflict = step("EarliestFromConflict");
    assert_eq!(conflict["rule"], "CALCDTCONFLICT-3");
    assert_eq!(conflict["params"]["conflictingCvx"], "94");
    assert_eq!(conflict["params"]["conflictingDate"], "03/20/2020");
}

#[tokio::test]
async fn why_says_why_a_dose_does_not_count() {
    use shotbook_store::immunizations::{self, NewImmunization};
    let f = signed_in_as("TX0001", "tx.provider").await;
    // A DTaP dose at 2 weeks old, before the absolute minimum age (6 weeks − 4 days).
    let baby = crate::support::add_client(f.ctx.store(), "Noah", "Early", "2026-05-22").await;
    let mut tx = f.ctx.store().begin().await.unwrap();
    let dose = NewImmunization {
        client_id: baby,
        cvx: "20".into(),
        mvx: Some("SKB".into()),
        administered_on: "2026-06-05".into(),
        source: "historical".into(),
        ..Default::default()
    };
    immunizations::insert_in_tx(&mut tx, &dose, crate::support::START)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let forecast = get_forecast(
        &f.ctx,
        GetClientRequest {
            client_id: baby.to_string(),
        },
    )
    .await
    .unwrap();
    let dtap = forecast
        .groups
        .iter()
        .find(|g| g.vaccine_group == "DTaP/Tdap/Td")
        .unwrap();
    assert_eq!(dtap.dose_number, Some(1), "the early dose does not count");
    let json = serde_json::to_value(&dtap.trace).unwrap();
    let steps = json.as_array().unwrap();
    let too_young: Vec<_> = steps
        .iter()
        .filter(|s| s["code"] == "AgeTooYoung")
        .collect();
    assert!(!too_young.is_empty(), "{json}");
    assert_eq!(too_young[0]["rule"], "CALCDTAGE-5");
    // 6 weeks − 4 days after 05/22/2026.
    assert_eq!(
        too_young[0]["params"]["absoluteMinimumAgeDate"],
        "06/29/2026"
    );
    let evaluated = steps
        .iter()
        .find(|s| s["code"] == "DoseEvaluated")
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(evaluated["params"]["cvx"], "20");
    assert_eq!(evaluated["params"]["date"], "06/05/2026");
}

/// Records historical doses, as (CVX, age in days), for a client born on `dob` (ISO).
async fn give(f: &crate::support::Fixture, client: ClientId, dob: &str, doses: &[(&str, i32)]) {
    use shotbook_store::immunizations::{self, NewImmunization};
    let dob = shotbook_forecast::Date::parse(dob).unwrap();
    let mut tx = f.ctx.store().begin().await.unwrap();
    for &(cvx, days) in doses {
        let dose = NewImmunization {
            client_id: client,
            cvx: cvx.into(),
            administered_on: dob.add_days(days).to_string(),
            source: "historical".into(),
            ..Default::default()
        };
        immunizations::insert_in_tx(&mut tx, &dose, crate::support::START)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn forecast_of(f: &crate::support::Fixture, client: ClientId) -> ClientForecast {
    get_forecast(
        &f.ctx,
        GetClientRequest {
            client_id: client.to_string(),
        },
    )
    .await
    .unwrap()
}

fn group<'a>(forecast: &'a ClientForecast, name: &str) -> &'a VaccineGroupForecast {
    forecast
        .groups
        .iter()
        .find(|g| g.vaccine_group == name)
        .unwrap_or_else(|| panic!("a {name} row: {:#?}", forecast.groups))
}

#[tokio::test]
async fn a_68_year_old_with_no_history_reads_the_adult_hepb_series_with_no_past_due_date_in_1958() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let client = crate::support::add_client(f.ctx.store(), "Walter", "Senior", "1958-05-01").await;
    let forecast = forecast_of(&f, client).await;

    let hepb = group(&forecast, "HepB");
    assert_eq!(hepb.status, "Not Complete");
    assert_eq!(hepb.dose_number, Some(1));
    assert_eq!(hepb.urgency, "due", "{hepb:?}");
    assert_eq!(hepb.past_due, None, "the 19+ series has no past-due date");
    for date in [
        &hepb.earliest,
        &hepb.recommended,
        &hepb.past_due,
        &hepb.latest,
    ]
    .into_iter()
    .flatten()
    {
        assert!(is_us_date(date) && !date.ends_with("1958"), "{date}");
    }
    let basis = hepb.basis.as_ref().expect("the row's basis");
    assert_eq!(basis.kind, "startable_now");
    assert_eq!(basis.series, ["HepB 19+ 3-dose series"]);
    assert_eq!(basis.series_type, "standard");
    assert_eq!(basis.instead_of.len(), 1, "{basis:?}");
    assert!(
        basis
            .other_series
            .iter()
            .any(|o| o.series == basis.instead_of && o.because == "past_maximum_age_to_start"),
        "CDSi's default series is kept for Why?: {basis:?}"
    );
    assert!(
        hepb.vaccines.iter().any(|v| v.cvx == "189"),
        "Heplisav-B among the vaccines: {:?}",
        hepb.vaccines
    );
    assert!(
        forecast
            .summary
            .due_today
            .iter()
            .any(|g| g.vaccine_group == "HepB"),
        "{:?}",
        forecast.summary.due_today
    );
    // A row made from CDSi's own best series says so.
    let flu = group(&forecast, "Influenza");
    assert_eq!(flu.basis.as_ref().unwrap().kind, "best_series");
    assert!(flu.basis.as_ref().unwrap().instead_of.is_empty());
}

#[tokio::test]
async fn a_fully_vaccinated_7_year_old_sees_pneumococcal_complete_and_adult_series_later() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let dob = "2019-11-22";
    let client = crate::support::add_client(f.ctx.store(), "Lucia", "Complete", dob).await;
    // The ACIP childhood schedule (as in the engine's clinic_rows test).
    let mut doses: Vec<(&str, i32)> = vec![("08", 0), ("08", 61), ("08", 183)];
    for (cvx, ages) in [
        ("116", &[61, 122, 183][..]),
        ("20", &[61, 122, 183, 457, 1462][..]),
        ("48", &[61, 122, 183, 366][..]),
        ("133", &[61, 122, 183, 366][..]),
        ("10", &[61, 122, 183, 1462][..]),
        ("03", &[366, 1462][..]),
        ("21", &[366, 1462][..]),
        ("83", &[366, 548][..]),
    ] {
        doses.extend(ages.iter().map(|&a| (cvx, a)));
    }
    doses.extend([("150", 183), ("150", 214)]);
    for year in 1..=6 {
        doses.push(("150", 300 + 365 * year));
    }
    give(&f, client, dob, &doses).await;
    let forecast = forecast_of(&f, client).await;

    let pneumo = group(&forecast, "Pneumococcal");
    assert_eq!(pneumo.status, "Complete", "{pneumo:?}");
    assert_eq!(pneumo.urgency, "complete");
    assert_eq!(pneumo.past_due, None);
    for name in [
        "HepA",
        "HepB",
        "Hib",
        "MMR",
        "Polio",
        "Rotavirus",
        "Varicella",
    ] {
        assert_eq!(group(&forecast, name).urgency, "complete", "{name}");
    }
    // The adolescent Tdap dose at 11 is more than a year away.
    assert_eq!(group(&forecast, "DTaP/Tdap/Td").urgency, "later");
    // Series decades away: "later", with the date they can start.
    for name in ["Zoster", "RSV"] {
        let row = group(&forecast, name);
        assert_eq!(row.urgency, "later", "{row:?}");
        let from = row.eligible_from.as_deref().expect("a starting date");
        assert!(is_us_date(from), "{from}");
        assert_eq!(row.earliest.as_deref(), Some(from));
    }
    assert!(
        !forecast
            .summary
            .due_today
            .iter()
            .any(|g| g.vaccine_group == "Pneumococcal"),
        "{:?}",
        forecast.summary.due_today
    );
}

#[tokio::test]
async fn travel_groups_are_listed_as_not_applicable_with_their_reason() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let forecast = forecast_of(&f, f.ana).await;
    let yellow_fever = forecast
        .not_applicable
        .iter()
        .find(|n| n.vaccine_group == "Yellow Fever")
        .unwrap_or_else(|| panic!("Yellow Fever not applicable: {:?}", forecast.not_applicable));
    assert_eq!(yellow_fever.reason, "no_indication");
    for n in &forecast.not_applicable {
        assert!(
            [
                "no_indication",
                "indication_not_at_this_age",
                "gender",
                "no_series"
            ]
            .contains(&n.reason.as_str()),
            "{n:?}"
        );
        assert!(
            forecast
                .groups
                .iter()
                .all(|g| g.vaccine_group != n.vaccine_group),
            "{} is a row and not applicable",
            n.vaccine_group
        );
    }
    let json = serde_json::to_value(&forecast).unwrap();
    assert!(
        json["notApplicable"][0]["reason"].is_string(),
        "{}",
        json["notApplicable"]
    );
}
