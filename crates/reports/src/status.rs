//! The provider-client status as coverage denominators read it.
//!
//! MIROW's *Patient Active/Inactive Status* guidance: a client who moved or is gone elsewhere,
//! died, or was made inactive leaves the organization's denominator from the date of the
//! change; a client lost to follow-up stays in it (the organization is still responsible for
//! reaching them), and so does one whose status is unknown.

use serde::{Deserialize, Serialize};
use shotbook_forecast::Date;

/// A client's status at the organization (codes as in `shotbook_core`'s
/// `PROVIDER_CLIENT_STATUSES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderClientStatus {
    /// Active.
    Active,
    /// Inactive, no further reason.
    Inactive,
    /// Lost to follow-up.
    LostToFollowUp,
    /// Moved or gone elsewhere (MOGE).
    Moved,
    /// Permanently inactive.
    PermanentlyInactive,
    /// Deceased.
    Deceased,
    /// Unknown.
    Unknown,
}

impl ProviderClientStatus {
    /// Every status.
    pub const ALL: [ProviderClientStatus; 7] = [
        ProviderClientStatus::Active,
        ProviderClientStatus::Inactive,
        ProviderClientStatus::LostToFollowUp,
        ProviderClientStatus::Moved,
        ProviderClientStatus::PermanentlyInactive,
        ProviderClientStatus::Deceased,
        ProviderClientStatus::Unknown,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ProviderClientStatus::Active => "active",
            ProviderClientStatus::Inactive => "inactive",
            ProviderClientStatus::LostToFollowUp => "lost_to_follow_up",
            ProviderClientStatus::Moved => "moved",
            ProviderClientStatus::PermanentlyInactive => "permanently_inactive",
            ProviderClientStatus::Deceased => "deceased",
            ProviderClientStatus::Unknown => "unknown",
        }
    }

    /// The status with this code.
    pub fn from_code(code: &str) -> Option<ProviderClientStatus> {
        ProviderClientStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
    }

    /// Whether a client with this status leaves coverage denominators (see the module docs).
    pub fn leaves_denominator(self) -> bool {
        matches!(
            self,
            ProviderClientStatus::Inactive
                | ProviderClientStatus::Moved
                | ProviderClientStatus::PermanentlyInactive
                | ProviderClientStatus::Deceased
        )
    }
}

/// The client's current status and the date it took effect (`None` when the record does not
/// say; an inactive status without a date is taken as in force since birth, the conservative
/// reading for a denominator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusAtOrganization {
    /// The status.
    pub status: ProviderClientStatus,
    /// When it took effect.
    pub since: Option<Date>,
}

impl StatusAtOrganization {
    /// An active client.
    pub const ACTIVE: StatusAtOrganization = StatusAtOrganization {
        status: ProviderClientStatus::Active,
        since: None,
    };

    /// Whether the client had left the denominator on `date`.
    pub fn left_denominator_by(&self, date: Date) -> bool {
        self.status.leaves_denominator() && self.since.is_none_or(|since| since <= date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_code_of_the_core_parses_and_round_trips() {
        for code in shotbook_core::demographics::PROVIDER_CLIENT_STATUSES {
            let status = ProviderClientStatus::from_code(code).expect(code);
            assert_eq!(status.code(), *code);
        }
        assert_eq!(
            ProviderClientStatus::ALL.len(),
            shotbook_core::demographics::PROVIDER_CLIENT_STATUSES.len()
        );
    }

    #[test]
    fn lost_to_follow_up_and_unknown_stay_in_the_denominator() {
        assert!(!ProviderClientStatus::LostToFollowUp.leaves_denominator());
        assert!(!ProviderClientStatus::Unknown.leaves_denominator());
        assert!(ProviderClientStatus::Moved.leaves_denominator());
        assert!(ProviderClientStatus::Deceased.leaves_denominator());
    }
}
