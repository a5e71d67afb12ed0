import {
  call,
  fieldErrors,
  type Api,
  type RecallOptions,
  type RecallPreview,
  type RecallProgress,
  type RecallRequest,
  type RecallRun,
} from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/** What a cohort reached by mail or by phone can be made into. */
export const OUTPUTS = {
  mail: ['letters', 'postcards', 'labels', 'csv'],
  phone: ['phone_list', 'csv'],
} as const;

export type RecallMethod = keyof typeof OUTPUTS;
export type RecallOutput = (typeof OUTPUTS)[RecallMethod][number];

/** How often the screen asks how far a run is, in milliseconds. */
const PROGRESS_EVERY_MS = 300;

/**
 * Reminder/recall: the cohort form (kept as typed on error), the preview with its counts, and
 * "Create notices" with its progress and cancel. Who is selected and stamped is Rust's.
 */
export class RecallState {
  byAge = $state(true);
  bornFrom = $state('');
  bornTo = $state('');
  ageFromMonths = $state('19');
  ageToMonths = $state('35');
  asOf = $state('');
  window = $state<'due' | 'overdue' | 'due_or_overdue'>('due_or_overdue');
  method = $state<RecallMethod>('mail');
  vaccineGroups = $state<string[]>([]);
  county = $state('');
  lastNoticeBefore = $state('');
  force = $state(false);
  outputs = $state<RecallOutput[]>(['letters', 'labels']);

  options = $state<RecallOptions | null>(null);
  preview = $state<RecallPreview | null>(null);
  run = $state<RecallRun | null>(null);
  progress = $state<RecallProgress | null>(null);
  errors = $state<Record<string, string>>({});
  error = $state<Message | null>(null);
  busy = $state(false);
  creating = $state(false);

  readonly #api: Api;
  readonly #session: Session;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  request(): RecallRequest {
    return {
      bornFrom: this.byAge ? '' : this.bornFrom,
      bornTo: this.byAge ? '' : this.bornTo,
      ageFromMonths: this.byAge ? this.ageFromMonths : '',
      ageToMonths: this.byAge ? this.ageToMonths : '',
      asOf: this.asOf,
      window: this.window,
      method: this.method,
      vaccineGroups: this.vaccineGroups,
      county: this.county,
      lastNoticeBefore: this.lastNoticeBefore,
      force: this.force,
    };
  }

  /** The outputs that fit the method, in the order they are offered. */
  get offered(): readonly RecallOutput[] {
    return OUTPUTS[this.method];
  }

  setMethod(method: RecallMethod): void {
    this.method = method;
    const fits = this.outputs.filter((o) => (OUTPUTS[method] as readonly string[]).includes(o));
    this.outputs = fits.length > 0 ? fits : [OUTPUTS[method][0]];
    // A preview made for the other method counts other exclusions.
    this.preview = null;
  }

  toggleOutput(output: RecallOutput, on: boolean): void {
    const rest = this.outputs.filter((o) => o !== output);
    this.outputs = on ? [...rest, output] : rest;
  }

  toggleGroup(group: string, on: boolean): void {
    const rest = this.vaccineGroups.filter((g) => g !== group);
    this.vaccineGroups = on ? [...rest, group] : rest;
  }

  async loadOptions(): Promise<void> {
    if (this.options) return;
    try {
      this.options = await this.#session.call(() => this.#api.reminderOptions());
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  #failed(err: unknown): void {
    const fields = fieldErrors(err);
    if (Object.keys(fields).length > 0) this.errors = fields;
    else this.error = errorMessage(err);
  }

  async showPreview(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.errors = {};
    this.error = null;
    this.run = null;
    try {
      this.preview = await this.#session.call(() => this.#api.reminderPreview(this.request()));
    } catch (err) {
      this.preview = null;
      this.#failed(err);
    } finally {
      this.busy = false;
    }
  }

  /** Makes the notices into a folder the user picks, showing progress until it is done. */
  async create(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.creating = true;
    this.errors = {};
    this.error = null;
    this.run = null;
    this.progress = null;
    const poll = setInterval(() => void this.#poll(), PROGRESS_EVERY_MS);
    try {
      const run = await this.#session.call(() =>
        this.#api.createReminders({ criteria: this.request(), outputs: this.outputs }),
      );
      if (run) {
        this.run = run;
        // What was stamped is no longer "to notify": show the cohort as it is now.
        if (!run.cancelled && run.notices > 0) this.preview = null;
      }
    } catch (err) {
      this.#failed(err);
    } finally {
      clearInterval(poll);
      this.progress = null;
      this.creating = false;
      this.busy = false;
    }
  }

  async #poll(): Promise<void> {
    try {
      const progress = await call(this.#api.reminderProgress());
      if (this.creating) this.progress = progress;
    } catch {
      // A missed progress report is not an error: the next one comes.
    }
  }

  async cancel(): Promise<void> {
    try {
      await call(this.#api.cancelReminders());
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  reset(): void {
    this.byAge = true;
    this.bornFrom = '';
    this.bornTo = '';
    this.ageFromMonths = '19';
    this.ageToMonths = '35';
    this.asOf = '';
    this.window = 'due_or_overdue';
    this.method = 'mail';
    this.vaccineGroups = [];
    this.county = '';
    this.lastNoticeBefore = '';
    this.force = false;
    this.outputs = ['letters', 'labels'];
    this.preview = null;
    this.run = null;
    this.progress = null;
    this.errors = {};
    this.error = null;
  }
}
