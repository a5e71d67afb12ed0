//! The search ports: Basic search by parsed criteria and Smart search by the person described,
//! each answering with result-list lines. What a search may *show* (the consent rule) and the
//! audit are the use cases' ([`crate::search`]); the stores only find and rank.

use std::future::Future;

use shotbook_core::ids::ClientId;
use shotbook_core::matching::smart::Bar;
use shotbook_core::matching::{MatchScore, PersonRecord};
use shotbook_core::search::BasicSearch;

use crate::PortResult;

/// One line of a result list: what the desktop's and the server's lists show of a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientLine {
    /// The client.
    pub id: ClientId,
    /// Registry client number.
    pub registry_id: Option<String>,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// Date of birth as stored (ISO `YYYY-MM-DD`; text because an imported record may hold an
    /// impossible date, which the list still shows as recorded).
    pub date_of_birth: String,
    /// Gender code (F, M, X, U).
    pub gender: String,
    /// The primary guardian's first and last name.
    pub guardian_name: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Two-letter state.
    pub state: Option<String>,
    /// ZIP.
    pub zip: Option<String>,
    /// The home organization's name.
    pub organization_name: Option<String>,
}

impl ClientLine {
    /// The line without how to reach the family (guardian, address), for a viewer who sees the
    /// record but not the contacts (a school).
    pub fn without_contacts(self) -> Self {
        Self {
            guardian_name: None,
            city: None,
            state: None,
            zip: None,
            ..self
        }
    }

    /// The line as identification-only access shows it: no guardian, address or organization.
    pub fn identification_only(self) -> Self {
        Self {
            guardian_name: None,
            city: None,
            state: None,
            zip: None,
            organization_name: None,
            ..self
        }
    }
}

/// One Smart-search match with its line.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredLine {
    /// The list line.
    pub client: ClientLine,
    /// Score and reasons (see [`shotbook_core::matching::smart::SmartMatch`]).
    pub score: MatchScore,
    /// More likely than not the same person.
    pub likely: bool,
    /// Found through a guardian's name (a restricted field) rather than the client's own.
    pub via_guardian: bool,
}

/// Reads of client search.
pub trait SearchReads {
    /// Basic search: every criterion must hold (name prefixes on folded names, exact date of
    /// birth, phone, ZIP prefix, client ID, gender, prefixes of the middle name, the mother's
    /// maiden name and the guardian's names, words of the street line); clients merged into
    /// another are left out; in folded last-name, first-name, date-of-birth order; at most
    /// `limit` lines.
    fn basic_search(
        &self,
        criteria: &BasicSearch,
        limit: usize,
    ) -> impl Future<Output = PortResult<Vec<ClientLine>>> + Send;

    /// Smart search: the clients sharing blocking keys with `person`, ranked by
    /// [`shotbook_core::matching::smart::rank`] (the registry's trained model when it stores
    /// one), at or above `bar`, best first, at most `limit` ranked before clients merged into
    /// another are dropped.
    fn smart_search(
        &self,
        person: &PersonRecord,
        bar: Bar,
        limit: usize,
    ) -> impl Future<Output = PortResult<Vec<ScoredLine>>> + Send;
}
