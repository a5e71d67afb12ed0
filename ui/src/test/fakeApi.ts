import { vi, type Mock } from 'vitest';
import type {
  Api,
  AppError,
  AppInfo,
  ClientForecast,
  ClientDemographics,
  ClientRecord,
  ClientSummary,
  DuplicateQueue,
  RecordAccess,
  DoseAssessment,
  ImmunizationEntry,
  MyAccount,
  PrintedRecord,
  RecordVerification,
  Result,
  SignedInUser,
  SignInStep,
  RecommendedVaccine,
  VaccineGroupForecast,
  VisitGroup,
  VisitSummary,
} from '$lib/api';

export const ok = <T>(data: T): Promise<Result<T, AppError>> =>
  Promise.resolve({ status: 'ok', data });
export const fail = <T = never>(error: AppError): Promise<Result<T, AppError>> =>
  Promise.resolve({ status: 'error', error });

export const demoInfo: AppInfo = {
  version: '0.1.0',
  demo: true,
  workstation: 'FRONT-DESK-1',
  databasePath: null,
  idleSeconds: 900,
};

export const provider: SignedInUser = {
  username: 'tx.provider',
  displayName: 'Dana Provider',
  organizationCode: 'TX0001',
  organizationName: 'Lone Star Pediatrics',
  role: 'full_access_provider',
  roleTitle: 'Full Access Provider',
  permissions: [
    'search_clients',
    'view_client',
    'print_record',
    'add_immunizations',
    'view_support_tables',
  ],
  otherOrganizations: [],
  helpDesk: { registry: 'ImmTrac2', phone: '800-348-9158' },
};

export const RULES = [
  'At least 12 characters (a passphrase of several words is easiest to remember).',
  'Not your username.',
  'Not a common or previously breached password.',
  'Not one of your last 5 passwords.',
];

export const STATEMENT =
  'This registry holds confidential health information protected by state law and HIPAA.';

/** The steps of a sign-in. */
export const steps = {
  changePassword: { step: 'change_password', rules: RULES },
  confidentiality: { step: 'confidentiality', statement: STATEMENT },
  signedIn: (user: SignedInUser = provider): SignInStep => ({ step: 'signed_in', user }),
} satisfies Record<string, SignInStep | ((u?: SignedInUser) => SignInStep)>;

export const captcha = (id = 'ch-1') => ({
  id,
  imageDataUrl: 'data:image/png;base64,iVBORw0KGgo=',
  textQuestion: 'What is seven plus two? Type the answer in digits.',
});

export const myAccount: MyAccount = {
  username: 'tx.provider',
  firstName: 'Dana',
  lastName: 'Provider',
  email: 'dana@example.invalid',
  phone: null,
};

export const stateStaff: SignedInUser = {
  ...provider,
  username: 'tx.registry',
  displayName: 'Riley Registry',
  organizationCode: 'DSHS',
  organizationName: 'Texas DSHS',
  role: 'registry_staff',
  roleTitle: 'Registry Staff',
  permissions: ['manage_organizations', 'approve_access_requests', 'view_support_tables'],
};

export function summary(overrides: Partial<ClientSummary> = {}): ClientSummary {
  return {
    id: 'c-1',
    registryId: 'TX100001',
    firstName: 'Sofia',
    middleName: 'Ana',
    lastName: 'Martinez',
    dateOfBirth: '03/14/2019',
    gender: 'F',
    guardianName: 'Maria Martinez',
    address: '12 Elm St, Austin, TX 78701',
    organizationName: 'Lone Star Pediatrics',
    ...overrides,
  };
}

export function dose(overrides: Partial<ImmunizationEntry> = {}): ImmunizationEntry {
  return {
    id: 'd-1',
    administeredOn: '05/15/2019',
    ageAtDose: '2 months',
    cvx: '110',
    vaccine: 'DTaP-Hep B-IPV',
    tradeName: 'PEDIARIX',
    vaccineGroups: 'DTAP, HepB, POLIO',
    mvx: 'SKB',
    manufacturer: 'GlaxoSmithKline',
    lotNumber: 'AB12C',
    expirationDate: '01/31/2020',
    doseVolumeMl: 0.5,
    route: 'IM',
    site: 'LT',
    source: 'administered',
    organizationName: 'Lone Star Pediatrics',
    clinician: null,
    fundingSource: null,
    vfcEligibility: null,
    status: 'completed',
    voidReason: null,
    ndc: null,
    visDocumentName: null,
    visEditionDate: null,
    visGivenOn: null,
    historicalProvider: null,
    fromInventoryLot: false,
    revision: 1,
    canChange: false,
    ...overrides,
  };
}

