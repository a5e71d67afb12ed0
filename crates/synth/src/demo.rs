//! The demo registry: a few organizations in Montana and Texas and one user per role, all with
//! the same published demo password. Used by `--demo` in the app and by tests.

use anyhow::Context;
use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::password::hash_password;
use shotbook_core::permission::Role;
use shotbook_store::change_log::ChangeSource;
use shotbook_store::organizations::{self, NewOrganization, OrganizationRow};
use shotbook_store::users::{self, NewUser};
use shotbook_store::Store;
use time::OffsetDateTime;

/// The password of every demo account (printed by the run command; never use it for real data).
pub const DEMO_PASSWORD: &str = "Shotbook-Demo-2026";

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
    DemoOrganization { code, name, kind, state, county, city, vfc_pin }
}

/// The demo organizations (fictional names, real places).
pub const DEMO_ORGANIZATIONS: &[DemoOrganization] = &[
    org("MT0001", "Big Sky Family Medicine", "provider", "MT", "Yellowstone", "Billings", Some("MT10001")),
    org("MT0002", "Last Chance Pediatrics", "provider", "MT", "Lewis and Clark", "Helena", Some("MT10002")),
    org("MT0003", "Five Valleys Public Health", "health_department", "MT", "Missoula", "Missoula", Some("MT10003")),
    org("MTREG", "imMTrax Registry Help Desk", "registry", "MT", "Lewis and Clark", "Helena", None),
    org("TX0001", "Lone Star Pediatrics", "provider", "TX", "Travis", "Austin", Some("TX20001")),
    org("TX0002", "Rio Grande Valley Family Clinic", "provider", "TX", "Hidalgo", "McAllen", Some("TX20002")),
    org("TXSCH1", "Bluebonnet Elementary School", "school", "TX", "Harris", "Houston", None),
    org("TXCC01", "Little Acorns Child Care", "child_care", "TX", "Bexar", "San Antonio", None),
    org("TXHSR7", "Health Service Region 7", "health_department", "TX", "Bell", "Temple", None),
    org("TXDSHS", "Texas Immunization Registry (ImmTrac2)", "registry", "TX", "Travis", "Austin", None),
];

const fn user(
    username: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    role: Role,
    organization_code: &'static str,
) -> DemoUser {
    DemoUser { username, first_name, last_name, role, organization_code }
}

/// One demo user per role.
pub const DEMO_USERS: &[DemoUser] = &[
    user("tx.provider", "Rosa", "Delgado", Role::FullAccessProvider, "TX0001"),
    user("tx.supervisor", "Marcus", "Whitfield", Role::ProviderSupervisor, "TX0001"),
    user("tx.school", "Linda", "Pham", Role::ViewOnlyNonProvider, "TXSCH1"),
    user("tx.region", "Dale", "Hutchins", Role::ModifiedAccessSubState, "TXHSR7"),
    user("tx.state", "Grace", "Okafor", Role::FullAccessState, "TXDSHS"),
    user("mt.readonly", "Tyler", "Running Crane", Role::ReadOnlyWithConsent, "MT0001"),
    user("mt.records", "Karen", "Lindqvist", Role::RecordMaintenance, "MT0001"),
    user("mt.vaccines", "Joe", "Brennan", Role::VaccineManagement, "MT0002"),
    user("mt.registry", "Ann", "Sorensen", Role::RegistryStaff, "MTREG"),
];

/// Creates the demo organizations and users unless the database already has users. Returns the
/// organizations in the database.
pub async fn seed_organizations_and_users(store: &Store, now: OffsetDateTime) -> anyhow::Result<Vec<OrganizationRow>> {
    if users::count(store).await? > 0 {
        return Ok(organizations::all(store).await?);
    }
    // One hash for all demo users: Argon2 is slow on purpose and they share the password.
    let hash = hash_password(DEMO_PASSWORD);
    let mut tx = store.begin().await?;
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
        organizations::insert_in_tx(&mut tx, &new, ChangeSource::Import, now).await?;
        ids.push((o.code, id));
    }
    for u in DEMO_USERS {
        let id = UserId::new();
        let area_code = if u.organization_code.starts_with("MT") { "406-444" } else { "512-776" };
        let new = NewUser {
            id,
            username: u.username.into(),
            password_hash: hash.clone(),
            first_name: u.first_name.into(),
            last_name: u.last_name.into(),
            email: format!("{}@demo.shotbook.invalid", u.username),
            phone: Some(format!("{area_code}-{:04}", 1000 + ids.len())),
        };
        users::insert_in_tx(&mut tx, &new, ChangeSource::Import, now).await?;
        let (_, org_id) = ids
            .iter()
            .find(|(code, _)| *code == u.organization_code)
            .with_context(|| format!("demo user {} names unknown organization", u.username))?;
        users::grant_role_in_tx(&mut tx, id, *org_id, u.role, ChangeSource::Import, now).await?;
    }
    tx.commit().await?;
    Ok(organizations::all(store).await?)
}


/// Seeds the whole demo registry into `store`: the organizations and users (once), then
/// `clients` synthetic clients if the database has none. Returns the number of clients created.
pub async fn seed_demo_registry(store: &Store, clients: usize, now: OffsetDateTime) -> anyhow::Result<usize> {
    seed_organizations_and_users(store, now).await?;
    if clients == 0 || shotbook_store::clients::count(store).await? > 0 {
        return Ok(0);
    }
    // Wired to the generator once it lands (crate::generate).
    let _ = now;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use time::macros::datetime;

    #[test]
    fn there_is_one_demo_user_per_role_at_a_known_organization() {
        let roles: HashSet<Role> = DEMO_USERS.iter().map(|u| u.role).collect();
        assert_eq!(roles.len(), Role::ALL.len(), "every role has a demo user");
        for u in DEMO_USERS {
            assert!(DEMO_ORGANIZATIONS.iter().any(|o| o.code == u.organization_code), "{}", u.username);
        }
    }

    #[tokio::test]
    async fn seeding_twice_creates_the_demo_accounts_once() {
        let store = Store::open_in_memory().await.unwrap();
        let now = datetime!(2026-11-22 9:00 UTC);
        let orgs = seed_organizations_and_users(&store, now).await.unwrap();
        assert_eq!(orgs.len(), DEMO_ORGANIZATIONS.len());
        seed_organizations_and_users(&store, now).await.unwrap();
        assert_eq!(users::count(&store).await.unwrap(), DEMO_USERS.len() as i64);
        let c = users::find_for_sign_in(&store, "tx0001", "TX.Provider").await.unwrap().unwrap();
        assert_eq!(c.role, "full_access_provider");
        assert!(shotbook_core::password::verify_password(DEMO_PASSWORD, &c.password_hash));
    }
}
