//! The use-case ports ([`shotbook_usecases::ports`]) on PostgreSQL: reads on [`PgRegistry`],
//! writes on [`PgWork`]. The semantics are the SQLite store's (`crates/store/src/ports*.rs`);
//! where PostgreSQL lets one statement do what SQLite needs several for, the comment says so.

use shotbook_core::audit::AuditEvent;
use shotbook_core::codes::{comma_list, Cvx};
use shotbook_core::consent::ConsentStatus;
use shotbook_core::ids::{ClientId, ImmunizationId, OrganizationId, UserId, VaccineLotId};
use shotbook_core::immunization::entry::{DoseSource, LotFacts, VaccineFacts};
use shotbook_core::immunization::lot::{
    AdjustmentReason, FundingSource, LotAdjustment, ReceiveLot,
};
use shotbook_protocol::{ChangeOp, Entity, Origin};
use shotbook_usecases::ports::{
    AuditWrites, CatalogReads, ClientFacts, ClientReads, DoseChange, DoseRecord, ImmunizationReads,
    ImmunizationWrites, LotAdjusted, LotReads, LotWrites, Mail, MailReads, MailWrites, QueuedMail,
    Registry, StoredDose, StoredLot, UnitOfWork, VisEdition,
};
use shotbook_usecases::{PortError, PortResult};
use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::change_log::append;
use crate::{audit, damaged, failed, PgRegistry, PgWork};

mod access;
mod demographics;
pub(crate) mod duplicates;
mod recall;
mod reports;
mod school;
mod sign_in;

/// The workstation's older consent column (`clients.consent`), kept in step for replicas
/// that still read it: granted → granted, withdrawn → refused, not granted → unknown.
pub(crate) fn legacy_consent(status: ConsentStatus) -> &'static str {
    match status {
        ConsentStatus::Granted => "granted",
        ConsentStatus::Withdrawn => "refused",
        ConsentStatus::NotGranted => "unknown",
    }
}

impl ClientReads for PgRegistry {
    async fn client_facts(&self, client: ClientId) -> PortResult<ClientFacts> {
        // One statement: every use case reads these before it decides anything. Only active
        // relationships make a client an organization's own.
        type Row = (
            Date,
            String,
            Option<Uuid>,
            Option<Uuid>,
            Option<String>,
            Vec<Uuid>,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT c.date_of_birth, c.consent_status, c.home_organization_id, c.merged_into, c.state,
                    ARRAY(SELECT o.organization_id FROM client_organizations o
                          WHERE o.client_id = c.id AND o.voided_at IS NULL AND o.status = 'active'
                          ORDER BY o.created_at, o.organization_id)
             FROM clients c WHERE c.id = $1",
        )
        .bind(client.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(failed)?;
        let (date_of_birth, consent, home, merged_into, state, others) =
            row.ok_or(PortError::NotFound("client"))?;
        Ok(ClientFacts {
            date_of_birth,
            consent: ConsentStatus::from_code(&consent).unwrap_or(ConsentStatus::NotGranted),
            organizations: home
                .into_iter()
                .chain(others)
                .map(OrganizationId::from_uuid)
                .collect(),
            state: state.filter(|s| !s.trim().is_empty()),
            merged_into: merged_into.map(ClientId::from_uuid),
        })
    }
}

impl CatalogReads for PgRegistry {
    async fn vaccine(&self, cvx: &Cvx) -> PortResult<Option<VaccineFacts>> {
        let row: Option<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT v.short_description, v.status,
                    (SELECT string_agg(g.vaccine_group, ',' ORDER BY g.vaccine_group)
                     FROM vaccine_group_members g WHERE g.cvx = v.cvx)
             FROM vaccines v WHERE v.cvx = $1",
        )
        .bind(cvx.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(failed)?;
        Ok(row.map(|(short_description, status, groups)| VaccineFacts {
            cvx: cvx.clone(),
            short_description,
            status,
            groups: comma_list(groups.as_deref()),
        }))
    }

