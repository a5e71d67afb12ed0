//! Finding and reading clients.

use shotbook_core::date::{Age, UsDate};
use shotbook_core::immunization::dose::may_change;
use shotbook_core::search::{BasicSearch, BasicSearchInput};
use shotbook_store::clients::{self, ClientRow};
use shotbook_store::immunizations;
use shotbook_usecases::clients as usecases;
use shotbook_usecases::ports::ClientLine;
use shotbook_usecases::search::{self, BasicResults};
use shotbook_usecases::{need, Permit};
use time::Date;

use crate::convert::us_date;
use crate::dto::{
    ClientDetails, ClientRecord, ClientSummary, GetClientRequest, ImmunizationEntry,
    SearchClientsRequest, SearchClientsResponse,
};
use crate::error::{AppError, AppResult};
use crate::AppContext;

pub use crate::search::smart_search;

/// Most rows a search shows; beyond that the user is asked to refine (the use cases' limit).
pub const SEARCH_LIMIT: i32 = search::SEARCH_LIMIT as i32;

/// Basic search (names, date of birth, gender, mother's maiden name, guardian, phone, address,
/// ZIP, client ID). Every client shown is audited.
pub async fn search_clients(
    ctx: &AppContext,
    request: SearchClientsRequest,
) -> AppResult<SearchClientsResponse> {
    let (permit, _) = ctx.permit::<need::SearchClients>().await?;
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
        ctx.clock().today(),
    )?;
    basic_search(ctx, &permit, &criteria).await
}

/// Runs a parsed Basic search through [`shotbook_usecases::search::basic`], which trims each
/// line to what the consent rule lets this user see and audits every client shown.
async fn basic_search(
    ctx: &AppContext,
    permit: &Permit<need::SearchClients>,
    criteria: &BasicSearch,
) -> AppResult<SearchClientsResponse> {
    let found = search::basic(ctx.store(), permit, ctx.clock(), criteria).await?;
    Ok(basic_response(found))
}

/// Basic results as the UI receives them.
pub(crate) fn basic_response(found: BasicResults) -> SearchClientsResponse {
    tracing::info!(
        results = found.clients.len(),
        truncated = found.truncated,
        "basic search"
    );
    SearchClientsResponse {
        clients: found
            .clients
            .into_iter()
            .map(|l| summary(l.client))
            .collect(),
        truncated: found.truncated,
        limit: SEARCH_LIMIT,
    }
}

/// Opens a client's record: demographics and immunization history, as far as the consent rule
/// allows (identification only, without doses, for another organization when consent is not
/// granted). Audited, with the restriction in the detail.
pub async fn get_client(ctx: &AppContext, request: GetClientRequest) -> AppResult<ClientRecord> {
    let (permit, session) = ctx.permit::<need::ViewClient>().await?;
    let id = crate::convert::client_id(&request.client_id)?;
    let access = usecases::open_record(ctx.store(), &permit, ctx.clock(), id).await?;
    let row = clients::get(ctx.store(), id).await?;
    let doses = if access.is_full() {
        immunizations::for_client(ctx.store(), id).await?
    } else {
        Vec::new()
    };
    // Never quote the stored value: it is a date of birth, and internal errors are logged.
    let dob = UsDate::parse(&row.date_of_birth)
        .map_err(|_| AppError::internal("a stored date of birth is not a date"))?;
    let today = ctx.clock().today();
    let mut client = details(row, dob, today);
    if !access.is_full() {
        client = identification_only(client);
    } else if !access.contacts {
        client = without_contacts(client);
    }
    Ok(ClientRecord {
        access: crate::consent::record_access(&access),
        immunizations: doses
            .into_iter()
            .map(|d| {
                let on = UsDate::parse(&d.administered_on).ok();
                let can_change = d.status == "completed"
                    && may_change(
                        session.role,
                        session.organization_id,
                        d.owner().and_then(|o| o.parse().ok()),
                    );
                ImmunizationEntry {
                    age_at_dose: on.map(|on| age_text(dob, on.date())).unwrap_or_default(),
                    administered_on: on.map_or(d.administered_on.clone(), |on| on.to_string()),
                    id: d.id,
                    cvx: d.cvx.clone(),
                    vaccine: d.vaccine.unwrap_or_else(|| format!("CVX {}", d.cvx)),
                    trade_name: d.trade_name,
                    vaccine_groups: d.vaccine_groups.unwrap_or_default(),
                    mvx: d.mvx,
                    manufacturer: d.manufacturer,
                    lot_number: d.lot_number,
                    expiration_date: d.expiration_date.as_deref().map(us_date),
                    dose_volume_ml: d.dose_volume_ml,
                    route: d.route,
                    site: d.site,
                    source: d.source,
                    organization_name: d.organization_name,
                    clinician: d.clinician,
                    funding_source: d.funding_source,
                    vfc_eligibility: d.vfc_eligibility,
                    can_change,
                    status: d.status,
                    void_reason: d.void_reason,
                    ndc: d.ndc,
                    vis_document_name: d.vis_document_name,
                    vis_edition_date: d.vis_edition_date.as_deref().map(us_date),
                    vis_given_on: d.vis_given_on.as_deref().map(us_date),
                    historical_provider: d.historical_provider,
                    from_inventory_lot: d.lot_id.is_some(),
                    revision: i32::try_from(d.revision).unwrap_or(i32::MAX),
                }
            })
            .collect(),
        client,
    })
}

