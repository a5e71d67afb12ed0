//! CDC's NDC tables (what a vial's barcode names) and Vaccine Information Statements, bundled
//! from `data/codes/` and loaded on first start, like the other code sets.

use anyhow::Context;
use shotbook_core::date::UsDate;

use crate::{Store, StoreResult};

const NDC_UNIT_USE: &str = include_str!("../../../data/codes/NDC_Unit_use.txt");
const NDC_UNIT_SALE: &str = include_str!("../../../data/codes/NDC_Unit_sale.txt");
const NDC_LINKER: &str = include_str!("../../../data/codes/NDC_Linker.txt");
const VIS_CSV: &str = include_str!("../../../data/codes/vis.csv");
const CVX_VIS_CSV: &str = include_str!("../../../data/codes/cvx-vis.csv");

/// A product of the NDC tables.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NdcProductRow {
    /// The 10 digits a GTIN carries.
    pub ndc10: String,
    /// 5-4-2 NDC with hyphens.
    pub ndc: String,
    /// use (vial/syringe) or sale (carton).
    pub unit: String,
    /// Proprietary name (e.g. "M-M-R II").
    pub trade_name: String,
    /// Labeler.
    pub labeler: String,
    /// Package, e.g. "VIAL, SINGLE-DOSE".
    pub package_description: Option<String>,
    /// CVX.
    pub cvx: String,
    /// CVX short description.
    pub vaccine: Option<String>,
    /// MVX.
    pub mvx: Option<String>,
    /// Manufacturer name.
    pub manufacturer: Option<String>,
}

/// A VIS edition with the CVX codes it covers.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VisDocumentRow {
    /// GS1 string printed on the VIS.
    pub encoded_string: String,
    /// Document name.
    pub document_name: String,
    /// ISO edition date.
    pub edition_date: String,
    /// Current / Historic.
    pub status: String,
    /// CVX codes covered, comma-separated.
    pub cvx_codes: Option<String>,
}

fn pipe_records(text: &str) -> anyhow::Result<Vec<csv::StringRecord>> {
    csv::ReaderBuilder::new()
        .delimiter(b'|')
        .has_headers(false)
        .flexible(true)
        .quoting(false)
        .from_reader(text.as_bytes())
        .records()
        .collect::<Result<Vec<_>, _>>()
        .context("reading a bundled CDC NDC table")
}

fn csv_records(text: &str) -> anyhow::Result<Vec<csv::StringRecord>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .collect::<Result<Vec<_>, _>>()
        .context("reading a bundled CDC VIS table")
}

