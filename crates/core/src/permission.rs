//! Roles and the permissions they grant. Every command asks for a [`Permission`]; the UI only
//! hides what this table would refuse.
//!
//! Role templates follow the two registries Shotbook is modelled on: Texas ImmTrac2's five roles
//! and Montana imMTrax's three access levels, plus the registry staff who process access
//! requests. The full access-request workflow builds on these.

use serde::{Deserialize, Serialize};

/// One thing a user may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Search the registry for clients.
    SearchClients,
    /// Open a client's record (demographics and immunizations).
    ViewClient,
    /// Print the Official Immunization Record.
    PrintRecord,
    /// Change a client's consent (opt-in) status.
    UpdateConsent,
    /// Add clients and edit their demographics.
    EditDemographics,
    /// Work the duplicates queue: merge two records of one person, undo a merge, or mark a pair
    /// as two people. Supervisors and state staff: a merge moves doses between records.
    MergeClients,
    /// Record administered and historical doses.
    AddImmunizations,
    /// Edit and void immunizations.
    EditImmunizations,
    /// Receive and adjust vaccine lots.
    ManageLots,
    /// Run reports for the user's scope.
    RunReports,
    /// Student lists and school/child-care reports.
    SchoolReports,
    /// Keep an offline replica of the organization's clients (their records, doses and
    /// consent), its lots and the organizations on an enrolled workstation, kept current by
    /// sync. The clinics that record doses have it; view-only, school and registry roles read
    /// online.
    ReplicateOrganization,
    /// Manage the users of the user's organization.
    ManageOrganizationUsers,
    /// Approve or deny access requests.
    ApproveAccessRequests,
    /// Maintain organizations and their locations.
    ManageOrganizations,
    /// Read the CDC code tables (Admin Support). Everyone signed in may.
    ViewSupportTables,
    /// See and edit one's own account (name, email, phone, password) and switch between one's
    /// organizations. Every role has it.
    ManageOwnAccount,
}

/// Every permission, listed once: [`Permission::ALL`] and the marker types of [`need`] come
/// from this list.
macro_rules! every_permission {
    ($($name:ident),* $(,)?) => {
        impl Permission {
            /// Every permission.
            pub const ALL: [Permission; [$(Permission::$name),*].len()] = [$(Permission::$name),*];
        }

        /// Marker types, one per [`Permission`]: a use case that needs a permission takes a
        /// permit typed by its marker (`Permit<need::AddImmunizations>` in `shotbook-usecases`).
        pub mod need {
            use super::{Need, Permission};
            $(
                #[doc = concat!("Needs [`Permission::", stringify!($name), "`].")]
                #[derive(Debug, Clone, Copy)]
                pub struct $name;
                impl Need for $name {
                    const PERMISSION: Permission = Permission::$name;
                }
            )*
        }
    };
}

every_permission!(
    SearchClients,
    ViewClient,
    PrintRecord,
    UpdateConsent,
    EditDemographics,
    MergeClients,
    AddImmunizations,
    EditImmunizations,
    ManageLots,
    RunReports,
    SchoolReports,
    ReplicateOrganization,
    ManageOrganizationUsers,
    ApproveAccessRequests,
    ManageOrganizations,
    ViewSupportTables,
    ManageOwnAccount,
);

/// A permission as a type (see [`need`]).
pub trait Need {
    /// The permission.
    const PERMISSION: Permission;
}

impl Permission {
    /// Stable snake_case code, shared with the UI (which hides what the role lacks).
    pub fn code(&self) -> &'static str {
        match self {
            P::SearchClients => "search_clients",
            P::ViewClient => "view_client",
            P::PrintRecord => "print_record",
            P::UpdateConsent => "update_consent",
            P::EditDemographics => "edit_demographics",
            P::MergeClients => "merge_clients",
            P::AddImmunizations => "add_immunizations",
            P::EditImmunizations => "edit_immunizations",
            P::ManageLots => "manage_lots",
            P::RunReports => "run_reports",
            P::SchoolReports => "school_reports",
            P::ReplicateOrganization => "replicate_organization",
            P::ManageOrganizationUsers => "manage_organization_users",
            P::ApproveAccessRequests => "approve_access_requests",
            P::ManageOrganizations => "manage_organizations",
            P::ViewSupportTables => "view_support_tables",
            P::ManageOwnAccount => "manage_own_account",
        }
    }
}

