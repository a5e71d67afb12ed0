//! # shotbook-server
//!
//! The registry server: one PostgreSQL registry (`shotbook-server-store`) that every clinic
//! workstation, EHR interface and report shares, running the same use cases and rules as the
//! desktop (`shotbook-usecases`). This slice serves `/health` and `/ready`; the
//! desktop-facing API, tokens, TLS and the sync endpoints come next (see
//! `docs/decisions/20261206T2300-registry-server-on-postgresql.md`).
//!
//! It never depends on the desktop host (`shotbook-api`), Tauri or SQLite. Logs are JSON lines
//! and never carry client data: requests are logged by their route template, not their path.
//!
//! Adding an endpoint: a handler in a module of its own, taking `State<AppState>`, building
//! the `Actor` from the request and calling the use case with the registry; route it in
//! [`router`] and test it over HTTP in `tests/`.

#![deny(missing_docs)]

pub mod demo;

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use shotbook_server_store::PgRegistry;
use tokio::net::TcpListener;

/// What every request handler shares: the registry (a pool; the server keeps no other state,
/// so any number of processes can serve behind one load balancer).
#[derive(Debug, Clone)]
pub struct AppState {
    /// The registry database.
    pub registry: PgRegistry,
}

/// The server's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// Serves `router` on `listener` until ctrl-c or SIGTERM.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
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

/// The process is up (says nothing about the database: a load balancer restarts on this one).
async fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers and holds every migration of this build: route traffic here.
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

/// One log line per request: method, route template (never the path, which will carry ids
/// and search terms), status and duration.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", |p| p.as_str())
        .to_string();
    let response = next.run(request).await;
    tracing::info!(
        method = %method,
        route = %route,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}
