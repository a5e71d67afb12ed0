//! Request and response types of the commands, shared with the UI through generated
//! TypeScript. Ids are UUID strings; dates are `MM/DD/YYYY` strings, as US registries show them.

use serde::{Deserialize, Serialize};
use specta::Type;

mod demographics;
pub use demographics::*;
mod access;
pub use access::*;
mod immunizations;
pub use immunizations::*;
mod records;
pub use records::*;
mod forecast;
pub use forecast::*;
mod school;
pub use school::*;
mod reports;
pub use reports::*;

/// About the running app.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// Shotbook version.
    pub version: String,
    /// Running on the demo registry.
    pub demo: bool,
    /// This workstation's name.
    pub workstation: String,
    /// Where the database is.
    pub database_path: Option<String>,
    /// Idle seconds before the screen locks (15 minutes unless configured).
    pub idle_seconds: i32,
}

/// Sign-in form.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SignInRequest {
    /// Organization code.
    pub organization_code: String,
    /// Username.
    pub username: String,
    /// Password.
    pub password: String,
    /// The solved CAPTCHA, required after three failed attempts.
    #[serde(default)]
    pub captcha: Option<CaptchaAnswer>,
    /// Remember the organization code and username (never the password) and the session in the
    /// operating system's credential store.
    #[serde(default)]
    pub remember: bool,
}

/// What this workstation remembers for the sign-in form.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RememberedSignIn {
    /// Remembered org code.
    pub organization_code: Option<String>,
    /// Remembered username.
    pub username: Option<String>,
    /// Whether the operating system's credential store works here; when not, "Remember me"
    /// is unavailable and the UI says so.
    pub keyring_available: bool,
}

/// A CAPTCHA to solve: an image, or its accessible text alternative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CaptchaChallenge {
    /// Challenge id, sent back with the answer.
    pub id: String,
    /// The image as a `data:` URL.
    pub image_data_url: String,
    /// The accessible alternative: a question a screen reader can read aloud.
    pub text_question: String,
}

/// An answer to a CAPTCHA (the image's letters or the text question's number).
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CaptchaAnswer {
    /// Challenge id.
    pub challenge_id: String,
    /// What the user typed.
    pub answer: String,
}

/// What the sign-in screen shows next.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum SignInStep {
    /// Signed in with a temporary password: choose a new one (entered twice) now.
    ChangePassword {
        /// The password rules, shown before the user types.
        rules: Vec<String>,
    },
    /// Show the confidentiality statement; the session starts after "I Agree".
    Confidentiality {
        /// The statement.
        statement: String,
    },
    /// The account works for several organizations: choose one.
    ChooseOrganization {
        /// The organizations, by name.
        organizations: Vec<OrganizationChoice>,
    },
    /// The session has started.
    SignedIn {
        // Boxed: the other steps are small.
        /// Who, where, in which role.
        user: Box<SignedInUser>,
    },
}

/// An organization the user may work for.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationChoice {
    /// Org code.
    pub code: String,
    /// Name.
    pub name: String,
    /// The user's role there.
    pub role_title: String,
}

/// Choosing (or switching to) an organization.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ChooseOrganizationRequest {
    /// Org code.
    pub organization_code: String,
}

/// A new password, entered twice.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NewPasswordRequest {
    /// The new password.
    pub new_password: String,
    /// The same again.
    pub confirm_password: String,
}

/// Changing one's password while signed in.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ChangePasswordRequest {
    /// The current password.
    pub current_password: String,
    /// The new password.
    pub new_password: String,
    /// The same again.
    pub confirm_password: String,
}

/// Forgot Password form.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ForgotPasswordRequest {
    /// Org code.
    pub organization_code: String,
    /// Username.
    pub username: String,
    /// Email on file.
    pub email: String,
}

/// The answer to Forgot Password: the same whether or not the account exists.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ForgotPasswordResponse {
    /// What to tell the user.
    pub message: String,
}

