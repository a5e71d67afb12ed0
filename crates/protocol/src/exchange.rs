//! What a workstation and the registry exchange: the handshake, pushed batches and pulled
//! pages, and the conflicts a push can meet.

use serde::{Deserialize, Serialize};

use crate::{ChangeEnvelope, Entity};

/// The version of this contract. Both sides send it in the [`Handshake`]; a mismatch is refused
/// before any change moves.
pub const PROTOCOL_VERSION: u32 = 1;

/// The first message of every sync session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Handshake {
    /// [`PROTOCOL_VERSION`] of the sender.
    pub protocol: u32,
    /// The schema line of the sender's database (`shotbook_store::SCHEMA_LINE`).
    pub schema_line: u32,
    /// The sender (workstation name or server id).
    pub node: String,
}

/// Why two nodes cannot sync.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionMismatch {
    /// The contracts differ.
    #[error("this workstation speaks sync protocol {ours}; the registry speaks {theirs}. Update Shotbook.")]
    Protocol {
        /// Ours.
        ours: u32,
        /// Theirs.
        theirs: u32,
    },
    /// The databases are on different schema lines.
    #[error("this workstation's database is on schema line {ours}; the registry's is on {theirs}. Update Shotbook.")]
    SchemaLine {
        /// Ours.
        ours: u32,
        /// Theirs.
        theirs: u32,
    },
}

impl Handshake {
    /// Whether `self` may sync with `theirs`.
    pub fn check(&self, theirs: &Handshake) -> Result<(), VersionMismatch> {
        if self.protocol != theirs.protocol {
            return Err(VersionMismatch::Protocol {
                ours: self.protocol,
                theirs: theirs.protocol,
            });
        }
        if self.schema_line != theirs.schema_line {
            return Err(VersionMismatch::SchemaLine {
                ours: self.schema_line,
                theirs: theirs.schema_line,
            });
        }
        Ok(())
    }
}

/// Changes a workstation sends. Idempotent: the registry remembers `(node, seq)`, so a batch
/// replayed after a lost answer changes nothing twice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushBatch {
    /// Who sends.
    pub handshake: Handshake,
    /// Oldest first, by `seq`.
    pub changes: Vec<ChangeEnvelope>,
}

/// The registry's answer to a push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushOutcome {
    /// Every change up to this outbox `seq` is settled (applied, already applied, or answered
    /// by a conflict below); the workstation may mark them sent.
    pub acknowledged_through: i64,
    /// Changes the registry did not apply as sent.
    pub conflicts: Vec<Conflict>,
}

/// A change the registry did not apply as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    /// The outbox `seq` of the change.
    pub seq: i64,
    /// The record.
    pub entity: Entity,
    /// Its id.
    pub entity_id: String,
    /// The registry's revision of the record, when it keeps one.
    pub server_revision: Option<i64>,
    /// What happened.
    pub kind: ConflictKind,
    /// Why, as a stable code (`forbidden`, `consent_restricted`, `invalid`, `not_found`,
    /// `other_organization`, `not_pushable` …), for `refused`.
    #[serde(default)]
    pub reason: Option<String>,
}

/// How a pushed change conflicted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// The record changed on the registry since the workstation read it; a person decides.
    StaleRevision,
    /// The record was voided on the registry; a void wins over an edit.
    Voided,
    /// The client was merged into another record; the change was applied to the survivor
    /// (`serverRevision` absent; the envelope's record now belongs to the kept client).
    MovedToSurvivor,
    /// The registry's rules refused the change (permission, consent, entry rules).
    Refused,
}

/// A position in the registry's change log: the writing transaction's id (PostgreSQL `xid8`)
/// and the change's sequence number within the log. Changes are served in `(transaction, seq)`
/// order and only from transactions older than every transaction still running, so a
/// transaction that commits late holds the pull back instead of being skipped (a plain
/// sequence number would skip it: numbers are taken at insert, not at commit).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Cursor {
    /// The transaction id (`xid8`) of the last change applied, or where to start from.
    pub transaction: i64,
    /// Its sequence number (0: from the start of `transaction`).
    pub seq: i64,
}

