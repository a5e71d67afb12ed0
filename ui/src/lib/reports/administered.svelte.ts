import { fieldErrors, type Api, type DosesAdministeredView } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/** The doses-administered report: the period (kept as typed on error), the answer, the CSV. */
export class DosesAdministeredState {
  from = $state('');
  to = $state('');
  errors = $state<Record<string, string>>({});
  error = $state<Message | null>(null);
  notice = $state<Message | null>(null);
  view = $state<DosesAdministeredView | null>(null);
  busy = $state(false);

  readonly #api: Api;
  readonly #session: Session;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  #failed(err: unknown): void {
    const fields = fieldErrors(err);
    if (Object.keys(fields).length > 0) this.errors = fields;
    else this.error = errorMessage(err);
  }

  async run(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.errors = {};
    this.error = null;
    this.notice = null;
    try {
      this.view = await this.#session.call(() =>
        this.#api.dosesAdministeredReport({ from: this.from, to: this.to }),
      );
      // Show the period the report used, so a rerun asks the same.
      this.from = this.view.from;
      this.to = this.view.to;
    } catch (err) {
      this.#failed(err);
    } finally {
      this.busy = false;
    }
  }

  async exportCsv(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      const saved = await this.#session.call(() =>
        this.#api.saveDosesAdministeredCsv({ from: this.from, to: this.to }),
      );
      if (saved) this.notice = { key: 'doses.saved', params: { path: saved.path } };
    } catch (err) {
      this.#failed(err);
    } finally {
      this.busy = false;
    }
  }

  reset(): void {
    this.from = '';
    this.to = '';
    this.errors = {};
    this.error = null;
    this.notice = null;
    this.view = null;
  }
}
