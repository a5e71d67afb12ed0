//! DTOs of the access-request workflow, the User Agreement and organization user management.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::OrganizationChoice;

/// Every field of the imMTrax access request form, as typed. Drafts may be half-filled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccessRequestForm {
    /// `new_access`, `change_employer`, `permissions_change` or `access_deletion`.
    pub request_type: String,
    /// Org code of the organization the access is for; empty means the session's.
    pub organization_code: String,
    /// Username of the existing account (every type except New Access).
    pub existing_username: String,
    /// Legal first name.
    pub legal_first_name: String,
    /// Legal middle name (optional).
    pub legal_middle_name: String,
    /// Legal last name.
    pub legal_last_name: String,
    /// Date of birth, MM/DD/YYYY.
    pub date_of_birth: String,
    /// Phone, 406-444-4444.
    pub phone: String,
    /// Email: the User Agreement link and the credentials go there.
    pub email: String,
    /// `yes` or `no`: has the user ever had access to the registry?
    pub prior_access: String,
    /// Employer.
    pub employer: String,
    /// Job title.
    pub job_title: String,
    /// Location name.
    pub location_name: String,
    /// VFC PIN (optional).
    pub vfc_pin: String,
    /// Street address.
    pub address: String,
    /// City.
    pub city: String,
    /// State (MT, TX …).
    pub state: String,
    /// County.
    pub county: String,
    /// ZIP code, 5 or 9 digits.
    pub zip: String,
    /// Start date, MM/DD/YYYY.
    pub start_date: String,
    /// End date, MM/DD/YYYY (optional; for Access Deletion the day access ends).
    pub end_date: String,
    /// Role code of the access requested.
    pub access_requested: String,
    /// Why access is needed.
    pub justification: String,
    /// Supervisor's name.
    pub supervisor_name: String,
    /// Supervisor's job title.
    pub supervisor_title: String,
    /// The authorizing-official statement is checked.
    pub attestation: bool,
}

/// Saving a draft or submitting: the form, and the request it belongs to once saved.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SaveAccessRequestRequest {
    /// Id of the draft or returned request being edited; `null` for a new one.
    pub request_id: Option<String>,
    /// The form.
    pub form: AccessRequestForm,
}

/// One request by id.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccessRequestIdRequest {
    /// Request id.
    pub request_id: String,
}

/// Returning or rejecting a request.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DecideAccessRequestRequest {
    /// Request id.
    pub request_id: String,
    /// Why (the supervisor sees it). Required.
    pub reason: String,
}

/// A role a supervisor may request.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RoleOption {
    /// Role code.
    pub code: String,
    /// Title as the registry writes it.
    pub title: String,
    /// What it allows.
    pub description: String,
}

/// A code with its title (request types, statuses).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CodeTitle {
    /// Code.
    pub code: String,
    /// Title.
    pub title: String,
}

/// A location (site) of an organization.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LocationInfo {
    /// Name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
    /// County.
    pub county: String,
    /// ZIP.
    pub zip: String,
    /// VFC PIN.
    pub vfc_pin: Option<String>,
}

/// An organization, with its locations.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationInfo {
    /// Org code.
    pub code: String,
    /// Name.
    pub name: String,
    /// `provider`, `school`, `child_care`, `health_department`, `registry`.
    pub kind: String,
    /// Kind, as shown.
    pub kind_title: String,
    /// State.
    pub state: String,
    /// County.
    pub county: String,
    /// City.
    pub city: String,
    /// VFC PIN.
    pub vfc_pin: Option<String>,
    /// Locations.
    pub locations: Vec<LocationInfo>,
    /// For regional organizations: the counties they are responsible for.
    pub service_counties: Vec<String>,
}

/// What the request form offers: the registry, its role templates, the organization.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccessRequestOptions {
    /// `montana` or `texas`.
    pub jurisdiction: String,
    /// imMTrax or ImmTrac2.
    pub registry_name: String,
    /// The roles that may be requested.
    pub roles: Vec<RoleOption>,
    /// The request types.
    pub request_types: Vec<CodeTitle>,
    /// The organization the request is for (the session's).
    pub organization: OrganizationInfo,
    /// The authorizing-official statement the supervisor checks.
    pub attestation_statement: String,
    /// A blank form with the organization's details and the supervisor's name filled in.
    pub blank_form: AccessRequestForm,
}

