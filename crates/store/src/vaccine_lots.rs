//! Vaccine lot inventory: receiving, drawing a dose, restoring it when the dose is voided,
//! adjustments, and the per-lot reconciliation of movements against the count on hand.
//!
//! The count on hand changes only in a statement that also checks it (`quantity_on_hand > 0`
//! for a draw), and the database refuses a negative count, so concurrent administrations can
//! neither overdraw a lot nor lose a decrement. Each change appends a movement in the same
//! transaction; the movements of a lot always add up to its count on hand.

use crate::Work;
use shotbook_core::ids::{ImmunizationId, OrganizationId, UserId, VaccineLotId};
use shotbook_core::immunization::lot::{AdjustmentReason, ReceiveLot};
use time::OffsetDateTime;

use crate::change_log::{self, ChangeOp, Entity};
use crate::{timestamp, Store, StoreError, StoreResult};

/// A lot with its product names and movement totals (the inventory screen and reconciliation).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LotRow {
    /// Id.
    pub id: String,
    /// Holding organization.
    pub organization_id: String,
    /// CVX.
    pub cvx: String,
    /// CVX short description.
    pub vaccine: Option<String>,
    /// MVX.
    pub mvx: String,
    /// Manufacturer name.
    pub manufacturer: Option<String>,
    /// NDC as CDC prints it.
    pub ndc: Option<String>,
    /// Trade name.
    pub trade_name: Option<String>,
    /// Lot number.
    pub lot_number: String,
    /// ISO expiry.
    pub expiration_date: String,
    /// vfc / state / private.
    pub funding_source: String,
    /// Doses on hand.
    pub quantity_on_hand: i64,
    /// Doses received (sum of receipts).
    pub received: i64,
    /// Doses given from the lot (positive).
    pub administered: i64,
    /// Doses put back because the dose given was voided.
    pub restored: i64,
    /// Net adjustments (wastage, returns … negative; count corrections either way).
    pub adjusted: i64,
}

impl LotRow {
    /// Received − given + restored + adjusted: what the count on hand must be.
    pub fn expected_on_hand(&self) -> i64 {
        self.received - self.administered + self.restored + self.adjusted
    }
}

const LOT_SELECT: &str = "SELECT l.id, l.organization_id, l.cvx, v.short_description AS vaccine, l.mvx,
        m.name AS manufacturer, l.ndc, l.trade_name, l.lot_number, l.expiration_date, l.funding_source,
        l.quantity_on_hand,
        coalesce((SELECT sum(quantity) FROM vaccine_lot_movements WHERE lot_id = l.id AND kind = 'received'), 0) AS received,
        coalesce((SELECT -sum(quantity) FROM vaccine_lot_movements WHERE lot_id = l.id AND kind = 'administered'), 0) AS administered,
        coalesce((SELECT sum(quantity) FROM vaccine_lot_movements WHERE lot_id = l.id AND kind = 'dose_voided'), 0) AS restored,
        coalesce((SELECT sum(quantity) FROM vaccine_lot_movements WHERE lot_id = l.id AND kind = 'adjusted'), 0) AS adjusted
     FROM vaccine_lots l
     LEFT JOIN vaccines v ON v.cvx = l.cvx
     LEFT JOIN manufacturers m ON m.mvx = l.mvx";

