//! CDC code-set identifiers: CVX (vaccine administered, HL7 table 0292) and MVX (manufacturer,
//! HL7 table 0227).

use std::fmt;

use crate::error::Issue;

/// A CVX code: 1–3 digits, stored without leading zeros' ambiguity as CDC publishes it
/// (two digits minimum: "03", "08", "110").
///
/// ```
/// use shotbook_core::codes::Cvx;
/// assert_eq!(Cvx::parse("3").unwrap().as_str(), "03");
/// assert_eq!(Cvx::parse("110").unwrap().as_str(), "110");
/// assert!(Cvx::parse("MMR").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cvx(String);

impl Cvx {
    /// Parses a CVX code, normalising it to CDC's at-least-two-digit form.
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("'{s}' is not a CVX code (1 to 3 digits)."));
        }
        let n: u16 = s.parse().map_err(|_| format!("'{s}' is not a CVX code."))?;
        Ok(Self(format!("{n:02}")))
    }

    /// Parses form field `field`.
    pub fn parse_field(field: &str, input: &str) -> Result<Self, Issue> {
        Self::parse(input).map_err(|m| Issue::new(field, m))
    }

    /// The code as CDC publishes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// CVX 998 ("no vaccine administered") and 999 ("unknown") are placeholders, not vaccines.
    pub fn is_placeholder(&self) -> bool {
        matches!(self.0.as_str(), "998" | "999")
    }
}

impl fmt::Display for Cvx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An MVX manufacturer code: 2–3 upper-case letters (e.g. "MSD", "PFR", "SKB").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mvx(String);

impl Mvx {
    /// Parses an MVX code (case-insensitive).
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim().to_ascii_uppercase();
        if !(2..=3).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!("'{s}' is not an MVX code (2 or 3 letters)."));
        }
        Ok(Self(s))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Mvx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The items of a comma-separated list as the code tables store them ("MMR, VARICELLA"),
/// trimmed, empty items dropped.
pub fn comma_list(text: Option<&str>) -> Vec<String> {
    text.unwrap_or_default()
        .split(',')
        .map(|g| g.trim().to_string())
        .filter(|g| !g.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_digit_cvx_gets_cdc_leading_zero() {
        assert_eq!(Cvx::parse("8").unwrap().as_str(), "08");
        assert_eq!(Cvx::parse("08").unwrap().as_str(), "08");
    }

    #[test]
    fn placeholder_cvx_codes_are_recognised() {
        assert!(Cvx::parse("998").unwrap().is_placeholder());
        assert!(!Cvx::parse("03").unwrap().is_placeholder());
    }

    #[test]
    fn mvx_is_upper_cased_and_letters_only() {
        assert_eq!(Mvx::parse("msd").unwrap().as_str(), "MSD");
        assert!(Mvx::parse("M5D").is_err());
        assert!(Mvx::parse("MERCK").is_err());
    }
}
