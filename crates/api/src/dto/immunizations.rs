//! Request and response types of dose entry, vial scans and vaccine lot inventory (kept apart
//! from [`crate::dto`] so each feature's types read together). Same conventions: camelCase,
//! ids as UUID strings, dates as `MM/DD/YYYY`.

use serde::{Deserialize, Serialize};
use specta::Type;

/// Something unusual about an entry that the user confirms before it is saved. Present next to
/// its field with a "Save anyway" confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldWarning {
    /// Path of the request field (`administeredOn`, `doses[1].cvx`).
    pub field: String,
    /// possible_duplicate / outside_licensed_age / inactive_vaccine.
    pub kind: String,
    /// What is unusual, in a sentence.
    pub message: String,
}

/// Recording a dose given here (new administration), usually from an inventory lot.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecordAdministeredDoseRequest {
    /// Client id.
    pub client_id: String,
    /// Inventory lot the dose came from; empty when the lot is typed instead.
    #[serde(default)]
    pub lot_id: String,
    /// CVX (taken from the lot when one is chosen).
    #[serde(default)]
    pub cvx: String,
    /// MVX (taken from the lot when one is chosen).
    #[serde(default)]
    pub mvx: String,
    /// NDC, from a vial scan.
    #[serde(default)]
    pub ndc: String,
    /// Lot number, when no inventory lot is chosen.
    #[serde(default)]
    pub lot_number: String,
    /// Lot expiry MM/DD/YYYY, when no inventory lot is chosen.
    #[serde(default)]
    pub expiration_date: String,
    /// Date given, MM/DD/YYYY.
    pub administered_on: String,
    /// mL.
    #[serde(default)]
    pub dose_volume_ml: Option<f64>,
    /// HL7 0162 route.
    #[serde(default)]
    pub route: String,
    /// HL7 0163 site.
    #[serde(default)]
    pub site: String,
    /// Administering clinician.
    #[serde(default)]
    pub clinician: String,
    /// GS1 string of the VIS given.
    #[serde(default)]
    pub vis_document: String,
    /// Date the VIS was given, MM/DD/YYYY.
    #[serde(default)]
    pub vis_given_on: String,
    /// VFC eligibility V01–V07.
    #[serde(default)]
    pub vfc_eligibility: String,
    /// The user saw the warnings and saves anyway.
    #[serde(default)]
    pub confirm_warnings: bool,
}

/// One line of a shot card.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HistoricalDoseInput {
    /// CVX.
    pub cvx: String,
    /// Date given, MM/DD/YYYY.
    pub administered_on: String,
    /// Who gave it (clinic or clinician), optional.
    #[serde(default)]
    pub provider: String,
}

/// Several historical doses at once (a shot card).
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecordHistoricalDosesRequest {
    /// Client id.
    pub client_id: String,
    /// The doses; issues name them `doses[i].field`.
    pub doses: Vec<HistoricalDoseInput>,
    /// The user saw the warnings and saves anyway.
    #[serde(default)]
    pub confirm_warnings: bool,
}

/// The result of recording doses: saved, or warnings to confirm first.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecordDosesResponse {
    /// Whether the doses were saved (false: confirm the warnings and send again).
    pub saved: bool,
    /// Warnings; when `saved` is false, nothing was written.
    pub warnings: Vec<FieldWarning>,
    /// Ids of the saved doses.
    pub immunization_ids: Vec<String>,
}

/// Editing a dose: every editable value, the revision it was read at, and why.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EditImmunizationRequest {
    /// The dose.
    pub immunization_id: String,
    /// The revision shown (an edit of a dose changed meanwhile is refused).
    pub revision: i32,
    /// Date given, MM/DD/YYYY.
    pub administered_on: String,
    /// CVX (cannot change for a dose drawn from an inventory lot).
    pub cvx: String,
    /// MVX.
    #[serde(default)]
    pub mvx: String,
    /// Lot number (cannot change for a dose drawn from an inventory lot).
    #[serde(default)]
    pub lot_number: String,
    /// mL.
    #[serde(default)]
    pub dose_volume_ml: Option<f64>,
    /// Route.
    #[serde(default)]
    pub route: String,
    /// Site.
    #[serde(default)]
    pub site: String,
    /// Clinician.
    #[serde(default)]
    pub clinician: String,
    /// Who gave a historical dose.
    #[serde(default)]
    pub historical_provider: String,
    /// VFC eligibility.
    #[serde(default)]
    pub vfc_eligibility: String,
    /// Why the dose is changed.
    pub reason: String,
    /// The user saw the warnings and saves anyway.
    #[serde(default)]
    pub confirm_warnings: bool,
}

/// Voiding a dose entered in error.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VoidImmunizationRequest {
    /// The dose.
    pub immunization_id: String,
    /// Why (required).
    pub reason: String,
}

