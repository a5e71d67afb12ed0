//! The jurisdiction profile: which registry a Shotbook installation serves. It decides the role
//! templates offered on an access request, the registry's name and the wording of the user
//! agreement. Configured per installation; a demo registry holding both states picks the
//! profile from each organization's state.

use serde::{Deserialize, Serialize};

use crate::permission::Role;

/// A state registry Shotbook is modelled on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Jurisdiction {
    /// Montana: imMTrax, run by the Montana Immunization Program (DPHHS).
    Montana,
    /// Texas: ImmTrac2, run by the Texas Department of State Health Services.
    Texas,
}

impl Jurisdiction {
    /// Every profile.
    pub const ALL: [Jurisdiction; 2] = [Jurisdiction::Montana, Jurisdiction::Texas];

    /// Two-letter state code of the jurisdiction.
    pub fn state(&self) -> &'static str {
        match self {
            Jurisdiction::Montana => "MT",
            Jurisdiction::Texas => "TX",
        }
    }

    /// The profile of a state, by its two-letter code (case-insensitive).
    pub fn of_state(state: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|j| j.state().eq_ignore_ascii_case(state.trim()))
    }

    /// Parses a configuration value: `montana`, `texas`, `MT` or `TX`.
    pub fn parse(input: &str) -> Option<Self> {
        match input.trim().to_ascii_lowercase().as_str() {
            "montana" | "mt" => Some(Jurisdiction::Montana),
            "texas" | "tx" => Some(Jurisdiction::Texas),
            _ => None,
        }
    }

    /// Stable code (`montana`, `texas`).
    pub fn code(&self) -> &'static str {
        match self {
            Jurisdiction::Montana => "montana",
            Jurisdiction::Texas => "texas",
        }
    }

    /// The registry's name as users know it.
    pub fn registry_name(&self) -> &'static str {
        match self {
            Jurisdiction::Montana => "imMTrax",
            Jurisdiction::Texas => "ImmTrac2",
        }
    }

    /// The program that runs the registry (named in the user agreement).
    pub fn program_name(&self) -> &'static str {
        match self {
            Jurisdiction::Montana => "the Montana Immunization Program",
            Jurisdiction::Texas => "the Texas Department of State Health Services",
        }
    }

    /// The registry help desk's phone number.
    pub fn help_desk_phone(&self) -> &'static str {
        match self {
            Jurisdiction::Montana => "406-444-5580",
            Jurisdiction::Texas => "800-348-9158",
        }
    }

    /// The state confidentiality law the user agreement cites.
    pub fn confidentiality_law(&self) -> &'static str {
        match self {
            Jurisdiction::Montana => {
                "Montana law (Uniform Health Care Information Act, MCA 50-16, Part 5)"
            }
            Jurisdiction::Texas => "Texas law (Health and Safety Code, Chapter 161, Subchapter A)",
        }
    }

    /// The role templates a supervisor may request, lowest access first: imMTrax's three access
    /// levels (plus Shotbook's authorizing official), or ImmTrac2's five roles. Registry staff are appointed by the registry, never
    /// requested.
    pub fn requestable_roles(&self) -> &'static [Role] {
        match self {
            Jurisdiction::Montana => &[
                Role::ReadOnlyWithConsent,
                Role::RecordMaintenance,
                Role::VaccineManagement,
                Role::AuthorizingOfficial,
            ],
            Jurisdiction::Texas => &[
                Role::ViewOnlyNonProvider,
                Role::FullAccessProvider,
                Role::ProviderSupervisor,
                Role::ModifiedAccessSubState,
                Role::FullAccessState,
            ],
        }
    }

    /// What a role lets its holder do, as the registry describes it to supervisors choosing one.
    pub fn role_description(role: Role) -> &'static str {
        match role {
            Role::ReadOnlyWithConsent => "Search, view, print, and update imMTrax consent status",
            Role::RecordMaintenance => {
                "Search, view, print, update and add patient information, and add immunizations"
            }
            Role::VaccineManagement => {
                "Search, view, print, update/add client information, add immunizations, and vaccine lot management"
            }
            Role::ViewOnlyNonProvider => {
                "Search and view clients, view and print immunization records, student lists and school reports (schools and child care)"
            }
            Role::FullAccessProvider => {
                "View Only plus add and edit clients, add, edit and delete immunizations, and reports (providers)"
            }
            Role::ProviderSupervisor => {
                "Full Access plus managing the users of the organization (a designated, trained person)"
            }
            Role::ModifiedAccessSubState => {
                "Provider Supervisor plus reports and organization information for a responsible area (health service regions, local health departments)"
            }
            Role::FullAccessState => "Everything, system-wide (state office staff)",
            Role::AuthorizingOfficial => {
                "Search, view, print and update consent status, and request and end access for the organization's staff (supervisors)"
            }
            Role::RegistryStaff => "Processes access requests; no client records",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn montana_offers_its_three_access_levels_and_texas_its_five_roles() {
        assert_eq!(
            &Jurisdiction::Montana.requestable_roles()[..3],
            &[
                Role::ReadOnlyWithConsent,
                Role::RecordMaintenance,
                Role::VaccineManagement
            ]
        );
        assert_eq!(Jurisdiction::Texas.requestable_roles().len(), 5);
        for j in Jurisdiction::ALL {
            assert!(!j.requestable_roles().contains(&Role::RegistryStaff));
        }
        let overlap = Jurisdiction::Montana
            .requestable_roles()
            .iter()
            .filter(|r| Jurisdiction::Texas.requestable_roles().contains(r))
            .count();
        assert_eq!(overlap, 0, "each registry has its own templates");
    }

    #[test]
    fn profiles_parse_from_names_and_state_codes() {
        assert_eq!(
            Jurisdiction::parse(" Montana "),
            Some(Jurisdiction::Montana)
        );
        assert_eq!(Jurisdiction::parse("tx"), Some(Jurisdiction::Texas));
        assert_eq!(Jurisdiction::parse("wyoming"), None);
        assert_eq!(Jurisdiction::of_state("mt"), Some(Jurisdiction::Montana));
        assert_eq!(Jurisdiction::of_state("WY"), None);
    }
}
