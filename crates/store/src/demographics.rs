//! A client's demographics tabs: consent history, names also known as, organizations,
//! address history, responsible persons, coded comments and notes, and edits of the personal
//! information. Nothing here is deleted: rows are voided or ended, and every write appends to
//! `change_log` in its transaction.

use crate::Work;
use shotbook_core::consent::ConsentStatus;
use shotbook_core::demographics::{Address, Aka, Comment, Personal, ResponsiblePerson};
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_core::normalize::fold_name;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::change_log::{self, ChangeOp, Entity};
use crate::clients::consent_columns;
use crate::{timestamp, Store, StoreError, StoreResult};

fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// Marks the client row changed (its `updated_at`) and logs it.
async fn touch_client(tx: &mut Work, client: ClientId, now: OffsetDateTime) -> StoreResult<()> {
    let done = sqlx::query("UPDATE clients SET updated_at = ? WHERE id = ?")
        .bind(timestamp(now))
        .bind(client.to_string())
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("client"));
    }
    change_log::append_in_tx(
        tx,
        Entity::Client,
        &client.to_string(),
        ChangeOp::Update,
        now,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Consent

/// What the use cases' rules need of a client, in one statement: the date of birth, the
/// consent status, the client's organizations (the registering organization and every
/// provider-client relationship) and the record it was merged into.
#[derive(Debug, Clone)]
pub struct RuleFacts {
    /// ISO date of birth.
    pub date_of_birth: String,
    /// Consent status (an unreadable one reads as not granted: it never opens a record).
    pub consent: ConsentStatus,
    /// Home organization first, then the others.
    pub organizations: Vec<OrganizationId>,
    /// The kept record, when this one was merged into it.
    pub merged_into: Option<String>,
    /// State of residence.
    pub state: Option<String>,
}

/// [`RuleFacts`] of `client`.
pub async fn rule_facts(store: &Store, client: ClientId) -> StoreResult<RuleFacts> {
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    // Only active relationships make a client an organization's own: a clinic whose patient
    // moved away sees the record like any other organization.
    let row: Option<Row> = sqlx::query_as(
        "SELECT c.date_of_birth, c.consent_status, c.home_organization_id, c.merged_into,
                (SELECT group_concat(o.organization_id, ',') FROM client_organizations o
                 WHERE o.client_id = c.id AND o.voided_at IS NULL AND o.status = 'active'),
                c.state
         FROM clients c WHERE c.id = ?",
    )
    .bind(client.to_string())
    .fetch_optional(store.pool())
    .await?;
    let (date_of_birth, status, home, merged_into, others, state) =
        row.ok_or(StoreError::NotFound("client"))?;
    let organizations = home
        .into_iter()
        .chain(
            others
                .unwrap_or_default()
                .split(',')
                .filter(|o| !o.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>(),
        )
        .filter_map(|o| o.parse().ok())
        .collect();
    Ok(RuleFacts {
        date_of_birth,
        consent: ConsentStatus::from_code(&status).unwrap_or(ConsentStatus::NotGranted),
        organizations,
        merged_into,
        state: state.filter(|s| !s.trim().is_empty()),
    })
}

/// What the consent rule needs: the status and the client's organizations.
pub async fn consent_facts(
    store: &Store,
    client: ClientId,
) -> StoreResult<(ConsentStatus, Vec<OrganizationId>)> {
    let facts = rule_facts(store, client).await?;
    Ok((facts.consent, facts.organizations))
}

/// A consent entry to record.
#[derive(Debug, Clone)]
pub struct NewConsent {
    /// New status.
    pub status: ConsentStatus,
    /// ISO date given or withdrawn.
    pub effective_on: String,
    /// verbal / written.
    pub method: &'static str,
    /// Who gave or withdrew it.
    pub given_by: Option<String>,
    /// The user recording it.
    pub recorded_by: Option<UserId>,
    /// At which organization.
    pub organization_id: Option<OrganizationId>,
}

/// Appends a consent entry and makes its status the client's current one, at once.
pub async fn record_consent_in_tx(
    tx: &mut Work,
    client: ClientId,
    consent: &NewConsent,
    now: OffsetDateTime,
) -> StoreResult<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO client_consents (id, client_id, status, effective_on, method, given_by, recorded_by,
                                      organization_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(client.to_string())
    .bind(consent.status.code())
    .bind(&consent.effective_on)
    .bind(consent.method)
    .bind(&consent.given_by)
    .bind(consent.recorded_by.map(|u| u.to_string()))
    .bind(consent.organization_id.map(|o| o.to_string()))
    .bind(timestamp(now))
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(tx, Entity::ClientConsent, &id, ChangeOp::Insert, now).await?;
    let (legacy, status) = consent_columns(consent.status.code());
    sqlx::query("UPDATE clients SET consent = ?, consent_status = ? WHERE id = ?")
        .bind(legacy)
        .bind(status)
        .bind(client.to_string())
        .execute(&mut **tx)
        .await?;
    touch_client(tx, client, now).await?;
    Ok(id)
}

/// One consent history entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConsentRow {
    /// Id.
    pub id: String,
    /// Status code.
    pub status: String,
    /// ISO date.
    pub effective_on: String,
    /// verbal / written.
    pub method: String,
    /// Who gave or withdrew it.
    pub given_by: Option<String>,
    /// Name of the user who recorded it.
    pub recorded_by_name: Option<String>,
    /// Organization's name.
    pub organization_name: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// The consent history, newest first.
pub async fn consent_history(store: &Store, client: ClientId) -> StoreResult<Vec<ConsentRow>> {
    Ok(sqlx::query_as(
        "SELECT k.id, k.status, k.effective_on, k.method, k.given_by,
                u.first_name || ' ' || u.last_name AS recorded_by_name, o.name AS organization_name, k.created_at
         FROM client_consents k
         LEFT JOIN users u ON u.id = k.recorded_by
         LEFT JOIN organizations o ON o.id = k.organization_id
         WHERE k.client_id = ? ORDER BY k.created_at DESC, k.rowid DESC",
    )
    .bind(client.to_string())
    .fetch_all(store.pool())
    .await?)
}

// ---------------------------------------------------------------------------------------------
// Personal information

/// Replaces the personal information (legal name, date of birth, gender, birth facts, race,
/// ethnicity, language, phone).
pub async fn update_personal_in_tx(
    tx: &mut Work,
    client: ClientId,
    p: &Personal,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE clients SET first_name = ?, middle_name = ?, last_name = ?, suffix = ?, first_name_folded = ?,
                last_name_folded = ?, date_of_birth = ?, gender = ?, mother_maiden_name = ?, multiple_birth = ?,
                birth_order = ?, birth_state = ?, birth_country = ?, race = ?, ethnicity = ?, language = ?, phone = ?
         WHERE id = ?",
    )
    .bind(p.first_name.as_str())
    .bind(p.middle_name.as_ref().map(|n| n.as_str()))
    .bind(p.last_name.as_str())
    .bind(p.suffix.as_deref())
    .bind(p.first_name.folded())
    .bind(p.last_name.folded())
    .bind(p.date_of_birth.date().iso())
    .bind(p.gender.code())
    .bind(p.mother_maiden_name.as_ref().map(|n| n.as_str()))
    .bind(p.multiple_birth)
    .bind(p.birth_order.map(i64::from))
    .bind(p.birth_state)
    .bind(p.birth_country)
    .bind(p.race)
    .bind(p.ethnicity)
    .bind(p.language)
    .bind(p.phone.as_ref().map(|n| n.as_str()))
    .bind(client.to_string())
    .execute(&mut **tx)
    .await?;
    touch_client(tx, client, now).await
}

// ---------------------------------------------------------------------------------------------
// Names also known as

/// An AKA.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NameRow {
    /// Id.
    pub id: String,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// previous / alias / birth / merged.
    pub kind: String,
    /// When voided.
    pub voided_at: Option<String>,
    /// Why.
    pub void_reason: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// Adds a name the client is also known as; returns its id.
pub async fn add_name_in_tx(
    tx: &mut Work,
    client: ClientId,
    first: &str,
    middle: Option<&str>,
    last: &str,
    kind: &str,
    now: OffsetDateTime,
) -> StoreResult<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO client_names (id, client_id, first_name, middle_name, last_name, first_name_folded,
                                   last_name_folded, kind, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(client.to_string())
    .bind(first)
    .bind(middle)
    .bind(last)
    .bind(fold_name(first))
    .bind(fold_name(last))
    .bind(kind)
    .bind(timestamp(now))
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(tx, Entity::ClientName, &id, ChangeOp::Insert, now).await?;
    Ok(id)
}

/// Adds a validated AKA.
pub async fn add_aka_in_tx(
    tx: &mut Work,
    client: ClientId,
    aka: &Aka,
    now: OffsetDateTime,
) -> StoreResult<String> {
    add_name_in_tx(
        tx,
        client,
        aka.first_name.as_str(),
        aka.middle_name.as_ref().map(|n| n.as_str()),
        aka.last_name.as_str(),
        aka.kind,
        now,
    )
    .await
}

/// Every AKA of the client (voided ones too, marked), oldest first.
pub async fn names(store: &Store, client: ClientId) -> StoreResult<Vec<NameRow>> {
    Ok(sqlx::query_as(
        "SELECT id, first_name, middle_name, last_name, kind, voided_at, void_reason, created_at
         FROM client_names WHERE client_id = ? ORDER BY created_at, rowid",
    )
    .bind(client.to_string())
    .fetch_all(store.pool())
    .await?)
}

/// The tables whose rows are voided with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voidable {
    /// `client_names`.
    Name,
    /// `client_responsible_persons`.
    ResponsiblePerson,
    /// `client_comments`.
    Comment,
    /// `client_notes`.
    Note,
}

