//! Who works for an organization, in which role, until when: the `user_roles` rows the
//! access-request workflow and supervisors change. Rows are never deleted; ended access keeps
//! its end date, so the history stays readable.

use crate::Work;
use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::permission::Role;
use time::OffsetDateTime;

use crate::change_log::{self, ChangeOp, Entity};
use crate::{timestamp, Store, StoreResult};

/// A user of an organization, as the supervisor's screen lists them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganizationUserRow {
    /// User id.
    pub user_id: String,
    /// Username.
    pub username: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email.
    pub email: String,
    /// Role code at the organization.
    pub role: String,
    /// Account active.
    pub active: bool,
    /// Locked by the sign-in ladder.
    pub locked_at: Option<String>,
    /// Last sign-in (RFC 3339).
    pub last_sign_in_at: Option<String>,
    /// ISO date access at the organization ends.
    pub access_end_date: Option<String>,
    /// Why the account was inactivated.
    pub inactivation_reason: Option<String>,
}

/// The users of `organization`, by last and first name.
pub async fn organization_users(
    store: &Store,
    organization: OrganizationId,
) -> StoreResult<Vec<OrganizationUserRow>> {
    Ok(sqlx::query_as(
        "SELECT u.id AS user_id, u.username, u.first_name, u.last_name, u.email, r.role, u.active,
                u.locked_at, u.last_sign_in_at, r.access_end_date, u.inactivation_reason
         FROM user_roles r JOIN users u ON u.id = r.user_id
         WHERE r.organization_id = ?
         ORDER BY u.last_name COLLATE NOCASE, u.first_name COLLATE NOCASE",
    )
    .bind(organization.to_string())
    .fetch_all(store.pool())
    .await?)
}

/// The id of the account `username` (case-insensitive), if any.
pub async fn user_id_by_username(store: &Store, username: &str) -> StoreResult<Option<UserId>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE username = ?")
        .bind(username.trim())
        .fetch_optional(store.pool())
        .await?;
    row.map(|(id,)| {
        id.parse()
            .map_err(|e| anyhow::anyhow!("stored user id: {e}").into())
    })
    .transpose()
}

/// The user's role at `organization` and its end date, if the user was ever a member.
pub async fn membership(
    store: &Store,
    user: UserId,
    organization: OrganizationId,
) -> StoreResult<Option<(String, Option<String>)>> {
    Ok(sqlx::query_as(
        "SELECT role, access_end_date FROM user_roles WHERE user_id = ? AND organization_id = ?",
    )
    .bind(user.to_string())
    .bind(organization.to_string())
    .fetch_optional(store.pool())
    .await?)
}

/// Usernames starting with `base`, to pick a free one.
pub async fn usernames_like(store: &Store, base: &str) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT username FROM users WHERE username LIKE ? || '%'")
            .bind(base)
            .fetch_all(store.pool())
            .await?;
    Ok(rows.into_iter().map(|(u,)| u).collect())
}

async fn log_membership_in_tx(
    tx: &mut Work,
    user: UserId,
    organization: OrganizationId,
    op: ChangeOp,
    now: OffsetDateTime,
) -> StoreResult<()> {
    change_log::append_in_tx(
        tx,
        Entity::UserRole,
        &format!("{user}:{organization}"),
        op,
        now,
    )
    .await
}

/// Gives `user` `role` at `organization` until `end_date` (ISO, inclusive of nothing: access
/// stops that day), creating the membership or replacing its role and end date.
pub async fn set_role_in_tx(
    tx: &mut Work,
    user: UserId,
    organization: OrganizationId,
    role: Role,
    end_date: Option<&str>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let existing: Option<(String,)> =
        sqlx::query_as("SELECT role FROM user_roles WHERE user_id = ? AND organization_id = ?")
            .bind(user.to_string())
            .bind(organization.to_string())
            .fetch_optional(&mut **tx)
            .await?;
    sqlx::query(
        "INSERT INTO user_roles (user_id, organization_id, role, created_at, access_end_date) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (user_id, organization_id) DO UPDATE SET role = excluded.role, access_end_date = excluded.access_end_date",
    )
    .bind(user.to_string())
    .bind(organization.to_string())
    .bind(role.code())
    .bind(timestamp(now))
    .bind(end_date)
    .execute(&mut **tx)
    .await?;
    let op = if existing.is_some() {
        ChangeOp::Update
    } else {
        ChangeOp::Insert
    };
    log_membership_in_tx(tx, user, organization, op, now).await
}

