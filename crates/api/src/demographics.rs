//! The Demographics screen (personal information, consent, AKAs, organizations, addresses,
//! responsible persons, comments, notes) and adding a client, which runs Smart search first.

use shotbook_core::audit::AuditAction;
use shotbook_core::demographics::{
    self as dem, Address, AddressInput, Aka, AkaInput, Comment, CommentInput, ConsentEntry,
    ConsentInput, Personal, PersonalInput, ResponsiblePerson, ResponsiblePersonInput,
};
use shotbook_core::error::{Issue, IssueCollector};
use shotbook_core::ids::{ClientId, OrganizationId};
use shotbook_core::permission::Permission;
use shotbook_core::ValidationError;
use shotbook_store::clients::{self, NewClient};
use shotbook_store::demographics::{self as store, Voidable};
use shotbook_store::{audit, organizations};

use crate::clients::us_date;
use crate::consent::{access_to, audit_client, parse_client_id, record_access};
use crate::dto::{
    AddClientOutcome, AddClientRequest, AddressEntry, AddressFields, AkaEntry,
    ChangeDemographicsRequest, ClientDemographics, ClientOrganizationEntry, CodeName,
    CommentCodeEntry, CommentEntry, DemographicCodes, DemographicsChange, GetClientRequest,
    NoteEntry, PersonalFields, ResponsiblePersonEntry, ResponsiblePersonFields, StateCounties,
};
use crate::error::{AppError, AppResult};
use crate::AppContext;

/// The code lists of the demographics forms (states, Montana and Texas counties, CDC race and
/// ethnicity, languages, countries, relationships, statuses, comment codes, organizations).
pub async fn demographic_codes(ctx: &AppContext) -> AppResult<DemographicCodes> {
    ctx.require(Permission::ViewClient)?;
    let pairs = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(code, name)| CodeName {
                code: (*code).into(),
                name: (*name).into(),
            })
            .collect::<Vec<_>>()
    };
    let organizations = organizations::all(ctx.store())
        .await?
        .into_iter()
        .filter(|o| o.kind != "registry")
        .map(|o| CodeName {
            code: o.code,
            name: o.name,
        })
        .collect();
    Ok(DemographicCodes {
        states: pairs(dem::US_STATES),
        counties: ["MT", "TX"]
            .into_iter()
            .map(|s| StateCounties {
                state: s.into(),
                counties: dem::counties(s).into_iter().map(Into::into).collect(),
            })
            .collect(),
        races: pairs(dem::RACES),
        ethnicities: pairs(dem::ETHNICITIES),
        languages: pairs(dem::LANGUAGES),
        countries: pairs(dem::COUNTRIES),
        relationships: dem::RELATIONSHIPS.iter().map(|r| (*r).into()).collect(),
        provider_client_statuses: dem::PROVIDER_CLIENT_STATUSES
            .iter()
            .map(|r| (*r).into())
            .collect(),
        comment_codes: dem::COMMENT_CODES
            .iter()
            .map(|c| CommentCodeEntry {
                code: c.code.into(),
                category: c.category.into(),
                label: c.label.into(),
            })
            .collect(),
        organizations,
    })
}

/// Everything the Demographics screen shows, as far as the consent rule allows. Audited as a
/// read of the record.
pub async fn get_demographics(
    ctx: &AppContext,
    request: GetClientRequest,
) -> AppResult<ClientDemographics> {
    let (grant, session) = ctx.require(Permission::ViewClient)?;
    let id = parse_client_id(&request.client_id)?;
    let access = access_to(ctx, &session, id).await?;
    audit_client(
        ctx,
        &grant,
        AuditAction::ViewClient,
        id,
        Some(match access.restriction {
            Some(r) => format!("demographics, identification only: {}", r.code()),
            None => "demographics".into(),
        }),
    )
    .await?;
    demographics_of(ctx, id, &access).await
}