impl Voidable {
    fn table(self) -> &'static str {
        match self {
            Voidable::Name => "client_names",
            Voidable::ResponsiblePerson => "client_responsible_persons",
            Voidable::Comment => "client_comments",
            Voidable::Note => "client_notes",
        }
    }

    fn entity(self) -> Entity {
        match self {
            Voidable::Name => Entity::ClientName,
            Voidable::ResponsiblePerson => Entity::ClientResponsiblePerson,
            Voidable::Comment => Entity::ClientComment,
            Voidable::Note => Entity::ClientNote,
        }
    }
}

/// Voids a row of `client`'s with a reason. `NotFound` when it is not the client's or is
/// already voided.
pub async fn void_in_tx(
    tx: &mut Work,
    what: Voidable,
    client: ClientId,
    id: &str,
    reason: &str,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let sql = format!(
        "UPDATE {} SET voided_at = ?, void_reason = ?, updated_at = ? WHERE id = ? AND client_id = ? AND voided_at IS NULL",
        what.table()
    );
    let done = sqlx::query(&sql)
        .bind(timestamp(now))
        .bind(reason)
        .bind(timestamp(now))
        .bind(id)
        .bind(client.to_string())
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(what.entity().code()));
    }
    change_log::append_in_tx(tx, what.entity(), id, ChangeOp::Void, now).await?;
    if what == Voidable::ResponsiblePerson {
        mirror_primary_guardian_in_tx(tx, client).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Organizations

/// One of the client's organizations with the provider-client status there.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MembershipRow {
    /// Organization id.
    pub organization_id: String,
    /// Org code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Provider-client status.
    pub status: String,
    /// ISO date of the status, when recorded.
    pub status_on: Option<String>,
    /// The registering organization.
    pub is_home: bool,
}

