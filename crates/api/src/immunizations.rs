//! Recording doses: administered here (from an inventory lot or typed), historical doses from a
//! shot card, edits and voids, and reading a vial's barcode. Every change is checked against
//! the entry rules of `shotbook_core::immunization::entry`, audited, and logged for sync.

use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::codes::{Cvx, Mvx};
use shotbook_core::date::UsDate;
use shotbook_core::error::{Issue, IssueCollector, ValidationError};
use shotbook_core::ids::{ClientId, ImmunizationId, VaccineLotId};
use shotbook_core::immunization::entry::{
    self, check_dose, DoseFacts, DoseSource, LotFacts, OtherDose, VaccineFacts, Warning,
};
use shotbook_core::immunization::gs1::VialScan;
use shotbook_core::immunization::lot::{FundingSource, LotNumber};
use shotbook_core::permission::{Permission, Scope};
use shotbook_core::session::{Grant, Session};
use shotbook_store::immunizations::{self, DoseEdit, EntryDetails, NewImmunization};
use shotbook_store::{audit, clients, vaccine_lots, vaccine_products, StoreError};
use time::Date;

use crate::error::{AppError, AppResult};
use crate::immunization_dto::{
    CodeChoice, DoseEntryOptions, EditImmunizationRequest, FieldWarning,
    RecordAdministeredDoseRequest, RecordDosesResponse, RecordHistoricalDosesRequest,
    ScanVialRequest, VialScanResult, VisChoice, VoidImmunizationRequest,
};
use crate::AppContext;

/// Most doses one shot card may add at once.
pub const MAX_HISTORICAL_DOSES: usize = 40;

fn parse_id<T: std::str::FromStr>(field: &str, text: &str, what: &str) -> Result<T, Issue> {
    text.trim()
        .parse()
        .map_err(|_| Issue::new(field, format!("Not a {what} id.")))
}

fn iso_date(text: &str) -> AppResult<Date> {
    // Never quote the value: it may be a date of birth, and internal errors are logged.
    UsDate::parse(text)
        .map(|d| d.date())
        .map_err(|_| AppError::internal("a stored date is not a date"))
}

fn us(iso: &str) -> String {
    UsDate::parse(iso).map_or_else(|_| iso.to_string(), |d| d.to_string())
}

fn groups_of(text: Option<&str>) -> Vec<String> {
    text.unwrap_or_default()
        .split(',')
        .map(|g| g.trim().to_string())
        .filter(|g| !g.is_empty())
        .collect()
}

/// The CDC facts of `cvx`, or an issue on `field` when CDC does not list it.
async fn vaccine_facts(
    ctx: &AppContext,
    field: &str,
    cvx: &Cvx,
) -> AppResult<Result<VaccineFacts, Issue>> {
    Ok(
        match vaccine_products::vaccine(ctx.store(), cvx.as_str()).await? {
            Some(row) => Ok(VaccineFacts {
                cvx: cvx.clone(),
                short_description: row.short_description,
                status: row.status,
                groups: groups_of(row.groups.as_deref()),
            }),
            None => Err(Issue::new(
                field,
                format!("CVX {cvx} is not in CDC's vaccine table; choose a listed vaccine."),
            )),
        },
    )
}

/// The client's doses that count (not voided), with their ids. Empty when the consent rule
/// hides the history from this user: a duplicate warning would otherwise reveal it.
async fn current_doses(
    ctx: &AppContext,
    session: &Session,
    client: ClientId,
) -> AppResult<Vec<(String, OtherDose)>> {
    if !crate::consent::access_to(ctx, session, client)
        .await?
        .is_full()
    {
        return Ok(Vec::new());
    }
    let rows = immunizations::for_client(ctx.store(), client).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows.into_iter().filter(|r| r.status == "completed") {
        out.push((
            row.id,
            OtherDose {
                administered_on: iso_date(&row.administered_on)?,
                groups: groups_of(row.vaccine_groups.as_deref()),
            },
        ));
    }
    Ok(out)
}

fn warnings_out(warnings: Vec<Warning>) -> Vec<FieldWarning> {
    warnings
        .into_iter()
        .map(|w| FieldWarning {
            field: w.field,
            kind: w.kind.code().to_string(),
            message: w.message,
        })
        .collect()
}

