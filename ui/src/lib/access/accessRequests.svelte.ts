import {
  fieldErrors,
  type AccessRequestDetail,
  type AccessRequestForm,
  type AccessRequestOptions,
  type AccessRequestSummary,
  type Api,
} from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Router } from '$lib/app/router.svelte';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/**
 * The supervisor's side of access requests: the request form (drafts, field errors, submit)
 * and "My access requests". A failed save keeps everything typed.
 */
export class AccessRequests {
  options = $state<AccessRequestOptions | null>(null);
  form = $state<AccessRequestForm | null>(null);
  /** The request being edited (a draft or a returned one), once saved. */
  current = $state<AccessRequestDetail | null>(null);
  fieldErrors = $state<Record<string, string>>({});
  error = $state<Message | null>(null);
  /** What just happened: saved as a draft, submitted. */
  done = $state<'saved' | 'submitted' | 'resent' | null>(null);
  busy = $state(false);
  loading = $state(false);

  list = $state<AccessRequestSummary[]>([]);
  listError = $state<Message | null>(null);

  readonly #api: Api;
  readonly #session: Session;
  readonly #router: Router;

  constructor(api: Api, session: Session, router: Router) {
    this.#api = api;
    this.#session = session;
    this.#router = router;
  }

  /** Opens the form: a blank one, an existing draft or returned request, or a change request
   * for one of the organization's users. */
  async open(requestId: string | null, preset?: { username?: string; requestType?: string }) {
    this.loading = true;
    this.error = null;
    this.fieldErrors = {};
    this.done = null;
    this.current = null;
    try {
      const options = await this.#session.call(() => this.#api.accessRequestOptions());
      this.options = options;
      if (requestId) {
        const detail = await this.#session.call(() => this.#api.getAccessRequest({ requestId }));
        this.current = detail;
        this.form = { ...detail.form };
      } else {
        this.form = {
          ...options.blankForm,
          requestType: preset?.requestType ?? options.blankForm.requestType,
          existingUsername: preset?.username ?? '',
          priorAccess: preset?.username ? 'yes' : '',
        };
      }
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }

  /** Fills the location fields from one of the organization's locations. */
  useLocation(name: string): void {
    const location = this.options?.organization.locations.find((l) => l.name === name);
    if (!this.form || !location) return;
    this.form = {
      ...this.form,
      locationName: location.name,
      address: location.address,
      city: location.city,
      state: location.state,
      county: location.county,
      zip: location.zip,
      vfcPin: location.vfcPin ?? this.form.vfcPin,
    };
  }

  /** Keeps a half-filled form as a draft. */
  async saveDraft(): Promise<void> {
    await this.#save('saved', (request) => this.#api.saveAccessRequestDraft(request));
  }

  /** Validates and submits; the prospective user is emailed the User Agreement. */
  async submit(): Promise<void> {
    await this.#save('submitted', (request) => this.#api.submitAccessRequest(request));
  }

  async #save(
    what: 'saved' | 'submitted',
    command: (request: {
      requestId: string | null;
      form: AccessRequestForm;
    }) => ReturnType<Api['submitAccessRequest']>,
  ): Promise<void> {
    if (this.busy || !this.form) return;
    this.busy = true;
    this.fieldErrors = {};
    this.error = null;
    this.done = null;
    const request = { requestId: this.current?.summary.id ?? null, form: { ...this.form } };
    try {
      const detail = await this.#session.call(() => command(request));
      this.current = detail;
      this.form = { ...detail.form };
      this.done = what;
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) {
        this.fieldErrors = fields;
        this.error = { key: 'access.fixFields', params: { count: Object.keys(fields).length } };
      } else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  /** Emails the prospective user a new agreement code (the old one stops working). */
  async resend(): Promise<void> {
    const requestId = this.current?.summary.id;
    if (this.busy || !requestId) return;
    this.busy = true;
    this.error = null;
    this.done = null;
    try {
      this.current = await this.#session.call(() => this.#api.resendUserAgreement({ requestId }));
      this.done = 'resent';
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  /** "My access requests": the organization's requests with status and returned reasons. */
  async loadList(): Promise<void> {
    this.loading = true;
    this.listError = null;
    try {
      this.list = await this.#session.call(() => this.#api.listAccessRequests());
    } catch (err) {
      this.listError = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }

  edit(requestId: string): void {
    this.#router.go({ name: 'accessRequestForm', requestId });
  }

  reset(): void {
    this.options = null;
    this.form = null;
    this.current = null;
    this.fieldErrors = {};
    this.error = null;
    this.done = null;
    this.list = [];
    this.listError = null;
  }
}
