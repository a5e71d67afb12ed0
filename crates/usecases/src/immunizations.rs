//! Recording doses: given here (from an inventory lot or typed), historical doses from a shot
//! card, corrections and voids. Every dose passes the entry rules of
//! [`shotbook_core::immunization::entry`]; every change is audited in its unit of work, which
//! also logs it for sync.

use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::clock::Clock;
use shotbook_core::codes::Cvx;
use shotbook_core::error::{Issue, IssueCollector, ValidationError};
use shotbook_core::ids::{ClientId, ImmunizationId};
use shotbook_core::immunization::dose::{
    may_change, AdministeredDose, DoseCorrection, DoseProduct, HistoricalDose,
};
use shotbook_core::immunization::entry::{
    check_dose, DoseFacts, DoseSource, OtherDose, VaccineFacts, Warning,
};

use crate::ports::{
    AuditWrites, ClientFacts, DoseChange, DoseRecord, ImmunizationWrites, Registry, StoredDose,
    StoredLot, UnitOfWork, VisEdition,
};
use crate::{access, need, Actor, Permit, UseCaseError, UseCaseResult};
use time::Date;

/// Most doses one shot card may add at once.
pub const MAX_HISTORICAL_DOSES: usize = 40;

/// What saving doses did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DosesOutcome {
    /// Saved (false: warnings wait for the user's confirmation; nothing was written).
    pub saved: bool,
    /// Warnings the user confirmed or must confirm.
    pub warnings: Vec<Warning>,
    /// The doses written.
    pub ids: Vec<ImmunizationId>,
}

impl DosesOutcome {
    fn unconfirmed(warnings: Vec<Warning>) -> Self {
        Self {
            saved: false,
            warnings,
            ids: Vec::new(),
        }
    }
}

fn audit_event(clock: &dyn Clock, actor: &Actor, client: ClientId, detail: String) -> AuditEvent {
    actor.audit_event(
        clock.now(),
        AuditAction::UpdateImmunization,
        Some(client),
        Some(detail),
    )
}

/// CDC's facts about `cvx`, or an issue on `field` when CDC does not list it.
async fn vaccine_facts<R: Registry>(
    registry: &R,
    field: &str,
    cvx: &Cvx,
) -> UseCaseResult<Result<VaccineFacts, Issue>> {
    Ok(registry.vaccine(cvx).await?.ok_or_else(|| {
        Issue::new(
            field,
            format!("CVX {cvx} is not in CDC's vaccine table; choose a listed vaccine."),
        )
    }))
}

/// A dose is written only by someone who may see the whole record: a clinic that sees a
/// withdrawn client by identification only records the client's (written) consent first,
/// which reopens the record, and then the dose — never a dose into a record the patient closed.
fn require_whole_record(actor: &Actor, facts: &ClientFacts, today: Date) -> UseCaseResult<()> {
    let access = access::access_of(actor, facts, today);
    match access.restriction {
        Some(r) if !access.is_full() => Err(crate::UseCaseError::ConsentRestricted(r)),
        _ => Ok(()),
    }
}

/// The client's doses that count (not voided). Empty when the consent rule hides the history
/// from this actor: a duplicate warning would otherwise reveal it.
async fn counted_doses<R: Registry>(
    registry: &R,
    actor: &Actor,
    client: ClientId,
    facts: &ClientFacts,
    today: Date,
) -> UseCaseResult<Vec<StoredDose>> {
    if !access::access_of(actor, facts, today).is_full() {
        return Ok(Vec::new());
    }
    Ok(registry
        .doses_of(client)
        .await?
        .into_iter()
        .filter(|d| !d.voided)
        .collect())
}

fn other(dose: &StoredDose) -> OtherDose {
    OtherDose {
        administered_on: dose.administered_on,
        groups: dose.groups.clone(),
    }
}

