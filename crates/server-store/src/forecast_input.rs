//! What the forecaster reads of a client besides the doses: the coded comments (CDSi
//! observations: immunity, contraindications, conditions), as the builder
//! `shotbook_usecases::forecast_input::patient_of` takes them.

use shotbook_core::ids::ClientId;

use crate::{PgRegistry, ServerStoreResult};

/// A coded comment as stored: code, ISO dates, voided or not.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CommentRow {
    /// Comment code.
    pub code: String,
    /// ISO date it applies from.
    pub applies_from: String,
    /// ISO date it applies until, open-ended when `None`.
    pub applies_until: Option<String>,
    /// Voided (the builder leaves it out).
    pub voided: bool,
}

impl PgRegistry {
    /// The client's coded comments, oldest first.
    pub async fn forecast_comments(&self, client: ClientId) -> ServerStoreResult<Vec<CommentRow>> {
        Ok(sqlx::query_as(
            "SELECT code, applies_from::text AS applies_from, applies_until::text AS applies_until,
                    voided_at IS NOT NULL AS voided
             FROM client_comments WHERE client_id = $1 ORDER BY applies_from, id",
        )
        .bind(client.as_uuid())
        .fetch_all(self.pool())
        .await?)
    }
}
