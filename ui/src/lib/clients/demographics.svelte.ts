import {
  fieldErrors,
  type AddressFields,
  type Api,
  type ClientDemographics,
  type ConsentFields,
  type DemographicCodes,
  type DemographicsChange,
  type PersonalFields,
  type ResponsiblePersonFields,
} from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/** Today as MM/DD/YYYY (the forms' default date). */
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once, never mutated
export function todayUs(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(now.getMonth() + 1)}/${pad(now.getDate())}/${now.getFullYear()}`;
}

export const emptyPersonal = (): PersonalFields => ({
  firstName: '',
  middleName: '',
  lastName: '',
  suffix: '',
  dateOfBirth: '',
  gender: '',
  motherMaidenName: '',
  multipleBirth: '',
  birthOrder: '',
  birthState: '',
  birthCountry: '',
  race: '',
  ethnicity: '',
  language: '',
  phone: '',
});

export const emptyAddress = (): AddressFields => ({
  addressLine1: '',
  addressLine2: '',
  city: '',
  state: '',
  county: '',
  zip: '',
});

export const emptyPerson = (): ResponsiblePersonFields => ({
  firstName: '',
  middleName: '',
  lastName: '',
  relationship: '',
  phone: '',
});

export const newConsent = (status = 'granted'): ConsentFields => ({
  status,
  effectiveOn: todayUs(),
  method: 'verbal',
  givenBy: '',
});

/** The forms of the Demographics screen; each keeps what was typed until it saves. */
export type DemographicsForm =
  | 'personal'
  | 'consent'
  | 'aka'
  | 'address'
  | 'person'
  | 'organization'
  | 'comment'
  | 'note'
  | 'void';

const emptyForms = () => ({
  aka: { firstName: '', middleName: '', lastName: '', nameKind: 'previous' },
  address: { address: emptyAddress(), movedOn: todayUs() },
  person: { person: emptyPerson(), primary: false },
  organization: { organizationCode: '', status: 'active', statusOn: todayUs() },
  comment: { code: '', appliesFrom: todayUs(), appliesUntil: '', text: '' },
  note: { text: '' },
});

/** The counties offered for `state` (empty when the registry holds no list for it). */
export function countiesOf(codes: DemographicCodes | null, state: string): string[] {
  return codes?.counties.find((c) => c.state === state.trim().toUpperCase())?.counties ?? [];
}

/** The Demographics screen: one client's tabs, their forms and saving. */
export class DemographicsState {
  clientId = $state<string | null>(null);
  data = $state<ClientDemographics | null>(null);
  codes = $state<DemographicCodes | null>(null);
  error = $state<Message | null>(null);
  loading = $state(false);

  personal = $state<PersonalFields>(emptyPersonal());
  consent = $state<ConsentFields>(newConsent('withdrawn'));
  forms = $state(emptyForms());

  /** The form being saved, and per form: field errors, a page-level message, "saved". */
  saving = $state<DemographicsForm | null>(null);
  errors = $state<Partial<Record<DemographicsForm, Record<string, string>>>>({});
  formError = $state<Partial<Record<DemographicsForm, Message>>>({});
  saved = $state<DemographicsForm | null>(null);

  readonly #api: Api;
  readonly #session: Session;
  #request = 0;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  async load(clientId: string): Promise<void> {
    const request = ++this.#request;
    if (this.clientId !== clientId) {
      this.data = null;
      this.forms = emptyForms();
      this.consent = newConsent('withdrawn');
      this.errors = {};
      this.formError = {};
      this.saved = null;
    }
    this.clientId = clientId;
    this.error = null;
    this.loading = true;
    try {
      const [data, codes] = await Promise.all([
        this.#session.call(() => this.#api.getDemographics({ clientId })),
        this.codes ?? this.#session.call(() => this.#api.demographicCodes()),
      ]);
      if (request !== this.#request) return;
      this.codes = codes;
      this.#show(data);
      // Offer the change that is likely next: withdrawal of a granted consent, or granting.
      if (this.saved !== 'consent') {
        this.consent = newConsent(data.consentStatus === 'granted' ? 'withdrawn' : 'granted');
      }
    } catch (err) {
      if (request === this.#request) this.error = errorMessage(err);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  /** Loads the code lists once (the Add client form uses them too). */
  async loadCodes(): Promise<void> {
    if (this.codes !== null) return;
    try {
      this.codes = await this.#session.call(() => this.#api.demographicCodes());
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  #show(data: ClientDemographics): void {
    this.data = data;
    this.personal = { ...data.personal };
  }

  /** Saves one form. On failure nothing is lost: the form keeps what was typed. */
  async save(form: Exclude<DemographicsForm, 'consent' | 'void'>): Promise<boolean> {
    const change = this.#change(form);
    return this.#run(form, async (clientId) => {
      const data = await this.#session.call(() =>
        this.#api.changeDemographics({ clientId, change }),
      );
      this.#show(data);
      this.#clear(form);
    });
  }

  /** Voids an AKA, responsible person, comment or note. */
  async voidEntry(entryKind: string, entryId: string, reason: string): Promise<boolean> {
    return this.#run('void', async (clientId) => {
      const data = await this.#session.call(() =>
        this.#api.changeDemographics({
          clientId,
          change: { kind: 'void', entryKind, entryId, reason },
        }),
      );
      this.#show(data);
    });
  }

  /** Records consent (granted, not granted or withdrawn); it applies at once. */
  async recordConsent(): Promise<boolean> {
    const form = { ...this.consent };
    return this.#run('consent', async (clientId) => {
      await this.#session.call(() => this.#api.updateConsent({ clientId, ...form }));
      // Reload: the consent may open or close the rest of the record.
      this.#show(await this.#session.call(() => this.#api.getDemographics({ clientId })));
      this.consent = newConsent(form.status === 'granted' ? 'withdrawn' : 'granted');
    });
  }

  async #run(form: DemographicsForm, work: (clientId: string) => Promise<void>): Promise<boolean> {
    const clientId = this.clientId;
    if (clientId === null || this.saving !== null) return false;
    this.saving = form;
    this.saved = null;
    this.errors = { ...this.errors, [form]: {} };
    this.formError = { ...this.formError, [form]: undefined };
    try {
      await work(clientId);
      this.saved = form;
      return true;
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.errors = { ...this.errors, [form]: fields };
      else this.formError = { ...this.formError, [form]: errorMessage(err) };
      return false;
    } finally {
      this.saving = null;
    }
  }

  #change(form: Exclude<DemographicsForm, 'consent' | 'void'>): DemographicsChange {
    const f = this.forms;
    switch (form) {
      case 'personal':
        return { kind: 'personal', personal: { ...this.personal } };
      case 'aka':
        return { kind: 'aka', ...f.aka };
      case 'address':
        return { kind: 'address', address: { ...f.address.address }, movedOn: f.address.movedOn };
      case 'person':
        return {
          kind: 'responsible_person',
          person: { ...f.person.person },
          primary: f.person.primary,
        };
      case 'organization':
        return { kind: 'organization_status', ...f.organization };
      case 'comment':
        return { kind: 'comment', ...f.comment };
      case 'note':
        return { kind: 'note', text: f.note.text };
    }
  }

  #clear(form: DemographicsForm): void {
    const fresh = emptyForms();
    if (form in fresh) this.forms = { ...this.forms, [form]: fresh[form as keyof typeof fresh] };
  }

  reset(): void {
    this.#request++;
    this.clientId = null;
    this.data = null;
    this.error = null;
    this.loading = false;
    this.personal = emptyPersonal();
    this.consent = newConsent('withdrawn');
    this.forms = emptyForms();
    this.errors = {};
    this.formError = {};
    this.saved = null;
    this.saving = null;
  }
}
