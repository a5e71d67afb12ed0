//! Scope checks: may the signed-in role act on *that* organization? A role's permissions apply
//! to its organization, its sub-state area or its state (see
//! [`shotbook_core::organization::Reach`]). Commands that act on an organization other than
//! the session's call [`require_in_scope`] instead of [`AppContext::require`].

use shotbook_core::ids::OrganizationId;
use shotbook_core::organization::{Place, Reach};
use shotbook_core::permission::{Permission, Scope};
use shotbook_core::session::{Grant, Session};
use shotbook_store::organizations::{self, OrganizationRow};

use crate::error::{AppError, AppResult};
use crate::AppContext;

/// Checks `permission` like [`AppContext::require`], then that `target` is within the role's
/// reach. Out of reach is refused as [`AppError::Forbidden`] (and logged with ids only).
pub async fn require_in_scope(
    ctx: &AppContext,
    permission: Permission,
    target: OrganizationId,
) -> AppResult<(Grant, Session, OrganizationRow)> {
    let (grant, session) = ctx.require(permission).await?;
    let row = organizations::get(ctx.store(), target).await?;
    let reach = reach_of(ctx, &session).await?;
    if !reach.covers(&place_of(&row)?) {
        tracing::info!(user = %session.user_id, organization = %target, permission = permission.code(), "refused: organization out of scope");
        return Err(AppError::Forbidden {
            permission: permission.code().to_string(),
        });
    }
    Ok((grant, session, row))
}

/// The reach of the session's role.
pub async fn reach_of(ctx: &AppContext, session: &Session) -> AppResult<Reach> {
    let home = organizations::get(ctx.store(), session.organization_id).await?;
    let scope = session.role.scope();
    let area_counties = if scope == Scope::Area {
        organizations::service_counties(ctx.store(), session.organization_id).await?
    } else {
        Vec::new()
    };
    Ok(Reach {
        scope,
        home: place_of(&home)?,
        area_counties,
    })
}

/// Where a stored organization is.
pub fn place_of(row: &OrganizationRow) -> AppResult<Place> {
    Ok(Place {
        organization_id: row.id.parse().map_err(AppError::internal)?,
        state: row.state.clone(),
        county: row.county.clone(),
        registry: row.kind == shotbook_core::organization::OrganizationKind::Registry.code(),
    })
}
