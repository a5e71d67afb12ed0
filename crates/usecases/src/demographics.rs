//! A client's demographics and consent: adding a client, recording consent (granted, not
//! granted, withdrawn) and changing the entries of the Demographics screen. Every change is
//! checked against the consent rule ([`crate::access`]) and audited in its unit of work.

use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::clock::Clock;
use shotbook_core::consent::{consent_entry_issues, ClientAccess, ConsentStatus};
use shotbook_core::demographics::{ConsentEntry, DemographicsEdit, NewClientEntry};
use shotbook_core::error::ValidationError;
use shotbook_core::ids::ClientId;
use shotbook_core::permission::Permission;
use time::OffsetDateTime;

use crate::access::{access_of, access_to};
use crate::ports::{AuditWrites, DemographicsWrites, NewClientRecord, Registry, UnitOfWork};
use crate::{need, Actor, Permit, UseCaseError, UseCaseResult};

fn event(
    at: OffsetDateTime,
    actor: &Actor,
    action: AuditAction,
    client: ClientId,
    detail: String,
) -> AuditEvent {
    actor.audit_event(at, action, Some(client), Some(detail))
}

fn consent_detail(entry: &ConsentEntry) -> String {
    format!("consent {} ({})", entry.status.code(), entry.method.code())
}

/// Opens a client's demographics: what the actor may see of the client by the consent rule, the
/// read audited (`view_client`, "demographics", or "demographics, identification only: …" with
/// the restriction) in its own unit of work. The host shows what the answer allows.
pub async fn open<R: Registry>(
    registry: &R,
    permit: &Permit<need::ViewClient>,
    clock: &dyn Clock,
    client: ClientId,
) -> UseCaseResult<ClientAccess> {
    let actor = permit.actor();
    let access = crate::clients::denied_audited(
        registry,
        actor,
        clock,
        client,
        crate::access::require_in_reach(registry, actor, client, clock.today()).await,
    )
    .await?;
    let detail = match access.restriction {
        Some(r) => format!("demographics, identification only: {}", r.code()),
        None => "demographics".into(),
    };
    let now = clock.now();
    let mut work = registry.begin(actor.origin(), now).await?;
    work.audit(&event(now, actor, AuditAction::ViewClient, client, detail))
        .await?;
    work.commit().await?;
    Ok(access)
}

/// Records a consent entry (granted, not granted or withdrawn). It takes effect at once: the
/// next read by another organization is restricted. Allowed to every role with
/// [`Permission::UpdateConsent`], Montana's "Read Only with Consent" included, even on a record
/// they see at identification level only (that is how consent gets recorded). Audited with the
/// new status. Returns what the actor may now see of the client (granting may have opened the
/// record, withdrawing closed it).
pub async fn record_consent<R: Registry>(
    registry: &R,
    permit: &Permit<need::UpdateConsent>,
    clock: &dyn Clock,
    client: ClientId,
    entry: &ConsentEntry,
) -> UseCaseResult<ClientAccess> {
    let actor = permit.actor();
    let facts = registry.client_facts(client).await?;
    facts.ensure_not_merged()?;
    let access = access_of(actor, &facts, clock.today());
    if !access.may_update_consent {
        return Err(UseCaseError::Forbidden {
            permission: Permission::UpdateConsent.code(),
        });
    }
    let issues = consent_entry_issues(
        &access,
        entry.status,
        entry.method,
        entry.given_by.as_deref(),
        "",
    );
    if !issues.is_empty() {
        return Err(UseCaseError::Invalid(ValidationError { issues }));
    }
    // A grant from outside the client's organizations reopens the record: its home
    // organization is told, in its own audit trail.
    let tell_home = (!access.is_full() && entry.status == ConsentStatus::Granted)
        .then(|| facts.organizations.first().copied())
        .flatten()
        .filter(|home| *home != actor.organization_id);
    let now = clock.now();
    let mut work = registry.begin(actor.origin(), now).await?;
    work.record_consent(client, entry, actor.user_id, actor.organization_id)
        .await?;
    work.audit(&event(
        now,
        actor,
        AuditAction::UpdateConsent,
        client,
        consent_detail(entry),
    ))
    .await?;
    if let Some(home) = tell_home {
        let mut notice = event(
            now,
            actor,
            AuditAction::ConsentGrantedElsewhere,
            client,
            format!(
                "consent granted by organization {} from a written form",
                actor.organization_id
            ),
        );
        notice.organization_id = Some(home);
        work.audit(&notice).await?;
    }
    work.commit().await?;
    access_to(registry, actor, client, clock.today()).await
}

/// A change made: what the actor may see of the client now, and the new entry's id when the
/// change added one (an AKA, responsible person, comment or note).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    /// The consent rule's answer for the actor.
    pub access: ClientAccess,
    /// The id of the entry added.
    pub entry: Option<String>,
}

