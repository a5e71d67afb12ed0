//! The one error type that crosses to the UI.

use serde::Serialize;
use shotbook_core::session::SessionError;
use shotbook_core::ValidationError;
use shotbook_store::StoreError;

use crate::dto::CaptchaChallenge;

/// One invalid field, as the form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldIssue {
    /// Path of the request field (`lastName`, `doses[2].administeredOn`).
    pub field: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

/// Every way a command can fail. Serialized as `{ "code": "…", …fields }`; the UI switches on
/// `code`, never on text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    /// Some inputs are invalid. Present each issue next to its field; keep what the user typed.
    #[error("invalid input")]
    Validation {
        /// One entry per invalid field.
        issues: Vec<FieldIssue>,
    },
    /// Org code, username or password did not match an active account. Present one message
    /// that does not say which part was wrong.
    #[error("the organization code, username or password is not correct")]
    InvalidCredentials,
    /// Three sign-ins have failed: the next attempt needs this CAPTCHA solved. Present the
    /// password-recall screen with the image and its text alternative.
    #[error("a CAPTCHA is required")]
    CaptchaRequired {
        /// The challenge to show.
        challenge: CaptchaChallenge,
    },
    /// Too many failed attempts: the account is locked until the password is reset. Present the
    /// Forgot Password screen.
    #[error("the account is locked")]
    AccountLocked,
    /// The account was inactivated (not used for 6 months, or by an administrator). Present a
    /// notice to contact the organization's supervisor or the registry.
    #[error("the account is inactive")]
    AccountInactive,
    /// The access end date has passed at this organization. Present a notice to contact the
    /// supervisor.
    #[error("access has ended")]
    AccessEnded,
    /// The emailed temporary password is more than 24 hours old. Present Forgot Password.
    #[error("the temporary password has expired")]
    TemporaryPasswordExpired,
    /// No one is signed in. Present the sign-in screen.
    #[error("not signed in")]
    NotSignedIn,
    /// The session was ended by something other than the user: it reached its 12-hour
    /// lifetime, the password was changed or reset, access ended, or the account was
    /// inactivated or locked. Present the sign-in screen with the reason.
    #[error("the session ended: {reason}")]
    SessionEnded {
        /// `lifetime_reached`, `password_changed`, `access_ended`, `account_inactive` or
        /// `account_locked`.
        reason: String,
    },
    /// Email is not set up on this workstation, so nothing that must be emailed (a password
    /// reset code, an agreement code, credentials) can be sent. Present "ask your registry help
    /// desk".
    #[error("email is not set up on this workstation")]
    MailUnavailable,
    /// Too many requests of this kind for now (Forgot Password). Present "try again later".
    #[error("too many requests")]
    TooManyRequests,
    /// The session was idle too long. Present the lock screen; keep unsaved input.
    #[error("the session timed out")]
    SessionExpired {
        /// The idle limit, in seconds.
        #[serde(rename = "idleSeconds")]
        idle_seconds: i32,
    },
    /// The user's role does not allow this. Present as a page-level notice.
    #[error("not permitted: {permission}")]
    Forbidden {
        /// The permission that was needed.
        permission: String,
    },
    /// The client has not granted consent (or withdrew it) and the user is at another
    /// organization: only identification may be shown. Present the consent notice in place of
    /// the restricted content.
    #[error("restricted by consent: {restriction}")]
    ConsentRestricted {
        /// consent_not_granted / consent_withdrawn.
        restriction: String,
    },
    /// The record does not exist (or no longer does). Present as a page-level notice.
    #[error("{entity} not found")]
    NotFound {
        /// What was looked for.
        entity: String,
    },
    /// Printing or signing is not possible on this workstation (no printer configured, CUPS
    /// missing, no record-signing key). Present the reason as a notice; "Save as PDF…" stays.
    #[error("cannot print: {detail}")]
    PrinterUnavailable {
        /// What is missing: `no_printer`, `no_cups`, `printer_refused`, `no_signing_key` or
        /// `bad_signing_key` (the UI words it).
        reason: String,
        /// The same in an English sentence (command line, logs).
        detail: String,
    },
    /// The action does not apply to the record as it stands now (approving a request that was
    /// already approved, signing an agreement twice). Present the reason as a page-level notice
    /// and reload the record.
    #[error("conflict: {reason}")]
    Conflict {
        /// A sentence for the user.
        reason: String,
    },
    /// The registry server refused the request or could not be reached when it had to be
    /// (`offline_never_signed_in_here`, `offline_window_passed`, `version_mismatch`,
    /// `not_empty`, `captcha_required` …). Present the reason's sentence.
    #[error("registry: {reason}")]
    Registry {
        /// Stable code.
        reason: String,
    },
    /// Something failed inside Shotbook. Present a generic apology with the reference, which
    /// support can find in the log.
    #[error("internal error, reference {reference}")]
    Internal {
        /// Opaque reference logged with the full error chain.
        reference: String,
    },
}

