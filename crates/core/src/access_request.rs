//! The electronic access request, as imMTrax runs it (and ImmTrac2's supervisors need it):
//!
//! 1. a supervisor — the authorizing official — fills in the request (a half-filled one can be
//!    kept as a draft) and submits it; it gets a number like `REQ0100387`;
//! 2. for New Access and Change Employer, the prospective user receives an emailed code and
//!    signs the User Agreement themselves, statement by statement, with a typed-name
//!    electronic signature (supervisors never sign for them);
//! 3. registry staff review the request beside the signed agreement and approve it, or return
//!    it (the supervisor fixes and resubmits) or reject it, always with a reason.
//!
//! This module is pure: the form parser ([`AccessRequestForm::parse`]), the agreement parser
//! ([`SignedAgreement::parse`]), the state machine ([`RequestStatus::after`]) and the queue's
//! business-day age ([`business_days_between`]).

mod record;

pub use record::{
    agreement_code, free_username, normalize_agreement_code, AgreementRecord, RequestForm,
    AGREEMENT_CODE_ALPHABET,
};

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Weekday};

use crate::contact::{EmailAddress, UsPhone};
use crate::date::{DateOfBirth, UsDate};
use crate::error::{Issue, IssueCollector, ValidationError};
use crate::jurisdiction::Jurisdiction;
use crate::normalize::fold_name;
use crate::organization::{County, OrganizationKind, UsState, VfcPin, ZipCode};
use crate::permission::Role;
use crate::person::PersonName;

/// What the supervisor asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestType {
    /// A new user gets an account at the organization.
    NewAccess,
    /// A user who had access with another employer moves to this organization (old access ends).
    ChangeEmployer,
    /// A user of this organization gets another role.
    PermissionsChange,
    /// A user's access at this organization ends (the account's history is kept).
    AccessDeletion,
}

impl RequestType {
    /// Every type, in the order the form offers them.
    pub const ALL: [RequestType; 4] = [
        RequestType::NewAccess,
        RequestType::ChangeEmployer,
        RequestType::PermissionsChange,
        RequestType::AccessDeletion,
    ];

    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            RequestType::NewAccess => "new_access",
            RequestType::ChangeEmployer => "change_employer",
            RequestType::PermissionsChange => "permissions_change",
            RequestType::AccessDeletion => "access_deletion",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code.trim())
    }

    /// The name on imMTrax's form.
    pub fn title(&self) -> &'static str {
        match self {
            RequestType::NewAccess => "New Access",
            RequestType::ChangeEmployer => "Change Employer",
            RequestType::PermissionsChange => "User Permissions Change",
            RequestType::AccessDeletion => "Access Deletion",
        }
    }

    /// Does the prospective user sign the User Agreement before review? Yes when they start
    /// working with registry data for an employer: New Access and Change Employer.
    pub fn needs_agreement(&self) -> bool {
        matches!(self, RequestType::NewAccess | RequestType::ChangeEmployer)
    }

    /// Is the request about an existing account (named by its username)?
    pub fn names_existing_user(&self) -> bool {
        !matches!(self, RequestType::NewAccess)
    }

    /// Does the request ask for a role?
    pub fn asks_for_role(&self) -> bool {
        !matches!(self, RequestType::AccessDeletion)
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Saved by the supervisor, not submitted; may be half-filled.
    Draft,
    /// Submitted; waiting for the prospective user to sign the User Agreement.
    AwaitingAgreement,
    /// Complete; in the registry staff's queue.
    AwaitingReview,
    /// Approved; the account was created or changed.
    Approved,
    /// Sent back to the supervisor with a reason; may be corrected and resubmitted.
    Returned,
    /// Refused with a reason; final.
    Rejected,
}

impl RequestStatus {
    /// Every status.
    pub const ALL: [RequestStatus; 6] = [
        RequestStatus::Draft,
        RequestStatus::AwaitingAgreement,
        RequestStatus::AwaitingReview,
        RequestStatus::Approved,
        RequestStatus::Returned,
        RequestStatus::Rejected,
    ];

