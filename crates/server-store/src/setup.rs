//! Writes no use case makes yet: creating organizations (with their sites and service
//! counties), accounts with a role, and a client with only what registration needs. The
//! server's `seed-demo` and the tests use them; each logs its change like every other write.
//! The `create-organization` / `create-user` commands and the desktop's bulk load will too.

use shotbook_core::consent::ConsentStatus;
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_core::normalize::fold_name;
use shotbook_core::permission::Role;
use shotbook_protocol::{ChangeOp, Entity};
use shotbook_usecases::PortResult;
use time::Date;
use uuid::Uuid;

use crate::change_log::append;
use crate::{failed, PgWork};

/// An organization to create.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    /// Id.
    pub id: OrganizationId,
    /// Org code typed at sign-in (unique whatever its case).
    pub code: String,
    /// Name.
    pub name: String,
    /// provider, school, child_care, health_department or registry.
    pub kind: String,
    /// Two-letter state.
    pub state: String,
    /// County.
    pub county: String,
    /// City.
    pub city: String,
    /// VFC PIN.
    pub vfc_pin: Option<String>,
}

/// Creates an organization.
pub async fn insert_organization(work: &mut PgWork, org: &NewOrganization) -> PortResult<()> {
    let now = work.now();
    sqlx::query(
        "INSERT INTO organizations (id, code, name, kind, state, county, city, vfc_pin, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(org.id.as_uuid())
    .bind(&org.code)
    .bind(&org.name)
    .bind(&org.kind)
    .bind(&org.state)
    .bind(&org.county)
    .bind(&org.city)
    .bind(&org.vfc_pin)
    .bind(now)
    .execute(work.connection())
    .await
    .map_err(failed)?;
    append(
        work,
        Entity::Organization,
        &org.id.to_string(),
        ChangeOp::Insert,
    )
    .await
}

/// A site of an organization.
#[derive(Debug, Clone)]
pub struct NewLocation {
    /// The organization.
    pub organization: OrganizationId,
    /// Site name.
    pub name: String,
    /// Street.
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

/// Adds a site to an organization.
pub async fn insert_location(work: &mut PgWork, location: &NewLocation) -> PortResult<()> {
    let id = Uuid::now_v7();
    let now = work.now();
    sqlx::query(
        "INSERT INTO organization_locations (id, organization_id, name, address_line1, city, state, county, zip,
                                             vfc_pin, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(id)
    .bind(location.organization.as_uuid())
    .bind(&location.name)
    .bind(&location.address_line1)
    .bind(&location.city)
    .bind(&location.state)
    .bind(&location.county)
    .bind(&location.zip)
    .bind(&location.vfc_pin)
    .bind(now)
    .execute(work.connection())
    .await
    .map_err(failed)?;
    append(
        work,
        Entity::OrganizationLocation,
        &id.to_string(),
        ChangeOp::Insert,
    )
    .await
}

/// Makes `county` part of the organization's service area (once).
pub async fn add_service_county(
    work: &mut PgWork,
    organization: OrganizationId,
    county: &str,
) -> PortResult<()> {
    let now = work.now();
    sqlx::query(
        "INSERT INTO organization_service_counties (organization_id, county, created_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(organization.as_uuid())
    .bind(county)
    .bind(now)
    .execute(work.connection())
    .await
    .map_err(failed)?;
    append(
        work,
        Entity::OrganizationServiceCounty,
        &format!("{organization}:{county}"),
        ChangeOp::Insert,
    )
    .await
}

/// An account to create (active, its password already hashed).
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Id.
    pub id: UserId,
    /// Username (unique whatever its case).
    pub username: String,
    /// Password hash (`shotbook_core::password::hash_password`).
    pub password_hash: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: Option<String>,
}

/// Creates an account.
pub async fn insert_user(work: &mut PgWork, user: &NewUser) -> PortResult<()> {
    let now = work.now();
    sqlx::query(
        "INSERT INTO users (id, username, password_hash, first_name, last_name, email, phone, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(user.id.as_uuid())
    .bind(&user.username)
    .bind(&user.password_hash)
    .bind(&user.first_name)
    .bind(&user.last_name)
    .bind(&user.email)
    .bind(&user.phone)
    .bind(now)
    .execute(work.connection())
    .await
    .map_err(failed)?;
    append(work, Entity::User, &user.id.to_string(), ChangeOp::Insert).await
}

/// Gives `user` `role` at `organization` (a first membership; see the access workflow's
/// `set_role` for changes).
pub async fn grant_role(
    work: &mut PgWork,
    user: UserId,
    organization: OrganizationId,
    role: Role,
) -> PortResult<()> {
    let now = work.now();
    sqlx::query(
        "INSERT INTO user_roles (user_id, organization_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(user.as_uuid())
    .bind(organization.as_uuid())
    .bind(role.code())
    .bind(now)
    .execute(work.connection())
    .await
    .map_err(failed)?;
    append(
        work,
        Entity::UserRole,
        &format!("{user}:{organization}"),
        ChangeOp::Insert,
    )
    .await
}

/// A client with what registration needs (names, date of birth, gender, consent, home).
#[derive(Debug, Clone)]
pub struct NewClient {
    /// Id.
    pub id: ClientId,
    /// Registry client number, if assigned.
    pub registry_id: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Date of birth.
    pub date_of_birth: Date,
    /// F, M, X or U.
    pub gender: String,
    /// Consent at registration.
    pub consent: ConsentStatus,
    /// The registering organization.
    pub home_organization: Option<OrganizationId>,
}

/// Creates a client.
pub async fn insert_client(work: &mut PgWork, client: &NewClient) -> PortResult<()> {
    let now = work.now();
    sqlx::query(
        "INSERT INTO clients (id, registry_id, first_name, last_name, first_name_folded, last_name_folded,
                              date_of_birth, gender, consent, consent_status, home_organization_id,
                              created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
    )
    .bind(client.id.as_uuid())
    .bind(&client.registry_id)
    .bind(&client.first_name)
    .bind(&client.last_name)
    .bind(fold_name(&client.first_name))
    .bind(fold_name(&client.last_name))
    .bind(client.date_of_birth)
    .bind(&client.gender)
    .bind(crate::ports::legacy_consent(client.consent))
    .bind(client.consent.code())
    .bind(client.home_organization.map(|o| o.as_uuid()))
    .bind(now)
    .execute(work.connection())
    .await
    .map_err(failed)?;
    append(
        work,
        Entity::Client,
        &client.id.to_string(),
        ChangeOp::Insert,
    )
    .await
}

/// Queues two clients as a possible duplicate (as adding a client past the matcher's warning
/// does); returns the pair's id.
pub async fn record_duplicate_pair(
    work: &mut PgWork,
    one: ClientId,
    other: ClientId,
    score: f64,
    reasons: &str,
) -> PortResult<String> {
    let id = crate::ports::duplicates::record_pair(work, one, other, score, reasons).await?;
    Ok(id.to_string())
}
