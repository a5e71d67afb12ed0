//! Scope: may the actor act on *that* organization? A role's permissions reach its
//! organization, its sub-state area's counties or its state
//! ([`shotbook_core::organization::Reach`]).

use shotbook_core::error::ValidationError;
use shotbook_core::ids::OrganizationId;
use shotbook_core::organization::Reach;
use shotbook_core::permission::{Permission, Scope};

use crate::ports::{AccessReads, OrganizationFacts};
use crate::{Actor, UseCaseError, UseCaseResult};

/// The reach of the actor's role, anchored at their organization.
pub async fn reach_of<R: AccessReads>(registry: &R, actor: &Actor) -> UseCaseResult<Reach> {
    let home = registry.organization(actor.organization_id).await?;
    let scope = actor.role.scope();
    let area_counties = if scope == Scope::Area {
        registry.service_counties(actor.organization_id).await?
    } else {
        Vec::new()
    };
    Ok(Reach {
        scope,
        home: home.place(),
        area_counties,
    })
}

/// The organization `target`, refused as `Forbidden { permission }` when out of the actor's
/// reach.
pub async fn require_in_scope<R: AccessReads>(
    registry: &R,
    actor: &Actor,
    permission: Permission,
    target: OrganizationId,
) -> UseCaseResult<OrganizationFacts> {
    let organization = registry.organization(target).await?;
    if !reach_of(registry, actor)
        .await?
        .covers(&organization.place())
    {
        return Err(UseCaseError::Forbidden {
            permission: permission.code(),
        });
    }
    Ok(organization)
}

/// The organization named by `code` (field `organizationCode`), or the actor's when empty.
pub async fn target_organization<R: AccessReads>(
    registry: &R,
    actor: &Actor,
    code: &str,
) -> UseCaseResult<OrganizationId> {
    if code.trim().is_empty() {
        return Ok(actor.organization_id);
    }
    match registry.organization_by_code(code).await? {
        Some(org) => Ok(org.id),
        None => Err(
            ValidationError::single("organizationCode", "No organization has this code.").into(),
        ),
    }
}
