//! Ports of the duplicates queue and of client merges.

use std::future::Future;

use shotbook_core::ids::{ClientId, UserId};

use crate::PortResult;

/// A queued pair of records that may be one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicatePair {
    /// Its id.
    pub id: String,
    /// One record.
    pub a: ClientId,
    /// The other.
    pub b: ClientId,
    /// Not yet resolved.
    pub open: bool,
}

/// A merge of two records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMerge {
    /// Its id.
    pub id: String,
    /// The record kept.
    pub survivor: ClientId,
    /// The record merged into it.
    pub merged: ClientId,
    /// Already undone.
    pub undone: bool,
    /// How many doses it moved to the survivor.
    pub doses_moved: usize,
}

/// How a pair is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairResolution {
    /// The two records were merged.
    Merged,
    /// They are two different people.
    NotDuplicate,
}

/// Reads of the queue and of merges.
pub trait DuplicateReads {
    /// The pair, if it exists.
    fn pair(&self, id: &str) -> impl Future<Output = PortResult<Option<DuplicatePair>>> + Send;
    /// The merge, if it exists.
    fn client_merge(
        &self,
        id: &str,
    ) -> impl Future<Output = PortResult<Option<ClientMerge>>> + Send;
}

/// Writes of the queue and of merges.
pub trait DuplicateWrites {
    /// Resolves the pair if it is still open (the guard is inside the unit of work, so a double
    /// click resolves it once); `false` when it was already resolved.
    fn resolve_open_pair(
        &mut self,
        pair: &str,
        resolution: PairResolution,
        by: UserId,
    ) -> impl Future<Output = PortResult<bool>> + Send;
    /// Moves every dose, name (as an AKA) and organization of `merged` to `survivor` and marks
    /// `merged` as merged into it. Returns the merge's id.
    fn merge_clients(
        &mut self,
        survivor: ClientId,
        merged: ClientId,
        pair: Option<&str>,
        by: UserId,
    ) -> impl Future<Output = PortResult<String>> + Send;
    /// Undoes a merge (doses back unless voided or moved since, AKAs and organizations it added
    /// voided, the pair reopened); `false` when it was already undone.
    fn undo_merge(
        &mut self,
        merge: &str,
        by: UserId,
    ) -> impl Future<Output = PortResult<bool>> + Send;
}