fn audit_event(ctx: &AppContext, grant: &Grant, client: ClientId, detail: String) -> AuditEvent {
    AuditEvent {
        at: ctx.clock().now(),
        user_id: Some(grant.user_id()),
        organization_id: Some(grant.organization_id()),
        workstation: ctx.workstation().to_string(),
        action: AuditAction::UpdateImmunization,
        client_id: Some(client),
        detail: Some(detail),
    }
}

async fn client_birth(ctx: &AppContext, client: ClientId) -> AppResult<Date> {
    let row = clients::get(ctx.store(), client).await?;
    iso_date(&row.date_of_birth)
}

/// The VIS with this GS1 string, as the dose stores it (string, ISO edition).
async fn vis_given(
    ctx: &AppContext,
    field: &str,
    encoded: &str,
) -> AppResult<Result<Option<(String, String)>, Issue>> {
    let encoded = encoded.trim();
    if encoded.is_empty() {
        return Ok(Ok(None));
    }
    Ok(
        match vaccine_products::vis_document(ctx.store(), encoded).await? {
            Some(doc) => Ok(Some((doc.encoded_string, doc.edition_date))),
            None => Err(Issue::new(
                field,
                "This VIS is not in CDC's VIS table; choose one from the list.",
            )),
        },
    )
}

fn optional_date(field: &str, text: &str, today: Date) -> Result<Option<UsDate>, Issue> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let date = UsDate::parse_field(field, text)?;
    if date.date() > today {
        return Err(Issue::new(field, format!("{date} is in the future.")));
    }
    Ok(Some(date))
}