    /// Stable code stored in the database.
    pub fn code(&self) -> &'static str {
        match self {
            RequestStatus::Draft => "draft",
            RequestStatus::AwaitingAgreement => "awaiting_agreement",
            RequestStatus::AwaitingReview => "awaiting_review",
            RequestStatus::Approved => "approved",
            RequestStatus::Returned => "returned",
            RequestStatus::Rejected => "rejected",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Can the supervisor still change the form?
    pub fn editable(&self) -> bool {
        matches!(self, RequestStatus::Draft | RequestStatus::Returned)
    }

    /// Is the request in the registry's queue?
    pub fn pending(&self) -> bool {
        matches!(
            self,
            RequestStatus::AwaitingAgreement | RequestStatus::AwaitingReview
        )
    }

    /// The status after `step`, or why the step does not apply now. `agreement_signed` says
    /// whether the user already signed (a returned request keeps its signature when resubmitted).
    pub fn after(
        self,
        step: RequestStep,
        request_type: RequestType,
        agreement_signed: bool,
    ) -> Result<RequestStatus, TransitionError> {
        use RequestStatus as S;
        use RequestStep as E;
        let next = match (self, step) {
            (S::Draft | S::Returned, E::Submit) => {
                if request_type.needs_agreement() && !agreement_signed {
                    S::AwaitingAgreement
                } else {
                    S::AwaitingReview
                }
            }
            (S::AwaitingAgreement, E::SignAgreement) => S::AwaitingReview,
            (S::AwaitingReview, E::Approve) => S::Approved,
            (S::AwaitingAgreement | S::AwaitingReview, E::Return) => S::Returned,
            (S::AwaitingAgreement | S::AwaitingReview, E::Reject) => S::Rejected,
            (from, step) => return Err(TransitionError { from, step }),
        };
        Ok(next)
    }
}

/// Something done to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStep {
    /// The supervisor submits (or resubmits after a return).
    Submit,
    /// The prospective user signs the User Agreement.
    SignAgreement,
    /// Registry staff approve.
    Approve,
    /// Registry staff send it back for correction.
    Return,
    /// Registry staff refuse it.
    Reject,
}

/// A step that does not apply to a request in its current status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct TransitionError {
    /// Where the request stands.
    pub from: RequestStatus,
    /// What was attempted.
    pub step: RequestStep,
}

impl TransitionError {
    /// A sentence for the user.
    pub fn message(&self) -> String {
        let now = match self.from {
            RequestStatus::Draft => "is a draft that has not been submitted",
            RequestStatus::AwaitingAgreement => {
                "is waiting for the user to sign the User Agreement"
            }
            RequestStatus::AwaitingReview => "is waiting for registry review",
            RequestStatus::Approved => "was already approved",
            RequestStatus::Returned => "was returned to the supervisor",
            RequestStatus::Rejected => "was rejected",
        };
        let what = match self.step {
            RequestStep::Submit => "submitted",
            RequestStep::SignAgreement => "signed",
            RequestStep::Approve => "approved",
            RequestStep::Return => "returned",
            RequestStep::Reject => "rejected",
        };
        format!("This request {now}, so it cannot be {what} now.")
    }
}

/// The request number shown to everyone: `REQ` and seven digits (`REQ0100387`).
pub fn request_number(sequence: i64) -> String {
    format!("REQ{:07}", 100_000 + sequence)
}

/// Weekdays (Monday–Friday) after `from` up to and including `to`: how many business days a
/// request submitted on `from` has waited on `to`. Federal holidays are not subtracted.
pub fn business_days_between(from: Date, to: Date) -> i64 {
    if to <= from {
        return 0;
    }
    let whole_weeks = (to - from).whole_days() / 7;
    let mut days = whole_weeks * 5;
    let mut day = from + Duration::days(whole_weeks * 7);
    while day < to {
        day = day.next_day().unwrap_or(day);
        if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            days += 1;
        }
    }
    days
}

/// imMTrax asks supervisors to call when credentials have not arrived within three business
/// days; the queue flags requests older than that.
pub const REVIEW_TARGET_BUSINESS_DAYS: i64 = 3;

/// The form as typed (every field a string), borrowed from the request DTO.
#[derive(Debug, Clone, Copy)]
pub struct AccessRequestInput<'a> {
    /// `new_access`, `change_employer`, `permissions_change`, `access_deletion`.
    pub request_type: &'a str,
    /// Username of the existing account (all types except New Access).
    pub existing_username: &'a str,
    /// Legal first name.
    pub legal_first_name: &'a str,
    /// Legal middle name (optional).
    pub legal_middle_name: &'a str,
    /// Legal last name.
    pub legal_last_name: &'a str,
    /// Date of birth, MM/DD/YYYY.
    pub date_of_birth: &'a str,
    /// Phone, 406-444-4444.
    pub phone: &'a str,
    /// Email address (the User Agreement and the credentials go there).
    pub email: &'a str,
    /// `yes` / `no`: has the user had access to the registry before?
    pub prior_access: &'a str,
    /// Employer.
    pub employer: &'a str,
    /// Job title.
    pub job_title: &'a str,
    /// Location name.
    pub location_name: &'a str,
    /// VFC PIN (optional).
    pub vfc_pin: &'a str,
    /// Street address of the location.
    pub address: &'a str,
    /// City.
    pub city: &'a str,
    /// State.
    pub state: &'a str,
    /// County.
    pub county: &'a str,
    /// ZIP code.
    pub zip: &'a str,
    /// Start date (not for Access Deletion).
    pub start_date: &'a str,
    /// End date: optional, except for Access Deletion where it is the day access ends.
    pub end_date: &'a str,
    /// Role code of the access requested (not for Access Deletion).
    pub access_requested: &'a str,
    /// Why the access is needed.
    pub justification: &'a str,
    /// Supervisor's name.
    pub supervisor_name: &'a str,
    /// Supervisor's job title.
    pub supervisor_title: &'a str,
    /// The authorizing-official statement was checked.
    pub attestation: bool,
}