/// Forgot Password, step 2: the emailed code and the new password, twice.
#[derive(Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResetPasswordRequest {
    /// Org code.
    pub organization_code: String,
    /// Username.
    pub username: String,
    /// The code from the email.
    pub code: String,
    /// New password.
    pub new_password: String,
    /// The same again.
    pub confirm_password: String,
}

impl std::fmt::Debug for ResetPasswordRequest {
    // Neither the code nor the passwords ever reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResetPasswordRequest")
            .field("organization_code", &self.organization_code)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// The password rules, for forms that set a password.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PasswordRules {
    /// One sentence per rule.
    pub rules: Vec<String>,
    /// Minimum length.
    pub min_length: i32,
}

/// The signed-in user's own account.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MyAccount {
    /// Username (not editable).
    pub username: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email.
    pub email: String,
    /// Phone, 406-444-4444.
    pub phone: Option<String>,
}

/// Editing one's own account.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UpdateMyAccountRequest {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email.
    pub email: String,
    /// Phone (empty for none).
    pub phone: String,
}

/// Unlocking a session locked by the idle timeout.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UnlockRequest {
    /// The password.
    pub password: String,
}

/// The signed-in user, for the menu bar and for hiding what the role cannot do.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SignedInUser {
    /// Username.
    pub username: String,
    /// First and last name.
    pub display_name: String,
    /// Organization code.
    pub organization_code: String,
    /// Organization name.
    pub organization_name: String,
    /// Role code.
    pub role: String,
    /// Role name as the registry writes it.
    pub role_title: String,
    /// Permission codes the role grants.
    pub permissions: Vec<String>,
    /// Other organizations the user may switch to.
    pub other_organizations: Vec<OrganizationChoice>,
    /// The registry that serves the organization's state and its help desk (none for a state
    /// Shotbook has no registry profile for).
    pub help_desk: Option<RegistryHelpDesk>,
}

/// Whom a user calls about the registry.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RegistryHelpDesk {
    /// The registry's name as users know it (imMTrax, ImmTrac2).
    pub registry: String,
    /// The help desk's phone, 406-444-5580.
    pub phone: String,
}

/// Basic search form; empty strings mean "not given" (and may be left out).
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct SearchClientsRequest {
    /// Last name (prefix).
    pub last_name: String,
    /// First name (prefix).
    pub first_name: String,
    /// Middle name (prefix).
    pub middle_name: String,
    /// Date of birth, MM/DD/YYYY.
    pub date_of_birth: String,
    /// F, M, X or U.
    pub gender: String,
    /// Mother's maiden name (prefix).
    pub mother_maiden_name: String,
    /// Guardian's first or last name (prefix).
    pub guardian_name: String,
    /// Phone, 406-444-4444.
    pub phone: String,
    /// Words of the street line.
    pub address: String,
    /// ZIP (5 or 9 digits, or the first 3).
    pub zip: String,
    /// Registry client ID.
    pub client_id: String,
}

/// One line of the result list.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ClientSummary {
    /// Client id.
    pub id: String,
    /// Registry client number.
    pub registry_id: Option<String>,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// MM/DD/YYYY.
    pub date_of_birth: String,
    /// F, M, X, U.
    pub gender: String,
    /// Guardian.
    pub guardian_name: Option<String>,
    /// City, state ZIP.
    pub address: Option<String>,
    /// Home organization.
    pub organization_name: Option<String>,
}

/// Search results.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SearchClientsResponse {
    /// Matches in name order, at most `limit`.
    pub clients: Vec<ClientSummary>,
    /// More matched than shown: ask the user to refine.
    pub truncated: bool,
    /// Most rows a search returns.
    pub limit: i32,
}

/// Which client to open.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GetClientRequest {
    /// Client id.
    pub client_id: String,
}

