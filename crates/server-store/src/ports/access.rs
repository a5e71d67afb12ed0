//! The access ports on PostgreSQL, over `access_requests`, `users`, `user_roles` and
//! `organizations`. Org codes and usernames match whatever their case, as on the workstation
//! (whose columns are `COLLATE NOCASE`).

use shotbook_core::access_request::{
    request_number, AgreementRecord, RequestForm, RequestStatus, RequestType,
};
use shotbook_core::ids::{AccessRequestId, OrganizationId, UserId};
use shotbook_core::organization::OrganizationKind;
use shotbook_core::permission::Role;
use shotbook_protocol::{ChangeOp, Entity};
use shotbook_usecases::ports::{
    AccessReads, AccessWrites, AccountFacts, Membership, NewAccessRequest, NewAccount,
    OrganizationFacts, StoredAccessRequest,
};
use shotbook_usecases::{PortError, PortResult};
use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::change_log::append;
use crate::{damaged, failed, PgRegistry, PgWork};

#[derive(sqlx::FromRow)]
struct OrganizationRow {
    id: Uuid,
    code: String,
    name: String,
    kind: String,
    state: String,
    county: String,
}

impl OrganizationRow {
    fn facts(self) -> PortResult<OrganizationFacts> {
        Ok(OrganizationFacts {
            id: OrganizationId::from_uuid(self.id),
            kind: OrganizationKind::from_code(&self.kind)
                .ok_or_else(|| damaged("organization kind"))?,
            code: self.code,
            name: self.name,
            state: self.state,
            county: self.county,
        })
    }
}

const ORGANIZATION_SELECT: &str = "SELECT id, code, name, kind, state, county FROM organizations";

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: Uuid,
    request_number: String,
    request_type: String,
    status: String,
    organization_id: Uuid,
    organization_state: String,
    requested_by: Uuid,
    form: Json<serde_json::Value>,
    subject_user_id: Option<Uuid>,
    agreement_code_hash: Option<String>,
    agreement: Option<Json<serde_json::Value>>,
    submitted_at: Option<OffsetDateTime>,
    agreement_code_issued_at: Option<OffsetDateTime>,
    agreement_failures: i32,
}

const REQUEST_SELECT: &str = "SELECT r.id, r.request_number, r.request_type, r.status, r.organization_id,
        o.state AS organization_state, r.requested_by, r.form, r.subject_user_id, r.agreement_code_hash,
        r.agreement, r.submitted_at, r.agreement_code_issued_at, r.agreement_failures
    FROM access_requests r JOIN organizations o ON o.id = r.organization_id";

impl RequestRow {
    fn facts(self) -> PortResult<StoredAccessRequest> {
        let form: RequestForm =
            serde_json::from_value(self.form.0).map_err(|_| damaged("access request form"))?;
        let agreement: Option<AgreementRecord> = self
            .agreement
            .map(|Json(a)| serde_json::from_value(a).map_err(|_| damaged("user agreement")))
            .transpose()?;
        Ok(StoredAccessRequest {
            id: AccessRequestId::from_uuid(self.id),
            number: self.request_number,
            request_type: RequestType::from_code(&self.request_type)
                .ok_or_else(|| damaged("request type"))?,
            status: RequestStatus::from_code(&self.status)
                .ok_or_else(|| damaged("request status"))?,
            organization: OrganizationId::from_uuid(self.organization_id),
            organization_state: self.organization_state,
            requested_by: UserId::from_uuid(self.requested_by),
            form,
            subject: self.subject_user_id.map(UserId::from_uuid),
            agreement_code_hash: self.agreement_code_hash,
            agreement,
            submitted_at: self.submitted_at,
            agreement_code_issued_at: self.agreement_code_issued_at,
            agreement_failures: u32::try_from(self.agreement_failures).unwrap_or(0),
        })
    }
}

impl AccessReads for PgRegistry {
    async fn organization(&self, id: OrganizationId) -> PortResult<OrganizationFacts> {
        let row: Option<OrganizationRow> =
            sqlx::query_as(&format!("{ORGANIZATION_SELECT} WHERE id = $1"))
                .bind(id.as_uuid())
                .fetch_optional(&self.pool)
                .await
                .map_err(failed)?;
        row.ok_or(PortError::NotFound("organization"))?.facts()
    }

