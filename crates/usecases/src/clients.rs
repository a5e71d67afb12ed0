//! Reading a client: the consent rule decides what the actor may see, and the read is audited
//! before anything is shown (no audit row, no data: a failed audit write fails the read).

use shotbook_core::audit::AuditAction;
use shotbook_core::clock::Clock;
use shotbook_core::consent::ClientAccess;
use shotbook_core::ids::ClientId;

use crate::ports::{AuditWrites, Registry, UnitOfWork};
use crate::{access, need, Permit, UseCaseResult};

/// Audits the read `access` allows (with the restriction, if any), then hands it back.
async fn audit_read<R: Registry>(
    registry: &R,
    permit: &Permit<need::ViewClient>,
    clock: &dyn Clock,
    client: ClientId,
    access: &ClientAccess,
) -> UseCaseResult<ClientAccess> {
    let actor = permit.actor();
    let detail = access
        .restriction
        .map(|r| format!("identification only: {}", r.code()));
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    work.audit(&actor.audit_event(clock.now(), AuditAction::ViewClient, Some(client), detail))
        .await?;
    work.commit().await?;
    Ok(*access)
}

/// Opens a client's record: what the actor may see of it (the whole record, or identification
/// only for another organization without consent), audited with the restriction.
pub async fn open_record<R: Registry>(
    registry: &R,
    permit: &Permit<need::ViewClient>,
    clock: &dyn Clock,
    client: ClientId,
) -> UseCaseResult<ClientAccess> {
    let access = access::access_to(registry, permit.actor(), client).await?;
    audit_read(registry, permit, clock, client, &access).await
}

/// Opens what only the whole record shows (doses, the forecast): refused with
/// `ConsentRestricted` when the actor may see identification only; audited otherwise.
pub async fn open_full_record<R: Registry>(
    registry: &R,
    permit: &Permit<need::ViewClient>,
    clock: &dyn Clock,
    client: ClientId,
) -> UseCaseResult<ClientAccess> {
    let access = access::require_full_record(registry, permit.actor(), client).await?;
    audit_read(registry, permit, clock, client, &access).await
}