/// A client's demographics.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ClientDetails {
    /// Client id.
    pub id: String,
    /// Registry client number.
    pub registry_id: Option<String>,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// Suffix.
    pub suffix: Option<String>,
    /// MM/DD/YYYY.
    pub date_of_birth: String,
    /// Age in years (months under two), e.g. "7 years", "14 months".
    pub age: String,
    /// F, M, X, U.
    pub gender: String,
    /// Mother's maiden name.
    pub mother_maiden_name: Option<String>,
    /// Street.
    pub address_line1: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// County.
    pub county: Option<String>,
    /// ZIP.
    pub zip: Option<String>,
    /// Phone, 406-444-4444.
    pub phone: Option<String>,
    /// Guardian's name.
    pub guardian_name: Option<String>,
    /// Guardian's relationship.
    pub guardian_relationship: Option<String>,
    /// granted / not_granted / withdrawn.
    pub consent: String,
    /// active / inactive / deceased.
    pub status: String,
    /// Home organization.
    pub organization_name: Option<String>,
    /// Set when this record was merged into another: the kept record's id.
    pub merged_into: Option<String>,
}

/// One dose in the history table.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImmunizationEntry {
    /// Id.
    pub id: String,
    /// MM/DD/YYYY.
    pub administered_on: String,
    /// Age at the dose, e.g. "2 months".
    pub age_at_dose: String,
    /// CVX code.
    pub cvx: String,
    /// CVX short description.
    pub vaccine: String,
    /// Trade name.
    pub trade_name: Option<String>,
    /// Vaccine groups ("MMR, VARICELLA").
    pub vaccine_groups: String,
    /// MVX code.
    pub mvx: Option<String>,
    /// Manufacturer.
    pub manufacturer: Option<String>,
    /// Lot.
    pub lot_number: Option<String>,
    /// MM/DD/YYYY.
    pub expiration_date: Option<String>,
    /// mL.
    pub dose_volume_ml: Option<f64>,
    /// Route.
    pub route: Option<String>,
    /// Site.
    pub site: Option<String>,
    /// administered / historical.
    pub source: String,
    /// Administering organization.
    pub organization_name: Option<String>,
    /// Clinician.
    pub clinician: Option<String>,
    /// Funding source.
    pub funding_source: Option<String>,
    /// VFC eligibility.
    pub vfc_eligibility: Option<String>,
    /// completed / entered_in_error.
    pub status: String,
    /// Why it was voided.
    pub void_reason: Option<String>,
    /// NDC of the product given.
    pub ndc: Option<String>,
    /// Name of the VIS given.
    pub vis_document_name: Option<String>,
    /// MM/DD/YYYY edition of that VIS.
    pub vis_edition_date: Option<String>,
    /// MM/DD/YYYY the VIS was given.
    pub vis_given_on: Option<String>,
    /// Who gave a historical dose (from the shot card).
    pub historical_provider: Option<String>,
    /// Drawn from an inventory lot (its vaccine and lot cannot be edited).
    pub from_inventory_lot: bool,
    /// Edit count + 1; sent back with an edit.
    pub revision: i32,
    /// Whether the signed-in user may edit or void it (their organization's entry).
    pub can_change: bool,
}

/// A client's record: demographics and immunization history.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ClientRecord {
    /// What the consent rule lets the user see: with `access.view` = "identification" the
    /// demographics hold identification only and there are no immunizations.
    pub access: RecordAccess,
    /// Demographics.
    pub client: ClientDetails,
    /// Doses, oldest first.
    pub immunizations: Vec<ImmunizationEntry>,
}

/// A CVX code.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VaccineCode {
    /// CVX.
    pub cvx: String,
    /// Short description.
    pub short_description: String,
    /// Full name.
    pub full_name: String,
    /// CDC notes.
    pub notes: Option<String>,
    /// Status.
    pub status: String,
    /// MM/DD/YYYY.
    pub last_updated: Option<String>,
}