/// A request in a list (the supervisor's requests, the registry queue).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccessRequestSummary {
    /// Id.
    pub id: String,
    /// `REQ0100387`.
    pub request_number: String,
    /// Type code.
    pub request_type: String,
    /// Type as shown.
    pub request_type_title: String,
    /// Status code: `draft`, `awaiting_agreement`, `awaiting_review`, `approved`, `returned`,
    /// `rejected`.
    pub status: String,
    /// The user the request is for (legal first and last name).
    pub user_name: String,
    /// Org code.
    pub organization_code: String,
    /// Organization name.
    pub organization_name: String,
    /// Title of the role requested (empty for Access Deletion).
    pub access_requested: String,
    /// When submitted, MM/DD/YYYY.
    pub submitted_on: Option<String>,
    /// Business days since submission (weekends not counted).
    pub age_business_days: i32,
    /// Waiting longer than 3 business days.
    pub overdue: bool,
    /// The reason given when returned or rejected.
    pub decision_reason: Option<String>,
}

/// The signed User Agreement, for review.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SignedAgreementView {
    /// The statements, each checked by the user.
    pub statements: Vec<String>,
    /// Facility / employer name.
    pub facility_name: String,
    /// Job title.
    pub job_title: String,
    /// Full legal name (the typed signature).
    pub full_legal_name: String,
    /// Date signed, MM/DD/YYYY.
    pub signed_on: String,
    /// The electronic-signature statement.
    pub signature_statement: String,
}

/// The account a request names, as it stands now.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SubjectAccount {
    /// Username.
    pub username: String,
    /// Name on the account.
    pub name: String,
    /// Email on the account.
    pub email: String,
    /// Active.
    pub active: bool,
    /// Current organizations and roles.
    pub organizations: Vec<OrganizationChoice>,
}

/// One request in full: the form beside the signed agreement.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccessRequestDetail {
    /// The list entry.
    pub summary: AccessRequestSummary,
    /// The form.
    pub form: AccessRequestForm,
    /// Who submitted it.
    pub requested_by_name: String,
    /// The signed agreement, once signed.
    pub agreement: Option<SignedAgreementView>,
    /// The existing account the request names (or the one approval created).
    pub subject_account: Option<SubjectAccount>,
    /// When decided, MM/DD/YYYY.
    pub decided_on: Option<String>,
    /// The supervisor may still edit and (re)submit it.
    pub editable: bool,
    /// Registry staff may approve it now.
    pub approvable: bool,
}

/// Opening the User Agreement from the emailed request number and code (no sign-in).
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OpenUserAgreementRequest {
    /// `REQ0100387`.
    pub request_number: String,
    /// The code from the email.
    pub code: String,
}

/// A statement of the agreement.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AgreementStatementView {
    /// Id, sent back when checked (`statements.<id>` in field errors).
    pub id: String,
    /// Text.
    pub text: String,
}

/// The User Agreement to sign.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UserAgreement {
    /// Request number.
    pub request_number: String,
    /// imMTrax or ImmTrac2.
    pub registry_name: String,
    /// The user's legal name on the request.
    pub user_name: String,
    /// Employer on the request (pre-fills the facility).
    pub employer: String,
    /// Job title on the request.
    pub job_title: String,
    /// The statements, each to be checked.
    pub statements: Vec<AgreementStatementView>,
    /// The electronic-signature statement.
    pub signature_statement: String,
    /// Today, MM/DD/YYYY (the date to type).
    pub today: String,
}

/// Signing the User Agreement.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SignUserAgreementRequest {
    /// `REQ0100387`.
    pub request_number: String,
    /// The code from the email.
    pub code: String,
    /// Ids of the checked statements.
    pub accepted: Vec<String>,
    /// Facility / employer name.
    pub facility_name: String,
    /// Job title.
    pub job_title: String,
    /// Full legal name (the signature).
    pub full_legal_name: String,
    /// Today's date, MM/DD/YYYY.
    pub date: String,
    /// "My name, typed above, is my electronic signature." is checked.
    pub signature_confirmed: bool,
}

/// After signing.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UserAgreementSigned {
    /// Request number.
    pub request_number: String,
    /// What happens next.
    pub message: String,
}

/// Which organization's users to list; empty means the session's.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUsersRequest {
    /// Org code, or empty.
    pub organization_code: String,
}

/// A user of an organization.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUser {
    /// Username.
    pub username: String,
    /// First and last name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Role code.
    pub role: String,
    /// Role title.
    pub role_title: String,
    /// `active`, `locked`, `inactive`, `ended` or `ending` (an end date is set).
    pub status: String,
    /// Last sign-in, MM/DD/YYYY.
    pub last_sign_in: Option<String>,
    /// Access end date, MM/DD/YYYY.
    pub access_end_date: Option<String>,
    /// This is the signed-in user.
    pub is_me: bool,
}

/// The users of an organization.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationUsers {
    /// Org code.
    pub organization_code: String,
    /// Name.
    pub organization_name: String,
    /// Users, by name.
    pub users: Vec<OrganizationUser>,
}

/// Ending a user's access at an organization today.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EndUserAccessRequest {
    /// Org code, or empty for the session's organization.
    pub organization_code: String,
    /// Username.
    pub username: String,
    /// Why (left employment …). Required; recorded in the audit log.
    pub reason: String,
}