export const fullAccess: RecordAccess = {
  view: 'full',
  restriction: null,
  mayPrint: true,
  mayUpdateConsent: true,
  mayEditDemographics: true,
};

export const restrictedAccess: RecordAccess = {
  view: 'identification',
  restriction: 'consent_withdrawn',
  mayPrint: false,
  mayUpdateConsent: true,
  mayEditDemographics: false,
};

export function clientRecord(immunizations: ImmunizationEntry[] = [dose()]): ClientRecord {
  return {
    access: fullAccess,
    client: {
      id: 'c-1',
      registryId: 'TX100001',
      firstName: 'Sofia',
      middleName: 'Ana',
      lastName: 'Martinez',
      suffix: null,
      dateOfBirth: '03/14/2019',
      age: '7 years',
      gender: 'F',
      motherMaidenName: 'Lopez',
      addressLine1: '12 Elm St',
      city: 'Austin',
      state: 'TX',
      county: 'Travis',
      zip: '78701',
      phone: '512-555-0101',
      guardianName: 'Maria Martinez',
      guardianRelationship: 'Mother',
      consent: 'granted',
      status: 'active',
      organizationName: 'Lone Star Pediatrics',
      mergedInto: null,
    },
    immunizations,
  };
}

export function groupForecast(overrides: Partial<VaccineGroupForecast> = {}): VaccineGroupForecast {
  return {
    vaccineGroup: 'DTaP/Tdap/Td',
    status: 'Not Complete',
    urgency: 'overdue',
    doseNumber: 5,
    earliest: '03/14/2023',
    recommended: '03/14/2023',
    pastDue: '03/14/2026',
    latest: null,
    reasons: [],
    sharedDecision: false,
    vaccines: [
      recommendedVaccine({ cvx: '20', shortDescription: 'DTaP', vaccineType: 'DTaP' }),
      recommendedVaccine({
        cvx: '130',
        shortDescription: 'DTaP-IPV',
        vaccineType: 'DTaP-IPV',
        alsoCovers: ['Polio'],
      }),
    ],
    trace: [
      {
        rule: '§8.8',
        antigen: 'Pertussis',
        code: 'BestSeries',
        params: { series: 'DTaP childhood series' },
      },
      {
        rule: 'FORECASTDT-1',
        antigen: 'Pertussis',
        code: 'ForecastDates',
        params: {
          targetDose: 5,
          series: 'DTaP childhood series',
          earliest: '03/14/2023',
          recommended: '03/14/2023',
          pastDue: '03/14/2026',
        },
      },
    ],
    ...overrides,
  };
}

export function recommendedVaccine(
  overrides: Partial<RecommendedVaccine> = {},
): RecommendedVaccine {
  return {
    cvx: '20',
    shortDescription: 'DTaP',
    vaccineType: 'DTaP',
    tradeNames: [],
    preferred: false,
    alsoCovers: [],
    ...overrides,
  };
}

export function visitGroup(overrides: Partial<VisitGroup> = {}): VisitGroup {
  return {
    vaccineGroup: 'DTaP/Tdap/Td',
    label: 'DTaP',
    urgency: 'due',
    doseNumber: 4,
    earliest: '03/14/2020',
    recommended: '03/14/2020',
    sharedDecision: false,
    vaccines: [],
    ...overrides,
  };
}

export function visitSummary(overrides: Partial<VisitSummary> = {}): VisitSummary {
  return {
    dueToday: [visitGroup()],
    allowedToday: [],
    mayGiveToday: true,
    nextVisitOnOrAfter: '05/01/2026',
    nextVisitGroups: [],
    ...overrides,
  };
}

export function doseAssessment(overrides: Partial<DoseAssessment> = {}): DoseAssessment {
  return {
    immunizationId: 'd-1',
    administeredOn: '05/15/2019',
    cvx: '110',
    antigen: 'Pertussis',
    status: 'Valid',
    reason: null,
    ...overrides,
  };
}

export function clientForecast(
  groups: VaccineGroupForecast[] = [groupForecast()],
  doses: DoseAssessment[] = [doseAssessment()],
  summary: VisitSummary = visitSummary(),
): ClientForecast {
  return {
    assessedOn: '04/01/2026',
    schedule: 'ACIP (CDC CDSi supporting data 4.64)',
    summary,
    groups,
    doses,
  };
}

