//! The access ports in memory, and [`MemoryHost`], a host with predictable codes and
//! passwords that keeps what it was asked to send.

use std::sync::Mutex;

use shotbook_core::access_request::{
    agreement_code, request_number, AgreementRecord, RequestForm, RequestStatus, RequestType,
};
use shotbook_core::ids::{AccessRequestId, OrganizationId, UserId};
use shotbook_core::jurisdiction::Jurisdiction;
use shotbook_core::permission::Role;
use shotbook_protocol::{ChangeOp, Entity};
use time::Date;

use super::{MemoryRegistry, MemoryWork};
use crate::ports::{
    AccessHost, AccessReads, AccessWrites, AccountFacts, Membership, NewAccessRequest, NewAccount,
    OrganizationFacts, StoredAccessRequest,
};
use crate::{PortError, PortResult};

/// An account in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryAccount {
    /// What the ports read.
    pub facts: AccountFacts,
    /// The password hash.
    pub password_hash: String,
    /// The password is temporary: to change at the next sign-in.
    pub must_change_password: bool,
    /// The sign-in ladder's state.
    pub sign_ins: SignInState,
}

/// Where an account stands with the sign-in ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInState {
    /// Consecutive failures.
    pub failed_attempts: u32,
    /// When the temporary password was issued.
    pub temporary_password_issued_at: Option<time::OffsetDateTime>,
    /// The last successful sign-in, or the account's creation.
    pub last_used_at: time::OffsetDateTime,
    /// Earlier password hashes, oldest first.
    pub previous_hashes: Vec<String>,
}

impl SignInState {
    /// An account created (or given a temporary password) at `at`.
    pub fn new(at: time::OffsetDateTime, temporary: bool) -> Self {
        Self {
            failed_attempts: 0,
            temporary_password_issued_at: temporary.then_some(at),
            last_used_at: at,
            previous_hashes: Vec::new(),
        }
    }
}

impl AccessReads for MemoryRegistry {
    async fn organization(&self, id: OrganizationId) -> PortResult<OrganizationFacts> {
        self.read(|s| s.organizations.get(&id).cloned())?
            .ok_or(PortError::NotFound("organization"))
    }

    async fn organization_by_code(&self, code: &str) -> PortResult<Option<OrganizationFacts>> {
        self.read(|s| {
            s.organizations
                .values()
                .find(|o| o.code == code.trim())
                .cloned()
        })
    }

    async fn service_counties(&self, id: OrganizationId) -> PortResult<Vec<String>> {
        self.read(|s| s.service_counties.get(&id).cloned().unwrap_or_default())
    }

    async fn access_request(&self, id: AccessRequestId) -> PortResult<StoredAccessRequest> {
        self.read(|s| s.access_requests.iter().find(|r| r.id == id).cloned())?
            .ok_or(PortError::NotFound("access request"))
    }

    async fn access_request_by_number(
        &self,
        number: &str,
    ) -> PortResult<Option<StoredAccessRequest>> {
        let number = number.trim().to_uppercase();
        self.read(|s| {
            s.access_requests
                .iter()
                .find(|r| r.number == number)
                .cloned()
        })
    }

    async fn access_requests_of(
        &self,
        organization: OrganizationId,
    ) -> PortResult<Vec<StoredAccessRequest>> {
        // No change times here: the newest request first stands in for the latest change.
        self.read(|s| {
            s.access_requests
                .iter()
                .rev()
                .filter(|r| r.organization == organization)
                .cloned()
                .collect()
        })
    }

    async fn open_access_requests(&self, state: &str) -> PortResult<Vec<StoredAccessRequest>> {
        self.read(|s| {
            let mut open: Vec<StoredAccessRequest> = s
                .access_requests
                .iter()
                .filter(|r| {
                    r.organization_state == state
                        && matches!(
                            r.status,
                            RequestStatus::AwaitingAgreement | RequestStatus::AwaitingReview
                        )
                })
                .cloned()
                .collect();
            open.sort_by_key(|r| r.submitted_at);
            open
        })
    }

    async fn user_by_username(&self, username: &str) -> PortResult<Option<UserId>> {
        self.read(|s| {
            s.accounts
                .iter()
                .find(|(_, a)| a.facts.username == username.trim())
                .map(|(id, _)| *id)
        })
    }

