//! School and child-care immunization requirements as **data**.
//!
//! Each state's requirements for one school year are a TOML table in `data/school/`
//! (`<state>-<first year>-<second year>.toml`): vaccine-group defaults (minimum age of a first
//! dose and minimum interval between doses), accepted exemptions with how long each is valid,
//! provisional enrolment, and one `[[rule]]` per requirement row with its alternatives
//! (`[[rule.option]]`). [`RequirementBook`] parses the tables once; [`evaluate`] gives a
//! student's [`StudentStatus`]. A new state is a new table: nothing in the code names one.
//!
//! Table shape (see the Texas and Montana tables for every field in use):
//!
//! ```toml
//! state = "XX"
//! school_year = "2025-2026"
//! effective_from = "2025-08-01"
//! effective_to = "2026-07-31"
//! grace_days = 4
//! sources = ["…"]
//!
//! [provisional]
//! one_dose_of_each = true
//! deadline = "next_dose_review"   # or "scheduled_dates"
//! review_days = 30
//!
//! [[exemption]]
//! kind = "medical"
//! valid_for = "1 year"             # an offset, "school_year" or "indefinite"
//! lifelong_allowed = true
//!
//! [[vaccine]]
//! group = "polio"
//! min_age = "6 weeks"
//! min_interval = "4 weeks"
//!
//! [[rule]]
//! id = "xx-k12-polio"
//! setting = "school"               # school, pre_k or child_care
//! grades = "K-12"                  # or ages = "19 months..5 years" (from inclusive, to exclusive)
//! vaccine = "polio"
//! [[rule.option]]
//! doses = 4
//! one_on_or_after = "4 years"
//! ```

mod evaluate;
mod list;
mod table;

pub use evaluate::{
    check_rule, evaluate, evaluate_with_table, Exemption, MissingDose, NoTable, ProvisionalBasis,
    ProvisionalEnrolment, RuleCheck, ScheduledDose, Student, StudentStatus,
};
pub use list::{
    calendar_date, parse_roster, time_date, Roster, RosterIssue, RosterRow, StudentDetails,
    StudentDetailsInput, StudentListName, LIST_NAME_MAX, ROSTER_MAX_ROWS,
};
pub use table::{
    AgeBand, Applies, CarriedTable, DeadlineRule, DoseAge, ExemptionKind, ExemptionPolicy,
    ExemptionValidity, Grade, GradeRange, ProvisionalPolicy, RequirementBook, Rule, RuleOption,
    Setting, StateTable, TableError, Unassessed, VaccineDefaults, VaccineGroup,
};
