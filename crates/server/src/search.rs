//! Client search over the API — Basic, Smart and Quick — through the same use cases as the
//! desktop ([`shotbook_usecases::search`]): the same blocking keys and ranking, the consent
//! rule (a client seen by identification only is listed by identification only, never
//! through a restricted field) and an audit row per client shown. Bodies and answers are the
//! desktop's requests and result lists (camelCase, MM/DD/YYYY).

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use shotbook_core::date::UsDate;
use shotbook_core::matching::DEFAULT_THRESHOLD;
use shotbook_core::search::{BasicSearch, BasicSearchInput, SmartSearch, SmartSearchInput};
use shotbook_usecases::ports::ClientLine;
use shotbook_usecases::search::{self, BasicResults, QuickResults, SmartResults, SEARCH_LIMIT};
use shotbook_usecases::{need, Permit, UseCaseError};

use crate::auth::Authenticated;
use crate::error::{ApiJson, ApiResult, ErrorBody};
use crate::AppState;

/// `POST /v1/clients/search/basic`: every field optional (empty means not given); a last
/// name, date of birth, phone, ZIP or client ID is required.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct BasicSearchRequest {
    /// Last-name prefix (accents and case ignored).
    pub last_name: String,
    /// First-name prefix.
    pub first_name: String,
    /// Middle-name prefix.
    pub middle_name: String,
    /// Date of birth, MM/DD/YYYY.
    pub date_of_birth: String,
    /// F, M, X or U.
    pub gender: String,
    /// Mother's maiden name prefix.
    pub mother_maiden_name: String,
    /// Prefix of a guardian's first or last name.
    pub guardian_name: String,
    /// Phone number (any punctuation).
    pub phone: String,
    /// Words of the street line.
    pub address: String,
    /// ZIP (5 or 9 digits, or its first 3).
    pub zip: String,
    /// Registry client ID.
    pub client_id: String,
}

/// `POST /v1/clients/search/smart`: the person described; a last name or a date of birth is
/// required.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct SmartSearchRequest {
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// Middle name or initial.
    pub middle_name: String,
    /// Date of birth, MM/DD/YYYY (other common forms, and a swapped day and month, are read
    /// too).
    pub date_of_birth: String,
    /// F or M; anything else is "not given".
    pub gender: String,
    /// Mother's maiden name.
    pub mother_maiden_name: String,
    /// Street line.
    pub address: String,
    /// ZIP.
    pub zip: String,
}

/// `POST /v1/clients/search/quick`: one box.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct QuickSearchRequest {
    /// What was typed: a name, a date of birth, a client ID, a phone number, or a name with a
    /// date ("garcia 3/14/2019").
    pub query: String,
}

/// One line of a result list. Without full access to the record (another organization, no
/// consent) only its identification: no guardian, address or organization.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientSummary {
    /// Client id.
    pub id: String,
    /// Registry client number.
    pub registry_id: Option<String>,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// MM/DD/YYYY.
    pub date_of_birth: String,
    /// F, M, X, U.
    pub gender: String,
    /// Guardian.
    pub guardian_name: Option<String>,
    /// City, state ZIP.
    pub address: Option<String>,
    /// Home organization.
    pub organization_name: Option<String>,
}

/// Basic-search results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchClientsResponse {
    /// Matches in name order, at most `limit`.
    pub clients: Vec<ClientSummary>,
    /// More matched than shown: ask the user to refine.
    pub truncated: bool,
    /// Most rows a search returns.
    pub limit: i32,
}

/// One Smart-search result.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScoredClient {
    /// The list line.
    pub client: ClientSummary,
    /// Match score (sum of log-likelihood weights, one decimal); at or above `likelyScore` is
    /// a likely match.
    pub score: f64,
    /// What agreed or disagreed, strongest first ("DOB exact", "surname sounds alike").
    pub reasons: Vec<String>,
    /// The score reaches the likely-match threshold.
    pub likely: bool,
}

/// Smart-search results, best first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SmartSearchResponse {
    /// Candidates at or above the listing threshold, best first, at most `limit`.
    pub clients: Vec<ScoredClient>,
    /// More candidates than shown: ask the user to refine.
    pub truncated: bool,
    /// Most rows a search returns.
    pub limit: i32,
    /// Score from which a candidate is a likely match.
    pub likely_score: f64,
}

/// Quick-search results: exactly one of `basic` and `smart`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QuickSearchResponse {
    /// Basic-search results (the exact search found clients, or nothing more could be tried).
    pub basic: Option<SearchClientsResponse>,
    /// Smart-search results (Basic found nobody).
    pub smart: Option<SmartSearchResponse>,
}

fn limit() -> i32 {
    i32::try_from(SEARCH_LIMIT).unwrap_or(i32::MAX)
}

