//! The sync outbox. Every write of an entity appends one row in the same transaction.

use sqlx::{Sqlite, Transaction};
use time::OffsetDateTime;

use crate::{timestamp, StoreResult};

/// What happened to the entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    /// Created.
    Insert,
    /// Changed.
    Update,
    /// Voided (clinical facts are never deleted).
    Void,
}

/// Where the change came from; changes from `Sync` are not sent back to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeSource {
    /// A user at this workstation.
    Local,
    /// The central registry.
    Sync,
    /// A bulk import or the synthetic generator.
    Import,
}

impl ChangeOp {
    /// Column value.
    pub fn code(self) -> &'static str {
        match self {
            ChangeOp::Insert => "insert",
            ChangeOp::Update => "update",
            ChangeOp::Void => "void",
        }
    }
}

impl ChangeSource {
    /// Column value.
    pub fn code(self) -> &'static str {
        match self {
            ChangeSource::Local => "local",
            ChangeSource::Sync => "sync",
            ChangeSource::Import => "import",
        }
    }
}

/// Appends one change inside `tx`.
pub async fn append_in_tx(
    tx: &mut Transaction<'_, Sqlite>,
    entity: &str,
    entity_id: &str,
    op: ChangeOp,
    source: ChangeSource,
    at: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO change_log (entity, entity_id, op, source, at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(entity)
    .bind(entity_id)
    .bind(op.code())
    .bind(source.code())
    .bind(timestamp(at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
