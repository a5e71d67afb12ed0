//! The behaviour every registry must show through the ports, written once and run against
//! each implementation: the in-memory registry (this crate's tests) and SQLite (the store's
//! tests). A PostgreSQL store runs the same functions.
//!
//! Each function takes a registry prepared as [`Setup`] says and panics with a reason when the
//! registry behaves otherwise.

use shotbook_core::clock::FixedClock;
use shotbook_core::codes::Cvx;
use shotbook_core::ids::{ClientId, ImmunizationId, OrganizationId, UserId, VaccineLotId};
use shotbook_core::immunization::dose::{AdministeredDose, DoseProduct, HistoricalDose};
use shotbook_core::permission::Role;
use shotbook_protocol::ChangeSource;
use time::macros::{date, datetime};
use time::Date;

mod access;
pub use access::*;

use crate::immunizations::{record_administered, record_historical, void};
use crate::ports::Registry;
use crate::{need, Actor, Permit, UseCaseError, Via};

mod demographics;
pub use demographics::*;

mod sign_in;
pub use sign_in::*;

mod search;
pub use search::*;

mod school;
pub use school::*;

mod coverage;
pub use coverage::*;

mod recall;
pub use recall::*;

mod administered;
pub use administered::*;

mod lot_usage;
pub use lot_usage::*;

/// What a registry must hold before a contract function runs: a clinic, one of its nurses,
/// a client of the clinic born 01/01/2020 with consent granted, and a lot of the clinic's
/// holding three doses of M-M-R II (CVX 03, MVX MSD) that expires 12/31/2027. CDC's vaccine
/// table must list CVX 03 (MMR) and 21 (varicella).
#[derive(Debug, Clone, Copy)]
pub struct Setup {
    /// The clinic.
    pub clinic: OrganizationId,
    /// Its nurse (Full Access Provider).
    pub nurse: UserId,
    /// The client.
    pub client: ClientId,
    /// The MMR lot.
    pub lot: VaccineLotId,
}

/// `quantity` doses of the setup's lot: M-M-R II (CVX 03, MVX MSD, NDC 00006-4681-01), lot
/// R024551, expiring 12/31/2027, VFC-funded.
pub fn mmr_lot(quantity: &str) -> shotbook_core::immunization::lot::ReceiveLot {
    use shotbook_core::immunization::lot::{ReceiveLot, ReceiveLotInput};
    ReceiveLot::parse(
        ReceiveLotInput {
            cvx: "03",
            mvx: "MSD",
            ndc: "00006-4681-01",
            lot_number: "R024551",
            expiration_date: "12/31/2027",
            quantity,
            funding_source: "vfc",
        },
        date!(2026 - 11 - 22),
    )
    .expect("the contract's lot parses")
}

/// Records a dose from the setup's lot as an EHR's interface message would (the actor comes
/// through [`Via::Interface`] with the sender `EHR-CONTRACT`); each registry's test then checks
/// its own change log and audit trail.
pub async fn record_through_an_interface<R: Registry>(
    registry: &R,
    setup: &Setup,
) -> ImmunizationId {
    let permit = Permit::<need::AddImmunizations>::check(interface_actor(setup)).unwrap();
    record_administered(
        registry,
        &permit,
        &clock(),
        from_lot(setup, date!(2026 - 12 - 01)),
        true,
    )
    .await
    .expect("an interface's dose from the clinic's lot is recorded")
    .ids[0]
}

/// The client's date of birth.
pub const BORN: Date = date!(2020 - 01 - 01);

/// The day the contract runs.
pub fn clock() -> FixedClock {
    FixedClock(datetime!(2026-12-06 10:00 UTC))
}

fn nurse(setup: &Setup, organization: OrganizationId) -> Actor {
    Actor {
        user_id: setup.nurse,
        organization_id: organization,
        role: Role::FullAccessProvider,
        state: "MT".into(),
        organization_kind: shotbook_core::organization::OrganizationKind::Provider,
        via: Via::Workstation {
            name: "contract-pc".into(),
        },
    }
}

fn from_lot(setup: &Setup, on: Date) -> AdministeredDose {
    AdministeredDose {
        client: setup.client,
        administered_on: on,
        product: DoseProduct::FromLot(setup.lot),
        details: Default::default(),
        vis: None,
    }
}

