//! Mail: what a use case sends, queued in its unit of work and delivered after the commit by
//! the host (SMTP on a real install, a folder on the demo), so no write transaction waits on a
//! mail relay and no change is lost when the relay is down.

use std::future::Future;

use serde::{Deserialize, Serialize};
use shotbook_core::access_request::RequestType;
use shotbook_core::jurisdiction::Jurisdiction;

use crate::PortResult;

/// A message a use case sends: queued in its unit of work ([`MailWrites`]) and delivered by
/// the host after the commit, which words it in the recipient's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mail {
    /// To the prospective user: the code to sign the User Agreement.
    AgreementCode {
        /// Address.
        to: String,
        /// The user's first name.
        first_name: String,
        /// The supervisor who asked.
        supervisor_name: String,
        /// The organization.
        organization_name: String,
        /// The registry profile.
        jurisdiction: Jurisdiction,
        /// Request number.
        number: String,
        /// The code, `ABCD-EFGH-JKLM`.
        code: String,
    },
    /// To the user: the request was approved (with credentials for a new or reactivated
    /// account).
    Approved {
        /// Address.
        to: String,
        /// The user's first name.
        first_name: String,
        /// The registry profile.
        jurisdiction: Jurisdiction,
        /// Request number.
        number: String,
        /// Type.
        request_type: RequestType,
        /// Org code to sign in with.
        organization_code: String,
        /// Organization name.
        organization_name: String,
        /// Username.
        username: String,
        /// The temporary password, when one was set.
        temporary_password: Option<String>,
    },
    /// To the supervisor: the request was returned or rejected.
    Decided {
        /// Address.
        to: String,
        /// The registry profile.
        jurisdiction: Jurisdiction,
        /// Request number.
        number: String,
        /// Returned (else rejected).
        returned: bool,
        /// The reason given.
        reason: String,
    },
    /// To a user who asked for it: the single-use code that lets them choose a new password
    /// (their current password keeps working until the code is used).
    PasswordResetCode {
        /// Address on file.
        to: String,
        /// The user's first name.
        first_name: String,
        /// Username.
        username: String,
        /// Org code typed at Forgot Password.
        organization_code: String,
        /// The code (`ABCD-EFGH-JKLM-NPQR`).
        code: String,
        /// How long it is valid, in minutes.
        valid_minutes: i64,
    },
}

impl Mail {
    /// The stable name of its kind (stored beside the message, logged instead of it).
    pub fn kind(&self) -> &'static str {
        match self {
            Mail::AgreementCode { .. } => "agreement_code",
            Mail::Approved { .. } => "approved",
            Mail::Decided { .. } => "decided",
            Mail::PasswordResetCode { .. } => "password_reset_code",
        }
    }
}

/// A message as it leaves the registry: recipient, subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordedMail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

impl Mail {
    /// The message in words (English; both hosts send the same text, so a workstation and the
    /// registry server word a message alike).
    pub fn worded(&self) -> WordedMail {
        let (to, subject, body) = match self {

            Mail::AgreementCode {
                to,
                first_name,
                supervisor_name,
                organization_name,
                jurisdiction,
                number,
                code,
            } => {
                let registry = jurisdiction.registry_name();
                let body = format!(
                    "Hello {first_name},\n\n{supervisor_name} ({organization_name}) has requested {registry} access for you.\n\n\
                     Before you can receive your login credentials you must complete the {registry} User Agreement yourself \
                     (your supervisor cannot complete it for you).\n\n\
                     Request number: {number}\nAgreement code: {code}\n\n\
                     Open Shotbook and choose \"Sign a User Agreement\" on the sign-in screen, then enter the request number and \
                     the code above.\n\nQuestions: call the {registry} help desk at {phone}.\n",
                    phone = jurisdiction.help_desk_phone(),
                );
                (
                    to.clone(),
                    format!("{registry} User Agreement for request {number}"),
                    body,
                )
            }
            Mail::Approved {
                to,
                first_name,
                jurisdiction,
                number,
                request_type,
                organization_code: code,
                organization_name: name,
                username,
                temporary_password,
            } => {
                let registry = jurisdiction.registry_name();
                let greeting = format!("Hello {first_name},\n\n");
                let body = match (temporary_password, request_type) {
                    (Some(temporary), _) => format!(
                        "{greeting}Your {registry} access request {number} has been approved.\n\n\
                         Organization code: {code}\nUsername: {username}\nTemporary password: {temporary}\n\n\
                         The temporary password is valid for 24 hours. Sign in with it in Shotbook and you will be asked to choose \
                         a new password.\n\nQuestions: call the {registry} help desk at {phone}.\n",
                        phone = jurisdiction.help_desk_phone(),
                    ),
                    (None, RequestType::AccessDeletion) => format!(
                        "{greeting}Your {registry} access at {name} ({code}) ends as requested by your organization (request {number}).\n",
                    ),
                    (None, _) => format!(
                        "{greeting}Your {registry} access request {number} has been approved. Sign in with organization code {code}, \
                         your username {username} and your current password.\n",
                    ),
                };
                (
                    to.clone(),
                    format!("Your {registry} access request {number}"),
                    body,
                )
            }
            Mail::Decided {
                to,
                jurisdiction,
                number,
                returned,
                reason,
            } => {
                let registry = jurisdiction.registry_name();
                let verb = if *returned {
                    "returned to you for correction"
                } else {
                    "rejected"
                };
                (
                    to.clone(),
                    format!("{registry} access request {number} {verb}"),
                    format!(
                        "{registry} access request {number} was {verb}.\n\nReason: {reason}\n\nSee \"My access requests\" in Shotbook.\n"
                    ),
                )
            }
            Mail::PasswordResetCode {
                to,
                first_name,
                username,
                organization_code,
                code,
                valid_minutes,
            } => (
                to.clone(),
                "Your Shotbook password reset code".to_string(),
                format!(
                    "Hello {first_name},\n\nSomeone (we hope you) asked to reset the password of your Shotbook account {username} \
                     at organization {organization_code}.\n\nReset code: {code}\n\nOn the Forgot password screen choose \
                     \"I have a code\", enter it and choose a new password. The code works once, for {valid_minutes} minutes. \
                     Your current password keeps working until then.\n\nIf you did not ask for this, ignore this email and \
                     tell your registry help desk.\n"
                ),
            ),
        };
        WordedMail { to, subject, body }
    }
}

/// A queued message not sent yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    /// Its place in the queue.
    pub id: i64,
    /// The message.
    pub mail: Mail,
    /// Failed delivery attempts so far.
    pub attempts: i64,
}

/// Queues mail in a unit of work: it leaves only if the work commits.
pub trait MailWrites {
    /// Queues `mail`.
    fn queue_mail(&mut self, mail: &Mail) -> impl Future<Output = PortResult<()>> + Send;
}

/// The queue, for the host that delivers it.
pub trait MailReads {
    /// Messages not sent yet, oldest first.
    fn unsent_mail(&self) -> impl Future<Output = PortResult<Vec<QueuedMail>>> + Send;
}
