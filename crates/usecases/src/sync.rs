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
//! - A push ([`push`]) applies a workstation's changes in their outbox order through the use
//!   case of each (recording a dose, voiding it), with the pushing user as the actor: the same
//!   permission, consent and entry rules as online. A replay changes nothing (a dose is known by
//!   its id; a void of a voided dose is done). What the rules refuse comes back as a conflict
//!   with its reason code and is acknowledged, so one refused change never blocks the rest.
//!
//! A replica is filled as the registry's status says: note `horizon`, page through each of
//! `entities` with [`snapshot`], then [`pull`] from `horizon`. What changed meanwhile is pulled
//! again and applied over the snapshot (each change carries the whole record after it).

use std::collections::BTreeSet;

use shotbook_core::audit::AuditAction;
use shotbook_core::clock::Clock;
use shotbook_core::error::ValidationError;
use shotbook_core::ids::ClientId;
use shotbook_core::ids::{ImmunizationId, OrganizationId, UserId, VaccineLotId};
use shotbook_core::immunization::dose::DoseDetails;
use shotbook_core::immunization::entry::DoseSource;
use shotbook_protocol::{
    ChangeEnvelope, ChangeOp, Conflict, ConflictKind, Cursor, Entity, Handshake,
    ImmunizationColumns, PullPage, PushOutcome, SnapshotPage, SnapshotRecord, SyncStatus,
};
use time::Date;

use crate::immunizations::{self, PushedDose};
use crate::ports::{AuditWrites, DoseRecord, Registry, SyncReads, UnitOfWork, VisEdition};
use crate::{need, Permit, PortError, UseCaseError, UseCaseResult};

/// What a replica holds, parents before children (the order to snapshot them in).
pub use shotbook_protocol::REPLICATED;

/// Most changes a pull page returns.
pub const MAX_PULL: u32 = 1_000;
/// Most records a snapshot page returns.
pub const MAX_SNAPSHOT: u32 = 1_000;
/// Most changes one push may carry.
pub const MAX_PUSH: usize = 500;

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
    let events: Vec<_> = clients
        .into_iter()
        .map(|client| {
            actor.audit_event(
                now,
                AuditAction::ReplicateClient,
                Some(client),
                Some(how.to_string()),
            )
        })
        .collect();
    let mut work = registry.begin(actor.origin(), now).await?;
    work.audit_many(&events).await?;
    work.commit().await?;
    Ok(())
}

/// Applies a workstation's changes, oldest first (strictly increasing `seq`, at most
/// [`MAX_PUSH`]). Every change is settled — applied, already applied, or answered by a
/// conflict — until the storage fails; the outcome acknowledges through the last settled one,
/// and the workstation sends the rest again.
pub async fn push<R: Registry>(
    registry: &R,
    permit: &Permit<need::ReplicateOrganization>,
    clock: &dyn Clock,
    changes: &[ChangeEnvelope],
) -> UseCaseResult<PushOutcome> {
    if changes.len() > MAX_PUSH {
        return Err(UseCaseError::Invalid(ValidationError::single(
            "changes",
            format!("Push at most {MAX_PUSH} changes at once."),
        )));
    }
    if let Some(i) = changes.windows(2).position(|w| w[0].seq >= w[1].seq) {
        return Err(UseCaseError::Invalid(ValidationError::single(
            format!("changes[{}].seq", i + 1),
            "Changes go oldest first, each with a larger seq than the one before.",
        )));
    }
    let mut outcome = PushOutcome {
        acknowledged_through: changes.first().map_or(0, |c| c.seq - 1),
        conflicts: Vec::new(),
    };
    for change in changes {
        match apply(registry, permit, clock, change).await {
            Ok(None) => {}
            Ok(Some(conflict)) => outcome.conflicts.push(conflict),
            Err(UseCaseError::Storage(PortError::Failed(e))) => {
                // Nothing settled: the push failed. Otherwise the settled part is acknowledged
                // and the workstation sends the rest again (meeting the failure first).
                if change.seq == changes[0].seq {
                    return Err(UseCaseError::Storage(PortError::Failed(e)));
                }
                return Ok(outcome);
            }
            Err(refused) => outcome.conflicts.push(refusal(change, &refused)),
        }
        outcome.acknowledged_through = change.seq;
    }
    Ok(outcome)
}

