//! Keeping a workstation's replica of its organization current: where a new replica starts
//! ([`status`]), the records to fill it ([`snapshot`]) and the changes since ([`pull`]).
//!
//! Rules, once for every host:
//! - Only a role with [`need::ReplicateOrganization`] may hold a replica, and only of the
//!   organization it signed in for. The scope is the organization's clients (home, or an
//!   active relationship — the consent rule shows an organization its own clients whole), its
//!   lots and the registry's organizations; nothing of another organization's clients.
//! - Every client record sent is audited (`replicate_client`), once per client per page, in
//!   the same unit of work that reads nothing else: the audit says which workstation holds it.
//! - Pulls serve only committed transactions below the horizon, so a late commit holds the
//!   pull back and is never skipped; pages are capped ([`MAX_PULL`], [`MAX_SNAPSHOT`]).
//!
//! A replica is filled as the registry's status says: note `horizon`, page through each of
//! `entities` with [`snapshot`], then [`pull`] from `horizon`. What changed meanwhile is pulled
//! again and applied over the snapshot (each change carries the whole record after it).

use std::collections::BTreeSet;

use shotbook_core::audit::AuditAction;
use shotbook_core::clock::Clock;
use shotbook_core::error::ValidationError;
use shotbook_core::ids::ClientId;
use shotbook_protocol::{
    Cursor, Entity, Handshake, PullPage, SnapshotPage, SnapshotRecord, SyncStatus,
};

use crate::ports::{AuditWrites, Registry, SyncReads, UnitOfWork};
use crate::{need, Permit, UseCaseError, UseCaseResult};

/// What a replica holds, parents before children (the order to snapshot them in).
pub const REPLICATED: [Entity; 13] = [
    Entity::Organization,
    Entity::OrganizationLocation,
    Entity::Client,
    Entity::ClientOrganization,
    Entity::ClientName,
    Entity::ClientAddress,
    Entity::ClientResponsiblePerson,
    Entity::ClientConsent,
    Entity::ClientComment,
    Entity::ClientNote,
    Entity::VaccineLot,
    Entity::Immunization,
    Entity::VaccineLotMovement,
];

/// Most changes a pull page returns.
pub const MAX_PULL: u32 = 1_000;
/// Most records a snapshot page returns.
pub const MAX_SNAPSHOT: u32 = 1_000;

/// The registry's side of the session and where a new replica of the actor's organization
/// starts pulling.
pub async fn status<R: Registry + SyncReads>(
    registry: &R,
    permit: &Permit<need::ReplicateOrganization>,
    registry_handshake: Handshake,
) -> UseCaseResult<SyncStatus> {
    Ok(SyncStatus {
        handshake: registry_handshake,
        organization_id: permit.actor().organization_id.to_string(),
        horizon: registry.sync_horizon().await?,
        entities: REPLICATED.to_vec(),
        max_pull: MAX_PULL,
        max_snapshot: MAX_SNAPSHOT,
    })
}

/// The changes in the actor's organization's scope after `after`, at most `limit` (capped at
/// [`MAX_PULL`]); each client concerned is audited.
pub async fn pull<R: Registry + SyncReads>(
    registry: &R,
    permit: &Permit<need::ReplicateOrganization>,
    clock: &dyn Clock,
    after: Cursor,
    limit: u32,
) -> UseCaseResult<PullPage> {
    let limit = limit.clamp(1, MAX_PULL);
    let actor = permit.actor();
    let page = registry
        .changes_in_scope(actor.organization_id, &REPLICATED, after, limit)
        .await?;
    let more = page.changes.len() >= limit as usize;
    // A full page resumes after its last change. A short page saw everything below the
    // horizon, so the next pull need not look at the skipped rows of other scopes again.
    let next_cursor = match page.changes.last() {
        Some(last) if more => last.cursor,
        last => last.map_or(after, |l| l.cursor).max(Cursor {
            transaction: page.horizon.transaction,
            seq: 0,
        }),
    }
    .max(after);
    audit_clients(
        registry,
        permit,
        clock,
        page.changes.iter().filter_map(|c| c.client),
        "sync pull",
    )
    .await?;
    Ok(PullPage {
        changes: page.changes.into_iter().map(|c| c.envelope).collect(),
        next_cursor,
        more,
    })
}

/// One page of `entity`'s records in the actor's organization's scope (only `client`'s when
/// given, to bring a client who just joined the scope in whole), after the id `after`, at most
/// `limit` (capped at [`MAX_SNAPSHOT`]); each client concerned is audited.
pub async fn snapshot<R: Registry + SyncReads>(
    registry: &R,
    permit: &Permit<need::ReplicateOrganization>,
    clock: &dyn Clock,
    entity: Entity,
    client: Option<ClientId>,
    after: Option<&str>,
    limit: u32,
) -> UseCaseResult<SnapshotPage> {
    if !REPLICATED.contains(&entity) {
        return Err(UseCaseError::Invalid(ValidationError::single(
            "entity",
            format!("A replica does not hold {entity} records."),
        )));
    }
    if let Some(after) = after {
        let parts: Vec<&str> = after.split('/').collect();
        let keyed_by_pair = entity == Entity::ClientOrganization;
        let well_formed = parts.len() == if keyed_by_pair { 2 } else { 1 }
            && parts.iter().all(|p| p.parse::<uuid::Uuid>().is_ok());
        if !well_formed {
            return Err(UseCaseError::Invalid(ValidationError::single(
                "after",
                "Send the `nextAfter` of the previous page, or nothing for the first page.",
            )));
        }
    }
    let actor = permit.actor();
    if let Some(client) = client {
        let facts = registry.client_facts(client).await?;
        if !facts.organizations.contains(&actor.organization_id) {
            return Err(UseCaseError::Forbidden {
                permission: "replicate_outside_organization",
            });
        }
    }
    let limit = limit.clamp(1, MAX_SNAPSHOT);
    let records = registry
        .records_in_scope(actor.organization_id, entity, client, after, limit)
        .await?;
    let more = records.len() >= limit as usize;
    audit_clients(
        registry,
        permit,
        clock,
        records.iter().filter_map(|r| r.client),
        &format!("sync snapshot of {entity}"),
    )
    .await?;
    let records: Vec<SnapshotRecord> = records.into_iter().map(|r| r.record).collect();
    Ok(SnapshotPage {
        entity,
        next_after: records.last().map(|r| r.id.clone()),
        records,
        more,
    })
}

/// One `replicate_client` event per client, in one unit of work.
async fn audit_clients<R: Registry>(
    registry: &R,
    permit: &Permit<need::ReplicateOrganization>,
    clock: &dyn Clock,
    clients: impl Iterator<Item = ClientId>,
    how: &str,
) -> UseCaseResult<()> {
    let clients: BTreeSet<ClientId> = clients.collect();
    if clients.is_empty() {
        return Ok(());
    }
    let actor = permit.actor();
    let now = clock.now();
    let mut work = registry.begin(actor.origin(), now).await?;
    for client in clients {
        work.audit(&actor.audit_event(
            now,
            AuditAction::ReplicateClient,
            Some(client),
            Some(how.to_string()),
        ))
        .await?;
    }
    work.commit().await?;
    Ok(())
}
