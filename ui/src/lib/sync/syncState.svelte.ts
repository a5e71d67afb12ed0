import type { Api, SyncConflict, SyncStatus } from '$lib/api';
import { call } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/** How often the menu bar asks where sync stands (the engine's own rounds run in Rust). */
export const SYNC_STATUS_POLL_MS = 3_000;

/**
 * Where this workstation's sync with the registry stands (menu bar) and the changes the
 * registry did not take as sent ("Needs review"). In standalone mode the status says so and
 * nothing is shown.
 */
export class SyncState {
  status = $state<SyncStatus | null>(null);
  conflicts = $state<SyncConflict[] | null>(null);
  error = $state<Message | null>(null);
  syncing = $state(false);
  busy = $state<number | null>(null);

  readonly #api: Api;
  readonly #session: Session;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  /** Whether the workstation replicates a registry (anything to show at all). */
  get connected(): boolean {
    return this.status !== null && this.status.state !== 'standalone';
  }

  async refresh(): Promise<void> {
    try {
      this.status = await call(this.#api.syncStatus());
    } catch {
      // The status is informational: a failed read leaves the last one shown.
    }
  }

  /** Starts polling the status while the app runs. */
  start(): void {
    if (this.#timer !== null) return;
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), SYNC_STATUS_POLL_MS);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One round now ("Sync now"). */
  async syncNow(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    this.error = null;
    try {
      this.status = await this.#session.call(() => this.#api.syncNow());
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.syncing = false;
    }
  }

  async loadConflicts(): Promise<void> {
    this.error = null;
    try {
      this.conflicts = await this.#session.call(() => this.#api.syncConflicts());
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  async markReviewed(seq: number): Promise<void> {
    if (this.busy !== null) return;
    this.busy = seq;
    this.error = null;
    try {
      await this.#session.call(() => this.#api.markSyncConflictReviewed(seq));
      this.conflicts = (this.conflicts ?? []).filter((c) => c.seq !== seq);
      await this.refresh();
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = null;
    }
  }

  reset(): void {
    this.conflicts = null;
    this.error = null;
    this.busy = null;
  }
}
