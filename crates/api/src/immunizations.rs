//! Recording doses: administered here (from an inventory lot or typed), historical doses from a
//! shot card, edits and voids, and reading a vial's barcode. Every change is checked against
//! the entry rules of `shotbook_core::immunization::entry`, audited, and logged for sync.

use shotbook_core::codes::{comma_list, Cvx, Mvx};
use shotbook_core::date::UsDate;
use shotbook_core::error::{Issue, IssueCollector, ValidationError};
use shotbook_core::ids::{ClientId, ImmunizationId, VaccineLotId};
use shotbook_core::immunization::dose::{
    AdministeredDose, DoseCorrection, DoseDetails, DoseProduct, HistoricalDose,
    HistoricalDoseInput, VisGiven,
};
use shotbook_core::immunization::entry::{self, Warning};
use shotbook_core::immunization::gs1::VialScan;
use shotbook_core::immunization::lot::LotNumber;
use shotbook_core::permission::Permission;
use shotbook_store::{vaccine_lots, vaccine_products};
use shotbook_usecases::immunizations::{self as usecases, DosesOutcome};
use shotbook_usecases::need;
use time::Date;

use crate::convert::{client_id, parse_id, us_date};
use crate::dto::{
    CodeChoice, DoseEntryOptions, EditImmunizationRequest, FieldWarning,
    RecordAdministeredDoseRequest, RecordDosesResponse, RecordHistoricalDosesRequest,
    ScanVialRequest, VialScanResult, VisChoice, VoidImmunizationRequest,
};
use crate::error::AppResult;
use crate::AppContext;

pub use shotbook_usecases::immunizations::MAX_HISTORICAL_DOSES;

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

fn optional_mvx(issues: &mut IssueCollector, text: &str) -> Option<Mvx> {
    if text.trim().is_empty() {
        return None;
    }
    issues.take(Mvx::parse(text).map_err(|m| Issue::new("mvx", m)))
}

fn optional_lot_number(issues: &mut IssueCollector, text: &str) -> Option<LotNumber> {
    if text.trim().is_empty() {
        return None;
    }
    issues.take(LotNumber::parse_field("lotNumber", text))
}

