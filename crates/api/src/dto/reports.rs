//! Reports: an organization's immunization coverage.

use serde::{Deserialize, Serialize};
use specta::Type;

/// The coverage report's form; empty fields take their defaults (as of today, the children
/// born in the calendar years three and two years before, who have reached 24 and 35 months).
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CoverageRequest {
    /// First date of birth (MM/DD/YYYY).
    #[serde(default)]
    pub born_from: String,
    /// Last date of birth (MM/DD/YYYY).
    #[serde(default)]
    pub born_to: String,
    /// MM/DD/YYYY.
    #[serde(default)]
    pub as_of: String,
}

/// One measure at one age point for one birth year.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CoverageRow {
    /// Calendar year of birth.
    pub birth_year: i32,
    /// `months_24`, `months_35`, `years_13`.
    pub age_point: String,
    /// Measure code (`dtap_4`, `combined_4313314` …).
    pub measure: String,
    /// Up to date.
    pub numerator: i32,
    /// Assessed.
    pub denominator: i32,
    /// Not assessed: had not reached the age point.
    pub too_young: i32,
    /// Not assessed: moved, deceased or inactive by the age point.
    pub left_denominator: i32,
    /// Percent, one decimal; none for an empty denominator.
    pub percent: Option<f64>,
}

/// A client of the missed-opportunity list.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MissedOpportunityLine {
    /// The client (to open the record).
    pub client_id: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// MM/DD/YYYY.
    pub date_of_birth: String,
    /// Age point code.
    pub age_point: String,
    /// Measure code.
    pub measure: String,
    /// Visits at which the dose was due and not given (MM/DD/YYYY).
    pub visits: Vec<String>,
}

/// The organization's coverage.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CoverageView {
    /// The organization.
    pub organization_name: String,
    /// MM/DD/YYYY.
    pub born_from: String,
    /// MM/DD/YYYY.
    pub born_to: String,
    /// MM/DD/YYYY.
    pub as_of: String,
    /// Clients born in the range.
    pub clients: i32,
    /// By birth year, age point, measure.
    pub rows: Vec<CoverageRow>,
    /// Clients not up to date who had visits at which a dose was due (the first 1,000 by
    /// last name).
    pub missed: Vec<MissedOpportunityLine>,
    /// Missed opportunities in all.
    pub missed_total: i32,
}