/// The client's organizations: the registering one first (active unless a status row says
/// otherwise), then the others by name.
pub async fn memberships(store: &Store, client: ClientId) -> StoreResult<Vec<MembershipRow>> {
    Ok(sqlx::query_as(
        "SELECT o.id AS organization_id, o.code, o.name, coalesce(m.status, 'active') AS status, m.status_on,
                (o.id = c.home_organization_id) AS is_home
         FROM clients c
         JOIN organizations o ON o.id = c.home_organization_id
            OR o.id IN (SELECT organization_id FROM client_organizations WHERE client_id = c.id AND voided_at IS NULL)
         LEFT JOIN client_organizations m ON m.client_id = c.id AND m.organization_id = o.id AND m.voided_at IS NULL
         WHERE c.id = ?
         ORDER BY is_home DESC, o.name",
    )
    .bind(client.to_string())
    .fetch_all(store.pool())
    .await?)
}

/// Whether `org` already is one of the client's organizations.
pub async fn is_member(store: &Store, client: ClientId, org: OrganizationId) -> StoreResult<bool> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM clients WHERE id = ?1 AND home_organization_id = ?2)
              + (SELECT count(*) FROM client_organizations WHERE client_id = ?1 AND organization_id = ?2 AND voided_at IS NULL)",
    )
    .bind(client.to_string())
    .bind(org.to_string())
    .fetch_one(store.pool())
    .await?;
    Ok(n > 0)
}

