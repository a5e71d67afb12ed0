//! The demographics ports in memory.

use shotbook_core::demographics::{
    Address, Aka, Comment, ConsentEntry, Personal, ResponsiblePerson, VoidableEntry,
};
use shotbook_core::ids::{ClientId, OrganizationId, UserId};
use shotbook_protocol::{ChangeOp, Entity};
use time::Date;

use super::{MemoryRegistry, MemoryWork};
use crate::ports::{ClientFacts, DemographicsReads, DemographicsWrites, NewClientRecord};
use crate::{PortError, PortResult};

/// An entry of a client's demographics that is voided, never deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<T> {
    /// Its id.
    pub id: String,
    /// What it holds.
    pub value: T,
    /// Why it was voided, once it is.
    pub void_reason: Option<String>,
}

/// What the in-memory registry holds about one client beyond [`ClientFacts`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemoryDemographics {
    /// Registry client number.
    pub registry_id: Option<String>,
    /// Personal information, once written.
    pub personal: Option<Personal>,
    /// Current address.
    pub address: Address,
    /// Previous addresses with the day each ended.
    pub previous_addresses: Vec<(Address, Date)>,
    /// Consent entries, oldest first.
    pub consents: Vec<ConsentEntry>,
    /// Names also known as.
    pub akas: Vec<Entry<Aka>>,
    /// Parents and guardians, with whether each is primary.
    pub responsible_persons: Vec<Entry<(ResponsiblePerson, bool)>>,
    /// Coded comments.
    pub comments: Vec<Entry<Comment>>,
    /// Notes.
    pub notes: Vec<Entry<String>>,
    /// Relationships with organizations: status and since when.
    pub memberships: Vec<(OrganizationId, &'static str, Date)>,
}

impl DemographicsReads for MemoryRegistry {
    async fn organization_id_by_code(&self, code: &str) -> PortResult<Option<OrganizationId>> {
        let code = code.trim();
        self.read(|s| {
            s.organization_codes
                .iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(code))
                .map(|(_, id)| *id)
        })
    }
}

impl MemoryWork {
    fn next_id(&mut self, kind: &str) -> String {
        self.state.next_entry += 1;
        format!("{kind}-{}", self.state.next_entry)
    }

    /// The client's demographics, marking the client changed; `NotFound("client")` when absent.
    fn client_mut(&mut self, client: ClientId) -> PortResult<&mut MemoryDemographics> {
        if !self.state.clients.contains_key(&client) {
            return Err(PortError::NotFound("client"));
        }
        self.log(Entity::Client, client.to_string(), ChangeOp::Update);
        Ok(self.state.demographics.entry(client).or_default())
    }
}

fn void<T>(entries: &mut [Entry<T>], id: &str, reason: &str) -> bool {
    match entries
        .iter_mut()
        .find(|e| e.id == id && e.void_reason.is_none())
    {
        Some(e) => {
            e.void_reason = Some(reason.to_string());
            true
        }
        None => false,
    }
}

impl DemographicsWrites for MemoryWork {
    async fn insert_client(&mut self, client: &NewClientRecord) -> PortResult<String> {
        self.state.next_entry += 1;
        let registry_id = format!("{:010}", 1_000_000_000 + self.state.next_entry);
        self.state.clients.insert(
            client.id,
            ClientFacts {
                state: client.address.state.map(str::to_string),
                merged_into: None,
                date_of_birth: client.personal.date_of_birth.date().date(),
                consent: client.consent,
                organizations: vec![client.home_organization],
            },
        );
        self.state.demographics.insert(
            client.id,
            MemoryDemographics {
                registry_id: Some(registry_id.clone()),
                personal: Some(client.personal.clone()),
                address: client.address.clone(),
                ..Default::default()
            },
        );
        self.log(Entity::Client, client.id.to_string(), ChangeOp::Insert);
        Ok(registry_id)
    }

    async fn record_consent(
        &mut self,
        client: ClientId,
        entry: &ConsentEntry,
        _by: UserId,
        _organization: OrganizationId,
    ) -> PortResult<String> {
        let id = self.next_id("consent");
        self.client_mut(client)?.consents.push(entry.clone());
        if let Some(facts) = self.state.clients.get_mut(&client) {
            facts.consent = entry.status;
        }
        self.log(Entity::ClientConsent, id.clone(), ChangeOp::Insert);
        Ok(id)
    }

    async fn update_personal(&mut self, client: ClientId, personal: &Personal) -> PortResult<()> {
        self.client_mut(client)?.personal = Some(personal.clone());
        if let Some(facts) = self.state.clients.get_mut(&client) {
            facts.date_of_birth = personal.date_of_birth.date().date();
        }
        Ok(())
    }

    async fn move_address(
        &mut self,
        client: ClientId,
        address: &Address,
        moved_on: Date,
    ) -> PortResult<()> {
        if let Some(facts) = self.state.clients.get_mut(&client) {
            facts.state = address.state.map(str::to_string);
        }
        let d = self.client_mut(client)?;
        let previous = std::mem::replace(&mut d.address, address.clone());
        let archived = !previous.is_empty();
        if archived {
            d.previous_addresses.push((previous, moved_on));
            let id = self.next_id("address");
            self.log(Entity::ClientAddress, id, ChangeOp::Insert);
        }
        Ok(())
    }

