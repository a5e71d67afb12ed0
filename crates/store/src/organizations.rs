//! Organizations: providers, schools, child-care centres, health departments, registries.

use crate::Work;
use shotbook_core::ids::OrganizationId;
use time::OffsetDateTime;

use crate::change_log::{self, ChangeOp, Entity};
use crate::{timestamp, Store, StoreResult};

/// A new organization.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    /// Id.
    pub id: OrganizationId,
    /// Org code typed at sign-in.
    pub code: String,
    /// Name.
    pub name: String,
    /// provider, school, child_care, health_department, registry.
    pub kind: String,
    /// Two-letter state.
    pub state: String,
    /// County name.
    pub county: String,
    /// City.
    pub city: String,
    /// VFC PIN for providers enrolled in Vaccines for Children.
    pub vfc_pin: Option<String>,
}

/// A stored organization.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganizationRow {
    /// Id.
    pub id: String,
    /// Org code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// State.
    pub state: String,
    /// County.
    pub county: String,
    /// City.
    pub city: String,
    /// VFC PIN.
    pub vfc_pin: Option<String>,
}

/// Inserts an organization.
pub async fn insert_in_tx(
    tx: &mut Work,
    org: &NewOrganization,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO organizations (id, code, name, kind, state, county, city, vfc_pin, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(org.id.to_string())
    .bind(&org.code)
    .bind(&org.name)
    .bind(&org.kind)
    .bind(&org.state)
    .bind(&org.county)
    .bind(&org.city)
    .bind(&org.vfc_pin)
    .bind(timestamp(now))
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(
        tx,
        Entity::Organization,
        &org.id.to_string(),
        ChangeOp::Insert,
        now,
    )
    .await
}

/// All organizations, by state then name.
pub async fn all(store: &Store) -> StoreResult<Vec<OrganizationRow>> {
    Ok(sqlx::query_as("SELECT id, code, name, kind, state, county, city, vfc_pin FROM organizations ORDER BY state, name")
        .fetch_all(store.pool())
        .await?)
}

/// The organization with `id`.
pub async fn get(store: &Store, id: OrganizationId) -> StoreResult<OrganizationRow> {
    sqlx::query_as(
        "SELECT id, code, name, kind, state, county, city, vfc_pin FROM organizations WHERE id = ?",
    )
    .bind(id.to_string())
    .fetch_optional(store.pool())
    .await?
    .ok_or(crate::StoreError::NotFound("organization"))
}

/// The organization with org code `code` (case-insensitive), if any.
pub async fn find_by_code(store: &Store, code: &str) -> StoreResult<Option<OrganizationRow>> {
    Ok(sqlx::query_as("SELECT id, code, name, kind, state, county, city, vfc_pin FROM organizations WHERE code = ?")
        .bind(code.trim())
        .fetch_optional(store.pool())
        .await?)
}

/// A location (site) of an organization.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LocationRow {
    /// Id.
    pub id: String,
    /// Organization id.
    pub organization_id: String,
    /// Name of the site.
    pub name: String,
    /// Street address.
    pub address_line1: String,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
    /// County.
    pub county: String,
    /// ZIP.
    pub zip: String,
    /// VFC PIN of the site.
    pub vfc_pin: Option<String>,
}

/// A new location.
#[derive(Debug, Clone)]
pub struct NewLocation {
    /// Id.
    pub id: uuid::Uuid,
    /// Organization.
    pub organization_id: OrganizationId,
    /// Name.
    pub name: String,
    /// Street address.
    pub address_line1: String,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
    /// County.
    pub county: String,
    /// ZIP.
    pub zip: String,
    /// VFC PIN.
    pub vfc_pin: Option<String>,
}

/// Adds a location to an organization.
pub async fn insert_location_in_tx(
    tx: &mut Work,
    location: &NewLocation,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO organization_locations (id, organization_id, name, address_line1, city, state, county, zip, vfc_pin, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(location.id.to_string())
    .bind(location.organization_id.to_string())
    .bind(&location.name)
    .bind(&location.address_line1)
    .bind(&location.city)
    .bind(&location.state)
    .bind(&location.county)
    .bind(&location.zip)
    .bind(&location.vfc_pin)
    .bind(timestamp(now))
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(
        tx,
        Entity::OrganizationLocation,
        &location.id.to_string(),
        ChangeOp::Insert,
        now,
    )
    .await
}

/// The locations of an organization, by name.
pub async fn locations(store: &Store, id: OrganizationId) -> StoreResult<Vec<LocationRow>> {
    Ok(sqlx::query_as(
        "SELECT id, organization_id, name, address_line1, city, state, county, zip, vfc_pin
         FROM organization_locations WHERE organization_id = ? ORDER BY name",
    )
    .bind(id.to_string())
    .fetch_all(store.pool())
    .await?)
}

/// Makes `county` part of the area `organization` is responsible for.
pub async fn add_service_county_in_tx(
    tx: &mut Work,
    organization: OrganizationId,
    county: &str,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO organization_service_counties (organization_id, county, created_at) VALUES (?, ?, ?)",
    )
    .bind(organization.to_string())
    .bind(county)
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(
        tx,
        Entity::OrganizationServiceCounty,
        &format!("{organization}:{county}"),
        ChangeOp::Insert,
        now,
    )
    .await
}

/// The counties `organization` is responsible for (empty unless it is an area organization).
pub async fn service_counties(
    store: &Store,
    organization: OrganizationId,
) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT county FROM organization_service_counties WHERE organization_id = ? ORDER BY county",
    )
    .bind(organization.to_string())
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}
