//! Request and response types of the demographics, consent and duplicate commands.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::ClientSummary;

/// What the consent rule lets the user see and do with one client.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecordAccess {
    /// "full", "identification" (name, DOB, gender, client ID and consent only) or "none".
    pub view: String,
    /// Why the view is limited: "consent_not_granted" / "consent_withdrawn".
    pub restriction: Option<String>,
    /// The Official Immunization Record may be printed.
    pub may_print: bool,
    /// Consent may be recorded.
    pub may_update_consent: bool,
    /// Demographics may be edited.
    pub may_edit_demographics: bool,
}

/// The personal-information form (add and edit), every field a string as typed; "" = none.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PersonalFields {
    /// Legal first name.
    pub first_name: String,
    /// Legal middle name.
    pub middle_name: String,
    /// Legal last name.
    pub last_name: String,
    /// Jr, Sr, II …
    pub suffix: String,
    /// MM/DD/YYYY.
    pub date_of_birth: String,
    /// F, M, X, U.
    pub gender: String,
    /// Mother's maiden name.
    pub mother_maiden_name: String,
    /// "yes", "no" or "".
    pub multiple_birth: String,
    /// 1–9 or "".
    pub birth_order: String,
    /// USPS code.
    pub birth_state: String,
    /// ISO 3166 alpha-3.
    pub birth_country: String,
    /// CDC race code.
    pub race: String,
    /// CDC ethnicity code.
    pub ethnicity: String,
    /// ISO 639-2 code.
    pub language: String,
    /// 406-444-4444.
    pub phone: String,
}

/// An address form; "" = none.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AddressFields {
    /// Street and number.
    pub address_line1: String,
    /// Apartment, suite.
    pub address_line2: String,
    /// City.
    pub city: String,
    /// USPS code.
    pub state: String,
    /// County (a real county of the state).
    pub county: String,
    /// 5 or 9 digits.
    pub zip: String,
}

/// A responsible-person form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResponsiblePersonFields {
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: String,
    /// Last name.
    pub last_name: String,
    /// mother, father, guardian …
    pub relationship: String,
    /// 406-444-4444.
    pub phone: String,
}

/// A consent form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConsentFields {
    /// granted / not_granted / withdrawn.
    pub status: String,
    /// MM/DD/YYYY.
    pub effective_on: String,
    /// verbal / written.
    pub method: String,
    /// Who gave or withdrew it.
    pub given_by: String,
}

/// Recording consent for a client.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UpdateConsentRequest {
    /// Client id.
    pub client_id: String,
    /// granted / not_granted / withdrawn.
    pub status: String,
    /// MM/DD/YYYY.
    pub effective_on: String,
    /// verbal / written.
    pub method: String,
    /// Who gave or withdrew it.
    pub given_by: String,
}

/// One entry of the consent history.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConsentHistoryEntry {
    /// Id.
    pub id: String,
    /// granted / not_granted / withdrawn.
    pub status: String,
    /// MM/DD/YYYY.
    pub effective_on: String,
    /// verbal / written.
    pub method: String,
    /// Who gave or withdrew it.
    pub given_by: Option<String>,
    /// The user who recorded it.
    pub recorded_by: Option<String>,
    /// At which organization.
    pub organization_name: Option<String>,
}

/// A name the client is also known as.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AkaEntry {
    /// Id.
    pub id: String,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// previous / alias / birth / merged.
    pub kind: String,
    /// Voided (shown struck through).
    pub voided: bool,
    /// Why.
    pub void_reason: Option<String>,
}

/// One of the client's organizations.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ClientOrganizationEntry {
    /// Organization id.
    pub organization_id: String,
    /// Org code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Provider-client status (active, inactive, moved, deceased …).
    pub status: String,
    /// MM/DD/YYYY.
    pub status_on: Option<String>,
    /// The organization that registered the client.
    pub is_home: bool,
}

/// A previous address.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AddressEntry {
    /// The address.
    pub address: AddressFields,
    /// MM/DD/YYYY the client moved away.
    pub ended_on: String,
}

/// A parent or guardian.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResponsiblePersonEntry {
    /// Id ("" for the guardian recorded at registration).
    pub id: String,
    /// The person.
    pub person: ResponsiblePersonFields,
    /// Primary contact.
    pub is_primary: bool,
    /// Voided.
    pub voided: bool,
    /// Why.
    pub void_reason: Option<String>,
}

