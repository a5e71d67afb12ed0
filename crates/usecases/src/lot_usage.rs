//! Lot usage and wastage of an organization's inventory for a period (for those who keep it:
//! `manage_lots`): each lot's start,
//! receipts, doses given, wastage, expiry, returns, transfers, count corrections and end
//! (`shotbook_reports::lot_usage`). Lots are stock, not client data: one `run_report` event
//! records the run.

use shotbook_core::audit::AuditAction;
use shotbook_core::clock::Clock;
use shotbook_reports::administered::Period;
use shotbook_reports::lot_usage::{usage, LotHistory, LotUsage};

use crate::ports::{AuditWrites, Registry, UnitOfWork};
use crate::{need, Permit, UseCaseResult};

/// Every lot of the actor's organization that held doses or moved in `period`, with its
/// usage, by CVX, then lot number.
pub async fn lot_usage<R: Registry>(
    registry: &R,
    permit: &Permit<need::ManageLots>,
    clock: &dyn Clock,
    period: Period,
) -> UseCaseResult<Vec<(LotHistory, LotUsage)>> {
    let actor = permit.actor();
    let mut lots: Vec<(LotHistory, LotUsage)> = registry
        .lot_histories(actor.organization_id, period.to)
        .await?
        .into_iter()
        .map(|lot| {
            let used = usage(&lot, period.from, period.to);
            (lot, used)
        })
        .filter(|(_, used)| used.is_active())
        .collect();
    lots.sort_by(|(a, _), (b, _)| (&a.cvx, &a.lot_number).cmp(&(&b.cvx, &b.lot_number)));
    let scope = format!(
        "lot usage: {} to {}; {} lots",
        period.from,
        period.to,
        lots.len()
    );
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    work.audit(&actor.audit_event(clock.now(), AuditAction::RunReport, None, Some(scope)))
        .await?;
    work.commit().await?;
    Ok(lots)
}
