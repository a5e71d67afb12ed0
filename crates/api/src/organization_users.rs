//! Supervisors manage their organization's users: who has access, in which role, their status
//! and last sign-in; ending a departed employee's access at once. Permission
//! `ManageOrganizationUsers`, scoped (a provider supervisor: their organization; regional
//! staff: their area; state staff: the state).

use shotbook_core::date::UsDate;
use shotbook_core::permission::{Permission, Role};
use shotbook_store::memberships;
use shotbook_store::organizations::{self, OrganizationRow};
use shotbook_usecases::access_requests as usecases;
use shotbook_usecases::need;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::access_requests::{organization_info, target_organization};
use crate::dto::{
    EndUserAccessRequest, OrganizationInfo, OrganizationUser, OrganizationUsers,
    OrganizationUsersRequest,
};
use crate::error::{AppError, AppResult};
use crate::scope::{place_of, reach_of, require_in_scope};
use crate::AppContext;

/// The users of an organization (the session's when no code is given).
pub async fn list_organization_users(
    ctx: &AppContext,
    request: OrganizationUsersRequest,
) -> AppResult<OrganizationUsers> {
    let target = target_organization(ctx, &request.organization_code).await?;
    let (_, session, org) =
        require_in_scope(ctx, Permission::ManageOrganizationUsers, target).await?;
    users_of(ctx, &org, &session.user_id.to_string()).await
}

async fn users_of(
    ctx: &AppContext,
    org: &OrganizationRow,
    me: &str,
) -> AppResult<OrganizationUsers> {
    let id = org.id.parse().map_err(AppError::internal)?;
    let today = ctx.clock().today();
    let users = memberships::organization_users(ctx.store(), id)
        .await?
        .into_iter()
        .map(|u| {
            let end = u
                .access_end_date
                .as_deref()
                .and_then(|d| UsDate::parse(d).ok());
            let status = if end.is_some_and(|e| e.date() <= today) {
                "ended"
            } else if !u.active {
                "inactive"
            } else if u.locked_at.is_some() {
                "locked"
            } else if end.is_some() {
                "ending"
            } else {
                "active"
            };
            OrganizationUser {
                name: format!("{} {}", u.first_name, u.last_name),
                email: u.email,
                role_title: Role::from_code(&u.role)
                    .map_or(u.role.clone(), |r| r.title().to_string()),
                role: u.role,
                status: status.into(),
                last_sign_in: u
                    .last_sign_in_at
                    .as_deref()
                    .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
                    .map(|t| UsDate::from_date(t.date()).to_string()),
                access_end_date: end.map(|d| d.to_string()),
                is_me: u.user_id == me,
                username: u.username,
            }
        })
        .collect();
    Ok(OrganizationUsers {
        organization_code: org.code.clone(),
        organization_name: org.name.clone(),
        users,
    })
}

/// Ends a user's access at the organization today (a departed employee), with a reason for
/// the audit log. The account and its history stay; other organizations are not touched. A
/// supervisor cannot end their own access.
pub async fn end_user_access(
    ctx: &AppContext,
    request: EndUserAccessRequest,
) -> AppResult<OrganizationUsers> {
    let (permit, session) = ctx.permit::<need::ManageOrganizationUsers>().await?;
    let org = usecases::end_user_access(
        ctx.store(),
        &permit,
        ctx.clock(),
        &request.organization_code,
        &request.username,
        &request.reason,
    )
    .await?;
    tracing::info!(organization = %org.id, "access ended by supervisor");
    let row = organizations::get(ctx.store(), org.id).await?;
    users_of(ctx, &row, &session.user_id.to_string()).await
}

/// The organizations within the signed-in role's reach (its own; its area's; its state's),
/// with locations: what the organization pickers of supervisors and staff offer.
pub async fn list_organizations(ctx: &AppContext) -> AppResult<Vec<OrganizationInfo>> {
    let (_, session) = ctx.require(Permission::ManageOwnAccount).await?;
    let reach = reach_of(ctx, &session).await?;
    let mut out = Vec::new();
    for org in organizations::all(ctx.store()).await? {
        if reach.covers(&place_of(&org)?) {
            out.push(organization_info(ctx, &org).await?);
        }
    }
    Ok(out)
}