/// Records a dose given here. From an inventory lot, the lot gives one dose in the same unit
/// of work (refused when it is empty, expired or another organization's). Warnings come back
/// unsaved unless `confirmed`.
pub async fn record_administered<R: Registry>(
    registry: &R,
    permit: &Permit<need::AddImmunizations>,
    clock: &dyn Clock,
    dose: AdministeredDose,
    confirmed: bool,
) -> UseCaseResult<DosesOutcome> {
    let actor = permit.actor();
    let today = clock.today();
    let facts = registry.client_facts(dose.client).await?;
    facts.ensure_not_merged()?;
    require_whole_record(actor, &facts, clock.today())?;
    let born = facts.date_of_birth;
    let mut issues = IssueCollector::new();
    let lot: Option<StoredLot> = match &dose.product {
        DoseProduct::FromLot(id) => {
            let found = registry.lot(*id).await?;
            if found.is_none() {
                issues.push(Issue::new("lotId", "This lot is not in the inventory."));
            }
            found
        }
        DoseProduct::Typed { .. } => None,
    };
    let vis: Option<VisEdition> = match &dose.vis {
        Some(given) => issues.take(registry.vis_edition(&given.document).await?.ok_or_else(|| {
            Issue::new(
                "visDocument",
                "This VIS is not in CDC's VIS table; choose one from the list.",
            )
        })),
        None => None,
    };
    let cvx = match (&lot, &dose.product) {
        (Some(lot), _) => Some(lot.facts.cvx.clone()),
        (None, DoseProduct::Typed { cvx, .. }) => Some(cvx.clone()),
        (None, DoseProduct::FromLot(_)) => None,
    };
    let vaccine = match &cvx {
        Some(cvx) => issues.take(vaccine_facts(registry, "cvx", cvx).await?),
        None => None,
    };
    issues.finish()?;
    let Some(vaccine) = vaccine else {
        unreachable!("every missing value recorded an issue")
    };

    let others: Vec<OtherDose> = counted_doses(registry, actor, dose.client, &facts, clock.today())
        .await?
        .iter()
        .map(other)
        .collect();
    let warnings = check_dose(&DoseFacts {
        field_prefix: "",
        date_of_birth: born,
        today,
        administered_on: dose.administered_on,
        source: DoseSource::Administered,
        vaccine: &vaccine,
        lot: lot.as_ref().map(|l| &l.facts),
        organization_id: actor.organization_id,
        other_doses: &others,
    })
    .map_err(|issues| ValidationError { issues })?;
    if !warnings.is_empty() && !confirmed {
        return Ok(DosesOutcome::unconfirmed(warnings));
    }

    let (mvx, lot_number, expiration_date, ndc) = match (&lot, &dose.product) {
        (Some(lot), _) => (
            lot.mvx.clone(),
            Some(lot.facts.lot_number.clone()),
            Some(lot.facts.expires_on),
            lot.ndc.clone(),
        ),
        (
            None,
            DoseProduct::Typed {
                mvx,
                lot_number,
                expires_on,
                ndc,
                ..
            },
        ) => (
            mvx.as_ref().map(|m| m.as_str().to_string()),
            lot_number.as_ref().map(|l| l.as_str().to_string()),
            *expires_on,
            ndc.clone(),
        ),
        (None, DoseProduct::FromLot(_)) => unreachable!("a missing lot recorded an issue"),
    };
    let record = DoseRecord {
        id: ImmunizationId::new(),
        client: dose.client,
        cvx: vaccine.cvx.as_str().to_string(),
        mvx,
        administered_on: dose.administered_on,
        lot_number,
        expiration_date,
        source: DoseSource::Administered,
        organization: Some(actor.organization_id),
        details: dose.details,
        funding_source: lot
            .as_ref()
            .and_then(|l| l.funding)
            .map(|f| f.hl7_code().to_string()),
        ndc,
        vis: vis.map(|edition| (edition, dose.vis.and_then(|v| v.given_on))),
        historical_provider: None,
        recorded_by: actor.user_id,
        recorded_by_organization: actor.organization_id,
    };
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    match &lot {
        Some(lot) => {
            if !work.insert_dose_from_lot(&record, lot.id).await? {
                // Someone took the last dose (or the lot changed) since it was read.
                return Err(ValidationError::single(
                    "lotId",
                    format!(
                        "Lot {} has no doses left on hand; choose another lot.",
                        lot.facts.lot_number
                    ),
                )
                .into());
            }
        }
        None => work.insert_dose(&record).await?,
    }
    work.audit(&audit_event(
        clock,
        actor,
        dose.client,
        format!("administered dose {} recorded", record.id),
    ))
    .await?;
    work.commit().await?;
    Ok(DosesOutcome {
        saved: true,
        warnings,
        ids: vec![record.id],
    })
}