/// What the form is checked against.
#[derive(Debug, Clone, Copy)]
pub struct FormContext {
    /// The registry the request goes to.
    pub jurisdiction: Jurisdiction,
    /// The kind of organization the access is for.
    pub organization_kind: OrganizationKind,
    /// Today.
    pub today: Date,
}

/// A complete, valid access request.
#[derive(Debug, Clone)]
pub struct AccessRequestForm {
    /// Type.
    pub request_type: RequestType,
    /// The existing account (all types but New Access).
    pub existing_username: Option<String>,
    /// Legal first name.
    pub first_name: PersonName,
    /// Legal middle name.
    pub middle_name: Option<PersonName>,
    /// Legal last name.
    pub last_name: PersonName,
    /// Date of birth.
    pub date_of_birth: DateOfBirth,
    /// Phone.
    pub phone: UsPhone,
    /// Email.
    pub email: EmailAddress,
    /// Had access before.
    pub prior_access: bool,
    /// Employer.
    pub employer: String,
    /// Job title.
    pub job_title: String,
    /// Location name.
    pub location_name: String,
    /// VFC PIN.
    pub vfc_pin: Option<VfcPin>,
    /// Street address.
    pub address: String,
    /// City.
    pub city: String,
    /// State.
    pub state: UsState,
    /// County.
    pub county: County,
    /// ZIP.
    pub zip: ZipCode,
    /// Start date (absent for Access Deletion).
    pub start_date: Option<UsDate>,
    /// End date (the day access ends; required for Access Deletion).
    pub end_date: Option<UsDate>,
    /// The role asked for (absent for Access Deletion).
    pub role: Option<Role>,
    /// Justification.
    pub justification: String,
    /// Supervisor's name.
    pub supervisor_name: String,
    /// Supervisor's job title.
    pub supervisor_title: String,
}

/// Youngest a registry user may be.
pub const MIN_USER_AGE: i32 = 16;
/// How far back a start date may be (a request for access in the past is a typo).
pub const MAX_START_DATE_DAYS_AGO: i64 = 30;

fn text(field: &str, input: &str, max: usize) -> Result<String, Issue> {
    let s = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        return Err(Issue::new(field, "This field is required."));
    }
    if s.chars().count() > max {
        return Err(Issue::new(field, format!("Use at most {max} characters.")));
    }
    if s.chars().any(char::is_control) {
        return Err(Issue::new(field, "Remove the control characters."));
    }
    Ok(s)
}

fn optional<T>(
    input: &str,
    parse: impl FnOnce(&str) -> Result<T, Issue>,
) -> Result<Option<T>, Issue> {
    if input.trim().is_empty() {
        Ok(None)
    } else {
        parse(input).map(Some)
    }
}