/// Where a role's permissions apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The user's organization and its locations.
    Organization,
    /// A sub-state area (counties / health service region) of the user's organization.
    Area,
    /// The whole state.
    State,
}

/// A role template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Texas: schools and child-care (search, view, print; student lists and school reports).
    ViewOnlyNonProvider,
    /// Texas: providers (add/edit clients, add/edit/delete immunizations, reports).
    FullAccessProvider,
    /// Texas: provider supervisor (full access + manage users at the organization).
    ProviderSupervisor,
    /// Texas: regional staff (reports and organization information for their area).
    ModifiedAccessSubState,
    /// Texas: state staff (everything, system-wide).
    FullAccessState,
    /// Montana: search/view/print and update consent status.
    ReadOnlyWithConsent,
    /// Montana: read-only with consent + update/add patient information and add immunizations.
    RecordMaintenance,
    /// Montana: record maintenance + vaccine lot management.
    VaccineManagement,
    /// Montana: the clinic supervisor who, as authorizing official, requests and ends access for
    /// the organization's staff (imMTrax does this outside the registry, through its state
    /// sign-on; Shotbook keeps it inside): read-only with consent + manage organization users.
    AuthorizingOfficial,
    /// Registry help-desk staff who process access requests.
    RegistryStaff,
}

use Permission as P;

const READ: &[Permission] = &[
    P::SearchClients,
    P::ViewClient,
    P::PrintRecord,
    P::ViewSupportTables,
];
const PROVIDER: &[Permission] = &[
    P::EditDemographics,
    P::UpdateConsent,
    P::AddImmunizations,
    P::EditImmunizations,
    P::RunReports,
    P::ReplicateOrganization,
];

impl Role {
    /// Every role, in the order the UI lists them.
    pub const ALL: [Role; 10] = [
        Role::ViewOnlyNonProvider,
        Role::FullAccessProvider,
        Role::ProviderSupervisor,
        Role::ModifiedAccessSubState,
        Role::FullAccessState,
        Role::ReadOnlyWithConsent,
        Role::RecordMaintenance,
        Role::VaccineManagement,
        Role::AuthorizingOfficial,
        Role::RegistryStaff,
    ];

    /// Does this role grant `permission`?
    pub fn grants(&self, permission: Permission) -> bool {
        if permission == P::ManageOwnAccount {
            return true;
        }
        let extra: &[Permission] = match self {
            Role::ViewOnlyNonProvider => &[P::SchoolReports],
            Role::FullAccessProvider => PROVIDER,
            Role::ProviderSupervisor => {
                return READ.contains(&permission)
                    || PROVIDER.contains(&permission)
                    || permission == P::ManageOrganizationUsers
                    || permission == P::MergeClients
            }
            // ImmTrac2: "same as Provider Supervisor, plus reports and organization information
            // for their responsible area".
            Role::ModifiedAccessSubState => {
                return READ.contains(&permission)
                    || PROVIDER.contains(&permission)
                    || matches!(
                        permission,
                        P::ManageOrganizationUsers | P::MergeClients | P::ManageOrganizations
                    )
            }
            Role::FullAccessState => return true,
            Role::ReadOnlyWithConsent => &[P::UpdateConsent],
            Role::RecordMaintenance => &[
                P::UpdateConsent,
                P::EditDemographics,
                P::AddImmunizations,
                P::ReplicateOrganization,
            ],
            Role::VaccineManagement => &[
                P::UpdateConsent,
                P::EditDemographics,
                P::AddImmunizations,
                P::ManageLots,
                P::ReplicateOrganization,
            ],
            Role::AuthorizingOfficial => &[P::UpdateConsent, P::ManageOrganizationUsers],
            Role::RegistryStaff => {
                return matches!(
                    permission,
                    P::ApproveAccessRequests | P::ManageOrganizations | P::ViewSupportTables
                )
            }
        };
        READ.contains(&permission) || extra.contains(&permission)
    }

