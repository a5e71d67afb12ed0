//! Smart search (probabilistic, typo-tolerant) and Quick search (one box that reads what was
//! typed). Basic search lives in [`crate::clients`].

use shotbook_core::consent::reason_shown_without_full_access;
use shotbook_core::matching::PersonRecord;
use shotbook_core::matching::DEFAULT_THRESHOLD;
use shotbook_core::quick_search::QuickSearch;
use shotbook_core::search::{BasicSearch, SmartSearch, SmartSearchInput};
use shotbook_store::{clients, match_index};
use shotbook_usecases::clients as usecases;
use shotbook_usecases::{need, Permit};

use crate::clients::{basic_search, summary, SEARCH_LIMIT};
use crate::dto::{
    QuickSearchRequest, QuickSearchResponse, ScoredClient, SearchClientsResponse,
    SmartSearchRequest, SmartSearchResponse,
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
    run_smart(ctx, &permit, &criteria).await
}

/// Quick search: reads the box (see [`QuickSearch::parse`]) and runs the search it asks for —
/// a client ID or phone number directly, a name and/or date by Basic search, and Smart search
/// when Basic finds nobody (a typo, a swapped date). Errors name the field `query`.
pub async fn quick_search(
    ctx: &AppContext,
    request: QuickSearchRequest,
) -> AppResult<QuickSearchResponse> {
    let (permit, _) = ctx.permit::<need::SearchClients>().await?;
    let permit = &permit;
    let basic = |criteria: BasicSearch| async move { basic_search(ctx, permit, &criteria).await };
    let only_basic = |r| QuickSearchResponse {
        basic: Some(r),
        smart: None,
    };
    match QuickSearch::parse(&request.query, ctx.clock().today())? {
        QuickSearch::ClientId { registry_id, phone } => {
            let by_id = basic(BasicSearch {
                client_id: Some(registry_id),
                ..BasicSearch::default()
            })
            .await?;
            match phone {
                Some(phone) if by_id.clients.is_empty() => Ok(only_basic(
                    basic(BasicSearch {
                        phone: Some(phone),
                        ..BasicSearch::default()
                    })
                    .await?,
                )),
                _ => Ok(only_basic(by_id)),
            }
        }
        QuickSearch::Phone(phone) => Ok(only_basic(
            basic(BasicSearch {
                phone: Some(phone),
                ..BasicSearch::default()
            })
            .await?,
        )),
        QuickSearch::Person {
            basic: exact,
            person,
            smart,
        } => {
            let smart = smart.then_some(person);
            let exact = match exact {
                Some(criteria) => Some(basic(criteria).await?),
                None => None,
            };
            match (exact, smart) {
                (Some(found), _) if !found.clients.is_empty() => Ok(only_basic(found)),
                (_, Some(person)) => Ok(QuickSearchResponse {
                    basic: None,
                    smart: Some(run_smart(ctx, permit, &SmartSearch { person }).await?),
                }),
                (found, None) => Ok(only_basic(found.unwrap_or(SearchClientsResponse {
                    clients: Vec::new(),
                    truncated: false,
                    limit: SEARCH_LIMIT,
                }))),
            }
        }
    }
}

/// Runs a parsed Smart search, trims each line to what the consent rule lets this user see,
/// and audits every client shown.
async fn run_smart(
    ctx: &AppContext,
    permit: &Permit<need::SearchClients>,
    criteria: &SmartSearch,
) -> AppResult<SmartSearchResponse> {
    let (mut clients, via_guardian) = scored(ctx, &criteria.person).await?;
    let truncated = clients.len() > SEARCH_LIMIT as usize;
    clients.truncate(SEARCH_LIMIT as usize);
    // What a search by identification alone finds (only needed when the search also compared
    // restricted fields): a client seen by identification only is shown as that search shows
    // it — its score and reasons from names, date of birth and sex — or not at all.
    let by_identification: Option<std::collections::HashMap<String, ScoredClient>> =
        if criteria.person.has_restricted_fields() {
            Some(
                scored(ctx, &criteria.person.identification_only())
                    .await?
                    .0
                    .into_iter()
                    .map(|c| (c.client.id.clone(), c))
                    .collect(),
            )
        } else {
            None
        };
    let found: Vec<usecases::Found> = clients
        .iter()
        .map(|c| {
            Ok(usecases::Found {
                client: crate::convert::client_id(&c.client.id)?,
                // A guardian is a restricted field: found through one is not found by
                // identification.
                by_identification: !via_guardian.contains(&c.client.id)
                    && by_identification
                        .as_ref()
                        .is_none_or(|ids| ids.contains_key(&c.client.id)),
            })
        })
        .collect::<AppResult<_>>()?;
    let access = usecases::search_results(ctx.store(), permit, ctx.clock(), &found).await?;
    let clients: Vec<ScoredClient> = clients
        .into_iter()
        .zip(&access)
        .filter_map(|(c, a)| {
            let a = a.as_ref()?;
            if a.is_full() {
                return Some(c);
            }
            let shown = by_identification
                .as_ref()
                .and_then(|ids| ids.get(&c.client.id).cloned())
                .unwrap_or(c);
            Some(ScoredClient {
                client: crate::consent::summary_for(a, shown.client),
                reasons: shown
                    .reasons
                    .into_iter()
                    .filter(|r| reason_shown_without_full_access(r))
                    .collect(),
                ..shown
            })
        })
        .collect();
    tracing::info!(results = clients.len(), truncated, "smart search");
    Ok(SmartSearchResponse {
        clients,
        truncated,
        limit: SEARCH_LIMIT,
        likely_score: DEFAULT_THRESHOLD,
    })
}

/// Ranked candidates (one more than the limit, to tell whether the list is truncated), not
/// yet audited, and the ids of those found through a guardian's name.
async fn scored(
    ctx: &AppContext,
    person: &PersonRecord,
) -> AppResult<(Vec<ScoredClient>, std::collections::HashSet<String>)> {
    let matches = match_index::smart_search(
        ctx.store(),
        person,
        match_index::Bar::POSSIBLE,
        SEARCH_LIMIT as usize + 1,
    )
    .await?;
    let ids: Vec<String> = matches.iter().map(|m| m.client_id.clone()).collect();
    let via_guardian = matches
        .iter()
        .filter(|m| m.via_guardian)
        .map(|m| m.client_id.clone())
        .collect();
    let mut rows: std::collections::HashMap<String, _> =
        clients::summaries_by_id(ctx.store(), &ids)
            .await?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
    let clients = matches
        .into_iter()
        .filter_map(|m| rows.remove(&m.client_id).map(|row| (row, m)))
        .map(|(row, m)| ScoredClient {
            client: summary(row),
            likely: m.likely,
            score: (m.score.score * 10.0).round() / 10.0,
            reasons: m.score.reasons,
        })
        .collect();
    Ok((clients, via_guardian))
}
