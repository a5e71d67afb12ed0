//! The sync endpoints a workstation's replica is filled and kept current through — status,
//! snapshot, pull and push — running [`shotbook_usecases::sync`] (scope, caps, audit). Bodies are the
//! sync contract's types (`shotbook-protocol`); a workstation on another protocol or schema
//! line is refused with `version_mismatch` before anything is read.

use axum::extract::State;
use axum::Json;
use shotbook_protocol::{
    Handshake, PullPage, PullRequest, PushBatch, PushOutcome, SnapshotPage, SnapshotRequest,
    SyncStatus, PROTOCOL_VERSION,
};
use shotbook_server_store::SCHEMA_LINE;
use shotbook_usecases::{need, sync, Permit};

use crate::auth::Authenticated;
use crate::error::{ApiError, ApiJson, ApiResult, ErrorBody};
use crate::AppState;

/// The registry's side of the handshake.
pub fn registry_handshake() -> Handshake {
    Handshake {
        protocol: PROTOCOL_VERSION,
        schema_line: SCHEMA_LINE,
        node: "registry".into(),
    }
}

fn agree(theirs: &Handshake) -> ApiResult<()> {
    registry_handshake()
        .check(theirs)
        .map_err(ApiError::VersionMismatch)
}

/// `GET /v1/sync/status`: the registry's protocol and schema line, the organization replicated
/// and where a new replica starts pulling (`horizon`).
#[utoipa::path(get, path = "/v1/sync/status", tag = "sync", security(("bearer" = [])),
    responses(
        (status = 200, description = "The registry's handshake, the scope's entities, the caps and the horizon", body = SyncStatus),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "`forbidden` (the role may not keep a replica)", body = ErrorBody),
    ))]
pub async fn status(
    State(state): State<AppState>,
    who: Authenticated,
) -> ApiResult<Json<SyncStatus>> {
    let permit = Permit::<need::ReplicateOrganization>::check(who.actor)?;
    Ok(Json(
        sync::status(&state.registry, &permit, registry_handshake()).await?,
    ))
}

/// `POST /v1/sync/pull`: the next page of changes in the organization's scope.
#[utoipa::path(post, path = "/v1/sync/pull", tag = "sync", security(("bearer" = [])),
    request_body = PullRequest,
    responses(
        (status = 200, description = "Changes after the cursor, oldest first; each client sent is audited", body = PullPage),
        (status = 400, description = "`bad_json`", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "`forbidden` (the role may not keep a replica)", body = ErrorBody),
        (status = 409, description = "`version_mismatch`", body = ErrorBody),
    ))]
pub async fn pull(
    State(state): State<AppState>,
    who: Authenticated,
    ApiJson(request): ApiJson<PullRequest>,
) -> ApiResult<Json<PullPage>> {
    let permit = Permit::<need::ReplicateOrganization>::check(who.actor)?;
    agree(&request.handshake)?;
    Ok(Json(
        sync::pull(
            &state.registry,
            &permit,
            state.clock.as_ref(),
            request.cursor,
            request.limit,
        )
        .await?,
    ))
}

/// `POST /v1/sync/snapshot`: one page of one entity's records in the organization's scope (or
/// of one client's, when `client` is given).
#[utoipa::path(post, path = "/v1/sync/snapshot", tag = "sync", security(("bearer" = [])),
    request_body = SnapshotRequest,
    responses(
        (status = 200, description = "Records in id order; each client sent is audited", body = SnapshotPage),
        (status = 400, description = "`bad_json`, `bad_client_id`", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "`forbidden` (the role may not keep a replica, or the client is not the organization's)", body = ErrorBody),
        (status = 404, description = "No such client", body = ErrorBody),
        (status = 409, description = "`version_mismatch`", body = ErrorBody),
        (status = 422, description = "Issues on `entity` (not replicated) or `after`", body = ErrorBody),
    ))]
pub async fn snapshot(
    State(state): State<AppState>,
    who: Authenticated,
    ApiJson(request): ApiJson<SnapshotRequest>,
) -> ApiResult<Json<SnapshotPage>> {
    let permit = Permit::<need::ReplicateOrganization>::check(who.actor)?;
    agree(&request.handshake)?;
    let client = request
        .client
        .as_deref()
        .map(crate::clients::client_id)
        .transpose()?;
    Ok(Json(
        sync::snapshot(
            &state.registry,
            &permit,
            state.clock.as_ref(),
            request.entity,
            client,
            request.after.as_deref(),
            request.limit,
        )
        .await?,
    ))
}

/// `POST /v1/sync/push`: the workstation's changes, oldest first, applied through the use cases
/// with the signed-in user as the actor.
#[utoipa::path(post, path = "/v1/sync/push", tag = "sync", security(("bearer" = [])),
    request_body = PushBatch,
    responses(
        (status = 200, description = "Settled through `acknowledgedThrough`; what the rules refused (or moved to a kept record) is in `conflicts` with its reason", body = PushOutcome),
        (status = 400, description = "`bad_json`", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "`forbidden` (the role may not keep a replica)", body = ErrorBody),
        (status = 409, description = "`version_mismatch`", body = ErrorBody),
        (status = 413, description = "`body_too_large` (over 2 MiB)", body = ErrorBody),
        (status = 422, description = "Issues on `changes` (too many, or not oldest first)", body = ErrorBody),
    ))]
pub async fn push(
    State(state): State<AppState>,
    who: Authenticated,
    ApiJson(batch): ApiJson<PushBatch>,
) -> ApiResult<Json<PushOutcome>> {
    let permit = Permit::<need::ReplicateOrganization>::check(who.actor)?;
    agree(&batch.handshake)?;
    Ok(Json(
        sync::push(
            &state.registry,
            &permit,
            state.clock.as_ref(),
            &batch.changes,
        )
        .await?,
    ))
}
