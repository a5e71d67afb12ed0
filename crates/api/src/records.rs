//! The Official Immunization Record: printing it (PDF with a signed QR code), saving it, sending
//! it to a printer, and verifying a printed one.
//!
//! A print is built once ([`print_record`]): the document model, its sealed statement and the
//! PDF bytes, kept in the context under a fresh document id for the preview's "Save as PDF…"
//! and "Print" buttons, so what is saved or printed is exactly what was previewed. Every step
//! that puts the record on screen, on disk or on paper is audited as a print.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::date::UsDate;
use shotbook_core::ids::ClientId;
use shotbook_core::permission::Permission;
use shotbook_core::record_document::{
    Block, ClientIdentity, PrintedBy, RecordDocument, RecordDose, RecordInput, Registry,
    HISTORICAL_LEGEND, NO_IMMUNIZATIONS, TABLE_COLUMNS, TITLE,
};
use shotbook_core::session::Grant;
use shotbook_print::qr::QrMatrix;
use shotbook_print::{KeyKind, RecordKey, TrustedKeys};
use shotbook_store::clients::ClientRow;
use shotbook_store::demographics::{self, CommentRow};
use shotbook_store::immunizations::ImmunizationRow;
use shotbook_store::{audit, clients, immunizations, organizations};
use specta::Type;

use crate::convert::client_id;
use crate::error::{AppError, AppResult, FieldIssue};
use crate::AppContext;

/// Environment variable holding the registry's record-signing key (base64 of a 32-byte
/// Ed25519 seed). Without it the OS keyring entry [`SIGNING_KEY_ENTRY`] is used.
pub const SIGNING_KEY_VAR: &str = "SHOTBOOK_RECORD_SIGNING_KEY";
/// Keyring entry (service `org.shotbook.desktop`) holding the record-signing key.
pub const SIGNING_KEY_ENTRY: &str = "record-signing-key";
/// Environment variable listing further trusted public keys (base64, comma-separated), e.g.
/// the keys of other workstations of the same registry.
pub const TRUSTED_KEYS_VAR: &str = "SHOTBOOK_TRUSTED_RECORD_KEYS";
/// How many rendered records the context keeps for Save / Print.
const KEPT_RECORDS: usize = 8;

/// Which client's record to print.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PrintRecordRequest {
    /// Client id (UUID).
    pub client_id: String,
}

/// A printed record, ready to preview, save or send to a printer.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PrintedRecord {
    /// This document's id (audited; printed in the footer).
    pub document_id: String,
    /// Suggested file name ("Official-Immunization-Record-9000000003.pdf").
    pub file_name: String,
    /// Size of the PDF.
    pub byte_count: i32,
    /// Signed with the public demo key (demo registry): not an official record.
    pub demo_key: bool,
    /// The pages as the preview draws them.
    pub preview: RecordPreview,
}

/// The document model, page by page, for the in-app preview (the web view cannot show PDFs).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecordPreview {
    /// Registry name.
    pub registry_name: String,
    /// Its public-health authority.
    pub jurisdiction: String,
    /// "Official Immunization Record".
    pub title: String,
    /// Client name.
    pub client_name: String,
    /// MM/DD/YYYY.
    pub date_of_birth: String,
    /// "Female" …
    pub gender: String,
    /// Registry client number.
    pub client_id: String,
    /// Parent or guardian.
    pub guardian: Option<String>,
    /// The QR code as an SVG image.
    pub qr_svg: String,
    /// "Printed 11/22/2026 09:41 UTC by …".
    pub printed_line: String,
    /// Pages.
    pub pages: Vec<PreviewPage>,
}

/// One page of the preview.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PreviewPage {
    /// "Page 1 of 2".
    pub label: String,
    /// Blocks, top to bottom.
    pub blocks: Vec<PreviewBlock>,
}

