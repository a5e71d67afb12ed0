//! The school module's requests and responses: student lists, roster import and the
//! compliance report.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::ClientSummary;

/// A student list.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StudentList {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `school`, `pre_k` or `child_care`.
    pub setting: String,
    /// Students on it.
    pub students: i32,
    /// MM/DD/YYYY.
    pub created_on: String,
}

/// Making a list.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CreateStudentListRequest {
    /// Its name.
    pub name: String,
    /// `school`, `pre_k` or `child_care`.
    pub setting: String,
}

/// Renaming a list.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RenameStudentListRequest {
    /// The list.
    pub list_id: String,
    /// The new name.
    pub name: String,
}

/// Putting a student on a list, or changing what the list holds about them.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PutStudentRequest {
    /// The list.
    pub list_id: String,
    /// The client (found with Find student).
    pub client_id: String,
    /// `PK`, `K`, `1` … `12` (schools); empty in child care.
    #[serde(default)]
    pub grade: String,
    /// `medical`, `conscience`, `religious`, `military_duty`, or empty for none.
    #[serde(default)]
    pub exemption_kind: String,
    /// MM/DD/YYYY.
    #[serde(default)]
    pub exemption_signed_on: String,
    /// The statement says the condition is lifelong (medical only).
    #[serde(default)]
    pub exemption_lifelong: bool,
    /// Vaccine-group codes the exemption covers (empty: every vaccine).
    #[serde(default)]
    pub exemption_vaccines: Vec<String>,
    /// `standard`, `homeless`, `foster_care`, `transfer`, `military_family`, or empty.
    #[serde(default)]
    pub provisional_basis: String,
    /// MM/DD/YYYY.
    #[serde(default)]
    pub provisional_since: String,
}

/// A student on a list, by list and client.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StudentRequest {
    /// The list.
    pub list_id: String,
    /// The client.
    pub client_id: String,
}

/// A roster to import into a list.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportRosterRequest {
    /// The list.
    pub list_id: String,
    /// The roster's text: CSV or tab-separated, one student per line.
    pub roster: String,
}

/// One roster row and what became of it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RosterLineResult {
    /// Line in the file.
    pub line: i32,
    /// As written.
    pub last_name: String,
    /// As written.
    pub first_name: String,
    /// MM/DD/YYYY.
    pub date_of_birth: String,
    /// Grade from the roster.
    pub grade: Option<String>,
    /// `added`, `already_on_list`, `several`, `possible`, `not_found`, `refused`.
    pub outcome: String,
    /// The student put on the list (added, already on list).
    pub client_id: Option<String>,
    /// Records to choose from (several, possible).
    pub candidates: Vec<ClientSummary>,
    /// Why the one record found could not be listed (refused): the rule's code.
    pub refusal: Option<String>,
}

/// A roster line that could not be read.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RosterLineIssue {
    /// Line in the file.
    pub line: i32,
    /// `lastName`, `firstName`, `dateOfBirth`, `grade` or `line`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// What a roster import did.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RosterImportResult {
    /// Each readable row, in file order.
    pub lines: Vec<RosterLineResult>,
    /// Lines that could not be read.
    pub unreadable: Vec<RosterLineIssue>,
    /// Students put on the list.
    pub added: i32,
    /// Rows that need the user (several, possible, not found, refused, unreadable).
    pub to_review: i32,
}

/// A compliance report of a list.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SchoolReportRequest {
    /// The list.
    pub list_id: String,
    /// MM/DD/YYYY; empty for today.
    #[serde(default)]
    pub as_of: String,
}

/// A dose a student still needs.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MissingSchoolDose {
    /// Vaccine-group code (`dtap`, `polio`, `mmr` …).
    pub vaccine: String,
    /// Dose number among the doses the requirement counts.
    pub dose_number: i32,
    /// The earliest day it can be given (MM/DD/YYYY).
    pub earliest: String,
}

/// An exemption on file.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExemptionOnFile {
    /// Kind code.
    pub kind: String,
    /// MM/DD/YYYY.
    pub signed_on: String,
    /// Lifelong condition.
    pub lifelong: bool,
    /// Vaccine-group codes (empty: every vaccine).
    pub vaccines: Vec<String>,
}

/// A provisional enrolment.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProvisionalOnFile {
    /// Basis code.
    pub basis: String,
    /// MM/DD/YYYY.
    pub since: String,
}

/// One student of a compliance report.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StudentCompliance {
    /// The client.
    pub client_id: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// MM/DD/YYYY.
    pub date_of_birth: String,
    /// Grade.
    pub grade: Option<String>,
    /// Exemption on file.
    pub exemption: Option<ExemptionOnFile>,
    /// Provisional enrolment on file.
    pub provisional: Option<ProvisionalOnFile>,
    /// `complete`, `conditional`, `exempt`, `incomplete`, `no_record`, `not_assessed`,
    /// `record_restricted`, `out_of_reach`.
    pub status: String,
    /// Conditional: the deadline (MM/DD/YYYY). Exempt: the first expiry, if any.
    pub until: Option<String>,
    /// Doses missing (incomplete, conditional).
    pub missing: Vec<MissingSchoolDose>,
    /// Record restricted or out of reach: the rule's code.
    pub reason: Option<String>,
}

/// How many students have a status.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StatusCount {
    /// Status code.
    pub status: String,
    /// Students.
    pub count: i32,
}

/// A list's compliance report.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SchoolReport {
    /// The list.
    pub list: StudentList,
    /// MM/DD/YYYY.
    pub as_of: String,
    /// Two-letter state whose requirements apply.
    pub state: String,
    /// School year assessed ("2026-2027").
    pub school_year: String,
    /// When Shotbook holds no requirements for that year yet, the year whose rules were
    /// applied (the state's latest, "2025-2026"): the screen says so.
    pub rules_of: Option<String>,
    /// Every student.
    pub students: Vec<StudentCompliance>,
    /// Students by status, for the annual status counts.
    pub counts: Vec<StatusCount>,
}

/// Where an export was saved.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SavedExport {
    /// The file written.
    pub path: String,
    /// Rows (students) written.
    pub rows: i32,
}

/// Letters to the parents of a list's students who need doses.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ParentLettersRequest {
    /// The list.
    pub list_id: String,
    /// MM/DD/YYYY; empty for today.
    #[serde(default)]
    pub as_of: String,
    /// `en` or `es`.
    pub language: String,
}
