//! The storage ports: what the use cases read and write, per aggregate, and the unit of work
//! that owns a write transaction. `shotbook-store` implements them on SQLite, [`crate::memory`]
//! in memory; the registry server's PostgreSQL store implements the same traits.
//!
//! Reads go to the [`Registry`] (outside a write transaction, so a form's checks never hold the
//! write lock); writes go to a [`UnitOfWork`] begun with the actor's origin and committed once.
//! Generic traits, not `dyn`: each host picks its store at compile time.

use std::future::Future;

use shotbook_core::audit::AuditEvent;
use shotbook_core::codes::Cvx;
use shotbook_core::consent::ConsentStatus;
use shotbook_core::ids::{ClientId, ImmunizationId, OrganizationId, UserId, VaccineLotId};
use shotbook_core::immunization::entry::{DoseSource, LotFacts, VaccineFacts};
use shotbook_core::immunization::lot::{FundingSource, LotAdjustment, ReceiveLot};
use shotbook_protocol::Origin;
use time::{Date, OffsetDateTime};

use crate::PortResult;

mod duplicates;
pub use duplicates::*;
mod access;
pub use access::*;
mod demographics;
pub use demographics::*;
mod mail;
pub use mail::*;
mod sign_in;
pub use sign_in::*;
mod search;
pub use search::*;
mod sync;
pub use sync::*;
mod school;
pub use school::*;
mod reports;
pub use reports::*;
mod recall;
pub use recall::*;

/// What the use cases need to know about a client to apply the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFacts {
    /// Date of birth.
    pub date_of_birth: Date,
    /// Current consent status.
    pub consent: ConsentStatus,
    /// The organizations the client belongs to: home first, then active relationships.
    pub organizations: Vec<OrganizationId>,
    /// The client's state of residence (two letters), if known.
    pub state: Option<String>,
    /// The record this one was merged into, if it was.
    pub merged_into: Option<ClientId>,
}

impl ClientFacts {
    /// Refuses a write to a record merged into another: its doses, names and organizations
    /// live on the kept record now, and a write here would be lost from view.
    pub fn ensure_not_merged(&self) -> crate::UseCaseResult<()> {
        match self.merged_into {
            Some(kept) => Err(crate::UseCaseError::Conflict(format!(
                "This record was merged into client {kept}; open the kept record to change it."
            ))),
            None => Ok(()),
        }
    }
}

/// A lot of an organization's inventory.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredLot {
    /// Its id.
    pub id: VaccineLotId,
    /// What the entry rules check.
    pub facts: LotFacts,
    /// Manufacturer (MVX).
    pub mvx: Option<String>,
    /// NDC of the product.
    pub ndc: Option<String>,
    /// Who paid for it.
    pub funding: Option<FundingSource>,
}

/// A VIS edition from CDC's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisEdition {
    /// The GS1 string printed on it.
    pub document: String,
    /// Its edition date.
    pub edition_date: Date,
}

/// A recorded dose, as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDose {
    /// Id.
    pub id: ImmunizationId,
    /// The client.
    pub client: ClientId,
    /// CVX as stored.
    pub cvx: String,
    /// Vaccine groups of the CVX.
    pub groups: Vec<String>,
    /// Day given.
    pub administered_on: Date,
    /// Given here or elsewhere.
    pub source: DoseSource,
    /// Entered in error (voided).
    pub voided: bool,
    /// The inventory lot it was drawn from.
    pub lot: Option<VaccineLotId>,
    /// The lot number recorded.
    pub lot_number: Option<String>,
    /// The lot expiry recorded.
    pub expiration_date: Option<Date>,
    /// The organization that owns the entry (see [`shotbook_core::immunization::dose::may_change`]).
    pub owner: Option<OrganizationId>,
    /// 1 + number of corrections.
    pub revision: i64,
    /// VIS given (GS1 string).
    pub vis_document: Option<String>,
    /// Its edition.
    pub vis_edition_date: Option<Date>,
    /// When it was given.
    pub vis_given_on: Option<Date>,
}

