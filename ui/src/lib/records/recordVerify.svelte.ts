import type { Api, RecordVerification } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/** "Verify a record": a scanned QR text or a saved PDF, checked against the registry's key. */
export class RecordVerify {
  payload = $state('');
  result = $state<RecordVerification | null>(null);
  error = $state<Message | null>(null);
  busy = $state(false);

  readonly #api: Api;
  readonly #session: Session;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  async verifyText(): Promise<void> {
    const payload = this.payload.trim();
    if (!payload) {
      this.error = { key: 'verify.empty' };
      return;
    }
    await this.#run(() => this.#api.verifyRecord({ payload }));
  }

  /** Opens the native file dialog (from Rust); cancelling leaves the screen as it was. */
  async verifyFile(): Promise<void> {
    await this.#run(() => this.#api.verifyRecordFile());
  }

  async #run(
    command: () => ReturnType<Api['verifyRecord']> | ReturnType<Api['verifyRecordFile']>,
  ): Promise<void> {
    this.error = null;
    this.busy = true;
    try {
      const result = await this.#session.call(command);
      if (result) this.result = result;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  reset(): void {
    this.payload = '';
    this.result = null;
    this.error = null;
    this.busy = false;
  }
}
