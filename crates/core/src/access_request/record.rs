//! A request as it is kept: the form as typed (drafts may be half-filled) and the signed
//! agreement, in the shapes every store keeps them (JSON with the form's field names); the
//! agreement code and the username picked on approval.

use serde::{Deserialize, Serialize};

use super::{AccessRequestForm, AccessRequestInput};

/// Every field of the access request form, as typed (drafts) or as validated (submitted).
/// Serialized with the form's field names (`legalFirstName` …); a field left out reads as
/// empty, as on a half-filled form (the parse then names what is missing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[allow(missing_docs)]
pub struct RequestForm {
    pub request_type: String,
    pub organization_code: String,
    pub existing_username: String,
    pub legal_first_name: String,
    pub legal_middle_name: String,
    pub legal_last_name: String,
    pub date_of_birth: String,
    pub phone: String,
    pub email: String,
    pub prior_access: String,
    pub employer: String,
    pub job_title: String,
    pub location_name: String,
    pub vfc_pin: String,
    pub address: String,
    pub city: String,
    pub state: String,
    pub county: String,
    pub zip: String,
    pub start_date: String,
    pub end_date: String,
    pub access_requested: String,
    pub justification: String,
    pub supervisor_name: String,
    pub supervisor_title: String,
    pub attestation: bool,
}

impl RequestForm {
    /// The fields for [`AccessRequestForm::parse`].
    pub fn input(&self) -> AccessRequestInput<'_> {
        AccessRequestInput {
            request_type: &self.request_type,
            existing_username: &self.existing_username,
            legal_first_name: &self.legal_first_name,
            legal_middle_name: &self.legal_middle_name,
            legal_last_name: &self.legal_last_name,
            date_of_birth: &self.date_of_birth,
            phone: &self.phone,
            email: &self.email,
            prior_access: &self.prior_access,
            employer: &self.employer,
            job_title: &self.job_title,
            location_name: &self.location_name,
            vfc_pin: &self.vfc_pin,
            address: &self.address,
            city: &self.city,
            state: &self.state,
            county: &self.county,
            zip: &self.zip,
            start_date: &self.start_date,
            end_date: &self.end_date,
            access_requested: &self.access_requested,
            justification: &self.justification,
            supervisor_name: &self.supervisor_name,
            supervisor_title: &self.supervisor_title,
            attestation: self.attestation,
        }
    }

    /// The form as validated: phones, dates, names and codes in their shown forms.
    pub fn normalized(form: &AccessRequestForm, organization_code: &str) -> Self {
        Self {
            request_type: form.request_type.code().into(),
            organization_code: organization_code.into(),
            existing_username: form.existing_username.clone().unwrap_or_default(),
            legal_first_name: form.first_name.to_string(),
            legal_middle_name: form
                .middle_name
                .as_ref()
                .map(|m| m.to_string())
                .unwrap_or_default(),
            legal_last_name: form.last_name.to_string(),
            date_of_birth: form.date_of_birth.date().to_string(),
            phone: form.phone.as_str().into(),
            email: form.email.as_str().into(),
            prior_access: if form.prior_access { "yes" } else { "no" }.into(),
            employer: form.employer.clone(),
            job_title: form.job_title.clone(),
            location_name: form.location_name.clone(),
            vfc_pin: form
                .vfc_pin
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            address: form.address.clone(),
            city: form.city.clone(),
            state: form.state.code().into(),
            county: form.county.as_str().into(),
            zip: form.zip.as_str().into(),
            start_date: form.start_date.map(|d| d.to_string()).unwrap_or_default(),
            end_date: form.end_date.map(|d| d.to_string()).unwrap_or_default(),
            access_requested: form.role.map(|r| r.code().to_string()).unwrap_or_default(),
            justification: form.justification.clone(),
            supervisor_name: form.supervisor_name.clone(),
            supervisor_title: form.supervisor_title.clone(),
            attestation: true,
        }
    }

    /// The prospective user's name as typed: "Nancy Nurse".
    pub fn user_name(&self) -> String {
        format!(
            "{} {}",
            self.legal_first_name.trim(),
            self.legal_last_name.trim()
        )
        .trim()
        .to_string()
    }
}

/// The signed User Agreement as kept beside its request (the statements' text as signed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgreementRecord {
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

/// The agreement code's alphabet: no look-alikes (0/O, 1/I).
pub const AGREEMENT_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// How long an emailed agreement code works (the supervisor resends the agreement after).
pub const AGREEMENT_CODE_VALIDITY: time::Duration = time::Duration::days(14);
/// Wrong codes tried on one request before its code stops working (until resent).
pub const AGREEMENT_CODE_ATTEMPTS: u32 = 10;

/// An agreement code, `ABCD-EFGH-JKLM`: twelve characters of [`AGREEMENT_CODE_ALPHABET`] (60
/// bits), each chosen by `draw(n)`, which returns a random index below `n` (the host's
/// randomness).
pub fn agreement_code(mut draw: impl FnMut(usize) -> usize) -> String {
    let chars: String = (0..12)
        .map(|_| {
            AGREEMENT_CODE_ALPHABET
                [draw(AGREEMENT_CODE_ALPHABET.len()) % AGREEMENT_CODE_ALPHABET.len()]
                as char
        })
        .collect();
    format!("{}-{}-{}", &chars[..4], &chars[4..8], &chars[8..])
}

/// An agreement code as typed, reduced to what is compared: letters and digits, upper case.
pub fn normalize_agreement_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// What a request keeps of its emailed code: the BLAKE2s-256 of the normalized code, in hex.
/// One function for every registry, so a request's hash means the same on the server and on
/// a workstation's replica. (The code has 60 bits, is valid 14 days and 10 tries: a fast hash
/// is enough.)
pub fn agreement_code_hash(normalized_code: &str) -> String {
    use blake2::{Blake2s256, Digest};
    Blake2s256::digest(normalized_code.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A username not taken yet: `base`, then `base2`, `base3` … (`taken` compared without case).
pub fn free_username(base: &str, taken: &[String]) -> String {
    let taken: Vec<String> = taken.iter().map(|u| u.to_lowercase()).collect();
    (1..)
        .map(|n| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}{n}")
            }
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_three_groups_of_four_and_compare_without_dashes_or_case() {
        let mut n = 0;
        let code = agreement_code(|len| {
            n += 1;
            n % len
        });
        assert_eq!(code, "BCDE-FGHJ-KLMN");
        let bits = (AGREEMENT_CODE_ALPHABET.len() as f64).log2() * 12.0;
        assert!(bits >= 60.0, "{bits} bits");
        assert_eq!(normalize_agreement_code(" bcde-fghj "), "BCDEFGHJ");
    }

    #[test]
    fn a_taken_username_gets_the_next_number() {
        assert_eq!(free_username("nancy.nurse", &[]), "nancy.nurse");
        let taken = vec!["Nancy.Nurse".to_string(), "nancy.nurse2".to_string()];
        assert_eq!(free_username("nancy.nurse", &taken), "nancy.nurse3");
    }
}
