//! Clients (patients): insert, basic search, read.

use crate::Work;
use shotbook_core::ids::{ClientId, OrganizationId};
use shotbook_core::search::BasicSearch;
use sqlx::{QueryBuilder, Sqlite};
use time::OffsetDateTime;

use crate::change_log::{self, ChangeOp, Entity};
use crate::{timestamp, Store, StoreError, StoreResult};

/// A client to insert. Names are stored as entered; the folded search keys are computed here.
#[derive(Debug, Clone, Default)]
pub struct NewClient {
    /// Id.
    pub id: ClientId,
    /// Registry client number.
    pub registry_id: Option<String>,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// Suffix (Jr, III).
    pub suffix: Option<String>,
    /// ISO date of birth.
    pub date_of_birth: String,
    /// F, M, X, U.
    pub gender: String,
    /// Mother's maiden name.
    pub mother_maiden_name: Option<String>,
    /// Street address.
    pub address_line1: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Two-letter state.
    pub state: Option<String>,
    /// County.
    pub county: Option<String>,
    /// ZIP (5 or 9 digits).
    pub zip: Option<String>,
    /// Phone (406-444-4444).
    pub phone: Option<String>,
    /// Guardian first name (minors).
    pub guardian_first_name: Option<String>,
    /// Guardian last name.
    pub guardian_last_name: Option<String>,
    /// Relationship (mother, father, guardian, grandparent).
    pub guardian_relationship: Option<String>,
    /// Consent status: granted / not_granted / withdrawn (the older granted / refused / unknown
    /// are read as granted / not_granted / not_granted). See [`consent_columns`].
    pub consent: String,
    /// Organization that registered the client.
    pub home_organization_id: Option<OrganizationId>,
}

/// One line of a search result list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClientSummaryRow {
    /// Id.
    pub id: String,
    /// Registry client number.
    pub registry_id: Option<String>,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// ISO date of birth.
    pub date_of_birth: String,
    /// Gender code.
    pub gender: String,
    /// Guardian's first and last name.
    pub guardian_name: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// ZIP.
    pub zip: Option<String>,
    /// Home organization's name.
    pub organization_name: Option<String>,
}

/// A full client record (demographics).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClientRow {
    /// Id.
    pub id: String,
    /// Registry client number.
    pub registry_id: Option<String>,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// Suffix.
    pub suffix: Option<String>,
    /// ISO date of birth.
    pub date_of_birth: String,
    /// Gender code.
    pub gender: String,
    /// Mother's maiden name.
    pub mother_maiden_name: Option<String>,
    /// Street.
    pub address_line1: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// County.
    pub county: Option<String>,
    /// ZIP.
    pub zip: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Guardian first name.
    pub guardian_first_name: Option<String>,
    /// Guardian last name.
    pub guardian_last_name: Option<String>,
    /// Guardian relationship.
    pub guardian_relationship: Option<String>,
    /// Consent status: granted / not_granted / withdrawn.
    pub consent_status: String,
    /// Record status.
    pub status: String,
    /// Home organization's name.
    pub organization_name: Option<String>,
    /// Home (registering) organization.
    pub home_organization_id: Option<String>,
    /// Apartment, suite.
    pub address_line2: Option<String>,
    /// Part of a multiple birth.
    pub multiple_birth: Option<bool>,
    /// Birth order in a multiple birth.
    pub birth_order: Option<i64>,
    /// USPS code of the birth state.
    pub birth_state: Option<String>,
    /// ISO alpha-3 birth country.
    pub birth_country: Option<String>,
    /// CDC race code.
    pub race: Option<String>,
    /// CDC ethnicity code.
    pub ethnicity: Option<String>,
    /// ISO 639-2 language.
    pub language: Option<String>,
    /// The record this one was merged into, if any.
    pub merged_into: Option<String>,
    /// RFC 3339; the optimistic-concurrency token of an edit.
    pub updated_at: String,
}

