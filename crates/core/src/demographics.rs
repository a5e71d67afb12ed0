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

/// Every Montana and Texas county (`data/places/counties.csv`), embedded at build time.
const COUNTIES_CSV: &str = include_str!("../../../data/places/counties.csv");

/// USPS codes and names of the states, DC and the territories a registry sees.
pub const US_STATES: &[(&str, &str)] = &[
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
    ("AS", "American Samoa"),
    ("GU", "Guam"),
    ("MP", "Northern Mariana Islands"),
    ("PR", "Puerto Rico"),
    ("VI", "U.S. Virgin Islands"),
];

/// CDC Race & Ethnicity code set (PHIN VADS, HL7 table 0005): the OMB race categories.
pub const RACES: &[(&str, &str)] = &[
    ("1002-5", "American Indian or Alaska Native"),
    ("2028-9", "Asian"),
    ("2054-5", "Black or African American"),
    ("2076-8", "Native Hawaiian or Other Pacific Islander"),
    ("2106-3", "White"),
    ("2131-1", "Other Race"),
];

/// CDC Race & Ethnicity code set (HL7 table 0189): ethnic group.
pub const ETHNICITIES: &[(&str, &str)] = &[
    ("2135-2", "Hispanic or Latino"),
    ("2186-5", "Not Hispanic or Latino"),
];

/// ISO 639-2 codes of the languages Montana and Texas clinics most often record.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("eng", "English"),
    ("spa", "Spanish"),
    ("vie", "Vietnamese"),
    ("chi", "Chinese"),
    ("tgl", "Tagalog"),
    ("kor", "Korean"),
    ("ara", "Arabic"),
    ("hin", "Hindi"),
    ("urd", "Urdu"),
    ("fre", "French"),
    ("ger", "German"),
    ("rus", "Russian"),
    ("por", "Portuguese"),
    ("nav", "Navajo"),
    ("bla", "Blackfoot"),
    ("cro", "Crow"),
    ("chy", "Cheyenne"),
    ("sgn", "Sign languages"),
];

/// ISO 3166-1 alpha-3 codes of the countries of birth the form offers.
pub const COUNTRIES: &[(&str, &str)] = &[
    ("USA", "United States"),
    ("MEX", "Mexico"),
    ("CAN", "Canada"),
    ("GTM", "Guatemala"),
    ("HND", "Honduras"),
    ("SLV", "El Salvador"),
    ("CUB", "Cuba"),
    ("VEN", "Venezuela"),
    ("COL", "Colombia"),
    ("VNM", "Viet Nam"),
    ("CHN", "China"),
    ("IND", "India"),
    ("PHL", "Philippines"),
    ("KOR", "Korea, Republic of"),
    ("PAK", "Pakistan"),
    ("NGA", "Nigeria"),
    ("UKR", "Ukraine"),
    ("DEU", "Germany"),
    ("GBR", "United Kingdom"),
];

/// Relationships of a responsible person to the client (HL7 table 0063 subset).
pub const RELATIONSHIPS: &[&str] = &[
    "mother",
    "father",
    "guardian",
    "grandparent",
    "stepparent",
    "foster_parent",
    "sibling",
    "spouse",
    "other",
];

/// The provider-client status at one organization (HL7 table 0441 plus deceased).
pub const PROVIDER_CLIENT_STATUSES: &[&str] = &[
    "active",
    "inactive",
    "lost_to_follow_up",
    "moved",
    "permanently_inactive",
    "deceased",
    "unknown",
];

/// A coded client comment: what kind of fact it records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentCode {
    /// Stable code.
    pub code: &'static str,
    /// immunity / exemption / contraindication / precaution / refusal / condition / other.
    pub category: &'static str,
    /// English label (the UI translates by code).
    pub label: &'static str,
    /// The CDC CDSi observation code the forecaster reads this comment as (immunity evidence,
    /// contraindication, underlying condition), when there is one.
    pub cdsi_observation: Option<&'static str>,
}

const fn comment(code: &'static str, category: &'static str, label: &'static str) -> CommentCode {
    CommentCode {
        code,
        category,
        label,
        cdsi_observation: None,
    }
}

