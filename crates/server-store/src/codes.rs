//! CDC's code sets the ports read (CVX, MVX, product names, CVX → vaccine group, VIS editions
//! and the CVX each covers), from the same bundled files in `data/codes/` the workstation
//! loads (see `data/codes/SOURCE.md`), one statement per table.
//!
//! CDC's NDC tables are not loaded yet: no port reads them (the barcode lookup is a screen read
//! model that moves to the server with the desktop-facing API).

use anyhow::Context;
use shotbook_core::date::UsDate;
use time::Date;

use crate::{PgRegistry, ServerStoreResult};

const CVX_CSV: &str = include_str!("../../../data/codes/cvx.csv");
const MVX_CSV: &str = include_str!("../../../data/codes/mvx.csv");
const PRODUCT_NAMES_CSV: &str = include_str!("../../../data/codes/product-names.csv");
const VACCINE_GROUPS_CSV: &str = include_str!("../../../data/codes/cvx-vaccine-group.csv");
const VIS_CSV: &str = include_str!("../../../data/codes/vis.csv");
const CVX_VIS_CSV: &str = include_str!("../../../data/codes/cvx-vis.csv");

fn records(csv_text: &str) -> anyhow::Result<Vec<csv::StringRecord>> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .collect::<Result<Vec<_>, _>>()
        .context("reading a bundled CDC code set")
}

/// Column `i` of every record, trimmed.
fn column(rows: &[csv::StringRecord], i: usize) -> Vec<String> {
    rows.iter().map(|r| r[i].trim().to_string()).collect()
}

/// Column `i`, blank as NULL.
fn optional_column(rows: &[csv::StringRecord], i: usize) -> Vec<Option<String>> {
    rows.iter()
        .map(|r| Some(r[i].trim().to_string()).filter(|s| !s.is_empty()))
        .collect()
}

/// Column `i` as MM/DD/YYYY dates, unreadable as NULL (CDC leaves some blank).
fn date_column(rows: &[csv::StringRecord], i: usize) -> Vec<Option<Date>> {
    rows.iter()
        .map(|r| UsDate::parse(&r[i]).ok().map(|d| d.date()))
        .collect()
}

/// Loads the code sets into an empty registry (a registry that has them keeps them: a CDC
/// refresh is a migration of its own).
pub async fn load_bundled_if_missing(registry: &PgRegistry) -> ServerStoreResult<()> {
    let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM vaccines")
        .fetch_one(registry.pool())
        .await?;
    if count > 0 {
        return Ok(());
    }
    let mut tx = registry.pool().begin().await?;

    let cvx = records(CVX_CSV)?;
    sqlx::query(
        "INSERT INTO vaccines (cvx, short_description, full_name, notes, status, last_updated)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[])",
    )
    .bind(column(&cvx, 0))
    .bind(column(&cvx, 1))
    .bind(column(&cvx, 2))
    .bind(optional_column(&cvx, 3))
    .bind(column(&cvx, 4))
    .bind(date_column(&cvx, 5))
    .execute(&mut *tx)
    .await?;

    let mvx = records(MVX_CSV)?;
    sqlx::query(
        "INSERT INTO manufacturers (mvx, name, notes, status, last_updated)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[])",
    )
    .bind(column(&mvx, 0))
    .bind(column(&mvx, 1))
    .bind(optional_column(&mvx, 2))
    .bind(column(&mvx, 3))
    .bind(date_column(&mvx, 4))
    .execute(&mut *tx)
    .await?;

    let products = records(PRODUCT_NAMES_CSV)?;
    sqlx::query(
        "INSERT INTO trade_names (product_name, short_description, cvx, manufacturer, mvx, mvx_status,
                                  product_status, last_updated)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                              $7::text[], $8::date[])
         ON CONFLICT DO NOTHING",
    )
    .bind(column(&products, 0))
    .bind(column(&products, 1))
    .bind(column(&products, 2))
    .bind(column(&products, 3))
    .bind(column(&products, 4))
    .bind(column(&products, 5))
    .bind(column(&products, 6))
    .bind(date_column(&products, 7))
    .execute(&mut *tx)
    .await?;

    let groups = records(VACCINE_GROUPS_CSV)?;
    sqlx::query(
        "INSERT INTO vaccine_group_members (cvx, vaccine_group, group_cvx, short_description, status)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
         ON CONFLICT DO NOTHING",
    )
    .bind(column(&groups, 1))
    .bind(column(&groups, 3))
    .bind(column(&groups, 4))
    .bind(column(&groups, 0))
    .bind(column(&groups, 2))
    .execute(&mut *tx)
    .await?;

    let vis = records(VIS_CSV)?;
    let editions = vis
        .iter()
        .map(|r| {
            UsDate::parse(&r[1])
                .map(|d| d.date())
                .map_err(|_| anyhow::anyhow!("VIS edition date of {}", &r[2]))
        })
        .collect::<anyhow::Result<Vec<Date>>>()?;
    sqlx::query(
        "INSERT INTO vis_documents (encoded_string, document_name, edition_date, status, gdti)
         SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::text[])
         ON CONFLICT DO NOTHING",
    )
    .bind(column(&vis, 2))
    .bind(column(&vis, 0))
    .bind(editions)
    .bind(column(&vis, 4))
    .bind(optional_column(&vis, 3))
    .execute(&mut *tx)
    .await?;

    let covered = records(CVX_VIS_CSV)?;
    sqlx::query(
        "INSERT INTO vis_vaccines (cvx, encoded_string)
         SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
    )
    .bind(column(&covered, 0))
    .bind(column(&covered, 2))
    .execute(&mut *tx)
    .await?;

    tx.commit().await?;
    Ok(())
}
