//! Client search — Basic, Smart and Quick — once for every host: the store finds and ranks
//! ([`crate::ports::SearchReads`]), and here each line is trimmed to what the consent rule lets
//! the actor see and every client shown is audited ([`crate::clients::search_results`]).
//!
//! The rule for a client the actor sees by identification only: it is shown by
//! identification only (no guardian, address or organization; only reasons about names, date
//! of birth and sex), and only when a search by identification alone finds it too — never
//! through a restricted field (mother's maiden name, guardian, phone, address, ZIP), so a
//! search never confirms a restricted value.

use std::collections::HashMap;

use shotbook_core::clock::Clock;
use shotbook_core::consent::{reason_shown_without_full_access, ClientAccess};
use shotbook_core::error::{Issue, ValidationError};
use shotbook_core::facility::{served_ages, student_search_issues};
use shotbook_core::ids::ClientId;
use shotbook_core::matching::smart::Bar;
use shotbook_core::matching::PersonRecord;
use shotbook_core::quick_search::QuickSearch;
use shotbook_core::search::BasicSearch;

use crate::clients::{search_results, Found};
use crate::ports::{ClientLine, Registry, ScoredLine};
use crate::{need, Actor, Permit, UseCaseError, UseCaseResult};

/// Most lines a search shows; beyond that the user is asked to refine.
pub const SEARCH_LIMIT: usize = 50;

/// A client a search shows, trimmed to `access`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The line (identification only unless `access` is full).
    pub client: ClientLine,
    /// What the consent rule lets the actor see and do.
    pub access: ClientAccess,
}

/// Basic-search results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasicResults {
    /// In name order, at most [`SEARCH_LIMIT`].
    pub clients: Vec<Listed>,
    /// More matched than shown: ask the user to refine.
    pub truncated: bool,
}

/// A Smart-search match as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredListed {
    /// The line (identification only unless `access` is full).
    pub client: ClientLine,
    /// What the consent rule lets the actor see and do.
    pub access: ClientAccess,
    /// The score (the model's evidence in bits, or the hand-set score).
    pub score: f64,
    /// Why, strongest first; without full access only reasons about names, date of birth and
    /// sex.
    pub reasons: Vec<String>,
    /// More likely than not the same person.
    pub likely: bool,
}

/// Smart-search results.
#[derive(Debug, Clone, PartialEq)]
pub struct SmartResults {
    /// Best first, at most [`SEARCH_LIMIT`].
    pub clients: Vec<ScoredListed>,
    /// More candidates than shown: ask the user to refine.
    pub truncated: bool,
}

/// Quick-search results: exactly one of `basic` (the exact search found clients, or nothing
/// more could be tried) and `smart` (Basic found nobody; ranked probable matches).
#[derive(Debug, Clone, PartialEq)]
pub struct QuickResults {
    /// Basic-search results.
    pub basic: Option<BasicResults>,
    /// Smart-search results.
    pub smart: Option<SmartResults>,
}

/// Basic search: the clients matching every criterion, trimmed by the consent rule (a client
/// seen by identification only is left out when the search used a restricted field), each
/// shown client audited.
pub async fn basic<R: Registry>(
    registry: &R,
    permit: &Permit<need::SearchClients>,
    clock: &dyn Clock,
    criteria: &BasicSearch,
) -> UseCaseResult<BasicResults> {
    facility_search(
        permit.actor(),
        criteria.last_name.is_some(),
        criteria.first_name.is_some(),
        criteria.date_of_birth.is_some(),
        criteria.uses_restricted_fields() || criteria.client_id.is_some(),
    )?;
    let mut rows = registry.basic_search(criteria, SEARCH_LIMIT + 1).await?;
    let truncated = rows.len() > SEARCH_LIMIT;
    rows.truncate(SEARCH_LIMIT);
    // Basic search ANDs its fields: a client it lists matched every one of them.
    let by_identification = !criteria.uses_restricted_fields();
    let found: Vec<Found> = rows
        .iter()
        .map(|r| Found {
            client: r.id,
            by_identification,
        })
        .collect();
    let access = search_results(registry, permit, clock, &found).await?;
    Ok(BasicResults {
        clients: rows
            .into_iter()
            .zip(access)
            .filter_map(|(r, a)| {
                a.map(|access| Listed {
                    client: trimmed(&access, r),
                    access,
                })
            })
            .collect(),
        truncated,
    })
}

/// Smart search: the clients most likely to be `person`, best first, trimmed by the consent
/// rule and audited. A client seen by identification only is shown as a search by
/// identification alone shows it (its score and reasons from names, date of birth and sex),
/// or not at all.
pub async fn smart<R: Registry>(
    registry: &R,
    permit: &Permit<need::SearchClients>,
    clock: &dyn Clock,
    person: &PersonRecord,
) -> UseCaseResult<SmartResults> {
    facility_search(
        permit.actor(),
        !person.family.trim().is_empty(),
        !person.given.trim().is_empty(),
        person.dob.is_some(),
        person.has_restricted_fields(),
    )?;
    let mut ranked = ranked(registry, person).await?;
    let truncated = ranked.len() > SEARCH_LIMIT;
    ranked.truncate(SEARCH_LIMIT);
    // What a search by identification alone finds (only needed when the search also compared
    // restricted fields).
    let by_identification: Option<HashMap<ClientId, ScoredLine>> = if person.has_restricted_fields()
    {
        Some(ranked_by_id(registry, &person.identification_only()).await?)
    } else {
        None
    };
    let found: Vec<Found> = ranked
        .iter()
        .map(|c| Found {
            client: c.client.id,
            // A guardian is a restricted field: found through one is not found by
            // identification.
            by_identification: !c.via_guardian
                && by_identification
                    .as_ref()
                    .is_none_or(|ids| ids.contains_key(&c.client.id)),
        })
        .collect();
    let access = search_results(registry, permit, clock, &found).await?;
    let clients = ranked
        .into_iter()
        .zip(access)
        .filter_map(|(c, a)| {
            let access = a?;
            if access.is_full() {
                return Some(ScoredListed {
                    client: trimmed(&access, c.client),
                    access,
                    score: c.score.score,
                    reasons: c.score.reasons,
                    likely: c.likely,
                });
            }
            let shown = by_identification
                .as_ref()
                .and_then(|ids| ids.get(&c.client.id).cloned())
                .unwrap_or(c);
            Some(ScoredListed {
                client: shown.client.identification_only(),
                access,
                score: shown.score.score,
                reasons: shown
                    .score
                    .reasons
                    .into_iter()
                    .filter(|r| reason_shown_without_full_access(r))
                    .collect(),
                likely: shown.likely,
            })
        })
        .collect();
    Ok(SmartResults { clients, truncated })
}

