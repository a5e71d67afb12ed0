//! The User Agreement the prospective user signs: its statements, by jurisdiction, and the
//! signed agreement parsed from the form.

use super::*;

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
