import type {
  Api,
  Manufacturer,
  TradeName,
  VaccineCode,
  VaccineGroup,
  VisDocument,
} from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { SupportTab } from '$lib/app/router.svelte';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

type Rows = {
  vaccines: VaccineCode[];
  tradeNames: TradeName[];
  manufacturers: Manufacturer[];
  vaccineGroups: VaccineGroup[];
  visDocuments: VisDocument[];
};

/** One reference table: rows loaded once per session, and its own filter text. */
export class SupportTable<T> {
  rows = $state<T[] | null>(null);
  filter = $state('');
  error = $state<Message | null>(null);
  loading = $state(false);

  readonly shown = $derived.by(() => {
    const rows = this.rows ?? [];
    const needle = this.filter.trim().toLowerCase();
    if (!needle) return rows;
    return rows.filter((row) => this.#text(row).includes(needle));
  });

  readonly #load: () => Promise<T[]>;
  readonly #text: (row: T) => string;

  constructor(load: () => Promise<T[]>, searchable: (row: T) => Array<string | null | undefined>) {
    this.#load = load;
    this.#text = (row) => searchable(row).filter(Boolean).join('\u0000').toLowerCase();
  }

  async ensureLoaded(): Promise<void> {
    if (this.rows !== null || this.loading) return;
    await this.reload();
  }

  async reload(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.rows = await this.#load();
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }

  reset(): void {
    this.rows = null;
    this.filter = '';
    this.error = null;
  }
}

/** The Admin Support tables (CDC code sets as the registry holds them). */
export class SupportTables {
  readonly vaccines: SupportTable<VaccineCode>;
  readonly tradeNames: SupportTable<TradeName>;
  readonly manufacturers: SupportTable<Manufacturer>;
  readonly vaccineGroups: SupportTable<VaccineGroup>;
  readonly visDocuments: SupportTable<VisDocument>;

  constructor(api: Api, session: Session) {
    this.vaccines = new SupportTable(
      () => session.call(() => api.listVaccines()),
      (v) => [v.cvx, v.shortDescription, v.fullName, v.status, v.notes],
    );
    this.tradeNames = new SupportTable(
      () => session.call(() => api.listTradeNames()),
      (p) => [p.productName, p.shortDescription, p.cvx, p.manufacturer, p.mvx, p.status],
    );
    this.manufacturers = new SupportTable(
      () => session.call(() => api.listManufacturers()),
      (m) => [m.mvx, m.name, m.status, m.notes],
    );
    this.vaccineGroups = new SupportTable(
      () => session.call(() => api.listVaccineGroups()),
      (g) => [g.name, g.groupCvx, ...g.members.flatMap((m) => [m.cvx, m.shortDescription])],
    );
    this.visDocuments = new SupportTable(
      () => session.call(() => api.listVisDocuments()),
      (d) => [d.documentName, d.editionDate, d.status, d.cvxCodes, d.encodedString],
    );
  }

  table<K extends SupportTab>(tab: K): SupportTable<Rows[K][number]> {
    return this[tab] as unknown as SupportTable<Rows[K][number]>;
  }

  reset(): void {
    this.vaccines.reset();
    this.tradeNames.reset();
    this.manufacturers.reset();
    this.vaccineGroups.reset();
    this.visDocuments.reset();
  }
}