/// Sets the provider-client status at `org` (adding the relationship if new).
pub async fn set_membership_in_tx(
    tx: &mut Work,
    client: ClientId,
    org: OrganizationId,
    status: &str,
    status_on: &str,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let existed: Option<(String,)> = sqlx::query_as(
        "SELECT status FROM client_organizations WHERE client_id = ? AND organization_id = ?",
    )
    .bind(client.to_string())
    .bind(org.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO client_organizations (client_id, organization_id, status, status_on, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (client_id, organization_id)
         DO UPDATE SET status = ?3, status_on = ?4, voided_at = NULL, void_reason = NULL, updated_at = ?5",
    )
    .bind(client.to_string())
    .bind(org.to_string())
    .bind(status)
    .bind(status_on)
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    let op = if existed.is_some() {
        ChangeOp::Update
    } else {
        ChangeOp::Insert
    };
    change_log::append_in_tx(
        tx,
        Entity::ClientOrganization,
        &format!("{client}/{org}"),
        op,
        now,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Addresses

/// A previous address.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AddressRow {
    /// Id.
    pub id: String,
    /// Street.
    pub address_line1: Option<String>,
    /// Apartment.
    pub address_line2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// County.
    pub county: Option<String>,
    /// ZIP.
    pub zip: Option<String>,
    /// ISO date the client moved away.
    pub ended_on: String,
}

/// Previous addresses, most recent first.
pub async fn previous_addresses(store: &Store, client: ClientId) -> StoreResult<Vec<AddressRow>> {
    Ok(sqlx::query_as(
        "SELECT id, address_line1, address_line2, city, state, county, zip, ended_on
         FROM client_addresses WHERE client_id = ? ORDER BY ended_on DESC, rowid DESC",
    )
    .bind(client.to_string())
    .fetch_all(store.pool())
    .await?)
}

/// Records a move: the current address joins the history (ended `moved_on`, ISO) unless it is
/// empty, and `address` becomes current.
pub async fn move_address_in_tx(
    tx: &mut Work,
    client: ClientId,
    address: &Address,
    moved_on: &str,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let id = new_id();
    let archived = sqlx::query(
        "INSERT INTO client_addresses (id, client_id, address_line1, address_line2, city, state, county, zip,
                                       ended_on, created_at, updated_at)
         SELECT ?, id, address_line1, address_line2, city, state, county, zip, ?, ?, ? FROM clients
         WHERE id = ? AND coalesce(address_line1, city, zip, county) IS NOT NULL",
    )
    .bind(&id)
    .bind(moved_on)
    .bind(timestamp(now))
    .bind(timestamp(now))
    .bind(client.to_string())
    .execute(&mut **tx)
    .await?;
    if archived.rows_affected() > 0 {
        change_log::append_in_tx(tx, Entity::ClientAddress, &id, ChangeOp::Insert, now).await?;
    }
    set_current_address_in_tx(tx, client, address, now).await
}

/// Sets the current address without adding to the history (a new client, or a correction).
pub async fn set_current_address_in_tx(
    tx: &mut Work,
    client: ClientId,
    address: &Address,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE clients SET address_line1 = ?, address_line2 = ?, city = ?, state = ?, county = ?, zip = ?
         WHERE id = ?",
    )
    .bind(&address.line1)
    .bind(&address.line2)
    .bind(&address.city)
    .bind(address.state)
    .bind(&address.county)
    .bind(address.zip.as_ref().map(|z| z.as_str()))
    .bind(client.to_string())
    .execute(&mut **tx)
    .await?;
    touch_client(tx, client, now).await
}