fn iso_compact(yyyymmdd: &str) -> Option<String> {
    let s = yyyymmdd.trim();
    (s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{}-{}-{}", &s[0..4], &s[4..6], &s[6..8]))
}

fn blank_to_none(s: &str) -> Option<&str> {
    let t = s.trim();
    (!t.is_empty()).then_some(t)
}

/// Loads the NDC and VIS tables when they are empty (first start after this migration).
pub async fn load_bundled_if_missing(store: &Store) -> StoreResult<()> {
    let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM ndc_products")
        .fetch_one(store.pool())
        .await?;
    if count > 0 {
        return Ok(());
    }
    // MVX by (unit, id): the linker pairs a unit-of-sale id and a unit-of-use id with an MVX.
    let mut mvx_of_sale = std::collections::HashMap::new();
    let mut mvx_of_use = std::collections::HashMap::new();
    for r in pipe_records(NDC_LINKER)? {
        let mvx = r[3].trim().to_string();
        mvx_of_sale.insert(r[1].trim().to_string(), mvx.clone());
        mvx_of_use.insert(r[2].trim().to_string(), mvx);
    }
    let mut tx = store.begin().await?;
    // Unit of use: id, labeler, product, package, name, description, labeler name, start, end,
    // package, GTIN, CVX, CVX description, flag, NDC11, updated, GTIN.
    // Unit of sale: id, labeler, product, package, name, description, labeler name, start, end,
    // package, route, updated, CVX, CVX description, NDC11, GTIN.
    for (unit, text, cvx_col, package_col) in
        [("use", NDC_UNIT_USE, 11, 9), ("sale", NDC_UNIT_SALE, 12, 9)]
    {
        for r in pipe_records(text)? {
            let ndc10 = format!("{}{}{}", r[1].trim(), r[2].trim(), r[3].trim());
            let mvx = if unit == "use" {
                mvx_of_use.get(r[0].trim())
            } else {
                mvx_of_sale.get(r[0].trim())
            };
            sqlx::query(
                "INSERT OR IGNORE INTO ndc_products (ndc10, ndc, unit, trade_name, labeler, package_description, cvx, mvx, start_date, end_date)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&ndc10)
            .bind(r[14].trim())
            .bind(unit)
            .bind(r[4].trim())
            .bind(r[6].trim())
            .bind(blank_to_none(&r[package_col]))
            .bind(r[cvx_col].trim())
            .bind(mvx)
            .bind(iso_compact(&r[7]))
            .bind(iso_compact(&r[8]))
            .execute(&mut *tx)
            .await?;
        }
    }
    for r in csv_records(VIS_CSV)? {
        let edition = UsDate::parse(&r[1])
            .map(|d| d.iso())
            .with_context(|| format!("VIS edition date of {}", &r[2]))?;
        sqlx::query(
            "INSERT OR IGNORE INTO vis_documents (encoded_string, document_name, edition_date, status, gdti) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(r[2].trim())
        .bind(r[0].trim())
        .bind(edition)
        .bind(r[4].trim())
        .bind(blank_to_none(&r[3]))
        .execute(&mut *tx)
        .await?;
    }
    for r in csv_records(CVX_VIS_CSV)? {
        sqlx::query("INSERT OR IGNORE INTO vis_vaccines (cvx, encoded_string) VALUES (?, ?)")
            .bind(r[0].trim())
            .bind(r[2].trim())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Products whose NDC has these 10 digits (unit of use first).
pub async fn by_ndc10(store: &Store, ndc10: &str) -> StoreResult<Vec<NdcProductRow>> {
    Ok(sqlx::query_as(
        "SELECT p.ndc10, p.ndc, p.unit, p.trade_name, p.labeler, p.package_description, p.cvx,
                v.short_description AS vaccine, p.mvx, m.name AS manufacturer
         FROM ndc_products p
         LEFT JOIN vaccines v ON v.cvx = p.cvx
         LEFT JOIN manufacturers m ON m.mvx = p.mvx
         WHERE p.ndc10 = ?
         ORDER BY p.unit DESC",
    )
    .bind(ndc10)
    .fetch_all(store.pool())
    .await?)
}

/// Every VIS edition, current ones first, by name.
pub async fn vis_documents(store: &Store) -> StoreResult<Vec<VisDocumentRow>> {
    Ok(sqlx::query_as(
        "SELECT d.encoded_string, d.document_name, d.edition_date, d.status,
                (SELECT group_concat(x.cvx, ', ') FROM (SELECT cvx FROM vis_vaccines WHERE encoded_string = d.encoded_string
                 ORDER BY CAST(cvx AS INTEGER)) x) AS cvx_codes
         FROM vis_documents d
         ORDER BY d.status = 'Current' DESC, d.document_name COLLATE NOCASE, d.edition_date DESC",
    )
    .fetch_all(store.pool())
    .await?)
}

/// The current VIS editions covering `cvx` (usually one; combination vaccines have several).
pub async fn current_vis_for(store: &Store, cvx: &str) -> StoreResult<Vec<VisDocumentRow>> {
    Ok(sqlx::query_as(
        "SELECT d.encoded_string, d.document_name, d.edition_date, d.status, NULL AS cvx_codes
         FROM vis_vaccines x JOIN vis_documents d ON d.encoded_string = x.encoded_string
         WHERE x.cvx = ? AND d.status = 'Current'
         ORDER BY d.document_name",
    )
    .bind(cvx)
    .fetch_all(store.pool())
    .await?)
}

/// The VIS edition with this GS1 string.
pub async fn vis_document(store: &Store, encoded: &str) -> StoreResult<Option<VisDocumentRow>> {
    Ok(sqlx::query_as(
        "SELECT encoded_string, document_name, edition_date, status, NULL AS cvx_codes
         FROM vis_documents WHERE encoded_string = ?",
    )
    .bind(encoded)
    .fetch_optional(store.pool())
    .await?)
}

/// A CVX with its status and vaccine groups (what the entry rules look at).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VaccineFactsRow {
    /// CVX.
    pub cvx: String,
    /// Short description.
    pub short_description: String,
    /// Active / Inactive / Non-US / Never Active.
    pub status: String,
    /// Vaccine groups, comma-separated.
    pub groups: Option<String>,
}

/// The CVX's row with its groups, when CDC lists it.
pub async fn vaccine(store: &Store, cvx: &str) -> StoreResult<Option<VaccineFactsRow>> {
    Ok(sqlx::query_as(
        "SELECT v.cvx, v.short_description, v.status,
                (SELECT group_concat(g.vaccine_group, ',') FROM vaccine_group_members g WHERE g.cvx = v.cvx) AS groups
         FROM vaccines v WHERE v.cvx = ?",
    )
    .bind(cvx)
    .fetch_optional(store.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_ndc_row_is_loaded_and_the_mmr_vial_resolves_to_cvx_03_by_merck() {
        let store = Store::open_in_memory().await.unwrap();
        let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM ndc_products")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let rows =
            pipe_records(NDC_UNIT_USE).unwrap().len() + pipe_records(NDC_UNIT_SALE).unwrap().len();
        // A few NDCs appear in both tables with the same digits; each (digits, unit) is kept once.
        assert!(
            n as usize <= rows && n as usize > rows - 20,
            "{n} of {rows}"
        );
        let mmr = by_ndc10(&store, "0006468101").await.unwrap();
        assert_eq!(mmr[0].ndc, "00006-4681-01");
        assert_eq!(mmr[0].cvx, "03");
        assert_eq!(mmr[0].mvx.as_deref(), Some("MSD"));
        assert_eq!(mmr[0].trade_name, "M-M-R II");
    }

    #[tokio::test]
    async fn the_current_mmr_vis_is_found_and_every_edition_is_listed() {
        let store = Store::open_in_memory().await.unwrap();
        let docs = vis_documents(&store).await.unwrap();
        assert_eq!(docs.len(), csv_records(VIS_CSV).unwrap().len());
        let mmr = current_vis_for(&store, "03").await.unwrap();
        assert!(!mmr.is_empty());
        assert!(mmr.iter().all(|d| d.status == "Current"));
        assert!(mmr[0].encoded_string.starts_with("2530886983"), "{mmr:?}");
    }
}