/// One block of a page. `kind` is `client`, `reminder`, `groupHeading`, `tableHeader`, `row`,
/// `noImmunizations`, `legend` or `consent`; `lines` holds its text (the table header's column
/// names; a row's cells are in `row`).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PreviewBlock {
    /// What the block is.
    pub kind: String,
    /// Its text.
    pub lines: Vec<String>,
    /// A dose row's cells.
    pub row: Option<PreviewRow>,
}

/// A dose row of the preview.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PreviewRow {
    /// MM/DD/YYYY.
    pub date: String,
    /// Vaccine lines.
    pub vaccine: Vec<String>,
    /// CVX.
    pub cvx: String,
    /// Dose number or empty.
    pub dose: String,
    /// Provider lines.
    pub provider: Vec<String>,
    /// Historical dose.
    pub historical: bool,
}

/// A kept print to save or send.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PrintedRecordRequest {
    /// Document id from [`PrintedRecord`].
    pub document_id: String,
}

/// Where a record was saved.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SavedRecord {
    /// The file written.
    pub path: String,
}

/// A print job handed to CUPS.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PrintJob {
    /// The printer.
    pub printer: String,
    /// What `lp` answered ("request id is …").
    pub message: String,
}

/// A scanned or pasted QR payload to check.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VerifyRecordRequest {
    /// The text the QR code holds (`SHOTBOOK-OIR1:…`).
    pub payload: String,
}

/// The verdict on a printed record.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecordVerification {
    /// The signature checks out with a trusted key.
    pub valid: bool,
    /// Why it is or is not valid, in a sentence.
    pub reason: String,
    /// Signed with the public demo key: genuine demo output, not an official record.
    pub demo_key: bool,
    /// The signed facts, one per line, to compare with the paper (empty when invalid).
    pub statement: Vec<String>,
}

/// A rendered record kept for Save / Print.
struct KeptRecord {
    document_id: String,
    file_name: String,
    client: ClientId,
    pdf: Vec<u8>,
}

/// Rendered records kept for Save / Print (newest last), and the batch folder.
#[derive(Default)]
pub struct KeptRecords {
    records: Mutex<Vec<KeptRecord>>,
    batch_folder: Mutex<Option<PathBuf>>,
}

impl std::fmt::Debug for KeptRecords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.records.lock().map_or(0, |k| k.len());
        write!(f, "KeptRecords({count} documents)")
    }
}

impl KeptRecords {
    fn keep(&self, record: KeptRecord) {
        if let Ok(mut kept) = self.records.lock() {
            kept.push(record);
            let excess = kept.len().saturating_sub(KEPT_RECORDS);
            kept.drain(..excess);
        }
    }

    fn get(&self, document_id: &str) -> Option<(String, ClientId, Vec<u8>)> {
        let kept = self.records.lock().ok()?;
        kept.iter()
            .find(|r| r.document_id == document_id)
            .map(|r| (r.file_name.clone(), r.client, r.pdf.clone()))
    }
}

/// A record rendered for one client (what the CLI and the benchmark use).
#[derive(Debug, Clone)]
pub struct RenderedRecord {
    /// Document id.
    pub document_id: String,
    /// Suggested file name.
    pub file_name: String,
    /// The model.
    pub document: RecordDocument,
    /// The QR payload.
    pub payload: String,
    /// The PDF.
    pub pdf: Vec<u8>,
    /// Signed with the demo key.
    pub demo_key: bool,
}

/// Prints a client's record: checks PrintRecord and consent, builds and renders the document,
/// audits the print, and keeps the PDF for [`save_record_pdf`] / [`send_record_to_printer`].
pub async fn print_record(
    ctx: &AppContext,
    request: PrintRecordRequest,
) -> AppResult<PrintedRecord> {
    let id = client_id(&request.client_id)?;
    let rendered = render_record(ctx, id).await?;
    let preview = preview_of(&rendered.document, &rendered.payload)?;
    let printed = PrintedRecord {
        document_id: rendered.document_id.clone(),
        file_name: rendered.file_name.clone(),
        byte_count: i32::try_from(rendered.pdf.len()).unwrap_or(i32::MAX),
        demo_key: rendered.demo_key,
        preview,
    };
    ctx.kept_records().keep(KeptRecord {
        document_id: rendered.document_id,
        file_name: rendered.file_name,
        client: id,
        pdf: rendered.pdf,
    });
    Ok(printed)
}