/// Volume, route, site, VFC eligibility and clinician, as both dose forms type them.
fn dose_details(
    issues: &mut IssueCollector,
    volume: Option<f64>,
    route: &str,
    site: &str,
    vfc_eligibility: &str,
    clinician: &str,
) -> DoseDetails {
    DoseDetails {
        volume_ml: issues
            .take(entry::optional_volume("doseVolumeMl", volume))
            .flatten(),
        route: issues
            .take(entry::optional_code("route", route, &entry::ROUTES))
            .flatten(),
        site: issues
            .take(entry::optional_code("site", site, &entry::SITES))
            .flatten(),
        vfc_eligibility: issues
            .take(entry::optional_code(
                "vfcEligibility",
                vfc_eligibility,
                &entry::VFC_ELIGIBILITY,
            ))
            .flatten(),
        clinician: issues
            .take(entry::optional_text("clinician", clinician))
            .flatten(),
    }
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

fn doses_response(outcome: DosesOutcome) -> RecordDosesResponse {
    RecordDosesResponse {
        saved: outcome.saved,
        warnings: warnings_out(outcome.warnings),
        immunization_ids: outcome.ids.iter().map(ToString::to_string).collect(),
    }
}

/// The administered-dose form as the use case takes it.
fn administered_dose(
    request: &RecordAdministeredDoseRequest,
    client: ClientId,
    today: Date,
) -> AppResult<AdministeredDose> {
    let mut issues = IssueCollector::new();
    let on = issues.take(UsDate::parse_field(
        "administeredOn",
        &request.administered_on,
    ));
    let product = if request.lot_id.trim().is_empty() {
        let cvx = issues.take(Cvx::parse_field("cvx", &request.cvx));
        let mvx = optional_mvx(&mut issues, &request.mvx);
        let lot_number = optional_lot_number(&mut issues, &request.lot_number);
        let expires_on = if request.expiration_date.trim().is_empty() {
            None
        } else {
            issues.take(UsDate::parse_field(
                "expirationDate",
                &request.expiration_date,
            ))
        };
        cvx.map(|cvx| DoseProduct::Typed {
            cvx,
            mvx,
            lot_number,
            expires_on: expires_on.map(|d| d.date()),
            ndc: Some(request.ndc.trim().to_string()).filter(|n| !n.is_empty()),
        })
    } else {
        issues
            .take(parse_id::<VaccineLotId>("lotId", &request.lot_id, "lot"))
            .map(DoseProduct::FromLot)
    };
    let details = dose_details(
        &mut issues,
        request.dose_volume_ml,
        &request.route,
        &request.site,
        &request.vfc_eligibility,
        &request.clinician,
    );
    let vis_given_on = issues
        .take(optional_date("visGivenOn", &request.vis_given_on, today))
        .flatten();
    issues.finish()?;
    let (Some(on), Some(product)) = (on, product) else {
        unreachable!("every missing value recorded an issue")
    };
    let document = request.vis_document.trim();
    Ok(AdministeredDose {
        client,
        administered_on: on.date(),
        product,
        details,
        vis: (!document.is_empty()).then(|| VisGiven {
            document: document.to_string(),
            given_on: vis_given_on.map(|d| d.date()),
        }),
    })
}

/// Records a dose given here. With a lot from the organization's inventory, the lot's count
/// drops by one in the same transaction (refused when the lot is empty, expired or another
/// organization's). Warnings come back unsaved unless `confirm_warnings` is set.
pub async fn record_administered_dose(
    ctx: &AppContext,
    request: RecordAdministeredDoseRequest,
) -> AppResult<RecordDosesResponse> {
    let (permit, _) = ctx.permit::<need::AddImmunizations>().await?;
    let client = client_id(&request.client_id)?;
    let dose = administered_dose(&request, client, ctx.clock().today())?;
    let outcome = usecases::record_administered(
        ctx.store(),
        &permit,
        ctx.clock(),
        dose,
        request.confirm_warnings,
    )
    .await?;
    Ok(doses_response(outcome))
}

/// Records several historical doses at once (vaccine and date, optionally who gave them), in
/// one transaction: all or none.
pub async fn record_historical_doses(
    ctx: &AppContext,
    request: RecordHistoricalDosesRequest,
) -> AppResult<RecordDosesResponse> {
    let (permit, _) = ctx.permit::<need::AddImmunizations>().await?;
    let client = client_id(&request.client_id)?;
    let inputs: Vec<HistoricalDoseInput<'_>> = request
        .doses
        .iter()
        .map(|d| HistoricalDoseInput {
            cvx: &d.cvx,
            administered_on: &d.administered_on,
            provider: &d.provider,
        })
        .collect();
    let doses = HistoricalDose::parse_all(&inputs)?;
    let outcome = usecases::record_historical(
        ctx.store(),
        &permit,
        ctx.clock(),
        client,
        doses,
        request.confirm_warnings,
    )
    .await?;
    Ok(doses_response(outcome))
}

/// Edits a dose of the user's organization, keeping the previous values with the reason.
pub async fn edit_immunization(
    ctx: &AppContext,
    request: EditImmunizationRequest,
) -> AppResult<RecordDosesResponse> {
    let (permit, _) = ctx.permit::<need::EditImmunizations>().await?;
    let id: ImmunizationId = parse_id("immunizationId", &request.immunization_id, "dose")
        .map_err(|i| ValidationError { issues: vec![i] })?;
    let mut issues = IssueCollector::new();
    let on = issues.take(UsDate::parse_field(
        "administeredOn",
        &request.administered_on,
    ));
    let cvx = issues.take(Cvx::parse_field("cvx", &request.cvx));
    let mvx = optional_mvx(&mut issues, &request.mvx);
    let lot_number = optional_lot_number(&mut issues, &request.lot_number);
    let details = dose_details(
        &mut issues,
        request.dose_volume_ml,
        &request.route,
        &request.site,
        &request.vfc_eligibility,
        &request.clinician,
    );
    let provider = issues
        .take(entry::optional_text(
            "historicalProvider",
            &request.historical_provider,
        ))
        .flatten();
    let reason = issues.take(entry::change_reason("reason", &request.reason));
    issues.finish()?;
    let (Some(on), Some(cvx), Some(reason)) = (on, cvx, reason) else {
        unreachable!("every missing value recorded an issue")
    };
    let correction = DoseCorrection {
        immunization: id,
        expected_revision: i64::from(request.revision),
        administered_on: on.date(),
        cvx,
        mvx,
        lot_number,
        details,
        historical_provider: provider,
        reason,
    };
    let outcome = usecases::correct(
        ctx.store(),
        &permit,
        ctx.clock(),
        correction,
        request.confirm_warnings,
    )
    .await?;
    Ok(doses_response(outcome))
}

/// Voids a dose entered in error (it stays in the record, struck through, with the reason).
/// A dose drawn from an inventory lot goes back into the lot.
pub async fn void_immunization(
    ctx: &AppContext,
    request: VoidImmunizationRequest,
) -> AppResult<()> {
    let (permit, _) = ctx.permit::<need::EditImmunizations>().await?;
    let reason = entry::change_reason("reason", &request.reason)
        .map_err(|i| ValidationError { issues: vec![i] })?;
    let id: ImmunizationId = parse_id("immunizationId", &request.immunization_id, "dose")
        .map_err(|i| ValidationError { issues: vec![i] })?;
    usecases::void(ctx.store(), &permit, ctx.clock(), id, reason).await?;
    Ok(())
}

/// What the dose forms offer: the organization's usable lots, the HL7 code lists and the
/// current VIS editions.
pub async fn dose_entry_options(ctx: &AppContext) -> AppResult<DoseEntryOptions> {
    let (_, session) = ctx.require(Permission::AddImmunizations).await?;
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
            edition_date: us_date(&d.edition_date),
            encoded_string: d.encoded_string,
            document_name: d.document_name,
            cvx_codes: comma_list(d.cvx_codes.as_deref()),
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
    // Either permission lets a vial be scanned (dose entry, or receiving stock).
    let permission = if ctx
        .current_session()
        .is_some_and(|s| s.role.grants(Permission::AddImmunizations))
    {
        Permission::AddImmunizations
    } else {
        Permission::ManageLots
    };
    let (_, session) = ctx.require(permission).await?;
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
pub async fn list_vis_documents(ctx: &AppContext) -> AppResult<Vec<crate::dto::VisDocument>> {
    ctx.require(Permission::ViewSupportTables).await?;
    Ok(vaccine_products::vis_documents(ctx.store())
        .await?
        .into_iter()
        .map(|d| crate::dto::VisDocument {
            edition_date: us_date(&d.edition_date),
            encoded_string: d.encoded_string,
            document_name: d.document_name,
            status: d.status,
            cvx_codes: d.cvx_codes.unwrap_or_default(),
        })
        .collect())
}
