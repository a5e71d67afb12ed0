//! Immunizations (doses): insert, list for a client, void with a reason.

use crate::Work;
use shotbook_core::ids::{ClientId, ImmunizationId, OrganizationId, UserId, VaccineLotId};
use sqlx::{QueryBuilder, Sqlite};
use time::OffsetDateTime;

use crate::change_log::{self, ChangeOp, Entity};
use crate::vaccine_lots;
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
    /// Administering organization's id.
    pub organization_id: Option<String>,
    /// Organization whose user recorded the dose (absent for imported doses).
    pub recorded_by_organization_id: Option<String>,
    /// Inventory lot the dose was drawn from.
    pub lot_id: Option<String>,
    /// NDC given.
    pub ndc: Option<String>,
    /// GS1 string of the VIS given.
    pub vis_document: Option<String>,
    /// Name of that VIS.
    pub vis_document_name: Option<String>,
    /// ISO edition date of the VIS.
    pub vis_edition_date: Option<String>,
    /// ISO date the VIS was given.
    pub vis_given_on: Option<String>,
    /// Who gave a historical dose (from the shot card).
    pub historical_provider: Option<String>,
    /// 1 + number of edits.
    pub revision: i64,
}

impl ImmunizationRow {
    /// The organization that owns the entry: the one that recorded it, or for imported doses
    /// the one that gave it (see `shotbook_core::immunization::dose::may_change`).
    pub fn owner(&self) -> Option<&str> {
        self.recorded_by_organization_id
            .as_deref()
            .or(self.organization_id.as_deref())
    }
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

async fn insert_row(tx: &mut Work, dose: &NewImmunization, now: OffsetDateTime) -> StoreResult<()> {
    let mut qb = QueryBuilder::new(INSERT_COLUMNS);
    qb.push_values(std::iter::once(dose), |mut b, d| {
        push_immunization(&mut b, d, &timestamp(now))
    });
    qb.build().execute(&mut **tx).await?;
    Ok(())
}

/// Inserts a dose and logs the change.
pub async fn insert_in_tx(
    tx: &mut Work,
    dose: &NewImmunization,
    now: OffsetDateTime,
) -> StoreResult<()> {
    insert_row(tx, dose, now).await?;
    change_log::append_in_tx(
        tx,
        Entity::Immunization,
        &dose.id.to_string(),
        ChangeOp::Insert,
        now,
    )
    .await
}

/// Marks a dose entered in error, keeping it and recording who, when and why.
pub async fn void_in_tx(
    tx: &mut Work,
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
        Entity::Immunization,
        &id.to_string(),
        ChangeOp::Void,
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
                i.vfc_eligibility, i.status, i.void_reason, i.organization_id, i.recorded_by_organization_id,
                i.lot_id, i.ndc, i.vis_document, vd.document_name AS vis_document_name, i.vis_edition_date,
                i.vis_given_on, i.historical_provider, i.revision
         FROM immunizations i
         LEFT JOIN vis_documents vd ON vd.encoded_string = i.vis_document
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

/// What a dose recorded at this workstation carries beyond [`NewImmunization`] (the fields
/// imported and generated doses do not have).
#[derive(Debug, Clone)]
pub struct EntryDetails {
    /// Inventory lot the dose was drawn from.
    pub lot_id: Option<VaccineLotId>,
    /// NDC of the product given.
    pub ndc: Option<String>,
    /// GS1 string of the VIS given.
    pub vis_document: Option<String>,
    /// ISO edition date of that VIS.
    pub vis_edition_date: Option<String>,
    /// ISO date the VIS was given.
    pub vis_given_on: Option<String>,
    /// Who gave a historical dose.
    pub historical_provider: Option<String>,
    /// The user recording it.
    pub recorded_by: UserId,
    /// That user's organization: it alone (and state staff) may edit or void the dose.
    pub recorded_by_organization_id: OrganizationId,
}

/// Inserts a dose entered by a user, with its entry details, and logs the change.
pub async fn insert_entry_in_tx(
    tx: &mut Work,
    dose: &NewImmunization,
    details: &EntryDetails,
    now: OffsetDateTime,
) -> StoreResult<()> {
    insert_row(tx, dose, now).await?;
    sqlx::query(
        "UPDATE immunizations SET lot_id = ?, ndc = ?, vis_document = ?, vis_edition_date = ?, vis_given_on = ?,
                historical_provider = ?, recorded_by = ?, recorded_by_organization_id = ?
         WHERE id = ?",
    )
    .bind(details.lot_id.map(|l| l.to_string()))
    .bind(details.ndc.as_deref())
    .bind(details.vis_document.as_deref())
    .bind(details.vis_edition_date.as_deref())
    .bind(details.vis_given_on.as_deref())
    .bind(details.historical_provider.as_deref())
    .bind(details.recorded_by.to_string())
    .bind(details.recorded_by_organization_id.to_string())
    .bind(dose.id.to_string())
    .execute(&mut **tx)
    .await?;
    // Logged once the entry details are in, so the change carries the whole dose.
    change_log::append_in_tx(
        tx,
        Entity::Immunization,
        &dose.id.to_string(),
        ChangeOp::Insert,
        now,
    )
    .await
}

/// Records a dose given from an inventory lot: takes one dose from the lot (first, so the
/// transaction holds the write lock from its first statement), inserts the dose and logs the
/// movement. Returns `false`, changing nothing, when the lot is not `organization`'s, is expired
/// on the date given, or is empty.
pub async fn insert_from_lot_in_tx(
    tx: &mut Work,
    dose: &NewImmunization,
    details: &EntryDetails,
    lot: VaccineLotId,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let organization = details.recorded_by_organization_id;
    if !vaccine_lots::draw_dose_in_tx(tx, lot, organization, &dose.administered_on, now).await? {
        return Ok(false);
    }
    let details = EntryDetails {
        lot_id: Some(lot),
        ..details.clone()
    };
    insert_entry_in_tx(tx, dose, &details, now).await?;
    vaccine_lots::record_administration_in_tx(tx, lot, dose.id, details.recorded_by, now).await?;
    Ok(true)
}

/// Voids a dose and, when it was drawn from a lot, puts the dose back into the lot.
pub async fn void_entry_in_tx(
    tx: &mut Work,
    id: ImmunizationId,
    reason: &str,
    by: UserId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    void_in_tx(tx, id, reason, by, now).await?;
    let lot: Option<(Option<String>,)> =
        sqlx::query_as("SELECT lot_id FROM immunizations WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&mut **tx)
            .await?;
    if let Some((Some(lot),)) = lot {
        let lot: VaccineLotId = lot
            .parse()
            .map_err(|_| anyhow::anyhow!("a stored lot id is not a UUID"))?;
        vaccine_lots::restore_dose_in_tx(tx, lot, id, by, now).await?;
    }
    Ok(())
}

/// The new values of an edited dose (every editable column; unchanged ones repeat the old).
#[derive(Debug, Clone, Default)]
pub struct DoseEdit {
    /// ISO date given.
    pub administered_on: String,
    /// CVX.
    pub cvx: String,
    /// MVX.
    pub mvx: Option<String>,
    /// Lot.
    pub lot_number: Option<String>,
    /// ISO expiry.
    pub expiration_date: Option<String>,
    /// mL.
    pub dose_volume_ml: Option<f64>,
    /// HL7 0162.
    pub route: Option<String>,
    /// HL7 0163.
    pub site: Option<String>,
    /// Clinician.
    pub clinician: Option<String>,
    /// Who gave a historical dose.
    pub historical_provider: Option<String>,
    /// VIS GS1 string.
    pub vis_document: Option<String>,
    /// ISO VIS edition.
    pub vis_edition_date: Option<String>,
    /// ISO date the VIS was given.
    pub vis_given_on: Option<String>,
    /// VFC eligibility.
    pub vfc_eligibility: Option<String>,
}

/// Changes a dose, first copying its current values into `immunization_revisions` with the
/// reason. Returns `false`, changing nothing, when the dose is voided or is no longer at
/// `expected_revision` (someone else changed it meanwhile).
pub async fn edit_in_tx(
    tx: &mut Work,
    id: ImmunizationId,
    expected_revision: i64,
    edit: &DoseEdit,
    reason: &str,
    by: UserId,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let kept = sqlx::query(
        "INSERT INTO immunization_revisions (id, immunization_id, revision, previous_values, reason, changed_by, changed_at)
         SELECT ?, id, revision,
                json_object('administered_on', administered_on, 'cvx', cvx, 'mvx', mvx, 'lot_number', lot_number,
                            'expiration_date', expiration_date, 'dose_volume_ml', dose_volume_ml, 'route', route,
                            'site', site, 'clinician', clinician, 'historical_provider', historical_provider,
                            'vis_document', vis_document, 'vis_edition_date', vis_edition_date,
                            'vis_given_on', vis_given_on, 'vfc_eligibility', vfc_eligibility),
                ?, ?, ?
         FROM immunizations WHERE id = ? AND revision = ? AND status = 'completed'",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(reason)
    .bind(by.to_string())
    .bind(timestamp(now))
    .bind(id.to_string())
    .bind(expected_revision)
    .execute(&mut **tx)
    .await?;
    if kept.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE immunizations SET administered_on = ?, cvx = ?, mvx = ?, lot_number = ?, expiration_date = ?,
                dose_volume_ml = ?, route = ?, site = ?, clinician = ?, historical_provider = ?, vis_document = ?,
                vis_edition_date = ?, vis_given_on = ?, vfc_eligibility = ?, revision = revision + 1, updated_at = ?
         WHERE id = ?",
    )
    .bind(&edit.administered_on)
    .bind(&edit.cvx)
    .bind(edit.mvx.as_deref())
    .bind(edit.lot_number.as_deref())
    .bind(edit.expiration_date.as_deref())
    .bind(edit.dose_volume_ml)
    .bind(edit.route.as_deref())
    .bind(edit.site.as_deref())
    .bind(edit.clinician.as_deref())
    .bind(edit.historical_provider.as_deref())
    .bind(edit.vis_document.as_deref())
    .bind(edit.vis_edition_date.as_deref())
    .bind(edit.vis_given_on.as_deref())
    .bind(edit.vfc_eligibility.as_deref())
    .bind(timestamp(now))
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(
        tx,
        Entity::Immunization,
        &id.to_string(),
        ChangeOp::Update,
        now,
    )
    .await?;
    Ok(true)
}

/// An earlier state of an edited dose.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RevisionRow {
    /// The revision these values were.
    pub revision: i64,
    /// JSON object of the values.
    pub previous_values: String,
    /// Why it was changed.
    pub reason: String,
    /// Who changed it.
    pub changed_by: Option<String>,
    /// RFC 3339.
    pub changed_at: String,
}

/// The earlier states of a dose, oldest first.
pub async fn revisions(store: &Store, id: ImmunizationId) -> StoreResult<Vec<RevisionRow>> {
    Ok(sqlx::query_as(
        "SELECT revision, previous_values, reason, changed_by, changed_at FROM immunization_revisions
         WHERE immunization_id = ? ORDER BY revision",
    )
    .bind(id.to_string())
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
        clients::insert_in_tx(&mut tx, &client, NOW).await.unwrap();
        users::insert_in_tx(&mut tx, &user, NOW).await.unwrap();
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
        insert_in_tx(&mut tx, &dose(client, "94", "MSD", "2021-01-05"), NOW)
            .await
            .unwrap();
        insert_in_tx(&mut tx, &dose(client, "08", "MSD", "2020-01-02"), NOW)
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
        insert_in_tx(&mut tx, &d, NOW).await.unwrap();
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
        insert_in_tx(&mut tx, &d, NOW).await.unwrap();
        void_in_tx(&mut tx, d.id, "duplicate", user, NOW)
            .await
            .unwrap();
        let again = void_in_tx(&mut tx, d.id, "duplicate", user, NOW).await;
        assert!(matches!(again, Err(StoreError::NotFound("immunization"))));
    }

    #[tokio::test]
    async fn an_edit_keeps_the_previous_values_and_refuses_a_stale_revision() {
        let (store, client, user) = store_with_client().await;
        let d = dose(client, "08", "MSD", "2020-01-02");
        let mut tx = store.begin().await.unwrap();
        insert_in_tx(&mut tx, &d, NOW).await.unwrap();
        let edit = DoseEdit {
            administered_on: "2020-01-03".into(),
            cvx: "08".into(),
            mvx: Some("MSD".into()),
            lot_number: Some("Y003311".into()),
            ..Default::default()
        };
        assert!(
            edit_in_tx(&mut tx, d.id, 1, &edit, "typo in the date", user, NOW)
                .await
                .unwrap()
        );
        assert!(
            !edit_in_tx(&mut tx, d.id, 1, &edit, "again", user, NOW)
                .await
                .unwrap(),
            "revision 1 is gone"
        );
        tx.commit().await.unwrap();
        let row = &for_client(&store, client).await.unwrap()[0];
        assert_eq!(
            (row.administered_on.as_str(), row.revision),
            ("2020-01-03", 2)
        );
        let history = revisions(&store, d.id).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].reason, "typo in the date");
        assert!(history[0]
            .previous_values
            .contains("\"administered_on\":\"2020-01-02\""));
        assert!(
            sqlx::query("UPDATE immunization_revisions SET reason = 'x'")
                .execute(store.pool())
                .await
                .is_err()
        );
    }
}
