//! A client's demographics as the registry records them: personal information, addresses with
//! real state and county names, responsible persons, coded comments and the provider-client
//! status. Forms arrive as strings; each `parse` returns a value that cannot be invalid or every
//! problem at once, each naming its field.

use time::Date;

use crate::consent::{ConsentMethod, ConsentStatus};
use crate::contact::UsPhone;
use crate::date::{DateOfBirth, UsDate};
use crate::error::{Issue, IssueCollector, ValidationError};
use crate::person::{Gender, PersonName};

mod codes;
pub use crate::places::{counties, state_name, US_STATES};
pub use codes::*;

fn optional(input: &str) -> Option<&str> {
    let s = input.trim();
    (!s.is_empty()).then_some(s)
}

fn in_list(
    field: &str,
    input: &str,
    list: &[(&'static str, &'static str)],
    what: &str,
) -> Result<Option<&'static str>, Issue> {
    let Some(s) = optional(input) else {
        return Ok(None);
    };
    list.iter()
        .find(|(code, name)| code.eq_ignore_ascii_case(s) || name.eq_ignore_ascii_case(s))
        .map(|(code, _)| Some(*code))
        .ok_or_else(|| Issue::new(field, format!("Choose a {what} from the list.")))
}

fn free_text(field: &str, input: &str, max: usize) -> Result<Option<String>, Issue> {
    let Some(s) = optional(input) else {
        return Ok(None);
    };
    if s.chars().count() > max {
        return Err(Issue::new(field, format!("Use at most {max} characters.")));
    }
    if s.chars().any(char::is_control) {
        return Err(Issue::new(
            field,
            "Use letters, digits and punctuation only.",
        ));
    }
    Ok(Some(s.split_whitespace().collect::<Vec<_>>().join(" ")))
}

fn optional_name(field: &str, input: &str) -> Result<Option<PersonName>, Issue> {
    optional(input)
        .map(|s| PersonName::parse_field(field, s))
        .transpose()
}

/// A ZIP code: 5 digits, or ZIP+4 written `59101-1234`.
///
/// ```
/// use shotbook_core::demographics::Zip;
/// assert_eq!(Zip::parse_field("zip", "591011234").unwrap().as_str(), "59101-1234");
/// assert!(Zip::parse_field("zip", "5910").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zip(String);

impl Zip {
    /// Accepts 5 or 9 digits, with or without the hyphen.
    pub fn parse_field(field: &str, input: &str) -> Result<Self, Issue> {
        let s = input.trim();
        let digits: String = s.chars().filter(|c| *c != '-' && *c != ' ').collect();
        let ok = digits.bytes().all(|b| b.is_ascii_digit()) && matches!(digits.len(), 5 | 9);
        if !ok {
            return Err(Issue::new(
                field,
                "Enter a 5-digit ZIP code, or ZIP+4 like 59101-1234.",
            ));
        }
        Ok(Self(if digits.len() == 9 {
            format!("{}-{}", &digits[..5], &digits[5..])
        } else {
            digits
        }))
    }

    /// `59101` or `59101-1234`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An address form, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct AddressInput<'a> {
    /// Street and number.
    pub line1: &'a str,
    /// Apartment, suite.
    pub line2: &'a str,
    /// City.
    pub city: &'a str,
    /// USPS code or state name.
    pub state: &'a str,
    /// County name.
    pub county: &'a str,
    /// ZIP.
    pub zip: &'a str,
}

/// A US address whose state is real and whose county belongs to it (for the states whose county
/// list the registry holds). Every part may be missing except that a county needs its state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    /// Street and number.
    pub line1: Option<String>,
    /// Apartment, suite.
    pub line2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// USPS code.
    pub state: Option<&'static str>,
    /// County name as the Census Bureau writes it.
    pub county: Option<String>,
    /// ZIP.
    pub zip: Option<Zip>,
}