/// Records several historical doses of one client at once, all or none. Issues name the dose
/// (`doses[2].administeredOn`).
pub async fn record_historical<R: Registry>(
    registry: &R,
    permit: &Permit<need::AddImmunizations>,
    clock: &dyn Clock,
    client: ClientId,
    doses: Vec<HistoricalDose>,
    confirmed: bool,
) -> UseCaseResult<DosesOutcome> {
    let actor = permit.actor();
    let today = clock.today();
    let facts = registry.client_facts(client).await?;
    facts.ensure_not_merged()?;
    require_whole_record(actor, &facts, clock.today())?;
    let born = facts.date_of_birth;
    if doses.is_empty() {
        return Err(ValidationError::single("doses", "Add at least one dose.").into());
    }
    if doses.len() > MAX_HISTORICAL_DOSES {
        return Err(ValidationError::single(
            "doses",
            format!("Add at most {MAX_HISTORICAL_DOSES} doses at a time."),
        )
        .into());
    }
    let mut issues = IssueCollector::new();
    let mut vaccines = Vec::with_capacity(doses.len());
    for (i, dose) in doses.iter().enumerate() {
        vaccines.push(
            issues.take(vaccine_facts(registry, &format!("doses[{i}].cvx"), &dose.cvx).await?),
        );
    }
    issues.finish()?;
    let vaccines: Vec<VaccineFacts> = vaccines.into_iter().flatten().collect();

    let recorded: Vec<OtherDose> = counted_doses(registry, actor, client, &facts, clock.today())
        .await?
        .iter()
        .map(other)
        .collect();
    let mut refusals = Vec::new();
    let mut warnings = Vec::new();
    for (i, (dose, vaccine)) in doses.iter().zip(&vaccines).enumerate() {
        let mut others = recorded.clone();
        others.extend(
            doses
                .iter()
                .zip(&vaccines)
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, (d, v))| OtherDose {
                    administered_on: d.administered_on,
                    groups: v.groups.clone(),
                }),
        );
        let prefix = format!("doses[{i}].");
        match check_dose(&DoseFacts {
            field_prefix: &prefix,
            date_of_birth: born,
            today,
            administered_on: dose.administered_on,
            source: DoseSource::Historical,
            vaccine,
            lot: None,
            organization_id: actor.organization_id,
            other_doses: &others,
        }) {
            Ok(w) => warnings.extend(w),
            Err(issues) => refusals.extend(issues),
        }
    }
    if !refusals.is_empty() {
        return Err(ValidationError { issues: refusals }.into());
    }
    if !warnings.is_empty() && !confirmed {
        return Ok(DosesOutcome::unconfirmed(warnings));
    }

    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    let mut ids = Vec::with_capacity(doses.len());
    for (dose, vaccine) in doses.into_iter().zip(vaccines) {
        let record = DoseRecord {
            id: ImmunizationId::new(),
            client,
            cvx: vaccine.cvx.as_str().to_string(),
            mvx: None,
            administered_on: dose.administered_on,
            lot_number: None,
            expiration_date: None,
            source: DoseSource::Historical,
            organization: None,
            details: Default::default(),
            funding_source: None,
            ndc: None,
            vis: None,
            historical_provider: dose.provider,
            recorded_by: actor.user_id,
            recorded_by_organization: actor.organization_id,
        };
        work.insert_dose(&record).await?;
        ids.push(record.id);
    }
    let listed: Vec<String> = ids.iter().map(ToString::to_string).collect();
    work.audit(&audit_event(
        clock,
        actor,
        client,
        format!(
            "{} historical doses recorded: {}",
            ids.len(),
            listed.join(" ")
        ),
    ))
    .await?;
    work.commit().await?;
    Ok(DosesOutcome {
        saved: true,
        warnings,
        ids,
    })
}

