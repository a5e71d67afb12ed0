//! Dose entry, edit and void, vial scans and lot inventory, through the commands the UI calls.

use shotbook_api::clients::get_client;
use shotbook_api::dto::GetClientRequest;
use shotbook_api::dto::{
    AdjustLotRequest, EditImmunizationRequest, HistoricalDoseInput, ReceiveLotRequest,
    RecordAdministeredDoseRequest, RecordHistoricalDosesRequest, ScanVialRequest,
    VoidImmunizationRequest,
};
use shotbook_api::immunizations::{
    dose_entry_options, edit_immunization, record_administered_dose, record_historical_doses,
    scan_vial_barcode, void_immunization,
};
use shotbook_api::vaccine_lots::{adjust_lot, list_lots, receive_lot};
use shotbook_api::{AppContext, AppError, FieldIssue};
use shotbook_core::ids::ClientId;
use shotbook_synth::demo::seed_demo_lots;

use crate::support::{audit_actions, complete_sign_in, credentials, signed_in_as, Fixture, START};

async fn with_lots(org: &str, user: &str) -> Fixture {
    let f = signed_in_as(org, user).await;
    seed_demo_lots(f.ctx.store(), START).await.unwrap();
    f
}

/// The organization's usable lot of `cvx`: (id, on hand).
async fn lot_of(ctx: &AppContext, cvx: &str) -> (String, i32) {
    let options = dose_entry_options(ctx).await.unwrap();
    let lot = options
        .lots
        .iter()
        .find(|l| l.cvx == cvx)
        .unwrap_or_else(|| panic!("a lot of CVX {cvx}"));
    (lot.id.clone(), lot.quantity_on_hand)
}

fn administered(client: ClientId, lot_id: &str, on: &str) -> RecordAdministeredDoseRequest {
    RecordAdministeredDoseRequest {
        client_id: client.to_string(),
        lot_id: lot_id.into(),
        administered_on: on.into(),
        dose_volume_ml: Some(0.5),
        route: "SC".into(),
        site: "LA".into(),
        ..Default::default()
    }
}

