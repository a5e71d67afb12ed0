//! # shotbook-sync
//!
//! The workstation's side of sync (issue 15): a [`DeviceSession`] signed in at the registry
//! server with the workstation's device key, and a [`SyncEngine`] that fills the local SQLite
//! database as a replica of the organization's scope, pushes what was done here, and pulls
//! what was done elsewhere. Headless: the desktop app, the CLI and the crash harness run this
//! same code. The contract is `shotbook-protocol`; the replica's bookkeeping is
//! `shotbook_store::replica`.
//!
//! Rules:
//! - Every write to the replica is one SQLite transaction together with its mark (download
//!   page, pull cursor, settled push), so a kill at any point resumes without loss or repeat.
//! - The registry decides: pulled records are applied as sent; what it refused is kept as a
//!   conflict for a person, and the client is read again.
//! - No client data in logs: errors carry stable codes.

mod client;
mod engine;

pub use client::{
    decode_device_key, encode_device_key, new_device_key, DeviceSession, RegistryClient,
    SignedInUser,
};
pub use ed25519_dalek::SigningKey as DeviceKey;
pub use engine::{RoundReport, SyncEngine};
pub use shotbook_store::replica::ConnectRefused;

/// Why a sync round stopped. Each has a stable [`SyncError::code`] the UI renders.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The registry did not answer (no network, refused, timed out, a proxy's 502–504).
    #[error("the registry did not answer")]
    Offline,
    /// The registry and this workstation speak different protocol or schema versions.
    #[error("{0}")]
    VersionMismatch(String),
    /// The sign-in or token was refused (the code says which).
    #[error("the registry refused the sign-in ({0})")]
    Unauthenticated(String),
    /// The user's role may not do this (e.g. keep a replica).
    #[error("the registry refused: {0}")]
    Forbidden(String),
    /// Any other answer that is not a success.
    #[error("the registry answered {status} ({code})")]
    Registry {
        /// HTTP status.
        status: u16,
        /// Its stable code.
        code: String,
    },
    /// This database cannot become the replica.
    #[error(transparent)]
    ConnectRefused(ConnectRefused),
    /// Set-up is wrong (certificate, URL).
    #[error("{0}")]
    Configuration(&'static str),
    /// The local database failed.
    #[error(transparent)]
    Storage(#[from] shotbook_store::StoreError),
}

impl SyncError {
    /// Stable code (`offline`, `version_mismatch`, `unauthenticated`, `forbidden`,
    /// `registry_error`, `not_empty`, `already_connected`, `configuration`, `storage`).
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Offline => "offline",
            SyncError::VersionMismatch(_) => "version_mismatch",
            SyncError::Unauthenticated(_) => "unauthenticated",
            SyncError::Forbidden(_) => "forbidden",
            SyncError::Registry { .. } => "registry_error",
            SyncError::ConnectRefused(ConnectRefused::NotEmpty { .. }) => "not_empty",
            SyncError::ConnectRefused(ConnectRefused::AlreadyConnected { .. }) => {
                "already_connected"
            }
            SyncError::Configuration(_) => "configuration",
            SyncError::Storage(_) => "storage",
        }
    }
}