/// Renders and audits one client's record: the shared path of the app, the CLI and the
/// benchmark.
pub async fn render_record(ctx: &AppContext, id: ClientId) -> AppResult<RenderedRecord> {
    let (grant, session) = ctx.require(Permission::PrintRecord)?;
    // The consent rule (shotbook_core::consent): the whole record, and the print right on it.
    let access = crate::consent::require_full_record(ctx, &session, id).await?;
    if !access.may_print {
        return Err(AppError::Forbidden {
            permission: Permission::PrintRecord.code().to_string(),
        });
    }
    let client = clients::get(ctx.store(), id).await?;
    let doses = immunizations::for_client(ctx.store(), id).await?;
    let state = organizations::all(ctx.store())
        .await?
        .into_iter()
        .find(|o| o.id == session.organization_id.to_string())
        .map_or_else(|| "US".to_string(), |o| o.state);
    let document_id = uuid::Uuid::now_v7().to_string();
    let comments = demographics::comments(ctx.store(), id).await?;
    let valid = valid_doses(&client, &doses, &comments, ctx.clock().today());
    let input = record_input(
        &client,
        &doses,
        &valid,
        Registry::for_state(&state),
        PrintedBy {
            user: session.display_name.clone(),
            organization: session.organization_name.clone(),
        },
        document_id.clone(),
        ctx.clock().now(),
    )?;
    let key = ctx.record_key()?;
    let (document, payload, pdf) = tokio::task::spawn_blocking(move || {
        let document = RecordDocument::build(input);
        let payload = key.seal(&document.signed_statement());
        let pdf = shotbook_print::render(&document, &payload);
        (document, payload, pdf)
    })
    .await
    .map_err(AppError::internal)?;
    let pdf = pdf.map_err(AppError::internal)?;
    audit_print(ctx, &grant, id, format!("rendered document {document_id}")).await?;
    let file_name = format!(
        "Official-Immunization-Record-{}.pdf",
        client.registry_id.as_deref().unwrap_or(&client.id)
    );
    Ok(RenderedRecord {
        document_id,
        file_name,
        document,
        payload,
        pdf,
        demo_key: ctx.record_key()?.kind() == KeyKind::Demo,
    })
}

/// Writes a kept record to `path` (chosen in the native Save dialog). Audited.
pub async fn save_record_pdf(
    ctx: &AppContext,
    request: PrintedRecordRequest,
    path: &Path,
) -> AppResult<SavedRecord> {
    let (grant, _) = ctx.require(Permission::PrintRecord)?;
    let (_, client, pdf) = kept(ctx, &request.document_id)?;
    tokio::fs::write(path, &pdf)
        .await
        .map_err(|e| AppError::internal(format!("writing a record PDF: {e}")))?;
    audit_print(
        ctx,
        &grant,
        client,
        format!("saved document {} as PDF", request.document_id),
    )
    .await?;
    Ok(SavedRecord {
        path: path.display().to_string(),
    })
}

/// The suggested file name of a kept record (for the Save dialog).
pub fn kept_file_name(ctx: &AppContext, document_id: &str) -> AppResult<String> {
    kept(ctx, document_id).map(|(name, ..)| name)
}