async fn on_hand<R: Registry>(registry: &R, setup: &Setup) -> i64 {
    registry
        .lot(setup.lot)
        .await
        .expect("the lot reads")
        .expect("the setup's lot exists")
        .facts
        .on_hand
}

/// A dose from a lot takes one from stock; voiding it keeps it (struck through) and puts the
/// dose back; a second void is refused.
pub async fn a_dose_from_a_lot_takes_one_from_stock_and_a_void_puts_it_back<R: Registry>(
    registry: &R,
    setup: &Setup,
) {
    let clock = clock();
    let adder = Permit::<need::AddImmunizations>::check(nurse(setup, setup.clinic)).unwrap();
    let before = on_hand(registry, setup).await;
    let saved = record_administered(
        registry,
        &adder,
        &clock,
        from_lot(setup, date!(2026 - 12 - 06)),
        false,
    )
    .await
    .expect("a dose from the clinic's own lot is recorded");
    assert!(
        saved.saved,
        "no warnings for a first MMR at 6 years: {saved:?}"
    );
    assert_eq!(
        on_hand(registry, setup).await,
        before - 1,
        "the lot gave one dose"
    );
    let id = saved.ids[0];
    let dose = registry
        .dose(id)
        .await
        .unwrap()
        .expect("the dose reads back");
    assert_eq!(dose.lot, Some(setup.lot));
    assert_eq!(
        dose.owner,
        Some(setup.clinic),
        "the recording clinic owns it"
    );
    assert_eq!(dose.cvx, "03");

    let editor = Permit::<need::EditImmunizations>::check(nurse(setup, setup.clinic)).unwrap();
    void(registry, &editor, &clock, id, "wrong client".into())
        .await
        .expect("the owner voids its dose");
    assert!(registry.dose(id).await.unwrap().expect("kept").voided);
    assert_eq!(
        on_hand(registry, setup).await,
        before,
        "the dose went back into the lot"
    );
    let again = void(registry, &editor, &clock, id, "again".into()).await;
    assert!(
        matches!(again, Err(UseCaseError::Invalid(_))),
        "a voided dose cannot be voided again: {again:?}"
    );
}

/// A possible duplicate (same vaccine group within 7 days) comes back as a warning and writes
/// nothing until confirmed.
pub async fn a_warned_dose_is_saved_only_once_confirmed<R: Registry>(registry: &R, setup: &Setup) {
    let clock = clock();
    let adder = Permit::<need::AddImmunizations>::check(nurse(setup, setup.clinic)).unwrap();
    let typed = |on| AdministeredDose {
        product: DoseProduct::Typed {
            cvx: Cvx::parse("21").unwrap(),
            mvx: None,
            lot_number: None,
            expires_on: None,
            ndc: None,
        },
        ..from_lot(setup, on)
    };
    record_administered(
        registry,
        &adder,
        &clock,
        typed(date!(2026 - 12 - 01)),
        false,
    )
    .await
    .expect("the first varicella dose is recorded");
    let count = registry.doses_of(setup.client).await.unwrap().len();
    let warned = record_administered(
        registry,
        &adder,
        &clock,
        typed(date!(2026 - 12 - 05)),
        false,
    )
    .await
    .expect("a possible duplicate is a warning, not an error");
    assert!(!warned.saved && !warned.warnings.is_empty(), "{warned:?}");
    assert_eq!(warned.warnings[0].field, "administeredOn");
    assert_eq!(
        registry.doses_of(setup.client).await.unwrap().len(),
        count,
        "nothing was written"
    );
    let confirmed =
        record_administered(registry, &adder, &clock, typed(date!(2026 - 12 - 05)), true)
            .await
            .unwrap();
    assert!(confirmed.saved);
    assert_eq!(
        registry.doses_of(setup.client).await.unwrap().len(),
        count + 1
    );
}