export function printedRecord(): PrintedRecord {
  return {
    documentId: 'doc-1',
    fileName: 'Official-Immunization-Record-TX100001.pdf',
    byteCount: 41234,
    demoKey: true,
    preview: {
      registryName: 'ImmTrac2 — Texas Immunization Registry',
      jurisdiction: 'Texas Department of State Health Services',
      title: 'Official Immunization Record',
      clientName: 'Martinez, Sofia Ana',
      dateOfBirth: '03/14/2019',
      gender: 'Female',
      clientId: 'TX100001',
      guardian: 'Maria Martinez (Mother)',
      qrSvg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"></svg>',
      printedLine:
        'Printed 11/22/2026 09:41 UTC by Dana Provider, Lone Star Pediatrics · Document doc-1',
      pages: [
        {
          label: 'Page 1 of 1',
          blocks: [
            { kind: 'client', lines: [], row: null },
            { kind: 'groupHeading', lines: ['Hepatitis B'], row: null },
            {
              kind: 'tableHeader',
              lines: ['Date given', 'Vaccine', 'CVX', 'Dose', 'Given by'],
              row: null,
            },
            {
              kind: 'row',
              lines: [],
              row: {
                date: '05/15/2019',
                vaccine: ['PEDIARIX (DTaP-Hep B-IPV)'],
                cvx: '110',
                dose: '2',
                provider: ['Lone Star Pediatrics'],
                historical: false,
              },
            },
            { kind: 'consent', lines: ['Consent: this record is released…'], row: null },
          ],
        },
      ],
    },
  };
}

export function verification(overrides: Partial<RecordVerification> = {}): RecordVerification {
  return {
    valid: true,
    reason: 'signed by the registry (key 0a1b2c3d4e5f6a7b); compare the facts below with the paper',
    demoKey: false,
    statement: ['Name Martinez, Sofia Ana', 'Born 03/14/2019', '05/15/2019 CVX 110'],
    ...overrides,
  };
}

/** A workstation with no registry: nothing to show in the menu bar. */
export const standaloneSync = {
  state: 'standalone',
  registry: null,
  waiting: 0,
  downloaded: 0,
  offlineSince: null,
  lastContactAt: null,
  lastError: null,
  needsReview: 0,
};

/** The fake command object: every command is a spy. */
export type FakeApi = { [K in keyof Api]: Mock<Api[K]> };

/**
 * A complete fake of the command object: every command is a `vi.fn`, answering like an empty
 * demo registry with nobody signed in unless overridden.
 */
