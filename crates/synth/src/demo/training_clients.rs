//! The four named training clients of the demo registry.

#[cfg(feature = "store")]
use anyhow::Context;
#[cfg(feature = "store")]
use shotbook_core::ids::OrganizationId;
#[cfg(feature = "store")]
use shotbook_store::change_log::ChangeSource;
#[cfg(feature = "store")]
use shotbook_store::organizations;
#[cfg(feature = "store")]
use shotbook_store::Store;
#[cfg(feature = "store")]
use time::OffsetDateTime;

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
#[cfg(feature = "store")]
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
