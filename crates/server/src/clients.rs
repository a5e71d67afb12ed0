//! A client's immunization history over the API: read (the consent rule decides, the read is
//! audited) and historical doses recorded from a shot card (the entry rules decide, all or
//! none). The same use cases as the desktop's.

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use shotbook_core::date::UsDate;
use shotbook_core::ids::ClientId;
use shotbook_core::immunization::dose::{HistoricalDose, HistoricalDoseInput};
use shotbook_core::immunization::entry::DoseSource;
use shotbook_usecases::immunizations::record_historical;
use shotbook_usecases::ports::ImmunizationReads;
use shotbook_usecases::{clients, need, Permit};

use crate::auth::Authenticated;
use crate::error::{ApiError, ApiJson, ApiResult, ErrorBody};
use crate::AppState;

pub(crate) fn client_id(text: &str) -> ApiResult<ClientId> {
    text.parse().map_err(|_| {
        ApiError::BadRequest(
            "bad_client_id",
            "The client id is not a registry id.".into(),
        )
    })
}

/// One dose of a client's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Dose {
    /// Id.
    pub id: String,
    /// CVX.
    pub cvx: String,
    /// Vaccine groups.
    pub groups: Vec<String>,
    /// Day given, MM/DD/YYYY.
    pub administered_on: String,
    /// `administered` (given by the recording organization) or `historical`.
    pub source: &'static str,
    /// Entered in error (voided); kept, never deleted.
    pub voided: bool,
    /// Lot number recorded.
    pub lot_number: Option<String>,
    /// The organization that owns the entry.
    pub owner: Option<String>,
    /// 1 + corrections.
    pub revision: i64,
}

/// `GET /v1/clients/{id}/immunizations`: the client's doses, oldest first, when the consent
/// rule shows this organization the whole record.
#[utoipa::path(get, path = "/v1/clients/{id}/immunizations", tag = "clients", security(("bearer" = [])),
    params(("id" = String, Path, description = "Client id")),
    responses(
        (status = 200, description = "The doses, voided ones included and marked", body = Vec<Dose>),
        (status = 400, description = "`bad_client_id`", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "`forbidden` or `consent_restricted`", body = ErrorBody),
        (status = 404, description = "No such client", body = ErrorBody),
    ))]
pub async fn immunizations(
    State(state): State<AppState>,
    who: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Dose>>> {
    let client = client_id(&id)?;
    let permit = Permit::<need::ViewClient>::check(who.actor)?;
    clients::open_full_record(&state.registry, &permit, state.clock.as_ref(), client).await?;
    let doses = state.registry.doses_of(client).await?;
    Ok(Json(
        doses
            .into_iter()
            .map(|d| Dose {
                id: d.id.to_string(),
                cvx: d.cvx,
                groups: d.groups,
                administered_on: UsDate::from_date(d.administered_on).to_string(),
                source: match d.source {
                    DoseSource::Administered => "administered",
                    DoseSource::Historical => "historical",
                },
                voided: d.voided,
                lot_number: d.lot_number,
                owner: d.owner.map(|o| o.to_string()),
                revision: d.revision,
            })
            .collect(),
    ))
}

/// One dose from a shot card.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoricalDoseRequest {
    /// CVX.
    pub cvx: String,
    /// Day given, MM/DD/YYYY.
    pub administered_on: String,
    /// Who gave it, as the card says.
    #[serde(default)]
    pub provider: String,
}

/// `POST /v1/clients/{id}/immunizations/historical`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordHistoricalRequest {
    /// The doses; issues name them `doses[i].field`.
    pub doses: Vec<HistoricalDoseRequest>,
    /// The user saw the warnings and saves anyway.
    #[serde(default)]
    pub confirm_warnings: bool,
}

/// A warning to confirm (nothing saved until confirmed).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WarningBody {
    /// Field path.
    pub field: String,
    /// Rule code.
    pub kind: String,
    /// Sentence.
    pub message: String,
}

/// What recording came to.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordedDoses {
    /// Saved (false: confirm the warnings and send again).
    pub saved: bool,
    /// Warnings.
    pub warnings: Vec<WarningBody>,
    /// The new doses' ids.
    pub ids: Vec<String>,
}

/// `POST /v1/clients/{id}/immunizations/historical`: a shot card's doses, all or none.
#[utoipa::path(post, path = "/v1/clients/{id}/immunizations/historical", tag = "clients",
    security(("bearer" = [])), request_body = RecordHistoricalRequest,
    params(("id" = String, Path, description = "Client id")),
    responses(
        (status = 200, description = "Saved, or warnings to confirm (nothing saved)", body = RecordedDoses),
        (status = 400, description = "`bad_client_id`, `bad_json`", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "`forbidden` or `consent_restricted`", body = ErrorBody),
        (status = 404, description = "No such client", body = ErrorBody),
        (status = 409, description = "The record was merged into another", body = ErrorBody),
        (status = 422, description = "Issues by field (`doses[1].cvx`)", body = ErrorBody),
    ))]
pub async fn record_historical_doses(
    State(state): State<AppState>,
    who: Authenticated,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<RecordHistoricalRequest>,
) -> ApiResult<Json<RecordedDoses>> {
    let client = client_id(&id)?;
    let permit = Permit::<need::AddImmunizations>::check(who.actor)?;
    let inputs: Vec<HistoricalDoseInput<'_>> = request
        .doses
        .iter()
        .map(|d| HistoricalDoseInput {
            cvx: &d.cvx,
            administered_on: &d.administered_on,
            provider: &d.provider,
        })
        .collect();
    let doses =
        HistoricalDose::parse_all(&inputs).map_err(shotbook_usecases::UseCaseError::from)?;
    let outcome = record_historical(
        &state.registry,
        &permit,
        state.clock.as_ref(),
        client,
        doses,
        request.confirm_warnings,
    )
    .await?;
    Ok(Json(RecordedDoses {
        saved: outcome.saved,
        warnings: outcome
            .warnings
            .into_iter()
            .map(|w| WarningBody {
                field: w.field,
                kind: w.kind.code().to_string(),
                message: w.message,
            })
            .collect(),
        ids: outcome.ids.iter().map(ToString::to_string).collect(),
    }))
}

/// CDC's short name of each vaccine among `doses`, by CVX, read once per distinct code (a
/// history repeats its vaccines).
pub(crate) async fn vaccine_names(
    registry: &shotbook_server_store::PgRegistry,
    doses: &[shotbook_usecases::ports::StoredDose],
) -> ApiResult<std::collections::HashMap<String, String>> {
    use shotbook_usecases::ports::CatalogReads;
    let mut names = std::collections::HashMap::new();
    for d in doses {
        if names.contains_key(&d.cvx) {
            continue;
        }
        if let Ok(cvx) = shotbook_core::codes::Cvx::parse(&d.cvx) {
            if let Some(v) = registry.vaccine(&cvx).await? {
                names.insert(d.cvx.clone(), v.short_description);
            }
        }
    }
    Ok(names)
}