/// An MVX code.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Manufacturer {
    /// MVX.
    pub mvx: String,
    /// Name.
    pub name: String,
    /// CDC notes.
    pub notes: Option<String>,
    /// Status.
    pub status: String,
    /// MM/DD/YYYY.
    pub last_updated: Option<String>,
}

/// A product (trade name).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TradeName {
    /// Product name.
    pub product_name: String,
    /// CVX short description.
    pub short_description: String,
    /// CVX.
    pub cvx: String,
    /// Manufacturer.
    pub manufacturer: String,
    /// MVX.
    pub mvx: String,
    /// Product status.
    pub status: String,
    /// MM/DD/YYYY.
    pub last_updated: Option<String>,
}

/// A vaccine group and its CVX codes.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VaccineGroup {
    /// Group name (e.g. "MMR").
    pub name: String,
    /// The CVX standing for the group.
    pub group_cvx: String,
    /// Members.
    pub members: Vec<VaccineGroupMember>,
}

/// A CVX in a vaccine group.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VaccineGroupMember {
    /// CVX.
    pub cvx: String,
    /// Short description.
    pub short_description: String,
    /// Status.
    pub status: String,
}

/// The forecast of one vaccine group.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VaccineGroupForecast {
    /// Vaccine group (CDSi name, e.g. "DTaP/Tdap/Td").
    pub vaccine_group: String,
    /// CDC series status: Not Complete, Complete, Immune, Aged Out, Contraindicated, Not Recommended.
    pub status: String,
    /// overdue / due / upcoming / later (not due within a year, or not before an age the
    /// client has not reached) / complete / immune / aged_out / contraindicated /
    /// not_recommended: what the screen colours and folds by.
    pub urgency: String,
    /// Next dose number.
    pub dose_number: Option<i32>,
    /// MM/DD/YYYY.
    pub earliest: Option<String>,
    /// MM/DD/YYYY.
    pub recommended: Option<String>,
    /// MM/DD/YYYY.
    pub past_due: Option<String>,
    /// MM/DD/YYYY.
    pub latest: Option<String>,
    /// CDC forecast reasons.
    pub reasons: Vec<String>,
    /// A shared clinical decision-making recommendation (the supporting data names the whole
    /// series so, e.g. COVID-19 2025–2026 for some ages, MenB 16–23 years): clinician and
    /// patient decide together; not a routine "due" dose.
    pub shared_decision: bool,
    /// Vaccines recommended for the next dose (one entry per CVX).
    pub vaccines: Vec<RecommendedVaccine>,
    /// Why: the rules and dates the engine applied, the group's steps first, then each
    /// antigen's patient series (selection, evaluation of the doses, forecast dates).
    pub trace: Vec<ForecastStep>,
    /// What the row is made from: the series shown, whether it is CDSi's best series or the
    /// series the client can start now, and the group's other series (for "Why?"). Always
    /// sent; optional in TypeScript only so that older fixtures still type-check.
    #[specta(optional)]
    pub basis: Option<RowBasis>,
    /// MM/DD/YYYY: for a series the client has not reached the starting age of, the date it
    /// can start (the row's earliest date); `None` otherwise.
    #[specta(optional)]
    pub eligible_from: Option<String>,
}

/// A vaccine that satisfies a forecast dose.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecommendedVaccine {
    /// CVX.
    pub cvx: String,
    /// CVX short description.
    pub short_description: String,
    /// Vaccine type as the CDSi supporting data names it (e.g. "DTaP", "IPV", "PCV20").
    pub vaccine_type: String,
    /// Trade names the supporting data names for this dose, with their MVX (empty when any
    /// product of the CVX will do).
    pub trade_names: Vec<VaccineTradeName>,
    /// CDC flags this vaccine type as the one to give (e.g. a PCV rather than PPSV23).
    pub preferred: bool,
    /// A combination vaccine: the other vaccine groups with a dose open by the same date that it
    /// also gives (e.g. Pediarix for DTaP/Tdap/Td: "HepB", "Polio").
    pub also_covers: Vec<String>,
}

