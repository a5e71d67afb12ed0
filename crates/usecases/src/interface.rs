//! A vaccination report from another system — an EHR's HL7 VXU, a FHIR Immunization bundle —
//! received the way a clinic user would enter it: the patient found by Smart search (one
//! likely match that agrees exactly on both names and the date of birth: that client;
//! otherwise a new client, with any possible matches sent to the duplicates queue), then each dose recorded through the same use cases as the screens
//! (consent rule, CVX table, entry rules), after vaccination-level deduplication: a dose the
//! registry already holds for the client (same day, same vaccine group) is not recorded again,
//! whoever reported it first.
//!
//! The actor is the sending organization's interface account (`Via::Interface`), so the
//! permission, the organization that owns the doses and the audit trail are the sender's.
//! The format is the host's business: the HL7 and FHIR adapters build a [`Report`].

use shotbook_core::audit::AuditAction;
use shotbook_core::clock::Clock;
use shotbook_core::demographics::NewClientEntry;
use shotbook_core::ids::{ClientId, ImmunizationId};
use shotbook_core::immunization::dose::{AdministeredDose, DoseProduct, HistoricalDose};
use shotbook_core::matching::smart::Bar;
use shotbook_core::matching::PersonRecord;

use crate::demographics::{add_client, AddedClient, PossibleDuplicate};
use crate::immunizations::{record_administered, record_historical};
use crate::ports::{AuditWrites, Registry, ScoredLine, UnitOfWork};
use crate::{need, Permit, PortError, UseCaseError, UseCaseResult};

/// Most candidates Smart search brings back for a reported patient.
const CANDIDATES: usize = 10;

/// One reported dose.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportedDose {
    /// Given by the sender (its `client` is replaced by the matched client).
    Administered(Box<AdministeredDose>),
    /// From another record.
    Historical(HistoricalDose),
}

impl ReportedDose {
    fn cvx(&self) -> Option<&shotbook_core::codes::Cvx> {
        match self {
            ReportedDose::Administered(d) => match &d.product {
                DoseProduct::Typed { cvx, .. } => Some(cvx),
                DoseProduct::FromLot(_) => None,
            },
            ReportedDose::Historical(d) => Some(&d.cvx),
        }
    }

    fn administered_on(&self) -> time::Date {
        match self {
            ReportedDose::Administered(d) => d.administered_on,
            ReportedDose::Historical(d) => d.administered_on,
        }
    }
}

/// What another system reports: who, as a new-client entry would record them (already parsed
/// by the domain's rules), the person as Smart search compares them, and the doses in message
/// order.
#[derive(Debug, Clone)]
pub struct Report {
    /// The patient as a new client.
    pub patient: NewClientEntry,
    /// The patient for Smart search.
    pub person: PersonRecord,
    /// The doses.
    pub doses: Vec<ReportedDose>,
}

/// Whom the report was filed under.
#[derive(Debug, Clone, PartialEq)]
pub enum Filed {
    /// The one client Smart search found likely to be the patient.
    Existing(ClientId),
    /// A new client; `possible_duplicates` candidates went to the duplicates queue for a
    /// person to decide.
    New {
        /// The new client.
        client: ClientId,
        /// How many possible matches were queued.
        possible_duplicates: usize,
    },
}

impl Filed {
    /// The client the doses went to.
    pub fn client(&self) -> ClientId {
        match self {
            Filed::Existing(c) | Filed::New { client: c, .. } => *c,
        }
    }
}

/// What became of one reported dose.
#[derive(Debug)]
pub enum DoseFate {
    /// Recorded.
    Recorded(ImmunizationId),
    /// The registry already holds this dose for the client (same day, same vaccine group).
    AlreadyRecorded(ImmunizationId),
    /// The rules refused it (consent, entry rules, CVX table): the reason, for the sender.
    Refused(UseCaseError),
}

/// The outcome of a report.
#[derive(Debug)]
pub struct Received {
    /// Whom it was filed under.
    pub filed: Filed,
    /// One fate per reported dose, in order.
    pub doses: Vec<DoseFate>,
}

