import { createContext } from 'svelte';
import type { Api } from '$lib/api';
import { ForgotPassword } from '$lib/auth/forgotPassword.svelte';
import { MyAccountState } from '$lib/auth/myAccount.svelte';
import { Session } from '$lib/auth/session.svelte';
import { ClientRecordState } from '$lib/clients/clientRecord.svelte';
import { ClientSearch } from '$lib/clients/clientSearch.svelte';
import { AddClientState } from '$lib/clients/addClient.svelte';
import { DemographicsState } from '$lib/clients/demographics.svelte';
import { DuplicatesState } from '$lib/clients/duplicates.svelte';
import { DoseEntryState } from '$lib/immunizations/doseEntry.svelte';
import { LotInventoryState } from '$lib/immunizations/lotInventory.svelte';
import { RecordBatch } from '$lib/records/recordBatch.svelte';
import { RecordPrint } from '$lib/records/recordPrint.svelte';
import { RecordVerify } from '$lib/records/recordVerify.svelte';
import { SupportTables } from '$lib/support/supportTables.svelte';
import { AccessRequests } from '$lib/access/accessRequests.svelte';
import { AccessReview } from '$lib/access/accessReview.svelte';
import { OrganizationUsersState } from '$lib/access/organizationUsers.svelte';
import { UserAgreementState } from '$lib/access/userAgreement.svelte';
import { CoverageState } from '$lib/reports/coverage.svelte';
import { RecallState } from '$lib/reports/recall.svelte';
import { DosesAdministeredState } from '$lib/reports/administered.svelte';
import { LotUsageState } from '$lib/reports/lotUsage.svelte';
import { StudentListsState } from '$lib/school/studentLists.svelte';
import { SyncState } from '$lib/sync/syncState.svelte';
import { Router } from './router.svelte';

/** Everything the screens use, built once per app from one command object. */
export type Services = {
  router: Router;
  session: Session;
  forgotPassword: ForgotPassword;
  myAccount: MyAccountState;
  clientSearch: ClientSearch;
  clientRecord: ClientRecordState;
  supportTables: SupportTables;
  demographics: DemographicsState;
  addClient: AddClientState;
  duplicates: DuplicatesState;
  doseEntry: DoseEntryState;
  lotInventory: LotInventoryState;
  recordPrint: RecordPrint;
  recordVerify: RecordVerify;
  recordBatch: RecordBatch;
  accessRequests: AccessRequests;
  accessReview: AccessReview;
  organizationUsers: OrganizationUsersState;
  userAgreement: UserAgreementState;
  sync: SyncState;
  studentLists: StudentListsState;
  coverage: CoverageState;
  recall: RecallState;
  dosesAdministered: DosesAdministeredState;
  lotUsage: LotUsageState;
};

/**
 * Builds the feature states over `api`: the generated Tauri `commands` in the app, a fake in
 * tests. Client data is dropped whenever the session ends
 * or switches organization.
 */
export function createServices(api: Api): Services {
  const router = new Router();
  const forgotPassword = new ForgotPassword(api);
  const session = new Session(api, router, forgotPassword);
  const myAccount = new MyAccountState(api, session);
  const clientSearch = new ClientSearch(api, session, router);
  const clientRecord = new ClientRecordState(api, session);
  const supportTables = new SupportTables(api, session);
  const demographics = new DemographicsState(api, session);
  const addClient = new AddClientState(api, session, router);
  const duplicates = new DuplicatesState(api, session);
  // A recorded, edited or voided dose reloads the record, which recomputes the forecast.
  const doseEntry = new DoseEntryState(api, session, (clientId) => clientRecord.load(clientId));
  const lotInventory = new LotInventoryState(api, session);
  const recordPrint = new RecordPrint(api, session);
  const recordVerify = new RecordVerify(api, session);
  const recordBatch = new RecordBatch(api, session);
  const accessRequests = new AccessRequests(api, session, router);
  const accessReview = new AccessReview(api, session);
  const organizationUsers = new OrganizationUsersState(api, session);
  const userAgreement = new UserAgreementState(api);
  const sync = new SyncState(api, session);
  const studentLists = new StudentListsState(api, session);
  const coverage = new CoverageState(api, session);
  const recall = new RecallState(api, session);
  const dosesAdministered = new DosesAdministeredState(api, session);
  const lotUsage = new LotUsageState(api, session);
  session.onEnd(() => {
    demographics.reset();
    addClient.reset();
    duplicates.reset();
    doseEntry.reset();
    lotInventory.reset();
    accessRequests.reset();
    accessReview.reset();
    organizationUsers.reset();
    clientSearch.reset();
    clientRecord.reset();
    supportTables.reset();
    myAccount.reset();
    recordPrint.reset();
    recordVerify.reset();
    recordBatch.reset();
    sync.reset();
    studentLists.reset();
    coverage.reset();
    recall.reset();
    dosesAdministered.reset();
    lotUsage.reset();
  });
  return {
    router,
    session,
    forgotPassword,
    myAccount,
    clientSearch,
    clientRecord,
    supportTables,
    demographics,
    addClient,
    duplicates,
    doseEntry,
    lotInventory,
    recordPrint,
    recordVerify,
    recordBatch,
    accessRequests,
    accessReview,
    organizationUsers,
    userAgreement,
    sync,
    studentLists,
    coverage,
    recall,
    dosesAdministered,
    lotUsage,
  };
}

