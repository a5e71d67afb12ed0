//! Organizations: providers, schools, child-care centres, health departments, registries.

use shotbook_core::ids::OrganizationId;
use sqlx::{Sqlite, Transaction};
use time::OffsetDateTime;

use crate::change_log::{self, ChangeOp, ChangeSource};
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
    tx: &mut Transaction<'_, Sqlite>,
    org: &NewOrganization,
    source: ChangeSource,
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
        "organization",
        &org.id.to_string(),
        ChangeOp::Insert,
        source,
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