/// Files a report: matches the patient, then records each dose not already held. Adding a
/// client needs `edit_demographics` as well; a storage failure fails the whole report (the
/// sender sends it again, and what was recorded is then found already recorded).
pub async fn receive_report<R: Registry>(
    registry: &R,
    permit: &Permit<need::AddImmunizations>,
    clock: &dyn Clock,
    report: Report,
) -> UseCaseResult<Received> {
    let actor = permit.actor().clone();
    let candidates: Vec<ScoredLine> = registry
        .smart_search(&report.person, Bar::POSSIBLE, CANDIDATES)
        .await?
        .into_iter()
        // Found through a guardian is a sibling as often as the patient.
        .filter(|c| !c.via_guardian)
        .collect();
    let likely: Vec<&ScoredLine> = candidates.iter().filter(|c| c.likely).collect();
    // Filing doses under an existing record without a person looking takes more than "likely":
    // the one likely candidate must also agree exactly on both names and the date of birth.
    // Two children of one name born a week apart are two children; a near match goes to the
    // duplicates queue, where a person decides.
    let same_person = |c: &ScoredLine| {
        let fold = |s: &str| shotbook_core::normalize::fold_name(s);
        fold(&c.client.last_name) == fold(report.patient.personal.last_name.as_str())
            && fold(&c.client.first_name) == fold(report.patient.personal.first_name.as_str())
            && c.client.date_of_birth == report.patient.personal.date_of_birth.date().iso()
    };
    let exact: Vec<&ScoredLine> = likely.iter().copied().filter(|c| same_person(c)).collect();
    let filed = if let [only] = exact.as_slice() {
        let client = only.client.id;
        let mut work = registry.begin(actor.origin(), clock.now()).await?;
        work.audit(&actor.audit_event(
            clock.now(),
            AuditAction::SearchClients,
            Some(client),
            Some(format!(
                "interface report matched: {}",
                only.score.explain()
            )),
        ))
        .await?;
        work.commit().await?;
        Filed::Existing(client)
    } else {
        let edit = Permit::<need::EditDemographics>::check(actor.clone())?;
        let possible: Vec<PossibleDuplicate> = candidates
            .iter()
            .map(|c| PossibleDuplicate {
                client: c.client.id,
                score: c.score.score,
                reasons: c.score.reasons.clone(),
            })
            .collect();
        match add_client(registry, &edit, clock, &report.patient, &possible, true).await? {
            AddedClient::Added { client, .. } => Filed::New {
                client,
                possible_duplicates: possible.len(),
            },
            AddedClient::LikelyMatches => {
                return Err(UseCaseError::Conflict(
                    "the new client was not added".into(),
                ))
            }
        }
    };
    let client = filed.client();
    // The client's doses, read once; each dose recorded from this report joins them, so a
    // message that carries one dose twice records it once.
    let mut held: Vec<HeldDose> = registry
        .doses_of(client)
        .await?
        .into_iter()
        .filter(|d| !d.voided)
        .map(|d| HeldDose {
            id: d.id,
            on: d.administered_on,
            cvx: d.cvx,
            groups: d.groups,
        })
        .collect();
    let mut fates = Vec::with_capacity(report.doses.len());
    for dose in report.doses {
        let vaccine = match dose.cvx() {
            Some(cvx) => registry.vaccine(cvx).await?,
            None => None,
        };
        let repeated = vaccine.as_ref().and_then(|v| {
            let on = dose.administered_on();
            held.iter()
                .find(|h| {
                    h.on == on
                        && (h.cvx == v.cvx.as_str()
                            || h.groups.iter().any(|g| v.groups.contains(g)))
                })
                .map(|h| h.id)
        });
        let fate = match repeated {
            Some(id) => DoseFate::AlreadyRecorded(id),
            None => {
                let on = dose.administered_on();
                match record(registry, permit, clock, client, dose).await {
                    Ok(id) => {
                        if let Some(v) = vaccine {
                            held.push(HeldDose {
                                id,
                                on,
                                cvx: v.cvx.as_str().to_string(),
                                groups: v.groups,
                            });
                        }
                        DoseFate::Recorded(id)
                    }
                    Err(UseCaseError::Storage(PortError::Failed(e))) => {
                        return Err(UseCaseError::Storage(PortError::Failed(e)))
                    }
                    Err(refused) => DoseFate::Refused(refused),
                }
            }
        };
        fates.push(fate);
    }
    Ok(Received {
        filed,
        doses: fates,
    })
}

/// A dose the client already has, as deduplication compares it: a reported dose repeats one
/// given the same day that shares a vaccine group (an EHR's MMRV and the registry's MMR of the
/// same day are one visit's dose). An unknown vaccine repeats nothing: recording refuses it
/// with its reason.
struct HeldDose {
    id: ImmunizationId,
    on: time::Date,
    cvx: String,
    groups: Vec<String>,
}

/// Records one dose for `client` through the screens' use cases; the sender's warnings were
/// its own to weigh, so they are accepted (and the ACK reports the entry rules' errors).
async fn record<R: Registry>(
    registry: &R,
    permit: &Permit<need::AddImmunizations>,
    clock: &dyn Clock,
    client: ClientId,
    dose: ReportedDose,
) -> UseCaseResult<ImmunizationId> {
    let outcome = match dose {
        ReportedDose::Administered(mut d) => {
            d.client = client;
            record_administered(registry, permit, clock, *d, true).await?
        }
        ReportedDose::Historical(d) => {
            record_historical(registry, permit, clock, client, vec![d], true).await?
        }
    };
    outcome
        .ids
        .first()
        .copied()
        .ok_or_else(|| UseCaseError::Conflict("the dose was not recorded".into()))
}

/// Audits one received message, whatever became of it: who sent it (the actor's interface
/// place names the sender), its control ID and the outcome in codes. `client` when it was filed
/// under one.
pub async fn audit_message<R: Registry>(
    registry: &R,
    permit: &Permit<need::AddImmunizations>,
    clock: &dyn Clock,
    client: Option<ClientId>,
    detail: String,
) -> UseCaseResult<()> {
    let actor = permit.actor();
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    work.audit(&actor.audit_event(
        clock.now(),
        AuditAction::InterfaceMessage,
        client,
        Some(detail),
    ))
    .await?;
    work.commit().await?;
    Ok(())
}
