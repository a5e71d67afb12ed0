/**
 * The transport layer: the generated command object, the types the UI uses, and the `call`
 * helpers. Only this folder may import `./bindings` or `@tauri-apps/api` (enforced by ESLint).
 *
 * The types are derived from the command signatures rather than imported by name: tauri-specta
 * splits some DTOs into `X_Serialize | X_Deserialize` unions (optional fields on the
 * deserialize side), and what a command *returns* is always the serialize shape, which is what
 * the screens read.
 */
import { commands } from './bindings';

/** The command surface the UI depends on: the generated `commands` object, or a fake of it. */
export type Api = typeof commands;

type Answer<K extends keyof Api> = Awaited<ReturnType<Api[K]>>;
type Ok<K extends keyof Api> = Extract<Answer<K>, { status: 'ok' }>['data'];

/** Every result of a command. */
export type Result<T, E> = { status: 'ok'; data: T } | { status: 'error'; error: E };

export type AppError = Extract<Answer<'appInfo'>, { status: 'error' }>['error'];
export type FieldIssue = Extract<AppError, { code: 'validation' }>['issues'][number];

export type AppInfo = Ok<'appInfo'>;
export type SignInRequest = Parameters<Api['signIn']>[0];
export type SignInStep = Ok<'signIn'>;
export type SignedInUser = Ok<'chooseOrganization'>;
export type OrganizationChoice = SignedInUser['otherOrganizations'][number];
export type CaptchaChallenge = Ok<'newCaptcha'>;
export type CaptchaAnswer = NonNullable<SignInRequest['captcha']>;
export type PasswordRules = Ok<'passwordRules'>;
export type ForgotPasswordRequest = Parameters<Api['forgotPassword']>[0];
export type ForgotPasswordResponse = Ok<'forgotPassword'>;
export type ChangePasswordRequest = Parameters<Api['changePassword']>[0];
export type NewPasswordRequest = Parameters<Api['changeTemporaryPassword']>[0];
export type MyAccount = Ok<'myAccount'>;
export type UpdateMyAccountRequest = Parameters<Api['updateMyAccount']>[0];
export type SearchClientsRequest = Parameters<Api['searchClients']>[0];
export type SearchClientsResponse = Ok<'searchClients'>;
export type ClientSummary = SearchClientsResponse['clients'][number];
export type SmartSearchRequest = Parameters<Api['smartSearch']>[0];
export type SmartSearchResponse = Ok<'smartSearch'>;
export type ScoredClient = SmartSearchResponse['clients'][number];
export type QuickSearchResponse = Ok<'quickSearch'>;
export type GetClientRequest = Parameters<Api['getClient']>[0];
export type ClientRecord = Ok<'getClient'>;
export type ClientDetails = ClientRecord['client'];
export type ImmunizationEntry = ClientRecord['immunizations'][number];
export type ClientForecast = Ok<'getForecast'>;
export type VaccineGroupForecast = ClientForecast['groups'][number];
export type RecommendedVaccine = VaccineGroupForecast['vaccines'][number];
export type ForecastStep = VaccineGroupForecast['trace'][number];
export type VisitSummary = ClientForecast['summary'];
export type VisitGroup = VisitSummary['dueToday'][number];
export type TraceInterval = Extract<
  ForecastStep,
  { code: 'EarliestFromMinimumInterval' }
>['params']['interval'];
export type DoseAssessment = ClientForecast['doses'][number];
export type VaccineCode = Ok<'listVaccines'>[number];
export type TradeName = Ok<'listTradeNames'>[number];
export type Manufacturer = Ok<'listManufacturers'>[number];
export type VaccineGroup = Ok<'listVaccineGroups'>[number];
export type VaccineGroupMember = VaccineGroup['members'][number];
export type RecordAccess = ClientRecord['access'];
export type UpdateConsentRequest = Parameters<Api['updateConsent']>[0];
export type ConsentHistoryEntry = Ok<'updateConsent'>[number];
export type DemographicCodes = Ok<'demographicCodes'>;
export type CodeName = DemographicCodes['states'][number];
export type ClientDemographics = Ok<'getDemographics'>;
export type PersonalFields = ClientDemographics['personal'];
export type AddressFields = ClientDemographics['address'];
export type ResponsiblePersonFields = ClientDemographics['responsiblePersons'][number]['person'];
export type ChangeDemographicsRequest = Parameters<Api['changeDemographics']>[0];
export type DemographicsChange = ChangeDemographicsRequest['change'];
export type AddClientRequest = Parameters<Api['addClient']>[0];
export type ConsentFields = AddClientRequest['consent'];
export type AddClientOutcome = Ok<'addClient'>;
export type LikelyMatch = Extract<
  AddClientOutcome,
  { outcome: 'likely_matches' }
