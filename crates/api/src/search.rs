//! Smart search (probabilistic, typo-tolerant) and Quick search (one box that reads what was
//! typed). Basic search lives in [`crate::clients`].

use shotbook_core::matching::PersonRecord;
use shotbook_core::matching::DEFAULT_THRESHOLD;
use shotbook_core::search::{SmartSearch, SmartSearchInput};
use shotbook_usecases::search::{self, SmartResults};
use shotbook_usecases::{need, Permit};

use crate::clients::{basic_response, summary, SEARCH_LIMIT};
use crate::dto::{
    QuickSearchRequest, QuickSearchResponse, ScoredClient, SmartSearchRequest, SmartSearchResponse,
};
use crate::error::AppResult;
use crate::AppContext;

/// Smart search: the clients most likely to be the person described, best first, each with
/// its score and the reasons. Every client shown is audited. Add-client's duplicate check
/// calls this too.
pub async fn smart_search(
    ctx: &AppContext,
    request: SmartSearchRequest,
) -> AppResult<SmartSearchResponse> {
    let (permit, _) = ctx.permit::<need::SearchClients>().await?;
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
        ctx.clock().today(),
    )?;
    run_smart(ctx, &permit, &criteria.person).await
}

/// Quick search: reads the box (see [`shotbook_core::quick_search::QuickSearch::parse`]) and
/// runs the search it asks for — a client ID or phone number directly, a name and/or date by
/// Basic search, and Smart search when Basic finds nobody (a typo, a swapped date). Errors
/// name the field `query`. The dispatch, the consent rule and the audit are
/// [`shotbook_usecases::search::quick`]'s.
pub async fn quick_search(
    ctx: &AppContext,
    request: QuickSearchRequest,
) -> AppResult<QuickSearchResponse> {
    let (permit, _) = ctx.permit::<need::SearchClients>().await?;
    let found = search::quick(ctx.store(), &permit, ctx.clock(), &request.query).await?;
    Ok(QuickSearchResponse {
        basic: found.basic.map(basic_response),
        smart: found.smart.map(smart_response),
    })
}

/// Runs a parsed Smart search through [`shotbook_usecases::search::smart`], which trims each
/// line to what the consent rule lets this user see and audits every client shown.
async fn run_smart(
    ctx: &AppContext,
    permit: &Permit<need::SearchClients>,
    person: &PersonRecord,
) -> AppResult<SmartSearchResponse> {
    let found = search::smart(ctx.store(), permit, ctx.clock(), person).await?;
    Ok(smart_response(found))
}

/// Smart results as the UI receives them (scores to one decimal).
fn smart_response(found: SmartResults) -> SmartSearchResponse {
    let truncated = found.truncated;
    let clients: Vec<ScoredClient> = found
        .clients
        .into_iter()
        .map(|c| ScoredClient {
            client: summary(c.client),
            likely: c.likely,
            score: (c.score * 10.0).round() / 10.0,
            reasons: c.reasons,
        })
        .collect();
    tracing::info!(results = clients.len(), truncated, "smart search");
    SmartSearchResponse {
        clients,
        truncated,
        limit: SEARCH_LIMIT,
        likely_score: DEFAULT_THRESHOLD,
    }
}