export function fakeApi(overrides: Partial<Api> = {}): FakeApi {
  const defaults: Api = {
    appInfo: () => ok(demoInfo),
    signIn: () => fail<SignInStep>({ code: 'invalid_credentials' }),
    acceptConfidentiality: () => ok<SignInStep>(steps.signedIn()),
    changeTemporaryPassword: () => ok<SignInStep>(steps.confidentiality),
    chooseOrganization: () => ok(provider),
    newCaptcha: () => ok(captcha('ch-new')),
    passwordRules: () => ok({ rules: RULES, minLength: 12 }),
    forgotPassword: () =>
      ok({
        message:
          'If the organization code, username and email match an account, a reset code has been emailed to that address.',
      }),
    resetPassword: () => ok(null),
    changePassword: () => ok(null),
    myAccount: () => ok(myAccount),
    updateMyAccount: (request) => ok({ ...myAccount, ...request, phone: request.phone || null }),
    unlockSession: () => ok(null),
    keepAlive: () => ok(null),
    signOut: () => ok(null),
    currentUser: () => ok<SignedInUser | null>(null),
    syncStatus: () => ok(standaloneSync),
    syncNow: () => ok(standaloneSync),
    syncConflicts: () => ok([]),
    markSyncConflictReviewed: () => ok(null),
    rememberedSignIn: () => ok({ organizationCode: null, username: null, keyringAvailable: false }),
    resumeSession: () => ok<SignedInUser | null>(null),
    searchClients: () => ok({ clients: [], truncated: false, limit: 100 }),
    smartSearch: () => ok({ clients: [], truncated: false, limit: 100, likelyScore: 12 }),
    quickSearch: () => ok({ basic: { clients: [], truncated: false, limit: 100 }, smart: null }),
    getClient: () => fail<ClientRecord>({ code: 'not_found', entity: 'client' }),
    getForecast: () => fail<ClientForecast>({ code: 'not_found', entity: 'client' }),
    listVaccines: () => ok([]),
    listTradeNames: () => ok([]),
    listManufacturers: () => ok([]),
    listVaccineGroups: () => ok([]),
    updateConsent: () => ok([]),
    demographicCodes: () => ok(demographicCodes()),
    getDemographics: () => fail<ClientDemographics>({ code: 'not_found', entity: 'client' }),
    changeDemographics: () => fail<ClientDemographics>({ code: 'not_found', entity: 'client' }),
    addClient: () => fail({ code: 'forbidden', permission: 'edit_demographics' }),
    duplicateQueue: () => ok(emptyQueue()),
    scanDuplicates: () => ok(emptyQueue()),
    mergeClients: () => ok(emptyQueue()),
    unmergeClients: () => ok(emptyQueue()),
    dismissDuplicate: () => ok(emptyQueue()),
    recordAdministeredDose: () => ok({ saved: true, warnings: [], immunizationIds: ['d-new'] }),
    recordHistoricalDoses: () => ok({ saved: true, warnings: [], immunizationIds: ['d-new'] }),
    editImmunization: () => ok({ saved: true, warnings: [], immunizationIds: ['d-1'] }),
    voidImmunization: () => ok(null),
    doseEntryOptions: () =>
      ok({
        lots: [],
        routes: [],
        sites: [],
        vfcEligibility: [],
        vis: [],
        clinician: 'Dana Provider',
      }),
    scanVialBarcode: () =>
      fail({ code: 'validation', issues: [{ field: 'barcode', message: 'Not a barcode.' }] }),
    listLots: () => ok({ lots: [], alertDays: 30, asOf: '11/22/2026' }),
    receiveLot: () => fail({ code: 'forbidden', permission: 'manage_lots' }),
    adjustLot: () => fail({ code: 'forbidden', permission: 'manage_lots' }),
    listVisDocuments: () => ok([]),
    printRecord: () => ok(printedRecord()),
    saveRecordPdf: () => ok({ path: '/home/dana/Official-Immunization-Record-TX100001.pdf' }),
    sendRecordToPrinter: () =>
      fail({ code: 'printer_unavailable', reason: 'no_printer', detail: 'no printer' }),
    chooseBatchFolder: () => ok({ path: '/home/dana/records' }),
    printRecordToBatchFolder: ({ client }) =>
      ok({ fileName: `Official-Immunization-Record-${client}.pdf`, pages: 1 }),
    verifyRecord: () => ok(verification()),
    verifyRecordFile: () => ok(verification()),
    accessRequestOptions: () =>
      fail({ code: 'forbidden', permission: 'manage_organization_users' }),
    saveAccessRequestDraft: () =>
      fail({ code: 'forbidden', permission: 'manage_organization_users' }),
    submitAccessRequest: () => fail({ code: 'forbidden', permission: 'manage_organization_users' }),
    listAccessRequests: () => ok([]),
    accessRequestQueue: () => ok([]),
    getAccessRequest: () => fail({ code: 'not_found', entity: 'access request' }),
    approveAccessRequest: () => fail({ code: 'forbidden', permission: 'approve_access_requests' }),
    returnAccessRequest: () => fail({ code: 'forbidden', permission: 'approve_access_requests' }),
    rejectAccessRequest: () => fail({ code: 'forbidden', permission: 'approve_access_requests' }),
    resendUserAgreement: () => fail({ code: 'forbidden', permission: 'manage_organization_users' }),
    openUserAgreement: () =>
      fail({
        code: 'validation',
        issues: [
          { field: 'code', message: 'The request number and code do not match a User Agreement.' },
        ],
      }),
    signUserAgreement: () =>
      fail({
        code: 'validation',
        issues: [
          { field: 'code', message: 'The request number and code do not match a User Agreement.' },
        ],
      }),
    listOrganizationUsers: () =>
      fail({ code: 'forbidden', permission: 'manage_organization_users' }),
    endUserAccess: () => fail({ code: 'forbidden', permission: 'manage_organization_users' }),
    listOrganizations: () => ok([]),
    studentLists: () => ok([]),
    createStudentList: () => fail({ code: 'forbidden', permission: 'school_reports' }),
    renameStudentList: () => fail({ code: 'forbidden', permission: 'school_reports' }),
    putStudent: () => fail({ code: 'forbidden', permission: 'school_reports' }),
    removeStudent: () => fail({ code: 'forbidden', permission: 'school_reports' }),
    importRoster: () => fail({ code: 'forbidden', permission: 'school_reports' }),
    schoolReport: () => fail({ code: 'forbidden', permission: 'school_reports' }),
    saveSchoolReportCsv: () => ok(null),
    saveParentLetters: () => ok(null),
    coverageReport: () => fail({ code: 'forbidden', permission: 'run_reports' }),
    reminderOptions: () => ok({ vaccineGroups: ['DTaP/Tdap/Td', 'MMR', 'Polio'], rerunDays: 30 }),
    reminderPreview: () => fail({ code: 'forbidden', permission: 'run_reports' }),
    createReminders: () => ok(null),
    reminderProgress: () => ok({ running: false, stage: 'idle', done: 0, total: 0 }),
    cancelReminders: () => ok(null),
    dosesAdministeredReport: () => fail({ code: 'forbidden', permission: 'run_reports' }),
    saveDosesAdministeredCsv: () => ok(null),
    saveCoverageCsv: () => ok(null),
    lotUsageReport: () => fail({ code: 'forbidden', permission: 'run_reports' }),
  };
  const merged = { ...defaults, ...overrides };
  // Start-up asks resumeSession (the open session, or a remembered one); tests that start
  // signed in override currentUser, which a resumed session answers like.
  if (!overrides.resumeSession) merged.resumeSession = () => merged.currentUser();
  return Object.fromEntries(
    Object.entries(merged).map(([name, fn]) => [name, vi.fn(fn)]),
  ) as unknown as FakeApi;
}

