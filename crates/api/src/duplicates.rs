//! Duplicate prevention: the likely matches shown before a client is added, and the duplicates
//! queue (scan, merge, undo, dismiss) for roles with [`Permission::MergeClients`].
//!
//! Matching is the person matcher behind Smart search ([`shotbook_core::matching`]): Smart
//! search's own index for a client about to be added, and one birth year at a time for the
//! registry-wide scan.

use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::consent::reason_shown_without_full_access;
use shotbook_core::consent::ClientAccess;
use shotbook_core::demographics::{Address, Personal};
use shotbook_core::ids::ClientId;
use std::sync::atomic::AtomicBool;

use shotbook_core::matching::dedup::{deduplicate, DedupOptions};
use shotbook_core::matching::fs::thresholds::Verdict;
use shotbook_core::matching::DEFAULT_THRESHOLD;
use shotbook_core::permission::Permission;
use shotbook_core::session::{Grant, Session};
use shotbook_core::ValidationError;
use shotbook_store::duplicates::{self as store, MatchRow};
use shotbook_store::{audit, dedup, immunizations, match_index};
use shotbook_usecases::duplicates as usecases;
use shotbook_usecases::need;

use crate::consent::access_to;
use crate::convert::client_id;
use crate::convert::us_date;
use crate::dto::{
    ClientSummary, DismissDuplicateRequest, DuplicatePair, DuplicateQueue, DuplicateSide,
    LikelyMatch, MatchVerdict, MergeClientsRequest, MergeEntry, UnmergeClientsRequest,
};
use crate::error::{AppError, AppResult};
use crate::AppContext;

/// Score from which a record is shown as a likely match when adding a client: a little below
/// the matcher's "found" threshold, because a missed duplicate costs more than a second look.
pub const LIKELY_MATCH_SCORE: f64 = DEFAULT_THRESHOLD - 2.0;

/// The same bar for a registry that scores with its trained model: two bits of evidence below
/// even odds (probability 0.2), as [`LIKELY_MATCH_SCORE`] is two below the "found" score.
pub const LIKELY_MATCH_BAR: match_index::Bar = match_index::Bar {
    score: LIKELY_MATCH_SCORE,
    probability: 0.2,
};

/// Most likely matches shown when adding a client.
const MAX_LIKELY_MATCHES: usize = 5;

/// Open pairs listed at once.
const QUEUE_LIMIT: i64 = 100;

fn verdict_of(verdict: Verdict) -> MatchVerdict {
    match verdict {
        Verdict::SamePerson => MatchVerdict::SamePerson,
        Verdict::Likely => MatchVerdict::Likely,
        Verdict::Possible => MatchVerdict::Possible,
        Verdict::NotSame => MatchVerdict::NotSame,
    }
}

/// A likely match with its id.
pub(crate) struct Found {
    pub id: ClientId,
    pub shown: LikelyMatch,
    /// Whether the user may be shown it: not when the user sees the client by identification
    /// only and it matched only through a restricted field (address, ZIP, maiden name). It
    /// still goes to the duplicates queue, for supervisors who may see it.
    pub visible: bool,
}

