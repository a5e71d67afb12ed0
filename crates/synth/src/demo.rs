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

/// Seed of the demo registry's synthetic clients.
pub const DEMO_SEED: u64 = 20_261_122;

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

/// A training client: a well-known record every demo registry holds, like the training
/// clients registries keep, so trainers, the README and the end-to-end tests can find it.
#[derive(Debug, Clone, Copy)]
pub struct TrainingClient {
    /// Registry client number.
    pub registry_id: &'static str,
    /// First name.
    pub first_name: &'static str,
    /// Middle name.
    pub middle_name: Option<&'static str>,
    /// Last name.
    pub last_name: &'static str,
    /// ISO date of birth.
    pub date_of_birth: &'static str,
    /// F / M.
    pub gender: &'static str,
    /// Street, city, state, county, ZIP, phone.
    pub address: (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    ),
    /// Guardian first, last, relationship (minors).
    pub guardian: Option<(&'static str, &'static str, &'static str)>,
    /// Mother's maiden name.
    pub mother_maiden_name: Option<&'static str>,
    /// Org code of the home organization.
    pub organization_code: &'static str,
    /// Doses: ISO date, CVX, MVX, lot, source.
    pub doses: &'static [(
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    )],
}

/// The training clients of the demo registry.
pub const TRAINING_CLIENTS: &[TrainingClient] = &[
    TrainingClient {
        registry_id: "9000000001",
        first_name: "Sofia",
        middle_name: Some("Isabel"),
        last_name: "Martinez",
        date_of_birth: "2019-03-14",
        gender: "F",
        address: (
            "2104 E Cesar Chavez St",
            "Austin",
            "TX",
            "Travis",
            "78702",
            "512-555-0148",
        ),
        guardian: Some(("Elena", "Martinez", "Mother")),
        mother_maiden_name: Some("Rodriguez"),
        organization_code: "TX0001",
        doses: &[
            ("2019-03-15", "08", "MSD", "", "historical"),
            ("2019-05-16", "110", "SKB", "7D3K9", "administered"),
            ("2019-05-16", "116", "MSD", "T017482", "administered"),
            ("2019-05-16", "49", "MSD", "S012556", "administered"),
            ("2019-05-16", "133", "PFR", "FN4477", "administered"),
            ("2019-07-18", "110", "SKB", "7D3K9", "administered"),
            ("2019-07-18", "116", "MSD", "T017482", "administered"),
            ("2019-07-18", "49", "MSD", "S012556", "administered"),
            ("2019-07-18", "133", "PFR", "FN4477", "administered"),
            ("2019-09-19", "110", "SKB", "9H2P4", "administered"),
            ("2019-09-19", "116", "MSD", "T019933", "administered"),
            ("2019-09-19", "133", "PFR", "FP1209", "administered"),
            ("2020-03-20", "49", "MSD", "S015820", "administered"),
            ("2020-03-20", "133", "PFR", "FP1209", "administered"),
            ("2020-03-20", "03", "MSD", "R024551", "administered"),
            ("2020-03-20", "21", "MSD", "R027703", "administered"),
            ("2020-03-20", "83", "SKB", "AHAVB611", "administered"),
            ("2020-06-25", "20", "SKB", "AC14B221", "administered"),
            ("2020-09-24", "83", "SKB", "AHAVB702", "administered"),
            ("2020-10-15", "161", "PMC", "UT7045JA", "administered"),
            ("2023-04-06", "130", "SKB", "5K27H", "administered"),
            ("2023-04-06", "94", "MSD", "W001284", "administered"),
            ("2025-10-09", "150", "SKB", "KP7Z2", "administered"),
        ],
    },
    TrainingClient {
        registry_id: "9000000002",
        first_name: "Liam",
        middle_name: Some("Joseph"),
        last_name: "Running Crane",
        date_of_birth: "2026-05-02",
        gender: "M",
        address: (
            "415 N 27th St",
            "Billings",
            "MT",
            "Yellowstone",
            "59101",
            "406-555-0172",
        ),
        guardian: Some(("Marie", "Running Crane", "Mother")),
        mother_maiden_name: Some("Old Elk"),
        organization_code: "MT0001",
        doses: &[
            ("2026-05-02", "08", "MSD", "Y003311", "historical"),
            ("2026-07-06", "120", "PMC", "UJ552AA", "administered"),
            ("2026-07-06", "116", "MSD", "Y006120", "administered"),
            ("2026-07-06", "216", "PFR", "HN8817", "administered"),
            ("2026-09-08", "120", "PMC", "UJ552AA", "administered"),
            ("2026-09-08", "116", "MSD", "Y006120", "administered"),
            ("2026-09-08", "216", "PFR", "HN8817", "administered"),
        ],
    },
    TrainingClient {
        registry_id: "9000000003",
        first_name: "José",
        middle_name: Some("Luis"),
        last_name: "Núñez",
        date_of_birth: "1958-11-03",
        gender: "M",
        address: (
            "1203 W Nolana Ave",
            "McAllen",
            "TX",
            "Hidalgo",
            "78504",
            "956-555-0119",
        ),
        guardian: None,
        mother_maiden_name: Some("Garza"),
        organization_code: "TX0002",
        doses: &[
            ("2012-10-02", "115", "SKB", "", "historical"),
            ("2019-02-11", "187", "SKB", "3XK2L", "administered"),
            ("2019-05-13", "187", "SKB", "3XK2L", "administered"),
            ("2024-01-22", "216", "PFR", "HA3391", "administered"),
            ("2025-10-20", "205", "SEQ", "AF2290", "administered"),
        ],
    },
    TrainingClient {
        registry_id: "9000000004",
        first_name: "Ánh",
        middle_name: Some("Thị"),
        last_name: "Nguyễn",
        date_of_birth: "1990-07-21",
        gender: "F",
        address: (
            "8800 Bellaire Blvd",
            "Houston",
            "TX",
            "Harris",
            "77036-4512",
            "713-555-0163",
        ),
        guardian: None,
        mother_maiden_name: Some("Trần"),
        organization_code: "TX0001",
        doses: &[
            ("2015-08-17", "115", "PMC", "C5123AA", "historical"),
            ("2021-04-09", "208", "PFR", "EW0182", "historical"),
            ("2021-04-30", "208", "PFR", "EW0196", "historical"),
            ("2025-09-30", "309", "PFR", "LP4471", "administered"),
        ],
    },
];

