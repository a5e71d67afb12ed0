//! The use-case ports ([`shotbook_usecases::ports`]) on SQLite: [`Store`] is the registry,
//! [`Work`] its unit of work. Rows are read as the screens store them (ISO text, UUID text)
//! and turned into core types here, once.

use shotbook_core::audit::AuditEvent;
use shotbook_core::codes::{comma_list, Cvx};
use shotbook_core::date::UsDate;
use shotbook_core::ids::{ClientId, ImmunizationId, OrganizationId, UserId, VaccineLotId};
use shotbook_core::immunization::entry::{DoseSource, LotFacts, VaccineFacts};
use shotbook_core::immunization::lot::{FundingSource, LotAdjustment, ReceiveLot};
use shotbook_protocol::Origin;
use shotbook_usecases::ports::{
    AuditWrites, CatalogReads, ClientFacts, ClientReads, DoseChange, DoseRecord, ImmunizationReads,
    ImmunizationWrites, LotAdjusted, LotReads, LotWrites, Mail, MailReads, MailWrites, QueuedMail,
    Registry, StoredDose, StoredLot, UnitOfWork, VisEdition,
};
use shotbook_usecases::{PortError, PortResult};
use time::{Date, OffsetDateTime};

mod duplicates;

use crate::immunizations::{self, DoseEdit, EntryDetails, NewImmunization};
use crate::{audit, vaccine_lots, vaccine_products, Store, StoreError, Work};

mod demographics;

mod access;

mod recall;
mod reports;
mod school;
mod search;
mod sign_in;

impl From<StoreError> for PortError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => PortError::NotFound(what),
            other => PortError::Failed(Box::new(other)),
        }
    }
}

/// A stored value that does not parse: the database is damaged (never quotes the value, which
/// may be a date of birth).
fn damaged(what: &'static str) -> PortError {
    PortError::Failed(format!("a stored {what} does not parse").into())
}

fn date(text: &str) -> PortResult<Date> {
    UsDate::parse(text)
        .map(|d| d.date())
        .map_err(|_| damaged("date"))
}

fn optional_date(text: Option<&str>) -> PortResult<Option<Date>> {
    text.map(date).transpose()
}

fn iso(date: Date) -> String {
    UsDate::from_date(date).iso()
}

fn uuid<T: std::str::FromStr>(text: &str, what: &'static str) -> PortResult<T> {
    text.parse().map_err(|_| damaged(what))
}

impl ClientReads for Store {
    async fn client_facts(&self, client: ClientId) -> PortResult<ClientFacts> {
        // One statement: every use case reads these before it decides anything.
        let row = crate::demographics::rule_facts(self, client).await?;
        Ok(ClientFacts {
            date_of_birth: date(&row.date_of_birth)?,
            consent: row.consent,
            organizations: row.organizations,
            state: row.state,
            merged_into: row
                .merged_into
                .as_deref()
                .map(|m| uuid(m, "client id"))
                .transpose()?,
        })
    }
}

impl CatalogReads for Store {
    async fn vaccine(&self, cvx: &Cvx) -> PortResult<Option<VaccineFacts>> {
        Ok(vaccine_products::vaccine(self, cvx.as_str())
            .await?
            .map(|row| VaccineFacts {
                cvx: cvx.clone(),
                short_description: row.short_description,
                status: row.status,
                groups: comma_list(row.groups.as_deref()),
            }))
    }

    async fn vis_edition(&self, document: &str) -> PortResult<Option<VisEdition>> {
        vaccine_products::vis_document(self, document.trim())
            .await?
            .map(|doc| {
                Ok(VisEdition {
                    edition_date: date(&doc.edition_date)?,
                    document: doc.encoded_string,
                })
            })
            .transpose()
    }
}

