//! Reminder/recall's ports: an organization's clients as the cohort builder reads them, and the
//! notices sent ("last notice").

use std::future::Future;

use shotbook_core::ids::{ClientId, OrganizationId, RecallRunId, UserId};
use shotbook_reports::recall::{MailingAddress, Method};
use shotbook_reports::status::ProviderClientStatus;
use time::Date;

use crate::PortResult;

/// A dose as the forecaster reads it (text as stored, see `forecast_input::StoredDose`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateDose {
    /// `completed`, or `entered_in_error` when voided.
    pub status: String,
    /// CVX as stored.
    pub cvx: String,
    /// MVX, when known.
    pub mvx: Option<String>,
    /// ISO date given.
    pub administered_on: String,
}

/// A coded comment as stored (ISO dates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateComment {
    /// Comment code.
    pub code: String,
    /// ISO date it applies from.
    pub applies_from: String,
    /// ISO date it applies until.
    pub applies_until: Option<String>,
    /// Voided.
    pub voided: bool,
}

/// One of the organization's clients, with what a notice needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecallCandidate {
    /// The client.
    pub client: ClientId,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Date of birth (ISO, as stored).
    pub date_of_birth: String,
    /// `F`, `M` or `U`.
    pub gender: String,
    /// Status at the organization (active when the client has no relationship row: a home
    /// client).
    pub status: ProviderClientStatus,
    /// Current address.
    pub address: MailingAddress,
    /// The client's phone.
    pub phone: Option<String>,
    /// Preferred language (ISO 639-2, `spa` for Spanish).
    pub language: Option<String>,
    /// The primary parent or guardian's name ("First Last"), when recorded.
    pub guardian: Option<String>,
    /// The primary parent or guardian's phone.
    pub guardian_phone: Option<String>,
    /// Every dose, voided ones included.
    pub doses: Vec<CandidateDose>,
    /// Every coded comment, voided ones included.
    pub comments: Vec<CandidateComment>,
    /// The day of the last notice this organization sent the client.
    pub last_notice: Option<Date>,
}

/// Gives each candidate its doses and comments from listings keyed as the store keys clients
/// (`keys`: a client's key → its position in `candidates`); rows of other clients are skipped.
/// Every store's adapter reads candidates as three listings and joins them here.
pub fn attach_records<K: std::hash::Hash + Eq>(
    candidates: &mut [RecallCandidate],
    keys: &std::collections::HashMap<K, usize>,
    doses: impl IntoIterator<Item = (K, CandidateDose)>,
    comments: impl IntoIterator<Item = (K, CandidateComment)>,
) {
    for (key, dose) in doses {
        if let Some(&i) = keys.get(&key) {
            candidates[i].doses.push(dose);
        }
    }
    for (key, comment) in comments {
        if let Some(&i) = keys.get(&key) {
            candidates[i].comments.push(comment);
        }
    }
}

/// Reads for reminder/recall.
pub trait RecallReads {
    /// The organization's clients — its home clients and those with a relationship to it (not
    /// voided) — born between `born_from` and `born_to` (inclusive), not merged into another,
    /// with their doses, comments and the organization's last notice.
    fn recall_candidates(
        &self,
        organization: OrganizationId,
        born_from: Date,
        born_to: Date,
    ) -> impl Future<Output = PortResult<Vec<RecallCandidate>>> + Send;
}

/// A notice sent to a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRecord {
    /// The run it was part of.
    pub run: RecallRunId,
    /// The client.
    pub client: ClientId,
    /// The organization that sent it.
    pub organization: OrganizationId,
    /// The day it was sent.
    pub sent_on: Date,
    /// Mail or phone.
    pub method: Method,
    /// The outputs made (`letters,labels` …).
    pub outputs: String,
    /// Who ran it.
    pub by: UserId,
}

/// Writes for reminder/recall: notices are a log (each client's last notice is the latest).
pub trait RecallWrites {
    /// Records the notices of one run.
    fn record_notices(
        &mut self,
        notices: &[NoticeRecord],
    ) -> impl Future<Output = PortResult<()>> + Send;
}
