//! Access requests (New Access, Change Employer, User Permissions Change, Access Deletion) and
//! their User Agreements. Requests are never deleted; every write is logged for sync.

use crate::Work;
use shotbook_core::access_request::{request_number, RequestStatus, RequestType};
use shotbook_core::ids::{OrganizationId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::change_log::{self, ChangeOp, Entity};
use crate::{timestamp, Store, StoreError, StoreResult};

/// A stored request, with its organization's code and name and the requester's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccessRequestRow {
    /// Id.
    pub id: String,
    /// `REQ0100387`.
    pub request_number: String,
    /// Type code.
    pub request_type: String,
    /// Status code.
    pub status: String,
    /// Organization the access is for.
    pub organization_id: String,
    /// Its org code.
    pub organization_code: String,
    /// Its name.
    pub organization_name: String,
    /// Its state.
    pub organization_state: String,
    /// Its county.
    pub organization_county: String,
    /// Its kind.
    pub organization_kind: String,
    /// Who saved or submitted it.
    pub requested_by: String,
    /// The requester's name.
    pub requested_by_name: String,
    /// The form, JSON.
    pub form: String,
    /// The account concerned (existing, or created on approval).
    pub subject_user_id: Option<String>,
    /// BLAKE2s hash of the emailed agreement code.
    pub agreement_code_hash: Option<String>,
    /// The signed agreement, JSON.
    pub agreement: Option<String>,
    /// When the user signed.
    pub agreement_signed_at: Option<String>,
    /// When first submitted (RFC 3339).
    pub submitted_at: Option<String>,
    /// When the current agreement code was sent (RFC 3339).
    pub agreement_code_issued_at: Option<String>,
    /// Wrong codes tried since.
    pub agreement_failures: i64,
    /// When approved, returned or rejected.
    pub decided_at: Option<String>,
    /// By whom.
    pub decided_by: Option<String>,
    /// The reason given for a return or rejection.
    pub decision_reason: Option<String>,
    /// Created.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

impl AccessRequestRow {
    /// The status.
    pub fn status(&self) -> StoreResult<RequestStatus> {
        RequestStatus::from_code(&self.status).ok_or_else(|| {
            StoreError::Unexpected(anyhow::anyhow!("unknown request status {}", self.status))
        })
    }

    /// The type.
    pub fn request_type(&self) -> StoreResult<RequestType> {
        RequestType::from_code(&self.request_type).ok_or_else(|| {
            StoreError::Unexpected(anyhow::anyhow!(
                "unknown request type {}",
                self.request_type
            ))
        })
    }
}

const SELECT: &str = "SELECT r.id, r.request_number, r.request_type, r.status, r.organization_id,
        o.code AS organization_code, o.name AS organization_name, o.state AS organization_state,
        o.county AS organization_county, o.kind AS organization_kind,
        r.requested_by, u.first_name || ' ' || u.last_name AS requested_by_name,
        r.form, r.subject_user_id, r.agreement_code_hash, r.agreement, r.agreement_signed_at,
        r.submitted_at, r.agreement_code_issued_at, r.agreement_failures, r.decided_at, r.decided_by,
        r.decision_reason, r.created_at, r.updated_at
    FROM access_requests r
    JOIN organizations o ON o.id = r.organization_id
    JOIN users u ON u.id = r.requested_by";

/// A new request (a draft, or submitted at once).
#[derive(Debug, Clone)]
pub struct NewAccessRequest {
    /// Id.
    pub id: Uuid,
    /// Type.
    pub request_type: RequestType,
    /// Status.
    pub status: RequestStatus,
    /// Organization.
    pub organization_id: OrganizationId,
    /// Requester.
    pub requested_by: UserId,
    /// The form, JSON.
    pub form: String,
}

/// Inserts a request with the next request number; returns the number.
pub async fn insert_in_tx(
    tx: &mut Work,
    request: &NewAccessRequest,
    now: OffsetDateTime,
) -> StoreResult<String> {
    let (next,): (i64,) =
        sqlx::query_as("SELECT coalesce(max(sequence), 0) + 1 FROM access_requests")
            .fetch_one(&mut **tx)
            .await?;
    let number = request_number(next);
    sqlx::query(
        "INSERT INTO access_requests (id, sequence, request_number, request_type, status, organization_id, requested_by, form, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(request.id.to_string())
    .bind(next)
    .bind(&number)
    .bind(request.request_type.code())
    .bind(request.status.code())
    .bind(request.organization_id.to_string())
    .bind(request.requested_by.to_string())
    .bind(&request.form)
    .bind(timestamp(now))
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    log_in_tx(tx, request.id, ChangeOp::Insert, now).await?;
    Ok(number)
}

async fn log_in_tx(tx: &mut Work, id: Uuid, op: ChangeOp, now: OffsetDateTime) -> StoreResult<()> {
    change_log::append_in_tx(tx, Entity::AccessRequest, &id.to_string(), op, now).await
}

/// Replaces the form (and type) of a draft or returned request.
pub async fn update_form_in_tx(
    tx: &mut Work,
    id: Uuid,
    request_type: RequestType,
    form: &str,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE access_requests SET request_type = ?, form = ?, updated_at = ? WHERE id = ?",
    )
    .bind(request_type.code())
    .bind(form)
    .bind(timestamp(now))
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    log_in_tx(tx, id, ChangeOp::Update, now).await
}

/// Marks a request submitted: its status, the existing account it names, a new agreement
/// code (hash) when the user must sign, and the first submission time.
pub async fn submit_in_tx(
    tx: &mut Work,
    id: Uuid,
    status: RequestStatus,
    subject_user: Option<UserId>,
    agreement_code_hash: Option<&str>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE access_requests SET status = ?1, subject_user_id = ?2,
                agreement_code_hash = coalesce(?3, agreement_code_hash),
                agreement_code_issued_at = CASE WHEN ?3 IS NULL THEN agreement_code_issued_at ELSE ?4 END,
                agreement_failures = CASE WHEN ?3 IS NULL THEN agreement_failures ELSE 0 END,
                submitted_at = coalesce(submitted_at, ?4), decided_at = NULL, decided_by = NULL,
                updated_at = ?5
         WHERE id = ?6",
    )
    .bind(status.code())
    .bind(subject_user.map(|u| u.to_string()))
    .bind(agreement_code_hash)
    .bind(timestamp(now))
    .bind(timestamp(now))
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    log_in_tx(tx, id, ChangeOp::Update, now).await
}

