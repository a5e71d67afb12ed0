use std::collections::{HashMap, HashSet};

use shotbook_store::Store;
use sqlx::Row;
use time::macros::{date, datetime};

use super::*;
use crate::demo::DEMO_ORGANIZATIONS;

const TODAY: Date = date!(2026 - 11 - 22);

fn options(clients: u64, seed: u64) -> GenerateOptions {
    GenerateOptions {
        recorded_at: datetime!(2026-11-22 9:00 UTC),
        ..GenerateOptions::new(clients, seed, TODAY)
    }
}

async fn generated(clients: u64, seed: u64) -> Store {
    let store = Store::open_in_memory().await.unwrap();
    generate_into(&store, &options(clients, seed), |_| {})
        .await
        .unwrap();
    store
}

/// The demo organizations with fixed ids, for tests that only need the generator.
fn fixed_orgs() -> Vec<OrganizationRow> {
    DEMO_ORGANIZATIONS
        .iter()
        .enumerate()
        .map(|(i, o)| OrganizationRow {
            id: uuid::Uuid::from_u128(i as u128 + 1).to_string(),
            code: o.code.into(),
            name: o.name.into(),
            kind: o.kind.into(),
            state: o.state.into(),
            county: o.county.into(),
            city: o.city.into(),
            vfc_pin: o.vfc_pin.map(Into::into),
        })
        .collect()
}