impl AccessRequestForm {
    /// Parses a submitted form, reporting every problem with its field.
    pub fn parse(
        input: &AccessRequestInput<'_>,
        ctx: &FormContext,
    ) -> Result<Self, ValidationError> {
        let mut issues = IssueCollector::new();
        let request_type = issues.take(
            RequestType::from_code(input.request_type)
                .ok_or_else(|| Issue::new("requestType", "Choose the request type.")),
        );
        let existing_username = match request_type {
            Some(t) if t.names_existing_user() => issues
                .take(text("existingUsername", input.existing_username, 60))
                .map(Some),
            _ => Some(None),
        };
        let first_name = issues.take(PersonName::parse_field(
            "legalFirstName",
            input.legal_first_name,
        ));
        let middle_name = issues.take(optional(input.legal_middle_name, |s| {
            PersonName::parse_field("legalMiddleName", s)
        }));
        let last_name = issues.take(PersonName::parse_field(
            "legalLastName",
            input.legal_last_name,
        ));
        let date_of_birth = issues.take(
            DateOfBirth::parse_field("dateOfBirth", input.date_of_birth, ctx.today).and_then(
                |dob| {
                    if dob.date().years_until(ctx.today) < MIN_USER_AGE {
                        Err(Issue::new(
                            "dateOfBirth",
                            format!("A registry user must be at least {MIN_USER_AGE} years old."),
                        ))
                    } else {
                        Ok(dob)
                    }
                },
            ),
        );
        let phone = issues.take(UsPhone::parse_field("phone", input.phone));
        let email = issues.take(EmailAddress::parse_field("email", input.email));
        let prior_access = issues.take(
            match input.prior_access.trim().to_ascii_lowercase().as_str() {
                "yes" => Ok(true),
                "no" => Ok(false),
                _ => Err(Issue::new("priorAccess", "Choose Yes or No.")),
            },
        );
        if request_type == Some(RequestType::ChangeEmployer) && prior_access == Some(false) {
            issues.push(Issue::new(
                "priorAccess",
                "Change Employer is for a user who had access with another employer; choose Yes, or request New Access.",
            ));
        }
        let employer = issues.take(text("employer", input.employer, 100));
        let job_title = issues.take(text("jobTitle", input.job_title, 60));
        let location_name = issues.take(text("locationName", input.location_name, 100));
        let vfc_pin = issues.take(optional(input.vfc_pin, |s| {
            VfcPin::parse_field("vfcPin", s)
        }));
        let address = issues.take(text("address", input.address, 100));
        let city = issues.take(text("city", input.city, 50));
        let state = issues.take(UsState::parse_field("state", input.state));
        let county = issues.take(County::parse_field("county", input.county, state));
        let zip = issues.take(ZipCode::parse_field("zip", input.zip));

        let asks_for_role = request_type.is_none_or(|t| t.asks_for_role());
        let start_date = if asks_for_role {
            issues.take(UsDate::parse_field("startDate", input.start_date).and_then(|d| {
                if ctx.today - d.date() > Duration::days(MAX_START_DATE_DAYS_AGO) {
                    Err(Issue::new(
                        "startDate",
                        format!("The start date cannot be more than {MAX_START_DATE_DAYS_AGO} days ago."),
                    ))
                } else {
                    Ok(Some(d))
                }
            }))
        } else {
            Some(None)
        };
        let end_date = if asks_for_role {
            issues.take(optional(input.end_date, |s| {
                UsDate::parse_field("endDate", s)
            }))
        } else {
            issues
                .take(UsDate::parse_field("endDate", input.end_date).map_err(|_| {
                    Issue::new("endDate", "Enter the date access ends, as MM/DD/YYYY.")
                }))
                .map(Some)
        };
        if let (Some(Some(start)), Some(Some(end))) = (start_date, end_date) {
            if end <= start {
                issues.push(Issue::new(
                    "endDate",
                    "The end date must be after the start date.",
                ));
            }
        }
        let role = if asks_for_role {
            issues.take(parse_role(input.access_requested, ctx).map(Some))
        } else {
            Some(None)
        };
        let justification = issues.take(text("justification", input.justification, 1000));
        let supervisor_name = issues.take(text("supervisorName", input.supervisor_name, 100));
        let supervisor_title = issues.take(text("supervisorTitle", input.supervisor_title, 60));
        if !input.attestation {
            issues.push(Issue::new(
                "attestation",
                "As the authorizing official, check the statement to submit the request.",
            ));
        }
        issues.finish()?;
        let missing = || ValidationError::single("requestType", "The form is incomplete.");
        Ok(Self {
            request_type: request_type.ok_or_else(missing)?,
            existing_username: existing_username.ok_or_else(missing)?,
            first_name: first_name.ok_or_else(missing)?,
            middle_name: middle_name.ok_or_else(missing)?,
            last_name: last_name.ok_or_else(missing)?,
            date_of_birth: date_of_birth.ok_or_else(missing)?,
            phone: phone.ok_or_else(missing)?,
            email: email.ok_or_else(missing)?,
            prior_access: prior_access.ok_or_else(missing)?,
            employer: employer.ok_or_else(missing)?,
            job_title: job_title.ok_or_else(missing)?,
            location_name: location_name.ok_or_else(missing)?,
            vfc_pin: vfc_pin.ok_or_else(missing)?,
            address: address.ok_or_else(missing)?,
            city: city.ok_or_else(missing)?,
            state: state.ok_or_else(missing)?,
            county: county.ok_or_else(missing)?,
            zip: zip.ok_or_else(missing)?,
            start_date: start_date.ok_or_else(missing)?,
            end_date: end_date.ok_or_else(missing)?,
            role: role.ok_or_else(missing)?,
            justification: justification.ok_or_else(missing)?,
            supervisor_name: supervisor_name.ok_or_else(missing)?,
            supervisor_title: supervisor_title.ok_or_else(missing)?,
        })
    }