export function emptyQueue(): DuplicateQueue {
  return { pairs: [], openCount: 0, merges: [] };
}

export function demographicCodes() {
  return {
    states: [
      { code: 'MT', name: 'Montana' },
      { code: 'TX', name: 'Texas' },
      { code: 'WY', name: 'Wyoming' },
    ],
    counties: [
      { state: 'MT', counties: ['Lewis and Clark', 'Yellowstone'] },
      { state: 'TX', counties: ['Harris', 'Travis'] },
    ],
    races: [
      { code: '1002-5', name: 'American Indian or Alaska Native' },
      { code: '2106-3', name: 'White' },
    ],
    ethnicities: [
      { code: '2135-2', name: 'Hispanic or Latino' },
      { code: '2186-5', name: 'Not Hispanic or Latino' },
    ],
    languages: [
      { code: 'eng', name: 'English' },
      { code: 'spa', name: 'Spanish' },
    ],
    countries: [{ code: 'USA', name: 'United States' }],
    relationships: ['mother', 'father', 'guardian'],
    providerClientStatuses: ['active', 'inactive', 'moved', 'deceased'],
    commentCodes: [
      {
        code: 'immunity_varicella',
        category: 'immunity',
        label: 'History of varicella (chickenpox) disease',
      },
      { code: 'exemption_medical', category: 'exemption', label: 'Medical exemption' },
    ],
    organizations: [
      { code: 'MT0001', name: 'Big Sky Family Medicine' },
      { code: 'TX0001', name: 'Lone Star Pediatrics' },
    ],
  };
}

export function demographics(overrides: Partial<ClientDemographics> = {}): ClientDemographics {
  return {
    clientId: 'c-1',
    registryId: '9000000002',
    access: fullAccess,
    personal: {
      firstName: 'Liam',
      middleName: 'Joseph',
      lastName: 'Running Crane',
      suffix: '',
      dateOfBirth: '05/02/2026',
      gender: 'M',
      motherMaidenName: 'Old Elk',
      multipleBirth: '',
      birthOrder: '',
      birthState: 'MT',
      birthCountry: 'USA',
      race: '1002-5',
      ethnicity: '2186-5',
      language: 'eng',
      phone: '406-555-0172',
    },
    address: {
      addressLine1: '415 N 27th St',
      addressLine2: '',
      city: 'Billings',
      state: 'MT',
      county: 'Yellowstone',
      zip: '59101',
    },
    consentStatus: 'granted',
    consentHistory: [
      {
        id: 'k-1',
        status: 'granted',
        effectiveOn: '05/02/2026',
        method: 'written',
        givenBy: 'Marie Running Crane, mother',
        recordedBy: 'Karen Lindqvist',
        organizationName: 'Big Sky Family Medicine',
      },
    ],
    akas: [],
    organizations: [
      {
        organizationId: 'o-1',
        code: 'MT0001',
        name: 'Big Sky Family Medicine',
        status: 'active',
        statusOn: null,
        isHome: true,
      },
    ],
    addressHistory: [],
    responsiblePersons: [
      {
        id: '',
        person: {
          firstName: 'Marie',
          middleName: '',
          lastName: 'Running Crane',
          relationship: 'mother',
          phone: '',
        },
        isPrimary: true,
        voided: false,
        voidReason: null,
      },
    ],
    comments: [],
    notes: [],
    mergedInto: null,
    ...overrides,
  };
}
