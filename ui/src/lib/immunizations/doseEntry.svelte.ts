import {
  fieldErrors,
  type Api,
  type AppError,
  type DoseEntryOptions,
  type FieldWarning,
  type ImmunizationEntry,
  type RecordDosesResponse,
  type Result,
  type VaccineCode,
} from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import { autoSlashDate } from '$lib/clients/dateInput';
import { t, type Message } from '$lib/i18n';

/** Which entry panel is open on the client record. */
export type EntryPanel =
  | { kind: 'administered'; cvx?: string }
  | { kind: 'historical' }
  | { kind: 'void'; dose: ImmunizationEntry }
  | { kind: 'edit'; dose: ImmunizationEntry };

/** The administered-dose form, as typed (strings; Rust parses). */
export type AdministeredForm = {
  lotId: string;
  cvx: string;
  mvx: string;
  ndc: string;
  lotNumber: string;
  expirationDate: string;
  administeredOn: string;
  doseVolumeMl: string;
  route: string;
  site: string;
  clinician: string;
  visDocument: string;
  visGivenOn: string;
  vfcEligibility: string;
};

/** One line of a shot card. */
export type HistoricalRow = { key: number; cvx: string; administeredOn: string; provider: string };

/** The edit form. */
export type EditForm = {
  administeredOn: string;
  cvx: string;
  mvx: string;
  lotNumber: string;
  doseVolumeMl: string;
  route: string;
  site: string;
  clinician: string;
  historicalProvider: string;
  vfcEligibility: string;
  reason: string;
};

const US_DATE = new Intl.DateTimeFormat('en-US', {
  month: '2-digit',
  day: '2-digit',
  year: 'numeric',
});

/** Today as MM/DD/YYYY (the workstation's calendar day). */
export function todayUs(now: number = Date.now()): string {
  return US_DATE.format(now);
}

/** The value of a MM/DD/YYYY input after a keystroke, with the slashes typed for the user. */
export function typedDate(event: Event & { currentTarget: HTMLInputElement }): string {
  const inputType = 'inputType' in event ? String(event.inputType) : undefined;
  return autoSlashDate(event.currentTarget.value, inputType);
}

