//! Opt-in consent: who may see how much of a client's record.
//!
//! Montana (imMTrax) is an opt-in registry: a client's immunizations are shared only with the
//! client's (or guardian's) consent, obtained verbally or in writing. Without granted consent,
//! users of *other* organizations see identification only (name, date of birth, gender, client
//! ID: enough to know the record exists and to record consent), never the immunizations, the
//! address, the guardians or the notes, and they cannot print the record. The organizations the
//! client belongs to keep seeing the record they hold.
//!
//! [`client_access`] is the only place this rule is written. Every command that returns or prints
//! client data asks it first.

use serde::{Deserialize, Serialize};

use crate::ids::OrganizationId;
use crate::permission::{Permission, Role, Scope};

/// A client's consent to share the record through the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentStatus {
    /// The client or guardian agreed to share the record.
    Granted,
    /// Consent was never given (not asked yet, or refused).
    NotGranted,
    /// Consent was given and later taken back; takes effect immediately.
    Withdrawn,
}

impl ConsentStatus {
    /// Every status, in the order the UI lists them.
    pub const ALL: [ConsentStatus; 3] = [Self::Granted, Self::NotGranted, Self::Withdrawn];

    /// Stable code stored in the database and shared with the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Granted => "granted",
            Self::NotGranted => "not_granted",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// How consent (or its withdrawal) was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// Said to a staff member, who recorded it.
    Verbal,
    /// A signed form (the DPHHS IIS consent form or equivalent).
    Written,
}

impl ConsentMethod {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Verbal => "verbal",
            Self::Written => "written",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Verbal, Self::Written]
            .into_iter()
            .find(|m| m.code() == code.trim())
    }
}

/// Who is looking: the role and the organization of the current session, and that
/// organization's state (a state-scoped role holds the records of its own state only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer<'a> {
    /// Role at the organization.
    pub role: Role,
    /// The organization signed in for.
    pub organization_id: OrganizationId,
    /// Its two-letter state.
    pub state: &'a str,
}

/// What the rule needs to know about a client.
#[derive(Debug, Clone, Copy)]
pub struct ConsentFacts<'a> {
    /// Current consent status.
    pub status: ConsentStatus,
    /// Organizations the client belongs to: the registering organization and every *active*
    /// provider-client relationship (a clinic whose relationship ended — moved, inactive — sees
    /// the record like any other organization).
    pub organizations: &'a [OrganizationId],
    /// The client's state of residence (two letters), if known.
    pub state: Option<&'a str>,
}

/// How much of the record the viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordView {
    /// Nothing (the role does not open client records).
    None,
    /// Name, date of birth, gender, client ID and the consent status.
    IdentificationOnly,
    /// Everything.
    Full,
}

/// Why the record is restricted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Restriction {
    /// Consent was never given and the viewer is at another organization.
    ConsentNotGranted,
    /// Consent was withdrawn and the viewer is at another organization.
    ConsentWithdrawn,
}

impl Restriction {
    /// Stable code, shared with the UI (which shows the notice in words).
    pub fn code(&self) -> &'static str {
        match self {
            Self::ConsentNotGranted => "consent_not_granted",
            Self::ConsentWithdrawn => "consent_withdrawn",
        }
    }
}

/// The decision for one viewer and one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClientAccess {
    /// How much may be shown.
    pub view: RecordView,
    /// Why less than everything, when the role could otherwise see it all.
    pub restriction: Option<Restriction>,
    /// The Official Immunization Record may be printed.
    pub may_print: bool,
    /// The consent status and its history may be changed.
    pub may_update_consent: bool,
    /// Demographics may be edited (and the client merged).
    pub may_edit_demographics: bool,
    /// How to reach the family may be shown: address and its history, phone, guardians,
    /// mother's maiden name. A school or child-care facility sees the immunization record, not
    /// these ([`crate::facility`]).
    pub contacts: bool,
}

impl ClientAccess {
    /// Nothing at all.
    pub const NONE: ClientAccess = ClientAccess {
        view: RecordView::None,
        restriction: None,
        may_print: false,
        may_update_consent: false,
        may_edit_demographics: false,
        contacts: false,
    };

    /// The whole record may be shown.
    pub fn is_full(&self) -> bool {
        self.view == RecordView::Full
    }
}

