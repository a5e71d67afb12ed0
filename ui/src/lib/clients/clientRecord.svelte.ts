import type {
  Api,
  ClientForecast,
  ClientRecord,
  DoseAssessment,
  ImmunizationEntry,
  VaccineGroupForecast,
} from '$lib/api';
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

/** Tracking schedules the forecast can follow; state school requirements will join ACIP. */
export const TRACKING_SCHEDULES = ['acip'] as const;
export type TrackingSchedule = (typeof TRACKING_SCHEDULES)[number];

/**
 * The forecast's groups split as the screen shows them: actionable and settled groups; groups
 * not due within a year (folded under "Later"); travel and other vaccines not recommended.
 */
export function splitForecastGroups(groups: readonly VaccineGroupForecast[]): {
  shown: VaccineGroupForecast[];
  later: VaccineGroupForecast[];
  notRecommended: VaccineGroupForecast[];
} {
  const folded = (g: VaccineGroupForecast) =>
    g.urgency === 'later' || g.urgency === 'not_recommended';
  return {
    shown: groups.filter((g) => !folded(g)),
    later: groups.filter((g) => g.urgency === 'later'),
    notRecommended: groups.filter((g) => g.urgency === 'not_recommended'),
  };
}

/** Per-antigen evaluations of each dose, by immunization id. */
export type DoseAssessments = Readonly<Record<string, readonly DoseAssessment[]>>;

export function assessmentsByDose(doses: readonly DoseAssessment[]): DoseAssessments {
  const byDose = Object.create(null) as Record<string, DoseAssessment[]>;
  for (const dose of doses) (byDose[dose.immunizationId] ??= []).push(dose);
  return byDose;
}

/** Not-valid (or extraneous…) evaluations of one dose, merged when antigens share a reason. */
export type DoseProblem = { status: string; reason: string | null; antigens: string[] };

const isValid = (status: string) => status.trim().toLowerCase() === 'valid';

/** What to mark on a history row: the evaluations that are not Valid, by status and reason. */
export function doseProblems(evaluations: readonly DoseAssessment[]): DoseProblem[] {
  const problems: DoseProblem[] = [];
  for (const e of evaluations) {
    if (isValid(e.status)) continue;
    const reason = e.reason?.trim() || null;
    const same = problems.find((p) => p.status === e.status && p.reason === reason);
    if (!same) problems.push({ status: e.status, reason, antigens: [e.antigen] });
    else if (!same.antigens.includes(e.antigen)) same.antigens.push(e.antigen);
  }
  return problems;
}

/** The open client record (read-only), with its CDSi evaluation and forecast. */
export class ClientRecordState {
  clientId = $state<string | null>(null);
  record = $state<ClientRecord | null>(null);
  error = $state<Message | null>(null);
  loading = $state(false);

  /** "Vaccines recommended"; its failure never hides the record. */
  forecast = $state<ClientForecast | null>(null);
  forecastError = $state<Message | null>(null);
  forecastLoading = $state(false);
  schedule = $state<TrackingSchedule>('acip');

  readonly groups = $derived(this.record ? groupByVaccineGroup(this.record.immunizations) : []);
  readonly assessments = $derived(assessmentsByDose(this.forecast?.doses ?? []));

  readonly #api: Api;
  readonly #session: Session;
  #request = 0;
  #forecastRequest = 0;

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
    // Both commands start together; the forecast settles on its own, so the record (and the
    // focus on its heading) never waits for it.
    void this.loadForecast(clientId);
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

  /** (Re)computes the forecast of the open client: after a load, a retry, or a dose change. */
  async loadForecast(clientId: string | null = this.clientId): Promise<void> {
    if (clientId === null) return;
    const request = ++this.#forecastRequest;
    if (this.forecast !== null && this.record?.client.id !== clientId) this.forecast = null;
    this.forecastError = null;
    this.forecastLoading = true;
    try {
      const forecast = await this.#session.call(() => this.#api.getForecast({ clientId }));
      if (request === this.#forecastRequest) this.forecast = forecast;
    } catch (err) {
      if (request === this.#forecastRequest) {
        this.forecast = null;
        this.forecastError = errorMessage(err);
      }
    } finally {
      if (request === this.#forecastRequest) this.forecastLoading = false;
    }
  }

  reset(): void {
    this.#request++;
    this.#forecastRequest++;
    this.forecast = null;
    this.forecastError = null;
    this.forecastLoading = false;
    this.clientId = null;
    this.record = null;
    this.error = null;
    this.loading = false;
  }
}
