import type { Api, DosesAdministeredView } from '$lib/api';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';
import { PeriodReportState } from './period.svelte';

/** The doses-administered report over a period, and its CSV export. */
export class DosesAdministeredState extends PeriodReportState<DosesAdministeredView> {
  notice = $state<Message | null>(null);

  readonly #api: Api;

  constructor(api: Api, session: Session) {
    super(session, (period) => api.dosesAdministeredReport(period));
    this.#api = api;
  }

  override async run(): Promise<void> {
    this.notice = null;
    await super.run();
  }

  async exportCsv(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      const saved = await this.session.call(() => this.#api.saveDosesAdministeredCsv(this.period));
      if (saved) this.notice = { key: 'doses.saved', params: { path: saved.path } };
    } catch (err) {
      this.failed(err);
    } finally {
      this.busy = false;
    }
  }

  override reset(): void {
    super.reset();
    this.notice = null;
  }
}