/// Receives a lot: creates it with its quantity and records the receipt. Receiving more of a
/// lot already held (same product, lot and funding) adds to it.
pub async fn receive_in_tx(
    tx: &mut Work,
    organization: OrganizationId,
    lot: &ReceiveLot,
    trade_name: Option<&str>,
    by: Option<UserId>,
    now: OffsetDateTime,
) -> StoreResult<VaccineLotId> {
    let at = timestamp(now);
    // An upsert is the transaction's first statement, so it takes the write lock at once.
    let (id,): (String,) = sqlx::query_as(
        "INSERT INTO vaccine_lots (id, organization_id, cvx, mvx, ndc, trade_name, lot_number, expiration_date,
                                   funding_source, quantity_on_hand, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (organization_id, cvx, mvx, lot_number, funding_source)
         DO UPDATE SET quantity_on_hand = quantity_on_hand + excluded.quantity_on_hand,
                       updated_at = excluded.updated_at
         RETURNING id",
    )
    .bind(VaccineLotId::new().to_string())
    .bind(organization.to_string())
    .bind(lot.cvx.as_str())
    .bind(lot.mvx.as_str())
    .bind(lot.ndc.as_deref())
    .bind(trade_name)
    .bind(lot.lot_number.as_str())
    .bind(lot.expires_on.iso())
    .bind(lot.funding.code())
    .bind(lot.quantity)
    .bind(by.map(|u| u.to_string()))
    .bind(&at)
    .bind(&at)
    .fetch_one(&mut **tx)
    .await?;
    let id: VaccineLotId = id
        .parse()
        .map_err(|_| anyhow::anyhow!("a stored lot id is not a UUID"))?;
    movement_in_tx(tx, id, "received", lot.quantity, None, None, None, by, now).await?;
    change_log::append_in_tx(
        tx,
        Entity::VaccineLot,
        &id.to_string(),
        ChangeOp::Update,
        now,
    )
    .await?;
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
async fn movement_in_tx(
    tx: &mut Work,
    lot: VaccineLotId,
    kind: &str,
    quantity: i64,
    reason: Option<AdjustmentReason>,
    note: Option<&str>,
    immunization: Option<ImmunizationId>,
    by: Option<UserId>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    // A dose's own movements have the id the registry gives them too (see
    // `dose_stock_movement_id`); receipts and adjustments are new facts with new ids.
    let id = match immunization {
        Some(dose) => shotbook_core::ids::dose_stock_movement_id(dose, kind),
        None => uuid::Uuid::now_v7(),
    }
    .to_string();
    sqlx::query(
        "INSERT INTO vaccine_lot_movements (id, lot_id, kind, quantity, reason, note, immunization_id, user_id, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(lot.to_string())
    .bind(kind)
    .bind(quantity)
    .bind(reason.map(|r| r.code()))
    .bind(note)
    .bind(immunization.map(|i| i.to_string()))
    .bind(by.map(|u| u.to_string()))
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(tx, Entity::VaccineLotMovement, &id, ChangeOp::Insert, now).await
}

/// Takes one dose out of `lot` for an administration, if the lot belongs to `organization`, is
/// not expired on `given_on` (ISO) and has a dose left. Returns `false`, changing nothing, when
/// it does not qualify (re-read the lot to say why). Make this the transaction's first write.
pub async fn draw_dose_in_tx(
    tx: &mut Work,
    lot: VaccineLotId,
    organization: OrganizationId,
    given_on: &str,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE vaccine_lots SET quantity_on_hand = quantity_on_hand - 1, updated_at = ?
         WHERE id = ? AND organization_id = ? AND quantity_on_hand > 0 AND expiration_date >= ?",
    )
    .bind(timestamp(now))
    .bind(lot.to_string())
    .bind(organization.to_string())
    .bind(given_on)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the movement of a dose drawn with [`draw_dose_in_tx`], once the dose row exists.
pub async fn record_administration_in_tx(
    tx: &mut Work,
    lot: VaccineLotId,
    immunization: ImmunizationId,
    by: UserId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    movement_in_tx(
        tx,
        lot,
        "administered",
        -1,
        None,
        None,
        Some(immunization),
        Some(by),
        now,
    )
    .await?;
    change_log::append_in_tx(
        tx,
        Entity::VaccineLot,
        &lot.to_string(),
        ChangeOp::Update,
        now,
    )
    .await
}

/// Puts the dose of a voided administration back into its lot.
pub async fn restore_dose_in_tx(
    tx: &mut Work,
    lot: VaccineLotId,
    immunization: ImmunizationId,
    by: UserId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE vaccine_lots SET quantity_on_hand = quantity_on_hand + 1, updated_at = ? WHERE id = ?",
    )
    .bind(timestamp(now))
    .bind(lot.to_string())
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("vaccine lot"));
    }
    movement_in_tx(
        tx,
        lot,
        "dose_voided",
        1,
        None,
        None,
        Some(immunization),
        Some(by),
        now,
    )
    .await?;
    change_log::append_in_tx(
        tx,
        Entity::VaccineLot,
        &lot.to_string(),
        ChangeOp::Update,
        now,
    )
    .await
}

