//! Signing in to the registry over its API, refreshing and signing out, and the
//! [`Authenticated`] extractor every other endpoint takes.
//!
//! The credentials go through the same use case as at a workstation
//! ([`shotbook_usecases::sign_in::check_credentials`]: the ladder, CAPTCHA, lock, expiry,
//! inactivity, end dates, every answer audited). This host adds what an API needs: the
//! confidentiality statement accepted with the request, the device enrolled by its Ed25519
//! public key, and tokens (see [`crate::tokens`]).

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::permission::Role;
use shotbook_server_store::api_sessions::{self, NewRefreshToken, Spend};
use shotbook_usecases::ports::{AccessReads, AuditWrites, Registry, SignInHost};
use shotbook_usecases::sign_in::{
    check_credentials, choose_password, CaptchaAnswer, CredentialsAccepted, NewPassword,
    SignInAttempt, SignInRefusal,
};
use shotbook_usecases::{Actor, PortError, PortResult, UseCaseError, Via};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::error::{ApiError, ApiJson, ApiResult, CaptchaChallenge, ErrorBody};
use crate::tokens::{
    new_refresh_token, refresh_proof_holds, refresh_token_hash, AccessClaims,
    ACCESS_TOKEN_LIFETIME, REFRESH_TOKEN_LIFETIME,
};
use crate::AppState;

/// How long a CAPTCHA challenge may be answered.
const CAPTCHA_VALIDITY: Duration = Duration::minutes(10);
const NUMBER_WORDS: [&str; 13] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve",
];

/// A CAPTCHA answer.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaptchaReply {
    /// The challenge answered.
    pub challenge_id: String,
    /// The answer, in digits.
    pub answer: String,
}

/// The device signing in.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceKey {
    /// Its Ed25519 public key, base64url (32 bytes).
    pub public_key: String,
    /// A name people recognize ("FRONT-DESK-2").
    pub name: String,
}

/// `POST /v1/sign-in`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignInRequest {
    /// Org code.
    pub organization_code: String,
    /// Username.
    pub username: String,
    /// Password.
    pub password: String,
    /// The CAPTCHA answer, once one was asked for.
    #[serde(default)]
    pub captcha: Option<CaptchaReply>,
    /// The device.
    pub device: DeviceKey,
    /// The user accepted the confidentiality statement shown with the form.
    #[serde(default)]
    pub accept_confidentiality: bool,
}

/// Tokens for a signed-in user.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tokens {
    /// Bearer token for every other request.
    pub access_token: String,
    /// When it stops working.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub access_token_expires_at: OffsetDateTime,
    /// Spent once at `POST /v1/tokens/refresh` with the device's proof.
    pub refresh_token: String,
    /// When it stops working unused.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub refresh_token_expires_at: OffsetDateTime,
    /// The enrolled device.
    pub device_id: Uuid,
    /// Who is signed in, where, as what.
    pub user: SignedInUser,
}

/// The user behind a token.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignedInUser {
    /// User id.
    #[schema(value_type = String, format = Uuid)]
    pub user_id: UserId,
    /// Username.
    pub username: String,
    /// Organization id.
    #[schema(value_type = String, format = Uuid)]
    pub organization_id: OrganizationId,
    /// Org code.
    pub organization_code: String,
    /// Organization name.
    pub organization_name: String,
    /// Role code.
    pub role: &'static str,
}

/// What the registry server lends the sign-in ladder: Argon2 on the blocking pool, and the
/// per-account turn, CAPTCHA-free failure counts of unknown names kept in PostgreSQL so every
/// process climbs one ladder.
struct ServerSignIn<'a>(&'a AppState);

fn key_hash(key: &str) -> [u8; 32] {
    refresh_token_hash(&format!("sign-in-key\u{1f}{key}"))
}

fn port_failed(e: shotbook_server_store::ServerStoreError) -> PortError {
    PortError::Failed(Box::new(e))
}