    /// The user's name as the account shows it.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The role asked for: one of the jurisdiction's templates that fits the organization.
fn parse_role(code: &str, ctx: &FormContext) -> Result<Role, Issue> {
    let field = "accessRequested";
    let role = Role::from_code(code.trim())
        .filter(|r| ctx.jurisdiction.requestable_roles().contains(r))
        .ok_or_else(|| {
            Issue::new(
                field,
                format!(
                    "Choose one of the {} access levels.",
                    ctx.jurisdiction.registry_name()
                ),
            )
        })?;
    role_fits(role, ctx.organization_kind).map_err(|m| Issue::new(field, m))?;
    Ok(role)
}

/// Does `role` suit an organization of `kind`? Schools and child care read records only;
/// regional roles belong to health departments and state-wide access to the registry office.
pub fn role_fits(role: Role, kind: OrganizationKind) -> Result<(), String> {
    use OrganizationKind as K;
    match (role, kind) {
        (Role::ModifiedAccessSubState, k) if k != K::HealthDepartment => Err(
            "Modified Access Sub-state is for health service regions and local health departments."
                .into(),
        ),
        (Role::FullAccessState, k) if k != K::Registry => {
            Err("Full Access State is for state office staff only.".into())
        }
        (r, K::School | K::ChildCare)
            if !matches!(r, Role::ViewOnlyNonProvider | Role::ReadOnlyWithConsent) =>
        {
            Err("Schools and child-care facilities get view-only access.".into())
        }
        _ => Ok(()),
    }
}

/// One statement of the User Agreement; each is checked individually.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementStatement {
    /// Stable id (the field path is `statements.<id>`).
    pub id: &'static str,
    /// The text, with the registry's names filled in.
    pub text: String,
}

/// The ids of the agreement statements, in order: the five conditions, the six-month
/// inactivation clause, the consent acknowledgement and the acceptance of the whole agreement.
pub const AGREEMENT_STATEMENT_IDS: [&str; 8] = [
    "safeguardPassword",
    "notifyDeparture",
    "sixMonthInactivation",
    "immunizationUseOnly",
    "patientOptOut",
    "confidentialHandling",
    "consentCollected",
    "acceptTerms",
];

/// The User Agreement's statements for `jurisdiction` (imMTrax's wording, with Texas's names
/// and law where the Texas profile is configured).
pub fn agreement_statements(jurisdiction: Jurisdiction) -> Vec<AgreementStatement> {
    let registry = jurisdiction.registry_name();
    let program = jurisdiction.program_name();
    let texts = [
        format!("I will safeguard my {registry} access privileges and password by not permitting their use by any other person."),
        format!("I, or my employer, will notify {program} if I discontinue employment, am terminated, or no longer need access to {registry}."),
        format!("I understand that registry staff have the authority to inactivate {registry} user accounts that have not been accessed in over six months."),
        format!("I will not access {registry} for any use outside those required to provide immunization services or activities."),
        format!("I will allow patients the option, without penalty, to have their information excluded from entry into {registry}."),
        format!(
            "I will handle information or documents obtained through {registry} in a confidential manner and in accordance with {} and the federal Health Insurance Portability and Accountability Act of 1996 (HIPAA).",
            jurisdiction.confidentiality_law()
        ),
        format!("As a requirement for {registry} access, I acknowledge that I will ensure that consent to participate in {registry} is collected and updated appropriately."),
        "I have read, understand and accept the terms outlined in the above Memorandum of Agreement. I understand that any violation of these provisions may result in termination of access privileges.".to_string(),
    ];
    AGREEMENT_STATEMENT_IDS
        .into_iter()
        .zip(texts)
        .map(|(id, text)| AgreementStatement { id, text })
        .collect()
}

/// The statement the supervisor checks as authorizing official (imMTrax's wording).
pub fn attestation_statement(jurisdiction: Jurisdiction) -> String {
    format!(
        "I understand that it is my responsibility to inform {} immediately when this access is no longer needed. \
         I am authorized to request access for this employee at the location specified.",
        jurisdiction.program_name()
    )
}

/// The electronic-signature statement checked under the typed name.
pub const SIGNATURE_STATEMENT: &str = "My name, typed above, is my electronic signature.";

/// The User Agreement as the user filled it in.
#[derive(Debug, Clone, Copy)]
pub struct AgreementInput<'a> {
    /// Ids of the statements the user checked.
    pub accepted: &'a [String],
    /// Facility / employer name.
    pub facility_name: &'a str,
    /// Job title.
    pub job_title: &'a str,
    /// Full legal name, typed: the signature.
    pub full_legal_name: &'a str,
    /// Date, MM/DD/YYYY: today.
    pub date: &'a str,
    /// "My name, typed above, is my electronic signature." was checked.
    pub signature_confirmed: bool,
}

