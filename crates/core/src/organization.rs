//! Organizations and the reach of a role: which organizations a signed-in user may act on.
//!
//! A role's [`Scope`] is an organization (with its locations), a sub-state area (the counties a
//! health service region or local health department is responsible for) or the whole state.
//! [`Reach::covers`] is the one place that decides whether a target organization is in scope;
//! every command acting on an organization other than the session's asks it.

use serde::{Deserialize, Serialize};

use crate::demographics::{counties, state_name, US_STATES};
use crate::error::Issue;
use crate::ids::OrganizationId;
use crate::permission::Scope;

/// What kind of organization it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationKind {
    /// A clinic, hospital or pharmacy that gives vaccines.
    Provider,
    /// A school (reads student records).
    School,
    /// A child-care centre.
    ChildCare,
    /// A local health department or health service region.
    HealthDepartment,
    /// The registry itself (help desk, state office).
    Registry,
}

impl OrganizationKind {
    /// Every kind.
    pub const ALL: [OrganizationKind; 5] = [
        OrganizationKind::Provider,
        OrganizationKind::School,
        OrganizationKind::ChildCare,
        OrganizationKind::HealthDepartment,
        OrganizationKind::Registry,
    ];

    /// Stable code stored in the database.
    pub fn code(&self) -> &'static str {
        match self {
            OrganizationKind::Provider => "provider",
            OrganizationKind::School => "school",
            OrganizationKind::ChildCare => "child_care",
            OrganizationKind::HealthDepartment => "health_department",
            OrganizationKind::Registry => "registry",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Name shown to users.
    pub fn title(&self) -> &'static str {
        match self {
            OrganizationKind::Provider => "Provider",
            OrganizationKind::School => "School",
            OrganizationKind::ChildCare => "Child care",
            OrganizationKind::HealthDepartment => "Health department",
            OrganizationKind::Registry => "Registry",
        }
    }
}

/// Where an organization is: what scope checks compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The organization.
    pub organization_id: OrganizationId,
    /// Two-letter state.
    pub state: String,
    /// County name (without "County").
    pub county: String,
    /// The registry's own office (help desk, state staff): outside every sub-state area.
    pub registry: bool,
}

/// How far a signed-in role reaches: its scope, anchored at the session's organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// The role's scope.
    pub scope: Scope,
    /// The session's organization.
    pub home: Place,
    /// For [`Scope::Area`]: the counties the home organization is responsible for.
    pub area_counties: Vec<String>,
}

impl Reach {
    /// Is `target` within reach? Organization scope: only the home organization. Area scope:
    /// the home organization and organizations in its counties (same state), except the
    /// registry's own offices, which regional staff must not manage. State scope: every
    /// organization of the home organization's state — a registry serves one state.
    pub fn covers(&self, target: &Place) -> bool {
        if target.organization_id == self.home.organization_id {
            return true;
        }
        let same_state = target.state.eq_ignore_ascii_case(&self.home.state);
        match self.scope {
            Scope::Organization => false,
            Scope::Area => {
                same_state
                    && !target.registry
                    && self
                        .area_counties
                        .iter()
                        .any(|c| c.eq_ignore_ascii_case(target.county.trim()))
            }
            Scope::State => same_state,
        }
    }
}

/// Texas Health Service Region 7 (Temple): the demo's sub-state area.
pub const TEXAS_HSR7_COUNTIES: &[&str] = &[
    "Bastrop",
    "Bell",
    "Blanco",
    "Bosque",
    "Brazos",
    "Burleson",
    "Burnet",
    "Caldwell",
    "Coryell",
    "Falls",
    "Fayette",
    "Freestone",
    "Grimes",
    "Hamilton",
    "Hays",
    "Hill",
    "Lampasas",
    "Lee",
    "Leon",
    "Limestone",
    "Llano",
    "Madison",
    "McLennan",
    "Milam",
    "Mills",
    "Robertson",
    "San Saba",
    "Travis",
    "Washington",
    "Williamson",
];

/// A US state or territory by postal code, e.g. `MT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsState(&'static str);

impl UsState {
    /// Parses a postal code or full name (case-insensitive).
    pub fn parse_field(field: &str, input: &str) -> Result<Self, Issue> {
        let s = input.trim();
        US_STATES
            .iter()
            .find(|(code, name)| code.eq_ignore_ascii_case(s) || name.eq_ignore_ascii_case(s))
            .map(|(code, _)| Self(code))
            .ok_or_else(|| Issue::new(field, "Enter a US state, like MT or TX."))
    }

    /// Postal code.
    pub fn code(&self) -> &'static str {
        self.0
    }
}

/// A county name, checked against the state's list where Shotbook has it (Montana).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct County(String);