async fn demographics_of(
    ctx: &AppContext,
    id: ClientId,
    access: &shotbook_core::consent::ClientAccess,
) -> AppResult<ClientDemographics> {
    let r = clients::get(ctx.store(), id).await?;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let full = access.is_full();
    let mut personal = PersonalFields {
        first_name: r.first_name.clone(),
        middle_name: opt(&r.middle_name),
        last_name: r.last_name.clone(),
        suffix: opt(&r.suffix),
        date_of_birth: us_date(&r.date_of_birth),
        gender: r.gender.clone(),
        ..Default::default()
    };
    let mut address = AddressFields::default();
    let consent_history = crate::consent::consent_history_for(ctx, id, access).await?;
    let mut out = ClientDemographics {
        client_id: r.id.clone(),
        registry_id: r.registry_id.clone(),
        access: record_access(access),
        personal: personal.clone(),
        address: address.clone(),
        consent_status: r.consent_status.clone(),
        consent_history,
        akas: Vec::new(),
        organizations: Vec::new(),
        address_history: Vec::new(),
        responsible_persons: Vec::new(),
        comments: Vec::new(),
        notes: Vec::new(),
        merged_into: r.merged_into.clone(),
    };
    if !full {
        return Ok(out);
    }
    personal.mother_maiden_name = opt(&r.mother_maiden_name);
    personal.multiple_birth = match r.multiple_birth {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => String::new(),
    };
    personal.birth_order = r.birth_order.map(|n| n.to_string()).unwrap_or_default();
    personal.birth_state = opt(&r.birth_state);
    personal.birth_country = opt(&r.birth_country);
    personal.race = opt(&r.race);
    personal.ethnicity = opt(&r.ethnicity);
    personal.language = opt(&r.language);
    personal.phone = opt(&r.phone);
    address = AddressFields {
        address_line1: opt(&r.address_line1),
        address_line2: opt(&r.address_line2),
        city: opt(&r.city),
        state: opt(&r.state),
        county: opt(&r.county),
        zip: opt(&r.zip),
    };
    out.personal = personal;
    out.address = address;
    let store_ = ctx.store();
    out.akas = store::names(store_, id)
        .await?
        .into_iter()
        .map(|n| AkaEntry {
            id: n.id,
            first_name: n.first_name,
            middle_name: n.middle_name,
            last_name: n.last_name,
            kind: n.kind,
            voided: n.voided_at.is_some(),
            void_reason: n.void_reason,
        })
        .collect();
    out.organizations = store::memberships(store_, id)
        .await?
        .into_iter()
        .map(|m| ClientOrganizationEntry {
            organization_id: m.organization_id,
            code: m.code,
            name: m.name,
            status: m.status,
            status_on: m.status_on.as_deref().map(us_date),
            is_home: m.is_home,
        })
        .collect();
    out.address_history = store::previous_addresses(store_, id)
        .await?
        .into_iter()
        .map(|a| AddressEntry {
            address: AddressFields {
                address_line1: opt(&a.address_line1),
                address_line2: opt(&a.address_line2),
                city: opt(&a.city),
                state: opt(&a.state),
                county: opt(&a.county),
                zip: opt(&a.zip),
            },
            ended_on: us_date(&a.ended_on),
        })
        .collect();
    out.responsible_persons = store::responsible_persons(store_, id)
        .await?
        .into_iter()
        .map(|p| ResponsiblePersonEntry {
            id: p.id,
            person: ResponsiblePersonFields {
                first_name: p.first_name,
                middle_name: p.middle_name.unwrap_or_default(),
                last_name: p.last_name,
                relationship: p.relationship,
                phone: p.phone.unwrap_or_default(),
            },
            is_primary: p.is_primary,
            voided: p.voided_at.is_some(),
            void_reason: p.void_reason,
        })
        .collect();
    out.comments = store::comments(store_, id)
        .await?
        .into_iter()
        .map(|c| CommentEntry {
            category: dem::COMMENT_CODES
                .iter()
                .find(|k| k.code == c.code)
                .map_or("other", |k| k.category)
                .into(),
            id: c.id,
            code: c.code,
            applies_from: us_date(&c.applies_from),
            applies_until: c.applies_until.as_deref().map(us_date),
            text: c.text,
            recorded_by: c.recorded_by_name,
            voided: c.voided_at.is_some(),
        })
        .collect();
    out.notes = store::notes(store_, id)
        .await?
        .into_iter()
        .map(|n| NoteEntry {
            id: n.id,
            text: n.text,
            author: n.author_name,
            organization_name: n.organization_name,
            written_on: us_date(n.created_at.get(..10).unwrap_or_default()),
            voided: n.voided_at.is_some(),
        })
        .collect();
    Ok(out)
}

