//! Contact details as US registries write them: phones `406-444-4444`, plain email addresses.

use crate::error::Issue;

/// A US phone number, shown as `406-444-4444`.
///
/// ```
/// use shotbook_core::contact::UsPhone;
/// assert_eq!(UsPhone::parse_field("phone", "(406) 444.4444").unwrap().as_str(), "406-444-4444");
/// assert_eq!(UsPhone::parse_field("phone", "+1 512 776 7111").unwrap().as_str(), "512-776-7111");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsPhone(String);

impl UsPhone {
    /// Accepts any punctuation around 10 digits (11 with a leading country code 1).
    pub fn parse_field(field: &str, input: &str) -> Result<Self, Issue> {
        let digits: String = input.chars().filter(|c| c.is_ascii_digit()).collect();
        let digits = match digits.len() {
            11 if digits.starts_with('1') => digits[1..].to_string(),
            _ => digits,
        };
        if digits.len() != 10 || input.chars().any(|c| c.is_alphabetic()) {
            return Err(Issue::new(
                field,
                "Enter a 10-digit phone number, like 406-444-4444.",
            ));
        }
        if digits.starts_with('0') || digits.starts_with('1') {
            return Err(Issue::new(
                field,
                "A US area code does not start with 0 or 1.",
            ));
        }
        Ok(Self(format!(
            "{}-{}-{}",
            &digits[0..3],
            &digits[3..6],
            &digits[6..]
        )))
    }

    /// `406-444-4444`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address: one `@`, a non-empty local part, a domain with a dot, no spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses form field `field` (trimmed; kept as typed apart from a lower-cased domain).
    pub fn parse_field(field: &str, input: &str) -> Result<Self, Issue> {
        let s = input.trim();
        let bad = || Issue::new(field, "Enter an email address like name@clinic.org.");
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.contains(char::is_whitespace) || !domain_ok || s.len() > 254 {
            return Err(bad());
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Same mailbox, ignoring case (what "email on file" comparisons use).
    pub fn same_as(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_with_letters_or_wrong_length_are_refused() {
        assert!(UsPhone::parse_field("phone", "406-444-444").is_err());
        assert!(UsPhone::parse_field("phone", "406-GOT-SHOT").is_err());
        assert!(UsPhone::parse_field("phone", "106-444-4444").is_err());
        assert_eq!(
            UsPhone::parse_field("phone", "4064444444")
                .unwrap()
                .as_str(),
            "406-444-4444"
        );
    }

    #[test]
    fn email_addresses_need_a_local_part_and_a_dotted_domain() {
        assert_eq!(
            EmailAddress::parse_field("email", " Ann@Clinic.ORG ")
                .unwrap()
                .as_str(),
            "Ann@clinic.org"
        );
        for bad in [
            "ann",
            "ann@clinic",
            "@clinic.org",
            "ann @clinic.org",
            "ann@clinic..org",
        ] {
            assert!(EmailAddress::parse_field("email", bad).is_err(), "{bad}");
        }
        assert!(EmailAddress::parse_field("email", "ann@clinic.org")
            .unwrap()
            .same_as("ANN@clinic.org"));
    }
}
