//! Immunizations (doses): insert, list for a client, void with a reason.

use shotbook_core::ids::{ClientId, ImmunizationId, OrganizationId, UserId};
use sqlx::{QueryBuilder, Sqlite, Transaction};
use time::OffsetDateTime;

use crate::change_log::{self, ChangeOp, ChangeSource};
use crate::{timestamp, Store, StoreError, StoreResult};

/// A dose to insert.
#[derive(Debug, Clone, Default)]
pub struct NewImmunization {
    /// Id.
    pub id: ImmunizationId,
    /// The client.
    pub client_id: ClientId,
    /// CVX code.
    pub cvx: String,
    /// MVX code.
    pub mvx: Option<String>,
    /// ISO date given.
    pub administered_on: String,
    /// Lot number.
    pub lot_number: Option<String>,
    /// ISO lot expiry.
    pub expiration_date: Option<String>,
    /// Dose volume in mL.
    pub dose_volume_ml: Option<f64>,
    /// HL7 0162 route.
    pub route: Option<String>,
    /// HL7 0163 site.
    pub site: Option<String>,
    /// administered / historical.
    pub source: String,
    /// Administering organization.
    pub organization_id: Option<OrganizationId>,
    /// Administering clinician.
    pub clinician: Option<String>,
    /// Funding source (CDC table: VXC50 public, VXC51 private, …).
    pub funding_source: Option<String>,
    /// VFC eligibility (V01–V07).
    pub vfc_eligibility: Option<String>,
}

/// A stored dose with the names the screen shows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImmunizationRow {
    /// Id.
    pub id: String,
    /// CVX code.
    pub cvx: String,
    /// CVX short description.
    pub vaccine: Option<String>,
    /// Product (trade) name for the CVX + MVX pair, when CDC lists one.
    pub trade_name: Option<String>,
    /// Vaccine groups of the CVX, comma-separated (e.g. "MMR, VARICELLA").
    pub vaccine_groups: Option<String>,
    /// MVX code.
    pub mvx: Option<String>,
    /// Manufacturer name.
    pub manufacturer: Option<String>,
    /// ISO date given.
    pub administered_on: String,
    /// Lot.
    pub lot_number: Option<String>,
    /// ISO expiry.
    pub expiration_date: Option<String>,
    /// mL.
    pub dose_volume_ml: Option<f64>,
    /// Route.
    pub route: Option<String>,
    /// Site.
    pub site: Option<String>,
    /// administered / historical.
    pub source: String,
    /// Administering organization's name.
    pub organization_name: Option<String>,
    /// Clinician.
    pub clinician: Option<String>,
    /// Funding source.
    pub funding_source: Option<String>,
    /// VFC eligibility.
    pub vfc_eligibility: Option<String>,
    /// completed / entered_in_error.
    pub status: String,
    /// Why it was voided.
    pub void_reason: Option<String>,
}

/// Column list of an immunization insert, shared with the bulk loader.
pub const INSERT_COLUMNS: &str = "INSERT INTO immunizations (id, client_id, cvx, mvx, administered_on, lot_number, \
    expiration_date, dose_volume_ml, route, site, source, organization_id, clinician, funding_source, vfc_eligibility, \
    created_at, updated_at) ";

/// Number of values [`push_immunization`] binds per row.
pub const INSERT_BINDS_PER_ROW: usize = 17;

/// Binds one dose's values (in [`INSERT_COLUMNS`] order) into a multi-row insert.
pub fn push_immunization<'a>(
    b: &mut sqlx::query_builder::Separated<'_, 'a, Sqlite, &'static str>,
    i: &'a NewImmunization,
    now: &str,
) {
    b.push_bind(i.id.to_string())
        .push_bind(i.client_id.to_string())
        .push_bind(i.cvx.as_str())
        .push_bind(i.mvx.as_deref())
        .push_bind(i.administered_on.as_str())
        .push_bind(i.lot_number.as_deref())
        .push_bind(i.expiration_date.as_deref())
        .push_bind(i.dose_volume_ml)
        .push_bind(i.route.as_deref())
        .push_bind(i.site.as_deref())
        .push_bind(i.source.as_str())
        .push_bind(i.organization_id.map(|o| o.to_string()))
        .push_bind(i.clinician.as_deref())
        .push_bind(i.funding_source.as_deref())
        .push_bind(i.vfc_eligibility.as_deref())
        .push_bind(now.to_string())
        .push_bind(now.to_string());
}

/// Inserts a dose and logs the change.
pub async fn insert_in_tx(
    tx: &mut Transaction<'_, Sqlite>,
    dose: &NewImmunization,
    source: ChangeSource,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let mut qb = QueryBuilder::new(INSERT_COLUMNS);
    qb.push_values(std::iter::once(dose), |mut b, d| {
        push_immunization(&mut b, d, &timestamp(now))
    });
    qb.build().execute(&mut **tx).await?;
    change_log::append_in_tx(
        tx,
        "immunization",
        &dose.id.to_string(),
        ChangeOp::Insert,
        source,
        now,
    )
    .await
}

/// Marks a dose entered in error, keeping it and recording who, when and why.
pub async fn void_in_tx(
    tx: &mut Transaction<'_, Sqlite>,
    id: ImmunizationId,
    reason: &str,
    by: UserId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE immunizations SET status = 'entered_in_error', void_reason = ?, voided_at = ?, voided_by = ?, updated_at = ?
         WHERE id = ? AND status = 'completed'",
    )
    .bind(reason)
    .bind(timestamp(now))
    .bind(by.to_string())
    .bind(timestamp(now))
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("immunization"));
    }
    change_log::append_in_tx(
        tx,
        "immunization",
        &id.to_string(),
        ChangeOp::Void,
        ChangeSource::Local,
        now,
    )
    .await
}

