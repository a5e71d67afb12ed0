//! What the server's API keeps about signing in, outside the use cases (none of it is a
//! clinical fact, none of it syncs): enrolled devices, refresh tokens (hashed, spent once, a
//! replay revokes the family), CAPTCHA challenges and the failure counts of unknown names.
//! Every function is one statement or one short transaction on the shared database, so any
//! number of server processes agree.

use sqlx::Row;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{PgRegistry, ServerStoreResult};

/// An enrolled device, as a refresh sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Id.
    pub id: Uuid,
    /// Its Ed25519 public key.
    pub public_key: [u8; 32],
    /// Revoked: refreshes nothing.
    pub revoked: bool,
}

/// Enrolls the device holding `public_key` (or finds it, enrolled earlier) and stamps it seen.
pub async fn enroll_device(
    registry: &PgRegistry,
    public_key: &[u8; 32],
    name: &str,
    user: Uuid,
    now: OffsetDateTime,
) -> ServerStoreResult<Device> {
    let row = sqlx::query(
        "INSERT INTO devices (id, public_key, name, enrolled_by, enrolled_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (public_key) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at
         RETURNING id, revoked_at IS NOT NULL AS revoked",
    )
    .bind(Uuid::now_v7())
    .bind(public_key.as_slice())
    .bind(name)
    .bind(user)
    .bind(now)
    .fetch_one(registry.pool())
    .await?;
    Ok(Device {
        id: row.try_get("id")?,
        public_key: *public_key,
        revoked: row.try_get("revoked")?,
    })
}

/// A refresh token to keep (by its hash).
#[derive(Debug, Clone, Copy)]
pub struct NewRefreshToken<'a> {
    /// SHA-256 of the token.
    pub token_hash: &'a [u8; 32],
    /// Its family (the sign-in it descends from).
    pub family: Uuid,
    /// The device it is bound to.
    pub device: Uuid,
    /// The user.
    pub user: Uuid,
    /// The organization signed in to.
    pub organization: Uuid,
    /// Last valid instant.
    pub expires_at: OffsetDateTime,
}

/// Keeps a new refresh token.
pub async fn keep_refresh_token(
    registry: &PgRegistry,
    token: NewRefreshToken<'_>,
    now: OffsetDateTime,
) -> ServerStoreResult<()> {
    sqlx::query(
        "INSERT INTO refresh_tokens
             (token_hash, family, device_id, user_id, organization_id, issued_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(token.token_hash.as_slice())
    .bind(token.family)
    .bind(token.device)
    .bind(token.user)
    .bind(token.organization)
    .bind(now)
    .bind(token.expires_at)
    .execute(registry.pool())
    .await?;
    Ok(())
}

/// What presenting a refresh token came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spend {
    /// Spent now: its successor may be issued in `family`.
    Spent {
        /// The family.
        family: Uuid,
        /// The device it is bound to, with its key.
        device: Device,
        /// The user.
        user: Uuid,
        /// The organization.
        organization: Uuid,
    },
    /// Already spent: the whole family is revoked now.
    Replayed,
    /// Unknown, expired, revoked, or its device is.
    Refused,
}

/// Spends the refresh token with hash `token_hash`, if it may be.
pub async fn spend_refresh_token(
    registry: &PgRegistry,
    token_hash: &[u8; 32],
    now: OffsetDateTime,
) -> ServerStoreResult<Spend> {
    let mut tx = registry.pool().begin().await?;
    let row = sqlx::query(
        "SELECT t.family, t.device_id, t.user_id, t.organization_id, t.expires_at,
                t.spent_at IS NOT NULL AS spent, t.revoked_at IS NOT NULL AS revoked,
                d.public_key, d.revoked_at IS NOT NULL AS device_revoked
         FROM refresh_tokens t JOIN devices d ON d.id = t.device_id
         WHERE t.token_hash = $1
         FOR UPDATE OF t",
    )
    .bind(token_hash.as_slice())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(Spend::Refused);
    };
    let family: Uuid = row.try_get("family")?;
    if row.try_get::<bool, _>("spent")? {
        sqlx::query(
            "UPDATE refresh_tokens SET revoked_at = $2 WHERE family = $1 AND revoked_at IS NULL",
        )
        .bind(family)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(Spend::Replayed);
    }
    let expires_at: OffsetDateTime = row.try_get("expires_at")?;
    if row.try_get::<bool, _>("revoked")?
        || row.try_get::<bool, _>("device_revoked")?
        || expires_at <= now
    {
        return Ok(Spend::Refused);
    }
    sqlx::query("UPDATE refresh_tokens SET spent_at = $2 WHERE token_hash = $1")
        .bind(token_hash.as_slice())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let key: Vec<u8> = row.try_get("public_key")?;
    Ok(Spend::Spent {
        family,
        device: Device {
            id: row.try_get("device_id")?,
            public_key: key
                .try_into()
                .map_err(|_| anyhow::anyhow!("a stored device key is not 32 bytes"))?,
            revoked: false,
        },
        user: row.try_get("user_id")?,
        organization: row.try_get("organization_id")?,
    })
}

