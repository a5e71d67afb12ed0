//! The demo registry on the server: the desktop demo's organizations (with their sites and
//! service areas) and users, from `shotbook_synth::demo`, with the published demo password.

use anyhow::Context;
use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::password::hash_password;
use shotbook_protocol::ChangeSource;
use shotbook_server_store::setup::{self, NewLocation, NewOrganization, NewUser};
use shotbook_server_store::{sqlx, PgRegistry};
use shotbook_synth::demo::{
    DEMO_LOCATIONS, DEMO_ORGANIZATIONS, DEMO_PASSWORD, DEMO_SECOND_ROLES, DEMO_SERVICE_AREAS,
    DEMO_USERS,
};
use time::OffsetDateTime;

/// What `seed-demo` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeded {
    /// Created this many organizations and users.
    Created {
        /// Organizations.
        organizations: usize,
        /// Users.
        users: usize,
    },
    /// The registry already has users: nothing was written.
    AlreadySeeded,
}

/// Creates the demo organizations and users, once: a registry that has any user is left
/// alone (so a real registry is never given demo accounts by a second run). One unit of work:
/// all or nothing.
pub async fn seed(registry: &PgRegistry, now: OffsetDateTime) -> anyhow::Result<Seeded> {
    let (users,): (i64,) = sqlx::query_as("SELECT count(*) FROM users")
        .fetch_one(registry.pool())
        .await?;
    if users > 0 {
        return Ok(Seeded::AlreadySeeded);
    }
    // One hash for every demo user: Argon2 is slow on purpose and they share the password.
    let hash = hash_password(DEMO_PASSWORD);
    let mut work = registry.begin_as(ChangeSource::Import, now).await?;
    let mut organizations = Vec::new();
    for o in DEMO_ORGANIZATIONS {
        let id = OrganizationId::new();
        setup::insert_organization(
            &mut work,
            &NewOrganization {
                id,
                code: o.code.into(),
                name: o.name.into(),
                kind: o.kind.into(),
                state: o.state.into(),
                county: o.county.into(),
                city: o.city.into(),
                vfc_pin: o.vfc_pin.map(Into::into),
            },
        )
        .await?;
        organizations.push((o.code, id));
        for (_, name, street, zip) in DEMO_LOCATIONS.iter().filter(|l| l.0 == o.code) {
            let location = NewLocation {
                organization: id,
                name: (*name).into(),
                address_line1: (*street).into(),
                city: o.city.into(),
                state: o.state.into(),
                county: o.county.into(),
                zip: (*zip).into(),
                vfc_pin: o.vfc_pin.map(Into::into),
            };
            setup::insert_location(&mut work, &location).await?;
        }
        for (_, counties) in DEMO_SERVICE_AREAS.iter().filter(|a| a.0 == o.code) {
            for county in *counties {
                setup::add_service_county(&mut work, id, county).await?;
            }
        }
    }
    // A user with roles at several organizations is created once, at the first role.
    let mut users: Vec<(&str, UserId)> = Vec::new();
    for u in DEMO_USERS.iter().chain(DEMO_SECOND_ROLES) {
        let id = match users.iter().find(|(name, _)| *name == u.username) {
            Some((_, id)) => *id,
            None => {
                let id = UserId::new();
                let area_code = if u.organization_code.starts_with("MT") {
                    "406-444"
                } else {
                    "512-776"
                };
                let user = NewUser {
                    id,
                    username: u.username.into(),
                    password_hash: hash.clone(),
                    first_name: u.first_name.into(),
                    last_name: u.last_name.into(),
                    email: format!("{}@demo.shotbook.invalid", u.username),
                    phone: Some(format!("{area_code}-{:04}", 1001 + users.len())),
                };
                setup::insert_user(&mut work, &user).await?;
                users.push((u.username, id));
                id
            }
        };
        let (_, organization) = organizations
            .iter()
            .find(|(code, _)| *code == u.organization_code)
            .with_context(|| format!("demo user {} names an unknown organization", u.username))?;
        setup::grant_role(&mut work, id, *organization, u.role).await?;
    }
    work.commit().await?;
    Ok(Seeded::Created {
        organizations: organizations.len(),
        users: users.len(),
    })
}
