use shotbook_api::dto::{PrintRecordRequest, PrintedRecordRequest, VerifyRecordRequest};
use shotbook_api::records::{print_record, save_record_pdf, verify_record, verify_record_file};
use shotbook_api::AppError;
use shotbook_store::clients::{self, NewClient};

use crate::support::{audit_actions, fixture, signed_in_as, START};

fn request(f: &crate::support::Fixture) -> PrintRecordRequest {
    PrintRecordRequest {
        client_id: f.ana.to_string(),
    }
}

/// A file holding a client's record is its owner's alone (0600).
fn assert_private(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", path.display());
    }
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("shotbook-api-records-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[tokio::test]
async fn a_provider_prints_a_record_that_saves_and_verifies_and_each_step_is_audited() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    f.ctx.sign_records_with_demo_key();
    let printed = print_record(&f.ctx, request(&f)).await.unwrap();
    assert!(printed.demo_key);
    let preview = &printed.preview;
    assert_eq!(preview.client_name, "García, Ana");
    assert_eq!(preview.date_of_birth, "03/14/2019");
    assert!(
        preview.registry_name.starts_with("ImmTrac2"),
        "a Texas user prints from ImmTrac2"
    );
    assert!(preview.qr_svg.starts_with("<svg"));
    let rows: Vec<_> = preview
        .pages
        .iter()
        .flat_map(|p| &p.blocks)
        .filter_map(|b| b.row.as_ref())
        .collect();
    assert!(
        rows.iter().any(|r| r.date == "03/20/2020" && r.historical),
        "the historical MMRV dose is marked"
    );
    assert!(
        rows.iter().any(|r| r.date == "03/14/2019" && r.dose == "1"),
        "the birth HepB dose is HepB dose 1"
    );

    let file = scratch("ana.pdf");
    let saved = save_record_pdf(
        &f.ctx,
        PrintedRecordRequest {
            document_id: printed.document_id.clone(),
        },
        &file,
    )
    .await
    .unwrap();
    assert_eq!(saved.path, file.display().to_string());
    assert_private(&file);
    let verdict = verify_record_file(&f.ctx, &file).await.unwrap();
    assert!(verdict.valid, "{}", verdict.reason);
    assert!(verdict.demo_key);
    assert!(
        verdict.statement.contains(&"Name García, Ana".to_string()),
        "{:?}",
        verdict.statement
    );
    assert!(verdict
        .statement
        .iter()
        .any(|l| l.starts_with(&format!("Document {}", printed.document_id))));

    let payload = shotbook_print::payload_of_pdf(&std::fs::read(&file).unwrap()).unwrap();
    let mut altered = payload.clone().into_bytes();
    let last = altered.len() - 5;
    altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    let verdict = verify_record(&f.ctx, VerifyRecordRequest { payload: altered })
        .await
        .unwrap();
    assert!(!verdict.valid);
    assert!(
        verdict.statement.is_empty(),
        "nothing unverified is shown as a fact"
    );

    let prints: Vec<_> = audit_actions(&f.ctx)
        .await
        .into_iter()
        .filter(|(action, _)| action == "print_record")
        .collect();
    assert_eq!(
        prints.len(),
        2,
        "rendering and saving are each audited: {prints:?}"
    );
    assert!(prints
        .iter()
        .all(|(_, c)| c.as_deref() == Some(f.ana.to_string().as_str())));
}

#[tokio::test]
async fn a_role_without_the_print_permission_is_refused_and_nothing_is_audited() {
    let f = signed_in_as("MTREG", "mt.registry").await;
    f.ctx.sign_records_with_demo_key();
    let refused = print_record(&f.ctx, request(&f)).await.unwrap_err();
    assert!(matches!(refused, AppError::Forbidden { .. }), "{refused:?}");
    assert!(!audit_actions(&f.ctx)
        .await
        .iter()
        .any(|(a, _)| a == "print_record"));
}

#[tokio::test]
async fn a_client_without_registry_consent_is_not_printed() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    f.ctx.sign_records_with_demo_key();
    let refused_client = NewClient {
        first_name: "Noel".into(),
        last_name: "Private".into(),
        date_of_birth: "2015-06-01".into(),
        gender: "M".into(),
        consent: "not_granted".into(),
        ..Default::default()
    };
    let mut tx = f.ctx.store().begin().await.unwrap();
    clients::insert_in_tx(&mut tx, &refused_client, START)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let refused = print_record(
        &f.ctx,
        PrintRecordRequest {
            client_id: refused_client.id.to_string(),
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(refused, AppError::ConsentRestricted { .. }),
        "another organization's client without consent is not released: {refused:?}"
    );
    assert!(!audit_actions(&f.ctx)
        .await
        .iter()
        .any(|(a, _)| a == "print_record"));
}

#[tokio::test]
async fn outside_the_demo_registry_printing_needs_a_configured_signing_key() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    if std::env::var(shotbook_api::records::SIGNING_KEY_VAR).is_ok() {
        // A developer's configured key would sign; the refusal below is for a bare workstation.
        return;
    }
    let refused = print_record(&f.ctx, request(&f)).await.unwrap_err();
    assert!(
        matches!(&refused, AppError::PrinterUnavailable { reason, .. } if reason == "no_signing_key"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn saving_needs_a_record_printed_in_this_session_and_verifying_needs_a_session() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    let missing = save_record_pdf(
        &f.ctx,
        PrintedRecordRequest {
            document_id: "nope".into(),
        },
        &scratch("nope.pdf"),
    )
    .await
    .unwrap_err();
    assert!(matches!(missing, AppError::NotFound { .. }));
    let anonymous = fixture().await;
    let refused = verify_record(
        &anonymous.ctx,
        VerifyRecordRequest {
            payload: "SHOTBOOK-OIR1:AAAA".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, AppError::NotSignedIn));
}

#[tokio::test]
async fn a_record_printed_in_one_session_is_not_the_next_sessions_to_save() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    f.ctx.sign_records_with_demo_key();
    let printed = print_record(&f.ctx, request(&f)).await.unwrap();
    let again = |ctx| {
        let document_id = printed.document_id.clone();
        async move {
            save_record_pdf(
                ctx,
                PrintedRecordRequest { document_id },
                &scratch("next-session.pdf"),
            )
            .await
        }
    };
    assert!(
        shotbook_api::records::kept_file_name(&f.ctx, &printed.document_id).is_ok(),
        "kept while the session lasts"
    );
    shotbook_api::auth::sign_out(&f.ctx).await.unwrap();
    assert!(shotbook_api::records::kept_file_name(&f.ctx, &printed.document_id).is_err());
    crate::support::complete_sign_in(&f.ctx, crate::support::credentials("TX0001", "tx.provider"))
        .await;
    let refused = again(&f.ctx).await.unwrap_err();
    assert!(matches!(refused, AppError::NotFound { .. }), "{refused:?}");
}

#[tokio::test]
async fn a_batch_writes_each_record_readable_by_its_owner_only() {
    let f = signed_in_as("TX0001", "tx.provider").await;
    f.ctx.sign_records_with_demo_key();
    let folder = scratch("batch-private");
    std::fs::create_dir_all(&folder).unwrap();
    shotbook_api::records::choose_batch_folder(&f.ctx, folder.clone())
        .await
        .unwrap();
    let printed = shotbook_api::records::print_record_to_batch_folder(
        &f.ctx,
        shotbook_api::dto::BatchItemRequest {
            client: f.ana.to_string(),
        },
    )
    .await
    .unwrap();
    assert_private(&folder.join(&printed.file_name));
}