/// A coded choice of a form (the UI translates the code's label).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CodeChoice {
    /// The code.
    pub code: String,
}

/// A current VIS a dose form may record as given.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VisChoice {
    /// GS1 string.
    pub encoded_string: String,
    /// Name.
    pub document_name: String,
    /// MM/DD/YYYY.
    pub edition_date: String,
    /// CVX codes it covers.
    pub cvx_codes: Vec<String>,
}

/// What the dose forms offer: the organization's usable lots and the coded lists.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DoseEntryOptions {
    /// Lots on hand and not expired, soonest expiry first.
    pub lots: Vec<VaccineLot>,
    /// HL7 0162 routes.
    pub routes: Vec<CodeChoice>,
    /// HL7 0163 sites.
    pub sites: Vec<CodeChoice>,
    /// HL7 0064 VFC eligibility.
    pub vfc_eligibility: Vec<CodeChoice>,
    /// Current VIS editions.
    pub vis: Vec<VisChoice>,
    /// The signed-in user's name, the default clinician.
    pub clinician: String,
}

/// What a scanned vial barcode names.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ScanVialRequest {
    /// What the scanner typed.
    pub data: String,
}

/// The product, lot and expiry read from a vial, from CDC's NDC tables.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VialScanResult {
    /// GTIN-14.
    pub gtin: String,
    /// NDC as CDC prints it.
    pub ndc: String,
    /// Trade name.
    pub trade_name: String,
    /// CVX.
    pub cvx: String,
    /// CVX short description.
    pub vaccine: Option<String>,
    /// MVX.
    pub mvx: Option<String>,
    /// Manufacturer.
    pub manufacturer: Option<String>,
    /// Lot number, when the barcode has one.
    pub lot_number: Option<String>,
    /// MM/DD/YYYY, when the barcode has one.
    pub expiration_date: Option<String>,
    /// The organization's inventory lot with this product and lot number, if any.
    pub matching_lot_id: Option<String>,
}

/// A lot in an organization's inventory with its reconciliation figures.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VaccineLot {
    /// Id.
    pub id: String,
    /// CVX.
    pub cvx: String,
    /// CVX short description.
    pub vaccine: String,
    /// MVX.
    pub mvx: String,
    /// Manufacturer.
    pub manufacturer: Option<String>,
    /// Trade name.
    pub trade_name: Option<String>,
    /// NDC.
    pub ndc: Option<String>,
    /// Lot number.
    pub lot_number: String,
    /// MM/DD/YYYY.
    pub expiration_date: String,
    /// expired / expiring_soon / good.
    pub expiry_status: String,
    /// Days until expiry (negative once expired).
    pub days_to_expiry: i32,
    /// vfc / state / private.
    pub funding_source: String,
    /// Doses on hand.
    pub quantity_on_hand: i32,
    /// Doses received.
    pub received: i32,
    /// Doses given.
    pub administered: i32,
    /// Doses put back by voids.
    pub restored: i32,
    /// Net adjustments.
    pub adjusted: i32,
    /// Whether received − given + restored + adjusted equals the count on hand.
    pub balanced: bool,
}

/// The inventory screen: lots, expiry alerts and reconciliation.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LotInventory {
    /// Every lot of the organization, soonest expiry first.
    pub lots: Vec<VaccineLot>,
    /// Alert window in days.
    pub alert_days: i32,
    /// MM/DD/YYYY the figures are as of.
    pub as_of: String,
}

/// Receiving a lot.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReceiveLotRequest {
    /// CVX.
    pub cvx: String,
    /// MVX.
    pub mvx: String,
    /// Trade name.
    #[serde(default)]
    pub trade_name: String,
    /// NDC.
    #[serde(default)]
    pub ndc: String,
    /// Lot number.
    pub lot_number: String,
    /// MM/DD/YYYY.
    pub expiration_date: String,
    /// Doses.
    pub quantity: String,
    /// vfc / state / private.
    pub funding_source: String,
}

/// Adjusting a lot's count.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AdjustLotRequest {
    /// The lot.
    pub lot_id: String,
    /// Doses.
    pub quantity: String,
    /// remove / add (only a count correction may add).
    pub direction: String,
    /// wastage / expired / returned / transfer / count_correction.
    pub reason: String,
    /// Optional note.
    #[serde(default)]
    pub note: String,
}

/// A VIS edition (Admin Support).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VisDocument {
    /// GS1 string printed on the VIS.
    pub encoded_string: String,
    /// Name.
    pub document_name: String,
    /// MM/DD/YYYY.
    pub edition_date: String,
    /// Current / Historic.
    pub status: String,
    /// CVX codes covered ("03, 94").
    pub cvx_codes: String,
}