fn personal_input(p: &PersonalFields) -> PersonalInput<'_> {
    PersonalInput {
        first_name: &p.first_name,
        middle_name: &p.middle_name,
        last_name: &p.last_name,
        suffix: &p.suffix,
        date_of_birth: &p.date_of_birth,
        gender: &p.gender,
        mother_maiden_name: &p.mother_maiden_name,
        multiple_birth: &p.multiple_birth,
        birth_order: &p.birth_order,
        birth_state: &p.birth_state,
        birth_country: &p.birth_country,
        race: &p.race,
        ethnicity: &p.ethnicity,
        language: &p.language,
        phone: &p.phone,
    }
}

fn address_input(a: &AddressFields) -> AddressInput<'_> {
    AddressInput {
        line1: &a.address_line1,
        line2: &a.address_line2,
        city: &a.city,
        state: &a.state,
        county: &a.county,
        zip: &a.zip,
    }
}

fn person_input(p: &ResponsiblePersonFields) -> ResponsiblePersonInput<'_> {
    ResponsiblePersonInput {
        first_name: &p.first_name,
        middle_name: &p.middle_name,
        last_name: &p.last_name,
        relationship: &p.relationship,
        phone: &p.phone,
    }
}

fn is_blank(p: &ResponsiblePersonFields) -> bool {
    [
        &p.first_name,
        &p.middle_name,
        &p.last_name,
        &p.relationship,
        &p.phone,
    ]
    .iter()
    .all(|s| s.trim().is_empty())
}

/// A parse that left issues in the collector but no value is a bug, not user input.
fn parsed<T>(value: Option<T>) -> AppResult<T> {
    value.ok_or_else(|| AppError::internal("a form parsed without issues gave no value"))
}