/// Ends `user`'s access at `organization` on `end_date` (ISO). An earlier end date already set
/// is kept.
pub async fn end_access_in_tx(
    tx: &mut Work,
    user: UserId,
    organization: OrganizationId,
    end_date: &str,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE user_roles SET access_end_date = CASE
             WHEN access_end_date IS NOT NULL AND access_end_date < ?1 THEN access_end_date ELSE ?1 END
         WHERE user_id = ?2 AND organization_id = ?3",
    )
    .bind(end_date)
    .bind(user.to_string())
    .bind(organization.to_string())
    .execute(&mut **tx)
    .await?;
    log_membership_in_tx(tx, user, organization, ChangeOp::Update, now).await
}

/// The organizations (ids) where `user`'s access has not ended by `today` (ISO), other than
/// `except`.
pub async fn open_organizations_in_tx(
    tx: &mut Work,
    user: UserId,
    except: OrganizationId,
    today: &str,
) -> StoreResult<Vec<OrganizationId>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT organization_id FROM user_roles
         WHERE user_id = ? AND organization_id <> ? AND (access_end_date IS NULL OR access_end_date > ?)",
    )
    .bind(user.to_string())
    .bind(except.to_string())
    .bind(today)
    .fetch_all(&mut **tx)
    .await?;
    rows.into_iter()
        .map(|(id,)| {
            id.parse()
                .map_err(|e| anyhow::anyhow!("stored organization id: {e}").into())
        })
        .collect()
}

/// Reactivates an inactive account and gives it a temporary password (hash) that must be
/// changed at the next sign-in; clears the lock.
pub async fn reactivate_with_temporary_password_in_tx(
    tx: &mut Work,
    user: UserId,
    temporary_hash: &str,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO password_history (user_id, password_hash, created_at) SELECT id, password_hash, ? FROM users WHERE id = ?",
    )
    .bind(timestamp(now))
    .bind(user.to_string())
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE users SET active = 1, inactivated_at = NULL, inactivation_reason = NULL,
                password_hash = ?, must_change_password = 1, temporary_password_issued_at = ?,
                failed_attempts = 0, locked_at = NULL, last_sign_in_at = ?,
                updated_at = ?
         WHERE id = ?",
    )
    .bind(temporary_hash)
    .bind(timestamp(now))
    // The six-month inactivity clock restarts at reactivation.
    .bind(timestamp(now))
    .bind(timestamp(now))
    .bind(user.to_string())
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(tx, Entity::User, &user.to_string(), ChangeOp::Update, now).await
}

/// Marks a new account's password as temporary: valid 24 hours, to be replaced at the first
/// sign-in.
pub async fn require_password_change_in_tx(
    tx: &mut Work,
    user: UserId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE users SET must_change_password = 1, temporary_password_issued_at = ?, updated_at = ? WHERE id = ?",
    )
    .bind(timestamp(now))
    .bind(timestamp(now))
    .bind(user.to_string())
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(tx, Entity::User, &user.to_string(), ChangeOp::Update, now).await
}

/// The account's state, for deciding whether an approval must reactivate it: (active, locked).
pub async fn account_state(store: &Store, user: UserId) -> StoreResult<(bool, bool)> {
    let row: Option<(bool, Option<String>)> =
        sqlx::query_as("SELECT active, locked_at FROM users WHERE id = ?")
            .bind(user.to_string())
            .fetch_optional(store.pool())
            .await?;
    let (active, locked) = row.ok_or(crate::StoreError::NotFound("user"))?;
    Ok((active, locked.is_some()))
}