/// A comment the forecaster reads as CDSi observation `cdsi`.
const fn observed(
    code: &'static str,
    category: &'static str,
    label: &'static str,
    cdsi: &'static str,
) -> CommentCode {
    CommentCode {
        code,
        category,
        label,
        cdsi_observation: Some(cdsi),
    }
}

/// The comment code `code`, if it is one.
pub fn comment_code(code: &str) -> Option<&'static CommentCode> {
    COMMENT_CODES.iter().find(|c| c.code == code)
}

/// Client comment codes, after the comment lists of ImmTrac2 and IWeb registries.
pub const COMMENT_CODES: &[CommentCode] = &[
    // Evidence of immunity. "Laboratory evidence" without the disease named maps to nothing:
    // the forecaster needs to know which antigen it covers.
    observed(
        "immunity_varicella",
        "immunity",
        "History of varicella (chickenpox) disease",
        "024",
    ),
    comment(
        "immunity_serology",
        "immunity",
        "Laboratory evidence of immunity",
    ),
    observed(
        "immunity_measles",
        "immunity",
        "History of measles disease",
        "020",
    ),
    comment("exemption_medical", "exemption", "Medical exemption"),
    comment("exemption_religious", "exemption", "Religious exemption"),
    comment(
        "exemption_conscience",
        "exemption",
        "Exemption for reasons of conscience",
    ),
    comment(
        "contraindication_anaphylaxis",
        "contraindication",
        "Severe allergic reaction (anaphylaxis) after a previous dose",
    ),
    observed(
        "contraindication_immunodeficiency",
        "contraindication",
        "Severe immunodeficiency (live vaccines)",
        "246",
    ),
    observed(
        "contraindication_pregnancy",
        "contraindication",
        "Pregnancy (live vaccines)",
        "007",
    ),
    comment(
        "precaution_moderate_illness",
        "precaution",
        "Moderate or severe acute illness",
    ),
    comment(
        "refusal_parent",
        "refusal",
        "Parent or guardian refused vaccination",
    ),
    // Underlying conditions and risk groups that change the schedule (CDSi observation codes).
    observed(
        "condition_asplenia",
        "condition",
        "Anatomical or functional asplenia",
        "160",
    ),
    observed(
        "condition_sickle_cell",
        "condition",
        "Sickle cell disease",
        "259",
    ),
    observed("condition_hiv", "condition", "HIV infection", "186"),
    observed(
        "condition_complement_deficiency",
        "condition",
        "Persistent complement, properdin, or factor B deficiency",
        "151",
    ),
    observed("condition_diabetes", "condition", "Diabetes", "014"),
    observed(
        "condition_chronic_heart",
        "condition",
        "Chronic heart disease",
        "016",
    ),
    observed(
        "condition_chronic_lung",
        "condition",
        "Chronic lung disease",
        "017",
    ),
    observed(
        "condition_chronic_liver",
        "condition",
        "Chronic liver disease",
        "015",
    ),
    observed(
        "condition_chronic_kidney",
        "condition",
        "Chronic kidney disease",
        "161",
    ),
    observed("condition_dialysis", "condition", "Dialysis patient", "032"),
    observed(
        "condition_cochlear_implant",
        "condition",
        "Cochlear implants",
        "011",
    ),
    observed(
        "condition_cystic_fibrosis",
        "condition",
        "Cystic fibrosis",
        "200",
    ),
    observed(
        "condition_health_care_personnel",
        "condition",
        "Health care personnel",
        "055",
    ),
    observed(
        "condition_travel",
        "condition",
        "Travelling internationally",
        "048",
    ),
    comment("other", "other", "Other"),
];

/// Name of the state with USPS `code`.
pub fn state_name(code: &str) -> Option<&'static str> {
    US_STATES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code.trim()))
        .map(|(_, n)| *n)
}