/// One step of the explanation trace: the rule applied and what it found, as a stable code with
/// typed parameters (`{ rule, antigen, code, params }`) the UI renders in the user's language.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ForecastStep {
    /// Rule of the CDSi logic specification (e.g. "CALCDTINT-4", "§6.5").
    pub rule: String,
    /// The antigen whose patient series the step belongs to (`None`: the vaccine group's own
    /// steps).
    pub antigen: Option<String>,
    /// What was found.
    #[serde(flatten)]
    pub finding: TraceFinding,
}

/// How one dose counted for one antigen.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DoseAssessment {
    /// The immunization.
    pub immunization_id: String,
    /// MM/DD/YYYY.
    pub administered_on: String,
    /// CVX.
    pub cvx: String,
    /// Antigen (e.g. "Pertussis").
    pub antigen: String,
    /// Valid / Not Valid / Extraneous / Sub-standard.
    pub status: String,
    /// CDC evaluation reason, when not valid.
    pub reason: Option<String>,
}

/// "Vaccines recommended" for a client.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ClientForecast {
    /// MM/DD/YYYY.
    pub assessed_on: String,
    /// The tracking schedule.
    pub schedule: String,
    /// What to give today and when to come back.
    pub summary: VisitSummary,
    /// Vaccine groups, most urgent first.
    pub groups: Vec<VaccineGroupForecast>,
    /// Per dose and antigen.
    pub doses: Vec<DoseAssessment>,
    /// The vaccine groups with no series that applies to the client (travel, risk and other),
    /// in supporting-data order, each with the reason. Always sent; optional in TypeScript only
    /// so that older fixtures still type-check.
    #[specta(optional)]
    pub not_applicable: Vec<NotApplicableGroup>,
}

/// Smart search form; empty strings mean "not given". The matcher tolerates typos, nicknames,
/// swapped names and day/month, so the date may be typed as the client's family wrote it.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct SmartSearchRequest {
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// Middle name or initial.
    pub middle_name: String,
    /// Date of birth, MM/DD/YYYY (other common forms are read too).
    pub date_of_birth: String,
    /// F or M; anything else is "not given".
    pub gender: String,
    /// Mother's maiden name.
    pub mother_maiden_name: String,
    /// Street line.
    pub address: String,
    /// ZIP.
    pub zip: String,
}

/// One Smart-search result: the list line, the match score and why.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ScoredClient {
    /// The list line.
    pub client: ClientSummary,
    /// Match score (sum of log-likelihood weights); at or above `likelyScore` is a likely match.
    pub score: f64,
    /// What agreed or disagreed, strongest first ("DOB exact", "surname sounds alike").
    pub reasons: Vec<String>,
    /// The score reaches the likely-match threshold.
    pub likely: bool,
}

/// Smart-search results, best first.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SmartSearchResponse {
    /// Candidates scoring at least the listing threshold, best first, at most `limit`.
    pub clients: Vec<ScoredClient>,
    /// More candidates than shown: ask the user to refine.
    pub truncated: bool,
    /// Most rows a search returns.
    pub limit: i32,
    /// Score from which a candidate is a likely match.
    pub likely_score: f64,
}

/// Quick search: one box.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct QuickSearchRequest {
    /// What was typed: a name, a date of birth, a client ID, a phone number, or a name with a
    /// date ("garcia 3/14/2019").
    pub query: String,
}

/// Quick-search results: exactly one of `basic` (exact search found clients, or nothing more
/// could be tried) and `smart` (Basic found nobody; ranked probable matches).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct QuickSearchResponse {
    /// Basic-search results.
    pub basic: Option<SearchClientsResponse>,
    /// Smart-search results.
    pub smart: Option<SmartSearchResponse>,
}