impl SignInHost for ServerSignIn<'_> {
    type Turn =
        shotbook_server_store::sqlx::Transaction<'static, shotbook_server_store::sqlx::Postgres>;

    async fn one_at_a_time(&self, key: &str) -> PortResult<Self::Turn> {
        api_sessions::account_turn(&self.0.registry, &key_hash(key))
            .await
            .map_err(port_failed)
    }

    async fn verify_password(&self, password: String, hash: String) -> PortResult<bool> {
        tokio::task::spawn_blocking(move || {
            shotbook_core::password::verify_password(&password, &hash)
        })
        .await
        .map_err(|e| PortError::Failed(Box::new(e)))
    }

    async fn hash_password(&self, password: String) -> PortResult<String> {
        tokio::task::spawn_blocking(move || shotbook_core::password::hash_password(&password))
            .await
            .map_err(|e| PortError::Failed(Box::new(e)))
    }

    async fn unknown_failures(&self, key: &str) -> PortResult<u32> {
        api_sessions::unknown_failures(&self.0.registry, &key_hash(key))
            .await
            .map_err(port_failed)
    }

    async fn count_unknown_failure(&self, key: &str) -> PortResult<u32> {
        let now = self.0.clock.now();
        api_sessions::count_unknown_failure(&self.0.registry, &key_hash(key), now)
            .await
            .map_err(port_failed)
    }
}

async fn issue_captcha(state: &AppState) -> ApiResult<CaptchaChallenge> {
    let (a, b) = {
        use rand::Rng;
        // The thread's generator is not Send: draw before any await.
        let mut rng = rand::rng();
        (rng.random_range(2..=9usize), rng.random_range(1..=3usize))
    };
    let id = Uuid::now_v7();
    let answer = (a + b).to_string();
    api_sessions::keep_captcha(
        &state.registry,
        id,
        &captcha_hash(id, &answer),
        state.clock.now(),
    )
    .await?;
    Ok(CaptchaChallenge {
        challenge_id: id.to_string(),
        text_question: format!(
            "What is {} plus {}? Type the answer in digits.",
            NUMBER_WORDS[a], NUMBER_WORDS[b]
        ),
    })
}

fn captcha_hash(id: Uuid, answer: &str) -> [u8; 32] {
    refresh_token_hash(&format!("captcha\u{1f}{id}\u{1f}{}", answer.trim()))
}

async fn judge_captcha(state: &AppState, reply: Option<&CaptchaReply>) -> ApiResult<CaptchaAnswer> {
    let Some(reply) = reply else {
        return Ok(CaptchaAnswer::None);
    };
    let Ok(id) = reply.challenge_id.trim().parse::<Uuid>() else {
        return Ok(CaptchaAnswer::Wrong);
    };
    let solved = api_sessions::solve_captcha(
        &state.registry,
        id,
        &captcha_hash(id, &reply.answer),
        CAPTCHA_VALIDITY,
        state.clock.now(),
    )
    .await?;
    Ok(if solved {
        CaptchaAnswer::Solved
    } else {
        CaptchaAnswer::Wrong
    })
}

fn device_key(text: &str) -> ApiResult<[u8; 32]> {
    URL_SAFE_NO_PAD
        .decode(text.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .filter(|bytes| ed25519_dalek::VerifyingKey::from_bytes(bytes).is_ok())
        .ok_or_else(|| {
            ApiError::BadRequest(
                "bad_device_key",
                "device.publicKey must be an Ed25519 public key (32 bytes, base64url).".into(),
            )
        })
}

fn device_place(device: Uuid) -> Via {
    Via::Workstation {
        name: format!("device:{device}"),
    }
}

/// `POST /v1/sign-in`: credentials (and the CAPTCHA once asked) → tokens for this device.
#[utoipa::path(post, path = "/v1/sign-in", tag = "sign-in", request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in", body = Tokens),
        (status = 400, description = "`bad_json`, `bad_device_key`, `password_change_required` (use `/v1/sign-in/new-password`)", body = ErrorBody),
        (status = 401, description = "`invalid_credentials`, `captcha_required` (with `captcha`), `account_locked`, `account_inactive`, `access_ended`, `temporary_password_expired`, `device_revoked`", body = ErrorBody),
        (status = 422, description = "Missing fields, or the confidentiality statement not accepted", body = ErrorBody),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SignInRequest>,
) -> ApiResult<Json<Tokens>> {
    let (accepted, device) = credentials(&state, request).await?;
    if accepted.must_change_password {
        return Err(ApiError::BadRequest(
            "password_change_required",
            "This is a temporary password: choose your own with POST /v1/sign-in/new-password."
                .into(),
        ));
    }
    start_session(&state, &accepted, device).await
}