    async fn membership(
        &self,
        user: UserId,
        organization: OrganizationId,
    ) -> PortResult<Option<Membership>> {
        self.read(|s| s.memberships.get(&(user, organization)).cloned())
    }

    async fn usernames_like(&self, base: &str) -> PortResult<Vec<String>> {
        self.read(|s| {
            s.accounts
                .values()
                .filter(|a| {
                    a.facts
                        .username
                        .to_lowercase()
                        .starts_with(&base.to_lowercase())
                })
                .map(|a| a.facts.username.clone())
                .collect()
        })
    }

    async fn account(&self, user: UserId) -> PortResult<AccountFacts> {
        self.read(|s| s.accounts.get(&user).map(|a| a.facts.clone()))?
            .ok_or(PortError::NotFound("user"))
    }
}

impl MemoryWork {
    fn request(&mut self, id: AccessRequestId) -> PortResult<&mut StoredAccessRequest> {
        let found = self.state.access_requests.iter_mut().find(|r| r.id == id);
        found.ok_or(PortError::NotFound("access request"))
    }

    fn log_request(&mut self, id: AccessRequestId, op: ChangeOp) {
        self.log(Entity::AccessRequest, id.to_string(), op);
    }

    fn log_membership(&mut self, user: UserId, organization: OrganizationId, op: ChangeOp) {
        self.log(Entity::UserRole, format!("{user}:{organization}"), op);
    }
}

impl AccessWrites for MemoryWork {
    async fn insert_access_request(&mut self, request: &NewAccessRequest) -> PortResult<String> {
        let sequence = i64::try_from(self.state.access_requests.len()).unwrap_or(i64::MAX) + 1;
        let number = request_number(sequence);
        let state = self
            .state
            .organizations
            .get(&request.organization)
            .map(|o| o.state.clone())
            .ok_or(PortError::NotFound("organization"))?;
        self.state.access_requests.push(StoredAccessRequest {
            id: request.id,
            number: number.clone(),
            request_type: request.request_type,
            status: RequestStatus::Draft,
            organization: request.organization,
            organization_state: state,
            requested_by: request.requested_by,
            form: request.form.clone(),
            subject: None,
            agreement_code_hash: None,
            agreement_code_issued_at: None,
            agreement_failures: 0,
            agreement: None,
            submitted_at: None,
        });
        self.log_request(request.id, ChangeOp::Insert);
        Ok(number)
    }

    async fn update_request_form(
        &mut self,
        id: AccessRequestId,
        request_type: RequestType,
        form: &RequestForm,
    ) -> PortResult<()> {
        let row = self.request(id)?;
        row.request_type = request_type;
        row.form = form.clone();
        self.log_request(id, ChangeOp::Update);
        Ok(())
    }

    async fn submit_request(
        &mut self,
        id: AccessRequestId,
        status: RequestStatus,
        subject: Option<UserId>,
        agreement_code_hash: Option<&str>,
    ) -> PortResult<()> {
        let at = self.at;
        let row = self.request(id)?;
        row.status = status;
        row.subject = subject;
        if let Some(hash) = agreement_code_hash {
            row.agreement_code_hash = Some(hash.to_string());
            row.agreement_code_issued_at = Some(at);
            row.agreement_failures = 0;
        }
        row.submitted_at.get_or_insert(at);
        self.log_request(id, ChangeOp::Update);
        Ok(())
    }

    async fn count_agreement_failure(&mut self, id: AccessRequestId) -> PortResult<u32> {
        let row = self.request(id)?;
        row.agreement_failures += 1;
        let failures = row.agreement_failures;
        self.log_request(id, ChangeOp::Update);
        Ok(failures)
    }

    async fn record_agreement(
        &mut self,
        id: AccessRequestId,
        agreement: &AgreementRecord,
        status: RequestStatus,
    ) -> PortResult<()> {
        let row = self.request(id)?;
        row.agreement = Some(agreement.clone());
        row.status = status;
        self.log_request(id, ChangeOp::Update);
        Ok(())
    }

    async fn decide_request(
        &mut self,
        id: AccessRequestId,
        status: RequestStatus,
        _by: UserId,
        _reason: Option<&str>,
        subject: Option<UserId>,
    ) -> PortResult<()> {
        let row = self.request(id)?;
        row.status = status;
        if subject.is_some() {
            row.subject = subject;
        }
        self.log_request(id, ChangeOp::Update);
        Ok(())
    }