/// Changes one part of a client's demographics (personal information, address, AKA,
/// responsible person, organization status, comment, note, or voids an entry). Needs
/// [`Permission::EditDemographics`] and the whole record under the consent rule. Audited and
/// logged for sync; returns the screen's new content. A refused change stores nothing.
pub async fn change_demographics(
    ctx: &AppContext,
    request: ChangeDemographicsRequest,
) -> AppResult<ClientDemographics> {
    let (grant, session) = ctx.require(Permission::EditDemographics)?;
    let id = parse_client_id(&request.client_id)?;
    let access = access_to(ctx, &session, id).await?;
    if !access.may_edit_demographics {
        return Err(match access.restriction {
            Some(r) => AppError::ConsentRestricted {
                restriction: r.code().into(),
            },
            None => AppError::Forbidden {
                permission: Permission::EditDemographics.code().into(),
            },
        });
    }
    let today = ctx.clock().today();
    let now = ctx.clock().now();
    let mut issues = IssueCollector::new();
    // Read what the change needs before the write transaction takes the connection.
    let organizations = match &request.change {
        DemographicsChange::OrganizationStatus { .. } => organizations::all(ctx.store()).await?,
        _ => Vec::new(),
    };
    let mut tx = ctx.store().begin().await?;
    let what = match &request.change {
        DemographicsChange::Personal { personal } => {
            let p = Personal::parse(personal_input(personal), today, &mut issues);
            issues.finish()?;
            store::update_personal_in_tx(&mut tx, id, &parsed(p)?, now).await?;
            "personal information"
        }
        DemographicsChange::Address { address, moved_on } => {
            let a = Address::parse("", address_input(address), &mut issues);
            let on = issues.take(shotbook_core::date::UsDate::parse_field(
                "movedOn", moved_on,
            ));
            if let Some(d) = on {
                if d.date() > today {
                    issues.push(Issue::new("movedOn", format!("{d} is in the future.")));
                }
            }
            issues.finish()?;
            store::move_address_in_tx(&mut tx, id, &a, &parsed(on)?.iso(), now).await?;
            "address"
        }
        DemographicsChange::Aka {
            first_name,
            middle_name,
            last_name,
            name_kind,
        } => {
            let aka = Aka::parse(AkaInput {
                first_name,
                middle_name,
                last_name,
                kind: name_kind,
            })?;
            store::add_aka_in_tx(&mut tx, id, &aka, now).await?;
            "name also known as"
        }
        DemographicsChange::ResponsiblePerson { person, primary } => {
            let p = ResponsiblePerson::parse("", person_input(person), &mut issues);
            issues.finish()?;
            store::add_responsible_person_in_tx(&mut tx, id, &parsed(p)?, *primary, now).await?;
            "responsible person"
        }
        DemographicsChange::OrganizationStatus {
            organization_code,
            status,
            status_on,
        } => {
            let status = issues.take(dem::provider_client_status("status", status));
            let on = issues.take(shotbook_core::date::UsDate::parse_field(
                "statusOn", status_on,
            ));
            let org = organizations
                .into_iter()
                .find(|o| o.code.eq_ignore_ascii_case(organization_code.trim()));
            if org.is_none() {
                issues.push(Issue::new(
                    "organizationCode",
                    "Choose an organization from the list.",
                ));
            }
            issues.finish()?;
            let org_id: OrganizationId = parsed(org)?.id.parse().map_err(AppError::internal)?;
            store::set_membership_in_tx(
                &mut tx,
                id,
                org_id,
                parsed(status)?,
                &parsed(on)?.iso(),
                now,
            )
            .await?;
            "organization status"
        }
        DemographicsChange::Comment {
            code,
            applies_from,
            applies_until,
            text,
        } => {
            let c = Comment::parse(CommentInput {
                code,
                applies_from,
                applies_until,
                text,
            })?;
            store::add_comment_in_tx(
                &mut tx,
                id,
                &c,
                grant.user_id(),
                grant.organization_id(),
                now,
            )
            .await?;
            "comment"
        }
        DemographicsChange::Note { text } => {
            let text = dem::parse_note(text).map_err(|i| ValidationError { issues: vec![i] })?;
            store::add_note_in_tx(
                &mut tx,
                id,
                &text,
                grant.user_id(),
                grant.organization_id(),
                now,
            )
            .await?;
            "note"
        }
        DemographicsChange::Void {
            entry_kind,
            entry_id,
            reason,
        } => {
            let what = match entry_kind.as_str() {
                "aka" => Voidable::Name,
                "responsible_person" => Voidable::ResponsiblePerson,
                "comment" => Voidable::Comment,
                "note" => Voidable::Note,
                _ => return Err(ValidationError::single("entryKind", "Not an entry kind.").into()),
            };
            if reason.trim().is_empty() {
                return Err(ValidationError::single("reason", "Say why it is voided.").into());
            }
            store::void_in_tx(&mut tx, what, id, entry_id, reason.trim(), now).await?;
            "void"
        }
    };
    audit::append(
        &mut *tx,
        &shotbook_core::audit::AuditEvent {
            at: now,
            user_id: Some(grant.user_id()),
            organization_id: Some(grant.organization_id()),
            workstation: ctx.workstation().to_string(),
            action: AuditAction::UpdateClient,
            client_id: Some(id),
            detail: Some(what.into()),
        },
    )
    .await?;
    tx.commit().await.map_err(AppError::from)?;
    tracing::info!(change = what, "demographics changed");
    demographics_of(ctx, id, &access).await
}

