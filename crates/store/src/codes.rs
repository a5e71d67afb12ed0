//! CDC code sets (CVX, MVX, product/trade names, CVX → vaccine group), bundled from
//! `data/codes/` at build time and loaded into the database on first start.

use anyhow::Context;
use serde::Serialize;
use shotbook_core::date::UsDate;

use crate::{Store, StoreResult};

const CVX_CSV: &str = include_str!("../../../data/codes/cvx.csv");
const MVX_CSV: &str = include_str!("../../../data/codes/mvx.csv");
const PRODUCT_NAMES_CSV: &str = include_str!("../../../data/codes/product-names.csv");
const VACCINE_GROUPS_CSV: &str = include_str!("../../../data/codes/cvx-vaccine-group.csv");

/// A CVX row.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct VaccineRow {
    /// CVX code.
    pub cvx: String,
    /// CDC short description.
    pub short_description: String,
    /// CDC full vaccine name.
    pub full_name: String,
    /// CDC notes.
    pub notes: Option<String>,
    /// Active, Inactive, Non-US, Never Active …
    pub status: String,
    /// ISO date of CDC's last update.
    pub last_updated: Option<String>,
}

/// An MVX row.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ManufacturerRow {
    /// MVX code.
    pub mvx: String,
    /// Manufacturer name.
    pub name: String,
    /// CDC notes.
    pub notes: Option<String>,
    /// Active / Inactive.
    pub status: String,
    /// ISO date of CDC's last update.
    pub last_updated: Option<String>,
}

/// A product (trade name) row.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TradeNameRow {
    /// CDC product name (e.g. "ProQuad").
    pub product_name: String,
    /// CVX short description.
    pub short_description: String,
    /// CVX code.
    pub cvx: String,
    /// Manufacturer name.
    pub manufacturer: String,
    /// MVX code.
    pub mvx: String,
    /// MVX status.
    pub mvx_status: String,
    /// Product status.
    pub product_status: String,
    /// ISO date.
    pub last_updated: Option<String>,
}

/// A CVX → vaccine group membership.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct VaccineGroupMemberRow {
    /// CVX code.
    pub cvx: String,
    /// Vaccine group name (e.g. "MMR", "DTAP").
    pub vaccine_group: String,
    /// The CVX that stands for the group (e.g. 03 for MMR).
    pub group_cvx: String,
    /// CVX short description.
    pub short_description: String,
    /// CVX status.
    pub status: String,
}

fn iso(us: &str) -> Option<String> {
    UsDate::parse(us).ok().map(|d| d.iso())
}

fn blank_to_none(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn records(csv_text: &str) -> anyhow::Result<Vec<csv::StringRecord>> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .collect::<Result<Vec<_>, _>>()
        .context("reading a bundled CDC code set")
}