    async fn add_aka(&mut self, client: ClientId, aka: &Aka) -> PortResult<String> {
        let id = self.next_id("name");
        self.client_mut(client)?.akas.push(Entry {
            id: id.clone(),
            value: aka.clone(),
            void_reason: None,
        });
        self.log(Entity::ClientName, id.clone(), ChangeOp::Insert);
        Ok(id)
    }

    async fn add_responsible_person(
        &mut self,
        client: ClientId,
        person: &ResponsiblePerson,
        primary: bool,
    ) -> PortResult<String> {
        let id = self.next_id("person");
        let d = self.client_mut(client)?;
        let first = d
            .responsible_persons
            .iter()
            .all(|p| p.void_reason.is_some());
        let primary = primary || first;
        if primary {
            for p in &mut d.responsible_persons {
                p.value.1 = false;
            }
        }
        d.responsible_persons.push(Entry {
            id: id.clone(),
            value: (person.clone(), primary),
            void_reason: None,
        });
        self.log(
            Entity::ClientResponsiblePerson,
            id.clone(),
            ChangeOp::Insert,
        );
        Ok(id)
    }

    async fn set_membership(
        &mut self,
        client: ClientId,
        organization: OrganizationId,
        status: &'static str,
        status_on: Date,
    ) -> PortResult<()> {
        if !self.state.clients.contains_key(&client) {
            return Err(PortError::NotFound("client"));
        }
        let d = self.state.demographics.entry(client).or_default();
        let op = match d
            .memberships
            .iter_mut()
            .find(|(o, _, _)| *o == organization)
        {
            Some(m) => {
                *m = (organization, status, status_on);
                ChangeOp::Update
            }
            None => {
                d.memberships.push((organization, status, status_on));
                ChangeOp::Insert
            }
        };
        // Only an active relationship makes the client the organization's own (the home
        // organization, first, stays).
        if let Some(facts) = self.state.clients.get_mut(&client) {
            let home = facts.organizations.first().copied();
            if status == "active" {
                if !facts.organizations.contains(&organization) {
                    facts.organizations.push(organization);
                }
            } else if home != Some(organization) {
                facts.organizations.retain(|o| *o != organization);
            }
        }
        self.log(
            Entity::ClientOrganization,
            format!("{client}/{organization}"),
            op,
        );
        Ok(())
    }

    async fn add_comment(
        &mut self,
        client: ClientId,
        comment: &Comment,
        _by: UserId,
        _organization: OrganizationId,
    ) -> PortResult<String> {
        let id = self.next_id("comment");
        self.client_mut(client)?.comments.push(Entry {
            id: id.clone(),
            value: comment.clone(),
            void_reason: None,
        });
        self.log(Entity::ClientComment, id.clone(), ChangeOp::Insert);
        Ok(id)
    }

    async fn add_note(
        &mut self,
        client: ClientId,
        text: &str,
        _by: UserId,
        _organization: OrganizationId,
    ) -> PortResult<String> {
        let id = self.next_id("note");
        self.client_mut(client)?.notes.push(Entry {
            id: id.clone(),
            value: text.to_string(),
            void_reason: None,
        });
        self.log(Entity::ClientNote, id.clone(), ChangeOp::Insert);
        Ok(id)
    }

    async fn void_entry(
        &mut self,
        client: ClientId,
        entry: VoidableEntry,
        id: &str,
        reason: &str,
    ) -> PortResult<()> {
        let d = self.state.demographics.entry(client).or_default();
        let (voided, entity) = match entry {
            VoidableEntry::Aka => (void(&mut d.akas, id, reason), Entity::ClientName),
            VoidableEntry::ResponsiblePerson => (
                void(&mut d.responsible_persons, id, reason),
                Entity::ClientResponsiblePerson,
            ),
            VoidableEntry::Comment => (void(&mut d.comments, id, reason), Entity::ClientComment),
            VoidableEntry::Note => (void(&mut d.notes, id, reason), Entity::ClientNote),
        };
        if !voided {
            return Err(PortError::NotFound(entity.code()));
        }
        self.log(entity, id.to_string(), ChangeOp::Void);
        Ok(())
    }

    async fn record_possible_duplicate(
        &mut self,
        client: ClientId,
        other: ClientId,
        score: f64,
        _reasons: &str,
    ) -> PortResult<()> {
        let pair = if client.to_string() < other.to_string() {
            (client, other)
        } else {
            (other, client)
        };
        match self
            .state
            .possible_duplicates
            .iter_mut()
            .find(|(a, b, _)| (*a, *b) == pair)
        {
            Some(open) => open.2 = open.2.max(score),
            None => self.state.possible_duplicates.push((pair.0, pair.1, score)),
        }
        let id = format!("{}/{}", pair.0, pair.1);
        self.log(Entity::DuplicatePair, id, ChangeOp::Insert);
        Ok(())
    }
}