/// `POST /v1/sign-in/new-password`: the sign-in of a temporary password, with the password the
/// user chose instead.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewPasswordSignInRequest {
    /// The sign-in, with the temporary password.
    #[serde(flatten)]
    pub sign_in: SignInRequest,
    /// The password chosen.
    pub new_password: String,
    /// The same, typed again.
    pub confirm_password: String,
}

/// `POST /v1/sign-in/new-password`: a temporary password (emailed on approval or reset)
/// replaced by one the user chose, by the rules every registry shares, then signed in.
#[utoipa::path(post, path = "/v1/sign-in/new-password", tag = "sign-in",
    request_body = NewPasswordSignInRequest,
    responses(
        (status = 400, description = "`bad_json`: the body is not the JSON described", body = ErrorBody),
        (status = 200, description = "Password changed and signed in", body = Tokens),
        (status = 401, description = "As for sign-in", body = ErrorBody),
        (status = 409, description = "`conflict`: the password is not a temporary one", body = ErrorBody),
        (status = 422, description = "`newPassword` or `confirmPassword` issues", body = ErrorBody),
    ))]
pub async fn sign_in_with_new_password(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<NewPasswordSignInRequest>,
) -> ApiResult<Json<Tokens>> {
    let (accepted, device) = credentials(&state, request.sign_in).await?;
    if !accepted.must_change_password {
        return Err(UseCaseError::Conflict(
            "This password is not a temporary one; change it from your account instead.".into(),
        )
        .into());
    }
    let new = NewPassword {
        user: accepted.user_id,
        username: accepted.username.clone(),
        organization: Some(accepted.organization_id),
        password: request.new_password,
        confirmation: request.confirm_password,
    };
    let now = state.clock.now();
    choose_password(
        &state.registry,
        &ServerSignIn(&state),
        new,
        None,
        &device_place(device.id),
        now,
    )
    .await?;
    start_session(&state, &accepted, device).await
}

/// The credentials step shared by both sign-ins: the statement accepted, the device's key
/// well formed, the ladder (issuing a CAPTCHA when it asks for one), and the device enrolled.
async fn credentials(
    state: &AppState,
    request: SignInRequest,
) -> ApiResult<(CredentialsAccepted, api_sessions::Device)> {
    let public_key = device_key(&request.device.public_key)?;
    if !request.accept_confidentiality {
        return Err(
            UseCaseError::Invalid(shotbook_core::error::ValidationError::single(
                "acceptConfidentiality",
                "Accept the confidentiality statement to sign in.",
            ))
            .into(),
        );
    }
    let device_name = request
        .device
        .name
        .trim()
        .chars()
        .take(100)
        .collect::<String>();
    let now = state.clock.now();
    let captcha = judge_captcha(state, request.captcha.as_ref()).await?;
    // Until the device is enrolled (after the credentials), the place is its key's hash.
    let place = Via::Workstation {
        name: format!(
            "device-key:{}",
            URL_SAFE_NO_PAD.encode(&refresh_token_hash(&request.device.public_key)[..9])
        ),
    };
    let attempt = SignInAttempt {
        organization_code: request.organization_code,
        username: request.username,
        password: request.password,
        captcha,
    };
    let accepted = match check_credentials(
        &state.registry,
        &ServerSignIn(state),
        attempt,
        &place,
        now,
    )
    .await
    {
        Ok(accepted) => accepted,
        Err(UseCaseError::SignInRefused(SignInRefusal::CaptchaRequired)) => {
            return Err(ApiError::CaptchaRequired(issue_captcha(state).await?))
        }
        Err(e) => return Err(e.into()),
    };
    let device = api_sessions::enroll_device(
        &state.registry,
        &public_key,
        &device_name,
        accepted.user_id.as_uuid(),
        now,
    )
    .await?;
    if device.revoked {
        return Err(ApiError::Unauthenticated("device_revoked"));
    }
    Ok((accepted, device))
}