/// The dose, if this actor may change it and it is not voided.
async fn dose_to_change<R: Registry>(
    registry: &R,
    actor: &Actor,
    id: ImmunizationId,
    today: Date,
) -> UseCaseResult<StoredDose> {
    let dose = registry
        .dose(id)
        .await?
        .ok_or(UseCaseError::NotFound("immunization"))?;
    if !may_change(actor.role, actor.organization_id, dose.owner) {
        return Err(UseCaseError::Forbidden {
            permission: "edit_other_organizations_immunizations",
        });
    }
    if dose.voided {
        return Err(ValidationError::single(
            "immunizationId",
            "This dose was voided; it cannot be changed.",
        )
        .into());
    }
    // Changing a dose is writing to the record: the same client-level rule as reading it. A
    // state's staff may change any organization's doses, but only on records they may see
    // whole (not another state's withdrawn client).
    let facts = registry.client_facts(dose.client).await?;
    require_whole_record(actor, &facts, today)?;
    Ok(dose)
}

/// Corrects a dose of the actor's organization (any, for state staff), keeping the previous
/// values with the reason. A dose drawn from a lot keeps its vaccine and lot.
pub async fn correct<R: Registry>(
    registry: &R,
    permit: &Permit<need::EditImmunizations>,
    clock: &dyn Clock,
    correction: DoseCorrection,
    confirmed: bool,
) -> UseCaseResult<DosesOutcome> {
    let actor = permit.actor();
    let dose = dose_to_change(registry, actor, correction.immunization, clock.today()).await?;
    let from_lot = dose.lot.is_some();
    let mut issues = IssueCollector::new();
    if from_lot && correction.cvx.as_str() != dose.cvx {
        issues.push(Issue::new(
            "cvx",
            "This dose was drawn from an inventory lot, so its vaccine cannot change; void it and record the right vaccine.",
        ));
    }
    let vaccine = issues.take(vaccine_facts(registry, "cvx", &correction.cvx).await?);
    issues.finish()?;
    let Some(vaccine) = vaccine else {
        unreachable!("every missing value recorded an issue")
    };
    let lot_number = correction
        .lot_number
        .as_ref()
        .map(|l| l.as_str().to_string());
    if from_lot && lot_number != dose.lot_number {
        return Err(ValidationError::single(
            "lotNumber",
            "This dose was drawn from an inventory lot, so its lot cannot change; void it and record it from the right lot.",
        )
        .into());
    }
    let facts = registry.client_facts(dose.client).await?;
    let born = facts.date_of_birth;
    let others: Vec<OtherDose> = counted_doses(registry, actor, dose.client, &facts, clock.today())
        .await?
        .iter()
        .filter(|d| d.id != dose.id)
        .map(other)
        .collect();
    let warnings = check_dose(&DoseFacts {
        field_prefix: "",
        date_of_birth: born,
        today: clock.today(),
        administered_on: correction.administered_on,
        source: dose.source,
        vaccine: &vaccine,
        lot: None,
        organization_id: actor.organization_id,
        other_doses: &others,
    })
    .map_err(|issues| ValidationError { issues })?;
    if !warnings.is_empty() && !confirmed {
        return Ok(DosesOutcome::unconfirmed(warnings));
    }
    let change = DoseChange {
        administered_on: correction.administered_on,
        cvx: vaccine.cvx.as_str().to_string(),
        mvx: correction.mvx.map(|m| m.as_str().to_string()),
        lot_number,
        expiration_date: dose.expiration_date,
        details: correction.details,
        historical_provider: correction.historical_provider,
        vis_document: dose.vis_document.clone(),
        vis_edition_date: dose.vis_edition_date,
        vis_given_on: dose.vis_given_on,
    };
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    let revision = correction.expected_revision;
    if !work
        .correct_dose(
            dose.id,
            revision,
            &change,
            &correction.reason,
            actor.user_id,
        )
        .await?
    {
        return Err(ValidationError::single(
            "immunizationId",
            "Someone changed or voided this dose meanwhile; reopen the record and try again.",
        )
        .into());
    }
    work.audit(&audit_event(
        clock,
        actor,
        dose.client,
        format!("dose {} edited to revision {}", dose.id, revision + 1),
    ))
    .await?;
    work.commit().await?;
    Ok(DosesOutcome {
        saved: true,
        warnings,
        ids: vec![dose.id],
    })
}

/// Voids a dose entered in error (it stays in the record, struck through, with the reason). A
/// dose drawn from an inventory lot goes back into the lot.
pub async fn void<R: Registry>(
    registry: &R,
    permit: &Permit<need::EditImmunizations>,
    clock: &dyn Clock,
    id: ImmunizationId,
    reason: String,
) -> UseCaseResult<()> {
    let actor = permit.actor();
    let dose = dose_to_change(registry, actor, id, clock.today()).await?;
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    work.void_dose(id, &reason, actor.user_id).await?;
    work.audit(&audit_event(
        clock,
        actor,
        dose.client,
        format!("dose {id} voided"),
    ))
    .await?;
    work.commit().await?;
    Ok(())
}