/// A change the rules refused, with the reason's stable code.
fn refusal(change: &ChangeEnvelope, error: &UseCaseError) -> Conflict {
    let reason = match error {
        UseCaseError::Invalid(_) => "invalid",
        UseCaseError::Forbidden { permission } => permission,
        UseCaseError::ConsentRestricted(_) => "consent_restricted",
        UseCaseError::NotFound(_) | UseCaseError::Storage(PortError::NotFound(_)) => "not_found",
        UseCaseError::Conflict(_) => "conflict",
        UseCaseError::SignInRefused(_) | UseCaseError::Storage(PortError::Failed(_)) => "refused",
    };
    conflict(change, ConflictKind::Refused, Some(reason))
}

fn conflict(change: &ChangeEnvelope, kind: ConflictKind, reason: Option<&str>) -> Conflict {
    Conflict {
        seq: change.seq,
        entity: change.entity,
        entity_id: change.entity_id.clone(),
        server_revision: None,
        kind,
        reason: reason.map(str::to_string),
    }
}

/// Applies one change: `None` when done (or already done), a conflict to report otherwise.
async fn apply<R: Registry>(
    registry: &R,
    permit: &Permit<need::ReplicateOrganization>,
    clock: &dyn Clock,
    change: &ChangeEnvelope,
) -> UseCaseResult<Option<Conflict>> {
    let actor = permit.actor().clone();
    match (change.entity, change.op) {
        (Entity::Immunization, ChangeOp::Insert) => {
            let add = Permit::<need::AddImmunizations>::check(actor)?;
            let (dose, lot) = dose_record(change)?;
            Ok(
                match immunizations::record_pushed(registry, &add, clock, dose, lot).await? {
                    PushedDose::Recorded | PushedDose::AlreadyRecorded => None,
                    PushedDose::RecordedOnSurvivor(_) => {
                        Some(conflict(change, ConflictKind::MovedToSurvivor, None))
                    }
                },
            )
        }
        (Entity::Immunization, ChangeOp::Void) => {
            let edit = Permit::<need::EditImmunizations>::check(actor)?;
            let columns = immunization_columns(change)?;
            let id = parse_id::<ImmunizationId>("id", &columns.id)?;
            let Some(stored) = registry.dose(id).await? else {
                return Err(UseCaseError::NotFound("immunization"));
            };
            if stored.voided {
                return Ok(None);
            }
            // A void wins over any edit made meanwhile: the dose was entered in error.
            let reason = columns
                .void_reason
                .filter(|r| !r.trim().is_empty())
                .unwrap_or_else(|| "Entered in error".into());
            immunizations::void(registry, &edit, clock, id, reason).await?;
            Ok(None)
        }
        // What a dose did to its lot: the registry's own record or void of the dose writes the
        // same movement (same id: `dose_stock_movement_id`) and counts the lot itself, so these
        // are settled by the dose and the replica pulls the registry's rows back.
        (Entity::VaccineLotMovement, ChangeOp::Insert) if is_dose_stock_movement(change) => {
            Ok(None)
        }
        // A lot's count is the sum of its movements, kept by whoever applies them: the
        // registry's count is the one in force, and the pull brings it.
        (Entity::VaccineLot, ChangeOp::Update) => Ok(None),
        _ => Ok(Some(conflict(
            change,
            ConflictKind::Refused,
            Some("not_pushable"),
        ))),
    }
}

