//! The ports of a client's demographics and consent: adding clients, recording consent and the
//! entries of the Demographics screen.

use std::future::Future;

use shotbook_core::consent::ConsentStatus;
use shotbook_core::demographics::{
    Address, Aka, Comment, ConsentEntry, Personal, ResponsiblePerson, VoidableEntry,
};
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use time::Date;

use crate::PortResult;

/// A client to insert with their first details (the rest is written by the other writes of
/// the same unit of work).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClientRecord {
    /// New id.
    pub id: ClientId,
    /// Personal information.
    pub personal: Personal,
    /// Current address.
    pub address: Address,
    /// Consent status at registration.
    pub consent: ConsentStatus,
    /// The registering organization, which becomes the client's home.
    pub home_organization: OrganizationId,
}

/// Reads the demographics use cases need.
pub trait DemographicsReads {
    /// The id of the organization with this code (ignoring ASCII case and surrounding blanks).
    fn organization_id_by_code(
        &self,
        code: &str,
    ) -> impl Future<Output = PortResult<Option<OrganizationId>>> + Send;
}

/// Writes of a client's demographics and consent. Each logs its change with the unit of work's
/// origin and marks the client changed.
pub trait DemographicsWrites {
    /// Inserts a client with a new registry client number; returns that number.
    fn insert_client(
        &mut self,
        client: &NewClientRecord,
    ) -> impl Future<Output = PortResult<String>> + Send;
    /// Records a consent entry and makes its status the client's. Returns the entry's id.
    fn record_consent(
        &mut self,
        client: ClientId,
        entry: &ConsentEntry,
        by: UserId,
        organization: OrganizationId,
    ) -> impl Future<Output = PortResult<String>> + Send;
    /// Replaces the personal information. `NotFound("client")` when absent.
    fn update_personal(
        &mut self,
        client: ClientId,
        personal: &Personal,
    ) -> impl Future<Output = PortResult<()>> + Send;
    /// Moves the client: the current address (if any) becomes history ended on `moved_on`.
    fn move_address(
        &mut self,
        client: ClientId,
        address: &Address,
        moved_on: Date,
    ) -> impl Future<Output = PortResult<()>> + Send;
    /// Adds a name also known as. Returns its id.
    fn add_aka(
        &mut self,
        client: ClientId,
        aka: &Aka,
    ) -> impl Future<Output = PortResult<String>> + Send;
    /// Adds a parent or guardian (the first one is primary whatever `primary` says). Returns
    /// its id.
    fn add_responsible_person(
        &mut self,
        client: ClientId,
        person: &ResponsiblePerson,
        primary: bool,
    ) -> impl Future<Output = PortResult<String>> + Send;
    /// Sets the status of the client's relationship with `organization` (creating it).
    fn set_membership(
        &mut self,
        client: ClientId,
        organization: OrganizationId,
        status: &'static str,
        status_on: Date,
    ) -> impl Future<Output = PortResult<()>> + Send;
    /// Adds a coded comment. Returns its id.
    fn add_comment(
        &mut self,
        client: ClientId,
        comment: &Comment,
        by: UserId,
        organization: OrganizationId,
    ) -> impl Future<Output = PortResult<String>> + Send;
    /// Adds a note. Returns its id.
    fn add_note(
        &mut self,
        client: ClientId,
        text: &str,
        by: UserId,
        organization: OrganizationId,
    ) -> impl Future<Output = PortResult<String>> + Send;
    /// Voids the client's entry `id`. `NotFound` when it is not the client's or already voided.
    fn void_entry(
        &mut self,
        client: ClientId,
        entry: VoidableEntry,
        id: &str,
        reason: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;
    /// Records that `client` may be the same person as `other` (the duplicates queue), or
    /// raises the score of an open pair.
    fn record_possible_duplicate(
        &mut self,
        client: ClientId,
        other: ClientId,
        score: f64,
        reasons: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;
}
