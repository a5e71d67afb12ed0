//! The demo registry: a few organizations in Montana and Texas and one user per role, all with
//! the same published demo password, training clients, vaccine lots, and synthetic clients.
//! Used by `--demo` in the app (seeded by the Tauri shell, the composition root) and by tests.
//!
//! - [`accounts`]: organizations, their locations and service areas, users and roles.
//! - [`training_clients`]: the four named clients trainers refer to.
//! - [`lots`]: each provider's vaccine lots.

mod accounts;
mod lots;
mod training_clients;

pub use accounts::*;
pub use lots::*;
pub use training_clients::*;

#[cfg(feature = "store")]
use time::OffsetDateTime;

#[cfg(feature = "store")]
use shotbook_store::Store;

/// Seed of the demo registry's synthetic clients.
pub const DEMO_SEED: u64 = 20_261_122;

/// The password of every demo account (printed by the run command; never use it for real data).
pub const DEMO_PASSWORD: &str = "Shotbook-Demo-2026";

/// Seeds the whole demo registry into `store`: the organizations and users (once), then
/// `clients` synthetic clients if the database has none. Returns the number of clients created.
#[cfg(feature = "store")]
pub async fn seed_demo_registry(
    store: &Store,
    clients: usize,
    now: OffsetDateTime,
) -> anyhow::Result<usize> {
    seed_organizations_and_users(store, now).await?;
    if shotbook_store::clients::count(store).await? > 0 {
        return Ok(0);
    }
    let training = seed_training_clients(store, now).await?;
    seed_demo_lots(store, now).await?;
    if clients <= training {
        return Ok(training);
    }
    // A fixed seed: every demo registry holds the same synthetic clients, so trainers and bug
    // reports can refer to them.
    let options =
        crate::generate::GenerateOptions::new((clients - training) as u64, DEMO_SEED, now.date());
    let report = crate::generate::generate_into(store, &options, |_| {}).await?;
    Ok(training + report.clients as usize)
}

#[cfg(all(test, feature = "store"))]
mod tests {
    use super::*;
    use shotbook_core::permission::Role;
    use shotbook_store::users;
    use std::collections::HashSet;
    use time::macros::datetime;

    #[test]
    fn there_is_one_demo_user_per_role_at_a_known_organization() {
        let roles: HashSet<Role> = DEMO_USERS.iter().map(|u| u.role).collect();
        assert_eq!(roles.len(), Role::ALL.len(), "every role has a demo user");
        for u in DEMO_USERS {
            assert!(
                DEMO_ORGANIZATIONS
                    .iter()
                    .any(|o| o.code == u.organization_code),
                "{}",
                u.username
            );
        }
    }

    #[tokio::test]
    async fn training_clients_use_codes_from_the_cdc_tables_and_no_dose_precedes_birth() {
        let store = Store::open_in_memory().await.unwrap();
        let now = datetime!(2026-11-22 9:00 UTC);
        seed_demo_registry(&store, 0, now).await.unwrap();
        let (unknown,): (i64,) = sqlx_count(&store,
            "SELECT count(*) FROM immunizations i WHERE NOT EXISTS (SELECT 1 FROM trade_names t WHERE t.cvx = i.cvx AND t.mvx = i.mvx)").await;
        assert_eq!(unknown, 0, "every CVX/MVX pair is a CDC product");
        let (early,): (i64,) = sqlx_count(&store,
            "SELECT count(*) FROM immunizations i JOIN clients c ON c.id = i.client_id WHERE i.administered_on < c.date_of_birth").await;
        assert_eq!(early, 0);
        assert_eq!(
            shotbook_store::clients::count(&store).await.unwrap(),
            TRAINING_CLIENTS.len() as i64
        );
    }

    async fn sqlx_count(store: &Store, sql: &'static str) -> (i64,) {
        shotbook_store::sqlx::query_as(sql)
            .fetch_one(store.pool())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn seeding_twice_creates_the_demo_accounts_once() {
        let store = Store::open_in_memory().await.unwrap();
        let now = datetime!(2026-11-22 9:00 UTC);
        let orgs = seed_organizations_and_users(&store, now).await.unwrap();
        assert_eq!(orgs.len(), DEMO_ORGANIZATIONS.len());
        seed_organizations_and_users(&store, now).await.unwrap();
        assert_eq!(
            users::count(&store).await.unwrap(),
            DEMO_USERS.len() as i64 + 1
        );
        let c = users::find_for_sign_in(&store, "tx0001", "TX.Provider")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.role, "full_access_provider");
        assert!(shotbook_core::password::verify_password(
            DEMO_PASSWORD,
            &c.password_hash
        ));
    }
}
