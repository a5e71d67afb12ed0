//! The Demographics screen (personal information, consent, AKAs, organizations, addresses,
//! responsible persons, comments, notes) and adding a client, which runs Smart search first.

use shotbook_core::date::UsDate;
use shotbook_core::demographics::{
    self as dem, Address, AddressInput, Aka, AkaInput, Comment, CommentInput, ConsentEntry,
    ConsentInput, DemographicsEdit, NewClientEntry, Personal, PersonalInput, ResponsiblePerson,
    ResponsiblePersonInput, VoidableEntry,
};
use shotbook_core::error::{Issue, IssueCollector};
use shotbook_core::ids::ClientId;
use shotbook_core::permission::Permission;
use shotbook_core::ValidationError;
use shotbook_store::clients;
use shotbook_store::demographics as store;
use shotbook_store::organizations;
use shotbook_usecases::demographics::{self as usecases, AddedClient, PossibleDuplicate};
use shotbook_usecases::need;

use crate::consent::record_access;
use crate::convert::client_id;
use crate::convert::us_date;
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
    ctx.require(Permission::ViewClient).await?;
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
/// read of the record ([`usecases::open`]).
pub async fn get_demographics(
    ctx: &AppContext,
    request: GetClientRequest,
) -> AppResult<ClientDemographics> {
    let (permit, _) = ctx.permit::<need::ViewClient>().await?;
    let id = client_id(&request.client_id)?;
    let access = usecases::open(ctx.store(), &permit, ctx.clock(), id).await?;
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
    let store_ = ctx.store();
    // A school or child-care facility sees the record, not how to reach the family: no
    // address (nor its history), phone, guardians or mother's maiden name.
    let contacts = access.contacts;
    if !contacts {
        personal.mother_maiden_name = String::new();
        personal.phone = String::new();
        address = AddressFields::default();
    }
    out.personal = personal;
    out.address = address;
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
    out.address_history = if contacts {
        store::previous_addresses(store_, id).await?
    } else {
        Vec::new()
    }
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
    out.responsible_persons = if contacts {
        store::responsible_persons(store_, id).await?
    } else {
        Vec::new()
    }
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

/// The Demographics screen's change, parsed into core's [`DemographicsEdit`], every bad field
/// reported at once.
fn parse_change(change: &DemographicsChange, today: time::Date) -> AppResult<DemographicsEdit> {
    let mut issues = IssueCollector::new();
    let edit = match change {
        DemographicsChange::Personal { personal } => {
            let p = Personal::parse(personal_input(personal), today, &mut issues);
            issues.finish()?;
            DemographicsEdit::Personal(parsed(p)?)
        }
        DemographicsChange::Address { address, moved_on } => {
            let address = Address::parse("", address_input(address), &mut issues);
            let on = issues.take(UsDate::parse_field("movedOn", moved_on));
            if let Some(d) = on {
                if d.date() > today {
                    issues.push(Issue::new("movedOn", format!("{d} is in the future.")));
                }
            }
            issues.finish()?;
            DemographicsEdit::Address {
                address,
                moved_on: parsed(on)?,
            }
        }
        DemographicsChange::Aka {
            first_name,
            middle_name,
            last_name,
            name_kind,
        } => DemographicsEdit::Aka(Aka::parse(AkaInput {
            first_name,
            middle_name,
            last_name,
            kind: name_kind,
        })?),
        DemographicsChange::ResponsiblePerson { person, primary } => {
            let p = ResponsiblePerson::parse("", person_input(person), &mut issues);
            issues.finish()?;
            DemographicsEdit::ResponsiblePerson {
                person: parsed(p)?,
                primary: *primary,
            }
        }
        DemographicsChange::OrganizationStatus {
            organization_code,
            status,
            status_on,
        } => {
            let status = issues.take(dem::provider_client_status("status", status));
            let on = issues.take(UsDate::parse_field("statusOn", status_on));
            if organization_code.trim().is_empty() {
                issues.push(Issue::new(
                    "organizationCode",
                    "Choose an organization from the list.",
                ));
            }
            issues.finish()?;
            // Whether the code names an organization is the use case's check.
            DemographicsEdit::OrganizationStatus {
                organization_code: organization_code.trim().to_string(),
                status: parsed(status)?,
                status_on: parsed(on)?,
            }
        }
        DemographicsChange::Comment {
            code,
            applies_from,
            applies_until,
            text,
        } => DemographicsEdit::Comment(Comment::parse(CommentInput {
            code,
            applies_from,
            applies_until,
            text,
        })?),
        DemographicsChange::Note { text } => DemographicsEdit::Note(
            dem::parse_note(text).map_err(|i| ValidationError { issues: vec![i] })?,
        ),
        DemographicsChange::Void {
            entry_kind,
            entry_id,
            reason,
        } => {
            let entry = issues.take(VoidableEntry::parse_field("entryKind", entry_kind));
            if reason.trim().is_empty() {
                issues.push(Issue::new("reason", "Say why it is voided."));
            }
            issues.finish()?;
            DemographicsEdit::Void {
                entry: parsed(entry)?,
                id: entry_id.clone(),
                reason: reason.trim().to_string(),
            }
        }
    };
    Ok(edit)
}

/// Changes one part of a client's demographics (personal information, address, AKA,
/// responsible person, organization status, comment, note, or voids an entry). Needs
/// [`Permission::EditDemographics`] and the whole record under the consent rule. Audited and
/// logged for sync ([`usecases::change`]); returns the screen's new content. A refused change
/// stores nothing.
pub async fn change_demographics(
    ctx: &AppContext,
    request: ChangeDemographicsRequest,
) -> AppResult<ClientDemographics> {
    let (permit, _) = ctx.permit::<need::EditDemographics>().await?;
    let id = client_id(&request.client_id)?;
    let edit = parse_change(&request.change, ctx.clock().today())?;
    let changed = usecases::change(ctx.store(), &permit, ctx.clock(), id, &edit).await?;
    tracing::info!(change = edit.what(), "demographics changed");
    demographics_of(ctx, id, &changed.access).await
}

/// Adds a client. Smart search runs first: when records that may be this person exist, nothing
/// is added and they come back to choose from, unless the user confirmed a new person (then the
/// matches go to the duplicates queue). Consent is recorded in the history from the start; the
/// user's organization becomes the client's. Audited ([`usecases::add_client`]).
pub async fn add_client(
    ctx: &AppContext,
    request: AddClientRequest,
) -> AppResult<AddClientOutcome> {
    let (permit, session) = ctx.permit::<need::EditDemographics>().await?;
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
    let entry = NewClientEntry {
        personal: parsed(personal)?,
        address,
        guardian,
        consent: parsed(consent)?,
    };

    let matches =
        crate::duplicates::likely_matches(ctx, &session, &entry.personal, &entry.address).await?;
    let possible: Vec<PossibleDuplicate> = matches
        .iter()
        .map(|m| PossibleDuplicate {
            client: m.id,
            score: m.shown.score,
            reasons: m.shown.reasons.clone(),
        })
        .collect();
    match usecases::add_client(
        ctx.store(),
        &permit,
        ctx.clock(),
        &entry,
        &possible,
        request.confirmed_new_person,
    )
    .await?
    {
        AddedClient::LikelyMatches => Ok(AddClientOutcome::LikelyMatches {
            matches: matches
                .into_iter()
                .filter(|m| m.visible)
                .map(|m| m.shown)
                .collect(),
        }),
        AddedClient::Added { client, .. } => {
            tracing::info!(duplicates = possible.len(), "client added");
            Ok(AddClientOutcome::Added {
                client_id: client.to_string(),
            })
        }
    }
}
