//! User accounts and their roles at organizations.

use crate::Work;
use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::permission::Role;
use time::OffsetDateTime;

use crate::change_log::{self, ChangeOp, Entity};
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
    /// Email on file.
    pub email: String,
    /// Consecutive failed sign-ins.
    pub failed_attempts: i64,
    /// When the ladder locked the account.
    pub locked_at: Option<String>,
    /// Signed in with a temporary password: must choose a new one now.
    pub must_change_password: bool,
    /// When the temporary password was issued (RFC 3339).
    pub temporary_password_issued_at: Option<String>,
    /// Last successful sign-in (RFC 3339).
    pub last_sign_in_at: Option<String>,
    /// Account created (RFC 3339); stands in for the last sign-in of a never-used account.
    pub created_at: String,
    /// When the account was inactivated.
    pub inactivated_at: Option<String>,
    /// ISO date access at this organization ends.
    pub access_end_date: Option<String>,
}

/// One of a user's organizations, for the organization portal.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MembershipRow {
    /// Organization id.
    pub organization_id: String,
    /// Org code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Role code.
    pub role: String,
    /// ISO date access ends.
    pub access_end_date: Option<String>,
    /// The organization's state (two letters).
    pub state: String,
    /// The organization's kind code (`provider`, `school`, `child_care` …).
    pub kind: String,
}

/// A user's own account details.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    /// Id.
    pub id: String,
    /// Username.
    pub username: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: Option<String>,
    /// Current Argon2id hash.
    pub password_hash: String,
}

/// Inserts a user.
pub async fn insert_in_tx(tx: &mut Work, user: &NewUser, now: OffsetDateTime) -> StoreResult<()> {
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
        Entity::User,
        &user.id.to_string(),
        ChangeOp::Insert,
        now,
    )
    .await
}