/// Whether a pushed movement is the one a dose wrote when it was given or voided: its id is
/// the one derived from the dose, so it cannot stand for a receipt or an adjustment.
fn is_dose_stock_movement(change: &ChangeEnvelope) -> bool {
    let Some(movement) = change.payload.as_ref() else {
        return false;
    };
    let (Some(kind), Some(dose)) = (
        movement["kind"].as_str(),
        movement["immunization_id"]
            .as_str()
            .and_then(|d| d.parse::<ImmunizationId>().ok()),
    ) else {
        return false;
    };
    matches!(kind, "administered" | "dose_voided")
        && shotbook_core::ids::dose_stock_movement_id(dose, kind).to_string() == change.entity_id
}

fn immunization_columns(change: &ChangeEnvelope) -> UseCaseResult<ImmunizationColumns> {
    match change.payload_as::<ImmunizationColumns>() {
        Some(Ok(columns)) if columns.id == change.entity_id => Ok(columns),
        _ => Err(UseCaseError::Invalid(ValidationError::single(
            "payload",
            "The change does not carry the dose's columns.",
        ))),
    }
}

fn invalid(field: &str) -> UseCaseError {
    UseCaseError::Invalid(ValidationError::single(
        format!("payload.{field}"),
        "This column does not read.",
    ))
}

fn parse_id<T: std::str::FromStr>(field: &str, text: &str) -> UseCaseResult<T> {
    text.parse().map_err(|_| invalid(field))
}

fn parse_date(field: &str, text: &str) -> UseCaseResult<Date> {
    Date::parse(
        text.get(..10).unwrap_or(text),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| invalid(field))
}

fn optional_date(field: &str, text: Option<&str>) -> UseCaseResult<Option<Date>> {
    text.map(|t| parse_date(field, t)).transpose()
}

/// The dose a pushed insert carries, every column read, and the lot it was drawn from.
fn dose_record(change: &ChangeEnvelope) -> UseCaseResult<(DoseRecord, Option<VaccineLotId>)> {
    let c = immunization_columns(change)?;
    let source = match c.source.as_str() {
        "administered" => DoseSource::Administered,
        "historical" => DoseSource::Historical,
        _ => return Err(invalid("source")),
    };
    let recorded_by = c
        .recorded_by
        .as_deref()
        .ok_or_else(|| invalid("recorded_by"))?;
    let recorded_by_organization = c
        .recorded_by_organization_id
        .as_deref()
        .ok_or_else(|| invalid("recorded_by_organization_id"))?;
    let vis = match (&c.vis_document, &c.vis_edition_date) {
        (Some(document), Some(edition)) => Some((
            VisEdition {
                document: document.clone(),
                edition_date: parse_date("vis_edition_date", edition)?,
            },
            optional_date("vis_given_on", c.vis_given_on.as_deref())?,
        )),
        _ => None,
    };
    let record = DoseRecord {
        id: parse_id("id", &c.id)?,
        client: parse_id("client_id", &c.client_id)?,
        cvx: c.cvx,
        mvx: c.mvx,
        administered_on: parse_date("administered_on", &c.administered_on)?,
        lot_number: c.lot_number,
        expiration_date: optional_date("expiration_date", c.expiration_date.as_deref())?,
        source,
        organization: c
            .organization_id
            .as_deref()
            .map(|o| parse_id::<OrganizationId>("organization_id", o))
            .transpose()?,
        details: DoseDetails {
            volume_ml: c.dose_volume_ml,
            route: c.route,
            site: c.site,
            vfc_eligibility: c.vfc_eligibility,
            clinician: c.clinician,
        },
        funding_source: c.funding_source,
        ndc: c.ndc,
        vis,
        historical_provider: c.historical_provider,
        recorded_by: parse_id::<UserId>("recorded_by", recorded_by)?,
        recorded_by_organization: parse_id(
            "recorded_by_organization_id",
            recorded_by_organization,
        )?,
    };
    let lot = c
        .lot_id
        .as_deref()
        .map(|l| parse_id::<VaccineLotId>("lot_id", l))
        .transpose()?;
    Ok((record, lot))
}