/// The summary line of a record, trimmed to identification when the consent rule says so.
fn summary_of(row: &MatchRow, access: &ClientAccess) -> ClientSummary {
    let full = access.is_full();
    let place = [row.city.as_deref(), row.state.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let address = match (place.is_empty(), row.zip.as_deref()) {
        (true, None) => None,
        (true, Some(z)) => Some(z.to_string()),
        (false, None) => Some(place),
        (false, Some(z)) => Some(format!("{place} {z}")),
    };
    ClientSummary {
        id: row.id.clone(),
        registry_id: row.registry_id.clone(),
        first_name: row.first_name.clone(),
        middle_name: row.middle_name.clone(),
        last_name: row.last_name.clone(),
        date_of_birth: us_date(&row.date_of_birth),
        gender: row.gender.clone(),
        guardian_name: row.guardian_name.clone().filter(|_| full),
        address: address.filter(|_| full),
        organization_name: row.organization_name.clone().filter(|_| full),
    }
}

/// Records that may be the person about to be added, best first, at most five: Smart search
/// (the blocking-key index of [`shotbook_store::match_index`]) at the likely-match score.
pub(crate) async fn likely_matches(
    ctx: &AppContext,
    session: &Session,
    personal: &Personal,
    address: &Address,
) -> AppResult<Vec<Found>> {
    let query = shotbook_core::demographics::person_record(personal, address);
    // A few more than shown: merged-away records are dropped below. A record found through
    // its guardian's name is another person (the child of someone with this name and date).
    let matches: Vec<_> = match_index::smart_search(
        ctx.store(),
        &query,
        LIKELY_MATCH_BAR,
        MAX_LIKELY_MATCHES + 5,
    )
    .await?
    .into_iter()
    .filter(|m| !m.via_guardian)
    .collect();
    let ids: Vec<String> = matches.iter().map(|m| m.client_id.clone()).collect();
    let rows: std::collections::HashMap<String, MatchRow> = store::match_rows(ctx.store(), &ids)
        .await?
        .into_iter()
        .filter(|r| r.merged_into.is_none())
        .map(|r| (r.id.clone(), r))
        .collect();
    // What identification alone matches (names, date of birth, sex), for the clients the user
    // may see only by identification.
    let by_identification: Option<std::collections::HashMap<String, _>> =
        if query.has_restricted_fields() {
            Some(
                match_index::smart_search(
                    ctx.store(),
                    &query.identification_only(),
                    LIKELY_MATCH_BAR,
                    MAX_LIKELY_MATCHES + 5,
                )
                .await?
                .into_iter()
                .map(|m| (m.client_id.clone(), m.score))
                .collect(),
            )
        } else {
            None
        };
    let mut out = Vec::with_capacity(MAX_LIKELY_MATCHES);
    for m in matches {
        let Some(row) = rows.get(&m.client_id) else {
            continue;
        };
        let id = client_id(&row.id)?;
        let access = access_to(ctx, session, id).await?;
        let (score, visible) = match &by_identification {
            _ if access.is_full() => (m.score, true),
            None => (m.score, true),
            Some(ids) => match ids.get(&m.client_id) {
                Some(score) => (score.clone(), true),
                None => (m.score, false),
            },
        };
        let reasons = score
            .reasons
            .into_iter()
            .filter(|r| access.is_full() || reason_shown_without_full_access(r))
            .collect();
        out.push(Found {
            id,
            shown: LikelyMatch {
                client: summary_of(row, &access),
                score: (score.score * 10.0).round() / 10.0,
                reasons,
            },
            visible,
        });
        if out.len() == MAX_LIKELY_MATCHES {
            break;
        }
    }
    Ok(out)
}

async fn audit_many(
    ctx: &AppContext,
    grant: &Grant,
    action: AuditAction,
    clients: &[ClientId],
    detail: &str,
) -> AppResult<()> {
    let now = ctx.clock().now();
    let mut tx = ctx.store().begin().await?;
    for c in clients {
        audit::append(
            &mut tx,
            &AuditEvent {
                at: now,
                user_id: Some(grant.user_id()),
                organization_id: Some(grant.organization_id()),
                workstation: ctx.workstation().to_string(),
                action,
                client_id: Some(*c),
                detail: Some(detail.into()),
            },
        )
        .await?;
    }
    tx.commit().await.map_err(AppError::from)?;
    Ok(())
}

/// The duplicates queue: open pairs, best score first (each client shown is audited), and the
/// merges that can still be undone.
pub async fn duplicate_queue(ctx: &AppContext) -> AppResult<DuplicateQueue> {
    let (grant, session) = ctx.require(Permission::MergeClients).await?;
    let pairs = store::open_pairs(ctx.store(), QUEUE_LIMIT).await?;
    let merges = store::recent_merges(ctx.store(), 20).await?;
    let mut ids: Vec<String> = pairs
        .iter()
        .flat_map(|p| [p.client_a.clone(), p.client_b.clone()])
        .chain(
            merges
                .iter()
                .flat_map(|m| [m.survivor_id.clone(), m.merged_id.clone()]),
        )
        .collect();
    ids.sort();
    ids.dedup();
    let rows = store::match_rows(ctx.store(), &ids).await?;
    let mut sides = std::collections::HashMap::new();
    let mut shown = Vec::with_capacity(rows.len());
    for row in &rows {
        let id = client_id(&row.id)?;
        let access = access_to(ctx, &session, id).await?;
        let doses = if access.is_full() {
            immunizations::for_client(ctx.store(), id).await?.len() as i32
        } else {
            0
        };
        sides.insert(
            row.id.clone(),
            DuplicateSide {
                client: summary_of(row, &access),
                dose_count: doses,
                full_view: access.is_full(),
            },
        );
        shown.push(id);
    }
    audit_many(
        ctx,
        &grant,
        AuditAction::SearchClients,
        &shown,
        "duplicates queue",
    )
    .await?;
    let side = |id: &str| {
        sides
            .get(id)
            .cloned()
            .ok_or_else(|| AppError::internal("a queued client has no row"))
    };
    // Records per cluster among the listed pairs (the query lists a cluster's pairs together).
    let mut cluster_records: std::collections::HashMap<&str, Vec<&str>> =
        std::collections::HashMap::new();
    for p in &pairs {
        if let Some(cluster) = p.cluster_id.as_deref() {
            let records = cluster_records.entry(cluster).or_default();
            for client in [p.client_a.as_str(), p.client_b.as_str()] {
                if !records.contains(&client) {
                    records.push(client);
                }
            }
        }
    }
    let mut out_pairs = Vec::with_capacity(pairs.len());
    for p in &pairs {
        let (first, second) = (side(&p.client_a)?, side(&p.client_b)?);
        // A reason about an address or a maiden name speaks of both records: shown only when
        // the user sees both in full.
        let both_full = first.full_view && second.full_view;
        out_pairs.push(DuplicatePair {
            id: p.id.clone(),
            score: (p.score * 10.0).round() / 10.0,
            probability: p.probability,
            verdict: p.probability.map(|p| verdict_of(Verdict::of(p))),
            cluster_id: p.cluster_id.clone(),
            cluster_size: p
                .cluster_id
                .as_deref()
                .and_then(|c| cluster_records.get(c))
                .map_or(2, |records| {
                    i32::try_from(records.len()).unwrap_or(i32::MAX)
                }),
            reasons: p
                .reasons
                .split(", ")
                .filter(|r| both_full || reason_shown_without_full_access(r))
                .map(Into::into)
                .collect(),
            first,
            second,
        });
    }
    let mut out_merges = Vec::with_capacity(merges.len());
    for m in &merges {
        out_merges.push(MergeEntry {
            id: m.id.clone(),
            survivor: side(&m.survivor_id)?.client,
            merged: side(&m.merged_id)?.client,
            merged_on: us_date(m.merged_at.get(..10).unwrap_or_default()),
            merged_by: m.merged_by_name.clone(),
        });
    }
    Ok(DuplicateQueue {
        pairs: out_pairs,
        open_count: i32::try_from(store::open_count(ctx.store()).await?).unwrap_or(i32::MAX),
        merges: out_merges,
    })
}

/// Scans the whole registry for likely duplicates with the deduplication job
/// ([`shotbook_store::dedup`]: blocking that also ignores the birth year, the registry's stored
/// model or one trained on it now, clusters) and adds their pairs to the queue with their
/// probability; pairs already resolved stay resolved. Returns the queue.
pub async fn scan_duplicates(ctx: &AppContext) -> AppResult<DuplicateQueue> {
    ctx.require(Permission::MergeClients).await?;
    let started = std::time::Instant::now();
    let (model, _) = shotbook_store::match_models::for_deduplication(ctx.store()).await?;
    let loaded = dedup::load(ctx.store()).await?;
    let (ids, records, dismissed) = (loaded.ids, loaded.records, loaded.dismissed);
    let outcome = tokio::task::spawn_blocking(move || {
        deduplicate(
            &records,
            &model,
            &dismissed,
            &DedupOptions::default(),
            &|_, _| {},
            &AtomicBool::new(false),
        )
    })
    .await
    .map_err(AppError::internal)?;
    let report = dedup::queue(ctx.store(), ids, outcome, false, ctx.clock().now()).await?;
    tracing::info!(
        pairs = report.queued,
        clusters = report.outcome.clusters.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "duplicate scan"
    );
    duplicate_queue(ctx).await
}

/// Merges a queued pair into `survivor_id`: every dose and name (as AKA) and organization of
/// the other record moves to it; the other record stays, marked merged. Both records must be
/// visible in full to the user and have the same consent status. Audited on both records.
pub async fn merge_clients(
    ctx: &AppContext,
    request: MergeClientsRequest,
) -> AppResult<DuplicateQueue> {
    let (permit, _) = ctx.permit::<need::MergeClients>().await?;
    let survivor = request.survivor_id.trim().parse().map_err(|_| {
        ValidationError::single("survivorId", "Keep one of the pair's two records.")
    })?;
    let merge = usecases::merge(
        ctx.store(),
        &permit,
        ctx.clock(),
        request.pair_id.trim(),
        survivor,
    )
    .await?;
    tracing::info!(%merge, "clients merged");
    duplicate_queue(ctx).await
}

/// Undoes a merge: the doses it moved go back (unless voided or moved since), the AKAs and
/// organizations it added are voided, the merged record returns and its pair reopens. Audited.
pub async fn unmerge_clients(
    ctx: &AppContext,
    request: UnmergeClientsRequest,
) -> AppResult<DuplicateQueue> {
    let (permit, _) = ctx.permit::<need::MergeClients>().await?;
    usecases::unmerge(ctx.store(), &permit, ctx.clock(), request.merge_id.trim()).await?;
    duplicate_queue(ctx).await
}

/// Marks a queued pair as two different people. Audited on both records.
pub async fn dismiss_duplicate(
    ctx: &AppContext,
    request: DismissDuplicateRequest,
) -> AppResult<DuplicateQueue> {
    let (permit, _) = ctx.permit::<need::MergeClients>().await?;
    usecases::dismiss(ctx.store(), &permit, ctx.clock(), request.pair_id.trim()).await?;
    duplicate_queue(ctx).await
}