/// Sends a kept record to the default CUPS printer with `lp`. Audited. Without a configured
/// printer (or without CUPS) the error says so, and "Save as PDF…" remains.
pub async fn send_record_to_printer(
    ctx: &AppContext,
    request: PrintedRecordRequest,
) -> AppResult<PrintJob> {
    let (grant, _) = ctx.require(Permission::PrintRecord)?;
    let (_, client, pdf) = kept(ctx, &request.document_id)?;
    let printer = default_printer().await?;
    let file = std::env::temp_dir().join(format!("shotbook-{}.pdf", request.document_id));
    tokio::fs::write(&file, &pdf)
        .await
        .map_err(|e| AppError::internal(format!("writing a record for the printer: {e}")))?;
    let out = tokio::process::Command::new("lp")
        .arg("-d")
        .arg(&printer)
        .arg(&file)
        .output()
        .await;
    let _ = tokio::fs::remove_file(&file).await;
    let out = out.map_err(|_| unavailable("no_cups", "the lp command (CUPS) is not installed"))?;
    if !out.status.success() {
        return Err(unavailable(
            "printer_refused",
            &format!(
                "the printer {printer} refused the job: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ));
    }
    audit_print(
        ctx,
        &grant,
        client,
        format!("sent document {} to printer", request.document_id),
    )
    .await?;
    Ok(PrintJob {
        printer,
        message: String::from_utf8_lossy(&out.stdout).trim().to_string(),
    })
}

async fn default_printer() -> AppResult<String> {
    let out = tokio::process::Command::new("lpstat")
        .arg("-d")
        .output()
        .await
        .map_err(|_| {
            unavailable(
                "no_cups",
                "CUPS is not installed on this workstation (no lpstat)",
            )
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    // "system default destination: Office_Laser"
    text.lines()
        .find_map(|l| {
            l.split_once("destination:")
                .map(|(_, p)| p.trim().to_string())
        })
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            unavailable(
                "no_printer",
                "no printer is configured on this workstation (CUPS has no default printer)",
            )
        })
}

fn unavailable(reason: &str, detail: &str) -> AppError {
    AppError::PrinterUnavailable {
        reason: reason.to_string(),
        detail: detail.to_string(),
    }
}

/// The folder a batch of records is printed into.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchFolder {
    /// The folder chosen.
    pub path: String,
}

/// One client of a batch.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchItemRequest {
    /// Registry client ID (or client UUID), as typed or pasted.
    pub client: String,
}

/// One printed record of a batch.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchItemResult {
    /// The file written in the batch folder.
    pub file_name: String,
    /// Pages.
    pub pages: i32,
}

/// Remembers the folder (chosen in the native dialog) the next batch prints into.
pub fn choose_batch_folder(ctx: &AppContext, folder: PathBuf) -> AppResult<BatchFolder> {
    ctx.require(Permission::PrintRecord)?;
    let path = folder.display().to_string();
    if let Ok(mut chosen) = ctx.kept_records().batch_folder.lock() {
        *chosen = Some(folder);
    }
    Ok(BatchFolder { path })
}

/// Prints one client of a batch into the chosen folder (the screen calls it client by client
/// and shows the progress). Audited like every print.
pub async fn print_record_to_batch_folder(
    ctx: &AppContext,
    request: BatchItemRequest,
) -> AppResult<BatchItemResult> {
    ctx.require(Permission::PrintRecord)?;
    let folder = ctx
        .kept_records()
        .batch_folder
        .lock()
        .ok()
        .and_then(|f| f.clone())
        .ok_or_else(|| AppError::Validation {
            issues: vec![FieldIssue {
                field: "folder".into(),
                message: "Choose the folder the records are saved in.".into(),
            }],
        })?;
    let not_found = || AppError::Validation {
        issues: vec![FieldIssue {
            field: "client".into(),
            message: format!("No client has the ID {}.", request.client.trim()),
        }],
    };
    let id = clients::find_id(ctx.store(), &request.client)
        .await?
        .ok_or_else(not_found)?;
    let rendered = render_record(ctx, id).await?;
    let path = folder.join(&rendered.file_name);
    tokio::fs::write(&path, &rendered.pdf)
        .await
        .map_err(|e| AppError::internal(format!("writing a batch record: {e}")))?;
    Ok(BatchItemResult {
        file_name: rendered.file_name,
        pages: i32::try_from(rendered.document.pages.len()).unwrap_or(i32::MAX),
    })
}

