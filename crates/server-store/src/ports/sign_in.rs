//! The sign-in ports on PostgreSQL, over `users`, `user_roles` and `organizations`. Each
//! counter moves in one statement, so attempts on several server processes at once each count.

use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_protocol::{ChangeOp, Entity};
use shotbook_usecases::ports::{SignInAccount, SignInReads, SignInWrites};
use shotbook_usecases::PortResult;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::change_log::append;
use crate::{failed, PgRegistry, PgWork};

#[derive(sqlx::FromRow)]
struct SignInRow {
    user_id: Uuid,
    organization_id: Uuid,
    username: String,
    first_name: String,
    last_name: String,
    password_hash: String,
    active: bool,
    failed_attempts: i32,
    locked: bool,
    must_change_password: bool,
    temporary_password_issued_at: Option<OffsetDateTime>,
    last_used_at: OffsetDateTime,
    access_end_date: Option<Date>,
}

impl SignInReads for PgRegistry {
    async fn sign_in_account(
        &self,
        organization_code: &str,
        username: &str,
    ) -> PortResult<Option<SignInAccount>> {
        let row: Option<SignInRow> = sqlx::query_as(
            "SELECT u.id AS user_id, o.id AS organization_id, u.username, u.first_name,
                    u.last_name, u.password_hash, u.active, u.failed_attempts,
                    u.locked_at IS NOT NULL AS locked, u.must_change_password,
                    u.temporary_password_issued_at,
                    coalesce(u.last_sign_in_at, u.created_at) AS last_used_at, r.access_end_date
             FROM users u
             JOIN user_roles r ON r.user_id = u.id
             JOIN organizations o ON o.id = r.organization_id
             WHERE lower(u.username) = lower($1) AND lower(o.code) = lower($2)",
        )
        .bind(username.trim())
        .bind(organization_code.trim())
        .fetch_optional(self.pool())
        .await
        .map_err(failed)?;
        Ok(row.map(|row| SignInAccount {
            user_id: UserId::from_uuid(row.user_id),
            organization_id: OrganizationId::from_uuid(row.organization_id),
            username: row.username,
            display_name: format!("{} {}", row.first_name, row.last_name),
            password_hash: row.password_hash,
            active: row.active,
            failed_attempts: u32::try_from(row.failed_attempts).unwrap_or(0),
            locked: row.locked,
            must_change_password: row.must_change_password,
            temporary_password_issued_at: row.temporary_password_issued_at,
            last_used_at: row.last_used_at,
            access_ends: row.access_end_date,
        }))
    }

    async fn recent_password_hashes(&self, user: UserId, keep: usize) -> PortResult<Vec<String>> {
        sqlx::query_scalar(
            "SELECT password_hash FROM (
                 SELECT password_hash, updated_at AS at, 1 AS current FROM users WHERE id = $1
                 UNION ALL
                 SELECT password_hash, created_at AS at, 0 AS current
                 FROM password_history WHERE user_id = $1) hashes
             ORDER BY current DESC, at DESC LIMIT $2",
        )
        .bind(user.as_uuid())
        .bind(i64::try_from(keep).unwrap_or(i64::MAX))
        .fetch_all(self.pool())
        .await
        .map_err(failed)
    }
}

async fn log_user(work: &mut PgWork, user: UserId) -> PortResult<()> {
    append(work, Entity::User, &user.to_string(), ChangeOp::Update).await
}

impl SignInWrites for PgWork {
    async fn record_failed_sign_in(&mut self, user: UserId, lock_at: u32) -> PortResult<u32> {
        let now = self.now();
        let (count,): (i32,) = sqlx::query_as(
            "UPDATE users SET failed_attempts = failed_attempts + 1,
                    locked_at = CASE WHEN failed_attempts + 1 >= $1 AND locked_at IS NULL
                                     THEN $2 ELSE locked_at END,
                    updated_at = $2
             WHERE id = $3 RETURNING failed_attempts",
        )
        .bind(i32::try_from(lock_at).unwrap_or(i32::MAX))
        .bind(now)
        .bind(user.as_uuid())
        .fetch_one(self.connection())
        .await
        .map_err(failed)?;
        log_user(self, user).await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    async fn record_sign_in_unless_locked(&mut self, user: UserId) -> PortResult<bool> {
        let now = self.now();
        let done = sqlx::query(
            "UPDATE users SET failed_attempts = 0, last_sign_in_at = $1, updated_at = $1
             WHERE id = $2 AND locked_at IS NULL",
        )
        .bind(now)
        .bind(user.as_uuid())
        .execute(self.connection())
        .await
        .map_err(failed)?
        .rows_affected();
        if done == 1 {
            log_user(self, user).await?;
        }
        Ok(done == 1)
    }

    async fn set_chosen_password(
        &mut self,
        user: UserId,
        password_hash: &str,
        _keep_session: Option<&str>,
    ) -> PortResult<()> {
        let now = self.now();
        sqlx::query(
            "INSERT INTO password_history (user_id, password_hash, created_at)
             SELECT id, password_hash, $2 FROM users WHERE id = $1",
        )
        .bind(user.as_uuid())
        .bind(now)
        .execute(self.connection())
        .await
        .map_err(failed)?;
        sqlx::query(
            "UPDATE users SET password_hash = $2, must_change_password = false,
                    temporary_password_issued_at = NULL, failed_attempts = 0, locked_at = NULL,
                    updated_at = $3
             WHERE id = $1",
        )
        .bind(user.as_uuid())
        .bind(password_hash)
        .bind(now)
        .execute(self.connection())
        .await
        .map_err(failed)?;
        // The API's sessions are its refresh tokens: every one of the user's ends.
        sqlx::query(
            "UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
        )
        .bind(user.as_uuid())
        .bind(now)
        .execute(self.connection())
        .await
        .map_err(failed)?;
        log_user(self, user).await
    }

    async fn inactivate_account(&mut self, user: UserId, reason: &str) -> PortResult<()> {
        let now = self.now();
        let done = sqlx::query(
            "UPDATE users SET active = false, inactivated_at = $1, inactivation_reason = $2,
                    updated_at = $1
             WHERE id = $3 AND active",
        )
        .bind(now)
        .bind(reason)
        .bind(user.as_uuid())
        .execute(self.connection())
        .await
        .map_err(failed)?
        .rows_affected();
        if done == 1 {
            log_user(self, user).await?;
        }
        Ok(())
    }
}
