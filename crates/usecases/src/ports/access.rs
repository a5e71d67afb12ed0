//! Ports of the access-request workflow and of organization users: organizations and their
//! reach, requests, accounts and memberships; and [`AccessHost`], what the host lends the
//! workflow (its registry profile, randomness and hashing). Mail is queued in the unit of work
//! ([`super::MailWrites`]).

use std::future::Future;

use shotbook_core::access_request::{AgreementRecord, RequestForm, RequestStatus, RequestType};
use shotbook_core::ids::{AccessRequestId, OrganizationId, UserId};
use shotbook_core::jurisdiction::Jurisdiction;
use shotbook_core::organization::{OrganizationKind, Place};
use shotbook_core::permission::Role;
use time::{Date, OffsetDateTime};

use crate::PortResult;

/// An organization, as the workflow and the scope rule see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationFacts {
    /// Id.
    pub id: OrganizationId,
    /// Org code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: OrganizationKind,
    /// Two-letter state.
    pub state: String,
    /// County.
    pub county: String,
}

impl OrganizationFacts {
    /// Where it is, for [`shotbook_core::organization::Reach::covers`].
    pub fn place(&self) -> Place {
        Place {
            organization_id: self.id,
            state: self.state.clone(),
            county: self.county.clone(),
            registry: self.kind == OrganizationKind::Registry,
        }
    }
}

/// A stored access request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAccessRequest {
    /// Id.
    pub id: AccessRequestId,
    /// `REQ0100387`.
    pub number: String,
    /// Type.
    pub request_type: RequestType,
    /// Status.
    pub status: RequestStatus,
    /// The organization the access is for.
    pub organization: OrganizationId,
    /// That organization's state (its registry profile).
    pub organization_state: String,
    /// Who saved or submitted it.
    pub requested_by: UserId,
    /// The form (as typed for drafts, as validated once submitted).
    pub form: RequestForm,
    /// The account concerned (existing, or created on approval).
    pub subject: Option<UserId>,
    /// The hash of the emailed agreement code ([`AccessHost::code_hash`]).
    pub agreement_code_hash: Option<String>,
    /// The signed agreement.
    pub agreement: Option<AgreementRecord>,
    /// When first submitted.
    pub submitted_at: Option<OffsetDateTime>,
    /// When the current agreement code was sent.
    pub agreement_code_issued_at: Option<OffsetDateTime>,
    /// Wrong codes tried on this request since then.
    pub agreement_failures: u32,
}

/// A new request, saved as a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccessRequest {
    /// Id.
    pub id: AccessRequestId,
    /// Type.
    pub request_type: RequestType,
    /// Organization.
    pub organization: OrganizationId,
    /// Requester.
    pub requested_by: UserId,
    /// The form.
    pub form: RequestForm,
}

/// A user's membership of an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// Role code.
    pub role: String,
    /// The day access stops, if set.
    pub access_ends: Option<Date>,
}

