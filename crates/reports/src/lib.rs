//! # shotbook-reports
//!
//! The pure core of Shotbook's reports and school module:
//!
//! - [`coverage`]: immunization coverage by the NIS method (the combined 4:3:1:3\*:3:1:4 series
//!   and its parts at 24 and 35 months, rotavirus, hepatitis A and influenza as HEDIS counts
//!   them, and the adolescent Tdap / MenACWY / HPV measures at 13 years), per client and
//!   aggregated by birth cohort with the missed-opportunity list.
//! - [`school`]: school and child-care requirements as **data** (one TOML table per state and
//!   school year in `data/school/`), parsed into typed rules and evaluated per student into
//!   Complete / Conditional / Exempt / Incomplete / No record.
//!
//! Rules for this crate:
//! - **No IO, no clock, no async.** Dates are passed in; the state tables are embedded with
//!   `include_str!` and parsed once, or handed in as text by the host (a third state).
//! - **Results are codes, not sentences.** Every outcome is a typed enum with a stable
//!   snake_case `code()`; the UI renders English or Spanish from the code.
//! - Vaccine membership (which CVX counts for which antigen) comes from the CDSi supporting
//!   data through [`catalog::VaccineCatalog`], so combination vaccines count everywhere and a
//!   new CDSi release brings new CVX codes without a change here.
//! - Adding a state is a data change: write `data/school/<state>-<year>.toml` (or hand the
//!   text to [`school::RequirementBook::with_tables`]); no code names a state.
#![deny(missing_docs)]

pub mod catalog;
pub mod coverage;
pub mod school;
pub mod series;
pub mod status;

pub use shotbook_forecast::{Date, Offset};
