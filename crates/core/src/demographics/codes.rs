//! The closed lists the Demographics screen offers: CDC race and ethnicity, languages,
//! countries, relationships, provider-client statuses and coded client comments.

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
    // Reminder/recall contact (ImmTrac2's "Allow Reminder Recall Contact" and "No Viable
    // Address"; HL7 PD1-11 publicity code 01 "No reminder/recall"). Codes shared with
    // `shotbook_reports::recall`.
    comment(
        "reminder_recall_declined",
        "contact",
        "Family declined reminder/recall contact",
    ),
    comment(
        "address_not_viable",
        "contact",
        "No viable address (mail returned)",
    ),
    comment("other", "other", "Other"),
];
