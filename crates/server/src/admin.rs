//! The operator's commands that bootstrap a registry before anyone can sign in to it:
//! `create-organization` (a new enrolled organization, its county checked against the state's
//! real counties) and `create-user` (an account with a role, its temporary password emailed to
//! the user through the mail queue, never shown to the operator). Everything else about
//! accounts goes through the access-request workflow. Both write in one unit of work with the
//! change log, as the source `import` (no signed-in actor makes them), and are audited.

use anyhow::{bail, Context};
use shotbook_core::access_request::RequestType;
use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::contact::EmailAddress;
use shotbook_core::ids::{OrganizationId, UserId};
use shotbook_core::jurisdiction::Jurisdiction;
use shotbook_core::organization::OrganizationKind;
use shotbook_core::permission::Role;
use shotbook_core::places;
use shotbook_protocol::ChangeSource;
use shotbook_server_store::setup::{self, NewOrganization};
use shotbook_server_store::PgRegistry;
use shotbook_usecases::ports::{
    AccessReads, AccessWrites, AuditWrites, Mail, MailWrites, NewAccount,
};
use time::OffsetDateTime;

/// Where operator commands are audited from.
const OPERATOR: &str = "shotbook-server (operator)";

/// A new organization, as the operator typed it.
#[derive(Debug, Clone)]
pub struct OrganizationInput {
    /// Org code users type at sign-in.
    pub code: String,
    /// Name.
    pub name: String,
    /// `provider`, `school`, `child_care`, `health_department` or `registry`.
    pub kind: String,
    /// Two-letter state (MT, TX).
    pub state: String,
    /// County, as the state names it.
    pub county: String,
    /// City.
    pub city: String,
    /// VFC PIN, for VFC providers.
    pub vfc_pin: Option<String>,
}

/// Creates an organization; returns its id. Refuses an unknown kind, a state without a
/// registry profile, a county that is not one of the state's, and a code already taken.
pub async fn create_organization(
    registry: &PgRegistry,
    input: OrganizationInput,
    now: OffsetDateTime,
) -> anyhow::Result<OrganizationId> {
    let code = input.code.trim().to_uppercase();
    if code.is_empty() || code.len() > 20 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        bail!("--code: letters and digits, at most 20 (for example MT0420)");
    }
    if input.name.trim().is_empty() {
        bail!("--name: the organization's name");
    }
    let kind = OrganizationKind::from_code(input.kind.trim()).with_context(|| {
        format!(
            "--kind: one of {}",
            OrganizationKind::ALL.map(|k| k.code()).join(", ")
        )
    })?;
    let state = input.state.trim().to_uppercase();
    if Jurisdiction::of_state(&state).is_none() {
        bail!("--state: Shotbook has no registry profile for {state:?} (MT or TX)");
    }
    let county = places::counties(&state)
        .into_iter()
        .find(|c| c.eq_ignore_ascii_case(input.county.trim()))
        .with_context(|| format!("--county: {:?} is not a county of {state}", input.county))?;
    if registry.organization_by_code(&code).await?.is_some() {
        bail!("--code: {code} is taken");
    }
    let id = OrganizationId::new();
    let mut work = registry.begin_as(ChangeSource::Import, now).await?;
    setup::insert_organization(
        &mut work,
        &NewOrganization {
            id,
            code: code.clone(),
            name: input.name.trim().into(),
            kind: kind.code().into(),
            state,
            county: county.into(),
            city: input.city.trim().into(),
            vfc_pin: input
                .vfc_pin
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty()),
        },
    )
    .await?;
    work.audit(&AuditEvent {
        at: now,
        user_id: None,
        organization_id: Some(id),
        workstation: OPERATOR.into(),
        action: AuditAction::AccessChanged,
        client_id: None,
        detail: Some(format!("organization {code} created")),
    })
    .await?;
    work.commit().await?;
    Ok(id)
}

/// A new account, as the operator typed it.
#[derive(Debug, Clone)]
pub struct UserInput {
    /// The organization's code.
    pub organization_code: String,
    /// Username.
    pub username: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Where the temporary password is emailed.
    pub email: String,
    /// Role code (`registry_staff`, `provider_supervisor` …).
    pub role: String,
}

/// Creates an account with `role` at the organization; its temporary password (valid 24 h,
/// to be changed at the first sign-in) is queued for the user by mail in the same unit of
/// work and never returned. Returns the user's id.
pub async fn create_user(
    registry: &PgRegistry,
    input: UserInput,
    now: OffsetDateTime,
) -> anyhow::Result<UserId> {
    let organization = registry
        .organization_by_code(input.organization_code.trim())
        .await?
        .with_context(|| {
            format!(
                "--org: no organization has the code {:?}",
                input.organization_code
            )
        })?;
    let jurisdiction = Jurisdiction::of_state(&organization.state)
        .context("the organization's state has no registry profile")?;
    let role = Role::from_code(input.role.trim())
        .with_context(|| format!("--role: one of {}", Role::ALL.map(|r| r.code()).join(", ")))?;
    let username = input.username.trim().to_lowercase();
    if username.len() < 3
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        bail!("--username: at least 3 letters, digits, dots, dashes or underscores");
    }
    if registry.user_by_username(&username).await?.is_some() {
        bail!("--username: {username} is taken");
    }
    let email = EmailAddress::parse_field("email", &input.email)
        .map_err(|_| anyhow::anyhow!("--email: not an email address"))?;
    let (first_name, last_name) = (input.first_name.trim(), input.last_name.trim());
    if first_name.is_empty() || last_name.is_empty() {
        bail!("--first-name and --last-name are needed");
    }
    let temporary = shotbook_core::password::temporary_password();
    let hash = {
        let temporary = temporary.clone();
        tokio::task::spawn_blocking(move || shotbook_core::password::hash_password(&temporary))
            .await?
    };
    let user = UserId::new();
    let mut work = registry.begin_as(ChangeSource::Import, now).await?;
    work.create_account(&NewAccount {
        id: user,
        username: username.clone(),
        password_hash: hash,
        first_name: first_name.into(),
        last_name: last_name.into(),
        email: email.as_str().into(),
        phone: None,
    })
    .await?;
    work.set_role(user, organization.id, role, None).await?;
    work.queue_mail(&Mail::Approved {
        to: email.as_str().into(),
        first_name: first_name.into(),
        jurisdiction,
        number: "(created by the registry)".into(),
        request_type: RequestType::NewAccess,
        organization_code: organization.code.clone(),
        organization_name: organization.name.clone(),
        username: username.clone(),
        temporary_password: Some(temporary),
    })
    .await?;
    work.audit(&AuditEvent {
        at: now,
        user_id: Some(user),
        organization_id: Some(organization.id),
        workstation: OPERATOR.into(),
        action: AuditAction::AccessChanged,
        client_id: None,
        detail: Some(format!("account {username} created as {}", role.code())),
    })
    .await?;
    work.commit().await?;
    Ok(user)
}
