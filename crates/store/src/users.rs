//! User accounts and their roles at organizations.

use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::permission::Role;
use sqlx::{Sqlite, Transaction};
use time::OffsetDateTime;

use crate::change_log::{self, ChangeOp, ChangeSource};
use crate::{timestamp, Store, StoreResult};

/// A new user account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Id.
    pub id: UserId,
    /// Sign-in name.
    pub username: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email on file.
    pub email: String,
    /// Phone (406-444-4444 style).
    pub phone: Option<String>,
}

/// What sign-in needs: the account, its hash, and the role at the organization asked for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignInCandidate {
    /// User id.
    pub user_id: String,
    /// Sign-in name as stored.
    pub username: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Account active.
    pub active: bool,
    /// Organization id.
    pub organization_id: String,
    /// Organization code.
    pub organization_code: String,
    /// Organization name.
    pub organization_name: String,
    /// Role code at that organization.
    pub role: String,
}

/// Inserts a user.
pub async fn insert_in_tx(
    tx: &mut Transaction<'_, Sqlite>,
    user: &NewUser,
    source: ChangeSource,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO users (id, username, password_hash, first_name, last_name, email, phone, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(user.id.to_string())
    .bind(&user.username)
    .bind(&user.password_hash)
    .bind(&user.first_name)
    .bind(&user.last_name)
    .bind(&user.email)
    .bind(&user.phone)
    .bind(timestamp(now))
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(
        tx,
        "user",
        &user.id.to_string(),
        ChangeOp::Insert,
        source,
        now,
    )
    .await
}

/// Gives `user` a role at `organization`.
pub async fn grant_role_in_tx(
    tx: &mut Transaction<'_, Sqlite>,
    user: UserId,
    organization: OrganizationId,
    role: Role,
    source: ChangeSource,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO user_roles (user_id, organization_id, role, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(user.to_string())
    .bind(organization.to_string())
    .bind(role.code())
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(
        tx,
        "user_role",
        &format!("{user}:{organization}"),
        ChangeOp::Insert,
        source,
        now,
    )
    .await
}

/// The account `username` as a member of organization `org_code` (both case-insensitive), if
/// both exist and are linked.
pub async fn find_for_sign_in(
    store: &Store,
    org_code: &str,
    username: &str,
) -> StoreResult<Option<SignInCandidate>> {
    Ok(sqlx::query_as(
        "SELECT u.id AS user_id, u.username, u.password_hash, u.first_name, u.last_name, u.active,
                o.id AS organization_id, o.code AS organization_code, o.name AS organization_name, r.role
         FROM users u
         JOIN user_roles r ON r.user_id = u.id
         JOIN organizations o ON o.id = r.organization_id
         WHERE u.username = ? AND o.code = ?",
    )
    .bind(username.trim())
    .bind(org_code.trim())
    .fetch_optional(store.pool())
    .await?)
}

/// Number of user accounts (the demo seeder uses it to tell an empty database).
pub async fn count(store: &Store) -> StoreResult<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM users")
        .fetch_one(store.pool())
        .await?;
    Ok(n)
}
