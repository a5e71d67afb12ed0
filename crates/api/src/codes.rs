//! Admin Support: the CDC code tables (read-only for every signed-in user).

use std::collections::BTreeMap;

use shotbook_core::permission::Permission;
use shotbook_store::codes;

use crate::convert::us_date_opt;
use crate::dto::{Manufacturer, TradeName, VaccineCode, VaccineGroup, VaccineGroupMember};
use crate::error::AppResult;
use crate::AppContext;

/// CVX codes.
pub async fn list_vaccines(ctx: &AppContext) -> AppResult<Vec<VaccineCode>> {
    ctx.require(Permission::ViewSupportTables).await?;
    Ok(codes::vaccines(ctx.store())
        .await?
        .into_iter()
        .map(|v| VaccineCode {
            cvx: v.cvx,
            short_description: v.short_description,
            full_name: v.full_name,
            notes: v.notes,
            status: v.status,
            last_updated: us_date_opt(v.last_updated),
        })
        .collect())
}

/// MVX codes.
pub async fn list_manufacturers(ctx: &AppContext) -> AppResult<Vec<Manufacturer>> {
    ctx.require(Permission::ViewSupportTables).await?;
    Ok(codes::manufacturers(ctx.store())
        .await?
        .into_iter()
        .map(|m| Manufacturer {
            mvx: m.mvx,
            name: m.name,
            notes: m.notes,
            status: m.status,
            last_updated: us_date_opt(m.last_updated),
        })
        .collect())
}

/// Products (trade names).
pub async fn list_trade_names(ctx: &AppContext) -> AppResult<Vec<TradeName>> {
    ctx.require(Permission::ViewSupportTables).await?;
    Ok(codes::trade_names(ctx.store())
        .await?
        .into_iter()
        .map(|t| TradeName {
            product_name: t.product_name,
            short_description: t.short_description,
            cvx: t.cvx,
            manufacturer: t.manufacturer,
            mvx: t.mvx,
            status: t.product_status,
            last_updated: us_date_opt(t.last_updated),
        })
        .collect())
}

/// Vaccine groups with their CVX codes.
pub async fn list_vaccine_groups(ctx: &AppContext) -> AppResult<Vec<VaccineGroup>> {
    ctx.require(Permission::ViewSupportTables).await?;
    let mut groups: BTreeMap<String, VaccineGroup> = BTreeMap::new();
    for m in codes::vaccine_group_members(ctx.store()).await? {
        groups
            .entry(m.vaccine_group.clone())
            .or_insert_with(|| VaccineGroup {
                name: m.vaccine_group.clone(),
                group_cvx: m.group_cvx.clone(),
                members: Vec::new(),
            })
            .members
            .push(VaccineGroupMember {
                cvx: m.cvx,
                short_description: m.short_description,
                status: m.status,
            });
    }
    Ok(groups.into_values().collect())
}