impl Address {
    /// Parses an address form whose fields are named `{prefix}line1`, `{prefix}city` …
    /// (prefix `""` or e.g. `"address."`).
    pub fn parse(prefix: &str, input: AddressInput<'_>, issues: &mut IssueCollector) -> Self {
        let f = |name: &str| format!("{prefix}{name}");
        let line1 = issues.take(free_text(&f("addressLine1"), input.line1, 100));
        let line2 = issues.take(free_text(&f("addressLine2"), input.line2, 100));
        let city = issues.take(free_text(&f("city"), input.city, 60));
        let state = issues.take(in_list(&f("state"), input.state, US_STATES, "state"));
        let county = match (optional(input.county), state.flatten()) {
            (None, _) => None,
            (Some(_), None) => {
                issues.push(Issue::new(f("county"), "Choose the state first."));
                None
            }
            (Some(typed), Some(st)) => {
                let known = counties(st);
                let typed = typed
                    .trim_end_matches(" County")
                    .trim_end_matches(" county");
                if known.is_empty() {
                    issues.take(free_text(&f("county"), typed, 60)).flatten()
                } else if let Some(c) = known.iter().find(|c| c.eq_ignore_ascii_case(typed)) {
                    Some((*c).to_string())
                } else {
                    issues.push(Issue::new(
                        f("county"),
                        format!(
                            "'{typed}' is not a county of {}.",
                            state_name(st).unwrap_or(st)
                        ),
                    ));
                    None
                }
            }
        };
        let zip = optional(input.zip).and_then(|z| issues.take(Zip::parse_field(&f("zip"), z)));
        Self {
            line1: line1.flatten(),
            line2: line2.flatten(),
            city: city.flatten(),
            state: state.flatten(),
            county,
            zip,
        }
    }

    /// Whether nothing was entered.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The personal-information form (add client and edit client), as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct PersonalInput<'a> {
    /// Legal first name.
    pub first_name: &'a str,
    /// Legal middle name.
    pub middle_name: &'a str,
    /// Legal last name.
    pub last_name: &'a str,
    /// Jr, Sr, II, III …
    pub suffix: &'a str,
    /// MM/DD/YYYY.
    pub date_of_birth: &'a str,
    /// F, M, X, U.
    pub gender: &'a str,
    /// Mother's maiden name.
    pub mother_maiden_name: &'a str,
    /// "yes" / "no" / "".
    pub multiple_birth: &'a str,
    /// 1–9 ("" when not a multiple birth).
    pub birth_order: &'a str,
    /// USPS code.
    pub birth_state: &'a str,
    /// ISO alpha-3.
    pub birth_country: &'a str,
    /// CDC race code.
    pub race: &'a str,
    /// CDC ethnicity code.
    pub ethnicity: &'a str,
    /// ISO 639-2.
    pub language: &'a str,
    /// Phone.
    pub phone: &'a str,
}

/// Validated personal information.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Personal {
    /// Legal first name.
    pub first_name: PersonName,
    /// Legal middle name.
    pub middle_name: Option<PersonName>,
    /// Legal last name.
    pub last_name: PersonName,
    /// Suffix.
    pub suffix: Option<String>,
    /// Date of birth.
    pub date_of_birth: DateOfBirth,
    /// Gender.
    pub gender: Gender,
    /// Mother's maiden name.
    pub mother_maiden_name: Option<PersonName>,
    /// Part of a multiple birth (twins …), when known.
    pub multiple_birth: Option<bool>,
    /// Birth order within a multiple birth.
    pub birth_order: Option<u8>,
    /// Birth state.
    pub birth_state: Option<&'static str>,
    /// Birth country.
    pub birth_country: Option<&'static str>,
    /// Race.
    pub race: Option<&'static str>,
    /// Ethnicity.
    pub ethnicity: Option<&'static str>,
    /// Language.
    pub language: Option<&'static str>,
    /// Phone.
    pub phone: Option<UsPhone>,
}

const SUFFIXES: &[&str] = &["JR", "SR", "II", "III", "IV", "V"];

