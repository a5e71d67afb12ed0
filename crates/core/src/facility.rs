//! What a school or child-care facility may reach in the registry.
//!
//! Texas lets a school or child-care facility see the registry record of a child it serves to
//! verify the child's immunization status (Health and Safety Code §161.008; ImmTrac2 gives them
//! "View Only Non-Providers" access with a school module), and Montana opens imMTrax to "school
//! and daycare personnel" for the same purpose. Neither is a licence to browse the state: a
//! school has no business with a 7-month-old, nor with a child of another state. The rule (see
//! `docs/decisions/20261207T1300-school-and-child-care-reach.md`):
//!
//! - a facility sees only clients of its own state, within the ages it serves
//!   ([`served_ages`]): child care from birth to the 14th birthday, schools from the 3rd
//!   birthday (pre-kindergarten) to the 22nd (special education runs through 21);
//! - it finds a student by name and date of birth ([`student_search_issues`]), never by
//!   phone, address, ZIP, guardian, mother's maiden name or client ID alone.
//!
//! Outside that reach the record does not exist for the facility (the consent rule's
//! [`ClientAccess::NONE`](crate::consent::ClientAccess::NONE)): a search does not list it and
//! opening or printing it is refused and audited.

use serde::Serialize;
use time::Date;

use crate::date::UsDate;
use crate::error::Issue;
use crate::organization::OrganizationKind;

/// Ages a facility serves: from the `from_years` birthday up to, not including, the
/// `until_years` birthday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ServedAges {
    /// First birthday in reach.
    pub from_years: i32,
    /// First birthday out of reach again.
    pub until_years: i32,
}

/// The ages a kind of organization serves, or `None` for organizations whose reach is not by
/// age (providers, health departments, the registry).
pub fn served_ages(kind: OrganizationKind) -> Option<ServedAges> {
    match kind {
        // Texas licenses child care for children under 14 (26 TAC §746.105); Montana's
        // child-care rules (ARM 37.95) are for children under 13, so 14 covers both.
        OrganizationKind::ChildCare => Some(ServedAges {
            from_years: 0,
            until_years: 14,
        }),
        // Pre-kindergarten from age 3 (Texas Education Code §29.153) to the end of special
        // education eligibility at 21 (IDEA).
        OrganizationKind::School => Some(ServedAges {
            from_years: 3,
            until_years: 22,
        }),
        OrganizationKind::Provider
        | OrganizationKind::HealthDepartment
        | OrganizationKind::Registry => None,
    }
}

/// Why a client is out of a facility's reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutOfReach {
    /// The client lives in another state, or the state is not known.
    OtherState,
    /// The client is younger or older than the children the facility serves.
    OutsideServedAges,
}

impl OutOfReach {
    /// Stable code (audited with the refusal).
    pub fn code(&self) -> &'static str {
        match self {
            Self::OtherState => "facility_other_state",
            Self::OutsideServedAges => "facility_outside_served_ages",
        }
    }
}

/// Whether a facility of `kind` in `facility_state` may reach a client of `client_state` born
/// on `date_of_birth`, on `today`. Organizations without a served age range are not limited
/// here (their reach is the consent rule's).
pub fn facility_reach(
    kind: OrganizationKind,
    facility_state: &str,
    client_state: Option<&str>,
    date_of_birth: Date,
    today: Date,
) -> Result<(), OutOfReach> {
    let Some(ages) = served_ages(kind) else {
        return Ok(());
    };
    if !client_state.is_some_and(|s| s.trim().eq_ignore_ascii_case(facility_state.trim())) {
        return Err(OutOfReach::OtherState);
    }
    let age = UsDate::from_date(date_of_birth).years_until(today);
    if age < ages.from_years || age >= ages.until_years {
        return Err(OutOfReach::OutsideServedAges);
    }
    Ok(())
}