/// A coded comment.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CommentEntry {
    /// Id.
    pub id: String,
    /// Code (see the comment code list).
    pub code: String,
    /// immunity / exemption / contraindication / precaution / refusal / condition / other.
    pub category: String,
    /// MM/DD/YYYY.
    pub applies_from: String,
    /// MM/DD/YYYY.
    pub applies_until: Option<String>,
    /// Details.
    pub text: Option<String>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// Voided.
    pub voided: bool,
}

/// A client note.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NoteEntry {
    /// Id.
    pub id: String,
    /// Text.
    pub text: String,
    /// Author.
    pub author: Option<String>,
    /// Author's organization.
    pub organization_name: Option<String>,
    /// MM/DD/YYYY.
    pub written_on: String,
    /// Voided.
    pub voided: bool,
}

/// Everything the Demographics screen shows. With `access.view` = "identification" only the
/// legal name, date of birth, gender, client ID and consent are filled in; the lists are empty.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ClientDemographics {
    /// Client id.
    pub client_id: String,
    /// Registry client number.
    pub registry_id: Option<String>,
    /// What the user may see and do.
    pub access: RecordAccess,
    /// Personal information, in form shape (the edit form starts from it).
    pub personal: PersonalFields,
    /// Current address.
    pub address: AddressFields,
    /// granted / not_granted / withdrawn.
    pub consent_status: String,
    /// Newest first.
    pub consent_history: Vec<ConsentHistoryEntry>,
    /// Names also known as.
    pub akas: Vec<AkaEntry>,
    /// The client's organizations.
    pub organizations: Vec<ClientOrganizationEntry>,
    /// Previous addresses, most recent first.
    pub address_history: Vec<AddressEntry>,
    /// Parents and guardians.
    pub responsible_persons: Vec<ResponsiblePersonEntry>,
    /// Coded comments.
    pub comments: Vec<CommentEntry>,
    /// Notes, newest first.
    pub notes: Vec<NoteEntry>,
    /// When this record was merged into another: the survivor's id.
    pub merged_into: Option<String>,
}

/// One change on the Demographics screen.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DemographicsChange {
    /// Replace the personal information.
    Personal {
        /// The form.
        personal: PersonalFields,
    },
    /// The client moved: the current address joins the history.
    Address {
        /// The new address.
        address: AddressFields,
        /// MM/DD/YYYY of the move.
        #[serde(rename = "movedOn")]
        moved_on: String,
    },
    /// Add a name also known as.
    Aka {
        /// First name.
        #[serde(rename = "firstName")]
        first_name: String,
        /// Middle name.
        #[serde(rename = "middleName")]
        middle_name: String,
        /// Last name.
        #[serde(rename = "lastName")]
        last_name: String,
        /// previous / alias / birth.
        #[serde(rename = "nameKind")]
        name_kind: String,
    },
    /// Add a parent or guardian.
    ResponsiblePerson {
        /// The person.
        person: ResponsiblePersonFields,
        /// Make them the primary contact.
        primary: bool,
    },
    /// Set the provider-client status at an organization (adds it to the client's
    /// organizations if new).
    OrganizationStatus {
        /// Org code.
        #[serde(rename = "organizationCode")]
        organization_code: String,
        /// active / inactive / lost_to_follow_up / moved / permanently_inactive / deceased / unknown.
        status: String,
        /// MM/DD/YYYY.
        #[serde(rename = "statusOn")]
        status_on: String,
    },
    /// Add a coded comment.
    Comment {
        /// Comment code.
        code: String,
        /// MM/DD/YYYY.
        #[serde(rename = "appliesFrom")]
        applies_from: String,
        /// MM/DD/YYYY or "".
        #[serde(rename = "appliesUntil")]
        applies_until: String,
        /// Details.
        text: String,
    },
    /// Add a note.
    Note {
        /// Text.
        text: String,
    },
    /// Void an AKA, responsible person, comment or note with a reason.
    Void {
        /// aka / responsible_person / comment / note.
        #[serde(rename = "entryKind")]
        entry_kind: String,
        /// The entry's id.
        #[serde(rename = "entryId")]
        entry_id: String,
        /// Why.
        reason: String,
    },
}

/// A change to one client's demographics.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ChangeDemographicsRequest {
    /// Client id.
    pub client_id: String,
    /// What changes.
    pub change: DemographicsChange,
}

/// Adding a client.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AddClientRequest {
    /// Personal information.
    pub personal: PersonalFields,
    /// Current address.
    pub address: AddressFields,
    /// Primary parent or guardian (all fields empty for none).
    pub guardian: ResponsiblePersonFields,
    /// Consent.
    pub consent: ConsentFields,
    /// The user saw the likely matches and confirms this is a different person. The matches
    /// go to the duplicates queue.
    pub confirmed_new_person: bool,
}