// ---------------------------------------------------------------------------------------------
// Responsible persons

/// A parent or guardian.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResponsiblePersonRow {
    /// Id (empty for the guardian recorded at registration, before this table existed).
    pub id: String,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// Relationship.
    pub relationship: String,
    /// Phone.
    pub phone: Option<String>,
    /// Primary contact.
    pub is_primary: bool,
    /// When voided.
    pub voided_at: Option<String>,
    /// Why.
    pub void_reason: Option<String>,
}

/// Responsible persons, primary first. A client registered before this table existed (or by
/// the generator) shows its registration guardian as the primary one, without an id.
pub async fn responsible_persons(
    store: &Store,
    client: ClientId,
) -> StoreResult<Vec<ResponsiblePersonRow>> {
    let rows: Vec<ResponsiblePersonRow> = sqlx::query_as(
        "SELECT id, first_name, middle_name, last_name, relationship, phone, is_primary, voided_at, void_reason
         FROM client_responsible_persons WHERE client_id = ?
         ORDER BY voided_at IS NOT NULL, is_primary DESC, created_at, rowid",
    )
    .bind(client.to_string())
    .fetch_all(store.pool())
    .await?;
    if !rows.is_empty() {
        return Ok(rows);
    }
    let legacy: Option<(Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT guardian_first_name, guardian_last_name, guardian_relationship FROM clients WHERE id = ?",
    )
    .bind(client.to_string())
    .fetch_optional(store.pool())
    .await?;
    Ok(match legacy {
        Some((first, Some(last), relationship)) => vec![ResponsiblePersonRow {
            id: String::new(),
            first_name: first.unwrap_or_default(),
            middle_name: None,
            last_name: last,
            relationship: relationship.unwrap_or_default().to_lowercase(),
            phone: None,
            is_primary: true,
            voided_at: None,
            void_reason: None,
        }],
        _ => Vec::new(),
    })
}

