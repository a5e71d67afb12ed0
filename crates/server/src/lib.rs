//! # shotbook-server
//!
//! The registry server: one PostgreSQL registry (`shotbook-server-store`) that every clinic
//! workstation, EHR interface and report shares, running the same use cases and rules as the
//! desktop (`shotbook-usecases`), over HTTPS (rustls, aws-lc-rs). It serves `/health`,
//! `/ready` and the first endpoints of the versioned API (`/v1`): sign-in with the registry's
//! ladder and device enrolment, token refresh and sign-out ([`auth`]), a client's immunization
//! history and historical doses ([`clients`]), the access-request workflow and the User
//! Agreement ([`access_requests`]), with mail sent over SMTP after the commit ([`mail`]). The
//! rest of the desktop-facing API and the sync endpoints come next (see `docs/decisions/20261207T0100-registry-api-tokens-and-tls.md`).
//!
//! It never depends on the desktop host (`shotbook-api`), Tauri or SQLite. Logs are JSON lines
//! and never carry client data: requests are logged by their route template, not their path.
//!
//! Adding an endpoint: a handler in a module of its own, taking `State<AppState>`, building
//! the `Actor` from the request and calling the use case with the registry; route it in
//! [`router`] and test it over HTTP in `tests/`.

#![deny(missing_docs)]

pub mod access_requests;
pub mod admin;
pub mod auth;
pub mod clients;
pub mod demo;
pub mod error;
pub mod fhir;
pub mod hl7;
pub mod mail;
pub mod metrics;
pub mod openapi;
pub mod search;
pub mod soap;
pub mod sync;
pub mod tls;
pub mod tokens;

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use shotbook_core::clock::Clock;
use shotbook_server_store::PgRegistry;
use std::sync::Arc;

/// What every request handler shares: the registry (a pool), the access-token keys and the
/// clock. The server keeps no other state, so any number of processes can serve behind one
/// load balancer (given the same `SHOTBOOK_TOKEN_KEY`).
#[derive(Debug, Clone)]
pub struct AppState {
    /// The registry database.
    pub registry: PgRegistry,
    /// Access-token keys.
    pub keys: Arc<tokens::TokenKeys>,
    /// The clock of every use case.
    pub clock: Arc<dyn Clock>,
}

/// Largest request body accepted (a shot card is a few kilobytes).
const MAX_BODY_BYTES: usize = 256 * 1024;
/// Largest push: `MAX_PUSH` dose envelopes of about a kilobyte each, with room to spare.
const MAX_PUSH_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The server's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/v1/sign-in", post(auth::sign_in))
        .route(
            "/v1/sign-in/new-password",
            post(auth::sign_in_with_new_password),
        )
        .route("/v1/tokens/refresh", post(auth::refresh))
        .route("/v1/sign-out", post(auth::sign_out))
        .route("/v1/me", get(auth::me))
        .route("/v1/openapi.json", get(openapi_document))
        .route(
            "/v1/clients/{id}/immunizations",
            get(clients::immunizations),
        )
        .route(
            "/v1/clients/{id}/immunizations/historical",
            post(clients::record_historical_doses),
        )
        .route(
            "/v1/access-requests",
            get(access_requests::list).post(access_requests::submit),
        )
        .route(
            "/v1/access-requests/drafts",
            post(access_requests::save_draft),
        )
        .route("/v1/access-requests/queue", get(access_requests::queue))
        .route("/v1/access-requests/{id}", get(access_requests::get_one))
        .route(
            "/v1/access-requests/{id}/resend-agreement",
            post(access_requests::resend_agreement),
        )
        .route(
            "/v1/access-requests/{id}/approve",
            post(access_requests::approve),
        )
        .route(
            "/v1/access-requests/{id}/return",
            post(access_requests::return_request),
        )
        .route(
            "/v1/access-requests/{id}/reject",
            post(access_requests::reject),
        )
        .route(
            "/v1/user-agreements/open",
            post(access_requests::open_agreement),
        )
        .route(
            "/v1/user-agreements/sign",
            post(access_requests::sign_agreement),
        )
        .route(
            "/v1/organizations/{code}/users/{username}/end-access",
            post(access_requests::end_access),
        )
        .route("/v1/clients/search/basic", post(search::basic))
        .route("/v1/clients/search/smart", post(search::smart))
        .route("/v1/clients/search/quick", post(search::quick))
        .route(
            "/v1/hl7/vxu",
            post(hl7::vxu).layer(axum::extract::DefaultBodyLimit::max(hl7::MAX_MESSAGE_BYTES)),
        )
        .route("/v1/hl7/qbp", post(hl7::qbp))
        .route(
            "/v1/soap/iis",
            post(soap::iis)
                .get(soap::wsdl)
                .layer(axum::extract::DefaultBodyLimit::max(
                    soap::MAX_ENVELOPE_BYTES,
                )),
        )
        .route("/fhir/r4/metadata", get(fhir::metadata))
        .route("/fhir/r4/Patient", get(fhir::search_patients))
        .route("/fhir/r4/Patient/{id}", get(fhir::read_patient))
        .route("/fhir/r4/Immunization", get(fhir::search_immunizations))
        .route(
            "/fhir/r4/ImmunizationRecommendation",
            get(fhir::search_recommendations),
        )
        .route("/v1/sync/status", get(sync::status))
        .route("/v1/sync/pull", post(sync::pull))
        .route("/v1/sync/snapshot", post(sync::snapshot))
        .route(
            "/v1/sync/push",
            post(sync::push).layer(axum::extract::DefaultBodyLimit::max(MAX_PUSH_BODY_BYTES)),
        )
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// Serves `router` over HTTPS on `listener` until ctrl-c or SIGTERM.
pub async fn serve(
    listener: std::net::TcpListener,
    tls: axum_server::tls_rustls::RustlsConfig,
    state: AppState,
) -> std::io::Result<()> {
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    listener.set_nonblocking(true)?;
    axum_server::from_tcp_rustls(listener, tls)?
        .handle(handle)
        .serve(router(state).into_make_service())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

async fn openapi_document() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        openapi::document_json(),
    )
        .into_response()
}

/// The process is up (says nothing about the database: a load balancer restarts on this one).
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "The process is up", body = serde_json::Value)))]
async fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers and holds every migration of this build: route traffic here.
#[utoipa::path(get, path = "/ready", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = serde_json::Value),
        (status = 503, description = "Not ready, with the reason", body = serde_json::Value),
    ))]
async fn ready(State(state): State<AppState>) -> Response {
    match state.registry.migrations_current().await {
        Ok(true) => (StatusCode::OK, Json(json!({ "status": "ready" }))).into_response(),
        Ok(false) => not_ready("migrations pending: run `shotbook-server migrate`"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check: the database does not answer");
            not_ready("the database does not answer")
        }
    }
}

fn not_ready(reason: &str) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({ "status": "not ready", "reason": reason })),
    )
        .into_response()
}

/// One log line and one latency observation per request: method, route template (never the
/// path, which will carry ids and search terms), status and duration.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", |p| p.as_str())
        .to_string();
    let response = next.run(request).await;
    let took = started.elapsed();
    let status = response.status().as_u16();
    tracing::info!(
        method = %method,
        route = %route,
        status,
        duration_ms = took.as_secs_f64() * 1000.0,
        "request"
    );
    metrics::METRICS.observe_request(
        metrics::RequestLabels {
            method: method.to_string(),
            route,
            status,
        },
        took,
    );
    response
}