fn issues_of(err: AppError) -> Vec<FieldIssue> {
    match err {
        AppError::Validation { issues } => issues,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

async fn record(ctx: &AppContext, client: ClientId) -> shotbook_api::dto::ClientRecord {
    get_client(
        ctx,
        GetClientRequest {
            client_id: client.to_string(),
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_dose_from_a_lot_takes_one_from_stock_and_voiding_it_puts_it_back() {
    let f = with_lots("TX0001", "tx.provider").await;
    let (lot, before) = lot_of(&f.ctx, "03").await;
    let saved = record_administered_dose(&f.ctx, administered(f.ana, &lot, "11/22/2026"))
        .await
        .unwrap();
    assert!(saved.saved && saved.warnings.is_empty(), "{saved:?}");
    assert_eq!(lot_of(&f.ctx, "03").await.1, before - 1);

    let doses = record(&f.ctx, f.ana).await.immunizations;
    let dose = doses
        .iter()
        .find(|d| d.id == saved.immunization_ids[0])
        .unwrap();
    assert_eq!(dose.cvx, "03");
    assert_eq!(dose.source, "administered");
    assert_eq!(dose.lot_number.as_deref(), Some("Y015329"));
    assert_eq!(dose.funding_source.as_deref(), Some("VXC51"), "VFC lot");
    assert_eq!(dose.ndc.as_deref(), Some("00006-4681-01"));
    assert!(dose.from_inventory_lot && dose.can_change);
    assert_eq!(
        dose.organization_name.as_deref(),
        Some("Lone Star Pediatrics")
    );

    void_immunization(
        &f.ctx,
        VoidImmunizationRequest {
            immunization_id: dose.id.clone(),
            reason: "entered on the wrong client".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        lot_of(&f.ctx, "03").await.1,
        before,
        "the dose is back in stock"
    );
    let voided = record(&f.ctx, f.ana)
        .await
        .immunizations
        .into_iter()
        .find(|d| d.id == dose.id)
        .unwrap();
    assert_eq!(voided.status, "entered_in_error");
    assert!(!voided.can_change, "a voided dose is final");
    let audited = audit_actions(&f.ctx).await;
    let changes = audited
        .iter()
        .filter(|(action, client)| {
            action == "update_immunization" && client.as_deref() == Some(&f.ana.to_string())
        })
        .count();
    assert_eq!(
        changes, 2,
        "the addition and the void are audited: {audited:?}"
    );
}

#[tokio::test]
async fn a_void_needs_a_reason() {
    let f = with_lots("TX0001", "tx.provider").await;
    let (lot, _) = lot_of(&f.ctx, "03").await;
    let saved = record_administered_dose(&f.ctx, administered(f.ana, &lot, "11/22/2026"))
        .await
        .unwrap();
    let issues = issues_of(
        void_immunization(
            &f.ctx,
            VoidImmunizationRequest {
                immunization_id: saved.immunization_ids[0].clone(),
                reason: "  ".into(),
            },
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(issues[0].field, "reason");
}

#[tokio::test]
async fn a_possible_duplicate_is_saved_only_once_confirmed() {
    let f = with_lots("TX0001", "tx.provider").await;
    let (lot, before) = lot_of(&f.ctx, "03").await;
    record_administered_dose(&f.ctx, administered(f.ana, &lot, "11/20/2026"))
        .await
        .unwrap();
    let second = record_administered_dose(&f.ctx, administered(f.ana, &lot, "11/22/2026"))
        .await
        .unwrap();
    assert!(!second.saved);
    assert_eq!(second.warnings[0].kind, "possible_duplicate");
    assert_eq!(second.warnings[0].field, "administeredOn");
    assert_eq!(
        lot_of(&f.ctx, "03").await.1,
        before - 1,
        "nothing taken unconfirmed"
    );
    let confirmed = record_administered_dose(
        &f.ctx,
        RecordAdministeredDoseRequest {
            confirm_warnings: true,
            ..administered(f.ana, &lot, "11/22/2026")
        },
    )
    .await
    .unwrap();
    assert!(confirmed.saved);
    assert_eq!(lot_of(&f.ctx, "03").await.1, before - 2);
}

#[tokio::test]
async fn refused_doses_name_their_fields_and_change_nothing() {
    let f = with_lots("TX0001", "tx.provider").await;
    let (lot, before) = lot_of(&f.ctx, "03").await;
    let issues = issues_of(
        record_administered_dose(&f.ctx, administered(f.ana, &lot, "11/23/2026"))
            .await
            .unwrap_err(),
    );
    assert_eq!(issues[0].field, "administeredOn");
    assert!(issues[0].message.contains("future"));

    let no_vaccine = RecordAdministeredDoseRequest {
        cvx: "998".into(),
        ..administered(f.ana, "", "11/22/2026")
    };
    let issues = issues_of(
        record_administered_dose(&f.ctx, no_vaccine)
            .await
            .unwrap_err(),
    );
    assert_eq!(issues[0].field, "cvx");
    assert!(issues[0].message.contains("not a vaccine"));

    let bad_codes = RecordAdministeredDoseRequest {
        route: "XX".into(),
        site: "knee".into(),
        ..administered(f.ana, &lot, "11/22/2026")
    };
    let fields: Vec<String> = issues_of(
        record_administered_dose(&f.ctx, bad_codes)
            .await
            .unwrap_err(),
    )
    .into_iter()
    .map(|i| i.field)
    .collect();
    assert_eq!(fields, vec!["route", "site"]);
    assert_eq!(lot_of(&f.ctx, "03").await.1, before);
}

#[tokio::test]
async fn another_organizations_lot_is_refused() {
    let f = with_lots("TX0002", "tx.float").await;
    let (tx0002_lot, _) = lot_of(&f.ctx, "03").await;
    shotbook_api::auth::sign_out(&f.ctx).await.unwrap();
    complete_sign_in(&f.ctx, credentials("TX0001", "tx.provider")).await;
    let issues = issues_of(
        record_administered_dose(&f.ctx, administered(f.ana, &tx0002_lot, "11/22/2026"))
            .await
            .unwrap_err(),
    );
    assert_eq!(issues[0].field, "lotId");
    assert!(
        issues[0].message.contains("another organization"),
        "{}",
        issues[0].message
    );
}

fn shot_card(doses: &[(&str, &str, &str)]) -> Vec<HistoricalDoseInput> {
    doses
        .iter()
        .map(|(cvx, on, provider)| HistoricalDoseInput {
            cvx: (*cvx).into(),
            administered_on: (*on).into(),
            provider: (*provider).into(),
        })
        .collect()
}

#[tokio::test]
async fn a_shot_card_adds_several_historical_doses_at_once_or_none() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let before = record(&f.ctx, f.ana).await.immunizations.len();
    let bad = RecordHistoricalDosesRequest {
        client_id: f.ana.to_string(),
        doses: shot_card(&[
            ("20", "07/16/2019", "Austin Public Health"),
            ("20", "02/30/2019", ""),
            ("21", "03/01/2019", ""),
        ]),
        confirm_warnings: false,
    };
    let issues = issues_of(record_historical_doses(&f.ctx, bad).await.unwrap_err());
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, vec!["doses[1].administeredOn"]);

    let before_birth = RecordHistoricalDosesRequest {
        client_id: f.ana.to_string(),
        doses: shot_card(&[("20", "07/16/2019", ""), ("21", "03/01/2019", "")]),
        confirm_warnings: false,
    };
    let issues = issues_of(
        record_historical_doses(&f.ctx, before_birth)
            .await
            .unwrap_err(),
    );
    assert_eq!(issues[0].field, "doses[1].administeredOn");
    assert_eq!(
        record(&f.ctx, f.ana).await.immunizations.len(),
        before,
        "none saved"
    );

    let good = RecordHistoricalDosesRequest {
        client_id: f.ana.to_string(),
        doses: shot_card(&[
            ("20", "07/16/2019", "Austin Public Health"),
            ("20", "09/17/2019", ""),
            ("21", "03/20/2020", ""),
        ]),
        confirm_warnings: false,
    };
    let saved = record_historical_doses(&f.ctx, good).await.unwrap();
    // Varicella next to the recorded MMRV of 03/20/2020 is a possible duplicate.
    assert!(!saved.saved);
    assert_eq!(saved.warnings[0].field, "doses[2].administeredOn");
    let confirmed = record_historical_doses(
        &f.ctx,
        RecordHistoricalDosesRequest {
            client_id: f.ana.to_string(),
            doses: shot_card(&[
                ("20", "07/16/2019", "Austin Public Health"),
                ("20", "09/17/2019", ""),
                ("21", "03/20/2020", ""),
            ]),
            confirm_warnings: true,
        },
    )
    .await
    .unwrap();
    assert_eq!(confirmed.immunization_ids.len(), 3);
    let doses = record(&f.ctx, f.ana).await.immunizations;
    assert_eq!(doses.len(), before + 3);
    let first = doses
        .iter()
        .find(|d| d.id == confirmed.immunization_ids[0])
        .unwrap();
    assert_eq!(first.source, "historical");
    assert_eq!(
        first.historical_provider.as_deref(),
        Some("Austin Public Health")
    );
    assert!(first.can_change, "recorded by this organization");
}

#[tokio::test]
async fn an_edit_keeps_history_refuses_stale_revisions_and_other_organizations() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let saved = record_historical_doses(
        &f.ctx,
        RecordHistoricalDosesRequest {
            client_id: f.ana.to_string(),
            doses: shot_card(&[("20", "07/16/2019", "")]),
            confirm_warnings: false,
        },
    )
    .await
    .unwrap();
    let id = saved.immunization_ids[0].clone();
    let edit = |revision: i32, reason: &str| EditImmunizationRequest {
        immunization_id: id.clone(),
        revision,
        administered_on: "07/17/2019".into(),
        cvx: "20".into(),
        historical_provider: "Travis County clinic".into(),
        reason: reason.into(),
        ..Default::default()
    };
    let issues = issues_of(edit_immunization(&f.ctx, edit(1, "")).await.unwrap_err());
    assert_eq!(issues[0].field, "reason");
    assert!(
        edit_immunization(&f.ctx, edit(1, "date misread from the card"))
            .await
            .unwrap()
            .saved
    );
    let issues = issues_of(
        edit_immunization(&f.ctx, edit(1, "again"))
            .await
            .unwrap_err(),
    );
    assert_eq!(issues[0].field, "immunizationId", "revision 1 is stale");
    let dose = record(&f.ctx, f.ana)
        .await
        .immunizations
        .into_iter()
        .find(|d| d.id == id)
        .unwrap();
    assert_eq!(
        (dose.administered_on.as_str(), dose.revision),
        ("07/17/2019", 2)
    );
    assert_eq!(
        dose.historical_provider.as_deref(),
        Some("Travis County clinic")
    );

    // Another organization's provider sees the dose but may not change it.
    shotbook_api::auth::sign_out(&f.ctx).await.unwrap();
    complete_sign_in(&f.ctx, credentials("TX0002", "tx.float")).await;
    let shown = record(&f.ctx, f.ana)
        .await
        .immunizations
        .into_iter()
        .find(|d| d.id == id)
        .unwrap();
    assert!(!shown.can_change);
    let refused = void_immunization(
        &f.ctx,
        VoidImmunizationRequest {
            immunization_id: id.clone(),
            reason: "not ours".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, AppError::Forbidden { .. }), "{refused:?}");
}

#[tokio::test]
async fn a_role_without_edit_permission_cannot_void() {
    let f = signed_in_as("MT0001", "mt.records").await;
    let saved = record_historical_doses(
        &f.ctx,
        RecordHistoricalDosesRequest {
            client_id: f.ana.to_string(),
            doses: shot_card(&[("20", "07/16/2019", "")]),
            confirm_warnings: false,
        },
    )
    .await
    .unwrap();
    let refused = void_immunization(
        &f.ctx,
        VoidImmunizationRequest {
            immunization_id: saved.immunization_ids[0].clone(),
            reason: "typo".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        refused,
        AppError::Forbidden {
            permission: "edit_immunizations".into()
        }
    );
}

#[tokio::test]
async fn a_vial_scan_fills_product_lot_and_expiry_and_finds_the_inventory_lot() {
    let f = with_lots("TX0001", "tx.provider").await;
    let (lot, _) = lot_of(&f.ctx, "03").await;
    // M-M-R II vial: GTIN 00300064681017, expiry 12/31/2027, lot Y015329. A keyboard-wedge
    // scanner set to send ^ for the group separator may put the lot first.
    let scan = scan_vial_barcode(
        &f.ctx,
        ScanVialRequest {
            data: "]d2010030006468101710Y015329^17271231".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(scan.matching_lot_id.as_deref(), Some(lot.as_str()));
    let scan = scan_vial_barcode(
        &f.ctx,
        ScanVialRequest {
            data: "]d201003000646810171727123110Y015329".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (scan.cvx.as_str(), scan.mvx.as_deref()),
        ("03", Some("MSD"))
    );
    assert_eq!(scan.trade_name, "M-M-R II");
    assert_eq!(scan.ndc, "00006-4681-01");
    assert_eq!(scan.lot_number.as_deref(), Some("Y015329"));
    assert_eq!(scan.expiration_date.as_deref(), Some("12/31/2027"));
    assert_eq!(scan.matching_lot_id.as_deref(), Some(lot.as_str()));

    for (data, says) in [
        ("hello", "not a vaccine GS1 barcode"),
        ("0100300064681018", "check digit"),
        // A valid NDC-shaped GTIN that CDC's table does not list.
        ("0100399999999991", "not in CDC's vaccine NDC table"),
    ] {
        let issues = issues_of(
            scan_vial_barcode(&f.ctx, ScanVialRequest { data: data.into() })
                .await
                .unwrap_err(),
        );
        assert_eq!(issues[0].field, "barcode");
        assert!(
            issues[0].message.contains(says),
            "{data}: {}",
            issues[0].message
        );
    }
}

#[tokio::test]
async fn vaccine_management_receives_adjusts_and_reconciles_lots() {
    let f = with_lots("MT0002", "mt.vaccines").await;
    let inventory = list_lots(&f.ctx).await.unwrap();
    assert_eq!(inventory.lots.len(), 4);
    let flu = inventory.lots.iter().find(|l| l.cvx == "140").unwrap();
    assert_eq!(flu.expiry_status, "expiring_soon");
    assert_eq!(flu.days_to_expiry, 21);
    assert!(inventory.lots.iter().all(|l| l.balanced));

    let received = receive_lot(
        &f.ctx,
        ReceiveLotRequest {
            cvx: "21".into(),
            mvx: "MSD".into(),
            trade_name: "VARIVAX".into(),
            ndc: "".into(),
            lot_number: "Z001122".into(),
            expiration_date: "06/30/2027".into(),
            quantity: "10".into(),
            funding_source: "state".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!((received.quantity_on_hand, received.received), (10, 10));

    let issues = issues_of(
        adjust_lot(
            &f.ctx,
            AdjustLotRequest {
                lot_id: received.id.clone(),
                quantity: "11".into(),
                direction: "remove".into(),
                reason: "wastage".into(),
                note: "".into(),
            },
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(issues[0].field, "quantity");
    let issues = issues_of(
        adjust_lot(
            &f.ctx,
            AdjustLotRequest {
                lot_id: received.id.clone(),
                quantity: "1".into(),
                direction: "add".into(),
                reason: "transfer".into(),
                note: "".into(),
            },
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(issues[0].field, "direction");
    let adjusted = adjust_lot(
        &f.ctx,
        AdjustLotRequest {
            lot_id: received.id.clone(),
            quantity: "2".into(),
            direction: "remove".into(),
            reason: "wastage".into(),
            note: "dropped vial".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!((adjusted.quantity_on_hand, adjusted.adjusted), (8, -2));
    assert!(adjusted.balanced);

    let refused = receive_lot(
        &f.ctx,
        ReceiveLotRequest {
            cvx: "21".into(),
            mvx: "MSD".into(),
            lot_number: "OLD1".into(),
            expiration_date: "11/01/2026".into(),
            quantity: "5".into(),
            funding_source: "vfc".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(issues_of(refused)[0].field, "expirationDate");
}

#[tokio::test]
async fn providers_without_vaccine_management_cannot_see_the_inventory() {
    let f = with_lots("TX0001", "tx.provider").await;
    assert_eq!(
        list_lots(&f.ctx).await.unwrap_err(),
        AppError::Forbidden {
            permission: "manage_lots".into()
        }
    );
}

#[tokio::test]
async fn the_lot_usage_report_reconciles_each_lot_for_its_keeper_only() {
    let f = with_lots("MT0002", "mt.vaccines").await;
    let received = receive_lot(
        &f.ctx,
        ReceiveLotRequest {
            cvx: "21".into(),
            mvx: "MSD".into(),
            trade_name: "VARIVAX".into(),
            lot_number: "Z001122".into(),
            expiration_date: "06/30/2027".into(),
            quantity: "10".into(),
            funding_source: "state".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    adjust_lot(
        &f.ctx,
        AdjustLotRequest {
            lot_id: received.id.clone(),
            quantity: "2".into(),
            direction: "remove".into(),
            reason: "wastage".into(),
            note: "dropped vial".into(),
        },
    )
    .await
    .unwrap();
    let view = shotbook_api::reports::lot_usage_report(
        &f.ctx,
        shotbook_api::dto::LotUsageRequest::default(),
    )
    .await
    .unwrap();
    let line = view
        .lots
        .iter()
        .find(|l| l.lot_number == "Z001122")
        .expect("the lot received this month");
    assert_eq!(
        (line.start, line.received, line.wasted, line.end),
        (0, 10, 2, 8)
    );
    assert_eq!(line.trade_name.as_deref(), Some("VARIVAX"));
    assert!(line
        .vaccine
        .as_deref()
        .is_some_and(|v| v.contains("varicella")));
    assert_eq!(line.funding_source, "state");
    assert!(!line.expired_with_stock);
    // Every line adds up.
    for l in &view.lots {
        assert_eq!(
            l.start + l.received
                - l.administered
                - l.wasted
                - l.expired
                - l.returned
                - l.transferred
                + l.corrected,
            l.end,
            "{l:?}"
        );
    }
    // A provider who does not keep the inventory may not read it.
    let provider = signed_in_as("TX0001", "tx.provider").await;
    let refused = shotbook_api::reports::lot_usage_report(
        &provider.ctx,
        shotbook_api::dto::LotUsageRequest::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, AppError::Forbidden { .. }), "{refused:?}");
}
