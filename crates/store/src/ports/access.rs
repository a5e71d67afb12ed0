//! The access ports on SQLite, over `access_requests`, `users`, `memberships` and
//! `organizations`.

use shotbook_core::access_request::{AgreementRecord, RequestForm, RequestStatus, RequestType};
use shotbook_core::date::UsDate;
use shotbook_core::ids::{AccessRequestId, OrganizationId, UserId};
use shotbook_core::organization::OrganizationKind;
use shotbook_core::permission::Role;
use shotbook_usecases::ports::{
    AccessReads, AccessWrites, AccountFacts, Membership, NewAccessRequest, NewAccount,
    OrganizationFacts, StoredAccessRequest,
};
use shotbook_usecases::{PortError, PortResult};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use super::{damaged, iso, uuid};
use crate::access_requests::{self, AccessRequestRow};
use crate::organizations::{self, OrganizationRow};
use crate::{memberships, users, Store, StoreError, Work};

fn organization_facts(row: OrganizationRow) -> PortResult<OrganizationFacts> {
    Ok(OrganizationFacts {
        id: uuid(&row.id, "organization id")?,
        kind: OrganizationKind::from_code(&row.kind).ok_or_else(|| damaged("organization kind"))?,
        code: row.code,
        name: row.name,
        state: row.state,
        county: row.county,
    })
}

fn iso_date(text: &str) -> PortResult<Date> {
    UsDate::parse(text)
        .map(|d| d.date())
        .map_err(|_| damaged("date"))
}

fn request_facts(row: AccessRequestRow) -> PortResult<StoredAccessRequest> {
    let form: RequestForm =
        serde_json::from_str(&row.form).map_err(|_| damaged("access request form"))?;
    let agreement: Option<AgreementRecord> = row
        .agreement
        .as_deref()
        .map(|a| serde_json::from_str(a).map_err(|_| damaged("user agreement")))
        .transpose()?;
    Ok(StoredAccessRequest {
        id: uuid(&row.id, "access request id")?,
        request_type: RequestType::from_code(&row.request_type)
            .ok_or_else(|| damaged("request type"))?,
        status: RequestStatus::from_code(&row.status).ok_or_else(|| damaged("request status"))?,
        organization: uuid(&row.organization_id, "organization id")?,
        requested_by: uuid(&row.requested_by, "user id")?,
        subject: row
            .subject_user_id
            .as_deref()
            .map(|u| uuid(u, "user id"))
            .transpose()?,
        submitted_at: row
            .submitted_at
            .as_deref()
            .map(|t| OffsetDateTime::parse(t, &Rfc3339).map_err(|_| damaged("timestamp")))
            .transpose()?,
        agreement_code_issued_at: row
            .agreement_code_issued_at
            .as_deref()
            .map(|t| OffsetDateTime::parse(t, &Rfc3339).map_err(|_| damaged("timestamp")))
            .transpose()?,
        agreement_failures: u32::try_from(row.agreement_failures).unwrap_or(u32::MAX),
        number: row.request_number,
        organization_state: row.organization_state,
        form,
        agreement_code_hash: row.agreement_code_hash,
        agreement,
    })
}

fn json<T: serde::Serialize>(value: &T) -> PortResult<String> {
    serde_json::to_string(value).map_err(|e| PortError::Failed(Box::new(e)))
}

impl AccessReads for Store {
    async fn organization(&self, id: OrganizationId) -> PortResult<OrganizationFacts> {
        organization_facts(organizations::get(self, id).await?)
    }

    async fn organization_by_code(&self, code: &str) -> PortResult<Option<OrganizationFacts>> {
        organizations::find_by_code(self, code)
            .await?
            .map(organization_facts)
            .transpose()
    }

    async fn service_counties(&self, id: OrganizationId) -> PortResult<Vec<String>> {
        Ok(organizations::service_counties(self, id).await?)
    }

    async fn access_request(&self, id: AccessRequestId) -> PortResult<StoredAccessRequest> {
        request_facts(access_requests::get(self, id.as_uuid()).await?)
    }

    async fn access_request_by_number(
        &self,
        number: &str,
    ) -> PortResult<Option<StoredAccessRequest>> {
        access_requests::find_by_number(self, number)
            .await?
            .map(request_facts)
            .transpose()
    }

    async fn access_requests_of(
        &self,
        organization: OrganizationId,
    ) -> PortResult<Vec<StoredAccessRequest>> {
        access_requests::for_organization(self, organization)
            .await?
            .into_iter()
            .map(request_facts)
            .collect()
    }

    async fn open_access_requests(&self, state: &str) -> PortResult<Vec<StoredAccessRequest>> {
        access_requests::queue(self, state)
            .await?
            .into_iter()
            .map(request_facts)
            .collect()
    }

    async fn user_by_username(&self, username: &str) -> PortResult<Option<UserId>> {
        Ok(memberships::user_id_by_username(self, username).await?)
    }

