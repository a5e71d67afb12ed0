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

/// The reminder/recall cohort form (see `shotbook_reports::recall::CriteriaInput`): a birth
/// range or an age range in months, due/overdue as of a day, mail or phone.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecallRequest {
    /// First date of birth (MM/DD/YYYY), or blank for an age range.
    #[serde(default)]
    pub born_from: String,
    /// Last date of birth (MM/DD/YYYY).
    #[serde(default)]
    pub born_to: String,
    /// Youngest age in months, or blank for a birth range.
    #[serde(default)]
    pub age_from_months: String,
    /// Oldest age in months.
    #[serde(default)]
    pub age_to_months: String,
    /// The day the forecast is made for (MM/DD/YYYY; blank: today).
    #[serde(default)]
    pub as_of: String,
    /// `due`, `overdue` or `due_or_overdue`.
    #[serde(default)]
    pub window: String,
    /// `mail` or `phone`.
    #[serde(default)]
    pub method: String,
    /// CDSi vaccine groups (none: all).
    #[serde(default)]
    pub vaccine_groups: Vec<String>,
    /// County of residence (blank: all).
    #[serde(default)]
    pub county: String,
    /// Only clients not notified on or after this day (MM/DD/YYYY, blank: no limit).
    #[serde(default)]
    pub last_notice_before: String,
    /// Notify again clients notified in the last 30 days.
    #[serde(default)]
    pub force: bool,
}

/// What the reminder/recall form offers.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecallOptions {
    /// The routine vaccine groups a cohort may be limited to, in the forecaster's order.
    pub vaccine_groups: Vec<String>,
    /// Days within which a client is not notified again unless forced.
    pub rerun_days: i32,
}

/// A vaccine group due on a notice.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecallVaccine {
    /// CDSi vaccine group.
    pub group: String,
    /// Past due.
    pub overdue: bool,
    /// Due (or past due) since (MM/DD/YYYY).
    pub since: Option<String>,
    /// The dose number due.
    pub dose_number: Option<i32>,
    /// CVX codes the forecaster recommends.
    pub cvx: Vec<String>,
}

/// A client of the cohort, as the preview lists them.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecallLine {
    /// The client (to open the record).
    pub client_id: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// MM/DD/YYYY.
    pub date_of_birth: String,
    /// Parent or guardian.
    pub guardian: Option<String>,
    /// City, state and ZIP.
    pub place: String,
    /// Phone to call.
    pub phone: Option<String>,
    /// `en` or `es`: the language of the family's notice.
    pub language: String,
    /// Vaccines due.
    pub vaccines: Vec<RecallVaccine>,
    /// The previous notice (MM/DD/YYYY).
    pub last_notice: Option<String>,
}

/// A count of clients left out for one reason.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecallExclusionCount {
    /// `inactive_moved`, `declined`, `no_consent`, `no_viable_address`, `no_phone`,
    /// `notified_recently`, `notified_since` …
    pub code: String,
    /// Clients.
    pub count: i32,
}

/// The cohort before anything is printed.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecallPreview {
    /// The organization.
    pub organization_name: String,
    /// Birth range (MM/DD/YYYY).
    pub born_from: String,
    /// Birth range (MM/DD/YYYY).
    pub born_to: String,
    /// The day of the forecast.
    pub as_of: String,
    /// The organization's clients born in the range.
    pub candidates: i32,
    /// Living outside the chosen county.
    pub outside_county: i32,
    /// Due for nothing chosen.
    pub not_due: i32,
    /// Due but left out, by reason.
    pub excluded: Vec<RecallExclusionCount>,
    /// Clients to notify.
    pub to_notify: i32,
    /// The first of them (by name), at most 500.
    pub lines: Vec<RecallLine>,
}

/// "Create notices": the cohort and what to make of it.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CreateRemindersRequest {
    /// The cohort.
    pub criteria: RecallRequest,
    /// `letters`, `postcards`, `labels` (mail); `phone_list` (phone); `csv` (either).
    pub outputs: Vec<String>,
}

/// What a reminder/recall run made.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecallRun {
    /// The folder written to.
    pub folder: String,
    /// The files written, by name.
    pub files: Vec<String>,
    /// Clients notified (stamped "last notice").
    pub notices: i32,
    /// Cancelled before anything was written or stamped.
    pub cancelled: bool,
}

/// How far a reminder/recall run is.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecallProgress {
    /// A run is under way.
    pub running: bool,
    /// `selecting` (forecasting each client), `printing`, or `idle`.
    pub stage: String,
    /// Clients assessed, or outputs made.
    pub done: i32,
    /// Of.
    pub total: i32,
}

/// The doses-administered report's form: the period (MM/DD/YYYY; blank: this month so far).
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DosesAdministeredRequest {
    /// First day.
    #[serde(default)]
    pub from: String,
    /// Last day.
    #[serde(default)]
    pub to: String,
}

/// A line of the report: a vaccine (CVX and CDC's short name), a VFC eligibility or a funding
/// source (`code` none: not recorded), with doses per age band.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DosesLine {
    /// CVX, V01–V07, or the funding code.
    pub code: Option<String>,
    /// CDC's short description of the CVX.
    pub name: Option<String>,
    /// Doses per age band, in `ageBands` order.
    pub by_age: Vec<i32>,
    /// All bands.
    pub total: i32,
}

/// The doses the organization gave in a period.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DosesAdministeredView {
    /// The organization.
    pub organization_name: String,
    /// First day (MM/DD/YYYY).
    pub from: String,
    /// Last day.
    pub to: String,
    /// `under_1`, `1_6`, `7_18`, `19_plus`.
    pub age_bands: Vec<String>,
    /// By vaccine, most given first.
    pub by_vaccine: Vec<DosesLine>,
    /// By VFC eligibility.
    pub by_eligibility: Vec<DosesLine>,
    /// By funding source.
    pub by_funding: Vec<DosesLine>,
    /// Every dose.
    pub total: DosesLine,
}

/// The lot usage report's form: the period (MM/DD/YYYY; blank: this month so far).
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LotUsageRequest {
    /// First day.
    #[serde(default)]
    pub from: String,
    /// Last day.
    #[serde(default)]
    pub to: String,
}

/// One lot's usage in the period (doses; out-going columns positive).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LotUsageLine {
    /// CVX.
    pub cvx: String,
    /// CDC's short description of the CVX.
    pub vaccine: Option<String>,
    /// MVX.
    pub mvx: String,
    /// Trade name.
    pub trade_name: Option<String>,
    /// Lot number.
    pub lot_number: String,
    /// Expiry (MM/DD/YYYY).
    pub expiration_date: String,
    /// `vfc`, `state`, `private`.
    pub funding_source: String,
    /// Held when the period began.
    pub start: i32,
    /// Received.
    pub received: i32,
    /// Given (less doses voided and put back).
    pub administered: i32,
    /// Wasted.
    pub wasted: i32,
    /// Taken out as expired.
    pub expired: i32,
    /// Returned to the distributor.
    pub returned: i32,
    /// Sent to another clinic.
    pub transferred: i32,
    /// Count corrections (signed).
    pub corrected: i32,
    /// Held when the period ended.
    pub end: i32,
    /// Past its expiry at the end of the period and still holding doses.
    pub expired_with_stock: bool,
}

/// Every lot of the organization that held doses or moved in the period.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LotUsageView {
    /// The organization.
    pub organization_name: String,
    /// First day (MM/DD/YYYY).
    pub from: String,
    /// Last day.
    pub to: String,
    /// By CVX, then lot number.
    pub lots: Vec<LotUsageLine>,
}
