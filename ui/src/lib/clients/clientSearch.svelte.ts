import {
  fieldErrors,
  type Api,
  type ClientSummary,
  type SearchClientsResponse,
  type SmartSearchResponse,
} from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Router } from '$lib/app/router.svelte';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/** The Basic search form (every field ImmTrac2 offers); Smart search reads the same form. */
export type SearchCriteria = {
  lastName: string;
  firstName: string;
  middleName: string;
  dateOfBirth: string;
  gender: string;
  motherMaidenName: string;
  guardianName: string;
  phone: string;
  address: string;
  zip: string;
  clientId: string;
};

/** Why a Smart-search row is listed. */
export type MatchInfo = { score: number; reasons: string[]; likely: boolean };

const emptyCriteria = (): SearchCriteria => ({
  lastName: '',
  firstName: '',
  middleName: '',
  dateOfBirth: '',
  gender: '',
  motherMaidenName: '',
  guardianName: '',
  phone: '',
  address: '',
  zip: '',
  clientId: '',
});

/**
 * Quick, Basic and Smart client search. Criteria and results live here so they survive opening
 * a record. Smart-search results carry a score and reasons per client, in score order.
 */
export class ClientSearch {
  criteria = $state<SearchCriteria>(emptyCriteria());
  /** Rank by the probabilistic matcher instead of exact fields. */
  smart = $state(false);
  /** The Quick search box. */
  quickQuery = $state('');
  /** Null until a search has returned. */
  results = $state<ClientSummary[] | null>(null);
  /** Scores of the listed clients when Smart search produced the list, else null. */
  matches = $state<Record<string, MatchInfo> | null>(null);
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
    if (count === 0) return { key: this.matches ? 'search.smartNone' : 'search.none' };
    if (this.matches) {
      return count === 1
        ? { key: 'search.smartCount.one' }
        : { key: 'search.smartCount.other', params: { count } };
    }
    return count === 1
      ? { key: 'search.count.one' }
      : { key: 'search.count.other', params: { count } };
  }

  /** Basic or Smart search on the form. */
  async search(): Promise<void> {
    const c = this.criteria;
    const trimmed = Object.fromEntries(
      Object.entries(c).map(([k, v]) => [k, v.trim()]),
    ) as SearchCriteria;
    if (this.smart) {
      // Guardian, phone and client ID are exact lookups; the matcher does not use them.
      const request = {
        lastName: trimmed.lastName,
        firstName: trimmed.firstName,
        middleName: trimmed.middleName,
        dateOfBirth: trimmed.dateOfBirth,
        gender: trimmed.gender,
        motherMaidenName: trimmed.motherMaidenName,
        address: trimmed.address,
        zip: trimmed.zip,
      };
      await this.#run(async () => {
        this.#showSmart(await this.#session.call(() => this.#api.smartSearch(request)));
      });
    } else {
      await this.#run(async () => {
        this.#showBasic(await this.#session.call(() => this.#api.searchClients(trimmed)));
      });
    }
  }

  /** The Quick search box: whatever was typed, answered by Basic or Smart search. */
  async quickSearch(): Promise<void> {
    const query = this.quickQuery.trim();
    await this.#run(async () => {
      const response = await this.#session.call(() => this.#api.quickSearch({ query }));
      if (response.smart) this.#showSmart(response.smart);
      else if (response.basic) this.#showBasic(response.basic);
    });
  }

  async #run(action: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.fieldErrors = {};
    try {
      await action();
    } catch (err) {
      this.results = null;
      this.matches = null;
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.fieldErrors = fields;
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  #showBasic(response: SearchClientsResponse): void {
    this.results = response.clients;
    this.matches = null;
    this.truncated = response.truncated;
    this.limit = response.limit;
    const only = response.clients.length === 1 && !response.truncated ? response.clients[0] : null;
    if (only) this.open(only.id);
  }

  #showSmart(response: SmartSearchResponse): void {
    this.results = response.clients.map((c) => c.client);
    this.matches = Object.fromEntries(
      response.clients.map((c) => [
        c.client.id,
        { score: c.score ?? 0, reasons: c.reasons, likely: c.likely },
      ]),
    );
    this.truncated = response.truncated;
    this.limit = response.limit;
    // A probable match is not an exact one: even a single candidate is listed with its score
    // and reasons for the user to confirm, never opened directly.
  }

  open(clientId: string): void {
    this.lastOpened = clientId;
    this.#router.go({ name: 'clientRecord', clientId });
  }

  clear(): void {
    this.criteria = emptyCriteria();
    this.quickQuery = '';
    this.results = null;
    this.matches = null;
    this.truncated = false;
    this.fieldErrors = {};
    this.error = null;
    this.lastOpened = null;
  }

  /** Forgets everything (the session ended). */
  reset(): void {
    this.clear();
    this.smart = false;
  }
}