impl Personal {
    /// Parses the form, collecting every problem into `issues`; `None` when anything failed.
    pub fn parse(
        input: PersonalInput<'_>,
        today: Date,
        issues: &mut IssueCollector,
    ) -> Option<Self> {
        let first_name = issues.take(PersonName::parse_field("firstName", input.first_name));
        let middle_name = issues.take(optional_name("middleName", input.middle_name));
        let last_name = issues.take(PersonName::parse_field("lastName", input.last_name));
        let suffix = match optional(input.suffix) {
            None => Some(None),
            Some(s) => {
                let up = s.trim_end_matches('.').to_ascii_uppercase();
                match SUFFIXES.iter().find(|x| **x == up) {
                    Some(_) => Some(Some(if up.len() == 2 && up != "II" && up != "IV" {
                        // Jr, Sr as usually written; numerals stay upper case.
                        format!("{}{}", &up[..1], up[1..].to_ascii_lowercase())
                    } else {
                        up
                    })),
                    None => {
                        issues.push(Issue::new("suffix", "Use Jr, Sr, II, III, IV or V."));
                        None
                    }
                }
            }
        };
        let date_of_birth = if optional(input.date_of_birth).is_none() {
            issues.push(Issue::new(
                "dateOfBirth",
                "Enter the date of birth as MM/DD/YYYY.",
            ));
            None
        } else {
            issues.take(DateOfBirth::parse_field(
                "dateOfBirth",
                input.date_of_birth,
                today,
            ))
        };
        let gender = match Gender::parse(input.gender) {
            Some(g) => Some(g),
            None => {
                issues.push(Issue::new("gender", "Choose a gender."));
                None
            }
        };
        let mother_maiden_name =
            issues.take(optional_name("motherMaidenName", input.mother_maiden_name));
        let multiple_birth = match input.multiple_birth.trim().to_ascii_lowercase().as_str() {
            "" => Some(None),
            "yes" | "y" | "true" => Some(Some(true)),
            "no" | "n" | "false" => Some(Some(false)),
            _ => {
                issues.push(Issue::new("multipleBirth", "Answer yes or no."));
                None
            }
        };
        let birth_order = match optional(input.birth_order) {
            None => Some(None),
            Some(s) => match s.parse::<u8>() {
                Ok(n @ 1..=9) if multiple_birth == Some(Some(true)) => Some(Some(n)),
                Ok(1..=9) => {
                    issues.push(Issue::new(
                        "birthOrder",
                        "A birth order is recorded only for a multiple birth.",
                    ));
                    None
                }
                _ => {
                    issues.push(Issue::new("birthOrder", "Enter a number from 1 to 9."));
                    None
                }
            },
        };
        let birth_state = issues.take(in_list("birthState", input.birth_state, US_STATES, "state"));
        let birth_country = issues.take(in_list(
            "birthCountry",
            input.birth_country,
            COUNTRIES,
            "country",
        ));
        let race = issues.take(in_list("race", input.race, RACES, "race"));
        let ethnicity = issues.take(in_list(
            "ethnicity",
            input.ethnicity,
            ETHNICITIES,
            "ethnicity",
        ));
        let language = issues.take(in_list("language", input.language, LANGUAGES, "language"));
        let phone = issues.take(
            optional(input.phone)
                .map(|p| UsPhone::parse_field("phone", p))
                .transpose(),
        );
        Some(Self {
            first_name: first_name?,
            middle_name: middle_name?,
            last_name: last_name?,
            suffix: suffix?,
            date_of_birth: date_of_birth?,
            gender: gender?,
            mother_maiden_name: mother_maiden_name?,
            multiple_birth: multiple_birth?,
            birth_order: birth_order?,
            birth_state: birth_state?,
            birth_country: birth_country?,
            race: race?,
            ethnicity: ethnicity?,
            language: language?,
            phone: phone?,
        })
    }
}

