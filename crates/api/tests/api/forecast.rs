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
