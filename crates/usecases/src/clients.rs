//! Reading a client: the consent rule decides what the actor may see, and the read is audited
//! before anything is shown (no audit row, no data: a failed audit write fails the read).

use shotbook_core::audit::AuditAction;
use shotbook_core::clock::Clock;
use shotbook_core::consent::{ClientAccess, RecordView};
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
/// only for another organization without consent), audited with the restriction. A client
/// beyond a school's or child-care facility's reach is refused, and the refusal audited.
pub async fn open_record<R: Registry>(
    registry: &R,
    permit: &Permit<need::ViewClient>,
    clock: &dyn Clock,
    client: ClientId,
) -> UseCaseResult<ClientAccess> {
    let access = denied_audited(
        registry,
        permit.actor(),
        clock,
        client,
        access::require_in_reach(registry, permit.actor(), client, clock.today()).await,
    )
    .await?;
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
    let access = denied_audited(
        registry,
        permit.actor(),
        clock,
        client,
        access::require_full_record(registry, permit.actor(), client, clock.today()).await,
    )
    .await?;
    audit_read(registry, permit, clock, client, &access).await
}

/// Passes `outcome` through; a refusal by the consent rule or the role is audited first
/// (`access_denied`, with the client and why): a pattern of refusals is how a review notices
/// someone probing records they may not see.
pub(crate) async fn denied_audited<R: Registry>(
    registry: &R,
    actor: &crate::Actor,
    clock: &dyn Clock,
    client: ClientId,
    outcome: UseCaseResult<ClientAccess>,
) -> UseCaseResult<ClientAccess> {
    let why = match &outcome {
        Err(crate::UseCaseError::ConsentRestricted(r)) => r.code().to_string(),
        Err(crate::UseCaseError::Forbidden { permission }) => format!("permission {permission}"),
        _ => return outcome,
    };
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    work.audit(&actor.audit_event(
        clock.now(),
        AuditAction::AccessDenied,
        Some(client),
        Some(why),
    ))
    .await?;
    work.commit().await?;
    outcome
}

/// Authorizes printing a client's Official Immunization Record: the whole record under the
/// consent rule and the print right on it. The print is audited with `detail` before the
/// document is made (no audit row, no document).
pub async fn print_record<R: Registry>(
    registry: &R,
    permit: &Permit<need::PrintRecord>,
    clock: &dyn Clock,
    client: ClientId,
    detail: String,
) -> UseCaseResult<ClientAccess> {
    let access = access::require_full_record(registry, permit.actor(), client, clock.today())
        .await
        .and_then(|access| {
            if access.may_print {
                Ok(access)
            } else {
                Err(crate::UseCaseError::Forbidden {
                    permission: <need::PrintRecord as crate::Need>::PERMISSION.code(),
                })
            }
        });
    let access = denied_audited(registry, permit.actor(), clock, client, access).await?;
    audit_print(registry, permit, clock, client, detail).await?;
    Ok(access)
}

/// Audits one more output of a printed record (saved as a PDF, sent to a printer), before it
/// happens.
pub async fn audit_print<R: Registry>(
    registry: &R,
    permit: &Permit<need::PrintRecord>,
    clock: &dyn Clock,
    client: ClientId,
    detail: String,
) -> UseCaseResult<()> {
    let actor = permit.actor();
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    work.audit(&actor.audit_event(
        clock.now(),
        AuditAction::PrintRecord,
        Some(client),
        Some(detail),
    ))
    .await?;
    work.commit().await?;
    Ok(())
}

/// A client a search found, and whether it would have been found by identification alone
/// (names, date of birth, sex, client ID) — not through a restricted field (mother's maiden
/// name, guardian, phone, address, ZIP).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// The client.
    pub client: ClientId,
    /// Found by identification alone.
    pub by_identification: bool,
}

/// What a search may show of each client it found, in order: the whole line, identification
/// only under the consent rule, or nothing (`None`) — a client this user sees by identification
/// only and that was found through a restricted field is left out, so a search never confirms
/// a restricted value, and so is a client the actor may not see at all (beyond a school's or
/// child-care facility's reach). Every client listed is audited as a search result before the list is
/// shown; those left out are not listed and not audited.
pub async fn search_results<R: Registry>(
    registry: &R,
    permit: &Permit<need::SearchClients>,
    clock: &dyn Clock,
    found: &[Found],
) -> UseCaseResult<Vec<Option<ClientAccess>>> {
    let actor = permit.actor();
    let mut shown = Vec::with_capacity(found.len());
    for f in found {
        let access = access::access_to(registry, actor, f.client, clock.today()).await?;
        // Beyond the actor's reach (a school's search for someone it does not serve) the client
        // is not there at all.
        let listed = access.view != RecordView::None && (access.is_full() || f.by_identification);
        shown.push(listed.then_some(access));
    }
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    for (f, access) in found.iter().zip(&shown) {
        if access.is_some() {
            work.audit(&actor.audit_event(
                clock.now(),
                AuditAction::SearchClients,
                Some(f.client),
                None,
            ))
            .await?;
        }
    }
    work.commit().await?;
    Ok(shown)
}
