//! An in-memory registry implementing every port: the second implementation that keeps the
//! ports honest (no SQLite in their shapes), and a quick registry for use-case tests.
//!
//! A unit of work copies the state when it begins and replaces it on commit; dropped
//! uncommitted, it changes nothing. Concurrent units of work are not isolated from each other
//! beyond that (last commit wins): enough for tests, not for a server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use shotbook_core::audit::AuditEvent;
use shotbook_core::codes::Cvx;
use shotbook_core::ids::{ClientId, ImmunizationId, OrganizationId, UserId, VaccineLotId};
use shotbook_core::immunization::entry::LotFacts;
use shotbook_core::immunization::entry::VaccineFacts;
use shotbook_core::immunization::lot::{LotAdjustment, ReceiveLot};
use shotbook_protocol::{ChangeOp, Entity, Origin};

use crate::ports::{
    AuditWrites, CatalogReads, ClientFacts, ClientReads, DoseChange, DoseRecord, ImmunizationReads,
    ImmunizationWrites, LotAdjusted, LotReads, LotWrites, Mail, MailReads, MailWrites, QueuedMail,
    Registry, StoredDose, StoredLot, UnitOfWork, VisEdition,
};
use crate::{PortError, PortResult};

mod duplicates;
pub use duplicates::MemoryMerge;
mod access;
pub use access::{MemoryAccount, MemoryHost, SignInState};
mod demographics;
mod recall;
mod reports;
mod school;
mod search;
mod sign_in;
pub use demographics::{Entry, MemoryDemographics};

/// One logged change: what the SQLite store's `change_log` would hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedChange {
    /// The record kind.
    pub entity: Entity,
    /// Its id.
    pub id: String,
    /// What happened.
    pub op: ChangeOp,
    /// Who wrote it.
    pub origin: Origin,
}

/// Everything the in-memory registry holds.
#[derive(Debug, Clone, Default)]
pub struct MemoryState {
    /// Clients.
    pub clients: HashMap<ClientId, ClientFacts>,
    /// CDC vaccines by CVX.
    pub vaccines: HashMap<String, VaccineFacts>,
    /// VIS editions by GS1 string.
    pub vis: HashMap<String, VisEdition>,
    /// Lots.
    pub lots: HashMap<VaccineLotId, StoredLot>,
    /// Doses, in insertion order.
    pub doses: Vec<StoredDose>,
    /// Audit events.
    pub audit: Vec<AuditEvent>,
    /// The change log.
    pub changes: Vec<LoggedChange>,
    /// The duplicates queue, by pair id.
    pub pairs: HashMap<String, crate::ports::DuplicatePair>,
    /// Merges, by id.
    pub merges: HashMap<String, MemoryMerge>,
    /// Organizations.
    pub organizations: HashMap<OrganizationId, crate::ports::OrganizationFacts>,
    /// The counties sub-state organizations serve.
    pub service_counties: HashMap<OrganizationId, Vec<String>>,
    /// Access requests, in insertion order.
    pub access_requests: Vec<crate::ports::StoredAccessRequest>,
    /// Accounts.
    pub accounts: HashMap<UserId, MemoryAccount>,
    /// Memberships.
    pub memberships: HashMap<(UserId, OrganizationId), crate::ports::Membership>,
    /// Organization ids by code.
    pub organization_codes: HashMap<String, OrganizationId>,
    /// Clients' demographics beyond their [`ClientFacts`].
    pub demographics: HashMap<ClientId, MemoryDemographics>,
    /// The duplicates queue: pairs of clients (lower id first) and their score.
    pub possible_duplicates: Vec<(ClientId, ClientId, f64)>,
    /// The last number given to a new entry or registry client number.
    pub next_entry: u64,
    /// Mail queued by committed units of work, with whether it was sent.
    pub mail: Vec<(Mail, bool)>,
    /// Student lists, with their students.
    pub student_lists: Vec<(crate::ports::StudentListFacts, Vec<MemoryStudent>)>,
    /// Reminder/recall notices sent.
    pub notices: Vec<crate::ports::NoticeRecord>,
    /// Every lot's movements (receipts, doses, voids, adjustments).
    pub lot_movements: Vec<(VaccineLotId, shotbook_reports::lot_usage::LotMovement)>,
}

/// A student on a list in memory: the client, what the school keeps, the day added.
pub type MemoryStudent = (
    ClientId,
    shotbook_reports::school::StudentDetails,
    time::Date,
);

/// The registry.
#[derive(Debug, Clone, Default)]
pub struct MemoryRegistry {
    state: Arc<Mutex<MemoryState>>,
}

/// A unit of work of [`MemoryRegistry`].
#[derive(Debug)]
pub struct MemoryWork {
    registry: MemoryRegistry,
    state: MemoryState,
    origin: Origin,
    at: time::OffsetDateTime,
}

fn poisoned() -> PortError {
    PortError::Failed("the in-memory registry's lock is poisoned".into())
}

