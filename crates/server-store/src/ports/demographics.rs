//! The demographics ports on PostgreSQL: adding clients, consent, and the entries of the
//! Demographics screen. Nothing is deleted: entries are voided, addresses become history.

use shotbook_core::demographics::{
    Address, Aka, Comment, ConsentEntry, Personal, ResponsiblePerson, VoidableEntry,
};
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_core::normalize::fold_name;
use shotbook_protocol::{ChangeOp, Entity};
use shotbook_usecases::ports::{DemographicsReads, DemographicsWrites, NewClientRecord};
use shotbook_usecases::{PortError, PortResult};
use time::Date;
use uuid::Uuid;

use super::legacy_consent;
use crate::change_log::append;
use crate::{failed, PgRegistry, PgWork};

impl DemographicsReads for PgRegistry {
    async fn organization_id_by_code(&self, code: &str) -> PortResult<Option<OrganizationId>> {
        let row: Option<(Uuid,)> =
            sqlx::query_as("SELECT id FROM organizations WHERE lower(code) = lower($1)")
                .bind(code.trim())
                .fetch_optional(&self.pool)
                .await
                .map_err(failed)?;
        Ok(row.map(|(id,)| OrganizationId::from_uuid(id)))
    }
}

/// Marks the client changed (its `updated_at`) and logs it; `NotFound("client")` when absent.
async fn touch_client(work: &mut PgWork, client: ClientId) -> PortResult<()> {
    let now = work.now();
    let done = sqlx::query("UPDATE clients SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(client.as_uuid())
        .execute(work.connection())
        .await
        .map_err(failed)?;
    if done.rows_affected() == 0 {
        return Err(PortError::NotFound("client"));
    }
    append(work, Entity::Client, &client.to_string(), ChangeOp::Update).await
}

async fn set_current_address(
    work: &mut PgWork,
    client: ClientId,
    address: &Address,
) -> PortResult<()> {
    sqlx::query(
        "UPDATE clients SET address_line1 = $1, address_line2 = $2, city = $3, state = $4, county = $5, zip = $6
         WHERE id = $7",
    )
    .bind(&address.line1)
    .bind(&address.line2)
    .bind(&address.city)
    .bind(address.state)
    .bind(&address.county)
    .bind(address.zip.as_ref().map(|z| z.as_str()))
    .bind(client.as_uuid())
    .execute(work.connection())
    .await
    .map_err(failed)?;
    touch_client(work, client).await
}

/// Adds a name of `kind` to the client (AKAs, and every name a merge brings in).
pub(super) async fn add_name(
    work: &mut PgWork,
    client: ClientId,
    first: &str,
    middle: Option<&str>,
    last: &str,
    kind: &str,
) -> PortResult<Uuid> {
    let id = Uuid::now_v7();
    let now = work.now();
    sqlx::query(
        "INSERT INTO client_names (id, client_id, first_name, middle_name, last_name, first_name_folded,
                                   last_name_folded, kind, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(id)
    .bind(client.as_uuid())
    .bind(first)
    .bind(middle)
    .bind(last)
    .bind(fold_name(first))
    .bind(fold_name(last))
    .bind(kind)
    .bind(now)
    .execute(work.connection())
    .await
    .map_err(failed)?;
    append(work, Entity::ClientName, &id.to_string(), ChangeOp::Insert).await?;
    Ok(id)
}

/// Sets the client's relationship with `organization` (creating it, or bringing a voided one
/// back).
pub(super) async fn set_client_organization(
    work: &mut PgWork,
    client: ClientId,
    organization: OrganizationId,
    status: &str,
    status_on: Date,
) -> PortResult<()> {
    let now = work.now();
    let (inserted,): (bool,) = sqlx::query_as(
        "INSERT INTO client_organizations (client_id, organization_id, status, status_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (client_id, organization_id)
         DO UPDATE SET status = $3, status_on = $4, voided_at = NULL, void_reason = NULL, updated_at = $5
         RETURNING (xmax = 0)",
    )
    .bind(client.as_uuid())
    .bind(organization.as_uuid())
    .bind(status)
    .bind(status_on)
    .bind(now)
    .fetch_one(work.connection())
    .await
    .map_err(failed)?;
    let op = if inserted {
        ChangeOp::Insert
    } else {
        ChangeOp::Update
    };
    append(
        work,
        Entity::ClientOrganization,
        &format!("{client}/{organization}"),
        op,
    )
    .await
}

/// The table and entity of a voidable entry.
fn voidable(entry: VoidableEntry) -> (&'static str, Entity) {
    match entry {
        VoidableEntry::Aka => ("client_names", Entity::ClientName),
        VoidableEntry::ResponsiblePerson => (
            "client_responsible_persons",
            Entity::ClientResponsiblePerson,
        ),
        VoidableEntry::Comment => ("client_comments", Entity::ClientComment),
        VoidableEntry::Note => ("client_notes", Entity::ClientNote),
    }
}

/// Voids the client's entry; `NotFound` (the entity's code) when it is not the client's, is
/// already voided, or `id` is no entry id at all.
pub(super) async fn void(
    work: &mut PgWork,
    client: ClientId,
    entry: VoidableEntry,
    id: &str,
    reason: &str,
) -> PortResult<()> {
    let (table, entity) = voidable(entry);
    let Ok(uuid) = id.parse::<Uuid>() else {
        return Err(PortError::NotFound(entity.code()));
    };
    let now = work.now();
    let done = sqlx::query(&format!(
        "UPDATE {table} SET voided_at = $1, void_reason = $2, updated_at = $1
         WHERE id = $3 AND client_id = $4 AND voided_at IS NULL"
    ))
    .bind(now)
    .bind(reason)
    .bind(uuid)
    .bind(client.as_uuid())
    .execute(work.connection())
    .await
    .map_err(failed)?;
    if done.rows_affected() == 0 {
        return Err(PortError::NotFound(entity.code()));
    }
    append(work, entity, id, ChangeOp::Void).await?;
    if entry == VoidableEntry::ResponsiblePerson {
        mirror_primary_guardian(work, client).await?;
    }
    Ok(())
}

/// Copies the primary responsible person into `clients.guardian_*`, where search and the result
/// list read it.
async fn mirror_primary_guardian(work: &mut PgWork, client: ClientId) -> PortResult<()> {
    sqlx::query(
        "UPDATE clients c SET (guardian_first_name, guardian_last_name, guardian_relationship) =
            (SELECT p.first_name, p.last_name, p.relationship FROM client_responsible_persons p
             WHERE p.client_id = c.id AND p.voided_at IS NULL ORDER BY p.is_primary DESC, p.created_at LIMIT 1)
         WHERE c.id = $1",
    )
    .bind(client.as_uuid())
    .execute(work.connection())
    .await
    .map_err(failed)?;
    Ok(())
}

/// The personal columns, in the order the client insert and `update_personal` list them
/// (first name … phone): one binding for both.
fn bind_personal<'q>(
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    p: &'q Personal,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    query
        .bind(p.first_name.as_str())
        .bind(p.middle_name.as_ref().map(|n| n.as_str()))
        .bind(p.last_name.as_str())
        .bind(&p.suffix)
        .bind(p.first_name.folded())
        .bind(p.last_name.folded())
        .bind(p.date_of_birth.date().date())
        .bind(p.gender.code())
        .bind(p.mother_maiden_name.as_ref().map(|n| n.as_str()))
        .bind(p.multiple_birth)
        .bind(p.birth_order.map(i16::from))
        .bind(p.birth_state)
        .bind(p.birth_country)
        .bind(p.race)
        .bind(p.ethnicity)
        .bind(p.language)
        .bind(p.phone.as_ref().map(|n| n.as_str()))
}

impl DemographicsWrites for PgWork {
    async fn insert_client(&mut self, client: &NewClientRecord) -> PortResult<String> {
        use rand::Rng;
        let now = self.now();
        let p = &client.personal;
        let a = &client.address;
        // A random unused ten-digit registry client number (generated clients use the same
        // range), drawn into the insert itself: a number taken meanwhile inserts nothing and
        // another is drawn.
        for _ in 0..20 {
            let candidate = rand::rng()
                .random_range(1_000_000_000u64..10_000_000_000)
                .to_string();
            let query = sqlx::query(
                "INSERT INTO clients (id, registry_id, first_name, middle_name, last_name, suffix, first_name_folded,
                        last_name_folded, date_of_birth, gender, mother_maiden_name, multiple_birth, birth_order,
                        birth_state, birth_country, race, ethnicity, language, phone, address_line1, address_line2,
                        city, state, county, zip, consent, consent_status, home_organization_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                         $21, $22, $23, $24, $25, $26, $27, $28, $29, $29)
                 ON CONFLICT (registry_id) DO NOTHING",
            )
            .bind(client.id.as_uuid())
            .bind(&candidate);
            let inserted = bind_personal(query, p)
                .bind(&a.line1)
                .bind(&a.line2)
                .bind(&a.city)
                .bind(a.state)
                .bind(&a.county)
                .bind(a.zip.as_ref().map(|z| z.as_str()))
                .bind(legacy_consent(client.consent))
                .bind(client.consent.code())
                .bind(client.home_organization.as_uuid())
                .bind(now)
                .execute(self.connection())
                .await
                .map_err(failed)?;
            if inserted.rows_affected() == 1 {
                append(
                    self,
                    Entity::Client,
                    &client.id.to_string(),
                    ChangeOp::Insert,
                )
                .await?;
                return Ok(candidate);
            }
        }
        Err(PortError::Failed(
            "no free registry client number after 20 draws".into(),
        ))
    }

    async fn record_consent(
        &mut self,
        client: ClientId,
        entry: &ConsentEntry,
        by: UserId,
        organization: OrganizationId,
    ) -> PortResult<String> {
        let id = Uuid::now_v7();
        let now = self.now();
        sqlx::query(
            "INSERT INTO client_consents (id, client_id, status, effective_on, method, given_by, recorded_by,
                                          organization_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(id)
        .bind(client.as_uuid())
        .bind(entry.status.code())
        .bind(entry.effective_on.date())
        .bind(entry.method.code())
        .bind(&entry.given_by)
        .bind(by.as_uuid())
        .bind(organization.as_uuid())
        .bind(now)
        .execute(self.connection())
        .await
        .map_err(failed)?;
        append(
            self,
            Entity::ClientConsent,
            &id.to_string(),
            ChangeOp::Insert,
        )
        .await?;
        sqlx::query("UPDATE clients SET consent = $1, consent_status = $2 WHERE id = $3")
            .bind(legacy_consent(entry.status))
            .bind(entry.status.code())
            .bind(client.as_uuid())
            .execute(self.connection())
            .await
            .map_err(failed)?;
        touch_client(self, client).await?;
        Ok(id.to_string())
    }

    async fn update_personal(&mut self, client: ClientId, p: &Personal) -> PortResult<()> {
        let query = sqlx::query(
            "UPDATE clients SET first_name = $1, middle_name = $2, last_name = $3, suffix = $4,
                    first_name_folded = $5, last_name_folded = $6, date_of_birth = $7, gender = $8,
                    mother_maiden_name = $9, multiple_birth = $10, birth_order = $11, birth_state = $12,
                    birth_country = $13, race = $14, ethnicity = $15, language = $16, phone = $17
             WHERE id = $18",
        );
        bind_personal(query, p)
            .bind(client.as_uuid())
            .execute(self.connection())
            .await
            .map_err(failed)?;
        touch_client(self, client).await
    }

    async fn move_address(
        &mut self,
        client: ClientId,
        address: &Address,
        moved_on: Date,
    ) -> PortResult<()> {
        let id = Uuid::now_v7();
        let now = self.now();
        let archived = sqlx::query(
            "INSERT INTO client_addresses (id, client_id, address_line1, address_line2, city, state, county, zip,
                                           ended_on, created_at, updated_at)
             SELECT $1, id, address_line1, address_line2, city, state, county, zip, $2, $3, $3 FROM clients
             WHERE id = $4 AND coalesce(address_line1, city, zip, county) IS NOT NULL",
        )
        .bind(id)
        .bind(moved_on)
        .bind(now)
        .bind(client.as_uuid())
        .execute(self.connection())
        .await
        .map_err(failed)?;
        if archived.rows_affected() > 0 {
            append(
                self,
                Entity::ClientAddress,
                &id.to_string(),
                ChangeOp::Insert,
            )
            .await?;
        }
        set_current_address(self, client, address).await
    }

    async fn add_aka(&mut self, client: ClientId, aka: &Aka) -> PortResult<String> {
        let id = add_name(
            self,
            client,
            aka.first_name.as_str(),
            aka.middle_name.as_ref().map(|n| n.as_str()),
            aka.last_name.as_str(),
            aka.kind,
        )
        .await?;
        Ok(id.to_string())
    }

    async fn add_responsible_person(
        &mut self,
        client: ClientId,
        person: &ResponsiblePerson,
        primary: bool,
    ) -> PortResult<String> {
        let now = self.now();
        let (existing,): (i64,) = sqlx::query_as(
            "SELECT count(*) FROM client_responsible_persons WHERE client_id = $1 AND voided_at IS NULL",
        )
        .bind(client.as_uuid())
        .fetch_one(self.connection())
        .await
        .map_err(failed)?;
        let primary = primary || existing == 0;
        if primary {
            sqlx::query(
                "UPDATE client_responsible_persons SET is_primary = false, updated_at = $1
                 WHERE client_id = $2 AND is_primary",
            )
            .bind(now)
            .bind(client.as_uuid())
            .execute(self.connection())
            .await
            .map_err(failed)?;
        }
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO client_responsible_persons (id, client_id, first_name, middle_name, last_name, relationship,
                                                     phone, is_primary, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(id)
        .bind(client.as_uuid())
        .bind(person.first_name.as_str())
        .bind(person.middle_name.as_ref().map(|n| n.as_str()))
        .bind(person.last_name.as_str())
        .bind(person.relationship)
        .bind(person.phone.as_ref().map(|p| p.as_str()))
        .bind(primary)
        .bind(now)
        .execute(self.connection())
        .await
        .map_err(failed)?;
        append(
            self,
            Entity::ClientResponsiblePerson,
            &id.to_string(),
            ChangeOp::Insert,
        )
        .await?;
        mirror_primary_guardian(self, client).await?;
        touch_client(self, client).await?;
        Ok(id.to_string())
    }

    async fn set_membership(
        &mut self,
        client: ClientId,
        organization: OrganizationId,
        status: &'static str,
        status_on: Date,
    ) -> PortResult<()> {
        set_client_organization(self, client, organization, status, status_on).await
    }

    async fn add_comment(
        &mut self,
        client: ClientId,
        comment: &Comment,
        by: UserId,
        organization: OrganizationId,
    ) -> PortResult<String> {
        let id = Uuid::now_v7();
        let now = self.now();
        sqlx::query(
            "INSERT INTO client_comments (id, client_id, code, applies_from, applies_until, text, recorded_by,
                                          organization_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(id)
        .bind(client.as_uuid())
        .bind(comment.code.code)
        .bind(comment.applies_from.date())
        .bind(comment.applies_until.map(|d| d.date()))
        .bind(&comment.text)
        .bind(by.as_uuid())
        .bind(organization.as_uuid())
        .bind(now)
        .execute(self.connection())
        .await
        .map_err(failed)?;
        append(
            self,
            Entity::ClientComment,
            &id.to_string(),
            ChangeOp::Insert,
        )
        .await?;
        Ok(id.to_string())
    }

    async fn add_note(
        &mut self,
        client: ClientId,
        text: &str,
        by: UserId,
        organization: OrganizationId,
    ) -> PortResult<String> {
        let id = Uuid::now_v7();
        let now = self.now();
        sqlx::query(
            "INSERT INTO client_notes (id, client_id, text, author_id, organization_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(id)
        .bind(client.as_uuid())
        .bind(text)
        .bind(by.as_uuid())
        .bind(organization.as_uuid())
        .bind(now)
        .execute(self.connection())
        .await
        .map_err(failed)?;
        append(self, Entity::ClientNote, &id.to_string(), ChangeOp::Insert).await?;
        Ok(id.to_string())
    }

    async fn void_entry(
        &mut self,
        client: ClientId,
        entry: VoidableEntry,
        id: &str,
        reason: &str,
    ) -> PortResult<()> {
        void(self, client, entry, id, reason).await
    }

    async fn record_possible_duplicate(
        &mut self,
        client: ClientId,
        other: ClientId,
        score: f64,
        reasons: &str,
    ) -> PortResult<()> {
        super::duplicates::record_pair(self, client, other, score, reasons).await?;
        Ok(())
    }
}
