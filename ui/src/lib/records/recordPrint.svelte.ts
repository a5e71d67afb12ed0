import type { Api, AppError, PrintedRecord } from '$lib/api';
import { appErrorOf } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message, MessageKey } from '$lib/i18n';

/** The words for why printing is not possible here (`printer_unavailable.reason`). */
export function unavailableMessage(error: AppError): Message | null {
  if (error.code !== 'printer_unavailable') return null;
  const known = ['no_printer', 'no_cups', 'printer_refused', 'no_signing_key', 'bad_signing_key'];
  const key = (
    known.includes(error.reason) ? `print.unavailable.${error.reason}` : 'print.unavailable.other'
  ) as MessageKey;
  return { key, params: { detail: error.detail } };
}

function messageOf(err: unknown): Message {
  const error = appErrorOf(err);
  return (error && unavailableMessage(error)) ?? errorMessage(err);
}

/**
 * The Official Immunization Record of one client: printed (rendered, signed, audited) in Rust,
 * previewed here from its page plan, then saved as PDF or sent to the printer — the same bytes.
 */
export class RecordPrint {
  printed = $state<PrintedRecord | null>(null);
  clientId = $state<string | null>(null);
  busy = $state<'print' | 'save' | 'send' | null>(null);
  error = $state<Message | null>(null);
  notice = $state<Message | null>(null);

  readonly #api: Api;
  readonly #session: Session;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  /** Renders the record and opens the preview. */
  async print(clientId: string): Promise<void> {
    this.clientId = clientId;
    this.printed = null;
    this.error = null;
    this.notice = null;
    this.busy = 'print';
    try {
      this.printed = await this.#session.call(() => this.#api.printRecord({ clientId }));
    } catch (err) {
      this.error = messageOf(err);
    } finally {
      this.busy = null;
    }
  }

  /** "Save as PDF…" (the native dialog opens from Rust; cancelling it is not an error). */
  async save(): Promise<void> {
    const documentId = this.printed?.documentId;
    if (!documentId) return;
    this.error = null;
    this.notice = null;
    this.busy = 'save';
    try {
      const saved = await this.#session.call(() => this.#api.saveRecordPdf({ documentId }));
      if (saved) this.notice = { key: 'print.saved', params: { path: saved.path } };
    } catch (err) {
      this.error = messageOf(err);
    } finally {
      this.busy = null;
    }
  }

  /** "Print": the default CUPS printer; says so plainly when there is none. */
  async send(): Promise<void> {
    const documentId = this.printed?.documentId;
    if (!documentId) return;
    this.error = null;
    this.notice = null;
    this.busy = 'send';
    try {
      const job = await this.#session.call(() => this.#api.sendRecordToPrinter({ documentId }));
      this.notice = { key: 'print.sent', params: { printer: job.printer } };
    } catch (err) {
      this.error = messageOf(err);
    } finally {
      this.busy = null;
    }
  }

  close(): void {
    this.printed = null;
    this.error = null;
    this.notice = null;
  }

  reset(): void {
    this.close();
    this.clientId = null;
    this.busy = null;
  }
}
