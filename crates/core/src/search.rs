//! Client search criteria.

use time::Date;

use crate::date::{DateOfBirth, UsDate};
use crate::error::{Issue, IssueCollector, ValidationError};
use crate::normalize::fold_name;

/// Basic search: last name and first name prefixes and/or an exact date of birth, as ImmTrac2's
/// Basic Search offers. Names match on their folded form (see [`fold_name`]), so "garcia"
/// finds "García" and "Smith" finds "Smith-Jones".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasicSearch {
    /// Folded last-name prefix.
    pub last_name: Option<String>,
    /// Folded first-name prefix.
    pub first_name: Option<String>,
    /// Exact date of birth.
    pub date_of_birth: Option<UsDate>,
}

/// The raw form fields of a basic search.
#[derive(Debug, Clone, Default)]
pub struct BasicSearchInput<'a> {
    /// As typed.
    pub last_name: &'a str,
    /// As typed.
    pub first_name: &'a str,
    /// As typed (MM/DD/YYYY or ISO).
    pub date_of_birth: &'a str,
}

impl BasicSearch {
    /// Parses the form: at least a last name or a date of birth is required so a search never
    /// lists the whole registry.
    pub fn parse(input: BasicSearchInput<'_>, today: Date) -> Result<Self, ValidationError> {
        let mut issues = IssueCollector::new();
        let last = fold_name(input.last_name);
        let first = fold_name(input.first_name);
        if !input.last_name.trim().is_empty() && last.is_empty() {
            issues.push(Issue::new(
                "lastName",
                "A last name needs at least one letter.",
            ));
        }
        if !input.first_name.trim().is_empty() && first.is_empty() {
            issues.push(Issue::new(
                "firstName",
                "A first name needs at least one letter.",
            ));
        }
        let dob = if input.date_of_birth.trim().is_empty() {
            None
        } else {
            issues.take(DateOfBirth::parse_field(
                "dateOfBirth",
                input.date_of_birth,
                today,
            ))
        };
        if input.last_name.trim().is_empty() && input.date_of_birth.trim().is_empty() {
            issues.push(Issue::new(
                "lastName",
                "Enter a last name or a date of birth to search.",
            ));
        }
        issues.finish()?;
        Ok(Self {
            last_name: (!last.is_empty()).then_some(last),
            first_name: (!first.is_empty()).then_some(first),
            date_of_birth: dob.map(|d| d.date()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    fn parse(last: &str, first: &str, dob: &str) -> Result<BasicSearch, ValidationError> {
        BasicSearch::parse(
            BasicSearchInput {
                last_name: last,
                first_name: first,
                date_of_birth: dob,
            },
            TODAY,
        )
    }

    #[test]
    fn names_are_folded_for_matching() {
        let s = parse("García", " jo ", "").unwrap();
        assert_eq!(s.last_name.as_deref(), Some("GARCIA"));
        assert_eq!(s.first_name.as_deref(), Some("JO"));
        assert_eq!(s.date_of_birth, None);
    }

    #[test]
    fn a_date_of_birth_alone_is_enough() {
        let s = parse("", "", "3/14/2019").unwrap();
        assert_eq!(s.date_of_birth.unwrap().iso(), "2019-03-14");
    }

    #[test]
    fn a_first_name_alone_is_refused_on_the_last_name_field() {
        let e = parse("", "Ana", "").unwrap_err();
        assert_eq!(e.issues.len(), 1);
        assert_eq!(e.issues[0].field, "lastName");
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let e = parse("--", "", "31/12/2020").unwrap_err();
        let fields: Vec<&str> = e.issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, vec!["lastName", "dateOfBirth"]);
    }
}