    async fn create_account(&mut self, account: &NewAccount) -> PortResult<()> {
        self.state.accounts.insert(
            account.id,
            MemoryAccount {
                facts: AccountFacts {
                    username: account.username.clone(),
                    first_name: account.first_name.clone(),
                    last_name: account.last_name.clone(),
                    email: account.email.clone(),
                    active: true,
                    locked: false,
                },
                password_hash: account.password_hash.clone(),
                must_change_password: true,
                sign_ins: SignInState::new(self.at, true),
            },
        );
        self.log(Entity::User, account.id.to_string(), ChangeOp::Insert);
        Ok(())
    }

    async fn set_role(
        &mut self,
        user: UserId,
        organization: OrganizationId,
        role: Role,
        ends: Option<Date>,
    ) -> PortResult<()> {
        let existed = self
            .state
            .memberships
            .insert(
                (user, organization),
                Membership {
                    role: role.code().to_string(),
                    access_ends: ends,
                },
            )
            .is_some();
        let op = if existed {
            ChangeOp::Update
        } else {
            ChangeOp::Insert
        };
        self.log_membership(user, organization, op);
        Ok(())
    }

    async fn end_access(
        &mut self,
        user: UserId,
        organization: OrganizationId,
        on: Date,
    ) -> PortResult<()> {
        if let Some(m) = self.state.memberships.get_mut(&(user, organization)) {
            m.access_ends = Some(m.access_ends.map_or(on, |earlier| earlier.min(on)));
        }
        self.log_membership(user, organization, ChangeOp::Update);
        Ok(())
    }

    async fn open_organizations(
        &mut self,
        user: UserId,
        except: OrganizationId,
        today: Date,
    ) -> PortResult<Vec<OrganizationId>> {
        Ok(self
            .state
            .memberships
            .iter()
            .filter(|((u, o), m)| *u == user && *o != except && m.open_on(today))
            .map(|((_, o), _)| *o)
            .collect())
    }

    async fn reactivate_with_temporary_password(
        &mut self,
        user: UserId,
        password_hash: &str,
    ) -> PortResult<()> {
        let account = self
            .state
            .accounts
            .get_mut(&user)
            .ok_or(PortError::NotFound("user"))?;
        account.facts.active = true;
        account.facts.locked = false;
        account.password_hash = password_hash.to_string();
        account.must_change_password = true;
        let previous = std::mem::take(&mut account.sign_ins.previous_hashes);
        account.sign_ins = SignInState {
            previous_hashes: previous,
            ..SignInState::new(self.at, true)
        };
        self.log(Entity::User, user.to_string(), ChangeOp::Update);
        Ok(())
    }
}

/// A host for tests: the jurisdiction of the organization's state, agreement codes and
/// temporary passwords counted up (`AAAA-AAAA-AAAB`, `Temp-0001`) and readable "hashes".
#[derive(Debug, Default)]
pub struct MemoryHost {
    counter: Mutex<usize>,
    unknown_failures: Mutex<std::collections::HashMap<String, u32>>,
}

impl MemoryHost {
    pub(super) fn unknown_failures_of(&self, key: &str) -> u32 {
        let failures = self
            .unknown_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        failures.get(key).copied().unwrap_or(0)
    }

    pub(super) fn count_unknown_failure_of(&self, key: &str) -> u32 {
        let mut failures = self
            .unknown_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let count = failures.entry(key.to_string()).or_insert(0);
        *count += 1;
        *count
    }

    fn next(&self) -> usize {
        let mut n = self.counter.lock().unwrap_or_else(|e| e.into_inner());
        *n += 1;
        *n
    }
}

impl AccessHost for MemoryHost {
    fn jurisdiction(&self, state: &str) -> Option<Jurisdiction> {
        Jurisdiction::of_state(state)
    }

    fn agreement_code(&self) -> String {
        let n = self.next();
        let mut left = 12;
        agreement_code(|len| {
            left -= 1;
            (n >> (left * 2)) % len
        })
    }

    fn temporary_password(&self) -> String {
        format!("Temp-{:04}-Pass", self.next())
    }

    fn code_hash(&self, normalized_code: &str) -> String {
        format!("code:{normalized_code}")
    }

    async fn hash_password(&self, password: String) -> PortResult<String> {
        Ok(format!("hash:{password}"))
    }
}