/// Why an adjustment was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustOutcome {
    /// Applied; the new count on hand.
    Applied(i64),
    /// The lot is not this organization's (or does not exist).
    NotFound,
    /// It would take more doses than are on hand (how many are).
    NotEnough(i64),
}

/// Changes the count of `lot` by `change` (negative takes doses out) for `reason`.
#[allow(clippy::too_many_arguments)]
pub async fn adjust_in_tx(
    tx: &mut Work,
    lot: VaccineLotId,
    organization: OrganizationId,
    change: i64,
    reason: AdjustmentReason,
    note: Option<&str>,
    by: UserId,
    now: OffsetDateTime,
) -> StoreResult<AdjustOutcome> {
    let updated: Option<(i64,)> = sqlx::query_as(
        "UPDATE vaccine_lots SET quantity_on_hand = quantity_on_hand + ?, updated_at = ?
         WHERE id = ? AND organization_id = ? AND quantity_on_hand + ? >= 0
         RETURNING quantity_on_hand",
    )
    .bind(change)
    .bind(timestamp(now))
    .bind(lot.to_string())
    .bind(organization.to_string())
    .bind(change)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((on_hand,)) = updated else {
        let held: Option<(i64,)> = sqlx::query_as(
            "SELECT quantity_on_hand FROM vaccine_lots WHERE id = ? AND organization_id = ?",
        )
        .bind(lot.to_string())
        .bind(organization.to_string())
        .fetch_optional(&mut **tx)
        .await?;
        return Ok(match held {
            Some((n,)) => AdjustOutcome::NotEnough(n),
            None => AdjustOutcome::NotFound,
        });
    };
    movement_in_tx(
        tx,
        lot,
        "adjusted",
        change,
        Some(reason),
        note,
        None,
        Some(by),
        now,
    )
    .await?;
    change_log::append_in_tx(
        tx,
        Entity::VaccineLot,
        &lot.to_string(),
        ChangeOp::Update,
        now,
    )
    .await?;
    Ok(AdjustOutcome::Applied(on_hand))
}

/// One lot with its totals.
pub async fn get(store: &Store, lot: VaccineLotId) -> StoreResult<LotRow> {
    let sql = format!("{LOT_SELECT} WHERE l.id = ?");
    sqlx::query_as(&sql)
        .bind(lot.to_string())
        .fetch_optional(store.pool())
        .await?
        .ok_or(StoreError::NotFound("vaccine lot"))
}

/// The lots of `organization`, soonest expiry first.
pub async fn for_organization(
    store: &Store,
    organization: OrganizationId,
) -> StoreResult<Vec<LotRow>> {
    let sql = format!(
        "{LOT_SELECT} WHERE l.organization_id = ? ORDER BY l.expiration_date, l.lot_number"
    );
    Ok(sqlx::query_as(&sql)
        .bind(organization.to_string())
        .fetch_all(store.pool())
        .await?)
}

/// A lot's movements, oldest first (the reconciliation detail).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MovementRow {
    /// received / administered / dose_voided / adjusted.
    pub kind: String,
    /// Signed change.
    pub quantity: i64,
    /// Adjustment reason.
    pub reason: Option<String>,
    /// Free-text note.
    pub note: Option<String>,
    /// The dose, for administrations and restorations.
    pub immunization_id: Option<String>,
    /// RFC 3339.
    pub at: String,
}