    async fn vis_edition(&self, document: &str) -> PortResult<Option<VisEdition>> {
        let row: Option<(String, Date)> = sqlx::query_as(
            "SELECT encoded_string, edition_date FROM vis_documents WHERE encoded_string = $1",
        )
        .bind(document.trim())
        .fetch_optional(&self.pool)
        .await
        .map_err(failed)?;
        Ok(row.map(|(document, edition_date)| VisEdition {
            document,
            edition_date,
        }))
    }
}

#[derive(sqlx::FromRow)]
struct LotRow {
    organization_id: Uuid,
    cvx: String,
    mvx: String,
    ndc: Option<String>,
    lot_number: String,
    expiration_date: Date,
    funding_source: String,
    quantity_on_hand: i64,
}

impl LotReads for PgRegistry {
    async fn lot(&self, lot: VaccineLotId) -> PortResult<Option<StoredLot>> {
        let row: Option<LotRow> = sqlx::query_as(
            "SELECT organization_id, cvx, mvx, ndc, lot_number, expiration_date, funding_source,
                    quantity_on_hand
             FROM vaccine_lots WHERE id = $1",
        )
        .bind(lot.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(failed)?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Some(StoredLot {
            id: lot,
            facts: LotFacts {
                lot_number: row.lot_number,
                organization_id: OrganizationId::from_uuid(row.organization_id),
                cvx: Cvx::parse(&row.cvx).map_err(|_| damaged("CVX"))?,
                expires_on: row.expiration_date,
                on_hand: row.quantity_on_hand,
            },
            mvx: Some(row.mvx).filter(|m| !m.trim().is_empty()),
            ndc: row.ndc,
            funding: FundingSource::parse_field("fundingSource", &row.funding_source).ok(),
        }))
    }
}

#[derive(sqlx::FromRow)]
struct DoseRow {
    id: Uuid,
    client_id: Uuid,
    cvx: String,
    groups: Option<String>,
    administered_on: Date,
    source: String,
    status: String,
    lot_id: Option<Uuid>,
    lot_number: Option<String>,
    expiration_date: Option<Date>,
    owner: Option<Uuid>,
    revision: i64,
    vis_document: Option<String>,
    vis_edition_date: Option<Date>,
    vis_given_on: Option<Date>,
}

/// The organization that owns an entry is the one whose user recorded it, else (older rows)
/// the administering one.
const DOSE_SELECT: &str = "SELECT i.id, i.client_id, i.cvx,
        (SELECT string_agg(g.vaccine_group, ',' ORDER BY g.vaccine_group)
         FROM vaccine_group_members g WHERE g.cvx = i.cvx) AS groups,
        i.administered_on, i.source, i.status, i.lot_id, i.lot_number, i.expiration_date,
        coalesce(i.recorded_by_organization_id, i.organization_id) AS owner,
        i.revision, i.vis_document, i.vis_edition_date, i.vis_given_on
    FROM immunizations i";

impl From<DoseRow> for StoredDose {
    fn from(row: DoseRow) -> Self {
        StoredDose {
            id: ImmunizationId::from_uuid(row.id),
            client: ClientId::from_uuid(row.client_id),
            groups: comma_list(row.groups.as_deref()),
            cvx: row.cvx,
            administered_on: row.administered_on,
            source: if row.source == DoseSource::Administered.code() {
                DoseSource::Administered
            } else {
                DoseSource::Historical
            },
            voided: row.status != "completed",
            lot: row.lot_id.map(VaccineLotId::from_uuid),
            lot_number: row.lot_number,
            expiration_date: row.expiration_date,
            owner: row.owner.map(OrganizationId::from_uuid),
            revision: row.revision,
            vis_document: row.vis_document,
            vis_edition_date: row.vis_edition_date,
            vis_given_on: row.vis_given_on,
        }
    }
}

impl ImmunizationReads for PgRegistry {
    async fn doses_of(&self, client: ClientId) -> PortResult<Vec<StoredDose>> {
        let rows: Vec<DoseRow> = sqlx::query_as(&format!(
            "{DOSE_SELECT} WHERE i.client_id = $1 ORDER BY i.administered_on, i.id"
        ))
        .bind(client.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        Ok(rows.into_iter().map(StoredDose::from).collect())
    }

    async fn dose(&self, id: ImmunizationId) -> PortResult<Option<StoredDose>> {
        let row: Option<DoseRow> = sqlx::query_as(&format!("{DOSE_SELECT} WHERE i.id = $1"))
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(failed)?;
        Ok(row.map(StoredDose::from))
    }
}

impl Registry for PgRegistry {
    type Work = PgWork;

