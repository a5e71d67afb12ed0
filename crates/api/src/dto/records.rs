//! What the print, save and verify commands take and answer.

use serde::{Deserialize, Serialize};
use specta::Type;

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