/// What recording a dose pushed by a workstation came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushedDose {
    /// Recorded now.
    Recorded,
    /// The registry already had it: a push replayed after a lost answer.
    AlreadyRecorded,
    /// Its client had been merged into another record; the dose went to the kept one.
    RecordedOnSurvivor(ClientId),
}

/// Records a dose that a workstation recorded (offline, or before its push went through) with
/// the id it was given there. The rules of recording it here apply: the pushing actor's
/// organization owns it, the client's record must be whole to the actor under the consent
/// rule, the vaccine must be in CDC's table and the entry rules' errors refuse it (their
/// warnings were confirmed by the user who recorded it). A dose for a merged client goes to the
/// kept record. A replay is recognised by the id and changes nothing. Drawn from `lot` when
/// the organization's lot still has a dose; otherwise recorded with its lot number only (a
/// dose given is never refused for the registry's count of a vial).
pub async fn record_pushed<R: Registry>(
    registry: &R,
    permit: &Permit<need::AddImmunizations>,
    clock: &dyn Clock,
    mut dose: DoseRecord,
    lot: Option<shotbook_core::ids::VaccineLotId>,
) -> UseCaseResult<PushedDose> {
    let actor = permit.actor();
    if registry.dose(dose.id).await?.is_some() {
        return Ok(PushedDose::AlreadyRecorded);
    }
    if dose.recorded_by_organization != actor.organization_id {
        return Err(UseCaseError::Forbidden {
            permission: "push_for_another_organization",
        });
    }
    // Whoever signed in on the workstation pushes what colleagues recorded there, but a
    // recorder is always someone of this organization: a push cannot name an outsider.
    if dose.recorded_by != actor.user_id
        && registry
            .membership(dose.recorded_by, actor.organization_id)
            .await?
            .is_none()
    {
        return Err(UseCaseError::Forbidden {
            permission: "push_for_another_organization",
        });
    }
    let mut facts = registry.client_facts(dose.client).await?;
    let mut outcome = PushedDose::Recorded;
    if let Some(kept) = facts.merged_into {
        facts = registry.client_facts(kept).await?;
        facts.ensure_not_merged()?;
        dose.client = kept;
        outcome = PushedDose::RecordedOnSurvivor(kept);
    }
    require_whole_record(actor, &facts, clock.today())?;
    let one = |issue: Issue| ValidationError {
        issues: vec![issue],
    };
    let cvx = Cvx::parse_field("cvx", &dose.cvx).map_err(one)?;
    let vaccine = vaccine_facts(registry, "cvx", &cvx).await?.map_err(one)?;
    let others: Vec<OtherDose> = counted_doses(registry, actor, dose.client, &facts, clock.today())
        .await?
        .iter()
        .map(other)
        .collect();
    check_dose(&DoseFacts {
        field_prefix: "",
        date_of_birth: facts.date_of_birth,
        today: clock.today(),
        administered_on: dose.administered_on,
        source: dose.source,
        vaccine: &vaccine,
        // The vial was checked where the dose was given; the registry's count may lag.
        lot: None,
        organization_id: actor.organization_id,
        other_doses: &others,
    })
    .map_err(|issues| ValidationError { issues })?;
    dose.cvx = vaccine.cvx.as_str().to_string();
    let own_lot = match lot {
        Some(id) => registry
            .lot(id)
            .await?
            .filter(|l| l.facts.organization_id == actor.organization_id),
        None => None,
    };
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    let drawn = match &own_lot {
        Some(lot) => work.insert_dose_from_lot(&dose, lot.id).await?,
        None => false,
    };
    if !drawn {
        work.insert_dose(&dose).await?;
    }
    work.audit(&audit_event(
        clock,
        actor,
        dose.client,
        format!(
            "{} dose {} recorded at {} pushed",
            dose.source.code(),
            dose.id,
            actor.audit_place()
        ),
    ))
    .await?;
    work.commit().await?;
    Ok(outcome)
}
