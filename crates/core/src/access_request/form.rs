//! The request form: parsed from what the supervisor typed, every problem at once.

use super::*;

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

pub(super) fn text(field: &str, input: &str, max: usize) -> Result<String, Issue> {
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

pub(super) fn optional<T>(
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
pub(super) fn parse_role(code: &str, ctx: &FormContext) -> Result<Role, Issue> {
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