/// Inserts a client, files it in the Smart-search index and logs the change.
pub async fn insert_in_tx(
    tx: &mut Work,
    client: &NewClient,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let mut qb = QueryBuilder::new(INSERT_COLUMNS);
    qb.push_values(std::iter::once(client), |mut b, c| {
        push_client(&mut b, c, &timestamp(now))
    });
    qb.build().execute(&mut **tx).await?;
    crate::match_index::index_pending(tx).await?;
    change_log::append_in_tx(
        tx,
        Entity::Client,
        &client.id.to_string(),
        ChangeOp::Insert,
        now,
    )
    .await
}

/// Column list of a client insert, shared with the bulk loader.
pub const INSERT_COLUMNS: &str = "INSERT INTO clients (id, registry_id, first_name, middle_name, last_name, suffix, \
    first_name_folded, last_name_folded, date_of_birth, gender, mother_maiden_name, address_line1, city, state, \
    county, zip, phone, guardian_first_name, guardian_last_name, guardian_relationship, consent, consent_status, \
    home_organization_id, created_at, updated_at) ";

/// Number of values [`push_client`] binds per row.
pub const INSERT_BINDS_PER_ROW: usize = 25;

/// The two consent columns for a status code: (`consent`, read by builds before the
/// demographics migration, and `consent_status`). Accepts the current codes (granted /
/// not_granted / withdrawn) and the older ones (granted / refused / unknown); anything else is
/// stored as not granted, so an unknown value never opens a record.
pub fn consent_columns(code: &str) -> (&'static str, &'static str) {
    match code {
        "granted" => ("granted", "granted"),
        "withdrawn" => ("refused", "withdrawn"),
        "refused" => ("refused", "not_granted"),
        _ => ("unknown", "not_granted"),
    }
}

/// Binds one client's values (in [`INSERT_COLUMNS`] order) into a multi-row insert.
pub fn push_client<'a>(
    b: &mut sqlx::query_builder::Separated<'_, 'a, Sqlite, &'static str>,
    c: &'a NewClient,
    now: &str,
) {
    use shotbook_core::normalize::fold_name;
    b.push_bind(c.id.to_string())
        .push_bind(c.registry_id.as_deref())
        .push_bind(c.first_name.as_str())
        .push_bind(c.middle_name.as_deref())
        .push_bind(c.last_name.as_str())
        .push_bind(c.suffix.as_deref())
        .push_bind(fold_name(&c.first_name))
        .push_bind(fold_name(&c.last_name))
        .push_bind(c.date_of_birth.as_str())
        .push_bind(c.gender.as_str())
        .push_bind(c.mother_maiden_name.as_deref())
        .push_bind(c.address_line1.as_deref())
        .push_bind(c.city.as_deref())
        .push_bind(c.state.as_deref())
        .push_bind(c.county.as_deref())
        .push_bind(c.zip.as_deref())
        .push_bind(c.phone.as_deref())
        .push_bind(c.guardian_first_name.as_deref())
        .push_bind(c.guardian_last_name.as_deref())
        .push_bind(c.guardian_relationship.as_deref())
        .push_bind(consent_columns(&c.consent).0)
        .push_bind(consent_columns(&c.consent).1)
        .push_bind(c.home_organization_id.map(|o| o.to_string()))
        .push_bind(now.to_string())
        .push_bind(now.to_string());
}

const SUMMARY_COLUMNS: &str = "SELECT c.id, c.registry_id, c.first_name, c.middle_name, c.last_name, c.date_of_birth, c.gender, \
    CASE WHEN c.guardian_last_name IS NULL THEN NULL ELSE c.guardian_first_name || ' ' || c.guardian_last_name END AS guardian_name, \
    c.city, c.state, c.zip, o.name AS organization_name \
    FROM clients c LEFT JOIN organizations o ON o.id = c.home_organization_id WHERE c.merged_into IS NULL";

/// Upper bound of a prefix range over folded names (which hold only A–Z and spaces).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}~")
}