/// A dose to insert, every column decided.
#[derive(Debug, Clone, PartialEq)]
pub struct DoseRecord {
    /// New id.
    pub id: ImmunizationId,
    /// The client.
    pub client: ClientId,
    /// CVX.
    pub cvx: String,
    /// MVX.
    pub mvx: Option<String>,
    /// Day given.
    pub administered_on: Date,
    /// Lot number.
    pub lot_number: Option<String>,
    /// Lot expiry.
    pub expiration_date: Option<Date>,
    /// Given here or elsewhere.
    pub source: DoseSource,
    /// The administering organization (none for historical doses).
    pub organization: Option<OrganizationId>,
    /// Route, site, volume, VFC eligibility, clinician.
    pub details: shotbook_core::immunization::dose::DoseDetails,
    /// Funding source (HL7 code).
    pub funding_source: Option<String>,
    /// NDC.
    pub ndc: Option<String>,
    /// VIS given, its edition and the day given.
    pub vis: Option<(VisEdition, Option<Date>)>,
    /// Who gave a historical dose.
    pub historical_provider: Option<String>,
    /// The user recording it.
    pub recorded_by: UserId,
    /// That user's organization, which owns the entry.
    pub recorded_by_organization: OrganizationId,
}

/// The new values of a corrected dose.
#[derive(Debug, Clone, PartialEq)]
pub struct DoseChange {
    /// Day given.
    pub administered_on: Date,
    /// CVX.
    pub cvx: String,
    /// MVX.
    pub mvx: Option<String>,
    /// Lot number.
    pub lot_number: Option<String>,
    /// Lot expiry (kept).
    pub expiration_date: Option<Date>,
    /// Route, site, volume, VFC eligibility, clinician.
    pub details: shotbook_core::immunization::dose::DoseDetails,
    /// Who gave a historical dose.
    pub historical_provider: Option<String>,
    /// VIS (kept).
    pub vis_document: Option<String>,
    /// VIS edition (kept).
    pub vis_edition_date: Option<Date>,
    /// VIS given on (kept).
    pub vis_given_on: Option<Date>,
}

/// Reads of clients.
pub trait ClientReads {
    /// The client's birth date, consent and organizations; `NotFound("client")` when absent.
    fn client_facts(
        &self,
        client: ClientId,
    ) -> impl Future<Output = PortResult<ClientFacts>> + Send;
}

/// Reads of CDC's code tables.
pub trait CatalogReads {
    /// CDC's facts about a CVX, if CDC lists it.
    fn vaccine(&self, cvx: &Cvx) -> impl Future<Output = PortResult<Option<VaccineFacts>>> + Send;
    /// The VIS edition with this GS1 string, if CDC lists it.
    fn vis_edition(
        &self,
        document: &str,
    ) -> impl Future<Output = PortResult<Option<VisEdition>>> + Send;
}

/// Reads of vaccine lots.
pub trait LotReads {
    /// The lot, if it exists.
    fn lot(&self, lot: VaccineLotId) -> impl Future<Output = PortResult<Option<StoredLot>>> + Send;
}

/// Reads of doses.
pub trait ImmunizationReads {
    /// Every dose of the client, voided ones included, oldest first.
    fn doses_of(
        &self,
        client: ClientId,
    ) -> impl Future<Output = PortResult<Vec<StoredDose>>> + Send;
    /// One dose, if it exists.
    fn dose(
        &self,
        id: ImmunizationId,
    ) -> impl Future<Output = PortResult<Option<StoredDose>>> + Send;
}

