//! Audit events: who did what to which client record, from which workstation, when.
//!
//! Every read, print and change of client data produces one [`AuditEvent`]. The log is
//! append-only (the database refuses updates and deletes). Events carry identifiers, never names
//! or dates of birth, so the log can be exported for review without spreading client data.

use serde::Serialize;
use time::OffsetDateTime;

use crate::ids::{ClientId, OrganizationId, UserId};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// A user signed in.
    SignIn,
    /// A sign-in attempt failed (the detail says why, without the password).
    SignInFailed,
    /// A user signed out.
    SignOut,
    /// Credentials were accepted (the session starts after the confidentiality statement).
    CredentialsAccepted,
    /// The confidentiality statement was accepted ("I Agree").
    ConfidentialityAccepted,
    /// The sign-in ladder locked an account.
    AccountLocked,
    /// An account was inactivated (6 months unused, or by an administrator).
    AccountInactivated,
    /// Forgot Password was used (the detail says whether an email was sent).
    PasswordResetRequested,
    /// A password was changed (by its user, or replacing a temporary one).
    PasswordChanged,
    /// A user edited their own account details.
    AccountUpdated,
    /// A session locked by the idle timeout was unlocked with the password.
    SessionUnlocked,
    /// A search returned these client records to the screen.
    SearchClients,
    /// A client record was opened.
    ViewClient,
    /// A client record was printed.
    PrintRecord,
    /// A client's demographics changed.
    UpdateClient,
    /// An immunization was added, changed or voided.
    UpdateImmunization,
    /// A client was added to the registry.
    AddClient,
    /// A client's consent status changed (the detail gives the new status).
    UpdateConsent,
    /// Two client records were merged (the client is the survivor; the detail names the merge).
    MergeClients,
    /// A merge was undone.
    UnmergeClients,
    /// A likely duplicate pair was marked as two different people.
    DismissDuplicate,
    /// An access request was saved as a draft (detail: the request number).
    AccessRequestSaved,
    /// An access request was submitted or resubmitted.
    AccessRequestSubmitted,
    /// The prospective user signed the User Agreement of a request.
    UserAgreementSigned,
    /// A wrong request number or agreement code was entered.
    UserAgreementRefused,
    /// Registry staff opened a request for review.
    AccessRequestViewed,
    /// Registry staff approved a request (the account change is in the detail).
    AccessRequestApproved,
    /// Registry staff returned a request to the supervisor.
    AccessRequestReturned,
    /// Registry staff rejected a request.
    AccessRequestRejected,
    /// An account was created (by an approved request).
    AccountCreated,
    /// A user's access at an organization changed (role, end date) or ended.
    AccessChanged,
    /// A command was refused: the role lacks the permission, or the client's consent or the
    /// user's reach does not allow it (the detail says which; the client is named when one is
    /// concerned).
    AccessDenied,
    /// A password was reset with an emailed code.
    PasswordReset,
    /// Addressed to a client's home organization: another organization recorded the client's
    /// consent as granted (from a written form), which reopened the record to other
    /// organizations.
    ConsentGrantedElsewhere,
    /// A client's record was sent to a workstation's replica by sync (a snapshot or a pulled
    /// change); the detail names the workstation's node and how.
    ReplicateClient,
    /// A message from another system (an EHR's HL7 VXU …) was received; the detail names the
    /// sender, the message's control ID and what became of it (never a name or a birth date).
    InterfaceMessage,
    /// A school's or child-care facility's student list changed: created or renamed (no
    /// client), or a student added, updated or removed (the client; the detail names the list
    /// and what changed, never a name).
    StudentListChanged,
    /// A report ran (the detail names it and its scope, never a client's data); one event per
    /// client the report lists by name, with the client.
    RunReport,
    /// A student's record was read for a school compliance report (one event per student; the
    /// detail names the list).
    SchoolReport,
    /// A reminder/recall notice was sent to a client (one event per client; the detail names
    /// the run, the method and the outputs, never a name).
    ReminderNotice,
}

