import { fieldErrors, type Api, type CoverageView } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/** The organization's coverage report: the form (kept as typed on error) and the answer. */
export class CoverageState {
  bornFrom = $state('');
  bornTo = $state('');
  asOf = $state('');
  errors = $state<Record<string, string>>({});
  error = $state<Message | null>(null);
  view = $state<CoverageView | null>(null);
  busy = $state(false);
  notice = $state<Message | null>(null);

  readonly #api: Api;
  readonly #session: Session;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  async run(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.errors = {};
    this.error = null;
    this.notice = null;
    try {
      this.view = await this.#session.call(() =>
        this.#api.coverageReport({ bornFrom: this.bornFrom, bornTo: this.bornTo, asOf: this.asOf }),
      );
      // Show the defaults the report used, so a rerun asks the same.
      this.bornFrom = this.view.bornFrom;
      this.bornTo = this.view.bornTo;
      this.asOf = this.view.asOf;
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.errors = fields;
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Writes the report shown, with its whole missed-opportunity list, to a CSV file the user
   * picks (the same range and day as on screen, whatever the form holds now).
   */
  async exportCsv(): Promise<void> {
    const view = this.view;
    if (this.busy || !view) return;
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      const saved = await this.#session.call(() =>
        this.#api.saveCoverageCsv({
          bornFrom: view.bornFrom,
          bornTo: view.bornTo,
          asOf: view.asOf,
        }),
      );
      if (saved) this.notice = { key: 'coverage.saved', params: { path: saved.path } };
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  reset(): void {
    this.notice = null;
    this.bornFrom = '';
    this.bornTo = '';
    this.asOf = '';
    this.errors = {};
    this.error = null;
    this.view = null;
  }
}
