//! The errors of use cases and of the storage ports under them.

use shotbook_core::consent::Restriction;
use shotbook_core::error::ValidationError;

/// A storage port failed.
#[derive(Debug, thiserror::Error)]
pub enum PortError {
    /// The row asked for does not exist (or no longer does).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The storage failed; the message names operations and ids, never client data.
    #[error(transparent)]
    Failed(Box<dyn std::error::Error + Send + Sync>),
}

/// Result of a port call.
pub type PortResult<T> = Result<T, PortError>;

/// Why a use case did not do what was asked. Each host turns it into its own answer (the
/// desktop's `AppError`, an HL7 ACK, an HTTP status).
#[derive(Debug, thiserror::Error)]
pub enum UseCaseError {
    /// Some inputs are invalid; each issue names its field.
    #[error("invalid input")]
    Invalid(#[from] ValidationError),
    /// The actor's role or organization does not allow this. `permission` is the permission's
    /// code, or the code of the rule that refused (`edit_other_organizations_immunizations`).
    #[error("not permitted: {permission}")]
    Forbidden {
        /// What was needed.
        permission: &'static str,
    },
    /// The consent rule shows this actor the client's identification only.
    #[error("restricted by consent: {}", .0.code())]
    ConsentRestricted(Restriction),
    /// The record does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The step does not apply to the record as it stands now (approving a request already
    /// approved); a sentence for the user.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Credentials refused by the sign-in ladder.
    #[error("sign-in refused: {}", .0.code())]
    SignInRefused(crate::sign_in::SignInRefusal),
    /// The storage failed.
    #[error(transparent)]
    Storage(PortError),
}

impl From<PortError> for UseCaseError {
    fn from(e: PortError) -> Self {
        match e {
            PortError::NotFound(what) => UseCaseError::NotFound(what),
            other => UseCaseError::Storage(other),
        }
    }
}

/// Result of a use case.
pub type UseCaseResult<T> = Result<T, UseCaseError>;