async fn strings(store: &Store, sql: &str) -> Vec<String> {
    sqlx::query(sql)
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|row| {
            (0..row.len())
                .map(|i| {
                    format!(
                        "{:?}",
                        row.try_get_unchecked::<Option<String>, _>(i).ok().flatten()
                    )
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

async fn count(store: &Store, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(store.pool()).await.unwrap();
    n
}

/// Everything generated, with organizations named by code (their ids come from the demo seed,
/// which is not part of the generator).
async fn dump(store: &Store) -> Vec<String> {
    let mut rows = strings(
        store,
        "SELECT c.id, c.registry_id, c.first_name, c.middle_name, c.last_name, c.suffix, c.date_of_birth, c.gender,
                c.mother_maiden_name, c.address_line1, c.city, c.state, c.county, c.zip, c.phone, c.guardian_first_name,
                c.guardian_last_name, c.guardian_relationship, c.consent, o.code, c.created_at
         FROM clients c LEFT JOIN organizations o ON o.id = c.home_organization_id ORDER BY c.rowid",
    )
    .await;
    rows.extend(
        strings(
            store,
            "SELECT i.id, i.client_id, i.cvx, i.mvx, i.administered_on, i.lot_number, i.expiration_date,
                    CAST(i.dose_volume_ml AS TEXT), i.route, i.site, i.source, o.code, i.clinician, i.funding_source,
                    i.vfc_eligibility
             FROM immunizations i LEFT JOIN organizations o ON o.id = i.organization_id ORDER BY i.rowid",
        )
        .await,
    );
    rows.extend(strings(store, "SELECT client_id, CAST(person_key AS TEXT), variant FROM synthetic_truth ORDER BY rowid").await);
    rows
}

#[tokio::test]
async fn the_same_seed_gives_the_same_rows_and_another_seed_does_not() {
    let a = dump(&generated(400, 42).await).await;
    let b = dump(&generated(400, 42).await).await;
    let c = dump(&generated(400, 43).await).await;
    assert!(
        a.len() > 400 * 3,
        "clients, doses and truth rows: {}",
        a.len()
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
    let shared = a
        .iter()
        .collect::<HashSet<_>>()
        .intersection(&c.iter().collect())
        .count();
    assert_eq!(shared, 0, "a different seed shares no row");
}

#[test]
fn the_number_of_threads_does_not_change_the_data_because_chunks_are_independent() {
    let g = Generator::new(
        GenerateOptions {
            clients: 2_500,
            ..options(2_500, 7)
        },
        &fixed_orgs(),
        0,
    )
    .unwrap();
    let forward: Vec<_> = (0..g.chunks())
        .map(|i| g.chunk(i).batch.clients.len())
        .collect();
    assert_eq!(forward, vec![1_000, 1_000, 500]);
    let late = g.chunk(2);
    let _ = g.chunk(0);
    assert_eq!(
        format!("{:?}", late.batch),
        format!("{:?}", g.chunk(2).batch)
    );
}

#[tokio::test]
async fn a_dose_is_never_before_birth_nor_after_today_and_nobody_is_born_after_today() {
    let store = generated(1_500, 1).await;
    assert!(count(&store, "SELECT count(*) FROM immunizations").await > 10_000);
    let bad = count(
        &store,
        "SELECT count(*) FROM immunizations i JOIN clients c ON c.id = i.client_id
         WHERE i.administered_on < c.date_of_birth OR i.administered_on > '2026-11-22'",
    )
    .await;
    assert_eq!(bad, 0);
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM clients WHERE date_of_birth > '2026-11-22'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn every_vaccine_and_manufacturer_is_in_the_cdc_code_tables() {
    let store = generated(1_500, 2).await;
    let unknown_cvx =
        count(&store, "SELECT count(*) FROM immunizations i LEFT JOIN vaccines v ON v.cvx = i.cvx WHERE v.cvx IS NULL").await;
    let unknown_mvx = count(
        &store,
        "SELECT count(*) FROM immunizations i LEFT JOIN manufacturers m ON m.mvx = i.mvx WHERE i.mvx IS NOT NULL AND m.mvx IS NULL",
    )
    .await;
    let no_product = count(
        &store,
        "SELECT count(*) FROM immunizations i WHERE i.mvx IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM trade_names t WHERE t.cvx = i.cvx AND t.mvx = i.mvx)",
    )
    .await;
    assert_eq!((unknown_cvx, unknown_mvx, no_product), (0, 0, 0));
    // And every pair the generator knows, not only those this seed happened to use.
    let products: HashSet<(String, String)> = strings(&store, "SELECT cvx, mvx FROM trade_names")
        .await
        .into_iter()
        .map(|s| {
            let (cvx, mvx) = s.split_once('|').unwrap();
            (cvx.to_string(), mvx.to_string())
        })
        .collect();
    for p in history::all_products() {
        if let Some(mvx) = p.mvx {
            let key = (format!("{:?}", Some(p.cvx)), format!("{:?}", Some(mvx)));
            assert!(
                products.contains(&key),
                "CVX {} MVX {mvx} is not a CDC product",
                p.cvx
            );
        }
    }
}

#[tokio::test]
async fn the_duplicate_share_is_honoured_and_truth_keys_link_each_variant_to_its_original() {
    let store = Store::open_in_memory().await.unwrap();
    let opts = GenerateOptions {
        duplicate_share: 0.05,
        ..options(3_000, 5)
    };
    let report = generate_into(&store, &opts, |_| {}).await.unwrap();
    assert_eq!(report.clients, 3_000);
    assert_eq!(report.duplicates, 150);
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM synthetic_truth WHERE variant <> 'original'"
        )
        .await,
        150
    );
    let rows: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT t.variant, c.first_name, c.last_name, c.date_of_birth, c.registry_id, t.person_key
         FROM synthetic_truth t JOIN clients c ON c.id = t.client_id ORDER BY t.rowid",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let originals: HashMap<i64, &(String, String, String, String, String, i64)> = rows
        .iter()
        .filter(|r| r.0 == "original")
        .map(|r| (r.5, r))
        .collect();
    assert_eq!(originals.len(), 2_850, "one original per person");
    let mut kinds = HashSet::new();
    for dup in rows.iter().filter(|r| r.0 != "original") {
        let orig = originals
            .get(&dup.5)
            .unwrap_or_else(|| panic!("variant without an original: key {}", dup.5));
        kinds.insert(dup.0.as_str());
        assert_ne!(dup.4, orig.4, "a duplicate has its own registry number");
        match dup.0.as_str() {
            "nickname" => {
                assert!(
                    tables::tables()
                        .nicknames(&orig.1)
                        .contains(&dup.1.as_str()),
                    "{} is a nickname of {}",
                    dup.1,
                    orig.1
                );
                assert_eq!((&dup.2, &dup.3), (&orig.2, &orig.3));
            }
            "dob_swap" => {
                assert_eq!((&dup.1, &dup.2), (&orig.1, &orig.2));
                let (o, d) = (&orig.3, &dup.3);
                assert_eq!((&o[5..7], &o[8..10]), (&d[8..10], &d[5..7]), "{o} vs {d}");
            }
            "hyphenated" => {
                assert!(
                    dup.2.starts_with(&format!("{}-", orig.2)),
                    "{} from {}",
                    dup.2,
                    orig.2
                );
                assert_eq!((&dup.1, &dup.3), (&orig.1, &orig.3));
            }
            "typo" => {
                assert_eq!(dup.3, orig.3);
                let changed = usize::from(dup.1 != orig.1) + usize::from(dup.2 != orig.2);
                assert_eq!(
                    changed, 1,
                    "one name mistyped: {}/{} vs {}/{}",
                    dup.1, dup.2, orig.1, orig.2
                );
            }
            other => panic!("unknown variant {other}"),
        }
    }
    assert_eq!(kinds.len(), 4, "every kind of variation occurs: {kinds:?}");
}

#[tokio::test]
async fn minors_have_guardians_and_adults_do_not() {
    let store = generated(1_500, 3).await;
    let minors = count(
        &store,
        "SELECT count(*) FROM clients WHERE date_of_birth > '2008-11-23'",
    )
    .await;
    assert!(minors > 400, "{minors} minors");
    let without = count(
        &store,
        "SELECT count(*) FROM clients WHERE date_of_birth > '2008-11-23'
         AND (guardian_first_name IS NULL OR guardian_last_name IS NULL OR guardian_relationship IS NULL)",
    )
    .await;
    assert_eq!(without, 0);
    assert_eq!(count(&store, "SELECT count(*) FROM clients WHERE date_of_birth < '2008-11-22' AND guardian_last_name IS NOT NULL").await, 0);
    let same_surname = count(
        &store,
        "SELECT count(*) FROM clients WHERE guardian_last_name = last_name",
    )
    .await;
    assert!(
        same_surname * 10 > minors * 6,
        "guardians usually share the surname: {same_surname} of {minors}"
    );
}

#[tokio::test]
async fn addresses_phones_and_zips_come_from_the_bundled_places() {
    let store = generated(1_500, 4).await;
    let places: HashSet<(String, String, String, String)> = tables::tables()
        .places()
        .iter()
        .flat_map(|p| {
            p.zips.iter().map(|z| {
                (
                    p.state.code().to_string(),
                    p.county.to_string(),
                    p.city.to_string(),
                    z.to_string(),
                )
            })
        })
        .collect();
    let area_codes: HashMap<(String, String), Vec<String>> = tables::tables()
        .places()
        .iter()
        .map(|p| {
            (
                (p.state.code().to_string(), p.city.to_string()),
                p.area_codes.iter().map(|a| a.to_string()).collect(),
            )
        })
        .collect();
    let rows: Vec<(String, String, String, String, Option<String>, String)> =
        sqlx::query_as("SELECT state, county, city, zip, phone, address_line1 FROM clients")
            .fetch_all(store.pool())
            .await
            .unwrap();
    let mut zip4 = 0;
    let mut mt = 0;
    for (state, county, city, zip, phone, line1) in &rows {
        let zip5 = &zip[..5];
        assert!(
            places.contains(&(
                state.clone(),
                county.clone(),
                city.clone(),
                zip5.to_string()
            )),
            "{state} {county} {city} {zip}"
        );
        if zip.len() > 5 {
            zip4 += 1;
            assert!(
                zip.len() == 10
                    && &zip[5..6] == "-"
                    && zip[6..].bytes().all(|b| b.is_ascii_digit()),
                "{zip}"
            );
        }
        if let Some(phone) = phone {
            assert!(
                area_codes[&(state.clone(), city.clone())].contains(&phone[..3].to_string()),
                "{phone} in {city}"
            );
            assert!(
                phone[3..].starts_with("-555-01") && phone.len() == 12,
                "{phone}"
            );
        }
        assert!(
            line1.split(' ').next().unwrap().parse::<u32>().is_ok(),
            "street number first: {line1}"
        );
        mt += usize::from(state == "MT");
    }
    assert!(zip4 > 50 && zip4 < rows.len() / 4, "some ZIP+4: {zip4}");
    let mt_share = mt as f64 / rows.len() as f64;
    assert!(
        (0.25..0.35).contains(&mt_share),
        "about 30% Montana: {mt_share}"
    );
}

#[test]
fn a_child_of_seven_has_at_least_fifteen_doses_unless_deliberately_under_immunized() {
    let g = Generator::new(options(3_000, 6), &fixed_orgs(), 0).unwrap();
    let mut checked = 0;
    for index in 0..g.chunks() {
        let chunk = g.chunk(index);
        for (client, profile) in chunk.batch.clients.iter().zip(&chunk.profiles) {
            let truth = chunk
                .batch
                .truth
                .iter()
                .find(|t| t.client_id == client.id)
                .unwrap();
            if truth.variant != "original" || profile.is_under_immunized() {
                continue;
            }
            let dob = Date::parse(
                &client.date_of_birth,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .unwrap();
            let age = (TODAY - dob).whole_days() / 365;
            if age != 7 {
                continue;
            }
            let doses = chunk
                .batch
                .immunizations
                .iter()
                .filter(|i| i.client_id == client.id)
                .count();
            assert!(doses >= 15, "a 7-year-old ({profile:?}) has {doses} doses");
            checked += 1;
        }
    }
    assert!(checked > 20, "enough 7-year-olds checked: {checked}");
}

#[tokio::test]
async fn about_45_percent_are_children_and_ages_reach_90() {
    let store = generated(2_000, 8).await;
    let children = count(
        &store,
        "SELECT count(*) FROM clients WHERE date_of_birth > '2007-11-22'",
    )
    .await;
    let share = children as f64 / 2_000.0;
    assert!((0.40..0.50).contains(&share), "{share}");
    assert!(
        count(
            &store,
            "SELECT count(*) FROM clients WHERE date_of_birth < '1946-01-01'"
        )
        .await
            > 0
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM clients WHERE date_of_birth < '1935-11-01'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn historical_doses_are_bare_and_administered_ones_carry_lot_org_and_funding() {
    let store = generated(1_500, 9).await;
    let bare = count(
        &store,
        "SELECT count(*) FROM immunizations WHERE source = 'historical'
         AND (lot_number IS NOT NULL OR organization_id IS NOT NULL OR funding_source IS NOT NULL)",
    )
    .await;
    assert_eq!(bare, 0);
    let incomplete = count(
        &store,
        "SELECT count(*) FROM immunizations WHERE source = 'administered'
         AND (lot_number IS NULL OR expiration_date <= administered_on OR organization_id IS NULL OR route IS NULL
              OR dose_volume_ml IS NULL OR funding_source IS NULL OR mvx IS NULL)",
    )
    .await;
    assert_eq!(incomplete, 0);
    let administered = count(
        &store,
        "SELECT count(*) FROM immunizations WHERE source = 'administered'",
    )
    .await;
    let historical = count(
        &store,
        "SELECT count(*) FROM immunizations WHERE source = 'historical'",
    )
    .await;
    assert!(
        administered > historical && historical > 1_000,
        "{administered} administered, {historical} historical"
    );
    let pediatric_vfc = count(
        &store,
        "SELECT count(*) FROM immunizations i JOIN clients c ON c.id = i.client_id
         WHERE i.source = 'administered' AND i.vfc_eligibility IN ('V02', 'V03', 'V04', 'V05')
         AND i.administered_on < date(c.date_of_birth, '+19 years')",
    )
    .await;
    assert!(pediatric_vfc > 1_000, "{pediatric_vfc}");
    let combos = count(&store, "SELECT count(DISTINCT cvx) FROM immunizations WHERE cvx IN ('110', '120', '94', '130', '146')").await;
    assert_eq!(
        combos, 5,
        "Pediarix, Pentacel, ProQuad, Kinrix/Quadracel and Vaxelis are all used"
    );
}

#[tokio::test]
async fn every_generated_row_is_in_the_change_log_as_an_import() {
    let store = generated(300, 10).await;
    let logged = count(
        &store,
        "SELECT count(*) FROM change_log l WHERE l.source = 'import' AND l.op = 'insert' AND (
            (l.entity = 'client' AND l.entity_id IN (SELECT id FROM clients)) OR
            (l.entity = 'immunization' AND l.entity_id IN (SELECT id FROM immunizations)))",
    )
    .await;
    let rows = count(
        &store,
        "SELECT (SELECT count(*) FROM clients) + (SELECT count(*) FROM immunizations)",
    )
    .await;
    assert_eq!(logged, rows);
}

#[tokio::test]
async fn appending_continues_the_numbering_and_ids_stay_valid_uuid_v7() {
    let store = generated(250, 11).await;
    let report = generate_into(&store, &options(120, 11), |_| {})
        .await
        .unwrap();
    assert_eq!(report.first_record, 250);
    assert_eq!(
        count(&store, "SELECT count(DISTINCT registry_id) FROM clients").await,
        370
    );
    assert!(
        count(
            &store,
            "SELECT count(*) FROM clients WHERE length(registry_id) <> 10"
        )
        .await
            == 0
    );
    let ids = strings(
        &store,
        "SELECT id FROM clients UNION ALL SELECT id FROM immunizations",
    )
    .await;
    for id in ids {
        let id = id.trim_start_matches("Some(\"").trim_end_matches("\")");
        let uuid = uuid::Uuid::parse_str(id).unwrap();
        assert_eq!(uuid.get_version_num(), 7, "{id}");
    }
}

#[tokio::test]
async fn progress_is_reported_after_each_chunk_up_to_the_total() {
    let store = Store::open_in_memory().await.unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    generate_into(&store, &options(2_300, 12), |n| {
        seen.lock().unwrap().push(n)
    })
    .await
    .unwrap();
    assert_eq!(*seen.lock().unwrap(), vec![1_000, 2_000, 2_300]);
}
