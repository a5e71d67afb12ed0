//! "Vaccines recommended": the CDC CDSi evaluation and forecast of a client's record, with the
//! explanation trace the screen's "why" view shows.

use std::collections::HashMap;

use shotbook_core::date::UsDate;
use shotbook_core::ids::ClientId;
use shotbook_forecast::{Date, Engine, RowStatus, SharedDecision};
use shotbook_store::{clients, codes, demographics, immunizations};

use crate::dto::{ClientForecast, DoseAssessment, GetClientRequest, VaccineGroupForecast};
use crate::error::{AppError, AppResult};
use crate::AppContext;
use shotbook_usecases::need;

mod view;

/// Groups whose next dose is recommended further ahead than this are "later".
pub const FORECAST_HORIZON_DAYS: i32 = 365;

/// Evaluates every dose and forecasts every vaccine group for the client, as of today (ACIP
/// schedule, CDSi supporting data 4.64). Audited as a read of the record.
pub async fn get_forecast(
    ctx: &AppContext,
    request: GetClientRequest,
) -> AppResult<ClientForecast> {
    let (permit, _) = ctx.permit::<need::ViewClient>().await?;
    let id: ClientId = crate::convert::client_id(&request.client_id)?;
    // The forecast reveals the doses: it needs the whole record under the consent rule, and
    // is audited as a read of it before anything is computed.
    shotbook_usecases::clients::open_full_record(ctx.store(), &permit, ctx.clock(), id).await?;
    let client = clients::get(ctx.store(), id).await?;
    let doses = immunizations::for_client(ctx.store(), id).await?;
    let comments = demographics::comments(ctx.store(), id).await?;
    let today = ctx.clock().today();
    let on = Date::parse(&UsDate::from_date(today).iso())
        .ok_or_else(|| AppError::internal("today is not a forecast date"))?;
    let (patient, dose_ids) =
        shotbook_store::forecast_input::patient_of(&client, &doses, &comments, on)
            .map_err(AppError::internal)?;
    let engine = Engine::embedded();
    let assessment = tokio::task::spawn_blocking(move || engine.evaluate(&patient, on))
        .await
        .map_err(AppError::internal)?;

    let names: HashMap<String, String> = codes::vaccine_names(ctx.store()).await?;
    let us = view::us;
    // One row per vaccine group, showing the series that applies to the client now (a completed
    // childhood series rather than the adult series decades away; the other series stay in the
    // engine's trace): the engine's own choice, `Assessment::rows`.
    let mut groups: Vec<VaccineGroupForecast> = assessment
        .rows()
        .into_iter()
        .map(|row| {
            let g = &assessment.groups[row.forecast];
            // Not due within a year (or not before an age the client has not reached): folded
            // under "Later" on the screen, so the rows a nurse acts on stay in view.
            let beyond_horizon = row
                .recommended
                .or(row.earliest)
                .is_some_and(|d| d > on.add_days(FORECAST_HORIZON_DAYS));
            let urgency = match row.status {
                RowStatus::Overdue => "overdue",
                RowStatus::Due | RowStatus::Allowed => "due",
                // A series the client reaches the age of within the horizon (an infant's
                // influenza at 6 months) is upcoming; one years away (zoster at 50 for a
                // child) is "later".
                RowStatus::NotYetEligible | RowStatus::Upcoming if beyond_horizon => "later",
                RowStatus::NotYetEligible => "upcoming",
                RowStatus::Upcoming => "upcoming",
                RowStatus::Complete => "complete",
                RowStatus::Immune => "immune",
                RowStatus::AgedOut => "aged_out",
                RowStatus::Contraindicated => "contraindicated",
                RowStatus::NotRecommended => "not_recommended",
            };
            VaccineGroupForecast {
                vaccine_group: g.vaccine_group.clone(),
                status: g.status.as_str().to_string(),
                urgency: urgency.to_string(),
                dose_number: g.forecast_dose_number.and_then(|n| i32::try_from(n).ok()),
                earliest: g.earliest.map(us),
                recommended: g.recommended.map(us),
                past_due: g.past_due.map(us),
                latest: g.latest.map(us),
                reasons: g.reasons.clone(),
                shared_decision: row.shared_decision == SharedDecision::Series,
                vaccines: view::vaccines(&row.vaccines, &g.recommended_vaccines, &names),
                trace: view::trace(&assessment, &row),
                basis: Some(view::basis(&row)),
                eligible_from: row.eligible_from.map(us),
            }
        })
        .collect();
    // What needs doing first: overdue, due, upcoming, then the settled groups.
    let rank = |u: &str| {
        [
            "overdue",
            "due",
            "upcoming",
            "later",
            "complete",
            "immune",
            "aged_out",
            "contraindicated",
        ]
        .iter()
        .position(|x| *x == u)
        .unwrap_or(9)
    };
    groups.sort_by(|a, b| {
        rank(&a.urgency)
            .cmp(&rank(&b.urgency))
            .then(a.vaccine_group.cmp(&b.vaccine_group))
    });

    let dose_assessments = assessment
        .doses
        .iter()
        .flat_map(|d| {
            let dose_id = dose_ids.get(d.index);
            d.antigens.iter().map(move |a| DoseAssessment {
                immunization_id: dose_id.cloned().unwrap_or_default(),
                administered_on: us(d.date),
                cvx: format!("{:02}", d.cvx),
                antigen: a.antigen.clone(),
                status: a.status.as_str().to_string(),
                reason: a.reason.clone(),
            })
        })
        .collect();

    Ok(ClientForecast {
        assessed_on: UsDate::from_date(today).to_string(),
        schedule: format!(
            "ACIP (CDC CDSi supporting data {})",
            assessment.data_release
        ),
        summary: view::summary(&assessment, &names),
        groups,
        doses: dose_assessments,
        not_applicable: view::not_applicable(&assessment),
    })
}
