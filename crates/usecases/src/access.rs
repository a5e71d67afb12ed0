//! The consent rule applied through the ports: what an actor may see of a client.

use shotbook_core::consent::{client_access, ClientAccess, ConsentFacts, RecordView, Viewer};
use shotbook_core::ids::ClientId;

use crate::ports::{ClientFacts, ClientReads};
use crate::{Actor, UseCaseError, UseCaseResult};

/// What `actor` may see and do with `client`, by [`client_access`], read now (a withdrawal
/// applies to the next read).
pub async fn access_to<R: ClientReads>(
    registry: &R,
    actor: &Actor,
    client: ClientId,
) -> UseCaseResult<ClientAccess> {
    Ok(access_of(actor, &registry.client_facts(client).await?))
}

/// [`client_access`] for facts already read (a use case that needs the client's facts for its
/// own rules reads them once).
pub fn access_of(actor: &Actor, facts: &ClientFacts) -> ClientAccess {
    client_access(
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
    )
}

/// [`access_to`], refusing unless the whole record may be seen (doses, forecast, print).
pub async fn require_full_record<R: ClientReads>(
    registry: &R,
    actor: &Actor,
    client: ClientId,
) -> UseCaseResult<ClientAccess> {
    let access = access_to(registry, actor, client).await?;
    match access.restriction {
        Some(r) if !access.is_full() => Err(UseCaseError::ConsentRestricted(r)),
        _ if access.view == RecordView::None => Err(UseCaseError::Forbidden {
            permission: shotbook_core::permission::Permission::ViewClient.code(),
        }),
        _ => Ok(access),
    }
}