/// Adds a client. Smart search runs first: when records that may be this person exist, nothing
/// is added and they come back to choose from, unless the user confirmed a new person (then the
/// matches go to the duplicates queue). Consent is recorded in the history from the start; the
/// user's organization becomes the client's. Audited.
pub async fn add_client(
    ctx: &AppContext,
    request: AddClientRequest,
) -> AppResult<AddClientOutcome> {
    let (grant, session) = ctx.require(Permission::EditDemographics)?;
    let today = ctx.clock().today();
    let mut issues = IssueCollector::new();
    let personal = Personal::parse(personal_input(&request.personal), today, &mut issues);
    let address = Address::parse("address.", address_input(&request.address), &mut issues);
    let guardian = if is_blank(&request.guardian) {
        None
    } else {
        ResponsiblePerson::parse("guardian.", person_input(&request.guardian), &mut issues)
    };
    let consent = ConsentEntry::parse(
        "consent.",
        ConsentInput {
            status: &request.consent.status,
            effective_on: &request.consent.effective_on,
            method: &request.consent.method,
            given_by: &request.consent.given_by,
        },
        today,
        &mut issues,
    );
    issues.finish()?;
    let personal = parsed(personal)?;
    let consent = parsed(consent)?;

    let matches = crate::duplicates::likely_matches(ctx, &session, &personal, &address).await?;
    if !matches.is_empty() && !request.confirmed_new_person {
        let shown: Vec<ClientId> = matches.iter().map(|m| m.id).collect();
        for m in &shown {
            audit_client(
                ctx,
                &grant,
                AuditAction::SearchClients,
                *m,
                Some("duplicate check".into()),
            )
            .await?;
        }
        return Ok(AddClientOutcome::LikelyMatches {
            matches: matches.into_iter().map(|m| m.shown).collect(),
        });
    }

    let now = ctx.clock().now();
    let client = NewClient {
        id: ClientId::new(),
        registry_id: None,
        first_name: personal.first_name.as_str().into(),
        middle_name: personal.middle_name.as_ref().map(|n| n.as_str().into()),
        last_name: personal.last_name.as_str().into(),
        suffix: personal.suffix.clone(),
        date_of_birth: personal.date_of_birth.date().iso(),
        gender: personal.gender.code().into(),
        mother_maiden_name: personal
            .mother_maiden_name
            .as_ref()
            .map(|n| n.as_str().into()),
        address_line1: address.line1.clone(),
        city: address.city.clone(),
        state: address.state.map(Into::into),
        county: address.county.clone(),
        zip: address.zip.as_ref().map(|z| z.as_str().into()),
        phone: personal.phone.as_ref().map(|p| p.as_str().into()),
        guardian_first_name: None,
        guardian_last_name: None,
        guardian_relationship: None,
        consent: consent.status.code().into(),
        home_organization_id: Some(grant.organization_id()),
    };
    let mut tx = ctx.store().begin().await?;
    clients::insert_in_tx(&mut tx, &client, now).await?;
    let registry_id = assign_registry_id(&mut tx, client.id).await?;
    store::update_personal_in_tx(&mut tx, client.id, &personal, now).await?;
    store::set_current_address_in_tx(&mut tx, client.id, &address, now).await?;
    if let Some(g) = &guardian {
        store::add_responsible_person_in_tx(&mut tx, client.id, g, true, now).await?;
    }
    store::record_consent_in_tx(
        &mut tx,
        client.id,
        &store::NewConsent {
            status: consent.status,
            effective_on: consent.effective_on.iso(),
            method: consent.method.code(),
            given_by: consent.given_by.clone(),
            recorded_by: Some(grant.user_id()),
            organization_id: Some(grant.organization_id()),
        },
        now,
    )
    .await?;
    for m in &matches {
        shotbook_store::duplicates::record_pair_in_tx(
            &mut tx,
            client.id,
            m.id,
            m.shown.score,
            &m.shown.reasons.join(", "),
            now,
        )
        .await?;
    }
    let event = |action, detail: String| shotbook_core::audit::AuditEvent {
        at: now,
        user_id: Some(grant.user_id()),
        organization_id: Some(grant.organization_id()),
        workstation: ctx.workstation().to_string(),
        action,
        client_id: Some(client.id),
        detail: Some(detail),
    };
    audit::append(
        &mut *tx,
        &event(
            AuditAction::AddClient,
            format!(
                "registry id {registry_id}; {} possible duplicate(s) confirmed as a new person",
                matches.len()
            ),
        ),
    )
    .await?;
    audit::append(
        &mut *tx,
        &event(
            AuditAction::UpdateConsent,
            format!(
                "consent {} ({})",
                consent.status.code(),
                consent.method.code()
            ),
        ),
    )
    .await?;
    tx.commit().await.map_err(AppError::from)?;
    tracing::info!(duplicates = matches.len(), "client added");
    Ok(AddClientOutcome::Added {
        client_id: client.id.to_string(),
    })
}

/// A random unused ten-digit registry client number (generated clients use the same range).
async fn assign_registry_id(tx: &mut shotbook_store::Work, client: ClientId) -> AppResult<String> {
    use rand::Rng;
    for _ in 0..20 {
        let candidate = rand::rng()
            .random_range(1_000_000_000u64..10_000_000_000)
            .to_string();
        if clients::try_set_registry_id_in_tx(tx, client, &candidate).await? {
            return Ok(candidate);
        }
    }
    Err(AppError::internal(
        "no free registry client number after 20 draws",
    ))
}