/// Audits the statement accepted and the sign-in, and issues the first tokens of a new family.
async fn start_session(
    state: &AppState,
    accepted: &CredentialsAccepted,
    device: api_sessions::Device,
) -> ApiResult<Json<Tokens>> {
    let now = state.clock.now();
    let via = device_place(device.id);
    let mut work = state.registry.begin(via.origin(), now).await?;
    for action in [AuditAction::ConfidentialityAccepted, AuditAction::SignIn] {
        work.audit(&AuditEvent {
            at: now,
            user_id: Some(accepted.user_id),
            organization_id: Some(accepted.organization_id),
            workstation: via.audit_place(),
            action,
            client_id: None,
            detail: None,
        })
        .await?;
    }
    work.commit().await?;
    let tokens = issue_tokens(
        state,
        accepted.user_id,
        accepted.organization_id,
        device.id,
        Uuid::now_v7(),
        now,
    )
    .await?;
    Ok(Json(tokens))
}

async fn issue_tokens(
    state: &AppState,
    user: UserId,
    organization: OrganizationId,
    device: Uuid,
    family: Uuid,
    now: OffsetDateTime,
) -> ApiResult<Tokens> {
    let actor = member(state, user, organization, device).await?;
    let access_token_expires_at = now + ACCESS_TOKEN_LIFETIME;
    let access_token = state.keys.issue(&AccessClaims {
        user,
        organization,
        device,
        family,
        expires_at: access_token_expires_at,
    });
    let (refresh_token, hash) = new_refresh_token();
    let refresh_token_expires_at = now + REFRESH_TOKEN_LIFETIME;
    api_sessions::keep_refresh_token(
        &state.registry,
        NewRefreshToken {
            token_hash: &hash,
            family,
            device,
            user: user.as_uuid(),
            organization: organization.as_uuid(),
            expires_at: refresh_token_expires_at,
        },
        now,
    )
    .await?;
    let account = state.registry.account(user).await?;
    let place = state.registry.organization(organization).await?;
    Ok(Tokens {
        access_token,
        access_token_expires_at,
        refresh_token,
        refresh_token_expires_at,
        device_id: device,
        user: SignedInUser {
            user_id: user,
            username: account.username,
            organization_id: organization,
            organization_code: place.code,
            organization_name: place.name,
            role: actor.role.code(),
        },
    })
}

/// `POST /v1/tokens/refresh`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefreshRequest {
    /// The refresh token last issued to this device.
    pub refresh_token: String,
    /// Ed25519 signature by the device key over `shotbook-refresh-v1\n` + the token,
    /// base64url.
    pub device_proof: String,
}

/// `POST /v1/tokens/refresh`: spends the refresh token (once) for a new pair, if the device
/// proves it holds its key. A spent token presented again revokes every token of its sign-in.
#[utoipa::path(post, path = "/v1/tokens/refresh", tag = "sign-in", request_body = RefreshRequest,
    responses(
        (status = 400, description = "`bad_json`: the body is not the JSON described", body = ErrorBody),
        (status = 200, description = "A new pair", body = Tokens),
        (status = 401, description = "`refresh_token_invalid`, `refresh_token_replayed`, `device_proof_invalid`", body = ErrorBody),
    ))]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> ApiResult<Json<Tokens>> {
    let now = state.clock.now();
    let hash = refresh_token_hash(request.refresh_token.trim());
    match api_sessions::spend_refresh_token(&state.registry, &hash, now).await? {
        Spend::Spent {
            family,
            device,
            user,
            organization,
        } => {
            if !refresh_proof_holds(
                &device.public_key,
                request.refresh_token.trim(),
                &request.device_proof,
            ) {
                // The token was spent anyway: whoever holds it without the key gains nothing,
                // and the device signs in again.
                api_sessions::revoke_family(&state.registry, family, now).await?;
                return Err(ApiError::Unauthenticated("device_proof_invalid"));
            }
            let tokens = issue_tokens(
                &state,
                UserId::from_uuid(user),
                OrganizationId::from_uuid(organization),
                device.id,
                family,
                now,
            )
            .await?;
            Ok(Json(tokens))
        }
        Spend::Replayed => {
            tracing::warn!("a spent refresh token was presented again; its sign-in is revoked");
            Err(ApiError::Unauthenticated("refresh_token_replayed"))
        }
        Spend::Refused => Err(ApiError::Unauthenticated("refresh_token_invalid")),
    }
}

