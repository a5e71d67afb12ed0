//! Lot usage through the ports: the setup's lot receives, gives a dose, takes one back when
//! the dose is voided, and loses one to wastage; the report of the period balances, and
//! another organization sees none of the clinic's lots.

use shotbook_core::ids::OrganizationId;
use shotbook_core::immunization::lot::{AdjustmentReason, LotAdjustment};
use shotbook_core::permission::Role;
use shotbook_reports::administered::Period;
use time::macros::date;

use super::{clock, from_lot, mmr_lot, nurse, Setup};
use crate::immunizations::{record_administered, void};
use crate::lot_usage::lot_usage;
use crate::ports::Registry;
use crate::vaccine_lots::{adjust, receive};
use crate::{need, Actor, Permit};

/// The setup's lot receives ten more doses, gives two (one voided and put back) and loses one
/// to wastage, all recorded on 12/06/2026: the report of 12/01–12/06/2026 says received 10,
/// given 1, wasted 1, and the line balances.
pub async fn lot_usage_balances_each_lot<R: Registry>(registry: &R, setup: &Setup) {
    let clock = clock();
    let manager = Actor {
        role: Role::VaccineManagement,
        ..nurse(setup, setup.clinic)
    };
    let manage = Permit::<need::ManageLots>::check(manager).unwrap();
    receive(registry, &manage, &clock, &mmr_lot("10"), Some("M-M-R II"))
        .await
        .unwrap();
    let add = Permit::<need::AddImmunizations>::check(nurse(setup, setup.clinic)).unwrap();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let given = record_administered(
            registry,
            &add,
            &clock,
            from_lot(setup, date!(2026 - 12 - 01)),
            true,
        )
        .await
        .unwrap();
        ids.push(given.ids[0]);
    }
    let editor = Permit::<need::EditImmunizations>::check(nurse(setup, setup.clinic)).unwrap();
    void(registry, &editor, &clock, ids[1], "wrong client".into())
        .await
        .unwrap();
    let wasted = LotAdjustment {
        lot: setup.lot,
        change: -1,
        reason: AdjustmentReason::Wastage,
        note: Some("dropped vial".into()),
    };
    adjust(registry, &manage, &clock, &wasted).await.unwrap();

    let reports = manage.clone();
    let period = Period::parse("12/01/2026", "12/06/2026", date!(2026 - 12 - 06)).unwrap();
    let lots = lot_usage(registry, &reports, &clock, period).await.unwrap();
    assert_eq!(lots.len(), 1, "{lots:?}");
    let (lot, used) = &lots[0];
    assert_eq!(
        (lot.cvx.as_str(), lot.lot_number.as_str()),
        ("03", "R024551")
    );
    assert_eq!(
        (used.received, used.administered, used.wasted),
        (10, 1, 1),
        "{used:?}"
    );
    assert_eq!(used.end, used.start + 8, "{used:?}");
    assert!(used.balances());
    let elsewhere = Permit::<need::ManageLots>::check(Actor {
        role: Role::VaccineManagement,
        ..nurse(setup, OrganizationId::new())
    })
    .unwrap();
    assert!(lot_usage(registry, &elsewhere, &clock, period)
        .await
        .unwrap()
        .is_empty());
}
