//! Vaccine lots of the demo registry: a few lots at each demo provider organization, one of
//! them expiring within the 30-day alert window, so the inventory screen and dose entry have
//! something to show.

#[cfg(feature = "store")]
use shotbook_core::ids::OrganizationId;
#[cfg(feature = "store")]
use shotbook_core::immunization::lot::{ReceiveLot, ReceiveLotInput};
#[cfg(feature = "store")]
use shotbook_store::change_log::ChangeSource;
#[cfg(feature = "store")]
use shotbook_store::organizations;
#[cfg(feature = "store")]
use shotbook_store::vaccine_lots;
#[cfg(feature = "store")]
use shotbook_store::Store;
#[cfg(feature = "store")]
use time::{Duration, OffsetDateTime};

/// A vaccine lot every demo provider holds (see [`crate::demo_lots`]).
#[derive(Debug, Clone, Copy)]
pub struct DemoLot {
    /// CVX.
    pub cvx: &'static str,
    /// MVX.
    pub mvx: &'static str,
    /// NDC (CDC NDC table, unit of use).
    pub ndc: &'static str,
    /// Trade name.
    pub trade_name: &'static str,
    /// Lot number (distributors ship one lot to many clinics, so every provider holds it).
    pub lot_number: &'static str,
    /// Expiry, days after seeding.
    pub expires_in_days: i64,
    /// Doses received.
    pub quantity: i64,
    /// vfc / state / private.
    pub funding: &'static str,
}

/// The demo lots: MMR, DTaP-IPV-Hib-HepB, Tdap, and a flu lot expiring within 30 days.
pub const DEMO_LOTS: &[DemoLot] = &[
    DemoLot {
        cvx: "03",
        mvx: "MSD",
        ndc: "00006-4681-01",
        trade_name: "M-M-R II",
        lot_number: "Y015329",
        expires_in_days: 420,
        quantity: 20,
        funding: "vfc",
    },
    DemoLot {
        cvx: "146",
        mvx: "MSP",
        ndc: "63361-0243-58",
        trade_name: "VAXELIS",
        lot_number: "U7463AA",
        expires_in_days: 300,
        quantity: 15,
        funding: "vfc",
    },
    DemoLot {
        cvx: "115",
        mvx: "SKB",
        ndc: "58160-0842-43",
        trade_name: "BOOSTRIX",
        lot_number: "9P2C7",
        expires_in_days: 540,
        quantity: 10,
        funding: "state",
    },
    DemoLot {
        cvx: "140",
        mvx: "PMC",
        ndc: "49281-0425-88",
        trade_name: "FLUZONE TRIVALENT NORTHERN HEMISPHERE",
        lot_number: "UT8512AA",
        expires_in_days: 21,
        quantity: 8,
        funding: "private",
    },
];

/// Receives [`DEMO_LOTS`] at every demo provider organization (once: skipped when the
/// organization already holds lots). Returns the number of lots created.
#[cfg(feature = "store")]
pub async fn seed_demo_lots(store: &Store, now: OffsetDateTime) -> anyhow::Result<usize> {
    let today = now.date();
    let mut created = 0;
    let providers: Vec<_> = organizations::all(store)
        .await?
        .into_iter()
        .filter(|o| o.kind == "provider" || o.kind == "health_department")
        .collect();
    let mut empty = Vec::new();
    for org in &providers {
        let org_id: OrganizationId = org.id.parse()?;
        if vaccine_lots::for_organization(store, org_id)
            .await?
            .is_empty()
        {
            empty.push(org_id);
        }
    }
    let mut tx = store.begin_as(ChangeSource::Import).await?;
    for org_id in empty {
        for lot in DEMO_LOTS {
            let expiry = today + Duration::days(lot.expires_in_days);
            let expiration = shotbook_core::date::UsDate::from_date(expiry).to_string();
            let quantity = lot.quantity.to_string();
            let receipt = ReceiveLot::parse(
                ReceiveLotInput {
                    cvx: lot.cvx,
                    mvx: lot.mvx,
                    ndc: lot.ndc,
                    lot_number: lot.lot_number,
                    expiration_date: &expiration,
                    quantity: &quantity,
                    funding_source: lot.funding,
                },
                today,
            )?;
            vaccine_lots::receive_in_tx(&mut tx, org_id, &receipt, Some(lot.trade_name), None, now)
                .await?;
            created += 1;
        }
    }
    tx.commit().await?;
    Ok(created)
}
