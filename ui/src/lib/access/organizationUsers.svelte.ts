import { fieldErrors, type Api, type OrganizationUsers } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/** The supervisor's list of the organization's users, and ending a departed employee's access. */
export class OrganizationUsersState {
  users = $state<OrganizationUsers | null>(null);
  error = $state<Message | null>(null);
  loading = $state(false);
  /** The user whose access is being ended (the confirmation is open). */
  ending = $state<string | null>(null);
  reason = $state('');
  reasonError = $state<string | null>(null);
  ended = $state<string | null>(null);
  busy = $state(false);

  readonly #api: Api;
  readonly #session: Session;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.users = await this.#session.call(() =>
        this.#api.listOrganizationUsers({ organizationCode: '' }),
      );
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }

  startEnding(username: string): void {
    this.ending = username;
    this.reason = '';
    this.reasonError = null;
    this.ended = null;
  }

  cancelEnding(): void {
    this.ending = null;
    this.reasonError = null;
  }

  async endAccess(): Promise<void> {
    const username = this.ending;
    if (!username || this.busy) return;
    this.busy = true;
    this.error = null;
    this.reasonError = null;
    try {
      this.users = await this.#session.call(() =>
        this.#api.endUserAccess({ organizationCode: '', username, reason: this.reason }),
      );
      this.ending = null;
      this.ended = username;
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields.reason) this.reasonError = fields.reason;
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  reset(): void {
    this.users = null;
    this.error = null;
    this.ending = null;
    this.ended = null;
    this.reason = '';
  }
}