/// Counts a wrong agreement code tried on request `id`; returns the new count.
pub async fn count_agreement_failure_in_tx(
    tx: &mut Work,
    id: Uuid,
    now: OffsetDateTime,
) -> StoreResult<u32> {
    let (failures,): (i64,) = sqlx::query_as(
        "UPDATE access_requests SET agreement_failures = agreement_failures + 1, updated_at = ?
         WHERE id = ? RETURNING agreement_failures",
    )
    .bind(timestamp(now))
    .bind(id.to_string())
    .fetch_one(&mut **tx)
    .await?;
    log_in_tx(tx, id, ChangeOp::Update, now).await?;
    Ok(u32::try_from(failures).unwrap_or(u32::MAX))
}

/// Stores the signed agreement (JSON) and moves the request on.
pub async fn record_agreement(
    store: &Store,
    id: Uuid,
    agreement: &str,
    status: RequestStatus,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let mut tx = store.begin().await?;
    record_agreement_in_tx(&mut tx, id, agreement, status, now).await?;
    tx.commit().await?;
    Ok(())
}

/// [`record_agreement`] in a unit of work.
pub async fn record_agreement_in_tx(
    tx: &mut Work,
    id: Uuid,
    agreement: &str,
    status: RequestStatus,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE access_requests SET agreement = ?, agreement_signed_at = ?, status = ?, updated_at = ? WHERE id = ?",
    )
    .bind(agreement)
    .bind(timestamp(now))
    .bind(status.code())
    .bind(timestamp(now))
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    log_in_tx(tx, id, ChangeOp::Update, now).await
}

