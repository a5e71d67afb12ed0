import type { Api, DuplicateQueue } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message, MessageKey } from '$lib/i18n';

/** The duplicates queue: likely pairs, merge, undo, dismiss. */
export class DuplicatesState {
  queue = $state<DuplicateQueue | null>(null);
  error = $state<Message | null>(null);
  loading = $state(false);
  scanning = $state(false);
  /** The pair or merge being worked on. */
  busy = $state<string | null>(null);
  /** What the last action did, for the status line. */
  done = $state<MessageKey | null>(null);

  readonly #api: Api;
  readonly #session: Session;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  async load(): Promise<void> {
    this.loading = true;
    await this.#run(null, () => this.#api.duplicateQueue(), null);
    this.loading = false;
  }

  async scan(): Promise<void> {
    if (this.scanning) return;
    this.scanning = true;
    await this.#run(null, () => this.#api.scanDuplicates(), null);
    this.scanning = false;
  }

  merge(pairId: string, survivorId: string): Promise<void> {
    return this.#run(pairId, () => this.#api.mergeClients({ pairId, survivorId }), 'dupes.merged');
  }

  dismiss(pairId: string): Promise<void> {
    return this.#run(pairId, () => this.#api.dismissDuplicate({ pairId }), 'dupes.dismissed');
  }

  unmerge(mergeId: string): Promise<void> {
    return this.#run(mergeId, () => this.#api.unmergeClients({ mergeId }), 'dupes.unmerged');
  }

  async #run(
    busy: string | null,
    command: () => ReturnType<Api['duplicateQueue']>,
    done: MessageKey | null,
  ): Promise<void> {
    if (busy !== null && this.busy !== null) return;
    this.busy = busy;
    this.error = null;
    this.done = null;
    try {
      this.queue = await this.#session.call(command);
      this.done = done;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = null;
    }
  }

  reset(): void {
    this.queue = null;
    this.error = null;
    this.busy = null;
    this.done = null;
  }
}