/// Every dose of `client`, voided ones included, oldest first.
pub async fn for_client(store: &Store, client: ClientId) -> StoreResult<Vec<ImmunizationRow>> {
    Ok(sqlx::query_as(
        "SELECT i.id, i.cvx, v.short_description AS vaccine,
                (SELECT min(t.product_name) FROM trade_names t WHERE t.cvx = i.cvx AND t.mvx = i.mvx) AS trade_name,
                (SELECT group_concat(g.vaccine_group, ', ') FROM vaccine_group_members g WHERE g.cvx = i.cvx) AS vaccine_groups,
                i.mvx, m.name AS manufacturer, i.administered_on, i.lot_number, i.expiration_date, i.dose_volume_ml,
                i.route, i.site, i.source, o.name AS organization_name, i.clinician, i.funding_source,
                i.vfc_eligibility, i.status, i.void_reason
         FROM immunizations i
         LEFT JOIN vaccines v ON v.cvx = i.cvx
         LEFT JOIN manufacturers m ON m.mvx = i.mvx
         LEFT JOIN organizations o ON o.id = i.organization_id
         WHERE i.client_id = ?
         ORDER BY i.administered_on, i.id",
    )
    .bind(client.to_string())
    .fetch_all(store.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::{self, NewClient};
    use crate::users::{self, NewUser};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-22 9:00 UTC);

    async fn store_with_client() -> (Store, ClientId, UserId) {
        let store = Store::open_in_memory().await.unwrap();
        let client = NewClient {
            first_name: "Ana".into(),
            last_name: "Smith".into(),
            date_of_birth: "2020-01-01".into(),
            gender: "F".into(),
            consent: "granted".into(),
            ..Default::default()
        };
        let user = NewUser {
            id: UserId::new(),
            username: "nurse".into(),
            password_hash: "x".into(),
            first_name: "N".into(),
            last_name: "R".into(),
            email: "n@example.org".into(),
            phone: None,
        };
        let mut tx = store.begin().await.unwrap();
        clients::insert_in_tx(&mut tx, &client, ChangeSource::Local, NOW)
            .await
            .unwrap();
        users::insert_in_tx(&mut tx, &user, ChangeSource::Local, NOW)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        (store, client.id, user.id)
    }

    fn dose(client: ClientId, cvx: &str, mvx: &str, on: &str) -> NewImmunization {
        NewImmunization {
            client_id: client,
            cvx: cvx.into(),
            mvx: Some(mvx.into()),
            administered_on: on.into(),
            source: "administered".into(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn doses_list_oldest_first_with_vaccine_manufacturer_trade_name_and_group() {
        let (store, client, _) = store_with_client().await;
        let mut tx = store.begin().await.unwrap();
        insert_in_tx(
            &mut tx,
            &dose(client, "94", "MSD", "2021-01-05"),
            ChangeSource::Local,
            NOW,
        )
        .await
        .unwrap();
        insert_in_tx(
            &mut tx,
            &dose(client, "08", "MSD", "2020-01-02"),
            ChangeSource::Local,
            NOW,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let rows = for_client(&store, client).await.unwrap();
        assert_eq!(
            rows.iter().map(|r| r.cvx.as_str()).collect::<Vec<_>>(),
            vec!["08", "94"]
        );
        let mmrv = &rows[1];
        assert_eq!(mmrv.trade_name.as_deref(), Some("PROQUAD"));
        assert!(mmrv.manufacturer.as_deref().unwrap().contains("Merck"));
        let groups = mmrv.vaccine_groups.as_deref().unwrap();
        assert!(
            groups.contains("MMR") && groups.contains("VARICELLA"),
            "{groups}"
        );
    }

    #[tokio::test]
    async fn a_voided_dose_is_kept_with_its_reason_and_cannot_be_deleted() {
        let (store, client, user) = store_with_client().await;
        let d = dose(client, "08", "MSD", "2020-01-02");
        let mut tx = store.begin().await.unwrap();
        insert_in_tx(&mut tx, &d, ChangeSource::Local, NOW)
            .await
            .unwrap();
        void_in_tx(&mut tx, d.id, "entered on the wrong client", user, NOW)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let rows = for_client(&store, client).await.unwrap();
        assert_eq!(rows[0].status, "entered_in_error");
        assert_eq!(
            rows[0].void_reason.as_deref(),
            Some("entered on the wrong client")
        );
        assert!(sqlx::query("DELETE FROM immunizations")
            .execute(store.pool())
            .await
            .is_err());
        let ops: Vec<(String,)> =
            sqlx::query_as("SELECT op FROM change_log WHERE entity = 'immunization' ORDER BY seq")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert_eq!(ops, vec![("insert".to_string(),), ("void".to_string(),)]);
    }

    #[tokio::test]
    async fn a_dose_cannot_be_voided_twice() {
        let (store, client, user) = store_with_client().await;
        let d = dose(client, "08", "MSD", "2020-01-02");
        let mut tx = store.begin().await.unwrap();
        insert_in_tx(&mut tx, &d, ChangeSource::Local, NOW)
            .await
            .unwrap();
        void_in_tx(&mut tx, d.id, "duplicate", user, NOW)
            .await
            .unwrap();
        let again = void_in_tx(&mut tx, d.id, "duplicate", user, NOW).await;
        assert!(matches!(again, Err(StoreError::NotFound("immunization"))));
    }
}