/// Inserts the training clients with their doses (once).
pub async fn seed_training_clients(store: &Store, now: OffsetDateTime) -> anyhow::Result<usize> {
    use shotbook_store::clients::{self, NewClient};
    use shotbook_store::immunizations::{self, NewImmunization};
    let orgs = organizations::all(store).await?;
    let org_id = |code: &str| -> anyhow::Result<OrganizationId> {
        let row = orgs
            .iter()
            .find(|o| o.code == code)
            .with_context(|| format!("organization {code}"))?;
        Ok(row.id.parse()?)
    };
    let mut tx = store.begin_as(ChangeSource::Import).await?;
    for t in TRAINING_CLIENTS {
        let (street, city, state, county, zip, phone) = t.address;
        let client = NewClient {
            id: shotbook_core::ids::ClientId::new(),
            registry_id: Some(t.registry_id.into()),
            first_name: t.first_name.into(),
            middle_name: t.middle_name.map(Into::into),
            last_name: t.last_name.into(),
            suffix: None,
            date_of_birth: t.date_of_birth.into(),
            gender: t.gender.into(),
            mother_maiden_name: t.mother_maiden_name.map(Into::into),
            address_line1: Some(street.into()),
            city: Some(city.into()),
            state: Some(state.into()),
            county: Some(county.into()),
            zip: Some(zip.into()),
            phone: Some(phone.into()),
            guardian_first_name: t.guardian.map(|g| g.0.into()),
            guardian_last_name: t.guardian.map(|g| g.1.into()),
            guardian_relationship: t.guardian.map(|g| g.2.into()),
            consent: "granted".into(),
            home_organization_id: Some(org_id(t.organization_code)?),
        };
        clients::insert_in_tx(&mut tx, &client, now).await?;
        for (on, cvx, mvx, lot, source) in t.doses {
            let administered = *source == "administered";
            let dose = NewImmunization {
                client_id: client.id,
                cvx: (*cvx).into(),
                mvx: Some((*mvx).into()),
                administered_on: (*on).into(),
                lot_number: (!lot.is_empty()).then(|| (*lot).into()),
                source: (*source).into(),
                organization_id: administered
                    .then(|| org_id(t.organization_code))
                    .transpose()?,
                route: administered.then(|| {
                    if matches!(*cvx, "116") {
                        "PO".into()
                    } else {
                        "IM".into()
                    }
                }),
                site: administered
                    .then(|| {
                        if matches!(*cvx, "116") {
                            "".into()
                        } else {
                            "LT".into()
                        }
                    })
                    .filter(|s: &String| !s.is_empty()),
                ..Default::default()
            };
            immunizations::insert_in_tx(&mut tx, &dose, now).await?;
        }
    }
    tx.commit().await?;
    Ok(TRAINING_CLIENTS.len())
}

/// A vaccine lot every demo provider holds (see [`crate::demo_lots`]).
#[derive(Debug, Clone, Copy)]
pub struct DemoLot {
    /// CVX.
    pub cvx: &'static str,
    /// MVX.
    pub mvx: &'static str,
    /// NDC (CDC NDC table, unit of use).
    pub ndc: &'static str,
    /// Trade name.
    pub trade_name: &'static str,
    /// Lot number (distributors ship one lot to many clinics, so every provider holds it).
    pub lot_number: &'static str,
    /// Expiry, days after seeding.
    pub expires_in_days: i64,
    /// Doses received.
    pub quantity: i64,
    /// vfc / state / private.
    pub funding: &'static str,
}

/// The demo lots: MMR, DTaP-IPV-Hib-HepB, Tdap, and a flu lot expiring within 30 days.
pub const DEMO_LOTS: &[DemoLot] = &[
    DemoLot {
        cvx: "03",
        mvx: "MSD",
        ndc: "00006-4681-01",
        trade_name: "M-M-R II",
        lot_number: "Y015329",
        expires_in_days: 420,
        quantity: 20,
        funding: "vfc",
    },
    DemoLot {
        cvx: "146",
        mvx: "MSP",
        ndc: "63361-0243-58",
        trade_name: "VAXELIS",
        lot_number: "U7463AA",
        expires_in_days: 300,
        quantity: 15,
        funding: "vfc",
    },
    DemoLot {
        cvx: "115",
        mvx: "SKB",
        ndc: "58160-0842-43",
        trade_name: "BOOSTRIX",
        lot_number: "9P2C7",
        expires_in_days: 540,
        quantity: 10,
        funding: "state",
    },
    DemoLot {
        cvx: "140",
        mvx: "PMC",
        ndc: "49281-0425-88",
        trade_name: "FLUZONE TRIVALENT NORTHERN HEMISPHERE",
        lot_number: "UT8512AA",
        expires_in_days: 21,
        quantity: 8,
        funding: "private",
    },
];

/// Seeds the whole demo registry into `store`: the organizations and users (once), then
/// `clients` synthetic clients if the database has none. Returns the number of clients created.
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
    crate::demo_lots::seed_demo_lots(store, now).await?;
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
