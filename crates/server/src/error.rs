//! The API's one error shape: a stable `code`, a sentence, and where they apply the field
//! `issues` (each with its path, as the desktop shows them), the `permission` or consent
//! `restriction` that refused, or the CAPTCHA to solve. Statuses follow HTTP; the body's code
//! is what a client branches on. Storage failures are logged (never with client data) and
//! answered with `internal` only.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use shotbook_usecases::sign_in::SignInRefusal;
use shotbook_usecases::{PortError, UseCaseError};

/// A CAPTCHA the client must show before the next attempt.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaptchaChallenge {
    /// Send it back with the answer.
    pub challenge_id: String,
    /// The question, in words a screen reader speaks ("What is seven plus two?").
    pub text_question: String,
}

/// What went wrong.
#[derive(Debug)]
pub enum ApiError {
    /// A use case refused or failed.
    UseCase(UseCaseError),
    /// No valid access token (or refresh token, or device proof): `code` says which.
    Unauthenticated(&'static str),
    /// Credentials need a solved CAPTCHA first.
    CaptchaRequired(CaptchaChallenge),
    /// The request is malformed before any rule applies (`code`, sentence).
    BadRequest(&'static str, String),
    /// The body is over the route's limit (`body_too_large`, 413): the sentence says the limit.
    TooLarge(String),
    /// The workstation speaks another sync protocol or schema line (`version_mismatch`).
    VersionMismatch(shotbook_protocol::VersionMismatch),
    /// Something failed on our side; already logged.
    Internal,
}

impl From<UseCaseError> for ApiError {
    fn from(e: UseCaseError) -> Self {
        ApiError::UseCase(e)
    }
}

impl From<PortError> for ApiError {
    fn from(e: PortError) -> Self {
        ApiError::UseCase(e.into())
    }
}

impl From<shotbook_server_store::ServerStoreError> for ApiError {
    fn from(e: shotbook_server_store::ServerStoreError) -> Self {
        tracing::error!(error = %e, "database");
        ApiError::Internal
    }
}

/// One problem with one field.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldIssue {
    /// Path of the field (`doses[2].administeredOn`).
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Every error's body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// Stable code a client branches on.
    #[schema(value_type = String)]
    pub code: &'static str,
    /// A sentence for the user.
    pub message: String,
    /// The fields to correct (`invalid`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<FieldIssue>)]
    pub issues: Vec<shotbook_core::error::Issue>,
    /// The permission that refused (`forbidden`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub permission: Option<&'static str>,
    /// The consent restriction (`consent_restricted`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub restriction: Option<&'static str>,
    /// The CAPTCHA to solve (`captcha_required`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captcha: Option<CaptchaChallenge>,
}

use ErrorBody as Body;

impl Body {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            issues: Vec::new(),
            permission: None,
            restriction: None,
            captcha: None,
        }
    }
}

fn sign_in_message(refusal: SignInRefusal) -> &'static str {
    match refusal {
        SignInRefusal::InvalidCredentials => {
            "The organization code, username or password is not correct."
        }
        SignInRefusal::CaptchaRequired => "Solve the CAPTCHA, then sign in again.",
        SignInRefusal::AccountLocked => {
            "This account is locked after too many failed sign-ins. Reset the password with Forgot Password."
        }
        SignInRefusal::AccountInactive => {
            "This account is inactive. Ask your organization's supervisor to reactivate it."
        }
        SignInRefusal::AccessEnded => "Your access to this organization has ended.",
        SignInRefusal::TemporaryPasswordExpired => {
            "The temporary password has expired (24 hours). Request a new one with Forgot Password."
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiError::UseCase(e) => match e {
                UseCaseError::Invalid(v) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Body {
                        issues: v.issues,
                        ..Body::new("invalid", "Some fields need correcting.")
                    },
                ),
                UseCaseError::Forbidden { permission } => (
                    StatusCode::FORBIDDEN,
                    Body {
                        permission: Some(permission),
                        ..Body::new("forbidden", "Your role does not allow this.")
                    },
                ),
                UseCaseError::ConsentRestricted(r) => (
                    StatusCode::FORBIDDEN,
                    Body {
                        restriction: Some(r.code()),
                        ..Body::new(
                            "consent_restricted",
                            "Only the client's identification may be shown to your organization.",
                        )
                    },
                ),
                UseCaseError::NotFound(what) | UseCaseError::Storage(PortError::NotFound(what)) => {
                    (
                        StatusCode::NOT_FOUND,
                        Body::new("not_found", format!("No such {what}.")),
                    )
                }
                UseCaseError::Conflict(reason) => {
                    (StatusCode::CONFLICT, Body::new("conflict", reason))
                }
                UseCaseError::SignInRefused(refusal) => (
                    StatusCode::UNAUTHORIZED,
                    Body::new(refusal.code(), sign_in_message(refusal)),
                ),
                UseCaseError::Storage(PortError::Failed(e)) => {
                    tracing::error!(error = %e, "storage");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        Body::new("internal", "The registry could not complete this request."),
                    )
                }
            },
            ApiError::Unauthenticated(code) => {
                (StatusCode::UNAUTHORIZED, Body::new(code, "Sign in again."))
            }
            ApiError::CaptchaRequired(challenge) => (
                StatusCode::UNAUTHORIZED,
                Body {
                    captcha: Some(challenge),
                    ..Body::new(
                        SignInRefusal::CaptchaRequired.code(),
                        sign_in_message(SignInRefusal::CaptchaRequired),
                    )
                },
            ),
            ApiError::BadRequest(code, message) => {
                (StatusCode::BAD_REQUEST, Body::new(code, message))
            }
            ApiError::TooLarge(message) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                Body::new("body_too_large", message),
            ),
            ApiError::VersionMismatch(mismatch) => (
                StatusCode::CONFLICT,
                Body::new("version_mismatch", mismatch.to_string()),
            ),
            ApiError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                Body::new("internal", "The registry could not complete this request."),
            ),
        };
        (status, Json(body)).into_response()
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// A JSON request body whose rejection (not JSON, wrong content type, a missing or mistyped
/// field) is answered in the API's error shape (`bad_json`, 400) like every other error,
/// instead of axum's plain-text rejection.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    Json<T>: axum::extract::FromRequest<S, Rejection = axum::extract::rejection::JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        match <Json<T> as axum::extract::FromRequest<S>>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(
                ApiError::TooLarge("The request is larger than this address accepts.".into()),
            ),
            Err(rejection) => Err(ApiError::BadRequest("bad_json", rejection.body_text())),
        }
    }
}
