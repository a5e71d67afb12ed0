import { fieldErrors, type Api, type ClientSummary } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Router } from '$lib/app/router.svelte';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

export type SearchCriteria = { lastName: string; firstName: string; dateOfBirth: string };

const emptyCriteria = (): SearchCriteria => ({ lastName: '', firstName: '', dateOfBirth: '' });

/** Basic client search. Criteria and results live here so they survive opening a record. */
export class ClientSearch {
  criteria = $state<SearchCriteria>(emptyCriteria());
  /** Null until a search has returned. */
  results = $state<ClientSummary[] | null>(null);
  truncated = $state(false);
  limit = $state(0);
  fieldErrors = $state<Record<string, string>>({});
  error = $state<Message | null>(null);
  busy = $state(false);
  /** The client opened last, so returning to the results can put focus back on its row. */
  lastOpened = $state<string | null>(null);

  readonly #api: Api;
  readonly #session: Session;
  readonly #router: Router;

  constructor(api: Api, session: Session, router: Router) {
    this.#api = api;
    this.#session = session;
    this.#router = router;
  }

  /** The line announced after a search (count, refine hint, or nothing found). */
  get summary(): Message | null {
    if (this.results === null) return null;
    if (this.truncated) return { key: 'search.truncated', params: { limit: this.limit } };
    const count = this.results.length;
    if (count === 0) return { key: 'search.none' };
    return count === 1
      ? { key: 'search.count.one' }
      : { key: 'search.count.other', params: { count } };
  }

  async search(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.fieldErrors = {};
    const request = {
      lastName: this.criteria.lastName.trim(),
      firstName: this.criteria.firstName.trim(),
      dateOfBirth: this.criteria.dateOfBirth.trim(),
    };
    try {
      const response = await this.#session.call(() => this.#api.searchClients(request));
      this.results = response.clients;
      this.truncated = response.truncated;
      this.limit = response.limit;
      const only =
        response.clients.length === 1 && !response.truncated ? response.clients[0] : null;
      if (only) this.open(only.id);
    } catch (err) {
      this.results = null;
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.fieldErrors = fields;
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  open(clientId: string): void {
    this.lastOpened = clientId;
    this.#router.go({ name: 'clientRecord', clientId });
  }

  clear(): void {
    this.criteria = emptyCriteria();
    this.results = null;
    this.truncated = false;
    this.fieldErrors = {};
    this.error = null;
    this.lastOpened = null;
  }

  /** Forgets everything (the session ended). */
  reset(): void {
    this.clear();
  }
}
