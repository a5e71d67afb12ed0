//! The doses-administered report through the ports: the doses the clinic gave in the period,
//! in the client's age band, and neither historical nor voided doses, nor another
//! organization's.

use shotbook_core::codes::Cvx;
use shotbook_core::ids::OrganizationId;
use shotbook_core::immunization::dose::HistoricalDose;
use shotbook_reports::administered::Period;
use time::macros::date;

use super::{clock, from_lot, nurse, Setup};
use crate::administered::doses_administered;
use crate::immunizations::{record_administered, record_historical, void};
use crate::ports::Registry;
use crate::{need, Permit};

/// Two MMR doses given from the clinic's lot on 12/01 and 12/02/2026 (the second voided) and
/// a historical varicella dose: the report of 12/01–12/06/2026 counts one dose, CVX 03, for a
/// six-year-old (1–6 band).
pub async fn doses_administered_counts_what_the_clinic_gave<R: Registry>(
    registry: &R,
    setup: &Setup,
) {
    let clock = clock();
    let add = Permit::<need::AddImmunizations>::check(nurse(setup, setup.clinic)).unwrap();
    let given = record_administered(
        registry,
        &add,
        &clock,
        from_lot(setup, date!(2026 - 12 - 01)),
        true,
    )
    .await
    .unwrap();
    assert!(given.saved, "{given:?}");
    let voided = record_administered(
        registry,
        &add,
        &clock,
        from_lot(setup, date!(2026 - 12 - 02)),
        true,
    )
    .await
    .unwrap();
    let editor = Permit::<need::EditImmunizations>::check(nurse(setup, setup.clinic)).unwrap();
    void(
        registry,
        &editor,
        &clock,
        voided.ids[0],
        "wrong client".into(),
    )
    .await
    .unwrap();
    record_historical(
        registry,
        &add,
        &clock,
        setup.client,
        vec![HistoricalDose {
            cvx: Cvx::parse("21").unwrap(),
            administered_on: date!(2026 - 12 - 03),
            provider: None,
        }],
        true,
    )
    .await
    .unwrap();

    let reports = Permit::<need::RunReports>::check(nurse(setup, setup.clinic)).unwrap();
    let period = Period::parse("12/01/2026", "12/06/2026", date!(2026 - 12 - 06)).unwrap();
    let report = doses_administered(registry, &reports, &clock, period)
        .await
        .unwrap();
    assert_eq!(report.total.total, 1, "{report:?}");
    assert_eq!(report.total.by_age, [0, 1, 0, 0]);
    assert_eq!(report.by_vaccine.len(), 1);
    assert_eq!(report.by_vaccine[0].code.as_deref(), Some("03"));
    // Before the period: nothing.
    let before = Period::parse("11/01/2026", "11/30/2026", date!(2026 - 12 - 06)).unwrap();
    let none = doses_administered(registry, &reports, &clock, before)
        .await
        .unwrap();
    assert_eq!(none.total.total, 0);
    // Another organization counts none of the clinic's doses.
    let elsewhere = Permit::<need::RunReports>::check(nurse(setup, OrganizationId::new())).unwrap();
    let theirs = doses_administered(registry, &elsewhere, &clock, period)
        .await
        .unwrap();
    assert_eq!(theirs.total.total, 0);
}
