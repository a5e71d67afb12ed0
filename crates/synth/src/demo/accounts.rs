//! The demo organizations (with locations and service areas) and one user per role.

#[cfg(feature = "store")]
use anyhow::Context;
#[cfg(feature = "store")]
use shotbook_core::ids::{OrganizationId, UserId};
#[cfg(feature = "store")]
use shotbook_core::password::hash_password;
use shotbook_core::permission::Role;
#[cfg(feature = "store")]
use shotbook_store::change_log::ChangeSource;
#[cfg(feature = "store")]
use shotbook_store::organizations::{self, NewOrganization, OrganizationRow};
#[cfg(feature = "store")]
use shotbook_store::users::{self, NewUser};
#[cfg(feature = "store")]
use shotbook_store::Store;
#[cfg(feature = "store")]
use time::OffsetDateTime;

#[cfg(feature = "store")]
use super::DEMO_PASSWORD;

/// A demo organization.
#[derive(Debug, Clone, Copy)]
pub struct DemoOrganization {
    /// Org code typed at sign-in.
    pub code: &'static str,
    /// Name.
    pub name: &'static str,
    /// provider, school, child_care, health_department, registry.
    pub kind: &'static str,
    /// State.
    pub state: &'static str,
    /// County (real county names).
    pub county: &'static str,
    /// City.
    pub city: &'static str,
    /// VFC PIN.
    pub vfc_pin: Option<&'static str>,
}

/// A demo user.
#[derive(Debug, Clone, Copy)]
pub struct DemoUser {
    /// Sign-in name.
    pub username: &'static str,
    /// First name.
    pub first_name: &'static str,
    /// Last name.
    pub last_name: &'static str,
    /// Role.
    pub role: Role,
    /// Org code of the organization the role is at.
    pub organization_code: &'static str,
}

const fn org(
    code: &'static str,
    name: &'static str,
    kind: &'static str,
    state: &'static str,
    county: &'static str,
    city: &'static str,
    vfc_pin: Option<&'static str>,
) -> DemoOrganization {
    DemoOrganization {
        code,
        name,
        kind,
        state,
        county,
        city,
        vfc_pin,
    }
}

/// The demo organizations (fictional names, real places).
pub const DEMO_ORGANIZATIONS: &[DemoOrganization] = &[
    org(
        "MT0001",
        "Big Sky Family Medicine",
        "provider",
        "MT",
        "Yellowstone",
        "Billings",
        Some("MT10001"),
    ),
    org(
        "MT0002",
        "Last Chance Pediatrics",
        "provider",
        "MT",
        "Lewis and Clark",
        "Helena",
        Some("MT10002"),
    ),
    org(
        "MT0003",
        "Five Valleys Public Health",
        "health_department",
        "MT",
        "Missoula",
        "Missoula",
        Some("MT10003"),
    ),
    org(
        "MTREG",
        "imMTrax Registry Help Desk",
        "registry",
        "MT",
        "Lewis and Clark",
        "Helena",
        None,
    ),
    org(
        "TX0001",
        "Lone Star Pediatrics",
        "provider",
        "TX",
        "Travis",
        "Austin",
        Some("TX20001"),
    ),
    org(
        "TX0002",
        "Rio Grande Valley Family Clinic",
        "provider",
        "TX",
        "Hidalgo",
        "McAllen",
        Some("TX20002"),
    ),
    org(
        "TXSCH1",
        "Bluebonnet Elementary School",
        "school",
        "TX",
        "Harris",
        "Houston",
        None,
    ),
    org(
        "TXCC01",
        "Little Acorns Child Care",
        "child_care",
        "TX",
        "Bexar",
        "San Antonio",
        None,
    ),
    org(
        "TXHSR7",
        "Health Service Region 7",
        "health_department",
        "TX",
        "Bell",
        "Temple",
        None,
    ),
    org(
        "TXDSHS",
        "Texas Immunization Registry (ImmTrac2)",
        "registry",
        "TX",
        "Travis",
        "Austin",
        None,
    ),
];

const fn user(
    username: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    role: Role,
    organization_code: &'static str,
) -> DemoUser {
    DemoUser {
        username,
        first_name,
        last_name,
        role,
        organization_code,
    }
}

/// One demo user per role.
pub const DEMO_USERS: &[DemoUser] = &[
    user(
        "tx.provider",
        "Rosa",
        "Delgado",
        Role::FullAccessProvider,
        "TX0001",
    ),
    user(
        "tx.supervisor",
        "Marcus",
        "Whitfield",
        Role::ProviderSupervisor,
        "TX0001",
    ),
    user(
        "tx.school",
        "Linda",
        "Pham",
        Role::ViewOnlyNonProvider,
        "TXSCH1",
    ),
    user(
        "tx.region",
        "Dale",
        "Hutchins",
        Role::ModifiedAccessSubState,
        "TXHSR7",
    ),
    user(
        "tx.state",
        "Grace",
        "Okafor",
        Role::FullAccessState,
        "TXDSHS",
    ),
    user(
        "mt.readonly",
        "Tyler",
        "Running Crane",
        Role::ReadOnlyWithConsent,
        "MT0001",
    ),
    user(
        "mt.records",
        "Karen",
        "Lindqvist",
        Role::RecordMaintenance,
        "MT0001",
    ),
    user(
        "mt.vaccines",
        "Joe",
        "Brennan",
        Role::VaccineManagement,
        "MT0002",
    ),
    user(
        "mt.supervisor",
        "Stacy",
        "Halvorsen",
        Role::AuthorizingOfficial,
        "MT0001",
    ),
    user(
        "mt.registry",
        "Ann",
        "Sorensen",
        Role::RegistryStaff,
        "MTREG",
    ),
];