impl LotReads for Store {
    async fn lot(&self, lot: VaccineLotId) -> PortResult<Option<StoredLot>> {
        let row = match vaccine_lots::get(self, lot).await {
            Ok(row) => row,
            Err(StoreError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(Some(StoredLot {
            id: lot,
            facts: LotFacts {
                lot_number: row.lot_number.clone(),
                organization_id: uuid(&row.organization_id, "organization id")?,
                cvx: Cvx::parse(&row.cvx).map_err(|_| damaged("CVX"))?,
                expires_on: date(&row.expiration_date)?,
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
    id: String,
    client_id: String,
    cvx: String,
    groups: Option<String>,
    administered_on: String,
    source: String,
    status: String,
    lot_id: Option<String>,
    lot_number: Option<String>,
    expiration_date: Option<String>,
    organization_id: Option<String>,
    recorded_by_organization_id: Option<String>,
    revision: i64,
    vis_document: Option<String>,
    vis_edition_date: Option<String>,
    vis_given_on: Option<String>,
}

const DOSE_SELECT: &str = "SELECT i.id, i.client_id, i.cvx,
        (SELECT group_concat(g.vaccine_group, ',') FROM vaccine_group_members g WHERE g.cvx = i.cvx) AS groups,
        i.administered_on, i.source, i.status, i.lot_id, i.lot_number, i.expiration_date, i.organization_id,
        i.recorded_by_organization_id, i.revision, i.vis_document, i.vis_edition_date, i.vis_given_on
    FROM immunizations i";

impl DoseRow {
    fn into_dose(self) -> PortResult<StoredDose> {
        let owner = self
            .recorded_by_organization_id
            .as_deref()
            .or(self.organization_id.as_deref())
            .map(|o| uuid::<OrganizationId>(o, "organization id"))
            .transpose()?;
        Ok(StoredDose {
            id: uuid(&self.id, "immunization id")?,
            client: uuid(&self.client_id, "client id")?,
            groups: comma_list(self.groups.as_deref()),
            cvx: self.cvx,
            administered_on: date(&self.administered_on)?,
            source: if self.source == DoseSource::Administered.code() {
                DoseSource::Administered
            } else {
                DoseSource::Historical
            },
            voided: self.status != "completed",
            lot: self
                .lot_id
                .as_deref()
                .map(|l| uuid(l, "lot id"))
                .transpose()?,
            lot_number: self.lot_number,
            expiration_date: optional_date(self.expiration_date.as_deref())?,
            owner,
            revision: self.revision,
            vis_document: self.vis_document,
            vis_edition_date: optional_date(self.vis_edition_date.as_deref())?,
            vis_given_on: optional_date(self.vis_given_on.as_deref())?,
        })
    }
}

impl ImmunizationReads for Store {
    async fn doses_of(&self, client: ClientId) -> PortResult<Vec<StoredDose>> {
        let rows: Vec<DoseRow> = sqlx::query_as(&format!(
            "{DOSE_SELECT} WHERE i.client_id = ? ORDER BY i.administered_on, i.id"
        ))
        .bind(client.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::from)?;
        rows.into_iter().map(DoseRow::into_dose).collect()
    }

    async fn dose(&self, id: ImmunizationId) -> PortResult<Option<StoredDose>> {
        let row: Option<DoseRow> = sqlx::query_as(&format!("{DOSE_SELECT} WHERE i.id = ?"))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(StoreError::from)?;
        row.map(DoseRow::into_dose).transpose()
    }
}

impl Registry for Store {
    type Work = Work;
    async fn begin(&self, origin: Origin, at: OffsetDateTime) -> PortResult<Work> {
        Ok(self.begin_with(origin, at).await?)
    }
}

fn new_immunization(dose: &DoseRecord) -> (NewImmunization, EntryDetails) {
    let d = &dose.details;
    (
        NewImmunization {
            id: dose.id,
            client_id: dose.client,
            cvx: dose.cvx.clone(),
            mvx: dose.mvx.clone(),
            administered_on: iso(dose.administered_on),
            lot_number: dose.lot_number.clone(),
            expiration_date: dose.expiration_date.map(iso),
            dose_volume_ml: d.volume_ml,
            route: d.route.clone(),
            site: d.site.clone(),
            source: dose.source.code().to_string(),
            organization_id: dose.organization,
            clinician: d.clinician.clone(),
            funding_source: dose.funding_source.clone(),
            vfc_eligibility: d.vfc_eligibility.clone(),
        },
        EntryDetails {
            lot_id: None,
            ndc: dose.ndc.clone(),
            vis_document: dose.vis.as_ref().map(|(v, _)| v.document.clone()),
            vis_edition_date: dose.vis.as_ref().map(|(v, _)| iso(v.edition_date)),
            vis_given_on: dose.vis.as_ref().and_then(|(_, on)| on.map(iso)),
            historical_provider: dose.historical_provider.clone(),
            recorded_by: dose.recorded_by,
            recorded_by_organization_id: dose.recorded_by_organization,
        },
    )
}

impl ImmunizationWrites for Work {
    async fn insert_dose(&mut self, dose: &DoseRecord) -> PortResult<()> {
        let (new, details) = new_immunization(dose);
        let now = self.now();
        Ok(immunizations::insert_entry_in_tx(self, &new, &details, now).await?)
    }

    async fn insert_dose_from_lot(
        &mut self,
        dose: &DoseRecord,
        lot: VaccineLotId,
    ) -> PortResult<bool> {
        let (new, details) = new_immunization(dose);
        let now = self.now();
        Ok(immunizations::insert_from_lot_in_tx(self, &new, &details, lot, now).await?)
    }

    async fn correct_dose(
        &mut self,
        id: ImmunizationId,
        expected_revision: i64,
        change: &DoseChange,
        reason: &str,
        by: UserId,
    ) -> PortResult<bool> {
        let d = &change.details;
        let edit = DoseEdit {
            administered_on: iso(change.administered_on),
            cvx: change.cvx.clone(),
            mvx: change.mvx.clone(),
            lot_number: change.lot_number.clone(),
            expiration_date: change.expiration_date.map(iso),
            dose_volume_ml: d.volume_ml,
            route: d.route.clone(),
            site: d.site.clone(),
            clinician: d.clinician.clone(),
            historical_provider: change.historical_provider.clone(),
            vis_document: change.vis_document.clone(),
            vis_edition_date: change.vis_edition_date.map(iso),
            vis_given_on: change.vis_given_on.map(iso),
            vfc_eligibility: d.vfc_eligibility.clone(),
        };
        let now = self.now();
        Ok(immunizations::edit_in_tx(self, id, expected_revision, &edit, reason, by, now).await?)
    }

    async fn void_dose(&mut self, id: ImmunizationId, reason: &str, by: UserId) -> PortResult<()> {
        let now = self.now();
        Ok(immunizations::void_entry_in_tx(self, id, reason, by, now).await?)
    }
}

impl LotWrites for Work {
    async fn receive_lot(
        &mut self,
        organization: OrganizationId,
        lot: &ReceiveLot,
        trade_name: Option<&str>,
        by: UserId,
    ) -> PortResult<VaccineLotId> {
        let now = self.now();
        Ok(vaccine_lots::receive_in_tx(self, organization, lot, trade_name, Some(by), now).await?)
    }

    async fn adjust_lot(
        &mut self,
        organization: OrganizationId,
        adjustment: &LotAdjustment,
        by: UserId,
    ) -> PortResult<LotAdjusted> {
        let now = self.now();
        let outcome = vaccine_lots::adjust_in_tx(
            self,
            adjustment.lot,
            organization,
            adjustment.change,
            adjustment.reason,
            adjustment.note.as_deref(),
            by,
            now,
        )
        .await?;
        Ok(match outcome {
            vaccine_lots::AdjustOutcome::Applied(n) => LotAdjusted::Applied(n),
            vaccine_lots::AdjustOutcome::NotFound => LotAdjusted::NotFound,
            vaccine_lots::AdjustOutcome::NotEnough(n) => LotAdjusted::NotEnough(n),
        })
    }
}

impl AuditWrites for Work {
    async fn audit(&mut self, event: &AuditEvent) -> PortResult<()> {
        audit::append(self, event).await?;
        Ok(())
    }
}

impl MailWrites for Work {
    async fn queue_mail(&mut self, mail: &Mail) -> PortResult<()> {
        Ok(crate::mail_outbox::queue_in_tx(self, mail).await?)
    }
}

impl MailReads for Store {
    async fn unsent_mail(&self) -> PortResult<Vec<QueuedMail>> {
        Ok(crate::mail_outbox::unsent(self).await?)
    }
}

impl UnitOfWork for Work {
    async fn commit(self) -> PortResult<()> {
        Ok(Work::commit(self).await?)
    }
}
