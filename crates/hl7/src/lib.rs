//! # shotbook-hl7
//!
//! HL7 v2.5.1 immunization messaging as the CDC Implementation Guide 1.5 and the NIST/AIRA test
//! tools define it, for the registry server (and the desktop's HL7 import): read a VXU^V04
//! (profile Z22), check it the way AIRA's MQE does, answer with an ACK^V04 (Z23); read a
//! QBP^Q11 (Z34 / Z44) and build the RSP^K11 (Z31, Z32, Z33, Z42) from plain inputs.
//!
//! Rules for this crate:
//! - **Pure.** No IO, no async, no database types, no clock: the host passes "today", "now"
//!   and the response's control ID. It depends on `shotbook-core` only (`scripts/test.sh`
//!   forbids sqlx, tokio, axum and tauri in its tree).
//! - **Never panics on input.** [`parse::Message`] splits on ASCII separator bytes only and
//!   refuses what it cannot read with a [`parse::ParseError`]; the `hl7_message` fuzz target
//!   holds it to that.
//! - **Parse, don't validate.** Every field is read on its own; what cannot be read becomes an
//!   [`issue::Hl7Issue`] located to the component (`RXA^1^5^1^1`), with a stable code
//!   ([`issue::Problem::code`]) and the ERR-3/4/5 codes the ACK carries.
//!
//! Adding a check: add a row to the `problems!` table in [`issue`] (code, table 0357 and 0533
//! codes, default severity), report it from the reader ([`vxu`]) when it is about one field or
//! from [`quality`] when it compares fields, and add a negative message to
//! `tests/negative.rs` asserting its ERR segment.
#![deny(missing_docs)]

pub mod ack;
pub mod codes;
pub mod dates;
pub mod header;
pub mod issue;
pub mod mapping;
pub mod parse;
pub mod qbp;
pub mod quality;
pub mod rsp;
pub mod vxu;
pub mod write;

pub use ack::{acknowledge, aira_reading, build_ack, AckCode, AiraReading, ResponseContext};
pub use codes::CodeSets;
pub use issue::{Hl7Issue, Location, Problem, Scope, Severity};
pub use parse::{Message, ParseError, MAX_MESSAGE_BYTES};
pub use vxu::{receive_vxu, Received, Vxu};
