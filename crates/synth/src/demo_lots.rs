//! Vaccine lots of the demo registry: a few lots at each demo provider organization, one of
//! them expiring within the 30-day alert window, so the inventory screen and dose entry have
//! something to show.

use shotbook_core::ids::OrganizationId;
use shotbook_core::immunization::lot::{ReceiveLot, ReceiveLotInput};
use shotbook_store::change_log::ChangeSource;
use shotbook_store::organizations;
use shotbook_store::vaccine_lots;
use shotbook_store::Store;
use time::{Duration, OffsetDateTime};

use crate::demo::DEMO_LOTS;

/// Receives [`DEMO_LOTS`] at every demo provider organization (once: skipped when the
/// organization already holds lots). Returns the number of lots created.
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
