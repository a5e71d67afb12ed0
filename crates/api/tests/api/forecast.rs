use shotbook_api::dto::GetClientRequest;
use shotbook_api::forecast::get_forecast;
use shotbook_api::AppError;

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