/// Checks a scanned or pasted payload. Needs a signed-in user (no client data is read: the
/// facts shown are those the payload carries).
pub async fn verify_record(
    ctx: &AppContext,
    request: VerifyRecordRequest,
) -> AppResult<RecordVerification> {
    if ctx.current_session().is_none() {
        return Err(AppError::NotSignedIn);
    }
    Ok(verification(&request.payload, &ctx.trusted_record_keys()))
}

/// Checks the payload inside a PDF file Shotbook saved.
pub async fn verify_record_file(ctx: &AppContext, path: &Path) -> AppResult<RecordVerification> {
    if ctx.current_session().is_none() {
        return Err(AppError::NotSignedIn);
    }
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|_| AppError::Validation {
            issues: vec![FieldIssue {
                field: "file".into(),
                message: "The file could not be read.".into(),
            }],
        })?;
    Ok(verify_pdf_bytes(&bytes, &ctx.trusted_record_keys()))
}

/// The verdict on a PDF's bytes (also used by `shotbook verify`).
pub fn verify_pdf_bytes(bytes: &[u8], trusted: &TrustedKeys) -> RecordVerification {
    match shotbook_print::payload_of_pdf(bytes) {
        Some(payload) => verification(&payload, trusted),
        None => RecordVerification {
            valid: false,
            reason: "this file holds no Shotbook record code (not an Official Immunization Record printed by Shotbook)".into(),
            demo_key: false,
            statement: Vec::new(),
        },
    }
}

/// The verdict on a payload text (also used by `shotbook verify`).
pub fn verification(payload: &str, trusted: &TrustedKeys) -> RecordVerification {
    match shotbook_print::verify(payload, trusted) {
        Ok(v) => RecordVerification {
            valid: true,
            demo_key: v.key_kind == KeyKind::Demo,
            reason: match v.key_kind {
                KeyKind::Registry => format!(
                    "signed by the registry (key {}); compare the facts below with the paper",
                    v.key_id
                ),
                KeyKind::Demo => "signed with the public demo key: a genuine demo record, not an official one; compare the facts below with the paper".into(),
            },
            statement: v.statement.lines().map(str::to_string).collect(),
        },
        Err(why) => RecordVerification {
            valid: false,
            reason: why.to_string(),
            demo_key: false,
            statement: Vec::new(),
        },
    }
}

impl AppContext {
    /// The key records are signed with: the public demo key on the demo registry; otherwise
    /// the registry key from `SHOTBOOK_RECORD_SIGNING_KEY` or the OS keyring.
    pub fn record_key(&self) -> AppResult<RecordKey> {
        if self.signs_with_demo_key() {
            return Ok(RecordKey::demo());
        }
        let text = std::env::var(SIGNING_KEY_VAR)
            .ok()
            .or_else(|| self.secrets().get(SIGNING_KEY_ENTRY).ok().flatten())
            .ok_or_else(|| {
                unavailable(
                    "no_signing_key",
                    "no record-signing key is configured on this workstation \
                     (set SHOTBOOK_RECORD_SIGNING_KEY or the keyring entry record-signing-key)",
                )
            })?;
        RecordKey::from_text(&text).map_err(|e| unavailable("bad_signing_key", &e))
    }

    /// Keys whose signatures verify: see [`trusted_keys`]; with this workstation's registry key.
    pub fn trusted_record_keys(&self) -> TrustedKeys {
        let own = if self.signs_with_demo_key() {
            None
        } else {
            self.record_key().ok()
        };
        trusted_keys(own.as_ref())
    }
}