/// Quick search: reads the box ([`QuickSearch::parse`]; errors name the field `query`) and runs
/// the search it asks for — a client ID or phone number directly, a name and/or date by Basic
/// search, and Smart search when Basic finds nobody (a typo, a swapped date).
pub async fn quick<R: Registry>(
    registry: &R,
    permit: &Permit<need::SearchClients>,
    clock: &dyn Clock,
    query: &str,
) -> UseCaseResult<QuickResults> {
    let only_basic = |r| QuickResults {
        basic: Some(r),
        smart: None,
    };
    let by = |criteria: BasicSearch| basic_owned(registry, permit, clock, criteria);
    let parsed = QuickSearch::parse(query, clock.today())?;
    let student = match &parsed {
        QuickSearch::Person { person, .. } => facility_search(
            permit.actor(),
            !person.family.trim().is_empty(),
            !person.given.trim().is_empty(),
            person.dob.is_some(),
            person.has_restricted_fields(),
        ),
        _ => facility_search(permit.actor(), false, false, false, true),
    };
    if student.is_err() {
        return Err(UseCaseError::Invalid(ValidationError::single(
            "query",
            "Schools and child-care facilities find a student by last name, first name and date of birth (Garcia Sofia 03/14/2019).",
        )));
    }
    match parsed {
        QuickSearch::ClientId { registry_id, phone } => {
            let by_id = by(BasicSearch {
                client_id: Some(registry_id),
                ..BasicSearch::default()
            })
            .await?;
            match phone {
                Some(phone) if by_id.clients.is_empty() => Ok(only_basic(
                    by(BasicSearch {
                        phone: Some(phone),
                        ..BasicSearch::default()
                    })
                    .await?,
                )),
                _ => Ok(only_basic(by_id)),
            }
        }
        QuickSearch::Phone(phone) => Ok(only_basic(
            by(BasicSearch {
                phone: Some(phone),
                ..BasicSearch::default()
            })
            .await?,
        )),
        QuickSearch::Person {
            basic: exact,
            person,
            smart: worth_it,
        } => {
            let exact = match exact {
                Some(criteria) => Some(by(criteria).await?),
                None => None,
            };
            match (exact, worth_it.then_some(person)) {
                (Some(found), _) if !found.clients.is_empty() => Ok(only_basic(found)),
                (_, Some(person)) => Ok(QuickResults {
                    basic: None,
                    smart: Some(smart(registry, permit, clock, &person).await?),
                }),
                (found, None) => Ok(only_basic(found.unwrap_or(BasicResults {
                    clients: Vec::new(),
                    truncated: false,
                }))),
            }
        }
    }
}

/// A school or child-care facility finds a student by last name, first name and date of birth
/// together, and by nothing else ([`shotbook_core::facility`]); other organizations search by
/// any field.
fn facility_search(
    actor: &Actor,
    last_name: bool,
    first_name: bool,
    date_of_birth: bool,
    other_keys: bool,
) -> UseCaseResult<()> {
    if served_ages(actor.organization_kind).is_none() {
        return Ok(());
    }
    let issues: Vec<Issue> =
        student_search_issues(last_name, first_name, date_of_birth, other_keys);
    if issues.is_empty() {
        Ok(())
    } else {
        Err(UseCaseError::Invalid(ValidationError { issues }))
    }
}

/// [`basic`] on criteria it owns (Quick search builds them as it goes).
async fn basic_owned<R: Registry>(
    registry: &R,
    permit: &Permit<need::SearchClients>,
    clock: &dyn Clock,
    criteria: BasicSearch,
) -> UseCaseResult<BasicResults> {
    basic(registry, permit, clock, &criteria).await
}

/// The line as `access` lets it be shown.
fn trimmed(access: &ClientAccess, line: ClientLine) -> ClientLine {
    match (access.is_full(), access.contacts) {
        (true, true) => line,
        (true, false) => line.without_contacts(),
        (false, _) => line.identification_only(),
    }
}

/// Ranked matches, one more than the limit (to tell whether the list is truncated), not yet
/// audited.
async fn ranked<R: Registry>(
    registry: &R,
    person: &PersonRecord,
) -> UseCaseResult<Vec<ScoredLine>> {
    Ok(registry
        .smart_search(person, Bar::POSSIBLE, SEARCH_LIMIT + 1)
        .await?)
}

async fn ranked_by_id<R: Registry>(
    registry: &R,
    person: &PersonRecord,
) -> UseCaseResult<HashMap<ClientId, ScoredLine>> {
    Ok(ranked(registry, person)
        .await?
        .into_iter()
        .map(|c| (c.client.id, c))
        .collect())
}