/// Demo users who also work for a second organization (they see the organization portal).
pub const DEMO_SECOND_ROLES: &[DemoUser] = &[
    user(
        "tx.float",
        "Priya",
        "Raman",
        Role::FullAccessProvider,
        "TX0001",
    ),
    user(
        "tx.float",
        "Priya",
        "Raman",
        Role::FullAccessProvider,
        "TX0002",
    ),
];

/// The demo organizations' main locations: org code, site name, street, ZIP (city, state and
/// county are the organization's).
pub const DEMO_LOCATIONS: &[(&str, &str, &str, &str)] = &[
    (
        "MT0001",
        "Big Sky Family Medicine - Grand Ave",
        "2900 Grand Ave",
        "59102",
    ),
    (
        "MT0001",
        "Big Sky Family Medicine - Heights",
        "1233 Main St",
        "59105",
    ),
    (
        "MT0002",
        "Last Chance Pediatrics",
        "2550 Broadway St",
        "59601",
    ),
    (
        "MT0003",
        "Five Valleys Public Health",
        "301 W Alder St",
        "59802",
    ),
    ("MTREG", "imMTrax Help Desk", "1400 Broadway", "59601"),
    (
        "TX0001",
        "Lone Star Pediatrics - East Austin",
        "1801 E 6th St",
        "78702",
    ),
    (
        "TX0002",
        "Rio Grande Valley Family Clinic",
        "1100 N 10th St",
        "78501",
    ),
    (
        "TXSCH1",
        "Bluebonnet Elementary School",
        "7400 Bellfort Ave",
        "77087",
    ),
    (
        "TXCC01",
        "Little Acorns Child Care",
        "2300 W Commerce St",
        "78207",
    ),
    (
        "TXHSR7",
        "Health Service Region 7",
        "2408 S 37th St",
        "76504",
    ),
    (
        "TXDSHS",
        "DSHS Immunization Unit",
        "1100 W 49th St",
        "78756",
    ),
];

/// The demo's sub-state area: the counties each regional organization is responsible for.
pub const DEMO_SERVICE_AREAS: &[(&str, &[&str])] =
    &[("TXHSR7", shotbook_core::organization::TEXAS_HSR7_COUNTIES)];

/// Creates the demo organizations and users unless the database already has users. Returns the
/// organizations in the database.
#[cfg(feature = "store")]
pub async fn seed_organizations_and_users(
    store: &Store,
    now: OffsetDateTime,
) -> anyhow::Result<Vec<OrganizationRow>> {
    if users::count(store).await? > 0 {
        return Ok(organizations::all(store).await?);
    }
    // One hash for all demo users: Argon2 is slow on purpose and they share the password.
    let hash = hash_password(DEMO_PASSWORD);
    let mut tx = store.begin_as(ChangeSource::Import).await?;
    let mut ids = Vec::new();
    for o in DEMO_ORGANIZATIONS {
        let id = OrganizationId::new();
        let new = NewOrganization {
            id,
            code: o.code.into(),
            name: o.name.into(),
            kind: o.kind.into(),
            state: o.state.into(),
            county: o.county.into(),
            city: o.city.into(),
            vfc_pin: o.vfc_pin.map(Into::into),
        };
        organizations::insert_in_tx(&mut tx, &new, now).await?;
        ids.push((o.code, id));
        for (_, name, street, zip) in DEMO_LOCATIONS.iter().filter(|l| l.0 == o.code) {
            let location = organizations::NewLocation {
                id: uuid::Uuid::now_v7(),
                organization_id: id,
                name: (*name).into(),
                address_line1: (*street).into(),
                city: o.city.into(),
                state: o.state.into(),
                county: o.county.into(),
                zip: (*zip).into(),
                vfc_pin: o.vfc_pin.map(Into::into),
            };
            organizations::insert_location_in_tx(&mut tx, &location, now).await?;
        }
        for (_, counties) in DEMO_SERVICE_AREAS.iter().filter(|a| a.0 == o.code) {
            for county in *counties {
                organizations::add_service_county_in_tx(&mut tx, id, county, now).await?;
            }
        }
    }
    // A user with roles at several organizations is created once, at its first role.
    let mut user_ids: Vec<(&str, UserId)> = Vec::new();
    for u in DEMO_USERS.iter().chain(DEMO_SECOND_ROLES) {
        let id = match user_ids.iter().find(|(name, _)| *name == u.username) {
            Some((_, id)) => *id,
            None => {
                let id = UserId::new();
                let area_code = if u.organization_code.starts_with("MT") {
                    "406-444"
                } else {
                    "512-776"
                };
                let new = NewUser {
                    id,
                    username: u.username.into(),
                    password_hash: hash.clone(),
                    first_name: u.first_name.into(),
                    last_name: u.last_name.into(),
                    email: format!("{}@demo.shotbook.invalid", u.username),
                    phone: Some(format!("{area_code}-{:04}", 1001 + user_ids.len())),
                };
                users::insert_in_tx(&mut tx, &new, now).await?;
                user_ids.push((u.username, id));
                id
            }
        };
        let (_, org_id) = ids
            .iter()
            .find(|(code, _)| *code == u.organization_code)
            .with_context(|| format!("demo user {} names unknown organization", u.username))?;
        users::grant_role_in_tx(&mut tx, id, *org_id, u.role, now).await?;
    }
    tx.commit().await?;
    Ok(organizations::all(store).await?)
}
