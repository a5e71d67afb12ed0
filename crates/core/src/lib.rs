//! # shotbook-core
//!
//! The domain of Shotbook, an immunization-registry desktop client: identifiers, dates in US
//! registry format, names, roles and permissions, sessions, audit events and the validation
//! error shape every layer above reports to the user.
//!
//! Rules for this crate:
//! - **No IO.** No database, no Tauri, no HTTP, no file access, no reading the clock: time is
//!   passed in through [`clock::Clock`].
//! - **Parse, don't validate.** Input arrives as strings and leaves as types
//!   ([`date::UsDate`], [`person::PersonName`] …) that cannot hold an invalid value. A failed
//!   parse reports an [`error::Issue`] naming the field, so the UI can mark exactly that input.
//! - Add a new domain concept as its own module with its tests in the same file.
#![deny(missing_docs)]

pub mod access_request;
pub mod account;
pub mod audit;
pub mod clock;
pub mod codes;
pub mod consent;
pub mod contact;
pub mod date;
pub mod demographics;
pub mod error;
pub mod facility;
pub mod ids;
pub mod immunization;
pub mod jurisdiction;
pub mod matching;
pub mod normalize;
pub mod organization;
pub mod password;
pub mod permission;
pub mod person;
pub mod places;
pub mod quick_search;
pub mod record_document;
pub mod search;
pub mod session;

pub use error::{Issue, ValidationError};