/// Keys whose signatures verify: the demo key (reported as such), `own` (the registry key of
/// this workstation, if any), and those listed in `SHOTBOOK_TRUSTED_RECORD_KEYS`.
pub fn trusted_keys(own: Option<&RecordKey>) -> TrustedKeys {
    let mut trusted = TrustedKeys::demo_only();
    if let Some(key) = own {
        trusted.add_key(key);
    }
    for text in std::env::var(TRUSTED_KEYS_VAR)
        .unwrap_or_default()
        .split(',')
    {
        if !text.trim().is_empty() && trusted.add_public_text(text).is_err() {
            tracing::warn!("ignoring a malformed key in {TRUSTED_KEYS_VAR}");
        }
    }
    trusted
}

fn kept(ctx: &AppContext, document_id: &str) -> AppResult<(String, ClientId, Vec<u8>)> {
    ctx.kept_records()
        .get(document_id)
        .ok_or_else(|| AppError::NotFound {
            entity: "printed record".into(),
        })
}

async fn audit_print(
    ctx: &AppContext,
    grant: &Grant,
    client: ClientId,
    detail: String,
) -> AppResult<()> {
    let event = AuditEvent {
        at: ctx.clock().now(),
        user_id: Some(grant.user_id()),
        organization_id: Some(grant.organization_id()),
        workstation: ctx.workstation().to_string(),
        action: AuditAction::PrintRecord,
        client_id: Some(client),
        detail: Some(detail),
    };
    audit::append(ctx.store().pool(), &event).await?;
    Ok(())
}

/// The ids of the doses the CDC CDSi evaluation counts as valid for every antigen they carry.
pub fn valid_doses(
    client: &ClientRow,
    doses: &[ImmunizationRow],
    comments: &[CommentRow],
    today: time::Date,
) -> HashSet<String> {
    let Some(on) = shotbook_forecast::Date::parse(&UsDate::from_date(today).iso()) else {
        return HashSet::new();
    };
    let Ok((patient, ids)) = crate::forecast::patient_of(client, doses, comments, on) else {
        return HashSet::new();
    };
    let assessment = shotbook_forecast::Engine::embedded().evaluate(&patient, on);
    assessment
        .doses
        .iter()
        .filter(|d| {
            !d.antigens.is_empty()
                && d.antigens
                    .iter()
                    .all(|a| a.status == shotbook_forecast::EvaluationStatus::Valid)
        })
        .filter_map(|d| ids.get(d.index).cloned())
        .collect()
}

