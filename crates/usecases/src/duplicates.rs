//! Two records of one person: merging them, undoing a merge, and telling the queue they are
//! two people. Both records must be visible in full to the actor; every resolution is audited
//! on both records in its unit of work, and guarded there so a double click acts once.

use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::clock::Clock;
use shotbook_core::error::ValidationError;
use shotbook_core::ids::ClientId;

use crate::ports::{AuditWrites, DuplicateWrites, PairResolution, Registry, UnitOfWork};
use crate::{access, need, Actor, Permit, UseCaseError, UseCaseResult};

fn audit_event(
    clock: &dyn Clock,
    actor: &Actor,
    action: AuditAction,
    client: ClientId,
    detail: String,
) -> AuditEvent {
    actor.audit_event(clock.now(), action, Some(client), Some(detail))
}

fn already_resolved() -> UseCaseError {
    ValidationError::single("pairId", "This pair is already resolved.").into()
}

/// Merges a queued pair into `survivor`: every dose, name (as an AKA) and organization of the
/// other record moves to it; the other record stays, marked merged. Both records must be
/// visible in full to the actor and have the same consent status. Returns the merge's id.
pub async fn merge<R: Registry>(
    registry: &R,
    permit: &Permit<need::MergeClients>,
    clock: &dyn Clock,
    pair_id: &str,
    survivor: ClientId,
) -> UseCaseResult<String> {
    merge_noted(registry, permit, clock, pair_id, survivor, "").await
}

/// Merges a queued pair because the deduplication job found its probability at or above the
/// automatic bar the operator set (off unless set): the same checks, moves and audit as
/// [`merge`] — access to both records in full, equal consent, the pair still open — and the
/// audit entries say it was automatic, at which probability and bar. Undone like any merge.
pub async fn auto_merge<R: Registry>(
    registry: &R,
    permit: &Permit<need::MergeClients>,
    clock: &dyn Clock,
    pair_id: &str,
    survivor: ClientId,
    probability: f64,
    bar: f64,
) -> UseCaseResult<String> {
    if probability.is_nan() || probability < bar {
        return Err(ValidationError::single(
            "probability",
            "Below the automatic merge bar: a person reviews this pair.",
        )
        .into());
    }
    let note = format!(" (automatic: match probability {probability:.6} at bar {bar})");
    merge_noted(registry, permit, clock, pair_id, survivor, &note).await
}

async fn merge_noted<R: Registry>(
    registry: &R,
    permit: &Permit<need::MergeClients>,
    clock: &dyn Clock,
    pair_id: &str,
    survivor: ClientId,
    note: &str,
) -> UseCaseResult<String> {
    let actor = permit.actor();
    let pair = registry
        .pair(pair_id)
        .await?
        .ok_or(UseCaseError::NotFound("duplicate pair"))?;
    if !pair.open {
        return Err(already_resolved());
    }
    let merged = if survivor == pair.a {
        pair.b
    } else if survivor == pair.b {
        pair.a
    } else {
        return Err(
            ValidationError::single("survivorId", "Keep one of the pair's two records.").into(),
        );
    };
    for id in [survivor, merged] {
        access::require_full_record(registry, actor, id, clock.today()).await?;
    }
    let a = registry.client_facts(survivor).await?.consent;
    let b = registry.client_facts(merged).await?.consent;
    if a != b {
        return Err(ValidationError::single(
            "survivorId",
            format!(
                "The records' consent differs ({} and {}). Record the client's current consent on both first.",
                a.code().replace('_', " "),
                b.code().replace('_', " ")
            ),
        )
        .into());
    }
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    if !work
        .resolve_open_pair(&pair.id, PairResolution::Merged, actor.user_id)
        .await?
    {
        return Err(already_resolved());
    }
    let merge = work
        .merge_clients(survivor, merged, Some(&pair.id), actor.user_id)
        .await?;
    for (client, detail) in [
        (
            survivor,
            format!("merge {merge}: kept, received {merged}{note}"),
        ),
        (
            merged,
            format!("merge {merge}: merged into {survivor}{note}"),
        ),
    ] {
        work.audit(&audit_event(
            clock,
            actor,
            AuditAction::MergeClients,
            client,
            detail,
        ))
        .await?;
    }
    work.commit().await?;
    Ok(merge)
}

/// Undoes a merge: the doses it moved go back (unless voided or moved since), the AKAs and
/// organizations it added are voided, the merged record returns and its pair reopens.
pub async fn unmerge<R: Registry>(
    registry: &R,
    permit: &Permit<need::MergeClients>,
    clock: &dyn Clock,
    merge_id: &str,
) -> UseCaseResult<()> {
    let actor = permit.actor();
    let merge = registry
        .client_merge(merge_id)
        .await?
        .ok_or(UseCaseError::NotFound("merge"))?;
    let undone = || ValidationError::single("mergeId", "This merge was already undone.").into();
    if merge.undone {
        return Err(undone());
    }
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    if !work.undo_merge(&merge.id, actor.user_id).await? {
        return Err(undone());
    }
    for client in [merge.survivor, merge.merged] {
        work.audit(&audit_event(
            clock,
            actor,
            AuditAction::UnmergeClients,
            client,
            format!(
                "merge {} undone: {} doses back",
                merge.id, merge.doses_moved
            ),
        ))
        .await?;
    }
    work.commit().await?;
    Ok(())
}

/// Marks a queued pair as two different people.
pub async fn dismiss<R: Registry>(
    registry: &R,
    permit: &Permit<need::MergeClients>,
    clock: &dyn Clock,
    pair_id: &str,
) -> UseCaseResult<()> {
    let actor = permit.actor();
    let pair = registry
        .pair(pair_id)
        .await?
        .ok_or(UseCaseError::NotFound("duplicate pair"))?;
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    if !work
        .resolve_open_pair(&pair.id, PairResolution::NotDuplicate, actor.user_id)
        .await?
    {
        return Err(already_resolved());
    }
    for client in [pair.a, pair.b] {
        work.audit(&audit_event(
            clock,
            actor,
            AuditAction::DismissDuplicate,
            client,
            format!("pair {}", pair.id),
        ))
        .await?;
    }
    work.commit().await?;
    Ok(())
}