/// What a workstation asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PullRequest {
    /// Who asks.
    pub handshake: Handshake,
    /// The last position applied: the `nextCursor` of the previous page, or the status's
    /// `horizon` for a replica just filled from a snapshot.
    pub cursor: Cursor,
    /// Most changes per page (the registry caps it).
    pub limit: u32,
}

/// One page of the registry's change log in the organization's scope, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PullPage {
    /// The changes.
    pub changes: Vec<ChangeEnvelope>,
    /// The cursor to send next (after the last change served, or the request's cursor when
    /// nothing new was settled).
    pub next_cursor: Cursor,
    /// More changes wait beyond this page.
    pub more: bool,
}

/// What a workstation asks for to fill its replica: one entity's records in the
/// organization's scope, in id order, a page at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SnapshotRequest {
    /// Who asks.
    pub handshake: Handshake,
    /// Which kind of record.
    pub entity: Entity,
    /// The last id received (the previous page's `nextAfter`); absent for the first page.
    #[serde(default)]
    pub after: Option<String>,
    /// Only this client's records (a client who just joined the organization's scope, whose
    /// earlier changes the replica never pulled); absent for the whole scope.
    #[serde(default)]
    pub client: Option<String>,
    /// Most records per page (the registry caps it).
    pub limit: u32,
}

/// One record of a snapshot: its columns as a pulled change carries them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SnapshotRecord {
    /// The record's id (`client/organization` for a link).
    pub id: String,
    /// Its revision, when it keeps one.
    pub revision: Option<i64>,
    /// Its columns (ISO dates, UUID strings, no secrets); `None` for a link.
    pub payload: Option<serde_json::Value>,
}

/// One page of a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SnapshotPage {
    /// Which kind of record.
    pub entity: Entity,
    /// The records, in id order.
    pub records: Vec<SnapshotRecord>,
    /// The id to send as `after` for the next page.
    pub next_after: Option<String>,
    /// More records wait beyond this page.
    pub more: bool,
}

/// The registry's side of a sync session, and where a new replica starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    /// The registry's handshake (its protocol and schema line).
    pub handshake: Handshake,
    /// The organization whose scope this workstation replicates (the signed-in user's).
    pub organization_id: String,
    /// Every change before this position is committed and visible to a snapshot taken now: a
    /// replica filled by snapshot pages read after this answer pulls from here, and misses
    /// nothing (what changed meanwhile is pulled again and applied over the snapshot).
    pub horizon: Cursor,
    /// The entities a replica holds, in the order to snapshot them (parents first).
    pub entities: Vec<Entity>,
    /// Most changes a pull page returns.
    pub max_pull: u32,
    /// Most records a snapshot page returns.
    pub max_snapshot: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello(protocol: u32, schema_line: u32) -> Handshake {
        Handshake {
            protocol,
            schema_line,
            node: "n".into(),
        }
    }

    #[test]
    fn nodes_on_the_same_protocol_and_schema_line_may_sync() {
        assert_eq!(hello(1, 1).check(&hello(1, 1)), Ok(()));
    }

    #[test]
    fn a_protocol_or_schema_mismatch_is_refused_with_both_versions_named() {
        let e = hello(1, 1).check(&hello(2, 1)).unwrap_err();
        assert_eq!(e, VersionMismatch::Protocol { ours: 1, theirs: 2 });
        assert!(e.to_string().contains("protocol 1") && e.to_string().contains("speaks 2"));
        assert_eq!(
            hello(1, 1).check(&hello(1, 3)).unwrap_err(),
            VersionMismatch::SchemaLine { ours: 1, theirs: 3 }
        );
    }
}
