import {
  appErrorOf,
  call,
  fieldErrors,
  type Api,
  type UserAgreement,
  type UserAgreementSigned,
} from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Message } from '$lib/i18n';

export type AgreementSignature = {
  facilityName: string;
  jobTitle: string;
  fullLegalName: string;
  date: string;
  signatureConfirmed: boolean;
};

const emptySignature = (): AgreementSignature => ({
  facilityName: '',
  jobTitle: '',
  fullLegalName: '',
  date: '',
  signatureConfirmed: false,
});

/**
 * The User Agreement, reached from the sign-in screen without signing in: the request number
 * and code from the email open it; each statement is checked on its own; the typed name signs.
 */
export class UserAgreementState {
  requestNumber = $state('');
  code = $state('');
  agreement = $state<UserAgreement | null>(null);
  accepted = $state<Record<string, boolean>>({});
  signature = $state<AgreementSignature>(emptySignature());
  fieldErrors = $state<Record<string, string>>({});
  error = $state<Message | null>(null);
  signed = $state<UserAgreementSigned | null>(null);
  busy = $state(false);

  readonly #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  async open(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.fieldErrors = {};
    this.error = null;
    try {
      const agreement = await call(
        this.#api.openUserAgreement({ requestNumber: this.requestNumber, code: this.code }),
      );
      this.agreement = agreement;
      this.accepted = Object.fromEntries(agreement.statements.map((s) => [s.id, false]));
      this.signature = {
        ...emptySignature(),
        facilityName: agreement.employer,
        jobTitle: agreement.jobTitle,
      };
    } catch (err) {
      this.#fail(err);
    } finally {
      this.busy = false;
    }
  }

  async sign(): Promise<void> {
    if (this.busy || !this.agreement) return;
    this.busy = true;
    this.fieldErrors = {};
    this.error = null;
    try {
      this.signed = await call(
        this.#api.signUserAgreement({
          requestNumber: this.requestNumber,
          code: this.code,
          accepted: Object.entries(this.accepted)
            .filter(([, checked]) => checked)
            .map(([id]) => id),
          ...this.signature,
        }),
      );
    } catch (err) {
      this.#fail(err);
    } finally {
      this.busy = false;
    }
  }

  #fail(err: unknown): void {
    const fields = fieldErrors(err);
    if (Object.keys(fields).length > 0) {
      this.fieldErrors = fields;
      return;
    }
    // Someone else is signed in on this workstation (the supervisor): the user signs alone.
    if (appErrorOf(err)?.code === 'forbidden') this.error = { key: 'agreement.notForYou' };
    else this.error = errorMessage(err);
  }

  /** Starts over (leaving the screen). */
  reset(): void {
    this.requestNumber = '';
    this.code = '';
    this.agreement = null;
    this.accepted = {};
    this.signature = emptySignature();
    this.fieldErrors = {};
    this.error = null;
    this.signed = null;
  }
}
