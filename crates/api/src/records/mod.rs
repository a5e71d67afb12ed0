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

use shotbook_core::date::UsDate;
use shotbook_core::ids::ClientId;
use shotbook_core::permission::Permission;
use shotbook_core::record_document::{
    Block, ClientIdentity, PrintedBy, RecordDocument, RecordDose, RecordInput, Registry,
    HISTORICAL_LEGEND, NO_IMMUNIZATIONS, TABLE_COLUMNS, TITLE,
};
use shotbook_print::qr::QrMatrix;
use shotbook_print::{KeyKind, RecordKey, TrustedKeys};
use shotbook_store::clients::ClientRow;
use shotbook_store::demographics::{self, CommentRow};
use shotbook_store::immunizations::ImmunizationRow;
use shotbook_store::{clients, immunizations, organizations};

use crate::convert::client_id;
use crate::dto::{
    BatchFolder, BatchItemRequest, BatchItemResult, PreviewBlock, PreviewPage, PreviewRow,
    PrintJob, PrintRecordRequest, PrintedRecord, PrintedRecordRequest, RecordPreview,
    RecordVerification, SavedRecord, VerifyRecordRequest,
};
use crate::error::{AppError, AppResult, FieldIssue};
use crate::AppContext;
use shotbook_usecases::clients as usecases;
use shotbook_usecases::need;

/// Environment variable holding the registry's record-signing key (base64 of a 32-byte
/// Ed25519 seed). Without it the OS keyring entry [`SIGNING_KEY_ENTRY`] is used.
pub const SIGNING_KEY_VAR: &str = "SHOTBOOK_RECORD_SIGNING_KEY";
/// Keyring entry (service `org.shotbook.desktop`) holding the record-signing key.
pub const SIGNING_KEY_ENTRY: &str = "record-signing-key";
/// Environment variable listing further trusted public keys (base64, comma-separated), e.g.
/// the keys of other workstations of the same registry.
pub const TRUSTED_KEYS_VAR: &str = "SHOTBOOK_TRUSTED_RECORD_KEYS";

mod document;
mod kept;
mod printer;
mod verify;

pub use document::*;
pub use kept::*;
pub use printer::*;
pub use verify::*;

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
    let (permit, session) = ctx.permit::<need::PrintRecord>().await?;
    let document_id = uuid::Uuid::now_v7().to_string();
    // The consent rule (shotbook_core::consent): the whole record, and the print right on it;
    // audited before the document exists.
    usecases::print_record(
        ctx.store(),
        &permit,
        ctx.clock(),
        id,
        format!("rendered document {document_id}"),
    )
    .await?;
    let client = clients::get(ctx.store(), id).await?;
    let doses = immunizations::for_client(ctx.store(), id).await?;
    let state = organizations::all(ctx.store())
        .await?
        .into_iter()
        .find(|o| o.id == session.organization_id.to_string())
        .map_or_else(|| "US".to_string(), |o| o.state);
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
    let (permit, _) = ctx.permit::<need::PrintRecord>().await?;
    let (_, client, pdf) = kept(ctx, &request.document_id)?;
    let detail = format!("saved document {} as PDF", request.document_id);
    usecases::audit_print(ctx.store(), &permit, ctx.clock(), client, detail).await?;
    write_record_file(path.to_path_buf(), pdf)
        .await
        .map_err(|e| AppError::internal(format!("writing a record PDF: {e}")))?;
    Ok(SavedRecord {
        path: path.display().to_string(),
    })
}

/// The suggested file name of a kept record (for the Save dialog).
pub fn kept_file_name(ctx: &AppContext, document_id: &str) -> AppResult<String> {
    kept(ctx, document_id).map(|(name, ..)| name)
}

/// Remembers the folder (chosen in the native dialog) the next batch prints into.
pub async fn choose_batch_folder(ctx: &AppContext, folder: PathBuf) -> AppResult<BatchFolder> {
    ctx.require(Permission::PrintRecord).await?;
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
    ctx.require(Permission::PrintRecord).await?;
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
    write_record_file(path, rendered.pdf)
        .await
        .map_err(|e| AppError::internal(format!("writing a batch record: {e}")))?;
    Ok(BatchItemResult {
        file_name: rendered.file_name,
        pages: i32::try_from(rendered.document.pages.len()).unwrap_or(i32::MAX),
    })
}

/// Writes a record PDF the way every file holding client data is written: readable by its
/// owner only (0600) from the moment it exists, and flushed (off the async workers).
async fn write_record_file(path: PathBuf, pdf: Vec<u8>) -> std::io::Result<()> {
    tokio::task::spawn_blocking(move || crate::files::write_private(&path, &pdf))
        .await
        .map_err(std::io::Error::other)?
}

pub(super) fn kept(ctx: &AppContext, document_id: &str) -> AppResult<(String, ClientId, Vec<u8>)> {
    ctx.kept_records()
        .get(document_id)
        .ok_or_else(|| AppError::NotFound {
            entity: "printed record".into(),
        })
}
