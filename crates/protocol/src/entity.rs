//! The kinds of record that travel between a workstation and the registry.

use serde::{Deserialize, Serialize};

/// One kind of synced record. The code is what `change_log.entity` stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    /// An organization (provider, school, registry office).
    Organization,
    /// One of an organization's locations.
    OrganizationLocation,
    /// A county an organization serves (sub-state scope). Id: `organization:county`.
    OrganizationServiceCounty,
    /// A user account.
    User,
    /// A user's role at an organization. Id: `user:organization`.
    UserRole,
    /// An electronic access request.
    AccessRequest,
    /// A client (patient).
    Client,
    /// A consent entry of a client.
    ClientConsent,
    /// A legal name or name also known as.
    ClientName,
    /// A client's relationship to an organization. Id: `client:organization`.
    ClientOrganization,
    /// An address of a client.
    ClientAddress,
    /// A parent or guardian.
    ClientResponsiblePerson,
    /// A coded client comment (contraindication, immunity, refusal …).
    ClientComment,
    /// A free-text note.
    ClientNote,
    /// A pair of records that may be one person.
    DuplicatePair,
    /// A merge of two client records (and its undoing).
    ClientMerge,
    /// A dose (administered or historical).
    Immunization,
    /// A vaccine lot of an organization's inventory.
    VaccineLot,
    /// One movement of a lot's stock (received, given, adjusted, restored).
    VaccineLotMovement,
}

impl Entity {
    /// Every entity, in dependency order (an entity only refers to those before it), which is
    /// the order a snapshot is applied in.
    pub const ALL: [Entity; 19] = [
        Entity::Organization,
        Entity::OrganizationLocation,
        Entity::OrganizationServiceCounty,
        Entity::User,
        Entity::UserRole,
        Entity::AccessRequest,
        Entity::Client,
        Entity::ClientConsent,
        Entity::ClientName,
        Entity::ClientOrganization,
        Entity::ClientAddress,
        Entity::ClientResponsiblePerson,
        Entity::ClientComment,
        Entity::ClientNote,
        Entity::DuplicatePair,
        Entity::ClientMerge,
        Entity::VaccineLot,
        Entity::Immunization,
        Entity::VaccineLotMovement,
    ];

    /// Stable code (the `change_log.entity` column and the wire name).
    pub fn code(self) -> &'static str {
        match self {
            Entity::Organization => "organization",
            Entity::OrganizationLocation => "organization_location",
            Entity::OrganizationServiceCounty => "organization_service_county",
            Entity::User => "user",
            Entity::UserRole => "user_role",
            Entity::AccessRequest => "access_request",
            Entity::Client => "client",
            Entity::ClientConsent => "client_consent",
            Entity::ClientName => "client_name",
            Entity::ClientOrganization => "client_organization",
            Entity::ClientAddress => "client_address",
            Entity::ClientResponsiblePerson => "client_responsible_person",
            Entity::ClientComment => "client_comment",
            Entity::ClientNote => "client_note",
            Entity::DuplicatePair => "duplicate_pair",
            Entity::ClientMerge => "client_merge",
            Entity::Immunization => "immunization",
            Entity::VaccineLot => "vaccine_lot",
            Entity::VaccineLotMovement => "vaccine_lot_movement",
        }
    }

    /// The entity with this code.
    pub fn from_code(code: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.code() == code)
    }

    /// The table holding this entity's rows keyed by a single `id` column, when it has one
    /// (entities keyed by a pair of ids have none; their payload names both).
    pub fn table(self) -> Option<&'static str> {
        Some(match self {
            Entity::Organization => "organizations",
            Entity::OrganizationLocation => "organization_locations",
            Entity::User => "users",
            Entity::AccessRequest => "access_requests",
            Entity::Client => "clients",
            Entity::ClientConsent => "client_consents",
            Entity::ClientName => "client_names",
            Entity::ClientAddress => "client_addresses",
            Entity::ClientResponsiblePerson => "client_responsible_persons",
            Entity::ClientComment => "client_comments",
            Entity::ClientNote => "client_notes",
            Entity::DuplicatePair => "duplicate_pairs",
            Entity::ClientMerge => "client_merges",
            Entity::Immunization => "immunizations",
            Entity::VaccineLot => "vaccine_lots",
            Entity::VaccineLotMovement => "vaccine_lot_movements",
            Entity::OrganizationServiceCounty | Entity::UserRole | Entity::ClientOrganization => {
                return None
            }
        })
    }
}

/// What a workstation's replica holds, parents before children (the order to snapshot them
/// in). The rest (accounts, roles, access requests, duplicate pairs and merges) are the
/// registry's own workflows, used online; a replica neither pulls nor pushes them.
pub const REPLICATED: [Entity; 13] = [
    Entity::Organization,
    Entity::OrganizationLocation,
    Entity::Client,
    Entity::ClientOrganization,
    Entity::ClientName,
    Entity::ClientAddress,
    Entity::ClientResponsiblePerson,
    Entity::ClientConsent,
    Entity::ClientComment,
    Entity::ClientNote,
    Entity::VaccineLot,
    Entity::Immunization,
    Entity::VaccineLotMovement,
];

impl Entity {
    /// Whether a replica holds records of this entity (see [`REPLICATED`]).
    pub fn is_replicated(self) -> bool {
        REPLICATED.contains(&self)
    }

    /// Whether a record of this entity is part of one client's record (the client itself, its
    /// names, addresses, guardians, consent, comments, notes, organizations and doses): what a
    /// snapshot of one client returns.
    pub fn is_part_of_client(self) -> bool {
        matches!(
            self,
            Entity::Client
                | Entity::ClientConsent
                | Entity::ClientName
                | Entity::ClientOrganization
                | Entity::ClientAddress
                | Entity::ClientResponsiblePerson
                | Entity::ClientComment
                | Entity::ClientNote
                | Entity::Immunization
        )
    }
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_its_entity_and_matches_the_wire_name() {
        for entity in Entity::ALL {
            assert_eq!(Entity::from_code(entity.code()), Some(entity));
            let wire = serde_json::to_string(&entity).unwrap();
            assert_eq!(wire, format!("\"{}\"", entity.code()));
        }
        assert_eq!(Entity::from_code("dose"), None);
    }

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = Entity::ALL.iter().map(|e| e.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Entity::ALL.len());
    }
}