/// Another organization's provider may not void the clinic's dose.
pub async fn another_organization_cannot_void_a_dose<R: Registry>(registry: &R, setup: &Setup) {
    let clock = clock();
    let adder = Permit::<need::AddImmunizations>::check(nurse(setup, setup.clinic)).unwrap();
    let id: ImmunizationId = record_administered(
        registry,
        &adder,
        &clock,
        from_lot(setup, date!(2026 - 11 - 02)),
        true,
    )
    .await
    .unwrap()
    .ids[0];
    let elsewhere =
        Permit::<need::EditImmunizations>::check(nurse(setup, OrganizationId::new())).unwrap();
    let refused = void(registry, &elsewhere, &clock, id, "not mine".into()).await;
    assert!(
        matches!(
            refused,
            Err(UseCaseError::Forbidden {
                permission: "edit_other_organizations_immunizations"
            })
        ),
        "{refused:?}"
    );
    assert!(!registry.dose(id).await.unwrap().unwrap().voided);
}

/// A shot card with one impossible dose (before birth) is refused whole, naming that dose.
pub async fn a_shot_card_is_saved_whole_or_not_at_all<R: Registry>(registry: &R, setup: &Setup) {
    let clock = clock();
    let adder = Permit::<need::AddImmunizations>::check(nurse(setup, setup.clinic)).unwrap();
    let card = |second: Date| {
        vec![
            HistoricalDose {
                cvx: Cvx::parse("03").unwrap(),
                administered_on: date!(2021 - 01 - 15),
                provider: Some("Dr. Lee".into()),
            },
            HistoricalDose {
                cvx: Cvx::parse("21").unwrap(),
                administered_on: second,
                provider: None,
            },
        ]
    };
    let count = registry.doses_of(setup.client).await.unwrap().len();
    let refused = record_historical(
        registry,
        &adder,
        &clock,
        setup.client,
        card(date!(2019 - 06 - 01)),
        false,
    )
    .await;
    match refused {
        Err(UseCaseError::Invalid(e)) => {
            assert_eq!(e.issues[0].field, "doses[1].administeredOn", "{e:?}")
        }
        other => panic!("a dose before birth is refused: {other:?}"),
    }
    assert_eq!(registry.doses_of(setup.client).await.unwrap().len(), count);
    let saved = record_historical(
        registry,
        &adder,
        &clock,
        setup.client,
        card(date!(2021 - 01 - 15)),
        true,
    )
    .await
    .unwrap();
    assert_eq!(saved.ids.len(), 2);
    assert_eq!(
        registry.doses_of(setup.client).await.unwrap().len(),
        count + 2
    );
}

/// Every change of an EHR's interface message is logged with the interface as its source.
pub fn interface_actor(setup: &Setup) -> Actor {
    Actor {
        via: Via::Interface {
            sender: "EHR-CONTRACT".into(),
        },
        ..nurse(setup, setup.clinic)
    }
}

/// The source an interface actor's changes carry.
pub const INTERFACE_SOURCE: ChangeSource = ChangeSource::Interface;

/// Receiving more of a held lot adds to it; an adjustment never takes the count below zero;
/// another organization's lot cannot be adjusted.
pub async fn lots_are_received_and_adjusted_within_the_organization<R: Registry>(
    registry: &R,
    setup: &Setup,
) {
    use crate::vaccine_lots::{adjust, receive};
    use shotbook_core::immunization::lot::{AdjustmentReason, LotAdjustment};
    let clock = clock();
    let manager = Actor {
        role: Role::VaccineManagement,
        state: "MT".into(),
        organization_kind: shotbook_core::organization::OrganizationKind::Provider,
        ..nurse(setup, setup.clinic)
    };
    let permit = Permit::<need::ManageLots>::check(manager).unwrap();
    let before = on_hand(registry, setup).await;
    let more = mmr_lot("10");
    let id = receive(registry, &permit, &clock, &more, Some("M-M-R II"))
        .await
        .expect("a lot of a listed vaccine is received");
    assert_eq!(
        id, setup.lot,
        "the same product, lot and funding is one lot"
    );
    assert_eq!(on_hand(registry, setup).await, before + 10);
    let too_many = LotAdjustment {
        lot: setup.lot,
        change: -(before + 11),
        reason: AdjustmentReason::Wastage,
        note: None,
    };
    let refused = adjust(registry, &permit, &clock, &too_many).await;
    match refused {
        Err(UseCaseError::Invalid(e)) => assert_eq!(e.issues[0].field, "quantity"),
        other => panic!("more than on hand is refused: {other:?}"),
    }
    let wasted = LotAdjustment {
        change: -2,
        ..too_many
    };
    assert_eq!(
        adjust(registry, &permit, &clock, &wasted).await.unwrap(),
        before + 8
    );
    let elsewhere = Permit::<need::ManageLots>::check(Actor {
        role: Role::VaccineManagement,
        state: "MT".into(),
        organization_kind: shotbook_core::organization::OrganizationKind::Provider,
        ..nurse(setup, OrganizationId::new())
    })
    .unwrap();
    let not_theirs = adjust(registry, &elsewhere, &clock, &wasted).await;
    assert!(
        matches!(not_theirs, Err(UseCaseError::NotFound("vaccine lot"))),
        "{not_theirs:?}"
    );
    assert_eq!(on_hand(registry, setup).await, before + 8);
}