/// Records a dose given here. With a lot from the organization's inventory, the lot's count
/// drops by one in the same transaction (refused when the lot is empty, expired or another
/// organization's). Warnings come back unsaved unless `confirm_warnings` is set.
pub async fn record_administered_dose(
    ctx: &AppContext,
    request: RecordAdministeredDoseRequest,
) -> AppResult<RecordDosesResponse> {
    let (grant, session) = ctx.require(Permission::AddImmunizations)?;
    let today = ctx.clock().today();
    let mut issues = IssueCollector::new();
    let client: ClientId = parse_id("clientId", &request.client_id, "client")
        .map_err(|i| ValidationError { issues: vec![i] })?;
    let born = client_birth(ctx, client).await?;

    let on = issues.take(UsDate::parse_field(
        "administeredOn",
        &request.administered_on,
    ));
    let lot = if request.lot_id.trim().is_empty() {
        None
    } else {
        match issues.take(parse_id::<VaccineLotId>("lotId", &request.lot_id, "lot")) {
            Some(id) => match vaccine_lots::get(ctx.store(), id).await {
                Ok(row) => Some((id, row)),
                Err(StoreError::NotFound(_)) => {
                    issues.push(Issue::new("lotId", "This lot is not in the inventory."));
                    None
                }
                Err(e) => return Err(e.into()),
            },
            None => None,
        }
    };
    let (cvx_text, mvx_text) = match &lot {
        Some((_, row)) => (row.cvx.clone(), row.mvx.clone()),
        None => (request.cvx.clone(), request.mvx.clone()),
    };
    let cvx = issues.take(Cvx::parse_field("cvx", &cvx_text));
    let mvx = if mvx_text.trim().is_empty() {
        None
    } else {
        issues.take(Mvx::parse(&mvx_text).map_err(|m| Issue::new("mvx", m)))
    };
    let typed_lot = if lot.is_none() && !request.lot_number.trim().is_empty() {
        issues.take(LotNumber::parse_field("lotNumber", &request.lot_number))
    } else {
        None
    };
    let typed_expiry = if lot.is_none() && !request.expiration_date.trim().is_empty() {
        issues.take(UsDate::parse_field(
            "expirationDate",
            &request.expiration_date,
        ))
    } else {
        None
    };
    let volume = issues
        .take(entry::optional_volume(
            "doseVolumeMl",
            request.dose_volume_ml,
        ))
        .flatten();
    let route = issues
        .take(entry::optional_code(
            "route",
            &request.route,
            &entry::ROUTES,
        ))
        .flatten();
    let site = issues
        .take(entry::optional_code("site", &request.site, &entry::SITES))
        .flatten();
    let vfc = issues
        .take(entry::optional_code(
            "vfcEligibility",
            &request.vfc_eligibility,
            &entry::VFC_ELIGIBILITY,
        ))
        .flatten();
    let clinician = issues
        .take(entry::optional_text("clinician", &request.clinician))
        .flatten();
    let vis = issues
        .take(vis_given(ctx, "visDocument", &request.vis_document).await?)
        .flatten();
    let vis_given_on = issues
        .take(optional_date("visGivenOn", &request.vis_given_on, today))
        .flatten();
    let vaccine = match &cvx {
        Some(cvx) => issues.take(vaccine_facts(ctx, "cvx", cvx).await?),
        None => None,
    };
    issues.finish()?;
    let (Some(on), Some(vaccine)) = (on, vaccine) else {
        unreachable!("every missing value recorded an issue")
    };

    let lot_facts = match &lot {
        Some((_, row)) => Some(LotFacts {
            lot_number: row.lot_number.clone(),
            organization_id: row
                .organization_id
                .parse()
                .map_err(|_| AppError::internal("a stored organization id is not a UUID"))?,
            cvx: Cvx::parse(&row.cvx).map_err(AppError::internal)?,
            expires_on: iso_date(&row.expiration_date)?,
            on_hand: row.quantity_on_hand,
        }),
        None => None,
    };
    let others: Vec<OtherDose> = current_doses(ctx, &session, client)
        .await?
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    let warnings = check_dose(&DoseFacts {
        field_prefix: "",
        date_of_birth: born,
        today,
        administered_on: on.date(),
        source: DoseSource::Administered,
        vaccine: &vaccine,
        lot: lot_facts.as_ref(),
        organization_id: session.organization_id,
        other_doses: &others,
    })
    .map_err(|issues| ValidationError { issues })?;
    if !warnings.is_empty() && !request.confirm_warnings {
        return Ok(RecordDosesResponse {
            saved: false,
            warnings: warnings_out(warnings),
            immunization_ids: Vec::new(),
        });
    }

    let funding = lot
        .as_ref()
        .and_then(|(_, row)| FundingSource::parse_field("fundingSource", &row.funding_source).ok());
    let dose = NewImmunization {
        id: ImmunizationId::new(),
        client_id: client,
        cvx: vaccine.cvx.as_str().to_string(),
        mvx: mvx.map(|m| m.as_str().to_string()),
        administered_on: on.iso(),
        lot_number: match &lot {
            Some((_, row)) => Some(row.lot_number.clone()),
            None => typed_lot.map(|l| l.as_str().to_string()),
        },
        expiration_date: match &lot {
            Some((_, row)) => Some(row.expiration_date.clone()),
            None => typed_expiry.map(|d| d.iso()),
        },
        dose_volume_ml: volume,
        route,
        site,
        source: DoseSource::Administered.code().to_string(),
        organization_id: Some(session.organization_id),
        clinician,
        funding_source: funding.map(|f| f.hl7_code().to_string()),
        vfc_eligibility: vfc,
    };
    let ndc = match &lot {
        Some((_, row)) => row.ndc.clone(),
        None => Some(request.ndc.trim().to_string()).filter(|n| !n.is_empty()),
    };
    let details = EntryDetails {
        lot_id: None,
        ndc,
        vis_edition_date: vis.as_ref().map(|(_, edition)| edition.clone()),
        vis_document: vis.map(|(encoded, _)| encoded),
        vis_given_on: vis_given_on.map(|d| d.iso()),
        historical_provider: None,
        recorded_by: grant.user_id(),
        recorded_by_organization_id: session.organization_id,
    };
    let now = ctx.clock().now();
    let mut tx = ctx.store().begin().await?;
    match &lot {
        Some((lot_id, row)) => {
            if !immunizations::insert_from_lot_in_tx(&mut tx, &dose, &details, *lot_id, now).await?
            {
                // Someone took the last dose (or the lot changed) since it was read.
                return Err(ValidationError::single(
                    "lotId",
                    format!(
                        "Lot {} has no doses left on hand; choose another lot.",
                        row.lot_number
                    ),
                )
                .into());
            }
        }
        None => immunizations::insert_entry_in_tx(&mut tx, &dose, &details, now).await?,
    }
    audit::append(
        &mut *tx,
        &audit_event(
            ctx,
            &grant,
            client,
            format!("administered dose {} recorded", dose.id),
        ),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(RecordDosesResponse {
        saved: true,
        warnings: warnings_out(warnings),
        immunization_ids: vec![dose.id.to_string()],
    })
}

/// Records several historical doses at once (vaccine and date, optionally who gave them), in
/// one transaction: all or none.
pub async fn record_historical_doses(
    ctx: &AppContext,
    request: RecordHistoricalDosesRequest,
) -> AppResult<RecordDosesResponse> {
    let (grant, session) = ctx.require(Permission::AddImmunizations)?;
    let today = ctx.clock().today();
    let client: ClientId = parse_id("clientId", &request.client_id, "client")
        .map_err(|i| ValidationError { issues: vec![i] })?;
    let born = client_birth(ctx, client).await?;
    if request.doses.is_empty() {
        return Err(ValidationError::single("doses", "Add at least one dose.").into());
    }
    if request.doses.len() > MAX_HISTORICAL_DOSES {
        return Err(ValidationError::single(
            "doses",
            format!("Add at most {MAX_HISTORICAL_DOSES} doses at a time."),
        )
        .into());
    }
    let mut issues = IssueCollector::new();
    let mut parsed = Vec::with_capacity(request.doses.len());
    for (i, input) in request.doses.iter().enumerate() {
        let field = |name: &str| format!("doses[{i}].{name}");
        let on = issues.take(UsDate::parse_field(
            &field("administeredOn"),
            &input.administered_on,
        ));
        let cvx = issues.take(Cvx::parse_field(&field("cvx"), &input.cvx));
        let provider = issues
            .take(entry::optional_text(&field("provider"), &input.provider))
            .flatten();
        let vaccine = match &cvx {
            Some(cvx) => issues.take(vaccine_facts(ctx, &field("cvx"), cvx).await?),
            None => None,
        };
        parsed.push((on, vaccine, provider));
    }
    issues.finish()?;
    let parsed: Vec<(UsDate, VaccineFacts, Option<String>)> = parsed
        .into_iter()
        .map(|(on, vaccine, provider)| match (on, vaccine) {
            (Some(on), Some(vaccine)) => (on, vaccine, provider),
            _ => unreachable!("every missing value recorded an issue"),
        })
        .collect();

    let recorded: Vec<OtherDose> = current_doses(ctx, &session, client)
        .await?
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    let mut refusals = Vec::new();
    let mut warnings = Vec::new();
    for (i, (on, vaccine, _)) in parsed.iter().enumerate() {
        let mut others = recorded.clone();
        others.extend(parsed.iter().enumerate().filter(|(j, _)| *j != i).map(
            |(_, (on, vaccine, _))| OtherDose {
                administered_on: on.date(),
                groups: vaccine.groups.clone(),
            },
        ));
        let prefix = format!("doses[{i}].");
        match check_dose(&DoseFacts {
            field_prefix: &prefix,
            date_of_birth: born,
            today,
            administered_on: on.date(),
            source: DoseSource::Historical,
            vaccine,
            lot: None,
            organization_id: session.organization_id,
            other_doses: &others,
        }) {
            Ok(w) => warnings.extend(w),
            Err(issues) => refusals.extend(issues),
        }
    }
    if !refusals.is_empty() {
        return Err(ValidationError { issues: refusals }.into());
    }
    if !warnings.is_empty() && !request.confirm_warnings {
        return Ok(RecordDosesResponse {
            saved: false,
            warnings: warnings_out(warnings),
            immunization_ids: Vec::new(),
        });
    }

    let now = ctx.clock().now();
    let mut tx = ctx.store().begin().await?;
    let mut ids = Vec::with_capacity(parsed.len());
    for (on, vaccine, provider) in parsed {
        let dose = NewImmunization {
            id: ImmunizationId::new(),
            client_id: client,
            cvx: vaccine.cvx.as_str().to_string(),
            administered_on: on.iso(),
            source: DoseSource::Historical.code().to_string(),
            ..Default::default()
        };
        let details = EntryDetails {
            lot_id: None,
            ndc: None,
            vis_document: None,
            vis_edition_date: None,
            vis_given_on: None,
            historical_provider: provider,
            recorded_by: grant.user_id(),
            recorded_by_organization_id: session.organization_id,
        };
        immunizations::insert_entry_in_tx(&mut tx, &dose, &details, now).await?;
        ids.push(dose.id.to_string());
    }
    audit::append(
        &mut *tx,
        &audit_event(
            ctx,
            &grant,
            client,
            format!("{} historical doses recorded: {}", ids.len(), ids.join(" ")),
        ),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(RecordDosesResponse {
        saved: true,
        warnings: warnings_out(warnings),
        immunization_ids: ids,
    })
}

/// Whether the session may edit or void a dose owned by `owner` (the organization that
/// recorded it): state staff may change any; others only their own organization's entries.
pub fn may_change(session: &Session, owner: Option<&str>) -> bool {
    session.role.grants(Permission::EditImmunizations)
        && (session.role.scope() == Scope::State
            || owner == Some(session.organization_id.to_string().as_str()))
}

async fn dose_to_change(
    ctx: &AppContext,
    session: &Session,
    id_text: &str,
) -> AppResult<(ImmunizationId, immunizations::DoseForChange)> {
    let id: ImmunizationId = parse_id("immunizationId", id_text, "dose")
        .map_err(|i| ValidationError { issues: vec![i] })?;
    let dose = immunizations::for_change(ctx.store(), id).await?;
    if !may_change(session, dose.owner()) {
        return Err(AppError::Forbidden {
            permission: "edit_other_organizations_immunizations".into(),
        });
    }
    if dose.status != "completed" {
        return Err(ValidationError::single(
            "immunizationId",
            "This dose was voided; it cannot be changed.",
        )
        .into());
    }
    Ok((id, dose))
}

/// Edits a dose of the user's organization, keeping the previous values with the reason.
pub async fn edit_immunization(
    ctx: &AppContext,
    request: EditImmunizationRequest,
) -> AppResult<RecordDosesResponse> {
    let (grant, session) = ctx.require(Permission::EditImmunizations)?;
    let (id, dose) = dose_to_change(ctx, &session, &request.immunization_id).await?;
    let client: ClientId = dose
        .client_id
        .parse()
        .map_err(|_| AppError::internal("a stored client id is not a UUID"))?;
    let today = ctx.clock().today();
    let mut issues = IssueCollector::new();
    let on = issues.take(UsDate::parse_field(
        "administeredOn",
        &request.administered_on,
    ));
    let cvx = issues.take(Cvx::parse_field("cvx", &request.cvx));
    let from_lot = dose.lot_id.is_some();
    if from_lot && cvx.as_ref().is_some_and(|c| c.as_str() != dose.cvx) {
        issues.push(Issue::new(
            "cvx",
            "This dose was drawn from an inventory lot, so its vaccine cannot change; void it and record the right vaccine.",
        ));
    }
    let mvx = if request.mvx.trim().is_empty() {
        None
    } else {
        issues.take(Mvx::parse(&request.mvx).map_err(|m| Issue::new("mvx", m)))
    };
    let lot_number = if request.lot_number.trim().is_empty() {
        None
    } else {
        issues.take(LotNumber::parse_field("lotNumber", &request.lot_number))
    };
    let volume = issues
        .take(entry::optional_volume(
            "doseVolumeMl",
            request.dose_volume_ml,
        ))
        .flatten();
    let route = issues
        .take(entry::optional_code(
            "route",
            &request.route,
            &entry::ROUTES,
        ))
        .flatten();
    let site = issues
        .take(entry::optional_code("site", &request.site, &entry::SITES))
        .flatten();
    let vfc = issues
        .take(entry::optional_code(
            "vfcEligibility",
            &request.vfc_eligibility,
            &entry::VFC_ELIGIBILITY,
        ))
        .flatten();
    let clinician = issues
        .take(entry::optional_text("clinician", &request.clinician))
        .flatten();
    let provider = issues
        .take(entry::optional_text(
            "historicalProvider",
            &request.historical_provider,
        ))
        .flatten();
    let reason = issues.take(entry::change_reason("reason", &request.reason));
    let vaccine = match &cvx {
        Some(cvx) => issues.take(vaccine_facts(ctx, "cvx", cvx).await?),
        None => None,
    };
    issues.finish()?;
    let (Some(on), Some(vaccine), Some(reason)) = (on, vaccine, reason) else {
        unreachable!("every missing value recorded an issue")
    };
    let stored = immunizations::for_client(ctx.store(), client)
        .await?
        .into_iter()
        .find(|r| r.id == dose.id)
        .ok_or(StoreError::NotFound("immunization"))?;
    if from_lot && lot_number.as_ref().map(|l| l.as_str()) != stored.lot_number.as_deref() {
        return Err(ValidationError::single(
            "lotNumber",
            "This dose was drawn from an inventory lot, so its lot cannot change; void it and record it from the right lot.",
        )
        .into());
    }

    let born = client_birth(ctx, client).await?;
    let others: Vec<OtherDose> = current_doses(ctx, &session, client)
        .await?
        .into_iter()
        .filter(|(other, _)| *other != dose.id)
        .map(|(_, d)| d)
        .collect();
    let source = if dose.source == "administered" {
        DoseSource::Administered
    } else {
        DoseSource::Historical
    };
    let warnings = check_dose(&DoseFacts {
        field_prefix: "",
        date_of_birth: born,
        today,
        administered_on: on.date(),
        source,
        vaccine: &vaccine,
        lot: None,
        organization_id: session.organization_id,
        other_doses: &others,
    })
    .map_err(|issues| ValidationError { issues })?;
    if !warnings.is_empty() && !request.confirm_warnings {
        return Ok(RecordDosesResponse {
            saved: false,
            warnings: warnings_out(warnings),
            immunization_ids: Vec::new(),
        });
    }
    let edit = DoseEdit {
        administered_on: on.iso(),
        cvx: vaccine.cvx.as_str().to_string(),
        mvx: mvx.map(|m| m.as_str().to_string()),
        lot_number: lot_number.map(|l| l.as_str().to_string()),
        expiration_date: stored.expiration_date.clone(),
        dose_volume_ml: volume,
        route,
        site,
        clinician,
        historical_provider: provider,
        vis_document: stored.vis_document.clone(),
        vis_edition_date: stored.vis_edition_date.clone(),
        vis_given_on: stored.vis_given_on.clone(),
        vfc_eligibility: vfc,
    };
    let now = ctx.clock().now();
    let mut tx = ctx.store().begin().await?;
    let revision = i64::from(request.revision);
    if !immunizations::edit_in_tx(&mut tx, id, revision, &edit, &reason, grant.user_id(), now)
        .await?
    {
        return Err(ValidationError::single(
            "immunizationId",
            "Someone changed or voided this dose meanwhile; reopen the record and try again.",
        )
        .into());
    }
    audit::append(
        &mut *tx,
        &audit_event(
            ctx,
            &grant,
            client,
            format!("dose {id} edited to revision {}", revision + 1),
        ),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(RecordDosesResponse {
        saved: true,
        warnings: warnings_out(warnings),
        immunization_ids: vec![id.to_string()],
    })
}

/// Voids a dose entered in error (it stays in the record, struck through, with the reason).
/// A dose drawn from an inventory lot goes back into the lot.
pub async fn void_immunization(
    ctx: &AppContext,
    request: VoidImmunizationRequest,
) -> AppResult<()> {
    let (grant, session) = ctx.require(Permission::EditImmunizations)?;
    let reason = entry::change_reason("reason", &request.reason)
        .map_err(|i| ValidationError { issues: vec![i] })?;
    let (id, dose) = dose_to_change(ctx, &session, &request.immunization_id).await?;
    let client: ClientId = dose
        .client_id
        .parse()
        .map_err(|_| AppError::internal("a stored client id is not a UUID"))?;
    let now = ctx.clock().now();
    let mut tx = ctx.store().begin().await?;
    immunizations::void_entry_in_tx(&mut tx, id, &reason, grant.user_id(), now).await?;
    audit::append(
        &mut *tx,
        &audit_event(ctx, &grant, client, format!("dose {id} voided")),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// What the dose forms offer: the organization's usable lots, the HL7 code lists and the
/// current VIS editions.
pub async fn dose_entry_options(ctx: &AppContext) -> AppResult<DoseEntryOptions> {
    let (_, session) = ctx.require(Permission::AddImmunizations)?;
    let today = ctx.clock().today();
    let lots = vaccine_lots::for_organization(ctx.store(), session.organization_id)
        .await?
        .into_iter()
        .map(|row| crate::vaccine_lots::lot_view(row, today))
        .filter(|lot| lot.quantity_on_hand > 0 && lot.expiry_status != "expired")
        .collect();
    let codes = |list: &[&str]| {
        list.iter()
            .map(|c| CodeChoice {
                code: (*c).to_string(),
            })
            .collect()
    };
    let vis = vaccine_products::vis_documents(ctx.store())
        .await?
        .into_iter()
        .filter(|d| d.status == "Current")
        .map(|d| VisChoice {
            edition_date: us(&d.edition_date),
            encoded_string: d.encoded_string,
            document_name: d.document_name,
            cvx_codes: groups_of(d.cvx_codes.as_deref()),
        })
        .collect();
    Ok(DoseEntryOptions {
        lots,
        routes: codes(&entry::ROUTES),
        sites: codes(&entry::SITES),
        vfc_eligibility: codes(&entry::VFC_ELIGIBILITY),
        vis,
        clinician: session.display_name.clone(),
    })
}

/// Reads a vial's GS1 barcode: the product (CDC NDC table), lot and expiry, and the matching
/// inventory lot of the user's organization. Unknown or malformed scans are a validation issue
/// on `barcode` and change nothing.
pub async fn scan_vial_barcode(
    ctx: &AppContext,
    request: ScanVialRequest,
) -> AppResult<VialScanResult> {
    let (_, session) = ctx
        .require(Permission::AddImmunizations)
        .or_else(|_| ctx.require(Permission::ManageLots))?;
    let scan = VialScan::parse(&request.data)
        .map_err(|e| ValidationError::single("barcode", e.to_string()))?;
    let products = vaccine_products::by_ndc10(ctx.store(), scan.ndc10()).await?;
    let Some(product) = products.into_iter().next() else {
        let n = scan.ndc10();
        return Err(ValidationError::single(
            "barcode",
            format!(
                "The product number {} (NDC digits {}) is not in CDC's vaccine NDC table; check that this is a vaccine, or choose the product by hand.",
                scan.gtin, n
            ),
        )
        .into());
    };
    let today = ctx.clock().today();
    let matching_lot_id = match &scan.lot {
        Some(lot) => vaccine_lots::for_organization(ctx.store(), session.organization_id)
            .await?
            .into_iter()
            .find(|row| {
                row.cvx == product.cvx
                    && row.lot_number.eq_ignore_ascii_case(lot)
                    && row.quantity_on_hand > 0
                    && UsDate::parse(&row.expiration_date).is_ok_and(|d| d.date() >= today)
            })
            .map(|row| row.id),
        None => None,
    };
    Ok(VialScanResult {
        gtin: scan.gtin.to_string(),
        ndc: product.ndc,
        trade_name: product.trade_name,
        cvx: product.cvx,
        vaccine: product.vaccine,
        mvx: product.mvx,
        manufacturer: product.manufacturer,
        lot_number: scan.lot,
        expiration_date: scan.expires_on.map(|d| UsDate::from_date(d).to_string()),
        matching_lot_id,
    })
}

/// Admin Support: every VIS edition, current ones first.
pub async fn list_vis_documents(
    ctx: &AppContext,
) -> AppResult<Vec<crate::immunization_dto::VisDocument>> {
    ctx.require(Permission::ViewSupportTables)?;
    Ok(vaccine_products::vis_documents(ctx.store())
        .await?
        .into_iter()
        .map(|d| crate::immunization_dto::VisDocument {
            edition_date: us(&d.edition_date),
            encoded_string: d.encoded_string,
            document_name: d.document_name,
            status: d.status,
            cvx_codes: d.cvx_codes.unwrap_or_default(),
        })
        .collect())
}