/// Changes one part of a client's demographics (personal information, address, AKA,
/// responsible person, organization status, comment, note, or voids an entry). Needs the whole
/// record under the consent rule. Audited (`update_client`, naming the part) in the same unit
/// of work; a refused change stores nothing.
pub async fn change<R: Registry>(
    registry: &R,
    permit: &Permit<need::EditDemographics>,
    clock: &dyn Clock,
    client: ClientId,
    edit: &DemographicsEdit,
) -> UseCaseResult<Changed> {
    let actor = permit.actor();
    let facts = registry.client_facts(client).await?;
    facts.ensure_not_merged()?;
    let access = access_of(actor, &facts, clock.today());
    if !access.may_edit_demographics {
        return Err(match access.restriction {
            Some(r) => UseCaseError::ConsentRestricted(r),
            None => UseCaseError::Forbidden {
                permission: Permission::EditDemographics.code(),
            },
        });
    }
    // Checks and reads before the unit of work takes the write lock.
    let organization = match edit {
        DemographicsEdit::Address { moved_on, .. } if moved_on.date() > clock.today() => {
            return Err(ValidationError::single(
                "movedOn",
                format!("{moved_on} is in the future."),
            )
            .into());
        }
        DemographicsEdit::Void { reason, .. } if reason.trim().is_empty() => {
            return Err(ValidationError::single("reason", "Say why it is voided.").into());
        }
        DemographicsEdit::OrganizationStatus {
            organization_code, ..
        } => {
            let organization = registry
                .organization_id_by_code(organization_code)
                .await?
                .ok_or_else(|| {
                    ValidationError::single(
                        "organizationCode",
                        "Choose an organization from the list.",
                    )
                })?;
            // A relationship is the organization's own statement about its patient: a clinic
            // sets its own (a sub-state or state role, those it reaches), never a third
            // organization's — which would hand that organization the record.
            crate::scope::require_in_scope(
                registry,
                actor,
                Permission::EditDemographics,
                organization,
            )
            .await?;
            Some(organization)
        }
        _ => None,
    };
    let now = clock.now();
    let mut work = registry.begin(actor.origin(), now).await?;
    let entry = match edit {
        DemographicsEdit::Personal(personal) => {
            work.update_personal(client, personal).await?;
            None
        }
        DemographicsEdit::Address { address, moved_on } => {
            work.move_address(client, address, moved_on.date()).await?;
            None
        }
        DemographicsEdit::Aka(aka) => Some(work.add_aka(client, aka).await?),
        DemographicsEdit::ResponsiblePerson { person, primary } => Some(
            work.add_responsible_person(client, person, *primary)
                .await?,
        ),
        DemographicsEdit::OrganizationStatus {
            status, status_on, ..
        } => {
            let organization = organization.ok_or(UseCaseError::NotFound("organization"))?;
            work.set_membership(client, organization, status, status_on.date())
                .await?;
            None
        }
        DemographicsEdit::Comment(comment) => Some(
            work.add_comment(client, comment, actor.user_id, actor.organization_id)
                .await?,
        ),
        DemographicsEdit::Note(text) => Some(
            work.add_note(client, text, actor.user_id, actor.organization_id)
                .await?,
        ),
        DemographicsEdit::Void { entry, id, reason } => {
            work.void_entry(client, *entry, id, reason.trim()).await?;
            None
        }
    };
    work.audit(&event(
        now,
        actor,
        AuditAction::UpdateClient,
        client,
        edit.what().into(),
    ))
    .await?;
    work.commit().await?;
    Ok(Changed { access, entry })
}

/// A record that may be the person being added, found by the host's duplicate search.
#[derive(Debug, Clone, PartialEq)]
pub struct PossibleDuplicate {
    /// The record.
    pub client: ClientId,
    /// How alike they are.
    pub score: f64,
    /// Why, in words ("same date of birth").
    pub reasons: Vec<String>,
}

/// How adding a client went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddedClient {
    /// Added.
    Added {
        /// The new client.
        client: ClientId,
        /// Their registry client number.
        registry_id: String,
    },
    /// Nothing added: records that may be this person exist and the user has not confirmed a
    /// new person. Showing them is audited as a search.
    LikelyMatches,
}

/// Adds a client. When `possible_duplicates` (the host's Smart search, run first) is not empty
/// and the user has not confirmed a new person, nothing is added: the matches are audited as
/// shown and [`AddedClient::LikelyMatches`] comes back. Otherwise the client is added with the
/// actor's organization as home, the guardian as primary responsible person, consent recorded
/// in the history from the start, and the matches sent to the duplicates queue; audited
/// (`add_client` and `update_consent`) in the same unit of work.
pub async fn add_client<R: Registry>(
    registry: &R,
    permit: &Permit<need::EditDemographics>,
    clock: &dyn Clock,
    entry: &NewClientEntry,
    possible_duplicates: &[PossibleDuplicate],
    confirmed_new_person: bool,
) -> UseCaseResult<AddedClient> {
    let actor = permit.actor();
    let now = clock.now();
    let mut work = registry.begin(actor.origin(), now).await?;
    if !possible_duplicates.is_empty() && !confirmed_new_person {
        for m in possible_duplicates {
            work.audit(&event(
                now,
                actor,
                AuditAction::SearchClients,
                m.client,
                "duplicate check".into(),
            ))
            .await?;
        }
        work.commit().await?;
        return Ok(AddedClient::LikelyMatches);
    }
    let client = ClientId::new();
    let registry_id = work
        .insert_client(&NewClientRecord {
            id: client,
            personal: entry.personal.clone(),
            address: entry.address.clone(),
            consent: entry.consent.status,
            home_organization: actor.organization_id,
        })
        .await?;
    if let Some(guardian) = &entry.guardian {
        work.add_responsible_person(client, guardian, true).await?;
    }
    work.record_consent(client, &entry.consent, actor.user_id, actor.organization_id)
        .await?;
    for m in possible_duplicates {
        work.record_possible_duplicate(client, m.client, m.score, &m.reasons.join(", "))
            .await?;
    }
    work.audit(&event(
        now,
        actor,
        AuditAction::AddClient,
        client,
        format!(
            "registry id {registry_id}; {} possible duplicate(s) confirmed as a new person",
            possible_duplicates.len()
        ),
    ))
    .await?;
    work.audit(&event(
        now,
        actor,
        AuditAction::UpdateConsent,
        client,
        consent_detail(&entry.consent),
    ))
    .await?;
    work.commit().await?;
    Ok(AddedClient::Added {
        client,
        registry_id,
    })
}