/// A second record of the setup's client (consent granted, same clinic) queued as a pair with
/// it, for the merge contract.
#[derive(Debug, Clone)]
pub struct Twin {
    /// The second record.
    pub client: ClientId,
    /// The queued pair of the two.
    pub pair: String,
}

/// A merge moves the other record's doses to the survivor, resolves the pair once (a second
/// merge of the same pair is refused), and an undo moves them back once.
pub async fn a_merge_happens_once_and_its_undo_moves_the_doses_back<R: Registry>(
    registry: &R,
    setup: &Setup,
    twin: &Twin,
) {
    use crate::duplicates::{dismiss, merge, unmerge};
    let clock = clock();
    let adder = Permit::<need::AddImmunizations>::check(nurse(setup, setup.clinic)).unwrap();
    let on_twin = record_historical(
        registry,
        &adder,
        &clock,
        twin.client,
        vec![HistoricalDose {
            cvx: Cvx::parse("03").unwrap(),
            administered_on: date!(2021 - 01 - 15),
            provider: None,
        }],
        true,
    )
    .await
    .unwrap()
    .ids[0];
    let supervisor = Permit::<need::MergeClients>::check(Actor {
        role: Role::ProviderSupervisor,
        state: "MT".into(),
        organization_kind: shotbook_core::organization::OrganizationKind::Provider,
        ..nurse(setup, setup.clinic)
    })
    .unwrap();
    let merge_id = merge(registry, &supervisor, &clock, &twin.pair, setup.client)
        .await
        .expect("a supervisor merges two records of one client of the clinic");
    assert_eq!(
        registry.dose(on_twin).await.unwrap().unwrap().client,
        setup.client,
        "the dose moved to the survivor"
    );
    let again = merge(registry, &supervisor, &clock, &twin.pair, setup.client).await;
    assert!(
        matches!(again, Err(UseCaseError::Invalid(_))),
        "a resolved pair is not merged twice: {again:?}"
    );
    let on_merged = record_historical(
        registry,
        &adder,
        &clock,
        twin.client,
        vec![HistoricalDose {
            cvx: Cvx::parse("21").unwrap(),
            administered_on: date!(2021 - 02 - 15),
            provider: None,
        }],
        true,
    )
    .await;
    assert!(
        matches!(on_merged, Err(UseCaseError::Conflict(_))),
        "nothing is written to a merged-away record: {on_merged:?}"
    );
    let dismissed = dismiss(registry, &supervisor, &clock, &twin.pair).await;
    assert!(
        matches!(dismissed, Err(UseCaseError::Invalid(_))),
        "a merged pair cannot be dismissed: {dismissed:?}"
    );
    unmerge(registry, &supervisor, &clock, &merge_id)
        .await
        .expect("the merge is undone");
    assert_eq!(
        registry.dose(on_twin).await.unwrap().unwrap().client,
        twin.client,
        "the dose went back"
    );
    let twice = unmerge(registry, &supervisor, &clock, &merge_id).await;
    assert!(
        matches!(twice, Err(UseCaseError::Invalid(_))),
        "an undone merge is not undone twice: {twice:?}"
    );
    assert!(
        registry.pair(&twin.pair).await.unwrap().unwrap().open,
        "the pair is open again"
    );
    assert_eq!(
        registry
            .client_facts(twin.client)
            .await
            .unwrap()
            .merged_into,
        None,
        "the record is its own again"
    );
    let nurse_only = Permit::<need::MergeClients>::check(nurse(setup, setup.clinic));
    assert!(
        nurse_only.is_err(),
        "a provider without the merge permission gets no permit"
    );
}
