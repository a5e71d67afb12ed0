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
//! - Adding a state is a data change: drop `data/school/<state>-<year>.toml` in (`build.rs`
//!   embeds every file there) or hand the text to [`school::RequirementBook::with_tables`] at
//!   run time; no code names a state.
//!
//! ```
//! use shotbook_reports::catalog::VaccineCatalog;
//! use shotbook_reports::coverage::{assess_client, AgePoint, CoverageClient, DoseRecord, Measure};
//! use shotbook_reports::status::StatusAtOrganization;
//! use shotbook_reports::Date;
//!
//! let day = |s| Date::parse(s).unwrap();
//! let client = CoverageClient {
//!     id: shotbook_core::ids::ClientId::new(),
//!     dob: day("2022-01-10"),
//!     status: StatusAtOrganization::ACTIVE,
//!     // MMR four days before the first birthday: inside the grace period.
//!     doses: vec![DoseRecord::given(3, day("2023-01-06"))],
//!     visits: vec![],
//! };
//! let results = assess_client(VaccineCatalog::embedded(), &client, day("2025-01-01"));
//! let mmr = results
//!     .iter()
//!     .find(|r| r.age_point == AgePoint::Months24 && r.measure == Measure::Mmr1)
//!     .unwrap();
//! assert_eq!(mmr.outcome.code(), "up_to_date");
//! ```
#![deny(missing_docs)]

pub mod administered;
pub mod catalog;
pub mod coverage;
pub mod lot_usage;
pub mod recall;
pub mod school;
pub mod series;
pub mod status;

pub use shotbook_forecast::{Date, Offset};
