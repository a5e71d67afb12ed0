import type { Api, ClientRecord, ImmunizationEntry } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/** One vaccine group of the history table; `name` null means doses with no group. */
export type DoseGroup = { name: string | null; doses: ImmunizationEntry[] };

/** Sortable key of a MM/DD/YYYY date (YYYYMMDD); unparsable dates sort last. */
function dateKey(us: string): string {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(us);
  return m ? `${m[3]}${m[1]}${m[2]}` : `9${us}`;
}

/**
 * Groups doses by vaccine group, as registries print them: a dose that counts for several
 * groups (MMRV: MMR and VARICELLA) appears under each. Groups are alphabetical with ungrouped
 * doses last; doses within a group are oldest first.
 */
export function groupByVaccineGroup(doses: readonly ImmunizationEntry[]): DoseGroup[] {
  const named = Object.create(null) as Record<string, ImmunizationEntry[]>;
  const ungrouped: ImmunizationEntry[] = [];
  for (const dose of doses) {
    const names = dose.vaccineGroups
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    if (names.length === 0) ungrouped.push(dose);
    const unique = names.filter((name, i) => names.indexOf(name) === i);
    for (const name of unique) (named[name] ??= []).push(dose);
  }
  const byDate = (x: ImmunizationEntry, y: ImmunizationEntry) =>
    dateKey(x.administeredOn).localeCompare(dateKey(y.administeredOn));
  const groups: DoseGroup[] = Object.keys(named)
    .sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }))
    .map((name) => ({ name, doses: (named[name] ?? []).sort(byDate) }));
  if (ungrouped.length > 0) groups.push({ name: null, doses: ungrouped.sort(byDate) });
  return groups;
}

/** The open client record (read-only). */
export class ClientRecordState {
  clientId = $state<string | null>(null);
  record = $state<ClientRecord | null>(null);
  error = $state<Message | null>(null);
  loading = $state(false);

  readonly groups = $derived(this.record ? groupByVaccineGroup(this.record.immunizations) : []);

  readonly #api: Api;
  readonly #session: Session;
  #request = 0;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  async load(clientId: string): Promise<void> {
    const request = ++this.#request;
    this.clientId = clientId;
    if (this.record?.client.id !== clientId) this.record = null;
    this.error = null;
    this.loading = true;
    try {
      const record = await this.#session.call(() => this.#api.getClient({ clientId }));
      if (request === this.#request) this.record = record;
    } catch (err) {
      if (request === this.#request) {
        this.record = null;
        this.error = errorMessage(err);
      }
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  reset(): void {
    this.#request++;
    this.clientId = null;
    this.record = null;
    this.error = null;
    this.loading = false;
  }
}
