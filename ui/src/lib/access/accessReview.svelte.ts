import {
  fieldErrors,
  type AccessRequestDetail,
  type AccessRequestSummary,
  type Api,
} from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/** Registry staff: the queue (oldest first, age in business days) and the side-by-side review
 * with approve, return and reject. */
export class AccessReview {
  queue = $state<AccessRequestSummary[]>([]);
  detail = $state<AccessRequestDetail | null>(null);
  reason = $state('');
  reasonError = $state<string | null>(null);
  error = $state<Message | null>(null);
  /** The decision just made. */
  decided = $state<'approved' | 'returned' | 'rejected' | null>(null);
  loading = $state(false);
  busy = $state(false);

  readonly #api: Api;
  readonly #session: Session;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  async loadQueue(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.queue = await this.#session.call(() => this.#api.accessRequestQueue());
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }

  async open(requestId: string): Promise<void> {
    this.loading = true;
    this.error = null;
    this.decided = null;
    this.reason = '';
    this.reasonError = null;
    this.detail = null;
    try {
      this.detail = await this.#session.call(() => this.#api.getAccessRequest({ requestId }));
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }

  async approve(): Promise<void> {
    const requestId = this.detail?.summary.id;
    if (!requestId) return;
    await this.#decide('approved', () => this.#api.approveAccessRequest({ requestId }));
  }

  async returnToSupervisor(): Promise<void> {
    const requestId = this.detail?.summary.id;
    if (!requestId) return;
    const reason = this.reason;
    await this.#decide('returned', () => this.#api.returnAccessRequest({ requestId, reason }));
  }

  async reject(): Promise<void> {
    const requestId = this.detail?.summary.id;
    if (!requestId) return;
    const reason = this.reason;
    await this.#decide('rejected', () => this.#api.rejectAccessRequest({ requestId, reason }));
  }

  async #decide(
    what: 'approved' | 'returned' | 'rejected',
    command: () => ReturnType<Api['approveAccessRequest']>,
  ): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.reasonError = null;
    try {
      this.detail = await this.#session.call(command);
      this.decided = what;
      this.reason = '';
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields.reason) this.reasonError = fields.reason;
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  reset(): void {
    this.queue = [];
    this.detail = null;
    this.reason = '';
    this.reasonError = null;
    this.error = null;
    this.decided = null;
  }
}