/** "0.5" → 0.5, "" → null, anything else → NaN (reported on the field before sending). */
export function parseVolume(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^\d*\.?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

const HISTORICAL_ROWS = 3;

/**
 * Recording, editing and voiding doses on the open client record. One panel at a time; a
 * failed save keeps what was typed and marks the fields Rust named; warnings come back unsaved
 * and are confirmed with "Save anyway". After a change the record (and its forecast) reloads.
 */
export class DoseEntryState {
  panel = $state<EntryPanel | null>(null);
  options = $state<DoseEntryOptions | null>(null);
  vaccines = $state<VaccineCode[] | null>(null);
  busy = $state(false);
  errors = $state<Record<string, string>>({});
  warnings = $state<FieldWarning[]>([]);
  error = $state<Message | null>(null);
  notice = $state<Message | null>(null);
  scanText = $state('');
  scanNotice = $state<Message[]>([]);

  administered = $state<AdministeredForm>(this.#emptyAdministered());
  historical = $state<HistoricalRow[]>([]);
  voidReason = $state('');
  edit = $state<EditForm>(this.#emptyEdit());

  readonly #api: Api;
  readonly #session: Session;
  readonly #changed: (clientId: string) => Promise<void>;
  #nextKey = 0;

  constructor(api: Api, session: Session, changed: (clientId: string) => Promise<void>) {
    this.#api = api;
    this.#session = session;
    this.#changed = changed;
  }

  /** Opens a panel with fresh fields (closing any other). */
  open(panel: EntryPanel): void {
    this.panel = panel;
    this.#clearFeedback();
    this.notice = null;
    this.scanText = '';
    this.scanNotice = [];
    if (panel.kind === 'administered') {
      // Opened from a recommended vaccine: its CVX is filled in.
      this.administered = { ...this.#emptyAdministered(), cvx: panel.cvx ?? '' };
      void this.#loadOptions();
    } else if (panel.kind === 'historical') {
      this.historical = Array.from({ length: HISTORICAL_ROWS }, () => this.#row());
      void this.#loadVaccines();
    } else if (panel.kind === 'void') {
      this.voidReason = '';
    } else {
      this.edit = this.#editOf(panel.dose);
      void this.#loadOptions();
      void this.#loadVaccines();
    }
  }

  close(): void {
    this.panel = null;
    this.#clearFeedback();
  }

  addHistoricalRow(): void {
    this.historical.push(this.#row());
  }

  removeHistoricalRow(key: number): void {
    if (this.historical.length > 1) this.historical = this.historical.filter((r) => r.key !== key);
  }

  /** Choosing an inventory lot fills the product from it. */
  chooseLot(lotId: string): void {
    this.administered.lotId = lotId;
    const lot = this.options?.lots.find((l) => l.id === lotId);
    if (lot) {
      this.administered.cvx = lot.cvx;
      this.administered.mvx = lot.mvx;
      this.administered.ndc = lot.ndc ?? '';
      this.administered.lotNumber = '';
      this.administered.expirationDate = '';
      const vis = this.options?.vis.find((v) => v.cvxCodes.includes(lot.cvx));
      if (vis) {
        this.administered.visDocument = vis.encodedString;
        if (!this.administered.visGivenOn)
          this.administered.visGivenOn = this.administered.administeredOn;
      }
    }
  }

  /** Reads what the scanner typed; fills the form, or explains why it could not. */
  async scan(): Promise<void> {
    const data = this.scanText;
    if (!data.trim() || this.busy) return;
    this.busy = true;
    this.scanNotice = [];
    delete this.errors.barcode;
    try {
      const read = await this.#session.call(() => this.#api.scanVialBarcode({ data }));
      const notes: Message[] = [
        {
          key: 'dose.scan.filled',
          params: { product: read.tradeName, cvx: read.cvx, ndc: read.ndc },
        },
      ];
      if (read.matchingLotId) {
        this.chooseLot(read.matchingLotId);
        notes.push({ key: 'dose.scan.lotFound', params: { lot: read.lotNumber ?? '' } });
      } else {
        this.administered.lotId = '';
        this.administered.cvx = read.cvx;
        this.administered.mvx = read.mvx ?? '';
        this.administered.ndc = read.ndc;
        this.administered.lotNumber = read.lotNumber ?? '';
        this.administered.expirationDate = read.expirationDate ?? '';
        if (read.lotNumber) {
          notes.push({ key: 'dose.scan.lotNotInInventory', params: { lot: read.lotNumber } });
        }
      }
      this.scanNotice = notes;
      this.scanText = '';
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields.barcode) this.errors = { ...this.errors, barcode: fields.barcode };
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  async saveAdministered(clientId: string, confirmWarnings = false): Promise<void> {
    const form = this.administered;
    const volume = parseVolume(form.doseVolumeMl);
    if (Number.isNaN(volume)) {
      this.#clearFeedback();
      this.errors = { doseVolumeMl: t('dose.badVolume') };
      return;
    }
    await this.#save(
      () =>
        this.#api.recordAdministeredDose({
          clientId,
          lotId: form.lotId,
          cvx: form.cvx,
          mvx: form.mvx,
          ndc: form.ndc,
          lotNumber: form.lotNumber,
          expirationDate: form.expirationDate,
          administeredOn: form.administeredOn,
          doseVolumeMl: volume,
          route: form.route,
          site: form.site,
          clinician: form.clinician,
          visDocument: form.visDocument,
          visGivenOn: form.visGivenOn,
          vfcEligibility: form.vfcEligibility,
          confirmWarnings,
        }),
      clientId,
      { key: 'dose.saved' },
    );
  }

  async saveHistorical(clientId: string, confirmWarnings = false): Promise<void> {
    // Blank lines of the card are not doses.
    const rows = this.historical.filter((r) => r.cvx.trim() || r.administeredOn.trim());
    const doses = (rows.length > 0 ? rows : this.historical.slice(0, 1)).map((r) => ({
      cvx: r.cvx,
      administeredOn: r.administeredOn,
      provider: r.provider,
    }));
    // Issues name `doses[i]` of what was sent; keep only the sent rows so indexes match.
    this.historical = rows.length > 0 ? rows : this.historical.slice(0, 1);
    await this.#save(
      () => this.#api.recordHistoricalDoses({ clientId, doses, confirmWarnings }),
      clientId,
      doses.length === 1
        ? { key: 'dose.saved' }
        : { key: 'dose.savedMany', params: { count: doses.length } },
    );
  }

  async saveEdit(clientId: string, confirmWarnings = false): Promise<void> {
    if (this.panel?.kind !== 'edit') return;
    const dose = this.panel.dose;
    const form = this.edit;
    const volume = parseVolume(form.doseVolumeMl);
    if (Number.isNaN(volume)) {
      this.#clearFeedback();
      this.errors = { doseVolumeMl: t('dose.badVolume') };
      return;
    }
    await this.#save(
      () =>
        this.#api.editImmunization({
          immunizationId: dose.id,
          revision: dose.revision,
          administeredOn: form.administeredOn,
          cvx: form.cvx,
          mvx: form.mvx,
          lotNumber: form.lotNumber,
          doseVolumeMl: volume,
          route: form.route,
          site: form.site,
          clinician: form.clinician,
          historicalProvider: form.historicalProvider,
          vfcEligibility: form.vfcEligibility,
          reason: form.reason,
          confirmWarnings,
        }),
      clientId,
      { key: 'dose.edited' },
    );
  }

  async voidDose(clientId: string): Promise<void> {
    if (this.panel?.kind !== 'void' || this.busy) return;
    const dose = this.panel.dose;
    this.busy = true;
    this.#clearFeedback();
    try {
      await this.#session.call(() =>
        this.#api.voidImmunization({ immunizationId: dose.id, reason: this.voidReason }),
      );
      this.panel = null;
      await this.#changed(clientId);
      // After the reload, so the notice and the changed record appear together.
      this.notice = { key: 'dose.voided' };
    } catch (err) {
      this.#failed(err);
    } finally {
      this.busy = false;
    }
  }

  /** Forgets everything (sign-out, another client). */
  reset(): void {
    this.panel = null;
    this.options = null;
    this.vaccines = null;
    this.notice = null;
    this.#clearFeedback();
  }

  async #save(
    command: () => Promise<Result<RecordDosesResponse, AppError>>,
    clientId: string,
    done: Message,
  ): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.#clearFeedback();
    try {
      const response = await this.#session.call(command);
      if (!response.saved) {
        this.warnings = response.warnings;
        return;
      }
      this.panel = null;
      // Options hold on-hand counts, which the save changed.
      this.options = null;
      await this.#changed(clientId);
      this.notice = done;
    } catch (err) {
      this.#failed(err);
    } finally {
      this.busy = false;
    }
  }

  #failed(err: unknown): void {
    const fields = fieldErrors(err);
    if (Object.keys(fields).length > 0) {
      this.errors = fields;
      this.error = { key: 'error.validation' };
    } else {
      this.error = errorMessage(err);
    }
  }

  #clearFeedback(): void {
    this.errors = {};
    this.warnings = [];
    this.error = null;
  }

  async #loadOptions(): Promise<void> {
    if (this.options) return;
    try {
      this.options = await this.#session.call(() => this.#api.doseEntryOptions());
      if (this.panel?.kind === 'administered' && !this.administered.clinician) {
        this.administered.clinician = this.options.clinician;
      }
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  async #loadVaccines(): Promise<void> {
    if (this.vaccines) return;
    try {
      this.vaccines = await this.#session.call(() => this.#api.listVaccines());
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  #row(): HistoricalRow {
    return { key: this.#nextKey++, cvx: '', administeredOn: '', provider: '' };
  }

  #emptyAdministered(): AdministeredForm {
    return {
      lotId: '',
      cvx: '',
      mvx: '',
      ndc: '',
      lotNumber: '',
      expirationDate: '',
      administeredOn: todayUs(),
      doseVolumeMl: '0.5',
      route: 'IM',
      site: '',
      clinician: this.options?.clinician ?? '',
      visDocument: '',
      visGivenOn: todayUs(),
      vfcEligibility: '',
    };
  }

  #emptyEdit(): EditForm {
    return {
      administeredOn: '',
      cvx: '',
      mvx: '',
      lotNumber: '',
      doseVolumeMl: '',
      route: '',
      site: '',
      clinician: '',
      historicalProvider: '',
      vfcEligibility: '',
      reason: '',
    };
  }

  #editOf(dose: ImmunizationEntry): EditForm {
    return {
      administeredOn: dose.administeredOn,
      cvx: dose.cvx,
      mvx: dose.mvx ?? '',
      lotNumber: dose.lotNumber ?? '',
      doseVolumeMl: dose.doseVolumeMl === null ? '' : String(dose.doseVolumeMl),
      route: dose.route ?? '',
      site: dose.site ?? '',
      clinician: dose.clinician ?? '',
      historicalProvider: dose.historicalProvider ?? '',
      vfcEligibility: dose.vfcEligibility ?? '',
      reason: '',
    };
  }
}