export const [getRouter, setRouter] = createContext<Router>();
export const [getSession, setSession] = createContext<Session>();
export const [getForgotPassword, setForgotPassword] = createContext<ForgotPassword>();
export const [getMyAccount, setMyAccount] = createContext<MyAccountState>();
export const [getClientSearch, setClientSearch] = createContext<ClientSearch>();
export const [getClientRecord, setClientRecord] = createContext<ClientRecordState>();
export const [getSupportTables, setSupportTables] = createContext<SupportTables>();
export const [getDemographics, setDemographics] = createContext<DemographicsState>();
export const [getAddClient, setAddClient] = createContext<AddClientState>();
export const [getDuplicates, setDuplicates] = createContext<DuplicatesState>();
export const [getDoseEntry, setDoseEntry] = createContext<DoseEntryState>();
export const [getLotInventory, setLotInventory] = createContext<LotInventoryState>();
export const [getRecordPrint, setRecordPrint] = createContext<RecordPrint>();
export const [getRecordVerify, setRecordVerify] = createContext<RecordVerify>();
export const [getRecordBatch, setRecordBatch] = createContext<RecordBatch>();
export const [getAccessRequests, setAccessRequests] = createContext<AccessRequests>();
export const [getAccessReview, setAccessReview] = createContext<AccessReview>();
export const [getOrganizationUsers, setOrganizationUsers] = createContext<OrganizationUsersState>();
export const [getUserAgreement, setUserAgreement] = createContext<UserAgreementState>();
export const [getSync, setSync] = createContext<SyncState>();
export const [getStudentLists, setStudentLists] = createContext<StudentListsState>();
export const [getCoverage, setCoverage] = createContext<CoverageState>();
export const [getRecall, setRecall] = createContext<RecallState>();
export const [getDosesAdministered, setDosesAdministered] = createContext<DosesAdministeredState>();
export const [getLotUsage, setLotUsage] = createContext<LotUsageState>();

/** Puts every service into context. Call during a component's initialisation. */
export function provideServices(services: Services): void {
  setRouter(services.router);
  setSession(services.session);
  setForgotPassword(services.forgotPassword);
  setMyAccount(services.myAccount);
  setClientSearch(services.clientSearch);
  setClientRecord(services.clientRecord);
  setSupportTables(services.supportTables);
  setDemographics(services.demographics);
  setAddClient(services.addClient);
  setDuplicates(services.duplicates);
  setDoseEntry(services.doseEntry);
  setLotInventory(services.lotInventory);
  setRecordPrint(services.recordPrint);
  setRecordVerify(services.recordVerify);
  setRecordBatch(services.recordBatch);
  setAccessRequests(services.accessRequests);
  setAccessReview(services.accessReview);
  setOrganizationUsers(services.organizationUsers);
  setUserAgreement(services.userAgreement);
  setSync(services.sync);
  setStudentLists(services.studentLists);
  setCoverage(services.coverage);
  setRecall(services.recall);
  setDosesAdministered(services.dosesAdministered);
  setLotUsage(services.lotUsage);
}
