import {
  fieldErrors,
  type Api,
  type LotInventory,
  type TradeName,
  type VaccineLot,
} from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/** The receive-a-lot form, as typed. */
export type ReceiveForm = {
  product: string;
  ndc: string;
  lotNumber: string;
  expirationDate: string;
  quantity: string;
  fundingSource: string;
};

/** The adjustment form, as typed. */
export type AdjustForm = {
  quantity: string;
  direction: 'remove' | 'add';
  reason: string;
  note: string;
};

export const FUNDING_SOURCES = ['vfc', 'state', 'private'] as const;
export const ADJUSTMENT_REASONS = [
  'wastage',
  'expired',
  'returned',
  'transfer',
  'count_correction',
] as const;

/** Key of a product choice: "CVX|MVX|name" (a trade name is listed per CVX and MVX). */
export const productKey = (p: TradeName) => `${p.cvx}|${p.mvx}|${p.productName}`;

/** Lots that need attention: expired with doses left, or expiring within the alert window. */
export function expiryAlerts(lots: readonly VaccineLot[]): {
  expiring: VaccineLot[];
  expired: VaccineLot[];
} {
  return {
    expiring: lots.filter((l) => l.expiryStatus === 'expiring_soon' && l.quantityOnHand > 0),
    expired: lots.filter((l) => l.expiryStatus === 'expired' && l.quantityOnHand > 0),
  };
}

/** The vaccine lot inventory screen (Vaccine Mgmt): lots, receiving and adjustments. */
export class LotInventoryState {
  inventory = $state<LotInventory | null>(null);
  products = $state<TradeName[] | null>(null);
  loading = $state(false);
  error = $state<Message | null>(null);
  notice = $state<Message | null>(null);
  busy = $state(false);
  errors = $state<Record<string, string>>({});

  receiving = $state(false);
  receive = $state<ReceiveForm>(emptyReceive());
  adjusting = $state<VaccineLot | null>(null);
  adjust = $state<AdjustForm>(emptyAdjust());
  scanText = $state('');
  scanned = $state<Message | null>(null);

  readonly alerts = $derived(expiryAlerts(this.inventory?.lots ?? []));

  readonly #api: Api;
  readonly #session: Session;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.inventory = await this.#session.call(() => this.#api.listLots());
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }

  openReceive(): void {
    this.receiving = true;
    this.adjusting = null;
    this.receive = emptyReceive();
    this.errors = {};
    this.notice = null;
    this.scanText = '';
    this.scanned = null;
    if (!this.products) {
      void this.#session
        .call(() => this.#api.listTradeNames())
        .then((rows) => (this.products = rows.filter((p) => p.status === 'Active')))
        .catch((err: unknown) => (this.error = errorMessage(err)));
    }
  }

  /** Reads a carton's or vial's barcode into the receive form. */
  async scan(): Promise<void> {
    const data = this.scanText;
    if (!data.trim() || this.busy) return;
    this.busy = true;
    this.scanned = null;
    delete this.errors.barcode;
    try {
      const read = await this.#session.call(() => this.#api.scanVialBarcode({ data }));
      const product =
        this.products?.find(
          (p) =>
            p.cvx === read.cvx && p.mvx === read.mvx && sameName(p.productName, read.tradeName),
        ) ?? this.products?.find((p) => p.cvx === read.cvx && p.mvx === read.mvx);
      if (product) this.receive.product = productKey(product);
      this.receive.ndc = read.ndc;
      if (read.lotNumber) this.receive.lotNumber = read.lotNumber;
      if (read.expirationDate) this.receive.expirationDate = read.expirationDate;
      this.scanned = {
        key: 'dose.scan.filled',
        params: { product: read.tradeName, cvx: read.cvx, ndc: read.ndc },
      };
      this.scanText = '';
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields.barcode) this.errors = { ...this.errors, barcode: fields.barcode };
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  openAdjust(lot: VaccineLot): void {
    this.adjusting = lot;
    this.receiving = false;
    this.adjust = emptyAdjust();
    this.errors = {};
    this.notice = null;
  }

  cancel(): void {
    this.receiving = false;
    this.adjusting = null;
    this.errors = {};
  }

  async submitReceive(): Promise<void> {
    const form = this.receive;
    const product = this.products?.find((p) => productKey(p) === form.product);
    await this.#run(
      async () => {
        const lot = await this.#session.call(() =>
          this.#api.receiveLot({
            cvx: product?.cvx ?? '',
            mvx: product?.mvx ?? '',
            tradeName: product?.productName ?? '',
            ndc: form.ndc,
            lotNumber: form.lotNumber,
            expirationDate: form.expirationDate,
            quantity: form.quantity,
            fundingSource: form.fundingSource,
          }),
        );
        this.receiving = false;
        return {
          key: 'lots.received',
          params: { lot: lot.lotNumber, count: lot.quantityOnHand },
        } satisfies Message;
      },
      // No product chosen reaches Rust as an empty CVX; show it on the product field.
      { cvx: 'product', mvx: 'product' },
    );
  }

  async submitAdjust(): Promise<void> {
    const lot = this.adjusting;
    if (!lot) return;
    const form = this.adjust;
    await this.#run(async () => {
      const updated = await this.#session.call(() =>
        this.#api.adjustLot({
          lotId: lot.id,
          quantity: form.quantity,
          direction: form.direction,
          reason: form.reason,
          note: form.note,
        }),
      );
      this.adjusting = null;
      return {
        key: 'lots.adjusted',
        params: { lot: updated.lotNumber, count: updated.quantityOnHand },
      } satisfies Message;
    });
  }

  reset(): void {
    this.inventory = null;
    this.products = null;
    this.error = null;
    this.notice = null;
    this.cancel();
  }

  async #run(action: () => Promise<Message>, rename: Record<string, string> = {}): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.errors = {};
    this.error = null;
    try {
      this.notice = await action();
      await this.load();
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) {
        const renamed: Record<string, string> = {};
        for (const [field, message] of Object.entries(fields)) {
          renamed[rename[field] ?? field] ??= message;
        }
        this.errors = renamed;
        this.error = { key: 'error.validation' };
      } else {
        this.error = errorMessage(err);
      }
    } finally {
      this.busy = false;
    }
  }
}

const folded = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** CDC's NDC and product-name tables spell names differently ("ProQuad" / "PROQUAD"). */
function sameName(a: string, b: string): boolean {
  return folded(a) === folded(b);
}

function emptyReceive(): ReceiveForm {
  return {
    product: '',
    ndc: '',
    lotNumber: '',
    expirationDate: '',
    quantity: '',
    fundingSource: 'vfc',
  };
}

function emptyAdjust(): AdjustForm {
  return { quantity: '', direction: 'remove', reason: 'wastage', note: '' };
}
