//! People: names and administrative sex as registries record them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Issue;
use crate::normalize::fold_name;

/// A person's name part (first, middle or last), trimmed, 1–50 characters, made of letters,
/// spaces, apostrophes, hyphens and periods (any script: "Nguyễn" and "Ñuñez" are valid).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    /// Longest name part the registry stores (HL7 XPN components allow more, states store 50).
    pub const MAX_LEN: usize = 50;

    /// Parses form field `field`.
    ///
    /// ```
    /// use shotbook_core::person::PersonName;
    /// assert_eq!(PersonName::parse_field("lastName", " García-López ").unwrap().as_str(), "García-López");
    /// assert!(PersonName::parse_field("lastName", "R2D2").is_err());
    /// ```
    pub fn parse_field(field: &str, input: &str) -> Result<Self, Issue> {
        let s = input.trim();
        if s.is_empty() {
            return Err(Issue::new(field, "Enter a name."));
        }
        if s.chars().count() > Self::MAX_LEN {
            return Err(Issue::new(
                field,
                format!("Use at most {} characters.", Self::MAX_LEN),
            ));
        }
        if let Some(bad) = s
            .chars()
            .find(|c| !(c.is_alphabetic() || " '-.".contains(*c)))
        {
            return Err(Issue::new(
                field,
                format!("'{bad}' cannot be part of a name; use letters, spaces, hyphens or apostrophes."),
            ));
        }
        if fold_name(s).is_empty() {
            return Err(Issue::new(field, "A name needs at least one letter."));
        }
        Ok(Self(s.split_whitespace().collect::<Vec<_>>().join(" ")))
    }

    /// The name as entered (trimmed, inner spaces collapsed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The folded search key (see [`fold_name`]).
    pub fn folded(&self) -> String {
        fold_name(&self.0)
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Administrative sex as HL7 table 0001 codes it for registries (F, M, U; X for non-binary where
/// the jurisdiction accepts it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gender {
    /// Female.
    #[serde(rename = "F")]
    Female,
    /// Male.
    #[serde(rename = "M")]
    Male,
    /// Non-binary / other.
    #[serde(rename = "X")]
    NonBinary,
    /// Unknown.
    #[serde(rename = "U")]
    Unknown,
}

impl Gender {
    /// The one-letter HL7 code stored in the database.
    pub fn code(&self) -> &'static str {
        match self {
            Gender::Female => "F",
            Gender::Male => "M",
            Gender::NonBinary => "X",
            Gender::Unknown => "U",
        }
    }

    /// Parses an HL7 code (case-insensitive) or the English word.
    pub fn parse(input: &str) -> Option<Self> {
        match input.trim().to_ascii_uppercase().as_str() {
            "F" | "FEMALE" => Some(Gender::Female),
            "M" | "MALE" => Some(Gender::Male),
            "X" | "NONBINARY" | "NON-BINARY" => Some(Gender::NonBinary),
            "U" | "UNKNOWN" => Some(Gender::Unknown),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_any_script_with_hyphens_and_apostrophes_are_accepted() {
        for n in [
            "O'Brien",
            "Smith-Jones",
            "Nguyễn",
            "Ñuñez",
            "St. John",
            "Ánh",
        ] {
            assert!(PersonName::parse_field("lastName", n).is_ok(), "{n}");
        }
    }

    #[test]
    fn an_empty_name_is_refused_on_its_field() {
        let issue = PersonName::parse_field("firstName", "   ").unwrap_err();
        assert_eq!(issue.field, "firstName");
    }

    #[test]
    fn digits_and_symbols_are_refused_and_the_character_is_named() {
        let issue = PersonName::parse_field("lastName", "Sm1th").unwrap_err();
        assert!(issue.message.contains("'1'"), "{}", issue.message);
    }

    #[test]
    fn inner_whitespace_is_collapsed() {
        assert_eq!(
            PersonName::parse_field("f", "Mary   Ann").unwrap().as_str(),
            "Mary Ann"
        );
    }

    #[test]
    fn gender_codes_round_trip() {
        for g in [
            Gender::Female,
            Gender::Male,
            Gender::NonBinary,
            Gender::Unknown,
        ] {
            assert_eq!(Gender::parse(g.code()), Some(g));
        }
        assert_eq!(Gender::parse("q"), None);
    }
}