/// Adds a responsible person; the first one (or one marked primary) becomes the primary
/// contact, mirrored into the client row for search.
pub async fn add_responsible_person_in_tx(
    tx: &mut Work,
    client: ClientId,
    person: &ResponsiblePerson,
    primary: bool,
    now: OffsetDateTime,
) -> StoreResult<String> {
    let (existing,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM client_responsible_persons WHERE client_id = ? AND voided_at IS NULL",
    )
    .bind(client.to_string())
    .fetch_one(&mut **tx)
    .await?;
    let primary = primary || existing == 0;
    if primary {
        sqlx::query(
            "UPDATE client_responsible_persons SET is_primary = 0, updated_at = ? WHERE client_id = ? AND is_primary = 1",
        )
        .bind(timestamp(now))
        .bind(client.to_string())
        .execute(&mut **tx)
        .await?;
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO client_responsible_persons (id, client_id, first_name, middle_name, last_name, relationship,
                                                 phone, is_primary, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(client.to_string())
    .bind(person.first_name.as_str())
    .bind(person.middle_name.as_ref().map(|n| n.as_str()))
    .bind(person.last_name.as_str())
    .bind(person.relationship)
    .bind(person.phone.as_ref().map(|p| p.as_str()))
    .bind(primary)
    .bind(timestamp(now))
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(
        tx,
        Entity::ClientResponsiblePerson,
        &id,
        ChangeOp::Insert,
        now,
    )
    .await?;
    mirror_primary_guardian_in_tx(tx, client).await?;
    touch_client(tx, client, now).await?;
    Ok(id)
}

/// Copies the primary responsible person (or the first one not voided) into the client row's
/// guardian columns, which search and the result list read.
async fn mirror_primary_guardian_in_tx(tx: &mut Work, client: ClientId) -> StoreResult<()> {
    sqlx::query(
        "UPDATE clients SET (guardian_first_name, guardian_last_name, guardian_relationship) =
            (SELECT first_name, last_name, relationship FROM client_responsible_persons
             WHERE client_id = ?1 AND voided_at IS NULL ORDER BY is_primary DESC, created_at LIMIT 1)
         WHERE id = ?1",
    )
    .bind(client.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Comments and notes

/// A coded comment.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommentRow {
    /// Id.
    pub id: String,
    /// Code.
    pub code: String,
    /// ISO date.
    pub applies_from: String,
    /// ISO date.
    pub applies_until: Option<String>,
    /// Details.
    pub text: Option<String>,
    /// Recording user's name.
    pub recorded_by_name: Option<String>,
    /// When voided.
    pub voided_at: Option<String>,
    /// Why.
    pub void_reason: Option<String>,
}

/// Adds a coded comment.
pub async fn add_comment_in_tx(
    tx: &mut Work,
    client: ClientId,
    comment: &Comment,
    by: UserId,
    org: OrganizationId,
    now: OffsetDateTime,
) -> StoreResult<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO client_comments (id, client_id, code, applies_from, applies_until, text, recorded_by,
                                      organization_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(client.to_string())
    .bind(comment.code.code)
    .bind(comment.applies_from.iso())
    .bind(comment.applies_until.map(|d| d.iso()))
    .bind(&comment.text)
    .bind(by.to_string())
    .bind(org.to_string())
    .bind(timestamp(now))
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(tx, Entity::ClientComment, &id, ChangeOp::Insert, now).await?;
    Ok(id)
}

/// Comments, most recent first (voided ones last).
pub async fn comments(store: &Store, client: ClientId) -> StoreResult<Vec<CommentRow>> {
    Ok(sqlx::query_as(
        "SELECT k.id, k.code, k.applies_from, k.applies_until, k.text,
                u.first_name || ' ' || u.last_name AS recorded_by_name, k.voided_at, k.void_reason
         FROM client_comments k LEFT JOIN users u ON u.id = k.recorded_by
         WHERE k.client_id = ? ORDER BY k.voided_at IS NOT NULL, k.applies_from DESC, k.rowid DESC",
    )
    .bind(client.to_string())
    .fetch_all(store.pool())
    .await?)
}

/// A note.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoteRow {
    /// Id.
    pub id: String,
    /// Text.
    pub text: String,
    /// Author's name.
    pub author_name: Option<String>,
    /// Author's organization.
    pub organization_name: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// When voided.
    pub voided_at: Option<String>,
    /// Why.
    pub void_reason: Option<String>,
}

/// Adds a note.
pub async fn add_note_in_tx(
    tx: &mut Work,
    client: ClientId,
    text: &str,
    by: UserId,
    org: OrganizationId,
    now: OffsetDateTime,
) -> StoreResult<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO client_notes (id, client_id, text, author_id, organization_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(client.to_string())
    .bind(text)
    .bind(by.to_string())
    .bind(org.to_string())
    .bind(timestamp(now))
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    change_log::append_in_tx(tx, Entity::ClientNote, &id, ChangeOp::Insert, now).await?;
    Ok(id)
}

/// Notes, newest first.
pub async fn notes(store: &Store, client: ClientId) -> StoreResult<Vec<NoteRow>> {
    Ok(sqlx::query_as(
        "SELECT n.id, n.text, u.first_name || ' ' || u.last_name AS author_name, o.name AS organization_name,
                n.created_at, n.voided_at, n.void_reason
         FROM client_notes n LEFT JOIN users u ON u.id = n.author_id
         LEFT JOIN organizations o ON o.id = n.organization_id
         WHERE n.client_id = ? ORDER BY n.created_at DESC, n.rowid DESC",
    )
    .bind(client.to_string())
    .fetch_all(store.pool())
    .await?)
}

#[cfg(test)]
mod tests;