/// Loads the bundled code sets when the tables are empty (first start).
pub async fn load_bundled_if_missing(store: &Store) -> StoreResult<()> {
    let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM vaccines")
        .fetch_one(store.pool())
        .await?;
    if count > 0 {
        return Ok(());
    }
    let mut tx = store.begin().await?;
    for r in records(CVX_CSV)? {
        sqlx::query("INSERT INTO vaccines (cvx, short_description, full_name, notes, status, last_updated) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(r[0].trim())
            .bind(r[1].trim())
            .bind(r[2].trim())
            .bind(blank_to_none(&r[3]))
            .bind(r[4].trim())
            .bind(iso(&r[5]))
            .execute(&mut *tx)
            .await?;
    }
    for r in records(MVX_CSV)? {
        sqlx::query("INSERT INTO manufacturers (mvx, name, notes, status, last_updated) VALUES (?, ?, ?, ?, ?)")
            .bind(r[0].trim())
            .bind(r[1].trim())
            .bind(blank_to_none(&r[2]))
            .bind(r[3].trim())
            .bind(iso(&r[4]))
            .execute(&mut *tx)
            .await?;
    }
    for r in records(PRODUCT_NAMES_CSV)? {
        sqlx::query(
            "INSERT OR IGNORE INTO trade_names (product_name, short_description, cvx, manufacturer, mvx, mvx_status, product_status, last_updated)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(r[0].trim())
        .bind(r[1].trim())
        .bind(r[2].trim())
        .bind(r[3].trim())
        .bind(r[4].trim())
        .bind(r[5].trim())
        .bind(r[6].trim())
        .bind(iso(&r[7]))
        .execute(&mut *tx)
        .await?;
    }
    for r in records(VACCINE_GROUPS_CSV)? {
        sqlx::query(
            "INSERT OR IGNORE INTO vaccine_group_members (cvx, vaccine_group, group_cvx, short_description, status) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(r[1].trim())
        .bind(r[3].trim())
        .bind(r[4].trim())
        .bind(r[0].trim())
        .bind(r[2].trim())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// All CVX codes, ordered by code number.
pub async fn vaccines(store: &Store) -> StoreResult<Vec<VaccineRow>> {
    Ok(
        sqlx::query_as("SELECT * FROM vaccines ORDER BY CAST(cvx AS INTEGER)")
            .fetch_all(store.pool())
            .await?,
    )
}

/// CDC's short description of every CVX code, by code (what screens and reports name a
/// vaccine by).
pub async fn vaccine_names(
    store: &Store,
) -> StoreResult<std::collections::HashMap<String, String>> {
    Ok(vaccines(store)
        .await?
        .into_iter()
        .map(|v| (v.cvx, v.short_description))
        .collect())
}

/// All MVX codes, ordered by code.
pub async fn manufacturers(store: &Store) -> StoreResult<Vec<ManufacturerRow>> {
    Ok(sqlx::query_as("SELECT * FROM manufacturers ORDER BY mvx")
        .fetch_all(store.pool())
        .await?)
}

/// All products, ordered by name.
pub async fn trade_names(store: &Store) -> StoreResult<Vec<TradeNameRow>> {
    Ok(
        sqlx::query_as("SELECT * FROM trade_names ORDER BY product_name COLLATE NOCASE, cvx")
            .fetch_all(store.pool())
            .await?,
    )
}

/// All vaccine-group memberships, ordered by group then CVX.
pub async fn vaccine_group_members(store: &Store) -> StoreResult<Vec<VaccineGroupMemberRow>> {
    Ok(sqlx::query_as(
        "SELECT * FROM vaccine_group_members ORDER BY vaccine_group, CAST(cvx AS INTEGER)",
    )
    .fetch_all(store.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn code_sets_match_the_cdc_files_row_for_row() {
        let store = Store::open_in_memory().await.unwrap();
        assert_eq!(
            vaccines(&store).await.unwrap().len(),
            records(CVX_CSV).unwrap().len()
        );
        assert_eq!(
            manufacturers(&store).await.unwrap().len(),
            records(MVX_CSV).unwrap().len()
        );
        // CDC's product file lists PREVNAR 7 (CVX 100, WAL) twice, identically; it is stored once.
        let distinct_products: std::collections::HashSet<(String, String, String)> =
            records(PRODUCT_NAMES_CSV)
                .unwrap()
                .iter()
                .map(|r| (r[0].to_string(), r[2].to_string(), r[4].to_string()))
                .collect();
        assert_eq!(
            trade_names(&store).await.unwrap().len(),
            distinct_products.len()
        );
        let groups = vaccine_group_members(&store).await.unwrap();
        assert_eq!(groups.len(), records(VACCINE_GROUPS_CSV).unwrap().len());
    }

    #[tokio::test]
    async fn mmr_is_cvx_03_by_merck_in_the_mmr_group() {
        let store = Store::open_in_memory().await.unwrap();
        let mmr = vaccines(&store)
            .await
            .unwrap()
            .into_iter()
            .find(|v| v.cvx == "03")
            .unwrap();
        assert_eq!(mmr.short_description, "MMR");
        let merck = manufacturers(&store)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.mvx == "MSD")
            .unwrap();
        assert!(merck.name.contains("Merck"), "{}", merck.name);
        let groups = vaccine_group_members(&store).await.unwrap();
        assert!(groups
            .iter()
            .any(|g| g.cvx == "03" && g.vaccine_group == "MMR"));
        let dates: Vec<_> = vaccines(&store)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|v| v.last_updated)
            .collect();
        assert!(
            dates.iter().all(|d| d.len() == 10 && &d[4..5] == "-"),
            "last_updated is stored as ISO"
        );
    }
}