/// A record that may be the person being added.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LikelyMatch {
    /// The record (identification only when consent restricts it: no guardian, no address).
    pub client: ClientSummary,
    /// Match score (log-likelihood; above 12 is a likely match).
    pub score: f64,
    /// Why, strongest first ("DOB exact", "surname sounds alike").
    pub reasons: Vec<String>,
}

/// What adding a client did.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AddClientOutcome {
    /// Smart search found records that may be this person: nothing was added. Open one of them,
    /// or confirm a new person.
    LikelyMatches {
        /// Best first.
        matches: Vec<LikelyMatch>,
    },
    /// The client was added.
    Added {
        /// The new client's id.
        #[serde(rename = "clientId")]
        client_id: String,
    },
}

/// The choices the demographics forms offer.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DemographicCodes {
    /// States: (USPS code, name).
    pub states: Vec<CodeName>,
    /// Counties of the states whose list the registry holds.
    pub counties: Vec<StateCounties>,
    /// CDC race codes.
    pub races: Vec<CodeName>,
    /// CDC ethnicity codes.
    pub ethnicities: Vec<CodeName>,
    /// ISO 639-2 languages.
    pub languages: Vec<CodeName>,
    /// ISO 3166 alpha-3 countries.
    pub countries: Vec<CodeName>,
    /// Relationship codes.
    pub relationships: Vec<String>,
    /// Provider-client statuses.
    pub provider_client_statuses: Vec<String>,
    /// Comment codes.
    pub comment_codes: Vec<CommentCodeEntry>,
    /// Organizations a client can belong to (providers, schools …).
    pub organizations: Vec<CodeName>,
}

/// A code and its English name.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CodeName {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// The counties of one state.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StateCounties {
    /// USPS code.
    pub state: String,
    /// County names.
    pub counties: Vec<String>,
}

/// A comment code.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CommentCodeEntry {
    /// Code.
    pub code: String,
    /// Category.
    pub category: String,
    /// English label.
    pub label: String,
}

/// One side of a likely duplicate pair.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateSide {
    /// The record (identification only when consent restricts it).
    pub client: ClientSummary,
    /// Number of doses (0 when restricted).
    pub dose_count: i32,
    /// Whether the user sees the whole record (a merge needs both).
    pub full_view: bool,
}

/// A likely duplicate pair.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DuplicatePair {
    /// Id.
    pub id: String,
    /// Match score.
    pub score: f64,
    /// Probability (0–1) that both records are one person, when the registry's model scored
    /// the pair (the deduplication job); none for a pair only the hand-set scan found.
    pub probability: Option<f64>,
    /// What the probability says.
    pub verdict: Option<MatchVerdict>,
    /// The cluster the pair belongs to: pairs of one cluster are listed together.
    pub cluster_id: Option<String>,
    /// Records in that cluster among the listed pairs (2 for a pair on its own).
    pub cluster_size: i32,
    /// Why.
    pub reasons: Vec<String>,
    /// One record.
    pub first: DuplicateSide,
    /// The other.
    pub second: DuplicateSide,
}

/// What a pair's match probability says (the bands of the matching decision note).
#[derive(Debug, Clone, Copy, Serialize, Type, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MatchVerdict {
    /// At or above 0.99: the same person.
    SamePerson,
    /// At or above 0.5: likely the same person; a person decides.
    Likely,
    /// At or above 0.05: possibly the same person.
    Possible,
    /// Below 0.05.
    NotSame,
}

/// A merge that can be undone.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MergeEntry {
    /// Id.
    pub id: String,
    /// The record kept.
    pub survivor: ClientSummary,
    /// The record merged into it.
    pub merged: ClientSummary,
    /// MM/DD/YYYY.
    pub merged_on: String,
    /// Who merged.
    pub merged_by: Option<String>,
}

/// The duplicates queue.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateQueue {
    /// Open pairs, best score first.
    pub pairs: Vec<DuplicatePair>,
    /// Open pairs in all (the list shows at most 100).
    pub open_count: i32,
    /// Recent merges, newest first.
    pub merges: Vec<MergeEntry>,
}

/// Merging a pair.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MergeClientsRequest {
    /// The pair.
    pub pair_id: String,
    /// Which of its two records to keep.
    pub survivor_id: String,
}

/// Resolving a pair as two people.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DismissDuplicateRequest {
    /// The pair.
    pub pair_id: String,
}

/// Undoing a merge.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UnmergeClientsRequest {
    /// The merge.
    pub merge_id: String,
}