/// Who may record which consent (see `docs/decisions/20261206T1900-consent-by-another-organization.md`):
/// whoever may update consent may record a **withdrawal** (a patient's choice to restrict is
/// honoured wherever it is told); a **grant** recorded by someone who sees the record by
/// identification only (another organization, the client withdrew or never opted in) must come
/// from written consent naming who gave it — a verbal "yes" at another clinic's desk does not
/// open a record the patient closed. The home organization is told (an audit entry in its name).
///
/// Returns the field issues that stop the entry (empty: it may be recorded).
pub fn consent_entry_issues(
    access: &ClientAccess,
    status: ConsentStatus,
    method: ConsentMethod,
    given_by: Option<&str>,
    prefix: &str,
) -> Vec<crate::error::Issue> {
    let mut issues = Vec::new();
    if access.is_full() || status != ConsentStatus::Granted {
        return issues;
    }
    if method != ConsentMethod::Written {
        issues.push(crate::error::Issue::new(
            format!("{prefix}method"),
            "Another organization may record consent only from a signed (written) consent form.",
        ));
    }
    if given_by.is_none_or(|g| g.trim().is_empty()) {
        issues.push(crate::error::Issue::new(
            format!("{prefix}givenBy"),
            "Name the client or guardian who signed the consent form.",
        ));
    }
    issues
}

/// The search fields a viewer without full access may not search by: listing a restricted
/// client found through one of them would confirm the value (a withdrawn client's phone or
/// address could be guessed one query at a time).
pub const RESTRICTED_SEARCH_FIELDS: &[&str] = &[
    "motherMaidenName",
    "guardianName",
    "phone",
    "address",
    "zip",
];

/// Whether a match reason may be shown to a viewer without full access: only reasons about
/// names, the date of birth and sex (never "street address agrees", "ZIP agrees", "mother's
/// maiden name agrees", a phone or a guardian).
pub fn reason_shown_without_full_access(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    !["maiden", "zip", "address", "street", "phone", "guardian"]
        .iter()
        .any(|word| r.contains(word))
}