/// What a facility user's search lacks, by field: a student is found by last name, first name
/// and date of birth together (the facility has them from the enrolment form). Empty: the
/// search may run. `has_other_keys` is whether the search names anything else that identifies
/// a person on its own (client ID, phone, address, ZIP, guardian, mother's maiden name).
pub fn student_search_issues(
    last_name: bool,
    first_name: bool,
    date_of_birth: bool,
    has_other_keys: bool,
) -> Vec<Issue> {
    let mut issues = Vec::new();
    let message = "Schools and child-care facilities find a student by last name, first name and date of birth.";
    for (given, field) in [
        (last_name, "lastName"),
        (first_name, "firstName"),
        (date_of_birth, "dateOfBirth"),
    ] {
        if !given {
            issues.push(Issue::new(field, message));
        }
    }
    if has_other_keys && issues.is_empty() {
        // Named with the three: still refused, so the result never depends on a restricted field.
        issues.push(Issue::new(
            "query",
            "Search for a student by last name, first name and date of birth only.",
        ));
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 07);

    fn reach(kind: OrganizationKind, state: Option<&str>, born: Date) -> Result<(), OutOfReach> {
        facility_reach(kind, "TX", state, born, TODAY)
    }

    #[test]
    fn a_school_reaches_its_states_children_from_three_to_twenty_one() {
        let school = OrganizationKind::School;
        assert_eq!(
            reach(school, Some("MT"), date!(2015 - 01 - 01)),
            Err(OutOfReach::OtherState)
        );
        assert_eq!(
            reach(school, None, date!(2015 - 01 - 01)),
            Err(OutOfReach::OtherState)
        );
        assert_eq!(reach(school, Some("tx "), date!(2015 - 01 - 01)), Ok(()));
        // A 7-month-old is no school's student.
        assert_eq!(
            reach(school, Some("TX"), date!(2026 - 05 - 07)),
            Err(OutOfReach::OutsideServedAges)
        );
        // Either side of the third birthday.
        assert_eq!(
            reach(school, Some("TX"), date!(2023 - 12 - 08)),
            Err(OutOfReach::OutsideServedAges)
        );
        assert_eq!(reach(school, Some("TX"), date!(2023 - 12 - 07)), Ok(()));
        // Either side of the 22nd.
        assert_eq!(reach(school, Some("TX"), date!(2004 - 12 - 08)), Ok(()));
        assert_eq!(
            reach(school, Some("TX"), date!(2004 - 12 - 07)),
            Err(OutOfReach::OutsideServedAges)
        );
    }

    #[test]
    fn child_care_reaches_infants_up_to_the_fourteenth_birthday() {
        let care = OrganizationKind::ChildCare;
        assert_eq!(reach(care, Some("TX"), date!(2026 - 12 - 07)), Ok(()));
        assert_eq!(reach(care, Some("TX"), date!(2026 - 05 - 07)), Ok(()));
        assert_eq!(reach(care, Some("TX"), date!(2012 - 12 - 08)), Ok(()));
        assert_eq!(
            reach(care, Some("TX"), date!(2012 - 12 - 07)),
            Err(OutOfReach::OutsideServedAges)
        );
        assert_eq!(
            reach(care, Some("MT"), date!(2026 - 05 - 07)),
            Err(OutOfReach::OtherState)
        );
    }

    #[test]
    fn other_organizations_are_not_limited_by_age_or_state_here() {
        for kind in [
            OrganizationKind::Provider,
            OrganizationKind::HealthDepartment,
            OrganizationKind::Registry,
        ] {
            assert_eq!(served_ages(kind), None);
            assert_eq!(reach(kind, Some("MT"), date!(1950 - 01 - 01)), Ok(()));
            assert_eq!(reach(kind, None, date!(2026 - 05 - 07)), Ok(()));
        }
    }

    #[test]
    fn a_student_is_found_by_both_names_and_the_date_of_birth() {
        assert!(student_search_issues(true, true, true, false).is_empty());
        let fields =
            |issues: Vec<Issue>| -> Vec<String> { issues.into_iter().map(|i| i.field).collect() };
        assert_eq!(
            fields(student_search_issues(true, false, false, false)),
            ["firstName", "dateOfBirth"]
        );
        assert_eq!(
            fields(student_search_issues(false, false, false, true)),
            ["lastName", "firstName", "dateOfBirth"]
        );
        assert_eq!(
            fields(student_search_issues(true, true, true, true)),
            ["query"]
        );
    }
}