/// Basic search: name prefixes, exact date of birth, phone, ZIP prefix or client ID, narrowed
/// by the other fields, in name order, at most `limit` rows.
///
/// Every query starts from an index: `clients_by_name` / `clients_by_dob` for names and dates,
/// `clients_by_phone`, `clients_by_zip`, or the unique registry number; the narrowing fields
/// (middle name, gender, mother's maiden name, guardian, street) are checked on those rows only.
/// A name-only query is ordered in index order, so it never sorts more than it returns.
pub async fn search_basic(
    store: &Store,
    criteria: &BasicSearch,
    limit: i64,
) -> StoreResult<Vec<ClientSummaryRow>> {
    let mut qb: QueryBuilder<'_, Sqlite> = QueryBuilder::new(SUMMARY_COLUMNS);
    if let Some(last) = &criteria.last_name {
        qb.push(" AND c.last_name_folded >= ")
            .push_bind(last.clone());
        qb.push(" AND c.last_name_folded < ")
            .push_bind(prefix_end(last));
    }
    if let Some(first) = &criteria.first_name {
        qb.push(" AND c.first_name_folded >= ")
            .push_bind(first.clone());
        qb.push(" AND c.first_name_folded < ")
            .push_bind(prefix_end(first));
    }
    if let Some(dob) = &criteria.date_of_birth {
        qb.push(" AND c.date_of_birth = ").push_bind(dob.iso());
    }
    if let Some(phone) = &criteria.phone {
        qb.push(" AND c.phone = ")
            .push_bind(phone.as_str().to_owned());
    }
    if let Some(zip) = &criteria.zip {
        qb.push(" AND c.zip >= ").push_bind(zip.clone());
        qb.push(" AND c.zip < ").push_bind(prefix_end(zip));
    }
    if let Some(id) = &criteria.client_id {
        qb.push(" AND c.registry_id = ").push_bind(id.clone());
    }
    if let Some(gender) = &criteria.gender {
        qb.push(" AND c.gender = ").push_bind(gender.clone());
    }
    // LIKE is case-insensitive for ASCII letters (accented ones must be typed as stored).
    if let Some(middle) = &criteria.middle_name {
        qb.push(" AND c.middle_name LIKE ")
            .push_bind(format!("{}%", like_literal(middle)))
            .push(" ESCAPE '\\'");
    }
    if let Some(maiden) = &criteria.mother_maiden_name {
        qb.push(" AND c.mother_maiden_name LIKE ")
            .push_bind(format!("{}%", like_literal(maiden)))
            .push(" ESCAPE '\\'");
    }
    if let Some(guardian) = &criteria.guardian_name {
        let pattern = format!("{}%", like_literal(guardian));
        qb.push(" AND (c.guardian_last_name LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR c.guardian_first_name LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR (c.guardian_first_name || ' ' || c.guardian_last_name) LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(address) = &criteria.address {
        qb.push(" AND c.address_line1 LIKE ")
            .push_bind(format!("%{}%", like_literal(address)))
            .push(" ESCAPE '\\'");
    }
    qb.push(" ORDER BY c.last_name_folded, c.first_name_folded, c.date_of_birth LIMIT ")
        .push_bind(limit);
    Ok(qb.build_query_as().fetch_all(store.pool()).await?)
}

/// Gives a client the registry client number `candidate` unless another client has it; returns
/// whether it did (the caller draws another number otherwise).
pub async fn try_set_registry_id_in_tx(
    tx: &mut Work,
    client: ClientId,
    candidate: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE clients SET registry_id = ?1 WHERE id = ?2
         AND NOT EXISTS (SELECT 1 FROM clients WHERE registry_id = ?1)",
    )
    .bind(candidate)
    .bind(client.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// `text` with LIKE's wildcards escaped (escape character `\`).
fn like_literal(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Result-list rows of the clients with these ids, in the order given (ids not found are
/// skipped): Smart search ranks first, then fetches what the list shows.
pub async fn summaries_by_id(store: &Store, ids: &[String]) -> StoreResult<Vec<ClientSummaryRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb: QueryBuilder<'_, Sqlite> = QueryBuilder::new(SUMMARY_COLUMNS);
    qb.push(" AND c.id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(id.as_str());
    }
    qb.push(")");
    let mut rows: Vec<ClientSummaryRow> = qb.build_query_as().fetch_all(store.pool()).await?;
    let position: std::collections::HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    rows.sort_by_key(|r| position.get(r.id.as_str()).copied().unwrap_or(usize::MAX));
    Ok(rows)
}

/// The client with `id`.
pub async fn get(store: &Store, id: ClientId) -> StoreResult<ClientRow> {
    sqlx::query_as(
        "SELECT c.id, c.registry_id, c.first_name, c.middle_name, c.last_name, c.suffix, c.date_of_birth, c.gender,
                c.mother_maiden_name, c.address_line1, c.city, c.state, c.county, c.zip, c.phone,
                c.guardian_first_name, c.guardian_last_name, c.guardian_relationship, c.consent_status, c.status,
                o.name AS organization_name, c.home_organization_id, c.address_line2, c.multiple_birth,
                c.birth_order, c.birth_state, c.birth_country, c.race, c.ethnicity, c.language,
                c.merged_into, c.updated_at
         FROM clients c LEFT JOIN organizations o ON o.id = c.home_organization_id WHERE c.id = ?",
    )
    .bind(id.to_string())
    .fetch_optional(store.pool())
    .await?
    .ok_or(StoreError::NotFound("client"))
}

/// The client whose registry client number, or id, is `registry_id_or_id`.
pub async fn find_id(store: &Store, registry_id_or_id: &str) -> StoreResult<Option<ClientId>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT id FROM clients WHERE registry_id = ?1 OR id = ?1")
            .bind(registry_id_or_id.trim())
            .fetch_optional(store.pool())
            .await?;
    row.map(|(id,)| {
        id.parse()
            .map_err(|e: uuid::Error| StoreError::Unexpected(e.into()))
    })
    .transpose()
}

/// Highest rowid of `clients` (benchmarks sample rowids up to it).
pub async fn max_rowid(store: &Store) -> StoreResult<i64> {
    let (max,): (i64,) = sqlx::query_as("SELECT coalesce(max(rowid), 0) FROM clients")
        .fetch_one(store.pool())
        .await?;
    Ok(max)
}

/// What a benchmark query is built from: one client's identifying fields.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SearchKeys {
    /// Id.
    pub id: String,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// ISO date of birth.
    pub date_of_birth: String,
    /// Gender code.
    pub gender: String,
    /// Phone.
    pub phone: Option<String>,
    /// ZIP.
    pub zip: Option<String>,
}

/// The identifying fields of the client at `rowid`, if any (benchmarks build realistic queries
/// from them).
pub async fn search_keys_at(store: &Store, rowid: i64) -> StoreResult<Option<SearchKeys>> {
    Ok(sqlx::query_as(
        "SELECT id, last_name, first_name, date_of_birth, gender, phone, zip FROM clients WHERE rowid = ?",
    )
    .bind(rowid)
    .fetch_optional(store.pool())
    .await?)
}

/// Ids of the first `limit` clients in insertion (rowid) order: batch printing and benchmarks.
pub async fn first_ids(store: &Store, limit: i64) -> StoreResult<Vec<ClientId>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM clients ORDER BY rowid LIMIT ?")
        .bind(limit)
        .fetch_all(store.pool())
        .await?;
    rows.into_iter()
        .map(|(id,)| {
            id.parse()
                .map_err(|e: uuid::Error| StoreError::Unexpected(e.into()))
        })
        .collect()
}