/// A signed User Agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedAgreement {
    /// Facility / employer name.
    pub facility_name: String,
    /// Job title.
    pub job_title: String,
    /// The typed full legal name (the signature).
    pub full_legal_name: String,
    /// Date signed.
    pub signed_on: UsDate,
}

impl SignedAgreement {
    /// Checks every statement and the signature block. The typed name must contain the legal
    /// first and last names of the request (titles and initials may be added: "Nancy N.
    /// Nurse, RN"), and the date must be today.
    pub fn parse(
        input: &AgreementInput<'_>,
        legal_first_name: &str,
        legal_last_name: &str,
        today: Date,
    ) -> Result<Self, ValidationError> {
        let mut issues = IssueCollector::new();
        for id in AGREEMENT_STATEMENT_IDS {
            if !input.accepted.iter().any(|a| a == id) {
                issues.push(Issue::new(
                    format!("statements.{id}"),
                    "Check this statement to agree to it.",
                ));
            }
        }
        let facility_name = issues.take(text("facilityName", input.facility_name, 100));
        let job_title = issues.take(text("jobTitle", input.job_title, 60));
        let full_legal_name = issues.take(
            text("fullLegalName", input.full_legal_name, 120).and_then(|typed| {
                let folded = format!(" {} ", fold_name(&typed));
                let has = |name: &str| {
                    let part = fold_name(name);
                    !part.is_empty() && folded.contains(&format!(" {part} "))
                };
                if has(legal_first_name) && has(legal_last_name) {
                    Ok(typed)
                } else {
                    Err(Issue::new(
                    "fullLegalName",
                    "Type your full legal name as it appears on the request (first and last name).",
                ))
                }
            }),
        );
        let signed_on = issues.take(UsDate::parse_field("date", input.date).and_then(|d| {
            if d.date() == today {
                Ok(d)
            } else {
                Err(Issue::new(
                    "date",
                    format!("Enter today's date, {}.", UsDate::from_date(today)),
                ))
            }
        }));
        if !input.signature_confirmed {
            issues.push(Issue::new(
                "signatureConfirmed",
                "Check that your typed name is your electronic signature.",
            ));
        }
        issues.finish()?;
        let missing = || ValidationError::single("fullLegalName", "The agreement is incomplete.");
        Ok(Self {
            facility_name: facility_name.ok_or_else(missing)?,
            job_title: job_title.ok_or_else(missing)?,
            full_legal_name: full_legal_name.ok_or_else(missing)?,
            signed_on: signed_on.ok_or_else(missing)?,
        })
    }
}

