//! Prometheus metrics (text exposition): request latency by route, the mail queue and the
//! database pool. Served on a listener of their own (`serve --metrics-listen`), plain HTTP on
//! an operations network, never on the public API port. Labels carry route templates and
//! status codes only, never a path, a query or anything else a client sent.

use std::sync::LazyLock;
use std::time::Duration;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use shotbook_server_store::{mail_courier, PgRegistry};

/// The labels of one request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// `GET`, `POST` …
    pub method: String,
    /// The route template (`/v1/clients/{id}/immunizations`), `(no route)` when none matched.
    pub route: String,
    /// The status code.
    pub status: u16,
}

type RequestHistograms = Family<RequestLabels, Histogram, fn() -> Histogram>;

fn request_histogram() -> Histogram {
    // 1 ms … about 8 s: a search is tens of milliseconds, a sign-in's Argon2 a few hundred.
    Histogram::new(exponential_buckets(0.001, 2.0, 14))
}

/// The process's metrics.
pub struct Metrics {
    registry: Registry,
    requests: RequestHistograms,
    mail_waiting: Gauge,
    mail_given_up: Gauge,
    pool_connections: Gauge,
    pool_idle: Gauge,
}

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("shotbook");
        let requests = RequestHistograms::new_with_constructor(request_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an API request, by method, route template and status",
            requests.clone(),
        );
        let mail_waiting = Gauge::default();
        registry.register(
            "mail_queue_waiting",
            "Messages queued and not sent yet (including those waiting for a retry)",
            mail_waiting.clone(),
        );
        let mail_given_up = Gauge::default();
        registry.register(
            "mail_queue_given_up",
            "Messages that failed every attempt and wait for an operator",
            mail_given_up.clone(),
        );
        let pool_connections = Gauge::default();
        registry.register(
            "database_pool_connections",
            "Open connections of this process's PostgreSQL pool",
            pool_connections.clone(),
        );
        let pool_idle = Gauge::default();
        registry.register(
            "database_pool_idle_connections",
            "Idle connections of this process's PostgreSQL pool",
            pool_idle.clone(),
        );
        Self {
            registry,
            requests,
            mail_waiting,
            mail_given_up,
            pool_connections,
            pool_idle,
        }
    }

    /// Records one answered request.
    pub fn observe_request(&self, labels: RequestLabels, took: Duration) {
        self.requests
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    }

    /// The exposition, after reading the gauges that live in the database.
    pub async fn render(&self, database: &PgRegistry) -> String {
        match mail_courier::depth(database).await {
            Ok(depth) => {
                self.mail_waiting.set(depth.waiting);
                self.mail_given_up.set(depth.given_up);
            }
            Err(e) => tracing::warn!(error = %e, "metrics: the mail queue could not be read"),
        }
        let pool = database.pool();
        self.pool_connections.set(i64::from(pool.size()));
        self.pool_idle
            .set(i64::try_from(pool.num_idle()).unwrap_or(i64::MAX));
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            tracing::error!("metrics: encoding failed");
        }
        text
    }
}

/// The process's metrics (one set per process, shared by every server it runs).
pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

async fn exposition(State(database): State<PgRegistry>) -> Response {
    (
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        METRICS.render(&database).await,
    )
        .into_response()
}

/// `GET /metrics`, for the operations listener.
pub fn router(database: PgRegistry) -> Router {
    Router::new()
        .route("/metrics", get(exposition))
        .with_state(database)
}