/// Number of clients.
pub async fn count(store: &Store) -> StoreResult<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM clients")
        .fetch_one(store.pool())
        .await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shotbook_core::search::BasicSearchInput;
    use time::macros::{date, datetime};

    const NOW: OffsetDateTime = datetime!(2026-11-22 9:00 UTC);

    fn client(first: &str, last: &str, dob: &str) -> NewClient {
        NewClient {
            first_name: first.into(),
            last_name: last.into(),
            date_of_birth: dob.into(),
            gender: "F".into(),
            consent: "granted".into(),
            ..Default::default()
        }
    }

    async fn store_with(clients: &[NewClient]) -> Store {
        let store = Store::open_in_memory().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        for c in clients {
            insert_in_tx(&mut tx, c, NOW).await.unwrap();
        }
        tx.commit().await.unwrap();
        store
    }

    fn search(last: &str, first: &str, dob: &str) -> BasicSearch {
        BasicSearch::parse(
            BasicSearchInput {
                last_name: last,
                first_name: first,
                date_of_birth: dob,
                ..Default::default()
            },
            date!(2026 - 11 - 22),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn last_name_prefix_finds_accented_and_hyphenated_names_in_name_order() {
        let store = store_with(&[
            client("Ana", "García", "2019-03-14"),
            client("Luis", "Garcia-Lopez", "2018-01-02"),
            client("Zoe", "Gardner", "2017-05-06"),
        ])
        .await;
        let rows = search_basic(&store, &search("garcia", "", ""), 50)
            .await
            .unwrap();
        let names: Vec<_> = rows.iter().map(|r| r.last_name.as_str()).collect();
        assert_eq!(names, vec!["García", "Garcia-Lopez"]);
    }

    #[tokio::test]
    async fn date_of_birth_narrows_a_common_surname_to_one_child() {
        let store = store_with(&[
            client("Ana", "Smith", "2019-03-14"),
            client("Ana", "Smith", "2019-03-15"),
            client("Bea", "Smith", "2019-03-14"),
        ])
        .await;
        let rows = search_basic(&store, &search("smith", "ana", "03/14/2019"), 50)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].first_name.as_str(), rows[0].date_of_birth.as_str()),
            ("Ana", "2019-03-14")
        );
    }

    #[tokio::test]
    async fn the_limit_caps_the_result_list() {
        let many: Vec<_> = (0..30)
            .map(|i| client("Kid", "Jones", &format!("2019-01-{:02}", i % 28 + 1)))
            .collect();
        let store = store_with(&many).await;
        assert_eq!(
            search_basic(&store, &search("jones", "", ""), 11)
                .await
                .unwrap()
                .len(),
            11
        );
    }

    #[tokio::test]
    async fn inserting_a_client_appends_to_the_change_log() {
        let c = client("Ana", "Smith", "2019-03-14");
        let store = store_with(std::slice::from_ref(&c)).await;
        let (entity, op, source): (String, String, String) =
            sqlx::query_as("SELECT entity, op, source FROM change_log WHERE entity_id = ?")
                .bind(c.id.to_string())
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(
            (entity.as_str(), op.as_str(), source.as_str()),
            ("client", "insert", "local")
        );
    }

    #[tokio::test]
    async fn a_client_is_found_by_registry_number_or_by_id() {
        let mut c = client("Ana", "Smith", "2019-03-14");
        c.registry_id = Some("1000000042".into());
        let store = store_with(std::slice::from_ref(&c)).await;
        assert_eq!(find_id(&store, "1000000042").await.unwrap(), Some(c.id));
        assert_eq!(
            find_id(&store, &c.id.to_string()).await.unwrap(),
            Some(c.id)
        );
        assert_eq!(find_id(&store, "999").await.unwrap(), None);
    }

    #[tokio::test]
    async fn clients_cannot_be_deleted() {
        let c = client("Ana", "Smith", "2019-03-14");
        let store = store_with(std::slice::from_ref(&c)).await;
        let err = sqlx::query("DELETE FROM clients")
            .execute(store.pool())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("never deleted"), "{err}");
        assert_eq!(get(&store, c.id).await.unwrap().first_name, "Ana");
    }
}