/// A responsible person form, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResponsiblePersonInput<'a> {
    /// First name.
    pub first_name: &'a str,
    /// Middle name.
    pub middle_name: &'a str,
    /// Last name.
    pub last_name: &'a str,
    /// One of [`RELATIONSHIPS`].
    pub relationship: &'a str,
    /// Phone.
    pub phone: &'a str,
}

/// A parent or guardian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponsiblePerson {
    /// First name.
    pub first_name: PersonName,
    /// Middle name.
    pub middle_name: Option<PersonName>,
    /// Last name.
    pub last_name: PersonName,
    /// Relationship code.
    pub relationship: &'static str,
    /// Phone.
    pub phone: Option<UsPhone>,
}

impl ResponsiblePerson {
    /// Parses the form with fields named `{prefix}firstName` …
    pub fn parse(
        prefix: &str,
        input: ResponsiblePersonInput<'_>,
        issues: &mut IssueCollector,
    ) -> Option<Self> {
        let f = |name: &str| format!("{prefix}{name}");
        let first_name = issues.take(PersonName::parse_field(&f("firstName"), input.first_name));
        let middle_name = issues.take(optional_name(&f("middleName"), input.middle_name));
        let last_name = issues.take(PersonName::parse_field(&f("lastName"), input.last_name));
        let relationship = RELATIONSHIPS
            .iter()
            .find(|r| r.eq_ignore_ascii_case(input.relationship.trim()))
            .copied();
        if relationship.is_none() {
            issues.push(Issue::new(
                f("relationship"),
                "Choose the relationship to the client.",
            ));
        }
        let phone = issues.take(
            optional(input.phone)
                .map(|p| UsPhone::parse_field(&f("phone"), p))
                .transpose(),
        );
        Some(Self {
            first_name: first_name?,
            middle_name: middle_name?,
            last_name: last_name?,
            relationship: relationship?,
            phone: phone?,
        })
    }
}

/// A consent entry form, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConsentInput<'a> {
    /// granted / not_granted / withdrawn.
    pub status: &'a str,
    /// MM/DD/YYYY the client or guardian gave or withdrew it.
    pub effective_on: &'a str,
    /// verbal / written.
    pub method: &'a str,
    /// Who gave or withdrew it ("Elena Martinez, mother").
    pub given_by: &'a str,
}

/// A validated consent entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentEntry {
    /// New status.
    pub status: ConsentStatus,
    /// The day it was given or withdrawn (not in the future).
    pub effective_on: UsDate,
    /// How.
    pub method: ConsentMethod,
    /// By whom.
    pub given_by: Option<String>,
}

impl ConsentEntry {
    /// Parses the consent form with fields named `{prefix}status` …
    pub fn parse(
        prefix: &str,
        input: ConsentInput<'_>,
        today: Date,
        issues: &mut IssueCollector,
    ) -> Option<Self> {
        let f = |name: &str| format!("{prefix}{name}");
        let status = ConsentStatus::from_code(input.status.trim());
        if status.is_none() {
            issues.push(Issue::new(
                f("status"),
                "Choose granted, not granted or withdrawn.",
            ));
        }
        let effective_on = issues
            .take(UsDate::parse_field(&f("effectiveOn"), input.effective_on))
            .and_then(|d| {
                if d.date() > today {
                    issues.push(Issue::new(
                        f("effectiveOn"),
                        format!("{d} is in the future."),
                    ));
                    None
                } else {
                    Some(d)
                }
            });
        let method = ConsentMethod::from_code(input.method);
        if method.is_none() {
            issues.push(Issue::new(f("method"), "Choose verbal or written."));
        }
        let given_by = issues.take(free_text(&f("givenBy"), input.given_by, 100));
        Some(Self {
            status: status?,
            effective_on: effective_on?,
            method: method?,
            given_by: given_by?,
        })
    }
}