    async fn begin(&self, origin: Origin, at: OffsetDateTime) -> PortResult<PgWork> {
        self.begin_with(origin, at).await.map_err(failed)
    }
}

/// Inserts the dose with every column in one statement (SQLite inserts, then adds the entry
/// details), then logs it, so the envelope carries the whole dose.
async fn insert_dose_row(
    work: &mut PgWork,
    dose: &DoseRecord,
    lot: Option<VaccineLotId>,
) -> PortResult<()> {
    let now = work.now();
    let d = &dose.details;
    sqlx::query(
        "INSERT INTO immunizations (id, client_id, cvx, mvx, administered_on, lot_number, expiration_date,
                dose_volume_ml, route, site, source, organization_id, clinician, funding_source, vfc_eligibility,
                lot_id, ndc, vis_document, vis_edition_date, vis_given_on, historical_provider, recorded_by,
                recorded_by_organization_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                 $21, $22, $23, $24, $24)",
    )
    .bind(dose.id.as_uuid())
    .bind(dose.client.as_uuid())
    .bind(&dose.cvx)
    .bind(&dose.mvx)
    .bind(dose.administered_on)
    .bind(&dose.lot_number)
    .bind(dose.expiration_date)
    .bind(d.volume_ml)
    .bind(&d.route)
    .bind(&d.site)
    .bind(dose.source.code())
    .bind(dose.organization.map(|o| o.as_uuid()))
    .bind(&d.clinician)
    .bind(&dose.funding_source)
    .bind(&d.vfc_eligibility)
    .bind(lot.map(|l| l.as_uuid()))
    .bind(&dose.ndc)
    .bind(dose.vis.as_ref().map(|(v, _)| v.document.clone()))
    .bind(dose.vis.as_ref().map(|(v, _)| v.edition_date))
    .bind(dose.vis.as_ref().and_then(|(_, on)| *on))
    .bind(&dose.historical_provider)
    .bind(dose.recorded_by.as_uuid())
    .bind(dose.recorded_by_organization.as_uuid())
    .bind(now)
    .execute(work.connection())
    .await
    .map_err(failed)?;
    append(
        work,
        Entity::Immunization,
        &dose.id.to_string(),
        ChangeOp::Insert,
    )
    .await
}

/// Appends a movement of `lot` and logs it, then logs the lot's new count.
#[allow(clippy::too_many_arguments)]
async fn record_movement(
    work: &mut PgWork,
    lot: VaccineLotId,
    kind: &str,
    quantity: i64,
    reason: Option<AdjustmentReason>,
    note: Option<&str>,
    immunization: Option<ImmunizationId>,
    by: Option<UserId>,
) -> PortResult<()> {
    // A dose's own movements get the id the workstation that recorded it gave them (see
    // `dose_stock_movement_id`), so a replica pulls back the row it already holds.
    let id = match immunization {
        Some(dose) => shotbook_core::ids::dose_stock_movement_id(dose, kind),
        None => Uuid::now_v7(),
    };
    let now = work.now();
    sqlx::query(
        "INSERT INTO vaccine_lot_movements (id, lot_id, kind, quantity, reason, note, immunization_id, user_id, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(lot.as_uuid())
    .bind(kind)
    .bind(quantity)
    .bind(reason.map(|r| r.code()))
    .bind(note)
    .bind(immunization.map(|i| i.as_uuid()))
    .bind(by.map(|u| u.as_uuid()))
    .bind(now)
    .execute(work.connection())
    .await
    .map_err(failed)?;
    append(
        work,
        Entity::VaccineLotMovement,
        &id.to_string(),
        ChangeOp::Insert,
    )
    .await
}

async fn log_lot(work: &mut PgWork, lot: VaccineLotId, op: ChangeOp) -> PortResult<()> {
    append(work, Entity::VaccineLot, &lot.to_string(), op).await
}

impl ImmunizationWrites for PgWork {
    async fn insert_dose(&mut self, dose: &DoseRecord) -> PortResult<()> {
        insert_dose_row(self, dose, None).await
    }

    async fn insert_dose_from_lot(
        &mut self,
        dose: &DoseRecord,
        lot: VaccineLotId,
    ) -> PortResult<bool> {
        // The draw checks what it changes (the organization's, not expired on the day given,
        // not empty) and locks the lot's row until the work ends, so concurrent doses neither
        // overdraw it nor lose a decrement.
        let now = self.now();
        let drawn = sqlx::query(
            "UPDATE vaccine_lots SET quantity_on_hand = quantity_on_hand - 1, updated_at = $1
             WHERE id = $2 AND organization_id = $3 AND quantity_on_hand > 0 AND expiration_date >= $4",
        )
        .bind(now)
        .bind(lot.as_uuid())
        .bind(dose.recorded_by_organization.as_uuid())
        .bind(dose.administered_on)
        .execute(self.connection())
        .await
        .map_err(failed)?;
        if drawn.rows_affected() != 1 {
            return Ok(false);
        }
        insert_dose_row(self, dose, Some(lot)).await?;
        record_movement(
            self,
            lot,
            "administered",
            -1,
            None,
            None,
            Some(dose.id),
            Some(dose.recorded_by),
        )
        .await?;
        log_lot(self, lot, ChangeOp::Update).await?;
        Ok(true)
    }

    async fn correct_dose(
        &mut self,
        id: ImmunizationId,
        expected_revision: i64,
        change: &DoseChange,
        reason: &str,
        by: UserId,
    ) -> PortResult<bool> {
        let now = self.now();
        // The previous values are kept first; the guard (revision, not voided) is in the same
        // statement, so a stale edit keeps nothing and changes nothing.
        let kept = sqlx::query(
            "INSERT INTO immunization_revisions (id, immunization_id, revision, previous_values, reason, changed_by, changed_at)
             SELECT $1, id, revision,
                    jsonb_build_object('administered_on', administered_on, 'cvx', cvx, 'mvx', mvx,
                        'lot_number', lot_number, 'expiration_date', expiration_date,
                        'dose_volume_ml', dose_volume_ml, 'route', route, 'site', site, 'clinician', clinician,
                        'historical_provider', historical_provider, 'vis_document', vis_document,
                        'vis_edition_date', vis_edition_date, 'vis_given_on', vis_given_on,
                        'vfc_eligibility', vfc_eligibility),
                    $2, $3, $4
             FROM immunizations WHERE id = $5 AND revision = $6 AND status = 'completed'",
        )
        .bind(Uuid::now_v7())
        .bind(reason)
        .bind(by.as_uuid())
        .bind(now)
        .bind(id.as_uuid())
        .bind(expected_revision)
        .execute(self.connection())
        .await
        .map_err(failed)?;
        if kept.rows_affected() == 0 {
            return Ok(false);
        }
        let d = &change.details;
        sqlx::query(
            "UPDATE immunizations SET administered_on = $1, cvx = $2, mvx = $3, lot_number = $4,
                    expiration_date = $5, dose_volume_ml = $6, route = $7, site = $8, clinician = $9,
                    historical_provider = $10, vis_document = $11, vis_edition_date = $12, vis_given_on = $13,
                    vfc_eligibility = $14, revision = revision + 1, updated_at = $15
             WHERE id = $16",
        )
        .bind(change.administered_on)
        .bind(&change.cvx)
        .bind(&change.mvx)
        .bind(&change.lot_number)
        .bind(change.expiration_date)
        .bind(d.volume_ml)
        .bind(&d.route)
        .bind(&d.site)
        .bind(&d.clinician)
        .bind(&change.historical_provider)
        .bind(&change.vis_document)
        .bind(change.vis_edition_date)
        .bind(change.vis_given_on)
        .bind(&d.vfc_eligibility)
        .bind(now)
        .bind(id.as_uuid())
        .execute(self.connection())
        .await
        .map_err(failed)?;
        append(
            self,
            Entity::Immunization,
            &id.to_string(),
            ChangeOp::Update,
        )
        .await?;
        Ok(true)
    }

    async fn void_dose(&mut self, id: ImmunizationId, reason: &str, by: UserId) -> PortResult<()> {
        let now = self.now();
        let voided: Option<(Option<Uuid>,)> = sqlx::query_as(
            "UPDATE immunizations SET status = 'entered_in_error', void_reason = $1, voided_at = $2,
                    voided_by = $3, updated_at = $2
             WHERE id = $4 AND status = 'completed'
             RETURNING lot_id",
        )
        .bind(reason)
        .bind(now)
        .bind(by.as_uuid())
        .bind(id.as_uuid())
        .fetch_optional(self.connection())
        .await
        .map_err(failed)?;
        let Some((lot,)) = voided else {
            return Err(PortError::NotFound("immunization"));
        };
        append(self, Entity::Immunization, &id.to_string(), ChangeOp::Void).await?;
        // A dose drawn from a lot goes back into it.
        if let Some(lot) = lot.map(VaccineLotId::from_uuid) {
            let restored = sqlx::query(
                "UPDATE vaccine_lots SET quantity_on_hand = quantity_on_hand + 1, updated_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(lot.as_uuid())
            .execute(self.connection())
            .await
            .map_err(failed)?;
            if restored.rows_affected() == 0 {
                return Err(PortError::NotFound("vaccine lot"));
            }
            record_movement(self, lot, "dose_voided", 1, None, None, Some(id), Some(by)).await?;
            log_lot(self, lot, ChangeOp::Update).await?;
        }
        Ok(())
    }
}

impl LotWrites for PgWork {
    async fn receive_lot(
        &mut self,
        organization: OrganizationId,
        lot: &ReceiveLot,
        trade_name: Option<&str>,
        by: UserId,
    ) -> PortResult<VaccineLotId> {
        let now = self.now();
        // `xmax = 0` only on a row this statement inserted: a new lot is logged as an insert,
        // more of a lot already held as an update.
        let (id, inserted): (Uuid, bool) = sqlx::query_as(
            "INSERT INTO vaccine_lots (id, organization_id, cvx, mvx, ndc, trade_name, lot_number, expiration_date,
                                       funding_source, quantity_on_hand, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
             ON CONFLICT (organization_id, cvx, mvx, lot_number, funding_source)
             DO UPDATE SET quantity_on_hand = vaccine_lots.quantity_on_hand + excluded.quantity_on_hand,
                           updated_at = excluded.updated_at
             RETURNING id, (xmax = 0)",
        )
        .bind(VaccineLotId::new().as_uuid())
        .bind(organization.as_uuid())
        .bind(lot.cvx.as_str())
        .bind(lot.mvx.as_str())
        .bind(&lot.ndc)
        .bind(trade_name)
        .bind(lot.lot_number.as_str())
        .bind(lot.expires_on.date())
        .bind(lot.funding.code())
        .bind(lot.quantity)
        .bind(by.as_uuid())
        .bind(now)
        .fetch_one(self.connection())
        .await
        .map_err(failed)?;
        let id = VaccineLotId::from_uuid(id);
        let op = if inserted {
            ChangeOp::Insert
        } else {
            ChangeOp::Update
        };
        log_lot(self, id, op).await?;
        record_movement(
            self,
            id,
            "received",
            lot.quantity,
            None,
            None,
            None,
            Some(by),
        )
        .await?;
        Ok(id)
    }

    async fn adjust_lot(
        &mut self,
        organization: OrganizationId,
        adjustment: &LotAdjustment,
        by: UserId,
    ) -> PortResult<LotAdjusted> {
        let now = self.now();
        let lot = adjustment.lot;
        let updated: Option<(i64,)> = sqlx::query_as(
            "UPDATE vaccine_lots SET quantity_on_hand = quantity_on_hand + $1, updated_at = $2
             WHERE id = $3 AND organization_id = $4 AND quantity_on_hand + $1 >= 0
             RETURNING quantity_on_hand",
        )
        .bind(adjustment.change)
        .bind(now)
        .bind(lot.as_uuid())
        .bind(organization.as_uuid())
        .fetch_optional(self.connection())
        .await
        .map_err(failed)?;
        let Some((on_hand,)) = updated else {
            let held: Option<(i64,)> = sqlx::query_as(
                "SELECT quantity_on_hand FROM vaccine_lots WHERE id = $1 AND organization_id = $2",
            )
            .bind(lot.as_uuid())
            .bind(organization.as_uuid())
            .fetch_optional(self.connection())
            .await
            .map_err(failed)?;
            return Ok(match held {
                Some((n,)) => LotAdjusted::NotEnough(n),
                None => LotAdjusted::NotFound,
            });
        };
        record_movement(
            self,
            lot,
            "adjusted",
            adjustment.change,
            Some(adjustment.reason),
            adjustment.note.as_deref(),
            None,
            Some(by),
        )
        .await?;
        log_lot(self, lot, ChangeOp::Update).await?;
        Ok(LotAdjusted::Applied(on_hand))
    }
}

impl AuditWrites for PgWork {
    async fn audit(&mut self, event: &AuditEvent) -> PortResult<()> {
        audit::append(self.connection(), event).await?;
        Ok(())
    }

    async fn audit_many(&mut self, events: &[AuditEvent]) -> PortResult<()> {
        audit::append_many(self.connection(), events).await
    }
}

/// After this many failed attempts a message stays in the queue, unsent, for an operator (the
/// workstation's limit too).
pub const MAX_MAIL_ATTEMPTS: i64 = 10;

impl MailWrites for PgWork {
    async fn queue_mail(&mut self, mail: &Mail) -> PortResult<()> {
        let now = self.now();
        sqlx::query("INSERT INTO mail_outbox (queued_at, kind, payload) VALUES ($1, $2, $3)")
            .bind(now)
            .bind(mail.kind())
            .bind(Json(mail))
            .execute(self.connection())
            .await
            .map_err(failed)?;
        Ok(())
    }
}

impl MailReads for PgRegistry {
    async fn unsent_mail(&self) -> PortResult<Vec<QueuedMail>> {
        let rows: Vec<(i64, Json<serde_json::Value>, i64)> = sqlx::query_as(
            "SELECT id, payload, attempts FROM mail_outbox
             WHERE sent_at IS NULL AND payload IS NOT NULL AND attempts < $1 ORDER BY id",
        )
        .bind(MAX_MAIL_ATTEMPTS)
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        rows.into_iter()
            .map(|(id, Json(payload), attempts)| {
                // A message this build cannot read is a damaged queue: named by its id only.
                let mail: Mail =
                    serde_json::from_value(payload).map_err(|_| damaged("queued mail"))?;
                Ok(QueuedMail { id, mail, attempts })
            })
            .collect()
    }
}

impl UnitOfWork for PgWork {
    async fn commit(self) -> PortResult<()> {
        self.tx.commit().await.map_err(failed)
    }
}
