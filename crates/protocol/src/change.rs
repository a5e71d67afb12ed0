//! One change to one record: what a workstation's outbox holds and what a pull returns.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::Entity;

/// What happened to the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    /// Created.
    Insert,
    /// Changed.
    Update,
    /// Voided (clinical facts are never deleted; a void carries its reason in the payload).
    Void,
}

impl ChangeOp {
    /// Stable code (the `change_log.op` column).
    pub fn code(self) -> &'static str {
        match self {
            ChangeOp::Insert => "insert",
            ChangeOp::Update => "update",
            ChangeOp::Void => "void",
        }
    }

    /// The operation with this code.
    pub fn from_code(code: &str) -> Option<ChangeOp> {
        [ChangeOp::Insert, ChangeOp::Update, ChangeOp::Void]
            .into_iter()
            .find(|op| op.code() == code)
    }
}

/// Where a change came from. The unit of work that writes it decides, from the actor: changes
/// pulled from the registry (`Sync`) are never pushed back, so nothing echoes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeSource {
    /// A user at a workstation.
    Local,
    /// Applied from the central registry by the sync engine.
    Sync,
    /// A bulk import or the synthetic generator.
    Import,
    /// An interface message (an EHR's HL7 VXU, a FHIR write).
    Interface,
}

impl ChangeSource {
    /// Stable code (the `change_log.source` column).
    pub fn code(self) -> &'static str {
        match self {
            ChangeSource::Local => "local",
            ChangeSource::Sync => "sync",
            ChangeSource::Import => "import",
            ChangeSource::Interface => "interface",
        }
    }

    /// The source with this code.
    pub fn from_code(code: &str) -> Option<ChangeSource> {
        [
            ChangeSource::Local,
            ChangeSource::Sync,
            ChangeSource::Import,
            ChangeSource::Interface,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    /// Whether a workstation pushes changes of this source to the registry.
    pub fn is_pushed(self) -> bool {
        matches!(self, ChangeSource::Local | ChangeSource::Interface)
    }
}

/// Who made the change, for the registry's log (never client data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Origin {
    /// Where it came from.
    pub source: ChangeSource,
    /// The workstation, interface sender or peer that wrote it.
    pub node: String,
}

/// One change of one record, as the outbox stores it and the wire carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChangeEnvelope {
    /// Position in the writer's log (the workstation's outbox, or the server's change log for
    /// a pull). Strictly increasing per writer.
    pub seq: i64,
    /// What kind of record.
    pub entity: Entity,
    /// The record's id (UUID; `a:b` for records keyed by a pair).
    pub entity_id: String,
    /// What happened.
    pub op: ChangeOp,
    /// The record's revision after the change, when the record keeps one (doses, lots).
    pub revision: Option<i64>,
    /// Who wrote it.
    pub origin: Origin,
    /// When, by the writer's clock (informational: ordering never depends on it).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    /// The record's columns after the change (ISO dates, UUID strings), or `None` for records
    /// keyed by a pair, whose id says it all.
    pub payload: Option<serde_json::Value>,
}

impl ChangeEnvelope {
    /// The payload read as `T` (the typed view of one entity's columns).
    pub fn payload_as<T: serde::de::DeserializeOwned>(
        &self,
    ) -> Option<Result<T, serde_json::Error>> {
        self.payload.clone().map(serde_json::from_value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back() {
        for op in [ChangeOp::Insert, ChangeOp::Update, ChangeOp::Void] {
            assert_eq!(ChangeOp::from_code(op.code()), Some(op));
        }
        for s in [
            ChangeSource::Local,
            ChangeSource::Sync,
            ChangeSource::Import,
            ChangeSource::Interface,
        ] {
            assert_eq!(ChangeSource::from_code(s.code()), Some(s));
        }
        assert_eq!(ChangeSource::from_code("server"), None);
    }

    #[test]
    fn changes_pulled_from_the_registry_are_not_pushed_back() {
        assert!(ChangeSource::Local.is_pushed());
        assert!(ChangeSource::Interface.is_pushed());
        assert!(!ChangeSource::Sync.is_pushed());
        assert!(!ChangeSource::Import.is_pushed());
    }

    #[test]
    fn an_envelope_round_trips_through_json_with_camel_case_names() {
        let envelope = ChangeEnvelope {
            seq: 7,
            entity: Entity::Immunization,
            entity_id: "0190a5f0-0000-7000-8000-000000000001".into(),
            op: ChangeOp::Void,
            revision: Some(2),
            origin: Origin {
                source: ChangeSource::Local,
                node: "clinic-pc-3".into(),
            },
            at: time::macros::datetime!(2026-12-06 9:30 UTC),
            payload: Some(serde_json::json!({"status": "entered_in_error"})),
        };
        let json = serde_json::to_value(&envelope).unwrap();
        assert_eq!(json["entityId"], "0190a5f0-0000-7000-8000-000000000001");
        assert_eq!(json["op"], "void");
        assert_eq!(json["at"], "2026-12-06T09:30:00Z");
        let back: ChangeEnvelope = serde_json::from_value(json).unwrap();
        assert_eq!(back, envelope);
    }
}
