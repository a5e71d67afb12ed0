//! Reminder/recall as a Texas clinic runs it: the cohort preview with its exclusions, then
//! letters (each family's language), Avery 5160 labels and CSV written to a folder and read
//! back, each notice stamped and audited, and a rerun that leaves the notified families out
//! unless forced — against SQLite.

use std::path::{Path, PathBuf};
use std::process::Command;

use shotbook_api::dto::*;
use shotbook_api::{recall, AppError};
use shotbook_core::ids::ClientId;
use shotbook_store::clients::{self, NewClient};
use shotbook_store::organizations;

use crate::access_requests::as_user;
use crate::support::{audit_actions, fixture, START};

async fn family(
    ctx: &shotbook_api::AppContext,
    first: &str,
    last: &str,
    street: Option<&str>,
    language: &str,
) -> ClientId {
    let clinic = organizations::find_by_code(ctx.store(), "TX0001")
        .await
        .unwrap()
        .expect("the demo clinic");
    let client = NewClient {
        first_name: first.into(),
        last_name: last.into(),
        date_of_birth: "2025-03-15".into(),
        gender: "M".into(),
        consent: "granted".into(),
        address_line1: street.map(str::to_string),
        city: Some("Houston".into()),
        state: Some("TX".into()),
        county: Some("Harris".into()),
        zip: Some("77002".into()),
        phone: Some("713-555-0142".into()),
        guardian_first_name: Some("Ana".into()),
        guardian_last_name: Some(last.into()),
        guardian_relationship: Some("mother".into()),
        home_organization_id: Some(clinic.id.parse().unwrap()),
        ..Default::default()
    };
    let mut tx = ctx.store().begin().await.unwrap();
    clients::insert_in_tx(&mut tx, &client, START)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    sqlx::query("UPDATE clients SET language = ? WHERE id = ?")
        .bind(language)
        .bind(client.id.to_string())
        .execute(ctx.store().pool())
        .await
        .unwrap();
    client.id
}

fn request(method: &str, force: bool) -> RecallRequest {
    RecallRequest {
        born_from: "01/01/2025".into(),
        born_to: "12/31/2025".into(),
        window: "due_or_overdue".into(),
        method: method.into(),
        force,
        ..Default::default()
    }
}

fn folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "shotbook-reminders-{}-{}",
        std::process::id(),
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn pdf_text(file: &Path) -> String {
    let out = Command::new("pdftotext")
        .args([file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is needed (scripts/setup.sh installs it)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn a_clinic_previews_prints_and_stamps_its_reminders_and_a_rerun_skips_them() {
    let f = fixture().await;
    let ctx = &f.ctx;
    let mateo = family(ctx, "Mateo", "López", Some("1100 Main St"), "spa").await;
    let emma = family(ctx, "Emma", "Johnson", Some("500 Bagby St"), "eng").await;
    family(ctx, "Liam", "Brown", None, "eng").await;
    as_user(ctx, "TX0001", "tx.provider").await;

    let options = recall::reminder_options(ctx).await.unwrap();
    assert!(options.vaccine_groups.iter().any(|g| g == "MMR"));
    assert_eq!(
        options.vaccine_groups.len(),
        16,
        "{:?}",
        options.vaccine_groups
    );
    assert!(!options.vaccine_groups.iter().any(|g| g == "Yellow Fever"));
    assert_eq!(options.rerun_days, 30);

    let preview = recall::reminder_preview(ctx, request("mail", false))
        .await
        .unwrap();
    assert_eq!(preview.candidates, 3);
    assert_eq!(preview.to_notify, 2);
    let excluded: Vec<(&str, i32)> = preview
        .excluded
        .iter()
        .map(|e| (e.code.as_str(), e.count))
        .collect();
    assert_eq!(excluded, vec![("no_viable_address", 1)]);
    let names: Vec<(&str, &str)> = preview
        .lines
        .iter()
        .map(|l| (l.last_name.as_str(), l.language.as_str()))
        .collect();
    assert_eq!(names, vec![("Johnson", "en"), ("López", "es")]);
    let mmr = preview.lines[0]
        .vaccines
        .iter()
        .find(|v| v.group == "MMR")
        .expect("a 20-month-old with no doses is due MMR");
    assert!(!mmr.cvx.is_empty(), "the CVX codes recommended");

    // Outputs must fit the method.
    let wrong = recall::create_reminders(
        ctx,
        CreateRemindersRequest {
            criteria: request("phone", false),
            outputs: vec!["letters".into()],
        },
        &folder(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&wrong, AppError::Validation { issues } if issues[0].field == "outputs[0]"),
        "{wrong:?}"
    );

    let out = folder();
    let run = recall::create_reminders(
        ctx,
        CreateRemindersRequest {
            criteria: request("mail", false),
            outputs: vec!["csv".into(), "letters".into(), "labels".into()],
        },
        &out,
    )
    .await
    .unwrap();
    assert!(!run.cancelled);
    assert_eq!(run.notices, 2);
    assert_eq!(
        run.files,
        vec![
            "Reminders-TX0001-2026-11-22-letters.pdf",
            "Reminders-TX0001-2026-11-22-labels.pdf",
            "Reminders-TX0001-2026-11-22-csv.csv",
        ]
    );
    let letters = pdf_text(&out.join(&run.files[0]));
    assert!(letters.contains("Recordatorio de vacunas"), "{letters}");
    assert!(letters.contains("Immunization reminder"));
    assert!(letters.contains("Estimado padre, madre o tutor de Mateo López"));
    assert!(letters.contains("MMR (measles, mumps, rubella)"));
    assert!(letters.contains("1100 Main St"));
    assert!(!letters.contains("Liam"), "no viable address, no letter");
    let labels = pdf_text(&out.join(&run.files[1]));
    assert!(labels.contains("Ana López") && labels.contains("Houston, TX 77002"));
    let csv = std::fs::read_to_string(out.join(&run.files[2])).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(rows[0].starts_with("Client ID,Last Name,First Name"));
    assert!(rows[2].contains("López") && rows[2].contains(",es,"));

    // Each notice audited with its client; the rerun leaves both families out.
    let stamped: Vec<Option<String>> = audit_actions(ctx)
        .await
        .into_iter()
        .filter(|(a, _)| a == "reminder_notice")
        .map(|(_, c)| c)
        .collect();
    assert_eq!(stamped.len(), 2);
    assert!(
        stamped.contains(&Some(mateo.to_string())) && stamped.contains(&Some(emma.to_string()))
    );
    let rerun = recall::reminder_preview(ctx, request("mail", false))
        .await
        .unwrap();
    assert_eq!(rerun.to_notify, 0);
    assert!(rerun
        .excluded
        .iter()
        .any(|e| e.code == "notified_recently" && e.count == 2));
    let forced = recall::reminder_preview(ctx, request("mail", true))
        .await
        .unwrap();
    assert_eq!(forced.to_notify, 2);
    assert_eq!(forced.lines[0].last_notice.as_deref(), Some("11/22/2026"));

    // Nothing under way now.
    let progress = recall::reminder_progress(ctx).await.unwrap();
    assert!(!progress.running && progress.stage == "idle");
}

#[tokio::test]
async fn a_school_cannot_run_reminders() {
    let f = fixture().await;
    as_user(&f.ctx, "TXSCH1", "tx.school").await;
    let refused = recall::reminder_preview(&f.ctx, request("mail", false))
        .await
        .unwrap_err();
    assert!(matches!(refused, AppError::Forbidden { .. }), "{refused:?}");
}