/// A coded comment form, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommentInput<'a> {
    /// One of [`COMMENT_CODES`].
    pub code: &'a str,
    /// MM/DD/YYYY.
    pub applies_from: &'a str,
    /// MM/DD/YYYY or "".
    pub applies_until: &'a str,
    /// Free text.
    pub text: &'a str,
}

/// A validated client comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The code.
    pub code: CommentCode,
    /// First day it applies.
    pub applies_from: UsDate,
    /// Last day it applies (open-ended when absent).
    pub applies_until: Option<UsDate>,
    /// Details.
    pub text: Option<String>,
}

impl Comment {
    /// Parses the comment form; an "other" comment needs text.
    pub fn parse(input: CommentInput<'_>) -> Result<Self, ValidationError> {
        let mut issues = IssueCollector::new();
        let code = COMMENT_CODES
            .iter()
            .find(|c| c.code == input.code.trim())
            .copied();
        if code.is_none() {
            issues.push(Issue::new("code", "Choose a comment from the list."));
        }
        let from = issues.take(UsDate::parse_field("appliesFrom", input.applies_from));
        let until = issues.take(
            optional(input.applies_until)
                .map(|s| UsDate::parse_field("appliesUntil", s))
                .transpose(),
        );
        if let (Some(f), Some(Some(u))) = (from, until) {
            if u < f {
                issues.push(Issue::new(
                    "appliesUntil",
                    "The end date is before the start date.",
                ));
            }
        }
        let text = issues.take(free_text("text", input.text, 500));
        if code.map(|c| c.code) == Some("other") && matches!(text, Some(None)) {
            issues.push(Issue::new("text", "Describe the comment."));
        }
        issues.finish()?;
        match (code, from, until, text) {
            (Some(code), Some(applies_from), Some(applies_until), Some(text)) => Ok(Self {
                code,
                applies_from,
                applies_until,
                text,
            }),
            _ => Err(ValidationError::single("code", "Check the comment.")),
        }
    }
}

/// A client note: free text, 1–2000 characters (line breaks kept).
pub fn parse_note(input: &str) -> Result<String, Issue> {
    let s = input.trim();
    if s.is_empty() {
        return Err(Issue::new("text", "Write the note."));
    }
    if s.chars().count() > 2000 {
        return Err(Issue::new("text", "Use at most 2000 characters."));
    }
    Ok(s.to_string())
}

/// Parses a provider-client status code.
pub fn provider_client_status(field: &str, input: &str) -> Result<&'static str, Issue> {
    PROVIDER_CLIENT_STATUSES
        .iter()
        .find(|s| **s == input.trim())
        .copied()
        .ok_or_else(|| Issue::new(field, "Choose a status from the list."))
}

/// A name the client is also known as, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct AkaInput<'a> {
    /// First name.
    pub first_name: &'a str,
    /// Middle name.
    pub middle_name: &'a str,
    /// Last name.
    pub last_name: &'a str,
    /// previous / alias / birth.
    pub kind: &'a str,
}

/// A validated AKA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aka {
    /// First name.
    pub first_name: PersonName,
    /// Middle name.
    pub middle_name: Option<PersonName>,
    /// Last name.
    pub last_name: PersonName,
    /// previous / alias / birth.
    pub kind: &'static str,
}

impl Aka {
    /// Parses the AKA form.
    pub fn parse(input: AkaInput<'_>) -> Result<Self, ValidationError> {
        let mut issues = IssueCollector::new();
        let first = issues.take(PersonName::parse_field("firstName", input.first_name));
        let middle = issues.take(optional_name("middleName", input.middle_name));
        let last = issues.take(PersonName::parse_field("lastName", input.last_name));
        let kind = ["previous", "alias", "birth"]
            .into_iter()
            .find(|k| *k == input.kind.trim());
        if kind.is_none() {
            issues.push(Issue::new(
                "kind",
                "Choose previous name, alias or birth name.",
            ));
        }
        issues.finish()?;
        match (first, middle, last, kind) {
            (Some(first_name), Some(middle_name), Some(last_name), Some(kind)) => Ok(Self {
                first_name,
                middle_name,
                last_name,
                kind,
            }),
            _ => Err(ValidationError::single("lastName", "Check the name.")),
        }
    }
}

