//! Vaccine lot inventory (imMTrax's Vaccine Mgmt): receive lots, see what is on hand with expiry
//! alerts and the reconciliation of every lot's movements, and adjust counts with a reason.
//! Lots are the organization's own; every command needs `ManageLots`.

use shotbook_core::date::UsDate;
use shotbook_core::error::{Issue, IssueCollector};
use shotbook_core::ids::VaccineLotId;
use shotbook_core::immunization::lot::{
    parse_quantity, AdjustmentReason, ExpiryStatus, LotAdjustment, ReceiveLot, ReceiveLotInput,
    EXPIRY_ALERT_DAYS,
};
use shotbook_core::permission::Permission;
use shotbook_store::vaccine_lots::{self, LotRow};
use shotbook_usecases::need;
use shotbook_usecases::vaccine_lots as usecases;
use time::Date;

use crate::dto::{AdjustLotRequest, LotInventory, ReceiveLotRequest, VaccineLot};
use crate::error::AppResult;
use crate::AppContext;

fn clamp(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(if n < 0 { i32::MIN } else { i32::MAX })
}

/// A stored lot as the screens show it, with its expiry status as of `today`.
pub(crate) fn lot_view(row: LotRow, today: Date) -> VaccineLot {
    let expires = UsDate::parse(&row.expiration_date).ok();
    let status = expires.map_or(ExpiryStatus::Expired, |d| ExpiryStatus::of(d.date(), today));
    let expected = row.expected_on_hand();
    VaccineLot {
        days_to_expiry: expires.map_or(0, |d| clamp((d.date() - today).whole_days())),
        expiry_status: status.code().to_string(),
        expiration_date: expires.map_or(row.expiration_date.clone(), |d| d.to_string()),
        balanced: expected == row.quantity_on_hand,
        id: row.id,
        vaccine: row.vaccine.unwrap_or_else(|| format!("CVX {}", row.cvx)),
        cvx: row.cvx,
        mvx: row.mvx,
        manufacturer: row.manufacturer,
        trade_name: row.trade_name,
        ndc: row.ndc,
        lot_number: row.lot_number,
        funding_source: row.funding_source,
        quantity_on_hand: clamp(row.quantity_on_hand),
        received: clamp(row.received),
        administered: clamp(row.administered),
        restored: clamp(row.restored),
        adjusted: clamp(row.adjusted),
    }
}

/// The organization's lots with on-hand counts, expiry status and reconciliation figures.
pub async fn list_lots(ctx: &AppContext) -> AppResult<LotInventory> {
    let (_, session) = ctx.require(Permission::ManageLots).await?;
    let today = ctx.clock().today();
    let lots = vaccine_lots::for_organization(ctx.store(), session.organization_id)
        .await?
        .into_iter()
        .map(|row| lot_view(row, today))
        .collect();
    Ok(LotInventory {
        lots,
        alert_days: clamp(EXPIRY_ALERT_DAYS),
        as_of: UsDate::from_date(today).to_string(),
    })
}

/// Receives a lot into the organization's inventory (more of a lot already held adds to it).
pub async fn receive_lot(ctx: &AppContext, request: ReceiveLotRequest) -> AppResult<VaccineLot> {
    let (permit, _) = ctx.permit::<need::ManageLots>().await?;
    let today = ctx.clock().today();
    let lot = ReceiveLot::parse(
        ReceiveLotInput {
            cvx: &request.cvx,
            mvx: &request.mvx,
            ndc: &request.ndc,
            lot_number: &request.lot_number,
            expiration_date: &request.expiration_date,
            quantity: &request.quantity,
            funding_source: &request.funding_source,
        },
        today,
    )?;
    let trade_name = Some(request.trade_name.trim()).filter(|t| !t.is_empty());
    let id = usecases::receive(ctx.store(), &permit, ctx.clock(), &lot, trade_name).await?;
    tracing::info!(lot = %id, quantity = lot.quantity, "vaccine lot received");
    Ok(lot_view(vaccine_lots::get(ctx.store(), id).await?, today))
}

/// Adjusts a lot's count: wastage, expired, returned and transfer take doses out; a count
/// correction may add or remove. Never below zero.
pub async fn adjust_lot(ctx: &AppContext, request: AdjustLotRequest) -> AppResult<VaccineLot> {
    let (permit, _) = ctx.permit::<need::ManageLots>().await?;
    let mut issues = IssueCollector::new();
    let lot: Option<VaccineLotId> = issues.take(
        request
            .lot_id
            .trim()
            .parse()
            .map_err(|_| Issue::new("lotId", "Not a lot id.")),
    );
    let quantity = issues.take(parse_quantity("quantity", &request.quantity));
    let reason = issues.take(AdjustmentReason::parse_field("reason", &request.reason));
    let adding = match request.direction.trim() {
        "add" => Some(true),
        "remove" => Some(false),
        _ => {
            issues.push(Issue::new(
                "direction",
                "Choose whether doses are added or removed.",
            ));
            None
        }
    };
    if let (Some(reason), Some(true)) = (reason, adding) {
        if !reason.may_add() {
            issues.push(Issue::new(
                "direction",
                "Only a count correction adds doses; wastage, expired, returned and transfer remove them.",
            ));
        }
    }
    let note = request.note.trim();
    if note.chars().count() > 200 {
        issues.push(Issue::new("note", "Use at most 200 characters."));
    }
    issues.finish()?;
    let (Some(lot), Some(quantity), Some(reason), Some(adding)) = (lot, quantity, reason, adding)
    else {
        unreachable!("every missing value recorded an issue")
    };
    let adjustment = LotAdjustment {
        lot,
        change: if adding { quantity } else { -quantity },
        reason,
        note: Some(note.to_string()).filter(|n| !n.is_empty()),
    };
    usecases::adjust(ctx.store(), &permit, ctx.clock(), &adjustment).await?;
    Ok(lot_view(
        vaccine_lots::get(ctx.store(), lot).await?,
        ctx.clock().today(),
    ))
}