impl AuditAction {
    /// Stable code stored in the log.
    pub fn code(&self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::SignOut => "sign_out",
            AuditAction::CredentialsAccepted => "credentials_accepted",
            AuditAction::ConfidentialityAccepted => "confidentiality_accepted",
            AuditAction::AccountLocked => "account_locked",
            AuditAction::AccountInactivated => "account_inactivated",
            AuditAction::PasswordResetRequested => "password_reset_requested",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::AccountUpdated => "account_updated",
            AuditAction::SessionUnlocked => "session_unlocked",
            AuditAction::SearchClients => "search_clients",
            AuditAction::ViewClient => "view_client",
            AuditAction::PrintRecord => "print_record",
            AuditAction::UpdateClient => "update_client",
            AuditAction::UpdateImmunization => "update_immunization",
            AuditAction::AddClient => "add_client",
            AuditAction::UpdateConsent => "update_consent",
            AuditAction::MergeClients => "merge_clients",
            AuditAction::UnmergeClients => "unmerge_clients",
            AuditAction::DismissDuplicate => "dismiss_duplicate",
            AuditAction::AccessRequestSaved => "access_request_saved",
            AuditAction::AccessRequestSubmitted => "access_request_submitted",
            AuditAction::UserAgreementSigned => "user_agreement_signed",
            AuditAction::UserAgreementRefused => "user_agreement_refused",
            AuditAction::AccessRequestViewed => "access_request_viewed",
            AuditAction::AccessRequestApproved => "access_request_approved",
            AuditAction::AccessRequestReturned => "access_request_returned",
            AuditAction::AccessRequestRejected => "access_request_rejected",
            AuditAction::AccountCreated => "account_created",
            AuditAction::AccessChanged => "access_changed",
            AuditAction::AccessDenied => "access_denied",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::ConsentGrantedElsewhere => "consent_granted_elsewhere",
            AuditAction::ReplicateClient => "replicate_client",
            AuditAction::InterfaceMessage => "interface_message",
            AuditAction::StudentListChanged => "student_list_changed",
            AuditAction::SchoolReport => "school_report",
            AuditAction::RunReport => "run_report",
            AuditAction::ReminderNotice => "reminder_notice",
        }
    }
}

/// One entry for the audit log.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    /// When.
    pub at: OffsetDateTime,
    /// Who (absent for failed sign-ins of unknown users).
    pub user_id: Option<UserId>,
    /// For which organization.
    pub organization_id: Option<OrganizationId>,
    /// Workstation name (host name of the machine running Shotbook).
    pub workstation: String,
    /// What.
    pub action: AuditAction,
    /// Which client, when one client is concerned.
    pub client_id: Option<ClientId>,
    /// Extra non-identifying detail (counts, reasons), never names or dates of birth.
    pub detail: Option<String>,
}

/// The audit trail's hash chain, the same on the workstation and the registry server: each
/// entry's link is BLAKE2s-256 over the previous link and the entry's columns, so deleting,
/// changing or reordering entries — by someone who dropped the database's guards — breaks it.
pub mod chain {
    /// The link the first entry follows.
    pub const GENESIS: &str = "shotbook-audit-chain-v1";

    /// The link of an entry whose columns are `fields` (id, at as RFC 3339, user, organization,
    /// workstation, action, client, detail) after the link `previous`: each column
    /// length-prefixed (no two rows hash alike by moving a boundary), absent columns marked as
    /// such; lowercase hex.
    pub fn link(previous: &str, fields: &[Option<String>]) -> String {
        use blake2::{Blake2s256, Digest};
        let mut hasher = Blake2s256::new();
        hasher.update(previous.as_bytes());
        for field in fields {
            match field {
                Some(text) => {
                    hasher.update([1u8]);
                    hasher.update((text.len() as u64).to_be_bytes());
                    hasher.update(text.as_bytes());
                }
                None => hasher.update([0u8]),
            }
        }
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_link_depends_on_the_previous_link_and_on_where_columns_end() {
            let one = link(GENESIS, &[Some("ab".into()), Some("c".into())]);
            assert_eq!(one.len(), 64);
            assert_ne!(one, link(GENESIS, &[Some("a".into()), Some("bc".into())]));
            assert_ne!(one, link("another", &[Some("ab".into()), Some("c".into())]));
            assert_ne!(
                link(GENESIS, &[None]),
                link(GENESIS, &[Some(String::new())]),
                "absent is not empty"
            );
        }
    }
}
