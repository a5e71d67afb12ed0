//! Typed views of the columns an envelope carries, for the entities a workstation pushes.
//! Column names are the tables' (snake_case, the same on both sides: the schema line says so);
//! ids are UUID strings and dates ISO `YYYY-MM-DD` text, read into domain types by the side
//! that applies them. Columns not named here are ignored.

use serde::{Deserialize, Serialize};

/// An immunization row (`immunizations`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImmunizationColumns {
    /// Id (UUIDv7, made where the dose was recorded).
    pub id: String,
    /// The client.
    pub client_id: String,
    /// CVX.
    pub cvx: String,
    /// MVX.
    pub mvx: Option<String>,
    /// Day given, ISO.
    pub administered_on: String,
    /// Lot number.
    pub lot_number: Option<String>,
    /// Lot expiry, ISO.
    pub expiration_date: Option<String>,
    /// Volume in mL.
    pub dose_volume_ml: Option<f64>,
    /// HL7 table 0162 route.
    pub route: Option<String>,
    /// HL7 table 0163 site.
    pub site: Option<String>,
    /// `administered` or `historical`.
    pub source: String,
    /// The organization that gave it (administered doses).
    pub organization_id: Option<String>,
    /// Who gave it.
    pub clinician: Option<String>,
    /// Funding source code.
    pub funding_source: Option<String>,
    /// VFC eligibility (V01–V07).
    pub vfc_eligibility: Option<String>,
    /// `completed` or `entered_in_error`.
    pub status: String,
    /// Why it was voided.
    pub void_reason: Option<String>,
    /// The inventory lot it was drawn from.
    pub lot_id: Option<String>,
    /// NDC.
    pub ndc: Option<String>,
    /// VIS given (GS1 string).
    pub vis_document: Option<String>,
    /// Its edition, ISO.
    pub vis_edition_date: Option<String>,
    /// When it was given, ISO.
    pub vis_given_on: Option<String>,
    /// Who gave a historical dose.
    pub historical_provider: Option<String>,
    /// The user who recorded it.
    pub recorded_by: Option<String>,
    /// That user's organization (which owns the entry).
    pub recorded_by_organization_id: Option<String>,
    /// 1 + corrections.
    pub revision: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_reads_with_extra_columns_ignored_and_missing_options_as_none() {
        let row: ImmunizationColumns = serde_json::from_value(serde_json::json!({
            "id": "0190a5f0-0000-7000-8000-000000000001",
            "client_id": "0190a5f0-0000-7000-8000-000000000002",
            "cvx": "03",
            "administered_on": "2026-12-01",
            "source": "administered",
            "status": "completed",
            "revision": 1,
            "created_at": "2026-12-01T10:00:00Z"
        }))
        .unwrap();
        assert_eq!(row.cvx, "03");
        assert_eq!(row.lot_id, None);
        assert!(
            serde_json::from_value::<ImmunizationColumns>(serde_json::json!({"id": "x"})).is_err()
        );
    }
}