impl MemoryRegistry {
    /// A registry holding `state`.
    pub fn new(state: MemoryState) -> Self {
        Self {
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// A copy of the current state.
    pub fn snapshot(&self) -> MemoryState {
        self.state.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn read<T>(&self, f: impl FnOnce(&MemoryState) -> T) -> PortResult<T> {
        self.state.lock().map(|s| f(&s)).map_err(|_| poisoned())
    }
}

impl ClientReads for MemoryRegistry {
    async fn client_facts(&self, client: ClientId) -> PortResult<ClientFacts> {
        self.read(|s| s.clients.get(&client).cloned())?
            .ok_or(PortError::NotFound("client"))
    }
}

impl CatalogReads for MemoryRegistry {
    async fn vaccine(&self, cvx: &Cvx) -> PortResult<Option<VaccineFacts>> {
        self.read(|s| s.vaccines.get(cvx.as_str()).cloned())
    }
    async fn vis_edition(&self, document: &str) -> PortResult<Option<VisEdition>> {
        self.read(|s| s.vis.get(document).cloned())
    }
}

impl LotReads for MemoryRegistry {
    async fn lot(&self, lot: VaccineLotId) -> PortResult<Option<StoredLot>> {
        self.read(|s| s.lots.get(&lot).cloned())
    }
}

impl ImmunizationReads for MemoryRegistry {
    async fn doses_of(&self, client: ClientId) -> PortResult<Vec<StoredDose>> {
        self.read(|s| {
            let mut doses: Vec<StoredDose> = s
                .doses
                .iter()
                .filter(|d| d.client == client)
                .cloned()
                .collect();
            doses.sort_by_key(|d| d.administered_on);
            doses
        })
    }
    async fn dose(&self, id: ImmunizationId) -> PortResult<Option<StoredDose>> {
        self.read(|s| s.doses.iter().find(|d| d.id == id).cloned())
    }
}

impl Registry for MemoryRegistry {
    type Work = MemoryWork;
    async fn begin(&self, origin: Origin, at: time::OffsetDateTime) -> PortResult<MemoryWork> {
        Ok(MemoryWork {
            registry: self.clone(),
            state: self.read(Clone::clone)?,
            origin,
            at,
        })
    }
}

impl MemoryWork {
    fn log(&mut self, entity: Entity, id: String, op: ChangeOp) {
        self.state.changes.push(LoggedChange {
            entity,
            id,
            op,
            origin: self.origin.clone(),
        });
    }
}

impl ImmunizationWrites for MemoryWork {
    async fn insert_dose(&mut self, dose: &DoseRecord) -> PortResult<()> {
        let groups = self
            .state
            .vaccines
            .get(&dose.cvx)
            .map(|v| v.groups.clone())
            .unwrap_or_default();
        self.state.doses.push(StoredDose {
            id: dose.id,
            client: dose.client,
            cvx: dose.cvx.clone(),
            groups,
            administered_on: dose.administered_on,
            source: dose.source,
            voided: false,
            lot: None,
            lot_number: dose.lot_number.clone(),
            expiration_date: dose.expiration_date,
            owner: Some(dose.recorded_by_organization),
            revision: 1,
            vis_document: dose.vis.as_ref().map(|(v, _)| v.document.clone()),
            vis_edition_date: dose.vis.as_ref().map(|(v, _)| v.edition_date),
            vis_given_on: dose.vis.as_ref().and_then(|(_, on)| *on),
        });
        self.log(Entity::Immunization, dose.id.to_string(), ChangeOp::Insert);
        Ok(())
    }

    async fn insert_dose_from_lot(
        &mut self,
        dose: &DoseRecord,
        lot: VaccineLotId,
    ) -> PortResult<bool> {
        let Some(stored) = self.state.lots.get_mut(&lot) else {
            return Ok(false);
        };
        if stored.facts.organization_id != dose.recorded_by_organization
            || stored.facts.expires_on < dose.administered_on
            || stored.facts.on_hand < 1
        {
            return Ok(false);
        }
        stored.facts.on_hand -= 1;
        self.moved(lot, "administered", None, -1);
        self.log(Entity::VaccineLot, lot.to_string(), ChangeOp::Update);
        self.insert_dose(dose).await?;
        if let Some(d) = self.state.doses.last_mut() {
            d.lot = Some(lot);
        }
        Ok(true)
    }

    async fn correct_dose(
        &mut self,
        id: ImmunizationId,
        expected_revision: i64,
        change: &DoseChange,
        _reason: &str,
        _by: UserId,
    ) -> PortResult<bool> {
        let Some(dose) = self
            .state
            .doses
            .iter_mut()
            .find(|d| d.id == id && d.revision == expected_revision && !d.voided)
        else {
            return Ok(false);
        };
        dose.administered_on = change.administered_on;
        dose.cvx = change.cvx.clone();
        dose.lot_number = change.lot_number.clone();
        dose.revision += 1;
        self.log(Entity::Immunization, id.to_string(), ChangeOp::Update);
        Ok(true)
    }

    async fn void_dose(
        &mut self,
        id: ImmunizationId,
        _reason: &str,
        _by: UserId,
    ) -> PortResult<()> {
        let dose = self
            .state
            .doses
            .iter_mut()
            .find(|d| d.id == id && !d.voided)
            .ok_or(PortError::NotFound("immunization"))?;
        dose.voided = true;
        let lot = dose.lot;
        self.log(Entity::Immunization, id.to_string(), ChangeOp::Void);
        if let Some(lot) = lot {
            if let Some(stored) = self.state.lots.get_mut(&lot) {
                stored.facts.on_hand += 1;
            }
            self.moved(lot, "dose_voided", None, 1);
            self.log(Entity::VaccineLot, lot.to_string(), ChangeOp::Update);
        }
        Ok(())
    }
}

impl MemoryWork {
    /// Logs a lot's movement on the work's day.
    fn moved(&mut self, lot: VaccineLotId, kind: &str, reason: Option<&str>, quantity: i64) {
        self.state.lot_movements.push((
            lot,
            shotbook_reports::lot_usage::LotMovement {
                kind: kind.into(),
                reason: reason.map(str::to_string),
                quantity,
                on: self.at.date(),
            },
        ));
    }
}

impl LotWrites for MemoryWork {
    async fn receive_lot(
        &mut self,
        organization: OrganizationId,
        lot: &ReceiveLot,
        _trade_name: Option<&str>,
        _by: UserId,
    ) -> PortResult<VaccineLotId> {
        let held = self.state.lots.values_mut().find(|held| {
            held.facts.organization_id == organization
                && held.facts.cvx == lot.cvx
                && held.facts.lot_number == lot.lot_number.as_str()
                && held.funding == Some(lot.funding)
        });
        let id = match held {
            Some(held) => {
                held.facts.on_hand += lot.quantity;
                held.id
            }
            None => {
                let id = VaccineLotId::new();
                self.state.lots.insert(
                    id,
                    StoredLot {
                        id,
                        facts: LotFacts {
                            lot_number: lot.lot_number.as_str().to_string(),
                            organization_id: organization,
                            cvx: lot.cvx.clone(),
                            expires_on: lot.expires_on.date(),
                            on_hand: lot.quantity,
                        },
                        mvx: Some(lot.mvx.as_str().to_string()),
                        ndc: lot.ndc.clone(),
                        funding: Some(lot.funding),
                    },
                );
                id
            }
        };
        self.moved(id, "received", None, lot.quantity);
        self.log(Entity::VaccineLot, id.to_string(), ChangeOp::Update);
        Ok(id)
    }

    async fn adjust_lot(
        &mut self,
        organization: OrganizationId,
        adjustment: &LotAdjustment,
        _by: UserId,
    ) -> PortResult<LotAdjusted> {
        let Some(lot) = self
            .state
            .lots
            .get_mut(&adjustment.lot)
            .filter(|l| l.facts.organization_id == organization)
        else {
            return Ok(LotAdjusted::NotFound);
        };
        if lot.facts.on_hand + adjustment.change < 0 {
            return Ok(LotAdjusted::NotEnough(lot.facts.on_hand));
        }
        lot.facts.on_hand += adjustment.change;
        let on_hand = lot.facts.on_hand;
        self.moved(
            adjustment.lot,
            "adjusted",
            Some(adjustment.reason.code()),
            adjustment.change,
        );
        self.log(
            Entity::VaccineLot,
            adjustment.lot.to_string(),
            ChangeOp::Update,
        );
        Ok(LotAdjusted::Applied(on_hand))
    }
}

impl AuditWrites for MemoryWork {
    async fn audit(&mut self, event: &AuditEvent) -> PortResult<()> {
        self.state.audit.push(event.clone());
        Ok(())
    }
}

impl MailWrites for MemoryWork {
    async fn queue_mail(&mut self, mail: &Mail) -> PortResult<()> {
        self.state.mail.push((mail.clone(), false));
        Ok(())
    }
}

impl MailReads for MemoryRegistry {
    async fn unsent_mail(&self) -> PortResult<Vec<QueuedMail>> {
        self.read(|s| {
            s.mail
                .iter()
                .enumerate()
                .filter(|(_, (_, sent))| !sent)
                .map(|(i, (mail, _))| QueuedMail {
                    id: i64::try_from(i).unwrap_or(i64::MAX),
                    mail: mail.clone(),
                    attempts: 0,
                })
                .collect()
        })
    }
}

impl UnitOfWork for MemoryWork {
    async fn commit(self) -> PortResult<()> {
        let mut shared = self.registry.state.lock().map_err(|_| poisoned())?;
        *shared = self.state;
        Ok(())
    }
}
