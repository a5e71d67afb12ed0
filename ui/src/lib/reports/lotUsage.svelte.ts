import { fieldErrors, type Api, type LotUsageView } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/** The lot usage and wastage report: the period (kept as typed on error) and the answer. */
export class LotUsageState {
  from = $state('');
  to = $state('');
  errors = $state<Record<string, string>>({});
  error = $state<Message | null>(null);
  view = $state<LotUsageView | null>(null);
  busy = $state(false);

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
    try {
      this.view = await this.#session.call(() =>
        this.#api.lotUsageReport({ from: this.from, to: this.to }),
      );
      this.from = this.view.from;
      this.to = this.view.to;
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.errors = fields;
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  reset(): void {
    this.from = '';
    this.to = '';
    this.errors = {};
    this.error = null;
    this.view = null;
  }
}