impl County {
    /// Parses a county of `state` ("County" at the end is dropped: `Lewis and Clark County`).
    pub fn parse_field(field: &str, input: &str, state: Option<UsState>) -> Result<Self, Issue> {
        let s = input.trim();
        let s = s
            .strip_suffix(" County")
            .or_else(|| s.strip_suffix(" county"))
            .unwrap_or(s)
            .trim();
        if s.is_empty() {
            return Err(Issue::new(field, "Enter the county."));
        }
        if s.chars()
            .any(|c| !(c.is_alphabetic() || " .'-".contains(c)))
            || s.len() > 40
        {
            return Err(Issue::new(
                field,
                "Enter the county name, like Yellowstone.",
            ));
        }
        // Checked against the county list for the states the registry holds one for (Montana
        // and Texas); elsewhere any well-formed name is accepted.
        if let Some(st) = state {
            let known = counties(st.code());
            if !known.is_empty() {
                let name = state_name(st.code()).unwrap_or(st.code());
                return known
                    .iter()
                    .find(|c| c.eq_ignore_ascii_case(s))
                    .map(|c| Self((*c).to_string()))
                    .ok_or_else(|| Issue::new(field, format!("{s} is not a {name} county.")));
            }
        }
        Ok(Self(s.split_whitespace().collect::<Vec<_>>().join(" ")))
    }

    /// The county name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A US ZIP code, 5 digits or ZIP+4 (`59601` or `59601-1234`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipCode(String);

impl ZipCode {
    /// Parses `field`; nine digits are shown as ZIP+4.
    pub fn parse_field(field: &str, input: &str) -> Result<Self, Issue> {
        let s = input.trim();
        let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
        let shaped = s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
        match digits.len() {
            5 if shaped => Ok(Self(digits)),
            9 if shaped => Ok(Self(format!("{}-{}", &digits[..5], &digits[5..]))),
            _ => Err(Issue::new(
                field,
                "Enter a 5-digit ZIP code or ZIP+4, like 59601.",
            )),
        }
    }

    /// The ZIP code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Vaccines for Children provider PIN: letters and digits, at most 12.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VfcPin(String);

impl VfcPin {
    /// Parses `field`.
    pub fn parse_field(field: &str, input: &str) -> Result<Self, Issue> {
        let s = input.trim();
        if s.is_empty() || s.len() > 12 || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(Issue::new(
                field,
                "A VFC PIN has up to 12 letters and digits, like 2102.",
            ));
        }
        Ok(Self(s.to_ascii_uppercase()))
    }

    /// The PIN.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(id: OrganizationId, state: &str, county: &str) -> Place {
        Place {
            organization_id: id,
            state: state.into(),
            county: county.into(),
            registry: false,
        }
    }

    fn reach(scope: Scope) -> Reach {
        Reach {
            scope,
            home: place(OrganizationId::new(), "TX", "Bell"),
            area_counties: vec!["Bell".into(), "Travis".into()],
        }
    }

    #[test]
    fn organization_scope_covers_only_the_home_organization() {
        let r = reach(Scope::Organization);
        assert!(r.covers(&r.home.clone()));
        assert!(!r.covers(&place(OrganizationId::new(), "TX", "Bell")));
    }

    #[test]
    fn area_scope_covers_its_counties_in_its_state_only() {
        let r = reach(Scope::Area);
        assert!(r.covers(&place(OrganizationId::new(), "TX", "travis")));
        assert!(!r.covers(&place(OrganizationId::new(), "TX", "Harris")));
        assert!(!r.covers(&place(OrganizationId::new(), "MT", "Travis")));
        let state_office = Place {
            registry: true,
            ..place(OrganizationId::new(), "TX", "Travis")
        };
        assert!(
            !r.covers(&state_office),
            "the state office is nobody's area"
        );
    }

    #[test]
    fn state_scope_stops_at_the_state_line() {
        let r = reach(Scope::State);
        assert!(r.covers(&place(OrganizationId::new(), "tx", "Harris")));
        assert!(!r.covers(&place(OrganizationId::new(), "MT", "Yellowstone")));
    }

    #[test]
    fn montana_counties_are_checked_and_the_word_county_is_dropped() {
        let mt = UsState::parse_field("state", "Montana").ok();
        assert_eq!(
            County::parse_field("county", "lewis and clark County", mt)
                .unwrap()
                .as_str(),
            "Lewis and Clark"
        );
        let issue = County::parse_field("county", "Travis", mt).unwrap_err();
        assert!(issue.message.contains("not a Montana county"));
        assert_eq!(counties("MT").len(), 56);
        let tx = Some(UsState::parse_field("state", "TX").unwrap());
        assert_eq!(
            County::parse_field("county", "travis", tx)
                .unwrap()
                .as_str(),
            "Travis"
        );
        let issue = County::parse_field("county", "Yellowstone", tx).unwrap_err();
        assert!(issue.message.contains("not a Texas county"));
    }

    #[test]
    fn zip_codes_have_five_or_nine_digits() {
        assert_eq!(
            ZipCode::parse_field("zip", "59601").unwrap().as_str(),
            "59601"
        );
        assert_eq!(
            ZipCode::parse_field("zip", "596011234").unwrap().as_str(),
            "59601-1234"
        );
        assert!(ZipCode::parse_field("zip", "5960").is_err());
        assert!(ZipCode::parse_field("zip", "MT 59601").is_err());
    }

    #[test]
    fn states_parse_from_codes_and_names() {
        assert_eq!(UsState::parse_field("s", "tx").unwrap().code(), "TX");
        assert_eq!(UsState::parse_field("s", "Montana").unwrap().code(), "MT");
        assert!(UsState::parse_field("s", "XX").is_err());
    }
}