/// The counties of `state` whose list the registry holds (Montana and Texas), in order.
pub fn counties(state: &str) -> Vec<&'static str> {
    COUNTIES_CSV
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .filter(|(s, _)| s.eq_ignore_ascii_case(state.trim()))
        .map(|(_, c)| c)
        .collect()
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    fn address(state: &str, county: &str, zip: &str) -> (Address, Vec<String>) {
        let mut issues = IssueCollector::new();
        let a = Address::parse(
            "",
            AddressInput {
                line1: "415 N 27th St",
                city: "Billings",
                state,
                county,
                zip,
                ..Default::default()
            },
            &mut issues,
        );
        let fields = issues
            .finish()
            .err()
            .map(|e| e.issues.into_iter().map(|i| i.field).collect())
            .unwrap_or_default();
        (a, fields)
    }

    #[test]
    fn the_county_lists_hold_every_montana_and_texas_county() {
        assert_eq!(counties("MT").len(), 56);
        assert_eq!(counties("tx").len(), 254);
        assert!(counties("MT").contains(&"Lewis and Clark"));
        assert!(counties("TX").contains(&"Deaf Smith"));
    }

    #[test]
    fn a_county_must_belong_to_the_state() {
        let (a, bad) = address("MT", "yellowstone county", "59101");
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(a.county.as_deref(), Some("Yellowstone"));
        assert_eq!(a.state, Some("MT"));
        let (_, bad) = address("MT", "Travis", "59101");
        assert_eq!(bad, vec!["county"]);
        let (_, bad) = address("", "Travis", "");
        assert_eq!(bad, vec!["county"]);
    }

    #[test]
    fn states_without_a_county_list_take_the_county_as_typed() {
        let (a, bad) = address("Wyoming", "Park", "82414");
        assert!(bad.is_empty());
        assert_eq!((a.state, a.county.as_deref()), (Some("WY"), Some("Park")));
    }

    #[test]
    fn zip_codes_have_five_or_nine_digits_and_bad_states_are_named() {
        let (a, bad) = address("TX", "Travis", "78702 1234");
        assert!(bad.is_empty());
        assert_eq!(a.zip.unwrap().as_str(), "78702-1234");
        let (_, bad) = address("XX", "", "787");
        assert_eq!(bad, vec!["state", "zip"]);
    }

    fn personal(edit: impl FnOnce(&mut PersonalInput<'static>)) -> Result<Personal, Vec<String>> {
        let mut input = PersonalInput {
            first_name: "Liam",
            last_name: "Running Crane",
            date_of_birth: "05/02/2026",
            gender: "M",
            ..Default::default()
        };
        edit(&mut input);
        let mut issues = IssueCollector::new();
        let p = Personal::parse(input, TODAY, &mut issues);
        match issues.finish() {
            Ok(()) => Ok(p.expect("no issues means a value")),
            Err(e) => Err(e.issues.into_iter().map(|i| i.field).collect()),
        }
    }

    #[test]
    fn the_minimum_is_legal_name_date_of_birth_and_gender() {
        let p = personal(|_| {}).unwrap();
        assert_eq!(p.last_name.as_str(), "Running Crane");
        assert_eq!(p.date_of_birth.date().iso(), "2026-05-02");
        assert_eq!(personal(|i| i.gender = "").unwrap_err(), vec!["gender"]);
        assert_eq!(
            personal(|i| i.date_of_birth = "").unwrap_err(),
            vec!["dateOfBirth"]
        );
    }

    #[test]
    fn every_bad_field_of_the_personal_form_is_reported_at_once() {
        let fields = personal(|i| {
            i.first_name = "L1am";
            i.date_of_birth = "02/30/2026";
            i.race = "purple";
            i.phone = "444-4444";
            i.suffix = "Esq";
        })
        .unwrap_err();
        assert_eq!(
            fields,
            vec!["firstName", "suffix", "dateOfBirth", "race", "phone"]
        );
    }

    #[test]
    fn codes_and_names_from_the_lists_are_both_accepted() {
        let p = personal(|i| {
            i.race = "American Indian or Alaska Native";
            i.ethnicity = "2186-5";
            i.language = "eng";
            i.birth_state = "Montana";
            i.birth_country = "usa";
            i.multiple_birth = "yes";
            i.birth_order = "2";
            i.suffix = "jr.";
            i.phone = "(406) 444 4444";
        })
        .unwrap();
        assert_eq!(p.race, Some("1002-5"));
        assert_eq!(p.birth_state, Some("MT"));
        assert_eq!(p.birth_country, Some("USA"));
        assert_eq!(p.birth_order, Some(2));
        assert_eq!(p.suffix.as_deref(), Some("Jr"));
        assert_eq!(p.phone.unwrap().as_str(), "406-444-4444");
    }

    #[test]
    fn a_birth_order_needs_a_multiple_birth() {
        assert_eq!(
            personal(|i| i.birth_order = "2").unwrap_err(),
            vec!["birthOrder"]
        );
        assert_eq!(
            personal(|i| {
                i.multiple_birth = "yes";
                i.birth_order = "12";
            })
            .unwrap_err(),
            vec!["birthOrder"]
        );
    }

    #[test]
    fn consent_needs_status_method_and_a_date_not_in_the_future() {
        let mut issues = IssueCollector::new();
        let c = ConsentEntry::parse(
            "",
            ConsentInput {
                status: "withdrawn",
                effective_on: "11/22/2026",
                method: "written",
                given_by: "Marie Running Crane, mother",
            },
            TODAY,
            &mut issues,
        )
        .unwrap();
        assert!(issues.finish().is_ok());
        assert_eq!(c.status, ConsentStatus::Withdrawn);
        let mut issues = IssueCollector::new();
        let none = ConsentEntry::parse(
            "consent.",
            ConsentInput {
                status: "maybe",
                effective_on: "11/23/2026",
                method: "",
                given_by: "",
            },
            TODAY,
            &mut issues,
        );
        assert!(none.is_none());
        let fields: Vec<String> = issues
            .finish()
            .unwrap_err()
            .issues
            .into_iter()
            .map(|i| i.field)
            .collect();
        assert_eq!(
            fields,
            vec!["consent.status", "consent.effectiveOn", "consent.method"]
        );
    }

    #[test]
    fn a_responsible_person_needs_a_relationship() {
        let mut issues = IssueCollector::new();
        let p = ResponsiblePerson::parse(
            "guardian.",
            ResponsiblePersonInput {
                first_name: "Marie",
                last_name: "Running Crane",
                relationship: "Mother",
                phone: "406-444-4444",
                ..Default::default()
            },
            &mut issues,
        )
        .unwrap();
        assert_eq!(p.relationship, "mother");
        let mut issues = IssueCollector::new();
        ResponsiblePerson::parse(
            "guardian.",
            ResponsiblePersonInput {
                first_name: "Marie",
                last_name: "Running Crane",
                relationship: "neighbour",
                ..Default::default()
            },
            &mut issues,
        );
        assert_eq!(
            issues.finish().unwrap_err().issues[0].field,
            "guardian.relationship"
        );
    }

    #[test]
    fn comments_are_coded_and_dated_in_order() {
        let c = Comment::parse(CommentInput {
            code: "immunity_varicella",
            applies_from: "06/01/2022",
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.code.category, "immunity");
        let e = Comment::parse(CommentInput {
            code: "exemption_medical",
            applies_from: "06/01/2022",
            applies_until: "01/01/2022",
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.issues[0].field, "appliesUntil");
        let e = Comment::parse(CommentInput {
            code: "other",
            applies_from: "06/01/2022",
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.issues[0].field, "text");
    }

    #[test]
    fn notes_and_akas_are_checked() {
        assert!(parse_note("   ").is_err());
        assert_eq!(
            parse_note(" Mom asks for reminders by text. ").unwrap(),
            "Mom asks for reminders by text."
        );
        let a = Aka::parse(AkaInput {
            first_name: "Baby Boy",
            last_name: "Running Crane",
            kind: "birth",
            ..Default::default()
        })
        .unwrap();
        assert_eq!(a.kind, "birth");
        assert!(Aka::parse(AkaInput {
            first_name: "X",
            last_name: "Y",
            kind: "nickname",
            ..Default::default()
        })
        .is_err());
    }
}