/// The list line as the desktop shows it.
pub fn summary(c: ClientLine) -> ClientSummary {
    let place = [c.city.as_deref(), c.state.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let address = match (place.is_empty(), c.zip.as_deref()) {
        (true, None) => None,
        (true, Some(zip)) => Some(zip.to_string()),
        (false, None) => Some(place),
        (false, Some(zip)) => Some(format!("{place} {zip}")),
    };
    ClientSummary {
        // An impossible stored date (an old import) is shown as recorded.
        date_of_birth: UsDate::parse(&c.date_of_birth)
            .map_or_else(|_| c.date_of_birth.clone(), |d| d.to_string()),
        id: c.id.to_string(),
        registry_id: c.registry_id,
        first_name: c.first_name,
        middle_name: c.middle_name,
        last_name: c.last_name,
        gender: c.gender,
        guardian_name: c.guardian_name,
        address,
        organization_name: c.organization_name,
    }
}

/// Basic results as the API answers them.
pub fn basic_response(r: BasicResults) -> SearchClientsResponse {
    SearchClientsResponse {
        clients: r.clients.into_iter().map(|l| summary(l.client)).collect(),
        truncated: r.truncated,
        limit: limit(),
    }
}

/// Smart results as the API answers them.
pub fn smart_response(r: SmartResults) -> SmartSearchResponse {
    SmartSearchResponse {
        clients: r
            .clients
            .into_iter()
            .map(|c| ScoredClient {
                client: summary(c.client),
                score: (c.score * 10.0).round() / 10.0,
                reasons: c.reasons,
                likely: c.likely,
            })
            .collect(),
        truncated: r.truncated,
        limit: limit(),
        likely_score: DEFAULT_THRESHOLD,
    }
}

/// Quick results as the API answers them.
pub fn quick_response(r: QuickResults) -> QuickSearchResponse {
    QuickSearchResponse {
        basic: r.basic.map(basic_response),
        smart: r.smart.map(smart_response),
    }
}

/// `POST /v1/clients/search/basic`.
#[utoipa::path(post, path = "/v1/clients/search/basic", tag = "search", security(("bearer" = [])),
    request_body = BasicSearchRequest,
    responses(
        (status = 400, description = "`bad_json`: the body is not the JSON described", body = ErrorBody),
        (status = 413, description = "`body_too_large`", body = ErrorBody),
        (status = 200, description = "Matches in name order; lines trimmed by the consent rule; each audited", body = SearchClientsResponse),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "`forbidden` (the role may not search clients)", body = ErrorBody),
        (status = 422, description = "Issues by field (`lastName`, `dateOfBirth` …)", body = ErrorBody),
    ))]
pub async fn basic(
    State(state): State<AppState>,
    who: Authenticated,
    ApiJson(request): ApiJson<BasicSearchRequest>,
) -> ApiResult<Json<SearchClientsResponse>> {
    let permit = Permit::<need::SearchClients>::check(who.actor)?;
    let criteria = BasicSearch::parse(
        BasicSearchInput {
            last_name: &request.last_name,
            first_name: &request.first_name,
            middle_name: &request.middle_name,
            date_of_birth: &request.date_of_birth,
            gender: &request.gender,
            mother_maiden_name: &request.mother_maiden_name,
            guardian_name: &request.guardian_name,
            phone: &request.phone,
            address: &request.address,
            zip: &request.zip,
            client_id: &request.client_id,
        },
        state.clock.today(),
    )
    .map_err(UseCaseError::from)?;
    let found = search::basic(&state.registry, &permit, state.clock.as_ref(), &criteria).await?;
    Ok(Json(basic_response(found)))
}

/// `POST /v1/clients/search/smart`.
#[utoipa::path(post, path = "/v1/clients/search/smart", tag = "search", security(("bearer" = [])),
    request_body = SmartSearchRequest,
    responses(
        (status = 400, description = "`bad_json`: the body is not the JSON described", body = ErrorBody),
        (status = 413, description = "`body_too_large`", body = ErrorBody),
        (status = 200, description = "Ranked matches, best first; lines and reasons trimmed by the consent rule; each audited", body = SmartSearchResponse),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "`forbidden` (the role may not search clients)", body = ErrorBody),
        (status = 422, description = "Issues by field (`lastName`, `dateOfBirth`)", body = ErrorBody),
    ))]
pub async fn smart(
    State(state): State<AppState>,
    who: Authenticated,
    ApiJson(request): ApiJson<SmartSearchRequest>,
) -> ApiResult<Json<SmartSearchResponse>> {
    let permit = Permit::<need::SearchClients>::check(who.actor)?;
    let criteria = SmartSearch::parse(
        SmartSearchInput {
            last_name: &request.last_name,
            first_name: &request.first_name,
            middle_name: &request.middle_name,
            date_of_birth: &request.date_of_birth,
            gender: &request.gender,
            mother_maiden_name: &request.mother_maiden_name,
            address: &request.address,
            zip: &request.zip,
        },
        state.clock.today(),
    )
    .map_err(UseCaseError::from)?;
    let found = search::smart(
        &state.registry,
        &permit,
        state.clock.as_ref(),
        &criteria.person,
    )
    .await?;
    Ok(Json(smart_response(found)))
}

/// `POST /v1/clients/search/quick`.
#[utoipa::path(post, path = "/v1/clients/search/quick", tag = "search", security(("bearer" = [])),
    request_body = QuickSearchRequest,
    responses(
        (status = 400, description = "`bad_json`: the body is not the JSON described", body = ErrorBody),
        (status = 413, description = "`body_too_large`", body = ErrorBody),
        (status = 200, description = "Basic results, or Smart results when Basic found nobody", body = QuickSearchResponse),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "`forbidden` (the role may not search clients)", body = ErrorBody),
        (status = 422, description = "What cannot be read, on the field `query`", body = ErrorBody),
    ))]
pub async fn quick(
    State(state): State<AppState>,
    who: Authenticated,
    ApiJson(request): ApiJson<QuickSearchRequest>,
) -> ApiResult<Json<QuickSearchResponse>> {
    let permit = Permit::<need::SearchClients>::check(who.actor)?;
    let found = search::quick(
        &state.registry,
        &permit,
        state.clock.as_ref(),
        &request.query,
    )
    .await?;
    Ok(Json(quick_response(found)))
}
