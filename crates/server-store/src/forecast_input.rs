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

/// A client's demographics as FHIR's Patient carries them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PatientRow {
    /// The registry's client number.
    pub registry_id: Option<String>,
    /// Given name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Family name.
    pub last_name: String,
    /// ISO date of birth.
    pub date_of_birth: String,
    /// `F`, `M`, `X`, `U`.
    pub gender: String,
    /// Street line.
    pub address_line1: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// ZIP.
    pub zip: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Merged into another record.
    pub merged_into: Option<uuid::Uuid>,
}

impl PgRegistry {
    /// The client's demographics for a FHIR Patient, if the client exists.
    pub async fn patient_row(&self, client: ClientId) -> ServerStoreResult<Option<PatientRow>> {
        Ok(sqlx::query_as(
            "SELECT registry_id, first_name, middle_name, last_name, date_of_birth::text AS date_of_birth,
                    gender, address_line1, city, state, zip, phone, merged_into
             FROM clients WHERE id = $1",
        )
        .bind(client.as_uuid())
        .fetch_optional(self.pool())
        .await?)
    }
}