/// An entry of a client's demographics that is voided rather than deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoidableEntry {
    /// A name also known as.
    Aka,
    /// A parent or guardian.
    ResponsiblePerson,
    /// A coded comment.
    Comment,
    /// A note.
    Note,
}

impl VoidableEntry {
    /// Parses the entry kind the screens send (`aka`, `responsible_person`, `comment`, `note`).
    pub fn parse_field(field: &str, input: &str) -> Result<Self, Issue> {
        match input {
            "aka" => Ok(Self::Aka),
            "responsible_person" => Ok(Self::ResponsiblePerson),
            "comment" => Ok(Self::Comment),
            "note" => Ok(Self::Note),
            _ => Err(Issue::new(field, "Not an entry kind.")),
        }
    }
}

/// One change to a client's demographics, parsed: what the Demographics screen, an HL7 update
/// (PID, NK1) or a sync peer asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemographicsEdit {
    /// New personal information.
    Personal(Personal),
    /// A move: the current address becomes history, ended on `moved_on`.
    Address {
        /// The new address.
        address: Address,
        /// The day of the move (not in the future).
        moved_on: UsDate,
    },
    /// A name the client is also known as.
    Aka(Aka),
    /// A parent or guardian.
    ResponsiblePerson {
        /// Who.
        person: ResponsiblePerson,
        /// Whether they become the primary responsible person.
        primary: bool,
    },
    /// The status of the client's relationship with an organization (checked against the
    /// registry's organizations by the use case).
    OrganizationStatus {
        /// The organization's code, as typed.
        organization_code: String,
        /// The provider-client status.
        status: &'static str,
        /// Since when.
        status_on: UsDate,
    },
    /// A coded comment.
    Comment(Comment),
    /// A note (see [`parse_note`]).
    Note(String),
    /// Voids an entry, which stays listed as voided.
    Void {
        /// Which kind of entry.
        entry: VoidableEntry,
        /// Its id.
        id: String,
        /// Why (not blank).
        reason: String,
    },
}

impl DemographicsEdit {
    /// What changed, as the audit log names it (never client data).
    pub fn what(&self) -> &'static str {
        match self {
            Self::Personal(_) => "personal information",
            Self::Address { .. } => "address",
            Self::Aka(_) => "name also known as",
            Self::ResponsiblePerson { .. } => "responsible person",
            Self::OrganizationStatus { .. } => "organization status",
            Self::Comment(_) => "comment",
            Self::Note(_) => "note",
            Self::Void { .. } => "void",
        }
    }
}

/// A new client, parsed: the Add Client form, or a new patient in an HL7 VXU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClientEntry {
    /// Personal information.
    pub personal: Personal,
    /// Current address.
    pub address: Address,
    /// The primary parent or guardian, when given.
    pub guardian: Option<ResponsiblePerson>,
    /// Consent as given at registration.
    pub consent: ConsentEntry,
}

/// The person Smart search compares, from a client's personal information and address (the
/// five-digit ZIP, the first street line).
pub fn person_record(personal: &Personal, address: &Address) -> crate::matching::PersonRecord {
    let optional = |n: &Option<PersonName>| {
        n.as_ref()
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default()
    };
    crate::matching::PersonRecord {
        given: personal.first_name.as_str().into(),
        middle: optional(&personal.middle_name),
        family: personal.last_name.as_str().into(),
        dob: crate::matching::Dob::parse_digits(&personal.date_of_birth.date().iso(), false),
        sex: crate::matching::Sex::parse(personal.gender.code()),
        mother_maiden: optional(&personal.mother_maiden_name),
        zip: address
            .zip
            .as_ref()
            .map(|z| z.as_str().chars().take(5).collect())
            .unwrap_or_default(),
        street: address.line1.clone().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests;
