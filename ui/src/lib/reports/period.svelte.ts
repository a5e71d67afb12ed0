import { fieldErrors, type AppError, type Result } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/** A period as the report forms send it (MM/DD/YYYY; blank: this month so far). */
export interface PeriodRequest {
  from: string;
  to: string;
}

/**
 * A report over a period (doses administered, lot usage): the form (kept as typed on error),
 * the answer, and the period the answer used, shown back in the form so a rerun asks the same.
 */
export class PeriodReportState<T extends PeriodRequest> {
  from = $state('');
  to = $state('');
  errors = $state<Record<string, string>>({});
  error = $state<Message | null>(null);
  view = $state<T | null>(null);
  busy = $state(false);

  protected readonly session: Session;
  readonly #fetch: (period: PeriodRequest) => Promise<Result<T, AppError>>;

  constructor(session: Session, fetch: (period: PeriodRequest) => Promise<Result<T, AppError>>) {
    this.session = session;
    this.#fetch = fetch;
  }

  get period(): PeriodRequest {
    return { from: this.from, to: this.to };
  }

  protected failed(err: unknown): void {
    const fields = fieldErrors(err);
    if (Object.keys(fields).length > 0) this.errors = fields;
    else this.error = errorMessage(err);
  }

  async run(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.errors = {};
    this.error = null;
    try {
      this.view = await this.session.call(() => this.#fetch(this.period));
      this.from = this.view.from;
      this.to = this.view.to;
    } catch (err) {
      this.failed(err);
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
