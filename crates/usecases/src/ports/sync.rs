//! The sync ports: the registry's change log and tables as one organization's replica sees
//! them. Which entities a replica holds, the caps and the audit are the use cases'
//! ([`crate::sync`]); the store finds the rows in the organization's scope.
//!
//! The scope of an organization: the clients it holds a relationship with (home organization,
//! or an active link in `client_organizations`) with everything of theirs, the organization's
//! own lots and their movements, and the registry's organizations.

use std::future::Future;

use shotbook_core::ids::{ClientId, OrganizationId};
use shotbook_protocol::{ChangeEnvelope, Cursor, Entity, SnapshotRecord};

use crate::PortResult;

/// A change of the log in the scope, with the client it concerns (for the audit).
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedChange {
    /// The change as the wire carries it.
    pub envelope: ChangeEnvelope,
    /// Its position in the log.
    pub cursor: Cursor,
    /// The client whose record it is part of, if any.
    pub client: Option<ClientId>,
}

/// A page of changes and the horizon it was read below.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedChanges {
    /// The changes after the cursor and below the horizon, in log order, at most the limit.
    pub changes: Vec<ScopedChange>,
    /// Every transaction before this position had committed when the page was read.
    pub horizon: Cursor,
}

/// A record of a snapshot, with the client it concerns (for the audit).
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedRecord {
    /// The record as the wire carries it.
    pub record: SnapshotRecord,
    /// The client whose record it is part of, if any.
    pub client: Option<ClientId>,
}

/// Reads of the change log and tables within an organization's scope.
pub trait SyncReads {
    /// The position below which every transaction has committed (and is visible to a read
    /// that starts after this call).
    fn sync_horizon(&self) -> impl Future<Output = PortResult<Cursor>> + Send;

    /// The changes of `entities` in `organization`'s scope after `after`, from committed
    /// transactions below the horizon only, in `(transaction, seq)` order, at most `limit`.
    fn changes_in_scope(
        &self,
        organization: OrganizationId,
        entities: &[Entity],
        after: Cursor,
        limit: u32,
    ) -> impl Future<Output = PortResult<ScopedChanges>> + Send;

    /// The records of `entity` in `organization`'s scope (only `client`'s when given) with an
    /// id after `after`, in id order, at most `limit`.
    fn records_in_scope(
        &self,
        organization: OrganizationId,
        entity: Entity,
        client: Option<ClientId>,
        after: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = PortResult<Vec<ScopedRecord>>> + Send;
}