/// Records the registry's decision (approve, return, reject) with its reason.
pub async fn decide_in_tx(
    tx: &mut Work,
    id: Uuid,
    status: RequestStatus,
    decided_by: UserId,
    reason: Option<&str>,
    subject_user: Option<UserId>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE access_requests SET status = ?, decided_at = ?, decided_by = ?, decision_reason = ?,
                subject_user_id = coalesce(?, subject_user_id), updated_at = ?
         WHERE id = ?",
    )
    .bind(status.code())
    .bind(timestamp(now))
    .bind(decided_by.to_string())
    .bind(reason)
    .bind(subject_user.map(|u| u.to_string()))
    .bind(timestamp(now))
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    log_in_tx(tx, id, ChangeOp::Update, now).await
}

/// The request with `id`.
pub async fn get(store: &Store, id: Uuid) -> StoreResult<AccessRequestRow> {
    sqlx::query_as(&format!("{SELECT} WHERE r.id = ?"))
        .bind(id.to_string())
        .fetch_optional(store.pool())
        .await?
        .ok_or(StoreError::NotFound("access request"))
}

/// The request numbered `number` (case-insensitive), if any.
pub async fn find_by_number(store: &Store, number: &str) -> StoreResult<Option<AccessRequestRow>> {
    Ok(
        sqlx::query_as(&format!("{SELECT} WHERE r.request_number = upper(?)"))
            .bind(number.trim())
            .fetch_optional(store.pool())
            .await?,
    )
}

/// The requests of an organization, newest change first.
pub async fn for_organization(
    store: &Store,
    organization: OrganizationId,
) -> StoreResult<Vec<AccessRequestRow>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE r.organization_id = ? ORDER BY r.updated_at DESC, r.sequence DESC"
    ))
    .bind(organization.to_string())
    .fetch_all(store.pool())
    .await?)
}

/// Submitted requests still open (waiting for the agreement or for review) for organizations
/// of `state`, oldest submission first: the registry staff's queue.
pub async fn queue(store: &Store, state: &str) -> StoreResult<Vec<AccessRequestRow>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE r.status IN ('awaiting_agreement', 'awaiting_review') AND o.state = ?
         ORDER BY r.submitted_at, r.sequence"
    ))
    .bind(state)
    .fetch_all(store.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users;

    async fn with_org_and_user(store: &Store) -> (OrganizationId, UserId) {
        let now = time::macros::datetime!(2026-11-22 14:00 UTC);
        let org = OrganizationId::new();
        let user = UserId::new();
        let mut tx = store.begin().await.unwrap();
        crate::organizations::insert_in_tx(
            &mut tx,
            &crate::organizations::NewOrganization {
                id: org,
                code: "MT0001".into(),
                name: "Clinic".into(),
                kind: "provider".into(),
                state: "MT".into(),
                county: "Yellowstone".into(),
                city: "Billings".into(),
                vfc_pin: None,
            },
            now,
        )
        .await
        .unwrap();
        users::insert_in_tx(
            &mut tx,
            &users::NewUser {
                id: user,
                username: "sup".into(),
                password_hash: "x".into(),
                first_name: "Stacy".into(),
                last_name: "Halvorsen".into(),
                email: "s@example.org".into(),
                phone: None,
            },
            now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (org, user)
    }

    #[tokio::test]
    async fn requests_are_numbered_in_order_and_never_deleted() {
        let store = Store::open_in_memory().await.unwrap();
        let (org, user) = with_org_and_user(&store).await;
        let now = time::macros::datetime!(2026-11-22 14:00 UTC);
        let mut numbers = Vec::new();
        for _ in 0..2 {
            let mut tx = store.begin().await.unwrap();
            let request = NewAccessRequest {
                id: Uuid::now_v7(),
                request_type: RequestType::NewAccess,
                status: RequestStatus::Draft,
                organization_id: org,
                requested_by: user,
                form: "{}".into(),
            };
            numbers.push(insert_in_tx(&mut tx, &request, now).await.unwrap());
            tx.commit().await.unwrap();
        }
        assert_eq!(numbers, ["REQ0100001", "REQ0100002"]);
        let found = find_by_number(&store, "req0100002").await.unwrap().unwrap();
        assert_eq!(found.requested_by_name, "Stacy Halvorsen");
        let deleted = sqlx::query("DELETE FROM access_requests")
            .execute(store.pool())
            .await;
        assert!(deleted.is_err(), "the trigger refuses DELETE");
    }
}
