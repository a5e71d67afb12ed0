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