/// The consent rule: what `viewer` may see and do with a client's record.
///
/// - A role that cannot open client records (registry staff) gets nothing.
/// - The client's own organizations, and the state registry staff who hold every record of
///   their state (Full Access State: a client living in that state), see the full record
///   whatever the consent says.
/// - Anyone else sees the full record only with granted consent; otherwise identification only
///   (with the reason), and no printing.
/// - Consent can be viewed by anyone who sees identification and changed by roles with
///   [`Permission::UpdateConsent`], Montana's "Read Only with Consent" included: that role's
///   only change to a record is its consent status.
/// - Demographics can be edited only by roles with [`Permission::EditDemographics`], and only on
///   a record they may see in full.
///
/// ```
/// use shotbook_core::consent::*;
/// use shotbook_core::ids::OrganizationId;
/// use shotbook_core::permission::Role;
/// let (clinic, other) = (OrganizationId::new(), OrganizationId::new());
/// let facts = ConsentFacts { status: ConsentStatus::Withdrawn, organizations: &[clinic], state: Some("MT") };
/// let elsewhere = Viewer { role: Role::FullAccessProvider, organization_id: other, state: "MT" };
/// assert_eq!(client_access(elsewhere, facts).view, RecordView::IdentificationOnly);
/// let at_home = Viewer { role: Role::FullAccessProvider, organization_id: clinic, state: "MT" };
/// assert_eq!(client_access(at_home, facts).view, RecordView::Full);
/// ```
pub fn client_access(viewer: Viewer<'_>, client: ConsentFacts<'_>) -> ClientAccess {
    let role = viewer.role;
    if !role.grants(Permission::ViewClient) {
        return ClientAccess::NONE;
    }
    let own = client.organizations.contains(&viewer.organization_id);
    // A client whose state is not known is not assumed to be the viewer's.
    let registry_wide = role.scope() == Scope::State
        && client
            .state
            .is_some_and(|s| s.trim().eq_ignore_ascii_case(viewer.state.trim()));
    let restriction = match client.status {
        _ if own || registry_wide => None,
        ConsentStatus::Granted => None,
        ConsentStatus::NotGranted => Some(Restriction::ConsentNotGranted),
        ConsentStatus::Withdrawn => Some(Restriction::ConsentWithdrawn),
    };
    let full = restriction.is_none();
    ClientAccess {
        view: if full {
            RecordView::Full
        } else {
            RecordView::IdentificationOnly
        },
        restriction,
        may_print: full && role.grants(Permission::PrintRecord),
        may_update_consent: role.grants(Permission::UpdateConsent),
        may_edit_demographics: full && role.grants(Permission::EditDemographics),
        contacts: full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConsentStatus::{Granted, NotGranted, Withdrawn};

    /// The viewer's organization relative to the client's.
    #[derive(Clone, Copy, Debug)]
    enum Where {
        ClientsOrganization,
        OtherOrganization,
    }
    use Where::*;

    fn decide(role: Role, at: Where, status: ConsentStatus) -> ClientAccess {
        let (home, second, other) = (
            OrganizationId::new(),
            OrganizationId::new(),
            OrganizationId::new(),
        );
        let viewer = Viewer {
            role,
            organization_id: match at {
                // The second of the client's organizations, so membership is not "the first".
                ClientsOrganization => second,
                OtherOrganization => other,
            },
            state: "MT",
        };
        client_access(
            viewer,
            ConsentFacts {
                status,
                organizations: &[home, second],
                state: Some("MT"),
            },
        )
    }

    /// (view, restriction, print, update consent, edit demographics) for a compact table.
    fn summary(a: ClientAccess) -> (RecordView, Option<Restriction>, bool, bool, bool) {
        (
            a.view,
            a.restriction,
            a.may_print,
            a.may_update_consent,
            a.may_edit_demographics,
        )
    }

    use RecordView::{Full, IdentificationOnly};

    #[test]
    fn another_organization_grants_consent_only_from_a_written_form_with_its_giver() {
        let restricted = decide(Role::FullAccessProvider, OtherOrganization, Withdrawn);
        let own = decide(Role::FullAccessProvider, ClientsOrganization, Withdrawn);
        let fields = |issues: Vec<crate::error::Issue>| {
            issues.into_iter().map(|i| i.field).collect::<Vec<_>>()
        };
        assert_eq!(
            fields(consent_entry_issues(
                &restricted,
                Granted,
                ConsentMethod::Verbal,
                None,
                ""
            )),
            ["method", "givenBy"]
        );
        assert!(consent_entry_issues(
            &restricted,
            Granted,
            ConsentMethod::Written,
            Some("Maria Running Crane (mother)"),
            ""
        )
        .is_empty());
        // A withdrawal is honoured wherever it is told; the home organization records as before.
        assert!(
            consent_entry_issues(&restricted, Withdrawn, ConsentMethod::Verbal, None, "")
                .is_empty()
        );
        assert!(consent_entry_issues(&own, Granted, ConsentMethod::Verbal, None, "").is_empty());
    }

    #[test]
    fn a_provider_at_another_organization_sees_identification_only_without_consent() {
        for (status, why) in [
            (NotGranted, Restriction::ConsentNotGranted),
            (Withdrawn, Restriction::ConsentWithdrawn),
        ] {
            assert_eq!(
                summary(decide(Role::FullAccessProvider, OtherOrganization, status)),
                (IdentificationOnly, Some(why), false, true, false),
                "{status:?}"
            );
        }
    }

    #[test]
    fn with_granted_consent_another_organization_sees_and_prints_the_full_record() {
        assert_eq!(
            summary(decide(Role::FullAccessProvider, OtherOrganization, Granted)),
            (Full, None, true, true, true)
        );
    }

    #[test]
    fn the_clients_own_organizations_see_the_full_record_whatever_the_consent() {
        for status in ConsentStatus::ALL {
            assert_eq!(
                summary(decide(
                    Role::FullAccessProvider,
                    ClientsOrganization,
                    status
                )),
                (Full, None, true, true, true),
                "{status:?}"
            );
        }
    }

    #[test]
    fn read_only_with_consent_changes_nothing_but_the_consent_status() {
        for at in [ClientsOrganization, OtherOrganization] {
            for status in ConsentStatus::ALL {
                let a = decide(Role::ReadOnlyWithConsent, at, status);
                assert!(a.may_update_consent, "{at:?} {status:?}");
                assert!(!a.may_edit_demographics, "{at:?} {status:?}");
            }
        }
        // It reads and prints like any other user, within the consent rule.
        assert_eq!(
            summary(decide(
                Role::ReadOnlyWithConsent,
                OtherOrganization,
                Withdrawn
            )),
            (
                IdentificationOnly,
                Some(Restriction::ConsentWithdrawn),
                false,
                true,
                false
            )
        );
        assert_eq!(
            summary(decide(
                Role::ReadOnlyWithConsent,
                OtherOrganization,
                Granted
            )),
            (Full, None, true, true, false)
        );
    }

    #[test]
    fn a_school_sees_identification_only_of_a_child_without_consent_and_cannot_change_it() {
        assert_eq!(
            summary(decide(
                Role::ViewOnlyNonProvider,
                OtherOrganization,
                NotGranted
            )),
            (
                IdentificationOnly,
                Some(Restriction::ConsentNotGranted),
                false,
                false,
                false
            )
        );
        assert_eq!(
            summary(decide(
                Role::ViewOnlyNonProvider,
                OtherOrganization,
                Granted
            )),
            (Full, None, true, false, false)
        );
    }

    #[test]
    fn state_registry_staff_see_every_record_in_full() {
        for status in ConsentStatus::ALL {
            assert_eq!(
                summary(decide(Role::FullAccessState, OtherOrganization, status)),
                (Full, None, true, true, true),
                "{status:?}"
            );
        }
    }

    #[test]
    fn regional_staff_are_another_organization() {
        assert_eq!(
            decide(Role::ModifiedAccessSubState, OtherOrganization, Withdrawn).view,
            IdentificationOnly
        );
    }

    #[test]
    fn registry_help_desk_staff_see_nothing_whatever_the_consent() {
        for at in [ClientsOrganization, OtherOrganization] {
            for status in ConsentStatus::ALL {
                assert_eq!(
                    decide(Role::RegistryStaff, at, status),
                    ClientAccess::NONE,
                    "{at:?} {status:?}"
                );
            }
        }
    }

    #[test]
    fn every_role_organization_and_status_follows_the_rule() {
        // The rule restated case by case, so a change to one branch shows up here.
        for role in Role::ALL {
            for at in [ClientsOrganization, OtherOrganization] {
                for status in ConsentStatus::ALL {
                    let a = decide(role, at, status);
                    let reads = role.grants(Permission::ViewClient);
                    let sees_all = reads
                        && (matches!(at, ClientsOrganization)
                            || status == Granted
                            || role == Role::FullAccessState);
                    let case = format!("{role:?} {at:?} {status:?}");
                    assert_eq!(a.is_full(), sees_all, "{case}");
                    assert_eq!(a.view == IdentificationOnly, reads && !sees_all, "{case}");
                    assert_eq!(a.restriction.is_some(), reads && !sees_all, "{case}");
                    assert_eq!(
                        a.may_print,
                        sees_all && role.grants(Permission::PrintRecord),
                        "{case}"
                    );
                    assert_eq!(
                        a.may_edit_demographics,
                        sees_all && role.grants(Permission::EditDemographics),
                        "{case}"
                    );
                    assert_eq!(
                        a.may_update_consent,
                        reads && role.grants(Permission::UpdateConsent),
                        "{case}"
                    );
                }
            }
        }
    }

    #[test]
    fn state_staff_hold_the_records_of_their_own_state_only() {
        let staff = |state| Viewer {
            role: Role::FullAccessState,
            organization_id: OrganizationId::new(),
            state,
        };
        let montanan = |state| ConsentFacts {
            status: Withdrawn,
            organizations: &[],
            state,
        };
        assert_eq!(client_access(staff("MT"), montanan(Some("mt"))).view, Full);
        assert_eq!(
            client_access(staff("TX"), montanan(Some("MT"))).view,
            IdentificationOnly,
            "Texas state staff do not see a Montanan who withdrew"
        );
        assert_eq!(
            client_access(staff("TX"), montanan(None)).view,
            IdentificationOnly,
            "an unknown state is not the viewer's"
        );
        let granted = ConsentFacts {
            status: Granted,
            ..montanan(Some("MT"))
        };
        assert_eq!(
            client_access(staff("TX"), granted).view,
            Full,
            "consent still opens it"
        );
    }

    #[test]
    fn a_client_with_no_organization_is_visible_in_full_only_with_consent() {
        let viewer = Viewer {
            role: Role::RecordMaintenance,
            organization_id: OrganizationId::new(),
            state: "MT",
        };
        let facts = |status| ConsentFacts {
            status,
            organizations: &[],
            state: Some("MT"),
        };
        assert_eq!(client_access(viewer, facts(Granted)).view, Full);
        assert_eq!(
            client_access(viewer, facts(NotGranted)).view,
            IdentificationOnly
        );
    }

    #[test]
    fn status_and_method_codes_round_trip() {
        for s in ConsentStatus::ALL {
            assert_eq!(ConsentStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(ConsentStatus::from_code("refused"), None);
        assert_eq!(
            ConsentMethod::from_code("written"),
            Some(ConsentMethod::Written)
        );
        assert_eq!(ConsentMethod::from_code("email"), None);
    }
}
