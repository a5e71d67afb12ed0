//! A clinic's vaccine inventory: receiving lots and adjusting their counts. (Drawing a dose
//! from a lot is part of recording the dose: [`crate::immunizations::record_administered`].)

use shotbook_core::clock::Clock;
use shotbook_core::error::ValidationError;
use shotbook_core::ids::VaccineLotId;
use shotbook_core::immunization::lot::{LotAdjustment, ReceiveLot};

use crate::ports::{LotAdjusted, LotWrites, Registry, UnitOfWork};
use crate::{need, Permit, UseCaseError, UseCaseResult};

/// Receives a lot into the actor's organization's inventory. The vaccine must be in CDC's
/// table.
pub async fn receive<R: Registry>(
    registry: &R,
    permit: &Permit<need::ManageLots>,
    clock: &dyn Clock,
    lot: &ReceiveLot,
    trade_name: Option<&str>,
) -> UseCaseResult<VaccineLotId> {
    let actor = permit.actor();
    if registry.vaccine(&lot.cvx).await?.is_none() {
        return Err(ValidationError::single(
            "cvx",
            format!("CVX {} is not in CDC's vaccine table.", lot.cvx),
        )
        .into());
    }
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    let id = work
        .receive_lot(actor.organization_id, lot, trade_name, actor.user_id)
        .await?;
    work.commit().await?;
    Ok(id)
}

/// Adjusts the count of one of the actor's organization's lots (wastage, expired, returned,
/// transfer, count correction); never below zero.
pub async fn adjust<R: Registry>(
    registry: &R,
    permit: &Permit<need::ManageLots>,
    clock: &dyn Clock,
    adjustment: &LotAdjustment,
) -> UseCaseResult<i64> {
    let actor = permit.actor();
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    match work
        .adjust_lot(actor.organization_id, adjustment, actor.user_id)
        .await?
    {
        LotAdjusted::Applied(on_hand) => {
            work.commit().await?;
            Ok(on_hand)
        }
        LotAdjusted::NotFound => Err(UseCaseError::NotFound("vaccine lot")),
        LotAdjusted::NotEnough(on_hand) => Err(ValidationError::single(
            "quantity",
            format!("Only {on_hand} doses are on hand; enter at most {on_hand}."),
        )
        .into()),
    }
}
