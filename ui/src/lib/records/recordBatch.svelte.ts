import type { Api } from '$lib/api';
import { appErrorOf } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';
import { unavailableMessage } from './recordPrint.svelte';

/** Client IDs as typed or pasted: one per line, or separated by commas or spaces. */
export function parseClientIds(text: string): string[] {
  const ids = text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return ids.filter((id, i) => ids.indexOf(id) === i);
}

export type BatchFailure = { client: string; message: Message };

/** Prints many records into one folder, client by client, so the screen can show progress. */
export class RecordBatch {
  text = $state('');
  folder = $state<string | null>(null);
  total = $state(0);
  done = $state(0);
  printed = $state(0);
  failures = $state<BatchFailure[]>([]);
  running = $state(false);
  error = $state<Message | null>(null);
  #stop = false;

  readonly #api: Api;
  readonly #session: Session;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  get clients(): string[] {
    return parseClientIds(this.text);
  }

  async chooseFolder(): Promise<void> {
    this.error = null;
    try {
      const folder = await this.#session.call(() => this.#api.chooseBatchFolder());
      if (folder) this.folder = folder.path;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  async run(): Promise<void> {
    const clients = this.clients;
    if (clients.length === 0) {
      this.error = { key: 'batch.noClients' };
      return;
    }
    if (!this.folder) {
      this.error = { key: 'batch.noFolder' };
      return;
    }
    this.error = null;
    this.failures = [];
    this.total = clients.length;
    this.done = 0;
    this.printed = 0;
    this.running = true;
    this.#stop = false;
    for (const client of clients) {
      if (this.#stop) break;
      try {
        await this.#session.call(() => this.#api.printRecordToBatchFolder({ client }));
        this.printed++;
      } catch (err) {
        const error = appErrorOf(err);
        const issue = error?.code === 'validation' ? error.issues[0]?.message : undefined;
        const message: Message = issue
          ? { key: 'batch.failedWith', params: { reason: issue } }
          : ((error && unavailableMessage(error)) ?? errorMessage(err));
        this.failures = [...this.failures, { client, message }];
        // Without a printer or key nothing else will print either.
        if (error?.code === 'printer_unavailable') break;
      }
      this.done++;
    }
    this.running = false;
  }

  stop(): void {
    this.#stop = true;
  }

  reset(): void {
    this.#stop = true;
    this.text = '';
    this.folder = null;
    this.total = 0;
    this.done = 0;
    this.printed = 0;
    this.failures = [];
    this.running = false;
    this.error = null;
  }
}
