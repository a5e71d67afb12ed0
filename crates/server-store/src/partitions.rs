//! The monthly partitions of `audit_log` and `change_log` (migration
//! `20261207120000_monthly_partitions.sql`): months are created ahead of time, so rows land in
//! their month's table rather than the DEFAULT partition that catches anything unplanned.

use crate::{PgRegistry, ServerStoreResult};

/// How many months ahead of today partitions exist after [`ensure_ahead`].
pub const MONTHS_AHEAD: i32 = 3;

/// Creates the partitions from this month to [`MONTHS_AHEAD`] months ahead that are missing;
/// returns how many were created. Safe to run from any number of processes: a partition
/// another process created first is left as it is.
pub async fn ensure_ahead(registry: &PgRegistry) -> ServerStoreResult<i32> {
    let mut tx = registry.pool().begin().await?;
    // One creator at a time: two processes creating the same month would collide.
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(PARTITION_LOCK)
        .execute(&mut *tx)
        .await?;
    let created: i32 = sqlx::query_scalar("SELECT shotbook_month_partitions(CURRENT_DATE, $1)")
        .bind(MONTHS_AHEAD)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(created)
}

const PARTITION_LOCK: i64 = 0x5348_4f54_5041_5254; // "SHOTPART"

/// The partitions of `table` (`audit_log` or `change_log`), oldest first, the DEFAULT one last.
pub async fn partitions_of(registry: &PgRegistry, table: &str) -> ServerStoreResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
         WHERE p.relname = $1
         ORDER BY c.relname LIKE '%_default', c.relname",
    )
    .bind(table)
    .fetch_all(registry.pool())
    .await?)
}