/// The document's input from stored rows. Voided doses are left out. A dose's number in a
/// vaccine group counts the doses of that group the evaluation found valid (`valid`); a dose
/// it did not count prints without a number.
pub fn record_input(
    client: &ClientRow,
    doses: &[ImmunizationRow],
    valid: &HashSet<String>,
    registry: Registry,
    printed_by: PrintedBy,
    document_id: String,
    printed_at: time::OffsetDateTime,
) -> AppResult<RecordInput> {
    // Never quote the stored value: it is a date of birth, and internal errors are logged.
    let date_of_birth = UsDate::parse(&client.date_of_birth)
        .map_err(|_| AppError::internal("a stored date of birth is not a date"))?;
    let name = {
        let mut given = client.first_name.clone();
        if let Some(m) = client.middle_name.as_deref().filter(|m| !m.is_empty()) {
            given = format!("{given} {m}");
        }
        let family = match client.suffix.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => format!("{} {s}", client.last_name),
            None => client.last_name.clone(),
        };
        format!("{family}, {given}")
    };
    let guardian = match (&client.guardian_first_name, &client.guardian_last_name) {
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (None, Some(l)) => Some(l.clone()),
        _ => None,
    }
    .map(|g| match &client.guardian_relationship {
        Some(r) if !r.is_empty() => format!("{g} ({r})"),
        _ => g,
    });
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    let mut record_doses = Vec::new();
    for d in doses.iter().filter(|d| d.status == "completed") {
        let Ok(on) = UsDate::parse(&d.administered_on) else {
            return Err(AppError::internal("a stored dose date is not a date"));
        };
        let groups: Vec<String> = d
            .vaccine_groups
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(str::to_string)
            .collect();
        let mut dose_numbers = BTreeMap::new();
        if valid.contains(&d.id) {
            for g in &groups {
                let n = counts.entry(g.clone()).or_default();
                *n += 1;
                dose_numbers.insert(g.clone(), *n);
            }
        }
        record_doses.push(RecordDose {
            administered_on: on,
            cvx: d.cvx.clone(),
            vaccine: d
                .vaccine
                .clone()
                .unwrap_or_else(|| format!("CVX {}", d.cvx)),
            trade_name: d.trade_name.clone(),
            vaccine_groups: groups,
            dose_numbers,
            provider: d.organization_name.clone().or_else(|| d.clinician.clone()),
            historical: d.source == "historical",
        });
    }
    Ok(RecordInput {
        document_id,
        registry,
        client: ClientIdentity {
            name,
            date_of_birth,
            gender: client.gender.clone(),
            client_id: client
                .registry_id
                .clone()
                .unwrap_or_else(|| client.id.clone()),
            guardian,
        },
        doses: record_doses,
        printed_by,
        printed_at,
    })
}

fn preview_of(doc: &RecordDocument, payload: &str) -> AppResult<RecordPreview> {
    let qr = QrMatrix::encode(payload).map_err(AppError::internal)?;
    let text = |kind: &str, lines: Vec<String>| PreviewBlock {
        kind: kind.into(),
        lines,
        row: None,
    };
    let pages = doc
        .pages
        .iter()
        .map(|page| PreviewPage {
            label: page.label(),
            blocks: page
                .blocks
                .iter()
                .map(|block| match *block {
                    Block::ClientBlock => text("client", Vec::new()),
                    Block::ClientReminder => text("reminder", vec![doc.client_reminder()]),
                    Block::GroupHeading { group, continued } => text(
                        "groupHeading",
                        vec![if continued {
                            format!("{} (continued)", doc.groups[group].name)
                        } else {
                            doc.groups[group].name.clone()
                        }],
                    ),
                    Block::TableHeader => text(
                        "tableHeader",
                        TABLE_COLUMNS.iter().map(|c| c.to_string()).collect(),
                    ),
                    Block::Row { group, row } => {
                        let r = &doc.groups[group].rows[row];
                        PreviewBlock {
                            kind: "row".into(),
                            lines: Vec::new(),
                            row: Some(PreviewRow {
                                date: r.date.clone(),
                                vaccine: r.vaccine.clone(),
                                cvx: r.cvx.clone(),
                                dose: r.dose.clone(),
                                provider: r.provider.clone(),
                                historical: r.historical,
                            }),
                        }
                    }
                    Block::NoImmunizations => {
                        text("noImmunizations", vec![NO_IMMUNIZATIONS.to_string()])
                    }
                    Block::HistoricalLegend => text("legend", vec![HISTORICAL_LEGEND.to_string()]),
                    Block::ConsentStatement => text("consent", doc.consent_statement.clone()),
                })
                .collect(),
        })
        .collect();
    Ok(RecordPreview {
        registry_name: doc.registry.name.clone(),
        jurisdiction: doc.registry.jurisdiction.clone(),
        title: TITLE.to_string(),
        client_name: doc.client.name.clone(),
        date_of_birth: doc.client.date_of_birth.to_string(),
        gender: doc.client.gender_label().to_string(),
        client_id: doc.client.client_id.clone(),
        guardian: doc.client.guardian.clone(),
        qr_svg: qr.svg(),
        printed_line: doc.footer(),
        pages,
    })
}
