//! # shotbook-protocol
//!
//! The sync contract between a workstation's local registry and the central registry server:
//! what an entity is, what happened to it (a [`ChangeEnvelope`]), and the pages exchanged by a
//! push and a pull. Both sides depend on this crate and nothing else of each other.
//!
//! Rules:
//! - Serde and plain data only: no database, no HTTP, no UI types. The desktop UI never sees
//!   these types; the server and the sync engine do.
//! - Wire names are stable snake_case codes. Adding a variant is a minor change; renaming or
//!   removing one needs a new [`PROTOCOL_VERSION`].
//! - Dates are ISO 8601 in payloads; ids are UUID strings (composite keys joined with `:`).

mod change;
mod entity;
mod exchange;
mod records;

pub use change::{ChangeEnvelope, ChangeOp, ChangeSource, Origin};
pub use entity::{Entity, REPLICATED};
pub use exchange::{
    Conflict, ConflictKind, Cursor, Handshake, PullPage, PullRequest, PushBatch, PushOutcome,
    SnapshotPage, SnapshotRecord, SnapshotRequest, SyncStatus, VersionMismatch, PROTOCOL_VERSION,
};
pub use records::ImmunizationColumns;