    async fn organization_by_code(&self, code: &str) -> PortResult<Option<OrganizationFacts>> {
        let row: Option<OrganizationRow> = sqlx::query_as(&format!(
            "{ORGANIZATION_SELECT} WHERE lower(code) = lower($1)"
        ))
        .bind(code.trim())
        .fetch_optional(&self.pool)
        .await
        .map_err(failed)?;
        row.map(OrganizationRow::facts).transpose()
    }

    async fn service_counties(&self, id: OrganizationId) -> PortResult<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT county FROM organization_service_counties WHERE organization_id = $1 ORDER BY county",
        )
        .bind(id.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    async fn access_request(&self, id: AccessRequestId) -> PortResult<StoredAccessRequest> {
        let row: Option<RequestRow> = sqlx::query_as(&format!("{REQUEST_SELECT} WHERE r.id = $1"))
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(failed)?;
        row.ok_or(PortError::NotFound("access request"))?.facts()
    }

    async fn access_request_by_number(
        &self,
        number: &str,
    ) -> PortResult<Option<StoredAccessRequest>> {
        let row: Option<RequestRow> = sqlx::query_as(&format!(
            "{REQUEST_SELECT} WHERE r.request_number = upper($1)"
        ))
        .bind(number.trim())
        .fetch_optional(&self.pool)
        .await
        .map_err(failed)?;
        row.map(RequestRow::facts).transpose()
    }

    async fn access_requests_of(
        &self,
        organization: OrganizationId,
    ) -> PortResult<Vec<StoredAccessRequest>> {
        let rows: Vec<RequestRow> = sqlx::query_as(&format!(
            "{REQUEST_SELECT} WHERE r.organization_id = $1
             ORDER BY r.updated_at DESC, r.request_number DESC"
        ))
        .bind(organization.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        rows.into_iter().map(RequestRow::facts).collect()
    }

    async fn open_access_requests(&self, state: &str) -> PortResult<Vec<StoredAccessRequest>> {
        let rows: Vec<RequestRow> = sqlx::query_as(&format!(
            "{REQUEST_SELECT} WHERE r.status IN ('awaiting_agreement', 'awaiting_review')
               AND o.state = $1
             ORDER BY r.submitted_at, r.request_number"
        ))
        .bind(state)
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        rows.into_iter().map(RequestRow::facts).collect()
    }

    async fn user_by_username(&self, username: &str) -> PortResult<Option<UserId>> {
        let row: Option<(Uuid,)> =
            sqlx::query_as("SELECT id FROM users WHERE lower(username) = lower($1)")
                .bind(username.trim())
                .fetch_optional(&self.pool)
                .await
                .map_err(failed)?;
        Ok(row.map(|(id,)| UserId::from_uuid(id)))
    }

    async fn membership(
        &self,
        user: UserId,
        organization: OrganizationId,
    ) -> PortResult<Option<Membership>> {
        let row: Option<(String, Option<Date>)> = sqlx::query_as(
            "SELECT role, access_end_date FROM user_roles WHERE user_id = $1 AND organization_id = $2",
        )
        .bind(user.as_uuid())
        .bind(organization.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(failed)?;
        Ok(row.map(|(role, access_ends)| Membership { role, access_ends }))
    }

    async fn usernames_like(&self, base: &str) -> PortResult<Vec<String>> {
        // starts_with, not LIKE: a base is a literal, never a pattern.
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT username FROM users WHERE starts_with(lower(username), lower($1))",
        )
        .bind(base)
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        Ok(rows.into_iter().map(|(u,)| u).collect())
    }

    async fn account(&self, user: UserId) -> PortResult<AccountFacts> {
        let row: Option<(String, String, String, String, bool, bool)> = sqlx::query_as(
            "SELECT username, first_name, last_name, email, active, locked_at IS NOT NULL FROM users WHERE id = $1",
        )
        .bind(user.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(failed)?;
        let (username, first_name, last_name, email, active, locked) =
            row.ok_or(PortError::NotFound("user"))?;
        Ok(AccountFacts {
            username,
            first_name,
            last_name,
            email,
            active,
            locked,
        })
    }
}

async fn log_request(work: &mut PgWork, id: AccessRequestId, op: ChangeOp) -> PortResult<()> {
    append(work, Entity::AccessRequest, &id.to_string(), op).await
}

async fn log_membership(
    work: &mut PgWork,
    user: UserId,
    organization: OrganizationId,
    op: ChangeOp,
) -> PortResult<()> {
    append(
        work,
        Entity::UserRole,
        &format!("{user}:{organization}"),
        op,
    )
    .await
}

impl AccessWrites for PgWork {
    async fn insert_access_request(&mut self, request: &NewAccessRequest) -> PortResult<String> {
        let now = self.now();
        // A sequence, not max + 1: concurrent submissions get distinct numbers.
        let (sequence,): (i64,) = sqlx::query_as("SELECT nextval('access_request_numbers')")
            .fetch_one(self.connection())
            .await
            .map_err(failed)?;
        let number = request_number(sequence);
        sqlx::query(
            "INSERT INTO access_requests (id, sequence, request_number, request_type, status, organization_id,
                                          requested_by, form, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(request.id.as_uuid())
        .bind(sequence)
        .bind(&number)
        .bind(request.request_type.code())
        .bind(RequestStatus::Draft.code())
        .bind(request.organization.as_uuid())
        .bind(request.requested_by.as_uuid())
        .bind(Json(&request.form))
        .bind(now)
        .execute(self.connection())
        .await
        .map_err(failed)?;
        log_request(self, request.id, ChangeOp::Insert).await?;
        Ok(number)
    }

    async fn update_request_form(
        &mut self,
        id: AccessRequestId,
        request_type: RequestType,
        form: &RequestForm,
    ) -> PortResult<()> {
        let now = self.now();
        sqlx::query(
            "UPDATE access_requests SET request_type = $1, form = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(request_type.code())
        .bind(Json(form))
        .bind(now)
        .bind(id.as_uuid())
        .execute(self.connection())
        .await
        .map_err(failed)?;
        log_request(self, id, ChangeOp::Update).await
    }

    async fn submit_request(
        &mut self,
        id: AccessRequestId,
        status: RequestStatus,
        subject: Option<UserId>,
        agreement_code_hash: Option<&str>,
    ) -> PortResult<()> {
        let now = self.now();
        sqlx::query(
            "UPDATE access_requests SET status = $1, subject_user_id = $2,
                    agreement_code_hash = coalesce($3, agreement_code_hash),
                    agreement_code_issued_at = CASE WHEN $3::text IS NULL
                        THEN agreement_code_issued_at ELSE $4 END,
                    agreement_failures = CASE WHEN $3::text IS NULL THEN agreement_failures ELSE 0 END,
                    submitted_at = coalesce(submitted_at, $4), decided_at = NULL, decided_by = NULL,
                    updated_at = $4
             WHERE id = $5",
        )
        .bind(status.code())
        .bind(subject.map(|u| u.as_uuid()))
        .bind(agreement_code_hash)
        .bind(now)
        .bind(id.as_uuid())
        .execute(self.connection())
        .await
        .map_err(failed)?;
        log_request(self, id, ChangeOp::Update).await
    }

    async fn count_agreement_failure(&mut self, id: AccessRequestId) -> PortResult<u32> {
        let now = self.now();
        let failures: i32 = sqlx::query_scalar(
            "UPDATE access_requests SET agreement_failures = agreement_failures + 1, updated_at = $1
             WHERE id = $2 RETURNING agreement_failures",
        )
        .bind(now)
        .bind(id.as_uuid())
        .fetch_one(self.connection())
        .await
        .map_err(failed)?;
        log_request(self, id, ChangeOp::Update).await?;
        Ok(u32::try_from(failures).unwrap_or(u32::MAX))
    }

    async fn record_agreement(
        &mut self,
        id: AccessRequestId,
        agreement: &AgreementRecord,
        status: RequestStatus,
    ) -> PortResult<()> {
        let now = self.now();
        sqlx::query(
            "UPDATE access_requests SET agreement = $1, agreement_signed_at = $2, status = $3, updated_at = $2
             WHERE id = $4",
        )
        .bind(Json(agreement))
        .bind(now)
        .bind(status.code())
        .bind(id.as_uuid())
        .execute(self.connection())
        .await
        .map_err(failed)?;
        log_request(self, id, ChangeOp::Update).await
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
        sqlx::query(
            "UPDATE access_requests SET status = $1, decided_at = $2, decided_by = $3, decision_reason = $4,
                    subject_user_id = coalesce($5, subject_user_id), updated_at = $2
             WHERE id = $6",
        )
        .bind(status.code())
        .bind(now)
        .bind(by.as_uuid())
        .bind(reason)
        .bind(subject.map(|u| u.as_uuid()))
        .bind(id.as_uuid())
        .execute(self.connection())
        .await
        .map_err(failed)?;
        log_request(self, id, ChangeOp::Update).await
    }

    async fn create_account(&mut self, account: &NewAccount) -> PortResult<()> {
        let now = self.now();
        // Created with its temporary password flagged in the same statement (the workstation
        // inserts, then flags).
        sqlx::query(
            "INSERT INTO users (id, username, password_hash, first_name, last_name, email, phone,
                                must_change_password, temporary_password_issued_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, $8, $8)",
        )
        .bind(account.id.as_uuid())
        .bind(&account.username)
        .bind(&account.password_hash)
        .bind(&account.first_name)
        .bind(&account.last_name)
        .bind(&account.email)
        .bind(&account.phone)
        .bind(now)
        .execute(self.connection())
        .await
        .map_err(failed)?;
        append(
            self,
            Entity::User,
            &account.id.to_string(),
            ChangeOp::Insert,
        )
        .await
    }

    async fn set_role(
        &mut self,
        user: UserId,
        organization: OrganizationId,
        role: Role,
        ends: Option<Date>,
    ) -> PortResult<()> {
        let now = self.now();
        let (inserted,): (bool,) = sqlx::query_as(
            "INSERT INTO user_roles (user_id, organization_id, role, access_end_date, created_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (user_id, organization_id)
             DO UPDATE SET role = excluded.role, access_end_date = excluded.access_end_date
             RETURNING (xmax = 0)",
        )
        .bind(user.as_uuid())
        .bind(organization.as_uuid())
        .bind(role.code())
        .bind(ends)
        .bind(now)
        .fetch_one(self.connection())
        .await
        .map_err(failed)?;
        let op = if inserted {
            ChangeOp::Insert
        } else {
            ChangeOp::Update
        };
        log_membership(self, user, organization, op).await
    }

    async fn end_access(
        &mut self,
        user: UserId,
        organization: OrganizationId,
        on: Date,
    ) -> PortResult<()> {
        sqlx::query(
            "UPDATE user_roles SET access_end_date = least(coalesce(access_end_date, $1), $1)
             WHERE user_id = $2 AND organization_id = $3",
        )
        .bind(on)
        .bind(user.as_uuid())
        .bind(organization.as_uuid())
        .execute(self.connection())
        .await
        .map_err(failed)?;
        log_membership(self, user, organization, ChangeOp::Update).await
    }

    async fn open_organizations(
        &mut self,
        user: UserId,
        except: OrganizationId,
        today: Date,
    ) -> PortResult<Vec<OrganizationId>> {
        let rows: Vec<(Uuid,)> = sqlx::query_as(
            "SELECT organization_id FROM user_roles
             WHERE user_id = $1 AND organization_id <> $2 AND (access_end_date IS NULL OR access_end_date > $3)",
        )
        .bind(user.as_uuid())
        .bind(except.as_uuid())
        .bind(today)
        .fetch_all(self.connection())
        .await
        .map_err(failed)?;
        Ok(rows
            .into_iter()
            .map(|(id,)| OrganizationId::from_uuid(id))
            .collect())
    }

    async fn reactivate_with_temporary_password(
        &mut self,
        user: UserId,
        password_hash: &str,
    ) -> PortResult<()> {
        let now = self.now();
        sqlx::query(
            "INSERT INTO password_history (user_id, password_hash, created_at)
             SELECT id, password_hash, $1 FROM users WHERE id = $2",
        )
        .bind(now)
        .bind(user.as_uuid())
        .execute(self.connection())
        .await
        .map_err(failed)?;
        // The six-month inactivity clock restarts at reactivation (last_sign_in_at).
        sqlx::query(
            "UPDATE users SET active = true, inactivated_at = NULL, inactivation_reason = NULL,
                    password_hash = $1, must_change_password = true, temporary_password_issued_at = $2,
                    failed_attempts = 0, locked_at = NULL, last_sign_in_at = $2, updated_at = $2
             WHERE id = $3",
        )
        .bind(password_hash)
        .bind(now)
        .bind(user.as_uuid())
        .execute(self.connection())
        .await
        .map_err(failed)?;
        append(self, Entity::User, &user.to_string(), ChangeOp::Update).await
    }
}