    /// Where the role's permissions apply.
    pub fn scope(&self) -> Scope {
        match self {
            Role::ModifiedAccessSubState => Scope::Area,
            Role::FullAccessState | Role::RegistryStaff => Scope::State,
            _ => Scope::Organization,
        }
    }

    /// The stable code stored in the database.
    pub fn code(&self) -> &'static str {
        match self {
            Role::ViewOnlyNonProvider => "view_only_non_provider",
            Role::FullAccessProvider => "full_access_provider",
            Role::ProviderSupervisor => "provider_supervisor",
            Role::ModifiedAccessSubState => "modified_access_sub_state",
            Role::FullAccessState => "full_access_state",
            Role::ReadOnlyWithConsent => "read_only_with_consent",
            Role::RecordMaintenance => "record_maintenance",
            Role::VaccineManagement => "vaccine_management",
            Role::AuthorizingOfficial => "authorizing_official",
            Role::RegistryStaff => "registry_staff",
        }
    }

    /// The role's name as the registries write it.
    pub fn title(&self) -> &'static str {
        match self {
            Role::ViewOnlyNonProvider => "View Only Non-Providers",
            Role::FullAccessProvider => "Full Access Providers",
            Role::ProviderSupervisor => "Provider Supervisor",
            Role::ModifiedAccessSubState => "Modified Access Sub-state",
            Role::FullAccessState => "Full Access State",
            Role::ReadOnlyWithConsent => "Read Only with Consent",
            Role::RecordMaintenance => "Record Maintenance",
            Role::VaccineManagement => "Vaccine Mgmt",
            Role::AuthorizingOfficial => "Authorizing Official",
            Role::RegistryStaff => "Registry Staff",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_school_user_can_view_and_print_but_not_record_doses() {
        let r = Role::ViewOnlyNonProvider;
        assert!(r.grants(P::SearchClients) && r.grants(P::PrintRecord));
        assert!(r.grants(P::SchoolReports));
        assert!(!r.grants(P::AddImmunizations));
        assert!(!r.grants(P::EditDemographics));
    }

    #[test]
    fn only_supervisors_regional_and_state_staff_manage_organization_users() {
        let managers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.grants(P::ManageOrganizationUsers))
            .collect();
        assert_eq!(
            managers,
            vec![
                Role::ProviderSupervisor,
                Role::ModifiedAccessSubState,
                Role::FullAccessState,
                Role::AuthorizingOfficial
            ]
        );
    }

    #[test]
    fn montana_levels_are_nested() {
        for p in [
            P::SearchClients,
            P::ViewClient,
            P::PrintRecord,
            P::UpdateConsent,
        ] {
            assert!(Role::ReadOnlyWithConsent.grants(p));
        }
        assert!(!Role::ReadOnlyWithConsent.grants(P::AddImmunizations));
        assert!(Role::RecordMaintenance.grants(P::AddImmunizations));
        assert!(!Role::RecordMaintenance.grants(P::ManageLots));
        assert!(Role::VaccineManagement.grants(P::ManageLots));
    }

    #[test]
    fn registry_staff_approve_requests_but_never_read_client_records() {
        assert!(Role::RegistryStaff.grants(P::ApproveAccessRequests));
        assert!(!Role::RegistryStaff.grants(P::ViewClient));
        assert!(!Role::RegistryStaff.grants(P::SearchClients));
    }

    #[test]
    fn only_supervisors_regional_and_state_staff_merge_duplicate_clients() {
        let mergers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.grants(P::MergeClients))
            .collect();
        assert_eq!(
            mergers,
            vec![
                Role::ProviderSupervisor,
                Role::ModifiedAccessSubState,
                Role::FullAccessState
            ]
        );
    }

    #[test]
    fn every_role_manages_its_own_account() {
        assert!(Role::ALL.iter().all(|r| r.grants(P::ManageOwnAccount)));
    }

    #[test]
    fn permission_codes_are_unique() {
        let codes: std::collections::HashSet<_> =
            Permission::ALL.iter().map(|p| p.code()).collect();
        assert_eq!(codes.len(), Permission::ALL.len());
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
    }
}