    async fn membership(
        &self,
        user: UserId,
        organization: OrganizationId,
    ) -> PortResult<Option<Membership>> {
        memberships::membership(self, user, organization)
            .await?
            .map(|(role, end)| {
                Ok(Membership {
                    role,
                    // An end date that does not parse never ended access (as before).
                    access_ends: end.as_deref().and_then(|e| iso_date(e).ok()),
                })
            })
            .transpose()
    }

    async fn usernames_like(&self, base: &str) -> PortResult<Vec<String>> {
        Ok(memberships::usernames_like(self, base).await?)
    }

    async fn account(&self, user: UserId) -> PortResult<AccountFacts> {
        let account = users::account(self, user).await?;
        let (active, locked) = match memberships::account_state(self, user).await {
            Ok(state) => state,
            Err(StoreError::NotFound(_)) => return Err(PortError::NotFound("user")),
            Err(e) => return Err(e.into()),
        };
        Ok(AccountFacts {
            username: account.username,
            first_name: account.first_name,
            last_name: account.last_name,
            email: account.email,
            active,
            locked,
        })
    }
}

impl AccessWrites for Work {
    async fn insert_access_request(&mut self, request: &NewAccessRequest) -> PortResult<String> {
        let new = access_requests::NewAccessRequest {
            id: request.id.as_uuid(),
            request_type: request.request_type,
            status: RequestStatus::Draft,
            organization_id: request.organization,
            requested_by: request.requested_by,
            form: json(&request.form)?,
        };
        let now = self.now();
        Ok(access_requests::insert_in_tx(self, &new, now).await?)
    }

    async fn update_request_form(
        &mut self,
        id: AccessRequestId,
        request_type: RequestType,
        form: &RequestForm,
    ) -> PortResult<()> {
        let form = json(form)?;
        let now = self.now();
        Ok(
            access_requests::update_form_in_tx(self, id.as_uuid(), request_type, &form, now)
                .await?,
        )
    }

    async fn submit_request(
        &mut self,
        id: AccessRequestId,
        status: RequestStatus,
        subject: Option<UserId>,
        agreement_code_hash: Option<&str>,
    ) -> PortResult<()> {
        let now = self.now();
        Ok(access_requests::submit_in_tx(
            self,
            id.as_uuid(),
            status,
            subject,
            agreement_code_hash,
            now,
        )
        .await?)
    }

    async fn count_agreement_failure(&mut self, id: AccessRequestId) -> PortResult<u32> {
        let now = self.now();
        Ok(access_requests::count_agreement_failure_in_tx(self, id.as_uuid(), now).await?)
    }

    async fn record_agreement(
        &mut self,
        id: AccessRequestId,
        agreement: &AgreementRecord,
        status: RequestStatus,
    ) -> PortResult<()> {
        let agreement = json(agreement)?;
        let now = self.now();
        Ok(
            access_requests::record_agreement_in_tx(self, id.as_uuid(), &agreement, status, now)
                .await?,
        )
    }

    async fn decide_request(
        &mut self,
        id: AccessRequestId,
        status: RequestStatus,
        by: UserId,
        reason: Option<&str>,
        subject: Option<UserId>,
    ) -> PortResult<()> {
        let now = self.now();
        Ok(
            access_requests::decide_in_tx(self, id.as_uuid(), status, by, reason, subject, now)
                .await?,
        )
    }

    async fn create_account(&mut self, account: &NewAccount) -> PortResult<()> {
        let new = users::NewUser {
            id: account.id,
            username: account.username.clone(),
            password_hash: account.password_hash.clone(),
            first_name: account.first_name.clone(),
            last_name: account.last_name.clone(),
            email: account.email.clone(),
            phone: account.phone.clone(),
        };
        let now = self.now();
        users::insert_in_tx(self, &new, now).await?;
        Ok(memberships::require_password_change_in_tx(self, account.id, now).await?)
    }

    async fn set_role(
        &mut self,
        user: UserId,
        organization: OrganizationId,
        role: Role,
        ends: Option<Date>,
    ) -> PortResult<()> {
        let now = self.now();
        let ends = ends.map(iso);
        Ok(
            memberships::set_role_in_tx(self, user, organization, role, ends.as_deref(), now)
                .await?,
        )
    }

    async fn end_access(
        &mut self,
        user: UserId,
        organization: OrganizationId,
        on: Date,
    ) -> PortResult<()> {
        let now = self.now();
        Ok(memberships::end_access_in_tx(self, user, organization, &iso(on), now).await?)
    }

    async fn open_organizations(
        &mut self,
        user: UserId,
        except: OrganizationId,
        today: Date,
    ) -> PortResult<Vec<OrganizationId>> {
        Ok(memberships::open_organizations_in_tx(self, user, except, &iso(today)).await?)
    }

    async fn reactivate_with_temporary_password(
        &mut self,
        user: UserId,
        password_hash: &str,
    ) -> PortResult<()> {
        let now = self.now();
        Ok(
            memberships::reactivate_with_temporary_password_in_tx(self, user, password_hash, now)
                .await?,
        )
    }
}
