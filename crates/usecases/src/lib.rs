//! # shotbook-usecases
//!
//! What a user (or an EHR, or a sync peer) can do to the registry, once, for every host: the
//! desktop app, the registry server, its HL7 and FHIR interfaces and the command line.
//!
//! Rules:
//! - A use case is a plain async function taking a [`Permit`] (who acts, through which door,
//!   and proof that their role holds the permission the use case needs), typed core inputs
//!   (`AdministeredDose`, `DoseCorrection` …), a clock, and a registry implementing the
//!   [`ports`]. It returns core types or a [`UseCaseError`].
//! - A permit can only be made by [`Permit::check`], so a host that forgets the permission
//!   check does not compile.
//! - No host crate here: no sqlx, no Tauri, no specta, no keyring, no mail. Each host parses its
//!   own transport (desktop DTOs, HL7 segments, FHIR resources) into core inputs first.
//! - Every read of client data goes through [`access`] (the consent rule); every read, print
//!   and change is audited in the same unit of work as the change.
//! - The unit of work owns the change source: it comes from the actor's [`Via`], so changes
//!   applied by the sync engine are never echoed back.
//!
//! ## Adding a use case
//! 1. Add the read or write it needs to the port trait of its aggregate in [`ports`], and
//!    implement it in `shotbook-store` (SQLite) and [`memory`] (the in-memory registry).
//! 2. Write `pub async fn verb_noun<R: Registry>(registry: &R, permit: &Permit<need::X>, …)`
//!    in the module of its aggregate.
//! 3. Test it against the in-memory registry here and against SQLite in the store's tests.
#![deny(missing_docs)]

pub mod access;
pub mod access_requests;
mod actor;
pub mod administered;
pub mod clients;
#[cfg(any(test, feature = "contract"))]
pub mod contract;
pub mod coverage;
pub mod demographics;
pub mod duplicates;
mod error;
pub mod forecast_input;
pub mod immunizations;
pub mod interface;
pub mod lot_usage;
pub mod memory;
pub mod ports;
pub mod recall;
pub mod school;
pub mod scope;
pub mod search;
pub mod sign_in;
pub mod sync;
pub mod vaccine_lots;

pub use actor::{need, Actor, Need, Permit, Via};
pub use error::{PortError, PortResult, UseCaseError, UseCaseResult};
pub use ports::Registry;