/// Result of every command.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// Logs `error` with a fresh reference and returns the opaque [`AppError::Internal`].
    pub fn internal(error: impl std::fmt::Display) -> Self {
        let reference = uuid::Uuid::now_v7().simple().to_string()[20..].to_string();
        // The chain names operations and ids, never client data: store errors carry SQL and
        // context strings only.
        tracing::error!(%reference, error = %error, "internal error");
        AppError::Internal { reference }
    }
}

impl From<ValidationError> for AppError {
    fn from(e: ValidationError) -> Self {
        AppError::Validation {
            issues: e
                .issues
                .into_iter()
                .map(|i| FieldIssue {
                    field: i.field,
                    message: i.message,
                })
                .collect(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(entity) => AppError::NotFound {
                entity: entity.to_string(),
            },
            other => AppError::internal(format!("{other:#}")),
        }
    }
}

impl From<SessionError> for AppError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::Expired { idle_seconds } => AppError::SessionExpired {
                idle_seconds: i32::try_from(idle_seconds).unwrap_or(i32::MAX),
            },
            SessionError::LifetimeReached => AppError::SessionEnded {
                reason: "lifetime_reached".into(),
            },
            SessionError::Forbidden(p) => AppError::Forbidden {
                permission: p.code().to_string(),
            },
        }
    }
}

impl From<shotbook_usecases::UseCaseError> for AppError {
    fn from(e: shotbook_usecases::UseCaseError) -> Self {
        use shotbook_usecases::sign_in::SignInRefusal;
        use shotbook_usecases::{PortError, UseCaseError};
        match e {
            UseCaseError::Invalid(v) => v.into(),
            UseCaseError::Forbidden { permission } => AppError::Forbidden {
                permission: permission.to_string(),
            },
            UseCaseError::ConsentRestricted(r) => AppError::ConsentRestricted {
                restriction: r.code().to_string(),
            },
            UseCaseError::NotFound(entity) => AppError::NotFound {
                entity: entity.to_string(),
            },
            UseCaseError::Conflict(reason) => AppError::Conflict { reason },
            UseCaseError::SignInRefused(refusal) => match refusal {
                SignInRefusal::InvalidCredentials => AppError::InvalidCredentials,
                SignInRefusal::AccountLocked => AppError::AccountLocked,
                SignInRefusal::AccountInactive => AppError::AccountInactive,
                SignInRefusal::AccessEnded => AppError::AccessEnded,
                SignInRefusal::TemporaryPasswordExpired => AppError::TemporaryPasswordExpired,
                // The sign-in command issues the challenge (it holds the CAPTCHAs); anything
                // else reaching here asked for credentials it should not have.
                SignInRefusal::CaptchaRequired => AppError::InvalidCredentials,
            },
            UseCaseError::Storage(PortError::NotFound(entity)) => AppError::NotFound {
                entity: entity.to_string(),
            },
            UseCaseError::Storage(PortError::Failed(e)) => AppError::internal(format!("{e:#}")),
        }
    }
}