/// A username proposal for a new account: `first.last`, lower-case ASCII letters. The caller
/// appends a number when it is taken.
pub fn username_base(first: &PersonName, last: &PersonName) -> String {
    let part = |n: &PersonName| fold_name(n.as_str()).replace(' ', "").to_ascii_lowercase();
    let mut base = format!("{}.{}", part(first), part(last));
    base.truncate(40);
    base
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn nancy() -> AccessRequestInput<'static> {
        AccessRequestInput {
            request_type: "new_access",
            existing_username: "",
            legal_first_name: "Nancy",
            legal_middle_name: "",
            legal_last_name: "Nurse",
            date_of_birth: "03-20-1982",
            phone: "406-444-1234",
            email: "nancy.nurse@sphealth.org",
            prior_access: "No",
            employer: "St. Peters Health",
            job_title: "Clinic RN",
            location_name: "SPH Broadway",
            vfc_pin: "2102",
            address: "2550 Broadway Street",
            city: "Helena",
            state: "MT",
            county: "Lewis and Clark",
            zip: "59601",
            start_date: "11/23/2026",
            end_date: "",
            access_requested: "read_only_with_consent",
            justification: "Nancy needs to know what immunizations her patients are due for.",
            supervisor_name: "Stacy Supervisor",
            supervisor_title: "Clinic Manager",
            attestation: true,
        }
    }

    fn montana_provider() -> FormContext {
        FormContext {
            jurisdiction: Jurisdiction::Montana,
            organization_kind: OrganizationKind::Provider,
            today: TODAY,
        }
    }

    fn fields(e: ValidationError) -> Vec<String> {
        e.issues.into_iter().map(|i| i.field).collect()
    }

    #[test]
    fn the_imm_trax_example_request_parses() {
        let form = AccessRequestForm::parse(&nancy(), &montana_provider()).unwrap();
        assert_eq!(form.role, Some(Role::ReadOnlyWithConsent));
        assert_eq!(form.date_of_birth.date().to_string(), "03/20/1982");
        assert_eq!(form.vfc_pin.as_ref().unwrap().as_str(), "2102");
        assert!(!form.prior_access);
        assert_eq!(form.display_name(), "Nancy Nurse");
    }

    #[test]
    fn every_missing_field_is_reported_at_once_with_its_path() {
        let empty = AccessRequestInput {
            request_type: "new_access",
            existing_username: "",
            legal_first_name: "",
            legal_middle_name: "",
            legal_last_name: "",
            date_of_birth: "",
            phone: "",
            email: "",
            prior_access: "",
            employer: "",
            job_title: "",
            location_name: "",
            vfc_pin: "",
            address: "",
            city: "",
            state: "",
            county: "",
            zip: "",
            start_date: "",
            end_date: "",
            access_requested: "",
            justification: "",
            supervisor_name: "",
            supervisor_title: "",
            attestation: false,
        };
        let got = fields(AccessRequestForm::parse(&empty, &montana_provider()).unwrap_err());
        for f in [
            "legalFirstName",
            "legalLastName",
            "dateOfBirth",
            "phone",
            "email",
            "priorAccess",
            "employer",
            "jobTitle",
            "locationName",
            "address",
            "city",
            "state",
            "county",
            "zip",
            "startDate",
            "accessRequested",
            "justification",
            "supervisorName",
            "supervisorTitle",
            "attestation",
        ] {
            assert!(got.contains(&f.to_string()), "{f} missing from {got:?}");
        }
        assert!(
            !got.contains(&"legalMiddleName".to_string()),
            "middle name is optional"
        );
        assert!(!got.contains(&"vfcPin".to_string()), "VFC PIN is optional");
        assert!(
            !got.contains(&"endDate".to_string()),
            "end date is optional"
        );
    }

    #[test]
    fn a_texas_role_is_not_offered_by_the_montana_profile() {
        let input = AccessRequestInput {
            access_requested: "full_access_provider",
            ..nancy()
        };
        assert_eq!(
            fields(AccessRequestForm::parse(&input, &montana_provider()).unwrap_err()),
            ["accessRequested"]
        );
    }

    #[test]
    fn schools_get_view_only_and_state_access_stays_at_the_registry() {
        let school = FormContext {
            jurisdiction: Jurisdiction::Texas,
            organization_kind: OrganizationKind::School,
            today: TODAY,
        };
        let mut input = AccessRequestInput {
            access_requested: "full_access_provider",
            state: "TX",
            county: "Harris",
            ..nancy()
        };
        assert!(AccessRequestForm::parse(&input, &school).is_err());
        input.access_requested = "view_only_non_provider";
        assert!(AccessRequestForm::parse(&input, &school).is_ok());
        assert!(role_fits(Role::FullAccessState, OrganizationKind::Provider).is_err());
        assert!(role_fits(Role::FullAccessState, OrganizationKind::Registry).is_ok());
    }

    #[test]
    fn the_end_date_follows_the_start_date_and_a_deletion_needs_one() {
        let input = AccessRequestInput {
            end_date: "11/01/2026",
            ..nancy()
        };
        assert_eq!(
            fields(AccessRequestForm::parse(&input, &montana_provider()).unwrap_err()),
            ["endDate"]
        );
        let deletion = AccessRequestInput {
            request_type: "access_deletion",
            existing_username: "nancy.nurse",
            start_date: "",
            access_requested: "",
            ..nancy()
        };
        assert_eq!(
            fields(AccessRequestForm::parse(&deletion, &montana_provider()).unwrap_err()),
            ["endDate"]
        );
        let deletion = AccessRequestInput {
            end_date: "11/30/2026",
            ..deletion
        };
        let form = AccessRequestForm::parse(&deletion, &montana_provider()).unwrap();
        assert_eq!(form.role, None);
        assert_eq!(form.existing_username.as_deref(), Some("nancy.nurse"));
    }

    #[test]
    fn change_employer_names_the_account_and_means_prior_access() {
        let input = AccessRequestInput {
            request_type: "change_employer",
            ..nancy()
        };
        let got = fields(AccessRequestForm::parse(&input, &montana_provider()).unwrap_err());
        assert_eq!(got, ["existingUsername", "priorAccess"]);
    }

    #[test]
    fn the_phone_must_be_a_us_number_and_the_user_an_adult_worker() {
        let input = AccessRequestInput {
            phone: "444-4444",
            date_of_birth: "01/01/2015",
            ..nancy()
        };
        assert_eq!(
            fields(AccessRequestForm::parse(&input, &montana_provider()).unwrap_err()),
            ["dateOfBirth", "phone"]
        );
    }

    #[test]
    fn the_state_machine_follows_the_imm_trax_workflow() {
        use RequestStatus as S;
        use RequestStep as E;
        let new = RequestType::NewAccess;
        assert_eq!(
            S::Draft.after(E::Submit, new, false),
            Ok(S::AwaitingAgreement)
        );
        assert_eq!(
            S::AwaitingAgreement.after(E::SignAgreement, new, false),
            Ok(S::AwaitingReview)
        );
        assert_eq!(
            S::AwaitingReview.after(E::Approve, new, true),
            Ok(S::Approved)
        );
        assert_eq!(
            S::Draft.after(E::Submit, RequestType::PermissionsChange, false),
            Ok(S::AwaitingReview),
            "a permissions change needs no new agreement"
        );
        assert_eq!(
            S::Returned.after(E::Submit, new, true),
            Ok(S::AwaitingReview)
        );
        assert_eq!(
            S::Returned.after(E::Submit, new, false),
            Ok(S::AwaitingAgreement)
        );
        assert!(
            S::AwaitingAgreement.after(E::Approve, new, false).is_err(),
            "no approval before the agreement"
        );
        assert!(S::Approved.after(E::Reject, new, true).is_err());
        assert!(
            S::Rejected.after(E::Submit, new, true).is_err(),
            "a rejection is final"
        );
        assert!(
            S::AwaitingReview
                .after(E::SignAgreement, new, true)
                .is_err(),
            "signed once"
        );
    }

    #[test]
    fn transition_errors_say_why_in_a_sentence() {
        let e = RequestStatus::Approved
            .after(RequestStep::Approve, RequestType::NewAccess, true)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "This request was already approved, so it cannot be approved now."
        );
    }

    #[test]
    fn request_numbers_look_like_imm_trax_ones() {
        assert_eq!(request_number(387), "REQ0100387");
        assert_eq!(request_number(1), "REQ0100001");
    }

    #[test]
    fn business_days_skip_weekends() {
        // Friday 2026-11-20 → Monday 2026-11-23: one business day.
        assert_eq!(
            business_days_between(date!(2026 - 11 - 20), date!(2026 - 11 - 23)),
            1
        );
        assert_eq!(
            business_days_between(date!(2026 - 11 - 23), date!(2026 - 11 - 23)),
            0
        );
        // Monday → next Monday: five.
        assert_eq!(
            business_days_between(date!(2026 - 11 - 16), date!(2026 - 11 - 23)),
            5
        );
        // Saturday → Sunday: none.
        assert_eq!(
            business_days_between(date!(2026 - 11 - 21), date!(2026 - 11 - 22)),
            0
        );
        // Three weeks and two days from a Wednesday.
        assert_eq!(
            business_days_between(date!(2026 - 11 - 04), date!(2026 - 11 - 27)),
            17
        );
    }

    fn all_statements() -> Vec<String> {
        AGREEMENT_STATEMENT_IDS
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn the_agreement_is_signed_with_the_legal_name_on_todays_date() {
        let accepted = all_statements();
        let input = AgreementInput {
            accepted: &accepted,
            facility_name: "SPH Broadway Clinic",
            job_title: "Clinic RN",
            full_legal_name: "Nancy N. Nurse, RN",
            date: "11-23-2026",
            signature_confirmed: true,
        };
        let signed = SignedAgreement::parse(&input, "Nancy", "Nurse", TODAY).unwrap();
        assert_eq!(signed.signed_on.to_string(), "11/23/2026");
    }

    #[test]
    fn each_unchecked_statement_is_reported_on_its_own() {
        let mut accepted = all_statements();
        accepted.retain(|s| s != "sixMonthInactivation" && s != "consentCollected");
        let input = AgreementInput {
            accepted: &accepted,
            facility_name: "SPH",
            job_title: "RN",
            full_legal_name: "Stacy Supervisor",
            date: "11/22/2026",
            signature_confirmed: false,
        };
        let got = fields(SignedAgreement::parse(&input, "Nancy", "Nurse", TODAY).unwrap_err());
        assert_eq!(
            got,
            [
                "statements.sixMonthInactivation",
                "statements.consentCollected",
                "fullLegalName",
                "date",
                "signatureConfirmed"
            ]
        );
    }

    #[test]
    fn the_agreement_names_the_configured_registry() {
        let mt = agreement_statements(Jurisdiction::Montana);
        assert_eq!(mt.len(), 8);
        assert!(mt[0].text.contains("imMTrax"));
        assert!(mt[5].text.contains("MCA 50-16"));
        let tx = agreement_statements(Jurisdiction::Texas);
        assert!(tx[0].text.contains("ImmTrac2") && !tx[5].text.contains("MCA"));
    }

    #[test]
    fn usernames_are_folded_first_dot_last() {
        let first = PersonName::parse_field("f", "José").unwrap();
        let last = PersonName::parse_field("l", "Running Crane").unwrap();
        assert_eq!(username_base(&first, &last), "jose.runningcrane");
    }
}
