//! Integration tests of shotbook-reports, one module per feature:
//!
//! - `coverage`: hand-computed synthetic children against the coverage engine (every
//!   expectation was worked out by hand from the rule, with the dates in the comments);
//! - `cohorts`: the birth-cohort aggregation and the missed-opportunity list;
//! - `school_texas` and `school_montana`: every row of each state's table on both sides of its
//!   boundary;
//! - `school_status`: the statuses (exemptions and their expiry, provisional enrolment, no
//!   record);
//! - `third_state`: a state added as data only.

mod cohorts;
mod coverage;
mod school_montana;
mod school_status;
mod school_texas;
mod support;
mod third_state;