/// `POST /v1/sign-out`: revokes the refresh tokens of this sign-in (the access token dies
/// within minutes).
#[utoipa::path(post, path = "/v1/sign-out", tag = "sign-in", security(("bearer" = [])),
    responses(
        (status = 200, description = "Signed out", body = serde_json::Value),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
pub async fn sign_out(
    State(state): State<AppState>,
    who: Authenticated,
) -> ApiResult<Json<serde_json::Value>> {
    let now = state.clock.now();
    api_sessions::revoke_family(&state.registry, who.claims.family, now).await?;
    let mut work = state.registry.begin(who.actor.origin(), now).await?;
    work.audit(&who.actor.audit_event(now, AuditAction::SignOut, None, None))
        .await?;
    work.commit().await?;
    Ok(Json(serde_json::json!({ "signedOut": true })))
}

/// `GET /v1/me`: who the token belongs to, with the role as it stands now.
#[utoipa::path(get, path = "/v1/me", tag = "sign-in", security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = SignedInUser),
        (status = 401, description = "No valid access token, or access ended", body = ErrorBody),
    ))]
pub async fn me(
    State(state): State<AppState>,
    who: Authenticated,
) -> ApiResult<Json<SignedInUser>> {
    let account = state.registry.account(who.actor.user_id).await?;
    let place = state
        .registry
        .organization(who.actor.organization_id)
        .await?;
    Ok(Json(SignedInUser {
        user_id: who.actor.user_id,
        username: account.username,
        organization_id: who.actor.organization_id,
        organization_code: place.code,
        organization_name: place.name,
        role: who.actor.role.code(),
    }))
}

/// The actor of a request with a valid access token: the user, the organization and the role
/// **as they stand now** (an ended access, an inactivated or locked account stops the next
/// request, not the next sign-in), at the token's device.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// Who acts.
    pub actor: Actor,
    /// The token's claims.
    pub claims: AccessClaims,
}

async fn member(
    state: &AppState,
    user: UserId,
    organization: OrganizationId,
    device: Uuid,
) -> ApiResult<Actor> {
    let today = state.clock.today();
    let membership = state
        .registry
        .membership(user, organization)
        .await?
        .filter(|m| m.open_on(today))
        .ok_or(ApiError::UseCase(UseCaseError::SignInRefused(
            SignInRefusal::AccessEnded,
        )))?;
    let account = state.registry.account(user).await?;
    if !account.active {
        return Err(UseCaseError::SignInRefused(SignInRefusal::AccountInactive).into());
    }
    if account.locked {
        return Err(UseCaseError::SignInRefused(SignInRefusal::AccountLocked).into());
    }
    let role = Role::from_code(&membership.role).ok_or(ApiError::Internal)?;
    let place = state.registry.organization(organization).await?;
    Ok(Actor {
        user_id: user,
        organization_id: organization,
        role,
        state: place.state,
        organization_kind: place.kind,
        via: device_place(device),
    })
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthenticated("signed_out"))?;
        let claims = state
            .keys
            .verify(token.trim(), state.clock.now())
            .map_err(|e| match e {
                crate::tokens::TokenRefused::Expired => {
                    ApiError::Unauthenticated("access_token_expired")
                }
                crate::tokens::TokenRefused::Invalid => {
                    ApiError::Unauthenticated("access_token_invalid")
                }
            })?;
        let actor = member(state, claims.user, claims.organization, claims.device).await?;
        Ok(Self { actor, claims })
    }
}

/// Credentials carried in an interface message (the CDC SOAP envelope's username, password and
/// facility ID) → the actor, through the same sign-in ladder as every other door (failures
/// count, a locked or inactive account is refused, every answer audited at
/// `interface:<facility>`). An account whose password must change first is refused: an
/// interface cannot choose one.
pub(crate) async fn interface_sign_in(
    state: &AppState,
    organization_code: String,
    username: String,
    password: String,
) -> ApiResult<Actor> {
    let place = Via::Interface {
        sender: organization_code.trim().chars().take(40).collect(),
    };
    let accepted = check_credentials(
        &state.registry,
        &ServerSignIn(state),
        SignInAttempt {
            organization_code,
            username,
            password,
            captcha: CaptchaAnswer::None,
        },
        &place,
        state.clock.now(),
    )
    .await?;
    if accepted.must_change_password {
        return Err(ApiError::Unauthenticated("password_change_required"));
    }
    let mut actor = member(
        state,
        accepted.user_id,
        accepted.organization_id,
        Uuid::nil(),
    )
    .await?;
    actor.via = place;
    Ok(actor)
}