>['matches'][number];
export type DuplicateQueue = Ok<'duplicateQueue'>;
export type DuplicatePair = DuplicateQueue['pairs'][number];
export type DuplicateSide = DuplicatePair['first'];
export type MergeEntry = DuplicateQueue['merges'][number];
export type RecordAdministeredDoseRequest = Parameters<Api['recordAdministeredDose']>[0];
export type RecordDosesResponse = Ok<'recordAdministeredDose'>;
export type FieldWarning = RecordDosesResponse['warnings'][number];
export type DoseEntryOptions = Ok<'doseEntryOptions'>;
export type VaccineLot = Ok<'receiveLot'>;
export type LotInventory = Ok<'listLots'>;
export type VialScanResult = Ok<'scanVialBarcode'>;
export type VisDocument = Ok<'listVisDocuments'>[number];
export type PrintedRecord = Ok<'printRecord'>;
export type RecordPreview = PrintedRecord['preview'];
export type PreviewPage = RecordPreview['pages'][number];
export type PreviewBlock = PreviewPage['blocks'][number];
export type PreviewRow = NonNullable<PreviewBlock['row']>;
export type SavedRecord = NonNullable<Ok<'saveRecordPdf'>>;
export type PrintJob = Ok<'sendRecordToPrinter'>;
export type RecordVerification = Ok<'verifyRecord'>;
export type BatchItemResult = Ok<'printRecordToBatchFolder'>;

export type AccessRequestOptions = Ok<'accessRequestOptions'>;
export type AccessRequestForm = AccessRequestOptions['blankForm'];
export type RoleOption = AccessRequestOptions['roles'][number];
export type OrganizationInfo = AccessRequestOptions['organization'];
export type AccessRequestDetail = Ok<'getAccessRequest'>;
export type AccessRequestSummary = Ok<'listAccessRequests'>[number];
export type SignedAgreementView = NonNullable<AccessRequestDetail['agreement']>;
export type UserAgreement = Ok<'openUserAgreement'>;
export type SignUserAgreementRequest = Parameters<Api['signUserAgreement']>[0];
export type UserAgreementSigned = Ok<'signUserAgreement'>;
export type OrganizationUsers = Ok<'listOrganizationUsers'>;
export type OrganizationUser = OrganizationUsers['users'][number];
export type SyncStatus = Ok<'syncStatus'>;
export type SyncConflict = Ok<'syncConflicts'>[number];
export type StudentList = Ok<'createStudentList'>;
export type SchoolReport = Ok<'schoolReport'>;
export type StudentCompliance = SchoolReport['students'][number];
export type RosterImportResult = Ok<'importRoster'>;
export type RosterLineResult = RosterImportResult['lines'][number];
export type RosterLineIssue = RosterImportResult['unreadable'][number];
export type PutStudentRequest = Parameters<Api['putStudent']>[0];
export type CoverageView = Ok<'coverageReport'>;
export type DosesAdministeredView = Ok<'dosesAdministeredReport'>;
export type LotUsageView = Ok<'lotUsageReport'>;
export type RecallOptions = Ok<'reminderOptions'>;
export type RecallRequest = Parameters<Api['reminderPreview']>[0];
export type RecallPreview = Ok<'reminderPreview'>;
export type RecallLine = RecallPreview['lines'][number];
export type RecallRun = NonNullable<Ok<'createReminders'>>;
export type RecallProgress = Ok<'reminderProgress'>;

export { call, CommandError, fieldErrors, isSignedOutError, appErrorOf } from './call';

/** The real commands, talking to Rust over Tauri IPC. */
export const tauriApi: Api = commands;