/// Gives `user` a role at `organization`.
pub async fn grant_role_in_tx(
    tx: &mut Work,
    user: UserId,
    organization: OrganizationId,
    role: Role,
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
        Entity::UserRole,
        &format!("{user}:{organization}"),
        ChangeOp::Insert,
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
                o.id AS organization_id, o.code AS organization_code, o.name AS organization_name, r.role,
                u.email, u.failed_attempts, u.locked_at, u.must_change_password, u.temporary_password_issued_at,
                u.last_sign_in_at, u.created_at, u.inactivated_at, r.access_end_date
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

/// Every change a user makes to an account (sign-in counters, password, profile) is logged the
/// same way for sync.
async fn log_user_update_in_tx(
    tx: &mut Work,
    user: UserId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let id = user.to_string();
    change_log::append_in_tx(tx, Entity::User, &id, ChangeOp::Update, now).await
}

/// Records a failed sign-in on its own (the idle-lock screen's password); see
/// [`record_failed_sign_in_in_tx`].
pub async fn record_failed_sign_in(
    store: &Store,
    user: UserId,
    lock_at: u32,
    now: OffsetDateTime,
) -> StoreResult<u32> {
    let mut tx = store.begin().await?;
    let count = record_failed_sign_in_in_tx(&mut tx, user, lock_at, now).await?;
    tx.commit().await?;
    Ok(count)
}

/// Records a failed sign-in in the caller's transaction; returns the new count of consecutive
/// failures. Locks the account (sets `locked_at`) when the count reaches `lock_at`.
pub async fn record_failed_sign_in_in_tx(
    tx: &mut Work,
    user: UserId,
    lock_at: u32,
    now: OffsetDateTime,
) -> StoreResult<u32> {
    let (count,): (i64,) = sqlx::query_as(
        "UPDATE users SET failed_attempts = failed_attempts + 1,
                locked_at = CASE WHEN failed_attempts + 1 >= ? AND locked_at IS NULL THEN ? ELSE locked_at END,
                updated_at = ?
         WHERE id = ? RETURNING failed_attempts",
    )
    .bind(i64::from(lock_at))
    .bind(timestamp(now))
    .bind(timestamp(now))
    .bind(user.to_string())
    .fetch_one(&mut **tx)
    .await?;
    log_user_update_in_tx(tx, user, now).await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// Records a successful sign-in: clears the failure count and stamps the time.
pub async fn record_sign_in(store: &Store, user: UserId, now: OffsetDateTime) -> StoreResult<()> {
    let mut tx = store.begin().await?;
    sqlx::query(
        "UPDATE users SET failed_attempts = 0, last_sign_in_at = ?, updated_at = ? WHERE id = ?",
    )
    .bind(timestamp(now))
    .bind(timestamp(now))
    .bind(user.to_string())
    .execute(&mut *tx)
    .await?;
    log_user_update_in_tx(&mut tx, user, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces the password hash, keeping the old one in the history. A temporary password sets
/// `must_change_password` and the issue time; a chosen one clears both. Either way the ladder
/// is reset, a lock lifted, and every session of the user ended but `keep_session` (the one
/// that changed its own password), so a stolen session dies with the old password.
pub async fn set_password(
    store: &Store,
    user: UserId,
    new_hash: &str,
    temporary: bool,
    keep_session: Option<&str>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let mut tx = store.begin().await?;
    set_password_in_tx(&mut tx, user, new_hash, temporary, keep_session, now).await?;
    tx.commit().await?;
    Ok(())
}

/// [`set_password`] inside `tx`.
pub async fn set_password_in_tx(
    tx: &mut Work,
    user: UserId,
    new_hash: &str,
    temporary: bool,
    keep_session: Option<&str>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO password_history (user_id, password_hash, created_at) SELECT id, password_hash, ? FROM users WHERE id = ?")
        .bind(timestamp(now))
        .bind(user.to_string())
        .execute(&mut **tx)
        .await?;
    let issued = temporary.then(|| timestamp(now));
    sqlx::query(
        "UPDATE users SET password_hash = ?, must_change_password = ?, temporary_password_issued_at = ?,
                failed_attempts = 0, locked_at = NULL, updated_at = ?
         WHERE id = ?",
    )
    .bind(new_hash)
    .bind(temporary)
    .bind(issued)
    .bind(timestamp(now))
    .bind(user.to_string())
    .execute(&mut **tx)
    .await?;
    crate::sessions::end_all_in_tx(tx, user, keep_session, "password changed", now).await?;
    log_user_update_in_tx(tx, user, now).await
}

/// The current hash and the `keep - 1` previous ones, newest first (for the reuse rule).
pub async fn recent_password_hashes(
    store: &Store,
    user: UserId,
    keep: usize,
) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT password_hash FROM (
             SELECT password_hash, updated_at AS at, 1 AS current FROM users WHERE id = ?1
             UNION ALL
             SELECT password_hash, created_at AS at, 0 AS current FROM password_history WHERE user_id = ?1)
         ORDER BY current DESC, at DESC LIMIT ?2",
    )
    .bind(user.to_string())
    .bind(i64::try_from(keep).unwrap_or(i64::MAX))
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(|(h,)| h).collect())
}

/// Inactivates an account (inactivity, end of employment) with a reason.
pub async fn inactivate(
    store: &Store,
    user: UserId,
    reason: &str,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let mut tx = store.begin().await?;
    inactivate_in_tx(&mut tx, user, reason, now).await?;
    tx.commit().await?;
    Ok(())
}

/// [`inactivate`] in the caller's transaction.
pub async fn inactivate_in_tx(
    tx: &mut Work,
    user: UserId,
    reason: &str,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let done = sqlx::query("UPDATE users SET active = 0, inactivated_at = ?, inactivation_reason = ?, updated_at = ? WHERE id = ? AND active = 1")
        .bind(timestamp(now))
        .bind(reason)
        .bind(timestamp(now))
        .bind(user.to_string())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if done == 1 {
        log_user_update_in_tx(tx, user, now).await?;
    }
    Ok(())
}

/// The organizations where `user` holds a role, by name.
pub async fn memberships(store: &Store, user: UserId) -> StoreResult<Vec<MembershipRow>> {
    Ok(sqlx::query_as(
        "SELECT o.id AS organization_id, o.code, o.name, r.role, r.access_end_date, o.state, o.kind
         FROM user_roles r JOIN organizations o ON o.id = r.organization_id
         WHERE r.user_id = ? ORDER BY o.name",
    )
    .bind(user.to_string())
    .fetch_all(store.pool())
    .await?)
}

/// The account with `id`.
pub async fn account(store: &Store, user: UserId) -> StoreResult<AccountRow> {
    sqlx::query_as("SELECT id, username, first_name, last_name, email, phone, password_hash FROM users WHERE id = ?")
        .bind(user.to_string())
        .fetch_optional(store.pool())
        .await?
        .ok_or(crate::StoreError::NotFound("user"))
}

/// Updates the user's own name, email and phone.
pub async fn update_profile(
    store: &Store,
    user: UserId,
    first_name: &str,
    last_name: &str,
    email: &str,
    phone: Option<&str>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let mut tx = store.begin().await?;
    sqlx::query("UPDATE users SET first_name = ?, last_name = ?, email = ?, phone = ?, updated_at = ? WHERE id = ?")
        .bind(first_name)
        .bind(last_name)
        .bind(email)
        .bind(phone)
        .bind(timestamp(now))
        .bind(user.to_string())
        .execute(&mut *tx)
        .await?;
    log_user_update_in_tx(&mut tx, user, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets or clears the date access at `organization` ends.
pub async fn set_access_end_date(
    store: &Store,
    user: UserId,
    organization: OrganizationId,
    end_date: Option<&str>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let mut tx = store.begin().await?;
    sqlx::query(
        "UPDATE user_roles SET access_end_date = ? WHERE user_id = ? AND organization_id = ?",
    )
    .bind(end_date)
    .bind(user.to_string())
    .bind(organization.to_string())
    .execute(&mut *tx)
    .await?;
    change_log::append_in_tx(
        &mut tx,
        Entity::UserRole,
        &format!("{user}:{organization}"),
        ChangeOp::Update,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every active account with its last use (last sign-in, or creation if never used), for the
/// inactivity sweep.
pub async fn last_used(store: &Store) -> StoreResult<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, coalesce(last_sign_in_at, created_at) FROM users WHERE active = 1",
    )
    .fetch_all(store.pool())
    .await?)
}

/// Whether the account is active.
pub async fn is_active(store: &Store, user: UserId) -> StoreResult<bool> {
    let row: Option<(bool,)> = sqlx::query_as("SELECT active FROM users WHERE id = ?")
        .bind(user.to_string())
        .fetch_optional(store.pool())
        .await?;
    Ok(row.is_some_and(|(a,)| a))
}

/// Whether the account may hold a session: it exists, is active, is not locked and does not
/// wait for a new password (a temporary one was set since).
pub async fn may_hold_session(store: &Store, user: UserId) -> StoreResult<bool> {
    let row: Option<(bool, Option<String>, bool)> =
        sqlx::query_as("SELECT active, locked_at, must_change_password FROM users WHERE id = ?")
            .bind(user.to_string())
            .fetch_optional(store.pool())
            .await?;
    Ok(row.is_some_and(|(active, locked, must_change)| active && locked.is_none() && !must_change))
}

/// A successful sign-in, recorded only if no lock was set meanwhile (another attempt, in this
/// process or another, may have locked the account while the password was being checked).
/// Returns whether it was recorded.
pub async fn record_sign_in_unless_locked_in_tx(
    tx: &mut Work,
    user: UserId,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE users SET failed_attempts = 0, last_sign_in_at = ?, updated_at = ?
         WHERE id = ? AND locked_at IS NULL",
    )
    .bind(timestamp(now))
    .bind(timestamp(now))
    .bind(user.to_string())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if done == 1 {
        log_user_update_in_tx(tx, user, now).await?;
    }
    Ok(done == 1)
}

/// Number of user accounts (the demo seeder uses it to tell an empty database).
pub async fn count(store: &Store) -> StoreResult<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM users")
        .fetch_one(store.pool())
        .await?;
    Ok(n)
}