/// Writes of doses. Each logs its change with the unit of work's origin.
pub trait ImmunizationWrites {
    /// Inserts a dose.
    fn insert_dose(&mut self, dose: &DoseRecord) -> impl Future<Output = PortResult<()>> + Send;
    /// Takes one dose from `lot` (first, so the work holds the write lock from its first
    /// statement) and inserts the dose drawn from it. `false`, changing nothing, when the lot
    /// is not the recording organization's, is expired on the day given, or is empty.
    fn insert_dose_from_lot(
        &mut self,
        dose: &DoseRecord,
        lot: VaccineLotId,
    ) -> impl Future<Output = PortResult<bool>> + Send;
    /// Corrects a dose, keeping the previous values with the reason. `false`, changing
    /// nothing, when the dose is voided or no longer at `expected_revision`.
    fn correct_dose(
        &mut self,
        id: ImmunizationId,
        expected_revision: i64,
        change: &DoseChange,
        reason: &str,
        by: UserId,
    ) -> impl Future<Output = PortResult<bool>> + Send;
    /// Voids a dose with the reason (it stays, struck through); a dose drawn from a lot goes
    /// back into it. `NotFound` when it is already voided.
    fn void_dose(
        &mut self,
        id: ImmunizationId,
        reason: &str,
        by: UserId,
    ) -> impl Future<Output = PortResult<()>> + Send;
}

/// How a lot adjustment went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LotAdjusted {
    /// Applied; the new count on hand.
    Applied(i64),
    /// The lot is not the organization's (or does not exist).
    NotFound,
    /// It would take more doses than are on hand (how many are).
    NotEnough(i64),
}

/// Writes of vaccine lots. Each logs its change and the lot's movement.
pub trait LotWrites {
    /// Receives `lot` into `organization`'s inventory; more of a lot already held (same
    /// product, lot number and funding) adds to it. Returns the lot's id.
    fn receive_lot(
        &mut self,
        organization: OrganizationId,
        lot: &ReceiveLot,
        trade_name: Option<&str>,
        by: UserId,
    ) -> impl Future<Output = PortResult<VaccineLotId>> + Send;
    /// Changes the count of the organization's lot; never below zero.
    fn adjust_lot(
        &mut self,
        organization: OrganizationId,
        adjustment: &LotAdjustment,
        by: UserId,
    ) -> impl Future<Output = PortResult<LotAdjusted>> + Send;
}

/// The audit trail.
pub trait AuditWrites {
    /// Appends one event, in the unit of work: no change without its audit row.
    fn audit(&mut self, event: &AuditEvent) -> impl Future<Output = PortResult<()>> + Send;

    /// Appends several events, in order, in the unit of work (a sync page names up to a
    /// thousand clients; an adapter may write them in one statement).
    fn audit_many(&mut self, events: &[AuditEvent]) -> impl Future<Output = PortResult<()>> + Send
    where
        Self: Send,
    {
        async move {
            for event in events {
                self.audit(event).await?;
            }
            Ok(())
        }
    }
}

/// One write transaction.
pub trait UnitOfWork:
    ImmunizationWrites
    + LotWrites
    + DuplicateWrites
    + AccessWrites
    + DemographicsWrites
    + AuditWrites
    + MailWrites
    + SignInWrites
    + SchoolWrites
    + RecallWrites
    + Send
{
    /// Commits every write of the work (dropping it uncommitted undoes them).
    fn commit(self) -> impl Future<Output = PortResult<()>> + Send;
}

/// A registry database: its reads, and units of work for its writes.
pub trait Registry:
    ClientReads
    + CatalogReads
    + LotReads
    + ImmunizationReads
    + DuplicateReads
    + AccessReads
    + DemographicsReads
    + MailReads
    + SignInReads
    + SearchReads
    + SchoolReads
    + ReportReads
    + RecallReads
    + Send
    + Sync
{
    /// Its unit of work.
    type Work: UnitOfWork;
    /// Starts a unit of work whose changes carry `origin` and happen `at` (the use case's
    /// clock, so every row of one change carries one time).
    fn begin(
        &self,
        origin: Origin,
        at: OffsetDateTime,
    ) -> impl Future<Output = PortResult<Self::Work>> + Send;
}
