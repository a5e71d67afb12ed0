//! The demographics ports on SQLite, over [`crate::demographics`] and [`crate::clients`].

use shotbook_core::demographics::{
    Address, Aka, Comment, ConsentEntry, Personal, ResponsiblePerson, VoidableEntry,
};
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_usecases::ports::{DemographicsReads, DemographicsWrites, NewClientRecord};
use shotbook_usecases::{PortError, PortResult};
use time::Date;

use super::{iso, uuid};
use crate::clients::{self, NewClient};
use crate::demographics::{self as store, NewConsent, Voidable};
use crate::{duplicates, organizations, Store, Work};

impl DemographicsReads for Store {
    async fn organization_id_by_code(&self, code: &str) -> PortResult<Option<OrganizationId>> {
        let code = code.trim();
        organizations::all(self)
            .await?
            .into_iter()
            .find(|o| o.code.eq_ignore_ascii_case(code))
            .map(|o| uuid(&o.id, "organization id"))
            .transpose()
    }
}

/// A random unused ten-digit registry client number (generated clients use the same range).
async fn assign_registry_id(work: &mut Work, client: ClientId) -> PortResult<String> {
    use rand::Rng;
    for _ in 0..20 {
        let candidate = rand::rng()
            .random_range(1_000_000_000u64..10_000_000_000)
            .to_string();
        if clients::try_set_registry_id_in_tx(work, client, &candidate).await? {
            return Ok(candidate);
        }
    }
    Err(PortError::Failed(
        "no free registry client number after 20 draws".into(),
    ))
}

impl DemographicsWrites for Work {
    async fn insert_client(&mut self, client: &NewClientRecord) -> PortResult<String> {
        let now = self.now();
        let personal = &client.personal;
        let address = &client.address;
        let row = NewClient {
            id: client.id,
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
            consent: client.consent.code().into(),
            home_organization_id: Some(client.home_organization),
        };
        clients::insert_in_tx(self, &row, now).await?;
        let registry_id = assign_registry_id(self, client.id).await?;
        store::update_personal_in_tx(self, client.id, personal, now).await?;
        store::set_current_address_in_tx(self, client.id, address, now).await?;
        Ok(registry_id)
    }

    async fn record_consent(
        &mut self,
        client: ClientId,
        entry: &ConsentEntry,
        by: UserId,
        organization: OrganizationId,
    ) -> PortResult<String> {
        let now = self.now();
        let consent = NewConsent {
            status: entry.status,
            effective_on: entry.effective_on.iso(),
            method: entry.method.code(),
            given_by: entry.given_by.clone(),
            recorded_by: Some(by),
            organization_id: Some(organization),
        };
        Ok(store::record_consent_in_tx(self, client, &consent, now).await?)
    }

    async fn update_personal(&mut self, client: ClientId, personal: &Personal) -> PortResult<()> {
        let now = self.now();
        Ok(store::update_personal_in_tx(self, client, personal, now).await?)
    }

    async fn move_address(
        &mut self,
        client: ClientId,
        address: &Address,
        moved_on: Date,
    ) -> PortResult<()> {
        let now = self.now();
        Ok(store::move_address_in_tx(self, client, address, &iso(moved_on), now).await?)
    }

    async fn add_aka(&mut self, client: ClientId, aka: &Aka) -> PortResult<String> {
        let now = self.now();
        Ok(store::add_aka_in_tx(self, client, aka, now).await?)
    }

    async fn add_responsible_person(
        &mut self,
        client: ClientId,
        person: &ResponsiblePerson,
        primary: bool,
    ) -> PortResult<String> {
        let now = self.now();
        Ok(store::add_responsible_person_in_tx(self, client, person, primary, now).await?)
    }

    async fn set_membership(
        &mut self,
        client: ClientId,
        organization: OrganizationId,
        status: &'static str,
        status_on: Date,
    ) -> PortResult<()> {
        let now = self.now();
        Ok(
            store::set_membership_in_tx(self, client, organization, status, &iso(status_on), now)
                .await?,
        )
    }

    async fn add_comment(
        &mut self,
        client: ClientId,
        comment: &Comment,
        by: UserId,
        organization: OrganizationId,
    ) -> PortResult<String> {
        let now = self.now();
        Ok(store::add_comment_in_tx(self, client, comment, by, organization, now).await?)
    }

    async fn add_note(
        &mut self,
        client: ClientId,
        text: &str,
        by: UserId,
        organization: OrganizationId,
    ) -> PortResult<String> {
        let now = self.now();
        Ok(store::add_note_in_tx(self, client, text, by, organization, now).await?)
    }

    async fn void_entry(
        &mut self,
        client: ClientId,
        entry: VoidableEntry,
        id: &str,
        reason: &str,
    ) -> PortResult<()> {
        let what = match entry {
            VoidableEntry::Aka => Voidable::Name,
            VoidableEntry::ResponsiblePerson => Voidable::ResponsiblePerson,
            VoidableEntry::Comment => Voidable::Comment,
            VoidableEntry::Note => Voidable::Note,
        };
        let now = self.now();
        Ok(store::void_in_tx(self, what, client, id, reason, now).await?)
    }

    async fn record_possible_duplicate(
        &mut self,
        client: ClientId,
        other: ClientId,
        score: f64,
        reasons: &str,
    ) -> PortResult<()> {
        let now = self.now();
        duplicates::record_pair_in_tx(self, client, other, score, reasons, now).await?;
        Ok(())
    }
}
