//! The consent rule, and a school's or child-care facility's reach, applied through the ports:
//! what an actor may see of a client.

use shotbook_core::consent::{client_access, ClientAccess, ConsentFacts, RecordView, Viewer};
use shotbook_core::facility::{facility_reach, served_ages, OutOfReach};
use shotbook_core::ids::ClientId;
use time::Date;

use crate::ports::{ClientFacts, ClientReads};
use crate::{Actor, UseCaseError, UseCaseResult};

/// What `actor` may see and do with `client` on `today`, by [`client_access`] within the
/// actor's facility reach, read now (a withdrawal applies to the next read).
pub async fn access_to<R: ClientReads>(
    registry: &R,
    actor: &Actor,
    client: ClientId,
    today: Date,
) -> UseCaseResult<ClientAccess> {
    Ok(access_of(
        actor,
        &registry.client_facts(client).await?,
        today,
    ))
}

/// Why the client is beyond the actor's organization's reach (a school or child-care facility
/// reaches the children of its state in the ages it serves), if it is.
pub fn out_of_reach(actor: &Actor, facts: &ClientFacts, today: Date) -> Option<OutOfReach> {
    facility_reach(
        actor.organization_kind,
        &actor.state,
        facts.state.as_deref(),
        facts.date_of_birth,
        today,
    )
    .err()
}

/// [`access_to`], refusing a client beyond the actor's facility reach (`Forbidden` with the
/// reason's code, for the audit of the refusal) instead of answering "nothing".
pub async fn require_in_reach<R: ClientReads>(
    registry: &R,
    actor: &Actor,
    client: ClientId,
    today: Date,
) -> UseCaseResult<ClientAccess> {
    let facts = registry.client_facts(client).await?;
    if let Some(why) = out_of_reach(actor, &facts, today) {
        return Err(UseCaseError::Forbidden {
            permission: why.code(),
        });
    }
    Ok(access_of(actor, &facts, today))
}

/// [`access_to`] for facts already read (a use case that needs the client's facts for its own
/// rules reads them once). Beyond the facility's reach, nothing.
pub fn access_of(actor: &Actor, facts: &ClientFacts, today: Date) -> ClientAccess {
    if out_of_reach(actor, facts, today).is_some() {
        return ClientAccess::NONE;
    }
    let access = client_access(
        Viewer {
            role: actor.role,
            organization_id: actor.organization_id,
            state: &actor.state,
        },
        ConsentFacts {
            status: facts.consent,
            organizations: &facts.organizations,
            state: facts.state.as_deref(),
        },
    );
    // A school or child-care facility verifies immunizations; how to reach the family is not
    // its business through the registry.
    ClientAccess {
        contacts: access.contacts && served_ages(actor.organization_kind).is_none(),
        ..access
    }
}

/// [`access_to`], refusing unless the whole record may be seen (doses, forecast, print).
/// Beyond a facility's reach the refusal names why (`facility_other_state`,
/// `facility_outside_served_ages`), for the audit of the refusal.
pub async fn require_full_record<R: ClientReads>(
    registry: &R,
    actor: &Actor,
    client: ClientId,
    today: Date,
) -> UseCaseResult<ClientAccess> {
    let access = require_in_reach(registry, actor, client, today).await?;
    match access.restriction {
        Some(r) if !access.is_full() => Err(UseCaseError::ConsentRestricted(r)),
        _ if access.view == RecordView::None => Err(UseCaseError::Forbidden {
            permission: shotbook_core::permission::Permission::ViewClient.code(),
        }),
        _ => Ok(access),
    }
}