/// The movements of `lot`, oldest first.
pub async fn movements(store: &Store, lot: VaccineLotId) -> StoreResult<Vec<MovementRow>> {
    Ok(sqlx::query_as(
        "SELECT kind, quantity, reason, note, immunization_id, at FROM vaccine_lot_movements
         WHERE lot_id = ? ORDER BY at, rowid",
    )
    .bind(lot.to_string())
    .fetch_all(store.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::organizations::{self, NewOrganization};
    use crate::users::{self, NewUser};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-22 9:00 UTC);

    pub(crate) async fn organization_and_user(store: &Store) -> (OrganizationId, UserId) {
        let org = NewOrganization {
            id: OrganizationId::new(),
            code: format!("T{}", &uuid::Uuid::now_v7().simple().to_string()[26..]),
            name: "Test Clinic".into(),
            kind: "provider".into(),
            state: "MT".into(),
            county: "Yellowstone".into(),
            city: "Billings".into(),
            vfc_pin: None,
        };
        let user = NewUser {
            id: UserId::new(),
            username: format!("u{}", &uuid::Uuid::now_v7().simple().to_string()[26..]),
            password_hash: "x".into(),
            first_name: "N".into(),
            last_name: "R".into(),
            email: "n@example.org".into(),
            phone: None,
        };
        let mut tx = store.begin().await.unwrap();
        organizations::insert_in_tx(&mut tx, &org, NOW)
            .await
            .unwrap();
        users::insert_in_tx(&mut tx, &user, NOW).await.unwrap();
        tx.commit().await.unwrap();
        (org.id, user.id)
    }

    pub(crate) fn mmr_lot(quantity: &str) -> ReceiveLot {
        shotbook_usecases::contract::mmr_lot(quantity)
    }

    async fn receive(store: &Store, org: OrganizationId, user: UserId, n: &str) -> VaccineLotId {
        let mut tx = store.begin().await.unwrap();
        let id = receive_in_tx(&mut tx, org, &mmr_lot(n), Some("M-M-R II"), Some(user), NOW)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    #[tokio::test]
    async fn receiving_the_same_lot_again_adds_to_it_and_the_movements_add_up() {
        let store = Store::open_in_memory().await.unwrap();
        let (org, user) = organization_and_user(&store).await;
        let first = receive(&store, org, user, "10").await;
        let again = receive(&store, org, user, "5").await;
        assert_eq!(first, again, "same product, lot and funding is one lot");
        let lot = get(&store, first).await.unwrap();
        assert_eq!(lot.quantity_on_hand, 15);
        assert_eq!(lot.received, 15);
        assert_eq!(lot.expected_on_hand(), lot.quantity_on_hand);
        assert_eq!(lot.vaccine.as_deref(), Some("MMR"));
    }

    #[tokio::test]
    async fn an_adjustment_cannot_take_more_than_is_on_hand() {
        let store = Store::open_in_memory().await.unwrap();
        let (org, user) = organization_and_user(&store).await;
        let lot = receive(&store, org, user, "3").await;
        let mut tx = store.begin().await.unwrap();
        let too_many = adjust_in_tx(
            &mut tx,
            lot,
            org,
            -4,
            AdjustmentReason::Wastage,
            None,
            user,
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(too_many, AdjustOutcome::NotEnough(3));
        let ok = adjust_in_tx(
            &mut tx,
            lot,
            org,
            -2,
            AdjustmentReason::Wastage,
            Some("dropped vial"),
            user,
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(ok, AdjustOutcome::Applied(1));
        let other_org = adjust_in_tx(
            &mut tx,
            lot,
            OrganizationId::new(),
            -1,
            AdjustmentReason::Transfer,
            None,
            user,
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(other_org, AdjustOutcome::NotFound);
        tx.commit().await.unwrap();
        let row = get(&store, lot).await.unwrap();
        assert_eq!((row.quantity_on_hand, row.adjusted), (1, -2));
        assert_eq!(row.expected_on_hand(), row.quantity_on_hand);
        assert!(sqlx::query("DELETE FROM vaccine_lot_movements")
            .execute(store.pool())
            .await
            .is_err());
        assert!(sqlx::query("DELETE FROM vaccine_lots")
            .execute(store.pool())
            .await
            .is_err());
    }

    #[tokio::test]
    async fn a_draw_refuses_an_empty_expired_or_foreign_lot() {
        let store = Store::open_in_memory().await.unwrap();
        let (org, user) = organization_and_user(&store).await;
        let lot = receive(&store, org, user, "1").await;
        let mut tx = store.begin().await.unwrap();
        assert!(!draw_dose_in_tx(&mut tx, lot, org, "2028-01-01", NOW)
            .await
            .unwrap());
        assert!(
            !draw_dose_in_tx(&mut tx, lot, OrganizationId::new(), "2026-11-22", NOW)
                .await
                .unwrap()
        );
        assert!(draw_dose_in_tx(&mut tx, lot, org, "2026-11-22", NOW)
            .await
            .unwrap());
        assert!(!draw_dose_in_tx(&mut tx, lot, org, "2026-11-22", NOW)
            .await
            .unwrap());
        tx.commit().await.unwrap();
        assert_eq!(get(&store, lot).await.unwrap().quantity_on_hand, 0);
        let negative = sqlx::query("UPDATE vaccine_lots SET quantity_on_hand = -1")
            .execute(store.pool())
            .await;
        assert!(negative.is_err(), "the database refuses a negative count");
    }

    /// Many nurses drawing from one lot at once, on a real database file with several
    /// connections: no dose is given twice, none is lost, the count never goes negative, and
    /// voids put doses back without losing administrations made meanwhile.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_administrations_neither_overdraw_nor_lose_a_decrement() {
        use crate::clients::{self, NewClient};
        use crate::immunizations::{self, EntryDetails, NewImmunization};
        let dir = std::env::temp_dir().join(format!("shotbook-lots-{}", uuid::Uuid::now_v7()));
        let store = Store::open(&dir.join("db.sqlite"), &crate::DatabaseKey::random())
            .await
            .unwrap();
        let (org, user) = organization_and_user(&store).await;
        let client = NewClient {
            first_name: "Ana".into(),
            last_name: "Smith".into(),
            date_of_birth: "2020-01-01".into(),
            gender: "F".into(),
            consent: "granted".into(),
            ..Default::default()
        };
        let mut tx = store.begin().await.unwrap();
        clients::insert_in_tx(&mut tx, &client, NOW).await.unwrap();
        tx.commit().await.unwrap();
        let lot = receive(&store, org, user, "20").await;

        let client_id = client.id;
        let administer = move |store: Store| async move {
            let dose = NewImmunization {
                client_id,
                cvx: "03".into(),
                mvx: Some("MSD".into()),
                administered_on: "2026-11-22".into(),
                source: "administered".into(),
                organization_id: Some(org),
                ..Default::default()
            };
            let details = EntryDetails {
                lot_id: None,
                ndc: None,
                vis_document: None,
                vis_edition_date: None,
                vis_given_on: None,
                historical_provider: None,
                recorded_by: user,
                recorded_by_organization_id: org,
            };
            let mut tx = store.begin().await.unwrap();
            let given = immunizations::insert_from_lot_in_tx(&mut tx, &dose, &details, lot, NOW)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            given.then_some(dose.id)
        };

        let tasks: Vec<_> = (0..30)
            .map(|_| tokio::spawn(administer(store.clone())))
            .collect();
        let mut given = Vec::new();
        for task in tasks {
            given.extend(task.await.unwrap());
        }
        assert_eq!(given.len(), 20, "exactly the 20 doses received are given");
        let row = get(&store, lot).await.unwrap();
        assert_eq!(row.quantity_on_hand, 0);
        assert_eq!((row.administered, row.expected_on_hand()), (20, 0));

        // Voids and new administrations racing each other.
        let mut tasks = Vec::new();
        for id in given.iter().take(8).copied() {
            let voiding = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = voiding.begin().await.unwrap();
                immunizations::void_entry_in_tx(&mut tx, id, "wrong client", user, NOW)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                None
            }));
            tasks.push(tokio::spawn(administer(store.clone())));
        }
        let mut again = 0;
        for task in tasks {
            again += usize::from(task.await.unwrap().is_some());
        }
        let row = get(&store, lot).await.unwrap();
        assert_eq!(
            row.quantity_on_hand,
            8 - again as i64,
            "8 restored, {again} given again"
        );
        assert_eq!(row.expected_on_hand(), row.quantity_on_hand);
        let (from_lot,): (i64,) = sqlx::query_as(
            "SELECT count(*) FROM immunizations WHERE lot_id = ? AND status = 'completed'",
        )
        .bind(lot.to_string())
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(from_lot, 20 - 8 + again as i64);
        assert_eq!(
            from_lot + row.quantity_on_hand,
            20,
            "every received dose is accounted for"
        );
        store.pool().close().await;
        std::fs::remove_dir_all(dir).ok();
    }
}