/// Revokes every refresh token of the family (sign-out).
pub async fn revoke_family(
    registry: &PgRegistry,
    family: Uuid,
    now: OffsetDateTime,
) -> ServerStoreResult<()> {
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $2 WHERE family = $1 AND revoked_at IS NULL",
    )
    .bind(family)
    .bind(now)
    .execute(registry.pool())
    .await?;
    Ok(())
}

/// Keeps a CAPTCHA challenge (its answer's hash).
pub async fn keep_captcha(
    registry: &PgRegistry,
    id: Uuid,
    answer_hash: &[u8; 32],
    now: OffsetDateTime,
) -> ServerStoreResult<()> {
    sqlx::query("DELETE FROM captcha_challenges WHERE issued_at < $1")
        .bind(now - time::Duration::hours(1))
        .execute(registry.pool())
        .await?;
    sqlx::query("INSERT INTO captcha_challenges (id, answer_hash, issued_at) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(answer_hash.as_slice())
        .bind(now)
        .execute(registry.pool())
        .await?;
    Ok(())
}

/// Solves challenge `id` with the answer hashed `answer_hash`, if it is outstanding, younger
/// than `validity` and the answer is right; a challenge solves once.
pub async fn solve_captcha(
    registry: &PgRegistry,
    id: Uuid,
    answer_hash: &[u8; 32],
    validity: time::Duration,
    now: OffsetDateTime,
) -> ServerStoreResult<bool> {
    let solved = sqlx::query(
        "UPDATE captcha_challenges SET solved_at = $3
         WHERE id = $1 AND answer_hash = $2 AND solved_at IS NULL AND issued_at > $4",
    )
    .bind(id)
    .bind(answer_hash.as_slice())
    .bind(now)
    .bind(now - validity)
    .execute(registry.pool())
    .await?
    .rows_affected();
    Ok(solved == 1)
}

/// Failures counted so far for the unknown name hashed `key_hash`.
pub async fn unknown_failures(
    registry: &PgRegistry,
    key_hash: &[u8; 32],
) -> ServerStoreResult<u32> {
    let failures: Option<i32> =
        sqlx::query_scalar("SELECT failures FROM unknown_sign_in_failures WHERE key_hash = $1")
            .bind(key_hash.as_slice())
            .fetch_optional(registry.pool())
            .await?;
    Ok(failures.map_or(0, |n| u32::try_from(n).unwrap_or(0)))
}

/// Counts one more failure for the unknown name hashed `key_hash`; returns the new count.
pub async fn count_unknown_failure(
    registry: &PgRegistry,
    key_hash: &[u8; 32],
    now: OffsetDateTime,
) -> ServerStoreResult<u32> {
    let failures: i32 = sqlx::query_scalar(
        "INSERT INTO unknown_sign_in_failures (key_hash, failures, last_at) VALUES ($1, 1, $2)
         ON CONFLICT (key_hash) DO UPDATE
             SET failures = unknown_sign_in_failures.failures + 1, last_at = EXCLUDED.last_at
         RETURNING failures",
    )
    .bind(key_hash.as_slice())
    .bind(now)
    .fetch_one(registry.pool())
    .await?;
    Ok(u32::try_from(failures).unwrap_or(u32::MAX))
}

/// Holds the sign-in turn of one account key across every server process: a transaction
/// holding `pg_advisory_xact_lock` on the key's hash, released when dropped (rolled back).
pub async fn account_turn(
    registry: &PgRegistry,
    key_hash: &[u8; 32],
) -> ServerStoreResult<sqlx::Transaction<'static, sqlx::Postgres>> {
    let mut tx = registry.pool().begin().await?;
    let lock = i64::from_le_bytes(key_hash[..8].try_into().unwrap_or([0; 8]));
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(lock)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}
