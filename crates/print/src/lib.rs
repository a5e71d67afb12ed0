//! # shotbook-print
//!
//! The Official Immunization Record on paper: draws the page plan that
//! `shotbook_core::record_document` builds, as a PDF (printpdf, US Letter, DejaVu Sans
//! embedded so "José Núñez" and "Nguyễn Thị Ánh" print as typed), with a QR code carrying the
//! registry's signed statement of the record ([`seal`]), which [`seal::verify`] checks.
//!
//! [`letter`] draws the school module's letters to parents (English or Spanish); [`recall`]
//! the reminder/recall letters, postcards, Avery 5160 mailing labels and phone list.
//!
//! Depends on `shotbook-core` only: no database, no Tauri. The api crate gathers the record,
//! checks permission and consent, audits, and calls [`render`].
//!
//! Fonts: `fonts/DejaVuSans*.ttf`, Bitstream Vera licence (`fonts/LICENSE-DejaVu.txt`).

pub mod letter;
pub mod pdf;
pub mod qr;
pub mod recall;
pub mod seal;

pub use letter::{render_letters, LetterLanguage, LetterReason, NeededDose, ParentLetter};
pub use pdf::{payload_of_pdf, render, RenderError};
pub use seal::{verify, Invalid, KeyKind, RecordKey, TrustedKeys, Verified};