/// What a user of another organization sees of a client without consent: name, date of birth,
/// age, gender, client ID and the consent status.
fn identification_only(c: ClientDetails) -> ClientDetails {
    ClientDetails {
        mother_maiden_name: None,
        address_line1: None,
        city: None,
        state: None,
        county: None,
        zip: None,
        phone: None,
        guardian_name: None,
        guardian_relationship: None,
        organization_name: None,
        ..c
    }
}

/// What a school or child-care facility sees of a client it serves: the record, not how to
/// reach the family.
fn without_contacts(c: ClientDetails) -> ClientDetails {
    ClientDetails {
        organization_name: c.organization_name.clone(),
        ..identification_only(c)
    }
}

/// [`Age`] in English: "14 months" under two years, "7 years" after; "3 weeks" / "5 days" for
/// newborns.
pub fn age_text(dob: UsDate, on: Date) -> String {
    let unit = |n: i64, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    match Age::on(dob, on) {
        Age::Years(y) => unit(i64::from(y), "year", "years"),
        Age::Months(m) => unit(i64::from(m), "month", "months"),
        Age::Weeks(w) => unit(w, "week", "weeks"),
        Age::Days(d) => unit(d, "day", "days"),
    }
}

/// A result line as the UI shows it (already trimmed by the consent rule).
pub(crate) fn summary(r: ClientLine) -> ClientSummary {
    let place = [r.city.as_deref(), r.state.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let address = match (place.is_empty(), r.zip.as_deref()) {
        (true, None) => None,
        (true, Some(zip)) => Some(zip.to_string()),
        (false, None) => Some(place),
        (false, Some(zip)) => Some(format!("{place} {zip}")),
    };
    ClientSummary {
        date_of_birth: us_date(&r.date_of_birth),
        id: r.id.to_string(),
        registry_id: r.registry_id,
        first_name: r.first_name,
        middle_name: r.middle_name,
        last_name: r.last_name,
        gender: r.gender,
        guardian_name: r.guardian_name,
        address,
        organization_name: r.organization_name,
    }
}

fn details(r: ClientRow, dob: UsDate, today: Date) -> ClientDetails {
    let guardian_name = match (&r.guardian_first_name, &r.guardian_last_name) {
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (None, Some(l)) => Some(l.clone()),
        _ => None,
    };
    ClientDetails {
        age: age_text(dob, today),
        date_of_birth: dob.to_string(),
        id: r.id,
        registry_id: r.registry_id,
        first_name: r.first_name,
        middle_name: r.middle_name,
        last_name: r.last_name,
        suffix: r.suffix,
        gender: r.gender,
        mother_maiden_name: r.mother_maiden_name,
        address_line1: r.address_line1,
        city: r.city,
        state: r.state,
        county: r.county,
        zip: r.zip,
        phone: r.phone,
        guardian_name,
        guardian_relationship: r.guardian_relationship,
        consent: r.consent_status,
        status: r.status,
        organization_name: r.organization_name,
        merged_into: r.merged_into,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn dob(s: &str) -> UsDate {
        UsDate::parse(s).unwrap()
    }

    #[test]
    fn ages_read_like_a_clinician_says_them() {
        assert_eq!(age_text(dob("2026-11-01"), date!(2026 - 11 - 05)), "4 days");
        assert_eq!(
            age_text(dob("2026-10-01"), date!(2026 - 10 - 20)),
            "2 weeks"
        );
        assert_eq!(
            age_text(dob("2026-09-22"), date!(2026 - 11 - 22)),
            "2 months"
        );
        assert_eq!(
            age_text(dob("2025-09-23"), date!(2026 - 11 - 22)),
            "13 months"
        );
        assert_eq!(
            age_text(dob("2019-03-14"), date!(2026 - 11 - 22)),
            "7 years"
        );
    }
}