impl Membership {
    /// Is access still open on `today`?
    pub fn open_on(&self, today: Date) -> bool {
        self.access_ends.is_none_or(|end| end > today)
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFacts {
    /// Username.
    pub username: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email.
    pub email: String,
    /// Active (not inactivated).
    pub active: bool,
    /// Locked by the sign-in ladder.
    pub locked: bool,
}

/// A new account, with the hash of its temporary password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// Id.
    pub id: UserId,
    /// Username.
    pub username: String,
    /// Hash of the temporary password.
    pub password_hash: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: Option<String>,
}

/// Reads of organizations, access requests, accounts and memberships.
pub trait AccessReads {
    /// The organization; `NotFound("organization")` when absent.
    fn organization(
        &self,
        id: OrganizationId,
    ) -> impl Future<Output = PortResult<OrganizationFacts>> + Send;
    /// The organization with this org code (case as stored), if any.
    fn organization_by_code(
        &self,
        code: &str,
    ) -> impl Future<Output = PortResult<Option<OrganizationFacts>>> + Send;
    /// The counties a (sub-state) organization serves.
    fn service_counties(
        &self,
        id: OrganizationId,
    ) -> impl Future<Output = PortResult<Vec<String>>> + Send;
    /// The request; `NotFound("access request")` when absent.
    fn access_request(
        &self,
        id: AccessRequestId,
    ) -> impl Future<Output = PortResult<StoredAccessRequest>> + Send;
    /// The request numbered `number` (case-insensitive), if any.
    fn access_request_by_number(
        &self,
        number: &str,
    ) -> impl Future<Output = PortResult<Option<StoredAccessRequest>>> + Send;
    /// The requests of `organization`, most recently changed first (its supervisors' list).
    fn access_requests_of(
        &self,
        organization: OrganizationId,
    ) -> impl Future<Output = PortResult<Vec<StoredAccessRequest>>> + Send;
    /// Submitted requests still open (waiting for the agreement or for review) of the
    /// organizations in `state`, oldest submission first (the registry staff's queue).
    fn open_access_requests(
        &self,
        state: &str,
    ) -> impl Future<Output = PortResult<Vec<StoredAccessRequest>>> + Send;
    /// The account named `username`, if any.
    fn user_by_username(
        &self,
        username: &str,
    ) -> impl Future<Output = PortResult<Option<UserId>>> + Send;
    /// The user's membership of the organization, if ever a member.
    fn membership(
        &self,
        user: UserId,
        organization: OrganizationId,
    ) -> impl Future<Output = PortResult<Option<Membership>>> + Send;
    /// Usernames starting with `base`.
    fn usernames_like(&self, base: &str) -> impl Future<Output = PortResult<Vec<String>>> + Send;
    /// The account; `NotFound("user")` when absent.
    fn account(&self, user: UserId) -> impl Future<Output = PortResult<AccountFacts>> + Send;
}

/// Writes of access requests, accounts and memberships. Each logs its change.
pub trait AccessWrites {
    /// Inserts a draft with the next request number; returns the number.
    fn insert_access_request(
        &mut self,
        request: &NewAccessRequest,
    ) -> impl Future<Output = PortResult<String>> + Send;
    /// Replaces the form (and type) of a draft or returned request.
    fn update_request_form(
        &mut self,
        id: AccessRequestId,
        request_type: RequestType,
        form: &RequestForm,
    ) -> impl Future<Output = PortResult<()>> + Send;
    /// Marks a request submitted: status, the account it names, a new agreement code hash
    /// (kept when `None`; a new one is stamped issued now, with no failures), the first
    /// submission time; clears an earlier decision.
    fn submit_request(
        &mut self,
        id: AccessRequestId,
        status: RequestStatus,
        subject: Option<UserId>,
        agreement_code_hash: Option<&str>,
    ) -> impl Future<Output = PortResult<()>> + Send;
    /// Counts a wrong agreement code tried on the request; returns the new count.
    fn count_agreement_failure(
        &mut self,
        id: AccessRequestId,
    ) -> impl Future<Output = PortResult<u32>> + Send;
    /// Keeps the signed agreement and moves the request on.
    fn record_agreement(
        &mut self,
        id: AccessRequestId,
        agreement: &AgreementRecord,
        status: RequestStatus,
    ) -> impl Future<Output = PortResult<()>> + Send;
    /// Records the registry's decision, its reason and (on approval) the account concerned.
    fn decide_request(
        &mut self,
        id: AccessRequestId,
        status: RequestStatus,
        by: UserId,
        reason: Option<&str>,
        subject: Option<UserId>,
    ) -> impl Future<Output = PortResult<()>> + Send;
    /// Creates an account whose (temporary) password must be changed at the first sign-in.
    fn create_account(
        &mut self,
        account: &NewAccount,
    ) -> impl Future<Output = PortResult<()>> + Send;
    /// Gives the user `role` at the organization until `ends` (creating the membership or
    /// replacing its role and end).
    fn set_role(
        &mut self,
        user: UserId,
        organization: OrganizationId,
        role: Role,
        ends: Option<Date>,
    ) -> impl Future<Output = PortResult<()>> + Send;
    /// Ends the user's access at the organization on `on` (an earlier end is kept).
    fn end_access(
        &mut self,
        user: UserId,
        organization: OrganizationId,
        on: Date,
    ) -> impl Future<Output = PortResult<()>> + Send;
    /// The organizations other than `except` where the user's access is open on `today`.
    fn open_organizations(
        &mut self,
        user: UserId,
        except: OrganizationId,
        today: Date,
    ) -> impl Future<Output = PortResult<Vec<OrganizationId>>> + Send;
    /// Reactivates and unlocks the account with a temporary password (hash) to change at the
    /// next sign-in.
    fn reactivate_with_temporary_password(
        &mut self,
        user: UserId,
        password_hash: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;
}

/// What the host lends the workflow.
pub trait AccessHost: Send + Sync {
    /// The registry profile for an organization in `state` (a configured profile wins).
    fn jurisdiction(&self, state: &str) -> Option<Jurisdiction>;
    /// A fresh agreement code ([`shotbook_core::access_request::agreement_code`]).
    fn agreement_code(&self) -> String;
    /// A fresh temporary password.
    fn temporary_password(&self) -> String;
    /// The hash kept of an agreement code (normalized first).
    fn code_hash(&self, normalized_code: &str) -> String;
    /// The hash kept of a password (slow by design; off the async threads).
    fn hash_password(&self, password: String) -> impl Future<Output = PortResult<String>> + Send;
}
